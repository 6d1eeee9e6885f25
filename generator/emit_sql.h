/*
 * emit_sql.h - DDL for a checked schema, per SQL dialect.
 *
 * The same statements serve `schemac sql` (as a script) and the generated
 * C code (as an array of strings that create_all runs).  Names are always
 * double-quoted, so "user" and "order" are fine as table names.
 */
#ifndef SCHEMAC_EMIT_SQL_H
#define SCHEMAC_EMIT_SQL_H

#include "ast.h"
#include "buf.h"

/* A dialect is the runtime's (dialect.h): SQL_* are SC_DIALECT_*. */
typedef sc_dialect sql_dialect;
#define SQL_SQLITE     SC_DIALECT_SQLITE
#define SQL_POSTGRESQL SC_DIALECT_POSTGRESQL
#define SQL_MARIADB    SC_DIALECT_MARIADB

/* A list of statements, each without its final semicolon. */
typedef struct sql_stmts {
    char **items;
    int n, cap;
} sql_stmts;

void sql_stmts_free(sql_stmts *s);

/* The dialects the generator writes DDL, code and migrations for, in
 * the order of their SC_DIALECT_*: n receives how many. */
const sql_dialect *emit_sql_dialects(int *n);
/* The dialects migrate diff writes scripts for and a migration
 * directory has files of, a part of emit_sql_dialects(). */
const sql_dialect *emit_sql_migration_dialects(int *n);

/* Parses the name or an alias of a dialect the generator writes
 * ("sqlite", "postgresql", "postgres"); false if unknown. */
bool emit_sql_dialect(const char *name, sql_dialect *out);
const char *emit_sql_dialect_name(sql_dialect d);

/* The CREATE statements of ctx->schema: on PostgreSQL the enum types;
 * the tables, each with its indexes, in creation order (order.h); on
 * PostgreSQL the foreign keys that close a cycle, each safe to run twice;
 * the sql blocks of the dialect.  A CREATE TABLE has a line per column
 * and constraint, or with one_line (for the generated C) none: the
 * statements are the same but for that white space.  The sql blocks are
 * as written either way. */
void emit_sql_ddl(ast_ctx *ctx, sql_dialect d, bool one_line,
                  sql_stmts *out);

/* What of ctx->schema dialect d has no way to say (a deferrable foreign
 * key, a partial index or one over an expression, per the dialect's
 * capabilities), as a message naming it; NULL when d says all of it.  A
 * schema refused in d has no DDL in d: emit_sql_ddl() writes what it
 * can, the generated descriptor has none for d, and `schemac sql` fails
 * with the message. */
const char *emit_sql_refused(ast_ctx *ctx, sql_dialect d);

/* Records every such thing as an error at its place in the file ("no
 * DDL for DIALECT: " and the message), for ast_print_diags(); whether
 * there was one. */
bool emit_sql_report_refused(ast_ctx *ctx, sql_dialect d);

/* The same as one script: a banner comment, then the statements, each
 * ending with ";" and separated by a blank line. */
void emit_sql_script(ast_ctx *ctx, sql_dialect d, buf *out);

/* A constraint or index name of at most 63 bytes: longer ones keep their
 * start and end in a hash, so both databases see the same name. */
const char *emit_sql_constraint_name(ast_ctx *ctx, const char *kind,
                                     const char *table, const char *rest);

/* "a_b" for the columns (a, b): the tail of constraint and index names. */
const char *emit_sql_joined(ast_ctx *ctx, const ast_name *cols);

/* A named table constraint: its DDL, and what the runtime says when it
 * fails. */
typedef struct sql_constraint {
    const char *name;
    const char *column; /* the one column it is about, or NULL */
    const char *what;   /* "at most 32 characters", "unique", ... */
    const char *sql;    /* "CHECK (...)", "UNIQUE (...)", ... */
    /* A foreign key that closes a cycle (ast_ref.after_tables): on
     * PostgreSQL it is left out of CREATE TABLE and added by ALTER TABLE
     * once every table exists. */
    bool after_tables;
    bool is_fk;         /* a foreign key */
} sql_constraint;

typedef struct sql_constraint_list {
    sql_constraint *items; /* strings live in the context's pool */
    int n, cap;
} sql_constraint_list;

/* The dialect whose spelling names what is named alike on every dialect:
 * the digest of a hashed index name is of its elements and predicate as
 * this dialect writes them, and the C descriptors list the constraints
 * of this dialect (its type checks among them). */
#define EMIT_SQL_NAMING_DIALECT SQL_SQLITE

/* The named constraints of t in d, in the order of the DDL: composite
 * primary key, uniques, checks (SQLite adds those that enforce types),
 * foreign keys. */
void emit_sql_constraints(ast_ctx *ctx, sql_dialect d, const ast_table *t,
                          sql_constraint_list *l);
void sql_constraint_list_free(sql_constraint_list *l);

/* Pieces of the DDL, for the migration writer. */
/* name as an identifier of dialect d, in its quotes, the closing one
 * doubled inside. */
void emit_sql_quote(buf *b, sql_dialect d, const char *name);
void emit_sql_column_type(buf *b, sql_dialect d, const ast_column *c);
/* The collation column c is declared with in dialect d, or NULL for its
 * type's own (the database's default): on PostgreSQL "C" for text and
 * varchar, the byte order the runtime compares them in, unless a collate
 * modifier names another ("default": none).  SQLite, whose text is in
 * byte order, gets none. */
const char *emit_sql_collation(sql_dialect d, const ast_column *c);
/* " COLLATE \"name\"" for a column with a collation, nothing otherwise. */
void emit_sql_collate(buf *b, sql_dialect d, const ast_column *c);
/* " DEFAULT x" for a column with a default, nothing otherwise. */
void emit_sql_default(ast_ctx *ctx, buf *b, sql_dialect d,
                      const ast_column *c);
/* "name" TYPE [NOT NULL] [PRIMARY KEY] [DEFAULT x], as in CREATE TABLE. */
void emit_sql_column_def(ast_ctx *ctx, buf *b, sql_dialect d,
                         const ast_table *t, const ast_column *c);
/* The same as ALTER TABLE ... ADD or MODIFY COLUMN takes it: a text
 * column names the collation CREATE TABLE's table options give it. */
void emit_sql_alter_column_def(ast_ctx *ctx, buf *b, sql_dialect d,
                               const ast_table *t, const ast_column *c);
/* (e), an expression of the language of checks as SQL: a literal that
 * stands alone is in the stored form of column col (which may be NULL),
 * as one compared with a column is (backfill (0.5) of a scaled numeric
 * is 50). */
void emit_sql_expr(ast_ctx *ctx, buf *b, sql_dialect d, const ast_expr *e,
                   const ast_column *col);
/* CREATE TABLE for t; named as_name (and without IF NOT EXISTS) when
 * as_name is not NULL: the new copy of a table being rebuilt.  On
 * PostgreSQL the foreign keys marked after_tables are left out. */
void emit_sql_create_table(ast_ctx *ctx, buf *b, sql_dialect d,
                           const ast_table *t, const char *as_name);
/* The name PostgreSQL knows a one-column primary key by: the schema's
 * (primary key NAME (col)), else the server's "<table>_pkey". */
const char *emit_sql_pk_name(ast_ctx *ctx, const ast_table *t);
/* Whether item it is an index (index, or unique index), not a
 * constraint. */
bool emit_sql_is_index(const ast_item *it);
const char *emit_sql_index_name(ast_ctx *ctx, const ast_table *t,
                                const ast_item *it);
/* CREATE [UNIQUE] INDEX IF NOT EXISTS ... [USING m] (elements) [WHERE
 * (expr)]; the method and operator classes on PostgreSQL only. */
void emit_sql_create_index(ast_ctx *ctx, buf *b, sql_dialect d,
                           const ast_table *t, const ast_item *it);
/* ALTER TABLE "t" ADD CONSTRAINT "name" ..., for constraint c of t. */
void emit_sql_add_constraint(buf *b, sql_dialect d, const ast_table *t,
                             const sql_constraint *c);
/* The enum as a type (the dialect table's create_enum), safe to run twice. */
void emit_sql_create_enum(buf *b, sql_dialect d, const ast_enum *e);

/* What the CREATE statement of an sql block makes. */
typedef struct sql_object {
    const char *kind;   /* "VIEW", "TRIGGER", "MATERIALIZED VIEW", ... */
    const char *name;   /* as written: "v", "\"My View\"", public.v */
    const char *on;     /* the table of a trigger, policy, rule or index */
    size_t name_at;     /* the offset of the name in the text */
    bool or_replace, if_not_exists;
} sql_object;

/* Reads text's leading CREATE [OR REPLACE] [TEMP] [UNIQUE] KIND [IF NOT
 * EXISTS] NAME [... ON TABLE]; false when it is not one. */
bool emit_sql_block_object(ast_ctx *ctx, const char *text, sql_object *o);
/* The statement of block s (trimmed, no final ";"): verbatim, or when
 * again is set, safe to run on a database that has the object already
 * (SQLite: IF NOT EXISTS added where the kind has it; PostgreSQL: run by
 * EXECUTE in a block that ignores a duplicate). */
void emit_sql_block(ast_ctx *ctx, buf *b, sql_dialect d,
                    const ast_sqlblock *s, bool again);
/* DROP KIND IF EXISTS NAME [ON TABLE] for the object block s creates;
 * false (nothing written) when its text is not a CREATE schemac reads. */
bool emit_sql_drop_block(ast_ctx *ctx, buf *b, sql_dialect d,
                         const ast_sqlblock *s);
/* Whether block b of schema s goes before the tables (and is dropped
 * after them): its CREATE makes a domain, type, extension, collation or
 * schema, or a function that such a block calls. */
bool emit_sql_block_first(ast_ctx *ctx, const ast_schema *s,
                          const ast_sqlblock *b);
/* The sql blocks of dialect d in declaration order: *at starts NULL and
 * follows the declarations; NULL at the end. */
const ast_sqlblock *emit_sql_next_block(const ast_schema *s,
                                        const ast_decl **at, sql_dialect d);

#endif /* SCHEMAC_EMIT_SQL_H */
