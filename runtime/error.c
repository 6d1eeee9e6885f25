/*
 * error.c - the wording of a backend's failure: the backend says what
 * kind of failure it was and what it knows of names, the descriptors
 * fill in the table, the column and the constraint.
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
 * Error wording.  The backend says what kind of failure it was and what
 * it knows of names; the descriptors fill in the rest.
 * ------------------------------------------------------------------- */

/* Finds the constraint called name in t, or in any table of the schema
 * created last; *owner receives the table it belongs to. */
static const sc_constraint_desc *find_constraint(const sc_db *db,
                                                 const sc_table_desc *t,
                                                 const char *name,
                                                 const sc_table_desc **owner)
{
    unsigned i, j;

    for (i = 0; t != NULL && i < t->nconstraints; i++) {
        if (strcmp(t->constraints[i].name, name) == 0) {
            *owner = t;
            return &t->constraints[i];
        }
    }
    for (i = 0; db->schema != NULL && i < db->schema->ntables; i++) {
        const sc_table_desc *s = db->schema->tables[i];

        for (j = 0; j < s->nconstraints; j++) {
            if (strcmp(s->constraints[j].name, name) == 0) {
                *owner = s;
                return &s->constraints[j];
            }
        }
    }
    return NULL;
}

static int report_check(sc_db *db, const sc_backend_error *e,
                        const sc_table_desc *t)
{
    const sc_table_desc *owner = t;
    const sc_constraint_desc *c;
    int ext = SC_CONSTRAINT_CHECK;
    const char *name;

    c = find_constraint(db, t, e->constraint, &owner);
    if (c != NULL && c->column != NULL)
        return sc__set_error(db, ext, owner->name, c->column,
                             "check constraint failed on %s.%s: %s",
                             owner->name, c->column, c->what);
    if (c != NULL)
        return sc__set_error(db, ext, owner->name, NULL,
                             "check constraint failed on %s: %s", owner->name,
                             c->what);
    name = e->constraint[0] ? e->constraint : e->message;
    if (t != NULL)
        return sc__set_error(db, ext, t->name, NULL,
                             "check constraint failed on %s: %s", t->name,
                             name);
    return sc__set_error(db, ext, NULL, NULL, "check constraint failed: %s",
                         name);
}

/* Unique, primary key and not null failures, which name their columns. */
static int report_columns(sc_db *db, const sc_backend_error *e,
                          const sc_table_desc *t, const char *what)
{
    const char *table = e->table[0] ? e->table : t ? t->name : NULL;
    const sc_table_desc *owner = t;
    const sc_constraint_desc *c = NULL;

    if (e->column[0])
        return sc__set_error(db, e->extended, table, e->column,
                             "%s constraint failed on %s.%s", what, table,
                             e->column);
    if (e->constraint[0])
        c = find_constraint(db, t, e->constraint, &owner);
    if (c != NULL && c->column != NULL)
        return sc__set_error(db, e->extended, owner->name, c->column,
                             "%s constraint failed on %s.%s", what, owner->name,
                             c->column);
    /* a primary key of no name (MariaDB's are all PRIMARY) is t's own */
    if (c == NULL && e->extended == SC_CONSTRAINT_PRIMARYKEY && t != NULL &&
        t->npk == 1 && (!e->table[0] || strcmp(e->table, t->name) == 0))
        return sc__set_error(db, e->extended, t->name, t->cols[t->pk[0]].name,
                             "%s constraint failed on %s.%s", what, t->name,
                             t->cols[t->pk[0]].name);
    if (e->detail[0])
        return sc__set_error(db, e->extended, table, NULL,
                             "%s constraint failed on %s", what, e->detail);
    return sc__set_error(db, e->extended, table, NULL, "%s", e->message);
}

/* Writes "users.a" or "users(a, b)" for the columns of fk. */
static void fkey_columns(sc__buf *b, const sc_table_desc *t,
                         const sc_fkey_desc *fk)
{
    unsigned i;

    sc__buf_printf(b, "%s%s", t->name, fk->ncols == 1 ? "." : "(");
    for (i = 0; i < fk->ncols; i++)
        sc__buf_printf(b, "%s%s", i ? ", " : "", t->cols[fk->cols[i]].name);
    sc__buf_puts(b, fk->ncols == 1 ? "" : ")");
    sc__buf_printf(b, " references %s(", fk->target);
    for (i = 0; i < fk->ncols; i++)
        sc__buf_printf(b, "%s%s", i ? ", " : "", fk->target_cols[i]);
    sc__buf_puts(b, ")");
}

/* Writes SELECT 1 FROM "target" WHERE "x" = ? AND ... for fk into b and
 * its values into db->vals; false when a value is NULL or wrong. */
static bool build_probe(sc_db *db, sc__buf *b, const sc_table_desc *t,
                        const sc_fkey_desc *fk, const void *row)
{
    unsigned i;
    int n = 0;

    if (sc__need_vals(db, fk->ncols) != SC_OK)
        return false;
    sc__buf_puts(b, "SELECT 1 FROM ");
    sc__buf_ident(b, fk->target);
    for (i = 0; i < fk->ncols; i++) {
        sc__buf_puts(b, i ? " AND " : " WHERE ");
        sc__buf_ident(b, fk->target_cols[i]);
        sc__buf_puts(b, " = ");
        sc__put_placeholder(db, b, &n);
        if (sc__field_value(db, t, &t->cols[fk->cols[i]], row, &db->vals[i]) !=
                SC_OK ||
            db->vals[i].kind == SC_VAL_NULL)
            return false;
    }
    return !b->failed;
}

/*
 * Whether the row that fk of row points at is missing.  A key with a NULL
 * part points nowhere and is never missing.  Failures count as "not
 * missing" and leave db's error alone: this only sharpens a message.
 */
static bool fkey_missing(sc_db *db, const sc_table_desc *t,
                         const sc_fkey_desc *fk, const void *row)
{
    sc__error_state saved = db->err;
    void *stmt = NULL;
    const char *why;
    bool missing = false;
    sc__buf sql = {0};
    unsigned i;
    int rc = SC_ERROR;

    if (build_probe(db, &sql, t, fk, row)) {
        rc = db->be->prepare(db->conn, sql.s, false, &stmt);
        db->stats.prepares++;
    }
    for (i = 0; rc == SC_OK && i < fk->ncols; i++)
        rc = db->be->bind(stmt, (int)i + 1, &db->vals[i], &why);
    if (rc == SC_OK)
        missing = sc__step_traced(db, stmt, sql.s, fk->ncols) == SC__DONE;
    if (stmt != NULL)
        db->be->finalize(stmt);
    sc__buf_free(&sql);
    db->err = saved;
    return missing;
}

/* The foreign key of t that the backend named, if it is one of t's. */
static const sc_fkey_desc *named_fkey(const sc_table_desc *t,
                                      const sc_backend_error *e)
{
    unsigned i;

    if (e->constraint[0] == '\0' ||
        (e->table[0] != '\0' && strcmp(e->table, t->name) != 0))
        return NULL;
    for (i = 0; i < t->nfkeys; i++) {
        if (t->fkeys[i].name != NULL &&
            strcmp(t->fkeys[i].name, e->constraint) == 0)
            return &t->fkeys[i];
    }
    return NULL;
}

/*
 * A foreign key failure.  A backend that names the constraint (PostgreSQL)
 * says which key failed; otherwise each key of row is probed for its
 * target.  Probing after a failure needs a usable transaction, which
 * SQLite keeps and PostgreSQL does not: there the name is always given.
 */
static int report_fkey(sc_db *db, const sc_backend_error *e,
                       const sc_table_desc *t, int op, const void *row)
{
    int ext = SC_CONSTRAINT_FOREIGNKEY;
    const sc_fkey_desc *fk;
    sc__buf b = {0};
    unsigned i;
    int rc;

    if (t == NULL)
        return sc__set_error(db, ext, NULL, NULL,
                             "foreign key constraint failed");
    if (op == OP_DELETE)
        return sc__set_error(db, ext, t->name, NULL,
                             "foreign key constraint failed: the row of %s is "
                             "still referenced", t->name);
    fk = named_fkey(t, e);
    for (i = 0; fk == NULL && row != NULL && i < t->nfkeys; i++) {
        if (fkey_missing(db, t, &t->fkeys[i], row))
            fk = &t->fkeys[i];
    }
    if (fk == NULL)
        return sc__set_error(db, ext, t->name, NULL,
                             "foreign key constraint failed on %s", t->name);
    fkey_columns(&b, t, fk);
    rc = sc__set_error(db, ext, t->name,
                       fk->ncols == 1 ? t->cols[fk->cols[0]].name : NULL,
                       "foreign key constraint failed: %s",
                       b.failed ? fk->name : b.s);
    sc__buf_free(&b);
    return rc;
}


/*
 * A value the database refused on input, which the backend could point
 * at (e->param): the column it was for gets the blame.  Invalid JSON is
 * worded as SQLite's check of a json column is.  Returns -1 when the
 * value is not one of t's.
 */
static int report_param(sc_db *db, const sc_backend_error *e,
                        const sc_table_desc *t)
{
    const sc_column_desc *c;

    if (t == NULL || e->param < 1 || (size_t)e->param > db->nbound ||
        (size_t)e->param > db->nvals)
        return -1;
    c = db->vals[e->param - 1].col;
    if (c < t->cols || c >= t->cols + t->ncols)
        return -1;
    if (c->type == SC_TYPE_JSON)
        return sc__set_error(db, SC_CONSTRAINT_CHECK, t->name, c->name,
                             "check constraint failed on %s.%s: valid JSON",
                             t->name, c->name);
    return sc__set_error(db, e->extended, t->name, c->name,
                         "cannot store %s.%s: %s", t->name, c->name,
                         e->message);
}

/*
 * A failure that names no constraint but comes from a value too long or
 * too large for its column (PostgreSQL checks varchar(n) and numeric(p,s)
 * by type, where SQLite has named checks): finds that value among those
 * bound to the statement, and words it as SQLite's check would be.
 * Returns -1 when no bound value of t is to blame.
 */
int sc__report_unfit(sc_db *db, const sc_table_desc *t)
{
    const sc_column_desc *c;
    size_t i;

    for (i = 0; t != NULL && i < db->nbound && i < db->nvals; i++) {
        c = db->vals[i].col;
        if (c < t->cols || c >= t->cols + t->ncols ||
            !sc__value_unfit(&db->vals[i]))
            continue;
        return sc__set_error(db, SC_CONSTRAINT_CHECK, t->name, c->name,
                             "check constraint failed on %s.%s: at most %u "
                             "%s", t->name, c->name, c->length,
                             c->type == SC_TYPE_TEXT ? "characters"
                                                     : "digits");
    }
    return -1;
}

/*
 * Words the failure e of a statement about table t (NULL for raw SQL)
 * doing op with row.  Returns the primary code.
 */
static int report(sc_db *db, const sc_backend_error *e,
                  const sc_table_desc *t, int op, const void *row)
{
    const char *table = e->table[0] ? e->table : t ? t->name : NULL;
    int rc;

    if ((e->extended == SC_RANGE || (e->extended == SC_CONSTRAINT_CHECK &&
                                     e->constraint[0] == '\0')) &&
        (rc = sc__report_unfit(db, t)) >= 0)
        return rc;
    if (e->param > 0 && (rc = report_param(db, e, t)) >= 0)
        return rc;
    switch (e->extended) {
    case SC_CONSTRAINT_UNIQUE:
        return report_columns(db, e, t, "unique");
    case SC_CONSTRAINT_PRIMARYKEY:
        return report_columns(db, e, t, "primary key");
    case SC_CONSTRAINT_NOTNULL:
        return report_columns(db, e, t, "not null");
    case SC_CONSTRAINT_CHECK:
        return report_check(db, e, t);
    case SC_CONSTRAINT_FOREIGNKEY:
        return report_fkey(db, e, t, op, row);
    default:
        break;
    }
    if (e->code == SC_OK && db->be->lost != NULL && db->be->lost(db->conn))
        return sc__lost(db);
    if (e->code == SC_OK) /* the backend lost the details */
        return sc__set_error(db, SC_ERROR, table, NULL, "unknown error");
    return sc__set_error(db, e->extended, table, e->column, "%s", e->message);
}

/* Reads the backend's last error, resets stmt (when any) so that probes
 * can run, and words the error. */
int sc__fail_stmt(sc_db *db, void *stmt, const sc_table_desc *t, int op,
                  const void *row)
{
    sc_backend_error e;

    db->be->error(db->conn, &e);
    if (stmt != NULL)
        db->be->reset(stmt);
    return report(db, &e, t, op, row);
}

/* ---------------------------------------------------------------------
 * Naming the row a failure is about: its key, as the read side and the
 * write side both word it.  Only failures call these, so no write pays
 * for the text.
 * ------------------------------------------------------------------- */

/* Appends "k = v" for column i of t, after " (" when first else ", ":
 * the value read from the current row of stmt (which selected t's
 * columns in order) when stmt is not NULL, else the field of row.
 * False when the value cannot be had. */
static bool put_named_value(sc_db *db, const sc_table_desc *t, unsigned i,
                            void *stmt, const void *row, bool first,
                            sc__buf *b)
{
    const sc_column_desc *c = &t->cols[i];
    sc_value_kind kind;
    sc_value v;

    if (stmt != NULL) {
        kind = db->be->column_class != NULL
                   ? db->be->column_class(stmt, (int)i)
                   : sc__stored_kind(c);
        if (db->be->column(stmt, (int)i, kind, &v) != SC_OK)
            return false;
    } else if (sc__field_value(db, t, c, row, &v) != SC_OK) {
        return false;
    }
    sc__buf_printf(b, "%s%s = ", first ? " (" : ", ", c->name);
    if (v.kind == SC_VAL_NULL)
        sc__buf_puts(b, "NULL");
    else
        sc__format_value(b, &v);
    return true;
}

/* Appends " (k = v, ...)", the key of a row of t: the current row of
 * stmt when stmt is not NULL, else the struct row; nothing for a table
 * without a key.  The error state is left as it was. */
void sc__put_row_key(sc_db *db, const sc_table_desc *t, void *stmt,
                     const void *row, sc__buf *b)
{
    sc__error_state saved = db->err;
    unsigned j;

    for (j = 0; j < t->npk; j++) {
        if (!put_named_value(db, t, t->pk[j], stmt, row, j == 0, b))
            break;
    }
    sc__buf_puts(b, j > 0 ? ")" : "");
    db->err = saved;
}

/* What identifies the row of an insert whose key the database gives or
 * that has none: its unique columns' values, else " (a new row)". */
static void put_new_row(sc_db *db, const sc_table_desc *t, const void *row,
                        sc__buf *b)
{
    sc__error_state saved = db->err;
    unsigned i, n = 0;

    for (i = 0; i < t->ncols; i++) {
        if ((t->cols[i].flags & SC_COL_UNIQUE) && (int)i != t->autoinc &&
            put_named_value(db, t, i, NULL, row, n == 0, b))
            n++;
    }
    sc__buf_puts(b, n > 0 ? ")" : " (a new row)");
    db->err = saved;
}

/* Whether failure rc is about a value of the row: a value refused
 * before it was sent, or a constraint. */
static bool about_row(int rc)
{
    return rc == SC_RANGE || rc == SC_CONSTRAINT;
}

/* Appends text to the current message, cut to fit. */
static void append_msg(sc_db *db, const char *s, size_t n)
{
    size_t at = strlen(db->err.msg);

    if (n > sizeof db->err.msg - 1 - at)
        n = sizeof db->err.msg - 1 - at;
    memcpy(db->err.msg + at, s, n);
    db->err.msg[at + n] = '\0';
}

/* The failure rc of op (OP_INSERT, OP_UPDATE, OP_DELETE) on the struct
 * row of t gains the row's key: " (user_id = 3)"; an insert whose key is
 * not given, its unique columns' values or " (a new row)".  Returns rc. */
int sc__name_row(sc_db *db, const sc_table_desc *t, int op, const void *row,
                 int rc)
{
    sc__buf b = {0};

    if (!about_row(rc) || t == NULL || row == NULL)
        return rc;
    if (op == OP_INSERT && (t->autoinc >= 0 || t->npk == 0))
        put_new_row(db, t, row, &b);
    else
        sc__put_row_key(db, t, NULL, row, &b);
    if (!b.failed && b.len > 0)
        append_msg(db, b.s, b.len);
    sc__buf_free(&b);
    return rc;
}

/* The failure rc of row i of a batch of n (rows) of op on t: "row I of
 * N: " in front of the message, and the row's key after it where the
 * row has one before it is written (the index is what names a new row
 * of an insert).  Returns rc. */
int sc__name_batch_row(sc_db *db, const sc_table_desc *t, int op,
                       const void *row, size_t i, size_t n, int rc)
{
    if (!(op == OP_INSERT && (t->autoinc >= 0 || t->npk == 0)))
        sc__name_row(db, t, op, row, rc);
    sc__prefix_row(db, i, n);
    return rc;
}

/* The failure rc of a bulk update or delete (sc_query_update_all(),
 * sc_query_delete_all()) gains " (rows)", the rows it is about.
 * Returns rc. */
int sc__name_rows(sc_db *db, const char *rows, int rc)
{
    if (about_row(rc)) {
        append_msg(db, " (", 2);
        append_msg(db, rows, strlen(rows));
        append_msg(db, ")", 1);
    }
    return rc;
}

/* Puts "row I of N: " in front of the current message. */
void sc__prefix_row(sc_db *db, size_t i, size_t n)
{
    char msg[sizeof db->err.msg + 64];
    size_t len;

    len = (size_t)snprintf(msg, sizeof msg, "row %zu of %zu: %s", i, n,
                           db->err.msg);
    if (len >= sizeof db->err.msg)
        len = sizeof db->err.msg - 1;
    memcpy(db->err.msg, msg, len);
    db->err.msg[len] = '\0';
}
