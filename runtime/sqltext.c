/*
 * sqltext.c - the SQL text of the row operations, built once per table
 * and operation from the descriptors, and prepared through the cache.
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
 * SQL text from descriptors.
 * ------------------------------------------------------------------- */

void sc__put_placeholder(const sc_db *db, sc__buf *b, int *n)
{
    char ph[16];

    db->be->placeholder(++*n, ph, sizeof ph);
    sc__buf_puts(b, ph);
}

/* Appends " WHERE "k1" = ? AND ..." over the primary key. */
static void put_where_pk(const sc_db *db, sc__buf *b, const sc_table_desc *t,
                         int *n)
{
    unsigned i;

    for (i = 0; i < t->npk; i++) {
        sc__buf_puts(b, i ? " AND " : " WHERE ");
        sc__buf_ident(b, t->cols[t->pk[i]].name);
        sc__buf_puts(b, " = ");
        sc__put_placeholder(db, b, n);
    }
}

/* INSERT INTO "t" ("a", ...) VALUES (?, ...), without the autoincrement
 * column, which the database fills. */
static void build_insert(const sc_db *db, sc__buf *b, const sc_table_desc *t)
{
    unsigned i, k = 0;
    int n = 0;

    sc__buf_puts(b, "INSERT INTO ");
    sc__buf_ident(b, t->name);
    for (i = 0; i < t->ncols; i++) {
        if ((int)i == t->autoinc)
            continue;
        sc__buf_puts(b, k++ ? ", " : " (");
        sc__buf_ident(b, t->cols[i].name);
    }
    sc__buf_puts(b, k ? ") VALUES ("
                      : sc__dialect_of(db->be->dialect)->empty_insert);
    for (i = 0; i < k; i++) {
        sc__buf_puts(b, i ? ", " : "");
        sc__put_placeholder(db, b, &n);
    }
    sc__buf_puts(b, k ? ")" : "");
    if (sc__dialect_of(db->be->dialect)->insert_returning && t->autoinc >= 0) {
        sc__buf_puts(b, " RETURNING ");
        sc__put_select_column(db, b, NULL, &t->cols[t->autoinc]);
    }
}

static void build_get(const sc_db *db, sc__buf *b, const sc_table_desc *t)
{
    unsigned i;
    int n = 0;

    sc__buf_puts(b, "SELECT ");
    for (i = 0; i < t->ncols; i++) {
        sc__buf_puts(b, i ? ", " : "");
        sc__put_select_column(db, b, NULL, &t->cols[i]);
    }
    sc__buf_puts(b, " FROM ");
    sc__buf_ident(b, t->name);
    put_where_pk(db, b, t, &n);
}

/* Whether an update with mask writes column i: every non-key column when
 * mask is 0 (sc_row_update()), else the non-key columns of the mask. */
bool sc__updates(const sc_table_desc *t, unsigned i, uint64_t mask)
{
    if (sc__is_key(t, i))
        return false;
    return mask == 0 || (i < 64 && (mask >> i & 1u));
}

/* Whether an update keeps the stored value of column c where the row has
 * none: a NOT NULL default-now column, which no _INIT can fill in. */
static bool keeps_stored(const sc_column_desc *c)
{
    return (c->flags & SC_COL_NOTNULL) && (c->flags & SC_COL_HASFLAG) &&
           c->dflt.kind == SC_DEFAULT_NOW;
}

/* UPDATE "t" SET "a" = ?, ... WHERE pk, over the columns of mask (see
 * sc__updates()); a column of keeps_stored() is set to COALESCE(?, "c"), so
 * that a row without its value (bound as NULL) keeps the stored one, row
 * by row in a batch.  A table of key columns only sets its first key to
 * itself, so that a missing row is still noticed. */
static void build_update(const sc_db *db, sc__buf *b, const sc_table_desc *t,
                         uint64_t mask)
{
    unsigned i, k = 0;
    int n = 0;

    sc__buf_puts(b, "UPDATE ");
    sc__buf_ident(b, t->name);
    for (i = 0; i < t->ncols; i++) {
        if (!sc__updates(t, i, mask))
            continue;
        sc__buf_puts(b, k++ ? ", " : " SET ");
        sc__buf_ident(b, t->cols[i].name);
        sc__buf_puts(b, keeps_stored(&t->cols[i]) ? " = COALESCE(" : " = ");
        sc__put_placeholder(db, b, &n);
        if (keeps_stored(&t->cols[i])) {
            sc__buf_puts(b, ", ");
            sc__buf_ident(b, t->cols[i].name);
            sc__buf_puts(b, ")");
        }
    }
    if (k == 0) {
        sc__buf_puts(b, " SET ");
        sc__buf_ident(b, t->cols[t->pk[0]].name);
        sc__buf_puts(b, " = ");
        sc__buf_ident(b, t->cols[t->pk[0]].name);
    }
    put_where_pk(db, b, t, &n);
}

static void build_delete(const sc_db *db, sc__buf *b, const sc_table_desc *t)
{
    int n = 0;

    sc__buf_puts(b, "DELETE FROM ");
    sc__buf_ident(b, t->name);
    put_where_pk(db, b, t, &n);
}

static char *build_sql(const sc_db *db, const sc_table_desc *t, int op,
                       uint64_t mask)
{
    sc__buf b = {0};

    switch (op) {
    case OP_INSERT:
        build_insert(db, &b, t);
        break;
    case OP_GET:
        build_get(db, &b, t);
        break;
    case OP_UPDATE:
        build_update(db, &b, t, mask);
        break;
    default:
        build_delete(db, &b, t);
        break;
    }
    if (b.failed)
        sc__buf_free(&b);
    return b.s;
}

/* Checks the columns a new statement for op on t returns: a get's row,
 * an insert's new key. */
static int check_results(sc_db *db, const sc_table_desc *t, int op,
                         void *stmt)
{
    if (op == OP_GET)
        return sc__check_columns(db, t, stmt);
    if (op == OP_INSERT && sc__dialect_of(db->be->dialect)->insert_returning && t->autoinc >= 0)
        return sc__check_column(db, t, &t->cols[t->autoinc], stmt, 0);
    return SC_OK;
}

/* Finds or prepares the statement for op on t; mask is 0 but for the
 * updates of sc_row_update_cols(). */
int sc__prepare_cached(sc_db *db, const sc_table_desc *t, int op,
                       uint64_t mask, stmt_entry **out)
{
    stmt_entry e = {t, op, mask, NULL, NULL, NULL};
    int rc;

    *out = sc__cache_find(db, t, op, mask);
    if (*out != NULL) {
        db->stats.reuses++;
        return SC_OK;
    }
    if (sc__cache_grow(db, mask != 0) != SC_OK)
        return SC_NOMEM;
    e.sql = build_sql(db, t, op, mask);
    if (e.sql == NULL)
        return sc__nomem(db);
    rc = db->be->prepare(db->conn, e.sql, true, &e.stmt);
    db->stats.prepares++;
    if (rc != SC_OK) {
        sc__free(e.sql);
        return sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
    }
    rc = check_results(db, t, op, e.stmt);
    if (rc != SC_OK) {
        sc__entry_free(db, &e);
        return rc;
    }
    *out = sc__cache_place(db, &e);
    db->cache_used++;
    db->cache_masked += mask != 0;
    return SC_OK;
}
