/*
 * buf.c - the growable byte buffer behind every piece of emitted text.
 */
#include "buf.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 256;
    char *p;

    if (need <= b->cap)
        return;
    while (cap < need)
        cap *= 2;
    p = mem_realloc(b->data, cap);
    b->data = p;
    b->cap = cap;
}

void buf_init(buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    grow(b, 0);
    b->data[0] = '\0';
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_reserve(buf *b, size_t n)
{
    grow(b, n);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    size_t room = b->cap - b->len;
    int n;

    /* Most texts fit in the room left: format once, straight in. */
    va_copy(ap2, ap);
    n = vsnprintf(b->data + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        grow(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_put_int(buf *b, long long v)
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
    buf_put(b, digits + i, sizeof digits - i);
}

void buf_pad(buf *b, size_t n)
{
    grow(b, n);
    memset(b->data + b->len, ' ', n);
    b->len += n;
    b->data[b->len] = '\0';
}

/*
 * Escapes for a C string literal.  Bytes outside printable ASCII become
 * three-digit octal escapes, which (unlike \x) cannot swallow a following
 * hex digit; UTF-8 text therefore survives any source encoding.  Room for
 * the worst case (four bytes out per byte in) is made once, and the bytes
 * are written in place.
 */
void buf_put_c_escaped(buf *b, const char *s, size_t n)
{
    static const char hex[] = "01234567";
    size_t i;
    char *d;

    grow(b, 4 * n);
    d = b->data + b->len;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
            *d++ = (char)c;
        } else if (c == '"' || c == '\\') {
            *d++ = '\\';
            *d++ = (char)c;
        } else if (c == '\n') {
            *d++ = '\\';
            *d++ = 'n';
        } else if (c == '\t') {
            *d++ = '\\';
            *d++ = 't';
        } else if (c < 0x20 || c >= 0x7f) {
            *d++ = '\\';
            *d++ = hex[c >> 6];
            *d++ = hex[(c >> 3) & 7];
            *d++ = hex[c & 7];
        } else if (c == '?' && i + 1 < n && s[i + 1] == '?') {
            *d++ = '?'; /* no trigraphs */
            *d++ = '\\';
        } else {
            *d++ = (char)c;
        }
    }
    b->len = (size_t)(d - b->data);
    b->data[b->len] = '\0';
}

char *buf_steal(buf *b)
{
    char *p = b->data;

    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
