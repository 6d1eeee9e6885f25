/*
 * hash.h - the string hash of the runtime's query statement cache
 * (query.c) and the generator's symbol table (generator/symtab.c):
 * FNV-1a over 64 bits, one byte at a time, inline for the hot paths.
 */
#ifndef SC_HASH_H
#define SC_HASH_H

#include <stdint.h>

#define SC__HASH_INIT UINT64_C(0xcbf29ce484222325)

/* h with byte c hashed in; start from SC__HASH_INIT. */
static inline uint64_t sc__hash_byte(uint64_t h, unsigned char c)
{
    return (h ^ c) * UINT64_C(0x100000001b3);
}

#endif /* SC_HASH_H */
