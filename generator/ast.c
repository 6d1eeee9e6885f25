/*
 * ast.c - the syntax tree's memory, constructors and diagnostics.
 *
 * Every node and string lives in a pool owned by the context, so the parser
 * never frees anything and error recovery cannot leak.  The constructors
 * here are the only way the grammar builds the tree; they record what was
 * written and leave every judgement to the checker.  Diagnostics are
 * collected on the context and printed sorted by position, each with its
 * source line and a caret under the column.
 */
#include "ast.h"
#include "mem.h"
#include "dialect.h"
#include "utf8.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chunk of the pool.  Large requests get a chunk of their own. */
struct ast_pool {
    struct ast_pool *next;
    size_t used, cap;
    unsigned long long seq; /* order of creation, for ast_pool_release */
    max_align_t data[];
};

static unsigned long long pool_seq;

#define POOL_CHUNK 65536

/* ---- memory ---------------------------------------------------------- */

static struct ast_pool *pool_chunk(size_t cap, struct ast_pool *next)
{
    struct ast_pool *p = mem_alloc(sizeof *p + cap);

    p->next = next;
    p->used = 0;
    p->cap = cap;
    p->seq = ++pool_seq;
    return p;
}

ast_mark ast_pool_mark(ast_ctx *ctx)
{
    ast_mark m;

    m.chunk = ctx->pool;
    m.used = ctx->pool ? ctx->pool->used : 0;
    m.seq = pool_seq;
    return m;
}

void ast_pool_release(ast_ctx *ctx, ast_mark m)
{
    struct ast_pool **pp = &ctx->pool, *p;
    /* A new chunk goes first or second (pool_take), so those made since
     * the mark are all among the first of them plus two: no need to walk
     * the whole list, which grows with the schema. */
    unsigned long long left = pool_seq - m.seq + 2;

    /* Chunks made since the mark go; the one in front then is back to
     * where it was. */
    while ((p = *pp) != NULL && left-- > 0) {
        if (p->seq > m.seq) {
            *pp = p->next;
            free(p);
        } else {
            pp = &p->next;
        }
    }
    if (m.chunk)
        m.chunk->used = m.used;
}

/* A new chunk for size bytes, which the one in front has no room for;
 * returns the start of the bytes. */
static char *pool_grow(ast_ctx *ctx, size_t size)
{
    struct ast_pool *p = ctx->pool;

    if (size > POOL_CHUNK / 4 && p != NULL) {
        /* Keep the current chunk in front: it still has room. */
        p->next = pool_chunk(size, p->next);
        p = p->next;
    } else {
        p = pool_chunk(size > POOL_CHUNK ? size : POOL_CHUNK, p);
        ctx->pool = p;
    }
    p->used = size;
    return (char *)p->data;
}

/* size bytes of the pool (size > 0), not cleared, at a multiple of align
 * (1, or that of max_align_t) from the chunk's start: nodes take the
 * strictest alignment, text none, so that a short name costs its bytes
 * and not sixteen. */
static char *pool_take(ast_ctx *ctx, size_t size, size_t align)
{
    struct ast_pool *p = ctx->pool;
    size_t at;

    if (p == NULL)
        return pool_grow(ctx, size);
    at = (p->used + align - 1) & ~(align - 1);
    if (at + size > p->cap)
        return pool_grow(ctx, size);
    p->used = at + size;
    return (char *)p->data + at;
}

void *ast_alloc(ast_ctx *ctx, size_t size)
{
    char *mem = pool_take(ctx, size ? size : 1, sizeof(max_align_t));

    memset(mem, 0, size ? size : 1);
    return mem;
}

char *ast_alloc_chars(ast_ctx *ctx, size_t n)
{
    char *d = pool_take(ctx, n + 1, 1);

    d[n] = '\0';
    return d;
}

char *ast_strndup(ast_ctx *ctx, const char *s, size_t n)
{
    /* Every byte is written below: no need to clear them first. */
    char *d = pool_take(ctx, n + 1, 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ast_strdup(ast_ctx *ctx, const char *s)
{
    return ast_strndup(ctx, s, strlen(s));
}

ast_ctx *ast_ctx_new(const char *filename, const char *src, size_t len)
{
    ast_ctx *ctx = mem_calloc(1, sizeof *ctx);
    char *copy = mem_alloc(len + 1);

    if (len > 0)
        memcpy(copy, src, len);
    copy[len] = '\0';
    ctx->filename = filename;
    ctx->src = copy;
    ctx->srclen = len;
    return ctx;
}

void ast_ctx_free(ast_ctx *ctx)
{
    struct ast_pool *p, *next;

    if (ctx == NULL)
        return;
    for (p = ctx->pool; p != NULL; p = next) {
        next = p->next;
        free(p);
    }
    free(ctx->diags);
    free((char *)ctx->src);
    free(ctx);
}

/* ---- diagnostics ----------------------------------------------------- */

static void add_diag(ast_ctx *ctx, const ast_loc *loc, bool is_note,
                     const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0), nonnull(4)));

static void add_diag(ast_ctx *ctx, const ast_loc *loc, bool is_note,
                     const char *fmt, va_list ap)
{
    char small[256];
    ast_diag *d;
    va_list ap2;
    int n;

    if (ctx->ndiags == ctx->capdiags) {
        int cap = ctx->capdiags ? ctx->capdiags * 2 : 16;
        ast_diag *nd = mem_realloc(ctx->diags, (size_t)cap * sizeof *nd);

        ctx->diags = nd;
        ctx->capdiags = cap;
    }
    d = &ctx->diags[ctx->ndiags];
    memset(d, 0, sizeof *d);
    if (loc != NULL)
        d->loc = *loc;
    d->is_note = is_note;
    d->seq = ctx->ndiags++;
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    d->msg = ast_alloc(ctx, (size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(d->msg, small, (size_t)n + 1);
    else
        vsnprintf(d->msg, (size_t)n + 1, fmt, ap);
}

static void add_diag_v(ast_ctx *ctx, const ast_loc *loc, bool is_note,
                       const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_diag(ctx, loc, is_note, fmt, ap);
    va_end(ap);
}

void ast_error(ast_ctx *ctx, const ast_loc *loc, const char *fmt, ...)
{
    va_list ap;

    ctx->nerrors++;
    if (ctx->nerrors == AST_MAX_ERRORS + 1)
        add_diag_v(ctx, loc, false, "too many errors, stopping here");
    if (ctx->nerrors > AST_MAX_ERRORS)
        return;
    va_start(ap, fmt);
    add_diag(ctx, loc, false, fmt, ap);
    va_end(ap);
}

void ast_note(ast_ctx *ctx, const ast_loc *loc, const char *fmt, ...)
{
    va_list ap;

    if (ctx->nerrors > AST_MAX_ERRORS || ctx->ndiags == 0)
        return;
    va_start(ap, fmt);
    add_diag(ctx, loc, true, fmt, ap);
    va_end(ap);
}

/* A diagnostic's sort key: notes take their error's position, so they
 * stay right after it. */
typedef struct diag_key {
    const ast_diag *d;
    int line, col, group, seq;
} diag_key;

static int cmp_key(const void *a, const void *b)
{
    const diag_key *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Finds line number `line` (from 1) in the source; NULL past the end.  A
 * line ends at LF, CRLF or a lone CR; a final line ending does not start
 * another line. */
static const char *find_line(const ast_ctx *ctx, int line, size_t *len)
{
    const char *s = ctx->src, *end = ctx->src + ctx->srclen;
    const char *e;
    int n = 1;

    if (ctx->srclen >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (n < line && s < end) {
        if (*s == '\n' || *s == '\r') {
            if (*s == '\r' && s + 1 < end && s[1] == '\n')
                s++;
            n++;
        }
        s++;
    }
    if (n != line || s >= end)
        return NULL;
    for (e = s; e < end && *e != '\n' && *e != '\r'; e++)
        ;
    *len = (size_t)(e - s);
    return s;
}

/* Control characters other than tab would garble the terminal. */
static bool is_control(char c)
{
    return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7F;
}

/* Prints the source line with bytes that are not valid UTF-8 (and control
 * characters) replaced by '?', then a caret under code point `col`,
 * copying tabs so the caret lines up under any tab width. */
static void print_source(FILE *out, const char *s, size_t len, int col)
{
    size_t i = 0, k;
    int c = 1;

    while (i < len) {
        k = sc__utf8_sequence((const unsigned char *)s + i, len - i);
        if (k == 0 || (k == 1 && is_control(s[i]))) {
            fputc('?', out);
            k = 1;
        } else {
            fwrite(s + i, 1, k, out);
        }
        i += k;
    }
    fputc('\n', out);
    for (i = 0; i < len && c < col; c++) {
        fputc(s[i] == '\t' ? '\t' : ' ', out);
        k = sc__utf8_sequence((const unsigned char *)s + i, len - i);
        i += k == 0 ? 1 : k;
    }
    for (; c < col; c++)
        fputc(' ', out);
    fputs("^\n", out);
}

static void print_diag(const ast_ctx *ctx, const ast_diag *d, FILE *out)
{
    const char *kind = d->is_note ? "note" : "error";
    const char *line;
    size_t len = 0;

    if (d->loc.first_line <= 0) {
        fprintf(out, "%s: %s: %s\n", ctx->filename, kind, d->msg);
        return;
    }
    fprintf(out, "%s:%d:%d: %s: %s\n", ctx->filename, d->loc.first_line,
            d->loc.first_column, kind, d->msg);
    line = find_line(ctx, d->loc.first_line, &len);
    if (line != NULL)
        print_source(out, line, len, d->loc.first_column);
}

int ast_print_diags(const ast_ctx *ctx, FILE *out)
{
    diag_key *keys;
    int i, group = -1;
    const ast_diag *owner = NULL;

    if (ctx->ndiags == 0)
        return ctx->nerrors;
    keys = mem_alloc((size_t)ctx->ndiags * sizeof *keys);
    for (i = 0; i < ctx->ndiags; i++) {
        const ast_diag *d = &ctx->diags[i];

        if (!d->is_note || owner == NULL) {
            owner = d;
            group = i;
        }
        keys[i].d = d;
        keys[i].line = owner->loc.first_line;
        keys[i].col = owner->loc.first_column;
        keys[i].group = group;
        keys[i].seq = d->seq;
    }
    qsort(keys, (size_t)ctx->ndiags, sizeof *keys, cmp_key);
    for (i = 0; i < ctx->ndiags; i++)
        print_diag(ctx, keys[i].d, out);
    free(keys);
    return ctx->nerrors;
}

/* ---- constructors ---------------------------------------------------- */

ast_schema *ast_schema_new(ast_ctx *ctx, const ast_loc *loc, const char *name)
{
    ast_schema *s = ast_alloc(ctx, sizeof *s);

    s->name = name;
    s->loc = *loc;
    ctx->schema = s;
    return s;
}

bool ast_schema_for(const ast_schema *s, int d)
{
    return s->dialects == 0 || (s->dialects & 1u << d) != 0;
}

int ast_schema_only(const ast_schema *s)
{
    int d, only = -1;

    for (d = 0; d < AST_NDIALECTS; d++)
        if (ast_schema_for(s, d)) {
            if (only >= 0)
                return -1;
            only = d;
        }
    return only;
}

const char *ast_dialect_name(int d)
{
    return sc__dialect_of((sc_dialect)d)->name;
}

bool ast_schema_refuses(const ast_ctx *ctx, int d, const char *what)
{
    const ast_schema *s = ctx->schema;
    int k, n = 0;

    if (ast_schema_for(s, d))
        return false;
    fprintf(stderr, "schemac: %s:%d: schema %s is for", ctx->filename,
            s->loc.first_line, s->name);
    for (k = 0; k < AST_NDIALECTS; k++)
        if (ast_schema_for(s, k))
            fprintf(stderr, "%s %s", n++ ? "," : "", ast_dialect_name(k));
    fprintf(stderr, " only (its \"for\" clause), not for %s: %s\n",
            ast_dialect_name(d), what);
    return true;
}

/* The schema that declarations join; a nameless one when the file lacks
 * its schema declaration (already reported), so later errors still show. */
static ast_schema *schema_of(ast_ctx *ctx, ast_schema *s)
{
    static const ast_loc none;

    if (s != NULL)
        return s;
    if (ctx->schema == NULL)
        ast_schema_new(ctx, &none, NULL);
    return ctx->schema;
}

static ast_decl *add_decl(ast_ctx *ctx, ast_schema *s, ast_table *t,
                          ast_enum *e)
{
    ast_decl *d = ast_alloc(ctx, sizeof *d);
    ast_decl **pp = s->decls_end ? s->decls_end : &s->decls;

    d->table = t;
    d->enm = e;
    while (*pp != NULL)
        pp = &(*pp)->next;
    *pp = d;
    s->decls_end = &d->next;
    return d;
}

void ast_schema_add_table(ast_ctx *ctx, ast_schema *s, ast_table *t)
{
    ast_table **pp;

    s = schema_of(ctx, s);
    for (pp = s->tables_end ? s->tables_end : &s->tables; *pp != NULL;
         pp = &(*pp)->next)
        ;
    *pp = t;
    s->tables_end = &t->next;
    add_decl(ctx, s, t, NULL);
}

void ast_schema_add_enum(ast_ctx *ctx, ast_schema *s, ast_enum *e)
{
    ast_enum **pp;

    s = schema_of(ctx, s);
    for (pp = s->enums_end ? s->enums_end : &s->enums; *pp != NULL;
         pp = &(*pp)->next)
        ;
    *pp = e;
    s->enums_end = &e->next;
    add_decl(ctx, s, NULL, e);
}

ast_enum *ast_enum_new(ast_ctx *ctx, const ast_loc *loc, const char *name,
                       const ast_loc *name_loc, ast_enum_value *values)
{
    ast_enum *e = ast_alloc(ctx, sizeof *e);

    e->name = name;
    e->loc = *loc;
    e->name_loc = *name_loc;
    e->values = values;
    return e;
}

ast_enum_value *ast_enum_value_new(ast_ctx *ctx, const ast_loc *loc,
                                   const char *name)
{
    ast_enum_value *v = ast_alloc(ctx, sizeof *v);

    v->name = name;
    v->loc = *loc;
    return v;
}

ast_enum *ast_enum_add_value(ast_ctx *ctx, ast_enum *e, const ast_loc *loc,
                             const char *name)
{
    ast_enum_value **pp;

    for (pp = &e->values; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = ast_enum_value_new(ctx, loc, name);
    return e;
}

void ast_enum_end(ast_ctx *ctx, ast_enum *e, const ast_loc *loc)
{
    e->loc = *loc;
    ast_schema_add_enum(ctx, ctx->schema, e);
}

ast_sqlblock *ast_sqlblock_end(ast_ctx *ctx, const ast_loc *loc, int dialect,
                               const char *text)
{
    ast_sqlblock *b = ast_alloc(ctx, sizeof *b), **pp;
    ast_schema *s = schema_of(ctx, ctx->schema);

    b->loc = *loc;
    b->dialect = dialect;
    b->text = text;
    /* Few blocks per file: the walk to the end costs nothing. */
    for (pp = &s->sqlblocks; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = b;
    add_decl(ctx, s, NULL, NULL)->sql = b;
    return b;
}

ast_table *ast_table_new(ast_ctx *ctx, const ast_loc *loc, const char *name,
                         const ast_loc *name_loc)
{
    ast_table *t = ast_alloc(ctx, sizeof *t);

    t->name = name;
    t->loc = *loc;
    t->name_loc = *name_loc;
    return t;
}

ast_table *ast_table_renamed(ast_ctx *ctx, ast_table *t, const char *old,
                             const ast_loc *old_loc)
{
    (void)ctx;
    t->renamed_from = old;
    t->renamed_loc = *old_loc;
    return t;
}

ast_table *ast_table_not_strict(ast_ctx *ctx, ast_table *t,
                                const ast_loc *loc)
{
    (void)ctx;
    t->not_strict = *loc;
    return t;
}

void ast_table_end(ast_ctx *ctx, ast_table *t, const ast_loc *loc)
{
    t->loc = *loc;
    ast_schema_add_table(ctx, ctx->schema, t);
}

void ast_table_add_column(ast_table *t, ast_column *c)
{
    ast_column **pp;

    for (pp = t->columns_end ? t->columns_end : &t->columns; *pp != NULL;
         pp = &(*pp)->next)
        ;
    *pp = c;
    t->columns_end = &c->next;
}

void ast_table_add_item(ast_table *t, ast_item *it)
{
    ast_item **pp;

    for (pp = t->items_end ? t->items_end : &t->items; *pp != NULL;
         pp = &(*pp)->next)
        ;
    *pp = it;
    t->items_end = &it->next;
}

ast_type ast_type_make(ast_type_kind kind, const ast_loc *loc)
{
    ast_type t;

    memset(&t, 0, sizeof t);
    t.kind = kind;
    t.loc = *loc;
    return t;
}

/* The value of a run of digits, saturating at INT64_MAX. */
static int64_t digits_value(const char *s)
{
    int64_t v = 0;

    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - (*s - '0')) / 10)
            return INT64_MAX;
        v = v * 10 + (*s - '0');
    }
    return v;
}

ast_type ast_type_sized(ast_type_kind kind, const ast_loc *loc,
                        const ast_literal *a, const ast_literal *b)
{
    ast_type t = ast_type_make(kind, loc);

    t.a = digits_value(a->text);
    if (b != NULL) {
        t.b = digits_value(b->text);
        t.has_b = true;
    }
    return t;
}

ast_type ast_type_local(const ast_loc *loc)
{
    ast_type t = ast_type_make(AST_T_TIMESTAMP, loc);

    t.local = true;
    return t;
}

ast_type ast_type_named(ast_ctx *ctx, const ast_loc *loc, const char *name)
{
    ast_type t = ast_type_make(AST_T_NAMED, loc);

    (void)ctx;
    t.name = name;
    return t;
}

ast_column *ast_column_new(ast_ctx *ctx, const ast_loc *loc, const char *name,
                           const ast_loc *name_loc, const ast_type *type)
{
    ast_column *c = ast_alloc(ctx, sizeof *c);

    c->name = name;
    c->loc = *loc;
    c->name_loc = *name_loc;
    c->type = *type;
    return c;
}

ast_modifier ast_mod_flag(ast_mod_kind kind, const ast_loc *loc)
{
    ast_modifier m;

    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.loc = *loc;
    return m;
}

bool ast_lit_current_date(const ast_literal *l)
{
    return l != NULL && l->kind == AST_LIT_NOW &&
           strcmp(l->text, "current_date") == 0;
}

ast_modifier ast_mod_default(const ast_loc *loc, ast_literal *lit)
{
    ast_modifier m = ast_mod_flag(AST_MOD_DEFAULT, loc);

    /* default current_date: a now of the session's day */
    if (lit != NULL && lit->kind == AST_LIT_IDENT &&
        strcmp(lit->text, "current_date") == 0)
        lit->kind = AST_LIT_NOW;

    m.lit = lit;
    return m;
}

ast_modifier ast_mod_ref(const ast_loc *loc, ast_ref *ref)
{
    ast_modifier m = ast_mod_flag(AST_MOD_REFERENCES, loc);

    m.ref = ref;
    return m;
}

ast_modifier ast_mod_check(const ast_loc *loc, ast_expr *expr)
{
    ast_modifier m = ast_mod_flag(AST_MOD_CHECK, loc);

    m.expr = expr;
    return m;
}

ast_modifier ast_mod_expr(ast_mod_kind kind, const ast_loc *loc,
                          ast_expr *expr)
{
    ast_modifier m = ast_mod_flag(kind, loc);

    m.expr = expr;
    return m;
}

ast_modifier ast_mod_renamed(const ast_loc *loc, const char *old)
{
    ast_modifier m = ast_mod_flag(AST_MOD_RENAMED, loc);

    m.name = old;
    return m;
}

ast_modifier ast_mod_collate(const ast_loc *loc, const char *name)
{
    ast_modifier m = ast_mod_flag(AST_MOD_COLLATE, loc);

    m.name = name;
    return m;
}

ast_storage ast_storage_make(ast_format format, const ast_literal *frac)
{
    ast_storage st;

    memset(&st, 0, sizeof st);
    st.format = format;
    if (frac != NULL) {
        st.fixed_frac = true;
        st.frac = digits_value(frac->text);
    }
    return st;
}

ast_storage ast_storage_join(ast_ctx *ctx, const ast_storage *format,
                             const ast_storage *types)
{
    ast_storage st = *format;
    int d;

    (void)ctx;
    for (d = 1; d < AST_NDIALECTS; d++)
        st.sql_type[d] = types->sql_type[d];
    return st;
}

ast_storage ast_storage_type(ast_ctx *ctx, const ast_storage *types,
                             const ast_loc *loc, int d,
                             const ast_literal *t)
{
    ast_storage st;

    if (types != NULL)
        st = *types;
    else
        st = ast_storage_make(AST_FMT_NATIVE, NULL);
    if (st.sql_type[d] != NULL)
        ast_error(ctx, loc, "stored as names the type of %s twice",
                  sc__dialect_of((sc_dialect)d)->name);
    st.sql_type[d] = t->text;
    return st;
}

ast_modifier ast_mod_stored(const ast_loc *loc, const ast_storage *st)
{
    ast_modifier m = ast_mod_flag(AST_MOD_STORED, loc);

    m.storage = *st;
    return m;
}

static const char *const mod_names[] = {
    [AST_MOD_PRIMARY_KEY] = "primary key",
    [AST_MOD_AUTOINCREMENT] = "autoincrement",
    [AST_MOD_NOT_NULL] = "not null",
    [AST_MOD_NULL] = "null",
    [AST_MOD_UNIQUE] = "unique",
    [AST_MOD_DEFAULT] = "default",
    [AST_MOD_REFERENCES] = "references",
    [AST_MOD_CHECK] = "check",
    [AST_MOD_RENAMED] = "renamed from",
    [AST_MOD_STORED] = "stored as",
    [AST_MOD_BACKFILL] = "backfill",
    [AST_MOD_USING] = "using",
    [AST_MOD_COLLATE] = "collate",
};

/* The location slot of modifier kind k on c: given when first_line != 0. */
static ast_loc *mod_slot(ast_column *c, ast_mod_kind k)
{
    switch (k) {
    case AST_MOD_PRIMARY_KEY:
        return &c->primary_key;
    case AST_MOD_AUTOINCREMENT:
        return &c->autoincrement;
    case AST_MOD_NOT_NULL:
        return &c->not_null;
    case AST_MOD_NULL:
        return &c->null_;
    case AST_MOD_UNIQUE:
        return &c->unique;
    case AST_MOD_DEFAULT:
        return &c->dflt_loc;
    case AST_MOD_CHECK:
        return &c->check_loc;
    case AST_MOD_RENAMED:
        return &c->renamed_loc;
    case AST_MOD_STORED:
        return &c->stored_loc;
    case AST_MOD_BACKFILL:
        return &c->backfill_loc;
    case AST_MOD_USING:
        return &c->using_loc;
    case AST_MOD_COLLATE:
        return &c->collate_loc;
    case AST_MOD_REFERENCES:
        break;
    }
    return NULL;
}

static bool mod_given(ast_column *c, ast_mod_kind k)
{
    ast_loc *slot = mod_slot(c, k);

    if (k == AST_MOD_REFERENCES)
        return c->ref != NULL;
    return slot->first_line != 0;
}

ast_column *ast_column_add_modifier(ast_ctx *ctx, ast_column *c,
                                    const ast_modifier *m)
{
    (void)ctx;
    c->loc.last_line = m->loc.last_line;
    c->loc.last_column = m->loc.last_column;
    if (mod_given(c, m->kind)) {
        if (c->dup_modifiers++ == 0) {
            c->dup_loc = m->loc;
            c->dup_name = mod_names[m->kind];
        }
        return c;
    }
    if (m->kind != AST_MOD_REFERENCES)
        *mod_slot(c, m->kind) = m->loc;
    switch (m->kind) {
    case AST_MOD_DEFAULT:
        c->dflt = m->lit;
        break;
    case AST_MOD_REFERENCES:
        c->ref = m->ref;
        break;
    case AST_MOD_CHECK:
        c->check = m->expr;
        break;
    case AST_MOD_BACKFILL:
        c->backfill = m->expr;
        break;
    case AST_MOD_USING:
        c->using_ = m->expr;
        break;
    case AST_MOD_RENAMED:
        c->renamed_from = m->name;
        break;
    case AST_MOD_COLLATE:
        c->collation = m->name;
        break;
    case AST_MOD_STORED:
        c->format = m->storage.format;
        c->fixed_frac = m->storage.fixed_frac;
        c->frac = m->storage.frac;
        memcpy(c->sql_type, m->storage.sql_type, sizeof c->sql_type);
        break;
    default:
        break;
    }
    return c;
}

ast_literal *ast_literal_new(ast_ctx *ctx, const ast_loc *loc,
                             ast_lit_kind kind, const char *text, size_t len)
{
    ast_literal *l = ast_alloc(ctx, sizeof *l);

    l->kind = kind;
    l->loc = *loc;
    l->text = ast_strndup(ctx, text != NULL ? text : "", len);
    l->len = len;
    return l;
}

ast_literal *ast_literal_negate(ast_ctx *ctx, const ast_loc *loc,
                                const ast_literal *lit)
{
    ast_literal *l = ast_literal_new(ctx, loc, lit->kind, "", 0);
    char *text = ast_alloc(ctx, lit->len + 2);

    text[0] = '-';
    memcpy(text + 1, lit->text, lit->len);
    l->text = text;
    l->len = lit->len + 1;
    return l;
}

ast_name *ast_name_new(ast_ctx *ctx, const ast_loc *loc, const char *name)
{
    ast_name *n = ast_alloc(ctx, sizeof *n);

    n->name = name;
    n->loc = *loc;
    return n;
}

ast_name *ast_name_append(ast_ctx *ctx, ast_name *list, const ast_loc *loc,
                          const char *name)
{
    ast_name *n = ast_name_new(ctx, loc, name), *p;

    /* The head keeps the tail, so that a long list is built in linear
     * time (the walk covers lists linked by other means). */
    if (list == NULL)
        return n;
    for (p = list->last ? list->last : list; p->next != NULL; p = p->next)
        ;
    p->next = n;
    list->last = n;
    return list;
}

ast_ref *ast_ref_new(ast_ctx *ctx, const ast_loc *loc, const char *table,
                     const ast_loc *table_loc, ast_name *cols)
{
    ast_ref *r = ast_alloc(ctx, sizeof *r);

    r->loc = *loc;
    r->table = table;
    r->table_loc = *table_loc;
    r->cols = cols;
    return r;
}

ast_ref *ast_ref_action(ast_ref *r, const ast_loc *from, const ast_loc *to,
                        bool update, ast_action act)
{
    ast_action *slot = update ? &r->on_update : &r->on_delete;

    r->loc.last_line = to->last_line;
    r->loc.last_column = to->last_column;
    if (*slot != AST_ACT_NONE) {
        if (r->dup_loc.first_line == 0) {
            r->dup_loc = *from;
            r->dup_loc.last_line = to->last_line;
            r->dup_loc.last_column = to->last_column;
        }
        return r;
    }
    *slot = act;
    return r;
}

/* A second deferrable counts as a repeated clause, like an action. */
ast_ref *ast_ref_deferrable(ast_ref *r, const ast_loc *loc, bool initially)
{
    r->loc.last_line = loc->last_line;
    r->loc.last_column = loc->last_column;
    if (r->deferrable.first_line != 0) {
        if (r->dup_loc.first_line == 0)
            r->dup_loc = *loc;
        return r;
    }
    r->deferrable = *loc;
    if (initially)
        r->initially_deferred = *loc;
    return r;
}

ast_item *ast_item_new(ast_ctx *ctx, const ast_loc *loc, ast_item_kind kind)
{
    ast_item *it = ast_alloc(ctx, sizeof *it);

    it->kind = kind;
    it->loc = *loc;
    return it;
}

ast_item *ast_item_cols(ast_ctx *ctx, const ast_loc *loc, ast_item_kind kind,
                        const char *name, const ast_loc *name_loc,
                        ast_name *cols)
{
    ast_item *it = ast_item_new(ctx, loc, kind);

    it->name = name;
    if (name_loc != NULL)
        it->name_loc = *name_loc;
    it->cols = cols;
    return it;
}

ast_item *ast_item_fk(ast_ctx *ctx, const ast_loc *loc, ast_name *cols,
                      ast_ref *ref)
{
    ast_item *it = ast_item_new(ctx, loc, AST_ITEM_FOREIGN_KEY);

    it->cols = cols;
    it->ref = ref;
    return it;
}

ast_item *ast_item_check(ast_ctx *ctx, const ast_loc *loc, ast_expr *e)
{
    ast_item *it = ast_item_new(ctx, loc, AST_ITEM_CHECK);

    it->check = e;
    return it;
}

ast_item *ast_item_named(ast_item *it, const char *name,
                         const ast_loc *name_loc)
{
    it->name = name;
    it->name_loc = *name_loc;
    return it;
}

ast_item *ast_index_tail(ast_ctx *ctx, const ast_loc *loc, ast_ielem *elems,
                         ast_expr *where)
{
    ast_item *it = ast_item_new(ctx, loc, AST_ITEM_INDEX);

    it->elems = elems;
    it->where = where;
    return it;
}

ast_item *ast_item_index(ast_ctx *ctx, ast_item *tail, const ast_loc *loc,
                         bool unique, const char *name,
                         const ast_loc *name_loc, const char *method)
{
    ast_ielem *e;
    bool plain = true;

    tail->loc = *loc;
    tail->unique_index = unique;
    tail->name = name;
    if (name_loc != NULL)
        tail->name_loc = *name_loc;
    tail->method = method;
    for (e = tail->elems; e != NULL && plain; e = e->next)
        plain = e->column != NULL && e->opclass == NULL;
    if (!plain)
        return tail;
    for (e = tail->elems; e != NULL; e = e->next)
        tail->cols = ast_name_append(ctx, tail->cols, &e->loc, e->column);
    tail->elems = NULL;
    return tail;
}

ast_ielem *ast_ielem_new(ast_ctx *ctx, const ast_loc *loc, const char *column,
                         ast_expr *expr, const char *opclass)
{
    ast_ielem *e = ast_alloc(ctx, sizeof *e);

    e->loc = *loc;
    e->column = column;
    e->expr = expr;
    e->opclass = opclass;
    return e;
}

ast_ielem *ast_ielem_append(ast_ielem *list, ast_ielem *e)
{
    ast_ielem *p;

    if (list == NULL)
        return e;
    for (p = list->last ? list->last : list; p->next != NULL; p = p->next)
        ;
    p->next = e;
    list->last = e;
    return list;
}

ast_expr *ast_expr_new(ast_ctx *ctx, const ast_loc *loc, ast_expr_kind kind)
{
    ast_expr *e = ast_alloc(ctx, sizeof *e);

    e->kind = kind;
    e->loc = *loc;
    e->depth = 1;
    return e;
}

static void widen(int *depth, int *nesting, const ast_expr *child)
{
    if (child == NULL)
        return;
    if (child->depth > *depth)
        *depth = child->depth;
    if (child->nesting > *nesting)
        *nesting = child->nesting;
}

/* Sets e's depth and nesting from its children's, once they are all in
 * place; `nests` says whether e itself opens a level of nesting. */
static ast_expr *measure(ast_expr *e, bool nests)
{
    const ast_exprlist *a;
    int depth = 0, nesting = 0;

    widen(&depth, &nesting, e->lhs);
    widen(&depth, &nesting, e->rhs);
    for (a = e->args; a != NULL; a = a->next)
        widen(&depth, &nesting, a->expr);
    e->depth = depth + 1;
    e->nesting = nesting + (nests ? 1 : 0);
    return e;
}

ast_expr *ast_expr_lit(ast_ctx *ctx, const ast_loc *loc, ast_literal *lit)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_LITERAL);

    e->lit = lit;
    return e;
}

ast_expr *ast_expr_column(ast_ctx *ctx, const ast_loc *loc, const char *name)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_COLUMN);

    e->name = name;
    return e;
}

ast_expr *ast_expr_unary(ast_ctx *ctx, const ast_loc *loc, ast_op op,
                         ast_expr *operand)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_UNARY);

    e->op = op;
    e->lhs = operand;
    return measure(e, true);
}

ast_expr *ast_expr_binary(ast_ctx *ctx, const ast_loc *loc, ast_op op,
                          ast_expr *lhs, ast_expr *rhs)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_BINARY);

    e->op = op;
    e->lhs = lhs;
    e->rhs = rhs;
    return measure(e, false);
}

ast_expr *ast_expr_call(ast_ctx *ctx, const ast_loc *loc, const char *name,
                        ast_exprlist *args)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_CALL);

    e->name = name;
    e->args = args;
    return measure(e, true);
}

ast_expr *ast_expr_in(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                      bool negated, ast_exprlist *list)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_IN);

    e->lhs = lhs;
    e->negated = negated;
    e->args = list;
    return measure(e, true);
}

ast_expr *ast_expr_isnull(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                          bool negated)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_ISNULL);

    e->lhs = lhs;
    e->negated = negated;
    return measure(e, false);
}

ast_expr *ast_expr_between(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                           bool negated, ast_expr *lo, ast_expr *hi)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_BETWEEN);

    e->lhs = lhs;
    e->negated = negated;
    e->args = ast_exprlist_append(ctx, NULL, lo);
    ast_exprlist_append(ctx, e->args, hi);
    return measure(e, false);
}

ast_expr *ast_expr_like(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                        bool negated, ast_expr *rhs)
{
    ast_expr *e = ast_expr_binary(ctx, loc, AST_OP_LIKE, lhs, rhs);

    return negated ? ast_expr_unary(ctx, loc, AST_OP_NOT, e) : e;
}

ast_expr *ast_expr_paren(ast_ctx *ctx, const ast_loc *loc, ast_expr *inner)
{
    ast_expr *e = ast_expr_new(ctx, loc, AST_E_PAREN);

    e->lhs = inner;
    return measure(e, true);
}

ast_exprlist *ast_exprlist_append(ast_ctx *ctx, ast_exprlist *list, ast_expr *e)
{
    ast_exprlist *n = ast_alloc(ctx, sizeof *n), *p;

    n->expr = e;
    if (list == NULL)
        return n;
    for (p = list->last ? list->last : list; p->next != NULL; p = p->next)
        ;
    p->next = n;
    list->last = n;
    return list;
}

/* ---- comments -------------------------------------------------------- */

/* Comments as an array, with a mark for those already attached. */
typedef struct comment_set {
    ast_comment **c;
    /* The lines of each comment, side by side for the searches below,
     * which would otherwise visit every comment they pass in the pool. */
    struct comment_lines {
        int line, end_line;
        bool trailing;
    } *at;
    bool *used;
    int n;
} comment_set;

/* Joins comments first..last (indices) with newlines, marking them used. */
static const char *join_comments(ast_ctx *ctx, comment_set *cs, int first,
                                 int last)
{
    size_t len = 0, off = 0, k;
    char *text;
    int i;

    for (i = first; i <= last; i++)
        len += strlen(cs->c[i]->text) + 1;
    text = ast_alloc(ctx, len + 1);
    for (i = first; i <= last; i++) {
        k = strlen(cs->c[i]->text);
        memcpy(text + off, cs->c[i]->text, k);
        off += k;
        if (i < last)
            text[off++] = '\n';
        cs->used[i] = true;
    }
    text[off] = '\0';
    return text;
}

/* The index of the first comment whose end line (by_end) or start line
 * is at least line.  The scanner records comments in source order, so
 * both lines only grow along the array: a binary search keeps attaching
 * linear in the size of the file. */
static int first_at(const comment_set *cs, int line, bool by_end)
{
    int lo = 0, hi = cs->n, mid, v;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        v = by_end ? cs->at[mid].end_line : cs->at[mid].line;
        if (v < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The run of own-line comments ending on the line just above `line`. */
static const char *leading_comment(ast_ctx *ctx, comment_set *cs, int line)
{
    int i, first;

    for (i = first_at(cs, line - 1, true);
         i < cs->n && cs->at[i].end_line == line - 1; i++)
        if (!cs->at[i].trailing && !cs->used[i])
            break;
    if (i == cs->n || cs->at[i].end_line != line - 1)
        return NULL;
    first = i;
    while (first > 0 && !cs->at[first - 1].trailing && !cs->used[first - 1] &&
           cs->at[first - 1].end_line == cs->at[first].line - 1)
        first--;
    return join_comments(ctx, cs, first, i);
}

/* A comment after code on `line`. */
static const char *trailing_comment(ast_ctx *ctx, comment_set *cs, int line)
{
    int i;

    for (i = first_at(cs, line, false); i < cs->n && cs->at[i].line == line;
         i++)
        if (cs->at[i].trailing && !cs->used[i])
            return join_comments(ctx, cs, i, i);
    return NULL;
}

/* a + "\n" + b, or b alone when a is NULL. */
static const char *concat_lines(ast_ctx *ctx, const char *a, const char *b)
{
    size_t na, nb;
    char *out;

    if (a == NULL)
        return b;
    na = strlen(a);
    nb = strlen(b);
    out = ast_alloc(ctx, na + nb + 2);
    memcpy(out, a, na);
    out[na] = '\n';
    memcpy(out + na + 1, b, nb + 1);
    return out;
}

/* Every node that can carry a comment, in source order, with its first
 * and last line: the passes below then read the nodes themselves only to
 * give one a comment. */
typedef struct doc_node {
    const char **comment;
    int first_line, last_line;
    bool trailing_ok;
} doc_node;

typedef struct doc_list {
    doc_node *v;
    int n, cap;
} doc_list;

static void doc_add(doc_list *l, const char **comment, const ast_loc *loc,
                    bool trailing_ok)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = mem_realloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n].comment = comment;
    l->v[l->n].first_line = loc->first_line;
    l->v[l->n].last_line = loc->last_line;
    l->v[l->n].trailing_ok = trailing_ok;
    l->n++;
}

static void collect_table(doc_list *l, ast_table *t)
{
    ast_column *c;
    ast_item *it;

    doc_add(l, &t->comment, &t->loc, false);
    for (c = t->columns; c != NULL; c = c->next)
        doc_add(l, &c->comment, &c->loc, true);
    for (it = t->items; it != NULL; it = it->next)
        doc_add(l, &it->comment, &it->loc, true);
}

static void collect_enum(doc_list *l, ast_enum *e)
{
    ast_enum_value *v;

    doc_add(l, &e->comment, &e->loc, false);
    for (v = e->values; v != NULL; v = v->next)
        doc_add(l, &v->comment, &v->loc, true);
}

static bool comment_set_init(ast_ctx *ctx, comment_set *cs)
{
    ast_comment *c;
    int i = 0;

    cs->n = 0;
    for (c = ctx->comments; c != NULL; c = c->next)
        cs->n++;
    if (cs->n == 0)
        return false;
    cs->c = mem_alloc((size_t)cs->n * sizeof *cs->c);
    cs->at = mem_alloc((size_t)cs->n * sizeof *cs->at);
    cs->used = mem_calloc((size_t)cs->n, sizeof *cs->used);
    for (c = ctx->comments; c != NULL; c = c->next) {
        cs->at[i].line = c->line;
        cs->at[i].end_line = c->end_line;
        cs->at[i].trailing = c->trailing;
        cs->c[i++] = c;
    }
    return true;
}

void ast_attach_comments(ast_ctx *ctx)
{
    comment_set cs;
    doc_list l = {NULL, 0, 0};
    ast_decl *d;
    int i;

    if (ctx->schema == NULL || !comment_set_init(ctx, &cs))
        return;
    for (d = ctx->schema->decls; d != NULL; d = d->next) {
        if (d->table != NULL)
            collect_table(&l, d->table);
        else if (d->enm != NULL)
            collect_enum(&l, d->enm);
        else
            doc_add(&l, &d->sql->comment, &d->sql->loc, false);
    }
    /* The parser makes every node without a comment: only those that get
     * one are written to. */
    for (i = 0; i < l.n; i++) {
        const char *lead = leading_comment(ctx, &cs, l.v[i].first_line);

        if (lead != NULL)
            *l.v[i].comment = lead;
    }
    /* Backwards, so a trailing comment goes to the last node on its line;
     * a node with both keeps both, the one above first. */
    for (i = l.n - 1; i >= 0; i--) {
        const char *trail;

        if (!l.v[i].trailing_ok)
            continue;
        trail = trailing_comment(ctx, &cs, l.v[i].last_line);
        if (trail != NULL)
            *l.v[i].comment = concat_lines(ctx, *l.v[i].comment, trail);
    }
    free(l.v);
    free(cs.c);
    free(cs.at);
    free(cs.used);
}

/* ---- names ----------------------------------------------------------- */

const ast_item *ast_table_pk_item(const ast_table *t)
{
    const ast_item *it;

    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_PRIMARY_KEY)
            return it;
    return NULL;
}

const char *ast_type_name(ast_type_kind k)
{
    static const char *const names[] = {
        [AST_T_BOOL] = "bool",       [AST_T_INT16] = "int16",
        [AST_T_INT32] = "int32",     [AST_T_INT64] = "int64",
        [AST_T_FLOAT32] = "float32", [AST_T_FLOAT64] = "float64",
        [AST_T_NUMERIC] = "numeric", [AST_T_VARCHAR] = "varchar",
        [AST_T_TEXT] = "text",       [AST_T_BYTES] = "bytes",
        [AST_T_DATE] = "date",       [AST_T_TIMESTAMP] = "timestamp",
        [AST_T_UUID] = "uuid",       [AST_T_JSON] = "json",
        [AST_T_NAMED] = "enum",
    };

    if ((unsigned)k >= sizeof names / sizeof names[0])
        return "?";
    return names[k];
}

/* Keywords of the schema language and words reserved by SQLite or
 * PostgreSQL (or by the SQL standard, which both follow), lowercase. */
static const char *const sql_words[] = {
    "abort",
    "action",
    "add",
    "after",
    "all",
    "alter",
    "always",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "attach",
    "authorization",
    "autoincrement",
    "before",
    "begin",
    "between",
    "binary",
    "bool",
    "both",
    "by",
    "bytes",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "commit",
    "concurrently",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "database",
    "date",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "do",
    "drop",
    "each",
    "else",
    "end",
    "enum",
    "escape",
    "except",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "false",
    "fetch",
    "filter",
    "first",
    "float32",
    "float64",
    "following",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "generated",
    "glob",
    "grant",
    "group",
    "groups",
    "having",
    "hex",
    "if",
    "ignore",
    "ilike",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "int16",
    "int32",
    "int64",
    "integer",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "key",
    "last",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "match",
    "materialized",
    "natural",
    "no",
    "not",
    "nothing",
    "notnull",
    "now",
    "null",
    "nulls",
    "numeric",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "others",
    "outer",
    "over",
    "overlaps",
    "partition",
    "placing",
    "plan",
    "postgresql",
    "pragma",
    "preceding",
    "primary",
    "query",
    "raise",
    "range",
    "real",
    "recursive",
    "references",
    "regexp",
    "reindex",
    "release",
    "rename",
    "renamed",
    "replace",
    "restrict",
    "returning",
    "right",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "schema",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "sql",
    "sqlite",
    "stored",
    "strict",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "temp",
    "temporary",
    "text",
    "then",
    "ties",
    "timestamp",
    "to",
    "trailing",
    "transaction",
    "trigger",
    "true",
    "unbounded",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "uuid",
    "vacuum",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "view",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "without",
};

static bool in_list(const char *const *list, size_t n, const char *name,
                    bool fold)
{
    char low[32];
    size_t i, lo, hi;
    int c;

    for (i = 0; name[i] != '\0'; i++) {
        if (i + 1 >= sizeof low)
            return false; /* longer than any word in the lists */
        low[i] = fold && name[i] >= 'A' && name[i] <= 'Z'
                     ? (char)(name[i] - 'A' + 'a')
                     : name[i];
    }
    low[i] = '\0';
    /* The lists are sorted in strcmp order: search by halves. */
    lo = 0;
    hi = n;
    while (lo < hi) {
        i = lo + (hi - lo) / 2;
        c = strcmp(list[i], low);
        if (c == 0)
            return true;
        if (c < 0)
            lo = i + 1;
        else
            hi = i;
    }
    return false;
}

bool ast_is_sql_keyword(const char *name)
{
    return in_list(sql_words, sizeof sql_words / sizeof sql_words[0], name,
                   true);
}

/* C11 keywords, the C23 ones, and names <stdbool.h> and <stddef.h> take;
 * in strcmp order, like sql_words, for the binary search of in_list. */
static const char *const c_words[] = {
    "NULL",
    "_Alignas",
    "_Alignof",
    "_Atomic",
    "_BitInt",
    "_Bool",
    "_Complex",
    "_Decimal128",
    "_Decimal32",
    "_Decimal64",
    "_Generic",
    "_Imaginary",
    "_Noreturn",
    "_Static_assert",
    "_Thread_local",
    "alignas",
    "alignof",
    "auto",
    "bool",
    "break",
    "case",
    "char",
    "const",
    "constexpr",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "false",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "nullptr",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "struct",
    "switch",
    "thread_local",
    "true",
    "typedef",
    "typeof",
    "typeof_unqual",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
};

bool ast_is_c_keyword(const char *name)
{
    /* Bit k of lens[c]: a word starts with byte c and has k bytes.  Most
     * names have no word of their first byte and length, and go without
     * the search. */
    static uint32_t lens[256];
    static bool ready;
    size_t i, n;

    if (!ready) {
        for (i = 0; i < sizeof c_words / sizeof c_words[0]; i++)
            lens[(unsigned char)c_words[i][0]] |= UINT32_C(1)
                                                  << strlen(c_words[i]);
        ready = true;
    }
    n = strlen(name);
    if (n >= 32 || !(lens[(unsigned char)name[0]] >> n & 1))
        return false;
    return in_list(c_words, sizeof c_words / sizeof c_words[0], name, false);
}

/* The words of the schema language, as the scanner knows them; in
 * strcmp order for in_list. */
static const char *const lang_words[] = {
    "action",  "and",        "as",         "autoincrement", "backfill",
    "between",
    "bool",    "bytes",      "cascade",    "check",         "date",
    "default", "deferrable", "deferred",   "delete",        "enum",
    "false",   "float32",    "float64",    "foreign",       "from",
    "hex",     "in",         "index",      "initially",     "int16",
    "int32",   "int64",      "integer",    "is",            "json",
    "key",     "like",       "no",         "not",           "now",
    "null",    "numeric",    "on",         "or",            "postgresql",
    "primary", "real",       "references", "renamed",       "restrict",
    "schema",  "set",        "sql",        "sqlite",        "stored",
    "strict",  "table",      "text",       "timestamp",     "true",
    "unique",  "update",     "using",      "uuid",          "varchar",
    "where",
};

bool ast_is_keyword(const char *name)
{
    return in_list(lang_words, sizeof lang_words / sizeof lang_words[0],
                   name, false);
}

bool ast_is_plain_name(const char *name)
{
    const char *p = name;

    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
        return false;
    for (p++; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* text between two q quotes, each q in it doubled. */
static const char *quoted(ast_ctx *ctx, const char *text, char q)
{
    size_t n = 2, i = 0;
    const char *p;
    char *out;

    for (p = text; *p != '\0'; p++)
        n += *p == q ? 2 : 1;
    out = ast_alloc(ctx, n + 1);
    out[i++] = q;
    for (p = text; *p != '\0'; p++) {
        if (*p == q)
            out[i++] = q;
        out[i++] = *p;
    }
    out[i++] = q;
    out[i] = '\0';
    return out;
}

const char *ast_name_spelling(ast_ctx *ctx, const char *name,
                              bool no_keyword)
{
    if (ast_is_plain_name(name) && !(no_keyword && ast_is_keyword(name)))
        return name;
    return quoted(ctx, name, '"');
}

const char *ast_label_spelling(ast_ctx *ctx, const char *label)
{
    return ast_is_plain_name(label) ? label : quoted(ctx, label, '\'');
}
