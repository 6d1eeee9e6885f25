/*
 * drift.h - schemac check: compares a live database's structure with
 * what a schema creates on it, and reports every difference.
 */
#ifndef SCHEMAC_DRIFT_H
#define SCHEMAC_DRIFT_H

#include "ast.h"
#include "schemac.h"

/* argv holds the arguments after "check": FILE.schema --db URL.  Returns
 * the exit status: 0 no drift, 1 drift or a user error (a bad schema, a
 * database that cannot be opened or read), 2 a usage error. */
int drift_main(int argc, char **argv);

/* Compares the checked schema of ctx with the open database db, printing
 * each difference as a "drift: ..." line on the standard output (strings
 * are allocated in ctx's pool).  Returns the number of differences, or -1
 * after printing why the catalog could not be read, or the errors at
 * each form of the schema the database cannot hold (as sql prints them). */
int drift_compare(ast_ctx *ctx, sc_db *db);

#endif /* SCHEMAC_DRIFT_H */
