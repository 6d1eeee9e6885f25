/*
 * testdb.h - the database under test, shared by the suites that run
 * against SQLite and PostgreSQL from the same sources (test-runtime.c,
 * test-query.c).
 *
 * The database is named by the environment variable SCHEMAC_TEST_URL
 * (tests/scripts/with-pg.sh sets it to a private server), SQLite in
 * memory when unset.  testdb_open() hands every test an empty database:
 * a new in-memory SQLite database is empty by itself, while a server
 * keeps its tables between tests, so there the public schema is dropped
 * and created again (PostgreSQL), or the database itself (MariaDB,
 * tests/scripts/with-mariadb.sh).
 */
#ifndef TESTDB_H
#define TESTDB_H

#include <stdbool.h>

#include "schemac.h"

/* SCHEMAC_TEST_URL, or "sqlite::memory:" when unset or empty. */
const char *testdb_url(void);

/* The dialect the test URL names, known before anything is opened. */
sc_dialect testdb_dialect(void);

/* Opens the database under test and empties it; fails the test when
 * either cannot be done.  Close the handle with sc_close(). */
sc_db *testdb_open(void);

/* Empties the server database db is connected to (PostgreSQL's public
 * schema, MariaDB's database made again); SQLite's files are the
 * caller's. */
void testdb_empty(sc_db *db);

/*
 * A URL that several connections of one test reach together: a database
 * file in a new temporary directory on SQLite, the test URL elsewhere.
 * Valid until testdb_shared_done(), which removes the file and directory.
 */
const char *testdb_shared_url(void);
void testdb_shared_done(void);

/* The string for the dialect of the database under test: on_sqlite when
 * it is SQLite, on_postgresql otherwise.  For messages and SQL text that
 * the two databases word differently. */
const char *testdb_pick(const char *on_sqlite, const char *on_postgresql);
/* The same with MariaDB's own. */
const char *testdb_pick3(const char *on_sqlite, const char *on_postgresql,
                         const char *on_mariadb);

/* Whether the process's memory (resident size, peak) says what the
 * runtime holds: not under AddressSanitizer, which keeps freed memory in
 * quarantine.  Tests that bound memory check the bound only when 1. */
#if defined(__SANITIZE_ADDRESS__)
#define TESTDB_MEMORY_MEANINGFUL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESTDB_MEMORY_MEANINGFUL 0
#endif
#endif
#ifndef TESTDB_MEMORY_MEANINGFUL
#define TESTDB_MEMORY_MEANINGFUL 1
#endif

#endif /* TESTDB_H */
