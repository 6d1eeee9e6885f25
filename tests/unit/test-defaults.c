/*
 * test-defaults.c - what "no value" means in a row, through the code
 * schemac generates from tests/data/defaults.schema (SPEC section 3,
 * "values and defaults"), on the database of SCHEMAC_TEST_URL.
 *
 * A nullable column's default lives in the row's _INIT: a row made from it
 * inserts the default, and one whose flag is false (or pointer NULL)
 * inserts NULL.  A NOT NULL default now column whose flag is false takes
 * now on insert and keeps the stored value on update.
 */
#include <check.h>
#include <string.h>

#include "df_db.h"
#include "testdb.h"

static sc_db *db;
static sc_arena *arena;

static void setup(void)
{
    db = testdb_open();
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
    ck_assert_int_eq(df_create_all(db), SC_OK);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
}

static df_note note(int64_t id)
{
    df_note n = DF_NOTE_INIT;

    n.id = id;
    n.title = "a note";
    return n;
}

/* From _INIT: every default; the struct shows what was stored. */
START_TEST(test_init_inserts_defaults)
{
    df_note n = note(1), got;

    ck_assert(n.has_rank);
    ck_assert_int_eq(n.rank, 5);
    ck_assert_str_eq(n.label, "plain");
    ck_assert(n.has_tone);
    ck_assert_int_eq(n.tone, DF_TONE_LOUD);
    ck_assert(!n.has_made_at);
    ck_assert_int_eq(df_notes_insert(db, &n), SC_OK);
    ck_assert(n.has_made_at);
    ck_assert_int_eq(df_notes_get(db, arena, 1, &got), SC_OK);
    ck_assert(got.has_rank);
    ck_assert_int_eq(got.rank, 5);
    ck_assert_str_eq(got.label, "plain");
    ck_assert(got.has_tone);
    ck_assert_int_eq(got.tone, DF_TONE_LOUD);
    ck_assert(got.made_at == n.made_at);
    ck_assert(got.has_seen_at); /* nullable default now: now */
}
END_TEST

/* A nullable column with a default can be inserted as NULL. */
START_TEST(test_nullable_with_default_inserts_null)
{
    df_note n = note(2), got;

    n.has_rank = false;
    n.label = NULL;
    n.has_tone = false;
    ck_assert_int_eq(df_notes_insert(db, &n), SC_OK);
    ck_assert(!n.has_rank);
    ck_assert_ptr_null(n.label);
    ck_assert_int_eq(df_notes_get(db, arena, 2, &got), SC_OK);
    ck_assert(!got.has_rank);
    ck_assert_ptr_null(got.label);
    ck_assert(!got.has_tone);

    /* insert_many the same. */
    n = note(3);
    n.has_rank = false;
    ck_assert_int_eq(df_notes_insert_many(db, &n, 1), SC_OK);
    ck_assert_int_eq(df_notes_get(db, arena, 3, &got), SC_OK);
    ck_assert(!got.has_rank);
    ck_assert_str_eq(got.label, "plain");
}
END_TEST

/* update of a row made from _INIT keeps a default-now column's stored
 * value; with the flag set, the value given is written. */
START_TEST(test_update_keeps_default_now)
{
    df_note n = note(4), edit = note(4), got;

    ck_assert_int_eq(df_notes_insert(db, &n), SC_OK);
    edit.title = "edited";
    ck_assert(!edit.has_made_at);
    ck_assert_int_eq(df_notes_update(db, &edit), SC_OK);
    ck_assert_int_eq(df_notes_get(db, arena, 4, &got), SC_OK);
    ck_assert_str_eq(got.title, "edited");
    ck_assert(got.made_at == n.made_at);

    edit.has_made_at = true;
    edit.made_at = 86400000000;
    ck_assert_int_eq(df_notes_update(db, &edit), SC_OK);
    ck_assert_int_eq(df_notes_get(db, arena, 4, &got), SC_OK);
    ck_assert(got.made_at == 86400000000);

    /* A key that matches no row is still SC_NOTFOUND. */
    edit = note(99);
    ck_assert_int_eq(df_notes_update(db, &edit), SC_NOTFOUND);
}
END_TEST

/* _update_many as _update: a row without a value for the NOT NULL default
 * now column keeps the stored one, beside a row that gives one, in one
 * batch; with a column mask naming it too. */
START_TEST(test_update_many_keeps_default_now)
{
    df_note rows[3] = {note(5), note(6), note(7)}, edits[3], got;
    int i;

    for (i = 0; i < 3; i++)
        ck_assert_int_eq(df_notes_insert(db, &rows[i]), SC_OK);
    for (i = 0; i < 3; i++) {
        edits[i] = note(5 + i);
        edits[i].title = "batch";
    }
    edits[1].has_made_at = true;
    edits[1].made_at = 172800000000;
    ck_assert(!edits[0].has_made_at && !edits[2].has_made_at);
    ck_assert_int_eq(df_notes_update_many(db, edits, 3, 0), SC_OK);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(df_notes_get(db, arena, 5 + i, &got), SC_OK);
        ck_assert_str_eq(got.title, "batch");
        ck_assert(got.made_at == (i == 1 ? 172800000000 : rows[i].made_at));
    }

    edits[0].title = "masked";
    edits[1].has_made_at = false;
    ck_assert_int_eq(df_notes_update_many(db, edits, 2, DF_NOTES_TITLE |
                                                         DF_NOTES_MADE_AT),
                     SC_OK);
    ck_assert_int_eq(df_notes_get(db, arena, 5, &got), SC_OK);
    ck_assert_str_eq(got.title, "masked");
    ck_assert(got.made_at == rows[0].made_at);
    ck_assert_int_eq(df_notes_get(db, arena, 6, &got), SC_OK);
    ck_assert(got.made_at == 172800000000);

    /* A key that matches no row: SC_NOTFOUND, and nothing is written. */
    edits[0].title = "lost";
    edits[1] = note(99);
    ck_assert_int_eq(df_notes_update_many(db, edits, 2, 0), SC_NOTFOUND);
    ck_assert_int_eq(df_notes_get(db, arena, 5, &got), SC_OK);
    ck_assert_str_eq(got.title, "masked");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("defaults");
    TCase *tc = tcase_create("generated");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_init_inserts_defaults);
    tcase_add_test(tc, test_nullable_with_default_inserts_null);
    tcase_add_test(tc, test_update_keeps_default_now);
    tcase_add_test(tc, test_update_many_keeps_default_now);
    suite_add_tcase(s, tc);
    return s;
}
