/*
 * row.c - the single-row operations (insert, get, update, delete) and
 * reading a row into a struct, refusing what the descriptor says the
 * column cannot hold.
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
 * delete.  The queue of writes is flushed when flush is true. */
static int args_of(sc_db *db, const sc_table_desc *t, const void *row,
                   bool needs_pk, bool flush)
{
    int rc = flush ? sc__usable(db) : sc__usable_unflushed(db);

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

int sc__row_args(sc_db *db, const sc_table_desc *t, const void *row,
                 bool needs_pk)
{
    return args_of(db, t, row, needs_pk, true);
}

/* The arguments of a single-row write (op); *queued says whether it
 * joins the queue of writes (queue.c), which is flushed when not. */
static int write_args(sc_db *db, const sc_table_desc *t, const void *row,
                      bool needs_pk, int op, bool *queued)
{
    int rc = args_of(db, t, row, needs_pk, false);

    *queued = false;
    return rc == SC_OK ? sc__queue_enter(db, t, op, queued) : rc;
}

/* Puts the insert's values into db->vals: the struct's, or defaults;
 * *k receives their count. */
int sc__insert_values(sc_db *db, const sc_table_desc *t,
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
int sc__bind_insert(sc_db *db, const sc_table_desc *t, void *stmt,
                    const void *row, int64_t *now, size_t *k)
{
    unsigned i;
    size_t j = 0;
    int rc = sc__insert_values(db, t, row, now, k);

    for (i = 0; rc == SC_OK && i < t->ncols; i++) {
        if ((int)i != t->autoinc)
            rc = sc__bind_value(db, t, &t->cols[i], stmt, j++);
    }
    return rc;
}

/* After a successful insert: the defaults (still in db->vals) and the new
 * key go into the struct. */
void sc__fill_row(sc_db *db, const sc_table_desc *t, void *row,
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

int sc__insert_one(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                   void *row)
{
    int64_t id = 0, now = NOW_UNREAD;
    size_t n;
    int rc = sc__bind_insert(db, t, e->stmt, row, &now, &n);

    if (rc != SC_OK)
        goto cleanup;
    rc = step_insert(db, t, e, n, &id);
    if (rc != SC__DONE) {
        rc = rc == SC_NOMEM ? sc__nomem(db)
                            : sc__fail_stmt(db, e->stmt, t, OP_INSERT, row);
        goto cleanup;
    }
    sc__fill_row(db, t, row, id);
    rc = SC_OK;
cleanup:
    db->be->reset(e->stmt);
    return rc;
}

/* An insert into a table whose key the caller gives, queued: the row
 * takes its defaults now, as it would from a successful insert. */
static int queue_insert(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                        void *row)
{
    int64_t now = NOW_UNREAD;
    size_t n;
    int rc = sc__bind_insert(db, t, e->stmt, row, &now, &n);

    if (rc == SC_OK) {
        sc__fill_row(db, t, row, 0);
        rc = sc__queue_send(db, t, e, OP_INSERT, 0, row, n);
    } else {
        rc = sc__name_row(db, t, OP_INSERT, row, rc);
    }
    db->be->reset(e->stmt);
    return rc;
}

static int row_insert(sc_db *db, const sc_table_desc *t, void *row)
{
    stmt_entry *e;
    bool queued;
    int rc = write_args(db, t, row, false, OP_INSERT, &queued);

    if (rc == SC_OK)
        rc = sc__queue_prepare(db, t, OP_INSERT, 0, &e);
    if (rc != SC_OK)
        return rc;
    if (queued)
        return queue_insert(db, t, e, row);
    rc = sc__insert_one(db, t, e, row);
    return rc == SC_OK ? rc : sc__name_row(db, t, OP_INSERT, row, rc);
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

/* Fails the read of column c: "t.c: " what b says, then the row's key. */
static int refuse_value(sc_db *db, const sc_table_desc *t,
                        const sc_column_desc *c, void *stmt, sc__buf *b)
{
    int rc;

    sc__put_row_key(db, t, stmt, NULL, b);
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

/* rc of storing a value of column c read from stmt: SC_RANGE (a value
 * that does not fit the C type) gains the row's key. */
static int stored(sc_db *db, const sc_table_desc *t, const sc_column_desc *c,
                  void *stmt, int rc)
{
    sc__buf b = {0};

    if (rc != SC_RANGE)
        return rc;
    sc__buf_puts(&b, sc_errmsg(db));
    return refuse_value(db, t, c, stmt, &b);
}

/* A backend's read of column c that failed with rc: SC_RANGE, a stored
 * value no C value of c's type is (v its text), refused naming the row;
 * anything else, memory. */
static int column_failed(sc_db *db, const sc_table_desc *t,
                         const sc_column_desc *c, void *stmt, int rc,
                         sc_value v)
{
    if (rc != SC_RANGE)
        return sc__nomem(db);
    return refuse_form(db, t, c, stmt, v, "a value of the C type");
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
    int rc;

    if ((rc = db->be->column(stmt, (int)i, kind, &v)) != SC_OK)
        return column_failed(db, t, c, stmt, rc, v);
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
    return stored(db, t, c, stmt, sc__store_value(db, t, c, &v, a, out));
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

/* Reads column i of the current row of stmt into out through column():
 * the common values stored at once (sc__store_plain()), formatted
 * columns the careful way. */
static int read_column(sc_db *db, const sc_table_desc *t, void *stmt,
                       unsigned i, sc_arena *a, void *out)
{
    const sc_column_desc *c = &t->cols[i];
    sc_value v;
    int rc;

    if (c->format != SC_FMT_NATIVE)
        return read_stored(db, t, stmt, i, sc__stored_kind(c), a, out);
    rc = db->be->column(stmt, (int)i, sc__kind_of(c->type), &v);
    if (rc != SC_OK)
        return column_failed(db, t, c, stmt, rc, v);
    if (v.kind == SC_VAL_NULL)
        return SC_OK; /* the field and its has_ flag are zero already */
    sc__set_has(c, out, true);
    if (sc__store_plain(c, &v, a, out))
        return SC_OK;
    return stored(db, t, c, stmt, sc__store_value(db, t, c, &v, a, out));
}

/* Reads the current row of stmt into out column by column: a loose
 * table's every value checked for its storage class first. */
static int read_columns(sc_db *db, const sc_table_desc *t, void *stmt,
                        sc_arena *a, void *out)
{
    unsigned i;
    int rc = SC_OK;

    if ((t->flags & SC_TABLE_LOOSE) && db->be->column_class != NULL)
        return read_row_loose(db, t, stmt, a, out);
    for (i = 0; i < t->ncols && rc == SC_OK; i++)
        rc = read_column(db, t, stmt, i, a, out);
    return rc;
}

/* Reads one value of a loose table that the backend's read_row() left:
 * its storage class checked, then read the careful way. */
static int read_loose_value(sc_db *db, const sc_table_desc *t, void *stmt,
                            unsigned i, sc_arena *a, void *out)
{
    sc_value_kind got = db->be->column_class(stmt, (int)i);
    sc_value_kind want = sc__stored_kind(&t->cols[i]);

    if (got == SC_VAL_NULL)
        return SC_OK;
    if (got != want && !(want == SC_VAL_FLOAT && got == SC_VAL_INT))
        return refuse_class(db, t, &t->cols[i], stmt, got, want);
    return read_stored(db, t, stmt, i, got, a, out);
}

/* The values from column i on that the backend's read_row() left: each
 * read the careful way, then read_row() again from the next. */
static int read_rest(sc_db *db, const sc_table_desc *t, void *stmt,
                     unsigned i, sc_arena *a, void *out)
{
    bool loose = (t->flags & SC_TABLE_LOOSE) && db->be->column_class != NULL;
    int rc;

    for (;;) {
        rc = loose ? read_loose_value(db, t, stmt, i, a, out)
                   : read_column(db, t, stmt, i, a, out);
        if (rc != SC_OK)
            return rc;
        if (++i >= t->ncols)
            return SC_OK;
        if (db->be->read_row(stmt, t, &i, a, out) != SC_OK)
            return sc__nomem(db);
        if (i >= t->ncols)
            return SC_OK;
    }
}

/* Reads the current row of stmt into out the backend's read_row() way,
 * or column by column where it has none. */
static int read_unplanned(sc_db *db, const sc_table_desc *t, void *stmt,
                          sc_arena *a, void *out)
{
    unsigned i = 0;

    if (db->be->read_row == NULL)
        return read_columns(db, t, stmt, a, out);
    if (db->be->read_row(stmt, t, &i, a, out) != SC_OK)
        return sc__nomem(db);
    /* the whole row, as a rule: the rest is the careful reads' */
    return i >= t->ncols ? SC_OK : read_rest(db, t, stmt, i, a, out);
}

/* How a column's field is stored by read_plan() (backend.h). */
static unsigned read_op(const sc_column_desc *c)
{
    if (c->format != SC_FMT_NATIVE || c->offset > UINT32_MAX ||
        c->has_offset > UINT32_MAX)
        return SC__READ_CAREFUL;
    switch (c->type) {
    case SC_TYPE_INT64:
    case SC_TYPE_NUMERIC:
    case SC_TYPE_TIMESTAMP:
        return SC__READ_I64;
    case SC_TYPE_INT32:
    case SC_TYPE_DATE:
        return SC__READ_I32;
    case SC_TYPE_BOOL:
        return SC__READ_BOOL;
    case SC_TYPE_FLOAT64:
        return SC__READ_F64;
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        return SC__READ_TEXT;
    default:
        return SC__READ_CAREFUL;
    }
}

/* Whether a get may leave key column c unread and store the value it
 * was asked for: an integer, which the row it found holds exactly (the
 * equality of two integers; not so text, which a collation may match
 * otherwise, or a loose table's value of another class). */
static bool key_as_bound(const sc_column_desc *c)
{
    return c->format == SC_FMT_NATIVE && !(c->flags & SC_COL_HASFLAG) &&
           (c->type == SC_TYPE_INT64 || c->type == SC_TYPE_INT32 ||
            c->type == SC_TYPE_INT16);
}

/* The op of column i of t in a plan, SC__READ_SKIP for an integer key
 * column when get is true. */
static unsigned plan_op(const sc_table_desc *t, unsigned i, bool get)
{
    const sc_column_desc *c = &t->cols[i];

    if (get && sc__is_key(t, i) && key_as_bound(c))
        return SC__READ_SKIP;
    return read_op(c);
}

/* The size of a field read as op, for a NULL's zeroes (the careful read
 * and a skipped key write their own). */
static size_t field_size(unsigned op)
{
    switch (op) {
    case SC__READ_I64:
        return sizeof(int64_t);
    case SC__READ_I32:
        return sizeof(int32_t);
    case SC__READ_BOOL:
        return sizeof(bool);
    case SC__READ_F64:
        return sizeof(double);
    case SC__READ_TEXT:
        return sizeof(const char *);
    default:
        return 0;
    }
}

/* The read plan of t's rows, which skips its integer key columns when
 * get is true; NULL when out of memory. */
static sc__read_plan *plan_new(const sc_table_desc *t, bool get)
{
    sc__read_plan *plan =
        sc__malloc(sizeof *plan + t->ncols * sizeof plan->cols[0]);
    const sc_column_desc *c;
    sc__read_col *p;
    unsigned i, op, n = 0;

    if (plan == NULL)
        return NULL;
    plan->t = t;
    plan->groups = 0;
    plan->key_i64 = get && t->npk == 1 &&
                    t->cols[t->pk[0]].type == SC_TYPE_INT64 &&
                    plan_op(t, t->pk[0], true) == SC__READ_SKIP;
    plan->key = plan->key_i64 ? &t->cols[t->pk[0]] : NULL;
    for (op = 0; op < SC__READ_NOPS; op++) {
        for (i = 0; i < t->ncols; i++) {
            if (plan_op(t, i, get) != op)
                continue;
            c = &t->cols[i];
            p = &plan->cols[n++];
            p->col = i;
            p->has = (c->flags & SC_COL_HASFLAG) != 0;
            p->nullable = p->has && !(c->flags & SC_COL_NOTNULL);
            p->offset = (uint32_t)c->offset;
            p->has_offset = p->has ? (uint32_t)c->has_offset : p->offset;
            p->size = (unsigned char)field_size(op);
        }
        if (n > (op > 0 ? plan->end[op - 1] : 0))
            plan->groups |= 1u << op;
        plan->end[op] = n;
    }
    plan->whole = !(plan->groups & 1u << SC__READ_CAREFUL);
    return plan;
}

/* Whether t's rows are read through a plan on db. */
static bool planned(const sc_db *db, const sc_table_desc *t)
{
    return db->be->read_plan != NULL && !(t->flags & SC_TABLE_LOOSE);
}

/* The plan of t's rows outside a get, made at the first read and kept in
 * the statement cache; NULL when out of memory. */
static sc__read_plan *table_plan(sc_db *db, const sc_table_desc *t)
{
    stmt_entry e = {t, OP_PLAN, 0, NULL, NULL, NULL};
    stmt_entry *found = sc__cache_find(db, t, OP_PLAN, 0);

    if (found != NULL)
        return found->plan;
    e.plan = plan_new(t, false);
    if (e.plan == NULL || sc__cache_grow(db, false) != SC_OK) {
        sc__free(e.plan);
        return NULL;
    }
    found = sc__cache_place(db, &e);
    db->cache_used++;
    db->recent[OP_PLAN] = found;
    return found->plan;
}

int sc__read_column(sc_db *db, const sc_table_desc *t, void *stmt,
                    unsigned i, sc_arena *a, void *out)
{
    return read_column(db, t, stmt, i, a, out);
}

/* sc__read_row() at a table's first read outside a get, or another
 * table's than the last. */
static int read_first(sc_db *db, const sc_table_desc *t, void *stmt,
                      sc_arena *a, void *out)
{
    const sc__read_plan *plan = table_plan(db, t);

    if (plan == NULL)
        return sc__nomem(db);
    return db->be->read_plan(db, plan, stmt, a, out);
}

const sc__read_plan *sc__row_plan(sc_db *db, const sc_table_desc *t)
{
    return planned(db, t) ? table_plan(db, t) : NULL;
}

/* Reads the current row of stmt into out.  Streaming runs this for every
 * row: where the backend reads through a plan (read_plan), the table's
 * plan is found at hand and the row read in one call, which leaves each
 * value it does not store to the careful read (sc__read_column()); else
 * the backend's read_row(), or column by column. */
int sc__read_row(sc_db *db, const sc_table_desc *t, void *stmt,
                 sc_arena *a, void *out)
{
    stmt_entry *e;

    if (!planned(db, t))
        return read_unplanned(db, t, stmt, a, out);
    e = sc__cache_recent(db, t, OP_PLAN);
    if (e == NULL)
        return read_first(db, t, stmt, a, out);
    return db->be->read_plan(db, e->plan, stmt, a, out);
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

/* The arguments of a get, checked and worded as every row operation's;
 * SC_OK when they are fine after all. */
static int get_args(sc_db *db, const sc_table_desc *t, sc_arena *a,
                    const void *key, void *out)
{
    int rc = args_of(db, t, key, true, true);

    if (rc == SC_OK && (a == NULL || out == NULL))
        rc = sc__set_error(db, SC_MISUSE, t->name, NULL, "NULL arena or out");
    return rc;
}

/* The statement of a get on t and the plan of its row, prepared at the
 * first get. */
static int get_entry(sc_db *db, const sc_table_desc *t, stmt_entry **e)
{
    int rc = sc__prepare_cached(db, t, OP_GET, 0, e);

    if (rc == SC_OK && (*e)->plan == NULL && planned(db, t) &&
        ((*e)->plan = plan_new(t, true)) == NULL)
        rc = sc__nomem(db);
    return rc;
}

/* Binds the key of a get: a single int64, the key of most tables,
 * straight (the plan's key column, when the get has a plan); any other
 * the way of every row operation. */
static int bind_key(sc_db *db, const sc_table_desc *t,
                    const sc__read_plan *plan, const void *key, void *stmt,
                    size_t *n)
{
    const sc_column_desc *c = plan != NULL ? plan->key : NULL;
    sc_value *v = db->vals;
    const char *why;

    if (c == NULL) {
        c = &t->cols[t->pk[0]];
        if (t->npk != 1 || c->type != SC_TYPE_INT64 ||
            (c->flags & SC_COL_HASFLAG))
            return sc__bind_pk(db, t, key, stmt, n);
    }
    *v = (sc_value){.kind = SC_VAL_INT, .type = SC_TYPE_INT64, .col = c};
    memcpy(&v->i, (const char *)key + c->offset, sizeof v->i);
    if (db->be->bind(stmt, 1, v, &why) == SC_OK) {
        *n = 1;
        return SC_OK;
    }
    return sc__bind_pk(db, t, key, stmt, n); /* which words the failure */
}

/* Reads the row a get found into out (zeroed): the key columns its plan
 * leaves unread take the values bound (db->vals, in key order). */
static int get_read(sc_db *db, const sc_table_desc *t, stmt_entry *e,
                    sc_arena *a, void *out)
{
    const sc__read_plan *plan = e->plan;
    unsigned k;

    if (plan == NULL)
        return read_unplanned(db, t, e->stmt, a, out);
    if (plan->key != NULL) /* one int64 key, as a rule */
        memcpy((char *)out + plan->key->offset, &db->vals[0].i,
               sizeof(int64_t));
    for (k = 0; !plan->key_i64 && k < t->npk; k++) {
        if (plan_op(t, t->pk[k], true) == SC__READ_SKIP)
            sc__set_int_field(&t->cols[t->pk[k]], out, db->vals[k].i);
    }
    return db->be->read_plan(db, plan, e->stmt, a, out);
}

static int row_get(sc_db *db, const sc_table_desc *t, sc_arena *a,
                   const void *key, void *out)
{
    stmt_entry *e;
    size_t n = 0;
    int rc;

    /* the common case tested at once, every case worded by get_args() */
    if (db == NULL || t == NULL || key == NULL || a == NULL ||
        out == NULL || t->ncols == 0 || t->npk == 0 ||
        db->nvals < (size_t)t->ncols + t->npk)
        rc = get_args(db, t, a, key, out);
    else
        rc = sc__usable(db);
    if (rc != SC_OK)
        return rc;
    e = sc__cache_recent(db, t, OP_GET);
    if (e != NULL && (e->plan != NULL || !planned(db, t)))
        db->stats.reuses++;
    else if ((rc = get_entry(db, t, &e)) != SC_OK)
        return rc;
    rc = bind_key(db, t, e->plan, key, e->stmt, &n);
    if (rc != SC_OK)
        goto cleanup;
    rc = sc__step_traced(db, e->stmt, e->sql, n);
    /* key may be out: bound values are read; a whole plan writes all */
    if (rc != SC__ROW || e->plan == NULL || !e->plan->whole)
        memset(out, 0, t->row_size);
    if (rc == SC__ROW)
        rc = get_read(db, t, e, a, out);
    else if (rc == SC__DONE)
        rc = sc__set_error(db, SC_NOTFOUND, t->name, NULL,
                           "no row of %s has that primary key", t->name);
    else
        rc = sc__fail_stmt(db, e->stmt, t, OP_GET, NULL);
    if (rc != SC_OK)
        memset(out, 0, t->row_size);
cleanup:
    db->be->reset(e->stmt);
    return rc;
}

/* Steps an update or delete and turns "no row changed" into
 * SC_NOTFOUND. */
int sc__step_change(sc_db *db, const sc_table_desc *t, stmt_entry *e,
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

/* Writes the columns of mask (see sc__updates()) to the row with row's
 * key, queued when queued is true. */
static int update_row(sc_db *db, const sc_table_desc *t, const void *row,
                      uint64_t mask, bool queued)
{
    const sc_column_desc *c;
    stmt_entry *e = NULL;
    size_t n = 0;
    unsigned i;
    int rc = sc__queue_prepare(db, t, OP_UPDATE, mask, &e);

    if (rc != SC_OK)
        return rc;
    for (i = 0; rc == SC_OK && i < t->ncols; i++) {
        /* sc__updates(), with a mask's key bits dropped already
         * (sc__update_mask()): the columns it names, none after */
        if (mask != 0 && (i >= 64 || mask >> i == 0))
            break;
        if (mask != 0 ? !(mask >> i & 1u) : sc__is_key(t, i))
            continue;
        c = &t->cols[i];
        rc = sc__field_value(db, t, c, row, &db->vals[n]);
        if (rc == SC_OK)
            rc = sc__bind_value(db, t, c, e->stmt, n++);
    }
    if (rc == SC_OK)
        rc = sc__bind_pk(db, t, row, e->stmt, &n);
    if (rc == SC_OK && queued)
        rc = sc__queue_send(db, t, e, OP_UPDATE, mask, row, n);
    else if (rc == SC_OK)
        rc = sc__step_change(db, t, e, n, OP_UPDATE, row);
    else
        queued = false; /* a value refused: this row's */
    if (rc != SC_OK && !queued)
        rc = sc__name_row(db, t, OP_UPDATE, row, rc);
    db->be->reset(e->stmt);
    return rc;
}

static int row_update(sc_db *db, const sc_table_desc *t, const void *row)
{
    bool queued;
    int rc = write_args(db, t, row, true, OP_UPDATE, &queued);

    return rc == SC_OK ? update_row(db, t, row, 0, queued) : rc;
}

/* The columns of mask (of t's first 64 columns) that are not key
 * columns: only the columns the mask names are asked. */
static uint64_t value_columns(const sc_table_desc *t, uint64_t mask)
{
    unsigned i;

    for (i = 0; i < t->ncols && i < 64 && mask >> i != 0; i++) {
        if ((mask >> i & 1u) && sc__is_key(t, i))
            mask &= ~(UINT64_C(1) << i);
    }
    return mask;
}

/* Checks the column mask of an update and drops its key bits, so that
 * masks differing in them share one cached statement. */
int sc__update_mask(sc_db *db, const sc_table_desc *t, uint64_t *cols)
{
    uint64_t all;

    all = t->ncols < 64 ? (UINT64_C(1) << t->ncols) - 1 : ~UINT64_C(0);
    if (*cols & ~all)
        return sc__set_error(db, SC_MISUSE, t->name, NULL,
                             "column mask 0x%" PRIx64 " names no column "
                             "of %s", *cols & ~all, t->name);
    *cols = value_columns(t, *cols);
    if (*cols == 0)
        return sc__set_error(db, SC_MISUSE, t->name, NULL,
                             "column mask names no non-key column of %s",
                             t->name);
    return SC_OK;
}

static int row_update_cols(sc_db *db, const sc_table_desc *t, const void *row,
                           uint64_t cols)
{
    bool queued;
    int rc = write_args(db, t, row, true, OP_UPDATE, &queued);

    if (rc == SC_OK)
        rc = sc__update_mask(db, t, &cols);
    return rc == SC_OK ? update_row(db, t, row, cols, queued) : rc;
}

static int row_delete(sc_db *db, const sc_table_desc *t, const void *key)
{
    stmt_entry *e = NULL;
    size_t n = 0;
    bool queued;
    int rc = write_args(db, t, key, true, OP_DELETE, &queued);

    if (rc == SC_OK)
        rc = sc__queue_prepare(db, t, OP_DELETE, 0, &e);
    if (rc != SC_OK)
        return rc;
    rc = sc__bind_pk(db, t, key, e->stmt, &n);
    if (rc == SC_OK && queued)
        rc = sc__queue_send(db, t, e, OP_DELETE, 0, key, n);
    else if (rc == SC_OK)
        rc = sc__step_change(db, t, e, n, OP_DELETE, key);
    else
        queued = false; /* a key refused: this row's */
    if (rc != SC_OK && !queued)
        rc = sc__name_row(db, t, OP_DELETE, key, rc);
    db->be->reset(e->stmt);
    return rc;
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
