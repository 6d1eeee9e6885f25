/*
 * test-rawsql.c - sc_query_sql_each(), the runtime's reader of rows that
 * no generated descriptor describes (schemac check reads the catalog
 * with it).  Runs on SQLite, and on PostgreSQL through with-pg.sh: every
 * value must come back as the same text on both.
 */
#include "schemac.h"
#include "testdb.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

static sc_db *db;

static void setup(void)
{
    db = testdb_open();
}

static void teardown(void)
{
    sc_close(db);
    db = NULL;
}

/* The rows seen, as "a|b|NULL;" per row. */
typedef struct seen {
    char text[512];
    int rows;
    int stop_after; /* 0: never stop */
} seen;

static int collect(void *ctx, int ncols, const char *const *texts)
{
    seen *s = ctx;
    size_t len = strlen(s->text);
    int i;

    for (i = 0; i < ncols; i++)
        len += (size_t)snprintf(s->text + len, sizeof s->text - len, "%s%s",
                                i ? "|" : "", texts[i] ? texts[i] : "NULL");
    snprintf(s->text + len, sizeof s->text - len, ";");
    s->rows++;
    return s->stop_after && s->rows >= s->stop_after;
}

START_TEST(test_values_as_text)
{
    seen s = {"", 0, 0};

    /* MariaDB spells the double's cast DOUBLE */
    ck_assert_int_eq(sc_query_sql_each(db,
                         testdb_pick3("SELECT 42, -7, 'abc', NULL,"
                                      " CAST(1.5 AS double precision),"
                                      " 1 = 1, 1 = 0",
                                      "SELECT 42, -7, 'abc', NULL,"
                                      " CAST(1.5 AS double precision),"
                                      " 1 = 1, 1 = 0",
                                      "SELECT 42, -7, 'abc', NULL,"
                                      " CAST(1.5 AS DOUBLE), 1 = 1, 1 = 0"),
                         collect, &s),
                     SC_OK);
    ck_assert_int_eq(s.rows, 1);
    ck_assert_str_eq(s.text, "42|-7|abc|NULL|1.5|1|0;");
}
END_TEST

START_TEST(test_rows_of_a_table)
{
    seen s = {"", 0, 0};

    ck_assert_int_eq(sc_exec(db, "CREATE TABLE t (a integer, b text)"),
                     SC_OK);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO t VALUES (1, 'one')"), SC_OK);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO t VALUES (2, NULL)"), SC_OK);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO t VALUES (3, '최영선')"),
                     SC_OK);
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT a, b FROM t ORDER BY a",
                                       collect, &s),
                     SC_OK);
    ck_assert_int_eq(s.rows, 3);
    ck_assert_str_eq(s.text, "1|one;2|NULL;3|최영선;");
}
END_TEST

START_TEST(test_no_rows)
{
    seen s = {"", 0, 0};

    ck_assert_int_eq(sc_query_sql_each(db, "SELECT 1 WHERE 1 = 0", collect,
                                       &s),
                     SC_OK);
    ck_assert_int_eq(s.rows, 0);
}
END_TEST

START_TEST(test_stop_early)
{
    seen s = {"", 0, 2};

    ck_assert_int_eq(sc_exec(db, "CREATE TABLE t (a integer)"), SC_OK);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO t VALUES (1), (2), (3), (4)"),
                     SC_OK);
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT a FROM t ORDER BY a",
                                       collect, &s),
                     SC_OK);
    ck_assert_int_eq(s.rows, 2);
    ck_assert_str_eq(s.text, "1;2;");
    /* the connection is usable afterwards */
    ck_assert_int_eq(sc_exec(db, "INSERT INTO t VALUES (5)"), SC_OK);
}
END_TEST

/*
 * A duplicate from the caller's own statement names its table and column
 * on every database, though MariaDB's message names only the key: the
 * statement's table, bare or quoted, or the one table with a key of that
 * name when the failing statement is not the first.
 */
START_TEST(test_duplicate_names_table)
{
    static const char *const dup[] = {
        "INSERT INTO dup_t (id, name) VALUES (2, 'x')",
        "insert into `dup_t` (id, name) values (2, 'x')",
        "UPDATE dup_t SET name = 'x' WHERE id = 3",
        ("INSERT INTO other_t VALUES (1); "
         "INSERT INTO dup_t (id, name) VALUES (2, 'x')"),
    };
    size_t i;

    ck_assert_int_eq(sc_exec(db, "CREATE TABLE dup_t (id integer PRIMARY KEY,"
                                 " name varchar(20),"
                                 " CONSTRAINT uq_dup_name UNIQUE (name))"),
                     SC_OK);
    ck_assert_int_eq(sc_exec(db, "CREATE TABLE other_t (a integer)"), SC_OK);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO dup_t VALUES (1, 'x'), (3, 'y')"),
                     SC_OK);
    for (i = 0; i < sizeof dup / sizeof dup[0]; i++) {
        if (strchr(dup[i], '`') != NULL &&
            testdb_dialect() != SC_DIALECT_MARIADB)
            continue;
        ck_assert_int_eq(sc_exec(db, dup[i]), SC_CONSTRAINT);
        ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_UNIQUE);
        ck_assert_msg(sc_errtable(db) != NULL &&
                          strcmp(sc_errtable(db), "dup_t") == 0,
                      "%s: table %s: %s", dup[i],
                      sc_errtable(db) ? sc_errtable(db) : "(none)",
                      sc_errmsg(db));
        ck_assert_msg(sc_errcolumn(db) != NULL &&
                          strcmp(sc_errcolumn(db), "name") == 0,
                      "%s: column %s: %s", dup[i],
                      sc_errcolumn(db) ? sc_errcolumn(db) : "(none)",
                      sc_errmsg(db));
        ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "dup_t"));
    }
    /* a primary key: its table comes from the statement */
    ck_assert_int_eq(sc_exec(db, "INSERT INTO dup_t (id, name) VALUES (1, 'z')"),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_PRIMARYKEY);
    ck_assert_str_eq(sc_errtable(db), "dup_t");
    ck_assert_str_eq(sc_errcolumn(db), "id");
}
END_TEST

START_TEST(test_errors)
{
    seen s = {"", 0, 0};

    ck_assert_int_ne(sc_query_sql_each(db, "SELECT * FROM no_such_table",
                                       collect, &s),
                     SC_OK);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "no_such_table"));
    ck_assert_int_eq(s.rows, 0);
    ck_assert_int_eq(sc_query_sql_each(db, NULL, collect, &s), SC_MISUSE);
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT 1", NULL, &s),
                     SC_MISUSE);
    ck_assert_int_eq(sc_query_sql_each(NULL, "SELECT 1", collect, &s),
                     SC_MISUSE);
    /* still usable */
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT 1", collect, &s), SC_OK);
    ck_assert_str_eq(s.text, "1;");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("rawsql");
    TCase *tc = tcase_create("each");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_values_as_text);
    tcase_add_test(tc, test_rows_of_a_table);
    tcase_add_test(tc, test_no_rows);
    tcase_add_test(tc, test_stop_early);
    tcase_add_test(tc, test_duplicate_names_table);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}
