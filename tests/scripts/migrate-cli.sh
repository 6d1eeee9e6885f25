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
# a new migration would seal the edit with it: refused until hash
run 1 new more --dir "$tmp/edited"
has "seal a reviewed edit with schemac migrate hash before writing a new"
[ ! -e "$tmp/edited/0004_more.schema" ] || fail "new wrote over an edit"
# another directory whose 0002 differs from the applied one
run 1 up --db "$db" --dir "$src/tests/data/migrations/failing"
has "migration 0002 add_karma was renamed to add_bio after it was applied"
run 0 status --db "$db" --dir "$dir"
has "current  0003 add_tags"

# A new migration appears whole or not at all: with writes failing past
# 1 KiB (the file size limit, as a full disk would), diff writes nothing
# and leaves no temporary file; an unfinished migration an older schemac
# left (a lone .schema, no entry in schemac.sum) is ignored by the
# readers and removed by the next diff.
cp -r "$dir" "$tmp/full"
sed 's/    title   varchar(128) not null;/&\n    body    text;\n    a1 int32; a2 int32; a3 int32; a4 int32; a5 int32; a6 int32;/' \
    "$dir/0003_add_tags.schema" >"$tmp/next.schema"
status=0
(trap '' XFSZ; ulimit -f 1; exec "$schemac" migrate diff "$tmp/next.schema" \
    --dir "$tmp/full" --name add_body) >"$tmp/out" 2>&1 || status=$?
[ $status -eq 1 ] || { cat "$tmp/out" >&2; fail "diff on a full disk: $status"; }
has "cannot write"
[ -z "$(ls "$tmp/full" | grep -v -x -F -f <(ls "$dir"))" ] ||
    fail "diff on a full disk left: $(ls "$tmp/full" | tr '\n' ' ')"
cmp -s "$tmp/full/schemac.sum" "$dir/schemac.sum" || fail "sum changed"
cp "$tmp/next.schema" "$tmp/full/0004_add_body.schema"
echo x >"$tmp/full/0004_add_body.sqlite.sql.tmp.AbC123"
run 0 status --db "sqlite:$tmp/full.db" --dir "$tmp/full"
has "head     0003 add_tags"
"$schemac" generate "$tmp/next.schema" -o "$tmp/gen" --migrations \
    "$tmp/full" >"$tmp/out" 2>&1 || fail "generate --migrations: stray"
run 0 diff "$tmp/next.schema" --dir "$tmp/full" --name add_body
has "removed $tmp/full/0004_add_body.schema: an unfinished migration"
has "the temporary file of an unfinished write"
has "wrote $tmp/full/0004_add_body."
run 0 up --db "sqlite:$tmp/full.db" --dir "$tmp/full"
has "applied  0004 add_body"

# On a terminal the running line is one line, rewritten (script(1) gives
# the command a terminal); the applied lines stay.
if command -v script >/dev/null; then
    script -qec "'$schemac' migrate up --db 'sqlite:$tmp/tty.db' \
        --dir '$dir'" /dev/null >"$tmp/out" 2>&1 ||
        fail "up on a terminal"
    grep -q "$(printf '\r\033\\[Kapplied  0003 add_tags')" "$tmp/out" ||
        { od -c "$tmp/out" | head >&2; fail "no progress line"; }
fi
echo "migrate-cli: ok"
