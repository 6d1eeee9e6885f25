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
# On SQLite (a file), or on PostgreSQL or MariaDB when SCHEMAC_TEST_URL
# names a server (tests/scripts/with-pg.sh and with-mariadb.sh set it).
set -u
src=$1
schemac=$2
build=$3
parts=$src/tests/data/migrations/parts
basic=$src/tests/data/migrations/basic

. "$(dirname "$0")/live-db.sh" migrate-runner
# the dialect table's transactional_ddl: MariaDB commits each DDL statement
ddl_rolls_back=true
[ $dialect = mariadb ] && ddl_rolls_back=false

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
run "INSERT INTO users (name, email) VALUES ('ann', 'a@x'), ('bob', 'a@x')"
mig 1 up --db "$url" --dir "$parts"
has "migration 0002 add_karma: part 2 of 3 failed: "
grep -q '^applied' "$tmp/out" && fail "up said applied after a failure"
mig 0 status --db "$url" --dir "$parts"
has "current  0001 init"
has "0002 add_karma: part 2 of 3, statement 1 of 2 failed; up resumes there"
if [ $dialect = postgresql ]; then
    [ "$(run "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" = 0 ] ||
        fail "the failed CREATE INDEX CONCURRENTLY left an invalid index"
fi
mig 1 down --db "$url" --dir "$parts"
has "part 2 of 3 failed going up; migrate up resumes there"
mig 1 up --sql --db "$url" --dir "$parts"
has "migration 0002 add_karma is half done (part 2 of 3 next): finish it \
with migrate up first"
run "UPDATE users SET email = 'b@x' WHERE name = 'bob'"
# a runner killed (SIGKILL) while part 2 waits for a lock another session
# holds leaves the state after part 1, whatever its server process does
# after the kill; the next up resumes at part 2
if [ $dialect = sqlite ]; then
    (echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;") |
        sqlite3 "$tmp/db.sqlite" &
elif [ $dialect = mariadb ]; then
    "${my[@]}" -e "LOCK TABLES users WRITE; SELECT SLEEP(3);
        UNLOCK TABLES" >/dev/null 2>&1 &
else
    psql -q -X "$url" -c "BEGIN; LOCK TABLE users; SELECT pg_sleep(3);
        COMMIT;" >/dev/null 2>&1 &
fi
holder=$!
sleep 0.5
"$schemac" migrate up --db "$url" --dir "$parts" --lock-timeout 0 \
    >"$tmp/out" 2>&1 &
runner=$!
sleep 1.5
kill -9 $runner
wait $runner 2>/dev/null
wait $holder
# (on SQLite it waits before part 2 starts, on PostgreSQL inside it)
[ $dialect = postgresql ] && has "running  0002 add_karma part 2 of 3"
grep -q '^applied' "$tmp/out" && fail "killed, it said applied"
sleep 1
mig 0 status --db "$url" --dir "$parts"
has "current  0001 init"
has "0002 add_karma: part 2 of 3, statement 1 of 2 failed; up resumes there"
mig 0 up --db "$url" --dir "$parts"
has "applied  0002 add_karma"
# progress, as plain lines off a terminal: what runs and the table's rows
has "running  0002 add_karma part 2 of 3: CREATE UNIQUE INDEX"
if [ $dialect = sqlite ]; then
    has "running  0002 add_karma part 3 of 3: UPDATE \"users\" SET \"karma\" \
= length(\"name\"); (users: 2 rows)"
else
    has "(users: "
fi
[ "$(run "SELECT name, karma FROM users ORDER BY id" |
     tr '\n' ' ')" = "ann|3 bob|3 " ] || fail "part 3 did not fill karma"
[ "$(run "SELECT count(*) FROM schemac_migration_parts")" = 0 ] ||
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
cc ${SCHEMAC_TEST_CFLAGS:-} -std=c99 -Wall -Wextra -Wpedantic -Werror -I "$src/runtime" \
    -I "$build/runtime" -c "$tmp/gen/blog_db.c" -o "$tmp/blog_db.o" \
    >"$tmp/out" 2>&1 || fail "the embedded parts do not compile cleanly"
cc ${SCHEMAC_TEST_CFLAGS:-} -std=c99 -Wall -Wextra -Werror -I "$src/runtime" -I "$build/runtime" \
    -I "$tmp/gen" "$tmp/main.c" "$tmp/blog_db.o" \
    "$build/runtime/libschemac.a" ${SCHEMAC_RUNTIME_LIBS:?set by tests/meson.build} \
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
    [ "$(run "SELECT count(*) FROM schemac_migrations")" = 3 ] ||
        fail "two runners, round $round: not 3 versions"
done

# 4. Version tables that are not the runner's.
empty
run "CREATE TABLE schemac_migrations (id integer, state text)"
mig 1 status --db "$url" --dir "$basic"
has "the table schemac_migrations is not schemac's version table: it has \
the columns (id, state), not (applied_at, checksum, name, version)"
mig 1 up --db "$url" --dir "$basic"
has "is not schemac's version table"
empty
mig 0 up --db "$url" --dir "$basic"
run "UPDATE schemac_migrations SET version = 4294967299 WHERE version = 3" \
    2>/dev/null
if [ $dialect = sqlite ]; then
    mig 1 status --db "$url" --dir "$basic"
    has "the version table holds version 4294967299, which no migration"
fi
empty
mig 0 up --db "$url" --dir "$basic"
run "DROP TABLE schemac_migrations"
mig 1 status --db "$url" --dir "$basic"
has "schemac_migrations is missing but schemac_migration_parts"
run "DROP TABLE schemac_migration_parts"
mig 1 up --db "$url" --dir "$basic"
has "the database holds tables but no version table schemac_migrations"

# 5. PostgreSQL: a step waits for a lock at most --lock-timeout, and is
# run again at most --retries more times.
if [ $dialect = postgresql ]; then
    empty
    mig 0 up --to 1 --db "$url" --dir "$basic"
    psql -q -X "$url" -c "BEGIN; LOCK TABLE users; SELECT pg_sleep(4);
        COMMIT;" >/dev/null 2>&1 &
    sleep 0.5
    mig 1 up --db "$url" --dir "$basic" --lock-timeout 100 --retries 2
    has "retry    0002 add_karma: a lock was not free in time, retry 2 of 2"
    has "lock timeout"
    mig 0 status --db "$url" --dir "$basic"
    has "current  0001 init"
    mig 0 up --db "$url" --dir "$basic" --lock-timeout 200 --retries 100
    has "retry    0002 add_karma"
    has "applied  0002 add_karma"
    wait
    mig 2 up --db "$url" --dir "$basic" --lock-timeout soon
fi

# 6. A team's verbs.  new: an empty migration by hand, the schema
# unchanged; filled in, it is sealed again by hash, which refuses while a
# database applied the old text; show describes it.
empty
team=$tmp/team
cp -r "$basic" "$team"
mig 0 up --db "$url" --dir "$team"
mig 0 new backfill_karma --dir "$team"
has "wrote $team/0004_backfill_karma.{schema,sqlite.sql,postgresql.sql,mariadb.sql}"
cmp -s "$team/0004_backfill_karma.schema" "$team/0003_add_tags.schema" ||
    fail "new: the snapshot is not 0003's"
mig 0 show 4 --dir "$team"
has "changes    none to the schema (a migration by hand)"
mig 0 up --db "$url" --dir "$team"
has "applied  0004 backfill_karma"
run "INSERT INTO users (name) VALUES ('ann'), ('bob')"
cp -r "$team" "$tmp/team.applied"
for d in sqlite postgresql mariadb; do
    sed -i 's/^-- +up$/&\nUPDATE users SET karma = length(name);/' \
        "$team/0004_backfill_karma.$d.sql"
    echo "UPDATE users SET karma = 0;" >>"$team/0004_backfill_karma.$d.sql"
done
mig 1 status --db "$url" --dir "$team"
grep -Eq "0004_backfill_karma\.(sqlite|postgresql|mariadb)\.sql was edited \
after schemac\.sum" "$tmp/out" || fail "status: no edited file named"
mig 1 hash --db "$url" --dir "$team"
has "refused: migration 0004 backfill_karma was edited after it was applied"
# undone with the text it applied, the edit can be sealed
mig 0 down --db "$url" --dir "$tmp/team.applied"
mig 0 hash --db "$url" --dir "$team"
has "sealed   $team/schemac.sum over 4 migrations"
mig 0 up --db "$url" --dir "$team"
has "applied  0004 backfill_karma"
[ "$(run "SELECT sum(karma) FROM users")" = 6 ] || fail "the backfill"
mig 0 show 2 --dir "$team"
has "sqlite     up: 1 part, 1 guard; down: 1 part"
has "  add column users.karma"
mig 0 show 2 --dir "$parts"
has "postgresql up: 3 parts (1 outside a transaction), 1 guard; down: 2 \
parts (1 outside a transaction)"
mig 1 show 9 --dir "$team"
has "no migration 0009 (the last is 0004)"

# up --sql and down --sql: the scripts run by hand leave the database as
# the runner would, version rows included.
empty
"$schemac" migrate up --sql --dialect $dialect --dir "$parts" \
    >"$tmp/up.sql" 2>"$tmp/out" || fail "up --sql"
if [ $dialect = sqlite ]; then
    sqlite3 -bail "$tmp/db.sqlite" <"$tmp/up.sql" >/dev/null 2>"$tmp/out" ||
        fail "the up script"
elif [ $dialect = mariadb ]; then
    run - <"$tmp/up.sql" >/dev/null 2>"$tmp/out" || fail "the up script"
else
    psql -q -X -v ON_ERROR_STOP=1 "$url" -f "$tmp/up.sql" >/dev/null \
        2>"$tmp/out" || fail "the up script"
fi
mig 0 status --db "$url" --dir "$parts"
has "current  0002 add_karma"
has "pending  0"
"$schemac" migrate down 2 --sql --db "$url" --dir "$parts" \
    >"$tmp/down.sql" 2>"$tmp/out" || fail "down --sql"
grep -q "DELETE FROM schemac_migrations WHERE version = 1;" "$tmp/down.sql" ||
    fail "down --sql: no version row"
if [ $dialect = sqlite ]; then
    sqlite3 -bail "$tmp/db.sqlite" <"$tmp/down.sql" >/dev/null 2>"$tmp/out" ||
        fail "the down script"
elif [ $dialect = mariadb ]; then
    run - <"$tmp/down.sql" >/dev/null 2>"$tmp/out" || fail "the down script"
else
    psql -q -X -v ON_ERROR_STOP=1 "$url" -f "$tmp/down.sql" >/dev/null \
        2>"$tmp/out" || fail "the down script"
fi
mig 0 status --db "$url" --dir "$parts"
has "current  0000 (no migration)"
mig 2 up --sql --dir "$parts"
has "--db URL is required"

# rebase: two branches each added a 0004; after the merge the second is
# moved after the first and diffed from its snapshot to the merged schema.
empty
base=$basic/0003_add_tags.schema
for b in a b; do
    cp -r "$basic" "$tmp/br_$b"
    sed "s/^    label   varchar(32) not null;/&\n    col_$b   int32;/" "$base" \
        >"$tmp/br_$b.schema"
    mig 0 diff "$tmp/br_$b.schema" --dir "$tmp/br_$b" --name add_col_$b
done
sed "s/^    label   varchar(32) not null;/&\n    col_a   int32;\n/" "$base" |
    sed "s/^    col_a   int32;/&\n    col_b   int32;/" >"$tmp/merged.schema"
cp "$tmp/br_b"/0004_add_col_b.* "$tmp/br_a/"
# the sum, as a merge leaves it: conflicted
{ echo "<<<<<<< HEAD"; cat "$tmp/br_a/schemac.sum"; echo "======="
  cat "$tmp/br_b/schemac.sum"; echo ">>>>>>> b"; } >"$tmp/sum"
mv "$tmp/sum" "$tmp/br_a/schemac.sum"
mig 1 status --db "$url" --dir "$tmp/br_a"
has "both claim version 0004"
mig 0 rebase "$tmp/merged.schema" --name add_col_b --dir "$tmp/br_a"
has "moved    0004 add_col_b after the newest migration"
has "wrote $tmp/br_a/0005_add_col_b."
mig 0 diff "$tmp/merged.schema" --dir "$tmp/br_a" --name again
has "no changes"
mig 0 up --db "$url" --dir "$tmp/br_a"
has "applied  0005 add_col_b"
run "INSERT INTO users (name) VALUES ('u')" >/dev/null
run "INSERT INTO posts (user_id, title) VALUES (1, 't')" >/dev/null
run "INSERT INTO tags (post_id, label, col_a, col_b) VALUES (1, 'l', 1, 2)" \
    >/dev/null || fail "rebase: the merged columns"
mig 0 down 2 --db "$url" --dir "$tmp/br_a"
mig 0 up --db "$url" --dir "$tmp/br_a"
mig 1 rebase "$tmp/merged.schema" --name add_col_a --dir "$tmp/br_a"
has "no other migration has its version"

# squash --to 3: an empty database goes to 0003 in one step, with the
# same history and schema as one that ran 0001..0003; one already past
# 0000 runs the migrations themselves.
empty
mig 0 init "$basic/0001_init.schema" --dir "$tmp/sq"
mig 0 diff "$basic/0002_add_karma.schema" --dir "$tmp/sq" --name add_karma
mig 0 diff "$basic/0003_add_tags.schema" --dir "$tmp/sq" --name add_tags
mig 0 squash --to 3 --dir "$tmp/sq"
has "wrote $tmp/sq/squashed/0001_to_0003.{schema,sqlite.sql,postgresql.sql,mariadb.sql}"
mig 0 status --db "$url" --dir "$tmp/sq"
if $ddl_rolls_back; then
    has "squash   0001..0003, which up runs at once on an empty database"
else
    has "squash   0001..0003, which up does not use: no transaction holds \
DDL here, so up runs the migrations"
fi
mig 0 up --db "$url" --dir "$tmp/sq"
if $ddl_rolls_back; then
    has "applied  0003 to_0003"
    [ "$(grep -c '^applied' "$tmp/out")" = 1 ] || fail "squash: not one step"
else
    # no transaction holds the squash: the migrations run, each resumable
    has "applied  0003 add_tags"
    [ "$(grep -c '^applied' "$tmp/out")" = 3 ] || fail "squash: not 3 steps"
fi
"$schemac" check "$basic/0003_add_tags.schema" --db "$url" >"$tmp/out" 2>&1 ||
    fail "squash: drift from 0003"
mig 0 history --db "$url" --dir "$tmp/sq"
[ "$(grep -c '^000[123] ' "$tmp/out")" = 3 ] || fail "squash: 3 rows"
mig 0 down 3 --db "$url" --dir "$tmp/sq"
has "undid    0001 init"
mig 0 up --to 1 --db "$url" --dir "$tmp/sq"
has "applied  0001 init"
mig 0 up --db "$url" --dir "$tmp/sq"
has "applied  0002 add_karma"
has "applied  0003 add_tags"
"$schemac" check "$basic/0003_add_tags.schema" --db "$url" >"$tmp/out" 2>&1 ||
    fail "the steps after a squash: drift from 0003"
echo "-- edited" >>"$tmp/sq/0003_add_tags.schema"
"$schemac" migrate hash --dir "$tmp/sq" >/dev/null 2>&1
empty
mig 1 up --db "$url" --dir "$tmp/sq"
has "differs from the snapshot of 0003"

if [ $fails -gt 0 ]; then
    echo "migrate-runner ($dialect): $fails failures" >&2
    exit 1
fi
echo "migrate-runner ($dialect): ok"
