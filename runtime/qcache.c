/*
 * qcache.c - the statements of queries, per connection.
 *
 * Each entry is one prepared statement and its SQL text, found by the
 * text (a table of hash.h) and, once a query has run it, by that query's
 * shape key too (a table of chains below).  A query writes its text from
 * its shape alone (query.c), so the key of a shape seen before leads to
 * the statement without the text being written again, and two shapes
 * whose texts may differ never share a key.  Entries make one list of
 * use, newest first; past db->texts_max the least recently used one
 * that is not running goes.
 *
 * A key names descriptors by their addresses, as the statement cache of
 * the row operations does (stmt.c): descriptors outlive the connections
 * that use them.
 */
#include <string.h>

#include "backend.h"
#include "hash.h"
#include "internal.h"
#include "qcache.h"
#include "schemac.h"

typedef struct sc__qentry {
    char *sql;
    uint64_t hash; /* of sql in the table by text */
    void *stmt;
    bool busy; /* handed out to a running query */
    /* the descriptor whose columns the result's types were checked
     * against (sc__check_columns()), or NULL */
    const sc_table_desc *checked;
    struct sc__qentry *newer; /* the list of use, newest first */
    struct sc__qentry *older;
    uint64_t *key; /* the shape filed under, or NULL */
    size_t nkey;
    uint64_t key_hash;
    struct sc__qentry *next; /* in its chain of the table by shape */
} entry;

struct sc__text_cache {
    sc__table by_sql; /* the entries by their text */
    entry **by_shape; /* chains by key hash, a power of two */
    size_t nchains;
    size_t nshapes;
    entry *newest;
    entry *oldest;
    size_t n;
};

static void list_unlink(struct sc__text_cache *tc, entry *e)
{
    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        tc->newest = e->older;
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        tc->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void list_push(struct sc__text_cache *tc, entry *e)
{
    e->older = tc->newest;
    e->newer = NULL;
    if (tc->newest != NULL)
        tc->newest->newer = e;
    tc->newest = e;
    if (tc->oldest == NULL)
        tc->oldest = e;
}

static void entry_free(sc_db *db, entry *e)
{
    db->be->finalize(e->stmt);
    sc__free(e->key);
    sc__free(e->sql);
    sc__free(e);
}

static entry **chain_of(struct sc__text_cache *tc, uint64_t hash)
{
    return &tc->by_shape[hash & (tc->nchains - 1)];
}

/* Takes e, which has a key, out of the table by shape. */
static void shape_remove(struct sc__text_cache *tc, entry *e)
{
    entry **p = chain_of(tc, e->key_hash);

    while (*p != e)
        p = &(*p)->next;
    *p = e->next;
    tc->nshapes--;
}

/* Drops the least recently used entry that is not running; false when
 * every entry is. */
static bool evict(sc_db *db)
{
    struct sc__text_cache *tc = db->texts;
    entry *e = tc->oldest;

    while (e != NULL && e->busy)
        e = e->newer;
    if (e == NULL)
        return false;
    sc__table_remove_h(&tc->by_sql, e->sql, e->hash);
    if (e->key != NULL)
        shape_remove(tc, e);
    list_unlink(tc, e);
    entry_free(db, e);
    tc->n--;
    return true;
}

/* Finalizes the statements cached on db, and frees the memory of a
 * query kept for the next (query.c): db->texts_free. */
static void text_cache_free(sc_db *db)
{
    entry *e, *older;

    sc__free(atomic_exchange(&db->query_spare, NULL));
    if (db->texts == NULL)
        return;
    for (e = db->texts->newest; e != NULL; e = older) {
        older = e->older;
        entry_free(db, e);
    }
    sc__table_free(&db->texts->by_sql);
    sc__free(db->texts->by_shape);
    sc__free(db->texts);
    db->texts = NULL;
}

static int text_cache_open(sc_db *db)
{
    if (db->texts != NULL)
        return SC_OK;
    db->texts = sc__malloc(sizeof *db->texts);
    if (db->texts == NULL)
        return sc__nomem(db);
    memset(db->texts, 0, sizeof *db->texts);
    db->texts_free = text_cache_free;
    return SC_OK;
}

/* Keeps stmt, just prepared from sql, in the cache; false when there is
 * no room or memory, and the statement stays private. */
static bool cache_add(sc_db *db, const char *sql, uint64_t hash, void *stmt,
                      const sc_table_desc *checked, sc__qrun *r)
{
    struct sc__text_cache *tc = db->texts;
    size_t len = strlen(sql);
    entry *e;
    void *old;

    if (tc->n >= db->texts_max && !evict(db))
        return false;
    e = sc__malloc(sizeof *e);
    if (e == NULL)
        return false;
    memset(e, 0, sizeof *e);
    e->sql = sc__malloc(len + 1);
    if (e->sql == NULL) {
        sc__free(e);
        return false;
    }
    memcpy(e->sql, sql, len + 1);
    if (sc__table_put_h(&tc->by_sql, e->sql, hash, e, &old) != 0) {
        sc__free(e->sql);
        sc__free(e);
        return false;
    }
    e->hash = hash;
    e->stmt = stmt;
    e->busy = true;
    e->checked = checked;
    list_push(tc, e);
    tc->n++;
    r->entry = e;
    r->sql = e->sql;
    return true;
}

/* The hash of SQL text sql in the cache by text, eight bytes a step:
 * a query's text is hashed once per shape (a text of load_children()
 * at each run), where the table's own hash (hash.c) takes a byte a
 * step.  Every use of the table passes it. */
static uint64_t text_hash(const char *sql)
{
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    size_t n = strlen(sql);
    uint64_t h = SC__HASH_INIT ^ n, w;

    for (; n >= 8; sql += 8, n -= 8) {
        memcpy(&w, sql, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    for (w = 0; n > 0; n--)
        w = w << 8 | (unsigned char)sql[n - 1];
    h = (h ^ w) * k;
    return h ^ (h >> 32);
}

uint64_t sc__qkey_hash(const uint64_t *w, size_t n)
{
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    uint64_t h = SC__HASH_INIT ^ n;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ w[i]) * k;
        h ^= h >> 29;
    }
    return h ^ (h >> 32);
}

/* Hands out cached entry e, not running, checking its result types
 * against rows when they were checked against another descriptor: one
 * text may serve descriptors that differ in their types. */
static inline int take(sc_db *db, entry *e, const sc_table_desc *rows,
                       sc__qrun *r)
{
    int rc;

    if (rows != NULL && e->checked != rows) {
        rc = sc__check_columns(db, rows, e->stmt);
        if (rc != SC_OK)
            return rc;
        e->checked = rows;
    }
    db->stats.reuses++;
    if (db->texts->newest != e) {
        list_unlink(db->texts, e);
        list_push(db->texts, e);
    }
    e->busy = true;
    r->stmt = e->stmt;
    r->sql = e->sql;
    r->entry = e;
    return SC_OK;
}

int sc__qcache_get(sc_db *db, const sc_table_desc *t, const char *sql,
                   const sc_table_desc *rows, sc__qrun *r)
{
    entry *e;
    uint64_t hash;
    int rc;

    memset(r, 0, sizeof *r);
    rc = text_cache_open(db);
    if (rc != SC_OK)
        return rc;
    hash = text_hash(sql);
    e = sc__table_get_h(&db->texts->by_sql, sql, hash);
    if (e != NULL && !e->busy)
        return take(db, e, rows, r);
    rc = db->be->prepare(db->conn, sql, e == NULL, &r->stmt);
    db->stats.prepares++;
    if (rc != SC_OK)
        return sc__fail_stmt(db, NULL, t, OP_NONE, NULL);
    if (rows != NULL && (rc = sc__check_columns(db, rows, r->stmt)) != SC_OK) {
        db->be->finalize(r->stmt);
        r->stmt = NULL;
        return rc;
    }
    r->sql = sql;
    if (e == NULL)
        cache_add(db, sql, hash, r->stmt, rows, r);
    return SC_OK;
}

/* Whether entry e is filed under the words of k. */
static bool same_key(const entry *e, const sc__qkey *k)
{
    return e->nkey == k->n && e->key != NULL &&
           memcmp(e->key, k->words, k->n * sizeof *k->words) == 0;
}

int sc__qcache_get_shape(sc_db *db, sc__qkey *k, const sc_table_desc *rows,
                         sc__qrun *r)
{
    struct sc__text_cache *tc = db->texts;
    entry *e;

    memset(r, 0, sizeof *r);
    /* a query run again, as a count in a loop: the entry used last,
     * found without hashing the key */
    if (tc != NULL && tc->newest != NULL && !tc->newest->busy &&
        same_key(tc->newest, k))
        return take(db, tc->newest, rows, r);
    k->hash = sc__qkey_hash(k->words, k->n);
    if (tc == NULL || tc->nshapes == 0)
        return SC_OK;
    for (e = *chain_of(tc, k->hash); e != NULL; e = e->next) {
        if (e->key_hash == k->hash && e->nkey == k->n &&
            memcmp(e->key, k->words, k->n * sizeof *k->words) == 0)
            return e->busy ? SC_OK : take(db, e, rows, r);
    }
    return SC_OK;
}

/* Doubles the chains of the table by shape (16 at first); false when
 * out of memory, the table as it was. */
static bool shapes_grow(struct sc__text_cache *tc)
{
    size_t n = tc->nchains ? tc->nchains * 2 : 16, i;
    entry **chains = sc__malloc(n * sizeof *chains);
    entry *e, *next;

    if (chains == NULL)
        return false;
    for (i = 0; i < n; i++)
        chains[i] = NULL;
    for (i = 0; i < tc->nchains; i++) {
        for (e = tc->by_shape[i]; e != NULL; e = next) {
            next = e->next;
            e->next = chains[e->key_hash & (n - 1)];
            chains[e->key_hash & (n - 1)] = e;
        }
    }
    sc__free(tc->by_shape);
    tc->by_shape = chains;
    tc->nchains = n;
    return true;
}

void sc__qcache_keep_shape(sc_db *db, sc__qrun *r, const sc__qkey *k)
{
    struct sc__text_cache *tc = db->texts;
    entry *e = r->entry, **chain;

    if (e == NULL || e->key != NULL || k->n == 0)
        return;
    if (tc->nshapes >= tc->nchains && !shapes_grow(tc))
        return;
    e->key = sc__malloc(k->n * sizeof *e->key);
    if (e->key == NULL)
        return;
    memcpy(e->key, k->words, k->n * sizeof *e->key);
    e->nkey = k->n;
    e->key_hash = k->hash;
    chain = chain_of(tc, k->hash);
    e->next = *chain;
    *chain = e;
    tc->nshapes++;
}

void sc__qcache_put(sc_db *db, sc__qrun *r)
{
    if (r->stmt == NULL)
        return;
    db->be->reset(r->stmt);
    if (r->entry != NULL)
        r->entry->busy = false;
    else
        db->be->finalize(r->stmt);
    r->stmt = NULL;
}
