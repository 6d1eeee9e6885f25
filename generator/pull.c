/*
 * pull.c - schemac pull --db URL: writes a .schema from the structure of
 * an existing database, for a project that adopts schemac on a database it
 * already has.
 *
 * The catalog is read through sc_query_sql_each(): on PostgreSQL from
 * pg_catalog in the current schema (tables, columns with format_type(),
 * defaults, identity, constraints, plain indexes, enum types), on SQLite
 * from sqlite_schema and the table-valued pragmas.  Each column's type is
 * mapped onto the language's (PostgreSQL's types map one to one; SQLite's
 * declared types by their names, refined by the CHECKs schemac itself
 * writes, so that a database schemac made comes back with its bool,
 * int16, int32, varchar(n), uuid, json and enum columns).  What the
 * language cannot say (a CHECK's SQL, a default that is an expression, a
 * type with no counterpart) is kept as a comment beside its table or
 * column, never dropped silently.
 *
 * The text is written in a plain form, then compiled and printed by fmt,
 * so the result is in the project's layout and is known to compile.
 */
#include "pull.h"

#include "buf.h"
#include "checker.h"
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

static const char usage_pull[] =
    "usage: schemac pull --db URL [--name NAME] [-o FILE]\n"
    "\n"
    "Reads the tables, columns, keys, indexes and enum types of the\n"
    "database at URL and writes them as a .schema (to FILE, or to the\n"
    "standard output).  What the language cannot express is kept as a\n"
    "comment.  Exits 1 when the database cannot be read or the result does\n"
    "not compile (it is written all the same, for editing).\n"
    "\n"
    "  --db URL     the database: sqlite:PATH or postgresql://... (required)\n"
    "  --name NAME  the schema's name (default: the database's)\n"
    "  -o FILE      write FILE instead of the standard output\n";

/* ---- what the catalog says ------------------------------------------- */

typedef struct pcol {
    const char *name, *type, *dflt;
    bool notnull, autoinc, unique, enum_type;
    bool typed_by_check; /* SQLite: its ck_TABLE_COLUMN gave the type */
    int pk;              /* position in the primary key, or 0 */
    const char *ref;     /* "references t(c) on delete ...", or NULL */
    const char *note;    /* a comment at the end of the column's line */
    struct pcol *next;
} pcol;

typedef struct pline { /* a table item, or a comment line */
    const char *text;
    struct pline *next;
} pline;

typedef struct ptable {
    const char *name, *sql;
    pcol *cols, **cols_end;
    pline *items, **items_end;
    int npk;
    struct ptable *next;
} ptable;

typedef struct penum {
    const char *name;
    buf values;
    struct penum *next;
} penum;

typedef struct pull {
    ast_ctx *pool; /* owns every string and node */
    sc_dialect d;
    ptable *tables, **tables_end;
    penum *enums, **enums_end;
    int nbad;           /* names the language cannot spell */
    const char *dbname; /* PostgreSQL's current database */
} pull;

static const char *dup(pull *p, const char *s)
{
    return ast_strdup(p->pool, s ? s : "");
}

static ptable *find_table(pull *p, const char *name)
{
    ptable *t;

    for (t = p->tables; t; t = t->next) {
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

static pcol *find_col(ptable *t, const char *name)
{
    pcol *c;

    for (c = t ? t->cols : NULL; c; c = c->next) {
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static void add_item(pull *p, ptable *t, const char *text)
{
    pline *l = ast_alloc(p->pool, sizeof *l);

    l->text = dup(p, text);
    *t->items_end = l;
    t->items_end = &l->next;
}

/* True when s holds w, in any case. */
static bool holds(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (; s && *s; s++) {
        if (strncasecmp(s, w, n) == 0)
            return true;
    }
    return false;
}

static bool truthy(const char *s)
{
    return s && (strcmp(s, "1") == 0 || strcmp(s, "t") == 0 ||
                 strcmp(s, "true") == 0);
}

/* True when s can be written as a name of the language. */
static bool is_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    }
    return true;
}

/* ---- types ----------------------------------------------------------- */

/* The language's type for a PostgreSQL format_type() text, or NULL. */
static const char *pg_type(pull *p, const char *t, const char **note)
{
    static const char *const same[][2] = {
        {"smallint", "int16"}, {"integer", "int32"},
        {"bigint", "int64"},   {"boolean", "bool"},
        {"real", "float32"},   {"double precision", "float64"},
        {"text", "text"},      {"bytea", "bytes"},
        {"date", "date"},      {"timestamp with time zone", "timestamp"},
        {"uuid", "uuid"},      {"jsonb", "json"},
        {"json", "json"},      {"character varying", "text"},
    };
    size_t i;
    long a, b;
    char tmp[64];

    for (i = 0; i < sizeof same / sizeof same[0]; i++) {
        if (strcmp(t, same[i][0]) == 0)
            return same[i][1];
    }
    if (sscanf(t, "numeric(%ld,%ld)", &a, &b) == 2) {
        snprintf(tmp, sizeof tmp, "numeric(%ld,%ld)", a, b);
        return dup(p, tmp);
    }
    if (sscanf(t, "character varying(%ld)", &a) == 1) {
        snprintf(tmp, sizeof tmp, "varchar(%ld)", a);
        return dup(p, tmp);
    }
    if (strcmp(t, "timestamp without time zone") == 0) {
        *note = "timestamp without time zone on the database";
        return "timestamp";
    }
    return NULL;
}

/* The language's type for a SQLite declared type, by SQLite's own rules
 * of affinity and the common spellings. */
static const char *sqlite_type(pull *p, const char *decl, const char **note)
{
    char up[128];
    size_t i;
    long a, b;
    char tmp[64];

    for (i = 0; decl[i] && i + 1 < sizeof up; i++)
        up[i] = (char)toupper((unsigned char)decl[i]);
    up[i] = '\0';
    if (sscanf(up, "VARCHAR(%ld)", &a) == 1 ||
        sscanf(up, "CHARACTER VARYING(%ld)", &a) == 1 ||
        sscanf(up, "NVARCHAR(%ld)", &a) == 1) {
        snprintf(tmp, sizeof tmp, "varchar(%ld)", a);
        return dup(p, tmp);
    }
    if (sscanf(up, "NUMERIC(%ld,%ld)", &a, &b) == 2 ||
        sscanf(up, "DECIMAL(%ld,%ld)", &a, &b) == 2) {
        snprintf(tmp, sizeof tmp, "numeric(%ld,%ld)", a, b);
        *note = "SQLite stores it as it was given; schemac scales it";
        return dup(p, tmp);
    }
    if (strstr(up, "BOOL"))
        return "bool";
    if (strcmp(up, "SMALLINT") == 0 || strcmp(up, "INT2") == 0)
        return "int16";
    if (strstr(up, "INT"))
        return "int64";
    if (strcmp(up, "DATE") == 0 || strstr(up, "TIME")) {
        *note = "SQLite stores any value; schemac counts from 1970";
        return strcmp(up, "DATE") == 0 ? "date" : "timestamp";
    }
    if (strstr(up, "JSON"))
        return "json";
    if (strstr(up, "UUID"))
        return "uuid";
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
        return "text";
    if (strstr(up, "BLOB") || up[0] == '\0')
        return "bytes";
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return "float64";
    return NULL;
}

/* The text between "CHECK (" and its closing parenthesis, for the check
 * schemac names ck_TABLE_COLUMN, or NULL. */
static const char *type_check(pull *p, const ptable *t, const pcol *c)
{
    buf b;
    const char *s, *q;
    int depth = 1;

    if (!t->sql)
        return NULL;
    buf_init(&b);
    buf_printf(&b, "CONSTRAINT \"ck_%s_%s\"", t->name, c->name);
    s = strstr(t->sql, b.data);
    buf_free(&b);
    if (!s || !(s = strstr(s, "CHECK (")))
        return NULL;
    s += 7;
    for (q = s; *q && depth > 0; q++)
        depth += (*q == '(') - (*q == ')');
    return depth == 0 ? ast_strndup(p->pool, s, (size_t)(q - 1 - s)) : NULL;
}

/* The enum a check ("c" IN ('a', 'b')) stands for: declared once per set
 * of values, named after the column (or TABLE_COLUMN when taken). */
static const char *enum_from_check(pull *p, const ptable *t, const pcol *c,
                                   const char *in)
{
    penum *e;
    buf values, name;
    const char *s = in;

    buf_init(&values);
    while ((s = strchr(s, '\'')) != NULL) {
        const char *end = strchr(s + 1, '\'');

        if (!end)
            break;
        buf_printf(&values, "%s%.*s", values.len ? ", " : "",
                   (int)(end - s - 1), s + 1);
        s = end + 1;
    }
    buf_init(&name);
    buf_puts(&name, c->name);
    for (e = p->enums; e; e = e->next) {
        if (strcmp(e->name, name.data) == 0 &&
            strcmp(e->values.data, values.data) == 0)
            break;
        if (strcmp(e->name, name.data) == 0) {
            buf_reset(&name);
            buf_printf(&name, "%s_%s", t->name, c->name);
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
    return e->name;
}

/* The type a CHECK schemac writes for a column stands for, or NULL. */
static const char *type_of_check(pull *p, const ptable *t, pcol *c,
                                 const char *k)
{
    static const char *const fixed[][2] = {
        {"IN (0, 1)", "bool"},
        {"BETWEEN -32768 AND 32767", "int16"},
        {"BETWEEN -2147483648 AND 2147483647", "int32"},
        {"json_valid(", "json"},
        {") = 16", "uuid"},
    };
    const char *len = strstr(k, "length(");
    char tmp[64];
    size_t i;
    long n;

    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (strstr(k, fixed[i][0]))
            return fixed[i][1];
    }
    if (len && strstr(len, ") <= ") &&
        sscanf(strstr(len, ") <= ") + 5, "%ld", &n) == 1) {
        snprintf(tmp, sizeof tmp, "varchar(%ld)", n);
        return dup(p, tmp);
    }
    if (strstr(k, " IN ('")) {
        c->enum_type = true;
        return enum_from_check(p, t, c, strstr(k, " IN ('"));
    }
    return NULL;
}

/* A column of a table schemac made: its CHECK tells the type. */
static const char *refine(pull *p, const ptable *t, pcol *c, const char *ty)
{
    const char *k = type_check(p, t, c), *r;

    if (!k)
        return ty;
    r = type_of_check(p, t, c, k);
    c->typed_by_check = r != NULL;
    if (!r && strstr(k, " BETWEEN "))
        c->note = "a scaled numeric on the database: numeric(p,s) with a "
                  "scale it does not record";
    return r ? r : ty;
}

/* True when the check called name gave a column of t its type. */
static bool consumed_check(pull *p, const ptable *t, const char *name)
{
    const pcol *c;
    buf b;
    bool found = false;

    buf_init(&b);
    for (c = t->cols; c && !found; c = c->next) {
        buf_reset(&b);
        buf_printf(&b, "ck_%s_%s", t->name, c->name);
        found = c->typed_by_check && strcmp(b.data, name) == 0;
    }
    buf_free(&b);
    (void)p;
    return found;
}

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
         strstr(up, "CURRENT_DATE") || strstr(up, "TRANSACTION_TIMESTAMP"))) {
        /* an expression, not a string such as 'unknown' */
        /* On SQLite, schemac's own now counts microseconds or days. */
        if (strcmp(c->type, "int64") == 0)
            c->type = strstr(expr, "86400000000") || !strstr(up, "JULIANDAY")
                          ? "timestamp"
                          : "date";
        return "now";
    }
    if (strcmp(c->type, "uuid") == 0 && strlen(expr) == 35 &&
        (expr[0] == 'X' || expr[0] == 'x') && expr[1] == '\'')
        return uuid_text(p, expr + 2);
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

        if (c->enum_type || (is_number(inner) && numeric_type(c->type)))
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
    buf_printf(&b, "default on the database: %s", expr);
    c->note = dup(p, b.data);
    buf_free(&b);
    return NULL;
}

/* ---- reading the catalog --------------------------------------------- */

static const char sqlite_tables[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND name NOT IN ('schemac_migrations', 'schemac_migration_parts')"
    " ORDER BY rowid";

/* table, column, type, not null, default, pk position */
static const char sqlite_columns[] =
    "SELECT m.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk"
    " FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS c"
    " WHERE m.type = 'table' ORDER BY m.rowid, c.cid";

/* table, id, target table, from, to, on update, on delete */
static const char sqlite_fks[] =
    "SELECT m.name, f.id, f.\"table\", group_concat(f.\"from\", ', '),"
    " group_concat(f.\"to\", ', '), f.on_update, f.on_delete"
    " FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f"
    " WHERE m.type = 'table' GROUP BY m.name, f.id ORDER BY m.rowid, f.id";

/* table, index, unique, origin, columns */
static const char sqlite_indexes[] =
    "SELECT m.name, l.name, l.\"unique\", l.origin,"
    " (SELECT group_concat(name, ', ') FROM"
    "  (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))"
    " FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS l"
    " WHERE m.type = 'table' AND l.origin <> 'pk'"
    " ORDER BY m.rowid, l.seq DESC";

#define PG_TABLES                                                              \
    " JOIN pg_namespace AS n ON n.oid = t.relnamespace"                        \
    " WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')"          \
    " AND t.relname NOT IN ('schemac_migrations', 'schemac_migration_parts')"

static const char pg_tables[] =
    "SELECT t.relname, NULL FROM pg_class AS t" PG_TABLES " ORDER BY t.oid";

/* table, column, type, not null, default, pk position, identity, enum */
static const char pg_columns[] =
    "SELECT t.relname, a.attname,"
    " CASE WHEN y.typtype = 'e' THEN y.typname::text"
    " ELSE format_type(a.atttypid, a.atttypmod) END,"
    " a.attnotnull::int, pg_get_expr(d.adbin, d.adrelid),"
    " coalesce(array_position((SELECT k.conkey FROM pg_constraint AS k"
    "  WHERE k.conrelid = t.oid AND k.contype = 'p'), a.attnum), 0),"
    " (a.attidentity <> '')::int, (y.typtype = 'e')::int"
    " FROM pg_attribute AS a JOIN pg_class AS t ON t.oid = a.attrelid"
    " JOIN pg_type AS y ON y.oid = a.atttypid"
    " LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid"
    " AND d.adnum = a.attnum" PG_TABLES
    " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.oid, a.attnum";

/* The names of columns cols of table rel, in the order of cols. */
#define PG_NAMES(rel, cols)                                                    \
    "(SELECT string_agg(a.attname, ', ' ORDER BY k.n)"                         \
    " FROM unnest(" cols ") WITH ORDINALITY AS k(num, n)"                      \
    " JOIN pg_attribute AS a ON a.attrelid = " rel " AND a.attnum = k.num)"

/* table, kind, columns, definition, target, target columns, on update,
 * on delete, name */
#define PG_KEY_NAMES PG_NAMES("c.conrelid", "c.conkey")
#define PG_REF_NAMES PG_NAMES("c.confrelid", "c.confkey")

static const char pg_constraints[] =
    "SELECT t.relname, c.contype::text, " PG_KEY_NAMES
    ", pg_get_constraintdef(c.oid), f.relname, " PG_REF_NAMES
    ", c.confupdtype::text, c.confdeltype::text, c.conname"
    " FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid"
    " LEFT JOIN pg_class AS f ON f.oid = c.confrelid" PG_TABLES
    " AND c.contype IN ('u', 'c', 'f') ORDER BY t.oid, c.oid";

/* table, index, unique, origin, columns (0 in indkey: an expression) */
#define PG_INDEX_NAMES PG_NAMES("x.indrelid", "x.indkey::int2[]")

static const char pg_indexes[] =
    "SELECT t.relname, i.relname, x.indisunique::int, 'c',"
    " CASE WHEN 0 = ANY (x.indkey::int2[]) OR x.indpred IS NOT NULL"
    " THEN NULL ELSE " PG_INDEX_NAMES " END"
    " FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid"
    " JOIN pg_class AS t ON t.oid = x.indrelid" PG_TABLES
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c"
    "  WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)"
    " ORDER BY t.oid, i.oid";

static const char pg_enums[] =
    "SELECT y.typname, e.enumlabel FROM pg_type AS y"
    " JOIN pg_enum AS e ON e.enumtypid = y.oid"
    " JOIN pg_namespace AS n ON n.oid = y.typnamespace"
    " WHERE n.nspname = current_schema()"
    " ORDER BY y.oid, e.enumsortorder";

static int on_table(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;
    ptable *t = ast_alloc(p->pool, sizeof *t);

    t->name = dup(p, v[0]);
    t->sql = n > 1 && v[1] ? dup(p, v[1]) : NULL;
    t->cols_end = &t->cols;
    t->items_end = &t->items;
    *p->tables_end = t;
    p->tables_end = &t->next;
    return 0;
}

static int on_column(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;
    ptable *t = find_table(p, v[0]);
    const char *note = NULL;
    pcol *c;

    if (!t || n < 6)
        return 0;
    c = ast_alloc(p->pool, sizeof *c);
    c->name = dup(p, v[1]);
    c->notnull = truthy(v[3]);
    c->pk = v[5] ? atoi(v[5]) : 0;
    c->autoinc = n > 6 && truthy(v[6]);
    c->enum_type = n > 7 && truthy(v[7]);
    if (c->enum_type)
        c->type = dup(p, v[2]);
    else if (p->d == SC_DIALECT_POSTGRESQL)
        c->type = pg_type(p, v[2] ? v[2] : "", &note);
    else
        c->type = refine(p, t, c, sqlite_type(p, v[2] ? v[2] : "", &note));
    if (p->d == SC_DIALECT_SQLITE && c->pk && holds(t->sql, "AUTOINCREMENT"))
        c->autoinc = true;
    if (!c->type) {
        buf b;

        buf_init(&b);
        buf_printf(&b, "%s on the database: no type of the language holds it",
                   v[2] ? v[2] : "");
        note = dup(p, b.data);
        buf_free(&b);
        c->type = "text";
    }
    if (!c->note)
        c->note = note;
    c->dflt = pull_default(p, c, v[4]);
    if (c->pk > t->npk)
        t->npk = c->pk;
    *t->cols_end = c;
    t->cols_end = &c->next;
    return 0;
}

static const char *action(const char *a)
{
    static const char *const names[][2] = {
        {"c", "cascade"},     {"CASCADE", "cascade"},
        {"n", "set null"},    {"SET NULL", "set null"},
        {"d", "set default"}, {"SET DEFAULT", "set default"},
        {"r", "restrict"},    {"RESTRICT", "restrict"},
    };
    size_t i;

    for (i = 0; a && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(a, names[i][0]) == 0)
            return names[i][1];
    }
    return NULL; /* no action: the default */
}

/* A foreign key: on its column when it has one, else a table item. */
static void add_fk(pull *p, ptable *t, const char *cols, const char *target,
                   const char *tcols, const char *upd, const char *del)
{
    buf b;
    pcol *c = strchr(cols, ',') ? NULL : find_col(t, cols);

    buf_init(&b);
    if (!c)
        buf_printf(&b, "foreign key (%s) ", cols);
    buf_printf(&b, "references %s(%s)", target, tcols);
    if (action(del))
        buf_printf(&b, " on delete %s", action(del));
    if (action(upd))
        buf_printf(&b, " on update %s", action(upd));
    if (c) {
        c->ref = dup(p, b.data);
    } else {
        buf_putc(&b, ';');
        add_item(p, t, b.data);
    }
    buf_free(&b);
}

static void add_unique(pull *p, ptable *t, const char *cols)
{
    pcol *c = strchr(cols, ',') ? NULL : find_col(t, cols);
    buf b;

    if (c) {
        c->unique = true;
        return;
    }
    buf_init(&b);
    buf_printf(&b, "unique (%s);", cols);
    add_item(p, t, b.data);
    buf_free(&b);
}

static int on_fk(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;
    ptable *t = find_table(p, v[0]);

    if (t && n >= 7 && v[2] && v[3] && v[4])
        add_fk(p, t, v[3], v[2], v[4], v[5], v[6]);
    return 0;
}

static int on_constraint(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;
    ptable *t = find_table(p, v[0]);
    buf b;

    if (!t || n < 9 || !v[1])
        return 0;
    if (v[1][0] == 'u' && v[2])
        add_unique(p, t, v[2]);
    else if (v[1][0] == 'f' && v[2] && v[4] && v[5])
        add_fk(p, t, v[2], v[4], v[5], v[6], v[7]);
    else if (v[1][0] == 'c' && v[3]) {
        buf_init(&b);
        buf_printf(&b,
                   "// on the database, not carried over: "
                   "CONSTRAINT \"%s\" %s",
                   n > 8 && v[8] ? v[8] : "", v[3]);
        add_item(p, t, b.data);
        buf_free(&b);
    }
    return 0;
}

/* The name schemac gives an unnamed index over cols ("a, b"). */
static const char *default_index_name(pull *p, const ptable *t,
                                      const char *cols)
{
    buf b;
    const char *s, *name;

    buf_init(&b);
    for (s = cols; *s; s++) {
        if (*s == ',')
            buf_putc(&b, '_');
        else if (*s != ' ')
            buf_putc(&b, *s);
    }
    name = emit_sql_constraint_name(p->pool, "ix", t->name, b.data);
    buf_free(&b);
    return name;
}

/* The name in CONSTRAINT NAME (quoted or not) just before sql + at,
 * written into b; empty when the check has none. */
static void check_name_before(const char *sql, size_t at, buf *b)
{
    size_t end, start;
    bool quoted;

    buf_reset(b);
    while (at > 0 && isspace((unsigned char)sql[at - 1]))
        at--;
    quoted = at > 0 && sql[at - 1] == '"';
    end = quoted ? at - 1 : at;
    for (start = end; start > 0; start--) {
        char ch = sql[start - 1];

        if (quoted ? ch == '"' : !(isalnum((unsigned char)ch) || ch == '_'))
            break;
    }
    if (start == end || (quoted && start == 0))
        return;
    at = quoted ? start - 1 : start;
    while (at > 0 && isspace((unsigned char)sql[at - 1]))
        at--;
    if (at >= 10 && strncasecmp(sql + at - 10, "CONSTRAINT", 10) == 0)
        buf_put(b, sql + start, end - start);
}

/* The CHECKs of a SQLite table, named or not, that did not give a column
 * its type: comments, since the language cannot take SQL. */
static void sqlite_checks(pull *p, ptable *t)
{
    const char *sql = t->sql, *s, *q;
    int depth;
    buf name, b;

    buf_init(&name);
    buf_init(&b);
    for (s = sql; s && *s; s++) {
        if (strncasecmp(s, "CHECK", 5) != 0 ||
            (s > sql && (isalnum((unsigned char)s[-1]) || s[-1] == '_')))
            continue;
        for (q = s + 5; isspace((unsigned char)*q); q++)
            ;
        if (*q != '(')
            continue;
        depth = 1;
        for (q++; *q && depth > 0; q++)
            depth += (*q == '(') - (*q == ')');
        check_name_before(sql, (size_t)(s - sql), &name);
        if (name.len == 0 || !consumed_check(p, t, name.data)) {
            buf_reset(&b);
            buf_puts(&b, "// on the database, not carried over: ");
            if (name.len)
                buf_printf(&b, "CONSTRAINT \"%s\" ", name.data);
            buf_put(&b, s, (size_t)(q - s));
            add_item(p, t, b.data);
        }
        s = q - 1;
    }
    buf_free(&name);
    buf_free(&b);
}

static int on_index(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;
    ptable *t = find_table(p, v[0]);
    buf b;

    if (!t || n < 5)
        return 0;
    buf_init(&b);
    if (!v[4])
        buf_printf(&b,
                   "// index %s on the database, over expressions or "
                   "rows the language cannot name",
                   v[1]);
    else if (truthy(v[2]) && v[3] && strcmp(v[3], "c") != 0)
        add_unique(p, t, v[4]); /* a UNIQUE in the table's definition */
    else if (truthy(v[2]))
        buf_printf(&b, "unique (%s);", v[4]);
    else if (strcmp(v[1], default_index_name(p, t, v[4])) == 0)
        buf_printf(&b, "index (%s);", v[4]);
    else
        buf_printf(&b, "index %s (%s);", v[1], v[4]);
    if (b.len)
        add_item(p, t, b.data);
    buf_free(&b);
    return 0;
}

static int on_enum_label(void *ctx, int n, const char *const *v)
{
    pull *p = ctx;
    penum *e;

    if (n < 2 || !v[0] || !v[1])
        return 0;
    for (e = p->enums; e && strcmp(e->name, v[0]) != 0; e = e->next)
        ;
    if (!e) {
        e = ast_alloc(p->pool, sizeof *e);
        e->name = dup(p, v[0]);
        buf_init(&e->values);
        *p->enums_end = e;
        p->enums_end = &e->next;
    }
    buf_printf(&e->values, "%s%s", e->values.len ? ", " : "", v[1]);
    return 0;
}

static int read_catalog(pull *p, sc_db *db)
{
    ptable *t;
    int rc;

    if (p->d == SC_DIALECT_POSTGRESQL) {
        rc = sc_query_sql_each(db, pg_enums, on_enum_label, p);
        if (rc == SC_OK)
            rc = sc_query_sql_each(db, pg_tables, on_table, p);
        if (rc == SC_OK)
            rc = sc_query_sql_each(db, pg_columns, on_column, p);
        if (rc == SC_OK)
            rc = sc_query_sql_each(db, pg_constraints, on_constraint, p);
        if (rc == SC_OK)
            rc = sc_query_sql_each(db, pg_indexes, on_index, p);
        return rc;
    }
    rc = sc_query_sql_each(db, sqlite_tables, on_table, p);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, sqlite_columns, on_column, p);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, sqlite_fks, on_fk, p);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, sqlite_indexes, on_index, p);
    for (t = p->tables; rc == SC_OK && t; t = t->next)
        sqlite_checks(p, t);
    return rc;
}

/* ---- writing --------------------------------------------------------- */

static void check_name(pull *p, const char *what, const char *name)
{
    if (is_name(name))
        return;
    fprintf(stderr,
            "schemac: %s \"%s\": not a name the schema language can "
            "spell ([A-Za-z_][A-Za-z0-9_]*)\n",
            what, name);
    p->nbad++;
}

static void write_column(pull *p, const ptable *t, const pcol *c, buf *b)
{
    check_name(p, "column", c->name);
    buf_printf(b, "    %s %s", c->name, c->type);
    if (c->pk && t->npk == 1)
        buf_puts(b, " primary key");
    if (c->autoinc && c->pk && t->npk == 1)
        buf_puts(b, " autoincrement");
    if (c->notnull && !(c->pk && t->npk == 1))
        buf_puts(b, " not null");
    if (c->unique)
        buf_puts(b, " unique");
    if (c->dflt)
        buf_printf(b, " default %s", c->dflt);
    if (c->ref)
        buf_printf(b, " %s", c->ref);
    buf_putc(b, ';');
    if (c->note)
        buf_printf(b, " // %s", c->note);
    else if (c->autoinc && !(c->pk && t->npk == 1))
        buf_puts(b, " // generated by the database: autoincrement is for "
                    "a primary key of one column");
    buf_putc(b, '\n');
}

static void write_table(pull *p, const ptable *t, buf *b)
{
    const pcol *c;
    const pline *l;
    int k;

    check_name(p, "table", t->name);
    buf_printf(b, "\ntable %s {\n", t->name);
    for (c = t->cols; c; c = c->next)
        write_column(p, t, c, b);
    if (t->npk > 1) {
        buf_puts(b, "    primary key (");
        for (k = 1; k <= t->npk; k++) {
            for (c = t->cols; c && c->pk != k; c = c->next)
                ;
            if (c)
                buf_printf(b, "%s%s", k > 1 ? ", " : "", c->name);
        }
        buf_puts(b, ");\n");
    }
    for (l = t->items; l; l = l->next)
        buf_printf(b, "    %s\n", l->text);
    buf_puts(b, "}\n");
}

static void write_schema(pull *p, const char *name, buf *b)
{
    const penum *e;
    const ptable *t;

    buf_printf(b,
               "// The structure of a database, read by schemac pull.\n"
               "schema %s;\n",
               name);
    for (e = p->enums; e; e = e->next) {
        check_name(p, "enum type", e->name);
        buf_printf(b, "\nenum %s { %s }\n", e->name, e->values.data);
    }
    for (t = p->tables; t; t = t->next)
        write_table(p, t, b);
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
    if (a->name && !is_name(a->name))
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
static const char *default_name(pull *p, sc_db *db, const char *url)
{
    const char *base = url, *s;
    buf b;
    const char *name;

    if (p->d == SC_DIALECT_POSTGRESQL &&
        sc_query_sql_each(db, "SELECT current_database()", on_dbname, p) ==
            SC_OK &&
        p->dbname)
        base = p->dbname;
    else if ((s = strrchr(url, '/')) != NULL || (s = strrchr(url, ':')))
        base = s + 1;
    buf_init(&b);
    if (!isalpha((unsigned char)*base) && *base != '_')
        buf_putc(&b, '_');
    for (s = base; *s && *s != '.' && *s != '?'; s++)
        buf_putc(&b, isalnum((unsigned char)*s) ? *s : '_');
    name = dup(p, *base && is_name(b.data) ? b.data : "database");
    buf_free(&b);
    return name;
}

/* Compiles the plain text and prints it formatted into out; when it does
 * not compile, out holds the plain text and the errors are printed. */
static int finish(const char *file, const buf *text, buf *out)
{
    ast_ctx *ctx = ast_ctx_new(file, text->data, text->len);
    int rc = 0;

    if (!ctx) {
        fputs("schemac: out of memory\n", stderr);
        return EXIT_USER;
    }
    if (ast_parse(ctx) == 0)
        check_schema(ctx);
    if (ctx->nerrors > 0) {
        fprintf(stderr, "schemac: the schema read from the database does "
                        "not compile; written as read:\n");
        ast_print_diags(ctx, stderr);
        buf_put(out, text->data, text->len);
        rc = EXIT_USER;
    } else {
        fmt_schema(ctx, out);
    }
    ast_ctx_free(ctx);
    return rc;
}

int pull_main(int argc, char **argv)
{
    pull_args a;
    pull p;
    sc_db *db = NULL;
    buf text, out;
    int rc = parse_args(argc, argv, &a), wrc;
    const penum *e;

    if (rc)
        return rc < 0 ? 0 : rc;
    memset(&p, 0, sizeof p);
    p.tables_end = &p.tables;
    p.enums_end = &p.enums;
    p.pool = ast_ctx_new("pull", "", 0);
    buf_init(&text);
    buf_init(&out);
    rc = EXIT_USER;
    if (!p.pool)
        goto cleanup;
    if (sc_open(a.url, &db) != SC_OK) {
        fprintf(stderr, "schemac: cannot open the database: %s\n",
                db ? sc_errmsg(db) : "out of memory");
        goto cleanup;
    }
    p.d = sc_db_dialect(db);
    if (read_catalog(&p, db) != SC_OK) {
        fprintf(stderr,
                "schemac: cannot read the database's structure: "
                "%s\n",
                sc_errmsg(db));
        goto cleanup;
    }
    write_schema(&p, a.name ? a.name : default_name(&p, db, a.url), &text);
    if (p.nbad > 0)
        goto cleanup;
    rc = finish(a.output ? a.output : "pulled.schema", &text, &out);
    wrc = frontend_write(a.output, out.data, out.len);
    rc = rc ? rc : wrc;
cleanup:
    for (e = p.enums; e; e = e->next)
        buf_free((buf *)&e->values);
    buf_free(&text);
    buf_free(&out);
    sc_close(db);
    ast_ctx_free(p.pool);
    return rc;
}
