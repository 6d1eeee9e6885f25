/*
 * ast.h - the syntax tree of a .schema file, and the context that owns it.
 *
 * The parser builds the tree with the ast_*_new constructors and nothing
 * else; the checker (check.c) then resolves names and fills the fields
 * marked "set by the checker"; the emitters only read.  Every node lives in
 * the context's pool and is released with ast_ctx_free().
 *
 * Lists are singly linked in source order (the parser appends).  Strings are
 * NUL-terminated copies owned by the pool.
 */
#ifndef SCHEMAC_AST_H
#define SCHEMAC_AST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "schemac.h"

/*
 * A source range.  Lines and columns count from 1; a column counts UTF-8
 * code points, so a caret printed under the source line lines up (a tab
 * and a byte that is not valid UTF-8 count one each).  last_column is one
 * past the range's last code point.  The field names are bison's, so this
 * type serves as YYLTYPE.
 */
typedef struct ast_loc {
    int first_line;
    int first_column;
    int last_line;
    int last_column;
} ast_loc;

typedef enum ast_type_kind {
    AST_T_BOOL,
    AST_T_INT16,
    AST_T_INT32,
    AST_T_INT64,
    AST_T_FLOAT32,
    AST_T_FLOAT64,
    AST_T_NUMERIC, /* numeric(p,s) */
    AST_T_VARCHAR, /* varchar(n) */
    AST_T_TEXT,
    AST_T_BYTES,
    AST_T_DATE,
    AST_T_TIMESTAMP,
    AST_T_UUID,
    AST_T_JSON,
    AST_T_NAMED /* a name: an enum, resolved by the checker */
} ast_type_kind;

struct ast_enum;

typedef struct ast_type {
    ast_type_kind kind;
    ast_loc loc;
    /* timestamp without time zone: a wall-clock reading with no zone
     * (PostgreSQL's timestamp), read and written without any shift. */
    bool local;
    /* numeric(p,s): p in a, s in b; varchar(n): n in a.  The raw digits are
     * kept so the checker can report an out-of-range size. */
    int64_t a, b;
    bool has_b;            /* numeric(p) without a scale */
    const char *name;      /* AST_T_NAMED: the name as written */
    struct ast_enum *enm;  /* AST_T_NAMED: set by the checker */
} ast_type;

typedef enum ast_lit_kind {
    AST_LIT_INT,     /* 42, -7: text holds the digits with sign */
    AST_LIT_DECIMAL, /* 12.50, -0.5: text as written */
    AST_LIT_STRING,  /* 'it''s': text holds the decoded UTF-8, len bytes */
    AST_LIT_TRUE,
    AST_LIT_FALSE,
    AST_LIT_NULL,
    AST_LIT_NOW,
    AST_LIT_IDENT    /* an enum value name: text holds the name */
} ast_lit_kind;

typedef struct ast_literal {
    ast_lit_kind kind;
    ast_loc loc;
    const char *text;
    size_t len;
} ast_literal;

/* Expressions, for check (...) constraints. */
typedef enum ast_expr_kind {
    AST_E_LITERAL,  /* lit */
    AST_E_COLUMN,   /* name */
    AST_E_UNARY,    /* op ('-' or AST_OP_NOT), lhs */
    AST_E_BINARY,   /* lhs op rhs */
    AST_E_CALL,     /* name(args) */
    AST_E_IN,       /* lhs [not] in (args); negated */
    AST_E_ISNULL,   /* lhs is [not] null; negated */
    AST_E_BETWEEN,  /* lhs [not] between args->expr and args->next->expr */
    AST_E_PAREN     /* (lhs) */
} ast_expr_kind;

typedef enum ast_op {
    AST_OP_OR = 256,
    AST_OP_AND,
    AST_OP_NOT,
    AST_OP_EQ,     /* = or == */
    AST_OP_NE,     /* != or <> */
    AST_OP_LT,
    AST_OP_LE,
    AST_OP_GT,
    AST_OP_GE,
    AST_OP_LIKE,
    AST_OP_ADD,
    AST_OP_SUB,
    AST_OP_MUL,
    AST_OP_DIV,
    AST_OP_MOD,
    AST_OP_CONCAT, /* || */
    AST_OP_NEG
} ast_op;

/* The dialects, as indexes of the per-dialect arrays of the tree: the
 * runtime's SC_DIALECT_* (dialect.h), entry 0 unused. */
#define AST_D_SQLITE     SC_DIALECT_SQLITE
#define AST_D_POSTGRESQL SC_DIALECT_POSTGRESQL
#define AST_D_MARIADB    SC_DIALECT_MARIADB
#define AST_NDIALECTS    (SC_NDIALECTS + 1)

/* stored as FORMAT: how a value of the column's type is kept, when not in
 * the form schemac chooses for the type (SPEC section 2, "Storage"). */
typedef enum ast_format {
    AST_FMT_NATIVE = 0, /* schemac's own storage for the type */
    AST_FMT_TEXT,    /* date 'YYYY-MM-DD', timestamp 'YYYY-MM-DD HH:MM:SS'
                        [.ffffff], numeric as decimal text, uuid with
                        dashes (36 characters) */
    AST_FMT_REAL,    /* numeric as a binary float (SQLite REAL, PostgreSQL
                        double precision) */
    AST_FMT_INTEGER, /* timestamp as whole seconds since 1970 (Unix time) */
    AST_FMT_HEX      /* uuid as 32 hex digits, no dashes */
} ast_format;

struct ast_column;

typedef struct ast_expr {
    ast_expr_kind kind;
    ast_loc loc;
    ast_op op;
    bool negated;
    struct ast_expr *lhs, *rhs;
    ast_literal *lit;
    const char *name;            /* column or function name */
    struct ast_exprlist *args;
    struct ast_column *column;   /* AST_E_COLUMN: set by the checker */
    /* The shape, measured by the constructors so that the checker can
     * bound it before anything walks the tree recursively: depth counts
     * the nodes on the longest path down from here, nesting the
     * parentheses, calls, in-lists, not and unary minus on that path. */
    int depth;
    int nesting;
} ast_expr;

typedef struct ast_exprlist {
    ast_expr *expr;
    struct ast_exprlist *next;
    struct ast_exprlist *last; /* on the first element: the last one */
} ast_exprlist;

/* A parenthesized list of names: (a, b). */
typedef struct ast_name {
    const char *name;
    ast_loc loc;
    struct ast_column *column; /* set by the checker */
    struct ast_name *next;
    struct ast_name *last; /* on the first element: the last one */
} ast_name;

typedef enum ast_action {
    AST_ACT_NONE = 0, /* not given */
    AST_ACT_NO_ACTION,
    AST_ACT_RESTRICT,
    AST_ACT_CASCADE,
    AST_ACT_SET_NULL,
    AST_ACT_SET_DEFAULT
} ast_action;

struct ast_table;

/* references t(c, ...) [on delete ACT] [on update ACT] */
typedef struct ast_ref {
    ast_loc loc;
    const char *table;
    ast_loc table_loc;
    ast_name *cols;
    ast_action on_delete, on_update;
    ast_loc dup_loc;  /* a second "on delete" or "on update"; line 0: none */
    /* "deferrable", and "deferrable initially deferred" (both locs then
     * hold the whole phrase); line 0: not given.  A second deferrable is
     * a repeat, in dup_loc. */
    ast_loc deferrable;
    ast_loc initially_deferred;
    /* Set by the checker: this foreign key closes a cycle of references
     * (or points at its own table), so on PostgreSQL it is added by ALTER
     * TABLE once every table exists. */
    bool after_tables;
    struct ast_table *target; /* set by the checker */
} ast_ref;

typedef struct ast_column {
    const char *name;
    ast_loc loc;      /* the whole column definition */
    ast_loc name_loc;
    ast_type type;

    /* Modifiers.  A loc with first_line == 0 means "not given". */
    ast_loc primary_key;
    ast_loc autoincrement;
    ast_loc not_null;
    ast_loc null_;    /* an explicit "null" modifier */
    ast_loc unique;
    ast_literal *dflt;
    ast_loc dflt_loc;
    ast_ref *ref;
    ast_expr *check;
    ast_loc check_loc;
    const char *renamed_from;
    ast_loc renamed_loc;
    /* stored as FORMAT [sqlite 'TYPE'] [postgresql 'TYPE']: the format,
     * and per dialect (AST_D_*) the column's type as the database
     * declares it, verbatim, or NULL for the one schemac chooses. */
    ast_format format;
    const char *sql_type[AST_NDIALECTS];
    ast_loc stored_loc;
    /* stored as text(N): a timestamp written with always N fraction
     * digits (0 to 6), the owner's spelling; the writer's business only,
     * the DDL is that of stored as text. */
    bool fixed_frac;
    int64_t frac;
    /* backfill (expr): the value migrate diff gives the rows a new or
     * newly not null column finds (where it is NULL); using (expr): the
     * value of the column after a change of its type, computed from the
     * row as it was.  Both are checked like a table's check; they mean
     * nothing once the change is made (a later snapshot keeps them). */
    ast_expr *backfill;
    ast_loc backfill_loc;
    ast_expr *using_;
    ast_loc using_loc;
    /* collate NAME: the collation of a text column on PostgreSQL, when
     * not schemac's "C" ("default" is the database's own); NULL when not
     * given. */
    const char *collation;
    ast_loc collate_loc;

    const char *comment; /* attached by ast_attach_comments, or NULL */

    /* A repeated modifier is not a syntax error: the first occurrence is
     * kept above, and the repeats are counted here for the checker. */
    int dup_modifiers;
    ast_loc dup_loc;       /* the first repeat */
    const char *dup_name;  /* its spelling: "not null", "default", ... */

    /* Set by the checker. */
    /* The C name: name itself when it is a plain identifier, else one
     * derived from it (names_c_ident: "Unit Price" is Unit_Price).  The
     * C keyword rule is not applied here: names_field(cname) gives the
     * struct field (default_), names_upper(...) the macros. */
    const char *cname;
    bool is_pk;       /* in the primary key, by modifier or table item */
    bool nullable;    /* neither not null nor primary key */
    int index;        /* position in the table, from 0 */

    struct ast_column *next;
} ast_column;

typedef enum ast_item_kind {
    AST_ITEM_PRIMARY_KEY, /* primary key [name] (cols) */
    AST_ITEM_UNIQUE,      /* unique [name] (cols) */
    AST_ITEM_INDEX,       /* [unique] index [name] [using m] (elems) ... */
    AST_ITEM_FOREIGN_KEY, /* foreign key (cols) references ... */
    AST_ITEM_CHECK        /* check (expr) */
} ast_item_kind;

/* An element of an index: a column or an expression, and an operator
 * class.  Used only by an index that has an expression or an operator
 * class; a plain index lists its columns in ast_item.cols. */
typedef struct ast_ielem {
    ast_loc loc;
    const char *column;  /* a column name, or NULL for an expression */
    ast_expr *expr;      /* (expr), when column is NULL */
    const char *opclass; /* "varchar_pattern_ops", or NULL */
    struct ast_column *col; /* set by the checker for a column */
    struct ast_ielem *next;
    struct ast_ielem *last; /* on the first element: the last one */
} ast_ielem;

typedef struct ast_item {
    ast_item_kind kind;
    ast_loc loc;
    /* The constraint's or index's name as the database knows it, NULL
     * when not given (schemac's own name is used: SPEC section 2). */
    const char *name;
    ast_loc name_loc;
    ast_name *cols;    /* NULL for an index with elems */
    ast_ref *ref;      /* AST_ITEM_FOREIGN_KEY */
    ast_expr *check;   /* AST_ITEM_CHECK */
    /* AST_ITEM_INDEX: "unique index" (an index that is unique, not a
     * constraint: its kind stays AST_ITEM_INDEX, so it is never a key
     * nor the target of a foreign key), using METHOD, elements with
     * expressions or operator classes, where (expr).  An index whose
     * elements are all plain columns has cols and no elems. */
    bool unique_index;
    const char *method; /* "gist", NULL: the database's default */
    ast_ielem *elems;
    ast_expr *where;    /* a partial index's predicate, or NULL */
    const char *comment;
    struct ast_item *next;
} ast_item;

typedef struct ast_table {
    const char *name;
    ast_loc loc;       /* from "table" to the closing brace */
    ast_loc name_loc;
    ast_column *columns;
    ast_item *items;
    const char *comment;
    const char *renamed_from; /* table t renamed from old { ... } */
    ast_loc renamed_loc;
    /* table t not strict { ... }: on SQLite, a table without STRICT, whose
     * columns may hold values of any storage class (the runtime checks
     * each value it reads). */
    ast_loc not_strict;

    /* Set by the checker. */
    const char *cname;       /* the C name, as for columns; row_name is
                                its singular */
    /* The key of get, update and delete: the primary key, else the first
     * unique over not null columns; NULL (nkey 0) when the table has
     * neither, and then those operations are not generated. */
    struct ast_column **key;
    int nkey;
    bool key_is_pk;
    int ncolumns;
    int index;               /* position in the schema, from 0 */
    const char *row_name;    /* the singular used for the row type */
    ast_column *autoinc;     /* the autoincrement column, or NULL */

    ast_column **columns_end; /* where the next column goes, or NULL */
    ast_item **items_end;     /* where the next item goes, or NULL */
    struct ast_table *next;
} ast_table;

typedef struct ast_enum_value {
    const char *name;   /* the label, as stored: "PG-13" */
    ast_loc loc;
    const char *cname;  /* set by the checker: the C part, "PG_13" (the
                           constant upper-cases it: FILMS_RATING_PG_13) */
    const char *comment;
    struct ast_enum_value *next;
} ast_enum_value;

typedef struct ast_enum {
    const char *name;
    ast_loc loc;
    ast_loc name_loc;
    ast_enum_value *values;
    const char *comment;
    int nvalues; /* set by the checker */
    const char *cname; /* set by the checker, as for columns */
    struct ast_enum *next;
} ast_enum;

/* sql DIALECT $$ ... $$: an object the language cannot express (a view,
 * a trigger, a function, a partitioning), carried verbatim for one
 * dialect: created after the tables, compared by check, kept by migrate.
 * The text holds no "$$", no NUL byte, and is valid UTF-8; loc runs from
 * "sql" to the closing "$$" (or the optional ';'). */
typedef struct ast_sqlblock {
    ast_loc loc;
    int dialect;        /* AST_D_* */
    const char *text;   /* the SQL between the $$, verbatim */
    const char *comment;
    struct ast_sqlblock *next;
} ast_sqlblock;

/* A top-level declaration, to keep enums and tables in source order. */
typedef struct ast_decl {
    ast_table *table; /* exactly one of table, enm, sql */
    ast_enum *enm;
    ast_sqlblock *sql;
    struct ast_decl *next;
} ast_decl;

/* A comment seen by the scanner, kept to be attached to declarations. */
typedef struct ast_comment {
    const char *text;  /* without the markers, trimmed */
    const char *raw;   /* as written, markers included */
    size_t rawlen;
    int line;          /* line of the comment's start */
    int end_line;
    bool trailing;     /* code precedes it on its first line */
    struct ast_comment *next;
} ast_comment;

typedef struct ast_schema {
    const char *name;   /* schema NAME; */
    ast_loc loc;
    /* schema NAME for DIALECT, ...;: the set of (1 << AST_D_*) the schema
     * is for, 0 when it is for every dialect (ast_schema_for()). */
    unsigned dialects;
    ast_decl *decls;
    ast_table *tables;
    ast_enum *enums;
    ast_sqlblock *sqlblocks;
    int ntables, nenums; /* set by the checker */
    /* Set by the checker: the tables in an order where each comes after
     * the tables its foreign keys reference (declaration order among
     * equals); a cycle is broken at the foreign keys marked below. */
    ast_table **creation_order;
    /* Where the parser's next table, enum and declaration go, so that
     * appending stays constant-time however long the file. */
    ast_table **tables_end;
    ast_enum **enums_end;
    ast_decl **decls_end;
} ast_schema;

typedef struct ast_diag {
    ast_loc loc;
    char *msg;
    int seq; /* order of report, for a stable sort */
    bool is_note;
} ast_diag;

/* Everything about one file being compiled. */
typedef struct ast_ctx {
    const char *filename;  /* as given on the command line */
    const char *src;       /* the whole file */
    size_t srclen;
    ast_schema *schema;    /* set by the parser, NULL before */
    ast_comment *comments; /* in source order */
    ast_comment *comments_tail;
    ast_diag *diags;
    int ndiags, capdiags;
    int nerrors;
    struct ast_pool *pool;
} ast_ctx;

/* Creates a context over src (which it copies). */
ast_ctx *ast_ctx_new(const char *filename, const char *src, size_t len);
void ast_ctx_free(ast_ctx *ctx);

/* Pool allocation: zeroed memory released with the context.  Aborts with a
 * message on exhaustion (the generator is a short-lived process). */
void *ast_alloc(ast_ctx *ctx, size_t size);
char *ast_strdup(ast_ctx *ctx, const char *s);

/* Room for a string of n bytes, its NUL at [n] and the n bytes before it
 * not cleared: for a caller that writes them all. */
char *ast_alloc_chars(ast_ctx *ctx, size_t n);

/* A point in the pool's history.  ast_pool_release frees everything
 * allocated after the mark was taken (which must not be used again), so
 * that an emitter can drop the text it made for one table before the
 * next. */
typedef struct ast_mark {
    struct ast_pool *chunk;
    size_t used;
    unsigned long long seq;
} ast_mark;

ast_mark ast_pool_mark(ast_ctx *ctx);
void ast_pool_release(ast_ctx *ctx, ast_mark m);
char *ast_strndup(ast_ctx *ctx, const char *s, size_t n);

/* Diagnostics: recorded on the context, printed sorted by position.  After
 * AST_MAX_ERRORS errors one "too many errors" error is recorded and the
 * rest (with their notes) are only counted in nerrors. */
#define AST_MAX_ERRORS 100

void ast_error(ast_ctx *ctx, const ast_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note attached to the previous error ("previous definition is here"). */
void ast_note(ast_ctx *ctx, const ast_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints every diagnostic as "file:line:col: error: msg", the source line
 * and a caret, sorted by position; returns the number of errors. */
int ast_print_diags(const ast_ctx *ctx, FILE *out);

/*
 * Parses ctx->src into ctx->schema.  Lexical and syntax errors are recorded
 * on ctx (parsing recovers at the next declaration or column, so one run
 * reports all of them).  Returns the number of errors; the schema may be
 * partial when that is non-zero.  Defined in grammar/.
 */
int ast_parse(ast_ctx *ctx);

/* Attaches the comments collected by the scanner to the declarations they
 * document: the comment lines directly above (no blank line between,
 * joined with "\n"), and for columns, items and enum values also a comment
 * at the end of their last line (after the one above, when both exist). */
void ast_attach_comments(ast_ctx *ctx);

/* A column modifier as the parser sees it, before it lands on the column. */
typedef enum ast_mod_kind {
    AST_MOD_PRIMARY_KEY,
    AST_MOD_AUTOINCREMENT,
    AST_MOD_NOT_NULL,
    AST_MOD_NULL,
    AST_MOD_UNIQUE,
    AST_MOD_DEFAULT,
    AST_MOD_REFERENCES,
    AST_MOD_CHECK,
    AST_MOD_RENAMED,
    AST_MOD_STORED,
    AST_MOD_BACKFILL,
    AST_MOD_USING,
    AST_MOD_COLLATE
} ast_mod_kind;

/* stored as ...: the format and the declared types, as parsed. */
typedef struct ast_storage {
    ast_format format;
    bool fixed_frac;  /* text(N) */
    int64_t frac;     /* N, when fixed_frac */
    const char *sql_type[AST_NDIALECTS];
} ast_storage;

typedef struct ast_modifier {
    ast_mod_kind kind;
    ast_loc loc;
    ast_literal *lit;  /* AST_MOD_DEFAULT */
    ast_ref *ref;      /* AST_MOD_REFERENCES */
    ast_expr *expr;    /* AST_MOD_CHECK, AST_MOD_BACKFILL, AST_MOD_USING */
    const char *name;  /* AST_MOD_RENAMED: the old name; AST_MOD_COLLATE */
    ast_storage storage; /* AST_MOD_STORED */
} ast_modifier;

/* Constructors, one per grammar action. */
ast_schema *ast_schema_new(ast_ctx *ctx, const ast_loc *loc, const char *name);
/* Whether schema s is for dialect d (AST_D_*): every schema without a
 * "for" clause is. */
bool ast_schema_for(const ast_schema *s, int d);
/* The only dialect (AST_D_*) schema s is for, or -1 when it is for more
 * than one. */
int ast_schema_only(const ast_schema *s);
/* The names of dialect d, "sqlite" or "postgresql", as the language
 * spells them. */
const char *ast_dialect_name(int d);
/* When the schema of ctx is not for dialect d, prints to stderr that it
 * is not, with what (e.g. "it has no postgresql DDL"), and returns true;
 * returns false when it is for d. */
bool ast_schema_refuses(const ast_ctx *ctx, int d, const char *what);
void ast_schema_add_table(ast_ctx *ctx, ast_schema *s, ast_table *t);
void ast_schema_add_enum(ast_ctx *ctx, ast_schema *s, ast_enum *e);
ast_enum *ast_enum_new(ast_ctx *ctx, const ast_loc *loc, const char *name,
                       const ast_loc *name_loc, ast_enum_value *values);
ast_enum_value *ast_enum_value_new(ast_ctx *ctx, const ast_loc *loc,
                                   const char *name);
ast_table *ast_table_new(ast_ctx *ctx, const ast_loc *loc, const char *name,
                         const ast_loc *name_loc);
void ast_table_add_column(ast_table *t, ast_column *c);
void ast_table_add_item(ast_table *t, ast_item *it);
ast_column *ast_column_new(ast_ctx *ctx, const ast_loc *loc, const char *name,
                           const ast_loc *name_loc, const ast_type *type);
ast_literal *ast_literal_new(ast_ctx *ctx, const ast_loc *loc,
                             ast_lit_kind kind, const char *text, size_t len);
ast_expr *ast_expr_new(ast_ctx *ctx, const ast_loc *loc, ast_expr_kind kind);
ast_name *ast_name_new(ast_ctx *ctx, const ast_loc *loc, const char *name);
ast_ref *ast_ref_new(ast_ctx *ctx, const ast_loc *loc, const char *table,
                     const ast_loc *table_loc, ast_name *cols);
ast_item *ast_item_new(ast_ctx *ctx, const ast_loc *loc, ast_item_kind kind);

/*
 * More constructors for the grammar.  The ones returning their first
 * argument let a left-recursive rule append and pass the node on.
 */
ast_type ast_type_make(ast_type_kind kind, const ast_loc *loc);
/* numeric(a) / numeric(a,b) / varchar(a): b is NULL when absent.  Digits
 * beyond INT64_MAX saturate (the checker reports the range). */
ast_type ast_type_sized(ast_type_kind kind, const ast_loc *loc,
                        const ast_literal *a, const ast_literal *b);
ast_type ast_type_named(ast_ctx *ctx, const ast_loc *loc, const char *name);
ast_table *ast_table_renamed(ast_ctx *ctx, ast_table *t, const char *old,
                             const ast_loc *old_loc);
/* Sets the table's full range and appends it to ctx->schema. */
void ast_table_end(ast_ctx *ctx, ast_table *t, const ast_loc *loc);
ast_enum *ast_enum_add_value(ast_ctx *ctx, ast_enum *e, const ast_loc *loc,
                             const char *name);
void ast_enum_end(ast_ctx *ctx, ast_enum *e, const ast_loc *loc);
ast_column *ast_column_add_modifier(ast_ctx *ctx, ast_column *c,
                                    const ast_modifier *m);
ast_modifier ast_mod_flag(ast_mod_kind kind, const ast_loc *loc);
ast_modifier ast_mod_default(const ast_loc *loc, ast_literal *lit);
/* default current_date: a now (AST_LIT_NOW) whose text is current_date,
 * PostgreSQL's CURRENT_DATE, the day of the session's time zone. */
bool ast_lit_current_date(const ast_literal *l);
ast_modifier ast_mod_ref(const ast_loc *loc, ast_ref *ref);
ast_modifier ast_mod_check(const ast_loc *loc, ast_expr *expr);
ast_modifier ast_mod_renamed(const ast_loc *loc, const char *old);
ast_modifier ast_mod_collate(const ast_loc *loc, const char *name);
/* backfill (expr), using (expr): kind is AST_MOD_BACKFILL or _USING. */
ast_modifier ast_mod_expr(ast_mod_kind kind, const ast_loc *loc,
                          ast_expr *expr);
/* -5 from 5: a new literal whose text carries the sign. */
ast_literal *ast_literal_negate(ast_ctx *ctx, const ast_loc *loc,
                                const ast_literal *lit);
ast_name *ast_name_append(ast_ctx *ctx, ast_name *list, const ast_loc *loc,
                          const char *name);
/* on delete (update == false) or on update ACTION, written from `from`
 * (the "on") to `to` (the action). */
ast_ref *ast_ref_action(ast_ref *r, const ast_loc *from, const ast_loc *to,
                        bool update, ast_action act);
ast_item *ast_item_cols(ast_ctx *ctx, const ast_loc *loc, ast_item_kind kind,
                        const char *name, const ast_loc *name_loc,
                        ast_name *cols);
ast_item *ast_item_fk(ast_ctx *ctx, const ast_loc *loc, ast_name *cols,
                      ast_ref *ref);
ast_item *ast_item_check(ast_ctx *ctx, const ast_loc *loc, ast_expr *e);
/* Gives a constraint its name: check NAME (...), foreign key NAME (...). */
ast_item *ast_item_named(ast_item *it, const char *name,
                         const ast_loc *name_loc);
/* (elems) [where (expr)]: an index's tail, completed by ast_item_index. */
ast_item *ast_index_tail(ast_ctx *ctx, const ast_loc *loc, ast_ielem *elems,
                         ast_expr *where);
/* [unique] index [name] [using method] TAIL: fills the tail's item in,
 * moving plain elements to cols. */
ast_item *ast_item_index(ast_ctx *ctx, ast_item *tail, const ast_loc *loc,
                         bool unique, const char *name,
                         const ast_loc *name_loc, const char *method);
ast_ielem *ast_ielem_new(ast_ctx *ctx, const ast_loc *loc, const char *column,
                         ast_expr *expr, const char *opclass);
ast_ielem *ast_ielem_append(ast_ielem *list, ast_ielem *e);
/* timestamp without time zone */
ast_type ast_type_local(const ast_loc *loc);
ast_table *ast_table_not_strict(ast_ctx *ctx, ast_table *t,
                                const ast_loc *loc);
/* stored as FORMAT, or text(frac) when frac is not NULL. */
ast_storage ast_storage_make(ast_format format, const ast_literal *frac);
/* stored as: format with the quoted types of types; each dialect's type once, a
 * second one an error at its place. */
ast_storage ast_storage_join(ast_ctx *ctx, const ast_storage *format,
                             const ast_storage *types);
/* types (NULL: none yet) with dialect d's quoted type t, given at loc. */
ast_storage ast_storage_type(ast_ctx *ctx, const ast_storage *types,
                             const ast_loc *loc, int d,
                             const ast_literal *t);
ast_modifier ast_mod_stored(const ast_loc *loc, const ast_storage *st);
/* deferrable [initially deferred], written at loc. */
ast_ref *ast_ref_deferrable(ast_ref *r, const ast_loc *loc, bool initially);
/* sql DIALECT $$text$$: appends the block to ctx->schema, in decls too. */
ast_sqlblock *ast_sqlblock_end(ast_ctx *ctx, const ast_loc *loc, int dialect,
                               const char *text);
ast_expr *ast_expr_lit(ast_ctx *ctx, const ast_loc *loc, ast_literal *lit);
ast_expr *ast_expr_column(ast_ctx *ctx, const ast_loc *loc, const char *name);
/* op is AST_OP_NEG or AST_OP_NOT. */
ast_expr *ast_expr_unary(ast_ctx *ctx, const ast_loc *loc, ast_op op,
                         ast_expr *e);
ast_expr *ast_expr_binary(ast_ctx *ctx, const ast_loc *loc, ast_op op,
                          ast_expr *lhs, ast_expr *rhs);
ast_expr *ast_expr_call(ast_ctx *ctx, const ast_loc *loc, const char *name,
                        ast_exprlist *args);
ast_expr *ast_expr_in(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                      bool negated, ast_exprlist *list);
ast_expr *ast_expr_isnull(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                          bool negated);
ast_expr *ast_expr_between(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                           bool negated, ast_expr *lo, ast_expr *hi);
/* lhs [not] like rhs: "not like" is built as not (lhs like rhs). */
ast_expr *ast_expr_like(ast_ctx *ctx, const ast_loc *loc, ast_expr *lhs,
                        bool negated, ast_expr *rhs);
ast_expr *ast_expr_paren(ast_ctx *ctx, const ast_loc *loc, ast_expr *e);
ast_exprlist *ast_exprlist_append(ast_ctx *ctx, ast_exprlist *list,
                                  ast_expr *e);

/* Text helpers shared by the checker and emitters. */
const char *ast_type_name(ast_type_kind k);
/* The table item "primary key (...)" of t, or NULL (a key given as a
 * column modifier has none). */
const ast_item *ast_table_pk_item(const ast_table *t);
/* True when name is a keyword of the language or reserved in SQL, so
 * emitted SQL must quote it.  (The emitters quote every name anyway; this
 * is for messages and for C names that collide with C keywords.) */
bool ast_is_sql_keyword(const char *name);
bool ast_is_c_keyword(const char *name);
/* True when name is a word of the schema language (table, stored...). */
bool ast_is_keyword(const char *name);
/* True when name is written without quotes in a .schema: an ASCII
 * identifier [A-Za-z_][A-Za-z0-9_]*. */
bool ast_is_plain_name(const char *name);
/* How a name is written in a .schema: as it is when plain (and, with
 * no_keyword, not a word of the language), else in double quotes with
 * "" for a quote.  Returns name itself or a string in the pool. */
const char *ast_name_spelling(ast_ctx *ctx, const char *name,
                              bool no_keyword);
/* How an enum label is written: as it is when plain, else as a string
 * literal, 'PG-13', with '' for a quote. */
const char *ast_label_spelling(ast_ctx *ctx, const char *label);
#endif /* SCHEMAC_AST_H */
