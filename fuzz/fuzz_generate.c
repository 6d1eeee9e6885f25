/*
 * fuzz_generate.c - fuzz target for the emitters: an input that parses
 * and checks clean is turned into C (header and source) and into the SQL
 * script of each dialect, all in memory.  The emitters trust the checker,
 * so this is where a schema the checker should have refused shows up.
 *
 * The same clean input goes through schemac fmt: its result must compile
 * to the same DDL with the same comments (fmt_proved() may only refuse
 * when a comment would document another declaration), and formatting the
 * result again must give it back unchanged.
 */
#include "load.h"

#include "buf.h"
#include "emit_c.h"
#include "emit_sql.h"
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

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

static void format(ast_ctx *ctx)
{
    buf once, twice;
    ast_ctx *again;
    fmt_result r;

    buf_init(&once);
    buf_init(&twice);
    r = fmt_proved(ctx, &once);
    if (r == FMT_COMMENTS_CHANGED || r == FMT_BROKEN)
        abort();
    if (r == FMT_OK) {
        again = fuzz_load("fuzz.schema", (const uint8_t *)once.data,
                          once.len);
        if (!again)
            abort();
        fmt_schema(again, &twice);
        if (twice.len != once.len ||
            memcmp(twice.data, once.data, once.len) != 0)
            abort();
        ast_ctx_free(again);
    }
    buf_free(&once);
    buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ast_ctx *ctx = fuzz_load("fuzz.schema", data, size);

    if (ctx) {
        generate(ctx);
        format(ctx);
    }
    ast_ctx_free(ctx);
    return 0;
}
