/*
 * test-migfile.c - the migrations directory reader: a good directory
 * read into sc_migration entries with the checksums sha256sum gives,
 * malformed .sql files reported as FILE:LINE, and edited, missing and
 * unlisted files caught through schemac.sum.
 *
 * Directory cases run on a copy of tests/data/migrations/basic in a
 * temporary directory, changed one way per test.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "migfile.h"

#define BASIC SOURCE_ROOT "/tests/data/migrations/basic"

/* ---------------------------------------------------------------------
 * A temporary copy of a migrations directory.
 * ------------------------------------------------------------------- */

static char tmp[64];

static char *file_in(const char *dir, const char *name)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];

    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static void put_file(const char *name, const char *text)
{
    ck_assert_int_eq(fs_write_if_changed(file_in(tmp, name), text,
                                         strlen(text), NULL), 0);
}

static void copy_basic(void)
{
    DIR *d = opendir(BASIC);
    struct dirent *e;
    char *data;
    size_t len;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        ck_assert_int_eq(fs_read(file_in(BASIC, e->d_name), &data, &len), 0);
        ck_assert_int_eq(fs_write_if_changed(file_in(tmp, e->d_name), data,
                                             len, NULL), 0);
        free(data);
    }
    closedir(d);
}

/* basic as a directory written before migrate diff wrote MariaDB's
 * files: none, and its sum sealed without them. */
static void copy_basic_without_mariadb(void)
{
    copy_basic();
    remove(file_in(tmp, "0001_init.mariadb.sql"));
    remove(file_in(tmp, "0002_add_karma.mariadb.sql"));
    remove(file_in(tmp, "0003_add_tags.mariadb.sql"));
    ck_assert_int_eq(migfile_write_sum(tmp), 0);
}

static void make_tmp(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/sc-migfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void remove_tmp(void)
{
    DIR *d = opendir(tmp);
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            remove(file_in(tmp, e->d_name));
    }
    if (d != NULL)
        closedir(d);
    rmdir(tmp);
}

/* Loads tmp, expecting failure with a message containing want. */
static void load_fails(const char *want)
{
    migfile_set set;
    buf err;

    buf_init(&err);
    ck_assert_int_eq(migfile_load(tmp, &set, &err), -1);
    ck_assert_ptr_null(set.migs);
    ck_assert_msg(err.data != NULL && strstr(err.data, want) != NULL,
                  "\"%s\" lacks \"%s\"", err.data ? err.data : "", want);
    buf_free(&err);
}

/* ---------------------------------------------------------------------
 * Reading a good directory.
 * ------------------------------------------------------------------- */

START_TEST(test_load_basic)
{
    migfile_set set;
    const sc_migration *m;
    buf err;

    buf_init(&err);
    ck_assert_int_eq(migfile_load(BASIC, &set, &err), 0);
    ck_assert_uint_eq(set.n, 3);
    ck_assert_str_eq(set.migs[0].name, "init");
    ck_assert_str_eq(set.migs[2].name, "add_tags");
    m = &set.migs[1];
    ck_assert_uint_eq(m->version, 2);
    ck_assert_str_eq(m->name, "add_karma");
    ck_assert_uint_eq(m->scripts[SC_DIALECT_SQLITE].nguards, 1);
    ck_assert_str_eq(m->scripts[SC_DIALECT_SQLITE].guards[0].table, "users");
    ck_assert_str_eq(m->scripts[SC_DIALECT_SQLITE].guards[0].column, "name");
    ck_assert_str_eq(m->scripts[SC_DIALECT_SQLITE].guards[0].reason,
                     "NULL values, which not null refuses");
    ck_assert_str_eq(m->scripts[SC_DIALECT_SQLITE].guards[0].sql,
                     "SELECT count(*) FROM \"users\"\nWHERE \"name\" IS NULL");
    ck_assert_str_eq(m->scripts[SC_DIALECT_SQLITE].up, "ALTER TABLE \"users\" ADD COLUMN "
                                   "\"karma\" INTEGER NOT NULL DEFAULT 0;\n");
    ck_assert_str_eq(m->scripts[SC_DIALECT_SQLITE].down,
                     "ALTER TABLE \"users\" DROP COLUMN \"karma\";\n");
    ck_assert(!m->scripts[SC_DIALECT_SQLITE].foreign_keys_off);
    ck_assert_str_eq(m->scripts[SC_DIALECT_POSTGRESQL].up, "ALTER TABLE \"users\" ADD COLUMN "
                                       "\"karma\" integer NOT NULL DEFAULT "
                                       "0;\n");

    /* The checksum covers the sqlite file, then the postgresql file:
     * "cat 0002_add_karma.sqlite.sql 0002_add_karma.postgresql.sql |
     * sha256sum".  Databases record it: it must never change. */
    ck_assert_str_eq(m->checksum, "415baa57c2e1424c2abd766ac667795e"
                                  "bcac9a422164643f09d9ffbcb5ab863a");
    /* and one file's own: "sha256sum 0002_add_karma.sqlite.sql" */
    ck_assert_str_eq(m->checksums[SC_DIALECT_SQLITE],
                     "a344700981ea01606c51b049702f1560"
                     "36fdfc0cc61e66479a75954138aeb816");
    migfile_free(&set);
    migfile_free(&set); /* twice is harmless */
    buf_free(&err);
}
END_TEST

START_TEST(test_rebuild_directive)
{
    migfile_set set;
    buf err;

    buf_init(&err);
    ck_assert_int_eq(migfile_load(SOURCE_ROOT "/tests/data/migrations/"
                                  "rebuild", &set, &err), 0);
    ck_assert(set.migs[1].scripts[SC_DIALECT_SQLITE].foreign_keys_off);
    ck_assert(!set.migs[1].scripts[SC_DIALECT_POSTGRESQL].foreign_keys_off);
    ck_assert_uint_eq(set.migs[1].scripts[SC_DIALECT_POSTGRESQL].nguards, 0);
    migfile_free(&set);
    buf_free(&err);
}
END_TEST

START_TEST(test_head)
{
    char *snap;
    unsigned next;
    buf err;

    buf_init(&err);
    ck_assert_int_eq(migfile_head(BASIC, &snap, &next, &err), 0);
    ck_assert_str_eq(snap, BASIC "/0003_add_tags.schema");
    ck_assert_uint_eq(next, 4);
    free(snap);
    ck_assert_int_eq(migfile_head("/nonexistent/migrations", &snap, &next,
                                  &err), 0);
    ck_assert_ptr_null(snap);
    ck_assert_uint_eq(next, 1);
    buf_free(&err);
}
END_TEST

/* Writing the sum of an unchanged copy gives the checked-in bytes. */
START_TEST(test_write_sum)
{
    char *want, *got;
    size_t wl, gl;

    make_tmp();
    copy_basic();
    remove(file_in(tmp, "schemac.sum"));
    load_fails("schemac.sum");
    ck_assert_int_eq(migfile_write_sum(tmp), 0);
    ck_assert_int_eq(fs_read(BASIC "/schemac.sum", &want, &wl), 0);
    ck_assert_int_eq(fs_read(file_in(tmp, "schemac.sum"), &got, &gl), 0);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    remove_tmp();
}
END_TEST

/* ---------------------------------------------------------------------
 * Malformed .sql files: each replaces 0003_add_tags.sqlite.sql, the sum
 * is written again, and loading must fail with the message.
 * ------------------------------------------------------------------- */

static const struct {
    const char *text;
    const char *error;
} bad_sql[] = {
    {"-- nothing\n", "0003_add_tags.sqlite.sql: no -- +up line"},
    {"-- +up\n-- +down\n-- +up\n",
     "0003_add_tags.sqlite.sql:3: a second -- +up or -- +down"},
    {"-- comment\nCREATE TABLE t (a int);\n-- +up\n",
     "0003_add_tags.sqlite.sql:2: SQL before -- +up"},
    {"-- +upp\n", "0003_add_tags.sqlite.sql:1: unknown directive '-- +upp'"},
    {"-- +down\n", "0003_add_tags.sqlite.sql:1: -- +down before -- +up"},
    {"-- +foreign-keys on\n-- +up\n",
     "0003_add_tags.sqlite.sql:1: expected -- +foreign-keys off"},
    {"-- +up\n-- +foreign-keys off\n",
     "0003_add_tags.sqlite.sql:2: -- +foreign-keys must come before the statements of its script"},
    {"-- +guard users \"x\"\nSELECT 0;\n-- +up\n",
     "0003_add_tags.sqlite.sql:1: expected -- +guard TABLE.COLUMN"},
    {"-- +guard users.name x\nSELECT 0;\n-- +up\n",
     "0003_add_tags.sqlite.sql:1: expected -- +guard TABLE.COLUMN"},
    {"\n-- +guard users.name \"r\"\nSELECT 0\n-- +up\n",
     "0003_add_tags.sqlite.sql:2: the guard's query does not end with ';'"},
    {"-- +guard users.name \"r\"\nSELECT 0\n",
     "0003_add_tags.sqlite.sql:1: the guard's query does not end with ';'"},
    {"-- +up\n-- +guard users.name \"r\"\nSELECT 0;\n",
     "0003_add_tags.sqlite.sql:2: -- +guard must come before the statements of its script"},
    {"-- +up x\n", "0003_add_tags.sqlite.sql:1: unexpected text after"},
    /* transaction control would commit half a migration */
    {"-- +up\nCREATE TABLE a (x int);\nCOMMIT;\nBEGIN;\nSELECT 1;\n",
     "0003_add_tags.sqlite.sql:3: COMMIT in a script: the runner runs each "
     "part of a migration in a transaction of its own; split the script "
     "with -- +transaction or -- +no-transaction instead"},
    {"-- +up\nSELECT 1; begin\n;\n",
     "0003_add_tags.sqlite.sql:2: begin in a script"},
    {"-- +up\n-- +down\nDROP TABLE a;\n  /* c */ END TRANSACTION;\n",
     "0003_add_tags.sqlite.sql:4: END in a script"},
    {"-- +up\n-- +no-transaction\nSELECT 1;\nSTART TRANSACTION;\n",
     "0003_add_tags.sqlite.sql:4: START in a script"},
    {"-- +up\nSELECT 1;\n-- +transaction\nROLLBACK;\n",
     "0003_add_tags.sqlite.sql:4: ROLLBACK in a script"},
    {"-- +transaction\n-- +up\n",
     "0003_add_tags.sqlite.sql:1: -- +transaction and -- +no-transaction "
     "come after -- +up or -- +down"},
    {"-- +up\n-- +no-transaction\n-- +guard users.name \"r\"\nSELECT 0;\n",
     "0003_add_tags.sqlite.sql:3: -- +guard must come before"},
};

START_TEST(test_bad_sql)
{
    make_tmp();
    copy_basic();
    put_file("0003_add_tags.sqlite.sql", bad_sql[_i].text);
    ck_assert_int_eq(migfile_write_sum(tmp), 0);
    load_fails(bad_sql[_i].error);
    remove_tmp();
}
END_TEST

/* A guard on a whole table, a reason with escapes, no down script. */
START_TEST(test_guard_forms)
{
    migfile_set set;
    const sc_migration_script *s;
    buf err;

    make_tmp();
    copy_basic();
    put_file("0003_add_tags.sqlite.sql",
             "-- +guard users.* \"say \\\"no\\\"\"   \n"
             "SELECT 1 ;  \n-- +up\n-- only a comment\n\n");
    ck_assert_int_eq(migfile_write_sum(tmp), 0);
    buf_init(&err);
    ck_assert_msg(migfile_load(tmp, &set, &err) == 0, "%s", err.data);
    s = &set.migs[2].scripts[SC_DIALECT_SQLITE];
    ck_assert_str_eq(s->guards[0].column, "*");
    ck_assert_str_eq(s->guards[0].reason, "say \"no\"");
    ck_assert_str_eq(s->guards[0].sql, "SELECT 1 ");
    ck_assert_str_eq(s->up, "");
    ck_assert_ptr_null(s->down);
    migfile_free(&set);
    buf_free(&err);
    remove_tmp();
}
END_TEST

/* Parts: where they start, which run in a transaction, the statements
 * of one that does not (quotes, comments and a trigger kept whole), and
 * what is not transaction control. */
START_TEST(test_parts)
{
    migfile_set set;
    const sc_migration_script *s;
    buf err;

    make_tmp();
    copy_basic();
    put_file("0003_add_tags.sqlite.sql",
             "-- +up\n-- +no-transaction\n"
             "CREATE INDEX a ON t (x); CREATE INDEX \"b;\" ON t (y);\n"
             "-- a comment; with a semicolon\n"
             "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
             "  UPDATE t SET x = CASE WHEN 1 THEN 'end;' END;\n"
             "END;\n"
             "-- +transaction\n"
             "SAVEPOINT s; ROLLBACK TO s; RELEASE s;\n"
             "SELECT $q$ COMMIT; $q$;\n"
             "-- +transaction\n-- only a comment\n"
             "-- +down\n"
             "DROP INDEX a;\n");
    ck_assert_int_eq(migfile_write_sum(tmp), 0);
    buf_init(&err);
    ck_assert_msg(migfile_load(tmp, &set, &err) == 0, "%s", err.data);
    s = &set.migs[2].scripts[SC_DIALECT_SQLITE];
    ck_assert_ptr_null(s->up);
    ck_assert_uint_eq(s->nup, 2);
    ck_assert(!s->ups[0].transactional);
    ck_assert_str_eq(s->ups[0].sql[0], "CREATE INDEX a ON t (x);");
    ck_assert_str_eq(s->ups[0].sql[1], "CREATE INDEX \"b;\" ON t (y);");
    ck_assert_str_eq(s->ups[0].sql[2],
                     "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                     "  UPDATE t SET x = CASE WHEN 1 THEN 'end;' END;\n"
                     "END;");
    ck_assert_ptr_null(s->ups[0].sql[3]);
    ck_assert(s->ups[1].transactional);
    ck_assert_str_eq(s->ups[1].sql[0], "SAVEPOINT s; ROLLBACK TO s; "
                                       "RELEASE s;\nSELECT $q$ COMMIT; "
                                       "$q$;\n");
    ck_assert_ptr_null(s->ups[1].sql[1]);
    /* a script without part directives is one part, as before */
    ck_assert_uint_eq(s->ndown, 0);
    ck_assert_str_eq(s->down, "DROP INDEX a;\n");
    ck_assert_uint_eq(set.migs[2].scripts[SC_DIALECT_POSTGRESQL].nup, 0);
    migfile_free(&set);
    buf_free(&err);
    remove_tmp();
}
END_TEST

/* ---------------------------------------------------------------------
 * Edited, missing and unlisted files.
 * ------------------------------------------------------------------- */

START_TEST(test_edited_file)
{
    make_tmp();
    copy_basic();
    put_file("0002_add_karma.sqlite.sql", "-- +up\nSELECT 1;\n");
    load_fails("0002_add_karma.sqlite.sql was edited after schemac.sum was "
               "written");
    remove_tmp();
}
END_TEST

START_TEST(test_edited_snapshot)
{
    make_tmp();
    copy_basic();
    put_file("0001_init.schema", "schema blog;\n");
    load_fails("0001_init.schema was edited after schemac.sum");
    remove_tmp();
}
END_TEST

START_TEST(test_missing_file)
{
    make_tmp();
    copy_basic();
    remove(file_in(tmp, "0003_add_tags.postgresql.sql"));
    load_fails("migration 0003 add_tags has no file "
               "0003_add_tags.postgresql.sql");
    remove_tmp();
}
END_TEST

/* The file of a dialect the generator does not write yet may be
 * missing: that migration has no script nor checksum for it.  When there
 * is one, it is read like the others and has its own checksum; the
 * combined checksum of the two files before it stays as it was. */
START_TEST(test_optional_dialect_file)
{
    migfile_set set, before;
    char *path;
    const char *maria = "-- +up\nALTER TABLE `users` ADD COLUMN `karma` "
                        "BIGINT NOT NULL DEFAULT 0;\n-- +down\n"
                        "ALTER TABLE `users` DROP COLUMN `karma`;\n";
    buf err;

    buf_init(&err);
    make_tmp();
    copy_basic_without_mariadb();
    ck_assert_int_eq(migfile_load(tmp, &before, &err), 0);
    ck_assert_ptr_null(before.migs[1].checksums[SC_DIALECT_MARIADB]);
    ck_assert_ptr_null(before.migs[1].scripts[SC_DIALECT_MARIADB].up);
    ck_assert_ptr_nonnull(before.migs[1].checksums[SC_DIALECT_SQLITE]);
    ck_assert_str_ne(before.migs[1].checksums[SC_DIALECT_SQLITE],
                     before.migs[1].checksums[SC_DIALECT_POSTGRESQL]);

    put_file("0002_add_karma.mariadb.sql", maria);
    load_fails("0002_add_karma.mariadb.sql is not in schemac.sum");
    ck_assert_int_eq(migfile_write_sum(tmp), 0);
    ck_assert_int_eq(migfile_load(tmp, &set, &err), 0);
    ck_assert_uint_eq(set.n, 3);
    /* "printf '%s' \"$maria\" | sha256sum" */
    ck_assert_str_eq(set.migs[1].checksums[SC_DIALECT_MARIADB],
                     "183a94491b12749fbe0c54360fdd0c80"
                     "8c7c0a3bbc64276cd99d0b61b0b99128");
    /* MariaDB commits DDL by itself: its script is one part run
     * statement by statement outside a transaction */
    ck_assert_ptr_null(set.migs[1].scripts[SC_DIALECT_MARIADB].down);
    ck_assert_uint_eq(set.migs[1].scripts[SC_DIALECT_MARIADB].ndown, 1);
    ck_assert(!set.migs[1].scripts[SC_DIALECT_MARIADB].downs[0].transactional);
    ck_assert_str_eq(set.migs[1].scripts[SC_DIALECT_MARIADB].downs[0].sql[0],
                     "ALTER TABLE `users` DROP COLUMN `karma`;");
    ck_assert_ptr_null(set.migs[1].scripts[SC_DIALECT_MARIADB].downs[0].sql[1]);
    ck_assert_ptr_null(set.migs[0].checksums[SC_DIALECT_MARIADB]);
    ck_assert_ptr_null(set.migs[2].scripts[SC_DIALECT_MARIADB].up);
    ck_assert_str_eq(set.migs[1].checksum, before.migs[1].checksum);
    ck_assert_str_eq(set.migs[1].checksums[SC_DIALECT_SQLITE],
                     before.migs[1].checksums[SC_DIALECT_SQLITE]);
    path = migfile_file(tmp, 2, ".mariadb.sql", &err);
    ck_assert_ptr_nonnull(path);
    free(path);
    ck_assert_ptr_null(migfile_file(tmp, 1, ".mariadb.sql", &err));
    ck_assert_ptr_nonnull(strstr(err.data, "migration 0001 has no file "
                                           ".mariadb.sql"));
    migfile_free(&set);
    migfile_free(&before);
    buf_free(&err);
    remove_tmp();
}
END_TEST

START_TEST(test_missing_version)
{
    make_tmp();
    copy_basic();
    remove(file_in(tmp, "0002_add_karma.mariadb.sql"));
    remove(file_in(tmp, "0002_add_karma.postgresql.sql"));
    remove(file_in(tmp, "0002_add_karma.sqlite.sql"));
    remove(file_in(tmp, "0002_add_karma.schema"));
    load_fails("migration 0002 is missing: the versions go from 0001 to "
               "0003");
    remove_tmp();
}
END_TEST

/* The newest migration gone whole: only the sum knows it was there. */
START_TEST(test_missing_last)
{
    make_tmp();
    copy_basic();
    remove(file_in(tmp, "0003_add_tags.mariadb.sql"));
    remove(file_in(tmp, "0003_add_tags.postgresql.sql"));
    remove(file_in(tmp, "0003_add_tags.sqlite.sql"));
    remove(file_in(tmp, "0003_add_tags.schema"));
    load_fails("0003_add_tags.mariadb.sql is missing: schemac.sum lists it");
    remove_tmp();
}
END_TEST

START_TEST(test_unlisted_file)
{
    make_tmp();
    copy_basic();
    put_file("0004_more.schema", "schema blog;\n");
    put_file("0004_more.sqlite.sql", "-- +up\n");
    put_file("0004_more.postgresql.sql", "-- +up\n");
    load_fails("0004_more.postgresql.sql is not in schemac.sum");
    remove_tmp();
}
END_TEST

/* What an unfinished write leaves: readers skip it, migfile_clean()
 * removes it; a migration listed in the sum is never skipped. */
START_TEST(test_unfinished)
{
    migfile_set set;
    buf err, note;

    make_tmp();
    copy_basic();
    put_file("0004_more.schema", "schema blog;\n");
    put_file("0004_more.sqlite.sql", "-- +up\n");
    put_file("0004_more.postgresql.sql.tmp.x1Y2z3", "-- +u");
    put_file("schemac.sum.tmp.q9W8e7", "");
    buf_init(&err);
    buf_init(&note);
    ck_assert_msg(migfile_load(tmp, &set, &err) == 0, "%s", err.data);
    ck_assert_uint_eq(set.n, 3);
    migfile_free(&set);
    ck_assert_int_eq(migfile_clean(tmp, &note), 4);
    ck_assert_ptr_nonnull(strstr(note.data, "0004_more.schema: an "
                                            "unfinished migration"));
    ck_assert_int_eq(access(file_in(tmp, "0004_more.sqlite.sql"), F_OK), -1);
    ck_assert_int_eq(access(file_in(tmp, "schemac.sum.tmp.q9W8e7"), F_OK),
                     -1);
    ck_assert_int_eq(access(file_in(tmp, "0003_add_tags.schema"), F_OK), 0);
    ck_assert_int_eq(migfile_clean(tmp, &note), 0);
    /* the newest migration, sealed, with a file gone, is an error */
    remove(file_in(tmp, "0003_add_tags.sqlite.sql"));
    load_fails("migration 0003 add_tags has no file 0003_add_tags.sqlite.sql");
    buf_free(&err);
    buf_free(&note);
    remove_tmp();
}
END_TEST

START_TEST(test_bad_names)
{
    make_tmp();
    copy_basic();
    put_file("0002_other.schema", "schema blog;\n");
    load_fails("0002_add_karma.mariadb.sql and 0002_other.schema both "
               "claim version 0002");
    remove(file_in(tmp, "0002_other.schema"));
    put_file("0004_more.txt", "");
    load_fails("unexpected file 0004_more.txt");
    remove_tmp();
    load_fails("no such directory");
}
END_TEST

START_TEST(test_empty_directory)
{
    migfile_set set;
    buf err;

    make_tmp();
    buf_init(&err);
    ck_assert_int_eq(migfile_load(tmp, &set, &err), 0);
    ck_assert_uint_eq(set.n, 0);
    migfile_free(&set);
    buf_free(&err);
    remove_tmp();
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("migfile");
    TCase *tc;

    tc = tcase_create("read");
    tcase_add_test(tc, test_load_basic);
    tcase_add_test(tc, test_rebuild_directive);
    tcase_add_test(tc, test_head);
    tcase_add_test(tc, test_write_sum);
    tcase_add_loop_test(tc, test_bad_sql, 0,
                        sizeof bad_sql / sizeof bad_sql[0]);
    tcase_add_test(tc, test_guard_forms);
    tcase_add_test(tc, test_parts);
    suite_add_tcase(s, tc);

    tc = tcase_create("sum");
    tcase_add_test(tc, test_edited_file);
    tcase_add_test(tc, test_edited_snapshot);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_optional_dialect_file);
    tcase_add_test(tc, test_missing_version);
    tcase_add_test(tc, test_missing_last);
    tcase_add_test(tc, test_unlisted_file);
    tcase_add_test(tc, test_unfinished);
    tcase_add_test(tc, test_bad_names);
    tcase_add_test(tc, test_empty_directory);
    suite_add_tcase(s, tc);
    return s;
}
