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
 *
 * A script split into parts runs part by part, each recorded in
 * schemac_migration_parts, so that a failed run is resumed where it
 * stopped.  On PostgreSQL every statement runs under a lock_timeout and
 * a step that times out is run again (sc_migrate_options).  The file
 * also writes the runner's work out as a script for a person
 * (sc_migrate_sql()) and applies a squash to an empty database
 * (sc_migrate_squashed()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend.h"
#include "dialect.h"
#include "internal.h"
#include "schemac.h"

/* The dialect of db's database (dialect.h): the version table, the
 * runners' lock, the foreign-key switches and what the database can do
 * are read there. */
static const sc__dialect *dia(const sc_db *db)
{
    return sc__dialect_of(db->be->dialect);
}

/* The checksum a runner on dialect d records for mg: its file's, or,
 * from migrations given with one checksum only, that one. */
static const char *checksum_for(sc_dialect d, const sc_migration *mg)
{
    const char *own = (int)d >= 1 && (int)d <= SC_NDIALECTS
                          ? mg->checksums[d]
                          : NULL;

    return own != NULL ? own : mg->checksum;
}

/* Whether a recorded checksum is mg's on dialect d: its file's, or the
 * checksum of both files together that runtimes of ABI 2 recorded. */
static bool checksum_matches(sc_dialect d, const sc_migration *mg,
                             const char *recorded)
{
    return strcmp(checksum_for(d, mg), recorded) == 0 ||
           (mg->checksum != NULL && strcmp(mg->checksum, recorded) == 0);
}

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

/* Whether table name (a name of the runner's, no quoting needed) exists,
 * asked without creating it. */
static int table_exists(sc_db *db, const char *name, bool *yes)
{
    char sql[200];
    int64_t n;
    int rc;

    snprintf(sql, sizeof sql, dia(db)->table_exists, name);
    rc = query_int(db, sql, &n);
    *yes = n > 0;
    return rc;
}

/* The columns schemac_migrations must have, in a form both catalogs
 * can list. */
#define VERSION_COLUMNS "applied_at, checksum, name, version"

/* Checks that the version table is the runner's: its columns are
 * version, name, checksum and applied_at.  A table of another shape,
 * made by hand or by another tool, stops the runner with a message
 * naming what it holds instead. */
static int check_shape(sc_db *db)
{
    const char *sql = dia(db)->version_columns;
    const char *cols = "";
    sc_arena *a = sc_arena_new();
    void *stmt = NULL;
    bool row;
    int rc;

    if (a == NULL)
        return sc__nomem(db);
    rc = run_stmt(db, sql, 0, &stmt, &row);
    if (rc == SC_OK && row)
        rc = column_text(db, stmt, 0, a, &cols);
    stmt_done(db, stmt);
    if (rc == SC_OK && strcmp(cols, VERSION_COLUMNS) != 0)
        rc = sc__set_error(db, SC_ERROR, "schemac_migrations", NULL,
                           "the table schemac_migrations is not schemac's "
                           "version table: it has the columns (%s), not "
                           "(" VERSION_COLUMNS "); rename it, or drop it "
                           "if it is a leftover", cols);
    sc_arena_free(a);
    return rc;
}

/*
 * Whether the version table exists (*exists), checked for its shape when
 * it does.  Missing while the parts table, made with it, is there, it was
 * dropped by hand, an error.  The version table is asked for again after
 * the parts table: another runner may have made both between the two
 * first questions.
 */
static int version_table(sc_db *db, bool *exists)
{
    bool parts = false;
    int rc = table_exists(db, "schemac_migrations", exists);

    if (rc == SC_OK && !*exists)
        rc = table_exists(db, "schemac_migration_parts", &parts);
    if (rc == SC_OK && parts)
        rc = table_exists(db, "schemac_migrations", exists);
    if (rc == SC_OK && *exists)
        return check_shape(db);
    if (rc == SC_OK && parts)
        rc = sc__set_error(db, SC_ERROR, "schemac_migrations", NULL,
                           "the version table schemac_migrations is "
                           "missing but schemac_migration_parts, made "
                           "with it, is there: it was dropped by hand; "
                           "restore it from a backup or record the "
                           "applied versions again with schemac migrate "
                           "stamp");
    return rc;
}

/* A version read from the version table, refused unless it fits. */
static int version_of(sc_db *db, int64_t v, unsigned *out)
{
    if (v < 0 || v > 99999)
        return sc__set_error(db, SC_ERROR, "schemac_migrations", NULL,
                             "the version table holds version %" PRId64
                             ", which no migration can have (versions "
                             "count from 1 to at most 99999): it was "
                             "changed by hand", v);
    *out = (unsigned)v;
    return SC_OK;
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
    rc = version_table(db, &exists);
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
        rc = version_of(db, v.kind == SC_VAL_INT ? v.i : -1,
                        &r[k].version);
        if (rc == SC_OK)
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
        if (!checksum_matches(db->be->dialect, mg, r[i].checksum))
            return sc__set_error(db, SC_ERROR, NULL, NULL,
                                 "migration %04u %s was edited after it "
                                 "was applied (checksum %.12s applied, "
                                 "%.12s now)", r[i].version, r[i].name,
                                 r[i].checksum,
                                 checksum_for(db->be->dialect, mg));
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
        text_param(&db->vals[2], checksum_for(db->be->dialect, mg));
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
    return dia(db)->fk_off != NULL &&
           (up ? s->foreign_keys_off : s->down_foreign_keys_off);
}

/* Opens a write transaction, with foreign keys off first when fk_off
 * (SQLite ignores the pragma inside a transaction). */
static int txn_begin(sc_db *db, bool fk_off)
{
    int rc = SC_OK;

    if (fk_off)
        rc = sc_exec(db, dia(db)->fk_off);
    if (rc == SC_OK)
        rc = sc_exec(db, dia(db)->begin_write);
    if (rc == SC_OK)
        db->depth = 1;
    if (rc == SC_OK && dia(db)->lock_step != NULL)
        rc = sc_exec(db, dia(db)->lock_step);
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
        rc2 = sc_exec(db, dia(db)->fk_on);
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
    return &mg->scripts[db->be->dialect];
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
    int rc = run_stmt(db, dia(db)->fk_check, 0, &stmt, &row);

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
    return up ? s->up != NULL || s->up_parts != NULL || s->nup > 0
              : s->down != NULL || s->down_parts != NULL || s->ndown > 0;
}

/* The parts of a script: its own when it is split, else the whole
 * script as one transactional part, built in *one and text. */
static const sc_migration_part *parts_of(const sc_migration_script *s,
                                         bool up, sc_migration_part *one,
                                         const char *text[2], unsigned *n)
{
    const char *const *pieces = up ? s->up_parts : s->down_parts;

    if (up ? s->nup > 0 : s->ndown > 0) {
        *n = up ? s->nup : s->ndown;
        return up ? s->ups : s->downs;
    }
    text[0] = up ? s->up : s->down;
    text[1] = NULL;
    one->transactional = true;
    one->sql = pieces != NULL ? pieces : text;
    *n = 1;
    return one;
}

/* The statements of a part the runner counts: one for a transactional
 * part, which runs whole. */
static unsigned part_statements(const sc_migration_part *p)
{
    unsigned n = 0;

    if (p->transactional)
        return 1;
    while (p->sql != NULL && p->sql[n] != NULL)
        n++;
    return n;
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

/* The start of a whole script, for the hook: its text or first piece. */
static const char *first_text(const sc_migration_script *s, bool up)
{
    const char *const *pieces = up ? s->up_parts : s->down_parts;

    if (pieces != NULL)
        return pieces[0];
    return up ? s->up : s->down;
}

static void emit(const sc_migrate_options *o, sc_migrate_event_kind kind,
                 const sc_migration *mg, bool up, unsigned part,
                 unsigned nparts, const char *sql)
{
    sc_migrate_event e;

    if (o == NULL || o->hook == NULL)
        return;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.version = mg->version;
    e.name = mg->name;
    e.up = up;
    e.part = part;
    e.nparts = nparts;
    e.sql = sql;
    o->hook(o->hook_ctx, &e);
}

/* On PostgreSQL, the lock_timeout of the statements that follow, in the
 * transaction (local) or the session. */
static int set_lock_timeout(sc_db *db, const sc_migrate_options *o,
                            bool local)
{
    char sql[96];

    if (!dia(db)->lock_timeout || o == NULL)
        return SC_OK;
    snprintf(sql, sizeof sql, "SET %slock_timeout = %u",
             local ? "LOCAL " : "", o->lock_timeout_ms);
    return sc_exec(db, sql);
}

/* Gives the session its own lock_timeout back after a statement run
 * outside a transaction, keeping db's error. */
static void reset_lock_timeout(sc_db *db, const sc_migrate_options *o)
{
    sc__error_state saved = db->err;

    if (!dia(db)->lock_timeout || o == NULL)
        return;
    sc_exec(db, "RESET lock_timeout");
    db->err = saved;
}

/* The hint after migration 0001 failed on a database that has no
 * version table but holds tables. */
static int hint_unrecorded(sc_db *db, int rc)
{
    const char *sql = dia(db)->count_tables;
    sc__error_state saved = db->err;
    const char *hint = "; the database holds tables but no version table "
                       "schemac_migrations: if it was dropped by hand, or "
                       "the schema was made some other way, record the "
                       "versions it is at with schemac migrate stamp";
    size_t len = strlen(saved.msg);
    int64_t n = 0;

    if (query_int(db, sql, &n) == SC_OK && n > 0 &&
        len + strlen(hint) < sizeof saved.msg)
        memcpy(saved.msg + len, hint, strlen(hint) + 1);
    db->err = saved;
    return rc;
}

/*
 * One step from version *current (as last seen) towards target, for a
 * script that is one transactional part: applies migration *current + 1
 * (up) or undoes migration *current (down), unless the version read
 * inside the transaction differs, when another runner got there first
 * and *current simply takes the new value.  *did says whether this
 * runner made the step.
 */
static int step_whole(sc_db *db, const sc_migration *m, unsigned n,
                      unsigned *current, bool up,
                      const sc_migrate_options *o, bool *did)
{
    const sc_migration *mg = &m[up ? *current : *current - 1];
    bool fk_off = sqlite_fk_off(db, script_of(db, mg), up);
    unsigned seen = *current;
    int rc = txn_begin(db, fk_off);

    if (rc == SC_OK)
        rc = set_lock_timeout(db, o, true);
    if (rc == SC_OK)
        rc = verify(db, m, n, current);
    if (rc == SC_OK && *current == seen) {
        emit(o, SC_MIGRATE_PART, mg, up, 1, 1, first_text(script_of(db,
                                                                mg), up));
        rc = step_body(db, mg, up);
        if (rc == SC_OK) {
            *current = up ? seen + 1 : seen - 1;
            *did = true;
        }
    }
    return txn_end(db, rc, fk_off);
}

/* ---------------------------------------------------------------------
 * Parts (docs/MIGRATIONS.md "Parts").  The table schemac_migration_parts,
 * made with the version table, holds the progress of a migration whose
 * script is split: a row per part begun, (version, direction 'up' or
 * 'down', part from 1, statements of it done, the migration's checksum,
 * finished_at).  A transactional part is recorded, as one statement
 * done, in its own transaction; a part outside a transaction after each
 * statement.  The last part writes (or deletes) the version row and
 * deletes the rows of its migration, so the table holds only unfinished
 * migrations.
 * ------------------------------------------------------------------- */

/* The parts table's DDL is the dialect's parts_table. */


/* Where a split migration stands: the next part to run (from 0) and the
 * statements of it already done. */
typedef struct progress {
    unsigned part;
    unsigned done;
    bool any; /* some part was begun */
} progress;

/* Reads the progress of mg in direction up (nothing when the parts table
 * does not exist), refusing one begun under another checksum. */
static int read_progress(sc_db *db, const sc_migration *mg, bool up,
                         const sc_migration_part *parts, unsigned np,
                         progress *pr)
{
    char sql[200];
    sc_arena *a;
    const char *sum;
    void *stmt = NULL;
    bool exists, row;
    sc_value v;
    int rc = table_exists(db, "schemac_migration_parts", &exists);

    memset(pr, 0, sizeof *pr);
    if (rc != SC_OK || !exists)
        return rc;
    if ((a = sc_arena_new()) == NULL)
        return sc__nomem(db);
    snprintf(sql, sizeof sql, "SELECT part, statements, checksum FROM "
             "schemac_migration_parts WHERE version = %u AND direction = "
             "'%s' ORDER BY part", mg->version, up ? "up" : "down");
    rc = run_stmt(db, sql, 0, &stmt, &row);
    while (rc == SC_OK && row) {
        int64_t part, done;

        rc = db->be->column(stmt, 0, SC_VAL_INT, &v) != SC_OK ? sc__nomem(db)
                                                             : SC_OK;
        part = v.i;
        if (rc == SC_OK && db->be->column(stmt, 1, SC_VAL_INT, &v) != SC_OK)
            rc = sc__nomem(db);
        done = v.i;
        if (rc == SC_OK)
            rc = column_text(db, stmt, 2, a, &sum);
        if (rc != SC_OK)
            break;
        pr->any = true;
        if (!checksum_matches(db->be->dialect, mg, sum)) {
            rc = sc__set_error(db, SC_ERROR, NULL, NULL,
                               "migration %04u %s was edited after part "
                               "%" PRId64 " of %u was run (checksum %.12s "
                               "then, %.12s now)", mg->version, mg->name,
                               part, np, sum,
                               checksum_for(db->be->dialect, mg));
            break;
        }
        if (part == (int64_t)pr->part + 1 && pr->part < np &&
            done >= (int64_t)part_statements(&parts[pr->part])) {
            pr->part++;
        } else if (part == (int64_t)pr->part + 1 && done >= 0) {
            pr->done = (unsigned)done;
            break;
        }
        rc = step_more(db, stmt, &row);
    }
    stmt_done(db, stmt);
    sc_arena_free(a);
    if (rc == SC_OK && pr->part >= np)
        rc = sc__set_error(db, SC_ERROR, "schemac_migration_parts", NULL,
                           "migration %04u %s: every part is recorded as "
                           "run but the version table does not say so: "
                           "schemac_migration_parts was changed by hand",
                           mg->version, mg->name);
    return rc;
}

/* Records that part k (from 0) of mg has done statements statements;
 * when that finishes the last part, writes the version row instead and
 * forgets the migration's progress.  Inside a transaction. */
static int record_part(sc_db *db, const sc_migration *mg, bool up,
                       unsigned k, unsigned statements, bool last)
{
    const char *dir = up ? "up" : "down";
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    sc__buf b = {0};
    void *stmt = NULL;
    bool row;
    int i = 0, rc;

    sc__buf_printf(&b, "DELETE FROM schemac_migration_parts WHERE "
                       "version = %u AND direction = '%s'", mg->version,
                   dir);
    if (!last)
        sc__buf_printf(&b, " AND part = %u", k + 1);
    rc = b.failed ? sc__nomem(db) : sc_exec(db, b.s);
    sc__buf_free(&b);
    if (rc != SC_OK || last)
        return rc != SC_OK ? rc : write_row(db, mg, up);
    rc = sc__need_vals(db, 1);
    if (rc != SC_OK)
        return rc;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    text_param(&db->vals[0], checksum_for(db->be->dialect, mg));
    sc__buf_printf(&b, "INSERT INTO schemac_migration_parts (version, "
                       "direction, part, statements, checksum, "
                       "finished_at) VALUES (%u, '%s', %u, %u, ",
                   mg->version, dir, k + 1, statements);
    sc__put_placeholder(db, &b, &i);
    sc__buf_printf(&b, ", '%s')", when);
    rc = b.failed ? sc__nomem(db) : run_stmt(db, b.s, 1, &stmt, &row);
    stmt_done(db, stmt);
    sc__buf_free(&b);
    return rc;
}

/* "migration 0003 add_index: part 2 of 3 failed: " before db's message. */
static int part_error(sc_db *db, const sc_migration *mg, unsigned k,
                      unsigned np, int rc)
{
    char msg[sizeof db->err.msg];
    const char *rest = db->err.msg;
    size_t skip = (size_t)snprintf(msg, sizeof msg, "migration %04u %s: ",
                                   mg->version, mg->name);

    if (strncmp(rest, msg, skip) != 0)
        return rc;
    rest += skip;
    snprintf(msg, sizeof msg, "migration %04u %.200s: part %u of %u "
             "failed: %s", mg->version, mg->name, k + 1, np, rest);
    memcpy(db->err.msg, msg, sizeof msg);
    return rc;
}

/* The name in "CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] NAME"
 * at sql, copied into out; false for any other statement. */
static bool concurrent_index(const char *sql, char *out, size_t size)
{
    static const char *const words[] = {"CREATE", "UNIQUE", "INDEX",
                                        "CONCURRENTLY", "IF", "NOT",
                                        "EXISTS"};
    const char *p = sql, *q;
    size_t i, n;

    for (i = 0; i < 7; i++) {
        p += strspn(p, " \t\r\n");
        n = strlen(words[i]);
        if (strncasecmp(p, words[i], n) == 0 &&
            (p[n] == ' ' || p[n] == '\t' || p[n] == '\n')) {
            p += n;
            continue;
        }
        if (i == 1)
            continue;
        if (i == 4)
            break;
        return false;
    }
    p += strspn(p, " \t\r\n");
    if (*p == '"') {
        for (q = p + 1; *q != '\0' && !(q[0] == '"' && q[1] != '"');
             q += q[0] == '"' ? 2 : 1)
            ;
        q += *q == '"';
    } else {
        q = p + strcspn(p, " \t\r\n(");
    }
    if (q == p || (size_t)(q - p) >= size)
        return false;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return true;
}

/* After a failed CREATE INDEX CONCURRENTLY, drops the invalid index it
 * leaves, keeping the error of the failure. */
static void drop_invalid_index(sc_db *db, const char *sql)
{
    sc__error_state saved = db->err;
    char name[300], drop[400];

    if (!dia(db)->concurrent_index ||
        !concurrent_index(sql, name, sizeof name))
        return;
    snprintf(drop, sizeof drop, "DROP INDEX CONCURRENTLY IF EXISTS %s",
             name);
    sc_exec(db, drop);
    db->err = saved;
}

/*
 * Before a CREATE INDEX CONCURRENTLY of a migration that was begun
 * before: a killed runner's server process may have gone on and built
 * the index (it was valid: the statement is done, *skip) or left it
 * invalid (dropped, so the statement runs clean).
 */
static int concurrent_leftover(sc_db *db, const char *sql, bool *skip)
{
    char name[300], q[500];
    int64_t state;
    int rc;

    *skip = false;
    if (!dia(db)->concurrent_index ||
        !concurrent_index(sql, name, sizeof name) ||
        strchr(name, '\'') != NULL)
        return SC_OK;
    snprintf(q, sizeof q, "SELECT coalesce((SELECT CASE WHEN indisvalid "
             "THEN 2 ELSE 1 END FROM pg_index WHERE indexrelid = "
             "to_regclass('%s')), 0)", name);
    rc = query_int(db, q, &state);
    if (rc == SC_OK && state == 2)
        *skip = true;
    if (rc == SC_OK && state == 1) {
        snprintf(q, sizeof q, "DROP INDEX CONCURRENTLY IF EXISTS %s", name);
        rc = sc_exec(db, q);
    }
    return rc;
}

/* Opens a part's transaction and checks that the migration still stands
 * where this runner saw it (*same false when another runner moved it). */
static int part_begin(sc_db *db, const sc_migration *m, unsigned n,
                      unsigned seen, const sc_migration_part *parts,
                      unsigned np, bool up, bool fk_off, const progress *was,
                      const sc_migrate_options *o, bool *same)
{
    const sc_migration *mg = &m[up ? seen : seen - 1];
    unsigned cur;
    progress now;
    int rc = txn_begin(db, fk_off);

    if (rc == SC_OK)
        rc = set_lock_timeout(db, o, true);
    if (rc == SC_OK)
        rc = verify(db, m, n, &cur);
    if (rc == SC_OK)
        rc = read_progress(db, mg, up, parts, np, &now);
    *same = rc == SC_OK && cur == seen && now.part == was->part &&
            now.done == was->done;
    return rc;
}

/* On SQLite, whose statements all run in transactions, a statement of
 * a part "outside a transaction" runs in a write transaction of its own
 * with its progress row: no runner can run it a second time meanwhile,
 * as PostgreSQL's session lock ensures there.  Where DDL commits by
 * itself (MariaDB) the same keeps a row change and its progress row
 * together, so that a run killed between them leaves neither; a DDL
 * statement ends the transaction by its own commit, and a new one
 * holds the progress row.  *moved when another runner got there
 * first. */
static int run_locked_statement(sc_db *db, const sc_migration *m,
                                unsigned n, unsigned seen,
                                const sc_migration_part *parts, unsigned np,
                                bool up, const progress *pr, bool last,
                                const sc_migrate_options *o, bool *moved)
{
    const sc_migration *mg = &m[up ? seen : seen - 1];
    const char *sql = parts[pr->part].sql[pr->done];
    bool same;
    int rc = part_begin(db, m, n, seen, parts, np, up, false, pr, o, &same);

    *moved = rc == SC_OK && !same;
    if (rc == SC_OK && same) {
        emit(o, SC_MIGRATE_STATEMENT, mg, up, pr->part + 1, np, sql);
        rc = sc_exec(db, sql);
        if (rc == SC_OK && !db->be->in_transaction(db->conn))
            rc = sc_exec(db, dia(db)->begin_write);
        if (rc != SC_OK)
            part_error(db, mg, pr->part, np, name_error(db, mg, rc));
        else
            rc = record_part(db, mg, up, pr->part, pr->done + 1, last);
    }
    return txn_end(db, rc, false);
}

/* Runs part k of a split step outside any transaction, from statement
 * pr->done, recording each statement; the last records the part. */
static int run_loose_part(sc_db *db, const sc_migration *m, unsigned n,
                          unsigned seen, const sc_migration_part *parts,
                          unsigned np, bool up, progress *pr,
                          const sc_migrate_options *o, bool *moved)
{
    const sc_migration *mg = &m[up ? seen : seen - 1];
    const sc_migration_part *p = &parts[pr->part];
    unsigned total = part_statements(p);
    bool same, last;
    int rc = SC_OK;

    while (rc == SC_OK && pr->done < total && !*moved) {
        const char *sql = p->sql[pr->done];
        bool skip = false;

        last = pr->part + 1 == np && pr->done + 1 == total;
        /* with no session lock to hold, each statement takes the
         * write lock of a transaction of its own; where DDL commits by
         * itself, no statement needs to run outside one */
        if (dia(db)->lock_session == NULL || !dia(db)->transactional_ddl) {
            rc = run_locked_statement(db, m, n, seen, parts, np, up, pr,
                                      last, o, moved);
            if (rc == SC_OK && !*moved)
                pr->done++;
            continue;
        }
        emit(o, SC_MIGRATE_STATEMENT, mg, up, pr->part + 1, np, sql);
        if (pr->any)
            rc = concurrent_leftover(db, sql, &skip);
        if (rc == SC_OK)
            rc = set_lock_timeout(db, o, false);
        if (rc == SC_OK && !skip)
            rc = sc_exec(db, sql);
        reset_lock_timeout(db, o);
        if (rc != SC_OK) {
            drop_invalid_index(db, sql);
            return part_error(db, mg, pr->part, np, name_error(db, mg, rc));
        }
        rc = part_begin(db, m, n, seen, parts, np, up, false, pr, o, &same);
        if (rc == SC_OK && !same)
            rc = sc__set_error(db, SC_ERROR, NULL, NULL,
                               "migration %04u %s moved under this runner "
                               "while part %u ran outside a transaction",
                               mg->version, mg->name, pr->part + 1);
        if (rc == SC_OK)
            rc = record_part(db, mg, up, pr->part, pr->done + 1, last);
        rc = txn_end(db, rc, false);
        if (rc == SC_OK)
            pr->done++;
    }
    if (rc == SC_OK && !*moved) {
        pr->part++;
        pr->done = 0;
    }
    return rc;
}

/* The first transactional part of a split script, which runs the guards
 * and turns foreign keys off. */
static unsigned first_tx_part(const sc_migration_part *parts, unsigned np)
{
    unsigned k;

    for (k = 0; k < np && !parts[k].transactional; k++)
        ;
    return k;
}

/* Runs transactional part k of a split step in its own transaction. */
static int run_tx_part(sc_db *db, const sc_migration *m, unsigned n,
                       unsigned seen, const sc_migration_part *parts,
                       unsigned np, bool up, progress *pr,
                       const sc_migrate_options *o, bool *moved)
{
    const sc_migration *mg = &m[up ? seen : seen - 1];
    const sc_migration_script *s = script_of(db, mg);
    bool first = pr->part == first_tx_part(parts, np);
    bool fk_off = first && sqlite_fk_off(db, s, up), same;
    int rc = part_begin(db, m, n, seen, parts, np, up, fk_off, pr, o, &same);

    *moved = rc == SC_OK && !same;
    if (rc == SC_OK && same) {
        emit(o, SC_MIGRATE_PART, mg, up, pr->part + 1, np,
             parts[pr->part].sql[0]);
        if (first)
            rc = run_guards(db, mg, s, up);
        if (rc == SC_OK)
            rc = run_script(db, mg, NULL, parts[pr->part].sql);
        if (rc == SC_OK && fk_off)
            rc = fk_check(db, mg);
        if (rc == SC_OK)
            rc = record_part(db, mg, up, pr->part, 1, pr->part + 1 == np);
        if (rc != SC_OK && np > 1)
            part_error(db, mg, pr->part, np, rc);
    }
    rc = txn_end(db, rc, fk_off);
    if (rc == SC_OK && same) {
        pr->part++;
        pr->done = 0;
    }
    return rc;
}

/* Creates the parts table when missing, under the runners' lock. */
static int ensure_parts_table(sc_db *db)
{
    int rc = txn_begin(db, false);

    if (rc == SC_OK)
        rc = sc_exec(db, dia(db)->parts_table);
    return txn_end(db, rc, false);
}

/* A step whose script is split into parts: runs the parts not yet run,
 * resuming where a failed run stopped. */
static int step_split(sc_db *db, const sc_migration *m, unsigned n,
                      unsigned *current, bool up,
                      const sc_migrate_options *o, bool *did)
{
    const sc_migration *mg = &m[up ? *current : *current - 1];
    const sc_migration_script *s = script_of(db, mg);
    const sc_migration_part *parts = up ? s->ups : s->downs;
    unsigned np = up ? s->nup : s->ndown, seen = *current;
    bool moved = false, exists;
    progress pr;
    int rc = table_exists(db, "schemac_migration_parts", &exists);

    if (rc == SC_OK && !exists)
        rc = ensure_parts_table(db);
    if (rc != SC_OK)
        return rc;
    rc = verify(db, m, n, current);
    if (rc == SC_OK && *current == seen)
        rc = read_progress(db, mg, up, parts, np, &pr);
    /* guards with no transactional part to run them: checked first, on
     * their own */
    if (rc == SC_OK && *current == seen && !pr.any &&
        first_tx_part(parts, np) == np &&
        (up ? s->nguards : s->ndown_guards) > 0) {
        rc = txn_begin(db, false);
        if (rc == SC_OK)
            rc = run_guards(db, mg, s, up);
        rc = txn_end(db, rc, false);
    }
    while (rc == SC_OK && *current == seen && !moved && pr.part < np) {
        if (parts[pr.part].transactional)
            rc = run_tx_part(db, m, n, seen, parts, np, up, &pr, o, &moved);
        else
            rc = run_loose_part(db, m, n, seen, parts, np, up, &pr, o,
                                &moved);
    }
    if (rc == SC_OK && *current == seen && !moved) {
        *current = up ? seen + 1 : seen - 1;
        *did = true;
    } else if (rc == SC_OK && moved) {
        rc = verify(db, m, n, current);
    }
    return rc;
}

/* One step, retried on PostgreSQL while it fails on a lock it could not
 * get within lock_timeout. */
static int step(sc_db *db, const sc_migration *m, unsigned n,
                unsigned *current, bool up, const sc_migrate_options *o)
{
    const sc_migration *mg = &m[up ? *current : *current - 1];
    const sc_migration_script *s = script_of(db, mg);
    bool split = up ? s->nup > 0 : s->ndown > 0, did = false;
    unsigned tries = 0;
    int rc;

    for (;;) {
        rc = split ? step_split(db, m, n, current, up, o, &did)
                   : step_whole(db, m, n, current, up, o, &did);
        if (rc != SC_BUSY || !dia(db)->retry_busy ||
            o == NULL || tries >= o->lock_retries)
            break;
        tries++;
        emit(o, SC_MIGRATE_RETRY, mg, up, tries, o->lock_retries,
             db->err.msg);
    }
    if (rc == SC_OK && did)
        emit(o, up ? SC_MIGRATE_APPLIED : SC_MIGRATE_UNDONE, mg, up, 0, 0,
             NULL);
    return rc;
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
        if (m[i].name == NULL || checksum_for(db->be->dialect, &m[i]) == NULL)
            return sc__set_error(db, SC_MISUSE, NULL, NULL,
                                 "migration %04u lacks a name or a "
                                 "checksum", i + 1);
        if (!has_script(script_of(db, &m[i]), true))
            return sc__set_error(db, SC_MISUSE, NULL, NULL,
                                 "migration %04u %s has no script for %s: "
                                 "its directory has no file %04u_%s%s",
                                 i + 1, m[i].name, dia(db)->name, i + 1,
                                 m[i].name, dia(db)->file_suffix);
    }
    return SC_OK;
}

/* Creates the version table and the parts table when missing, under
 * the runners' lock (a database whose version table an older runtime
 * made gets the parts table with its first migration in parts). */
static int ensure_table(sc_db *db)
{
    int rc = txn_begin(db, false);

    if (rc == SC_OK)
        rc = sc_exec(db, dia(db)->version_table);
    if (rc == SC_OK)
        rc = sc_exec(db, dia(db)->parts_table);
    return txn_end(db, rc, false);
}

/* Refuses to move past a migration left half done in the other
 * direction: migration v, run in direction up (true) or down. */
static int refuse_half_done(sc_db *db, const sc_migration *m, unsigned n,
                            unsigned v, bool up)
{
    const sc_migration_script *s;
    const sc_migration_part *parts;
    sc_migration_part one;
    const char *text[2];
    unsigned np;
    progress pr;
    int rc;

    if (v == 0 || v > n)
        return SC_OK;
    s = script_of(db, &m[v - 1]);
    if (!has_script(s, up))
        return SC_OK;
    parts = parts_of(s, up, &one, text, &np);
    rc = read_progress(db, &m[v - 1], up, parts, np, &pr);
    if (rc != SC_OK || !pr.any)
        return rc;
    return sc__set_error(db, SC_ERROR, NULL, NULL,
                         "migration %04u %s: part %u of %u failed %s; "
                         "migrate %s resumes there", v, m[v - 1].name,
                         pr.part + 1, np, up ? "going up" : "going down",
                         up ? "up" : "down");
}

static const sc_migrate_options default_options = SC_MIGRATE_OPTIONS_INIT;

/*
 * On PostgreSQL a run holds the runners' advisory lock for the session,
 * from its first step to its last (the transactions take it again, which
 * costs nothing).  It is asked for with pg_try_advisory_lock, again and
 * again, and never waited for inside a statement: a runner waiting in a
 * statement holds a snapshot, and the CREATE INDEX CONCURRENTLY of the
 * runner holding the lock would wait for that snapshot, a deadlock.
 */
static int session_lock(sc_db *db)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    int64_t got = 0;
    int rc = SC_OK;

    if (dia(db)->lock_session == NULL)
        return SC_OK;
    while (rc == SC_OK) {
        rc = query_int(db, dia(db)->lock_session, &got);
        if (rc != SC_OK || got == 1)
            break;
        nanosleep(&pause, NULL);
        if (pause.tv_nsec < 200 * 1000 * 1000)
            pause.tv_nsec *= 2;
    }
    return rc;
}

/* Lets the session lock go, keeping rc and the error it goes with. */
static int session_unlock(sc_db *db, int rc)
{
    sc__error_state saved = db->err;
    int64_t done;

    if (dia(db)->unlock_session == NULL)
        return rc;
    query_int(db, dia(db)->unlock_session, &done);
    if (rc != SC_OK)
        db->err = saved;
    return rc;
}

static int migrate_with(sc_db *db, const sc_migration *m, unsigned n,
                        unsigned target, const sc_migrate_options *o)
{
    unsigned current;
    bool had_table = true;
    int rc = check_args(db, m, n);

    if (rc != SC_OK)
        return rc;
    if (o == NULL)
        o = &default_options;
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
    if (rc != SC_OK || current >= target)
        return rc;
    rc = session_lock(db);
    if (rc != SC_OK)
        return rc;
    rc = refuse_half_done(db, m, n, current, false);
    if (rc == SC_OK)
        rc = table_exists(db, "schemac_migrations", &had_table);
    if (rc == SC_OK)
        rc = ensure_table(db);
    while (rc == SC_OK && current < target) {
        rc = step(db, m, n, &current, true, o);
        if (rc != SC_OK && current == 0 && !had_table)
            rc = hint_unrecorded(db, rc);
    }
    return session_unlock(db, rc);
}

/* The squash's step, in one transaction: its script, then the rows of
 * versions 1..to as if each had run (*did false when another runner
 * moved the database first). */
static int squash_step(sc_db *db, const sc_migration *m, unsigned n,
                       const sc_migration *sq, unsigned to,
                       const sc_migrate_options *o, bool *did)
{
    const sc_migration_script *s = script_of(db, sq);
    bool fk_off = sqlite_fk_off(db, s, true);
    unsigned current, v;
    int rc = txn_begin(db, fk_off);

    *did = false;
    if (rc == SC_OK)
        rc = set_lock_timeout(db, o, true);
    if (rc == SC_OK)
        rc = verify(db, m, n, &current);
    if (rc != SC_OK || current != 0)
        return txn_end(db, rc, fk_off);
    emit(o, SC_MIGRATE_PART, sq, true, 1, 1, first_text(s, true));
    rc = run_guards(db, sq, s, true);
    if (rc == SC_OK)
        rc = run_script(db, sq, s->up, s->up_parts);
    if (rc == SC_OK && fk_off)
        rc = fk_check(db, sq);
    for (v = 1; rc == SC_OK && v <= to; v++)
        rc = write_row(db, &m[v - 1], true);
    *did = rc == SC_OK;
    return txn_end(db, rc, fk_off);
}

static int migrate_squashed(sc_db *db, const sc_migration *m, unsigned n,
                            const sc_migration *squash, unsigned to,
                            unsigned target,
                            const sc_migrate_options *o)
{
    unsigned current;
    bool did = false;
    int rc = check_args(db, m, n);

    if (rc != SC_OK)
        return rc;
    if (o == NULL)
        o = &default_options;
    /* where DDL commits by itself no transaction holds the squash, which
     * could stop at none of the versions: the migrations themselves run,
     * each resumable */
    if (!dia(db)->transactional_ddl)
        return migrate_with(db, m, n, target, o);
    if (squash == NULL || to == 0 || to > n || squash->name == NULL ||
        !has_script(script_of(db, squash), true) ||
        script_of(db, squash)->nup > 0)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "the squash is not one of versions 1 to "
                             "%04u in one part", n);
    rc = verify(db, m, n, &current);
    if (rc == SC_OK && current == 0 &&
        (target == SC_MIGRATE_HEAD ? n : target) >= to) {
        rc = session_lock(db);
        if (rc != SC_OK)
            return rc;
        rc = ensure_table(db);
        if (rc == SC_OK)
            rc = squash_step(db, m, n, squash, to, o, &did);
        if (rc == SC_OK && did)
            emit(o, SC_MIGRATE_APPLIED, squash, true, 0, 0, NULL);
        rc = session_unlock(db, rc);
    }
    return rc == SC_OK ? migrate_with(db, m, n, target, o) : rc;
}

static int migrate_down_with(sc_db *db, const sc_migration *m, unsigned n,
                             unsigned steps, const sc_migrate_options *o)
{
    unsigned current, target, v;
    int rc = check_args(db, m, n);

    if (rc == SC_OK)
        rc = verify(db, m, n, &current);
    if (rc != SC_OK)
        return rc;
    if (o == NULL)
        o = &default_options;
    target = steps < current ? current - steps : 0;
    for (v = current; v > target; v--) {
        if (!has_script(script_of(db, &m[v - 1]), false))
            return sc__set_error(db, SC_ERROR, NULL, NULL,
                                 "migration %04u %s has no down script: it "
                                 "cannot be undone", v, m[v - 1].name);
    }
    if (current <= target)
        return SC_OK;
    rc = session_lock(db);
    if (rc != SC_OK)
        return rc;
    rc = refuse_half_done(db, m, n, current + 1, true);
    while (rc == SC_OK && current > target)
        rc = step(db, m, n, &current, false, o);
    return session_unlock(db, rc);
}

static int migrate_pending_part(sc_db *db, const sc_migration *m,
                                unsigned n, unsigned *version, bool *up,
                                unsigned *part, unsigned *nparts)
{
    unsigned current, v;
    int rc = check_args(db, m, n), d;

    *version = *part = *nparts = 0;
    *up = true;
    if (rc == SC_OK)
        rc = verify(db, m, n, &current);
    for (d = 0; rc == SC_OK && d < 2; d++) {
        const sc_migration_script *s;
        const sc_migration_part *parts;
        sc_migration_part one;
        const char *text[2];
        unsigned np;
        progress pr;

        v = d == 0 ? current + 1 : current;
        if (v == 0 || v > n)
            continue;
        s = script_of(db, &m[v - 1]);
        if (!has_script(s, d == 0))
            continue;
        parts = parts_of(s, d == 0, &one, text, &np);
        rc = read_progress(db, &m[v - 1], d == 0, parts, np, &pr);
        if (rc == SC_OK && pr.any) {
            *version = v;
            *up = d == 0;
            *part = pr.part + 1;
            *nparts = np;
            break;
        }
    }
    return rc;
}

/* The body of a stamp, inside its transaction: verifies the history
 * again (another runner may have moved it) and records current+1..version. */
static int stamp_body(sc_db *db, const sc_migration *m, unsigned n,
                      unsigned version)
{
    unsigned current, v;
    int rc = sc_exec(db, dia(db)->version_table);

    if (rc == SC_OK)
        rc = sc_exec(db, dia(db)->parts_table);
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
    *version = 0;
    rc = version_table(db, &exists);
    if (rc != SC_OK || !exists)
        return rc;
    rc = query_int(db, "SELECT max(version) FROM schemac_migrations", &v);
    if (rc == SC_OK)
        rc = version_of(db, v, version);
    return rc;
}

static int migrate_history(sc_db *db, sc_arena *a,
                           sc_migration_record **rows, size_t *n)
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

int sc_migrate_with(sc_db *db, const sc_migration *m, unsigned n,
                    unsigned target, const sc_migrate_options *o)
{
    int rc = sc__enter(db, "sc_migrate_with");

    if (rc == SC_OK) {
        rc = migrate_with(db, m, n, target, o);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate(sc_db *db, const sc_migration *m, unsigned n,
               unsigned target)
{
    int rc = sc__enter(db, "sc_migrate");

    if (rc == SC_OK) {
        rc = migrate_with(db, m, n, target, NULL);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_squashed(sc_db *db, const sc_migration *m, unsigned n,
                        const sc_migration *squash, unsigned to,
                        unsigned target, const sc_migrate_options *o)
{
    int rc = sc__enter(db, "sc_migrate_squashed");

    if (rc == SC_OK) {
        rc = migrate_squashed(db, m, n, squash, to, target, o);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_down_with(sc_db *db, const sc_migration *m, unsigned n,
                         unsigned steps, const sc_migrate_options *o)
{
    int rc = sc__enter(db, "sc_migrate_down_with");

    if (rc == SC_OK) {
        rc = migrate_down_with(db, m, n, steps, o);
        sc__leave(db);
    }
    return rc;
}

int sc_migrate_down(sc_db *db, const sc_migration *m, unsigned n,
                    unsigned steps)
{
    int rc = sc__enter(db, "sc_migrate_down");

    if (rc == SC_OK) {
        rc = migrate_down_with(db, m, n, steps, NULL);
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

int sc_migrate_pending_part(sc_db *db, const sc_migration *m, unsigned n,
                            unsigned *version, bool *up, unsigned *part,
                            unsigned *nparts)
{
    int rc = sc__enter(db, "sc_migrate_pending_part");

    if (rc == SC_OK) {
        rc = migrate_pending_part(db, m, n, version, up, part, nparts);
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

/* ---------------------------------------------------------------------
 * The script for a person (sc_migrate_sql()): what the runner would run,
 * written out, version table statements included.
 * ------------------------------------------------------------------- */

/* The text of a part's list: pieces joined, or statements one a line. */
static void put_list(sc__buf *b, const char *const *sql, bool joined)
{
    size_t len;

    for (; sql != NULL && *sql != NULL; sql++) {
        sc__buf_puts(b, *sql);
        len = strlen(*sql);
        if (!joined && len > 0 && (*sql)[len - 1] != '\n')
            sc__buf_puts(b, "\n");
    }
}

/* A literal for s: quotes doubled. */
static void put_literal(sc__buf *b, const char *s)
{
    sc__buf_puts(b, "'");
    for (; *s != '\0'; s++)
        sc__buf_putn(b, s, *s == '\'' ? 2 : 1);
    sc__buf_puts(b, "'");
}

/* The guards of a script, as checks: on PostgreSQL a block that raises
 * when a guard counts rows, on SQLite the queries, to be read. */
static void put_guards(sc__buf *b, sc_dialect d, const sc_migration *mg,
                       const sc_migration_script *s, bool up)
{
    const sc_migration_guard *g = up ? s->guards : s->down_guards;
    unsigned i, n = up ? s->nguards : s->ndown_guards;
    char msg[600];

    for (i = 0; i < n; i++) {
        sc__buf_printf(b, "-- guard %s.%s: %s\n", g[i].table, g[i].column,
                       g[i].reason);
        if (!sc__dialect_of(d)->raise_guards) {
            sc__buf_printf(b, "-- must count 0 rows before going on:\n"
                              "%s;\n", g[i].sql);
            continue;
        }
        snprintf(msg, sizeof msg, "migration %04u %s stopped: %s.%s: %s",
                 mg->version, mg->name, g[i].table, g[i].column,
                 g[i].reason);
        sc__buf_printf(b, "DO $schemac$ BEGIN IF (%s) <> 0 THEN RAISE "
                          "EXCEPTION USING MESSAGE = ", g[i].sql);
        put_literal(b, msg);
        sc__buf_puts(b, "; END IF; END $schemac$;\n");
    }
}

/* The version row of mg: written (up) or deleted (down). */
static void put_version_row(sc__buf *b, sc_dialect d, const sc_migration *mg,
                            bool up)
{
    if (!up) {
        sc__buf_printf(b, "DELETE FROM schemac_migrations WHERE version = "
                          "%u;\n", mg->version);
        return;
    }
    sc__buf_printf(b, "INSERT INTO schemac_migrations (version, name, "
                      "checksum, applied_at) VALUES (%u, ", mg->version);
    put_literal(b, mg->name);
    sc__buf_puts(b, ", ");
    put_literal(b, checksum_for(d, mg));
    sc__buf_printf(b, ", %s);\n", sc__dialect_of(d)->now_iso);
}

/* One migration's step, up or down, as a script. */
static void put_step(sc__buf *b, sc_dialect d, const sc_migration *mg,
                     bool up)
{
    const sc__dialect *dl = sc__dialect_of(d);
    const sc_migration_script *s = &mg->scripts[d];
    bool fk_off = dl->fk_off != NULL &&
                  (up ? s->foreign_keys_off : s->down_foreign_keys_off);
    sc_migration_part one;
    const char *text[2];
    unsigned k, np, first;
    const sc_migration_part *parts = parts_of(s, up, &one, text, &np);

    first = first_tx_part(parts, np);
    sc__buf_printf(b, "\n-- %s %04u %s\n", up ? "up" : "down", mg->version,
                   mg->name);
    if (first == np)
        put_guards(b, d, mg, s, up);
    for (k = 0; k < np; k++) {
        bool last = k + 1 == np;

        if (np > 1)
            sc__buf_printf(b, "-- part %u of %u%s\n", k + 1, np,
                           parts[k].transactional
                               ? ""
                               : ", outside a transaction");
        if (!parts[k].transactional) {
            put_list(b, parts[k].sql, false);
            if (last) {
                sc__buf_printf(b, "%s;\n", dl->begin_write);
                put_version_row(b, d, mg, up);
                sc__buf_puts(b, "COMMIT;\n");
            }
            continue;
        }
        if (k == first && fk_off)
            sc__buf_printf(b, "%s;\n", dl->fk_off);
        sc__buf_printf(b, "%s;\n", dl->begin_write);
        if (dl->lock_step != NULL)
            sc__buf_printf(b, "%s;\n", dl->lock_step);
        if (k == first)
            put_guards(b, d, mg, s, up);
        put_list(b, parts[k].sql, true);
        if (k == first && fk_off && dl->fk_check != NULL)
            sc__buf_printf(b, "-- must list no row before COMMIT:\n"
                              "%s;\n", dl->fk_check);
        if (last)
            put_version_row(b, d, mg, up);
        sc__buf_puts(b, "COMMIT;\n");
        if (k == first && fk_off)
            sc__buf_printf(b, "%s;\n", dl->fk_on);
    }
    if (np == 0) {
        sc__buf_printf(b, "%s;\n", dl->begin_write);
        put_version_row(b, d, mg, up);
        sc__buf_puts(b, "COMMIT;\n");
    }
}

int sc_migrate_sql(sc_dialect d, const sc_migration *m, unsigned n,
                   unsigned from, unsigned to, sc_arena *a, const char **out)
{
    sc__buf b = {0};
    unsigned v;

    if (out == NULL || a == NULL || (m == NULL && n > 0) || from > n ||
        to > n || sc__dialect_of(d) == NULL)
        return SC_MISUSE;
    *out = NULL;
    sc__buf_printf(&b, "-- schemac: migrations %04u to %04u (%s), as the "
                       "runner runs them\n", from, to,
                   sc__dialect_of(d)->name);
    if (from < to) {
        sc__buf_printf(&b, "%s;\n%s;\n", sc__dialect_of(d)->version_table,
                       sc__dialect_of(d)->parts_table);
        for (v = from + 1; v <= to; v++) {
            if (!has_script(&m[v - 1].scripts[d], true)) {
                sc__buf_free(&b);
                return SC_ERROR;
            }
            put_step(&b, d, &m[v - 1], true);
        }
    }
    for (v = from; v > to; v--) {
        if (!has_script(&m[v - 1].scripts[d], false)) {
            sc__buf_free(&b);
            return SC_ERROR;
        }
        put_step(&b, d, &m[v - 1], false);
    }
    if (b.failed) {
        sc__buf_free(&b);
        return SC_NOMEM;
    }
    *out = sc__arena_copy(a, b.s, b.len + 1);
    sc__buf_free(&b);
    return *out != NULL ? SC_OK : SC_NOMEM;
}
