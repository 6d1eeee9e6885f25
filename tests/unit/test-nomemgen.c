/*
 * test-nomemgen.c - the generator under allocation failure.
 *
 * Each command of a representative run (generate with a depfile and sql
 * over examples/pycon, migrate diff over a copy of
 * tests/data/migrations/basic) runs once with
 * SCHEMAC_FAIL_ALLOC=0 to count its allocations (mem.h), then once for
 * every N up to that count with allocation N failing.  Every such run must
 * exit with status 1 and say exactly "schemac: out of memory" (a crash, a
 * sanitizer report or any other word fails), and leave its output
 * directory as it found it: no temporary file, no half of a set of files
 * (generate starts from outdated outputs, which it must replace all or
 * none).
 * One run past the count must succeed and write what the counting run
 * wrote.
 *
 * The commands run in a child process forked from this one (main.c is
 * built in with SCHEMAC_NO_MAIN), which costs far less than starting the
 * program over a thousand times; the sanitize setup checks each child for
 * leaks when it exits.  A failing run exits from inside the funnel with
 * everything it holds still referenced, so what the leak checker would
 * find there is memory lost before the failure.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int schemac_main(int argc, char **argv);

#define PYCON SOURCE_ROOT "/examples/pycon/pycon.schema"
#define BASIC SOURCE_ROOT "/tests/data/migrations/basic"

/* A command; "@" in an argument stands for the output directory. */
typedef struct command {
    const char *what;
    const char *argv[10];
    bool migrations; /* the output directory starts as a copy of BASIC */
    bool stale;      /* it starts with outdated outputs, to be replaced */
} command;

static const command commands[] = {
    {"generate",
     {"generate", PYCON, "-o", "@", "--depfile", "@/pycon_db.d", NULL},
     false,
     true},
    {"sql",
     {"sql", PYCON, "--dialect", "postgresql", "-o", "@/p.sql", NULL},
     false,
     false},
    {"migrate diff",
     {"migrate", "diff", "@/../likes.schema", "--name", "likes", "--dir", "@",
      NULL},
     true,
     false},
};

static char top[96];

static void path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", top, name);
}

static void sh(const char *fmt, const char *a)
{
    char cmd[1024];

    snprintf(cmd, sizeof cmd, fmt, a);
    ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

/* The helpers below allocate nothing: every child is forked from this
 * process, and under ASan a heap that churns makes each fork dearer. */

/* Removes the files of dir (it holds no directories). */
static void empty_dir(const char *dir)
{
    char p[512];
    struct dirent *e;
    DIR *d = opendir(dir);

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        ck_assert_int_eq(unlink(p), 0);
    }
    closedir(d);
}

static void copy_file(const char *from, const char *to)
{
    static char data[1 << 16];
    int in = open(from, O_RDONLY);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    ssize_t n;

    ck_assert_int_ge(in, 0);
    ck_assert_int_ge(out, 0);
    while ((n = read(in, data, sizeof data)) > 0)
        ck_assert_int_eq(write(out, data, (size_t)n), n);
    ck_assert_int_eq(n, 0);
    close(in);
    ck_assert_int_eq(close(out), 0);
}

/* Empties name (a directory under top) and fills it as c wants. */
static void fresh(const command *c, const char *name)
{
    char dir[128], from[512], to[512];
    struct dirent *e;
    DIR *d;

    path(dir, sizeof dir, name);
    if (mkdir(dir, 0777) != 0)
        empty_dir(dir);
    if (c->stale) {
        static const char *const outputs[] = {"pycon_db.h", "pycon_db.c",
                                              "pycon_db.d"};
        size_t i;
        FILE *f;

        for (i = 0; i < 3; i++) {
            snprintf(to, sizeof to, "%s/%s", dir, outputs[i]);
            f = fopen(to, "w");
            ck_assert_ptr_nonnull(f);
            fputs("/* outdated */\n", f);
            ck_assert_int_eq(fclose(f), 0);
        }
    }
    if (!c->migrations)
        return;
    d = opendir(BASIC);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(from, sizeof from, "%s/%s", BASIC, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        copy_file(from, to);
    }
    closedir(d);
}

/* Runs c in a child with SCHEMAC_FAIL_ALLOC=n, output into top/name;
 * returns the wait status, the child's standard error in err. */
static int run(const command *c, long n, const char *name, char *err,
               size_t errsize)
{
    char dir[128], errpath[128], args[10][512], fail[32];
    char *argv[12];
    int status, fd, i;
    pid_t pid;
    FILE *f;
    size_t got;

    path(dir, sizeof dir, name);
    path(errpath, sizeof errpath, "stderr");
    argv[0] = (char *)"schemac";
    for (i = 0; c->argv[i] != NULL; i++) {
        const char *at = strchr(c->argv[i], '@');

        if (at != NULL)
            snprintf(args[i], sizeof args[i], "%.*s%s%s",
                     (int)(at - c->argv[i]), c->argv[i], dir, at + 1);
        else
            snprintf(args[i], sizeof args[i], "%s", c->argv[i]);
        argv[i + 1] = args[i];
    }
    argv[i + 1] = NULL;
    snprintf(fail, sizeof fail, "%ld", n);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || dup2(fd, 2) < 0 || !freopen("/dev/null", "w", stdout))
            _exit(99);
        close(fd);
        setenv("SCHEMAC_FAIL_ALLOC", fail, 1);
        exit(schemac_main(i + 1, argv));
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    f = fopen(errpath, "r");
    ck_assert_ptr_nonnull(f);
    got = fread(err, 1, errsize - 1, f);
    err[got] = '\0';
    fclose(f);
    return status;
}

/* Whether file name of a is in b with the same bytes. */
static bool same_file(const char *a, const char *b, const char *name)
{
    static char da[1 << 16], db[1 << 16];
    char pa[512], pb[512];
    ssize_t na, nb;
    int fa, fb;
    bool same;

    snprintf(pa, sizeof pa, "%s/%s", a, name);
    snprintf(pb, sizeof pb, "%s/%s", b, name);
    fa = open(pa, O_RDONLY);
    fb = open(pb, O_RDONLY);
    same = fa >= 0 && fb >= 0;
    while (same) {
        na = read(fa, da, sizeof da);
        nb = read(fb, db, sizeof db);
        same = na >= 0 && na == nb && memcmp(da, db, (size_t)na) == 0;
        if (na <= 0)
            break;
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return same;
}

static size_t count_files(const char *dir)
{
    struct dirent *e;
    DIR *d = opendir(dir);
    size_t n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Whether directories a and b hold the same names with the same bytes
 * (a temporary file, starting with a dot or not, counts). */
static bool same_dirs(const char *a, const char *b)
{
    struct dirent *e;
    DIR *d = opendir(a);
    bool same = true;

    ck_assert_ptr_nonnull(d);
    while (same && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            same = same_file(a, b, e->d_name);
    }
    closedir(d);
    return same && count_files(a) == count_files(b);
}

START_TEST(test_every_allocation)
{
    const command *c = &commands[_i];
    char err[4096], out[128], before[128], first[128];
    long total, n;
    int status;

    fresh(c, "before");
    fresh(c, "out");
    path(before, sizeof before, "before");
    path(first, sizeof first, "first");
    path(out, sizeof out, "out");
    /* Counted in "out" and kept as "first": a depfile names its path. */
    status = run(c, 0, "out", err, sizeof err);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %s",
                  c->what, err);
    ck_assert_msg(sscanf(err, "schemac: %ld allocations", &total) == 1,
                  "%s: %s", c->what, err);
    ck_assert_int_gt(total, 0);
    ck_assert_int_eq(rename(out, first), 0);
    for (n = 1; n <= total; n++) {
        fresh(c, "out");
        status = run(c, n, "out", err, sizeof err);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                      "%s, allocation %ld: status %#x: %s", c->what, n, status,
                      err);
        ck_assert_msg(strcmp(err, "schemac: out of memory\n") == 0,
                      "%s, allocation %ld: %s", c->what, n, err);
        ck_assert_msg(same_dirs(out, before),
                      "%s, allocation %ld: the output directory changed",
                      c->what, n);
    }
    fresh(c, "out");
    status = run(c, total + 1, "out", err, sizeof err);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "%s, past the count: %s", c->what, err);
    ck_assert_msg(same_dirs(out, first), "%s: the output differs", c->what);
    printf("nomemgen %s: allocations 1..%ld failed in turn\n", c->what, total);
}
END_TEST

/* The migrate diff input: the newest basic snapshot and one more table. */
static void setup(void)
{
    char likes[128];
    FILE *f;

    /* In /dev/shm where there is one: every output file is synced. */
    snprintf(top, sizeof top, "%s/sc-nomemgen-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(top));
    path(likes, sizeof likes, "likes.schema");
    copy_file(BASIC "/0003_add_tags.schema", likes);
    f = fopen(likes, "a");
    ck_assert_ptr_nonnull(f);
    fputs("\ntable likes {\n"
          "    id      int64 primary key autoincrement;\n"
          "    post_id int64 not null references posts(id);\n"
          "}\n",
          f);
    fclose(f);
}

static void teardown(void)
{
    sh("rm -rf '%s'", top);
}

Suite *make_suite(void)
{
    Suite *s = suite_create("nomemgen");
    TCase *tc = tcase_create("commands");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_every_allocation, 0,
                        (int)(sizeof commands / sizeof commands[0]));
    suite_add_tcase(s, tc);
    return s;
}
