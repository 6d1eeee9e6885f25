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
 *
 * The URL is never printed: it may hold a password.
 */
#include "migrun.h"

#include "buf.h"
#include "migfile.h"
#include "schemac.h"

#include <stdbool.h>
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
    "\n"
    "Applies the migrations of DIR to a database, one transaction each.\n"
    "\n"
    "  up          apply every pending migration (or up to version V)\n"
    "  down        undo the last N applied migrations (default 1)\n"
    "  status      show the current and head versions and what is pending\n"
    "  history     list the migrations the database has applied\n"
    "\n"
    "  --db URL    the database: sqlite:PATH or postgresql://... (required)\n"
    "  --dir DIR   the migrations directory (default: migrations)\n"
    "  --to V      with up: stop at version V\n";

typedef struct migrun_opts {
    const char *cmd;
    const char *dir;
    const char *db;
    const char *count; /* --to V for up, N for down */
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
        else if (a[0] != '-' && strcmp(o->cmd, "down") == 0 && !o->count)
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

/* What the runner's hook keeps between events: how many steps this run
 * made, for "nothing to apply". */
typedef struct run_state {
    unsigned made;
} run_state;

/* The runner's events, as lines: only the steps this run made are
 * "applied" or "undid" (another runner may make the others). */
static void on_event(void *ctx, const sc_migrate_event *e)
{
    run_state *st = ctx;

    switch (e->kind) {
    case SC_MIGRATE_APPLIED:
    case SC_MIGRATE_UNDONE:
        printf("%s %04u %s\n", e->kind == SC_MIGRATE_APPLIED ? "applied "
                                                             : "undid   ",
               e->version, e->name);
        st->made++;
        break;
    case SC_MIGRATE_RETRY:
        printf("retry    %04u %s: lock timeout, try %u of %u\n",
               e->version, e->name, e->part, e->nparts);
        break;
    default:
        break;
    }
    fflush(stdout);
}

static void run_options(sc_migrate_options *mo, run_state *st)
{
    sc_migrate_options init = SC_MIGRATE_OPTIONS_INIT;

    *mo = init;
    mo->hook = on_event;
    mo->hook_ctx = st;
}

static int cmd_up(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned after = 0, target = SC_MIGRATE_HEAD;
    sc_migrate_options mo;
    run_state st = {0};

    if (o->count && parse_count(o->count, &target) != 0)
        return usage_error("--to takes a version number, not", o->count);
    run_options(&mo, &st);
    if (sc_migrate_with(db, s->migs, s->n, target, &mo) != SC_OK)
        return fail(db, "up");
    if (sc_migrate_current(db, &after) != SC_OK)
        return fail(db, "up");
    if (st.made == 0)
        printf("nothing to apply\n");
    print_version("now at", s, after);
    return 0;
}

static int cmd_down(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned after = 0, steps = 1;
    sc_migrate_options mo;
    run_state st = {0};

    if (o->count && parse_count(o->count, &steps) != 0)
        return usage_error("down takes a number of migrations, not",
                           o->count);
    run_options(&mo, &st);
    if (sc_migrate_down_with(db, s->migs, s->n, steps, &mo) != SC_OK)
        return fail(db, "down");
    if (sc_migrate_current(db, &after) != SC_OK)
        return fail(db, "down");
    if (st.made == 0)
        printf("nothing to undo\n");
    print_version("now at", s, after);
    return 0;
}

static int cmd_status(sc_db *db, const migfile_set *s)
{
    unsigned current, v, part, nparts;
    bool up;

    if (sc_migrate_current(db, &current) != SC_OK)
        return fail(db, "status");
    print_version("current", s, current);
    print_version("head", s, s->n);
    if (sc_migrate_check(db, s->migs, s->n) != SC_OK)
        return fail(db, "status");
    printf("pending  %u\n", current < s->n ? s->n - current : 0);
    for (v = current + 1; v <= s->n; v++)
        printf("  %04u %s\n", v, s->migs[v - 1].name);
    if (sc_migrate_pending_part(db, s->migs, s->n, &v, &up, &part,
                                &nparts) != SC_OK)
        return fail(db, "status");
    if (v > 0)
        printf("half done  %04u %s: part %u of %u failed; %s resumes "
               "there\n", v, s->migs[v - 1].name, part, nparts,
               up ? "up" : "down");
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

/* Runs the parsed command on the open database db. */
static int dispatch(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    if (strcmp(o->cmd, "up") == 0)
        return cmd_up(db, s, o);
    if (strcmp(o->cmd, "down") == 0)
        return cmd_down(db, s, o);
    if (strcmp(o->cmd, "status") == 0)
        return cmd_status(db, s);
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
        strcmp(o.cmd, "status") && strcmp(o.cmd, "history"))
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
