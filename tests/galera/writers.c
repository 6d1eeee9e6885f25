/*
 * writers.c - the workload of the Galera test (tests/scripts/galera.sh):
 * writers on threads of their own, each with its own connection to one
 * node of the cluster, commit entries through the generated code of
 * tests/galera/galera.schema until the file STOP appears.
 *
 *     writers URL1 URL2 URL3 NWRITERS OUTDIR
 *
 * Writer w starts on node w % 3.  Each transaction inserts one entry,
 * whose key is (w + 1) * 1000000 + seq, and increments one of four
 * counters shared by every writer, so that writers on different nodes
 * conflict at certification (MariaDB's deadlock error, SC_BUSY); a
 * writer retries those on its connection.  Any other failure (the node
 * killed, or not yet synced after its restart) makes the writer close
 * its connection and open one to the next node; away from its own node
 * it tries to go back every 20 commits.  A transaction whose outcome is
 * unknown (the connection lost at commit) is looked up by its key
 * before it is tried again: it is recorded once, as committed, or
 * written again.
 *
 * Each writer writes the keys it committed to OUTDIR/wN.keys, one a
 * line, and prints a line of counts; the program fails on any other
 * error.  Reads on the cluster wait for every certified write
 * (wsrep_sync_wait=1), so a key is found on whatever node commits it.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* usleep() */
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gal_db.h"

#define NNODES 3
#define NCOUNTERS 4
#define MAXWRITERS 32
#define MAXSEQ 999999

typedef struct writer {
    int id;
    pthread_t thread;
    int node, home;
    long commits, busy, moves, returns, resolved, failed;
    long per_node[NNODES];
    int ok;
    char error[512];
} writer;

static const char *urls[NNODES];
static const char *outdir;

static int stopped(void)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/STOP", outdir);
    return access(path, F_OK) == 0;
}

/* Opens a connection to the node after w->node (or to home when home
 * is set), trying each in turn until one answers. */
static sc_db *open_next(writer *w, int home)
{
    sc_db *db = NULL;

    for (;;) {
        w->node = home ? w->home : (w->node + 1) % NNODES;
        if (sc_open(urls[w->node], &db) == SC_OK)
            return db;
        sc_close(db);
        db = NULL;
        if (home)
            return NULL;
        usleep(50000);
    }
}

/* One transaction: the entry and its counter.  Returns SC_OK, SC_BUSY
 * (retry here) or another code (move on). */
static int attempt(sc_db *db, gal_entry *e, int *at_commit)
{
    char sql[128];
    int rc;

    *at_commit = 0;
    rc = sc_begin(db);
    if (rc == SC_OK)
        rc = gal_entries_insert(db, e);
    if (rc == SC_OK) {
        snprintf(sql, sizeof sql,
                 "UPDATE counters SET n = n + 1 WHERE counter_id = %d",
                 (int)(e->seq % NCOUNTERS) + 1);
        rc = sc_exec(db, sql);
    }
    if (rc == SC_OK) {
        *at_commit = 1;
        rc = sc_commit(db);
    }
    if (rc != SC_OK && sc_txn_depth(db) > 0)
        (void)sc_rollback(db);
    return rc;
}

static void *run(void *arg)
{
    writer *w = arg;
    char path[4096];
    FILE *keys;
    sc_db *db;
    sc_arena *a = sc_arena_new();
    int seq, since_home = 0;

    snprintf(path, sizeof path, "%s/w%d.keys", outdir, w->id);
    keys = fopen(path, "w");
    if (keys == NULL || a == NULL) {
        snprintf(w->error, sizeof w->error, "cannot write %.400s", path);
        return NULL;
    }
    w->node = (w->home + NNODES - 1) % NNODES;
    db = open_next(w, 0);
    for (seq = 1; seq <= MAXSEQ && !stopped(); seq++) {
        gal_entry e = {0};
        int unknown = 0;

        e.entry_id = (int64_t)(w->id + 1) * 1000000 + seq;
        e.writer = w->id;
        e.seq = seq;
        for (;;) {
            int at_commit, rc;

            if (unknown) {
                gal_entry got;

                sc_arena_reset(a);
                rc = gal_entries_get(db, a, e.entry_id, &got);
                if (rc == SC_OK) {
                    w->resolved++;
                    e.node = got.node;
                    break;
                }
                if (rc != SC_NOTFOUND) {
                    sc_close(db);
                    db = open_next(w, 0);
                    w->moves++;
                    continue;
                }
                unknown = 0;
            }
            e.node = w->node + 1;
            rc = attempt(db, &e, &at_commit);
            if (rc == SC_OK)
                break;
            if (rc == SC_BUSY) {
                w->busy++;
                usleep((useconds_t)(rand() % 2000));
                continue;
            }
            if ((rc & 0xff) == SC_CONSTRAINT || rc == SC_MISUSE ||
                rc == SC_RANGE || rc == SC_NOMEM) {
                snprintf(w->error, sizeof w->error,
                         "writer %d, key %lld: %s (%s)", w->id,
                         (long long)e.entry_id, sc_errmsg(db),
                         sc_errstr(rc));
                goto out;
            }
            w->failed++;
            unknown = at_commit;
            sc_close(db);
            db = open_next(w, 0);
            w->moves++;
        }
        fprintf(keys, "%lld\n", (long long)e.entry_id);
        w->commits++;
        w->per_node[e.node - 1]++;
        if (w->node != w->home && ++since_home >= 20) {
            int was = w->node;
            sc_db *back = open_next(w, 1);

            since_home = 0;
            if (back != NULL) {
                sc_close(db);
                db = back;
                w->returns++;
            } else {
                w->node = was;
            }
        }
    }
    w->ok = 1;
out:
    sc_close(db);
    sc_arena_free(a);
    fclose(keys);
    return NULL;
}

int main(int argc, char **argv)
{
    writer ws[MAXWRITERS];
    int n, i, failed = 0;

    if (argc != 6) {
        fprintf(stderr, "usage: writers URL1 URL2 URL3 NWRITERS OUTDIR\n");
        return 2;
    }
    urls[0] = argv[1];
    urls[1] = argv[2];
    urls[2] = argv[3];
    n = atoi(argv[4]);
    outdir = argv[5];
    if (n < 1 || n > MAXWRITERS) {
        fprintf(stderr, "writers: NWRITERS must be 1 to %d\n", MAXWRITERS);
        return 2;
    }
    memset(ws, 0, sizeof ws);
    for (i = 0; i < n; i++) {
        ws[i].id = i;
        ws[i].home = i % NNODES;
        if (pthread_create(&ws[i].thread, NULL, run, &ws[i]) != 0) {
            fprintf(stderr, "writers: cannot start a thread\n");
            return 1;
        }
    }
    for (i = 0; i < n; i++) {
        writer *w = &ws[i];

        pthread_join(w->thread, NULL);
        printf("writer %d node %d: commits %ld busy %ld failed %ld "
               "moves %ld returns %ld resolved %ld via %ld/%ld/%ld\n",
               w->id, w->home + 1, w->commits, w->busy, w->failed,
               w->moves, w->returns, w->resolved, w->per_node[0],
               w->per_node[1], w->per_node[2]);
        if (!w->ok) {
            fprintf(stderr, "writers: %s\n",
                    w->error[0] ? w->error : "writer failed");
            failed = 1;
        }
    }
    return failed;
}
