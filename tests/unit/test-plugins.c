/*
 * test-plugins.c - the shared runtime's backend plugins (runtime/loader.c).
 * A program on SQLite maps neither libpq nor libmariadb nor a plugin
 * (/proc/self/maps); a missing plugin, a file that is no library and a
 * plugin of another build each fail sc_open() with SC_CANTOPEN naming
 * the file, and SQLite still opens.  Each driver is mapped from the first
 * sc_open() of its URL on and not before, the plugin found beside the
 * library without SCHEMAC_BACKEND_PATH: on a closed port, which the
 * driver refuses, or on the server of with-pg.sh (SCHEMAC_TEST_URL).
 *
 * The cases run in this order even without fork (CK_FORK=no): the
 * failures first, while no plugin is loaded.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schemac.h"

/* Whether this process maps a file whose name holds needle. */
static int mapped(const char *needle)
{
    char line[4096];
    int found = 0;
    FILE *f = fopen("/proc/self/maps", "r");

    ck_assert_ptr_nonnull(f);
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

static void assert_sqlite_works(void)
{
    sc_db *db = NULL;

    ck_assert_int_eq(sc_open("sqlite::memory:", &db), SC_OK);
    ck_assert_int_eq(sc_exec(db, "create table t (a integer)"), SC_OK);
    sc_close(db);
}

/* Opens url with plugins looked for in dir alone, which must fail with
 * SC_CANTOPEN and a message holding want. */
static void assert_refused(const char *dir, const char *url,
                           const char *want)
{
    sc_db *db = NULL;

    ck_assert_int_eq(setenv("SCHEMAC_BACKEND_PATH", dir, 1), 0);
    ck_assert_int_eq(sc_open(url, &db), SC_CANTOPEN);
    ck_assert_msg(strstr(sc_errmsg(db), want) != NULL,
                  "message \"%s\" does not hold \"%s\"", sc_errmsg(db),
                  want);
    sc_close(db);
}

START_TEST(test_sqlite_maps_no_driver)
{
    assert_sqlite_works();
    ck_assert(!mapped("/libpq.so"));
    ck_assert(!mapped("/libmariadb.so"));
    ck_assert(!mapped("/schemac-"));
}
END_TEST

START_TEST(test_missing_plugin)
{
    char dir[] = "/tmp/schemac-plugins.XXXXXX";
    char want[256];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(want, sizeof want, "no schemac-postgresql.so in %s", dir);
    assert_refused(dir, "postgresql://127.0.0.1:1/none", want);
    assert_refused(dir, "host=127.0.0.1 port=1 dbname=none", want);
    snprintf(want, sizeof want, "no schemac-mariadb.so in %s", dir);
    assert_refused(dir, "mariadb://127.0.0.1:1/none", want);
    ck_assert_int_eq(rmdir(dir), 0);
    assert_sqlite_works();
    ck_assert(!mapped("/libpq.so"));
}
END_TEST

/* A file of the plugin's name that is no shared library: dlerror()'s
 * words, after the path. */
START_TEST(test_not_a_library)
{
    char dir[] = "/tmp/schemac-plugins.XXXXXX";
    char path[128];
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/schemac-mariadb.so", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a library\n", f);
    fclose(f);
    assert_refused(dir, "mariadb://127.0.0.1:1/none", path);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    assert_sqlite_works();
}
END_TEST

/* The build tree's tests/unit/schemac-postgresql.so says it is from
 * another release of schemac (other-plugin.c). */
START_TEST(test_other_build)
{
    assert_refused(BUILD_ROOT "/tests/unit", "postgresql://127.0.0.1:1/none",
                   "tests/unit/schemac-postgresql.so is from schemac "
                   "0.0.0-other");
    assert_sqlite_works();
    ck_assert(!mapped("/libpq.so"));
}
END_TEST

/* Whether url is one of the MariaDB backend's. */
static int is_mariadb(const char *url)
{
    return strncmp(url, "mariadb:", 8) == 0 || strncmp(url, "mysql:", 6) == 0;
}

/*
 * Each driver is mapped from the first open of its URL on, and not
 * before: PostgreSQL's, then MariaDB's.  The URL is the server's under
 * with-pg.sh or with-mariadb.sh (SCHEMAC_TEST_URL), which must open;
 * else a closed port, which the driver itself must refuse, the plugin
 * loaded.  The plugins are found beside libschemac.so in the build tree
 * (dladdr()), SCHEMAC_BACKEND_PATH unset.
 */
START_TEST(test_driver_on_first_open)
{
    static const struct {
        const char *url, *driver;
    } cases[] = {
        {"postgresql://127.0.0.1:1/none", "/libpq.so"},
        {"mariadb://127.0.0.1:1/none", "/libmariadb.so"},
    };
    const char *server = getenv("SCHEMAC_TEST_URL");
    size_t i;

    if (server != NULL && strncmp(server, "sqlite:", 7) == 0)
        server = NULL;
    ck_assert_int_eq(unsetenv("SCHEMAC_BACKEND_PATH"), 0);
    assert_sqlite_works();
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *url = cases[i].url;
        sc_db *db = NULL;

        if (server != NULL && is_mariadb(server) == is_mariadb(url))
            url = server;
        ck_assert_msg(!mapped(cases[i].driver), "%s mapped before %s",
                      cases[i].driver, cases[i].url);
        if (i + 1 < sizeof cases / sizeof cases[0])
            ck_assert(!mapped(cases[i + 1].driver));
        if (url == server) {
            ck_assert_msg(sc_open(url, &db) == SC_OK, "%s", sc_errmsg(db));
            ck_assert_int_eq(sc_exec(db, "select 1"), SC_OK);
        } else {
            ck_assert_int_eq(sc_open(url, &db), SC_CANTOPEN);
            ck_assert_msg(strstr(sc_errmsg(db), "plugin") == NULL &&
                              strstr(sc_errmsg(db), "cannot load") == NULL,
                          "%s: %s", url, sc_errmsg(db));
        }
        sc_close(db);
        ck_assert_msg(mapped(cases[i].driver), "%s not mapped after %s",
                      cases[i].driver, url);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("plugins");
    TCase *tc = tcase_create("plugins");

    tcase_add_test(tc, test_sqlite_maps_no_driver);
    tcase_add_test(tc, test_missing_plugin);
    tcase_add_test(tc, test_not_a_library);
    tcase_add_test(tc, test_other_build);
    tcase_add_test(tc, test_driver_on_first_open);
    suite_add_tcase(s, tc);
    return s;
}
