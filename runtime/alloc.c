/*
 * alloc.c - the one place libschemac gets memory from (sc__malloc() and
 * friends, with the allocation-failure test's hook), and the growable
 * string every SQL builder appends to.
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

/* ---------------------------------------------------------------------
 * A growable string (sc__buf, see internal.h).
 * ------------------------------------------------------------------- */

static bool buf_reserve(sc__buf *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 64;
    char *s;

    if (b->failed)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    while (cap < b->len + more + 1)
        cap *= 2;
    s = sc__realloc(b->s, cap);
    if (s == NULL) {
        b->failed = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void sc__buf_putn(sc__buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sc__buf_puts(sc__buf *b, const char *s)
{
    sc__buf_putn(b, s, strlen(s));
}

void sc__buf_printf(sc__buf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    if ((size_t)n < sizeof small) {
        sc__buf_putn(b, small, (size_t)n);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Appends name as a double-quoted SQL identifier. */
void sc__buf_ident(sc__buf *b, const char *name)
{
    const char *q;

    sc__buf_putn(b, "\"", 1);
    while ((q = strchr(name, '"')) != NULL) {
        sc__buf_putn(b, name, (size_t)(q - name) + 1);
        sc__buf_putn(b, "\"", 1);
        name = q + 1;
    }
    sc__buf_puts(b, name);
    sc__buf_putn(b, "\"", 1);
}

void sc__buf_free(sc__buf *b)
{
    sc__free(b->s);
    memset(b, 0, sizeof *b);
}
