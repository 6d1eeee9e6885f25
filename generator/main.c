/*
 * main.c - the schemac command line.
 *
 *     schemac generate FILE.schema -o DIR [--depfile FILE] [--check]
 *                      [--column-macros]
 *     schemac sql FILE.schema [--dialect sqlite|postgresql] [-o FILE]
 *     schemac --help | --version | help COMMAND
 *
 * Exit status: 0 success, 1 a user error (a bad schema, an unwritable
 * file, stale files under --check), 2 a usage error.
 */
#include "ast.h"
#include "buf.h"
#include "checker.h"
#include "drift.h"
#include "fmt.h"
#include "pull.h"
#include "emit_c.h"
#include "emit_sql.h"
#include "frontend.h"
#include "fsutil.h"
#include "mem.h"
#include "migfile.h"
#include "migrun.h"
#include "migwrite.h"
#include "schemac.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char usage_main[] =
    "usage: schemac COMMAND [ARGS]\n"
    "\n"
    "Compiles a .schema file to typed C data-access code.\n"
    "\n"
    "commands:\n"
    "  generate FILE.schema -o DIR   write DIR/NAME_db.h and DIR/NAME_db.c\n"
    "  sql FILE.schema               print the DDL for a dialect\n"
    "  migrate init|diff|up|down|status|history|stamp\n"
    "                                versioned migrations\n"
    "  check FILE.schema --db URL    report drift between a database and\n"
    "                                the schema\n"
    "  fmt FILE.schema [--check]     rewrite the file in the one layout\n"
    "  pull --db URL                 write a .schema from a database\n"
    "  help COMMAND                  describe a command\n"
    "\n"
    "options:\n"
    "  --help       show this text\n"
    "  --version    show the version\n";

static const char usage_generate[] =
    "usage: schemac generate FILE.schema -o DIR [--depfile FILE] [--check]\n"
    "                        [--migrations DIR] [--column-macros]\n"
    "\n"
    "Writes DIR/NAME_db.h and DIR/NAME_db.c, where NAME is the schema's\n"
    "name.  Files are replaced atomically and only when their content\n"
    "changes.\n"
    "\n"
    "  -o, --output DIR   the directory to write to (required)\n"
    "  --depfile FILE     also write a Make-style dependency file\n"
    "  --migrations DIR   embed the migrations of DIR: NAME_migrate(db)\n"
    "  --check            write nothing; exit 1 if the files in DIR are\n"
    "                     missing or differ from what would be written\n"
    "  --column-macros    also the query macros of the former API, one per\n"
    "                     column and operator (users_where_name_eq(q, v))\n";

static const char usage_sql[] =
    "usage: schemac sql FILE.schema [--dialect sqlite|postgresql] [-o FILE]\n"
    "\n"
    "Prints the CREATE statements of the schema (default dialect: sqlite,\n"
    "or the one dialect of a schema declared for one).\n"
    "\n"
    "  --dialect NAME     sqlite or postgresql\n"
    "  -o, --output FILE  write to FILE instead of standard output\n";

typedef struct options {
    const char *input;
    const char *output;
    const char *depfile;
    const char *dialect;
    const char *migrations;
    bool check;
    bool column_macros;
} options;

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "schemac: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}

/* Parses the arguments after the command; returns 0 or an exit status. */
static int parse_options(int argc, char **argv, const char *usage,
                         options *o)
{
    int i;

    memset(o, 0, sizeof *o);
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;

        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            slot = &o->output;
        else if (strcmp(a, "--depfile") == 0)
            slot = &o->depfile;
        else if (strcmp(a, "--dialect") == 0)
            slot = &o->dialect;
        else if (strcmp(a, "--migrations") == 0)
            slot = &o->migrations;
        else if (strcmp(a, "--check") == 0)
            o->check = true;
        else if (strcmp(a, "--column-macros") == 0 &&
                 usage == usage_generate)
            o->column_macros = true;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return -1;
        } else if (a[0] == '-' && a[1])
            return usage_error(usage, "unknown option '%s'", a);
        else if (o->input)
            return usage_error(usage, "unexpected argument '%s'", a);
        else
            o->input = a;
        if (slot) {
            if (i + 1 >= argc)
                return usage_error(usage, "option '%s' needs a value", a);
            *slot = argv[++i];
        }
    }
    if (!o->input)
        return usage_error(usage, "%s", "no input file");
    return 0;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = mem_alloc(n);

    snprintf(p, n, "%s%s%s", dir,
             dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
    return p;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A Make rule "OUT OUT: IN", spaces escaped as Make wants them. */
static void depfile_escaped(buf *b, const char *path)
{
    for (; *path; path++) {
        if (*path == ' ' || *path == '#')
            buf_putc(b, '\\');
        if (*path == '$')
            buf_putc(b, '$');
        buf_putc(b, *path);
    }
}

/* Every file of the migrations directory, for the depfile: adding or
 * editing a migration regenerates the code that embeds them. */
static void depend_on_migrations(buf *dep, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, i;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = mem_realloc(names, (n + 1) * sizeof *names);
        names[n++] = mem_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (i = 0; i < n; i++) {
        buf_putc(dep, ' ');
        depfile_escaped(dep, dir);
        buf_putc(dep, '/');
        depfile_escaped(dep, names[i]);
        free(names[i]);
    }
    free(names);
}

static int write_output(const char *path, const buf *b)
{
    if (fs_write_if_changed(path, b->data, b->len, NULL) != 0) {
        fprintf(stderr, "schemac: cannot write %s: %s\n", path,
                strerror(errno));
        return EXIT_USER;
    }
    return 0;
}

static int stage_output(const char *path, const buf *b)
{
    if (fs_stage(path, b->data, b->len) < 0) {
        fprintf(stderr, "schemac: cannot write %s: %s\n", path,
                strerror(errno));
        fs_discard();
        return EXIT_USER;
    }
    return 0;
}

static int commit_outputs(void)
{
    const char *failed;

    if (fs_commit(&failed) != 0) {
        fprintf(stderr, "schemac: cannot write %s: %s\n", failed,
                strerror(errno));
        return EXIT_USER;
    }
    return 0;
}

static int cmd_generate(int argc, char **argv)
{
    options o;
    ast_ctx *ctx;
    migfile_set migs;
    buf h, c, dep;
    char *hpath = NULL, *cpath = NULL, name[512];
    int rc = parse_options(argc, argv, usage_generate, &o);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (!o.output)
        return usage_error(usage_generate, "%s", "-o DIR is required");
    emit_c_keep_output(true);
    if (o.column_macros)
        emit_c_column_macros(true);
    ctx = frontend_load(o.input, NULL, NULL);
    if (!ctx)
        return EXIT_USER;
    buf_init(&h);
    buf_init(&c);
    buf_init(&dep);
    memset(&migs, 0, sizeof migs);
    if (o.migrations) {
        buf err;

        buf_init(&err);
        if (migfile_load(o.migrations, &migs, &err) != 0) {
            fprintf(stderr, "schemac: %s\n", err.data);
            buf_free(&err);
            rc = EXIT_USER;
            goto done;
        }
        buf_free(&err);
    }
    emit_c(ctx, &h, &c, migs.migs, migs.n);
    snprintf(name, sizeof name, "%s_db.h", ctx->schema->name);
    hpath = join_path(o.output, name);
    snprintf(name, sizeof name, "%s_db.c", ctx->schema->name);
    cpath = join_path(o.output, name);
    if (o.check) {
        if (!fs_same(hpath, h.data, h.len) || !fs_same(cpath, c.data, c.len)) {
            fprintf(stderr, "schemac: %s and %s are missing or stale: run "
                            "schemac generate %s -o %s\n",
                    hpath, cpath, o.input, o.output);
            rc = EXIT_USER;
        }
        goto done;
    }
    if (fs_mkdirs(o.output) != 0) {
        fprintf(stderr, "schemac: cannot create %s: %s\n", o.output,
                strerror(errno));
        rc = EXIT_USER;
        goto done;
    }
    if (o.depfile) {
        depfile_escaped(&dep, hpath);
        buf_putc(&dep, ' ');
        depfile_escaped(&dep, cpath);
        buf_puts(&dep, ": ");
        depfile_escaped(&dep, o.input);
        if (o.migrations)
            depend_on_migrations(&dep, o.migrations);
        buf_putc(&dep, '\n');
    }
    /* All three or none: a header that does not match its source would
     * compile and mislead. */
    rc = stage_output(hpath, &h);
    if (!rc)
        rc = stage_output(cpath, &c);
    if (!rc && o.depfile)
        rc = stage_output(o.depfile, &dep);
    if (!rc)
        rc = commit_outputs();
done:
    migfile_free(&migs);
    free(hpath);
    free(cpath);
    buf_free(&h);
    buf_free(&c);
    buf_free(&dep);
    ast_ctx_free(ctx);
    return rc;
}

static int cmd_sql(int argc, char **argv)
{
    options o;
    ast_ctx *ctx;
    sql_dialect d = SQL_SQLITE;
    buf out;
    int rc = parse_options(argc, argv, usage_sql, &o);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.dialect && !emit_sql_dialect(o.dialect, &d))
        return usage_error(usage_sql,
                           "unknown dialect '%s' (sqlite, postgresql, "
                           "mariadb)",
                           o.dialect);
    ctx = frontend_load(o.input, NULL, NULL);
    if (!ctx)
        return EXIT_USER;
    /* A schema for one dialect prints that dialect's DDL by default. */
    if (!o.dialect && ast_schema_only(ctx->schema) > 0)
        d = (sql_dialect)ast_schema_only(ctx->schema);
    if (ast_schema_refuses(ctx, (int)d, "it has no DDL there")) {
        ast_ctx_free(ctx);
        return EXIT_USER;
    }
    if (emit_sql_report_refused(ctx, d)) {
        ast_print_diags(ctx, stderr);
        ast_ctx_free(ctx);
        return EXIT_USER;
    }
    buf_init(&out);
    emit_sql_script(ctx, d, &out);
    if (o.output)
        rc = write_output(o.output, &out);
    else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
             fflush(stdout) != 0)
        rc = EXIT_USER;
    buf_free(&out);
    ast_ctx_free(ctx);
    return rc;
}

static const char usage_migrate[] =
    "usage: schemac migrate init FILE.schema [--dir DIR]\n"
    "       schemac migrate diff FILE.schema --name NAME [--dir DIR]\n"
    "       schemac migrate up [--to V] --db URL [--dir DIR]\n"
    "       schemac migrate down [N] --db URL [--dir DIR]\n"
    "       schemac migrate status|history --db URL [--dir DIR]\n"
    "       schemac migrate stamp V --db URL [--dir DIR]\n"
    "       schemac migrate up|down ... --sql [--dialect D] [--from V]\n"
    "       schemac migrate new NAME | show V [--dir DIR]\n"
    "       schemac migrate hash [--db URL] [--dir DIR]\n"
    "       schemac migrate rebase FILE.schema --name NAME [--dir DIR]\n"
    "       schemac migrate squash --to V [--dir DIR]\n"
    "\n"
    "Versioned migrations in DIR (default: migrations); see\n"
    "schemac migrate diff --help and docs/MIGRATIONS.md.\n";

static int cmd_migrate(int argc, char **argv)
{
    if (argc == 0) {
        fputs(usage_migrate, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "init") == 0)
        return migwrite_main(true, argc - 1, argv + 1);
    if (strcmp(argv[0], "diff") == 0)
        return migwrite_main(false, argc - 1, argv + 1);
    if (strcmp(argv[0], "up") == 0 || strcmp(argv[0], "down") == 0 ||
        strcmp(argv[0], "status") == 0 || strcmp(argv[0], "history") == 0 ||
        strcmp(argv[0], "hash") == 0 || strcmp(argv[0], "stamp") == 0)
        return migrun_main(argc, argv);
    if (strcmp(argv[0], "new") == 0 || strcmp(argv[0], "show") == 0 ||
        strcmp(argv[0], "rebase") == 0 || strcmp(argv[0], "squash") == 0)
        return migwrite_verb(argc, argv);
    return usage_error(usage_migrate, "unknown migrate command '%s'",
                       argv[0]);
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[0], "generate") == 0)
        fputs(usage_generate, stdout);
    else if (strcmp(argv[0], "migrate") == 0)
        fputs(usage_migrate, stdout);
    else if (strcmp(argv[0], "check") == 0) {
        char *args[] = {(char *)"--help", NULL};

        return drift_main(1, args);
    }
    else if (strcmp(argv[0], "sql") == 0)
        fputs(usage_sql, stdout);
    else if (strcmp(argv[0], "fmt") == 0) {
        char *args[] = {(char *)"--help", NULL};

        return fmt_main(1, args);
    } else if (strcmp(argv[0], "pull") == 0) {
        char *args[] = {(char *)"--help", NULL};

        return pull_main(1, args);
    }
    else
        return usage_error(usage_main, "unknown command '%s'", argv[0]);
    return 0;
}

static int run(int argc, char **argv)
{
    const char *cmd;

    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cmd_help(0, NULL);
    if (strcmp(cmd, "--version") == 0) {
        printf("schemac %s\n", SC_VERSION);
        return 0;
    }
    if (strcmp(cmd, "generate") == 0)
        return cmd_generate(argc - 2, argv + 2);
    if (strcmp(cmd, "sql") == 0)
        return cmd_sql(argc - 2, argv + 2);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0)
        return drift_main(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0)
        return fmt_main(argc - 2, argv + 2);
    if (strcmp(cmd, "pull") == 0)
        return pull_main(argc - 2, argv + 2);
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 2, argv + 2);
    return usage_error(usage_main, "unknown command '%s'", cmd);
}

/* The whole command line: main() calls it, and so does the allocation-
 * failure test (tests/unit/test-nomemgen.c), which builds this file with
 * SCHEMAC_NO_MAIN and runs it once per allocation in a child process. */
int schemac_main(int argc, char **argv);

int schemac_main(int argc, char **argv)
{
    int rc;

    mem_fail_from_env();
    mem_on_failure(fs_discard);
    rc = run(argc, argv);
    fs_keep();
    return rc;
}

#ifndef SCHEMAC_NO_MAIN
int main(int argc, char **argv)
{
    return schemac_main(argc, argv);
}
#endif
