/*
 * migrun.c - schemac migrate up|down|status|history: reads a migrations
 * directory (migfile.c), opens the database with libschemac and hands
 * both to the runner (sc_migrate() and friends), printing what happened
 * in words a person deploying an application wants to read.
 *
 *     schemac migrate up [--to V] --db URL [--dir DIR]
 *     schemac migrate down [N] --db URL [--dir DIR]
 *     schemac migrate status --db URL [--dir DIR]
 *     schemac migrate history --db URL [--dir DIR]
 *     schemac migrate stamp V --db URL [--dir DIR]
 *
 * stamp is the baseline of a database another tool made: it proves with
 * schemac check that the database is snapshot V of the directory, and
 * only then records versions 1..V as applied, without running them.
 *
 * The URL is never printed: it may hold a password.
 */
#include "migrun.h"

#include "buf.h"
#include "drift.h"
#include "frontend.h"
#include "migfile.h"
#include "schemac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: schemac migrate up [--to V] --db URL [--dir DIR]\n"
    "       schemac migrate down [N] --db URL [--dir DIR]\n"
    "       schemac migrate status --db URL [--dir DIR]\n"
    "       schemac migrate history --db URL [--dir DIR]\n"
    "       schemac migrate stamp V --db URL [--dir DIR]\n"
    "\n"
    "Applies the migrations of DIR to a database, one transaction each.\n"
    "\n"
    "  up          apply every pending migration (or up to version V)\n"
    "  down        undo the last N applied migrations (default 1)\n"
    "  status      show the current and head versions and what is pending\n"
    "  history     list the migrations the database has applied\n"
    "  stamp       record versions 1..V as applied without running them,\n"
    "              once schemac check finds the database equal to the\n"
    "              snapshot of version V (a database adopted with pull)\n"
    "\n"
    "  --db URL    the database: sqlite:PATH or postgresql://... (required)\n"
    "  --dir DIR   the migrations directory (default: migrations)\n"
    "  --to V      with up: stop at version V\n";

typedef struct migrun_opts {
    const char *cmd;
    const char *dir;
    const char *db;
    const char *count; /* --to V for up, N for down, V for stamp */
} migrun_opts;

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "schemac: migrate: %s%s%s\n%s", what, arg ? " " : "",
            arg ? arg : "", usage);
    return EXIT_USAGE;
}

/* Parses a version or a count: digits only. */
static int parse_count(const char *s, unsigned *out)
{
    char *end;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v > 100000)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* Parses argv (argv[0] is the subcommand); returns 0, -1 after --help,
 * or an exit status. */
static int parse_args(int argc, char **argv, migrun_opts *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->cmd = argc > 0 ? argv[0] : "";
    o->dir = "migrations";
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (strcmp(a, "--dir") == 0)
            slot = &o->dir;
        else if (strcmp(a, "--db") == 0)
            slot = &o->db;
        else if (strcmp(a, "--to") == 0 && strcmp(o->cmd, "up") == 0)
            slot = &o->count;
        else if (a[0] != '-' && !o->count &&
                 (strcmp(o->cmd, "down") == 0 ||
                  strcmp(o->cmd, "stamp") == 0))
            o->count = a;
        else
            return usage_error("unexpected argument", a);
        if (slot != NULL && i + 1 >= argc)
            return usage_error("missing the value of", a);
        if (slot != NULL)
            *slot = argv[++i];
    }
    if (o->db == NULL)
        return usage_error("--db URL is required", NULL);
    if (strcmp(o->cmd, "stamp") == 0 && o->count == NULL)
        return usage_error("stamp needs the version to record", NULL);
    return 0;
}

/* "0002 add_karma", or "0000 (empty)" before the first migration. */
static void print_version(const char *label, const migfile_set *s,
                          unsigned v)
{
    printf("%-9s%04u %s\n", label, v,
           v == 0 ? "(no migration)" : v <= s->n ? s->migs[v - 1].name
                                                 : "(unknown)");
}

static int fail_with(const char *msg, const char *cmd)
{
    fprintf(stderr, "schemac: migrate %s: %s\n", cmd, msg);
    return EXIT_USER;
}

static int fail(sc_db *db, const char *cmd)
{
    return fail_with(sc_errmsg(db), cmd);
}

static int cmd_up(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned before = 0, after = 0, target = SC_MIGRATE_HEAD, v;
    char msg[512];
    int rc;

    if (o->count && parse_count(o->count, &target) != 0)
        return usage_error("--to takes a version number, not", o->count);
    if (sc_migrate_current(db, &before) != SC_OK)
        return fail(db, "up");
    rc = sc_migrate(db, s->migs, s->n, target);
    snprintf(msg, sizeof msg, "%s", sc_errmsg(db));
    if (sc_migrate_current(db, &after) != SC_OK && rc == SC_OK)
        return fail(db, "up");
    for (v = before + 1; v <= after && v <= s->n; v++)
        printf("applied  %04u %s\n", v, s->migs[v - 1].name);
    if (rc != SC_OK)
        return fail_with(msg, "up");
    if (after == before)
        printf("nothing to apply\n");
    print_version("now at", s, after);
    return 0;
}

static int cmd_down(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned before = 0, after = 0, steps = 1, v;
    char msg[512];
    int rc;

    if (o->count && parse_count(o->count, &steps) != 0)
        return usage_error("down takes a number of migrations, not",
                           o->count);
    if (sc_migrate_current(db, &before) != SC_OK)
        return fail(db, "down");
    rc = sc_migrate_down(db, s->migs, s->n, steps);
    snprintf(msg, sizeof msg, "%s", sc_errmsg(db));
    if (sc_migrate_current(db, &after) != SC_OK && rc == SC_OK)
        return fail(db, "down");
    for (v = before; v > after && v >= 1 && v <= s->n; v--)
        printf("undid    %04u %s\n", v, s->migs[v - 1].name);
    if (rc != SC_OK)
        return fail_with(msg, "down");
    if (after == before)
        printf("nothing to undo\n");
    print_version("now at", s, after);
    return 0;
}

static int cmd_status(sc_db *db, const migfile_set *s)
{
    unsigned current, v;

    if (sc_migrate_current(db, &current) != SC_OK)
        return fail(db, "status");
    print_version("current", s, current);
    print_version("head", s, s->n);
    if (sc_migrate_check(db, s->migs, s->n) != SC_OK)
        return fail(db, "status");
    printf("pending  %u\n", current < s->n ? s->n - current : 0);
    for (v = current + 1; v <= s->n; v++)
        printf("  %04u %s\n", v, s->migs[v - 1].name);
    return 0;
}

static int cmd_history(sc_db *db)
{
    sc_migration_record *rows;
    sc_arena *a = sc_arena_new();
    size_t n, i;
    int rc = EXIT_USER;

    if (a == NULL) {
        fputs("schemac: out of memory\n", stderr);
        return EXIT_USER;
    }
    if (sc_migrate_history(db, a, &rows, &n) != SC_OK) {
        rc = fail(db, "history");
        goto cleanup;
    }
    if (n == 0)
        printf("no migration applied\n");
    else
        printf("version  applied at (UTC)      checksum      name\n");
    for (i = 0; i < n; i++)
        printf("%04u     %-20s  %.12s  %s\n", rows[i].version,
               rows[i].applied_at, rows[i].checksum, rows[i].name);
    rc = 0;
cleanup:
    sc_arena_free(a);
    return rc;
}

/* Compares db with the snapshot of version v, printing each difference;
 * returns their number, or -1 when the snapshot or the catalog cannot be
 * read. */
static int stamp_drift(sc_db *db, const migfile_set *s, const char *dir,
                       unsigned v)
{
    buf path;
    ast_ctx *ctx;
    int n = -1;

    buf_init(&path);
    buf_printf(&path, "%s/%04u_%s.schema", dir, v, s->migs[v - 1].name);
    ctx = frontend_load(path.data, NULL, NULL);
    if (ctx != NULL)
        n = drift_compare(ctx, db);
    if (n > 0)
        fprintf(stderr,
                "schemac: migrate stamp: the database differs from %s in "
                "%d way%s (above): nothing recorded\n",
                path.data, n, n == 1 ? "" : "s");
    ast_ctx_free(ctx);
    buf_free(&path);
    return n;
}

static int cmd_stamp(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned target, before = 0, v;

    if (parse_count(o->count, &target) != 0 || target == 0 ||
        target > s->n) {
        fprintf(stderr,
                "schemac: migrate stamp: no version %s in %s (the "
                "versions are 0001 to %04u)\n",
                o->count, o->dir, s->n);
        return EXIT_USER;
    }
    if (sc_migrate_check(db, s->migs, s->n) != SC_OK ||
        sc_migrate_current(db, &before) != SC_OK)
        return fail(db, "stamp");
    if (before > target) {
        fprintf(stderr,
                "schemac: migrate stamp: the database is at version "
                "%04u, past %04u: nothing recorded\n",
                before, target);
        return EXIT_USER;
    }
    if (before == target) {
        printf("nothing to stamp\n");
        print_version("now at", s, target);
        return 0;
    }
    if (stamp_drift(db, s, o->dir, target) != 0)
        return EXIT_USER;
    if (sc_migrate_stamp(db, s->migs, s->n, target) != SC_OK)
        return fail(db, "stamp");
    for (v = before + 1; v <= target; v++)
        printf("stamped  %04u %s\n", v, s->migs[v - 1].name);
    print_version("now at", s, target);
    return 0;
}

/* Runs the parsed command on the open database db. */
static int dispatch(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    if (strcmp(o->cmd, "up") == 0)
        return cmd_up(db, s, o);
    if (strcmp(o->cmd, "down") == 0)
        return cmd_down(db, s, o);
    if (strcmp(o->cmd, "status") == 0)
        return cmd_status(db, s);
    if (strcmp(o->cmd, "stamp") == 0)
        return cmd_stamp(db, s, o);
    return cmd_history(db);
}

int migrun_main(int argc, char **argv)
{
    migrun_opts o;
    migfile_set set;
    sc_db *db = NULL;
    buf err;
    int rc = parse_args(argc, argv, &o);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (strcmp(o.cmd, "up") && strcmp(o.cmd, "down") &&
        strcmp(o.cmd, "status") && strcmp(o.cmd, "history") &&
        strcmp(o.cmd, "stamp"))
        return usage_error("unknown subcommand", o.cmd);
    buf_init(&err);
    if (migfile_load(o.dir, &set, &err) != 0) {
        fprintf(stderr, "schemac: %s\n", err.data);
        rc = EXIT_USER;
        goto cleanup;
    }
    if (sc_open(o.db, &db) != SC_OK) {
        fprintf(stderr, "schemac: cannot open the database: %s\n",
                db ? sc_errmsg(db) : "out of memory");
        rc = EXIT_USER;
        goto cleanup;
    }
    rc = dispatch(db, &set, &o);
cleanup:
    sc_close(db);
    migfile_free(&set);
    buf_free(&err);
    return rc;
}
