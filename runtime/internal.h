/*
 * internal.h - what the files of libschemac share and nobody else sees:
 * the allocation wrappers every runtime allocation goes through, so that
 * one place can count or fail them, and a printf format check.
 *
 * Nothing here is exported: the library is built with hidden visibility
 * and these names carry no SC_API.
 */
#ifndef SC_INTERNAL_H
#define SC_INTERNAL_H

#include <stddef.h>

#if defined(__GNUC__)
#define SC__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SC__PRINTF(fmt, args)
#endif

/* malloc, realloc and free for the whole runtime (defined in core.c).
 * sc__malloc(0) and sc__realloc(p, 0) return a valid pointer or NULL on
 * failure; sc__free(NULL) does nothing. */
void *sc__malloc(size_t n);
void *sc__realloc(void *p, size_t n);
void sc__free(void *p);

#endif /* SC_INTERNAL_H */
