/*
 * drift.c - schemac check FILE.schema --db URL: reads the structure of a
 * live database and reports every way it differs from what the schema
 * creates there, one line each, so that a database changed by hand (or by
 * a migration that was never written down) is caught before the
 * generated code meets it.
 *
 * The expected structure is not described a second time here: it comes
 * from the DDL emitter (column types, constraint and index names, the
 * constraints' SQL for the dialect), so that check and create_all cannot
 * disagree.  The live structure comes from the catalog, read through
 * sc_query_sql_each(): on SQLite sqlite_schema and the table-valued
 * pragmas, plus the stored CREATE TABLE text for what no pragma tells
 * (constraint names, CHECKs, AUTOINCREMENT, STRICT); on PostgreSQL
 * pg_catalog in the current schema.
 *
 * Compared: tables; columns (storage type for the dialect, NOT NULL, the
 * presence of a default, autoincrement); primary key columns; named
 * constraints by name, kind and definition (CHECK expressions only on
 * SQLite, where the stored text is ours: PostgreSQL rewrites them); indexes
 * by name, table, columns and uniqueness; STRICT on SQLite; enum types and
 * their values in order on PostgreSQL.  Default values are compared by
 * presence only: the databases store them as expressions of their own.
 * The migration runner's table and SQLite's internal tables are ignored.
 */
#include "drift.h"
#include "mem.h"

#include "frontend.h"

#include "ast.h"
#include "buf.h"
#include "checker.h"
#include "emit_sql.h"
#include "fsutil.h"
#include "schemac.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
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
    "columns, keys, constraints, indexes and enum types.  Exits 0 when\n"
    "there is none, 1 when there is drift or the database cannot be read.\n"
    "\n"
    "  --db URL   the database: sqlite:PATH or postgresql://... (required)\n";

/* ---------------------------------------------------------------------
 * The live structure, allocated in the schema's pool.
 * ------------------------------------------------------------------- */

typedef struct live_column {
    const char *name;
    const char *type;
    bool notnull, has_default, autoinc;
    int pk;                        /* position in the primary key, or 0 */
    struct live_column *next;
} live_column;

typedef struct live_constraint {
    const char *name;              /* NULL: unnamed (SQLite) */
    char kind;                     /* 'p', 'u', 'c', 'f', '?' */
    const char *def;               /* as the database prints it */
    const char *norm;              /* def in the form sql_norm() gives */
    bool seen;                     /* the schema has it */
    struct live_constraint *next;
} live_constraint;

typedef struct live_table {
    const char *name;
    bool strict, seen;
    const char *autoinc_col;       /* SQLite: from the CREATE text */
    live_column *cols, **cols_end;
    live_constraint *cons, **cons_end;
    struct live_table *next;
} live_table;

typedef struct live_index {
    const char *table, *name, *cols;
    bool unique, seen;
    struct live_index *next;
} live_index;

typedef struct live_enum {
    const char *name;
    const char *values;            /* "a, b, c" */
    bool seen;
    struct live_enum *next;
} live_enum;

typedef struct live_db {
    ast_ctx *ctx;                  /* the pool, and the schema */
    sql_dialect d;
    live_table *tables, **tables_end;
    live_index *indexes, **indexes_end;
    live_enum *enums, **enums_end;
    int ndrift;
} live_db;

static const char *pool_dup(live_db *L, const char *s)
{
    return s ? ast_strdup(L->ctx, s) : NULL;
}

/* A boolean column of a catalog query: "1" (or "t") is true. */
static bool truthy(const char *s)
{
    return s && (strcmp(s, "1") == 0 || strcmp(s, "t") == 0);
}

static live_table *find_table(live_db *L, const char *name)
{
    live_table *t;

    for (t = L->tables; t; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

/* ---------------------------------------------------------------------
 * SQL text: a tokenizer just good enough to split a stored CREATE TABLE
 * into columns and constraints, and to compare two definitions without
 * minding spacing, keyword case or identifier quoting.
 * ------------------------------------------------------------------- */

typedef enum tok_kind { TK_WORD, TK_IDENT, TK_STRING, TK_PUNCT } tok_kind;

typedef struct token {
    tok_kind kind;
    const char *s;
    size_t n;
} token;

typedef struct tokens {
    token *v;
    size_t n, cap;
} tokens;

static void tok_push(tokens *tk, tok_kind kind, const char *s, size_t n)
{
    token *v;

    if (tk->n == tk->cap) {
        tk->cap = tk->cap ? tk->cap * 2 : 64;
        v = mem_realloc(tk->v, tk->cap * sizeof *v);
        tk->v = v;
    }
    tk->v[tk->n].kind = kind;
    tk->v[tk->n].s = s;
    tk->v[tk->n++].n = n;
}

/* Blanks and comments at p. */
static size_t blank_len(const char *p)
{
    const char *s = p, *e;

    for (;;) {
        if (isspace((unsigned char)*p)) {
            p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else {
            return (size_t)(p - s);
        }
    }
}

/* A quoted token at p, quotes included; a doubled closing quote is one
 * character of the text (not inside [brackets]). */
static size_t quoted_len(const char *p, char close)
{
    size_t i = 1;

    while (p[i]) {
        if (p[i] == close && close != ']' && p[i + 1] == close)
            i += 2;
        else if (p[i++] == close)
            break;
    }
    return i;
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80;
}

static void tokenize(const char *sql, tokens *tk)
{
    const char *p = sql;
    tok_kind kind;
    size_t n;

    for (p += blank_len(p); *p; p += n + blank_len(p + n)) {
        if (*p == '"' || *p == '`' || *p == '[') {
            kind = TK_IDENT;
            n = quoted_len(p, *p == '[' ? ']' : *p);
        } else if (*p == '\'') {
            kind = TK_STRING;
            n = quoted_len(p, '\'');
        } else if (word_char(*p)) {
            kind = TK_WORD;
            for (n = 1; word_char(p[n]); n++)
                ;
        } else {
            kind = TK_PUNCT;
            n = 1;
        }
        tok_push(tk, kind, p, n);
    }
}

static bool is_word(const token *t, const char *w)
{
    return t->kind == TK_WORD && t->n == strlen(w) &&
           strncasecmp(t->s, w, t->n) == 0;
}

static bool is_punct(const token *t, char c)
{
    return t->kind == TK_PUNCT && t->s[0] == c;
}

/* Appends the name t stands for: unquoted, upper-cased when upper. */
static void put_name(buf *b, const token *t, bool upper)
{
    char close = t->s[0] == '[' ? ']' : t->s[0];
    size_t i = 0, end = t->n;

    if (t->kind == TK_IDENT) {
        i = 1;
        end = t->n > 1 && t->s[t->n - 1] == close ? t->n - 1 : t->n;
    }
    for (; i < end; i++) {
        buf_putc(b, upper ? (char)toupper((unsigned char)t->s[i])
                          : t->s[i]);
        if (t->kind == TK_IDENT && t->s[i] == close && close != ']')
            i++; /* the second of a doubled quote */
    }
}

static const char *tok_name(live_db *L, const token *t)
{
    buf b;
    const char *s;

    buf_init(&b);
    put_name(&b, t, false);
    s = ast_strndup(L->ctx, b.data, b.len);
    buf_free(&b);
    return s;
}

/* Appends token t as tok_norm() spells it. */
static void put_norm(buf *b, const token *t)
{
    if (b->len)
        buf_putc(b, ' ');
    if (t->kind == TK_WORD || t->kind == TK_IDENT)
        put_name(b, t, true);
    else
        buf_put(b, t->s, t->n);
}

/* The length of "ON DELETE|UPDATE ACTION" at i, or 0. */
static size_t action_len(const tokens *tk, size_t i, size_t to)
{
    size_t n;

    if (i + 3 > to || !is_word(&tk->v[i], "ON") ||
        !(is_word(&tk->v[i + 1], "DELETE") ||
          is_word(&tk->v[i + 1], "UPDATE")))
        return 0;
    n = is_word(&tk->v[i + 2], "SET") || is_word(&tk->v[i + 2], "NO") ? 4
                                                                        : 3;
    return i + n <= to ? n : 0;
}

/* Tokens from..to as one comparable string: words and names upper-cased
 * and unquoted, strings as written, one space between tokens.  Foreign
 * key actions go last, ON DELETE before ON UPDATE, without the default
 * NO ACTION: PostgreSQL prints them in an order of its own. */
static const char *tok_norm(live_db *L, const tokens *tk, size_t from,
                            size_t to)
{
    buf b, act[2];
    const char *s;
    size_t i, k, n;
    int which;

    buf_init(&b);
    buf_init(&act[0]);
    buf_init(&act[1]);
    for (i = from; i < to; i++) {
        n = action_len(tk, i, to);
        if (!n) {
            put_norm(&b, &tk->v[i]);
            continue;
        }
        which = is_word(&tk->v[i + 1], "UPDATE");
        if (!is_word(&tk->v[i + 2], "NO"))
            for (k = i; k < i + n; k++)
                put_norm(&act[which], &tk->v[k]);
        i += n - 1;
    }
    for (which = 0; which < 2; which++)
        if (act[which].len)
            buf_printf(&b, "%s%s", b.len ? " " : "", act[which].data);
    s = ast_strndup(L->ctx, b.data ? b.data : "", b.len);
    buf_free(&b);
    buf_free(&act[0]);
    buf_free(&act[1]);
    return s;
}

static const char *sql_norm(live_db *L, const char *sql)
{
    tokens tk = {NULL, 0, 0};
    const char *s;

    tokenize(sql, &tk);
    s = tok_norm(L, &tk, 0, tk.n);
    free(tk.v);
    return s;
}

/* The kind of a constraint from the keyword that starts it. */
static char constraint_kind(const token *t)
{
    if (is_word(t, "PRIMARY"))
        return 'p';
    if (is_word(t, "UNIQUE"))
        return 'u';
    if (is_word(t, "CHECK"))
        return 'c';
    if (is_word(t, "FOREIGN") || is_word(t, "REFERENCES"))
        return 'f';
    return '?';
}

static void add_constraint(live_db *L, live_table *t, const char *name,
                           char kind, const char *def, const char *norm)
{
    live_constraint *c = ast_alloc(L->ctx, sizeof *c);

    c->name = name;
    c->kind = kind;
    c->def = def;
    c->norm = norm;
    *t->cons_end = c;
    t->cons_end = &c->next;
}

/* Adds the constraint whose definition is tokens from..to (from at its
 * keyword), named name (NULL when unnamed). */
static void add_parsed(live_db *L, live_table *t, const char *name,
                       const tokens *tk, size_t from, size_t to)
{
    const token *a = &tk->v[from], *z = &tk->v[to - 1];

    if (from >= to)
        return;
    add_constraint(L, t, name, constraint_kind(a),
                   ast_strndup(L->ctx, a->s, (size_t)(z->s + z->n - a->s)),
                   tok_norm(L, tk, from, to));
}

/* Where a named column constraint starting at from ends: at the next
 * keyword that starts another clause of the column. */
static size_t column_clause_end(const tokens *tk, size_t from, size_t to)
{
    static const char *const starts[] = {
        "CONSTRAINT", "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE",
        "CHECK", "REFERENCES", "COLLATE", "GENERATED", "AS"};
    size_t i, k;
    int depth = 0;

    for (i = from + 1; i < to; i++) {
        if (is_punct(&tk->v[i], '('))
            depth++;
        else if (is_punct(&tk->v[i], ')'))
            depth--;
        for (k = 0; depth == 0 && k < sizeof starts / sizeof *starts; k++)
            if (is_word(&tk->v[i], starts[k]))
                return i;
    }
    return to;
}

/* A column definition: its AUTOINCREMENT and its named constraints. */
static void parse_column(live_db *L, live_table *t, const tokens *tk,
                         size_t from, size_t to)
{
    size_t i, end;

    for (i = from + 1; i < to; i++) {
        if (is_word(&tk->v[i], "AUTOINCREMENT"))
            t->autoinc_col = tok_name(L, &tk->v[from]);
        if (is_word(&tk->v[i], "CONSTRAINT") && i + 2 < to) {
            end = column_clause_end(tk, i + 2, to);
            add_parsed(L, t, tok_name(L, &tk->v[i + 1]), tk, i + 2, end);
            i = end - 1;
        }
    }
}

/* One item of the table body, tokens from..to. */
static void parse_item(live_db *L, live_table *t, const tokens *tk,
                       size_t from, size_t to)
{
    if (from >= to)
        return;
    if (is_word(&tk->v[from], "CONSTRAINT") && from + 2 < to)
        add_parsed(L, t, tok_name(L, &tk->v[from + 1]), tk, from + 2, to);
    else if (constraint_kind(&tk->v[from]) != '?')
        add_parsed(L, t, NULL, tk, from, to);
    else
        parse_column(L, t, tk, from, to);
}

/* Splits the body of a stored CREATE TABLE at its top-level commas. */
static void parse_create(live_db *L, live_table *t, const char *sql)
{
    tokens tk = {NULL, 0, 0};
    size_t i, start;
    int depth = 0;

    tokenize(sql, &tk);
    for (i = 0; i < tk.n && !is_punct(&tk.v[i], '('); i++)
        ;
    for (start = ++i; i < tk.n; i++) {
        if (is_punct(&tk.v[i], '(')) {
            depth++;
        } else if (is_punct(&tk.v[i], ')') && depth > 0) {
            depth--;
        } else if (depth == 0 &&
                   (is_punct(&tk.v[i], ',') || is_punct(&tk.v[i], ')'))) {
            parse_item(L, t, &tk, start, i);
            start = i + 1;
            if (is_punct(&tk.v[i], ')'))
                break;
        }
    }
    for (; i < tk.n; i++)
        if (is_word(&tk.v[i], "STRICT"))
            t->strict = true;
    free(tk.v);
}

/* ---------------------------------------------------------------------
 * Reading the catalog.
 * ------------------------------------------------------------------- */

static const char sqlite_tables[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND name NOT IN ('schemac_migrations', 'schemac_migration_parts')"
    " ORDER BY name";

static const char sqlite_columns[] =
    "SELECT m.name, p.name, p.type, p.\"notnull\","
    " p.dflt_value IS NOT NULL AND upper(p.dflt_value) <> 'NULL', p.pk"
    " FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p"
    " WHERE m.type = 'table' ORDER BY m.name, p.cid";

static const char sqlite_indexes[] =
    "SELECT m.tbl_name, m.name, l.\"unique\","
    " (SELECT group_concat(name, ', ') FROM"
    "  (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno))"
    " FROM sqlite_schema AS m JOIN pragma_index_list(m.tbl_name) AS l"
    " ON l.name = m.name"
    " WHERE m.type = 'index' AND m.sql IS NOT NULL ORDER BY m.name";

/* The tables of the current schema (relkind r: plain, p: partitioned). */
#define PG_TABLES                                                         \
    " JOIN pg_namespace AS n ON n.oid = t.relnamespace"                    \
    " WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')"

static const char pg_tables[] =
    "SELECT t.relname FROM pg_class AS t" PG_TABLES
    " AND t.relname NOT IN ('schemac_migrations',"
    " 'schemac_migration_parts') ORDER BY t.relname";

static const char pg_columns[] =
    "SELECT t.relname, a.attname,"
    " CASE WHEN y.typtype = 'e' THEN y.typname::text"
    " ELSE format_type(a.atttypid, a.atttypmod) END,"
    " a.attnotnull::int, a.atthasdef::int,"
    " coalesce(array_position((SELECT k.conkey FROM pg_constraint AS k"
    "  WHERE k.conrelid = t.oid AND k.contype = 'p'), a.attnum), 0),"
    " (a.attidentity <> '')::int"
    " FROM pg_attribute AS a JOIN pg_class AS t ON t.oid = a.attrelid"
    " JOIN pg_type AS y ON y.oid = a.atttypid" PG_TABLES
    " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.relname, a.attnum";

static const char pg_constraints[] =
    "SELECT t.relname, c.conname, c.contype::text,"
    " pg_get_constraintdef(c.oid)"
    " FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid"
    PG_TABLES " AND c.contype IN ('p', 'u', 'c', 'f')"
    " ORDER BY t.relname, c.conname";

/* Indexes that back a primary key or unique constraint are the
 * constraint's business, not an index of the schema. */
static const char pg_indexes[] =
    "SELECT t.relname, i.relname, x.indisunique::int,"
    " (SELECT string_agg(a.attname, ', ' ORDER BY k.n)"
    "  FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(num, n)"
    "  JOIN pg_attribute AS a ON a.attrelid = x.indrelid"
    "  AND a.attnum = k.num)"
    " FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid"
    " JOIN pg_class AS t ON t.oid = x.indrelid" PG_TABLES
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c"
    "  WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
    "  AND c.contype IN ('p', 'u', 'x'))"
    " ORDER BY i.relname";

static const char pg_enums[] =
    "SELECT y.typname, e.enumlabel FROM pg_type AS y"
    " JOIN pg_enum AS e ON e.enumtypid = y.oid"
    " JOIN pg_namespace AS n ON n.oid = y.typnamespace"
    " WHERE n.nspname = current_schema()"
    " ORDER BY y.typname, e.enumsortorder";

/* name [, CREATE TABLE text] */
static int on_table(void *ctx, int n, const char *const *v)
{
    live_db *L = ctx;
    live_table *t = ast_alloc(L->ctx, sizeof *t);

    t->name = pool_dup(L, v[0]);
    t->cols_end = &t->cols;
    t->cons_end = &t->cons;
    *L->tables_end = t;
    L->tables_end = &t->next;
    if (n > 1 && v[1])
        parse_create(L, t, v[1]);
    return 0;
}

/* table, name, type, notnull, has default, pk position [, autoinc] */
static int on_column(void *ctx, int n, const char *const *v)
{
    live_db *L = ctx;
    live_table *t = find_table(L, v[0]);
    live_column *c;

    if (!t || n < 6)
        return 0; /* a table the first query filtered out */
    c = ast_alloc(L->ctx, sizeof *c);
    c->name = pool_dup(L, v[1]);
    c->type = pool_dup(L, v[2] ? v[2] : "");
    c->notnull = truthy(v[3]);
    c->has_default = truthy(v[4]);
    c->pk = v[5] ? atoi(v[5]) : 0;
    if (n > 6)
        c->autoinc = truthy(v[6]);
    else
        c->autoinc = t->autoinc_col && strcmp(t->autoinc_col, c->name) == 0;
    *t->cols_end = c;
    t->cols_end = &c->next;
    return 0;
}

/* table, name, kind, definition */
static int on_constraint(void *ctx, int n, const char *const *v)
{
    live_db *L = ctx;
    live_table *t = find_table(L, v[0]);

    if (t && n >= 4 && v[3])
        add_constraint(L, t, pool_dup(L, v[1]), v[2] ? v[2][0] : '?',
                       pool_dup(L, v[3]), sql_norm(L, v[3]));
    return 0;
}

/* table, name, unique, columns */
static int on_index(void *ctx, int n, const char *const *v)
{
    live_db *L = ctx;
    live_index *x;

    if (n < 4)
        return 0;
    x = ast_alloc(L->ctx, sizeof *x);
    x->table = pool_dup(L, v[0]);
    x->name = pool_dup(L, v[1]);
    x->unique = truthy(v[2]);
    x->cols = pool_dup(L, v[3] ? v[3] : "");
    *L->indexes_end = x;
    L->indexes_end = &x->next;
    return 0;
}

/* enum name, label: one row per label, in order */
static int on_enum_label(void *ctx, int n, const char *const *v)
{
    live_db *L = ctx;
    live_enum *e = L->enums;
    buf b;

    if (n < 2 || !v[0] || !v[1])
        return 0;
    while (e && e->next)
        e = e->next;
    if (!e || strcmp(e->name, v[0]) != 0) {
        e = ast_alloc(L->ctx, sizeof *e);
        e->name = pool_dup(L, v[0]);
        *L->enums_end = e;
        L->enums_end = &e->next;
    }
    buf_init(&b);
    buf_printf(&b, "%s%s%s", e->values ? e->values : "",
               e->values ? ", " : "", v[1]);
    e->values = ast_strndup(L->ctx, b.data, b.len);
    buf_free(&b);
    return 0;
}

static int read_catalog(live_db *L, sc_db *db)
{
    int rc;

    if (L->d == SQL_SQLITE) {
        rc = sc_query_sql_each(db, sqlite_tables, on_table, L);
        if (rc == SC_OK)
            rc = sc_query_sql_each(db, sqlite_columns, on_column, L);
        if (rc == SC_OK)
            rc = sc_query_sql_each(db, sqlite_indexes, on_index, L);
        return rc;
    }
    rc = sc_query_sql_each(db, pg_tables, on_table, L);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, pg_columns, on_column, L);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, pg_constraints, on_constraint, L);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, pg_indexes, on_index, L);
    if (rc == SC_OK)
        rc = sc_query_sql_each(db, pg_enums, on_enum_label, L);
    return rc;
}

/* ---------------------------------------------------------------------
 * Comparing.
 * ------------------------------------------------------------------- */

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

/* The column's type as the catalog spells it: the declared type on
 * SQLite, format_type() on PostgreSQL (an enum by its name). */
static void expected_type(live_db *L, const ast_column *c, buf *b)
{
    const ast_type *t = &c->type;

    if (L->d == SQL_SQLITE) {
        emit_sql_column_type(b, SQL_SQLITE, c);
        return;
    }
    switch (t->kind) {
    case AST_T_NUMERIC:
        buf_printf(b, "numeric(%lld,%lld)", (long long)t->a,
                   (long long)t->b);
        return;
    case AST_T_VARCHAR:
        buf_printf(b, "character varying(%lld)", (long long)t->a);
        return;
    case AST_T_TIMESTAMP:
        buf_puts(b, "timestamp with time zone");
        return;
    case AST_T_NAMED:
        buf_puts(b, t->name);
        return;
    default:
        emit_sql_column_type(b, SQL_POSTGRESQL, c);
        return;
    }
}

static void compare_type(live_db *L, const ast_table *t, const ast_column *c,
                         const live_column *lc)
{
    buf want;

    buf_init(&want);
    expected_type(L, c, &want);
    if (strcasecmp(want.data, lc->type) != 0)
        drift(L, "table \"%s\": column \"%s\": the schema says type %s, "
                 "the database has %s",
              t->name, c->name, want.data, lc->type[0] ? lc->type : "none");
    buf_free(&want);
}

static void compare_column(live_db *L, const ast_table *t,
                           const ast_column *c, const live_column *lc)
{
    bool dflt = c->dflt && c->dflt->kind != AST_LIT_NULL;
    bool autoinc = c == t->autoinc;

    compare_type(L, t, c, lc);
    if (!c->nullable && !lc->notnull)
        drift(L, "table \"%s\": column \"%s\": the schema says NOT NULL, "
                 "the database allows NULL", t->name, c->name);
    else if (c->nullable && lc->notnull)
        drift(L, "table \"%s\": column \"%s\": the schema allows NULL, "
                 "the database says NOT NULL", t->name, c->name);
    if (dflt != lc->has_default)
        drift(L, "table \"%s\": column \"%s\": the %s has a default, the %s "
                 "has none", t->name, c->name,
              dflt ? "schema" : "database", dflt ? "database" : "schema");
    if (autoinc != lc->autoinc)
        drift(L, "table \"%s\": column \"%s\": the %s says autoincrement, "
                 "the %s does not", t->name, c->name,
              autoinc ? "schema" : "database",
              autoinc ? "database" : "schema");
}

static void compare_columns(live_db *L, const ast_table *t, live_table *lt)
{
    const ast_column *c;
    live_column *lc;

    for (c = t->columns; c; c = c->next) {
        for (lc = lt->cols; lc && strcmp(lc->name, c->name) != 0;
             lc = lc->next)
            ;
        if (lc)
            compare_column(L, t, c, lc);
        else
            drift(L, "table \"%s\": column \"%s\" is missing", t->name,
                  c->name);
    }
    for (lc = lt->cols; lc; lc = lc->next) {
        for (c = t->columns; c && strcmp(lc->name, c->name) != 0;
             c = c->next)
            ;
        if (!c)
            drift(L, "table \"%s\": column \"%s\" is in the database but "
                     "not in the schema", t->name, lc->name);
    }
}

static void compare_primary_key(live_db *L, const ast_table *t,
                                const live_table *lt)
{
    const ast_column *pk[64];
    const live_column *lc;
    buf want, have;
    int i, n = model_primary_key(t, pk, 64), pos;

    buf_init(&want);
    buf_init(&have);
    for (i = 0; i < n; i++)
        buf_printf(&want, "%s%s", i ? ", " : "", pk[i]->name);
    for (pos = 1; pos <= 64; pos++)
        for (lc = lt->cols; lc; lc = lc->next)
            if (lc->pk == pos)
                buf_printf(&have, "%s%s", have.len ? ", " : "", lc->name);
    if (strcmp(want.len ? want.data : "", have.len ? have.data : "") != 0)
        drift(L, "table \"%s\": the schema's primary key is (%s), the "
                 "database's is (%s)", t->name, want.len ? want.data : "",
              have.len ? have.data : "");
    buf_free(&want);
    buf_free(&have);
}

static live_constraint *find_constraint(live_table *lt, const char *name)
{
    live_constraint *c;

    for (c = lt->cons; c; c = c->next)
        if (c->name && strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* PostgreSQL prints a CHECK in its own words (casts, parentheses), so
 * there only its presence is compared. */
static void compare_constraint(live_db *L, const ast_table *t,
                               const sql_constraint *want, char kind,
                               live_constraint *lc)
{
    bool same = lc->kind == kind;

    lc->seen = true;
    if (same && !(kind == 'c' && L->d == SQL_POSTGRESQL))
        same = strcmp(sql_norm(L, want->sql), lc->norm) == 0;
    if (!same)
        drift(L, "table \"%s\": constraint \"%s\": the schema has %s, the "
                 "database has %s", t->name, want->name, want->sql, lc->def);
}

/* The kind of the constraint whose SQL is sql. */
static char sql_kind(const char *sql)
{
    tokens tk = {NULL, 0, 0};
    char kind;

    tokenize(sql, &tk);
    kind = tk.n ? constraint_kind(&tk.v[0]) : '?';
    free(tk.v);
    return kind;
}

static void compare_constraints(live_db *L, const ast_table *t,
                                live_table *lt)
{
    sql_constraint_list list = {NULL, 0, 0};
    live_constraint *lc;
    bool named_pk = false;
    char kind;
    int i;

    emit_sql_constraints(L->ctx, L->d, t, &list);
    for (i = 0; i < list.n; i++) {
        kind = sql_kind(list.items[i].sql);
        named_pk = named_pk || kind == 'p';
        lc = find_constraint(lt, list.items[i].name);
        if (lc)
            compare_constraint(L, t, &list.items[i], kind, lc);
        else
            drift(L, "table \"%s\": constraint \"%s\" is missing", t->name,
                  list.items[i].name);
    }
    /* an unnamed primary key is the one compare_primary_key() checked */
    for (lc = lt->cons; lc; lc = lc->next) {
        if (lc->seen || (lc->kind == 'p' && !named_pk))
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

static live_index *find_index(live_db *L, const char *name)
{
    live_index *x;

    for (x = L->indexes; x; x = x->next)
        if (strcmp(x->name, name) == 0)
            return x;
    return NULL;
}

static void compare_index(live_db *L, const ast_table *t,
                          const ast_item *it, const char *name,
                          live_index *x)
{
    const ast_name *n;
    buf want;

    x->seen = true;
    if (strcmp(x->table, t->name) != 0) {
        drift(L, "index \"%s\": the schema puts it on table \"%s\", the "
                 "database on \"%s\"", name, t->name, x->table);
        return;
    }
    buf_init(&want);
    for (n = it->cols; n; n = n->next)
        buf_printf(&want, "%s%s", n == it->cols ? "" : ", ", n->name);
    if (strcmp(want.data, x->cols) != 0)
        drift(L, "index \"%s\": the schema has columns (%s), the database "
                 "has (%s)", name, want.data, x->cols);
    if (x->unique)
        drift(L, "index \"%s\": the database has a UNIQUE index, the "
                 "schema a plain one", name);
    buf_free(&want);
}

static void compare_indexes(live_db *L, const ast_table *t)
{
    const ast_item *it;
    const char *name;
    live_index *x;

    for (it = t->items; it; it = it->next) {
        if (it->kind != AST_ITEM_INDEX)
            continue;
        name = emit_sql_index_name(L->ctx, t, it);
        x = find_index(L, name);
        if (x)
            compare_index(L, t, it, name, x);
        else
            drift(L, "index \"%s\" is missing", name);
    }
    for (x = L->indexes; x; x = x->next)
        if (!x->seen && strcmp(x->table, t->name) == 0)
            drift(L, "index \"%s\" on table \"%s\" is in the database but "
                     "not in the schema", x->name, t->name);
}

static void compare_table(live_db *L, const ast_table *t)
{
    live_table *lt = find_table(L, t->name);

    if (!lt) {
        drift(L, "table \"%s\" is missing", t->name);
        return;
    }
    lt->seen = true;
    if (L->d == SQL_SQLITE && !lt->strict)
        drift(L, "table \"%s\": the schema makes it STRICT, the database "
                 "does not", t->name);
    compare_columns(L, t, lt);
    compare_primary_key(L, t, lt);
    compare_constraints(L, t, lt);
    compare_indexes(L, t);
}

static void compare_enum(live_db *L, const ast_enum *e)
{
    const ast_enum_value *v;
    live_enum *le;
    buf want;

    for (le = L->enums; le && strcmp(le->name, e->name) != 0; le = le->next)
        ;
    if (!le) {
        drift(L, "enum \"%s\" is missing", e->name);
        return;
    }
    le->seen = true;
    buf_init(&want);
    for (v = e->values; v; v = v->next)
        buf_printf(&want, "%s%s", v == e->values ? "" : ", ", v->name);
    if (strcmp(want.len ? want.data : "", le->values) != 0)
        drift(L, "enum \"%s\": the database has values %s; the schema has "
                 "%s", e->name, le->values, want.len ? want.data : "none");
    buf_free(&want);
}

/* Everything, in a stable order: enums, then the schema's tables in
 * declaration order, then what only the database has, by name. */
static void compare(live_db *L)
{
    const ast_schema *s = L->ctx->schema;
    const ast_enum *e;
    const ast_table *t;
    live_enum *le;
    live_table *lt;

    if (L->d == SQL_POSTGRESQL) {
        for (e = s ? s->enums : NULL; e; e = e->next)
            compare_enum(L, e);
        for (le = L->enums; le; le = le->next)
            if (!le->seen)
                drift(L, "enum \"%s\" is in the database but not in the "
                         "schema", le->name);
    }
    for (t = s ? s->tables : NULL; t; t = t->next)
        compare_table(L, t);
    for (lt = L->tables; lt; lt = lt->next)
        if (!lt->seen)
            drift(L, "table \"%s\" is in the database but not in the schema",
                  lt->name);
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

int drift_main(int argc, char **argv)
{
    const char *input, *url;
    live_db L;
    sc_db *db = NULL;
    int rc = parse_args(argc, argv, &input, &url);

    if (rc)
        return rc < 0 ? 0 : rc;
    memset(&L, 0, sizeof L);
    L.tables_end = &L.tables;
    L.indexes_end = &L.indexes;
    L.enums_end = &L.enums;
    L.ctx = frontend_load(input, NULL, NULL);
    if (!L.ctx)
        return EXIT_USER;
    db = open_db(url);
    rc = EXIT_USER;
    if (!db)
        goto cleanup;
    L.d = sc_db_dialect(db) == SC_DIALECT_POSTGRESQL ? SQL_POSTGRESQL
                                                      : SQL_SQLITE;
    if (read_catalog(&L, db) != SC_OK) {
        fprintf(stderr, "schemac: cannot read the database's structure: "
                        "%s\n", sc_errmsg(db));
        goto cleanup;
    }
    compare(&L);
    if (L.ndrift)
        printf("%d difference%s between the database and %s\n", L.ndrift,
               L.ndrift == 1 ? "" : "s", input);
    else
        printf("no drift: the database matches %s\n", input);
    rc = L.ndrift ? EXIT_USER : 0;
cleanup:
    sc_close(db);
    ast_ctx_free(L.ctx);
    return rc;
}
