#!/bin/bash
# single-dialect.sh - schemas for one database only (schema NAME for
# DIALECT;), on a live database.
#
#     single-dialect.sh SOURCE_ROOT SCHEMAC BUILD_ROOT
#
# On SQLite (a file), or on PostgreSQL or MariaDB when SCHEMAC_TEST_URL
# names a server (tests/scripts/with-pg.sh, with-mariadb.sh set it); on
# MariaDB "other" is for SQLite and has an index named PRIMARY.  Two schemas: "own", for the
# database at hand, with the names only the other database keeps for
# itself (on SQLite columns xmin and ctid and an enum money, on
# PostgreSQL a table and an index sqlite_...), and "other", the same for
# the other database.  own: schemac sql makes the tables, create_all of
# the generated code runs, migrate init and up apply, check finds no
# drift.  other: schemac sql --dialect of this database, check --db and
# migrate stamp refuse, naming the schema's dialect; the generated
# descriptor has no DDL for this database and create_all fails with
# SC_MISUSE and a message that says why; migrate up stops at its guard and
# leaves no table and no version.
set -u
src=$1
schemac=$2
build=$3
. "$(dirname "$0")/live-db.sh" single-dialect

if [ $dialect = mariadb ]; then
    # names PostgreSQL and SQLite keep for themselves are MariaDB's to
    # use; an index PRIMARY, which MariaDB keeps, is the others'
    other=sqlite
    cat >"$tmp/own.schema" <<'SEOF'
schema own for mariadb;

enum money { cash, card }

table sqlite_stats {
    id    int64 primary key autoincrement;
    xmin  int64 not null;
    ctid  text;
    paid  money;
    index sqlite_stats_by_xmin (xmin);
}
SEOF
    cat >"$tmp/other.schema" <<'SEOF'
schema other for sqlite;

table stats {
    id   int64 primary key autoincrement;
    hits int32 not null;
    index "PRIMARY" (hits);
}
SEOF
elif [ $dialect = sqlite ]; then
    other=postgresql
    cat >"$tmp/own.schema" <<'SEOF'
schema own for sqlite;

enum money { cash, card }

table jobs {
    id    int64 primary key autoincrement;
    xmin  int64 not null;
    ctid  text;
    paid  money;
}
SEOF
    cat >"$tmp/other.schema" <<'SEOF'
schema other for postgresql;

table sqlite_stats {
    id   int64 primary key autoincrement;
    hits int32 not null;
    index sqlite_stats_by_hits (hits);
}
SEOF
else
    other=sqlite
    cat >"$tmp/own.schema" <<'SEOF'
schema own for postgresql;

table sqlite_stats {
    id   int64 primary key autoincrement;
    hits int32 not null;
    index sqlite_stats_by_hits (hits);
}
SEOF
    cat >"$tmp/other.schema" <<'SEOF'
schema other for sqlite;

enum money { cash, card }

table jobs {
    id    int64 primary key autoincrement;
    xmin  int64 not null;
    ctid  text;
    paid  money;
}
SEOF
fi
tables() {
    if [ $dialect = sqlite ]; then
        run "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_sequence' ORDER BY 1"
    elif [ $dialect = mariadb ]; then
        run "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
    else
        run "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    fi
}

# A program that runs create_all of schema $1 and prints its result.
program() {
    mkdir -p "$tmp/gen-$1"
    "$schemac" generate "$tmp/$1.schema" -o "$tmp/gen-$1" >"$tmp/out" 2>&1 ||
        { fail "generate $1"; return 1; }
    cat >"$tmp/main-$1.c" <<CEOF
#include "${1}_db.h"
#include <stdio.h>

int main(int argc, char **argv)
{
    sc_db *db = NULL;
    int rc;

    (void)argc;
    if (sc_open(argv[1], &db) != SC_OK) {
        fprintf(stderr, "open: %s\n", db ? sc_errmsg(db) : "no memory");
        return 2;
    }
    rc = ${1}_create_all(db);
    printf("%s %s\n", rc == SC_OK ? "ok" : rc == SC_MISUSE ? "misuse" : "other",
           rc == SC_OK ? "" : sc_errmsg(db));
    sc_close(db);
    return 0;
}
CEOF
    cc ${SCHEMAC_TEST_CFLAGS:-} -std=c99 -Wall -Wextra -Wpedantic -Werror \
        -I "$src/runtime" -I "$tmp/gen-$1" "$tmp/main-$1.c" \
        "$tmp/gen-$1/${1}_db.c" "$build/runtime/libschemac.a" \
        ${SCHEMAC_RUNTIME_LIBS:?set by tests/meson.build} -o "$tmp/main-$1" >"$tmp/out" 2>&1 ||
        { fail "compiling the program of $1"; return 1; }
}

# 1. The schema for this database.
empty
"$schemac" sql "$tmp/own.schema" --dialect $dialect >"$tmp/own.sql" \
    2>"$tmp/out" || fail "sql of own"
run - <"$tmp/own.sql" >"$tmp/out" 2>&1 || fail "the DDL of own"
"$schemac" check "$tmp/own.schema" --db "$url" >"$tmp/out" 2>&1 ||
    fail "check of own after sql"
empty
if program own; then
    "$tmp/main-own" "$url" >"$tmp/out" 2>&1
    grep -qx 'ok ' "$tmp/out" || fail "create_all of own"
    "$schemac" check "$tmp/own.schema" --db "$url" >"$tmp/out" 2>&1 ||
        fail "check of own after create_all"
fi
empty
"$schemac" migrate init "$tmp/own.schema" --dir "$tmp/mig-own" \
    >"$tmp/out" 2>&1 || fail "migrate init of own"
grep -q "^-- +guard own\.\* \"schema own is not for $other" \
    "$tmp/mig-own/0001_init.$other.sql" ||
    { cp "$tmp/mig-own/0001_init.$other.sql" "$tmp/out";
      fail "the $other script of own does not stop"; }
"$schemac" migrate up --db "$url" --dir "$tmp/mig-own" >"$tmp/out" 2>&1 ||
    fail "migrate up of own"
"$schemac" check "$tmp/own.schema" --db "$url" >"$tmp/out" 2>&1 ||
    fail "check of own after migrate up"

# 2. The schema for the other database.
empty
says="schema other is for $other only (its \"for\" clause), not for $dialect"
if "$schemac" sql "$tmp/other.schema" --dialect $dialect >"$tmp/sql.out" \
    2>"$tmp/out"; then
    fail "sql --dialect $dialect of other did not refuse"
elif ! grep -qF "$says: it has no DDL there" "$tmp/out"; then
    fail "sql --dialect $dialect of other does not say why"
fi
[ -s "$tmp/sql.out" ] && fail "sql of other printed DDL"
"$schemac" sql "$tmp/other.schema" >"$tmp/out" 2>&1 ||
    fail "sql of other without --dialect (its own dialect)"
if "$schemac" check "$tmp/other.schema" --db "$url" >"$tmp/out" 2>&1; then
    fail "check --db of other did not refuse"
elif ! grep -qF "$says: it cannot be compared" "$tmp/out"; then
    fail "check --db of other does not say why"
fi
if program other; then
    # The descriptor's .ddl lists one entry per dialect the schema is
    # for: none for this one.
    grep -q "^ *\[SC_DIALECT_[A-Z]*\] = other_ddl_" "$tmp/gen-other/other_db.c" ||
        fail "the descriptor of other has no DDL at all"
    ! grep -q "other_ddl_$dialect\b" "$tmp/gen-other/other_db.c" ||
        fail "the descriptor of other has DDL for $dialect"
    "$tmp/main-other" "$url" >"$tmp/out" 2>&1
    grep -qx "misuse schema other has no DDL for $dialect: its schema file is not for $dialect" \
        "$tmp/out" || fail "create_all of other did not refuse"
fi
"$schemac" migrate init "$tmp/other.schema" --dir "$tmp/mig-other" \
    >"$tmp/out" 2>&1 || fail "migrate init of other"
if "$schemac" migrate up --db "$url" --dir "$tmp/mig-other" >"$tmp/out" 2>&1
then
    fail "migrate up of other did not stop"
elif ! grep -qF "migration 0001 init stopped: other.*: 1 row: schema other is not for $dialect" \
    "$tmp/out"; then
    fail "migrate up of other does not say why"
fi
if "$schemac" migrate stamp 1 --db "$url" --dir "$tmp/mig-other" \
    >"$tmp/out" 2>&1; then
    fail "migrate stamp of other did not refuse"
elif ! grep -qF "$says" "$tmp/out"; then
    fail "migrate stamp of other does not say why"
fi
# Only the runner's own tables, with no version in them.
t=$(tables | grep -v '^schemac_migration')
[ -z "$t" ] || { echo "$t" >"$tmp/out"; fail "the other schema left tables"; }
[ "$(run 'SELECT count(*) FROM schemac_migrations')" = 0 ] ||
    fail "the other schema left a version"

if [ $fails -gt 0 ]; then
    echo "single-dialect ($dialect): $fails failed" >&2
    exit 1
fi
echo "single-dialect ($dialect): passed"
