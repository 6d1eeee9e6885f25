/*
 * symtab.h - a hash table from names to pointers, for the lookups that
 * would otherwise scan a list once per name and turn a schema of many
 * tables into a quadratic amount of work.
 *
 * Keys are borrowed: the table keeps the pointers it is given, so the
 * strings must outlive it (names in the AST pool do).  A table made with
 * fold set compares keys ignoring ASCII case.  The first value put under a
 * key stays: symtab_put reports an existing one instead of replacing it,
 * which is what "duplicate ..." checks want.
 */
#ifndef SCHEMAC_SYMTAB_H
#define SCHEMAC_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct symtab {
    const char **keys; /* NULL: an empty slot */
    void **vals;
    size_t cap;        /* a power of two, or 0 */
    size_t n;
    bool fold;
} symtab;

void symtab_init(symtab *t, bool fold);
void symtab_free(symtab *t);
/* The value put under key, or NULL. */
void *symtab_get(const symtab *t, const char *key);
/* Puts val under key and returns NULL, or returns the value already there
 * and changes nothing.  val must not be NULL. */
void *symtab_put(symtab *t, const char *key, void *val);

#endif /* SCHEMAC_SYMTAB_H */
