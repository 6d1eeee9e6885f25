/*
 * test-mariadb.c - what is particular to the MariaDB backend
 * (runtime/mariadb.c): the forms of its URLs and the failed opens that
 * must not quote a password, every type round-tripped exactly at its
 * edges in the binary protocol, MariaDB's error numbers mapped onto the
 * codes of the other databases with their table and column, savepoints,
 * a lost connection, a stream of 100 000 rows in flat memory with other
 * statements run between its rows, and raw SQL.
 *
 * The server is the one SCHEMAC_TEST_URL names; tests/scripts/
 * with-mariadb.sh starts one and sets it.  Without it every test fails:
 * this suite is never meant to pass against nothing.  The code under
 * test is generated from tests/data/mariadb.schema; the tables are made
 * by the MariaDB DDL below.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* usleep() */
#endif
#include <check.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "md_db.h"
#include "testdb.h"

#define NSTREAM 100000

static sc_db *db;
static sc_arena *arena;

/* The tables of tests/data/mariadb.schema in MariaDB's own DDL, the
 * constraints named as the descriptors name them. */
static const char *const ddl[] = {
    "SET FOREIGN_KEY_CHECKS = 0",
    "DROP TABLE IF EXISTS \"samples\", \"accounts\", \"transfers\", "
    "\"events\", \"tags\"",
    "SET FOREIGN_KEY_CHECKS = 1",
    "CREATE TABLE \"samples\" ("
    " \"id\" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " \"b\" BOOLEAN NOT NULL, \"i16\" SMALLINT NOT NULL,"
    " \"i32\" INT NOT NULL, \"i64\" BIGINT NOT NULL,"
    " \"f32\" FLOAT NOT NULL, \"f64\" DOUBLE NOT NULL,"
    " \"num\" DECIMAL(18,4) NOT NULL, \"big\" DECIMAL(30,10),"
    " \"txt\" LONGTEXT NOT NULL, \"vc\" VARCHAR(8), \"by\" LONGBLOB,"
    " \"d\" DATE NOT NULL, \"ts\" DATETIME(6) NOT NULL,"
    " \"u\" BINARY(16) NOT NULL, \"js\" JSON,"
    " \"c\" ENUM('red','green','blue','ultra_violet') NOT NULL"
    " DEFAULT 'green'"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
    "CREATE TABLE \"accounts\" ("
    " \"account_id\" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " \"handle\" VARCHAR(16) NOT NULL,"
    " \"balance\" DECIMAL(10,2) NOT NULL DEFAULT 0,"
    " CONSTRAINT \"uq_accounts_handle\" UNIQUE (\"handle\"),"
    " CONSTRAINT \"ck_accounts_balance_check\" CHECK (\"balance\" >= 0)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
    "CREATE TABLE \"transfers\" ("
    " \"transfer_id\" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " \"from_id\" BIGINT NOT NULL, \"to_id\" BIGINT NOT NULL,"
    " \"amount\" DECIMAL(10,2) NOT NULL,"
    " CONSTRAINT \"ck_transfers_1\" CHECK (\"amount\" > 0),"
    " CONSTRAINT \"fk_transfers_from_id\" FOREIGN KEY (\"from_id\")"
    " REFERENCES \"accounts\" (\"account_id\"),"
    " CONSTRAINT \"fk_transfers_to_id\" FOREIGN KEY (\"to_id\")"
    " REFERENCES \"accounts\" (\"account_id\") ON DELETE CASCADE"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
    "CREATE TABLE \"events\" ("
    " \"event_id\" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " \"n\" BIGINT NOT NULL, \"label\" LONGTEXT NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
    "CREATE TABLE \"tags\" ("
    " \"name\" VARCHAR(32) NOT NULL PRIMARY KEY, \"note\" LONGTEXT"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin",
};

/* ---------------------------------------------------------------------
 * Fixture and helpers.
 * ------------------------------------------------------------------- */

static const char *test_url(void)
{
    const char *url = getenv("SCHEMAC_TEST_URL");

    ck_assert_msg(url != NULL && (strncmp(url, "mariadb://", 10) == 0 ||
                                  strncmp(url, "mysql://", 8) == 0),
                  "SCHEMAC_TEST_URL must name a MariaDB server: run this "
                  "test through tests/scripts/with-mariadb.sh");
    return url;
}

static void exec_ok(sc_db *d, const char *sql)
{
    ck_assert_msg(sc_exec(d, sql) == SC_OK, "%s: %s", sql, sc_errmsg(d));
}

static void setup(void)
{
    size_t i;
    int rc = sc_open(test_url(), &db);

    ck_assert_msg(rc == SC_OK, "cannot open: %s", sc_errmsg(db));
    for (i = 0; i < sizeof ddl / sizeof ddl[0]; i++)
        exec_ok(db, ddl[i]);
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
    db = NULL;
}

/* The parts of the test URL: mariadb://user:password@host:port/db. */
typedef struct url_parts {
    char user[64], password[64], host[64], port[16], name[64];
} url_parts;

static void split_url(url_parts *u)
{
    const char *url = test_url();
    int n = sscanf(strstr(url, "://") + 3,
                   "%63[^:]:%63[^@]@%63[^:]:%15[^/]/%63[^?]", u->user,
                   u->password, u->host, u->port, u->name);

    ck_assert_int_eq(n, 5);
}

static void assert_error(int rc, int code, int ext, const char *table,
                         const char *column, const char *msg)
{
    ck_assert_msg(rc == code, "rc %d, want %d: %s", rc, code, sc_errmsg(db));
    ck_assert_int_eq(sc_extended_errcode(db), ext);
    if (table == NULL)
        ck_assert_ptr_null(sc_errtable(db));
    else
        ck_assert_pstr_eq(sc_errtable(db), table);
    if (column == NULL)
        ck_assert_ptr_null(sc_errcolumn(db));
    else
        ck_assert_pstr_eq(sc_errcolumn(db), column);
    ck_assert_msg(strstr(sc_errmsg(db), msg) != NULL,
                  "message \"%s\" lacks \"%s\"", sc_errmsg(db), msg);
}

static int64_t account(sc_db *d, const char *handle, int64_t balance)
{
    md_account a = {0, handle, balance};

    ck_assert_msg(md_accounts_insert(d, &a) == SC_OK, "%s", sc_errmsg(d));
    return a.account_id;
}

/* The first value of sql, as text, through raw SQL. */
static int keep_first(void *ctx, int ncols, const char *const *texts)
{
    char *out = ctx;

    ck_assert_int_ge(ncols, 1);
    snprintf(out, 256, "%s", texts[0] != NULL ? texts[0] : "NULL");
    return 1;
}

static void assert_server(sc_db *d, const char *sql, const char *want)
{
    char got[256] = "(no row)";

    ck_assert_msg(sc_query_sql_each(d, sql, keep_first, got) == SC_OK,
                  "%s: %s", sql, sc_errmsg(d));
    ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", sql, got,
                  want);
}

/* ---------------------------------------------------------------------
 * Connections.
 * ------------------------------------------------------------------- */

static void assert_opens(const char *url)
{
    sc_db *d = NULL;
    int rc = sc_open(url, &d);

    ck_assert_msg(rc == SC_OK, "%s: %s", url, sc_errmsg(d));
    ck_assert_int_eq(sc_db_dialect(d), SC_DIALECT_MARIADB);
    assert_server(d, "SELECT @@session.time_zone", "+00:00");
    assert_server(d, "SELECT @@session.collation_connection",
                  "utf8mb4_nopad_bin");
    assert_server(d, "SELECT 'a' || 'b'", "ab");
    sc_close(d);
}

/* 0: the URL; 1: mysql://; 2: the socket as an option; 3: the socket as
 * a percent-encoded host; 4: a connect timeout and a percent-encoded
 * user. */
START_TEST(test_url_forms)
{
    const char *sock = getenv("SCHEMAC_TEST_MARIADB_SOCKET");
    char s[1024], enc[256];
    url_parts u;
    size_t i, n = 0;

    split_url(&u);
    if (_i == 0) {
        snprintf(s, sizeof s, "%s", test_url());
    } else if (_i == 1) {
        snprintf(s, sizeof s, "mysql://%s:%s@%s:%s/%s", u.user, u.password,
                 u.host, u.port, u.name);
    } else if (_i == 2 || _i == 3) {
        ck_assert_msg(sock != NULL, "SCHEMAC_TEST_MARIADB_SOCKET unset");
        if (_i == 2) {
            snprintf(s, sizeof s, "mariadb://%s:%s@/%s?unix_socket=%s",
                     u.user, u.password, u.name, sock);
        } else {
            for (i = 0; sock[i] != '\0' && n + 4 < sizeof enc; i++)
                n += (size_t)(sock[i] == '/'
                                  ? snprintf(enc + n, sizeof enc - n, "%%2F")
                                  : snprintf(enc + n, sizeof enc - n, "%c",
                                             sock[i]));
            snprintf(s, sizeof s, "mariadb://%s:%s@%s/%s", u.user,
                     u.password, enc, u.name);
        }
    } else {
        snprintf(s, sizeof s,
                 "mariadb://%%73%s:%s@%s:%s/%s?connect_timeout=5&"
                 "ssl_mode=disable",
                 u.user + 1, u.password, u.host, u.port, u.name);
    }
    assert_opens(s);
}
END_TEST

/* Opens url, which must fail with code, naming msg and not secret. */
static void assert_open_fails(const char *url, int code, const char *msg,
                              const char *secret)
{
    sc_db *d = NULL;
    int rc = sc_open(url, &d);

    ck_assert_msg(rc == code, "%s: rc %d, want %d: %s", url, rc, code,
                  sc_errmsg(d));
    ck_assert_msg(strstr(sc_errmsg(d), secret) == NULL,
                  "the password shows: %s", sc_errmsg(d));
    ck_assert_msg(strstr(sc_errmsg(d), msg) != NULL,
                  "message \"%s\" lacks \"%s\"", sc_errmsg(d), msg);
    ck_assert_int_eq(sc_exec(d, "SELECT 1"), SC_MISUSE);
    sc_close(d);
}

START_TEST(test_bad_urls)
{
    char s[512];
    url_parts u;

    split_url(&u);
    snprintf(s, sizeof s, "mariadb://%s:Wrong-Sekrit77@%s:%s/%s", u.user,
             u.host, u.port, u.name);
    assert_open_fails(s, SC_CANTOPEN, "Access denied", "Wrong-Sekrit77");
    /* nothing listens on port 1 of loopback */
    snprintf(s, sizeof s, "mariadb://%s:%s@127.0.0.1:1/%s", u.user,
             u.password, u.name);
    assert_open_fails(s, SC_CANTOPEN, "cannot connect to", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/no_such_db", u.user,
             u.password, u.host, u.port);
    assert_open_fails(s, SC_CANTOPEN, "no_such_db", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:port/%s", u.user, u.password,
             u.host, u.name);
    assert_open_fails(s, SC_MISUSE, "port", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:99999/%s", u.user, u.password,
             u.host, u.name);
    assert_open_fails(s, SC_MISUSE, "port", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/%s?nosuch=1", u.user,
             u.password, u.host, u.port, u.name);
    assert_open_fails(s, SC_MISUSE, "nosuch", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/%s?ssl_mode=sometimes",
             u.user, u.password, u.host, u.port, u.name);
    assert_open_fails(s, SC_MISUSE, "ssl_mode", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/%s?password=Opt-Sekrit77&x",
             u.user, u.password, u.host, u.port, u.name);
    assert_open_fails(s, SC_MISUSE, "without a value", "Opt-Sekrit77");
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/%%zz", u.user, u.password,
             u.host, u.port);
    assert_open_fails(s, SC_MISUSE, "hex digits", u.password);
    assert_open_fails("mariadb://u:Sock-Sekrit77@/d?unix_socket=/nonexistent",
                      SC_CANTOPEN, "/nonexistent", "Sock-Sekrit77");
    /* the test server has no certificate: TLS required cannot be had */
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/%s?ssl_mode=require",
             u.user, u.password, u.host, u.port, u.name);
    assert_open_fails(s, SC_CANTOPEN, "SSL", u.password);
    snprintf(s, sizeof s, "mariadb://%s:%s@%s:%s/%s?sslmode=verify-full&"
                          "ssl_ca=/nonexistent.pem",
             u.user, u.password, u.host, u.port, u.name);
    assert_open_fails(s, SC_CANTOPEN, "SSL", u.password);
}
END_TEST

/* ---------------------------------------------------------------------
 * Values.
 * ------------------------------------------------------------------- */

static uint8_t all_bytes[256];

static md_sample sample(int k)
{
    static const char utf8[] =
        "ascii \x7f, 2 bytes \xc3\xa9\xc3\x9f, 3 bytes \xe2\x82\xac"
        "\xe4\xb8\xad\xef\xbf\xbd, 4 bytes \xf0\x9f\x98\x80\xf4\x8f\xbf\xbf";
    md_sample s = MD_SAMPLE_INIT;
    int i;

    for (i = 0; i < 256; i++)
        all_bytes[i] = (uint8_t)i;
    for (i = 0; i < 16; i++)
        s.u.b[i] = (uint8_t)(k * 16 + i);
    switch (k) {
    case 0: /* the highs */
        s.b = true;
        s.i16 = INT16_MAX;
        s.i32 = INT32_MAX;
        s.i64 = INT64_MAX;
        s.f32 = FLT_MAX;
        s.f64 = DBL_MAX;
        s.num = INT64_C(999999999999999999); /* 14 digits . 4 digits */
        s.big = "99999999999999999999.9999999999";
        s.txt = utf8;
        s.vc = "12345678";
        s.by = (sc_bytes){all_bytes, 256};
        s.d = sc_date_from_ymd(9999, 12, 31);
        s.ts = (int64_t)sc_date_from_ymd(9999, 12, 31) * 86400000000 +
               INT64_C(86399999999);
        s.js = "{\"a\": [1, 2.5, \"x\"], \"b\": null}";
        s.c = MD_COLOUR_ULTRA_VIOLET;
        break;
    case 1: /* the lows */
        s.i16 = INT16_MIN;
        s.i32 = INT32_MIN;
        s.i64 = INT64_MIN;
        s.f32 = -FLT_MIN;
        s.f64 = -DBL_MIN;
        s.num = -INT64_C(999999999999999999);
        s.big = "-0.0000000001";
        s.txt = "";
        s.vc = "";
        s.by = (sc_bytes){all_bytes, 0};
        s.d = sc_date_from_ymd(1, 1, 1);
        s.ts = (int64_t)sc_date_from_ymd(1, 1, 1) * 86400000000;
        s.c = MD_COLOUR_RED;
        break;
    case 2: /* before 1970, with microseconds; -0.0 */
        s.i64 = -1;
        s.f32 = -0.0f;
        s.f64 = -0.0;
        s.num = -1;
        s.big = "0.0000000000";
        s.txt = "line\nbreak, tab\t, quote ' \" backslash \\ percent %";
        s.d = sc_date_from_ymd(1969, 12, 31);
        s.ts = -1; /* 1969-12-31 23:59:59.999999 */
        s.c = MD_COLOUR_BLUE;
        break;
    default: /* an ordinary row */
        s.b = true;
        s.i16 = 12;
        s.i32 = -123456;
        s.i64 = INT64_C(1) << 53;
        s.f32 = 0.1f;
        s.f64 = 0.1;
        s.num = 12345;
        s.txt = "hello";
        s.d = sc_date_from_ymd(2024, 2, 29);
        s.ts = INT64_C(1709210096123456);
        s.js = "[]";
        break;
    }
    return s;
}

/* Floats come back bit for bit, but for -0.0: MariaDB keeps zero's sign
 * no more than SQLite does, and gives 0.0. */
static void assert_float(double want, double got)
{
    if (want == 0 && signbit(want))
        want = 0.0;
    ck_assert_msg(memcmp(&want, &got, sizeof want) == 0, "got %.17g, want "
                  "%.17g", got, want);
}

static void assert_same(const md_sample *a, const md_sample *b)
{
    ck_assert(a->b == b->b);
    ck_assert_int_eq(a->i16, b->i16);
    ck_assert_int_eq(a->i32, b->i32);
    ck_assert(a->i64 == b->i64);
    assert_float(a->f32, b->f32);
    assert_float(a->f64, b->f64);
    ck_assert_msg(a->num == b->num, "num %lld, want %lld",
                  (long long)b->num, (long long)a->num);
    ck_assert_pstr_eq(a->txt, b->txt);
    ck_assert_pstr_eq(a->vc, b->vc);
    ck_assert_uint_eq(a->by.len, b->by.len);
    if (a->by.data != NULL)
        ck_assert(b->by.data != NULL &&
                  memcmp(a->by.data, b->by.data, a->by.len) == 0);
    else
        ck_assert_ptr_null(b->by.data);
    ck_assert_int_eq(a->d, b->d);
    ck_assert_msg(a->ts == b->ts, "ts %lld, want %lld", (long long)b->ts,
                  (long long)a->ts);
    ck_assert(memcmp(&a->u, &b->u, sizeof a->u) == 0);
    ck_assert_int_eq(a->c, b->c);
}

START_TEST(test_round_trip)
{
    md_sample row = sample(_i), got;
    char sql[160], want[128];

    ck_assert_msg(md_samples_insert(db, &row) == SC_OK, "%s", sc_errmsg(db));
    ck_assert_int_gt(row.id, 0);
    memset(&got, 0, sizeof got);
    ck_assert_msg(md_samples_get(db, arena, row.id, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    assert_same(&row, &got);
    ck_assert_pstr_eq(got.js, row.js);
    /* the big decimal reads back as MariaDB prints DECIMAL(30,10) */
    if (_i == 0)
        ck_assert_pstr_eq(got.big, "99999999999999999999.9999999999");
    else if (_i == 1)
        ck_assert_pstr_eq(got.big, "-0.0000000001");
    /* the server's own reading of what was stored */
    snprintf(sql, sizeof sql,
             "SELECT CONCAT(\"num\", ' ', \"d\", ' ', \"ts\", ' ', "
             "HEX(\"u\"), ' ', LENGTH(\"txt\")) FROM \"samples\" WHERE "
             "\"id\" = %lld",
             (long long)row.id);
    if (_i == 2) {
        snprintf(want, sizeof want, "-0.0001 1969-12-31 1969-12-31 "
                                    "23:59:59.999999 202122232425262728292"
                                    "A2B2C2D2E2F %zu",
                 strlen(row.txt));
        assert_server(db, sql, want);
    }
    if (_i == 3)
        assert_server(db, sql, "1.2345 2024-02-29 2024-02-29 "
                               "12:34:56.123456 303132333435363738393A3B3"
                               "C3D3E3F 5");
    /* and the row found again by its values */
    {
        md_samples_query *q = md_samples_select(db);
        int64_t n = -1;

        md_samples_where(q, NUM, EQ, row.num);
        md_samples_where(q, TS, EQ, row.ts);
        md_samples_where(q, D, EQ, row.d);
        md_samples_where(q, I64, EQ, row.i64);
        ck_assert_int_eq(md_samples_count(q, &n), SC_OK);
        ck_assert_int_eq(n, 1);
        md_samples_query_free(q);
    }
}
END_TEST

START_TEST(test_value_refusals)
{
    md_sample row = sample(3);

    row.f64 = NAN;
    assert_error(md_samples_insert(db, &row), SC_RANGE, SC_RANGE, "samples",
                 "f64", "NaN");
    row = sample(3);
    row.f32 = INFINITY;
    assert_error(md_samples_insert(db, &row), SC_RANGE, SC_RANGE, "samples",
                 "f32", "infinity");
    row = sample(3);
    row.d = sc_date_from_ymd(10000, 1, 1);
    assert_error(md_samples_insert(db, &row), SC_RANGE, SC_RANGE, "samples",
                 "d", "range");
    row = sample(3);
    row.ts = (int64_t)sc_date_from_ymd(-1, 12, 31) * 86400000000;
    assert_error(md_samples_insert(db, &row), SC_RANGE, SC_RANGE, "samples",
                 "ts", "range");
}
END_TEST

#define BIG (4u << 20)

START_TEST(test_big_values)
{
    md_sample row = sample(3), got;
    uint8_t *bytes = malloc(BIG);
    char *text = malloc(BIG + 1);
    size_t i;

    ck_assert(bytes != NULL && text != NULL);
    for (i = 0; i < BIG; i++) {
        bytes[i] = (uint8_t)(i * 7 + (i >> 12));
        text[i] = (char)('a' + i % 26);
    }
    text[BIG] = '\0';
    memcpy(text + 1000, "\xc3\xa9\xf0\x9f\x98\x80", 6);
    row.txt = text;
    row.by = (sc_bytes){bytes, BIG};
    ck_assert_msg(md_samples_insert(db, &row) == SC_OK, "%s", sc_errmsg(db));
    memset(&got, 0, sizeof got);
    ck_assert_msg(md_samples_get(db, arena, row.id, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_uint_eq(strlen(got.txt), BIG);
    ck_assert(memcmp(got.txt, text, BIG) == 0);
    ck_assert_uint_eq(got.by.len, BIG);
    ck_assert(memcmp(got.by.data, bytes, BIG) == 0);
    free(bytes);
    free(text);
}
END_TEST

/* An UPDATE that writes the values a row already has still finds it. */
START_TEST(test_update_same_values)
{
    md_account a = {0, "same", 500};

    ck_assert_int_eq(md_accounts_insert(db, &a), SC_OK);
    ck_assert_msg(md_accounts_update(db, &a) == SC_OK, "%s", sc_errmsg(db));
    a.account_id += 1000;
    ck_assert_int_eq(md_accounts_update(db, &a), SC_NOTFOUND);
}
END_TEST

/* Every statement is prepared once per connection: a hundred inserts,
 * gets and queries later, nothing more was prepared. */
START_TEST(test_prepared_once)
{
    md_account a = {0, "first", 1}, got;
    md_accounts_query *q;
    sc_stats before, after;
    char handle[16];
    int64_t n;
    int i;

    ck_assert_int_eq(md_accounts_insert(db, &a), SC_OK);
    ck_assert_int_eq(md_accounts_get(db, arena, a.account_id, &got), SC_OK);
    q = md_accounts_select(db);
    md_accounts_where(q, HANDLE, EQ, "first");
    ck_assert_int_eq(md_accounts_count(q, &n), SC_OK);
    md_accounts_query_free(q);
    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    for (i = 0; i < 100; i++) {
        snprintf(handle, sizeof handle, "n%d", i);
        a = (md_account){0, handle, i};
        ck_assert_int_eq(md_accounts_insert(db, &a), SC_OK);
        ck_assert_int_eq(md_accounts_get(db, arena, a.account_id, &got),
                         SC_OK);
        ck_assert_str_eq(got.handle, handle);
        q = md_accounts_select(db);
        md_accounts_where(q, HANDLE, EQ, handle);
        ck_assert_int_eq(md_accounts_count(q, &n), SC_OK);
        ck_assert_int_eq(n, 1);
        md_accounts_query_free(q);
    }
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_uint_eq(after.prepares, before.prepares);
    ck_assert_uint_ge(after.reuses - before.reuses, 300);
}
END_TEST

/* ---------------------------------------------------------------------
 * Errors.
 * ------------------------------------------------------------------- */

START_TEST(test_constraint_errors)
{
    int64_t a = account(db, "alice", 1000), b = account(db, "bob", 0);
    md_account dup = {0, "alice", 5};
    md_transfer t = {0, a, b, 100};
    md_tag tag = {"x", NULL};
    md_sample s = sample(3);

    /* 1062 on a unique key, then on the primary key */
    assert_error(md_accounts_insert(db, &dup), SC_CONSTRAINT,
                 SC_CONSTRAINT_UNIQUE, "accounts", "handle", "unique");
    ck_assert_int_eq(md_tags_insert(db, &tag), SC_OK);
    /* MariaDB's message names the key (PRIMARY) but not its columns:
     * they are read from information_schema */
    assert_error(md_tags_insert(db, &tag), SC_CONSTRAINT,
                 SC_CONSTRAINT_PRIMARYKEY, "tags", "name",
                 "primary key constraint failed on tags.name");
    /* 1452: no such parent; 1451: a parent still referenced */
    t.from_id = 9999;
    assert_error(md_transfers_insert(db, &t), SC_CONSTRAINT,
                 SC_CONSTRAINT_FOREIGNKEY, "transfers", "from_id",
                 "foreign key");
    t.from_id = a;
    ck_assert_int_eq(md_transfers_insert(db, &t), SC_OK);
    assert_error(md_accounts_delete(db, a), SC_CONSTRAINT,
                 SC_CONSTRAINT_FOREIGNKEY, "accounts", NULL,
                 "still referenced");
    /* 4025: named checks, of a column and of the table */
    dup.handle = "carol";
    dup.balance = -1;
    assert_error(md_accounts_insert(db, &dup), SC_CONSTRAINT,
                 SC_CONSTRAINT_CHECK, "accounts", "balance",
                 "check constraint failed on accounts.balance");
    t.amount = 0;
    assert_error(md_transfers_insert(db, &t), SC_CONSTRAINT,
                 SC_CONSTRAINT_CHECK, "transfers", NULL,
                 "check constraint failed on transfers");
    /* 1406: too long for a varchar(8) */
    s.vc = "123456789";
    assert_error(md_samples_insert(db, &s), SC_CONSTRAINT,
                 SC_CONSTRAINT_CHECK, "samples", "vc", "at most 8");
    /* 1264: too many digits for DECIMAL(10,2) */
    dup.balance = INT64_C(100000000000);
    assert_error(md_accounts_insert(db, &dup), SC_CONSTRAINT,
                 SC_CONSTRAINT_CHECK, "accounts", "balance", "at most 10");
    /* 1048 in raw SQL: the column is named */
    ck_assert_int_eq(sc_exec(db, "INSERT INTO \"events\" (\"n\", \"label\") "
                                 "VALUES (1, NULL)"),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_NOTNULL);
    ck_assert_pstr_eq(sc_errcolumn(db), "label");
    ck_assert_int_eq(sc_exec(db, "SELEC 1"), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "SQL syntax"));
    /* nothing of the failures was kept */
    assert_server(db, "SELECT COUNT(*) FROM \"accounts\"", "2");
}
END_TEST

/* 1205: a row another transaction holds, waited for too long. */
START_TEST(test_lock_wait)
{
    int64_t a = account(db, "locked", 0);
    md_account row = {a, "locked", 100};
    sc_db *other = NULL;

    ck_assert_int_eq(sc_open(test_url(), &other), SC_OK);
    exec_ok(other, "SET SESSION innodb_lock_wait_timeout = 1");
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(md_accounts_update(db, &row), SC_OK);
    row.balance = 200;
    ck_assert_int_eq(md_accounts_update(other, &row), SC_BUSY);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(other), "Lock wait timeout"));
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(md_accounts_update(other, &row), SC_OK);
    sc_close(other);
}
END_TEST

typedef struct crosser {
    int64_t first, second;
    const char *h1, *h2; /* their handles */
    int rc;
} crosser;

/* Takes row first, waits for the other thread to take its own, then
 * takes row second. */
static void *cross(void *arg)
{
    crosser *x = arg;
    md_account r1 = {x->first, x->h1, 1}, r2 = {x->second, x->h2, 2};
    sc_db *d = NULL;

    if (sc_open(test_url(), &d) != SC_OK) {
        x->rc = -1;
        return NULL;
    }
    x->rc = sc_begin(d);
    if (x->rc == SC_OK)
        x->rc = md_accounts_update(d, &r1);
    usleep(300000);
    if (x->rc == SC_OK)
        x->rc = md_accounts_update(d, &r2);
    if (x->rc == SC_OK)
        x->rc = sc_commit(d);
    else if (sc_txn_depth(d) > 0)
        sc_rollback(d);
    sc_close(d);
    return NULL;
}

/* 1213: two transactions taking two rows in opposite orders. */
START_TEST(test_deadlock)
{
    int64_t a = account(db, "acc1", 0), b = account(db, "acc2", 0);
    crosser x = {a, b, "acc1", "acc2", 0}, y = {b, a, "acc2", "acc1", 0};
    pthread_t tx, ty;

    ck_assert_int_eq(pthread_create(&tx, NULL, cross, &x), 0);
    ck_assert_int_eq(pthread_create(&ty, NULL, cross, &y), 0);
    pthread_join(tx, NULL);
    pthread_join(ty, NULL);
    ck_assert_msg((x.rc == SC_OK && y.rc == SC_BUSY) ||
                      (x.rc == SC_BUSY && y.rc == SC_OK),
                  "rc %d and %d", x.rc, y.rc);
}
END_TEST

static int keep_int(void *ctx, int ncols, const char *const *texts)
{
    (void)ncols;
    *(long long *)ctx = strtoll(texts[0], NULL, 10);
    return 0;
}

/* 2013/2006: the server ends the connection under its feet. */
START_TEST(test_connection_lost)
{
    sc_db *d = NULL;
    long long id = 0;
    char sql[64];

    ck_assert_int_eq(sc_open(test_url(), &d), SC_OK);
    ck_assert_int_eq(sc_query_sql_each(d, "SELECT CONNECTION_ID()",
                                       keep_int, &id),
                     SC_OK);
    snprintf(sql, sizeof sql, "KILL %lld", id);
    exec_ok(db, sql);
    ck_assert_int_eq(sc_exec(d, "SELECT 1"), SC_ERROR);
    ck_assert_msg(strstr(sc_errmsg(d), "connection to the server was lost"),
                  "%s", sc_errmsg(d));
    ck_assert_int_eq(sc_begin(d), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(d), "lost"));
    ck_assert_int_eq(sc_txn_depth(d), 0);
    sc_close(d);
}
END_TEST

/* ---------------------------------------------------------------------
 * Transactions.
 * ------------------------------------------------------------------- */

START_TEST(test_savepoints)
{
    md_account dup = {0, "one", 0};

    ck_assert_int_eq(sc_begin(db), SC_OK);
    account(db, "one", 1);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 2);
    account(db, "two", 2);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    account(db, "three", 3);
    ck_assert_int_eq(md_accounts_insert(db, &dup), SC_CONSTRAINT);
    ck_assert_int_eq(sc_commit(db), SC_OK); /* releases the savepoint */
    ck_assert_int_eq(sc_txn_depth(db), 1);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    assert_server(db,
                  "SELECT GROUP_CONCAT(\"handle\" ORDER BY \"handle\") "
                  "FROM \"accounts\"",
                  "one,three");
    ck_assert_int_eq(sc_begin(db), SC_OK);
    account(db, "four", 4);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    assert_server(db, "SELECT COUNT(*) FROM \"accounts\"", "2");
}
END_TEST

START_TEST(test_insert_many)
{
    md_account rows[1000];
    char handles[1000][16];
    sc_stats st;
    int i;

    for (i = 0; i < 1000; i++) {
        snprintf(handles[i], sizeof handles[i], "h%d", i);
        rows[i] = (md_account){0, handles[i], i};
    }
    ck_assert_msg(md_accounts_insert_many(db, rows, 1000) == SC_OK, "%s",
                  sc_errmsg(db));
    for (i = 1; i < 1000; i++)
        ck_assert_int_eq(rows[i].account_id, rows[i - 1].account_id + 1);
    assert_server(db, "SELECT SUM(\"balance\") FROM \"accounts\"",
                  "4995.00");
    ck_assert_int_eq(sc_db_stats(db, &st), SC_OK);
    /* one failing row takes every row with it */
    for (i = 0; i < 1000; i++) {
        snprintf(handles[i], sizeof handles[i], "g%d", i);
        rows[i].account_id = 0;
    }
    rows[637].handle = "h5";
    ck_assert_int_eq(md_accounts_insert_many(db, rows, 1000), SC_CONSTRAINT);
    ck_assert_msg(strncmp(sc_errmsg(db), "row 637 of 1000: ", 17) == 0,
                  "%s", sc_errmsg(db));
    ck_assert_pstr_eq(sc_errcolumn(db), "handle");
    assert_server(db, "SELECT COUNT(*) FROM \"accounts\"", "1000");
}
END_TEST

/* ---------------------------------------------------------------------
 * Streams and raw SQL.
 * ------------------------------------------------------------------- */

/* Resident memory in kB, from /proc/self/statm. */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld %ld", &size, &resident), 2);
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

typedef struct stream_state {
    int64_t rows;
    int64_t sum;
    long rss_early, rss_late;
    int inner;
} stream_state;

static int on_event(void *ctx, const md_event *e)
{
    stream_state *s = ctx;
    char want[32];
    md_event other;

    snprintf(want, sizeof want, "label %lld", (long long)e->n);
    ck_assert_pstr_eq(e->label, want);
    s->rows++;
    s->sum += e->n;
    if (s->rows % 5000 == 0) { /* another statement between two rows */
        memset(&other, 0, sizeof other);
        ck_assert_msg(md_events_get(db, arena, e->event_id, &other) == SC_OK,
                      "%s", sc_errmsg(db));
        ck_assert(other.n == e->n);
        account(db, want + 6, 0);
        s->inner++;
    }
    if (s->rows == 2000)
        s->rss_early = rss_kb();
    if (s->rows == NSTREAM)
        s->rss_late = rss_kb();
    return 0;
}

START_TEST(test_stream)
{
    stream_state s = {0, 0, 0, 0, 0};
    md_events_query *q;

    exec_ok(db, "INSERT INTO \"events\" (\"n\", \"label\") SELECT \"seq\", "
                "CONCAT('label ', \"seq\") FROM seq_1_to_100000");
    q = md_events_select(db);
    md_events_order_by(q, EVENT_ID, SC_ASC);
    ck_assert_msg(md_events_each(q, on_event, &s) == SC_OK, "%s",
                  sc_errmsg(db));
    md_events_query_free(q);
    ck_assert_int_eq(s.rows, NSTREAM);
    ck_assert(s.sum == (int64_t)NSTREAM * (NSTREAM + 1) / 2);
    ck_assert_int_eq(s.inner, NSTREAM / 5000);
    /* the rows written inside the stream were committed with it */
    assert_server(db, "SELECT COUNT(*) FROM \"accounts\"", "20");
    fprintf(stderr, "stream: resident %ld kB at row 2000, %ld kB at row "
                    "%d\n", s.rss_early, s.rss_late, NSTREAM);
    ck_assert_msg(!TESTDB_MEMORY_MEANINGFUL ||
                      s.rss_late - s.rss_early < 2048,
                  "memory grew from %ld to %ld kB over the stream",
                  s.rss_early, s.rss_late);
}
END_TEST

/* The generated query builders over MariaDB: text in byte order, like
 * with its escape, prefixes, in-lists, limits, bulk changes. */
START_TEST(test_queries)
{
    static const char *const handles[] = {"B", "Z", "_", "a", "a%b",
                                          "a_c", "ab", "\xc3\x89"};
    static const char *const some[] = {"Z", "ab", "none"};
    md_accounts_query *q;
    md_account_list list;
    int64_t n = -1;
    size_t i;
    bool yes = false;

    for (i = 0; i < sizeof handles / sizeof handles[0]; i++)
        account(db, handles[i], (int64_t)i * 100);
    q = md_accounts_select(db);
    md_accounts_order_by(q, HANDLE, SC_ASC);
    ck_assert_msg(md_accounts_all(q, arena, &list) == SC_OK, "%s",
                  sc_errmsg(db));
    md_accounts_query_free(q);
    ck_assert_uint_eq(list.len, sizeof handles / sizeof handles[0]);
    for (i = 0; i < list.len; i++) /* byte order, as inserted */
        ck_assert_str_eq(list.items[i].handle, handles[i]);

    q = md_accounts_select(db);
    md_accounts_where(q, HANDLE, LIKE, "a\\%%");
    ck_assert_int_eq(md_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1); /* "a%b" only */
    md_accounts_query_free(q);
    q = md_accounts_select(db);
    md_accounts_where(q, HANDLE, STARTS_WITH, "a_");
    ck_assert_int_eq(md_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1); /* "a_c", the _ taken as it is */
    md_accounts_query_free(q);
    q = md_accounts_select(db);
    md_accounts_where(q, HANDLE, GT, "Z");
    ck_assert_int_eq(md_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 6); /* "_" and the lower case sort after "Z" */
    md_accounts_query_free(q);
    q = md_accounts_select(db);
    md_accounts_where_in(q, HANDLE, some, 3);
    ck_assert_int_eq(md_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 2);
    md_accounts_query_free(q);

    q = md_accounts_select(db);
    md_accounts_order_by(q, BALANCE, SC_DESC);
    md_accounts_limit(q, 2);
    md_accounts_offset(q, 1);
    ck_assert_int_eq(md_accounts_all(q, arena, &list), SC_OK);
    md_accounts_query_free(q);
    ck_assert_uint_eq(list.len, 2);
    ck_assert_str_eq(list.items[0].handle, "ab");
    ck_assert_str_eq(list.items[1].handle, "a_c");

    q = md_accounts_select(db);
    md_accounts_where(q, BALANCE, GE, 500);
    md_accounts_set(q, BALANCE, 1);
    ck_assert_msg(md_accounts_update_all(q, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(n, 3);
    md_accounts_query_free(q);
    q = md_accounts_select(db);
    md_accounts_where(q, BALANCE, EQ, 1);
    ck_assert_int_eq(md_accounts_exists(q, &yes), SC_OK);
    ck_assert(yes);
    ck_assert_int_eq(md_accounts_delete_all(q, &n), SC_OK);
    ck_assert_int_eq(n, 3);
    md_accounts_query_free(q);
    assert_server(db, "SELECT COUNT(*) FROM \"accounts\"", "5");
}
END_TEST

typedef struct raw_rows {
    int n;
    char text[8][64];
} raw_rows;

static int keep_row(void *ctx, int ncols, const char *const *texts)
{
    raw_rows *r = ctx;
    int i;

    r->n++;
    for (i = 0; i < ncols && i < 8; i++)
        snprintf(r->text[i], sizeof r->text[i], "%s",
                 texts[i] != NULL ? texts[i] : "NULL");
    return 0;
}

START_TEST(test_raw_sql)
{
    raw_rows r;

    memset(&r, 0, sizeof r);
    ck_assert_msg(sc_query_sql_each(db,
                                    "SELECT 42, 'x\\\\y', NULL, 1.5e0, "
                                    "CAST('2024-01-02' AS DATE), "
                                    "CAST('2024-01-02 03:04:05.5' AS "
                                    "DATETIME(6)), 12.50, 'a' || 'b'",
                                    keep_row, &r) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(r.n, 1);
    ck_assert_str_eq(r.text[0], "42");
    ck_assert_str_eq(r.text[1], "x\\y"); /* '\\' is one backslash */
    ck_assert_str_eq(r.text[2], "NULL");
    ck_assert_str_eq(r.text[3], "1.5");
    ck_assert_str_eq(r.text[4], "2024-01-02");
    ck_assert_str_eq(r.text[5], "2024-01-02 03:04:05.500000");
    ck_assert_str_eq(r.text[6], "12.50");
    ck_assert_str_eq(r.text[7], "ab");
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT * FROM nowhere",
                                       keep_row, &r),
                     SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "nowhere"));
}
END_TEST

/* A row function of raw SQL's rows that runs a query of its own: the
 * outer result, read unbuffered, goes to its temporary file at the
 * inner query, and its rows go on from there, in order and whole. */
typedef struct nested_rows {
    int n;
    char outer[4][16];
    raw_rows inner;
} nested_rows;

static int nested_row(void *ctx, int ncols, const char *const *texts)
{
    nested_rows *r = ctx;

    ck_assert_int_eq(ncols, 1);
    if (r->n < 4)
        snprintf(r->outer[r->n], sizeof r->outer[r->n], "%s", texts[0]);
    r->n++;
    ck_assert_int_eq(sc_query_sql_each(db, "SELECT 'inner'", keep_row,
                                       &r->inner),
                     SC_OK);
    return 0;
}

START_TEST(test_raw_sql_nested)
{
    nested_rows r;

    memset(&r, 0, sizeof r);
    ck_assert_msg(sc_query_sql_each(db,
                                    "SELECT 'one' UNION ALL SELECT 'two' "
                                    "UNION ALL SELECT 'three'",
                                    nested_row, &r) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(r.n, 3);
    ck_assert_str_eq(r.outer[0], "one");
    ck_assert_str_eq(r.outer[1], "two");
    ck_assert_str_eq(r.outer[2], "three");
    ck_assert_int_eq(r.inner.n, 3);
    ck_assert_str_eq(r.inner.text[0], "inner");
}
END_TEST

/* A statement's result columns stay bound from one execution to the
 * next: after an ALTER TABLE the server sends the result's metadata
 * anew, and a value longer than the column's buffer grows it; the rows
 * read after either are read whole and right. */
START_TEST(test_metadata_anew)
{
    md_tag tag = {"t", "short"}, other = {"u", "other"}, got;
    char long_note[1001];
    int i;

    memset(long_note, 'n', sizeof long_note - 1);
    long_note[sizeof long_note - 1] = '\0';
    ck_assert_int_eq(md_tags_insert(db, &tag), SC_OK);
    ck_assert_int_eq(md_tags_insert(db, &other), SC_OK);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(md_tags_get(db, arena, "t", &got), SC_OK);
        ck_assert_str_eq(got.note, "short");
    }
    exec_ok(db, "ALTER TABLE \"tags\" MODIFY \"note\" MEDIUMTEXT");
    ck_assert_msg(md_tags_get(db, arena, "t", &got) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(got.name, "t");
    ck_assert_str_eq(got.note, "short");
    tag.note = long_note;
    ck_assert_int_eq(md_tags_update(db, &tag), SC_OK);
    ck_assert_int_eq(md_tags_get(db, arena, "t", &got), SC_OK);
    ck_assert_str_eq(got.note, long_note);
    ck_assert_int_eq(md_tags_get(db, arena, "u", &got), SC_OK);
    ck_assert_str_eq(got.name, "u");
    ck_assert_str_eq(got.note, "other");
    ck_assert_int_eq(md_tags_get(db, arena, "t", &got), SC_OK);
    ck_assert_str_eq(got.note, long_note);
}
END_TEST

/* A column of another type than the descriptor's is refused once. */
/* A bool of 0 or 1 is read straight, any other the careful way, which
 * refuses it naming the table, the column and the row's key, in a get
 * and in a stream alike. */
static int count_row(void *ctx, const md_sample *row)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

START_TEST(test_bool_read)
{
    md_sample row = sample(3), got;
    md_samples_query *q;
    char sql[96], key[32];
    int rows = 0;

    row.b = true;
    ck_assert_msg(md_samples_insert(db, &row) == SC_OK, "%s", sc_errmsg(db));
    memset(&got, 0, sizeof got);
    ck_assert_int_eq(md_samples_get(db, arena, row.id, &got), SC_OK);
    ck_assert(got.b == true);
    snprintf(sql, sizeof sql, "UPDATE \"samples\" SET \"b\" = 2 WHERE "
                              "\"id\" = %lld", (long long)row.id);
    exec_ok(db, sql);
    snprintf(key, sizeof key, "%lld", (long long)row.id);
    memset(&got, 0, sizeof got);
    assert_error(md_samples_get(db, arena, row.id, &got), SC_RANGE,
                 SC_RANGE, "samples", "b", key);
    q = md_samples_select(db);
    md_samples_where(q, ID, EQ, row.id);
    assert_error(md_samples_each(q, count_row, &rows), SC_RANGE, SC_RANGE,
                 "samples", "b", key);
    ck_assert_int_eq(rows, 0);
    md_samples_query_free(q);
}
END_TEST

START_TEST(test_wrong_type)
{
    md_tag tag = {"t", "note"}, got;

    ck_assert_int_eq(md_tags_insert(db, &tag), SC_OK);
    exec_ok(db, "UPDATE \"tags\" SET \"note\" = '7'");
    exec_ok(db, "ALTER TABLE \"tags\" MODIFY \"note\" BIGINT");
    sc_close(db);
    ck_assert_int_eq(sc_open(test_url(), &db), SC_OK);
    assert_error(md_tags_get(db, arena, "t", &got), SC_RANGE, SC_RANGE,
                 "tags", "note", "bigint");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("mariadb");
    TCase *tc;

    tc = tcase_create("connections");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_url_forms, 0, 5);
    tcase_add_test(tc, test_bad_urls);
    tcase_add_test(tc, test_connection_lost);
    suite_add_tcase(s, tc);

    tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_round_trip, 0, 4);
    tcase_add_test(tc, test_value_refusals);
    tcase_add_test(tc, test_big_values);
    tcase_add_test(tc, test_update_same_values);
    tcase_add_test(tc, test_prepared_once);
    tcase_add_test(tc, test_metadata_anew);
    tcase_add_test(tc, test_wrong_type);
    tcase_add_test(tc, test_bool_read);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_constraint_errors);
    tcase_add_test(tc, test_lock_wait);
    tcase_add_test(tc, test_deadlock);
    suite_add_tcase(s, tc);

    tc = tcase_create("transactions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_savepoints);
    tcase_add_test(tc, test_insert_many);
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_raw_sql);
    tcase_add_test(tc, test_raw_sql_nested);
    tcase_add_test(tc, test_queries);
    suite_add_tcase(s, tc);
    return s;
}
