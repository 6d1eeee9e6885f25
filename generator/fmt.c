/*
 * fmt.c - schemac fmt: prints a schema in the project's one layout and
 * keeps every comment.
 *
 * The layout: the schema line, then each declaration in source order with
 * one blank line between them; members indented by four spaces, one per
 * line; in a table the column names, then the types, aligned in columns;
 * single spaces everywhere else; an enum on one line when it fits in 80
 * columns and holds no comment, else one value per line with a comma after
 * each.  Modifiers keep the order they were written in.  Comments at the
 * end of consecutive lines are aligned.  Single blank lines inside a table
 * or an enum are kept, more are folded into one.
 *
 * Comments are placed from the scanner's list, in source order, each with
 * its lines.  Every element printed (the schema line, a declaration's
 * head, a column, a table item, an enum value, a closing brace) first
 * takes the comments that start before it, as lines of their own, then the
 * comments that start within its own lines: the last of those stays at the
 * end of the line when it was there, the others go above.  No comment is
 * ever dropped, and each stays next to what it was next to.
 *
 * fmt_main() never writes a result it has not proved: the text is parsed
 * and checked again and must generate the same C code, byte for byte, and
 * hold the same comments.  A formatting bug can make fmt fail; it cannot
 * change what a schema means.
 */
#include "fmt.h"

#include "emit_c.h"
#include "emit_sql.h"
#include "frontend.h"

#include "checker.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USER  1
#define EXIT_USAGE 2
#define INDENT     4
#define WIDTH      80

/* One output line: code, a comment of its own, or a blank line. */
typedef struct fline {
    const char *text;           /* code; NULL: a comment or a blank line */
    const ast_comment *comment; /* a comment on a line of its own */
    const ast_comment *trail;   /* a comment at the end of the line */
    bool opener;                /* text ends with '{' */
    int indent;
    struct fline *next;
} fline;

typedef struct fmt {
    ast_ctx *ctx;
    const ast_comment *next; /* the first comment not yet placed */
    int last_line;           /* the last source line placed; 0: none */
    fline *head, *tail;
    fline *prev; /* the line before tail */
} fmt;

/* ---- lines ----------------------------------------------------------- */

static fline *add_line(fmt *f, int indent, const char *text,
                       const ast_comment *comment)
{
    fline *l = ast_alloc(f->ctx, sizeof *l);
    size_t n = text ? strlen(text) : 0;

    l->text = text;
    l->comment = comment;
    l->opener = n > 0 && text[n - 1] == '{';
    l->indent = indent;
    if (f->tail)
        f->tail->next = l;
    else
        f->head = l;
    f->prev = f->tail;
    f->tail = l;
    return l;
}

/* A blank line, unless the output starts here, already has one, or an
 * opening brace comes just before. */
static void add_blank(fmt *f)
{
    if (f->tail && (f->tail->text || f->tail->comment) && !f->tail->opener)
        add_line(f, 0, NULL, NULL);
}

/* Drops a blank line at the end: nothing is blank before a '}'.  A blank
 * line never follows another or starts the output, so prev is a line. */
static void drop_blank(fmt *f)
{
    if (!f->tail || f->tail->text || f->tail->comment)
        return;
    f->tail = f->prev;
    f->tail->next = NULL;
}

/* A blank line when the source had one before line. */
static void keep_gap(fmt *f, int line)
{
    if (f->last_line > 0 && line > f->last_line + 1)
        add_blank(f);
}

static void comment_above(fmt *f, int indent, const ast_comment *c)
{
    keep_gap(f, c->line);
    add_line(f, indent, NULL, c);
    f->last_line = c->end_line;
}

/* Places the comments that start before line as lines of their own. */
static void take_before(fmt *f, int indent, int line)
{
    while (f->next && f->next->line < line) {
        const ast_comment *c = f->next;

        f->next = c->next;
        comment_above(f, indent, c);
    }
}

/* The last line of a declaration's head whose members start at line
 * first: a comment on a line the head shares with its first member is
 * the member's. */
static int head_end(int last, int first)
{
    return first == last ? last - 1 : last;
}

/* Places one element of source lines first..last, with its comments. */
static void place(fmt *f, int indent, const char *text, int first, int last)
{
    const ast_comment *trail = NULL;
    fline *l;

    take_before(f, indent, first);
    keep_gap(f, first);
    while (f->next && f->next->line <= last) {
        if (trail)
            comment_above(f, indent, trail);
        trail = f->next;
        f->next = trail->next;
    }
    if (trail && !(trail->trailing && trail->line == last)) {
        comment_above(f, indent, trail);
        trail = NULL;
    }
    l = add_line(f, indent, text, NULL);
    l->trail = trail;
    f->last_line = trail && trail->end_line > last ? trail->end_line : last;
}

/* A closing brace on line: the comments before it stay inside. */
static void place_close(fmt *f, int indent, int line)
{
    take_before(f, indent + INDENT, line);
    drop_blank(f);
    place(f, indent, "}", line, line);
}

/* ---- text of the pieces ---------------------------------------------- */

/*
 * Names: in quotes when they are not plain identifiers, and where the
 * grammar takes only some of the language's words as names, also when
 * they are one of the others (a type named "text" is no enum, a column
 * named "and" no operand).  Each list holds the words a place refuses.
 */
static const char *const no_words[] = {NULL};
static const char *const type_words_refused[] = {
    "autoincrement", "backfill", "bool",  "bytes",      "check",   "date",
    "default",       "float32", "float64",    "int16",   "int32",
    "int64",         "json",    "not",        "null",    "numeric",
    "primary",       "references", "renamed", "stored",  "text",
    "timestamp",     "unique",  "uuid",       "varchar", NULL,
};
static const char *const colref_words_refused[] = {
    "and", "between", "false", "in",   "is",   "like",
    "not", "now",     "null",  "or",   "true", NULL,
};
static const char *const value_words_refused[] = {
    "false", "now", "null", "true", NULL,
};
static const char *const cons_words_refused[] = {
    "autoincrement", "backfill", "check",  "default", "index",  "not",
    "null",          "numeric", "primary", "references", "renamed",
    "stored",        "unique",  "using",   "varchar", NULL,
};
/* A plain index's name: "using" before its '(' is the modifier. */
static const char *const index_words_refused[] = {"using", NULL};

static bool refused(const char *const *words, const char *name)
{
    for (; *words; words++)
        if (strcmp(*words, name) == 0)
            return true;
    return false;
}

static const char *spell(ast_ctx *ctx, const char *name,
                         const char *const *words)
{
    return ast_name_spelling(ctx, name, false) != name || !refused(words, name)
               ? ast_name_spelling(ctx, name, false)
               : ast_name_spelling(ctx, name, true);
}

static void put_name(ast_ctx *ctx, buf *b, const char *name,
                     const char *const *words)
{
    buf_puts(b, spell(ctx, name, words));
}

static void put_literal(ast_ctx *ctx, buf *b, const ast_literal *l)
{
    size_t i;

    if (l->kind == AST_LIT_IDENT) {
        put_name(ctx, b, l->text, value_words_refused);
        return;
    }
    if (l->kind != AST_LIT_STRING) {
        buf_put(b, l->text, l->len);
        return;
    }
    buf_putc(b, '\'');
    for (i = 0; i < l->len; i++) {
        if (l->text[i] == '\'')
            buf_putc(b, '\'');
        buf_putc(b, l->text[i]);
    }
    buf_putc(b, '\'');
}

/* The spelling of each binary operator, from AST_OP_OR on. */
static const char *const op_words[] = {
    "or", "and",  "not", "=", "!=", "<", "<=", ">",
    ">=", "like", "+",   "-", "*",  "/", "%",  "||",
};

static const char *op_text(ast_op op)
{
    return op_words[op - AST_OP_OR];
}

static void put_expr(ast_ctx *ctx, buf *b, const ast_expr *e);

static void put_exprs(ast_ctx *ctx, buf *b, const ast_exprlist *l)
{
    for (; l; l = l->next) {
        put_expr(ctx, b, l->expr);
        if (l->next)
            buf_puts(b, ", ");
    }
}

static void put_unary(ast_ctx *ctx, buf *b, const ast_expr *e)
{
    const ast_expr *x = e->lhs;
    buf t;

    if (e->op == AST_OP_NOT && x->kind == AST_E_BINARY &&
        x->op == AST_OP_LIKE && memcmp(&x->loc, &e->loc, sizeof e->loc) == 0) {
        /* "a not like b": the parser's not around the like */
        put_expr(ctx, b, x->lhs);
        buf_puts(b, " not like ");
        put_expr(ctx, b, x->rhs);
        return;
    }
    if (e->op == AST_OP_NOT) {
        buf_puts(b, "not ");
        put_expr(ctx, b, x);
        return;
    }
    buf_init(&t);
    put_expr(ctx, &t, x);
    /* "- -1", not "--1": two minus signs stay two tokens */
    buf_puts(b, t.len > 0 && t.data[0] == '-' ? "- " : "-");
    buf_put(b, t.data, t.len);
    buf_free(&t);
}

static void put_expr(ast_ctx *ctx, buf *b, const ast_expr *e)
{
    const ast_exprlist *a;

    switch (e->kind) {
    case AST_E_LITERAL:
        put_literal(ctx, b, e->lit);
        break;
    case AST_E_COLUMN:
        put_name(ctx, b, e->name, colref_words_refused);
        break;
    case AST_E_UNARY:
        put_unary(ctx, b, e);
        break;
    case AST_E_BINARY:
        put_expr(ctx, b, e->lhs);
        buf_printf(b, " %s ", op_text(e->op));
        put_expr(ctx, b, e->rhs);
        break;
    case AST_E_CALL:
        put_name(ctx, b, e->name, colref_words_refused);
        buf_putc(b, '(');
        put_exprs(ctx, b, e->args);
        buf_putc(b, ')');
        break;
    case AST_E_IN:
        put_expr(ctx, b, e->lhs);
        buf_puts(b, e->negated ? " not in (" : " in (");
        put_exprs(ctx, b, e->args);
        buf_putc(b, ')');
        break;
    case AST_E_ISNULL:
        put_expr(ctx, b, e->lhs);
        buf_puts(b, e->negated ? " is not null" : " is null");
        break;
    case AST_E_BETWEEN:
        a = e->args;
        put_expr(ctx, b, e->lhs);
        buf_puts(b, e->negated ? " not between " : " between ");
        put_expr(ctx, b, a->expr);
        buf_puts(b, " and ");
        put_expr(ctx, b, a->next->expr);
        break;
    case AST_E_PAREN:
        buf_putc(b, '(');
        put_expr(ctx, b, e->lhs);
        buf_putc(b, ')');
        break;
    }
}

static void put_names(ast_ctx *ctx, buf *b, const ast_name *n)
{
    buf_putc(b, '(');
    for (; n; n = n->next) {
        put_name(ctx, b, n->name, no_words);
        if (n->next)
            buf_puts(b, ", ");
    }
    buf_putc(b, ')');
}

static const char *const action_words[] = {
    [AST_ACT_NO_ACTION] = "no action",     [AST_ACT_RESTRICT] = "restrict",
    [AST_ACT_CASCADE] = "cascade",         [AST_ACT_SET_NULL] = "set null",
    [AST_ACT_SET_DEFAULT] = "set default",
};

static void put_ref(ast_ctx *ctx, buf *b, const ast_ref *r)
{
    buf_puts(b, "references ");
    put_name(ctx, b, r->table, no_words);
    put_names(ctx, b, r->cols);
    if (r->on_delete != AST_ACT_NONE)
        buf_printf(b, " on delete %s", action_words[r->on_delete]);
    if (r->on_update != AST_ACT_NONE)
        buf_printf(b, " on update %s", action_words[r->on_update]);
    if (r->initially_deferred.first_line != 0)
        buf_puts(b, " deferrable initially deferred");
    else if (r->deferrable.first_line != 0)
        buf_puts(b, " deferrable");
}

static const char *const type_words[] = {
    [AST_T_BOOL] = "bool",       [AST_T_INT16] = "int16",
    [AST_T_INT32] = "int32",     [AST_T_INT64] = "int64",
    [AST_T_FLOAT32] = "float32", [AST_T_FLOAT64] = "float64",
    [AST_T_TEXT] = "text",       [AST_T_BYTES] = "bytes",
    [AST_T_DATE] = "date",       [AST_T_TIMESTAMP] = "timestamp",
    [AST_T_UUID] = "uuid",       [AST_T_JSON] = "json",
};

static void put_type(ast_ctx *ctx, buf *b, const ast_type *t)
{
    if (t->kind == AST_T_NUMERIC && t->has_b)
        buf_printf(b, "numeric(%lld,%lld)", (long long)t->a, (long long)t->b);
    else if (t->kind == AST_T_NUMERIC)
        buf_printf(b, "numeric(%lld)", (long long)t->a);
    else if (t->kind == AST_T_VARCHAR)
        buf_printf(b, "varchar(%lld)", (long long)t->a);
    else if (t->kind == AST_T_NAMED)
        put_name(ctx, b, t->name, type_words_refused);
    else if (t->kind == AST_T_TIMESTAMP && t->local)
        buf_puts(b, "timestamp without time zone");
    else
        buf_puts(b, type_words[t->kind]);
}

/* ---- columns --------------------------------------------------------- */

/* A modifier of a column and where it was written. */
typedef struct modifier {
    const ast_loc *loc;
    int kind;
} modifier;

enum {
    M_PK,
    M_AUTOINC,
    M_NOT_NULL,
    M_NULL,
    M_UNIQUE,
    M_DEFAULT,
    M_REF,
    M_CHECK,
    M_RENAMED,
    M_STORED,
    M_BACKFILL,
    M_USING,
    M_COLLATE,
    NMODS
};

static int loc_cmp(const void *a, const void *b)
{
    const ast_loc *x = ((const modifier *)a)->loc;
    const ast_loc *y = ((const modifier *)b)->loc;

    if (x->first_line != y->first_line)
        return x->first_line < y->first_line ? -1 : 1;
    return (x->first_column > y->first_column) -
           (x->first_column < y->first_column);
}

static int collect_modifiers(const ast_column *c, modifier *m)
{
    const ast_loc *locs[NMODS];
    int n = 0, k;

    locs[M_PK] = &c->primary_key;
    locs[M_AUTOINC] = &c->autoincrement;
    locs[M_NOT_NULL] = &c->not_null;
    locs[M_NULL] = &c->null_;
    locs[M_UNIQUE] = &c->unique;
    locs[M_DEFAULT] = c->dflt ? &c->dflt_loc : NULL;
    locs[M_REF] = c->ref ? &c->ref->loc : NULL;
    locs[M_CHECK] = c->check ? &c->check_loc : NULL;
    locs[M_RENAMED] = c->renamed_from ? &c->renamed_loc : NULL;
    locs[M_STORED] = &c->stored_loc;
    locs[M_BACKFILL] = c->backfill ? &c->backfill_loc : NULL;
    locs[M_USING] = c->using_ ? &c->using_loc : NULL;
    locs[M_COLLATE] = c->collation ? &c->collate_loc : NULL;
    for (k = 0; k < NMODS; k++) {
        if (locs[k] && locs[k]->first_line > 0) {
            m[n].loc = locs[k];
            m[n++].kind = k;
        }
    }
    qsort(m, (size_t)n, sizeof *m, loc_cmp);
    return n;
}

/* A string literal of the language: 'it''s'. */
static void put_string(buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_putc(b, '\'');
        buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

static void put_stored(buf *b, const ast_column *c)
{
    static const char *const formats[] = {
        [AST_FMT_TEXT] = "text", [AST_FMT_REAL] = "real",
        [AST_FMT_INTEGER] = "integer", [AST_FMT_HEX] = "hex",
    };
    int d;

    buf_puts(b, "stored as");
    if (c->format != AST_FMT_NATIVE)
        buf_printf(b, " %s", formats[c->format]);
    if (c->fixed_frac)
        buf_printf(b, "(%lld)", (long long)c->frac);
    for (d = 1; d < AST_NDIALECTS; d++)
        if (c->sql_type[d]) {
            buf_printf(b, " %s ", emit_sql_dialect_name((sql_dialect)d));
            put_string(b, c->sql_type[d]);
        }
}

static void put_modifier(ast_ctx *ctx, buf *b, const ast_column *c, int kind)
{
    static const char *const words[] = {
        [M_PK] = "primary key",    [M_AUTOINC] = "autoincrement",
        [M_NOT_NULL] = "not null", [M_NULL] = "null",
        [M_UNIQUE] = "unique",
    };

    switch (kind) {
    case M_DEFAULT:
        buf_puts(b, "default ");
        put_literal(ctx, b, c->dflt);
        break;
    case M_REF:
        put_ref(ctx, b, c->ref);
        break;
    case M_CHECK:
        buf_puts(b, "check (");
        put_expr(ctx, b, c->check);
        buf_putc(b, ')');
        break;
    case M_RENAMED:
        buf_puts(b, "renamed from ");
        put_name(ctx, b, c->renamed_from, no_words);
        break;
    case M_STORED:
        put_stored(b, c);
        break;
    case M_COLLATE: /* collate default: the word, never quoted */
        buf_puts(b, "collate ");
        if (strcmp(c->collation, "default") == 0)
            buf_puts(b, "default");
        else
            put_name(ctx, b, c->collation, no_words);
        break;
    case M_BACKFILL:
        buf_puts(b, "backfill (");
        put_expr(ctx, b, c->backfill);
        buf_putc(b, ')');
        break;
    case M_USING:
        buf_puts(b, "using (");
        put_expr(ctx, b, c->using_);
        buf_putc(b, ')');
        break;
    default:
        buf_puts(b, words[kind]);
    }
}

/* Display width: UTF-8 code points. */
static size_t width(const char *s, size_t n)
{
    size_t w = 0, i;

    for (i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static size_t type_len(ast_ctx *ctx, const ast_type *t)
{
    buf b;
    size_t n;

    buf_init(&b);
    put_type(ctx, &b, t);
    n = width(b.data, b.len);
    buf_free(&b);
    return n;
}

/* The width of the last line of b, which starts at column start. */
static size_t last_width(const buf *b, size_t start)
{
    size_t i = b->len;

    while (i > 0 && b->data[i - 1] != '\n')
        i--;
    return (i > 0 ? 0 : start) + width(b->data + i, b->len - i);
}

/* A column at INDENT: the modifiers that would pass the 80th column go on
 * lines of their own, indented once more. */
static void column_text(ast_ctx *ctx, buf *b, const ast_column *c,
                        size_t namew, size_t typew)
{
    modifier m[NMODS];
    int n = collect_modifiers(c, m), k;
    const char *name = spell(ctx, c->name, no_words);
    size_t at;
    buf mod;

    buf_init(&mod);
    buf_puts(b, name);
    buf_pad(b, namew - width(name, strlen(name)) + 1);
    at = b->len;
    put_type(ctx, b, &c->type);
    if (n > 0)
        buf_pad(b, typew - width(b->data + at, b->len - at));
    for (k = 0; k < n; k++) {
        buf_reset(&mod);
        put_modifier(ctx, &mod, c, m[k].kind);
        if (last_width(b, INDENT) + 1 + width(mod.data, mod.len) + 1 > WIDTH &&
            k > 0) {
            buf_putc(b, '\n');
            buf_pad(b, 2 * INDENT);
        } else {
            buf_putc(b, ' ');
        }
        buf_put(b, mod.data, mod.len);
    }
    buf_putc(b, ';');
    buf_free(&mod);
}

/* The name of a constraint, then a blank: "unique uq_a ". */
static void put_cons_name(ast_ctx *ctx, buf *b, const ast_item *it)
{
    if (!it->name)
        return;
    put_name(ctx, b, it->name, it->kind == AST_ITEM_INDEX && !it->unique_index
                                   ? index_words_refused
                                   : cons_words_refused);
    buf_putc(b, ' ');
}

static void put_elems(ast_ctx *ctx, buf *b, const ast_ielem *e)
{
    buf_putc(b, '(');
    for (; e; e = e->next) {
        if (e->column) {
            put_name(ctx, b, e->column, no_words);
        } else {
            buf_putc(b, '(');
            put_expr(ctx, b, e->expr);
            buf_putc(b, ')');
        }
        if (e->opclass) {
            buf_putc(b, ' ');
            put_name(ctx, b, e->opclass, no_words);
        }
        if (e->next)
            buf_puts(b, ", ");
    }
    buf_putc(b, ')');
}

static void index_text(ast_ctx *ctx, buf *b, const ast_item *it)
{
    buf_puts(b, it->unique_index ? "unique index " : "index ");
    put_cons_name(ctx, b, it);
    if (it->method)
        buf_printf(b, "using %s ", ast_name_spelling(ctx, it->method, true));
    if (it->elems)
        put_elems(ctx, b, it->elems);
    else
        put_names(ctx, b, it->cols);
    if (it->where) {
        buf_puts(b, " where (");
        put_expr(ctx, b, it->where);
        buf_putc(b, ')');
    }
}

static void item_text(ast_ctx *ctx, buf *b, const ast_item *it)
{
    switch (it->kind) {
    case AST_ITEM_PRIMARY_KEY:
        buf_puts(b, "primary key ");
        put_cons_name(ctx, b, it);
        put_names(ctx, b, it->cols);
        break;
    case AST_ITEM_UNIQUE:
        buf_puts(b, "unique ");
        put_cons_name(ctx, b, it);
        put_names(ctx, b, it->cols);
        break;
    case AST_ITEM_INDEX:
        index_text(ctx, b, it);
        break;
    case AST_ITEM_FOREIGN_KEY:
        buf_puts(b, "foreign key ");
        put_cons_name(ctx, b, it);
        put_names(ctx, b, it->cols);
        buf_putc(b, ' ');
        put_ref(ctx, b, it->ref);
        break;
    case AST_ITEM_CHECK:
        buf_puts(b, "check ");
        put_cons_name(ctx, b, it);
        buf_putc(b, '(');
        put_expr(ctx, b, it->check);
        buf_putc(b, ')');
        break;
    }
    buf_putc(b, ';');
}

/* ---- declarations ---------------------------------------------------- */

static const char *take_text(fmt *f, buf *b)
{
    const char *s = ast_strndup(f->ctx, b->data ? b->data : "", b->len);

    buf_reset(b);
    return s;
}

/* A column or item: the one member that comes next in the source. */
typedef struct member {
    const ast_column *col;
    const ast_item *item;
} member;

static member next_member(const ast_column *c, const ast_item *it)
{
    member m = {NULL, NULL};

    if (c && (!it || c->loc.first_line < it->loc.first_line ||
              (c->loc.first_line == it->loc.first_line &&
               c->loc.first_column < it->loc.first_column)))
        m.col = c;
    else
        m.item = it;
    return m;
}

static void fmt_table(fmt *f, const ast_table *t, buf *b)
{
    const ast_column *c;
    const ast_item *it = t->items;
    size_t namew = 0, typew = 0;
    member m;
    int head_last;

    for (c = t->columns; c; c = c->next) {
        modifier mods[NMODS];
        const char *name = spell(f->ctx, c->name, no_words);

        if (width(name, strlen(name)) > namew)
            namew = width(name, strlen(name));
        if (collect_modifiers(c, mods) > 0 &&
            type_len(f->ctx, &c->type) > typew)
            typew = type_len(f->ctx, &c->type);
    }
    buf_printf(b, "table %s", spell(f->ctx, t->name, no_words));
    if (t->renamed_from)
        buf_printf(b, " renamed from %s",
                   spell(f->ctx, t->renamed_from, no_words));
    if (t->not_strict.first_line != 0)
        buf_puts(b, " not strict");
    buf_puts(b, " {");
    head_last =
        t->renamed_from ? t->renamed_loc.last_line : t->name_loc.last_line;
    if (t->not_strict.last_line > head_last)
        head_last = t->not_strict.last_line;
    m = next_member(c = t->columns, it);
    if (m.col || m.item)
        head_last = head_end(head_last, m.col ? m.col->loc.first_line
                                              : m.item->loc.first_line);
    place(f, 0, take_text(f, b), t->loc.first_line, head_last);
    for (; c || it;) {
        m = next_member(c, it);
        if (m.col) {
            column_text(f->ctx, b, c, namew, typew);
            place(f, INDENT, take_text(f, b), c->loc.first_line,
                  c->loc.last_line);
            c = c->next;
        } else {
            item_text(f->ctx, b, it);
            place(f, INDENT, take_text(f, b), it->loc.first_line,
                  it->loc.last_line);
            it = it->next;
        }
    }
    place_close(f, 0, t->loc.last_line);
}

/* True when a comment starts on the lines of e before its last. */
static bool enum_has_comment(const fmt *f, const ast_enum *e)
{
    const ast_comment *c;

    for (c = f->next; c && c->line < e->loc.last_line; c = c->next) {
        if (c->line >= e->loc.first_line)
            return true;
    }
    return false;
}

static void fmt_enum(fmt *f, const ast_enum *e, buf *b)
{
    const ast_enum_value *v;

    buf_printf(b, "enum %s {", spell(f->ctx, e->name, no_words));
    for (v = e->values; v; v = v->next)
        buf_printf(b, " %s%s", ast_label_spelling(f->ctx, v->name),
                   v->next ? "," : "");
    buf_puts(b, " }");
    if (b->len <= WIDTH && !enum_has_comment(f, e)) {
        place(f, 0, take_text(f, b), e->loc.first_line, e->loc.last_line);
        return;
    }
    buf_reset(b);
    buf_printf(b, "enum %s {", spell(f->ctx, e->name, no_words));
    place(f, 0, take_text(f, b), e->loc.first_line,
          head_end(e->name_loc.last_line,
                   e->values ? e->values->loc.first_line : 0));
    for (v = e->values; v; v = v->next) {
        buf_printf(b, "%s,", ast_label_spelling(f->ctx, v->name));
        place(f, INDENT, take_text(f, b), v->loc.first_line, v->loc.last_line);
    }
    place_close(f, 0, e->loc.last_line);
}

/* sql DIALECT $$...$$: the text as written, on as many lines as it has. */
static void fmt_sql(fmt *f, const ast_sqlblock *q, buf *b)
{
    buf_printf(b, "sql %s $$%s$$",
               emit_sql_dialect_name((sql_dialect)q->dialect), q->text);
    place(f, 0, take_text(f, b), q->loc.first_line, q->loc.last_line);
}

/* ---- printing -------------------------------------------------------- */

/* A comment as written, less the blanks at the ends of its lines. */
static void put_comment(buf *b, const ast_comment *c)
{
    size_t i = 0, end, keep;

    while (i < c->rawlen) {
        end = i;
        while (end < c->rawlen && c->raw[end] != '\n')
            end++;
        keep = end;
        while (keep > i &&
               (c->raw[keep - 1] == ' ' || c->raw[keep - 1] == '\t'))
            keep--;
        buf_put(b, c->raw + i, keep - i);
        if (end < c->rawlen)
            buf_putc(b, '\n');
        i = end + 1;
    }
}

/* Where the code of l ends: the width of its last line. */
static size_t text_width(const fline *l)
{
    const char *nl = strrchr(l->text, '\n');

    if (nl)
        return width(nl + 1, strlen(nl + 1));
    return (size_t)l->indent + width(l->text, strlen(l->text));
}

/* The column where the trailing comments of the run from l start. */
static size_t trail_column(const fline *l)
{
    size_t w = 0;
    int indent = l->indent;

    for (; l && l->text && l->trail && l->indent == indent; l = l->next) {
        size_t lw = text_width(l);

        if (lw > w)
            w = lw;
    }
    return w + 1;
}

static void print_lines(const fmt *f, buf *out)
{
    const fline *l;
    size_t col = 0;
    bool in_run = false;
    int run_indent = 0;

    for (l = f->head; l; l = l->next) {
        if (!l->text) {
            if (l->comment) {
                buf_pad(out, (size_t)l->indent);
                put_comment(out, l->comment);
            }
            buf_putc(out, '\n');
            in_run = false;
            continue;
        }
        buf_pad(out, (size_t)l->indent);
        buf_puts(out, l->text);
        if (l->trail) {
            if (!in_run || l->indent != run_indent)
                col = trail_column(l);
            in_run = true;
            run_indent = l->indent;
            buf_pad(out, col - text_width(l));
            put_comment(out, l->trail);
        } else {
            in_run = false;
        }
        buf_putc(out, '\n');
    }
}

void fmt_schema(ast_ctx *ctx, buf *out)
{
    fmt f = {ctx, ctx->comments, 0, NULL, NULL, NULL};
    const ast_schema *s = ctx->schema;
    const ast_decl *d;
    buf b;

    buf_init(&b);
    buf_printf(&b, "schema %s", spell(ctx, s->name, no_words));
    for (int k = 0, n = 0; k < AST_NDIALECTS; k++)
        if (s->dialects & 1u << k)
            buf_printf(&b, "%s%s", n++ ? ", " : " for ", ast_dialect_name(k));
    buf_putc(&b, ';');
    place(&f, 0, take_text(&f, &b), s->loc.first_line, s->loc.last_line);
    for (d = s->decls; d; d = d->next) {
        add_blank(&f);
        if (d->table)
            fmt_table(&f, d->table, &b);
        else if (d->enm)
            fmt_enum(&f, d->enm, &b);
        else
            fmt_sql(&f, d->sql, &b);
    }
    if (f.next)
        add_blank(&f);
    take_before(&f, 0, INT_MAX);
    buf_free(&b);
    print_lines(&f, out);
}

/* ---- the command ----------------------------------------------------- */

static const char usage_fmt[] =
    "usage: schemac fmt FILE.schema... [--check | --stdout]\n"
    "\n"
    "Rewrites each FILE in the project's layout (aligned columns, one\n"
    "member a line, single spaces), keeping every comment.  A file that\n"
    "does not compile is reported and left as it is.\n"
    "\n"
    "  --check    write nothing: name each file that is not formatted and\n"
    "             exit 1 when there is one\n"
    "  --stdout   print the formatted text instead of rewriting the file\n";

enum fmt_mode { FMT_WRITE, FMT_CHECK, FMT_STDOUT };

/* Parses and checks text; NULL when it does not compile. */
static ast_ctx *reload(const char *path, const char *text, size_t len)
{
    ast_ctx *ctx = ast_ctx_new(path, text, len);

    if (!ctx)
        return NULL;
    if (ast_parse(ctx) == 0)
        check_schema_for_sql(ctx);
    if (ctx->nerrors > 0) {
        ast_ctx_free(ctx);
        return NULL;
    }
    ast_attach_comments(ctx);
    return ctx;
}

/* What one part of a schema's output is made of. */
typedef enum part { P_COMMENTS, P_DDL, P_CODE } part;

static void render(ast_ctx *ctx, part p, buf *out)
{
    const ast_comment *c;
    buf tmp;
    int d, nd;

    if (p == P_COMMENTS) {
        for (c = ctx->comments; c; c = c->next) {
            put_comment(out, c);
            buf_putc(out, '\n');
        }
    } else if (p == P_DDL) {
        const sql_dialect *ds = emit_sql_dialects(&nd);

        buf_printf(out, "for %u\n", ctx->schema->dialects);
        for (d = 0; d < nd; d++)
            emit_sql_script(ctx, ds[d], out);
    } else {
        buf_init(&tmp);
        emit_c(ctx, out, &tmp, NULL, 0);
        buf_put(out, tmp.data, tmp.len);
        buf_free(&tmp);
    }
}

static bool same_part(ast_ctx *a, ast_ctx *b, part p)
{
    buf x, y;
    bool same;

    buf_init(&x);
    buf_init(&y);
    render(a, p, &x);
    render(b, p, &y);
    same = x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    buf_free(&x);
    buf_free(&y);
    return same;
}

fmt_result fmt_proved(ast_ctx *ctx, buf *out)
{
    ast_ctx *again;
    fmt_result r = FMT_OK;

    fmt_schema(ctx, out);
    again = reload(ctx->filename, out->data ? out->data : "", out->len);
    if (!again)
        return FMT_BROKEN;
    if (!same_part(ctx, again, P_COMMENTS))
        r = FMT_COMMENTS_CHANGED;
    else if (!same_part(ctx, again, P_DDL))
        r = FMT_BROKEN;
    else if (!same_part(ctx, again, P_CODE))
        r = FMT_COMMENT_MOVED;
    ast_ctx_free(again);
    return r;
}

static const char *const refusals[] = {
    [FMT_COMMENTS_CHANGED] = "its comments",
    [FMT_COMMENT_MOVED] = "the generated code (a comment would document "
                          "another declaration)",
    [FMT_BROKEN] = "its meaning",
};

static int emit_result(const char *path, enum fmt_mode mode, const buf *out,
                       const char *src, size_t len)
{
    bool same = out->len == len && memcmp(out->data, src, len) == 0;

    if (mode == FMT_STDOUT)
        return frontend_write(NULL, out->data, out->len);
    if (mode == FMT_CHECK) {
        if (same)
            return 0;
        fprintf(stderr, "%s: not formatted (schemac fmt %s rewrites it)\n",
                path, path);
        return EXIT_USER;
    }
    return same ? 0 : frontend_write(path, out->data, out->len);
}

static int fmt_file(const char *path, enum fmt_mode mode)
{
    char *src;
    size_t len;
    ast_ctx *ctx = frontend_load(path, &src, &len);
    fmt_result r;
    buf out;
    int rc;

    if (!ctx)
        return EXIT_USER;
    buf_init(&out);
    r = fmt_proved(ctx, &out);
    if (r != FMT_OK) {
        fprintf(stderr,
                "schemac: %s: formatting would change %s; the file is left "
                "as it was\n",
                path, refusals[r]);
        rc = EXIT_USER;
    } else {
        rc = emit_result(path, mode, &out, src, len);
    }
    ast_ctx_free(ctx);
    buf_free(&out);
    free(src);
    return rc;
}

int fmt_main(int argc, char **argv)
{
    enum fmt_mode mode = FMT_WRITE;
    int i, nfiles = 0, rc = 0;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_fmt, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--check") == 0 ||
            strcmp(argv[i], "--stdout") == 0) {
            if (mode != FMT_WRITE)
                goto usage;
            mode = argv[i][2] == 'c' ? FMT_CHECK : FMT_STDOUT;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "schemac: unknown option '%s'\n", argv[i]);
            goto usage;
        } else {
            nfiles++;
        }
    }
    if (nfiles == 0)
        goto usage;
    for (i = 0; i < argc; i++) {
        if (argv[i][0] != '-' && fmt_file(argv[i], mode) != 0)
            rc = EXIT_USER;
    }
    return rc;
usage:
    fputs(usage_fmt, stderr);
    return EXIT_USAGE;
}
