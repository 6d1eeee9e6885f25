/*
 * strbuf.c - the growable string (strbuf.h), shared by the runtime and
 * the generator.
 */
#include "strbuf.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

static const sc__buf_mem runtime_mem = {sc__realloc, sc__free};

static const sc__buf_mem *mem_of(const sc__buf *b)
{
    return b->mem != NULL ? b->mem : &runtime_mem;
}

bool sc__buf_grow(sc__buf *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 64;
    char *s;

    if (b->failed)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    while (cap < b->len + more + 1)
        cap *= 2;
    s = mem_of(b)->realloc(b->s, cap);
    if (s == NULL) {
        /* no room left either: every later append comes here, and
         * fails */
        b->failed = true;
        b->cap = b->len;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void sc__buf_vprintf(sc__buf *b, const char *fmt, va_list ap)
{
    char small[128];
    va_list ap2;
    size_t room = b->s != NULL ? b->cap - b->len : 0;
    int n;

    /* Most texts fit in the room left, or in a small one on the stack
     * when there is little (a new buffer): formatted once. */
    va_copy(ap2, ap);
    if (room < sizeof small)
        n = vsnprintf(small, sizeof small, fmt, ap2);
    else
        n = vsnprintf(b->s + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (room)
            b->s[b->len] = '\0';
        return;
    }
    if (room < sizeof small && (size_t)n < sizeof small) {
        sc__buf_putn(b, small, (size_t)n);
        return;
    }
    if ((size_t)n >= room) {
        if (!sc__buf_grow(b, (size_t)n))
            return;
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void sc__buf_printf(sc__buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sc__buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void sc__buf_put_int(sc__buf *b, long long v)
{
    char digits[24];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                  : (unsigned long long)v;
    size_t i = sizeof digits;

    do
        digits[--i] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        digits[--i] = '-';
    sc__buf_putn(b, digits + i, sizeof digits - i);
}

void sc__buf_pad(sc__buf *b, size_t n)
{
    if (!sc__buf_grow(b, n))
        return;
    memset(b->s + b->len, ' ', n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sc__buf_ident(sc__buf *b, const char *name)
{
    const char *q;

    sc__buf_putc(b, '"');
    while ((q = strchr(name, '"')) != NULL) {
        sc__buf_putn(b, name, (size_t)(q - name) + 1);
        sc__buf_putc(b, '"');
        name = q + 1;
    }
    sc__buf_puts(b, name);
    sc__buf_putc(b, '"');
}

void sc__buf_reset(sc__buf *b)
{
    b->len = 0;
    if (b->s != NULL)
        b->s[0] = '\0';
}

void sc__buf_free(sc__buf *b)
{
    const sc__buf_mem *mem = b->mem;

    if (b->s != NULL)
        mem_of(b)->free(b->s);
    memset(b, 0, sizeof *b);
    b->mem = mem;
}

char *sc__buf_steal(sc__buf *b)
{
    char *s = b->s;

    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}
