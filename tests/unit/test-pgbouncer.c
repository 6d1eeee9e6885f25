/*
 * test-pgbouncer.c - prepare=off through PgBouncer in transaction
 * pooling (tests/scripts/with-pgbouncer.sh: SCHEMAC_TEST_URL is the
 * pooler, two server connections; SCHEMAC_TEST_DIRECT_URL the server).
 * Four threads, each with its own connection, run the generated inserts,
 * gets, updates, counts and streams of runtime.schema, in transactions
 * and out of them, many times over, and every answer is checked; the
 * server then holds exactly the rows they wrote.  With statements
 * prepared under a name (the default) the same work meets server
 * connections that do not hold its statements: every call either
 * answers right or fails with the server's error about the prepared
 * statement, never a wrong answer.  Transactions that hold server
 * connections make one such meeting happen for certain, and show that
 * a statement of the same place in another client's sequence is not
 * run in its stead.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_db.h"
#include "schemac.h"

enum { THREADS = 4, ROUNDS = 60 };

static const char *env_url(const char *name)
{
    const char *url = getenv(name);

    ck_assert_msg(url != NULL && *url != '\0', "%s is not set (run "
                  "through tests/scripts/with-pgbouncer.sh)", name);
    return url;
}

static int on_count(void *ctx, int n, const char *const *v)
{
    *(long *)ctx = n > 0 && v[0] ? atol(v[0]) : -1;
    return 0;
}

static long direct_count(const char *sql)
{
    sc_db *db = NULL;
    long n = -1;

    ck_assert_int_eq(sc_open(env_url("SCHEMAC_TEST_DIRECT_URL"), &db),
                     SC_OK);
    ck_assert_msg(sc_query_sql_each(db, sql, on_count, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    sc_close(db);
    return n;
}

/* Waits until the server has no session but this one's (the terminated
 * ones are gone, and the pooler has seen them go). */
static void wait_for_no_servers(void)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    long n = -1;
    int i;

    for (i = 0; i < 250; i++) {
        n = direct_count("SELECT count(*) FROM pg_stat_activity WHERE "
                         "datname = current_database()");
        if (n == 1)
            break;
        nanosleep(&pause, NULL);
    }
    ck_assert_int_eq(n, 1);
    nanosleep(&pause, NULL);
}

/* An empty schema with the tables of runtime.schema, made directly on
 * the server. */
static void fresh_schema(void)
{
    sc_db *db = NULL;

    ck_assert_int_eq(sc_open(env_url("SCHEMAC_TEST_DIRECT_URL"), &db),
                     SC_OK);
    ck_assert_msg(sc_exec(db, "DROP SCHEMA public CASCADE; "
                              "CREATE SCHEMA public") == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(rt_create_all(db), SC_OK);
    /* the pooler's server connections go, with what was prepared on
     * them: it opens new ones when next needed */
    ck_assert_msg(sc_exec(db, "SELECT pg_terminate_backend(pid) FROM "
                              "pg_stat_activity WHERE pid <> "
                              "pg_backend_pid() AND datname = "
                              "current_database()") == SC_OK,
                  "%s", sc_errmsg(db));
    sc_close(db);
    wait_for_no_servers();
}

typedef struct worker {
    int id;
    bool prepare_off;
    long ok;       /* calls that answered, and answered right */
    long failed;   /* calls that failed */
    long wrong;    /* calls that answered wrong: must stay 0 */
    long foreign;  /* failures not about a prepared statement */
    long committed; /* rounds committed */
    char first_error[512];
    char first_wrong[512];
} worker;

typedef struct streamed {
    const char *prefix;
    long rows;
    long others;
} streamed;

static int on_speaker(void *ctx, const rt_speaker *row)
{
    streamed *s = ctx;

    if (strncmp(row->name, s->prefix, strlen(s->prefix)) == 0)
        s->rows++;
    else
        s->others++;
    return 0;
}

static void note_failure(worker *w, sc_db *db, const char *what, int rc)
{
    const char *msg = sc_errmsg(db);

    w->failed++;
    if (w->first_error[0] == '\0')
        snprintf(w->first_error, sizeof w->first_error, "%s: rc %d: %s",
                 what, rc, msg);
    if (strstr(msg, "prepared statement") == NULL)
        w->foreign++;
}

static void note_wrong(worker *w, const char *what)
{
    w->wrong++;
    if (w->first_wrong[0] == '\0')
        snprintf(w->first_wrong, sizeof w->first_wrong, "%s", what);
}

/* One round: in a transaction, insert a row, read it back, change it and
 * read it again, count this worker's rows; then, outside it, stream them. */
static void round_trip(worker *w, sc_db *db, int round)
{
    rt_speaker row = RT_SPEAKER_INIT, got = RT_SPEAKER_INIT;
    char name[64], renamed[64], prefix[32], what[128];
    sc_arena *a = sc_arena_new();
    rt_speaker_query *q;
    streamed st;
    int64_t n = -1;
    int rc;

    ck_assert_ptr_nonnull(a);
    snprintf(prefix, sizeof prefix, "w%d-", w->id);
    snprintf(name, sizeof name, "w%d-%d", w->id, round);
    snprintf(renamed, sizeof renamed, "w%d-%d-renamed", w->id, round);
    row.name = name;
    row.email = "w@example.org";
    if ((rc = sc_begin(db)) != SC_OK) {
        note_failure(w, db, "begin", rc);
        goto out;
    }
    ck_assert_int_eq(sc_txn_depth(db), 1);
    if ((rc = rt_speaker_insert(db, &row)) != SC_OK) {
        note_failure(w, db, "insert", rc);
        goto rollback;
    }
    w->ok++;
    if ((rc = rt_speaker_get(db, a, row.speaker_id, &got)) != SC_OK) {
        note_failure(w, db, "get", rc);
        goto rollback;
    }
    if (strcmp(got.name, name) != 0 || got.speaker_id != row.speaker_id) {
        snprintf(what, sizeof what, "get %lld: %s, not %s",
                 (long long)row.speaker_id, got.name, name);
        note_wrong(w, what);
    } else {
        w->ok++;
    }
    row.name = renamed;
    if ((rc = rt_speaker_update(db, &row)) != SC_OK) {
        note_failure(w, db, "update", rc);
        goto rollback;
    }
    w->ok++;
    if ((rc = rt_speaker_get(db, a, row.speaker_id, &got)) != SC_OK) {
        note_failure(w, db, "get after update", rc);
        goto rollback;
    }
    if (strcmp(got.name, renamed) != 0) {
        snprintf(what, sizeof what, "get after update: %s, not %s",
                 got.name, renamed);
        note_wrong(w, what);
    } else {
        w->ok++;
    }
    q = rt_speaker_select(db);
    rt_speaker_where(q, NAME, STARTS_WITH, prefix);
    rc = rt_speaker_count(q, &n);
    rt_speaker_query_free(q);
    if (rc != SC_OK) {
        note_failure(w, db, "count", rc);
        goto rollback;
    }
    /* this worker's committed rows and the one of this transaction */
    if (n != w->committed + 1) {
        snprintf(what, sizeof what, "count: %lld, not %ld", (long long)n,
                 w->committed + 1);
        note_wrong(w, what);
        goto rollback;
    }
    if ((rc = sc_commit(db)) != SC_OK) {
        note_failure(w, db, "commit", rc);
        goto rollback;
    }
    w->ok++;
    w->committed++;
    st.prefix = prefix;
    st.rows = 0;
    st.others = 0;
    q = rt_speaker_select(db);
    rt_speaker_where(q, NAME, STARTS_WITH, prefix);
    rc = rt_speaker_each(q, on_speaker, &st);
    rt_speaker_query_free(q);
    if (rc != SC_OK) {
        note_failure(w, db, "each", rc);
    } else if (st.rows != w->committed || st.others != 0) {
        snprintf(what, sizeof what, "each: %ld rows and %ld others, "
                 "not %ld", st.rows, st.others, w->committed);
        note_wrong(w, what);
    }
    goto out;
rollback:
    if (sc_txn_depth(db) > 0)
        sc_rollback(db);
out:
    sc_arena_free(a);
}

static void *work(void *arg)
{
    worker *w = arg;
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    sc_db *db = NULL;
    int i, rc;

    o.prepare = w->prepare_off ? SC_PREPARE_OFF : SC_PREPARE_ON;
    rc = sc_open_with(env_url("SCHEMAC_TEST_URL"), &o, &db);
    if (rc != SC_OK) {
        note_failure(w, db, "open", rc);
        w->foreign++;
        sc_close(db);
        return NULL;
    }
    for (i = 0; i < ROUNDS; i++)
        round_trip(w, db, i);
    sc_close(db);
    return NULL;
}

static void run_workers(worker *w, bool prepare_off)
{
    pthread_t t[THREADS];
    int i;

    for (i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].id = i;
        w[i].prepare_off = prepare_off;
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
}

START_TEST(test_prepare_off_through_pooler)
{
    worker w[THREADS];
    int i;

    fresh_schema();
    run_workers(w, true);
    for (i = 0; i < THREADS; i++) {
        ck_assert_msg(w[i].failed == 0, "worker %d: %s", i,
                      w[i].first_error);
        ck_assert_msg(w[i].wrong == 0, "worker %d: %s", i,
                      w[i].first_wrong);
        ck_assert_int_eq(w[i].ok, 5 * ROUNDS);
        ck_assert_int_eq(w[i].committed, ROUNDS);
    }
    ck_assert_int_eq(direct_count("SELECT count(*) FROM speaker"),
                     THREADS * ROUNDS);
    ck_assert_int_eq(direct_count("SELECT count(*) FROM speaker WHERE "
                                  "name LIKE '%-renamed'"),
                     THREADS * ROUNDS);
}
END_TEST

START_TEST(test_prepared_through_pooler)
{
    worker w[THREADS];
    long failed = 0, ok = 0;
    int i;

    fresh_schema();
    run_workers(w, false);
    for (i = 0; i < THREADS; i++) {
        ck_assert_msg(w[i].wrong == 0, "worker %d: %s", i,
                      w[i].first_wrong);
        ck_assert_msg(w[i].foreign == 0, "worker %d: %s", i,
                      w[i].first_error);
        failed += w[i].failed;
        ok += w[i].ok;
        if (w[i].failed > 0)
            fprintf(stderr, "prepared, worker %d: %ld failed, first: %s\n",
                    i, w[i].failed, w[i].first_error);
    }
    fprintf(stderr, "prepared through the pooler: %ld calls right, %ld "
            "failed\n", ok, failed);
    /* named statements do not survive the change of server connection */
    ck_assert_int_gt(failed, 0);
}
END_TEST

/* A connection to the pooler. */
static sc_db *pooled(bool prepare_off)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    sc_db *db = NULL;

    o.prepare = prepare_off ? SC_PREPARE_OFF : SC_PREPARE_ON;
    ck_assert_int_eq(sc_open_with(env_url("SCHEMAC_TEST_URL"), &o, &db),
                     SC_OK);
    return db;
}

/* A transaction on its own connection that keeps one of the pooler's
 * two server connections while it is open. */
static sc_db *hold_server(void)
{
    sc_db *db = pooled(true);
    long n = -1;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT 1", on_count, &n), SC_OK);
    ck_assert_int_eq(n, 1);
    return db;
}

static void release_server(sc_db *db)
{
    ck_assert_int_eq(sc_commit(db), SC_OK);
    sc_close(db);
}

static int above_count(sc_db *db, int64_t id, int64_t *n)
{
    rt_speaker_query *q = rt_speaker_select(db);
    int rc;

    rt_speaker_where(q, SPEAKER_ID, GT, id);
    rc = rt_speaker_count(q, n);
    rt_speaker_query_free(q);
    return rc;
}

/* The same steps with statements named or not.  While a transaction
 * holds one of the two server connections, "second" deletes row 2 on
 * the other; the transactions then swap connections and "first" counts
 * there, then on the other one, where second's statement was prepared:
 * its first statement, as first's count is first's.  Without names the
 * count is right both times; with them the second count fails as its
 * statement is not there, and never runs second's DELETE (row 1 stays). */
static void choreography(bool prepare_off)
{
    rt_speaker row = RT_SPEAKER_INIT;
    sc_db *direct = NULL, *c1, *c2, *c3, *first, *second;
    int64_t n = -1;
    int rc;

    fresh_schema();
    ck_assert_int_eq(sc_open(env_url("SCHEMAC_TEST_DIRECT_URL"), &direct),
                     SC_OK);
    row.name = "one";
    row.email = "one@example.org";
    ck_assert_int_eq(rt_speaker_insert(direct, &row), SC_OK);
    ck_assert_int_eq(row.speaker_id, 1);
    row.speaker_id = 0;
    ck_assert_int_eq(rt_speaker_insert(direct, &row), SC_OK);
    ck_assert_int_eq(row.speaker_id, 2);
    sc_close(direct);
    first = pooled(prepare_off);
    second = pooled(prepare_off);
    c1 = hold_server();
    ck_assert_msg(rt_speaker_delete(second, 2) == SC_OK, "%s",
                  sc_errmsg(second));
    c2 = hold_server();
    release_server(c1);
    ck_assert_msg(above_count(first, 1, &n) == SC_OK, "%s",
                  sc_errmsg(first));
    ck_assert_int_eq(n, 0);
    c3 = hold_server();
    release_server(c2);
    n = -1;
    rc = above_count(first, 1, &n);
    if (prepare_off) {
        ck_assert_msg(rc == SC_OK, "%s", sc_errmsg(first));
        ck_assert_int_eq(n, 0);
    } else {
        ck_assert_int_eq(rc, SC_ERROR);
        ck_assert_int_eq(n, -1);
        ck_assert_msg(strstr(sc_errmsg(first), "prepared statement \"sc") &&
                          strstr(sc_errmsg(first), "\" does not exist"),
                      "%s", sc_errmsg(first));
    }
    release_server(c3);
    ck_assert_int_eq(direct_count("SELECT count(*) FROM speaker WHERE "
                                  "speaker_id = 1"),
                     1);
    ck_assert_int_eq(direct_count("SELECT count(*) FROM speaker"), 1);
    sc_close(second);
    sc_close(first);
}

START_TEST(test_choreography_prepare_off)
{
    choreography(true);
}
END_TEST

START_TEST(test_choreography_prepared)
{
    choreography(false);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("pgbouncer");
    TCase *tc = tcase_create("pgbouncer");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_prepare_off_through_pooler);
    tcase_add_test(tc, test_prepared_through_pooler);
    tcase_add_test(tc, test_choreography_prepare_off);
    tcase_add_test(tc, test_choreography_prepared);
    suite_add_tcase(s, tc);
    return s;
}
