/*
 * utf8.c - UTF-8 validation, counting, decoding and encoding (see
 * utf8.h), for the checks the runtime makes of every text value bound and
 * the generator's reading of schema text and literals.
 */
#include <string.h>

#include "utf8.h"

#define ASCII_MASK UINT64_C(0x8080808080808080)

size_t sc__utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned c, lo = 0x80, hi = 0xbf;
    size_t len, i;

    if (n == 0)
        return 0;
    c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xc2 || c > 0xf4) /* a continuation byte, C0, C1, F5 on */
        return 0;
    len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (c == 0xe0)
        lo = 0xa0; /* below: overlong */
    else if (c == 0xed)
        hi = 0x9f; /* above: surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* below: overlong */
    else if (c == 0xf4)
        hi = 0x8f; /* above: past U+10FFFF */
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return len;
}

/* The 8 bytes at s, in any alignment. */
static uint64_t word_at(const unsigned char *s)
{
    uint64_t w;

    memcpy(&w, s, sizeof w);
    return w;
}

/* Whether s[0..n) is ASCII.  Eight bytes at a time, two words a turn,
 * the last word read where it ends at s[n - 1] (it may overlap the one
 * before); below eight bytes, one pass OR-ing the bytes. */
static bool all_ascii(const unsigned char *s, size_t n)
{
    uint64_t acc = 0;
    size_t i;

    if (n < 8) {
        for (i = 0; i < n; i++)
            acc |= s[i];
        return (acc & 0x80) == 0;
    }
    for (i = 0; i + 16 <= n; i += 16)
        acc |= word_at(s + i) | word_at(s + i + 8);
    if (i + 8 <= n)
        acc |= word_at(s + i);
    return ((acc | word_at(s + n - 8)) & ASCII_MASK) == 0;
}

/* The bytes from s[i] on, the careful way: ASCII words skipped, every
 * other sequence checked. */
static bool valid_from(const unsigned char *s, size_t i, size_t n)
{
    size_t len;

    while (i < n) {
        if (n - i >= 8 && (word_at(s + i) & ASCII_MASK) == 0) {
            i += 8;
            continue;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        len = sc__utf8_sequence(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

bool sc__utf8_valid(const unsigned char *s, size_t n)
{
    return all_ascii(s, n) || valid_from(s, 0, n);
}

size_t sc__utf8_chars(const unsigned char *s, size_t n)
{
    size_t i, chars = 0;

    for (i = 0; i < n; i++)
        chars += (s[i] & 0xc0) != 0x80;
    return chars;
}

bool sc__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t i;

    if (n == 0 || sc__utf8_sequence(s, n) != n)
        return false;
    *cp = n == 1 ? s[0] : s[0] & (0x7fu >> n);
    for (i = 1; i < n; i++)
        *cp = *cp << 6 | (s[i] & 0x3f);
    return true;
}

size_t sc__utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}
