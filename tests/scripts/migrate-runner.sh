#!/bin/bash
# migrate-runner.sh - the runner through the command line and through
# embedded code, on a live database: a migration split into parts
# (tests/data/migrations/parts) that fails at its second part, is named
# by status and resumed by up; the same parts embedded by generate
# --migrations, compiled with -std=c99 -Wpedantic -Werror and run; two
# runners at once, of which only the one that applied a step says so;
# version tables that are not the runner's.
#
#     migrate-runner.sh SOURCE_ROOT SCHEMAC BUILD_ROOT
#
# On SQLite (a file), or on PostgreSQL when SCHEMAC_TEST_URL names a
# server (tests/scripts/with-pg.sh sets it).
set -u
src=$1
schemac=$2
build=$3
parts=$src/tests/data/migrations/parts
basic=$src/tests/data/migrations/basic
fails=0

tmp=$(mktemp -d /tmp/schemac-runner.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

case ${SCHEMAC_TEST_URL:-} in
postgres*) dialect=postgresql url=$SCHEMAC_TEST_URL ;;
*) dialect=sqlite url=sqlite:$tmp/db.sqlite ;;
esac
if [ $dialect = sqlite ] && ! command -v sqlite3 >/dev/null; then
    echo "migrate-runner: no sqlite3 program" >&2
    exit 77
fi
export PGOPTIONS='-c client_min_messages=warning'

fail() {
    echo "FAIL ($dialect): $1" >&2
    [ -f "$tmp/out" ] && sed 's/^/    /' "$tmp/out" >&2
    fails=$((fails + 1))
}

# sql TEXT: runs SQL on the database under test, printing rows bare.
sql() {
    if [ $dialect = sqlite ]; then
        sqlite3 -bail "$tmp/db.sqlite" "$1"
    else
        psql -q -X -A -t -v ON_ERROR_STOP=1 "$SCHEMAC_TEST_URL" -c "$1"
    fi
}

# empty: drops every table of the database under test.
empty() {
    if [ $dialect = sqlite ]; then
        rm -f "$tmp/db.sqlite"
    else
        sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
    fi
}

# mig EXPECTED_STATUS ARGS...: schemac migrate ARGS into $tmp/out.
mig() {
    local want=$1 status=0
    shift
    "$schemac" migrate "$@" >"$tmp/out" 2>&1 || status=$?
    [ "$status" -eq "$want" ] || fail "migrate $1 exited $status, not $want"
}

# has TEXT: the last output contains TEXT.
has() {
    grep -qF -- "$1" "$tmp/out" || fail "no '$1'"
}

# 1. Parts through the command line: part 2 fails on duplicate emails,
# status names it, down refuses, up resumes at part 2.
empty
mig 0 up --to 1 --db "$url" --dir "$parts"
sql "INSERT INTO users (name, email) VALUES ('ann', 'a@x'), ('bob', 'a@x')"
mig 1 up --db "$url" --dir "$parts"
has "migration 0002 add_karma: part 2 of 3 failed: "
grep -q '^applied' "$tmp/out" && fail "up said applied after a failure"
mig 0 status --db "$url" --dir "$parts"
has "current  0001 init"
has "0002 add_karma: part 2 of 3 failed; up resumes there"
if [ $dialect = postgresql ]; then
    [ "$(sql "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" = 0 ] ||
        fail "the failed CREATE INDEX CONCURRENTLY left an invalid index"
fi
mig 1 down --db "$url" --dir "$parts"
has "part 2 of 3 failed going up; migrate up resumes there"
sql "UPDATE users SET email = 'b@x' WHERE name = 'bob'"
mig 0 up --db "$url" --dir "$parts"
has "applied  0002 add_karma"
[ "$(sql "SELECT name || '=' || karma FROM users ORDER BY id" |
     tr '\n' ' ')" = "ann=3 bob=3 " ] || fail "part 3 did not fill karma"
[ "$(sql "SELECT count(*) FROM schemac_migration_parts")" = 0 ] ||
    fail "the parts table keeps a finished migration"
mig 0 status --db "$url" --dir "$parts"
grep -q 'half done' "$tmp/out" && fail "status after up: half done"
# the parts table is the runner's, like the version table
"$schemac" pull --db "$url" >"$tmp/out" 2>&1 || fail "pull"
grep -q schemac_migration "$tmp/out" && fail "pull shows the runner's tables"
"$schemac" check "$parts/0001_init.schema" --db "$url" >"$tmp/out" 2>&1
grep -q schemac_migration "$tmp/out" && fail "check shows the runner's tables"
mig 0 down --db "$url" --dir "$parts"
has "undid    0002 add_karma"
mig 0 up --db "$url" --dir "$parts"

# 2. The same parts embedded in generated code.
empty
mkdir -p "$tmp/gen"
"$schemac" generate "$parts/0002_add_karma.schema" -o "$tmp/gen" \
    --migrations "$parts" >"$tmp/out" 2>&1 || fail "generate --migrations"
cat >"$tmp/main.c" <<'CEOF'
#include <stdio.h>
#include "blog_db.h"

int main(int argc, char **argv)
{
    sc_db *db = NULL;
    unsigned v = 0;

    if (argc != 2 || sc_open(argv[1], &db) != SC_OK)
        return 2;
    if (blog_migrate(db) != SC_OK || sc_migrate_current(db, &v) != SC_OK) {
        fprintf(stderr, "%s\n", sc_errmsg(db));
        return 1;
    }
    printf("%u\n", v);
    sc_close(db);
    return 0;
}
CEOF
cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I "$src/runtime" \
    -I "$build/runtime" -c "$tmp/gen/blog_db.c" -o "$tmp/blog_db.o" \
    >"$tmp/out" 2>&1 || fail "the embedded parts do not compile cleanly"
cc -std=c99 -Wall -Wextra -Werror -I "$src/runtime" -I "$build/runtime" \
    -I "$tmp/gen" "$tmp/main.c" "$tmp/blog_db.o" \
    "$build/runtime/libschemac.a" -lsqlite3 -lpq -lpthread -lm \
    -o "$tmp/main" >"$tmp/out" 2>&1 || fail "compiling the program"
"$tmp/main" "$url" >"$tmp/out" 2>&1 || fail "blog_migrate()"
has 2
mig 0 status --db "$url" --dir "$parts"
has "current  0002 add_karma"

# 3. Two runners at once: each step applied once, and said once.
for round in 1 2 3; do
    empty
    "$schemac" migrate up --db "$url" --dir "$basic" >"$tmp/a" 2>&1 &
    "$schemac" migrate up --db "$url" --dir "$basic" >"$tmp/b" 2>&1 &
    wait
    cat "$tmp/a" "$tmp/b" >"$tmp/out"
    [ "$(grep -c '^applied' "$tmp/out")" = 3 ] ||
        fail "two runners, round $round: not 3 lines 'applied'"
    [ "$(sql "SELECT count(*) FROM schemac_migrations")" = 3 ] ||
        fail "two runners, round $round: not 3 versions"
done

# 4. Version tables that are not the runner's.
empty
sql "CREATE TABLE schemac_migrations (id integer, state text)"
mig 1 status --db "$url" --dir "$basic"
has "the table schemac_migrations is not schemac's version table: it has \
the columns (id, state), not (applied_at, checksum, name, version)"
mig 1 up --db "$url" --dir "$basic"
has "is not schemac's version table"
empty
mig 0 up --db "$url" --dir "$basic"
sql "UPDATE schemac_migrations SET version = 4294967299 WHERE version = 3" \
    2>/dev/null
if [ $dialect = sqlite ]; then
    mig 1 status --db "$url" --dir "$basic"
    has "the version table holds version 4294967299, which no migration"
fi
empty
mig 0 up --db "$url" --dir "$basic"
sql "DROP TABLE schemac_migrations"
mig 1 up --db "$url" --dir "$basic"
has "the database holds tables but no version table schemac_migrations"
empty
mig 0 up --to 1 --db "$url" --dir "$parts"
mig 0 up --db "$url" --dir "$parts"
sql "CREATE TABLE IF NOT EXISTS schemac_migration_parts (x int)" 2>/dev/null
sql "DROP TABLE schemac_migrations"
mig 1 status --db "$url" --dir "$parts"
has "schemac_migrations is missing but schemac_migration_parts"

if [ $fails -gt 0 ]; then
    echo "migrate-runner ($dialect): $fails failures" >&2
    exit 1
fi
echo "migrate-runner ($dialect): ok"
