/*
 * emit_c.h - the C emitter: NAME_db.h and NAME_db.c for a checked schema.
 */
#ifndef SCHEMAC_EMIT_C_H
#define SCHEMAC_EMIT_C_H

#include "ast.h"
#include "buf.h"

/* Appends the header and the source for ctx->schema to the two buffers.
 * The source includes the header as "SCHEMA_db.h". */
void emit_c(ast_ctx *ctx, buf *header, buf *source);

#endif /* SCHEMAC_EMIT_C_H */
