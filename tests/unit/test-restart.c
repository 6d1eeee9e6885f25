/*
 * test-restart.c - a PostgreSQL or MariaDB server restarted under a
 * connection:
 * plain calls, transactions, streams, migrations and batches (before
 * and in the middle of their pipeline) all fail with SC_ERROR and a
 * message that starts "connection to the server was lost", and so does
 * every later call on that connection, until it is closed; a new
 * connection then works.  The server is stopped and started by the
 * script tests/scripts/with-pg.sh names in SCHEMAC_TEST_PG_SERVER
 * (with-mariadb.sh: SCHEMAC_TEST_MARIADB_SERVER); on SQLite, or a server
 * the test did not start, there is nothing to do (under CI=true a server
 * without the script is a failure).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_db.h"
#include "schemac.h"
#include "testdb.h"

#define LOST "connection to the server was lost"

static sc_db *db;
static sc_arena *arena;

/* The script that stops and starts the server under test, set by
 * with-pg.sh or with-mariadb.sh; NULL on SQLite. */
static const char *server_script(void)
{
    if (testdb_dialect() == SC_DIALECT_SQLITE)
        return NULL;
    return getenv(testdb_pick3(NULL, "SCHEMAC_TEST_PG_SERVER",
                               "SCHEMAC_TEST_MARIADB_SERVER"));
}

static bool can_restart(void)
{
    const char *ci = getenv("CI");

    ck_assert_msg(server_script() != NULL ||
                      testdb_dialect() == SC_DIALECT_SQLITE || ci == NULL ||
                      strcmp(ci, "true") != 0,
                  "CI=true: no script restarts the server under test");
    return server_script() != NULL;
}

/* Stops the server (fast: sessions are ended) and starts it again. */
static void restart_server(void)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "%s stop >/dev/null && %s start >/dev/null",
             server_script(), server_script());
    ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
    if (!can_restart())
        return;
    db = testdb_open();
    ck_assert_msg(rt_create_all(db) == SC_OK, "%s", sc_errmsg(db));
    arena = sc_arena_new();
}

static void teardown(void)
{
    sc_arena_free(arena);
    arena = NULL;
    sc_close(db);
    db = NULL;
}

/* rc and db's message say the connection was lost (after "row I: " in
 * a batch). */
static void assert_lost(int rc, const char *what)
{
    ck_assert_msg(rc == SC_ERROR, "%s: %d %s", what, rc, sc_errmsg(db));
    ck_assert_msg(strstr(sc_errmsg(db), LOST) != NULL, "%s: %s", what,
                  sc_errmsg(db));
}

/* After the loss every call says so; a new connection works. */
static void assert_stays_lost(void)
{
    rt_user u = RT_USER_INIT;
    sc_db *fresh = NULL;

    assert_lost(sc_exec(db, "SELECT 1"), "a later sc_exec");
    ck_assert_str_eq(sc_errmsg(db), LOST ": close this connection and open "
                                         "a new one");
    assert_lost(rt_user_get(db, arena, 1, &u), "a later get");
    assert_lost(sc_begin(db), "a later begin");
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(sc_open(testdb_url(), &fresh), SC_OK);
    ck_assert_int_eq(sc_exec(fresh, "SELECT 1"), SC_OK);
    sc_close(fresh);
}

static void add_users(int n)
{
    rt_user *rows = calloc((size_t)n, sizeof *rows);
    char (*names)[2][24] = calloc((size_t)n, sizeof *names);
    int i;

    ck_assert_ptr_nonnull(rows);
    ck_assert_ptr_nonnull(names);
    for (i = 0; i < n; i++) {
        snprintf(names[i][0], sizeof names[i][0], "u%d", i);
        snprintf(names[i][1], sizeof names[i][1], "u%d@x", i);
        rows[i] = (rt_user)RT_USER_INIT;
        rows[i].user_name = names[i][0];
        rows[i].user_email = names[i][1];
    }
    ck_assert_msg(rt_user_insert_many(db, rows, (size_t)n) == SC_OK, "%s",
                  sc_errmsg(db));
    free(rows);
    free(names);
}

START_TEST(test_plain_call)
{
    rt_user u = RT_USER_INIT;

    if (!can_restart())
        return;
    add_users(1);
    restart_server();
    assert_lost(rt_user_get(db, arena, 1, &u), "get");
    assert_stays_lost();
}
END_TEST

START_TEST(test_transaction)
{
    rt_user u = RT_USER_INIT;

    if (!can_restart())
        return;
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK); /* a savepoint */
    add_users(3);
    restart_server();
    u.user_name = "late";
    u.user_email = "late@x";
    assert_lost(rt_user_insert(db, &u), "insert in the transaction");
    assert_lost(sc_commit(db), "commit");
    ck_assert_int_eq(sc_txn_depth(db), 0);
    assert_stays_lost();
}
END_TEST

struct seen {
    int rows;
};

static int restart_at_first(void *ctx, const rt_user *row)
{
    struct seen *s = ctx;

    (void)row;
    if (s->rows++ == 0)
        restart_server();
    return 0;
}

/* A stream whose server goes away at its first row: each fails as
 * lost.  PostgreSQL (single-row mode) and MariaDB (unbuffered) read the
 * rows the server had sent before it went, which may be all of them,
 * and then find it gone. */
START_TEST(test_stream)
{
    struct seen s = {0};
    rt_user_query *q;

    if (!can_restart())
        return;
    add_users(3000);
    q = rt_user_select(db);
    assert_lost(rt_user_each(q, restart_at_first, &s), "each");
    rt_user_query_free(q);
    ck_assert_int_le(s.rows, 3000);
    ck_assert_int_ge(s.rows, 1);
    assert_stays_lost();
}
END_TEST

/* One migration, written out here: a table of notes. */
static const sc_migration notes[] = {{
    .version = 1,
    .name = "notes",
    .checksum = "0123456789abcdef",
    .scripts[SC_DIALECT_SQLITE] = {.up = "CREATE TABLE notes (id integer PRIMARY KEY)"},
    .scripts[SC_DIALECT_POSTGRESQL] = {.up = "CREATE TABLE notes (id bigint PRIMARY KEY)"},
    .scripts[SC_DIALECT_MARIADB] = {.up = "CREATE TABLE notes (id bigint PRIMARY KEY)"},
}};

START_TEST(test_migration)
{
    unsigned version = 99;

    if (!can_restart())
        return;
    restart_server();
    assert_lost(sc_migrate(db, notes, 1, SC_MIGRATE_HEAD), "sc_migrate");
    assert_lost(sc_migrate_current(db, &version), "sc_migrate_current");
    assert_lost(rt_create_all(db), "create_all");
    assert_stays_lost();
}
END_TEST

/* A pool's idle connection lost to a restart: the call on it says so,
 * and once it is given back the pool closes it and hands out a new one
 * that works, its count of open connections unchanged. */
START_TEST(test_pool_replaces)
{
    sc_pool *pool = NULL;
    sc_db *a = NULL, *b = NULL;
    int idle = -1;

    if (!can_restart())
        return;
    ck_assert_int_eq(sc_pool_new(testdb_url(), 1, &pool), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(pool, 1000, &a), SC_OK);
    ck_assert_int_eq(sc_exec(a, "SELECT 1"), SC_OK);
    sc_pool_release(pool, a);
    restart_server();
    ck_assert_int_eq(sc_pool_acquire(pool, 1000, &a), SC_OK);
    ck_assert_int_eq(sc_exec(a, "SELECT 1"), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(a), LOST));
    sc_pool_release(pool, a);
    ck_assert_int_eq(sc_pool_open_count(pool, &idle), 0);
    ck_assert_int_eq(sc_pool_acquire(pool, 1000, &b), SC_OK);
    ck_assert_msg(sc_exec(b, "SELECT 1") == SC_OK, "%s", sc_errmsg(b));
    sc_pool_release(pool, b);
    ck_assert_int_eq(sc_pool_open_count(pool, &idle), 1);
    ck_assert_int_eq(idle, 1);
    sc_pool_free(pool);
}
END_TEST

/* A batch sent after the server went away. */
START_TEST(test_batch_before)
{
    if (!can_restart())
        return;
    add_users(1);
    restart_server();
    {
        rt_user u[2] = {RT_USER_INIT, RT_USER_INIT};

        u[0].user_name = u[0].user_email = "a";
        u[1].user_name = u[1].user_email = "b";
        assert_lost(rt_user_insert_many(db, u, 2), "insert_many");
    }
    assert_stays_lost();
}
END_TEST

/* The trace hook sees the first outcome of a batch arrive: restarting
 * the server there interrupts the pipeline in the middle. */
static void restart_at_first_trace(void *ctx, const sc_trace_event *ev)
{
    int *n = ctx;

    (void)ev;
    if ((*n)++ == 0)
        restart_server();
}

START_TEST(test_batch_interrupted)
{
    enum { N = 50000 };
    rt_user *rows = calloc(N, sizeof *rows);
    char (*names)[24] = calloc(N, sizeof *names);
    int traced = 0, i;

    if (!can_restart())
        return;
    ck_assert_ptr_nonnull(rows);
    ck_assert_ptr_nonnull(names);
    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "b%d", i);
        rows[i] = (rt_user)RT_USER_INIT;
        rows[i].user_name = rows[i].user_email = names[i];
    }
    sc_trace(db, restart_at_first_trace, &traced);
    assert_lost(rt_user_insert_many(db, rows, N), "insert_many");
    sc_trace(db, NULL, NULL);
    ck_assert_int_ge(traced, 1);
    free(rows);
    free(names);
    assert_stays_lost();
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("restart");
    TCase *tc = tcase_create("restart");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_plain_call);
    tcase_add_test(tc, test_transaction);
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_migration);
    tcase_add_test(tc, test_batch_before);
    tcase_add_test(tc, test_pool_replaces);
    tcase_add_test(tc, test_batch_interrupted);
    suite_add_tcase(s, tc);
    return s;
}
