/*
 * frontend.h - a schema file in, a checked tree out.
 *
 * Every command that takes a .schema file (generate, sql, migrate init
 * and diff, check, fmt) starts the same way: read the file, parse it, check
 * it, print every diagnostic.  This is that start, and the common end,
 * the output written.
 */
#ifndef SCHEMAC_FRONTEND_H
#define SCHEMAC_FRONTEND_H

#include <stddef.h>

#include "ast.h"

/*
 * Reads, parses and checks the schema at path and attaches its comments.
 * On any error prints the diagnostics (or the reason the file cannot be
 * read) to stderr and returns NULL.  When text is not NULL, *text and
 * *len receive the file's bytes (the caller frees *text, on success
 * only).  The check is check_schema_for_sql(): everything but the names
 * the C files would declare, for the commands that make no C (sql,
 * migrate, check, fmt), which need not pay for making it.
 */
ast_ctx *frontend_load(const char *path, char **text, size_t *len);

/*
 * The same with the whole check_schema(), the C names included, for
 * generate: the pass that notes the names makes the C (see
 * emit_c_keep_output()).
 */
ast_ctx *frontend_load_for_c(const char *path, char **text, size_t *len);

/*
 * The other end: writes len bytes of data to path (atomically, untouched
 * when the same, see fs_write_if_changed()) or to the standard output
 * when path is NULL.  Returns 0, or 1 (a user error's exit status) after
 * printing why it could not.
 */
int frontend_write(const char *path, const char *data, size_t len);

#endif /* SCHEMAC_FRONTEND_H */
