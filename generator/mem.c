/*
 * mem.c - the generator's allocation funnel (see mem.h).  Every malloc of
 * generator/ and of the scanner and parser goes through here, so that
 * running out of memory ends the run the same clean way everywhere, and
 * so that one counter can make any allocation fail in a test.
 */
#include "mem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fail_at = -1; /* SCHEMAC_FAIL_ALLOC, or -1: off */
static long count;
static void (*on_failure)(void);

static void report_count(void)
{
    fprintf(stderr, "schemac: %ld allocations\n", count);
}

void mem_fail_from_env(void)
{
    const char *s = getenv("SCHEMAC_FAIL_ALLOC");
    char *end;
    long n;

    if (s == NULL || *s == '\0')
        return;
    n = strtol(s, &end, 10);
    if (*end != '\0' || n < 0)
        return;
    fail_at = n;
    if (n == 0)
        atexit(report_count);
}

void mem_on_failure(void (*fn)(void))
{
    on_failure = fn;
}

_Noreturn void mem_fail(void)
{
    if (on_failure != NULL)
        on_failure();
    fputs("schemac: out of memory\n", stderr);
    exit(1);
}

/* Whether the test makes this allocation fail; one branch when off. */
static bool injected(void)
{
    if (fail_at < 0)
        return false;
    return ++count == fail_at;
}

void *mem_alloc(size_t n)
{
    void *p = injected() ? NULL : malloc(n ? n : 1);

    if (p == NULL)
        mem_fail();
    return p;
}

void *mem_calloc(size_t n, size_t size)
{
    void *p = injected() ? NULL : calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        mem_fail();
    return p;
}

void *mem_realloc(void *p, size_t n)
{
    void *q = injected() ? NULL : realloc(p, n ? n : 1);

    if (q == NULL)
        mem_fail();
    return q;
}

char *mem_strdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(mem_alloc(n), s, n);
}
