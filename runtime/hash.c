/*
 * hash.c - the table from strings to pointers (hash.h), shared by the
 * runtime and the generator.
 */
#include "hash.h"

#include <string.h>

#include "internal.h"

static const sc__buf_mem runtime_mem = {sc__realloc, sc__free};

static const sc__buf_mem *mem_of(const sc__table *t)
{
    return t->mem != NULL ? t->mem : &runtime_mem;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static uint64_t hash(const char *s, bool fold)
{
    uint64_t h = SC__HASH_INIT;

    if (fold)
        for (; *s; s++)
            h = sc__hash_byte(h, lower((unsigned char)*s));
    else
        for (; *s; s++)
            h = sc__hash_byte(h, (unsigned char)*s);
    /* names differ in a digit or two: mix them into the low bits, or
     * linear probing finds long runs */
    return h ^ (h >> 32) ^ (h >> 17);
}

static bool same(const char *a, const char *b, bool fold)
{
    if (!fold)
        return strcmp(a, b) == 0;
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
        a++, b++;
    return lower((unsigned char)*a) == lower((unsigned char)*b);
}

void sc__table_init(sc__table *t, bool fold, const sc__buf_mem *mem)
{
    memset(t, 0, sizeof *t);
    t->fold = fold;
    t->mem = mem;
}

void sc__table_free(sc__table *t)
{
    const sc__buf_mem *mem = mem_of(t);

    if (t->cap) {
        mem->free((void *)t->keys);
        mem->free(t->hashes);
        mem->free(t->vals);
    }
    sc__table_init(t, t->fold, t->mem);
}

/* The slot holding key (of hash h), or the empty slot where it would
 * go. */
static size_t slot(const sc__table *t, const char *key, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);

    while (t->keys[i] != NULL &&
           (t->hashes[i] != h || !same(t->keys[i], key, t->fold)))
        i = (i + 1) & (t->cap - 1);
    return i;
}

static void *zeroed(const sc__buf_mem *mem, size_t n, size_t size)
{
    void *p = mem->realloc(NULL, n * size);

    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

static int grow(sc__table *t)
{
    const sc__buf_mem *mem = mem_of(t);
    sc__table old = *t;
    size_t i, j;

    t->cap = old.cap ? old.cap * 2 : 64;
    t->keys = zeroed(mem, t->cap, sizeof *t->keys);
    t->hashes = zeroed(mem, t->cap, sizeof *t->hashes);
    t->vals = zeroed(mem, t->cap, sizeof *t->vals);
    if (t->keys == NULL || t->hashes == NULL || t->vals == NULL) {
        if (t->keys != NULL)
            mem->free((void *)t->keys);
        if (t->hashes != NULL)
            mem->free(t->hashes);
        if (t->vals != NULL)
            mem->free(t->vals);
        *t = old;
        return -1;
    }
    for (i = 0; i < old.cap; i++) {
        if (old.keys[i] == NULL)
            continue;
        j = slot(t, old.keys[i], old.hashes[i]);
        t->keys[j] = old.keys[i];
        t->hashes[j] = old.hashes[i];
        t->vals[j] = old.vals[i];
    }
    if (old.cap) {
        mem->free((void *)old.keys);
        mem->free(old.hashes);
        mem->free(old.vals);
    }
    return 0;
}

uint64_t sc__table_hash(const sc__table *t, const char *key)
{
    return hash(key, t->fold);
}

void *sc__table_get_h(const sc__table *t, const char *key, uint64_t h)
{
    size_t i;

    if (t->cap == 0)
        return NULL;
    i = slot(t, key, h);
    return t->keys[i] != NULL ? t->vals[i] : NULL;
}

void *sc__table_get(const sc__table *t, const char *key)
{
    return t->cap ? sc__table_get_h(t, key, hash(key, t->fold)) : NULL;
}

int sc__table_put_h(sc__table *t, const char *key, uint64_t h, void *val,
                    void **old)
{
    size_t i;

    *old = NULL;
    if (t->cap) {
        i = slot(t, key, h);
        if (t->keys[i] != NULL) {
            *old = t->vals[i];
            return 0;
        }
    }
    if (2 * (t->n + 1) > t->cap && grow(t) != 0)
        return -1;
    i = slot(t, key, h);
    t->keys[i] = key;
    t->hashes[i] = h;
    t->vals[i] = val;
    t->n++;
    return 0;
}

int sc__table_put(sc__table *t, const char *key, void *val, void **old)
{
    return sc__table_put_h(t, key, hash(key, t->fold), val, old);
}

/* Removal without tombstones: the entries after the hole, up to the next
 * empty slot, move back into it when their probe passes it. */
bool sc__table_remove_h(sc__table *t, const char *key, uint64_t h)
{
    size_t i, j, home, mask = t->cap - 1;

    if (t->cap == 0)
        return false;
    i = slot(t, key, h);
    if (t->keys[i] == NULL)
        return false;
    for (j = (i + 1) & mask; t->keys[j] != NULL; j = (j + 1) & mask) {
        home = (size_t)t->hashes[j] & mask;
        /* j stays when its home lies cyclically in (i, j] */
        if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
            continue;
        t->keys[i] = t->keys[j];
        t->hashes[i] = t->hashes[j];
        t->vals[i] = t->vals[j];
        i = j;
    }
    t->keys[i] = NULL;
    t->vals[i] = NULL;
    t->n--;
    return true;
}

bool sc__table_remove(sc__table *t, const char *key)
{
    return t->cap ? sc__table_remove_h(t, key, hash(key, t->fold)) : false;
}
