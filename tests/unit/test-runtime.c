/*
 * test-runtime.c - libschemac's row operations, transactions, errors,
 * statement cache, trace hook and helpers, through the code schemac
 * generates from tests/data/runtime.schema: a table with a column of
 * every type, users with defaults of every kind, orders that cascade and
 * tickets that restrict, a two-column key, and the trace example's
 * speakers.
 *
 * The same sources run on SQLite and on PostgreSQL: the database is
 * SCHEMAC_TEST_URL (SQLite in memory by default; see testdb.h), and every
 * test starts on an empty one.  Where the two databases differ by design
 * (SQL text, server messages, the ranges of dates, -0.0 and NaN) the
 * expectation is chosen by dialect; tests about SQLite itself (files, WAL,
 * PRAGMA, raw SQL in its syntax) run on SQLite only, and the lock and
 * close tests use two connections to the same server on PostgreSQL.
 *
 * Covered: round trips of every column type at its edges and as NULL,
 * defaults and autoincrement keys written back, the NOTFOUND cases,
 * constraint violations told apart and worded with table and column,
 * transactions and savepoints, insert_many, update_many and delete_many
 * all or nothing, the statement cache, the trace hook, arenas, date
 * helpers, sc_open() failures, WAL on a file database, and create_all;
 * decimals read back in one spelling and text that is not UTF-8 refused,
 * alike on both databases.
 */
#include <check.h>
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dialect.h"
#include "rt_db.h"
#include "schemac.h"
#include "testdb.h"

_Static_assert(sizeof(rt_level) == sizeof(int), "enums are read as int");

/* ---------------------------------------------------------------------
 * Fixture: an empty database of the dialect under test with the schema,
 * and an arena.
 * ------------------------------------------------------------------- */

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

/* The dialect table's entry of the database under test: what its
 * columns hold. */
static const sc__dialect *facts(void)
{
    return sc__dialect_of(testdb_dialect());
}

/* Asserts the last error on db: codes, table, column and a piece of the
 * message (NULL table or column: none named). */
static void assert_error(int rc, int want_rc, int want_ext,
                         const char *table, const char *column,
                         const char *msg_part)
{
    ck_assert_int_eq(rc, want_rc);
    ck_assert_int_eq(sc_errcode(db), want_rc);
    ck_assert_int_eq(sc_extended_errcode(db), want_ext);
    if (table != NULL)
        ck_assert_str_eq(sc_errtable(db), table);
    else
        ck_assert_ptr_null(sc_errtable(db));
    if (column != NULL)
        ck_assert_str_eq(sc_errcolumn(db), column);
    else
        ck_assert_ptr_null(sc_errcolumn(db));
    ck_assert_msg(strstr(sc_errmsg(db), msg_part) != NULL,
                  "message \"%s\" lacks \"%s\"", sc_errmsg(db), msg_part);
}

/* A user as application code starts one: RT_USER_INIT holds the
 * defaults the struct can carry (level, nick). */
static rt_user make_user(const char *name, const char *email)
{
    rt_user u = RT_USER_INIT;

    u.user_name = name;
    u.user_email = email;
    return u;
}

static int64_t add_user(const char *name, const char *email)
{
    rt_user u = make_user(name, email);

    ck_assert_msg(rt_user_insert(db, &u) == SC_OK, "%s", sc_errmsg(db));
    return u.user_id;
}

/* ---------------------------------------------------------------------
 * Round trips of every type.
 * ------------------------------------------------------------------- */

#define UUID_FF                                                             \
    {                                                                       \
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  \
         0xff, 0xff, 0xff, 0xff, 0xff}                                      \
    }
#define UUID_SOME                                                           \
    {                                                                       \
        {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42,  \
         0x66, 0x14, 0x17, 0x40, 0x00}                                      \
    }
#define BYTES(s) {(const uint8_t *)(s), sizeof(s) - 1}

static const struct {
    const char *name;
    rt_all_type row;
} round_trips[] = {
    {"largest values, every nullable set",
     {.b = true, .has_nb = true, .nb = false,
      .i16 = INT16_MAX, .has_ni16 = true, .ni16 = INT16_MIN,
      .i32 = INT32_MAX, .has_ni32 = true, .ni32 = INT32_MIN,
      .i64 = INT64_MAX, .has_ni64 = true, .ni64 = INT64_MIN,
      .f32 = FLT_MAX, .has_nf32 = true, .nf32 = FLT_MIN,
      .f64 = DBL_MAX, .has_nf64 = true, .nf64 = DBL_TRUE_MIN,
      .num = 9999999999, .has_nnum = true, .nnum = -9999999999,
      .dec = "12345678901234567890.1234567890",
      .ndec = "-0.0000000001",
      .txt = "abcdefghijklmnopqrstuvwxyz012345",
      .ntxt = "\xF0\x9F\x98\x80\xF0\x9D\x84\x9E",
      .by = BYTES("\0\1\2\0"), .nby = BYTES(""),
      .d = INT32_MAX, .has_nd = true, .nd = INT32_MIN,
      .ts = INT64_MAX, .has_nts = true, .nts = INT64_MIN,
      .u = UUID_FF, .has_nu = true, .nu = {{0}},
      .js = "{\"a\":[1,2,3],\"k\":\"\xEA\xB0\x92\"}", .njs = "null",
      .lv = RT_LEVEL_ADVANCED, .has_nlv = true, .nlv = RT_LEVEL_BEGINNER}},
    {"smallest values, every nullable NULL",
     {.b = false,
      .i16 = INT16_MIN, .i32 = INT32_MIN, .i64 = INT64_MIN,
      .f32 = -FLT_MAX, .f64 = -DBL_MAX,
      .num = -9999999999, .dec = "0.0000000000", .txt = "",
      .by = BYTES(""),
      .d = -25567, /* 1900-01-01 */
      .ts = -1,    /* 1969-12-31 23:59:59.999999 */
      .u = {{0}}, .js = "[]", .lv = RT_LEVEL_BEGINNER}},
    {"float specials, bytes with NUL, dates of year 1",
     {.b = true,
      .f32 = INFINITY, .has_nf32 = true, .nf32 = -INFINITY,
      .f64 = -INFINITY, .has_nf64 = true, .nf64 = -0.0,
      .num = -1, .has_nnum = true, .nnum = 0,
      .dec = "-98765432109876543210.0000000001", .ndec = "0.5000000000",
      .txt = "\xF0\x9F\x98\x80 it's \"q\" \\ \xC3\xA9",
      .ntxt = "",
      .by = BYTES("\0"),
      .d = -719162, .has_nd = true, .nd = 0, /* 0001-01-01, 1970-01-01 */
      .ts = INT64_C(-62135596800000000), .has_nts = true, .nts = 0,
      .u = UUID_SOME, .has_nu = true, .nu = UUID_FF,
      .js = "\"\"", .njs = "{\"nested\":{\"x\":null}}",
      .lv = RT_LEVEL_INTERMEDIATE, .has_nlv = true,
      .nlv = RT_LEVEL_ADVANCED}},
    {"ordinary values",
     {.b = true, .has_nb = true, .nb = true,
      .i16 = -2, .has_ni16 = true, .ni16 = 0,
      .i32 = 123456, .has_ni32 = true, .ni32 = -1,
      .i64 = 1700000000000, .has_ni64 = true, .ni64 = 0,
      .f32 = 1.5f, .has_nf32 = true, .nf32 = -0.25f,
      .f64 = 0.1, .has_nf64 = true, .nf64 = 1e-300,
      .num = 1250, .has_nnum = true, .nnum = -1,
      .dec = "1.0000000000", .txt = "\xEC\xB5\x9C\xEC\x98\x81\xEC\x84\xA0",
      .by = BYTES("\xff\xfe"), .nby = BYTES("x\0y"),
      .d = 19783, .ts = 1700000000123456,
      .u = UUID_SOME, .js = "1", .njs = "[true,false]",
      .lv = RT_LEVEL_INTERMEDIATE, .has_nlv = true,
      .nlv = RT_LEVEL_INTERMEDIATE}},
};

#define NROUND_TRIPS (int)(sizeof round_trips / sizeof round_trips[0])

static void assert_str_or_null(const char *got, const char *want)
{
    if (want == NULL) {
        ck_assert_ptr_null(got);
        return;
    }
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
}

static void assert_bytes(sc_bytes got, sc_bytes want)
{
    if (want.data == NULL) {
        ck_assert_ptr_null(got.data);
        ck_assert_uint_eq(got.len, 0);
        return;
    }
    ck_assert_ptr_nonnull(got.data);
    ck_assert_uint_eq(got.len, want.len);
    ck_assert(memcmp(got.data, want.data, want.len) == 0);
}

/* The first and last day and microsecond PostgreSQL stores: 4714-11-24 BC
 * (year -4713) to 5874897-12-31, and 294276 AD, past INT64_MAX from 1970.
 * SQLite stores every int32_t and int64_t. */
#define PG_TS_MIN INT64_C(-210866803200000000)

static int32_t pg_date_min(void)
{
    return sc_date_from_ymd(-4713, 11, 24);
}

static int32_t pg_date_max(void)
{
    return sc_date_from_ymd(5874897, 12, 31);
}

/* The first and last day the database under test stores. */
static int32_t date_min(void)
{
    return facts()->max_year ? sc_date_from_ymd(facts()->min_year, 1, 1)
                             : pg_date_min();
}

static int32_t date_max(void)
{
    return facts()->max_year ? sc_date_from_ymd(facts()->max_year, 12, 31)
                             : pg_date_max();
}

/* The first and last microsecond it stores. */
static int64_t ts_min(void)
{
    return facts()->max_year ? (int64_t)date_min() * 86400 * 1000000
                             : PG_TS_MIN;
}

static int64_t ts_max(void)
{
    return facts()->max_year
               ? ((int64_t)date_max() + 1) * 86400 * 1000000 - 1
               : INT64_MAX;
}

static int32_t clamp_date(int32_t d)
{
    return d < date_min() ? date_min() : d > date_max() ? date_max() : d;
}

static int64_t clamp_ts(int64_t t)
{
    return t < ts_min() ? ts_min() : t > ts_max() ? ts_max() : t;
}

/* An infinity as the largest finite value where the dialect stores no
 * infinity (test_nonfinite_refused covers those). */
static double finite_f64(double f)
{
    if (!isinf(f) || facts()->float_infinity)
        return f;
    return f > 0 ? DBL_MAX : -DBL_MAX;
}

static float finite_f32(float f)
{
    if (!isinf(f) || facts()->float_infinity)
        return f;
    return f > 0 ? FLT_MAX : -FLT_MAX;
}

/* A round-trip row as the database under test can hold it: on
 * PostgreSQL and MariaDB, dates and timestamps beyond its range move to
 * its limits, and where the dialect stores no infinity (MariaDB), an
 * infinity becomes the largest finite float (test_date_out_of_range and
 * test_nonfinite_refused cover the values beyond). */
static rt_all_type round_trip_row(int i)
{
    rt_all_type row = round_trips[i].row;

    if (on_sqlite())
        return row;
    row.d = clamp_date(row.d);
    row.nd = clamp_date(row.nd);
    row.ts = clamp_ts(row.ts);
    row.nts = clamp_ts(row.nts);
    row.f32 = finite_f32(row.f32);
    row.nf32 = finite_f32(row.nf32);
    row.f64 = finite_f64(row.f64);
    row.nf64 = finite_f64(row.nf64);
    return row;
}

/* JSON text without the blanks outside strings: PostgreSQL's jsonb prints
 * {"a": [1, 2]} for {"a":[1,2]}. */
static const char *json_norm(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    bool in_string = false;

    for (; *s != '\0' && n + 1 < size; s++) {
        if (in_string && *s == '\\' && s[1] != '\0') {
            buf[n++] = *s++;
        } else if (*s == '"') {
            in_string = !in_string;
        } else if (!in_string && isspace((unsigned char)*s)) {
            continue;
        }
        buf[n++] = *s;
    }
    buf[n] = '\0';
    return buf;
}

/* SQLite keeps JSON text byte for byte; PostgreSQL keeps the value, in
 * its own spelling (schemac.h: json compares as values, not as text). */
static void assert_text_value(const char *got, const char *want,
                              const char *(*norm)(const char *, char *,
                                                  size_t))
{
    char g[256], w[256];

    if (want == NULL || on_sqlite()) {
        assert_str_or_null(got, want);
        return;
    }
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(norm(got, g, sizeof g), norm(want, w, sizeof w));
}

/* has_ flag and value of a nullable scalar: the value must be 0 when the
 * flag is false. */
#define ASSERT_NULLABLE(g, w, f)                                            \
    do {                                                                    \
        ck_assert_int_eq((g)->has_##f, (w)->has_##f);                       \
        if ((w)->has_##f)                                                   \
            ck_assert((g)->f == (w)->f);                                    \
        else                                                                \
            ck_assert((g)->f == 0);                                         \
    } while (0)

static void assert_same_scalars(const rt_all_type *g, const rt_all_type *w)
{
    ck_assert_int_eq(g->id, w->id);
    ck_assert_int_eq(g->b, w->b);
    ASSERT_NULLABLE(g, w, nb);
    ck_assert_int_eq(g->i16, w->i16);
    ASSERT_NULLABLE(g, w, ni16);
    ck_assert_int_eq(g->i32, w->i32);
    ASSERT_NULLABLE(g, w, ni32);
    ck_assert(g->i64 == w->i64);
    ASSERT_NULLABLE(g, w, ni64);
    ck_assert(g->f32 == w->f32);
    ASSERT_NULLABLE(g, w, nf32);
    ck_assert(g->f64 == w->f64);
    ASSERT_NULLABLE(g, w, nf64);
    ck_assert(g->num == w->num);
    ASSERT_NULLABLE(g, w, nnum);
    ck_assert_int_eq(g->d, w->d);
    ASSERT_NULLABLE(g, w, nd);
    ck_assert(g->ts == w->ts);
    ASSERT_NULLABLE(g, w, nts);
    ck_assert_int_eq(g->lv, w->lv);
    ASSERT_NULLABLE(g, w, nlv);
}

static void assert_same_row(const rt_all_type *g, const rt_all_type *w)
{
    assert_same_scalars(g, w);
    assert_str_or_null(g->dec, w->dec);
    assert_str_or_null(g->ndec, w->ndec);
    assert_str_or_null(g->txt, w->txt);
    assert_str_or_null(g->ntxt, w->ntxt);
    assert_bytes(g->by, w->by);
    assert_bytes(g->nby, w->nby);
    ck_assert(memcmp(&g->u, &w->u, sizeof g->u) == 0);
    ck_assert_int_eq(g->has_nu, w->has_nu);
    if (w->has_nu)
        ck_assert(memcmp(&g->nu, &w->nu, sizeof g->nu) == 0);
    assert_text_value(g->js, w->js, json_norm);
    assert_text_value(g->njs, w->njs, json_norm);
}

/* The groups a stream of orders saw, in key order. */
struct groups_seen {
    int n;
    bool null[4];
    char text[4][8];
};

static int see_group(void *ctx, const rt_order *o)
{
    struct groups_seen *g = ctx;

    if (g->n < 4) {
        g->null[g->n] = o->group == NULL;
        if (o->group != NULL)
            snprintf(g->text[g->n], sizeof g->text[0], "%s", o->group);
        g->n++;
    }
    return 0;
}

/* A NULL after a value: orders' columns are all read through the read
 * plan (no careful column), which writes every field of the row rather
 * than having it zeroed first, so a NULL must overwrite the value the
 * row before left, in a stream and in a get into a used row. */
START_TEST(test_null_after_value)
{
    int64_t uid = add_user("nulls", "nulls@example.com");
    const char *groups[4] = {"a", NULL, "b", NULL};
    struct groups_seen seen = {0};
    rt_order o = RT_ORDER_INIT;
    rt_order_query *q;
    int64_t ids[4];
    int i;

    for (i = 0; i < 4; i++) {
        o.order_id = 0;
        o.user_id = uid;
        o.group = groups[i];
        ck_assert_msg(rt_order_insert(db, &o) == SC_OK, "%s",
                      sc_errmsg(db));
        ids[i] = o.order_id;
    }
    q = rt_order_select(db);
    ck_assert_ptr_nonnull(q);
    rt_order_order_by(q, ORDER_ID, SC_ASC);
    ck_assert_msg(rt_order_each(q, see_group, &seen) == SC_OK, "%s",
                  sc_errmsg(db));
    rt_order_query_free(q);
    ck_assert_int_eq(seen.n, 4);
    for (i = 0; i < 4; i++) {
        ck_assert_msg(seen.null[i] == (groups[i] == NULL),
                      "row %d: null %d", i, seen.null[i]);
        if (groups[i] != NULL)
            ck_assert_str_eq(seen.text[i], groups[i]);
    }
    /* a get into the row the one before filled */
    ck_assert_int_eq(rt_order_get(db, arena, ids[0], &o), SC_OK);
    ck_assert_str_eq(o.group, "a");
    ck_assert_int_eq(rt_order_get(db, arena, ids[1], &o), SC_OK);
    ck_assert_ptr_null(o.group);
    ck_assert(o.user_id == uid);
}
END_TEST

START_TEST(test_round_trip)
{
    rt_all_type row = round_trip_row(_i), got;

    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s: %s",
                  round_trips[_i].name, sc_errmsg(db));
    ck_assert_int_eq(row.id, 1);
    memset(&got, 0x5a, sizeof got); /* get must clear what it does not set */
    ck_assert_msg(rt_all_types_get(db, arena, row.id, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    assert_same_row(&got, &row);
    ck_assert_str_eq(sc_errmsg(db), "not an error");

    /* the same values written by update read back the same */
    got.id = row.id;
    ck_assert_msg(rt_all_types_update(db, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    memset(&got, 0, sizeof got);
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    assert_same_row(&got, &row);
}
END_TEST

/* -0.0 is stored by SQLite as 0 and reads back as +0.0; PostgreSQL's
 * double precision keeps the sign. */
START_TEST(test_negative_zero)
{
    rt_all_type row = round_trip_row(2), got;

    ck_assert(signbit(row.nf64));
    ck_assert_int_eq(rt_all_types_insert(db, &row), SC_OK);
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert(got.has_nf64);
    ck_assert(got.nf64 == 0.0);
    ck_assert_int_eq(signbit(got.nf64) != 0, facts()->float_negative_zero);
}
END_TEST

/* NaN: SQLite stores NULL for it, so the runtime refuses it there
 * (SC_RANGE, in test_violation); PostgreSQL stores it and reads it back;
 * MariaDB stores none (test_nonfinite_refused). */
START_TEST(test_nan)
{
    rt_all_type row = round_trip_row(3), got;

    if (!facts()->float_nan)
        return;
    row.f64 = NAN;
    row.nf32 = NAN;
    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert(isnan(got.f64));
    ck_assert(got.has_nf32 && isnan(got.nf32));
}
END_TEST

/* Where the dialect stores no NaN or no infinity (MariaDB), each of
 * them in each float column is SC_RANGE naming the table and column,
 * and nothing is written. */
START_TEST(test_nonfinite_refused)
{
    static const char *const cols[] = {"f32", "nf32", "f64", "nf64"};
    double bad = _i / 4 == 0 ? NAN : _i / 4 == 1 ? INFINITY : -INFINITY;
    bool stored = isnan(bad) ? facts()->float_nan : facts()->float_infinity;
    rt_all_type row = round_trip_row(3), got;
    char part[64];

    if (stored)
        return;
    if (_i % 4 == 0)
        row.f32 = (float)bad;
    else if (_i % 4 == 1)
        row.nf32 = (float)bad;
    else if (_i % 4 == 2)
        row.f64 = bad;
    else
        row.nf64 = bad;
    snprintf(part, sizeof part, "all_types.%s", cols[_i % 4]);
    assert_error(rt_all_types_insert(db, &row), SC_RANGE, SC_RANGE,
                 "all_types", cols[_i % 4], part);
    ck_assert_int_eq(row.id, 0);
    ck_assert_int_eq(rt_all_types_get(db, arena, 1, &got), SC_NOTFOUND);
}
END_TEST

/* Dates and timestamps PostgreSQL or MariaDB cannot store are refused
 * with SC_RANGE before they reach it; SQLite stores them all
 * (test_round_trip). */
static const struct {
    int32_t d;
    int64_t ts;
} beyond_pg[] = {
    {INT32_MAX, 0},
    {INT32_MIN, 0},
    {0, INT64_MIN},
    {0, PG_TS_MIN - 1},
};

START_TEST(test_date_out_of_range)
{
    rt_all_type row = round_trip_row(3);

    row.d = _i < 2 ? beyond_pg[_i].d : row.d;
    row.ts = _i >= 2 ? beyond_pg[_i].ts : row.ts;
    assert_error(rt_all_types_insert(db, &row), SC_RANGE, SC_RANGE,
                 "all_types", _i < 2 ? "d" : "ts", "all_types.");
    ck_assert_int_eq(row.id, 0);
    /* both limits themselves are stored */
    row.d = _i % 2 ? date_min() : date_max();
    row.ts = _i % 2 ? ts_min() : ts_max();
    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s",
                  sc_errmsg(db));
}
END_TEST

/* A NULL and an empty value are different, and strings come from the
 * arena, NUL-terminated, even with a NUL inside bytes. */
START_TEST(test_null_versus_empty)
{
    rt_all_type row = round_trip_row(1), got;
    size_t before;

    row.ntxt = "";
    row.nby.data = (const uint8_t *)"";
    row.nby.len = 0;
    ck_assert_int_eq(rt_all_types_insert(db, &row), SC_OK);
    before = sc_arena_used(arena);
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got),
                     SC_OK);
    ck_assert_uint_gt(sc_arena_used(arena), before);
    ck_assert_ptr_nonnull(got.ntxt);
    ck_assert_str_eq(got.ntxt, "");
    ck_assert_ptr_nonnull(got.nby.data);
    ck_assert_uint_eq(got.nby.len, 0);
    ck_assert_ptr_null(got.ndec);
    ck_assert_ptr_null(got.njs);
    ck_assert(!got.has_nu && !got.has_nlv && !got.has_nb);

    row = round_trip_row(0);
    ck_assert_int_eq(rt_all_types_insert(db, &row), SC_OK);
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got),
                     SC_OK);
    ck_assert_uint_eq(got.by.len, 4);
    ck_assert_int_eq(got.by.data[3], 0);
    ck_assert_uint_eq(strlen(got.ntxt), 8); /* two 4-byte characters */
    ck_assert_int_eq(got.txt[32], '\0');
}
END_TEST

/* A large blob with NULs goes through whole. */
START_TEST(test_large_bytes)
{
    size_t n = 300000, i;
    uint8_t *big = malloc(n);
    rt_pair p = {.a = 1, .b = "big", .kind = RT_LEVEL_BEGINNER}, got;

    ck_assert_ptr_nonnull(big);
    for (i = 0; i < n; i++)
        big[i] = (uint8_t)(i * 7);
    p.data.data = big;
    p.data.len = n;
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, p.a, p.b, &got), SC_OK);
    ck_assert_uint_eq(got.data.len, n);
    ck_assert(memcmp(got.data.data, big, n) == 0);
    ck_assert_str_eq(got.b, "big");
    ck_assert(!got.has_val);
    free(big);
}
END_TEST

/* ---------------------------------------------------------------------
 * Values checked before they are sent, the same on both databases:
 * decimal text in PostgreSQL's spelling, UTF-8 in text and json.
 * ------------------------------------------------------------------- */

/* numeric(30,10): as given, and as both databases read it back. */
static const struct {
    const char *in;
    const char *out;
} decimals[] = {
    {"-0.5", "-0.5000000000"},
    {"007", "7.0000000000"},
    {"-0", "0.0000000000"},
    {"-0.000", "0.0000000000"},
    {"+12.25", "12.2500000000"},
    {"0.50000000000000", "0.5000000000"}, /* zeros past the scale */
    {"-000.0000000001", "-0.0000000001"},
    {"00000000000000000000000001.5", "1.5000000000"},
    {"99999999999999999999.9999999999",
     "99999999999999999999.9999999999"},
    {"-99999999999999999999", "-99999999999999999999.0000000000"},
};

#define NDECIMALS (int)(sizeof decimals / sizeof decimals[0])

START_TEST(test_decimal_spelling)
{
    rt_all_types_query *q;
    rt_all_type row = round_trip_row(1), got;

    row.dec = decimals[_i].in;
    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s: %s",
                  decimals[_i].in, sc_errmsg(db));
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert_str_eq(got.dec, decimals[_i].out);

    /* by update and by a bulk set too */
    row.dec = "1";
    row.ndec = decimals[_i].in;
    ck_assert_int_eq(rt_all_types_update(db, &row), SC_OK);
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert_str_eq(got.ndec, decimals[_i].out);
    q = rt_all_types_select(db);
    rt_all_types_set(q, DEC, decimals[_i].in);
    ck_assert_int_eq(rt_all_types_update_all(q, NULL), SC_OK);
    rt_all_types_query_free(q);
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert_str_eq(got.dec, decimals[_i].out);
}
END_TEST

/* Refused before anything is sent: not a number, or more digits than
 * numeric(30,10) holds, where PostgreSQL would round the fraction. */
static const struct {
    const char *in;
    int ext;
    const char *msg;
} bad_decimals[] = {
    {"", SC_RANGE, "cannot store all_types.dec: not a decimal number"},
    {"abc", SC_RANGE, "not a decimal number"},
    {"-", SC_RANGE, "not a decimal number"},
    {"1.", SC_RANGE, "not a decimal number"},
    {".5", SC_RANGE, "not a decimal number"},
    {"1.2.3", SC_RANGE, "not a decimal number"},
    {"--1", SC_RANGE, "not a decimal number"},
    {" 1", SC_RANGE, "not a decimal number"},
    {"1 ", SC_RANGE, "not a decimal number"},
    {"1e5", SC_RANGE, "not a decimal number"},
    {"0x10", SC_RANGE, "not a decimal number"},
    {"1,5", SC_RANGE, "not a decimal number"},
    {"NaN", SC_RANGE, "not a decimal number"},
    {"Infinity", SC_RANGE, "not a decimal number"},
    {"\xd9\xa1", SC_RANGE, "not a decimal number"}, /* Arabic-Indic 1 */
    {"\xc0\xb1", SC_RANGE, "not a decimal number"}, /* overlong '1' */
    {"123456789012345678901", SC_CONSTRAINT_CHECK,
     "check constraint failed on all_types.dec: at most 20 digits before "
     "the point"},
    {"-100000000000000000000.5", SC_CONSTRAINT_CHECK,
     "at most 20 digits before the point"},
    {"0.00000000001", SC_CONSTRAINT_CHECK,
     "check constraint failed on all_types.dec: at most 10 digits after "
     "the point"},
    {"1.00000000005", SC_CONSTRAINT_CHECK,
     "at most 10 digits after the point"},
};

START_TEST(test_decimal_refused)
{
    rt_all_type row = round_trip_row(1);
    sc_stats before, after;

    row.dec = bad_decimals[_i].in;
    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    assert_error(rt_all_types_insert(db, &row), bad_decimals[_i].ext & 0xff,
                 bad_decimals[_i].ext, "all_types", "dec",
                 bad_decimals[_i].msg);
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_uint_eq(after.executions, before.executions);
    ck_assert_int_eq(row.id, 0);
}
END_TEST

/* Not UTF-8: refused in text, varchar and json, before anything is sent.
 * The ASCII in front of some reaches past the eight bytes read at once. */
static const char *const bad_utf8[] = {
    "\xc0\xaf",                   /* overlong '/' in two bytes */
    "\xc1\xbf",                   /* overlong in two bytes */
    "\xe0\x80\xaf",               /* overlong '/' in three bytes */
    "\xe0\x9f\xbf",               /* overlong U+07FF */
    "\xf0\x80\x80\xaf",           /* overlong '/' in four bytes */
    "\xf0\x8f\xbf\xbf",           /* overlong U+FFFF */
    "\x80",                       /* a lone continuation byte */
    "abc\xbf",                    /* ... after ASCII */
    "0123456789abcdef\x80xyz",    /* ... past a run of ASCII */
    "\xed\xa0\x80",               /* U+D800, a surrogate */
    "\xed\xbf\xbf",               /* U+DFFF */
    "\xed\xa0\xbd\xed\xb8\x80",   /* a surrogate pair, CESU-8 */
    "\xf4\x90\x80\x80",           /* U+110000, past the last */
    "\xf5\x80\x80\x80",           /* a lead byte past F4 */
    "\xff",
    "\xfe",
    "\xc3",                       /* truncated at the end */
    "abcdefgh\xe2\x82",
    "\xf0\x9f\x98",
    "\xe2\x82x",                  /* cut short by ASCII */
    "\xf0\x9f\x98\x80\xf0\x9f\x98", /* a good one, then a cut one */
};

#define NBAD_UTF8 (int)(sizeof bad_utf8 / sizeof bad_utf8[0])

START_TEST(test_utf8_refused)
{
    rt_all_type row = round_trip_row(1);
    rt_user u = make_user(bad_utf8[_i], "x@example.org");
    sc_stats before, after;
    char json[64];

    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    assert_error(rt_user_insert(db, &u), SC_RANGE, SC_RANGE, "user",
                 "user_name", "invalid UTF-8 in user.user_name");
    row.txt = bad_utf8[_i];
    assert_error(rt_all_types_insert(db, &row), SC_RANGE, SC_RANGE,
                 "all_types", "txt", "invalid UTF-8 in all_types.txt");
    row.txt = "";
    snprintf(json, sizeof json, "\"%s\"", bad_utf8[_i]);
    row.njs = json;
    assert_error(rt_all_types_insert(db, &row), SC_RANGE, SC_RANGE,
                 "all_types", "njs", "invalid UTF-8 in all_types.njs");
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_uint_eq(after.executions, before.executions);
}
END_TEST

/* Also in an update, a bulk set and a filter. */
START_TEST(test_utf8_refused_elsewhere)
{
    rt_user u = make_user("valid", "v@example.org");
    rt_user_query *q;
    int64_t n = 0;

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    u.user_name = "\xed\xa0\x80";
    assert_error(rt_user_update(db, &u), SC_RANGE, SC_RANGE, "user",
                 "user_name", "invalid UTF-8 in user.user_name");
    q = rt_user_select(db);
    rt_user_set(q, USER_NAME, "\xf4\x90\x80\x80");
    assert_error(rt_user_update_all(q, NULL), SC_RANGE, SC_RANGE, "user",
                 "user_name", "invalid UTF-8 in user.user_name");
    rt_user_query_free(q);
    q = rt_user_select(db);
    rt_user_where(q, USER_NAME, EQ, "\xc0\xaf");
    assert_error(rt_user_count(q, &n), SC_RANGE, SC_RANGE, "user",
                 "user_name", "invalid UTF-8 in user.user_name");
    rt_user_query_free(q);
}
END_TEST

/* The edges of UTF-8 that are valid, stored and read back as given. */
static const char *const good_utf8[] = {
    "\xf0\x9f\x98\x80",                 /* U+1F600, four bytes */
    "\xf0\x90\x80\x80",                 /* U+10000, the first of four */
    "\xf4\x8f\xbf\xbf",                 /* U+10FFFF, the last */
    "\xed\x9f\xbf",                     /* U+D7FF, below the surrogates */
    "\xee\x80\x80",                     /* U+E000, above them */
    "\xef\xbf\xbf",                     /* U+FFFF */
    "\xe0\xa0\x80",                     /* U+0800, the first of three */
    "\xc2\x80",                         /* U+0080, the first of two */
    "\xdf\xbf",                         /* U+07FF, the last of two */
    "\x7f",
    "0123456789abcdef\xf0\x9f\x98\x80", /* after a run of ASCII */
    "\xf0\x9f\x98\x80ghijklmnopqrstuvw",
};

START_TEST(test_utf8_accepted)
{
    rt_all_type row = round_trip_row(1), got;
    char json[64];

    row.txt = good_utf8[_i];
    snprintf(json, sizeof json, "\"%s\"", good_utf8[_i]);
    row.njs = json;
    ck_assert_msg(rt_all_types_insert(db, &row) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(rt_all_types_get(db, arena, row.id, &got), SC_OK);
    ck_assert_str_eq(got.txt, good_utf8[_i]);
    ck_assert_str_eq(got.njs, json);
}
END_TEST


/* Text is stored as the struct holds it, whatever way it is bound (on
 * SQLite a C string goes with its length left for SQLite to find, which
 * spares the copy a varchar's length() check would make): the length in
 * characters, the bytes, and equality with the same text as a literal.
 * Lengths around the eight bytes read at once and up to varchar(32)'s
 * bound. */
static const char *const stored_texts[] = {
    "",
    "a",
    "abcdefg",
    "abcdefgh",
    "abcdefghi",
    "0123456789abcdef0",
    "0123456789abcdef0123456789abcdef",
    "gr\xc3\xbc\xc3\x9f" "e",
    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
};

/* The characters of UTF-8 text s. */
static int utf8_chars(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int first_row(void *ctx, int ncols, const char *const *texts)
{
    char *out = ctx;
    int i;

    for (i = 0; i < ncols; i++) {
        strcat(out, i ? "|" : "");
        strcat(out, texts[i] != NULL ? texts[i] : "NULL");
    }
    return 1;
}

/* Inserts text as user_name and reads back its length, bytes and
 * equality with itself as a literal, "chars|HEX|1|20". */
static void check_stored_text(const char *text, int k)
{
    char sql[512], got[512] = "", want[512], email[32], hex[200] = "";
    rt_user u;
    size_t i, n = strlen(text);

    snprintf(email, sizeof email, "as-given-%02d@example.org", k);
    u = make_user(text, email);
    ck_assert_msg(rt_user_insert(db, &u) == SC_OK, "%s", sc_errmsg(db));
    for (i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02X", (unsigned char)text[i]);
    snprintf(sql, sizeof sql,
             testdb_pick3(
                 "SELECT length(user_name), hex(user_name), "
                 "user_name = '%s', length(user_email) FROM \"user\" "
                 "WHERE user_id = %lld",
                 "SELECT length(user_name), "
                 "upper(encode(convert_to(user_name, 'UTF8'), 'hex')), "
                 "user_name = '%s', length(user_email) FROM \"user\" "
                 "WHERE user_id = %lld",
                 "SELECT CHAR_LENGTH(user_name), HEX(user_name), "
                 "user_name = '%s', CHAR_LENGTH(user_email) FROM `user` "
                 "WHERE user_id = %lld"),
             text, (long long)u.user_id);
    ck_assert_int_eq(sc_query_sql_each(db, sql, first_row, got), SC_OK);
    snprintf(want, sizeof want, "%d|%s|1|%d", utf8_chars(text), hex,
             (int)strlen(email));
    ck_assert_str_eq(got, want);
}

/* One test for all the texts: on a server each test empties the
 * database first, which would cost more than the texts. */
START_TEST(test_text_stored_as_given)
{
    size_t k;

    for (k = 0; k < sizeof stored_texts / sizeof stored_texts[0]; k++)
        check_stored_text(stored_texts[k], (int)k);
}
END_TEST

/* ---------------------------------------------------------------------
 * Defaults, keys and the NOTFOUND cases.
 * ------------------------------------------------------------------- */

/* Defaults of every kind: now for a timestamp and a date (has_ flags
 * false), an enum value from RT_USER_INIT; a nullable text whose pointer
 * is NULL is NULL, its default being in RT_USER_INIT only. */
START_TEST(test_defaults_filled)
{
    rt_user u = make_user("choe", "choe@example.org"), got;
    int64_t before = sc_now_us(), after;
    int32_t today;

    ck_assert_int_eq(u.level, RT_LEVEL_INTERMEDIATE);
    ck_assert_str_eq(u.nick, "anon");
    u.nick = NULL;
    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    after = sc_now_us();
    today = (int32_t)(after / INT64_C(86400000000));
    ck_assert_int_eq(u.user_id, 1);
    ck_assert(u.has_joined_at);
    ck_assert(u.joined_at >= before && u.joined_at <= after);
    ck_assert(u.has_signup_day);
    ck_assert_int_eq(u.signup_day, today);
    ck_assert_int_eq(u.level, RT_LEVEL_INTERMEDIATE);
    ck_assert_str_eq(rt_user_table.cols[7].name, "nick");
    ck_assert_ptr_null(u.nick); /* nullable: its default is in _INIT */
    ck_assert(!u.has_karma);

    ck_assert_int_eq(rt_user_get(db, arena, 1, &got), SC_OK);
    ck_assert(got.joined_at == u.joined_at);
    ck_assert_int_eq(got.signup_day, today);
    ck_assert_int_eq(got.level, RT_LEVEL_INTERMEDIATE);
    ck_assert_ptr_null(got.nick);
    ck_assert(!got.has_karma);
}
END_TEST

START_TEST(test_defaults_not_applied_to_values)
{
    rt_user u = make_user("kim", "kim@example.org"), got;

    u.has_joined_at = true;
    u.joined_at = -86400000000; /* 1969-12-31 */
    u.has_signup_day = true;
    u.signup_day = -1;
    u.level = RT_LEVEL_BEGINNER; /* 0: a value, not "no value" */
    u.nick = "kk";
    u.has_karma = true;
    u.karma = -12345; /* -123.45 */
    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, &got), SC_OK);
    ck_assert(got.joined_at == -86400000000);
    ck_assert_int_eq(got.signup_day, -1);
    ck_assert_int_eq(got.level, RT_LEVEL_BEGINNER);
    ck_assert_str_eq(got.nick, "kk");
    ck_assert(got.has_karma && got.karma == -12345);
}
END_TEST

/* A failed insert leaves the struct as it was. */
START_TEST(test_failed_insert_keeps_struct)
{
    rt_user u = make_user(NULL, "x@example.org");

    u.nick = NULL;
    ck_assert_int_eq(rt_user_insert(db, &u), SC_CONSTRAINT);
    ck_assert_int_eq(u.user_id, 0);
    ck_assert(!u.has_joined_at && !u.has_signup_day);
    ck_assert_ptr_null(u.nick);
}
END_TEST

START_TEST(test_autoincrement)
{
    rt_speaker s = {0, "a", "a@x"};
    int64_t i;

    for (i = 1; i <= 3; i++) {
        s.speaker_id = 999; /* ignored: the database picks the key */
        ck_assert_int_eq(rt_speaker_insert(db, &s), SC_OK);
        ck_assert_int_eq(s.speaker_id, i);
    }
}
END_TEST

START_TEST(test_not_found)
{
    rt_user key = {0}, got;
    rt_pair pkey = {.a = 1, .b = "nope"}, pgot;

    key.user_id = 42;
    memset(&got, 0x5a, sizeof got);
    assert_error(rt_user_get(db, arena, key.user_id, &got),
                 SC_NOTFOUND, SC_NOTFOUND, "user", NULL, "no row of user");
    ck_assert_ptr_null(got.user_name); /* out is cleared */
    ck_assert_int_eq(got.user_id, 0);
    key = make_user("ghost", "ghost@x");
    key.user_id = 42;
    assert_error(rt_user_update(db, &key), SC_NOTFOUND,
                 SC_NOTFOUND, "user", NULL, "no row of user");
    assert_error(rt_user_delete(db, key.user_id), SC_NOTFOUND,
                 SC_NOTFOUND, "user", NULL, "no row of user");
    assert_error(rt_pair_get(db, arena, pkey.a, pkey.b, &pgot),
                 SC_NOTFOUND, SC_NOTFOUND, "pair", NULL, "no row of pair");
}
END_TEST

START_TEST(test_update_and_delete)
{
    rt_user u = make_user("lee", "lee@example.org"), got;
    rt_order o = {0, 0, "a"};

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    u.user_name = "Lee";
    u.has_karma = true;
    u.karma = 500;
    u.nick = NULL; /* update writes NULL: no defaults on update */
    ck_assert_int_eq(rt_user_update(db, &u), SC_OK);
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, &got), SC_OK);
    ck_assert_str_eq(got.user_name, "Lee");
    ck_assert(got.has_karma && got.karma == 500);
    ck_assert_ptr_null(got.nick);

    /* deleting the user cascades to its orders */
    o.user_id = u.user_id;
    ck_assert_int_eq(rt_order_insert(db, &o), SC_OK);
    ck_assert_int_eq(rt_user_delete(db, u.user_id), SC_OK);
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, &got),
                     SC_NOTFOUND);
    ck_assert_int_eq(rt_order_get(db, arena, o.order_id, &o),
                     SC_NOTFOUND);
}
END_TEST

/* ---------------------------------------------------------------------
 * Column-mask updates.  Every case starts from ann (a karma, nick
 * "anon"), tries to write a changed copy of her through one mask, and
 * checks the code, the column an error names, and that exactly the masked
 * columns changed (none when the update failed).
 * ------------------------------------------------------------------- */

static const struct mask_case {
    const char *name;
    uint64_t cols;
    const char *email;  /* the new user_email */
    bool missing;       /* use a key that matches no row */
    int rc;
    const char *column; /* named by the error, or NULL */
} mask_cases[] = {
    {"one column", RT_USER_USER_EMAIL, "anne@x", false, SC_OK, NULL},
    {"two columns", RT_USER_USER_NAME | RT_USER_USER_EMAIL, "anne@x",
     false, SC_OK, NULL},
    {"nullable to NULL", RT_USER_KARMA | RT_USER_NICK, "anne@x", false,
     SC_OK, NULL},
    {"key bits ignored", RT_USER_USER_ID | RT_USER_LEVEL, "anne@x", false,
     SC_OK, NULL},
    {"key only", RT_USER_USER_ID, "anne@x", false, SC_MISUSE, NULL},
    {"no column", 0, "anne@x", false, SC_MISUSE, NULL},
    {"past the columns", UINT64_C(1) << 63, "anne@x", false, SC_MISUSE,
     NULL},
    {"missing row", RT_USER_USER_EMAIL, "anne@x", true, SC_NOTFOUND, NULL},
    {"unique violation", RT_USER_USER_NAME | RT_USER_USER_EMAIL, "bob@x",
     false, SC_CONSTRAINT, "user_email"},
};

#define NMASK_CASES (int)(sizeof mask_cases / sizeof mask_cases[0])

/* Whether case m wrote column bit. */
static bool mask_wrote(const struct mask_case *m, uint64_t bit)
{
    return m->rc == SC_OK && (m->cols & bit) != 0;
}

START_TEST(test_update_cols)
{
    const struct mask_case *m = &mask_cases[_i];
    rt_user u = make_user("ann", "ann@x"), got;

    u.has_karma = true;
    u.karma = 10000;
    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    add_user("bob", "bob@x");
    u.user_id += m->missing ? 1000 : 0;
    u.user_name = "anne";
    u.user_email = m->email;
    u.has_karma = false;
    u.nick = NULL;
    u.level = RT_LEVEL_ADVANCED;
    ck_assert_int_eq(rt_user_update_cols(db, &u, m->cols), m->rc);
    ck_assert_int_eq(sc_errcode(db), m->rc);
    if (m->column != NULL)
        ck_assert_str_eq(sc_errcolumn(db), m->column);
    u.user_id -= m->missing ? 1000 : 0;
    ck_assert_int_eq(rt_user_get(db, arena, u.user_id, &got), SC_OK);
    ck_assert_str_eq(got.user_name,
                     mask_wrote(m, RT_USER_USER_NAME) ? "anne" : "ann");
    ck_assert_str_eq(got.user_email,
                     mask_wrote(m, RT_USER_USER_EMAIL) ? m->email : "ann@x");
    ck_assert(got.has_karma == !mask_wrote(m, RT_USER_KARMA));
    ck_assert(mask_wrote(m, RT_USER_NICK) ? got.nick == NULL
                                           : strcmp(got.nick, "anon") == 0);
    ck_assert_int_eq(got.level, mask_wrote(m, RT_USER_LEVEL)
                                    ? RT_LEVEL_ADVANCED
                                    : RT_LEVEL_INTERMEDIATE);
}
END_TEST

/* One statement per mask, prepared once; key bits do not make another;
 * past 64 masks the cached ones are dropped and prepared again. */
START_TEST(test_update_cols_cached)
{
    rt_user u = make_user("ann", "ann@x");
    sc_stats st0, st1;
    uint64_t m;

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    ck_assert_int_eq(rt_user_update_cols(db, &u, RT_USER_NICK), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &st0), SC_OK);
    ck_assert_int_eq(rt_user_update_cols(db, &u, RT_USER_NICK), SC_OK);
    ck_assert_int_eq(rt_user_update_cols(db, &u,
                                         RT_USER_NICK | RT_USER_USER_ID),
                     SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &st1), SC_OK);
    ck_assert_uint_eq(st1.prepares, st0.prepares);
    ck_assert_uint_eq(st1.reuses, st0.reuses + 2);
    /* 63 more masks fill the cache (64 << 1 is RT_USER_NICK); the 65th
     * evicts them all, so RT_USER_NICK is prepared again */
    for (m = 1; m <= 63; m++)
        ck_assert_int_eq(rt_user_update_cols(db, &u, m << 1), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &st0), SC_OK);
    ck_assert_uint_eq(st0.prepares, st1.prepares + 63);
    for (m = 0; m < 2; m++)
        ck_assert_int_eq(rt_user_update_cols(db, &u, UINT64_C(65) << 1),
                         SC_OK);
    ck_assert_int_eq(rt_user_update_cols(db, &u, RT_USER_NICK), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &st1), SC_OK);
    ck_assert_uint_eq(st1.prepares, st0.prepares + 2);
}
END_TEST

START_TEST(test_composite_key)
{
    rt_pair p = {.a = 7, .b = "x", .score = 2.5, .kind = RT_LEVEL_ADVANCED};
    rt_pair q = {.a = 7, .b = "y", .score = 3.5, .kind = RT_LEVEL_BEGINNER};
    rt_pair got;

    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &q), SC_OK);
    p.has_val = true;
    p.val = -5;
    ck_assert_int_eq(rt_pair_update(db, &p), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, q.a, q.b, &got), SC_OK);
    ck_assert(!got.has_val);
    ck_assert(got.score == 3.5);
    ck_assert_int_eq(got.kind, RT_LEVEL_BEGINNER);
    ck_assert_int_eq(rt_pair_get(db, arena, p.a, p.b, &got), SC_OK);
    ck_assert(got.has_val && got.val == -5);
    ck_assert_int_eq(got.kind, RT_LEVEL_ADVANCED);
    ck_assert_ptr_null(got.data.data);
    /* key and out may be the same struct */
    ck_assert_int_eq(rt_pair_get(db, arena, q.a, q.b, &q), SC_OK);
    ck_assert_str_eq(q.b, "y");
    ck_assert(q.score == 3.5);
    ck_assert_int_eq(rt_pair_delete(db, p.a, p.b), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, p.a, p.b, &got),
                     SC_NOTFOUND);
    ck_assert_int_eq(rt_pair_get(db, arena, q.a, q.b, &got), SC_OK);
}
END_TEST

/* ---------------------------------------------------------------------
 * Constraint violations and value errors, told apart and worded.
 * ------------------------------------------------------------------- */

/* A valid all_types row for the cases that spoil one of its values. */
static rt_all_type valid_row(void)
{
    return round_trip_row(3);
}

/* 33 characters of 4 bytes each: within 132 bytes, over 32 characters. */
static char *repeat(const char *s, int n)
{
    size_t len = strlen(s);
    char *out = malloc(len * (size_t)n + 1);
    int i;

    ck_assert_ptr_nonnull(out);
    for (i = 0; i < n; i++)
        memcpy(out + len * (size_t)i, s, len);
    out[len * (size_t)n] = '\0';
    return out;
}

static int v_unique(void)
{
    rt_user u = make_user("same", "one@x");

    add_user("same", "two@x");
    return rt_user_insert(db, &u);
}

static int v_unique_email(void)
{
    rt_user u = make_user("two", "same@x");

    add_user("one", "same@x");
    return rt_user_insert(db, &u);
}

static int v_unique_two_columns(void)
{
    rt_order o = {0, 0, "g"};

    o.user_id = add_user("u", "u@x");
    ck_assert_int_eq(rt_order_insert(db, &o), SC_OK);
    return rt_order_insert(db, &o);
}

static int v_primary_key(void)
{
    rt_pair p = {.a = 1, .b = "k", .kind = RT_LEVEL_BEGINNER};

    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    return rt_pair_insert(db, &p);
}

static int v_not_null(void)
{
    rt_user u = make_user(NULL, "n@x");

    return rt_user_insert(db, &u);
}

static int v_not_null_bytes(void)
{
    rt_all_type r = valid_row();

    r.by.data = NULL;
    return rt_all_types_insert(db, &r);
}

static int v_check_varchar(void)
{
    char *ok = repeat("\xF0\x9F\x98\x80", 32);
    char *bad = repeat("\xF0\x9F\x98\x80", 33);
    rt_user u = make_user(ok, "ok@x");
    int rc;

    ck_assert_int_eq(rt_user_insert(db, &u), SC_OK);
    u = make_user(bad, "bad@x");
    rc = rt_user_insert(db, &u);
    free(ok);
    free(bad);
    return rc;
}

static int v_check_json(void)
{
    rt_all_type r = valid_row();

    r.js = "{\"open\":";
    return rt_all_types_insert(db, &r);
}

/* Raw SQL names no table; the schema created last does.  SQLite only:
 * there bool and enum columns are checked INTEGER and TEXT, while
 * PostgreSQL's boolean and enum types refuse such values as input
 * errors, not as constraints. */
static const char bool_insert[] =
    "INSERT INTO \"all_types\" (\"b\", \"i16\", \"i32\", \"i64\", \"f32\", "
    "\"f64\", \"num\", \"dec\", \"txt\", \"by\", \"d\", \"ts\", \"u\", "
    "\"js\", \"lv\") VALUES (%s, 0, 0, 0, 0.0, 0.0, 0, '0', '', x'', 0, 0, "
    "zeroblob(16), '1', %s)";

static int raw_all_types(const char *b, const char *lv)
{
    char sql[512];

    snprintf(sql, sizeof sql, bool_insert, b, lv);
    return sc_exec(db, sql);
}

static int v_check_bool_raw(void)
{
    ck_assert_int_eq(raw_all_types("1", "'advanced'"), SC_OK);
    return raw_all_types("2", "'advanced'");
}

static int v_check_enum_raw(void)
{
    return raw_all_types("0", "'expert'");
}

static int v_fkey_insert(void)
{
    rt_order o = {0, 999, "g"};

    return rt_order_insert(db, &o);
}

static int v_fkey_update(void)
{
    rt_order o = {0, 0, "g"};

    o.user_id = add_user("u", "u@x");
    ck_assert_int_eq(rt_order_insert(db, &o), SC_OK);
    o.user_id = 999;
    return rt_order_update(db, &o);
}

static int v_fkey_delete_restrict(void)
{
    rt_ticket t = {0, 0};

    t.user_id = add_user("u", "u@x");
    ck_assert_int_eq(rt_ticket_insert(db, &t), SC_OK);
    return rt_user_delete(db, t.user_id);
}

static int v_enum_out_of_range(void)
{
    rt_all_type r = valid_row();

    r.lv = (rt_level)7;
    return rt_all_types_insert(db, &r);
}

static int v_enum_negative_update(void)
{
    rt_all_type r = valid_row();

    ck_assert_int_eq(rt_all_types_insert(db, &r), SC_OK);
    r.has_nlv = true;
    r.nlv = (rt_level)-1;
    return rt_all_types_update(db, &r);
}

static int v_nan(void)
{
    rt_all_type r = valid_row();

    r.f64 = NAN;
    return rt_all_types_insert(db, &r);
}

/* A label the program does not know, as when the database is newer than
 * the program: past the CHECK on SQLite, a label added to the enum type
 * on PostgreSQL, to the column's ENUM on MariaDB. */
static const char *const new_label_sql[] = {
    "PRAGMA ignore_check_constraints = ON",
    "ALTER TYPE \"level\" ADD VALUE 'expert'",
    ("ALTER TABLE \"pair\" MODIFY \"kind\" ENUM('beginner', "
     "'intermediate', 'advanced', 'expert') NOT NULL"),
};

static int v_unknown_label(void)
{
    rt_pair got;

    ck_assert_int_eq(sc_exec(db, testdb_pick3(new_label_sql[0],
                                              new_label_sql[1],
                                              new_label_sql[2])),
                     SC_OK);
    ck_assert_int_eq(sc_exec(db, "INSERT INTO \"pair\" VALUES (1, 'k', NULL,"
                                 " 0.0, 'expert', NULL)"),
                     SC_OK);
    return rt_pair_get(db, arena, 1, "k", &got);
}

/* SQLite only, past the CHECK of the column: PostgreSQL's smallint holds
 * no such value. */
static int v_int16_overflow_read(void)
{
    rt_all_type r = valid_row(), got;

    ck_assert_int_eq(rt_all_types_insert(db, &r), SC_OK);
    ck_assert_int_eq(sc_exec(db, "PRAGMA ignore_check_constraints = ON"),
                     SC_OK);
    ck_assert_int_eq(sc_exec(db, "UPDATE \"all_types\" SET \"i16\" = 70000"),
                     SC_OK);
    return rt_all_types_get(db, arena, r.id, &got);
}

static int v_no_such_table(void)
{
    ck_assert_int_eq(sc_exec(db, "DROP TABLE \"speaker\""), SC_OK);
    return rt_speaker_insert(db, &(rt_speaker){0, "a", "b"});
}

static const struct violation {
    const char *name;
    int (*run)(void);
    int rc;
    int ext;
    const char *table;
    const char *column;
    const char *msg;    /* a part of the message */
    const char *pg_msg; /* the part on PostgreSQL, when it words it so */
    bool sqlite_only;   /* about SQLite's emulation of a type */
    const char *md_msg; /* the part on MariaDB, when not pg_msg */
} violations[] = {
    {"unique", v_unique, SC_CONSTRAINT, SC_CONSTRAINT_UNIQUE, "user",
     "user_name", "unique constraint failed on user.user_name", NULL,
     false, NULL},
    {"unique email", v_unique_email, SC_CONSTRAINT, SC_CONSTRAINT_UNIQUE,
     "user", "user_email", "unique constraint failed on user.user_email", NULL,
     false, NULL},
    {"unique pair", v_unique_two_columns, SC_CONSTRAINT,
     SC_CONSTRAINT_UNIQUE, "order", NULL,
     "unique constraint failed on order.user_id, order.group", NULL,
     false, NULL},
    {"primary key", v_primary_key, SC_CONSTRAINT, SC_CONSTRAINT_PRIMARYKEY,
     "pair", NULL, "primary key constraint failed on pair.a, pair.b", NULL,
     false, NULL},
    {"not null", v_not_null, SC_CONSTRAINT, SC_CONSTRAINT_NOTNULL, "user",
     "user_name", "not null constraint failed on user.user_name", NULL,
     false, NULL},
    {"not null bytes", v_not_null_bytes, SC_CONSTRAINT,
     SC_CONSTRAINT_NOTNULL, "all_types", "by",
     "not null constraint failed on all_types.by", NULL,
     false, NULL},
    {"varchar length", v_check_varchar, SC_CONSTRAINT, SC_CONSTRAINT_CHECK,
     "user", "user_name",
     "check constraint failed on user.user_name: at most 32 characters", NULL,
     false, NULL},
    {"json", v_check_json, SC_CONSTRAINT, SC_CONSTRAINT_CHECK, "all_types",
     "js", "check constraint failed on all_types.js: valid JSON", NULL,
     false, NULL},
    {"bool raw", v_check_bool_raw, SC_CONSTRAINT, SC_CONSTRAINT_CHECK,
     "all_types", "b", "check constraint failed on all_types.b: 0 or 1",
     NULL, true, NULL},
    {"enum raw", v_check_enum_raw, SC_CONSTRAINT, SC_CONSTRAINT_CHECK,
     "all_types", "lv", "all_types.lv: one of 'beginner'", NULL, true, NULL},
    {"foreign key insert", v_fkey_insert, SC_CONSTRAINT,
     SC_CONSTRAINT_FOREIGNKEY, "order", "user_id",
     "foreign key constraint failed: order.user_id references "
     "user(user_id)", NULL,
     false, NULL},
    {"foreign key update", v_fkey_update, SC_CONSTRAINT,
     SC_CONSTRAINT_FOREIGNKEY, "order", "user_id",
     "order.user_id references user(user_id)", NULL,
     false, NULL},
    {"still referenced", v_fkey_delete_restrict, SC_CONSTRAINT,
     SC_CONSTRAINT_FOREIGNKEY, "user", NULL,
     "the row of user is still referenced", NULL,
     false, NULL},
    {"enum range", v_enum_out_of_range, SC_RANGE, SC_RANGE, "all_types",
     "lv", "value 7 of all_types.lv is not a value of enum level", NULL,
     false, NULL},
    {"enum negative", v_enum_negative_update, SC_RANGE, SC_RANGE,
     "all_types", "nlv", "value -1 of all_types.nlv", NULL,
     false, NULL},
    {"nan", v_nan, SC_RANGE, SC_RANGE, "all_types", "f64",
     "cannot store all_types.f64: NaN", NULL, true, NULL},
    {"unknown label", v_unknown_label, SC_ERROR, SC_ERROR, "pair", "kind",
     "unknown label 'expert' in pair.kind", NULL,
     false, NULL},
    {"int16 overflow", v_int16_overflow_read, SC_RANGE, SC_RANGE,
     "all_types", "i16", "value 70000 of all_types.i16 does not fit", NULL,
     true, NULL},
    {"no such table", v_no_such_table, SC_ERROR, SC_ERROR, "speaker", NULL,
     "no such table", "relation \"speaker\" does not exist", false,
     "Table 'schemac_test.speaker' doesn't exist"},
};

#define NVIOLATIONS (int)(sizeof violations / sizeof violations[0])

START_TEST(test_violation)
{
    const struct violation *v = &violations[_i];
    const char *msg =
        v->pg_msg != NULL
            ? testdb_pick3(v->msg, v->pg_msg,
                           v->md_msg != NULL ? v->md_msg : v->pg_msg)
            : v->msg;

    assert_error(v->run(), v->rc, v->ext, v->table, v->column, msg);
    /* the connection is still fine */
    add_user("after", "after@x");
    ck_assert_int_eq(sc_errcode(db), SC_OK);
    ck_assert_ptr_null(sc_errtable(db));
}
END_TEST

/* ---------------------------------------------------------------------
 * Transactions and savepoints.
 * ------------------------------------------------------------------- */

static bool user_exists(int64_t id)
{
    rt_user got;
    int rc;

    rc = rt_user_get(db, arena, id, &got);
    ck_assert(rc == SC_OK || rc == SC_NOTFOUND);
    return rc == SC_OK;
}

START_TEST(test_rollback_insert)
{
    int64_t id;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 1);
    id = add_user("gone", "gone@x");
    ck_assert(user_exists(id));
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert(!user_exists(id));

    ck_assert_int_eq(sc_begin(db), SC_OK);
    id = add_user("kept", "kept@x");
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert(user_exists(id));
}
END_TEST

START_TEST(test_nested_savepoints)
{
    int64_t outer, inner, innermost;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    outer = add_user("outer", "outer@x");
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 2);
    inner = add_user("inner", "inner@x");
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 3);
    innermost = add_user("innermost", "innermost@x");
    ck_assert_int_eq(sc_commit(db), SC_OK); /* release level 3 */
    ck_assert_int_eq(sc_rollback(db), SC_OK); /* undo levels 2 and 3 */
    ck_assert_int_eq(sc_txn_depth(db), 1);
    ck_assert(user_exists(outer));
    ck_assert(!user_exists(inner));
    ck_assert(!user_exists(innermost));
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert(user_exists(outer));
    ck_assert(!user_exists(inner));
}
END_TEST

START_TEST(test_transaction_misuse)
{
    assert_error(sc_commit(db), SC_MISUSE, SC_MISUSE, NULL, NULL,
                 "commit without an open transaction");
    assert_error(sc_rollback(db), SC_MISUSE, SC_MISUSE, NULL, NULL,
                 "rollback without an open transaction");
    ck_assert_int_eq(sc_exec(db, "BEGIN"), SC_OK);
    assert_error(sc_begin(db), SC_MISUSE, SC_MISUSE, NULL, NULL,
                 "outside sc_begin()");
    ck_assert_int_eq(sc_exec(db, "ROLLBACK"), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_exec(db, "ROLLBACK"), SC_OK); /* behind our back */
    ck_assert_int_eq(sc_commit(db), SC_ERROR);
    ck_assert_int_eq(sc_txn_depth(db), 0);
}
END_TEST

/* A failed statement inside a transaction: SQLite undoes the statement
 * and the transaction goes on; PostgreSQL aborts the transaction, and
 * sc_commit() says so instead of reporting a commit that did not happen
 * (schemac.h).  On PostgreSQL the insert is queued and the next call,
 * a read here, reports its failure. */
START_TEST(test_commit_after_error)
{
    rt_pair p = {.a = 1, .b = "x", .kind = RT_LEVEL_ADVANCED}, got;
    int rc;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    rc = rt_pair_insert(db, &p);
    if (rc == SC_OK) /* queued */
        rc = rt_pair_get(db, arena, 1, "x", &got);
    ck_assert_int_eq(rc, SC_CONSTRAINT);
    if (!facts()->error_aborts_txn) {
        ck_assert_int_eq(sc_commit(db), SC_OK);
        ck_assert_int_eq(rt_pair_get(db, arena, 1, "x", &got), SC_OK);
    } else {
        assert_error(sc_commit(db), SC_ERROR, SC_ERROR, NULL, NULL,
                     "rolled back");
        ck_assert_int_eq(rt_pair_get(db, arena, 1, "x", &got),
                         SC_NOTFOUND);
    }
    ck_assert_int_eq(sc_txn_depth(db), 0);
}
END_TEST

/* The way to go on after an error on both databases: a savepoint around
 * the statement that may fail, rolled back when it does. */
START_TEST(test_savepoint_recovers)
{
    rt_pair p = {.a = 1, .b = "x", .kind = RT_LEVEL_ADVANCED}, got;
    int rc;

    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    rc = rt_pair_insert(db, &p);
    if (rc == SC_OK) /* queued: a read reports its failure */
        rc = rt_pair_get(db, arena, 1, "x", &got);
    ck_assert_int_eq(rc, SC_CONSTRAINT);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    p.a = 2;
    ck_assert_msg(rt_pair_insert(db, &p) == SC_OK, "%s", sc_errmsg(db));
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "x", &got), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 2, "x", &got), SC_OK);
}
END_TEST

/* Closing with an open transaction rolls it back: a second connection to
 * the same database (a file on SQLite) sees only the committed row. */
START_TEST(test_close_rolls_back)
{
    const char *url = testdb_shared_url();
    sc_db *other;
    rt_speaker s = {0, "x", "y"}, got;

    ck_assert_int_eq(sc_open(url, &other), SC_OK);
    ck_assert_int_eq(rt_create_all(other), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(other, &s), SC_OK);
    ck_assert_int_eq(sc_begin(other), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(other, &s), SC_OK);
    ck_assert_int_eq(s.speaker_id, 2);
    sc_close(other);
    ck_assert_int_eq(sc_open(url, &other), SC_OK);
    ck_assert_int_eq(rt_speaker_get(other, arena, 1, &got), SC_OK);
    ck_assert_int_eq(rt_speaker_get(other, arena, 2, &got), SC_NOTFOUND);
    sc_close(other);
    testdb_shared_done();
}
END_TEST

/*
 * A second connection waits for a write the first holds, then gets
 * SC_BUSY: on SQLite for the 5 s busy timeout of every connection, on
 * PostgreSQL for the lock_timeout the test sets (the server's default is
 * to wait for ever).
 */
START_TEST(test_busy)
{
    const char *url = testdb_shared_url();
    int64_t at_least = on_sqlite() ? 4000000 : 900000;
    sc_db *a, *b;
    rt_speaker s = {0, "x", "y"}, got;
    int64_t t0, waited;

    ck_assert_int_eq(sc_open(url, &a), SC_OK);
    ck_assert_int_eq(sc_open(url, &b), SC_OK);
    ck_assert_int_eq(rt_create_all(a), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(a, &s), SC_OK);
    if (!on_sqlite())
        ck_assert_int_eq(sc_exec(b, testdb_pick3(NULL,
                                                 "SET lock_timeout = '1s'",
                                                 "SET innodb_lock_wait_timeout"
                                                 " = 1")),
                         SC_OK);
    ck_assert_int_eq(sc_begin(a), SC_OK);
    s.name = "by a";
    ck_assert_int_eq(rt_speaker_update(a, &s), SC_OK);
    /* a read: a queued update (PostgreSQL) has run and holds its lock */
    ck_assert_int_eq(rt_speaker_get(a, arena, s.speaker_id, &got), SC_OK);
    t0 = sc_now_us();
    s.name = "by b";
    ck_assert_int_eq(rt_speaker_update(b, &s), SC_BUSY);
    waited = sc_now_us() - t0;
    ck_assert_int_eq(sc_errcode(b), SC_BUSY);
    ck_assert_msg(waited >= at_least, "waited only %lld us",
                  (long long)waited);
    ck_assert_int_eq(sc_commit(a), SC_OK);
    ck_assert_int_eq(rt_speaker_update(b, &s), SC_OK);
    sc_close(a);
    sc_close(b);
    testdb_shared_done();
}
END_TEST

/* ---------------------------------------------------------------------
 * insert_many.
 * ------------------------------------------------------------------- */

START_TEST(test_insert_many)
{
    rt_user rows[3];
    int i;

    rows[0] = make_user("a", "a@x");
    rows[0].nick = NULL; /* NULL: the default is in _INIT only */
    rows[1] = make_user("b", "b@x");
    rows[2] = make_user("c", "c@x");
    rows[2].level = RT_LEVEL_ADVANCED;
    ck_assert_int_eq(rt_user_insert_many(db, rows, 3), SC_OK);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(rows[i].user_id, i + 1);
        ck_assert(rows[i].has_joined_at);
        if (i == 0)
            ck_assert_ptr_null(rows[i].nick);
        else
            ck_assert_str_eq(rows[i].nick, "anon");
        ck_assert(user_exists(i + 1));
    }
    ck_assert_int_eq(rows[1].level, RT_LEVEL_INTERMEDIATE);
    ck_assert_int_eq(rows[2].level, RT_LEVEL_ADVANCED);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(rt_user_insert_many(db, rows, 0), SC_OK);
}
END_TEST

START_TEST(test_insert_many_all_or_nothing)
{
    rt_pair rows[4] = {
        {.a = 1, .b = "one", .kind = RT_LEVEL_BEGINNER},
        {.a = 2, .b = "two", .kind = RT_LEVEL_BEGINNER},
        {.a = 1, .b = "one", .kind = RT_LEVEL_ADVANCED}, /* duplicate key */
        {.a = 3, .b = "three", .kind = RT_LEVEL_BEGINNER},
    };
    rt_pair got;
    int i;

    assert_error(rt_pair_insert_many(db, rows, 4), SC_CONSTRAINT,
                 SC_CONSTRAINT_PRIMARYKEY, "pair", NULL, "row 2 of 4: ");
    ck_assert_int_eq(strncmp(sc_errmsg(db), "row 2 of 4: primary key", 23),
                     0);
    ck_assert_msg(strstr(sc_errmsg(db), " (a = 1, b = 'one')") != NULL, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(sc_txn_depth(db), 0);
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(rt_pair_get(db, arena, rows[i].a, rows[i].b, &got),
                         SC_NOTFOUND);

    /* inside a transaction: a savepoint, the outer work survives */
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_pair_insert(db, &rows[3]), SC_OK);
    rows[1].kind = (rt_level)9;
    assert_error(rt_pair_insert_many(db, rows, 2), SC_RANGE,
                 SC_RANGE, "pair", "kind",
                 "row 1 of 2: value 9 of pair.kind is not a value of enum "
                 "level (a = 2, b = 'two')");
    ck_assert_int_eq(sc_txn_depth(db), 1);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, rows[3].a, rows[3].b, &got),
                     SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, rows[0].a, rows[0].b, &got),
                     SC_NOTFOUND);
}
END_TEST

/* A table whose columns the backends read from the rows themselves (no
 * enum, no default): a NULL text is sent as NULL, and a row whose text
 * is not UTF-8 fails the batch naming it, nothing written. */
START_TEST(test_insert_many_read_from_rows)
{
    rt_speaker s[3] = {{0, "a", "a@x"}, {0, "b", "b@x"}, {0, "c", "c@x"}};
    rt_order o[2] = {{0, 0, NULL}, {0, 0, "g"}};
    rt_speaker got;

    s[1].email = "\xc3";
    assert_error(rt_speaker_insert_many(db, s, 3), SC_RANGE, SC_RANGE,
                 "speaker", "email",
                 "row 1 of 3: invalid UTF-8 in speaker.email");
    ck_assert_int_eq(rt_speaker_get(db, arena, 1, &got), SC_NOTFOUND);
    s[1].email = "b@x";
    ck_assert_int_eq(rt_speaker_insert_many(db, s, 3), SC_OK);
    ck_assert_int_eq(s[2].speaker_id, s[0].speaker_id + 2);
    ck_assert_int_eq(rt_speaker_get(db, arena, s[1].speaker_id, &got),
                     SC_OK);
    ck_assert_str_eq(got.email, "b@x");
    o[0].user_id = o[1].user_id = add_user("u", "u@x");
    ck_assert_int_eq(rt_order_insert_many(db, o, 2), SC_OK);
    ck_assert_int_eq(o[1].order_id, o[0].order_id + 1);
}
END_TEST

/* A batch whose rows take a column's default (now) every other row:
 * the rows that do are bound by the core, the others by the backend
 * from the rows themselves, and every row reads back as it was meant,
 * the instant of now written back into its row. */
START_TEST(test_insert_many_defaults_between)
{
    rt_badge b[5];
    rt_badge got;
    size_t i;

    memset(b, 0, sizeof b);
    for (i = 0; i < 5; i++) {
        b[i].label = i % 2 == 0 ? "given" : "default";
        if (i % 2 == 0) { /* every value given */
            b[i].note = "set";
            b[i].since = 1000000 * (int64_t)(i + 1);
            b[i].has_since = true;
        } /* else a NULL note (a literal default is _INIT's) and now */
    }
    ck_assert_msg(rt_badge_insert_many(db, b, 5) == SC_OK, "%s",
                  sc_errmsg(db));
    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(b[i].badge_id, b[0].badge_id + (int64_t)i);
        ck_assert_int_eq(rt_badge_get(db, arena, b[i].badge_id, &got),
                         SC_OK);
        ck_assert_str_eq(got.label, b[i].label);
        if (i % 2 == 0) {
            ck_assert_str_eq(got.note, "set");
            ck_assert_int_eq(got.since, 1000000 * (int64_t)(i + 1));
        } else {
            ck_assert_ptr_null(got.note);
            ck_assert_int_gt(got.since, INT64_C(1000000) * 1000000000);
            ck_assert(b[i].has_since); /* now, written back */
            ck_assert_int_eq(b[i].since, got.since);
        }
    }
}
END_TEST

/* ---------------------------------------------------------------------
 * update_many and delete_many: batches, all or nothing.
 * ------------------------------------------------------------------- */

/* Users a, b, c (keys 1, 2, 3) in rows. */
static void three_users(rt_user rows[3])
{
    rows[0] = make_user("a", "a@x");
    rows[1] = make_user("b", "b@x");
    rows[2] = make_user("c", "c@x");
    ck_assert_int_eq(rt_user_insert_many(db, rows, 3), SC_OK);
}

static const char *email_of(int64_t id)
{
    static rt_user got;

    ck_assert_int_eq(rt_user_get(db, arena, id, &got), SC_OK);
    return got.user_email;
}

START_TEST(test_update_many)
{
    rt_user rows[3], got;
    sc_stats before, after;

    three_users(rows);
    rows[0].user_email = "a2@x";
    rows[1].user_email = "b2@x";
    rows[2].user_email = "c2@x";
    rows[2].user_name = "not written";
    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    ck_assert_int_eq(rt_user_update_many(db, rows, 3, RT_USER_USER_EMAIL),
                     SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    /* BEGIN, three updates, COMMIT; one statement prepared */
    ck_assert_uint_eq(after.executions, before.executions + 5);
    ck_assert_uint_eq(after.prepares, before.prepares + 1);
    ck_assert_str_eq(email_of(rows[0].user_id), "a2@x");
    ck_assert_str_eq(email_of(rows[2].user_id), "c2@x");
    ck_assert_int_eq(rt_user_get(db, arena, rows[2].user_id, &got), SC_OK);
    ck_assert_str_eq(got.user_name, "c");
    /* cols 0: every column, as rt_user_update() */
    rows[1].has_karma = true;
    rows[1].karma = 250;
    ck_assert_int_eq(rt_user_update_many(db, rows + 1, 2, 0), SC_OK);
    ck_assert_int_eq(rt_user_get(db, arena, rows[2].user_id, &got), SC_OK);
    ck_assert_str_eq(got.user_name, "not written");
    ck_assert_int_eq(rt_user_get(db, arena, rows[1].user_id, &got), SC_OK);
    ck_assert(got.has_karma && got.karma == 250);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(rt_user_update_many(db, rows, 0, 0), SC_OK);
    assert_error(rt_user_update_many(db, rows, 3, RT_USER_USER_ID),
                 SC_MISUSE, SC_MISUSE, "user", NULL, "no non-key column");
}
END_TEST

/* A failing row of a batch leaves no row of it changed: 0, a key that
 * matches no row; 1, a unique violation; 2 and 3, the same inside a
 * transaction, whose earlier work survives. */
START_TEST(test_update_many_all_or_nothing)
{
    rt_user rows[3];
    int64_t outer = 0;

    three_users(rows);
    if (_i >= 2) {
        ck_assert_int_eq(sc_begin(db), SC_OK);
        outer = add_user("d", "d@x");
    }
    rows[0].user_email = "a2@x";
    rows[1].user_email = "b2@x";
    if (_i % 2 == 0) {
        rows[2].user_id += 1000;
        assert_error(rt_user_update_many(db, rows, 3, RT_USER_USER_EMAIL),
                     SC_NOTFOUND, SC_NOTFOUND, "user", NULL,
                     "row 2 of 3: no row of user has that primary key");
    } else {
        rows[2].user_email = "a2@x"; /* as row 0's new email */
        ck_assert_int_eq(
            rt_user_update_many(db, rows, 3, RT_USER_USER_EMAIL),
            SC_CONSTRAINT);
        ck_assert_str_eq(sc_errcolumn(db), "user_email");
        ck_assert_int_eq(strncmp(sc_errmsg(db), "row 2 of 3: ", 12), 0);
        ck_assert_msg(strstr(sc_errmsg(db), " (user_id = 3)") != NULL, "%s",
                      sc_errmsg(db));
    }
    ck_assert_int_eq(sc_txn_depth(db), _i >= 2 ? 1 : 0);
    if (_i >= 2)
        ck_assert_int_eq(sc_commit(db), SC_OK);
    ck_assert_str_eq(email_of(1), "a@x");
    ck_assert_str_eq(email_of(2), "b@x");
    if (_i >= 2)
        ck_assert_str_eq(email_of(outer), "d@x");
}
END_TEST

START_TEST(test_delete_many)
{
    rt_user rows[3];
    rt_pair pairs[3] = {
        {.a = 1, .b = "one", .kind = RT_LEVEL_BEGINNER},
        {.a = 1, .b = "two", .kind = RT_LEVEL_BEGINNER},
        {.a = 2, .b = "one", .kind = RT_LEVEL_BEGINNER},
    };
    rt_pair got;

    three_users(rows);
    rows[0].user_email = NULL; /* only the key is read */
    ck_assert_int_eq(rt_user_delete_many(db, rows, 2), SC_OK);
    ck_assert(!user_exists(rows[0].user_id));
    ck_assert(!user_exists(rows[1].user_id));
    ck_assert(user_exists(rows[2].user_id));
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(rt_user_delete_many(db, rows, 0), SC_OK);

    /* a two-column key */
    ck_assert_int_eq(rt_pair_insert_many(db, pairs, 3), SC_OK);
    ck_assert_int_eq(rt_pair_delete_many(db, pairs + 1, 2), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "one", &got), SC_OK);
    ck_assert_int_eq(rt_pair_get(db, arena, 1, "two", &got), SC_NOTFOUND);
    ck_assert_int_eq(rt_pair_get(db, arena, 2, "one", &got), SC_NOTFOUND);
}
END_TEST

/* 0: a key that matches no row; 1: a key given twice, whose second
 * delete finds nothing; 2: a user a ticket still refers to.  Nothing of
 * the batch is deleted. */
START_TEST(test_delete_many_all_or_nothing)
{
    rt_ticket ticket = RT_TICKET_INIT;
    rt_user rows[3];
    int i;

    three_users(rows);
    if (_i == 0) {
        rows[1].user_id = 1000;
    } else if (_i == 1) {
        rows[2].user_id = rows[0].user_id;
    } else {
        ticket.user_id = rows[2].user_id;
        ck_assert_int_eq(rt_ticket_insert(db, &ticket), SC_OK);
    }
    if (_i < 2) {
        assert_error(rt_user_delete_many(db, rows, 3), SC_NOTFOUND,
                     SC_NOTFOUND, "user", NULL,
                     _i == 0 ? "row 1 of 3: no row of user"
                             : "row 2 of 3: no row of user");
    } else {
        ck_assert_int_eq(rt_user_delete_many(db, rows, 3), SC_CONSTRAINT);
        ck_assert_int_eq(strncmp(sc_errmsg(db), "row 2 of 3: ", 12), 0);
        ck_assert_msg(strstr(sc_errmsg(db), " (user_id = 3)") != NULL, "%s",
                      sc_errmsg(db));
    }
    ck_assert_int_eq(sc_txn_depth(db), 0);
    for (i = 1; i <= 3; i++)
        ck_assert(user_exists(i));
}
END_TEST

/* A batch of more rows than one execution or one chunk of the backend
 * takes (MariaDB's arrays hold 256, the core sends 1024 at a time): a
 * row far in it with invalid UTF-8 is named and leaves every row as it
 * was; then every row is updated and deleted. */
#define MANY_USERS 1300

START_TEST(test_update_many_large)
{
    static rt_user rows[MANY_USERS];
    static char names[MANY_USERS][16], emails[MANY_USERS][24];
    size_t i;

    for (i = 0; i < MANY_USERS; i++) {
        snprintf(names[i], sizeof names[i], "u%zu", i);
        snprintf(emails[i], sizeof emails[i], "u%zu@x", i);
        rows[i] = make_user(names[i], emails[i]);
    }
    ck_assert_int_eq(rt_user_insert_many(db, rows, MANY_USERS), SC_OK);
    for (i = 0; i < MANY_USERS; i++)
        snprintf(emails[i], sizeof emails[i], "new%zu@x", i);
    rows[700].user_email = "bad \xC3\x28";
    assert_error(rt_user_update_many(db, rows, MANY_USERS,
                                     RT_USER_USER_EMAIL),
                 SC_RANGE, SC_RANGE, "user", "user_email",
                 "row 700 of 1300: invalid UTF-8 in user.user_email");
    ck_assert_str_eq(email_of(rows[0].user_id), "u0@x");
    ck_assert_str_eq(email_of(rows[1299].user_id), "u1299@x");
    rows[700].user_email = emails[700];
    ck_assert_msg(rt_user_update_many(db, rows, MANY_USERS,
                                      RT_USER_USER_EMAIL) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_str_eq(email_of(rows[0].user_id), "new0@x");
    ck_assert_str_eq(email_of(rows[255].user_id), "new255@x");
    ck_assert_str_eq(email_of(rows[256].user_id), "new256@x");
    ck_assert_str_eq(email_of(rows[700].user_id), "new700@x");
    ck_assert_str_eq(email_of(rows[1024].user_id), "new1024@x");
    ck_assert_str_eq(email_of(rows[1299].user_id), "new1299@x");
    /* a key missing past the first chunk: nothing deleted */
    rows[1100].user_id += 100000;
    assert_error(rt_user_delete_many(db, rows, MANY_USERS), SC_NOTFOUND,
                 SC_NOTFOUND, "user", NULL, "row 1100 of 1300: no row of");
    ck_assert(user_exists(rows[0].user_id));
    rows[1100].user_id -= 100000;
    ck_assert_int_eq(rt_user_delete_many(db, rows, MANY_USERS), SC_OK);
    ck_assert(!user_exists(rows[0].user_id));
    ck_assert(!user_exists(rows[1100].user_id));
    ck_assert(!user_exists(rows[1299].user_id));
}
END_TEST

/* update_many of a nullable text: NULLs and texts in one batch, past
 * the rows one statement takes, each row its own value. */
START_TEST(test_update_many_nulls)
{
    static rt_user rows[300];
    static char names[300][16], emails[300][24], nicks[300][16];
    rt_user got;
    size_t i;

    for (i = 0; i < 300; i++) {
        snprintf(names[i], sizeof names[i], "n%zu", i);
        snprintf(emails[i], sizeof emails[i], "n%zu@x", i);
        rows[i] = make_user(names[i], emails[i]);
    }
    ck_assert_int_eq(rt_user_insert_many(db, rows, 300), SC_OK);
    for (i = 0; i < 300; i++) {
        snprintf(nicks[i], sizeof nicks[i], "k%zu", i);
        rows[i].nick = i % 3 == 0 ? NULL : nicks[i];
    }
    ck_assert_msg(rt_user_update_many(db, rows, 300, RT_USER_NICK) == SC_OK,
                  "%s", sc_errmsg(db));
    for (i = 0; i < 300; i += 7) {
        ck_assert_int_eq(rt_user_get(db, arena, rows[i].user_id, &got),
                         SC_OK);
        if (i % 3 == 0)
            ck_assert_ptr_null(got.nick);
        else
            ck_assert_str_eq(got.nick, nicks[i]);
    }
}
END_TEST

/* ---------------------------------------------------------------------
 * The statement cache.
 * ------------------------------------------------------------------- */

START_TEST(test_prepared_once)
{
    sc_stats before, after;
    rt_speaker s = {0, "n", "e"}, got;
    rt_speaker many[4] = {{0, "a", "a"}, {0, "b", "b"}, {0, "c", "c"},
                          {0, "d", "d"}};
    int i;

    ck_assert_int_eq(rt_speaker_insert(db, &s), SC_OK);
    ck_assert_int_eq(rt_speaker_get(db, arena, s.speaker_id, &got), SC_OK);
    ck_assert_int_eq(rt_speaker_update(db, &s), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(rt_speaker_insert(db, &s), SC_OK);
        ck_assert_int_eq(rt_speaker_get(db, arena, s.speaker_id, &got),
                         SC_OK);
        ck_assert_int_eq(rt_speaker_update(db, &s), SC_OK);
    }
    ck_assert_int_eq(rt_speaker_insert_many(db, many, 4), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &after), SC_OK);
    ck_assert_uint_eq(after.prepares, before.prepares);
    ck_assert_uint_eq(after.reuses, before.reuses + 16);
    /* 15 row statements, then BEGIN IMMEDIATE, 4 inserts, COMMIT */
    ck_assert_uint_eq(after.executions, before.executions + 15 + 6);

    /* delete: prepared on first use, then reused */
    ck_assert_int_eq(rt_speaker_delete(db, many[0].speaker_id), SC_OK);
    ck_assert_int_eq(rt_speaker_delete(db, many[1].speaker_id), SC_OK);
    ck_assert_int_eq(sc_db_stats(db, &before), SC_OK);
    ck_assert_uint_eq(before.prepares, after.prepares + 1);
    ck_assert_int_eq(sc_db_stats(NULL, &before), SC_MISUSE);
}
END_TEST

/* What a get or delete of a zeroed key returns: SC_NOTFOUND, or
 * SC_MISUSE when a text key is then a NULL pointer. */
static int zeroed_key_rc(const sc_table_desc *t)
{
    unsigned i;

    for (i = 0; i < t->npk; i++) {
        sc_type ty = t->cols[t->pk[i]].type;

        if (ty == SC_TYPE_TEXT || ty == SC_TYPE_DECIMAL ||
            ty == SC_TYPE_JSON)
            return SC_MISUSE;
    }
    return SC_NOTFOUND;
}

/* Many tables: the cache grows and keeps every statement. */
START_TEST(test_cache_grows)
{
    sc_stats st1, st2;
    rt_pair p = {.a = 1, .b = "b", .kind = RT_LEVEL_BEGINNER}, pg;
    rt_speaker s = {0, "n", "e"}, sg;
    int round;

    for (round = 0; round < 2; round++) {
        size_t t;

        ck_assert_int_eq(sc_db_stats(db, &st1), SC_OK);
        for (t = 0; t < rt_schema.ntables; t++) {
            rt_all_type key = {0}; /* big enough for any row here */
            char out[sizeof(rt_all_type)];

            ck_assert_int_eq(sc_row_get(db, rt_schema.tables[t], arena,
                                        &key, out),
                             zeroed_key_rc(rt_schema.tables[t]));
            ck_assert_int_eq(sc_row_delete(db, rt_schema.tables[t], &key),
                             zeroed_key_rc(rt_schema.tables[t]));
        }
        ck_assert_int_eq(rt_speaker_insert(db, &s), SC_OK);
        p.a = round;
        ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
        ck_assert_int_eq(rt_pair_get(db, arena, p.a, p.b, &pg), SC_OK);
        ck_assert_int_eq(rt_speaker_get(db, arena, s.speaker_id, &sg),
                         SC_OK);
        ck_assert_int_eq(sc_db_stats(db, &st2), SC_OK);
        if (round == 0)
            ck_assert_uint_eq(st2.prepares - st1.prepares,
                              2 * rt_schema.ntables + 2); /* gets and
                                    deletes of every table, two inserts */
        else
            ck_assert_uint_eq(st2.prepares, st1.prepares);
    }
}
END_TEST

/* ---------------------------------------------------------------------
 * Tracing.
 * ------------------------------------------------------------------- */

#define MAX_EVENTS 16

typedef struct trace_log {
    int n;
    char sql[MAX_EVENTS][512];
    char params[MAX_EVENTS][512];
    int rc[MAX_EVENTS];
    double ms[MAX_EVENTS];
} trace_log;

static void collect(void *ctx, const sc_trace_event *ev)
{
    trace_log *tl = ctx;

    if (tl->n == MAX_EVENTS)
        return;
    snprintf(tl->sql[tl->n], sizeof tl->sql[0], "%s", ev->sql);
    snprintf(tl->params[tl->n], sizeof tl->params[0], "%s", ev->params);
    tl->rc[tl->n] = ev->rc;
    tl->ms[tl->n] = ev->elapsed_ms;
    tl->n++;
}

/* The SQL of SQLite, or of PostgreSQL: MariaDB writes SQLite's "?" and
 * no RETURNING. */
#define PICK_QMARK(on_sqlite, on_postgresql)                                \
    testdb_pick3(on_sqlite, on_postgresql, on_sqlite)

START_TEST(test_trace_talk_example)
{
    static trace_log events;
    rt_speaker s = {0, "\xEC\xB5\x9C\xEC\x98\x81\xEC\x84\xA0",
                    "yeongseon.choe@pycon.kr"};
    rt_speaker got;

    memset(&events, 0, sizeof events);
    sc_trace(db, collect, &events);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(db, &s), SC_OK);
    ck_assert_int_eq(rt_speaker_get(db, arena, s.speaker_id, &got), SC_OK);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    sc_trace(db, NULL, NULL);
    ck_assert_int_eq(rt_speaker_get(db, arena, s.speaker_id, &got), SC_OK);

    ck_assert_int_eq(events.n, 4);
    ck_assert_str_eq(events.sql[0], facts()->begin);
    ck_assert_str_eq(events.params[0], "()");
    ck_assert_str_eq(events.sql[1],
                     PICK_QMARK("INSERT INTO \"speaker\" (\"name\", "
                                "\"email\") VALUES (?, ?)",
                                "INSERT INTO \"speaker\" (\"name\", "
                                "\"email\") VALUES ($1, $2) RETURNING "
                                "\"speaker_id\""));
    ck_assert_str_eq(events.params[1],
                     "('\xEC\xB5\x9C\xEC\x98\x81\xEC\x84\xA0', "
                     "'yeongseon.choe@pycon.kr')");
    ck_assert_str_eq(events.sql[2],
                     PICK_QMARK("SELECT \"speaker_id\", \"name\", "
                                "\"email\" FROM \"speaker\" WHERE "
                                "\"speaker_id\" = ?",
                                "SELECT \"speaker_id\", \"name\", "
                                "\"email\" FROM \"speaker\" WHERE "
                                "\"speaker_id\" = $1"));
    ck_assert_str_eq(events.params[2], "(1,)");
    ck_assert_str_eq(events.sql[3], "COMMIT");
    ck_assert_int_eq(events.rc[1], SC_OK);
    ck_assert(events.ms[1] >= 0.0 && events.ms[1] < 10000.0);
}
END_TEST

START_TEST(test_trace_value_formats)
{
    static trace_log events;
    uint8_t blob[40];
    rt_pair p = {.a = -3, .b = "it's", .score = 1.5,
                 .kind = RT_LEVEL_ADVANCED};
    size_t i;

    for (i = 0; i < sizeof blob; i++)
        blob[i] = (uint8_t)i;
    p.data.data = (const uint8_t *)"\x00\xff";
    p.data.len = 2;
    memset(&events, 0, sizeof events);
    sc_trace(db, collect, &events);
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    p.a = 4;
    p.b = "tab\tand\\";
    p.has_val = true;
    p.val = INT64_MIN;
    p.score = 1e100;
    p.data.data = blob;
    p.data.len = sizeof blob;
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_OK);
    p.score = 0.1;
    ck_assert_int_eq(rt_pair_insert(db, &p), SC_CONSTRAINT);

    ck_assert_int_eq(events.n, 3);
    ck_assert_str_eq(events.sql[0],
                     testdb_pick3("INSERT INTO \"pair\" (\"a\", \"b\", "
                                  "\"val\", \"score\", \"kind\", \"data\") "
                                  "VALUES (?, ?, ?, ?, ?, ?)",
                                  "INSERT INTO \"pair\" (\"a\", \"b\", "
                                  "\"val\", \"score\", \"kind\", \"data\") "
                                  "VALUES ($1, $2, $3, $4, $5, $6)",
                                  "INSERT INTO \"pair\" (\"a\", \"b\", "
                                  "\"val\", \"score\", \"kind\", \"data\") "
                                  "VALUES (?, ?, ?, ?, ?, ?)"));
    ck_assert_str_eq(events.params[0],
                     "(-3, \"it's\", None, 1.5, 'advanced', x'00ff')");
    ck_assert_str_eq(events.params[1],
                     "(4, 'tab\\tand\\\\', -9223372036854775808, 1e+100, "
                     "'advanced', x'000102030405060708090a0b0c0d0e0f"
                     "101112131415161718191a1b1c1d1e1f...')");
    ck_assert_int_eq(events.rc[2], SC_CONSTRAINT);
    ck_assert(strstr(events.params[2], ", 0.1, ") != NULL);
}
END_TEST

START_TEST(test_trace_stderr)
{
    FILE *f = tmpfile();
    char text[1024];
    size_t n;
    int saved;

    ck_assert_ptr_nonnull(f);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(f), STDERR_FILENO), 0);
    sc_trace(db, sc_trace_stderr, NULL);
    add_user("\xEC\xB5\x9C", "c@x");
    ck_assert_int_eq(sc_exec(db, "SELECT 1"), SC_OK);
    sc_trace(db, NULL, NULL);
    fflush(stderr);
    ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
    close(saved);
    rewind(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    ck_assert_msg(strncmp(text, "[sql] INSERT INTO \"user\" (\"user_name\", ",
                          38) == 0,
                  "got: %s", text);
    ck_assert_ptr_nonnull(strstr(text, "\n[sql] ('\xEC\xB5\x9C', 'c@x', "
                                       "None, "));
    ck_assert_ptr_nonnull(strstr(text, "'intermediate', 'anon')\n"));
    ck_assert_ptr_nonnull(strstr(text, "[sql] SELECT 1\n[sql] ()\n"));
}
END_TEST

/* ---------------------------------------------------------------------
 * Arenas.
 * ------------------------------------------------------------------- */

START_TEST(test_arena)
{
    sc_arena *a = sc_arena_new();
    char *p, *q, *big;
    size_t i;

    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(sc_arena_used(a), 0);
    p = sc_arena_alloc(a, 1);
    q = sc_arena_alloc(a, 3);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_ne(p, q);
    ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
    ck_assert_uint_eq((uintptr_t)q % alignof(max_align_t), 0);
    ck_assert_uint_eq(sc_arena_used(a), 2 * alignof(max_align_t));
    ck_assert_ptr_nonnull(sc_arena_alloc(a, 0));
    /* larger than a chunk, and many small ones over several chunks */
    big = sc_arena_alloc(a, 100000);
    ck_assert_ptr_nonnull(big);
    memset(big, 0xab, 100000);
    for (i = 0; i < 1000; i++) {
        p = sc_arena_alloc(a, 24);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
        memset(p, (int)i, 24);
    }
    ck_assert_uint_ge(sc_arena_used(a), 100000 + 24000);
    ck_assert_int_eq((unsigned char)big[99999], 0xab);
    sc_arena_reset(a);
    ck_assert_uint_eq(sc_arena_used(a), 0);
    p = sc_arena_alloc(a, 10);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(sc_arena_used(a), 16 > alignof(max_align_t)
                                            ? 16
                                            : alignof(max_align_t));
    ck_assert_ptr_null(sc_arena_alloc(a, SIZE_MAX));
    ck_assert_ptr_null(sc_arena_alloc(NULL, 1));
    ck_assert_uint_eq(sc_arena_used(NULL), 0);
    sc_arena_reset(NULL);
    sc_arena_free(a);
    sc_arena_free(NULL);
}
END_TEST

/* ---------------------------------------------------------------------
 * Dates.
 * ------------------------------------------------------------------- */

static const struct {
    int y, m, d;
    int32_t days;
} dates[] = {
    {1970, 1, 1, 0},        {1969, 12, 31, -1},     {1970, 3, 1, 59},
    {2000, 2, 29, 11016},   {2000, 3, 1, 11017},    {1900, 1, 1, -25567},
    {1900, 3, 1, -25508},   {1600, 2, 29, -135081}, {2024, 3, 1, 19783},
    {1, 1, 1, -719162},     {9999, 12, 31, 2932896},
    {0, 3, 1, -719468},     {-1, 12, 31, -719529}, /* proleptic 1 BC, 2 BC */
};

START_TEST(test_date)
{
    int y, m, d;

    ck_assert_int_eq(sc_date_from_ymd(dates[_i].y, dates[_i].m, dates[_i].d),
                     dates[_i].days);
    sc_date_to_ymd(dates[_i].days, &y, &m, &d);
    ck_assert_int_eq(y, dates[_i].y);
    ck_assert_int_eq(m, dates[_i].m);
    ck_assert_int_eq(d, dates[_i].d);
}
END_TEST

/* Consecutive days over ±2000 years step through the calendar one day
 * at a time. */
START_TEST(test_date_walk)
{
    int32_t days;
    int y, m, d, py, pm, pd;

    sc_date_to_ymd(-800000, &py, &pm, &pd);
    for (days = -799999; days <= 800000; days++) {
        sc_date_to_ymd(days, &y, &m, &d);
        ck_assert_int_eq(sc_date_from_ymd(y, m, d), days);
        if (d != pd + 1)
            ck_assert(d == 1 && (m == pm + 1 || (m == 1 && y == py + 1)));
        py = y;
        pm = m;
        pd = d;
    }
    sc_date_to_ymd(0, NULL, NULL, NULL);
}
END_TEST

START_TEST(test_now)
{
    int64_t now = sc_now_us();

    ck_assert(now > INT64_C(1700000000) * 1000000); /* after 2023 */
    ck_assert(now < INT64_C(4102444800) * 1000000); /* before 2100 */
}
END_TEST

/* ---------------------------------------------------------------------
 * Opening.
 * ------------------------------------------------------------------- */

/* A temporary directory for the SQLite files of the opening tests. */
static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sc-runtime-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_db_files(const char *path)
{
    char name[256];

    snprintf(name, sizeof name, "%s-wal", path);
    remove(name);
    snprintf(name, sizeof name, "%s-shm", path);
    remove(name);
    remove(path);
}

/* What a build without PostgreSQL says to a postgresql:// URL; with it,
 * port 1 of the local host refuses the connection at once. */
#define NO_PG_SUPPORT "postgresql support is not available in this build"
#define UNREACHABLE "127.0.0.1"

static const struct {
    const char *url;
    int rc;
    const char *contains;
    const char *also;
} bad_urls[] = {
    {"oracle://root:hunter2@db.example/app", SC_MISUSE,
     "unknown database URL scheme \"oracle\"", "sqlite:PATH"},
    {"mysql://root:hunter2@127.0.0.1:1/app", SC_CANTOPEN, UNREACHABLE,
     "mysql://root:***@"},
    {"mariadb://app:hunter2@127.0.0.1:1/app", SC_CANTOPEN, UNREACHABLE,
     "mariadb://app:***@"},
    {"postgresql://app:hunter2@127.0.0.1:1/app", SC_CANTOPEN, UNREACHABLE,
     ""},
    {"postgres://app:hunter2@127.0.0.1:1/app", SC_CANTOPEN, UNREACHABLE,
     ""},
    {"app:hunter2@db.example", SC_MISUSE, "sqlite::memory:", "\"app\""},
    {"/var/db/app.db", SC_MISUSE, "not a database URL", "sqlite:PATH"},
    {"sqlite:", SC_MISUSE, "without a path", ""},
    {"sqlite:/nonexistent-sc-dir/sub/app.db", SC_CANTOPEN,
     "cannot open database \"/nonexistent-sc-dir/sub/app.db\"", ""},
};

/* The part of the message of bad_urls[i] to look for.  A build without
 * PostgreSQL may say so, unless the suite is running on PostgreSQL. */
static const char *expected_part(int i, const sc_db *bad)
{
    if (strcmp(bad_urls[i].contains, UNREACHABLE) == 0 && on_sqlite() &&
        strstr(sc_errmsg(bad), NO_PG_SUPPORT) != NULL)
        return NO_PG_SUPPORT;
    return bad_urls[i].contains;
}

START_TEST(test_open_errors)
{
    sc_db *bad = NULL;

    ck_assert_int_eq(sc_open(bad_urls[_i].url, &bad), bad_urls[_i].rc);
    ck_assert_ptr_nonnull(bad);
    ck_assert_int_eq(sc_errcode(bad), bad_urls[_i].rc);
    ck_assert_msg(strstr(sc_errmsg(bad), expected_part(_i, bad)) != NULL,
                  "message: %s", sc_errmsg(bad));
    ck_assert_ptr_nonnull(strstr(sc_errmsg(bad), bad_urls[_i].also));
    ck_assert_ptr_null(strstr(sc_errmsg(bad), "hunter2"));
    /* the handle refuses work but answers questions */
    ck_assert_int_eq(sc_exec(bad, "SELECT 1"), SC_MISUSE);
    ck_assert_int_eq(sc_begin(bad), SC_MISUSE);
    ck_assert_int_eq(rt_speaker_insert(bad, &(rt_speaker){0, "a", "b"}),
                     SC_MISUSE);
    sc_close(bad);
}
END_TEST

START_TEST(test_open_not_a_database)
{
    char path[128], url[160];
    sc_db *bad = NULL;
    FILE *f;
    int i;

    make_tmpdir();
    snprintf(path, sizeof path, "%s/notes.txt", tmpdir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (i = 0; i < 100; i++)
        fputs("this is a text file, not an SQLite database\n", f);
    fclose(f);
    snprintf(url, sizeof url, "sqlite:%s", path);
    ck_assert_int_eq(sc_open(url, &bad), SC_CANTOPEN);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(bad), path));
    ck_assert_ptr_nonnull(strstr(sc_errmsg(bad), "not a database"));
    sc_close(bad);
    remove(path);
    ck_assert_int_eq(rmdir(tmpdir), 0);
}
END_TEST

START_TEST(test_open_misuse)
{
    sc_db *h = NULL;

    ck_assert_int_eq(sc_open("sqlite::memory:", NULL), SC_MISUSE);
    ck_assert_int_eq(sc_open(NULL, &h), SC_MISUSE);
    ck_assert_str_eq(sc_errmsg(h), "no URL given");
    sc_close(h);
    sc_close(NULL);
    ck_assert_str_eq(sc_errmsg(NULL), "out of memory");
    ck_assert_int_eq(sc_exec(NULL, "SELECT 1"), SC_MISUSE);
    ck_assert_int_eq(sc_row_insert(db, NULL, NULL), SC_MISUSE);
    ck_assert_int_eq(sc_db_dialect(db), testdb_dialect());
    ck_assert_str_eq(sc_errstr(SC_CONSTRAINT_UNIQUE), "constraint failed");
    ck_assert_str_eq(sc_errstr(SC_NOTFOUND), "no row found");
    ck_assert_str_eq(sc_errstr(99), "unknown result code");
}
END_TEST

/* A file database: WAL mode, foreign keys on, data kept across opens. */
START_TEST(test_file_wal)
{
    char path[128], url[160];
    sc_db *file;
    sqlite3 *raw;
    sqlite3_stmt *st;
    rt_speaker s = {0, "wal", "wal@x"}, got;

    make_tmpdir();
    snprintf(path, sizeof path, "%s/app.db", tmpdir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    ck_assert_int_eq(sc_open(url, &file), SC_OK);
    ck_assert_int_eq(sc_schema_create_all(file, &rt_schema), SC_OK);
    ck_assert_int_eq(rt_speaker_insert(file, &s), SC_OK);

    ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st,
                                        NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_prepare_v2(raw, "SELECT name FROM speaker", -1,
                                        &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(raw);

    ck_assert_int_eq(sc_exec(file, "INSERT INTO \"order\" (\"user_id\") "
                                   "VALUES (5)"),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(file), SC_CONSTRAINT_FOREIGNKEY);
    sc_close(file);

    ck_assert_int_eq(sc_open(url, &file), SC_OK);
    ck_assert_int_eq(rt_speaker_get(file, arena, s.speaker_id, &got),
                     SC_OK);
    ck_assert_str_eq(got.email, "wal@x");
    sc_close(file);
    remove_db_files(path);
    ck_assert_int_eq(rmdir(tmpdir), 0);
}
END_TEST

/* ---------------------------------------------------------------------
 * create_all.
 * ------------------------------------------------------------------- */

START_TEST(test_create_all_idempotent)
{
    int64_t id = add_user("stay", "stay@x");

    ck_assert_int_eq(sc_schema_create_all(db, &rt_schema), SC_OK);
    ck_assert_int_eq(sc_schema_create_all(db, &rt_schema), SC_OK);
    ck_assert(user_exists(id));
    /* nested in a transaction: a savepoint, where DDL rolls back;
     * else (MariaDB, whose DDL commits) refused */
    ck_assert_int_eq(sc_begin(db), SC_OK);
    if (facts()->transactional_ddl)
        ck_assert_int_eq(sc_schema_create_all(db, &rt_schema), SC_OK);
    else
        assert_error(sc_schema_create_all(db, &rt_schema), SC_MISUSE,
                     SC_MISUSE, NULL, NULL, "transaction");
    ck_assert_int_eq(sc_txn_depth(db), 1);
    ck_assert_int_eq(sc_commit(db), SC_OK);
}
END_TEST

/* DDL whose second statement fails, in each dialect's syntax. */
static const char *const broken_ddl_sqlite[] = {
    "CREATE TABLE IF NOT EXISTS \"first\" (\"x\" INTEGER) STRICT;",
    "CREATE TABLE IF NOT EXISTS \"second\" (\"x\" NOSUCHTYPE) STRICT;",
    NULL,
};
static const char *const broken_ddl_postgresql[] = {
    "CREATE TABLE IF NOT EXISTS \"first\" (\"x\" integer)",
    "CREATE TABLE IF NOT EXISTS \"second\" (\"x\" \"NOSUCHTYPE\")",
    NULL,
};

static const char *const broken_ddl_mariadb[] = {
    "CREATE TABLE IF NOT EXISTS \"first\" (\"x\" integer)",
    "CREATE TABLE IF NOT EXISTS \"second\" (\"x\" \"NOSUCHTYPE\")",
    NULL,
};

static const char *const *const broken_ddl[] = {
    [SC_DIALECT_SQLITE] = broken_ddl_sqlite,
    [SC_DIALECT_POSTGRESQL] = broken_ddl_postgresql,
    [SC_DIALECT_MARIADB] = broken_ddl_mariadb,
};

START_TEST(test_create_all_errors)
{
    sc_schema_desc s = rt_schema;
    const char *const **ddl = &s.ddl[testdb_dialect()];

    s.abi_version = SC_ABI_VERSION + 1;
    assert_error(sc_schema_create_all(db, &s), SC_MISUSE, SC_MISUSE, NULL,
                 NULL, "regenerate");
    s.abi_version = SC_ABI_VERSION;
    *ddl = NULL;
    assert_error(sc_schema_create_all(db, &s), SC_MISUSE, SC_MISUSE, NULL,
                 NULL, testdb_pick3("has no DDL for sqlite",
                                    "has no DDL for postgresql",
                                    "has no DDL for mariadb"));
    *ddl = broken_ddl[testdb_dialect()];
    ck_assert_int_eq(sc_schema_create_all(db, &s), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "NOSUCHTYPE"));
    ck_assert_int_eq(sc_txn_depth(db), 0);
    if (!facts()->transactional_ddl) {
        /* each statement commits: the first table stays */
        ck_assert_int_eq(sc_exec(db, "SELECT * FROM \"first\""), SC_OK);
        return;
    }
    /* all or nothing: the first table was rolled back too */
    ck_assert_int_eq(sc_exec(db, "SELECT * FROM \"first\""), SC_ERROR);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db),
                                 testdb_pick("no such table: first",
                                             "relation \"first\" does not "
                                             "exist")));
}
END_TEST

/* ---------------------------------------------------------------------
 * The suite.  Tests that do not apply to the dialect under test are not
 * added, so that the counts say what ran.
 * ------------------------------------------------------------------- */

static TCase *fixture_case(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, setup, teardown);
    return tc;
}

/* The violations that apply to the dialect under test, one loop index
 * each. */
static void add_violations(TCase *tc)
{
    int i;

    for (i = 0; i < NVIOLATIONS; i++) {
        if (!violations[i].sqlite_only || on_sqlite())
            tcase_add_loop_test(tc, test_violation, i, i + 1);
    }
}

Suite *make_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *tc;

    tc = fixture_case("types");
    tcase_add_loop_test(tc, test_round_trip, 0, NROUND_TRIPS);
    tcase_add_test(tc, test_null_after_value);
    tcase_add_test(tc, test_negative_zero);
    tcase_add_test(tc, test_null_versus_empty);
    tcase_add_test(tc, test_large_bytes);
    tcase_add_loop_test(tc, test_decimal_spelling, 0, NDECIMALS);
    tcase_add_loop_test(tc, test_decimal_refused, 0,
                        sizeof bad_decimals / sizeof bad_decimals[0]);
    tcase_add_loop_test(tc, test_utf8_refused, 0, NBAD_UTF8);
    tcase_add_test(tc, test_utf8_refused_elsewhere);
    tcase_add_loop_test(tc, test_utf8_accepted, 0,
                        sizeof good_utf8 / sizeof good_utf8[0]);
    tcase_add_test(tc, test_text_stored_as_given);
    if (!on_sqlite()) {
        tcase_add_test(tc, test_nan);
        tcase_add_loop_test(tc, test_nonfinite_refused, 0, 12);
        tcase_add_loop_test(tc, test_date_out_of_range, 0,
                            sizeof beyond_pg / sizeof beyond_pg[0]);
    }
    suite_add_tcase(s, tc);

    tc = fixture_case("rows");
    tcase_add_test(tc, test_defaults_filled);
    tcase_add_test(tc, test_defaults_not_applied_to_values);
    tcase_add_test(tc, test_failed_insert_keeps_struct);
    tcase_add_test(tc, test_autoincrement);
    tcase_add_test(tc, test_not_found);
    tcase_add_test(tc, test_update_and_delete);
    tcase_add_loop_test(tc, test_update_cols, 0, NMASK_CASES);
    tcase_add_test(tc, test_update_cols_cached);
    tcase_add_test(tc, test_composite_key);
    suite_add_tcase(s, tc);

    tc = fixture_case("errors");
    add_violations(tc);
    suite_add_tcase(s, tc);

    tc = fixture_case("transactions");
    tcase_set_timeout(tc, 60); /* test_busy waits on purpose */
    tcase_add_test(tc, test_rollback_insert);
    tcase_add_test(tc, test_nested_savepoints);
    tcase_add_test(tc, test_transaction_misuse);
    tcase_add_test(tc, test_commit_after_error);
    tcase_add_test(tc, test_savepoint_recovers);
    tcase_add_test(tc, test_close_rolls_back);
    tcase_add_test(tc, test_busy);
    tcase_add_test(tc, test_insert_many);
    tcase_add_test(tc, test_insert_many_all_or_nothing);
    tcase_add_test(tc, test_insert_many_read_from_rows);
    tcase_add_test(tc, test_insert_many_defaults_between);
    tcase_add_test(tc, test_update_many);
    tcase_add_loop_test(tc, test_update_many_all_or_nothing, 0, 4);
    tcase_add_test(tc, test_delete_many);
    tcase_add_loop_test(tc, test_delete_many_all_or_nothing, 0, 3);
    tcase_add_test(tc, test_update_many_large);
    tcase_add_test(tc, test_update_many_nulls);
    suite_add_tcase(s, tc);

    tc = fixture_case("statements");
    tcase_add_test(tc, test_prepared_once);
    tcase_add_test(tc, test_cache_grows);
    tcase_add_test(tc, test_trace_talk_example);
    tcase_add_test(tc, test_trace_value_formats);
    tcase_add_test(tc, test_trace_stderr);
    suite_add_tcase(s, tc);

    tc = tcase_create("helpers");
    tcase_set_timeout(tc, 120); /* the date walk, under valgrind */
    tcase_add_test(tc, test_arena);
    tcase_add_loop_test(tc, test_date, 0, sizeof dates / sizeof dates[0]);
    tcase_add_test(tc, test_date_walk);
    tcase_add_test(tc, test_now);
    suite_add_tcase(s, tc);

    tc = fixture_case("open");
    tcase_add_loop_test(tc, test_open_errors, 0,
                        sizeof bad_urls / sizeof bad_urls[0]);
    tcase_add_test(tc, test_open_misuse);
    if (on_sqlite()) {
        tcase_add_test(tc, test_open_not_a_database);
        tcase_add_test(tc, test_file_wal);
    }
    tcase_add_test(tc, test_create_all_idempotent);
    tcase_add_test(tc, test_create_all_errors);
    suite_add_tcase(s, tc);
    return s;
}
