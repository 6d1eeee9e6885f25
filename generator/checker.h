/*
 * checker.h - the semantic checker, and the facts about a checked schema that
 * every emitter needs.
 *
 * check_schema() resolves names (enum types, referenced tables and columns),
 * fills the "set by the checker" fields of the tree and records every
 * semantic error on the context.  The emitters run only on a schema that
 * checked clean, so they may trust it.
 */
#ifndef SCHEMAC_CHECKER_H
#define SCHEMAC_CHECKER_H

#include "ast.h"

/* Checks ctx->schema; returns the number of errors (0: safe to emit). */
int check_schema(ast_ctx *ctx);

/*
 * check_schema() without its last step, the names the C files would
 * declare (check_macro_names() and emit_c_check_names()), which costs as
 * much as making the C: for every command that makes none (sql, migrate,
 * check, fmt) and for a snapshot read back from a migration directory.
 * They need every other step: the names resolved, the keys set, the
 * references and defaults checked and the tables in dependency order.
 * A schema whose C names clash still has DDL; generate refuses it.
 */
int check_schema_for_sql(ast_ctx *ctx);

/* The kinds of names a database may keep for itself. */
typedef enum check_name_kind {
    CHECK_NAME_TABLE,
    CHECK_NAME_INDEX,
    CHECK_NAME_COLUMN,
    CHECK_NAME_ENUM
} check_name_kind;

/* Why dialect d (AST_D_*) keeps name, as a name of kind k, for itself (a
 * phrase: "a system column of every PostgreSQL table"), or NULL when it
 * does not.  The checker refuses such a name in a schema for d. */
const char *check_reserved(int d, check_name_kind k, const char *name);

/* A default value, converted to the column's representation. */
typedef struct model_default {
    int kind;      /* SC_DEFAULT_* of schemac.h */
    int64_t i;     /* bool, ints, scaled numeric, date, timestamp, enum */
    double f;      /* float32, float64 */
    const char *s; /* text, json, decimal, bytes; uuid: 16 bytes */
    size_t len;
} model_default;

/* Converts c's default.  Returns false (and sets *why to a message) when
 * the literal does not fit the type. */
bool model_column_default(ast_ctx *ctx, const ast_column *c,
                          model_default *out, const char **why);

/* The column's value lives behind a pointer (text, json, big numeric,
 * bytes): NULL (or data == NULL) stands for SQL NULL. */
bool model_is_pointer(const ast_column *c);
/* The struct carries a bool has_<col> next to the field: a nullable scalar,
 * or a column whose default is "now". */
bool model_has_flag(const ast_column *c);
/* numeric(p,s) with p <= 18, carried as a scaled int64_t. */
bool model_is_scaled(const ast_type *t);
/* The enum of an enum-typed column, or NULL. */
const ast_enum *model_enum(const ast_column *c);
/* The columns of t's primary key, in key order; returns the count. */
int model_primary_key(const ast_table *t, const ast_column **cols, int max);

#endif /* SCHEMAC_CHECKER_H */
