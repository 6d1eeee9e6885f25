/*
 * core.c - the database-independent half of libschemac.  It turns the
 * descriptor tables of generated code into SQL (once per table and
 * operation), keeps those statements prepared per connection, moves
 * values between C structs and the backend (in the storage format a
 * column is kept in, refusing stored values not in it), runs
 * transactions and savepoints, words errors so that they name the table
 * and column, and echoes every statement to the trace hook.
 *
 * It talks to the database only through the function table of backend.h,
 * chosen by URL scheme in registry.c.  Every allocation of the runtime
 * goes through sc__malloc() and friends at the top of this file.
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
 * Row operations.
 * ------------------------------------------------------------------- */

/* Checks the arguments of a row operation; needs_pk for get, update and
 * delete. */
static int row_args(sc_db *db, const sc_table_desc *t, const void *row,
                    bool needs_pk)
{
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (t == NULL || row == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "NULL table descriptor or row");
    if (t->ncols == 0)
        return sc__set_error(db, SC_MISUSE, t->name, NULL,
                             "table %s has no columns", t->name);
    if (needs_pk && t->npk == 0)
        return sc__set_error(db, SC_MISUSE, t->name, NULL,
                             "table %s has no primary key", t->name);
    return sc__need_vals(db, (size_t)t->ncols + t->npk);
}

/* Puts the insert's values into db->vals: the struct's, or defaults;
 * *k receives their count. */
static int insert_values(sc_db *db, const sc_table_desc *t,
                         const void *row, int64_t *now, size_t *k)
{
    const sc_column_desc *c;
    unsigned i;
    int rc;

    for (i = 0, *k = 0; i < t->ncols; i++) {
        c = &t->cols[i];
        if ((int)i == t->autoinc)
            continue;
        if (sc__takes_default(c, row))
            rc = sc__default_value(db, t, c, now, &db->vals[*k]);
        else
            rc = sc__field_value(db, t, c, row, &db->vals[*k]);
        if (rc != SC_OK)
            return rc;
        (*k)++;
    }
    db->nbound = *k;
    return SC_OK;
}

/* Binds the insert's values: the struct's, or defaults. */
static int bind_insert(sc_db *db, const sc_table_desc *t, void *stmt,
                       const void *row, int64_t *now, size_t *k)
{
    unsigned i;
    size_t j = 0;
    int rc = insert_values(db, t, row, now, k);

    for (i = 0; rc == SC_OK && i < t->ncols; i++) {
        if ((int)i != t->autoinc)
            rc = sc__bind_value(db, t, &t->cols[i], stmt, j++);
    }
    return rc;
}

/* After a successful insert: the defaults (still in db->vals) and the new
 * key go into the struct. */
static void fill_row(sc_db *db, const sc_table_desc *t, void *row,
                     int64_t id)
{
    const sc_column_desc *c;
    unsigned i;
    size_t k = 0;

    for (i = 0; i < t->ncols; i++) {
        c = &t->cols[i];
        if ((int)i == t->autoinc) {
            sc__set_int_field(c, row, id);
            sc__set_has(c, row, true);
            continue;
        }
        if (sc__takes_default(c, row))
            sc__write_default(c, row, &db->vals[k]);
        k++;
    }
}

/* Steps an insert to its end; *id receives the new key. */
static int step_insert(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       size_t n, int64_t *id)
{
    sc_value v;
    int rc = sc__step_traced(db, e->stmt, e->sql, n);

    if (rc == SC__ROW) { /* RETURNING the key */
        if (db->be->column(e->stmt, 0, SC_VAL_INT, &v) != SC_OK)
            return sc__nomem(db);
        *id = v.i;
        rc = db->be->step(e->stmt);
    } else if (rc == SC__DONE && t->autoinc >= 0) {
        *id = db->be->last_insert_id(db->conn);
    }
    return rc;
}

static int insert_one(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                      void *row)
{
    int64_t id = 0, now = NOW_UNREAD;
    size_t n;
    int rc = bind_insert(db, t, e->stmt, row, &now, &n);

    if (rc != SC_OK)
        goto cleanup;
    rc = step_insert(db, t, e, n, &id);
    if (rc != SC__DONE) {
        rc = rc == SC_NOMEM ? sc__nomem(db)
                            : sc__fail_stmt(db, e->stmt, t, OP_INSERT, row);
        goto cleanup;
    }
    fill_row(db, t, row, id);
    rc = SC_OK;
cleanup:
    db->be->reset(e->stmt);
    return rc;
}

static int row_insert(sc_db *db, const sc_table_desc *t, void *row)
{
    stmt_entry *e;
    int rc = row_args(db, t, row, false);

    if (rc == SC_OK)
        rc = sc__prepare_cached(db, t, OP_INSERT, 0, &e);
    if (rc == SC_OK)
        rc = insert_one(db, t, e, row);
    return rc;
}

/* insert_many one statement at a time. */
static int insert_each(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       char *rows, size_t n)
{
    size_t i;
    int rc = SC_OK;

    for (i = 0; i < n && rc == SC_OK; i++) {
        rc = insert_one(db, t, e, rows + i * t->row_size);
        if (rc != SC_OK)
            sc__prefix_row(db, i);
    }
    return rc;
}

static int bind_change(sc_db *db, const sc_table_desc *t, void *stmt,
                       int op, const void *row, uint64_t mask, size_t *n);

/* The values of one row of a batch: an insert's (now for its "default
 * now" columns) or an update's or delete's (mask: the columns set). */
typedef struct batch_op {
    int op;
    uint64_t mask;
    int64_t now;
} batch_op;

/* Queues the statements of rows[from..to) in the backend's batch; *sent
 * counts those that went. */
static int queue_batch(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       const batch_op *b, const char *rows, size_t from,
                       size_t to, size_t *sent)
{
    const char *row;
    int64_t now = b->now;
    size_t i, k;
    int rc;

    for (i = from; i < to; i++) {
        row = rows + i * t->row_size;
        rc = b->op == OP_INSERT
                 ? bind_insert(db, t, e->stmt, row, &now, &k)
                 : bind_change(db, t, e->stmt, b->op, row, b->mask, &k);
        if (rc == SC_OK && (rc = db->be->pipeline_send(e->stmt)) != SC_OK)
            rc = rc == SC_NOMEM ? sc__nomem(db)
                                : sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
        if (rc != SC_OK) {
            sc__prefix_row(db, i);
            return rc;
        }
        db->stats.executions++;
        (*sent)++;
    }
    return SC_OK;
}

/*
 * Reads the outcome of the queued insert of row and fills the row in.
 * Its values are computed again, as sent, for the trace, for the
 * message of a failure and for fill_row(); *t0 is when the previous
 * outcome arrived, so that the traced times add up to the batch's.
 */
static int collect_row(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       void *row, int64_t now, double *t0)
{
    int64_t id = 0;
    double t1;
    sc_value v;
    size_t k;
    int rc = db->be->pipeline_result(e->stmt);

    if (rc == SC__ROW) { /* RETURNING the key */
        if (db->be->column(e->stmt, 0, SC_VAL_INT, &v) != SC_OK)
            return sc__nomem(db);
        id = v.i;
        rc = SC__DONE;
    }
    t1 = sc__clock_ms();
    insert_values(db, t, row, &now, &k);
    if (db->trace_fn != NULL)
        sc__trace(db, e->sql, k, t1 - *t0, rc);
    *t0 = t1;
    if (rc != SC__DONE)
        return rc == SC_NOMEM ? sc__nomem(db)
                              : sc__fail_stmt(db, NULL, t, OP_INSERT, row);
    fill_row(db, t, row, id);
    return SC_OK;
}

static int collect_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                          int op, const void *row, uint64_t mask, double *t0);

/* Rows of a batch sent to the server between two reads of outcomes. */
#define BATCH_CHUNK 1024

/* Reads the outcomes of the rows from *done up to upto, in order. */
static int collect_batch(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                         const batch_op *b, char *rows, size_t *done,
                         size_t upto, double *t0)
{
    char *row;
    int rc = SC_OK;

    for (; rc == SC_OK && *done < upto; (*done)++) {
        row = rows + *done * t->row_size;
        rc = b->op == OP_INSERT
                 ? collect_row(db, t, e, row, b->now, t0)
                 : collect_change(db, t, e, b->op, row, b->mask, t0);
        if (rc != SC_OK)
            sc__prefix_row(db, *done);
    }
    return rc;
}

/*
 * A batch in the backend's pipeline, in chunks of BATCH_CHUNK rows: each
 * chunk is sent with a request for the outcomes so far (the last one
 * with the batch's end), and the outcomes of the chunk before it are
 * read while the server works on it.  So the round trips stay few, and
 * libpq's buffers hold about two chunks, whatever the batch's size.  The
 * rows of an insert share one "now" and are filled in from their
 * outcomes; rows are written only then.
 */
static int run_batch(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                     const batch_op *b, char *rows, size_t n)
{
    double t0 = sc__clock_ms();
    size_t from, to, done = 0, sent = 0;
    int rc = db->be->pipeline_begin(db->conn);

    if (rc != SC_OK)
        return sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
    for (from = 0; rc == SC_OK && from < n; from = to) {
        to = n - from > BATCH_CHUNK ? from + BATCH_CHUNK : n;
        rc = queue_batch(db, t, e, b, rows, from, to, &sent);
        if (rc == SC_OK && (to == n ? db->be->pipeline_sync(db->conn)
                                    : db->be->pipeline_flush(db->conn)) !=
                               SC_OK)
            rc = sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
        if (rc == SC_OK)
            rc = collect_batch(db, t, e, b, rows, &done, from, &t0);
    }
    if (rc == SC_OK)
        rc = collect_batch(db, t, e, b, rows, &done, sent, &t0);
    db->be->pipeline_end(db->conn);
    db->be->reset(e->stmt);
    return rc;
}

static int row_insert_many(sc_db *db, const sc_table_desc *t, void *rows,
                           size_t n)
{
    stmt_entry *e;
    int level, rc = row_args(db, t, rows, false);

    if (rc != SC_OK || n == 0)
        return rc;
    rc = sc__prepare_cached(db, t, OP_INSERT, 0, &e);
    if (rc == SC_OK)
        rc = sc__level_open(db, true);
    if (rc != SC_OK)
        return rc;
    level = db->depth;
    if (db->be->pipeline_begin != NULL)
        rc = run_batch(db, t, e, &(batch_op){OP_INSERT, 0, sc_now_us()},
                       rows, n);
    else
        rc = insert_each(db, t, e, rows, n);
    return sc__level_close(db, level, rc);
}

/* ---------------------------------------------------------------------
 * Reading rows, and refusing values that are not what the descriptor
 * says: a storage class a loose SQLite table should not hold there, a
 * value not in its column's format.  Such a value fails the call with
 * SC_RANGE naming the table, the column and the row's key; it never
 * reaches the struct converted.
 * ------------------------------------------------------------------- */

static const char *kind_name(sc_value_kind k)
{
    static const char *const names[] = {"null", "integer", "real", "text",
                                        "blob"};

    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* Appends " (k = v, ...)", the key of the current row of stmt, which
 * selected t's columns in order; nothing for a table without a key. */
static void put_row_key(sc_db *db, const sc_table_desc *t, void *stmt,
                        sc__buf *b)
{
    const sc_column_desc *c;
    sc_value_kind kind;
    sc_value v;
    unsigned j;

    for (j = 0; j < t->npk; j++) {
        c = &t->cols[t->pk[j]];
        kind = db->be->column_class != NULL
                   ? db->be->column_class(stmt, (int)t->pk[j])
                   : sc__stored_kind(c);
        if (db->be->column(stmt, (int)t->pk[j], kind, &v) != SC_OK)
            break;
        sc__buf_printf(b, "%s%s = ", j ? ", " : " (", c->name);
        if (v.kind == SC_VAL_NULL)
            sc__buf_puts(b, "NULL");
        else
            sc__format_value(b, &v);
    }
    sc__buf_puts(b, j > 0 ? ")" : "");
}

/* Fails the read of column c: "t.c: " what b says, then the row's key. */
static int refuse_value(sc_db *db, const sc_table_desc *t,
                        const sc_column_desc *c, void *stmt, sc__buf *b)
{
    int rc;

    put_row_key(db, t, stmt, b);
    if (b->failed)
        rc = sc__set_error(db, SC_RANGE, t->name, c->name,
                           "%s.%s: stored value is not in the column's "
                           "format", t->name, c->name);
    else
        rc = sc__set_error(db, SC_RANGE, t->name, c->name, "%s", b->s);
    sc__buf_free(b);
    return rc;
}

/* A value of storage class got where c holds want. */
static int refuse_class(sc_db *db, const sc_table_desc *t,
                        const sc_column_desc *c, void *stmt,
                        sc_value_kind got, sc_value_kind want)
{
    sc__buf b = {0};

    sc__buf_printf(&b, "%s.%s: stored value is %s, not %s", t->name,
                   c->name, kind_name(got), kind_name(want));
    return refuse_value(db, t, c, stmt, &b);
}

/* A value v of the right class that is not in c's format, or not what
 * (when not NULL). */
static int refuse_form(sc_db *db, const sc_table_desc *t,
                       const sc_column_desc *c, void *stmt, sc_value v,
                       const char *what)
{
    sc__buf b = {0};

    if (v.kind == SC_VAL_TEXT && v.len > 64)
        v.len = 64; /* enough to recognize it */
    sc__buf_printf(&b, "%s.%s: stored value ", t->name, c->name);
    sc__format_value(&b, &v);
    sc__buf_puts(&b, " is not ");
    if (what != NULL)
        sc__buf_puts(&b, what);
    else
        sc__put_format_name(&b, c);
    return refuse_value(db, t, c, stmt, &b);
}

/* Reads column i of the current row as kind, the careful way: any
 * format, an integer in a float column (exact below 2^53). */
static int read_stored(sc_db *db, const sc_table_desc *t, void *stmt,
                       unsigned i, sc_value_kind kind, sc_arena *a,
                       void *out)
{
    const sc_column_desc *c = &t->cols[i];
    const int64_t exact = INT64_C(1) << 53;
    sc_value v;

    if (db->be->column(stmt, (int)i, kind, &v) != SC_OK)
        return sc__nomem(db);
    if (v.kind == SC_VAL_NULL)
        return SC_OK;
    sc__set_has(c, out, true);
    if (sc__format(c) != SC_FMT_NATIVE && c->type != SC_TYPE_DECIMAL)
        return sc__decode_stored(c, &v, out)
                   ? SC_OK
                   : refuse_form(db, t, c, stmt, v, NULL);
    if (c->type == SC_TYPE_BOOL && v.kind == SC_VAL_INT && v.i != 0 &&
        v.i != 1)
        return refuse_form(db, t, c, stmt, v, "a bool (0 or 1)");
    if (v.kind == SC_VAL_INT &&
        (c->type == SC_TYPE_FLOAT32 || c->type == SC_TYPE_FLOAT64)) {
        if (v.i <= -exact || v.i >= exact)
            return refuse_class(db, t, c, stmt, SC_VAL_INT, SC_VAL_FLOAT);
        v.kind = SC_VAL_FLOAT;
        v.f = (double)v.i;
    }
    if (sc__store_plain(c, &v, a, out))
        return SC_OK;
    return sc__store_value(db, t, c, &v, a, out);
}

/* A table whose columns may hold any storage class (SQLite without
 * STRICT): every value's class is checked before it is read. */
static int read_row_loose(sc_db *db, const sc_table_desc *t, void *stmt,
                          sc_arena *a, void *out)
{
    sc_value_kind got, want;
    unsigned i;
    int rc = SC_OK;

    for (i = 0; i < t->ncols && rc == SC_OK; i++) {
        got = db->be->column_class(stmt, (int)i);
        if (got == SC_VAL_NULL)
            continue;
        want = sc__stored_kind(&t->cols[i]);
        if (got != want && !(want == SC_VAL_FLOAT && got == SC_VAL_INT))
            return refuse_class(db, t, &t->cols[i], stmt, got, want);
        rc = read_stored(db, t, stmt, i, got, a, out);
    }
    return rc;
}

/* Reads the current row of stmt into out.  Streaming runs this loop for
 * every row, so the common values are stored in it (sc__store_plain()), with
 * one call into the backend per column; formatted columns and loose
 * tables take the careful way. */
int sc__read_row(sc_db *db, const sc_table_desc *t, void *stmt,
                 sc_arena *a, void *out)
{
    const sc_column_desc *c;
    sc_value v;
    unsigned i;
    int rc = SC_OK;

    if ((t->flags & SC_TABLE_LOOSE) && db->be->column_class != NULL)
        return read_row_loose(db, t, stmt, a, out);
    for (i = 0; i < t->ncols && rc == SC_OK; i++) {
        c = &t->cols[i];
        if (c->format != SC_FMT_NATIVE) {
            rc = read_stored(db, t, stmt, i, sc__stored_kind(c), a, out);
            continue;
        }
        if (db->be->column(stmt, (int)i, sc__kind_of(c->type), &v) != SC_OK)
            return sc__nomem(db);
        if (v.kind == SC_VAL_NULL)
            continue; /* the field and its has_ flag are zero already */
        sc__set_has(c, out, true);
        if (!sc__store_plain(c, &v, a, out))
            rc = sc__store_value(db, t, c, &v, a, out);
    }
    return rc;
}

static const char *type_name(sc_type type)
{
    static const char *const names[] = {
        "?", "bool", "int16", "int32", "int64", "float32", "float64",
        "numeric", "decimal", "text", "bytes", "date", "timestamp", "uuid",
        "json", "enum"};

    return (unsigned)type < sizeof names / sizeof names[0] ? names[type]
                                                            : "?";
}

/* Checks result column i of stmt against column c (backend column_fits). */
int sc__check_column(sc_db *db, const sc_table_desc *t,
                     const sc_column_desc *c, void *stmt, int i)
{
    char found[64];

    if (db->be->column_fits == NULL ||
        db->be->column_fits(stmt, i, c, found, sizeof found))
        return SC_OK;
    return sc__set_error(db, SC_RANGE, t->name, c->name,
                         "%s.%s: stored values are %s, which the "
                         "descriptor does not read as %s%s", t->name,
                         c->name, found, type_name(c->type),
                         c->flags & SC_COL_NOZONE ? " without time zone" : "");
}

int sc__check_columns(sc_db *db, const sc_table_desc *t, void *stmt)
{
    unsigned i;
    int rc = SC_OK;

    for (i = 0; i < t->ncols && rc == SC_OK; i++)
        rc = sc__check_column(db, t, &t->cols[i], stmt, (int)i);
    return rc;
}

void sc__put_select_column(const sc_db *db, sc__buf *b,
                           const char *qualifier, const sc_column_desc *c)
{
    if (db->be->put_read != NULL && db->be->put_read(b, qualifier, c))
        return;
    if (qualifier != NULL) {
        sc__buf_ident(b, qualifier);
        sc__buf_puts(b, ".");
    }
    sc__buf_ident(b, c->name);
}

bool sc__is_key(const sc_table_desc *t, unsigned i)
{
    unsigned k;

    if (!(t->flags & SC_TABLE_NOPK))
        return (t->cols[i].flags & SC_COL_PK) != 0;
    for (k = 0; k < t->npk; k++) {
        if (t->pk[k] == i)
            return true;
    }
    return false;
}

static int row_get(sc_db *db, const sc_table_desc *t, sc_arena *a,
                   const void *key, void *out)
{
    stmt_entry *e = NULL;
    size_t n = 0;
    int rc = row_args(db, t, key, true);

    if (rc == SC_OK && (a == NULL || out == NULL))
        rc = sc__set_error(db, SC_MISUSE, t->name, NULL, "NULL arena or out");
    if (rc == SC_OK)
        rc = sc__prepare_cached(db, t, OP_GET, 0, &e);
    if (rc == SC_OK)
        rc = sc__bind_pk(db, t, key, e->stmt, &n);
    if (rc != SC_OK)
        goto cleanup;
    rc = sc__step_traced(db, e->stmt, e->sql, n);
    memset(out, 0, t->row_size); /* key may be out: bound values are read */
    if (rc == SC__ROW)
        rc = sc__read_row(db, t, e->stmt, a, out);
    else if (rc == SC__DONE)
        rc = sc__set_error(db, SC_NOTFOUND, t->name, NULL,
                           "no row of %s has that primary key", t->name);
    else
        rc = sc__fail_stmt(db, e->stmt, t, OP_GET, NULL);
    if (rc != SC_OK)
        memset(out, 0, t->row_size);
cleanup:
    if (e != NULL)
        db->be->reset(e->stmt);
    return rc;
}

/* Steps an update or delete and turns "no row changed" into
 * SC_NOTFOUND. */
static int step_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       size_t n, int op, const void *row)
{
    int rc = sc__step_traced(db, e->stmt, e->sql, n);

    if (rc != SC__DONE)
        return sc__fail_stmt(db, e->stmt, t, op, row);
    if (db->be->changes(db->conn) == 0)
        return sc__set_error(db, SC_NOTFOUND, t->name, NULL,
                             "no row of %s has that primary key", t->name);
    return SC_OK;
}

/* Writes the columns of mask (see sc__updates()) to the row with row's key. */
static int update_row(sc_db *db, const sc_table_desc *t, const void *row,
                      uint64_t mask)
{
    const sc_column_desc *c;
    stmt_entry *e = NULL;
    size_t n = 0;
    unsigned i;
    int rc = sc__prepare_cached(db, t, OP_UPDATE, mask, &e);

    for (i = 0; rc == SC_OK && i < t->ncols; i++) {
        c = &t->cols[i];
        if (!sc__updates(t, i, mask))
            continue;
        rc = sc__field_value(db, t, c, row, &db->vals[n]);
        if (rc == SC_OK)
            rc = sc__bind_value(db, t, c, e->stmt, n++);
    }
    if (rc == SC_OK)
        rc = sc__bind_pk(db, t, row, e->stmt, &n);
    if (rc == SC_OK)
        rc = step_change(db, t, e, n, OP_UPDATE, row);
    if (e != NULL)
        db->be->reset(e->stmt);
    return rc;
}

static int row_update(sc_db *db, const sc_table_desc *t, const void *row)
{
    int rc = row_args(db, t, row, true);

    return rc == SC_OK ? update_row(db, t, row, 0) : rc;
}

/* The non-key columns of t, as a mask of its first 64 columns. */
static uint64_t value_columns(const sc_table_desc *t)
{
    uint64_t m = 0;
    unsigned i;

    for (i = 0; i < t->ncols && i < 64; i++) {
        if (!sc__is_key(t, i))
            m |= UINT64_C(1) << i;
    }
    return m;
}

/* Checks the column mask of an update and drops its key bits, so that
 * masks differing in them share one cached statement. */
static int update_mask(sc_db *db, const sc_table_desc *t, uint64_t *cols)
{
    uint64_t all;

    all = t->ncols < 64 ? (UINT64_C(1) << t->ncols) - 1 : ~UINT64_C(0);
    if (*cols & ~all)
        return sc__set_error(db, SC_MISUSE, t->name, NULL,
                             "column mask 0x%" PRIx64 " names no column "
                             "of %s", *cols & ~all, t->name);
    *cols &= value_columns(t);
    if (*cols == 0)
        return sc__set_error(db, SC_MISUSE, t->name, NULL,
                             "column mask names no non-key column of %s",
                             t->name);
    return SC_OK;
}

static int row_update_cols(sc_db *db, const sc_table_desc *t, const void *row,
                           uint64_t cols)
{
    int rc = row_args(db, t, row, true);

    if (rc == SC_OK)
        rc = update_mask(db, t, &cols);
    return rc == SC_OK ? update_row(db, t, row, cols) : rc;
}

static int row_delete(sc_db *db, const sc_table_desc *t, const void *key)
{
    stmt_entry *e = NULL;
    size_t n = 0;
    int rc = row_args(db, t, key, true);

    if (rc == SC_OK)
        rc = sc__prepare_cached(db, t, OP_DELETE, 0, &e);
    if (rc == SC_OK)
        rc = sc__bind_pk(db, t, key, e->stmt, &n);
    if (rc == SC_OK)
        rc = step_change(db, t, e, n, OP_DELETE, key);
    if (e != NULL)
        db->be->reset(e->stmt);
    return rc;
}

/* ---------------------------------------------------------------------
 * Batches of updates and deletes (sc_row_update_many(),
 * sc_row_delete_many()): one prepared statement, one transaction level,
 * and on a backend with pipelines every statement sent before the first
 * outcome is read, as sc_row_insert_many() does.
 * ------------------------------------------------------------------- */

/* Puts the values of the update (op OP_UPDATE, columns of mask as in
 * sc__updates()) or delete of row into db->vals, the key last; *n receives
 * their count. */
static int change_values(sc_db *db, const sc_table_desc *t, int op,
                         const void *row, uint64_t mask, size_t *n)
{
    unsigned i;
    int rc = SC_OK;

    *n = 0;
    for (i = 0; op == OP_UPDATE && rc == SC_OK && i < t->ncols; i++) {
        if (sc__updates(t, i, mask))
            rc = sc__field_value(db, t, &t->cols[i], row, &db->vals[(*n)++]);
    }
    for (i = 0; rc == SC_OK && i < t->npk; i++)
        rc = sc__key_value(db, t, &t->cols[t->pk[i]], row, &db->vals[(*n)++]);
    db->nbound = *n;
    return rc;
}

/* Binds the values change_values() put in db->vals to stmt. */
static int bind_change(sc_db *db, const sc_table_desc *t, void *stmt,
                       int op, const void *row, uint64_t mask, size_t *n)
{
    size_t k;
    int rc = change_values(db, t, op, row, mask, n);

    for (k = 0; rc == SC_OK && k < *n; k++)
        rc = sc__bind_value(db, t, db->vals[k].col, stmt, k);
    return rc;
}

/* The batch one statement at a time. */
static int change_each(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       int op, const char *rows, size_t n, uint64_t mask)
{
    const char *row;
    size_t i, k;
    int rc = SC_OK;

    for (i = 0; i < n && rc == SC_OK; i++) {
        row = rows + i * t->row_size;
        rc = bind_change(db, t, e->stmt, op, row, mask, &k);
        if (rc == SC_OK)
            rc = step_change(db, t, e, k, op, row);
        db->be->reset(e->stmt);
        if (rc != SC_OK)
            sc__prefix_row(db, i);
    }
    return rc;
}

/* Reads the outcome of the queued statement of row.  Its values are
 * computed again, as sent, only for a trace or a failure's message; *t0
 * is when the previous outcome arrived (see collect_row()). */
static int collect_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                          int op, const void *row, uint64_t mask, double *t0)
{
    int rc = db->be->pipeline_result(e->stmt);
    int64_t changed = rc == SC__DONE ? db->be->changes(db->conn) : 0;
    double t1;
    size_t k;

    if (db->trace_fn != NULL || rc != SC__DONE)
        change_values(db, t, op, row, mask, &k);
    if (db->trace_fn != NULL) {
        t1 = sc__clock_ms();
        sc__trace(db, e->sql, k, t1 - *t0, rc);
        *t0 = t1;
    }
    if (rc != SC__DONE)
        return rc == SC_NOMEM ? sc__nomem(db)
                              : sc__fail_stmt(db, NULL, t, op, row);
    if (changed == 0)
        return sc__set_error(db, SC_NOTFOUND, t->name, NULL,
                             "no row of %s has that primary key", t->name);
    return SC_OK;
}

/* Runs op over rows[0..n) in one transaction level: all or nothing. */
static int change_many(sc_db *db, const sc_table_desc *t, int op,
                       const void *rows, size_t n, uint64_t mask)
{
    stmt_entry *e;
    int level, rc;

    if (n == 0)
        return SC_OK;
    rc = sc__prepare_cached(db, t, op, mask, &e);
    if (rc == SC_OK)
        rc = sc__level_open(db, true);
    if (rc != SC_OK)
        return rc;
    level = db->depth;
    if (db->be->pipeline_begin != NULL)
        /* only an insert writes to its rows: these stay as they are */
        rc = run_batch(db, t, e, &(batch_op){op, mask, 0}, (char *)rows, n);
    else
        rc = change_each(db, t, e, op, rows, n, mask);
    return sc__level_close(db, level, rc);
}

static int row_update_many(sc_db *db, const sc_table_desc *t, const void *rows,
                           size_t n, uint64_t cols)
{
    int rc = row_args(db, t, rows, true);

    /* cols 0: every non-key column, as sc_row_update() writes */
    if (rc == SC_OK && cols != 0)
        rc = update_mask(db, t, &cols);
    return rc == SC_OK ? change_many(db, t, OP_UPDATE, rows, n, cols) : rc;
}

static int row_delete_many(sc_db *db, const sc_table_desc *t, const void *rows,
                           size_t n)
{
    int rc = row_args(db, t, rows, true);

    return rc == SC_OK ? change_many(db, t, OP_DELETE, rows, n, 0) : rc;
}

int sc_row_insert(sc_db *db, const sc_table_desc *t, void *row)
{
    int rc = sc__enter(db, "sc_row_insert");

    if (rc == SC_OK) {
        rc = row_insert(db, t, row);
        sc__leave(db);
    }
    return rc;
}

int sc_row_insert_many(sc_db *db, const sc_table_desc *t, void *rows,
                       size_t n)
{
    int rc = sc__enter(db, "sc_row_insert_many");

    if (rc == SC_OK) {
        rc = row_insert_many(db, t, rows, n);
        sc__leave(db);
    }
    return rc;
}

int sc_row_get(sc_db *db, const sc_table_desc *t, sc_arena *a,
               const void *key, void *out)
{
    int rc = sc__enter(db, "sc_row_get");

    if (rc == SC_OK) {
        rc = row_get(db, t, a, key, out);
        sc__leave(db);
    }
    return rc;
}

int sc_row_update(sc_db *db, const sc_table_desc *t, const void *row)
{
    int rc = sc__enter(db, "sc_row_update");

    if (rc == SC_OK) {
        rc = row_update(db, t, row);
        sc__leave(db);
    }
    return rc;
}

int sc_row_update_cols(sc_db *db, const sc_table_desc *t, const void *row,
                       uint64_t cols)
{
    int rc = sc__enter(db, "sc_row_update_cols");

    if (rc == SC_OK) {
        rc = row_update_cols(db, t, row, cols);
        sc__leave(db);
    }
    return rc;
}

int sc_row_delete(sc_db *db, const sc_table_desc *t, const void *key)
{
    int rc = sc__enter(db, "sc_row_delete");

    if (rc == SC_OK) {
        rc = row_delete(db, t, key);
        sc__leave(db);
    }
    return rc;
}

int sc_row_update_many(sc_db *db, const sc_table_desc *t, const void *rows,
                       size_t n, uint64_t cols)
{
    int rc = sc__enter(db, "sc_row_update_many");

    if (rc == SC_OK) {
        rc = row_update_many(db, t, rows, n, cols);
        sc__leave(db);
    }
    return rc;
}

int sc_row_delete_many(sc_db *db, const sc_table_desc *t, const void *rows,
                       size_t n)
{
    int rc = sc__enter(db, "sc_row_delete_many");

    if (rc == SC_OK) {
        rc = row_delete_many(db, t, rows, n);
        sc__leave(db);
    }
    return rc;
}

/* ---------------------------------------------------------------------
 * Time.
 * ------------------------------------------------------------------- */

int64_t sc_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Days from 1970-01-01 in the proleptic Gregorian calendar.  The year is
 * counted from March, so that the leap day ends it, in 400-year eras of
 * 146097 days; division rounds toward minus infinity for years before 0.
 */
int32_t sc_date_from_ymd(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                    /* [0, 399] */
    int64_t mp = (month + 9) % 12;                  /* March is 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;     /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int32_t)(era * 146097 + doe - 719468);
}

void sc_date_to_ymd(int32_t days, int *year, int *month, int *day)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                 /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    if (year != NULL)
        *year = (int)(yoe + era * 400 + (m <= 2));
    if (month != NULL)
        *month = (int)m;
    if (day != NULL)
        *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}
