/*
 * test-embedded.c - migrations compiled into the generated code.
 *
 * The code under test is generated from the newest snapshot of
 * tests/data/migrations/basic with --migrations, so blog_migrate() carries
 * its three migrations.  On the database of SCHEMAC_TEST_URL it must bring
 * an empty database to the newest version, do nothing the second time,
 * leave tables the generated row functions can use, and agree with the
 * directory's checksums (the runner of the schemac command reads the same
 * files).
 */
#include <check.h>
#include <string.h>

#include "blog_db.h"
#include "testdb.h"

static sc_db *db;
static sc_arena *arena;

static void setup(void)
{
    db = testdb_open();
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
}

START_TEST(test_migrate_from_empty)
{
    unsigned version = 99;
    sc_migration_record *rows;
    size_t n;

    ck_assert_int_eq(BLOG_MIGRATIONS, 3);
    ck_assert_int_eq(sc_migrate_current(db, &version), SC_OK);
    ck_assert_uint_eq(version, 0);
    ck_assert_int_eq(blog_migrate(db), SC_OK);
    ck_assert_int_eq(sc_migrate_current(db, &version), SC_OK);
    ck_assert_uint_eq(version, 3);
    ck_assert_int_eq(sc_migrate_history(db, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(rows[2].name, "add_tags");
    ck_assert_str_eq(rows[1].checksum,
                     blog_migrations[1].checksums[sc_db_dialect(db)]);
}
END_TEST

START_TEST(test_migrate_twice_and_use)
{
    blog_user u = BLOG_USER_INIT;
    blog_post p = BLOG_POST_INIT;
    blog_tag t = BLOG_TAG_INIT;
    blog_user got;
    sc_migration_record *rows;
    size_t n;

    ck_assert_int_eq(blog_migrate(db), SC_OK);
    ck_assert_int_eq(blog_migrate(db), SC_OK);
    ck_assert_int_eq(sc_migrate_history(db, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 3); /* the second run applied nothing */
    u.name = "최영선";
    ck_assert_int_eq(blog_users_insert(db, &u), SC_OK);
    ck_assert_int_eq(blog_users_get(db, arena, u.id, &got), SC_OK);
    ck_assert_int_eq(got.karma, 0); /* the default of migration 2 */
    p.user_id = u.id;
    p.title = "SQLAlchemy and Alembic";
    ck_assert_int_eq(blog_posts_insert(db, &p), SC_OK);
    t.post_id = p.id;
    t.label = "talk";
    ck_assert_int_eq(blog_tags_insert(db, &t), SC_OK);
}
END_TEST

START_TEST(test_down_and_up_again)
{
    unsigned version;

    ck_assert_int_eq(blog_migrate(db), SC_OK);
    ck_assert_int_eq(
        sc_migrate_down(db, blog_migrations, BLOG_MIGRATIONS, 2), SC_OK);
    ck_assert_int_eq(sc_migrate_current(db, &version), SC_OK);
    ck_assert_uint_eq(version, 1);
    ck_assert_int_eq(blog_migrate(db), SC_OK);
    ck_assert_int_eq(sc_migrate_current(db, &version), SC_OK);
    ck_assert_uint_eq(version, 3);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("embedded");
    TCase *tc = tcase_create("migrate");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_migrate_from_empty);
    tcase_add_test(tc, test_migrate_twice_and_use);
    tcase_add_test(tc, test_down_and_up_again);
    suite_add_tcase(s, tc);
    return s;
}
