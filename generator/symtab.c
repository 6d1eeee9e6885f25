/*
 * symtab.c - open addressing with linear probing, kept at most half
 * full; FNV-1a over the key's bytes (lowered when the table folds case).
 */
#include "symtab.h"

#include "hash.h"
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static size_t hash(const char *s, bool fold)
{
    uint64_t h = SC__HASH_INIT;

    for (; *s; s++)
        h = sc__hash_byte(h, fold ? lower((unsigned char)*s)
                                  : (unsigned char)*s);
    return (size_t)(h ^ (h >> 32));
}

static bool same(const char *a, const char *b, bool fold)
{
    if (!fold)
        return strcmp(a, b) == 0;
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
        a++, b++;
    return lower((unsigned char)*a) == lower((unsigned char)*b);
}

void symtab_init(symtab *t, bool fold)
{
    memset(t, 0, sizeof *t);
    t->fold = fold;
}

void symtab_free(symtab *t)
{
    free(t->keys);
    free(t->vals);
    symtab_init(t, t->fold);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t slot(const symtab *t, const char *key)
{
    size_t i = hash(key, t->fold) & (t->cap - 1);

    while (t->keys[i] != NULL && !same(t->keys[i], key, t->fold))
        i = (i + 1) & (t->cap - 1);
    return i;
}

static void grow(symtab *t)
{
    symtab old = *t;
    size_t i, j;

    t->cap = old.cap ? old.cap * 2 : 64;
    t->keys = mem_calloc(t->cap, sizeof *t->keys);
    t->vals = mem_calloc(t->cap, sizeof *t->vals);
    for (i = 0; i < old.cap; i++) {
        if (old.keys[i] == NULL)
            continue;
        j = slot(t, old.keys[i]);
        t->keys[j] = old.keys[i];
        t->vals[j] = old.vals[i];
    }
    free(old.keys);
    free(old.vals);
}

void *symtab_get(const symtab *t, const char *key)
{
    size_t i;

    if (t->cap == 0)
        return NULL;
    i = slot(t, key);
    return t->keys[i] != NULL ? t->vals[i] : NULL;
}

void *symtab_put(symtab *t, const char *key, void *val)
{
    size_t i;

    if (2 * (t->n + 1) > t->cap)
        grow(t);
    i = slot(t, key);
    if (t->keys[i] != NULL)
        return t->vals[i];
    t->keys[i] = key;
    t->vals[i] = val;
    t->n++;
    return NULL;
}
