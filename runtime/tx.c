/*
 * tx.c - transactions and savepoints: the nesting levels behind
 * sc_begin(), sc_commit() and sc_rollback(), and the implicit level of a
 * stream or a batch.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"

/* ---------------------------------------------------------------------
 * Transactions.
 * ------------------------------------------------------------------- */

/* The keyword SAVEPOINT is written out after ROLLBACK TO and RELEASE:
 * SQLite and PostgreSQL take it there, and MariaDB requires it. */
static int savepoint(sc_db *db, const char *verb, int level)
{
    char sql[96];

    if (strcmp(verb, "ROLLBACK TO") == 0)
        snprintf(sql, sizeof sql,
                 "ROLLBACK TO SAVEPOINT sc_sp_%d; RELEASE SAVEPOINT sc_sp_%d",
                 level, level);
    else if (strcmp(verb, "RELEASE") == 0)
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT sc_sp_%d", level);
    else
        snprintf(sql, sizeof sql, "%s sc_sp_%d", verb, level);
    return sc__exec_traced(db, sql);
}

/* Whether the next level to open is a transaction, not a savepoint:
 * inside a stream's transaction, the levels are savepoints in it. */
static bool outermost(const sc_db *db)
{
    return db->depth == 0 && !db->stream_txn;
}

/* Opens one more level: a transaction or a savepoint. */
int sc__level_open(sc_db *db, bool write)
{
    int rc;

    if (outermost(db) && db->be->in_transaction(db->conn))
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "a transaction was opened outside sc_begin()");
    if (outermost(db))
        rc = sc__exec_traced(db, write ? sc__dialect_of(db->be->dialect)->begin_write
                                   : sc__dialect_of(db->be->dialect)->begin);
    else
        rc = savepoint(db, "SAVEPOINT", db->depth + 1);
    if (rc == SC_OK)
        db->depth++;
    return rc;
}

/* The database may end a transaction by itself after some errors: then
 * every level is gone. */
static bool levels_lost(sc_db *db)
{
    if (db->depth > 0 && !db->be->in_transaction(db->conn)) {
        db->depth = 0;
        return true;
    }
    return false;
}

static int level_commit(sc_db *db)
{
    int rc;

    if (db->depth == 0)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "commit without an open transaction");
    if (levels_lost(db))
        return sc__set_error(db, SC_ERROR, NULL, NULL,
                             "the database already rolled the transaction "
                             "back after an error");
    if (db->depth == 1 && !db->stream_txn)
        rc = sc__exec_traced(db, "COMMIT");
    else
        rc = savepoint(db, "RELEASE", db->depth);
    if (rc == SC_OK)
        db->depth--;
    else
        levels_lost(db);
    return rc;
}

static int level_rollback(sc_db *db)
{
    int rc;

    if (db->depth == 0)
        return sc__set_error(db, SC_MISUSE, NULL, NULL,
                             "rollback without an open transaction");
    if (levels_lost(db))
        return SC_OK;
    if (db->depth == 1 && !db->stream_txn) {
        rc = sc__exec_traced(db, "ROLLBACK");
        /* Once more when memory ran out: the failed attempt gave back
         * what it took, and a rollback that does not happen leaves the
         * connection in a transaction nobody wants. */
        if (rc == SC_NOMEM && db->be->in_transaction(db->conn))
            rc = sc__exec_traced(db, "ROLLBACK");
    } else {
        rc = savepoint(db, "ROLLBACK TO", db->depth);
    }
    if (rc == SC_OK)
        db->depth--;
    else
        levels_lost(db);
    return rc;
}

/*
 * Closes level (the depth sc__level_open() reached): commits when rc is SC_OK,
 * else rolls back and keeps the error that caused it.  A commit that fails
 * is rolled back too, so that no level of ours stays open.  Returns the
 * outcome.
 */
int sc__level_close(sc_db *db, int level, int rc)
{
    sc__error_state saved;

    if (rc == SC_OK)
        rc = level_commit(db);
    if (rc == SC_OK || db->depth != level)
        return rc;
    saved = db->err;
    level_rollback(db);
    db->err = saved;
    return rc;
}

static int begin(sc_db *db)
{
    int rc = sc__usable(db);

    return rc != SC_OK ? rc : sc__level_open(db, false);
}

static int begin_write(sc_db *db)
{
    int rc = sc__usable(db);

    return rc != SC_OK ? rc : sc__level_open(db, true);
}

/* A commit of the outermost level that a queued write failed rolls the
 * transaction back, keeping the error, as PostgreSQL's COMMIT of an
 * aborted transaction does: nothing of it is committed. */
static int commit(sc_db *db)
{
    sc__error_state saved;
    int rc = sc__usable(db);

    if (rc == SC_OK)
        return level_commit(db);
    if (db == NULL || !db->queue.failed || db->depth != 1 || db->stream_txn)
        return rc;
    saved = db->err;
    db->queue.failed = false;
    if (db->be->in_transaction(db->conn))
        sc__exec_traced(db, "ROLLBACK");
    db->depth = 0;
    db->err = saved;
    return rc;
}

/* What is queued is dropped unread: the level it belongs to goes. */
static int rollback(sc_db *db)
{
    int rc;

    if (db != NULL && db->conn != NULL) {
        sc__queue_drop(db);
        db->queue.failed = false;
    }
    rc = sc__usable(db);
    return rc != SC_OK ? rc : level_rollback(db);
}

int sc_txn_depth(const sc_db *db)
{
    return db == NULL ? 0 : db->depth;
}

/*
 * A stream's transaction (see sc_query_each() in schemac.h) stays out of
 * the count of levels: inside it, depth 0 behaves as outside any
 * transaction, except that sc_begin() opens a savepoint, so that the row
 * function's work can be rolled back without ending the stream.
 */
int sc__stream_begin(sc_db *db, bool *opened)
{
    int rc;

    *opened = false;
    if (db->be->stream == NULL || db->be->in_transaction(db->conn)) {
        db->streams++;
        return SC_OK;
    }
    rc = sc__exec_traced(db, sc__dialect_of(db->be->dialect)->begin);
    if (rc != SC_OK)
        return rc;
    db->stream_txn = true;
    *opened = true;
    db->streams++;
    return SC_OK;
}

int sc__stream_end(sc_db *db, bool opened, int rc)
{
    sc__error_state saved;

    db->streams--;
    if (!opened)
        return rc;
    db->stream_txn = false;
    if (rc == SC_OK && db->depth != 0)
        rc = sc__set_error(db, SC_MISUSE, NULL, NULL,
                           "the row function of sc_query_each() left %d "
                           "transaction level(s) open", db->depth);
    db->depth = 0;
    if (rc == SC_OK)
        return sc__exec_traced(db, "COMMIT");
    saved = db->err;
    if (db->be->in_transaction(db->conn))
        sc__exec_traced(db, "ROLLBACK");
    db->err = saved;
    return rc;
}

int sc_begin(sc_db *db)
{
    int rc = sc__enter(db, "sc_begin");

    if (rc == SC_OK) {
        rc = begin(db);
        sc__leave(db);
    }
    return rc;
}

int sc_begin_write(sc_db *db)
{
    int rc = sc__enter(db, "sc_begin_write");

    if (rc == SC_OK) {
        rc = begin_write(db);
        sc__leave(db);
    }
    return rc;
}

int sc_commit(sc_db *db)
{
    int rc = sc__enter(db, "sc_commit");

    if (rc == SC_OK) {
        rc = commit(db);
        sc__leave(db);
    }
    return rc;
}

int sc_rollback(sc_db *db)
{
    int rc = sc__enter(db, "sc_rollback");

    if (rc == SC_OK) {
        rc = rollback(db);
        sc__leave(db);
    }
    return rc;
}
