/*
 * symtab.h - a hash table from names to pointers, for the lookups that
 * would otherwise scan a list once per name and turn a schema of many
 * tables into a quadratic amount of work: the runtime's table
 * (runtime/hash.h) with the generator's memory, which never runs out.
 *
 * Keys are borrowed: the table keeps the pointers it is given, so the
 * strings must outlive it (names in the AST pool do).  A table made with
 * fold set compares keys ignoring ASCII case.  The first value put under a
 * key stays: symtab_put reports an existing one instead of replacing it,
 * which is what "duplicate ..." checks want.  A zeroed symtab is an
 * empty one.
 */
#ifndef SCHEMAC_SYMTAB_H
#define SCHEMAC_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "hash.h"
#include "mem.h"

typedef sc__table symtab;

static inline void symtab_init(symtab *t, bool fold)
{
    sc__table_init(t, fold, &buf_gen_mem);
}

static inline void symtab_free(symtab *t)
{
    sc__table_free(t);
}

/* The value put under key, or NULL. */
static inline void *symtab_get(const symtab *t, const char *key)
{
    return sc__table_get(t, key);
}

/* Puts val under key and returns NULL, or returns the value already there
 * and changes nothing.  val must not be NULL. */
static inline void *symtab_put(symtab *t, const char *key, void *val)
{
    void *old;

    if (sc__table_put(t, key, val, &old) != 0)
        mem_fail();
    return old;
}

#endif /* SCHEMAC_SYMTAB_H */
