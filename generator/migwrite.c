/*
 * migwrite.c - `schemac migrate init` and `schemac migrate diff`.
 *
 * Both compare the schema file with the newest snapshot in the migrations
 * directory (none for init) and write the next migration: the snapshot
 * NNNN_NAME.schema, one NNNN_NAME.DIALECT.sql per dialect with its guards,
 * up and down parts, and a fresh schemac.sum (docs/MIGRATIONS.md).  When
 * nothing changed they write nothing and say so.  Every file is written
 * atomically; the sum file last, so an interrupted run leaves a directory
 * whose sum does not match and is refused by the runner.
 */
#include "migwrite.h"

#include "checker.h"
#include "diff.h"
#include "frontend.h"
#include "fsutil.h"
#include "migfile.h"
#include "schemac.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: schemac migrate init FILE.schema [--dir DIR]\n"
    "       schemac migrate diff FILE.schema [--dir DIR] --name NAME\n"
    "                            [--allow-drop-table] [--allow-drop-column]\n"
    "                            [--allow-narrowing] [--no-concurrently]\n"
    "                            [--db URL]\n"
    "\n"
    "Writes the next migration into DIR (default: migrations): the SQL\n"
    "that brings a database from the newest migration's schema to\n"
    "FILE.schema, up and down, for SQLite and PostgreSQL.  Changes that\n"
    "lose data are refused unless an --allow option names them; changes\n"
    "that depend on the data carry a check that stops the migration.\n"
    "On PostgreSQL the steps that hold a table for long are named (lint:\n"
    "lines on stderr and in the file), with the rows of each table when\n"
    "--db gives the database; --no-concurrently builds the indexes of\n"
    "existing tables inside the transaction.\n";

typedef struct options {
    const char *input, *dir, *name, *db;
    diff_options diff;
} options;

/* diff_options.row_count over an open database: -1 when unknown. */
static int count_row(void *ctx, int ncols, const char *const *texts)
{
    *(long long *)ctx = ncols == 1 && texts[0] ? atoll(texts[0]) : -1;
    return 0;
}

static long long row_count(void *arg, const char *table)
{
    buf q;
    long long n = -1;
    const char *p;

    buf_init(&q);
    buf_puts(&q, "SELECT count(*) FROM \"");
    for (p = table; *p; p++) {
        if (*p == '"')
            buf_putc(&q, '"');
        buf_putc(&q, *p);
    }
    buf_puts(&q, "\"");
    if (sc_query_sql_each(arg, q.data, count_row, &n) != SC_OK)
        n = -1;
    buf_free(&q);
    return n;
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "schemac: ");
    fprintf(stderr, what, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->dir = "migrations";
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            o->dir = argv[++i];
        else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            o->name = argv[++i];
        else if (strcmp(argv[i], "--allow-drop-table") == 0)
            o->diff.allow_drop_table = true;
        else if (strcmp(argv[i], "--allow-drop-column") == 0)
            o->diff.allow_drop_column = true;
        else if (strcmp(argv[i], "--allow-narrowing") == 0)
            o->diff.allow_narrowing = true;
        else if (strcmp(argv[i], "--no-concurrently") == 0)
            o->diff.no_concurrently = true;
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            o->db = argv[++i];
        else if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        } else if (argv[i][0] == '-')
            return usage_error("unknown or incomplete option '%s'", argv[i]);
        else if (o->input)
            return usage_error("unexpected argument '%s'", argv[i]);
        else
            o->input = argv[i];
    }
    if (!o->input)
        return usage_error("%s", "no schema file");
    return 0;
}

/* A migration name becomes part of file names: [a-z0-9_] only. */
static bool valid_name(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static int write_file(const char *dir, const char *file, const buf *b)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (fs_write_if_changed(path, b->data, b->len, NULL) != 0) {
        fprintf(stderr, "schemac: cannot write %s: %s\n", path,
                strerror(errno));
        return EXIT_USER;
    }
    return 0;
}

static int write_migration(const options *o, unsigned version,
                           const char *name, const char *schema_text,
                           size_t schema_len, const diff_result *r)
{
    char file[512];
    buf b;
    int rc;

    if (fs_mkdirs(o->dir) != 0) {
        fprintf(stderr, "schemac: cannot create %s: %s\n", o->dir,
                strerror(errno));
        return EXIT_USER;
    }
    buf_init(&b);
    buf_put(&b, schema_text, schema_len);
    snprintf(file, sizeof file, "%04u_%s.schema", version, name);
    rc = write_file(o->dir, file, &b);
    buf_reset(&b);
    diff_sql_file(&b, version, name, SQL_SQLITE, &r->sqlite);
    snprintf(file, sizeof file, "%04u_%s.sqlite.sql", version, name);
    rc = rc ? rc : write_file(o->dir, file, &b);
    buf_reset(&b);
    diff_sql_file(&b, version, name, SQL_POSTGRESQL, &r->postgresql);
    snprintf(file, sizeof file, "%04u_%s.postgresql.sql", version, name);
    rc = rc ? rc : write_file(o->dir, file, &b);
    buf_free(&b);
    if (!rc && migfile_write_sum(o->dir) != 0)
        rc = EXIT_USER;
    if (!rc)
        printf("wrote %s/%04u_%s.{schema,sqlite.sql,postgresql.sql}\n%s",
               o->dir, version, name, r->summary.data);
    return rc;
}

int migwrite_main(bool init, int argc, char **argv)
{
    options o;
    ast_ctx *cur = NULL, *prev = NULL;
    char *text = NULL, *prev_text = NULL, *snapshot = NULL;
    size_t len, prev_len;
    unsigned next;
    diff_result r;
    buf err;
    sc_db *db = NULL;
    const char *lint, *end;
    int rc = parse_args(argc, argv, &o);

    if (rc)
        return rc < 0 ? 0 : rc;
    if (init)
        o.name = o.name ? o.name : "init";
    if (!o.name)
        return usage_error("%s", "--name NAME is required");
    if (!valid_name(o.name))
        return usage_error("the name '%s' must be lowercase letters, "
                           "digits and _", o.name);
    buf_init(&err);
    if (migfile_head(o.dir, &snapshot, &next, &err) != 0) {
        fprintf(stderr, "schemac: %s\n", err.data);
        buf_free(&err);
        return EXIT_USER;
    }
    buf_free(&err);
    if (init && snapshot) {
        fprintf(stderr, "schemac: %s already holds migrations; use migrate "
                        "diff\n", o.dir);
        free(snapshot);
        return EXIT_USER;
    }
    if (!init && !snapshot) {
        fprintf(stderr, "schemac: %s holds no migration; start with "
                        "migrate init\n", o.dir);
        return EXIT_USER;
    }
    diff_result_init(&r);
    rc = EXIT_USER;
    cur = frontend_load(o.input, &text, &len);
    if (!cur)
        goto done;
    if (snapshot)
        prev = frontend_load(snapshot, &prev_text, &prev_len);
    else
        prev = ast_ctx_new("(empty)", "", 0);
    if (!prev)
        goto done;
    if (o.db) {
        if (sc_open(o.db, &db) != SC_OK) {
            fprintf(stderr, "schemac: cannot open the database: %s\n",
                    db ? sc_errmsg(db) : "out of memory");
            goto done;
        }
        o.diff.row_count = row_count;
        o.diff.row_count_arg = db;
    }
    if (diff_schemas(prev, cur, &o.diff, &r) != 0) {
        ast_print_diags(prev, stderr);
        ast_print_diags(cur, stderr);
        goto done;
    }
    if (r.nchanges == 0) {
        printf("no changes: %s matches %s\n", o.input, snapshot);
        rc = 0;
        goto done;
    }
    rc = write_migration(&o, next, o.name, text, len, &r);
    for (lint = r.postgresql.lints.data; !rc && r.postgresql.lints.len &&
                                         *lint; lint = end + 1) {
        end = strchr(lint, '\n');
        fprintf(stderr, "schemac: lint (postgresql): %.*s\n",
                (int)(end - lint), lint);
    }
done:
    sc_close(db);
    diff_result_free(&r);
    ast_ctx_free(cur);
    ast_ctx_free(prev);
    free(text);
    free(prev_text);
    free(snapshot);
    return rc;
}
