/*
 * buf.h - a growable byte buffer, the one way the generator builds text.
 *
 * Emitters append to a buf and hand the finished text to fsutil, which
 * decides whether the file on disk needs rewriting.  A buf is the
 * runtime's sc__buf (runtime/strbuf.h), with the generator's memory:
 * out of memory ends the run (mem.h), so an append never fails.
 */
#ifndef SCHEMAC_BUF_H
#define SCHEMAC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "strbuf.h"

typedef sc__buf buf;

/* The generator's memory (mem.h), for its buffers and tables. */
extern const sc__buf_mem buf_gen_mem;

/* Makes b empty, with the generator's memory and room for a line: data
 * is a string from here on. */
void buf_init(buf *b);

static inline void buf_free(buf *b)
{
    sc__buf_free(b);
}

static inline void buf_reset(buf *b)
{
    sc__buf_reset(b);
}

/* Makes room for n more bytes (and the NUL) without adding any. */
static inline void buf_reserve(buf *b, size_t n)
{
    sc__buf_grow(b, n);
}

static inline void buf_put(buf *b, const char *s, size_t n)
{
    sc__buf_putn(b, s, n);
}

static inline void buf_puts(buf *b, const char *s)
{
    sc__buf_puts(b, s);
}

static inline void buf_putc(buf *b, char c)
{
    sc__buf_putc(b, c);
}

#define buf_printf sc__buf_printf
#define buf_vprintf sc__buf_vprintf
/* Appends the decimal digits of v, as printf's %lld would. */
#define buf_put_int sc__buf_put_int
/* Appends n spaces. */
#define buf_pad sc__buf_pad

/* Appends s as the body of a C string literal (no quotes added). */
void buf_put_c_escaped(buf *b, const char *s, size_t n);

/* How many bytes at the start of s[0..n) buf_put_c_escaped() writes as
 * they are: printable ASCII but ", \ and ?. */
size_t buf_c_plain(const char *s, size_t n);

/* The escape of s[i] (s[i - 1] decides for a question mark), as
 * buf_put_c_escaped() writes it: its bytes at d, their count returned. */
size_t buf_c_escape(const char *s, size_t i, char d[4]);

/* Takes the text out of b, leaving it empty; the caller frees it. */
static inline char *buf_steal(buf *b)
{
    return sc__buf_steal(b);
}

#endif /* SCHEMAC_BUF_H */
