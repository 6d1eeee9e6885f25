/*
 * test-querygen.c - the typed query API that schemac generates, end to end.
 *
 * test-query.c exercises the query engine through its generic calls; this
 * suite goes through the functions a user calls, generated from
 * tests/data/query.schema: that each filter reaches its own column with
 * its own operator, that joins and navigation follow the right foreign key
 * in the right direction (the self-referencing one included), and that
 * bulk changes and terminals hand back typed rows.  It runs against the
 * database of SCHEMAC_TEST_URL, SQLite or PostgreSQL.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "query_db.h"
#include "testdb.h"

static sc_db *db;
static sc_arena *arena;

static void setup(void)
{
    db = testdb_open();
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
    ck_assert_int_eq(query_create_all(db), SC_OK);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
}

/* The query's SQL text contains want, where "?" in want stands for the
 * dialect's placeholder (?, or $1, $2 ... on PostgreSQL). */
static void expect_sql(query_things_query *q, const char *want)
{
    const char *sql = sc_query_sql((sc_query *)q);
    char plain[8192];
    size_t i = 0;

    ck_assert_ptr_nonnull(sql);
    for (; *sql && i + 1 < sizeof plain; sql++) {
        plain[i++] = *sql == '$' ? '?' : *sql;
        if (*sql == '$')
            while (sql[1] >= '0' && sql[1] <= '9')
                sql++;
    }
    plain[i] = '\0';
    ck_assert_msg(strstr(plain, want) != NULL, "\"%s\" not in: %s", want,
                  plain);
}

/* Every generated filter names its own column and operator. */
START_TEST(test_filters_reach_their_column)
{
    static const int64_t ids[] = {1, 2};
    static const char *const words[] = {"a", "b", "c"};
    static const query_mood moods[] = {QUERY_MOOD_GLAD};
    sc_uuid u;
    query_things_query *q;

    memset(&u, 0xab, sizeof u);
    q = query_things_select(db);
    ck_assert_ptr_nonnull(q);
    query_things_where(q, I16, LT, 7);
    expect_sql(q, "\"i16\" < ?");
    query_things_where(q, NI32, GE, -1);
    expect_sql(q, "\"ni32\" >= ?");
    query_things_where(q, F64, LE, 2.5);
    expect_sql(q, "\"f64\" <= ?");
    query_things_where(q, NUM, GT, 1250);
    expect_sql(q, "\"num\" > ?");
    query_things_where(q, TXT, NE, "x");
    expect_sql(q, "\"txt\" <> ?");
    query_things_where(q, WORD, LIKE, "a%");
    /* MariaDB's columns are in the binary collation already; its
     * parameters are not */
    expect_sql(q, testdb_pick3("\"word\" LIKE ?",
                               "\"word\" COLLATE \"C\" LIKE ?",
                               "\"word\" LIKE ?"));
    query_things_where(q, WORD, STARTS_WITH, "ab");
    expect_sql(q, testdb_pick3("\"word\" >= ? AND \"word\" < ?",
                               "\"word\" >= ? COLLATE \"C\" AND \"word\" < ? "
                               "COLLATE \"C\"",
                               "\"word\" >= ? COLLATE utf8mb4_nopad_bin AND "
                               "\"word\" < ? COLLATE utf8mb4_nopad_bin"));
    query_things_where_in(q, ID, ids, 2);
    expect_sql(q, "\"id\" IN (?, ?)");
    query_things_where_not_in(q, NTXT, words, 3);
    expect_sql(q, "\"ntxt\" NOT IN (?, ?, ?)");
    query_things_where_null(q, ND);
    expect_sql(q, "\"nd\" IS NULL");
    query_things_where_not_null(q, NTS);
    expect_sql(q, "\"nts\" IS NOT NULL");
    query_things_where(q, U, EQ, u);
    expect_sql(q, "\"u\" = ?");
    query_things_where_in(q, M, moods, 1);
    expect_sql(q, "\"m\" IN (?)");
    query_things_where(q, B, EQ, true);
    expect_sql(q, "\"b\" = ?");
    query_things_order_by(q, TS, SC_DESC);
    expect_sql(q, "ORDER BY \"ts\" DESC");
    query_things_query_free(q);
}
END_TEST

static query_user user(const char *name, const char *email)
{
    query_user u = QUERY_USER_INIT;

    u.user_name = name;
    u.user_email = email;
    return u;
}

/* users 1..4, programs 1..2; enrollments (1,1) (1,2) (1,3) (2,3). */
static void fill_talk(void)
{
    query_user u[4];
    query_program p[2];
    query_program_enrollment e[4];
    const int64_t pairs[4][2] = {{1, 1}, {1, 2}, {1, 3}, {2, 3}};
    int i;

    u[0] = user("최영선", "a@pycon.kr");
    u[1] = user("배준현", "b@pycon.kr");
    u[2] = user("김준기", "c@pycon.kr");
    u[3] = user("강대성", "d@pycon.kr");
    ck_assert_int_eq(query_users_insert_many(db, u, 4), SC_OK);
    for (i = 0; i < 2; i++) {
        query_program init = QUERY_PROGRAM_INIT;

        p[i] = init;
        p[i].program_name = i ? "Alembic" : "SQLAlchemy";
    }
    ck_assert_int_eq(query_programs_insert_many(db, p, 2), SC_OK);
    for (i = 0; i < 4; i++) {
        query_program_enrollment init = QUERY_PROGRAM_ENROLLMENT_INIT;

        e[i] = init;
        e[i].program_id = pairs[i][0];
        e[i].user_id = pairs[i][1];
    }
    ck_assert_int_eq(query_program_enrollments_insert_many(db, e, 4), SC_OK);
}

/* users JOIN enrollments (reverse) and enrollments JOIN users (forward). */
START_TEST(test_joins_both_directions)
{
    query_users_query *q;
    query_program_enrollments_join *e;
    query_program_enrollments_query *pe;
    query_users_join *u;
    query_user_list users;
    query_program_enrollment_list rows;
    int64_t n;

    fill_talk();
    q = query_users_select(db);
    e = query_users_join_program_enrollments(q);
    ck_assert_ptr_nonnull(e);
    query_program_enrollments_where(e, PROGRAM_ID, EQ, 1);
    query_users_order_by(q, USER_ID, SC_DESC);
    ck_assert_int_eq(query_users_all(q, arena, &users), SC_OK);
    ck_assert_uint_eq(users.len, 3);
    ck_assert_int_eq(users.items[0].user_id, 3);
    ck_assert_str_eq(users.items[2].user_name, "최영선");
    ck_assert_int_eq(query_users_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 3);
    query_users_query_free(q);

    pe = query_program_enrollments_select(db);
    u = query_program_enrollments_join_users(pe);
    query_users_where(u, USER_NAME, EQ, "김준기");
    query_program_enrollments_order_by(pe, PROGRAM_ID, SC_ASC);
    ck_assert_int_eq(query_program_enrollments_all(pe, arena, &rows), SC_OK);
    ck_assert_uint_eq(rows.len, 2);
    ck_assert_int_eq(rows.items[0].program_id, 1);
    ck_assert_int_eq(rows.items[1].program_id, 2);
    query_program_enrollments_query_free(pe);
}
END_TEST

/* Navigation: a parent, the children of one row, of many in one query. */
START_TEST(test_navigation)
{
    query_user users[4];
    query_user owner;
    query_program_enrollment_list one, lists[4];
    sc_stats before, after;
    int64_t id;

    fill_talk();
    for (id = 1; id <= 4; id++)
        ck_assert_int_eq(query_users_get(db, arena, id, &users[id - 1]),
                         SC_OK);
    ck_assert_int_eq(
        query_users_get_program_enrollments(db, arena, &users[2], &one),
        SC_OK);
    ck_assert_uint_eq(one.len, 2);
    ck_assert_int_eq(
        query_program_enrollments_get_user(db, arena, &one.items[1], &owner),
        SC_OK);
    ck_assert_str_eq(owner.user_name, "김준기");

    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    ck_assert_int_eq(
        query_users_load_program_enrollments(db, arena, users, 4, lists),
        SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_msg(after.executions - before.executions == 1,
                  "loading the children of 4 users ran %llu statements",
                  (unsigned long long)(after.executions - before.executions));
    ck_assert_uint_eq(lists[0].len, 1);
    ck_assert_uint_eq(lists[1].len, 1);
    ck_assert_uint_eq(lists[2].len, 2);
    ck_assert_uint_eq(lists[3].len, 0);
    ck_assert_int_eq(lists[2].items[1].program_id, 2);
}
END_TEST

/* A key to its own table: the parent, the children, and both joins. */
START_TEST(test_self_reference)
{
    query_category c[3];
    query_category parent;
    query_category_list kids;
    query_categories_query *q;
    query_categories_join *j;
    query_category_list rows;
    int i;

    for (i = 0; i < 3; i++) {
        query_category init = QUERY_CATEGORY_INIT;

        c[i] = init;
        c[i].name = i == 0 ? "root" : i == 1 ? "left" : "right";
        if (i > 0) {
            c[i].parent_id = 1;
            c[i].has_parent_id = true;
        }
        ck_assert_int_eq(query_categories_insert(db, &c[i]), SC_OK);
    }
    ck_assert_int_eq(query_categories_get_parent(db, arena, &c[2], &parent),
                     SC_OK);
    ck_assert_str_eq(parent.name, "root");
    ck_assert_int_eq(query_categories_get_parent(db, arena, &c[0], &parent),
                     SC_NOTFOUND);
    ck_assert_int_eq(
        query_categories_get_categories_by_parent_id(db, arena, &c[0], &kids),
        SC_OK);
    ck_assert_uint_eq(kids.len, 2);

    /* Categories whose parent is named "root". */
    q = query_categories_select(db);
    j = query_categories_join_parent(q);
    query_categories_where(j, NAME, EQ, "root");
    query_categories_order_by(q, ID, SC_ASC);
    ck_assert_int_eq(query_categories_all(q, arena, &rows), SC_OK);
    ck_assert_uint_eq(rows.len, 2);
    ck_assert_str_eq(rows.items[0].name, "left");
    query_categories_query_free(q);

    /* Categories that have a child named "right". */
    q = query_categories_select(db);
    j = query_categories_join_categories_by_parent_id(q);
    query_categories_where(j, NAME, EQ, "right");
    ck_assert_int_eq(query_categories_all(q, arena, &rows), SC_OK);
    ck_assert_uint_eq(rows.len, 1);
    ck_assert_str_eq(rows.items[0].name, "root");
    query_categories_query_free(q);
}
END_TEST

/* A two-column foreign key: a city's region and a region's cities. */
START_TEST(test_composite_key_navigation)
{
    query_region r = QUERY_REGION_INIT;
    query_city c = QUERY_CITY_INIT;
    query_region got;
    query_city_list cities;

    r.country = "KR";
    r.code = "11";
    r.name = "서울특별시";
    ck_assert_int_eq(query_regions_insert(db, &r), SC_OK);
    c.name = "종로구";
    c.country = "KR";
    c.code = "11";
    ck_assert_int_eq(query_cities_insert(db, &c), SC_OK);
    ck_assert_int_eq(query_cities_get_region(db, arena, &c, &got), SC_OK);
    ck_assert_str_eq(got.name, "서울특별시");
    ck_assert_int_eq(query_regions_get_cities(db, arena, &r, &cities), SC_OK);
    ck_assert_uint_eq(cities.len, 1);
    ck_assert_str_eq(cities.items[0].name, "종로구");
}
END_TEST

static int count_row(void *ctx, const query_user *row)
{
    int *n = ctx;

    ck_assert_ptr_nonnull(row->user_name);
    (*n)++;
    return 0;
}

/* Terminals and bulk changes through the typed functions. */
START_TEST(test_terminals_and_bulk)
{
    query_users_query *q;
    query_user one;
    int64_t changed, n;
    bool yes;
    int visited = 0;

    fill_talk();
    q = query_users_select(db);
    query_users_where(q, USER_NAME, LIKE, "%준%");
    ck_assert_int_eq(query_users_one(q, arena, &one), SC_MULTIPLE);
    ck_assert_int_eq(query_users_each(q, count_row, &visited), SC_OK);
    ck_assert_int_eq(visited, 2);
    query_users_set(q, KARMA, 150);
    ck_assert_int_eq(query_users_update_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 2);
    query_users_query_free(q);

    q = query_users_select(db);
    query_users_where(q, KARMA, EQ, 150);
    ck_assert_int_eq(query_users_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 2);
    query_users_query_free(q);

    q = query_users_select(db);
    query_users_or(q);
    query_users_where_null(q, KARMA);
    query_users_where(q, USER_NAME, EQ, "김준기");
    query_users_end(q);
    ck_assert_int_eq(query_users_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 3);
    query_users_set_null(q, KARMA);
    ck_assert_int_eq(query_users_update_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 3);
    query_users_query_free(q);

    q = query_users_select(db);
    query_users_where_not_null(q, KARMA);
    ck_assert_int_eq(query_users_delete_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_int_eq(query_users_exists(q, &yes), SC_OK);
    ck_assert(!yes);
    query_users_query_free(q);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("querygen");
    TCase *tc = tcase_create("generated");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_filters_reach_their_column);
    tcase_add_test(tc, test_joins_both_directions);
    tcase_add_test(tc, test_navigation);
    tcase_add_test(tc, test_self_reference);
    tcase_add_test(tc, test_composite_key_navigation);
    tcase_add_test(tc, test_terminals_and_bulk);
    suite_add_tcase(s, tc);
    return s;
}
