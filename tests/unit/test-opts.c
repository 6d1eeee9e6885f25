/*
 * test-opts.c - sc_open_with() and its options: an allocator that sees
 * every allocation of the runtime, which frees all it took; a statement
 * cache of one statement that still answers right; a stream read two rows
 * per round trip; the options carried by the URL, the struct winning over
 * it, and a bad or unknown one refused by name; and a busy timeout of
 * 50 ms that gives SC_BUSY about that long after a lock another
 * connection holds.  The same sources run on SQLite, PostgreSQL and
 * MariaDB (SCHEMAC_TEST_URL, see testdb.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_db.h"
#include "schemac.h"
#include "testdb.h"

/* An allocator that counts: the calls, and the blocks not yet freed. */
typedef struct counter {
    long calls;
    long live;
} counter;

static void *count_malloc(void *ctx, size_t n)
{
    counter *c = ctx;
    void *p = malloc(n);

    c->calls++;
    c->live += p != NULL;
    return p;
}

static void *count_realloc(void *ctx, void *p, size_t n)
{
    counter *c = ctx;
    void *q = realloc(p, n);

    c->calls++;
    c->live += p == NULL && q != NULL;
    return q;
}

static void count_free(void *ctx, void *p)
{
    counter *c = ctx;

    c->calls++;
    c->live -= p != NULL;
    free(p);
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* The test database, emptied, then opened again with opts. */
static sc_db *open_with(const char *url, const sc_open_opts *opts)
{
    sc_db *db = testdb_open();

    sc_close(db);
    ck_assert_int_eq(sc_open_with(url, opts, &db), SC_OK);
    ck_assert_int_eq(rt_create_all(db), SC_OK);
    return db;
}

static void add_speakers(sc_db *db, int n)
{
    rt_speaker *rows = calloc((size_t)n, sizeof *rows);
    int i;

    ck_assert_ptr_nonnull(rows);
    for (i = 0; i < n; i++) {
        rows[i].name = i % 2 ? "odd" : "even";
        rows[i].email = "x@example.org";
    }
    ck_assert_int_eq(rt_speaker_insert_many(db, rows, (size_t)n), SC_OK);
    free(rows);
}

static int64_t count_named(sc_db *db, const char *name)
{
    rt_speaker_query *q = rt_speaker_select(db);
    int64_t n = -1;

    rt_speaker_where(q, NAME, EQ, name);
    ck_assert_int_eq(rt_speaker_count(q, &n), SC_OK);
    rt_speaker_query_free(q);
    return n;
}

static int64_t count_above(sc_db *db, int64_t id)
{
    rt_speaker_query *q = rt_speaker_select(db);
    int64_t n = -1;

    rt_speaker_where(q, SPEAKER_ID, GT, id);
    ck_assert_int_eq(rt_speaker_count(q, &n), SC_OK);
    rt_speaker_query_free(q);
    return n;
}

/* Runs three different queries five times over and checks each answer;
 * returns the statements the database prepared meanwhile. */
static uint64_t query_round(sc_db *db)
{
    sc_stats before, after;
    int i;

    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(count_named(db, "odd"), 5);
        ck_assert_int_eq(count_named(db, "even"), 5);
        ck_assert_int_eq(count_above(db, 3), 7);
    }
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    return after.prepares - before.prepares;
}

/* Static: the allocator installed last stays the library's after the
 * test, for the tests that run in this process after it. */
static counter c, other;

START_TEST(test_allocator_sees_everything)
{
    sc_allocator a = {count_malloc, count_realloc, count_free, &c};
    sc_allocator b = {count_malloc, count_realloc, count_free, &other};
    sc_open_opts o = SC_OPEN_OPTS_INIT, ob = SC_OPEN_OPTS_INIT;
    sc_db *db, *db2;
    long calls;

    o.allocator = &a;
    db = open_with(testdb_url(), &o);
    add_speakers(db, 10);
    query_round(db);
    calls = c.calls;
    ck_assert_int_gt(calls, 10);
    ck_assert_int_gt(c.live, 0);
    /* another allocator while a connection is open: refused */
    ob.allocator = &b;
    ck_assert_int_eq(sc_open_with(testdb_url(), &ob, &db2), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db2), "allocator"));
    sc_close(db2);
    ck_assert_int_eq(other.calls, 0);
    /* the same one, or none, is fine */
    ck_assert_int_eq(sc_open_with(testdb_url(), &o, &db2), SC_OK);
    sc_close(db2);
    sc_close(db);
    ck_assert_int_gt(c.calls, calls);
    ck_assert_int_eq(c.live, 0);
    /* with no connection open it can change */
    calls = c.calls;
    ck_assert_int_eq(sc_open_with(testdb_url(), &ob, &db), SC_OK);
    sc_close(db);
    ck_assert_int_gt(other.calls, 0);
    ck_assert_int_eq(other.live, 0);
    ck_assert_int_eq(c.calls, calls);
}
END_TEST

START_TEST(test_stmt_cache_of_one)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    sc_db *db;
    uint64_t bounded, unbounded;

    db = open_with(testdb_url(), NULL);
    add_speakers(db, 10);
    query_round(db);
    unbounded = query_round(db);
    sc_close(db);
    o.stmt_cache = 1;
    db = open_with(testdb_url(), &o);
    add_speakers(db, 10);
    query_round(db);
    bounded = query_round(db);
    sc_close(db);
    /* the default keeps all three; one slot prepares nearly every time */
    ck_assert_uint_eq(unbounded, 0);
    ck_assert_uint_ge(bounded, 10);
}
END_TEST

typedef struct streamed {
    long rows;
    int64_t sum;
} streamed;

static int on_speaker(void *ctx, const rt_speaker *row)
{
    streamed *s = ctx;

    s->rows++;
    s->sum += row->speaker_id;
    return 0;
}

START_TEST(test_fetch_size_two)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    streamed s = {0, 0};
    rt_speaker_query *q;
    sc_db *db;

    o.fetch_size = 2;
    db = open_with(testdb_url(), &o);
    add_speakers(db, 1000);
    q = rt_speaker_select(db);
    rt_speaker_order_by(q, SPEAKER_ID, SC_ASC);
    ck_assert_int_eq(rt_speaker_each(q, on_speaker, &s), SC_OK);
    rt_speaker_query_free(q);
    ck_assert_int_eq(s.rows, 1000);
    ck_assert_int_eq(s.sum, 1000 * 1001 / 2);
    sc_close(db);
}
END_TEST

/* The test URL with options added: after '?' or '&' on a server, on an
 * SQLite file: URI of a private in-memory database on SQLite. */
static void url_with(char *buf, size_t size, const char *opts)
{
    const char *url = testdb_url();

    if (testdb_dialect() == SC_DIALECT_SQLITE)
        snprintf(buf, size, "sqlite:file:opts?mode=memory&%s", opts);
    else
        snprintf(buf, size, "%s%c%s", url, strchr(url, '?') ? '&' : '?',
                 opts);
}

START_TEST(test_url_options)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    char url[1024];
    sc_db *db;

    url_with(url, sizeof url, "stmt_cache=1&fetch_size=2&busy_timeout=50");
    db = open_with(url, NULL);
    add_speakers(db, 10);
    query_round(db);
    ck_assert_uint_ge(query_round(db), 10);
    sc_close(db);
    /* the struct wins */
    o.stmt_cache = 64;
    db = open_with(url, &o);
    add_speakers(db, 10);
    query_round(db);
    ck_assert_uint_eq(query_round(db), 0);
    sc_close(db);
    url_with(url, sizeof url, "busy_timeout=soon");
    ck_assert_int_eq(sc_open_with(url, NULL, &db), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "busy_timeout"));
    sc_close(db);
    url_with(url, sizeof url, "stmt_cache=0");
    ck_assert_int_eq(sc_open_with(url, NULL, &db), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "stmt_cache"));
    sc_close(db);
    if (testdb_dialect() != SC_DIALECT_SQLITE) {
        /* what is not an option of ours goes to the driver, as before */
        url_with(url, sizeof url, "stmt_cache=4&no_such_option=1");
        ck_assert_int_eq(sc_open_with(url, NULL, &db), SC_MISUSE);
        ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "no_such_option"));
        sc_close(db);
    }
    o = (sc_open_opts)SC_OPEN_OPTS_INIT;
    o.version = 99;
    ck_assert_int_eq(sc_open_with(testdb_url(), &o, &db), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "version"));
    sc_close(db);
}
END_TEST

START_TEST(test_busy_timeout)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    const char *url;
    rt_speaker row = RT_SPEAKER_INIT;
    sc_db *holder, *waiter;
    double t0, waited;
    rt_speaker_query *q;
    int64_t n;
    int rc;

    holder = testdb_open();
    sc_close(holder);
    url = testdb_shared_url();
    ck_assert_int_eq(sc_open(url, &holder), SC_OK);
    ck_assert_int_eq(rt_create_all(holder), SC_OK);
    row.name = "held";
    row.email = "h@example.org";
    ck_assert_int_eq(rt_speaker_insert(holder, &row), SC_OK);
    o.busy_timeout_ms = 50;
    ck_assert_int_eq(sc_open_with(url, &o, &waiter), SC_OK);
    ck_assert_int_eq(sc_begin_write(holder), SC_OK);
    row.name = "holder's";
    ck_assert_int_eq(rt_speaker_update(holder, &row), SC_OK);
    /* a read: a queued update (PostgreSQL) has run and holds its lock */
    q = rt_speaker_select(holder);
    ck_assert_int_eq(rt_speaker_count(q, &n), SC_OK);
    rt_speaker_query_free(q);
    row.name = "waiter's";
    t0 = now_ms();
    rc = rt_speaker_update(waiter, &row);
    waited = now_ms() - t0;
    ck_assert_msg(rc == SC_BUSY, "update: %s", sc_errmsg(waiter));
    ck_assert_double_ge(waited, 45);
    /* MariaDB waits in whole seconds: 50 ms is 1 s there */
    ck_assert_double_lt(waited, testdb_dialect() == SC_DIALECT_MARIADB
                                    ? 3000
                                    : 1000);
    ck_assert_int_eq(sc_rollback(holder), SC_OK);
    sc_close(waiter);
    sc_close(holder);
    testdb_shared_done();
}
END_TEST

static int on_count(void *ctx, int n, const char *const *v)
{
    *(long *)ctx = n > 0 && v[0] ? atol(v[0]) : -1;
    return 0;
}

/* The statements prepared on the server under a name (PostgreSQL). */
static long named_statements(sc_db *db)
{
    long n = -1;

    ck_assert_int_eq(sc_query_sql_each(db, "SELECT count(*) FROM "
                                           "pg_prepared_statements",
                                       on_count, &n),
                     SC_OK);
    return n;
}

/* prepare=off: the answers stay right, a stream and a batch still run,
 * and on PostgreSQL no statement stays prepared under a name. */
START_TEST(test_prepare_off)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    streamed st = {0, 0};
    rt_speaker_query *q;
    char url[1024];
    sc_db *db;

    o.prepare = SC_PREPARE_OFF;
    o.fetch_size = 3;
    db = open_with(testdb_url(), &o);
    add_speakers(db, 10);
    query_round(db);
    q = rt_speaker_select(db);
    ck_assert_int_eq(rt_speaker_each(q, on_speaker, &st), SC_OK);
    rt_speaker_query_free(q);
    ck_assert_int_eq(st.rows, 10);
    if (testdb_dialect() == SC_DIALECT_POSTGRESQL)
        ck_assert_int_eq(named_statements(db), 0);
    sc_close(db);
    db = open_with(testdb_url(), NULL);
    add_speakers(db, 10);
    query_round(db);
    if (testdb_dialect() == SC_DIALECT_POSTGRESQL)
        ck_assert_int_gt(named_statements(db), 0);
    sc_close(db);
    url_with(url, sizeof url, "prepare=off");
    db = open_with(url, NULL);
    add_speakers(db, 10);
    query_round(db);
    if (testdb_dialect() == SC_DIALECT_POSTGRESQL)
        ck_assert_int_eq(named_statements(db), 0);
    sc_close(db);
    url_with(url, sizeof url, "prepare=later");
    ck_assert_int_eq(sc_open_with(url, NULL, &db), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "prepare"));
    sc_close(db);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("opts");
    TCase *tc = tcase_create("opts");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_allocator_sees_everything);
    tcase_add_test(tc, test_stmt_cache_of_one);
    tcase_add_test(tc, test_fetch_size_two);
    tcase_add_test(tc, test_url_options);
    tcase_add_test(tc, test_busy_timeout);
    tcase_add_test(tc, test_prepare_off);
    suite_add_tcase(s, tc);
    return s;
}
