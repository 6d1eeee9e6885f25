/*
 * test-postgres.c - what is particular to the PostgreSQL backend
 * (runtime/postgres.c): the forms of connection strings, failover,
 * failed opens that must not quote a password, SQLSTATEs mapped onto
 * the codes and wording of SQLite, transactions after an error, prepared
 * statements, pipelined batches, and binary round trips of every type at
 * its edges, checked against the server's own reading of the values.
 *
 * The server is the one SCHEMAC_TEST_URL names; tests/scripts/with-pg.sh
 * starts one and sets it.  Without it every test fails: this suite is
 * never meant to pass against nothing.  The code under test is generated
 * from tests/data/postgres.schema.
 */
#include <arpa/inet.h>
#include <check.h>
#include <float.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pg_db.h"

#define NMANY 1000

static sc_db *db;
static sc_arena *arena;

/* ---------------------------------------------------------------------
 * Fixture and helpers.
 * ------------------------------------------------------------------- */

static const char *test_url(void)
{
    const char *url = getenv("SCHEMAC_TEST_URL");

    ck_assert_msg(url != NULL && strncmp(url, "postgres", 8) == 0,
                  "SCHEMAC_TEST_URL must name a PostgreSQL server: run "
                  "this test through tests/scripts/with-pg.sh");
    return url;
}

static void exec_ok(sc_db *d, const char *sql)
{
    ck_assert_msg(sc_exec(d, sql) == SC_OK, "%s: %s", sql, sc_errmsg(d));
}

static void setup(void)
{
    int rc = sc_open(test_url(), &db);

    ck_assert_msg(rc == SC_OK, "cannot open: %s", sc_errmsg(db));
    exec_ok(db, "SET client_min_messages TO warning");
    exec_ok(db, "DROP SCHEMA IF EXISTS public CASCADE");
    exec_ok(db, "CREATE SCHEMA public");
    ck_assert_msg(pg_create_all(db) == SC_OK, "%s", sc_errmsg(db));
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
    db = NULL;
}

/* The option key of the test URL, as libpq reads it ("" when unset). */
static void url_option(const char *key, char *out, size_t size)
{
    PQconninfoOption *opts = PQconninfoParse(test_url(), NULL), *o;

    ck_assert_ptr_nonnull(opts);
    out[0] = '\0';
    for (o = opts; o->keyword != NULL; o++) {
        if (strcmp(o->keyword, key) == 0 && o->val != NULL)
            snprintf(out, size, "%s", o->val);
    }
    PQconninfoFree(opts);
}

/* A TCP port of 127.0.0.1 on which nothing listens. */
static int closed_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd); /* bound, never listening: now closed */
    return ntohs(a.sin_port);
}

/* The first value of sql, as text, read by libpq apart from schemac:
 * how the server itself understands what schemac stored. */
static char *server_text(const char *sql)
{
    PGconn *c = PQconnectdb(test_url());
    PGresult *res;
    char *s;

    ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
    res = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK &&
                      PQntuples(res) == 1,
                  "%s: %s", sql, PQerrorMessage(c));
    s = strdup(PQgetisnull(res, 0, 0) ? "NULL" : PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(c);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void assert_server(const char *sql, const char *want)
{
    char *got = server_text(sql);

    ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", sql, got,
                  want);
    free(got);
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

static int64_t account(const char *handle, int64_t balance)
{
    pg_account a = {0, handle, balance};

    ck_assert_msg(pg_accounts_insert(db, &a) == SC_OK, "%s", sc_errmsg(db));
    return a.account_id;
}

static int64_t count_accounts(void)
{
    pg_accounts_query *q = pg_accounts_select(db);
    int64_t n = -1;

    ck_assert_int_eq(pg_accounts_count(q, &n), SC_OK);
    pg_accounts_query_free(q);
    return n;
}

/* ---------------------------------------------------------------------
 * Connections.
 * ------------------------------------------------------------------- */

static void assert_opens(const char *conninfo)
{
    sc_db *d = NULL;
    int rc = sc_open(conninfo, &d);

    ck_assert_msg(rc == SC_OK, "%s: %s", conninfo, sc_errmsg(d));
    ck_assert_int_eq(sc_db_dialect(d), SC_DIALECT_POSTGRESQL);
    exec_ok(d, "SELECT 1");
    sc_close(d);
}

/* 0: the URL; 1: postgres://; 2: the keyword form; 3: keywords with
 * spaces around '=' and quoted values. */
START_TEST(test_connection_forms)
{
    char host[128], port[16], user[64], name[64], s[512];

    url_option("host", host, sizeof host);
    url_option("port", port, sizeof port);
    url_option("user", user, sizeof user);
    url_option("dbname", name, sizeof name);
    if (_i == 0)
        snprintf(s, sizeof s, "%s", test_url());
    else if (_i == 1)
        snprintf(s, sizeof s, "postgres://%s@%s:%s/%s", user, host, port,
                 name);
    else if (_i == 2)
        snprintf(s, sizeof s, "host=%s port=%s user=%s dbname=%s", host,
                 port, user, name);
    else
        snprintf(s, sizeof s, "host = '%s' port= %s user ='%s' dbname=%s",
                 host, port, user, name);
    assert_opens(s);
}
END_TEST

/* The first host refuses; libpq goes on to the second. */
START_TEST(test_failover)
{
    char host[128], port[16], user[64], name[64], s[512];

    url_option("host", host, sizeof host);
    url_option("port", port, sizeof port);
    url_option("user", user, sizeof user);
    url_option("dbname", name, sizeof name);
    snprintf(s, sizeof s,
             "postgresql://%s@127.0.0.1:%d,%s:%s/%s"
             "?target_session_attrs=read-write&connect_timeout=5",
             user, closed_port(), host, port, name);
    assert_opens(s);
    snprintf(s, sizeof s, "host=127.0.0.1,%s port=%d,%s user=%s dbname=%s",
             host, closed_port(), port, user, name);
    assert_opens(s);
}
END_TEST

static void assert_open_fails(const char *conninfo, const char *secret,
                              const char *msg)
{
    sc_db *d = NULL;
    int rc = sc_open(conninfo, &d);

    ck_assert_ptr_nonnull(d);
    ck_assert_msg(rc == SC_CANTOPEN, "%s: rc %d: %s", conninfo, rc,
                  sc_errmsg(d));
    ck_assert_msg(strstr(sc_errmsg(d), secret) == NULL,
                  "the password shows: %s", sc_errmsg(d));
    ck_assert_msg(strstr(sc_errmsg(d), msg) != NULL,
                  "message \"%s\" lacks \"%s\"", sc_errmsg(d), msg);
    ck_assert_int_eq(sc_exec(d, "SELECT 1"), SC_MISUSE);
    sc_close(d);
}

START_TEST(test_wrong_password)
{
    const char *auth = getenv("SCHEMAC_TEST_AUTH_URL");
    const char *colon, *at;
    char s[512];

    ck_assert_msg(auth != NULL, "SCHEMAC_TEST_AUTH_URL is set by with-pg.sh");
    colon = strchr(auth + strlen("postgresql://"), ':');
    at = strchr(auth, '@');
    ck_assert(colon != NULL && at != NULL && colon < at);
    assert_opens(auth);
    snprintf(s, sizeof s, "%.*sWrongSecret42%s", (int)(colon + 1 - auth),
             auth, at);
    assert_open_fails(s, "WrongSecret42",
                      "password authentication failed for user "
                      "\"schemac_auth\"");
    ck_assert_ptr_nonnull(strstr(s, "WrongSecret42"));
}
END_TEST

START_TEST(test_unknown_database)
{
    char host[128], port[16], s[512];

    url_option("host", host, sizeof host);
    url_option("port", port, sizeof port);
    snprintf(s, sizeof s, "postgresql://postgres:Hunter2Secret@%s:%s/"
             "no_such_db?sslmode=disable&password=Other2Secret", host, port);
    assert_open_fails(s, "Secret", "database \"no_such_db\" does not exist");
    ck_assert_ptr_null(strstr(s, "***"));
}
END_TEST

START_TEST(test_closed_port)
{
    char s[512];

    snprintf(s, sizeof s, "host=127.0.0.1 port=%d user=x "
             "password='Top Secret99' dbname=y", closed_port());
    assert_open_fails(s, "Secret99", "password=***");
    snprintf(s, sizeof s, "postgresql://x:Top%%20Secret99@127.0.0.1:%d/y",
             closed_port());
    assert_open_fails(s, "Secret99", "postgresql://x:***@127.0.0.1:");
}
END_TEST

/* A connection the server ends: SC_ERROR from then on, not a crash. */
START_TEST(test_connection_lost)
{
    char url[512];
    sc_db *d = NULL;

    snprintf(url, sizeof url, "%s%capplication_name=sc_victim", test_url(),
             strchr(test_url(), '?') ? '&' : '?');
    ck_assert_int_eq(sc_open(url, &d), SC_OK);
    exec_ok(d, "SELECT 1");
    assert_server("SELECT count(pg_terminate_backend(pid)) FROM "
                  "pg_stat_activity WHERE application_name = 'sc_victim'",
                  "1");
    ck_assert_int_eq(sc_exec(d, "SELECT 1"), SC_ERROR);
    ck_assert_int_eq(sc_begin(d), SC_ERROR);
    ck_assert_int_eq(sc_txn_depth(d), 0);
    sc_close(d);
}
END_TEST

START_TEST(test_malformed_url)
{
    sc_db *d = NULL;

    ck_assert_int_eq(sc_open("postgresql://u:Sekrit77@h/d?nosuch=1", &d),
                     SC_MISUSE);
    ck_assert_ptr_null(strstr(sc_errmsg(d), "Sekrit77"));
    ck_assert_ptr_nonnull(strstr(sc_errmsg(d), "nosuch"));
    sc_close(d);
    d = NULL;
    ck_assert_int_eq(sc_open("dbname=x password=Sekrit77 bogus", &d),
                     SC_MISUSE);
    ck_assert_ptr_null(strstr(sc_errmsg(d), "Sekrit77"));
    sc_close(d);
}
END_TEST

/* ---------------------------------------------------------------------
 * Errors: every constraint kind, named as on SQLite.
 * ------------------------------------------------------------------- */

typedef struct violation {
    const char *name;
    int (*run)(int64_t a, int64_t b);
    int ext;
    const char *table;
    const char *column;
    const char *msg;
} violation;

static int v_unique(int64_t a, int64_t b)
{
    pg_account x = {0, "alice", 0};

    (void)a;
    (void)b;
    return pg_accounts_insert(db, &x);
}

static int v_primary_key(int64_t a, int64_t b)
{
    pg_pair p = {1, 2, NULL};

    (void)a;
    (void)b;
    ck_assert_int_eq(pg_pairs_insert(db, &p), SC_OK);
    return pg_pairs_insert(db, &p);
}

static int v_not_null(int64_t a, int64_t b)
{
    pg_account x = {0, NULL, 0};

    (void)a;
    (void)b;
    return pg_accounts_insert(db, &x);
}

static int v_foreign_key(int64_t a, int64_t b)
{
    pg_transfer t = {0, 999, b, 100};

    (void)a;
    return pg_transfers_insert(db, &t);
}

static int v_foreign_key_update(int64_t a, int64_t b)
{
    pg_transfer t = {0, a, b, 100};

    ck_assert_int_eq(pg_transfers_insert(db, &t), SC_OK);
    t.to_id = 777;
    return pg_transfers_update(db, &t);
}

static int v_still_referenced(int64_t a, int64_t b)
{
    pg_transfer t = {0, a, b, 100};

    ck_assert_int_eq(pg_transfers_insert(db, &t), SC_OK);
    return pg_accounts_delete(db, a);
}

static int v_column_check(int64_t a, int64_t b)
{
    pg_account x = {0, "carol", -1};

    (void)a;
    (void)b;
    return pg_accounts_insert(db, &x);
}

static int v_table_check(int64_t a, int64_t b)
{
    pg_transfer t = {0, a, b, -5};

    return pg_transfers_insert(db, &t);
}

/* 17 characters where varchar(16) takes 16, each of 4 bytes. */
static int v_varchar(int64_t a, int64_t b)
{
    pg_account x = {0, NULL, 0};
    char s[17 * 4 + 1] = "";
    int i;

    (void)a;
    (void)b;
    for (i = 0; i < 16; i++)
        strcat(s, "\xF0\x9F\x98\x80");
    x.handle = s;
    ck_assert_msg(pg_accounts_insert(db, &x) == SC_OK, "%s", sc_errmsg(db));
    strcat(s, "\xF0\x9F\x98\x80");
    x.account_id = 0;
    return pg_accounts_insert(db, &x);
}

/* numeric(10,2) holds 99999999.99 at most. */
static int v_numeric(int64_t a, int64_t b)
{
    pg_account x = {0, "dave", INT64_C(9999999999)};

    (void)a;
    (void)b;
    ck_assert_msg(pg_accounts_insert(db, &x) == SC_OK, "%s", sc_errmsg(db));
    x.handle = "erin";
    x.balance = INT64_C(10000000000);
    return pg_accounts_insert(db, &x);
}

static int v_bulk_varchar(int64_t a, int64_t b)
{
    pg_accounts_query *q = pg_accounts_select(db);
    int rc;

    (void)b;
    pg_accounts_where(q, ACCOUNT_ID, EQ, a);
    pg_accounts_set(q, HANDLE, "seventeen-chars-x");
    rc = pg_accounts_update_all(q, NULL);
    pg_accounts_query_free(q);
    return rc;
}

static const violation violations[] = {
    {"unique", v_unique, SC_CONSTRAINT_UNIQUE, "accounts", "handle",
     "unique constraint failed on accounts.handle"},
    {"primary key", v_primary_key, SC_CONSTRAINT_PRIMARYKEY, "pairs", NULL,
     "primary key constraint failed on pairs.a, pairs.b"},
    {"not null", v_not_null, SC_CONSTRAINT_NOTNULL, "accounts", "handle",
     "not null constraint failed on accounts.handle"},
    {"foreign key", v_foreign_key, SC_CONSTRAINT_FOREIGNKEY, "transfers",
     "from_id", "foreign key constraint failed: transfers.from_id "
     "references accounts(account_id)"},
    {"foreign key update", v_foreign_key_update, SC_CONSTRAINT_FOREIGNKEY,
     "transfers", "to_id", "foreign key constraint failed: transfers.to_id "
     "references accounts(account_id)"},
    {"still referenced", v_still_referenced, SC_CONSTRAINT_FOREIGNKEY,
     "accounts", NULL, "the row of accounts is still referenced"},
    {"column check", v_column_check, SC_CONSTRAINT_CHECK, "accounts",
     "balance", "check constraint failed on accounts.balance: check ("},
    {"table check", v_table_check, SC_CONSTRAINT_CHECK, "transfers", NULL,
     "check constraint failed on transfers: check ("},
    {"varchar", v_varchar, SC_CONSTRAINT_CHECK, "accounts", "handle",
     "check constraint failed on accounts.handle: at most 16 characters"},
    {"numeric", v_numeric, SC_CONSTRAINT_CHECK, "accounts", "balance",
     "check constraint failed on accounts.balance: at most 10 digits"},
    {"bulk varchar", v_bulk_varchar, SC_CONSTRAINT_CHECK, "accounts",
     "handle", "at most 16 characters"},
};

#define NVIOLATIONS (int)(sizeof violations / sizeof violations[0])

START_TEST(test_violation)
{
    const violation *v = &violations[_i];
    int64_t a = account("alice", 100), b = account("bob", 0);

    assert_error(v->run(a, b), SC_CONSTRAINT, v->ext, v->table, v->column,
                 v->msg);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    exec_ok(db, "SELECT 1"); /* the connection goes on */
}
END_TEST

START_TEST(test_value_errors)
{
    pg_sample s = PG_SAMPLE_INIT;

    s.txt = "";
    s.js = "{\"open\":";
    assert_error(pg_samples_insert(db, &s), SC_CONSTRAINT,
                 SC_CONSTRAINT_CHECK, "samples", "js",
                 "check constraint failed on samples.js: valid JSON");
    s.js = NULL;
    s.d = sc_date_from_ymd(-5000, 1, 1);
    assert_error(pg_samples_insert(db, &s), SC_RANGE, SC_RANGE, "samples",
                 "d", "cannot store samples.d: date out of range");
    s.d = 0;
    s.ts = INT64_MIN;
    assert_error(pg_samples_insert(db, &s), SC_RANGE, SC_RANGE, "samples",
                 "ts", "cannot store samples.ts");
    s.ts = 0;
    s.c = (pg_colour)9;
    assert_error(pg_samples_insert(db, &s), SC_RANGE, SC_RANGE, "samples",
                 "c", "value 9 of samples.c");
    ck_assert_int_eq(sc_exec(db, "SELEC 1"), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "syntax error"));
}
END_TEST

/* ---------------------------------------------------------------------
 * Transactions.
 * ------------------------------------------------------------------- */

/* An error aborts PostgreSQL's transaction; a savepoint around the work
 * that may fail keeps the rest, as on SQLite. */
START_TEST(test_savepoint_after_error)
{
    pg_account dup = {0, "alice", 0};

    ck_assert_int_eq(sc_begin(db), SC_OK);
    account("alice", 1);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 2);
    ck_assert_int_eq(pg_accounts_insert(db, &dup), SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_UNIQUE);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 1);
    account("bob", 2);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(count_accounts(), 2);

    /* without a savepoint the transaction is lost until rollback */
    ck_assert_int_eq(sc_begin(db), SC_OK);
    account("carol", 3);
    ck_assert_int_eq(pg_accounts_insert(db, &dup), SC_CONSTRAINT);
    dup.handle = "dave";
    ck_assert_int_eq(pg_accounts_insert(db, &dup), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "aborted"));
    ck_assert_int_eq(sc_commit(db), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "rolled back"));
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(count_accounts(), 2);
}
END_TEST

START_TEST(test_prepared_once)
{
    sc_stats before, after;
    pg_account got;
    int64_t id = account("alice", 1);
    int i;

    ck_assert_int_eq(pg_accounts_get(db, arena, id, &got), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    for (i = 0; i < 20; i++) {
        char handle[16];

        snprintf(handle, sizeof handle, "user%d", i);
        account(handle, i);
        ck_assert_int_eq(pg_accounts_get(db, arena, id, &got), SC_OK);
    }
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_uint_eq(after.prepares, before.prepares);
    ck_assert_uint_eq(after.reuses, before.reuses + 40);
    ck_assert_uint_eq(after.executions, before.executions + 40);
}
END_TEST

/* ---------------------------------------------------------------------
 * insert_many: one pipeline.
 * ------------------------------------------------------------------- */

static char handles[NMANY][16];

static pg_account *many_accounts(void)
{
    pg_account *rows = calloc(NMANY, sizeof *rows);
    int i;

    ck_assert_ptr_nonnull(rows);
    for (i = 0; i < NMANY; i++) {
        snprintf(handles[i], sizeof handles[i], "h%04d", i);
        rows[i].handle = handles[i];
        rows[i].balance = i * 100 + 1;
    }
    return rows;
}

static int nevents;

static void count_event(void *ctx, const sc_trace_event *ev)
{
    (void)ctx;
    (void)ev;
    nevents++;
}

START_TEST(test_insert_many)
{
    pg_account *rows = many_accounts();
    sc_stats before, after;
    pg_account got;
    int i;

    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    nevents = 0;
    sc_trace(db, count_event, NULL);
    ck_assert_msg(pg_accounts_insert_many(db, rows, NMANY) == SC_OK, "%s",
                  sc_errmsg(db));
    sc_trace(db, NULL, NULL);
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_int_eq(nevents, NMANY + 2); /* BEGIN, the rows, COMMIT */
    ck_assert_uint_eq(after.executions, before.executions + NMANY + 2);
    ck_assert_uint_le(after.prepares, before.prepares + 1);
    for (i = 0; i < NMANY; i++) {
        ck_assert_int_gt(rows[i].account_id, 0);
        if (i > 0)
            ck_assert_int_gt(rows[i].account_id, rows[i - 1].account_id);
    }
    ck_assert_int_eq(pg_accounts_get(db, arena, rows[777].account_id, &got),
                     SC_OK);
    ck_assert_str_eq(got.handle, "h0777");
    ck_assert_int_eq(got.balance, 77701);
    ck_assert_int_eq(count_accounts(), NMANY);
    free(rows);
}
END_TEST

/* A failing row: 0, a duplicate of an earlier row; 1, a handle too
 * long; 2, an enum value the C enum does not have (caught before
 * sending); and all again inside a transaction. */
START_TEST(test_insert_many_failing_row)
{
    pg_account *rows = many_accounts();
    int bad = 637;

    if (_i % 2 == 0)
        rows[bad].handle = "h0003";
    else
        rows[bad].handle = "a-handle-too-long";
    if (_i >= 2) {
        ck_assert_int_eq(sc_begin(db), SC_OK);
        account("outer", 1);
    }
    ck_assert_int_eq(pg_accounts_insert_many(db, rows, NMANY), SC_CONSTRAINT);
    ck_assert_str_eq(sc_errtable(db), "accounts");
    ck_assert_str_eq(sc_errcolumn(db), "handle");
    ck_assert_msg(strncmp(sc_errmsg(db), "row 637 of 1000: ", 17) == 0, "%s",
                  sc_errmsg(db));
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), _i % 2 == 0
                                                    ? "unique constraint"
                                                    : "at most 16"));
    ck_assert_int_eq(sc_txn_depth(db), _i >= 2 ? 1 : 0);
    if (_i >= 2)
        ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(count_accounts(), _i >= 2 ? 1 : 0);
    free(rows);
}
END_TEST

START_TEST(test_insert_many_range)
{
    pg_sample rows[3] = {PG_SAMPLE_INIT, PG_SAMPLE_INIT, PG_SAMPLE_INIT};
    pg_samples_query *q;
    int64_t n = -1;
    int i;

    for (i = 0; i < 3; i++)
        rows[i].txt = "x";
    rows[2].c = (pg_colour)-1;
    assert_error(pg_samples_insert_many(db, rows, 3), SC_RANGE, SC_RANGE,
                 "samples", "c", "row 2 of 3: value -1 of samples.c");
    q = pg_samples_select(db);
    ck_assert_int_eq(pg_samples_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 0);
    pg_samples_query_free(q);
    rows[2].c = PG_COLOUR_BLUE;
    ck_assert_int_eq(pg_samples_insert_many(db, rows, 3), SC_OK);
    ck_assert_int_eq(rows[2].id, rows[0].id + 2);
}
END_TEST

/* ---------------------------------------------------------------------
 * Round trips of every type at its edges.
 * ------------------------------------------------------------------- */

static const uint8_t all_bytes[256] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,
    14,  15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,
    28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,  41,
    42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,
    56,  57,  58,  59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,
    70,  71,  72,  73,  74,  75,  76,  77,  78,  79,  80,  81,  82,  83,
    84,  85,  86,  87,  88,  89,  90,  91,  92,  93,  94,  95,  96,  97,
    98,  99,  100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125,
    126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
    140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153,
    154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167,
    168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
    182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195,
    196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209,
    210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
    224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237,
    238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251,
    252, 253, 254, 255};

#define FOUR_BYTE "\xF0\x9F\x98\x80" /* U+1F600 */
#define US_PER_DAY INT64_C(86400000000)

/* A row and how the server prints some of its columns. */
typedef struct trip {
    pg_sample row;
    const char *d, *ts, *num, *tiny, *big, *u, *c;
} trip;

static trip make_trip(int i)
{
    trip t;

    memset(&t, 0, sizeof t);
    t.row.txt = "";
    switch (i) {
    case 0: /* the low edges, and the day before 1970 */
        t.row = (pg_sample){0, false, INT16_MIN, INT32_MIN, INT64_MIN,
                            -FLT_MAX, -DBL_MAX, -INT64_C(999999999999),
                            -9999, true, "-12345678901234567890.0123456789",
                            "", "", {all_bytes, 0}, -1, -1,
                            {{0}}, "{}", PG_COLOUR_RED};
        t.d = "1969-12-31";
        t.ts = "1969-12-31 23:59:59.999999";
        t.num = "-9999999999.99";
        t.tiny = "-0.9999";
        t.big = "-12345678901234567890.0123456789";
        t.u = "00000000-0000-0000-0000-000000000000";
        t.c = "red";
        break;
    case 1: /* the high edges, 4-byte UTF-8 */
        t.row = (pg_sample){0, true, INT16_MAX, INT32_MAX, INT64_MAX,
                            FLT_MAX, DBL_MAX, INT64_C(999999999999), 9999,
                            true, "99999999999999999999.9999999999",
                            FOUR_BYTE "\xF0\x9D\x84\x9E" "e\xCC\x81",
                            FOUR_BYTE FOUR_BYTE FOUR_BYTE FOUR_BYTE
                                FOUR_BYTE FOUR_BYTE FOUR_BYTE FOUR_BYTE,
                            {all_bytes, 256}, sc_date_from_ymd(9999, 12, 31),
                            (int64_t)sc_date_from_ymd(2999, 12, 31) *
                                    US_PER_DAY +
                                US_PER_DAY - 1,
                            {{0}}, "{\"k\": \"" FOUR_BYTE "\"}",
                            PG_COLOUR_ULTRA_VIOLET};
        memset(t.row.u.b, 0xff, sizeof t.row.u.b);
        t.d = "9999-12-31";
        t.ts = "2999-12-31 23:59:59.999999";
        t.num = "9999999999.99";
        t.tiny = "0.9999";
        t.big = "99999999999999999999.9999999999";
        t.u = "ffffffff-ffff-ffff-ffff-ffffffffffff";
        t.c = "ultra_violet";
        break;
    case 2: /* before 1970 and 2000 with microseconds; NULLs */
        t.row = (pg_sample){0, false, -1, -1, -1, 1e-45f, -0.0, -1250, 0,
                            false, NULL, "tab\t'q' \"dq\" \\ nl\n", NULL,
                            {NULL, 0}, sc_date_from_ymd(1900, 2, 28),
                            (int64_t)sc_date_from_ymd(1960, 1, 1) *
                                    US_PER_DAY +
                                123456,
                            {{0}}, NULL, PG_COLOUR_BLUE};
        for (i = 0; i < 16; i++)
            t.row.u.b[i] = (uint8_t)(i * 17);
        t.d = "1900-02-28";
        t.ts = "1960-01-01 00:00:00.123456";
        t.num = "-12.50";
        t.tiny = "NULL";
        t.big = "NULL";
        t.u = "00112233-4455-6677-8899-aabbccddeeff";
        t.c = "blue";
        break;
    default: /* around 2000-01-01; tiny fractions; NaN and infinity */
        t.row = (pg_sample){0, true, 0, 0, 0, INFINITY, NAN, -1, -1, true,
                            "-0.0000000001", "x", "12345678",
                            {all_bytes + 7, 1}, 10956,
                            INT64_C(946684800000000) - 1, {{0}}, "[]",
                            PG_COLOUR_GREEN};
        t.row.u.b[15] = 1;
        t.d = "1999-12-31";
        t.ts = "1999-12-31 23:59:59.999999";
        t.num = "-0.01";
        t.tiny = "-0.0001";
        t.big = "-0.0000000001";
        t.u = "00000000-0000-0000-0000-000000000001";
        t.c = "green";
        break;
    }
    return t;
}

static void assert_same_float(double got, double want)
{
    if (isnan(want)) {
        ck_assert(isnan(got));
        return;
    }
    ck_assert(got == want);
    ck_assert_int_eq(signbit(got) != 0, signbit(want) != 0);
}

static void assert_same_bytes(sc_bytes got, sc_bytes want)
{
    if (want.data == NULL) {
        ck_assert_ptr_null(got.data);
        return;
    }
    ck_assert_ptr_nonnull(got.data);
    ck_assert_uint_eq(got.len, want.len);
    ck_assert_int_eq(memcmp(got.data, want.data, want.len), 0);
}

static void assert_same_row(const pg_sample *got, const pg_sample *want)
{
    ck_assert_int_eq(got->b, want->b);
    ck_assert_int_eq(got->i16, want->i16);
    ck_assert_int_eq(got->i32, want->i32);
    ck_assert_int_eq(got->i64, want->i64);
    assert_same_float(got->f32, want->f32);
    assert_same_float(got->f64, want->f64);
    ck_assert_int_eq(got->num, want->num);
    ck_assert_int_eq(got->has_tiny, want->has_tiny);
    ck_assert_int_eq(got->tiny, want->tiny);
    ck_assert_pstr_eq(got->big, want->big);
    ck_assert_pstr_eq(got->txt, want->txt);
    ck_assert_pstr_eq(got->vc, want->vc);
    assert_same_bytes(got->by, want->by);
    ck_assert_int_eq(got->d, want->d);
    ck_assert_int_eq(got->ts, want->ts);
    ck_assert_int_eq(memcmp(got->u.b, want->u.b, 16), 0);
    ck_assert_pstr_eq(got->js, want->js);
    ck_assert_int_eq(got->c, want->c);
}

static void assert_column(int64_t id, const char *expr, const char *want)
{
    char sql[256];

    snprintf(sql, sizeof sql, "SELECT (%s)::text FROM samples WHERE id = %lld",
             expr, (long long)id);
    assert_server(sql, want);
}

START_TEST(test_round_trip)
{
    trip t = make_trip(_i);
    pg_sample row = t.row, got;
    pg_samples_query *q;
    int64_t n = -1;
    char len[24];

    ck_assert_msg(pg_samples_insert(db, &row) == SC_OK, "%s", sc_errmsg(db));
    ck_assert_int_eq(pg_samples_get(db, arena, row.id, &got), SC_OK);
    assert_same_row(&got, &t.row);
    /* the server reads what was meant, not just what comes back */
    assert_column(row.id, "d", t.d);
    assert_column(row.id, "ts AT TIME ZONE 'UTC'", t.ts);
    assert_column(row.id, "num", t.num);
    assert_column(row.id, "tiny", t.tiny);
    assert_column(row.id, "big", t.big);
    assert_column(row.id, "u", t.u);
    assert_column(row.id, "c", t.c);
    snprintf(len, sizeof len, "%zu", strlen(t.row.txt));
    assert_column(row.id, "octet_length(txt)", len);
    /* and filters find it by the same values */
    q = pg_samples_select(db);
    pg_samples_where(q, TS, EQ, t.row.ts);
    pg_samples_where(q, D, EQ, t.row.d);
    pg_samples_where(q, NUM, EQ, t.row.num);
    pg_samples_where(q, U, EQ, t.row.u);
    pg_samples_where(q, C, EQ, t.row.c);
    pg_samples_where(q, I64, EQ, t.row.i64);
    ck_assert_int_eq(pg_samples_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1);
    pg_samples_query_free(q);
}
END_TEST

static int count_row(void *ctx, const pg_account *a)
{
    (void)a;
    ++*(int *)ctx;
    return 0;
}

static void insert_account(const char *handle)
{
    pg_account a = PG_ACCOUNT_INIT;

    a.handle = handle;
    ck_assert_msg(pg_accounts_insert(db, &a) == SC_OK, "%s", sc_errmsg(db));
}

/*
 * sc_begin()'s BEGIN reaches the server with the transaction's first
 * statement, whichever kind that is (a statement prepared then, one
 * prepared before, a batch, a stream, SQL text of one statement or
 * several); a transaction with none ends without one.  Each way, what
 * runs is inside the transaction: another connection sees nothing of it
 * before the commit, and a rollback leaves nothing.
 */
START_TEST(test_begin_with_first_statement)
{
    pg_account many[3] = {PG_ACCOUNT_INIT, PG_ACCOUNT_INIT, PG_ACCOUNT_INIT};
    pg_accounts_query *q;
    int rows = 0;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 0);

    ck_assert_int_eq(sc_begin(db), SC_OK);
    insert_account("first"); /* prepared in the BEGIN's pipeline */
    assert_server("SELECT count(*) FROM accounts", "0");
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    insert_account("kept"); /* prepared before */
    assert_server("SELECT count(*) FROM accounts", "0");
    ck_assert_int_eq(sc_commit(db), SC_OK);
    assert_server("SELECT string_agg(handle, ',') FROM accounts", "kept");

    many[0].handle = "m0", many[1].handle = "m1", many[2].handle = "m2";
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(pg_accounts_insert_many(db, many, 3), SC_OK);
    assert_server("SELECT count(*) FROM accounts", "1");
    ck_assert_int_eq(sc_rollback(db), SC_OK);

    ck_assert_int_eq(sc_begin(db), SC_OK);
    q = pg_accounts_select(db);
    ck_assert_int_eq(pg_accounts_each(q, count_row, &rows), SC_OK);
    pg_accounts_query_free(q);
    ck_assert_int_eq(rows, 1);
    insert_account("after the stream");
    assert_server("SELECT count(*) FROM accounts", "1");
    ck_assert_int_eq(sc_rollback(db), SC_OK);

    ck_assert_int_eq(sc_begin(db), SC_OK);
    exec_ok(db, "INSERT INTO accounts (handle) VALUES ('one')");
    assert_server("SELECT count(*) FROM accounts", "1");
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    exec_ok(db, "INSERT INTO accounts (handle) VALUES ('two'); "
                "INSERT INTO accounts (handle) VALUES ('three')");
    assert_server("SELECT count(*) FROM accounts", "1");
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    assert_server("SELECT string_agg(handle, ',') FROM accounts", "kept");
}
END_TEST

/* v / 10^scale as PostgreSQL prints a numeric of that scale. */
static void scaled_text(int64_t v, unsigned scale, char *out, size_t size)
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%0*llu", (int)scale + 1, u);
    int whole = n - (int)scale;

    snprintf(out, size, "%s%.*s%s%s", v < 0 ? "-" : "", whole, digits,
             scale > 0 ? "." : "", digits + whole);
}

/*
 * numeric values at scales 0 to 16 go in numeric's binary form, built
 * from the scaled integer (base-10000 digits on both sides of the
 * point), and at 18 as text: each must be the number meant, as the
 * server prints it, read back the same, and found by a filter on it.
 */
START_TEST(test_numeric_scales)
{
    static const int64_t values[] = {
        0, 1, -1, 9, 10, 999, 1000, 9999, 10000, 10001, -10000, 5000,
        120000, 99990000, 100000000, -100000001, INT64_C(100000000000000000),
        INT64_C(123456789012345678), -INT64_C(999999999999999999),
        INT64_C(999999999999999999)};
    static const unsigned scales[] = {0, 1, 3, 4, 5, 16, 18};
    size_t n = sizeof values / sizeof values[0], i, k;
    PGconn *c = PQconnectdb(test_url());
    char want[64], sql[160];
    pg_scale row, got;
    pg_scales_query *q;
    int64_t *fields[7], count;
    PGresult *res;

    ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
    for (i = 0; i < n; i++) {
        row = (pg_scale)PG_SCALE_INIT;
        fields[0] = &row.s0, fields[1] = &row.s1, fields[2] = &row.s3;
        fields[3] = &row.s4, fields[4] = &row.s5, fields[5] = &row.s16;
        fields[6] = &row.s18;
        for (k = 0; k < 7; k++)
            *fields[k] = values[i];
        ck_assert_msg(pg_scales_insert(db, &row) == SC_OK, "%s",
                      sc_errmsg(db));
        ck_assert_int_eq(pg_scales_get(db, arena, row.id, &got), SC_OK);
        ck_assert_int_eq(memcmp(&got, &row, sizeof row), 0);
        snprintf(sql, sizeof sql,
                 "SELECT s0::text, s1::text, s3::text, s4::text, s5::text, "
                 "s16::text, s18::text FROM scales WHERE id = %lld",
                 (long long)row.id);
        res = PQexec(c, sql);
        ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
        for (k = 0; k < 7; k++) {
            scaled_text(values[i], scales[k], want, sizeof want);
            ck_assert_str_eq(PQgetvalue(res, 0, (int)k), want);
        }
        PQclear(res);
        q = pg_scales_select(db);
        pg_scales_where(q, S3, EQ, values[i]);
        pg_scales_where(q, S16, EQ, values[i]);
        pg_scales_where(q, S18, EQ, values[i]);
        ck_assert_int_eq(pg_scales_count(q, &count), SC_OK);
        ck_assert_int_eq(count, 1);
        pg_scales_query_free(q);
    }
    PQfinish(c);
}
END_TEST

/* Every enum value, in the database's own enum type. */
START_TEST(test_enum_values)
{
    pg_sample row = PG_SAMPLE_INIT, got;
    pg_samples_query *q;
    int64_t n = -1;
    char sql[160], want[16];

    row.txt = "e";
    row.c = (pg_colour)_i;
    ck_assert_int_eq(pg_samples_insert(db, &row), SC_OK);
    ck_assert_int_eq(pg_samples_get(db, arena, row.id, &got), SC_OK);
    ck_assert_int_eq(got.c, _i);
    /* the label's position in the server's own enum type */
    snprintf(sql, sizeof sql, "SELECT array_position(enum_range(NULL::"
             "colour), c) - 1 FROM samples WHERE id = %lld",
             (long long)row.id);
    snprintf(want, sizeof want, "%d", _i);
    assert_server(sql, want);
    q = pg_samples_select(db);
    pg_samples_where_in(q, C, &row.c, 1);
    ck_assert_int_eq(pg_samples_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1);
    pg_samples_query_free(q);
}
END_TEST

/* A default enum and "now" come back into the struct. */
START_TEST(test_defaults)
{
    pg_account a = PG_ACCOUNT_INIT;
    pg_account got;

    a.handle = "frank";
    ck_assert_int_eq(pg_accounts_insert(db, &a), SC_OK);
    ck_assert_int_eq(pg_accounts_get(db, arena, a.account_id, &got), SC_OK);
    ck_assert_int_eq(got.balance, 0);
}
END_TEST

/* ---------------------------------------------------------------------
 * Queries as PostgreSQL runs them.
 * ------------------------------------------------------------------- */

START_TEST(test_like_and_prefix)
{
    pg_accounts_query *q;
    int64_t n = -1;

    account("Alice", 1);
    account("alina", 2);
    account("bob", 3);
    account("al%x", 4);
    q = pg_accounts_select(db);
    pg_accounts_where(q, HANDLE, ILIKE, "AL%");
    ck_assert_int_eq(pg_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 3);
    pg_accounts_query_free(q);
    q = pg_accounts_select(db);
    pg_accounts_where(q, HANDLE, STARTS_WITH, "al");
    ck_assert_int_eq(pg_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 2); /* byte-wise: "Alice" is not in */
    pg_accounts_query_free(q);
    q = pg_accounts_select(db);
    pg_accounts_where(q, HANDLE, LIKE, "al\\%%");
    ck_assert_int_eq(pg_accounts_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1);
    pg_accounts_query_free(q);
}
END_TEST

/* Bulk changes through a join, with limit: row-value IN on the key. */
START_TEST(test_bulk_join)
{
    int64_t a = account("alice", 100), b = account("bob", 0);
    pg_transfer t = {0, a, b, 50};
    pg_accounts_query *q;
    pg_transfers_join *j;
    pg_account got;
    int64_t changed = -1;

    ck_assert_int_eq(pg_transfers_insert(db, &t), SC_OK);
    q = pg_accounts_select(db);
    j = pg_accounts_join_transfers_by_to_id(q);
    pg_transfers_where(j, AMOUNT, GE, 50);
    pg_accounts_set(q, BALANCE, 4200);
    ck_assert_int_eq(pg_accounts_update_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 1);
    pg_accounts_query_free(q);
    ck_assert_int_eq(pg_accounts_get(db, arena, b, &got), SC_OK);
    ck_assert_int_eq(got.balance, 4200);
    q = pg_accounts_select(db);
    pg_accounts_order_by(q, ACCOUNT_ID, SC_DESC);
    pg_accounts_limit(q, 1);
    ck_assert_int_eq(pg_accounts_delete_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 1); /* bob, and his transfer by cascade */
    pg_accounts_query_free(q);
    ck_assert_int_eq(pg_accounts_get(db, arena, b, &got), SC_NOTFOUND);
    ck_assert_int_eq(count_accounts(), 1);
}
END_TEST

/* ---------------------------------------------------------------------
 * Tracing.
 * ------------------------------------------------------------------- */

typedef struct trace_text {
    char text[65536];
    size_t len;
} trace_text;

static void keep_event(void *ctx, const sc_trace_event *ev)
{
    trace_text *t = ctx;
    int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%s %s\n",
                     ev->sql, ev->params);

    if (n > 0 && t->len + (size_t)n < sizeof t->text)
        t->len += (size_t)n;
}

START_TEST(test_trace_hides_password)
{
    const char *auth = getenv("SCHEMAC_TEST_AUTH_URL");
    static trace_text t;
    const char *colon, *at;
    char password[64];
    pg_account a = {0, "alice", 1};
    sc_db *d = NULL;

    ck_assert_msg(auth != NULL, "SCHEMAC_TEST_AUTH_URL is set by with-pg.sh");
    colon = strchr(auth + strlen("postgresql://"), ':');
    at = strchr(auth, '@');
    snprintf(password, sizeof password, "%.*s", (int)(at - colon - 1),
             colon + 1);
    exec_ok(db, "GRANT USAGE ON SCHEMA public TO schemac_auth");
    exec_ok(db, "GRANT ALL ON ALL TABLES IN SCHEMA public TO schemac_auth");
    exec_ok(db, "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "
                "schemac_auth");
    ck_assert_int_eq(sc_open(auth, &d), SC_OK);
    memset(&t, 0, sizeof t);
    sc_trace(d, keep_event, &t);
    exec_ok(d, "SET search_path TO public");
    ck_assert_msg(pg_accounts_insert(d, &a) == SC_OK, "%s", sc_errmsg(d));
    ck_assert_int_eq(pg_accounts_insert(d, &a), SC_CONSTRAINT);
    ck_assert_ptr_null(strstr(sc_errmsg(d), password));
    ck_assert_int_eq(sc_exec(d, "SELECT no_such_column"), SC_ERROR);
    ck_assert_ptr_null(strstr(sc_errmsg(d), password));
    sc_close(d);
    ck_assert_ptr_nonnull(strstr(t.text, "INSERT INTO \"accounts\""));
    ck_assert_ptr_nonnull(strstr(t.text, "'alice'"));
    ck_assert_ptr_null(strstr(t.text, password));
}
END_TEST

/* ---------------------------------------------------------------------
 * The suite.
 * ------------------------------------------------------------------- */

static TCase *tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return tc;
}

Suite *make_suite(void)
{
    Suite *s = suite_create("postgres");
    TCase *tc;

    tc = tcase(s, "connections");
    tcase_add_loop_test(tc, test_connection_forms, 0, 4);
    tcase_add_test(tc, test_failover);
    tcase_add_test(tc, test_wrong_password);
    tcase_add_test(tc, test_unknown_database);
    tcase_add_test(tc, test_closed_port);
    tcase_add_test(tc, test_malformed_url);
    tcase_add_test(tc, test_connection_lost);
    tcase_add_test(tc, test_trace_hides_password);

    tc = tcase(s, "errors");
    tcase_add_loop_test(tc, test_violation, 0, NVIOLATIONS);
    tcase_add_test(tc, test_value_errors);
    tcase_add_test(tc, test_savepoint_after_error);
    tcase_add_test(tc, test_begin_with_first_statement);

    tc = tcase(s, "statements");
    tcase_add_test(tc, test_prepared_once);
    tcase_add_test(tc, test_insert_many);
    tcase_add_loop_test(tc, test_insert_many_failing_row, 0, 4);
    tcase_add_test(tc, test_insert_many_range);

    tc = tcase(s, "types");
    tcase_add_loop_test(tc, test_round_trip, 0, 4);
    tcase_add_test(tc, test_numeric_scales);
    tcase_add_loop_test(tc, test_enum_values, 0, 4);
    tcase_add_test(tc, test_defaults);

    tc = tcase(s, "queries");
    tcase_add_test(tc, test_like_and_prefix);
    tcase_add_test(tc, test_bulk_join);
    return s;
}
