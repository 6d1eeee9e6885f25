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

typedef enum fmt_result {
    FMT_OK,               /* the same code and comments */
    FMT_COMMENTS_CHANGED, /* a comment lost or altered: a bug of fmt */
    FMT_COMMENT_MOVED,    /* a comment would document another declaration */
    FMT_BROKEN            /* the text does not compile or means otherwise */
} fmt_result;

/* Formats ctx->schema into out, then compiles out again and compares: the
 * DDL of both dialects, the generated C and the comments must be the same.
 * Only FMT_OK lets the text be written. */
fmt_result fmt_proved(ast_ctx *ctx, buf *out);

/* schemac fmt FILE... [--check | --stdout]: the command; returns the exit
 * status. */
int fmt_main(int argc, char **argv);

#endif /* SCHEMAC_FMT_H */
