/*
 * emit_c.c - writes NAME_db.h and NAME_db.c for a checked schema.
 *
 * The text of both files lives in templates/c_header.tmpl and
 * templates/c_source.tmpl; this file walks the schema, computes the values
 * the fragments need (C types, aligned padding, descriptor fields, the
 * DDL) and emits the fragments in order.  Output depends only on the
 * schema and the input's base name, so it is byte-identical from run to
 * run and machine to machine.
 */
#include "emit_c.h"

#include "checker.h"
#include "cwrap.h"
#include "dialect.h"
#include "emit_sql.h"
#include "mem.h"
#include "names.h"
#include "schemac.h"
#include "symtab.h"
#include "tmpl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define H "c_header"
#define C "c_source"

/* Pool-owned printf. */
static const char *fmt(ast_ctx *ctx, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

/* The decimal digits of v, as %lld writes them, at the end of
 * digits[24]; returns where they start. */
static size_t digits_of(long long v, char digits[24])
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                  : (unsigned long long)v;
    size_t i = 24;

    do
        digits[--i] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        digits[--i] = '-';
    return i;
}

/* Appends the decimal digits of v. */
static void put_int(buf *b, long long v)
{
    char digits[24];
    size_t i = digits_of(v, digits);

    buf_put(b, digits + i, 24 - i);
}

static const char *fmt(ast_ctx *ctx, const char *f, ...)
{
    /* The parts of the result: literal text of f, strings, digits. */
    const char *part[24];
    size_t len[24], total = 0;
    char digits[12][24], small[256];
    const char *p, *q;
    va_list ap;
    int n, k = 0, nd = 0;
    size_t at;
    char *s, *d;

    /* The emitter's formats are mostly names and numbers glued together
     * (%s, %d and %u only): those are measured here in one pass over f
     * and copied once, into the pool; printf does the rest. */
    va_start(ap, f);
    for (p = f;; p = q + 2) {
        /* the text to the next %: a few bytes, read here rather than
         * by a call */
        for (q = p; *q != '\0' && *q != '%'; q++)
            ;
        if (q > p) {
            part[k] = p;
            total += len[k++] = (size_t)(q - p);
        }
        if (*q == '\0')
            break;
        if (k + 2 > 24 || nd == 12 ||
            (q[1] != 's' && q[1] != 'd' && q[1] != 'u'))
            break;
        if (q[1] == 's') {
            part[k] = va_arg(ap, const char *);
            total += len[k] = strlen(part[k]);
        } else {
            at = digits_of(q[1] == 'd' ? (long long)va_arg(ap, int)
                                       : (long long)va_arg(ap, unsigned),
                           digits[nd]);
            part[k] = digits[nd] + at;
            total += len[k] = 24 - at;
            nd++;
        }
        k++;
    }
    va_end(ap);
    if (*q == '\0') {
        s = d = ast_alloc_chars(ctx, total);
        for (n = 0; n < k; n++) {
            memcpy(d, part[n], len[n]);
            d += len[n];
        }
        return s;
    }
    /* Otherwise format on the stack and copy to the pool. */
    va_start(ap, f);
    n = vsnprintf(small, sizeof small, f, ap);
    va_end(ap);
    if (n < 0)
        return "";
    if ((size_t)n < sizeof small)
        return ast_strndup(ctx, small, (size_t)n);
    s = ast_alloc(ctx, (size_t)n + 1);
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

/* Pool-owned decimal digits of v, as %lld would write them. */
static const char *decimal(ast_ctx *ctx, long long v)
{
    char digits[24];
    size_t i = digits_of(v, digits);

    return ast_strndup(ctx, digits + i, 24 - i);
}

/* Pool-owned concatenation of the NULL-terminated list of strings: the
 * emitter's most frequent operation, so it avoids printf. */
static const char *cat(ast_ctx *ctx, ...)
{
    va_list ap;
    const char *p, *parts[16];
    size_t lens[16], n = 0;
    int k = 0, i;
    char *s, *d;

    va_start(ap, ctx);
    while ((p = va_arg(ap, const char *)) != NULL && k < 16) {
        parts[k] = p;
        n += lens[k++] = strlen(p);
    }
    va_end(ap);
    s = d = ast_alloc_chars(ctx, n);
    for (i = 0; i < k; i++) {
        memcpy(d, parts[i], lens[i]);
        d += lens[i];
    }
    return s;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* ---------------------------------------------------------------------
 * Names of generated things
 * ------------------------------------------------------------------- */

/* Whether s is a plain C identifier: [A-Za-z_][A-Za-z0-9_]*. */
static bool is_c_ident(const char *s)
{
    const char *p;

    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (p = s + 1; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/*
 * The C form of a schema name: the name itself when it is a plain
 * identifier (so such names give the C they always gave, keywords taken
 * care of where they become whole identifiers), else the checker's cname
 * derived from a quoted one ("Unit Price": Unit_Price).
 */
static const char *c_name(const char *name, const char *cname)
{
    if (!cname || cname == name)
        return name; /* the checker's cname of a plain name is the name */
    return is_c_ident(name) ? name : cname;
}

static const char *col_c(const ast_column *c)
{
    return c_name(c->name, c->cname);
}

static const char *tab_c(const ast_table *t)
{
    return c_name(t->name, t->cname);
}

/* The C names of a column that the emitters ask for again and again,
 * made once per run of emit_c() for every column (before the pool is
 * first marked, so that they outlive every release) and found by the
 * column's address. */
typedef struct col_names {
    const ast_column *c; /* NULL: a free slot */
    const char *field;   /* field_of() */
    const char *CONST;   /* col_const() */
} col_names;

static struct {
    col_names *slots;
    size_t mask;
} col_cache;

static size_t col_slot(const ast_column *c)
{
    uint64_t h = (uint64_t)(uintptr_t)c * UINT64_C(0x9e3779b97f4a7c15);
    size_t i = (size_t)(h >> 32) & col_cache.mask;

    while (col_cache.slots[i].c && col_cache.slots[i].c != c)
        i = (i + 1) & col_cache.mask;
    return i;
}

/* c's names, or NULL outside emit_c() or for a column it did not see. */
static const col_names *col_names_of(const ast_column *c)
{
    const col_names *cn;

    if (!col_cache.slots)
        return NULL;
    cn = &col_cache.slots[col_slot(c)];
    return cn->c ? cn : NULL;
}

/* The struct field of column c: its C name, or NAME_ for a C keyword. */
static const char *field_of(ast_ctx *ctx, const ast_column *c)
{
    const col_names *cn = col_names_of(c);

    return cn ? cn->field : names_field(ctx, col_c(c));
}

/* The singular of a table, for its row type. */
static const char *row_c(ast_ctx *ctx, const ast_table *t)
{
    if (t->row_name && is_c_ident(t->row_name))
        return t->row_name;
    return names_singular(ctx, tab_c(t));
}

/* A name as the inside of a C string literal (between the quotes). */
static const char *c_esc(ast_ctx *ctx, const char *s)
{
    buf b;
    const char *r;

    if (is_c_ident(s))
        return s;
    buf_init(&b);
    buf_put_c_escaped(&b, s, strlen(s));
    r = ast_strndup(ctx, b.data, b.len);
    buf_free(&b);
    return r;
}

/* A name as it may stand inside a C comment: no comment end, one line. */
static const char *c_note(ast_ctx *ctx, const char *s)
{
    buf b;
    const char *r;

    if (is_c_ident(s))
        return s;
    buf_init(&b);
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r')
            buf_putc(&b, ' ');
        else
            buf_putc(&b, *s);
        if (*s == '*' && s[1] == '/')
            buf_putc(&b, ' ');
    }
    r = ast_strndup(ctx, b.data, b.len);
    buf_free(&b);
    return r;
}

/* "a_b" for the C names of the columns (a, b), for names along keys. */
static const char *c_joined(ast_ctx *ctx, const ast_name *cols)
{
    static buf b; /* reused: the names are made for every key and index */

    if (!b.data)
        buf_init(&b);
    buf_reset(&b);
    for (; cols; cols = cols->next) {
        if (b.len)
            buf_putc(&b, '_');
        buf_puts(&b, cols->column ? col_c(cols->column) : cols->name);
    }
    return ast_strndup(ctx, b.data, b.len);
}

/* ---------------------------------------------------------------------
 * The names the two files declare at file scope
 *
 * Every type, function, macro and static array the files declare is made
 * here, from the schema's names glued together, and two different things
 * may glue to one name (table "search" has the query type
 * app_search_query, table "search_query" the row type app_search_query).
 * In checking mode the emitters note each such name with what it is and
 * where it comes from, and emit_c_check_names() reports the clashes, so
 * that the rule lives beside the one code that makes the names.
 * ------------------------------------------------------------------- */

/* A name noted, what it is and where it comes from.  The text lives in
 * chunks that never move, so that a schema of many tables needs no copy
 * of it all at once. */
typedef struct declared_name {
    const char *name;   /* app_search_query */
    const char *what;   /* the query type */
    uint32_t origin;    /* its index in declared.origins */
    uint32_t first;     /* 1 + the index of its first declaration */
} declared_name;

typedef struct declared_origin {
    const char *kind;   /* table */
    const char *name;   /* search */
    const char *table;  /* of a column or foreign key, else NULL */
    const ast_loc *loc;
} declared_origin;

#define NAME_BLOCK 65536 /* names a block of declared.blocks */
#define TEXT_CHUNK (1u << 20)

static struct {
    bool on;
    char **chunks;     /* the text, TEXT_CHUNK bytes each (or one name) */
    size_t nchunks, chunk_used;
    declared_name **blocks;
    size_t n;
    declared_origin *origins;
    size_t norigins, origins_cap;
    /* Open addressing: a name's hash in the high half, the index of its
     * first declaration plus one in the low half, 0 for a free slot. */
    uint64_t *slots;
    size_t nslots;
    const char *function; /* what a prototype declares (NULL: a function) */
} declared;

/* With emit_c_keep_output(true), the files the pass that notes names
 * writes too (without migrations), kept for the emit_c() of the same
 * schema that follows, which then only adds the migrations: the C is
 * made once per run.  Without, that pass writes nothing. */
static struct {
    const ast_ctx *ctx;
    const ast_schema *schema;
    buf header, source;
    size_t migrate_at; /* where the header's migrations go */
    bool keep;         /* emit_c_keep_output() */
} emitted;

void emit_c_keep_output(bool keep)
{
    emitted.keep = keep;
}

/* Whether the pass that notes names is on and writes nothing. */
static bool names_only(void)
{
    return declared.on && !emitted.keep;
}

/* In that pass no fragment is written, nor are its values made. */
#define tmpl_emit(...) (names_only() ? (void)0 : tmpl_emit(__VA_ARGS__))

static declared_name *name_at(size_t i)
{
    return &declared.blocks[i / NAME_BLOCK][i % NAME_BLOCK];
}

/* A new chunk for n bytes, the last having no room for them. */
static void arena_grow(size_t n)
{
    declared.chunks = mem_realloc(declared.chunks,
                                  sizeof *declared.chunks *
                                      (declared.nchunks + 1));
    declared.chunks[declared.nchunks++] =
        mem_alloc(n > TEXT_CHUNK ? n : TEXT_CHUNK);
    declared.chunk_used = 0;
}

/* A copy of s and its NUL (n bytes in all) in the chunks. */
static inline const char *arena_put(const char *s, size_t n)
{
    char *p;

    if (declared.nchunks == 0 || declared.chunk_used + n > TEXT_CHUNK)
        arena_grow(n);
    p = declared.chunks[declared.nchunks - 1] + declared.chunk_used;
    declared.chunk_used += n;
    return memcpy(p, s, n);
}

/* The origin of the names declared from now on, as KIND "NAME" or, with
 * table, KIND "NAME" of table "TABLE". */
static void declare_origin(const char *kind, const char *name,
                           const char *table, const ast_loc *loc)
{
    declared_origin *o;

    if (!declared.on)
        return;
    o = declared.norigins ? &declared.origins[declared.norigins - 1] : NULL;
    if (o && o->kind == kind && o->loc == loc && o->table == table &&
        strcmp(o->name, name) == 0)
        return; /* the same again */
    if (declared.norigins == declared.origins_cap) {
        declared.origins_cap =
            declared.origins_cap ? 2 * declared.origins_cap : 256;
        declared.origins = mem_realloc(declared.origins,
                                       sizeof *o * declared.origins_cap);
    }
    o = &declared.origins[declared.norigins++];
    o->kind = kind;
    o->name = arena_put(name, strlen(name) + 1);
    o->table = table;
    o->loc = loc;
}

/* A hash of the n bytes of s, eight at a time: the names are long and
 * many, and most differ only in a digit or two near the end, so every
 * byte is mixed into every bit. */
static uint32_t name_hash(const char *s, size_t n)
{
    const char *end = s + n;
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n, x = 0;

    if (n < 8) {
        memcpy(&x, s, n);
    } else {
        for (; end - s > 8; s += 8) {
            memcpy(&x, s, 8);
            h = (h ^ x) * UINT64_C(0xff51afd7ed558ccd);
            h ^= h >> 32;
        }
        /* The last eight bytes, some read already: a load of fixed size
         * rather than a copy of what is left. */
        memcpy(&x, end - 8, 8);
    }
    h = (h ^ x) * UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 29;
    h *= UINT64_C(0xff51afd7ed558ccd);
    return (uint32_t)(h ^ (h >> 32));
}

/* The slot of name (hash h), which is free or holds its first
 * declaration: the hashes kept in the slots settle most comparisons. */
static size_t name_slot(const char *name, uint32_t h)
{
    size_t mask = declared.nslots - 1, i = h & mask;
    uint64_t k;
    const declared_name *d;

    while ((k = declared.slots[i]) != 0) {
        if ((uint32_t)(k >> 32) == h) {
            d = name_at((size_t)(uint32_t)k - 1);
            if (strcmp(d->name, name) == 0)
                break;
        }
        i = (i + 1) & mask;
    }
    return i;
}

static void grow_slots(void)
{
    uint64_t *old = declared.slots;
    size_t nold = declared.nslots, i, j, mask;

    declared.nslots = nold ? 2 * nold : 1024;
    declared.slots = mem_calloc(declared.nslots, sizeof *declared.slots);
    mask = declared.nslots - 1;
    /* The slots hold the first of each name and its hash: they move as
     * they are. */
    for (i = 0; i < nold; i++) {
        if (!old[i])
            continue;
        for (j = (uint32_t)(old[i] >> 32) & mask; declared.slots[j];
             j = (j + 1) & mask)
            ;
        declared.slots[j] = old[i];
    }
    free(old);
}

/* Notes name (n bytes), `what` of the current origin ("the row type"). */
static void declare_n(const char *name, size_t n, const char *what)
{
    declared_name *d;
    size_t slot;
    uint32_t h;

    if (!declared.on || declared.norigins == 0)
        return;
    if (declared.n % NAME_BLOCK == 0) {
        declared.blocks = mem_realloc(declared.blocks,
                                      sizeof *declared.blocks *
                                          (declared.n / NAME_BLOCK + 1));
        declared.blocks[declared.n / NAME_BLOCK] =
            mem_alloc(sizeof *d * NAME_BLOCK);
    }
    if (2 * (declared.n + 1) > declared.nslots)
        grow_slots();
    d = name_at(declared.n);
    d->name = arena_put(name, n + 1);
    d->what = what;
    d->origin = (uint32_t)(declared.norigins - 1);
    h = name_hash(name, n);
    slot = name_slot(name, h);
    if (declared.slots[slot] == 0)
        declared.slots[slot] = (uint64_t)h << 32 | (uint32_t)(declared.n + 1);
    d->first = (uint32_t)declared.slots[slot];
    declared.n++;
}

/* Notes name, `what` of the current origin. */
static void declare(const char *name, const char *what)
{
    if (declared.on)
        declare_n(name, strlen(name), what);
}

/* What the templates append to the schema's name and to a table's prefix
 * (c_header.tmpl, c_source.tmpl). */
static const char *const schema_functions[] = {
    "create_all", "migrate", NULL,
};
static const char *const table_functions[] = {
    "table", "insert", "insert_many", NULL,
};
static const char *const key_functions[] = {
    "get", "update", "update_cols", "delete", "update_many", "delete_many",
    NULL,
};
static const char *const query_functions[] = {
    "select", "query_free", "or", "and", "not", "end", "limit", "offset",
    "distinct", "all", "first", "one", "count", "exists", "each",
    "update_all", "delete_all", NULL,
};

static const char *const query_macros[] = {
    "where", "where_in", "where_not_in", "where_null", "where_not_null",
    "order_by", "set", "set_null", NULL,
};

/* Notes PREFIX_SUFFIX for each suffix of the NULL-ended list. */
static void declare_each(ast_ctx *ctx, const char *prefix,
                         const char *const *suffix, const char *what)
{
    static buf nm; /* PREFIX_, then each suffix after it */
    size_t stem;

    (void)ctx;
    if (!declared.on)
        return;
    if (!nm.data)
        buf_init(&nm);
    buf_reset(&nm);
    buf_puts(&nm, prefix);
    buf_putc(&nm, '_');
    stem = nm.len;
    for (; *suffix; suffix++) {
        nm.len = stem;
        buf_puts(&nm, *suffix);
        declare_n(nm.data, nm.len, what);
    }
}

typedef struct names {
    const char *schema;  /* pycon */
    const char *row;     /* pycon_user */
    const char *prefix;  /* pycon_users */
    const char *INIT;    /* PYCON_USER_INIT */
    const ast_table *table;
} names;

/* The names of each table by its index, made on first use: the joins
 * and navigation of every table ask for their neighbours' names. */
static names *names_cache;

static void table_names(ast_ctx *ctx, const ast_table *t, names *n)
{
    names *c;

    if (!names_cache)
        names_cache = ast_alloc(ctx, sizeof *names_cache *
                                         (size_t)(ctx->schema->ntables + 1));
    c = &names_cache[t->index];
    if (!c->schema) {
        c->schema = ctx->schema->name;
        c->row = fmt(ctx, "%s_%s", c->schema, row_c(ctx, t));
        c->prefix = fmt(ctx, "%s_%s", c->schema, tab_c(t));
        c->INIT = names_upper(ctx, c->row, "INIT");
        c->table = t;
    }
    *n = *c;
}

static const char *enum_type(ast_ctx *ctx, const ast_enum *e)
{
    return fmt(ctx, "%s_%s", ctx->schema->name, c_name(e->name, e->cname));
}

/* ---------------------------------------------------------------------
 * Comments: schema comments become C comments
 * ------------------------------------------------------------------- */

/* "text" as a C comment at indent, ending with a newline; "*" "/" inside
 * the text is broken up so it cannot end the comment early. */
static const char *c_comment(ast_ctx *ctx, const char *text,
                             const char *indent)
{
    buf b;
    const char *p, *s;
    bool multi;

    if (!text || !*text)
        return "";
    multi = strchr(text, '\n') != NULL;
    buf_init(&b);
    buf_printf(&b, "%s/*%s", indent, multi ? "\n" : " ");
    for (p = text; *p; p = s) {
        s = strchr(p, '\n');
        s = s ? s : p + strlen(p);
        if (multi)
            buf_printf(&b, "%s *%s", indent, s > p ? " " : "");
        for (; p < s; p++) {
            buf_putc(&b, *p);
            if (*p == '*' && p[1] == '/')
                buf_putc(&b, ' ');
        }
        if (multi)
            buf_putc(&b, '\n');
        if (*s)
            s++;
    }
    buf_printf(&b, "%s*/\n", multi ? indent : " ");
    p = ast_strdup(ctx, b.data);
    buf_free(&b);
    return p;
}

/* ---------------------------------------------------------------------
 * Columns
 * ------------------------------------------------------------------- */

static const char *c_type(ast_ctx *ctx, const ast_column *c)
{
    switch (c->type.kind) {
    case AST_T_BOOL: return "bool";
    case AST_T_INT16: return "int16_t";
    case AST_T_INT32: return "int32_t";
    case AST_T_INT64: return "int64_t";
    case AST_T_FLOAT32: return "float";
    case AST_T_FLOAT64: return "double";
    case AST_T_NUMERIC:
        return model_is_scaled(&c->type) ? "int64_t" : "const char *";
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON: return "const char *";
    case AST_T_BYTES: return "sc_bytes";
    case AST_T_DATE: return "int32_t";
    case AST_T_TIMESTAMP: return "int64_t";
    case AST_T_UUID: return "sc_uuid";
    case AST_T_NAMED: return enum_type(ctx, c->type.enm);
    }
    return "?";
}

static const char *sc_type_const(const ast_column *c)
{
    switch (c->type.kind) {
    case AST_T_BOOL: return "SC_TYPE_BOOL";
    case AST_T_INT16: return "SC_TYPE_INT16";
    case AST_T_INT32: return "SC_TYPE_INT32";
    case AST_T_INT64: return "SC_TYPE_INT64";
    case AST_T_FLOAT32: return "SC_TYPE_FLOAT32";
    case AST_T_FLOAT64: return "SC_TYPE_FLOAT64";
    case AST_T_NUMERIC:
        return model_is_scaled(&c->type) ? "SC_TYPE_NUMERIC"
                                         : "SC_TYPE_DECIMAL";
    case AST_T_VARCHAR:
    case AST_T_TEXT: return "SC_TYPE_TEXT";
    case AST_T_JSON: return "SC_TYPE_JSON";
    case AST_T_BYTES: return "SC_TYPE_BYTES";
    case AST_T_DATE: return "SC_TYPE_DATE";
    case AST_T_TIMESTAMP: return "SC_TYPE_TIMESTAMP";
    case AST_T_UUID: return "SC_TYPE_UUID";
    case AST_T_NAMED: return "SC_TYPE_ENUM";
    }
    return "0";
}

static const char *format_word(ast_format f)
{
    switch (f) {
    case AST_FMT_TEXT: return "text";
    case AST_FMT_REAL: return "real";
    case AST_FMT_INTEGER: return "integer";
    case AST_FMT_HEX: return "hex";
    default: return "native";
    }
}

/* Appends ", " to b unless it is empty, then s. */
static void note_part(buf *b, const char *s)
{
    if (b->len)
        buf_put(b, ", ", 2);
    buf_puts(b, s);
}

/* Appends "(A,B)" of a numeric type. */
static void put_precision(buf *b, const ast_type *t)
{
    buf_putc(b, '(');
    put_int(b, (long long)t->a);
    buf_putc(b, ',');
    put_int(b, (long long)t->b);
    buf_putc(b, ')');
}

/* What a reader of the struct needs to know about the field; npk is the
 * number of columns of t's primary key. */
static const char *field_note(ast_ctx *ctx, const ast_table *t,
                              const ast_column *c, int npk, buf *b)
{
    bool stored = c->format != AST_FMT_NATIVE;

    buf_reset(b);
    switch (c->type.kind) {
    case AST_T_VARCHAR:
        buf_puts(b, "varchar(");
        put_int(b, (long long)c->type.a);
        buf_putc(b, ')');
        break;
    case AST_T_NUMERIC:
        buf_puts(b, "numeric");
        put_precision(b, &c->type);
        if (model_is_scaled(&c->type) && c->type.b > 0 && stored) {
            buf_puts(b, ", scaled");
        } else if (model_is_scaled(&c->type) && c->type.b > 0) {
            buf_puts(b, ", scaled by 10^");
            put_int(b, (long long)c->type.b);
        }
        break;
    case AST_T_DATE:
        buf_puts(b, "days since 1970-01-01");
        break;
    case AST_T_TIMESTAMP:
        if (stored)
            buf_puts(b, c->type.local ? "microseconds, wall clock"
                                      : "microseconds (UTC)");
        else
            buf_puts(b, c->type.local ? "microseconds since 1970-01-01, "
                                        "wall clock"
                                      : "microseconds since 1970-01-01 UTC");
        break;
    case AST_T_JSON:
        buf_puts(b, "json");
        break;
    default:
        break;
    }
    if (c->format != AST_FMT_NATIVE) {
        note_part(b, "stored as ");
        buf_puts(b, format_word(c->format));
    }
    if (c->is_pk)
        note_part(b, npk > 1 ? "part of the primary key" : "primary key");
    if (c == t->autoinc)
        buf_puts(b, ", set by insert");
    if (!c->nullable && !c->is_pk)
        note_part(b, "not null");
    if (c->nullable && model_is_pointer(&*c))
        note_part(b, "NULL when null");
    if (c->unique.first_line)
        note_part(b, "unique");
    if (c->ref) {
        note_part(b, "references ");
        buf_puts(b, c_note(ctx, c->ref->table));
    }
    return b->len ? cat(ctx, "/* ", b->data, " */", NULL) : "";
}

/* One line of a struct: "    TYPE FIELD;  NOTE". */
typedef struct field_line {
    const char *ctype;
    const char *field;
    const char *note;
    const char *comment;
} field_line;

static void emit_struct(ast_ctx *ctx, buf *out, const ast_table *t,
                        const names *n)
{
    field_line *lines = ast_alloc(ctx, sizeof *lines * 2 *
                                           (size_t)(t->ncolumns + 1));
    const ast_column *c, *pk[64];
    int npk = model_primary_key(t, pk, 64);
    size_t wtype = 0, wfield = 0, k, i;
    buf pad, note;

    buf_init(&note);
    for (k = 0, c = t->columns; c; c = c->next) {
        lines[k].ctype = c_type(ctx, c);
        lines[k].field = field_of(ctx, c);
        lines[k].note = field_note(ctx, t, c, npk, &note);
        lines[k++].comment = c_comment(ctx, c->comment, "    ");
        if (!model_has_flag(c))
            continue;
        lines[k].ctype = "bool";
        lines[k].field = fmt(ctx, "has_%s", col_c(c));
        lines[k].note = c->nullable ? "/* false: NULL */"
                                    : "/* false: the default (now) */";
        lines[k++].comment = "";
    }
    for (i = 0; i < k; i++) {
        size_t w = strlen(lines[i].ctype);
        if (lines[i].ctype[w - 1] != '*')
            w++;
        if (w > wtype)
            wtype = w;
        if (strlen(lines[i].field) + 1 > wfield)
            wfield = strlen(lines[i].field) + 1;
    }
    tmpl_emit(out, H, "struct_begin", "comment",
              c_comment(ctx, t->comment, ""), "type", n->row, NULL);
    buf_init(&pad);
    for (i = 0; i < k; i++) {
        size_t w = strlen(lines[i].ctype);

        buf_reset(&pad);
        buf_puts(&pad, lines[i].ctype);
        buf_pad(&pad, wtype - w);
        buf_reset(&note);
        if (*lines[i].note) {
            buf_pad(&note, wfield - strlen(lines[i].field));
            buf_puts(&note, lines[i].note);
        }
        buf_puts(out, lines[i].comment);
        /* Fall back to one space when the note would pass 80 columns. */
        if (4 + wtype + wfield + 1 + strlen(lines[i].note) > 79 &&
            *lines[i].note) {
            buf_reset(&note);
            buf_printf(&note, " %s", lines[i].note);
        }
        tmpl_emit(out, H, "struct_field", "ctype", pad.data, "field",
                  lines[i].field, "note", note.data, NULL);
    }
    buf_free(&pad);
    buf_free(&note);
    tmpl_emit(out, H, "struct_end", "type", n->row, NULL);
}

/* ---------------------------------------------------------------------
 * Values: defaults as C initializers
 * ------------------------------------------------------------------- */

static const char *c_int64(ast_ctx *ctx, int64_t v)
{
    if (v == INT64_MIN)
        return "INT64_MIN";
    return fmt(ctx, "%" PRId64, v);
}

static const char *c_string(ast_ctx *ctx, const char *s, size_t n)
{
    static buf b; /* reused: a literal is made for every column */

    if (!b.data)
        buf_init(&b);
    buf_reset(&b);
    buf_putc(&b, '"');
    buf_put_c_escaped(&b, s, n);
    buf_putc(&b, '"');
    return ast_strndup(ctx, b.data, b.len);
}

/* The longest string literal a C99 compiler must accept. */
#define C_MAX_LITERAL 4095
/* The longest phrase kept for a constraint's messages. */
#define MAX_PHRASE 1000

/* A constraint's phrase as a C string, cut with "..." at a character
 * boundary when longer than MAX_PHRASE bytes (a check over a long
 * in-list): it only words messages. */
static const char *short_phrase(ast_ctx *ctx, const char *s)
{
    size_t n = strlen(s);

    if (n <= MAX_PHRASE)
        return c_string(ctx, s, n);
    n = MAX_PHRASE;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return c_string(ctx, fmt(ctx, "%.*s...", (int)n, s), n + 3);
}

static const char *c_uuid_init(ast_ctx *ctx, const char *u)
{
    buf b;
    const char *r;
    int i;

    buf_init(&b);
    buf_puts(&b, "{{");
    for (i = 0; i < 16; i++)
        buf_printf(&b, "%s0x%02x", i ? ", " : "", (unsigned char)u[i]);
    buf_puts(&b, "}}");
    r = ast_strdup(ctx, b.data);
    buf_free(&b);
    return r;
}

/* The C part of an enum value's constant: PG_13 for 'PG-13'. */
static const char *value_c(const ast_enum_value *v)
{
    return c_name(v->name, v->cname);
}

/* The C value of a default for the INIT macro, or NULL for none. */
static const char *c_default(ast_ctx *ctx, const ast_column *c,
                             const model_default *d)
{
    const ast_enum_value *v;
    int64_t i;

    if (d->kind != SC_DEFAULT_VALUE)
        return NULL;
    switch (c->type.kind) {
    case AST_T_BOOL:
        return d->i ? "true" : "false";
    case AST_T_FLOAT32:
    case AST_T_FLOAT64:
        return fmt(ctx, "%.17g", d->f);
    case AST_T_NUMERIC:
        if (model_is_scaled(&c->type))
            return c_int64(ctx, d->i);
        return c_string(ctx, d->s, d->len);
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON:
        return c_string(ctx, d->s, d->len);
    case AST_T_BYTES:
        return fmt(ctx, "{(const uint8_t *)%s, %zu}",
                   c_string(ctx, d->s, d->len), d->len);
    case AST_T_UUID:
        return c_uuid_init(ctx, d->s);
    case AST_T_NAMED:
        for (v = c->type.enm->values, i = 0; v && i < d->i; i++)
            v = v->next;
        return names_upper(ctx, enum_type(ctx, c->type.enm), value_c(v));
    default:
        return c_int64(ctx, d->i);
    }
}

/* The body of macro INIT from items, one initializer a line: on the
 * macro's line when short, else one a line continued with backslashes;
 * empty when there are none. */
static void init_body(buf *macro, const char *INIT, const buf *items,
                      const char *empty)
{
    const char *p = items->data, *s;

    if (items->len == 0) {
        buf_puts(macro, empty);
    } else if (!strchr(items->data, '\n') &&
               strlen(INIT) + items->len + 14 <= 79) {
        buf_printf(macro, "{%s}", items->data);
    } else {
        buf_puts(macro, "\\\n    {");
        for (; (s = strchr(p, '\n')) != NULL; p = s + 1)
            buf_printf(macro, "%.*s \\\n     ", (int)(s - p), p);
        buf_printf(macro, "%s}", p);
    }
}

/* Appends one item of an initializer to b, the items filling the lines
 * of the macro's body (indented by five). */
static void init_item(buf *b, size_t *line, const char *v)
{
    size_t n = strlen(v);

    if (b->len > 0 && *line + 2 + n + 3 > 79 - 5) {
        buf_puts(b, ",\n");
        *line = 0;
    } else if (b->len > 0) {
        buf_puts(b, ", ");
        *line += 2;
    }
    buf_puts(b, v);
    *line += n;
}

/*
 * The initializer of a row: in C, a designator per default; in C++,
 * which has designated initializers only from C++20, every field in
 * order, {} (zero) where there is no default, so that g++ -Wextra finds
 * no field missing.
 */
static void emit_init(ast_ctx *ctx, buf *out, const ast_table *t,
                      const names *n)
{
    const ast_column *c;
    model_default d;
    const char *why, *v;
    buf items, cxx, macro, cxx_macro;
    bool any = false;
    size_t line = 0, cline = 0; /* the widths of their last lines */

    buf_init(&items);
    buf_init(&cxx);
    for (c = t->columns; c; c = c->next) {
        v = NULL;
        if (model_column_default(ctx, c, &d, &why))
            v = c_default(ctx, c, &d);
        init_item(&cxx, &line, v ? v : "{}");
        if (model_has_flag(c))
            init_item(&cxx, &line, v ? "true" : "{}");
        if (!v)
            continue;
        any = true;
        init_item(&items, &cline, fmt(ctx, ".%s = %s", field_of(ctx, c), v));
        if (model_has_flag(c))
            init_item(&items, &cline, fmt(ctx, ".has_%s = true", col_c(c)));
    }
    buf_init(&macro);
    buf_init(&cxx_macro);
    init_body(&macro, n->INIT, &items, "{0}");
    if (!any)
        buf_reset(&cxx);
    init_body(&cxx_macro, n->INIT, &cxx, "{}");
    tmpl_emit(out, H, "init", "type", n->row, "INIT", n->INIT, "value",
              macro.data, "cxx_value", cxx_macro.data, NULL);
    buf_free(&items);
    buf_free(&cxx);
    buf_free(&macro);
    buf_free(&cxx_macro);
}

/* ---------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------- */

/* The key of get, update and delete: the checker's (the primary key, or
 * a unique over not null columns), else the primary key; 0 when the
 * table has neither, and those functions are not generated. */
static int table_key(const ast_table *t, const ast_column **cols, int max)
{
    int i;

    if (t->nkey > 0 && t->key) {
        for (i = 0; i < t->nkey && i < max; i++)
            cols[i] = t->key[i];
        return i;
    }
    return model_primary_key(t, cols, max);
}

/* A parameter name for a key column that cannot shadow the function's
 * other parameters. */
static const char *key_param(ast_ctx *ctx, const ast_column *c)
{
    static const char *const taken[] = {"db", "a", "out", "key", "row",
                                        "rows", "n", NULL};
    const char *f = field_of(ctx, c);
    int i;

    for (i = 0; taken[i]; i++)
        if (strcmp(f, taken[i]) == 0)
            return fmt(ctx, "%s_", f);
    return f;
}

/* The key parameters of get and delete ("int64_t user_id", ...) and the
 * statements that copy them into the key struct. */
static int key_texts(ast_ctx *ctx, const ast_table *t, const char **params,
                     const char **assign)
{
    const ast_column *pk[64];
    int npk = table_key(t, pk, 64), i;
    static buf a; /* reused: asked for by every key's functions */
    const char *ct;

    if (!a.data)
        buf_init(&a);
    buf_reset(&a);
    for (i = 0; i < npk; i++) {
        ct = c_type(ctx, pk[i]);
        params[i] = fmt(ctx, "%s%s%s", ct,
                        ct[strlen(ct) - 1] == '*' ? "" : " ",
                        key_param(ctx, pk[i]));
        tmpl_emit(&a, C, "key_assign", "field", field_of(ctx, pk[i]),
                  "param", key_param(ctx, pk[i]), NULL);
    }
    *assign = ast_strndup(ctx, a.data, a.len);
    return npk;
}

/* A parameter list, on one line: cwrap_lines() folds it. */
static void params_into(buf *b, const char *const *params, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_put(b, ", ", 2);
        buf_puts(b, params[i]);
    }
}

/* Text built by the emitters and copied to the pool when done; one buffer
 * reused saves an allocation per piece of text. */
static buf scratch;

static const char *scratch_text(ast_ctx *ctx)
{
    return scratch.len ? ast_strndup(ctx, scratch.data, scratch.len) : "";
}

static const char *params_text(ast_ctx *ctx, const char *head,
                               const char *tail, const char *const *params,
                               int n)
{
    (void)head;
    (void)tail;
    buf_reset(&scratch);
    params_into(&scratch, params, n);
    return scratch_text(ctx);
}

/* The parameter lists of the row functions written out, those with the
 * key's columns, for header and source. */
typedef struct signatures {
    const char *get, *remove;
    const char *assign;
} signatures;

static void table_signatures(ast_ctx *ctx, const ast_table *t,
                             const names *n, const char *tail,
                             signatures *sig)
{
    const char *p[70];
    const char *head;
    int k;

    p[0] = "sc_db *db";
    k = key_texts(ctx, t, p + 1, &sig->assign);
    head = fmt(ctx, "int %s_delete(", n->prefix);
    sig->remove = params_text(ctx, head, tail, p, k + 1);
    /* get: the same key parameters, after the arena. */
    memmove(p + 2, p + 1, sizeof *p * (size_t)k);
    p[1] = "sc_arena *a";
    p[k + 2] = fmt(ctx, "%s *out", n->row);
    head = fmt(ctx, "int %s_get(", n->prefix);
    sig->get = params_text(ctx, head, tail, p, k + 3);
}

static const char *spaces(ast_ctx *ctx, size_t n)
{
    char *s = ast_alloc_chars(ctx, n);

    memset(s, ' ', n);
    return s;
}

/* The suffix of the typed runtime calls that take c's values
 * (sc_query_where_i64, ...): one per C form. */
static const char *form_of(const ast_column *c)
{
    switch (c->type.kind) {
    case AST_T_BOOL: return "bool";
    case AST_T_INT16: return "i16";
    case AST_T_INT32:
    case AST_T_DATE: return "i32";
    case AST_T_INT64:
    case AST_T_TIMESTAMP: return "i64";
    case AST_T_FLOAT32: return "f32";
    case AST_T_FLOAT64: return "f64";
    case AST_T_NUMERIC: return model_is_scaled(&c->type) ? "i64" : "text";
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON: return "text";
    case AST_T_BYTES: return "bytes";
    case AST_T_UUID: return "uuid";
    case AST_T_NAMED: return "enum";
    }
    return "?";
}

/* A table's prefix in capitals, the T of the runtime's SC_WHERE(T, ...)
 * and the stem of its handle members and column constants. */
static const char *table_upper(ast_ctx *ctx, const names *n)
{
    const char *u = names_upper(ctx, n->prefix, "");

    return ast_strndup(ctx, u, strlen(u) - 1);
}

/* Column c's index constant, T_COL_NAME. */
static const char *col_const(ast_ctx *ctx, const names *n,
                             const ast_column *c)
{
    const col_names *cn = col_names_of(c);

    if (cn)
        return cn->CONST;
    return names_upper(ctx, n->prefix, cat(ctx, "col_", col_c(c), NULL));
}

/* Makes the names of every column of the schema, for the run of emit_c()
 * that follows. */
static void col_cache_fill(ast_ctx *ctx)
{
    const ast_table *t;
    const ast_column *c;
    size_t want = 0, nslots = 64, i;
    names n;

    for (t = ctx->schema->tables; t; t = t->next)
        want += (size_t)t->ncolumns;
    while (nslots < 2 * want)
        nslots *= 2;
    col_cache.slots = mem_calloc(nslots, sizeof *col_cache.slots);
    col_cache.mask = nslots - 1;
    for (t = ctx->schema->tables; t; t = t->next) {
        table_names(ctx, t, &n);
        for (c = t->columns; c; c = c->next) {
            i = col_slot(c);
            col_cache.slots[i].field = names_field(ctx, col_c(c));
            col_cache.slots[i].CONST = col_const(ctx, &n, c);
            col_cache.slots[i].c = c;
        }
    }
}

static void col_cache_drop(void)
{
    free(col_cache.slots);
    col_cache.slots = NULL;
}

/* Writes "#define HEAD BODY" on one line: cwrap_lines() folds it. */
static void emit_define(ast_ctx *ctx, buf *out, const char *head,
                        const char *body)
{
    (void)ctx;
    tmpl_emit(out, H, "define", "head", head, "body", body, NULL);
}

/* Declares name in the pass that notes names, and writes its macro but
 * when that pass writes nothing. */
static void emit_macro(ast_ctx *ctx, buf *out, const char *name,
                       const char *params, const char *body)
{
    if (declared.on)
        declare(name, declared.function ? declared.function : "a macro");
    if (!names_only())
        emit_define(ctx, out, cat(ctx, name, "(", params, ")", NULL), body);
}

/* A text that is no name (a macro's body, a parameter), formatted only
 * when it is to be written. */
#define BODY(...) (names_only() ? "" : fmt(ctx, __VA_ARGS__))

/* One constant per column for its index in the descriptor, aligned: the
 * column macros of the queries name columns by them. */
static void emit_column_index(ast_ctx *ctx, buf *out, const ast_table *t,
                              const names *n)
{
    const ast_column *c;
    const char **name = ast_alloc(ctx, sizeof *name *
                                           (size_t)(t->ncolumns + 1));
    size_t w = 0, *len = ast_alloc(ctx, sizeof *len *
                                           (size_t)(t->ncolumns + 1));
    int i;

    for (c = t->columns, i = 0; c; c = c->next, i++) {
        name[i] = col_const(ctx, n, c);
        len[i] = strlen(name[i]);
        if (len[i] > w)
            w = len[i];
    }
    tmpl_emit(out, H, "column_index_begin", "table", c_note(ctx, t->name),
              NULL);
    for (c = t->columns, i = 0; c; c = c->next, i++)
        tmpl_emit(out, H, "column_index", "NAME", name[i], "pad",
                  spaces(ctx, w + 1 - len[i]), "index", decimal(ctx, c->index),
                  "comma", c->next ? "," : "", NULL);
    tmpl_emit(out, H, "column_index_end", NULL);
}

/* One constant per column for the masks of _update_cols(), aligned; the
 * runtime's masks hold 64 columns, so later ones get none. */
static void emit_column_bits(ast_ctx *ctx, buf *out, const ast_table *t,
                             const names *n)
{
    const ast_column *c;
    const char *name;
    size_t w = 0;

    if (names_only()) {
        for (c = t->columns; c && c->index < 64; c = c->next) {
            declare_origin("column", c->name, t->name, &c->name_loc);
            declare(names_upper(ctx, n->prefix, col_c(c)), "the column bit");
        }
        return;
    }
    for (c = t->columns; c && c->index < 64; c = c->next)
        if (strlen(col_c(c)) > w)
            w = strlen(col_c(c)); /* the prefix is the same for all */
    tmpl_emit(out, H, "column_bits_begin", "table", c_note(ctx, t->name),
              "prefix",
              n->prefix, "limit_note",
              t->ncolumns > 64 ? fmt(ctx, "\n * Columns past the 64th have "
                                     "none: write them with %s_update().",
                                     n->prefix)
                               : "",
              NULL);
    for (c = t->columns; c && c->index < 64; c = c->next) {
        name = names_upper(ctx, n->prefix, col_c(c));
        declare_origin("column", c->name, t->name, &c->name_loc);
        declare(name, "the column bit");
        emit_define(ctx, out, cat(ctx, name, spaces(ctx, w - strlen(col_c(c))),
                                  NULL),
                    cat(ctx, "SC_BIT(", col_const(ctx, n, c), ")", NULL));
    }
    tmpl_emit(out, H, "column_bits_end", NULL);
}

static void emit_table_api(ast_ctx *ctx, buf *out, const ast_table *t,
                           const names *n)
{
    signatures sig;

    const ast_column *key[1];
    bool keyed = table_key(t, key, 1) > 0;

    declare_origin("table", t->name, NULL, &t->name_loc);
    declare_each(ctx, n->prefix, table_functions, "a function");
    if (keyed)
        declare_each(ctx, n->prefix, key_functions, "a function");
    if (names_only()) {
        /* Of the constants, only the bits are declared here. */
        if (keyed)
            emit_column_bits(ctx, out, t, n);
        return;
    }
    table_signatures(ctx, t, n, ");", &sig);
    emit_column_index(ctx, out, t, n);
    /* The bits serve update_cols and update_many, which need a key. */
    if (keyed)
        emit_column_bits(ctx, out, t, n);
    tmpl_emit(out, H, "table_api", "table", c_note(ctx, t->name), "prefix",
              n->prefix, "type", n->row, "autoinc_note",
              t->autoinc ? fmt(ctx, "\n * The new key is stored in row->%s.",
                               field_of(ctx, t->autoinc))
                         : "",
              NULL);
    if (!keyed) {
        buf_putc(out, '\n');
        return;
    }
    declare_origin("table", t->name, NULL, &t->name_loc);
    tmpl_emit(out, H, "table_key_api", "prefix", n->prefix, "type", n->row,
              "get_params",
              sig.get, "delete_params", sig.remove, NULL);
}

static int count_items(const ast_table *t)
{
    const ast_item *it;
    int k = 0;

    for (it = t->items; it; it = it->next)
        k++;
    return k;
}

/* The foreign keys of t as (local names, ref) pairs, columns first. */
static int foreign_keys(ast_ctx *ctx, const ast_table *t,
                        const ast_name **cols, const ast_ref **refs, int max)
{
    const ast_column *c;
    const ast_item *it;
    ast_name *self;
    int k = 0;

    for (c = t->columns; c && k < max; c = c->next) {
        if (!c->ref)
            continue;
        self = ast_alloc(ctx, sizeof *self);
        self->name = c->name;
        self->column = (ast_column *)c;
        cols[k] = self;
        refs[k++] = c->ref;
    }
    for (it = t->items; it && k < max; it = it->next)
        if (it->kind == AST_ITEM_FOREIGN_KEY) {
            cols[k] = it->cols;
            refs[k++] = it->ref;
        }
    return k;
}

/* ---------------------------------------------------------------------
 * Queries: filters per column and operator, joins, navigation
 * ------------------------------------------------------------------- */

typedef enum op_shape { OP_VALUE, OP_LIST, OP_NONE } op_shape;

typedef struct op_info {
    const char *suffix; /* where_<col>_<suffix> */
    const char *OP;     /* SC_OP_* */
    op_shape shape;
} op_info;

static const op_info ops[] = {
    {"eq", "SC_OP_EQ", OP_VALUE},
    {"ne", "SC_OP_NE", OP_VALUE},
    {"lt", "SC_OP_LT", OP_VALUE},
    {"le", "SC_OP_LE", OP_VALUE},
    {"gt", "SC_OP_GT", OP_VALUE},
    {"ge", "SC_OP_GE", OP_VALUE},
    {"like", "SC_OP_LIKE", OP_VALUE},
    {"ilike", "SC_OP_ILIKE", OP_VALUE},
    {"starts_with", "SC_OP_STARTS_WITH", OP_VALUE},
    {"in", "SC_OP_IN", OP_LIST},
    {"not_in", "SC_OP_NOT_IN", OP_LIST},
    {"is_null", "SC_OP_IS_NULL", OP_NONE},
    {"is_not_null", "SC_OP_IS_NOT_NULL", OP_NONE},
};

#define NOPS ((int)(sizeof ops / sizeof ops[0]))

/*
 * Which operators a column offers.  Ordering exists where both databases
 * order the same way (not for enums, stored as labels on SQLite but
 * ordered by declaration on PostgreSQL, nor for big numerics, stored as
 * text on SQLite); pattern matching only on text; json only tests NULL.
 */
enum { OP_EQUALITY = 1, OP_ORDER = 2, OP_PATTERN = 4 };

/* The class of ops[op], from its suffix; worked out once per operator. */
static int op_class(int op)
{
    static int cls[NOPS];
    static bool known;
    const char *sfx;
    int i;

    if (known)
        return cls[op];
    for (i = 0; i < NOPS; i++) {
        sfx = ops[i].suffix;
        if (strcmp(sfx, "eq") == 0 || strcmp(sfx, "ne") == 0)
            cls[i] = OP_EQUALITY;
        else if (strcmp(sfx, "lt") == 0 || strcmp(sfx, "le") == 0 ||
                 strcmp(sfx, "gt") == 0 || strcmp(sfx, "ge") == 0)
            cls[i] = OP_ORDER;
        else if (strcmp(sfx, "like") == 0 || strcmp(sfx, "ilike") == 0 ||
                 strcmp(sfx, "starts_with") == 0)
            cls[i] = OP_PATTERN;
    }
    known = true;
    return cls[op];
}

static bool op_allowed(const ast_column *c, int op)
{
    int cls = op_class(op);
    bool text = c->type.kind == AST_T_VARCHAR || c->type.kind == AST_T_TEXT;
    bool eq = cls == OP_EQUALITY;
    bool order = cls == OP_ORDER;
    bool pattern = cls == OP_PATTERN;

    if (ops[op].shape == OP_NONE)
        return c->nullable;
    switch (c->type.kind) {
    case AST_T_JSON:
        return false;
    case AST_T_NUMERIC:
        if (!model_is_scaled(&c->type))
            return false;
        return !pattern;
    case AST_T_BOOL:
        return eq;
    case AST_T_NAMED:
        return eq || ops[op].shape == OP_LIST;
    case AST_T_BYTES:
        return eq || order;
    case AST_T_FLOAT32:
    case AST_T_FLOAT64:
        return eq || order;
    default:
        return text || !pattern;
    }
}

static const char *column_what(ast_ctx *ctx, const ast_column *c)
{
    const ast_type *t = &c->type;
    const char *ty;

    switch (t->kind) {
    case AST_T_VARCHAR:
        ty = fmt(ctx, "varchar(%lld)", (long long)t->a);
        break;
    case AST_T_NUMERIC:
        ty = fmt(ctx, "numeric(%lld,%lld)", (long long)t->a, (long long)t->b);
        break;
    case AST_T_NAMED:
        ty = fmt(ctx, "enum %s", c_note(ctx, t->name));
        break;
    default:
        ty = ast_type_name(t->kind);
        break;
    }
    return fmt(ctx, "%s%s", ty, c->nullable ? ", nullable" : "");
}

/* A prototype "void NAME(PARAMS)" wrapped at 80 columns, without ';',
 * its name joined from the NULL-terminated parts.  The text stays in the
 * scratch buffer only until the next one is made: emit it at once. */
static const char *proto_of(const char *ret, const char *const *name,
                            const char *const *params, int n, bool decl)
{
    size_t r = strlen(ret);

    size_t start;

    buf_reset(&scratch);
    buf_put(&scratch, ret, r);
    if (ret[r - 1] != '*')
        buf_putc(&scratch, ' ');
    start = scratch.len;
    for (; *name; name++)
        buf_puts(&scratch, *name);
    if (decl && declared.on) {
        buf_putc(&scratch, '\0');
        declare(scratch.data + start,
                declared.function ? declared.function : "a function");
        scratch.len--;
    }
    if (names_only())
        return NULL; /* the name was all that was wanted */
    buf_putc(&scratch, '(');
    params_into(&scratch, params, n);
    buf_putc(&scratch, ')');
    return scratch.data;
}

static const char *proto(ast_ctx *ctx, const char *ret, const char *name,
                         const char *const *params, int n, bool decl)
{
    const char *parts[2];

    (void)ctx;
    parts[0] = name;
    parts[1] = NULL;
    return proto_of(ret, parts, params, n, decl);
}

/* The parameter lists of a table's query functions written out, all
 * and each, wrapped for the header. */
static void query_params(ast_ctx *ctx, const names *n, const char **all,
                         const char **each)
{
    const char *q = fmt(ctx, "%s_query *q", n->prefix);
    const char *p[3];

    p[0] = q;
    p[1] = "sc_arena *a";
    p[2] = fmt(ctx, "%s_list *out", n->row);
    *all = params_text(ctx, fmt(ctx, "int %s_all(", n->prefix), ");", p, 3);
    p[1] = fmt(ctx, "%s_fn fn", n->row);
    p[2] = "void *ctx";
    *each = params_text(ctx, fmt(ctx, "int %s_each(", n->prefix), ");", p,
                        3);
}

/* The group and shaping macros of a table: over SC_HANDLE(), so that a
 * join handle takes them too. */
static void emit_group_macros(ast_ctx *ctx, buf *out, const names *n)
{
    /* name, parameters, and the body before and after T */
    static const char *const m[][4] = {
        {"_or(", "q)", "sc_query_begin_or(SC_HANDLE(", ", q))"},
        {"_and(", "q)", "sc_query_begin_and(SC_HANDLE(", ", q))"},
        {"_not(", "q)", "sc_query_begin_not(SC_HANDLE(", ", q))"},
        {"_end(", "q)", "sc_query_end(SC_HANDLE(", ", q))"},
        {"_limit(", "q, n)", "sc_query_limit(SC_HANDLE(", ", q), n)"},
        {"_offset(", "q, n)", "sc_query_offset(SC_HANDLE(", ", q), n)"},
        {"_distinct(", "q)", "sc_query_distinct(SC_HANDLE(", ", q))"},
    };
    const char *T;
    size_t i;

    if (names_only())
        return; /* they declare nothing */
    T = table_upper(ctx, n);
    for (i = 0; i < sizeof m / sizeof m[0]; i++)
        emit_define(ctx, out, cat(ctx, n->prefix, m[i][0], m[i][1], NULL),
                    cat(ctx, m[i][2], T, m[i][3], NULL));
}

/* The type a column's entry T_COL_T names to the runtime's query macros
 * (schemac.h): its C form, but for the types whose operators differ, and
 * an enum's own C type. */
static const char *query_type(ast_ctx *ctx, const ast_column *c)
{
    switch (c->type.kind) {
    case AST_T_DATE: return "date";
    case AST_T_TIMESTAMP: return "timestamp";
    case AST_T_NUMERIC:
        return model_is_scaled(&c->type) ? "numeric" : "decimal";
    case AST_T_JSON: return "json";
    case AST_T_NAMED: return enum_type(ctx, c->type.enm);
    default: return form_of(c);
    }
}

/* Whether c may be bulk-set, and tested for NULL: KEY, NULLABLE or
 * NOT_NULL. */
static const char *query_nulls(const ast_column *c)
{
    if (c->is_pk && c->type.kind != AST_T_NAMED)
        return "KEY"; /* keys are not bulk-updated */
    return c->nullable ? "NULLABLE" : "NOT_NULL";
}

/* The name of column c in the query macros: its name in capitals. */
static const char *col_upper(ast_ctx *ctx, const ast_column *c)
{
    const char *u = names_upper(ctx, col_c(c), "");

    return ast_strndup(ctx, u, strlen(u) - 1);
}

/* Per column its entry for the query macros, T_COL_T, aligned. */
static void emit_column_types(ast_ctx *ctx, buf *out, const ast_table *t,
                              const names *n)
{
    const ast_column *c;
    const char **name = ast_alloc(ctx, sizeof *name *
                                           (size_t)(t->ncolumns + 1));
    size_t w = 0;
    int i;

    for (c = t->columns, i = 0; c; c = c->next, i++) {
        name[i] = names_upper(ctx, n->prefix, cat(ctx, col_c(c), "_T", NULL));
        declare_origin("column", c->name, t->name, &c->name_loc);
        declare(name[i], "the column's query type");
        if (strlen(name[i]) > w)
            w = strlen(name[i]);
    }
    if (names_only())
        return;
    tmpl_emit(out, H, "column_types", "table", c_note(ctx, t->name), NULL);
    for (c = t->columns, i = 0; c; c = c->next, i++) {
        emit_define(ctx, out, cat(ctx, name[i],
                                  spaces(ctx, w - strlen(name[i])), NULL),
                    cat(ctx, query_type(ctx, c), ", ", query_nulls(c), ", ",
                        col_const(ctx, n, c), NULL));
    }
}

/* With --column-macros: the former names, one per column and operator,
 * each over the table's macro. */
static bool column_macros;

void emit_c_column_macros(bool on)
{
    column_macros = on;
}

/* Makes b the four parts glued, its length the stem's. */
static void name_stem(buf *b, size_t *stem, const char *a, const char *b2,
                      const char *c, const char *d)
{
    if (!b->data)
        buf_init(b);
    buf_reset(b);
    buf_puts(b, a);
    buf_puts(b, b2);
    buf_puts(b, c);
    buf_puts(b, d);
    *stem = b->len;
}

/* Declares the former names of column c's filters, order and set, and
 * writes them with --column-macros. */
static void column_query_macros(ast_ctx *ctx, buf *out, const ast_column *c,
                                const names *n)
{
    static buf nm; /* the name made, its stem kept between them */
    const char *P = n->prefix, *COL = "";
    const char *v = "v", *vp = "q, v", *OP;
    bool write = column_macros;
    size_t stem;
    int op;

    if (write)
        COL = col_upper(ctx, c);
    if (c->type.kind == AST_T_BYTES || c->type.kind == AST_T_UUID) {
        /* A struct value may be a compound literal, commas and all. */
        vp = "q, ...";
        v = "__VA_ARGS__";
    }
    declare_origin("column", c->name, n->table->name, &c->name_loc);
    if (declared.on)
        declare(col_const(ctx, n, c), "the column index");
    if (!write && !declared.on)
        return;
    if (write)
        tmpl_emit(out, H, "column_filters", "column", c_note(ctx, c->name),
                  "what", column_what(ctx, c), NULL);
    /* The names are made in nm, stem and suffix, and copied only where
     * they are noted or written. */
#define NAME(suffix) (nm.len = stem, buf_puts(&nm, suffix))
#define MACRO(params, ...) \
    (write ? emit_macro(ctx, out, nm.data, params, BODY(__VA_ARGS__)) \
           : declare_n(nm.data, nm.len, "a macro"))
    name_stem(&nm, &stem, n->prefix, "_where_", col_c(c), "_");
    for (op = 0; op < NOPS; op++) {
        if (!op_allowed(c, op))
            continue;
        OP = ops[op].OP + strlen("SC_OP_");
        NAME(ops[op].suffix);
        if (ops[op].shape == OP_VALUE)
            MACRO(vp, "%s_where(q, %s, %s, %s)", P, COL, OP, v);
        else if (ops[op].shape == OP_LIST)
            MACRO("q, v, n", "%s_where_%s(q, %s, v, n)", P, ops[op].suffix,
                  COL);
        else
            MACRO("q", "%s_where_%s(q, %s)", P, ops[op].suffix + 3, COL);
    }
    name_stem(&nm, &stem, n->prefix, "_order_by_", col_c(c), "");
    MACRO("q, dir", "%s_order_by(q, %s, dir)", P, COL);
    if (c->is_pk && c->type.kind != AST_T_NAMED)
        return; /* keys are not bulk-updated */
    name_stem(&nm, &stem, n->prefix, "_update_set_", col_c(c), "");
    MACRO(vp, "%s_set(q, %s, %s)", P, COL, v);
    NAME("_null");
    if (c->nullable)
        MACRO("q", "%s_set_null(q, %s)", P, COL);
#undef MACRO
#undef NAME
}

/* One foreign key seen from one of its two tables. */
typedef struct link {
    const ast_table *owner;  /* the table holding the foreign key */
    int fk;                  /* its index in owner's descriptor */
    const ast_name *cols;    /* the owner's columns */
    const ast_table *target; /* the referenced table */
    bool ambiguous;          /* owner has another key to target */
    /* How many earlier keys of owner have the same columns and target
     * (a database made elsewhere may repeat one): their names get _2, _3
     * so that they stay apart. */
    int twin;
} link;

/* Where foreign key l is written. */
static const ast_loc *link_loc(const link *l);

/* The origin of the prototypes from now on: foreign key l, whose
 * prototypes declare `what` (NULL: a function). */
static void declare_link(ast_ctx *ctx, const link *l, const char *what);

/* Every foreign key of the schema, found once per run of emit_c(), and
 * for each table the numbers of the links it owns or is the target of,
 * in order: by_table[t->index] ends with -1. */
typedef struct link_set {
    link *items;
    int n;
    int **by_table;
} link_set;

static link_set schema_links;

/* Fills ls->by_table, so that a table's joins and navigation need not
 * look at every key of the schema. */
static void index_links(ast_ctx *ctx, link_set *ls)
{
    int nt = ctx->schema->ntables, *count, i, a, b;

    count = ast_alloc(ctx, sizeof *count * (size_t)(nt + 1));
    ls->by_table = ast_alloc(ctx, sizeof *ls->by_table * (size_t)(nt + 1));
    for (i = 0; i < ls->n; i++) {
        count[ls->items[i].owner->index]++;
        if (ls->items[i].target && ls->items[i].target != ls->items[i].owner)
            count[ls->items[i].target->index]++;
    }
    for (i = 0; i < nt; i++) {
        ls->by_table[i] = ast_alloc(ctx, sizeof **ls->by_table *
                                             (size_t)(count[i] + 1));
        ls->by_table[i][count[i]] = -1;
        count[i] = 0;
    }
    for (i = 0; i < ls->n; i++) {
        a = ls->items[i].owner->index;
        ls->by_table[a][count[a]++] = i;
        if (!ls->items[i].target || ls->items[i].target == ls->items[i].owner)
            continue;
        b = ls->items[i].target->index;
        ls->by_table[b][count[b]++] = i;
    }
}

/* Collects every foreign key, in descriptor order per table, into the
 * context's pool. */
static void collect_links(ast_ctx *ctx, link_set *ls)
{
    const ast_name **cols;
    const ast_ref **refs;
    const ast_table *t;
    int k = 0, cap = 0, i, j, nfk;

    for (t = ctx->schema->tables; t; t = t->next)
        cap += t->ncolumns + count_items(t);
    ls->items = ast_alloc(ctx, sizeof *ls->items * (size_t)(cap + 1));
    cols = ast_alloc(ctx, sizeof *cols * (size_t)(cap + 1));
    refs = ast_alloc(ctx, sizeof *refs * (size_t)(cap + 1));
    for (t = ctx->schema->tables; t; t = t->next) {
        nfk = foreign_keys(ctx, t, cols, refs, cap);
        for (i = 0; i < nfk; i++, k++) {
            ls->items[k].owner = t;
            ls->items[k].fk = i;
            ls->items[k].cols = cols[i];
            ls->items[k].target = refs[i]->target;
            ls->items[k].ambiguous = false;
            ls->items[k].twin = 0;
        }
    }
    ls->n = k;
    index_links(ctx, ls);
    /* Links of one owner are adjacent: compare within the run only. */
    for (i = 0; i < k; i++)
        for (j = i + 1; j < k && ls->items[j].owner == ls->items[i].owner;
             j++)
            if (ls->items[i].target == ls->items[j].target) {
                ls->items[i].ambiguous = ls->items[j].ambiguous = true;
                if (strcmp(c_joined(ctx, ls->items[i].cols),
                           c_joined(ctx, ls->items[j].cols)) == 0)
                    ls->items[j].twin++;
            }
    /* Two tables that reference each other: each has a forward and a
     * reverse join to the other, which the columns tell apart. */
    for (i = 0; i < k; i++) {
        const link *l = &ls->items[i];
        const int *m;

        if (!l->target || l->target == l->owner)
            continue;
        for (m = ls->by_table[l->owner->index]; *m >= 0; m++)
            if (ls->items[*m].owner == l->target &&
                ls->items[*m].target == l->owner)
                ls->items[i].ambiguous = ls->items[*m].ambiguous = true;
    }
}

static const char *strip_id(ast_ctx *ctx, const char *name)
{
    size_t n = strlen(name);

    if (n > 3 && strcmp(name + n - 3, "_id") == 0)
        return ast_strndup(ctx, name, n - 3);
    return name;
}

/*
 * Names along a foreign key.  From the owner (an enrollment) the join is
 * named after the target table (join_users) and the navigation after the
 * key column (user, from user_id); from the target (a user) both are named
 * after the owner table (join_program_enrollments, program_enrollments).
 * A second key between the same tables, or a key to its own table, adds
 * the columns: join_categories_by_parent.
 */
static const char *twin_name(ast_ctx *ctx, const link *l, const char *name)
{
    return l->twin ? fmt(ctx, "%s_%d", name, l->twin + 1) : name;
}

static const char *forward_join_name(ast_ctx *ctx, const link *l)
{
    const char *cols = c_joined(ctx, l->cols);

    if (l->owner == l->target)
        return twin_name(ctx, l, strip_id(ctx, cols));
    if (l->ambiguous)
        return twin_name(ctx, l,
                         fmt(ctx, "%s_by_%s", tab_c(l->target), cols));
    return tab_c(l->target);
}

static const char *reverse_name(ast_ctx *ctx, const link *l)
{
    if (l->owner == l->target || l->ambiguous)
        return twin_name(ctx, l, fmt(ctx, "%s_by_%s", tab_c(l->owner),
                                     c_joined(ctx, l->cols)));
    return tab_c(l->owner);
}

/*
 * Navigation is named like the joins, after tables: get_<row> for the
 * one parent (the target's row type: get_user, get_category), and
 * list_<table> for the children (list_program_enrollments), with
 * _by_<columns> where a join has it.  get_ returns one row, list_ and
 * load_ lists.
 */
static const char *parent_nav_name(ast_ctx *ctx, const link *l)
{
    if (l->owner == l->target || l->ambiguous)
        return twin_name(ctx, l, fmt(ctx, "%s_by_%s", row_c(ctx, l->target),
                                     c_joined(ctx, l->cols)));
    return row_c(ctx, l->target);
}

/* The names of earlier versions, kept as macros for the source that
 * calls them: the parent was named after its one key column less "_id"
 * (user_id: get_user, author: get_author), or after the table; the
 * children were get_<table>. */
static const char *parent_name(ast_ctx *ctx, const link *l)
{
    if (!l->cols->next)
        return twin_name(ctx, l, strip_id(ctx, c_joined(ctx, l->cols)));
    if (l->ambiguous || l->owner == l->target)
        return twin_name(ctx, l, c_joined(ctx, l->cols));
    return row_c(ctx, l->target);
}

/* The joins of table t, as macros over SC_JOIN() taking a query or join
 * handle of t and giving the other table's join handle. */
static void emit_joins(ast_ctx *ctx, buf *out, const ast_table *t,
                       const names *n)
{
    const link *links = schema_links.items;
    const int *mine = schema_links.by_table[t->index];
    const char *T = table_upper(ctx, n), *other, *name;
    int count = 0;
    names on;

    for (; *mine >= 0; mine++) {
        const link *l = &links[*mine];
        bool forward = l->owner == t;

        if (l->owner != t && l->target != t)
            continue;
        /* A key to its own table gives both a forward and a reverse
         * join: emit the reverse one on a second pass over it. */
        for (int pass = 0; pass < (l->owner == l->target ? 2 : 1); pass++) {
            if (l->owner == l->target)
                forward = pass == 0;
            table_names(ctx, forward ? l->target : l->owner, &on);
            other = on.prefix;
            name = forward ? forward_join_name(ctx, l) : reverse_name(ctx, l);
            if (declared.on)
                declare_link(ctx, l, forward ? "the join to the parent"
                                             : "the join to the children");
            if (count++ == 0)
                tmpl_emit(out, H, "joins_begin", NULL);
            emit_macro(ctx, out, fmt(ctx, "%s_join_%s", n->prefix, name),
                       "q",
                       BODY("SC_JOIN(%s, q, %s, %s, %d, %s)", T, other,
                           forward ? n->prefix : on.prefix, l->fk,
                           forward ? "false" : "true"));
        }
    }
    if (count)
        buf_putc(out, '\n');
    declared.function = NULL;
}

/* Former names of one table's navigation: old[i] is a macro for new[i]. */
typedef struct aliases {
    const char **old, **new_;
    int n, cap;
} aliases;

static void note_alias(ast_ctx *ctx, aliases *al, const char *old,
                       const char *new_)
{
    const char **o, **w;

    if (strcmp(old, new_) == 0)
        return;
    if (al->n == al->cap) {
        al->cap = al->cap ? 2 * al->cap : 8;
        o = ast_alloc(ctx, sizeof *o * (size_t)al->cap);
        w = ast_alloc(ctx, sizeof *w * (size_t)al->cap);
        if (al->n) {
            memcpy(o, al->old, sizeof *o * (size_t)al->n);
            memcpy(w, al->new_, sizeof *w * (size_t)al->n);
        }
        al->old = o;
        al->new_ = w;
    }
    al->old[al->n] = old;
    al->new_[al->n++] = new_;
}

/* The macros for the former names, but for one that is also a new name
 * of the table or that two former names share (it stands for neither). */
static void emit_aliases(buf *out, const aliases *al)
{
    symtab news, olds, twice;
    int i, count = 0;

    /* A table may have a child in every other table: by name, not by
     * comparing each pair. */
    symtab_init(&news, false);
    symtab_init(&olds, false);
    symtab_init(&twice, false);
    for (i = 0; i < al->n; i++) {
        symtab_put(&news, al->new_[i], (void *)al->new_[i]);
        if (symtab_put(&olds, al->old[i], (void *)al->old[i]))
            symtab_put(&twice, al->old[i], (void *)al->old[i]);
    }
    for (i = 0; i < al->n; i++) {
        if (symtab_get(&news, al->old[i]) || symtab_get(&twice, al->old[i]))
            continue; /* a name of now, or the former name of two */
        if (count++ == 0)
            tmpl_emit(out, H, "aliases_begin", NULL);
        declare(al->old[i], "the former name of a navigation");
        tmpl_emit(out, H, "alias", "old", al->old[i], "new", al->new_[i],
                  NULL);
    }
    if (count)
        tmpl_emit(out, H, "aliases_end", NULL);
    symtab_free(&news);
    symtab_free(&olds);
    symtab_free(&twice);
}

/* Declares the function name (with declared.function saying what it
 * is) when names are noted; returns it. */
static const char *fn_name(const char *name, bool decl)
{
    if (decl && declared.on)
        declare(name, declared.function ? declared.function : "a function");
    return name;
}

static void emit_navigation(ast_ctx *ctx, buf *out, const ast_table *t,
                            const names *n, bool decl)
{
    const link *links = schema_links.items;
    const int *mine = schema_links.by_table[t->index];
    int count = 0;
    const char *p[5], *text, *name, *load;
    names on;
    aliases aliases = {0};

    p[0] = "sc_db *db";
    p[1] = "sc_arena *a";
    for (; *mine >= 0; mine++) {
        const link *l = &links[*mine];

        if (l->owner == t) { /* the parent of a row */
            table_names(ctx, l->target, &on);
            if (decl)
                declare_link(ctx, l, "the navigation to the parent");
            name = fn_name(fmt(ctx, "%s_get_%s", n->prefix,
                               parent_nav_name(ctx, l)),
                           decl);
            if (decl)
                note_alias(ctx, &aliases,
                           fmt(ctx, "%s_get_%s", n->prefix,
                               parent_name(ctx, l)),
                           name);
            if (decl && count++ == 0)
                tmpl_emit(out, H, "navigation_begin", NULL);
            if (decl && !names_only())
                tmpl_emit(out, H, "parent", "name", name, "prefix",
                          n->prefix, "row", n->row, "parent", on.prefix,
                          "parent_row", on.row, "fk",
                          fmt(ctx, "%d", l->fk), NULL);
        }
        if (l->target != t)
            continue;
        /* The children of many rows in one query, and of one row (the
         * same for one: it follows the former, to call it). */
        table_names(ctx, l->owner, &on);
        if (decl && count++ == 0)
            tmpl_emit(out, H, "navigation_begin", NULL);
        if (decl)
            declare_link(ctx, l, "the navigation to the children of many "
                                 "rows");
        load = fmt(ctx, "%s_load_%s", n->prefix, reverse_name(ctx, l));
        if (decl) {
            p[2] = BODY("const %s *rows", n->row);
            p[3] = "size_t n";
            p[4] = BODY("%s_list *lists", on.row);
            text = proto(ctx, "int", load, p, 5, decl);
            if (!names_only())
                tmpl_emit(out, H, "prototype", "text", text, NULL);
        } else if (!names_only())
            tmpl_emit(out, C, "load_children", "name", load, "prefix",
                      n->prefix, "row", n->row, "child", on.prefix,
                      "child_row", on.row, "fk", fmt(ctx, "%d", l->fk),
                      NULL);
        if (!decl)
            continue;
        declare_link(ctx, l, "the navigation to the children");
        name = fn_name(fmt(ctx, "%s_list_%s", n->prefix,
                           reverse_name(ctx, l)),
                       decl);
        note_alias(ctx, &aliases,
                   fmt(ctx, "%s_get_%s", n->prefix, reverse_name(ctx, l)),
                   name);
        if (!names_only())
            tmpl_emit(out, H, "children", "name", name, "load", load, "row",
                      n->row, "child_row", on.row, NULL);
    }
    if (decl && count)
        buf_putc(out, '\n');
    declared.function = NULL;
    if (decl && aliases.n) {
        declare_origin("table", t->name, NULL, &t->name_loc);
        emit_aliases(out, &aliases);
    }
}

static const ast_loc *link_loc(const link *l)
{
    return l->cols->column ? &l->cols->column->name_loc : &l->cols->loc;
}

static void declare_link(ast_ctx *ctx, const link *l, const char *what)
{
    if (!declared.on)
        return;
    declare_origin("foreign key", c_joined(ctx, l->cols), l->owner->name,
                   link_loc(l));
    declared.function = what;
}

static void emit_query_api(ast_ctx *ctx, buf *out, const ast_table *t,
                           const names *n)
{
    const ast_column *c;

    declare_origin("table", t->name, NULL, &t->name_loc);
    declare_each(ctx, n->prefix, query_functions, "a function");
    declare_each(ctx, n->prefix, query_macros, "a macro");
    const char *all = NULL, *each = NULL;

    if (!names_only())
        query_params(ctx, n, &all, &each);
    tmpl_emit(out, H, "query_api_begin", "table", c_note(ctx, t->name),
              "prefix", n->prefix, "T", names_only() ? "" : table_upper(ctx, n),
              NULL);
    emit_column_types(ctx, out, t, n);
    tmpl_emit(out, H, "query_macros", "prefix", n->prefix, "T",
              names_only() ? "" : table_upper(ctx, n), NULL);
    for (c = t->columns; c; c = c->next)
        column_query_macros(ctx, out, c, n);
    tmpl_emit(out, H, "groups", NULL);
    emit_group_macros(ctx, out, n);
    tmpl_emit(out, H, "terminals", "prefix", n->prefix, "row", n->row, "T",
              names_only() ? "" : table_upper(ctx, n),
              "all_params", all, "each_params", each, NULL);
    declare_origin("table", t->name, NULL, &t->name_loc);
    emit_joins(ctx, out, t, n);
    emit_navigation(ctx, out, t, n, true);
}

static void emit_query_source(ast_ctx *ctx, buf *out, const ast_table *t,
                              const names *n)
{
    declare_origin("table", t->name, NULL, &t->name_loc);
    declare(fmt(ctx, "%s_each_row", n->prefix), "a function");
    tmpl_emit(out, C, "query_functions", "prefix", n->prefix, "row", n->row,
              NULL);
    emit_navigation(ctx, out, t, n, false);
}

/* ---------------------------------------------------------------------
 * The header
 * ------------------------------------------------------------------- */

static void emit_enum(ast_ctx *ctx, buf *out, const ast_enum *e)
{
    const ast_enum_value *v;
    const char *type = enum_type(ctx, e);
    size_t width = 0;
    int i = 0;

    for (v = e->values; v; v = v->next)
        if (strlen(value_c(v)) > width)
            width = strlen(value_c(v));
    declare_origin("enum", e->name, NULL, &e->name_loc);
    declare(type, "the type");
    for (v = e->values; v; v = v->next)
        declare(names_upper(ctx, type, value_c(v)), "a constant");
    tmpl_emit(out, H, "enum_begin", "comment", c_comment(ctx, e->comment, ""),
              "type", type, NULL);
    for (v = e->values; v; v = v->next, i++)
        tmpl_emit(out, H, "enum_value", "comment",
                  c_comment(ctx, v->comment, "    "), "CONST",
                  names_upper(ctx, type, value_c(v)), "pad",
                  spaces(ctx, width - strlen(value_c(v)) + 1), "value",
                  fmt(ctx, "%d", i), "comma", v->next ? "," : "", NULL);
    tmpl_emit(out, H, "enum_end", "type", type, NULL);
    declare(fmt(ctx, "%s_arg_", type), "a function");
    declare(fmt(ctx, "%s_args_", type), "a function");
    tmpl_emit(out, H, "enum_args", "type", type, NULL);
}

static void emit_migrate_api(ast_ctx *ctx, buf *out,
                             const sc_migration *head, unsigned nmigs)
{
    const char *schema = ctx->schema->name;

    tmpl_emit(out, H, "migrate_api", "schema", schema, "COUNT_NAME",
              names_upper(ctx, schema, "MIGRATIONS"), "count",
              fmt(ctx, "%u", nmigs), "head", fmt(ctx, "%04u", head->version),
              "head_name", head->name, NULL);
}

static void emit_header(ast_ctx *ctx, buf *out, const sc_migration *head,
                        unsigned nmigs)
{
    const ast_schema *s = ctx->schema;
    const ast_decl *d;
    ast_mark mark;
    names n;

    tmpl_emit(out, H, "banner", "version", SC_VERSION, "file",
              base_name(ctx->filename), "schema", s->name, "GUARD",
              names_upper(ctx, s->name, "DB_H"), "abi",
              fmt(ctx, "%d", SC_ABI_VERSION), "min_version",
              fmt(ctx, "%d", SC_VERSION_NUMBER), "max_version",
              fmt(ctx, "%d", (SC_VERSION_MAJOR + 1) * 10000), NULL);
    declare_origin("schema", s->name, NULL, &s->loc);
    declare(names_upper(ctx, s->name, "DB_H"), "the include guard");
    declare_each(ctx, s->name, schema_functions, "a function");
    declare(fmt(ctx, "%s_schema", s->name), "the descriptor");
    declare(fmt(ctx, "%s_tables", s->name), "the table list");
    declare(fmt(ctx, "%s_migrations", s->name), "the migrations");
    declare(names_upper(ctx, s->name, "MIGRATIONS"), "the migration count");
    tmpl_emit(out, H, "query_types", NULL);
    for (d = s->decls; d; d = d->next)
        if (d->table) {
            table_names(ctx, d->table, &n);
            declare_origin("table", d->table->name, NULL,
                           &d->table->name_loc);
            declare(fmt(ctx, "%s_query", n.prefix), "the query type");
            declare(fmt(ctx, "%s_join", n.prefix), "the join type");
            tmpl_emit(out, H, "query_type", "prefix", n.prefix, "T",
                      table_upper(ctx, &n), NULL);
        }
    /* Types first (enums, then rows and lists, each in schema order), so
     * that any function may name any of them. */
    for (d = s->decls; d; d = d->next)
        if (d->enm)
            emit_enum(ctx, out, d->enm);
    for (d = s->decls; d; d = d->next) {
        if (!d->table)
            continue;
        mark = ast_pool_mark(ctx);
        table_names(ctx, d->table, &n);
        declare_origin("table", d->table->name, NULL, &d->table->name_loc);
        declare(n.row, "the row type");
        declare(n.INIT, "the _INIT macro");
        declare(fmt(ctx, "%s_list", n.row), "the list type");
        declare(fmt(ctx, "%s_fn", n.row), "the callback type");
        /* The struct and its _INIT declare no more names. */
        if (!names_only()) {
            emit_struct(ctx, out, d->table, &n);
            emit_init(ctx, out, d->table, &n);
            tmpl_emit(out, H, "list", "table", c_note(ctx, d->table->name),
                      "type", n.row, NULL);
        }
        ast_pool_release(ctx, mark);
    }
    for (d = s->decls; d; d = d->next) {
        if (!d->table)
            continue;
        mark = ast_pool_mark(ctx);
        table_names(ctx, d->table, &n);
        emit_table_api(ctx, out, d->table, &n);
        emit_query_api(ctx, out, d->table, &n);
        ast_pool_release(ctx, mark);
        if (names_only())
            buf_reset(out);
    }
    tmpl_emit(out, H, "schema_api", "schema", s->name, NULL);
    emitted.migrate_at = out->len;
    if (head)
        emit_migrate_api(ctx, out, head, nmigs);
    tmpl_emit(out, H, "footer", "GUARD", names_upper(ctx, s->name, "DB_H"),
              NULL);
}

/* ---------------------------------------------------------------------
 * The source: descriptors
 * ------------------------------------------------------------------- */

static void emit_enum_desc(ast_ctx *ctx, buf *out, const ast_enum *e)
{
    const ast_enum_value *v;
    buf labels;

    declare_origin("enum", e->name, NULL, &e->name_loc);
    declare(fmt(ctx, "%s_labels", enum_type(ctx, e)), "the labels");
    declare(fmt(ctx, "%s_enum", enum_type(ctx, e)), "the descriptor");
    buf_init(&labels);
    for (v = e->values; v; v = v->next)
        buf_printf(&labels, "    %s,\n", c_string(ctx, v->name,
                                                   strlen(v->name)));
    tmpl_emit(out, C, "enum_labels", "name", enum_type(ctx, e), "sqlname",
              c_esc(ctx, e->name), "labels", labels.data, "count",
              fmt(ctx, "%d", e->nvalues), NULL);
    buf_free(&labels);
}

static const char *col_flags(ast_ctx *ctx, const ast_table *t,
                             const ast_column *c)
{
    static buf b; /* reused: the flags are made for every column */

    if (!b.data)
        buf_init(&b);
    buf_reset(&b);
    if (!c->nullable)
        buf_puts(&b, " | SC_COL_NOTNULL");
    if (c->is_pk)
        buf_puts(&b, " | SC_COL_PK");
    if (c == t->autoinc)
        buf_puts(&b, " | SC_COL_AUTOINC");
    if (c->unique.first_line)
        buf_puts(&b, " | SC_COL_UNIQUE");
    if (model_has_flag(c))
        buf_puts(&b, " | SC_COL_HASFLAG");
    if (c->type.kind == AST_T_TIMESTAMP && c->type.local)
        buf_puts(&b, " | SC_COL_NOZONE");
    if (c->fixed_frac)
        buf_puts(&b, " | SC_COL_FIXEDFRAC");
    return b.len ? ast_strndup(ctx, b.data + 3, b.len - 3) : "0";
}

static const char *dflt_init(ast_ctx *ctx, const ast_column *c)
{
    model_default d;
    const char *why;

    if (!c->dflt || !model_column_default(ctx, c, &d, &why))
        return NULL;
    if (c->nullable && d.kind != SC_DEFAULT_NOW)
        return NULL;
    switch (d.kind) {
    case SC_DEFAULT_NOW:
        return "SC_DFLT_NOW";
    case SC_DEFAULT_NULL:
        return ".dflt = {.kind = SC_DEFAULT_NULL}";
    default:
        break;
    }
    switch (c->type.kind) {
    case AST_T_FLOAT32:
    case AST_T_FLOAT64:
        return fmt(ctx, ".dflt = {.kind = SC_DEFAULT_VALUE, .f = %.17g}",
                   d.f);
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON:
    case AST_T_BYTES:
    case AST_T_UUID:
        return fmt(ctx,
                   ".dflt = {.kind = SC_DEFAULT_VALUE, .s = %s, .len = %zu}",
                   c_string(ctx, d.s, d.len), d.len);
    case AST_T_NUMERIC:
        if (!model_is_scaled(&c->type))
            return fmt(ctx,
                       ".dflt = {.kind = SC_DEFAULT_VALUE, .s = %s, "
                       ".len = %zu}",
                       c_string(ctx, d.s, d.len), d.len);
        break;
    default:
        break;
    }
    return fmt(ctx, "SC_DFLT_INT(%s)", c_int64(ctx, d.i));
}

static const char *format_const(ast_format f)
{
    switch (f) {
    case AST_FMT_TEXT: return "SC_FMT_TEXT";
    case AST_FMT_REAL: return "SC_FMT_REAL";
    case AST_FMT_INTEGER: return "SC_FMT_INTEGER";
    case AST_FMT_HEX: return "SC_FMT_HEX";
    default: return "SC_FMT_NATIVE";
    }
}

/* Appends item to a column's initializer in b, which starts at column
 * 5 of its line, wrapping it onto a new line that would pass 80. */
/* Appends one item of a descriptor's initialiser to b, all on one line:
 * cwrap_lines() folds it. */
static void desc_item(buf *b, const char *item)
{
    if (b->len > 0)
        buf_puts(b, ", ");
    buf_puts(b, item);
}

static void emit_column_desc(ast_ctx *ctx, buf *out, const ast_table *t,
                             const ast_column *c, const names *n)
{
    static buf f; /* reused: one description per column */
    const char *d, *field;
    int k;

    if (!f.data)
        buf_init(&f);
    buf_reset(&f);
    /* The runtime's SC_COL() names the column after its field. */
    if (strcmp(field_of(ctx, c), c->name) == 0)
        desc_item(&f, fmt(ctx, "SC_COL(%s, %s, %s, %s)", n->row,
                               field_of(ctx, c),
                               sc_type_const(c) + strlen("SC_TYPE_"),
                               col_flags(ctx, t, c)));
    else
        desc_item(&f, fmt(ctx, "SC_COL_AS(%s, %s, \"%s\", %s, %s)",
                               n->row, field_of(ctx, c),
                               c_esc(ctx, c->name),
                               sc_type_const(c) + strlen("SC_TYPE_"),
                               col_flags(ctx, t, c)));
    if (c->type.kind == AST_T_VARCHAR || c->type.kind == AST_T_NUMERIC)
        desc_item(&f, cat(ctx, ".length = ", decimal(ctx, c->type.a), NULL));
    if (c->type.kind == AST_T_NUMERIC && c->type.b)
        desc_item(&f, cat(ctx, ".scale = ", decimal(ctx, c->type.b), NULL));
    if (c->fixed_frac && c->frac > 0)
        desc_item(&f, cat(ctx, ".scale = ", decimal(ctx, c->frac), NULL));
    if (model_has_flag(c))
        desc_item(&f, fmt(ctx, "SC_HAS(%s, %s)", n->row, col_c(c)));
    if (c->type.kind == AST_T_NAMED)
        desc_item(&f,
                  fmt(ctx, ".enm = &%s_enum", enum_type(ctx, c->type.enm)));
    d = dflt_init(ctx, c);
    if (d)
        desc_item(&f, d);
    if (c->format != AST_FMT_NATIVE)
        desc_item(&f, fmt(ctx, ".format = %s", format_const(c->format)));
    for (k = 1; k <= SC_NDIALECTS; k++) {
        field = sc__dialect_of((sc_dialect)k)->declared_type_field;
        if (field && c->sql_type[k])
            desc_item(&f, fmt(ctx, "%s = %s", field,
                          c_string(ctx, c->sql_type[k],
                                   strlen(c->sql_type[k]))));
    }
    tmpl_emit(out, C, "column", "fields", f.data, NULL);
}

static const char *index_list(ast_ctx *ctx, const ast_name *cols,
                              bool names_not_indexes)
{
    static buf b; /* reused: a list per index and key */

    if (!b.data)
        buf_init(&b);
    buf_reset(&b);
    for (; cols; cols = cols->next) {
        if (names_not_indexes)
            buf_printf(&b, "%s\"%s\"", b.len ? ", " : "",
                       c_esc(ctx, cols->name));
        else
            buf_printf(&b, "%s%d", b.len ? ", " : "", cols->column->index);
    }
    return ast_strndup(ctx, b.data, b.len);
}

static int count_names(const ast_name *n)
{
    int k = 0;

    for (; n; n = n->next)
        k++;
    return k;
}

static const char *emit_fkeys(ast_ctx *ctx, buf *out, const ast_table *t,
                              const names *n, int *count)
{
    int cap = t->ncolumns + count_items(t) + 1;
    const ast_name **cols = ast_alloc(ctx, sizeof *cols * (size_t)cap);
    const ast_ref **refs = ast_alloc(ctx, sizeof *refs * (size_t)cap);
    int k = foreign_keys(ctx, t, cols, refs, cap), i, j = 0;
    const char *base;
    sql_constraint_list l = {0};

    *count = k;
    if (k == 0)
        return "NULL";
    declare(fmt(ctx, "%s_fkeys", n->prefix), "the foreign keys");
    for (i = 0; i < k; i++) {
        base = fmt(ctx, "%s_fk%d", n->prefix, i);
        declare(fmt(ctx, "%s_cols", base), "a foreign key's columns");
        declare(fmt(ctx, "%s_target", base), "a foreign key's targets");
        tmpl_emit(out, C, "index_array", "name", fmt(ctx, "%s_cols", base),
                  "values", index_list(ctx, cols[i], false), NULL);
        tmpl_emit(out, C, "name_array", "name", fmt(ctx, "%s_target", base),
                  "values", index_list(ctx, refs[i]->cols, true), NULL);
    }
    if (names_only())
        return NULL;
    /* The names the DDL gives them, in the same order. */
    emit_sql_constraints(ctx, EMIT_SQL_NAMING_DIALECT, t, &l);
    tmpl_emit(out, C, "fkeys_begin", "prefix", n->prefix, NULL);
    for (i = 0; i < k; i++) {
        base = fmt(ctx, "%s_fk%d", n->prefix, i);
        while (j < l.n && !l.items[j].is_fk)
            j++;
        tmpl_emit(out, C, "fkey", "name", c_esc(ctx, l.items[j++].name),
                  "cols", fmt(ctx, "%s_cols", base), "ncols",
                  fmt(ctx, "%d", count_names(cols[i])), "target",
                  c_esc(ctx, refs[i]->table), "target_cols",
                  fmt(ctx, "%s_target", base), NULL);
    }
    tmpl_emit(out, C, "array_end", NULL);
    sql_constraint_list_free(&l);
    return fmt(ctx, "%s_fkeys", n->prefix);
}

static const char *emit_constraints(ast_ctx *ctx, buf *out,
                                    const ast_table *t, const names *n,
                                    int *count)
{
    sql_constraint_list l = {0};
    int i;

    const ast_item *it;
    const char *col;
    int nunique = 0;

    emit_sql_constraints(ctx, EMIT_SQL_NAMING_DIALECT, t, &l);
    /* A unique index fails like a unique constraint, under its name. */
    for (it = t->items; it; it = it->next)
        nunique += it->unique_index;
    *count = l.n + nunique;
    if (*count == 0)
        return "NULL";
    declare(fmt(ctx, "%s_constraints", n->prefix), "the constraints");
    tmpl_emit(out, C, "constraints_begin", "prefix", n->prefix, NULL);
    for (i = 0; i < l.n; i++)
        tmpl_emit(out, C, "constraint", "name", c_esc(ctx, l.items[i].name),
                  "column",
                  l.items[i].column
                      ? c_string(ctx, l.items[i].column,
                                 strlen(l.items[i].column))
                      : "NULL",
                  "what", short_phrase(ctx, l.items[i].what),
                  NULL);
    for (it = t->items; it; it = it->next) {
        if (!it->unique_index)
            continue;
        col = it->cols && !it->cols->next ? it->cols->name : NULL;
        tmpl_emit(out, C, "constraint", "name",
                  c_esc(ctx, emit_sql_index_name(ctx, t, it)), "column",
                  col ? c_string(ctx, col, strlen(col)) : "NULL", "what",
                  "\"unique\"", NULL);
    }
    tmpl_emit(out, C, "array_end", NULL);
    sql_constraint_list_free(&l);
    return fmt(ctx, "%s_constraints", n->prefix);
}

/* The flags of a table's descriptor: SC_TABLE_*, or 0. */
static const char *table_flags(ast_ctx *ctx, const ast_table *t)
{
    const ast_column *pk[1];
    bool loose = t->not_strict.first_line != 0;
    bool nopk = model_primary_key(t, pk, 1) == 0;

    if (!loose && !nopk)
        return "0";
    return fmt(ctx, "%s%s%s", loose ? "SC_TABLE_LOOSE" : "",
               loose && nopk ? " | " : "", nopk ? "SC_TABLE_NOPK" : "");
}

static void emit_table_source(ast_ctx *ctx, buf *out, const ast_table *t)
{
    const ast_column *c, *pk[64];
    const char *fk, *cons, *pkname = "NULL";
    int npk = table_key(t, pk, 64), nfk, ncons, i;
    signatures sig;
    names n;
    buf pkv;

    table_names(ctx, t, &n);
    declare_origin("table", t->name, NULL, &t->name_loc);
    declare(fmt(ctx, "%s_columns", n.prefix), "the column descriptors");
    tmpl_emit(out, C, "columns_begin", "table", c_note(ctx, t->name),
              "prefix", n.prefix, NULL);
    /* The column descriptors and the key's values declare no name. */
    for (c = t->columns; c && !names_only(); c = c->next)
        emit_column_desc(ctx, out, t, c, &n);
    tmpl_emit(out, C, "columns_end", NULL);
    buf_init(&pkv);
    for (i = 0; i < npk && !names_only(); i++)
        buf_printf(&pkv, "%s%d", i ? ", " : "", pk[i]->index);
    if (npk > 0) {
        pkname = fmt(ctx, "%s_pk", n.prefix);
        declare(pkname, "the key columns");
        tmpl_emit(out, C, "index_array", "name", pkname, "values", pkv.data,
                  NULL);
    }
    buf_free(&pkv);
    fk = emit_fkeys(ctx, out, t, &n, &nfk);
    cons = emit_constraints(ctx, out, t, &n, &ncons);
    tmpl_emit(out, C, "table_desc", "prefix", n.prefix, "table",
              c_esc(ctx, t->name), "type", n.row, "ncols",
              fmt(ctx, "%d", t->ncolumns), "pk", pkname, "npk",
              fmt(ctx, "%d", npk), "autoinc",
              fmt(ctx, "%d", t->autoinc ? t->autoinc->index : -1), "fkeys",
              fk, "nfkeys", fmt(ctx, "%d", nfk), "constraints", cons,
              "nconstraints", fmt(ctx, "%d", ncons), "flags",
              table_flags(ctx, t), NULL);
    if (names_only())
        return;
    if (npk == 0)
        return;
    table_signatures(ctx, t, &n, ")", &sig);
    tmpl_emit(out, C, "table_key_functions", "prefix", n.prefix, "type",
              n.row, "INIT", n.INIT, "key_assign", sig.assign, "get_params",
              sig.get, "delete_params", sig.remove, NULL);
}


/* A character constant for c: 'a', '\'', '\n', '\x..'. */
static void put_char_const(buf *b, char c)
{
    if (c == '\'' || c == '\\')
        buf_printf(b, "'\\%c'", c);
    else if (c == '\n')
        buf_puts(b, "'\\n'");
    else if (c == '\t')
        buf_puts(b, "'\\t'");
    else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        buf_printf(b, "'\\x%02x'", (unsigned char)c);
    else
        buf_printf(b, "'%c'", c);
}

/*
 * A statement too long for a string literal, as a char array named
 * NAME_N, twelve characters a line.  Returns the array's name.
 */
static const char *emit_ddl_chars(ast_ctx *ctx, buf *out, sql_dialect d,
                                  const char *stmt, int i)
{
    const char *name = fmt(ctx, "%s_ddl_%s_%d", ctx->schema->name,
                           emit_sql_dialect_name(d), i);
    size_t k;

    declare(name, "a statement of the DDL");
    if (names_only())
        return name;
    tmpl_emit(out, C, "ddl_chars_begin", "dialect",
              emit_sql_dialect_name(d), "name", name, NULL);
    for (k = 0; stmt[k]; k++) {
        buf_puts(out, k % 12 == 0 ? "    " : " ");
        put_char_const(out, stmt[k]);
        buf_puts(out, k % 12 == 11 ? ",\n" : ",");
    }
    if (k % 12 != 0)
        buf_putc(out, '\n');
    tmpl_emit(out, C, "ddl_chars_end", NULL);
    return name;
}

/* One DDL statement as a C string literal, a line of SQL a line of C
 * (folded at 80 columns, as cwrap folds a long literal);
 * one too long for a literal as an array of characters before it. */
static void emit_ddl(ast_ctx *ctx, buf *out, sql_dialect d)
{
    sql_stmts s = {0};
    const char *p, *e;
    const char **names;
    buf lit;
    int i;

    emit_sql_ddl(ctx, d, true, &s);
    names = ast_alloc(ctx, (size_t)(s.n + 1) * sizeof *names);
    for (i = 0; i < s.n; i++)
        if (strlen(s.items[i]) > C_MAX_LITERAL)
            names[i] = emit_ddl_chars(ctx, out, d, s.items[i], i);
    declare(fmt(ctx, "%s_ddl_%s", ctx->schema->name,
                emit_sql_dialect_name(d)), "the DDL");
    if (names_only()) {
        sql_stmts_free(&s);
        return;
    }
    tmpl_emit(out, C, "ddl_begin", "schema", ctx->schema->name, "dialect",
              emit_sql_dialect_name(d), NULL);
    buf_init(&lit);
    for (i = 0; i < s.n; i++) {
        buf_reset(&lit);
        if (names[i] != NULL) {
            buf_printf(&lit, "    %s", names[i]);
            tmpl_emit(out, C, "ddl_statement", "text", lit.data, NULL);
            continue;
        }
        /* A literal per line of SQL, the last with the comma. */
        for (p = s.items[i]; *p; p = e) {
            e = strchr(p, '\n');
            e = e ? e + 1 : p + strlen(p);
            cwrap_literal(out, 4, p, (size_t)(e - p), *e ? "" : ",");
            buf_putc(out, '\n');
        }
    }
    tmpl_emit(out, C, "ddl_end", NULL);
    buf_free(&lit);
    sql_stmts_free(&s);
}

/* The enums some column has, by name. */
static void used_enums(const ast_schema *s, symtab *used)
{
    const ast_table *t;
    const ast_column *c;

    symtab_init(used, false);
    for (t = s->tables; t; t = t->next)
        for (c = t->columns; c; c = c->next)
            if (model_enum(c))
                symtab_put(used, model_enum(c)->name, (void *)model_enum(c));
}

static void emit_source(ast_ctx *ctx, buf *out, const char *header)
{
    const ast_schema *s = ctx->schema;
    const ast_decl *d;
    ast_mark mark;
    buf tables, ddl;
    names n;
    symtab used;
    const sql_dialect *ds;
    int i, nd;

    tmpl_emit(out, C, "banner", "version", SC_VERSION, "file",
              base_name(ctx->filename), "header", header, NULL);
    /* Only the descriptors of enums some column has: an unused static
     * would fail -Werror. */
    used_enums(s, &used);
    for (d = s->decls; d; d = d->next)
        if (d->enm && symtab_get(&used, d->enm->name))
            emit_enum_desc(ctx, out, d->enm);
    symtab_free(&used);
    for (d = s->decls; d; d = d->next)
        if (d->table) {
            mark = ast_pool_mark(ctx);
            emit_table_source(ctx, out, d->table);
            table_names(ctx, d->table, &n);
            emit_query_source(ctx, out, d->table, &n);
            ast_pool_release(ctx, mark);
            if (names_only())
                buf_reset(out);
        }
    mark = ast_pool_mark(ctx);
    declare_origin("schema", s->name, NULL, &s->loc);
    /* A schema for one dialect has no DDL for the others: their pointers
     * are NULL, which sc_schema_create_all() refuses. */
    ds = emit_sql_dialects(&nd);
    buf_init(&ddl);
    for (i = 0; i < nd; i++) {
        if (!ast_schema_for(s, (int)ds[i]) || emit_sql_refused(ctx, ds[i]))
            continue; /* no DDL: create_all refuses the dialect */
        emit_ddl(ctx, out, ds[i]);
        if (names_only())
            buf_reset(out);
        buf_printf(&ddl, "        [%s] = %s_ddl_%s,\n",
                   sc__dialect_of(ds[i])->c_name, s->name,
                   emit_sql_dialect_name(ds[i]));
    }
    ast_pool_release(ctx, mark);
    buf_init(&tables);
    for (d = s->decls; d; d = d->next)
        if (d->table) {
            table_names(ctx, d->table, &n);
            buf_printf(&tables, "    &%s_table,\n", n.prefix);
        }
    tmpl_emit(out, C, "schema_desc", "schema", s->name, "tables",
              tables.data, "ntables", fmt(ctx, "%d", s->ntables), "ddl",
              ddl.data, NULL);
    buf_free(&tables);
    buf_free(&ddl);
}

/* ---------------------------------------------------------------------
 * Embedded migrations
 * ------------------------------------------------------------------- */

/* A C string literal for s, or NULL. */
static const char *c_text(ast_ctx *ctx, const char *s)
{
    return s ? c_string(ctx, s, strlen(s)) : "NULL";
}

/*
 * Script text as an array of pieces the runner joins: each piece a few
 * lines, at most about 2000 bytes, one C string a line of SQL, so that no
 * literal passes what C99 compilers must accept.
 */
static const char *emit_text(ast_ctx *ctx, buf *out, const char *name,
                             const char *text)
{
    const char *p = text, *e;
    size_t piece = 0;

    if (!text)
        return "NULL";
    (void)ctx;
    tmpl_emit(out, C, "migration_text_begin", "name", name, NULL);
    while (*p) {
        e = strchr(p, '\n');
        e = e ? e + 1 : p + strlen(p);
        if ((size_t)(e - p) > 2000)
            e = p + 2000;
        if (piece == 0)
            buf_puts(out, "    ");
        else if (piece + (size_t)(e - p) > 2000) {
            buf_puts(out, ",\n    ");
            piece = 0;
        } else
            buf_puts(out, "\n    ");
        buf_putc(out, '"');
        buf_put_c_escaped(out, p, (size_t)(e - p));
        buf_putc(out, '"');
        piece += (size_t)(e - p);
        p = e;
    }
    buf_puts(out, ",\n");
    tmpl_emit(out, C, "migration_text_end", NULL);
    return name;
}

static const char *emit_guards(ast_ctx *ctx, buf *out, const char *name,
                               const sc_migration_guard *g, unsigned n)
{
    unsigned i;

    if (n == 0)
        return "NULL";
    tmpl_emit(out, C, "migration_guards_begin", "name", name, NULL);
    for (i = 0; i < n; i++)
        tmpl_emit(out, C, "migration_guard", "table",
                  c_text(ctx, g[i].table), "column", c_text(ctx, g[i].column),
                  "reason", c_text(ctx, g[i].reason), "sql",
                  fmt(ctx, "     %s", c_text(ctx, g[i].sql)), NULL);
    tmpl_emit(out, C, "array_end", NULL);
    buf_putc(out, '\n');
    return name;
}

/* One statement of a part outside a transaction: a single literal, made
 * of one C string a line of SQL. */
static void emit_statement(buf *out, const char *sql)
{
    const char *p = sql, *e;

    while (*p) {
        e = strchr(p, '\n');
        e = e ? e + 1 : p + strlen(p);
        buf_puts(out, p == sql ? "    \"" : "\n    \"");
        buf_put_c_escaped(out, p, (size_t)(e - p));
        buf_putc(out, '"');
        p = e;
    }
    buf_puts(out, ",\n");
}

/*
 * The parts of a split script (docs/MIGRATIONS.md "Parts"): for each, the
 * list the runner takes (pieces of one script, or one statement each),
 * then the array of parts.  Returns the array's name, or NULL when the
 * script is not split.
 */
static const char *emit_parts(ast_ctx *ctx, buf *out, const char *name,
                              const sc_migration_part *parts, unsigned n)
{
    const char **lists;
    unsigned i, k;

    if (n == 0)
        return NULL;
    lists = ast_alloc(ctx, sizeof *lists * n);
    for (i = 0; i < n; i++) {
        const char *list = fmt(ctx, "%s_%u", name, i + 1);

        if (parts[i].transactional) {
            lists[i] = emit_text(ctx, out, list, parts[i].sql[0]);
            continue;
        }
        tmpl_emit(out, C, "migration_text_begin", "name", list, NULL);
        for (k = 0; parts[i].sql[k]; k++)
            emit_statement(out, parts[i].sql[k]);
        tmpl_emit(out, C, "migration_text_end", NULL);
        lists[i] = list;
    }
    tmpl_emit(out, C, "migration_parts_begin", "name", name, NULL);
    for (i = 0; i < n; i++)
        tmpl_emit(out, C, "migration_part", "transactional",
                  parts[i].transactional ? "true, " : "false,", "sql",
                  lists[i], NULL);
    tmpl_emit(out, C, "array_end", NULL);
    buf_putc(out, '\n');
    return name;
}

static const char *emit_script(ast_ctx *ctx, buf *out, const char *base,
                               const sc_migration_script *sc)
{
    const char *up, *down, *guards, *dguards, *ups, *downs, *split = "";

    ups = emit_parts(ctx, out, fmt(ctx, "%s_up_parts", base), sc->ups,
                     sc->nup);
    downs = emit_parts(ctx, out, fmt(ctx, "%s_down_parts", base), sc->downs,
                       sc->ndown);
    if (ups || downs)
        split = fmt(ctx, "            .ups = %s,\n"
                         "            .nup = %u,\n"
                         "            .downs = %s,\n"
                         "            .ndown = %u,\n",
                    ups ? ups : "NULL", sc->nup, downs ? downs : "NULL",
                    sc->ndown);
    up = emit_text(ctx, out, fmt(ctx, "%s_up", base), sc->up);
    down = emit_text(ctx, out, fmt(ctx, "%s_down", base), sc->down);
    guards = emit_guards(ctx, out, fmt(ctx, "%s_guards", base), sc->guards,
                         sc->nguards);
    dguards = emit_guards(ctx, out, fmt(ctx, "%s_down_guards", base),
                          sc->down_guards, sc->ndown_guards);
    return fmt(ctx, "\n            .up_parts = %s,\n"
                    "            .down_parts = %s,\n"
                    "            .guards = %s,\n"
                    "            .nguards = %u,\n"
                    "            .foreign_keys_off = %s,\n"
                    "            .down_guards = %s,\n"
                    "            .ndown_guards = %u,\n"
                    "            .down_foreign_keys_off = %s,\n%s        ",
               up, down, guards, sc->nguards,
               sc->foreign_keys_off ? "true" : "false", dguards,
               sc->ndown_guards, sc->down_foreign_keys_off ? "true" : "false",
               split);
}

static void emit_migrations(ast_ctx *ctx, buf *out, const sc_migration *m,
                            unsigned n)
{
    const char *schema = ctx->schema->name;
    buf *sums = ast_alloc(ctx, sizeof *sums * n);
    buf *scripts = ast_alloc(ctx, sizeof *scripts * n);
    const sc__dialect *dl;
    unsigned i;
    int d;

    for (i = 0; i < n; i++) {
        buf_init(&sums[i]);
        buf_init(&scripts[i]);
        for (d = 1; d <= SC_NDIALECTS; d++) {
            if (m[i].checksums[d] == NULL)
                continue; /* no file of this dialect */
            dl = sc__dialect_of((sc_dialect)d);
            buf_printf(&sums[i], "            [%s] = \"%s\",\n",
                       dl->c_name, m[i].checksums[d]);
            buf_printf(&scripts[i], "            [%s] = {%s},\n",
                       dl->c_name,
                       emit_script(ctx, out,
                                   fmt(ctx, "%s_m%04u_%s", schema,
                                       m[i].version, dl->name),
                                   &m[i].scripts[d]));
        }
    }
    tmpl_emit(out, C, "migrations_begin", "schema", schema, "COUNT_NAME",
              names_upper(ctx, schema, "MIGRATIONS"), NULL);
    for (i = 0; i < n; i++) {
        tmpl_emit(out, C, "migration", "version",
                  fmt(ctx, "%u", m[i].version), "name",
                  c_text(ctx, m[i].name), "checksum", m[i].checksum,
                  "checksums", sums[i].data, "scripts", scripts[i].data,
                  NULL);
        buf_free(&sums[i]);
        buf_free(&scripts[i]);
    }
    tmpl_emit(out, C, "migrations_end", "schema", schema, "COUNT_NAME",
              names_upper(ctx, schema, "MIGRATIONS"), NULL);
}

/* Of two places, the later in the file (the first on a tie). */
static const ast_loc *later(const ast_loc *a, const ast_loc *b)
{
    if (b->first_line != a->first_line)
        return b->first_line > a->first_line ? b : a;
    return b->first_column > a->first_column ? b : a;
}

/* Room for about as many names as the schema gives (some twenty per
 * column, forty per table), so that the table rarely grows. */
static void presize_slots(const ast_schema *s)
{
    const ast_table *t;
    size_t want = 64;

    for (t = s->tables; t; t = t->next)
        want += 40 + 20 * (size_t)t->ncolumns;
    declared.nslots = 1024;
    while (declared.nslots < 2 * want)
        declared.nslots *= 2;
    declared.slots = mem_calloc(declared.nslots, sizeof *declared.slots);
}

static void emitted_drop(void)
{
    buf_free(&emitted.header);
    buf_free(&emitted.source);
    emitted.ctx = NULL;
    emitted.schema = NULL;
}

/* An origin as KIND "NAME" or KIND "NAME" of table "TABLE". */
static void origin_text(const declared_origin *o, char text[256])
{
    if (o->table)
        snprintf(text, 256, "%s \"%.60s\" of table \"%.60s\"", o->kind,
                 o->name, o->table);
    else
        snprintf(text, 256, "%s \"%.60s\"", o->kind, o->name);
}

int emit_c_check_names(ast_ctx *ctx)
{
    char text[256], ftext[256];
    int before = ctx->nerrors;
    const declared_name *first, *d;
    const declared_origin *fo, *o;
    buf h, c;
    size_t i;

    emitted_drop();
    buf_init(&h);
    buf_init(&c);
    declared.on = true;
    presize_slots(ctx->schema);
    emit_c(ctx, &h, &c, NULL, 0);
    declared.on = false;
    for (i = 0; i < declared.n; i++) {
        d = name_at(i);
        first = name_at(d->first - 1);
        if (first == d)
            continue;
        o = &declared.origins[d->origin];
        fo = &declared.origins[first->origin];
        origin_text(o, text);
        origin_text(fo, ftext);
        ast_error(ctx, later(fo->loc, o->loc),
                  "the generated name %s, %s of %s, is also %s of %s",
                  d->name, d->what, text, first->what, ftext);
    }
    for (i = 0; i < declared.nchunks; i++)
        free(declared.chunks[i]);
    for (i = 0; i * NAME_BLOCK < declared.n; i++)
        free(declared.blocks[i]);
    free(declared.chunks);
    free(declared.blocks);
    free(declared.origins);
    free(declared.slots);
    memset(&declared, 0, sizeof declared);
    if (ctx->nerrors == before && emitted.keep) {
        emitted.header = h;
        emitted.source = c;
        emitted.ctx = ctx;
        emitted.schema = ctx->schema;
    } else {
        buf_free(&h);
        buf_free(&c);
    }
    return ctx->nerrors - before;
}

static void links_drop(void)
{
    schema_links.items = NULL;
    schema_links.n = 0;
    schema_links.by_table = NULL;
    names_cache = NULL;
    buf_free(&scratch);
}

/* Appends the files the pass that noted names wrote, if they are this
 * schema's, with the migrations added; false if there are none. */
static bool take_emitted(ast_ctx *ctx, buf *header, buf *source,
                         const sc_migration *migs, unsigned nmigs)
{
    const buf *h = &emitted.header;

    if (emitted.ctx != ctx || emitted.schema != ctx->schema)
        return false;
    if (nmigs == 0 && header->len == 0 && source->len == 0) {
        /* The files as they were written: handed over, not copied. */
        buf_free(header);
        buf_free(source);
        *header = emitted.header;
        *source = emitted.source;
        memset(&emitted.header, 0, sizeof emitted.header);
        memset(&emitted.source, 0, sizeof emitted.source);
        emitted_drop();
        return true;
    }
    buf_put(header, h->data, emitted.migrate_at);
    if (nmigs)
        emit_migrate_api(ctx, header, &migs[nmigs - 1], nmigs);
    buf_put(header, h->data + emitted.migrate_at,
            h->len - emitted.migrate_at);
    buf_put(source, emitted.source.data, emitted.source.len);
    emitted_drop();
    if (nmigs) {
        collect_links(ctx, &schema_links);
        emit_migrations(ctx, source, migs, nmigs);
        links_drop();
    }
    return true;
}

void emit_c(ast_ctx *ctx, buf *header, buf *source, const sc_migration *migs,
            unsigned nmigs)
{
    const char *hname = fmt(ctx, "%s_db.h", ctx->schema->name);
    size_t hfrom = header->len, cfrom = source->len;
    const ast_table *t;
    names n;

    if (!declared.on && take_emitted(ctx, header, source, migs, nmigs)) {
        cwrap_lines(header, hfrom);
        cwrap_lines(source, cfrom);
        return;
    }
    collect_links(ctx, &schema_links);
    /* Every table's names now, before the emitters start dropping what
     * they made for one table (ast_pool_release) before the next. */
    for (t = ctx->schema->tables; t; t = t->next)
        table_names(ctx, t, &n);
    col_cache_fill(ctx);
    emit_header(ctx, header, nmigs ? &migs[nmigs - 1] : NULL, nmigs);
    emit_source(ctx, source, hname);
    if (nmigs)
        emit_migrations(ctx, source, migs, nmigs);
    col_cache_drop();
    links_drop();
    if (!declared.on) { /* the kept pass is folded when taken */
        cwrap_lines(header, hfrom);
        cwrap_lines(source, cfrom);
    }
}
