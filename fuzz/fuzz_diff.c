/*
 * fuzz_diff.c - fuzz target for the migration writer.
 *
 * The input holds two schemas, old and new, separated by the first NUL
 * byte (a NUL is never valid in a schema, so the split loses nothing the
 * parser would accept).  An empty old part stands for the empty schema
 * that "migrate init" diffs against.  When both check clean they are
 * diffed with every refusal on, then with every data-losing change
 * allowed, and each result is written as the migration file of both
 * dialects.
 */
#include "load.h"

#include "buf.h"
#include "diff.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_files(const diff_result *r)
{
    buf out;

    buf_init(&out);
    diff_sql_file(&out, 2, "fuzz", SQL_SQLITE, &r->scripts[SQL_SQLITE]);
    buf_reset(&out);
    diff_sql_file(&out, 2, "fuzz", SQL_POSTGRESQL, &r->scripts[SQL_POSTGRESQL]);
    buf_free(&out);
}

/* Diffs one fresh pair: diff_schemas records refusals on the contexts, so
 * each set of options starts from its own. */
static void diff_once(const uint8_t *a, size_t alen, const uint8_t *b,
                      size_t blen, bool allow)
{
    diff_options o = {allow, allow, allow};
    ast_ctx *prev, *cur;
    diff_result r;

    prev = alen > 0 ? fuzz_load("old.schema", a, alen)
                    : ast_ctx_new("(empty)", "", 0);
    cur = fuzz_load("new.schema", b, blen);
    if (prev && cur) {
        diff_result_init(&r);
        if (diff_schemas(prev, cur, &o, &r) == 0)
            write_files(&r);
        /* Refusals are errors with locations on either side. */
        fuzz_print_diags(prev);
        fuzz_print_diags(cur);
        diff_result_free(&r);
    }
    ast_ctx_free(prev);
    ast_ctx_free(cur);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t alen;

    if (!nul)
        return 0;
    alen = (size_t)(nul - data);
    diff_once(data, alen, nul + 1, size - alen - 1, false);
    diff_once(data, alen, nul + 1, size - alen - 1, true);
    return 0;
}
