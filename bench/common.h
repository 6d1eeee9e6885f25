/*
 * common.h - what the C implementations of the benchmark share: the
 * deterministic data every implementation inserts and expects back (the
 * same in sa_impl.py, function for function), the checksum that proves a
 * stream read every column, a clock, the lines the implementations print
 * for run.py, the lock step run.py drives, and the peak-memory probe of
 * the streaming phase.
 *
 * Nothing here is timed: expected values are computed before or after a
 * phase, so the phases measure the database access alone.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_PROGRAMS  100  /* programs; each user enrolls in two */
#define BENCH_QUERIES   1000 /* runs of each count phase */
#define BENCH_JOINED_AT INT64_C(1700000000000000) /* user 0, in us */

/* A user's fields, as inserted (user i of 0..n-1). */
typedef struct bench_data {
    size_t n;
    char (*names)[24];
    char (*emails)[32];     /* as inserted */
    char (*new_emails)[32]; /* as the update phase sets them */
    size_t *get_order;      /* a permutation of 0..n-1 */
    char (*prefixes)[4];    /* BENCH_QUERIES LIKE patterns, "ab%" */
    int64_t *prefix_counts; /* users whose name starts so */
    int64_t *join_programs; /* BENCH_QUERIES program indexes 0..P-1 */
    int64_t *program_counts;/* users enrolled in each program */
} bench_data;

/* Fills d for n users; exits on allocation failure. */
void bench_data_init(bench_data *d, size_t n);
void bench_data_free(bench_data *d);

/* karma of user i (scaled by 100), or false for NULL. */
bool bench_karma(size_t i, int64_t *karma);
int64_t bench_joined_at(size_t i);
/* The two programs (0..P-1) user i enrolls in. */
void bench_enrollments(size_t i, int64_t *p1, int64_t *p2);

/*
 * The stream checksum: every column of every row goes in, so that an
 * implementation cannot skip reading one.  Cheap on purpose: the phase
 * measures reading, not checking.
 */
uint64_t bench_row_sum(int64_t id, const char *name, const char *email,
                       bool has_karma, int64_t karma, int64_t joined_at);
/* What the stream must add up to, users having ids id0, id0 + 1, ... in
 * the order of d and the new emails. */
uint64_t bench_expected_sum(const bench_data *d, const int64_t *ids);

/*
 * Monotonic seconds.  Under run.py's lock step (BENCH_SYNC_FD in the
 * environment) each call also prints "clock USER SYS" and waits for
 * run.py's go; the time waited is left out of the seconds returned.
 */
double bench_now(void);
/* Prints "phase NAME ROWS SECONDS" for run.py. */
void bench_report(const char *phase, size_t rows, double seconds);
/* Prints "what: message" on stderr and exits 1. */
void bench_fail(const char *what, const char *msg);

/*
 * Peak memory of a phase: bench_mem_start() reads the resident set and
 * resets the process's high-water mark (writing 5 to /proc/self/
 * clear_refs); bench_mem_report() prints "mem RSS_BEFORE_KB PEAK_KB",
 * the peak being VmHWM since the reset.
 */
void bench_mem_start(void);
void bench_mem_report(void);

#endif /* BENCH_COMMON_H */
