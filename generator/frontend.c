/*
 * frontend.c - reading, parsing and checking one schema file.
 */
#include "frontend.h"

#include "checker.h"
#include "fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ast_ctx *load(const char *path, char **text, size_t *len,
                     bool c_names)
{
    char *src;
    size_t n;
    ast_ctx *ctx;

    if (fs_read(path, &src, &n) != 0) {
        fprintf(stderr, "schemac: cannot read %s: %s\n", path,
                strerror(errno));
        return NULL;
    }
    ctx = ast_ctx_new(path, src, n);
    /* The parser reports a missing schema line; the checker everything
     * else, once the tree is whole, with its comments: for C, the
     * checker's last pass writes the C, which carries them. */
    if (ast_parse(ctx) == 0) {
        ast_attach_comments(ctx);
        if (c_names)
            check_schema(ctx);
        else
            check_schema_for_sql(ctx);
    }
    if (ctx->nerrors > 0) {
        ast_print_diags(ctx, stderr);
        ast_ctx_free(ctx);
        free(src);
        return NULL;
    }
    if (text) {
        *text = src;
        *len = n;
    } else {
        free(src);
    }
    return ctx;
}

ast_ctx *frontend_load(const char *path, char **text, size_t *len)
{
    return load(path, text, len, false);
}

ast_ctx *frontend_load_for_c(const char *path, char **text, size_t *len)
{
    return load(path, text, len, true);
}

int frontend_write(const char *path, const char *data, size_t len)
{
    if (path) {
        if (fs_write_if_changed(path, data, len, NULL) == 0)
            return 0;
        fprintf(stderr, "schemac: cannot write %s: %s\n", path,
                strerror(errno));
        return 1;
    }
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "schemac: cannot write the output: %s\n",
                strerror(errno));
        return 1;
    }
    return 0;
}
