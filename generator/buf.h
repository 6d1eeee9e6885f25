/*
 * buf.h - a growable byte buffer, the one way the generator builds text.
 *
 * Emitters append to a buf and hand the finished text to fsutil, which
 * decides whether the file on disk needs rewriting.  Out of memory ends the
 * run (mem.h): the generator is a short-lived process with nothing to save.
 */
#ifndef SCHEMAC_BUF_H
#define SCHEMAC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct buf {
    char *data; /* always NUL-terminated when len > 0 or after buf_init */
    size_t len;
    size_t cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);
/* Makes room for n more bytes (and the NUL) without adding any. */
void buf_reserve(buf *b, size_t n);

/* The appends every emitter makes by the million are inline: most need
 * no room, only a copy. */
static inline void buf_put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void buf_puts(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static inline void buf_putc(buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Appends the decimal digits of v, as printf's %lld would. */
void buf_put_int(buf *b, long long v);
/* Appends n spaces. */
void buf_pad(buf *b, size_t n);
/* Appends s as the body of a C string literal (no quotes added). */
void buf_put_c_escaped(buf *b, const char *s, size_t n);
/* Takes the text out of b, leaving it empty; the caller frees it. */
char *buf_steal(buf *b);

#endif /* SCHEMAC_BUF_H */
