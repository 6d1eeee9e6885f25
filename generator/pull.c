/*
 * pull.c - schemac pull --db URL: writes a .schema from the structure of
 * an existing database, for a project that adopts schemac on a database
 * another tool made, saying how that database really keeps its data.
 *
 * The structure comes from catalog.c, the reader schemac check uses too,
 * so that check of the pulled schema against the same database finds
 * nothing.  Each column's type is the language's for the declared one,
 * with the forms of SPEC section 2, "Databases schemac did not make": on
 * SQLite by affinity and by the storage classes the rows hold (a DATETIME
 * of texts is a timestamp stored as text, a DECIMAL(10,2) a numeric
 * stored as real, a CHAR(32) of hex digits a uuid stored as hex), the
 * declared type kept as sqlite 'TYPE' wherever schemac would write
 * another, `not strict` for a table without STRICT; on PostgreSQL by
 * format_type(), anything the language lacks (inet, arrays, a domain) as
 * text or its base type stored as postgresql 'TYPE'.  Names of
 * constraints and indexes are kept where they differ from schemac's own;
 * views, triggers, functions, domains and partitionings become sql
 * blocks in the database's own text.  A database schemac made comes back
 * with its bool, int16, int32, varchar(n), uuid, json and enum columns,
 * which its CHECKs tell.
 *
 * The text is written in a plain form, then compiled and printed by fmt,
 * so the result is in the project's layout and is known to compile.  A
 * line the compiler refuses (a check calling a function the language
 * does not have, an index over an expression it cannot say) is replaced
 * by its fallback (a comment, or an sql block with the database's text)
 * and the text compiled again.  Whatever ends as a comment only is lost
 * to the schema, and pull then exits 1, the schema written all the same.
 */
#include "pull.h"

#include "buf.h"
#include "catalog.h"
#include "checker.h"
#include "dialect.h"
#include "emit_sql.h"
#include "fmt.h"
#include "frontend.h"
#include "schemac.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXIT_USER  1
#define EXIT_USAGE 2
#define MAX_ROUNDS 64

static const char usage_pull[] =
    "usage: schemac pull --db URL [--name NAME] [-o FILE]\n"
    "\n"
    "Reads the structure of the database at URL (tables, columns, keys,\n"
    "constraints, indexes, enum types, and as sql blocks its views,\n"
    "triggers, functions, domains and partitionings) and writes it as a\n"
    "schema (to FILE, or to the standard output) that says how the\n"
    "database keeps its data.  Exits 1 when the database cannot be read,\n"
    "or when something could only be kept as a comment (the schema is\n"
    "written all the same, for editing).\n"
    "\n"
    "  --db URL     the database: sqlite:PATH, postgresql://... or\n"
    "               mariadb://... (required)\n"
    "  --name NAME  the schema's name (default: the database's)\n"
    "  -o FILE      write FILE instead of the standard output\n";

/* ---- the text being written ------------------------------------------ */

/* A piece of the plain text (one or more whole lines), and what replaces
 * it when the compiler refuses it. */
typedef struct pline {
    const char *text;
    const char *fallback; /* NULL: nothing better, the pull fails */
    bool fallback_lost;   /* the fallback keeps only a comment */
    bool lost;            /* the text itself is only a comment */
    bool use_fallback;
    bool hidden;          /* written only once alt of another is used */
    struct pline *alt;    /* shown when this one falls back */
    int first, last;      /* its lines in the text last compiled */
    int round;            /* the round that put the fallback in */
    const char *where;    /* "table" or "table.column", for messages */
    struct pline *next;
} pline;

typedef struct penum {
    const char *name;
    buf values;
    struct penum *next;
} penum;

/* A column while its line is written. */
typedef struct pcol {
    const char *type;     /* the language's, as written */
    ast_type_kind kind;
    int64_t a, b;
    bool local;
    ast_format format;
    int frac;             /* stored as text(N): N, from 1; 0 without */
    const char *sql_type; /* the declared type, when not schemac's */
    bool enum_type;
    bool autoinc;
    bool typed_by_check;  /* SQLite: its ck_TABLE_COLUMN gave the type */
    const char *note;     /* a comment at the end of its line */
    bool lost;            /* the note says something is not carried */
} pcol;

typedef struct pull {
    ast_ctx *pool;
    cat_db cat;
    int d;                /* AST_D_* */
    const sc__dialect *D;
    const char *dname;    /* "sqlite", "postgresql", "mariadb" */
    pline *lines, **lines_end;
    pline *blocks, **blocks_end; /* sql blocks that go after the tables */
    penum *enums, **enums_end;
    const char *where;     /* the table being written, or NULL */
    const char **consumed; /* the checks that gave a column its type */
    int nconsumed, capconsumed;
    const char *dbname;
} pull;

static const char *dup(pull *p, const char *s)
{
    return ast_strdup(p->pool, s ? s : "");
}

static const char *fmtd(pull *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *fmtd(pull *p, const char *fmt, ...)
{
    va_list ap;
    buf b;
    const char *s;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    s = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static pline *add_line(pull *p, pline ***end, const char *text)
{
    pline *l = ast_alloc(p->pool, sizeof *l);

    l->text = dup(p, text);
    **end = l;
    *end = &l->next;
    return l;
}

static pline *line(pull *p, const char *text)
{
    pline *l = add_line(p, &p->lines_end, text);

    l->where = p->where;
    return l;
}

/* A name as the language writes it. */
static const char *nm(pull *p, const char *name)
{
    return ast_name_spelling(p->pool, name, true);
}

/* "a, b" of catalog names, each as the language writes it. */
static const char *nm_list(pull *p, const char *cols)
{
    buf b;
    const char *s = cols, *comma, *out;

    buf_init(&b);
    while (s && *s) {
        comma = strstr(s, ", ");
        if (b.len)
            buf_puts(&b, ", ");
        buf_puts(&b, nm(p, ast_strndup(p->pool, s, comma ? (size_t)(comma - s)
                                                          : strlen(s))));
        s = comma ? comma + 2 : NULL;
    }
    out = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* "a_b" from "a, b": the tail of schemac's constraint names. */
static const char *joined(pull *p, const char *cols)
{
    buf b;
    const char *s, *out;

    buf_init(&b);
    for (s = cols ? cols : ""; *s; s++) {
        if (s[0] == ',' && s[1] == ' ')
            buf_putc(&b, '_'), s++;
        else
            buf_putc(&b, *s);
    }
    out = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* Whether a name the database gives is the one schemac would: on SQLite
 * no name at all stands for schemac's too. */
static bool default_name(pull *p, const char *have, const char *kind,
                         const char *table, const char *rest)
{
    if (!have)
        return true;
    return strcmp(have, emit_sql_constraint_name(p->pool, kind, table,
                                                 rest)) == 0;
}

/* True when s holds w, in any case. */
static bool holds(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (; s && *s; s++)
        if (strncasecmp(s, w, n) == 0)
            return true;
    return false;
}

/* A quoted TYPE is pasted into DDL: only these characters may be in it. */
static bool pasteable(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr(" _(),.[]\"", *s)))
            return false;
    return true;
}

/* ---- types ----------------------------------------------------------- */

static void set_type(pull *p, pcol *c, ast_type_kind kind, int64_t a,
                     int64_t b)
{
    c->kind = kind;
    c->a = a;
    c->b = b;
    if (kind == AST_T_NUMERIC)
        c->type = fmtd(p, "numeric(%lld,%lld)", (long long)a, (long long)b);
    else if (kind == AST_T_VARCHAR)
        c->type = fmtd(p, "varchar(%lld)", (long long)a);
    else if (kind == AST_T_TIMESTAMP && c->local)
        c->type = "timestamp without time zone";
    else
        c->type = ast_type_name(kind);
}

/* The declared type schemac writes for c's type and format. */
static const char *schemac_decl(pull *p, const pcol *c)
{
    ast_column col;
    buf b;
    const char *s;

    memset(&col, 0, sizeof col);
    col.type.kind = c->enum_type ? AST_T_NAMED : c->kind;
    col.type.a = c->a;
    col.type.b = c->b;
    col.type.has_b = true;
    col.type.local = c->local;
    col.type.name = c->type;
    col.format = c->format;
    buf_init(&b);
    emit_sql_column_type(&b, (sql_dialect)p->d, &col);
    s = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

/* PostgreSQL's spelling of schemac's type names (format_type's). */
static bool pg_same_type(const char *schemac, const char *db)
{
    static const char *const spelled[][2] = {
        {"timestamptz", "timestamp with time zone"},
        {"timestamp", "timestamp without time zone"},
    };
    size_t i;
    long n;

    if (strcmp(schemac, db) == 0)
        return true;
    for (i = 0; i < sizeof spelled / sizeof spelled[0]; i++)
        if (strcmp(schemac, spelled[i][0]) == 0)
            return strcmp(db, spelled[i][1]) == 0;
    if (sscanf(schemac, "varchar(%ld)", &n) == 1) {
        char want[64];

        snprintf(want, sizeof want, "character varying(%ld)", n);
        return strcmp(want, db) == 0;
    }
    return schemac[0] == '"' && strlen(schemac) == strlen(db) + 2 &&
           strncmp(schemac + 1, db, strlen(db)) == 0;
}

/* The language's type for a format_type() text; false when none. */
static bool pg_map(pull *p, pcol *c, const char *t)
{
    static const struct {
        const char *pg;
        ast_type_kind kind;
    } same[] = {
        {"smallint", AST_T_INT16},   {"integer", AST_T_INT32},
        {"bigint", AST_T_INT64},     {"boolean", AST_T_BOOL},
        {"real", AST_T_FLOAT32},     {"double precision", AST_T_FLOAT64},
        {"text", AST_T_TEXT},        {"bytea", AST_T_BYTES},
        {"date", AST_T_DATE},        {"timestamp with time zone",
                                      AST_T_TIMESTAMP},
        {"uuid", AST_T_UUID},        {"jsonb", AST_T_JSON},
    };
    size_t i;
    long a, b;
    char tail;

    for (i = 0; i < sizeof same / sizeof same[0]; i++)
        if (strcmp(t, same[i].pg) == 0) {
            set_type(p, c, same[i].kind, 0, 0);
            return true;
        }
    if (sscanf(t, "numeric(%ld,%ld%c", &a, &b, &tail) == 3 && tail == ')' &&
        a >= 1 && a <= 1000 && b >= 0 && b <= a) {
        set_type(p, c, AST_T_NUMERIC, a, b);
        return true;
    }
    if (sscanf(t, "character varying(%ld%c", &a, &tail) == 2 &&
        tail == ')' && a >= 1) {
        set_type(p, c, AST_T_VARCHAR, a, 0);
        return true;
    }
    if (strcmp(t, "timestamp without time zone") == 0) {
        c->local = true;
        set_type(p, c, AST_T_TIMESTAMP, 0, 0);
        return true;
    }
    return false;
}

static void pg_column_type(pull *p, pcol *c, const cat_column *k)
{
    const char *declared = k->domain ? k->domain : k->type;

    if (k->is_enum) {
        c->enum_type = true;
        c->kind = AST_T_NAMED;
        c->type = nm(p, k->type);
        return;
    }
    if (!pg_map(p, c, k->type))
        set_type(p, c, AST_T_TEXT, 0, 0);
    if (k->domain || !pg_same_type(schemac_decl(p, c), k->type)) {
        if (pasteable(declared)) {
            c->sql_type = declared;
        } else {
            c->note = fmtd(p, "the database's type %s cannot be named here",
                           declared);
            c->lost = true;
        }
    }
}

/* ---- SQLite types ----------------------------------------------------- */

static void consume(pull *p, const char *name)
{
    const char **grown;

    if (p->nconsumed == p->capconsumed) {
        p->capconsumed = p->capconsumed ? 2 * p->capconsumed : 16;
        grown = ast_alloc(p->pool, (size_t)p->capconsumed * sizeof *grown);
        if (p->nconsumed)
            memcpy(grown, p->consumed, (size_t)p->nconsumed * sizeof *grown);
        p->consumed = grown;
    }
    p->consumed[p->nconsumed++] = name;
}

static bool consumed(const pull *p, const char *name)
{
    int i;

    for (i = 0; name && i < p->nconsumed; i++)
        if (strcmp(p->consumed[i], name) == 0)
            return true;
    return false;
}

/* The text between "CHECK (" and its closing parenthesis, for the check
 * schemac names ck_TABLE_COLUMN, or NULL. */
static const char *type_check(pull *p, const cat_table *t, const char *col)
{
    const cat_constraint *k;
    const char *name = emit_sql_constraint_name(p->pool, "ck", t->name, col);

    for (k = t->cons; k; k = k->next)
        if (k->kind == 'c' && k->name && strcmp(k->name, name) == 0)
            return k->expr;
    return NULL;
}

/* The enum a check ("c" IN ('a', 'b')) stands for: declared once per set
 * of values, named after the column (or TABLE_COLUMN when taken). */
static const char *enum_from_check(pull *p, const cat_table *t,
                                   const char *col, const char *in)
{
    penum *e;
    buf values, name;
    const char *s = in;

    buf_init(&values);
    while ((s = strchr(s, '\'')) != NULL) {
        const char *end = s + 1;
        buf label;

        buf_init(&label);
        for (; *end && !(end[0] == '\'' && end[1] != '\''); end++) {
            buf_putc(&label, *end);
            if (end[0] == '\'')
                end++;
        }
        if (!*end) {
            buf_free(&label);
            break;
        }
        buf_printf(&values, "%s%s", values.len ? ", " : "",
                   ast_label_spelling(p->pool, label.data ? label.data : ""));
        buf_free(&label);
        s = end + 1;
    }
    buf_init(&name);
    buf_puts(&name, col);
    for (e = p->enums; e; e = e->next) {
        if (strcmp(e->name, name.data) == 0 &&
            strcmp(e->values.data, values.data) == 0)
            break;
        if (strcmp(e->name, name.data) == 0) {
            buf_reset(&name);
            buf_printf(&name, "%s_%s", t->name, col);
        }
    }
    if (!e) {
        e = ast_alloc(p->pool, sizeof *e);
        e->name = dup(p, name.data);
        e->values = values;
        *p->enums_end = e;
        p->enums_end = &e->next;
    } else {
        buf_free(&values);
    }
    buf_free(&name);
    return nm(p, e->name);
}

/* A column of a STRICT table schemac made: its CHECK tells the type. */
static void refine(pull *p, const cat_table *t, pcol *c, const char *col)
{
    static const struct {
        const char *says;
        ast_type_kind kind;
    } fixed[] = {
        {"IN (0, 1)", AST_T_BOOL},
        {"BETWEEN -32768 AND 32767", AST_T_INT16},
        {"BETWEEN -2147483648 AND 2147483647", AST_T_INT32},
        {"json_valid(", AST_T_JSON},
        {") = 16", AST_T_UUID},
    };
    const char *k = type_check(p, t, col), *len;
    size_t i;
    long n;

    if (!k)
        return;
    c->typed_by_check = true;
    consume(p, emit_sql_constraint_name(p->pool, "ck", t->name, col));
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strstr(k, fixed[i].says)) {
            set_type(p, c, fixed[i].kind, 0, 0);
            return;
        }
    len = strstr(k, "length(");
    if (len && strstr(len, ") <= ") &&
        sscanf(strstr(len, ") <= ") + 5, "%ld", &n) == 1) {
        set_type(p, c, AST_T_VARCHAR, n, 0);
        return;
    }
    if (strstr(k, " IN ('")) {
        c->enum_type = true;
        c->kind = AST_T_NAMED;
        c->type = enum_from_check(p, t, col, strstr(k, " IN ('"));
        return;
    }
    c->typed_by_check = false;
    p->nconsumed--; /* not a check of schemac's after all */
    if (strstr(k, " BETWEEN ")) {
        c->note = "a scaled numeric on the database: numeric(p,s) with a "
                  "scale it does not record";
        c->lost = true;
    }
}

/* Whether a CHECK (json_valid(col) ...) of t, which says no more than the
 * type json, is about col; it is then taken for the type (and noted, so
 * that write_table() leaves the check out). */
static bool json_checked(pull *p, const cat_table *t, const char *col)
{
    const cat_constraint *k;
    const char *c;

    for (k = t->cons; k; k = k->next)
        if ((c = cat_json_check(p->pool, k)) != NULL && strcmp(c, col) == 0) {
            consume(p, fmtd(p, "json %s.%s", t->name, col));
            return true;
        }
    return false;
}

/* Whether the storage classes the rows of k hold are all in c's form. */
static bool covered(const pcol *c, const cat_column *k)
{
    bool i = false, r = false, t = false, b = false;

    switch (c->kind) {
    case AST_T_FLOAT32:
    case AST_T_FLOAT64:
        i = r = true;
        break;
    case AST_T_NUMERIC:
        i = r = c->format == AST_FMT_REAL;
        t = c->format == AST_FMT_TEXT;
        break;
    case AST_T_TEXT:
    case AST_T_VARCHAR:
    case AST_T_JSON:
    case AST_T_NAMED:
        t = true;
        break;
    case AST_T_BYTES:
        b = true;
        break;
    case AST_T_DATE:
    case AST_T_TIMESTAMP:
        t = c->format == AST_FMT_TEXT;
        i = !t;
        break;
    case AST_T_UUID:
        t = c->format == AST_FMT_TEXT ||
            (c->format == AST_FMT_HEX && k->n_hex32 == k->n_text);
        b = c->format == AST_FMT_NATIVE;
        break;
    default:
        i = true;
        break;
    }
    return (i || !k->n_int) && (r || !k->n_real) && (t || !k->n_text) &&
           (b || !k->n_blob);
}

static const char *classes(pull *p, const cat_column *k)
{
    return fmtd(p, "%lld integer, %lld real, %lld text, %lld blob", k->n_int,
                k->n_real, k->n_text, k->n_blob);
}

/* A date or timestamp of a table another program made: in the form its
 * rows hold (text when there are none, SQLite's convention). */
static void sqlite_time(pull *p, pcol *c, const cat_table *t,
                        const cat_column *k, ast_type_kind kind)
{
    set_type(p, c, kind, 0, 0);
    if (t->strict)
        return;
    if (kind == AST_T_TIMESTAMP && k->n_int > 0 && !k->n_text)
        c->format = AST_FMT_INTEGER;
    else if (k->n_text > 0 || !k->n_int)
        c->format = AST_FMT_TEXT;
    /* Every text with the same count of fraction digits: the owner
     * writes that many (SQLAlchemy six), and so must schemac.  None is
     * how plain text writes a whole second too, and takes a fraction
     * instead of refusing it.  Six is how plain text writes a fraction
     * that is not zero (Django writes none when it is): only a fraction
     * of zeros, '.000000', tells a writer of always six. */
    if (kind == AST_T_TIMESTAMP && c->format == AST_FMT_TEXT &&
        k->n_text > 0 && k->n_stamp == k->n_text &&
        k->frac_min == k->frac_max && k->frac_min >= 1 &&
        k->frac_max <= 6 && (k->frac_max < 6 || k->n_zero_frac > 0))
        c->frac = k->frac_min;
}

/* The language's type for a SQLite declared type, by SQLite's rules of
 * affinity, the common spellings, and the rows. */
static void sqlite_column_type(pull *p, pcol *c, const cat_table *t,
                               const cat_column *k)
{
    char up[128];
    size_t i;
    long a, b;

    for (i = 0; k->type[i] && i + 1 < sizeof up; i++)
        up[i] = (char)toupper((unsigned char)k->type[i]);
    up[i] = '\0';
    if ((sscanf(up, "CHAR(%ld", &a) == 1 || sscanf(up, "VARCHAR(%ld", &a) ==
         1) && a == 32 && !t->strict && k->n_text > 0 &&
        k->n_hex32 == k->n_text && !k->n_int && !k->n_real && !k->n_blob) {
        set_type(p, c, AST_T_UUID, 0, 0);
        c->format = AST_FMT_HEX;
    } else if (sscanf(up, "VARCHAR(%ld)", &a) == 1 ||
               sscanf(up, "CHARACTER VARYING(%ld)", &a) == 1 ||
               sscanf(up, "NVARCHAR(%ld)", &a) == 1 ||
               sscanf(up, "CHAR(%ld)", &a) == 1 ||
               sscanf(up, "CHARACTER(%ld)", &a) == 1) {
        set_type(p, c, AST_T_VARCHAR, a, 0);
    } else if (sscanf(up, "NUMERIC(%ld,%ld)", &a, &b) == 2 ||
               sscanf(up, "DECIMAL(%ld,%ld)", &a, &b) == 2) {
        set_type(p, c, AST_T_NUMERIC, a, b);
        c->format = t->strict ? AST_FMT_NATIVE : AST_FMT_REAL;
    } else if (strstr(up, "BOOL")) {
        set_type(p, c, AST_T_BOOL, 0, 0);
    } else if (strcmp(up, "SMALLINT") == 0 || strcmp(up, "INT2") == 0) {
        set_type(p, c, AST_T_INT16, 0, 0);
    } else if (strstr(up, "INT")) {
        set_type(p, c, AST_T_INT64, 0, 0);
    } else if (strcmp(up, "DATE") == 0) {
        sqlite_time(p, c, t, k, AST_T_DATE);
    } else if (strstr(up, "DATETIME") || strstr(up, "TIMESTAMP")) {
        sqlite_time(p, c, t, k, AST_T_TIMESTAMP);
    } else if (strstr(up, "JSON")) {
        set_type(p, c, AST_T_JSON, 0, 0);
    } else if (strstr(up, "UUID")) {
        set_type(p, c, AST_T_UUID, 0, 0);
        if (k->n_text > 0 && k->n_hex32 == k->n_text)
            c->format = AST_FMT_HEX;
        else if (k->n_text > 0)
            c->format = AST_FMT_TEXT;
    } else if (strstr(up, "CHAR") || strstr(up, "CLOB") ||
               strstr(up, "TEXT")) {
        set_type(p, c, AST_T_TEXT, 0, 0);
    } else if (strstr(up, "BLOB")) {
        set_type(p, c, AST_T_BYTES, 0, 0);
    } else if (strstr(up, "REAL") || strstr(up, "FLOA") ||
               strstr(up, "DOUB")) {
        set_type(p, c, AST_T_FLOAT64, 0, 0);
    } else if (strstr(up, "NUMERIC") || strstr(up, "DECIMAL")) {
        /* Django's decimal: the scale is the application's, not the
         * database's, which holds binary floats (and integers when
         * exact); read and written as they are. */
        set_type(p, c, AST_T_FLOAT64, 0, 0);
        c->note = "no precision or scale on the database: the binary "
                  "floats it holds, as they are";
    } else {
        /* no type, or ANY: a column of any storage class */
        set_type(p, c, k->n_int && !k->n_real && !k->n_text && !k->n_blob
                           ? AST_T_INT64
                       : k->n_real && !k->n_text && !k->n_blob
                           ? AST_T_FLOAT64
                       : k->n_blob && !k->n_text ? AST_T_BYTES
                                                 : AST_T_TEXT,
                 0, 0);
    }
    if (t->strict)
        refine(p, t, c, k->name);
    else if (c->kind == AST_T_TEXT && json_checked(p, t, k->name))
        set_type(p, c, AST_T_JSON, 0, 0);
}

static void sqlite_declared(pull *p, pcol *c, const cat_table *t,
                            const cat_column *k)
{
    if (c->autoinc || c->typed_by_check)
        return;
    if (strcasecmp(schemac_decl(p, c), k->type) == 0)
        return;
    if (pasteable(k->type)) {
        c->sql_type = k->type;
    } else if (!t->strict || k->type[0]) {
        c->note = fmtd(p, "declared on the database as '%s', which "
                          "cannot be given here", k->type);
        c->lost = true;
    }
}

/* ---- MariaDB types ---------------------------------------------------- */

/* The language's type for MariaDB's COLUMN_TYPE (the reader's lower-case
 * spelling), the exact type kept by stored as when it is not schemac's
 * own.  An unsigned integer takes the next wider signed type; a BIGINT
 * UNSIGNED, which no int64 holds, is a comment. */
static void my_column_type(pull *p, pcol *c, const cat_table *t,
                           const cat_column *k)
{
    static const struct {
        const char *my;
        ast_type_kind kind;
    } same[] = {
        {"tinyint(1)", AST_T_BOOL},     {"tinyint", AST_T_INT16},
        {"tinyint unsigned", AST_T_INT16},
        {"smallint", AST_T_INT16},      {"smallint unsigned", AST_T_INT32},
        {"mediumint", AST_T_INT32},     {"mediumint unsigned", AST_T_INT32},
        {"int", AST_T_INT32},           {"int unsigned", AST_T_INT64},
        {"bigint", AST_T_INT64},        {"bigint unsigned", AST_T_INT64},
        {"year", AST_T_INT16},          {"float", AST_T_FLOAT32},
        {"double", AST_T_FLOAT64},      {"longtext", AST_T_TEXT},
        {"mediumtext", AST_T_TEXT},     {"text", AST_T_TEXT},
        {"tinytext", AST_T_TEXT},       {"longblob", AST_T_BYTES},
        {"mediumblob", AST_T_BYTES},    {"blob", AST_T_BYTES},
        {"tinyblob", AST_T_BYTES},      {"date", AST_T_DATE},
        {"binary(16)", AST_T_UUID},     {"json", AST_T_JSON},
    };
    const char *ty = k->type;
    size_t i;
    long a, b;
    char tail;
    bool known = false;

    (void)t;
    if (k->labels) {
        c->enum_type = true;
        c->kind = AST_T_NAMED;
        c->type = enum_from_check(p, t, k->name, k->type + 4);
        return;
    }
    for (i = 0; i < sizeof same / sizeof same[0] && !known; i++)
        if (strcmp(ty, same[i].my) == 0) {
            set_type(p, c, same[i].kind, 0, 0);
            known = true;
        }
    if (known) {
        /* nothing */
    } else if (sscanf(ty, "decimal(%ld,%ld%c", &a, &b, &tail) == 3 &&
               tail == ')' && a >= 1 && b >= 0 && b <= a) {
        set_type(p, c, AST_T_NUMERIC, a, b);
    } else if ((sscanf(ty, "varchar(%ld%c", &a, &tail) == 2 ||
                sscanf(ty, "char(%ld%c", &a, &tail) == 2) &&
               tail == ')' && a >= 1) {
        set_type(p, c, AST_T_VARCHAR, a, 0);
        if (ty[0] == 'c')
            c->note = "CHAR: the database drops the trailing blanks of "
                      "what it reads back";
    } else if (strncmp(ty, "datetime", 8) == 0 ||
               strncmp(ty, "timestamp", 9) == 0) {
        /* DATETIME, a reading without a zone, which schemac's sessions
         * write in UTC; TIMESTAMP, a moment kept in UTC */
        set_type(p, c, AST_T_TIMESTAMP, 0, 0);
        if (strcmp(ty, "datetime(6)") != 0 && strcmp(ty, "timestamp(6)") != 0)
            c->note = "the database keeps fewer fraction digits than six: "
                      "it drops the rest of what is written";
    } else if (strncmp(ty, "binary(", 7) == 0 ||
               strncmp(ty, "varbinary(", 10) == 0 ||
               strncmp(ty, "bit(", 4) == 0) {
        set_type(p, c, AST_T_BYTES, 0, 0);
    } else {
        set_type(p, c, AST_T_TEXT, 0, 0);
    }
    if (strcmp(ty, "bigint unsigned") == 0) {
        c->note = "BIGINT UNSIGNED: its values above 9223372036854775807 "
                  "fit no int64, and the runtime refuses to read one, "
                  "naming the row";
        c->lost = true;
    }
    if (k->charset && strcmp(k->charset, "utf8mb4") != 0) {
        c->note = fmtd(p, "%s%sin character set %s: the database refuses "
                          "text it cannot hold",
                       c->note ? c->note : "", c->note ? "; " : "",
                       k->charset);
    }
    if (k->on_update) {
        c->note = fmtd(p, "%s%snot carried over: ON UPDATE %s",
                       c->note ? c->note : "", c->note ? "; " : "",
                       k->on_update);
        c->lost = true;
    }
    if (strcmp(cat_canon_type(p->pool, p->d, schemac_decl(p, c)), ty) == 0)
        return;
    if (pasteable(ty)) {
        c->sql_type = ty;
    } else {
        c->note = fmtd(p, "%s%sthe database's type %s cannot be named here",
                       c->note ? c->note : "", c->note ? "; " : "", ty);
        c->lost = true;
    }
}

static void pg_type_hook(pull *p, pcol *c, const cat_table *t,
                         const cat_column *k)
{
    (void)t;
    pg_column_type(p, c, k);
}

/* SQLite: the type by affinity and rows, then the declared type when it
 * is not schemac's, and a comment for rows no form holds. */
static void sqlite_type_hook(pull *p, pcol *c, const cat_table *t,
                             const cat_column *k)
{
    sqlite_column_type(p, c, t, k);
}

/* The language's type of a column, one reader of types per dialect. */
static void (*const column_types[AST_NDIALECTS])(pull *p, pcol *c,
                                                 const cat_table *t,
                                                 const cat_column *k) = {
    [AST_D_SQLITE] = sqlite_type_hook,
    [AST_D_POSTGRESQL] = pg_type_hook,
    [AST_D_MARIADB] = my_column_type,
};

/* ---- defaults -------------------------------------------------------- */

/* The expression less its outer parentheses and PostgreSQL's casts. */
static char *bare(pull *p, const char *expr)
{
    char *s = (char *)dup(p, expr), *end, *cast;
    bool changed = true;
    size_t n;

    while (changed) {
        changed = false;
        n = strlen(s);
        if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
            s[n - 1] = '\0';
            s++;
            changed = true;
        }
        cast = strstr(s, "::");
        end = strrchr(s, '\'');
        if (cast && (!end || cast > end)) {
            *cast = '\0';
            changed = true;
        }
    }
    return s;
}

static bool numeric_type(const char *type)
{
    return strncmp(type, "int", 3) == 0 || strncmp(type, "float", 5) == 0 ||
           strncmp(type, "numeric", 7) == 0;
}

static bool is_number(const char *s)
{
    bool digits = false, dot = false;

    if (*s == '-')
        s++;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digits = true;
        else if (*s == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digits;
}

/* '00112233-4455-6677-8899-aabbccddeeff' from the 32 hex digits at x. */
static const char *uuid_text(pull *p, const char *x)
{
    char out[40];
    size_t i, o = 0;

    out[o++] = '\'';
    for (i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[o++] = '-';
        out[o++] = (char)tolower((unsigned char)x[i]);
    }
    out[o++] = '\'';
    out[o] = '\0';
    return dup(p, out);
}

/* The default as a literal of the language; NULL with *note set when it
 * cannot be one. */
static const char *pull_default(pull *p, pcol *c, const char *expr)
{
    const char *s;
    char up[64];
    size_t i;
    buf b;

    if (!expr || strcasecmp(expr, "NULL") == 0)
        return NULL;
    for (i = 0; expr[i] && i + 1 < sizeof up; i++)
        up[i] = (char)toupper((unsigned char)expr[i]);
    up[i] = '\0';
    if (strncmp(up, "NEXTVAL(", 8) == 0) {
        c->autoinc = true;
        return NULL;
    }
    if (up[strspn(up, "(")] != '\'' &&
        (strstr(up, "NOW") || strstr(up, "CURRENT_TIMESTAMP") ||
         strstr(up, "CURRENT_DATE") || strstr(up, "TRANSACTION_TIMESTAMP") ||
         strstr(up, "UTC_TIMESTAMP") || strstr(up, "UTC_DATE") ||
         strstr(up, "CURDATE"))) {
        /* an expression, not a string such as 'unknown' */
        /* On SQLite, schemac's own now counts microseconds or days. */
        /* and as text, schemac's own strftime() of 'now' */
        if (c->kind == AST_T_TEXT && c->format == AST_FMT_NATIVE &&
            !c->sql_type &&
            (holds(expr, "strftime(") || holds(expr, "to_char("))) {
            set_type(p, c,
                     holds(expr, "%H") || holds(expr, "HH24")
                         ? AST_T_TIMESTAMP
                         : AST_T_DATE,
                     0, 0);
            c->format = AST_FMT_TEXT;
        }
        /* PostgreSQL's CURRENT_DATE, the session's day: not schemac's
         * now, the UTC day */
        if (strcmp(p->D->now.date, p->D->now.session_date) != 0 &&
            c->kind == AST_T_DATE &&
            !c->sql_type && (strcmp(bare(p, up), "CURRENT_DATE") == 0 ||
                             strcmp(bare(p, up), "CURDATE()") == 0 ||
                             (strncmp(up, "TO_CHAR(", 8) == 0 &&
                              strstr(up, "CURRENT_DATE") &&
                              !strstr(up, "NOW"))))
            return "current_date";
        if (c->kind == AST_T_INT64 && c->format == AST_FMT_NATIVE)
            set_type(p, c,
                     strstr(expr, "86400000000") || !strstr(up, "JULIANDAY")
                         ? AST_T_TIMESTAMP
                         : AST_T_DATE,
                     0, 0);
        return "now";
    }
    if (strcmp(c->type, "uuid") == 0 && strlen(expr) == 35 &&
        (expr[0] == 'X' || expr[0] == 'x') && expr[1] == '\'')
        return uuid_text(p, expr + 2);
    /* bytes the catalog prints as they are (MariaDB's), not as X'..':
     * not read back here */
    if ((c->kind == AST_T_UUID || c->kind == AST_T_BYTES) &&
        p->D->uuid_as_bytes && expr[0] == '\'') {
        c->note = fmtd(p, "%s%sdefault on the database, in bytes",
                       c->note ? c->note : "", c->note ? "; " : "");
        c->lost = true;
        return NULL;
    }
    s = bare(p, expr);
    if (strcmp(c->type, "bool") == 0 &&
        (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0))
        return "true";
    if (strcmp(c->type, "bool") == 0 &&
        (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0))
        return "false";
    if (is_number(s))
        return s;
    if (s[0] == '\'' && s[strlen(s) - 1] == '\'' && strlen(s) >= 2) {
        char *inner = ast_strndup(p->pool, s + 1, strlen(s) - 2);

        if (c->enum_type)
            return ast_label_spelling(p->pool, inner);
        if (is_number(inner) && numeric_type(c->type))
            return inner;
        if (strcmp(c->type, "timestamp") == 0 && strlen(s) > 4 &&
            strcmp(s + strlen(s) - 4, "+00'") == 0) {
            char *t = (char *)dup(p, s);

            strcpy(t + strlen(t) - 4, "'");
            return t;
        }
        return s;
    }
    buf_init(&b);
    if (c->note)
        buf_printf(&b, "%s; ", c->note);
    buf_printf(&b, "default on the database: %s", expr);
    c->note = dup(p, b.data);
    c->lost = true;
    buf_free(&b);
    return NULL;
}


/* ---- columns ---------------------------------------------------------- */

/* " on delete cascade deferrable", as the language writes it. */
static const char *action_words(pull *p, const cat_constraint *k)
{
    return fmtd(p, "%s%s%s%s%s",
                k->on_delete ? " on delete " : "",
                k->on_delete ? k->on_delete : "",
                k->on_update ? " on update " : "",
                k->on_update ? k->on_update : "",
                !k->deferrable ? ""
                : k->deferred  ? " deferrable initially deferred"
                               : " deferrable");
}

static const char *references(pull *p, const cat_constraint *k)
{
    return fmtd(p, "references %s(%s)%s", nm(p, k->ref_table),
                nm_list(p, cat_ref_cols(p->pool, &p->cat, k)), action_words(p, k));
}

/* Whether a collate modifier says column c's collation: a text or
 * varchar of PostgreSQL of schemac's own type. */
static bool collate_says(const pull *p, const pcol *c)
{
    /* a declared type has the collation the catalog names, where the
     * dialect has none of its own to declare text in (MariaDB) */
    return p->D->collate_named && !c->enum_type &&
           (!c->sql_type || !p->D->text_collation) &&
           (c->kind == AST_T_TEXT || c->kind == AST_T_VARCHAR);
}

/* Whether constraint k of t goes on its column as a modifier: one
 * column, and the name schemac gives it. */
static bool on_column(pull *p, const cat_table *t, const cat_constraint *k)
{
    const char *cols = cat_key_cols(k);

    if (!cols || strchr(cols, ','))
        return false;
    if (k->kind == 'u')
        return default_name(p, k->name, "uq", t->name, cols);
    if (k->kind == 'f')
        return default_name(p, k->name, "fk", t->name, cols);
    return false;
}

/* The primary key's name, when the language must say it. */
static const char *pk_name(pull *p, const cat_table *t)
{
    const cat_constraint *k;

    for (k = t->cons; k && k->kind != 'p'; k = k->next)
        ;
    if (!k || !k->name)
        return NULL;
    if (p->D->pk_name_suffix && t->npk == 1 &&
        strcmp(k->name, fmtd(p, "%s%s", t->name, p->D->pk_name_suffix)) == 0)
        return NULL;
    if (t->npk > 1 && default_name(p, k->name, "pk", t->name, NULL))
        return NULL;
    return k->name;
}

/* Writes the line of column k into b, and into fb the line without the
 * parts the compiler may refuse (default, references), which it names in
 * a comment.  Returns whether the line keeps something only as a
 * comment. */
static bool write_column(pull *p, const cat_table *t, const cat_column *k,
                         const char *pkname, buf *b, buf *fb)
{
    static const char *const formats[] = {"", "text", "real", "integer",
                                          "hex"};
    pcol c;
    const cat_constraint *x;
    const char *dflt;
    bool sole_pk = k->pk && t->npk == 1 && !pkname;
    buf extra;

    memset(&c, 0, sizeof c);
    c.autoinc = k->autoinc != CAT_AUTO_NONE;
    column_types[p->d](p, &c, t, k);
    dflt = k->autoinc == CAT_AUTO_SERIAL ? NULL
                                         : pull_default(p, &c, k->dflt);
    /* where a table may be other than STRICT, its rows tell the type */
    if (p->D->strict_tables)
        sqlite_declared(p, &c, t, k);
    if (p->D->strict_tables && !t->strict && !covered(&c, k)) {
        c.note = fmtd(p, "%s%sits rows mix storage classes (%s) that no "
                         "form of %s holds",
                      c.note ? c.note : "", c.note ? "; " : "",
                      classes(p, k), c.type);
        c.lost = true;
    }
    if (k->collation && !collate_says(p, &c)) {
        c.note = fmtd(p, "%s%scollated %s on the database, which the schema "
                         "cannot say",
                      c.note ? c.note : "", c.note ? "; " : "",
                      k->collation);
        c.lost = true;
    }
    if (c.autoinc && !sole_pk) {
        c.note = fmtd(p, "%s%sgenerated by the database: autoincrement is "
                         "for a primary key of one column",
                      c.note ? c.note : "", c.note ? "; " : "");
        c.lost = true;
    }
    buf_printf(b, "    %s %s", nm(p, k->name), c.type);
    if (c.format != AST_FMT_NATIVE || c.sql_type) {
        buf_printf(b, " stored as%s%s", c.format ? " " : "",
                   formats[c.format]);
        if (c.frac > 0)
            buf_printf(b, "(%d)", c.frac);
        if (c.sql_type)
            buf_printf(b, " %s '%s'", p->dname, c.sql_type);
    }
    if (sole_pk)
        buf_puts(b, " primary key");
    if (c.autoinc && sole_pk)
        buf_puts(b, " autoincrement");
    if (k->notnull && !sole_pk)
        buf_puts(b, " not null");
    for (x = t->cons; x; x = x->next)
        if (x->kind == 'u' && on_column(p, t, x) &&
            strcmp(cat_key_cols(x), k->name) == 0)
            buf_puts(b, " unique");
    /* schemac's own collation goes without saying: a text_collation
     * the catalog names ("C"), or none where the catalog names none
     * for it (MariaDB's utf8mb4_nopad_bin, the table's) */
    if (collate_says(p, &c) && !k->collation && p->D->text_collation)
        buf_puts(b, " collate default");
    else if (collate_says(p, &c) && k->collation &&
             !(p->D->text_collation &&
               strcmp(k->collation, p->D->text_collation) == 0))
        buf_printf(b, " collate %s", nm(p, k->collation));
    buf_put(fb, b->data, b->len);
    buf_init(&extra);
    if (dflt) {
        buf_printf(b, " default %s", dflt);
        buf_printf(&extra, "DEFAULT %s", k->dflt);
    }
    for (x = t->cons; x; x = x->next)
        if (x->kind == 'f' && on_column(p, t, x) &&
            strcmp(cat_key_cols(x), k->name) == 0) {
            buf_printf(b, " %s", references(p, x));
            buf_printf(&extra, "%s%s", extra.len ? " " : "", x->def);
        }
    buf_putc(b, ';');
    buf_putc(fb, ';');
    if (c.note)
        buf_printf(b, " // %s", c.note);
    buf_printf(fb, " // on the database, not carried over: %s%s%s",
               extra.len ? extra.data : "the column as written",
               c.note ? "; " : "", c.note ? c.note : "");
    buf_putc(b, '\n');
    buf_putc(fb, '\n');
    buf_free(&extra);
    return c.lost;
}

/* sql less the parentheses that enclose all of it: the language writes
 * its own around a check, an index element and a predicate. */
static const char *unwrapped(pull *p, const char *sql)
{
    size_t n = strlen(sql), i;
    int depth;
    bool quoted;

    while (n >= 2 && sql[0] == '(' && sql[n - 1] == ')') {
        depth = 0;
        quoted = false;
        for (i = 0; i < n; i++) {
            if (sql[i] == '\'')
                quoted = !quoted;
            else if (!quoted && sql[i] == '(')
                depth++;
            else if (!quoted && sql[i] == ')' && --depth == 0)
                break;
        }
        if (i != n - 1)
            break;
        sql++;
        n -= 2;
    }
    return ast_strndup(p->pool, sql, n);
}

/* Past the type of a PostgreSQL cast (s is after the "::"):
 * "character varying(20)[]", "double precision", "date". */
static const char *skip_cast(const char *s)
{
    static const char *const more[] = {" varying", " precision",
                                       " with time zone",
                                       " without time zone"};
    size_t i;
    bool again = true;

    if (*s == '"')
        for (s++; *s && *s != '"'; s++)
            ;
    if (*s == '"')
        s++;
    while (isalnum((unsigned char)*s) || *s == '_' || *s == '.')
        s++;
    while (again) {
        again = false;
        for (i = 0; i < sizeof more / sizeof more[0]; i++)
            if (strncmp(s, more[i], strlen(more[i])) == 0) {
                s += strlen(more[i]);
                again = true;
            }
        if (*s == '(' && strchr(s, ')')) {
            s = strchr(s, ')') + 1;
            again = true;
        }
        if (s[0] == '[' && s[1] == ']') {
            s += 2;
            again = true;
        }
    }
    return s;
}

/* An SQL expression in the language's words: its keywords and function
 * names in lower case (the language's keywords are), PostgreSQL's casts
 * dropped (a literal takes the column's type), the rest as written. */
static const char *lang_expr(pull *p, const char *sql)
{
    static const char *const words[] = {"AND", "OR", "NOT", "IN", "IS",
                                        "NULL", "BETWEEN", "LIKE", "TRUE",
                                        "FALSE"};
    buf b;
    const char *s = sql, *start, *out;
    size_t n, i;
    bool lower;

    buf_init(&b);
    while (*s) {
        if (*s == '\'' || *s == '"') {
            char q = *s;

            start = s++;
            while (*s && !(*s == q && s[1] != q))
                s += *s == q ? 2 : 1;
            if (*s)
                s++;
            buf_put(&b, start, (size_t)(s - start));
            continue;
        }
        if (s[0] == ':' && s[1] == ':') {
            s = skip_cast(s + 2);
            continue;
        }
        if (!(isalpha((unsigned char)*s) || *s == '_')) {
            buf_putc(&b, *s++);
            continue;
        }
        for (start = s; isalnum((unsigned char)*s) || *s == '_'; s++)
            ;
        n = (size_t)(s - start);
        lower = *s == '(';
        for (i = 0; !lower && i < sizeof words / sizeof words[0]; i++)
            lower = strlen(words[i]) == n &&
                    strncasecmp(words[i], start, n) == 0;
        for (i = 0; i < n; i++)
            buf_putc(&b, lower ? (char)tolower((unsigned char)start[i])
                               : start[i]);
    }
    out = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* PostgreSQL's spelling of an IN list, x = ANY (ARRAY['a', 'b']) (and
 * of NOT IN, <> ALL (...)), with the parentheses its casts leave around
 * the array, as the language writes it: x in ('a', 'b').  Casts are
 * gone already (lang_expr). */
static const char *in_lists(pull *p, const char *expr)
{
    static const struct {
        const char *pg, *lang;
    } forms[] = {{" = ANY ", " in ("}, {" <> ALL ", " not in ("}};
    buf b;
    const char *s = expr, *at, *q, *end;
    const char *out;
    size_t i, best = 0;
    int open;

    buf_init(&b);
    for (;;) {
        at = NULL;
        for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
            const char *f = strstr(s, forms[i].pg);

            if (f && (!at || f < at)) {
                at = f;
                best = i;
            }
        }
        if (!at)
            break;
        q = at + strlen(forms[best].pg);
        for (open = 0; *q == '(' || *q == ' '; q++)
            open += *q == '(';
        if (strncmp(q, "ARRAY[", 6) != 0 || !(end = strchr(q, ']'))) {
            buf_put(&b, s, (size_t)(q - s));
            s = q;
            continue;
        }
        buf_put(&b, s, (size_t)(at - s));
        buf_puts(&b, forms[best].lang);
        buf_put(&b, q + 6, (size_t)(end - q - 6));
        buf_putc(&b, ')');
        for (s = end + 1; open > 0 && (*s == ')' || *s == ' '); s++)
            open -= *s == ')';
    }
    buf_puts(&b, s);
    out = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* ---- table items ------------------------------------------------------ */

static pline *lost_line(pull *p, const char *what)
{
    pline *l = line(p, fmtd(p, "    // on the database, not carried "
                               "over: %s\n", what));

    l->lost = true;
    return l;
}

static void write_constraint(pull *p, const cat_table *t,
                             const cat_constraint *k)
{
    const char *name = k->name ? fmtd(p, " %s", nm(p, k->name)) : "";
    const char *what = k->name ? fmtd(p, "CONSTRAINT \"%s\" %s", k->name,
                                      k->def)
                               : k->def;
    pline *l;

    switch (k->kind) {
    case 'u':
        l = line(p, fmtd(p, "    unique%s (%s);\n",
                         default_name(p, k->name, "uq", t->name,
                                      joined(p, cat_key_cols(k)))
                             ? ""
                             : name,
                         nm_list(p, cat_key_cols(k))));
        break;
    case 'f':
        l = line(p, fmtd(p, "    foreign key%s (%s) %s;\n",
                         default_name(p, k->name, "fk", t->name,
                                      joined(p, cat_key_cols(k)))
                             ? ""
                             : name,
                         nm_list(p, cat_key_cols(k)), references(p, k)));
        break;
    case 'c':
        l = line(p, fmtd(p, "    check%s (%s);\n", name,
                         in_lists(p, lang_expr(p, unwrapped(p, k->expr)))));
        break;
    default:
        lost_line(p, what);
        return;
    }
    l->fallback = fmtd(p, "    // on the database, not carried over: %s\n",
                       what);
    l->fallback_lost = true;
}

/* An index as an sql block, the database's text: for what the language
 * cannot say of it. */
static pline *index_block(pull *p, const cat_index *x)
{
    pline *l = add_line(p, &p->blocks_end,
                        fmtd(p, "\nsql %s $$\n%s\n$$\n", p->dname, x->def));

    l->fallback = fmtd(p, "\n// on the database, not carried over: %s\n",
                       x->def);
    l->fallback_lost = true;
    return l;
}

/* Whether the index is the one schemac would name itself (plain columns
 * only: an expression's name holds a hash of the text). */
static bool default_index(pull *p, const cat_table *t, const cat_index *x)
{
    buf cols;
    const cat_ielem *e;
    bool same;

    buf_init(&cols);
    for (e = x->elems; e; e = e->next) {
        if (!e->column || e->opclass || x->where) {
            buf_free(&cols);
            return false;
        }
        buf_printf(&cols, "%s%s", cols.len ? "_" : "", e->column);
    }
    same = strcmp(x->name, emit_sql_constraint_name(p->pool, "ix", t->name,
                                                    cols.data ? cols.data
                                                              : "")) == 0;
    buf_free(&cols);
    return same;
}

static void write_index(pull *p, const cat_table *t, const cat_index *x)
{
    const cat_ielem *e;
    unsigned n;
    pline *l;
    buf b;

    /* a prefix of a column other than schemac's share of key_chars, and
     * a descending element, have no word: the index in the database's
     * own words */
    for (n = 0, e = x->elems; e; e = e->next)
        n += e->prefix > 0;
    for (e = x->elems; e; e = e->next)
        if (e->desc ||
            (e->prefix && (unsigned)e->prefix != p->D->key_chars / n)) {
            index_block(p, x);
            return;
        }
    buf_init(&b);
    buf_printf(&b, "    %sindex", x->unique ? "unique " : "");
    if (!default_index(p, t, x) || x->unique)
        buf_printf(&b, " %s", nm(p, x->name));
    if (x->method && strcmp(x->method, "btree") != 0)
        buf_printf(&b, " using %s", nm(p, x->method));
    buf_puts(&b, " (");
    for (e = x->elems; e; e = e->next) {
        if (e != x->elems)
            buf_puts(&b, ", ");
        if (e->column)
            buf_puts(&b, nm(p, e->column));
        else
            buf_printf(&b, "(%s)", lang_expr(p, unwrapped(p, e->expr)));
        if (e->opclass)
            buf_printf(&b, " %s", nm(p, e->opclass));
    }
    buf_putc(&b, ')');
    if (x->where)
        buf_printf(&b, " where (%s)", lang_expr(p, unwrapped(p, x->where)));
    buf_puts(&b, ";\n");
    l = line(p, b.data);
    buf_free(&b);
    /* what the language cannot say of it: the index in the database's
     * own words, after the tables */
    l->fallback = "";
    l->alt = index_block(p, x);
    l->alt->hidden = true;
}

/* A COMMENT ON of the database as comment lines of the schema, indented
 * by indent, each line of it one line (empty when there is none). */
static const char *doc_lines(pull *p, const char *comment,
                             const char *indent)
{
    buf b;
    const char *s, *out;
    size_t n;

    if (!comment || !*comment)
        return "";
    buf_init(&b);
    for (s = comment; *s; s += n + (s[n] != '\0')) {
        n = strcspn(s, "\r\n");
        buf_printf(&b, "%s//%s%.*s\n", indent, n ? " " : "", (int)n, s);
        if (s[n] == '\r' && s[n + 1] == '\n')
            s++;
    }
    out = ast_strndup(p->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

static void write_table(pull *p, const cat_table *t)
{
    const cat_column *k;
    const cat_constraint *x;
    const cat_index *ix;
    const char *pkname = pk_name(p, t);
    buf b, fb;
    int pos;

    p->where = NULL;
    line(p, fmtd(p, "\n%stable %s%s {\n", doc_lines(p, t->comment, ""),
                 nm(p, t->name),
                 !t->strict ? " not strict" : ""));
    p->where = t->name;
    buf_init(&b);
    buf_init(&fb);
    if (!t->rowid)
        lost_line(p, "WITHOUT ROWID");
    if (t->unlogged)
        lost_line(p, "UNLOGGED");
    if (t->inherits)
        lost_line(p, fmtd(p, "INHERITS (%s), whose columns are written "
                             "here as its own", t->inherits));
    for (k = t->cols; k; k = k->next) {
        pline *l;
        bool lost;

        if (k->generated) {
            lost_line(p, fmtd(p, "the generated column \"%s\" %s%s%s",
                              k->name, k->type, k->dflt ? " AS " : "",
                              k->dflt ? k->dflt : ""));
            continue;
        }
        buf_reset(&b);
        buf_reset(&fb);
        buf_puts(&b, doc_lines(p, k->comment, "    "));
        buf_puts(&fb, doc_lines(p, k->comment, "    "));
        lost = write_column(p, t, k, pkname, &b, &fb);
        l = line(p, b.data);
        l->where = fmtd(p, "%s.%s", t->name, k->name);
        l->lost = lost;
        l->fallback = dup(p, fb.data);
        l->fallback_lost = true;
    }
    buf_free(&fb);
    if (t->npk > 1 || pkname) {
        buf_reset(&b);
        buf_puts(&b, "    primary key");
        if (pkname)
            buf_printf(&b, " %s", nm(p, pkname));
        buf_puts(&b, " (");
        for (pos = 1; pos <= t->npk; pos++)
            for (k = t->cols; k; k = k->next)
                if (k->pk == pos)
                    buf_printf(&b, "%s%s", pos > 1 ? ", " : "",
                               nm(p, k->name));
        buf_puts(&b, ");\n");
        line(p, b.data);
    }
    for (x = t->cons; x; x = x->next) {
        if (x->kind == 'p' || on_column(p, t, x))
            continue;
        if (x->kind == 'c' && consumed(p, x->name))
            continue; /* the check schemac writes for a column's type */
        if (cat_json_check(p->pool, x) &&
            consumed(p, fmtd(p, "json %s.%s", t->name,
                             cat_json_check(p->pool, x))))
            continue; /* the check that made a column json */
        write_constraint(p, t, x);
    }
    for (ix = p->cat.indexes; ix; ix = ix->next)
        if (strcmp(ix->table, t->name) == 0)
            write_index(p, t, ix);
    p->where = NULL;
    line(p, "}\n");
    buf_free(&b);
}

/* ---- objects only SQL can say ----------------------------------------- */

static void write_object(pull *p, const cat_object *o)
{
    pline ***end = o->before_tables ? &p->lines_end : &p->blocks_end;
    const char *sql = o->sql;
    size_t n = strlen(sql);
    pline *l;

    while (n > 0 && (isspace((unsigned char)sql[n - 1]) || sql[n - 1] == ';'))
        n--;
    sql = ast_strndup(p->pool, sql, n);
    if (strstr(sql, "$$")) {
        l = add_line(p, end, fmtd(p, "\n// on the database, not carried "
                                     "over (its text holds $$): %s %s\n",
                                  o->kind, o->name));
        l->lost = true;
        return;
    }
    l = add_line(p, end, fmtd(p, "\n// %s %s\nsql %s $$\n%s\n$$\n", o->kind,
                              o->name, p->dname, sql));
    l->fallback = fmtd(p, "\n// on the database, not carried over: %s %s\n",
                       o->kind, o->name);
    l->fallback_lost = true;
}

/* ---- the whole text ----------------------------------------------------- */

/* Puts a line at *at, before what is there, and moves *at past it. */
static void insert_line(pull *p, pline ***at, const char *text)
{
    pline *l = ast_alloc(p->pool, sizeof *l);

    l->text = dup(p, text);
    l->next = **at;
    if (p->lines_end == *at)
        p->lines_end = &l->next;
    **at = l;
    *at = &l->next;
}

/* One name of the database that dialect d keeps for itself, as a line
 * of the comment above the schema line. */
static void reserved_name(pull *p, buf *b, int d, check_name_kind k,
                          const char *table, const char *name)
{
    const char *why = check_reserved(d, k, name);

    if (!why)
        return;
    buf_printf(b, "//   %s%s%s: %s\n", table ? nm(p, table) : "",
               table ? "." : "", nm(p, name), why);
}

/*
 * The schema line.  A database that uses a name another dialect keeps
 * for itself (a SQLite column xmin, a PostgreSQL table sqlite_stats, a
 * MariaDB-only reserved word) is pulled unchanged into a schema for its
 * own dialect only, the names listed above it; any other stays portable.
 */
static const char *schema_line(pull *p, const char *name)
{
    const cat_table *t;
    const cat_column *c;
    const cat_index *i;
    const cat_enum *ce;
    const penum *e;
    const char *text;
    buf b, who;
    int other;
    size_t before;

    buf_init(&b);
    buf_init(&who);
    for (other = 1; other < AST_NDIALECTS; other++) {
        if (other == p->d)
            continue;
        before = b.len;
        for (t = p->cat.tables; t; t = t->next) {
            reserved_name(p, &b, other, CHECK_NAME_TABLE, NULL, t->name);
            for (c = t->cols; c; c = c->next)
                reserved_name(p, &b, other, CHECK_NAME_COLUMN, t->name,
                              c->name);
        }
        for (i = p->cat.indexes; i; i = i->next)
            reserved_name(p, &b, other, CHECK_NAME_INDEX, NULL, i->name);
        for (ce = p->cat.enums; ce; ce = ce->next)
            reserved_name(p, &b, other, CHECK_NAME_ENUM, NULL, ce->name);
        for (e = p->enums; e; e = e->next)
            reserved_name(p, &b, other, CHECK_NAME_ENUM, NULL, e->name);
        if (b.len > before)
            buf_printf(&who, "%s%s", who.len ? " and " : "",
                       sc__dialect_of((sc_dialect)other)->title);
    }
    if (b.len == 0)
        text = fmtd(p, "// The structure of a database, read by schemac "
                       "pull.\nschema %s;\n", name);
    else
        text = fmtd(p, "// The structure of a database, read by schemac "
                       "pull.\n// It uses names that %s keeps for itself, "
                       "so the schema is for %s\n// only:\n%sschema %s "
                       "for %s;\n", who.data, p->dname, b.data, name,
                    p->dname);
    buf_free(&b);
    buf_free(&who);
    return text;
}

static void write_schema(pull *p, const char *name)
{
    const cat_enum *ce;
    const cat_label *l;
    const cat_table *t;
    const cat_object *o;
    pline **enums_at, *head;
    penum *e;
    buf b;

    head = line(p, "");
    for (o = p->cat.objects; o; o = o->next)
        if (o->before_tables)
            write_object(p, o);
    enums_at = p->lines_end;
    for (t = p->cat.tables; t; t = t->next)
        write_table(p, t);
    for (o = p->cat.objects; o; o = o->next)
        if (!o->before_tables)
            write_object(p, o);
    /* the enums: PostgreSQL's types, and SQLite's that the tables' CHECKs
     * told, before the tables */
    buf_init(&b);
    for (ce = p->cat.enums; ce; ce = ce->next) {
        buf_reset(&b);
        buf_printf(&b, "\nenum %s {", nm(p, ce->name));
        for (l = ce->labels; l; l = l->next)
            buf_printf(&b, "%s %s", l == ce->labels ? "" : ",",
                       ast_label_spelling(p->pool, l->label));
        buf_puts(&b, " }\n");
        insert_line(p, &enums_at, b.data);
    }
    for (e = p->enums; e; e = e->next) {
        buf_reset(&b);
        buf_printf(&b, "\nenum %s { %s }\n", nm(p, e->name), e->values.data);
        insert_line(p, &enums_at, b.data);
    }
    buf_free(&b);
    *p->lines_end = p->blocks;
    /* Last, when every name is known. */
    head->text = schema_line(p, name);
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The plain text of the lines as they now stand, each one's place
 * recorded. */
static void assemble(pull *p, buf *out)
{
    pline *l;
    int at = 1;
    const char *s;

    buf_reset(out);
    for (l = p->lines; l; l = l->next) {
        if (l->hidden)
            continue;
        s = l->use_fallback ? l->fallback : l->text;
        l->first = at;
        at += count_lines(s);
        l->last = at - 1;
        buf_puts(out, s);
    }
}

/* Puts the fallback of each line the compiler refused in its place;
 * false when one has none left. */
static bool fall_back(pull *p, const ast_ctx *ctx, int round)
{
    pline *l;
    int i, line_no;

    for (i = 0; i < ctx->ndiags; i++) {
        if (ctx->diags[i].is_note)
            continue;
        line_no = ctx->diags[i].loc.first_line;
        for (l = p->lines; l; l = l->next)
            if (!l->hidden && line_no >= l->first && line_no <= l->last)
                break;
        if (l && l->use_fallback && l->round == round)
            continue; /* a second error on a line already replaced */
        if (!l || l->use_fallback || !l->fallback)
            return false;
        l->use_fallback = true;
        l->round = round;
        if (l->alt)
            l->alt->hidden = false;
    }
    return ctx->ndiags > 0;
}

/* Names on the standard error what line l keeps only as a comment: the
 * comment of its last line, after the table or column it is about. */
static void say_lost(const pline *l, const char *text)
{
    size_t end = strlen(text), n;
    const char *c;

    /* the comment of its last line: a column's documentation is above */
    if (end > 0 && text[end - 1] == '\n')
        end--;
    while (end > 0 && text[end - 1] != '\n')
        end--;
    c = strstr(text + end, "// ");

    if (!c)
        return;
    c += 3;
    n = strcspn(c, "\n");
    fprintf(stderr, "schemac: pull: %s%s%.*s\n", l->where ? l->where : "",
            l->where ? ": " : "", (int)n, c);
}

/* Compiles the text, falling back line by line until it compiles, and
 * prints it formatted into out; when it cannot be made to compile, out
 * holds the plain text and the errors are printed.  *lost says whether
 * something is kept only as a comment. */
static int finish(pull *p, const char *file, buf *out, bool *lost)
{
    ast_ctx *ctx = NULL;
    buf text;
    int round, rc = 0;
    const pline *l;

    buf_init(&text);
    for (round = 0; round < MAX_ROUNDS; round++) {
        assemble(p, &text);
        ast_ctx_free(ctx);
        ctx = ast_ctx_new(file, text.data, text.len);
        if (ast_parse(ctx) == 0)
            check_schema(ctx);
        if (ctx->nerrors == 0 || !fall_back(p, ctx, round))
            break;
    }
    if (ctx->nerrors > 0) {
        fprintf(stderr, "schemac: the schema read from the database does "
                        "not compile; written as read:\n");
        ast_print_diags(ctx, stderr);
        buf_put(out, text.data, text.len);
        rc = EXIT_USER;
    } else {
        ast_attach_comments(ctx);
        fmt_schema(ctx, out);
    }
    *lost = false;
    for (l = p->lines; l; l = l->next)
        if (!l->hidden && (l->use_fallback ? l->fallback_lost : l->lost)) {
            say_lost(l, l->use_fallback ? l->fallback : l->text);
            *lost = true;
        }
    ast_ctx_free(ctx);
    buf_free(&text);
    return rc;
}

/* ---- the command ----------------------------------------------------- */

typedef struct pull_args {
    const char *url, *name, *output;
} pull_args;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "schemac: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_pull);
    return EXIT_USAGE;
}

/* Returns 0, -1 after --help, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, pull_args *a)
{
    int i;
    const char **slot;

    memset(a, 0, sizeof *a);
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_pull, stdout);
            return -1;
        }
        if (strcmp(argv[i], "--db") == 0)
            slot = &a->url;
        else if (strcmp(argv[i], "--name") == 0)
            slot = &a->name;
        else if (strcmp(argv[i], "-o") == 0)
            slot = &a->output;
        else
            return usage_error("unexpected argument '%s'", argv[i]);
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value", argv[i]);
        *slot = argv[++i];
    }
    if (!a->url)
        return usage_error("%s", "--db URL is required");
    if (a->name && !ast_is_plain_name(a->name))
        return usage_error("--name '%s' is not a name", a->name);
    return 0;
}

static int on_dbname(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;

    if (n > 0 && v[0])
        p->dbname = dup(p, v[0]);
    return 0;
}

/* The schema's name when none is given: the database's (PostgreSQL's
 * current database, the SQLite file's name less its extension), with
 * every character a name cannot hold made '_'. */
static const char *schema_name(pull *p, sc_db *db, const char *url)
{
    const char *base = url, *s;
    buf b;
    const char *name;

    if (p->D->database_name &&
        sc_query_sql_each(db, p->D->database_name, on_dbname, p) == SC_OK &&
        p->dbname)
        base = p->dbname;
    else if ((s = strrchr(url, '/')) != NULL || (s = strrchr(url, ':')))
        base = s + 1;
    buf_init(&b);
    if (!isalpha((unsigned char)*base) && *base != '_')
        buf_putc(&b, '_');
    for (s = base; *s && *s != '.' && *s != '?'; s++)
        buf_putc(&b, isalnum((unsigned char)*s) ? *s : '_');
    name = dup(p, *base && ast_is_plain_name(b.data) ? b.data : "database");
    buf_free(&b);
    return name;
}

int pull_main(int argc, char **argv)
{
    pull_args a;
    pull p;
    sc_db *db = NULL;
    buf out;
    int rc = parse_args(argc, argv, &a), wrc;
    bool lost = false;
    const penum *e;

    if (rc)
        return rc < 0 ? 0 : rc;
    memset(&p, 0, sizeof p);
    p.lines_end = &p.lines;
    p.blocks_end = &p.blocks;
    p.enums_end = &p.enums;
    p.pool = ast_ctx_new("pull", "", 0);
    buf_init(&out);
    rc = EXIT_USER;
    if (!p.pool)
        goto cleanup;
    if (sc_open(a.url, &db) != SC_OK) {
        fprintf(stderr, "schemac: cannot open the database: %s\n",
                db ? sc_errmsg(db) : "out of memory");
        goto cleanup;
    }
    if (cat_read(db, p.pool, true, &p.cat) != SC_OK) {
        fprintf(stderr, "schemac: cannot read the database's structure: "
                        "%s\n", sc_errmsg(db));
        goto cleanup;
    }
    p.d = p.cat.dialect;
    p.D = sc__dialect_of((sc_dialect)p.d);
    p.dname = emit_sql_dialect_name((sql_dialect)p.d);
    write_schema(&p, a.name ? a.name : schema_name(&p, db, a.url));
    rc = finish(&p, a.output ? a.output : "pulled.schema", &out, &lost);
    wrc = frontend_write(a.output, out.data, out.len);
    if (rc == 0 && lost)
        fprintf(stderr, "schemac: pull: some of the database's structure "
                        "is kept only as comments in the schema\n");
    rc = rc ? rc : wrc ? wrc : lost ? EXIT_USER : 0;
cleanup:
    for (e = p.enums; e; e = e->next)
        buf_free((buf *)&e->values);
    buf_free(&out);
    sc_close(db);
    ast_ctx_free(p.pool);
    return rc;
}
