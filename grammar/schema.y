/*
 * schema.y - the grammar of .schema files.
 *
 * Each action is one call to a constructor from ast.h; the grammar checks
 * no meaning (that is check.c's job).  Syntax errors are worded here, in
 * yyreport_syntax_error, from the tokens the parser expected, so that
 * messages read in the language's words ("expected ';' or a column
 * modifier") and closing errors name their opener.  Error recovery resumes
 * at the next ';' or '}' inside a table or enum, and at the next table,
 * enum or sql block at top level, so one run reports every error of a
 * file.
 *
 * Every keyword is also a name, and a quoted name ("Unit Price", "not")
 * is a name that is never a keyword.  Where a keyword could begin both a name and
 * a construct (a column named "primary" against the item "primary key
 * (...)", a column named "index" against "index name (...)"), the rules are
 * written flat so the parser decides on the token after, never before.
 * The limits that remain, all forced by the language itself:
 *   - a column's type, when it names an enum, cannot be one of the words
 *     that begin a column modifier (primary, autoincrement, not, null,
 *     unique, default, references, check, renamed, stored, backfill,
 *     collate):
 *     "x not null"
 *     must stay a column whose type is missing;
 *   - after "default", true, false, null and now are literals, never enum
 *     values of those names;
 *   - inside check (...), the words of expressions (not, null, true, false,
 *     now, and, or, in, is, like, between) cannot name columns;
 *   - the name of a constraint or unique index cannot be one of those
 *     modifier words, nor index, numeric or varchar ("primary key unique"
 *     is a column "primary" of type "key"), and an index method is no
 *     keyword at all ("index using unique" is a column of type "using");
 *   - "using" before a '(' is the column modifier using (expr) (the
 *     scanner tells it by the '(' that follows), so it names no
 *     constraint there: "primary key using (a)" is refused (a plain
 *     index and a referenced table may still be called "using").
 * Each of these names may still be written quoted.
 */

%code requires {
#include "ast.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%code provides {
/*
 * What the scanner remembers between tokens, for locations, comments and
 * the wording of syntax errors.  Shared by schema.l and schema.y only.
 */
#define LEX_MAX_OPEN 32

/* An open '{' or '(' not yet closed. */
struct lex_open {
    int kind;          /* T_LBRACE or T_LPAREN */
    const char *what;  /* "table" or "enum" for a declaration's brace */
    const char *name;  /* the declared name, when known */
    ast_loc loc;       /* of the declaration keyword, else of the bracket */
};

struct lex_state {
    ast_ctx *ctx;
    int line, col;         /* position of the next byte */
    int code_line;         /* line where the last token ended, 0: none */
    int bad_line, bad_col; /* just past the last invalid byte reported */

    /* The current token (the parser's lookahead) and the one before.  The
     * statement and bracket tracking below lags one token behind, so that
     * when the lookahead is in error they describe what came before it. */
    int tok_kind, prev_kind;
    const char *tok_text;
    ast_loc tok_loc, prev_loc;

    /* The statement being read: its first token, for messages. */
    bool stmt_next;
    int stmt_kind;
    const char *stmt_text;
    ast_loc stmt_loc;

    /* A "table" or "enum" keyword at top level waiting for its '{'. */
    const char *decl_what;
    const char *decl_name;
    ast_loc decl_loc;

    struct lex_open open[LEX_MAX_OPEN];
    int nopen, nlost; /* nlost: pushes beyond LEX_MAX_OPEN */

    bool eof_error; /* an unterminated comment ran to the end of file */

    /* The token whose effect on the tracking above is still to come. */
    int pend_kind;
    const char *pend_text;
    ast_loc pend_loc;
};

int schema_scan(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
}

%code {
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* A parser stack deeper than its first block comes from the funnel. */
#define YYMALLOC mem_alloc
#define YYFREE free

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
static void yyerror(const YYLTYPE *loc, ast_ctx *ctx, yyscan_t scanner,
                    const char *msg);
}

%define api.pure full
%define api.location.type {ast_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%parse-param {ast_ctx *ctx} {yyscan_t scanner}
%lex-param {yyscan_t scanner}

%union {
    const char *str;
    ast_literal *lit;
    ast_type type;
    ast_modifier mod;
    ast_column *col;
    ast_item *item;
    ast_table *table;
    ast_enum *enm;
    ast_ref *ref;
    ast_name *names;
    ast_expr *expr;
    ast_exprlist *exprs;
    ast_action act;
    ast_op op;
    ast_format fmt;
    ast_storage storage;
    ast_ielem *elems;
    int num;
    bool flag;
}

%token <str> T_IDENT "identifier"
%token <lit> T_NUMBER "number" T_DECIMAL "decimal number" T_STRING "string"

/* Keywords, T_SCHEMA to T_JSON in one run: the error messages rely on it. */
%token <str>
    T_SCHEMA "schema" T_TABLE "table" T_ENUM "enum" T_PRIMARY "primary"
    T_KEY "key" T_NOT "not" T_NULL "null" T_UNIQUE "unique"
    T_DEFAULT "default" T_REFERENCES "references" T_ON "on"
    T_DELETE "delete" T_UPDATE "update" T_CASCADE "cascade" T_SET "set"
    T_RESTRICT "restrict" T_NO "no" T_ACTION "action" T_CHECK "check"
    T_INDEX "index" T_FOREIGN "foreign" T_RENAMED "renamed" T_FROM "from"
    T_AUTOINCREMENT "autoincrement" T_TRUE "true" T_FALSE "false"
    T_NOW "now" T_AND "and" T_OR "or" T_IN "in" T_IS "is" T_LIKE "like"
    T_BETWEEN "between" T_STORED "stored" T_AS "as" T_REAL "real"
    T_INTEGER "integer" T_HEX "hex" T_SQLITE "sqlite"
    T_POSTGRESQL "postgresql" T_MARIADB "mariadb" T_MYSQL "mysql"
    T_STRICT "strict" T_DEFERRABLE "deferrable"
    T_INITIALLY "initially" T_DEFERRED "deferred" T_USING "using"
    T_WHERE "where" T_SQL "sql" T_BACKFILL "backfill" T_COLLATE "collate"
    T_FOR "for"
    T_USING_EXPR "using ("
    T_BOOL "bool" T_INT16 "int16" T_INT32 "int32" T_INT64 "int64"
    T_FLOAT32 "float32" T_FLOAT64 "float64" T_NUMERIC "numeric"
    T_VARCHAR "varchar" T_TEXT "text" T_BYTES "bytes" T_DATE "date"
    T_TIMESTAMP "timestamp" T_TIMESTAMP_LOCAL "timestamp without time zone"
    T_UUID "uuid" T_JSON "json"
%token <str> T_SQLTEXT "$$ block"

%token T_SEMI ";" T_COMMA "," T_LPAREN "(" T_RPAREN ")" T_LBRACE "{"
       T_RBRACE "}" T_EQ "=" T_NE "!=" T_LT "<" T_LE "<=" T_GT ">"
       T_GE ">=" T_PLUS "+" T_MINUS "-" T_STAR "*" T_SLASH "/"
       T_PERCENT "%" T_CONCAT "||"

%type <str> ident ref_table col_name index_name tname colref lit_ident cons_name
%type <str> kw_mod kw_lit kw_op kw_other kw_type label method
%type <lit> literal value_lit
%type <type> type
%type <mod> modifier
%type <col> column column_head
%type <item> item index_tail
%type <fmt> format
%type <storage> storage fspec stypes
%type <elems> ielems ielem
%type <expr> opt_where
%type <num> dialect dialects
%type <flag> deferrable
%type <table> table_start table_head table_body
%type <enm> enum_head enum_values
%type <ref> ref
%type <names> names
%type <expr> expr and_expr not_expr pred cat add mul unary primary
%type <exprs> exprs
%type <act> action
%type <op> cmp_op

%%

file
    : schema_decl decls
    ;

schema_decl
    : "schema" ident ";"        { ast_schema_new(ctx, &@$, $2); }
    | "schema" ident "for" dialects ";"
                        { ast_schema_new(ctx, &@$, $2)->dialects =
                              (unsigned)$4; }
    | error
    ;

decls
    : %empty
    | decls table
    | decls enum
    | decls sqlblock
    | decls error
    ;

/* ---- verbatim SQL --------------------------------------------------- */

sqlblock
    : "sql" dialect T_SQLTEXT opt_semi
                        { ast_sqlblock_end(ctx, &@$, $2, $3); }
    ;

dialect
    : "sqlite"                  { $$ = AST_D_SQLITE; }
    | "postgresql"              { $$ = AST_D_POSTGRESQL; }
    | "mariadb"                 { $$ = AST_D_MARIADB; }
    | "mysql"                   { $$ = AST_D_MARIADB; }
    ;

/* The dialects of "schema NAME for ...;", as a set of AST_D_* bits. */
dialects
    : dialect                   { $$ = 1 << $1; }
    | dialects "," dialect      { $$ = $1 | 1 << $3; }
    ;

/* ---- enums ---------------------------------------------------------- */

enum
    : enum_values opt_comma "}" opt_semi  { ast_enum_end(ctx, $1, &@$); }
    | enum_values error "}" opt_semi      { ast_enum_end(ctx, $1, &@$); }
    | enum_head error "}" opt_semi        { ast_enum_end(ctx, $1, &@$); }
    ;

enum_head
    : "enum" ident "{"          { $$ = ast_enum_new(ctx, &@$, $2, &@2, NULL); }
    ;

enum_values
    : enum_head label           { $$ = ast_enum_add_value(ctx, $1, &@2, $2); }
    | enum_values "," label     { $$ = ast_enum_add_value(ctx, $1, &@3, $3); }
    ;

/* A label is a name or, when it is not one, a string: 'PG-13'. */
label
    : ident
    | T_STRING                  { $$ = $1->text; }
    ;

opt_comma
    : %empty
    | ","
    ;

opt_semi
    : %empty
    | ";"
    ;

/* ---- tables --------------------------------------------------------- */

table
    : table_body "}" opt_semi        { ast_table_end(ctx, $1, &@$); }
    | table_body error "}" opt_semi  { ast_table_end(ctx, $1, &@$); }
    ;

table_start
    : "table" ident             { $$ = ast_table_new(ctx, &@$, $2, &@2); }
    ;

table_head
    : table_start "{"
    | table_start not_strict "{"
                                { $$ = ast_table_not_strict(ctx, $1, &@2); }
    | table_start "renamed" "from" ident "{"
                                { $$ = ast_table_renamed(ctx, $1, $4, &@4); }
    | table_start "renamed" "from" ident not_strict "{"
        { $$ = ast_table_not_strict(ctx, ast_table_renamed(ctx, $1, $4, &@4),
                                    &@5); }
    | table_start not_strict "renamed" "from" ident "{"
        { $$ = ast_table_renamed(ctx, ast_table_not_strict(ctx, $1, &@2),
                                 $5, &@5); }
    ;

not_strict
    : "not" "strict"
    ;

table_body
    : table_head
    | table_body column ";"     { ast_table_add_column($1, $2); $$ = $1; }
    | table_body item ";"       { ast_table_add_item($1, $2); $$ = $1; }
    | table_body error ";"
    ;

column
    : column_head
    | column modifier           { $$ = ast_column_add_modifier(ctx, $1, &$2); }
    ;

/* "primary", "foreign", "index", "unique" and "check" also begin table
 * items: their columns are spelled out so the type (or a '(', or a
 * constraint's name and its '(') settles which one it is. */
column_head
    : col_name type             { $$ = ast_column_new(ctx, &@$, $1, &@1, &$2); }
    | "primary" type            { $$ = ast_column_new(ctx, &@$, $1, &@1, &$2); }
    | "foreign" type            { $$ = ast_column_new(ctx, &@$, $1, &@1, &$2); }
    | "index" type              { $$ = ast_column_new(ctx, &@$, $1, &@1, &$2); }
    | "unique" type             { $$ = ast_column_new(ctx, &@$, $1, &@1, &$2); }
    | "check" type              { $$ = ast_column_new(ctx, &@$, $1, &@1, &$2); }
    ;

type
    : "bool"                    { $$ = ast_type_make(AST_T_BOOL, &@$); }
    | "int16"                   { $$ = ast_type_make(AST_T_INT16, &@$); }
    | "int32"                   { $$ = ast_type_make(AST_T_INT32, &@$); }
    | "int64"                   { $$ = ast_type_make(AST_T_INT64, &@$); }
    | "float32"                 { $$ = ast_type_make(AST_T_FLOAT32, &@$); }
    | "float64"                 { $$ = ast_type_make(AST_T_FLOAT64, &@$); }
    | "text"                    { $$ = ast_type_make(AST_T_TEXT, &@$); }
    | "bytes"                   { $$ = ast_type_make(AST_T_BYTES, &@$); }
    | "date"                    { $$ = ast_type_make(AST_T_DATE, &@$); }
    | "timestamp"               { $$ = ast_type_make(AST_T_TIMESTAMP, &@$); }
    | T_TIMESTAMP_LOCAL         { $$ = ast_type_local(&@$); }
    | "uuid"                    { $$ = ast_type_make(AST_T_UUID, &@$); }
    | "json"                    { $$ = ast_type_make(AST_T_JSON, &@$); }
    | "numeric" "(" T_NUMBER ")"
                        { $$ = ast_type_sized(AST_T_NUMERIC, &@$, $3, NULL); }
    | "numeric" "(" T_NUMBER "," T_NUMBER ")"
                        { $$ = ast_type_sized(AST_T_NUMERIC, &@$, $3, $5); }
    | "varchar" "(" T_NUMBER ")"
                        { $$ = ast_type_sized(AST_T_VARCHAR, &@$, $3, NULL); }
    | tname                     { $$ = ast_type_named(ctx, &@$, $1); }
    ;

modifier
    : "primary" "key"   { $$ = ast_mod_flag(AST_MOD_PRIMARY_KEY, &@$); }
    | "autoincrement"   { $$ = ast_mod_flag(AST_MOD_AUTOINCREMENT, &@$); }
    | "not" "null"      { $$ = ast_mod_flag(AST_MOD_NOT_NULL, &@$); }
    | "null"            { $$ = ast_mod_flag(AST_MOD_NULL, &@$); }
    | "unique"          { $$ = ast_mod_flag(AST_MOD_UNIQUE, &@$); }
    | "default" literal { $$ = ast_mod_default(&@$, $2); }
    | ref               { $$ = ast_mod_ref(&@$, $1); }
    | "check" "(" expr ")"      { $$ = ast_mod_check(&@$, $3); }
    | "renamed" "from" ident    { $$ = ast_mod_renamed(&@$, $3); }
    | "stored" "as" storage     { $$ = ast_mod_stored(&@$, &$3); }
    | "backfill" "(" expr ")"
                        { $$ = ast_mod_expr(AST_MOD_BACKFILL, &@$, $3); }
    | T_USING_EXPR "(" expr ")"
                        { $$ = ast_mod_expr(AST_MOD_USING, &@$, $3); }
    | "collate" ident   { $$ = ast_mod_collate(&@$, $2); }
    ;

/* stored as FORMAT [DIALECT 'T']..., or the types alone: each dialect
 * once, in any order (fmt writes them in the dialects' order). */
storage
    : fspec             { $$ = $1; }
    | fspec stypes      { $$ = ast_storage_join(ctx, &$1, &$2); }
    | stypes            { $$ = $1; }
    ;

stypes
    : dialect T_STRING  { $$ = ast_storage_type(ctx, NULL, &@1, $1, $2); }
    | stypes dialect T_STRING
                        { $$ = ast_storage_type(ctx, &$1, &@2, $2, $3); }
    ;

/* FORMAT, and text(N): a timestamp with always N fraction digits. */
fspec
    : format            { $$ = ast_storage_make($1, NULL); }
    | "text" "(" T_NUMBER ")"
                        { $$ = ast_storage_make(AST_FMT_TEXT, $3); }
    ;

format
    : "text"                    { $$ = AST_FMT_TEXT; }
    | "real"                    { $$ = AST_FMT_REAL; }
    | "integer"                 { $$ = AST_FMT_INTEGER; }
    | "hex"                     { $$ = AST_FMT_HEX; }
    ;

ref
    : "references" ref_table "(" names ")"
                        { $$ = ast_ref_new(ctx, &@$, $2, &@2, $4); }
    | ref "on" "delete" action
                        { $$ = ast_ref_action($1, &@2, &@4, false, $4); }
    | ref "on" "update" action
                        { $$ = ast_ref_action($1, &@2, &@4, true, $4); }
    | ref deferrable    { $$ = ast_ref_deferrable($1, &@2, $2); }
    ;

deferrable
    : "deferrable"                          { $$ = false; }
    | "deferrable" "initially" "deferred"   { $$ = true; }
    ;

action
    : "cascade"                 { $$ = AST_ACT_CASCADE; }
    | "set" "null"              { $$ = AST_ACT_SET_NULL; }
    | "set" "default"           { $$ = AST_ACT_SET_DEFAULT; }
    | "restrict"                { $$ = AST_ACT_RESTRICT; }
    | "no" "action"             { $$ = AST_ACT_NO_ACTION; }
    ;

literal
    : value_lit
    | "-" T_NUMBER              { $$ = ast_literal_negate(ctx, &@$, $2); }
    | "-" T_DECIMAL             { $$ = ast_literal_negate(ctx, &@$, $2); }
    | lit_ident
        { $$ = ast_literal_new(ctx, &@$, AST_LIT_IDENT, $1, strlen($1)); }
    ;

value_lit
    : T_NUMBER
    | T_DECIMAL
    | T_STRING
    | "true"    { $$ = ast_literal_new(ctx, &@$, AST_LIT_TRUE, "true", 4); }
    | "false"   { $$ = ast_literal_new(ctx, &@$, AST_LIT_FALSE, "false", 5); }
    | "null"    { $$ = ast_literal_new(ctx, &@$, AST_LIT_NULL, "null", 4); }
    | "now"     { $$ = ast_literal_new(ctx, &@$, AST_LIT_NOW, "now", 3); }
    ;

/* Items.  A constraint's name (cons_name) cannot be a word that begins
 * a column modifier, since "primary key unique" is a column "primary" of
 * type "key" that is unique; "index numeric (...)" and "index varchar
 * (...)" are spelled out because after "index numeric (" a number means
 * a column's type. */
item
    : "primary" "key" "(" names ")"
        { $$ = ast_item_cols(ctx, &@$, AST_ITEM_PRIMARY_KEY, NULL, NULL, $4); }
    | "primary" "key" cons_name "(" names ")"
        { $$ = ast_item_cols(ctx, &@$, AST_ITEM_PRIMARY_KEY, $3, &@3, $5); }
    | "unique" "(" names ")"
        { $$ = ast_item_cols(ctx, &@$, AST_ITEM_UNIQUE, NULL, NULL, $3); }
    | "unique" cons_name "(" names ")"
        { $$ = ast_item_cols(ctx, &@$, AST_ITEM_UNIQUE, $2, &@2, $4); }
    | "foreign" "key" "(" names ")" ref
        { $$ = ast_item_fk(ctx, &@$, $4, $6); }
    | "foreign" "key" cons_name "(" names ")" ref
        { $$ = ast_item_named(ast_item_fk(ctx, &@$, $5, $7), $3, &@3); }
    | "check" "(" expr ")"
        { $$ = ast_item_check(ctx, &@$, $3); }
    | "check" cons_name "(" expr ")"
        { $$ = ast_item_named(ast_item_check(ctx, &@$, $4), $2, &@2); }
    | "index" index_tail
        { $$ = ast_item_index(ctx, $2, &@$, false, NULL, NULL, NULL); }
    | "index" "using" method index_tail
        { $$ = ast_item_index(ctx, $4, &@$, false, NULL, NULL, $3); }
    | "index" index_name index_tail
        { $$ = ast_item_index(ctx, $3, &@$, false, $2, &@2, NULL); }
    | "index" index_name "using" method index_tail
        { $$ = ast_item_index(ctx, $5, &@$, false, $2, &@2, $4); }
    | "index" "numeric" index_tail
        { $$ = ast_item_index(ctx, $3, &@$, false, $2, &@2, NULL); }
    | "index" "numeric" "using" method index_tail
        { $$ = ast_item_index(ctx, $5, &@$, false, $2, &@2, $4); }
    | "index" "varchar" index_tail
        { $$ = ast_item_index(ctx, $3, &@$, false, $2, &@2, NULL); }
    | "index" "varchar" "using" method index_tail
        { $$ = ast_item_index(ctx, $5, &@$, false, $2, &@2, $4); }
    | "unique" "index" index_tail
        { $$ = ast_item_index(ctx, $3, &@$, true, NULL, NULL, NULL); }
    | "unique" "index" "using" method index_tail
        { $$ = ast_item_index(ctx, $5, &@$, true, NULL, NULL, $4); }
    | "unique" "index" cons_name index_tail
        { $$ = ast_item_index(ctx, $4, &@$, true, $3, &@3, NULL); }
    | "unique" "index" cons_name "using" method index_tail
        { $$ = ast_item_index(ctx, $6, &@$, true, $3, &@3, $5); }
    ;

/* btree, hash, gist, gin...: no keyword is one ("index using unique;"
 * is a column "index" of type "using"). */
method
    : T_IDENT
    ;

/* (elements) [where (expr)]: the part every index form ends with. */
index_tail
    : "(" ielems ")" opt_where
                        { $$ = ast_index_tail(ctx, &@$, $2, $4); }
    ;

ielems
    : ielem
    | ielems "," ielem          { $$ = ast_ielem_append($1, $3); }
    ;

/* A column or a parenthesized expression, and an operator class. */
ielem
    : ident             { $$ = ast_ielem_new(ctx, &@$, $1, NULL, NULL); }
    | ident ident       { $$ = ast_ielem_new(ctx, &@$, $1, NULL, $2); }
    | "(" expr ")"      { $$ = ast_ielem_new(ctx, &@$, NULL, $2, NULL); }
    | "(" expr ")" ident
                        { $$ = ast_ielem_new(ctx, &@$, NULL, $2, $4); }
    ;

opt_where
    : %empty                    { $$ = NULL; }
    | "where" "(" expr ")"      { $$ = $3; }
    ;

names
    : ident                     { $$ = ast_name_new(ctx, &@1, $1); }
    | names "," ident           { $$ = ast_name_append(ctx, $1, &@3, $3); }
    ;

/* ---- expressions, loosest first ------------------------------------- */

expr
    : and_expr
    | expr "or" and_expr
                { $$ = ast_expr_binary(ctx, &@$, AST_OP_OR, $1, $3); }
    ;

and_expr
    : not_expr
    | and_expr "and" not_expr
                { $$ = ast_expr_binary(ctx, &@$, AST_OP_AND, $1, $3); }
    ;

not_expr
    : pred
    | "not" not_expr    { $$ = ast_expr_unary(ctx, &@$, AST_OP_NOT, $2); }
    ;

/* Comparisons do not chain: "a < b < c" is an error, as in SQL. */
pred
    : cat
    | cat cmp_op cat    { $$ = ast_expr_binary(ctx, &@$, $2, $1, $3); }
    | cat "like" cat    { $$ = ast_expr_like(ctx, &@$, $1, false, $3); }
    | cat "not" "like" cat
                        { $$ = ast_expr_like(ctx, &@$, $1, true, $4); }
    | cat "in" "(" exprs ")"
                        { $$ = ast_expr_in(ctx, &@$, $1, false, $4); }
    | cat "not" "in" "(" exprs ")"
                        { $$ = ast_expr_in(ctx, &@$, $1, true, $5); }
    | cat "is" "null"   { $$ = ast_expr_isnull(ctx, &@$, $1, false); }
    | cat "is" "not" "null"
                        { $$ = ast_expr_isnull(ctx, &@$, $1, true); }
    | cat "between" cat "and" cat
                { $$ = ast_expr_between(ctx, &@$, $1, false, $3, $5); }
    | cat "not" "between" cat "and" cat
                { $$ = ast_expr_between(ctx, &@$, $1, true, $4, $6); }
    ;

cmp_op
    : "="       { $$ = AST_OP_EQ; }
    | "!="      { $$ = AST_OP_NE; }
    | "<"       { $$ = AST_OP_LT; }
    | "<="      { $$ = AST_OP_LE; }
    | ">"       { $$ = AST_OP_GT; }
    | ">="      { $$ = AST_OP_GE; }
    ;

cat
    : add
    | cat "||" add  { $$ = ast_expr_binary(ctx, &@$, AST_OP_CONCAT, $1, $3); }
    ;

add
    : mul
    | add "+" mul   { $$ = ast_expr_binary(ctx, &@$, AST_OP_ADD, $1, $3); }
    | add "-" mul   { $$ = ast_expr_binary(ctx, &@$, AST_OP_SUB, $1, $3); }
    ;

mul
    : unary
    | mul "*" unary { $$ = ast_expr_binary(ctx, &@$, AST_OP_MUL, $1, $3); }
    | mul "/" unary { $$ = ast_expr_binary(ctx, &@$, AST_OP_DIV, $1, $3); }
    | mul "%" unary { $$ = ast_expr_binary(ctx, &@$, AST_OP_MOD, $1, $3); }
    ;

unary
    : primary
    | "-" unary     { $$ = ast_expr_unary(ctx, &@$, AST_OP_NEG, $2); }
    ;

primary
    : value_lit                 { $$ = ast_expr_lit(ctx, &@$, $1); }
    | colref                    { $$ = ast_expr_column(ctx, &@$, $1); }
    | colref "(" ")"            { $$ = ast_expr_call(ctx, &@$, $1, NULL); }
    | colref "(" exprs ")"      { $$ = ast_expr_call(ctx, &@$, $1, $3); }
    | "(" expr ")"              { $$ = ast_expr_paren(ctx, &@$, $2); }
    ;

exprs
    : expr                      { $$ = ast_exprlist_append(ctx, NULL, $1); }
    | exprs "," expr            { $$ = ast_exprlist_append(ctx, $1, $3); }
    ;

/* ---- names: which keywords may stand where -------------------------- */

kw_mod
    : "autoincrement" | "unique" | "default" | "references" | "check"
    | "renamed" | "stored" | "backfill" | "collate"
    ;

kw_lit
    : "true" | "false" | "now"
    ;

kw_op
    : "and" | "or" | "in" | "is" | "like" | "between"
    ;

kw_other
    : "schema" | "table" | "enum" | "key" | "on" | "delete" | "update"
    | "cascade" | "set" | "restrict" | "no" | "action" | "from" | "as"
    | "real" | "integer" | "hex" | "sqlite" | "postgresql" | "mariadb"
    | "mysql" | "strict"
    | "deferrable" | "initially" | "deferred" | "using" | "where" | "sql"
    | "for"
    ;

/* The types, less numeric and varchar (which take a '('). */
kw_type
    : "bool" | "int16" | "int32" | "int64" | "float32" | "float64" | "text"
    | "bytes" | "date" | "timestamp" | "uuid" | "json"
    ;

ident
    : T_IDENT | kw_mod | kw_lit | kw_op | kw_other | kw_type | "numeric"
    | "varchar" | "primary" | "not" | "null" | "index" | "foreign"
    ;

/* A column's name where it opens a table element: see column_head. */
col_name
    : T_IDENT | "autoincrement" | "default" | "references" | "renamed"
    | "stored" | "backfill" | "collate" | kw_lit | kw_op | kw_other | kw_type
    | "numeric" | "varchar"
    | "not" | "null"
    ;

/* The name of a constraint, or of a unique index: see item. */
cons_name
    : T_IDENT | kw_lit | kw_op | kw_other | kw_type | "foreign"
    ;

/* The table of a reference: "using" before its '(' is a name here. */
ref_table
    : ident | T_USING_EXPR
    ;

index_name
    : T_USING_EXPR | T_IDENT | kw_mod | kw_lit | kw_op | kw_other | kw_type
    | "primary"
    | "not" | "null" | "index" | "foreign"
    ;

/* An enum used as a type: not a builtin, not a modifier's first word. */
tname
    : T_IDENT | kw_lit | kw_op | kw_other | "index" | "foreign"
    ;

/* A column in an expression: not a word of expressions. */
colref
    : T_IDENT | kw_mod | kw_other | kw_type | "numeric" | "varchar"
    | "primary" | "index" | "foreign"
    ;

/* An enum value after "default": true, false, null, now are literals. */
lit_ident
    : T_IDENT | kw_mod | kw_op | kw_other | kw_type | "numeric" | "varchar"
    | "primary" | "not" | "index" | "foreign"
    ;

%%

#define YY_DECL int schema_scan(YYSTYPE *yylval_param, \
                                YYLTYPE *yylloc_param, yyscan_t yyscanner)
#include "schema.lex.h"

/* ---- wording syntax errors ------------------------------------------ */

/* A set of expected token kinds. */
typedef struct want_set {
    bool on[YYNTOKENS];
} want_set;

static const yysymbol_kind_t modifier_syms[] = {
    YYSYMBOL_T_PRIMARY, YYSYMBOL_T_AUTOINCREMENT, YYSYMBOL_T_NOT,
    YYSYMBOL_T_NULL, YYSYMBOL_T_UNIQUE, YYSYMBOL_T_DEFAULT,
    YYSYMBOL_T_REFERENCES, YYSYMBOL_T_CHECK, YYSYMBOL_T_RENAMED,
    YYSYMBOL_T_STORED, YYSYMBOL_T_BACKFILL, YYSYMBOL_T_USING_EXPR,
    YYSYMBOL_T_COLLATE,
};

static const yysymbol_kind_t type_syms[] = {
    YYSYMBOL_T_BOOL, YYSYMBOL_T_INT16, YYSYMBOL_T_INT32, YYSYMBOL_T_INT64,
    YYSYMBOL_T_FLOAT32, YYSYMBOL_T_FLOAT64, YYSYMBOL_T_NUMERIC,
    YYSYMBOL_T_VARCHAR, YYSYMBOL_T_TEXT, YYSYMBOL_T_BYTES, YYSYMBOL_T_DATE,
    YYSYMBOL_T_TIMESTAMP, YYSYMBOL_T_TIMESTAMP_LOCAL, YYSYMBOL_T_UUID,
    YYSYMBOL_T_JSON,
};

static const yysymbol_kind_t operator_syms[] = {
    YYSYMBOL_T_EQ, YYSYMBOL_T_NE, YYSYMBOL_T_LT, YYSYMBOL_T_LE,
    YYSYMBOL_T_GT, YYSYMBOL_T_GE, YYSYMBOL_T_PLUS, YYSYMBOL_T_MINUS,
    YYSYMBOL_T_STAR, YYSYMBOL_T_SLASH, YYSYMBOL_T_PERCENT,
    YYSYMBOL_T_CONCAT, YYSYMBOL_T_AND, YYSYMBOL_T_OR, YYSYMBOL_T_LIKE,
    YYSYMBOL_T_IN, YYSYMBOL_T_IS, YYSYMBOL_T_BETWEEN, YYSYMBOL_T_NOT,
};

static const yysymbol_kind_t format_syms[] = {
    YYSYMBOL_T_TEXT, YYSYMBOL_T_REAL, YYSYMBOL_T_INTEGER, YYSYMBOL_T_HEX,
};

static const yysymbol_kind_t action_syms[] = {
    YYSYMBOL_T_CASCADE, YYSYMBOL_T_SET, YYSYMBOL_T_RESTRICT, YYSYMBOL_T_NO,
};

static const yysymbol_kind_t value_syms[] = {
    YYSYMBOL_T_NUMBER, YYSYMBOL_T_DECIMAL, YYSYMBOL_T_STRING,
    YYSYMBOL_T_TRUE, YYSYMBOL_T_FALSE, YYSYMBOL_T_NULL, YYSYMBOL_T_NOW,
    YYSYMBOL_T_MINUS, YYSYMBOL_T_LPAREN, YYSYMBOL_T_NOT,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is_word(yysymbol_kind_t k)
{
    return k == YYSYMBOL_T_IDENT ||
           (k >= YYSYMBOL_T_SCHEMA && k <= YYSYMBOL_T_JSON);
}

static bool want_all(const want_set *w, const yysymbol_kind_t *syms,
                     size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!w->on[syms[i]])
            return false;
    return true;
}

/* Where a type is due, every builtin and a name are expected, but not the
 * words that begin modifiers (which is how this differs from a name). */
static bool is_type_context(const want_set *w)
{
    return w->on[YYSYMBOL_T_IDENT] && !w->on[YYSYMBOL_T_NOT] &&
           want_all(w, type_syms, COUNT(type_syms));
}

static void want_clear(want_set *w, const yysymbol_kind_t *syms, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        w->on[syms[i]] = false;
}

static void want_clear_words(want_set *w)
{
    int k;

    for (k = 0; k < YYNTOKENS; k++)
        if (is_word((yysymbol_kind_t)k))
            w->on[k] = false;
}

/* A token as the user knows it: 'table', ';', identifier... */
static void describe_kind(char *buf, size_t size, yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_YYEOF: snprintf(buf, size, "end of file"); break;
    case YYSYMBOL_T_IDENT: snprintf(buf, size, "a name"); break;
    case YYSYMBOL_T_NUMBER: snprintf(buf, size, "a number"); break;
    case YYSYMBOL_T_DECIMAL: snprintf(buf, size, "a decimal number"); break;
    case YYSYMBOL_T_STRING: snprintf(buf, size, "a string"); break;
    case YYSYMBOL_T_SQLTEXT: snprintf(buf, size, "a $$ block"); break;
    default: snprintf(buf, size, "'%s'", yysymbol_name(k)); break;
    }
}

/* The lookahead, with its text where that helps. */
static void describe_token(char *buf, size_t size, yysymbol_kind_t k,
                           const struct lex_state *st)
{
    const char *text = st->tok_text != NULL ? st->tok_text : "";

    switch (k) {
    case YYSYMBOL_T_IDENT: snprintf(buf, size, "name \"%s\"", text); break;
    case YYSYMBOL_T_NUMBER:
    case YYSYMBOL_T_DECIMAL:
        snprintf(buf, size, "number %s", text);
        break;
    case YYSYMBOL_T_STRING: snprintf(buf, size, "string"); break;
    default: describe_kind(buf, size, k); break;
    }
}

/* A list of phrases joined as "a, b or c". */
typedef struct phrases {
    char text[8][96];
    int n;
} phrases;

static void phrase(phrases *p, const char *s)
{
    if (p->n < (int)COUNT(p->text)) {
        /* a phrase longer than its room is cut, on purpose */
        size_t n = strlen(s);

        if (n >= sizeof p->text[0])
            n = sizeof p->text[0] - 1;
        memcpy(p->text[p->n], s, n);
        p->text[p->n][n] = '\0';
    }
    p->n++;
}

static void join_phrases(char *buf, size_t size, const phrases *p)
{
    size_t off = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < p->n && off < size; i++) {
        const char *sep = i == 0 ? "" : i == p->n - 1 ? " or " : ", ";
        int n = snprintf(buf + off, size - off, "%s%s", sep, p->text[i]);

        if (n < 0)
            break;
        off += (size_t)n;
    }
}

static const struct lex_open *innermost(const struct lex_state *st, int kind,
                                        int skip)
{
    int i;

    if (st->nlost > 0)
        return NULL; /* the innermost ones were not kept */
    for (i = st->nopen - 1; i >= 0; i--)
        if (st->open[i].kind == kind && skip-- == 0)
            return &st->open[i];
    return NULL;
}

/* What a name stands for here: a column (or item) at the start of a table
 * element, an enum value inside an enum's braces, or just a name. */
static const char *name_phrase(const want_set *w, const struct lex_state *st)
{
    const struct lex_open *brace = innermost(st, T_LBRACE, 0);

    if (brace == NULL || brace->what == NULL ||
        innermost(st, T_LPAREN, 0) != NULL)
        return "a name";
    if (strcmp(brace->what, "enum") == 0)
        return "an enum value";
    if (w->on[YYSYMBOL_T_RBRACE])
        return "a column, a table item";
    return "a name";
}

/* Categories first as phrases, then the single tokens left over.  The
 * order of the tests matters: a place for a value also takes names, and a
 * place for a name also takes every keyword. */
static void summarize(const want_set *in, const struct lex_state *st,
                      phrases *out)
{
    want_set w = *in;
    phrases cat = { .n = 0 };
    bool cats_first = false;
    char buf[64];
    int k;

    if (w.on[YYSYMBOL_T_NUMBER] && w.on[YYSYMBOL_T_STRING]) {
        bool expr = w.on[YYSYMBOL_T_LPAREN];

        phrase(&cat, expr ? "an expression" : "a value");
        want_clear(&w, value_syms, COUNT(value_syms));
        want_clear_words(&w);
    }
    if (w.on[YYSYMBOL_T_IDENT] && w.on[YYSYMBOL_T_NOT]) {
        const char *what = name_phrase(&w, st);

        /* "a column, a table item or '}'": the phrases lead. */
        cats_first = strchr(what, ',') != NULL;
        phrase(&cat, what);
        want_clear_words(&w);
        if (strcmp(what, "an enum value") == 0)
            w.on[YYSYMBOL_T_STRING] = false; /* a label may be a string */
    }
    if (is_type_context(&w)) {
        phrase(&cat, "a type");
        want_clear_words(&w);
    }
    if (want_all(&w, modifier_syms, COUNT(modifier_syms))) {
        phrase(&cat, "a column modifier");
        want_clear(&w, modifier_syms, COUNT(modifier_syms));
    }
    if (want_all(&w, format_syms, COUNT(format_syms)) &&
        !w.on[YYSYMBOL_T_IDENT]) {
        phrase(&cat, "a format (text, real, integer or hex)");
        want_clear(&w, format_syms, COUNT(format_syms));
    }
    if (want_all(&w, action_syms, COUNT(action_syms))) {
        phrase(&cat, "cascade, restrict, set null, set default or no action");
        want_clear(&w, action_syms, COUNT(action_syms));
    }
    if (w.on[YYSYMBOL_T_PLUS] && w.on[YYSYMBOL_T_AND]) {
        phrase(&cat, "an operator");
        want_clear(&w, operator_syms, COUNT(operator_syms));
        w.on[YYSYMBOL_T_LPAREN] = false; /* a call: not what was meant */
    }
    if (w.on[YYSYMBOL_T_IDENT]) {
        phrase(&cat, "a name");
        want_clear_words(&w);
    }
    for (k = 0; cats_first && k < cat.n && k < (int)COUNT(cat.text); k++)
        phrase(out, cat.text[k]);
    for (k = 0; k < YYNTOKENS; k++) {
        if (w.on[k] && k != YYSYMBOL_YYerror && k != YYSYMBOL_YYUNDEF &&
            k != YYSYMBOL_YYEOF) {
            describe_kind(buf, sizeof buf, (yysymbol_kind_t)k);
            phrase(out, buf);
        }
    }
    for (k = 0; !cats_first && k < cat.n && k < (int)COUNT(cat.text); k++)
        phrase(out, cat.text[k]);
}

static void describe_opener(char *buf, size_t size, const struct lex_open *o)
{
    const char *bracket = o->kind == T_LBRACE ? "{" : "(";

    if (o->what != NULL && o->name != NULL)
        snprintf(buf, size, "%s \"%s\" opened at %d:%d", o->what, o->name,
                 o->loc.first_line, o->loc.first_column);
    else
        snprintf(buf, size, "'%s' opened at %d:%d", bracket,
                 o->loc.first_line, o->loc.first_column);
}

/* Where a missing ';' belongs: right after the previous token. */
static ast_loc after_prev(const struct lex_state *st)
{
    ast_loc loc;

    loc.first_line = loc.last_line = st->prev_loc.last_line;
    loc.first_column = loc.last_column = st->prev_loc.last_column;
    return loc;
}

/* "after column "x"", "after the index"...: what the ';' ends. */
static bool statement_name(char *buf, size_t size, const want_set *w,
                           const struct lex_state *st)
{
    static const struct {
        int kind;
        const char *name;
    } items[] = {
        { T_PRIMARY, "the primary key" },
        { T_UNIQUE, "the unique constraint" },
        { T_INDEX, "the index" },
        { T_FOREIGN, "the foreign key" },
        { T_CHECK, "the check constraint" },
    };
    size_t i;

    if (want_all(w, modifier_syms, COUNT(modifier_syms))) {
        snprintf(buf, size, "column \"%s\"", st->stmt_text);
        return true;
    }
    if (st->stmt_kind == T_SCHEMA) {
        snprintf(buf, size, "the schema declaration");
        return true;
    }
    for (i = 0; i < COUNT(items); i++) {
        if (st->stmt_kind == items[i].kind) {
            snprintf(buf, size, "%s", items[i].name);
            return true;
        }
    }
    return false;
}

/* The special cases, each clearer than the general message.  Returns false
 * when none applies. */
static bool special_error(ast_ctx *ctx, const struct lex_state *st,
                          yysymbol_kind_t la, const ast_loc *at,
                          const want_set *w, int nwant)
{
    const struct lex_open *o;
    char what[160];
    ast_loc loc;

    if (nwant == 1 && w->on[YYSYMBOL_T_SCHEMA]) {
        ast_error(ctx, at, "missing schema declaration: the file must "
                  "begin with \"schema NAME;\"");
        return true;
    }
    o = innermost(st, T_LBRACE, 0);
    /* "sql DIALECT $$": the start of a block, read as a column because
     * the brace before it was never closed. */
    if (o != NULL && la == YYSYMBOL_T_SQLTEXT && st->stmt_kind == T_SQL) {
        describe_opener(what, sizeof what, o);
        ast_error(ctx, &st->stmt_loc, "expected '}' to close %s", what);
        return true;
    }
    if (o != NULL && (la == YYSYMBOL_T_LBRACE ||
                      (w->on[YYSYMBOL_T_RBRACE] &&
                       (la == YYSYMBOL_YYEOF || la == YYSYMBOL_T_TABLE ||
                        la == YYSYMBOL_T_ENUM)))) {
        describe_opener(what, sizeof what, o);
        loc = la == YYSYMBOL_T_LBRACE ? st->stmt_loc : *at;
        ast_error(ctx, &loc, "expected '}' to close %s", what);
        return true;
    }
    o = innermost(st, T_LPAREN, 0);
    if (o != NULL && w->on[YYSYMBOL_T_RPAREN] &&
        (la == YYSYMBOL_T_SEMI || la == YYSYMBOL_T_RBRACE ||
         la == YYSYMBOL_YYEOF)) {
        describe_opener(what, sizeof what, o);
        ast_error(ctx, at, "expected ')' to close %s", what);
        return true;
    }
    if (w->on[YYSYMBOL_T_SEMI] && la != YYSYMBOL_YYEOF &&
        !w->on[YYSYMBOL_T_TABLE] && !w->on[YYSYMBOL_T_IDENT] &&
        at->first_line > st->prev_loc.last_line &&
        statement_name(what, sizeof what, w, st)) {
        loc = after_prev(st);
        ast_error(ctx, &loc, "expected ';' after %s", what);
        return true;
    }
    if (is_type_context(w) && !w->on[YYSYMBOL_T_LPAREN] &&
        !w->on[YYSYMBOL_T_SEMI] && st->stmt_text != NULL) {
        char tok[128];

        describe_token(tok, sizeof tok, la, st);
        ast_error(ctx, at, "unexpected %s, expected the type of column "
                  "\"%s\"", tok, st->stmt_text);
        return true;
    }
    return false;
}

static int yyreport_syntax_error(const yypcontext_t *pc, ast_ctx *ctx,
                                 yyscan_t scanner)
{
    const struct lex_state *st = yyget_extra(scanner);
    yysymbol_kind_t exp[YYNTOKENS];
    yysymbol_kind_t la = yypcontext_token(pc);
    const ast_loc *at = yypcontext_location(pc);
    want_set w;
    phrases p = { .n = 0 };
    char tok[128], list[512];
    int i, n;

    /* The end of file came early because of a reported lexical error: a
     * message about what the file lacks would only repeat it. */
    if (la == YYSYMBOL_YYEOF && st->eof_error)
        return 0;
    n = yypcontext_expected_tokens(pc, exp, YYNTOKENS);
    if (n < 0)
        return n;
    memset(&w, 0, sizeof w);
    for (i = 0; i < n; i++)
        w.on[exp[i]] = true;
    if (special_error(ctx, st, la, at, &w, n))
        return 0;
    describe_token(tok, sizeof tok, la, st);
    summarize(&w, st, &p);
    if (p.n == 0 || p.n > 6) {
        ast_error(ctx, at, "unexpected %s", tok);
        return 0;
    }
    join_phrases(list, sizeof list, &p);
    ast_error(ctx, at, "unexpected %s, expected %s", tok, list);
    return 0;
}

/* Only for the parser's own failures; syntax errors go through
 * yyreport_syntax_error. */
static void yyerror(const YYLTYPE *loc, ast_ctx *ctx, yyscan_t scanner,
                    const char *msg)
{
    (void)scanner;
    if (strcmp(msg, "memory exhausted") == 0)
        msg = "check expression nested too deeply";
    ast_error(ctx, loc, "%s", msg);
}

/* Stops reading once the context has given up on errors. */
static int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner)
{
    struct lex_state *st = yyget_extra(scanner);

    if (st->ctx->nerrors > AST_MAX_ERRORS) {
        *lloc = st->tok_loc;
        return YYEOF;
    }
    return schema_scan(lval, lloc, scanner);
}

int ast_parse(ast_ctx *ctx)
{
    struct lex_state st;
    yyscan_t scanner;
    YY_BUFFER_STATE buf;
    const char *src = ctx->src;
    size_t len = ctx->srclen;

    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.line = st.col = 1;
    st.stmt_next = true;
    st.tok_loc.first_line = st.tok_loc.last_line = 1;
    st.tok_loc.first_column = st.tok_loc.last_column = 1;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
        src += 3;
        len -= 3;
    }
    if (len > INT_MAX / 2 || yylex_init_extra(&st, &scanner) != 0) {
        ast_error(ctx, NULL, "file too large to read");
        return ctx->nerrors;
    }
    buf = yy_scan_bytes(src, (int)len, scanner);
    yyparse(ctx, scanner);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return ctx->nerrors;
}
