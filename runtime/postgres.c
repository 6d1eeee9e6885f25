/*
 * postgres.c - the PostgreSQL backend: fills in the function table of
 * backend.h with calls to libpq.  It opens connections from libpq's URL
 * and keyword forms (multi-host failover is libpq's own), prepares every
 * statement once under a name of its own ("sc1", "sc2", ...), sends
 * values as parameters in the binary format where the server's type
 * allows it, reads results in the binary format, maps SQLSTATEs onto
 * SC_* codes with the table, column and constraint PostgreSQL names, and
 * queues the rows of a batch in libpq's pipeline mode.
 *
 * The types of a prepared statement's result columns are kept, so that
 * the core checks them against the descriptor once; a column of a type
 * the runtime does not read (a domain, inet, text[]) is cast in the
 * select list and takes its values as text.
 *
 * Times and dates cross the wire counted from 2000-01-01 (PostgreSQL's
 * epoch) and are moved to the project's 1970 epoch here.  numeric values
 * travel in numeric's binary form (base-10000 digits), made from and
 * read into the integer scaled by the column's scale; values of a scale
 * past 16, and integers given for a numeric without a column, go as
 * decimal text.
 *
 * Round trips are what a call costs most: a statement is prepared and
 * described in one, and sc_begin()'s BEGIN waits for the transaction's
 * first statement and goes in one pipeline with it (see holds_begin()).
 *
 * No message this file builds repeats a password: connection strings
 * are redacted before they are quoted, and libpq's own messages are
 * scrubbed of the password in case they ever echo it.
 *
 * A streamed statement (sc_query_each()) runs as one execution read in
 * single-row mode: the server sends the rows while the client reads them,
 * one result of one row at a time, in constant memory.  While its rows
 * arrive the connection can carry nothing else, so the first statement
 * that another call sends on it (a row function writing, reading,
 * opening a savepoint, streaming another query) first reads the rest of
 * the stream into one result in memory (buffer_rest()), from which the
 * stream then goes on; that statement then runs at once.  A stream ended
 * early (reset) reads what is left of its rows off the connection and
 * drops them, so that the connection is usable when reset returns.
 * With a fetch size asked for (sc_open_opts.fetch_size, the URL's
 * fetch_size), a stream runs through a cursor of its own instead,
 * DECLAREd with the statement's text and values and read that many rows
 * at a time: constant memory even when the row function runs statements,
 * a round trip per batch.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "backend.h"
#include "internal.h"
#include "utf8.h"

/* Type OIDs of pg_type, fixed since PostgreSQL's early releases. */
#define OID_BOOL        16
#define OID_BYTEA       17
#define OID_NAME        19
#define OID_INT8        20
#define OID_INT2        21
#define OID_INT4        23
#define OID_TEXT        25
#define OID_OID         26
#define OID_JSON        114
#define OID_FLOAT4      700
#define OID_FLOAT8      701
#define OID_BPCHAR      1042
#define OID_VARCHAR     1043
#define OID_DATE        1082
#define OID_TIMESTAMP   1114
#define OID_TIMESTAMPTZ 1184
#define OID_NUMERIC     1700
#define OID_UUID        2950
#define OID_JSONB       3802

/* The first OID of objects made after initdb: enum types among them. */
#define OID_FIRST_USER  16384

/* 2000-01-01 counted from 1970-01-01, in days and in microseconds. */
#define PG_EPOCH_DAYS INT64_C(10957)
#define PG_EPOCH_US   INT64_C(946684800000000)

/* Passwords shorter than this are not scrubbed out of libpq's messages,
 * which never quote them: replacing every "ab" would only garble. */
#define SCRUB_MIN 4


/* Pipelined executions between two reads of the server's results. */
#define CONSUME_EVERY 256

typedef struct pg_conn {
    PGconn *pg;
    unsigned names;          /* statements prepared so far */
    uint64_t tag;            /* in their names, unique to the connection */
    unsigned cursors;        /* cursors declared so far */
    int64_t changes;         /* rows of the last INSERT, UPDATE, DELETE */
    sc_backend_error err;
    char *password;          /* to scrub messages with; NULL when none */
    sc__buf dealloc;         /* DEALLOCATE of finalized statements */
    bool piped;              /* in pipeline mode */
    bool synced;             /* the pipeline's sync is sent */
    unsigned queued;         /* executions sent in this pipeline */
    int fetch_rows;          /* rows per FETCH (sc_open_opts.fetch_size),
                                0: streams in single-row mode */
    struct pg_stmt *single;  /* the stream whose rows the connection is
                                sending in single-row mode, or NULL */
    bool unnamed;            /* prepare=off: unnamed statements only */
    bool begin_held;         /* a BEGIN waits for the first statement */
    bool begin_queued;       /* and went first in this pipeline */
    bool single_piped;       /* the single-row stream is in a pipeline
                                after its BEGIN */
} pg_conn;

/* The storage of one parameter's wire form. */
typedef struct pg_param {
    unsigned char fixed[8];  /* binary integers, floats, dates */
    char *buf;               /* text forms and jsonb */
    size_t cap;
    /* the column last bound here, and the unit its timestamps' fraction
     * is kept in by its pg_type (timestamp(0): 1000000), read once */
    const sc_column_desc *col;
    long long frac_unit;
} pg_param;

typedef struct pg_stmt {
    pg_conn *c;
    char name[40];
    int nparams;
    Oid *types;              /* as the server inferred them */
    int nfields;
    Oid *ftypes;             /* the result columns' types, as prepared */
    int *fmods;              /* and their type modifiers */
    const char **values;
    int *lengths;
    int *formats;
    pg_param *params;
    PGresult *res;           /* NULL until the first step */
    int row;
    char cursor[24];         /* the open cursor of a stream, or "" */
    bool more;               /* the cursor may hold more rows */
    PGresult *rest;          /* a single-row stream's rows after the
                                current one, read whole (buffer_rest()) */
    int rest_rc;             /* SC_OK, or how that stream failed after
                                the rows in rest */
    sc_backend_error *failed; /* the details of rest_rc, or NULL */
    char **texts;            /* numeric columns as text, per column */
    size_t *text_caps;
    int ntexts;
    char *sql;               /* the text, sent with every execution when
                                the statement is unnamed (prepare=off) */
    const sc_table_desc *plan_t; /* the descriptor plan was made for */
    unsigned char *plan;     /* how pg_read_row() stores each column */
    const sc_table_desc *ops_t; /* the table of the read plan ops is for */
    unsigned ops_n;          /* and its number of columns read */
    struct pg_read_step *ops; /* how pg_read_plan() stores each of them,
                                 grouped as ops_end says */
    unsigned ops_end[4];     /* the ends of ops' runs of int8, timestamp,
                                numeric and text columns; the others
                                follow, to ops_n */
} pg_stmt;

/* ---------------------------------------------------------------------
 * Small helpers.
 * ------------------------------------------------------------------- */

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* Makes room for n bytes in a growable buffer. */
static bool grow(char **buf, size_t *cap, size_t n)
{
    char *p;

    if (n <= *cap)
        return true;
    p = sc__realloc(*buf, n);
    if (p == NULL)
        return false;
    *buf = p;
    *cap = n;
    return true;
}

/* Big-endian integers of the wire, 2, 4 and 8 bytes written out so
 * that the compiler makes each one load or store and a byte swap: every
 * value of every row passes here. */
static void put_be(unsigned char *p, uint64_t x, int n)
{
    int i;

    switch (n) {
    case 8:
        p[0] = (unsigned char)(x >> 56);
        p[1] = (unsigned char)(x >> 48);
        p[2] = (unsigned char)(x >> 40);
        p[3] = (unsigned char)(x >> 32);
        p += 4;
        /* fall through */
    case 4:
        p[0] = (unsigned char)(x >> 24);
        p[1] = (unsigned char)(x >> 16);
        p += 2;
        /* fall through */
    case 2:
        p[0] = (unsigned char)(x >> 8);
        p[1] = (unsigned char)x;
        return;
    default:
        for (i = n - 1; i >= 0; i--, x >>= 8)
            p[i] = (unsigned char)(x & 0xff);
    }
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t x = 0;
    int i;

    switch (n) {
    case 8:
        return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 |
               (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
               (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
               (uint64_t)p[6] << 8 | (uint64_t)p[7];
    case 4:
        return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
               (uint64_t)p[2] << 8 | (uint64_t)p[3];
    case 2:
        return (uint64_t)p[0] << 8 | (uint64_t)p[1];
    default:
        for (i = 0; i < n; i++)
            x = x << 8 | p[i];
        return x;
    }
}

/* Reads an n-byte two's complement big-endian integer. */
static int64_t get_signed(const unsigned char *p, int n)
{
    uint64_t x = get_be(p, n);

    if (n < 8 && (x >> (n * 8 - 1)) != 0)
        x |= ~UINT64_C(0) << (n * 8);
    return (int64_t)x;
}

/* ---------------------------------------------------------------------
 * Redaction: connection strings as they may appear in messages.
 * ------------------------------------------------------------------- */

static bool is_url(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 ||
           strncmp(s, "postgres://", 11) == 0;
}

/* The end of a keyword form's value starting at v: quoted or bare. */
static const char *value_end(const char *v)
{
    if (*v != '\'')
        return v + strcspn(v, " \t\n\r\f\v");
    for (v++; *v != '\0' && *v != '\''; v++)
        if (*v == '\\' && v[1] != '\0')
            v++;
    return *v == '\'' ? v + 1 : v;
}

/* host=h password='x y' dbname=d -> host=h password=*** dbname=d */
static void redact_keywords(sc__buf *b, const char *s)
{
    const char *key, *end;
    bool secret;

    while (*s != '\0') {
        key = s;
        s += strcspn(s, "= \t\n\r\f\v");
        secret = s - key == 8 && strncmp(key, "password", 8) == 0;
        s += strspn(s, " \t\n\r\f\v");
        if (*s != '=') {
            sc__buf_putn(b, key, (size_t)(s - key));
            if (*s != '\0')
                sc__buf_putn(b, s++, 1);
            continue;
        }
        s += 1 + strspn(s + 1, " \t\n\r\f\v");
        end = value_end(s);
        sc__buf_putn(b, key, (size_t)(s - key));
        if (secret)
            sc__buf_puts(b, SC__REDACTED);
        else
            sc__buf_putn(b, s, (size_t)(end - s));
        s = end;
        while (*s != '\0' && strchr(" \t\n\r\f\v", *s) != NULL)
            sc__buf_putn(b, s++, 1);
    }
}

static void redact(sc__buf *b, const char *conninfo)
{
    if (is_url(conninfo))
        sc__redact_url(b, conninfo);
    else
        redact_keywords(b, conninfo);
}

/*
 * Copies libpq's message into dst: one line ("; " between lines, no
 * tabs, no trailing newline), with every copy of password replaced.
 */
static void tidy_message(char *dst, size_t size, const char *msg,
                         const char *password)
{
    size_t plen = password != NULL ? strlen(password) : 0;
    size_t n = 0;

    while (*msg != '\0' && n + 1 < size) {
        if (plen >= SCRUB_MIN && strncmp(msg, password, plen) == 0) {
            n += (size_t)snprintf(dst + n, size - n, "%s", SC__REDACTED);
            msg += plen;
        } else if (*msg == '\n') {
            msg += 1 + strspn(msg + 1, "\t ");
            if (*msg != '\0')
                n += (size_t)snprintf(dst + n, size - n, "; ");
        } else if (*msg == '\t') {
            msg++;
        } else {
            dst[n++] = *msg++;
        }
        if (n >= size)
            n = size - 1;
    }
    dst[n] = '\0';
}

/* ---------------------------------------------------------------------
 * Errors.
 * ------------------------------------------------------------------- */

static void set_error(pg_conn *c, int code, int extended, const char *msg)
{
    memset(&c->err, 0, sizeof c->err);
    c->err.code = code;
    c->err.extended = extended;
    tidy_message(c->err.message, sizeof c->err.message, msg, c->password);
}

/* Whether a unique violation is the primary key's: PostgreSQL calls an
 * inline key "<table>_pkey"; a named one starts with "pk_". */
static bool is_primary(const char *constraint, const char *table)
{
    size_t n = strlen(table);

    if (strncmp(constraint, "pk_", 3) == 0)
        return true;
    return n > 0 && strncmp(constraint, table, n) == 0 &&
           strcmp(constraint + n, "_pkey") == 0;
}

static int map_state(const char *state, const char *constraint,
                     const char *table)
{
    static const struct {
        const char *state;
        int extended;
    } states[] = {
        {"23502", SC_CONSTRAINT_NOTNULL}, {"23503", SC_CONSTRAINT_FOREIGNKEY},
        {"23514", SC_CONSTRAINT_CHECK},   {"22001", SC_CONSTRAINT_CHECK},
        {"40001", SC_BUSY},               {"40P01", SC_BUSY},
        {"55P03", SC_BUSY},
    };
    size_t i;

    if (strcmp(state, "23505") == 0)
        return is_primary(constraint, table) ? SC_CONSTRAINT_PRIMARYKEY
                                             : SC_CONSTRAINT_UNIQUE;
    for (i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcmp(state, states[i].state) == 0)
            return states[i].extended;
    if (strncmp(state, "22", 2) == 0) /* data exceptions: out of range */
        return SC_RANGE;
    return SC_ERROR;
}

/*
 * The key columns of a unique violation, from PostgreSQL's detail
 * "Key (a, b)=(1, 2) already exists.", as "t.a, t.b" in detail, and the
 * column itself when there is one.  The values are not kept.
 */
static void key_columns(sc_backend_error *err, const char *detail)
{
    const char *p = detail != NULL ? strstr(detail, "Key (") : NULL;
    const char *end = p != NULL ? strstr(p, ")=(") : NULL;
    sc__buf b = {0};
    size_t n;

    if (end == NULL || err->table[0] == '\0')
        return;
    /* An index over expressions names them: "Key (lower(email))=(...)".
     * No column to name then. */
    if (memchr(p + 5, '(', (size_t)(end - (p + 5))) != NULL)
        return;
    for (p += 5; p < end; p += n) {
        p += strspn(p, ", ");
        n = strcspn(p, ",)");
        if (n == 0)
            break;
        sc__buf_printf(&b, "%s%s.", b.len ? ", " : "", err->table);
        sc__buf_putn(&b, *p == '"' ? p + 1 : p,
                     *p == '"' && n >= 2 ? n - 2 : n);
    }
    if (!b.failed && b.s != NULL) {
        copy_str(err->detail, sizeof err->detail, b.s);
        if (strchr(b.s, ',') == NULL)
            copy_str(err->column, sizeof err->column,
                     b.s + strlen(err->table) + 1);
    }
    sc__buf_free(&b);
}

/* The parameter a value error was about: PostgreSQL says "unnamed
 * portal parameter $3" in the context of an error in a value it was
 * sent.  0 when it says none. */
static int bad_param(const char *context)
{
    const char *p = context != NULL ? strstr(context, "parameter $") : NULL;
    long n = p != NULL ? strtol(p + strlen("parameter $"), NULL, 10) : 0;

    return n > 0 && n <= INT_MAX ? (int)n : 0;
}

/*
 * Whether the failure just seen (state: its SQLSTATE, or NULL) means the
 * server is gone: libpq marked the connection bad, or the server said it
 * is shutting down or ending the session (class 57P, admin shutdown, and
 * class 08, connection exceptions).
 */
static bool lost_now(const pg_conn *c, const char *state)
{
    if (PQstatus(c->pg) == CONNECTION_BAD)
        return true;
    return state != NULL && (strncmp(state, "57P", 3) == 0 ||
                             strncmp(state, "08", 2) == 0);
}

/* Records the lost connection, with what libpq or the server said. */
static int lost_error(pg_conn *c, const char *why)
{
    char msg[sizeof c->err.message];

    snprintf(msg, sizeof msg, "%s%s%s", SC__LOST, why && *why ? ": " : "",
             why ? why : "");
    set_error(c, SC_ERROR, SC_ERROR, msg);
    return SC_ERROR;
}

/* The message of res, or when it has none (libpq made it, not the
 * server), libpq's text of it or of the connection. */
static const char *result_message(const pg_conn *c, const PGresult *res)
{
    const char *msg = res != NULL ? PQresultErrorField(res,
                                          PG_DIAG_MESSAGE_PRIMARY)
                                  : NULL;

    if (msg == NULL && res != NULL && *PQresultErrorMessage(res) != '\0')
        msg = PQresultErrorMessage(res);
    if (msg == NULL && *PQerrorMessage(c->pg) != '\0')
        msg = PQerrorMessage(c->pg);
    return msg;
}

/* Records the error of res (NULL: of the connection) and returns its
 * primary code. */
static int result_error(pg_conn *c, const PGresult *res)
{
    const char *state, *msg, *hint;

    state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (lost_now(c, state))
        return lost_error(c, result_message(c, res));
    if (res == NULL || PQresultStatus(res) != PGRES_FATAL_ERROR) {
        /* libpq's own failure: out of memory, or a refusal it words */
        msg = PQerrorMessage(c->pg);
        set_error(c, *msg && !strstr(msg, "out of memory") ? SC_ERROR
                                                           : SC_NOMEM,
                  0, *msg ? msg : "out of memory");
        c->err.extended = c->err.code;
        return c->err.code;
    }
    msg = result_message(c, res);
    hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
    set_error(c, SC_ERROR, SC_ERROR, msg != NULL ? msg : "unknown error");
    /* out of a server resource (class 53): the hint says which */
    if (state != NULL && strncmp(state, "53", 2) == 0 && hint != NULL)
        snprintf(c->err.message + strlen(c->err.message),
                 sizeof c->err.message - strlen(c->err.message), " (%s)",
                 hint);
    copy_str(c->err.table, sizeof c->err.table,
             PQresultErrorField(res, PG_DIAG_TABLE_NAME));
    copy_str(c->err.column, sizeof c->err.column,
             PQresultErrorField(res, PG_DIAG_COLUMN_NAME));
    copy_str(c->err.constraint, sizeof c->err.constraint,
             PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
    c->err.extended = state != NULL ? map_state(state, c->err.constraint,
                                                c->err.table)
                                    : SC_ERROR;
    c->err.code = c->err.extended & 0xff;
    c->err.param = bad_param(PQresultErrorField(res, PG_DIAG_CONTEXT));
    if (c->err.code == SC_CONSTRAINT && c->err.column[0] == '\0')
        key_columns(&c->err,
                    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
    return c->err.code;
}

/* Notes the rows that res, a statement's whole outcome, counts: digits
 * only, as libpq leaves them, read without strtoll(). */
static void count_changes(pg_conn *c, const PGresult *res)
{
    const char *n = PQcmdTuples((PGresult *)res);

    for (c->changes = 0; *n >= '0' && *n <= '9'; n++)
        c->changes = c->changes * 10 + (*n - '0');
}

/* Checks res, which the caller still frees; the rows changed are noted.
 * A result with rows counts the rows it holds (a SELECT, FETCH or
 * RETURNING holds every row its tag counts), without parsing the tag;
 * the end of a single-row stream, which holds none, is counted by
 * single_end(). */
static int check_result(pg_conn *c, const PGresult *res)
{
    switch (PQresultStatus(res)) {
    case PGRES_TUPLES_OK:
        c->changes = PQntuples(res);
        return SC_OK;
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
        count_changes(c, res);
        return SC_OK;
    default:
        return result_error(c, res);
    }
}

/* Runs res through check_result() and frees it. */
static int finish(pg_conn *c, PGresult *res)
{
    int rc = check_result(c, res);

    PQclear(res);
    return rc;
}

/* ---------------------------------------------------------------------
 * Pipelines of a few statements, for one round trip where each would
 * wait for its own.
 * ------------------------------------------------------------------- */

/* The next result of a pipeline, and the NULL that ends it read. */
static PGresult *piped_result(pg_conn *c)
{
    PGresult *res = PQgetResult(c->pg);

    if (res != NULL && PQresultStatus(res) != PGRES_PIPELINE_SYNC)
        PQclear(PQgetResult(c->pg));
    return res;
}

/* Reads what is left of a pipeline up to its sync (sent first unless
 * synced) and leaves pipeline mode. */
/* Reads and drops the pipeline's results up to its sync (two NULLs in a
 * row: nothing more will come; a lost connection: none at all). */
static void drain_to_sync(pg_conn *c)
{
    PGresult *res;
    ExecStatusType st;
    int nulls = 0;

    while (nulls < 2 && PQstatus(c->pg) == CONNECTION_OK) {
        res = PQgetResult(c->pg);
        if (res == NULL) {
            nulls++;
            continue;
        }
        nulls = 0;
        st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_PIPELINE_SYNC)
            break;
    }
}

static void end_pipe(pg_conn *c, bool synced)
{
    /* a failed sync: the connection is gone, nothing will come */
    if (synced || PQpipelineSync(c->pg))
        drain_to_sync(c);
    PQexitPipelineMode(c->pg);
}

/*
 * sc_begin()'s BEGIN is held back (pg_exec()) until the first statement
 * of the transaction, and goes in one pipeline with it: a round trip
 * fewer per transaction, which a stream that opens its own transaction
 * pays most for.  A transaction in which nothing ran ends without a word
 * to the server.  The server sees the same statements in the same order.
 */
static bool holds_begin(const pg_conn *c, const char *sql)
{
    return strcmp(sql, "BEGIN") == 0 && !c->begin_held && !c->piped &&
           c->single == NULL && PQstatus(c->pg) == CONNECTION_OK &&
           PQtransactionStatus(c->pg) == PQTRANS_IDLE;
}

/* Enters pipeline mode with the held BEGIN sent first. */
static bool send_begin(pg_conn *c)
{
    c->begin_held = false;
    return PQenterPipelineMode(c->pg) &&
           PQsendQueryParams(c->pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
}

/* The outcome of the BEGIN that went first in the pipeline. */
static int begun(pg_conn *c)
{
    PGresult *res = piped_result(c);

    return finish(c, res);
}

/* Runs the one statement sql (no ';') after the held BEGIN, in one
 * pipeline: SC_OK and its result in *res, or the BEGIN's failure. */
static int exec_begun(pg_conn *c, const char *sql, PGresult **res)
{
    int rc;

    *res = NULL;
    if (!send_begin(c) ||
        !PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0) ||
        !PQpipelineSync(c->pg)) {
        rc = result_error(c, NULL);
        end_pipe(c, false);
        return rc;
    }
    rc = begun(c);
    *res = piped_result(c);
    end_pipe(c, true);
    return rc;
}

/* The held BEGIN on its own, before what cannot share a pipeline. */
static int begin_now(pg_conn *c)
{
    if (!c->begin_held)
        return SC_OK;
    c->begin_held = false;
    return finish(c, PQexec(c->pg, "BEGIN"));
}

/* ---------------------------------------------------------------------
 * Single-row streams: while one statement's rows arrive, the connection
 * carries nothing else (see the top of the file).
 * ------------------------------------------------------------------- */

/* Reads what is left of the running statement's results, dropping it. */
static void drain(pg_conn *c)
{
    PGresult *res;

    while ((res = PQgetResult(c->pg)) != NULL)
        PQclear(res);
    if (c->single_piped) {
        c->single_piped = false;
        end_pipe(c, true);
    }
}

/* Ends s's single-row stream with its last result res, which is kept as
 * s->res (no rows) so that a later step does not run s again.  Returns
 * SC__DONE, or the error that ended the rows. */
static int single_end(pg_stmt *s, PGresult *res)
{
    pg_conn *c = s->c;
    int rc = res != NULL ? check_result(c, res) : result_error(c, NULL);

    drain(c);
    c->single = NULL;
    if (rc != SC_OK) {
        PQclear(res);
        return rc;
    }
    count_changes(c, res);
    PQclear(s->res);
    s->res = res;
    s->row = 0;
    return SC__DONE;
}

/* The next row of s's single-row stream, as s->res. */
static int single_next(pg_stmt *s)
{
    PGresult *res = PQgetResult(s->c->pg);

    if (res == NULL || PQresultStatus(res) != PGRES_SINGLE_TUPLE)
        return single_end(s, res);
    PQclear(s->res);
    s->res = res;
    s->row = 0;
    return SC__ROW;
}

/* Appends the one row of res to rest. */
static bool append_row(PGresult *rest, const PGresult *res)
{
    int k = PQntuples(rest);
    int i, n = PQnfields(res);

    for (i = 0; i < n; i++) {
        if (PQgetisnull(res, 0, i)
                ? !PQsetvalue(rest, k, i, NULL, -1)
                : !PQsetvalue(rest, k, i, PQgetvalue(res, 0, i),
                              PQgetlength(res, 0, i)))
            return false;
    }
    return true;
}

/* Keeps the failure now in c->err as the one that ends s's rows. */
static void keep_failure(pg_stmt *s, int rc)
{
    s->rest_rc = rc;
    s->failed = sc__malloc(sizeof *s->failed);
    if (s->failed != NULL)
        *s->failed = s->c->err;
}

/*
 * Reads the rest of s's single-row stream into s->rest, so that the
 * connection is free for another statement; s->res, the row being read,
 * stays.  A failure of the stream's rows, or of memory, waits in
 * s->failed for the step that reaches it.  The whole result is read off
 * the connection in any case.
 */
static void buffer_rest(pg_stmt *s)
{
    pg_conn *c = s->c;
    PGresult *res;
    int rc = SC_OK;

    c->single = NULL;
    s->rest = PQcopyResult(s->res, PG_COPYRES_ATTRS);
    if (s->rest == NULL) {
        rc = SC_NOMEM;
        set_error(c, rc, rc, "out of memory");
    }
    while ((res = PQgetResult(c->pg)) != NULL) {
        if (rc == SC_OK && PQresultStatus(res) == PGRES_SINGLE_TUPLE &&
            !append_row(s->rest, res)) {
            rc = SC_NOMEM;
            set_error(c, rc, rc, "out of memory");
        } else if (rc == SC_OK &&
                   PQresultStatus(res) != PGRES_SINGLE_TUPLE) {
            rc = check_result(c, res);
            if (rc == SC_OK)
                count_changes(c, res);
        }
        PQclear(res);
    }
    if (c->single_piped) {
        c->single_piped = false;
        end_pipe(c, true);
    }
    if (rc != SC_OK)
        keep_failure(s, rc);
}

/* Frees the connection for another statement when a stream is sending
 * its rows: see buffer_rest(). */
static void settle(pg_conn *c)
{
    if (c->single != NULL)
        buffer_rest(c->single);
}

/* The end of the rows read whole: SC__DONE, or the failure that
 * buffer_rest() kept, told once. */
static int rest_end(pg_stmt *s)
{
    int rc = s->rest_rc;

    if (rc == SC_OK)
        return SC__DONE;
    if (s->failed != NULL)
        s->c->err = *s->failed;
    else
        set_error(s->c, rc, rc, "out of memory");
    sc__free(s->failed);
    s->failed = NULL;
    s->rest_rc = SC_OK;
    return rc;
}

/* Goes on from the current row of a stream to the rows buffer_rest()
 * read. */
static int take_rest(pg_stmt *s)
{
    PQclear(s->res);
    s->res = s->rest;
    s->rest = NULL;
    s->row = 0;
    return PQntuples(s->res) > 0 ? SC__ROW : rest_end(s);
}

/* ---------------------------------------------------------------------
 * Connections.
 * ------------------------------------------------------------------- */

static void ignore_notice(void *arg, const char *message)
{
    (void)arg; /* "relation already exists, skipping" and the like */
    (void)message;
}

/* The password of a connection string, copied, or NULL. */
static char *find_password(const PQconninfoOption *opts)
{
    size_t n;
    char *s;

    for (; opts != NULL && opts->keyword != NULL; opts++) {
        if (strcmp(opts->keyword, "password") != 0 || opts->val == NULL)
            continue;
        n = strlen(opts->val);
        s = sc__malloc(n + 1);
        if (s != NULL)
            memcpy(s, opts->val, n + 1);
        return s;
    }
    return NULL;
}

/* Fills err for a failed open: "cannot connect to URL: why". */
static int open_error(pg_conn *c, const char *url, int code, const char *why,
                      sc_backend_error *err)
{
    sc__buf b = {0};

    sc__buf_puts(&b, "cannot connect to ");
    redact(&b, url);
    sc__buf_puts(&b, ": ");
    memset(err, 0, sizeof *err);
    err->code = err->extended = code;
    copy_str(err->message, sizeof err->message,
             b.failed ? "cannot connect to the database" : b.s);
    if (!b.failed && b.len < sizeof err->message)
        tidy_message(err->message + b.len, sizeof err->message - b.len, why,
                     c->password);
    sc__buf_free(&b);
    return code;
}

static void pg_close(void *conn)
{
    pg_conn *c = conn;

    if (c == NULL)
        return;
    PQfinish(c->pg);
    sc__free(c->password);
    sc__buf_free(&c->dealloc);
    sc__free(c);
}

/*
 * The password as written in a string libpq could not parse: after the
 * user in a URL's user:password@, or the value of password= (in a URL's
 * query or a keyword string).  libpq's message about the string may quote
 * it, percent-encoding and all.  NULL when there is none.
 */
static char *written_password(const char *url)
{
    const char *p = strstr(url, "://"), *at, *end;
    char *s;
    size_t n = 0;

    at = p != NULL ? strpbrk(p + 3, "@/?") : NULL;
    if (at != NULL && *at == '@') {
        p = memchr(p + 3, ':', (size_t)(at - p - 3));
        if (p != NULL) {
            p++;
            n = (size_t)(at - p);
        }
    } else if ((p = strstr(url, "password=")) != NULL) {
        p += strlen("password=");
        end = p + strcspn(p, "& \t");
        n = (size_t)(end - p);
    }
    if (p == NULL || n == 0 || (s = sc__malloc(n + 1)) == NULL)
        return NULL;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Parses url first, so that a malformed one is SC_MISUSE and the
 * password is known before any message is written. */
static int parse_url(pg_conn *c, const char *url, sc_backend_error *err)
{
    PQconninfoOption *opts;
    char *why = NULL;
    int rc;

    opts = PQconninfoParse(url, &why);
    if (opts == NULL) {
        c->password = written_password(url);
        rc = open_error(c, url, why ? SC_MISUSE : SC_NOMEM,
                        why ? why : "out of memory", err);
        PQfreemem(why);
        return rc;
    }
    c->password = find_password(opts);
    PQconninfoFree(opts);
    return SC_OK;
}

/*
 * The settings every connection runs under, whatever the server's or the
 * role's defaults, so that a program gets the answers it gets on SQLite:
 * string literals as the SQL standard reads them (the runtime's ESCAPE
 * '\' of like and ilike would otherwise open an escape), and the UTC
 * clock, so that a date column's default now is the UTC day, as
 * timestamps already are.  Comparisons and order of text take byte order
 * by COLLATE "C" in the statements themselves (query.c).
 */
#define SESSION_SQL                                                    \
    "SET standard_conforming_strings = on; SET TimeZone = 'UTC'"

static int set_session(pg_conn *c, const char *url, const char *sql,
                       sc_backend_error *err)
{
    PGresult *res = PQexec(c->pg, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? SC_OK : SC_CANTOPEN;

    if (rc != SC_OK)
        rc = open_error(c, url, res == NULL ? SC_NOMEM : SC_CANTOPEN,
                        res == NULL ? "out of memory"
                                    : PQresultErrorMessage(res),
                        err);
    PQclear(res);
    return rc;
}

/*
 * The busy timeout is lock_timeout: how long one statement waits for a
 * lock before it fails (55P03, SC_BUSY), not statement_timeout, which
 * would end a long query that waits for nothing.
 */
/* A pooler in transaction mode may hand a connection's statement to a
 * server connection where another client prepared one of the same name:
 * run there, it would be the other's statement.  Names carry a tag of
 * the connection (process, clock, address, mixed) so that such a
 * statement is missing, an error, and never someone else's. */
static uint64_t connection_tag(const void *c)
{
    struct timespec ts;
    uint64_t x;

    clock_gettime(CLOCK_REALTIME, &ts);
    x = (uint64_t)getpid() << 40 ^ (uint64_t)ts.tv_sec << 30 ^
        (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)c;
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ x >> 31;
}

static int pg_open(const char *url, const sc__conn_opts *opts, void **conn,
                   sc_backend_error *err)
{
    pg_conn *c = sc__zalloc(1, sizeof *c);
    char sql[64];
    int rc;

    *conn = NULL;
    if (c == NULL) {
        memset(err, 0, sizeof *err);
        err->code = err->extended = SC_NOMEM;
        return SC_NOMEM;
    }
    rc = parse_url(c, url, err);
    if (rc != SC_OK)
        goto cleanup;
    c->fetch_rows = opts->fetch_size > 0 ? opts->fetch_size : 0;
    c->unnamed = opts->unnamed;
    c->tag = connection_tag(c);
    c->pg = PQconnectdb(url);
    if (c->pg == NULL)
        rc = open_error(c, url, SC_NOMEM, "out of memory", err);
    else if (PQstatus(c->pg) != CONNECTION_OK)
        rc = open_error(c, url, SC_CANTOPEN, PQerrorMessage(c->pg), err);
    else if (PQsetClientEncoding(c->pg, "UTF8") != 0)
        rc = open_error(c, url, SC_CANTOPEN, PQerrorMessage(c->pg), err);
    else
        rc = set_session(c, url, SESSION_SQL, err);
    if (rc == SC_OK && opts->busy_timeout_ms >= 0) {
        snprintf(sql, sizeof sql, "SET lock_timeout = %d",
                 opts->busy_timeout_ms);
        rc = set_session(c, url, sql, err);
    }
    if (rc != SC_OK)
        goto cleanup;
    PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
    *conn = c;
    return SC_OK;
cleanup:
    pg_close(c);
    return rc;
}

/* PostgreSQL answers COMMIT of a transaction that an error aborted with
 * "ROLLBACK", not with an error: that is a failure to commit. */
static int pg_exec(void *conn, const char *sql)
{
    pg_conn *c = conn;
    PGresult *res;
    int rc;

    settle(c);
    if (holds_begin(c, sql)) {
        c->begin_held = true;
        return SC_OK;
    }
    if (c->begin_held &&
        (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0)) {
        c->begin_held = false; /* nothing ran: nothing to end */
        c->changes = 0;
        return SC_OK;
    }
    if (c->begin_held && strchr(sql, ';') == NULL) {
        rc = exec_begun(c, sql, &res);
        if (rc != SC_OK) {
            PQclear(res);
            return rc;
        }
    } else if ((rc = begin_now(c)) != SC_OK) {
        return rc;
    } else {
        res = PQexec(c->pg, sql);
    }
    rc = check_result(c, res);

    if (rc == SC_OK && strcmp(sql, "COMMIT") == 0 &&
        strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        set_error(c, SC_ERROR, SC_ERROR,
                  "the transaction was rolled back: a statement in it "
                  "failed");
        rc = SC_ERROR;
    }
    PQclear(res);
    return rc;
}

static int64_t pg_changes(void *conn)
{
    return ((pg_conn *)conn)->changes;
}

/* Keys come back through RETURNING: there is no last insert id. */
static int64_t pg_last_insert_id(void *conn)
{
    (void)conn;
    return 0;
}

/* A transaction that a failed statement aborted refuses the rest.  Asked
 * after every row of a stream: while the connection is still sending a
 * single-row stream's rows, nothing else has run on it since the server
 * took that statement, so the transaction is not aborted. */
static bool pg_txn_aborted(void *conn)
{
    pg_conn *c = conn;

    return c->single == NULL &&
           PQtransactionStatus(c->pg) == PQTRANS_INERROR;
}

/* libpq marks a connection whose server went away CONNECTION_BAD. */
static bool pg_lost(void *conn)
{
    return PQstatus(((pg_conn *)conn)->pg) != CONNECTION_OK;
}

static bool pg_in_transaction(void *conn)
{
    if (((pg_conn *)conn)->begin_held)
        return true;
    switch (PQtransactionStatus(((pg_conn *)conn)->pg)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
    case PQTRANS_ACTIVE:
        return true;
    default:
        return false;
    }
}

static void pg_error(void *conn, sc_backend_error *err)
{
    *err = ((pg_conn *)conn)->err;
}

static void pg_placeholder(int i, char *buf, size_t size)
{
    snprintf(buf, size, "$%d", i);
}

/* ---------------------------------------------------------------------
 * Statements.
 * ------------------------------------------------------------------- */

/* Drops the statements finalized since the last call, in one round trip
 * that only happens when there are some.  A failure (an aborted
 * transaction) keeps them for the next time. */
static void drop_finalized(pg_conn *c)
{
    PGresult *res;

    if (c->dealloc.failed) /* out of memory: they stay till closing */
        sc__buf_free(&c->dealloc);
    if (c->dealloc.len == 0)
        return;
    res = PQexec(c->pg, c->dealloc.s);
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        c->dealloc.len = 0;
    PQclear(res);
}

static void stmt_free(pg_stmt *s)
{
    int i;

    PQclear(s->res);
    PQclear(s->rest);
    sc__free(s->failed);
    sc__free(s->sql);
    sc__free(s->plan);
    sc__free(s->ops);
    for (i = 0; s->params != NULL && i < s->nparams; i++)
        sc__free(s->params[i].buf);
    for (i = 0; i < s->ntexts; i++)
        sc__free(s->texts[i]);
    sc__free(s->texts);
    sc__free(s->text_caps);
    sc__free(s->types);
    sc__free(s->ftypes);
    sc__free(s->fmods);
    sc__free(s->values);
    sc__free(s->lengths);
    sc__free(s->formats);
    sc__free(s->params);
    sc__free(s);
}

/* Sizes the parameter arrays from the description of the prepared
 * statement. */
static int take_params(pg_stmt *s, const PGresult *desc)
{
    size_t n = (size_t)PQnparams(desc);
    size_t i;

    s->nparams = (int)n;
    s->types = sc__zalloc(n, sizeof *s->types);
    s->values = sc__zalloc(n, sizeof *s->values);
    s->lengths = sc__zalloc(n, sizeof *s->lengths);
    s->formats = sc__zalloc(n, sizeof *s->formats);
    s->params = sc__zalloc(n, sizeof *s->params);
    if (!s->types || !s->values || !s->lengths || !s->formats || !s->params)
        return SC_NOMEM;
    for (i = 0; i < n; i++)
        s->types[i] = PQparamtype(desc, (int)i);
    s->nfields = PQnfields(desc);
    s->ftypes = sc__zalloc((size_t)s->nfields, sizeof *s->ftypes);
    s->fmods = sc__zalloc((size_t)s->nfields, sizeof *s->fmods);
    if (s->ftypes == NULL || s->fmods == NULL)
        return SC_NOMEM;
    for (i = 0; i < (size_t)s->nfields; i++) {
        s->ftypes[i] = PQftype(desc, (int)i);
        s->fmods[i] = PQfmod(desc, (int)i);
    }
    return SC_OK;
}

/*
 * Prepares sql as name and returns the server's description of it (*rc
 * SC_OK), or NULL with *rc the failure: the Parse and the Describe go in
 * one pipeline (after a held BEGIN), one round trip where PQprepare()
 * then PQdescribePrepared() would wait twice.
 */
static PGresult *prepare_described(pg_conn *c, const char *name,
                                   const char *sql, int *rc)
{
    PGresult *parsed, *desc, *sync;
    bool held = c->begin_held;

    if (held ? !send_begin(c) : !PQenterPipelineMode(c->pg)) {
        *rc = result_error(c, NULL);
        if (held)
            end_pipe(c, false);
        return NULL;
    }
    if (!PQsendPrepare(c->pg, name, sql, 0, NULL) ||
        !PQsendDescribePrepared(c->pg, name) || !PQpipelineSync(c->pg)) {
        *rc = result_error(c, NULL);
        end_pipe(c, false);
        return NULL;
    }
    if (held && (*rc = begun(c)) != SC_OK) {
        end_pipe(c, true);
        return NULL;
    }
    parsed = piped_result(c);
    desc = piped_result(c);
    sync = desc != NULL ? PQgetResult(c->pg) : NULL;
    PQexitPipelineMode(c->pg);
    /* the Parse's failure, if any, is the one to tell; the Describe then
     * only says that the pipeline was aborted */
    *rc = check_result(c, parsed);
    if (*rc == SC_OK)
        *rc = check_result(c, desc);
    if (*rc == SC_OK && PQresultStatus(sync) != PGRES_PIPELINE_SYNC)
        *rc = result_error(c, sync);
    PQclear(parsed);
    PQclear(sync);
    if (*rc == SC_OK)
        return desc;
    PQclear(desc);
    return NULL;
}

/*
 * Prepares sql under a new name and asks the server the types it
 * inferred for the parameters, which decide their wire format.  Every
 * statement is named, so that one running statement (a query whose
 * each() callback runs another) never replaces another.
 */
static int pg_prepare(void *conn, const char *sql, bool persistent,
                      void **stmt)
{
    pg_conn *c = conn;
    pg_stmt *s = sc__zalloc(1, sizeof *s);
    PGresult *res;
    int rc;

    (void)persistent;
    *stmt = NULL;
    if (s == NULL) {
        set_error(c, SC_NOMEM, SC_NOMEM, "out of memory");
        return SC_NOMEM;
    }
    settle(c);
    drop_finalized(c);
    s->c = c;
    if (c->unnamed) {
        s->sql = sc__malloc(strlen(sql) + 1);
        if (s->sql == NULL) {
            set_error(c, SC_NOMEM, SC_NOMEM, "out of memory");
            stmt_free(s);
            return SC_NOMEM;
        }
        strcpy(s->sql, sql);
    } else {
        snprintf(s->name, sizeof s->name, "sc%016" PRIx64 "_%u", c->tag,
                 ++c->names);
    }
    res = prepare_described(c, s->name, sql, &rc);
    if (rc != SC_OK)
        goto cleanup;
    if ((rc = take_params(s, res)) != SC_OK)
        set_error(c, rc, rc, "out of memory");
    PQclear(res);
    if (rc == SC_OK) {
        *stmt = s;
        return SC_OK;
    }
    if (s->sql == NULL)
        sc__buf_printf(&c->dealloc, "DEALLOCATE %s;", s->name);
cleanup:
    stmt_free(s);
    return rc;
}

/* Closes the cursor of a stream.  Its outcome is of no interest: in an
 * aborted transaction the cursor is already unusable, and it goes when
 * the transaction ends anyway. */
static void close_cursor(pg_stmt *s)
{
    char sql[48];

    if (s->cursor[0] == '\0')
        return;
    settle(s->c);
    if (!pg_txn_aborted(s->c)) {
        snprintf(sql, sizeof sql, "CLOSE %s", s->cursor);
        PQclear(PQexec(s->c->pg, sql));
    }
    s->cursor[0] = '\0';
    s->more = false;
}

/* Ends s's stream, if it is one, leaving the connection free.  The
 * core resets a statement before and after each use, a few times a
 * written row: what is not there is not freed, each free being a call
 * into another library. */
static void pg_reset(void *stmt)
{
    pg_stmt *s = stmt;

    if (s->c->single == s) {
        drain(s->c);
        s->c->single = NULL;
    }
    if (s->res != NULL) {
        PQclear(s->res);
        s->res = NULL;
    }
    if (s->rest != NULL) {
        PQclear(s->rest);
        s->rest = NULL;
    }
    if (s->failed != NULL) {
        sc__free(s->failed);
        s->failed = NULL;
    }
    s->rest_rc = SC_OK;
    s->row = 0;
    close_cursor(s);
}

static void pg_finalize(void *stmt)
{
    pg_stmt *s = stmt;

    if (s == NULL)
        return;
    if (s->c->single == s) {
        drain(s->c);
        s->c->single = NULL;
    }
    if (s->sql == NULL)
        sc__buf_printf(&s->c->dealloc, "DEALLOCATE %s;", s->name);
    stmt_free(s);
}

static int pg_column_count(void *stmt)
{
    pg_stmt *s = stmt;

    return s->res != NULL ? PQnfields(s->res) : 0;
}

/* ---------------------------------------------------------------------
 * Binding: each value in the wire form of the type the server expects.
 * ------------------------------------------------------------------- */

static void set_binary(pg_stmt *s, int k, const void *p, size_t len)
{
    s->values[k] = p;
    s->lengths[k] = (int)len;
    s->formats[k] = 1;
}

/* Sets parameter k to the text form in its buffer (len bytes, which the
 * caller wrote there, NUL-terminated). */
static void set_text(pg_stmt *s, int k)
{
    s->values[k] = s->params[k].buf;
    s->lengths[k] = 0;
    s->formats[k] = 0;
}

/* Parameter k as text: the value's own text, or its number written out. */
static int bind_as_text(pg_stmt *s, int k, const sc_value *v,
                        const char **why)
{
    pg_param *p = &s->params[k];
    size_t need = v->kind == SC_VAL_TEXT ? v->len + 1 : SC__FORM_MAX;

    if (v->kind == SC_VAL_BLOB) {
        *why = "bytes cannot be given where the database expects another "
               "type";
        return SC_MISUSE;
    }
    if (!grow(&p->buf, &p->cap, need))
        return SC_NOMEM;
    if (v->kind == SC_VAL_TEXT) {
        memcpy(p->buf, v->p, v->len);
        p->buf[v->len] = '\0';
    } else if (v->kind == SC_VAL_FLOAT) {
        sc__float_text(v->f, 17, p->buf, need);
    } else if (v->type == SC_TYPE_NUMERIC && v->col != NULL) {
        sc__scaled_text(v->i, v->col->scale, p->buf);
    } else {
        snprintf(p->buf, need, "%" PRId64, v->i);
    }
    set_text(s, k);
    return SC_OK;
}

static int bind_int(pg_stmt *s, int k, Oid type, const sc_value *v,
                    const char **why)
{
    int width = type == OID_INT2 ? 2 : type == OID_INT8 ? 8 : 4;
    int64_t lo = width == 2 ? INT16_MIN : width == 4 ? INT32_MIN : INT64_MIN;
    int64_t hi = width == 2 ? INT16_MAX : width == 4 ? INT32_MAX : INT64_MAX;

    if (type == OID_OID) {
        lo = 0;
        hi = UINT32_MAX;
    }
    if (v->kind != SC_VAL_INT)
        return bind_as_text(s, k, v, why);
    if (v->i < lo || v->i > hi) {
        *why = "the value does not fit the database column's integer type";
        return SC_RANGE;
    }
    put_be(s->params[k].fixed, (uint64_t)v->i, width);
    set_binary(s, k, s->params[k].fixed, (size_t)width);
    return SC_OK;
}

static int bind_float(pg_stmt *s, int k, Oid type, const sc_value *v,
                      const char **why)
{
    double d = v->kind == SC_VAL_INT ? (double)v->i : v->f;
    float f = (float)d;
    uint64_t bits64;
    uint32_t bits32;

    if (v->kind != SC_VAL_INT && v->kind != SC_VAL_FLOAT)
        return bind_as_text(s, k, v, why);
    if (type == OID_FLOAT4) {
        memcpy(&bits32, &f, sizeof bits32);
        put_be(s->params[k].fixed, bits32, 4);
        set_binary(s, k, s->params[k].fixed, 4);
    } else {
        memcpy(&bits64, &d, sizeof bits64);
        put_be(s->params[k].fixed, bits64, 8);
        set_binary(s, k, s->params[k].fixed, 8);
    }
    return SC_OK;
}

/* date: days and timestamp: microseconds, moved to the 2000 epoch. */
static int bind_time(pg_stmt *s, int k, Oid type, const sc_value *v,
                     const char **why)
{
    int64_t x;

    if (v->kind != SC_VAL_INT)
        return bind_as_text(s, k, v, why);
    if (type == OID_DATE) {
        x = v->i - PG_EPOCH_DAYS;
        if (x < INT32_MIN || x > INT32_MAX) {
            *why = "the date is outside PostgreSQL's range";
            return SC_RANGE;
        }
        put_be(s->params[k].fixed, (uint64_t)x, 4);
        set_binary(s, k, s->params[k].fixed, 4);
        return SC_OK;
    }
    if (v->i < INT64_MIN + PG_EPOCH_US) {
        *why = "the timestamp is outside PostgreSQL's range";
        return SC_RANGE;
    }
    /* a timestamp(n) rounds a finer fraction: refused instead */
    if (v->col != NULL && v->col != s->params[k].col) {
        s->params[k].col = v->col;
        s->params[k].frac_unit = sc__fraction_unit(
            sc__dialect_of(SC_DIALECT_POSTGRESQL), v->col->pg_type);
    }
    if (v->col != NULL && s->params[k].frac_unit > 1 &&
        v->i % s->params[k].frac_unit != 0) {
        *why = "the timestamp has a finer fraction of a second than the "
               "column's type keeps";
        return SC_RANGE;
    }
    put_be(s->params[k].fixed, (uint64_t)(v->i - PG_EPOCH_US), 8);
    set_binary(s, k, s->params[k].fixed, 8);
    return SC_OK;
}

/* bool, bytea and uuid: the value's own bytes. */
static int bind_bytes(pg_stmt *s, int k, Oid type, const sc_value *v,
                      const char **why)
{
    if (type == OID_BOOL && v->kind == SC_VAL_INT) {
        s->params[k].fixed[0] = v->i != 0;
        set_binary(s, k, s->params[k].fixed, 1);
        return SC_OK;
    }
    if (v->kind != SC_VAL_BLOB)
        return bind_as_text(s, k, v, why);
    if (type == OID_UUID && v->len != 16) {
        *why = "a uuid is 16 bytes";
        return SC_RANGE;
    }
    if (v->len > INT_MAX) {
        *why = "the value is larger than libpq can send";
        return SC_RANGE;
    }
    set_binary(s, k, v->len ? v->p : "", v->len);
    return SC_OK;
}

/* Text types take UTF-8 as it is in binary; jsonb wants its version
 * byte in front. */
static int bind_textual(pg_stmt *s, int k, Oid type, const sc_value *v,
                        const char **why)
{
    pg_param *p = &s->params[k];

    if (v->kind != SC_VAL_TEXT)
        return bind_as_text(s, k, v, why);
    if (v->len >= INT_MAX) {
        *why = "the text is larger than libpq can send";
        return SC_RANGE;
    }
    if (type != OID_JSONB) {
        set_binary(s, k, v->len ? v->p : "", v->len);
        return SC_OK;
    }
    if (!grow(&p->buf, &p->cap, v->len + 1))
        return SC_NOMEM;
    p->buf[0] = 1;
    memcpy(p->buf + 1, v->p, v->len);
    set_binary(s, k, p->buf, v->len + 1);
    return SC_OK;
}

/*
 * A numeric column's value, x scaled by 10^scale, in numeric's binary
 * form (ndigits, weight, sign, dscale, then base-10000 digits, all
 * 16-bit; see numeric_text()), which the server reads as it reads the
 * text "x / 10^scale" with scale digits after the point, without the
 * text being written or parsed.  False (nothing bound) past a scale of
 * 16, where the fraction's digits would not fit 64 bits once padded to
 * a whole base-10000 digit: those go as text.
 */
static bool bind_numeric(pg_stmt *s, int k, int64_t x, unsigned scale,
                         int *rc)
{
    static const uint64_t tens[] = {1, 10, 100, 1000};
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    uint64_t unit = 1, whole, frac;
    unsigned pad = (4 - scale % 4) % 4, nfrac = (scale + pad) / 4;
    unsigned digits[10], nd = 0, lead = 0, i;
    pg_param *p = &s->params[k];
    int weight;

    if (scale > 16)
        return false;
    for (i = 0; i < scale; i++)
        unit *= 10;
    whole = u / unit;
    frac = u % unit * tens[pad];
    /* the whole part's digits, most significant first (5 at most) */
    for (; whole > 0; whole /= 10000)
        digits[nd++] = (unsigned)(whole % 10000);
    for (i = 0; i < nd / 2; i++) {
        lead = digits[i];
        digits[i] = digits[nd - 1 - i];
        digits[nd - 1 - i] = lead;
    }
    weight = (int)nd - 1;
    for (i = nfrac; i-- > 0; frac /= 10000)
        digits[nd + i] = (unsigned)(frac % 10000);
    nd += nfrac;
    /* no zero digits at either end, as the server keeps its own */
    for (lead = 0; lead < nd && digits[lead] == 0; lead++)
        weight--;
    while (nd > lead && digits[nd - 1] == 0)
        nd--;
    nd -= lead;
    if (!grow(&p->buf, &p->cap, 8 + 2 * sizeof digits / sizeof *digits)) {
        *rc = SC_NOMEM;
        return true;
    }
    put_be((unsigned char *)p->buf, nd, 2);
    put_be((unsigned char *)p->buf + 2, (uint64_t)(nd > 0 ? weight : 0), 2);
    put_be((unsigned char *)p->buf + 4, x < 0 ? 0x4000 : 0, 2);
    put_be((unsigned char *)p->buf + 6, scale, 2);
    for (i = 0; i < nd; i++)
        put_be((unsigned char *)p->buf + 8 + 2 * i, digits[lead + i], 2);
    set_binary(s, k, p->buf, 8 + 2 * (size_t)nd);
    *rc = SC_OK;
    return true;
}

static int bind_typed(pg_stmt *s, int k, const sc_value *v,
                      const char **why);

/* Binds v, of a formatted column, in the form the column keeps (see
 * sc__stored_form()); apart, so that the common bind has no buffer of
 * its own to set up. */
SC__NOINLINE static int bind_formatted(pg_stmt *s, int k, const sc_value *v,
                                      const char **why)
{
    char form[SC__FORM_MAX];
    sc_value stored;
    int rc = sc__stored_form(v, &stored, form, why);

    if (rc != SC_OK)
        return rc;
    /* text in form is copied by bind_as_text() */
    if (stored.kind == SC_VAL_TEXT)
        return bind_as_text(s, k, &stored, why);
    return bind_typed(s, k, &stored, why);
}

static int pg_bind(void *stmt, int i, const sc_value *v, const char **why)
{
    pg_stmt *s = stmt;
    int k = i - 1;

    *why = NULL;
    if (k < 0 || k >= s->nparams) {
        *why = "the statement has no such parameter";
        return SC_MISUSE;
    }
    if (v->kind == SC_VAL_NULL) {
        s->values[k] = NULL;
        s->lengths[k] = s->formats[k] = 0;
        return SC_OK;
    }
    if (v->col != NULL && v->col->format != SC_FMT_NATIVE)
        return bind_formatted(s, k, v, why);
    /* the two forms of most parameters, an int8 key and a text, bound
     * here as bind_typed() binds them, without its call */
    if (v->kind == SC_VAL_INT && s->types[k] == OID_INT8) {
        put_be(s->params[k].fixed, (uint64_t)v->i, 8);
        set_binary(s, k, s->params[k].fixed, 8);
        return SC_OK;
    }
    if (v->kind == SC_VAL_TEXT &&
        (s->types[k] == OID_TEXT || s->types[k] == OID_VARCHAR) &&
        (v->col == NULL || v->col->pg_type == NULL) && v->len < INT_MAX) {
        set_binary(s, k, v->len ? v->p : "", v->len);
        return SC_OK;
    }
    return bind_typed(s, k, v, why);
}

/* Binds v, in its C type's form, to parameter k (from 0) as the
 * parameter's type takes it. */
static int bind_typed(pg_stmt *s, int k, const sc_value *v,
                      const char **why)
{
    Oid type = s->types[k];
    int rc;

    /* a column of a type the runtime does not know (inet, text[], a
     * domain) takes text, which the server parses as that type */
    if (v->col != NULL && v->col->pg_type != NULL && v->kind == SC_VAL_TEXT)
        return bind_as_text(s, k, v, why);
    switch (type) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        return bind_int(s, k, type, v, why);
    case OID_FLOAT4:
    case OID_FLOAT8:
        return bind_float(s, k, type, v, why);
    case OID_DATE:
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        return bind_time(s, k, type, v, why);
    case OID_BOOL:
    case OID_BYTEA:
    case OID_UUID:
        return bind_bytes(s, k, type, v, why);
    case OID_TEXT:
    case OID_VARCHAR:
    case OID_BPCHAR:
    case OID_NAME:
    case OID_JSON:
    case OID_JSONB:
        return bind_textual(s, k, type, v, why);
    case OID_NUMERIC: /* a numeric column's scaled integer in binary */
        if (v->kind == SC_VAL_INT && v->type == SC_TYPE_NUMERIC &&
            v->col != NULL && bind_numeric(s, k, v->i, v->col->scale, &rc))
            return rc;
        return bind_as_text(s, k, v, why);
    default: /* enum types, and anything else: as text */
        return bind_as_text(s, k, v, why);
    }
}

/* ---------------------------------------------------------------------
 * Running.
 * ------------------------------------------------------------------- */

/* Keeps res as the statement's result: SC__ROW when it holds rows. */
static int take_result(pg_stmt *s, PGresult *res)
{
    int rc = check_result(s->c, res);

    if (rc != SC_OK) {
        PQclear(res);
        return rc;
    }
    s->res = res;
    s->row = 0;
    return PQntuples(res) > 0 ? SC__ROW : SC__DONE;
}

/* Reads the next batch of a stream's cursor, in the binary format
 * whatever the cursor was declared with. */
static int fetch(pg_stmt *s)
{
    char sql[64];
    int rc;

    PQclear(s->res);
    s->res = NULL;
    snprintf(sql, sizeof sql, "FETCH %d FROM %s", s->c->fetch_rows,
             s->cursor);
    rc = take_result(s, PQexecParams(s->c->pg, sql, 0, NULL, NULL, NULL,
                                     NULL, 1));
    s->more = rc == SC__ROW && PQntuples(s->res) == s->c->fetch_rows;
    return rc;
}

/* Sends one execution of s (in a pipeline, or as the one statement
 * running). */
static int send_exec(pg_stmt *s)
{
    if (s->sql != NULL)
        return PQsendQueryParams(s->c->pg, s->sql, s->nparams, s->types,
                                 s->values, s->lengths, s->formats, 1);
    return PQsendQueryPrepared(s->c->pg, s->name, s->nparams, s->values,
                               s->lengths, s->formats, 1);
}

/* Runs s once after the held BEGIN, in one pipeline. */
static int step_begun(pg_stmt *s)
{
    pg_conn *c = s->c;
    PGresult *res;
    int rc;

    if (!send_begin(c) || !send_exec(s) || !PQpipelineSync(c->pg)) {
        rc = result_error(c, NULL);
        end_pipe(c, false);
        return rc;
    }
    rc = begun(c);
    res = piped_result(c);
    end_pipe(c, true);
    if (rc == SC_OK)
        return take_result(s, res);
    PQclear(res);
    return rc;
}

static int pg_step(void *stmt)
{
    pg_stmt *s = stmt;

    if (s->c->single == s)
        return single_next(s);
    if (s->rest != NULL)
        return take_rest(s);
    if (s->res != NULL && s->row + 1 < PQntuples(s->res)) {
        s->row++;
        return SC__ROW;
    }
    if (s->cursor[0] != '\0')
        return s->more ? fetch(s) : SC__DONE;
    if (s->res != NULL) {
        s->row = PQntuples(s->res);
        return rest_end(s);
    }
    settle(s->c);
    if (s->c->begin_held)
        return step_begun(s);
    if (s->sql != NULL)
        return take_result(s, PQexecParams(s->c->pg, s->sql, s->nparams,
                                           s->types, s->values, s->lengths,
                                           s->formats, 1));
    return take_result(s, PQexecPrepared(s->c->pg, s->name, s->nparams,
                                         s->values, s->lengths, s->formats,
                                         1));
}

/*
 * Starts s as a stream through a cursor declared for its text with the
 * values bound to it (a prepared statement cannot be a cursor's query),
 * then reads its first batch.  The cursor's name is new for every stream,
 * so that streams nested in a row function never meet.
 */
static int cursor_stream(pg_stmt *s, const char *sql)
{
    sc__buf b = {0};
    int rc = begin_now(s->c);

    if (rc != SC_OK)
        return rc;
    snprintf(s->cursor, sizeof s->cursor, "sc_cur_%u", ++s->c->cursors);
    sc__buf_printf(&b, "DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor,
                   sql);
    if (b.failed) {
        rc = SC_NOMEM;
        set_error(s->c, rc, rc, "out of memory");
    } else {
        rc = finish(s->c, PQexecParams(s->c->pg, b.s, s->nparams, s->types,
                                       s->values, s->lengths, s->formats,
                                       1));
    }
    sc__buf_free(&b);
    if (rc != SC_OK) {
        s->cursor[0] = '\0';
        return rc;
    }
    return fetch(s);
}

/*
 * Starts stmt as a stream: one execution whose rows are read in
 * single-row mode (see the top of the file), or a cursor when the
 * connection was opened with a fetch size.
 */
static int pg_stream(void *stmt, const char *sql)
{
    pg_stmt *s = stmt;
    pg_conn *c = s->c;
    bool piped;
    int rc;

    pg_reset(s);
    if (c->fetch_rows > 0)
        return cursor_stream(s, sql);
    settle(c);
    /* after a held BEGIN, both in one pipeline, whose sync drain() reads */
    piped = c->begin_held;
    if (piped ? !send_begin(c) || !send_exec(s) || !PQpipelineSync(c->pg)
              : !send_exec(s)) {
        rc = result_error(c, NULL);
        if (piped)
            end_pipe(c, false);
        return rc;
    }
    if (piped && (rc = begun(c)) != SC_OK) {
        end_pipe(c, true);
        return rc;
    }
    c->single_piped = piped;
    c->single = s;
    if (!PQsetSingleRowMode(c->pg)) {
        c->single = NULL;
        drain(c);
        return result_error(c, NULL);
    }
    return single_next(s);
}

/* ---------------------------------------------------------------------
 * Reading columns from binary results.
 * ------------------------------------------------------------------- */

/* A buffer of n bytes for column i's text, valid until the next row. */
static char *text_slot(pg_stmt *s, int i, size_t n)
{
    int want = PQnfields(s->res);
    char **texts;
    size_t *caps;

    if (s->ntexts < want) {
        texts = sc__zalloc((size_t)want, sizeof *texts);
        caps = sc__zalloc((size_t)want, sizeof *caps);
        if (texts == NULL || caps == NULL) {
            sc__free(texts);
            sc__free(caps);
            return NULL;
        }
        if (s->ntexts > 0) {
            memcpy(texts, s->texts, (size_t)s->ntexts * sizeof *texts);
            memcpy(caps, s->text_caps, (size_t)s->ntexts * sizeof *caps);
        }
        sc__free(s->texts);
        sc__free(s->text_caps);
        s->texts = texts;
        s->text_caps = caps;
        s->ntexts = want;
    }
    return grow(&s->texts[i], &s->text_caps[i], n) ? s->texts[i] : NULL;
}

/* Appends base-10000 digit d as four decimal digits, or fewer at the
 * front of a number (lead). */
static size_t put_digit(char *out, unsigned d, bool lead)
{
    return (size_t)sprintf(out, lead ? "%u" : "%04u", d);
}

/*
 * Writes numeric's binary form (ndigits, weight, sign, dscale, then
 * base-10000 digits, all 16-bit) as decimal text with dscale fraction
 * digits, as PostgreSQL prints it.  NULL when out of memory or the data
 * is malformed.
 */
static char *numeric_text(pg_stmt *s, int col, const unsigned char *p,
                          size_t len)
{
    int nd = len >= 8 ? (int)get_be(p, 2) : -1;
    int weight = (int16_t)get_be(p + 2, 2);
    unsigned sign = (unsigned)get_be(p + 4, 2);
    int dscale = (int)get_be(p + 6, 2), k, i;
    char *out, *o;

    if (nd < 0 || len != 8 + 2 * (size_t)nd)
        return NULL;
    out = text_slot(s, col, (size_t)(weight > 0 ? weight : 0) * 4 +
                                (size_t)dscale + 16);
    if (out == NULL)
        return NULL;
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        strcpy(out, sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity"
                                                             : "-Infinity");
        return out;
    }
    o = out;
    if (sign == 0x4000)
        *o++ = '-';
    if (weight < 0)
        *o++ = '0';
    for (k = 0; k <= weight; k++)
        o += put_digit(o, k < nd ? (unsigned)get_be(p + 8 + 2 * k, 2) : 0,
                       k == 0);
    if (dscale > 0)
        *o++ = '.';
    /* digit k is worth 10000^(weight - k): the first after the point is
     * weight + 1, before the first digit when weight < -1 */
    for (i = 0, k = weight + 1; i < dscale; i += 4, k++)
        o += put_digit(o, k >= 0 && k < nd ? (unsigned)get_be(p + 8 + 2 * k,
                                                             2)
                                           : 0,
                       false);
    if (dscale > 0)
        o -= (4 - dscale % 4) % 4; /* the last group's unwanted digits */
    *o = '\0';
    return out;
}

/* The scale of result column i: from its type modifier, numeric(p,s)
 * being ((p << 16) | s) + 4, or the digits after the point in text. */
static unsigned column_scale(const pg_stmt *s, int i, const char *text)
{
    int mod = PQfmod(s->res, i);
    const char *dot;

    if (mod >= 4)
        return (unsigned)((mod - 4) & 0xffff);
    dot = strchr(text, '.');
    return dot != NULL ? (unsigned)strlen(dot + 1) : 0;
}

static void give_int(sc_value *out, sc_value_kind kind, int64_t x)
{
    if (kind == SC_VAL_FLOAT)
        out->f = (double)x;
    else
        out->i = x;
    out->kind = kind == SC_VAL_FLOAT ? SC_VAL_FLOAT : SC_VAL_INT;
}

/* Text or bytes p, len (NUL-terminated by libpq or by us) as kind. */
static void give_bytes(sc_value *out, sc_value_kind kind, const char *p,
                       size_t len)
{
    out->kind = kind;
    if (kind == SC_VAL_INT)
        out->i = strtoll(p, NULL, 10);
    else if (kind == SC_VAL_FLOAT)
        out->f = sc__float_parse(p, NULL);
    out->p = p;
    out->len = len;
}

/* float4 or float8, by its length. */
static double get_float(const unsigned char *p, size_t len)
{
    uint64_t bits64;
    uint32_t bits32;
    double d;
    float f;

    if (len == 4) {
        bits32 = (uint32_t)get_be(p, 4);
        memcpy(&f, &bits32, sizeof f);
        return f;
    }
    bits64 = get_be(p, 8);
    memcpy(&d, &bits64, sizeof d);
    return d;
}

static int64_t from_pg_timestamp(int64_t x)
{
    if (x == INT64_MAX || x == INT64_MIN) /* infinity, -infinity */
        return x;
    if (x > INT64_MAX - PG_EPOCH_US)
        return INT64_MAX;
    return x + PG_EPOCH_US;
}

/*
 * numeric's binary form straight to an integer scaled by 10^scale (the
 * column's, from its type modifier mod, else the value's dscale), as
 * sc__parse_scaled() reads the text: digits past the scale dropped.  The
 * common case of reading a row, without writing text.  False when the
 * text path must do it: NaN, infinities, malformed data, or more than
 * four base-10000 digits to fold.
 */
static bool numeric_scaled(const unsigned char *p, size_t len, int mod,
                           int64_t *out)
{
    static const unsigned tens[] = {1, 10, 100, 1000};
    int nd, weight, scale, last, k;
    unsigned sign;
    uint64_t u = 0;

    if (len < 8)
        return false;
    nd = (int)get_be(p, 2);
    weight = (int16_t)get_be(p + 2, 2);
    sign = (unsigned)get_be(p + 4, 2);
    scale = mod >= 4 ? (mod - 4) & 0xffff : (int)get_be(p + 6, 2);
    if (len != 8 + 2 * (size_t)nd || (sign != 0 && sign != 0x4000))
        return false;
    /* digit k counts 10^(4 (weight - k) + scale) in the result; the last
     * to fold is the last whose unit is above 10^-4 */
    last = weight + (scale + 3) / 4;
    if (last >= 4)
        return false;
    for (k = 0; k <= last; k++)
        u = u * 10000 + (k < nd ? get_be(p + 8 + 2 * k, 2) : 0);
    if (last >= 0)
        u /= tens[-(4 * (weight - last) + scale)];
    *out = sign != 0 ? -(int64_t)u : (int64_t)u;
    return true;
}

static int read_numeric(pg_stmt *s, int i, sc_value_kind kind,
                        const unsigned char *p, size_t len, sc_value *out)
{
    int64_t x;
    char *t;

    if (kind == SC_VAL_INT && numeric_scaled(p, len, PQfmod(s->res, i), &x)) {
        give_int(out, kind, x);
        return SC_OK;
    }
    t = numeric_text(s, i, p, len);

    if (t == NULL)
        return SC_NOMEM;
    if (kind == SC_VAL_INT)
        give_int(out, kind, sc__parse_scaled(t, column_scale(s, i, t)));
    else
        give_bytes(out, kind, t, strlen(t));
    return SC_OK;
}

/* Any column as pg_column() reads it. */
SC__NOINLINE static int column_any(pg_stmt *s, int i, sc_value_kind kind,
                                   sc_value *out)
{
    const unsigned char *p;
    size_t len;
    int n;

    memset(out, 0, sizeof *out);
    if (s->res == NULL || s->row >= PQntuples(s->res) || i < 0 ||
        i >= (n = PQnfields(s->res)) || kind == SC_VAL_NULL)
        return SC_OK;
    len = (size_t)PQgetlength(s->res, s->row, i);
    if (len == 0 && PQgetisnull(s->res, s->row, i)) /* NULL has length 0 */
        return SC_OK;
    p = (const unsigned char *)PQgetvalue(s->res, s->row, i);
    switch (n == s->nfields ? s->ftypes[i] : PQftype(s->res, i)) {
    case OID_BOOL:
        give_int(out, kind, len > 0 && p[0] != 0);
        break;
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        give_int(out, kind, get_signed(p, (int)len));
        break;
    case OID_OID:
        give_int(out, kind, (int64_t)get_be(p, 4));
        break;
    case OID_FLOAT4:
    case OID_FLOAT8:
        out->kind = SC_VAL_FLOAT;
        out->f = get_float(p, len);
        break;
    case OID_DATE:
        give_int(out, kind, get_signed(p, 4) + PG_EPOCH_DAYS);
        break;
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        give_int(out, kind, from_pg_timestamp(get_signed(p, 8)));
        break;
    case OID_NUMERIC:
        return read_numeric(s, i, kind, p, len, out);
    case OID_JSONB: /* a version byte, then the text */
        give_bytes(out, kind, (const char *)p + (len > 0),
                   len > 0 ? len - 1 : 0);
        break;
    default: /* text, varchar, json, bytea, uuid, enum labels */
        give_bytes(out, kind, (const char *)p, len);
        break;
    }
    return SC_OK;
}

/* An int8 read as an integer (a count, a key) as column_any() reads it,
 * without its call; any other column goes there. */
static int pg_column(void *stmt, int i, sc_value_kind kind, sc_value *out)
{
    pg_stmt *s = stmt;

    if (kind != SC_VAL_INT || s->res == NULL || i < 0 || i >= s->nfields ||
        s->ftypes[i] != OID_INT8 || PQnfields(s->res) != s->nfields ||
        s->row >= PQntuples(s->res) || PQgetlength(s->res, s->row, i) != 8)
        return column_any(s, i, kind, out);
    memset(out, 0, sizeof *out);
    out->kind = SC_VAL_INT;
    out->i = get_signed(
        (const unsigned char *)PQgetvalue(s->res, s->row, i), 8);
    return SC_OK;
}

/* ---------------------------------------------------------------------
 * Result types: what a column of each C type reads, checked once per
 * prepared statement, and the casts that bring other types to those.
 * ------------------------------------------------------------------- */

static bool is_text_type(Oid t)
{
    return t == OID_TEXT || t == OID_VARCHAR || t == OID_BPCHAR ||
           t == OID_NAME;
}

static bool is_int_type(Oid t)
{
    return t == OID_INT2 || t == OID_INT4 || t == OID_INT8;
}

/* Whether values of type t read as column c's (pg_column() reads them
 * by their type, so this is what keeps a wrong one out of a field). */
static bool type_fits(const sc_column_desc *c, Oid t)
{
    switch (sc__format(c)) {
    case SC_FMT_NATIVE:
        break;
    case SC_FMT_REAL:
        return t == OID_FLOAT4 || t == OID_FLOAT8;
    case SC_FMT_INTEGER:
        return is_int_type(t);
    default:
        return is_text_type(t);
    }
    switch (c->type) {
    case SC_TYPE_BOOL:
        return t == OID_BOOL;
    case SC_TYPE_INT16:
    case SC_TYPE_INT32:
    case SC_TYPE_INT64:
        return is_int_type(t);
    case SC_TYPE_FLOAT32:
    case SC_TYPE_FLOAT64:
        return t == OID_FLOAT4 || t == OID_FLOAT8;
    case SC_TYPE_NUMERIC:
    case SC_TYPE_DECIMAL:
        return t == OID_NUMERIC;
    case SC_TYPE_TEXT:
        return is_text_type(t);
    case SC_TYPE_JSON:
        return is_text_type(t) || t == OID_JSON || t == OID_JSONB;
    case SC_TYPE_BYTES:
        return t == OID_BYTEA;
    case SC_TYPE_DATE:
        return t == OID_DATE;
    case SC_TYPE_TIMESTAMP:
        return t == (c->flags & SC_COL_NOZONE ? OID_TIMESTAMP
                                               : OID_TIMESTAMPTZ);
    case SC_TYPE_UUID:
        return t == OID_UUID;
    case SC_TYPE_ENUM: /* its own type, made after initdb */
        return is_text_type(t) || t >= OID_FIRST_USER;
    }
    return false;
}

/*
 * How pg_read_row() stores a value: by the field's C type and the result
 * column's type, and the length the binary form of that type has (a
 * value of another length goes to the core's careful read).  Decided
 * once per prepared statement and descriptor (read_plan()), since every
 * execution of a statement has the same result columns.
 */
enum {
    RD_CAREFUL,   /* the core reads it (pg_column()) */
    RD_TEXT,      /* text, varchar, json as text: a pointer or a copy */
    RD_I8,        /* int8 into int64_t */
    RD_I4,        /* int4 into int64_t */
    RD_I2,        /* int2 into int64_t */
    RD_I32_4,     /* int4 into int32_t */
    RD_I32_2,     /* int2 into int32_t */
    RD_TIMESTAMP, /* timestamp or timestamptz into int64_t */
    RD_NUMERIC,   /* numeric, scaled, into int64_t */
    RD_F8,        /* float8 into double */
    RD_F4,        /* float4 into double */
    RD_BOOL
};

static unsigned char read_op(const sc_column_desc *c, Oid type)
{
    if (c->format != SC_FMT_NATIVE)
        return RD_CAREFUL;
    switch (c->type) {
    case SC_TYPE_INT64:
        return type == OID_INT8 ? RD_I8 : type == OID_INT4 ? RD_I4
             : type == OID_INT2 ? RD_I2 : RD_CAREFUL;
    case SC_TYPE_INT32:
        return type == OID_INT4 ? RD_I32_4 : type == OID_INT2 ? RD_I32_2
                                                             : RD_CAREFUL;
    case SC_TYPE_TIMESTAMP:
        return type == OID_TIMESTAMP || type == OID_TIMESTAMPTZ
                   ? RD_TIMESTAMP : RD_CAREFUL;
    case SC_TYPE_NUMERIC:
        return type == OID_NUMERIC ? RD_NUMERIC : RD_CAREFUL;
    case SC_TYPE_FLOAT64:
        return type == OID_FLOAT8 ? RD_F8 : type == OID_FLOAT4 ? RD_F4
                                                               : RD_CAREFUL;
    case SC_TYPE_BOOL:
        return type == OID_BOOL ? RD_BOOL : RD_CAREFUL;
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        return is_text_type(type) || type == OID_JSON ? RD_TEXT
                                                      : RD_CAREFUL;
    default:
        return RD_CAREFUL;
    }
}

/* The ops of t's columns over s's result columns, made on the first row
 * read with t; NULL when out of memory (each row then works them out). */
static const unsigned char *read_plan(pg_stmt *s, const sc_table_desc *t)
{
    unsigned i, n = t->ncols < (unsigned)s->nfields ? t->ncols
                                                    : (unsigned)s->nfields;
    unsigned char *plan;

    if (s->plan_t == t)
        return s->plan;
    plan = sc__realloc(s->plan, n > 0 ? n : 1);
    if (plan == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        plan[i] = read_op(&t->cols[i], s->ftypes[i]);
    s->plan = plan;
    s->plan_t = t;
    return plan;
}

/*
 * Reads the current row into out in one call (backend.h): each value of
 * a type the column reads as it is (the types were checked against the
 * descriptor once, at prepare) stored straight into its field, text left
 * in the result's memory, which libpq ends with a NUL, when a is NULL.
 * It stops at anything else (a float4 or int16 field, bytes, a format,
 * an enum label, a numeric of more digits than an int64 folds, a value
 * out of the field's range or of an unexpected length), which the core
 * reads through pg_column().
 *
 * Streaming runs this for every row, so each call into libpq counts: the
 * ops come from the statement's plan (read_plan()), only a value of
 * length 0 (text left in place: an empty one) is asked whether it is
 * NULL, and text left in place is not asked its length.
 */
static int pg_read_row(void *stmt, const sc_table_desc *t, unsigned *from,
                       sc_arena *a, void *out)
{
    pg_stmt *s = stmt;
    const PGresult *res = s->res;
    int n = PQnfields(res), row = s->row;
    const unsigned char *plan = n == s->nfields ? read_plan(s, t) : NULL;
    const sc_column_desc *c;
    const unsigned char *p;
    const char *text;
    char *field;
    int64_t x;
    int32_t i32;
    double f;
    unsigned i;
    int len;
    unsigned char op;

    for (i = *from; i < t->ncols && (int)i < n; i++) {
        c = &t->cols[i];
        field = (char *)out + c->offset;
        op = plan != NULL ? plan[i] : read_op(c, PQftype(res, (int)i));
        if (op == RD_TEXT && a == NULL) {
            /* text left where it is needs no length: only an empty
             * value may be a NULL */
            text = PQgetvalue(res, row, (int)i);
            if (*text == '\0' && PQgetisnull(res, row, (int)i))
                continue;
            memcpy(field, &text, sizeof text);
            goto has;
        }
        len = PQgetlength(res, row, (int)i);
        if (len == 0 && PQgetisnull(res, row, (int)i))
            continue; /* the field and its has_ flag are zero already */
        if (op == RD_CAREFUL)
            break;
        p = (const unsigned char *)PQgetvalue(res, row, (int)i);
        switch (op) {
        case RD_I8:
        case RD_TIMESTAMP:
            if (len != 8)
                goto careful;
            x = get_signed(p, 8);
            if (op == RD_TIMESTAMP)
                x = from_pg_timestamp(x);
            memcpy(field, &x, sizeof x);
            break;
        case RD_I4:
            if (len != 4)
                goto careful;
            x = get_signed(p, 4);
            memcpy(field, &x, sizeof x);
            break;
        case RD_I2:
            if (len != 2)
                goto careful;
            x = get_signed(p, 2);
            memcpy(field, &x, sizeof x);
            break;
        case RD_I32_4:
            if (len != 4)
                goto careful;
            i32 = (int32_t)get_signed(p, 4);
            memcpy(field, &i32, sizeof i32);
            break;
        case RD_I32_2:
            if (len != 2)
                goto careful;
            i32 = (int32_t)get_signed(p, 2);
            memcpy(field, &i32, sizeof i32);
            break;
        case RD_NUMERIC: /* scaled, as read_numeric() reads it */
            if (!numeric_scaled(p, (size_t)len,
                                plan != NULL ? s->fmods[i]
                                             : PQfmod(res, (int)i),
                                &x))
                goto careful;
            memcpy(field, &x, sizeof x);
            break;
        case RD_F8:
        case RD_F4:
            if (len != (op == RD_F8 ? 8 : 4))
                goto careful;
            f = get_float(p, (size_t)len);
            memcpy(field, &f, sizeof f);
            break;
        case RD_BOOL:
            if (len != 1)
                goto careful;
            *(bool *)field = p[0] != 0;
            break;
        case RD_TEXT:
            text = sc__arena_copy(a, p, (size_t)len);
            if (text == NULL)
                return SC_NOMEM;
            memcpy(field, &text, sizeof text);
            break;
        default:
            goto careful;
        }
    has:
        if (c->flags & SC_COL_HASFLAG)
            *(bool *)((char *)out + c->has_offset) = true;
    }
careful:
    *from = i;
    return SC_OK;
}

/* A column of a read plan as pg_read_plan() takes it: the plan's column
 * with the op of its result column's type and, for a numeric, its
 * typmod, in one place, so that a row is read from one array. */
typedef struct pg_read_step {
    unsigned char op;
    unsigned char size;   /* of the field, for a NULL's zeroes */
    int col;
    uint32_t offset;
    uint32_t has_offset;
    int fmod;
} pg_read_step;

/* The step of plan column p over s's result; fmods when the result is
 * the one prepared, else the result's own. */
static pg_read_step make_step(const pg_stmt *s, const sc__read_plan *plan,
                              const sc__read_col *p, bool prepared)
{
    pg_read_step st;

    st.col = (int)p->col;
    st.offset = p->offset;
    st.has_offset = p->has_offset;
    st.size = p->size;
    if (prepared) {
        st.op = p->col < (unsigned)s->nfields
                    ? read_op(&plan->t->cols[p->col], s->ftypes[p->col])
                    : RD_CAREFUL;
        st.fmod = st.op == RD_NUMERIC ? s->fmods[p->col] : 0;
    } else {
        st.op = (int)p->col < PQnfields(s->res)
                    ? read_op(&plan->t->cols[p->col],
                              PQftype(s->res, (int)p->col))
                    : RD_CAREFUL;
        st.fmod = st.op == RD_NUMERIC ? PQfmod(s->res, (int)p->col) : 0;
    }
    return st;
}

/* The ops whose columns pg_read_plan() reads in runs of their own, in
 * the order of the runs. */
static const unsigned char run_ops[4] = {RD_I8, RD_TIMESTAMP, RD_NUMERIC,
                                         RD_TEXT};

/* Orders ops[0..n) as the runs of run_ops, each in the plan's order, and
 * the other steps after them; end receives the ends of the runs. */
static void group_steps(pg_read_step *ops, unsigned n, unsigned end[4])
{
    pg_read_step tmp;
    unsigned k, j, r, done = 0;

    for (r = 0; r < 4; r++) {
        for (k = done; k < n; k++) {
            if (ops[k].op != run_ops[r])
                continue;
            tmp = ops[k];
            for (j = k; j > done; j--) /* keeps the order of the rest */
                ops[j] = ops[j - 1];
            ops[done++] = tmp;
        }
        end[r] = done;
    }
}

/*
 * The steps of plan's columns over s's result columns, grouped by
 * group_steps(); NULL when out of memory or when the result is not the one
 * prepared (then each row works them out).  A plan's columns follow
 * from its table and whether a get skips key columns, which leaves
 * fewer: the two name the plan the steps were made for.
 */
static const pg_read_step *plan_ops(pg_stmt *s, const sc__read_plan *plan,
                                    unsigned n)
{
    pg_read_step *ops;
    unsigned k;

    if (s->ops_t == plan->t && s->ops_n == n)
        return s->ops;
    if (PQnfields(s->res) != s->nfields)
        return NULL;
    ops = sc__realloc(s->ops, (n > 0 ? n : 1) * sizeof *ops);
    if (ops == NULL)
        return NULL;
    for (k = 0; k < n; k++)
        ops[k] = make_step(s, plan, &plan->cols[k], true);
    group_steps(ops, n, s->ops_end);
    s->ops = ops;
    s->ops_t = plan->t;
    s->ops_n = n;
    return ops;
}

/* Reads the value of step st of row r into row, as pg_read_plan() says;
 * SC_OK, or the failure of its careful read. */
static inline int read_step(sc_db *db, const sc__read_plan *plan,
                            pg_stmt *s, const PGresult *res, int r,
                            const pg_read_step *st, sc_arena *a, char *row)
{
    const unsigned char *v;
    const char *text;
    int len, col = st->col;
    int32_t i32;
    int64_t x;
    double f;

    if (st->op == RD_TEXT && a == NULL) {
        text = PQgetvalue(res, r, col);
        if (*text == '\0' && PQgetisnull(res, r, col))
            goto null;
        row[st->has_offset] = true;
        memcpy(row + st->offset, &text, sizeof text);
        return SC_OK;
    }
    if (st->op == RD_CAREFUL)
        goto careful;
    len = PQgetlength(res, r, col);
    if (len == 0 && PQgetisnull(res, r, col))
        goto null;
    v = (const unsigned char *)PQgetvalue(res, r, col);
    switch (st->op) {
    case RD_I8:
        if (len != 8)
            goto careful;
        x = get_signed(v, 8);
        break;
    case RD_TIMESTAMP:
        if (len != 8)
            goto careful;
        x = from_pg_timestamp(get_signed(v, 8));
        break;
    case RD_I4:
        if (len != 4)
            goto careful;
        x = get_signed(v, 4);
        break;
    case RD_I2:
        if (len != 2)
            goto careful;
        x = get_signed(v, 2);
        break;
    case RD_NUMERIC:
        if (!numeric_scaled(v, (size_t)len, st->fmod, &x))
            goto careful;
        break;
    case RD_I32_4:
    case RD_I32_2:
        if (len != (st->op == RD_I32_4 ? 4 : 2))
            goto careful;
        i32 = (int32_t)get_signed(v, len);
        row[st->has_offset] = true;
        memcpy(row + st->offset, &i32, sizeof i32);
        return SC_OK;
    case RD_F8:
    case RD_F4:
        if (len != (st->op == RD_F8 ? 8 : 4))
            goto careful;
        f = get_float(v, (size_t)len);
        row[st->has_offset] = true;
        memcpy(row + st->offset, &f, sizeof f);
        return SC_OK;
    case RD_BOOL:
        if (len != 1)
            goto careful;
        row[st->has_offset] = true;
        row[st->offset] = v[0] != 0;
        return SC_OK;
    case RD_TEXT:
        text = sc__arena_copy(a, v, (size_t)len);
        if (text == NULL)
            goto careful; /* out of memory: the careful read tells */
        row[st->has_offset] = true;
        memcpy(row + st->offset, &text, sizeof text);
        return SC_OK;
    default:
        goto careful;
    }
    row[st->has_offset] = true;
    memcpy(row + st->offset, &x, sizeof x);
    return SC_OK;
null:
    sc__read_null(row, st->offset, st->has_offset, st->size);
    return SC_OK;
careful: /* its field zeroed first: out need not be (backend.h) */
    sc__read_null(row, st->offset, st->has_offset, st->size);
    return sc__read_column(db, plan->t, s, (unsigned)col, a, row);
}

/* A step's value that its run does not store: a NULL, stored as such,
 * or a value the careful read words (read_step() tells them apart). */
SC__NOINLINE static int odd_value(sc_db *db, const sc__read_plan *plan,
                                  pg_stmt *s, int r, const pg_read_step *st,
                                  sc_arena *a, char *row)
{
    return read_step(db, plan, s, s->res, r, st, a, row);
}

/* Stores x, read for step st, in row. */
static inline void put_i64(char *row, const pg_read_step *st, int64_t x)
{
    row[st->has_offset] = true;
    memcpy(row + st->offset, &x, sizeof x);
}

/* Reads the steps of s's ops after the runs, one by one. */
SC__NOINLINE static int read_others(sc_db *db, const sc__read_plan *plan,
                                    pg_stmt *s, int r, sc_arena *a,
                                    char *row)
{
    const pg_read_step *st = s->ops + s->ops_end[3];
    const pg_read_step *end = s->ops + s->ops_n;
    int rc;

    for (; st < end; st++) {
        if ((rc = read_step(db, plan, s, s->res, r, st, a, row)) != SC_OK)
            return rc;
    }
    return SC_OK;
}

/* Reads the text columns of s's ops, copied into a, or when a is NULL
 * pointing into the result, whose text is NUL-terminated: a stream's
 * value is asked whether it is NULL only when it is empty. */
static int read_texts(sc_db *db, const sc__read_plan *plan, pg_stmt *s,
                      int r, sc_arena *a, char *row)
{
    const PGresult *res = s->res;
    const pg_read_step *st = s->ops + s->ops_end[2];
    const pg_read_step *end = s->ops + s->ops_end[3];
    const char *text;
    int rc, len;

    for (; a == NULL && st < end; st++) {
        text = PQgetvalue(res, r, st->col);
        if (*text == '\0' && PQgetisnull(res, r, st->col)) {
            sc__read_null(row, st->offset, st->has_offset, st->size);
            continue;
        }
        row[st->has_offset] = true;
        memcpy(row + st->offset, &text, sizeof text);
    }
    for (; st < end; st++) {
        len = PQgetlength(res, r, st->col);
        if (len == 0 && PQgetisnull(res, r, st->col)) {
            sc__read_null(row, st->offset, st->has_offset, st->size);
            continue;
        }
        text = sc__arena_copy(a, PQgetvalue(res, r, st->col), (size_t)len);
        if (text == NULL) { /* out of memory: the careful read tells */
            if ((rc = odd_value(db, plan, s, r, st, a, row)) != SC_OK)
                return rc;
            continue;
        }
        row[st->has_offset] = true;
        memcpy(row + st->offset, &text, sizeof text);
    }
    return SC_OK;
}

/*
 * Reads the current row into out as plan says (backend.h): the steps of
 * its columns, with the op from the result column's type and the
 * field's, are the statement's (plan_ops()), made at the first row and
 * grouped by op, so that a row is read from one array in runs that ask
 * no question of a value's type: int8, timestamp, numeric and text
 * columns each in a loop of their own, the others one by one.  A value
 * is asked whether it is NULL only when its length is not its type's
 * binary form's, and text left in the result is not asked its length.
 * A value of another length than its type's binary form, a numeric that
 * does not fold into an int64, a copy out of memory and an op the reader
 * does not know go to the careful read, which words what does not fit.
 * The has_ flag's true is written before the value, which covers it
 * where the field has none.
 */
static int pg_read_plan(sc_db *db, const sc__read_plan *plan, void *stmt,
                        sc_arena *a, void *out)
{
    pg_stmt *s = stmt;
    const PGresult *res = s->res;
    unsigned k, n = plan->end[SC__READ_CAREFUL];
    const pg_read_step *ops = plan_ops(s, plan, n), *st, *end;
    pg_read_step one;
    char *row = out;
    int rc, len, r = s->row;
    int64_t x;

    if (ops == NULL) { /* a result of another shape, or no memory */
        for (k = 0; k < n; k++) {
            one = make_step(s, plan, &plan->cols[k], false);
            if ((rc = read_step(db, plan, s, res, r, &one, a, out)) != SC_OK)
                return rc;
        }
        return SC_OK;
    }
    for (st = ops, end = ops + s->ops_end[0]; st < end; st++) {
        if (PQgetlength(res, r, st->col) != 8) {
            if ((rc = odd_value(db, plan, s, r, st, a, row)) != SC_OK)
                return rc;
            continue;
        }
        x = get_signed((const unsigned char *)PQgetvalue(res, r, st->col), 8);
        put_i64(row, st, x);
    }
    for (end = ops + s->ops_end[1]; st < end; st++) {
        if (PQgetlength(res, r, st->col) != 8) {
            if ((rc = odd_value(db, plan, s, r, st, a, row)) != SC_OK)
                return rc;
            continue;
        }
        x = get_signed((const unsigned char *)PQgetvalue(res, r, st->col), 8);
        put_i64(row, st, from_pg_timestamp(x));
    }
    for (end = ops + s->ops_end[2]; st < end; st++) {
        len = PQgetlength(res, r, st->col);
        if (len == 0 && PQgetisnull(res, r, st->col)) {
            sc__read_null(row, st->offset, st->has_offset, st->size);
            continue;
        }
        if (!numeric_scaled((const unsigned char *)PQgetvalue(res, r, st->col),
                            (size_t)len, st->fmod, &x)) {
            if ((rc = odd_value(db, plan, s, r, st, a, row)) != SC_OK)
                return rc;
            continue;
        }
        put_i64(row, st, x);
    }
    if ((rc = read_texts(db, plan, s, r, a, row)) != SC_OK)
        return rc;
    return s->ops_end[3] < s->ops_n ? read_others(db, plan, s, r, a, row)
                                     : SC_OK;
}

static const char *type_name(Oid t)
{
    static const struct {
        Oid oid;
        const char *name;
    } names[] = {
        {OID_BOOL, "boolean"},     {OID_BYTEA, "bytea"},
        {OID_NAME, "name"},        {OID_INT8, "bigint"},
        {OID_INT2, "smallint"},    {OID_INT4, "integer"},
        {OID_TEXT, "text"},        {OID_OID, "oid"},
        {OID_JSON, "json"},        {OID_FLOAT4, "real"},
        {OID_FLOAT8, "double precision"},
        {OID_BPCHAR, "character"}, {OID_VARCHAR, "character varying"},
        {OID_DATE, "date"},
        {OID_TIMESTAMP, "timestamp without time zone"},
        {OID_TIMESTAMPTZ, "timestamp with time zone"},
        {OID_NUMERIC, "numeric"},  {OID_UUID, "uuid"},
        {OID_JSONB, "jsonb"},
    };
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].oid == t)
            return names[i].name;
    return NULL;
}

static bool pg_column_fits(void *stmt, int i, const sc_column_desc *c,
                           char *found, size_t size)
{
    pg_stmt *s = stmt;
    const char *name;

    if (i < 0 || i >= s->nfields) {
        snprintf(found, size, "missing from the result");
        return false;
    }
    if (type_fits(c, s->ftypes[i]))
        return true;
    name = type_name(s->ftypes[i]);
    if (name != NULL)
        snprintf(found, size, "%s", name);
    else
        snprintf(found, size, "of type OID %u", (unsigned)s->ftypes[i]);
    return false;
}

/* The type that reads column c in its C type's form: its stored form's
 * when formatted, else the C type's own; "text" for text. */
static const char *read_cast(const sc_column_desc *c, char *buf,
                                size_t size)
{
    bool decimal = c->type == SC_TYPE_DECIMAL &&
                   sc__format(c) == SC_FMT_NATIVE;

    if (c->pg_type == NULL)
        return NULL;
    switch (decimal ? SC_VAL_INT : sc__stored_kind(c)) {
    case SC_VAL_TEXT:
        return "text";
    case SC_VAL_FLOAT:
        return c->type == SC_TYPE_FLOAT32 ? "real" : "double precision";
    case SC_VAL_BLOB:
        return c->type == SC_TYPE_UUID ? "uuid" : "bytea";
    default:
        break;
    }
    switch (c->type) {
    case SC_TYPE_BOOL:
        return "boolean";
    case SC_TYPE_INT16:
        return "smallint";
    case SC_TYPE_INT32:
        return "integer";
    case SC_TYPE_NUMERIC:
    case SC_TYPE_DECIMAL:
        if (c->length == 0)
            return "numeric";
        snprintf(buf, size, "numeric(%u,%u)", c->length, c->scale);
        return buf;
    case SC_TYPE_DATE:
        return "date";
    case SC_TYPE_TIMESTAMP:
        if (sc__format(c) != SC_FMT_NATIVE)
            return "bigint";
        return c->flags & SC_COL_NOZONE ? "timestamp" : "timestamptz";
    default:
        return "bigint";
    }
}

/* ---------------------------------------------------------------------
 * Pipelines: many executions of prepared statements sent at once, their
 * results read back in order after one sync.
 *
 * While queueing, the connection is non-blocking: when the socket will
 * take no more, the server may be blocked writing results nobody reads,
 * so they are read into libpq's buffer before writing goes on.  Blocking
 * there could deadlock both sides.
 * ------------------------------------------------------------------- */

/* Sends what libpq holds, reading whatever arrives meanwhile. */
static int flush_all(pg_conn *c)
{
    struct pollfd pfd;
    int rc;

    while ((rc = PQflush(c->pg)) == 1) {
        pfd.fd = PQsocket(c->pg);
        pfd.events = POLLIN | POLLOUT;
        pfd.revents = 0;
        if (poll(&pfd, 1, -1) < 0)
            continue; /* interrupted: try again */
        if ((pfd.revents & POLLIN) && !PQconsumeInput(c->pg))
            return result_error(c, NULL);
    }
    return rc == 0 ? SC_OK : result_error(c, NULL);
}

static int pg_pipeline_begin(void *conn)
{
    pg_conn *c = conn;

    settle(c);
    /* a held BEGIN goes first: pg_pipeline_result() reads its outcome */
    c->begin_queued = c->begin_held;
    if (!(c->begin_held ? send_begin(c) : PQenterPipelineMode(c->pg)) ||
        PQsetnonblocking(c->pg, 1) != 0) {
        if (c->begin_queued)
            end_pipe(c, false);
        c->begin_queued = false;
        return result_error(c, NULL);
    }
    c->piped = true;
    c->synced = false;
    c->queued = 0;
    return SC_OK;
}

/* Queues one execution of s with the values bound now. */
static int queue_exec(pg_stmt *s)
{
    pg_conn *c = s->c;

    if (!send_exec(s))
        return result_error(c, NULL);
    /* libpq writes as its buffer fills; reading now and then lets the
     * server write its results meanwhile instead of waiting on us */
    if (++c->queued % CONSUME_EVERY == 0 && !PQconsumeInput(c->pg))
        return result_error(c, NULL);
    return SC_OK;
}

static int pg_pipeline_send(void *stmt)
{
    return queue_exec(stmt);
}

/* How pg_pipeline_send_inserts() reads a parameter's field, decided
 * once a call from its column. */
enum { INS_I64, INS_I32, INS_BOOL, INS_F64, INS_TEXT };

typedef struct ins_param {
    const sc_column_desc *c;
    unsigned char kind;
    bool dflt;               /* the column has a default on insert */
} ins_param;

/* The parameters ip[0..s->nparams) of an INSERT of t, the columns but
 * the autoincrement one; false when a column is not one read here, or
 * the statement does not have those parameters. */
static bool ins_params(const pg_stmt *s, const sc_table_desc *t,
                       ins_param *ip)
{
    const sc_column_desc *c;
    unsigned i;
    int k = 0;

    for (i = 0; i < t->ncols; i++) {
        if ((int)i == t->autoinc)
            continue;
        c = &t->cols[i];
        if (k == s->nparams || c->format != SC_FMT_NATIVE)
            return false;
        switch (c->type) {
        case SC_TYPE_INT64:
        case SC_TYPE_NUMERIC:
        case SC_TYPE_TIMESTAMP:
            ip[k].kind = INS_I64;
            break;
        case SC_TYPE_INT32:
        case SC_TYPE_DATE:
            ip[k].kind = INS_I32;
            break;
        case SC_TYPE_BOOL:
            ip[k].kind = INS_BOOL;
            break;
        case SC_TYPE_FLOAT64:
            ip[k].kind = INS_F64;
            break;
        case SC_TYPE_TEXT:
        case SC_TYPE_JSON:
            ip[k].kind = INS_TEXT;
            break;
        default:
            return false;
        }
        ip[k].c = c;
        ip[k].dflt = sc__insert_default(c);
        k++;
    }
    return k == s->nparams;
}

/* Binds parameter k of s from row as the core's binding does (the
 * field's value, as sc__field_value() reads it, checked as
 * sc__check_value() checks it, bound by bind_typed()); false, nothing
 * to be sent, when the row is the core's: a column that takes its
 * default, or a value the core's binding refuses, which it words. */
static bool ins_bind(pg_stmt *s, int k, const ins_param *p, const char *row)
{
    const sc_column_desc *c = p->c;
    const char *f = row + c->offset, *why, *text;
    sc_value v = {.kind = SC_VAL_INT, .type = c->type, .col = c};
    int32_t i32;
    bool has = true;

    if (c->flags & SC_COL_HASFLAG)
        memcpy(&has, row + c->has_offset, sizeof has);
    if (has && p->kind == INS_TEXT) {
        memcpy(&text, f, sizeof text);
        if (text != NULL) {
            v.kind = SC_VAL_TEXT;
            v.p = text;
            v.len = strlen(text);
            v.cstr = true;
            if (!sc__utf8_valid((const unsigned char *)text, v.len))
                return false;
        } else if (!(c->flags & SC_COL_HASFLAG)) {
            has = false; /* no value: its default, or NULL */
        } else {
            v.kind = SC_VAL_NULL;
        }
    }
    if (!has || v.kind == SC_VAL_NULL) {
        if (!has && p->dflt)
            return false;
        s->values[k] = NULL;
        s->lengths[k] = s->formats[k] = 0;
        return true;
    }
    switch (p->kind) {
    case INS_I64:
        memcpy(&v.i, f, sizeof v.i);
        break;
    case INS_I32:
        memcpy(&i32, f, sizeof i32);
        v.i = i32;
        break;
    case INS_BOOL:
        memcpy(&has, f, sizeof has);
        v.i = has ? 1 : 0;
        break;
    case INS_F64:
        v.kind = SC_VAL_FLOAT;
        memcpy(&v.f, f, sizeof v.f);
        break;
    default:
        break;
    }
    return bind_typed(s, k, &v, &why) == SC_OK;
}

/*
 * Queues executions of the INSERT stmt of t for rows[0..n) (size bytes
 * apart), each with the values of its row's columns but the
 * autoincrement one bound straight from the row (ins_bind()); libpq
 * copies them as it queues.  *queued receives how many rows, from the
 * first, were queued: fewer than n when the next is the core's, none
 * when a column is not one ins_bind() reads.
 */
static int pg_pipeline_send_inserts(void *stmt, const sc_table_desc *t,
                                    const void *rows, size_t size, size_t n,
                                    size_t *queued)
{
    pg_stmt *s = stmt;
    ins_param ip[64];
    const char *row = rows;
    size_t j;
    int k, rc;

    *queued = 0;
    if (!s->c->piped || s->nparams > 64 || !ins_params(s, t, ip))
        return SC_OK;
    for (j = 0; j < n; j++, row += size) {
        for (k = 0; k < s->nparams; k++) {
            if (!ins_bind(s, k, &ip[k], row))
                break;
        }
        if (k < s->nparams)
            break; /* the core's row */
        if ((rc = queue_exec(s)) != SC_OK)
            return rc;
        (*queued)++;
    }
    return SC_OK;
}

/* Sends the executions queued so far with a flush request, which makes
 * the server send their outcomes at once rather than at the sync. */
static int pg_pipeline_flush(void *conn)
{
    pg_conn *c = conn;

    if (!PQsendFlushRequest(c->pg))
        return result_error(c, NULL);
    return flush_all(c);
}

static int pg_pipeline_sync(void *conn)
{
    pg_conn *c = conn;
    int rc;

    if (!PQpipelineSync(c->pg))
        return result_error(c, NULL);
    c->synced = true;
    rc = flush_all(c);
    if (PQsetnonblocking(c->pg, 0) != 0 && rc == SC_OK)
        rc = result_error(c, NULL);
    return rc;
}

/* The outcome of the next queued execution, which was of stmt. */
static int pg_pipeline_result(void *stmt)
{
    pg_stmt *s = stmt;
    PGresult *res, *end;
    int rc;

    pg_reset(s);
    if (s->c->begin_queued) {
        s->c->begin_queued = false;
        if ((rc = begun(s->c)) != SC_OK) {
            PQclear(piped_result(s->c)); /* this one, aborted */
            return rc;
        }
    }
    res = PQgetResult(s->c->pg);
    if (res == NULL)
        return result_error(s->c, NULL);
    if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
        PQclear(res);
        set_error(s->c, SC_ERROR, SC_ERROR,
                  "not run: an earlier statement of the batch failed");
        rc = SC_ERROR;
    } else {
        rc = take_result(s, res);
    }
    end = PQgetResult(s->c->pg); /* the NULL that closes each result */
    if (end != NULL)
        PQclear(end);
    return rc;
}

/* Reads the results left, up to the sync, and leaves pipeline mode. */
static void pg_pipeline_end(void *conn)
{
    pg_conn *c = conn;

    c->begin_queued = false;
    if (!c->piped)
        return;
    if (!c->synced) {
        if (PQpipelineSync(c->pg))
            flush_all(c);
        PQsetnonblocking(c->pg, 0);
    }
    drain_to_sync(c);
    PQexitPipelineMode(c->pg);
    c->piped = false;
}

/* qualifier.name, or name alone. */
static void put_column(sc__buf *b, const char *qualifier, const char *name)
{
    if (qualifier != NULL) {
        sc__buf_ident(b, qualifier);
        sc__buf_puts(b, ".");
    }
    sc__buf_ident(b, name);
}

/* A column of a type the runtime does not read, cast to its C type's.
 * Text goes through the type's output function (format's %s), which
 * prints it as the database does: a cast to text can differ (inet gains
 * "/32", char(n) loses its padding).  format() makes NULL an empty
 * string, so NULL is kept apart first. */
static bool pg_put_read(sc__buf *b, const char *qualifier,
                        const sc_column_desc *c)
{
    char buf[64];
    const char *cast = read_cast(c, buf, sizeof buf);

    if (cast == NULL)
        return false;
    if (strcmp(cast, "text") == 0) {
        sc__buf_puts(b, "CASE WHEN ");
        put_column(b, qualifier, c->name);
        sc__buf_puts(b, " IS NULL THEN NULL ELSE format('%s', ");
        put_column(b, qualifier, c->name);
        sc__buf_puts(b, ") END");
        return true;
    }
    sc__buf_puts(b, "CAST(");
    put_column(b, qualifier, c->name);
    sc__buf_printf(b, " AS %s)", cast);
    return true;
}

const sc_backend sc__postgres_backend = {
    .name = "postgresql",
    .dialect = SC_DIALECT_POSTGRESQL,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind = pg_bind,
    .step = pg_step,
    .column = pg_column,
    .read_row = pg_read_row,
    .read_plan = pg_read_plan,
    .column_fits = pg_column_fits,
    .put_read = pg_put_read,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .column_count = pg_column_count,
    .changes = pg_changes,
    .last_insert_id = pg_last_insert_id,
    .in_transaction = pg_in_transaction,
    .error = pg_error,
    .placeholder = pg_placeholder,
    .stream = pg_stream,
    .txn_aborted = pg_txn_aborted,
    .lost = pg_lost,
    .pipeline_begin = pg_pipeline_begin,
    .pipeline_send = pg_pipeline_send,
    .pipeline_send_inserts = pg_pipeline_send_inserts,
    .pipeline_flush = pg_pipeline_flush,
    .pipeline_sync = pg_pipeline_sync,
    .pipeline_result = pg_pipeline_result,
    .pipeline_end = pg_pipeline_end,
    .queues_writes = true,
};
