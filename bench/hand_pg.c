/*
 * hand_pg.c - the benchmark workload written by hand over libpq, the
 * fastest correct way for each phase, as the limit the generated code is
 * measured against on PostgreSQL:
 *
 *   - every statement prepared once (PQprepare), run with
 *     PQexecPrepared, parameters and results in binary where the binary
 *     form is simple (integers, timestamps; numeric goes as text);
 *   - insert_many, the bulk update and the bulk delete in pipeline mode,
 *     batches of PIPE_BATCH statements per synchronisation, so that the
 *     round trips overlap;
 *   - the one-at-a-time insert and the gets wait for each answer, as a
 *     program that needs the key or the row at once must;
 *   - update1 and delete1 wait for each answer too, as a program written
 *     a row at a time calls libpq, and update1_pipe and delete1_pipe
 *     pipeline the same statements by hand;
 *   - the stream in single-row mode: constant memory.
 *
 *     hand_pg run URL N DDL       the whole workload
 *     hand_pg runtx URL N DDL     the same, each phase inside one
 *                                 transaction
 *     hand_pg populate URL N DDL  N users with their final emails
 *     hand_pg stream URL N        the streaming phase alone
 *
 * Output and checks: as gen_impl.c.
 */
#include "common.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_BATCH 256
/* Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
#define PG_EPOCH_US INT64_C(946684800000000)

enum { S_INSERT, S_GET, S_UPDATE, S_LIKE, S_STREAM, S_JOIN, S_DELETE,
       S_COUNT, S_PROGRAM, S_ENROLL, NSTMT };

static const char *const sql[NSTMT] = {
    "INSERT INTO users (user_name, user_email, karma, joined_at) "
    "VALUES ($1, $2, $3, $4) RETURNING user_id",
    "SELECT user_id, user_name, user_email, karma, joined_at FROM users "
    "WHERE user_id = $1",
    "UPDATE users SET user_email = $1 WHERE user_id = $2",
    "SELECT count(*) FROM users WHERE user_name LIKE $1",
    "SELECT user_id, user_name, user_email, karma, joined_at FROM users",
    "SELECT count(*) FROM users JOIN program_enrollments "
    "ON program_enrollments.user_id = users.user_id "
    "WHERE program_enrollments.program_id = $1",
    "DELETE FROM users WHERE user_id = $1",
    "SELECT count(*) FROM users",
    "INSERT INTO programs (program_name, level) VALUES ($1, $2)",
    "INSERT INTO program_enrollments (program_id, user_id) VALUES ($1, $2)",
};

static PGconn *conn;
static bench_data data;
static int64_t *ids;
static bool session; /* runtx: the reading phases in a transaction too */

/* The parameters of one statement run, in their wire form. */
typedef struct params {
    const char *v[4];
    int len[4];
    int fmt[4];
    char buf[4][32];
    int n;
} params;

static void fail_result(PGresult *r, const char *what)
{
    bench_fail(what, r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
}

static void exec(const char *text)
{
    PGresult *r = PQexec(conn, text);

    if (PQresultStatus(r) != PGRES_COMMAND_OK &&
        PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_result(r, text);
    PQclear(r);
}

static void put_be64(char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    int i;

    for (i = 7; i >= 0; i--, u >>= 8)
        p[i] = (char)(u & 0xff);
}

static int64_t get_be64(const char *p)
{
    uint64_t u = 0;
    int i;

    for (i = 0; i < 8; i++)
        u = u << 8 | (unsigned char)p[i];
    return (int64_t)u;
}

static int get_be16(const char *p)
{
    return (int16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
}

static void add_text(params *p, const char *s)
{
    p->v[p->n] = s;
    p->len[p->n] = 0;
    p->fmt[p->n++] = 0;
}

static void add_int(params *p, int64_t i)
{
    put_be64(p->buf[p->n], i);
    p->v[p->n] = p->buf[p->n];
    p->len[p->n] = 8;
    p->fmt[p->n++] = 1;
}

static void add_null(params *p)
{
    p->v[p->n] = NULL;
    p->len[p->n] = 0;
    p->fmt[p->n++] = 0;
}

/* numeric(10,2) as text: "123.45" from the value scaled by 100. */
static void add_karma(params *p, int64_t karma)
{
    snprintf(p->buf[p->n], sizeof p->buf[p->n], "%lld.%02lld",
             (long long)(karma / 100), (long long)(karma % 100));
    add_text(p, p->buf[p->n]);
}

/* A numeric in binary (base-10000 digits) back to a value scaled by
 * 100, for numeric(10,2). */
static int64_t get_karma(const char *p)
{
    int ndigits = get_be16(p), weight = get_be16(p + 2);
    int sign = get_be16(p + 4) & 0xffff, i, e;
    int64_t v = 0, m;

    for (i = 0; i < ndigits; i++) {
        e = weight - i; /* the digit counts 10000^e */
        for (m = 100; e > 0; e--)
            m *= 10000;
        if (e == 0)
            v += get_be16(p + 8 + 2 * i) * m;
        else if (e == -1)
            v += get_be16(p + 8 + 2 * i) / 100;
    }
    return sign == 0x4000 ? -v : v;
}

static PGresult *run(int s, const params *p)
{
    char name[8];

    snprintf(name, sizeof name, "s%d", s);
    return PQexecPrepared(conn, name, p->n, p->v, p->len, p->fmt, 1);
}

static void send_stmt(int s, const params *p)
{
    char name[8];

    snprintf(name, sizeof name, "s%d", s);
    if (!PQsendQueryPrepared(conn, name, p->n, p->v, p->len, p->fmt, 1))
        fail_result(NULL, "send");
}

static int64_t count(int s, const params *p)
{
    PGresult *r = run(s, p);
    int64_t n;

    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_result(r, "count");
    n = get_be64(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

static void open_db(const char *url, const char *ddl_path)
{
    char name[8];
    PGresult *r;
    char *ddl;
    int i;

    conn = PQconnectdb(url);
    if (PQstatus(conn) != CONNECTION_OK)
        fail_result(NULL, "connect");
    exec("SET client_min_messages = warning");
    if (ddl_path != NULL) {
        FILE *f = fopen(ddl_path, "rb");
        long n = -1;

        if (f != NULL && fseek(f, 0, SEEK_END) == 0)
            n = ftell(f);
        ddl = n >= 0 ? malloc((size_t)n + 1) : NULL;
        if (ddl == NULL)
            bench_fail(ddl_path, "cannot read");
        rewind(f);
        ddl[fread(ddl, 1, (size_t)n, f)] = '\0';
        fclose(f);
        exec(ddl);
        free(ddl);
    }
    for (i = 0; i < NSTMT; i++) {
        snprintf(name, sizeof name, "s%d", i);
        r = PQprepare(conn, name, sql[i], 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            fail_result(r, sql[i]);
        PQclear(r);
    }
}

/* ---------------------------------------------------------------------
 * Pipelines: n statements s, PIPE_BATCH per synchronisation; fill(i)
 * gives the parameters of statement i, take(i, result) checks its
 * answer.
 * ------------------------------------------------------------------- */

typedef void (*fill_fn)(size_t i, params *p);
typedef void (*take_fn)(size_t i, PGresult *r);

static void drain(size_t from, size_t to, take_fn take)
{
    PGresult *r;
    size_t i;

    for (i = from; i < to; i++) {
        r = PQgetResult(conn);
        if (PQresultStatus(r) != PGRES_TUPLES_OK &&
            PQresultStatus(r) != PGRES_COMMAND_OK)
            fail_result(r, "pipeline");
        take(i, r);
        PQclear(r);
        PQclear(PQgetResult(conn)); /* the NULL ending each statement */
    }
    r = PQgetResult(conn);
    if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        fail_result(r, "pipeline sync");
    PQclear(r);
}

static void pipeline(int s, size_t n, fill_fn fill, take_fn take)
{
    size_t from, i;
    params p;

    if (!PQenterPipelineMode(conn))
        fail_result(NULL, "pipeline mode");
    for (from = 0; from < n; from += PIPE_BATCH) {
        for (i = from; i < n && i < from + PIPE_BATCH; i++) {
            p.n = 0;
            fill(i, &p);
            send_stmt(s, &p);
        }
        if (!PQpipelineSync(conn))
            fail_result(NULL, "sync");
        drain(from, i, take);
    }
    if (!PQexitPipelineMode(conn))
        fail_result(NULL, "pipeline mode");
}

/* ---------------------------------------------------------------------
 * The phases.
 * ------------------------------------------------------------------- */

static bool final_emails;

static void fill_user(size_t i, params *p)
{
    int64_t karma;

    add_text(p, data.names[i]);
    add_text(p, final_emails ? data.new_emails[i] : data.emails[i]);
    if (bench_karma(i, &karma))
        add_karma(p, karma);
    else
        add_null(p);
    add_int(p, bench_joined_at(i) - PG_EPOCH_US);
}

static void take_id(size_t i, PGresult *r)
{
    ids[i] = get_be64(PQgetvalue(r, 0, 0));
    if (i > 0 && ids[i] <= ids[i - 1])
        bench_fail("insert", "keys do not increase");
}

static void take_one(size_t i, PGresult *r)
{
    (void)i;
    if (strcmp(PQcmdTuples(r), "1") != 0)
        bench_fail("pipeline", "no such user");
}

static void phase_insert(void)
{
    double t0 = bench_now();
    PGresult *r;
    params p;
    size_t i;

    exec("BEGIN");
    for (i = 0; i < data.n; i++) {
        p.n = 0;
        fill_user(i, &p);
        r = run(S_INSERT, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_result(r, "insert");
        take_id(i, r);
        PQclear(r);
    }
    exec("COMMIT");
    bench_report("insert", data.n, bench_now() - t0);
}

static void insert_many(const char *phase)
{
    double t0 = bench_now();

    exec("BEGIN");
    pipeline(S_INSERT, data.n, fill_user, take_id);
    exec("COMMIT");
    if (phase != NULL)
        bench_report(phase, data.n, bench_now() - t0);
}

static void fill_enroll(size_t k, params *p)
{
    int64_t p1, p2;

    bench_enrollments(k / 2, &p1, &p2);
    add_int(p, (k % 2 ? p2 : p1) + 1);
    add_int(p, ids[k / 2]);
}

static void enroll(void)
{
    static const char *const levels[] = {"beginner", "intermediate",
                                         "advanced"};
    char name[24];
    params p;
    size_t i;

    exec("BEGIN");
    for (i = 0; i < BENCH_PROGRAMS; i++) {
        snprintf(name, sizeof name, "program %u", (unsigned)i);
        p.n = 0;
        add_text(&p, name);
        add_text(&p, levels[i % 3]);
        PQclear(run(S_PROGRAM, &p));
    }
    pipeline(S_ENROLL, 2 * data.n, fill_enroll, take_one);
    exec("COMMIT");
    if (count(S_COUNT, &(params){.n = 0}) != (int64_t)data.n)
        bench_fail("enroll", "users missing");
    exec("VACUUM ANALYZE");
}

/* The transaction of a reading phase, in runtx mode (the writing phases
 * have theirs in both modes); timed with the phase. */
static void session_begin(void)
{
    if (session)
        exec("BEGIN");
}

static void session_end(void)
{
    if (session)
        exec("COMMIT");
}

static void check_user(PGresult *r, size_t i)
{
    int64_t karma;
    bool has = bench_karma(i, &karma);

    if (strcmp(PQgetvalue(r, 0, 1), data.names[i]) ||
        strcmp(PQgetvalue(r, 0, 2), data.emails[i]) ||
        !PQgetisnull(r, 0, 3) != has ||
        (has && get_karma(PQgetvalue(r, 0, 3)) != karma) ||
        get_be64(PQgetvalue(r, 0, 4)) + PG_EPOCH_US != bench_joined_at(i))
        bench_fail("get", "a user read back differs");
}

static void phase_get(void)
{
    double t0 = bench_now();
    PGresult *r;
    params p;
    size_t k, i;

    session_begin();
    for (k = 0; k < data.n; k++) {
        i = data.get_order[k];
        p.n = 0;
        add_int(&p, ids[i]);
        r = run(S_GET, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
            fail_result(r, "get");
        check_user(r, i);
        PQclear(r);
    }
    session_end();
    bench_report("get", data.n, bench_now() - t0);
}

static void fill_update(size_t i, params *p)
{
    add_text(p, data.new_emails[i]);
    add_int(p, ids[i]);
}

static void fill_key(size_t i, params *p)
{
    add_int(p, ids[i]);
}

static void phase_change(const char *phase, int s, fill_fn fill)
{
    double t0 = bench_now();

    exec("BEGIN");
    pipeline(s, data.n, fill, take_one);
    exec("COMMIT");
    bench_report(phase, data.n, bench_now() - t0);
}

static void phase_like(void)
{
    double t0 = bench_now();
    params p;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        p.n = 0;
        add_text(&p, data.prefixes[k]);
        if (count(S_LIKE, &p) != data.prefix_counts[k])
            bench_fail("count like", "wrong count");
    }
    session_end();
    bench_report("count_like", BENCH_QUERIES, bench_now() - t0);
}

static uint64_t row_sum(PGresult *r)
{
    bool has = !PQgetisnull(r, 0, 3);

    return bench_row_sum(get_be64(PQgetvalue(r, 0, 0)), PQgetvalue(r, 0, 1),
                         PQgetvalue(r, 0, 2), has,
                         has ? get_karma(PQgetvalue(r, 0, 3)) : 0,
                         get_be64(PQgetvalue(r, 0, 4)) + PG_EPOCH_US);
}

static void stream(void)
{
    double t0 = bench_now();
    uint64_t sum = 0;
    size_t n = 0;
    PGresult *r;

    session_begin();
    send_stmt(S_STREAM, &(params){.n = 0});
    if (!PQsetSingleRowMode(conn))
        fail_result(NULL, "single-row mode");
    while ((r = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
            sum += row_sum(r);
            n++;
        } else if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fail_result(r, "stream");
        }
        PQclear(r);
    }
    session_end();
    bench_report("stream", data.n, bench_now() - t0);
    if (n != data.n || sum != bench_expected_sum(&data, ids))
        bench_fail("stream", "the rows streamed differ");
}

static void phase_join(void)
{
    double t0 = bench_now();
    int64_t prog;
    params p;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        prog = data.join_programs[k];
        p.n = 0;
        add_int(&p, prog + 1);
        if (count(S_JOIN, &p) != data.program_counts[prog])
            bench_fail("count join", "wrong count");
    }
    session_end();
    bench_report("count_join", BENCH_QUERIES, bench_now() - t0);
}

/*
 * update1 and delete1: single-row writes in one transaction, each sent
 * with PQexecPrepared and its answer awaited, as a program written a row
 * at a time calls libpq; update1_pipe and delete1_pipe send the same
 * statements through a hand-written pipeline instead.
 */
static void phase_change1(const char *phase, int s, fill_fn fill)
{
    double t0 = bench_now();
    PGresult *r;
    params p;
    size_t i;

    exec("BEGIN");
    for (i = 0; i < data.n; i++) {
        p.n = 0;
        fill(i, &p);
        r = run(s, &p);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            fail_result(r, phase);
        take_one(i, r);
        PQclear(r);
    }
    exec("COMMIT");
    bench_report(phase, data.n, bench_now() - t0);
}

/* The users back for a delete phase, with their new keys (not timed). */
static void put_back(void)
{
    final_emails = true;
    insert_many(NULL);
    final_emails = false;
    exec("VACUUM ANALYZE");
}

static void run_all(void)
{
    phase_insert();
    exec("DELETE FROM users");
    exec("VACUUM ANALYZE");
    insert_many("insert_many");
    enroll();
    phase_get();
    phase_change("update", S_UPDATE, fill_update);
    exec("VACUUM ANALYZE");
    phase_like();
    stream();
    phase_join();
    phase_change1("update1", S_UPDATE, fill_update);
    phase_change("update1_pipe", S_UPDATE, fill_update);
    phase_change("delete", S_DELETE, fill_key);
    if (count(S_COUNT, &(params){.n = 0}) != 0)
        bench_fail("delete", "users are left");
    put_back();
    phase_change1("delete1", S_DELETE, fill_key);
    put_back();
    phase_change("delete1_pipe", S_DELETE, fill_key);
    if (count(S_COUNT, &(params){.n = 0}) != 0)
        bench_fail("delete1", "users are left");
}

static void stream_only(void)
{
    size_t i;

    for (i = 0; i < data.n; i++)
        ids[i] = (int64_t)i + 1;
    count(S_COUNT, &(params){.n = 0});
    bench_mem_start();
    stream();
    bench_mem_report();
}

int main(int argc, char **argv)
{
    long n = argc >= 4 ? strtol(argv[3], NULL, 10) : 0;
    const char *mode = argc > 1 ? argv[1] : "";
    bool streaming = strcmp(mode, "stream") == 0;

    session = strcmp(mode, "runtx") == 0;
    if (n <= 0 || argc != (streaming ? 4 : 5) ||
        (!streaming && !session && strcmp(mode, "run") &&
         strcmp(mode, "populate"))) {
        fprintf(stderr, "usage: hand_pg run|runtx|populate URL N DDL\n"
                        "       hand_pg stream URL N\n");
        return 2;
    }
    open_db(argv[2], streaming ? NULL : argv[4]);
    bench_data_init(&data, (size_t)n);
    ids = malloc(data.n * sizeof *ids);
    if (ids == NULL)
        bench_fail("main", "out of memory");
    if (strcmp(mode, "run") == 0 || session) {
        run_all();
    } else if (streaming) {
        stream_only();
    } else {
        final_emails = true;
        insert_many(NULL);
    }
    free(ids);
    bench_data_free(&data);
    PQfinish(conn);
    return 0;
}
