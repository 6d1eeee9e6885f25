/*
 * checker.c - the semantic checker.
 *
 * The parser accepts anything shaped like a schema; this file decides
 * whether it means something.  It walks the tree once per concern (names,
 * types, keys, references, checks), records every error it finds on the
 * context with the location of the offending token, and fills the derived
 * fields the emitters read.  It never stops at the first error: a person
 * fixing a schema wants the whole list.
 */
#include "checker.h"
#include "dialect.h"
#include "emit_c.h"

#include "names.h"
#include "order.h"
#include "symtab.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schemac.h" /* SC_DEFAULT_* */

/* PostgreSQL truncates longer identifiers; both databases must agree. */
#define MAX_NAME_LEN 63
#define MAX_VARCHAR 10485760
#define MAX_NUMERIC 1000
/* A check expression's shape: SQLite's parser gives up near 100 nested
 * parentheses or nots, and refuses trees deeper than 1000; the checker
 * and emitters recurse once per level. */
#define MAX_EXPR_NESTING 64
#define MAX_EXPR_DEPTH 1000

static bool given(const ast_loc *loc)
{
    return loc->first_line != 0;
}

static const char *type_text(ast_ctx *ctx, const ast_type *t);

/* ---------------------------------------------------------------------
 * Model predicates shared with the emitters
 * ------------------------------------------------------------------- */

bool model_is_scaled(const ast_type *t)
{
    return t->kind == AST_T_NUMERIC && t->a <= 18;
}

bool model_is_pointer(const ast_column *c)
{
    switch (c->type.kind) {
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON:
    case AST_T_BYTES:
        return true;
    case AST_T_NUMERIC:
        return !model_is_scaled(&c->type);
    default:
        return false;
    }
}

bool model_has_flag(const ast_column *c)
{
    if (model_is_pointer(c))
        return false;
    if (c->nullable)
        return true;
    return c->dflt && c->dflt->kind == AST_LIT_NOW;
}

const ast_enum *model_enum(const ast_column *c)
{
    return c->type.kind == AST_T_NAMED ? c->type.enm : NULL;
}

int model_primary_key(const ast_table *t, const ast_column **cols, int max)
{
    const ast_item *it;
    const ast_column *c;
    const ast_name *n;
    int k = 0;

    for (it = t->items; it; it = it->next) {
        if (it->kind != AST_ITEM_PRIMARY_KEY)
            continue;
        for (n = it->cols; n && k < max; n = n->next)
            if (n->column)
                cols[k++] = n->column;
        return k;
    }
    for (c = t->columns; c && k < max; c = c->next)
        if (given(&c->primary_key))
            cols[k++] = c;
    return k;
}

/* ---------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------- */

/*
 * The tables and enums by name, built once by check_schema: a schema of
 * many tables would otherwise cost a scan of them all per reference.
 * Each maps a name to its first declaration.
 */
static struct lookups {
    const ast_schema *s;
    symtab tables, enums;
} lk;

static void lookups_build(const ast_schema *s)
{
    ast_table *t;
    ast_enum *e;

    lk.s = s;
    symtab_init(&lk.tables, false);
    symtab_init(&lk.enums, false);
    for (t = s->tables; t; t = t->next)
        if (t->name)
            symtab_put(&lk.tables, t->name, t);
    for (e = s->enums; e; e = e->next)
        if (e->name)
            symtab_put(&lk.enums, e->name, e);
}

static void lookups_free(void)
{
    symtab_free(&lk.tables);
    symtab_free(&lk.enums);
    lk.s = NULL;
}

static ast_table *find_table(const ast_schema *s, const char *name)
{
    (void)s;
    return name ? symtab_get(&lk.tables, name) : NULL;
}

static ast_enum *find_enum(const ast_schema *s, const char *name)
{
    (void)s;
    return name ? symtab_get(&lk.enums, name) : NULL;
}

static ast_column *find_column(const ast_table *t, const char *name)
{
    ast_column *c;

    for (c = t->columns; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int enum_value_index(const ast_enum *e, const char *name)
{
    const ast_enum_value *v;
    int i = 0;

    for (v = e->values; v; v = v->next, i++)
        if (strcmp(v->name, name) == 0)
            return i;
    return -1;
}

static int strcasecmp_ascii(const char *a, const char *b)
{
    while (*a && tolower((unsigned char)*a) == tolower((unsigned char)*b))
        a++, b++;
    return tolower((unsigned char)*a) - tolower((unsigned char)*b);
}

/* ---------------------------------------------------------------------
 * Names a database keeps for itself
 * ------------------------------------------------------------------- */

/*
 * The types of PostgreSQL's pg_catalog, which every search path puts
 * first (read from PostgreSQL 15's pg_type; the array types are these
 * with a leading '_', and the row types of the catalogs begin with
 * "pg_").  An enum of one of these names would be created in the
 * database's schema, and every column of that type would still get the
 * built-in one.  Sorted, for bsearch().
 */
static const char *const pg_catalog_types[] = {
    "aclitem", "any", "anyarray", "anycompatible", "anycompatiblearray",
    "anycompatiblemultirange", "anycompatiblenonarray", "anycompatiblerange",
    "anyelement", "anyenum", "anymultirange", "anynonarray", "anyrange",
    "bit", "bool", "box", "bpchar", "bytea", "char", "cid", "cidr", "circle",
    "cstring", "date", "datemultirange", "daterange", "event_trigger",
    "fdw_handler", "float4", "float8", "gtsvector", "index_am_handler",
    "inet", "int2", "int2vector", "int4", "int4multirange", "int4range",
    "int8", "int8multirange", "int8range", "internal", "interval", "json",
    "jsonb", "jsonpath", "language_handler", "line", "lseg", "macaddr",
    "macaddr8", "money", "name", "numeric", "nummultirange", "numrange",
    "oid", "oidvector", "path", "point", "polygon", "record", "refcursor",
    "regclass", "regcollation", "regconfig", "regdictionary", "regnamespace",
    "regoper", "regoperator", "regproc", "regprocedure", "regrole", "regtype",
    "table_am_handler", "text", "tid", "time", "timestamp", "timestamptz",
    "timetz", "trigger", "tsm_handler", "tsmultirange", "tsquery", "tsrange",
    "tstzmultirange", "tstzrange", "tsvector", "txid_snapshot", "unknown",
    "uuid", "varbit", "varchar", "void", "xid", "xid8", "xml",
};

static int compare_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool is_pg_catalog_type(const char *name)
{
    size_t n = sizeof pg_catalog_types / sizeof pg_catalog_types[0];

    if (name[0] == '_')
        name++; /* an array type */
    if (strncmp(name, "pg_", 3) == 0)
        return true;
    return bsearch(name, pg_catalog_types, n, sizeof pg_catalog_types[0],
                   compare_name) != NULL;
}

/* PostgreSQL's system columns, which every table has already. */
static bool is_pg_system_column(const char *name)
{
    static const char *const system[] = {
        "tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", NULL,
    };
    int i;

    if (name[0] != 't' && name[0] != 'x' && name[0] != 'c')
        return false; /* the first letters of those above */
    for (i = 0; system[i]; i++)
        if (strcmp(name, system[i]) == 0)
            return true;
    return false;
}

/* SQLite refuses a table or index whose name begins with "sqlite_", in
 * any case. */
static bool is_sqlite_reserved(const char *name)
{
    static const char prefix[] = "sqlite_";
    size_t i;

    for (i = 0; prefix[i]; i++)
        if (tolower((unsigned char)name[i]) != prefix[i])
            return false;
    return true;
}

/* MariaDB names every primary key PRIMARY and refuses that name, in any
 * case, for any other index or key. */
static bool is_mariadb_reserved(const char *name)
{
    return strcasecmp(name, "PRIMARY") == 0;
}

/* The kinds of name a rule below covers: check_name_kind's, and a
 * constraint's name (which check_reserved() asks of as an index's). */
#define NAME_KIND(k) (1u << (k))
#define NAME_CONSTRAINT (1u << 4)

/* A name one dialect keeps for itself: of the kinds given, those match()
 * accepts.  why is check_reserved()'s phrase; the checker's message is
 * "<what> name "<name>" is reserved by <title>" then said, the name
 * again and said_after when that is not NULL, and hint, for a schema
 * declared for no dialect. */
typedef struct reserved_rule {
    unsigned kinds;
    bool (*match)(const char *name);
    const char *why;
    const char *said, *said_after;
    const char *hint;
} reserved_rule;

static const reserved_rule sqlite_reserved[] = {
    {NAME_KIND(CHECK_NAME_TABLE) | NAME_KIND(CHECK_NAME_INDEX),
     is_sqlite_reserved,
     "SQLite keeps names beginning with \"sqlite_\" for itself",
     ", which keeps names beginning with \"sqlite_\" for itself", NULL,
     ": rename it, or declare the schema `for postgresql`"},
    {0, NULL, NULL, NULL, NULL, NULL},
};

static const reserved_rule postgresql_reserved[] = {
    {NAME_KIND(CHECK_NAME_COLUMN), is_pg_system_column,
     "a system column of every PostgreSQL table",
     ", whose tables all have a system column of that name", NULL,
     ": rename it, or declare the schema `for sqlite`"},
    {NAME_KIND(CHECK_NAME_ENUM), is_pg_catalog_type,
     "a type of PostgreSQL's pg_catalog",
     ": a column of the enum would get pg_catalog's type ", " in its place",
     ": rename it, or declare the schema `for sqlite`"},
    {0, NULL, NULL, NULL, NULL, NULL},
};

static const reserved_rule mariadb_reserved[] = {
    {NAME_KIND(CHECK_NAME_INDEX) | NAME_CONSTRAINT, is_mariadb_reserved,
     "MariaDB keeps the name PRIMARY for every primary key",
     ", which keeps the name PRIMARY for every primary key", NULL,
     ": rename it, or declare the schema `for sqlite, postgresql`"},
    {0, NULL, NULL, NULL, NULL, NULL},
};

/* The names each dialect keeps, by AST_D_* (a table of the checker's own:
 * the runtime never asks). */
static const reserved_rule *const reserved_rules[SC_NDIALECTS + 1] = {
    [AST_D_SQLITE] = sqlite_reserved,
    [AST_D_POSTGRESQL] = postgresql_reserved,
    [AST_D_MARIADB] = mariadb_reserved,
};

static const reserved_rule *reserved_by(int d, unsigned kind,
                                        const char *name)
{
    const reserved_rule *r;

    if (d < 1 || d > SC_NDIALECTS)
        return NULL;
    for (r = reserved_rules[d]; r->match; r++)
        if ((r->kinds & kind) && r->match(name))
            return r;
    return NULL;
}

const char *check_reserved(int d, check_name_kind k, const char *name)
{
    const reserved_rule *r = reserved_by(d, NAME_KIND(k), name);

    return r ? r->why : NULL;
}

/* Refuses name, of the kind given, in a schema for a dialect keeping it;
 * what names the kind in the message. */
static void check_reserved_name(ast_ctx *ctx, const ast_schema *s,
                                unsigned kind, const char *what,
                                const char *name, const ast_loc *loc)
{
    const reserved_rule *r;
    int d;

    if (!name)
        return;
    for (d = 1; d <= SC_NDIALECTS; d++) {
        if (!ast_schema_for(s, d) || !(r = reserved_by(d, kind, name)))
            continue;
        ast_error(ctx, loc, "%s name \"%s\" is reserved by %s%s%s%s%s", what,
                  name, sc__dialect_of((sc_dialect)d)->title, r->said,
                  r->said_after ? name : "",
                  r->said_after ? r->said_after : "",
                  s->dialects != 0 ? "" : r->hint);
    }
}

/* ---------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------- */

static void check_name_length(ast_ctx *ctx, const char *what,
                              const char *name, const ast_loc *loc)
{
    if (strlen(name) > MAX_NAME_LEN)
        ast_error(ctx, loc, "%s name \"%.20s...\" is longer than %d bytes",
                  what, name, MAX_NAME_LEN);
}

/*
 * SQLite folds the case of table names and PostgreSQL does not, so two
 * names that differ only in case would mean different things on the two.
 */
/* Of the earlier tables a, b, c (each possibly NULL), the first
 * declared; on a tie the earlier argument. */
static const ast_table *first_of(const ast_table *a, const ast_table *b,
                                 const ast_table *c)
{
    const ast_table *m = a;

    if (b && (!m || b->index < m->index))
        m = b;
    if (c && (!m || c->index < m->index))
        m = c;
    return m;
}

/* The first earlier table u (if any) with the same name, the same name
 * but for case, the same C name or the same row type decides the one
 * message for t. */
static void check_table_names(ast_ctx *ctx, ast_schema *s)
{
    ast_table *t;
    const ast_table *same, *folded, *row, *cn, *u;
    ast_enum *e;
    symtab by_name, by_fold, by_row, by_cname, enum_cnames;

    symtab_init(&by_name, false);
    symtab_init(&by_fold, true);
    symtab_init(&by_row, false);
    symtab_init(&by_cname, false);
    symtab_init(&enum_cnames, false);
    for (e = s->enums; e; e = e->next)
        symtab_put(&enum_cnames, e->cname, e);
    for (t = s->tables; t; t = t->next) {
        check_name_length(ctx, "table", t->name, &t->name_loc);
        check_reserved_name(ctx, s, NAME_KIND(CHECK_NAME_TABLE), "table",
                            t->name, &t->name_loc);
        same = symtab_put(&by_name, t->name, t);
        folded = symtab_put(&by_fold, t->name, t);
        cn = symtab_put(&by_cname, t->cname, t);
        row = symtab_put(&by_row, t->row_name, t);
        u = first_of(same, folded, first_of(cn, row, NULL));
        if (u && u == same) {
            ast_error(ctx, &t->name_loc, "duplicate table \"%s\"",
                      t->name);
            ast_note(ctx, &u->name_loc, "previous definition is here");
        } else if (u && u == folded) {
            ast_error(ctx, &t->name_loc,
                      "table \"%s\" differs from table \"%s\" only in "
                      "case", t->name, u->name);
        } else if (u && u == cn) {
            ast_error(ctx, &t->name_loc,
                      "tables \"%s\" and \"%s\" would both have the C name "
                      "%s", u->name, t->name, t->cname);
        } else if (u) {
            ast_error(ctx, &t->name_loc,
                      "tables \"%s\" and \"%s\" would both have the row "
                      "type %s_%s", u->name, t->name, s->name, t->row_name);
        }
        /* Every enum of that C name, from the first on. */
        for (e = symtab_get(&enum_cnames, t->row_name); e; e = e->next)
            if (strcmp(e->cname, t->row_name) == 0)
                ast_error(ctx, &t->name_loc,
                          "the row type of table \"%s\" would be %s_%s, the "
                          "name of enum \"%s\"", t->name, s->name,
                          t->row_name, e->name);
    }
    symtab_free(&by_name);
    symtab_free(&by_fold);
    symtab_free(&by_row);
    symtab_free(&by_cname);
    symtab_free(&enum_cnames);
}

static void check_enums(ast_ctx *ctx, ast_schema *s)
{
    ast_enum *e, *f;
    ast_enum_value *v, *w;
    symtab values, cvalues, cnames;

    symtab_init(&cnames, false);
    for (e = s->enums; e; e = e->next) {
        check_name_length(ctx, "enum", e->name, &e->name_loc);
        check_reserved_name(ctx, s, NAME_KIND(CHECK_NAME_ENUM), "enum",
                            e->name, &e->name_loc);
        f = find_enum(s, e->name);
        if (f && f != e) {
            ast_error(ctx, &e->name_loc, "duplicate enum \"%s\"", e->name);
            ast_note(ctx, &f->name_loc, "previous definition is here");
        } else if ((f = symtab_put(&cnames, e->cname, e)) != NULL) {
            ast_error(ctx, &e->name_loc,
                      "enums \"%s\" and \"%s\" would both have the C name "
                      "%s", f->name, e->name, e->cname);
        }
        if (find_table(s, e->name))
            ast_error(ctx, &e->name_loc,
                      "enum \"%s\" has the name of a table", e->name);
        e->nvalues = 0;
        /* The constants are upper case: the first earlier value whose C
         * part is equal but for case decides. */
        symtab_init(&values, false);
        symtab_init(&cvalues, true);
        for (v = e->values; v; v = v->next) {
            e->nvalues++;
            v->cname = names_c_ident(ctx, v->name);
            if (v->name[0] == '\0')
                ast_error(ctx, &v->loc, "empty label in enum \"%s\"",
                          e->name);
            check_name_length(ctx, "enum value", v->name, &v->loc);
            w = symtab_put(&values, v->name, v);
            if (w) {
                ast_error(ctx, &v->loc,
                          "duplicate value \"%s\" in enum \"%s\"", v->name,
                          e->name);
                ast_note(ctx, &w->loc, "previous definition is here");
            } else if (v->name[0] != '\0' &&
                       (w = symtab_put(&cvalues, v->cname, v)) != NULL) {
                ast_error(ctx, &v->loc,
                          "enum values \"%s\" and \"%s\" would have the "
                          "same C name", w->name, v->name);
            }
        }
        symtab_free(&values);
        symtab_free(&cvalues);
        if (e->nvalues == 0)
            ast_error(ctx, &e->name_loc, "enum \"%s\" has no values",
                      e->name);
    }
    symtab_free(&cnames);
}

/* ---------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------- */

static void check_type(ast_ctx *ctx, ast_schema *s, ast_column *c)
{
    ast_type *t = &c->type;

    switch (t->kind) {
    case AST_T_VARCHAR:
        if (t->a < 1 || t->a > MAX_VARCHAR)
            ast_error(ctx, &t->loc,
                      "varchar length must be between 1 and %d, not %lld",
                      MAX_VARCHAR, (long long)t->a);
        break;
    case AST_T_NUMERIC:
        if (t->a < 1 || t->a > MAX_NUMERIC)
            ast_error(ctx, &t->loc,
                      "numeric precision must be between 1 and %d, not %lld",
                      MAX_NUMERIC, (long long)t->a);
        else if (t->b < 0 || t->b > t->a)
            ast_error(ctx, &t->loc,
                      "numeric scale must be between 0 and the precision "
                      "%lld, not %lld", (long long)t->a, (long long)t->b);
        break;
    case AST_T_NAMED:
        t->enm = find_enum(s, t->name);
        if (!t->enm) {
            if (find_table(s, t->name))
                ast_error(ctx, &t->loc,
                          "\"%s\" is a table, not a type; use "
                          "references %s(...) for a foreign key",
                          t->name, t->name);
            else
                ast_error(ctx, &t->loc, "unknown type \"%s\"", t->name);
        }
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------
 * Defaults
 * ------------------------------------------------------------------- */

static bool parse_int64(const char *text, int64_t *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/*
 * Scales a decimal literal ("-12.5") by 10^scale into *out.  Fails when it
 * has more fraction digits than scale, or more than prec digits in all.
 */
static bool scale_decimal(const char *text, int prec, int scale,
                          int64_t *out)
{
    const char *p = text;
    bool neg = false;
    int64_t v = 0;
    int digits = 0, frac = -1;

    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    for (; *p; p++) {
        if (*p == '.') {
            frac = 0;
            continue;
        }
        if (frac >= 0 && ++frac > scale) {
            if (*p != '0')
                return false;
            continue;
        }
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p - '0');
        if (v)
            digits++;
    }
    for (frac = frac < 0 ? 0 : frac; frac < scale; frac++) {
        if (v > INT64_MAX / 10)
            return false;
        v *= 10;
        if (v)
            digits++;
    }
    if (digits > prec)
        return false;
    *out = neg ? -v : v;
    return true;
}

/* Digits before and after the point of a decimal literal. */
static bool decimal_fits(const char *text, int prec, int scale)
{
    const char *p = text + (*text == '-' || *text == '+');
    const char *dot = strchr(p, '.');
    size_t ip = dot ? (size_t)(dot - p) : strlen(p);
    size_t fp = dot ? strlen(dot + 1) : 0;

    while (ip > 0 && *p == '0')
        p++, ip--;
    while (fp > 0 && dot[fp] == '0')
        fp--;
    return (int)fp <= scale && (int)ip <= prec - scale;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 8-4-4-4-12 hex digits into 16 bytes. */
static bool parse_uuid(const char *s, size_t n, uint8_t out[16])
{
    size_t i, k = 0;
    int hi, lo;

    if (n != 36)
        return false;
    for (i = 0; i < n; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            continue;
        }
        hi = hexval((unsigned char)s[i]);
        lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[k++] = (uint8_t)(hi * 16 + lo);
        i++;
    }
    return k == 16;
}

/* Days from 1970-01-01 to a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && !leap);
}

/* 'YYYY-MM-DD' into days. */
static bool parse_date(const char *s, int64_t *days)
{
    int y, m, d, n = 0;

    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] ||
        n != 10 || !valid_date(y, m, d))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

/* 'YYYY-MM-DD HH:MM:SS[.ffffff][Z]' (or with T) into microseconds, UTC. */
static bool parse_timestamp(const char *s, int64_t *us)
{
    int y, mo, d, h, mi, sec, n = 0;
    int64_t frac = 0, days;
    int fd = 0;
    const char *p;

    if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
               &sec, &n) != 6 || n != 19 || !valid_date(y, mo, d) ||
        h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 || sec < 0)
        return false;
    p = s + n;
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, fd++)
            if (fd < 6)
                frac = frac * 10 + (*p - '0');
        if (fd == 0)
            return false;
        for (; fd < 6; fd++)
            frac *= 10;
    }
    if (*p == 'Z')
        p++;
    if (*p)
        return false;
    days = days_from_civil(y, mo, d);
    *us = ((days * 24 + h) * 60 + mi) * 60 + sec;
    *us = *us * 1000000 + frac;
    return true;
}

static bool default_int(const ast_column *c, const ast_literal *l,
                        model_default *out, const char **why)
{
    int64_t v;
    int64_t lo = INT64_MIN, hi = INT64_MAX;

    if (l->kind != AST_LIT_INT) {
        *why = "expected an integer";
        return false;
    }
    if (c->type.kind == AST_T_INT16)
        lo = INT16_MIN, hi = INT16_MAX;
    else if (c->type.kind == AST_T_INT32)
        lo = INT32_MIN, hi = INT32_MAX;
    if (!parse_int64(l->text, &v) || v < lo || v > hi) {
        *why = "out of range";
        return false;
    }
    out->i = v;
    return true;
}

static bool default_numeric(const ast_column *c, const ast_literal *l,
                            model_default *out, const char **why)
{
    int prec = (int)c->type.a, scale = (int)c->type.b;

    if (l->kind != AST_LIT_INT && l->kind != AST_LIT_DECIMAL) {
        *why = "expected a number";
        return false;
    }
    if (!decimal_fits(l->text, prec, scale)) {
        *why = "more digits than the precision and scale allow";
        return false;
    }
    if (model_is_scaled(&c->type))
        return scale_decimal(l->text, prec, scale, &out->i) ||
               (*why = "out of range", false);
    out->s = l->text;
    out->len = strlen(l->text);
    return true;
}

static bool default_string_typed(const ast_column *c, const ast_literal *l,
                                 model_default *out, const char **why)
{
    if (l->kind != AST_LIT_STRING) {
        *why = "expected a string";
        return false;
    }
    switch (c->type.kind) {
    case AST_T_VARCHAR:
        if ((int64_t)sc__utf8_chars((const unsigned char *)l->text,
                                    l->len) > c->type.a) {
            *why = "longer than the varchar allows";
            return false;
        }
        break;
    case AST_T_DATE:
        if (!parse_date(l->text, &out->i)) {
            *why = "expected 'YYYY-MM-DD' or now";
            return false;
        }
        return true;
    case AST_T_TIMESTAMP:
        if (!parse_timestamp(l->text, &out->i)) {
            *why = "expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) or now";
            return false;
        }
        return true;
    default:
        break;
    }
    out->s = l->text;
    out->len = l->len;
    return true;
}

bool model_column_default(ast_ctx *ctx, const ast_column *c,
                          model_default *out, const char **why)
{
    const ast_literal *l = c->dflt;
    const ast_enum *e;
    uint8_t *u;
    char *end;

    memset(out, 0, sizeof *out);
    *why = "does not fit the type";
    if (!l)
        return true;
    if (l->kind == AST_LIT_NULL) {
        out->kind = SC_DEFAULT_NULL;
        if (!c->nullable) {
            *why = "the column is not null";
            return false;
        }
        return true;
    }
    out->kind = SC_DEFAULT_VALUE;
    if (l->kind == AST_LIT_NOW) {
        out->kind = SC_DEFAULT_NOW;
        if (ast_lit_current_date(l) && c->type.kind != AST_T_DATE) {
            *why = "current_date is a default for date columns only";
            return false;
        }
        if (c->type.kind != AST_T_DATE && c->type.kind != AST_T_TIMESTAMP) {
            *why = "now is a default for date and timestamp columns only";
            return false;
        }
        return true;
    }
    switch (c->type.kind) {
    case AST_T_BOOL:
        if (l->kind != AST_LIT_TRUE && l->kind != AST_LIT_FALSE) {
            *why = "expected true or false";
            return false;
        }
        out->i = l->kind == AST_LIT_TRUE;
        return true;
    case AST_T_INT16:
    case AST_T_INT32:
    case AST_T_INT64:
        return default_int(c, l, out, why);
    case AST_T_FLOAT32:
    case AST_T_FLOAT64:
        if (l->kind != AST_LIT_INT && l->kind != AST_LIT_DECIMAL) {
            *why = "expected a number";
            return false;
        }
        out->f = strtod(l->text, &end);
        if (!isfinite(out->f) ||
            (c->type.kind == AST_T_FLOAT32 && fabs(out->f) > 3.4e38)) {
            *why = "out of range";
            return false;
        }
        return true;
    case AST_T_NUMERIC:
        return default_numeric(c, l, out, why);
    case AST_T_VARCHAR:
    case AST_T_TEXT:
    case AST_T_JSON:
    case AST_T_BYTES:
    case AST_T_DATE:
    case AST_T_TIMESTAMP:
        return default_string_typed(c, l, out, why);
    case AST_T_UUID:
        u = ast_alloc(ctx, 16);
        if (l->kind != AST_LIT_STRING || !parse_uuid(l->text, l->len, u)) {
            *why = "expected a uuid string 'xxxxxxxx-xxxx-xxxx-xxxx-"
                   "xxxxxxxxxxxx'";
            return false;
        }
        out->s = (const char *)u;
        out->len = 16;
        return true;
    case AST_T_NAMED:
        e = c->type.enm;
        if (!e)
            return true; /* unknown type, reported already */
        /* A label that is not a name is written as a string. */
        if ((l->kind != AST_LIT_IDENT && l->kind != AST_LIT_STRING) ||
            (out->i = enum_value_index(e, l->text)) < 0) {
            *why = "expected a value of the enum";
            return false;
        }
        return true;
    }
    return false;
}

/* "text" or "text(N)", for a message about a column stored as text. */
static const char *text_form(ast_ctx *ctx, const ast_column *c)
{
    char b[32];

    if (!c->fixed_frac)
        return "text";
    snprintf(b, sizeof b, "text(%lld)", (long long)c->frac);
    return ast_strdup(ctx, b);
}

/* The microseconds of the last digit of text(N), N from 0 to 5. */
static const int64_t frac_unit[] = {1000000, 100000, 10000, 1000, 100, 10};

static void check_default(ast_ctx *ctx, ast_column *c)
{
    model_default d;
    const char *why;

    if (!c->dflt)
        return;
    if (given(&c->autoincrement)) {
        ast_error(ctx, &c->dflt->loc,
                  "an autoincrement column cannot have a default");
        return;
    }
    if (!model_column_default(ctx, c, &d, &why)) {
        if ((c->dflt->kind == AST_LIT_IDENT ||
             c->dflt->kind == AST_LIT_STRING) && c->type.enm)
            ast_error(ctx, &c->dflt->loc,
                      "default \"%s\" is not a value of enum \"%s\"",
                      c->dflt->text, c->type.enm->name);
        else if (c->dflt->kind == AST_LIT_IDENT && model_is_pointer(c) &&
                 c->type.kind != AST_T_BYTES)
            ast_error(ctx, &c->dflt->loc,
                      "default for column \"%s\" of type %s: expected a "
                      "string, not the name \"%s\" (strings are written in "
                      "single quotes)", c->name, type_text(ctx, &c->type),
                      c->dflt->text);
        else
            ast_error(ctx, &c->dflt->loc,
                      "default for column \"%s\" of type %s: %s", c->name,
                      type_text(ctx, &c->type), why);
    } else if (c->format == AST_FMT_INTEGER && d.kind == SC_DEFAULT_VALUE &&
               d.i % 1000000 != 0) {
        /* Unix time holds whole seconds; the runtime refuses the rest. */
        ast_error(ctx, &c->dflt->loc,
                  "default for column \"%s\" stored as integer: whole "
                  "seconds only, not a fraction", c->name);
    } else if (c->fixed_frac && c->frac >= 0 && c->frac < 6 &&
               d.kind == SC_DEFAULT_VALUE &&
               d.i % frac_unit[c->frac] != 0) {
        /* text(N) is written with N digits; the runtime refuses more. */
        ast_error(ctx, &c->dflt->loc,
                  c->frac ? "default for column \"%s\" stored as "
                            "text(%lld): at most %lld fraction digits"
                          : "default for column \"%s\" stored as "
                            "text(%lld): whole seconds only, not a fraction",
                  c->name, (long long)c->frac, (long long)c->frac);
    }
}

/* ---------------------------------------------------------------------
 * Storage: stored as FORMAT [sqlite 'T'] [postgresql 'T']
 * ------------------------------------------------------------------- */

static const char *const format_words[] = {
    [AST_FMT_NATIVE] = "native", [AST_FMT_TEXT] = "text",
    [AST_FMT_REAL] = "real",     [AST_FMT_INTEGER] = "integer",
    [AST_FMT_HEX] = "hex",
};

/* The formats a type may be stored in, as words for a message; NULL when
 * it takes none. */
static const char *formats_of(ast_type_kind k)
{
    switch (k) {
    case AST_T_DATE:
        return "text";
    case AST_T_TIMESTAMP:
        return "text or integer";
    case AST_T_NUMERIC:
        return "text or real";
    case AST_T_UUID:
        return "text or hex";
    default:
        return NULL;
    }
}

static bool format_suits(ast_type_kind k, ast_format f)
{
    switch (f) {
    case AST_FMT_NATIVE:
        return true;
    case AST_FMT_TEXT:
        return formats_of(k) != NULL;
    case AST_FMT_REAL:
        return k == AST_T_NUMERIC;
    case AST_FMT_INTEGER:
        return k == AST_T_TIMESTAMP;
    case AST_FMT_HEX:
        return k == AST_T_UUID;
    }
    return false;
}

/* A declared type is pasted into DDL: letters, digits, blanks and the
 * punctuation of type names (numeric(10, 2), text[], "char", a.b). */
static bool valid_sql_type(const char *t)
{
    const char *p;

    if (*t == '\0')
        return false;
    for (p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(" \t_(),.[]\"", *p))
            return false;
    return true;
}

/* A clause of references given twice: the parser keeps the first. */
static void check_ref_clauses(ast_ctx *ctx, const ast_ref *r)
{
    if (given(&r->dup_loc))
        ast_error(ctx, &r->dup_loc, "%s is given twice in references %s(...)",
                  given(&r->deferrable) ? "an action or deferrable"
                                        : "an action", r->table);
}

static void check_storage(ast_ctx *ctx, ast_column *c)
{
    const char *takes;
    int d;

    if (!given(&c->stored_loc))
        return;
    if (!format_suits(c->type.kind, c->format)) {
        takes = formats_of(c->type.kind);
        if (takes)
            ast_error(ctx, &c->stored_loc,
                      "column \"%s\" of type %s cannot be stored as %s: %s "
                      "takes %s", c->name, type_text(ctx, &c->type),
                      format_words[c->format], ast_type_name(c->type.kind),
                      takes);
        else
            ast_error(ctx, &c->stored_loc,
                      "column \"%s\" of type %s cannot be stored as %s: "
                      "only date, timestamp, numeric and uuid take a format",
                      c->name, type_text(ctx, &c->type),
                      format_words[c->format]);
    } else if (c->fixed_frac && (c->type.kind != AST_T_TIMESTAMP ||
                                 c->frac > 6)) {
        ast_error(ctx, &c->stored_loc,
                  "column \"%s\" of type %s cannot be stored as text(%lld): "
                  "%s", c->name, type_text(ctx, &c->type), (long long)c->frac,
                  c->type.kind != AST_T_TIMESTAMP
                      ? "only a timestamp takes a count of fraction digits"
                      : "a timestamp keeps 0 to 6 fraction digits");
    }
    for (d = 1; d < AST_NDIALECTS; d++)
        if (c->sql_type[d] && c->sql_type[d][0] == '\0')
            ast_error(ctx, &c->stored_loc, "the %s type of column \"%s\" is "
                      "empty", sc__dialect_of((sc_dialect)d)->name, c->name);
        else if (c->sql_type[d] && !valid_sql_type(c->sql_type[d]))
            ast_error(ctx, &c->stored_loc,
                      "the %s type '%s' of column \"%s\" is not a type name: "
                      "it may hold letters, digits, blanks and _ ( ) , . [ ] "
                      "\"", sc__dialect_of((sc_dialect)d)->name, c->sql_type[d], c->name);
}

/* ---------------------------------------------------------------------
 * Columns and keys
 * ------------------------------------------------------------------- */

static void check_columns(ast_ctx *ctx, ast_schema *s, ast_table *t)
{
    ast_column *c, *d;
    int i = 0;

    for (c = t->columns; c; c = c->next) {
        c->index = i++;
        c->cname = names_c_ident(ctx, c->name);
        check_name_length(ctx, "column", c->name, &c->name_loc);
        check_reserved_name(ctx, s, NAME_KIND(CHECK_NAME_COLUMN), "column",
                            c->name, &c->name_loc);
        for (d = t->columns; d != c; d = d->next) {
            /* Names whose first letters differ in any case, and C names
             * whose first bytes differ, are none of the three below. */
            if (tolower((unsigned char)c->name[0]) !=
                    tolower((unsigned char)d->name[0]) &&
                c->cname[0] != d->cname[0])
                continue;
            if (strcmp(c->name, d->name) == 0) {
                ast_error(ctx, &c->name_loc,
                          "duplicate column \"%s\" in table \"%s\"", c->name,
                          t->name);
                ast_note(ctx, &d->name_loc, "previous definition is here");
                break;
            }
            if (strcasecmp_ascii(c->name, d->name) == 0) {
                ast_error(ctx, &c->name_loc,
                          "column \"%s\" differs from column \"%s\" only in "
                          "case", c->name, d->name);
                break;
            }
            if (strcmp(c->cname, d->cname) == 0) {
                ast_error(ctx, &c->name_loc,
                          "columns \"%s\" and \"%s\" of table \"%s\" would "
                          "both have the C name %s", d->name, c->name,
                          t->name, c->cname);
                break;
            }
        }
        check_storage(ctx, c);
        check_type(ctx, s, c);
        if (c->dup_modifiers > 0)
            ast_error(ctx, &c->dup_loc,
                      "\"%s\" is given twice for column \"%s\"",
                      c->dup_name, c->name);
        if (c->ref)
            check_ref_clauses(ctx, c->ref);
        if (given(&c->not_null) && given(&c->null_))
            ast_error(ctx, &c->null_,
                      "column \"%s\" is declared both null and not null",
                      c->name);
        if (given(&c->primary_key) && given(&c->null_))
            ast_error(ctx, &c->null_,
                      "primary key column \"%s\" cannot be null", c->name);
        if (given(&c->renamed_loc) && strcmp(c->renamed_from, c->name) == 0)
            ast_error(ctx, &c->renamed_loc,
                      "column \"%s\" is renamed from itself", c->name);
        if (c->collation && c->type.kind != AST_T_TEXT &&
            c->type.kind != AST_T_VARCHAR)
            ast_error(ctx, &c->collate_loc,
                      "column \"%s\" of type %s takes no collation: only "
                      "text and varchar do", c->name,
                      type_text(ctx, &c->type));
        else if (c->collation)
            check_name_length(ctx, "collation", c->collation,
                              &c->collate_loc);
    }
    t->ncolumns = i;
}

/* A field has_x must not collide with a column named has_x.  Run once
 * the key is known: a column is nullable only when it is not in it. */
static void check_flag_fields(ast_ctx *ctx, ast_table *t)
{
    ast_column *c, *d;
    const char *field, *other;

    for (c = t->columns; c; c = c->next) {
        field = names_field(ctx, c->cname);
        if (strncmp(field, "has_", 4) != 0)
            continue;
        for (d = t->columns; d; d = d->next) {
            if (d == c || !model_has_flag(d))
                continue;
            other = d->cname;
            if (strcmp(field + 4, other) == 0)
                ast_error(ctx, &c->name_loc,
                          "column \"%s\" collides with the null flag of "
                          "column \"%s\"", c->name, d->name);
        }
    }
}

static void check_name_list(ast_ctx *ctx, ast_table *t, ast_name *list,
                            const char *what)
{
    ast_name *n, *m;

    for (n = list; n; n = n->next) {
        n->column = find_column(t, n->name);
        if (!n->column)
            ast_error(ctx, &n->loc, "unknown column \"%s\" in %s of table "
                      "\"%s\"", n->name, what, t->name);
        for (m = list; m != n; m = m->next)
            if (strcmp(m->name, n->name) == 0) {
                ast_error(ctx, &n->loc, "column \"%s\" appears twice in %s",
                          n->name, what);
                break;
            }
    }
}

static void check_primary_key(ast_ctx *ctx, ast_table *t)
{
    const ast_loc *first = NULL;
    ast_column *c;
    ast_item *it;
    ast_name *n;
    int autoinc = 0;

    for (c = t->columns; c; c = c->next) {
        if (!given(&c->primary_key))
            continue;
        if (first) {
            ast_error(ctx, &c->primary_key,
                      "table \"%s\" has two primary keys; use primary key "
                      "(a, b) for a composite key", t->name);
            ast_note(ctx, first, "first primary key is here");
        } else {
            first = &c->primary_key;
        }
        c->is_pk = true;
    }
    for (it = t->items; it; it = it->next) {
        if (it->kind != AST_ITEM_PRIMARY_KEY)
            continue;
        if (first) {
            ast_error(ctx, &it->loc, "table \"%s\" has two primary keys",
                      t->name);
            ast_note(ctx, first, "first primary key is here");
            continue;
        }
        first = &it->loc;
        check_name_list(ctx, t, it->cols, "the primary key");
        for (n = it->cols; n; n = n->next)
            if (n->column) {
                n->column->is_pk = true;
                if (given(&n->column->null_))
                    ast_error(ctx, &n->loc,
                              "primary key column \"%s\" cannot be null",
                              n->name);
            }
    }

    for (c = t->columns; c; c = c->next) {
        c->nullable = !given(&c->not_null) && !c->is_pk;
        if (!given(&c->autoincrement))
            continue;
        if (autoinc++) {
            ast_error(ctx, &c->autoincrement,
                      "table \"%s\" has more than one autoincrement column",
                      t->name);
            continue;
        }
        t->autoinc = c;
        if (c->type.kind != AST_T_INT64 && c->type.kind != AST_T_INT32 &&
            c->type.kind != AST_T_INT16)
            ast_error(ctx, &c->autoincrement,
                      "autoincrement column \"%s\" must be an integer, not %s",
                      c->name, c->type.kind == AST_T_NAMED
                                   ? c->type.name
                                   : ast_type_name(c->type.kind));
        else if (!given(&c->primary_key))
            ast_error(ctx, &c->autoincrement,
                      "autoincrement column \"%s\" must be the table's only "
                      "primary key column", c->name);
    }
}

/* Is every column of the list resolved and not null? */
static bool all_not_null(const ast_name *n)
{
    for (; n; n = n->next)
        if (!n->column || n->column->nullable)
            return false;
    return true;
}

static bool loc_before(const ast_loc *a, const ast_loc *b)
{
    return a->first_line < b->first_line ||
           (a->first_line == b->first_line &&
            a->first_column < b->first_column);
}

/*
 * The key of get, update and delete: the primary key, else the first
 * unique, in source order, column or table level, whose columns are all
 * not null; none when there is neither.  Runs once the names of the
 * table's items are resolved.
 */
static void set_key(ast_ctx *ctx, ast_table *t)
{
    const ast_column *pk[64];
    const ast_loc *best = NULL;
    const ast_item *it, *best_item = NULL;
    ast_column *c, *best_col = NULL;
    const ast_name *n;
    int k = model_primary_key(t, pk, 64);

    t->key = NULL;
    t->nkey = 0;
    t->key_is_pk = k > 0;
    if (k > 0) {
        t->key = ast_alloc(ctx, sizeof *t->key * (size_t)k);
        memcpy(t->key, pk, sizeof *t->key * (size_t)k);
        t->nkey = k;
        return;
    }
    for (c = t->columns; c; c = c->next)
        if (given(&c->unique) && !c->nullable) {
            best = &c->unique;
            best_col = c;
            break;
        }
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_UNIQUE && all_not_null(it->cols)) {
            if (!best || loc_before(&it->loc, best)) {
                best_item = it;
                best_col = NULL;
            }
            break;
        }
    if (best_col) {
        t->key = ast_alloc(ctx, sizeof *t->key);
        t->key[0] = best_col;
        t->nkey = 1;
    } else if (best_item) {
        for (n = best_item->cols; n; n = n->next)
            k++;
        t->key = ast_alloc(ctx, sizeof *t->key * (size_t)k);
        for (n = best_item->cols; n; n = n->next)
            t->key[t->nkey++] = n->column;
    }
}

/* ---------------------------------------------------------------------
 * References
 * ------------------------------------------------------------------- */

static bool is_text_kind(ast_type_kind k)
{
    return k == AST_T_TEXT || k == AST_T_VARCHAR;
}

/* Types a foreign key may join: the same, or text and varchar(n), which
 * share their C type. */
static bool same_type(const ast_type *a, const ast_type *b)
{
    if (is_text_kind(a->kind) && is_text_kind(b->kind))
        return true;
    if (a->kind != b->kind || a->local != b->local)
        return false;
    if (a->kind == AST_T_NUMERIC)
        return a->a == b->a && a->b == b->b;
    if (a->kind == AST_T_NAMED)
        return a->enm == b->enm;
    return true;
}

static const char *type_text(ast_ctx *ctx, const ast_type *t)
{
    char tmp[64];

    switch (t->kind) {
    case AST_T_VARCHAR:
        snprintf(tmp, sizeof tmp, "varchar(%lld)", (long long)t->a);
        return ast_strdup(ctx, tmp);
    case AST_T_NUMERIC:
        snprintf(tmp, sizeof tmp, "numeric(%lld,%lld)", (long long)t->a,
                 (long long)t->b);
        return ast_strdup(ctx, tmp);
    case AST_T_NAMED:
        return t->name;
    case AST_T_TIMESTAMP:
        return t->local ? "timestamp without time zone" : "timestamp";
    default:
        return ast_type_name(t->kind);
    }
}

/* Is the column list exactly the target's primary key or a unique set? */
static bool is_unique_target(const ast_table *t, const ast_name *cols)
{
    const ast_column *pk[64];
    const ast_item *it;
    const ast_name *n, *m;
    int npk, k, count = 0;
    bool found;

    for (n = cols; n; n = n->next)
        count++;
    if (count == 1 && cols->column &&
        (given(&cols->column->unique) ||
         (cols->column->is_pk && model_primary_key(t, pk, 64) == 1)))
        return true;
    npk = model_primary_key(t, pk, 64);
    if (npk == count) {
        found = true;
        for (n = cols; n && found; n = n->next) {
            found = false;
            for (k = 0; k < npk; k++)
                if (pk[k] == n->column)
                    found = true;
        }
        if (found)
            return true;
    }
    for (it = t->items; it; it = it->next) {
        int len = 0;

        if (it->kind != AST_ITEM_UNIQUE)
            continue;
        for (m = it->cols; m; m = m->next)
            len++;
        if (len != count)
            continue;
        found = true;
        for (n = cols; n && found; n = n->next) {
            found = false;
            for (m = it->cols; m; m = m->next)
                if (m->column == n->column)
                    found = true;
        }
        if (found)
            return true;
    }
    return false;
}

static void check_ref(ast_ctx *ctx, ast_schema *s, ast_table *t,
                      ast_name *local, ast_ref *r)
{
    ast_name *n, *m;
    int nl = 0, nr = 0;

    r->target = find_table(s, r->table);
    if (!r->target) {
        ast_error(ctx, &r->table_loc, "unknown table \"%s\" in references",
                  r->table);
        return;
    }
    for (n = r->cols; n; n = n->next) {
        nr++;
        n->column = find_column(r->target, n->name);
        if (!n->column)
            ast_error(ctx, &n->loc,
                      "unknown column \"%s\" in references %s(...)", n->name,
                      r->table);
    }
    for (n = local; n; n = n->next)
        nl++;
    if (nl != nr) {
        ast_error(ctx, &r->loc,
                  "foreign key has %d column%s but references %d", nl,
                  nl == 1 ? "" : "s", nr);
        return;
    }
    for (n = local, m = r->cols; n && m; n = n->next, m = m->next) {
        if (!n->column || !m->column)
            return;
        if (!same_type(&n->column->type, &m->column->type))
            ast_error(ctx, &m->loc,
                      "foreign key column \"%s\" is %s but %s.%s is %s",
                      n->column->name, type_text(ctx, &n->column->type),
                      r->table, m->column->name,
                      type_text(ctx, &m->column->type));
        else if (n->column->format != m->column->format)
            ast_error(ctx, &m->loc,
                      "foreign key column \"%s\" is stored %s%s but %s.%s "
                      "%s%s", n->column->name,
                      n->column->format ? "as " : "in schemac's form",
                      n->column->format ? format_words[n->column->format]
                                        : "",
                      r->table, m->column->name,
                      m->column->format ? "as " : "in schemac's form",
                      m->column->format ? format_words[m->column->format]
                                        : "");
        else if (n->column->fixed_frac != m->column->fixed_frac ||
                 n->column->frac != m->column->frac)
            ast_error(ctx, &m->loc,
                      "foreign key column \"%s\" is stored as %s but %s.%s "
                      "as %s", n->column->name, text_form(ctx, n->column),
                      r->table, m->column->name, text_form(ctx, m->column));
        if (r->on_delete == AST_ACT_SET_NULL && !n->column->nullable)
            ast_error(ctx, &r->loc,
                      "on delete set null, but column \"%s\" is not null",
                      n->column->name);
        if (r->on_update == AST_ACT_SET_NULL && !n->column->nullable)
            ast_error(ctx, &r->loc,
                      "on update set null, but column \"%s\" is not null",
                      n->column->name);
        if ((r->on_delete == AST_ACT_SET_DEFAULT ||
             r->on_update == AST_ACT_SET_DEFAULT) && !n->column->dflt)
            ast_error(ctx, &r->loc,
                      "set default, but column \"%s\" has no default",
                      n->column->name);
    }
    if (!is_unique_target(r->target, r->cols))
        ast_error(ctx, &r->loc,
                  "references %s(...): the referenced columns are neither "
                  "the primary key nor unique", r->table);
    (void)t;
}

static void check_refs(ast_ctx *ctx, ast_schema *s, ast_table *t)
{
    ast_column *c;
    ast_item *it;
    ast_name self;

    for (c = t->columns; c; c = c->next) {
        if (!c->ref)
            continue;
        memset(&self, 0, sizeof self);
        self.name = c->name;
        self.loc = c->name_loc;
        self.column = c;
        check_ref(ctx, s, t, &self, c->ref);
    }
    for (it = t->items; it; it = it->next) {
        if (it->kind != AST_ITEM_FOREIGN_KEY)
            continue;
        check_name_list(ctx, t, it->cols, "the foreign key");
        check_ref_clauses(ctx, it->ref);
        check_ref(ctx, s, t, it->cols, it->ref);
    }
}

/* ---------------------------------------------------------------------
 * Table items: uniques, indexes
 * ------------------------------------------------------------------- */

/* Constraint and index names seen so far, across tables in declaration
 * order: PostgreSQL keeps the names of indexes (and of the unique and
 * primary key constraints, which are indexes) in one namespace with the
 * tables, and the runtime maps a failing constraint back by its name. */
static symtab index_names;

static void check_expr(ast_ctx *ctx, ast_table *t, ast_column *own,
                       ast_expr *e, const char *what);
static bool check_expr_shape(ast_ctx *ctx, const ast_expr *e,
                             const char *what);

static const char *item_word(const ast_item *it)
{
    static const char *const words[] = {
        [AST_ITEM_PRIMARY_KEY] = "primary key", [AST_ITEM_UNIQUE] = "unique",
        [AST_ITEM_INDEX] = "index", [AST_ITEM_FOREIGN_KEY] = "foreign key",
        [AST_ITEM_CHECK] = "check",
    };

    return words[it->kind];
}

static void check_item_name(ast_ctx *ctx, ast_schema *s, ast_item *it)
{
    const ast_item *jt;
    bool both_index;

    check_name_length(ctx, it->kind == AST_ITEM_INDEX ? "index"
                                                       : "constraint",
                      it->name, &it->name_loc);
    if (it->kind == AST_ITEM_INDEX)
        check_reserved_name(ctx, s, NAME_KIND(CHECK_NAME_INDEX), "index",
                            it->name, &it->name_loc);
    else
        check_reserved_name(ctx, s, NAME_CONSTRAINT, "constraint", it->name,
                            &it->name_loc);
    if (find_table(s, it->name))
        ast_error(ctx, &it->name_loc, "%s \"%s\" has the name of a table",
                  it->kind == AST_ITEM_INDEX ? "index" : "constraint",
                  it->name);
    /* Compare with the names declared before this one. */
    jt = symtab_put(&index_names, it->name, it);
    if (!jt)
        return;
    both_index = it->kind == AST_ITEM_INDEX && jt->kind == AST_ITEM_INDEX;
    if (both_index)
        ast_error(ctx, &it->name_loc, "duplicate index \"%s\"", it->name);
    else
        ast_error(ctx, &it->name_loc, "duplicate constraint name \"%s\": "
                  "it also names a %s", it->name, item_word(jt));
    ast_note(ctx, &jt->name_loc, "previous definition is here");
}

/* The elements of an index with expressions or operator classes, and
 * the predicate of a partial index, resolved like checks. */
static void check_index_parts(ast_ctx *ctx, ast_table *t, ast_item *it)
{
    ast_ielem *e;

    for (e = it->elems; e; e = e->next) {
        if (e->column) {
            e->col = find_column(t, e->column);
            if (!e->col)
                ast_error(ctx, &e->loc, "unknown column \"%s\" in index of "
                          "table \"%s\"", e->column, t->name);
        } else if (check_expr_shape(ctx, e->expr, "index expression")) {
            check_expr(ctx, t, NULL, e->expr, "index");
        }
    }
    if (it->where && check_expr_shape(ctx, it->where, "index predicate"))
        check_expr(ctx, t, NULL, it->where, "the where of an index");
}

static void check_items(ast_ctx *ctx, ast_schema *s, ast_table *t)
{
    ast_item *it;

    for (it = t->items; it; it = it->next) {
        if (it->kind == AST_ITEM_UNIQUE)
            check_name_list(ctx, t, it->cols, "unique");
        if (it->kind == AST_ITEM_INDEX) {
            check_name_list(ctx, t, it->cols, "index");
            check_index_parts(ctx, t, it);
        }
        if (it->name)
            check_item_name(ctx, s, it);
    }
}

/* ---------------------------------------------------------------------
 * check (...) expressions
 * ------------------------------------------------------------------- */

static bool known_function(const char *name, int nargs)
{
    static const struct {
        const char *name;
        int min, max;
    } fns[] = {
        {"length", 1, 1}, {"lower", 1, 1}, {"upper", 1, 1},
        {"abs", 1, 1},    {"trim", 1, 1},  {"coalesce", 2, 16},
    };
    size_t i;

    for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (strcmp(fns[i].name, name) == 0)
            return nargs >= fns[i].min && nargs <= fns[i].max;
    return false;
}

static void check_expr(ast_ctx *ctx, ast_table *t, ast_column *own,
                       ast_expr *e, const char *what)
{
    ast_exprlist *a;
    int n = 0;

    if (!e)
        return;
    switch (e->kind) {
    case AST_E_COLUMN:
        e->column = find_column(t, e->name);
        if (!e->column)
            ast_error(ctx, &e->loc,
                      "unknown column \"%s\" in %s of table \"%s\"",
                      e->name, what, t->name);
        else if (own && e->column != own)
            ast_error(ctx, &e->loc,
                      "the check of column \"%s\" refers to column \"%s\"; "
                      "use a table check (...) for several columns",
                      own->name, e->name);
        return;
    case AST_E_LITERAL:
        if (e->lit->kind == AST_LIT_NOW)
            ast_error(ctx, &e->loc, "now cannot be used in %s%s",
                      strcmp(what, "check") == 0 ? "a " : "", what);
        else if (e->lit->kind == AST_LIT_IDENT)
            ast_error(ctx, &e->loc, "unknown column \"%s\" in %s",
                      e->lit->text, what);
        return;
    case AST_E_CALL:
        for (a = e->args; a; a = a->next)
            n++;
        if (!known_function(e->name, n))
            ast_error(ctx, &e->loc,
                      "unknown function %s with %d argument%s in %s "
                      "(known: length, lower, upper, abs, trim, coalesce)",
                      e->name, n, n == 1 ? "" : "s", what);
        break;
    default:
        break;
    }
    check_expr(ctx, t, own, e->lhs, what);
    check_expr(ctx, t, own, e->rhs, what);
    for (a = e->args; a; a = a->next)
        check_expr(ctx, t, own, a->expr, what);
}

static bool opens_level(const ast_expr *e)
{
    return e->kind == AST_E_PAREN || e->kind == AST_E_CALL ||
           e->kind == AST_E_IN || e->kind == AST_E_UNARY;
}

static const ast_expr *deeper(const ast_expr *a, const ast_expr *b,
                              bool by_nesting)
{
    if (a == NULL || b == NULL)
        return a ? a : b;
    if (by_nesting)
        return b->nesting > a->nesting ? b : a;
    return b->depth > a->depth ? b : a;
}

/* The child of e on its deepest path, by nesting or by depth. */
static const ast_expr *deepest_child(const ast_expr *e, bool by_nesting)
{
    const ast_expr *best = deeper(e->lhs, e->rhs, by_nesting);
    const ast_exprlist *a;

    for (a = e->args; a; a = a->next)
        best = deeper(best, a->expr, by_nesting);
    return best;
}

/*
 * Refuses an expression too deep for the databases, pointing at the first
 * level past the limit.  It walks down without recursing, since the tree
 * may be as deep as the file is long.
 */
static bool check_expr_shape(ast_ctx *ctx, const ast_expr *e,
                             const char *what)
{
    bool by_nesting = e->nesting > MAX_EXPR_NESTING;
    int level = 0, limit = by_nesting ? MAX_EXPR_NESTING : MAX_EXPR_DEPTH;
    const ast_expr *at;

    if (!by_nesting && e->depth <= MAX_EXPR_DEPTH)
        return true;
    for (at = e; at != NULL; at = deepest_child(at, by_nesting)) {
        if (!by_nesting || opens_level(at))
            level++;
        if (level > limit)
            break;
    }
    if (at == NULL)
        at = e;
    if (by_nesting)
        ast_error(ctx, &at->loc, "%s nested too deeply: more "
                  "than %d levels of parentheses, calls, not and minus",
                  what, MAX_EXPR_NESTING);
    else
        ast_error(ctx, &at->loc, "%s too deep: more than %d "
                  "levels of operators", what, MAX_EXPR_DEPTH);
    return false;
}

static void check_one_check(ast_ctx *ctx, ast_table *t, ast_column *own,
                            ast_expr *e)
{
    if (e != NULL && check_expr_shape(ctx, e, "check expression"))
        check_expr(ctx, t, own, e, "check");
}

/* backfill (expr) and using (expr): checked as a table's check is, so
 * they may name any column of the table (using reads the row as it was
 * before the change, under the names of this schema). */
static void check_migration_exprs(ast_ctx *ctx, ast_table *t,
                                  ast_column *c)
{
    if (c->backfill &&
        check_expr_shape(ctx, c->backfill, "backfill expression"))
        check_expr(ctx, t, NULL, c->backfill, "backfill");
    if (c->using_ && check_expr_shape(ctx, c->using_, "using expression"))
        check_expr(ctx, t, NULL, c->using_, "using");
}

static void check_checks(ast_ctx *ctx, ast_table *t)
{
    ast_column *c;
    ast_item *it;

    for (c = t->columns; c; c = c->next) {
        check_one_check(ctx, t, c, c->check);
        check_migration_exprs(ctx, t, c);
    }
    for (it = t->items; it; it = it->next)
        if (it->kind == AST_ITEM_CHECK)
            check_one_check(ctx, t, NULL, it->check);
}

/* ---------------------------------------------------------------------
 * Renames
 * ------------------------------------------------------------------- */

static void check_renames(ast_ctx *ctx, ast_schema *s, ast_table *t)
{
    ast_column *c, *d;
    ast_table *u;

    for (c = t->columns; c; c = c->next) {
        if (!given(&c->renamed_loc))
            continue;
        for (d = t->columns; d; d = d->next) {
            if (d != c && strcmp(d->name, c->renamed_from) == 0)
                ast_error(ctx, &c->renamed_loc,
                          "column \"%s\" is renamed from \"%s\", which is "
                          "still a column of table \"%s\"", c->name,
                          c->renamed_from, t->name);
            if (d != c && given(&d->renamed_loc) && d->index < c->index &&
                strcmp(d->renamed_from, c->renamed_from) == 0)
                ast_error(ctx, &c->renamed_loc,
                          "columns \"%s\" and \"%s\" are both renamed from "
                          "\"%s\"", d->name, c->name, c->renamed_from);
        }
    }
    if (!t->renamed_from)
        return;
    /* Every table of that name, from the first on. */
    for (u = find_table(s, t->renamed_from); u; u = u->next)
        if (strcmp(u->name, t->renamed_from) == 0)
            ast_error(ctx, &t->renamed_loc,
                      "table \"%s\" is renamed from \"%s\", which is still a "
                      "table", t->name, t->renamed_from);
}

/* ---------------------------------------------------------------------
 * Upper-case C names: macros the generated header defines
 * ------------------------------------------------------------------- */

typedef struct macro_name {
    const char *name;  /* PYCON_USERS_USER_EMAIL */
    /* What spells it, put into words only for a message: kind "column",
     * what "user_email", table "users" (or NULL). */
    const char *kind, *what, *table;
    const ast_loc *loc;
} macro_name;

static char *what_text(ast_ctx *ctx, const char *kind, const char *name,
                       const char *table);

/*
 * Reports each name of m[0..k) that an earlier one already spells, with
 * the latest earlier one.  A hash of the names finds them in one pass;
 * the report order does not matter, diagnostics print sorted by place.
 */
static void report_macro_clashes(ast_ctx *ctx, const macro_name *m, size_t k)
{
    symtab seen;
    size_t *last = ast_alloc(ctx, sizeof *last * (k + 1)), i, f;
    const macro_name *first, *prev;

    symtab_init(&seen, false);
    for (i = 0; i < k; i++) {
        first = symtab_put(&seen, m[i].name, (void *)&m[i]);
        if (first == NULL) {
            last[i] = i;
            continue;
        }
        f = (size_t)(first - m);
        prev = &m[last[f]];
        ast_error(ctx, m[i].loc,
                  "the generated name %s of %s is also that of %s",
                  m[i].name, what_text(ctx, m[i].kind, m[i].what, m[i].table),
                  what_text(ctx, prev->kind, prev->what, prev->table));
        last[f] = i;
    }
    symtab_free(&seen);
}

static char *what_text(ast_ctx *ctx, const char *kind, const char *name,
                       const char *table)
{
    char tmp[256];

    snprintf(tmp, sizeof tmp, table ? "%s \"%.60s\" of table \"%.60s\""
                                    : "%s \"%.60s\"", kind, name, table);
    return ast_strdup(ctx, tmp);
}

/*
 * The header defines upper-case names built from several schema names:
 * a bit per column (SCHEMA_TABLE_COLUMN), an initializer per row type
 * (SCHEMA_ROW_INIT), a constant per enum value (SCHEMA_ENUM_VALUE).  Two
 * different things may spell the same one (table "order" column
 * "line_id", table "order_line" column "id"); C would reject the header,
 * so the schema is refused here, with both named.
 */
static void check_macro_names(ast_ctx *ctx, ast_schema *s)
{
    const ast_table *t;
    const ast_column *c;
    const ast_enum *e;
    const ast_enum_value *v;
    macro_name *m;
    char *prefix;
    size_t n = 1, k = 0;

    for (t = s->tables; t; t = t->next)
        n += (size_t)t->ncolumns + 1;
    for (e = s->enums; e; e = e->next)
        n += (size_t)e->nvalues;
    m = ast_alloc(ctx, sizeof *m * n);
    for (t = s->tables; t; t = t->next) {
        prefix = (char *)names_upper(ctx, s->name, t->row_name);
        m[k].name = names_upper(ctx, prefix, "INIT");
        m[k].kind = "the row type of table";
        m[k].what = t->name;
        m[k].table = NULL;
        m[k].loc = &t->name_loc;
        k++;
        prefix = (char *)names_upper(ctx, s->name, t->cname);
        for (c = t->columns; c; c = c->next, k++) {
            m[k].name = names_upper(ctx, prefix, c->cname);
            m[k].kind = "column";
            m[k].what = c->name;
            m[k].table = t->name;
            m[k].loc = &c->name_loc;
        }
    }
    for (e = s->enums; e; e = e->next) {
        prefix = (char *)names_upper(ctx, s->name, e->cname);
        for (v = e->values; v; v = v->next, k++) {
            m[k].name = names_upper(ctx, prefix, v->cname);
            m[k].kind = "value";
            m[k].what = v->name;
            m[k].table = NULL;
            m[k].loc = &v->loc;
        }
    }
    report_macro_clashes(ctx, m, k);
}

/* ---------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------- */

static int check(ast_ctx *ctx, bool c_names)
{
    ast_schema *s = ctx->schema;
    ast_table *t;
    ast_column *c;
    int i = 0;

    if (!s) {
        static const ast_loc start = {1, 1, 1, 1};

        ast_error(ctx, &start, "no schema declaration");
        return ctx->nerrors;
    }
    check_name_length(ctx, "schema", s->name, &s->loc);
    s->ntables = 0;
    s->nenums = 0;
    if (s->name && !ast_is_plain_name(s->name))
        ast_error(ctx, &s->loc, "schema name \"%s\" is the C prefix of "
                  "everything generated: it must be a C identifier, not a "
                  "quoted name", s->name);
    for (t = s->tables; t; t = t->next) {
        t->index = i++;
        t->cname = names_c_ident(ctx, t->name);
        t->row_name = names_singular(ctx, t->cname);
        s->ntables++;
    }
    for (ast_enum *e = s->enums; e; e = e->next) {
        e->cname = names_c_ident(ctx, e->name);
        s->nenums++;
    }
    for (const ast_sqlblock *q = s->sqlblocks; q; q = q->next)
        if (!ast_schema_for(s, q->dialect))
            ast_error(ctx, &q->loc, "a sql %s block in schema %s, which is "
                      "not for %s: nothing would run it",
                      ast_dialect_name(q->dialect), s->name,
                      ast_dialect_name(q->dialect));
    lookups_build(s);
    check_enums(ctx, s);
    check_table_names(ctx, s);
    symtab_init(&index_names, false);
    for (t = s->tables; t; t = t->next) {
        check_columns(ctx, s, t);
        check_primary_key(ctx, t);
        check_flag_fields(ctx, t);
        check_items(ctx, s, t);
        set_key(ctx, t);
        check_checks(ctx, t);
        check_renames(ctx, s, t);
    }
    symtab_free(&index_names);
    /* References need every table's keys resolved first. */
    for (t = s->tables; t; t = t->next) {
        check_refs(ctx, s, t);
        for (c = t->columns; c; c = c->next)
            check_default(ctx, c);
    }
    lookups_free();
    if (c_names && ctx->nerrors == 0)
        check_macro_names(ctx, s);
    order_tables(ctx);
    /* Last, the names the C files would declare, which only the C
     * emitter knows how to make. */
    if (c_names && ctx->nerrors == 0)
        emit_c_check_names(ctx);
    return ctx->nerrors;
}

int check_schema(ast_ctx *ctx)
{
    return check(ctx, true);
}

int check_schema_for_sql(ast_ctx *ctx)
{
    return check(ctx, false);
}
