/*
 * pool.c - a small pool of connections for servers: threads take a
 * connection, use it alone, and give it back.
 *
 * A connection is opened when a thread asks and none is idle, up to the
 * pool's maximum; past that, the thread waits for one to come back, for
 * at most the time it gives.  A connection given back with a transaction
 * still open is rolled back first, and its trace hook is removed, so the
 * next thread starts from a clean connection; one that cannot roll back,
 * or whose server went away, is closed, and its place becomes free for a
 * new one.
 *
 * The pool's own state is guarded by one mutex; connections are opened
 * and closed outside it, so a slow server delays only the thread that
 * waits for it.
 *
 * The pool keeps the handles it gave out, and sc_pool_release() looks a
 * handle up there, under the mutex, before it touches it: a connection
 * given back twice, or to a pool that did not give it, is ignored, and
 * is never kept twice or handed to two threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "schemac.h"

struct sc_pool {
    pthread_mutex_t lock;
    pthread_cond_t back; /* a connection came back or a place freed */
    char *url;
    int max;  /* connections at most */
    int open; /* connections open: idle, handed out, or being opened */
    int nidle;
    sc_db **idle;
    int nheld;
    sc_db **held; /* the connections handed out, not yet given back */
};

int sc_pool_new(const char *url, int max, sc_pool **out)
{
    sc_pool *p;
    pthread_condattr_t attr;
    size_t n;

    if (out == NULL)
        return SC_MISUSE;
    *out = NULL;
    if (url == NULL || max < 1)
        return SC_MISUSE;
    p = sc__malloc(sizeof *p);
    if (p == NULL)
        return SC_NOMEM;
    memset(p, 0, sizeof *p);
    n = strlen(url) + 1;
    p->url = sc__malloc(n);
    p->idle = sc__malloc((size_t)max * sizeof *p->idle);
    p->held = sc__malloc((size_t)max * sizeof *p->held);
    if (p->url == NULL || p->idle == NULL || p->held == NULL) {
        sc__free(p->url);
        sc__free(p->idle);
        sc__free(p->held);
        sc__free(p);
        return SC_NOMEM;
    }
    memcpy(p->url, url, n);
    p->max = max;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->back, &attr);
    pthread_condattr_destroy(&attr);
    *out = p;
    return SC_OK;
}

/* The moment timeout_ms from now, on the clock the condition waits on. */
static struct timespec deadline(int timeout_ms)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += timeout_ms / 1000;
    t.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* With the lock held: waits until a connection is idle or a place is
 * free.  False when the time ran out first. */
static bool wait_for_one(sc_pool *p, int timeout_ms)
{
    struct timespec until;
    int rc = 0;

    if (timeout_ms > 0)
        until = deadline(timeout_ms);
    while (p->nidle == 0 && p->open >= p->max && rc != ETIMEDOUT) {
        if (timeout_ms == 0)
            return false;
        if (timeout_ms < 0)
            pthread_cond_wait(&p->back, &p->lock);
        else
            rc = pthread_cond_timedwait(&p->back, &p->lock, &until);
    }
    return p->nidle > 0 || p->open < p->max;
}

/* A place of the pool became free: the connection in it was closed. */
static void free_place(sc_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->open--;
    pthread_cond_signal(&p->back);
    pthread_mutex_unlock(&p->lock);
}

/* With the lock held: db is handed out. */
static void hold(sc_pool *p, sc_db *db)
{
    p->held[p->nheld++] = db;
}

/* With the lock held: takes db off the handed-out list.  False when the
 * pool did not hand it out (given back already, or another pool's). */
static bool unhold(sc_pool *p, const sc_db *db)
{
    int i;

    for (i = 0; i < p->nheld; i++) {
        if (p->held[i] == db) {
            p->held[i] = p->held[--p->nheld];
            return true;
        }
    }
    return false;
}

int sc_pool_acquire(sc_pool *p, int timeout_ms, sc_db **out)
{
    int rc;

    if (out == NULL)
        return SC_MISUSE;
    *out = NULL;
    if (p == NULL)
        return SC_MISUSE;
    pthread_mutex_lock(&p->lock);
    if (!wait_for_one(p, timeout_ms)) {
        pthread_mutex_unlock(&p->lock);
        return SC_BUSY;
    }
    if (p->nidle > 0) {
        *out = p->idle[--p->nidle];
        hold(p, *out);
        pthread_mutex_unlock(&p->lock);
        return SC_OK;
    }
    p->open++; /* the place is taken while the connection opens */
    pthread_mutex_unlock(&p->lock);
    rc = sc_open(p->url, out);
    if (rc != SC_OK && *out == NULL) {
        free_place(p); /* SC_NOMEM: no handle comes back to release */
        return rc;
    }
    pthread_mutex_lock(&p->lock);
    hold(p, *out);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void sc_pool_release(sc_pool *p, sc_db *db)
{
    bool keep;

    if (p == NULL || db == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    keep = unhold(p, db);
    pthread_mutex_unlock(&p->lock);
    if (!keep)
        return; /* not handed out by p: db is not even looked at */
    keep = db->conn != NULL;
    while (keep && sc_txn_depth(db) > 0)
        keep = sc_rollback(db) == SC_OK;
    if (keep && db->be->lost && db->be->lost(db->conn))
        keep = false;
    if (!keep) {
        sc_close(db);
        free_place(p);
        return;
    }
    sc_trace(db, NULL, NULL);
    pthread_mutex_lock(&p->lock);
    p->idle[p->nidle++] = db;
    pthread_cond_signal(&p->back);
    pthread_mutex_unlock(&p->lock);
}

int sc_pool_open_count(sc_pool *p, int *idle)
{
    int n;

    if (p == NULL)
        return 0;
    pthread_mutex_lock(&p->lock);
    n = p->open;
    if (idle)
        *idle = p->nidle;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void sc_pool_free(sc_pool *p)
{
    int i;

    if (p == NULL)
        return;
    for (i = 0; i < p->nidle; i++)
        sc_close(p->idle[i]);
    pthread_cond_destroy(&p->back);
    pthread_mutex_destroy(&p->lock);
    sc__free(p->idle);
    sc__free(p->held);
    sc__free(p->url);
    sc__free(p);
}
