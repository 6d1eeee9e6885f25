/*
 * stmt.c - the statement cache: one prepared statement per (table,
 * operation, column mask) and connection.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"

/* ---------------------------------------------------------------------
 * The statement cache: one prepared statement per (table, operation,
 * column mask) and connection, in an open-addressing hash table keyed by
 * the descriptor's address.  A program may use many masks: at most
 * MASKED_MAX masked updates stay cached, and the next one evicts them all,
 * which keeps memory bounded while any working set below the bound
 * prepares each statement once.
 * ------------------------------------------------------------------- */

#define MASKED_MAX 64

static size_t cache_slot(const sc_db *db, const void *key, int op,
                         uint64_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;

    h ^= (h >> 29) + (uint64_t)op * 0xbf58476d1ce4e5b9u;
    h ^= mask * 0x94d049bb133111ebu;
    return (size_t)(h ^ (h >> 32)) & (db->cache_size - 1);
}

/* The entry found last for op, when it is the one asked for: a program
 * repeating one operation on one table (a loop of gets) finds its
 * statement without hashing.  Only entries without a mask are kept, so
 * that the eviction of masked ones leaves none stale here; a rehash,
 * which moves every entry, forgets them all. */
static stmt_entry *recent_entry(const sc_db *db, const void *key, int op,
                                uint64_t mask)
{
    if (mask != 0 || op < 0 || op >= SC__NRECENT)
        return NULL;
    return sc__cache_recent(db, key, op);
}

static void forget_recent(sc_db *db)
{
    memset(db->recent, 0, sizeof db->recent);
}

stmt_entry *sc__cache_find(sc_db *db, const void *key, int op,
                           uint64_t mask)
{
    stmt_entry *e = recent_entry(db, key, op, mask);
    size_t i;

    if (e != NULL || db->cache_size == 0)
        return e;
    i = cache_slot(db, key, op, mask);
    for (; db->cache[i].key != NULL; i = (i + 1) & (db->cache_size - 1)) {
        e = &db->cache[i];
        if (e->key == key && e->op == op && e->mask == mask) {
            if (mask == 0 && op >= 0 && op < SC__NRECENT)
                db->recent[op] = e;
            return e;
        }
    }
    return NULL;
}

/* Places e in a table known to have a free slot. */
stmt_entry *sc__cache_place(sc_db *db, const stmt_entry *e)
{
    size_t i = cache_slot(db, e->key, e->op, e->mask);

    while (db->cache[i].key != NULL)
        i = (i + 1) & (db->cache_size - 1);
    db->cache[i] = *e;
    return &db->cache[i];
}

void sc__entry_free(sc_db *db, stmt_entry *e)
{
    if (e->stmt != NULL) /* a plan's entry has none */
        db->be->finalize(e->stmt);
    sc__free(e->sql);
    sc__free(e->plan);
}

/* Moves the entries into a new table of size slots, dropping the masked
 * updates when drop_masked (open addressing cannot delete in place). */
static int cache_rehash(sc_db *db, size_t size, bool drop_masked)
{
    stmt_entry *old = db->cache;
    size_t i, n = db->cache_size;

    db->cache = sc__malloc(size * sizeof *db->cache);
    if (db->cache == NULL) {
        db->cache = old;
        return sc__nomem(db);
    }
    forget_recent(db);
    db->cache_size = size;
    memset(db->cache, 0, size * sizeof *db->cache);
    for (i = 0; i < n; i++) {
        if (old[i].key == NULL)
            continue;
        if (drop_masked && old[i].mask != 0) {
            sc__entry_free(db, &old[i]);
            db->cache_used--;
            db->cache_masked--;
        } else {
            sc__cache_place(db, &old[i]);
        }
    }
    sc__free(old);
    return SC_OK;
}

/* Makes room for one more entry, masked or not: doubles the table when
 * it is half full, evicts the masked updates when they reach the bound. */
int sc__cache_grow(sc_db *db, bool masked)
{
    size_t n = db->cache_size;

    if (masked && db->cache_masked >= MASKED_MAX &&
        cache_rehash(db, n, true) != SC_OK)
        return SC_NOMEM;
    if ((db->cache_used + 1) * 2 <= db->cache_size)
        return SC_OK;
    return cache_rehash(db, n ? n * 2 : 16, false);
}

void sc__cache_clear(sc_db *db)
{
    size_t i;

    for (i = 0; i < db->cache_size; i++) {
        if (db->cache[i].key != NULL)
            sc__entry_free(db, &db->cache[i]);
    }
    sc__free(db->cache);
    db->cache = NULL;
    db->cache_size = db->cache_used = db->cache_masked = 0;
    forget_recent(db);
}
