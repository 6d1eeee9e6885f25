/*
 * test-migrate.c - the migration runner (sc_migrate() and friends) over
 * the hand-written directories in tests/data/migrations/, read with
 * migfile_load() as the schemac command line reads them.
 *
 * The same sources run on SQLite, PostgreSQL and MariaDB
 * (SCHEMAC_TEST_URL; see testdb.h), every test on an empty database.  The
 * state of a database is read back through a view over one text value
 * (probe()), so that the suite needs nothing but the public API: the list
 * of tables with their columns and indexes, and row counts.  What differs
 * between the databases comes from the dialect table (a database whose
 * DDL does not roll back keeps the statements before a failing one); the
 * SQL the suite writes of its own is in sql_of[] below.
 *
 * Covered: applying from empty to head and to a version, status and
 * history, up/down/up converging, a migration failing at its third
 * statement, a guard stopping one, an edited and a missing migration
 * found before anything runs, two runners at once, a SQLite table
 * rebuild that keeps every row of cascading children (and what happens
 * without foreign keys off), the foreign key check, and misuse; a
 * migration in parts that fails at its second part, is named, refused
 * by down and resumed by up, its guard, and the events a hook hears;
 * version tables of another shape, holding a version past 32 bits, or
 * dropped by hand.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "migfile.h"
#include "schemac.h"
#include "testdb.h"

#define MIGRATIONS SOURCE_ROOT "/tests/data/migrations/"

static sc_db *db;
static sc_arena *arena;

static bool on_sqlite(void)
{
    return testdb_dialect() == SC_DIALECT_SQLITE;
}

/* The dialect table's entry of the database under test. */
static const sc__dialect *dia(void)
{
    return sc__dialect_of(testdb_dialect());
}

/* The SQL of this suite that each database spells its own way. */
typedef struct suite_sql {
    /* A view named by the first "%s" over the one value of the query in
     * the second, as text, named v */
    const char *probe_view;
    /* The tables, columns and indexes, the runner's tables and the
     * probes' views aside, as one line of text */
    const char *shape;
    /* The number of the user's tables, views aside */
    const char *count_tables;
    /* 1 when users has a column karma */
    const char *has_karma;
    /* The indexes a failed build left unusable; NULL: no such index */
    const char *invalid_indexes;
} suite_sql;

static const suite_sql sql_of[SC_NDIALECTS + 1] = {
    [SC_DIALECT_SQLITE] = {
        "CREATE TEMP VIEW %s AS SELECT CAST((%s) AS TEXT) AS v",
        "SELECT group_concat(type || ' ' || name || ': ' || "
        "coalesce(sql, ''), '; ') FROM (SELECT * FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'schemac_%' "
        "AND tbl_name NOT LIKE 'schemac_%' ORDER BY type, name)",
        "SELECT count(*) FROM sqlite_master",
        "SELECT count(*) FROM pragma_table_info('users') WHERE "
        "name = 'karma'",
        NULL,
    },
    [SC_DIALECT_POSTGRESQL] = {
        "CREATE TEMP VIEW %s AS SELECT CAST((%s) AS TEXT) AS v",
        "SELECT coalesce((SELECT string_agg(table_name || '.' || "
        "column_name || ' ' || data_type || ' ' || is_nullable, ', ' "
        "ORDER BY table_name, ordinal_position) FROM "
        "information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name NOT LIKE 'schemac_%'), '') || ' / ' || "
        "coalesce((SELECT string_agg(indexdef, ', ' ORDER BY indexname) "
        "FROM pg_indexes WHERE schemaname = current_schema() AND "
        "tablename NOT LIKE 'schemac_%'), '')",
        "SELECT count(*) FROM pg_tables WHERE "
        "schemaname = current_schema()",
        "SELECT count(*) FROM information_schema.columns WHERE "
        "table_name = 'users' AND column_name = 'karma'",
        "SELECT count(*) FROM pg_index WHERE NOT indisvalid",
    },
    /* MariaDB has no temporary view: the probes' views are the
     * database's own, left out of what the catalog lists */
    [SC_DIALECT_MARIADB] = {
        "CREATE VIEW %s AS SELECT CAST((%s) AS CHAR) AS v",
        "SELECT concat(coalesce((SELECT group_concat(concat(table_name, "
        "'.', column_name, ' ', column_type, ' ', is_nullable, ' ', "
        "coalesce(column_default, '')) ORDER BY table_name, "
        "ordinal_position SEPARATOR ', ') FROM information_schema.columns "
        "WHERE table_schema = database() AND table_name NOT LIKE "
        "'schemac_%' AND table_name NOT LIKE 'sc_test_probe_%'), ''), "
        "' / ', coalesce((SELECT group_concat(concat(table_name, '.', "
        "index_name, ' ', non_unique, ' ', column_name) ORDER BY "
        "table_name, index_name, seq_in_index SEPARATOR ', ') FROM "
        "information_schema.statistics WHERE table_schema = database() "
        "AND table_name NOT LIKE 'schemac_%'), ''))",
        "SELECT count(*) FROM information_schema.tables WHERE "
        "table_schema = database() AND table_type = 'BASE TABLE'",
        "SELECT count(*) FROM information_schema.columns WHERE "
        "table_schema = database() AND table_name = 'users' AND "
        "column_name = 'karma'",
        NULL,
    },
};

static const suite_sql *dsql(void)
{
    return &sql_of[testdb_dialect()];
}

static void setup(void)
{
    db = testdb_open();
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_close(db);
    sc_arena_free(arena);
    db = NULL;
}

/* Loads tests/data/migrations/NAME; fails the test when it cannot. */
static void load(const char *name, migfile_set *set)
{
    char dir[512];
    buf err;

    snprintf(dir, sizeof dir, "%s%s", MIGRATIONS, name);
    buf_init(&err);
    ck_assert_msg(migfile_load(dir, set, &err) == 0, "%s", err.data);
    buf_free(&err);
}

static void exec_ok(const char *sql)
{
    ck_assert_msg(sc_exec(db, sql) == SC_OK, "%s: %s", sql, sc_errmsg(db));
}

/* ---------------------------------------------------------------------
 * Reading the database back: the text value of one query, through a
 * temporary view and the query API.
 * ------------------------------------------------------------------- */

typedef struct probe_row {
    const char *v;
} probe_row;

static const sc_column_desc probe_cols[] = {
    {"v", SC_TYPE_TEXT, 0, 0, 0, offsetof(probe_row, v), 0, NULL,
     {SC_DEFAULT_NONE, 0, 0, NULL, 0}, SC_FMT_NATIVE, NULL, NULL},
};

static const sc_table_desc probe_table = {
    "sc_test_probe_0", sizeof(probe_row), probe_cols, 1, NULL, 0, -1,
    NULL, 0, NULL, 0, SC_TABLE_NOPK,
};

/* The text of the one value query returns ("" for NULL), in arena.  Each
 * probe has a view of its own name: PostgreSQL refuses to reuse a cached
 * statement over a view that was dropped and created again.  And each has
 * a descriptor of its own, since the runtime knows a table by its
 * descriptor's address (docs/SPEC.md, "descriptors"). */
#define NPROBES 1024

static const char *probe(const char *query)
{
    static unsigned serial;
    static sc_table_desc descs[NPROBES];
    static char names[NPROBES][32];
    char view[2048];
    sc_table_desc *t;
    char *name;
    probe_row row = {NULL};
    sc_query *q;
    int rc;

    ck_assert_uint_lt(serial, NPROBES);
    t = &descs[serial];
    name = names[serial++];
    snprintf(name, sizeof names[0], "sc_test_probe_%u", serial);
    *t = probe_table;
    t->name = name;
    snprintf(view, sizeof view, dsql()->probe_view, name, query);
    exec_ok(view);
    q = sc_query_new(db, t);
    rc = sc_query_first(q, arena, &row);
    ck_assert_msg(rc == SC_OK, "%s: %s", query, sc_errmsg(db));
    sc_query_free(q);
    snprintf(view, sizeof view, "DROP VIEW %s", name);
    exec_ok(view);
    return row.v != NULL ? row.v : "";
}

static long probe_int(const char *sql)
{
    return atol(probe(sql));
}

static long count_rows(const char *table)
{
    char query[256];

    snprintf(query, sizeof query, "SELECT count(*) FROM %c%s%c",
             dia()->quote_open, table, dia()->quote_close);
    return probe_int(query);
}

/* The tables, columns and indexes of the database, the runner's tables
 * aside, as one line of text. */
static const char *shape(void)
{
    return probe(dsql()->shape);
}

static unsigned current(void)
{
    unsigned v = 99;

    ck_assert_msg(sc_migrate_current(db, &v) == SC_OK, "%s", sc_errmsg(db));
    return v;
}

static void migrate_ok(const migfile_set *set, unsigned target)
{
    int rc = sc_migrate(db, set->migs, set->n, target);

    ck_assert_msg(rc == SC_OK, "%s", sc_errmsg(db));
}

static void add_users(int n, bool with_email)
{
    char sql[256];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO users (name, email) VALUES "
                 "('user %d %s', %s)", i, with_email ? "e" : "n",
                 with_email ? "'x@example.org'" : "NULL");
        exec_ok(sql);
    }
}

/* ---------------------------------------------------------------------
 * Applying, status and history.
 * ------------------------------------------------------------------- */

START_TEST(test_fresh_database)
{
    sc_migration_record *rows;
    size_t n = 7;

    ck_assert_uint_eq(current(), 0);
    ck_assert_int_eq(sc_migrate_history(db, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(rows);
    /* reading the version creates nothing */
    ck_assert_str_eq(shape(), on_sqlite() ? "" : " / ");
    ck_assert_int_eq(probe_int(dsql()->count_tables), 0);
}
END_TEST

START_TEST(test_up_from_empty)
{
    migfile_set set;
    sc_migration_record *rows;
    size_t n;
    unsigned i;

    load("basic", &set);
    ck_assert_uint_eq(set.n, 3);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_uint_eq(current(), 3);
    ck_assert_int_eq(count_rows("tags"), 0);
    exec_ok("INSERT INTO users (name) VALUES ('ann')");
    ck_assert_int_eq(probe_int("SELECT karma FROM users"), 0);

    ck_assert_int_eq(sc_migrate_history(db, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 3);
    for (i = 0; i < 3; i++) {
        ck_assert_uint_eq(rows[i].version, i + 1);
        ck_assert_str_eq(rows[i].name, set.migs[i].name);
        /* the checksum of this dialect's file */
        ck_assert_str_eq(rows[i].checksum,
                         set.migs[i].checksums[sc_db_dialect(db)]);
        ck_assert_str_ne(rows[i].checksum, set.migs[i].checksum);
        ck_assert_uint_eq(strlen(rows[i].applied_at), 20);
        ck_assert_int_eq(rows[i].applied_at[10], 'T');
        ck_assert_int_eq(rows[i].applied_at[19], 'Z');
    }
    /* at head, again: nothing to do, nothing changes */
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_int_eq(count_rows("schemac_migrations"), 3);
    ck_assert_int_eq(sc_migrate_check(db, set.migs, set.n), SC_OK);
    migfile_free(&set);
}
END_TEST

START_TEST(test_up_to_version)
{
    migfile_set set;

    load("basic", &set);
    migrate_ok(&set, 1);
    ck_assert_uint_eq(current(), 1);
    migrate_ok(&set, 1);
    ck_assert_uint_eq(current(), 1);
    migrate_ok(&set, 3);
    ck_assert_uint_eq(current(), 3);
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, 2), SC_ERROR);
    ck_assert_str_eq(sc_errmsg(db), "the database is at version 0003, past "
                                    "0002: migrate down instead");
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, 4), SC_MISUSE);
    ck_assert_uint_eq(current(), 3);
    migfile_free(&set);
}
END_TEST

/* up, down, up: every step lands on the same tables and rows. */
START_TEST(test_up_down_up)
{
    migfile_set set;
    char *at1, *at2, *at3;

    load("basic", &set);
    migrate_ok(&set, 1);
    at1 = strdup(shape());
    migrate_ok(&set, 2);
    add_users(3, true);
    exec_ok("INSERT INTO posts (user_id, title) SELECT id, 'hello' FROM "
            "users");
    at2 = strdup(shape());
    migrate_ok(&set, SC_MIGRATE_HEAD);
    at3 = strdup(shape());

    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_OK);
    ck_assert_uint_eq(current(), 2);
    ck_assert_str_eq(shape(), at2);
    ck_assert_int_eq(count_rows("users"), 3);
    ck_assert_int_eq(count_rows("posts"), 3);
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_OK);
    ck_assert_str_eq(shape(), at1);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_str_eq(shape(), at3);
    ck_assert_int_eq(count_rows("posts"), 3);

    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 10), SC_OK);
    ck_assert_uint_eq(current(), 0);
    ck_assert_int_eq(count_rows("schemac_migrations"), 0);
    ck_assert_str_eq(shape(), on_sqlite() ? "" : " / ");
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_str_eq(shape(), at3);
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 0), SC_OK);
    ck_assert_uint_eq(current(), 3);
    free(at1);
    free(at2);
    free(at3);
    migfile_free(&set);
}
END_TEST

/* ---------------------------------------------------------------------
 * Failures leave the database at the version before.
 * ------------------------------------------------------------------- */

START_TEST(test_failing_third_statement)
{
    migfile_set set;
    char *before;
    unsigned v, part, nparts;
    bool up;

    load("failing", &set);
    migrate_ok(&set, 1);
    add_users(2, true);
    before = strdup(shape());
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_ERROR);
    ck_assert_msg(strncmp(sc_errmsg(db), "migration 0002 add_bio: ", 24) ==
                      0 && strstr(sc_errmsg(db), "no_such_table") != NULL,
                  "%s", sc_errmsg(db));
    ck_assert_uint_eq(current(), 1);
    ck_assert_int_eq(count_rows("schemac_migrations"), 1);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(sc_migrate_pending_part(db, set.migs, set.n, &v, &up,
                                             &part, &nparts), SC_OK);
    if (dia()->transactional_ddl) {
        /* the step rolled back whole */
        ck_assert_str_eq(shape(), before);
        ck_assert_int_eq(count_rows("users"), 2);
        ck_assert_uint_eq(v, 0);
    } else {
        /* the two statements before the failing one stay, recorded:
         * the step is half done, and down refuses to step over it */
        ck_assert_str_ne(shape(), before);
        ck_assert_int_eq(count_rows("users"), 3);
        ck_assert_int_eq(probe_int("SELECT count(*) FROM users WHERE name "
                                   "= 'made by the migration'"), 1);
        ck_assert_uint_eq(v, 2);
        ck_assert(up);
        ck_assert_uint_eq(part, 1);
        ck_assert_uint_eq(nparts, 1);
        ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_ERROR);
        ck_assert_uint_eq(current(), 1);
        ck_assert_int_eq(count_rows("users"), 3);
    }
    free(before);
    migfile_free(&set);
}
END_TEST

START_TEST(test_guard_stops)
{
    migfile_set set;
    char *before;

    load("guard", &set);
    migrate_ok(&set, 1);
    add_users(3, false);
    add_users(1, true);
    exec_ok("INSERT INTO posts (user_id, title) SELECT id, 'p' FROM users");
    before = strdup(shape());
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_CHECK);
    ck_assert_str_eq(sc_errtable(db), "users");
    ck_assert_str_eq(sc_errcolumn(db), "email");
    ck_assert_str_eq(sc_errmsg(db),
                     "migration 0002 require_email stopped: users.email: "
                     "3 rows: NULL values, which not null refuses");
    ck_assert_uint_eq(current(), 1);
    ck_assert_str_eq(shape(), before);
    /* foreign keys are enforced again after the stopped rebuild */
    ck_assert_int_eq(sc_exec(db, "INSERT INTO posts (user_id, title) "
                                 "VALUES (999, 'orphan')"),
                     SC_CONSTRAINT);

    exec_ok("UPDATE users SET email = 'fixed@example.org' WHERE email IS "
            "NULL");
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_uint_eq(current(), 2);
    ck_assert_int_eq(count_rows("posts"), 4);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO users (name) VALUES ('x')"),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_NOTNULL);
    ck_assert_str_eq(sc_errcolumn(db), "email");
    free(before);
    migfile_free(&set);
}
END_TEST

/* Records the statements run, to show that none ran. */
static void count_writes(void *ctx, const sc_trace_event *ev)
{
    static const char *const verbs[] = {"BEGIN", "CREATE", "ALTER",
                                        "INSERT", "DROP", "PRAGMA"};
    size_t i;

    for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strncmp(ev->sql, verbs[i], strlen(verbs[i])) == 0)
            (*(int *)ctx)++;
    }
}

START_TEST(test_edited_migration)
{
    migfile_set set;
    sc_migration edited[3];
    int writes = 0;

    load("basic", &set);
    migrate_ok(&set, 2);
    memcpy(edited, set.migs, sizeof edited);
    edited[1].checksum = edited[1].checksums[sc_db_dialect(db)] =
        "00000000000000000000000000000000"
        "00000000000000000000000000000000";
    sc_trace(db, count_writes, &writes);
    ck_assert_int_eq(sc_migrate(db, edited, 3, SC_MIGRATE_HEAD), SC_ERROR);
    ck_assert_msg(strncmp(sc_errmsg(db),
                          "migration 0002 add_karma was edited after it "
                          "was applied (checksum ", 63) == 0,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(sc_migrate_down(db, edited, 3, 1), SC_ERROR);
    ck_assert_int_eq(sc_migrate_check(db, edited, 3), SC_ERROR);
    sc_trace(db, NULL, NULL);
    ck_assert_int_eq(writes, 0);
    ck_assert_uint_eq(current(), 2);
    ck_assert_int_eq(count_rows("schemac_migrations"), 2);

    edited[1] = set.migs[1];
    edited[1].name = "add_points";
    ck_assert_int_eq(sc_migrate(db, edited, 3, SC_MIGRATE_HEAD), SC_ERROR);
    ck_assert_str_eq(sc_errmsg(db), "migration 0002 add_karma was renamed "
                                    "to add_points after it was applied");
    ck_assert_uint_eq(current(), 2);
    migfile_free(&set);
}
END_TEST

/* A version table written by a runtime of ABI 2 holds the checksum of
 * both files together: accepted, and an edit is still found. */
START_TEST(test_old_checksum)
{
    migfile_set set;
    sc_migration old[3];
    sc_migration_record *rows;
    size_t n;
    unsigned i;
    int d;

    load("basic", &set);
    memcpy(old, set.migs, sizeof old);
    for (i = 0; i < 3; i++)
        for (d = 0; d <= SC_NDIALECTS; d++)
            old[i].checksums[d] = NULL;
    ck_assert_int_eq(sc_migrate(db, old, 3, 2), SC_OK);
    ck_assert_int_eq(sc_migrate_history(db, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(rows[1].checksum, set.migs[1].checksum);

    ck_assert_int_eq(sc_migrate_check(db, set.migs, 3), SC_OK);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_int_eq(sc_migrate_history(db, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(rows[1].checksum, set.migs[1].checksum);
    ck_assert_str_eq(rows[2].checksum,
                     set.migs[2].checksums[sc_db_dialect(db)]);

    /* the other dialect's file edited: the old checksum no longer
     * matches, nor does this file's */
    memcpy(old, set.migs, sizeof old);
    old[1].checksum = "edited";
    ck_assert_int_eq(sc_migrate_check(db, old, 3), SC_ERROR);
    ck_assert_msg(strstr(sc_errmsg(db), "0002 add_karma was edited") != NULL,
                  "%s", sc_errmsg(db));
    migfile_free(&set);
}
END_TEST

/* A migration without a file for the database's dialect stops the
 * runner before anything runs, naming the file. */
START_TEST(test_no_script_for_dialect)
{
    migfile_set set;
    sc_migration m[3];
    char want[200];

    load("basic", &set);
    memcpy(m, set.migs, sizeof m);
    memset(&m[1].scripts[sc_db_dialect(db)], 0, sizeof m[1].scripts[0]);
    m[1].checksums[sc_db_dialect(db)] = NULL;
    ck_assert_int_eq(sc_migrate(db, m, 3, SC_MIGRATE_HEAD), SC_MISUSE);
    snprintf(want, sizeof want, "migration 0002 add_karma has no script for "
             "%s: its directory has no file 0002_add_karma.%s.sql",
             dia()->name, dia()->name);
    ck_assert_str_eq(sc_errmsg(db), want);
    ck_assert_uint_eq(current(), 0);
    migfile_free(&set);
}
END_TEST

START_TEST(test_missing_migration)
{
    migfile_set set;
    int writes = 0;

    load("basic", &set);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    sc_trace(db, count_writes, &writes);
    ck_assert_int_eq(sc_migrate(db, set.migs, 2, SC_MIGRATE_HEAD), SC_ERROR);
    ck_assert_str_eq(sc_errmsg(db), "migration 0003 add_tags was applied to "
                                    "the database but is missing from the "
                                    "migrations given (head 0002)");
    ck_assert_int_eq(sc_migrate_down(db, set.migs, 2, 1), SC_ERROR);
    ck_assert_int_eq(sc_migrate_check(db, set.migs, 2), SC_ERROR);
    sc_trace(db, NULL, NULL);
    ck_assert_int_eq(writes, 0);
    ck_assert_uint_eq(current(), 3);
    migfile_free(&set);
}
END_TEST

START_TEST(test_misuse)
{
    migfile_set set;
    sc_migration wrong[2];
    int d;

    load("basic", &set);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_MISUSE);
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_MISUSE);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_uint_eq(current(), 0);

    wrong[0] = set.migs[1];
    wrong[1] = set.migs[0];
    ck_assert_int_eq(sc_migrate(db, wrong, 2, SC_MIGRATE_HEAD), SC_MISUSE);
    ck_assert_int_eq(sc_migrate(db, NULL, 1, SC_MIGRATE_HEAD), SC_MISUSE);
    ck_assert_int_eq(sc_migrate(NULL, set.migs, 1, SC_MIGRATE_HEAD),
                     SC_MISUSE);
    ck_assert_int_eq(sc_migrate(db, NULL, 0, SC_MIGRATE_HEAD), SC_OK);

    /* no down script: refused before anything runs */
    migrate_ok(&set, SC_MIGRATE_HEAD);
    memcpy(wrong, set.migs, sizeof wrong);
    for (d = 1; d <= SC_NDIALECTS; d++) {
        wrong[1].scripts[d].down = NULL;
        wrong[1].scripts[d].down_parts = NULL;
        wrong[1].scripts[d].ndown = 0;
    }
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_OK);
    ck_assert_int_eq(sc_migrate_down(db, wrong, 2, 2), SC_ERROR);
    ck_assert_str_eq(sc_errmsg(db), "migration 0002 add_karma has no down "
                                    "script: it cannot be undone");
    ck_assert_uint_eq(current(), 2);
    migfile_free(&set);
}
END_TEST

/* ---------------------------------------------------------------------
 * Two runners at once: each step is applied exactly once.  0001 creates
 * its tables without IF NOT EXISTS, so applying it twice would fail.
 * ------------------------------------------------------------------- */

typedef struct runner {
    const char *url;
    const migfile_set *set;
    pthread_barrier_t *start;
    int rc;
    char msg[512];
    unsigned applied; /* the steps this runner heard it made */
} runner;

static void count_applied(void *ctx, const sc_migrate_event *e)
{
    if (e->kind == SC_MIGRATE_APPLIED)
        (*(unsigned *)ctx)++;
}

static void *run_migrate(void *arg)
{
    runner *r = arg;
    sc_db *mine = NULL;
    sc_migrate_options o = SC_MIGRATE_OPTIONS_INIT;

    o.hook = count_applied;
    o.hook_ctx = &r->applied;
    r->rc = sc_open(r->url, &mine);
    pthread_barrier_wait(r->start);
    if (r->rc == SC_OK)
        r->rc = sc_migrate_with(mine, r->set->migs, r->set->n,
                                SC_MIGRATE_HEAD, &o);
    snprintf(r->msg, sizeof r->msg, "%s", sc_errmsg(mine));
    sc_close(mine);
    return NULL;
}

/* Two runners on one database at once, four rounds: each step is
 * applied once, and told as applied by the one runner that made it. */
static void two_runners(const char *dir, unsigned head)
{
    migfile_set set;
    pthread_barrier_t start;
    pthread_t threads[2];
    runner runners[2];
    const char *url;
    int round, i;

    load(dir, &set);
    sc_close(db);
    url = testdb_shared_url();
    ck_assert_int_eq(sc_open(url, &db), SC_OK);
    for (round = 0; round < 4; round++) {
        pthread_barrier_init(&start, NULL, 2);
        for (i = 0; i < 2; i++) {
            runners[i] = (runner){url, &set, &start, -1, "", 0};
            ck_assert_int_eq(pthread_create(&threads[i], NULL, run_migrate,
                                            &runners[i]), 0);
        }
        for (i = 0; i < 2; i++)
            pthread_join(threads[i], NULL);
        pthread_barrier_destroy(&start);
        for (i = 0; i < 2; i++)
            ck_assert_msg(runners[i].rc == SC_OK, "%s, runner %d: %s", dir,
                          i, runners[i].msg);
        ck_assert_uint_eq(current(), head);
        ck_assert_uint_eq(runners[0].applied + runners[1].applied, head);
        ck_assert_int_eq(count_rows("schemac_migrations"), (long)head);
        ck_assert_int_eq(probe_int("SELECT count(DISTINCT version) FROM "
                                   "schemac_migrations"), (long)head);
        ck_assert_int_eq(count_rows("schemac_migration_parts"), 0);
        ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, head), SC_OK);
    }
    sc_close(db);
    db = NULL;
    testdb_shared_done();
    migfile_free(&set);
}

START_TEST(test_two_runners)
{
    two_runners("basic", 3);
}
END_TEST

/* The same over a migration in parts, one of them outside a
 * transaction. */
START_TEST(test_two_runners_parts)
{
    two_runners("parts", 2);
}
END_TEST

/* ---------------------------------------------------------------------
 * Rebuilding a parent table on SQLite (foreign keys off, new table, copy,
 * drop, rename, indexes, foreign_key_check) keeps every child row.
 * ------------------------------------------------------------------- */

static void library_rows(void)
{
    exec_ok("INSERT INTO authors (name) VALUES ('Le Guin'), ('Lem')");
    exec_ok("INSERT INTO books (author_id, title) VALUES (1, 'Earthsea'), "
            "(1, 'The Dispossessed'), (1, 'Lathe'), (2, 'Solaris'), "
            "(2, 'Fiasco')");
}

START_TEST(test_rebuild_keeps_children)
{
    migfile_set set;

    load("rebuild", &set);
    ck_assert(set.migs[1].scripts[SC_DIALECT_SQLITE].foreign_keys_off);
    migrate_ok(&set, 1);
    library_rows();
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_int_eq(count_rows("books"), 5);
    ck_assert_int_eq(count_rows("authors"), 2);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO authors (name) VALUES ('')"),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO books (author_id, title) "
                                 "VALUES (9, 'orphan')"),
                     SC_CONSTRAINT);
    exec_ok("DELETE FROM authors WHERE id = 2");
    ck_assert_int_eq(count_rows("books"), 3); /* the cascade still works */
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_OK);
    ck_assert_int_eq(count_rows("books"), 3);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_int_eq(count_rows("books"), 3);
    if (on_sqlite())
        ck_assert_int_eq(probe_int("SELECT count(*) FROM sqlite_master "
                                   "WHERE name = 'authors_name_idx'"), 1);
    migfile_free(&set);
}
END_TEST

/* Why the directive exists: with foreign keys on, DROP TABLE authors
 * deletes from authors first, and the cascade takes every book. */
START_TEST(test_rebuild_trap)
{
    migfile_set set;
    sc_migration m[2];

    load("rebuild", &set);
    migrate_ok(&set, 1);
    library_rows();
    memcpy(m, set.migs, sizeof m);
    m[1].scripts[SC_DIALECT_SQLITE].foreign_keys_off = false;
    migrate_ok(&(migfile_set){m, 2, NULL}, SC_MIGRATE_HEAD);
    ck_assert_int_eq(count_rows("authors"), 2);
    ck_assert_int_eq(count_rows("books"), 0);
    migfile_free(&set);
}
END_TEST

START_TEST(test_foreign_key_check)
{
    migfile_set set;
    sc_migration m[2];
    char up[2048];

    load("rebuild", &set);
    migrate_ok(&set, 1);
    library_rows();
    /* the same rebuild, losing an author that books reference */
    snprintf(up, sizeof up, "%s\nDELETE FROM authors WHERE id = 2;\n",
             set.migs[1].scripts[SC_DIALECT_SQLITE].up);
    memcpy(m, set.migs, sizeof m);
    m[1].scripts[SC_DIALECT_SQLITE].up = up;
    ck_assert_int_eq(sc_migrate(db, m, 2, SC_MIGRATE_HEAD), SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_FOREIGNKEY);
    ck_assert_str_eq(sc_errtable(db), "books");
    ck_assert_str_eq(sc_errmsg(db), "migration 0002 check_author_name "
                                    "stopped: foreign key check failed: a "
                                    "row of books references authors, which "
                                    "has no matching row");
    ck_assert_uint_eq(current(), 1);
    ck_assert_int_eq(count_rows("authors"), 2);
    ck_assert_int_eq(count_rows("books"), 5);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO books (author_id, title) "
                                 "VALUES (9, 'orphan')"),
                     SC_CONSTRAINT);
    migfile_free(&set);
}
END_TEST

/* ---------------------------------------------------------------------
 * Parts (tests/data/migrations/parts): 0002 adds a column (part 1), a
 * unique index outside a transaction, concurrently on PostgreSQL (part
 * 2), and fills the column (part 3).
 * ------------------------------------------------------------------- */

static long invalid_indexes(void)
{
    return dsql()->invalid_indexes != NULL
               ? probe_int(dsql()->invalid_indexes)
               : 0;
}

static bool has_karma(void)
{
    return probe_int(dsql()->has_karma) == 1;
}

START_TEST(test_parts_resume)
{
    migfile_set set;
    unsigned v, part, nparts;
    bool up;

    load("parts", &set);
    ck_assert_uint_eq(set.migs[1].scripts[SC_DIALECT_SQLITE].nup, 3);
    ck_assert_uint_eq(set.migs[1].scripts[SC_DIALECT_POSTGRESQL].ndown, 2);
    migrate_ok(&set, 1);
    add_users(2, true); /* two users, one email: the unique index fails */
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_CONSTRAINT);
    ck_assert_msg(strncmp(sc_errmsg(db), "migration 0002 add_karma: part 2 "
                          "of 3 failed: ", 38) == 0, "%s", sc_errmsg(db));
    ck_assert_uint_eq(current(), 1);
    ck_assert(has_karma());            /* part 1 stayed */
    ck_assert_int_eq(invalid_indexes(), 0); /* the failed build is gone */
    ck_assert_int_eq(sc_migrate_pending_part(db, set.migs, set.n, &v, &up,
                                             &part, &nparts), SC_OK);
    ck_assert_uint_eq(v, 2);
    ck_assert(up);
    ck_assert_uint_eq(part, 2);
    ck_assert_uint_eq(nparts, 3);
    /* down refuses to step over the half applied migration */
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_ERROR);
    ck_assert_msg(strstr(sc_errmsg(db), "part 2 of 3 failed going up; "
                         "migrate up resumes there") != NULL, "%s",
                  sc_errmsg(db));

    /* resumed at part 2: part 1 (ADD COLUMN) would fail if run again */
    exec_ok("UPDATE users SET email = 'other@example.org' WHERE name LIKE "
            "'user 1 %'");
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_uint_eq(current(), 2);
    ck_assert_int_eq(count_rows("schemac_migration_parts"), 0);
    ck_assert_int_eq(probe_int("SELECT count(*) FROM users WHERE karma = "
                               "length(name)"), 2);
    ck_assert_int_eq(sc_migrate_pending_part(db, set.migs, set.n, &v, &up,
                                             &part, &nparts), SC_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO users (name, email) VALUES "
                                 "('dup', 'x@example.org')"),
                     SC_CONSTRAINT);

    /* down runs its two parts; up again from there */
    ck_assert_int_eq(sc_migrate_down(db, set.migs, set.n, 1), SC_OK);
    ck_assert_uint_eq(current(), 1);
    ck_assert(!has_karma());
    ck_assert_int_eq(count_rows("users"), 2);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_uint_eq(current(), 2);
    migfile_free(&set);
}
END_TEST

START_TEST(test_parts_guard)
{
    migfile_set set;

    load("parts", &set);
    migrate_ok(&set, 1);
    exec_ok("INSERT INTO users (name) VALUES ('')");
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_CONSTRAINT);
    ck_assert_str_eq(sc_errmsg(db), "migration 0002 add_karma stopped: "
                                    "users.name: 1 row: names that are "
                                    "empty");
    ck_assert_uint_eq(current(), 1);
    ck_assert(!has_karma());
    ck_assert_int_eq(count_rows("schemac_migration_parts"), 0);
    exec_ok("UPDATE users SET name = 'named'");
    migrate_ok(&set, SC_MIGRATE_HEAD);
    ck_assert_uint_eq(current(), 2);
    migfile_free(&set);
}
END_TEST

/* A migration whose only part runs outside a transaction still runs its
 * guard first, on its own. */
START_TEST(test_parts_loose_guard)
{
    static const char *const stmts[] = {
        "CREATE INDEX ix_users_email ON users (email);", NULL};
    static const sc_migration_part loose[] = {{false, stmts}};
    static const sc_migration_guard guard[] = {
        {"users", "email", "emails still missing",
         "SELECT count(*) FROM users WHERE email IS NULL"}};
    migfile_set set;
    sc_migration m[2];
    int d;

    load("parts", &set);
    m[0] = set.migs[0];
    memset(&m[1], 0, sizeof m[1]);
    m[1].version = 2;
    m[1].name = "index_email";
    m[1].checksum = "loose";
    for (d = 1; d <= SC_NDIALECTS; d++) {
        m[1].scripts[d].ups = loose;
        m[1].scripts[d].nup = 1;
        m[1].scripts[d].guards = guard;
        m[1].scripts[d].nguards = 1;
    }
    ck_assert_int_eq(sc_migrate(db, m, 2, 1), SC_OK);
    add_users(1, false);
    ck_assert_int_eq(sc_migrate(db, m, 2, 2), SC_CONSTRAINT);
    ck_assert_str_eq(sc_errmsg(db), "migration 0002 index_email stopped: "
                                    "users.email: 1 row: emails still "
                                    "missing");
    ck_assert_uint_eq(current(), 1);
    exec_ok("UPDATE users SET email = 'e@example.org'");
    ck_assert_int_eq(sc_migrate(db, m, 2, 2), SC_OK);
    ck_assert_uint_eq(current(), 2);
    migfile_free(&set);
}
END_TEST

/* Hook events of a run, as letters: P a part, S a statement outside a
 * transaction, A applied, U undone. */
static void trace_events(void *ctx, const sc_migrate_event *e)
{
    static const char letters[] = "PSRAU";
    char *s = ctx;
    size_t n = strlen(s);

    if (n + 1 < 64) {
        s[n] = letters[e->kind];
        s[n + 1] = '\0';
    }
}

/* The events of running migrations from (after version from) to to, up
 * or down, as the parts of the database's scripts say: P a part in a
 * transaction, S each statement of one outside.  A database whose DDL
 * does not roll back runs every part outside (docs/MIGRATIONS.md
 * "MariaDB"). */
static const char *expected_events(const migfile_set *set, unsigned from,
                                   unsigned to, bool up, char *out,
                                   size_t size)
{
    size_t n = 0;
    unsigned v;

    out[0] = '\0';
    for (v = from; up ? v < to : v > to; up ? v++ : v--) {
        const sc_migration_script *s =
            &set->migs[up ? v : v - 1].scripts[testdb_dialect()];
        const sc_migration_part *parts = up ? s->ups : s->downs;
        unsigned np = up ? s->nup : s->ndown, i;
        size_t k;

        for (i = 0; i < np; i++) {
            if (parts[i].transactional) {
                ck_assert_uint_lt(n + 1, size);
                out[n++] = 'P';
            }
            for (k = 0; !parts[i].transactional && parts[i].sql[k] != NULL;
                 k++) {
                ck_assert_uint_lt(n + 1, size);
                out[n++] = 'S';
            }
        }
        if (np == 0) { /* one part, in a transaction */
            ck_assert_uint_lt(n + 1, size);
            out[n++] = 'P';
        }
        ck_assert_uint_lt(n + 1, size);
        out[n++] = up ? 'A' : 'U';
    }
    out[n] = '\0';
    return out;
}

START_TEST(test_parts_events)
{
    migfile_set set;
    sc_migrate_options o = SC_MIGRATE_OPTIONS_INIT;
    char events[64] = "", want[64];

    load("parts", &set);
    o.hook = trace_events;
    o.hook_ctx = events;
    ck_assert_int_eq(sc_migrate_with(db, set.migs, set.n, SC_MIGRATE_HEAD,
                                     &o), SC_OK);
    ck_assert_str_eq(events, expected_events(&set, 0, 2, true, want,
                                             sizeof want));
    if (dia()->transactional_ddl)
        ck_assert_str_eq(events, "PAPSSPA");
    events[0] = '\0';
    ck_assert_int_eq(sc_migrate_down_with(db, set.migs, set.n, 2, &o),
                     SC_OK);
    ck_assert_str_eq(events, expected_events(&set, 2, 0, false, want,
                                             sizeof want));
    if (dia()->transactional_ddl)
        ck_assert_str_eq(events, "SSPUPU");
    events[0] = '\0';
    ck_assert_int_eq(sc_migrate_with(db, set.migs, set.n, SC_MIGRATE_HEAD,
                                     &o), SC_OK);
    ck_assert_int_eq(sc_migrate_with(db, set.migs, set.n, SC_MIGRATE_HEAD,
                                     &o), SC_OK);
    ck_assert_str_eq(events, expected_events(&set, 0, 2, true, want,
                                             sizeof want));
    migfile_free(&set);
}
END_TEST

/* ---------------------------------------------------------------------
 * Version tables the runner did not make, or that were changed by hand.
 * ------------------------------------------------------------------- */

START_TEST(test_version_table_shape)
{
    migfile_set set;
    unsigned v = 7;

    load("basic", &set);
    exec_ok("CREATE TABLE schemac_migrations (id integer, state text)");
    ck_assert_int_eq(sc_migrate_current(db, &v), SC_ERROR);
    ck_assert_str_eq(sc_errmsg(db), "the table schemac_migrations is not "
                                    "schemac's version table: it has the "
                                    "columns (id, state), not (applied_at, "
                                    "checksum, name, version); rename it, "
                                    "or drop it if it is a leftover");
    ck_assert_str_eq(sc_errtable(db), "schemac_migrations");
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "not schemac's version"));
    ck_assert_int_eq(count_rows("schemac_migrations"), 0);
    migfile_free(&set);
}
END_TEST

START_TEST(test_version_too_big)
{
    migfile_set set;
    unsigned v = 7;

    load("basic", &set);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    exec_ok("UPDATE schemac_migrations SET version = 4294967299 WHERE "
            "version = 3");
    ck_assert_int_eq(sc_migrate_current(db, &v), SC_ERROR);
    ck_assert_msg(strstr(sc_errmsg(db), "the version table holds version "
                         "4294967299, which no migration can have") != NULL,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(sc_migrate_check(db, set.migs, set.n), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "4294967299"));
    migfile_free(&set);
}
END_TEST

START_TEST(test_version_table_dropped)
{
    migfile_set set;

    unsigned v = 7;

    load("basic", &set);
    migrate_ok(&set, SC_MIGRATE_HEAD);
    exec_ok("DROP TABLE schemac_migrations");
    /* the parts table, made with it, tells */
    ck_assert_int_eq(sc_migrate_current(db, &v), SC_ERROR);
    ck_assert_msg(strncmp(sc_errmsg(db), "the version table "
                          "schemac_migrations is missing but "
                          "schemac_migration_parts, made with it, is "
                          "there: it was dropped by hand", 123) == 0, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_ERROR);
    ck_assert_int_eq(count_rows("users"), 0);
    /* without it, the failure of 0001 over the tables says so */
    exec_ok("DROP TABLE schemac_migration_parts");
    ck_assert_uint_eq(current(), 0);
    ck_assert_int_ne(sc_migrate(db, set.migs, set.n, SC_MIGRATE_HEAD),
                     SC_OK);
    ck_assert_msg(strstr(sc_errmsg(db), "the database holds tables but no "
                         "version table schemac_migrations") != NULL, "%s",
                  sc_errmsg(db));
    migfile_free(&set);
}
END_TEST

static TCase *fixture_case(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    return tc;
}

Suite *make_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc;

    tc = fixture_case("apply");
    tcase_add_test(tc, test_fresh_database);
    tcase_add_test(tc, test_up_from_empty);
    tcase_add_test(tc, test_up_to_version);
    tcase_add_test(tc, test_up_down_up);
    suite_add_tcase(s, tc);

    tc = fixture_case("failures");
    tcase_add_test(tc, test_failing_third_statement);
    tcase_add_test(tc, test_guard_stops);
    tcase_add_test(tc, test_edited_migration);
    tcase_add_test(tc, test_missing_migration);
    tcase_add_test(tc, test_old_checksum);
    tcase_add_test(tc, test_no_script_for_dialect);
    tcase_add_test(tc, test_misuse);
    suite_add_tcase(s, tc);

    tc = fixture_case("version table");
    tcase_add_test(tc, test_version_table_shape);
    if (on_sqlite()) /* the integer column of the others holds none */
        tcase_add_test(tc, test_version_too_big);
    tcase_add_test(tc, test_version_table_dropped);
    suite_add_tcase(s, tc);

    tc = fixture_case("parts");
    tcase_add_test(tc, test_parts_resume);
    tcase_add_test(tc, test_parts_guard);
    tcase_add_test(tc, test_parts_events);
    tcase_add_test(tc, test_parts_loose_guard);
    suite_add_tcase(s, tc);

    tc = fixture_case("concurrency");
    tcase_add_test(tc, test_two_runners);
    tcase_add_test(tc, test_two_runners_parts);
    suite_add_tcase(s, tc);

    tc = fixture_case("rebuild");
    tcase_add_test(tc, test_rebuild_keeps_children);
    if (on_sqlite()) {
        tcase_add_test(tc, test_rebuild_trap);
        tcase_add_test(tc, test_foreign_key_check);
    }
    suite_add_tcase(s, tc);
    return s;
}
