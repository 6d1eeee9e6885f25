/*
 * hand_sqlite.c - the benchmark workload written by hand over the SQLite
 * C API, the way a careful C programmer would: every statement prepared
 * once and reused, values bound with SQLITE_STATIC (no copies), columns
 * read straight from the statement.  It is the limit the generated code
 * is measured against.  The tables are created from the same DDL the
 * generated code carries (schemac sql), with the same PRAGMAs sc_open()
 * sets.
 *
 *     hand_sqlite run URL N DDL       the whole workload
 *     hand_sqlite runtx URL N DDL     the same, each phase inside one
 *                                     transaction
 *     hand_sqlite populate URL N DDL  N users with their final emails, for
 *                                     the streaming memory runs
 *     hand_sqlite stream URL N        the streaming phase alone
 *
 * URL is sqlite:PATH.  Output and checks: as gen_impl.c.
 */
#include "common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_INSERT, S_GET, S_UPDATE, S_LIKE, S_STREAM, S_JOIN, S_DELETE,
       S_COUNT, S_PROGRAM, S_ENROLL, NSTMT };

static const char *const sql[NSTMT] = {
    "INSERT INTO users (user_name, user_email, karma, joined_at) "
    "VALUES (?, ?, ?, ?)",
    "SELECT user_id, user_name, user_email, karma, joined_at FROM users "
    "WHERE user_id = ?",
    "UPDATE users SET user_email = ? WHERE user_id = ?",
    "SELECT count(*) FROM users WHERE user_name LIKE ?",
    "SELECT user_id, user_name, user_email, karma, joined_at FROM users",
    "SELECT count(*) FROM users JOIN program_enrollments "
    "ON program_enrollments.user_id = users.user_id "
    "WHERE program_enrollments.program_id = ?",
    "DELETE FROM users WHERE user_id = ?",
    "SELECT count(*) FROM users",
    "INSERT INTO programs (program_name, level) VALUES (?, ?)",
    "INSERT INTO program_enrollments (program_id, user_id) VALUES (?, ?)",
};

static sqlite3 *db;
static sqlite3_stmt *st[NSTMT];
static bench_data data;
static int64_t *ids;
static bool session; /* runtx: the reading phases in a transaction too */

static void check(int rc, int want, const char *what)
{
    if (rc != want)
        bench_fail(what, sqlite3_errmsg(db));
}

static void exec(const char *text)
{
    check(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK, text);
}

/* Reads the whole file at path; exits on failure. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n = -1;

    if (f != NULL && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0)
        bench_fail(path, "cannot read");
    rewind(f);
    s = malloc((size_t)n + 1);
    if (s == NULL || fread(s, 1, (size_t)n, f) != (size_t)n)
        bench_fail(path, "cannot read");
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The PRAGMAs of sc_open(), so that both run on the same settings. */
static void open_db(const char *url, const char *ddl_path)
{
    char *ddl;
    int i;

    if (strncmp(url, "sqlite:", 7) != 0)
        bench_fail(url, "not an sqlite: URL");
    check(sqlite3_open_v2(url + 7, &db, SQLITE_OPEN_READWRITE |
                          SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL),
          SQLITE_OK, "open");
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON; "
         "PRAGMA journal_mode = WAL");
    if (ddl_path != NULL) {
        ddl = slurp(ddl_path);
        exec(ddl);
        free(ddl);
    }
    for (i = 0; i < NSTMT; i++)
        check(sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                 &st[i], NULL), SQLITE_OK, sql[i]);
}

static void close_db(void)
{
    int i;

    for (i = 0; i < NSTMT; i++)
        sqlite3_finalize(st[i]);
    sqlite3_close(db);
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

/* Runs statement s, bound already, to its end; returns its changes. */
static int64_t run_stmt(int s, const char *what)
{
    check(sqlite3_step(st[s]), SQLITE_DONE, what);
    sqlite3_reset(st[s]);
    return sqlite3_changes64(db);
}

static int64_t count(int s)
{
    int64_t n;

    check(sqlite3_step(st[s]), SQLITE_ROW, "count");
    n = sqlite3_column_int64(st[s], 0);
    sqlite3_reset(st[s]);
    return n;
}

static void bind_text(sqlite3_stmt *s, int i, const char *text)
{
    sqlite3_bind_text(s, i, text, (int)strlen(text), SQLITE_STATIC);
}

/* Inserts user i with the given email; returns the new key. */
static int64_t insert_user(size_t i, const char *email)
{
    sqlite3_stmt *s = st[S_INSERT];
    int64_t karma;

    bind_text(s, 1, data.names[i]);
    bind_text(s, 2, email);
    if (bench_karma(i, &karma))
        sqlite3_bind_int64(s, 3, karma);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int64(s, 4, bench_joined_at(i));
    run_stmt(S_INSERT, "insert");
    return sqlite3_last_insert_rowid(db);
}

static void insert_all(const char *phase, bool final_emails)
{
    double t0 = bench_now();
    size_t i;

    exec("BEGIN IMMEDIATE");
    for (i = 0; i < data.n; i++) {
        ids[i] = insert_user(i, final_emails ? data.new_emails[i]
                                             : data.emails[i]);
        if (i > 0 && ids[i] <= ids[i - 1])
            bench_fail(phase, "keys do not increase");
    }
    exec("COMMIT");
    if (phase != NULL)
        bench_report(phase, data.n, bench_now() - t0);
}

static void reset_users(void)
{
    exec("DELETE FROM users");
    if (sqlite3_changes64(db) != (int64_t)data.n)
        bench_fail("reset", "not every user was deleted");
    exec("ANALYZE");
}

static void enroll(void)
{
    char name[24];
    int64_t p[2];
    size_t i;
    int j;

    exec("BEGIN IMMEDIATE");
    for (i = 0; i < BENCH_PROGRAMS; i++) {
        snprintf(name, sizeof name, "program %zu", i);
        bind_text(st[S_PROGRAM], 1, name);
        bind_text(st[S_PROGRAM], 2, (const char *[]){
            "beginner", "intermediate", "advanced"}[i % 3]);
        run_stmt(S_PROGRAM, "program");
    }
    for (i = 0; i < data.n; i++) {
        bench_enrollments(i, &p[0], &p[1]);
        for (j = 0; j < 2; j++) {
            sqlite3_bind_int64(st[S_ENROLL], 1, p[j] + 1);
            sqlite3_bind_int64(st[S_ENROLL], 2, ids[i]);
            run_stmt(S_ENROLL, "enroll");
        }
    }
    exec("COMMIT");
    exec("ANALYZE");
}

static void check_user(sqlite3_stmt *s, size_t i)
{
    int64_t karma;
    bool has = bench_karma(i, &karma);

    if (strcmp((const char *)sqlite3_column_text(s, 1), data.names[i]) ||
        strcmp((const char *)sqlite3_column_text(s, 2), data.emails[i]) ||
        (sqlite3_column_type(s, 3) != SQLITE_NULL) != has ||
        (has && sqlite3_column_int64(s, 3) != karma) ||
        sqlite3_column_int64(s, 4) != bench_joined_at(i))
        bench_fail("get", "a user read back differs");
}

static void phase_get(void)
{
    sqlite3_stmt *s = st[S_GET];
    double t0 = bench_now();
    size_t k, i;

    session_begin();
    for (k = 0; k < data.n; k++) {
        i = data.get_order[k];
        sqlite3_bind_int64(s, 1, ids[i]);
        check(sqlite3_step(s), SQLITE_ROW, "get");
        check_user(s, i);
        sqlite3_reset(s);
    }
    session_end();
    bench_report("get", data.n, bench_now() - t0);
}

static void phase_update(void)
{
    sqlite3_stmt *s = st[S_UPDATE];
    double t0 = bench_now();
    size_t i;

    exec("BEGIN");
    for (i = 0; i < data.n; i++) {
        bind_text(s, 1, data.new_emails[i]);
        sqlite3_bind_int64(s, 2, ids[i]);
        if (run_stmt(S_UPDATE, "update") != 1)
            bench_fail("update", "no such user");
    }
    exec("COMMIT");
    bench_report("update", data.n, bench_now() - t0);
    exec("ANALYZE");
}

static void phase_like(void)
{
    double t0 = bench_now();
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        bind_text(st[S_LIKE], 1, data.prefixes[k]);
        if (count(S_LIKE) != data.prefix_counts[k])
            bench_fail("count like", "wrong count");
    }
    session_end();
    bench_report("count_like", BENCH_QUERIES, bench_now() - t0);
}

static void stream(bool report)
{
    sqlite3_stmt *s = st[S_STREAM];
    double t0 = bench_now();
    uint64_t sum = 0;
    size_t n = 0;
    int rc;

    session_begin();
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sum += bench_row_sum(sqlite3_column_int64(s, 0),
                             (const char *)sqlite3_column_text(s, 1),
                             (const char *)sqlite3_column_text(s, 2),
                             sqlite3_column_type(s, 3) != SQLITE_NULL,
                             sqlite3_column_int64(s, 3),
                             sqlite3_column_int64(s, 4));
        n++;
    }
    check(rc, SQLITE_DONE, "stream");
    sqlite3_reset(s);
    session_end();
    if (report)
        bench_report("stream", data.n, bench_now() - t0);
    if (n != data.n || sum != bench_expected_sum(&data, ids))
        bench_fail("stream", "the rows streamed differ");
}

static void phase_join(void)
{
    double t0 = bench_now();
    int64_t p;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        p = data.join_programs[k];
        sqlite3_bind_int64(st[S_JOIN], 1, p + 1);
        if (count(S_JOIN) != data.program_counts[p])
            bench_fail("count join", "wrong count");
    }
    session_end();
    bench_report("count_join", BENCH_QUERIES, bench_now() - t0);
}

static void phase_delete(void)
{
    double t0 = bench_now();
    size_t i;

    exec("BEGIN");
    for (i = 0; i < data.n; i++) {
        sqlite3_bind_int64(st[S_DELETE], 1, ids[i]);
        if (run_stmt(S_DELETE, "delete") != 1)
            bench_fail("delete", "no such user");
    }
    exec("COMMIT");
    bench_report("delete", data.n, bench_now() - t0);
    if (count(S_COUNT) != 0)
        bench_fail("delete", "users are left");
}

static void run(void)
{
    insert_all("insert", false);
    reset_users();
    insert_all("insert_many", false);
    enroll();
    phase_get();
    phase_update();
    phase_like();
    stream(true);
    phase_join();
    phase_delete();
}

static void stream_only(void)
{
    size_t i;

    for (i = 0; i < data.n; i++)
        ids[i] = (int64_t)i + 1;
    count(S_COUNT);
    bench_mem_start();
    stream(true);
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
        fprintf(stderr, "usage: hand_sqlite run|runtx|populate URL N DDL\n"
                        "       hand_sqlite stream URL N\n");
        return 2;
    }
    open_db(argv[2], streaming ? NULL : argv[4]);
    bench_data_init(&data, (size_t)n);
    ids = malloc(data.n * sizeof *ids);
    if (ids == NULL)
        bench_fail("main", "out of memory");
    if (strcmp(mode, "run") == 0 || session)
        run();
    else if (streaming)
        stream_only();
    else
        insert_all(NULL, true);
    free(ids);
    bench_data_free(&data);
    close_db();
    return 0;
}
