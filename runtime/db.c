/*
 * db.c - the connection: its error state and the calls that read it,
 * the owner check that refuses a second thread, and sc_open()/sc_close().
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
 * The connection.
 * ------------------------------------------------------------------- */

static void copy_name(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* Records an error on db and returns its primary code. */
int sc__set_error(sc_db *db, int extended, const char *table,
                  const char *column, const char *fmt, ...)
{
    va_list ap;

    db->err.code = extended & 0xff;
    db->err.extended = extended;
    copy_name(db->err.table, sizeof db->err.table, table);
    copy_name(db->err.column, sizeof db->err.column, column);
    va_start(ap, fmt);
    vsnprintf(db->err.msg, sizeof db->err.msg, fmt, ap);
    va_end(ap);
    return db->err.code;
}

int sc__nomem(sc_db *db)
{
    return sc__set_error(db, SC_NOMEM, NULL, NULL, "out of memory");
}

/* The connection's server went away, and with it any transaction: no
 * level stays open, and the message says what to do. */
int sc__lost(sc_db *db)
{
    sc__queue_drop(db);
    db->queue.failed = false;
    db->depth = 0;
    db->stream_txn = false;
    return sc__set_error(db, SC_ERROR, NULL, NULL,
                         "%s: close this connection and open a new one",
                         SC__LOST);
}

/* Checks that db can run statements, setting SC_MISUSE when not. */
int sc__usable_unflushed(sc_db *db)
{
    if (db == NULL)
        return SC_MISUSE;
    sc__clear_error(db);
    if (db->conn == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "the connection is not open");
    if (db->be->lost != NULL && db->be->lost(db->conn))
        return sc__lost(db);
    return SC_OK;
}

int sc__usable_slow(sc_db *db)
{
    int rc = sc__usable_unflushed(db);

    if (rc != SC_OK)
        return rc;
    /* nothing queued and nothing failed, as a rule: no flush to call */
    if (!db->queue.open && !db->queue.failed)
        return SC_OK;
    return sc__queue_flush(db);
}

/* ---------------------------------------------------------------------
 * The owner check (see internal.h).  A thread is named by its
 * pthread_self(), an integer or a pointer on every POSIX system this
 * builds on.  The refusal of a call is kept per thread, because writing
 * it into the connection would race with the thread inside.
 * ------------------------------------------------------------------- */

static _Thread_local struct {
    const sc_db *db; /* the connection this thread was refused, or NULL */
    char msg[256];
} refused;

/* The threads whose refused.db is set.  While it is 0, as it is in a
 * program that never shares a connection, a call let in has no refusal
 * of its thread's to clear and does not look (a thread-local variable of
 * a shared library is reached through a function call). */
atomic_uint sc__refusals;

/* Clears this thread's refusal on db, if it has one. */
static void clear_refusal(const sc_db *db)
{
    if (atomic_load_explicit(&sc__refusals, memory_order_relaxed) != 0 &&
        refused.db == db) {
        refused.db = NULL;
        atomic_fetch_sub_explicit(&sc__refusals, 1, memory_order_relaxed);
    }
}

static uintptr_t self(void)
{
    return (uintptr_t)pthread_self();
}

int sc__enter_slow(sc_db *db, const char *call, uintptr_t owner)
{
    uintptr_t me = self();

    if (owner == 0) { /* let in, with refusals kept: this one's cleared */
        db->entered = 1;
    } else if (owner == me) {
        db->entered++;
    } else {
        if (refused.db == NULL)
            atomic_fetch_add_explicit(&sc__refusals, 1, memory_order_relaxed);
        refused.db = db;
        snprintf(refused.msg, sizeof refused.msg,
                 "%s: another thread is inside a call on this connection; "
                 "a connection is used by one thread at a time",
                 call);
        return SC_MISUSE;
    }
    clear_refusal(db);
    return SC_OK;
}

/* Whether the last call of this thread on db was refused by the owner
 * check, and the thread has not been let in since. */
static bool refused_here(const sc_db *db)
{
    return db != NULL && refused.db == db;
}

/* Makes room for n bound values. */
int sc__need_vals(sc_db *db, size_t n)
{
    sc_value *v;

    if (n <= db->nvals)
        return SC_OK;
    v = sc__realloc(db->vals, n * sizeof *v);
    if (v == NULL)
        return sc__nomem(db);
    db->vals = v;
    db->nvals = n;
    return SC_OK;
}

const char *sc_errmsg(const sc_db *db)
{
    if (db == NULL)
        return "out of memory";
    if (refused_here(db))
        return refused.msg;
    if (db->err.code == SC_OK)
        return "not an error";
    return db->err.msg[0] ? db->err.msg : sc_errstr(db->err.code);
}

int sc_errcode(const sc_db *db)
{
    if (refused_here(db))
        return SC_MISUSE;
    return db == NULL ? SC_NOMEM : db->err.code;
}

int sc_extended_errcode(const sc_db *db)
{
    if (refused_here(db))
        return SC_MISUSE;
    return db == NULL ? SC_NOMEM : db->err.extended;
}

const char *sc_errtable(const sc_db *db)
{
    if (refused_here(db))
        return NULL;
    return db != NULL && db->err.table[0] ? db->err.table : NULL;
}

const char *sc_errcolumn(const sc_db *db)
{
    if (refused_here(db))
        return NULL;
    return db != NULL && db->err.column[0] ? db->err.column : NULL;
}

const char *sc_errstr(int rc)
{
    switch (rc & 0xff) {
    case SC_OK:
        return "not an error";
    case SC_ERROR:
        return "error";
    case SC_NOTFOUND:
        return "no row found";
    case SC_MULTIPLE:
        return "more than one row found";
    case SC_CONSTRAINT:
        return "constraint failed";
    case SC_BUSY:
        return "database is locked";
    case SC_NOMEM:
        return "out of memory";
    case SC_MISUSE:
        return "bad use of the interface";
    case SC_RANGE:
        return "value out of range";
    case SC_CANTOPEN:
        return "cannot open database";
    default:
        return "unknown result code";
    }
}

sc_dialect sc_db_dialect(const sc_db *db)
{
    return db != NULL && db->be != NULL ? db->be->dialect : (sc_dialect)0;
}

int sc_db_stats(const sc_db *db, sc_stats *out)
{
    if (db == NULL || out == NULL)
        return SC_MISUSE;
    *out = db->stats;
    return SC_OK;
}

/* ---------------------------------------------------------------------
 * Opening and closing.
 * ------------------------------------------------------------------- */

/* Defaults of sc_open_opts the core applies itself. */
#define STMT_CACHE_DEFAULT 256
#define OPT_MAX 1000000000 /* above any sensible count or wait */

/* Whether s[0..n) is a whole number up to OPT_MAX, in *out. */
static bool opt_number(const char *s, size_t n, int *out)
{
    long v = 0;
    size_t i;

    if (n == 0 || n > 10)
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > OPT_MAX)
        return false;
    *out = (int)v;
    return true;
}

/* Takes one option key=value out of a URL's query; false when key is
 * not one of sc_open_opts', which stays in the URL for the driver. */
static bool url_opt(const char *p, size_t n, sc_open_opts *o, char *why,
                    size_t size, bool *bad)
{
    static const char *const keys[] = {"busy_timeout", "fetch_size",
                                       "stmt_cache"};
    const char *eq = memchr(p, '=', n);
    size_t k, klen = eq != NULL ? (size_t)(eq - p) : n;
    int v = 0, *fields[3];

    fields[0] = &o->busy_timeout_ms;
    fields[1] = &o->fetch_size;
    fields[2] = &o->stmt_cache;
    for (k = 0; k < 3; k++) {
        if (klen == strlen(keys[k]) && memcmp(p, keys[k], klen) == 0)
            break;
    }
    if (k == 3 && klen == 7 && memcmp(p, "prepare", 7) == 0) {
        if (n == 11 && memcmp(p, "prepare=off", 11) == 0)
            o->prepare = SC_PREPARE_OFF;
        else if (n == 10 && memcmp(p, "prepare=on", 10) == 0)
            o->prepare = SC_PREPARE_ON;
        else {
            snprintf(why, size, "URL option prepare: expected on or off");
            *bad = true;
        }
        return true;
    }
    if (k == 3 && klen == 8 && memcmp(p, "pipeline", 8) == 0) {
        if (n == 12 && memcmp(p, "pipeline=off", 12) == 0)
            o->pipeline = SC_PIPELINE_OFF;
        else if (n == 11 && memcmp(p, "pipeline=on", 11) == 0)
            o->pipeline = SC_PIPELINE_ON;
        else {
            snprintf(why, size, "URL option pipeline: expected on or off");
            *bad = true;
        }
        return true;
    }
    if (k == 3)
        return false;
    if (eq == NULL || !opt_number(eq + 1, n - klen - 1, &v) ||
        (k == 2 && v == 0)) {
        snprintf(why, size, "URL option %s: expected a %s number up to %d",
                 keys[k], k == 2 ? "positive" : "whole", OPT_MAX);
        *bad = true;
    }
    *fields[k] = v;
    return true;
}

/*
 * Takes sc_open_opts' options out of url's query (after '?' in a
 * scheme://... URL or an sqlite:file: URI) into o, and the rest of the
 * URL into *rest (sc__free() it).  SC_MISUSE with why for a bad value.
 */
static int url_opts(const char *url, sc_open_opts *o, char **rest,
                    char *why, size_t size)
{
    const char *q = strchr(url, '?'), *p, *end;
    bool bad = false, first = true;
    sc__buf b = {0};

    if (q == NULL || (strstr(url, "://") == NULL &&
                      strncmp(url, "sqlite:file:", 12) != 0))
        q = url + strlen(url);
    sc__buf_putn(&b, url, (size_t)(q - url));
    for (p = *q == '?' ? q + 1 : q; *p != '\0' && !bad; p = end) {
        end = p + strcspn(p, "&#");
        if (end > p && !url_opt(p, (size_t)(end - p), o, why, size, &bad)) {
            sc__buf_putn(&b, first ? "?" : "&", 1);
            sc__buf_putn(&b, p, (size_t)(end - p));
            first = false;
        }
        if (*end == '&')
            end++;
        else if (*end == '#')
            break;
    }
    if (*p == '#')
        sc__buf_puts(&b, p);
    sc__buf_putn(&b, "", 0);
    if (bad || b.failed) {
        sc__buf_free(&b);
        return bad ? SC_MISUSE : SC_NOMEM;
    }
    *rest = b.s;
    return SC_OK;
}

/* Checks opts (the version, the ranges) and installs its allocator. */
static int opts_take(const sc_open_opts *opts, char *why, size_t size)
{
    if (opts == NULL)
        return SC_OK;
    if (opts->version != SC_OPEN_OPTS_VERSION && opts->version != 1) {
        snprintf(why, size, "sc_open_opts of version %u, expected %u "
                 "(start from SC_OPEN_OPTS_INIT)", opts->version,
                 SC_OPEN_OPTS_VERSION);
        return SC_MISUSE;
    }
    if (opts->busy_timeout_ms < -1 || opts->busy_timeout_ms > OPT_MAX ||
        opts->fetch_size < 0 || opts->fetch_size > OPT_MAX ||
        opts->stmt_cache < 0 || opts->stmt_cache > OPT_MAX ||
        (opts->prepare != SC_PREPARE_ON && opts->prepare != SC_PREPARE_OFF) ||
        (opts->version >= 2 && opts->pipeline != SC_PIPELINE_ON &&
         opts->pipeline != SC_PIPELINE_OFF)) {
        snprintf(why, size, "sc_open_opts: a value out of range");
        return SC_MISUSE;
    }
    if (opts->allocator != NULL &&
        sc__alloc_install(opts->allocator) != SC_OK) {
        snprintf(why, size, "sc_open_opts: the allocator changes only "
                 "while no connection is open, and needs all three "
                 "functions");
        return SC_MISUSE;
    }
    return SC_OK;
}

/* The options in effect: those of opts that are not defaults win over
 * the URL's (in *o). */
static void opts_merge(const sc_open_opts *opts, sc_open_opts *o)
{
    if (opts == NULL)
        return;
    if (opts->busy_timeout_ms >= 0)
        o->busy_timeout_ms = opts->busy_timeout_ms;
    if (opts->fetch_size > 0)
        o->fetch_size = opts->fetch_size;
    if (opts->stmt_cache > 0)
        o->stmt_cache = opts->stmt_cache;
    if (opts->prepare != SC_PREPARE_ON)
        o->prepare = opts->prepare;
    /* a version 1 struct ends before pipeline */
    if (opts->version >= 2 && opts->pipeline != SC_PIPELINE_ON)
        o->pipeline = opts->pipeline;
}

int sc_open_with(const char *url, const sc_open_opts *opts, sc_db **out)
{
    sc_open_opts o = SC_OPEN_OPTS_INIT;
    sc__conn_opts co;
    sc_backend_error e;
    char why[200], *rest = NULL;
    sc_db *db;
    int rc;

    if (out == NULL)
        return SC_MISUSE;
    rc = opts_take(opts, why, sizeof why);
    *out = db = sc__malloc(sizeof *db);
    if (db == NULL)
        return SC_NOMEM;
    memset(db, 0, sizeof *db);
    sc__conn_count(1);
    sc__clear_error(db);
    atomic_init(&db->owner, 0);
    atomic_init(&db->refs, 1);
    clear_refusal(db); /* a closed connection's refusal */
    if (rc != SC_OK)
        return sc__set_error(db, rc, NULL, NULL, "%s", why);
    if (url == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL, "no URL given");
    rc = url_opts(url, &o, &rest, why, sizeof why);
    if (rc == SC_MISUSE)
        return sc__set_error(db, rc, NULL, NULL, "%s", why);
    if (rc == SC_OK) {
        opts_merge(opts, &o);
        db->texts_max = o.stmt_cache > 0 ? (size_t)o.stmt_cache
                                         : STMT_CACHE_DEFAULT;
        co.busy_timeout_ms = o.busy_timeout_ms;
        co.fetch_size = o.fetch_size;
        co.unnamed = o.prepare == SC_PREPARE_OFF;
        db->queue.off = o.pipeline == SC_PIPELINE_OFF;
        rc = sc__backend_find(rest, &db->be, e.message, sizeof e.message);
        if (rc != SC_OK) {
            sc__free(rest);
            return sc__set_error(db, rc, NULL, NULL, "%s", e.message);
        }
        rc = db->be->open(rest, &co, &db->conn, &e);
        sc__free(rest);
    }
    if (rc == SC_NOMEM) {
        sc__conn_count(-1);
        sc__free(db);
        *out = NULL;
        return SC_NOMEM;
    }
    if (rc != SC_OK)
        return sc__set_error(db, e.extended, NULL, NULL, "%s", e.message);
    return SC_OK;
}

int sc_open(const char *url, sc_db **out)
{
    return sc_open_with(url, NULL, out);
}

void sc__db_release(sc_db *db)
{
    if (atomic_fetch_sub(&db->refs, 1) != 1)
        return;
    sc__free(atomic_exchange(&db->query_spare, NULL));
    sc__free(db);
}

/* A connection another thread is inside a call on is left open: closing
 * it under that thread would free what it is using.  A query not yet
 * freed keeps the struct, closed and without its server, for its own
 * sc_query_free() (and refuses to run: SC_MISUSE). */
void sc_close(sc_db *db)
{
    if (db == NULL || db->closed || sc__enter(db, "sc_close") != SC_OK)
        return;
    db->closed = true;
    if (db->conn != NULL) {
        sc__queue_drop(db);
        if (db->depth > 0 && db->be->in_transaction(db->conn))
            sc__exec_traced(db, "ROLLBACK");
        sc__cache_clear(db);
        if (db->texts_free != NULL)
            db->texts_free(db);
        db->be->close(db->conn);
        db->conn = NULL;
    }
    sc__queue_free(db);
    sc__free(db->vals);
    db->vals = NULL;
    db->nvals = db->nbound = 0;
    sc__buf_free(&db->trace_buf);
    db->trace_fn = NULL;
    sc__conn_count(-1);
    sc__leave(db);
    sc__db_release(db);
}
