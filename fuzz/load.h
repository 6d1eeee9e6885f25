/*
 * load.h - what every fuzz target does first: bytes in, a checked tree out.
 *
 * The targets in this directory drive the same front end as
 * frontend_load() (parse, check, print the diagnostics), but from memory
 * and with the diagnostics printed into a memory stream, so a run
 * exercises the printer too without filling the terminal.
 */
#ifndef SCHEMAC_FUZZ_LOAD_H
#define SCHEMAC_FUZZ_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

/*
 * Parses and checks the size bytes at data as file `name`, prints the
 * diagnostics to a memory stream and throws the text away.  Returns the
 * context when the schema is clean (the caller frees it with
 * ast_ctx_free), NULL when it has errors.
 */
ast_ctx *fuzz_load(const char *name, const uint8_t *data, size_t size);

/* Prints ctx's diagnostics to a memory stream and drops the text. */
void fuzz_print_diags(const ast_ctx *ctx);

#endif /* SCHEMAC_FUZZ_LOAD_H */
