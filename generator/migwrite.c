/*
 * migwrite.c - `schemac migrate init` and `schemac migrate diff`.
 *
 * Both compare the schema file with the newest snapshot in the migrations
 * directory (none for init) and write the next migration: the snapshot
 * NNNN_NAME.schema, one NNNN_NAME.DIALECT.sql per dialect with its guards,
 * up and down parts, and a fresh schemac.sum (docs/MIGRATIONS.md).  When
 * nothing changed they write nothing and say so.  The four files appear
 * together or not at all (migfile_write_new()); what an interrupted run
 * of an older schemac left is removed first (migfile_clean()).
 */
#include "migwrite.h"

#include "checker.h"
#include "dialect.h"
#include "diff.h"
#include "frontend.h"
#include "fsutil.h"
#include "mem.h"
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

/*
 * The .sql file of migration VERSION NAME for dialect d: the diff's
 * script, or, when the schema of cur is not for d, a script whose one
 * guard stops every run of it (docs/MIGRATIONS.md).
 */
/* The dialect whose file has the extension ext ("sqlite.sql"), as its
 * file_suffix says; 0 for the snapshot's. */
static int dialect_of_ext(const char *ext)
{
    int d;

    for (d = 1; d <= SC_NDIALECTS; d++)
        if (strcmp(sc__dialect_of((sc_dialect)d)->file_suffix + 1, ext) == 0)
            return d;
    return 0;
}

static void sql_file(buf *out, unsigned version, const char *name,
                     const ast_ctx *cur, sql_dialect d, const diff_script *s)
{
    int k = (int)d; /* AST_D_* and SQL_* are the same values */
    const char *schema = cur->schema->name;
    const char *why = emit_sql_refused((ast_ctx *)cur, d);

    if (ast_schema_for(cur->schema, k) && why != NULL) {
        /* a schema the dialect cannot hold: its script stops, naming why */
        buf_printf(out, "-- schemac migration %04u %s (%s)\n", version, name,
                   emit_sql_dialect_name(d));
        buf_printf(out, "-- generated by schemac %s; %s cannot hold schema "
                        "%s, so this script stops\n", SC_VERSION,
                   emit_sql_dialect_name(d), schema);
        buf_printf(out, "-- +guard %s.* \"no DDL for %s: ", schema,
                   emit_sql_dialect_name(d));
        for (; *why; why++)
            buf_putc(out, *why == '"' ? '\'' : *why == '\n' ? ' ' : *why);
        buf_puts(out, "\"\nSELECT 1;\n-- +up\n-- +down\n");
        return;
    }
    if (ast_schema_for(cur->schema, k)) {
        diff_sql_file(out, version, name, d, s);
        return;
    }
    buf_printf(out, "-- schemac migration %04u %s (%s)\n", version, name,
               emit_sql_dialect_name(d));
    buf_printf(out, "-- generated by schemac %s; schema %s is not for %s, "
                    "so this script stops\n", SC_VERSION, schema,
               emit_sql_dialect_name(d));
    buf_printf(out, "-- +guard %s.* \"schema %s is not for %s (its for "
                    "clause)\"\nSELECT 1;\n-- +up\n-- +down\n", schema,
               schema, emit_sql_dialect_name(d));
}

/* The files of a migration, by extension: each dialect's SQL of r and the
 * snapshot's text. */
static void fill_files(migfile_new *m, const char *const *ext,
                       unsigned version, const char *name,
                       const ast_ctx *cur, const char *text, size_t len,
                       const diff_result *r)
{
    int k, d;

    for (k = 0; k < MIGFILE_NFILES; k++) {
        d = dialect_of_ext(ext[k]);
        if (d)
            sql_file(&m->data[k], version, name, cur, (sql_dialect)d,
                     &r->scripts[d]);
        else
            buf_put(&m->data[k], text, len);
    }
}

/* Writes migration version NAME, its three files and the new sum, all
 * or none (migfile_write_new()). */
static int write_migration(const options *o, unsigned version,
                           const char *name, const ast_ctx *cur,
                           const char *schema_text, size_t schema_len,
                           const diff_result *r)
{
    static const char *const ext[MIGFILE_NFILES] = {
        "mariadb.sql", "postgresql.sql", "schema", "sqlite.sql"};
    char files[MIGFILE_NFILES][512];
    migfile_new m;
    buf err;
    int k, rc = 0;

    if (fs_mkdirs(o->dir) != 0) {
        fprintf(stderr, "schemac: cannot create %s: %s\n", o->dir,
                strerror(errno));
        return EXIT_USER;
    }
    for (k = 0; k < MIGFILE_NFILES; k++) {
        snprintf(files[k], sizeof files[k], "%04u_%s.%s", version, name,
                 ext[k]);
        m.names[k] = files[k];
        buf_init(&m.data[k]);
    }
    fill_files(&m, ext, version, name, cur, schema_text, schema_len, r);
    buf_init(&err);
    if (migfile_write_new(o->dir, &m, &err) != 0) {
        fprintf(stderr, "schemac: %s\n", err.data);
        rc = EXIT_USER;
    }
    buf_free(&err);
    for (k = 0; k < MIGFILE_NFILES; k++)
        buf_free(&m.data[k]);
    if (!rc)
        printf("wrote %s/%04u_%s.{schema,sqlite.sql,postgresql.sql,mariadb.sql}\n%s",
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
    int d;
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
    if (migfile_clean(o.dir, &err) > 0)
        fputs(err.data, stderr);
    buf_reset(&err);
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
    rc = write_migration(&o, next, o.name, cur, text, len, &r);
    for (d = 1; !rc && d <= SC_NDIALECTS; d++) {
        if (!sc__dialect_of((sc_dialect)d)->lints_printed ||
            !ast_schema_for(cur->schema, d))
            continue;
        for (lint = r.scripts[d].lints.data;
             r.scripts[d].lints.len && *lint; lint = end + 1) {
            end = strchr(lint, '\n');
            fprintf(stderr, "schemac: lint (%s): %.*s\n",
                    sc__dialect_of((sc_dialect)d)->name, (int)(end - lint),
                    lint);
        }
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

/* ---------------------------------------------------------------------
 * migrate new, show and rebase: a migration by hand, one described, and
 * one moved after another that took its version.
 * ------------------------------------------------------------------- */

static const char usage_verbs[] =
    "usage: schemac migrate new NAME [--dir DIR]\n"
    "       schemac migrate show V [--dir DIR]\n"
    "       schemac migrate rebase FILE.schema --name NAME [--dir DIR]\n"
    "       schemac migrate squash --to V [--dir DIR]\n"
    "\n"
    "  new      write an empty migration to fill in by hand (data\n"
    "           migrations): up and down SQL per dialect, the schema\n"
    "           unchanged; seal it after editing with migrate hash\n"
    "  show     describe migration V: files, checksum, parts, changes\n"
    "  rebase   after merging two branches that each added migration\n"
    "           NNNN, drop the one named NAME and write it again after\n"
    "           the newest, diffed from that snapshot to FILE.schema\n"
    "  squash   write DIR/squashed: one migration from an empty database\n"
    "           to version V, which up uses on an empty database\n";

static int verb_usage(const char *what, const char *arg)
{
    fprintf(stderr, "schemac: migrate: %s%s%s\n%s", what, arg ? " " : "",
            arg ? arg : "", usage_verbs);
    return EXIT_USAGE;
}

/* The text of a .sql file of a migration written by migrate new. */
static void new_sql(buf *b, unsigned v, const char *name, const char *d,
                    unsigned prev)
{
    buf_printf(b, "-- schemac migration %04u %s (%s)\n", v, name, d);
    buf_printf(b, "-- written by schemac migrate new: a migration by hand; "
                  "the schema is\n-- %04u's.  Write the statements of "
                  "each script below, then seal the\n-- edit with "
                  "schemac migrate hash.\n", prev);
    buf_puts(b, "-- +up\n-- +down\n");
}

static int cmd_new(const char *dir, const char *name)
{
    char *snapshot = NULL, *text = NULL;
    size_t len = 0;
    unsigned next;
    migfile_new m;
    buf err;
    int k, rc = EXIT_USER;

    if (!valid_name(name))
        return verb_usage("the name must be lowercase letters, digits and "
                          "_, not", name);
    buf_init(&err);
    if (migfile_clean(dir, &err) > 0)
        fputs(err.data, stderr);
    buf_reset(&err);
    for (k = 0; k < MIGFILE_NFILES; k++)
        buf_init(&m.data[k]);
    if (migfile_head(dir, &snapshot, &next, &err) != 0)
        goto done;
    if (snapshot == NULL) {
        buf_printf(&err, "%s holds no migration; start with migrate init",
                   dir);
        goto done;
    }
    if (fs_read(snapshot, &text, &len) != 0) {
        buf_printf(&err, "cannot read %s: %s", snapshot, strerror(errno));
        goto done;
    }
    new_sql(&m.data[0], next, name, "mariadb", next - 1);
    new_sql(&m.data[1], next, name, "postgresql", next - 1);
    buf_put(&m.data[2], text, len);
    new_sql(&m.data[3], next, name, "sqlite", next - 1);
    {
        char files[MIGFILE_NFILES][512];
        static const char *const ext[MIGFILE_NFILES] = {
            "mariadb.sql", "postgresql.sql", "schema", "sqlite.sql"};

        for (k = 0; k < MIGFILE_NFILES; k++) {
            snprintf(files[k], sizeof files[k], "%04u_%s.%s", next, name,
                     ext[k]);
            m.names[k] = files[k];
        }
        if (migfile_write_new(dir, &m, &err) != 0)
            goto done;
    }
    printf("wrote %s/%04u_%s.{schema,sqlite.sql,postgresql.sql,mariadb.sql}\n"
           "write its SQL in the two .sql files, then: schemac migrate "
           "hash --dir %s\n", dir, next, name, dir);
    rc = 0;
done:
    if (rc != 0)
        fprintf(stderr, "schemac: %s\n", err.data);
    for (k = 0; k < MIGFILE_NFILES; k++)
        buf_free(&m.data[k]);
    buf_free(&err);
    free(snapshot);
    free(text);
    return rc;
}

/* "1 part, 2 guards, foreign keys off" for one direction of a script. */
static void describe_script(const sc_migration_script *s, bool up)
{
    unsigned parts = up ? s->nup : s->ndown, k, loose = 0;
    unsigned guards = up ? s->nguards : s->ndown_guards;
    const sc_migration_part *p = up ? s->ups : s->downs;
    bool any = up ? s->up != NULL || parts : s->down != NULL || parts;

    if (!any) {
        printf("none (cannot be undone)");
        return;
    }
    for (k = 0; k < parts; k++)
        loose += !p[k].transactional;
    parts = parts ? parts : 1;
    printf("%u part%s", parts, parts == 1 ? "" : "s");
    if (loose)
        printf(" (%u outside a transaction)", loose);
    if (guards)
        printf(", %u guard%s", guards, guards == 1 ? "" : "s");
    if (up ? s->foreign_keys_off : s->down_foreign_keys_off)
        printf(", foreign keys off");
}

/* The changes from the snapshot of v - 1 (none for v 1) to v's. */
static int show_changes(const char *dir, unsigned v)
{
    diff_options all = {true, true, true, false, NULL, NULL};
    ast_ctx *prev = NULL, *cur = NULL;
    const char *line, *nl;
    char *pp = NULL, *cp, *pt = NULL, *ct = NULL;
    size_t pl, cl;
    diff_result r;
    buf err;
    int rc = EXIT_USER;

    buf_init(&err);
    diff_result_init(&r);
    cp = migfile_file(dir, v, ".schema", &err);
    if (v > 1)
        pp = migfile_file(dir, v - 1, ".schema", &err);
    if (cp == NULL || (v > 1 && pp == NULL))
        goto done;
    cur = frontend_load(cp, &ct, &cl);
    prev = v > 1 ? frontend_load(pp, &pt, &pl)
                 : ast_ctx_new("(empty)", "", 0);
    if (cur == NULL || prev == NULL)
        goto done;
    if (diff_schemas(prev, cur, &all, &r) != 0) {
        ast_print_diags(prev, stderr);
        ast_print_diags(cur, stderr);
        goto done;
    }
    if (r.nchanges == 0)
        printf("changes    none to the schema (a migration by hand)\n");
    else
        printf("changes    from %s:\n", v > 1 ? "the snapshot before"
                                              : "an empty database");
    for (line = r.summary.data; r.nchanges && line && *line; line = nl) {
        nl = strchr(line, '\n');
        nl = nl ? nl + 1 : line + strlen(line);
        printf("  %.*s", (int)(nl - line), line);
    }
    rc = 0;
done:
    if (err.len)
        fprintf(stderr, "schemac: %s\n", err.data);
    diff_result_free(&r);
    ast_ctx_free(cur);
    ast_ctx_free(prev);
    free(pp);
    free(cp);
    free(pt);
    free(ct);
    buf_free(&err);
    return rc;
}

static int cmd_show(const char *dir, const char *version)
{
    migfile_set set;
    const sc_migration *mg;
    const sql_dialect *ds;
    unsigned long v;
    char *end;
    buf err;
    int rc, i, nd;

    v = strtoul(version, &end, 10);
    if (*version < '0' || *version > '9' || *end != '\0')
        return verb_usage("show takes a version number, not", version);
    buf_init(&err);
    if (migfile_load(dir, &set, &err) != 0) {
        fprintf(stderr, "schemac: %s\n", err.data);
        buf_free(&err);
        return EXIT_USER;
    }
    buf_free(&err);
    if (v == 0 || v > set.n) {
        fprintf(stderr, "schemac: %s: no migration %04lu (the last is "
                        "%04u)\n", dir, v, set.n);
        migfile_free(&set);
        return EXIT_USER;
    }
    mg = &set.migs[v - 1];
    printf("migration  %04u %s\n", mg->version, mg->name);
    printf("files      %s/%04u_%s.{schema,sqlite.sql,postgresql.sql,mariadb.sql}\n",
           dir, mg->version, mg->name);
    printf("checksum   %s\n", mg->checksum);
    printf("before     %s\n", v > 1 ? set.migs[v - 2].name : "(empty)");
    ds = emit_sql_migration_dialects(&nd);
    for (i = 0; i < nd; i++) {
        printf("%s%-10s up: ", i ? "\n" : "", emit_sql_dialect_name(ds[i]));
        describe_script(&mg->scripts[ds[i]], true);
        printf("; down: ");
        describe_script(&mg->scripts[ds[i]], false);
    }
    printf("\n");
    rc = show_changes(dir, (unsigned)v);
    migfile_free(&set);
    return rc;
}

/* The files of a migration that rebase moves, kept in memory so that a
 * failed diff can put them back. */
typedef struct moved {
    char *path[8];
    char *data[8];
    size_t len[8];
    unsigned n;
} moved;

/* Reads the files NNNN_NAME.* of dir, and its schemac.sum. */
static int take_files(const char *dir, unsigned v, const char *name,
                      moved *m)
{
    char prefix[128], path[4096];
    struct dirent *e;
    DIR *d = opendir(dir);
    size_t n;
    int rc = 0;

    memset(m, 0, sizeof *m);
    if (d == NULL)
        return -1;
    n = (size_t)snprintf(prefix, sizeof prefix, "%04u_%s.", v, name);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if ((strncmp(e->d_name, prefix, n) != 0 &&
             strcmp(e->d_name, "schemac.sum") != 0) ||
            m->n == 8)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (fs_read(path, &m->data[m->n], &m->len[m->n]) != 0) {
            rc = -1;
            break;
        }
        m->path[m->n++] = mem_strdup(path);
    }
    closedir(d);
    return rc;
}

static void moved_free(moved *m)
{
    unsigned i;

    for (i = 0; i < m->n; i++) {
        free(m->path[i]);
        free(m->data[i]);
    }
    memset(m, 0, sizeof *m);
}

/* The version of the migration named name in dir (0: none, or more
 * than one) and whether another migration has that version. */
static unsigned version_named(const char *dir, const char *name,
                              bool *other)
{
    struct dirent *e;
    DIR *d = opendir(dir);
    unsigned v = 0, found = 0;
    size_t n = strlen(name);

    *other = false;
    while (d != NULL && (e = readdir(d)) != NULL) {
        const char *f = e->d_name;

        if (strlen(f) > 5 + n && f[4] == '_' &&
            strncmp(f + 5, name, n) == 0 && f[5 + n] == '.' &&
            strstr(f, ".tmp.") == NULL) {
            unsigned this = (unsigned)atoi(f);

            found = found && this != v ? 2 : found ? found : 1;
            v = this;
        }
    }
    if (d != NULL)
        rewinddir(d);
    while (found == 1 && d != NULL && (e = readdir(d)) != NULL) {
        const char *f = e->d_name;

        if (strlen(f) > 5 && f[4] == '_' && (unsigned)atoi(f) == v &&
            !(strncmp(f + 5, name, n) == 0 && f[5 + n] == '.') &&
            strstr(f, ".tmp.") == NULL)
            *other = true;
    }
    if (d != NULL)
        closedir(d);
    return found == 1 ? v : 0;
}

/*
 * migrate rebase FILE --name NAME: two branches each added migration
 * NNNN; after the merge, NAME's files go, and NAME is written again as
 * the next migration, diffed from the newest snapshot left (the other
 * branch's) to FILE, the merged schema (nothing, when the other branch
 * made the same change), and schemac.sum is written again over the
 * directory.  If that fails, NAME's files are put back.
 */
static int cmd_rebase(int argc, char **argv, const options *o)
{
    unsigned v, i;
    bool other;
    moved m;
    int rc;

    if (!o->name)
        return verb_usage("rebase needs --name NAME, the migration to move",
                          NULL);
    v = version_named(o->dir, o->name, &other);
    if (v == 0 || !other) {
        fprintf(stderr, "schemac: %s: %s\n", o->dir,
                v == 0 ? "no migration of that name, or one with two "
                         "versions"
                       : "no other migration has its version: rebase moves "
                         "one of two that took the same version");
        return EXIT_USER;
    }
    if (take_files(o->dir, v, o->name, &m) != 0) {
        fprintf(stderr, "schemac: cannot read %s/%04u_%s.*: %s\n", o->dir,
                v, o->name, strerror(errno));
        moved_free(&m);
        return EXIT_USER;
    }
    for (i = 0; i < m.n; i++) {
        if (strstr(m.path[i], "/schemac.sum") == NULL)
            remove(m.path[i]);
    }
    printf("moved    %04u %s after the newest migration\n", v, o->name);
    /* the sum a merge left (conflicted, or listing the files just
     * removed) is written again over what the directory now holds */
    rc = migfile_write_sum(o->dir) != 0 ? EXIT_USER : 0;
    if (rc == 0)
        rc = migwrite_main(false, argc, argv);
    if (rc != 0) {
        for (i = 0; i < m.n; i++)
            fs_write_if_changed(m.path[i], m.data[i], m.len[i], NULL);
        fprintf(stderr, "schemac: rebase: %04u %s is back as it was\n", v,
                o->name);
    }
    moved_free(&m);
    return rc;
}

/* Removes the files of dir (a squash directory: plain files only). */
static void empty_dir(const char *dir)
{
    char path[4096 + 512];
    struct dirent *e;
    DIR *d = opendir(dir);

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
    }
    if (d != NULL)
        closedir(d);
}

/*
 * migrate squash --to V: DIR/squashed/0001_to_VVVV.* is one migration
 * from an empty database to version V's snapshot (docs/MIGRATIONS.md
 * "Squash"), replacing any squash before it; the migrations themselves
 * stay, for the databases that have applied some of them.
 */
static int cmd_squash(const char *dir, const char *to)
{
    static const char *const ext[MIGFILE_NFILES] = {
        "mariadb.sql", "postgresql.sql", "schema", "sqlite.sql"};
    diff_options all = {true, true, true, false, NULL, NULL};
    char sqdir[4096], files[MIGFILE_NFILES][64], name[32];
    ast_ctx *cur = NULL, *empty = NULL;
    char *snapshot = NULL, *text = NULL, *end;
    size_t len;
    unsigned long v = strtoul(to, &end, 10);
    migfile_set set;
    migfile_new m;
    diff_result r;
    buf err;
    int k, rc = EXIT_USER;

    if (*to < '0' || *to > '9' || *end != '\0' || v == 0 || v > 9999)
        return verb_usage("squash --to takes a version, not", to);
    buf_init(&err);
    diff_result_init(&r);
    for (k = 0; k < MIGFILE_NFILES; k++)
        buf_init(&m.data[k]);
    memset(&set, 0, sizeof set);
    if (migfile_load(dir, &set, &err) != 0)
        goto done;
    if (v > set.n) {
        buf_printf(&err, "%s: no migration %04lu (the last is %04u)", dir, v,
                   set.n);
        goto done;
    }
    snapshot = migfile_file(dir, (unsigned)v, ".schema", &err);
    if (snapshot == NULL || (cur = frontend_load(snapshot, &text, &len)) ==
                                NULL)
        goto done;
    empty = ast_ctx_new("(empty)", "", 0);
    if (diff_schemas(empty, cur, &all, &r) != 0) {
        ast_print_diags(cur, stderr);
        goto done;
    }
    snprintf(name, sizeof name, "to_%04lu", v);
    fill_files(&m, ext, 1, name, cur, text, len, &r);
    for (k = 0; k < MIGFILE_NFILES; k++) {
        snprintf(files[k], sizeof files[k], "0001_%s.%s", name, ext[k]);
        m.names[k] = files[k];
    }
    snprintf(sqdir, sizeof sqdir, "%s/squashed", dir);
    if (fs_mkdirs(sqdir) != 0) {
        buf_printf(&err, "cannot create %s: %s", sqdir, strerror(errno));
        goto done;
    }
    empty_dir(sqdir);
    if (migfile_write_new(sqdir, &m, &err) != 0)
        goto done;
    printf("wrote %s/0001_%s.{schema,sqlite.sql,postgresql.sql,mariadb.sql}: an empty "
           "database goes to %04lu at once\n", sqdir, name, v);
    rc = 0;
done:
    if (rc != 0 && err.len)
        fprintf(stderr, "schemac: %s\n", err.data);
    for (k = 0; k < MIGFILE_NFILES; k++)
        buf_free(&m.data[k]);
    diff_result_free(&r);
    ast_ctx_free(cur);
    ast_ctx_free(empty);
    migfile_free(&set);
    free(snapshot);
    free(text);
    buf_free(&err);
    return rc;
}

int migwrite_verb(int argc, char **argv)
{
    options o;
    const char *verb = argv[0];
    int rc;

    if (strcmp(verb, "new") == 0 || strcmp(verb, "show") == 0) {
        const char *arg = NULL, *dir = "migrations";
        int i;

        for (i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
                dir = argv[++i];
            else if (strcmp(argv[i], "--help") == 0) {
                fputs(usage_verbs, stdout);
                return 0;
            } else if (argv[i][0] != '-' && arg == NULL)
                arg = argv[i];
            else
                return verb_usage("unexpected argument", argv[i]);
        }
        if (arg == NULL)
            return verb_usage(strcmp(verb, "new") == 0 ? "new needs a NAME"
                                                       : "show needs a V",
                              NULL);
        return strcmp(verb, "new") == 0 ? cmd_new(dir, arg)
                                        : cmd_show(dir, arg);
    }
    if (strcmp(verb, "squash") == 0) {
        const char *to = NULL, *dir = "migrations";
        int i;

        for (i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
                dir = argv[++i];
            else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
                to = argv[++i];
            else
                return verb_usage("unexpected argument", argv[i]);
        }
        return to ? cmd_squash(dir, to) : verb_usage("squash needs --to V",
                                                     NULL);
    }
    rc = parse_args(argc - 1, argv + 1, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    return cmd_rebase(argc - 1, argv + 1, &o);
}
