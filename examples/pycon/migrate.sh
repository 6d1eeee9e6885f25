#!/bin/bash
# migrate.sh - the end of the talk: Alembic, with schemac.
#
#     examples/pycon/migrate.sh SCHEMAC PYCON [URL]
#
# The database (a SQLite file in a temporary directory unless URL names
# one) is brought to the first migration, filled by the pycon
# walk-through with the talk's rows, and then the schema changes as in
# the talk: the programs table gains a column.  `schemac migrate diff`
# writes the migration, `migrate status` shows it pending, `migrate up`
# applies it to the database that holds the rows, `status` and `history`
# show where it stands, and every row is still there, value for value.
set -euo pipefail

schemac=$(realpath "$1")
pycon=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
url=${3:-sqlite:$tmp/pycon.db}

# dump: every row of the talk's tables, in key order, as text.
dump() {
    local q="SELECT user_id, user_name, user_email FROM users ORDER BY 1;
SELECT program_id, program_name, level FROM programs ORDER BY 1;
SELECT program_enrollment_id, program_id, user_id FROM program_enrollments
ORDER BY 1;"
    case $url in
    sqlite:*) sqlite3 "${url#sqlite:}" "$q" ;;
    mariadb://* | mysql://*)
        # mariadb://USER:PASSWORD@HOST:PORT/DB, read through the server's
        # socket when the test's server gives one
        local rest=${url#*://} auth
        auth=${rest%%@*}
        rest=${rest#*@}
        mariadb ${SCHEMAC_TEST_MARIADB_SOCKET:+--socket="$SCHEMAC_TEST_MARIADB_SOCKET"} \
            -u "${auth%%:*}" -p"${auth#*:}" -N -B "${rest#*/}" -e "$q" |
            tr '\t' '|' ;;
    *) psql -qAt -v ON_ERROR_STOP=1 "$url" -c "$q" ;;
    esac
}

step() {
    printf '\n### %s\n\n' "$*"
}

cd "$tmp"
cp "$here/pycon.schema" app.schema

step "alembic init: schemac migrate init app.schema"
"$schemac" migrate init app.schema --dir migrations
"$schemac" migrate up --dir migrations --db "$url"

step "the walk-through fills the database"
"$pycon" "$url" > walkthrough.log
tail -n 1 walkthrough.log
dump > before.txt
wc -l < before.txt | sed 's/^/rows: /'

step "Table schema changes: programs gains a column user_id varchar(32)"
sed 's/^    level        level        not null default beginner;$/&\n    user_id      varchar(32);/' \
    "$here/pycon.schema" > app.schema
grep -n "user_id      varchar(32)" app.schema

step "alembic revision --autogenerate: schemac migrate diff"
"$schemac" migrate diff app.schema --dir migrations \
    --name add_programs_user_id
echo
cat migrations/0002_add_programs_user_id.sqlite.sql

step "alembic current: schemac migrate status"
"$schemac" migrate status --dir migrations --db "$url"

step "alembic upgrade head: schemac migrate up"
"$schemac" migrate up --dir migrations --db "$url"
"$schemac" migrate status --dir migrations --db "$url"

step "alembic history: schemac migrate history"
"$schemac" migrate history --dir migrations --db "$url"

step "every row is still there"
dump > after.txt
if ! cmp -s before.txt after.txt; then
    echo "migrate.sh: rows changed by the migration:" >&2
    diff before.txt after.txt >&2 || true
    exit 1
fi
wc -l < after.txt | sed 's/^/rows: /'

step "a second diff finds nothing to do"
"$schemac" migrate diff app.schema --dir migrations --name again

if "$schemac" help check >/dev/null 2>&1; then
    step "schemac check: the database matches the schema"
    "$schemac" check app.schema --db "$url"
fi
echo
echo "done"
