/*
 * names.h - how schema names become C names.
 *
 * A table "users" of schema "pycon" gives the row type pycon_user (the
 * singular), the functions pycon_users_*, and the descriptor
 * pycon_users_table.  A column keeps its name as a struct field unless that
 * is a C keyword, which gets a trailing underscore.  Enum values become
 * PYCON_LEVEL_BEGINNER.  All names returned live in the context's pool.
 */
#ifndef SCHEMAC_NAMES_H
#define SCHEMAC_NAMES_H

#include "ast.h"

/* The C identifier a schema name gives (SPEC section 2, "Quoted
 * names"): every run of characters other than ASCII letters, digits and
 * '_' becomes one '_', and a leading digit gets a '_' before it; case is
 * kept.  A plain identifier is returned as it is, so cname == name for
 * every name that needs no quotes.  The C keyword rule is not applied
 * here, since most C names are built from several parts (pycon_case_get);
 * names_field() applies it where a name stands alone. */
const char *names_c_ident(ast_ctx *ctx, const char *name);

/* The English singular of a table name: users -> user, categories ->
 * category, boxes -> box, status -> status.  Returns name itself when no
 * rule applies. */
const char *names_singular(ast_ctx *ctx, const char *name);

/* The struct field for a column, from its cname: the name, or name_ for
 * a C keyword. */
const char *names_field(ast_ctx *ctx, const char *name);

/* PREFIX_REST in upper case, e.g. ("pycon", "level_beginner"). */
const char *names_upper(ast_ctx *ctx, const char *a, const char *b);

#endif /* SCHEMAC_NAMES_H */
