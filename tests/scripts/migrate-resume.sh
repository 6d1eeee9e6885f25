#!/bin/bash
# migrate-resume.sh - a migration on MariaDB, which commits each DDL
# statement by itself, run statement by statement with its progress
# recorded: a statement that fails in the middle leaves a state that
# status names and up resumes, to the same schema and rows as a run that
# did not stop; up and down with rows kept; two runners at once apply
# the step once; an old directory without .mariadb.sql is refused with
# the file it needs.
#
#     migrate-resume.sh SOURCE_ROOT SCHEMAC
#
# Run by tests/scripts/with-mariadb.sh, which sets SCHEMAC_TEST_URL and
# SCHEMAC_TEST_MARIADB_SOCKET.
set -u
src=$1
schemac=$2
url=${SCHEMAC_TEST_URL:?run by tests/scripts/with-mariadb.sh}
sock=${SCHEMAC_TEST_MARIADB_SOCKET:?run by tests/scripts/with-mariadb.sh}
case=$src/tests/golden/migrate/backfill-using
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "migrate-resume: $*" >&2
    [ -f "$tmp/out" ] && sed 's/^/  | /' "$tmp/out" >&2
    exit 1
}

# The password and database of the URL, for the client.
rest=${url#mariadb://schemac:}
password=${rest%%@*}
db=${url##*/}
sql() {
    mariadb --socket="$sock" -u schemac -p"$password" -N -B "$@"
}
url_b=${url%/*}/schemac_resume_b
sql -e "CREATE DATABASE schemac_resume_b CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" ||
    fail "cannot create the second database"

# mig EXPECTED_STATUS ARGS...: schemac migrate ARGS into $tmp/out.
mig() {
    local want=$1 status=0
    shift
    "$schemac" migrate "$@" >"$tmp/out" 2>&1 || status=$?
    [ "$status" -eq "$want" ] || fail "migrate $1 exited $status, not $want"
}
has() {
    grep -qF -- "$1" "$tmp/out" || fail "no '$1' in the output"
}

# What a database holds: its columns, keys and rows.
dump() {
    sql "$1" -e "SELECT table_name, column_name, ordinal_position,
                   column_type, is_nullable, coalesce(column_default, '-')
                 FROM information_schema.columns
                 WHERE table_schema = DATABASE() AND table_name NOT LIKE 'schemac%'
                 ORDER BY table_name, ordinal_position;
                 SELECT table_name, constraint_name, constraint_type
                 FROM information_schema.table_constraints
                 WHERE table_schema = DATABASE() AND table_name NOT LIKE 'schemac%'
                 ORDER BY 1, 2"
    [ "${2:-}" = schema ] || sql "$1" -e "SELECT * FROM reviews ORDER BY review_id"
}

dir=$tmp/m
mig 0 init "$case/old.schema" --dir "$dir"
mig 0 diff "$case/new.schema" --dir "$dir" --name change
[ -f "$dir/0002_change.mariadb.sql" ] || fail "diff wrote no .mariadb.sql"
grep -q 'MODIFY COLUMN' "$dir/0002_change.mariadb.sql" ||
    fail "the MariaDB script changes no column in place"
grep -q '__new\b.*RENAME TO\|CREATE TABLE' "$dir/0002_change.mariadb.sql" &&
    fail "the MariaDB script rebuilds a table"

seed="INSERT INTO reviews (title, stars, score) VALUES
      ('good', '***', NULL), ('fine', '**', 7), ('best', '*****', NULL)"

# The uninterrupted run, on the second database.
mig 0 up --to 1 --db "$url_b" --dir "$dir"
sql schemac_resume_b -e "$seed" || fail "cannot seed"
mig 0 up --db "$url_b" --dir "$dir"
has "applied  0002 change"
dump schemac_resume_b >"$tmp/straight"

# The interrupted one: a column in the way fails the statement that adds
# it, after the statements before it committed.
mig 0 up --to 1 --db "$url" --dir "$dir"
sql "$db" -e "$seed; ALTER TABLE reviews ADD COLUMN votes INT" || fail "cannot seed"
mig 1 up --db "$url" --dir "$dir"
has "migration 0002 change"
mig 0 status --db "$url" --dir "$dir"
# the statement that adds votes is the 8th of the 12 (the 7 before it
# committed and recorded)
n=$(grep -c ';$' "$dir/0002_change.mariadb.sql")
at=$(sed -n '/^-- +up/,/^-- +down/p' "$dir/0002_change.mariadb.sql" |
     grep ';$' | grep -n 'ADD COLUMN `votes`' | cut -d: -f1)
total=$(sed -n '/^-- +up/,/^-- +down/p' "$dir/0002_change.mariadb.sql" |
        grep -c ';$')
[ "$n" -gt "$total" ] && [ "$at" -gt 1 ] || fail "unexpected script ($at of $total)"
has "half done  0002 change: part 1 of 1, statement $at of $total failed; up resumes there"
done_before=$(sql "$db" -e "SELECT statements FROM schemac_migration_parts
                            WHERE version = 2 AND direction = 'up'")
[ "$done_before" = $((at - 1)) ] ||
    fail "$done_before statements of 0002 recorded as done, not $((at - 1))"
# down refuses while the step is half applied
mig 1 down --db "$url" --dir "$dir"
has "migrate up resumes there"
sql "$db" -e "ALTER TABLE reviews DROP COLUMN votes" || fail "cannot clear"
mig 0 up --db "$url" --dir "$dir"
has "applied  0002 change"
dump "$db" >"$tmp/resumed"
diff "$tmp/straight" "$tmp/resumed" >"$tmp/out" ||
    fail "the resumed run ends elsewhere than the straight one"
left=$(sql "$db" -e "SELECT count(*) FROM schemac_migration_parts")
[ "$left" = 0 ] || fail "the parts table keeps $left rows after the step"

# Down and up again with the rows kept.
mig 0 down 1 --db "$url" --dir "$dir"
# the stars went to their length going up; down keeps that number as text
n=$(sql "$db" -e "SELECT group_concat(stars ORDER BY review_id) FROM reviews")
[ "$n" = "3,2,5" ] || fail "down kept the stars as $n, not 3,2,5"
# (the using runs on the stars' text again: the length of '3' is 1)
mig 0 up --db "$url" --dir "$dir"
dump "$db" schema >"$tmp/again"
dump schemac_resume_b schema >"$tmp/straight-schema"
diff "$tmp/straight-schema" "$tmp/again" >"$tmp/out" ||
    fail "up after down ends elsewhere than the first up"

# Two runners at once: one waits for GET_LOCK, the step is applied once.
mig 0 down 1 --db "$url" --dir "$dir"
sql "$db" -e "SELECT GET_LOCK('schemac_migrations', 0); SELECT SLEEP(1)" \
    >/dev/null &
holder=$!
sleep 0.3
"$schemac" migrate up --db "$url" --dir "$dir" >"$tmp/r1" 2>&1 &
r1=$!
"$schemac" migrate up --db "$url" --dir "$dir" >"$tmp/r2" 2>&1 &
r2=$!
wait "$r1" || { cp "$tmp/r1" "$tmp/out"; fail "the first runner failed"; }
wait "$r2" || { cp "$tmp/r2" "$tmp/out"; fail "the second runner failed"; }
wait "$holder"
applied=$(cat "$tmp/r1" "$tmp/r2" | grep -c "^applied  0002 change")
[ "$applied" = 1 ] || fail "0002 was applied $applied times by two runners"
rows=$(sql "$db" -e "SELECT count(*) FROM schemac_migrations")
[ "$rows" = 2 ] || fail "the version table has $rows rows, not 2"
dump "$db" schema >"$tmp/two"
diff "$tmp/straight-schema" "$tmp/two" >"$tmp/out" ||
    fail "two runners end elsewhere than one"

# A directory written before MariaDB had migrations.
old=$tmp/old
cp -r "$dir" "$old"
rm "$old"/*.mariadb.sql
(cd "$old" && sed -i '/mariadb\.sql$/d' schemac.sum)
mig 0 hash --dir "$old"
sql "$db" -e "DROP DATABASE schemac_resume_b;
              CREATE DATABASE schemac_resume_b" || fail "cannot empty it"
mig 1 up --db "$url_b" --dir "$old"
has "0001_init.mariadb.sql"
echo "migrate-resume: ok"
