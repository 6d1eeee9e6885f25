/*
 * drift.c - schemac check FILE.schema --db URL: reads the structure of a
 * live database and reports every way it differs from what the schema
 * creates there, one line each, so that a database changed by hand (or by
 * a migration that was never written down) is caught before the
 * generated code meets it.
 *
 * The expected structure is not described a second time here: it comes
 * from the DDL emitter (column types, constraint and index names, the
 * constraints' and indexes' SQL for the dialect, read back by the
 * catalog's own parser), so that check and create_all cannot disagree.
 * The live structure comes from catalog.c, the reader pull uses too, so
 * that check right after pull finds nothing.
 *
 * Compared: tables; columns (the declared type, the quoted one or
 * schemac's choice; NOT NULL; the presence of a default; autoincrement,
 * as SQLite's AUTOINCREMENT, a serial or an identity); primary keys and
 * their names; constraints by name, or an unnamed one of SQLite by what
 * it says (CHECK expressions only where the database does not reword
 * them: SQLite); indexes by name, table, elements, operator classes,
 * uniqueness, method and predicate, kept apart from unique constraints
 * (but for MariaDB, whose unique keys stand for the schema's unique
 * indexes); STRICT on SQLite for the tables without `not strict`; enum
 * types and their labels in order where a dialect has enum types
 * (PostgreSQL; MariaDB's ENUM is the column's type); sql blocks against
 * the database's own text of the object each creates, whitespace, case
 * and quoting aside.  Default values are compared by presence only: the
 * databases store them as expressions of their own; but a date's now is
 * compared by its expression, the UTC day or the session's, where the
 * two differ (PostgreSQL, MariaDB).  The migration
 * runner's table and SQLite's internal tables are ignored.
 */
#include "drift.h"

#include "ast.h"
#include "buf.h"
#include "catalog.h"
#include "dialect.h"
#include "checker.h"
#include "emit_sql.h"
#include "frontend.h"
#include "mem.h"
#include "schemac.h"
#include "symtab.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char usage_check[] =
    "usage: schemac check FILE.schema --db URL\n"
    "\n"
    "Reads the structure of the database at URL and prints, one line each,\n"
    "every difference from what FILE.schema creates there: tables,\n"
    "columns, declared types, keys, constraints, indexes, enum types and\n"
    "the objects of its sql blocks.  Exits 0 when there is none, 1 when\n"
    "there is drift or the database cannot be read.\n"
    "\n"
    "  --db URL   the database: sqlite:PATH, postgresql://... or\n"
    "             mariadb://... (required)\n";

/* ---------------------------------------------------------------------
 * The state of one comparison.
 * ------------------------------------------------------------------- */

typedef struct live_db {
    ast_ctx *ctx;      /* the pool, and the schema */
    sql_dialect d;
    int di;            /* AST_D_* */
    const sc__dialect *D;
    cat_db cat;
    /* what the schema accounts for, in the catalog's order */
    bool *tables_seen, *indexes_seen, *objects_seen, *enums_seen;
    /* the catalog's tables and indexes by name, each as 1 + its place
     * (the first of a name), and its indexes by table: the first in
     * index_of_table, the next of the same table in next_index (-1: no
     * more); a schema of many tables looks each up once */
    symtab table_at, index_at, index_of_table;
    const cat_index **indexes;
    int *next_index;
    int ndrift;
} live_db;

/* The place symtab t keeps for name, or -1. */
static int place_of(const symtab *t, const char *name)
{
    void *v = symtab_get(t, name);

    return v ? (int)((uintptr_t)v - 1) : -1;
}

/* Notes name at place j in t, unless an earlier place has it. */
static void note_place(symtab *t, const char *name, int j)
{
    symtab_put(t, name, (void *)(uintptr_t)(j + 1));
}

static void drift(live_db *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void drift(live_db *L, const char *fmt, ...)
{
    va_list ap;

    fputs("drift: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    L->ndrift++;
}

static int count_list(const void *first, size_t next_off)
{
    const char *p = first;
    int n = 0;

    for (; p; p = *(const char *const *)(p + next_off))
        n++;
    return n;
}

#define COUNT(first, type) count_list((first), offsetof(type, next))

static bool *seen_flags(live_db *L, int n)
{
    return ast_alloc(L->ctx, (size_t)(n > 0 ? n : 1) * sizeof(bool));
}

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* ---------------------------------------------------------------------
 * Types.
 * ------------------------------------------------------------------- */

/* The type the schema gives column c, as the catalog spells it. */
static const char *want_type(live_db *L, const ast_table *t,
                             const ast_column *c)
{
    buf b;
    const char *s;

    buf_init(&b);
    if (c == t->autoinc && L->D->autoinc_declared)
        buf_puts(&b, L->D->autoinc_declared);
    else
        emit_sql_column_type(&b, L->d, c);
    s = ast_strndup(L->ctx, b.data ? b.data : "", b.len);
    buf_free(&b);
    return cat_canon_type(L->ctx, L->di, s);
}

static const char *have_type(live_db *L, const cat_column *k)
{
    return cat_canon_type(L->ctx, L->di, k->domain ? k->domain : k->type);
}

/* ---------------------------------------------------------------------
 * Columns and keys.
 * ------------------------------------------------------------------- */

/* The collation: schemac's "C" on PostgreSQL's text and varchar, or the
 * one a collate modifier names; "default" and SQLite's none.  A collation
 * the schema has no word for (on another type, or on SQLite) is drift. */
static void compare_collation(live_db *L, const ast_table *t,
                              const ast_column *c, const cat_column *k)
{
    const char *want = emit_sql_collation(L->d, c);
    bool says = L->D->collate_named &&
                (c->type.kind == AST_T_TEXT || c->type.kind == AST_T_VARCHAR);

    if (says && (want || k->collation) &&
        !(want && k->collation && strcmp(want, k->collation) == 0))
        drift(L, "table \"%s\": column \"%s\": the schema says collation "
                 "%s, the database has %s", t->name, c->name,
              want ? want : "default",
              k->collation ? k->collation : "default");
    else if (k->collation && !says)
        drift(L, "table \"%s\": column \"%s\": the database collates it "
                 "as %s, which the schema cannot say", t->name, c->name,
              k->collation);
}

/* default now of a date on PostgreSQL: the UTC day the schema's DDL
 * writes, not CURRENT_DATE (the session time zone's day, which older
 * DDL wrote and default current_date says).  Other defaults are compared
 * by presence only. */
static void compare_utc_day(live_db *L, const ast_table *t,
                            const ast_column *c, const cat_column *k)
{
    buf b;
    const char *want;

    /* only where the session's day is not the UTC day's expression */
    if (c->type.kind != AST_T_DATE || c->dflt->kind != AST_LIT_NOW ||
        c->sql_type[L->di] || c->format != AST_FMT_NATIVE ||
        strcmp(L->D->now.date, L->D->now.session_date) == 0)
        return;
    buf_init(&b);
    emit_sql_default(L->ctx, &b, L->d, c);
    want = ast_strndup(L->ctx, b.data ? b.data : "", b.len);
    buf_free(&b);
    want += strncmp(want, " DEFAULT ", 9) == 0 ? 9 : 0;
    if (strcmp(cat_norm(L->ctx, want, true),
               cat_norm(L->ctx, k->dflt, true)) == 0)
        return;
    if (ast_lit_current_date(c->dflt))
        drift(L, "table \"%s\": column \"%s\": the schema's default is "
                 "the session's day, %s; the database's default is %s",
              t->name, c->name, want, k->dflt);
    else
        drift(L, "table \"%s\": column \"%s\": the schema's default now "
                 "is the UTC day, %s; the database's default is %s",
              t->name, c->name, want, k->dflt);
}

static void compare_column(live_db *L, const ast_table *t,
                           const ast_column *c, const cat_column *k)
{
    bool dflt = c->dflt && c->dflt->kind != AST_LIT_NULL;
    bool autoinc = c == t->autoinc;
    bool has_dflt = k->dflt && k->autoinc != CAT_AUTO_SERIAL;
    const char *want = want_type(L, t, c), *have = have_type(L, k);

    if (strcasecmp(want, have) != 0)
        drift(L, "table \"%s\": column \"%s\": the schema says type %s, "
                 "the database has %s", t->name, c->name, want,
              have[0] ? have : "none");
    /* SQLite lets a primary key column of a rowid table that is not the
     * rowid hold NULL unless NOT NULL is written, which the language,
     * where a key is never NULL, has no word for */
    if (!(L->D->strict_tables && c->is_pk && !k->notnull &&
          t->not_strict.first_line)) {
        if (!c->nullable && !k->notnull)
            drift(L, "table \"%s\": column \"%s\": the schema says NOT "
                     "NULL, the database allows NULL", t->name, c->name);
        else if (c->nullable && k->notnull)
            drift(L, "table \"%s\": column \"%s\": the schema allows NULL, "
                     "the database says NOT NULL", t->name, c->name);
    }
    if (dflt != has_dflt)
        drift(L, "table \"%s\": column \"%s\": the %s has a default, the %s "
                 "has none", t->name, c->name,
              dflt ? "schema" : "database", dflt ? "database" : "schema");
    compare_collation(L, t, c, k);
    if (dflt && has_dflt)
        compare_utc_day(L, t, c, k);
    if (autoinc != (k->autoinc != CAT_AUTO_NONE))
        drift(L, "table \"%s\": column \"%s\": the %s says autoincrement, "
                 "the %s does not", t->name, c->name,
              autoinc ? "schema" : "database",
              autoinc ? "database" : "schema");
}

static void compare_columns(live_db *L, const ast_table *t,
                            const cat_table *lt)
{
    const ast_column *c;
    const cat_column *k;

    for (c = t->columns; c; c = c->next) {
        k = cat_find_column(lt, c->name);
        if (k)
            compare_column(L, t, c, k);
        else
            drift(L, "table \"%s\": column \"%s\" is missing", t->name,
                  c->name);
    }
    for (k = lt->cols; k; k = k->next) {
        for (c = t->columns; c && strcmp(k->name, c->name) != 0;
             c = c->next)
            ;
        if (!c)
            drift(L, "table \"%s\": column \"%s\" is in the database but "
                     "not in the schema", t->name, k->name);
    }
}

/* The primary key's columns, and its name: PostgreSQL names every key
 * (the schema's name, else TABLE_pkey); SQLite knows only a name the
 * CREATE TABLE gives (schemac gives a composite key pk_TABLE). */
static void compare_primary_key(live_db *L, const ast_table *t,
                                cat_table *lt)
{
    const ast_column *pk[64];
    const cat_column *k;
    const cat_constraint *lc;
    const ast_item *it = ast_table_pk_item(t);
    const char *want_name = NULL, *have_name = NULL;
    buf want, have;
    int i, n = model_primary_key(t, pk, 64), pos;

    buf_init(&want);
    buf_init(&have);
    for (i = 0; i < n; i++)
        buf_printf(&want, "%s%s", i ? ", " : "", pk[i]->name);
    for (pos = 1; pos <= lt->npk; pos++)
        for (k = lt->cols; k; k = k->next)
            if (k->pk == pos)
                buf_printf(&have, "%s%s", have.len ? ", " : "", k->name);
    if (!same(want.data, have.data))
        drift(L, "table \"%s\": the schema's primary key is (%s), the "
                 "database's is (%s)", t->name, want.len ? want.data : "",
              have.len ? have.data : "");
    if (n == 1 && L->D->pk_name_suffix)
        want_name = emit_sql_pk_name(L->ctx, t);
    else if (it && it->name)
        want_name = it->name;
    else if (n > 1)
        want_name = emit_sql_constraint_name(L->ctx, "pk", t->name, NULL);
    for (lc = lt->cons; lc && lc->kind != 'p'; lc = lc->next)
        ;
    have_name = lc ? lc->name : NULL;
    /* SQLite's unnamed key is the one a schema that names none has */
    if (!L->D->pk_name_suffix && !have_name && !(it && it->name))
        want_name = NULL;
    /* a database that names every key its own way has no name to see */
    if (n > 0 && have.len && L->D->pk_named && !same(want_name, have_name))
        drift(L, "table \"%s\": the primary key is named %s%s%s in the "
                 "schema, %s%s%s in the database", t->name,
              want_name ? "\"" : "", want_name ? want_name : "not",
              want_name ? "\"" : "", have_name ? "\"" : "",
              have_name ? have_name : "not", have_name ? "\"" : "");
    buf_free(&want);
    buf_free(&have);
}

/* ---------------------------------------------------------------------
 * Constraints, compared by what they say: the schema's come from the DDL
 * emitter and are read back by the catalog's parser, so both sides have
 * the same form.
 * ------------------------------------------------------------------- */

/* A foreign key's action as compared: RESTRICT is none where the
 * dialect makes the two one. */
static const char *fk_action(const live_db *L, const char *a)
{
    if (a && L->D->fk_restrict_is_none && strcasecmp(a, "restrict") == 0)
        return NULL;
    return a;
}

/* Whether the database's constraint have says what want says. */
static bool same_constraint(live_db *L, const cat_constraint *want,
                            const cat_constraint *have)
{
    if (want->kind != have->kind)
        return false;
    switch (want->kind) {
    case 'c':
        /* PostgreSQL prints a CHECK in words of its own (casts, ANY
         * (ARRAY[...])): there only its presence is compared */
        return L->D->checks_reworded ||
               strcmp(cat_norm(L->ctx, want->expr, true),
                      cat_norm(L->ctx, have->expr, true)) == 0;
    case 'f':
        return same(cat_key_cols(want), cat_key_cols(have)) &&
               same(want->ref_table, have->ref_table) &&
               same(cat_ref_cols(L->ctx, &L->cat, want), cat_ref_cols(L->ctx, &L->cat, have)) &&
               same(fk_action(L, want->on_delete),
                    fk_action(L, have->on_delete)) &&
               same(fk_action(L, want->on_update),
                    fk_action(L, have->on_update)) &&
               want->deferrable == have->deferrable &&
               want->deferred == have->deferred;
    default:
        return same(cat_key_cols(want), cat_key_cols(have));
    }
}

/* A CHECK (json_valid(c) ...) on SQLite over a column the schema types
 * json: no more than the type says, whether the database has it or not
 * (Django writes it, schemac does not). */
static bool json_type_check(live_db *L, const ast_table *t,
                            const cat_constraint *k)
{
    const char *col;
    const ast_column *c;

    if (!(col = cat_json_check(L->ctx, k)))
        return false;
    for (c = t->columns; c && strcmp(c->name, col) != 0; c = c->next)
        ;
    return c && c->type.kind == AST_T_JSON;
}

static bool index_key(live_db *L, const ast_table *t,
                      const cat_constraint *k);

static void compare_constraints(live_db *L, const ast_table *t,
                                cat_table *lt)
{
    sql_constraint_list list = {NULL, 0, 0, };
    cat_constraint *lc, *want;
    bool *seen = seen_flags(L, COUNT(lt->cons, cat_constraint));
    int i, j;

    emit_sql_constraints(L->ctx, L->d, t, &list);
    for (i = 0; i < list.n; i++) {
        want = cat_parse_constraint(L->ctx, list.items[i].name,
                                    list.items[i].sql);
        if (!want || want->kind == 'p')
            continue; /* compare_primary_key()'s */
        for (lc = lt->cons, j = 0; lc; lc = lc->next, j++)
            if (!seen[j] && lc->name && strcmp(lc->name, want->name) == 0)
                break;
        /* an unnamed constraint of SQLite stands for the schema's when
         * it says the same */
        if (!lc)
            for (lc = lt->cons, j = 0; lc; lc = lc->next, j++)
                if (!seen[j] && !lc->name && same_constraint(L, want, lc))
                    break;
        if (!lc) {
            drift(L, "table \"%s\": constraint \"%s\" is missing", t->name,
                  want->name);
            continue;
        }
        seen[j] = true;
        if (!same_constraint(L, want, lc))
            drift(L, "table \"%s\": constraint \"%s\": the schema has %s, "
                     "the database has %s", t->name, want->name,
                  list.items[i].sql, lc->def);
    }
    for (lc = lt->cons, j = 0; lc; lc = lc->next, j++) {
        if (seen[j] || lc->kind == 'p' || json_type_check(L, t, lc) ||
            index_key(L, t, lc))
            continue;
        if (lc->name)
            drift(L, "table \"%s\": constraint \"%s\" is in the database "
                     "but not in the schema", t->name, lc->name);
        else
            drift(L, "table \"%s\": an unnamed constraint is in the "
                     "database but not in the schema: %s", t->name, lc->def);
    }
    sql_constraint_list_free(&list);
}

/* ---------------------------------------------------------------------
 * Indexes.
 * ------------------------------------------------------------------- */

/* The elements of an index, one comparable line. */
static void put_elems(live_db *L, const cat_index *x, buf *b)
{
    const cat_ielem *e;

    for (e = x->elems; e; e = e->next) {
        if (b->len)
            buf_puts(b, ", ");
        if (e->column)
            buf_puts(b, e->column);
        if (e->column && e->prefix)
            buf_printf(b, "(%d)", e->prefix);
        else if (!e->column)
            buf_printf(b, "(%s)", cat_norm(L->ctx, e->expr, true));
        if (e->opclass)
            buf_printf(b, " %s", e->opclass);
        if (e->desc)
            buf_puts(b, " desc");
    }
}

static void compare_index(live_db *L, const ast_table *t,
                          const ast_item *it, const char *name,
                          const cat_index *x)
{
    const cat_index *w;
    const char *ww, *hw;
    buf want, have, sql;

    if (strcmp(x->table, t->name) != 0) {
        drift(L, "index \"%s\": the schema puts it on table \"%s\", the "
                 "database on \"%s\"", name, t->name, x->table);
        return;
    }
    buf_init(&sql);
    emit_sql_create_index(L->ctx, &sql, L->d, t, it);
    w = cat_parse_index(L->ctx, sql.data ? sql.data : "");
    buf_free(&sql);
    ww = w->where ? cat_norm(L->ctx, w->where, true) : NULL;
    hw = x->where ? cat_norm(L->ctx, x->where, true) : NULL;
    buf_init(&want);
    buf_init(&have);
    put_elems(L, w, &want);
    put_elems(L, x, &have);
    if (!same(want.data, have.data))
        drift(L, "index \"%s\": the schema has (%s), the database has (%s)",
              name, want.len ? want.data : "", have.len ? have.data : "");
    if (x->unique != w->unique)
        drift(L, "index \"%s\": the %s has a unique index, the %s a plain "
                 "one", name, x->unique ? "database" : "schema",
              x->unique ? "schema" : "database");
    if (x->method &&
        strcmp(it->method ? it->method : "btree", x->method) != 0)
        drift(L, "index \"%s\": the schema says using %s, the database %s",
              name, it->method ? it->method : "btree", x->method);
    if (!same(ww, hw))
        drift(L, "index \"%s\": the schema has %s%s, the database %s%s",
              name, ww ? "where " : "no predicate", ww ? ww : "",
              hw ? "where " : "no predicate", hw ? hw : "");
    buf_free(&want);
    buf_free(&have);
}

/* A unique index of the schema where the database keeps it as a unique
 * key (unique_index_is_key): a unique constraint of that name over the
 * same columns.  Reports a difference; false when there is no such key. */
static bool unique_key(live_db *L, const ast_table *t, const ast_item *it,
                       const char *name)
{
    const cat_table *lt = cat_find_table(&L->cat, t->name);
    const cat_constraint *k;
    const cat_index *w;
    const cat_ielem *e;
    buf want;
    buf sql;

    if (!L->D->unique_index_is_key || !lt)
        return false;
    for (k = lt->cons; k; k = k->next)
        if (k->kind == 'u' && k->name && strcmp(k->name, name) == 0)
            break;
    if (!k)
        return false;
    buf_init(&sql);
    emit_sql_create_index(L->ctx, &sql, L->d, t, it);
    w = cat_parse_index(L->ctx, sql.data ? sql.data : "");
    buf_free(&sql);
    buf_init(&want);
    for (e = w ? w->elems : NULL; e; e = e->next)
        buf_printf(&want, "%s%s", want.len ? ", " : "",
                   e->column ? e->column : e->expr);
    if (!w || !w->unique || !same(want.data, cat_key_cols(k)))
        drift(L, "index \"%s\": the schema has a %s index (%s), the "
                 "database a unique key (%s)", name,
              w && w->unique ? "unique" : "plain",
              want.len ? want.data : "", cat_key_cols(k));
    buf_free(&want);
    return true;
}

/* Whether constraint k of t is the unique key a unique index of the
 * schema is kept as (unique_key()). */
static bool index_key(live_db *L, const ast_table *t, const cat_constraint *k)
{
    const ast_item *it;

    if (!L->D->unique_index_is_key || k->kind != 'u' || !k->name)
        return false;
    for (it = t->items; it; it = it->next)
        if (emit_sql_is_index(it) &&
            strcmp(emit_sql_index_name(L->ctx, t, it), k->name) == 0)
            return true;
    return false;
}

static void compare_indexes(live_db *L, const ast_table *t)
{
    const ast_item *it;
    const char *name;
    const cat_index *x;
    int j;

    for (it = t->items; it; it = it->next) {
        if (!emit_sql_is_index(it))
            continue;
        name = emit_sql_index_name(L->ctx, t, it);
        j = place_of(&L->index_at, name);
        x = j >= 0 ? L->indexes[j] : NULL;
        if (!x && unique_key(L, t, it, name))
            continue;
        if (!x) {
            drift(L, "index \"%s\" is missing", name);
            continue;
        }
        L->indexes_seen[j] = true;
        compare_index(L, t, it, name, x);
    }
    for (j = place_of(&L->index_of_table, t->name); j >= 0;
         j = L->next_index[j])
        if (!L->indexes_seen[j]) {
            x = L->indexes[j];
            L->indexes_seen[j] = true;
            drift(L, "index \"%s\" on table \"%s\" is in the database but "
                     "not in the schema", x->name, t->name);
        }
}

static void compare_table(live_db *L, const ast_table *t)
{
    cat_table *lt;
    int j;

    lt = cat_find_table(&L->cat, t->name);
    j = place_of(&L->table_at, t->name);
    if (!lt) {
        drift(L, "table \"%s\" is missing", t->name);
        return;
    }
    L->tables_seen[j] = true;
    if (L->D->strict_tables && t->not_strict.first_line == 0 && !lt->strict)
        drift(L, "table \"%s\": the schema makes it STRICT, the database "
                 "does not", t->name);
    if (!lt->rowid)
        drift(L, "table \"%s\": the database makes it WITHOUT ROWID, which "
                 "the schema cannot say", t->name);
    if (lt->unlogged)
        drift(L, "table \"%s\": the database makes it UNLOGGED, which the "
                 "schema cannot say", t->name);
    if (lt->inherits)
        drift(L, "table \"%s\": the database has it inherit from %s, which "
                 "the schema cannot say", t->name, lt->inherits);
    if (L->D->strict_tables && t->not_strict.first_line != 0 && lt->strict)
        drift(L, "table \"%s\": the schema says not strict, the database "
                 "makes it STRICT", t->name);
    compare_columns(L, t, lt);
    compare_primary_key(L, t, lt);
    compare_constraints(L, t, lt);
    compare_indexes(L, t);
}

static void compare_enum(live_db *L, const ast_enum *e)
{
    const ast_enum_value *v;
    const cat_enum *le;
    const cat_label *l;
    buf want, have;
    int j;

    for (le = L->cat.enums, j = 0; le; le = le->next, j++)
        if (strcmp(le->name, e->name) == 0)
            break;
    if (!le) {
        drift(L, "enum \"%s\" is missing", e->name);
        return;
    }
    L->enums_seen[j] = true;
    buf_init(&want);
    buf_init(&have);
    for (v = e->values; v; v = v->next)
        buf_printf(&want, "%s%s", v == e->values ? "" : ", ", v->name);
    for (l = le->labels; l; l = l->next)
        buf_printf(&have, "%s%s", l == le->labels ? "" : ", ", l->label);
    if (!same(want.data, have.data))
        drift(L, "enum \"%s\": the database has values %s; the schema has "
                 "%s", e->name, have.data, want.len ? want.data : "none");
    buf_free(&want);
    buf_free(&have);
}

/* ---------------------------------------------------------------------
 * sql blocks, against the database's own text of the object each
 * creates.
 * ------------------------------------------------------------------- */

/* A name as sql_object gives it ("public"."v", touch()), bare: v, touch. */
static const char *bare_name(live_db *L, const char *name)
{
    const char *s = name, *dot;
    char q;
    buf b;

    while ((dot = strchr(s, '.')) != NULL && strchr(s, '(') > dot)
        s = dot + 1;
    if ((dot = strchr(s, '.')) != NULL && !strchr(s, '('))
        s = dot + 1;
    buf_init(&b);
    q = *s == '`' ? '`' : '"';
    for (; *s && *s != '('; s++)
        if (*s != q || s[1] == q)
            buf_putc(&b, *s == q ? *s++ : *s);
    s = ast_strndup(L->ctx, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

/* Text in the form blocks are compared in: normalized, without the
 * OR REPLACE and IF NOT EXISTS that change how, not what, it creates. */
static const char *block_norm(live_db *L, const char *text, bool loose)
{
    static const char *const drop[] = {" OR REPLACE", " IF NOT EXISTS"};
    char *s = (char *)cat_norm(L->ctx, text, loose), *at;
    size_t i;

    for (i = 0; i < sizeof drop / sizeof drop[0]; i++)
        if ((at = strstr(s, drop[i])) != NULL && at - s < 40)
            memmove(at, at + strlen(drop[i]), strlen(at + strlen(drop[i])) + 1);
    return s;
}

/* SQL text on one line: each run of blanks and line ends one space. */
static const char *one_line(live_db *L, const char *sql)
{
    buf b;
    const char *s;

    buf_init(&b);
    for (s = sql; *s; s++) {
        if (isspace((unsigned char)*s)) {
            while (isspace((unsigned char)s[1]))
                s++;
            if (b.len && s[1])
                buf_putc(&b, ' ');
        } else {
            buf_putc(&b, *s);
        }
    }
    s = ast_strndup(L->ctx, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static bool same_kind(const char *block_kind, const char *cat_kind)
{
    if (strcasecmp(block_kind, cat_kind) == 0)
        return true;
    if (strcasecmp(cat_kind, "partitioned table") == 0 ||
        strcasecmp(cat_kind, "partition") == 0)
        return strcasecmp(block_kind, "TABLE") == 0;
    return strcasecmp(cat_kind, "function") == 0 &&
           strcasecmp(block_kind, "PROCEDURE") == 0;
}

/* A block that creates an index of a table of the schema: the index is
 * in the catalog's indexes, and claimed by the block (the language could
 * not say its expression). */
static const cat_index *block_index(live_db *L, const ast_sqlblock *s,
                                    int *at)
{
    sql_object o;
    const cat_index *x;
    const char *name;
    int j;

    if (!emit_sql_block_object(L->ctx, s->text, &o) ||
        strcasecmp(o.kind, "INDEX") != 0)
        return NULL;
    name = bare_name(L, o.name);
    for (x = L->cat.indexes, j = 0; x; x = x->next, j++)
        if (strcmp(x->name, name) == 0) {
            *at = j;
            return x;
        }
    return NULL;
}

static bool index_block(live_db *L, const ast_sqlblock *s, const char *name)
{
    int j;
    const cat_index *x = block_index(L, s, &j);

    if (!x)
        return false;
    if (strcmp(block_norm(L, s->text, true), block_norm(L, x->def, true)) !=
        0)
        drift(L, "INDEX \"%s\" (sql block at line %d): the database has "
                 "another definition: %s", name, s->loc.first_line,
              one_line(L, x->def));
    return true;
}

static void compare_block(live_db *L, const ast_sqlblock *s)
{
    sql_object o;
    const cat_object *x;
    const char *name;
    int j;

    if (!emit_sql_block_object(L->ctx, s->text, &o)) {
        drift(L, "sql block at line %d: not a CREATE that check can find "
                 "in the database", s->loc.first_line);
        return;
    }
    name = bare_name(L, o.name);
    if (strcasecmp(o.kind, "INDEX") == 0 && index_block(L, s, name))
        return;
    for (x = L->cat.objects, j = 0; x; x = x->next, j++)
        if (!L->objects_seen[j] && same_kind(o.kind, x->kind) &&
            strcmp(x->name, name) == 0)
            break;
    if (!x) {
        drift(L, "%s \"%s\" (sql block at line %d) is missing", o.kind,
              name, s->loc.first_line);
        return;
    }
    L->objects_seen[j] = true;
    if (strcmp(block_norm(L, s->text, false), block_norm(L, x->sql, false))
            != 0 &&
        strcmp(block_norm(L, s->text, true), block_norm(L, x->sql, true))
            != 0)
        drift(L, "%s \"%s\" (sql block at line %d): the database has "
                 "another definition: %s", o.kind, name, s->loc.first_line,
              one_line(L, x->sql));
}

/* Fills the lookups of L (table_at and the rest) from its catalog. */
static void index_catalog(live_db *L)
{
    const cat_table *lt;
    const cat_index *x;
    int j, k, n = COUNT(L->cat.indexes, cat_index), *last;

    symtab_init(&L->table_at, false);
    symtab_init(&L->index_at, false);
    symtab_init(&L->index_of_table, false);
    for (lt = L->cat.tables, j = 0; lt; lt = lt->next, j++)
        note_place(&L->table_at, lt->name, j);
    L->indexes = ast_alloc(L->ctx, sizeof *L->indexes * (size_t)(n + 1));
    L->next_index = ast_alloc(L->ctx, sizeof *L->next_index * (size_t)(n + 1));
    last = mem_alloc(sizeof *last * (size_t)(n + 1));
    for (x = L->cat.indexes, j = 0; x; x = x->next, j++) {
        L->indexes[j] = x;
        L->next_index[j] = -1;
        note_place(&L->index_at, x->name, j);
        k = place_of(&L->index_of_table, x->table);
        if (k < 0)
            note_place(&L->index_of_table, x->table, j);
        else
            L->next_index[last[k]] = j;
        last[k < 0 ? j : k] = j;
    }
    free(last);
}

/* Everything, in a stable order: enums, the schema's tables in
 * declaration order, its sql blocks, then what only the database has. */
static void compare(live_db *L)
{
    const ast_schema *s = L->ctx->schema;
    const ast_enum *e;
    const ast_table *t;
    const ast_sqlblock *b;
    const cat_enum *le;
    const cat_table *lt;
    const cat_index *x;
    const cat_object *o;
    int j;

    L->tables_seen = seen_flags(L, COUNT(L->cat.tables, cat_table));
    L->indexes_seen = seen_flags(L, COUNT(L->cat.indexes, cat_index));
    index_catalog(L);
    L->objects_seen = seen_flags(L, COUNT(L->cat.objects, cat_object));
    L->enums_seen = seen_flags(L, COUNT(L->cat.enums, cat_enum));
    if (L->D->type.enum_ == NULL)
        for (e = s ? s->enums : NULL; e; e = e->next)
            compare_enum(L, e);
    for (b = s ? s->sqlblocks : NULL; b; b = b->next)
        if (b->dialect == L->di && block_index(L, b, &j))
            L->indexes_seen[j] = true;
    for (t = s ? s->tables : NULL; t; t = t->next)
        compare_table(L, t);
    for (b = s ? s->sqlblocks : NULL; b; b = b->next)
        if (b->dialect == L->di)
            compare_block(L, b);
    for (le = L->cat.enums, j = 0; le; le = le->next, j++)
        if (!L->enums_seen[j])
            drift(L, "enum \"%s\" is in the database but not in the schema",
                  le->name);
    for (lt = L->cat.tables, j = 0; lt; lt = lt->next, j++)
        if (!L->tables_seen[j])
            drift(L, "table \"%s\" is in the database but not in the schema",
                  lt->name);
    for (x = L->cat.indexes, j = 0; x; x = x->next, j++)
        if (!L->indexes_seen[j])
            drift(L, "index \"%s\" on table \"%s\" is in the database but "
                     "not in the schema", x->name, x->table);
    for (o = L->cat.objects, j = 0; o; o = o->next, j++)
        if (!L->objects_seen[j])
            drift(L, "%s \"%s\" is in the database but not in the schema",
                  o->kind, o->name);
    symtab_free(&L->table_at);
    symtab_free(&L->index_at);
    symtab_free(&L->index_of_table);
}

/* ---------------------------------------------------------------------
 * The command.
 * ------------------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "schemac: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_check);
    return EXIT_USAGE;
}

/* Returns 0, -1 after --help, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, const char **input,
                      const char **url)
{
    int i;

    *input = *url = NULL;
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_check, stdout);
            return -1;
        }
        if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", argv[i]);
            *url = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else if (*input) {
            return usage_error("unexpected argument '%s'", argv[i]);
        } else {
            *input = argv[i];
        }
    }
    if (!*input)
        return usage_error("%s", "no input file");
    if (!*url)
        return usage_error("%s", "--db URL is required");
    return 0;
}

/* Opens url; the message of a failure comes from the runtime, which never
 * repeats a password. */
static sc_db *open_db(const char *url)
{
    sc_db *db = NULL;
    int rc = sc_open(url, &db);

    if (rc == SC_OK)
        return db;
    fprintf(stderr, "schemac: cannot open the database: %s\n",
            db ? sc_errmsg(db) : sc_errstr(rc));
    sc_close(db);
    return NULL;
}

int drift_compare(ast_ctx *ctx, sc_db *db)
{
    live_db L;

    memset(&L, 0, sizeof L);
    L.ctx = ctx;
    /* the database's dialect is its AST_D_* */
    if (ast_schema_refuses(ctx, (int)sc_db_dialect(db),
                           "it cannot be compared with this database"))
        return -1;
    /* a form the database cannot hold is refused at its place, as sql
     * refuses it, not reported as drift */
    if (emit_sql_report_refused(ctx, (sql_dialect)sc_db_dialect(db))) {
        ast_print_diags(ctx, stderr);
        return -1;
    }
    if (cat_read(db, ctx, false, &L.cat) != SC_OK) {
        fprintf(stderr, "schemac: cannot read the database's structure: "
                        "%s\n", sc_errmsg(db));
        cat_free(&L.cat);
        return -1;
    }
    L.di = L.cat.dialect;
    L.d = (sql_dialect)L.di;
    L.D = sc__dialect_of((sc_dialect)L.di);
    compare(&L);
    cat_free(&L.cat);
    return L.ndrift;
}

int drift_main(int argc, char **argv)
{
    const char *input, *url;
    ast_ctx *ctx;
    sc_db *db = NULL;
    int rc = parse_args(argc, argv, &input, &url), n;

    if (rc)
        return rc < 0 ? 0 : rc;
    ctx = frontend_load(input, NULL, NULL);
    if (!ctx)
        return EXIT_USER;
    db = open_db(url);
    rc = EXIT_USER;
    if (!db)
        goto cleanup;
    n = drift_compare(ctx, db);
    if (n < 0)
        goto cleanup;
    if (n)
        printf("%d difference%s between the database and %s\n", n,
               n == 1 ? "" : "s", input);
    else
        printf("no drift: the database matches %s\n", input);
    rc = n ? EXIT_USER : 0;
cleanup:
    sc_close(db);
    ast_ctx_free(ctx);
    return rc;
}
