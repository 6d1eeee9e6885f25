/*
 * fuzz_parse.c - fuzz target for the front end: the scanner, the parser
 * with its error recovery and messages, the checker and the diagnostic
 * printer, on any bytes.
 */
#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ast_ctx_free(fuzz_load("fuzz.schema", data, size));
    return 0;
}
