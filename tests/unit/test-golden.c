/*
 * test-golden.c - output compared byte for byte with files in tests/golden.
 *
 *   errors/NAME.schema -> errors/NAME.err: the diagnostics, exactly as
 *       schemac prints them (file name as given, line, column, caret).
 *   gen/CASE/CASE.schema -> gen/CASE/SCHEMA_db.h, SCHEMA_db.c and
 *       CASE.sqlite.sql, CASE.postgresql.sql, CASE.mariadb.sql: the
 *       generated code and DDL (for a schema a dialect refuses, its file
 *       holds the refusal as one comment line).
 *   migrate/CASE/old.schema and new.schema -> migrate/CASE/expected.txt:
 *       the migration between them (or the refusal), for both dialects.
 *
 * The cases are found by listing the directories, so adding a case is
 * adding files.  On a mismatch the actual output is written next to the
 * build (golden-actual/) for a diff.  tests/golden/update.sh refreshes the
 * expected files on purpose.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ast.h"
#include "buf.h"
#include "checker.h"
#include "diff.h"
#include "emit_c.h"
#include "emit_sql.h"
#include "fsutil.h"

#define MAX_CASES 256

static char *error_cases[MAX_CASES];
static int n_error_cases;
static char *gen_cases[MAX_CASES];
static int n_gen_cases;
static char *migrate_cases[MAX_CASES];
static int n_migrate_cases;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists entries of dir whose names end with suffix (or directories when
 * suffix is NULL), sorted, without the suffix. */
static int list_cases(const char *dir, const char *suffix, char **out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL && n < MAX_CASES) {
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.')
            continue;
        if (suffix) {
            size_t k = strlen(suffix);
            if (len <= k || strcmp(e->d_name + len - k, suffix) != 0)
                continue;
            out[n] = strndup(e->d_name, len - k);
        } else {
            out[n] = strdup(e->d_name);
        }
        n++;
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof *out, cmp_str);
    return n;
}

static char *path_of(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s%s", a, b, c);
    return p;
}

static char *cat(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *p = malloc(n);

    snprintf(p, n, "%s%s", a, b);
    return p;
}

/* Saves actual output for a person to diff, and fails with its path. */
static void mismatch(const char *expected_path, const char *name,
                     const buf *actual)
{
    char dir[4096], *out;

    snprintf(dir, sizeof dir, "%s/golden-actual", BUILD_ROOT);
    mkdir(dir, 0755);
    out = path_of(dir, name, "");
    fs_write_if_changed(out, actual->data, actual->len, NULL);
    ck_abort_msg("%s differs from the expected output; actual output in %s",
                 expected_path, out);
    free(out);
}

static void expect_file(const char *path, const char *save_as,
                        const buf *actual)
{
    char *expected;
    size_t len;

    if (fs_read(path, &expected, &len) != 0)
        ck_abort_msg("cannot read %s: %s", path, strerror(errno));
    if (len != actual->len || memcmp(expected, actual->data, len) != 0) {
        free(expected);
        mismatch(path, save_as, actual);
        return;
    }
    free(expected);
}

/* Parses and checks src, named name; returns the context (caller frees). */
static ast_ctx *compile(const char *name, const char *src, size_t len)
{
    ast_ctx *ctx = ast_ctx_new(name, src, len);

    ck_assert_ptr_nonnull(ctx);
    if (ast_parse(ctx) == 0)
        check_schema(ctx);
    return ctx;
}

START_TEST(test_error_case)
{
    const char *name = error_cases[_i];
    char *dir = path_of(SOURCE_ROOT, "tests/golden/errors", "");
    char *schema = path_of(dir, name, ".schema");
    char *err = path_of(dir, name, ".err");
    char *fname = cat(name, ".schema");
    char *src, *printed = NULL;
    size_t len, plen = 0;
    ast_ctx *ctx;
    FILE *mem;
    buf actual;

    ck_assert_int_eq(fs_read(schema, &src, &len), 0);
    ctx = compile(fname, src, len);
    ck_assert_msg(ctx->nerrors > 0, "%s: expected errors, got none", name);
    mem = open_memstream(&printed, &plen);
    ast_print_diags(ctx, mem);
    fclose(mem);
    buf_init(&actual);
    buf_put(&actual, printed, plen);
    expect_file(err, fname, &actual);
    buf_free(&actual);
    free(printed);
    ast_ctx_free(ctx);
    free(src);
    free(fname);
    free(err);
    free(schema);
    free(dir);
}
END_TEST

/* Generates everything for one case into buffers. */
typedef struct outputs {
    buf header, source, sqlite, postgresql, mariadb;
    char *schema_name;
} outputs;

static void generate(const char *dir, const char *schema_file, outputs *o)
{
    char *path = path_of(dir, schema_file, "");
    char *src;
    size_t len;
    ast_ctx *ctx;

    ck_assert_int_eq(fs_read(path, &src, &len), 0);
    ctx = compile(schema_file, src, len);
    if (ctx->nerrors) {
        ast_print_diags(ctx, stderr);
        ck_abort_msg("%s does not compile", path);
    }
    ast_attach_comments(ctx);
    buf_init(&o->header);
    buf_init(&o->source);
    buf_init(&o->sqlite);
    buf_init(&o->postgresql);
    buf_init(&o->mariadb);
    emit_c(ctx, &o->header, &o->source, NULL, 0);
    emit_sql_script(ctx, SQL_SQLITE, &o->sqlite);
    emit_sql_script(ctx, SQL_POSTGRESQL, &o->postgresql);
    if (emit_sql_refused(ctx, SQL_MARIADB))
        buf_printf(&o->mariadb, "-- no DDL for mariadb: %s\n",
                   emit_sql_refused(ctx, SQL_MARIADB));
    else
        emit_sql_script(ctx, SQL_MARIADB, &o->mariadb);
    o->schema_name = strdup(ctx->schema->name);
    ast_ctx_free(ctx);
    free(src);
    free(path);
}

static void outputs_free(outputs *o)
{
    buf_free(&o->header);
    buf_free(&o->source);
    buf_free(&o->sqlite);
    buf_free(&o->postgresql);
    buf_free(&o->mariadb);
    free(o->schema_name);
}

START_TEST(test_gen_case)
{
    const char *name = gen_cases[_i];
    char *dir = path_of(SOURCE_ROOT, "tests/golden/gen/", name);
    char *schema_file = cat(name, ".schema");
    char *p, *save;
    outputs o, again;

    generate(dir, schema_file, &o);

    p = path_of(dir, o.schema_name, "_db.h");
    save = cat(name, ".h");
    expect_file(p, save, &o.header);
    free(p);
    free(save);

    p = path_of(dir, o.schema_name, "_db.c");
    save = cat(name, ".c");
    expect_file(p, save, &o.source);
    free(p);
    free(save);

    p = path_of(dir, name, ".sqlite.sql");
    save = cat(name, ".sqlite.sql");
    expect_file(p, save, &o.sqlite);
    free(p);
    free(save);

    p = path_of(dir, name, ".postgresql.sql");
    save = cat(name, ".postgresql.sql");
    expect_file(p, save, &o.postgresql);
    free(p);
    free(save);

    p = path_of(dir, name, ".mariadb.sql");
    save = cat(name, ".mariadb.sql");
    expect_file(p, save, &o.mariadb);
    free(p);
    free(save);

    /* A second run in the same process gives the same bytes. */
    generate(dir, schema_file, &again);
    ck_assert(o.header.len == again.header.len &&
              memcmp(o.header.data, again.header.data, o.header.len) == 0);
    ck_assert(o.source.len == again.source.len &&
              memcmp(o.source.data, again.source.data, o.source.len) == 0);
    outputs_free(&again);

    outputs_free(&o);
    free(schema_file);
    free(dir);
}
END_TEST

static bool has_flag(const char *options, const char *flag)
{
    return options && strstr(options, flag) != NULL;
}

/* The whole result of diffing old.schema into new.schema as one text:
 * the summary and both migration files, the refusals, or "no changes". */
static void migrate_text(const char *dir, buf *out)
{
    char *old_path = path_of(dir, "old.schema", "");
    char *new_path = path_of(dir, "new.schema", "");
    char *opt_path = path_of(dir, "options", "");
    char *old_src, *new_src, *options = NULL, *printed = NULL;
    size_t len, olen, plen;
    ast_ctx *old, *new;
    diff_options o;
    diff_result r;
    FILE *mem;

    ck_assert_int_eq(fs_read(old_path, &old_src, &olen), 0);
    ck_assert_int_eq(fs_read(new_path, &new_src, &len), 0);
    if (fs_read(opt_path, &options, &plen) != 0)
        options = NULL;
    memset(&o, 0, sizeof o);
    o.allow_drop_table = has_flag(options, "--allow-drop-table");
    o.allow_drop_column = has_flag(options, "--allow-drop-column");
    o.allow_narrowing = has_flag(options, "--allow-narrowing");
    o.no_concurrently = has_flag(options, "--no-concurrently");
    old = compile("old.schema", old_src, olen);
    new = compile("new.schema", new_src, len);
    diff_result_init(&r);
    if (old->nerrors == 0 && new->nerrors == 0 &&
        diff_schemas(old, new, &o, &r) == 0) {
        if (r.nchanges == 0) {
            buf_puts(out, "== no changes\n");
        } else {
            buf_printf(out, "== summary\n%s== sqlite\n", r.summary.data);
            diff_sql_file(out, 2, "change", SQL_SQLITE, &r.scripts[SQL_SQLITE]);
            buf_puts(out, "== postgresql\n");
            diff_sql_file(out, 2, "change", SQL_POSTGRESQL, &r.scripts[SQL_POSTGRESQL]);
            buf_puts(out, "== mariadb\n");
            diff_sql_file(out, 2, "change", SQL_MARIADB, &r.scripts[SQL_MARIADB]);
        }
    } else {
        mem = open_memstream(&printed, &plen);
        ast_print_diags(old, mem);
        ast_print_diags(new, mem);
        fclose(mem);
        buf_printf(out, "== refused\n%s", printed);
        free(printed);
    }
    diff_result_free(&r);
    ast_ctx_free(old);
    ast_ctx_free(new);
    free(old_src);
    free(new_src);
    free(options);
    free(old_path);
    free(new_path);
    free(opt_path);
}

START_TEST(test_migrate_case)
{
    const char *name = migrate_cases[_i];
    char *dir = path_of(SOURCE_ROOT, "tests/golden/migrate/", name);
    char *expected = path_of(dir, "expected.txt", "");
    char *save = cat(name, ".migrate.txt");
    buf actual;

    buf_init(&actual);
    migrate_text(dir, &actual);
    /* tests/golden/update.sh sets this to refresh the expected texts. */
    if (getenv("SCHEMAC_UPDATE_GOLDEN"))
        fs_write_if_changed(expected, actual.data, actual.len, NULL);
    expect_file(expected, save, &actual);
    buf_free(&actual);
    free(save);
    free(expected);
    free(dir);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("golden");
    TCase *tc;
    char *dir;

    dir = path_of(SOURCE_ROOT, "tests/golden/errors", "");
    n_error_cases = list_cases(dir, ".schema", error_cases);
    free(dir);
    dir = path_of(SOURCE_ROOT, "tests/golden/gen", "");
    n_gen_cases = list_cases(dir, NULL, gen_cases);
    free(dir);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error_case, 0, n_error_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("generated");
    tcase_add_loop_test(tc, test_gen_case, 0, n_gen_cases);
    suite_add_tcase(s, tc);
    dir = path_of(SOURCE_ROOT, "tests/golden/migrate", "");
    n_migrate_cases = list_cases(dir, NULL, migrate_cases);
    free(dir);
    tc = tcase_create("migrate");
    tcase_add_loop_test(tc, test_migrate_case, 0, n_migrate_cases);
    suite_add_tcase(s, tc);
    return s;
}
