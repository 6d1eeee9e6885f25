/*
 * arena.c - the bump allocator that holds query results.  Strings, bytes
 * and lists read from the database are carved out of large chunks and
 * released all at once, so a caller frees a whole result with one call
 * and a failed read cannot leak.  Every block is aligned for any type.
 *
 * Chunks form a list, newest first.  A request that does not fit in the
 * newest chunk starts a new one, twice the size of the last (up to a
 * limit), or exactly its size when it is larger than that.  Reset keeps
 * the first chunk so that a reused arena does not go back to malloc.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "schemac.h"

#define ALIGN       alignof(max_align_t)
#define FIRST_SIZE  4096u
#define MAX_GROWTH  (1024u * 1024u)

/* The chunks and the arena: see internal.h, where the copy every read of
 * a text makes is served inline. */
typedef sc__chunk chunk;

static chunk *chunk_new(size_t size)
{
    chunk *c;

    if (size > SIZE_MAX - sizeof(chunk))
        return NULL;
    c = sc__malloc(sizeof(chunk) + size);
    if (c == NULL)
        return NULL;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

sc_arena *sc__arena_new_sized(size_t first)
{
    sc_arena *a = sc__malloc(sizeof *a);

    if (a == NULL)
        return NULL;
    a->first = chunk_new(first > 0 ? first : ALIGN);
    if (a->first == NULL) {
        sc__free(a);
        return NULL;
    }
    a->head = a->first;
    a->used = 0;
    return a;
}

sc_arena *sc_arena_new(void)
{
    return sc__arena_new_sized(FIRST_SIZE);
}

/* Frees every chunk from c down the list except keep. */
static void free_chunks(chunk *c, const chunk *keep)
{
    chunk *next;

    for (; c != NULL; c = next) {
        next = c->next;
        if (c != keep)
            sc__free(c);
    }
}

void sc_arena_free(sc_arena *a)
{
    if (a == NULL)
        return;
    free_chunks(a->head, NULL);
    sc__free(a);
}

void sc_arena_reset(sc_arena *a)
{
    if (a == NULL)
        return;
    if (a->head != a->first) /* else one chunk, as a rule: none to free */
        free_chunks(a->head, a->first);
    a->first->next = NULL;
    a->first->used = 0;
    a->head = a->first;
    a->used = 0;
}

/* Adds a chunk that can hold need bytes in front of the list. */
static int grow(sc_arena *a, size_t need)
{
    size_t size = a->head->size;
    chunk *c;

    if (size < MAX_GROWTH)
        size *= 2;
    if (size < need)
        size = need;
    c = chunk_new(size);
    if (c == NULL)
        return -1;
    c->next = a->head;
    a->head = c;
    return 0;
}

void *sc_arena_alloc(sc_arena *a, size_t size)
{
    size_t need;
    void *p;

    if (a == NULL || size > SIZE_MAX - ALIGN)
        return NULL;
    need = size == 0 ? ALIGN : (size + ALIGN - 1) / ALIGN * ALIGN;
    if (a->head->size - a->head->used < need && grow(a, need) != 0)
        return NULL;
    p = (char *)a->head->data + a->head->used;
    a->head->used += need;
    a->used += need;
    return p;
}

/* sc__arena_copy() when the newest chunk has no room, or n is out of
 * bounds. */
void *sc__arena_copy_grown(sc_arena *a, const void *p, size_t n)
{
    char *s;

    if (a == NULL || n >= SIZE_MAX - ALIGN ||
        (s = sc_arena_alloc(a, n + 1)) == NULL)
        return NULL;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

size_t sc_arena_used(const sc_arena *a)
{
    return a == NULL ? 0 : a->used;
}
