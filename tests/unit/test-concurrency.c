/*
 * test-concurrency.c - several processes, each with several threads and
 * a connection per thread, write one database at once for a bounded
 * time; then every row a writer saw committed is there, and no other,
 * and the file is sound.  The same sources run on a SQLite file (WAL, the
 * busy timeout of sc_open()) and on PostgreSQL (SCHEMAC_TEST_URL, see
 * testdb.h).
 *
 * A writer cycles through three kinds of transaction:
 *   - sc_row_insert_many() of a few rows, which takes the write lock at
 *     its start and waits for it up to the busy timeout;
 *   - sc_row_insert() alone, in SQLite's autocommit, which waits too;
 *   - sc_begin(), a read (a count), an insert and an update of a shared
 *     counter, sc_commit(): on SQLite the deferred transaction must take
 *     the write lock after its read, and when another connection wrote in
 *     between it gets SC_BUSY at once, as schemac.h documents: it rolls
 *     back and retries;
 *   - the same begun with sc_begin_write(), which waits for the lock
 *     first and never gets SC_BUSY.
 * Elsewhere SC_BUSY is allowed only after the busy timeout ran out (an
 * overloaded machine), with a message that says so; such a transaction
 * is not counted as committed.  Each process writes what its
 * writers committed to a file; the parent compares the union with the
 * table, and the counter with the number of counter transactions.
 *
 * Two smaller tests pin the documented rules down one at a time: a
 * deferred transaction overtaken by a write gets SC_BUSY without waiting
 * and succeeds when retried, one begun with sc_begin_write() makes the
 * other writer wait instead, and a writer waiting for the lock of
 * another gets it when that one commits (SQLite); and processes opening a
 * new database file together all succeed.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash_db.h"
#include "schemac.h"
#include "testdb.h"

#define PROCESSES 3
#define THREADS   3
#define WRITERS   (PROCESSES * THREADS)
#define RUN_MS    3000   /* how long the writers write */
#define BATCH     5      /* rows of one insert_many */
#define KEY_SPAN  INT64_C(100000000) /* book keys of one writer */
#define MAX_RETRY 10000  /* attempts of one transaction */

static char *url;
static char logdir[64];

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---------------------------------------------------------------------
 * The writers.
 * ------------------------------------------------------------------- */

/* What one writer did. */
typedef struct tally {
    unsigned batches;      /* insert_many transactions committed */
    unsigned singles;      /* autocommit inserts */
    unsigned counted;      /* read-then-write transactions committed */
    unsigned immediate;    /* of which begun with sc_begin_write() */
    unsigned busy_retries; /* SC_BUSY in those, rolled back and retried */
    unsigned busy_timeouts; /* SC_BUSY after the busy timeout ran out */
    unsigned max_attempts; /* most attempts one transaction needed */
    double slowest_ms;     /* the longest transaction, retries included */
    double longest_wait_ms; /* the longest of those that wait for the lock */
} tally;

typedef struct writer {
    int id; /* 1..WRITERS, also its author's key */
    double until;
    int64_t next; /* the next book key */
    int64_t *keys; /* the keys committed */
    size_t nkeys, cap;
    tally t;
    char error[300];
} writer;

static bool keep(writer *w, int64_t key)
{
    if (w->nkeys == w->cap) {
        int64_t *k = realloc(w->keys, (w->cap ? 2 * w->cap : 1024) *
                                          sizeof *k);
        if (k == NULL)
            return false;
        w->keys = k;
        w->cap = w->cap ? 2 * w->cap : 1024;
    }
    w->keys[w->nkeys++] = key;
    return true;
}

static void writer_fail(writer *w, sc_db *db, const char *what, int rc)
{
    snprintf(w->error, sizeof w->error, "writer %d: %s: %s (%d)", w->id,
             what, db != NULL ? sc_errmsg(db) : "", rc);
}

static crash_book book_of(writer *w, const char *title)
{
    crash_book b = CRASH_BOOK_INIT;

    b.id = w->id * KEY_SPAN + w->next++;
    b.author_id = w->id;
    b.title = title;
    return b;
}

/* Notes how long a transaction that waits for the lock took. */
static void waited(writer *w, double t0)
{
    double ms = now_ms() - t0;

    if (ms > w->t.longest_wait_ms)
        w->t.longest_wait_ms = ms;
}

/* SC_BUSY where the connection waits for the lock: allowed only once the
 * busy timeout (5 s) has run out, and worded so. */
static void busy_after_wait(writer *w, sc_db *db, double t0)
{
    double ms = now_ms() - t0;

    if (ms < 4900)
        snprintf(w->error, sizeof w->error, "writer %d: SC_BUSY after "
                 "%.0f ms, before the busy timeout: %s", w->id, ms,
                 sc_errmsg(db));
    else if (strstr(sc_errmsg(db), "busy timeout") == NULL)
        writer_fail(w, db, "SC_BUSY without its reason", SC_BUSY);
    w->t.busy_timeouts++;
}

/* An insert_many: waits for the lock, never SC_BUSY. */
static void write_batch(writer *w, sc_db *db)
{
    crash_book rows[BATCH];
    int i, rc;

    double t0 = now_ms();

    for (i = 0; i < BATCH; i++)
        rows[i] = book_of(w, "batch");
    rc = crash_book_insert_many(db, rows, BATCH);
    waited(w, t0);
    if (rc == SC_BUSY)
        busy_after_wait(w, db, t0);
    else if (rc != SC_OK)
        writer_fail(w, db, "insert_many", rc);
    for (i = 0; rc == SC_OK && i < BATCH; i++)
        if (!keep(w, rows[i].id))
            writer_fail(w, NULL, "out of memory", SC_NOMEM);
    w->t.batches += rc == SC_OK;
}

/* An autocommit insert: waits for the lock, never SC_BUSY. */
static void write_single(writer *w, sc_db *db)
{
    crash_book row = book_of(w, "single");
    double t0 = now_ms();
    int rc = crash_book_insert(db, &row);

    waited(w, t0);
    if (rc == SC_BUSY)
        busy_after_wait(w, db, t0);
    else if (rc != SC_OK)
        writer_fail(w, db, "insert", rc);
    else if (!keep(w, row.id))
        writer_fail(w, NULL, "out of memory", SC_NOMEM);
    w->t.singles += rc == SC_OK;
}

/* The body of the read-then-write transaction. */
static int counted_body(writer *w, sc_db *db, crash_book *row)
{
    crash_book_query *q = crash_book_select(db);
    int64_t n = 0;
    int rc;

    if (q == NULL)
        return SC_NOMEM;
    crash_book_where(q, AUTHOR_ID, EQ, w->id);
    rc = crash_book_count(q, &n);
    crash_book_query_free(q);
    if (rc == SC_OK && (size_t)n != w->nkeys) {
        snprintf(w->error, sizeof w->error, "writer %d reads %lld of its "
                 "rows, committed %zu", w->id, (long long)n, w->nkeys);
        return SC_ERROR;
    }
    if (rc == SC_OK)
        rc = crash_book_insert(db, row);
    if (rc == SC_OK)
        rc = sc_exec(db, "UPDATE counter SET n = n + 1 WHERE id = 1");
    return rc;
}

/*
 * A transaction that reads, then writes.  Begun with sc_begin() (deferred)
 * it may get SC_BUSY, which is rolled back and retried after a short
 * pause, as schemac.h says; begun with sc_begin_write() it never may.
 */
static void write_counted(writer *w, sc_db *db, bool deferred)
{
    crash_book row = book_of(w, "counted");
    double t0 = now_ms();
    unsigned attempt;
    int rc = SC_BUSY;

    for (attempt = 1; attempt <= MAX_RETRY && rc == SC_BUSY; attempt++) {
        double t1 = now_ms();

        rc = deferred ? sc_begin(db) : sc_begin_write(db);
        if (rc == SC_OK)
            rc = counted_body(w, db, &row);
        if (rc == SC_OK)
            rc = sc_commit(db);
        if (rc == SC_OK)
            break;
        if (sc_txn_depth(db) > 0)
            sc_rollback(db);
        if (rc == SC_BUSY && !deferred)
            busy_after_wait(w, db, t1);
        if (w->error[0] != '\0')
            return;
        if (rc == SC_BUSY && deferred) {
            w->t.busy_retries++;
            nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
        }
    }
    if (rc != SC_OK) {
        if (w->error[0] == '\0')
            writer_fail(w, db, "read-then-write transaction", rc);
        return;
    }
    if (!keep(w, row.id))
        writer_fail(w, NULL, "out of memory", SC_NOMEM);
    w->t.counted++;
    w->t.immediate += !deferred;
    if (!deferred)
        waited(w, t0);
    if (attempt > w->t.max_attempts)
        w->t.max_attempts = attempt;
    if (deferred && now_ms() - t0 > w->t.slowest_ms)
        w->t.slowest_ms = now_ms() - t0;
}

static void *write_loop(void *arg)
{
    writer *w = arg;
    sc_db *db = NULL;
    unsigned i;
    int rc = sc_open(url, &db);

    if (rc != SC_OK) {
        writer_fail(w, db, "open", rc);
        sc_close(db);
        return NULL;
    }
    for (i = 0; now_ms() < w->until && w->error[0] == '\0'; i++) {
        if (i % 4 == 0)
            write_batch(w, db);
        else if (i % 4 == 1)
            write_single(w, db);
        else
            write_counted(w, db, i % 4 == 2);
        /* a moment's work between transactions, as a real writer has */
        nanosleep(&(struct timespec){.tv_nsec = 500000}, NULL);
    }
    sc_close(db);
    return NULL;
}

/* The log of one process: per writer, its tally, its error, then the
 * count and the keys it committed. */
static bool write_log(int proc, writer *ws, int n)
{
    char path[128];
    FILE *f;
    bool ok = true;
    int i;

    snprintf(path, sizeof path, "%s/proc-%d", logdir, proc);
    f = fopen(path, "wb");
    if (f == NULL)
        return false;
    for (i = 0; i < n && ok; i++) {
        writer *w = &ws[i];

        ok = fwrite(&w->t, sizeof w->t, 1, f) == 1 &&
             fwrite(w->error, sizeof w->error, 1, f) == 1 &&
             fwrite(&w->nkeys, sizeof w->nkeys, 1, f) == 1 &&
             fwrite(w->keys, sizeof *w->keys, w->nkeys, f) == w->nkeys;
    }
    return fclose(f) == 0 && ok;
}

/* A process of THREADS writers. */
static void run_process(int proc, double until)
{
    writer ws[THREADS];
    pthread_t th[THREADS];
    int i;

    memset(ws, 0, sizeof ws);
    for (i = 0; i < THREADS; i++) {
        ws[i].id = proc * THREADS + i + 1;
        ws[i].until = until;
        if (pthread_create(&th[i], NULL, write_loop, &ws[i]) != 0)
            _exit(2);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    if (!write_log(proc, ws, THREADS))
        _exit(3);
    for (i = 0; i < THREADS; i++)
        free(ws[i].keys);
    _exit(0);
}

/* ---------------------------------------------------------------------
 * The checks.
 * ------------------------------------------------------------------- */

static sc_db *open_db(void)
{
    sc_db *db = NULL;
    int rc = sc_open(url, &db);

    ck_assert_msg(rc == SC_OK, "cannot open %s: %s", url, sc_errmsg(db));
    return db;
}

static void exec_ok(sc_db *db, const char *sql)
{
    ck_assert_msg(sc_exec(db, sql) == SC_OK, "%s: %s", sql, sc_errmsg(db));
}

/* The keys of the rows of a query, in a growing array. */
typedef struct keys {
    int64_t *v;
    size_t n, cap;
} keys;

static void keys_add(keys *k, int64_t v)
{
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 1024;
        k->v = realloc(k->v, k->cap * sizeof *k->v);
        if (k->v == NULL)
            abort();
    }
    k->v[k->n++] = v;
}

static int add_key(void *ctx, int ncols, const char *const *texts)
{
    (void)ncols;
    keys_add(ctx, texts[0] != NULL ? strtoll(texts[0], NULL, 10) : -1);
    return 0;
}

static keys query_keys(sc_db *db, const char *sql)
{
    keys k = {0};

    ck_assert_msg(sc_query_sql_each(db, sql, add_key, &k) == SC_OK,
                  "%s: %s", sql, sc_errmsg(db));
    return k;
}

static int cmp_key(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Reads the log of process proc: adds the keys to all, the tallies to
 * sum. */
static void read_log(int proc, keys *all, tally *sum)
{
    char path[128], error[300];
    tally t;
    size_t n, j;
    int64_t key;
    FILE *f;
    int i;

    snprintf(path, sizeof path, "%s/proc-%d", logdir, proc);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "no log from process %d", proc);
    for (i = 0; i < THREADS; i++) {
        ck_assert(fread(&t, sizeof t, 1, f) == 1);
        ck_assert(fread(error, sizeof error, 1, f) == 1);
        ck_assert(fread(&n, sizeof n, 1, f) == 1);
        ck_assert_msg(error[0] == '\0', "%s", error);
        for (j = 0; j < n; j++) {
            if (fread(&key, sizeof key, 1, f) != 1)
                abort();
            keys_add(all, key);
        }
        sum->batches += t.batches;
        sum->singles += t.singles;
        sum->counted += t.counted;
        sum->immediate += t.immediate;
        sum->busy_retries += t.busy_retries;
        sum->busy_timeouts += t.busy_timeouts;
        if (t.max_attempts > sum->max_attempts)
            sum->max_attempts = t.max_attempts;
        if (t.slowest_ms > sum->slowest_ms)
            sum->slowest_ms = t.slowest_ms;
        if (t.longest_wait_ms > sum->longest_wait_ms)
            sum->longest_wait_ms = t.longest_wait_ms;
    }
    fclose(f);
    remove(path);
}

static bool on_sqlite(void)
{
    return testdb_dialect() == SC_DIALECT_SQLITE;
}

/* SQLite's own checks of the file: integrity and foreign keys. */
static void check_file(sc_db *db)
{
    keys k;

    if (!on_sqlite())
        return;
    k = query_keys(db, "SELECT count(*) FROM pragma_integrity_check "
                       "WHERE integrity_check <> 'ok'");
    ck_assert_msg(k.n == 1 && k.v[0] == 0, "integrity_check failed");
    free(k.v);
    k = query_keys(db, "SELECT count(*) FROM pragma_foreign_key_check");
    ck_assert_msg(k.n == 1 && k.v[0] == 0, "foreign_key_check failed");
    free(k.v);
}

/* Creates the tables, one author per writer and the counter. */
static void prepare_db(void)
{
    crash_author a[WRITERS];
    char names[WRITERS][16];
    sc_db *db;
    int i;

    if (!on_sqlite())
        sc_close(testdb_open()); /* empties the database */
    db = open_db();
    ck_assert_int_eq(crash_create_all(db), SC_OK);
    exec_ok(db, "CREATE TABLE counter (id integer PRIMARY KEY, "
                "n bigint NOT NULL)");
    exec_ok(db, "INSERT INTO counter VALUES (1, 0)");
    for (i = 0; i < WRITERS; i++) {
        snprintf(names[i], sizeof names[i], "writer %d", i + 1);
        a[i] = (crash_author){.id = i + 1, .name = names[i]};
    }
    ck_assert_int_eq(crash_author_insert_many(db, a, WRITERS), SC_OK);
    sc_close(db);
}

START_TEST(test_writers)
{
    pid_t pids[PROCESSES];
    double t0, until;
    tally sum = {0};
    keys all = {0}, stored;
    size_t i;
    int p, status;
    sc_db *db;

    prepare_db();
    t0 = now_ms();
    until = t0 + RUN_MS;
    for (p = 0; p < PROCESSES; p++) {
        pids[p] = fork();
        ck_assert_int_ge(pids[p], 0);
        if (pids[p] == 0)
            run_process(p, until);
    }
    for (p = 0; p < PROCESSES; p++) {
        ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "process %d ended with status %d", p, status);
    }
    for (p = 0; p < PROCESSES; p++)
        read_log(p, &all, &sum);

    db = open_db();
    stored = query_keys(db, "SELECT id FROM book ORDER BY id");
    qsort(all.v, all.n, sizeof *all.v, cmp_key);
    ck_assert_msg(stored.n == all.n, "%zu rows stored, %zu committed",
                  stored.n, all.n);
    for (i = 0; i < all.n; i++)
        ck_assert_msg(stored.v[i] == all.v[i],
                      "row %zu: %lld stored, %lld committed", i,
                      (long long)stored.v[i], (long long)all.v[i]);
    free(stored.v);
    stored = query_keys(db, "SELECT n FROM counter");
    ck_assert_int_eq(stored.n, 1);
    ck_assert_int_eq(stored.v[0], sum.counted);
    free(stored.v);
    check_file(db);
    sc_close(db);
    printf("concurrency (%s): %d processes x %d threads for %.1f s: "
           "%zu rows committed and found; transactions: %u insert_many, "
           "%u single inserts, %u read-then-write begun with "
           "sc_begin_write() and %u with sc_begin() (SC_BUSY retried %u "
           "times, at most %u attempts for one, the slowest %.0f ms); "
           "the longest wait for the lock %.0f ms, %u busy timeouts\n",
           on_sqlite() ? "sqlite" : "postgresql", PROCESSES, THREADS,
           (now_ms() - t0) / 1e3, all.n, sum.batches, sum.singles,
           sum.immediate, sum.counted - sum.immediate, sum.busy_retries,
           sum.max_attempts, sum.slowest_ms, sum.longest_wait_ms,
           sum.busy_timeouts);
    fflush(stdout);
    free(all.v);
}
END_TEST

/* ---------------------------------------------------------------------
 * The rules one at a time.
 * ------------------------------------------------------------------- */

/* Commits db after a while, from another thread. */
static void *commit_later(void *arg)
{
    sc_db *db = arg;

    nanosleep(&(struct timespec){.tv_nsec = 300000000}, NULL);
    return (void *)(intptr_t)sc_commit(db);
}

/* Inserts book 5 from another thread: it waits for the lock. */
static void *insert_later(void *arg)
{
    crash_book b = {.id = 5, .author_id = 2, .title = "five"};

    return (void *)(intptr_t)crash_book_insert(arg, &b);
}

/* Updates author 1 on the connection, after author 2 in main. */
static void *update_first(void *arg)
{
    int rc = sc_exec(arg, "UPDATE author SET name = 'a' WHERE id = 1");

    return (void *)(intptr_t)rc;
}

/*
 * PostgreSQL: writers wait for each other's row locks, and two that wait
 * for each other are a deadlock, which the server ends by failing one of
 * them: that one gets SC_BUSY, rolls back and runs again, and both
 * transactions end up committed.
 */
static void deadlock_rules(void)
{
    sc_db *a, *b;
    pthread_t th;
    void *res;
    int rc_a, rc_b;

    prepare_db();
    a = open_db();
    b = open_db();
    ck_assert_int_eq(sc_begin_write(a), SC_OK);
    exec_ok(a, "UPDATE author SET name = 'a' WHERE id = 2");
    ck_assert_int_eq(sc_begin_write(b), SC_OK);
    exec_ok(b, "UPDATE author SET name = 'b' WHERE id = 1");
    ck_assert_int_eq(pthread_create(&th, NULL, update_first, a), 0);
    /* b waits for a's row while a waits for b's */
    nanosleep(&(struct timespec){.tv_nsec = 200000000}, NULL);
    rc_b = sc_exec(b, "UPDATE author SET name = 'b' WHERE id = 2");
    if (rc_b != SC_OK) {
        ck_assert_int_eq(rc_b, SC_BUSY);
        /* "deadlock detected", "Deadlock found ..." */
        ck_assert_ptr_nonnull(strstr(sc_errmsg(b), "eadlock"));
        ck_assert_int_eq(sc_rollback(b), SC_OK);
    }
    ck_assert_int_eq(pthread_join(th, &res), 0);
    rc_a = (int)(intptr_t)res;
    ck_assert_msg((rc_a == SC_OK) != (rc_b == SC_OK),
                  "one of the two must lose: %d, %d", rc_a, rc_b);
    if (rc_a != SC_OK) {
        ck_assert_int_eq(rc_a, SC_BUSY);
        ck_assert_ptr_nonnull(strstr(sc_errmsg(a), "deadlock"));
        ck_assert_int_eq(sc_rollback(a), SC_OK);
        ck_assert_int_eq(sc_commit(b), SC_OK);
        /* the retry */
        ck_assert_int_eq(sc_begin_write(a), SC_OK);
        exec_ok(a, "UPDATE author SET name = 'a' WHERE id = 2");
        exec_ok(a, "UPDATE author SET name = 'a' WHERE id = 1");
        ck_assert_int_eq(sc_commit(a), SC_OK);
    } else {
        ck_assert_int_eq(sc_commit(a), SC_OK);
        ck_assert_int_eq(sc_begin_write(b), SC_OK);
        exec_ok(b, "UPDATE author SET name = 'b' WHERE id = 1");
        exec_ok(b, "UPDATE author SET name = 'b' WHERE id = 2");
        ck_assert_int_eq(sc_commit(b), SC_OK);
    }
    sc_close(a);
    sc_close(b);
}

START_TEST(test_busy_rules)
{
    crash_book b1 = {.id = 1, .author_id = 1, .title = "one"};
    crash_book b2 = {.id = 2, .author_id = 1, .title = "two"};
    crash_book b3 = {.id = 3, .author_id = 2, .title = "three"};
    sc_db *reader, *writer;
    pthread_t th;
    int64_t n;
    double t0;
    void *rc;
    crash_book_query *q;

    if (!on_sqlite()) {
        deadlock_rules();
        return;
    }
    prepare_db();
    reader = open_db();
    writer = open_db();

    /* a deferred transaction reads, another connection writes: the
     * reader's write cannot wait for a lock, it gets SC_BUSY at once */
    ck_assert_int_eq(sc_begin(reader), SC_OK);
    q = crash_book_select(reader);
    ck_assert_int_eq(crash_book_count(q, &n), SC_OK);
    ck_assert_int_eq(crash_book_insert(writer, &b1), SC_OK);
    t0 = now_ms();
    ck_assert_int_eq(crash_book_insert(reader, &b2), SC_BUSY);
    ck_assert_double_lt(now_ms() - t0, 1000);
    ck_assert_int_eq(sc_errcode(reader), SC_BUSY);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(reader), "retry"));
    ck_assert_int_eq(sc_rollback(reader), SC_OK);
    /* retried, it sees the other's row and writes */
    ck_assert_int_eq(sc_begin(reader), SC_OK);
    ck_assert_int_eq(crash_book_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(crash_book_insert(reader, &b2), SC_OK);
    ck_assert_int_eq(sc_commit(reader), SC_OK);

    /* begun with sc_begin_write(), the same transaction cannot lose */
    ck_assert_int_eq(sc_begin_write(reader), SC_OK);
    ck_assert_int_eq(crash_book_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 2);
    b1.id = 4;
    t0 = now_ms();
    ck_assert_int_eq(pthread_create(&th, NULL, insert_later, writer), 0);
    nanosleep(&(struct timespec){.tv_nsec = 300000000}, NULL);
    ck_assert_int_eq(crash_book_insert(reader, &b1), SC_OK);
    ck_assert_int_eq(sc_commit(reader), SC_OK);
    ck_assert_int_eq(pthread_join(th, &rc), 0);
    ck_assert_int_eq((int)(intptr_t)rc, SC_OK); /* it waited for us */
    crash_book_query_free(q);

    /* a writer holding the lock: insert_many waits for it and goes on
     * when it is released, well within the busy timeout */
    ck_assert_int_eq(sc_begin(writer), SC_OK);
    ck_assert_int_eq(sc_exec(writer, "UPDATE counter SET n = 1"), SC_OK);
    ck_assert_int_eq(pthread_create(&th, NULL, commit_later, writer), 0);
    t0 = now_ms();
    ck_assert_int_eq(crash_book_insert_many(reader, &b3, 1), SC_OK);
    ck_assert_double_ge(now_ms() - t0, 250);
    ck_assert_int_eq(pthread_join(th, &rc), 0);
    ck_assert_int_eq((int)(intptr_t)rc, SC_OK);
    sc_close(reader);
    sc_close(writer);
}
END_TEST

/* Processes opening a database that holds nothing yet (on SQLite, a file
 * that does not exist) and creating the schema, together. */
START_TEST(test_open_together)
{
    pid_t pids[6];
    int go[2], i, status;
    char c = 'g';

    if (!on_sqlite())
        sc_close(testdb_open()); /* empties the database */
    ck_assert_int_eq(pipe(go), 0);
    for (i = 0; i < 6; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            crash_author a = {.id = i + 1, .name = "opener"};
            sc_db *db = NULL;

            close(go[1]);
            if (read(go[0], &c, 1) != 0)
                _exit(9);
            if (sc_open(url, &db) != SC_OK)
                _exit((fprintf(stderr, "open: %s\n", sc_errmsg(db)), 1));
            if (crash_create_all(db) != SC_OK)
                _exit((fprintf(stderr, "create: %s\n", sc_errmsg(db)), 2));
            if (crash_author_insert(db, &a) != SC_OK)
                _exit((fprintf(stderr, "insert: %s\n", sc_errmsg(db)), 3));
            sc_close(db);
            _exit(0);
        }
    }
    close(go[0]);
    close(go[1]); /* every child's read returns at once */
    for (i = 0; i < 6; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "opener %d: status %d", i, status);
    }
}
END_TEST

static void setup(void)
{
    url = strdup(testdb_shared_url());
    snprintf(logdir, sizeof logdir, "/tmp/sc-concurrency-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(logdir));
}

static void teardown(void)
{
    rmdir(logdir);
    testdb_shared_done();
    free(url);
}

Suite *make_suite(void)
{
    Suite *s = suite_create("concurrency");
    TCase *tc = tcase_create("writers");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_writers);
    tcase_add_test(tc, test_busy_rules);
    tcase_add_test(tc, test_open_together);
    suite_add_tcase(s, tc);
    return s;
}
