/*
 * migrate.c - the migration runner of libschemac: brings a database from
 * the version it records to another, one migration per transaction, as
 * docs/MIGRATIONS.md describes.  The migrations come from the caller as
 * data (sc_migration), embedded by generated code or read from a
 * directory by the schemac command line; this file never reads files.
 *
 * The database records what it has applied in the table
 * schemac_migrations.  Before anything runs, every recorded version is
 * compared with the migration of the same version: an edited, renamed or
 * missing migration stops the runner.  Each step then opens a write
 * transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL a transaction
 * holding an advisory lock), reads the version again, since another runner
 * may have moved it while this one waited, and only then runs the guards,
 * the script and the change to the version table.  Any failure rolls the
 * step back, so the database stays at the version before it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"

/* The advisory lock every runner on a PostgreSQL database takes: the
 * bytes "schemac!" read as a big-endian 64-bit integer. */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(8315162400540467489)"

#define TABLE_SQL                                                           \
    "CREATE TABLE IF NOT EXISTS schemac_migrations ("                       \
    "version integer PRIMARY KEY, name text NOT NULL, "                     \
    "checksum text NOT NULL, applied_at text NOT NULL)"

#define HISTORY_SQL                                                         \
    "SELECT version, name, checksum, applied_at FROM schemac_migrations "   \
    "ORDER BY version"

/* ---------------------------------------------------------------------
 * Statements with parameters and rows, for the few this file runs.
 * ------------------------------------------------------------------- */

/* Prepares sql, binds the n values already in db->vals, and steps once.
 * On success *stmt is the statement (finalize it) and *row says whether
 * a row is ready. */
static int run_stmt(sc_db *db, const char *sql, size_t n, void **stmt,
                    bool *row)
{
    const char *why;
    size_t i;
    int rc;

    *stmt = NULL;
    if (db->be->prepare(db->conn, sql, false, stmt) != SC_OK)
        return sc__fail_stmt(db, NULL, NULL, OP_NONE, NULL);
    for (i = 0; i < n; i++) {
        if (db->be->bind(*stmt, (int)i + 1, &db->vals[i], &why) != SC_OK)
            return sc__set_error(db, SC_MISUSE, NULL, NULL,
                                 "cannot bind parameter %zu: %s", i + 1,
                                 why != NULL ? why : "refused");
    }
    rc = sc__step_traced(db, *stmt, sql, n);
    if (rc != SC__ROW && rc != SC__DONE)
        return sc__fail_stmt(db, *stmt, NULL, OP_NONE, NULL);
    *row = rc == SC__ROW;
    return SC_OK;
}

/* Steps stmt again after run_stmt() found a row. */
static int step_more(sc_db *db, void *stmt, bool *row)
{
    int rc = db->be->step(stmt);

    *row = rc == SC__ROW;
    if (rc != SC__ROW && rc != SC__DONE)
        return sc__fail_stmt(db, stmt, NULL, OP_NONE, NULL);
    return SC_OK;
}

static void stmt_done(sc_db *db, void *stmt)
{
    if (stmt != NULL)
        db->be->finalize(stmt);
}

/* The integer in the first column of the first row of sql (0 when it
 * returns no row or NULL). */
static int query_int(sc_db *db, const char *sql, int64_t *out)
{
    sc_value v;
    void *stmt;
    bool row;
    int rc = run_stmt(db, sql, 0, &stmt, &row);

    *out = 0;
    if (rc == SC_OK && row) {
        rc = db->be->column(stmt, 0, SC_VAL_INT, &v);
        if (rc == SC_OK && v.kind == SC_VAL_INT)
            *out = v.i;
        else if (rc != SC_OK)
            rc = sc__nomem(db);
    }
    stmt_done(db, stmt);
    return rc;
}

/* Text column i of stmt's current row, copied into a ("" for NULL). */
static int column_text(sc_db *db, void *stmt, int i, sc_arena *a,
                       const char **out)
{
    sc_value v;

    if (db->be->column(stmt, i, SC_VAL_TEXT, &v) != SC_OK)
        return sc__nomem(db);
    *out = sc__arena_copy(a, v.kind == SC_VAL_TEXT ? v.p : "",
                          v.kind == SC_VAL_TEXT ? v.len : 0);
    return *out != NULL ? SC_OK : sc__nomem(db);
}

static void text_param(sc_value *v, const char *s)
{
    memset(v, 0, sizeof *v);
    v->kind = SC_VAL_TEXT;
    v->type = SC_TYPE_TEXT;
    v->p = s;
    v->len = strlen(s);
}

static void int_param(sc_value *v, int64_t i)
{
    memset(v, 0, sizeof *v);
    v->kind = SC_VAL_INT;
    v->type = SC_TYPE_INT32;
    v->i = i;
}

/* ---------------------------------------------------------------------
 * Messages.  Every error of a step names its migration.
 * ------------------------------------------------------------------- */

/* Puts "migration 0002 add_karma: " in front of db's message, keeping
 * the codes, table and column the database reported. */
static int name_error(sc_db *db, const sc_migration *mg, int rc)
{
    char msg[sizeof db->err.msg + 256];
    size_t n;

    n = (size_t)snprintf(msg, sizeof msg, "migration %04u %.200s: %s",
                         mg->version, mg->name, db->err.msg);
    if (n >= sizeof db->err.msg)
        n = sizeof db->err.msg - 1;
    memcpy(db->err.msg, msg, n);
    db->err.msg[n] = '\0';
    return rc;
}

/* ---------------------------------------------------------------------
 * The version table.
 * ------------------------------------------------------------------- */

/* Whether schemac_migrations exists, asked without creating it. */
static int table_exists(sc_db *db, bool *yes)
{
    const char *sql =
        db->be->dialect == SC_DIALECT_SQLITE
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
              "AND name = 'schemac_migrations'"
            : "SELECT (to_regclass('schemac_migrations') IS NOT NULL)::int";
    int64_t n;
    int rc = query_int(db, sql, &n);

    *yes = n > 0;
    return rc;
}

/* Reads the rows of the version table into a (an empty history when the
 * table does not exist yet). */
static int read_history(sc_db *db, sc_arena *a, sc_migration_record **rows,
                        size_t *n)
{
    sc_migration_record *r = NULL;
    void *stmt = NULL;
    int64_t count;
    bool exists, row;
    size_t k = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    rc = table_exists(db, &exists);
    if (rc != SC_OK || !exists)
        return rc;
    rc = query_int(db, "SELECT count(*) FROM schemac_migrations", &count);
    if (rc != SC_OK || count <= 0)
        return rc;
    r = sc_arena_alloc(a, (size_t)count * sizeof *r);
    if (r == NULL)
        return sc__nomem(db);
    rc = run_stmt(db, HISTORY_SQL, 0, &stmt, &row);
    while (rc == SC_OK && row && k < (size_t)count) {
        sc_value v;

        if (db->be->column(stmt, 0, SC_VAL_INT, &v) != SC_OK) {
            rc = sc__nomem(db);
            break;
        }
        r[k].version = (unsigned)v.i;
        rc = column_text(db, stmt, 1, a, &r[k].name);
        if (rc == SC_OK)
            rc = column_text(db, stmt, 2, a, &r[k].checksum);
        if (rc == SC_OK)
            rc = column_text(db, stmt, 3, a, &r[k].applied_at);
        if (rc != SC_OK)
            break;
        k++;
        rc = step_more(db, stmt, &row);
    }
    stmt_done(db, stmt);
    *rows = r;
    *n = k;
    return rc;
}

/* Compares the applied history with the n migrations m: each recorded
 * version must be the next one and match its migration's name and
 * checksum.  *current receives the last applied version. */
static int verify_rows(sc_db *db, const sc_migration *m, unsigned n,
                       const sc_migration_record *r, size_t nr,
                       unsigned *current)
{
    size_t i;

    *current = 0;
    for (i = 0; i < nr; i++) {
        const sc_migration *mg;

        if (r[i].version != i + 1)
            return sc__set_error(db, SC_ERROR, "schemac_migrations", NULL,
                                 "the version table skips migration %04zu: "
                                 "it was changed by hand", i + 1);
        if (r[i].version > n)
            return sc__set_error(db, SC_ERROR, NULL, NULL,
                                 "migration %04u %s was applied to the "
                                 "database but is missing from the "
                                 "migrations given (head %04u)",
                                 r[i].version, r[i].name, n);
        mg = &m[i];
        if (strcmp(mg->name, r[i].name) != 0)
            return sc__set_error(db, SC_ERROR, NULL, NULL,
                                 "migration %04u %s was renamed to %s "
                                 "after it was applied", r[i].version,
                                 r[i].name, mg->name);
        if (strcmp(mg->checksum, r[i].checksum) != 0)
            return sc__set_error(db, SC_ERROR, NULL, NULL,
                                 "migration %04u %s was edited after it "
                                 "was applied (checksum %.12s applied, "
                                 "%.12s now)", r[i].version, r[i].name,
                                 r[i].checksum, mg->checksum);
        *current = r[i].version;
    }
    return SC_OK;
}

/* Reads the history and verifies it against m (see verify_rows()). */
static int verify(sc_db *db, const sc_migration *m, unsigned n,
                  unsigned *current)
{
    sc_migration_record *rows;
    size_t nrows;
    sc_arena *a = sc_arena_new();
    int rc;

    *current = 0;
    if (a == NULL)
        return sc__nomem(db);
    rc = read_history(db, a, &rows, &nrows);
    if (rc == SC_OK)
        rc = verify_rows(db, m, n, rows, nrows, current);
    sc_arena_free(a);
    return rc;
}

/* Records (up) or forgets (down) migration mg in the version table. */
static int write_row(sc_db *db, const sc_migration *mg, bool up)
{
    sc__buf sql = {0};
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    void *stmt = NULL;
    bool row;
    int k = 0, rc;

    rc = sc__need_vals(db, 4);
    if (rc != SC_OK)
        return rc;
    int_param(&db->vals[0], mg->version);
    if (up) {
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        text_param(&db->vals[1], mg->name);
        text_param(&db->vals[2], mg->checksum);
        text_param(&db->vals[3], when);
        sc__buf_puts(&sql, "INSERT INTO schemac_migrations (version, name, "
                           "checksum, applied_at) VALUES (");
        for (k = 0; k < 4;) {
            if (k > 0)
                sc__buf_puts(&sql, ", ");
            sc__put_placeholder(db, &sql, &k);
        }
        sc__buf_puts(&sql, ")");
    } else {
        sc__buf_puts(&sql, "DELETE FROM schemac_migrations WHERE version = ");
        sc__put_placeholder(db, &sql, &k);
    }
    if (sql.failed)
        rc = sc__nomem(db);
    else
        rc = run_stmt(db, sql.s, (size_t)k, &stmt, &row);
    stmt_done(db, stmt);
    sc__buf_free(&sql);
    return rc;
}

/* ---------------------------------------------------------------------
 * Transactions of their own.  The runner does not go through
 * sc_begin(), which starts a deferred transaction on SQLite: a step must
 * hold the write lock before it reads the version, or two runners could
 * both read it and both go on.
 * ------------------------------------------------------------------- */

static bool sqlite_fk_off(const sc_db *db, const sc_migration_script *s,
                          bool up)
{
    return db->be->dialect == SC_DIALECT_SQLITE &&
           (up ? s->foreign_keys_off : s->down_foreign_keys_off);
}

/* Opens a write transaction, with foreign keys off first when fk_off
 * (SQLite ignores the pragma inside a transaction). */
static int txn_begin(sc_db *db, bool fk_off)
{
    int rc = SC_OK;

    if (fk_off)
        rc = sc_exec(db, "PRAGMA foreign_keys = OFF");
    if (rc == SC_OK)
        rc = sc_exec(db, db->be->begin_write_sql);
    if (rc == SC_OK)
        db->depth = 1;
    if (rc == SC_OK && db->be->dialect == SC_DIALECT_POSTGRESQL)
        rc = sc_exec(db, LOCK_SQL);
    return rc;
}

/* Commits when rc is SC_OK, else rolls back keeping the error of rc;
 * turns foreign keys back on either way.  Returns the outcome. */
static int txn_end(sc_db *db, int rc, bool fk_off)
{
    sc__error_state saved;
    int rc2;

    if (rc == SC_OK && db->depth > 0)
        rc = sc_exec(db, "COMMIT");
    saved = db->err;
    if (rc != SC_OK && db->be->in_transaction(db->conn))
        sc_exec(db, "ROLLBACK");
    db->depth = 0;
    if (fk_off) {
        rc2 = sc_exec(db, "PRAGMA foreign_keys = ON");
        if (rc == SC_OK)
            rc = rc2;
    }
    if (rc != SC_OK && saved.code != SC_OK)
        db->err = saved;
    return rc;
}

/* ---------------------------------------------------------------------
 * The parts of a step.
 * ------------------------------------------------------------------- */

/* The script of mg for db's dialect. */
static const sc_migration_script *script_of(const sc_db *db,
                                            const sc_migration *mg)
{
    return db->be->dialect == SC_DIALECT_SQLITE ? &mg->sqlite
                                                : &mg->postgresql;
}

/* Runs the guards of s; the first that counts rows stops the step. */
static int run_guards(sc_db *db, const sc_migration *mg,
                      const sc_migration_script *s, bool up)
{
    const sc_migration_guard *list = up ? s->guards : s->down_guards;
    unsigned i, n = up ? s->nguards : s->ndown_guards;
    int64_t rows;
    int rc;

    for (i = 0; i < n; i++) {
        const sc_migration_guard *g = &list[i];
        bool whole = strcmp(g->column, "*") == 0;

        rc = query_int(db, g->sql, &rows);
        if (rc != SC_OK)
            return name_error(db, mg, rc);
        if (rows != 0)
            return sc__set_error(db, SC_CONSTRAINT_CHECK, g->table,
                                 whole ? NULL : g->column,
                                 "migration %04u %s stopped: %s.%s: "
                                 "%" PRId64 " %s: %s", mg->version,
                                 mg->name, g->table, g->column, rows,
                                 rows == 1 ? "row" : "rows", g->reason);
    }
    return SC_OK;
}

/* SQLite's foreign_key_check after a rebuild with foreign keys off: a
 * row that references nothing stops the step. */
static int fk_check(sc_db *db, const sc_migration *mg)
{
    char table[128] = "", parent[128] = "";
    sc_value v;
    void *stmt;
    bool row;
    int rc = run_stmt(db, "PRAGMA foreign_key_check", 0, &stmt, &row);

    if (rc == SC_OK && row) {
        if (db->be->column(stmt, 0, SC_VAL_TEXT, &v) == SC_OK &&
            v.kind == SC_VAL_TEXT)
            snprintf(table, sizeof table, "%.*s", (int)v.len,
                     (const char *)v.p);
        if (db->be->column(stmt, 2, SC_VAL_TEXT, &v) == SC_OK &&
            v.kind == SC_VAL_TEXT)
            snprintf(parent, sizeof parent, "%.*s", (int)v.len,
                     (const char *)v.p);
        rc = sc__set_error(db, SC_CONSTRAINT_FOREIGNKEY, table, NULL,
                           "migration %04u %s stopped: foreign key check "
                           "failed: a row of %s references %s, which has "
                           "no matching row", mg->version, mg->name, table,
                           parent);
    } else if (rc != SC_OK) {
        rc = name_error(db, mg, rc);
    }
    stmt_done(db, stmt);
    return rc;
}

/* Runs a script (several statements; NULL or empty: nothing), given
 * whole or as pieces to join. */
static int run_script(sc_db *db, const sc_migration *mg, const char *sql,
                      const char *const *parts)
{
    sc__buf joined;
    int rc;

    if (parts != NULL) {
        memset(&joined, 0, sizeof joined);
        for (; *parts; parts++)
            sc__buf_puts(&joined, *parts);
        if (joined.failed) {
            sc__buf_free(&joined);
            return name_error(db, mg, sc__nomem(db));
        }
        rc = joined.len ? sc_exec(db, joined.s) : SC_OK;
        sc__buf_free(&joined);
        return rc == SC_OK ? SC_OK : name_error(db, mg, rc);
    }
    if (sql == NULL || sql[0] == '\0')
        return SC_OK;
    rc = sc_exec(db, sql);
    return rc == SC_OK ? SC_OK : name_error(db, mg, rc);
}

/* Whether s has an up (or down) script at all. */
static bool has_script(const sc_migration_script *s, bool up)
{
    return up ? s->up != NULL || s->up_parts != NULL
              : s->down != NULL || s->down_parts != NULL;
}

/* The body of a step, inside its transaction: guards and script, the
 * foreign key check, then the version row. */
static int step_body(sc_db *db, const sc_migration *mg, bool up)
{
    const sc_migration_script *s = script_of(db, mg);
    int rc = run_guards(db, mg, s, up);

    if (rc == SC_OK)
        rc = up ? run_script(db, mg, s->up, s->up_parts)
                : run_script(db, mg, s->down, s->down_parts);
    if (rc == SC_OK && sqlite_fk_off(db, s, up))
        rc = fk_check(db, mg);
    if (rc == SC_OK) {
        rc = write_row(db, mg, up);
        if (rc != SC_OK)
            rc = name_error(db, mg, rc);
    }
    return rc;
}

/*
 * One step from version *current (as last seen) towards target: applies
 * migration *current + 1 (up) or undoes migration *current (down), unless
 * the version read inside the transaction differs, when another runner
 * got there first and *current simply takes the new value.
 */
static int step(sc_db *db, const sc_migration *m, unsigned n,
                unsigned *current, bool up)
{
    const sc_migration *mg = &m[up ? *current : *current - 1];
    bool fk_off = sqlite_fk_off(db, script_of(db, mg), up);
    unsigned seen = *current;
    int rc = txn_begin(db, fk_off);

    if (rc == SC_OK)
        rc = verify(db, m, n, current);
    if (rc == SC_OK && *current == seen) {
        rc = step_body(db, mg, up);
        if (rc == SC_OK)
            *current = up ? seen + 1 : seen - 1;
    }
    return txn_end(db, rc, fk_off);
}

/* ---------------------------------------------------------------------
 * The public functions.
 * ------------------------------------------------------------------- */

/* Checks db and the migrations handed in: numbered 1..n in order, named,
 * with a checksum and a script for db's dialect. */
static int check_args(sc_db *db, const sc_migration *m, unsigned n)
{
    unsigned i;
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (db->depth > 0 || db->be->in_transaction(db->conn))
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "migrations run in transactions of their "
                             "own: close the open transaction first");
    if (m == NULL && n > 0)
        return sc__set_error(db, SC_MISUSE, NULL, NULL, "no migrations");
    for (i = 0; i < n; i++) {
        if (m[i].version != i + 1)
            return sc__set_error(db, SC_MISUSE, NULL, NULL,
                                 "migration %u has version %u: versions "
                                 "must count 1, 2, ... in order", i + 1,
                                 m[i].version);
        if (m[i].name == NULL || m[i].checksum == NULL ||
            !has_script(script_of(db, &m[i]), true))
            return sc__set_error(db, SC_MISUSE, NULL, NULL,
                                 "migration %04u lacks a name, a checksum "
                                 "or a script for %s", i + 1, db->be->name);
    }
    return SC_OK;
}

/* Creates the version table when missing, under the runners' lock. */
static int ensure_table(sc_db *db)
{
    int rc = txn_begin(db, false);

    if (rc == SC_OK)
        rc = sc_exec(db, TABLE_SQL);
    return txn_end(db, rc, false);
}

static int migrate(sc_db *db, const sc_migration *m, unsigned n,
                   unsigned target)
{
    unsigned current;
    int rc = check_args(db, m, n);

    if (rc != SC_OK)
        return rc;
    if (target == SC_MIGRATE_HEAD)
        target = n;
    if (target > n)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "no migration %04u: the last is %04u", target,
                             n);
    rc = verify(db, m, n, &current);
    if (rc == SC_OK && current > target)
        return sc__set_error(db, SC_ERROR, NULL, NULL,
                             "the database is at version %04u, past %04u: "
                             "migrate down instead", current, target);
    if (rc == SC_OK && current < target)
        rc = ensure_table(db);
    while (rc == SC_OK && current < target)
        rc = step(db, m, n, &current, true);
    return rc;
}

static int migrate_down(sc_db *db, const sc_migration *m, unsigned n,
                        unsigned steps)
{
    unsigned current, target, v;
    int rc = check_args(db, m, n);

    if (rc == SC_OK)
        rc = verify(db, m, n, &current);
    if (rc != SC_OK)
        return rc;
    target = steps < current ? current - steps : 0;
    for (v = current; v > target; v--) {
        if (!has_script(script_of(db, &m[v - 1]), false))
            return sc__set_error(db, SC_ERROR, NULL, NULL,
                                 "migration %04u %s has no down script: it "
                                 "cannot be undone", v, m[v - 1].name);
    }
    while (rc == SC_OK && current > target)
        rc = step(db, m, n, &current, false);
    return rc;
}

/* The body of a stamp, inside its transaction: verifies the history
 * again (another runner may have moved it) and records current+1..version. */
static int stamp_body(sc_db *db, const sc_migration *m, unsigned n,
                      unsigned version)
{
    unsigned current, v;
    int rc = sc_exec(db, TABLE_SQL);

    if (rc == SC_OK)
        rc = verify(db, m, n, &current);
    if (rc == SC_OK && current > version)
        return sc__set_error(db, SC_ERROR, NULL, NULL,
                             "the database is at version %04u, past %04u: "
                             "nothing to stamp", current, version);
    for (v = current + 1; rc == SC_OK && v <= version; v++) {
        rc = write_row(db, &m[v - 1], true);
        if (rc != SC_OK)
            rc = name_error(db, &m[v - 1], rc);
    }
    return rc;
}

static int migrate_stamp(sc_db *db, const sc_migration *m, unsigned n,
                         unsigned version)
{
    int rc = check_args(db, m, n);

    if (rc != SC_OK)
        return rc;
    if (version == 0 || version > n)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "no migration %04u to stamp: the versions "
                             "are 0001 to %04u", version, n);
    rc = txn_begin(db, false);
    if (rc == SC_OK)
        rc = stamp_body(db, m, n, version);
    return txn_end(db, rc, false);
}

static int migrate_check(sc_db *db, const sc_migration *m, unsigned n)
{
    unsigned current;
    int rc = check_args(db, m, n);

    return rc != SC_OK ? rc : verify(db, m, n, &current);
}

static int migrate_current(sc_db *db, unsigned *version)
{
    int64_t v = 0;
    bool exists = false;
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (version == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL, "version is NULL");
    rc = table_exists(db, &exists);
    if (rc == SC_OK && exists)
        rc = query_int(db, "SELECT max(version) FROM schemac_migrations",
                       &v);
    *version = rc == SC_OK ? (unsigned)v : 0;
    return rc;
}

static int migrate_history(sc_db *db, sc_arena *a, sc_migration_record **rows,
                           size_t *n)
{
    int rc = sc__usable(db);

    if (rc != SC_OK)
        return rc;
    if (a == NULL || rows == NULL || n == NULL)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "an argument is NULL");
    rc = read_history(db, a, rows, n);
    if (rc != SC_OK) {
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

/* ---------------------------------------------------------------------
 * The public calls, each under the owner check (sc__enter(), internal.h).
 * ------------------------------------------------------------------- */

int sc_migrate(sc_db *db, const sc_migration *m, unsigned n,
               unsigned target)
{
    int rc = sc__enter(db, "sc_migrate");

    if (rc == SC_OK) {
        rc = migrate(db, m, n, target);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_down(sc_db *db, const sc_migration *m, unsigned n,
                    unsigned steps)
{
    int rc = sc__enter(db, "sc_migrate_down");

    if (rc == SC_OK) {
        rc = migrate_down(db, m, n, steps);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_stamp(sc_db *db, const sc_migration *m, unsigned n,
                     unsigned version)
{
    int rc = sc__enter(db, "sc_migrate_stamp");

    if (rc == SC_OK) {
        rc = migrate_stamp(db, m, n, version);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_check(sc_db *db, const sc_migration *m, unsigned n)
{
    int rc = sc__enter(db, "sc_migrate_check");

    if (rc == SC_OK) {
        rc = migrate_check(db, m, n);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_current(sc_db *db, unsigned *version)
{
    int rc = sc__enter(db, "sc_migrate_current");

    if (rc == SC_OK) {
        rc = migrate_current(db, version);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_history(sc_db *db, sc_arena *a, sc_migration_record **rows,
                       size_t *n)
{
    int rc = sc__enter(db, "sc_migrate_history");

    if (rc == SC_OK) {
        rc = migrate_history(db, a, rows, n);
        sc__leave(db);
    }
    return rc;
}
