/*
 * gen_impl.c - the benchmark workload written the way a user of schemac
 * writes it: with the code generated from bench.schema, through the
 * typed functions only (insert, insert_many, get, update_many,
 * delete_many, update_cols and delete a row at a time, the query
 * builder's like, join, count and each), never SQL
 * text, except for the maintenance statement (ANALYZE) run at the same
 * points by every implementation.
 *
 *     gen_impl run URL N       the whole workload on an empty database
 *     gen_impl runtx URL N     the same, each phase inside one transaction
 *                              (sc_begin ... sc_commit), as an ORM
 *                              session runs it
 *     gen_impl stream URL N    the streaming phase alone, with its peak
 *                              memory, over N users put there by
 *                              hand_sqlite, hand_pg or hand_mariadb
 *                              populate
 *
 * Each phase checks what it got back and the program exits 1 on the
 * first surprise.  Output: see common.h.
 */
#include "bench_db.h"
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sc_db *db;
static bench_data data;
static bench_user *rows;
static bool session; /* runtx: each phase in one transaction */

static void check(int rc, const char *what)
{
    if (rc != SC_OK)
        bench_fail(what, sc_errmsg(db));
}

static void maintain(void)
{
    const char *sql = "ANALYZE";

    if (sc_db_dialect(db) == SC_DIALECT_POSTGRESQL)
        sql = "VACUUM ANALYZE";
    else if (sc_db_dialect(db) == SC_DIALECT_MARIADB)
        sql = "ANALYZE TABLE users, programs, program_enrollments";
    check(sc_exec(db, sql), "analyze");
}

/* The transaction of a phase, in runtx mode; timed with the phase. */
static void session_begin(void)
{
    if (session)
        check(sc_begin(db), "begin");
}

static void session_end(void)
{
    if (session)
        check(sc_commit(db), "commit");
}

/* User i as the program would build it. */
static bench_user user(size_t i)
{
    bench_user u = BENCH_USER_INIT;

    u.user_name = data.names[i];
    u.user_email = data.emails[i];
    u.has_karma = bench_karma(i, &u.karma);
    u.joined_at = bench_joined_at(i);
    u.has_joined_at = true;
    return u;
}

static int64_t count_users(void)
{
    bench_users_query *q = bench_users_select(db);
    int64_t n = -1;

    check(bench_users_count(q, &n), "count users");
    bench_users_query_free(q);
    return n;
}

static void phase_insert(void)
{
    double t0 = bench_now();
    int64_t last = 0;
    bench_user u;
    size_t i;

    check(sc_begin(db), "begin");
    for (i = 0; i < data.n; i++) {
        u = user(i);
        check(bench_users_insert(db, &u), "insert");
        if (u.user_id <= last)
            bench_fail("insert", "keys do not increase");
        last = u.user_id;
    }
    check(sc_commit(db), "commit");
    bench_report("insert", data.n, bench_now() - t0);
}

/* Empties the table between the two insert phases (not timed). */
static void reset_users(void)
{
    bench_users_query *q = bench_users_select(db);
    int64_t gone = 0;

    check(bench_users_delete_all(q, &gone), "delete all");
    bench_users_query_free(q);
    if (gone != (int64_t)data.n)
        bench_fail("reset", "not every user was deleted");
    maintain();
}

static void phase_insert_many(void)
{
    double t0;
    size_t i;

    for (i = 0; i < data.n; i++)
        rows[i] = user(i);
    t0 = bench_now();
    session_begin();
    check(bench_users_insert_many(db, rows, data.n), "insert_many");
    session_end();
    bench_report("insert_many", data.n, bench_now() - t0);
    for (i = 1; i < data.n; i++) {
        if (rows[i].user_id <= rows[i - 1].user_id)
            bench_fail("insert_many", "keys do not increase");
    }
}

/* Programs and two enrollments per user (not timed). */
static void enroll(void)
{
    bench_program p[BENCH_PROGRAMS];
    bench_program_enrollment *e = calloc(2 * data.n, sizeof *e);
    char names[BENCH_PROGRAMS][24];
    int64_t p1, p2;
    size_t i;

    if (e == NULL)
        bench_fail("enroll", "out of memory");
    for (i = 0; i < BENCH_PROGRAMS; i++) {
        snprintf(names[i], sizeof names[i], "program %u", (unsigned)i);
        p[i] = (bench_program)BENCH_PROGRAM_INIT;
        p[i].program_name = names[i];
        p[i].level = (bench_level)(i % 3);
    }
    check(bench_programs_insert_many(db, p, BENCH_PROGRAMS), "programs");
    for (i = 0; i < data.n; i++) {
        bench_enrollments(i, &p1, &p2);
        e[2 * i].program_id = p[p1].program_id;
        e[2 * i].user_id = rows[i].user_id;
        e[2 * i + 1].program_id = p[p2].program_id;
        e[2 * i + 1].user_id = rows[i].user_id;
    }
    check(bench_program_enrollments_insert_many(db, e, 2 * data.n),
          "enrollments");
    free(e);
    maintain();
}

static void check_user(const bench_user *got, size_t i)
{
    int64_t karma;
    bool has = bench_karma(i, &karma);

    if (strcmp(got->user_name, data.names[i]) != 0 ||
        strcmp(got->user_email, data.emails[i]) != 0 ||
        got->has_karma != has || (has && got->karma != karma) ||
        got->joined_at != bench_joined_at(i))
        bench_fail("get", "a user read back differs");
}

static void phase_get(void)
{
    sc_arena *a = sc_arena_new();
    double t0 = bench_now();
    bench_user got;
    size_t k, i;

    session_begin();
    for (k = 0; k < data.n; k++) {
        i = data.get_order[k];
        check(bench_users_get(db, a, rows[i].user_id, &got), "get");
        check_user(&got, i);
        sc_arena_reset(a);
    }
    session_end();
    bench_report("get", data.n, bench_now() - t0);
    sc_arena_free(a);
}

/* The new emails are set in the structs before the clock starts, as the
 * hand-written programs have theirs ready in an array. */
static void phase_update(void)
{
    double t0;
    size_t i;

    for (i = 0; i < data.n; i++)
        rows[i].user_email = data.new_emails[i];
    t0 = bench_now();
    session_begin();
    check(bench_users_update_many(db, rows, data.n, BENCH_USERS_USER_EMAIL),
          "update");
    session_end();
    bench_report("update", data.n, bench_now() - t0);
    maintain();
}

static void phase_like(void)
{
    double t0 = bench_now();
    bench_users_query *q;
    int64_t n;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        q = bench_users_select(db);
        bench_users_where(q, USER_NAME, LIKE, data.prefixes[k]);
        check(bench_users_count(q, &n), "count like");
        bench_users_query_free(q);
        if (n != data.prefix_counts[k])
            bench_fail("count like", "wrong count");
    }
    session_end();
    bench_report("count_like", BENCH_QUERIES, bench_now() - t0);
}

typedef struct stream_state {
    uint64_t sum;
    size_t n;
} stream_state;

static int add_row(void *ctx, const bench_user *u)
{
    stream_state *s = ctx;

    s->sum += bench_row_sum(u->user_id, u->user_name, u->user_email,
                            u->has_karma, u->karma, u->joined_at);
    s->n++;
    return 0;
}

/* Streams every user; ids[i] is the key of user i. */
static void stream(const int64_t *ids, bool report)
{
    stream_state s = {0, 0};
    bench_users_query *q = bench_users_select(db);
    double t0 = bench_now();

    session_begin();
    check(bench_users_each(q, add_row, &s), "each");
    session_end();
    if (report)
        bench_report("stream", data.n, bench_now() - t0);
    bench_users_query_free(q);
    if (s.n != data.n || s.sum != bench_expected_sum(&data, ids))
        bench_fail("stream", "the rows streamed differ");
}

static void phase_stream(void)
{
    int64_t *ids = malloc(data.n * sizeof *ids);
    size_t i;

    if (ids == NULL)
        bench_fail("stream", "out of memory");
    for (i = 0; i < data.n; i++)
        ids[i] = rows[i].user_id;
    stream(ids, true);
    free(ids);
}

static void phase_join(void)
{
    double t0 = bench_now();
    bench_users_query *q;
    bench_program_enrollments_join *e;
    int64_t n, p;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        p = data.join_programs[k];
        q = bench_users_select(db);
        e = bench_users_join_program_enrollments(q);
        bench_program_enrollments_where(e, PROGRAM_ID, EQ, p + 1);
        check(bench_users_count(q, &n), "count join");
        bench_users_query_free(q);
        if (n != data.program_counts[p])
            bench_fail("count join", "wrong count");
    }
    session_end();
    bench_report("count_join", BENCH_QUERIES, bench_now() - t0);
}

static void phase_delete(void)
{
    double t0 = bench_now();

    session_begin();
    check(bench_users_delete_many(db, rows, data.n), "delete");
    session_end();
    bench_report("delete", data.n, bench_now() - t0);
    if (count_users() != 0)
        bench_fail("delete", "users are left");
}

/* update1 and delete1: single-row writes, one call a row, in one
 * transaction in both modes, as a program written a row at a time runs
 * them; on PostgreSQL they wait in the pipeline for the commit. */
static void phase_update1(void)
{
    double t0 = bench_now();
    size_t i;

    check(sc_begin(db), "begin");
    for (i = 0; i < data.n; i++)
        check(bench_users_update_cols(db, &rows[i], BENCH_USERS_USER_EMAIL),
              "update1");
    check(sc_commit(db), "commit");
    bench_report("update1", data.n, bench_now() - t0);
}

static void phase_delete1(void)
{
    double t0;
    size_t i;

    for (i = 0; i < data.n; i++)
        rows[i] = user(i); /* put back, not timed */
    check(bench_users_insert_many(db, rows, data.n), "insert_many");
    maintain();
    t0 = bench_now();
    check(sc_begin(db), "begin");
    for (i = 0; i < data.n; i++)
        check(bench_users_delete(db, rows[i].user_id), "delete1");
    check(sc_commit(db), "commit");
    bench_report("delete1", data.n, bench_now() - t0);
    if (count_users() != 0)
        bench_fail("delete1", "users are left");
}

static void run(void)
{
    rows = calloc(data.n, sizeof *rows);
    if (rows == NULL)
        bench_fail("run", "out of memory");
    check(bench_create_all(db), "create_all");
    phase_insert();
    reset_users();
    phase_insert_many();
    enroll();
    phase_get();
    phase_update();
    phase_like();
    phase_stream();
    phase_join();
    /* The single-row writes only where the hand-written program has them
     * too (PostgreSQL, beside its pipeline): elsewhere they would leave
     * the table rewritten under the delete phase the other side times on
     * a table only the bulk update touched. */
    if (sc_db_dialect(db) == SC_DIALECT_POSTGRESQL)
        phase_update1();
    phase_delete();
    if (sc_db_dialect(db) == SC_DIALECT_POSTGRESQL)
        phase_delete1();
    free(rows);
}

/* The streaming phase alone, over users 0..n-1 with keys 1..n and their
 * new emails, as populate leaves them. */
static void stream_only(void)
{
    int64_t *ids = malloc(data.n * sizeof *ids);
    size_t i;

    if (ids == NULL)
        bench_fail("stream", "out of memory");
    for (i = 0; i < data.n; i++)
        ids[i] = (int64_t)i + 1;
    count_users(); /* the statements and caches of a warm connection */
    bench_mem_start();
    stream(ids, true);
    bench_mem_report();
    free(ids);
}

int main(int argc, char **argv)
{
    long n = argc == 4 ? strtol(argv[3], NULL, 10) : 0;

    if (n <= 0 || (strcmp(argv[1], "run") && strcmp(argv[1], "runtx") &&
                   strcmp(argv[1], "stream"))) {
        fprintf(stderr, "usage: gen_impl run|runtx|stream URL N\n");
        return 2;
    }
    if (sc_open(argv[2], &db) != SC_OK)
        bench_fail("open", db ? sc_errmsg(db) : "out of memory");
    bench_data_init(&data, (size_t)n);
    session = strcmp(argv[1], "runtx") == 0;
    if (strcmp(argv[1], "stream") != 0)
        run();
    else
        stream_only();
    bench_data_free(&data);
    sc_close(db);
    return 0;
}
