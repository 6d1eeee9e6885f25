/*
 * catalog.c - reads the structure of a live database (catalog.h), once
 * per dialect, through sc_query_sql_each(): on SQLite sqlite_schema, the
 * table-valued pragmas and the stored CREATE text for what no pragma
 * tells (constraint names, CHECKs, AUTOINCREMENT, STRICT, DEFERRABLE); on
 * PostgreSQL pg_catalog in the current schema, with the server's own
 * printers (format_type, pg_get_constraintdef, pg_get_indexdef,
 * pg_get_viewdef, pg_get_triggerdef, pg_get_functiondef) for the text.
 */
#include "catalog.h"
#include "catalog_int.h"

#include "buf.h"
#include "mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef cat__reader reader;

const char *cat__dup(const cat_db *c, const char *s)
{
    return s ? ast_strdup(c->pool, s) : NULL;
}

bool cat__truthy(const char *s)
{
    return s && (strcmp(s, "1") == 0 || strcmp(s, "t") == 0 ||
                 strcmp(s, "true") == 0);
}

/* The tables are only ever appended to: those after named_last go into
 * the index before a lookup, the first of a name staying (as a scan in
 * order would find it). */
cat_table *cat_find_table(const cat_db *c, const char *name)
{
    cat_db *m = (cat_db *)c; /* the index is not part of the catalog */
    const cat_table *t = m->named_last ? m->named_last->next : m->tables;

    for (; t; t = t->next) {
        symtab_put(&m->named, t->name, (void *)t);
        m->named_last = t;
    }
    return symtab_get(&m->named, name);
}

void cat_free(cat_db *c)
{
    symtab_free(&c->named);
    c->named_last = NULL;
}

cat_column *cat_find_column(const cat_table *t, const char *name)
{
    cat_column *k;

    for (k = t ? t->cols : NULL; k; k = k->next)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

const char *cat_key_cols(const cat_constraint *k)
{
    return k->cols ? k->cols : k->column;
}

const char *cat_ref_cols(ast_ctx *pool, const cat_db *c,
                         const cat_constraint *k)
{
    const cat_table *t;
    const cat_column *col;
    buf b;
    const char *s;
    int pos;

    if ((k->ref_cols && *k->ref_cols) || !k->ref_table)
        return k->ref_cols;
    t = cat_find_table(c, k->ref_table);
    buf_init(&b);
    for (pos = 1; t && pos <= t->npk; pos++)
        for (col = t->cols; col; col = col->next)
            if (col->pk == pos)
                buf_printf(&b, "%s%s", b.len ? ", " : "", col->name);
    s = ast_strndup(pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

bool cat_is_partitioned(const cat_db *c, const char *table)
{
    int i;

    for (i = 0; i < c->npartitioned; i++)
        if (strcmp(c->partitioned[i], table) == 0)
            return true;
    return false;
}

void cat__add_object(reader *r, const char *kind, const char *name,
                     const char *sql, bool before)
{
    cat_object *o = ast_alloc(r->c->pool, sizeof *o);

    o->kind = kind;
    o->name = cat__dup(r->c, name);
    o->sql = cat__dup(r->c, sql);
    o->before_tables = before;
    *r->objects_end = o;
    r->objects_end = &o->next;
}

/* ---------------------------------------------------------------------
 * SQL text: a tokenizer just good enough to split a stored CREATE TABLE
 * into columns and constraints, and to compare two texts without minding
 * spacing, keyword case or identifier quoting.
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
    if (tk->n == tk->cap) {
        tk->cap = tk->cap ? tk->cap * 2 : 64;
        tk->v = mem_realloc(tk->v, tk->cap * sizeof *tk->v);
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

/* A dollar-quoted string at p ($$...$$ or $tag$...$tag$), or 0. */
static size_t dollar_len(const char *p)
{
    size_t t = 1;
    const char *end;
    char tag[64];

    while (p[t] && (isalnum((unsigned char)p[t]) || p[t] == '_'))
        t++;
    if (p[t] != '$' || t + 1 >= sizeof tag)
        return 0;
    memcpy(tag, p, t + 1);
    tag[t + 1] = '\0';
    end = strstr(p + t + 1, tag);
    return end ? (size_t)(end - p) + t + 1 : strlen(p);
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
        } else if (*p == '$' && (n = dollar_len(p)) > 0) {
            kind = TK_STRING;
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

static const char *tok_name(const cat_db *c, const token *t)
{
    buf b;
    const char *s;

    buf_init(&b);
    put_name(&b, t, false);
    s = ast_strndup(c->pool, b.data, b.len);
    buf_free(&b);
    return s;
}

/* The original text of tokens from..to. */
static const char *tok_text(const cat_db *c, const tokens *tk, size_t from,
                            size_t to)
{
    const token *a, *z;

    if (from >= to)
        return ast_strdup(c->pool, "");
    a = &tk->v[from];
    z = &tk->v[to - 1];
    return ast_strndup(c->pool, a->s, (size_t)(z->s + z->n - a->s));
}

static void put_norm(buf *b, const token *t)
{
    size_t tag;

    if (b->len)
        buf_putc(b, ' ');
    if (t->kind == TK_WORD || t->kind == TK_IDENT) {
        put_name(b, t, true);
    } else if (t->s[0] == '$' && t->kind == TK_STRING) {
        /* a dollar-quoted body: the same whatever its tag */
        for (tag = 1; tag < t->n && t->s[tag] != '$'; tag++)
            ;
        buf_puts(b, "$$");
        if (t->n >= 2 * (tag + 1))
            buf_put(b, t->s + tag + 1, t->n - 2 * (tag + 1));
        buf_puts(b, "$$");
    } else {
        buf_put(b, t->s, t->n);
    }
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

/* Whether token i is dropped by the loose form: a parenthesis, a cast
 * (:: and the type's words after it), "public" before a dot. */
static size_t loose_skip(const tokens *tk, size_t i, size_t to)
{
    const token *t = &tk->v[i];
    size_t k;

    if (is_punct(t, '(') || is_punct(t, ')'))
        return 1;
    if (is_punct(t, ':') && i + 1 < to && is_punct(&tk->v[i + 1], ':')) {
        for (k = i + 2; k < to && (tk->v[k].kind == TK_WORD ||
                                   tk->v[k].kind == TK_IDENT);
             k++)
            if (k > i + 2 && !is_word(&tk->v[k], "VARYING") &&
                !is_word(&tk->v[k], "PRECISION") &&
                !is_word(&tk->v[k], "ZONE") && !is_word(&tk->v[k], "TIME") &&
                !is_word(&tk->v[k], "WITH") &&
                !is_word(&tk->v[k], "WITHOUT"))
                break;
        if (k < to && is_punct(&tk->v[k], '[') )
            k += 2;
        return k - i;
    }
    /* a qualifier: public.t, t.column (PostgreSQL prints them in views) */
    if ((t->kind == TK_WORD || t->kind == TK_IDENT) && i + 2 < to &&
        is_punct(&tk->v[i + 1], '.') &&
        (tk->v[i + 2].kind == TK_WORD || tk->v[i + 2].kind == TK_IDENT))
        return 2;
    return 0;
}

static const char *tok_norm(const cat_db *c, const tokens *tk, size_t from,
                            size_t to, bool loose)
{
    buf b, act[2];
    const char *s;
    size_t i, k, n;
    int which;

    while (to > from && is_punct(&tk->v[to - 1], ';'))
        to--;
    buf_init(&b);
    buf_init(&act[0]);
    buf_init(&act[1]);
    for (i = from; i < to; i++) {
        if (loose && (n = loose_skip(tk, i, to)) > 0) {
            i += n - 1;
            continue;
        }
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
    s = ast_strndup(c->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    buf_free(&act[0]);
    buf_free(&act[1]);
    return s;
}

const char *cat_norm(ast_ctx *pool, const char *sql, bool loose)
{
    tokens tk = {NULL, 0, 0};
    cat_db c;
    const char *s;

    memset(&c, 0, sizeof c);
    c.pool = pool;
    tokenize(sql ? sql : "", &tk);
    s = tok_norm(&c, &tk, 0, tk.n, loose);
    free(tk.v);
    return s;
}

const char *cat_json_check(ast_ctx *pool, const cat_constraint *k)
{
    tokens tk = {NULL, 0, 0};
    cat_db c;
    const char *col = NULL;
    size_t i = 0, n;

    if (k->kind != 'c' || !k->expr)
        return NULL;
    memset(&c, 0, sizeof c);
    c.pool = pool;
    tokenize(k->expr, &tk);
    /* the parentheses aside: JSON_VALID ( c ) [OR c IS NULL] */
    for (n = 0; n < tk.n; n++)
        if (!is_punct(&tk.v[n], '(') && !is_punct(&tk.v[n], ')'))
            tk.v[i++] = tk.v[n];
    n = i;
    if (n >= 2 && is_word(&tk.v[0], "json_valid") &&
        tk.v[1].kind != TK_STRING && tk.v[1].kind != TK_PUNCT) {
        col = tok_name(&c, &tk.v[1]);
        if (!(n == 2 ||
              (n == 6 && is_word(&tk.v[2], "OR") &&
               strcmp(tok_name(&c, &tk.v[3]), col) == 0 &&
               is_word(&tk.v[4], "IS") && is_word(&tk.v[5], "NULL"))))
            col = NULL;
    }
    free(tk.v);
    return col;
}

/* ---------------------------------------------------------------------
 * SQLite's CREATE TABLE text.
 * ------------------------------------------------------------------- */

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

/* The index of the parenthesis that closes the one at i (or to). */
static size_t close_paren(const tokens *tk, size_t i, size_t to)
{
    int depth = 0;

    for (; i < to; i++) {
        if (is_punct(&tk->v[i], '('))
            depth++;
        else if (is_punct(&tk->v[i], ')') && --depth == 0)
            return i;
    }
    return to;
}

/* "a, b" from the names in the parentheses at i (up to their close). */
static const char *name_list(const cat_db *c, const tokens *tk, size_t i,
                             size_t end)
{
    buf b;
    const char *s;
    size_t k;
    int depth = 0;
    bool first_of_elem = true;

    buf_init(&b);
    for (k = i + 1; k < end; k++) {
        const token *t = &tk->v[k];

        if (is_punct(t, '('))
            depth++;
        else if (is_punct(t, ')'))
            depth--;
        else if (depth == 0 && is_punct(t, ','))
            first_of_elem = true;
        else if (depth == 0 && first_of_elem &&
                 (t->kind == TK_WORD || t->kind == TK_IDENT)) {
            if (b.len)
                buf_puts(&b, ", ");
            put_name(&b, t, false);
            first_of_elem = false;
        }
    }
    s = ast_strndup(c->pool, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static const char *action_word(const tokens *tk, size_t i, size_t to)
{
    if (i >= to)
        return NULL;
    if (is_word(&tk->v[i], "CASCADE"))
        return "cascade";
    if (is_word(&tk->v[i], "RESTRICT"))
        return "restrict";
    if (is_word(&tk->v[i], "SET") && i + 1 < to)
        return is_word(&tk->v[i + 1], "NULL") ? "set null" : "set default";
    return NULL;
}

/* The details of a REFERENCES clause at i. */
static void parse_references(const cat_db *c, cat_constraint *k,
                             const tokens *tk, size_t i, size_t to)
{
    size_t end;

    if (i + 1 >= to)
        return;
    k->ref_table = tok_name(c, &tk->v[i + 1]);
    i += 2;
    if (i < to && is_punct(&tk->v[i], '(')) {
        end = close_paren(tk, i, to);
        k->ref_cols = name_list(c, tk, i, end);
        i = end + 1;
    }
    for (; i < to; i++) {
        if (is_word(&tk->v[i], "ON") && i + 2 < to) {
            if (is_word(&tk->v[i + 1], "DELETE"))
                k->on_delete = action_word(tk, i + 2, to);
            else if (is_word(&tk->v[i + 1], "UPDATE"))
                k->on_update = action_word(tk, i + 2, to);
        } else if (is_word(&tk->v[i], "DEFERRABLE") &&
                   !(i > 0 && is_word(&tk->v[i - 1], "NOT"))) {
            k->deferrable = true;
            k->deferred = i + 2 < to && is_word(&tk->v[i + 1], "INITIALLY") &&
                          is_word(&tk->v[i + 2], "DEFERRED");
        }
    }
}

static void add_parsed(reader *r, cat_table *t, const char *name,
                       const char *column, const tokens *tk, size_t from,
                       size_t to)
{
    cat_constraint *k, **end;
    size_t i;

    if (from >= to)
        return;
    k = ast_alloc(r->c->pool, sizeof *k);
    k->name = name;
    k->column = column;
    k->kind = constraint_kind(&tk->v[from]);
    k->def = tok_text(r->c, tk, from, to);
    for (i = from; i < to && !is_punct(&tk->v[i], '('); i++)
        ;
    if (k->kind == 'c' && i < to)
        k->expr = tok_text(r->c, tk, i + 1, close_paren(tk, i, to));
    else if (k->kind != '?' && !column && i < to)
        k->cols = name_list(r->c, tk, i, close_paren(tk, i, to));
    if (k->kind == 'f') {
        for (i = from; i < to && !is_word(&tk->v[i], "REFERENCES"); i++)
            ;
        parse_references(r->c, k, tk, i, to);
    }
    if (column && k->kind != 'c')
        k->cols = column;
    for (end = &t->cons; *end; end = &(*end)->next)
        ;
    *end = k;
}

/* Where a column constraint starting at from ends: at the next keyword
 * that starts another clause of the column. */
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
            if (is_word(&tk->v[i], starts[k]) &&
                !(k == 2 && is_word(&tk->v[i - 1], "NOT")))
                return i;
    }
    return to;
}

/* A column definition: AUTOINCREMENT, and its constraints (named or
 * not, but for NOT NULL and the primary key, which the pragmas tell). */
static void parse_column(reader *r, cat_table *t, const tokens *tk,
                         size_t from, size_t to,
                         const char **autoinc_col)
{
    const char *col = tok_name(r->c, &tk->v[from]), *name;
    cat_column *k;
    size_t i, end, at;
    char kind;

    for (i = from + 1; i < to; i++) {
        if (is_word(&tk->v[i], "AUTOINCREMENT"))
            *autoinc_col = col;
        if (is_word(&tk->v[i], "COLLATE") && i + 1 < to &&
            !is_word(&tk->v[i + 1], "BINARY") &&
            (k = cat_find_column(t, col)) != NULL)
            k->collation = tok_name(r->c, &tk->v[i + 1]);
        name = NULL;
        at = i;
        if (is_word(&tk->v[i], "CONSTRAINT") && i + 2 < to) {
            name = tok_name(r->c, &tk->v[i + 1]);
            at = i + 2;
        }
        kind = constraint_kind(&tk->v[at]);
        if (kind == 'u' || kind == 'c' || kind == 'f' ||
            (kind == 'p' && name)) {
            end = column_clause_end(tk, at, to);
            add_parsed(r, t, name, col, tk, at, end);
            i = end - 1;
        } else if (name) {
            i = at - 1;
        }
    }
}

static void parse_item(reader *r, cat_table *t, const tokens *tk,
                       size_t from, size_t to, const char **autoinc_col)
{
    if (from >= to)
        return;
    if (is_word(&tk->v[from], "CONSTRAINT") && from + 2 < to)
        add_parsed(r, t, tok_name(r->c, &tk->v[from + 1]), NULL, tk,
                   from + 2, to);
    else if (constraint_kind(&tk->v[from]) != '?')
        add_parsed(r, t, NULL, NULL, tk, from, to);
    else
        parse_column(r, t, tk, from, to, autoinc_col);
}

/* Splits the body of a stored CREATE TABLE at its top-level commas;
 * returns the AUTOINCREMENT column, or NULL. */
static const char *parse_create(reader *r, cat_table *t, const char *sql)
{
    tokens tk = {NULL, 0, 0};
    size_t i, start;
    int depth = 0;
    const char *autoinc_col = NULL;

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
            parse_item(r, t, &tk, start, i, &autoinc_col);
            start = i + 1;
            if (is_punct(&tk.v[i], ')'))
                break;
        }
    }
    t->rowid = true;
    for (; i < tk.n; i++) {
        if (is_word(&tk.v[i], "STRICT"))
            t->strict = true;
        if (is_word(&tk.v[i], "ROWID"))
            t->rowid = false;
    }
    free(tk.v);
    return autoinc_col;
}

/* One element of an index, tokens from..to: a column or an expression,
 * then an operator class, COLLATE, ASC or DESC. */
static cat_ielem *parse_elem(const cat_db *c, const tokens *tk, size_t from,
                             size_t to)
{
    cat_ielem *e = ast_alloc(c->pool, sizeof *e);
    size_t stop = to;

    while (stop > from + 1 && (is_word(&tk->v[stop - 1], "ASC") ||
                               is_word(&tk->v[stop - 1], "DESC")))
        stop--;
    if (stop > from + 2 && is_word(&tk->v[stop - 2], "COLLATE"))
        stop -= 2;
    if (stop > from + 1 && tk->v[stop - 1].kind == TK_WORD &&
        (is_punct(&tk->v[stop - 2], ')') ||
         (stop == from + 2 && (tk->v[from].kind == TK_WORD ||
                               tk->v[from].kind == TK_IDENT)))) {
        e->opclass = tok_name(c, &tk->v[stop - 1]);
        stop--;
    }
    if (stop == from + 1 && (tk->v[from].kind == TK_WORD ||
                             tk->v[from].kind == TK_IDENT))
        e->column = tok_name(c, &tk->v[from]);
    /* MariaDB's prefix of a column, `c`(768) */
    if (stop == from + 4 && (tk->v[from].kind == TK_WORD ||
                             tk->v[from].kind == TK_IDENT) &&
        is_punct(&tk->v[from + 1], '(') && is_punct(&tk->v[from + 3], ')') &&
        tk->v[from + 2].kind == TK_WORD &&
        isdigit((unsigned char)tk->v[from + 2].s[0])) {
        e->column = tok_name(c, &tk->v[from]);
        e->prefix = atoi(tok_name(c, &tk->v[from + 2]));
    }
    e->expr = tok_text(c, tk, from, stop);
    return e;
}

/* The uniqueness, method, elements and predicate of a CREATE INDEX. */
static void parse_index(const cat_db *c, cat_index *x, const char *sql)
{
    tokens tk = {NULL, 0, 0};
    size_t i, end, start;
    cat_ielem **tail = &x->elems;
    int depth = 0;

    tokenize(sql, &tk);
    x->unique = tk.n > 1 && is_word(&tk.v[1], "UNIQUE");
    for (i = 0; i < tk.n && !is_punct(&tk.v[i], '('); i++)
        if (is_word(&tk.v[i], "USING") && i + 1 < tk.n)
            x->method = tok_name(c, &tk.v[i + 1]);
    end = close_paren(&tk, i, tk.n);
    for (start = ++i; i <= end && i < tk.n; i++) {
        if (is_punct(&tk.v[i], '(') && i < end) {
            depth++;
        } else if (is_punct(&tk.v[i], ')') && i < end) {
            depth--;
        } else if (i == end || (depth == 0 && is_punct(&tk.v[i], ','))) {
            *tail = parse_elem(c, &tk, start, i);
            tail = &(*tail)->next;
            start = i + 1;
        }
    }
    for (i = end + 1; i < tk.n; i++)
        if (is_word(&tk.v[i], "WHERE")) {
            x->where = tok_text(c, &tk, i + 1, tk.n);
            break;
        }
    free(tk.v);
}

cat_index *cat_parse_index(ast_ctx *pool, const char *sql)
{
    cat_db c;
    cat_index *x = ast_alloc(pool, sizeof *x);

    memset(&c, 0, sizeof c);
    c.pool = pool;
    parse_index(&c, x, sql);
    return x;
}

cat_constraint *cat_parse_constraint(ast_ctx *pool, const char *name,
                                     const char *sql)
{
    tokens tk = {NULL, 0, 0};
    cat_db c;
    cat_table t;
    reader r;

    memset(&c, 0, sizeof c);
    memset(&t, 0, sizeof t);
    memset(&r, 0, sizeof r);
    c.pool = pool;
    r.c = &c;
    tokenize(sql, &tk);
    add_parsed(&r, &t, name ? ast_strdup(pool, name) : NULL, NULL, &tk, 0,
               tk.n);
    free(tk.v);
    return t.cons && t.cons->kind != '?' ? t.cons : NULL;
}

/* ---------------------------------------------------------------------
 * SQLite.
 * ------------------------------------------------------------------- */

static const char sqlite_tables[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND name NOT IN ('schemac_migrations', 'schemac_migration_parts')"
    " AND name NOT IN (SELECT name FROM pragma_table_list"
    "  WHERE type = 'shadow')"
    " ORDER BY rowid";

/* table, column, type, not null, default, pk position, generated */
static const char sqlite_columns[] =
    "SELECT m.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk,"
    " c.hidden IN (2, 3)"
    " FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS c"
    " WHERE m.type = 'table' ORDER BY m.rowid, c.cid";

/* table, index, unique, CREATE INDEX text */
static const char sqlite_indexes[] =
    "SELECT m.tbl_name, m.name, l.\"unique\", m.sql"
    " FROM sqlite_schema AS m JOIN pragma_index_list(m.tbl_name) AS l"
    " ON l.name = m.name"
    " WHERE m.type = 'index' AND m.sql IS NOT NULL ORDER BY m.rowid";

/* views, triggers and virtual tables, in creation order */
static const char sqlite_objects[] =
    "SELECT type, name, sql FROM sqlite_schema"
    " WHERE sql IS NOT NULL AND (type IN ('view', 'trigger')"
    " OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL%'))"
    " ORDER BY rowid";

static int on_sqlite_table(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_table *t;

    if (n < 2 || !v[0] || (v[1] && strncasecmp(v[1], "CREATE VIRTUAL", 14)
                                       == 0))
        return 0;
    t = ast_alloc(r->c->pool, sizeof *t);
    t->name = cat__dup(r->c, v[0]);
    t->sql = cat__dup(r->c, v[1] ? v[1] : "");
    *r->tables_end = t;
    r->tables_end = &t->next;
    return 0;
}

void cat__add_constraint(cat_table *t, cat_constraint *k)
{
    cat_constraint **end;

    for (end = &t->cons; *end; end = &(*end)->next)
        ;
    *end = k;
}

void cat__add_column(cat_table *t, cat_column *k)
{
    cat_column **end;

    for (end = &t->cols; *end; end = &(*end)->next)
        ;
    *end = k;
    if (k->pk > t->npk)
        t->npk = k->pk;
}

static int on_sqlite_column(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_table *t = n >= 6 && v[0] ? cat_find_table(r->c, v[0]) : NULL;
    cat_column *k;

    if (!t || !v[1])
        return 0;
    k = ast_alloc(r->c->pool, sizeof *k);
    k->name = cat__dup(r->c, v[1]);
    k->type = cat__dup(r->c, v[2] ? v[2] : "");
    k->notnull = cat__truthy(v[3]);
    k->dflt = v[4] && strcasecmp(v[4], "NULL") != 0 ? cat__dup(r->c, v[4])
                                                    : NULL;
    k->pk = v[5] ? atoi(v[5]) : 0;
    k->generated = n > 6 && cat__truthy(v[6]);
    cat__add_column(t, k);
    return 0;
}

/* After the columns: the rowid alias is never NULL, and AUTOINCREMENT. */
static void sqlite_finish_table(reader *r, cat_table *t)
{
    const char *autoinc = parse_create(r, t, t->sql);
    cat_column *k;

    for (k = t->cols; k; k = k->next) {
        if (k->pk && t->npk == 1 && (!t->rowid ||
                                     strcasecmp(k->type, "INTEGER") == 0))
            k->notnull = true;
        if (autoinc && strcmp(autoinc, k->name) == 0)
            k->autoinc = CAT_AUTO_SQLITE;
    }
}

static int on_sqlite_index(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_index *x;

    if (n < 4 || !v[0] || !v[1] || !v[3])
        return 0;
    x = ast_alloc(r->c->pool, sizeof *x);
    x->table = cat__dup(r->c, v[0]);
    x->name = cat__dup(r->c, v[1]);
    x->def = cat__dup(r->c, v[3]);
    parse_index(r->c, x, v[3]);
    x->unique = cat__truthy(v[2]);
    *r->indexes_end = x;
    r->indexes_end = &x->next;
    return 0;
}

static int on_sqlite_object(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;

    if (n >= 3 && v[0] && v[1] && v[2])
        cat__add_object(r, strcmp(v[0], "table") == 0 ? "virtual table"
                                                 : cat__dup(r->c, v[0]),
                   v[1], v[2], false);
    return 0;
}

typedef struct sample {
    reader *r;
    cat_column *k;
} sample;

/* The fraction digits of a timestamp text of len characters. */
static int frac_digits(int len)
{
    return len > 20 ? len - 20 : 0;
}

static int on_sample(void *ctx, int n, const char *const *v)
{
    sample *s = ctx;
    long long count = n >= 2 && v[1] ? atoll(v[1]) : 0;

    if (n < 3 || !v[0])
        return 0;
    if (strcmp(v[0], "integer") == 0)
        s->k->n_int += count;
    else if (strcmp(v[0], "real") == 0)
        s->k->n_real += count;
    else if (strcmp(v[0], "text") == 0)
        s->k->n_text += count;
    else if (strcmp(v[0], "blob") == 0)
        s->k->n_blob += count;
    if (v[2])
        s->k->n_hex32 += atoll(v[2]);
    if (n >= 6 && v[3] && v[4] && v[5] && atoll(v[3]) > 0) {
        s->k->n_stamp += atoll(v[3]);
        s->k->frac_min = frac_digits(atoi(v[4]));
        s->k->frac_max = frac_digits(atoi(v[5]));
        s->k->n_zero_frac += n >= 7 && v[6] ? atoll(v[6]) : 0;
    }
    return 0;
}

static void quote_into(buf *b, const char *name)
{
    const char *s;

    buf_putc(b, '"');
    for (s = name; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

/* Whether the value of column name is a text timestamp 'YYYY-MM-DD
 * HH:MM:SS', with or without '.' and fraction digits. */
static void stamp_test(buf *q, const char *name)
{
    buf_puts(q, "(typeof(");
    quote_into(q, name);
    buf_puts(q, ") = 'text' AND substr(");
    quote_into(q, name);
    buf_puts(q, ", 1, 19) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] "
                "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]' AND (length(");
    quote_into(q, name);
    buf_puts(q, ") = 19 OR (length(");
    quote_into(q, name);
    buf_puts(q, ") > 20 AND substr(");
    quote_into(q, name);
    buf_puts(q, ", 20, 1) = '.' AND substr(");
    quote_into(q, name);
    buf_puts(q, ", 21) NOT GLOB '*[^0-9]*')))");
}

/* The count of texts of column name that are timestamps as stamp_test()
 * says, their fewest and most characters, and how many have a fraction
 * of zeros only. */
static void stamp_sample(buf *q, const char *name)
{
    int i;

    buf_puts(q, ", sum(");
    stamp_test(q, name);
    buf_puts(q, ")");
    for (i = 0; i < 2; i++) {
        buf_puts(q, i ? ", max" : ", min");
        buf_puts(q, "(CASE WHEN ");
        stamp_test(q, name);
        buf_puts(q, " THEN length(");
        quote_into(q, name);
        buf_puts(q, ") END)");
    }
    buf_puts(q, ", sum(");
    stamp_test(q, name);
    buf_puts(q, " AND length(");
    quote_into(q, name);
    buf_puts(q, ") > 20 AND substr(");
    quote_into(q, name);
    buf_puts(q, ", 21) NOT GLOB '*[^0]*')");
}

/* The storage classes the rows of t hold, column by column. */
static int sqlite_sample(reader *r, cat_table *t)
{
    cat_column *k;
    sample s;
    buf q;
    int rc = SC_OK;

    buf_init(&q);
    s.r = r;
    for (k = t->cols; k && rc == SC_OK; k = k->next) {
        buf_reset(&q);
        buf_puts(&q, "SELECT typeof(");
        quote_into(&q, k->name);
        buf_puts(&q, "), count(*), sum(typeof(");
        quote_into(&q, k->name);
        buf_puts(&q, ") = 'text' AND length(");
        quote_into(&q, k->name);
        buf_puts(&q, ") = 32 AND ");
        quote_into(&q, k->name);
        buf_puts(&q, " NOT GLOB '*[^0-9a-fA-F]*')");
        stamp_sample(&q, k->name);
        buf_puts(&q, " FROM ");
        quote_into(&q, t->name);
        buf_puts(&q, " GROUP BY 1");
        s.k = k;
        rc = sc_query_sql_each(r->db, q.data, on_sample, &s);
    }
    buf_free(&q);
    return rc;
}

static int read_sqlite(reader *r, bool want_sample)
{
    cat_table *t;
    int rc = sc_query_sql_each(r->db, sqlite_tables, on_sqlite_table, r);

    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, sqlite_columns, on_sqlite_column, r);
    for (t = r->c->tables; rc == SC_OK && t; t = t->next) {
        sqlite_finish_table(r, t);
        if (want_sample && !t->strict)
            rc = sqlite_sample(r, t);
    }
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, sqlite_indexes, on_sqlite_index, r);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, sqlite_objects, on_sqlite_object, r);
    return rc;
}

/* ---------------------------------------------------------------------
 * PostgreSQL.
 * ------------------------------------------------------------------- */

#define PG_IN_SCHEMA(alias)                                                \
    " JOIN pg_namespace AS n ON n.oid = " alias ".relnamespace"            \
    " WHERE n.nspname = current_schema()"

/* Plain tables; a partitioned table and its partitions are one object. */
#define PG_TABLES                                                          \
    PG_IN_SCHEMA("t") " AND t.relkind = 'r' AND NOT t.relispartition"      \
    " AND t.relname NOT IN ('schemac_migrations',"                          \
    " 'schemac_migration_parts')"

/* name, unlogged, the tables it inherits from (not a partition's), its
 * COMMENT */
static const char pg_tables[] =
    "SELECT t.relname, (t.relpersistence = 'u')::int,"
    " (SELECT string_agg(quote_ident(p.relname), ', ' ORDER BY h.inhseqno)"
    "  FROM pg_inherits AS h JOIN pg_class AS p ON p.oid = h.inhparent"
    "  WHERE h.inhrelid = t.oid),"
    " obj_description(t.oid, 'pg_class')"
    " FROM pg_class AS t" PG_TABLES " ORDER BY t.oid";

/* table, column, type, not null, default, pk position, identity, enum,
 * domain, generated, collation when not the type's, COMMENT */
static const char pg_columns[] =
    "SELECT t.relname, a.attname,"
    " CASE WHEN y.typtype = 'e' THEN y.typname::text"
    " WHEN y.typtype = 'd' THEN format_type(y.typbasetype, y.typtypmod)"
    " ELSE format_type(a.atttypid, a.atttypmod) END,"
    " a.attnotnull::int, pg_get_expr(d.adbin, d.adrelid),"
    " coalesce(array_position((SELECT k.conkey FROM pg_constraint AS k"
    "  WHERE k.conrelid = t.oid AND k.contype = 'p'), a.attnum), 0),"
    " (a.attidentity <> '')::int, (y.typtype = 'e')::int,"
    " CASE WHEN y.typtype = 'd' THEN y.typname::text END,"
    " (a.attgenerated <> '')::int,"
    " (SELECT l.collname::text FROM pg_collation AS l"
    "  WHERE l.oid = a.attcollation AND a.attcollation <> y.typcollation),"
    " col_description(t.oid, a.attnum)"
    " FROM pg_attribute AS a JOIN pg_class AS t ON t.oid = a.attrelid"
    " JOIN pg_type AS y ON y.oid = a.atttypid"
    " LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid"
    " AND d.adnum = a.attnum" PG_TABLES
    " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.oid, a.attnum";

#define PG_NAMES(rel, cols)                                                \
    "(SELECT string_agg(a.attname, ', ' ORDER BY k.n)"                     \
    " FROM unnest(" cols ") WITH ORDINALITY AS k(num, n)"                  \
    " JOIN pg_attribute AS a ON a.attrelid = " rel " AND a.attnum = k.num)"

/* table, name, kind, definition, columns, target, target columns,
 * on update, on delete, deferrable, deferred; in the order of the
 * columns they are about, as a CREATE TABLE would declare them */
static const char pg_constraints[] =
    "SELECT t.relname, c.conname, c.contype::text,"
    " pg_get_constraintdef(c.oid), " PG_NAMES("c.conrelid", "c.conkey")
    ", f.relname, " PG_NAMES("c.confrelid", "c.confkey")
    ", c.confupdtype::text, c.confdeltype::text,"
    " c.condeferrable::int, c.condeferred::int"
    " FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid"
    " LEFT JOIN pg_class AS f ON f.oid = c.confrelid" PG_TABLES
    " AND c.contype IN ('p', 'u', 'c', 'f', 'x')"
    " ORDER BY t.oid, c.conkey[1] NULLS LAST, c.oid";

/* Indexes that back a constraint are the constraint's.  table, index,
 * unique, method, predicate, definition */
static const char pg_indexes[] =
    "SELECT t.relname, i.relname, x.indisunique::int, am.amname,"
    " pg_get_expr(x.indpred, x.indrelid), pg_get_indexdef(x.indexrelid)"
    " FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid"
    " JOIN pg_am AS am ON am.oid = i.relam"
    " JOIN pg_class AS t ON t.oid = x.indrelid" PG_TABLES
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c"
    "  WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
    "  AND c.contype IN ('p', 'u', 'x'))"
    " ORDER BY t.oid, i.oid";

/* index, column (NULL: an expression), element text, operator class
 * when not the default one */
static const char pg_index_elems[] =
    "SELECT i.relname, a.attname,"
    " pg_get_indexdef(x.indexrelid, k.n::int, true),"
    " CASE WHEN NOT o.opcdefault THEN o.opcname::text END"
    " FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid"
    " JOIN pg_class AS t ON t.oid = x.indrelid"
    " CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY"
    "  AS k(num, n)"
    " LEFT JOIN pg_attribute AS a ON a.attrelid = x.indrelid"
    "  AND a.attnum = k.num AND k.num <> 0"
    " LEFT JOIN pg_opclass AS o ON o.oid = x.indclass[k.n - 1]"
    PG_TABLES " AND k.n <= x.indnkeyatts ORDER BY i.oid, k.n";

static const char pg_enums[] =
    "SELECT y.typname, e.enumlabel FROM pg_type AS y"
    " JOIN pg_enum AS e ON e.enumtypid = y.oid"
    " JOIN pg_namespace AS n ON n.oid = y.typnamespace"
    " WHERE n.nspname = current_schema()"
    " ORDER BY y.oid, e.enumsortorder";

/* Domains: name, CREATE DOMAIN text. */
static const char pg_domains[] =
    "SELECT y.typname, 'CREATE DOMAIN ' || quote_ident(y.typname) || ' AS '"
    " || format_type(y.typbasetype, y.typtypmod)"
    " || coalesce(' DEFAULT ' || y.typdefault, '')"
    " || CASE WHEN y.typnotnull THEN ' NOT NULL' ELSE '' END"
    " || coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(c.conname)"
    "  || ' ' || pg_get_constraintdef(c.oid), '' ORDER BY c.oid)"
    "  FROM pg_constraint AS c WHERE c.contypid = y.oid), '')"
    " FROM pg_type AS y JOIN pg_namespace AS n ON n.oid = y.typnamespace"
    " WHERE n.nspname = current_schema() AND y.typtype = 'd'"
    " ORDER BY y.oid";

/* Extensions but the one every database has. */
static const char pg_extensions[] =
    "SELECT x.extname, 'CREATE EXTENSION IF NOT EXISTS '"
    " || quote_ident(x.extname) FROM pg_extension AS x"
    " WHERE x.extname <> 'plpgsql' ORDER BY x.oid";

/* Functions and procedures not from an extension. */
static const char pg_functions[] =
    "SELECT p.proname, pg_get_functiondef(p.oid)"
    " FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace"
    " WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')"
    " AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid"
    "  AND d.deptype = 'e')"
    " ORDER BY p.oid";

/* Views and materialized views. */
static const char pg_views[] =
    "SELECT CASE t.relkind WHEN 'v' THEN 'view'"
    " ELSE 'materialized view' END, t.relname,"
    " CASE t.relkind WHEN 'v' THEN 'CREATE VIEW ' ELSE"
    " 'CREATE MATERIALIZED VIEW ' END || quote_ident(t.relname) || ' AS'"
    " || chr(10) || rtrim(pg_get_viewdef(t.oid, true), ';')"
    " FROM pg_class AS t" PG_IN_SCHEMA("t") " AND t.relkind IN ('v', 'm')"
    " ORDER BY t.oid";

/* The indexes of materialized views and of partitioned tables, which
 * are not tables of the schema.  A partitioned table's index is printed
 * ON ONLY the parent, as pg_dump makes it before attaching the
 * partitions' own; made again from the text it must reach them. */
static const char pg_other_indexes[] =
    "SELECT i.relname, CASE t.relkind WHEN 'p' THEN"
    " regexp_replace(pg_get_indexdef(x.indexrelid), ' ON ONLY ', ' ON ')"
    " ELSE pg_get_indexdef(x.indexrelid) END"
    " FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid"
    " JOIN pg_class AS t ON t.oid = x.indrelid" PG_IN_SCHEMA("t")
    " AND t.relkind IN ('m', 'p') AND NOT t.relispartition"
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c"
    "  WHERE c.conindid = x.indexrelid)"
    " ORDER BY i.oid";

static const char pg_triggers[] =
    "SELECT g.tgname, pg_get_triggerdef(g.oid, true)"
    " FROM pg_trigger AS g JOIN pg_class AS t ON t.oid = g.tgrelid"
    PG_IN_SCHEMA("t") " AND NOT g.tgisinternal AND g.tgparentid = 0"
    " ORDER BY g.oid";

/* A partitioned table: its CREATE TABLE with its columns, its own
 * constraints and the partitioning key.  A column whose default takes
 * the next value of the sequence serial made for it, and which it owns,
 * is serial again (smallserial, bigserial), so that the text makes its
 * sequence on a new database. */
static const char pg_partitionings[] =
    "SELECT t.relname, 'CREATE TABLE ' || quote_ident(t.relname) || ' ('"
    " || (SELECT string_agg(chr(10) || '    ' || quote_ident(a.attname)"
    "   || ' ' || CASE WHEN a.atttypid IN (20, 21, 23)"
    "     AND pg_get_serial_sequence(t.oid::regclass::text, a.attname)"
    "       IS NOT NULL"
    "     AND pg_get_expr(d.adbin, d.adrelid) = 'nextval('"
    "       || quote_literal(quote_ident(t.relname || '_' || a.attname"
    "       || '_seq')) || '::regclass)'"
    "   THEN CASE a.atttypid WHEN 21 THEN 'smallserial' WHEN 23"
    "     THEN 'serial' ELSE 'bigserial' END"
    "   ELSE format_type(a.atttypid, a.atttypmod)"
    "   || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')"
    "   END"
    "   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, ','"
    "   ORDER BY a.attnum)"
    "  FROM pg_attribute AS a LEFT JOIN pg_attrdef AS d"
    "  ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
    "  WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped)"
    " || coalesce((SELECT string_agg(',' || chr(10) || '    CONSTRAINT '"
    "   || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid),"
    "   '' ORDER BY c.oid)"
    "  FROM pg_constraint AS c WHERE c.conrelid = t.oid"
    "  AND c.contype IN ('p', 'u', 'c', 'f') AND c.conparentid = 0), '')"
    " || chr(10) || ') PARTITION BY ' || pg_get_partkeydef(t.oid)"
    " FROM pg_class AS t" PG_IN_SCHEMA("t") " AND t.relkind = 'p'"
    " AND NOT t.relispartition ORDER BY t.oid";

/* Each partition, after its parent. */
static const char pg_partitions[] =
    "SELECT p.relname, 'CREATE TABLE ' || quote_ident(p.relname)"
    " || ' PARTITION OF ' || quote_ident(t.relname) || ' '"
    " || pg_get_expr(p.relpartbound, p.oid)"
    " FROM pg_inherits AS h JOIN pg_class AS p ON p.oid = h.inhrelid"
    " JOIN pg_class AS t ON t.oid = h.inhparent" PG_IN_SCHEMA("t")
    " AND p.relispartition ORDER BY p.oid";

/* The tables a partitioning holds: the partitioned ones and partitions. */
static const char pg_partitioned[] =
    "SELECT t.relname FROM pg_class AS t" PG_IN_SCHEMA("t")
    " AND (t.relkind = 'p' OR t.relispartition) ORDER BY t.oid";

static int on_pg_table(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_table *t;

    if (n < 1 || !v[0])
        return 0;
    t = ast_alloc(r->c->pool, sizeof *t);
    t->name = cat__dup(r->c, v[0]);
    t->strict = true;
    t->rowid = true;
    t->unlogged = n > 1 && cat__truthy(v[1]);
    t->inherits = n > 2 ? cat__dup(r->c, v[2]) : NULL;
    t->comment = n > 3 ? cat__dup(r->c, v[3]) : NULL;
    *r->tables_end = t;
    r->tables_end = &t->next;
    return 0;
}

static int on_pg_column(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_table *t = n >= 9 && v[0] ? cat_find_table(r->c, v[0]) : NULL;
    cat_column *k;

    if (!t || !v[1])
        return 0;
    k = ast_alloc(r->c->pool, sizeof *k);
    k->name = cat__dup(r->c, v[1]);
    k->type = cat__dup(r->c, v[2] ? v[2] : "");
    k->notnull = cat__truthy(v[3]);
    k->dflt = cat__dup(r->c, v[4]);
    k->pk = v[5] ? atoi(v[5]) : 0;
    if (cat__truthy(v[6]))
        k->autoinc = CAT_AUTO_IDENTITY;
    else if (k->dflt && strncasecmp(k->dflt, "nextval(", 8) == 0)
        k->autoinc = CAT_AUTO_SERIAL;
    k->is_enum = cat__truthy(v[7]);
    k->domain = cat__dup(r->c, v[8]);
    k->generated = n > 9 && cat__truthy(v[9]);
    k->collation = n > 10 ? cat__dup(r->c, v[10]) : NULL;
    k->comment = n > 11 ? cat__dup(r->c, v[11]) : NULL;
    if (k->generated)
        k->autoinc = CAT_AUTO_NONE;
    cat__add_column(t, k);
    return 0;
}

static const char *pg_action(const char *a)
{
    if (!a)
        return NULL;
    switch (a[0]) {
    case 'c':
        return "cascade";
    case 'n':
        return "set null";
    case 'd':
        return "set default";
    case 'r':
        return "restrict";
    default:
        return NULL;
    }
}

static int on_pg_constraint(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_table *t = n >= 11 && v[0] ? cat_find_table(r->c, v[0]) : NULL;
    cat_constraint *k, **end;
    const char *s, *e;

    if (!t || !v[2] || !v[3])
        return 0;
    k = ast_alloc(r->c->pool, sizeof *k);
    k->name = cat__dup(r->c, v[1]);
    k->kind = v[2][0];
    k->def = cat__dup(r->c, v[3]);
    k->cols = cat__dup(r->c, v[4]);
    if (k->kind == 'c' && (s = strchr(v[3], '(')) != NULL &&
        (e = strrchr(v[3], ')')) != NULL && e > s)
        k->expr = ast_strndup(r->c->pool, s + 1, (size_t)(e - s - 1));
    if (k->kind == 'f') {
        k->ref_table = cat__dup(r->c, v[5]);
        k->ref_cols = cat__dup(r->c, v[6]);
        k->on_update = pg_action(v[7]);
        k->on_delete = pg_action(v[8]);
        k->deferrable = cat__truthy(v[9]);
        k->deferred = cat__truthy(v[10]);
    }
    for (end = &t->cons; *end; end = &(*end)->next)
        ;
    *end = k;
    return 0;
}

static int on_pg_index(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_index *x;

    if (n < 6 || !v[0] || !v[1])
        return 0;
    x = ast_alloc(r->c->pool, sizeof *x);
    x->table = cat__dup(r->c, v[0]);
    x->name = cat__dup(r->c, v[1]);
    x->unique = cat__truthy(v[2]);
    x->method = cat__dup(r->c, v[3]);
    x->where = cat__dup(r->c, v[4]);
    x->def = cat__dup(r->c, v[5]);
    *r->indexes_end = x;
    r->indexes_end = &x->next;
    return 0;
}

static int on_pg_index_elem(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_index *x;
    cat_ielem *e, **tail;

    if (n < 4 || !v[0])
        return 0;
    for (x = r->c->indexes; x && strcmp(x->name, v[0]) != 0; x = x->next)
        ;
    if (!x)
        return 0;
    e = ast_alloc(r->c->pool, sizeof *e);
    e->column = cat__dup(r->c, v[1]);
    e->expr = cat__dup(r->c, v[2] ? v[2] : "");
    e->opclass = cat__dup(r->c, v[3]);
    for (tail = &x->elems; *tail; tail = &(*tail)->next)
        ;
    *tail = e;
    return 0;
}

static int on_pg_enum(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_enum *e;
    cat_label *l, **tail;

    if (n < 2 || !v[0] || !v[1])
        return 0;
    for (e = r->c->enums; e && strcmp(e->name, v[0]) != 0; e = e->next)
        ;
    if (!e) {
        e = ast_alloc(r->c->pool, sizeof *e);
        e->name = cat__dup(r->c, v[0]);
        *r->enums_end = e;
        r->enums_end = &e->next;
    }
    l = ast_alloc(r->c->pool, sizeof *l);
    l->label = cat__dup(r->c, v[1]);
    for (tail = &e->labels; *tail; tail = &(*tail)->next)
        ;
    *tail = l;
    return 0;
}

typedef struct kinded {
    reader *r;
    const char *kind;
    bool before;
} kinded;

/* name, sql; or kind, name, sql when the query says the kind */
static int on_pg_object(void *ctx, int n, const char *const *v)
{
    kinded *k = ctx;

    if (n == 2 && v[0] && v[1])
        cat__add_object(k->r, k->kind, v[0], v[1], k->before);
    else if (n == 3 && v[0] && v[1] && v[2])
        cat__add_object(k->r, cat__dup(k->r->c, v[0]), v[1], v[2], k->before);
    return 0;
}

static int on_pg_partitioned(void *ctx, int n, const char *const *v)
{
    reader *r = ctx;
    cat_db *c = r->c;
    const char **grown;

    if (n < 1 || !v[0])
        return 0;
    if (c->npartitioned == r->capparts) {
        r->capparts = r->capparts ? 2 * r->capparts : 8;
        grown = ast_alloc(c->pool, (size_t)r->capparts * sizeof *grown);
        if (c->npartitioned)
            memcpy(grown, c->partitioned,
                   (size_t)c->npartitioned * sizeof *grown);
        c->partitioned = grown;
    }
    c->partitioned[c->npartitioned++] = cat__dup(c, v[0]);
    return 0;
}

static int pg_objects(reader *r, const char *sql, const char *kind,
                      bool before)
{
    kinded k;

    k.r = r;
    k.kind = kind;
    k.before = before;
    return sc_query_sql_each(r->db, sql, on_pg_object, &k);
}

static int read_pg(reader *r)
{
    int rc = sc_query_sql_each(r->db, pg_enums, on_pg_enum, r);

    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, pg_tables, on_pg_table, r);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, pg_columns, on_pg_column, r);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, pg_constraints, on_pg_constraint, r);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, pg_indexes, on_pg_index, r);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, pg_index_elems, on_pg_index_elem, r);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_extensions, "extension", true);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_domains, "domain", true);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_functions, "function", false);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_partitionings, "partitioned table", false);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_partitions, "partition", false);
    if (rc == SC_OK)
        rc = sc_query_sql_each(r->db, pg_partitioned, on_pg_partitioned, r);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_views, NULL, false);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_other_indexes, "index", false);
    if (rc == SC_OK)
        rc = pg_objects(r, pg_triggers, "trigger", false);
    return rc;
}

/* PostgreSQL's catalog holds no samples to take (want_sample is for
 * SQLite's loose columns). */
static int read_pg_catalog(reader *r, bool want_sample)
{
    (void)want_sample;
    return read_pg(r);
}

/* A PostgreSQL type name in format_type()'s spelling, so that the
 * schema's 'varchar(20)' and the catalog's "character varying(20)" meet:
 * the common aliases spelled out, quotes dropped, lower case. */
static const char *pg_canon(ast_ctx *pool, const char *type)
{
    static const char *const alias[][2] = {
        {"varchar", "character varying"}, {"char", "character"},
        {"bpchar", "character"},          {"int", "integer"},
        {"int4", "integer"},              {"int8", "bigint"},
        {"int2", "smallint"},             {"bool", "boolean"},
        {"float8", "double precision"},   {"float4", "real"},
        {"decimal", "numeric"},
        {"timestamptz", "timestamp with time zone"},
        {"timestamp", "timestamp without time zone"},
        {"timetz", "time with time zone"},
        {"time", "time without time zone"},
    };
    buf b, head;
    const char *s, *rest, *out;
    size_t i;

    buf_init(&b);
    for (s = type; *s; s++)
        if (*s != '"')
            buf_putc(&b, (char)tolower((unsigned char)*s));
    if (!b.len) {
        buf_free(&b);
        return "";
    }
    rest = b.data + strcspn(b.data, "([");
    buf_init(&head);
    buf_put(&head, b.data, (size_t)(rest - b.data));
    for (i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(head.data ? head.data : "", alias[i][0]) == 0) {
            buf_reset(&head);
            buf_puts(&head, alias[i][1]);
            if (strncmp(alias[i][1], "time", 4) == 0 && *rest == '(') {
                /* timestamp(3) with time zone: the precision goes after
                 * the first word */
                const char *close = strchr(rest, ')');
                size_t word = strcspn(alias[i][1], " ");

                buf_reset(&head);
                buf_put(&head, alias[i][1], word);
                if (close) {
                    buf_put(&head, rest, (size_t)(close - rest + 1));
                    rest = close + 1;
                }
                buf_puts(&head, alias[i][1] + word);
            }
            break;
        }
    buf_puts(&head, rest);
    out = ast_strndup(pool, head.data, head.len);
    buf_free(&b);
    buf_free(&head);
    return out;
}

/* SQLite's declared types are compared as they are written. */
static const char *sqlite_canon(ast_ctx *pool, const char *type)
{
    (void)pool;
    return type;
}

/* The spelling of a column type in each dialect's catalog. */
static const char *(*const canons[AST_NDIALECTS])(ast_ctx *pool,
                                                   const char *type) = {
    [AST_D_SQLITE] = sqlite_canon,
    [AST_D_POSTGRESQL] = pg_canon,
    [AST_D_MARIADB] = cat__mariadb_canon,
};

const char *cat_canon_type(ast_ctx *pool, int dialect, const char *type)
{
    if (dialect < 1 || dialect >= AST_NDIALECTS || !type)
        return type;
    return canons[dialect](pool, type);
}

/* One catalog reader per dialect, behind cat_read(). */
static int (*const readers[AST_NDIALECTS])(reader *r, bool want_sample) = {
    [AST_D_SQLITE] = read_sqlite,
    [AST_D_POSTGRESQL] = read_pg_catalog,
    [AST_D_MARIADB] = cat__read_mariadb,
};

int cat_read(sc_db *db, ast_ctx *pool, bool sample, cat_db *out)
{
    reader r;
    int d = (int)sc_db_dialect(db);

    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    out->pool = pool;
    out->dialect = d;
    if (d < 1 || d >= AST_NDIALECTS || readers[d] == NULL)
        return SC_MISUSE;
    r.c = out;
    r.db = db;
    r.tables_end = &out->tables;
    r.indexes_end = &out->indexes;
    r.enums_end = &out->enums;
    r.objects_end = &out->objects;
    return readers[d](&r, sample);
}
