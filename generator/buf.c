/*
 * buf.c - the generator's side of the growable buffer (runtime/strbuf.c):
 * its memory, and the escapes of C string literals.
 */
#include "buf.h"
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The generator's memory: never NULL (mem_realloc() ends the run). */
static void *gen_realloc(void *p, size_t n)
{
    return mem_realloc(p, n);
}

const sc__buf_mem buf_gen_mem = {gen_realloc, free};

void buf_init(buf *b)
{
    memset(b, 0, sizeof *b);
    b->mem = &buf_gen_mem;
    sc__buf_grow(b, 255);
    b->data[0] = '\0';
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Whether a byte of x is below k (k <= 0x80), or is k: exact as a
 * whole, whatever the borrows do to the bytes above the first one. */
#define BELOW(x, k) (((x) - ONES * (k)) & ~(x) & HIGHS)
#define EQUALS(x, k) BELOW((x) ^ (ONES * (k)), 1)

/* Of the eight bytes at s, how many come before the first that is not
 * plain (as plain[] below says: printable ASCII but ", \ and ?), or 8.
 * The lowest byte a test marks is always one it is true of. */
static size_t plain_run8(const char *s)
{
    uint64_t x, m;
    size_t k;

    memcpy(&x, s, 8);
    m = (x & HIGHS) | BELOW(x, 0x20) | EQUALS(x, 0x7f) | EQUALS(x, '"') |
        EQUALS(x, '\\') | EQUALS(x, '?');
    if (!m)
        return 8;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(m) / 8; /* the first byte is the lowest */
#endif
    for (k = 0; k < 8; k++) /* in the order of the bytes in memory */
        if ((s[k] & 0x80) || s[k] < 0x20 || s[k] == 0x7f || s[k] == '"' ||
            s[k] == '\\' || s[k] == '?')
            return k;
    return 8;
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
    /* plain[c]: c is written as it is (printable ASCII but ", \ and ?) */
    static unsigned char plain[256];
    size_t i;
    char *d;

    if (!plain['a'])
        for (i = 0x20; i < 0x7f; i++)
            plain[i] = i != '"' && i != '\\' && i != '?';
    sc__buf_grow(b, 4 * n);
    d = b->data + b->len;
    for (i = 0; i < n; i++) {
        unsigned char c;
        size_t k;

        /* Eight bytes at a time up to one to escape: eight are copied
         * (the room is there), as many as are plain kept. */
        while (i + 8 <= n) {
            k = plain_run8(s + i);
            memcpy(d, s + i, 8);
            d += k;
            i += k;
            if (k < 8)
                break;
        }
        if (i == n)
            break;
        c = (unsigned char)s[i];

        if (plain[c]) {
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
