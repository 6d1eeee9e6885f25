/*
 * test-pool.c - the connection pool (sc_pool_*): connections opened as
 * needed and reused, never more than the maximum, a thread waiting for
 * one released by another, SC_BUSY when the wait runs out, a released
 * connection rolled back and without its trace hook, a connection that
 * failed to open or lost its server closed instead of kept, and many
 * threads sharing a few connections without losing a row.  The same
 * sources run on a SQLite file and on PostgreSQL (SCHEMAC_TEST_URL, see
 * testdb.h).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schemac.h"
#include "testdb.h"

#define THREADS 8
#define ROUNDS  100
#define MAX     3

static const char *url;

static void setup(void)
{
    sc_db *db = testdb_open(); /* empties a server's schema */

    sc_close(db);
    url = testdb_shared_url();
}

static void teardown(void)
{
    testdb_shared_done();
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static int on_count(void *ctx, int n, const char *const *v)
{
    *(long *)ctx = n > 0 && v[0] ? atol(v[0]) : -1;
    return 0;
}

static long count_rows(sc_db *db)
{
    long n = -1;

    ck_assert_int_eq(
        sc_query_sql_each(db, "SELECT count(*) FROM hits", on_count, &n),
        SC_OK);
    return n;
}

static sc_pool *new_pool(int max)
{
    sc_pool *p = NULL;
    sc_db *db;

    ck_assert_int_eq(sc_pool_new(url, max, &p), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, -1, &db), SC_OK);
    ck_assert_int_eq(sc_exec(db, "CREATE TABLE IF NOT EXISTS hits "
                                 "(who integer NOT NULL, n integer NOT NULL)"),
                     SC_OK);
    sc_pool_release(p, db);
    return p;
}

START_TEST(test_misuse)
{
    sc_pool *p = (sc_pool *)1;
    sc_db *db = (sc_db *)1;

    ck_assert_int_eq(sc_pool_new(url, 0, &p), SC_MISUSE);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(sc_pool_new(NULL, 2, &p), SC_MISUSE);
    ck_assert_int_eq(sc_pool_new(url, 2, NULL), SC_MISUSE);
    ck_assert_int_eq(sc_pool_acquire(NULL, 0, &db), SC_MISUSE);
    ck_assert_ptr_null(db);
    sc_pool_free(NULL);
    sc_pool_release(NULL, NULL);
    ck_assert_int_eq(sc_pool_open_count(NULL, NULL), 0);
}
END_TEST

START_TEST(test_lazy_and_reused)
{
    sc_pool *p = NULL;
    sc_db *a, *b, *again;
    int idle = -1;

    ck_assert_int_eq(sc_pool_new(url, MAX, &p), SC_OK);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 0);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &a), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &b), SC_OK);
    ck_assert_ptr_ne(a, b);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 2);
    ck_assert_int_eq(idle, 0);
    sc_pool_release(p, a);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 2);
    ck_assert_int_eq(idle, 1);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &again), SC_OK);
    ck_assert_ptr_eq(again, a); /* the idle one, not a new one */
    sc_pool_release(p, again);
    sc_pool_release(p, b);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 2);
    ck_assert_int_eq(idle, 2);
    sc_pool_free(p);
}
END_TEST

START_TEST(test_full_pool_times_out)
{
    sc_pool *p = NULL;
    sc_db *db[2], *more = (sc_db *)1;
    double t0;

    ck_assert_int_eq(sc_pool_new(url, 2, &p), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &db[0]), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &db[1]), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &more), SC_BUSY);
    ck_assert_ptr_null(more);
    t0 = now_ms();
    ck_assert_int_eq(sc_pool_acquire(p, 150, &more), SC_BUSY);
    ck_assert_double_ge(now_ms() - t0, 140.0);
    ck_assert_int_eq(sc_pool_open_count(p, NULL), 2);
    sc_pool_release(p, db[0]);
    sc_pool_release(p, db[1]);
    sc_pool_free(p);
}
END_TEST

struct later {
    sc_pool *p;
    sc_db *db;
};

static void *release_later(void *arg)
{
    struct later *l = arg;

    sleep_ms(100);
    sc_pool_release(l->p, l->db);
    return NULL;
}

START_TEST(test_waiter_gets_released_one)
{
    sc_pool *p = NULL;
    struct later l;
    pthread_t t;
    sc_db *got;
    double t0;

    ck_assert_int_eq(sc_pool_new(url, 1, &p), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &l.db), SC_OK);
    l.p = p;
    ck_assert_int_eq(pthread_create(&t, NULL, release_later, &l), 0);
    t0 = now_ms();
    ck_assert_int_eq(sc_pool_acquire(p, 10000, &got), SC_OK);
    ck_assert_double_ge(now_ms() - t0, 90.0);
    ck_assert_ptr_eq(got, l.db);
    pthread_join(t, NULL);
    sc_pool_release(p, got);
    sc_pool_free(p);
}
END_TEST

static int traced;

static void count_trace(void *ctx, const sc_trace_event *ev)
{
    (void)ctx;
    (void)ev;
    traced++;
}

START_TEST(test_release_cleans)
{
    sc_pool *p = new_pool(1);
    sc_db *db, *again;

    ck_assert_int_eq(sc_pool_acquire(p, 0, &db), SC_OK);
    sc_trace(db, count_trace, NULL);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK); /* a savepoint too */
    ck_assert_int_eq(sc_exec(db, "INSERT INTO hits VALUES (1, 1)"), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 2);
    sc_pool_release(p, db);
    traced = 0;
    ck_assert_int_eq(sc_pool_acquire(p, 0, &again), SC_OK);
    ck_assert_ptr_eq(again, db);
    ck_assert_int_eq(sc_txn_depth(again), 0);
    ck_assert_int_eq(count_rows(again), 0); /* rolled back */
    ck_assert_int_eq(traced, 0);            /* the hook is gone */
    sc_pool_release(p, again);
    sc_pool_free(p);
}
END_TEST

START_TEST(test_failed_open_frees_its_place)
{
    sc_pool *p = NULL;
    sc_db *db = NULL;
    const char *bad = testdb_dialect() == SC_DIALECT_SQLITE
                          ? "sqlite:/nonexistent-dir/for/sure/x.db"
                          : "postgresql://127.0.0.1:1/none?connect_timeout=5";

    ck_assert_int_eq(sc_pool_new(bad, 1, &p), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &db), SC_CANTOPEN);
    ck_assert_ptr_nonnull(db);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), testdb_pick("x.db", "1")));
    ck_assert_int_eq(sc_pool_open_count(p, NULL), 1);
    sc_pool_release(p, db);
    ck_assert_int_eq(sc_pool_open_count(p, NULL), 0);
    /* the place is free again: the next try opens (and fails) anew */
    ck_assert_int_eq(sc_pool_acquire(p, 0, &db), SC_CANTOPEN);
    sc_pool_release(p, db);
    sc_pool_free(p);
}
END_TEST

static int on_text(void *ctx, int n, const char *const *v)
{
    snprintf(ctx, 32, "%s", n > 0 && v[0] ? v[0] : "");
    return 0;
}

START_TEST(test_lost_server_connection_closed)
{
    sc_pool *p = NULL;
    sc_db *victim, *killer, *fresh;
    char pid[32], sql[96];
    int idle = -1;

    if (testdb_dialect() == SC_DIALECT_SQLITE)
        return; /* an embedded database has no server to lose */
    ck_assert_int_eq(sc_pool_new(url, 2, &p), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &victim), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &killer), SC_OK);
    ck_assert_int_eq(
        sc_query_sql_each(victim,
                          testdb_pick3(NULL, "SELECT pg_backend_pid()",
                                       "SELECT CONNECTION_ID()"),
                          on_text, pid),
        SC_OK);
    snprintf(sql, sizeof sql,
             testdb_pick3(NULL, "SELECT pg_terminate_backend(%s)", "KILL %s"),
             pid);
    ck_assert_int_eq(sc_exec(killer, sql), SC_OK);
    sleep_ms(200);
    ck_assert_int_ne(sc_exec(victim, "SELECT 1"), SC_OK);
    sc_pool_release(p, victim);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 1); /* closed */
    ck_assert_int_eq(idle, 0);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &fresh), SC_OK);
    ck_assert_int_eq(sc_exec(fresh, "SELECT 1"), SC_OK);
    sc_pool_release(p, fresh);
    sc_pool_release(p, killer);
    sc_pool_free(p);
}
END_TEST

struct worker {
    sc_pool *p;
    int who, failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    char sql[96];
    sc_db *db;
    int i, rc;

    for (i = 0; i < ROUNDS; i++) {
        if (sc_pool_acquire(w->p, -1, &db) != SC_OK) {
            w->failures++;
            sc_pool_release(w->p, db);
            continue;
        }
        snprintf(sql, sizeof sql, "INSERT INTO hits VALUES (%d, %d)", w->who,
                 i);
        do
            rc = sc_exec(db, sql);
        while (rc == SC_BUSY);
        w->failures += rc != SC_OK;
        if (sc_pool_open_count(w->p, NULL) > MAX)
            w->failures++;
        sc_pool_release(w->p, db);
    }
    return NULL;
}

START_TEST(test_threads_share_few_connections)
{
    sc_pool *p = new_pool(MAX);
    struct worker w[THREADS];
    pthread_t t[THREADS];
    sc_db *db;
    int i;

    for (i = 0; i < THREADS; i++) {
        w[i].p = p;
        w[i].who = i;
        w[i].failures = 0;
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    ck_assert_int_le(sc_pool_open_count(p, NULL), MAX);
    ck_assert_int_ge(sc_pool_open_count(p, NULL), 1);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &db), SC_OK);
    ck_assert_int_eq(count_rows(db), THREADS * ROUNDS);
    sc_pool_release(p, db);
    sc_pool_free(p);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_misuse);
    tcase_add_test(tc, test_lazy_and_reused);
    tcase_add_test(tc, test_full_pool_times_out);
    tcase_add_test(tc, test_waiter_gets_released_one);
    tcase_add_test(tc, test_release_cleans);
    tcase_add_test(tc, test_failed_open_frees_its_place);
    tcase_add_test(tc, test_lost_server_connection_closed);
    tcase_add_test(tc, test_threads_share_few_connections);
    suite_add_tcase(s, tc);
    return s;
}
