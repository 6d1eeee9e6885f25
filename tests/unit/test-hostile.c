/*
 * test-hostile.c - values, URLs and database files chosen to break
 * things.
 *
 * Values: every class of UTF-8 sequence, the characters that mean
 * something to SQL or LIKE, all 256 byte values, subnormal and infinite
 * floats and the int64 limits go through insert, get and the query
 * builder unchanged, on SQLite and PostgreSQL alike; text that is not
 * UTF-8 is refused with SC_RANGE naming table and column, in a row and
 * in a filter.  (test-runtime.c covers the limits of each type in a row:
 * dates, numerics, uuids, NaN and -0.0.)
 *
 * URLs with odd characters get SC_MISUSE or SC_CANTOPEN with a message
 * and never echo a password.  Database files that are not databases, are
 * read-only, or are locked by another process get a clear error naming
 * the file, from sc_open or from the first statement.
 */
#include <check.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dialect.h"
#include "rt_db.h"
#include "schemac.h"
#include "testdb.h"

static sc_db *db;
static sc_arena *arena;

static void setup(void)
{
    db = testdb_open();
    ck_assert_msg(rt_create_all(db) == SC_OK, "%s", sc_errmsg(db));
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_close(db);
    db = NULL;
    sc_arena_free(arena);
    arena = NULL;
}

static bool on_sqlite(void)
{
    return testdb_dialect() == SC_DIALECT_SQLITE;
}

/* ---------------------------------------------------------------------
 * Strings.
 * ------------------------------------------------------------------- */

/* Every ASCII character but NUL, in order. */
static const char *all_ascii(void)
{
    char *s = sc_arena_alloc(arena, 128);
    int i;

    for (i = 1; i < 128; i++)
        s[i - 1] = (char)i;
    s[127] = '\0';
    return s;
}

/* 100 000 code points cycling through the four lengths of UTF-8. */
static const char *long_mixed(void)
{
    static const char *const cycle[] = {"a", "\xC3\xA9", "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80"};
    char *s = sc_arena_alloc(arena, 100000 / 4 * 10 + 1), *p = s;
    int i;

    for (i = 0; i < 100000; i++) {
        strcpy(p, cycle[i % 4]);
        p += strlen(cycle[i % 4]);
    }
    return s;
}

static const struct {
    const char *name;
    const char *text; /* NULL: made by the function */
    const char *(*make)(void);
} strings[] = {
    {"empty", "", NULL},
    {"every ASCII character", NULL, all_ascii},
    {"quotes and backslashes", "' '' \" \\ \\\\ \\' \\n", NULL},
    {"LIKE's wildcards and escape", "%_\\%\\_%%__", NULL},
    {"SQL that must stay data", "x'); DROP TABLE pair; -- /* */ ;", NULL},
    {"line ends and blanks", "\n\r\n\r\t\v\f a \n", NULL},
    {"U+0080, first of two bytes", "\xC2\x80", NULL},
    {"U+07FF, last of two bytes", "\xDF\xBF", NULL},
    {"U+0800, first of three bytes", "\xE0\xA0\x80", NULL},
    {"U+D7FF, before the surrogates", "\xED\x9F\xBF", NULL},
    {"U+E000, after the surrogates", "\xEE\x80\x80", NULL},
    {"U+FEFF, a byte order mark", "\xEF\xBB\xBFtext", NULL},
    {"U+FFFD and U+FFFF", "\xEF\xBF\xBD\xEF\xBF\xBF", NULL},
    {"U+10000, first of four bytes", "\xF0\x90\x80\x80", NULL},
    {"U+10FFFF, the last code point", "\xF4\x8F\xBF\xBF", NULL},
    {"100000 code points of every length", NULL, long_mixed},
};

#define NSTRINGS (int)(sizeof strings / sizeof strings[0])

static const char *string_at(int i)
{
    return strings[i].text != NULL ? strings[i].text : strings[i].make();
}

static int64_t count_pairs(rt_pair_query *q)
{
    int64_t n = -1;

    ck_assert_msg(rt_pair_count(q, &n) == SC_OK, "%s", sc_errmsg(db));
    rt_pair_query_free(q);
    return n;
}

static int64_t count_speakers(rt_speaker_query *q)
{
    int64_t n = -1;

    ck_assert_msg(rt_speaker_count(q, &n) == SC_OK, "%s", sc_errmsg(db));
    rt_speaker_query_free(q);
    return n;
}

/* Up to 2000 bytes, a string is also a key: PostgreSQL's indexes take
 * no more than about 2700 bytes a row. */
static void assert_key_round_trip(const char *s)
{
    rt_pair p = {.a = 1, .b = s, .score = 1, .kind = RT_LEVEL_ADVANCED};
    rt_pair got;

    if (strlen(s) > 2000)
        return;
    ck_assert_msg(rt_pair_insert(db, &p) == SC_OK, "%s", sc_errmsg(db));
    ck_assert_msg(rt_pair_get(db, arena, 1, s, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_msg(strcmp(got.b, s) == 0, "the key differs");
}

/* A string comes back from get, and eq, in, like (escaped), starts_with
 * and ne each find exactly its row. */
START_TEST(test_string_round_trip)
{
    const char *s = string_at(_i);
    rt_speaker other = {0, "other", "o@x"};
    rt_speaker sp = {0, s, "s@x"}, got;
    rt_speaker_query *q;
    const char *pattern = sc_like_escape(arena, s);
    int64_t n;

    ck_assert_int_eq(rt_speaker_insert(db, &other), SC_OK);
    ck_assert_msg(rt_speaker_insert(db, &sp) == SC_OK, "%s: %s",
                  strings[_i].name, sc_errmsg(db));
    ck_assert_int_eq(rt_speaker_get(db, arena, sp.speaker_id, &got), SC_OK);
    ck_assert_uint_eq(strlen(got.name), strlen(s));
    ck_assert_msg(strcmp(got.name, s) == 0, "%s differs", strings[_i].name);

    q = rt_speaker_select(db);
    rt_speaker_where(q, NAME, EQ, s);
    ck_assert_int_eq(count_speakers(q), 1);
    q = rt_speaker_select(db);
    rt_speaker_where_in(q, NAME, &s, 1);
    ck_assert_int_eq(count_speakers(q), 1);
    q = rt_speaker_select(db);
    rt_speaker_where(q, NAME, STARTS_WITH, s);
    ck_assert_int_eq(count_speakers(q), *s == '\0' ? 2 : 1);
    q = rt_speaker_select(db);
    rt_speaker_where(q, NAME, NE, s);
    ck_assert_int_eq(count_speakers(q), 1);
    q = rt_speaker_select(db);
    rt_speaker_where(q, NAME, LIKE, pattern);
    if (strlen(pattern) <= 50000) {
        ck_assert_int_eq(count_speakers(q), 1);
    } else { /* SQLite's limit, kept on both */
        ck_assert_int_eq(rt_speaker_count(q, &n), SC_RANGE);
        ck_assert_str_eq(sc_errtable(db), "speaker");
        ck_assert_str_eq(sc_errcolumn(db), "name");
        rt_speaker_query_free(q);
    }
    assert_key_round_trip(s);
}
END_TEST

static const char *const not_utf8[] = {
    "\x80",             /* a continuation byte alone */
    "a\xC3",            /* a sequence cut short */
    "\xC0\xAF",         /* an overlong '/' */
    "\xED\xA0\x80",     /* a surrogate */
    "\xF4\x90\x80\x80", /* past U+10FFFF */
    "\xFF\xFE",
};

#define NNOT_UTF8 (int)(sizeof not_utf8 / sizeof not_utf8[0])

static void assert_range(int rc, const char *table, const char *column)
{
    ck_assert_int_eq(rc, SC_RANGE);
    ck_assert_int_eq(sc_errcode(db), SC_RANGE);
    ck_assert_str_eq(sc_errtable(db), table);
    ck_assert_str_eq(sc_errcolumn(db), column);
    ck_assert_msg(strstr(sc_errmsg(db), "UTF-8") != NULL, "message: %s",
                  sc_errmsg(db));
}

/* Text that is not UTF-8 is refused in a row and in a filter, the same
 * on both databases, and nothing is written. */
START_TEST(test_not_utf8)
{
    const char *s = not_utf8[_i];
    rt_pair p = {.a = 1, .b = s, .kind = RT_LEVEL_BEGINNER};
    rt_speaker sp = {0, "name", s};
    rt_pair_query *q;
    int64_t n = -1;

    assert_range(rt_pair_insert(db, &p), "pair", "b");
    assert_range(rt_speaker_insert(db, &sp), "speaker", "email");
    ck_assert_int_eq(sp.speaker_id, 0);
    q = rt_pair_select(db);
    rt_pair_where(q, B, EQ, s);
    assert_range(rt_pair_count(q, &n), "pair", "b");
    rt_pair_query_free(q);
    q = rt_pair_select(db);
    rt_pair_where(q, B, LIKE, s);
    assert_range(rt_pair_count(q, &n), "pair", "b");
    rt_pair_query_free(q);
    q = rt_pair_select(db);
    ck_assert_int_eq(count_pairs(q), 0);
}
END_TEST

/* ---------------------------------------------------------------------
 * Bytes and numbers.
 * ------------------------------------------------------------------- */

/* Blobs of every byte value, in both orders, and of no bytes, through a
 * row and an eq filter. */
START_TEST(test_all_bytes)
{
    uint8_t up[256], down[256];
    rt_pair p = {.a = 1, .b = "up", .kind = RT_LEVEL_BEGINNER};
    rt_pair got;
    rt_pair_query *q;
    int i;

    for (i = 0; i < 256; i++) {
        up[i] = (uint8_t)i;
        down[i] = (uint8_t)(255 - i);
    }
    p.data = (sc_bytes){up, sizeof up};
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    p.b = "down";
    p.data = (sc_bytes){down, sizeof down};
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    p.b = "empty";
    p.data = (sc_bytes){(const uint8_t *)"", 0};
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);

    ck_assert_int_eq(rt_pair_get(db, arena, 1, "up", &got), SC_OK);
    ck_assert_uint_eq(got.data.len, 256);
    ck_assert(memcmp(got.data.data, up, 256) == 0);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "down", &got), SC_OK);
    ck_assert_uint_eq(got.data.len, 256);
    ck_assert(memcmp(got.data.data, down, 256) == 0);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "empty", &got), SC_OK);
    ck_assert_ptr_nonnull(got.data.data);
    ck_assert_uint_eq(got.data.len, 0);

    q = rt_pair_select(db);
    rt_pair_where(q, DATA, EQ, (sc_bytes){down, sizeof down});
    ck_assert_int_eq(count_pairs(q), 1);
    q = rt_pair_select(db);
    rt_pair_where(q, DATA, EQ, (sc_bytes){(const uint8_t *)"", 0});
    ck_assert_int_eq(count_pairs(q), 1);
    q = rt_pair_select(db); /* bytes order as unsigned bytes */
    rt_pair_where(q, DATA, GT, (sc_bytes){up, sizeof up});
    ck_assert_int_eq(count_pairs(q), 1);
}
END_TEST

static const double floats[] = {
    DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN, DBL_MIN / 2, DBL_MAX, -DBL_MAX,
    INFINITY, -INFINITY, 1e-310, 0.1,
};

#define NFLOATS (int)(sizeof floats / sizeof floats[0])

/* Subnormal, extreme and infinite doubles keep every bit through a row
 * and are found by eq and ordered by lt. */
START_TEST(test_float_extremes)
{
    double v = floats[_i];
    rt_pair p = {.a = 1, .b = "f", .score = v, .kind = RT_LEVEL_BEGINNER};
    rt_pair zero = {.a = 2, .b = "zero", .score = 0,
                    .kind = RT_LEVEL_BEGINNER};
    rt_pair got;
    rt_pair_query *q;

    if (isinf(v) && !sc__dialect_of(testdb_dialect())->float_infinity) {
        /* MariaDB: refused, naming table and column, nothing written */
        ck_assert_int_eq(rt_pair_insert(db, &p), SC_RANGE);
        ck_assert_str_eq(sc_errtable(db), "pair");
        ck_assert_str_eq(sc_errcolumn(db), "score");
        ck_assert_int_eq(rt_pair_get(db, arena, 1, "f", &got), SC_NOTFOUND);
        return;
    }
    ck_assert_msg(rt_pair_insert(db, &p) == SC_OK, "%g: %s", v,
                  sc_errmsg(db));
    ck_assert_int_eq(rt_pair_insert(db, &zero), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "f", &got), SC_OK);
    ck_assert_msg(memcmp(&got.score, &v, sizeof v) == 0, "%a read as %a", v,
                  got.score);
    q = rt_pair_select(db);
    rt_pair_where(q, SCORE, EQ, v);
    ck_assert_int_eq(count_pairs(q), 1);
    q = rt_pair_select(db);
    rt_pair_where(q, SCORE, LT, 0);
    ck_assert_int_eq(count_pairs(q), v < 0 ? 1 : 0);
}
END_TEST

/* float32: the smallest subnormal and the largest finite value. */
START_TEST(test_float32_extremes)
{
    rt_all_type row = RT_ALL_TYPE_INIT, got;

    row.f32 = FLT_TRUE_MIN;
    row.has_nf32 = true;
    row.nf32 = -FLT_MAX;
    row.txt = "";
    row.by = (sc_bytes){(const uint8_t *)"", 0};
    row.dec = "0";
    row.js = "{}";
    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert(got.f32 == FLT_TRUE_MIN);
    ck_assert(got.has_nf32 && got.nf32 == -FLT_MAX);
}
END_TEST

/* The int64 limits through a row, and as the bounds of filters. */
START_TEST(test_int64_limits)
{
    rt_pair lo = {.a = 1, .b = "lo", .has_val = true, .val = INT64_MIN,
                  .kind = RT_LEVEL_BEGINNER};
    rt_pair hi = {.a = 1, .b = "hi", .has_val = true, .val = INT64_MAX,
                  .kind = RT_LEVEL_BEGINNER};
    int64_t both[] = {INT64_MIN, INT64_MAX};
    rt_pair got;
    rt_pair_query *q;

    ck_assert_int_eq(rt_pair_insert(db, &lo), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &hi), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "lo", &got), SC_OK);
    ck_assert(got.has_val && got.val == INT64_MIN);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "hi", &got), SC_OK);
    ck_assert(got.has_val && got.val == INT64_MAX);
    q = rt_pair_select(db);
    rt_pair_where(q, VAL, GT, INT64_MIN);
    ck_assert_int_eq(count_pairs(q), 1);
    q = rt_pair_select(db);
    rt_pair_where(q, VAL, LT, INT64_MAX);
    ck_assert_int_eq(count_pairs(q), 1);
    q = rt_pair_select(db);
    rt_pair_where_in(q, VAL, both, 2);
    ck_assert_int_eq(count_pairs(q), 2);
    q = rt_pair_select(db);
    rt_pair_where(q, VAL, EQ, INT64_MIN);
    ck_assert_int_eq(count_pairs(q), 1);
}
END_TEST

/* JSON: what both databases accept reads back as the same value; what
 * either would refuse is refused on both. */
static const struct {
    const char *json;
    int rc;
} jsons[] = {
    {"\"\\u00e9\\ud83d\\ude00 \\\" \\\\ \\/ \\b\\f\\n\\r\\t\"", SC_OK},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
     "1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", SC_OK},
    {"-1.5e-300", SC_OK},
    {"{\"\":\"\",\"a\":{}}", SC_OK},
    {"", SC_CONSTRAINT},
    {"{", SC_CONSTRAINT},
    {"[1,]", SC_CONSTRAINT},
    {"'single'", SC_CONSTRAINT},
};

#define NJSONS (int)(sizeof jsons / sizeof jsons[0])

/* What jsons[i] gives on the database under test: a check failure where
 * it nests deeper than the dialect's json_max_depth. */
static int json_rc(int i)
{
    unsigned max = sc__dialect_of(testdb_dialect())->json_max_depth;
    size_t depth = strspn(jsons[i].json, "[{");

    return max != 0 && depth > max ? SC_CONSTRAINT : jsons[i].rc;
}

START_TEST(test_json_edges)
{
    rt_all_type row = RT_ALL_TYPE_INIT, got;
    int rc;

    row.txt = "";
    row.by = (sc_bytes){(const uint8_t *)"", 0};
    row.dec = "0";
    row.js = jsons[_i].json;
    rc = rt_all_types_insert(db, &row);
    ck_assert_msg(rc == json_rc(_i), "%s: %d: %s", jsons[_i].json, rc,
                  sc_errmsg(db));
    if (rc != SC_OK) {
        ck_assert_str_eq(sc_errtable(db), "all_types");
        ck_assert_str_eq(sc_errcolumn(db), "js");
        ck_assert_int_eq(row.id, 0);
        return;
    }
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert_ptr_nonnull(got.js);
    if (on_sqlite())
        ck_assert_str_eq(got.js, row.js);
}
END_TEST

/* ---------------------------------------------------------------------
 * URLs.
 * ------------------------------------------------------------------- */

static const struct {
    const char *url;
    int rc;
    const char *contains;
} odd_urls[] = {
    {"SQLITE::memory:", SC_MISUSE, "unknown database URL scheme"},
    {"http://user:s3cret@example.org/", SC_MISUSE, "\"http\""},
    {"file:///tmp/x.db", SC_MISUSE, "\"file\""},
    {"", SC_MISUSE, "sqlite:PATH"},
    {" sqlite::memory:", SC_MISUSE, "sqlite:PATH"},
    {"sqlite:/nonexistent-sc-dir/%20/a b/'q'/\xED\x95\x9C.db", SC_CANTOPEN,
     "/nonexistent-sc-dir/%20/a b/'q'/\xED\x95\x9C.db"},
    {"sqlite:/nonexistent-sc-dir/x.db?mode=ro#frag", SC_CANTOPEN,
     "x.db?mode=ro#frag"},
    {"postgresql://app:s3cret@127.0.0.1:99999/app", SC_CANTOPEN, ""},
    {"postgresql://app:s3cret@127.0.0.1:port/app", SC_CANTOPEN, ""},
    {"postgresql://app:s3cret@127.0.0.1:-1/app", SC_CANTOPEN, ""},
    {"postgresql://app:s3cret@[::1/app", SC_MISUSE, "[::1/app"},
    {"postgresql://app:s3cret@/app?hostaddr=999.1.1.1", SC_CANTOPEN, ""},
    {"postgresql://app:s3%zzcret@127.0.0.1:1/app", SC_MISUSE, "percent"},
    {"postgresql://app:s3cret@127.0.0.1:1/app?nosuchoption=1", SC_MISUSE,
     "nosuchoption"},
    {"postgresql://app:s3cret@127.0.0.1:1/\xff\xfe", SC_CANTOPEN, ""},
    {"postgresql://", SC_CANTOPEN, ""},
};

#define NODD_URLS (int)(sizeof odd_urls / sizeof odd_urls[0])

static void assert_open_fails(const char *url, int want, const char *part)
{
    sc_db *bad = NULL;
    int rc = sc_open(url, &bad);

    ck_assert_msg(rc == want, "%.80s: %d, %s", url, rc, sc_errmsg(bad));
    ck_assert_ptr_nonnull(bad);
    ck_assert_int_eq(sc_errcode(bad), want);
    ck_assert_msg(*sc_errmsg(bad) != '\0' &&
                      strcmp(sc_errmsg(bad), "not an error") != 0,
                  "%.80s: no message", url);
    ck_assert_msg(strstr(sc_errmsg(bad), part) != NULL, "%.80s: %s", url,
                  sc_errmsg(bad));
    ck_assert_msg(strstr(sc_errmsg(bad), "s3cret") == NULL &&
                      strstr(sc_errmsg(bad), "s3%zzcret") == NULL,
                  "the password is in: %s", sc_errmsg(bad));
    ck_assert_int_eq(sc_exec(bad, "SELECT 1"), SC_MISUSE);
    sc_close(bad);
}

START_TEST(test_odd_urls)
{
    assert_open_fails(odd_urls[_i].url, odd_urls[_i].rc,
                      odd_urls[_i].contains);
}
END_TEST

/* URLs of 100 000 bytes: a path too long to open, a host name too long
 * to exist. */
START_TEST(test_long_urls)
{
    size_t n = 100000;
    char *url = malloc(n + 64);

    ck_assert_ptr_nonnull(url);
    strcpy(url, "sqlite:/");
    memset(url + 8, 'a', n);
    url[8 + n] = '\0';
    assert_open_fails(url, SC_CANTOPEN, "cannot open database");
    strcpy(url, "postgresql://app:s3cret@");
    memset(url + 24, 'h', n);
    strcpy(url + 24 + n, ":1/app?connect_timeout=2");
    assert_open_fails(url, SC_CANTOPEN, "");
    free(url);
}
END_TEST

/* A path with spaces, quotes, '%', '?', '#' and Hangul is a file name
 * like any other: the database is made there and found again. */
START_TEST(test_odd_path_opens)
{
    char dir[] = "/tmp/sc-hostile-XXXXXX", path[160], url[200];
    sc_db *a;
    rt_speaker s = {0, "x", "y"}, got;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a b 'q' %%20 ?x=1 #f \xED\x95\x9C.db",
             dir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    ck_assert_msg(sc_open(url, &a) == SC_OK, "%s", sc_errmsg(a));
    ck_assert_int_eq(rt_create_all(a), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(a, &s), SC_OK);
    sc_close(a);
    ck_assert_int_eq(access(path, F_OK), 0);
    ck_assert_int_eq(sc_open(url, &a), SC_OK);
    ck_assert_int_eq(rt_speaker_get(a, arena, s.speaker_id, &got), SC_OK);
    sc_close(a);
    unlink(path);
    strcat(path, "-wal");
    unlink(path);
    path[strlen(path) - 4] = '\0';
    strcat(path, "-shm");
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---------------------------------------------------------------------
 * Database files.
 * ------------------------------------------------------------------- */

static char tmpdir[64];
static char dbpath[128];
static char dburl[160];

static void file_setup(void)
{
    arena = sc_arena_new();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sc-hostile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/app.db", tmpdir);
    snprintf(dburl, sizeof dburl, "sqlite:%s", dbpath);
}

static void file_teardown(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[160];
    size_t i;

    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", dbpath, suffixes[i]);
        unlink(path);
    }
    chmod(tmpdir, 0700);
    rmdir(tmpdir);
    sc_arena_free(arena);
    arena = NULL;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* A database with one speaker, closed. */
static void make_database(void)
{
    sc_db *a;
    rt_speaker s = {0, "kept", "kept@x"};

    ck_assert_int_eq(sc_open(dburl, &a), SC_OK);
    ck_assert_int_eq(rt_create_all(a), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(a, &s), SC_OK);
    sc_close(a);
}

/*
 * Opens dburl and, when that works, runs the first statements: the
 * error must come from one of them, name the file and say `why`.
 */
static void assert_bad_file(const char *why)
{
    sc_db *a = NULL;
    rt_speaker s = {0, "new", "new@x"};
    int rc = sc_open(dburl, &a);

    if (rc == SC_OK)
        rc = rt_create_all(a);
    if (rc == SC_OK)
        rc = rt_speaker_insert(a, &s);
    ck_assert_msg(rc == SC_CANTOPEN || rc == SC_ERROR, "rc %d: %s", rc,
                  sc_errmsg(a));
    ck_assert_msg(strstr(sc_errmsg(a), dbpath) != NULL &&
                      strstr(sc_errmsg(a), why) != NULL,
                  "message lacks the file or \"%s\": %s", why,
                  sc_errmsg(a));
    sc_close(a);
}

START_TEST(test_random_bytes)
{
    unsigned char junk[8192];
    size_t i;
    unsigned x = 12345;

    for (i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    write_file(dbpath, junk, sizeof junk);
    assert_bad_file("not a database");
}
END_TEST

/* A database cut to its first page and a half: its header promises pages
 * that are not there. */
START_TEST(test_truncated)
{
    char *data;
    size_t n;
    FILE *f;

    make_database();
    f = fopen(dbpath, "rb");
    ck_assert_ptr_nonnull(f);
    data = malloc(1 << 20);
    n = fread(data, 1, 1 << 20, f);
    fclose(f);
    ck_assert_uint_gt(n, 4096);
    write_file(dbpath, data, 4096 + 2048);
    free(data);
    assert_bad_file("malformed");
}
END_TEST

/* An empty file is a new database, as SQLite has it: it opens and takes
 * the schema. */
START_TEST(test_empty_file)
{
    sc_db *a;
    rt_speaker s = {0, "first", "first@x"}, got;

    write_file(dbpath, "", 0);
    ck_assert_int_eq(sc_open(dburl, &a), SC_OK);
    ck_assert_int_eq(rt_create_all(a), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(a, &s), SC_OK);
    ck_assert_int_eq(rt_speaker_get(a, arena, s.speaker_id, &got), SC_OK);
    sc_close(a);
}
END_TEST

/* A directory where the file should be. */
START_TEST(test_directory)
{
    ck_assert_int_eq(mkdir(dbpath, 0700), 0);
    assert_bad_file("cannot open database");
    ck_assert_int_eq(rmdir(dbpath), 0);
}
END_TEST

/*
 * A read-only database: SQLite's URI form opens it read-only
 * (sqlite:file:PATH?mode=ro), which holds even for root, who may write
 * any file.  Reads work; the first write fails with a message naming the
 * file, and the row is not written.
 */
START_TEST(test_read_only)
{
    sc_db *ro;
    rt_speaker s = {0, "new", "new@x"}, got;
    char url[200];
    int64_t n = -1;
    rt_speaker_query *q;

    make_database();
    snprintf(url, sizeof url, "sqlite:file:%s?mode=ro", dbpath);
    ck_assert_msg(sc_open(url, &ro) == SC_OK, "%s", sc_errmsg(ro));
    ck_assert_int_eq(rt_speaker_get(ro, arena, 1, &got), SC_OK);
    ck_assert_str_eq(got.name, "kept");
    ck_assert_int_eq(rt_speaker_insert(ro, &s), SC_ERROR);
    ck_assert_msg(strstr(sc_errmsg(ro), "read-only") != NULL ||
                      strstr(sc_errmsg(ro), "readonly") != NULL,
                  "%s", sc_errmsg(ro));
    ck_assert_msg(strstr(sc_errmsg(ro), dbpath) != NULL, "%s",
                  sc_errmsg(ro));
    ck_assert_int_eq(s.speaker_id, 0);
    q = rt_speaker_select(ro);
    ck_assert_int_eq(rt_speaker_count(q, &n), SC_OK);
    ck_assert_int_eq(n, 1);
    rt_speaker_query_free(q);
    sc_close(ro);
}
END_TEST

/* A file in a URI that does not exist is not made under mode=ro. */
START_TEST(test_read_only_missing)
{
    char url[200];

    snprintf(url, sizeof url, "sqlite:file:%s?mode=ro", dbpath);
    strcpy(dburl, url);
    assert_bad_file("cannot open database");
    ck_assert_int_eq(access(dbpath, F_OK), -1);
}
END_TEST

/*
 * Another process holds an exclusive transaction on the file: the first
 * write gets SC_BUSY after the busy timeout (5 s), with a message naming
 * the file, and nothing of it is written; once the holder is gone the
 * write succeeds.
 */
START_TEST(test_locked_by_another_process)
{
    int ready[2], done[2];
    char c;
    pid_t child;
    sc_db *a;
    rt_speaker s = {0, "late", "late@x"}, got;
    int status;
    int64_t t0, waited;

    make_database();
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(done), 0);
    child = fork();
    ck_assert_int_ne(child, -1);
    if (child == 0) {
        sqlite3 *raw;

        close(ready[0]);
        close(done[1]);
        if (sqlite3_open(dbpath, &raw) != SQLITE_OK ||
            sqlite3_exec(raw, "BEGIN EXCLUSIVE; INSERT INTO speaker "
                              "(name, email) VALUES ('held', 'held@x')",
                         NULL, NULL, NULL) != SQLITE_OK)
            _exit(2);
        if (write(ready[1], "r", 1) != 1)
            _exit(3);
        (void)!read(done[0], &c, 1); /* until the parent is done */
        sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(raw);
        _exit(0);
    }
    close(ready[1]);
    close(done[0]);
    ck_assert_int_eq(read(ready[0], &c, 1), 1);

    ck_assert_msg(sc_open(dburl, &a) == SC_OK, "%s", sc_errmsg(a));
    t0 = sc_now_us();
    ck_assert_int_eq(rt_speaker_insert(a, &s), SC_BUSY);
    waited = sc_now_us() - t0;
    ck_assert_int_eq(sc_errcode(a), SC_BUSY);
    ck_assert_msg(waited >= 4000000 && waited < 30000000,
                  "waited %lld us", (long long)waited);
    ck_assert_msg(strstr(sc_errmsg(a), "locked") != NULL &&
                      strstr(sc_errmsg(a), dbpath) != NULL,
                  "%s", sc_errmsg(a));
    ck_assert_int_eq(s.speaker_id, 0);

    ck_assert_int_eq(write(done[1], "d", 1), 1);
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_msg(rt_speaker_insert(a, &s) == SC_OK, "%s", sc_errmsg(a));
    ck_assert_int_eq(rt_speaker_get(a, arena, 1, &got), SC_OK);
    ck_assert_str_eq(got.name, "kept");
    sc_close(a);
    close(ready[0]);
    close(done[1]);
}
END_TEST

/* ---------------------------------------------------------------------
 * The suite.
 * ------------------------------------------------------------------- */

Suite *make_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("values");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_string_round_trip, 0, NSTRINGS);
    tcase_add_loop_test(tc, test_not_utf8, 0, NNOT_UTF8);
    tcase_add_test(tc, test_all_bytes);
    tcase_add_loop_test(tc, test_float_extremes, 0, NFLOATS);
    tcase_add_test(tc, test_float32_extremes);
    tcase_add_test(tc, test_int64_limits);
    tcase_add_loop_test(tc, test_json_edges, 0, NJSONS);
    suite_add_tcase(s, tc);

    tc = tcase_create("urls");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_odd_urls, 0, NODD_URLS);
    tcase_add_test(tc, test_long_urls);
    tcase_add_test(tc, test_odd_path_opens);
    suite_add_tcase(s, tc);

    /* The files are SQLite's; the suite runs them once, on SQLite. */
    if (testdb_dialect() == SC_DIALECT_SQLITE) {
        tc = tcase_create("files");
        tcase_add_checked_fixture(tc, file_setup, file_teardown);
        tcase_set_timeout(tc, 60); /* the lock test waits on purpose */
        tcase_add_test(tc, test_random_bytes);
        tcase_add_test(tc, test_truncated);
        tcase_add_test(tc, test_empty_file);
        tcase_add_test(tc, test_directory);
        tcase_add_test(tc, test_read_only);
        tcase_add_test(tc, test_read_only_missing);
        tcase_add_test(tc, test_locked_by_another_process);
        suite_add_tcase(s, tc);
    }
    return s;
}
