/*
 * fuzz_generate.c - fuzz target for the emitters: an input that parses
 * and checks clean is turned into C (header and source) and into the SQL
 * script of each dialect, all in memory.  The emitters trust the checker,
 * so this is where a schema the checker should have refused shows up.
 */
#include "load.h"

#include "buf.h"
#include "emit_c.h"
#include "emit_sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void generate(ast_ctx *ctx)
{
    buf h, c, sql;

    buf_init(&h);
    buf_init(&c);
    buf_init(&sql);
    emit_c(ctx, &h, &c, NULL, 0);
    emit_sql_script(ctx, SQL_SQLITE, &sql);
    buf_reset(&sql);
    emit_sql_script(ctx, SQL_POSTGRESQL, &sql);
    buf_free(&h);
    buf_free(&c);
    buf_free(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ast_ctx *ctx = fuzz_load("fuzz.schema", data, size);

    if (ctx)
        generate(ctx);
    ast_ctx_free(ctx);
    return 0;
}
