/*
 * test-pipeline.c - single-row writes queued in a transaction (schemac.h,
 * "Queued writes"; docs/SPEC.md): on PostgreSQL an insert with a key the
 * caller gives, an update and a delete return SC_OK queued, and the next
 * other call (a read, a savepoint, a commit) returns the failure of the
 * first write that failed, naming its table and key; a rollback drops
 * the queue.  On SQLite and MariaDB, which run every write at once, the
 * same program sees the same failure at the call itself, and the same
 * rows in the end.  Also: the chunks that keep the queue's memory
 * bounded, the batches and savepoints among queued writes, an insert
 * whose key the database generates, pipeline=off, a row function of a
 * stream, a server restarted under a queue, and allocations failed one
 * by one.
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

static void setup(void)
{
    db = testdb_open();
    arena = sc_arena_new();
    ck_assert_int_eq(rt_create_all(db), SC_OK);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
}

/* Whether writes in a transaction wait in the pipeline here. */
static bool queues(void)
{
    return testdb_dialect() == SC_DIALECT_POSTGRESQL;
}

static rt_pair pair_of(int a, const char *b)
{
    rt_pair p = RT_PAIR_INIT;

    p.a = a;
    p.b = b;
    p.score = a / 2.0;
    p.kind = RT_LEVEL_ADVANCED;
    return p;
}

static int64_t count_pairs(void)
{
    rt_pair_query *q = rt_pair_select(db);
    int64_t n = -1;

    ck_assert_msg(rt_pair_count(q, &n) == SC_OK, "%s", sc_errmsg(db));
    rt_pair_query_free(q);
    return n;
}

static void assert_msg(const char *part)
{
    ck_assert_msg(strstr(sc_errmsg(db), part) != NULL, "\"%s\" not in: %s",
                  part, sc_errmsg(db));
}

/* Many writes of each kind, across several chunks of the queue; the
 * reads see them all, in order. */
START_TEST(test_writes_in_order)
{
    char names[700][8];
    rt_pair p, got;
    int i;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    for (i = 0; i < 700; i++) {
        snprintf(names[i], sizeof names[i], "n%d", i);
        p = pair_of(i, names[i]);
        ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    }
    for (i = 0; i < 700; i += 2) {
        p = pair_of(i, names[i]);
        p.score = -1;
        ck_assert_int_eq(rt_pair_update(db, &p), SC_OK);
    }
    for (i = 1; i < 700; i += 4)
        ck_assert_int_eq(rt_pair_delete(db, i, names[i]), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 698, "n698", &got), SC_OK);
    ck_assert(got.score == -1);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "n1", &got), SC_NOTFOUND);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(count_pairs(), 700 - 175);
}
END_TEST

/* The values are the call's: the row may change as soon as it returns. */
START_TEST(test_values_copied)
{
    char b[8] = "first";
    rt_pair p = pair_of(1, b), got;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    strcpy(b, "second");
    p.a = 99;
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "first", &got), SC_OK);
    ck_assert(got.score == 0.5);
    ck_assert_int_eq(count_pairs(), 1);
}
END_TEST

/* An update of a row that does not exist: SC_NOTFOUND at the next read
 * naming the key (at once where nothing is queued), then the transaction
 * refuses all but a rollback. */
START_TEST(test_notfound_at_flush)
{
    rt_pair p = pair_of(5, "x"), got;
    int rc;

    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    p.a = 6;
    rc = rt_pair_update(db, &p);
    if (queues()) {
        ck_assert_int_eq(rc, SC_OK);
        rc = rt_pair_get(db, arena, 5, "x", &got);
        ck_assert_int_eq(rc, SC_NOTFOUND);
        assert_msg("queued update of pair (a = 6, b = 'x'): no row");
        ck_assert_str_eq(sc_errtable(db), "pair");
        ck_assert_int_eq(rt_pair_get(db, arena, 5, "x", &got), SC_ERROR);
        assert_msg("rolled back");
        ck_assert_int_eq(rt_pair_delete(db, 5, "x"), SC_ERROR);
    } else {
        ck_assert_int_eq(rc, SC_NOTFOUND);
    }
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(rt_pair_get(db, arena, 5, "x", &got), SC_OK);
}
END_TEST

/* A unique violation in the middle of a run of inserts, seen at the
 * commit when queued, which then rolls everything back. */
START_TEST(test_unique_at_commit)
{
    rt_pair p;
    int i, rc = SC_OK, failed_at = -1;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    for (i = 0; i < 10 && rc == SC_OK; i++) {
        p = pair_of(i == 5 ? 2 : i, "k");
        rc = rt_pair_insert(db, &p);
        if (rc != SC_OK)
            failed_at = i;
    }
    if (rc == SC_OK) {
        ck_assert(queues());
        rc = sc_commit(db);
        assert_msg("queued insert of pair (a = 2, b = 'k'): ");
    } else {
        ck_assert(!queues());
        ck_assert_int_eq(failed_at, 5);
        ck_assert_int_eq(sc_rollback(db), SC_OK);
    }
    ck_assert_int_eq(rc, SC_CONSTRAINT);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(count_pairs(), 0);
}
END_TEST

/* The same failure among 1000 queued inserts: found by a later insert,
 * when it reads the outcomes of an earlier chunk, or at the commit. */
START_TEST(test_unique_in_chunks)
{
    rt_pair p;
    int i, rc = SC_OK;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    for (i = 0; i < 1000 && rc == SC_OK; i++) {
        p = pair_of(i == 300 ? 100 : i, "k");
        rc = rt_pair_insert(db, &p);
    }
    if (rc == SC_OK)
        rc = sc_commit(db);
    ck_assert_int_eq(rc, SC_CONSTRAINT);
    if (queues()) {
        ck_assert_int_lt(i, 1000); /* before the end: memory stays bounded */
        assert_msg("queued insert of pair (a = 100, b = 'k')");
    }
    if (sc_txn_depth(db) > 0)
        ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(count_pairs(), 0);
}
END_TEST

/* Savepoints flush; rolling one back drops what it queued; a failure in
 * a savepoint is recovered from by rolling the savepoint back. */
START_TEST(test_savepoints)
{
    rt_pair p = pair_of(1, "a"), got;
    int rc;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    p = pair_of(2, "a");
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    p = pair_of(3, "a");
    rc = rt_pair_update(db, &p); /* no such row */
    if (rc == SC_OK)
        rc = sc_commit(db); /* the release finds out */
    ck_assert_int_eq(rc, SC_NOTFOUND);
    ck_assert_int_eq(sc_txn_depth(db), 2);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    p = pair_of(4, "a");
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "a", &got), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 2, "a", &got), SC_NOTFOUND);
    ck_assert_int_eq(rt_pair_get(db, arena, 4, "a", &got), SC_OK);
    ck_assert_int_eq(count_pairs(), 2);
}
END_TEST

/* Batches among queued writes: the queue goes first, in order. */
START_TEST(test_batches_between)
{
    rt_pair rows[3] = {pair_of(10, "b"), pair_of(11, "b"), pair_of(12, "b")};
    rt_pair p = pair_of(10, "b"), got;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    /* the batch's first row is the queued one again */
    ck_assert_int_eq(rt_pair_insert_many(db, rows, 3), SC_CONSTRAINT);
    ck_assert_int_eq(rt_pair_insert_many(db, rows + 1, 2), SC_OK);
    p.score = 7;
    ck_assert_int_eq(rt_pair_update(db, &p), SC_OK);
    rows[1].score = 8;
    ck_assert_int_eq(rt_pair_update_many(db, rows + 1, 1, 0), SC_OK);
    ck_assert_int_eq(rt_pair_delete(db, 12, "b"), SC_OK);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 10, "b", &got), SC_OK);
    ck_assert(got.score == 7);
    ck_assert_int_eq(rt_pair_get(db, arena, 11, "b", &got), SC_OK);
    ck_assert(got.score == 8);
    ck_assert_int_eq(count_pairs(), 2);
}
END_TEST

/* An insert whose key the database generates runs at once, the queue
 * first: the key is there when it returns, and an earlier failure is its
 * answer. */
START_TEST(test_generated_key_at_once)
{
    rt_speaker s = {0, "ada", "lovelace"};
    rt_pair p = pair_of(1, "a");

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(db, &s), SC_OK);
    ck_assert_int_gt(s.speaker_id, 0);
    if (queues()) {
        ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
        ck_assert_int_eq(rt_speaker_insert(db, &s), SC_CONSTRAINT);
        assert_msg("queued insert of pair (a = 1, b = 'a')");
    } else {
        ck_assert_int_eq(rt_pair_insert(db, &p), SC_CONSTRAINT);
    }
    ck_assert_int_eq(sc_rollback(db), SC_OK);
}
END_TEST

/* A value longer than its varchar(n): refused at the call everywhere,
 * naming the column, as the server's refusal is worded at once. */
START_TEST(test_too_long_at_call)
{
    rt_user u = RT_USER_INIT;

    u.user_name = "short";
    u.user_email = "s@example.org";
    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    u.user_name = "a name of more than thirty-two characters";
    ck_assert_int_eq(rt_user_update(db, &u), SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_CHECK);
    ck_assert_str_eq(sc_errcolumn(db), "user_name");
    ck_assert_int_eq(sc_rollback(db), SC_OK);
}
END_TEST

/* pipeline=off, in the URL or in sc_open_opts: every write at once. */
START_TEST(test_pipeline_off)
{
    const char *url = testdb_url();
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    char with[1024];
    rt_pair p = pair_of(7, "z");
    sc_db *off;
    int i;

    snprintf(with, sizeof with, "%s%spipeline=off", url,
             strchr(url, '?') ? "&" : "?");
    for (i = 0; i < 2; i++) {
        if (testdb_dialect() == SC_DIALECT_SQLITE && i == 0)
            continue; /* a plain sqlite: path keeps its '?' */
        o.pipeline = SC_PIPELINE_OFF;
        ck_assert_int_eq(sc_open_with(i == 0 ? with : url, i ? &o : NULL,
                                      &off),
                         SC_OK);
        ck_assert_int_eq(rt_create_all(off), SC_OK);
        ck_assert_int_eq(sc_begin(off), SC_OK);
        ck_assert_int_eq(rt_pair_update(off, &p), SC_NOTFOUND);
        ck_assert_int_eq(sc_rollback(off), SC_OK);
        sc_close(off);
    }
    o.pipeline = 5;
    ck_assert_int_eq(sc_open_with(url, &o, &off), SC_MISUSE);
    sc_close(off);
    o = (sc_open_opts)SC_OPEN_OPTS_INIT;
    o.version = 1; /* a program built before the field: ends before it */
    ck_assert_int_eq(sc_open_with(url, &o, &off), SC_OK);
    sc_close(off);
}
END_TEST

static int update_missing(void *ctx, const rt_pair *row)
{
    rt_pair p = *row;

    p.a += 1000;
    *(int *)ctx = rt_pair_update(db, &p);
    return 0;
}

/* In the row function of a stream the writes run at once. */
START_TEST(test_stream_row_function)
{
    rt_pair p = pair_of(1, "s");
    rt_pair_query *q;
    int rc = -1;

    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    q = rt_pair_select(db);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_each(q, update_missing, &rc), SC_OK);
    rt_pair_query_free(q);
    ck_assert_int_eq(rc, SC_NOTFOUND);
    ck_assert_int_eq(sc_commit(db), SC_OK);
}
END_TEST

/* A server restarted while writes wait in the queue: the next call says
 * the connection was lost, not an unknown error, and nothing stays. */
START_TEST(test_restart_mid_queue)
{
    const char *script = getenv("SCHEMAC_TEST_PG_SERVER");
    const char *ci = getenv("CI");
    char cmd[512];
    rt_pair p;
    int i;

    if (!queues())
        return;
    if (script == NULL || *script == '\0') {
        /* a server the test did not start: nothing to restart */
        ck_assert_msg(ci == NULL || strcmp(ci, "true") != 0,
                      "CI=true: no script restarts the server under test");
        return;
    }
    ck_assert_int_eq(sc_begin(db), SC_OK);
    for (i = 0; i < 20; i++) {
        p = pair_of(i, "r");
        ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    }
    snprintf(cmd, sizeof cmd, "%s stop >/dev/null && %s start >/dev/null",
             script, script);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(sc_commit(db), SC_ERROR);
    assert_msg(LOST);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    sc_close(db);
    db = testdb_open();
    ck_assert_int_eq(rt_create_all(db), SC_OK);
    ck_assert_int_eq(count_pairs(), 0);
}
END_TEST

/* A connection given back to its pool with writes queued: the release
 * rolls them back unread, and the next holder finds it clean. */
START_TEST(test_pool_release)
{
    rt_pair p = pair_of(3, "p"), got;
    sc_pool *pool;
    sc_db *a, *b;

    ck_assert_int_eq(sc_pool_new(testdb_url(), 1, &pool), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(pool, 1000, &a), SC_OK);
    ck_assert_int_eq(rt_create_all(a), SC_OK);
    ck_assert_int_eq(sc_begin(a), SC_OK);
    ck_assert_int_eq(rt_pair_insert(a, &p), SC_OK);
    p.a = 4;
    (void)rt_pair_update(a, &p); /* no such row: queued, or at once */
    sc_pool_release(pool, a);
    ck_assert_int_eq(sc_pool_acquire(pool, 1000, &b), SC_OK);
    ck_assert_int_eq(sc_txn_depth(b), 0);
    ck_assert_int_eq(rt_pair_get(b, arena, 3, "p", &got), SC_NOTFOUND);
    sc_pool_release(pool, b);
    sc_pool_free(pool);
}
END_TEST

/* ---- allocations failed one by one ---------------------------------- */

static long alloc_left = -1; /* allocations until one fails; -1: never */

static bool refuse(void)
{
    if (alloc_left < 0)
        return false;
    return alloc_left-- == 0;
}

static void *t_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return refuse() ? NULL : malloc(n);
}

static void *t_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return refuse() ? NULL : realloc(p, n);
}

static void t_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static const sc_allocator counting = {t_malloc, t_realloc, t_free, NULL};

/*
 * For k = 0, 1, ...: the kth allocation after sc_begin() fails, among
 * 40 queued inserts and a commit, on one connection, until a run meets
 * no failure.  Every call returns SC_OK or SC_NOMEM, and the rows stored
 * are exactly those whose insert returned SC_OK (when the commit did):
 * no row is lost or written silently.
 */
START_TEST(test_nomem_loses_nothing)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    rt_pair_query *q;
    bool stored[40];
    rt_pair p;
    int64_t gone, want;
    long k;
    int i, rc, failures = 1, total = 0;

    sc_close(db); /* the allocator changes only with no connection open */
    o.allocator = &counting;
    ck_assert_int_eq(sc_open_with(testdb_url(), &o, &db), SC_OK);
    ck_assert_int_eq(rt_create_all(db), SC_OK);
    for (k = 0; failures > 0; k++) {
        failures = 0;
        ck_assert_int_eq(sc_begin(db), SC_OK);
        alloc_left = k;
        for (i = 0; i < 40; i++) {
            p = pair_of(i, "m");
            rc = rt_pair_insert(db, &p);
            ck_assert_msg(rc == SC_OK || rc == SC_NOMEM, "%d: %s", rc,
                          sc_errmsg(db));
            failures += rc == SC_NOMEM;
            stored[i] = rc == SC_OK;
        }
        rc = sc_commit(db);
        failures += rc == SC_NOMEM;
        alloc_left = -1;
        ck_assert_msg(rc == SC_OK || rc == SC_NOMEM, "%s", sc_errmsg(db));
        if (rc != SC_OK && sc_txn_depth(db) > 0)
            ck_assert_int_eq(sc_rollback(db), SC_OK);
        for (i = 0, want = 0; rc == SC_OK && i < 40; i++)
            want += stored[i];
        q = rt_pair_select(db);
        ck_assert_int_eq(rt_pair_delete_all(q, &gone), SC_OK);
        rt_pair_query_free(q);
        ck_assert_int_eq(gone, want);
        total += failures;
    }
    ck_assert_int_gt(total, 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("queue");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_writes_in_order);
    tcase_add_test(tc, test_values_copied);
    tcase_add_test(tc, test_notfound_at_flush);
    tcase_add_test(tc, test_unique_at_commit);
    tcase_add_test(tc, test_unique_in_chunks);
    tcase_add_test(tc, test_savepoints);
    tcase_add_test(tc, test_batches_between);
    tcase_add_test(tc, test_generated_key_at_once);
    tcase_add_test(tc, test_too_long_at_call);
    tcase_add_test(tc, test_pipeline_off);
    tcase_add_test(tc, test_stream_row_function);
    tcase_add_test(tc, test_restart_mid_queue);
    tcase_add_test(tc, test_pool_release);
    tcase_add_test(tc, test_nomem_loses_nothing);
    suite_add_tcase(s, tc);
    return s;
}
