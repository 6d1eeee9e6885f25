/*
 * emit_sql.c - CREATE statements for SQLite and PostgreSQL.
 *
 * The two dialects must make the same promises.  PostgreSQL enforces the
 * types by itself; on SQLite the tables are STRICT (so a column holds only
 * its storage class) and CHECK constraints add what STRICT cannot say: a
 * varchar's length in characters, 0/1 for bool, the labels of an enum, the
 * range of int16/int32 and of scaled numerics, valid JSON, 16-byte uuids.
 * Every constraint is named, so the runtime can turn a failure back into
 * the table and column it is about.
 */
#include "emit_sql.h"
#include "mem.h"

#include "checker.h"
#include "order.h"
#include "dialect.h"
#include "schemac.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void sql_stmts_free(sql_stmts *s)
{
    int i;

    for (i = 0; i < s->n; i++)
        free(s->items[i]);
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
}

static void push(sql_stmts *s, buf *b)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = mem_realloc(s->items, (size_t)s->cap * sizeof *s->items);
    }
    s->items[s->n++] = buf_steal(b);
    buf_init(b);
}

/* Every dialect of the table, in its order. */
static const sql_dialect *all_dialects(void)
{
    static sql_dialect all[SC_NDIALECTS];
    int i;

    for (i = 0; i < SC_NDIALECTS; i++)
        all[i] = (sql_dialect)(i + 1);
    return all;
}

/* The dialects DDL is written for: all of them. */
const sql_dialect *emit_sql_dialects(int *n)
{
    *n = SC_NDIALECTS;
    return all_dialects();
}

/* The dialects migrate diff writes a file of: all of them. */
const sql_dialect *emit_sql_migration_dialects(int *n)
{
    *n = SC_NDIALECTS;
    return all_dialects();
}

bool emit_sql_dialect(const char *name, sql_dialect *out)
{
    const sc__dialect *dl = sc__dialect_named(name);

    if (dl == NULL)
        return false;
    *out = dl->id;
    return true;
}

const char *emit_sql_dialect_name(sql_dialect d)
{
    return sc__dialect_of(d)->name;
}

/* ---------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

void emit_sql_quote(buf *b, sql_dialect d, const char *name)
{
    const sc__dialect *dl = sc__dialect_of(d);
    size_t n = strlen(name);
    const char *q;
    char *p;

    if (!memchr(name, dl->quote_close, n)) {
        /* The common case, no quote to double: written at once. */
        if (b->len + n + 3 > b->cap)
            buf_reserve(b, n + 2);
        p = b->data + b->len;
        p[0] = dl->quote_open;
        memcpy(p + 1, name, n);
        p[n + 1] = dl->quote_close;
        b->len += n + 2;
        b->data[b->len] = '\0';
        return;
    }
    buf_putc(b, dl->quote_open);
    /* Copy up to and including each closing quote, which is then
     * doubled. */
    while ((q = strchr(name, dl->quote_close)) != NULL) {
        buf_put(b, name, (size_t)(q - name + 1));
        buf_putc(b, dl->quote_close);
        name = q + 1;
    }
    buf_puts(b, name);
    buf_putc(b, dl->quote_close);
}

/* 'text' in dialect d: a quote doubled, and a backslash where it
 * escapes. */
static void quote_string(buf *b, sql_dialect d, const char *s, size_t n)
{
    bool bs = sc__dialect_of(d)->backslash_escapes;
    size_t i;

    buf_putc(b, '\'');
    for (i = 0; i < n; i++) {
        if (s[i] == '\'' || (bs && s[i] == '\\'))
            buf_putc(b, s[i]);
        buf_putc(b, s[i]);
    }
    buf_putc(b, '\'');
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Names are built in one buffer reused: the differ asks for the names of
 * every constraint of every table, several times. */
static buf name_buf;

const char *emit_sql_constraint_name(ast_ctx *ctx, const char *kind,
                                     const char *table, const char *rest)
{
    buf *b = &name_buf;

    buf_reset(b);
    buf_puts(b, kind);
    buf_putc(b, '_');
    buf_puts(b, table);
    if (rest) {
        buf_putc(b, '_');
        buf_puts(b, rest);
    }
    if (b->len > 63) {
        char tail[16];

        snprintf(tail, sizeof tail, "_%08x", (unsigned)fnv1a(b->data));
        b->len = 63 - strlen(tail);
        b->data[b->len] = '\0';
        buf_puts(b, tail);
    }
    return ast_strndup(ctx, b->data, b->len);
}

/* The names of a column list joined by "_", for constraint names. */
const char *emit_sql_joined(ast_ctx *ctx, const ast_name *cols)
{
    buf *b = &name_buf;

    buf_reset(b);
    for (; cols; cols = cols->next) {
        if (b->len)
            buf_putc(b, '_');
        buf_puts(b, cols->name);
    }
    return b->len ? ast_strndup(ctx, b->data, b->len) : "";
}

static void name_list(buf *b, sql_dialect d, const ast_name *cols)
{
    buf_putc(b, '(');
    for (; cols; cols = cols->next) {
        emit_sql_quote(b, d, cols->name);
        if (cols->next)
            buf_puts(b, ", ");
    }
    buf_putc(b, ')');
}

/* ---------------------------------------------------------------------
 * Types and literals
 * ------------------------------------------------------------------- */

/* The type of a stored-as format in dialect d, NULL for schemac's own. */
static const char *format_type(ast_format f, sql_dialect d)
{
    const sc__dialect_types *ty = &sc__dialect_of(d)->type;

    switch (f) {
    case AST_FMT_TEXT:
    case AST_FMT_HEX:
        return ty->fmt_text;
    case AST_FMT_REAL:
        return ty->fmt_real;
    case AST_FMT_INTEGER:
        return ty->fmt_integer;
    default:
        return NULL;
    }
}

/* The entry of the dialect's types for t (dialect.h). */
static const char *table_type(const sc__dialect_types *ty, const ast_type *t)
{
    switch (t->kind) {
    case AST_T_BOOL: return ty->bool_;
    case AST_T_INT16: return ty->int16;
    case AST_T_INT32: return ty->int32;
    case AST_T_INT64: return ty->int64;
    case AST_T_FLOAT32: return ty->float32;
    case AST_T_FLOAT64: return ty->float64;
    case AST_T_NUMERIC: return model_is_scaled(t) ? ty->numeric : ty->decimal;
    case AST_T_VARCHAR: return ty->varchar;
    case AST_T_TEXT: return ty->text;
    case AST_T_BYTES: return ty->bytes;
    case AST_T_DATE: return ty->date;
    case AST_T_TIMESTAMP: return t->local ? ty->timestamp_local
                                          : ty->timestamp;
    case AST_T_UUID: return ty->uuid;
    case AST_T_JSON: return ty->json;
    case AST_T_NAMED: return ty->enum_;
    }
    return ty->int64;
}

/* The characters of a text column an index of n elements over it keys
 * on in dialect d, 0 for all of them: the dialect's bound on a key
 * shared by the elements. */
static unsigned key_share(sql_dialect d, int n)
{
    return n > 0 ? sc__dialect_of(d)->key_chars / (unsigned)n : 0;
}

/* Whether column c holds text longer than share characters in d: its
 * type is the dialect's text, or a longer varchar. */
static bool longer_than(sql_dialect d, const ast_column *c, unsigned share)
{
    const sc__dialect_types *ty = &sc__dialect_of(d)->type;
    bool text;
    buf b;

    if (!c || share == 0)
        return false;
    if (c->type.kind == AST_T_VARCHAR && !c->sql_type[d] &&
        c->format == AST_FMT_NATIVE)
        return (unsigned)c->type.a > share;
    buf_init(&b);
    emit_sql_column_type(&b, d, c);
    text = strcmp(b.data, ty->text) == 0 || strcmp(b.data, ty->fmt_text) == 0;
    buf_free(&b);
    return text;
}

/* Whether c's type, given by hand for d, is one an index keys on a
 * prefix of (MariaDB's "mediumtext", "blob"): its first word, in any case,
 * is one of the dialect's prefix_keyed. */
static bool hand_prefix_keyed(sql_dialect d, const ast_column *c)
{
    const char *const *k = sc__dialect_of(d)->prefix_keyed;
    const char *ty = c ? c->sql_type[d] : NULL;
    size_t i, n;

    if (!ty || !k)
        return false;
    for (n = 0; isalpha((unsigned char)ty[n]); n++)
        ;
    for (; *k; k++) {
        if (strlen(*k) != n)
            continue;
        for (i = 0; i < n && toupper((unsigned char)ty[i]) == (*k)[i]; i++)
            ;
        if (i == n)
            return true;
    }
    return false;
}

/* Whether an index element over c keys on a prefix of share characters:
 * c is longer text than that, or of a type given by hand that an index
 * keys on a prefix of. */
static bool keyed_by_prefix(sql_dialect d, const ast_column *c,
                            unsigned share)
{
    return share > 0 && (longer_than(d, c, share) || hand_prefix_keyed(d, c));
}

/* The type ty of the dialect ("varchar(%u)", "numeric(%u,%u)") with its
 * sizes a and b in place of its %u, as printf would write them. */
static void put_sized(buf *out, const char *ty, int64_t a, int64_t b)
{
    const char *p;
    int k = 0;

    while ((p = strstr(ty, "%u")) != NULL) {
        buf_put(out, ty, (size_t)(p - ty));
        buf_put_int(out, (long long)(unsigned)(k++ == 0 ? a : b));
        ty = p + 2;
    }
    buf_puts(out, ty);
}

/* Whether c, a column of t, is a key that MariaDB's text cannot be: in
 * the primary key or with a foreign key.  *n receives the key's
 * columns. */
static bool text_key(const ast_table *t, const ast_column *c, int *n)
{
    const ast_column *pk[16];
    int i, npk = model_primary_key(t, pk, 16);

    for (i = 0; i < npk && i < 16; i++)
        if (pk[i] == c) {
            *n = npk;
            return true;
        }
    *n = 1;
    return c->ref != NULL;
}

void emit_sql_column_type(buf *b, sql_dialect d, const ast_column *c)
{
    const ast_type *t = &c->type;
    const ast_enum_value *ev;
    const char *ty;

    if (c->sql_type[d]) {
        buf_puts(b, c->sql_type[d]);
        return;
    }
    if (format_type(c->format, d)) {
        buf_puts(b, format_type(c->format, d));
        return;
    }
    ty = table_type(&sc__dialect_of(d)->type, t);
    if (t->kind == AST_T_NAMED && ty == NULL) { /* the enum's own type */
        emit_sql_quote(b, d, t->name);
    } else if (t->kind == AST_T_NAMED && strcmp(ty, "ENUM") == 0) {
        buf_puts(b, "ENUM(");
        for (ev = t->enm->values; ev; ev = ev->next) {
            quote_string(b, d, ev->name, strlen(ev->name));
            buf_puts(b, ev->next ? ", " : ")");
        }
    } else if (t->kind == AST_T_NUMERIC || t->kind == AST_T_VARCHAR) {
        put_sized(b, ty, t->a, t->b);
    } else {
        buf_puts(b, ty);
    }
}

const char *emit_sql_collation(sql_dialect d, const ast_column *c)
{
    const sc__dialect *D = sc__dialect_of(d);
    const char *own = D->text_collation;

    if (c->type.kind != AST_T_TEXT && c->type.kind != AST_T_VARCHAR)
        return NULL;
    /* a dialect that names none of its own (MariaDB: the table's) still
     * writes the one a modifier names */
    if (c->collation && D->collate_named)
        return strcmp(c->collation, "default") == 0 ? NULL : c->collation;
    if (own == NULL)
        return NULL;
    /* a column of a type the database declares compares as that type */
    return c->sql_type[d] ? NULL : own;
}

/* Whether column c takes its collation from the table's options in
 * dialect d: text or varchar of no collate modifier and no type of the
 * database's own. */
static bool alter_collated(sql_dialect d, const ast_column *c)
{
    return sc__dialect_of(d)->alter_collation != NULL &&
           (c->type.kind == AST_T_TEXT || c->type.kind == AST_T_VARCHAR) &&
           c->collation == NULL && c->sql_type[d] == NULL;
}

void emit_sql_collate(buf *b, sql_dialect d, const ast_column *c)
{
    const char *name = emit_sql_collation(d, c);

    if (name == NULL)
        return;
    buf_puts(b, " COLLATE ");
    emit_sql_quote(b, d, name);
}

static void hex_blob(buf *b, const char *s, size_t n, sql_dialect d)
{
    size_t i;

    buf_puts(b, sc__dialect_of(d)->bytes_open);
    for (i = 0; i < n; i++)
        buf_printf(b, "%02x", (unsigned char)s[i]);
    buf_putc(b, '\'');
}

/* 10^p - 1, the largest scaled value of numeric(p, s) with p <= 18. */
static int64_t max_scaled(int64_t p)
{
    int64_t v = 1;

    while (p-- > 0)
        v *= 10;
    return v - 1;
}

static void format_uuid(buf *b, const unsigned char *u)
{
    int i;

    buf_putc(b, '\'');
    for (i = 0; i < 16; i++) {
        buf_printf(b, "%02x", u[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9)
            buf_putc(b, '-');
    }
    buf_putc(b, '\'');
}

/* Days or microseconds since 1970 as an ISO literal, for PostgreSQL. */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468, era, doe, yoe, doy, mp;

    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* v, scaled by 10^scale, as a decimal: 1250 at scale 2 is 12.50. */
static void scaled_decimal(buf *b, int64_t v, int64_t scale)
{
    int64_t p = 1, s, frac, q;

    for (s = 0; s < scale; s++)
        p *= 10;
    if (scale == 0) {
        buf_put_int(b, v);
        return;
    }
    if (v < 0)
        buf_putc(b, '-');
    buf_put_int(b, (long long)llabs(v / p));
    buf_putc(b, '.');
    /* the fraction in scale digits, leading zeros and all */
    frac = (int64_t)llabs(v % p);
    for (q = p / 10; q > 1 && frac < q; q /= 10)
        buf_putc(b, '0');
    buf_put_int(b, (long long)frac);
}

/* Writes the opening quote and 'YYYY-MM-DD of v, a date (days) or, for a
 * timestamp column, microseconds; returns the microseconds of the day. */
static int64_t date_literal(buf *b, const ast_column *c, int64_t v)
{
    int64_t y, days = v, us = 0;
    int m, d;

    if (c->type.kind == AST_T_TIMESTAMP) {
        days = v / 86400000000LL;
        us = v % 86400000000LL;
        if (us < 0)
            us += 86400000000LL, days--;
    }
    civil(days, &y, &m, &d);
    buf_printf(b, "'%04lld-%02d-%02d", (long long)y, m, d);
    return us;
}

/* 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.ffffff]' of a date or timestamp
 * kept as text: the fraction's digits as the runtime writes them, six
 * when it is not zero, or always N for text(N). */
static void text_time_literal(buf *b, const ast_column *c, int64_t v)
{
    int64_t us = date_literal(b, c, v), frac;
    int i;

    if (c->type.kind == AST_T_TIMESTAMP) {
        buf_printf(b, " %02d:%02d:%02d", (int)(us / 3600000000LL),
                   (int)(us / 60000000 % 60), (int)(us / 1000000 % 60));
        if (c->fixed_frac && c->frac > 0) {
            frac = us % 1000000;
            for (i = 6; i > c->frac; i--)
                frac /= 10;
            buf_printf(b, ".%0*d", (int)c->frac, (int)frac);
        } else if (!c->fixed_frac && us % 1000000) {
            buf_printf(b, ".%06d", (int)(us % 1000000));
        }
    }
    buf_putc(b, '\'');
}

/* A value in the stored form of a column with a stored-as format;
 * false when the column keeps schemac's own form. */
static bool format_literal(buf *b, sql_dialect d, const ast_column *c,
                           const model_default *v)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)v->s;
    int i;

    switch (c->format) {
    case AST_FMT_TEXT:
        if (c->type.kind == AST_T_DATE || c->type.kind == AST_T_TIMESTAMP)
            text_time_literal(b, c, v->i);
        else if (c->type.kind == AST_T_UUID)
            format_uuid(b, u);
        else if (model_is_scaled(&c->type)) {
            buf_putc(b, '\'');
            scaled_decimal(b, v->i, c->type.b);
            buf_putc(b, '\'');
        } else
            quote_string(b, d, v->s, v->len);
        return true;
    case AST_FMT_REAL:
        if (model_is_scaled(&c->type))
            scaled_decimal(b, v->i, c->type.b);
        else
            buf_puts(b, v->s);
        return true;
    case AST_FMT_INTEGER:
        buf_put_int(b, v->i >= 0 ? v->i / 1000000
                                 : -((-v->i + 999999) / 1000000));
        return true;
    case AST_FMT_HEX:
        buf_putc(b, '\'');
        for (i = 0; i < 16; i++) {
            buf_putc(b, hex[u[i] >> 4]);
            buf_putc(b, hex[u[i] & 15]);
        }
        buf_putc(b, '\'');
        return true;
    default:
        return false;
    }
}

static void iso_time_literal(buf *b, sql_dialect d, const ast_column *c,
                             int64_t v)
{
    int64_t us = date_literal(b, c, v);

    if (c->type.kind == AST_T_TIMESTAMP)
        buf_printf(b, " %02d:%02d:%02d.%06d%s", (int)(us / 3600000000LL),
                   (int)(us / 60000000 % 60), (int)(us / 1000000 % 60),
                   (int)(us % 1000000),
                   c->type.local ? "" : sc__dialect_of(d)->utc_offset);
    buf_putc(b, '\'');
}

/* The SQL form of a value already converted for column c. */
static void value_literal(buf *b, sql_dialect d, const ast_column *c,
                          const model_default *v)
{
    const ast_enum_value *ev;
    int64_t i;

    if (v->kind == SC_DEFAULT_NULL) {
        buf_puts(b, "NULL");
        return;
    }
    if (format_literal(b, d, c, v))
        return;
    switch (c->type.kind) {
    case AST_T_BOOL:
        buf_puts(b, v->i ? sc__dialect_of(d)->bool_true
                         : sc__dialect_of(d)->bool_false);
        return;
    case AST_T_FLOAT32:
    case AST_T_FLOAT64:
        buf_printf(b, "%.17g", v->f);
        return;
    case AST_T_NUMERIC:
        if (model_is_scaled(&c->type) && sc__dialect_of(d)->numeric_as_integer)
            buf_put_int(b, v->i);
        else if (model_is_scaled(&c->type))
            scaled_decimal(b, v->i, c->type.b); /* back to a decimal */
        else if (sc__dialect_of(d)->decimal_quoted)
            quote_string(b, d, v->s, v->len);
        else
            buf_puts(b, v->s);
        return;
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON:
        quote_string(b, d, v->s, v->len);
        return;
    case AST_T_BYTES:
        hex_blob(b, v->s, v->len, d);
        return;
    case AST_T_UUID:
        if (sc__dialect_of(d)->uuid_as_bytes)
            hex_blob(b, v->s, 16, d);
        else
            format_uuid(b, (const unsigned char *)v->s);
        return;
    case AST_T_DATE:
    case AST_T_TIMESTAMP:
        if (sc__dialect_of(d)->time_literal == SC__TIME_INTEGER)
            buf_put_int(b, v->i);
        else
            iso_time_literal(b, d, c, v->i);
        return;
    case AST_T_NAMED:
        for (ev = c->type.enm->values, i = 0; ev && i < v->i; i++)
            ev = ev->next;
        quote_string(b, d, ev->name, strlen(ev->name));
        return;
    default:
        buf_put_int(b, v->i);
        return;
    }
}

/* default now for a date or timestamp kept in a stored-as format: the
 * UTC reading in that form; false for schemac's own. */
static bool now_in_format(buf *b, sql_dialect d, const ast_column *c)
{
    const sc__dialect_now *now = &sc__dialect_of(d)->now;

    if (c->format == AST_FMT_TEXT && c->type.kind == AST_T_DATE)
        buf_puts(b, ast_lit_current_date(c->dflt) ? now->text_session_date
                                                  : now->text_date);
    else if (c->format == AST_FMT_TEXT)
        buf_puts(b, now->text_timestamp);
    else if (c->format == AST_FMT_INTEGER)
        buf_puts(b, now->epoch);
    else
        return false;
    return true;
}

void emit_sql_default(ast_ctx *ctx, buf *b, sql_dialect d,
                      const ast_column *c)
{
    model_default v;
    const char *why;

    if (!c->dflt || !model_column_default(ctx, c, &v, &why))
        return;
    buf_puts(b, " DEFAULT ");
    if (v.kind != SC_DEFAULT_NOW) {
        if (v.kind != SC_DEFAULT_VALUE && v.kind != SC_DEFAULT_NULL)
            return;
        if (sc__dialect_of(d)->negative_default_parens &&
            v.kind == SC_DEFAULT_VALUE &&
            (c->type.kind == AST_T_INT16 || c->type.kind == AST_T_INT32 ||
             c->type.kind == AST_T_INT64 || c->type.kind == AST_T_FLOAT32 ||
             c->type.kind == AST_T_FLOAT64) && (v.i < 0 || v.f < 0)) {
            buf_putc(b, '(');
            value_literal(b, d, c, &v);
            buf_putc(b, ')');
            return;
        }
        value_literal(b, d, c, &v);
        return;
    }
    if (now_in_format(b, d, c))
        return;
    if (c->type.kind == AST_T_DATE && ast_lit_current_date(c->dflt))
        buf_puts(b, sc__dialect_of(d)->now.session_date);
    else if (c->type.kind == AST_T_DATE)
        buf_puts(b, sc__dialect_of(d)->now.date);
    else if (c->type.local)
        buf_puts(b, sc__dialect_of(d)->now.timestamp_local);
    else
        buf_puts(b, sc__dialect_of(d)->now.timestamp);
}

/* ---------------------------------------------------------------------
 * check (...) expressions
 * ------------------------------------------------------------------- */

static const char *op_text(ast_op op)
{
    switch (op) {
    case AST_OP_OR: return "OR";
    case AST_OP_AND: return "AND";
    case AST_OP_EQ: return "=";
    case AST_OP_NE: return "<>";
    case AST_OP_LT: return "<";
    case AST_OP_LE: return "<=";
    case AST_OP_GT: return ">";
    case AST_OP_GE: return ">=";
    case AST_OP_LIKE: return "LIKE";
    case AST_OP_ADD: return "+";
    case AST_OP_SUB: return "-";
    case AST_OP_MUL: return "*";
    case AST_OP_DIV: return "/";
    case AST_OP_MOD: return "%";
    case AST_OP_CONCAT: return "||";
    default: return "?";
    }
}

static void expr(ast_ctx *ctx, buf *b, sql_dialect d, const ast_expr *e,
                 const ast_column *ctxcol);

/*
 * A literal compared with a column is written in the column's stored form:
 * 12.5 against a numeric(10,2) stored scaled on SQLite becomes 1250, and
 * '2020-01-01' against a date becomes its day number.
 */
/* A numeric kept as decimal text, which expressions compare as a
 * number: text would order '10' before '9'. */
static bool numeric_text(const ast_column *c)
{
    return c && c->type.kind == AST_T_NUMERIC && c->format == AST_FMT_TEXT;
}

static void literal(ast_ctx *ctx, buf *b, sql_dialect d,
                    const ast_literal *l, const ast_column *col)
{
    model_default v;
    const char *why;

    if (col && l->kind != AST_LIT_NULL) {
        ast_column tmp = *col;

        tmp.dflt = (ast_literal *)l;
        tmp.nullable = true;
        if (model_column_default(ctx, &tmp, &v, &why) &&
            v.kind == SC_DEFAULT_VALUE) {
            /* Against CAST(col AS numeric): the number itself. */
            if (numeric_text(col))
                tmp.format = AST_FMT_REAL;
            value_literal(b, d, &tmp, &v);
            return;
        }
    }
    switch (l->kind) {
    case AST_LIT_INT:
    case AST_LIT_DECIMAL:
        buf_puts(b, l->text);
        return;
    case AST_LIT_STRING:
        quote_string(b, d, l->text, l->len);
        return;
    case AST_LIT_TRUE:
        buf_puts(b, sc__dialect_of(d)->bool_true);
        return;
    case AST_LIT_FALSE:
        buf_puts(b, sc__dialect_of(d)->bool_false);
        return;
    case AST_LIT_NULL:
        buf_puts(b, "NULL");
        return;
    default:
        buf_puts(b, l->text ? l->text : "NULL");
        return;
    }
}

static const ast_column *column_of(const ast_expr *e)
{
    while (e && e->kind == AST_E_PAREN)
        e = e->lhs;
    return e && e->kind == AST_E_COLUMN ? e->column : NULL;
}

static void expr_list(ast_ctx *ctx, buf *b, sql_dialect d,
                      const ast_exprlist *a, const ast_column *col,
                      const char *sep)
{
    for (; a; a = a->next) {
        expr(ctx, b, d, a->expr, col);
        if (a->next)
            buf_puts(b, sep);
    }
}

/*
 * -operand.  The operand keeps the column the minus is compared with, so
 * that -0.5 against a scaled numeric becomes -50; and a space separates
 * two minus signs, since "--" would start an SQL comment.
 */
static void negate(ast_ctx *ctx, buf *b, sql_dialect d, const ast_expr *e,
                   const ast_column *col)
{
    buf operand;

    buf_init(&operand);
    expr(ctx, &operand, d, e, col);
    buf_puts(b, operand.len > 0 && operand.data[0] == '-' ? "- " : "-");
    buf_put(b, operand.data, operand.len);
    buf_free(&operand);
}

static void expr(ast_ctx *ctx, buf *b, sql_dialect d, const ast_expr *e,
                 const ast_column *col)
{
    const ast_column *lc;

    switch (e->kind) {
    case AST_E_LITERAL:
        literal(ctx, b, d, e->lit, col);
        return;
    case AST_E_COLUMN:
        if (numeric_text(e->column)) {
            buf_puts(b, "CAST(");
            emit_sql_quote(b, d, e->name);
            buf_printf(b, " AS %s)", sc__dialect_of(d)->decimal_cast
                                         ? sc__dialect_of(d)->decimal_cast
                                         : "numeric");
            return;
        }
        emit_sql_quote(b, d, e->name);
        return;
    case AST_E_PAREN:
        buf_putc(b, '(');
        expr(ctx, b, d, e->lhs, col);
        buf_putc(b, ')');
        return;
    case AST_E_UNARY:
        if (e->op == AST_OP_NOT) {
            buf_puts(b, "NOT ");
            expr(ctx, b, d, e->lhs, NULL);
            return;
        }
        negate(ctx, b, d, e->lhs, col);
        return;
    case AST_E_BINARY:
        lc = column_of(e->lhs) ? column_of(e->lhs) : column_of(e->rhs);
        if (e->op == AST_OP_AND || e->op == AST_OP_OR)
            lc = NULL;
        expr(ctx, b, d, e->lhs, lc);
        buf_printf(b, " %s ", op_text(e->op));
        expr(ctx, b, d, e->rhs, lc);
        return;
    case AST_E_CALL:
        buf_printf(b, "%s(", e->name);
        expr_list(ctx, b, d, e->args, NULL, ", ");
        buf_putc(b, ')');
        return;
    case AST_E_IN:
        lc = column_of(e->lhs);
        expr(ctx, b, d, e->lhs, NULL);
        buf_puts(b, e->negated ? " NOT IN (" : " IN (");
        expr_list(ctx, b, d, e->args, lc, ", ");
        buf_putc(b, ')');
        return;
    case AST_E_ISNULL:
        expr(ctx, b, d, e->lhs, NULL);
        buf_puts(b, e->negated ? " IS NOT NULL" : " IS NULL");
        return;
    case AST_E_BETWEEN:
        lc = column_of(e->lhs);
        expr(ctx, b, d, e->lhs, NULL);
        buf_puts(b, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        expr_list(ctx, b, d, e->args, lc, " AND ");
        return;
    }
}

/* ---------------------------------------------------------------------
 * Tables
 * ------------------------------------------------------------------- */

/* The CHECK that makes SQLite keep the promise of c's type, or none. */
static bool type_check(buf *b, sql_dialect d, const ast_column *c)
{
    const ast_enum_value *v;

    switch (c->type.kind) {
    case AST_T_BOOL:
        emit_sql_quote(b, d, c->name);
        buf_puts(b, " IN (0, 1)");
        return true;
    case AST_T_INT16:
        emit_sql_quote(b, d, c->name);
        buf_puts(b, " BETWEEN -32768 AND 32767");
        return true;
    case AST_T_INT32:
        emit_sql_quote(b, d, c->name);
        buf_puts(b, " BETWEEN -2147483648 AND 2147483647");
        return true;
    case AST_T_NUMERIC:
        if (!model_is_scaled(&c->type))
            return false;
        emit_sql_quote(b, d, c->name);
        buf_puts(b, " BETWEEN -");
        buf_put_int(b, max_scaled(c->type.a));
        buf_puts(b, " AND ");
        buf_put_int(b, max_scaled(c->type.a));
        return true;
    case AST_T_VARCHAR:
        buf_puts(b, "length(");
        emit_sql_quote(b, d, c->name);
        buf_puts(b, ") <= ");
        buf_put_int(b, c->type.a);
        return true;
    case AST_T_JSON:
        /* json_valid(NULL) is 0, not NULL, in SQLite before 3.45. */
        if (c->nullable) {
            emit_sql_quote(b, d, c->name);
            buf_puts(b, " IS NULL OR ");
        }
        buf_puts(b, "json_valid(");
        emit_sql_quote(b, d, c->name);
        buf_putc(b, ')');
        return true;
    case AST_T_UUID:
        buf_puts(b, "length(");
        emit_sql_quote(b, d, c->name);
        buf_puts(b, ") = 16");
        return true;
    case AST_T_NAMED:
        emit_sql_quote(b, d, c->name);
        buf_puts(b, " IN (");
        for (v = c->type.enm->values; v; v = v->next) {
            quote_string(b, d, v->name, strlen(v->name));
            if (v->next)
                buf_puts(b, ", ");
        }
        buf_putc(b, ')');
        return true;
    default:
        return false;
    }
}

static void action(buf *b, const char *when, ast_action a)
{
    static const char *const text[] = {
        NULL, "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT",
    };

    if (a != AST_ACT_NONE) {
        buf_puts(b, " ON ");
        buf_puts(b, when);
        buf_putc(b, ' ');
        buf_puts(b, text[a]);
    }
}

static void add(ast_ctx *ctx, sql_constraint_list *l, const char *name,
                const char *column, buf *what, buf *body)
{
    sql_constraint *c;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = mem_realloc(l->items, (size_t)l->cap * sizeof *l->items);
    }
    c = &l->items[l->n++];
    c->name = name;
    c->column = column;
    c->what = ast_strndup(ctx, what->data, what->len);
    c->sql = ast_strndup(ctx, body->data, body->len);
    c->after_tables = false;
    c->is_fk = false;
    buf_reset(what);
    buf_reset(body);
}

static void foreign_key(ast_ctx *ctx, sql_dialect d, sql_constraint_list *l,
                        buf *what, buf *b, const ast_table *t, const char *name,
                        const ast_name *cols, const ast_ref *r)
{
    buf_puts(b, "FOREIGN KEY ");
    name_list(b, d, cols);
    buf_puts(b, " REFERENCES ");
    emit_sql_quote(b, d, r->table);
    buf_putc(b, ' ');
    name_list(b, d, r->cols);
    action(b, "DELETE", r->on_delete);
    action(b, "UPDATE", r->on_update);
    if (r->initially_deferred.first_line)
        buf_puts(b, " DEFERRABLE INITIALLY DEFERRED");
    else if (r->deferrable.first_line)
        buf_puts(b, " DEFERRABLE");
    buf_puts(what, "references ");
    buf_puts(what, r->table);
    add(ctx, l, name ? name : emit_sql_constraint_name(ctx, "fk", t->name,
                                                       emit_sql_joined(ctx,
                                                                       cols)),
        cols->next ? NULL : cols->name, what, b);
    l->items[l->n - 1].after_tables = r->after_tables;
    l->items[l->n - 1].is_fk = true;
}

static void type_phrase(buf *w, const ast_column *c)
{
    const ast_enum_value *v;

    switch (c->type.kind) {
    case AST_T_BOOL: buf_puts(w, "0 or 1"); return;
    case AST_T_INT16: buf_puts(w, "a 16-bit integer"); return;
    case AST_T_INT32: buf_puts(w, "a 32-bit integer"); return;
    case AST_T_NUMERIC:
        buf_puts(w, "at most ");
        buf_put_int(w, c->type.a);
        buf_puts(w, " digits");
        return;
    case AST_T_VARCHAR:
        buf_puts(w, "at most ");
        buf_put_int(w, c->type.a);
        buf_puts(w, " characters");
        return;
    case AST_T_JSON: buf_puts(w, "valid JSON"); return;
    case AST_T_UUID: buf_puts(w, "16 bytes"); return;
    case AST_T_NAMED:
        buf_puts(w, "one of ");
        for (v = c->type.enm->values; v; v = v->next)
            buf_printf(w, "'%s'%s", v->name, v->next ? ", " : "");
        return;
    default: return;
    }
}

/* The phrase "check (expr)" into w and the DDL "CHECK (expr)" into b. */
static void check_texts(ast_ctx *ctx, buf *w, buf *b, sql_dialect d,
                        const ast_expr *e)
{
    buf_puts(w, "check (");
    expr(ctx, w, d, e, NULL);
    buf_putc(w, ')');
    buf_puts(b, "CHECK (");
    expr(ctx, b, d, e, NULL);
    buf_putc(b, ')');
}

/* Whether d gets schemac's CHECK enforcing the type of c: where it has
 * one (type_check), not in a not strict table, nor for a column kept in
 * another form (stored as), whose values another program writes, or of
 * a type the schema declares. */
static bool enforces_type(sql_dialect d, const ast_table *t,
                          const ast_column *c)
{
    return sc__dialect_of(d)->type_check && t->not_strict.first_line == 0 &&
           c->format == AST_FMT_NATIVE && !c->sql_type[d];
}

static void checks(ast_ctx *ctx, sql_constraint_list *l, buf *w, buf *b,
                   sql_dialect d, const ast_table *t)
{
    const ast_column *c;
    const ast_item *it;
    char num[80];
    int n = 0;

    for (c = t->columns; c; c = c->next) {
        buf_puts(b, "CHECK (");
        if (enforces_type(d, t, c) && type_check(b, d, c)) {
            buf_putc(b, ')');
            type_phrase(w, c);
            add(ctx, l, emit_sql_constraint_name(ctx, "ck", t->name,
                                                 c->name), c->name, w, b);
        }
        buf_reset(b);
        if (!c->check)
            continue;
        check_texts(ctx, w, b, d, c->check);
        snprintf(num, sizeof num, "%s_check", c->name);
        add(ctx, l, emit_sql_constraint_name(ctx, "ck", t->name, num),
            c->name, w, b);
    }
    for (it = t->items; it; it = it->next) {
        if (it->kind != AST_ITEM_CHECK)
            continue;
        check_texts(ctx, w, b, d, it->check);
        snprintf(num, sizeof num, "%d", ++n);
        add(ctx, l, it->name ? it->name
                             : emit_sql_constraint_name(ctx, "ck", t->name,
                                                        num),
            NULL, w, b);
    }
}

void emit_sql_constraints(ast_ctx *ctx, sql_dialect d, const ast_table *t,
                          sql_constraint_list *l)
{
    const ast_column *c, *pk[2];
    const ast_item *it;
    ast_name self;
    /* reused: the constraints of every table, in every dialect */
    static buf w, b;

    if (!w.data) {
        buf_init(&w);
        buf_init(&b);
    }
    buf_reset(&w);
    buf_reset(&b);
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_PRIMARY_KEY &&
            model_primary_key(t, pk, 2) > 1) {
            buf_puts(&b, "PRIMARY KEY ");
            name_list(&b, d, it->cols);
            buf_puts(&w, "primary key");
            add(ctx, l, it->name ? it->name
                                 : emit_sql_constraint_name(ctx, "pk",
                                                            t->name, NULL),
                NULL, &w, &b);
        }
    for (c = t->columns; c; c = c->next) {
        if (c->unique.first_line == 0)
            continue;
        buf_puts(&b, "UNIQUE (");
        emit_sql_quote(&b, d, c->name);
        buf_putc(&b, ')');
        buf_puts(&w, "unique");
        add(ctx, l, emit_sql_constraint_name(ctx, "uq", t->name, c->name),
            c->name, &w, &b);
    }
    for (it = t->items; it; it = it->next) {
        if (it->kind != AST_ITEM_UNIQUE || emit_sql_is_index(it))
            continue;
        buf_puts(&b, "UNIQUE ");
        name_list(&b, d, it->cols);
        buf_puts(&w, "unique");
        add(ctx, l, it->name ? it->name
                             : emit_sql_constraint_name(ctx, "uq", t->name,
                                                        emit_sql_joined(
                                                            ctx, it->cols)),
            it->cols->next ? NULL : it->cols->name, &w, &b);
    }
    checks(ctx, l, &w, &b, d, t);
    for (c = t->columns; c; c = c->next) {
        if (!c->ref)
            continue;
        memset(&self, 0, sizeof self);
        self.name = c->name;
        foreign_key(ctx, d, l, &w, &b, t, NULL, &self, c->ref);
    }
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_FOREIGN_KEY)
            foreign_key(ctx, d, l, &w, &b, t, it->name, it->cols, it->ref);
}

void sql_constraint_list_free(sql_constraint_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/* How CREATE TABLE lays out its columns and constraints: a line each,
 * indented, for a script and a migration that people read; on one line
 * for the DDL the generated C embeds, which nobody reads there and which
 * is most of the C file's bytes otherwise. */
typedef struct layout {
    const char *open, *indent, *next, *close, *constraint, *constraint_body;
} layout;

static const layout ddl_lines = {
    " (\n", "    ", ",\n", "\n)", ",\n    CONSTRAINT ", "\n        ",
};
static const layout ddl_one_line = {
    " (", "", ", ", ")", ", CONSTRAINT ", " ",
};
static const layout *ddl_layout = &ddl_lines;

static void table_constraints(ast_ctx *ctx, buf *b, sql_dialect d,
                              const ast_table *t)
{
    sql_constraint_list l = {0};
    int i;

    emit_sql_constraints(ctx, d, t, &l);
    for (i = 0; i < l.n; i++) {
        if (sc__dialect_of(d)->alter.add_constraint &&
            l.items[i].after_tables)
            continue;
        buf_puts(b, ddl_layout->constraint);
        emit_sql_quote(b, d, l.items[i].name);
        buf_puts(b, ddl_layout->constraint_body);
        buf_puts(b, l.items[i].sql);
    }
    sql_constraint_list_free(&l);
}

/* " PRIMARY KEY", named when the schema names a one-column key. */
static void inline_pk(buf *b, sql_dialect d, const ast_table *t)
{
    const ast_item *it = ast_table_pk_item(t);

    if (it && it->name && sc__dialect_of(d)->pk_named) {
        buf_puts(b, " CONSTRAINT ");
        emit_sql_quote(b, d, it->name);
    }
    buf_puts(b, " PRIMARY KEY");
}

const char *emit_sql_pk_name(ast_ctx *ctx, const ast_table *t)
{
    const ast_item *it = ast_table_pk_item(t);

    if (it && it->name)
        return it->name;
    buf_reset(&name_buf);
    buf_printf(&name_buf, "%s_pkey", t->name);
    return ast_strndup(ctx, name_buf.data, name_buf.len);
}

/* The column's definition; altered: as ALTER TABLE adds or modifies it,
 * naming the collation CREATE TABLE's table options give (the dialect's
 * alter_collation), as the table may be one schemac did not make. */
static void column_def(ast_ctx *ctx, buf *b, sql_dialect d,
                       const ast_table *t, const ast_column *c, bool altered)
{
    const ast_column *pk[2];
    /* The checker marks every column of the key: only those look. */
    bool sole_pk = c->is_pk && model_primary_key(t, pk, 2) == 1 &&
                   pk[0] == c;
    int nkey;

    buf_puts(b, ddl_layout->indent);
    emit_sql_quote(b, d, c->name);
    buf_putc(b, ' ');
    if (c == t->autoinc) {
        const sc__dialect *dl = sc__dialect_of(d);

        if (dl->autoinc_type != NULL)
            buf_puts(b, dl->autoinc_type);
        else
            emit_sql_column_type(b, d, c);
        buf_puts(b, dl->autoinc_before);
        inline_pk(b, d, t);
        buf_puts(b, dl->autoinc_after);
        return;
    }
    if (sc__dialect_of(d)->type.key_text && text_key(t, c, &nkey) &&
        longer_than(d, c, key_share(d, nkey)))
        buf_printf(b, sc__dialect_of(d)->type.key_text, key_share(d, nkey));
    else
        emit_sql_column_type(b, d, c);
    emit_sql_collate(b, d, c);
    if (altered && alter_collated(d, c)) {
        buf_puts(b, " COLLATE ");
        emit_sql_quote(b, d, sc__dialect_of(d)->alter_collation);
    }
    if (!c->nullable)
        buf_puts(b, " NOT NULL");
    if (sole_pk)
        inline_pk(b, d, t);
    emit_sql_default(ctx, b, d, c);
}

void emit_sql_column_def(ast_ctx *ctx, buf *b, sql_dialect d,
                         const ast_table *t, const ast_column *c)
{
    column_def(ctx, b, d, t, c, false);
}

void emit_sql_alter_column_def(ast_ctx *ctx, buf *b, sql_dialect d,
                               const ast_table *t, const ast_column *c)
{
    column_def(ctx, b, d, t, c, true);
}

void emit_sql_create_table(ast_ctx *ctx, buf *b, sql_dialect d,
                           const ast_table *t, const char *as_name)
{
    const ast_column *c;

    buf_puts(b, as_name ? "CREATE TABLE " : "CREATE TABLE IF NOT EXISTS ");
    emit_sql_quote(b, d, as_name ? as_name : t->name);
    buf_puts(b, ddl_layout->open);
    for (c = t->columns; c; c = c->next) {
        emit_sql_column_def(ctx, b, d, t, c);
        if (c->next)
            buf_puts(b, ddl_layout->next);
    }
    table_constraints(ctx, b, d, t);
    buf_puts(b, ddl_layout->close);
    /* "not strict" drops SQLite's STRICT, not MariaDB's engine and
     * collation */
    if (t->not_strict.first_line == 0 || !sc__dialect_of(d)->strict_tables)
        buf_puts(b, sc__dialect_of(d)->table_suffix);
}

bool emit_sql_is_index(const ast_item *it)
{
    return it->kind == AST_ITEM_INDEX ||
           (it->kind == AST_ITEM_UNIQUE && it->unique_index);
}

static void index_elems(ast_ctx *ctx, buf *b, sql_dialect d,
                        const ast_ielem *e, bool unique);
static void paren_expr(ast_ctx *ctx, buf *b, sql_dialect d,
                       const ast_expr *e);

/*
 * The tail of an index's own name: its columns, "expr" for an
 * expression, and when it has an expression or a predicate a hash of
 * them, so that two such indexes over the same columns differ.
 */
static const char *index_tail_name(ast_ctx *ctx, const ast_item *it)
{
    const ast_ielem *e;
    buf b, text;
    const char *s;
    bool hashed = it->where != NULL;

    buf_init(&b);
    buf_init(&text);
    if (it->cols)
        buf_puts(&b, emit_sql_joined(ctx, it->cols));
    for (e = it->elems; e; e = e->next) {
        if (b.len)
            buf_putc(&b, '_');
        buf_puts(&b, e->column ? e->column : "expr");
        hashed |= e->column == NULL;
    }
    if (hashed) {
        if (it->elems)
            index_elems(ctx, &text, EMIT_SQL_NAMING_DIALECT, it->elems,
                        false);
        if (it->where)
            paren_expr(ctx, &text, EMIT_SQL_NAMING_DIALECT, it->where);
        buf_printf(&b, "_%08x", (unsigned)fnv1a(text.data ? text.data : ""));
    }
    s = ast_strndup(ctx, b.data, b.len);
    buf_free(&b);
    buf_free(&text);
    return s;
}

const char *emit_sql_index_name(ast_ctx *ctx, const ast_table *t,
                                const ast_item *it)
{
    if (it->name)
        return it->name;
    return emit_sql_constraint_name(ctx, it->kind == AST_ITEM_UNIQUE ? "uq"
                                                                     : "ix",
                                    t->name, index_tail_name(ctx, it));
}

/* (expr) once: an expression given in parentheses keeps its own. */
static void paren_expr(ast_ctx *ctx, buf *b, sql_dialect d,
                       const ast_expr *e)
{
    if (e->kind != AST_E_PAREN)
        buf_putc(b, '(');
    expr(ctx, b, d, e, NULL);
    if (e->kind != AST_E_PAREN)
        buf_putc(b, ')');
}

void emit_sql_expr(ast_ctx *ctx, buf *b, sql_dialect d, const ast_expr *e,
                   const ast_column *col)
{
    buf_putc(b, '(');
    if (e->kind == AST_E_PAREN)
        e = e->lhs;
    expr(ctx, b, d, e, col);
    buf_putc(b, ')');
}

/* An index's elements: columns and expressions, each with its operator
 * class on PostgreSQL (SQLite has none). */
static void index_elems(ast_ctx *ctx, buf *b, sql_dialect d,
                        const ast_ielem *e, bool unique)
{
    const ast_ielem *x;
    unsigned share;
    int n = 0;

    for (x = e; x; x = x->next)
        n++;
    share = unique ? 0 : key_share(d, n);
    buf_putc(b, '(');
    for (; e; e = e->next) {
        if (e->column)
            emit_sql_quote(b, d, e->column);
        if (e->column && keyed_by_prefix(d, e->col, share))
            buf_printf(b, "(%u)", share);
        else if (!e->column)
            paren_expr(ctx, b, d, e->expr);
        if (e->opclass && sc__dialect_of(d)->index_opclass) {
            buf_putc(b, ' ');
            buf_puts(b, e->opclass);
        }
        if (e->next)
            buf_puts(b, ", ");
    }
    buf_putc(b, ')');
}

/* (a, b), each text column longer than its share of a key keyed on its
 * prefix, unless the index is unique: a unique index over the whole of
 * such text is one the server checks by a hash of it (MariaDB). */
static void index_columns(buf *b, sql_dialect d, const ast_table *t,
                          const ast_name *cols, bool unique)
{
    const ast_name *n;
    const ast_column *c;
    unsigned share;
    int k = 0;

    for (n = cols; n; n = n->next)
        k++;
    share = unique ? 0 : key_share(d, k);
    buf_putc(b, '(');
    for (n = cols; n; n = n->next) {
        emit_sql_quote(b, d, n->name);
        for (c = t->columns; c && strcmp(c->name, n->name) != 0; c = c->next)
            ;
        if (keyed_by_prefix(d, c, share))
            buf_printf(b, "(%u)", share);
        if (n->next)
            buf_puts(b, ", ");
    }
    buf_putc(b, ')');
}

void emit_sql_create_index(ast_ctx *ctx, buf *b, sql_dialect d,
                           const ast_table *t, const ast_item *it)
{
    buf_puts(b, it->kind == AST_ITEM_UNIQUE || it->unique_index
                    ? "CREATE UNIQUE INDEX IF NOT EXISTS "
                    : "CREATE INDEX IF NOT EXISTS ");
    emit_sql_quote(b, d, emit_sql_index_name(ctx, t, it));
    buf_puts(b, " ON ");
    emit_sql_quote(b, d, t->name);
    buf_putc(b, ' ');
    /* else the dialect knows one method, its b-tree */
    if (it->method && sc__dialect_of(d)->index_method)
        buf_printf(b, "USING %s ", it->method);
    if (it->elems)
        index_elems(ctx, b, d, it->elems,
                    it->kind == AST_ITEM_UNIQUE || it->unique_index);
    else
        index_columns(b, d, t, it->cols,
                      it->kind == AST_ITEM_UNIQUE || it->unique_index);
    if (it->where) {
        buf_puts(b, " WHERE ");
        paren_expr(ctx, b, d, it->where);
    }
}

void emit_sql_add_constraint(buf *b, sql_dialect d, const ast_table *t,
                             const sql_constraint *c)
{
    buf_puts(b, "ALTER TABLE ");
    emit_sql_quote(b, d, t->name);
    buf_puts(b, " ADD CONSTRAINT ");
    emit_sql_quote(b, d, c->name);
    buf_putc(b, ' ');
    buf_puts(b, c->sql);
}

/* The foreign keys of t that close a cycle, each safe to run on a
 * database that has it already, as CREATE TABLE IF NOT EXISTS is: by the
 * dialect's FOREIGN KEY IF NOT EXISTS, else in a block that ignores the
 * duplicate (PostgreSQL). */
static void add_after_tables(ast_ctx *ctx, sql_stmts *out, buf *b,
                             sql_dialect d, const ast_table *t)
{
    const sc__dialect *dl = sc__dialect_of(d);
    sql_constraint_list l = {0};
    const sql_constraint *c;
    int i;

    emit_sql_constraints(ctx, d, t, &l);
    for (i = 0; i < l.n; i++) {
        if (!l.items[i].after_tables)
            continue;
        c = &l.items[i];
        if (dl->fk_if_not_exists &&
            strncmp(c->sql, "FOREIGN KEY ", 12) == 0) {
            buf_puts(b, "ALTER TABLE ");
            emit_sql_quote(b, d, t->name);
            buf_puts(b, " ADD CONSTRAINT ");
            emit_sql_quote(b, d, c->name);
            buf_printf(b, " FOREIGN KEY IF NOT EXISTS %s", c->sql + 12);
            push(out, b);
            continue;
        }
        buf_puts(b, "DO $$ BEGIN\n    ");
        emit_sql_add_constraint(b, d, t, c);
        buf_puts(b, ";\nEXCEPTION WHEN duplicate_object THEN NULL;\n"
                    "END $$");
        push(out, b);
    }
    sql_constraint_list_free(&l);
}

static void create_indexes(ast_ctx *ctx, sql_stmts *out, buf *b,
                           sql_dialect d, const ast_table *t)
{
    const ast_item *it;

    for (it = t->items; it; it = it->next) {
        if (!emit_sql_is_index(it))
            continue;
        emit_sql_create_index(ctx, b, d, t, it);
        push(out, b);
    }
}

/* The enum as a type of its own, in the dialect's statement that may
 * run twice, like the tables' (where a dialect has enum types). */
void emit_sql_create_enum(buf *b, sql_dialect d, const ast_enum *e)
{
    const ast_enum_value *v;
    buf name, labels;

    buf_init(&name);
    buf_init(&labels);
    emit_sql_quote(&name, d, e->name);
    for (v = e->values; v; v = v->next) {
        quote_string(&labels, d, v->name, strlen(v->name));
        if (v->next)
            buf_puts(&labels, ", ");
    }
    buf_printf(b, sc__dialect_of(d)->create_enum, name.data, labels.data);
    buf_free(&name);
    buf_free(&labels);
}

/* ---------------------------------------------------------------------
 * sql blocks
 * ------------------------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Skips blanks and SQL comments. */
static const char *skip_blank(const char *p)
{
    for (;;) {
        while (is_space(*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else
            return p;
    }
}

static bool word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* Whether the word at p is w (any case); *next is set past it. */
static bool word_is(const char *p, const char *w, const char **next)
{
    size_t n = strlen(w), i;

    for (i = 0; i < n; i++)
        if (!p[i] || (p[i] | 0x20) != (w[i] | 0x20))
            return false;
    if (word_char(p[n]))
        return false;
    *next = skip_blank(p + n);
    return true;
}

/* The end of the (possibly quoted, possibly qualified) name at p. */
static const char *name_end(const char *p)
{
    for (;;) {
        if (*p == '"') {
            for (p++; *p; p++)
                if (*p == '"' && *++p != '"')
                    break;
        } else if (*p == '`' || *p == '[') {
            char close = *p == '`' ? '`' : ']';
            const char *e = strchr(p + 1, close);
            p = e ? e + 1 : p + strlen(p);
        } else
            while (word_char(*p))
                p++;
        if (*p != '.')
            return p;
        p++;
    }
}

/* The kinds of object a block may create: their one or two words. */
static const struct {
    const char *first, *second, *kind;
} object_kinds[] = {
    {"MATERIALIZED", "VIEW", "MATERIALIZED VIEW"},
    {"VIRTUAL", "TABLE", "VIRTUAL TABLE"},
    {"VIEW", NULL, "VIEW"}, {"TRIGGER", NULL, "TRIGGER"},
    {"FUNCTION", NULL, "FUNCTION"}, {"PROCEDURE", NULL, "PROCEDURE"},
    {"INDEX", NULL, "INDEX"}, {"TABLE", NULL, "TABLE"},
    {"SEQUENCE", NULL, "SEQUENCE"}, {"TYPE", NULL, "TYPE"},
    {"DOMAIN", NULL, "DOMAIN"}, {"RULE", NULL, "RULE"},
    {"POLICY", NULL, "POLICY"}, {"AGGREGATE", NULL, "AGGREGATE"},
    {"EXTENSION", NULL, "EXTENSION"}, {"COLLATION", NULL, "COLLATION"},
    {"SCHEMA", NULL, "SCHEMA"}, {NULL, NULL, NULL},
};

bool emit_sql_block_object(ast_ctx *ctx, const char *text, sql_object *o)
{
    const char *p = skip_blank(text), *q;
    int i;

    memset(o, 0, sizeof o[0]);
    if (!word_is(p, "create", &p))
        return false;
    if (word_is(p, "or", &q) && word_is(q, "replace", &p))
        o->or_replace = true;
    if (word_is(p, "temporary", &q) || word_is(p, "temp", &q))
        p = q;
    if (word_is(p, "unique", &q))
        p = q;
    for (i = 0; object_kinds[i].first; i++)
        if (word_is(p, object_kinds[i].first, &q) &&
            (!object_kinds[i].second ||
             word_is(q, object_kinds[i].second, &q)))
            break;
    if (!object_kinds[i].first)
        return false;
    o->kind = object_kinds[i].kind;
    o->name_at = (size_t)(q - text);
    if (word_is(q, "if", &p) && word_is(p, "not", &p) &&
        word_is(p, "exists", &p)) {
        o->if_not_exists = true;
        q = p;
    }
    p = name_end(q);
    if (p == q)
        return false;
    o->name = ast_strndup(ctx, q, (size_t)(p - q));
    if (strcmp(o->kind, "TRIGGER") == 0 || strcmp(o->kind, "POLICY") == 0 ||
        strcmp(o->kind, "RULE") == 0 || strcmp(o->kind, "INDEX") == 0) {
        /* ... ON table: what PostgreSQL's DROP TRIGGER and MariaDB's
         * DROP INDEX need. */
        for (p = skip_blank(p); *p; p = skip_blank(p)) {
            if (word_is(p, "on", &q)) {
                p = name_end(q);
                o->on = ast_strndup(ctx, q, (size_t)(p - q));
                break;
            }
            p = word_char(*p) ? name_end(p) : p + 1;
        }
    }
    return true;
}

/* The kinds of object a table may use (a column's type, a collation, a
 * schema): made before the tables, dropped after them. */
static bool kind_first(const char *kind)
{
    return strcmp(kind, "DOMAIN") == 0 || strcmp(kind, "TYPE") == 0 ||
           strcmp(kind, "EXTENSION") == 0 || strcmp(kind, "COLLATION") == 0 ||
           strcmp(kind, "SCHEMA") == 0;
}

/* Whether text calls the function named name (its last part, unquoted):
 * the name, not inside another word, then "(". */
static bool calls(const char *text, const char *name)
{
    const char *dot = strrchr(name, '.'), *p, *q;
    size_t n;

    name = dot ? dot + 1 : name;
    n = strlen(name);
    if (n == 0 || name[0] == '"')
        return false;
    for (p = text; (p = strstr(p, name)) != NULL; p += n) {
        if (p > text && word_char(p[-1]))
            continue;
        q = skip_blank(p + n);
        if (*q == '(')
            return true;
    }
    return false;
}

bool emit_sql_block_first(ast_ctx *ctx, const ast_schema *s,
                          const ast_sqlblock *b)
{
    const ast_sqlblock *x;
    sql_object o, other;

    if (!emit_sql_block_object(ctx, b->text, &o))
        return false;
    if (kind_first(o.kind))
        return true;
    if (strcmp(o.kind, "FUNCTION") != 0)
        return false;
    /* a function that a domain's check calls goes before the domain */
    for (x = s->sqlblocks; x; x = x->next)
        if (x != b && x->dialect == b->dialect &&
            emit_sql_block_object(ctx, x->text, &other) &&
            kind_first(other.kind) && calls(x->text, o.name))
            return true;
    return false;
}

/* The text of block s without blanks around it and its final ";". */
static const char *block_text(ast_ctx *ctx, const ast_sqlblock *s)
{
    const char *p = s->text, *e;

    while (is_space(*p))
        p++;
    e = p + strlen(p);
    while (e > p && (is_space(e[-1]) || e[-1] == ';'))
        e--;
    return ast_strndup(ctx, p, (size_t)(e - p));
}

/* A dollar-quote tag $BASE$ (or $BASEn$) that text does not hold. */
static const char *dollar_tag(ast_ctx *ctx, const char *text,
                              const char *base)
{
    char tag[48];
    int i;

    for (i = 0;; i++) {
        if (i)
            snprintf(tag, sizeof tag, "$%s%d$", base, i);
        else
            snprintf(tag, sizeof tag, "$%s$", base);
        if (!strstr(text, tag))
            return ast_strdup(ctx, tag);
    }
}

/* Whether CREATE kind takes IF NOT EXISTS in d. */
static bool has_if_not_exists(sql_dialect d, const char *kind)
{
    const char *k = sc__dialect_of(d)->if_not_exists_kinds;
    size_t n = strlen(kind);

    for (; (k = strstr(k, kind)) != NULL; k++)
        if (k[-1] == '|' && k[n] == '|')
            return true;
    return false;
}

void emit_sql_block(ast_ctx *ctx, buf *b, sql_dialect d,
                    const ast_sqlblock *s, bool again)
{
    const char *text = block_text(ctx, s), *tag, *outer;
    sql_object o;
    bool known = emit_sql_block_object(ctx, text, &o);

    if (!again) {
        buf_puts(b, text);
        return;
    }
    if (sc__dialect_of(d)->if_not_exists_kinds) {
        /* The dialect's own IF NOT EXISTS, for the kinds that have it. */
        if (known && !o.if_not_exists && !o.or_replace &&
            has_if_not_exists(d, o.kind)) {
            buf_put(b, text, o.name_at);
            buf_puts(b, "IF NOT EXISTS ");
            buf_puts(b, text + o.name_at);
        } else
            buf_puts(b, text);
        return;
    }
    /* The block's own text may end with a dollar quote: the body of the
     * DO gets a tag of its own, not $$, which "$body$$x$" would end. */
    tag = dollar_tag(ctx, text, "schemac");
    outer = dollar_tag(ctx, text, "schemac_do");
    buf_printf(b, "DO %s BEGIN\n    EXECUTE %s", outer, tag);
    buf_puts(b, text);
    buf_printf(b, "%s;\nEXCEPTION WHEN duplicate_table OR duplicate_object "
                  "OR duplicate_function OR duplicate_schema THEN NULL;\n"
                  "END %s", tag, outer);
}

bool emit_sql_drop_block(ast_ctx *ctx, buf *b, sql_dialect d,
                         const ast_sqlblock *s)
{
    sql_object o;

    if (!emit_sql_block_object(ctx, block_text(ctx, s), &o))
        return false;
    if (strcmp(o.kind, "VIRTUAL TABLE") == 0)
        buf_puts(b, "DROP TABLE IF EXISTS ");
    else
        buf_printf(b, "DROP %s IF EXISTS ", o.kind);
    buf_puts(b, o.name);
    if (o.on && (strcmp(o.kind, "INDEX") == 0
                     ? sc__dialect_of(d)->drop_index_on
                     : sc__dialect_of(d)->drop_trigger_on))
        buf_printf(b, " ON %s", o.on);
    return true;
}

const ast_sqlblock *emit_sql_next_block(const ast_schema *s,
                                        const ast_decl **at, sql_dialect d)
{
    const ast_decl *x = *at ? (*at)->next : s->decls;

    for (; x; x = x->next)
        if (x->sql && x->sql->dialect == (int)d) {
            *at = x;
            return x->sql;
        }
    *at = NULL;
    return NULL;
}

static const char *refusal(ast_ctx *ctx, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

/* The message f, kept in ctx's pool. */
static const char *refusal(ast_ctx *ctx, const char *f, ...)
{
    va_list ap;
    buf b;
    const char *s;

    buf_init(&b);
    va_start(ap, f);
    buf_vprintf(&b, f, ap);
    va_end(ap);
    s = ast_strdup(ctx, b.data);
    buf_free(&b);
    return s;
}

/* What of ref r, in table t, dialect d cannot say; NULL: nothing. */
static const char *ref_refused(ast_ctx *ctx, sql_dialect d,
                               const ast_table *t, const ast_ref *r)
{
    if (!r || !r->deferrable.first_line || sc__dialect_of(d)->deferrable_fk)
        return NULL;
    return refusal(ctx, "table \"%s\": a deferrable foreign key, which "
                           "%s checks at once", t->name,
                      emit_sql_dialect_name(d));
}

/* What of index it, in table t, dialect d cannot say; NULL: nothing. */
static const char *index_refused(ast_ctx *ctx, sql_dialect d,
                                 const ast_table *t, const ast_item *it)
{
    const sc__dialect *dl = sc__dialect_of(d);
    const ast_ielem *e;

    if (it->where && !dl->partial_index)
        return refusal(ctx, "table \"%s\": index \"%s\" has a WHERE, "
                               "and %s has no partial index", t->name,
                          emit_sql_index_name(ctx, t, it), dl->name);
    for (e = it->elems; e && !dl->expression_index; e = e->next)
        if (!e->column)
            return refusal(ctx, "table \"%s\": index \"%s\" is over an "
                                   "expression, and %s has no such index",
                              t->name, emit_sql_index_name(ctx, t, it),
                              dl->name);
    return NULL;
}

/* What of ctx->schema d cannot say, the first thing; with report, every
 * one recorded as an error at its place in the file. */
static const char *refusals(ast_ctx *ctx, sql_dialect d, bool report)
{
    const ast_decl *decl;
    const ast_column *c;
    const ast_item *it;
    const char *why, *first = NULL;

    for (decl = ctx->schema->decls; decl; decl = decl->next) {
        if (!decl->table)
            continue;
        for (c = decl->table->columns; c; c = c->next) {
            if ((why = ref_refused(ctx, d, decl->table, c->ref)) == NULL)
                continue;
            if (!report)
                return why;
            first = first ? first : why;
            ast_error(ctx, &c->ref->deferrable, "no DDL for %s: %s",
                      emit_sql_dialect_name(d), why);
        }
        for (it = decl->table->items; it; it = it->next) {
            why = it->kind == AST_ITEM_FOREIGN_KEY
                      ? ref_refused(ctx, d, decl->table, it->ref)
                  : emit_sql_is_index(it)
                      ? index_refused(ctx, d, decl->table, it)
                      : NULL;
            if (why == NULL)
                continue;
            if (!report)
                return why;
            first = first ? first : why;
            ast_error(ctx, it->kind == AST_ITEM_FOREIGN_KEY
                               ? &it->ref->deferrable
                               : &it->loc,
                      "no DDL for %s: %s", emit_sql_dialect_name(d), why);
        }
    }
    return first;
}

const char *emit_sql_refused(ast_ctx *ctx, sql_dialect d)
{
    return refusals(ctx, d, false);
}

bool emit_sql_report_refused(ast_ctx *ctx, sql_dialect d)
{
    return refusals(ctx, d, true) != NULL;
}

void emit_sql_ddl(ast_ctx *ctx, sql_dialect d, bool one_line,
                  sql_stmts *out)
{
    const ast_schema *s = ctx->schema;
    const ast_decl *decl;
    const ast_sqlblock *sql;
    buf b;
    int i;

    ddl_layout = one_line ? &ddl_one_line : &ddl_lines;
    buf_init(&b);
    if (sc__dialect_of(d)->create_enum != NULL) /* enums are types */
        for (decl = ctx->schema->decls; decl; decl = decl->next)
            if (decl->enm) {
                emit_sql_create_enum(&b, d, decl->enm);
                push(out, &b);
            }
    /* the domains, types, extensions ... that tables use, before them */
    decl = NULL;
    while ((sql = emit_sql_next_block(s, &decl, d)) != NULL)
        if (emit_sql_block_first(ctx, s, sql)) {
            emit_sql_block(ctx, &b, d, sql, true);
            push(out, &b);
        }
    for (i = 0; i < s->ntables; i++) {
        emit_sql_create_table(ctx, &b, d, s->creation_order[i], NULL);
        push(out, &b);
        create_indexes(ctx, out, &b, d, s->creation_order[i]);
    }
    if (sc__dialect_of(d)->alter.add_constraint) /* cycles closed after */
        for (i = 0; i < s->ntables; i++)
            if (order_has_after_tables(s->creation_order[i]))
                add_after_tables(ctx, out, &b, d, s->creation_order[i]);
    decl = NULL;
    while ((sql = emit_sql_next_block(s, &decl, d)) != NULL)
        if (!emit_sql_block_first(ctx, s, sql)) {
            emit_sql_block(ctx, &b, d, sql, true);
            push(out, &b);
        }
    buf_free(&b);
    ddl_layout = &ddl_lines;
}

void emit_sql_script(ast_ctx *ctx, sql_dialect d, buf *out)
{
    sql_stmts s = {0};
    int i;

    emit_sql_ddl(ctx, d, false, &s);
    buf_printf(out, "-- Schema \"%s\" for %s, generated by schemac %s from "
                    "%s.\n", ctx->schema->name, emit_sql_dialect_name(d),
               SC_VERSION, base_name(ctx->filename));
    for (i = 0; i < s.n; i++)
        buf_printf(out, "\n%s;\n", s.items[i]);
    sql_stmts_free(&s);
}
