/*
 * test-opts.c - sc_open_with() and its options: an allocator that sees
 * every allocation of the runtime, which frees all it took; a statement
 * cache of one statement that still answers right; a stream read two rows
 * per round trip; the options carried by the URL, the struct winning over
 * it, and a bad or unknown one refused by name; and a busy timeout of
 * 50 ms that gives SC_BUSY about that long after a lock another
 * connection holds; prepare=off, which on MariaDB prepares no statement
 * on the server and reads back every value exactly.  The same sources
 * run on SQLite, PostgreSQL and MariaDB (SCHEMAC_TEST_URL, see
 * testdb.h).
 */
#include <check.h>
#include <float.h>
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
    query_round(db);
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

/* The second column of the first row (SHOW STATUS: its value). */
static int on_value(void *ctx, int n, const char *const *v)
{
    *(long *)ctx = n > 1 && v[1] ? atol(v[1]) : -1;
    return 0;
}

/* Com_stmt_prepare: the statements this session prepared on MariaDB. */
static long server_prepares(sc_db *db)
{
    long n = -1;

    ck_assert_int_eq(sc_query_sql_each(db, "SHOW SESSION STATUS LIKE "
                                           "'Com_stmt_prepare'",
                                       on_value, &n),
                     SC_OK);
    ck_assert_int_ge(n, 0);
    return n;
}

static void assert_bytes_eq(sc_bytes got, sc_bytes want)
{
    ck_assert_uint_eq(got.len, want.len);
    ck_assert(want.len == 0 || memcmp(got.data, want.data, want.len) == 0);
}

/* A row whose values a literal must carry exactly: the extremes of the
 * numbers, text and bytes with quotes, backslashes, NUL and a '?', the
 * first and last microseconds MariaDB keeps. */
static rt_all_type literal_row(void)
{
    static const uint8_t by[] = {0, '\'', '\\', 0xff, '?'};
    rt_all_type r = {0};
    int i;

    r.b = true;
    r.has_nb = true;
    r.i16 = INT16_MIN;
    r.i32 = INT32_MAX;
    r.i64 = INT64_MIN;
    r.has_ni64 = true;
    r.ni64 = INT64_MAX;
    r.f32 = FLT_MAX;
    r.has_nf32 = true;
    r.nf32 = 16777216.0f; /* FLOAT's six printed digits would say 16777200 */
    r.f64 = 0.1 + 0.2;
    r.has_nf64 = true;
    r.nf64 = DBL_TRUE_MIN;
    r.num = -9999999999;
    r.has_nnum = true;
    r.nnum = 1;
    r.dec = "-98765432109876543210.0000000001";
    r.txt = "it's \"q\" \\ \xC3\xA9 ?";
    r.ntxt = "%_\\'\n";
    r.by = (sc_bytes){by, sizeof by};
    r.nby = (sc_bytes){by, 0};
    r.d = 0;
    r.has_nd = true;
    r.nd = 2932896; /* 9999-12-31 */
    r.ts = INT64_C(253402300799999999); /* 9999-12-31 23:59:59.999999 */
    r.has_nts = true;
    r.nts = INT64_C(-62135596800000000) + 1; /* 0001-01-01 ...01 */
    for (i = 0; i < 16; i++)
        r.u.b[i] = (uint8_t)(i % 2 ? '\'' : '\\');
    r.js = "{\"a\":\"it's\"}";
    r.lv = RT_LEVEL_ADVANCED;
    return r;
}

static void assert_literal_row(const rt_all_type *g, const rt_all_type *w)
{
    ck_assert(g->b == w->b && g->has_nb && !g->nb);
    ck_assert_int_eq(g->i16, w->i16);
    ck_assert(g->i64 == w->i64 && g->ni64 == w->ni64);
    ck_assert(g->f32 == w->f32 && g->nf32 == w->nf32);
    ck_assert(g->f64 == w->f64 && g->nf64 == w->nf64);
    ck_assert(g->num == w->num && g->nnum == w->nnum);
    ck_assert_str_eq(g->dec, w->dec);
    ck_assert_ptr_null(g->ndec);
    ck_assert_str_eq(g->txt, w->txt);
    ck_assert_str_eq(g->ntxt, w->ntxt);
    assert_bytes_eq(g->by, w->by);
    ck_assert_ptr_nonnull(g->nby.data);
    assert_bytes_eq(g->nby, w->nby);
    ck_assert(g->d == w->d && g->nd == w->nd);
    ck_assert(g->ts == w->ts && g->nts == w->nts);
    ck_assert(memcmp(&g->u, &w->u, sizeof g->u) == 0);
    ck_assert(!g->has_nu && !g->has_ni16 && !g->has_nlv);
    ck_assert_str_eq(g->js, w->js);
    ck_assert_int_eq(g->lv, w->lv);
}

/* prepare=off on MariaDB: the text protocol only.  Inserts, gets,
 * updates, batches, counts and a stream answer as prepared statements
 * do, and the session's Com_stmt_prepare does not move; with prepare on
 * it does. */
START_TEST(test_prepare_off_mariadb)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    rt_all_type row = literal_row(), got;
    streamed st = {0, 0};
    rt_speaker_query *q;
    long before;
    sc_arena *a;
    sc_db *db;

    if (testdb_dialect() != SC_DIALECT_MARIADB)
        return;
    o.prepare = SC_PREPARE_OFF;
    db = open_with(testdb_url(), &o);
    a = sc_arena_new();
    ck_assert_ptr_nonnull(a);
    before = server_prepares(db);
    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s",
                  sc_errmsg(db));
    memset(&got, 0x5a, sizeof got);
    ck_assert_msg(rt_all_types_get(db, a, row.id, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    assert_literal_row(&got, &row);
    /* what was read, written back by update, reads back the same */
    ck_assert_int_eq(rt_all_types_update(db, &got), SC_OK);
    sc_arena_reset(a);
    ck_assert_int_eq(rt_all_types_get(db, a, row.id, &got), SC_OK);
    assert_literal_row(&got, &row);
    add_speakers(db, 10);
    query_round(db);
    q = rt_speaker_select(db);
    ck_assert_int_eq(rt_speaker_each(q, on_speaker, &st), SC_OK);
    rt_speaker_query_free(q);
    ck_assert_int_eq(st.rows, 10);
    ck_assert_int_eq(st.sum, 55);
    ck_assert_int_eq(server_prepares(db), before);
    sc_arena_free(a);
    sc_close(db);

    db = open_with(testdb_url(), NULL);
    before = server_prepares(db);
    add_speakers(db, 10);
    query_round(db);
    ck_assert_int_gt(server_prepares(db), before);
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
    tcase_add_test(tc, test_prepare_off_mariadb);
    suite_add_tcase(s, tc);
    return s;
}
