/*
 * diff.h - the migration writer: from one checked schema to the next.
 *
 * diff_schemas() pairs the tables, columns and enums of the old schema
 * (the newest snapshot in the migrations directory) with those of the new
 * one (by name, or by a "renamed from" hint), and writes for each dialect
 * the SQL that takes a database from old to new (up) and back (down),
 * with the guards that stop a data-dependent change before it runs (see
 * docs/MIGRATIONS.md).  Changes that lose data by their nature (dropping
 * a table or a column, narrowing a type) are refused, as errors on the
 * context of the schema that asks for them, unless an option allows them.
 */
#ifndef SCHEMAC_DIFF_H
#define SCHEMAC_DIFF_H

#include "ast.h"
#include "buf.h"
#include "emit_sql.h"

typedef struct diff_options {
    bool allow_drop_table;
    bool allow_drop_column;
    bool allow_narrowing;
    /* PostgreSQL: indexes of existing tables made and dropped by plain
     * CREATE and DROP INDEX, in the migration's transaction, instead of
     * CONCURRENTLY in a part of their own. */
    bool no_concurrently;
    /* The rows of a table in the database the migration is meant for,
     * for the lints, or -1 when unknown; row_count NULL: no database. */
    long long (*row_count)(void *arg, const char *table);
    void *row_count_arg;
} diff_options;

/* The migration for one dialect. */
typedef struct diff_script {
    /* Statements, each ending with ";\n", in parts separated by the
     * directives "-- +transaction" and "-- +no-transaction" (a script
     * whose first line is "-- +no-transaction" starts with such a part;
     * docs/MIGRATIONS.md, "Parts"). */
    buf up, down;
    buf up_guards;          /* "-- +guard" directives with their queries */
    buf down_guards;
    bool up_fk_off;         /* SQLite: the up script rebuilds a table */
    bool down_fk_off;
    /* PostgreSQL, up: the steps that rewrite a table or hold a lock that
     * stops its readers or writers for long, one line each, with the
     * safer way where diff does not take it itself. */
    buf lints;
} diff_script;

typedef struct diff_result {
    /* by dialect (SQL_*); the dialects the generator does not write
     * (emit_sql_migration_dialects()) stay empty */
    diff_script scripts[AST_NDIALECTS];
    buf summary;            /* one line per change, for the person */
    int nchanges;
} diff_result;

void diff_result_init(diff_result *r);
void diff_result_free(diff_result *r);

/*
 * Compares old (may hold an empty schema: the first migration) with new,
 * both checked without errors.  Returns the number of refusals, recorded
 * as errors on new (or on old, for what new no longer has); 0 with
 * r->nchanges == 0 means the schemas are the same.
 */
int diff_schemas(ast_ctx *old, ast_ctx *new, const diff_options *o,
                 diff_result *r);

/* The text of migration file NNNN_NAME.DIALECT.sql for script s, in the
 * format of docs/MIGRATIONS.md. */
void diff_sql_file(buf *out, unsigned version, const char *name,
                   sql_dialect d, const diff_script *s);

#endif /* SCHEMAC_DIFF_H */
