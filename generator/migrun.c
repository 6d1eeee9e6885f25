/*
 * migrun.c - schemac migrate up|down|status|history: reads a migrations
 * directory (migfile.c), opens the database with libschemac and hands
 * both to the runner (sc_migrate() and friends), printing what happened
 * in words a person deploying an application wants to read.
 *
 *     schemac migrate up [--to V] --db URL [--dir DIR]
 *     schemac migrate down [N] --db URL [--dir DIR]
 *     schemac migrate up|down ... --sql (--db URL | --dialect D)
 *     schemac migrate status --db URL [--dir DIR]
 *     schemac migrate history --db URL [--dir DIR]
 *     schemac migrate hash [--db URL] [--dir DIR]
 *     schemac migrate stamp V --db URL [--dir DIR]
 *
 * stamp is the baseline of a database another tool made: it proves with
 * schemac check that the database is snapshot V of the directory, and
 * only then records versions 1..V as applied, without running them.
 *
 * up uses the directory's squash (DIR/squashed, migrate squash) on an
 * empty database.
 * The URL is never printed: it may hold a password.
 */
#include "migrun.h"

#include "buf.h"
#include "dialect.h"
#include "drift.h"
#include "emit_sql.h"
#include "frontend.h"
#include "fsutil.h"
#include "migfile.h"
#include "schemac.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: schemac migrate up [--to V] --db URL [--dir DIR] [OPTIONS]\n"
    "       schemac migrate down [N] --db URL [--dir DIR] [OPTIONS]\n"
    "       schemac migrate up|down ... --sql (--db URL | --dialect D\n"
    "                                          [--from V])\n"
    "       schemac migrate status --db URL [--dir DIR]\n"
    "       schemac migrate history --db URL [--dir DIR]\n"
    "       schemac migrate hash [--db URL] [--dir DIR]\n"
    "       schemac migrate stamp V --db URL [--dir DIR]\n"
    "\n"
    "Applies the migrations of DIR to a database, one transaction each.\n"
    "\n"
    "  up          apply every pending migration (or up to version V)\n"
    "  down        undo the last N applied migrations (default 1)\n"
    "  status      show the current and head versions and what is pending\n"
    "  history     list the migrations the database has applied\n"
    "  hash        seal schemac.sum again after a reviewed edit; with --db,\n"
    "              refused while that database applied other text\n"
    "  stamp       record versions 1..V as applied without running them,\n"
    "              once schemac check finds the database equal to the\n"
    "              snapshot of version V (a database adopted with pull)\n"
    "\n"
    "  --db URL    the database: sqlite:PATH or postgresql://...\n"
    "  --dir DIR   the migrations directory (default: migrations)\n"
    "  --to V      with up: stop at version V\n"
    "  --sql       print the script instead of running it, version table\n"
    "              statements included, for the database's dialect (or\n"
    "              --dialect sqlite|postgresql, from version --from V,\n"
    "              default 0 for up and the head for down)\n"
    "  --lock-timeout MS  PostgreSQL: the longest a statement waits for a\n"
    "              lock (default 5000; 0: no limit)\n"
    "  --retries N a step that timed out on a lock runs again, at most N\n"
    "              more times (default 3)\n";

typedef struct migrun_opts {
    const char *cmd;
    const char *dir;
    const char *db;
    const char *count; /* --to V for up, N for down, V for stamp */
    const char *dialect;
    const char *from;
    const char *lock_timeout;
    const char *retries;
    bool sql;
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
    sql_dialect d;
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
        bool moving = strcmp(o->cmd, "up") == 0 ||
                      strcmp(o->cmd, "down") == 0;

        if (strcmp(a, "--dir") == 0)
            slot = &o->dir;
        else if (strcmp(a, "--db") == 0)
            slot = &o->db;
        else if (strcmp(a, "--sql") == 0 && moving)
            o->sql = true;
        else if (strcmp(a, "--dialect") == 0 && moving)
            slot = &o->dialect;
        else if (strcmp(a, "--from") == 0 && moving)
            slot = &o->from;
        else if (strcmp(a, "--lock-timeout") == 0 && moving)
            slot = &o->lock_timeout;
        else if (strcmp(a, "--retries") == 0 && moving)
            slot = &o->retries;
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
    if ((o->dialect || o->from) && !o->sql)
        return usage_error("--dialect and --from go with --sql", NULL);
    if (o->dialect && !emit_sql_dialect(o->dialect, &d))
        return usage_error("--dialect is sqlite or postgresql, not",
                           o->dialect);
    if (o->db == NULL && !(o->sql && o->dialect) &&
        strcmp(o->cmd, "hash") != 0)
        return usage_error("--db URL is required", NULL);
    if (o->db != NULL && o->dialect)
        return usage_error("--db and --dialect: choose one", NULL);
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

/* What the runner's hook keeps between events: how many steps this run
 * made, for "nothing to apply", and the time the step began. */
typedef struct run_state {
    unsigned made;
    sc_db *db;
    bool tty;            /* stdout is a terminal: one progress line */
    bool line_open;      /* a progress line waits to be overwritten */
    unsigned version;    /* of the step being timed */
    struct timespec began;
} run_state;

static double since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) +
           (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int one_value(void *ctx, int ncols, const char *const *texts)
{
    char *out = ctx;

    if (ncols > 0 && texts[0] != NULL)
        snprintf(out, 32, "%s", texts[0]);
    return 1;
}

/* The table a statement works on (after ALTER TABLE, ON, UPDATE, INSERT
 * INTO, DELETE FROM), unquoted, in out; false when none is found. */
static bool table_of(const char *sql, char *out, size_t size)
{
    static const char *const keys[] = {"ALTER TABLE ", " ON ", "UPDATE ",
                                       "INSERT INTO ", "DELETE FROM "};
    const char *p = NULL, *q;
    size_t i, n = 0;

    for (i = 0; p == NULL && i < sizeof keys / sizeof keys[0]; i++)
        p = strstr(sql, keys[i]) ? strstr(sql, keys[i]) + strlen(keys[i])
                                 : NULL;
    if (p == NULL)
        return false;
    if (strncmp(p, "ONLY ", 5) == 0)
        p += 5;
    if (*p == '"' || *p == '`') {
        for (q = p + 1; *q && *q != *p && n + 1 < size; q++)
            out[n++] = *q;
    } else {
        for (q = p; (isalnum((unsigned char)*q) || *q == '_') &&
                    n + 1 < size; q++)
            out[n++] = *q;
    }
    out[n] = '\0';
    return n > 0;
}

/* " (users: 1000 rows)" for the table sql works on, or "": the count on
 * SQLite, the catalog's estimate where the dialect has one, which costs
 * nothing and takes no lock on the table (a count could wait for one,
 * time out and fail the step's transaction, which nothing here may do). */
static void rows_note(sc_db *db, const char *sql, char *out, size_t size)
{
    const sc__dialect *dl = sc__dialect_of(sc_db_dialect(db));
    char table[128], q[400], value[32] = "";

    out[0] = '\0';
    if (sql == NULL || !table_of(sql, table, sizeof table) ||
        strchr(table, '\'') != NULL)
        return;
    if (dl->row_estimate != NULL) {
        snprintf(q, sizeof q, dl->row_estimate, table);
    } else {
        snprintf(q, sizeof q, dl->table_exists, table);
        if (sc_query_sql_each(db, q, one_value, value) != SC_OK ||
            strcmp(value, "1") != 0)
            return;
        snprintf(q, sizeof q, "SELECT count(*) FROM %c%s%c", dl->quote_open,
                 table, dl->quote_close);
    }
    value[0] = '\0';
    if (sc_query_sql_each(db, q, one_value, value) != SC_OK ||
        value[0] == '\0' || strcmp(value, "-2") == 0)
        return;
    if (strcmp(value, "-1") == 0)
        snprintf(out, size, " (%s: rows not counted yet)", table);
    else
        snprintf(out, size, " (%s: %s%s rows)", table,
                 dl->row_estimate != NULL ? "about " : "",
                 value);
}

/* The first line of sql, cut to fit a line. */
static void first_line(const char *sql, char *out, size_t size)
{
    size_t n = 0;

    while (sql != NULL && (*sql == '\n' || *sql == ' ' ||
                           (sql[0] == '-' && sql[1] == '-'))) {
        if (*sql == '-')
            sql = strchr(sql, '\n') ? strchr(sql, '\n') : "";
        else
            sql++;
    }
    while (sql != NULL && sql[n] && sql[n] != '\n' && n + 1 < size)
        n++;
    if (sql != NULL)
        memcpy(out, sql, n);
    out[n] = '\0';
    if (sql != NULL && n + 1 == size && size > 4)
        memcpy(out + size - 4, "...", 4);
}

/* A line of progress: on a terminal it replaces the one before. */
static void progress_line(run_state *st, const char *text)
{
    if (st->tty) {
        printf("\r\033[K%s", text);
        st->line_open = true;
    } else {
        printf("%s\n", text);
    }
}

/* The runner's events, as lines: what runs, with its table's rows; only
 * the steps this run made are "applied" or "undid" (another runner may
 * make the others), with the time they took when it is a second or
 * more. */
static void on_event(void *ctx, const sc_migrate_event *e)
{
    run_state *st = ctx;
    char line[600], what[100], rows[200], parts[40] = "";
    double t;

    if (e->version != st->version) {
        st->version = e->version;
        clock_gettime(CLOCK_MONOTONIC, &st->began);
    }
    switch (e->kind) {
    case SC_MIGRATE_PART:
    case SC_MIGRATE_STATEMENT:
        first_line(e->sql, what, sizeof what);
        if (what[0] == '\0')
            break;
        rows_note(st->db, e->sql, rows, sizeof rows);
        if (e->nparts > 1)
            snprintf(parts, sizeof parts, " part %u of %u", e->part,
                     e->nparts);
        snprintf(line, sizeof line, "running  %04u %s%s: %s%s", e->version,
                 e->name, parts, what, rows);
        progress_line(st, line);
        break;
    case SC_MIGRATE_APPLIED:
    case SC_MIGRATE_UNDONE:
        if (st->line_open)
            printf("\r\033[K");
        st->line_open = false;
        t = since(&st->began);
        printf("%s %04u %s", e->kind == SC_MIGRATE_APPLIED ? "applied "
                                                          : "undid   ",
               e->version, e->name);
        if (t >= 1.0)
            printf(" (%.1f s)", t);
        printf("\n");
        st->made++;
        st->version = 0;
        break;
    case SC_MIGRATE_RETRY:
        if (st->line_open)
            printf("\n");
        st->line_open = false;
        printf("retry    %04u %s: a lock was not free in time, retry %u "
               "of %u\n", e->version, e->name, e->part, e->nparts);
        break;
    }
    fflush(stdout);
}

/* The runner's options from the command line; -1 after a usage error. */
static int run_options(const migrun_opts *o, sc_db *db,
                       sc_migrate_options *mo, run_state *st)
{
    sc_migrate_options init = SC_MIGRATE_OPTIONS_INIT;

    *mo = init;
    memset(st, 0, sizeof *st);
    st->db = db;
    st->tty = isatty(fileno(stdout));
    mo->hook = on_event;
    mo->hook_ctx = st;
    if (o->lock_timeout && parse_count(o->lock_timeout,
                                       &mo->lock_timeout_ms) != 0)
        return usage_error("--lock-timeout takes milliseconds, not",
                           o->lock_timeout);
    if (o->retries && parse_count(o->retries, &mo->lock_retries) != 0)
        return usage_error("--retries takes a number, not", o->retries);
    return 0;
}

/* On a failure, ends the open progress line first. */
static int fail_step(run_state *st, sc_db *db, const char *cmd)
{
    if (st->line_open)
        printf("\n");
    fflush(stdout);
    return fail(db, cmd);
}

/* migrate up|down --sql: the script from the database's version (or
 * --from) to the target, printed. */
static int cmd_sql(sc_db *db, const migfile_set *s, const migrun_opts *o,
                   bool up, unsigned arg)
{
    sc_dialect d;
    unsigned from = up ? 0 : s->n, to;
    sc_arena *a;
    const char *text;
    int rc;

    if (db != NULL) {
        unsigned v, part, nparts;
        bool half_up;

        d = sc_db_dialect(db);
        if (sc_migrate_check(db, s->migs, s->n) != SC_OK ||
            sc_migrate_current(db, &from) != SC_OK ||
            sc_migrate_pending_part(db, s->migs, s->n, &v, &half_up, &part,
                                    &nparts) != SC_OK)
            return fail(db, o->cmd);
        if (v > 0) {
            fprintf(stderr, "schemac: migrate %s --sql: migration %04u %s "
                            "is half done (part %u of %u next): finish it "
                            "with migrate %s first\n", o->cmd, v,
                    s->migs[v - 1].name, part, nparts,
                    half_up ? "up" : "down");
            return EXIT_USER;
        }
    } else {
        emit_sql_dialect(o->dialect, &d);
        if (o->from && (parse_count(o->from, &from) != 0 || from > s->n))
            return usage_error("--from takes a version of DIR, not",
                               o->from);
    }
    if (up)
        to = arg == SC_MIGRATE_HEAD ? s->n : arg;
    else
        to = arg < from ? from - arg : 0;
    if (up && (to > s->n || to < from))
        return fail_with("the target is not ahead of the version to start "
                         "from", o->cmd);
    if ((a = sc_arena_new()) == NULL)
        return fail_with("out of memory", o->cmd);
    rc = sc_migrate_sql(d, s->migs, s->n, from, to, a, &text);
    if (rc == SC_OK)
        fputs(text, stdout);
    sc_arena_free(a);
    if (rc == SC_ERROR)
        return fail_with("a migration to undo has no down script", o->cmd);
    return rc == SC_OK ? 0 : fail_with(sc_errstr(rc), o->cmd);
}

/*
 * The squash of DIR (DIR/squashed/0001_to_VVVV.*, written by migrate
 * squash), if any: 0 with *to 0 when there is none, 0 with the squash in
 * *sq (its version set to VVVV) when it matches DIR, else an exit status
 * after a message.
 */
static int load_squash(const migrun_opts *o, const migfile_set *s,
                       migfile_set *sq, unsigned *to)
{
    char path[4096], *a = NULL, *b = NULL, *snap;
    size_t al, bl;
    buf err;
    bool same;

    *to = 0;
    memset(sq, 0, sizeof *sq);
    snprintf(path, sizeof path, "%s/squashed", o->dir);
    if (access(path, F_OK) != 0)
        return 0;
    buf_init(&err);
    if (migfile_load(path, sq, &err) != 0 || sq->n != 1 ||
        strncmp(sq->migs[0].name, "to_", 3) != 0 ||
        parse_count(sq->migs[0].name + 3, to) != 0 || *to == 0 ||
        *to > s->n) {
        fprintf(stderr, "schemac: %s: %s\n", path,
                err.len ? err.data : "not a squash of this directory: "
                                     "write it again with migrate squash");
        buf_free(&err);
        migfile_free(sq);
        return EXIT_USER;
    }
    /* the squash must have been made from this directory's snapshot */
    snap = migfile_file(o->dir, *to, ".schema", &err);
    snprintf(path, sizeof path, "%s/squashed/0001_%s.schema", o->dir,
             sq->migs[0].name);
    same = snap != NULL && fs_read(snap, &a, &al) == 0 &&
           fs_read(path, &b, &bl) == 0 && al == bl &&
           memcmp(a, b, al) == 0;
    free(snap);
    free(a);
    free(b);
    buf_free(&err);
    if (!same) {
        fprintf(stderr, "schemac: %s differs from the snapshot of %04u: "
                        "write the squash again with migrate squash --to "
                        "%u\n", path, *to, *to);
        migfile_free(sq);
        return EXIT_USER;
    }
    sq->migs[0].version = *to;
    return 0;
}

static int cmd_up(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned after = 0, target = SC_MIGRATE_HEAD, to;
    sc_migrate_options mo;
    migfile_set sq;
    run_state st;
    int rc;

    if (o->count && parse_count(o->count, &target) != 0)
        return usage_error("--to takes a version number, not", o->count);
    if (o->sql)
        return cmd_sql(db, s, o, true, target);
    if (run_options(o, db, &mo, &st) != 0)
        return EXIT_USAGE;
    if ((rc = load_squash(o, s, &sq, &to)) != 0)
        return rc;
    rc = to > 0 ? sc_migrate_squashed(db, s->migs, s->n, &sq.migs[0], to,
                                      target, &mo)
                : sc_migrate_with(db, s->migs, s->n, target, &mo);
    migfile_free(&sq);
    if (rc != SC_OK)
        return fail_step(&st, db, "up");
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
    run_state st;

    if (o->count && parse_count(o->count, &steps) != 0)
        return usage_error("down takes a number of migrations, not",
                           o->count);
    if (o->sql)
        return cmd_sql(db, s, o, false, steps);
    if (run_options(o, db, &mo, &st) != 0)
        return EXIT_USAGE;
    if (sc_migrate_down_with(db, s->migs, s->n, steps, &mo) != SC_OK)
        return fail_step(&st, db, "down");
    if (sc_migrate_current(db, &after) != SC_OK)
        return fail(db, "down");
    if (st.made == 0)
        printf("nothing to undo\n");
    print_version("now at", s, after);
    return 0;
}

/* migrate hash: seals schemac.sum over the files as they are, after the
 * reviewed edit; with a database, refuses while it applied (or began)
 * a migration whose text is now other. */
static int cmd_hash(sc_db *db, const migfile_set *s, const migrun_opts *o)
{
    unsigned v, part, nparts;
    bool up;

    if (db != NULL && (sc_migrate_check(db, s->migs, s->n) != SC_OK ||
                       sc_migrate_pending_part(db, s->migs, s->n, &v, &up,
                                               &part, &nparts) != SC_OK)) {
        fprintf(stderr, "schemac: migrate hash: refused: %s; the database "
                        "runs what it applied, so sealing the new text "
                        "would hide the difference: undo it there first "
                        "(migrate down with the old text), or put the "
                        "applied text back\n", sc_errmsg(db));
        return EXIT_USER;
    }
    if (migfile_write_sum(o->dir) != 0)
        return EXIT_USER;
    printf("sealed   %s/schemac.sum over %u migration%s\n", o->dir, s->n,
           s->n == 1 ? "" : "s");
    return 0;
}

/* The first value of a row, as an unsigned number. */
static int first_uint(void *ctx, int ncols, const char *const *texts)
{
    if (ncols > 0 && texts[0] != NULL)
        *(unsigned *)ctx = (unsigned)strtoul(texts[0], NULL, 10);
    return 1;
}

/* "half done  0002 add_karma: part 2 of 3 failed; up resumes there",
 * with the statement that failed when the part runs outside a
 * transaction (every part on MariaDB), whose statements before it are
 * done and recorded. */
static void print_half_done(sc_db *db, const migfile_set *s, unsigned v,
                            bool up, unsigned part, unsigned nparts)
{
    const sc_migration_script *sc = &s->migs[v - 1].scripts[sc_db_dialect(db)];
    const sc_migration_part *p = up ? sc->ups : sc->downs;
    unsigned total = 0, done = 0;
    char q[200];

    if (p != NULL && part <= (up ? sc->nup : sc->ndown) &&
        !p[part - 1].transactional) {
        while (p[part - 1].sql[total] != NULL)
            total++;
        snprintf(q, sizeof q, "SELECT statements FROM "
                 "schemac_migration_parts WHERE version = %u AND "
                 "direction = '%s' AND part = %u", v, up ? "up" : "down",
                 part);
        if (sc_query_sql_each(db, q, first_uint, &done) == SC_OK &&
            done < total) {
            printf("half done  %04u %s: part %u of %u, statement %u of %u "
                   "failed; %s resumes there\n", v, s->migs[v - 1].name,
                   part, nparts, done + 1, total, up ? "up" : "down");
            return;
        }
    }
    printf("half done  %04u %s: part %u of %u failed; %s resumes there\n",
           v, s->migs[v - 1].name, part, nparts, up ? "up" : "down");
}

static int cmd_status(sc_db *db, const migfile_set *s,
                      const migrun_opts *o)
{
    unsigned current, v, part, nparts, to;
    migfile_set sq;
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
        print_half_done(db, s, v, up, part, nparts);
    if (load_squash(o, s, &sq, &to) != 0)
        return EXIT_USER;
    if (to > 0 && sc__dialect_of(sc_db_dialect(db))->transactional_ddl)
        printf("squash   0001..%04u, which up runs at once on an empty "
               "database\n", to);
    else if (to > 0)
        printf("squash   0001..%04u, which up does not use: no transaction "
               "holds DDL here, so up runs the migrations\n", to);
    migfile_free(&sq);
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
        return cmd_status(db, s, o);
    if (strcmp(o->cmd, "hash") == 0)
        return cmd_hash(db, s, o);
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
        strcmp(o.cmd, "hash") && strcmp(o.cmd, "stamp"))
        return usage_error("unknown subcommand", o.cmd);
    buf_init(&err);
    if ((strcmp(o.cmd, "hash") == 0 ? migfile_load_unsealed
                                    : migfile_load)(o.dir, &set, &err) != 0) {
        fprintf(stderr, "schemac: %s\n", err.data);
        rc = EXIT_USER;
        goto cleanup;
    }
    if (o.db != NULL && sc_open(o.db, &db) != SC_OK) {
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
