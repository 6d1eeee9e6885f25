/*
 * batch.c - many rows in one call: sc_row_insert_many(),
 * sc_row_update_many() and sc_row_delete_many(), pipelined where the
 * backend can, one level of transaction for the whole batch.
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

/* insert_many one statement at a time. */
static int insert_each(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       char *rows, size_t n)
{
    size_t i;
    int rc = SC_OK;

    for (i = 0; i < n && rc == SC_OK; i++) {
        rc = sc__insert_one(db, t, e, rows + i * t->row_size);
        if (rc != SC_OK)
            rc = sc__name_batch_row(db, t, OP_INSERT, rows + i * t->row_size,
                                    i, n, rc);
    }
    return rc;
}

/* The values of one row of a batch: an insert's (now for its "default
 * now" columns; upd[0..nupd) the columns but the key that have a
 * default) or an update's or delete's (mask: the columns set, as
 * sc__updates() reads it, listed once for the batch in upd[0..nupd));
 * n rows in all. */
typedef struct batch_op {
    int op;
    uint64_t mask;
    int64_t now;
    size_t n;
    const unsigned *upd;
    unsigned nupd;
} batch_op;

static int bind_change(sc_db *db, const sc_table_desc *t, void *stmt,
                       const batch_op *b, const void *row, size_t *n);

/* The failure rc of a send to the backend's batch. */
static int send_failed(sc_db *db, const sc_table_desc *t, int rc)
{
    return rc == SC_NOMEM ? sc__nomem(db)
                          : sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
}

/* Queues the statements of rows[from..to) in the backend's batch; *sent
 * counts those that went. */
static int queue_batch(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       const batch_op *b, const char *rows, size_t from,
                       size_t to, size_t *sent)
{
    const char *row;
    int64_t now = b->now;
    bool own = b->op == OP_INSERT ? db->be->pipeline_send_inserts != NULL
                                  : db->be->pipeline_send_rows != NULL;
    size_t i, k;
    int rc;

    for (i = from; i < to; i++) {
        /* a backend that reads the rows' values itself, as many rows as
         * it takes, up to one it leaves to the core */
        if (own) {
            db->nbound = 0;
            rc = b->op == OP_INSERT
                     ? db->be->pipeline_send_inserts(
                           e->stmt, t, rows + i * t->row_size, t->row_size,
                           to - i, &k)
                     : db->be->pipeline_send_rows(
                           e->stmt, t, b->upd, b->nupd,
                           rows + i * t->row_size, t->row_size, to - i, &k);
            if (rc != SC_OK)
                return sc__name_batch_row(db, t, b->op,
                                          rows + (i + k) * t->row_size,
                                          i + k, b->n, send_failed(db, t, rc));
            db->stats.executions += k;
            *sent += k;
            i += k;
            own = k > 0; /* none: it takes none of this batch's rows */
            if (i == to)
                break;
        }
        row = rows + i * t->row_size;
        rc = b->op == OP_INSERT
                 ? sc__bind_insert(db, t, e->stmt, row, &now, &k)
                 : bind_change(db, t, e->stmt, b, row, &k);
        if (rc == SC_OK && (rc = db->be->pipeline_send(e->stmt)) != SC_OK)
            rc = send_failed(db, t, rc);
        if (rc != SC_OK)
            return sc__name_batch_row(db, t, b->op, row, i, b->n, rc);
        db->stats.executions++;
        (*sent)++;
    }
    return SC_OK;
}

/* Whether no column of row takes a default on insert but its key (of
 * the columns b lists as having one): then the outcome of its insert
 * writes the key alone into it. */
static bool key_alone(const sc_table_desc *t, const batch_op *b,
                      const void *row)
{
    unsigned i;

    for (i = 0; i < b->nupd; i++) {
        if (!sc__holds_value(&t->cols[b->upd[i]], row))
            return false;
    }
    return true;
}

/*
 * Reads the outcome of the queued insert of row and fills the row in.
 * Its values are computed again, as sent, only when they are read: for
 * the trace, for the message of a failure, or for the defaults
 * sc__fill_row() writes into it; *t0 is when the previous outcome
 * arrived, so that the traced times add up to the batch's.
 */
static int collect_row(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       const batch_op *b, void *row, double *t0)
{
    int64_t id = 0, now = b->now;
    double t1;
    sc_value v;
    size_t k;
    int rc = db->be->pipeline_result(e->stmt);

    if (rc == SC__ROW) { /* RETURNING the key */
        if (db->be->column(e->stmt, 0, SC_VAL_INT, &v) != SC_OK)
            return sc__nomem(db);
        id = v.i;
        rc = SC__DONE;
    } else if (rc == SC__DONE && t->autoinc >= 0) {
        id = db->be->last_insert_id(db->conn);
    }
    if (rc == SC__DONE && db->trace_fn == NULL && key_alone(t, b, row)) {
        if (t->autoinc >= 0) {
            sc__set_int_field(&t->cols[t->autoinc], row, id);
            sc__set_has(&t->cols[t->autoinc], row, true);
        }
        return SC_OK;
    }
    t1 = sc__clock_ms();
    sc__insert_values(db, t, row, &now, &k);
    if (db->trace_fn != NULL)
        sc__trace(db, e->sql, k, t1 - *t0, rc);
    *t0 = t1;
    if (rc != SC__DONE)
        return rc == SC_NOMEM ? sc__nomem(db)
                              : sc__fail_stmt(db, NULL, t, OP_INSERT, row);
    sc__fill_row(db, t, row, id);
    return SC_OK;
}

static int collect_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                          const batch_op *b, const void *row, double *t0);

/* Rows of a batch sent to the server between two reads of outcomes, at
 * most. */
#define BATCH_CHUNK 1024

/* The rows of each chunk of a batch of n rows but the last, which has
 * no more: BATCH_CHUNK, or where the backend bounds its statements
 * (batch_rows), the fewest chunks within that bound, of even sizes. */
static size_t chunk_rows(const sc_db *db, size_t n)
{
    size_t most = db->be->batch_rows, k;

    if (most == 0 || most > BATCH_CHUNK)
        return BATCH_CHUNK;
    k = (n + most - 1) / most;
    return (n + k - 1) / k;
}

/* Reads the outcomes of the rows from *done up to upto, in order. */
static int collect_batch(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                         const batch_op *b, char *rows, size_t *done,
                         size_t upto, double *t0)
{
    char *row;
    int rc = SC_OK;

    /* the updates or deletes that changed their row, at once, when no
     * trace wants each one's */
    if (b->op != OP_INSERT && db->trace_fn == NULL &&
        db->be->pipeline_done != NULL && *done < upto)
        *done += db->be->pipeline_done(e->stmt, upto - *done);
    for (; rc == SC_OK && *done < upto; (*done)++) {
        row = rows + *done * t->row_size;
        rc = b->op == OP_INSERT
                 ? collect_row(db, t, e, b, row, t0)
                 : collect_change(db, t, e, b, row, t0);
        if (rc != SC_OK && rc != SC__REDO)
            rc = sc__name_batch_row(db, t, b->op, row, *done, b->n, rc);
    }
    return rc;
}

/*
 * A batch in the backend's pipeline, in chunks (chunk_rows()): each
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
    size_t from, to, done = 0, sent = 0, chunk = chunk_rows(db, n);
    int rc = db->be->pipeline_begin(db->conn);

    if (rc != SC_OK)
        return sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
    for (from = 0; rc == SC_OK && from < n; from = to) {
        to = n - from > chunk ? from + chunk : n;
        rc = queue_batch(db, t, e, b, rows, from, to, &sent);
        if (rc == SC_OK && (to == n ? db->be->pipeline_sync(db->conn)
                                    : db->be->pipeline_flush(db->conn)) !=
                               SC_OK)
            rc = sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
        /* a backend that runs the chunk at the flush has its outcomes
         * already: read now, they leave its queue empty */
        if (rc == SC_OK)
            rc = collect_batch(db, t, e, b, rows, &done,
                               db->be->queues_writes ? from : to, &t0);
    }
    if (rc == SC_OK)
        rc = collect_batch(db, t, e, b, rows, &done, sent, &t0);
    db->be->pipeline_end(db->conn);
    db->be->reset(e->stmt);
    return rc;
}

/* The batch of an insert of n rows of t, the columns with a default
 * listed once (see batch_op) in dflt, of t->ncols entries. */
static batch_op insert_batch(const sc_table_desc *t, size_t n,
                             unsigned *dflt)
{
    batch_op b = {OP_INSERT, 0, sc__batch_now(t), n, dflt, 0};
    unsigned i;

    for (i = 0; i < t->ncols; i++) {
        if ((int)i != t->autoinc && sc__insert_default(&t->cols[i]))
            dflt[b.nupd++] = i;
    }
    return b;
}

static int row_insert_many(sc_db *db, const sc_table_desc *t, void *rows,
                           size_t n)
{
    unsigned *dflt = NULL;
    stmt_entry *e;
    batch_op b;
    int level, rc = sc__row_args(db, t, rows, false);

    if (rc != SC_OK || n == 0)
        return rc;
    rc = sc__prepare_cached(db, t, OP_INSERT, 0, &e);
    if (rc == SC_OK)
        rc = sc__level_open(db, true);
    if (rc != SC_OK)
        return rc;
    level = db->depth;
    if (db->be->pipeline_begin == NULL) {
        rc = insert_each(db, t, e, rows, n);
    } else if ((dflt = sc__malloc(t->ncols * sizeof *dflt)) == NULL) {
        rc = sc__nomem(db);
    } else {
        b = insert_batch(t, n, dflt);
        rc = run_batch(db, t, e, &b, rows, n);
    }
    sc__free(dflt);
    return sc__level_close(db, level, rc);
}

/* ---------------------------------------------------------------------
 * Batches of updates and deletes (sc_row_update_many(),
 * sc_row_delete_many()): one prepared statement, one transaction level,
 * and on a backend with pipelines every statement sent before the first
 * outcome is read, as sc_row_insert_many() does.
 * ------------------------------------------------------------------- */

/* Puts the values of the update (b->op OP_UPDATE, the columns b->upd)
 * or delete of row into db->vals, the key last; *n receives their
 * count. */
static int change_values(sc_db *db, const sc_table_desc *t,
                         const batch_op *b, const void *row, size_t *n)
{
    unsigned i;
    int rc = SC_OK;

    *n = 0;
    for (i = 0; b->op == OP_UPDATE && rc == SC_OK && i < b->nupd; i++)
        rc = sc__field_value(db, t, &t->cols[b->upd[i]], row,
                             &db->vals[(*n)++]);
    for (i = 0; rc == SC_OK && i < t->npk; i++)
        rc = sc__key_value(db, t, &t->cols[t->pk[i]], row, &db->vals[(*n)++]);
    db->nbound = *n;
    return rc;
}

/* Binds the values change_values() put in db->vals to stmt. */
static int bind_change(sc_db *db, const sc_table_desc *t, void *stmt,
                       const batch_op *b, const void *row, size_t *n)
{
    size_t k;
    int rc = change_values(db, t, b, row, n);

    for (k = 0; rc == SC_OK && k < *n; k++)
        rc = sc__bind_value(db, t, db->vals[k].col, stmt, k);
    return rc;
}

/* The batch one statement at a time. */
static int change_each(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                       const batch_op *b, const char *rows)
{
    int op = b->op;
    size_t n = b->n;
    const char *row;
    size_t i, k;
    int rc = SC_OK;

    for (i = 0; i < n && rc == SC_OK; i++) {
        row = rows + i * t->row_size;
        rc = bind_change(db, t, e->stmt, b, row, &k);
        if (rc == SC_OK)
            rc = sc__step_change(db, t, e, k, op, row);
        db->be->reset(e->stmt);
        if (rc != SC_OK)
            rc = sc__name_batch_row(db, t, op, row, i, n, rc);
    }
    return rc;
}

/* Reads the outcome of the queued statement of row.  Its values are
 * computed again, as sent, only for a trace or a failure's message; *t0
 * is when the previous outcome arrived (see collect_row()). */
static int collect_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                          const batch_op *b, const void *row, double *t0)
{
    int op = b->op;
    int rc = db->be->pipeline_result(e->stmt);
    int64_t changed = rc == SC__DONE ? db->be->changes(db->conn) : 0;
    double t1;
    size_t k;

    if (rc == SC__REDO)
        return rc;
    if (db->trace_fn != NULL || rc != SC__DONE)
        change_values(db, t, b, row, &k);
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

/* Runs op over rows[0..n) in one transaction level: all or nothing.  The
 * columns an update writes are listed once, not tested again each row. */
static int change_many(sc_db *db, const sc_table_desc *t, int op,
                       const void *rows, size_t n, uint64_t mask)
{
    batch_op b = {op, mask, 0, n, NULL, 0};
    unsigned *upd = NULL, i;
    stmt_entry *e;
    int level, rc;

    if (n == 0)
        return SC_OK;
    if (op == OP_UPDATE) {
        if ((upd = sc__malloc(t->ncols * sizeof *upd)) == NULL)
            return sc__nomem(db);
        for (i = 0; i < t->ncols; i++) {
            if (sc__updates(t, i, mask))
                upd[b.nupd++] = i;
        }
        b.upd = upd;
    }
    rc = sc__prepare_cached(db, t, op, mask, &e);
    if (rc == SC_OK)
        rc = sc__level_open(db, true);
    if (rc != SC_OK)
        goto done;
    level = db->depth;
    if (db->be->pipeline_begin != NULL)
        /* only an insert writes to its rows: these stay as they are */
        rc = run_batch(db, t, e, &b, (char *)rows, n);
    else
        rc = change_each(db, t, e, &b, rows);
    if (rc == SC__REDO) { /* undone, then one by one to find the row */
        sc__level_close(db, level, rc);
        if (db->depth != level - 1) {
            rc = sc__set_error(db, SC_ERROR, t->name, NULL,
                               "a batch of %s that failed could not be "
                               "rolled back",
                               t->name);
            goto done;
        }
        rc = sc__level_open(db, true);
        if (rc != SC_OK)
            goto done;
        level = db->depth;
        rc = change_each(db, t, e, &b, rows);
    }
    rc = sc__level_close(db, level, rc);
done:
    sc__free(upd);
    return rc;
}

static int row_update_many(sc_db *db, const sc_table_desc *t, const void *rows,
                           size_t n, uint64_t cols)
{
    int rc = sc__row_args(db, t, rows, true);

    /* cols 0: every non-key column, as sc_row_update() writes */
    if (rc == SC_OK && cols != 0)
        rc = sc__update_mask(db, t, &cols);
    return rc == SC_OK ? change_many(db, t, OP_UPDATE, rows, n, cols) : rc;
}

static int row_delete_many(sc_db *db, const sc_table_desc *t, const void *rows,
                           size_t n)
{
    int rc = sc__row_args(db, t, rows, true);

    return rc == SC_OK ? change_many(db, t, OP_DELETE, rows, n, 0) : rc;
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
