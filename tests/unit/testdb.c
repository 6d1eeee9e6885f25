/*
 * testdb.c - opens the database under test (SCHEMAC_TEST_URL) for the
 * suites that run on SQLite, PostgreSQL and MariaDB, and empties it so
 * that every test starts as on a new in-memory database.  See testdb.h.
 */
#include "testdb.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Statements that leave a PostgreSQL database as createdb made it:
 * dropping the schema takes every table, sequence and enum type along. */
static const char *const pg_empty[] = {
    "SET client_min_messages TO warning",
    "DROP SCHEMA IF EXISTS public CASCADE",
    "CREATE SCHEMA public",
    "RESET client_min_messages",
};

static char shared_dir[64];
static char shared_url[128];

/* The database of a mariadb:// or mysql:// URL, into name. */
static void mariadb_name(const char *url, char *name, size_t size)
{
    const char *p = strstr(url, "://") + 3;
    size_t n;

    p += strcspn(p, "/");
    ck_assert_msg(*p == '/' && p[1] != '\0' && p[1] != '?',
                  "%s names no database", url);
    n = strcspn(++p, "?#");
    ck_assert_msg(n < size && memchr(p, '"', n) == NULL && memchr(p, '%', n)
                      == NULL,
                  "database name of %s", url);
    memcpy(name, p, n);
    name[n] = '\0';
}

const char *testdb_url(void)
{
    const char *url = getenv("SCHEMAC_TEST_URL");

    return url != NULL && *url != '\0' ? url : "sqlite::memory:";
}

sc_dialect testdb_dialect(void)
{
    const char *url = testdb_url();

    if (strncmp(url, "sqlite:", 7) == 0)
        return SC_DIALECT_SQLITE;
    if (strncmp(url, "mariadb://", 10) == 0 || strncmp(url, "mysql://", 8) == 0)
        return SC_DIALECT_MARIADB;
    return SC_DIALECT_POSTGRESQL;
}

const char *testdb_pick(const char *on_sqlite, const char *on_postgresql)
{
    return testdb_dialect() == SC_DIALECT_SQLITE ? on_sqlite : on_postgresql;
}

const char *testdb_pick3(const char *on_sqlite, const char *on_postgresql,
                         const char *on_mariadb)
{
    return testdb_dialect() == SC_DIALECT_MARIADB
               ? on_mariadb
               : testdb_pick(on_sqlite, on_postgresql);
}

static void empty_postgresql(sc_db *db)
{
    size_t i;

    for (i = 0; i < sizeof pg_empty / sizeof pg_empty[0]; i++) {
        ck_assert_msg(sc_exec(db, pg_empty[i]) == SC_OK, "%s: %s",
                      pg_empty[i], sc_errmsg(db));
    }
}

/* MariaDB has no schema to drop inside a database: the database itself
 * is dropped and made again, and the connection moves into the new one. */
static void empty_mariadb(sc_db *db)
{
    char name[64], sql[512];

    mariadb_name(testdb_url(), name, sizeof name);
    snprintf(sql, sizeof sql,
             "DROP DATABASE IF EXISTS \"%s\"; CREATE DATABASE \"%s\" "
             "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; USE \"%s\"",
             name, name, name);
    ck_assert_msg(sc_exec(db, sql) == SC_OK, "%s: %s", sql, sc_errmsg(db));
}

void testdb_empty(sc_db *db)
{
    if (sc_db_dialect(db) == SC_DIALECT_POSTGRESQL)
        empty_postgresql(db);
    else if (sc_db_dialect(db) == SC_DIALECT_MARIADB)
        empty_mariadb(db);
}

sc_db *testdb_open(void)
{
    sc_db *db = NULL;
    int rc = sc_open(testdb_url(), &db);

    ck_assert_msg(rc == SC_OK, "cannot open %s: %s", testdb_url(),
                  sc_errmsg(db));
    ck_assert_int_eq(sc_db_dialect(db), testdb_dialect());
    testdb_empty(db);
    return db;
}

const char *testdb_shared_url(void)
{
    if (testdb_dialect() != SC_DIALECT_SQLITE)
        return testdb_url();
    snprintf(shared_dir, sizeof shared_dir, "/tmp/sc-testdb-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(shared_dir));
    snprintf(shared_url, sizeof shared_url, "sqlite:%s/shared.db",
             shared_dir);
    return shared_url;
}

/* Removes the database file with its WAL companions, then the directory. */
void testdb_shared_done(void)
{
    static const char *const suffixes[] = {"-wal", "-shm", ""};
    char path[128];
    size_t i;

    if (shared_dir[0] == '\0')
        return;
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s/shared.db%s", shared_dir,
                 suffixes[i]);
        remove(path);
    }
    ck_assert_int_eq(rmdir(shared_dir), 0);
    shared_dir[0] = '\0';
}
