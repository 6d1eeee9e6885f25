/*
 * mem.h - the one place the generator gets memory from.
 *
 * The generator is a short-lived process with nothing to save when memory
 * runs out, so these never return NULL: a failure prints "schemac: out of
 * memory", removes the files of the unfinished run (see fs_discard()) and
 * exits with status 1.  Memory they return is released with free().
 *
 * For the allocation-failure test (tests/unit/test-nomemgen.c), the
 * environment variable SCHEMAC_FAIL_ALLOC=N makes the Nth allocation fail;
 * N = 0 fails none and reports the count on standard error at exit.
 */
#ifndef SCHEMAC_MEM_H
#define SCHEMAC_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);

/* Runs fn before exiting on a failure (one function; NULL: none). */
void mem_on_failure(void (*fn)(void));
/* Reads SCHEMAC_FAIL_ALLOC (see above); main() calls it first. */
void mem_fail_from_env(void);
/* Prints the message, runs the failure function, exits with status 1. */
_Noreturn void mem_fail(void);

#endif /* SCHEMAC_MEM_H */
