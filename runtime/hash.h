/*
 * hash.h - the table from strings to pointers of the runtime (the query
 * statement cache by SQL text, query.c) and of the generator (its symbol
 * tables, generator/symtab.h), and the string hash under it: FNV-1a over
 * 64 bits.
 *
 * Open addressing with linear probing, at most half full, each slot
 * keeping its key's hash, so that a probe compares strings only when
 * the hashes agree.  Keys are borrowed: the table keeps the pointers it
 * is given, so the strings must outlive their entries.  A table made
 * with fold compares keys ignoring ASCII case.  The first value put
 * under a key stays: sc__table_put reports an existing one instead of
 * replacing it, which is what "duplicate ..." checks want.  Its memory
 * comes from mem, as a buffer's does (strbuf.h): NULL for the runtime's.
 *
 * Compiled into both the library and the generator, like strbuf.c.
 */
#ifndef SC_HASH_H
#define SC_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define SC__HASH_INIT UINT64_C(0xcbf29ce484222325)

/* h with byte c hashed in; start from SC__HASH_INIT. */
static inline uint64_t sc__hash_byte(uint64_t h, unsigned char c)
{
    return (h ^ c) * UINT64_C(0x100000001b3);
}

typedef struct sc__table {
    const char **keys;  /* NULL: an empty slot */
    uint64_t *hashes;
    void **vals;
    size_t cap;         /* a power of two, or 0 */
    size_t n;
    bool fold;
    const sc__buf_mem *mem;
} sc__table;

/* An empty table; allocates nothing. */
void sc__table_init(sc__table *t, bool fold, const sc__buf_mem *mem);
/* Releases the table's memory (not the keys' nor the values'). */
void sc__table_free(sc__table *t);
/* The value put under key, or NULL. */
void *sc__table_get(const sc__table *t, const char *key);
/* Puts val (not NULL) under key: 0, with *old set to NULL, or to the
 * value already there and nothing changed; -1 when memory ran out. */
int sc__table_put(sc__table *t, const char *key, void *val, void **old);
/* Takes key out; false when it was not there. */
bool sc__table_remove(sc__table *t, const char *key);

/* The same three with the key's hash given, for a caller that keeps it
 * (the statement cache, whose keys are whole SQL texts): h must be
 * sc__table_hash() of the key in t. */
uint64_t sc__table_hash(const sc__table *t, const char *key);
void *sc__table_get_h(const sc__table *t, const char *key, uint64_t h);
int sc__table_put_h(sc__table *t, const char *key, uint64_t h, void *val,
                    void **old);
bool sc__table_remove_h(sc__table *t, const char *key, uint64_t h);

#endif /* SC_HASH_H */
