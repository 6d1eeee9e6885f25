/*
 * common.c - the benchmark's data, checksum, clock, output and memory
 * probe (see common.h), and the lock step that run.py drives.  sa_impl.py computes the same data with the same
 * arithmetic: change one, change the other.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* splitmix64: one 64-bit mix, used both as a hash of i and as a stream. */
static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static uint64_t next(uint64_t *state)
{
    *state += UINT64_C(0x9e3779b97f4a7c15);
    return mix(*state);
}

static void *alloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (p == NULL)
        bench_fail("bench", "out of memory");
    return p;
}

/* Names start with three letters from a hash of i, so a two-letter
 * prefix picks about n / 676 users, spread over the whole table. */
static void fill_users(bench_data *d)
{
    size_t i;
    uint64_t h;

    for (i = 0; i < d->n; i++) {
        h = mix(i);
        snprintf(d->names[i], sizeof d->names[i], "%c%c%c_%u",
                 'a' + (int)(h % 26), 'a' + (int)(h / 26 % 26),
                 'a' + (int)(h / 676 % 26), (unsigned)i);
        snprintf(d->emails[i], sizeof d->emails[i], "user%u@example.org",
                 (unsigned)i);
        snprintf(d->new_emails[i], sizeof d->new_emails[i],
                 "u%u@example.net", (unsigned)i);
    }
}

static void fill_order(bench_data *d)
{
    uint64_t state = 42;
    size_t i, j, t;

    for (i = 0; i < d->n; i++)
        d->get_order[i] = i;
    for (i = d->n; i > 1; i--) {
        j = (size_t)(next(&state) % i);
        t = d->get_order[i - 1];
        d->get_order[i - 1] = d->get_order[j];
        d->get_order[j] = t;
    }
}

static void fill_queries(bench_data *d)
{
    int64_t pairs[26 * 26] = {0};
    uint64_t s1 = 7, s2 = 9, r;
    size_t q, i;
    int64_t p1, p2;

    for (q = 0; q < BENCH_QUERIES; q++) {
        r = next(&s1);
        snprintf(d->prefixes[q], sizeof d->prefixes[q], "%c%c%%",
                 'a' + (int)(r % 26), 'a' + (int)(r / 26 % 26));
        d->join_programs[q] = (int64_t)(next(&s2) % BENCH_PROGRAMS);
    }
    for (i = 0; i < d->n; i++) {
        bench_enrollments(i, &p1, &p2);
        d->program_counts[p1]++;
        d->program_counts[p2]++;
    }
    for (i = 0; i < d->n; i++)
        pairs[(d->names[i][0] - 'a') * 26 + d->names[i][1] - 'a']++;
    for (q = 0; q < BENCH_QUERIES; q++)
        d->prefix_counts[q] =
            pairs[(d->prefixes[q][0] - 'a') * 26 + d->prefixes[q][1] - 'a'];
}

void bench_data_init(bench_data *d, size_t n)
{
    d->n = n;
    d->names = alloc(n, sizeof *d->names);
    d->emails = alloc(n, sizeof *d->emails);
    d->new_emails = alloc(n, sizeof *d->new_emails);
    d->get_order = alloc(n, sizeof *d->get_order);
    d->prefixes = alloc(BENCH_QUERIES, sizeof *d->prefixes);
    d->prefix_counts = alloc(BENCH_QUERIES, sizeof *d->prefix_counts);
    d->join_programs = alloc(BENCH_QUERIES, sizeof *d->join_programs);
    d->program_counts = alloc(BENCH_PROGRAMS, sizeof *d->program_counts);
    fill_users(d);
    fill_order(d);
    fill_queries(d);
}

void bench_data_free(bench_data *d)
{
    free(d->names);
    free(d->emails);
    free(d->new_emails);
    free(d->get_order);
    free(d->prefixes);
    free(d->prefix_counts);
    free(d->join_programs);
    free(d->program_counts);
}

bool bench_karma(size_t i, int64_t *karma)
{
    *karma = (int64_t)(i % 100000);
    return i % 2 == 0;
}

int64_t bench_joined_at(size_t i)
{
    return BENCH_JOINED_AT + (int64_t)i * 1000000;
}

/* The second program is 1..P-1 after the first, never the same one. */
void bench_enrollments(size_t i, int64_t *p1, int64_t *p2)
{
    *p1 = (int64_t)(i % BENCH_PROGRAMS);
    *p2 = (*p1 + 1 + (int64_t)(i / BENCH_PROGRAMS % (BENCH_PROGRAMS - 1))) %
          BENCH_PROGRAMS;
}

uint64_t bench_row_sum(int64_t id, const char *name, const char *email,
                       bool has_karma, int64_t karma, int64_t joined_at)
{
    size_t ln = strlen(name), le = strlen(email);
    uint64_t h = (uint64_t)id * 31u + (uint64_t)joined_at * 13u;

    h += (uint64_t)(has_karma ? karma : 7) * 17u;
    h += ln * 7u + le * 5u;
    h += (unsigned char)name[ln - 1] * 11u + (unsigned char)email[0] * 3u;
    return h;
}

uint64_t bench_expected_sum(const bench_data *d, const int64_t *ids)
{
    uint64_t sum = 0;
    int64_t karma;
    size_t i;
    bool has;

    for (i = 0; i < d->n; i++) {
        has = bench_karma(i, &karma);
        sum += bench_row_sum(ids[i], d->names[i], d->new_emails[i], has,
                             karma, bench_joined_at(i));
    }
    return sum;
}

static double monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Lock step: with BENCH_SYNC_FD set, every clock read is a meeting point
 * with run.py.  The program prints "clock USER SYS" (its CPU time so
 * far, in seconds) and waits for a byte on that descriptor; run.py reads
 * the server's CPU time meanwhile and, between phases, lets the other
 * implementations run their phase before it answers.  The clock that
 * bench_now() returns stands still during these waits, so a phase's
 * time, the difference of two reads, is the time between them less the
 * wait at the second read and at the first: the phase alone.
 */
static int sync_fd = -2;      /* -2: not looked up yet; -1: no lock step */
static double sync_paused;    /* seconds spent waiting, all reads so far */

static void sync_open(void)
{
    const char *s = getenv("BENCH_SYNC_FD");

    sync_fd = s != NULL && *s != '\0' ? atoi(s) : -1;
}

static void sync_wait(void)
{
    struct rusage ru;
    ssize_t got;
    char go;

    getrusage(RUSAGE_SELF, &ru);
    printf("clock %ld.%06ld %ld.%06ld\n", (long)ru.ru_utime.tv_sec,
           (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
           (long)ru.ru_stime.tv_usec);
    fflush(stdout);
    do
        got = read(sync_fd, &go, 1);
    while (got < 0 && errno == EINTR);
    if (got != 1)
        bench_fail("bench", "lock step: run.py went away");
}

double bench_now(void)
{
    double t, back;

    if (sync_fd == -2)
        sync_open();
    t = monotonic();
    if (sync_fd < 0)
        return t;
    sync_wait();
    back = monotonic();
    sync_paused += back - t;
    return back - sync_paused;
}

void bench_report(const char *phase, size_t rows, double seconds)
{
    printf("phase %s %zu %.6f\n", phase, rows, seconds);
    fflush(stdout);
}

void bench_fail(const char *what, const char *msg)
{
    fprintf(stderr, "bench: %s: %s\n", what, msg);
    exit(EXIT_FAILURE);
}

/* The value in kB of field ("VmRSS:") of /proc/self/status, or -1. */
static long status_kb(const char *field)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, strlen(field)) == 0)
            kb = strtol(line + strlen(field), NULL, 10);
    }
    fclose(f);
    return kb;
}

static long rss_before = -1;

void bench_mem_start(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");

    rss_before = status_kb("VmRSS:");
    if (f == NULL || fputs("5", f) == EOF)
        fprintf(stderr, "bench: cannot reset the peak: VmHWM is since "
                        "start\n");
    if (f != NULL)
        fclose(f);
}

void bench_mem_report(void)
{
    printf("mem %ld %ld\n", rss_before, status_kb("VmHWM:"));
    fflush(stdout);
}
