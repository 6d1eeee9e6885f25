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
static inline size_t plain_run8(const char *s)
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

size_t buf_c_plain(const char *s, size_t n)
{
    size_t i = 0, k;

    while (i + 8 <= n) {
        k = plain_run8(s + i);
        i += k;
        if (k < 8)
            return i;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '?')
            return i;
    }
    return n;
}

/*
 * Escapes for a C string literal.  Bytes outside printable ASCII become
 * three-digit octal escapes, which (unlike \x) cannot swallow a following
 * hex digit; UTF-8 text therefore survives any source encoding.  A
 * question mark after another is escaped, so that no two of them start a
 * trigraph.  The escapes are all ASCII: a byte of them is a column.
 */
size_t buf_c_escape(const char *s, size_t i, char d[4])
{
    static const char octal[] = "01234567";
    unsigned char c = (unsigned char)s[i];

    if (c == '"' || c == '\\' || (c == '?' && i > 0 && s[i - 1] == '?')) {
        d[0] = '\\';
        d[1] = (char)c;
        return 2;
    }
    if (c == '\n' || c == '\t') {
        d[0] = '\\';
        d[1] = c == '\n' ? 'n' : 't';
        return 2;
    }
    if (c < 0x20 || c >= 0x7f) {
        d[0] = '\\';
        d[1] = octal[c >> 6];
        d[2] = octal[(c >> 3) & 7];
        d[3] = octal[c & 7];
        return 4;
    }
    d[0] = (char)c;
    return 1;
}

/* Room for the worst case (four bytes out per byte in) is made once, and
 * the bytes are written in place. */
void buf_put_c_escaped(buf *b, const char *s, size_t n)
{
    size_t i, k;
    char *d;

    sc__buf_grow(b, 4 * n);
    d = b->data + b->len;
    for (i = 0; i < n; i++) {
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
        d += buf_c_escape(s, i, d);
    }
    b->len = (size_t)(d - b->data);
    b->data[b->len] = '\0';
}
