/*
 * fmt.h - schemac fmt: a schema printed in the project's one layout.
 */
#ifndef SCHEMAC_FMT_H
#define SCHEMAC_FMT_H

#include "ast.h"
#include "buf.h"

/* Appends ctx->schema (parsed and checked, comments collected) to out in
 * the canonical layout, every comment kept. */
void fmt_schema(ast_ctx *ctx, buf *out);

/* schemac fmt FILE... [--check | --stdout]: the command; returns the exit
 * status. */
int fmt_main(int argc, char **argv);

#endif /* SCHEMAC_FMT_H */
