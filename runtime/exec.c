/*
 * exec.c - running SQL text: the trace hook (values formatted the way
 * Python prints a tuple), traced execution and stepping, sc_exec(),
 * sc_query_sql_each() and sc_schema_create_all().
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"

/* ---------------------------------------------------------------------
 * Tracing: values formatted the way Python prints a tuple.
 * ------------------------------------------------------------------- */

#define TRACE_BLOB_MAX 32

static void format_text(sc__buf *b, const unsigned char *s, size_t n)
{
    char quote = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
    size_t i;

    sc__buf_putn(b, &quote, 1);
    for (i = 0; i < n; i++) {
        if (s[i] == '\\' || s[i] == (unsigned char)quote)
            sc__buf_printf(b, "\\%c", s[i]);
        else if (s[i] == '\n')
            sc__buf_puts(b, "\\n");
        else if (s[i] == '\t')
            sc__buf_puts(b, "\\t");
        else if (s[i] == '\r')
            sc__buf_puts(b, "\\r");
        else if (s[i] < 0x20 || s[i] == 0x7f)
            sc__buf_printf(b, "\\x%02x", s[i]);
        else
            sc__buf_putn(b, (const char *)&s[i], 1);
    }
    sc__buf_putn(b, &quote, 1);
}

/* The shortest form that reads back as the same double, as Python's
 * repr() writes it: 1.0, 0.1, 1e+100, inf, nan. */
static void format_float(sc__buf *b, double f)
{
    char s[40];
    int prec;

    if (isnan(f)) {
        sc__buf_puts(b, "nan");
        return;
    }
    if (isinf(f)) {
        sc__buf_puts(b, f < 0 ? "-inf" : "inf");
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        sc__float_text(f, prec, s, sizeof s);
        if (sc__float_parse(s, NULL) == f)
            break;
    }
    sc__buf_puts(b, s);
    if (strpbrk(s, ".e") == NULL)
        sc__buf_puts(b, ".0");
}

static void format_blob(sc__buf *b, const unsigned char *p, size_t n)
{
    size_t i;

    sc__buf_puts(b, "x'");
    for (i = 0; i < n && i < TRACE_BLOB_MAX; i++)
        sc__buf_printf(b, "%02x", p[i]);
    sc__buf_puts(b, n > TRACE_BLOB_MAX ? "...'" : "'");
}

/* Prints v as the database receives it: a formatted column's value in
 * its stored form. */
void sc__format_value(sc__buf *b, const sc_value *v)
{
    char form[SC__FORM_MAX];
    const char *why;
    sc_value stored;

    if (v->col != NULL && v->col->format != SC_FMT_NATIVE &&
        sc__stored_form(v, &stored, form, &why) == SC_OK)
        v = &stored;
    switch (v->kind) {
    case SC_VAL_NULL:
        sc__buf_puts(b, "None");
        break;
    case SC_VAL_INT:
        sc__buf_printf(b, "%" PRId64, v->i);
        break;
    case SC_VAL_FLOAT:
        format_float(b, v->f);
        break;
    case SC_VAL_TEXT:
        format_text(b, v->p, v->len);
        break;
    case SC_VAL_BLOB:
        format_blob(b, v->p, v->len);
        break;
    }
}

static void format_params(sc__buf *b, const sc_value *vals, size_t n)
{
    size_t i;

    sc__buf_puts(b, "(");
    for (i = 0; i < n; i++) {
        if (i > 0)
            sc__buf_puts(b, ", ");
        sc__format_value(b, &vals[i]);
    }
    sc__buf_puts(b, n == 1 ? ",)" : ")");
}

double sc__clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Calls the trace hook for one statement run with vals[0..n). */
void sc__trace(sc_db *db, const char *sql, size_t n, double ms, int rc)
{
    sc_trace_event ev;

    db->trace_buf.len = 0;
    db->trace_buf.failed = false;
    format_params(&db->trace_buf, db->vals, n);
    ev.sql = sql;
    ev.params = db->trace_buf.failed ? "(...)" : db->trace_buf.s;
    ev.elapsed_ms = ms;
    ev.rc = rc == SC__ROW || rc == SC__DONE ? SC_OK : rc;
    db->trace_fn(db->trace_ctx, &ev);
}

void sc_trace(sc_db *db, sc_trace_fn fn, void *ctx)
{
    if (db == NULL || sc__enter(db, "sc_trace") != SC_OK)
        return;
    db->trace_fn = fn;
    db->trace_ctx = ctx;
    sc__leave(db);
}

/* Three lines per statement: the text, the values, and the time (with
 * the outcome when it failed).  The time is printed from an integer
 * count of microseconds, so that no locale puts a comma in it. */
void sc_trace_stderr(void *ctx, const sc_trace_event *ev)
{
    double ms = ev->elapsed_ms > 0 ? ev->elapsed_ms : 0;
    long long us = (long long)(ms * 1e3 + 0.5);

    (void)ctx;
    fprintf(stderr, "[sql] %s\n[sql] %s\n[sql] %lld.%03lld ms", ev->sql,
            ev->params, us / 1000, us % 1000);
    if (ev->rc != SC_OK)
        fprintf(stderr, ", failed: %s", sc_errstr(ev->rc));
    fputc('\n', stderr);
}

/* ---------------------------------------------------------------------
 * Running statements.
 * ------------------------------------------------------------------- */

/* Runs SQL text without parameters, traced and counted. */
int sc__exec_traced(sc_db *db, const char *sql)
{
    double t0 = sc__clock_ms();
    int rc = db->be->exec(db->conn, sql);

    db->stats.executions++;
    db->nbound = 0;
    if (db->trace_fn != NULL)
        sc__trace(db, sql, 0, sc__clock_ms() - t0, rc);
    if (rc != SC_OK)
        return sc__fail_stmt(db, NULL, NULL, OP_NONE, NULL);
    return SC_OK;
}

/* Steps stmt for the first time, with its n values in db->vals; as a
 * stream when stream is true and the backend has them. */
static int first_step(sc_db *db, void *stmt, const char *sql, size_t n,
                      bool stream)
{
    /* read the clock only for a trace: two reads cost about 1% of a get */
    double t0 = db->trace_fn != NULL ? sc__clock_ms() : 0;
    int rc = stream && db->be->stream != NULL ? db->be->stream(stmt, sql)
                                               : db->be->step(stmt);

    db->stats.executions++;
    db->nbound = n;
    if (db->trace_fn != NULL)
        sc__trace(db, sql, n, sc__clock_ms() - t0, rc);
    return rc;
}

int sc__step_hooked(sc_db *db, void *stmt, const char *sql, size_t n)
{
    return first_step(db, stmt, sql, n, false);
}

int sc__stream_traced(sc_db *db, void *stmt, const char *sql, size_t n)
{
    return first_step(db, stmt, sql, n, true);
}

static int exec_sql(sc_db *db, const char *sql)
{
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (sql == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL, "no SQL text given");
    return sc__exec_traced(db, sql);
}

/* Space for the text of one row of n columns, numbers printed in nums. */
typedef struct text_row {
    int n;
    const char **texts;
    char (*nums)[32];
} text_row;

/* Reads the current row of stmt into r, sizing r at the first row. */
static int text_row_read(sc_db *db, void *stmt, text_row *r)
{
    sc_value v;
    int i;

    if (r->texts == NULL) {
        r->n = db->be->column_count(stmt);
        r->texts = sc__malloc(sizeof *r->texts * (size_t)r->n);
        r->nums = sc__malloc(sizeof *r->nums * (size_t)r->n);
        if (r->texts == NULL || r->nums == NULL)
            return sc__nomem(db);
    }
    for (i = 0; i < r->n; i++) {
        if (db->be->column(stmt, i, SC_VAL_TEXT, &v) != SC_OK)
            return sc__nomem(db);
        /* a backend may hand back a number where its wire form is
         * binary (PostgreSQL): print it as the database would */
        if (v.kind == SC_VAL_INT)
            snprintf(r->nums[i], sizeof r->nums[i], "%" PRId64, v.i);
        else if (v.kind == SC_VAL_FLOAT)
            sc__float_text(v.f, 17, r->nums[i], sizeof r->nums[i]);
        if (v.kind == SC_VAL_INT || v.kind == SC_VAL_FLOAT)
            r->texts[i] = r->nums[i];
        else
            r->texts[i] = v.kind == SC_VAL_NULL ? NULL : v.p;
    }
    return SC_OK;
}

static int query_sql_each(sc_db *db, const char *sql, sc_text_row_fn fn,
                          void *ctx)
{
    text_row r = {0, NULL, NULL};
    void *stmt = NULL;
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (sql == NULL || fn == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "no SQL text or no row function given");
    if (db->be->prepare(db->conn, sql, false, &stmt) != SC_OK)
        return sc__fail_stmt(db, NULL, NULL, OP_NONE, NULL);
    rc = sc__step_traced(db, stmt, sql, 0);
    while (rc == SC__ROW) {
        rc = text_row_read(db, stmt, &r);
        if (rc != SC_OK)
            goto cleanup;
        if (fn(ctx, r.n, r.texts) != 0)
            goto cleanup; /* rc is SC_OK: stopping is not a failure */
        rc = db->be->step(stmt);
    }
    rc = rc == SC__DONE ? SC_OK
                        : sc__fail_stmt(db, stmt, NULL, OP_NONE, NULL);
cleanup:
    sc__free(r.texts);
    sc__free(r.nums);
    db->be->finalize(stmt);
    return rc;
}

/* ---------------------------------------------------------------------
 * Schemas.
 * ------------------------------------------------------------------- */

/* Runs each statement of the NULL-terminated list ddl. */
static int exec_all(sc_db *db, const char *const *ddl)
{
    int rc = SC_OK;

    for (; *ddl != NULL && rc == SC_OK; ddl++)
        rc = sc__exec_traced(db, *ddl);
    return rc;
}

static int schema_create_all(sc_db *db, const sc_schema_desc *s)
{
    const char *const *ddl;
    int level, rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (s == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL, "NULL schema");
    if (s->abi_version != SC_ABI_VERSION)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "schema %s was generated for descriptor ABI %d, "
                             "this runtime has ABI %d: regenerate it",
                             s->name, s->abi_version, SC_ABI_VERSION);
    ddl = s->ddl[db->be->dialect];
    if (ddl == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "schema %s has no DDL for %s: its schema "
                             "file is not for %s", s->name, db->be->name,
                             db->be->name);
    if (!sc__dialect_of(db->be->dialect)->transactional_ddl) {
        /* Each CREATE commits by itself (MariaDB): the statements run
         * one by one, each safe to run again, and would end a caller's
         * transaction unseen. */
        if (db->depth > 0)
            return sc__set_error(db, SC_MISUSE, NULL, NULL,
                                 "sc_schema_create_all() inside a "
                                 "transaction: on %s each CREATE commits it",
                                 db->be->name);
        rc = exec_all(db, ddl);
        if (rc == SC_OK)
            db->schema = s;
        return rc;
    }
    rc = sc__level_open(db, true);
    if (rc != SC_OK)
        return rc;
    level = db->depth;
    if (sc__dialect_of(db->be->dialect)->lock_step != NULL)
        rc = sc__exec_traced(db, sc__dialect_of(db->be->dialect)->lock_step);
    if (rc == SC_OK)
        rc = exec_all(db, ddl);
    rc = sc__level_close(db, level, rc);
    if (rc == SC_OK)
        db->schema = s;
    return rc;
}

int sc_exec(sc_db *db, const char *sql)
{
    int rc = sc__enter(db, "sc_exec");

    if (rc == SC_OK) {
        rc = exec_sql(db, sql);
        sc__leave(db);
    }
    return rc;
}

int sc_query_sql_each(sc_db *db, const char *sql, sc_text_row_fn fn,
                      void *ctx)
{
    int rc = sc__enter(db, "sc_query_sql_each");

    if (rc == SC_OK) {
        rc = query_sql_each(db, sql, fn, ctx);
        sc__leave(db);
    }
    return rc;
}

int sc_schema_create_all(sc_db *db, const sc_schema_desc *s)
{
    int rc = sc__enter(db, "sc_schema_create_all");

    if (rc == SC_OK) {
        rc = schema_create_all(db, s);
        sc__leave(db);
    }
    return rc;
}
