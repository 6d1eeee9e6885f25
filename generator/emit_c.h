/*
 * emit_c.h - the C emitter: NAME_db.h and NAME_db.c for a checked schema.
 */
#ifndef SCHEMAC_EMIT_C_H
#define SCHEMAC_EMIT_C_H

#include "ast.h"
#include "buf.h"
#include "schemac.h"

/* Appends the header and the source for ctx->schema to the two buffers.
 * The source includes the header as "SCHEMA_db.h".  With nmigs > 0 the
 * migrations are embedded too, with SCHEMA_migrate(). */
void emit_c(ast_ctx *ctx, buf *header, buf *source, const sc_migration *migs,
            unsigned nmigs);

/* Reports, as errors on ctx, every name the two files would declare
 * twice at file scope (a type, function, macro or static array), naming
 * both things it would stand for; returns how many.  The checker calls
 * it last, on a schema without other errors. */
int emit_c_check_names(ast_ctx *ctx);

/* With keep, emit_c_check_names() writes the files as it goes and keeps
 * them for the emit_c() of the same schema, which then costs only the
 * migrations: for a run that writes the C.  Without (the default), it
 * only notes the names. */
void emit_c_keep_output(bool keep);

/* Whether the header also has the per-column query macros of the former
 * API (schemac generate --column-macros). */
void emit_c_column_macros(bool on);

#endif /* SCHEMAC_EMIT_C_H */
