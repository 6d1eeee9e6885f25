/*
 * queue.c - single-row writes queued in the backend's pipeline inside a
 * transaction, the way an ORM's unit of work keeps them until its flush.
 *
 * Inside a transaction on a backend whose pipeline_send() puts an
 * execution on the wire at once (backend.h, queues_writes), an insert,
 * update or delete of one row is bound, sent and left there: the call
 * returns SC_OK, queued, without a round trip.  The values are in the
 * driver's buffer once sent, so the caller may change or free the row
 * at once; what stays here for each write is its table, operation and
 * key as text, to name the row if it fails.
 *
 * Every other call (sc__usable()) flushes: it ends the pipeline with a
 * sync, reads the outcomes in order and returns the failure of the
 * first write that failed, an update or delete that matched no row
 * being SC_NOTFOUND, instead of doing its own work.  The transaction is
 * then failed (PostgreSQL has aborted it, or would commit a write that
 * did not happen): every call but a rollback is refused until the level
 * is rolled back.  sc_rollback() drops the queue unread.
 *
 * Memory stays bounded as in the batches (batch.c): every QUEUE_CHUNK
 * writes the queue is sent with a flush request, and the outcomes of the
 * chunk before it, which the server has had time to answer, are read.
 *
 * A value the server would refuse by its type alone (varchar(n),
 * numeric(p,s)) is refused at the call, worded as it is at once.
 *
 * Not queued: an insert into a table whose key the database generates
 * (the caller reads the key from the struct when the call returns: the
 * queue is flushed and the insert runs at once), writes in the row
 * function of a stream (the stream's fetches share the connection), and
 * everything outside a transaction or with the pipeline option off.
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

/* Writes sent between two reads of outcomes. */
#define QUEUE_CHUNK 256

/* Room for a key as text in a message: enough to recognize it. */
#define KEY_TEXT 96

typedef struct sc__queued {
    const sc_table_desc *t;
    void *stmt;
    int op;             /* OP_INSERT, OP_UPDATE, OP_DELETE */
    uint64_t mask;      /* an update's columns (sc__updates()) */
    char key[KEY_TEXT]; /* "user_id = 7", or "" for a table without one */
} sc__queued;

static const char *op_name(int op)
{
    return op == OP_INSERT ? "insert" : op == OP_UPDATE ? "update"
                                                        : "delete";
}

/* Whether a write of op on t joins the queue. */
static bool takes(const sc_db *db, const sc_table_desc *t, int op)
{
    return db->be->queues_writes && !db->queue.off && db->depth > 0 &&
           db->streams == 0 && !(op == OP_INSERT && t->autoinc >= 0);
}

/* A transaction whose queued write failed runs nothing more. */
static int refuse_failed(sc_db *db)
{
    return sc__set_error(db, SC_ERROR, NULL, NULL,
                         "a queued write of this transaction failed (the "
                         "call that reported it named the row): the "
                         "transaction must be rolled back");
}

/*
 * Called by a write after sc__usable_unflushed(): *queued says whether it
 * joins the queue; a write that does not runs after the queue's outcomes
 * are read, so that the writes keep their order.
 */
int sc__queue_enter(sc_db *db, const sc_table_desc *t, int op,
                    bool *queued)
{
    *queued = takes(db, t, op);
    if (!*queued)
        return sc__queue_flush(db);
    return db->queue.failed ? refuse_failed(db) : SC_OK;
}

/* sc__prepare_cached(), the queue flushed first when the statement is
 * not prepared yet: preparing is a round trip of its own. */
int sc__queue_prepare(sc_db *db, const sc_table_desc *t, int op,
                      uint64_t mask, stmt_entry **out)
{
    int rc;

    if (db->queue.open && sc__cache_find(db, t, op, mask) == NULL &&
        (rc = sc__queue_flush(db)) != SC_OK)
        return rc;
    return sc__prepare_cached(db, t, op, mask, out);
}

/* Writes integer x in decimal, as sc__format_value() does, without
 * printf: every queued write of a table with an integer key runs it. */
static void put_int(sc__buf *b, int64_t x)
{
    char digits[24], *p = digits + sizeof digits;
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (x < 0)
        *--p = '-';
    sc__buf_putn(b, p, (size_t)(digits + sizeof digits - p));
}

/* Writes the key of row ("a = 1, b = 'x'") into q->key. */
static int put_key(sc_db *db, const sc_table_desc *t, const void *row,
                   sc__queued *q)
{
    sc__buf *b = &db->queue.key;
    const sc_column_desc *c;
    sc_value v;
    unsigned i;

    b->len = 0;
    for (i = 0; i < t->npk; i++) {
        c = &t->cols[t->pk[i]];
        if (sc__key_value(db, t, c, row, &v) != SC_OK)
            return db->err.code;
        if (i > 0)
            sc__buf_puts(b, ", ");
        sc__buf_puts(b, c->name);
        sc__buf_puts(b, " = ");
        if (v.kind == SC_VAL_INT &&
            (v.col == NULL || v.col->format == SC_FMT_NATIVE))
            put_int(b, v.i);
        else
            sc__format_value(b, &v);
    }
    sc__buf_putn(b, "", 0);
    if (b->failed) {
        sc__buf_free(b);
        return sc__nomem(db);
    }
    sc__copy_n(q->key, sizeof q->key, b->s, b->len);
    return SC_OK;
}

/* Room for one more write: the queue holds at most about two chunks. */
static int make_room(sc_db *db)
{
    sc__queue *qu = &db->queue;
    sc__queued *items;
    size_t cap;

    if (qu->n < qu->cap)
        return SC_OK;
    cap = qu->cap == 0 ? 16 : 2 * qu->cap;
    items = sc__realloc(qu->items, cap * sizeof *items);
    if (items == NULL)
        return sc__nomem(db);
    qu->items = items;
    qu->cap = cap;
    return SC_OK;
}

/* Puts the columns the parameters of q were for into db->vals (values
 * NULL), so that a failure the backend pins on a parameter names its
 * column (error.c). */
static void param_columns(sc_db *db, const sc__queued *q)
{
    const sc_table_desc *t = q->t;
    size_t k = 0;
    unsigned i;

    for (i = 0; q->op != OP_DELETE && i < t->ncols; i++) {
        if (q->op == OP_INSERT ? (int)i != t->autoinc
                               : sc__updates(t, i, q->mask))
            db->vals[k++] = (sc_value){SC_VAL_NULL, t->cols[i].type,
                                       &t->cols[i], 0, 0, NULL, 0, false};
    }
    for (i = 0; q->op != OP_INSERT && i < t->npk; i++)
        db->vals[k++] = (sc_value){SC_VAL_NULL, t->cols[t->pk[i]].type,
                                   &t->cols[t->pk[i]], 0, 0, NULL, 0, false};
    db->nbound = k;
}

/* Puts "queued update of users (user_id = 7): " before the message. */
static void prefix_write(sc_db *db, const sc__queued *q)
{
    char msg[sizeof db->err.msg + KEY_TEXT + 160];
    int n;

    n = snprintf(msg, sizeof msg, "queued %s of %s%s%s%s: %s",
                 op_name(q->op), q->t->name, q->key[0] ? " (" : "", q->key,
                 q->key[0] ? ")" : "", db->err.msg);
    if (n < 0)
        n = 0;
    sc__copy_n(db->err.msg, sizeof db->err.msg, msg,
               (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* Words the failure rc of queued write q. */
static int fail_write(sc_db *db, const sc__queued *q, int rc)
{
    if (rc == SC_NOTFOUND)
        rc = sc__set_error(db, SC_NOTFOUND, q->t->name, NULL,
                           "no row of %s has that primary key", q->t->name);
    else if (rc == SC_NOMEM)
        rc = sc__nomem(db);
    else {
        param_columns(db, q);
        rc = sc__fail_stmt(db, NULL, q->t, q->op, NULL);
    }
    prefix_write(db, q);
    return rc;
}

/* Reads the outcomes of items[0..upto) in order and moves the rest to
 * the front.  At the first failure the rest are dropped. */
static int collect(sc_db *db, size_t upto)
{
    sc__queue *qu = &db->queue;
    sc__queued *q;
    size_t i;
    int rc = SC_OK;

    for (i = 0; i < upto && rc == SC_OK; i++) {
        q = &qu->items[i];
        rc = db->be->pipeline_result(q->stmt);
        if (rc == SC__DONE || rc == SC__ROW)
            rc = q->op != OP_INSERT && db->be->changes(db->conn) == 0
                     ? SC_NOTFOUND
                     : SC_OK;
        db->be->reset(q->stmt);
        if (rc != SC_OK)
            rc = fail_write(db, q, rc);
    }
    if (rc != SC_OK) {
        sc__queue_drop(db);
        qu->failed = true;
        return rc;
    }
    memmove(qu->items, qu->items + upto, (qu->n - upto) * sizeof *qu->items);
    qu->n -= upto;
    qu->asked -= upto;
    return SC_OK;
}

/* A send that failed: the queue cannot be trusted any more. */
static int fail_send(sc_db *db, const sc_table_desc *t, int rc)
{
    rc = rc == SC_NOMEM ? sc__nomem(db)
                        : sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
    sc__queue_drop(db);
    db->queue.failed = true;
    return rc;
}

/*
 * A value the server refuses by its type (text longer than varchar(n),
 * a numeric of too many digits) is refused here, worded as the server's
 * refusal is at once (error.c), since the failure of a queued write no
 * longer has its values.  The queue's own outcomes come first; then the
 * transaction is failed, as the server would have aborted it.
 */
static int refuse_unfit(sc_db *db, const sc_table_desc *t, int op,
                        const void *row, size_t n)
{
    size_t i;
    int rc;

    for (i = 0; i < n && !sc__value_unfit(&db->vals[i]); i++)
        ;
    if (i == n)
        return SC_OK;
    rc = sc__queue_flush(db);
    if (rc == SC_OK) {
        db->nbound = n;
        rc = sc__name_row(db, t, op, row, sc__report_unfit(db, t));
        db->queue.failed = true;
    }
    return rc;
}

/*
 * Sends the write of row (op on t, the n values bound to e->stmt and in
 * db->vals) into the pipeline, begun if it is not.  Every QUEUE_CHUNK
 * writes, the queue is flushed to the server and the outcomes of the
 * chunk before are read: a failure found there is returned now.
 */
int sc__queue_send(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                   int op, uint64_t mask, const void *row, size_t n)
{
    sc__queue *qu = &db->queue;
    double t0 = db->trace_fn != NULL ? sc__clock_ms() : 0;
    sc__queued *q;
    size_t asked;
    int rc = refuse_unfit(db, t, op, row, n);

    if (rc == SC_OK)
        rc = make_room(db);
    if (rc != SC_OK)
        return rc;
    q = &qu->items[qu->n];
    q->t = t;
    q->stmt = e->stmt;
    q->op = op;
    q->mask = mask;
    if ((rc = put_key(db, t, row, q)) != SC_OK)
        return rc;
    if (!qu->open) {
        if (db->be->pipeline_begin(db->conn) != SC_OK)
            return sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
        qu->open = true;
        qu->sent = 0;
        qu->asked = 0;
    }
    if ((rc = db->be->pipeline_send(e->stmt)) != SC_OK)
        return fail_send(db, t, rc);
    qu->n++;
    qu->sent++;
    db->stats.executions++;
    if (db->trace_fn != NULL)
        sc__trace(db, e->sql, n, sc__clock_ms() - t0, SC_OK);
    if (qu->sent % QUEUE_CHUNK != 0)
        return SC_OK;
    if (db->be->pipeline_flush(db->conn) != SC_OK)
        return fail_send(db, t, SC_ERROR);
    asked = qu->asked;
    qu->asked = qu->n;
    return collect(db, asked);
}

/* Reads every outcome queued (see the file's comment).  SC_OK when
 * nothing is queued; the refusal of a failed transaction. */
int sc__queue_flush(sc_db *db)
{
    sc__queue *qu = &db->queue;
    int rc;

    if (qu->failed) {
        if (db->depth > 0)
            return refuse_failed(db);
        qu->failed = false;
    }
    if (!qu->open)
        return SC_OK;
    if (db->be->pipeline_sync(db->conn) != SC_OK) {
        rc = sc__fail_stmt(db, NULL, NULL, OP_NONE, NULL);
        if (qu->n > 0)
            prefix_write(db, &qu->items[0]);
        sc__queue_drop(db);
        qu->failed = true;
        return rc;
    }
    rc = collect(db, qu->n);
    if (rc == SC_OK)
        sc__queue_drop(db);
    return rc;
}

/* Ends the pipeline, its outcomes unread: for a rollback, a lost
 * connection, sc_close(). */
void sc__queue_drop(sc_db *db)
{
    sc__queue *qu = &db->queue;
    size_t i;

    if (!qu->open)
        return;
    db->be->pipeline_end(db->conn);
    for (i = 0; i < qu->n; i++)
        db->be->reset(qu->items[i].stmt);
    qu->n = 0;
    qu->asked = 0;
    qu->open = false;
}

void sc__queue_free(sc_db *db)
{
    sc__free(db->queue.items);
    db->queue.items = NULL;
    db->queue.cap = 0;
    sc__buf_free(&db->queue.key);
}
