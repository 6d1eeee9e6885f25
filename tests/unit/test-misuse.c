/*
 * test-misuse.c - a careless or hostile program must get a clear error
 * and lose nothing: one connection used by two threads at once (refused
 * with SC_MISUSE naming the call, the database intact), a connection
 * given back to a pool twice or to another pool, NULL out-parameters and
 * NULL text keys given to the generated functions, processes opening
 * one new SQLite file together, and the time in sc_trace_stderr()'s
 * echo.  The same sources run on a SQLite file and on PostgreSQL
 * (SCHEMAC_TEST_URL, see testdb.h), against the code generated from
 * tests/data/runtime.schema.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_db.h"
#include "schemac.h"
#include "testdb.h"

/* Bounded loops: enough for two threads to meet many times on two
 * cores, few enough to stay within seconds under valgrind. */
#define HAMMER_ROUNDS 1500

static const char *url;
static sc_db *db;
static sc_arena *arena;

static void setup(void)
{
    sc_db *empty = testdb_open(); /* empties a server's schema */

    sc_close(empty);
    url = testdb_shared_url();
    ck_assert_int_eq(sc_open(url, &db), SC_OK);
    ck_assert_msg(rt_create_all(db) == SC_OK, "%s", sc_errmsg(db));
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
    testdb_shared_done();
}

static int on_text(void *ctx, int n, const char *const *v)
{
    snprintf(ctx, 64, "%s", n > 0 && v[0] ? v[0] : "(null)");
    return 0;
}

static long count_users(sc_db *c)
{
    char text[64] = "";

    ck_assert_msg(sc_query_sql_each(c, "SELECT count(*) FROM \"user\"",
                                    on_text, text) == SC_OK,
                  "%s", sc_errmsg(c));
    return atol(text);
}

/* On SQLite, the file passes its own check of every page and index. */
static void assert_intact(sc_db *c)
{
    char text[64] = "";

    if (sc_db_dialect(c) != SC_DIALECT_SQLITE)
        return;
    ck_assert_int_eq(
        sc_query_sql_each(c, "PRAGMA integrity_check", on_text, text),
        SC_OK);
    ck_assert_str_eq(text, "ok");
}

static rt_user new_user(const char *name, const char *email)
{
    rt_user u = RT_USER_INIT;

    u.user_name = name;
    u.user_email = email;
    return u;
}

/* ---------------------------------------------------------------------
 * One connection, two threads.
 * ------------------------------------------------------------------- */

/* A thread inside rt_user_each() on db, held in its row function until
 * the main thread has tried its own call. */
struct holder {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool inside, tried;
    int rc;
};

static int hold_row(void *ctx, const rt_user *row)
{
    struct holder *h = ctx;

    (void)row;
    pthread_mutex_lock(&h->lock);
    h->inside = true;
    pthread_cond_broadcast(&h->cond);
    while (!h->tried)
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
    return 0;
}

static void *hold_each(void *arg)
{
    struct holder *h = arg;
    rt_user_query *q = rt_user_select(db);

    h->rc = rt_user_each(q, hold_row, h);
    rt_user_query_free(q);
    return NULL;
}

static void count_trace(void *ctx, const sc_trace_event *ev)
{
    (void)ev;
    ++*(int *)ctx;
}

/* While one thread is inside a call, another thread's call is refused
 * at once, naming the call; the first one's call and error state are
 * untouched, and the connection serves the second thread afterwards. */
START_TEST(test_second_thread_refused)
{
    struct holder h = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                       false, false, -1};
    rt_user u = new_user("ann", "ann@x"), got;
    uint64_t executions;
    int traced = 0;
    sc_stats st;
    pthread_t t;
    int rc;

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    ck_assert_int_eq(pthread_create(&t, NULL, hold_each, &h), 0);
    pthread_mutex_lock(&h.lock);
    while (!h.inside)
        pthread_cond_wait(&h.cond, &h.lock);
    pthread_mutex_unlock(&h.lock);

    rc = rt_user_get(db, arena, u.user_id, &got);
    ck_assert_int_eq(rc, SC_MISUSE);
    ck_assert_int_eq(sc_errcode(db), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "sc_row_get: another "
                                                "thread is inside a call"));
    ck_assert_int_eq(sc_exec(db, "SELECT 1"), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "sc_exec: "));
    ck_assert_int_eq(sc_begin(db), SC_MISUSE);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    /* neither is done under the thread inside: the hook stays off and
     * the connection open */
    sc_trace(db, count_trace, &traced);
    sc_close(db);

    pthread_mutex_lock(&h.lock);
    h.tried = true;
    pthread_cond_broadcast(&h.cond);
    pthread_mutex_unlock(&h.lock);
    pthread_join(t, NULL);
    ck_assert_int_eq(h.rc, SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &st), SC_OK);
    executions = st.executions;

    /* the connection is free again: this thread's calls run, and its
     * refusal is forgotten */
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, &got), SC_OK);
    ck_assert_int_eq(sc_errcode(db), SC_OK);
    ck_assert_str_eq(got.user_name, "ann");
    ck_assert_int_eq(sc_db_stats(db, &st), SC_OK);
    ck_assert_uint_eq(st.executions, executions + 1); /* the get's */
    ck_assert_int_eq(traced, 0);
}
END_TEST

/* A row function calling back into its own connection, on its own
 * thread, is not misuse. */
static int nested_row(void *ctx, const rt_user *row)
{
    rt_user got;
    int *rc = ctx;

    *rc = rt_user_get(db, arena, row->user_id, &got);
    return 0;
}

START_TEST(test_same_thread_nested)
{
    rt_user u = new_user("bo", "bo@x");
    rt_user_query *q;
    int inner = -1;

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    q = rt_user_select(db);
    ck_assert_int_eq(rt_user_each(q, nested_row, &inner), SC_OK);
    rt_user_query_free(q);
    ck_assert_int_eq(inner, SC_OK);
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, &u), SC_OK);
}
END_TEST

struct hammer {
    int who;
    pthread_barrier_t *start;
    long inserted, ok, refused, other;
    char other_msg[256];
};

/* Counts the outcome of one call of a hammering thread. */
static void tally(struct hammer *w, int rc)
{
    if (rc == SC_OK)
        w->ok++;
    else if (rc == SC_MISUSE &&
             strstr(sc_errmsg(db), "another thread") != NULL)
        w->refused++;
    else if (w->other++ == 0)
        snprintf(w->other_msg, sizeof w->other_msg, "%d: %s", rc,
                 sc_errmsg(db));
}

/* Inserts, reads and counts on the shared connection as fast as it
 * can; every call either runs alone or is refused. */
static void *hammer(void *arg)
{
    struct hammer *w = arg;
    sc_arena *a = sc_arena_new();
    char name[32], email[32];
    rt_user u, got;
    rt_user_query *q;
    int64_t n;
    int i, rc;

    pthread_barrier_wait(w->start);
    for (i = 0; i < HAMMER_ROUNDS; i++) {
        snprintf(name, sizeof name, "t%d-%d", w->who, i);
        snprintf(email, sizeof email, "t%d-%d@x", w->who, i);
        u = new_user(name, email);
        rc = rt_user_insert(db, &u);
        tally(w, rc);
        if (rc != SC_OK)
            continue;
        w->inserted++;
        tally(w, rt_user_get(db, a, u.user_id, &got));
        q = rt_user_select(db);
        tally(w, rt_user_count(q, &n));
        rt_user_query_free(q);
        sc_arena_reset(a);
    }
    sc_arena_free(a);
    return NULL;
}

/* Two threads hammering one connection: some calls are refused, none
 * fails otherwise, every insert that succeeded is there, and the SQLite
 * file is intact. */
START_TEST(test_two_threads_hammer)
{
    pthread_barrier_t start;
    struct hammer w[2];
    pthread_t t[2];
    sc_db *check;
    int i;

    pthread_barrier_init(&start, NULL, 2);
    for (i = 0; i < 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].who = i;
        w[i].start = &start;
        ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    }
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    for (i = 0; i < 2; i++)
        ck_assert_msg(w[i].other == 0, "thread %d: %ld other failures, %s",
                      i, w[i].other, w[i].other_msg);
    ck_assert_msg(w[0].refused + w[1].refused > 0,
                  "the threads never met (ok %ld + %ld)", w[0].ok, w[1].ok);
    ck_assert_int_eq(sc_txn_depth(db), 0);

    ck_assert_int_eq(sc_open(url, &check), SC_OK);
    ck_assert_int_eq(count_users(check), w[0].inserted + w[1].inserted);
    assert_intact(check);
    sc_close(check);
    assert_intact(db);
}
END_TEST

/* ---------------------------------------------------------------------
 * Pools.
 * ------------------------------------------------------------------- */

/* A connection given back twice is kept once: two acquires never hand
 * one connection out twice. */
START_TEST(test_pool_release_twice)
{
    sc_pool *p = NULL;
    sc_db *a, *b;
    int idle = -1;

    ck_assert_int_eq(sc_pool_new(url, 2, &p), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &a), SC_OK);
    sc_pool_release(p, a);
    sc_pool_release(p, a);
    sc_pool_release(p, a);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 1);
    ck_assert_int_eq(idle, 1);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &a), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &b), SC_OK);
    ck_assert_ptr_ne(a, b);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 2);
    ck_assert_int_eq(idle, 0);
    sc_pool_release(p, a);
    sc_pool_release(p, b);
    sc_pool_release(p, b);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 2);
    ck_assert_int_eq(idle, 2);
    sc_pool_free(p);
}
END_TEST

/* A connection given to a pool that did not hand it out, or one opened
 * with sc_open(), is ignored: neither pool changes, and the connection
 * stays its owner's. */
START_TEST(test_pool_release_foreign)
{
    sc_pool *p = NULL, *q = NULL;
    sc_db *a;
    int idle = -1;

    ck_assert_int_eq(sc_pool_new(url, 1, &p), SC_OK);
    ck_assert_int_eq(sc_pool_new(url, 1, &q), SC_OK);
    ck_assert_int_eq(sc_pool_acquire(p, 0, &a), SC_OK);
    sc_pool_release(q, a);
    sc_pool_release(q, db);
    sc_pool_release(p, db);
    ck_assert_int_eq(sc_pool_open_count(q, &idle), 0);
    ck_assert_int_eq(idle, 0);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 1);
    ck_assert_int_eq(idle, 0);
    ck_assert_int_eq(sc_exec(a, "SELECT 1"), SC_OK);
    ck_assert_int_eq(sc_exec(db, "SELECT 1"), SC_OK);
    sc_pool_release(p, a);
    ck_assert_int_eq(sc_pool_open_count(p, &idle), 1);
    ck_assert_int_eq(idle, 1);
    sc_pool_free(q);
    sc_pool_free(p);
}
END_TEST

/* ---------------------------------------------------------------------
 * NULL where the generated functions write or key.
 * ------------------------------------------------------------------- */

START_TEST(test_null_out_parameters)
{
    rt_user u = new_user("cy", "cy@x");
    rt_user_query *q;
    rt_order_list orders[1];

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    q = rt_user_select(db);
    ck_assert_int_eq(rt_user_all(q, arena, NULL), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "NULL"));
    ck_assert_int_eq(rt_user_each(q, NULL, NULL), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "row function"));
    ck_assert_int_eq(rt_user_first(q, arena, NULL), SC_MISUSE);
    ck_assert_int_eq(rt_user_count(q, NULL), SC_MISUSE);
    ck_assert_int_eq(rt_user_exists(q, NULL), SC_MISUSE);
    rt_user_query_free(q);
    ck_assert_int_eq(rt_user_get_order(db, arena, &u, NULL), SC_MISUSE);
    ck_assert_int_eq(rt_user_get_order(db, NULL, &u, orders), SC_MISUSE);
    ck_assert_int_eq(rt_user_load_order(db, arena, &u, 1, NULL), SC_MISUSE);
    ck_assert_int_eq(rt_user_load_order(db, NULL, &u, 1, orders),
                     SC_MISUSE);
    ck_assert_ptr_null(orders[0].items);
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, NULL), SC_MISUSE);
    /* the connection is fine afterwards */
    ck_assert_int_eq(rt_user_get_order(db, arena, &u, orders), SC_OK);
    ck_assert_uint_eq(orders[0].len, 0);
}
END_TEST

START_TEST(test_null_text_key)
{
    rt_pair p = {.a = 1, .b = "b", .score = 1, .kind = RT_LEVEL_BEGINNER};
    rt_pair got;

    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, NULL, &got), SC_MISUSE);
    ck_assert_str_eq(sc_errmsg(db), "the key pair.b is NULL");
    ck_assert_str_eq(sc_errtable(db), "pair");
    ck_assert_str_eq(sc_errcolumn(db), "b");
    ck_assert_int_eq(rt_pair_delete(db, 1, NULL), SC_MISUSE);
    p.b = NULL;
    ck_assert_int_eq(rt_pair_update(db, &p), SC_MISUSE);
    ck_assert_int_eq(rt_pair_delete_many(db, &p, 1), SC_MISUSE);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "b", &got), SC_OK);
}
END_TEST

/* ---------------------------------------------------------------------
 * Too many savepoints.
 * ------------------------------------------------------------------- */

#define SAVEPOINTS 20000

/* A savepoint per row, 20000 deep: PostgreSQL runs out of its lock
 * table, which is the server's error (SC_ERROR, its message and hint),
 * not SC_NOMEM, and the next statement is refused as one of an aborted
 * transaction.  SQLite takes them (a thousand here: each level of a
 * file database costs it more than the last), and MariaDB all 20000.
 * Either way everything
 * rolls back and the connection goes on. */
START_TEST(test_many_savepoints)
{
    int n = testdb_dialect() == SC_DIALECT_SQLITE ? 1000 : SAVEPOINTS;
    int i, rc = SC_OK;
    char name[32], text[64];
    rt_user u;

    for (i = 0; i < n && rc == SC_OK; i++) {
        rc = sc_begin(db);
        snprintf(name, sizeof name, "s%d", i);
        u = new_user(name, name);
        if (rc == SC_OK)
            rc = rt_user_insert(db, &u);
    }
    if (sc_db_dialect(db) != SC_DIALECT_POSTGRESQL) {
        ck_assert_msg(rc == SC_OK, "%d: %s", rc, sc_errmsg(db));
    } else {
        ck_assert_msg(rc == SC_ERROR, "%d: %s", rc, sc_errmsg(db));
        ck_assert_msg(strstr(sc_errmsg(db), "out of shared memory") &&
                          strstr(sc_errmsg(db), "max_locks_per_transaction"),
                      "%s", sc_errmsg(db));
        /* the failure aborted the transaction, and the next statement
         * in it says so (SC_ERROR, not SC_NOMEM) */
        rc = sc_query_sql_each(db, "SELECT count(*) FROM \"user\"", on_text,
                               text);
        ck_assert_msg(rc == SC_ERROR && strstr(sc_errmsg(db), "aborted"),
                      "%d: %s", rc, sc_errmsg(db));
    }
    while (sc_txn_depth(db) > 0)
        ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(count_users(db), 0);
    u = new_user("after", "after@x");
    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
}
END_TEST

/* ---------------------------------------------------------------------
 * A big batch in bounded memory.
 * ------------------------------------------------------------------- */

#define BIG_BATCH 200000

/* The peak resident size of this process so far, in kB (VmHWM). */
static long peak_kb(void)
{
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = atol(line + 6);
    fclose(f);
    return kb;
}

/* insert_many streams its rows to PostgreSQL in bounded chunks: the
 * peak memory of 200 000 rows grows by a few MB, not by the 36 MB that
 * a batch held whole in libpq's buffers took.  (SQLite runs a batch one
 * row at a time, in no buffer.) */
START_TEST(test_big_batch_bounded)
{
    rt_user *rows = calloc(BIG_BATCH, sizeof *rows);
    char (*names)[16] = calloc(BIG_BATCH, sizeof *names);
    long before, after;
    int i;

    ck_assert_ptr_nonnull(rows);
    ck_assert_ptr_nonnull(names);
    for (i = 0; i < BIG_BATCH; i++) {
        snprintf(names[i], sizeof names[i], "n%d", i);
        rows[i] = new_user(names[i], names[i]);
    }
    before = peak_kb();
    ck_assert_msg(rt_user_insert_many(db, rows, BIG_BATCH) == SC_OK, "%s",
                  sc_errmsg(db));
    after = peak_kb();
    ck_assert_int_eq(rows[BIG_BATCH - 1].user_id, BIG_BATCH);
    ck_assert_int_eq(count_users(db), BIG_BATCH);
    fprintf(stderr, "insert_many of %d rows: peak %ld kB -> %ld kB\n",
            BIG_BATCH, before, after);
    if (TESTDB_MEMORY_MEANINGFUL && before > 0)
        ck_assert_msg(after - before < 8 * 1024,
                      "peak grew by %ld kB", after - before);
    free(rows);
    free(names);
}
END_TEST

/* ---------------------------------------------------------------------
 * Opening, and the trace.
 * ------------------------------------------------------------------- */

#define OPENERS 12
#define OPEN_ROUNDS 6

/* Forks OPENERS processes that open the new file at fileurl at the same
 * moment and create a table in it; returns how many failed. */
static int race_to_open(const char *fileurl)
{
    int go[2], i, status, failed = 0;
    pid_t kids[OPENERS];

    ck_assert_int_eq(pipe(go), 0);
    for (i = 0; i < OPENERS; i++) {
        kids[i] = fork();
        ck_assert_int_ge(kids[i], 0);
        if (kids[i] == 0) {
            sc_db *c = NULL;
            char byte;
            int rc;

            close(go[1]);
            if (read(go[0], &byte, 1) != 0)
                _exit(3);
            rc = sc_open(fileurl, &c);
            if (rc == SC_OK)
                rc = sc_exec(c, "CREATE TABLE IF NOT EXISTS t (x integer)");
            if (rc != SC_OK)
                fprintf(stderr, "opener %d: %d %s\n", i, rc, sc_errmsg(c));
            sc_close(c);
            _exit(rc == SC_OK ? 0 : 1);
        }
    }
    close(go[0]);
    close(go[1]); /* every child reads end of file at once */
    for (i = 0; i < OPENERS; i++) {
        ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    return failed;
}

/* Processes opening one new SQLite file at the same moment all get it:
 * setting WAL mode waits for the others as every lock does.  (Without
 * that, about every other round had one fail with "database is
 * locked".) */
START_TEST(test_processes_open_new_file)
{
    static const char *const companions[] = {"", "-wal", "-shm"};
    char path[160], fileurl[200], file[180];
    int round, i, failed = 0;

    if (testdb_dialect() != SC_DIALECT_SQLITE)
        return; /* a server has no file to make */
    for (round = 0; round < OPEN_ROUNDS; round++) {
        snprintf(path, sizeof path, "%s-new%d.db", url + strlen("sqlite:"),
                 round);
        snprintf(fileurl, sizeof fileurl, "sqlite:%s", path);
        failed += race_to_open(fileurl);
        for (i = 0; i < 3; i++) {
            snprintf(file, sizeof file, "%s%s", path, companions[i]);
            unlink(file);
        }
    }
    ck_assert_int_eq(failed, 0);
}
END_TEST

/* sc_trace_stderr() prints the statement, its values and its time. */
START_TEST(test_trace_stderr_time)
{
    char text[1024] = "", *line;
    FILE *f = tmpfile();
    int saved = dup(2);
    size_t n;
    double ms = -1;

    ck_assert_ptr_nonnull(f);
    fflush(stderr);
    dup2(fileno(f), 2);
    sc_trace(db, sc_trace_stderr, NULL);
    ck_assert_int_eq(sc_exec(db, "SELECT 1"), SC_OK);
    ck_assert_int_ne(sc_exec(db, "SELECT * FROM no_such_table"), SC_OK);
    sc_trace(db, NULL, NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    ck_assert_msg(strncmp(text, "[sql] SELECT 1\n[sql] ()\n[sql] ", 30) == 0,
                  "%s", text);
    line = text + 30;
    ck_assert_msg(sscanf(line, "%lf ms\n", &ms) == 1 && ms >= 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(line, " ms\n[sql] SELECT * FROM "));
    ck_assert_msg(strstr(line, " ms, failed: error\n") != NULL, "%s", text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("misuse");
    TCase *tc = tcase_create("misuse");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_second_thread_refused);
    tcase_add_test(tc, test_same_thread_nested);
    tcase_add_test(tc, test_two_threads_hammer);
    tcase_add_test(tc, test_pool_release_twice);
    tcase_add_test(tc, test_pool_release_foreign);
    tcase_add_test(tc, test_null_out_parameters);
    tcase_add_test(tc, test_null_text_key);
    tcase_add_test(tc, test_many_savepoints);
    tcase_add_test(tc, test_big_batch_bounded);
    tcase_add_test(tc, test_processes_open_new_file);
    tcase_add_test(tc, test_trace_stderr_time);
    suite_add_tcase(s, tc);
    return s;
}
