#!/bin/bash
# schemac migrate up, status, history and down on a SQLite file database,
# with tests/data/migrations/basic: what each prints and its exit status.
#
#     migrate-cli.sh SOURCE_ROOT SCHEMAC
set -eu
src=$1
schemac=$2
dir=$src/tests/data/migrations/basic
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=sqlite:$tmp/app.db

fail() {
    echo "migrate-cli: $*" >&2
    exit 1
}

# run EXPECTED_STATUS ARGS...: runs schemac migrate ARGS into $tmp/out.
run() {
    local want=$1 status=0
    shift
    "$schemac" migrate "$@" >"$tmp/out" 2>&1 || status=$?
    [ "$status" -eq "$want" ] ||
        { cat "$tmp/out" >&2; fail "migrate $* exited $status, not $want"; }
}

# has TEXT: the last output contains TEXT.
has() {
    grep -qF -- "$1" "$tmp/out" || { cat "$tmp/out" >&2; fail "no '$1'"; }
}

run 0 status --db "$db" --dir "$dir"
has "current  0000 (no migration)"
has "head     0003 add_tags"
has "pending  3"

run 0 up --to 1 --db "$db" --dir "$dir"
has "applied  0001 init"
has "now at   0001 init"

run 0 up --db "$db" --dir "$dir"
has "applied  0002 add_karma"
has "applied  0003 add_tags"
run 0 up --db "$db" --dir "$dir"
has "nothing to apply"

run 0 status --db "$db" --dir "$dir"
has "current  0003 add_tags"
has "pending  0"

run 0 history --db "$db" --dir "$dir"
has "version  applied at (UTC)"
[ "$(grep -c '^000[123] ' "$tmp/out")" -eq 3 ] || fail "history: 3 rows"
has "add_karma"

run 0 down --db "$db" --dir "$dir"
has "undid    0003 add_tags"
run 0 down 5 --db "$db" --dir "$dir"
has "undid    0001 init"
has "now at   0000 (no migration)"
run 0 history --db "$db" --dir "$dir"
has "no migration applied"
run 0 up --db "$db" --dir "$dir"

# errors: usage (2), a tampered directory and a database ahead of it (1)
run 2 up --dir "$dir"
has "--db URL is required"
run 2 down x --db "$db" --dir "$dir"
run 2 up --to 1 --bogus --db "$db" --dir "$dir"
cp -r "$dir" "$tmp/edited"
echo "-- an afterthought" >>"$tmp/edited/0002_add_karma.sqlite.sql"
run 1 status --db "$db" --dir "$tmp/edited"
has "0002_add_karma.sqlite.sql was edited after schemac.sum was written"
# another directory whose 0002 differs from the applied one
run 1 up --db "$db" --dir "$src/tests/data/migrations/failing"
has "migration 0002 add_karma was renamed to add_bio after it was applied"
run 0 status --db "$db" --dir "$dir"
has "current  0003 add_tags"
echo "migrate-cli: ok"
