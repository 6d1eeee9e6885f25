/*
 * diff.c - writes the migration from one schema to the next.
 *
 * The work has two halves.  Pairing decides what became of each table,
 * column and enum of the old schema: kept (same name), renamed (a
 * "renamed from" hint in the new schema), dropped, or added.  Emitting
 * then walks the pairs once per dialect and direction (up reads the pairs
 * from old to new, down from new to old) and writes the statements, and
 * before them the guards that stop a change the data cannot take.
 *
 * PostgreSQL alters tables in place.  SQLite's ALTER TABLE can only
 * rename and add plain columns, so any other change to a table rebuilds
 * it by SQLite's documented procedure: create the new table under a
 * temporary name, copy the rows, drop the old table, rename the new one,
 * create the indexes again, all with foreign key enforcement off (so
 * dropping a parent does not cascade into its children) and a
 * foreign_key_check before the commit (see docs/MIGRATIONS.md).
 */
#include "diff.h"

#include "checker.h"
#include "dialect.h"
#include "emit_sql.h"
#include "mem.h"
#include "order.h"
#include "symtab.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schemac.h" /* SC_DEFAULT_* */

typedef struct colpair {
    const ast_column *a, *b; /* old and new; NULL: added or dropped */
    /* Whether a and b have the same default, by dialect, found on first
     * use (0: not yet, 1: the same, 2: not): every direction and dialect
     * asks (table_changed). */
    unsigned char same_default[AST_NDIALECTS];
} colpair;

typedef struct tabpair {
    const ast_table *a, *b;
    colpair *cols;
    int ncols;
    /* The constraints of a and b in each dialect, made on first use:
     * every direction compares them (table_changed). */
    const sql_constraint_list *cons[SC_NDIALECTS + 1][2];
    /* Their indexes in each dialect, made on first use in the same way. */
    const struct index_list *ix[SC_NDIALECTS + 1][2];
    /* What every dialect agrees on, by direction (0 up, 1 down), found
     * by the first dialect written (0: not yet, 1: the table stays, 2:
     * it changes): a rebuild in some dialect, a column renamed or
     * declared otherwise (table_changed). */
    unsigned char agreed[2];
    /* Whether a and b are declared alike (0: not yet asked, 1: alike, 2:
     * not): same_table(); when alike, the tables their foreign keys name,
     * NULL-terminated (the same on both sides). */
    unsigned char alike;
    const char **targets;
} tabpair;

/* The offset of each line of a schema's text, for comparing the text of
 * two declarations (same_table()); made on first use. */
typedef struct lines {
    size_t *start; /* of line k + 1, from 0; start[n] is the length */
    int n;
} lines;

typedef struct plan {
    ast_ctx *ca, *cb;
    tabpair *tabs;
    int ntabs;
    const diff_options *o;
    symtab rows; /* table name -> long long: the counts asked for once */
    lines la, lb; /* of ca's and cb's text */
    /* Whether the schemas agree on everything but their tables (0: not
     * yet asked, 1: they do, 2: not): same_rest(). */
    unsigned char rest;
} plan;

/* One direction of one dialect being written.  The statements go to sql,
 * the migration's first transactional part, unless they belong to one of
 * the parts around it (PostgreSQL only; docs/MIGRATIONS.md, "Parts"). */
typedef struct dir {
    const plan *p;
    ast_ctx *fc, *tc;  /* the contexts of the from and to schemas */
    bool rev;          /* down: read every pair from b to a */
    sql_dialect d;
    buf *sql, *guards;
    bool *fk_off;
    buf *first;        /* ADD VALUE, a part of its own before sql when the
                          migration uses the value */
    buf *validate;     /* VALIDATE CONSTRAINT, a part of its own */
    buf *after;        /* SET NOT NULL over a validated check, then the
                          check dropped */
    buf *concurrent;   /* CREATE and DROP INDEX CONCURRENTLY */
    buf *attach;       /* ADD CONSTRAINT ... USING INDEX, once the index
                          is built concurrently */
    buf *lints;        /* NULL: none wanted (the down, a probe) */
    buf *readd;        /* checks dropped around an enum made again, added
                          back once the tables changed */
    const struct fkcover *cover; /* the table's whose indexes change */
} dir;

/* Where a foreign key needs an index over its columns (MariaDB), what a
 * changed table does so that none of its own stays without one
 * (fk_cover()): a key or index that goes and the one that takes its
 * place, dropped and added in one ALTER TABLE; or, when no new one can,
 * the foreign keys dropped before their index goes and added again
 * after the indexes changed. */
typedef struct fkhold {
    const char *drop; /* the from key or index, whose own drop waits */
    const char *add;  /* the to key or index, added in the same ALTER */
    bool index;       /* plain indexes (diff_indexes()), not keys */
} fkhold;

typedef struct fkcover {
    fkhold *holds;
    int nholds;
    const sql_constraint **readd; /* to-side foreign keys */
    int nreadd;
} fkcover;

static bool given(const ast_loc *l)
{
    return l->first_line != 0;
}

static const ast_table *t_from(const dir *x, const tabpair *t)
{
    return x->rev ? t->b : t->a;
}

static const ast_table *t_to(const dir *x, const tabpair *t)
{
    return x->rev ? t->a : t->b;
}

static const ast_column *c_from(const dir *x, const colpair *c)
{
    return x->rev ? c->b : c->a;
}

static const ast_column *c_to(const dir *x, const colpair *c)
{
    return x->rev ? c->a : c->b;
}

/* ---------------------------------------------------------------------
 * Pairing
 * ------------------------------------------------------------------- */

static const ast_table *table_named(const ast_ctx *ctx, const char *name)
{
    const ast_table *t;

    if (!ctx->schema)
        return NULL;
    for (t = ctx->schema->tables; t; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static const ast_column *column_named(const ast_table *t, const char *name)
{
    const ast_column *c;

    for (c = t->columns; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* The old column that new column c continues: same name, or the one its
 * hint names when no column of the new table has that name any more. */
static const ast_column *old_column(const ast_table *a, const ast_table *b,
                                    const ast_column *c)
{
    const ast_column *o = column_named(a, c->name);

    if (o)
        return o;
    if (c->renamed_from && !column_named(b, c->renamed_from))
        return column_named(a, c->renamed_from);
    return NULL;
}

static void pair_columns(ast_ctx *ctx, tabpair *tp)
{
    const ast_column *c;
    int n = 0, k = 0;

    for (c = tp->a ? tp->a->columns : NULL; c; c = c->next)
        n++;
    for (c = tp->b ? tp->b->columns : NULL; c; c = c->next)
        n++;
    tp->cols = ast_alloc(ctx, sizeof *tp->cols * (size_t)(n + 1));
    if (!tp->a || !tp->b)
        return;
    for (c = tp->b->columns; c; c = c->next) {
        tp->cols[k].a = old_column(tp->a, tp->b, c);
        tp->cols[k++].b = c;
    }
    for (c = tp->a->columns; c; c = c->next) {
        bool kept = false;
        int i;

        for (i = 0; i < k; i++)
            kept |= tp->cols[i].a == c;
        if (!kept) {
            tp->cols[k].a = c;
            tp->cols[k++].b = NULL;
        }
    }
    tp->ncols = k;
}

/* The first table of ctx's schema by each name, for the pairing. */
static void index_tables(const ast_ctx *ctx, symtab *names)
{
    const ast_table *t;

    symtab_init(names, false);
    for (t = ctx->schema ? ctx->schema->tables : NULL; t; t = t->next)
        symtab_put(names, t->name, (void *)t);
}

static void pair_tables(plan *p)
{
    const ast_table *t, *o;
    int n = 0, na = 0, k = 0, i;
    symtab in_a, in_b;
    bool *kept; /* by index of a's tables: paired with one of b's */

    for (t = p->ca->schema ? p->ca->schema->tables : NULL; t; t = t->next)
        na++;
    for (t = p->cb->schema->tables; t; t = t->next)
        n++;
    n += na;
    p->tabs = ast_alloc(p->cb, sizeof *p->tabs * (size_t)(n + 1));
    kept = ast_alloc(p->cb, sizeof *kept * (size_t)(na + 1));
    index_tables(p->ca, &in_a);
    index_tables(p->cb, &in_b);
    for (t = p->cb->schema->tables; t; t = t->next) {
        o = symtab_get(&in_a, t->name);
        if (!o && t->renamed_from && !symtab_get(&in_b, t->renamed_from))
            o = symtab_get(&in_a, t->renamed_from);
        if (o)
            kept[o->index] = true;
        p->tabs[k].a = o;
        p->tabs[k++].b = t;
    }
    symtab_free(&in_a);
    symtab_free(&in_b);
    for (t = p->ca->schema ? p->ca->schema->tables : NULL; t; t = t->next) {
        if (!kept[t->index]) {
            p->tabs[k].a = t;
            p->tabs[k++].b = NULL;
        }
    }
    p->ntabs = k;
    for (i = 0; i < k; i++)
        pair_columns(p->cb, &p->tabs[i]);
}

/* ---------------------------------------------------------------------
 * Tables declared alike
 *
 * Most tables of a schema stay as they were from one migration to the
 * next.  A kept table whose declaration is the same text as before, in
 * schemas that agree on everything outside their tables (name, dialects,
 * enums, sql blocks), and whose foreign keys point at tables declared
 * alike too, has the same columns, constraints and indexes in every
 * dialect: the comparisons below, which render all of those in each
 * dialect and direction, can only find it unchanged, so they are not
 * made for it.
 * ------------------------------------------------------------------- */

/* Where each line of ctx's text starts; lines end as the scanner counts
 * them (LF, CRLF or a lone CR). */
static void lines_make(const ast_ctx *ctx, lines *l)
{
    const char *s = ctx->src, *e;
    size_t i, n = 1, len = ctx->srclen;

    if (memchr(s, '\r', len) == NULL) {
        /* LF alone, nearly every file: memchr finds each line. */
        for (e = s; (e = memchr(e, '\n', len - (size_t)(e - s))); e++)
            n++;
        l->start = mem_alloc(sizeof *l->start * (n + 1));
        l->start[0] = 0;
        l->n = 1;
        for (e = s; (e = memchr(e, '\n', len - (size_t)(e - s))); e++)
            l->start[l->n++] = (size_t)(e - s) + 1;
        l->start[l->n] = len;
        return;
    }
    for (i = 0; i < len; i++)
        n += s[i] == '\n' || (s[i] == '\r' && (i + 1 == len ||
                                               s[i + 1] != '\n'));
    l->start = mem_alloc(sizeof *l->start * (n + 1));
    l->start[0] = 0;
    l->n = 1;
    for (i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len ||
                                               s[i + 1] != '\n')))
            l->start[l->n++] = i + 1;
    l->start[l->n] = len;
}

/* The text of the whole lines loc covers in ctx, in *text and *len;
 * false when loc is not a range of ctx's lines. */
static bool line_text(const ast_ctx *ctx, lines *l, const ast_loc *loc,
                      const char **text, size_t *len)
{
    if (l->start == NULL)
        lines_make(ctx, l);
    if (loc->first_line < 1 || loc->last_line < loc->first_line ||
        loc->last_line > l->n)
        return false;
    *text = ctx->src + l->start[loc->first_line - 1];
    *len = l->start[loc->last_line] - l->start[loc->first_line - 1];
    return true;
}

/* Whether table a of the old schema and b of the new are the same text. */
static bool same_text_of(plan *p, const ast_table *a, const ast_table *b)
{
    const char *ta, *tb;
    size_t na, nb;

    return line_text(p->ca, &p->la, &a->loc, &ta, &na) &&
           line_text(p->cb, &p->lb, &b->loc, &tb, &nb) && na == nb &&
           memcmp(ta, tb, na) == 0;
}

static bool same_enum(const ast_enum *a, const ast_enum *b)
{
    const ast_enum_value *u = a->values, *v = b->values;

    if (strcmp(a->name, b->name) != 0)
        return false;
    for (; u && v; u = u->next, v = v->next)
        if (strcmp(u->name, v->name) != 0)
            return false;
    return !u && !v;
}

/* Whether the two schemas agree on all but their tables: the name, the
 * dialects, the enums and the sql blocks, in order. */
static bool same_rest(plan *p)
{
    const ast_schema *a = p->ca->schema, *b = p->cb->schema;
    const ast_decl *u, *v;
    bool same;

    if (p->rest)
        return p->rest == 1;
    same = a && b && strcmp(a->name, b->name) == 0 &&
           a->dialects == b->dialects;
    for (u = a ? a->decls : NULL, v = b ? b->decls : NULL; same;
         u = u->next, v = v->next) {
        while (u && u->table)
            u = u->next;
        while (v && v->table)
            v = v->next;
        if (!u || !v) {
            same = !u && !v;
            break;
        }
        same = u->enm ? v->enm && same_enum(u->enm, v->enm)
                      : v->sql && u->sql->dialect == v->sql->dialect &&
                            strcmp(u->sql->text, v->sql->text) == 0;
    }
    p->rest = same ? 1 : 2;
    return same;
}

/* Whether foreign keys a (old) and b (new) point at tables declared
 * alike, and close cycles alike. */
static bool same_target(plan *p, const ast_ref *a, const ast_ref *b)
{
    if (!a && !b)
        return true;
    return a && b && a->target && b->target &&
           a->after_tables == b->after_tables &&
           strcmp(a->target->name, b->target->name) == 0 &&
           same_text_of(p, a->target, b->target);
}

/* Whether pair t is a kept table declared alike on both sides. */
static bool same_table(const plan *cp, const tabpair *t)
{
    plan *p = (plan *)cp;      /* the caches are not part of the plan */
    tabpair *m = (tabpair *)t; /* nor of the pair */
    const ast_column *u, *v;
    const ast_item *i, *j;
    int n = 0;
    bool same;

    if (m->alike)
        return m->alike == 1;
    same = t->a && t->b && strcmp(t->a->name, t->b->name) == 0 &&
           same_rest(p) && same_text_of(p, t->a, t->b);
    for (u = same ? t->a->columns : NULL, v = same ? t->b->columns : NULL;
         same && u && v; u = u->next, v = v->next) {
        same = same_target(p, u->ref, v->ref);
        n += u->ref != NULL;
    }
    same = same && !u && !v;
    for (i = same ? t->a->items : NULL, j = same ? t->b->items : NULL;
         same && i && j; i = i->next, j = j->next) {
        same = i->kind == j->kind && same_target(p, i->ref, j->ref);
        n += i->ref != NULL;
    }
    same = same && !i && !j;
    m->alike = same ? 1 : 2;
    if (same) {
        m->targets = ast_alloc(p->cb, sizeof *m->targets * (size_t)(n + 1));
        n = 0;
        for (u = t->a->columns; u; u = u->next)
            if (u->ref)
                m->targets[n++] = u->ref->table;
        for (i = t->a->items; i; i = i->next)
            if (i->ref)
                m->targets[n++] = i->ref->table;
    }
    return same;
}

/* ---------------------------------------------------------------------
 * Comparing columns
 * ------------------------------------------------------------------- */

static const char *type_text(ast_ctx *ctx, const ast_type *t)
{
    buf b;
    const char *s;

    buf_init(&b);
    switch (t->kind) {
    case AST_T_VARCHAR:
        buf_printf(&b, "varchar(%lld)", (long long)t->a);
        break;
    case AST_T_NUMERIC:
        buf_printf(&b, "numeric(%lld,%lld)", (long long)t->a,
                   (long long)t->b);
        break;
    case AST_T_NAMED:
        buf_puts(&b, t->name);
        break;
    default:
        buf_puts(&b, ast_type_name(t->kind));
        break;
    }
    s = ast_strdup(ctx, b.data);
    buf_free(&b);
    return s;
}

static bool same_type(const ast_type *a, const ast_type *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == AST_T_VARCHAR)
        return a->a == b->a;
    if (a->kind == AST_T_NUMERIC)
        return a->a == b->a && a->b == b->b;
    if (a->kind == AST_T_NAMED)
        return strcmp(a->name, b->name) == 0;
    return true;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether dialect d changes a table in place (ALTER ... TYPE and the
 * rest); when not, a change beyond adding, dropping and renaming
 * columns rebuilds the table (SQLite's way). */
static bool alters(sql_dialect d)
{
    return sc__dialect_of(d)->alter.alter_column_type;
}

/* Whether an enum of dialect d is a type of its own, made and dropped
 * apart from the tables (else a column's check or ENUM). */
static bool enum_types(sql_dialect d)
{
    return sc__dialect_of(d)->create_enum != NULL;
}

/* Whether a and b have the same collation in dialect d (none where text
 * is declared in byte order already, as on SQLite). */
static bool same_collation(const ast_column *a, const ast_column *b,
                           sql_dialect d)
{
    return same_text(emit_sql_collation(d, a), emit_sql_collation(d, b));
}

/* Whether a and b are declared alike in dialect d: the type schemac
 * chooses, or the one given verbatim (stored as DIALECT 'TYPE'), with
 * or without a time zone where the dialect tells them apart, and in the
 * same collation. */
static bool same_declared_type(const ast_column *a, const ast_column *b,
                               sql_dialect d)
{
    const sc__dialect_types *ty = &sc__dialect_of(d)->type;

    return same_text(a->sql_type[d], b->sql_type[d]) &&
           (strcmp(ty->timestamp, ty->timestamp_local) == 0 ||
            a->type.local == b->type.local);
}

static bool same_decl(const ast_column *a, const ast_column *b, sql_dialect d)
{
    return same_declared_type(a, b, d) && same_collation(a, b, d);
}

/* The same in every dialect: what a migration of every dialect agrees
 * on (whether a table changes, what the summary says). */
static bool same_decl_everywhere(const ast_column *a, const ast_column *b)
{
    const sql_dialect *ds;
    int i, n;

    ds = emit_sql_dialects(&n);
    for (i = 0; i < n; i++)
        if (!same_decl(a, b, ds[i]))
            return false;
    return true;
}

static int int_width(ast_type_kind k)
{
    return k == AST_T_INT16 ? 16 : k == AST_T_INT32 ? 32
                                 : k == AST_T_INT64 ? 64 : 0;
}

typedef enum conv { CONV_SAME, CONV_WIDEN, CONV_NARROW, CONV_NONE } conv;

/* How a value of type a becomes one of type b. */
static conv conversion(const ast_type *a, const ast_type *b)
{
    bool text_a = a->kind == AST_T_TEXT || a->kind == AST_T_VARCHAR;
    bool text_b = b->kind == AST_T_TEXT || b->kind == AST_T_VARCHAR;

    if (same_type(a, b))
        return CONV_SAME;
    if (int_width(a->kind) && int_width(b->kind))
        return int_width(b->kind) > int_width(a->kind) ? CONV_WIDEN
                                                        : CONV_NARROW;
    if (text_a && text_b) {
        if (b->kind == AST_T_TEXT)
            return CONV_WIDEN;
        return a->kind == AST_T_VARCHAR && b->a >= a->a ? CONV_WIDEN
                                                        : CONV_NARROW;
    }
    if (a->kind == AST_T_FLOAT32 && b->kind == AST_T_FLOAT64)
        return CONV_WIDEN;
    if (a->kind == AST_T_FLOAT64 && b->kind == AST_T_FLOAT32)
        return CONV_NARROW;
    if (a->kind == AST_T_NUMERIC && b->kind == AST_T_NUMERIC &&
        model_is_scaled(a) == model_is_scaled(b))
        return b->b >= a->b && b->a - b->b >= a->a - a->b ? CONV_WIDEN
                                                          : CONV_NARROW;
    return CONV_NONE;
}

/* The default as SQL text in dialect d ("'x'", "0", "(CAST(...))"), or
 * NULL when the column has none. */
static const char *default_sql(ast_ctx *ctx, sql_dialect d,
                               const ast_column *c)
{
    buf b;
    const char *s;

    if (!c->dflt)
        return NULL;
    buf_init(&b);
    emit_sql_default(ctx, &b, d, c);
    s = b.len > 9 ? ast_strdup(ctx, b.data + 9) : NULL; /* " DEFAULT " */
    buf_free(&b);
    return s;
}

/* Whether a and b have the same default in dialect d (now and
 * current_date differ on PostgreSQL only). */
static bool same_default_in(ast_ctx *ca, ast_ctx *cb, const ast_column *a,
                            const ast_column *b, sql_dialect d)
{
    const char *x = default_sql(ca, d, a);
    const char *y = default_sql(cb, d, b);

    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

/* The same default in every dialect. */
static bool same_default(ast_ctx *ca, ast_ctx *cb, const ast_column *a,
                         const ast_column *b)
{
    const sql_dialect *ds;
    int i, n;

    ds = emit_sql_dialects(&n);
    for (i = 0; i < n; i++)
        if (!same_default_in(ca, cb, a, b, ds[i]))
            return false;
    return true;
}

/* same_default_in() of a kept column c of plan p, made once. */
static bool pair_same_default(const plan *p, const colpair *c,
                              sql_dialect d)
{
    colpair *m = (colpair *)c; /* the cache is not part of the pair */

    if (!m->same_default[d])
        m->same_default[d] =
            same_default_in(p->ca, p->cb, c->a, c->b, d) ? 1 : 2;
    return m->same_default[d] == 1;
}

/* The same default in every dialect, of a kept column c of plan p. */
static bool pair_same_default_everywhere(const plan *p, const colpair *c)
{
    const sql_dialect *ds;
    int i, n;

    ds = emit_sql_dialects(&n);
    for (i = 0; i < n; i++)
        if (!pair_same_default(p, c, ds[i]))
            return false;
    return true;
}

/* ---------------------------------------------------------------------
 * Refusals
 * ------------------------------------------------------------------- */

static int refuse(plan *p, const diff_options *o)
{
    const tabpair *t;
    const colpair *c;
    int i, j, n = 0;

    for (i = 0; i < p->ntabs; i++) {
        t = &p->tabs[i];
        if (!t->b && !o->allow_drop_table) {
            ast_error(p->ca, &t->a->name_loc,
                      "table \"%s\" is no longer in the schema: dropping it "
                      "loses its rows (--allow-drop-table allows it)",
                      t->a->name);
            n++;
        }
        if (t->a && t->b &&
            (t->a->not_strict.first_line != 0) !=
                (t->b->not_strict.first_line != 0)) {
            ast_error(p->cb, &t->b->name_loc,
                      "migrate diff cannot make table \"%s\" %s: on "
                      "SQLite that rebuilds it, and values of another "
                      "storage class may not fit; write that migration by "
                      "hand", t->b->name,
                      given(&t->b->not_strict) ? "not strict" : "strict");
            n++;
        }
        for (j = 0; j < t->ncols; j++) {
            c = &t->cols[j];
            if (c->a && c->b && c->a->format != c->b->format) {
                ast_error(p->cb, given(&c->b->stored_loc)
                                     ? &c->b->stored_loc
                                     : &c->b->name_loc,
                          "migrate diff cannot change the form column "
                          "\"%s\" of table \"%s\" is stored in: every "
                          "stored value would have to be converted; write "
                          "that migration by hand", c->b->name, t->b->name);
                n++;
            }
            if (!c->b && !o->allow_drop_column) {
                ast_error(p->ca, &c->a->name_loc,
                          "column \"%s\" of table \"%s\" is no longer in "
                          "the schema: dropping it loses its values "
                          "(--allow-drop-column allows it; a rename needs "
                          "\"renamed from\")", c->a->name, t->a->name);
                n++;
            }
            if (!c->a || !c->b)
                continue;
            switch (conversion(&c->a->type, &c->b->type)) {
            case CONV_NARROW:
                if (o->allow_narrowing)
                    break;
                ast_error(p->cb, &c->b->type.loc,
                          "changing column \"%s\" from %s to %s narrows "
                          "it and may lose data (--allow-narrowing allows "
                          "it, with a check in the migration)", c->b->name,
                          type_text(p->cb, &c->a->type),
                          type_text(p->cb, &c->b->type));
                n++;
                break;
            case CONV_NONE:
                if (c->b->using_)
                    break;
                ast_error(p->cb, &c->b->type.loc,
                          "migrate diff cannot change column \"%s\" from %s "
                          "to %s; say how a value becomes one of the new "
                          "type with using (expr)", c->b->name,
                          type_text(p->cb, &c->a->type),
                          type_text(p->cb, &c->b->type));
                n++;
                break;
            default:
                break;
            }
            if ((c->a == t->a->autoinc) != (c->b == t->b->autoinc)) {
                ast_error(p->cb, &c->b->name_loc,
                          "migrate diff cannot add or remove autoincrement "
                          "on column \"%s\" of table \"%s\"; write that "
                          "migration by hand", c->b->name, t->b->name);
                n++;
            }
        }
    }
    return n;
}

/* ---------------------------------------------------------------------
 * Writing statements and guards
 * ------------------------------------------------------------------- */

static void stmt_end(buf *b)
{
    buf_puts(b, ";\n");
}

static void guard(dir *x, const char *table, const char *column,
                  const char *reason, const char *query)
{
    buf_printf(x->guards, "-- +guard %s.%s \"", table,
               column ? column : "*");
    for (; *reason; reason++) {
        if (*reason == '"' || *reason == '\\')
            buf_putc(x->guards, '\\');
        buf_putc(x->guards, *reason);
    }
    buf_printf(x->guards, "\"\n%s;\n", query);
}

static const char *quoted(ast_ctx *ctx, sql_dialect d, const char *name)
{
    buf b;
    const char *s;

    buf_init(&b);
    emit_sql_quote(&b, d, name);
    s = ast_strdup(ctx, b.data);
    buf_free(&b);
    return s;
}

/* A step that holds a table for long on PostgreSQL, named in the
 * migration's header and on stderr, with the table's rows when the
 * database is known. */
static void lint(dir *x, const char *table, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lint(dir *x, const char *table, const char *fmt, ...)
{
    const diff_options *o = x->p->o;
    symtab *cache = (symtab *)&x->p->rows; /* not part of the plan */
    long long rows = -1, *kept;
    va_list ap;

    /* the lints are about the locks and copies of changes in place,
     * which a rebuild (SQLite's) does not take */
    if (!x->lints || !alters(x->d))
        return;
    if (o && o->row_count) {
        kept = symtab_get(cache, table);
        if (!kept) {
            kept = ast_alloc(x->tc, sizeof *kept);
            *kept = o->row_count(o->row_count_arg, table);
            symtab_put(cache, ast_strdup(x->tc, table), kept);
        }
        rows = *kept;
    }
    buf_printf(x->lints, "%s", table);
    if (rows >= 0)
        buf_printf(x->lints, " (%lld row%s)", rows, rows == 1 ? "" : "s");
    buf_puts(x->lints, ": ");
    va_start(ap, fmt);
    buf_vprintf(x->lints, fmt, ap);
    va_end(ap);
    buf_putc(x->lints, '\n');
}

/* 'text' as an SQL string literal. */
static const char *sql_string(ast_ctx *ctx, const char *text)
{
    buf b;
    const char *s;

    buf_init(&b);
    buf_putc(&b, '\'');
    for (; *text; text++) {
        if (*text == '\'')
            buf_putc(&b, '\'');
        buf_putc(&b, *text);
    }
    buf_putc(&b, '\'');
    s = ast_strdup(ctx, b.data);
    buf_free(&b);
    return s;
}

/* "SELECT count(*) FROM "t" WHERE <cond>" */
static const char *count_where(ast_ctx *ctx, sql_dialect d, const char *table,
                               const char *cond)
{
    buf b;
    const char *s;

    buf_init(&b);
    buf_printf(&b, "SELECT count(*) FROM %s%s%s", quoted(ctx, d, table),
               cond ? " WHERE " : "", cond ? cond : "");
    s = ast_strdup(ctx, b.data);
    buf_free(&b);
    return s;
}

/* Largest absolute value of numeric(p, s) as SQL text, in the stored
 * form of dialect d (scaled integer on SQLite when p <= 18). */
static void numeric_limit(buf *b, const ast_type *t, sql_dialect d)
{
    int64_t i;

    if (sc__dialect_of(d)->numeric_as_integer && model_is_scaled(t)) {
        buf_putc(b, '9');
        for (i = 1; i < t->a; i++)
            buf_putc(b, '9');
        return;
    }
    buf_putc(b, '1');
    for (i = 0; i < t->a - t->b; i++)
        buf_putc(b, '0');
}

/* The guard for a narrowing change of column c (old type a, new type b),
 * counting the rows whose value the new type cannot hold. */
static void narrowing_guard(dir *x, const char *table, const char *col,
                            const ast_type *a, const ast_type *b)
{
    buf cond;
    const char *qc = quoted(x->tc, x->d, col);

    buf_init(&cond);
    if (int_width(b->kind) == 16)
        buf_printf(&cond, "%s NOT BETWEEN -32768 AND 32767", qc);
    else if (int_width(b->kind) == 32)
        buf_printf(&cond, "%s NOT BETWEEN -2147483648 AND 2147483647", qc);
    else if (b->kind == AST_T_VARCHAR)
        buf_printf(&cond, "%s(%s) > %lld",
                   sc__dialect_of(x->d)->char_length, qc, (long long)b->a);
    else if (b->kind == AST_T_NUMERIC) {
        buf_printf(&cond, "abs(%s) >%s ", qc,
                   sc__dialect_of(x->d)->numeric_as_integer &&
                           model_is_scaled(a)
                       ? ""
                       : "=");
        numeric_limit(&cond, b, x->d);
        if (sc__dialect_of(x->d)->numeric_as_integer && model_is_scaled(a) &&
            b->b < a->b) {
            buf_printf(&cond, " OR %s %% 1", qc);
            for (int64_t i = b->b; i < a->b; i++)
                buf_putc(&cond, '0');
            buf_puts(&cond, " <> 0");
        } else if (!sc__dialect_of(x->d)->numeric_as_integer && b->b < a->b)
            buf_printf(&cond, " OR %s <> round(%s, %lld)", qc, qc,
                       (long long)b->b);
    } else {
        buf_free(&cond);
        return; /* float64 to float32: rounding, no row is refused */
    }
    guard(x, table, col, "values the new type cannot hold",
          count_where(x->tc, x->d, table, cond.data));
    buf_free(&cond);
}

/* ---------------------------------------------------------------------
 * Constraints and indexes of a table, by name
 * ------------------------------------------------------------------- */

static const sql_constraint *find_constraint(const sql_constraint_list *l,
                                             const sql_constraint *c)
{
    int i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, c->name) == 0 &&
            strcmp(l->items[i].sql, c->sql) == 0)
            return &l->items[i];
    return NULL;
}

/* sql with every quoted column name that t's pairs rename replaced:
 * from the to-side names to the from-side ones (back) or the other way. */
static const char *renamed_sql(dir *x, const tabpair *t, const char *sql,
                               bool back)
{
    buf b, q;
    const char *p = sql;
    int i;

    /* Most tables rename no column: their SQL stays as it is. */
    for (i = 0; i < t->ncols; i++)
        if (c_from(x, &t->cols[i]) && c_to(x, &t->cols[i]) &&
            strcmp(c_from(x, &t->cols[i])->name,
                   c_to(x, &t->cols[i])->name) != 0)
            break;
    if (i == t->ncols)
        return ast_strdup(x->tc, sql);
    buf_init(&b);
    buf_init(&q);
    while (*p) {
        bool hit = false;

        for (i = 0; i < t->ncols && *p == sc__dialect_of(x->d)->quote_open;
             i++) {
            const ast_column *f = c_from(x, &t->cols[i]);
            const ast_column *g = c_to(x, &t->cols[i]);
            const ast_column *src = back ? g : f, *dst = back ? f : g;

            if (!f || !g || strcmp(f->name, g->name) == 0)
                continue;
            buf_reset(&q);
            emit_sql_quote(&q, x->d, src->name);
            if (strncmp(p, q.data, q.len) != 0)
                continue;
            emit_sql_quote(&b, x->d, dst->name);
            p += q.len;
            hit = true;
            break;
        }
        if (!hit)
            buf_putc(&b, *p++);
    }
    p = ast_strdup(x->tc, b.data);
    buf_free(&b);
    buf_free(&q);
    return p;
}

/* The constraint of the from table that c (of the to table) continues:
 * the same definition once renamed columns are followed, whatever its
 * name. */
static const sql_constraint *same_constraint(dir *x, const tabpair *t,
                                             const sql_constraint_list *lf,
                                             const sql_constraint *c)
{
    const char *want = renamed_sql(x, t, c->sql, true);
    int i;

    for (i = 0; i < lf->n; i++)
        if (strcmp(lf->items[i].sql, want) == 0)
            return &lf->items[i];
    return NULL;
}

/* The indexes of a table in one dialect with their names and CREATE
 * INDEX statements, made once per side of a pair and dialect: both
 * directions compare them, and table_changed() before them. */
typedef struct index_list {
    const ast_item **items;
    const char **names;
    const char **sql;
    int n;
} index_list;

static void index_list_make(ast_ctx *ctx, sql_dialect d, const ast_table *t,
                            index_list *l)
{
    const ast_item *it;
    buf b;
    int n = 0;

    for (it = t->items; it; it = it->next)
        n += emit_sql_is_index(it);
    l->items = ast_alloc(ctx, sizeof *l->items * (size_t)(n + 1));
    l->names = ast_alloc(ctx, sizeof *l->names * (size_t)(n + 1));
    l->sql = ast_alloc(ctx, sizeof *l->sql * (size_t)(n + 1));
    l->n = 0;
    buf_init(&b);
    for (it = t->items; it; it = it->next) {
        if (!emit_sql_is_index(it))
            continue;
        buf_reset(&b);
        emit_sql_create_index(ctx, &b, d, t, it);
        l->items[l->n] = it;
        l->names[l->n] = emit_sql_index_name(ctx, t, it);
        l->sql[l->n++] = ast_strdup(ctx, b.data);
    }
    buf_free(&b);
}

/* The indexes of side b (or a) of pair t in dialect d. */
static const index_list *pair_indexes(const dir *x, const tabpair *t, bool b,
                                      sql_dialect d)
{
    tabpair *m = (tabpair *)t; /* the cache is not part of the pair */
    index_list *l;

    if (m->ix[d][b])
        return m->ix[d][b];
    l = ast_alloc(b ? x->p->cb : x->p->ca, sizeof *l);
    index_list_make(b ? x->p->cb : x->p->ca, d, b ? t->b : t->a, l);
    return m->ix[d][b] = l;
}

/* The CREATE INDEX of the first index of l named name, or NULL. */
static const char *listed_index(const index_list *l, const char *name)
{
    int i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0)
            return l->sql[i];
    return NULL;
}

static bool has_index(ast_ctx *ctx, sql_dialect d, const ast_table *t,
                      const char *name, const char **sql)
{
    index_list l;

    index_list_make(ctx, d, t, &l);
    *sql = listed_index(&l, name);
    return *sql != NULL;
}

/* Whether an index of a table that exists already is built and dropped
 * CONCURRENTLY, outside the transaction, so that the table's writers
 * are not stopped while it is (PostgreSQL). */
static bool concurrently(const dir *x)
{
    return sc__dialect_of(x->d)->concurrent_index && x->concurrent &&
           !(x->p->o && x->p->o->no_concurrently);
}

/* CREATE INDEX sql (as emit_sql_create_index writes it) on an existing
 * table: CONCURRENTLY in a part of its own, which takes no IF NOT EXISTS
 * (the runner drops what a failed build leaves), or in the transaction
 * with a lint. */
static void create_index(dir *x, const ast_table *to, const char *sql)
{
    const char *at = strstr(sql, "INDEX IF NOT EXISTS ");

    if (!concurrently(x) || !at) {
        buf_puts(x->sql, sql);
        stmt_end(x->sql);
        if (sc__dialect_of(x->d)->concurrent_index)
            lint(x, to->name, "CREATE INDEX without CONCURRENTLY stops the "
                 "table's writers while it builds; without "
                 "--no-concurrently diff builds it CONCURRENTLY");
        return;
    }
    buf_printf(x->concurrent, "%.*sINDEX CONCURRENTLY %s", (int)(at - sql),
               sql, at + 20);
    stmt_end(x->concurrent);
}

/* Whether index it of to, called name, is made before the constraints
 * change: where a foreign key needs an index over its columns (MariaDB),
 * a new index over columns the table had already comes first, so that
 * the key it replaces can go under the foreign key.  Not one whose name
 * the from table's indexes (lf) hold: that one is still there. */
static bool early_index(const dir *x, const ast_table *from,
                        const index_list *lf, const char *name,
                        const ast_item *it)
{
    const ast_name *n;

    /* one of a name the table has already comes after its drop */
    if (!sc__dialect_of(x->d)->fk_needs_index || it->cols == NULL ||
        listed_index(lf, name))
        return false;
    for (n = it->cols; n; n = n->next)
        if (!column_named(from, n->name))
            return false;
    return true;
}

/* Drops the indexes of from that to lacks (or has otherwise) and creates
 * those of to that from lacks; early: only creates those of early_index,
 * which the later call then leaves. */
static void diff_indexes_at(dir *x, const tabpair *t, bool create_all,
                            bool early);

static void diff_indexes(dir *x, const tabpair *t, bool create_all)
{
    diff_indexes_at(x, t, create_all, false);
}

/* The hold of cover whose drop (or add) is the key or index called name,
 * of the kind index, or NULL. */
static const fkhold *held(const fkcover *cover, const char *name,
                          bool index, bool add)
{
    int i;

    for (i = 0; cover && i < cover->nholds; i++)
        if (cover->holds[i].index == index &&
            strcmp(add ? cover->holds[i].add : cover->holds[i].drop,
                   name) == 0)
            return &cover->holds[i];
    return NULL;
}

static size_t quoted_len(const char *s);

/* What follows the table's name in CREATE INDEX sql (as
 * emit_sql_create_index writes it): " (cols)" and the rest. */
static const char *index_rest(const char *sql)
{
    static const char head[] = "INDEX IF NOT EXISTS ";
    const char *p = strstr(sql, head);

    if (p == NULL)
        return NULL;
    p += sizeof head - 1;
    p += quoted_len(p);
    if (strncmp(p, " ON ", 4) != 0)
        return NULL;
    return p + 4 + quoted_len(p + 4);
}

/* Index sql of table to made in the ALTER TABLE that drops the index h
 * waits with, so that a foreign key never lacks one. */
static void add_index_with(dir *x, const ast_table *to, const fkhold *h,
                           const char *sql)
{
    buf_printf(x->sql, "ALTER TABLE %s %s %s, ADD %sINDEX %s%s",
               quoted(x->tc, x->d, to->name), sc__dialect_of(x->d)->drop_key,
               quoted(x->tc, x->d, h->drop),
               strncmp(sql, "CREATE UNIQUE ", 14) == 0 ? "UNIQUE " : "",
               quoted(x->tc, x->d, h->add), index_rest(sql));
    stmt_end(x->sql);
}

static void diff_indexes_at(dir *x, const tabpair *t, bool create_all,
                            bool early)
{
    const ast_table *from = t_from(x, t), *to = t_to(x, t);
    const fkhold *h;
    const index_list *lf = pair_indexes(x, t, x->rev, x->d);
    const index_list *lt = pair_indexes(x, t, !x->rev, x->d);
    const char *name, *sql_from, *sql_to;
    int i;

    for (i = 0; i < lf->n && !create_all && !early; i++) {
        name = lf->names[i];
        sql_from = listed_index(lf, name);
        sql_to = listed_index(lt, name);
        if ((sql_to && strcmp(sql_to, sql_from) == 0) ||
            held(x->cover, name, true, false))
            continue;
        if (concurrently(x)) {
            buf_printf(x->concurrent, "DROP INDEX CONCURRENTLY IF EXISTS %s",
                       quoted(x->tc, x->d, name));
            stmt_end(x->concurrent);
        } else {
            buf_printf(x->sql, "DROP INDEX IF EXISTS %s",
                       quoted(x->tc, x->d, name));
            if (sc__dialect_of(x->d)->drop_index_on)
                buf_printf(x->sql, " ON %s", quoted(x->tc, x->d, to->name));
            stmt_end(x->sql);
        }
    }
    for (i = 0; i < lt->n; i++) {
        name = lt->names[i];
        sql_to = listed_index(lt, name);
        sql_from = create_all ? NULL : listed_index(lf, name);
        if (sql_from && strcmp(sql_to, sql_from) == 0)
            continue;
        if (!create_all &&
            early_index(x, from, lf, name, lt->items[i]) != early)
            continue;
        if (create_all) {
            buf_puts(x->sql, sql_to);
            stmt_end(x->sql);
        } else if ((h = held(x->cover, name, true, true)) != NULL &&
                   index_rest(sql_to)) {
            add_index_with(x, to, h, sql_to);
        } else {
            create_index(x, to, sql_to);
        }
    }
}

/* Guards for the constraints that to adds: duplicates under a new unique,
 * orphans under a new foreign key, rows failing a new check.  The queries
 * run against the from table, whose columns keep their names here when
 * they are not renamed. */
static bool converts(const dir *x, const ast_column *from,
                     const ast_column *to);

/* Whether sql names a column that the change adds, or (converted set)
 * one that it converts by a using, whose old values say nothing of the
 * new ones. */
static bool names_added_column(dir *x, const tabpair *t, const char *sql)
{
    buf q;
    bool found = false;
    int i;

    buf_init(&q);
    for (i = 0; i < t->ncols && !found; i++) {
        if (!c_to(x, &t->cols[i]) ||
            (c_from(x, &t->cols[i]) &&
             !converts(x, c_from(x, &t->cols[i]), c_to(x, &t->cols[i]))))
            continue;
        buf_reset(&q);
        emit_sql_quote(&q, x->d, c_to(x, &t->cols[i])->name);
        found = strstr(sql, q.data) != NULL;
    }
    buf_free(&q);
    return found;
}

/* The rows that a new UNIQUE over cols ("(\"a\", \"b\")") would find
 * twice: grouped by the columns themselves (SQLite has no row values in
 * GROUP BY), leaving out the rows with a NULL in any of them, which
 * UNIQUE accepts on both databases. */
static void unique_guard_query(buf *q, sql_dialect d, const char *table,
                               const char *cols)
{
    const char *p = cols + 1, *start;
    char qc = sc__dialect_of(d)->quote_close;
    buf cond;

    buf_init(&cond);
    while (*p == qc) {
        start = p++;
        while (*p && !(p[0] == qc && p[1] != qc))
            p += p[0] == qc ? 2 : 1;
        if (*p)
            p++;
        buf_printf(&cond, "%s%.*s IS NOT NULL", cond.len ? " AND " : "",
                   (int)(p - start), start);
        while (*p == ',' || *p == ' ')
            p++;
    }
    buf_printf(q, "SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s GROUP BY "
                  "%.*s HAVING count(*) > 1) AS d", table, cond.data,
               (int)(strlen(cols) - 2), cols + 1);
    buf_free(&cond);
}

static void constraint_guards(dir *x, const tabpair *t,
                              const sql_constraint_list *lf,
                              const sql_constraint_list *lt)
{
    const ast_table *from = t_from(x, t);
    const sql_constraint *c;
    const char *sql;
    buf q;
    int i;

    buf_init(&q);
    for (i = 0; i < lt->n; i++) {
        c = &lt->items[i];
        if (same_constraint(x, t, lf, c))
            continue;
        /* The guard runs before the change: in the from table's names,
         * which a column the change adds does not have yet (the
         * statement itself then fails, and the step rolls back). */
        if (names_added_column(x, t, c->sql))
            continue;
        sql = renamed_sql(x, t, c->sql, true);
        buf_reset(&q);
        if (strncmp(sql, "UNIQUE ", 7) == 0) {
            unique_guard_query(&q, x->d, quoted(x->tc, x->d, from->name),
                               sql + 7);
            guard(x, from->name, c->column, "duplicates under a new unique",
                  q.data);
        } else if (strncmp(sql, "PRIMARY KEY ", 12) == 0) {
            unique_guard_query(&q, x->d, quoted(x->tc, x->d, from->name),
                               sql + 12);
            guard(x, from->name, c->column,
                  "duplicates under a new primary key", q.data);
        } else if (strncmp(sql, "CHECK ", 6) == 0) {
            buf_printf(&q, "NOT %s", sql + 6);
            guard(x, from->name, c->column, c->what,
                  count_where(x->tc, x->d, from->name, q.data));
        }
    }
    buf_free(&q);
}

static bool same_names(const ast_name *a, const ast_name *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (strcmp(a->name, b->name) != 0)
            return false;
    return a == b;
}

/* Whether from has the composite foreign key it already. */
static bool has_fk_item(const ast_table *from, const ast_item *it)
{
    const ast_item *o;

    for (o = from->items; o; o = o->next)
        if (o->kind == AST_ITEM_FOREIGN_KEY && same_names(o->cols, it->cols) &&
            strcmp(o->ref->table, it->ref->table) == 0 &&
            same_names(o->ref->cols, it->ref->cols))
            return true;
    return false;
}

/* A new composite foreign key: the rows of from with every column of the
 * key set and no parent (a row with a NULL in it is not checked), when
 * both tables have the columns before the change. */
static void fk_item_guard(dir *x, const ast_table *from, const ast_item *it)
{
    const ast_table *parent = table_named(x->fc, it->ref->table);
    const ast_name *n, *m;
    buf set, match, q;

    if (!parent)
        return;
    for (n = it->cols, m = it->ref->cols; n && m; n = n->next, m = m->next)
        if (!column_named(from, n->name) || !column_named(parent, m->name))
            return;
    buf_init(&set);
    buf_init(&match);
    buf_init(&q);
    for (n = it->cols, m = it->ref->cols; n && m; n = n->next, m = m->next) {
        const char *qn = quoted(x->tc, x->d, n->name);

        buf_printf(&set, "c.%s IS NOT NULL AND ", qn);
        buf_printf(&match, "%sp.%s = c.%s", match.len ? " AND " : "",
                   quoted(x->tc, x->d, m->name), qn);
    }
    buf_printf(&q, "SELECT count(*) FROM %s AS c WHERE %sNOT EXISTS (SELECT "
                   "1 FROM %s AS p WHERE %s)", quoted(x->tc, x->d, from->name),
               set.data, quoted(x->tc, x->d, parent->name), match.data);
    guard(x, from->name, NULL, "rows whose parent does not exist", q.data);
    buf_free(&set);
    buf_free(&match);
    buf_free(&q);
}

/* Foreign keys that to adds: rows of from whose key has no parent. */
static void fk_guards(dir *x, const ast_table *from, const ast_table *to)
{
    const ast_column *c, *old;
    const ast_item *it;
    buf q;

    for (c = to->columns; c; c = c->next) {
        const ast_table *parent;

        if (!c->ref || c->ref->cols->next)
            continue;
        old = column_named(from, c->name);
        if (!old || (old->ref && strcmp(old->ref->table, c->ref->table) == 0))
            continue;
        parent = table_named(x->fc, c->ref->table);
        if (!parent)
            continue;
        buf_init(&q);
        buf_printf(&q,
                   "SELECT count(*) FROM %s AS c WHERE c.%s IS NOT NULL "
                   "AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE p.%s = "
                   "c.%s)",
                   quoted(x->tc, x->d, from->name),
                   quoted(x->tc, x->d, c->name),
                   quoted(x->tc, x->d, parent->name),
                   quoted(x->tc, x->d, c->ref->cols->name),
                   quoted(x->tc, x->d, c->name));
        guard(x, from->name, c->name, "rows whose parent does not exist",
              q.data);
        buf_free(&q);
    }
    for (it = to->items; it; it = it->next)
        if (it->kind == AST_ITEM_FOREIGN_KEY && it->cols->next &&
            !has_fk_item(from, it))
            fk_item_guard(x, from, it);
}

/* The column as CREATE TABLE has it, less its indent, and the end. */
static void add_column_def(dir *x, const ast_table *t, const ast_column *c)
{
    buf b;

    buf_init(&b);
    emit_sql_alter_column_def(x->tc, &b, x->d, t, c);
    buf_puts(x->sql, b.data + strspn(b.data, " "));
    buf_free(&b);
    stmt_end(x->sql);
}

/* ---------------------------------------------------------------------
 * SQLite: rename, add plain columns, or rebuild
 * ------------------------------------------------------------------- */

/* A column SQLite's ADD COLUMN can add as it stands in CREATE TABLE:
 * nullable, with no default other than a constant and no constraint. */
static bool plain_column(const ast_column *c)
{
    return c->nullable && !given(&c->unique) && !c->ref && !c->check &&
           (!c->dflt || c->dflt->kind != AST_LIT_NOW) &&
           (c->type.kind == AST_T_TEXT || c->type.kind == AST_T_INT64 ||
            c->type.kind == AST_T_FLOAT64 || c->type.kind == AST_T_FLOAT32 ||
            c->type.kind == AST_T_BYTES || c->type.kind == AST_T_DATE ||
            c->type.kind == AST_T_TIMESTAMP ||
            (c->type.kind == AST_T_NUMERIC && !model_is_scaled(&c->type)));
}

static bool needs_rebuild(dir *x, const tabpair *t,
                          const sql_constraint_list *lf,
                          const sql_constraint_list *lt)
{
    const ast_table *from = t_from(x, t), *to = t_to(x, t);
    const colpair *c;
    int i;

    if (strcmp(from->name, to->name) != 0 || lf->n != lt->n)
        return true;
    for (i = 0; i < lt->n; i++)
        if (!find_constraint(lf, &lt->items[i]))
            return true;
    for (i = 0; i < t->ncols; i++) {
        c = &t->cols[i];
        if (!c_to(x, c))
            return true;
        if (!c_from(x, c)) {
            if (!plain_column(c_to(x, c)))
                return true;
            continue;
        }
        if (!same_type(&c_from(x, c)->type, &c_to(x, c)->type) ||
            !same_decl(c_from(x, c), c_to(x, c), x->d) ||
            c_from(x, c)->nullable != c_to(x, c)->nullable ||
            c_from(x, c)->is_pk != c_to(x, c)->is_pk ||
            !pair_same_default(x->p, c, x->d))
            return true;
    }
    return false;
}

/* Expression e of column col (a backfill or a using) as SQL, in the
 * names of the to schema, or with from_names in those of the from table
 * (which the rows of a rebuild are read from). */
static const char *migration_expr(dir *x, const tabpair *t,
                                  const ast_expr *e, const ast_column *col,
                                  bool from_names)
{
    buf b;
    const char *s;

    buf_init(&b);
    emit_sql_expr(x->tc, &b, x->d, e, col);
    s = from_names ? renamed_sql(x, t, b.data, true)
                   : ast_strdup(x->tc, b.data);
    buf_free(&b);
    return s;
}

/* Whether this direction fills column to (from before it, NULL when it
 * is new) by its backfill: a column new or newly not null. */
static bool backfills(const ast_column *from, const ast_column *to)
{
    return to->backfill && (!from || (from->nullable && !to->nullable));
}

/* Whether this direction converts column from into to by to's using:
 * up only, since the expression reads the row as it was. */
static bool converts(const dir *x, const ast_column *from,
                     const ast_column *to)
{
    return !x->rev && from && to->using_ && !same_type(&from->type, &to->type);
}

/* The value of column to in the rebuilt table, from the old row. */
static void copy_expr(dir *x, const tabpair *t, buf *b,
                      const ast_column *from, const ast_column *to)
{
    const char *dflt;
    int64_t i;

    if (!from) {
        dflt = default_sql(x->tc, x->d, to);
        if (backfills(from, to))
            buf_puts(b, migration_expr(x, t, to->backfill, to, true));
        else
            buf_puts(b, dflt ? dflt : "NULL");
        return;
    }
    if (converts(x, from, to)) {
        buf_puts(b, migration_expr(x, t, to->using_, to, true));
        return;
    }
    if (backfills(from, to)) {
        buf_puts(b, "coalesce(");
        emit_sql_quote(b, x->d, from->name);
        buf_printf(b, ", %s)", migration_expr(x, t, to->backfill, to, true));
        return;
    }
    if (from->type.kind == AST_T_NUMERIC && to->type.kind == AST_T_NUMERIC &&
        model_is_scaled(&from->type) && from->type.b != to->type.b) {
        emit_sql_quote(b, x->d, from->name);
        buf_puts(b, from->type.b < to->type.b ? " * 1" : " / 1");
        for (i = 0; i < llabs(to->type.b - from->type.b); i++)
            buf_putc(b, '0');
        return;
    }
    emit_sql_quote(b, x->d, from->name);
}

/* UPDATE t SET c = (backfill) WHERE c IS NULL, in the to schema's
 * names (the table and its columns are renamed already). */
static void fill(dir *x, const tabpair *t, const ast_column *c)
{
    const char *qc = quoted(x->tc, x->d, c->name);

    buf_printf(x->sql, "UPDATE %s SET %s = %s WHERE %s IS NULL",
               quoted(x->tc, x->d, t_to(x, t)->name), qc,
               migration_expr(x, t, c->backfill, c, false), qc);
    stmt_end(x->sql);
    lint(x, t_to(x, t)->name, "UPDATE of every row, filling \"%s\", locks "
         "the rows it writes until the %s commits; for a large table leave "
         "out the backfill and fill it in batches in a migration of its own",
         c->name, sc__dialect_of(x->d)->transactional_ddl ? "migration"
                                                         : "statement");
}

/* AUTOINCREMENT: the new copy takes over the old table's counter, so an
 * id deleted before the rebuild is not handed out again (the copy's own
 * counter only knows the ids it holds).  RENAME TO carries it over. */
static void keep_sequence(dir *x, const char *old, const char *tmp)
{
    const char *qo = sql_string(x->tc, old), *qt = sql_string(x->tc, tmp);

    buf_printf(x->sql, "DELETE FROM sqlite_sequence WHERE name = %s", qt);
    stmt_end(x->sql);
    buf_printf(x->sql, "INSERT INTO sqlite_sequence (name, seq)\n    SELECT "
                       "%s, seq FROM sqlite_sequence WHERE name = %s", qt, qo);
    stmt_end(x->sql);
}

static void sqlite_rebuild(dir *x, const tabpair *t)
{
    const ast_table *from = t_from(x, t), *to = t_to(x, t);
    const char *tmp;
    bool first = true;
    buf n;
    int i;

    buf_init(&n);
    buf_printf(&n, "%s__new", to->name);
    tmp = ast_strdup(x->tc, n.data);
    buf_free(&n);
    emit_sql_create_table(x->tc, x->sql, x->d, to, tmp);
    stmt_end(x->sql);
    buf_printf(x->sql, "INSERT INTO %s (", quoted(x->tc, x->d, tmp));
    for (i = 0; i < t->ncols; i++) {
        if (!c_to(x, &t->cols[i]))
            continue;
        buf_printf(x->sql, "%s%s", first ? "" : ", ",
                   quoted(x->tc, x->d, c_to(x, &t->cols[i])->name));
        first = false;
    }
    buf_puts(x->sql, ")\n    SELECT ");
    first = true;
    for (i = 0; i < t->ncols; i++) {
        if (!c_to(x, &t->cols[i]))
            continue;
        if (!first)
            buf_puts(x->sql, ", ");
        copy_expr(x, t, x->sql, c_from(x, &t->cols[i]),
                  c_to(x, &t->cols[i]));
        first = false;
    }
    buf_printf(x->sql, " FROM %s", quoted(x->tc, x->d, from->name));
    stmt_end(x->sql);
    if (to->autoinc)
        keep_sequence(x, from->name, tmp);
    buf_printf(x->sql, "DROP TABLE %s", quoted(x->tc, x->d, from->name));
    stmt_end(x->sql);
    buf_printf(x->sql, "ALTER TABLE %s RENAME TO %s", quoted(x->tc, x->d, tmp),
               quoted(x->tc, x->d, to->name));
    stmt_end(x->sql);
    diff_indexes(x, t, true);
    *x->fk_off = true;
}

static void sqlite_alter(dir *x, const tabpair *t,
                         const sql_constraint_list *lf,
                         const sql_constraint_list *lt)
{
    const ast_table *to = t_to(x, t);
    const colpair *c;
    int i;

    if (needs_rebuild(x, t, lf, lt)) {
        sqlite_rebuild(x, t);
        return;
    }
    for (i = 0; i < t->ncols; i++) {
        c = &t->cols[i];
        if (c_from(x, c) && strcmp(c_from(x, c)->name, c_to(x, c)->name)) {
            buf_printf(x->sql, "ALTER TABLE %s RENAME COLUMN %s TO %s",
                       quoted(x->tc, x->d, to->name),
                       quoted(x->tc, x->d, c_from(x, c)->name),
                       quoted(x->tc, x->d, c_to(x, c)->name));
            stmt_end(x->sql);
        }
        if (!c_from(x, c)) {
            buf_printf(x->sql, "ALTER TABLE %s ADD COLUMN ",
                       quoted(x->tc, x->d, to->name));
            add_column_def(x, to, c_to(x, c));
            if (backfills(NULL, c_to(x, c)))
                fill(x, t, c_to(x, c));
        }
    }
    diff_indexes(x, t, false);
}

/* ---------------------------------------------------------------------
 * PostgreSQL: ALTER TABLE in place
 * ------------------------------------------------------------------- */

/* Whether a change of type from a to b keeps every stored value as it
 * is, so PostgreSQL neither rewrites the table nor scans it: varchar
 * made longer, or text. */
static bool pg_relabels(const dir *x, const ast_column *a,
                        const ast_column *b)
{
    return conversion(&a->type, &b->type) == CONV_WIDEN &&
           (b->type.kind == AST_T_TEXT || b->type.kind == AST_T_VARCHAR) &&
           !b->sql_type[x->d];
}

static bool volatile_default(const char *sql)
{
    static const char *const fns[] = {"random(", "clock_timestamp(",
                                      "gen_random_uuid(", "nextval("};
    size_t i;

    for (i = 0; sql && i < sizeof fns / sizeof fns[0]; i++)
        if (strstr(sql, fns[i]))
            return true;
    return false;
}

/* SET NOT NULL without holding the table while it is scanned: a check
 * (col IS NOT NULL) added NOT VALID, validated in a part of its own
 * (which locks out no reader or writer), then SET NOT NULL, which finds
 * the validated check and does not scan, and the check dropped. */
static void pg_set_not_null(dir *x, const ast_table *to, const ast_column *c)
{
    const char *qt = quoted(x->tc, x->d, to->name),
               *qc = quoted(x->tc, x->d, c->name);
    buf rest;
    const char *name;

    buf_init(&rest);
    buf_printf(&rest, "%s_not_null", c->name);
    name = quoted(x->tc, x->d, emit_sql_constraint_name(x->tc, "ck", to->name,
                                                  rest.data));
    buf_free(&rest);
    buf_printf(x->sql, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT "
                       "NULL) NOT VALID", qt, name, qc);
    stmt_end(x->sql);
    buf_printf(x->validate, "ALTER TABLE %s VALIDATE CONSTRAINT %s", qt,
               name);
    stmt_end(x->validate);
    buf_printf(x->after, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", qt,
               qc);
    stmt_end(x->after);
    buf_printf(x->after, "ALTER TABLE %s DROP CONSTRAINT %s", qt, name);
    stmt_end(x->after);
}

/* Column c of table t as MODIFY COLUMN takes it: its definition in
 * CREATE TABLE without the inline PRIMARY KEY (the key stays), made
 * nullable when open. */
static void modify_def(ast_ctx *ctx, sql_dialect d, const ast_table *t,
                       const ast_column *c, bool open, buf *out)
{
    ast_column o = *c;
    buf b;
    char *pk;
    size_t skip;

    if (open)
        o.nullable = true;
    buf_init(&b);
    emit_sql_alter_column_def(ctx, &b, d, t, open ? &o : c);
    skip = strspn(b.data, " ");
    pk = strstr(b.data + skip + strlen(c->name) + 2, " PRIMARY KEY");
    if (pk != NULL)
        memmove(pk, pk + 12, strlen(pk + 12) + 1);
    buf_puts(out, b.data + skip);
    buf_free(&b);
}

/* A column whose definition changes where one MODIFY COLUMN carries it
 * whole (MariaDB): the type, nullability and default at once.  A using
 * fills a new column beside the old, which then takes its place; a
 * backfill comes before the NOT NULL that needs it. */
static void modify_column(dir *x, const tabpair *t, const ast_column *a,
                          const ast_column *b)
{
    const ast_table *from = t_from(x, t), *to = t_to(x, t);
    const char *qt = quoted(x->tc, x->d, to->name),
               *qc = quoted(x->tc, x->d, b->name);
    buf da, db, tmp;
    size_t na = strlen(a->name) + 2, nb = strlen(b->name) + 2;

    buf_init(&da);
    buf_init(&db);
    modify_def(x->fc, x->d, from, a, false, &da);
    modify_def(x->tc, x->d, to, b, false, &db);
    if (converts(x, a, b)) {
        ast_column n = *b;

        buf_init(&tmp);
        buf_printf(&tmp, "%s__new", b->name);
        n.name = tmp.data;
        buf_printf(x->sql, "ALTER TABLE %s ADD COLUMN ", qt);
        modify_def(x->tc, x->d, to, &n, true, x->sql);
        buf_printf(x->sql, " AFTER %s", qc);
        stmt_end(x->sql);
        buf_printf(x->sql, "UPDATE %s SET %s = %s", qt,
                   quoted(x->tc, x->d, tmp.data),
                   migration_expr(x, t, b->using_, b, false));
        stmt_end(x->sql);
        buf_printf(x->sql, "ALTER TABLE %s DROP COLUMN %s", qt, qc);
        stmt_end(x->sql);
        buf_printf(x->sql, "ALTER TABLE %s RENAME COLUMN %s TO %s", qt,
                   quoted(x->tc, x->d, tmp.data), qc);
        stmt_end(x->sql);
        buf_free(&tmp);
        if (!b->nullable) {
            buf_printf(x->sql, "ALTER TABLE %s MODIFY COLUMN %s", qt,
                       db.data);
            stmt_end(x->sql);
        }
        lint(x, to->name, "the using of \"%s\" adds a column, fills "
             "every row and drops the old column, each copying the table; "
             "for a large table fill it in batches in migrations of their "
             "own", b->name);
    } else if (strcmp(da.data + na, db.data + nb) != 0) {
        if (backfills(a, b)) {
            if (!same_decl(a, b, x->d) || !same_type(&a->type, &b->type)) {
                buf_printf(x->sql, "ALTER TABLE %s MODIFY COLUMN ", qt);
                modify_def(x->tc, x->d, to, b, true, x->sql);
                stmt_end(x->sql);
            }
            fill(x, t, b);
        }
        buf_printf(x->sql, "ALTER TABLE %s MODIFY COLUMN %s", qt, db.data);
        stmt_end(x->sql);
        if (!same_type(&a->type, &b->type) || !same_decl(a, b, x->d))
            lint(x, to->name, "MODIFY COLUMN \"%s\" copies the table and "
                 "its indexes, which blocks its writers; for a large table "
                 "add a column of the new type, fill it in batches and "
                 "switch over in migrations of their own", b->name);
    }
    buf_free(&da);
    buf_free(&db);
}

/* NOT NULL on column c of to, after its backfill. */
static void set_not_null(dir *x, const ast_table *to, const ast_column *c)
{
    if (!sc__dialect_of(x->d)->modify_column) {
        pg_set_not_null(x, to, c);
        return;
    }
    buf_printf(x->sql, "ALTER TABLE %s MODIFY COLUMN ",
               quoted(x->tc, x->d, to->name));
    modify_def(x->tc, x->d, to, c, false, x->sql);
    stmt_end(x->sql);
}

static void pg_column_changes(dir *x, const tabpair *t, const ast_column *a,
                              const ast_column *b)
{
    const ast_table *to = t_to(x, t);
    const char *qt = quoted(x->tc, x->d, to->name),
               *qc = quoted(x->tc, x->d, b->name);
    const char *dflt;

    if (sc__dialect_of(x->d)->modify_column) {
        modify_column(x, t, a, b);
        return;
    }

    if (same_type(&a->type, &b->type) && a->type.local != b->type.local &&
        same_text(a->sql_type[x->d], b->sql_type[x->d]) &&
        same_collation(a, b, x->d) && !b->sql_type[x->d]) {
        /* The same instant as a UTC reading, or the other way. */
        buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s TYPE ", qt, qc);
        emit_sql_column_type(x->sql, x->d, b);
        buf_printf(x->sql, " USING %s AT TIME ZONE 'UTC'", qc);
        stmt_end(x->sql);
        lint(x, to->name, "ALTER COLUMN \"%s\" TYPE rewrites the table "
             "under an ACCESS EXCLUSIVE lock, which stops its readers and "
             "writers; for a large table add a column of the new type, fill "
             "it in batches and switch over in migrations of their own",
             b->name);
    } else if (same_type(&a->type, &b->type) &&
               !same_collation(a, b, x->d) &&
               same_text(a->sql_type[x->d],
                         b->sql_type[x->d]) &&
               a->type.local == b->type.local) {
        /* the collation alone: the values stay, the indexes are rebuilt */
        buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s TYPE ", qt, qc);
        emit_sql_column_type(x->sql, x->d, b);
        if (emit_sql_collation(x->d, b))
            emit_sql_collate(x->sql, x->d, b);
        else
            buf_puts(x->sql, " COLLATE \"default\"");
        stmt_end(x->sql);
        lint(x, to->name, "ALTER COLUMN \"%s\" TYPE ... COLLATE rebuilds "
             "the column's indexes under an ACCESS EXCLUSIVE lock, which "
             "stops the table's readers and writers", b->name);
    } else if (!same_type(&a->type, &b->type) ||
               !same_decl(a, b, x->d)) {
        buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s TYPE ", qt, qc);
        emit_sql_column_type(x->sql, x->d, b);
        emit_sql_collate(x->sql, x->d, b);
        if (converts(x, a, b)) {
            buf_printf(x->sql, " USING %s",
                       migration_expr(x, t, b->using_, b, false));
        } else {
            buf_printf(x->sql, " USING %s%s::", qc,
                       b->type.kind == AST_T_NAMED ? "::text" : "");
            emit_sql_column_type(x->sql, x->d, b);
        }
        stmt_end(x->sql);
        if (!pg_relabels(x, a, b))
            lint(x, to->name, "ALTER COLUMN \"%s\" TYPE rewrites the "
                 "table and its indexes under an ACCESS EXCLUSIVE lock, "
                 "which stops its readers and writers; for a large table add "
                 "a column of the new type, fill it in batches and switch "
                 "over in migrations of their own", b->name);
    }
    if (backfills(a, b))
        fill(x, t, b);
    if (a->nullable != b->nullable) {
        if (b->nullable) {
            buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL",
                       qt, qc);
            stmt_end(x->sql);
        } else {
            pg_set_not_null(x, to, b);
        }
    }
    if (!same_default(x->fc, x->tc, a, b)) {
        dflt = default_sql(x->tc, x->d, b);
        if (dflt)
            buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
                       qt, qc, dflt);
        else
            buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT",
                       qt, qc);
        stmt_end(x->sql);
    }
}

/* A new column: as CREATE TABLE has it, unless a backfill fills it, which
 * needs it nullable until then. */
static void pg_add_column(dir *x, const tabpair *t, const ast_column *c)
{
    const ast_table *to = t_to(x, t);
    ast_column open;
    const char *dflt = default_sql(x->tc, x->d, c);

    buf_printf(x->sql, "ALTER TABLE %s ADD COLUMN ",
               quoted(x->tc, x->d, to->name));
    if (!backfills(NULL, c)) {
        add_column_def(x, to, c);
    } else {
        open = *c;
        open.nullable = true;
        add_column_def(x, to, &open);
        fill(x, t, c);
        if (!c->nullable)
            set_not_null(x, to, c);
    }
    if (volatile_default(dflt))
        lint(x, to->name, "ADD COLUMN \"%s\" with the volatile default %s "
             "rewrites the table under an ACCESS EXCLUSIVE lock; add it "
             "without a default, set the default, then fill the rows in "
             "batches", c->name, dflt);
}

static bool t_single_pk(const ast_table *t)
{
    const ast_column *pk[2];

    return model_primary_key(t, pk, 2) == 1;
}

/* The one column of a one-column primary key, or NULL. */
static const ast_column *single_pk(const ast_table *t)
{
    const ast_column *pk[2];

    return model_primary_key(t, pk, 2) == 1 ? pk[0] : NULL;
}

/* The name the schema gives t's primary key, or NULL. */
static const char *pk_given_name(const ast_table *t)
{
    const ast_item *it = ast_table_pk_item(t);

    return it ? it->name : NULL;
}

/* The name of t's one-column key once its table is called as: the
 * schema's, else the server's "<as>_pkey". */
static const char *pg_pk_name(ast_ctx *ctx, const ast_table *t,
                              const ast_table *as)
{
    return pk_given_name(t) ? pk_given_name(t) : emit_sql_pk_name(ctx, as);
}

/* Whether the one-column keys of the pair differ (by the column they
 * continue, or by name), so PostgreSQL's constraint must go or come. */
static bool single_pk_changed(dir *x, const tabpair *t)
{
    const ast_column *a = single_pk(t_from(x, t));
    const ast_column *b = single_pk(t_to(x, t));
    int i;

    if (!a || !b)
        return a != b;
    if (strcmp(pg_pk_name(x->fc, t_from(x, t), t_to(x, t)),
               pg_pk_name(x->tc, t_to(x, t), t_to(x, t))) != 0)
        return true;
    for (i = 0; i < t->ncols; i++)
        if (c_to(x, &t->cols[i]) == b)
            return c_from(x, &t->cols[i]) != a;
    return true;
}

/* A one-column key is the inline PRIMARY KEY PostgreSQL names
 * "<table>_pkey" unless the schema names it (a composite one is
 * pk_<table>, in the constraints). */
static void pg_drop_single_pk(dir *x, const tabpair *t)
{
    const char *drop = sc__dialect_of(x->d)->drop_pk;

    if (!single_pk(t_from(x, t)) || !single_pk_changed(x, t))
        return;
    if (drop != NULL)
        buf_printf(x->sql, "ALTER TABLE %s %s",
                   quoted(x->tc, x->d, t_to(x, t)->name), drop);
    else
        buf_printf(x->sql, "ALTER TABLE %s DROP CONSTRAINT %s",
                   quoted(x->tc, x->d, t_to(x, t)->name),
                   quoted(x->tc, x->d,
                          pg_pk_name(x->fc, t_from(x, t), t_to(x, t))));
    stmt_end(x->sql);
}

static void pg_add_single_pk(dir *x, const tabpair *t)
{
    const ast_column *b = single_pk(t_to(x, t));
    const char *name = pk_given_name(t_to(x, t));

    if (!b || !single_pk_changed(x, t))
        return;
    buf_printf(x->sql, "ALTER TABLE %s ADD ",
               quoted(x->tc, x->d, t_to(x, t)->name));
    if (name && sc__dialect_of(x->d)->pk_named)
        buf_printf(x->sql, "CONSTRAINT %s ", quoted(x->tc, x->d, name));
    buf_printf(x->sql, "PRIMARY KEY (%s)", quoted(x->tc, x->d, b->name));
    stmt_end(x->sql);
    if (sc__dialect_of(x->d)->concurrent_index)
        lint(x, t_to(x, t)->name, "ADD PRIMARY KEY builds its index under an "
         "ACCESS EXCLUSIVE lock, which stops readers and writers; safer: "
         "CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then "
         "ADD PRIMARY KEY USING INDEX");
}

/* Whether from-constraint c lives on in the to table under some name. */
static bool continued(dir *x, const tabpair *t, const sql_constraint_list *lt,
                      const sql_constraint *c)
{
    const char *want = renamed_sql(x, t, c->sql, false);
    int i;

    for (i = 0; i < lt->n; i++)
        if (strcmp(lt->items[i].sql, want) == 0)
            return true;
    return false;
}

/* PostgreSQL alters every kept table in steps taken across all of them:
 * first the foreign keys go, then the keys they may need, then the
 * columns change, then the keys come back, then the foreign keys, so
 * that a composite key a composite foreign key references can change
 * under it, up and down. */
typedef struct pgtab {
    const tabpair *t;
    sql_constraint_list lf, lt; /* the pair's own (constraints_in()) */
    bool changed;
    bool gone; /* a table this direction drops (after the others) */
    fkcover *cover; /* MariaDB: fk_cover(), or NULL */
} pgtab;

static void pg_rename_table(dir *x, const tabpair *t)
{
    const ast_table *from = t_from(x, t), *to = t_to(x, t);
    const char *qt = quoted(x->tc, x->d, to->name);

    if (strcmp(from->name, to->name) == 0)
        return;
    buf_printf(x->sql, "ALTER TABLE %s RENAME TO %s",
               quoted(x->tc, x->d, from->name), qt);
    stmt_end(x->sql);
    /* A one-column key is the server's "<table>_pkey": follow the
     * table, so the database matches a fresh create_all. */
    if (t_single_pk(from) && !pk_given_name(from) &&
        sc__dialect_of(x->d)->pk_named) {
        buf_printf(x->sql, "ALTER TABLE %s RENAME CONSTRAINT \"%s_pkey\" "
                           "TO \"%s_pkey\"", qt, from->name, to->name);
        stmt_end(x->sql);
    }
}

/* Whether from-constraint c goes: neither kept nor continued. */
static bool pg_goes(dir *x, const pgtab *g, const sql_constraint *c)
{
    return !find_constraint(&g->lt, c) && !continued(x, g->t, &g->lt, c);
}

/* The column list "(\"a\", \"b\")" at the first '(' of sql, in the
 * quotes of dialect d, as long as it runs (quoted names hold no ')'
 * unquoted). */
static size_t col_list_len(sql_dialect d, const char *l)
{
    const char *p = l;
    char q = sc__dialect_of(d)->quote_close;
    bool in = false;

    for (; *p && (in || *p != ')'); p++)
        if (*p == q)
            in = !in;
    return (size_t)(p - l) + (*p == ')');
}

/* Whether the pair drops the key (primary or unique) over the columns
 * cols ("(\"a\", \"b\")"), which a foreign key references. */
static bool pg_drops_key(dir *x, const pgtab *g, const char *cols,
                         size_t len)
{
    const sql_constraint *c;
    const ast_column *pk = single_pk(t_from(x, g->t));
    const char *l;
    buf one;
    bool hit;
    int i;

    for (i = 0; i < g->lf.n; i++) {
        c = &g->lf.items[i];
        if (c->is_fk || strncmp(c->sql, "CHECK", 5) == 0 || !pg_goes(x, g, c))
            continue;
        l = strchr(c->sql, '(');
        if (l && col_list_len(x->d, l) == len && strncmp(l, cols, len) == 0)
            return true;
    }
    if (!pk || !single_pk_changed(x, g->t))
        return false;
    buf_init(&one);
    buf_putc(&one, '(');
    emit_sql_quote(&one, x->d, pk->name);
    buf_putc(&one, ')');
    hit = one.len == len && strncmp(one.data, cols, len) == 0;
    buf_free(&one);
    return hit;
}

/* Whether foreign key c references the table called table; *cols is
 * set to the list of columns it references. */
static bool references(ast_ctx *ctx, sql_dialect d, const sql_constraint *c,
                       const char *table, const char **cols)
{
    const char *r = strstr(c->sql, " REFERENCES ");
    const char *q = quoted(ctx, d, table);

    if (!r || strncmp(r + 12, q, strlen(q)) != 0 || r[12 + strlen(q)] != ' ')
        return false;
    *cols = r + 13 + strlen(q);
    return true;
}

/* Whether a foreign key of the to schema references the columns cols
 * ("(...)") of table t, which a unique it needs must then be over before
 * the foreign keys are added. */
static bool key_referenced(dir *x, const ast_table *t, const char *cols)
{
    sql_constraint_list l = {0};
    const ast_table *o;
    const char *r;
    bool hit = false;
    int i;

    for (o = x->tc->schema->tables; o && !hit; o = o->next) {
        emit_sql_constraints(x->tc, x->d, o, &l);
        for (i = 0; i < l.n && !hit; i++)
            hit = l.items[i].is_fk &&
                  references(x->tc, x->d, &l.items[i], t->name, &r) &&
                  col_list_len(x->d, r) == col_list_len(x->d, cols) &&
                  strncmp(r, cols, col_list_len(x->d, cols)) == 0;
        sql_constraint_list_free(&l);
    }
    return hit;
}

/* A UNIQUE on a table that has rows, when no foreign key needs it in the
 * meantime: its index built CONCURRENTLY, then made the constraint by
 * ADD CONSTRAINT ... USING INDEX in a part after, which holds the table
 * only for a moment. */
static bool pg_unique_concurrently(dir *x, const ast_table *to,
                                   const sql_constraint *c)
{
    const char *qt = quoted(x->tc, x->d, to->name),
               *qn = quoted(x->tc, x->d, c->name);

    if (strncmp(c->sql, "UNIQUE (", 8) != 0 || !concurrently(x) ||
        !x->attach || key_referenced(x, to, c->sql + 7))
        return false;
    buf_printf(x->concurrent, "CREATE UNIQUE INDEX CONCURRENTLY %s ON %s %s",
               qn, qt, c->sql + 7);
    stmt_end(x->concurrent);
    buf_printf(x->attach, "ALTER TABLE %s ADD CONSTRAINT %s UNIQUE USING "
                          "INDEX %s", qt, qn, qn);
    stmt_end(x->attach);
    return true;
}

/* ADD CONSTRAINT on a table that has rows: a foreign key or a check is
 * added NOT VALID, which holds the table only for a moment, and
 * validated in a part of its own, which stops no reader or writer. */
static void pg_add_constraint(dir *x, const tabpair *t, const ast_table *to,
                              const sql_constraint *c)
{
    const char *qt = quoted(x->tc, x->d, to->name),
               *qn = quoted(x->tc, x->d, c->name);
    bool later = sc__dialect_of(x->d)->not_valid &&
                 (c->is_fk || strncmp(c->sql, "CHECK", 5) == 0);

    /* Only over columns the table had, whose duplicates a guard counts
     * before anything changes: a part that fails after others committed
     * leaves the database between the two. */
    if (t && !names_added_column(x, t, c->sql) &&
        pg_unique_concurrently(x, to, c))
        return;
    /* no guard can count what a column not there yet will hold */
    if (t && names_added_column(x, t, c->sql) &&
        !sc__dialect_of(x->d)->transactional_ddl && !c->is_fk)
        lint(x, to->name, "ADD CONSTRAINT \"%s\" names a column this "
             "migration adds, which no guard can count beforehand; should "
             "it fail, the statements before it stay and migrate up "
             "resumes at it", c->name);
    buf_printf(x->sql, "ALTER TABLE %s ADD CONSTRAINT %s %s%s", qt, qn,
               c->sql, later ? " NOT VALID" : "");
    stmt_end(x->sql);
    if (later) {
        buf_printf(x->validate, "ALTER TABLE %s VALIDATE CONSTRAINT %s", qt,
                   qn);
        stmt_end(x->validate);
    } else if (!c->is_fk && strncmp(c->sql, "CHECK", 5) != 0 &&
               sc__dialect_of(x->d)->concurrent_index) {
        lint(x, to->name, "ADD CONSTRAINT \"%s\" %s builds its index "
             "under an ACCESS EXCLUSIVE lock, which stops readers and "
             "writers; safer: CREATE UNIQUE INDEX CONCURRENTLY in a "
             "migration of its own, then ADD CONSTRAINT ... USING INDEX",
             c->name, strncmp(c->sql, "UNIQUE", 6) == 0 ? "UNIQUE"
                                                        : "PRIMARY KEY");
    }
}

/* ALTER TABLE qt DROP constraint c, as its dialect drops its kind. */
static void drop_constraint(dir *x, const char *qt, const sql_constraint *c)
{
    const sc__dialect *dl = sc__dialect_of(x->d);

    if (strncmp(c->sql, "PRIMARY KEY", 11) == 0 && dl->drop_pk != NULL)
        buf_printf(x->sql, "ALTER TABLE %s %s", qt, dl->drop_pk);
    else
        buf_printf(x->sql, "ALTER TABLE %s %s %s", qt,
                   c->is_fk                             ? dl->drop_fk
                   : strncmp(c->sql, "CHECK", 5) == 0   ? dl->drop_check
                                                        : dl->drop_key,
                   quoted(x->tc, x->d, c->name));
    stmt_end(x->sql);
}

static void pg_drop_constraints(dir *x, const pgtab *g, bool fks)
{
    const char *qt = quoted(x->tc, x->d, t_to(x, g->t)->name);
    int i;

    for (i = 0; i < g->lf.n; i++)
        if (g->lf.items[i].is_fk == fks && pg_goes(x, g, &g->lf.items[i]) &&
            !held(g->cover, g->lf.items[i].name, false, false))
            drop_constraint(x, qt, &g->lf.items[i]);
    for (i = 0; fks && g->cover && i < g->cover->nreadd; i++)
        drop_constraint(x, qt, g->cover->readd[i]);
}

static void pg_columns(dir *x, const tabpair *t)
{
    const char *qt = quoted(x->tc, x->d, t_to(x, t)->name);
    const colpair *c;
    int i;

    /* Renames first, so every later statement (a using, a backfill)
     * reads the columns by the names of the to schema. */
    for (i = 0; i < t->ncols; i++) {
        c = &t->cols[i];
        if (c_from(x, c) && c_to(x, c) &&
            strcmp(c_from(x, c)->name, c_to(x, c)->name) != 0) {
            buf_printf(x->sql, "ALTER TABLE %s RENAME COLUMN %s TO %s", qt,
                       quoted(x->tc, x->d, c_from(x, c)->name),
                       quoted(x->tc, x->d, c_to(x, c)->name));
            stmt_end(x->sql);
        }
    }
    for (i = 0; i < t->ncols; i++) {
        c = &t->cols[i];
        if (!c_to(x, c)) {
            buf_printf(x->sql, "ALTER TABLE %s DROP COLUMN %s", qt,
                       quoted(x->tc, x->d, c_from(x, c)->name));
            stmt_end(x->sql);
        } else if (!c_from(x, c)) {
            pg_add_column(x, t, c_to(x, c));
        } else {
            pg_column_changes(x, t, c_from(x, c), c_to(x, c));
        }
    }
}

static void pg_add_constraints(dir *x, const pgtab *g, bool fks)
{
    const ast_table *to = t_to(x, g->t);
    const char *qt = quoted(x->tc, x->d, to->name);
    const sql_constraint *old, *c;
    const fkhold *h;
    int i;

    for (i = 0; i < g->lt.n; i++) {
        c = &g->lt.items[i];
        if (c->is_fk != fks)
            continue;
        if ((h = held(g->cover, c->name, false, true)) != NULL) {
            /* the key a foreign key uses goes as this one comes */
            buf_printf(x->sql, "ALTER TABLE %s %s %s, ADD CONSTRAINT %s %s",
                       qt, sc__dialect_of(x->d)->drop_key,
                       quoted(x->tc, x->d, h->drop),
                       quoted(x->tc, x->d, c->name), c->sql);
            stmt_end(x->sql);
            continue;
        }
        old = same_constraint(x, g->t, &g->lf, c);
        if (old && strcmp(old->name, c->name) == 0)
            continue;
        if (old && strncmp(c->sql, "UNIQUE", 6) == 0 &&
            sc__dialect_of(x->d)->rename_key) {
            /* a foreign key may use its index: renamed in place */
            buf_printf(x->sql, "ALTER TABLE %s %s %s TO %s", qt,
                       sc__dialect_of(x->d)->rename_key,
                       quoted(x->tc, x->d, old->name),
                       quoted(x->tc, x->d, c->name));
            stmt_end(x->sql);
        } else if (old && sc__dialect_of(x->d)->rename_constraint) {
            buf_printf(x->sql, "ALTER TABLE %s RENAME CONSTRAINT %s TO %s", qt,
                       quoted(x->tc, x->d, old->name),
                       quoted(x->tc, x->d, c->name));
            stmt_end(x->sql);
        } else {
            /* without RENAME CONSTRAINT the old name goes, the new one
             * comes */
            if (old)
                drop_constraint(x, qt, old);
            pg_add_constraint(x, g->t, to, c);
        }
    }
}

/* The length of the quoted identifier at s, its quotes included: up to
 * the quote that closes it, which is not doubled (emit_sql_quote()). */
static size_t quoted_len(const char *s)
{
    size_t i = 1;

    while (s[0] != '\0' && s[i] != '\0') {
        if (s[i] == s[0] && s[i + 1] != s[0])
            return i + 1;
        i += s[i] == s[0] ? 2 : 1;
    }
    return i;
}

/* The foreign keys that stay as they are but reference a key that is
 * dropped and made again: dropped before it (drop set), added back
 * after (drop false); those of a table that goes are dropped only. */
static void pg_around(dir *x, pgtab *g, int n, bool drop)
{
    const sql_constraint *c;
    const char *r;
    pgtab *target;
    symtab changed;
    buf name;
    size_t len;
    int i, j, k;

    /* The changed tables by their quoted names, made once, not once per
     * foreign key of every table: a key names its target as they do. */
    symtab_init(&changed, false);
    buf_init(&name);
    for (j = 0; j < n; j++)
        if (g[j].changed)
            symtab_put(&changed,
                       quoted(x->fc, x->d, t_from(x, g[j].t)->name), &g[j]);
    for (i = 0; i < n; i++)
        for (k = 0; k < g[i].lf.n; k++) {
            c = &g[i].lf.items[k];
            if (!c->is_fk || (!g[i].gone && !find_constraint(&g[i].lt, c)) ||
                (g[i].gone && !drop))
                continue;
            if ((r = strstr(c->sql, " REFERENCES ")) == NULL)
                continue;
            len = quoted_len(r + 12);
            buf_reset(&name);
            buf_put(&name, r + 12, len);
            target = symtab_get(&changed, name.data);
            if (target == NULL || r[12 + len] != ' ' ||
                !pg_drops_key(x, target, r + 13 + len,
                              col_list_len(x->d, r + 13 + len)))
                continue;
            if (drop) {
                drop_constraint(x,
                                quoted(x->tc, x->d,
                                       g[i].gone ? t_from(x, g[i].t)->name
                                                 : t_to(x, g[i].t)->name),
                                c);
            } else {
                pg_add_constraint(x, g[i].t, t_to(x, g[i].t), c);
            }
        }
    buf_free(&name);
    symtab_free(&changed);
}

/* Whether the index over the columns ilist ("(`a`, `b`)") serves a
 * foreign key over fklist: the key's columns lead it, in their order. */
static bool list_covers(sql_dialect d, const char *ilist, const char *fklist)
{
    size_t k = col_list_len(d, fklist) - 1;

    return ilist && strncmp(ilist, fklist, k) == 0 &&
           (ilist[k] == ')' || ilist[k] == ',');
}

/* The column list of CREATE INDEX sql, or NULL (an expression). */
static const char *index_cols(const char *sql)
{
    const char *r = index_rest(sql);

    return r && r[0] == ' ' && r[1] == '(' ? r + 1 : NULL;
}

/* Whether every column the list l names is one that the pair keeps
 * under the same name and does not convert, so that an index over them
 * can wait for the columns to change. */
static bool cols_kept(dir *x, const tabpair *t, const char *l)
{
    const char *p = l + 1, *end = l + col_list_len(x->d, l) - 1;
    const ast_column *a, *b;
    size_t len;
    int i;

    while (p < end) {
        len = quoted_len(p);
        for (i = 0; i < t->ncols; i++) {
            a = c_from(x, &t->cols[i]);
            b = c_to(x, &t->cols[i]);
            if (a && b && strcmp(a->name, b->name) == 0 &&
                !converts(x, a, b) &&
                strlen(quoted(x->tc, x->d, b->name)) == len &&
                strncmp(quoted(x->tc, x->d, b->name), p, len) == 0)
                break;
        }
        if (i == t->ncols)
            return false;
        p += len;
        while (p < end && (*p == ',' || *p == ' '))
            p++;
    }
    return true;
}

/* Whether pg_around() drops and adds again the foreign key whose
 * " REFERENCES ..." is r, as the key it references goes, among the n
 * tables of g. */
static bool around(dir *x, const pgtab *g, int n, const char *r)
{
    size_t len = quoted_len(r + 12);
    const char *q;
    int i;

    if (r[12 + len] != ' ')
        return false;
    for (i = 0; i < n; i++) {
        if (!g[i].changed)
            continue;
        q = quoted(x->fc, x->d, t_from(x, g[i].t)->name);
        if (strlen(q) == len && strncmp(r + 12, q, len) == 0)
            return pg_drops_key(x, &g[i], r + 13 + len,
                                col_list_len(x->d, r + 13 + len));
    }
    return false;
}

/* Where a foreign key needs an index over its columns (MariaDB), the
 * foreign keys of table g that stay, whose every index goes with the
 * change: a foreign key that an index kept or made first (early_index())
 * still serves is left alone.  If one key or index serves it (as MariaDB
 * made it: a foreign key over no index has one of its own, which comes
 * and goes by itself), and the to table has a new one of the same kind
 * over columns that stay that serves it, the old goes in the ALTER TABLE
 * that adds the new; otherwise the foreign key is dropped before and
 * added again after the indexes changed, absent in between (unless
 * pg_around() does so already, as its key goes: all holds the n
 * tables). */
static fkcover *fk_cover(dir *x, const pgtab *all, int n, pgtab *g)
{
    const ast_table *from = t_from(x, g->t), *to = t_to(x, g->t);
    const index_list *lf, *lt;
    const ast_column *pk;
    const sql_constraint *c, *k, *m;
    const char *fk, *r, *mname, *with, *what;
    fkcover *cv = NULL;
    buf one, two; /* the one-column primary keys, from and new in to */
    int i, j, goes, late, mindex;
    bool kept;

    if (!sc__dialect_of(x->d)->fk_needs_index || g->gone || !g->changed)
        return NULL;
    lf = pair_indexes(x, g->t, x->rev, x->d);
    lt = pair_indexes(x, g->t, !x->rev, x->d);
    pk = single_pk(from);
    buf_init(&one);
    buf_init(&two);
    if (pk) {
        buf_putc(&one, '(');
        emit_sql_quote(&one, x->d, pk->name);
        buf_putc(&one, ')');
    }
    if (single_pk(to) && single_pk_changed(x, g->t)) {
        buf_putc(&two, '(');
        emit_sql_quote(&two, x->d, single_pk(to)->name);
        buf_putc(&two, ')');
    }
    for (i = 0; i < g->lf.n; i++) {
        c = &g->lf.items[i];
        if (!c->is_fk || !find_constraint(&g->lt, c) ||
            (fk = strchr(c->sql, '(')) == NULL ||
            (r = strstr(c->sql, " REFERENCES ")) == NULL)
            continue;
        kept = false;
        goes = late = 0;
        m = NULL;
        mname = NULL;
        mindex = 0;
        for (j = 0; j < g->lf.n && !kept; j++) {
            k = &g->lf.items[j];
            if (k->is_fk || strncmp(k->sql, "CHECK", 5) == 0 ||
                !list_covers(x->d, strchr(k->sql, '('), fk))
                continue;
            if (!pg_goes(x, g, k)) {
                kept = true;
            } else {
                goes++;
                /* a primary key is DROP PRIMARY KEY: not held */
                m = strncmp(k->sql, "UNIQUE", 6) == 0 ? k : NULL;
                mname = m ? k->name : NULL;
            }
        }
        if (pk && !kept && list_covers(x->d, one.data, fk)) {
            if (!single_pk_changed(x, g->t))
                kept = true;
            else
                goes++, mname = NULL, m = NULL;
        }
        for (j = 0; j < lf->n && !kept; j++) {
            if (!list_covers(x->d, index_cols(lf->sql[j]), fk))
                continue;
            with = listed_index(lt, lf->names[j]);
            if (with && strcmp(with, lf->sql[j]) == 0) {
                kept = true;
            } else {
                goes++;
                late++;
                mname = lf->names[j];
                m = NULL;
                mindex = 1;
            }
        }
        for (j = 0; j < lt->n && !kept; j++)
            kept = list_covers(x->d, index_cols(lt->sql[j]), fk) &&
                   early_index(x, from, lf, lt->names[j], lt->items[j]);
        /* plain indexes go after the new keys came */
        for (j = 0; j < g->lt.n && !kept && goes == late; j++) {
            k = &g->lt.items[j];
            kept = !k->is_fk && strncmp(k->sql, "CHECK", 5) != 0 &&
                   !find_constraint(&g->lf, k) &&
                   list_covers(x->d, strchr(k->sql, '('), fk);
        }
        if (!kept && goes == late && two.len)
            kept = list_covers(x->d, two.data, fk);
        if (kept || goes == 0 || around(x, all, n, r))
            continue;
        if (cv == NULL) {
            cv = ast_alloc(x->tc, sizeof *cv);
            cv->holds = ast_alloc(x->tc, sizeof *cv->holds *
                                             (size_t)(g->lf.n + lf->n));
            cv->readd = ast_alloc(x->tc, sizeof *cv->readd *
                                             (size_t)g->lf.n);
            cv->nholds = cv->nreadd = 0;
        }
        what = NULL;
        if (goes == 1 && mname && held(cv, mname, mindex, false)) {
            continue; /* another foreign key's, which serves this one */
        } else if (goes == 1 && m && cols_kept(x, g->t, strchr(m->sql, '('))) {
            for (j = 0; j < g->lt.n && !what; j++) {
                k = &g->lt.items[j];
                if (!k->is_fk && strncmp(k->sql, "UNIQUE", 6) == 0 &&
                    !find_constraint(&g->lf, k) &&
                    !held(cv, k->name, false, true) &&
                    list_covers(x->d, strchr(k->sql, '('), fk) &&
                    cols_kept(x, g->t, strchr(k->sql, '(')))
                    what = k->name;
            }
        } else if (goes == 1 && mindex &&
                   cols_kept(x, g->t, index_cols(listed_index(lf, mname)))) {
            for (j = 0; j < lt->n && !what; j++) {
                with = listed_index(lf, lt->names[j]);
                if ((!with || strcmp(with, lt->sql[j]) != 0) &&
                    !held(cv, lt->names[j], true, true) &&
                    list_covers(x->d, index_cols(lt->sql[j]), fk) &&
                    cols_kept(x, g->t, index_cols(lt->sql[j])))
                    what = lt->names[j];
            }
        }
        if (what) {
            cv->holds[cv->nholds].drop = mname;
            cv->holds[cv->nholds].add = what;
            cv->holds[cv->nholds++].index = mindex;
            continue;
        }
        cv->readd[cv->nreadd++] = find_constraint(&g->lt, c);
        lint(x, to->name, "foreign key \"%s\" is dropped before the index "
             "it uses goes and added again after, which copies the table; "
             "between the two statements it is absent and checks no row",
             c->name);
    }
    buf_free(&one);
    buf_free(&two);
    return cv;
}

/* ---------------------------------------------------------------------
 * Tables
 * ------------------------------------------------------------------- */

/* Guards for the columns of a kept table: NOT NULL over NULLs, a new
 * NOT NULL column without default over existing rows, narrowing. */
static void column_guards(dir *x, const tabpair *t)
{
    const ast_table *from = t_from(x, t);
    const ast_column *a, *b;
    buf cond;
    int i;

    buf_init(&cond);
    for (i = 0; i < t->ncols; i++) {
        a = c_from(x, &t->cols[i]);
        b = c_to(x, &t->cols[i]);
        if (!b)
            continue;
        if (!a && !b->nullable && !b->dflt && !b->backfill &&
            b != t_to(x, t)->autoinc)
            guard(x, from->name, b->name,
                  "rows exist, and the new not null column has no default",
                  count_where(x->tc, x->d, from->name, NULL));
        if (!a)
            continue;
        if (a->nullable && !b->nullable && !b->backfill) {
            buf_reset(&cond);
            buf_printf(&cond, "%s IS NULL", quoted(x->tc, x->d, a->name));
            guard(x, from->name, a->name,
                  "NULL values, which not null refuses",
                  count_where(x->tc, x->d, from->name, cond.data));
        }
        if (conversion(&a->type, &b->type) == CONV_NARROW && !converts(x, a, b))
            narrowing_guard(x, from->name, a->name, &a->type, &b->type);
    }
    buf_free(&cond);
}

static void table_guards(dir *x, const tabpair *t,
                         const sql_constraint_list *lf,
                         const sql_constraint_list *lt)
{
    column_guards(x, t);
    constraint_guards(x, t, lf, lt);
    fk_guards(x, t_from(x, t), t_to(x, t));
}

static void alter_table(dir *x, const tabpair *t)
{
    sql_constraint_list lf = {0}, lt = {0};

    emit_sql_constraints(x->fc, x->d, t_from(x, t), &lf);
    emit_sql_constraints(x->tc, x->d, t_to(x, t), &lt);
    table_guards(x, t, &lf, &lt);
    sqlite_alter(x, t, &lf, &lt);
    sql_constraint_list_free(&lf);
    sql_constraint_list_free(&lt);
}

static bool table_changed(dir *x, const tabpair *t);
static const sql_constraint_list *constraints_in(const dir *x,
                                                 const tabpair *t,
                                                 sql_dialect d, bool b);

/* The constraints of the tables declared alike whose foreign keys point
 * at a table that changes, which pg_around() may have to drop and add
 * again; the others' constraints are left unmade, since none of their
 * keys can be concerned. */
static void pg_keys_of_alike(dir *x, pgtab *g, int n)
{
    const char **r;
    symtab changed;
    int i;

    symtab_init(&changed, false);
    for (i = 0; i < n; i++)
        if (g[i].changed)
            symtab_put(&changed, t_from(x, g[i].t)->name, &g[i]);
    for (i = 0; i < n; i++) {
        if (g[i].gone || !same_table(x->p, g[i].t))
            continue;
        for (r = g[i].t->targets; *r && !symtab_get(&changed, *r); r++)
            ;
        if (*r) {
            g[i].lf = *constraints_in(x, g[i].t, x->d, x->rev);
            g[i].lt = *constraints_in(x, g[i].t, x->d, !x->rev);
        }
    }
    symtab_free(&changed);
}

/* The kept tables on PostgreSQL, in the steps of pgtab; returns the
 * number that change. */
static int pg_alter_tables(dir *x)
{
    const plan *p = x->p;
    pgtab *g = ast_alloc(x->tc, sizeof *g * (size_t)(p->ntabs + 1));
    int i, j, n = 0, changes = 0;

    for (i = 0; i < p->ntabs; i++) {
        const tabpair *t = &p->tabs[i];

        if (!t_from(x, t))
            continue;
        g[n].t = t;
        g[n].gone = !t_to(x, t);
        if (g[n].gone || !same_table(p, t)) {
            g[n].lf = *constraints_in(x, t, x->d, x->rev);
            if (!g[n].gone)
                g[n].lt = *constraints_in(x, t, x->d, !x->rev);
        }
        g[n].changed = !g[n].gone && table_changed(x, t);
        changes += g[n].changed;
        n++;
    }
    pg_keys_of_alike(x, g, n);
    for (i = 0; i < n; i++)
        g[i].cover = fk_cover(x, g, n, &g[i]);
    for (i = 0; i < n; i++)
        if (g[i].changed) {
            table_guards(x, g[i].t, &g[i].lf, &g[i].lt);
            pg_rename_table(x, g[i].t);
        }
    for (i = 0; i < n; i++)
        if (g[i].changed)
            diff_indexes_at(x, g[i].t, false, true);
    pg_around(x, g, n, true);
    for (i = 0; i < n; i++)
        if (g[i].changed)
            pg_drop_constraints(x, &g[i], true);
    for (i = 0; i < n; i++)
        if (g[i].changed) {
            pg_drop_constraints(x, &g[i], false);
            pg_drop_single_pk(x, g[i].t);
        }
    for (i = 0; i < n; i++)
        if (g[i].changed)
            pg_columns(x, g[i].t);
    for (i = 0; i < n; i++)
        if (g[i].changed) {
            pg_add_single_pk(x, g[i].t);
            pg_add_constraints(x, &g[i], false);
        }
    for (i = 0; i < n; i++)
        if (g[i].changed) {
            pg_add_constraints(x, &g[i], true);
            x->cover = g[i].cover;
            diff_indexes(x, g[i].t, false);
            x->cover = NULL;
            for (j = 0; g[i].cover && j < g[i].cover->nreadd; j++)
                pg_add_constraint(x, g[i].t, t_to(x, g[i].t),
                                  g[i].cover->readd[j]);
        }
    pg_around(x, g, n, false);
    return changes;
}

static void create_table(dir *x, const ast_table *t)
{
    const ast_item *it;

    /* No IF NOT EXISTS: a migration that finds the table there already
     * is applied to the wrong database and must stop. */
    emit_sql_create_table(x->tc, x->sql, x->d, t, t->name);
    stmt_end(x->sql);
    for (it = t->items; it; it = it->next)
        if (emit_sql_is_index(it)) {
            emit_sql_create_index(x->tc, x->sql, x->d, t, it);
            stmt_end(x->sql);
        }
}

/* The constraints in dialect d of side b (or a) of pair t, kept in the
 * pool of that side's context. */
static const sql_constraint_list *constraints_in(const dir *x,
                                                 const tabpair *t,
                                                 sql_dialect d, bool b)
{
    tabpair *m = (tabpair *)t; /* the cache is not part of the pair */
    ast_ctx *ctx = b ? x->p->cb : x->p->ca;
    sql_constraint_list l = {0}, *kept;

    if (m->cons[d][b])
        return m->cons[d][b];
    emit_sql_constraints(ctx, d, b ? t->b : t->a, &l);
    kept = ast_alloc(ctx, sizeof *kept);
    kept->n = kept->cap = l.n;
    kept->items = ast_alloc(ctx, sizeof *kept->items * (size_t)(l.n + 1));
    if (l.n)
        memcpy(kept->items, l.items, sizeof *l.items * (size_t)l.n);
    sql_constraint_list_free(&l);
    return m->cons[d][b] = kept;
}

/* Whether a table of dialect d that is made again for this direction's
 * change would differ: the question every dialect asks of pair t. */
static bool rebuild_differs(const dir *x, const tabpair *t, sql_dialect d)
{
    dir y = *x;

    y.d = d;
    return needs_rebuild(&y, t, constraints_in(x, t, d, x->rev),
                         constraints_in(x, t, d, !x->rev));
}

/* Whether pair t changes anything in this direction. */
static bool table_changed(dir *x, const tabpair *t)
{
    const sql_dialect *ds;
    bool changed = false;
    int i, n;

    tabpair *m = (tabpair *)t; /* the cache is not part of the pair */

    if (!t_from(x, t) || !t_to(x, t))
        return true;
    if (same_table(x->p, t))
        return false;
    if (!m->agreed[x->rev]) {
        ds = emit_sql_dialects(&n);
        for (i = 0; i < n && !changed; i++)
            changed = rebuild_differs(x, t, ds[i]);
        for (i = 0; i < t->ncols && !changed; i++)
            changed = !c_from(x, &t->cols[i]) ||
                      strcmp(c_from(x, &t->cols[i])->name,
                             c_to(x, &t->cols[i])->name) != 0 ||
                      !same_decl_everywhere(c_from(x, &t->cols[i]),
                                            c_to(x, &t->cols[i])) ||
                      !pair_same_default_everywhere(x->p, &t->cols[i]);
        m->agreed[x->rev] = changed ? 2 : 1;
    }
    changed = m->agreed[x->rev] == 2;
    if (!changed) {
        /* the indexes in the dialect being written */
        dir y = *x;
        buf probe;

        buf_init(&probe);
        y.sql = y.concurrent = &probe;
        y.lints = NULL;
        diff_indexes(&y, t, false);
        diff_indexes_at(&y, t, false, true);
        changed = probe.len > 0;
        buf_free(&probe);
    }
    return changed;
}

/* ---------------------------------------------------------------------
 * Enums (PostgreSQL types; on SQLite their CHECKs change with the tables)
 * ------------------------------------------------------------------- */

static const ast_enum *enum_named(const ast_ctx *ctx, const char *name)
{
    const ast_enum *e;

    if (!ctx->schema)
        return NULL;
    for (e = ctx->schema->enums; e; e = e->next)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

static bool has_value(const ast_enum *e, const char *v)
{
    const ast_enum_value *x;

    for (x = e->values; x; x = x->next)
        if (strcmp(x->name, v) == 0)
            return true;
    return false;
}

/* The column of the to schema that column c of from-table t becomes, or
 * NULL when this direction drops it (or its table). */
static const ast_column *to_column(const dir *x, const ast_table *t,
                                   const ast_column *c)
{
    const tabpair *tp;
    int i, j;

    for (i = 0; i < x->p->ntabs; i++) {
        tp = &x->p->tabs[i];
        if (t_from(x, tp) != t || !t_to(x, tp))
            continue;
        for (j = 0; j < tp->ncols; j++)
            if (c_from(x, &tp->cols[j]) == c)
                return c_to(x, &tp->cols[j]);
    }
    return NULL;
}

static const ast_table *to_table(const dir *x, const ast_table *t)
{
    int i;

    for (i = 0; i < x->p->ntabs; i++)
        if (t_from(x, &x->p->tabs[i]) == t)
            return t_to(x, &x->p->tabs[i]);
    return NULL;
}

static void pg_add_constraint(dir *x, const tabpair *t, const ast_table *to,
                              const sql_constraint *c);

/* The checks of t that name column c hold the enum's old type in their
 * constants, which the column's new type cannot compare with: they go
 * before the column is converted, and those the to table keeps come
 * back after every table changed. */
static void pg_checks_around(dir *x, const ast_table *t, const ast_column *c)
{
    sql_constraint_list lf = {0}, lt = {0};
    const ast_table *to = to_table(x, t);
    const char *qc = quoted(x->tc, x->d, c->name);
    buf *main = x->sql;
    int i;

    emit_sql_constraints(x->fc, x->d, t, &lf);
    if (to)
        emit_sql_constraints(x->tc, x->d, to, &lt);
    for (i = 0; i < lf.n; i++) {
        if (strncmp(lf.items[i].sql, "CHECK", 5) != 0 ||
            !strstr(lf.items[i].sql, qc))
            continue;
        buf_printf(x->sql, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                   quoted(x->tc, x->d, t->name),
                   quoted(x->tc, x->d, lf.items[i].name));
        stmt_end(x->sql);
        if (to && find_constraint(&lt, &lf.items[i])) {
            x->sql = x->readd;
            pg_add_constraint(x, NULL, to, &lf.items[i]);
            x->sql = main;
        }
    }
    sql_constraint_list_free(&lf);
    sql_constraint_list_free(&lt);
}

/* Rows of from-schema tables that hold a value to drops from enum e. */
static void enum_removal_guards(dir *x, const ast_enum *from,
                                const ast_enum *to)
{
    const ast_table *t;
    const ast_column *c;
    const ast_enum_value *v;
    buf cond;

    buf_init(&cond);
    for (t = x->fc->schema->tables; t; t = t->next)
        for (c = t->columns; c; c = c->next) {
            if (c->type.kind != AST_T_NAMED ||
                strcmp(c->type.name, from->name) != 0 ||
                !to_column(x, t, c))
                continue;
            buf_reset(&cond);
            buf_printf(&cond, "%s IN (", quoted(x->tc, x->d, c->name));
            for (v = from->values; v; v = v->next)
                if (!has_value(to, v->name))
                    buf_printf(&cond, "%s'%s'", cond.data[cond.len - 1] ==
                                                        '(' ? "" : ", ",
                               v->name);
            buf_putc(&cond, ')');
            guard(x, t->name, c->name,
                  "values the enum no longer has",
                  count_where(x->tc, x->d, t->name, cond.data));
        }
    buf_free(&cond);
}

/* PostgreSQL cannot drop an enum value: the type is made again and the
 * columns that use it converted through text. */
static void pg_recreate_enum(dir *x, const ast_enum *from, const ast_enum *to)
{
    const ast_table *t;
    const ast_column *c;
    buf old;

    buf_init(&old);
    buf_printf(&old, "%s__old", to->name);
    buf_printf(x->sql, "ALTER TYPE %s RENAME TO %s",
               quoted(x->tc, x->d, from->name), quoted(x->tc, x->d, old.data));
    stmt_end(x->sql);
    emit_sql_create_enum(x->sql, x->d, to);
    stmt_end(x->sql);
    for (t = x->fc->schema->tables; t; t = t->next)
        for (c = t->columns; c; c = c->next) {
            /* A column this direction drops keeps the old type until it
             * goes; the old type is dropped after the tables changed. */
            if (c->type.kind != AST_T_NAMED ||
                strcmp(c->type.name, from->name) != 0 ||
                !to_column(x, t, c))
                continue;
            pg_checks_around(x, t, c);
            if (c->dflt) {
                buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s DROP "
                                   "DEFAULT", quoted(x->tc, x->d, t->name),
                           quoted(x->tc, x->d, c->name));
                stmt_end(x->sql);
            }
            buf_printf(
                x->sql,
                "ALTER TABLE %s ALTER COLUMN %s TYPE %s USING "
                "%s::text::%s",
                quoted(x->tc, x->d, t->name), quoted(x->tc, x->d, c->name),
                quoted(x->tc, x->d, to->name), quoted(x->tc, x->d, c->name),
                quoted(x->tc, x->d, to->name));
            stmt_end(x->sql);
            lint(x, t->name, "ALTER COLUMN \"%s\" TYPE (the enum made "
                 "again without a value) rewrites the table under an ACCESS "
                 "EXCLUSIVE lock, which stops its readers and writers",
                 c->name);
            /* The old default again, when the type still has it (else
             * the column's own change sets the new one). */
            if (c->dflt && has_value(to, c->dflt->text)) {
                buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s SET "
                                   "DEFAULT %s", quoted(x->tc, x->d, t->name),
                           quoted(x->tc, x->d, c->name),
                           default_sql(x->fc, x->d, c));
                stmt_end(x->sql);
            }
        }
    buf_free(&old);
}

static bool enum_removes(const ast_enum *from, const ast_enum *to)
{
    const ast_enum_value *v;

    for (v = from->values; v; v = v->next)
        if (!has_value(to, v->name))
            return true;
    return false;
}

/* ADD VALUE in its place: before the first later value the type has
 * already, so the order (which PostgreSQL compares by) is the schema's. */
static void pg_add_value(dir *x, const ast_enum *from, const ast_enum *to,
                         const ast_enum_value *v)
{
    const ast_enum_value *w;

    buf_printf(x->first, "ALTER TYPE %s ADD VALUE IF NOT EXISTS %s",
               quoted(x->tc, x->d, to->name), sql_string(x->tc, v->name));
    for (w = v->next; w; w = w->next)
        if (has_value(from, w->name)) {
            buf_printf(x->first, " BEFORE %s", sql_string(x->tc, w->name));
            break;
        }
    stmt_end(x->first);
}

static void enums_before(dir *x, int *changes)
{
    const ast_enum *to, *from;
    const ast_enum_value *v;

    if (!x->tc->schema)
        return;
    for (to = x->tc->schema->enums; to; to = to->next) {
        from = enum_named(x->fc, to->name);
        if (!from) {
            (*changes)++;
            if (enum_types(x->d)) {
                emit_sql_create_enum(x->sql, x->d, to);
                stmt_end(x->sql);
            }
            continue;
        }
        if (enum_removes(from, to)) {
            (*changes)++;
            enum_removal_guards(x, from, to);
            if (enum_types(x->d))
                pg_recreate_enum(x, from, to);
            continue;
        }
        for (v = to->values; v; v = v->next) {
            if (has_value(from, v->name))
                continue;
            (*changes)++;
            if (enum_types(x->d))
                pg_add_value(x, from, to, v);
        }
    }
}

static void enums_after(dir *x, int *changes)
{
    const ast_enum *from, *to;

    for (to = x->tc->schema ? x->tc->schema->enums : NULL;
         to && enum_types(x->d); to = to->next) {
        from = enum_named(x->fc, to->name);
        if (from && enum_removes(from, to)) {
            buf old;

            buf_init(&old);
            buf_printf(&old, "%s__old", to->name);
            buf_printf(x->sql, "DROP TYPE %s", quoted(x->tc, x->d, old.data));
            stmt_end(x->sql);
            buf_free(&old);
        }
    }
    for (from = x->fc->schema ? x->fc->schema->enums : NULL; from;
         from = from->next) {
        if (enum_named(x->tc, from->name))
            continue;
        (*changes)++;
        if (enum_types(x->d)) {
            buf_printf(x->sql, "DROP TYPE IF EXISTS %s",
                       quoted(x->tc, x->d, from->name));
            stmt_end(x->sql);
        }
    }
}

/* ---------------------------------------------------------------------
 * sql blocks: kept while their text is the same, else dropped (by the
 * object their CREATE names) and created
 * ------------------------------------------------------------------- */

/* Whether ctx's schema has a block of dialect d with the text of b. */
static bool has_block(ast_ctx *ctx, sql_dialect d, ast_ctx *bctx,
                      const ast_sqlblock *b)
{
    const ast_decl *at = NULL;
    const ast_sqlblock *x;
    buf mine, other;
    bool found = false;

    if (!ctx->schema)
        return false;
    buf_init(&mine);
    buf_init(&other);
    emit_sql_block(bctx, &mine, d, b, false);
    while (!found && (x = emit_sql_next_block(ctx->schema, &at, d)) != NULL) {
        buf_reset(&other);
        emit_sql_block(ctx, &other, d, x, false);
        found = strcmp(mine.data, other.data) == 0;
    }
    buf_free(&mine);
    buf_free(&other);
    return found;
}

/* PostgreSQL: whether a kept table of pair t loses a column or changes
 * a column's type, which the server refuses under a view. */
static bool pg_reshapes(dir *x, const tabpair *t)
{
    const ast_column *a, *b;
    int i;

    for (i = 0; i < t->ncols; i++) {
        a = c_from(x, &t->cols[i]);
        b = c_to(x, &t->cols[i]);
        if (a && (!b || !same_type(&a->type, &b->type) ||
                  !same_decl(a, b, x->d)))
            return true;
    }
    return false;
}

/* Whether this direction changes a table under its blocks: on SQLite a
 * rebuild, which its views and triggers must not see half done; on
 * PostgreSQL a column dropped or retyped, which a view forbids.  The
 * blocks concerned are then dropped first and made again last. */
static bool reshapes(dir *x)
{
    const tabpair *t;
    int i;

    for (i = 0; i < x->p->ntabs; i++) {
        t = &x->p->tabs[i];
        if (!t_from(x, t) || !t_to(x, t) || same_table(x->p, t))
            continue;
        if (!alters(x->d) ? rebuild_differs(x, t, x->d) : pg_reshapes(x, t))
            return true;
    }
    return false;
}

/* Whether a kept block is made again around such a change: every one
 * where tables are rebuilt (SQLite), else the views. */
static bool made_again(dir *x, ast_ctx *ctx, const ast_sqlblock *b)
{
    sql_object o;

    if (!alters(x->d))
        return true;
    return emit_sql_block_object(ctx, b->text, &o) &&
           (strcmp(o.kind, "VIEW") == 0 ||
            strcmp(o.kind, "MATERIALIZED VIEW") == 0);
}

/* Whether ctx's schema has a block of dialect d that makes the object
 * (kind and name) block b of bctx makes: b changed, not removed. */
static bool makes_object(ast_ctx *ctx, sql_dialect d, ast_ctx *bctx,
                         const ast_sqlblock *b)
{
    const ast_decl *at = NULL;
    const ast_sqlblock *x;
    sql_object o, other;

    if (!ctx->schema || !emit_sql_block_object(bctx, b->text, &o))
        return false;
    while ((x = emit_sql_next_block(ctx->schema, &at, d)) != NULL)
        if (emit_sql_block_object(ctx, x->text, &other) &&
            strcmp(o.kind, other.kind) == 0 && strcmp(o.name, other.name) == 0)
            return true;
    return false;
}

/*
 * PostgreSQL refuses DROP DOMAIN while a column has the domain's type, so
 * a domain made again (its block changed) takes its columns along: each
 * column of the from schema of that type goes to the domain's base type
 * before the drop, and each that keeps the type goes back to it after
 * the new CREATE DOMAIN, with a cast that checks every row against the
 * new constraints; all in the step's transaction (docs/MIGRATIONS.md).
 */

/* The last part of a type or domain name, without quotes: "public".q -> q. */
static void bare_name(buf *out, const char *name)
{
    const char *dot = NULL, *p;
    bool in_quotes = false;

    for (p = name; *p; p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (*p == '.' && !in_quotes)
            dot = p;
    }
    buf_reset(out);
    for (p = dot ? dot + 1 : name; *p; p++)
        if (*p != '"')
            buf_putc(out, *p);
}

/* Whether a column's PostgreSQL type text (stored as postgresql 'T')
 * names the domain o makes. */
static bool names_domain(const char *type, const sql_object *o)
{
    buf a, b;
    bool same;

    if (!type)
        return false;
    buf_init(&a);
    buf_init(&b);
    bare_name(&a, type);
    bare_name(&b, o->name);
    same = strcasecmp(a.data, b.data) == 0;
    buf_free(&a);
    buf_free(&b);
    return same;
}

/* The base type of CREATE DOMAIN NAME [AS] TYPE ...: the text up to the
 * first DEFAULT, COLLATE, CONSTRAINT, NOT, NULL or CHECK outside
 * parentheses; NULL when there is none. */
static const char *domain_base(ast_ctx *ctx, const char *text,
                               const sql_object *o)
{
    static const char *const stops[] = {"DEFAULT", "COLLATE", "CONSTRAINT",
                                        "NOT", "NULL", "CHECK", NULL};
    const char *p = text + o->name_at + strlen(o->name), *start, *end;
    int depth = 0, k;
    size_t n;

    p += strspn(p, " \t\r\n");
    if (strncasecmp(p, "AS", 2) == 0 && strchr(" \t\r\n", p[2]) && p[2])
        p += 2 + strspn(p + 2, " \t\r\n");
    start = end = p;
    while (*p && *p != ';') {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if (depth == 0 && (p == start || strchr(" \t\r\n", p[-1]))) {
            for (k = 0; stops[k]; k++) {
                n = strlen(stops[k]);
                if (strncasecmp(p, stops[k], n) == 0 &&
                    (p[n] == '\0' || strchr(" \t\r\n(", p[n])))
                    break;
            }
            if (stops[k])
                break;
        }
        if (!strchr(" \t\r\n", *p))
            end = p + 1;
        p++;
    }
    return end > start ? ast_strndup(ctx, start, (size_t)(end - start))
                       : NULL;
}

/* Before the drop of domain block b (back unset), or after its new
 * CREATE (back set): the columns of its type, as above. */
static void domain_columns(dir *x, const ast_sqlblock *b, bool back)
{
    const ast_table *t;
    const ast_column *c, *to;
    sql_object o;
    const char *base = NULL, *qt, *qc;

    if (!sc__dialect_of(x->d)->domains ||
        !emit_sql_block_object(back ? x->tc : x->fc, b->text, &o) ||
        strcmp(o.kind, "DOMAIN") != 0)
        return;
    if (!back && (base = domain_base(x->tc, b->text, &o)) == NULL)
        return;
    for (t = x->fc->schema->tables; t; t = t->next)
        for (c = t->columns; c; c = c->next) {
            if (!names_domain(c->sql_type[x->d], &o))
                continue;
            to = to_column(x, t, c);
            if (back && (!to || !names_domain(to->sql_type[x->d], &o)))
                continue;
            /* The names of the from schema: the tables change later. */
            qt = quoted(x->tc, x->d, t->name);
            qc = quoted(x->tc, x->d, c->name);
            buf_printf(x->sql, "ALTER TABLE %s ALTER COLUMN %s TYPE ", qt, qc);
            if (back)
                emit_sql_column_type(x->sql, x->d, to);
            else
                buf_puts(x->sql, base);
            buf_printf(x->sql, " USING %s::", qc);
            if (back)
                emit_sql_column_type(x->sql, x->d, to);
            else
                buf_puts(x->sql, base);
            stmt_end(x->sql);
            if (back)
                lint(x, t->name, "ALTER COLUMN \"%s\" TYPE (the domain made "
                     "again) reads every row against its new constraints "
                     "under an ACCESS EXCLUSIVE lock, which stops its "
                     "readers and writers", c->name);
        }
}

/* Drops the blocks of the from schema that the to schema lacks (and when
 * again is set those made again: they come back at the end), last
 * first.  Before the tables change (after is false): the blocks made
 * after the tables, and those made before them that change; once the
 * tables changed (after): those made before them that go, which a
 * table may have used until then. */
static void drop_blocks(dir *x, bool again, bool after, int *changes)
{
    const ast_sqlblock **list;
    const ast_decl *at = NULL;
    const ast_sqlblock *b;
    int n = 0, i;
    bool kept, late;

    if (!x->fc->schema)
        return;
    while (emit_sql_next_block(x->fc->schema, &at, x->d))
        n++;
    list = ast_alloc(x->tc, sizeof *list * (size_t)(n + 1));
    n = 0;
    while ((b = emit_sql_next_block(x->fc->schema, &at, x->d)) != NULL)
        list[n++] = b;
    for (i = n - 1; i >= 0; i--) {
        kept = has_block(x->tc, x->d, x->fc, list[i]);
        if (kept && !(again && made_again(x, x->fc, list[i])))
            continue;
        late = !emit_sql_block_first(x->fc, x->fc->schema, list[i]) ||
               kept || makes_object(x->tc, x->d, x->fc, list[i]);
        if (late == after)
            continue;
        if (!kept && makes_object(x->tc, x->d, x->fc, list[i]))
            domain_columns(x, list[i], false);
        if (emit_sql_drop_block(x->fc, x->sql, x->d, list[i]))
            stmt_end(x->sql);
        if (!kept)
            (*changes)++;
    }
}

/* Creates the blocks of the to schema that the from schema lacks (and
 * when again is set those made again), in declaration order: those
 * that go before the tables when first is set, else the others. */
static void create_blocks(dir *x, bool again, bool first, int *changes)
{
    const ast_decl *at = NULL;
    const ast_sqlblock *b;
    bool kept;

    if (!x->tc->schema)
        return;
    while ((b = emit_sql_next_block(x->tc->schema, &at, x->d)) != NULL) {
        if (emit_sql_block_first(x->tc, x->tc->schema, b) != first)
            continue;
        kept = has_block(x->fc, x->d, x->tc, b);
        if (kept && !(again && made_again(x, x->tc, b)))
            continue;
        emit_sql_block(x->tc, x->sql, x->d, b, false);
        stmt_end(x->sql);
        if (!kept && makes_object(x->fc, x->d, x->tc, b))
            domain_columns(x, b, true);
        if (!kept)
            (*changes)++;
    }
}

/* ---------------------------------------------------------------------
 * One direction of one dialect
 * ------------------------------------------------------------------- */

/* The tables this direction creates, in the creation order of the target
 * schema (each as many times as pairs create it); *n is set to their
 * count. */
static const ast_table **new_tables(dir *x, int *n)
{
    const plan *p = x->p;
    const ast_schema *s = x->tc->schema;
    const ast_table **out;
    int nt = s ? s->ntables : 0, i, j, k = 0, *count;

    count = ast_alloc(x->tc, sizeof *count * (size_t)(nt + 1));
    for (i = 0; i < p->ntabs; i++)
        if (t_to(x, &p->tabs[i]) && !t_from(x, &p->tabs[i])) {
            count[t_to(x, &p->tabs[i])->index]++;
            k++;
        }
    out = ast_alloc(x->tc, sizeof *out * (size_t)(k + 1));
    *n = k;
    k = 0;
    for (i = 0; i < nt; i++)
        for (j = 0; j < count[s->creation_order[i]->index]; j++)
            out[k++] = s->creation_order[i];
    return out;
}

/* PostgreSQL: the foreign keys of a created table that close a cycle,
 * once every created table exists. */
static void add_after_tables(dir *x, const ast_table *t)
{
    sql_constraint_list l = {0};
    int i;

    if (!sc__dialect_of(x->d)->alter.add_constraint ||
        !order_has_after_tables(t))
        return;
    emit_sql_constraints(x->tc, x->d, t, &l);
    for (i = 0; i < l.n; i++)
        if (l.items[i].after_tables) {
            emit_sql_add_constraint(x->sql, x->d, t, &l.items[i]);
            stmt_end(x->sql);
        }
    sql_constraint_list_free(&l);
}

/* The tables this direction drops, by index in the from schema. */
static bool *dropped_tables(dir *x)
{
    const plan *p = x->p;
    int nt = x->fc->schema ? x->fc->schema->ntables : 0, i;
    bool *out = ast_alloc(x->tc, sizeof *out * (size_t)(nt + 1));

    for (i = 0; i < p->ntabs; i++)
        if (t_from(x, &p->tabs[i]) && !t_to(x, &p->tabs[i]))
            out[t_from(x, &p->tabs[i])->index] = true;
    return out;
}

/* Whether t closes a cycle with another table that is dropped too. */
static bool cycle_dropped(const ast_table *t, const bool *dropped)
{
    const ast_column *c;
    const ast_item *it;
    const ast_ref *r;

    for (c = t->columns, it = t->items; c || it;) {
        if (c) {
            r = c->ref;
            c = c->next;
        } else {
            r = it->kind == AST_ITEM_FOREIGN_KEY ? it->ref : NULL;
            it = it->next;
        }
        if (r && r->after_tables && r->target && r->target != t &&
            dropped[r->target->index])
            return true;
    }
    return false;
}

/* Before dropping tables that reference each other: on PostgreSQL the
 * foreign keys that close their cycle go first, so that each table can
 * be dropped in the reverse of the creation order; SQLite, whose DROP
 * TABLE deletes the rows first, drops them with enforcement off. */
static void drop_cycles(dir *x, const bool *dropped)
{
    const ast_schema *s = x->fc->schema;
    sql_constraint_list l = {0};
    const ast_table *t;
    int i, j;

    for (i = 0; i < s->ntables; i++) {
        t = s->creation_order[i];
        if (!dropped[t->index] || !cycle_dropped(t, dropped))
            continue;
        if (!sc__dialect_of(x->d)->alter.drop_constraint) {
            *x->fk_off = true; /* dropped with foreign keys off */
            continue;
        }
        emit_sql_constraints(x->fc, x->d, t, &l);
        for (j = 0; j < l.n; j++)
            if (l.items[j].after_tables) {
                buf_printf(x->sql, "ALTER TABLE %s DROP CONSTRAINT %s",
                           quoted(x->tc, x->d, t->name),
                           quoted(x->tc, x->d, l.items[j].name));
                stmt_end(x->sql);
            }
        sql_constraint_list_free(&l);
    }
}

/* Dropped tables, children before their parents. */
static int drop_tables(dir *x)
{
    const ast_schema *s = x->fc->schema;
    const bool *dropped;
    const ast_table *t;
    int i, changes = 0;

    if (!s)
        return 0;
    dropped = dropped_tables(x);
    drop_cycles(x, dropped);
    for (i = s->ntables - 1; i >= 0; i--) {
        t = s->creation_order[i];
        if (!dropped[t->index])
            continue;
        buf_printf(x->sql, "DROP TABLE %s", quoted(x->tc, x->d, t->name));
        stmt_end(x->sql);
        changes++;
    }
    return changes;
}

/* The table named name on the to side of a kept pair, or NULL. */
static const tabpair *kept_pair(const dir *x, const char *name)
{
    int i;

    for (i = 0; i < x->p->ntabs; i++)
        if (t_from(x, &x->p->tabs[i]) && t_to(x, &x->p->tabs[i]) &&
            strcmp(t_to(x, &x->p->tabs[i])->name, name) == 0)
            return &x->p->tabs[i];
    return NULL;
}

/* Whether the key over r's columns of the kept table r references is
 * made by this direction (it is not there before the table changes). */
static bool pg_key_comes(dir *x, const ast_ref *r)
{
    const tabpair *tp = kept_pair(x, r->table);
    sql_constraint_list lf = {0}, lt = {0};
    const ast_column *pk;
    const ast_name *n;
    const char *l;
    bool comes = false;
    buf cols;
    int i;

    if (!tp || !table_changed(x, tp))
        return false;
    buf_init(&cols);
    buf_putc(&cols, '(');
    for (n = r->cols; n; n = n->next) {
        emit_sql_quote(&cols, x->d, n->name);
        buf_puts(&cols, n->next ? ", " : ")");
    }
    emit_sql_constraints(x->fc, x->d, t_from(x, tp), &lf);
    emit_sql_constraints(x->tc, x->d, t_to(x, tp), &lt);
    for (i = 0; i < lt.n && !comes; i++) {
        l = strchr(lt.items[i].sql, '(');
        comes = !lt.items[i].is_fk &&
                strncmp(lt.items[i].sql, "CHECK", 5) != 0 && l &&
                col_list_len(x->d, l) == cols.len &&
                strncmp(l, cols.data, cols.len) == 0 &&
                !same_constraint(x, tp, &lf, &lt.items[i]);
    }
    pk = single_pk(t_to(x, tp));
    if (!comes && pk && !r->cols->next && single_pk_changed(x, tp))
        comes = strcmp(pk->name, r->cols->name) == 0;
    sql_constraint_list_free(&lf);
    sql_constraint_list_free(&lt);
    buf_free(&cols);
    return comes;
}

/* Whether table t has a foreign key for which pred holds of the table it
 * references. */
static bool any_ref(dir *x, const ast_table *t,
                    bool (*pred)(dir *, const ast_ref *))
{
    const ast_column *c;
    const ast_item *it;

    for (c = t->columns; c; c = c->next)
        if (c->ref && pred(x, c->ref))
            return true;
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_FOREIGN_KEY && pred(x, it->ref))
            return true;
    return false;
}

static bool refs_created(dir *x, const ast_ref *r)
{
    int i;

    for (i = 0; i < x->p->ntabs; i++)
        if (!t_from(x, &x->p->tabs[i]) && t_to(x, &x->p->tabs[i]) &&
            strcmp(t_to(x, &x->p->tabs[i])->name, r->table) == 0)
            return true;
    return false;
}

/* PostgreSQL: whether the tables this direction creates wait for the
 * kept ones, because one of them references a key that the change of a
 * kept table makes (the down of a composite key changed, its child
 * dropped), and no kept table references a created one. */
static bool pg_create_last(dir *x, const ast_table **created, int n)
{
    bool waits = false;
    int i;

    if (!alters(x->d))
        return false;
    for (i = 0; i < n && !waits; i++)
        waits = any_ref(x, created[i], pg_key_comes);
    for (i = 0; i < x->p->ntabs && waits; i++)
        if (t_from(x, &x->p->tabs[i]) && t_to(x, &x->p->tabs[i]) &&
            any_ref(x, t_to(x, &x->p->tabs[i]), refs_created))
            return false;
    return waits;
}

static void create_tables(dir *x, const ast_table **created, int n,
                          int *changes)
{
    int i;

    for (i = 0; i < n; i++) {
        create_table(x, created[i]);
        (*changes)++;
    }
    for (i = 0; i < n; i++)
        add_after_tables(x, created[i]);
}

static int write_direction(dir *x)
{
    const plan *p = x->p;
    const tabpair *t;
    const ast_table **created;
    int i, changes = 0, ncreated;
    bool again = reshapes(x), last;

    /* Views and triggers that go, or that a rebuild would break, first. */
    drop_blocks(x, again, false, &changes);
    enums_before(x, &changes);
    /* The domains, types and extensions that new columns may use. */
    create_blocks(x, again, true, &changes);
    /* New tables first, in the order of their schema (parents before the
     * children that reference them), then the kept ones change, so a
     * foreign key added to a kept table finds its new parent. */
    created = new_tables(x, &ncreated);
    last = pg_create_last(x, created, ncreated);
    if (!last)
        create_tables(x, created, ncreated, &changes);
    if (alters(x->d)) {
        changes += pg_alter_tables(x);
        buf_puts(x->sql, x->readd->data);
    }
    if (last)
        create_tables(x, created, ncreated, &changes);
    for (i = 0; i < p->ntabs && !alters(x->d); i++) {
        t = &p->tabs[i];
        if (t_to(x, t) && t_from(x, t) && table_changed(x, t)) {
            alter_table(x, t);
            changes++;
        }
    }
    changes += drop_tables(x);
    drop_blocks(x, again, true, &changes);
    create_blocks(x, again, false, &changes);
    enums_after(x, &changes);
    return changes;
}

static void describe_enums(const plan *p, buf *out)
{
    const ast_enum *a, *b;
    const ast_enum_value *v;

    for (b = p->cb->schema->enums; b; b = b->next) {
        a = enum_named(p->ca, b->name);
        if (!a) {
            buf_printf(out, "add enum %s\n", b->name);
            continue;
        }
        for (v = b->values; v; v = v->next)
            if (!has_value(a, v->name))
                buf_printf(out, "add value %s to enum %s\n", v->name,
                           b->name);
        for (v = a->values; v; v = v->next)
            if (!has_value(b, v->name))
                buf_printf(out, "remove value %s from enum %s\n", v->name,
                           b->name);
    }
    for (a = p->ca->schema ? p->ca->schema->enums : NULL; a; a = a->next)
        if (!enum_named(p->cb, a->name))
            buf_printf(out, "drop enum %s\n", a->name);
}

/* The blocks of a (or b) that the other side lacks, one line each. */
static void describe_blocks(const plan *p, buf *out, bool added)
{
    ast_ctx *from = added ? p->cb : p->ca, *other = added ? p->ca : p->cb;
    const ast_decl *at;
    const ast_sqlblock *b;
    sql_object o;
    int i, nd;
    const sql_dialect *ds = emit_sql_migration_dialects(&nd);

    if (!from->schema)
        return;
    for (i = 0; i < nd; i++)
        for (at = NULL;
             (b = emit_sql_next_block(from->schema, &at, ds[i])) != NULL;) {
            if (has_block(other, ds[i], from, b))
                continue;
            buf_printf(out, "%s sql block (%s)", added ? "add" : "drop",
                       emit_sql_dialect_name(ds[i]));
            if (emit_sql_block_object(from, b->text, &o))
                buf_printf(out, ": %s %s", o.kind, o.name);
            buf_putc(out, '\n');
        }
}

/* A block that goes must say what it made, so that it can be dropped. */
static int refuse_blocks(plan *p)
{
    const ast_decl *at;
    const ast_sqlblock *b;
    sql_object o;
    int i, n = 0, nd;
    const sql_dialect *ds = emit_sql_migration_dialects(&nd);

    if (!p->ca->schema)
        return 0;
    for (i = 0; i < nd; i++)
        for (at = NULL;
             (b = emit_sql_next_block(p->ca->schema, &at, ds[i])) != NULL;) {
            if (has_block(p->cb, ds[i], p->ca, b) ||
                emit_sql_block_object(p->ca, b->text, &o))
                continue;
            ast_error(p->ca, &b->loc,
                      "this sql block is no longer in the schema, but its "
                      "text does not start with a CREATE that names what "
                      "it made: drop that in a migration written by hand");
            n++;
        }
    return n;
}

/* Adds the line of format fmt to out unless out holds it from start on:
 * the dialects' descriptions of one table, each change said once. */
static void say(buf *out, size_t start, const char *fmt, ...)
{
    const char *p, *end;
    buf line;
    va_list ap;

    buf_init(&line);
    va_start(ap, fmt);
    buf_vprintf(&line, fmt, ap);
    va_end(ap);
    for (p = out->len > start ? out->data + start : NULL; p; p = end) {
        end = strchr(p, '\n');
        end = end ? end + 1 : NULL;
        if (strncmp(p, line.data, line.len) == 0)
            break;
    }
    if (p == NULL)
        buf_puts(out, line.data);
    buf_free(&line);
}

/* The constraints and indexes a kept table gains, loses or renames in
 * dialect d, each said once in out from start on. */
static void describe_constraints_in(const plan *p, const tabpair *t,
                                    sql_dialect d, buf *out, size_t start)
{
    sql_constraint_list la = {0}, lb = {0};
    const sql_constraint *x, *old;
    const ast_item *it;
    const char *name, *sa, *sb;
    dir up = {p, p->ca, p->cb, false, d, NULL, NULL, NULL,
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    int i, j;

    emit_sql_constraints(p->ca, d, t->a, &la);
    emit_sql_constraints(p->cb, d, t->b, &lb);
    for (i = 0; i < lb.n; i++) {
        x = &lb.items[i];
        if (find_constraint(&la, x))
            continue;
        old = same_constraint(&up, t, &la, x);
        for (j = 0; j < la.n && strcmp(la.items[j].name, x->name) != 0; j++)
            ;
        if (old && strcmp(old->name, x->name) != 0)
            say(out, start, "rename constraint %s.%s to %s\n", t->b->name,
                old->name, x->name);
        else if (!old && j < la.n)
            say(out, start, "change constraint %s.%s\n", t->b->name,
                x->name);
        else if (!old)
            say(out, start, "add constraint %s.%s\n", t->b->name, x->name);
    }
    for (i = 0; i < la.n; i++) {
        x = &la.items[i];
        for (j = 0; j < lb.n && strcmp(lb.items[j].name, x->name) != 0; j++)
            ;
        if (j == lb.n && !continued(&up, t, &lb, x))
            say(out, start, "drop constraint %s.%s\n", t->a->name, x->name);
    }
    sql_constraint_list_free(&la);
    sql_constraint_list_free(&lb);
    for (it = t->b->items; it; it = it->next) {
        if (!emit_sql_is_index(it))
            continue;
        name = emit_sql_index_name(p->cb, t->b, it);
        has_index(p->cb, d, t->b, name, &sb);
        if (!has_index(p->ca, d, t->a, name, &sa))
            say(out, start, "add index %s.%s\n", t->b->name, name);
        else if (strcmp(sa, sb) != 0)
            say(out, start, "change index %s.%s\n", t->b->name, name);
    }
    for (it = t->a->items; it; it = it->next) {
        if (!emit_sql_is_index(it))
            continue;
        name = emit_sql_index_name(p->ca, t->a, it);
        if (!has_index(p->cb, d, t->b, name, &sb))
            say(out, start, "drop index %s.%s\n", t->a->name, name);
    }
}

/* The constraints and indexes a kept table gains, loses or renames, in
 * the dialects whose constraints are the schema's own (SQLite adds the
 * CHECKs of types, which follow the columns). */
static void describe_constraints(const plan *p, const tabpair *t, buf *out)
{
    const sql_dialect *ds;
    size_t start = out->len;
    int i, n;

    ds = emit_sql_dialects(&n);
    for (i = 0; i < n; i++)
        if (!sc__dialect_of(ds[i])->type_check)
            describe_constraints_in(p, t, ds[i], out, start);
}

/* The changes of column a to b that its declaration in some dialect
 * shows: a type of the database's own, or the time zone, and the
 * collation, said per dialect. */
static void describe_decl(const ast_column *a, const ast_column *b,
                          const char *table, buf *out)
{
    const sql_dialect *ds;
    const char *coll;
    int i, n;

    ds = emit_sql_dialects(&n);
    for (i = 0; i < n; i++)
        if (!same_declared_type(a, b, ds[i])) {
            buf_printf(out, "change the declared type of column %s.%s\n",
                       table, b->name);
            break;
        }
    if (!same_type(&a->type, &b->type))
        return;
    for (i = 0; i < n; i++)
        if (!same_collation(a, b, ds[i])) {
            coll = emit_sql_collation(ds[i], b);
            buf_printf(out, "change the collation of column %s.%s to %s on "
                            "%s\n", table, b->name, coll ? coll : "default",
                       sc__dialect_of(ds[i])->title);
        }
}

static void describe(const plan *p, buf *out)
{
    const tabpair *t;
    const colpair *c;
    int i, j;

    for (i = 0; i < p->ntabs; i++) {
        t = &p->tabs[i];
        if (!t->a) {
            buf_printf(out, "add table %s\n", t->b->name);
            continue;
        }
        if (!t->b) {
            buf_printf(out, "drop table %s\n", t->a->name);
            continue;
        }
        if (same_table(p, t))
            continue;
        if (strcmp(t->a->name, t->b->name) != 0)
            buf_printf(out, "rename table %s to %s\n", t->a->name,
                       t->b->name);
        for (j = 0; j < t->ncols; j++) {
            c = &t->cols[j];
            if (!c->a)
                buf_printf(out, "add column %s.%s%s\n", t->b->name,
                           c->b->name,
                           backfills(NULL, c->b) ? ", filled by its backfill"
                                                 : "");
            else if (!c->b)
                buf_printf(out, "drop column %s.%s\n", t->a->name,
                           c->a->name);
            else {
                if (strcmp(c->a->name, c->b->name) != 0)
                    buf_printf(out, "rename column %s.%s to %s\n",
                               t->b->name, c->a->name, c->b->name);
                if (!same_type(&c->a->type, &c->b->type))
                    buf_printf(out, "change column %s.%s from %s to %s%s\n",
                               t->b->name, c->b->name,
                               type_text(p->cb, &c->a->type),
                               type_text(p->cb, &c->b->type),
                               c->b->using_ ? " by its using" : "");
                describe_decl(c->a, c->b, t->b->name, out);
                if (c->a->nullable != c->b->nullable)
                    buf_printf(out, "make column %s.%s %s%s\n", t->b->name,
                               c->b->name,
                               c->b->nullable ? "nullable" : "not null",
                               backfills(c->a, c->b)
                                   ? ", filled by its backfill" : "");
                if (!pair_same_default_everywhere(p, c))
                    buf_printf(out, "change the default of column %s.%s\n",
                               t->b->name, c->b->name);
            }
        }
        describe_constraints(p, t, out);
    }
    describe_enums(p, out);
    describe_blocks(p, out, true);
    describe_blocks(p, out, false);
}

static void script_init(diff_script *s)
{
    buf_init(&s->up);
    buf_init(&s->down);
    buf_init(&s->up_guards);
    buf_init(&s->down_guards);
    buf_init(&s->lints);
    s->up_fk_off = s->down_fk_off = false;
}

static void script_free(diff_script *s)
{
    buf_free(&s->up);
    buf_free(&s->down);
    buf_free(&s->up_guards);
    buf_free(&s->down_guards);
    buf_free(&s->lints);
}

void diff_result_init(diff_result *r)
{
    int d;

    for (d = 0; d < AST_NDIALECTS; d++)
        script_init(&r->scripts[d]);
    buf_init(&r->summary);
    r->nchanges = 0;
}

void diff_result_free(diff_result *r)
{
    int d;

    for (d = 0; d < AST_NDIALECTS; d++)
        script_free(&r->scripts[d]);
    buf_free(&r->summary);
}

/* The parts of one direction besides its main one. */
typedef struct parts {
    buf first, validate, after, concurrent, readd, attach;
} parts;

/* Whether the statements in b use a value that first adds to an enum:
 * its quoted label, which nothing else in a migration writes. */
static bool uses_added_value(const buf *first, const buf *b)
{
    const char *p = first->data, *e;
    bool used = false;
    buf label;

    buf_init(&label);
    while (!used && (p = strstr(p, " ADD VALUE IF NOT EXISTS ")) != NULL) {
        p += 25;
        for (e = p + 1; *e && !(e[0] == '\'' && e[1] != '\''); )
            e += e[0] == '\'' ? 2 : 1;
        buf_reset(&label);
        buf_put(&label, p, (size_t)(e - p + (*e != '\0')));
        used = strstr(b->data, label.data) != NULL;
        p = e;
    }
    buf_free(&label);
    return used;
}

/* Appends part b to script out unless it is empty, after the directive
 * that starts it (none for a transactional part that opens the script). */
static void put_part(buf *out, const buf *b, bool tx)
{
    if (!b->len)
        return;
    if (out->len || !tx)
        buf_puts(out, tx ? "-- +transaction\n" : "-- +no-transaction\n");
    buf_puts(out, b->data);
}

/* One direction: the main part in out (its statements written there),
 * and around it the others (docs/MIGRATIONS.md, "Parts").  An added enum
 * value the migration uses is added in a first part outside any
 * transaction (PostgreSQL refuses a new value before its commit), so
 * that the guards, which run at the start of the first transactional
 * part, already see it. */
static int write_parts(dir *x, buf *out)
{
    parts pt;
    buf main, rest;
    int n;

    buf_init(&pt.first);
    buf_init(&pt.validate);
    buf_init(&pt.after);
    buf_init(&pt.concurrent);
    buf_init(&pt.readd);
    buf_init(&pt.attach);
    buf_init(&main);
    buf_init(&rest);
    x->sql = &main;
    x->first = &pt.first;
    x->validate = &pt.validate;
    x->after = &pt.after;
    x->concurrent = &pt.concurrent;
    x->readd = &pt.readd;
    x->attach = &pt.attach;
    n = write_direction(x);
    buf_puts(&rest, main.data);
    buf_puts(&rest, pt.validate.data);
    buf_puts(&rest, pt.after.data);
    buf_puts(&rest, pt.attach.data);
    buf_puts(&rest, x->guards->data);
    if (pt.first.len && uses_added_value(&pt.first, &rest)) {
        put_part(out, &pt.first, false);
    } else {
        buf_puts(&pt.first, main.data);
        buf_reset(&main);
        buf_puts(&main, pt.first.data);
    }
    put_part(out, &main, true);
    put_part(out, &pt.validate, true);
    put_part(out, &pt.after, true);
    put_part(out, &pt.concurrent, false);
    put_part(out, &pt.attach, true);
    buf_free(&pt.first);
    buf_free(&pt.validate);
    buf_free(&pt.after);
    buf_free(&pt.concurrent);
    buf_free(&pt.readd);
    buf_free(&pt.attach);
    buf_free(&main);
    buf_free(&rest);
    return n;
}

static int write_script(plan *p, sql_dialect d, diff_script *s)
{
    dir up = {p, p->ca, p->cb, false, d, NULL, &s->up_guards,
              &s->up_fk_off, NULL, NULL, NULL, NULL, NULL, &s->lints, NULL,
              NULL};
    dir down = {p, p->cb, p->ca, true, d, NULL, &s->down_guards,
                &s->down_fk_off, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                NULL};
    int n = write_parts(&up, &s->up);

    write_parts(&down, &s->down);
    if (sc__dialect_of(d)->fk_off == NULL)
        s->up_fk_off = s->down_fk_off = false;
    return n;
}

int diff_schemas(ast_ctx *old, ast_ctx *new, const diff_options *o,
                 diff_result *r)
{
    plan p;
    int refused, i, nd;

    memset(&p, 0, sizeof p);
    p.ca = old;
    p.cb = new;
    p.o = o;
    symtab_init(&p.rows, false);
    pair_tables(&p);
    refused = refuse(&p, o) + refuse_blocks(&p);
    if (!refused) {
        /* A change may concern one dialect only (its sql blocks). */
        const sql_dialect *ds = emit_sql_migration_dialects(&nd);

        r->nchanges = 0;
        for (i = 0; i < nd; i++)
            r->nchanges += write_script(&p, ds[i], &r->scripts[ds[i]]);
        describe(&p, &r->summary);
    }
    symtab_free(&p.rows);
    free(p.la.start);
    free(p.lb.start);
    return refused;
}

void diff_sql_file(buf *out, unsigned version, const char *name,
                   sql_dialect d, const diff_script *s)
{
    const char *p, *e;

    buf_printf(out, "-- schemac migration %04u %s (%s)\n", version, name,
               emit_sql_dialect_name(d));
    buf_printf(out, "-- generated by schemac %s; review before "
                    "committing\n", SC_VERSION);
    for (p = s->lints.data; s->lints.len && *p; p = e + 1) {
        e = strchr(p, '\n');
        buf_printf(out, "-- lint: %.*s\n", (int)(e - p), p);
    }
    if (s->up_fk_off)
        buf_puts(out, "-- +foreign-keys off\n");
    buf_puts(out, s->up_guards.data);
    buf_puts(out, "-- +up\n");
    buf_puts(out, s->up.data);
    buf_puts(out, "-- +down\n");
    if (s->down_fk_off)
        buf_puts(out, "-- +foreign-keys off\n");
    buf_puts(out, s->down_guards.data);
    buf_puts(out, s->down.data);
}
