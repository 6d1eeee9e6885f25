/*
 * utf8.h - UTF-8 as RFC 3629 has it, the one module the runtime and the
 * generator both read it with (the generator compiles utf8.c as it does
 * dialect.c): overlong forms, surrogates (U+D800 to U+DFFF), code points
 * past U+10FFFF and truncated sequences are not UTF-8.
 */
#ifndef SC_UTF8_H
#define SC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length of the UTF-8 sequence that starts at s[0..n) (1 for ASCII),
 * or 0 when it is not one (or n is 0). */
size_t sc__utf8_sequence(const unsigned char *s, size_t n);
/* Whether s[0..n) is UTF-8.  Text all ASCII, the common case, takes one
 * pass eight bytes at a time; other text a second, careful one. */
bool sc__utf8_valid(const unsigned char *s, size_t n);
/* The characters of UTF-8 text s[0..n): the bytes that start one. */
size_t sc__utf8_chars(const unsigned char *s, size_t n);
/* Whether s[0..n) is exactly one UTF-8 sequence, and its code point. */
bool sc__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Writes code point cp (at most U+10FFFF) to out (room for 4 bytes) and
 * returns the bytes written. */
size_t sc__utf8_encode(uint32_t cp, unsigned char *out);

#endif /* SC_UTF8_H */
