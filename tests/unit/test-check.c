/*
 * test-check.c - the checker's conversions and the names it derives.
 *
 * The error messages themselves are covered by the golden cases in
 * tests/golden/errors; here the values: how a default literal becomes the
 * stored value of its column, how table names become row types, and that
 * what the checker fills in (keys, nullability, resolved references) is
 * right.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "checker.h"
#include "dialect.h"
#include "emit_sql.h"
#include "names.h"
#include "schemac.h"

static ast_ctx *compile(const char *src)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", src, strlen(src));

    ck_assert_ptr_nonnull(ctx);
    if (ast_parse(ctx) == 0)
        check_schema(ctx);
    return ctx;
}

static ast_column *column(ast_ctx *ctx, const char *table, const char *name)
{
    ast_table *t;
    ast_column *c;

    for (t = ctx->schema->tables; t; t = t->next)
        if (strcmp(t->name, table) == 0)
            for (c = t->columns; c; c = c->next)
                if (strcmp(c->name, name) == 0)
                    return c;
    ck_abort_msg("no column %s.%s", table, name);
    return NULL;
}

/* ---------------------------------------------------------------------
 * Defaults: type, literal, and the converted value or failure
 * ------------------------------------------------------------------- */

static const struct {
    const char *type;
    const char *literal;
    bool ok;
    int kind;
    int64_t i;
    const char *s; /* expected text, or NULL */
} defaults[] = {
    {"int16", "-32768", true, SC_DEFAULT_VALUE, -32768, NULL},
    {"int16", "32768", false, 0, 0, NULL},
    {"int32", "2147483647", true, SC_DEFAULT_VALUE, 2147483647, NULL},
    {"int64", "-9223372036854775808", true, SC_DEFAULT_VALUE, INT64_MIN,
     NULL},
    {"int64", "9223372036854775808", false, 0, 0, NULL},
    {"int64", "1.5", false, 0, 0, NULL},
    {"bool", "true", true, SC_DEFAULT_VALUE, 1, NULL},
    {"bool", "false", true, SC_DEFAULT_VALUE, 0, NULL},
    {"bool", "1", false, 0, 0, NULL},
    {"numeric(10,2)", "12.5", true, SC_DEFAULT_VALUE, 1250, NULL},
    {"numeric(10,2)", "-0.01", true, SC_DEFAULT_VALUE, -1, NULL},
    {"numeric(10,2)", "7", true, SC_DEFAULT_VALUE, 700, NULL},
    {"numeric(10,2)", "1.234", false, 0, 0, NULL},
    {"numeric(4,2)", "123.4", false, 0, 0, NULL},
    {"numeric(4,2)", "12.30", true, SC_DEFAULT_VALUE, 1230, NULL},
    {"numeric(30,5)", "-123.45", true, SC_DEFAULT_VALUE, 0, "-123.45"},
    {"varchar(3)", "'abc'", true, SC_DEFAULT_VALUE, 0, "abc"},
    {"varchar(3)", "'최영선'", true, SC_DEFAULT_VALUE, 0, "최영선"},
    {"varchar(3)", "'abcd'", false, 0, 0, NULL},
    {"text", "'it''s'", true, SC_DEFAULT_VALUE, 0, "it's"},
    {"date", "'1970-01-01'", true, SC_DEFAULT_VALUE, 0, NULL},
    {"date", "'1969-12-31'", true, SC_DEFAULT_VALUE, -1, NULL},
    {"date", "'2000-03-01'", true, SC_DEFAULT_VALUE, 11017, NULL},
    {"date", "'2023-02-29'", false, 0, 0, NULL},
    {"date", "now", true, SC_DEFAULT_NOW, 0, NULL},
    {"timestamp", "'1970-01-01 00:00:01'", true, SC_DEFAULT_VALUE, 1000000,
     NULL},
    {"timestamp", "'1969-12-31T23:59:59.5Z'", true, SC_DEFAULT_VALUE,
     -500000, NULL},
    {"timestamp", "'1970-01-01 24:00:00'", false, 0, 0, NULL},
    {"int64", "now", false, 0, 0, NULL},
    {"uuid", "'00112233-4455-6677-8899-aabbccddeeff'", true,
     SC_DEFAULT_VALUE, 0, NULL},
    {"uuid", "'0011223-4455-6677-8899-aabbccddeeff0'", false, 0, 0, NULL},
    {"text", "null", true, SC_DEFAULT_NULL, 0, NULL},
    {"color", "green", true, SC_DEFAULT_VALUE, 1, NULL},
    {"color", "purple", false, 0, 0, NULL},
};

START_TEST(test_default)
{
    char src[512];
    ast_ctx *ctx;
    ast_column *c;
    model_default d;
    const char *why;
    bool ok;

    snprintf(src, sizeof src,
             "schema s;\nenum color { red, green, blue }\n"
             "table t {\n  id int64 primary key;\n  c %s default %s;\n}\n",
             defaults[_i].type, defaults[_i].literal);
    ctx = ast_ctx_new("t.schema", src, strlen(src));
    ck_assert_int_eq(ast_parse(ctx), 0);
    check_schema(ctx);
    ck_assert_int_eq(ctx->nerrors, defaults[_i].ok ? 0 : 1);
    c = column(ctx, "t", "c");
    ok = model_column_default(ctx, c, &d, &why);
    ck_assert_msg(ok == defaults[_i].ok, "%s default %s: %s",
                  defaults[_i].type, defaults[_i].literal,
                  ok ? "accepted" : why);
    if (ok) {
        ck_assert_int_eq(d.kind, defaults[_i].kind);
        if (defaults[_i].s)
            ck_assert_str_eq(d.s, defaults[_i].s);
        else if (strcmp(defaults[_i].type, "uuid") == 0)
            ck_assert(d.len == 16 && (unsigned char)d.s[0] == 0x00 &&
                      (unsigned char)d.s[15] == 0xff);
        else
            ck_assert_int_eq(d.i, defaults[_i].i);
    }
    ast_ctx_free(ctx);
}
END_TEST

/* ---------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------- */

static const struct {
    const char *plural, *singular;
} singulars[] = {
    {"users", "user"},
    {"programs", "program"},
    {"program_enrollments", "program_enrollment"},
    {"categories", "category"},
    {"boxes", "box"},
    {"addresses", "address"},
    {"status", "status"},
    {"address", "address"},
    {"news", "news"},
    {"matches", "match"},
    {"data", "data"},
    {"us", "us"},
    {"analysis", "analysis"},
};

START_TEST(test_singular)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", "", 0);

    ck_assert_str_eq(names_singular(ctx, singulars[_i].plural),
                     singulars[_i].singular);
    ast_ctx_free(ctx);
}
END_TEST

START_TEST(test_c_names)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", "", 0);

    ck_assert_str_eq(names_field(ctx, "default"), "default_");
    ck_assert_str_eq(names_field(ctx, "order"), "order");
    ck_assert_str_eq(names_field(ctx, "int"), "int_");
    ck_assert_str_eq(names_upper(ctx, "pycon_level", "beginner"),
                     "PYCON_LEVEL_BEGINNER");
    ast_ctx_free(ctx);
}
END_TEST

/* Quoted names to C identifiers: a plain name is returned as it is. */
static const struct {
    const char *name, *c;
} c_idents[] = {
    {"users", "users"},
    {"Unit Price", "Unit_Price"},
    {"PG-13", "PG_13"},
    {"a  -  b", "a_b"},
    {"a_ b", "a__b"},
    {"1st", "_1st"},
    {"-x-", "_x_"},
    {"Größe", "Gr_e"},
    {"€", "_"},
    {"default", "default"},
    {"say \"hi\"", "say_hi_"},
};

START_TEST(test_c_ident)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", "", 0);
    const char *got = names_c_ident(ctx, c_idents[_i].name);

    ck_assert_str_eq(got, c_idents[_i].c);
    if (strcmp(c_idents[_i].name, c_idents[_i].c) == 0)
        ck_assert_ptr_eq(got, c_idents[_i].name);
    ast_ctx_free(ctx);
}
END_TEST

/* How fmt and pull write names and labels back. */
START_TEST(test_spelling)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", "", 0);

    ck_assert_str_eq(ast_name_spelling(ctx, "users", false), "users");
    ck_assert_str_eq(ast_name_spelling(ctx, "table", false), "table");
    ck_assert_str_eq(ast_name_spelling(ctx, "table", true), "\"table\"");
    ck_assert_str_eq(ast_name_spelling(ctx, "Unit Price", false),
                     "\"Unit Price\"");
    ck_assert_str_eq(ast_name_spelling(ctx, "a\"b", false), "\"a\"\"b\"");
    ck_assert_str_eq(ast_name_spelling(ctx, "1st", false), "\"1st\"");
    ck_assert_str_eq(ast_label_spelling(ctx, "PG"), "PG");
    ck_assert_str_eq(ast_label_spelling(ctx, "PG-13"), "'PG-13'");
    ck_assert_str_eq(ast_label_spelling(ctx, "it's"), "'it''s'");
    ck_assert(ast_is_keyword("stored"));
    ck_assert(ast_is_keyword("action"));
    ck_assert(ast_is_keyword("where"));
    ck_assert(!ast_is_keyword("without"));
    ck_assert(!ast_is_keyword("order"));
    ck_assert(ast_is_plain_name("_a1"));
    ck_assert(!ast_is_plain_name("a b"));
    ck_assert(!ast_is_plain_name(""));
    ast_ctx_free(ctx);
}
END_TEST

START_TEST(test_long_constraint_name)
{
    ast_ctx *ctx = ast_ctx_new("t.schema", "", 0);
    char table[80], col[80];
    const char *a, *b;

    memset(table, 't', 50);
    table[50] = '\0';
    memset(col, 'c', 40);
    col[40] = '\0';
    a = emit_sql_constraint_name(ctx, "uq", table, col);
    col[39] = 'd';
    b = emit_sql_constraint_name(ctx, "uq", table, col);
    ck_assert_uint_eq(strlen(a), 63);
    ck_assert_uint_eq(strlen(b), 63);
    ck_assert_str_ne(a, b); /* the hash tells them apart */
    ck_assert_str_eq(emit_sql_constraint_name(ctx, "ck", "users", "name"),
                     "ck_users_name");
    ast_ctx_free(ctx);
}
END_TEST

/* ---------------------------------------------------------------------
 * What the checker fills in
 * ------------------------------------------------------------------- */

static const char pycon[] =
    "schema pycon;\n"
    "table users {\n"
    "  user_id int64 primary key autoincrement;\n"
    "  user_name varchar(32) not null unique;\n"
    "  karma numeric(10,2);\n"
    "  joined_at timestamp not null default now;\n"
    "}\n"
    "table program_enrollments {\n"
    "  a int64 not null;\n"
    "  user_id int64 not null references users(user_id);\n"
    "  primary key (a, user_id);\n"
    "}\n";

START_TEST(test_filled_in)
{
    ast_ctx *ctx = compile(pycon);
    const ast_column *pk[4];
    ast_table *users, *enr;

    ck_assert_int_eq(ctx->nerrors, 0);
    users = ctx->schema->tables;
    enr = users->next;
    ck_assert_int_eq(ctx->schema->ntables, 2);
    ck_assert_int_eq(users->ncolumns, 4);
    ck_assert_str_eq(users->row_name, "user");
    ck_assert_ptr_eq(users->autoinc, users->columns);
    ck_assert(column(ctx, "users", "karma")->nullable);
    ck_assert(!column(ctx, "users", "user_name")->nullable);
    ck_assert(model_has_flag(column(ctx, "users", "karma")));
    ck_assert(model_has_flag(column(ctx, "users", "joined_at")));
    ck_assert(!model_has_flag(column(ctx, "users", "user_name")));
    ck_assert(model_is_scaled(&column(ctx, "users", "karma")->type));
    ck_assert_int_eq(model_primary_key(enr, pk, 4), 2);
    ck_assert_str_eq(pk[0]->name, "a");
    ck_assert_str_eq(pk[1]->name, "user_id");
    ck_assert(!pk[1]->nullable);
    ck_assert_ptr_eq(column(ctx, "program_enrollments", "user_id")
                         ->ref->target, users);
    ck_assert_int_eq(column(ctx, "program_enrollments", "user_id")->index,
                     1);
    ast_ctx_free(ctx);
}
END_TEST

/* The C names of quoted names, and labels written as strings. */
START_TEST(test_quoted_filled_in)
{
    ast_ctx *ctx = compile("schema films;\n"
                           "enum \"Film Rating\" { G, 'PG-13', 'NC-17' }\n"
                           "table \"Order Lines\" {\n"
                           "  \"Unit Price\" int64 primary key;\n"
                           "  rating \"Film Rating\" not null "
                           "default 'PG-13';\n"
                           "  plain text;\n"
                           "}\n");
    ast_table *t;
    ast_enum *e;

    ck_assert_int_eq(ctx->nerrors, 0);
    t = ctx->schema->tables;
    e = ctx->schema->enums;
    ck_assert_str_eq(t->cname, "Order_Lines");
    ck_assert_str_eq(t->row_name, "Order_Line");
    ck_assert_str_eq(t->columns->cname, "Unit_Price");
    ck_assert_ptr_eq(t->columns->next->next->cname,
                     t->columns->next->next->name);
    ck_assert_str_eq(e->cname, "Film_Rating");
    ck_assert_str_eq(e->values->cname, "G");
    ck_assert_str_eq(e->values->next->cname, "PG_13");
    ck_assert_str_eq(e->values->next->next->cname, "NC_17");
    ck_assert_ptr_eq(t->columns->next->type.enm, e);
    ast_ctx_free(ctx);
}
END_TEST

/* The key of get, update and delete, for every table. */
static const struct {
    const char *body, *key;
    bool is_pk;
} keys[] = {
    {"a int64 primary key; b int64 not null unique;", "a", true},
    {"a int64; b int64; primary key (b, a);", "b,a", true},
    {"a int64 unique; b int64 not null unique;", "b", false},
    {"a int64 not null; b int64 not null; c int64 not null unique; "
     "unique (a, b);",
     "c", false},
    {"a int64 not null; b int64 not null; unique (a, b); "
     "c int64 not null unique;",
     "a,b", false},
    {"a int64 not null; b int64; unique (a, b); unique (a);", "a", false},
    {"a int64 not null; unique index ux (a);", "", false},
    {"a int64; b text;", "", false},
};

START_TEST(test_keys)
{
    char src[512], got[128] = "";
    ast_ctx *ctx;
    ast_table *t;
    int i;

    snprintf(src, sizeof src, "schema s;\ntable t { %s }\n", keys[_i].body);
    ctx = compile(src);
    ck_assert_int_eq(ctx->nerrors, 0);
    t = ctx->schema->tables;
    for (i = 0; i < t->nkey; i++) {
        strcat(got, t->key[i]->name);
        if (i + 1 < t->nkey)
            strcat(got, ",");
    }
    ck_assert_str_eq(got, keys[_i].key);
    ck_assert_int_eq(t->nkey == 0, t->key == NULL);
    ck_assert_int_eq(t->key_is_pk, keys[_i].is_pk);
    ast_ctx_free(ctx);
}
END_TEST

/* What compiles, and what does not, among the new forms (the messages
 * are in tests/golden/errors). */
static const struct {
    const char *src;
    int errors;
} accepts[] = {
    {"table a { id text primary key; }\n"
     "table b { x varchar(10) references a(id); }", 0},
    {"table a { id varchar(5) primary key; }\n"
     "table b { x text references a(id); }", 0},
    {"table a { id int32 primary key; }\n"
     "table b { x int64 references a(id); }", 1},
    {"table a { id timestamp primary key; }\n"
     "table b { x timestamp without time zone references a(id); }", 1},
    {"table a { id uuid primary key stored as hex; }\n"
     "table b { x uuid references a(id); }", 1},
    {"table a { d date stored as text; t timestamp stored as integer; "
     "n numeric(4,2) stored as real; u uuid stored as hex; "
     "v uuid stored as text; w timestamp without time zone stored as text; "
     "x text stored as postgresql 'inet'; "
     "y text stored as sqlite 'VARCHAR(3)' postgresql 'character varying(3)';"
     " z text stored as postgresql 'text[]'; "
     "q text stored as postgresql '\"char\"'; }", 0},
    {"table a { d date stored as integer; }", 1},
    {"table a { b bool stored as text; }", 1},
    {"table a { u uuid stored as real; }", 1},
    {"table a { x text stored as postgresql 'text; drop table a'; }", 1},
    {"table a { x text stored as sqlite ''; }", 1},
    {"table a { x int64 stored as sqlite 'INT' stored as sqlite 'INT'; }", 1},
    {"enum e { a, 'b c', '' } table a { x e; }", 1},
    {"enum e { 'b-c', b_c } table a { x e; }", 1},
    {"enum e { a, 'b c' } table a { x e default 'b c'; y e default 'd'; }",
     1},
    {"table \"a b\" { x int64; }\ntable a_b { x int64; }", 1},
    {"table a { \"x y\" int64; x_y int64; }", 1},
    {"table a { x int64 not null; unique ux (x); check ux (x > 0); }", 1},
    {"table a { x int64 not null; unique ux (x); }\n"
     "table b { y int64; index ux (y); }", 1},
    {"table a { x int64; index ix ((lower(y))) where (z > 0); }", 2},
    {"table a { x text; index ix ((lower(x)) text_ops) where (x > 'a'); }",
     0},
    {"table a { x text; index ix (y text_ops); }", 1},
    {"table a { x text; index ix ((f(x))); }", 1},
    {"table t not strict { x int64; }", 0},
    {"table a { t timestamp stored as integer "
     "default '2021-01-31 13:45:00'; }", 0},
    {"table a { t timestamp stored as integer "
     "default '2021-01-31 13:45:00.5'; }", 1},
    /* backfill and using name any column of their table, like a table's
     * check, with the same functions; now is refused. */
    {"table a { x int64; y int64 not null backfill (coalesce(x, 0) + 1); }",
     0},
    {"table a { x text; y int32 not null using (length(x)); }", 0},
    {"table a { y int64 not null backfill (z); }", 1},
    {"table a { y text using (f(y)); }", 1},
    {"table a { y timestamp not null backfill (now); }", 1},
    {"table a { y int64 backfill (0) backfill (1); }", 1},
    {"table a { y int64 using (y) using (y); }", 1},
    /* Generated C names that clash, and their near misses. */
    {"table search { id int64 primary key; }\n"
     "table search_query { id int64 primary key; }", 1},
    {"table search { id int64 primary key; }\n"
     "table search_queries { id int64 primary key; }", 1},
    {"table search { id int64 primary key; }\n"
     "table search_results { id int64 primary key; }", 0},
    {"table todo { id int64 primary key; }\n"
     "table todo_list { id int64 primary key; }", 1},
    {"table a { id int64 primary key; d int32; has_d bool; }", 1},
    {"table a { id int64 primary key; d int32 not null; has_d bool; }", 0},
    {"table a { id int64 primary key; x int32; x_not int32; }", 1},
    {"table a { id int64 primary key; x int32; x_in int32; }", 0},
    {"table a { id int64 primary key; }\n"
     "table a_pks { id int64 primary key; }", 1},
    {"table schemas { id int64 primary key; }", 1},
    /* Names a database keeps. */
    {"enum money { a } table t { x money; }", 1},
    {"enum \"time\" { a } table t { x \"time\"; }", 1},
    {"enum Money { a } table t { x Money; }", 0},
    {"enum pg_thing { a } table t { x pg_thing; }", 1},
    {"table t { xmin int64; ctid text; }", 2},
    {"table t { \"xmin\" int64; XMax int64; }", 1},
    {"table sqlite_t { x int64; }", 1},
    {"table \"SQLITE_T\" { x int64; }", 1},
    {"table t { x int64; index sqlite_ix (x); }", 1},
    {"table t { x int64; index ix_sqlite (x); }", 0},
};

START_TEST(test_accepts)
{
    char src[1024];
    ast_ctx *ctx;

    snprintf(src, sizeof src, "schema s;\n%s\n", accepts[_i].src);
    ctx = compile(src);
    ck_assert_msg(ctx->nerrors == accepts[_i].errors,
                  "%d errors, not %d, for:\n%s", ctx->nerrors,
                  accepts[_i].errors, src);
    ast_ctx_free(ctx);
}
END_TEST

/* An empty file has no schema declaration: one error, no crash. */
START_TEST(test_empty_file)
{
    ast_ctx *ctx = compile("");

    if (ctx->schema == NULL && ctx->nerrors == 0)
        check_schema(ctx);
    ck_assert_int_ge(ctx->nerrors, 1);
    ast_ctx_free(ctx);
}
END_TEST

/* ---------------------------------------------------------------------
 * The dialect table (runtime/dialect.h), which the generator reads too.
 * ------------------------------------------------------------------- */

static const struct {
    const char *name;   /* a name, an alias, or a URL */
    bool url;
    int want;           /* SC_DIALECT_*, or 0 for none */
} dialect_names[] = {
    {"sqlite", false, SC_DIALECT_SQLITE},
    {"postgresql", false, SC_DIALECT_POSTGRESQL},
    {"postgres", false, SC_DIALECT_POSTGRESQL},
    {"mariadb", false, SC_DIALECT_MARIADB},
    {"mysql", false, SC_DIALECT_MARIADB},
    {"MySQL", false, 0},
    {"oracle", false, 0},
    {"", false, 0},
    {"sqlite:app.db", true, SC_DIALECT_SQLITE},
    {"postgres://u@h/db", true, SC_DIALECT_POSTGRESQL},
    {"postgresql://u@h/db", true, SC_DIALECT_POSTGRESQL},
    {"mariadb://u@h/db", true, SC_DIALECT_MARIADB},
    {"mysql://u@h/db", true, SC_DIALECT_MARIADB},
    {"mysqlx://u@h/db", true, 0},
    {"host=h dbname=db", true, 0},
};

START_TEST(test_dialect_lookup)
{
    const sc__dialect *d = dialect_names[_i].url
                               ? sc__dialect_of_url(dialect_names[_i].name)
                               : sc__dialect_named(dialect_names[_i].name);

    if (dialect_names[_i].want == 0)
        ck_assert_ptr_null(d);
    else
        ck_assert_int_eq(d->id, dialect_names[_i].want);
}
END_TEST

/* Every entry is complete: what the core, the runner and the emitters
 * read is there for each dialect, so that a new one cannot be half
 * filled in. */
START_TEST(test_dialect_entries)
{
    const sc__dialect *d = sc__dialect_of((sc_dialect)(_i + 1));
    const char *const *texts[] = {
        &d->name, &d->c_name, &d->file_suffix, &d->type.bool_,
        &d->type.int16, &d->type.int32, &d->type.int64, &d->type.float32,
        &d->type.float64, &d->type.numeric, &d->type.decimal,
        &d->type.varchar, &d->type.text, &d->type.bytes, &d->type.date,
        &d->type.timestamp, &d->type.timestamp_local, &d->type.uuid,
        &d->type.json, &d->type.fmt_text, &d->type.fmt_real,
        &d->type.fmt_integer, &d->now.date, &d->now.timestamp,
        &d->now.timestamp_local, &d->now.text_date, &d->now.text_timestamp,
        &d->now.epoch, &d->autoinc_before, &d->autoinc_after,
        &d->table_suffix, &d->bool_true, &d->bool_false, &d->bytes_open,
        &d->like_escape, &d->byte_collation, &d->empty_insert, &d->begin,
        &d->begin_write, &d->table_exists, &d->version_columns,
        &d->count_tables, &d->now_iso, &d->version_table, &d->parts_table,
    };
    char suffix[32];
    size_t i;

    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->id, _i + 1);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
        ck_assert_msg(*texts[i] != NULL, "%s: text %zu missing", d->name, i);
    ck_assert_ptr_eq(sc__dialect_named(d->name), d);
    ck_assert_ptr_nonnull(d->url_schemes[0]);
    ck_assert_ptr_eq(sc__dialect_of_url(d->url_schemes[0]), d);
    snprintf(suffix, sizeof suffix, ".%s.sql", d->name);
    ck_assert_str_eq(d->file_suffix, suffix);
    /* the runner's lock: a session lock is let go, switches come in pairs */
    ck_assert((d->lock_session == NULL) == (d->unlock_session == NULL));
    ck_assert((d->fk_off == NULL) == (d->fk_on == NULL));
    ck_assert(d->in_array == NULL ||
              (d->not_in_array != NULL && d->array_close != NULL));
    /* a list read by a table function turns back every kind of value */
    for (i = 0; d->array_from != NULL && i < SC__ELEMS; i++)
        ck_assert_msg(d->array_elem[i] != NULL, "%s: array_elem[%zu] missing",
                      d->name, i);
    /* a dialect that cannot change a column's type rebuilds tables, with
     * foreign keys off */
    ck_assert(d->alter.alter_column_type || d->fk_off != NULL);
}
END_TEST

START_TEST(test_dialect_bounds)
{
    ck_assert_ptr_null(sc__dialect_of((sc_dialect)0));
    ck_assert_ptr_null(sc__dialect_of((sc_dialect)(SC_NDIALECTS + 1)));
    ck_assert_ptr_null(sc__dialect_named(NULL));
    ck_assert_ptr_null(sc__dialect_of_url(NULL));
}
END_TEST

/* MariaDB's entry is designed now, before anything writes it: the spellings
 * the driver and the emitters will rely on. */
START_TEST(test_dialect_mariadb)
{
    const sc__dialect *d = sc__dialect_of(SC_DIALECT_MARIADB);

    ck_assert_int_eq(d->quote_open, '`');
    ck_assert_str_eq(d->type.timestamp, "DATETIME(6)");
    ck_assert_str_eq(d->type.uuid, "BINARY(16)");
    ck_assert_str_eq(d->type.numeric, "DECIMAL(%u,%u)");
    ck_assert_str_eq(d->type.enum_, "ENUM");
    ck_assert_ptr_nonnull(strstr(d->table_suffix, "utf8mb4_nopad_bin"));
    ck_assert_ptr_nonnull(strstr(d->lock_session, "GET_LOCK"));
    ck_assert(!d->transactional_ddl);
    ck_assert_str_eq(d->fk_off, "SET FOREIGN_KEY_CHECKS = 0");
    /* the generator writes MariaDB's DDL, by its name and MySQL's */
    {
        sql_dialect got;
        int n, i;
        const sql_dialect *ds = emit_sql_migration_dialects(&n);

        ck_assert(emit_sql_dialect("mariadb", &got));
        ck_assert_int_eq(got, SQL_MARIADB);
        ck_assert(emit_sql_dialect("mysql", &got));
        ck_assert_int_eq(got, SQL_MARIADB);
        ck_assert(emit_sql_dialect("postgres", &got));
        ck_assert_int_eq(got, SQL_POSTGRESQL);
        ck_assert(!emit_sql_dialect("oracle", &got));
        /* and its migrations */
        for (i = 0; i < n && ds[i] != SQL_MARIADB; i++)
            ;
        ck_assert_int_lt(i, n);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("defaults");

    tcase_add_loop_test(tc, test_default, 0,
                        (int)(sizeof defaults / sizeof defaults[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("names");
    tcase_add_loop_test(tc, test_singular, 0,
                        (int)(sizeof singulars / sizeof singulars[0]));
    tcase_add_test(tc, test_c_names);
    tcase_add_loop_test(tc, test_c_ident, 0,
                        (int)(sizeof c_idents / sizeof c_idents[0]));
    tcase_add_test(tc, test_spelling);
    tcase_add_test(tc, test_long_constraint_name);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_add_test(tc, test_filled_in);
    tcase_add_test(tc, test_quoted_filled_in);
    tcase_add_loop_test(tc, test_keys, 0, (int)(sizeof keys / sizeof keys[0]));
    tcase_add_loop_test(tc, test_accepts, 0,
                        (int)(sizeof accepts / sizeof accepts[0]));
    tcase_add_test(tc, test_empty_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("dialects");
    tcase_add_loop_test(tc, test_dialect_lookup, 0,
                        (int)(sizeof dialect_names / sizeof dialect_names[0]));
    tcase_add_loop_test(tc, test_dialect_entries, 0, SC_NDIALECTS);
    tcase_add_test(tc, test_dialect_bounds);
    tcase_add_test(tc, test_dialect_mariadb);
    suite_add_tcase(s, tc);
    return s;
}
