/*
 * hand_mariadb.c - the benchmark workload written by hand over MariaDB
 * Connector/C, the fastest correct way for each phase, as the limit the
 * generated code is measured against on MariaDB:
 *
 *   - every statement prepared once (mysql_stmt_prepare), parameters and
 *     results bound in the binary protocol: integers as integers,
 *     timestamps as MYSQL_TIME, the numeric as its decimal text;
 *   - insert_many as multi-row INSERTs of BATCH rows, the keys of a
 *     statement's rows consecutive from its first (InnoDB hands a
 *     multi-row insert consecutive values when nothing else inserts);
 *   - the enrollments, the bulk update and the bulk delete as array
 *     binding (STMT_ATTR_ARRAY_SIZE): BATCH rows per execution, one round
 *     trip each;
 *   - the one-at-a-time insert and the gets wait for each answer, as a
 *     program that needs the key or the row at once must;
 *   - the stream unbuffered (no mysql_stmt_store_result): constant memory.
 *
 *     hand_mariadb run URL N DDL       the whole workload
 *     hand_mariadb runtx URL N DDL     the same, each phase inside one
 *                                      transaction
 *     hand_mariadb populate URL N DDL  N users with their final emails
 *     hand_mariadb stream URL N        the streaming phase alone
 *
 * URL: mariadb://USER:PASSWORD@HOST:PORT/DATABASE, as the tests' server
 * gives it.  Output and checks: as gen_impl.c.
 */
#include "common.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 256

enum { S_INSERT, S_GET, S_LIKE, S_STREAM, S_JOIN, S_COUNT, S_PROGRAM,
       S_MANY, S_MANY_REST, S_ENROLL, S_UPDATE, S_DELETE, NSTMT };

#define USER_COLS "user_name, user_email, karma, joined_at"
static const char *sql[NSTMT] = {
    "INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?)",
    "SELECT user_id, user_name, user_email, karma, joined_at FROM users "
    "WHERE user_id = ?",
    "SELECT count(*) FROM users WHERE user_name LIKE ?",
    "SELECT user_id, user_name, user_email, karma, joined_at FROM users",
    "SELECT count(*) FROM users JOIN program_enrollments "
    "ON program_enrollments.user_id = users.user_id "
    "WHERE program_enrollments.program_id = ?",
    "SELECT count(*) FROM users",
    "INSERT INTO programs (program_name, level) VALUES (?, ?)",
    NULL, /* S_MANY: BATCH rows, made by many_sql() */
    NULL, /* S_MANY_REST: N % BATCH rows */
    "INSERT INTO program_enrollments (program_id, user_id) VALUES (?, ?)",
    "UPDATE users SET user_email = ? WHERE user_id = ?",
    "DELETE FROM users WHERE user_id = ?",
};

static MYSQL *my;
static MYSQL_STMT *st[NSTMT];
static bench_data data;
static int64_t *ids;
static bool session; /* runtx: the reading phases in a transaction too */

static void fail_my(const char *what)
{
    bench_fail(what, mysql_error(my));
}

static void fail_stmt(int s, const char *what)
{
    bench_fail(what, mysql_stmt_error(st[s]));
}

static void exec(const char *text)
{
    MYSQL_RES *r;

    if (mysql_query(my, text) != 0)
        fail_my(text);
    do {
        r = mysql_store_result(my);
        mysql_free_result(r);
    } while (mysql_next_result(my) == 0);
    if (mysql_errno(my) != 0)
        fail_my(text);
}

/* "INSERT INTO users (...) VALUES (?, ?, ?, ?), ..." for n rows. */
static char *many_sql(size_t n)
{
    static const char head[] = "INSERT INTO users (" USER_COLS ") VALUES ";
    static const char row[] = "(?, ?, ?, ?)";
    char *s = malloc(sizeof head + n * (sizeof row + 1));
    size_t i, at = sizeof head - 1;

    if (s == NULL)
        bench_fail("prepare", "out of memory");
    memcpy(s, head, at);
    for (i = 0; i < n; i++) {
        if (i > 0)
            s[at++] = ',';
        memcpy(s + at, row, sizeof row - 1);
        at += sizeof row - 1;
    }
    s[at] = '\0';
    return s;
}

static void prepare(int s, const char *text)
{
    st[s] = mysql_stmt_init(my);
    if (st[s] == NULL || mysql_stmt_prepare(st[s], text, strlen(text)))
        bench_fail(text, st[s] ? mysql_stmt_error(st[s]) : "out of memory");
}

/* mariadb://user:password@host:port/database */
static void open_db(const char *url, const char *ddl_path)
{
    char user[64] = "", pw[128] = "", host[64] = "", name[64] = "";
    unsigned port = 0;
    int i;

    if (strncmp(url, "mariadb://", 10) != 0 ||
        sscanf(url + 10, "%63[^:]:%127[^@]@%63[^:]:%u/%63s", user, pw, host,
               &port, name) != 5)
        bench_fail(url, "not mariadb://USER:PASSWORD@HOST:PORT/DATABASE");
    my = mysql_init(NULL);
    if (my == NULL || !mysql_real_connect(my, host, user, pw, name, port,
                                          NULL, CLIENT_MULTI_STATEMENTS))
        fail_my("connect");
    exec("SET NAMES utf8mb4 COLLATE utf8mb4_bin, time_zone = '+00:00', "
         "sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES,NO_ZERO_DATE,"
         "NO_ENGINE_SUBSTITUTION'");
    if (ddl_path != NULL) {
        FILE *f = fopen(ddl_path, "rb");
        long n = -1;
        char *ddl;

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
        if (sql[i] != NULL)
            prepare(i, sql[i]);
    }
}

/* ---------------------------------------------------------------------
 * Values in the binary protocol.
 * ------------------------------------------------------------------- */

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void to_time(int64_t us, MYSQL_TIME *t)
{
    int64_t days = us / 86400000000, rem = us % 86400000000;
    int64_t y = 1970;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    unsigned m = 0;

    if (rem < 0) {
        rem += 86400000000;
        days--;
    }
    memset(t, 0, sizeof *t);
    /* Whole years, then months: the dates here are a few years apart. */
    while (days >= 365 + is_leap(y))
        days -= 365 + is_leap(y++);
    while (days < 0)
        days += 365 + is_leap(--y);
    while (days >= mdays[m] + (m == 1 && is_leap(y)))
        days -= mdays[m] + (m == 1 && is_leap(y)), m++;
    t->year = (unsigned)y;
    t->month = m + 1;
    t->day = (unsigned)days + 1;
    t->hour = (unsigned)(rem / 3600000000);
    t->minute = (unsigned)(rem / 60000000 % 60);
    t->second = (unsigned)(rem / 1000000 % 60);
    t->second_part = (unsigned long)(rem % 1000000);
    t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static int64_t from_time(const MYSQL_TIME *t)
{
    return (days_from_civil(t->year, t->month, t->day) * 86400 +
            t->hour * 3600 + t->minute * 60 + t->second) * 1000000 +
           (int64_t)t->second_part;
}

/* "123.45" to 12345, for numeric(10,2). */
static int64_t parse_karma(const char *s, unsigned long len)
{
    int64_t v = 0;
    int neg = 0, frac = -1;
    unsigned long i;

    for (i = 0; i < len; i++) {
        if (s[i] == '-')
            neg = 1;
        else if (s[i] == '.')
            frac = 0;
        else {
            v = v * 10 + (s[i] - '0');
            if (frac >= 0)
                frac++;
        }
    }
    for (; frac < 2; frac = frac < 0 ? 1 : frac + 1)
        v *= 10;
    return neg ? -v : v;
}

/* One user row's parameters. */
typedef struct user_param {
    unsigned long name_len, email_len, karma_len;
    my_bool karma_null;
    char karma[24];
    MYSQL_TIME joined;
} user_param;

static bool final_emails;

static void fill_user(size_t i, user_param *u, MYSQL_BIND *b)
{
    int64_t karma;
    const char *email = final_emails ? data.new_emails[i] : data.emails[i];

    u->name_len = (unsigned long)strlen(data.names[i]);
    u->email_len = (unsigned long)strlen(email);
    u->karma_null = !bench_karma(i, &karma);
    u->karma_len = 0;
    if (!u->karma_null)
        u->karma_len = (unsigned long)snprintf(
            u->karma, sizeof u->karma, "%lld.%02lld",
            (long long)(karma / 100), (long long)(karma % 100));
    to_time(bench_joined_at(i), &u->joined);
    memset(b, 0, 4 * sizeof *b);
    b[0].buffer_type = MYSQL_TYPE_STRING;
    b[0].buffer = data.names[i];
    b[0].length = &u->name_len;
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = (char *)email;
    b[1].length = &u->email_len;
    b[2].buffer_type = MYSQL_TYPE_NEWDECIMAL;
    b[2].buffer = u->karma;
    b[2].length = &u->karma_len;
    b[2].is_null = &u->karma_null;
    b[3].buffer_type = MYSQL_TYPE_DATETIME;
    b[3].buffer = &u->joined;
}

static void execute(int s, MYSQL_BIND *b, const char *what)
{
    if ((b != NULL && mysql_stmt_bind_param(st[s], b)) ||
        mysql_stmt_execute(st[s]))
        fail_stmt(s, what);
}

/* The one row of a count. */
static int64_t count(int s, MYSQL_BIND *param)
{
    long long n = -1;
    MYSQL_BIND r;

    execute(s, param, "count");
    memset(&r, 0, sizeof r);
    r.buffer_type = MYSQL_TYPE_LONGLONG;
    r.buffer = &n;
    if (mysql_stmt_bind_result(st[s], &r) || mysql_stmt_fetch(st[s]) != 0)
        fail_stmt(s, "count");
    mysql_stmt_free_result(st[s]);
    return n;
}

/* ---------------------------------------------------------------------
 * The phases.
 * ------------------------------------------------------------------- */

static void take_id(size_t i, int64_t id)
{
    ids[i] = id;
    if (i > 0 && ids[i] <= ids[i - 1])
        bench_fail("insert", "keys do not increase");
}

static void phase_insert(void)
{
    double t0 = bench_now();
    user_param u;
    MYSQL_BIND b[4];
    size_t i;

    exec("BEGIN");
    for (i = 0; i < data.n; i++) {
        fill_user(i, &u, b);
        execute(S_INSERT, b, "insert");
        take_id(i, (int64_t)mysql_stmt_insert_id(st[S_INSERT]));
    }
    exec("COMMIT");
    bench_report("insert", data.n, bench_now() - t0);
}

static void insert_many(const char *phase)
{
    user_param *u = malloc(BATCH * sizeof *u);
    MYSQL_BIND *b = malloc(4 * BATCH * sizeof *b);
    size_t from, k, rest = data.n % BATCH;
    char *text;
    double t0;

    if (u == NULL || b == NULL)
        bench_fail("insert_many", "out of memory");
    /* prepared once, outside the timing (which reads the clock just
     * twice a phase, as callgrind.py counts on) */
    if (st[S_MANY] == NULL) {
        text = many_sql(BATCH);
        prepare(S_MANY, text);
        free(text);
        if (rest > 0) {
            text = many_sql(rest);
            prepare(S_MANY_REST, text);
            free(text);
        }
    }
    t0 = bench_now();
    exec("BEGIN");
    for (from = 0; from < data.n; from += BATCH) {
        size_t n = data.n - from < BATCH ? data.n - from : BATCH;
        int s = n == BATCH ? S_MANY : S_MANY_REST;
        int64_t first;

        for (k = 0; k < n; k++)
            fill_user(from + k, &u[k], &b[4 * k]);
        execute(s, b, "insert_many");
        if (mysql_stmt_affected_rows(st[s]) != n)
            bench_fail("insert_many", "rows missing");
        first = (int64_t)mysql_stmt_insert_id(st[s]);
        for (k = 0; k < n; k++)
            take_id(from + k, first + (int64_t)k);
    }
    exec("COMMIT");
    free(u);
    free(b);
    if (phase != NULL)
        bench_report(phase, data.n, bench_now() - t0);
}

/*
 * Array binding: statement s run over rows 0..n-1 in executions of BATCH
 * rows, each parameter an array over the rows (column-wise binding):
 * texts, when given, the first, as pointers with their lengths; then
 * the integers.  Each row must change one row.
 */
static void bulk(int s, size_t n, int ncols, long long *ints[],
                 char **texts, unsigned long *lens)
{
    MYSQL_BIND b[2];
    size_t from;
    unsigned int size;
    int c;

    for (from = 0; from < n; from += BATCH) {
        size = (unsigned int)(n - from < BATCH ? n - from : BATCH);
        memset(b, 0, sizeof b);
        c = 0;
        if (texts != NULL) {
            b[c].buffer_type = MYSQL_TYPE_STRING;
            b[c].buffer = texts + from; /* an array of pointers */
            b[c].length = lens + from;
            c++;
        }
        for (; c < ncols; c++) {
            b[c].buffer_type = MYSQL_TYPE_LONGLONG;
            b[c].buffer = ints[c - (texts != NULL)] + from;
        }
        if (mysql_stmt_attr_set(st[s], STMT_ATTR_ARRAY_SIZE, &size))
            fail_stmt(s, "array size");
        execute(s, b, "bulk");
        if (mysql_stmt_affected_rows(st[s]) != size)
            bench_fail("bulk", "a row did not change");
    }
}

static void enroll(void)
{
    static const char *const levels[] = {"beginner", "intermediate",
                                         "advanced"};
    long long *prog = malloc(2 * data.n * sizeof *prog);
    long long *user = malloc(2 * data.n * sizeof *user);
    long long *cols[2];
    char name[24];
    unsigned long lens[2];
    MYSQL_BIND b[2];
    size_t i;

    if (prog == NULL || user == NULL)
        bench_fail("enroll", "out of memory");
    exec("BEGIN");
    for (i = 0; i < BENCH_PROGRAMS; i++) {
        lens[0] = (unsigned long)snprintf(name, sizeof name, "program %u",
                                          (unsigned)i);
        lens[1] = (unsigned long)strlen(levels[i % 3]);
        memset(b, 0, sizeof b);
        b[0].buffer_type = MYSQL_TYPE_STRING;
        b[0].buffer = name;
        b[0].length = &lens[0];
        b[1].buffer_type = MYSQL_TYPE_STRING;
        b[1].buffer = (char *)levels[i % 3];
        b[1].length = &lens[1];
        execute(S_PROGRAM, b, "programs");
    }
    for (i = 0; i < 2 * data.n; i++) {
        int64_t p1, p2;

        bench_enrollments(i / 2, &p1, &p2);
        prog[i] = (i % 2 ? p2 : p1) + 1;
        user[i] = ids[i / 2];
    }
    cols[0] = prog;
    cols[1] = user;
    bulk(S_ENROLL, 2 * data.n, 2, cols, NULL, NULL);
    exec("COMMIT");
    free(prog);
    free(user);
    if (count(S_COUNT, NULL) != (int64_t)data.n)
        bench_fail("enroll", "users missing");
    exec("ANALYZE TABLE users, programs, program_enrollments");
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

/* A user row's result buffers. */
typedef struct user_row {
    long long id;
    char name[33], email[65], karma[24];
    unsigned long name_len, email_len, karma_len;
    my_bool karma_null;
    MYSQL_TIME joined;
    MYSQL_BIND b[5];
} user_row;

static void bind_row(int s, user_row *r)
{
    MYSQL_BIND *b = r->b;

    memset(b, 0, sizeof r->b);
    b[0].buffer_type = MYSQL_TYPE_LONGLONG;
    b[0].buffer = &r->id;
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = r->name;
    b[1].buffer_length = sizeof r->name;
    b[1].length = &r->name_len;
    b[2].buffer_type = MYSQL_TYPE_STRING;
    b[2].buffer = r->email;
    b[2].buffer_length = sizeof r->email;
    b[2].length = &r->email_len;
    b[3].buffer_type = MYSQL_TYPE_STRING;
    b[3].buffer = r->karma;
    b[3].buffer_length = sizeof r->karma;
    b[3].length = &r->karma_len;
    b[3].is_null = &r->karma_null;
    b[4].buffer_type = MYSQL_TYPE_DATETIME;
    b[4].buffer = &r->joined;
    if (mysql_stmt_bind_result(st[s], b))
        fail_stmt(s, "bind result");
}

static void phase_get(void)
{
    double t0 = bench_now();
    user_row r;
    long long key;
    MYSQL_BIND p;
    size_t k, i;
    int64_t karma;
    bool has;

    memset(&p, 0, sizeof p);
    p.buffer_type = MYSQL_TYPE_LONGLONG;
    p.buffer = &key;
    if (mysql_stmt_bind_param(st[S_GET], &p))
        fail_stmt(S_GET, "get");
    bind_row(S_GET, &r);
    session_begin();
    for (k = 0; k < data.n; k++) {
        i = data.get_order[k];
        key = ids[i];
        execute(S_GET, NULL, "get");
        if (mysql_stmt_fetch(st[S_GET]) != 0)
            fail_stmt(S_GET, "get: no row");
        has = bench_karma(i, &karma);
        if (strcmp(r.name, data.names[i]) ||
            strcmp(r.email, data.emails[i]) || !r.karma_null != has ||
            (has && parse_karma(r.karma, r.karma_len) != karma) ||
            from_time(&r.joined) != bench_joined_at(i))
            bench_fail("get", "a user read back differs");
        if (mysql_stmt_fetch(st[S_GET]) != MYSQL_NO_DATA)
            bench_fail("get", "more than one row");
    }
    session_end();
    bench_report("get", data.n, bench_now() - t0);
}

static void phase_update(void)
{
    char **emails = malloc(data.n * sizeof *emails);
    unsigned long *lens = malloc(data.n * sizeof *lens);
    long long *keys = malloc(data.n * sizeof *keys);
    long long *cols[1];
    double t0;
    size_t i;

    if (emails == NULL || lens == NULL || keys == NULL)
        bench_fail("update", "out of memory");
    for (i = 0; i < data.n; i++) { /* the arrays, outside the timing */
        emails[i] = data.new_emails[i];
        lens[i] = (unsigned long)strlen(emails[i]);
        keys[i] = ids[i];
    }
    cols[0] = keys;
    t0 = bench_now();
    exec("BEGIN");
    bulk(S_UPDATE, data.n, 2, cols, emails, lens);
    exec("COMMIT");
    bench_report("update", data.n, bench_now() - t0);
    free(emails);
    free(lens);
    free(keys);
}

static void phase_delete(void)
{
    long long *keys = malloc(data.n * sizeof *keys);
    long long *cols[1];
    double t0;
    size_t i;

    if (keys == NULL)
        bench_fail("delete", "out of memory");
    for (i = 0; i < data.n; i++)
        keys[i] = ids[i];
    cols[0] = keys;
    t0 = bench_now();
    exec("BEGIN");
    bulk(S_DELETE, data.n, 1, cols, NULL, NULL);
    exec("COMMIT");
    bench_report("delete", data.n, bench_now() - t0);
    free(keys);
}

static void phase_like(void)
{
    double t0 = bench_now();
    unsigned long len;
    MYSQL_BIND p;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        memset(&p, 0, sizeof p);
        p.buffer_type = MYSQL_TYPE_STRING;
        p.buffer = data.prefixes[k];
        len = (unsigned long)strlen(data.prefixes[k]);
        p.length = &len;
        if (count(S_LIKE, &p) != data.prefix_counts[k])
            bench_fail("count like", "wrong count");
    }
    session_end();
    bench_report("count_like", BENCH_QUERIES, bench_now() - t0);
}

static void stream(void)
{
    double t0 = bench_now();
    uint64_t sum = 0;
    size_t n = 0;
    user_row r;
    int rc;

    session_begin();
    execute(S_STREAM, NULL, "stream");
    bind_row(S_STREAM, &r);
    while ((rc = mysql_stmt_fetch(st[S_STREAM])) == 0) {
        sum += bench_row_sum(r.id, r.name, r.email, !r.karma_null,
                             r.karma_null ? 0
                                          : parse_karma(r.karma, r.karma_len),
                             from_time(&r.joined));
        n++;
    }
    if (rc != MYSQL_NO_DATA)
        fail_stmt(S_STREAM, "stream");
    mysql_stmt_free_result(st[S_STREAM]);
    session_end();
    bench_report("stream", data.n, bench_now() - t0);
    if (n != data.n || sum != bench_expected_sum(&data, ids))
        bench_fail("stream", "the rows streamed differ");
}

static void phase_join(void)
{
    double t0 = bench_now();
    long long prog;
    MYSQL_BIND p;
    size_t k;

    session_begin();
    for (k = 0; k < BENCH_QUERIES; k++) {
        prog = data.join_programs[k] + 1;
        memset(&p, 0, sizeof p);
        p.buffer_type = MYSQL_TYPE_LONGLONG;
        p.buffer = &prog;
        if (count(S_JOIN, &p) != data.program_counts[prog - 1])
            bench_fail("count join", "wrong count");
    }
    session_end();
    bench_report("count_join", BENCH_QUERIES, bench_now() - t0);
}

static void run_all(void)
{
    phase_insert();
    exec("DELETE FROM users");
    exec("ANALYZE TABLE users");
    insert_many("insert_many");
    enroll();
    phase_get();
    phase_update();
    exec("ANALYZE TABLE users");
    phase_like();
    stream();
    phase_join();
    phase_delete();
    if (count(S_COUNT, NULL) != 0)
        bench_fail("delete", "users are left");
}

static void stream_only(void)
{
    size_t i;

    for (i = 0; i < data.n; i++)
        ids[i] = (int64_t)i + 1;
    count(S_COUNT, NULL);
    bench_mem_start();
    stream();
    bench_mem_report();
}

int main(int argc, char **argv)
{
    long n = argc >= 4 ? strtol(argv[3], NULL, 10) : 0;
    const char *mode = argc > 1 ? argv[1] : "";
    bool streaming = strcmp(mode, "stream") == 0;
    int i;

    session = strcmp(mode, "runtx") == 0;
    if (n <= 0 || argc != (streaming ? 4 : 5) ||
        (!streaming && !session && strcmp(mode, "run") &&
         strcmp(mode, "populate"))) {
        fprintf(stderr, "usage: hand_mariadb run|runtx|populate URL N DDL\n"
                        "       hand_mariadb stream URL N\n");
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
    for (i = 0; i < NSTMT; i++) {
        if (st[i] != NULL)
            mysql_stmt_close(st[i]);
    }
    mysql_close(my);
    return 0;
}
