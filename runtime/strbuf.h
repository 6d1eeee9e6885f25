/*
 * strbuf.h - the growable string of the runtime and of the generator:
 * every SQL text the runtime builds and every file the generator emits.
 *
 * Its memory comes from mem: NULL (a zeroed sc__buf) for the runtime's
 * (sc__realloc() and sc__free(), which go through the allocator of
 * sc_open_opts and the allocation-failure test's count), or the
 * generator's, which never runs out (it ends the run, generator/mem.h).
 * A failed allocation sets failed and makes every later append a no-op,
 * so builders check once at the end.  A zeroed sc__buf is empty; s stays
 * NULL until something is appended, and after that it is NUL-terminated.
 *
 * Compiled into both the library and the generator, like dialect.c: the
 * generator's buf (generator/buf.h) is this type.
 */
#ifndef SC_STRBUF_H
#define SC_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#if defined(__GNUC__)
#define SC__BUF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SC__BUF_PRINTF(fmt, args)
#endif

/* Where a buffer's memory comes from: realloc returns NULL when there is
 * none (or never, for the generator's). */
typedef struct sc__buf_mem {
    void *(*realloc)(void *p, size_t n);
    void (*free)(void *p);
} sc__buf_mem;

typedef struct sc__buf {
    /* the text: s in the runtime's spelling, data in the generator's */
    union {
        char *s;
        char *data;
    };
    size_t len;
    size_t cap;
    bool failed;
    const sc__buf_mem *mem; /* NULL: the runtime's */
} sc__buf;

/* Makes room for more bytes and the NUL after them; false (and failed
 * set) when memory ran out, or ran out before. */
bool sc__buf_grow(sc__buf *b, size_t more);

/* The appends made by the million are inline: most need no room, only a
 * copy. */
static inline void sc__buf_putn(sc__buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && !sc__buf_grow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static inline void sc__buf_puts(sc__buf *b, const char *s)
{
    sc__buf_putn(b, s, strlen(s));
}

static inline void sc__buf_putc(sc__buf *b, char c)
{
    if (b->len + 2 > b->cap && !sc__buf_grow(b, 1))
        return;
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void sc__buf_printf(sc__buf *b, const char *fmt, ...) SC__BUF_PRINTF(2, 3);
void sc__buf_vprintf(sc__buf *b, const char *fmt, va_list ap);
/* Appends the decimal digits of v, as printf's %lld would. */
void sc__buf_put_int(sc__buf *b, long long v);
/* Appends n spaces. */
void sc__buf_pad(sc__buf *b, size_t n);
/* Appends name as a double-quoted SQL identifier. */
void sc__buf_ident(sc__buf *b, const char *name);
/* Empties b, keeping its memory. */
void sc__buf_reset(sc__buf *b);
/* Releases b's memory; b is empty after, with the same mem. */
void sc__buf_free(sc__buf *b);
/* Takes the text out of b, leaving it empty; the caller frees it with
 * b's mem (free() for the generator's). */
char *sc__buf_steal(sc__buf *b);

#endif /* SC_STRBUF_H */
