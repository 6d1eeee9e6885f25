/*
 * load.c - parse, check and print diagnostics for a fuzz input.
 */
#include "load.h"

#include "checker.h"

#include <stdio.h>
#include <stdlib.h>

/* The printer formats source lines and carets from positions the fuzzer
 * chose, which is worth running; its text is not worth keeping. */
void fuzz_print_diags(const ast_ctx *ctx)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    if (!out)
        abort();
    ast_print_diags(ctx, out);
    fclose(out);
    free(text);
}

ast_ctx *fuzz_load(const char *name, const uint8_t *data, size_t size)
{
    ast_ctx *ctx = ast_ctx_new(name, (const char *)data, size);

    if (!ctx)
        abort();
    /* The same order as frontend_load: check only a whole tree. */
    if (ast_parse(ctx) == 0)
        check_schema(ctx);
    fuzz_print_diags(ctx);
    if (ctx->nerrors > 0) {
        ast_ctx_free(ctx);
        return NULL;
    }
    ast_attach_comments(ctx);
    return ctx;
}
