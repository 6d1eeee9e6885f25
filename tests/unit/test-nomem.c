/*
 * test-nomem.c - the runtime under allocation failure.
 *
 * A workload over the blog schema of tests/data/migrations/basic (open,
 * migrate or create_all, insert, insert_many, get, queries with filters,
 * each, update, delete, a transaction, migrating down and up, close) runs
 * once to count its allocations, then once for every N from 1 to that
 * count with allocation N failing.  The count covers libschemac's own
 * allocations (the sc__alloc_fail_at() hook of alloc.c) and SQLite's, whose
 * allocator this program replaces before SQLite starts, so that both fail
 * in turn.  Each run must stop with SC_NOMEM and "out of memory" from
 * sc_errmsg() (or succeed, where the failure is one SQLite recovers from),
 * leave the connection usable and closable, and leak nothing: the sanitize
 * setup checks leaks when each test's process exits.
 *
 * On PostgreSQL and MariaDB (SCHEMAC_TEST_URL, through with-pg.sh or
 * with-mariadb.sh) only libschemac's own allocations are counted: libpq
 * and Connector/C allocate with malloc directly and offer no hook, so
 * their failures are out of reach here and not ours to count.
 *
 * On MariaDB, whose DDL commits statement by statement, every run empties
 * the database and makes the schema again on the server, a few hundred
 * milliseconds: there one allocation in SCHEMAC_NOMEM_STRIDE (default 5)
 * fails in turn, 1, 1 + stride, ..., and the last one always.  The full
 * set: SCHEMAC_NOMEM_STRIDE=1 meson test -C build nomem-mariadb.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blog_db.h"
#include "internal.h"

/* ---- SQLite's allocator, failing on the shared count ----------------- */

/* Each block keeps its size in front, as sqlite3_mem_methods.xSize needs. */
static void *mem_malloc(int n)
{
    sqlite3_int64 *p;

    if (sc__alloc_fails())
        return NULL;
    p = malloc((size_t)n + sizeof *p);
    if (p == NULL)
        return NULL;
    p[0] = n;
    return p + 1;
}

static void mem_free(void *p)
{
    if (p != NULL)
        free((sqlite3_int64 *)p - 1);
}

static void *mem_realloc(void *p, int n)
{
    sqlite3_int64 *q;

    if (sc__alloc_fails())
        return NULL;
    q = realloc((sqlite3_int64 *)p - 1, (size_t)n + sizeof *q);
    if (q == NULL)
        return NULL;
    q[0] = n;
    return q + 1;
}

static int mem_size(void *p)
{
    return p != NULL ? (int)((sqlite3_int64 *)p)[-1] : 0;
}

static int mem_roundup(int n)
{
    return (n + 7) & ~7;
}

static int mem_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void mem_shutdown(void *unused)
{
    (void)unused;
}

static const sqlite3_mem_methods counted_mem = {
    mem_malloc,  mem_free, mem_realloc,  mem_size,
    mem_roundup, mem_init, mem_shutdown, NULL,
};

/* ---- the workload ----------------------------------------------------- */

/* Where a run stopped: the code, the line of the failing step, and
 * whether the connection holds the error (not so for an arena or query
 * handle the workload could not get). */
typedef struct outcome {
    int rc;
    int line;
    bool on_db;
    bool opened;
    int db_code; /* sc_errcode() and sc_errmsg() right after it */
    char msg[512];
} outcome;

static void failed_on(sc_db *db, outcome *out, int line)
{
    out->line = line;
    out->on_db = db != NULL;
    out->db_code = sc_errcode(db);
    snprintf(out->msg, sizeof out->msg, "%s", sc_errmsg(db));
}

#define STEP(db, call)                                                         \
    do {                                                                       \
        if ((out->rc = (call)) != SC_OK) {                                     \
            failed_on(db, out, __LINE__);                                      \
            goto done;                                                         \
        }                                                                      \
    } while (0)

#define NEED(ptr)                                                              \
    do {                                                                       \
        if ((ptr) == NULL) {                                                   \
            out->rc = SC_NOMEM;                                                \
            failed_on(NULL, out, __LINE__);                                    \
            goto done;                                                         \
        }                                                                      \
    } while (0)

static int count_row(void *ctx, const blog_post *row)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

/* The rows and queries, on db with the newest schema in place. */
static void use_rows(sc_db *db, sc_arena *a, outcome *out)
{
    blog_user u = BLOG_USER_INIT, many[3], got;
    blog_post posts[4];
    blog_tag tag = BLOG_TAG_INIT;
    blog_posts_query *q = NULL;
    blog_users_query *uq = NULL;
    blog_post_list list;
    int64_t n, changed;
    int i, seen = 0;
    bool txn = false;
    static const char *const names[] = {"ana", "bo", "cy"};

    u.name = "최영선";
    u.email = "choi@example.org";
    STEP(db, blog_users_insert(db, &u));
    for (i = 0; i < 3; i++) {
        many[i] = (blog_user)BLOG_USER_INIT;
        many[i].name = names[i];
        many[i].karma = i;
    }
    STEP(db, blog_users_insert_many(db, many, 3));
    STEP(db, blog_users_get(db, a, u.id, &got));
    for (i = 0; i < 4; i++) {
        posts[i] = (blog_post)BLOG_POST_INIT;
        posts[i].user_id = i % 2 ? u.id : many[0].id;
        posts[i].title = i % 2 ? "Alembic in practice" : "SQL at scale";
    }
    STEP(db, blog_posts_insert_many(db, posts, 4));
    tag.post_id = posts[0].id;
    tag.label = "talk";
    STEP(db, blog_tags_insert(db, &tag));

    NEED(q = blog_posts_select(db));
    blog_posts_where(q, USER_ID, EQ, u.id);
    blog_posts_where(q, TITLE, LIKE, "Alembic%");
    blog_posts_order_by(q, ID, SC_DESC);
    blog_posts_limit(q, 10);
    STEP(db, blog_posts_all(q, a, &list));
    STEP(db, blog_posts_count(q, &n));
    STEP(db, blog_posts_each(q, count_row, &seen));

    got.karma = 7;
    STEP(db, blog_users_update(db, &got));
    got.email = NULL;
    STEP(db, blog_users_update_cols(db, &got, BLOG_USERS_EMAIL));
    NEED(uq = blog_users_select(db));
    blog_users_or(uq);
    blog_users_where(uq, KARMA, GT, 1);
    blog_users_where_in(uq, NAME, names, 2);
    blog_users_end(uq);
    blog_users_set(uq, KARMA, 3);
    STEP(db, blog_users_update_all(uq, &changed));

    STEP(db, sc_begin(db));
    txn = true;
    STEP(db, blog_posts_delete(db, posts[3].id));
    txn = false;
    STEP(db, sc_rollback(db));
    STEP(db, blog_posts_delete(db, posts[2].id));
    STEP(db, blog_users_delete_all(uq, &changed));
done:
    /* As a user would: the transaction of ours ends whatever failed. */
    if (txn)
        ck_assert_msg(sc_rollback(db) == SC_OK, "rollback: %s", sc_errmsg(db));
    blog_posts_query_free(q);
    blog_users_query_free(uq);
}

/* The migrations: up from nothing, one down, up again, the history. */
static void migrate(sc_db *db, sc_arena *a, outcome *out)
{
    sc_migration_record *rows;
    unsigned version;
    size_t n;

    STEP(db, blog_migrate(db));
    STEP(db, sc_migrate_current(db, &version));
    STEP(db, sc_migrate_down(db, blog_migrations, BLOG_MIGRATIONS, 1));
    STEP(db, blog_migrate(db));
    STEP(db, sc_migrate_history(db, a, &rows, &n));
done:
    return;
}

/* Runs the workload on url, opening *db; the caller closes it. */
static void workload(const char *url, bool migrations, sc_db **db, outcome *out)
{
    sc_arena *a = NULL;

    out->rc = SC_OK;
    out->line = 0;
    out->on_db = false;
    out->opened = false;
    STEP(*db, sc_open(url, db));
    out->opened = true;
    NEED(a = sc_arena_new());
    if (migrations)
        migrate(*db, a, out);
    else
        STEP(*db, blog_create_all(*db));
    if (out->rc == SC_OK)
        use_rows(*db, a, out);
done:
    sc_arena_free(a);
}

/* ---- the databases ---------------------------------------------------- */

typedef struct target {
    const char *what;
    bool migrations;
} target;

static const target targets[] = {
    {"create_all", false},
    {"migrate", true},
};

static char dir[64];
static char url[128];

static bool on_sqlite(void)
{
    return strncmp(url, "sqlite:", 7) == 0;
}

static bool on_postgresql(void)
{
    return strncmp(url, "postgres", 8) == 0;
}

/* Collects the table names of a MariaDB database, each with its DROP. */
static int add_drop(void *ctx, int ncols, const char *const *texts)
{
    char *sql = ctx;
    size_t len = strlen(sql);

    if (ncols == 1 && texts[0] != NULL)
        snprintf(sql + len, 4096 - len, "%s`%s`", len > 0 ? ", " : "",
                 texts[0]);
    return 0;
}

/* Drops every table of the MariaDB database, foreign keys off. */
static void empty_mariadb(sc_db *db)
{
    char names[4096] = "", sql[4200];

    ck_assert_int_eq(sc_query_sql_each(db, "SELECT table_name FROM "
                                           "information_schema.tables "
                                           "WHERE table_schema = DATABASE()",
                                       add_drop, names),
                     SC_OK);
    if (names[0] == '\0')
        return;
    snprintf(sql, sizeof sql, "DROP TABLE %s", names);
    ck_assert_int_eq(sc_exec(db, "SET FOREIGN_KEY_CHECKS = 0"), SC_OK);
    ck_assert_msg(sc_exec(db, sql) == SC_OK, "%s: %s", sql, sc_errmsg(db));
    ck_assert_int_eq(sc_exec(db, "SET FOREIGN_KEY_CHECKS = 1"), SC_OK);
}

/* Empties the database before a run: a new file for SQLite; on
 * PostgreSQL a fresh public schema; on MariaDB no table left; without
 * fault injection. */
static void reset(void)
{
    sc_db *db = NULL;
    char path[160];

    if (on_sqlite()) {
        if (strcmp(url, "sqlite::memory:") != 0) {
            snprintf(path, sizeof path, "%s/nomem.db", dir);
            remove(path);
        }
        return;
    }
    sc__alloc_fail_at(-1);
    ck_assert_int_eq(sc_open(url, &db), SC_OK);
    if (!on_postgresql()) {
        empty_mariadb(db);
        sc_close(db);
        return;
    }
    ck_assert_int_eq(sc_exec(db, "SET client_min_messages TO warning"), SC_OK);
    ck_assert_int_eq(sc_exec(db, "DROP SCHEMA IF EXISTS public CASCADE"),
                     SC_OK);
    ck_assert_int_eq(sc_exec(db, "CREATE SCHEMA public"), SC_OK);
    sc_close(db);
}

/* Checks what a run with allocation n failing left behind, then closes
 * the connection.  The workload is over, so nothing fails any more. */
static void judge(long n, sc_db *db, const outcome *out)
{
    int64_t users;
    blog_users_query *q;

    sc__alloc_fail_at(-1);
    ck_assert_msg(out->rc == SC_OK || out->rc == SC_NOMEM,
                  "allocation %ld: line %d returned %s: %s", n, out->line,
                  sc_errstr(out->rc), out->msg);
    if (out->rc == SC_NOMEM && out->on_db) {
        ck_assert_msg(out->db_code == SC_NOMEM,
                      "allocation %ld: line "
                      "%d: the connection says %s: %s",
                      n, out->line, sc_errstr(out->db_code), out->msg);
        ck_assert_msg(strstr(out->msg, "out of memory") != NULL,
                      "allocation %ld: line %d: message \"%s\"", n, out->line,
                      out->msg);
    }
    if (out->opened) {
        /* The connection still works: no transaction left open, and a
         * query runs (a table may be missing if the failure came early). */
        ck_assert_msg(sc_txn_depth(db) == 0,
                      "allocation %ld: line %d: "
                      "a transaction was left open",
                      n, out->line);
        ck_assert_msg(sc_exec(db, "SELECT 1") == SC_OK,
                      "allocation %ld: line %d: %s", n, out->line,
                      sc_errmsg(db));
        q = blog_users_select(db);
        ck_assert_ptr_nonnull(q);
        (void)blog_users_count(q, &users);
        blog_users_query_free(q);
    }
    sc_close(db);
}

static long run(const target *t, long n, outcome *out)
{
    sc_db *db = NULL;
    long count;

    reset();
    sc__alloc_fail_at(n);
    workload(url, t->migrations, &db, out);
    count = sc__alloc_count();
    judge(n, db, out);
    return count;
}

/* One allocation in how many fails in turn: see the header comment. */
static long stride(void)
{
    const char *env = getenv("SCHEMAC_NOMEM_STRIDE");
    long k;

    if (on_sqlite() || on_postgresql())
        return 1;
    k = env != NULL ? strtol(env, NULL, 10) : 5;
    return k > 0 ? k : 1;
}

static void test_every_allocation(const target *t)
{
    outcome out;
    long total, n, failed = 0, step = stride();

    total = run(t, 0, &out);
    ck_assert_msg(out.rc == SC_OK, "the workload fails at line %d: %s",
                  out.line, sc_errstr(out.rc));
    ck_assert_int_gt(total, 0);
    for (n = 1; n <= total; n += step) {
        run(t, n, &out);
        failed += out.rc != SC_OK;
    }
    if ((total - 1) % step != 0) {
        run(t, total, &out);
        failed += out.rc != SC_OK;
    }
    /* Past the last allocation nothing fails. */
    run(t, total + 1, &out);
    ck_assert_int_eq(out.rc, SC_OK);
    printf("nomem %s %s: allocations 1..%ld failed in turn (one in %ld), "
           "%ld runs stopped with SC_NOMEM\n",
           url, t->what, total, step, failed);
    ck_assert_int_gt(failed, 0);
}

START_TEST(test_nomem)
{
    test_every_allocation(&targets[_i]);
}
END_TEST

static void setup_memory(void)
{
    snprintf(url, sizeof url, "sqlite::memory:");
}

/* In /dev/shm where there is one: thousands of runs, each syncing the
 * file, take minutes on a disk. */
static void setup_file(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

    snprintf(dir, sizeof dir, "%s/sc-nomem-XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(url, sizeof url, "sqlite:%s/nomem.db", dir);
}

static void teardown_file(void)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal", ""};
    char path[160];
    size_t i;

    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s/nomem.db%s", dir, suffixes[i]);
        remove(path);
    }
    ck_assert_int_eq(rmdir(dir), 0);
}

static void setup_server(void)
{
    snprintf(url, sizeof url, "%s", getenv("SCHEMAC_TEST_URL"));
}

/* A test case running the workload with targets[from] to targets[to - 1]
 * on the database its setup chooses. */
static TCase *tcase(const char *name, void (*setup)(void),
                    void (*teardown)(void), int from, int to)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_nomem, from, to);
    return tc;
}

Suite *make_suite(void)
{
    Suite *s = suite_create("nomem");
    const char *env = getenv("SCHEMAC_TEST_URL");
    int rc;

    /* Before anything starts SQLite: its allocations join the count, and
     * without lookaside every one of them goes through the allocator. */
    rc = sqlite3_config(SQLITE_CONFIG_MALLOC, &counted_mem);
    if (rc == SQLITE_OK)
        rc = sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
    if (rc != SQLITE_OK || sqlite3_initialize() != SQLITE_OK) {
        fprintf(stderr, "cannot install the counting allocator\n");
        exit(EXIT_FAILURE);
    }
    if (env != NULL && *env != '\0' && strncmp(env, "sqlite:", 7) != 0) {
        suite_add_tcase(s, tcase("server", setup_server, NULL, 0, 2));
        return s;
    }
    /* Both targets in memory; a file adds its journal and WAL to the
     * migrations. */
    suite_add_tcase(s, tcase("memory", setup_memory, NULL, 0, 2));
    suite_add_tcase(s, tcase("file", setup_file, teardown_file, 1, 2));
    return s;
}
