#!/bin/bash
# adopted-forms.sh - the DDL of the forms for databases schemac did not make, on a
# live database.
#
#     adopted-forms.sh SOURCE_ROOT SCHEMAC BUILD_ROOT
#
# tests/golden/gen/adopt/adopt.schema holds every such form: quoted names,
# string labels, stored-as formats and verbatim types, timestamp without
# time zone, a not strict table, named constraints and indexes, a
# deferrable key, index methods, expressions, operator classes and a
# predicate, tables without a primary key, and sql blocks (a view, a
# trigger, a function).  On SQLite (a file), or on PostgreSQL or MariaDB
# when SCHEMAC_TEST_URL names a server (tests/scripts/with-pg.sh and
# with-mariadb.sh set it): the script `schemac sql` prints runs twice;
# the view and the trigger work on rows written by raw SQL; create_all
# of the generated code runs twice and the tables without a primary key
# take rows through it, the one with a unique key by that key; `migrate
# init`, up and down leave the objects there, then gone.
#
# MariaDB has no deferrable key, no partial index and none over an
# expression: `schemac sql --dialect mariadb` refuses adopt.schema with
# an error at each, and the run there is of adopt-mariadb.schema beside
# it, the same database in MariaDB's forms (its operator class and index
# method left out, a view, a trigger and a descending prefix index in
# `sql mariadb` blocks).
set -u
src=$1
schemac=$2
build=$3
schema=$src/tests/golden/gen/adopt/adopt.schema

. "$(dirname "$0")/live-db.sh" adopted-forms

if [ $dialect = mariadb ]; then
    "$schemac" sql "$schema" --dialect mariadb >/dev/null 2>"$tmp/out" &&
        fail "schemac sql made MariaDB DDL of adopt.schema"
    for form in "21:96: error: no DDL for mariadb: table \"films\": a deferrable foreign key" \
        "37:5: error: no DDL for mariadb: table \"films\": index \"ix_films_lower_title\" is over an expression" \
        "38:5: error: no DDL for mariadb: table \"films\": index \"ix_films_code\" has a WHERE"; do
        grep -qF "$schema:$form" "$tmp/out" ||
            fail "schemac sql --dialect mariadb did not say $form"
    done
    # check refuses them the same way, at the same places, and compares
    # nothing
    "$schemac" check "$schema" --db "$url" >"$tmp/check.out" 2>"$tmp/out" &&
        fail "schemac check compared adopt.schema with MariaDB"
    for form in "21:96: error: no DDL for mariadb: table \"films\": a deferrable foreign key" \
        "37:5: error: no DDL for mariadb: table \"films\": index \"ix_films_lower_title\" is over an expression" \
        "38:5: error: no DDL for mariadb: table \"films\": index \"ix_films_code\" has a WHERE"; do
        grep -qF "$schema:$form" "$tmp/out" ||
            fail "schemac check --db mariadb did not say $form"
    done
    grep -q drift "$tmp/check.out" "$tmp/out" &&
        fail "schemac check reported drift on a schema MariaDB cannot hold"

    # An index over text of a type given by hand keys on a prefix, as
    # over schemac's own text; a unique one keys on the whole (a hash).
    cat >"$tmp/hand.schema" <<'SEOF'
schema hand;

table notes {
    id    int64 primary key;
    body  text  stored as mariadb 'mediumtext';
    raw   bytes stored as mariadb 'BLOB';
    plain text  stored as mariadb 'text';
    tag   text  stored as mariadb 'TEXT';
    index ix_notes_body (body);
    index ix_notes_raw_plain (raw, plain);
    unique index ux_notes_tag (tag);
}
SEOF
    empty
    "$schemac" sql "$tmp/hand.schema" --dialect mariadb >"$tmp/hand.sql" ||
        fail "schemac sql of an index over text typed by hand"
    grep -qF '`body`(768)' "$tmp/hand.sql" &&
        grep -qF '(`raw`(384), `plain`(384))' "$tmp/hand.sql" &&
        grep -qF '(`tag`)' "$tmp/hand.sql" ||
        { cp "$tmp/hand.sql" "$tmp/out"; fail "no prefix lengths"; }
    run - <"$tmp/hand.sql" >"$tmp/out" 2>&1 ||
        fail "MariaDB refused the indexes over text typed by hand"
    "$schemac" check "$tmp/hand.schema" --db "$url" >"$tmp/out" 2>&1 ||
        fail "schemac check after the indexes over text typed by hand"
    empty

    schema=$src/tests/golden/gen/adopt/adopt-mariadb.schema
    # the raw SQL below quotes names as the standard does; a statement
    # refused is the client's exit status
    run() {
        local out rc
        if [ "$1" = - ]; then
            "${my[@]}"
            return
        fi
        out=$("${my[@]}" -N -B -e "SET SESSION sql_mode =
                CONCAT(@@sql_mode, ',ANSI_QUOTES'); $1")
        rc=$?
        [ -z "$out" ] || printf '%s\n' "$out" | tr '\t' '|'
        return $rc
    }
fi

# objects: the user's tables, views and triggers, sorted, on one line.
objects() {
    if [ $dialect = sqlite ]; then
        run "SELECT name FROM sqlite_master WHERE type IN ('table', 'view',
             'trigger') AND name NOT LIKE 'sqlite_%' AND
             name NOT LIKE 'schemac_%' ORDER BY name"
    elif [ $dialect = mariadb ]; then
        run "SELECT table_name FROM information_schema.tables
             WHERE table_schema = DATABASE() AND
             table_name NOT LIKE 'schemac\\_%'
             UNION ALL SELECT trigger_name FROM information_schema.triggers
             WHERE trigger_schema = DATABASE()" | LC_ALL=C sort
    else
        run "SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'v')
             AND c.relnamespace = 'public'::regnamespace AND
             c.relname NOT LIKE 'schemac_%'
             UNION ALL SELECT tgname FROM pg_trigger WHERE NOT tgisinternal
             ORDER BY 1"
    fi | tr '\n' ' '
}

all="Film Stars film_log films films_log rated_films sequels "

# is QUERY EXPECTED: the query's output is EXPECTED.
is() {
    local got
    got=$(run "$1" 2>&1)
    [ "$got" = "$2" ] || { echo "$got" >"$tmp/out"; fail "$1: not $2"; }
}

# 1. The script, twice; the view and the trigger at work.
empty
for i in 1 2; do
    "$schemac" sql "$schema" --dialect $dialect | run - >"$tmp/out" 2>&1 ||
        fail "schemac sql output, run $i"
done
[ "$(objects)" = "$all" ] || fail "schemac sql made: $(objects)"
if [ $dialect = mariadb ]; then
    # what it made is what the schema says, a not strict table included
    "$schemac" check "$schema" --db "$url" >"$tmp/out" 2>&1 ||
        fail "schemac check after schemac sql"
    is "SELECT table_collation FROM information_schema.tables
        WHERE table_schema = DATABASE() AND table_name = 'films'" \
        utf8mb4_nopad_bin
fi
run "INSERT INTO \"Film Stars\" (\"Name\", born, height)
         VALUES ('Ada', '1815-12-10', 1.65);
     INSERT INTO films (film_id, title, rating, star, added, code, tags)
         VALUES (1, 'One', 'PG-13', 1, '2021-01-31 13:45:00',
                 '00112233445566778899aabbccddeeff', NULL),
                (2, 'Two', 'NC-17', NULL, '2021-01-31 13:45:00', NULL,
                 NULL)" >"$tmp/out" 2>&1 || fail "rows by raw SQL"
is "SELECT count(*) FROM film_log" 2
is "SELECT title FROM rated_films" One
# The unique index holds for codes (films 2 and 5 below share NULL).
run "INSERT INTO films (film_id, title, added, code)
         VALUES (3, 'Three', '2021-01-31',
                 '00112233445566778899aabbccddeeff')" \
    >"$tmp/out" 2>&1 && fail "a duplicate code went in"

# The check of a numeric kept as text compares numbers.
run "INSERT INTO films (film_id, title, added, price)
         VALUES (4, 'Four', '2021-01-31', '-1.00')" >"$tmp/out" 2>&1 &&
    fail "a negative price went in"
run "INSERT INTO films (film_id, title, added, price)
         VALUES (5, 'Five', '2021-01-31', '10.50')" >"$tmp/out" 2>&1 ||
    fail "a price of 10.50 was refused"

# 2. create_all from the generated code, twice, and rows by its functions.
"$schemac" generate "$schema" -o "$tmp/gen" || fail "generate"
cat >"$tmp/main.c" <<'CEOF'
#include "adopt_db.h"

#include <stdio.h>
#include <string.h>

#define CHECK(call, want)                                                 \
    do {                                                                  \
        int rc_ = (call);                                                 \
        if (rc_ != (want)) {                                              \
            fprintf(stderr, "%s: %d, not %d: %s\n", #call, rc_, (want),    \
                    sc_errmsg(db));                                       \
            return 1;                                                     \
        }                                                                 \
    } while (0)

int main(int argc, char **argv)
{
    sc_db *db;
    sc_arena *a = sc_arena_new();
    adopt_film_log log = ADOPT_FILM_LOG_INIT;
    adopt_sequel s = ADOPT_SEQUEL_INIT, got;
    adopt_film_log_query *q;
    int64_t n;

    (void)argc;
    if (sc_open(argv[1], &db) != SC_OK) {
        fprintf(stderr, "open: %s\n", sc_errmsg(db));
        return 1;
    }
    CHECK(adopt_create_all(db), SC_OK);
    CHECK(adopt_create_all(db), SC_OK);
    /* No key at all: insert and the queries. */
    log.film_id = 1;
    log.note = "by hand";
    CHECK(adopt_film_log_insert(db, &log), SC_OK);
    CHECK(adopt_film_log_insert(db, &log), SC_OK);
    q = adopt_film_log_select(db);
    adopt_film_log_where(q, NOTE, EQ, "by hand");
    CHECK(adopt_film_log_count(q, &n), SC_OK);
    if (n != 2) {
        fprintf(stderr, "%lld rows by hand\n", (long long)n);
        return 1;
    }
    CHECK(adopt_film_log_delete_all(q, &n), SC_OK);
    adopt_film_log_query_free(q);
    /* A unique key instead of a primary key. */
    s.original = 1;
    s.sequel = 2;
    s.position = 1;
    CHECK(adopt_sequels_insert(db, &s), SC_OK);
    CHECK(adopt_sequels_insert(db, &s), SC_CONSTRAINT);
    CHECK(adopt_sequels_get(db, a, 1, 1, &got), SC_OK);
    if (got.sequel != 2) {
        fprintf(stderr, "sequel %lld\n", (long long)got.sequel);
        return 1;
    }
    s.sequel = 1;
    CHECK(adopt_sequels_update(db, &s), SC_OK);
    CHECK(adopt_sequels_get(db, a, 1, 1, &got), SC_OK);
    if (got.sequel != 1) {
        fprintf(stderr, "sequel %lld after update\n", (long long)got.sequel);
        return 1;
    }
    CHECK(adopt_sequels_delete(db, 1, 1), SC_OK);
    CHECK(adopt_sequels_get(db, a, 1, 1, &got), SC_NOTFOUND);
    sc_arena_free(a);
    sc_close(db);
    return 0;
}
CEOF
cc ${SCHEMAC_TEST_CFLAGS:-} -std=c99 -Wall -Wextra -Werror -I "$src/runtime" -I "$tmp/gen" \
    "$tmp/main.c" "$tmp/gen/adopt_db.c" "$build/runtime/libschemac.a" \
    ${SCHEMAC_RUNTIME_LIBS:?set by tests/meson.build} -o "$tmp/main" >"$tmp/out" 2>&1 ||
    fail "compiling the program"
"$tmp/main" "$url" >"$tmp/out" 2>&1 || fail "create_all and the rows"
is "SELECT count(*) FROM film_log" 3

# 3. migrate init, up, down.
empty
"$schemac" migrate init "$schema" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate init"
"$schemac" migrate up --db "$url" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate up"
[ "$(objects)" = "$all" ] || fail "migrate up made: $(objects)"
"$schemac" migrate down --db "$url" --dir "$tmp/mig" >"$tmp/out" 2>&1 ||
    fail "migrate down"
[ -z "$(objects)" ] || fail "migrate down left: $(objects)"

if [ $fails -gt 0 ]; then
    echo "adopt ($dialect): $fails failed" >&2
    exit 1
fi
echo "adopt ($dialect): passed"
