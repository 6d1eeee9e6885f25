/*
 * qcache.h - the statements of queries (query.c), per connection: found
 * by SQL text, and by the shape of the query that wrote the text, so
 * that a query run again with new values neither writes nor hashes its
 * text (qcache.c).
 */
#ifndef SC_QCACHE_H
#define SC_QCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct sc__qentry;

/* A statement handed to a running query: from the cache, or private
 * (entry NULL) when its text is already running further up the stack,
 * as when an each() callback runs the same query again. */
typedef struct sc__qrun {
    void *stmt;
    const char *sql;
    struct sc__qentry *entry;
} sc__qrun;

/* A shape key: words that tell apart every two queries whose texts may
 * differ (query.c writes them), with their hash. */
typedef struct sc__qkey {
    const uint64_t *words;
    size_t n;
    uint64_t hash;
} sc__qkey;

/* The hash of a shape key's words w[0..n). */
uint64_t sc__qkey_hash(const uint64_t *w, size_t n);

/*
 * Hands out a prepared statement for sql, which must stay valid until
 * sc__qcache_put() when the statement turns out private.  t names the
 * table in a failure.  rows, when not NULL, is the table whose rows the
 * statement selects: a new statement's result types are checked against
 * it, once.  Counts a reuse or a prepare in db's stats.  Returns SC_OK,
 * or an error code with the error set and nothing handed out.
 */
int sc__qcache_get(sc_db *db, const sc_table_desc *t, const char *sql,
                   const sc_table_desc *rows, sc__qrun *r);

/* Hands out the statement of shape k, as sc__qcache_get() does its
 * text's: SC_OK with r->stmt NULL when the shape is not known or its
 * statement is running.  k's hash is computed here, and set whenever
 * nothing is handed out, for sc__qcache_keep_shape(). */
int sc__qcache_get_shape(sc_db *db, sc__qkey *k, const sc_table_desc *rows,
                         sc__qrun *r);

/* Files the cached statement r, just handed out by sc__qcache_get(),
 * under shape k too, when its text has no shape yet; k's words are
 * copied.  Out of memory, the statement stays found by text alone. */
void sc__qcache_keep_shape(sc_db *db, sc__qrun *r, const sc__qkey *k);

/* Gives the statement back: reset for its next use, or finalized. */
void sc__qcache_put(sc_db *db, sc__qrun *r);

#endif /* SC_QCACHE_H */
