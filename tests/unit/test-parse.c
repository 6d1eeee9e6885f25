/*
 * test-parse.c - the scanner, the parser and the tree they build.
 *
 * Each table below is a list of inputs with what the tree (or the printed
 * diagnostics) must hold, run with tcase_add_loop_test: types with their
 * sizes, every column modifier, literals of every kind, check expressions
 * (printed back fully parenthesized to show precedence), table items,
 * enums, keywords used as names, comments, locations, and the exact text
 * of lexical and syntax errors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "symtab.h"
#include "utf8.h"

/* ---- helpers -------------------------------------------------------- */

static ast_ctx *parse_n(const char *src, size_t len)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", src, len);

    ck_assert_ptr_nonnull(ctx);
    ast_parse(ctx);
    ast_attach_comments(ctx);
    return ctx;
}

static ast_ctx *parse(const char *src)
{
    return parse_n(src, strlen(src));
}

/* The diagnostics as printed, in a malloc'd string. */
static char *diags_of(const ast_ctx *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    ast_print_diags(ctx, f);
    fclose(f);
    return buf;
}

/* Parses src, which must be free of errors. */
static ast_ctx *parse_ok(const char *src)
{
    ast_ctx *ctx = parse(src);

    if (ctx->nerrors != 0) {
        char *d = diags_of(ctx);

        ck_abort_msg("unexpected errors for:\n%s\n%s", src, d);
    }
    ck_assert_ptr_nonnull(ctx->schema);
    return ctx;
}

/* The one column of "schema s; table t { COLUMN; }". */
static ast_column *one_column(ast_ctx **ctx, const char *column)
{
    char src[512];

    snprintf(src, sizeof src, "schema s;\ntable t {\n    %s;\n}\n", column);
    *ctx = parse_ok(src);
    ck_assert_ptr_nonnull((*ctx)->schema->tables);
    ck_assert_ptr_nonnull((*ctx)->schema->tables->columns);
    return (*ctx)->schema->tables->columns;
}

static bool given(ast_loc loc)
{
    return loc.first_line != 0;
}

static const char *op_text(ast_op op)
{
    static const char *const ops[] = {
        "or",   "and", "not", "=", "!=", "<", "<=", ">",   ">=",
        "like", "+",   "-",   "*", "/",  "%", "||", "neg",
    };

    return ops[op - AST_OP_OR];
}

/* Appends s to the string in out, cut to fit size bytes. */
static void put(char *out, size_t size, const char *s)
{
    size_t n = strlen(out), k = strlen(s);

    if (n + 1 >= size)
        return;
    if (k > size - n - 1)
        k = size - n - 1;
    memcpy(out + n, s, k);
    out[n + k] = '\0';
}

static void expr_text(const ast_expr *e, char *out, size_t size);

static void list_text(const ast_exprlist *l, char *out, size_t size)
{
    for (; l != NULL; l = l->next) {
        expr_text(l->expr, out, size);
        if (l->next != NULL)
            put(out, size, ", ");
    }
}

static void lit_text(const ast_literal *l, char *out, size_t size)
{
    static const char *const kinds[] = {
        "int", "dec", "str", "true", "false", "null", "now", "id",
    };
    char buf[128];

    snprintf(buf, sizeof buf, "%s:%.*s", kinds[l->kind], (int)l->len, l->text);
    put(out, size, buf);
}

/* A check expression written back with every node parenthesized. */
static void expr_text(const ast_expr *e, char *out, size_t size)
{
    switch (e->kind) {
    case AST_E_LITERAL:
        lit_text(e->lit, out, size);
        break;
    case AST_E_COLUMN:
        put(out, size, e->name);
        break;
    case AST_E_UNARY:
        put(out, size, "(");
        put(out, size, op_text(e->op));
        put(out, size, " ");
        expr_text(e->lhs, out, size);
        put(out, size, ")");
        break;
    case AST_E_BINARY:
        put(out, size, "(");
        expr_text(e->lhs, out, size);
        put(out, size, " ");
        put(out, size, op_text(e->op));
        put(out, size, " ");
        expr_text(e->rhs, out, size);
        put(out, size, ")");
        break;
    case AST_E_CALL:
        put(out, size, e->name);
        put(out, size, "(");
        list_text(e->args, out, size);
        put(out, size, ")");
        break;
    case AST_E_IN:
        put(out, size, "(");
        expr_text(e->lhs, out, size);
        put(out, size, e->negated ? " not in [" : " in [");
        list_text(e->args, out, size);
        put(out, size, "])");
        break;
    case AST_E_ISNULL:
        put(out, size, "(");
        expr_text(e->lhs, out, size);
        put(out, size, e->negated ? " is not null)" : " is null)");
        break;
    case AST_E_BETWEEN:
        put(out, size, "(");
        expr_text(e->lhs, out, size);
        put(out, size, e->negated ? " not between " : " between ");
        expr_text(e->args->expr, out, size);
        put(out, size, " and ");
        expr_text(e->args->next->expr, out, size);
        put(out, size, ")");
        break;
    case AST_E_PAREN:
        put(out, size, "[");
        expr_text(e->lhs, out, size);
        put(out, size, "]");
        break;
    }
}

static void names_text(const ast_name *n, char *out, size_t size)
{
    out[0] = '\0';
    for (; n != NULL; n = n->next) {
        put(out, size, n->name);
        if (n->next != NULL)
            put(out, size, ",");
    }
}

/* ---- types ---------------------------------------------------------- */

static const struct {
    const char *column;
    ast_type_kind kind;
    int64_t a, b;
    bool has_b;
    const char *name;
} type_cases[] = {
    {"x bool", AST_T_BOOL, 0, 0, false, NULL},
    {"x int16", AST_T_INT16, 0, 0, false, NULL},
    {"x int32", AST_T_INT32, 0, 0, false, NULL},
    {"x int64", AST_T_INT64, 0, 0, false, NULL},
    {"x float32", AST_T_FLOAT32, 0, 0, false, NULL},
    {"x float64", AST_T_FLOAT64, 0, 0, false, NULL},
    {"x numeric(10,2)", AST_T_NUMERIC, 10, 2, true, NULL},
    {"x numeric( 38 , 0 )", AST_T_NUMERIC, 38, 0, true, NULL},
    {"x numeric(12)", AST_T_NUMERIC, 12, 0, false, NULL},
    {"x varchar(32)", AST_T_VARCHAR, 32, 0, false, NULL},
    {"x varchar(0)", AST_T_VARCHAR, 0, 0, false, NULL},
    {"x varchar(99999999999999999999999)", AST_T_VARCHAR, INT64_MAX, 0, false,
     NULL},
    {"x text", AST_T_TEXT, 0, 0, false, NULL},
    {"x bytes", AST_T_BYTES, 0, 0, false, NULL},
    {"x date", AST_T_DATE, 0, 0, false, NULL},
    {"x timestamp", AST_T_TIMESTAMP, 0, 0, false, NULL},
    {"x uuid", AST_T_UUID, 0, 0, false, NULL},
    {"x json", AST_T_JSON, 0, 0, false, NULL},
    {"x level", AST_T_NAMED, 0, 0, false, "level"},
    {"x key", AST_T_NAMED, 0, 0, false, "key"},
    {"x table", AST_T_NAMED, 0, 0, false, "table"},
    {"x order", AST_T_NAMED, 0, 0, false, "order"},
    {"x Int32", AST_T_NAMED, 0, 0, false, "Int32"},
};

START_TEST(test_types)
{
    ast_ctx *ctx;
    ast_column *c = one_column(&ctx, type_cases[_i].column);

    ck_assert_str_eq(c->name, "x");
    ck_assert_int_eq(c->type.kind, type_cases[_i].kind);
    ck_assert_int_eq(c->type.a, type_cases[_i].a);
    ck_assert_int_eq(c->type.b, type_cases[_i].b);
    ck_assert_int_eq(c->type.has_b, type_cases[_i].has_b);
    if (type_cases[_i].name != NULL)
        ck_assert_str_eq(c->type.name, type_cases[_i].name);
    else
        ck_assert_ptr_null(c->type.name);
    ck_assert_int_eq(c->type.loc.first_line, 3);
    ck_assert_int_eq(c->type.loc.first_column, 7);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- column modifiers ----------------------------------------------- */

enum {
    M_PK = 1,
    M_AI = 2,
    M_NN = 4,
    M_NULL = 8,
    M_UQ = 16,
    M_DEF = 32,
    M_REF = 64,
    M_CHECK = 128,
    M_REN = 256,
};

static const struct {
    const char *column;
    unsigned mods;
    const char *ref_table, *ref_cols;
    ast_action on_delete, on_update;
    const char *renamed, *check;
    int dups;
} mod_cases[] = {
    {"x int64 primary key autoincrement", M_PK | M_AI, NULL, NULL, 0, 0, NULL,
     NULL, 0},
    {"x text not null unique", M_NN | M_UQ, NULL, NULL, 0, 0, NULL, NULL, 0},
    {"x text unique not null", M_NN | M_UQ, NULL, NULL, 0, 0, NULL, NULL, 0},
    {"x text null", M_NULL, NULL, NULL, 0, 0, NULL, NULL, 0},
    {"x int32 default 5", M_DEF, NULL, NULL, 0, 0, NULL, NULL, 0},
    {"x int64 references users(id)", M_REF, "users", "id", AST_ACT_NONE,
     AST_ACT_NONE, NULL, NULL, 0},
    {"x int64 references t(a, b) on delete cascade", M_REF, "t", "a,b",
     AST_ACT_CASCADE, AST_ACT_NONE, NULL, NULL, 0},
    {"x int64 references t(a) on update restrict on delete set null", M_REF,
     "t", "a", AST_ACT_SET_NULL, AST_ACT_RESTRICT, NULL, NULL, 0},
    {"x int64 references t(a) on delete set default on update no action", M_REF,
     "t", "a", AST_ACT_SET_DEFAULT, AST_ACT_NO_ACTION, NULL, NULL, 0},
    {"x int64 not null references order(key) on delete cascade unique",
     M_NN | M_REF | M_UQ, "order", "key", AST_ACT_CASCADE, AST_ACT_NONE, NULL,
     NULL, 0},
    {"x int32 check (x > 0)", M_CHECK, NULL, NULL, 0, 0, NULL, "(x > int:0)",
     0},
    {"x text renamed from old_x", M_REN, NULL, NULL, 0, 0, "old_x", NULL, 0},
    {"x text renamed from table", M_REN, NULL, NULL, 0, 0, "table", NULL, 0},
    {"x int64 primary key autoincrement not null null unique default 1 "
     "references t(id) check (x <> 2) renamed from y",
     M_PK | M_AI | M_NN | M_NULL | M_UQ | M_DEF | M_REF | M_CHECK | M_REN, "t",
     "id", 0, 0, "y", "(x != int:2)", 0},
    /* Repeats are counted for the checker, not rejected here. */
    {"x text not null not null unique unique", M_NN | M_UQ, NULL, NULL, 0, 0,
     NULL, NULL, 2},
    {"x text default 'a' default 'b'", M_DEF, NULL, NULL, 0, 0, NULL, NULL, 1},
};

static void check_flags(const ast_column *c, unsigned m)
{
    ck_assert_int_eq(given(c->primary_key), (m & M_PK) != 0);
    ck_assert_int_eq(given(c->autoincrement), (m & M_AI) != 0);
    ck_assert_int_eq(given(c->not_null), (m & M_NN) != 0);
    ck_assert_int_eq(given(c->null_), (m & M_NULL) != 0);
    ck_assert_int_eq(given(c->unique), (m & M_UQ) != 0);
    ck_assert_int_eq(c->dflt != NULL, (m & M_DEF) != 0);
    ck_assert_int_eq(given(c->dflt_loc), (m & M_DEF) != 0);
    ck_assert_int_eq(c->ref != NULL, (m & M_REF) != 0);
    ck_assert_int_eq(c->check != NULL, (m & M_CHECK) != 0);
    ck_assert_int_eq(given(c->check_loc), (m & M_CHECK) != 0);
    ck_assert_int_eq(c->renamed_from != NULL, (m & M_REN) != 0);
}

START_TEST(test_modifiers)
{
    ast_ctx *ctx;
    ast_column *c = one_column(&ctx, mod_cases[_i].column);
    char buf[256] = "";

    check_flags(c, mod_cases[_i].mods);
    if (c->ref != NULL) {
        ck_assert_str_eq(c->ref->table, mod_cases[_i].ref_table);
        names_text(c->ref->cols, buf, sizeof buf);
        ck_assert_str_eq(buf, mod_cases[_i].ref_cols);
        ck_assert_int_eq(c->ref->on_delete, mod_cases[_i].on_delete);
        ck_assert_int_eq(c->ref->on_update, mod_cases[_i].on_update);
    }
    if (c->renamed_from != NULL)
        ck_assert_str_eq(c->renamed_from, mod_cases[_i].renamed);
    if (mod_cases[_i].check != NULL) {
        buf[0] = '\0';
        expr_text(c->check, buf, sizeof buf);
        ck_assert_str_eq(buf, mod_cases[_i].check);
    }
    ck_assert_int_eq(c->dup_modifiers, mod_cases[_i].dups);
    ck_assert_int_eq(given(c->dup_loc), mod_cases[_i].dups > 0);
    ast_ctx_free(ctx);
}
END_TEST

/* The modifiers' locations, and the column's range covering them all. */
START_TEST(test_modifier_locations)
{
    ast_ctx *ctx;
    ast_column *c = one_column(&ctx, "id int64 not null  primary key "
                                     "default 7 not null");

    ck_assert_int_eq(c->name_loc.first_column, 5);
    ck_assert_int_eq(c->not_null.first_column, 14);
    ck_assert_int_eq(c->not_null.last_column, 22);
    ck_assert_int_eq(c->primary_key.first_column, 24);
    ck_assert_int_eq(c->dflt_loc.first_column, 36);
    ck_assert_int_eq(c->dflt->loc.first_column, 44);
    ck_assert_int_eq(c->dup_loc.first_column, 46);
    ck_assert_str_eq(c->dup_name, "not null");
    ck_assert_int_eq(c->loc.first_column, 5);
    ck_assert_int_eq(c->loc.last_column, 54);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- default literals ----------------------------------------------- */

static const struct {
    const char *value;
    ast_lit_kind kind;
    const char *text;
    size_t len;
} lit_cases[] = {
    {"42", AST_LIT_INT, "42", 2},
    {"0", AST_LIT_INT, "0", 1},
    {"-7", AST_LIT_INT, "-7", 2},
    {"- 7", AST_LIT_INT, "-7", 2},
    {"12.50", AST_LIT_DECIMAL, "12.50", 5},
    {"-0.5", AST_LIT_DECIMAL, "-0.5", 4},
    {"'hello'", AST_LIT_STRING, "hello", 5},
    {"''", AST_LIT_STRING, "", 0},
    {"'it''s'", AST_LIT_STRING, "it's", 4},
    {"''''", AST_LIT_STRING, "'", 1},
    {"'최영선 😀'", AST_LIT_STRING, "최영선 😀", 14},
    {"'a // b /* c */'", AST_LIT_STRING, "a // b /* c */", 14},
    {"true", AST_LIT_TRUE, "true", 4},
    {"false", AST_LIT_FALSE, "false", 5},
    {"null", AST_LIT_NULL, "null", 4},
    {"now", AST_LIT_NOW, "now", 3},
    {"beginner", AST_LIT_IDENT, "beginner", 8},
    {"key", AST_LIT_IDENT, "key", 3},
    {"table", AST_LIT_IDENT, "table", 5},
    {"not", AST_LIT_IDENT, "not", 3},
};

START_TEST(test_literals)
{
    char column[128];
    ast_ctx *ctx;
    ast_column *c;

    snprintf(column, sizeof column, "x level default %s", lit_cases[_i].value);
    c = one_column(&ctx, column);
    ck_assert_ptr_nonnull(c->dflt);
    ck_assert_int_eq(c->dflt->kind, lit_cases[_i].kind);
    ck_assert_uint_eq(c->dflt->len, lit_cases[_i].len);
    ck_assert_mem_eq(c->dflt->text, lit_cases[_i].text, lit_cases[_i].len);
    ck_assert_int_eq(c->dflt->text[c->dflt->len], '\0');
    ck_assert_int_eq(c->dflt->loc.first_column, 21);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- check expressions ---------------------------------------------- */

static const struct {
    const char *expr, *want;
} expr_cases[] = {
    {"a", "a"},
    {"a >= 0 and a < 200", "((a >= int:0) and (a < int:200))"},
    {"a or b and c", "(a or (b and c))"},
    {"a and b or c", "((a and b) or c)"},
    {"not a = b", "(not (a = b))"},
    {"not not a", "(not (not a))"},
    {"a = b", "(a = b)"},
    {"a == b", "(a = b)"},
    {"a != b", "(a != b)"},
    {"a <> b", "(a != b)"},
    {"a <= b", "(a <= b)"},
    {"a > b", "(a > b)"},
    {"a + b * c", "(a + (b * c))"},
    {"a - b - c", "((a - b) - c)"},
    {"a * b / c % d", "(((a * b) / c) % d)"},
    {"-a * b", "((neg a) * b)"},
    {"- -1", "(neg (neg int:1))"},
    {"a || b + c", "(a || (b + c))"},
    {"a || b = c", "((a || b) = c)"},
    {"(a + b) * c", "([(a + b)] * c)"},
    {"a like 'x%'", "(a like str:x%)"},
    {"a not like 'x%'", "(not (a like str:x%))"},
    {"a in (1, 2, 3)", "(a in [int:1, int:2, int:3])"},
    {"a not in ('x')", "(a not in [str:x])"},
    {"a is null", "(a is null)"},
    {"a is not null or b", "((a is not null) or b)"},
    {"a between 1 and 2 and b", "((a between int:1 and int:2) and b)"},
    {"a not between 1 + 1 and 2 * 3",
     "(a not between (int:1 + int:1) and (int:2 * int:3))"},
    {"length(name) <= 32", "(length(name) <= int:32)"},
    {"coalesce(a, b, 0) > f()", "(coalesce(a, b, int:0) > f())"},
    {"a = true or b = false or c = null",
     "(((a = true:true) or (b = false:false)) or (c = null:null))"},
    {"t < now", "(t < now:now)"},
    {"x = 1.5", "(x = dec:1.5)"},
    {"order > 0 and key < 2 and table = 'x'",
     "(((order > int:0) and (key < int:2)) and (table = str:x))"},
    {"check > default + text", "(check > (default + text))"},
};

START_TEST(test_expressions)
{
    char column[256], buf[512] = "";
    ast_ctx *ctx;
    ast_column *c;

    snprintf(column, sizeof column, "x int32 check (%s)", expr_cases[_i].expr);
    c = one_column(&ctx, column);
    ck_assert_ptr_nonnull(c->check);
    expr_text(c->check, buf, sizeof buf);
    ck_assert_str_eq(buf, expr_cases[_i].want);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- table items ---------------------------------------------------- */

static const struct {
    const char *item;
    ast_item_kind kind;
    const char *name, *cols, *ref, *check;
} item_cases[] = {
    {"primary key (a, b)", AST_ITEM_PRIMARY_KEY, NULL, "a,b", NULL, NULL},
    {"unique (a)", AST_ITEM_UNIQUE, NULL, "a", NULL, NULL},
    {"unique (program_id, user_id)", AST_ITEM_UNIQUE, NULL,
     "program_id,user_id", NULL, NULL},
    {"index (user_id)", AST_ITEM_INDEX, NULL, "user_id", NULL, NULL},
    {"index ix_name (a, b)", AST_ITEM_INDEX, "ix_name", "a,b", NULL, NULL},
    {"index key (a)", AST_ITEM_INDEX, "key", "a", NULL, NULL},
    {"index index (a)", AST_ITEM_INDEX, "index", "a", NULL, NULL},
    {"index numeric (a)", AST_ITEM_INDEX, "numeric", "a", NULL, NULL},
    {"index varchar (a)", AST_ITEM_INDEX, "varchar", "a", NULL, NULL},
    {"index int64 (a)", AST_ITEM_INDEX, "int64", "a", NULL, NULL},
    {"index primary (a)", AST_ITEM_INDEX, "primary", "a", NULL, NULL},
    {"foreign key (a, b) references t(x, y)", AST_ITEM_FOREIGN_KEY, NULL, "a,b",
     "t:x,y", NULL},
    {"foreign key (a) references order(key) on delete set null",
     AST_ITEM_FOREIGN_KEY, NULL, "a", "order:key", NULL},
    {"check (a < b or b is null)", AST_ITEM_CHECK, NULL, "", NULL,
     "((a < b) or (b is null))"},
    {"primary key (order, group, user)", AST_ITEM_PRIMARY_KEY, NULL,
     "order,group,user", NULL, NULL},
};

START_TEST(test_items)
{
    char src[512], buf[256];
    ast_ctx *ctx;
    ast_item *it;

    snprintf(src, sizeof src,
             "schema s;\ntable t {\n    a int32;\n    %s;\n}\n",
             item_cases[_i].item);
    ctx = parse_ok(src);
    it = ctx->schema->tables->items;
    ck_assert_ptr_nonnull(it);
    ck_assert_ptr_null(it->next);
    ck_assert_int_eq(it->kind, item_cases[_i].kind);
    if (item_cases[_i].name != NULL) {
        ck_assert_str_eq(it->name, item_cases[_i].name);
        ck_assert_int_eq(it->name_loc.first_column, 11);
    } else {
        ck_assert_ptr_null(it->name);
    }
    names_text(it->cols, buf, sizeof buf);
    ck_assert_str_eq(buf, item_cases[_i].cols);
    if (item_cases[_i].ref != NULL) {
        char want[128];

        ck_assert_ptr_nonnull(it->ref);
        names_text(it->ref->cols, buf, sizeof buf);
        snprintf(want, sizeof want, "%s:", it->ref->table);
        put(want, sizeof want, buf);
        ck_assert_str_eq(want, item_cases[_i].ref);
    }
    if (item_cases[_i].check != NULL) {
        buf[0] = '\0';
        expr_text(it->check, buf, sizeof buf);
        ck_assert_str_eq(buf, item_cases[_i].check);
    }
    ck_assert_int_eq(it->loc.first_line, 4);
    ck_assert_int_eq(it->loc.first_column, 5);
    ck_assert_int_eq(ctx->schema->tables->columns->next == NULL, 1);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- enums ---------------------------------------------------------- */

static const struct {
    const char *decl, *name, *values;
} enum_cases[] = {
    {"enum level { beginner, intermediate, advanced }", "level",
     "beginner,intermediate,advanced"},
    {"enum level { a, b, }", "level", "a,b"},
    {"enum level { a };", "level", "a"},
    {"enum level {\n  a,\n  b,\n};", "level", "a,b"},
    {"enum key { table, enum, null, true, not, int32 }", "key",
     "table,enum,null,true,not,int32"},
};

START_TEST(test_enums)
{
    char src[256], buf[256] = "";
    ast_ctx *ctx;
    ast_enum *e;
    ast_enum_value *v;

    snprintf(src, sizeof src, "schema s;\n%s\n", enum_cases[_i].decl);
    ctx = parse_ok(src);
    e = ctx->schema->enums;
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->name, enum_cases[_i].name);
    ck_assert_int_eq(e->loc.first_line, 2);
    ck_assert_int_eq(e->name_loc.first_column, 6);
    for (v = e->values; v != NULL; v = v->next) {
        put(buf, sizeof buf, v->name);
        if (v->next != NULL)
            put(buf, sizeof buf, ",");
    }
    ck_assert_str_eq(buf, enum_cases[_i].values);
    ck_assert_ptr_eq(ctx->schema->decls->enm, e);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- every keyword as every kind of name ---------------------------- */

static const char *const keywords[] = {
    "schema", "table",   "enum",      "primary",    "key",     "not",
    "null",   "unique",  "default",   "references", "on",      "delete",
    "update", "cascade", "set",       "restrict",   "no",      "action",
    "check",  "index",   "foreign",   "renamed",    "from",    "autoincrement",
    "true",   "false",   "now",       "and",        "or",      "in",
    "is",     "like",    "between",   "bool",       "int16",   "int32",
    "int64",  "float32", "float64",   "numeric",    "varchar", "text",
    "bytes",  "date",    "timestamp", "uuid",       "json",    "order",
    "user",   "group",   "select",    "stored",     "as",      "real",
    "integer", "hex",    "sqlite",    "postgresql", "strict",  "deferrable",
    "initially", "deferred", "using", "where",      "sql",     "without",
    "time",   "zone",    "backfill",  "collate",
};

#define NKEYWORDS (int)(sizeof keywords / sizeof keywords[0])

START_TEST(test_keyword_names)
{
    const char *k = keywords[_i];
    char src[1024];
    ast_ctx *ctx;
    ast_schema *s;
    ast_table *t;
    ast_column *c;
    ast_item *it;

    snprintf(src, sizeof src,
             "schema %s;\n"
             "enum %s { %s, other_%s }\n"
             "table %s renamed from %s {\n"
             "    %s int64 not null references %s(%s) renamed from %s;\n"
             "    c text;\n"
             "    index %s (%s, c);\n"
             "    unique (%s);\n"
             "    primary key (%s);\n"
             "    foreign key (%s) references %s(%s);\n"
             "}\n",
             k, k, k, k, k, k, k, k, k, k, k, k, k, k, k, k, k);
    ctx = parse_ok(src);
    s = ctx->schema;
    ck_assert_str_eq(s->name, k);
    ck_assert_str_eq(s->enums->name, k);
    ck_assert_str_eq(s->enums->values->name, k);
    t = s->tables;
    ck_assert_str_eq(t->name, k);
    ck_assert_str_eq(t->renamed_from, k);
    c = t->columns;
    ck_assert_str_eq(c->name, k);
    ck_assert_int_eq(c->type.kind, AST_T_INT64);
    ck_assert(given(c->not_null));
    ck_assert_str_eq(c->ref->table, k);
    ck_assert_str_eq(c->ref->cols->name, k);
    ck_assert_str_eq(c->renamed_from, k);
    ck_assert_str_eq(c->next->name, "c");
    it = t->items;
    ck_assert_int_eq(it->kind, AST_ITEM_INDEX);
    ck_assert_str_eq(it->name, k);
    ck_assert_str_eq(it->cols->name, k);
    ck_assert_int_eq(it->next->kind, AST_ITEM_UNIQUE);
    ck_assert_int_eq(it->next->next->kind, AST_ITEM_PRIMARY_KEY);
    ck_assert_int_eq(it->next->next->next->kind, AST_ITEM_FOREIGN_KEY);
    ck_assert_str_eq(it->next->next->next->ref->table, k);
    ast_ctx_free(ctx);
}
END_TEST

/* backfill (expr) and using (expr) land on their column, in any order
 * with the other modifiers; "using" stays a name where no '(' follows
 * it, and names a plain index or a referenced table before one. */
START_TEST(test_migration_modifiers)
{
    ast_ctx *ctx = parse_ok(
        "schema s;\n"
        "table using {\n"
        "    id int64 primary key;\n"
        "    karma int64 not null backfill (0) default 1;\n"
        "    stars int32 using (length(name)) not null;\n"
        "    using int64 references using (id);\n"
        "    backfill text;\n"
        "    index using (karma);\n"
        "}\n");
    ast_column *c = ctx->schema->tables->columns->next;

    ck_assert_str_eq(c->name, "karma");
    ck_assert_ptr_nonnull(c->backfill);
    ck_assert_int_eq(c->backfill->kind, AST_E_LITERAL);
    ck_assert_str_eq(c->backfill->lit->text, "0");
    ck_assert(given(c->not_null));
    ck_assert_ptr_nonnull(c->dflt);
    ck_assert_ptr_null(c->using_);
    c = c->next;
    ck_assert_ptr_nonnull(c->using_);
    ck_assert_int_eq(c->using_->kind, AST_E_CALL);
    ck_assert_str_eq(c->using_->name, "length");
    ck_assert(given(c->not_null));
    c = c->next;
    ck_assert_str_eq(c->name, "using");
    ck_assert_str_eq(c->ref->table, "using");
    ck_assert_str_eq(c->next->name, "backfill");
    ck_assert_str_eq(ctx->schema->tables->items->name, "using");
    ast_ctx_free(ctx);
    ctx = parse("schema s;\ntable t { x int64 backfill 0; }\n");
    ck_assert_int_eq(ctx->nerrors, 1);
    ast_ctx_free(ctx);
}
END_TEST

/* collate NAME lands on its column (a quoted name, a plain one, the word
 * default), in any order with the other modifiers; "collate" still names
 * a column; default current_date is a now of the session's day, and a
 * quoted "current_date" stays a name. */
START_TEST(test_collate_and_current_date)
{
    ast_ctx *ctx = parse_ok(
        "schema s;\n"
        "enum e { current_date, other }\n"
        "table t {\n"
        "    id int64 primary key;\n"
        "    a text collate default not null;\n"
        "    b varchar(3) not null collate \"de-x-icu\";\n"
        "    collate text collate C;\n"
        "    d date default current_date;\n"
        "    f e default 'current_date';\n"
        "}\n");
    ast_column *c = ctx->schema->tables->columns->next;

    ck_assert_str_eq(c->collation, "default");
    ck_assert(given(c->not_null));
    c = c->next;
    ck_assert_str_eq(c->collation, "de-x-icu");
    ck_assert(given(c->not_null));
    c = c->next;
    ck_assert_str_eq(c->name, "collate");
    ck_assert_str_eq(c->collation, "C");
    c = c->next;
    ck_assert_int_eq(c->dflt->kind, AST_LIT_NOW);
    ck_assert(ast_lit_current_date(c->dflt));
    c = c->next;
    ck_assert_int_eq(c->dflt->kind, AST_LIT_STRING);
    ck_assert(!ast_lit_current_date(c->dflt));
    ck_assert_ptr_null(ctx->schema->tables->columns->collation);
    ast_ctx_free(ctx);
    ctx = parse("schema s;\ntable t { x text collate; }\n");
    ck_assert_int_eq(ctx->nerrors, 1);
    ast_ctx_free(ctx);
    ctx = parse("schema s;\ntable t { x text collate a collate b; }\n");
    ck_assert_int_eq(ctx->nerrors, 0);
    ck_assert_int_eq(ctx->schema->tables->columns->dup_modifiers, 1);
    ast_ctx_free(ctx);
}
END_TEST

/* Columns named like the words that open table items, with every kind of
 * type after them: the token after the name decides. */
START_TEST(test_item_words_as_columns)
{
    ast_ctx *ctx =
        parse_ok("schema s;\n"
                 "table t {\n"
                 "    primary key;\n" /* a column of enum type "key" */
                 "    primary int32 primary key;\n"
                 "    foreign key not null;\n"
                 "    index numeric(10, 2);\n"
                 "    index varchar(3) unique;\n"
                 "    index level;\n"
                 "    unique text unique;\n"
                 "    check bool check (check);\n"
                 "    primary key (primary);\n"
                 "}\n");
    ast_column *c = ctx->schema->tables->columns;

    ck_assert_str_eq(c->name, "primary");
    ck_assert_int_eq(c->type.kind, AST_T_NAMED);
    ck_assert_str_eq(c->type.name, "key");
    c = c->next;
    ck_assert_str_eq(c->name, "primary");
    ck_assert(given(c->primary_key));
    c = c->next;
    ck_assert_str_eq(c->name, "foreign");
    ck_assert_str_eq(c->type.name, "key");
    ck_assert(given(c->not_null));
    c = c->next;
    ck_assert_str_eq(c->name, "index");
    ck_assert_int_eq(c->type.kind, AST_T_NUMERIC);
    ck_assert_int_eq(c->type.a, 10);
    c = c->next;
    ck_assert_int_eq(c->type.kind, AST_T_VARCHAR);
    ck_assert(given(c->unique));
    c = c->next;
    ck_assert_str_eq(c->type.name, "level");
    c = c->next;
    ck_assert_str_eq(c->name, "unique");
    ck_assert(given(c->unique));
    c = c->next;
    ck_assert_str_eq(c->name, "check");
    ck_assert_int_eq(c->check->kind, AST_E_COLUMN);
    ck_assert_ptr_null(c->next);
    ck_assert_int_eq(ctx->schema->tables->items->kind, AST_ITEM_PRIMARY_KEY);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- the forms for databases schemac did not make -------------------- */

/* Quoted names are ordinary names wherever a name goes; "" is a quote. */
START_TEST(test_quoted_names)
{
    ast_ctx *ctx = parse_ok(
        "schema \"s\";\n"
        "enum \"Film Rating\" { \"x y\", plain }\n"
        "table \"Order Lines\" renamed from \"old one\" {\n"
        "    \"Unit Price\" int64 not null;\n"
        "    \"say \"\"hi\"\"\" text references \"Order Lines\"(\"Unit Price\");\n"
        "    r \"Film Rating\" renamed from \"r 0\";\n"
        "    \"table\" int32 check (\"Unit Price\" > 0);\n"
        "    index \"ix 1\" (\"Unit Price\", \"table\");\n"
        "    primary key (\"Unit Price\");\n"
        "}\n");
    ast_schema *s = ctx->schema;
    ast_table *t = s->tables;
    ast_column *c = t->columns;

    ck_assert_str_eq(s->name, "s");
    ck_assert_str_eq(s->enums->name, "Film Rating");
    ck_assert_str_eq(s->enums->values->name, "x y");
    ck_assert_str_eq(t->name, "Order Lines");
    ck_assert_int_eq(t->name_loc.first_column, 7);
    ck_assert_int_eq(t->name_loc.last_column, 20);
    ck_assert_str_eq(t->renamed_from, "old one");
    ck_assert_str_eq(c->name, "Unit Price");
    c = c->next;
    ck_assert_str_eq(c->name, "say \"hi\"");
    ck_assert_str_eq(c->ref->table, "Order Lines");
    ck_assert_str_eq(c->ref->cols->name, "Unit Price");
    c = c->next;
    ck_assert_str_eq(c->type.name, "Film Rating");
    ck_assert_str_eq(c->renamed_from, "r 0");
    c = c->next;
    ck_assert_str_eq(c->name, "table");
    ck_assert_int_eq(c->type.kind, AST_T_INT32);
    ck_assert_str_eq(c->check->lhs->name, "Unit Price");
    ck_assert_str_eq(t->items->name, "ix 1");
    ck_assert_str_eq(t->items->cols->next->name, "table");
    ast_ctx_free(ctx);
}
END_TEST

/* A quoted name is never a keyword: "text" names an enum, "not" a
 * column in a check. */
START_TEST(test_quoted_keywords)
{
    ast_ctx *ctx = parse_ok("schema s;\n"
                            "table t {\n"
                            "    x \"text\" not null;\n"
                            "}\n");
    ast_column *c = ctx->schema->tables->columns;

    ck_assert_int_eq(c->type.kind, AST_T_NAMED);
    ck_assert_str_eq(c->type.name, "text");
    ck_assert(given(c->not_null));
    ast_ctx_free(ctx);
    /* Quoted, the words of a modifier are names, not the modifier. */
    ctx = parse("schema s;\ntable t { x \"text\" \"not\" \"null\"; }\n");
    ck_assert_int_gt(ctx->nerrors, 0);
    ast_ctx_free(ctx);
    ctx = parse_ok("schema s;\ntable t {\n    \"not\" int32 check (\"not\" > 0);\n"
                   "    y e default \"null\";\n}\n");
    c = ctx->schema->tables->columns;
    ck_assert_str_eq(c->check->lhs->name, "not");
    ck_assert_int_eq(c->check->lhs->kind, AST_E_COLUMN);
    ck_assert_int_eq(c->next->dflt->kind, AST_LIT_IDENT);
    ck_assert_str_eq(c->next->dflt->text, "null");
    ast_ctx_free(ctx);
}
END_TEST

START_TEST(test_string_labels)
{
    ast_ctx *ctx = parse_ok("schema s;\n"
                            "enum rating { G, 'PG-13', 'it''s', R, }\n"
                            "table t { r rating default 'PG-13'; }\n");
    ast_enum_value *v = ctx->schema->enums->values;

    ck_assert_str_eq(v->name, "G");
    ck_assert_str_eq(v->next->name, "PG-13");
    ck_assert_int_eq(v->next->loc.first_column, 18);
    ck_assert_str_eq(v->next->next->name, "it's");
    ck_assert_str_eq(v->next->next->next->name, "R");
    ck_assert_int_eq(ctx->schema->tables->columns->dflt->kind,
                     AST_LIT_STRING);
    ast_ctx_free(ctx);
}
END_TEST

static const struct {
    const char *type;
    ast_type_kind kind;
    bool local;
    int last_line;
} local_cases[] = {
    {"timestamp without time zone", AST_T_TIMESTAMP, true, 3},
    {"timestamp  without\ttime   zone", AST_T_TIMESTAMP, true, 3},
    {"timestamp without\n    time zone", AST_T_TIMESTAMP, true, 4},
    {"timestamp", AST_T_TIMESTAMP, false, 3},
    {"without", AST_T_NAMED, false, 3},
    {"zone", AST_T_NAMED, false, 3},
};

START_TEST(test_timestamp_local)
{
    char column[128];
    ast_ctx *ctx;
    ast_column *c;

    snprintf(column, sizeof column, "x %s not null", local_cases[_i].type);
    c = one_column(&ctx, column);
    ck_assert_int_eq(c->type.kind, local_cases[_i].kind);
    ck_assert_int_eq(c->type.local, local_cases[_i].local);
    ck_assert_int_eq(c->type.loc.last_line, local_cases[_i].last_line);
    ck_assert(given(c->not_null));
    ast_ctx_free(ctx);
}
END_TEST

static const struct {
    const char *column;
    ast_format format;
    const char *sqlite, *postgresql;
    int dups;
    int frac; /* text(N): N; -1 without */
} storage_cases[] = {
    {"x date stored as text", AST_FMT_TEXT, NULL, NULL, 0, -1},
    {"x timestamp not null stored as integer", AST_FMT_INTEGER, NULL, NULL,
     0, -1},
    {"x numeric(10,2) stored as real postgresql 'double precision'",
     AST_FMT_REAL, NULL, "double precision", 0, -1},
    {"x uuid stored as hex sqlite 'CHAR(32)'", AST_FMT_HEX, "CHAR(32)", NULL,
     0, -1},
    {"x timestamp stored as text sqlite 'DATETIME' postgresql 'timestamp'",
     AST_FMT_TEXT, "DATETIME", "timestamp", 0, -1},
    {"x text stored as sqlite 'VARCHAR(10)'", AST_FMT_NATIVE, "VARCHAR(10)",
     NULL, 0, -1},
    {"x text stored as sqlite 'TEXT' postgresql 'inet'", AST_FMT_NATIVE,
     "TEXT", "inet", 0, -1},
    {"x text stored as postgresql 'text[]' not null", AST_FMT_NATIVE, NULL,
     "text[]", 0, -1},
    {"x text stored as postgresql 'a' stored as sqlite 'b'", AST_FMT_NATIVE,
     NULL, "a", 1, -1},
    {"x timestamp stored as text(6) sqlite 'DATETIME'", AST_FMT_TEXT,
     "DATETIME", NULL, 0, 6},
    {"x timestamp not null stored as text(0)", AST_FMT_TEXT, NULL, NULL, 0,
     0},
    {"x timestamp stored as text ( 3 ) postgresql 'text' not null",
     AST_FMT_TEXT, NULL, "text", 0, 3},
};

START_TEST(test_storage)
{
    ast_ctx *ctx;
    ast_column *c = one_column(&ctx, storage_cases[_i].column);

    ck_assert(given(c->stored_loc));
    ck_assert_int_eq(c->format, storage_cases[_i].format);
    if (storage_cases[_i].sqlite)
        ck_assert_str_eq(c->sql_type[AST_D_SQLITE], storage_cases[_i].sqlite);
    else
        ck_assert_ptr_null(c->sql_type[AST_D_SQLITE]);
    if (storage_cases[_i].postgresql)
        ck_assert_str_eq(c->sql_type[AST_D_POSTGRESQL],
                         storage_cases[_i].postgresql);
    else
        ck_assert_ptr_null(c->sql_type[AST_D_POSTGRESQL]);
    ck_assert_int_eq(c->dup_modifiers, storage_cases[_i].dups);
    ck_assert_int_eq(c->fixed_frac, storage_cases[_i].frac >= 0);
    if (storage_cases[_i].frac >= 0)
        ck_assert_int_eq(c->frac, storage_cases[_i].frac);
    if (storage_cases[_i].dups)
        ck_assert_str_eq(c->dup_name, "stored as");
    ast_ctx_free(ctx);
}
END_TEST

START_TEST(test_not_strict)
{
    static const char *const heads[] = {
        "table t not strict {", "table t renamed from u not strict {",
        "table t not strict renamed from u {", "table not not strict {",
    };
    char src[256];
    ast_ctx *ctx;
    ast_table *t;
    size_t i;

    for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        snprintf(src, sizeof src, "schema s;\n%s\n    a int32;\n}\n",
                 heads[i]);
        ctx = parse_ok(src);
        t = ctx->schema->tables;
        ck_assert(given(t->not_strict));
        ck_assert_int_eq(t->renamed_from != NULL, i == 1 || i == 2);
        ck_assert_str_eq(t->name, i == 3 ? "not" : "t");
        ast_ctx_free(ctx);
    }
    ctx = parse_ok("schema s;\ntable t { a int32; }\n");
    ck_assert(!given(ctx->schema->tables->not_strict));
    ast_ctx_free(ctx);
}
END_TEST

/* Named constraints and the new index forms; elems is printed as
 * "column/opclass" or "(expr)/opclass" per element. */
static const struct {
    const char *item;
    ast_item_kind kind;
    const char *name, *cols;
    bool unique_index;
    const char *method, *elems, *where;
} named_cases[] = {
    {"primary key pk_t (a)", AST_ITEM_PRIMARY_KEY, "pk_t", "a", false, NULL,
     "", NULL},
    {"unique uq_a (a, b)", AST_ITEM_UNIQUE, "uq_a", "a,b", false, NULL, "",
     NULL},
    {"unique text (a)", AST_ITEM_UNIQUE, "text", "a", false, NULL, "", NULL},
    {"foreign key fk_a (a) references u(x)", AST_ITEM_FOREIGN_KEY, "fk_a",
     "a", false, NULL, "", NULL},
    {"check ck_a (a > 0)", AST_ITEM_CHECK, "ck_a", "", false, NULL, "",
     NULL},
    {"check \"numeric\" (a > 0)", AST_ITEM_CHECK, "numeric", "", false, NULL,
     "", NULL},
    {"unique index ux_a (a)", AST_ITEM_INDEX, "ux_a", "a", true, NULL, "",
     NULL},
    {"unique index (a)", AST_ITEM_INDEX, NULL, "a", true, NULL, "", NULL},
    {"index ix using gin (a)", AST_ITEM_INDEX, "ix", "a", false, "gin", "",
     NULL},
    {"index using hash (a)", AST_ITEM_INDEX, NULL, "a", false, "hash", "",
     NULL},
    {"index using (a)", AST_ITEM_INDEX, "using", "a", false, NULL, "", NULL},
    {"index using using gist (a)", AST_ITEM_INDEX, "using", "a", false,
     "gist", "", NULL},
    {"index numeric using btree (a)", AST_ITEM_INDEX, "numeric", "a", false,
     "btree", "", NULL},
    {"index ix (name varchar_pattern_ops)", AST_ITEM_INDEX, "ix", "", false,
     NULL, "name/varchar_pattern_ops", NULL},
    {"index ix ((lower(email)))", AST_ITEM_INDEX, "ix", "", false, NULL,
     "(lower(email))", NULL},
    {"index numeric ((a + 1), b text_ops)", AST_ITEM_INDEX, "numeric", "",
     false, NULL, "((a + int:1)),b/text_ops", NULL},
    {"unique index ux using btree ((lower(a)) text_pattern_ops, b) where "
     "(b is not null)",
     AST_ITEM_INDEX, "ux", "", true, "btree",
     "(lower(a))/text_pattern_ops,b", "(b is not null)"},
    {"index ix (a) where (a > 0 and a < 10)", AST_ITEM_INDEX, "ix", "a",
     false, NULL, "", "((a > int:0) and (a < int:10))"},
};

START_TEST(test_named_items)
{
    char src[512], buf[256] = "";
    const ast_ielem *e;
    ast_ctx *ctx;
    ast_item *it;

    snprintf(src, sizeof src,
             "schema s;\ntable t {\n    a int32;\n    %s;\n}\n",
             named_cases[_i].item);
    ctx = parse_ok(src);
    it = ctx->schema->tables->items;
    ck_assert_int_eq(it->kind, named_cases[_i].kind);
    if (named_cases[_i].name) {
        ck_assert_str_eq(it->name, named_cases[_i].name);
        ck_assert(given(it->name_loc));
    } else {
        ck_assert_ptr_null(it->name);
    }
    names_text(it->cols, buf, sizeof buf);
    ck_assert_str_eq(buf, named_cases[_i].cols);
    ck_assert_int_eq(it->unique_index, named_cases[_i].unique_index);
    if (named_cases[_i].method)
        ck_assert_str_eq(it->method, named_cases[_i].method);
    else
        ck_assert_ptr_null(it->method);
    buf[0] = '\0';
    for (e = it->elems; e; e = e->next) {
        if (e->column) {
            put(buf, sizeof buf, e->column);
        } else {
            put(buf, sizeof buf, "(");
            expr_text(e->expr, buf, sizeof buf);
            put(buf, sizeof buf, ")");
        }
        if (e->opclass) {
            put(buf, sizeof buf, "/");
            put(buf, sizeof buf, e->opclass);
        }
        if (e->next)
            put(buf, sizeof buf, ",");
    }
    ck_assert_str_eq(buf, named_cases[_i].elems);
    if (named_cases[_i].where) {
        buf[0] = '\0';
        expr_text(it->where, buf, sizeof buf);
        ck_assert_str_eq(buf, named_cases[_i].where);
    } else {
        ck_assert_ptr_null(it->where);
    }
    ck_assert_ptr_null(it->next);
    ck_assert_int_eq(it->loc.first_column, 5);
    ast_ctx_free(ctx);
}
END_TEST

/* Columns named like the words that open the new items, and a type
 * named like one of them: the token after settles it. */
START_TEST(test_new_words_as_columns)
{
    ast_ctx *ctx = parse_ok("schema s;\n"
                            "table t {\n"
                            "    unique index;\n"
                            "    unique level not null;\n"
                            "    check level check (check > 0);\n"
                            "    stored int32 stored as sqlite 'INT';\n"
                            "    index using unique;\n"
                            "    where int32;\n"
                            "    sql text;\n"
                            "    deferrable int64 references t(sql) "
                            "deferrable;\n"
                            "}\n");
    ast_column *c = ctx->schema->tables->columns;

    ck_assert_str_eq(c->name, "unique");
    ck_assert_str_eq(c->type.name, "index");
    c = c->next;
    ck_assert_str_eq(c->type.name, "level");
    ck_assert(given(c->not_null));
    c = c->next;
    ck_assert_str_eq(c->name, "check");
    ck_assert_ptr_nonnull(c->check);
    c = c->next;
    ck_assert_str_eq(c->name, "stored");
    ck_assert_str_eq(c->sql_type[AST_D_SQLITE], "INT");
    c = c->next;
    ck_assert_str_eq(c->name, "index");
    ck_assert_str_eq(c->type.name, "using");
    ck_assert(given(c->unique));
    c = c->next;
    ck_assert_str_eq(c->name, "where");
    c = c->next;
    ck_assert_str_eq(c->name, "sql");
    c = c->next;
    ck_assert(given(c->ref->deferrable));
    ck_assert_ptr_null(ctx->schema->tables->items);
    ast_ctx_free(ctx);
}
END_TEST

static const struct {
    const char *ref;
    bool deferrable, initially;
    ast_action on_delete, on_update;
    bool dup;
} defer_cases[] = {
    {"references u(x) deferrable", true, false, 0, 0, false},
    {"references u(x) deferrable initially deferred", true, true, 0, 0,
     false},
    {"references u(x) on delete cascade deferrable", true, false,
     AST_ACT_CASCADE, 0, false},
    {"references u(x) deferrable initially deferred on update set null",
     true, true, 0, AST_ACT_SET_NULL, false},
    {"references u(x) on update restrict deferrable on delete cascade", true,
     false, AST_ACT_CASCADE, AST_ACT_RESTRICT, false},
    {"references u(x) deferrable deferrable", true, false, 0, 0, true},
    {"references u(x)", false, false, 0, 0, false},
};

START_TEST(test_deferrable)
{
    char src[256];
    ast_ctx *ctx;
    ast_ref *r[2];
    int k;

    snprintf(src, sizeof src,
             "schema s;\ntable t {\n    a int64 %s;\n"
             "    foreign key (a) %s;\n}\n",
             defer_cases[_i].ref, defer_cases[_i].ref);
    ctx = parse_ok(src);
    r[0] = ctx->schema->tables->columns->ref;
    r[1] = ctx->schema->tables->items->ref;
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(given(r[k]->deferrable), defer_cases[_i].deferrable);
        ck_assert_int_eq(given(r[k]->initially_deferred),
                         defer_cases[_i].initially);
        ck_assert_int_eq(r[k]->on_delete, defer_cases[_i].on_delete);
        ck_assert_int_eq(r[k]->on_update, defer_cases[_i].on_update);
        ck_assert_int_eq(given(r[k]->dup_loc), defer_cases[_i].dup);
    }
    ast_ctx_free(ctx);
}
END_TEST

START_TEST(test_sql_blocks)
{
    ast_ctx *ctx = parse_ok("schema s;\n"
                            "// the view\n"
                            "sql postgresql $$ CREATE VIEW v AS SELECT '$', "
                            "1 $$;\n"
                            "table t { a int32; }\n"
                            "sql sqlite $$\n"
                            "CREATE TRIGGER x AFTER INSERT ON t BEGIN\n"
                            "  SELECT 1; -- $ not the end\n"
                            "END;\n"
                            "$$\n"
                            "enum e { a }\n");
    ast_schema *s = ctx->schema;
    ast_sqlblock *b = s->sqlblocks;
    ast_decl *d = s->decls;

    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->dialect, AST_D_POSTGRESQL);
    ck_assert_str_eq(b->text, " CREATE VIEW v AS SELECT '$', 1 ");
    ck_assert_str_eq(b->comment, "the view");
    ck_assert_int_eq(b->loc.first_line, 3);
    b = b->next;
    ck_assert_int_eq(b->dialect, AST_D_SQLITE);
    ck_assert_str_eq(b->text, "\nCREATE TRIGGER x AFTER INSERT ON t BEGIN\n"
                              "  SELECT 1; -- $ not the end\nEND;\n");
    ck_assert_int_eq(b->loc.first_line, 5);
    ck_assert_int_eq(b->loc.last_line, 9);
    ck_assert_ptr_null(b->next);
    ck_assert_ptr_eq(d->sql, s->sqlblocks);
    ck_assert_ptr_eq(d->next->table, s->tables);
    ck_assert_ptr_eq(d->next->next->sql, b);
    ck_assert_ptr_eq(d->next->next->next->enm, s->enums);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- whole files ---------------------------------------------------- */

START_TEST(test_declarations_in_order)
{
    ast_ctx *ctx = parse_ok("schema pycon;\n"
                            "table a { x int32; };\n"
                            "enum e { v }\n"
                            "table b { y e default v; }\n");
    ast_decl *d = ctx->schema->decls;

    ck_assert_str_eq(ctx->schema->name, "pycon");
    ck_assert_int_eq(ctx->schema->loc.first_line, 1);
    ck_assert_str_eq(d->table->name, "a");
    ck_assert_str_eq(d->next->enm->name, "e");
    ck_assert_str_eq(d->next->next->table->name, "b");
    ck_assert_ptr_null(d->next->next->next);
    ck_assert_str_eq(ctx->schema->tables->next->name, "b");
    ck_assert_ptr_null(ctx->schema->enums->next);
    ck_assert_int_eq(ctx->schema->tables->loc.first_line, 2);
    ck_assert_int_eq(ctx->schema->tables->loc.first_column, 1);
    ck_assert_ptr_null(ctx->schema->tables->renamed_from);
    ast_ctx_free(ctx);
}
END_TEST

START_TEST(test_table_rename)
{
    ast_ctx *ctx = parse_ok("schema s;\n"
                            "table accounts renamed from users_old {\n"
                            "    id int64;\n"
                            "}\n");
    ast_table *t = ctx->schema->tables;

    ck_assert_str_eq(t->name, "accounts");
    ck_assert_str_eq(t->renamed_from, "users_old");
    ck_assert_int_eq(t->renamed_loc.first_column, 29);
    ck_assert_int_eq(t->name_loc.first_column, 7);
    ck_assert_int_eq(t->loc.last_line, 4);
    ast_ctx_free(ctx);
}
END_TEST

/* Columns count code points; BOM, CRLF and lone CR do not disturb them. */
static const struct {
    const char *src;
    size_t len;
    int line, col;
} loc_cases[] = {
#define S(s) s, sizeof(s) - 1
    {S("schema s;\ntable t {\n    x text default 'é' unique;\n}\n"), 3, 24},
    {S("schema s;\ntable t {\n    x text default '😀😀' unique;\n}\n"), 3, 25},
    {S("schema s;\ntable t {\n\tx text default '\t' unique;\n}\n"), 3, 21},
    {S("\xEF\xBB\xBFschema s;\r\ntable t {\r\n    x text unique;\r\n}\r\n"), 3,
     12},
    {S("schema s;\rtable t {\r    x text unique;\r}\r"), 3, 12},
    {S("schema s;\ntable t { /* a\r\nb\rc */\n    x text unique;\n}\n"), 5, 12},
    {S("schema s;\ntable t {\n    x text /* ☃ */ unique;\n}\n"), 3, 20},
#undef S
};

START_TEST(test_locations)
{
    ast_ctx *ctx = parse_n(loc_cases[_i].src, loc_cases[_i].len);
    ast_column *c;

    ck_assert_int_eq(ctx->nerrors, 0);
    c = ctx->schema->tables->columns;
    ck_assert_int_eq(c->unique.first_line, loc_cases[_i].line);
    ck_assert_int_eq(c->unique.first_column, loc_cases[_i].col);
    ck_assert_int_eq(c->unique.last_column, loc_cases[_i].col + 6);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- comments ------------------------------------------------------- */

START_TEST(test_comments)
{
    ast_ctx *ctx = parse_ok("// file header, followed by a blank line\n"
                            "\n"
                            "schema s; // about the schema\n"
                            "\n"
                            "// Skill levels.\n"
                            "// Two lines.\n"
                            "enum level {\n"
                            "    low,   // the lowest\n"
                            "    /* above */\n"
                            "    high\n"
                            "}\n"
                            "\n"
                            "/*\n"
                            " * Users of\n"
                            " * the site.\n"
                            " */\n"
                            "table users {\n"
                            "    id int64 primary key; // the key\n"
                            "    // the name\n"
                            "    name text\n"
                            "        not null; // ends here\n"
                            "\n"
                            "    plain text;\n"
                            "    a int32; b int32; // to b\n"
                            "    /** doc */\n"
                            "    unique (a, b);\n"
                            "}\n");
    ast_enum *e = ctx->schema->enums;
    ast_table *t = ctx->schema->tables;
    ast_column *c = t->columns;

    ck_assert_str_eq(e->comment, "Skill levels.\nTwo lines.");
    ck_assert_str_eq(e->values->comment, "the lowest");
    ck_assert_str_eq(e->values->next->comment, "above");
    ck_assert_str_eq(t->comment, "Users of\nthe site.");
    ck_assert_str_eq(c->comment, "the key");
    ck_assert_str_eq(c->next->comment, "the name\nends here");
    ck_assert_ptr_null(c->next->next->comment);
    ck_assert_ptr_null(c->next->next->next->comment);
    ck_assert_str_eq(c->next->next->next->next->comment, "to b");
    ck_assert_str_eq(t->items->comment, "doc");
    /* Every comment is recorded, attached or not. */
    ck_assert_str_eq(ctx->comments->text, "file header, followed by a blank "
                                          "line");
    ck_assert(!ctx->comments->trailing);
    ck_assert(ctx->comments->next->trailing);
    ck_assert_int_eq(ctx->comments->next->line, 3);
    ast_ctx_free(ctx);
}
END_TEST

/* ---- errors --------------------------------------------------------- */

static const struct {
    const char *src;
    size_t len;
    const char *want;
} error_cases[] = {
#define S(s) s, sizeof(s) - 1
    {S("schema s;\ntable t {\n    a int32\n    b int32;\n}\n"),
     "t.schema:3:12: error: expected ';' after column \"a\"\n"
     "    a int32\n"
     "           ^\n"},
    {S("schema s;\n\ntable users {\n    a int32;\n"),
     "t.schema:4:13: error: expected '}' to close table \"users\" opened "
     "at 3:1\n"
     "    a int32;\n"
     "            ^\n"},
    {S("schema s;\ntable t {\n    a int32 @;\n}\n"),
     "t.schema:3:13: error: unexpected character '@'\n"
     "    a int32 @;\n"
     "            ^\n"},
    {S("schema s;\ntable t {\n    a text default 'x\n}\n"),
     "t.schema:3:20: error: unterminated string\n"
     "    a text default 'x\n"
     "                   ^\n"},
    {S("schema s; /* no end\ntable t {}\n"),
     "t.schema:1:11: error: unterminated comment\n"
     "schema s; /* no end\n"
     "          ^\n"},
    {S("schema s;\ntable t {\n    a int32 \xff;\n}\n"),
     "t.schema:3:13: error: invalid UTF-8 byte 0xff\n"
     "    a int32 ?;\n"
     "            ^\n"},
    {S("schema s;\ntable t {\n    a text default 'x\xc3';\n}\n"),
     "t.schema:3:22: error: invalid UTF-8 byte 0xc3 in a string\n"
     "    a text default 'x?';\n"
     "                     ^\n"},
    {S("schema s;\ntable t {\n    a int32;\x00\n}\n"),
     "t.schema:3:13: error: NUL byte in the source\n"
     "    a int32;?\n"
     "            ^\n"},
    {S("schema s;\ntable t {\n    a not null;\n}\n"),
     "t.schema:3:7: error: unexpected 'not', expected the type of column "
     "\"a\"\n"
     "    a not null;\n"
     "      ^\n"},
    {S("table t {}\n"),
     "t.schema:1:1: error: missing schema declaration: the file must begin "
     "with \"schema NAME;\"\n"
     "table t {}\n"
     "^\n"},
    {S("schema s;\nenum e { }\n"),
     "t.schema:2:10: error: unexpected '}', expected an enum value\n"
     "enum e { }\n"
     "         ^\n"},
    {S("schema s;\ntable t {\n    a numeric(10, 2;\n}\n"),
     "t.schema:3:20: error: expected ')' to close '(' opened at 3:14\n"
     "    a numeric(10, 2;\n"
     "                   ^\n"},
    {S("schema s;\ntable t {\n    a int32 default 1x;\n}\n"),
     "t.schema:3:21: error: invalid name \"1x\": a name cannot start with "
     "a digit\n"
     "    a int32 default 1x;\n"
     "                    ^\n"},
    {S("\xEF\xBB\xBFschema s;\r\ntable t {\r\n\ta\tint32\tfoo;\r\n}\r\n"),
     "t.schema:3:10: error: unexpected name \"foo\", expected ';' or a "
     "column modifier\n"
     "\ta\tint32\tfoo;\n"
     "\t \t     \t^\n"},
    {S("schema s;\ntable t {\n    a text default '😀' $;\n}\n"),
     "t.schema:3:24: error: unexpected character '$'\n"
     "    a text default '😀' $;\n"
     "                       ^\n"},
    {S("schema s;\ntable t {\n    a int32 primary;\n    b int32 +;\n}\n"),
     "t.schema:3:20: error: unexpected ';', expected 'key'\n"
     "    a int32 primary;\n"
     "                   ^\n"
     "t.schema:4:13: error: unexpected '+', expected ';' or a column "
     "modifier\n"
     "    b int32 +;\n"
     "            ^\n"},
    {S(""),
     "t.schema:1:1: error: missing schema declaration: the file must begin "
     "with \"schema NAME;\"\n"},
    {S("schema s;\ntable \"\" { a int32; }\n"),
     "t.schema:2:7: error: empty quoted name\n"
     "table \"\" { a int32; }\n"
     "      ^\n"},
    {S("schema s;\ntable \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
       "aaaaaaaaaaaaaa\" { a int32; }\n"),
     "t.schema:2:7: error: quoted name of 64 bytes is longer than 63 bytes\n"
     "table \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "\" { a int32; }\n"
     "      ^\n"},
    {S("schema s;\ntable t {\n    \"a b int32;\n}\n"),
     "t.schema:3:5: error: unterminated quoted name\n"
     "    \"a b int32;\n"
     "    ^\n"},
    {S("schema s;\ntable t { \"a\x00" "b\" int32; }\n"),
     "t.schema:2:13: error: NUL byte in a quoted name\n"
     "table t { \"a?b\" int32; }\n"
     "            ^\n"},
    {S("schema s;\ntable t { \"a\xff" "b\" int32; }\n"),
     "t.schema:2:13: error: invalid UTF-8 byte 0xff in a quoted name\n"
     "table t { \"a?b\" int32; }\n"
     "            ^\n"},
    {S("schema s;\nsql sqlite $$ CREATE VIEW v\n  AS SELECT 1 $\n"),
     "t.schema:2:12: error: unterminated $$ block: no closing $$\n"
     "sql sqlite $$ CREATE VIEW v\n"
     "           ^\n"},
    {S("schema s;\ntable t {\n    a int32;\nsql sqlite $$ x $$\n"),
     "t.schema:4:1: error: expected '}' to close table \"t\" opened at "
     "2:1\n"
     "sql sqlite $$ x $$\n"
     "^\n"},
    {S("schema s;\nsql sqlite;\n"),
     "t.schema:2:11: error: unexpected ';', expected a $$ block\n"
     "sql sqlite;\n"
     "          ^\n"},
    {S("schema s;\nsql oracle $$ x $$\n"),
     "t.schema:2:5: error: unexpected name \"oracle\", expected 'sqlite', "
     "'postgresql', 'mariadb' or 'mysql'\n"
     "sql oracle $$ x $$\n"
     "    ^\n"},
    {S("schema s;\ntable t {\n    a date stored as blob;\n}\n"),
     "t.schema:3:22: error: unexpected name \"blob\", expected 'sqlite', "
     "'postgresql', 'mariadb', 'mysql' or a format (text, real, integer "
     "or hex)\n"
     "    a date stored as blob;\n"
     "                     ^\n"},
#undef S
};

START_TEST(test_errors)
{
    ast_ctx *ctx = parse_n(error_cases[_i].src, error_cases[_i].len);
    char *got = diags_of(ctx);

    ck_assert_msg(strcmp(got, error_cases[_i].want) == 0, "got:\n%s\nwant:\n%s",
                  got, error_cases[_i].want);
    ck_assert_int_gt(ctx->nerrors, 0);
    free(got);
    ast_ctx_free(ctx);
}
END_TEST

/* Diagnostics sort by position; a note stays after its error. */
START_TEST(test_diag_order)
{
    ast_ctx *ctx = parse("schema s;\ntable t {\n    a int32;\n}\n");
    ast_loc l3 = {3, 5, 3, 6}, l2 = {2, 7, 2, 8};
    FILE *null = fopen("/dev/null", "w");
    char *got;

    ast_error(ctx, &l3, "second %d", 2);
    ast_note(ctx, &l2, "note of second");
    ast_error(ctx, &l2, "first");
    ast_error(ctx, NULL, "no place");
    ck_assert_ptr_nonnull(null);
    ck_assert_int_eq(ast_print_diags(ctx, null), 3);
    fclose(null);
    got = diags_of(ctx);
    ck_assert_str_eq(got, "t.schema: error: no place\n"
                          "t.schema:2:7: error: first\n"
                          "table t {\n"
                          "      ^\n"
                          "t.schema:3:5: error: second 2\n"
                          "    a int32;\n"
                          "    ^\n"
                          "t.schema:2:7: note: note of second\n"
                          "table t {\n"
                          "      ^\n");
    free(got);
    ast_ctx_free(ctx);
}
END_TEST

/* A flood of errors stops at the cap, with one line saying so. */
START_TEST(test_error_cap)
{
    size_t cap = 200 * 20, len = 0;
    char *src = malloc(cap);
    ast_ctx *ctx;
    int i, printed = 0;

    len += (size_t)snprintf(src, cap, "schema s;\ntable t {\n");
    for (i = 0; i < 150; i++)
        len += (size_t)snprintf(src + len, cap - len, "  c%d int32 @;\n", i);
    snprintf(src + len, cap - len, "}\n");
    ctx = parse(src);
    ck_assert_int_gt(ctx->nerrors, AST_MAX_ERRORS);
    for (i = 0; i < ctx->ndiags; i++)
        printed += !ctx->diags[i].is_note;
    ck_assert_int_eq(printed, AST_MAX_ERRORS + 1);
    ck_assert_str_eq(ctx->diags[AST_MAX_ERRORS].msg,
                     "too many errors, stopping here");
    free(src);
    ast_ctx_free(ctx);
}
END_TEST

/* Recovery: one run reports each broken column and keeps the good ones. */
START_TEST(test_recovery)
{
    ast_ctx *ctx = parse("schema s;\n"
                         "tabel x { a int32; }\n"
                         "table t {\n"
                         "    a int32 primary;\n"
                         "    b int32;\n"
                         "    c numeric(10 2);\n"
                         "    d text;\n"
                         "}\n"
                         "enum e { x y }\n"
                         "table u { z int32; }\n");
    ast_table *t;

    ck_assert_int_eq(ctx->nerrors, 4);
    t = ctx->schema->tables;
    ck_assert_str_eq(t->name, "t");
    ck_assert_str_eq(t->columns->name, "b");
    ck_assert_str_eq(t->columns->next->name, "d");
    ck_assert_str_eq(t->next->name, "u");
    ck_assert_str_eq(ctx->schema->enums->name, "e");
    ast_ctx_free(ctx);
}
END_TEST

/* ---- helpers of ast.h ----------------------------------------------- */

START_TEST(test_names)
{
    ck_assert_str_eq(ast_type_name(AST_T_BOOL), "bool");
    ck_assert_str_eq(ast_type_name(AST_T_NUMERIC), "numeric");
    ck_assert_str_eq(ast_type_name(AST_T_TIMESTAMP), "timestamp");
    ck_assert_str_eq(ast_type_name(AST_T_JSON), "json");
    ck_assert(ast_is_sql_keyword("order"));
    ck_assert(ast_is_sql_keyword("USER"));
    ck_assert(ast_is_sql_keyword("Group"));
    ck_assert(ast_is_sql_keyword("key"));
    ck_assert(ast_is_sql_keyword("table"));
    ck_assert(ast_is_sql_keyword("autoincrement"));
    ck_assert(!ast_is_sql_keyword("user_name"));
    ck_assert(!ast_is_sql_keyword("a_long_name_that_is_no_keyword_at_all"));
    ck_assert(ast_is_c_keyword("int"));
    ck_assert(ast_is_c_keyword("register"));
    ck_assert(ast_is_c_keyword("bool"));
    ck_assert(ast_is_c_keyword("_Bool"));
    ck_assert(!ast_is_c_keyword("INT"));
    ck_assert(!ast_is_c_keyword("order"));
    /* The word lists are searched by halves: their ends and neighbours
     * of the ends must be found, and words between entries must not. */
    ck_assert(ast_is_sql_keyword("abort"));
    ck_assert(ast_is_sql_keyword("without"));
    ck_assert(ast_is_sql_keyword("WITH"));
    ck_assert(!ast_is_sql_keyword("aaa"));
    ck_assert(!ast_is_sql_keyword("zzz"));
    ck_assert(ast_is_c_keyword("NULL"));
    ck_assert(ast_is_c_keyword("_Alignas"));
    ck_assert(ast_is_c_keyword("alignas"));
    ck_assert(ast_is_c_keyword("while"));
    ck_assert(!ast_is_c_keyword("null"));
    ck_assert(!ast_is_c_keyword("zzz"));
#define U8(s) ((const unsigned char *)(s))
    ck_assert_uint_eq(sc__utf8_sequence(U8("\xF0\x9F\x98\x80"), 4), 4);
    ck_assert_uint_eq(sc__utf8_sequence(U8("\xF0\x9F\x98"), 3), 0);
    ck_assert_uint_eq(sc__utf8_sequence(U8("\xC0\xAF"), 2), 0); /* overlong */
    ck_assert_uint_eq(sc__utf8_sequence(U8("\xED\xA0\x80"), 3), 0); /* surrogate */
    ck_assert_uint_eq(sc__utf8_sequence(U8("a"), 1), 1);
    ck_assert(sc__utf8_valid(U8("a\xC3\xA9z"), 4));
    ck_assert(!sc__utf8_valid(U8("abcdefgh\xC3"), 9)); /* truncated */
    ck_assert_uint_eq(sc__utf8_chars(U8("a\xC3\xA9\xF0\x9F\x98\x80"), 7), 3);
#undef U8
}
END_TEST

/* sc__utf8_valid() at every length to 40 and every position: ASCII
 * alone, one bad byte (a lone continuation, a lead byte cut short at the
 * end) and one good two-byte sequence, so that each word read at once,
 * the last one that overlaps the one before, and the bytes below eight
 * each see it. */
START_TEST(test_utf8_positions)
{
    unsigned char buf[48];
    size_t n, p;

    for (n = 0; n <= 40; n++) {
        memset(buf, 'a', sizeof buf);
        ck_assert(sc__utf8_valid(buf, n));
        for (p = 0; p < n; p++) {
            memset(buf, 'a', sizeof buf);
            buf[p] = 0x80;
            ck_assert_msg(!sc__utf8_valid(buf, n), "0x80 at %zu of %zu", p,
                          n);
            buf[p] = 0xc3; /* a lead byte, then 'a' or the end */
            ck_assert_msg(!sc__utf8_valid(buf, n), "0xc3 at %zu of %zu", p,
                          n);
            if (p + 1 < n) {
                buf[p + 1] = 0xa9;
                ck_assert_msg(sc__utf8_valid(buf, n), "U+00E9 at %zu of %zu",
                              p, n);
            }
        }
    }
}
END_TEST

/* The name tables behind the checker's lookups: the first value put
 * under a name stays, a folding table ignores ASCII case, and names stay
 * found as the table grows. */
START_TEST(test_symtab)
{
    symtab exact, fold;
    char names[3000][16];
    int vals[3000], i;

    symtab_init(&exact, false);
    symtab_init(&fold, true);
    ck_assert_ptr_null(symtab_get(&exact, "users"));
    for (i = 0; i < 3000; i++) {
        snprintf(names[i], sizeof names[i], "Table_%d", i);
        vals[i] = i;
        ck_assert_ptr_null(symtab_put(&exact, names[i], &vals[i]));
        ck_assert_ptr_null(symtab_put(&fold, names[i], &vals[i]));
    }
    for (i = 0; i < 3000; i++)
        ck_assert_ptr_eq(symtab_get(&exact, names[i]), &vals[i]);
    ck_assert_ptr_eq(symtab_put(&exact, "Table_7", &vals[8]), &vals[7]);
    ck_assert_ptr_eq(symtab_get(&exact, "Table_7"), &vals[7]);
    ck_assert_ptr_null(symtab_get(&exact, "table_7"));
    ck_assert_ptr_eq(symtab_get(&fold, "TABLE_2999"), &vals[2999]);
    ck_assert_ptr_eq(symtab_put(&fold, "table_5", &vals[9]), &vals[5]);
    ck_assert_ptr_null(symtab_get(&fold, "Table_3000"));
    ck_assert_ptr_null(symtab_get(&fold, "Table_"));
    symtab_free(&exact);
    symtab_free(&fold);
    ck_assert_ptr_null(symtab_get(&exact, "Table_1"));
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("parse");

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))
    tcase_add_loop_test(tc, test_types, 0, N(type_cases));
    tcase_add_loop_test(tc, test_modifiers, 0, N(mod_cases));
    tcase_add_test(tc, test_modifier_locations);
    tcase_add_loop_test(tc, test_literals, 0, N(lit_cases));
    tcase_add_loop_test(tc, test_expressions, 0, N(expr_cases));
    tcase_add_loop_test(tc, test_items, 0, N(item_cases));
    tcase_add_loop_test(tc, test_enums, 0, N(enum_cases));
    tcase_add_loop_test(tc, test_keyword_names, 0, NKEYWORDS);
    tcase_add_test(tc, test_item_words_as_columns);
    tcase_add_test(tc, test_migration_modifiers);
    tcase_add_test(tc, test_collate_and_current_date);
    tcase_add_test(tc, test_quoted_names);
    tcase_add_test(tc, test_quoted_keywords);
    tcase_add_test(tc, test_string_labels);
    tcase_add_loop_test(tc, test_timestamp_local, 0, N(local_cases));
    tcase_add_loop_test(tc, test_storage, 0, N(storage_cases));
    tcase_add_test(tc, test_not_strict);
    tcase_add_loop_test(tc, test_named_items, 0, N(named_cases));
    tcase_add_test(tc, test_new_words_as_columns);
    tcase_add_loop_test(tc, test_deferrable, 0, N(defer_cases));
    tcase_add_test(tc, test_sql_blocks);
    tcase_add_test(tc, test_declarations_in_order);
    tcase_add_test(tc, test_table_rename);
    tcase_add_loop_test(tc, test_locations, 0, N(loc_cases));
    tcase_add_test(tc, test_comments);
    tcase_add_loop_test(tc, test_errors, 0, N(error_cases));
    tcase_add_test(tc, test_diag_order);
    tcase_add_test(tc, test_error_cap);
    tcase_add_test(tc, test_recovery);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_symtab);
    tcase_add_test(tc, test_utf8_positions);
#undef N
    suite_add_tcase(s, tc);
    return s;
}
