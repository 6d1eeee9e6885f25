/*
 * sqlite.c - the SQLite backend: fills in the function table of backend.h
 * with calls to the SQLite C API.  It opens files in WAL mode with foreign
 * keys enforced and a busy timeout, maps SQLite's extended result codes to
 * SC_* codes, and reads the table, column or constraint name out of
 * SQLite's constraint messages so that the core can word its own.
 *
 * LIKE is made case-sensitive, as it is on PostgreSQL, and decimal text
 * is stored as PostgreSQL prints a numeric(p,s), so that both read back
 * the same text.  Values of formatted columns are bound in their stored
 * form, and the storage class of a value is told to the core for tables
 * without STRICT.
 *
 * A connection is the sqlite3 handle itself and a statement the
 * sqlite3_stmt, both passed to the core as void pointers.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "backend.h"
#include "internal.h"

#define BUSY_TIMEOUT_MS 5000
#define URL_PREFIX      "sqlite:"

/* Room for the text of any numeric(p,s): p is at most 1000 digits, plus
 * a sign, a point, a leading zero and a NUL. */
#define DECIMAL_MAX 1008

/* ---------------------------------------------------------------------
 * Decimal text in numeric order.  A numeric too wide for a scaled
 * integer is TEXT on SQLite and numeric on PostgreSQL; ordered by this
 * collation, SQLite sorts it as PostgreSQL does ("-2" < "-1.5" < "9" <
 * "10").  Text that is not a decimal sorts after every decimal, bytewise.
 * ------------------------------------------------------------------- */

/* The parts of decimal text: its sign, its whole digits without leading
 * zeros, its fraction without trailing zeros; false when it is not one. */
typedef struct decimal_parts {
    bool neg;
    const char *whole;
    int nwhole;
    const char *frac;
    int nfrac;
} decimal_parts;

static bool decimal_split(const char *s, int n, decimal_parts *d)
{
    int i = 0, start;

    memset(d, 0, sizeof *d);
    if (i < n && (s[i] == '-' || s[i] == '+'))
        d->neg = s[i++] == '-';
    start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    d->whole = s + start;
    d->nwhole = i - start;
    if (i < n && s[i] == '.') {
        d->frac = s + ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        d->nfrac = (int)(s + i - d->frac);
    }
    if (i != n || d->nwhole + d->nfrac == 0)
        return false;
    while (d->nwhole > 0 && d->whole[0] == '0') {
        d->whole++;
        d->nwhole--;
    }
    while (d->nfrac > 0 && d->frac[d->nfrac - 1] == '0')
        d->nfrac--;
    if (d->nwhole == 0 && d->nfrac == 0)
        d->neg = false; /* -0 is 0 */
    return true;
}

/* Compares the magnitudes of x and y. */
static int decimal_magnitude(const decimal_parts *x, const decimal_parts *y)
{
    int n = x->nfrac < y->nfrac ? x->nfrac : y->nfrac, c;

    if (x->nwhole != y->nwhole)
        return x->nwhole < y->nwhole ? -1 : 1;
    c = memcmp(x->whole, y->whole, (size_t)x->nwhole);
    if (c == 0 && n > 0)
        c = memcmp(x->frac, y->frac, (size_t)n);
    if (c == 0)
        c = x->nfrac - y->nfrac;
    return c;
}

static int decimal_compare(void *ctx, int nx, const void *px, int ny,
                           const void *py)
{
    decimal_parts x, y;
    bool okx = decimal_split(px, nx, &x), oky = decimal_split(py, ny, &y);
    int c;

    (void)ctx;
    if (!okx || !oky) {
        if (okx != oky)
            return okx ? -1 : 1;
        c = memcmp(px, py, (size_t)(nx < ny ? nx : ny));
        return c != 0 ? c : nx - ny;
    }
    if (x.neg != y.neg)
        return x.neg ? -1 : 1;
    c = decimal_magnitude(&x, &y);
    return x.neg ? -c : c;
}

static int map_code(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return SC_OK;
    case SQLITE_CONSTRAINT:
        return SC_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SC_BUSY;
    case SQLITE_NOMEM:
        return SC_NOMEM;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return SC_MISUSE;
    case SQLITE_TOOBIG:
        return SC_RANGE;
    case SQLITE_CANTOPEN:
        return SC_CANTOPEN;
    default:
        return SC_ERROR;
    }
}

static int map_extended(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
        return SC_CONSTRAINT_UNIQUE;
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return SC_CONSTRAINT_PRIMARYKEY;
    case SQLITE_CONSTRAINT_NOTNULL:
        return SC_CONSTRAINT_NOTNULL;
    case SQLITE_CONSTRAINT_CHECK:
        return SC_CONSTRAINT_CHECK;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return SC_CONSTRAINT_FOREIGNKEY;
    default:
        return map_code(rc);
    }
}

/*
 * Fills table and column from a "table.column" list as SQLite writes it
 * after "UNIQUE constraint failed: ".  With several columns only the table
 * is known for sure, and column stays empty.
 */
static void split_columns(sc_backend_error *err, const char *list)
{
    const char *dot = strchr(list, '.');

    sc__copy_n(err->detail, sizeof err->detail, list, strlen(list));
    if (dot == NULL)
        return;
    sc__copy_n(err->table, sizeof err->table, list, (size_t)(dot - list));
    if (strchr(dot, ',') == NULL)
        sc__copy_n(err->column, sizeof err->column, dot + 1, strlen(dot + 1));
}

/* Reads the names out of a constraint message. */
static void parse_constraint(sc_backend_error *err, int ext, const char *msg)
{
    const char *p = strstr(msg, "failed: ");

    if (ext == SQLITE_CONSTRAINT_DATATYPE) {
        p = strstr(msg, " column ");
        if (p != NULL)
            split_columns(err, p + strlen(" column "));
        return;
    }
    if (p == NULL)
        return;
    p += strlen("failed: ");
    if (ext == SQLITE_CONSTRAINT_CHECK)
        sc__copy_n(err->constraint, sizeof err->constraint, p, strlen(p));
    else
        split_columns(err, p);
}

/*
 * SQLite says "database is locked" for two failures that call for
 * different responses (see schemac.h): the busy timeout ran out, or a
 * deferred transaction that had read could not take the write lock, which
 * no wait would help.  The second shows as a failure inside an open
 * transaction; the message tells it apart.
 */
/* The connection's busy timeout in ms, as set at open. */
static int busy_timeout(sqlite3 *db)
{
    sqlite3_stmt *st;
    int ms = -1;

    if (sqlite3_prepare_v2(db, "PRAGMA busy_timeout", -1, &st, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            ms = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return ms;
}

static void busy_message(sqlite3 *db, int ext, sc_backend_error *err)
{
    if (sqlite3_get_autocommit(db) == 0 || ext == SQLITE_BUSY_SNAPSHOT)
        snprintf(err->message, sizeof err->message,
                 "database is locked: this transaction read before its "
                 "first write, and another connection has written since "
                 "or holds the write lock; roll it back and retry it, or "
                 "begin it with sc_begin_write()");
    else
        snprintf(err->message, sizeof err->message,
                 "database is locked: another connection held the lock "
                 "for longer than the busy timeout (%d ms)",
                 busy_timeout(db));
}

/* Errors about the database file rather than the statement: a locked,
 * read-only, damaged or unreadable file, a full disk. */
static bool about_file(int ext)
{
    switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        return true;
    default:
        return false;
    }
}

/* Appends the file's name to the message: "database is locked" alone
 * does not say which. */
static void name_file(sc_backend_error *err, sqlite3 *db)
{
    const char *file = sqlite3_db_filename(db, "main");
    size_t n = strlen(err->message);

    if (file != NULL && *file != '\0' && n < sizeof err->message)
        snprintf(err->message + n, sizeof err->message - n,
                 " (database \"%s\")", file);
}

static void sqlite_error(void *conn, sc_backend_error *err)
{
    sqlite3 *db = conn;
    int ext = sqlite3_extended_errcode(db);
    const char *msg = sqlite3_errmsg(db);

    memset(err, 0, sizeof *err);
    /* RESTRICT foreign keys fail through SQLite's trigger machinery */
    if (ext == SQLITE_CONSTRAINT_TRIGGER &&
        strcmp(msg, "FOREIGN KEY constraint failed") == 0)
        ext = SQLITE_CONSTRAINT_FOREIGNKEY;
    err->code = map_code(ext);
    err->extended = map_extended(ext);
    sc__copy_n(err->message, sizeof err->message, msg, strlen(msg));
    if ((ext & 0xff) == SQLITE_BUSY)
        busy_message(db, ext, err);
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        parse_constraint(err, ext, msg);
    else if (about_file(ext))
        name_file(err, db);
}

/* Runs a pragma and steps it to the end. */
static int run_pragma(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Puts the file in WAL mode.  Changing the journal mode of a new file
 * takes its exclusive lock, and SQLite answers SQLITE_BUSY at once,
 * without its busy handler, when another connection is doing the same:
 * processes opening one new file together would fail.  The pragma is
 * tried again, with growing pauses, for as long as the busy timeout, as
 * any other lock is waited for.
 */
static int set_wal(sqlite3 *db, int timeout_ms)
{
    int rc, waited = 0, pause = 1;

    for (;;) {
        rc = run_pragma(db, "PRAGMA journal_mode = WAL");
        if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) ||
            waited >= timeout_ms)
            return rc;
        sqlite3_sleep(pause);
        waited += pause;
        pause = pause < 32 ? pause * 2 : pause;
    }
}

/* Describes why path could not be opened: the message names the path
 * (an SQLite path holds no password). */
static int open_failed(sqlite3 *db, const char *path, int rc,
                       sc_backend_error *err)
{
    const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

    memset(err, 0, sizeof *err);
    err->code = map_code(rc) == SC_NOMEM ? SC_NOMEM : SC_CANTOPEN;
    err->extended = err->code;
    snprintf(err->message, sizeof err->message,
             "cannot open database \"%s\": %s", path, why);
    return err->code;
}

static int sqlite_open(const char *url, const sc__conn_opts *opts,
                       void **conn, sc_backend_error *err)
{
    int timeout_ms = opts->busy_timeout_ms >= 0 ? opts->busy_timeout_ms
                                                : BUSY_TIMEOUT_MS;
    const char *path = url + strlen(URL_PREFIX);
    /* no mutex of SQLite's: the core's owner check (sc__enter()) lets
     * one thread at a time reach a connection */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                SQLITE_OPEN_NOMUTEX;
    bool memory = strcmp(path, ":memory:") == 0;
    sqlite3 *db = NULL;
    int rc;

    *conn = NULL;
    if (*path == '\0') {
        memset(err, 0, sizeof *err);
        err->code = err->extended = SC_MISUSE;
        snprintf(err->message, sizeof err->message,
                 "sqlite: URL without a path: expected sqlite:PATH or "
                 "sqlite::memory:");
        return SC_MISUSE;
    }
    /* sqlite:file:PATH?mode=ro and the like: SQLite's URI form */
    if (strncmp(path, "file:", 5) == 0)
        flags |= SQLITE_OPEN_URI;
    rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(db, 1);
        rc = sqlite3_busy_timeout(db, timeout_ms);
    }
    if (rc == SQLITE_OK)
        rc = run_pragma(db, "PRAGMA foreign_keys = ON");
    /* LIKE is case-sensitive on PostgreSQL; queries must match the same
     * rows on both (and a case-sensitive LIKE 'abc%' can use an index) */
    if (rc == SQLITE_OK)
        rc = run_pragma(db, "PRAGMA case_sensitive_like = ON");
    if (rc == SQLITE_OK)
        rc = sqlite3_create_collation(db, SC__DECIMAL_COLLATION, SQLITE_UTF8,
                                      NULL, decimal_compare);
    if (rc == SQLITE_OK && !memory)
        rc = set_wal(db, timeout_ms);
    if (rc != SQLITE_OK) {
        rc = open_failed(db, path, rc, err);
        sqlite3_close(db);
        return rc;
    }
    *conn = db;
    return SC_OK;
}

static void sqlite_close(void *conn)
{
    sqlite3_close_v2(conn);
}

static int sqlite_exec(void *conn, const char *sql)
{
    return map_code(sqlite3_exec(conn, sql, NULL, NULL, NULL));
}

static int sqlite_prepare(void *conn, const char *sql, bool persistent,
                          void **stmt)
{
    sqlite3_stmt *st = NULL;
    unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
    int rc = sqlite3_prepare_v3(conn, sql, -1, flags, &st, NULL);

    *stmt = st;
    if (rc == SQLITE_OK && st == NULL)
        return SC_MISUSE; /* the text held no statement */
    return map_code(rc);
}

/* Copies the digits of p[0..n) to out as they are, ORing into *any
 * whether one is not zero.  Returns n. */
static size_t put_digits(char *out, const char *p, size_t n, bool *any)
{
    size_t i;

    for (i = 0; i < n; i++) {
        out[i] = p[i];
        *any |= p[i] != '0';
    }
    return n;
}

/*
 * Writes decimal text p[0..len) as PostgreSQL prints a numeric of scale
 * scale: no leading zeros but one before the point, exactly scale digits
 * after it, no sign on zero.  The core has checked the form and that any
 * digit past the scale is a zero.  Returns the length written, or 0 when
 * out (of size bytes) is too small.
 */
static size_t decimal_text(const char *p, size_t len, unsigned scale,
                           char *out, size_t size)
{
    const char *end = p + len, *dot;
    bool neg = len > 0 && *p == '-', any = false;
    size_t n = 1, frac;

    p += len > 0 && (*p == '-' || *p == '+');
    while (end - p > 1 && *p == '0' && p[1] != '.')
        p++;
    dot = memchr(p, '.', (size_t)(end - p));
    dot = dot != NULL ? dot : end;
    if ((size_t)(dot - p) + scale + 3 > size)
        return 0;
    out[0] = '-';
    n += put_digits(out + n, p, (size_t)(dot - p), &any);
    if (scale > 0)
        out[n++] = '.';
    frac = dot < end ? (size_t)(end - dot - 1) : 0;
    frac = frac < scale ? frac : scale;
    if (frac > 0)
        n += put_digits(out + n, dot + 1, frac, &any);
    memset(out + n, '0', scale - frac);
    n += scale - frac;
    if (neg && any)
        return n;
    memmove(out, out + 1, n - 1);
    return n - 1;
}

/*
 * Binds text.  A C string goes with a negative length: SQLite then finds
 * the length itself and marks the value NUL-terminated, where with any
 * length given it marks it not terminated, and every function that
 * needs a terminated string (length() in the check of a varchar(n))
 * first copies the value to terminate it.  Text of a known length that
 * is not a C string, or longer than an int, goes by its length.
 */
static int bind_text(sqlite3_stmt *st, int i, const sc_value *v)
{
    if (v->cstr && v->len <= INT_MAX)
        return sqlite3_bind_text(st, i, v->p, -1, SQLITE_STATIC);
    return sqlite3_bind_text64(st, i, v->p, v->len, SQLITE_STATIC,
                               SQLITE_UTF8);
}

/* Binds decimal text in its canonical form for column v->col; SQLite
 * copies it when it differs from the value as given. */
static int bind_decimal(sqlite3_stmt *st, int i, const sc_value *v)
{
    char buf[DECIMAL_MAX];
    size_t n = decimal_text(v->p, v->len, v->col->scale, buf, sizeof buf);

    if (n == 0 || (n == v->len && memcmp(buf, v->p, n) == 0))
        return bind_text(st, i, v);
    return sqlite3_bind_text64(st, i, buf, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

SC__NOINLINE static int bind_plain(sqlite3_stmt *stmt, int i,
                                  const sc_value *v, const char **why)
{
    int rc = SQLITE_MISUSE;

    switch (v->kind) {
    case SC_VAL_NULL:
        rc = sqlite3_bind_null(stmt, i);
        break;
    case SC_VAL_INT:
        rc = sqlite3_bind_int64(stmt, i, v->i);
        break;
    case SC_VAL_FLOAT:
        if (isnan(v->f)) {
            *why = "NaN cannot be stored in an SQLite REAL column";
            return SC_RANGE;
        }
        rc = sqlite3_bind_double(stmt, i, v->f);
        break;
    case SC_VAL_TEXT:
        if (v->type == SC_TYPE_DECIMAL && v->col != NULL)
            rc = bind_decimal(stmt, i, v);
        else
            rc = bind_text(stmt, i, v);
        break;
    case SC_VAL_BLOB:
        rc = sqlite3_bind_blob64(stmt, i, v->p ? v->p : "", v->len,
                                 SQLITE_STATIC);
        break;
    }
    if (rc == SQLITE_TOOBIG)
        *why = "the value is larger than SQLite allows";
    return map_code(rc);
}

/* Binds v, of a formatted column, in the form the column keeps (see
 * sc__stored_form()); text written here is copied by SQLite. */
SC__NOINLINE static int bind_formatted(sqlite3_stmt *stmt, int i,
                                      const sc_value *v, const char **why)
{
    char form[SC__FORM_MAX];
    sc_value stored;
    int rc = sc__stored_form(v, &stored, form, why);

    if (rc != SC_OK)
        return rc;
    if (stored.kind == SC_VAL_TEXT && stored.p == form)
        return map_code(sqlite3_bind_text(stmt, i, form, (int)stored.len,
                                          SQLITE_TRANSIENT));
    return bind_plain(stmt, i, &stored, why);
}

/* Binds v in the form its column keeps.  Keys and counts, the most bound
 * of all, go straight, in a function with no buffer of the formatted
 * path's to set up. */
static int sqlite_bind(void *stmt, int i, const sc_value *v, const char **why)
{
    int rc;

    *why = NULL;
    if (v->col != NULL && v->col->format != SC_FMT_NATIVE)
        return bind_formatted(stmt, i, v, why);
    if (v->kind != SC_VAL_INT)
        return bind_plain(stmt, i, v, why);
    rc = sqlite3_bind_int64(stmt, i, v->i);
    return rc == SQLITE_OK ? SC_OK : map_code(rc);
}

static int sqlite_step(void *stmt)
{
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_ROW)
        return SC__ROW;
    if (rc == SQLITE_DONE)
        return SC__DONE;
    return map_code(rc);
}

/* Reads text or a blob: the pointer first, then its length, as SQLite
 * asks.  Only a NULL pointer needs the value's type: it comes for NULL, an
 * empty blob, or a failed conversion to text (out of memory).  Returns
 * whether the value is NULL; *rc is SC_NOMEM when the text was lost. */
static bool read_bytes(sqlite3_stmt *st, int i, sc_value *out, int *rc)
{
    const void *p;

    if (out->kind == SC_VAL_TEXT)
        p = sqlite3_column_text(st, i);
    else
        p = sqlite3_column_blob(st, i);
    out->p = p;
    if (p != NULL) {
        out->len = (size_t)sqlite3_column_bytes(st, i);
        return false;
    }
    out->len = 0;
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return true;
    if (sqlite3_column_bytes(st, i) > 0)
        *rc = SC_NOMEM;
    out->p = "";
    return false;
}

/*
 * Reads the value first and asks for its type only when the value read
 * could stand for NULL (0, 0.0, a NULL pointer): streaming calls this for
 * every column of every row, and each call into SQLite costs about as much
 * as the read itself.  Only the fields of kind are set.
 */
static int sqlite_column(void *stmt, int i, sc_value_kind kind,
                         sc_value *out)
{
    sqlite3_stmt *st = stmt;
    bool maybe_null = true;
    int rc = SC_OK;

    out->kind = kind;
    out->type = 0;
    out->col = NULL;
    switch (kind) {
    case SC_VAL_INT:
        out->i = sqlite3_column_int64(st, i);
        maybe_null = out->i == 0;
        break;
    case SC_VAL_FLOAT:
        out->f = sqlite3_column_double(st, i);
        maybe_null = !(out->f < 0 || out->f > 0);
        break;
    case SC_VAL_TEXT:
    case SC_VAL_BLOB:
        if (!read_bytes(st, i, out, &rc))
            return rc;
        out->kind = SC_VAL_NULL;
        return SC_OK;
    case SC_VAL_NULL:
        break;
    }
    if (maybe_null && sqlite3_column_type(st, i) == SQLITE_NULL)
        out->kind = SC_VAL_NULL;
    return SC_OK;
}

/*
 * sqlite_read_row() for a table without STRICT: each value's class is
 * asked first, before any read converts it.  Text in a stream (a NULL)
 * is not measured: the field takes SQLite's NUL-terminated pointer.  It
 * stops at a value it does not store exactly (a class other than the
 * column's, a number out of the field's range, a format, an enum label,
 * a decimal, an empty blob), which the core then reads the careful way.
 */
static int read_loose(sqlite3_stmt *st, const sc_table_desc *t,
                      unsigned *from, sc_arena *a, void *out)
{
    const sc_column_desc *c;
    const void *p;
    char *field;
    sc_bytes bytes;
    int64_t x;
    int32_t i32;
    int16_t i16;
    double f;
    float f32;
    bool b;
    unsigned i;
    int cls, want;

    for (i = *from; i < t->ncols; i++) {
        c = &t->cols[i];
        field = (char *)out + c->offset;
        p = NULL;
        f = 0;
        x = 0;
        cls = sqlite3_column_type(st, (int)i);
        if (cls == SQLITE_NULL)
            continue; /* the field and its has_ flag are zero already */
        if (c->format != SC_FMT_NATIVE)
            break;
        switch (c->type) {
        case SC_TYPE_INT64:
        case SC_TYPE_NUMERIC:
        case SC_TYPE_TIMESTAMP:
        case SC_TYPE_INT32:
        case SC_TYPE_DATE:
        case SC_TYPE_INT16:
        case SC_TYPE_BOOL:
            want = SQLITE_INTEGER;
            x = cls != want ? 0 : sqlite3_column_int64(st, (int)i);
            break;
        case SC_TYPE_FLOAT64:
        case SC_TYPE_FLOAT32:
            want = SQLITE_FLOAT;
            f = cls != want ? 0 : sqlite3_column_double(st, (int)i);
            break;
        case SC_TYPE_TEXT:
        case SC_TYPE_JSON:
            want = SQLITE_TEXT;
            p = cls != want ? NULL : sqlite3_column_text(st, (int)i);
            break;
        case SC_TYPE_BYTES:
        case SC_TYPE_UUID:
            want = SQLITE_BLOB;
            p = cls != want ? NULL : sqlite3_column_blob(st, (int)i);
            break;
        default: /* decimal text, enum labels */
            goto careful;
        }
        if (cls != want)
            goto careful;
        switch (c->type) {
        case SC_TYPE_INT64:
        case SC_TYPE_NUMERIC:
        case SC_TYPE_TIMESTAMP:
            memcpy(field, &x, sizeof x);
            break;
        case SC_TYPE_INT32:
        case SC_TYPE_DATE:
            if (x < INT32_MIN || x > INT32_MAX)
                goto careful;
            i32 = (int32_t)x;
            memcpy(field, &i32, sizeof i32);
            break;
        case SC_TYPE_INT16:
            if (x < INT16_MIN || x > INT16_MAX)
                goto careful;
            i16 = (int16_t)x;
            memcpy(field, &i16, sizeof i16);
            break;
        case SC_TYPE_BOOL:
            if (x != 0 && x != 1)
                goto careful;
            b = x != 0;
            memcpy(field, &b, sizeof b);
            break;
        case SC_TYPE_FLOAT64:
            memcpy(field, &f, sizeof f);
            break;
        case SC_TYPE_FLOAT32:
            f32 = (float)f;
            memcpy(field, &f32, sizeof f32);
            break;
        case SC_TYPE_TEXT:
        case SC_TYPE_JSON:
            if (p == NULL) /* out of memory, which the careful way tells */
                goto careful;
            if (a != NULL &&
                (p = sc__arena_copy(a, p, (size_t)sqlite3_column_bytes(
                                              st, (int)i))) == NULL)
                return SC_NOMEM;
            memcpy(field, &p, sizeof p);
            break;
        case SC_TYPE_BYTES:
            if (p == NULL) /* an empty blob */
                goto careful;
            bytes.len = (size_t)sqlite3_column_bytes(st, (int)i);
            bytes.data = a != NULL ? sc__arena_copy(a, p, bytes.len) : p;
            if (bytes.data == NULL)
                return SC_NOMEM;
            memcpy(field, &bytes, sizeof bytes);
            break;
        default: /* SC_TYPE_UUID */
            if (p == NULL ||
                (size_t)sqlite3_column_bytes(st, (int)i) != sizeof(sc_uuid))
                goto careful;
            memcpy(field, p, sizeof(sc_uuid));
            break;
        }
        if (c->flags & SC_COL_HASFLAG)
            memcpy((char *)out + c->has_offset, &(bool){true}, sizeof(bool));
    }
careful:
    *from = i;
    return SC_OK;
}

/* Reads the row into out in one call (backend.h): a switch on each
 * column's type, each value stored straight into its field.  The core
 * asks it only of a table without STRICT (read_loose()): a STRICT
 * table's rows go through sqlite_read_plan(). */
static int sqlite_read_row(void *stmt, const sc_table_desc *t, unsigned *from,
                           sc_arena *a, void *out)
{
    return read_loose(stmt, t, from, a, out);
}

/* Whether column i, read as 0, 0.0 or a NULL pointer, holds NULL. */
static bool column_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL;
}

/* Stores field p's NULL (sc__read_null(), the field's size the plan's). */
static void put_null(char *row, const sc__read_col *p)
{
    sc__read_null(row, p->offset, p->has_offset, p->size);
}

/* put_null() for a group's field of known size, whose zeroes are then
 * one store. */
static inline void put_null_of(char *row, const sc__read_col *p,
                               size_t size)
{
    memset(row + p->offset, 0, size);
    row[p->has_offset] = false;
}

/* The careful read of column p, its field zeroed first (out need not
 * be: see read_plan() in backend.h). */
SC__NOINLINE static int careful(sc_db *db, const sc_table_desc *t,
                                sqlite3_stmt *st, const sc__read_col *p,
                                sc_arena *a, char *out)
{
    put_null(out, p);
    return sc__read_column(db, t, st, p->col, a, out);
}

/* The plan's groups between its int64 and its text columns. */
#define MIDDLE_GROUPS                                                       \
    (1u << SC__READ_I32 | 1u << SC__READ_BOOL | 1u << SC__READ_F64)

/* Reads the int32, bool and float64 columns of a plan, p the first of
 * them, as sqlite_read_plan() reads the others, and returns the column
 * that follows them; *rcp receives SC_OK or the failure of a careful
 * read.  Apart, so that the common row, int64 and text columns alone,
 * is read by a short function. */
SC__NOINLINE static const sc__read_col *
read_middle(sc_db *db, const sc__read_plan *plan, sqlite3_stmt *st,
            sc_arena *a, char *row, const sc__read_col *p, int *rcp)
{
    const sc__read_col *end;
    int64_t x;
    int32_t i32;
    double f;
    bool b;
    int rc = SC_OK;

    for (end = plan->cols + plan->end[SC__READ_I32]; p < end; p++) {
        x = sqlite3_column_int64(st, (int)p->col);
        if (x == 0 && p->has && column_null(st, (int)p->col)) {
            put_null_of(row, p, sizeof(int32_t));
        } else if (x < INT32_MIN || x > INT32_MAX) {
            if ((rc = careful(db, plan->t, st, p, a, row)) != SC_OK)
                break;
        } else {
            i32 = (int32_t)x;
            row[p->has_offset] = true;
            memcpy(row + p->offset, &i32, sizeof i32);
        }
    }
    for (end = plan->cols + plan->end[SC__READ_BOOL];
         rc == SC_OK && p < end; p++) {
        x = sqlite3_column_int64(st, (int)p->col);
        if (x == 0 && p->has && column_null(st, (int)p->col)) {
            put_null_of(row, p, sizeof(bool));
        } else if (x != 0 && x != 1) {
            rc = careful(db, plan->t, st, p, a, row);
        } else {
            b = x != 0;
            row[p->has_offset] = true;
            memcpy(row + p->offset, &b, sizeof b);
        }
    }
    for (end = plan->cols + plan->end[SC__READ_F64];
         rc == SC_OK && p < end; p++) {
        f = sqlite3_column_double(st, (int)p->col);
        if (!(f < 0 || f > 0) && p->has && column_null(st, (int)p->col)) {
            put_null_of(row, p, sizeof(double));
            continue;
        }
        row[p->has_offset] = true;
        memcpy(row + p->offset, &f, sizeof f);
    }
    *rcp = rc;
    return p;
}

/* A text column p that gave no text: a NULL, stored as such, or a
 * failure to convert or copy it (out of memory), which the careful read
 * tells.  v is its value, or NULL when it was read from the column. */
SC__NOINLINE static int text_missing(sc_db *db, const sc_table_desc *t,
                                     sqlite3_stmt *st, sqlite3_value *v,
                                     const sc__read_col *p, sc_arena *a,
                                     char *row)
{
    int type = v != NULL ? sqlite3_value_type(v)
                         : sqlite3_column_type(st, (int)p->col);

    if (type == SQLITE_NULL) {
        put_null_of(row, p, sizeof(const char *));
        return SC_OK;
    }
    return careful(db, t, st, p, a, row);
}

/* The careful columns of a plan, *p the first of them. */
SC__NOINLINE static int read_careful(sc_db *db, const sc__read_plan *plan,
                                     sqlite3_stmt *st, sc_arena *a,
                                     char *out, const sc__read_col *p)
{
    const sc__read_col *end = plan->cols + plan->end[SC__READ_CAREFUL];
    int rc = SC_OK;

    for (; rc == SC_OK && p < end; p++)
        rc = sc__read_column(db, plan->t, st, p->col, a, out);
    return rc;
}

/* Reads int64 column p of a plan (see sqlite_read_plan()). */
static inline void read_i64(sqlite3_stmt *st, const sc__read_col *p,
                            char *row)
{
    sqlite3_value *v;
    int64_t x;

    if (!p->nullable) {
        x = sqlite3_column_int64(st, (int)p->col);
        if (x == 0 && p->has && column_null(st, (int)p->col)) {
            put_null_of(row, p, sizeof x);
            return;
        }
        row[p->has_offset] = true;
        memcpy(row + p->offset, &x, sizeof x);
        return;
    }
    v = sqlite3_column_value(st, (int)p->col);
    x = sqlite3_value_int64(v); /* 0 for NULL */
    row[p->has_offset] = x != 0 || sqlite3_value_type(v) != SQLITE_NULL;
    memcpy(row + p->offset, &x, sizeof x);
}

/* Reads the text columns of a plan, p the first of them, pointing into
 * the statement's memory (a stream's); returns SC_OK or the failure of a
 * careful read. */
static inline int read_texts(sc_db *db, const sc__read_plan *plan,
                             sqlite3_stmt *st, char *row,
                             const sc__read_col *p)
{
    const sc__read_col *end = plan->cols + plan->end[SC__READ_TEXT];
    sqlite3_value *v;
    const char *s;
    int rc;

    for (; p < end; p++) {
        v = NULL;
        if (!p->nullable) {
            s = (const char *)sqlite3_column_text(st, (int)p->col);
        } else {
            v = sqlite3_column_value(st, (int)p->col);
            s = (const char *)sqlite3_value_text(v);
        }
        if (s == NULL) {
            if ((rc = text_missing(db, plan->t, st, v, p, NULL, row)) != SC_OK)
                return rc;
            continue;
        }
        row[p->has_offset] = true;
        memcpy(row + p->offset, &s, sizeof s);
    }
    return SC_OK;
}

/* read_texts() for a get: the text copied into a, its length read from
 * its value. */
static inline int copy_texts(sc_db *db, const sc__read_plan *plan,
                             sqlite3_stmt *st, sc_arena *a, char *row,
                             const sc__read_col *p)
{
    const sc__read_col *end = plan->cols + plan->end[SC__READ_TEXT];
    sqlite3_value *v;
    const char *s;
    int rc;

    for (; p < end; p++) {
        v = sqlite3_column_value(st, (int)p->col);
        s = (const char *)sqlite3_value_text(v);
        if (s != NULL)
            s = sc__arena_copy(a, s, (size_t)sqlite3_value_bytes(v));
        if (s == NULL) {
            if ((rc = text_missing(db, plan->t, st, v, p, a, row)) != SC_OK)
                return rc;
            continue;
        }
        row[p->has_offset] = true;
        memcpy(row + p->offset, &s, sizeof s);
    }
    return SC_OK;
}

/* The columns of a plan from p on, the first of them not an int64 one,
 * when it has int32, bool, float64 or careful columns. */
SC__NOINLINE static int read_rest(sc_db *db, const sc__read_plan *plan,
                                  sqlite3_stmt *st, sc_arena *a, char *row,
                                  const sc__read_col *p)
{
    int rc = SC_OK;

    if (plan->groups & MIDDLE_GROUPS)
        p = read_middle(db, plan, st, a, row, p, &rc);
    if (rc == SC_OK)
        rc = a == NULL ? read_texts(db, plan, st, row, p)
                       : copy_texts(db, plan, st, a, row, p);
    if (rc != SC_OK || !(plan->groups & 1u << SC__READ_CAREFUL))
        return rc;
    return read_careful(db, plan, st, a, row,
                        plan->cols + plan->end[SC__READ_TEXT]);
}

/*
 * Reads a STRICT table's row as plan says (backend.h), which holds only
 * its columns' own storage classes, with the descriptor's questions about
 * each column answered once, in the plan, whose groups are read one after
 * the other with no question of a column's type at all.  A value is
 * asked whether it is NULL only when what was read could stand for NULL
 * (0, a NULL pointer) and the field has a has_ flag or is a pointer; a
 * NULL elsewhere reads as the zero that it stores.  A column that may
 * often hold NULL (p->nullable), and a text a get copies, is read
 * through its sqlite3_value, whose type and length are cheap to ask,
 * where asking the column would cost as much as the read.  Such values
 * are unprotected, which is safe here: the connection has no mutex of
 * SQLite's (sqlite_open()) and one thread at a time reaches it.  Every
 * field of the plan's columns is written, a NULL's as zero, so that out
 * need not be zeroed unless the plan has careful columns (plan->whole).
 */
static int sqlite_read_plan(sc_db *db, const sc__read_plan *plan,
                            void *stmt, sc_arena *a, void *out)
{
    sqlite3_stmt *st = stmt;
    const sc__read_col *p = plan->cols, *end;
    char *row = out;

    for (end = p + plan->end[SC__READ_I64]; p < end; p++)
        read_i64(st, p, row);
    if (plan->groups & (MIDDLE_GROUPS | 1u << SC__READ_CAREFUL))
        return read_rest(db, plan, st, a, row, p);
    if (a == NULL)
        return read_texts(db, plan, st, row, p);
    return copy_texts(db, plan, st, a, row, p);
}

/* The storage class of a value of a table without STRICT. */
static sc_value_kind sqlite_column_class(void *stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return SC_VAL_INT;
    case SQLITE_FLOAT:
        return SC_VAL_FLOAT;
    case SQLITE_TEXT:
        return SC_VAL_TEXT;
    case SQLITE_BLOB:
        return SC_VAL_BLOB;
    default:
        return SC_VAL_NULL;
    }
}

static void sqlite_reset(void *stmt)
{
    sqlite3_reset(stmt);
}

static void sqlite_finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static int sqlite_column_count(void *stmt)
{
    return sqlite3_column_count(stmt);
}

static int64_t sqlite_changes(void *conn)
{
    return sqlite3_changes64(conn);
}

static int64_t sqlite_last_insert_id(void *conn)
{
    return sqlite3_last_insert_rowid(conn);
}

static bool sqlite_in_transaction(void *conn)
{
    return sqlite3_get_autocommit(conn) == 0;
}

static void sqlite_placeholder(int i, char *buf, size_t size)
{
    (void)i;
    if (size >= 2)
        memcpy(buf, "?", 2);
}

const sc_backend sc__sqlite_backend = {
    .name = "sqlite",
    .dialect = SC_DIALECT_SQLITE,
    .open = sqlite_open,
    .close = sqlite_close,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .bind = sqlite_bind,
    .step = sqlite_step,
    .column = sqlite_column,
    .read_row = sqlite_read_row,
    .column_class = sqlite_column_class,
    .reset = sqlite_reset,
    .finalize = sqlite_finalize,
    .column_count = sqlite_column_count,
    .changes = sqlite_changes,
    .last_insert_id = sqlite_last_insert_id,
    .in_transaction = sqlite_in_transaction,
    .error = sqlite_error,
    .placeholder = sqlite_placeholder,
    .read_plan = sqlite_read_plan,
};
