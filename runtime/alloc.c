/*
 * alloc.c - the one place libschemac gets memory from (sc__malloc() and
 * friends, with the allocation-failure test's hook).  The growable
 * string every SQL builder appends to is strbuf.c.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"

/* ---------------------------------------------------------------------
 * Allocation: the one place the runtime gets memory from.
 * ------------------------------------------------------------------- */

/*
 * Fault injection for the allocation-failure test (tests/unit/
 * test-nomem.c): sc__alloc_fail_at(n) makes the nth allocation from then
 * on fail, once; n = 0 only counts, n < 0 turns it off (the default, one
 * test of a static per allocation).  Not thread-safe, and not meant to be:
 * the test runs one connection on one thread.
 */
static long alloc_fail_at = -1;
static long alloc_count;

/* The allocator of sc_open_opts: all NULL for the C library's, and
 * changed only while no connection is open (open_conns). */
static sc_allocator allocator;
static atomic_long open_conns;

static bool same_allocator(const sc_allocator *a)
{
    if (a == NULL)
        return allocator.malloc == NULL;
    return a->malloc == allocator.malloc && a->realloc == allocator.realloc &&
           a->free == allocator.free && a->ctx == allocator.ctx;
}

int sc__alloc_install(const sc_allocator *a)
{
    static const sc_allocator libc;

    if (same_allocator(a))
        return SC_OK;
    if (atomic_load(&open_conns) > 0)
        return SC_MISUSE;
    if (a != NULL &&
        (a->malloc == NULL || a->realloc == NULL || a->free == NULL))
        return SC_MISUSE;
    allocator = a != NULL ? *a : libc;
    return SC_OK;
}

void sc__conn_count(int delta)
{
    atomic_fetch_add(&open_conns, delta);
}

void sc__alloc_fail_at(long n)
{
    alloc_fail_at = n;
    alloc_count = 0;
}

long sc__alloc_count(void)
{
    return alloc_count;
}

bool sc__alloc_fails(void)
{
    if (alloc_fail_at < 0)
        return false;
    return ++alloc_count == alloc_fail_at;
}

void *sc__malloc(size_t n)
{
    if (alloc_fail_at >= 0 && sc__alloc_fails())
        return NULL;
    n = n == 0 ? 1 : n;
    return allocator.malloc != NULL ? allocator.malloc(allocator.ctx, n)
                                    : malloc(n);
}

void *sc__realloc(void *p, size_t n)
{
    if (alloc_fail_at >= 0 && sc__alloc_fails())
        return NULL;
    n = n == 0 ? 1 : n;
    return allocator.realloc != NULL ? allocator.realloc(allocator.ctx, p, n)
                                     : realloc(p, n);
}

void *sc__zalloc(size_t n, size_t size)
{
    void *p;

    if (n != 0 && size > SIZE_MAX / n)
        return NULL;
    p = sc__malloc(n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void sc__copy_n(char *dst, size_t size, const char *src, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void sc__free(void *p)
{
    if (p == NULL)
        return;
    if (allocator.free != NULL)
        allocator.free(allocator.ctx, p);
    else
        free(p);
}
