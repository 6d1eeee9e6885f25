/*
 * test-query.c - the query engine (runtime/query.c) against code that
 * schemac generated from tests/data/query.schema: a table with a column
 * of every type, the users, programs and enrollments of the talk, a
 * self-referencing table and a composite-key parent with its child.
 *
 * Queries are built with the sc_query_* calls and column indexes looked up
 * by name, so the suite does not depend on the typed wrappers.  The
 * database is SCHEMAC_TEST_URL (SQLite in memory by default), emptied
 * before every test by testdb.c; tests that are about SQLite itself
 * (query plans, SQL text with '?') skip on others.
 *
 * Covered: every operator on every type that takes it, checked against
 * the same predicate evaluated in C; like, ilike and starts_with on
 * ASCII, Korean and 4-byte UTF-8; in / not in with 0, 1 and many values;
 * groups; order, limit, offset, distinct; every terminal on 0, 1 and many
 * rows; streaming 200 000 rows in constant memory on both databases, a
 * row function that writes, fails, or streams again; joins both ways and a
 * self join; bulk update and delete; load_children and load_parent;
 * hostile strings; the statement cache; misuse and constraint errors.
 */
#define _GNU_SOURCE /* mallinfo2 */
#include <check.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "query_db.h"
#include "schemac.h"
#include "testdb.h"

static sc_db *db;
static sc_arena *arena;

static bool on_sqlite(void)
{
    return sc_db_dialect(db) == SC_DIALECT_SQLITE;
}

/* An empty database (see testdb.h: a server's schema is dropped and made
 * again, so keys start at 1 as on a new in-memory database) with the
 * schema. */
static void setup(void)
{
    db = testdb_open();
    ck_assert_msg(query_create_all(db) == SC_OK, "%s", sc_errmsg(db));
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    sc_arena_free(arena);
    sc_close(db);
    arena = NULL;
    db = NULL;
}

/* The index of column name in t. */
static unsigned col(const sc_table_desc *t, const char *name)
{
    unsigned i;

    for (i = 0; i < t->ncols; i++) {
        if (strcmp(t->cols[i].name, name) == 0)
            return i;
    }
    ck_abort_msg("no column %s in %s", name, t->name);
    return 0;
}

static int64_t count_of(sc_query *q)
{
    int64_t n = -1;

    ck_assert_msg(sc_query_count(q, &n) == SC_OK, "%s", sc_errmsg(db));
    return n;
}

/* A filter on a text column of users (q may be a joined users handle). */
static void where_text(sc_query *q, const char *column, sc_op op,
                       const char *s)
{
    sc_query_where(q, col(&query_users_table, column), op, &s);
}

static sc_stats stats_now(void)
{
    sc_stats st;

    ck_assert_int_eq(sc_db_stats(db, &st), SC_OK);
    return st;
}

/* ---------------------------------------------------------------------
 * The talk's data: users 배준현, 김준기, 강대성, 한성준 (and 최영선 when
 * asked), six programs, three enrollments in the first program.
 * ------------------------------------------------------------------- */

static query_user users[5];
static query_program programs[6];
static query_program_enrollment enrollments[3];

static void add_talk_data(void)
{
    static const char *const names[] = {"배준현", "김준기", "강대성",
                                        "한성준", "최영선"};
    static const char *const emails[] = {
        "junhyun.bae@pycon.kr", "joongi.kim@pycon.kr",
        "daesung.kang@pycon.kr", "sungjun.han@pycon.kr",
        "yeongseon.choe@pycon.kr"};
    static const char *const titles[] = {
        "SQLAlchemy and Alembic", "얼렁뚱땅 파이썬 대소동",
        "Meet aiotools: asyncio Idiom Library", "PHP에서 Django로 갈아타기",
        "파이썬을 통한 주식투자 보조시스템 만들기", "니름: 쉬운 SOA 단위 테스트"};
    size_t i;

    memset(users, 0, sizeof users);
    for (i = 0; i < 5; i++) {
        users[i].user_name = names[i];
        users[i].user_email = emails[i];
        users[i].karma = (int64_t)i * 150;
        users[i].has_karma = i != 1;
        ck_assert_int_eq(query_users_insert(db, &users[i]), SC_OK);
    }
    memset(programs, 0, sizeof programs);
    for (i = 0; i < 6; i++) {
        programs[i].program_name = titles[i];
        programs[i].level = (query_mood)(i % 3);
        ck_assert_int_eq(query_programs_insert(db, &programs[i]), SC_OK);
    }
    for (i = 0; i < 3; i++) {
        enrollments[i].program_id = programs[0].program_id;
        enrollments[i].user_id = users[i].user_id;
        ck_assert_int_eq(query_program_enrollments_insert(db, &enrollments[i]),
                         SC_OK);
    }
}

/* ---------------------------------------------------------------------
 * Things: a row of every type, with values spread so that every operator
 * splits them, and NULLs in every third row.
 * ------------------------------------------------------------------- */

#define NTHINGS 12

static query_thing things[NTHINGS];

static const char *const thing_texts[NTHINGS] = {
    "alpha", "Alpha", "beta", "gamma", "최영선", "a_b",
    "axb", "50%_off", "back\\slash", "", "zeta", "\xf0\x9f\x98\x80smile"};
static const char *const thing_words[NTHINGS] = {
    NULL, "w1", "w2", NULL, "w4", "w5", NULL, "w7", "w8", NULL, "w1", "w5"};
static const uint8_t thing_bytes[] = {0, 1, 2, 3, 0xff, 0x80, 7};

static void make_thing(int i, query_thing *t)
{
    bool has = i % 3 != 0;

    memset(t, 0, sizeof *t);
    t->b = i % 2;
    t->nb = i % 4 < 2, t->has_nb = has;
    t->i16 = (int16_t)((i * 7) % 5 - 2);
    t->ni16 = (int16_t)(i * 3 - 10), t->has_ni16 = has;
    t->i32 = i * 1000 - 5000;
    t->ni32 = (i % 4) * 100, t->has_ni32 = has;
    t->i64 = (int64_t)(i % 6) * 1000000000000 - 2500000000000;
    t->ni64 = -(int64_t)i, t->has_ni64 = has;
    t->f32 = (float)(i % 5) * 0.5f - 1.0f;
    t->nf32 = (float)i * 0.25f, t->has_nf32 = has;
    t->f64 = (double)(i % 7) * 0.1 - 0.3;
    t->nf64 = 1e300 * (i % 2 ? 1 : -1), t->has_nf64 = has;
    t->num = (int64_t)(i % 5) * 125 - 250;
    t->nnum = (int64_t)i * 99, t->has_nnum = has;
    t->txt = thing_texts[i];
    t->ntxt = has ? thing_texts[(i + 5) % NTHINGS] : NULL;
    t->by.data = thing_bytes + i % 4;
    t->by.len = (size_t)(i % 3);
    t->nby.data = has ? thing_bytes + i % 5 : NULL;
    t->nby.len = has ? 2 : 0;
    t->d = sc_date_from_ymd(1999 + i % 4, 1 + i % 12, 28);
    t->nd = sc_date_from_ymd(1960, 1, 1) + i, t->has_nd = has;
    t->ts = (int64_t)(i % 5) * 3600000000 - 1;
    t->nts = (int64_t)i * 86400000000, t->has_nts = has;
    t->u.b[0] = (uint8_t)(i % 6), t->u.b[15] = (uint8_t)i;
    t->nu.b[3] = (uint8_t)(i % 2), t->has_nu = has;
    t->m = (query_mood)(i % 3);
    t->nm = (query_mood)((i + 1) % 3), t->has_nm = has;
    t->word = thing_words[i];
}

static void add_things(void)
{
    int i;

    for (i = 0; i < NTHINGS; i++) {
        make_thing(i, &things[i]);
        ck_assert_msg(query_things_insert(db, &things[i]) == SC_OK, "%s",
                      sc_errmsg(db));
    }
}

/* The size of a value of each type's C form in an array. */
static const size_t value_sizes[] = {
    [SC_TYPE_BOOL] = sizeof(bool),         [SC_TYPE_INT16] = 2,
    [SC_TYPE_INT32] = 4,                   [SC_TYPE_INT64] = 8,
    [SC_TYPE_FLOAT32] = 4,                 [SC_TYPE_FLOAT64] = 8,
    [SC_TYPE_NUMERIC] = 8,                 [SC_TYPE_TEXT] = sizeof(char *),
    [SC_TYPE_BYTES] = sizeof(sc_bytes),    [SC_TYPE_DATE] = 4,
    [SC_TYPE_TIMESTAMP] = 8,               [SC_TYPE_UUID] = sizeof(sc_uuid),
    [SC_TYPE_ENUM] = sizeof(int)};

static size_t value_size(sc_type type)
{
    return value_sizes[type];
}

static const void *field_of(const sc_column_desc *c, const void *row)
{
    return (const char *)row + c->offset;
}

static bool is_null(const sc_column_desc *c, const void *row)
{
    bool has;
    const char *s;
    sc_bytes by;

    if (c->flags & SC_COL_HASFLAG) {
        memcpy(&has, (const char *)row + c->has_offset, sizeof has);
        return !has;
    }
    if (c->type == SC_TYPE_TEXT) {
        memcpy(&s, field_of(c, row), sizeof s);
        return s == NULL;
    }
    if (c->type == SC_TYPE_BYTES) {
        memcpy(&by, field_of(c, row), sizeof by);
        return by.data == NULL;
    }
    return false;
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int cmp_bytes(const void *a, size_t na, const void *b, size_t nb)
{
    int r = memcmp(a, b, na < nb ? na : nb);

    return r != 0 ? (r < 0 ? -1 : 1) : CMP(na, nb);
}

/* Compares a value of c's C type at x with one at y, as the database
 * orders them (text and bytes byte-wise). */
static int cmp_value(const sc_column_desc *c, const void *x, const void *y)
{
    switch (c->type) {
    case SC_TYPE_BOOL:
        return CMP(*(const bool *)x, *(const bool *)y);
    case SC_TYPE_INT16:
        return CMP(*(const int16_t *)x, *(const int16_t *)y);
    case SC_TYPE_INT32:
    case SC_TYPE_DATE:
    case SC_TYPE_ENUM:
        return CMP(*(const int32_t *)x, *(const int32_t *)y);
    case SC_TYPE_FLOAT32:
        return CMP(*(const float *)x, *(const float *)y);
    case SC_TYPE_FLOAT64:
        return CMP(*(const double *)x, *(const double *)y);
    case SC_TYPE_TEXT: {
        const char *a = *(const char *const *)x, *b = *(const char *const *)y;

        return cmp_bytes(a, strlen(a), b, strlen(b));
    }
    case SC_TYPE_BYTES: {
        const sc_bytes *a = x, *b = y;

        return cmp_bytes(a->data, a->len, b->data, b->len);
    }
    case SC_TYPE_UUID:
        return cmp_bytes(x, 16, y, 16);
    default:
        return CMP(*(const int64_t *)x, *(const int64_t *)y);
    }
}

static bool op_holds(sc_op op, int cmp)
{
    switch (op) {
    case SC_OP_EQ:
        return cmp == 0;
    case SC_OP_NE:
        return cmp != 0;
    case SC_OP_LT:
        return cmp < 0;
    case SC_OP_LE:
        return cmp <= 0;
    case SC_OP_GT:
        return cmp > 0;
    default:
        return cmp >= 0;
    }
}

/* Whether row t matches "c in values[0..n)" (NOT IN when negate); a NULL
 * matches neither. */
static bool in_holds(const sc_column_desc *c, const query_thing *t,
                     const char *values, size_t n, bool negate)
{
    size_t i;

    if (is_null(c, t))
        return false;
    for (i = 0; i < n; i++) {
        if (cmp_value(c, field_of(c, t), values + i * value_size(c->type)) ==
            0)
            return !negate;
    }
    return negate;
}

/* Runs q ordered by id and checks that it returns exactly the things for
 * which want[i] holds, in order; also checks count and exists. */
static void expect_things(sc_query *q, const bool *want, const char *what)
{
    void *rows;
    const query_thing *got;
    size_t n, i, k = 0, nwant = 0;
    bool yes;

    for (i = 0; i < NTHINGS; i++)
        nwant += want[i];
    sc_query_order_by(q, col(&query_things_table, "id"), SC_ASC);
    ck_assert_msg(sc_query_all(q, arena, &rows, &n) == SC_OK, "%s: %s", what,
                  sc_errmsg(db));
    ck_assert_msg(n == nwant, "%s: %zu rows, want %zu", what, n, nwant);
    got = rows;
    for (i = 0; i < NTHINGS; i++) {
        if (want[i])
            ck_assert_msg(got[k++].id == things[i].id, "%s: row %zu", what,
                          i);
    }
    ck_assert_int_eq(count_of(q), (int64_t)nwant);
    ck_assert_int_eq(sc_query_exists(q, &yes), SC_OK);
    ck_assert(yes == (nwant > 0));
}

/* ---------------------------------------------------------------------
 * Operators, table-driven: each column against values taken from rows.
 * ------------------------------------------------------------------- */

static const char *const compared[] = {
    "b",  "nb",  "i16", "ni16", "i32", "ni32", "i64", "ni64", "f32",
    "nf32", "f64", "nf64", "num", "nnum", "txt", "ntxt", "by", "nby",
    "d",  "nd",  "ts",  "nts",  "u",   "nu",   "m",   "nm"};
#define NCOMPARED (sizeof compared / sizeof compared[0])

static bool ordered_type(sc_type type)
{
    return type != SC_TYPE_ENUM;
}

START_TEST(test_compare_ops)
{
    const sc_table_desc *t = &query_things_table;
    const sc_column_desc *c = &t->cols[col(t, compared[_i])];
    static const int probes[] = {1, 2, 5, 7};
    sc_op op, last = ordered_type(c->type) ? SC_OP_GE : SC_OP_NE;
    bool want[NTHINGS];
    char what[96];
    size_t p, i;
    sc_query *q;

    add_things();
    for (p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        const query_thing *probe = &things[probes[p]];

        if (is_null(c, probe))
            continue;
        for (op = SC_OP_EQ; op <= last; op++) {
            for (i = 0; i < NTHINGS; i++)
                want[i] = !is_null(c, &things[i]) &&
                          op_holds(op, cmp_value(c, field_of(c, &things[i]),
                                                 field_of(c, probe)));
            snprintf(what, sizeof what, "%s op %d probe %d", c->name, op,
                     probes[p]);
            q = sc_query_new(db, t);
            sc_query_where(q, (unsigned)(c - t->cols), op,
                           field_of(c, probe));
            expect_things(q, want, what);
            sc_query_free(q);
        }
    }
}
END_TEST

START_TEST(test_in_ops)
{
    const sc_table_desc *t = &query_things_table;
    const sc_column_desc *c = &t->cols[col(t, compared[_i])];
    static const int picks[] = {2, 4, 5, 8, 10};
    char values[5 * sizeof(sc_bytes)];
    static const size_t counts[] = {0, 1, 3, 5};
    bool want[NTHINGS];
    char what[96];
    size_t k, n, i, neg;
    sc_query *q;

    add_things();
    for (k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        n = counts[k];
        for (i = 0; i < n; i++)
            memcpy(values + i * value_size(c->type),
                   field_of(c, &things[picks[i]]),
                   value_size(c->type));
        for (neg = 0; neg < 2; neg++) {
            for (i = 0; i < NTHINGS; i++)
                want[i] = in_holds(c, &things[i], values, n, neg);
            if (n == 0 && neg) /* NOT IN () holds for NULLs too */
                for (i = 0; i < NTHINGS; i++)
                    want[i] = true;
            snprintf(what, sizeof what, "%s %s %zu values", c->name,
                     neg ? "not in" : "in", n);
            q = sc_query_new(db, t);
            sc_query_where_in(q, (unsigned)(c - t->cols),
                              neg ? SC_OP_NOT_IN : SC_OP_IN, values, n);
            expect_things(q, want, what);
            sc_query_free(q);
        }
    }
}
END_TEST

/* IS NULL and IS NOT NULL on every nullable column. */
START_TEST(test_null_ops)
{
    const sc_table_desc *t = &query_things_table;
    bool want[NTHINGS];
    unsigned c, i, neg;
    sc_query *q;

    add_things();
    for (c = 0; c < t->ncols; c++) {
        if (t->cols[c].flags & SC_COL_NOTNULL)
            continue;
        for (neg = 0; neg < 2; neg++) {
            for (i = 0; i < NTHINGS; i++)
                want[i] = is_null(&t->cols[c], &things[i]) != (neg == 1);
            if (strcmp(t->cols[c].name, "dec") == 0 ||
                strcmp(t->cols[c].name, "doc") == 0)
                for (i = 0; i < NTHINGS; i++)
                    want[i] = !neg; /* never set */
            q = sc_query_new(db, t);
            sc_query_where(q, c, neg ? SC_OP_IS_NOT_NULL : SC_OP_IS_NULL,
                           NULL);
            expect_things(q, want, t->cols[c].name);
            sc_query_free(q);
        }
    }
}
END_TEST

/* Streams rows back and checks each column equal to what was inserted
 * (texts and bytes read from the statement's memory). */
static int check_thing_row(void *ctx, const void *row)
{
    const query_thing *got = row;
    int *seen = ctx;
    const query_thing *want = &things[*seen];

    ck_assert_int_eq(got->id, want->id);
    ck_assert_str_eq(got->txt, want->txt);
    ck_assert_int_eq(got->by.len, want->by.len);
    ck_assert(got->by.len == 0 ||
              memcmp(got->by.data, want->by.data, got->by.len) == 0);
    ck_assert(got->has_nf64 == want->has_nf64);
    ck_assert(!got->has_nf64 || got->nf64 == want->nf64);
    ck_assert(got->has_nm == want->has_nm);
    ck_assert(!got->has_nm || got->nm == want->nm);
    ck_assert(memcmp(&got->u, &want->u, sizeof got->u) == 0);
    (*seen)++;
    return 0;
}

START_TEST(test_each_reads_columns)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    int seen = 0;

    add_things();
    sc_query_order_by(q, col(&query_things_table, "id"), SC_ASC);
    ck_assert_int_eq(sc_query_each(q, check_thing_row, &seen), SC_OK);
    ck_assert_int_eq(seen, NTHINGS);
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * Text: like, ilike, starts_with, escaping, hostile strings.
 * ------------------------------------------------------------------- */

static int64_t insert_text(const char *txt, const char *word)
{
    query_thing t;

    make_thing(1, &t);
    t.txt = txt;
    t.word = word;
    ck_assert_msg(query_things_insert(db, &t) == SC_OK, "%s", sc_errmsg(db));
    return t.id;
}

/* How many things match "column op pattern". */
static int64_t text_count(const char *column, sc_op op, const char *s)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    int64_t n;

    sc_query_where(q, col(&query_things_table, column), op, &s);
    n = count_of(q);
    sc_query_free(q);
    return n;
}

START_TEST(test_like)
{
    static const char *const texts[] = {
        "alpha", "Alpha", "ALPHA", "50%_off", "50 percent", "5005_off",
        "a_b", "axb", "back\\slash", "최영선", "최씨", "abc"};
    size_t i;

    for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
        insert_text(texts[i], NULL);
    /* LIKE is case-sensitive on both databases */
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "alpha"), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "al%"), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_ILIKE, "alpha"), 3);
    ck_assert_int_eq(text_count("txt", SC_OP_ILIKE, "AL%"), 3);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "최%"), 2);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "%영%"), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "a_b"), 2);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE,
                                sc_like_escape(arena, "a_b")), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "50%"), 3);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "50%_off"), 2);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE,
                                sc_like_escape(arena, "50%_off")), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_ILIKE,
                                sc_like_escape(arena, "50%_OFF")), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE,
                                sc_like_escape(arena, "back\\slash")), 1);
    ck_assert_int_eq(text_count("txt", SC_OP_LIKE, "back\\\\%"), 1);
}
END_TEST

START_TEST(test_like_escape)
{
    ck_assert_str_eq(sc_like_escape(arena, "50%_off\\"),
                     "50\\%\\_off\\\\");
    ck_assert_str_eq(sc_like_escape(arena, ""), "");
    ck_assert_str_eq(sc_like_escape(arena, "최영선"), "최영선");
    ck_assert_ptr_null(sc_like_escape(arena, NULL));
}
END_TEST

/* starts_with, with the texts of the words column (indexed). */
START_TEST(test_starts_with)
{
    static const char *const words[] = {
        "apple", "apricot", "banana", "ap", "a", "b", "",
        "최영선", "최씨", "최", "채", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80x",
        "\xf0\x9f\x98\x81", "\xed\x9f\xbf" "a", "\xee\x80\x80",
        "z\xf4\x8f\xbf\xbf", "z\xf4\x8f\xbf\xbf" "q", "{", "\x7f" "x",
        "\xc2\x80"};
    static const struct {
        const char *prefix;
        int64_t n;
    } cases[] = {
        {"ap", 3},
        {"a", 4},
        {"apple", 1},
        {"apples", 0},
        {"b", 2},
        {"최", 3},
        {"최영", 1},
        {"\xf0\x9f\x98\x80", 2},      /* U+1F600: 4 bytes */
        {"\xed\x9f\xbf", 1},          /* U+D7FF: the next is U+E000 */
        {"z\xf4\x8f\xbf\xbf", 2},     /* U+10FFFF: carries to "{" */
        {"z", 2},
        {"\x7f", 1},                  /* U+007F: the next is 2 bytes */
        {"", 21},                     /* every non-NULL value */
    };
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        insert_text("t", words[i]);
    insert_text("t", NULL);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(text_count("word", SC_OP_STARTS_WITH,
                                 cases[i].prefix) == cases[i].n,
                      "starts_with '%s'", cases[i].prefix);
}
END_TEST

/* The point of starts_with: SQLite searches the index for it. */
START_TEST(test_starts_with_plan)
{
    char path[] = "/tmp/test-query-XXXXXX";
    char url[64], *plan_sql;
    const char *sql, *detail;
    sqlite3 *raw;
    sqlite3_stmt *st;
    sc_query *q;
    int fd;

    if (!on_sqlite())
        return;
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    sc_close(db);
    snprintf(url, sizeof url, "sqlite:%s", path);
    ck_assert_int_eq(sc_open(url, &db), SC_OK);
    ck_assert_int_eq(sc_schema_create_all(db, &query_schema), SC_OK);
    q = sc_query_new(db, &query_things_table);
    sc_query_where(q, col(&query_things_table, "word"), SC_OP_STARTS_WITH,
                   &(const char *){"최영"});
    sql = sc_query_sql(q);
    ck_assert_ptr_nonnull(
        strstr(sql, "WHERE (\"word\" >= ? AND \"word\" < ?)"));
    ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
    plan_sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    ck_assert_int_eq(sqlite3_prepare_v2(raw, plan_sql, -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    detail = (const char *)sqlite3_column_text(st, 3);
    ck_assert_msg(strstr(detail, "SEARCH") != NULL &&
                      strstr(detail, "USING INDEX") != NULL &&
                      strstr(detail, "word>? AND word<?") != NULL,
                  "plan: %s", detail);
    sqlite3_finalize(st);
    sqlite3_free(plan_sql);
    sqlite3_close(raw);
    sc_query_free(q);
    unlink(path);
    snprintf(url, sizeof url, "%s-wal", path);
    unlink(url);
    snprintf(url, sizeof url, "%s-shm", path);
    unlink(url);
}
END_TEST

/* A LIKE pattern for the strings that start with the first n bytes of
 * s, escaped. */
static const char *like_prefix(const char *s, size_t n)
{
    char *head = sc_arena_alloc(arena, n + 1), *pattern, *out;

    memcpy(head, s, n);
    head[n] = '\0';
    pattern = sc_like_escape(arena, head);
    out = sc_arena_alloc(arena, strlen(pattern) + 2);
    sprintf(out, "%s%%", pattern);
    return out;
}

/* Strings that would break SQL pasted together come back byte for byte
 * through eq, like (escaped) and in. */
START_TEST(test_hostile_strings)
{
    static const char *const hostile[] = {
        "it's", "\"quoted\"", "'; DROP TABLE users; --", "%", "_", "\\",
        "\\%", "a\\_b", "\xf0\x9f\x92\xa9\xf0\x90\x8d\x88",
        "\x01\x02\t\n\r\x1b\x7f",
        "?", "$1", ":name", "' OR '1'='1", "NULL", "/* */", "--"};
    size_t n = sizeof hostile / sizeof hostile[0], i;
    int64_t ids[sizeof hostile / sizeof hostile[0] + 1];
    char *big = malloc(100 * 1024 + 1);
    query_thing got;
    sc_query *q;

    for (i = 0; i < 100 * 1024; i++)
        big[i] = (char)(i % 7 == 0 ? '\'' : i % 11 == 0 ? '%' : 'a' + i % 26);
    big[100 * 1024] = '\0';
    for (i = 0; i < n; i++)
        ids[i] = insert_text(hostile[i], NULL);
    ids[n] = insert_text(big, NULL);
    for (i = 0; i <= n; i++) {
        const char *s = i < n ? hostile[i] : big;
        const char *pattern = sc_like_escape(arena, s);

        if (i == n) /* SQLite refuses LIKE patterns over 50 000 bytes */
            pattern = like_prefix(big, 20000);

        q = sc_query_new(db, &query_things_table);
        sc_query_where(q, col(&query_things_table, "txt"), SC_OP_EQ, &s);
        ck_assert_int_eq(sc_query_one(q, arena, &got), SC_OK);
        ck_assert_int_eq(got.id, ids[i]);
        ck_assert_str_eq(got.txt, s);
        sc_query_free(q);
        q = sc_query_new(db, &query_things_table);
        sc_query_where(q, col(&query_things_table, "txt"), SC_OP_LIKE,
                       &pattern);
        ck_assert_int_eq(sc_query_one(q, arena, &got), SC_OK);
        ck_assert_int_eq(got.id, ids[i]);
        sc_query_free(q);
    }
    q = sc_query_new(db, &query_things_table);
    sc_query_where_in(q, col(&query_things_table, "txt"), SC_OP_IN, hostile,
                      n);
    ck_assert_int_eq(count_of(q), (int64_t)n);
    sc_query_free(q);
    q = sc_query_new(db, &query_things_table);
    sc_query_where(q, col(&query_things_table, "txt"), SC_OP_STARTS_WITH,
                   &big);
    ck_assert_int_eq(count_of(q), 1);
    sc_query_free(q);
    ck_assert_int_eq(sc_exec(db, "SELECT 1 FROM \"users\""), SC_OK);
    free(big);
}
END_TEST

/* ---------------------------------------------------------------------
 * Groups.
 * ------------------------------------------------------------------- */

/* How many users match the filters of build (may be NULL), inside a
 * group opened by begin when begin is not NULL. */
static int64_t users_where(void (*begin)(sc_query *q),
                           void (*build)(sc_query *q))
{
    sc_query *q = sc_query_new(db, &query_users_table);
    int64_t n;

    if (begin != NULL)
        begin(q);
    if (build != NULL)
        build(q);
    if (begin != NULL)
        sc_query_end(q);
    n = count_of(q);
    sc_query_free(q);
    return n;
}

static void names_or(sc_query *q)
{
    sc_query_begin_or(q);
    where_text(q, "user_name", SC_OP_EQ, "김준기");
    where_text(q, "user_name", SC_OP_EQ, "강대성");
    where_text(q, "user_name", SC_OP_EQ, "nobody");
    sc_query_end(q);
}

static void or_and_not(sc_query *q)
{
    /* (name = 김준기 OR name = 강대성) AND NOT (karma IS NULL) */
    names_or(q);
    sc_query_begin_not(q);
    sc_query_where(q, col(&query_users_table, "karma"), SC_OP_IS_NULL, NULL);
    sc_query_end(q);
}

static void nested(sc_query *q)
{
    /* name LIKE '%성%' OR (karma >= 300 AND NOT (name = 강대성)) */
    int64_t k = 300;

    sc_query_begin_or(q);
    where_text(q, "user_name", SC_OP_LIKE, "%성%");
    sc_query_begin_and(q);
    sc_query_where(q, col(&query_users_table, "karma"), SC_OP_GE, &k);
    sc_query_begin_not(q);
    where_text(q, "user_name", SC_OP_EQ, "강대성");
    sc_query_end(q);
    sc_query_end(q);
    sc_query_end(q);
}

START_TEST(test_groups)
{
    add_talk_data();
    ck_assert_int_eq(users_where(NULL, names_or), 2);
    ck_assert_int_eq(users_where(NULL, or_and_not), 1); /* 김준기: NULL */
    ck_assert_int_eq(users_where(NULL, nested), 3); /* 강대성 한성준 최영선 */
    ck_assert_int_eq(users_where(sc_query_begin_not, names_or), 3);
    ck_assert_int_eq(users_where(sc_query_begin_and, or_and_not), 1);
    /* empty groups: OR () is false, AND () true, NOT () false */
    ck_assert_int_eq(users_where(sc_query_begin_or, NULL), 0);
    ck_assert_int_eq(users_where(sc_query_begin_and, NULL), 5);
    ck_assert_int_eq(users_where(sc_query_begin_not, NULL), 0);
}
END_TEST

START_TEST(test_group_sql)
{
    sc_query *q = sc_query_new(db, &query_users_table);

    if (!on_sqlite()) {
        sc_query_free(q);
        return;
    }
    nested(q);
    ck_assert_str_eq(sc_query_sql(q),
                     "SELECT \"user_id\", \"user_name\", \"user_email\", "
                     "\"karma\" FROM \"users\" WHERE (\"user_name\" LIKE ? "
                     "OR (\"karma\" >= ? AND NOT (\"user_name\" = ?)))");
    sc_query_free(q);
    /* the escape clause only for a pattern that escapes */
    q = sc_query_new(db, &query_users_table);
    where_text(q, "user_name", SC_OP_LIKE, "50\\%%");
    ck_assert_str_eq(sc_query_sql(q),
                     "SELECT \"user_id\", \"user_name\", \"user_email\", "
                     "\"karma\" FROM \"users\" WHERE \"user_name\" LIKE ? "
                     "ESCAPE '\\'");
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * Order, limit, offset, distinct.
 * ------------------------------------------------------------------- */

START_TEST(test_order_several)
{
    const sc_table_desc *t = &query_things_table;
    sc_query *q = sc_query_new(db, t);
    const query_thing *r;
    void *rows;
    size_t n, i;

    add_things();
    sc_query_order_by(q, col(t, "i16"), SC_ASC);
    sc_query_order_by(q, col(t, "b"), SC_DESC);
    sc_query_order_by(q, col(t, "id"), SC_DESC);
    ck_assert_int_eq(sc_query_all(q, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, NTHINGS);
    r = rows;
    for (i = 1; i < n; i++) {
        ck_assert(r[i - 1].i16 <= r[i].i16);
        if (r[i - 1].i16 == r[i].i16)
            ck_assert(r[i - 1].b >= r[i].b);
        if (r[i - 1].i16 == r[i].i16 && r[i - 1].b == r[i].b)
            ck_assert(r[i - 1].id > r[i].id);
    }
    sc_query_free(q);
}
END_TEST

/* The first thing in the order of one column. */
static query_thing first_by(const char *column, sc_order dir)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    query_thing got;

    sc_query_order_by(q, col(&query_things_table, column), dir);
    ck_assert_int_eq(sc_query_first(q, arena, &got), SC_OK);
    sc_query_free(q);
    return got;
}

START_TEST(test_order_nulls)
{
    add_things();
    /* NULLs come first ascending and last descending, on both */
    ck_assert(!first_by("ni32", SC_ASC).has_ni32);
    ck_assert_int_eq(first_by("ni32", SC_DESC).ni32, 300);
    ck_assert_int_eq(first_by("i32", SC_DESC).id, things[NTHINGS - 1].id);
}
END_TEST

START_TEST(test_limit_offset)
{
    const sc_table_desc *t = &query_things_table;
    sc_query *q = sc_query_new(db, t);
    const query_thing *r;
    query_thing got;
    void *rows;
    size_t n;

    add_things();
    sc_query_order_by(q, col(t, "id"), SC_ASC);
    sc_query_limit(q, 3);
    sc_query_offset(q, 2);
    ck_assert_int_eq(sc_query_all(q, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, 3);
    r = rows;
    ck_assert_int_eq(r[0].id, things[2].id);
    ck_assert_int_eq(r[2].id, things[4].id);
    ck_assert_int_eq(count_of(q), 3);
    ck_assert_int_eq(sc_query_first(q, arena, &got), SC_OK);
    ck_assert_int_eq(got.id, things[2].id); /* first of limit/offset */
    ck_assert_int_eq(sc_query_one(q, arena, &got), SC_MULTIPLE);
    sc_query_offset(q, 10);
    ck_assert_int_eq(count_of(q), 2);
    sc_query_limit(q, 0);
    ck_assert_int_eq(count_of(q), 0);
    ck_assert_int_eq(sc_query_first(q, arena, &got), SC_NOTFOUND);
    sc_query_free(q);
    q = sc_query_new(db, t); /* offset alone */
    sc_query_order_by(q, col(t, "id"), SC_DESC);
    sc_query_offset(q, 11);
    ck_assert_int_eq(sc_query_one(q, arena, &got), SC_OK);
    ck_assert_int_eq(got.id, things[0].id);
    ck_assert_int_eq(count_of(q), 1);
    sc_query_free(q);
}
END_TEST

START_TEST(test_distinct)
{
    sc_query *q, *e;
    int64_t pid;

    add_talk_data();
    enrollments[0].program_id = programs[1].program_id;
    enrollments[0].program_enrollment_id = 0;
    ck_assert_int_eq(query_program_enrollments_insert(db, &enrollments[0]),
                     SC_OK); /* 배준현 in two programs */
    q = sc_query_new(db, &query_users_table);
    e = sc_query_join(q, &query_program_enrollments_table,
                      &query_program_enrollments_table.fkeys[1], true);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(count_of(q), 4);
    sc_query_distinct(q);
    ck_assert_int_eq(count_of(q), 3);
    sc_query_limit(q, 2);
    ck_assert_int_eq(count_of(q), 2);
    if (on_sqlite())
        ck_assert_ptr_nonnull(strstr(sc_query_sql(q), "SELECT DISTINCT "
                                                      "\"users\".\"user_id\""));
    sc_query_free(q);
    pid = programs[0].program_id;
    q = sc_query_new(db, &query_program_enrollments_table);
    sc_query_where(q, col(&query_program_enrollments_table, "program_id"),
                   SC_OP_NE, &pid);
    ck_assert_int_eq(count_of(q), 1);
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * Terminals on 0, 1 and many rows.
 * ------------------------------------------------------------------- */

static int count_rows(void *ctx, const void *row)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

/* Runs every terminal on users named like pattern, expecting n rows. */
static void terminals(const char *pattern, size_t want)
{
    sc_query *q = sc_query_new(db, &query_users_table);
    query_user got, before;
    void *rows = (void *)1;
    size_t n = 99;
    int seen = 0, one_rc;
    bool yes;

    where_text(q, "user_name", SC_OP_LIKE, pattern);
    sc_query_order_by(q, col(&query_users_table, "user_id"), SC_ASC);
    ck_assert_int_eq(sc_query_all(q, arena, &rows, &n), SC_OK);
    ck_assert_uint_eq(n, want);
    ck_assert(want > 0 ? rows != NULL : rows == NULL);
    ck_assert_int_eq(count_of(q), (int64_t)want);
    ck_assert_int_eq(sc_query_exists(q, &yes), SC_OK);
    ck_assert(yes == (want > 0));
    ck_assert_int_eq(sc_query_each(q, count_rows, &seen), SC_OK);
    ck_assert_int_eq(seen, (int)want);
    ck_assert_int_eq(sc_query_first(q, arena, &got),
                     want ? SC_OK : SC_NOTFOUND);
    if (want == 0)
        ck_assert_str_eq(sc_errmsg(db), "no row of users matched");
    else
        ck_assert_int_eq(got.user_id, ((query_user *)rows)[0].user_id);
    memset(&before, 0x5a, sizeof before);
    got = before;
    one_rc = want == 0 ? SC_NOTFOUND : want == 1 ? SC_OK : SC_MULTIPLE;
    ck_assert_int_eq(sc_query_one(q, arena, &got), one_rc);
    if (one_rc != SC_OK)
        ck_assert(memcmp(&got, &before, sizeof got) == 0);
    if (one_rc == SC_MULTIPLE) {
        ck_assert_str_eq(sc_errmsg(db), "more than one row of users matched");
        ck_assert_str_eq(sc_errtable(db), "users");
    }
    sc_query_free(q);
}

START_TEST(test_terminals)
{
    terminals("%", 0);
    add_talk_data();
    terminals("%성%", 2);  /* the talk's count() */
    terminals("%영%", 1);  /* the talk's one() */
    terminals("%준%", 3);  /* MultipleResultsFound */
    terminals("%", 5);
    terminals("nobody", 0);
}
END_TEST

static int stop_after_three(void *ctx, const void *row)
{
    (void)row;
    return ++*(int *)ctx == 3;
}

START_TEST(test_each_stops)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    sc_stats before;
    int seen = 0;

    add_things();
    ck_assert_int_eq(sc_query_each(q, stop_after_three, &seen), SC_OK);
    ck_assert_int_eq(seen, 3);
    before = stats_now();
    seen = 0;
    ck_assert_int_eq(sc_query_each(q, count_rows, &seen), SC_OK);
    ck_assert_int_eq(seen, NTHINGS); /* reset, and run again from the top */
    ck_assert_uint_eq(stats_now().prepares, before.prepares);
    sc_query_free(q);
}
END_TEST

/* The callback runs the same query again: the running statement cannot
 * be shared, so the inner run gets its own. */
static int reenter(void *ctx, const void *row)
{
    int64_t n = 0;

    (void)row;
    ck_assert_int_eq(sc_query_count(ctx, &n), SC_OK);
    ck_assert_int_eq(sc_query_each(ctx, count_rows, &(int){0}), SC_OK);
    ck_assert_int_eq(n, NTHINGS);
    return 0;
}

START_TEST(test_each_reentrant)
{
    sc_query *q = sc_query_new(db, &query_things_table);

    add_things();
    ck_assert_int_eq(sc_query_each(q, reenter, q), SC_OK);
    sc_query_free(q);
}
END_TEST

/* A long stream (on PostgreSQL several batches, the next one asked for
 * while the row function runs) whose row function runs statements of
 * its own: counts, a nested stream, writes in savepoints; then one that
 * stops in the middle, after which the connection serves another query. */
#define NLONG 1000

typedef struct long_walk {
    int seen;
    int64_t id_sum;
    int stop_at; /* 0: never */
} long_walk;

static int long_row(void *ctx, const void *row)
{
    const query_category *c = row;
    long_walk *n = ctx;
    query_user u = {0};
    char name[32];
    int64_t k = -1;
    sc_query *q;

    n->id_sum += c->id;
    n->seen++;
    if (n->seen % 97 == 0) {
        q = sc_query_new(db, &query_users_table);
        ck_assert_int_eq(sc_query_count(q, &k), SC_OK);
        ck_assert_int_eq(sc_query_each(q, count_rows, &(int){0}), SC_OK);
        sc_query_free(q);
        ck_assert_int_ge(k, 0);
        snprintf(name, sizeof name, "nested %d of %d", n->seen, n->stop_at);
        u.user_name = u.user_email = name;
        ck_assert_int_eq(sc_begin(db), SC_OK);
        ck_assert_msg(query_users_insert(db, &u) == SC_OK, "%s",
                      sc_errmsg(db));
        ck_assert_int_eq(sc_commit(db), SC_OK);
    }
    return n->seen == n->stop_at;
}

START_TEST(test_each_long_nested)
{
    query_category *rows = calloc(NLONG, sizeof *rows);
    sc_query *q = sc_query_new(db, &query_categories_table);
    long_walk n = {0};
    int64_t want = 0, users = -1;
    sc_query *uq;
    int i;

    ck_assert_ptr_nonnull(rows);
    for (i = 0; i < NLONG; i++)
        rows[i].name = "c";
    ck_assert_int_eq(query_categories_insert_many(db, rows, NLONG), SC_OK);
    for (i = 0; i < NLONG; i++)
        want += rows[i].id;
    free(rows);
    ck_assert_msg(sc_query_each(q, long_row, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(n.seen, NLONG);
    ck_assert_int_eq(n.id_sum, want);
    memset(&n, 0, sizeof n);
    n.stop_at = 300;
    ck_assert_int_eq(sc_query_each(q, long_row, &n), SC_OK);
    ck_assert_int_eq(n.seen, 300);
    uq = sc_query_new(db, &query_users_table);
    ck_assert_int_eq(sc_query_count(uq, &users), SC_OK);
    ck_assert_int_eq(users, NLONG / 97 + 300 / 97);
    sc_query_free(uq);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    sc_query_free(q);
}
END_TEST

/* Inside the caller's transaction, as an ORM session streams: a long
 * stream whose row function reads and writes (in savepoints), then one
 * stopped early with most of its rows still to come, after which the
 * transaction goes on at once and commits what the row functions
 * wrote. */
START_TEST(test_each_in_transaction)
{
    query_category *rows = calloc(NLONG, sizeof *rows);
    sc_query *q = sc_query_new(db, &query_categories_table);
    sc_query *uq = sc_query_new(db, &query_users_table);
    long_walk n = {0};
    int64_t users = -1;
    int i, seen = 0;

    ck_assert_ptr_nonnull(rows);
    for (i = 0; i < NLONG; i++)
        rows[i].name = "c";
    ck_assert_int_eq(query_categories_insert_many(db, rows, NLONG), SC_OK);
    free(rows);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_msg(sc_query_each(q, long_row, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(n.seen, NLONG);
    ck_assert_int_eq(sc_txn_depth(db), 1);
    ck_assert_int_eq(sc_query_each(q, stop_after_three, &seen), SC_OK);
    ck_assert_int_eq(seen, 3);
    ck_assert_int_eq(sc_query_count(uq, &users), SC_OK);
    ck_assert_int_eq(users, NLONG / 97);
    ck_assert_msg(sc_commit(db) == SC_OK, "%s", sc_errmsg(db));
    ck_assert_int_eq(sc_txn_depth(db), 0);
    users = -1;
    ck_assert_int_eq(sc_query_count(uq, &users), SC_OK);
    ck_assert_int_eq(users, NLONG / 97);
    sc_query_free(uq);
    sc_query_free(q);
}
END_TEST

#define NSTREAM 200000

typedef struct stream {
    size_t seen;
    int64_t id_sum;
    const void *row;
    bool same_row;
    size_t heap0;
    size_t heap_max;
} stream;

static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    return mallinfo2().uordblks;
#else
    return 0;
#endif
}

static int stream_row(void *ctx, const void *row)
{
    const query_category *c = row;
    stream *s = ctx;
    size_t heap;

    if (s->row == NULL)
        s->row = row;
    s->same_row &= s->row == row && strcmp(c->name, "c") == 0;
    s->id_sum += c->id;
    if (++s->seen % 1000 == 0) {
        heap = heap_in_use();
        if (heap > s->heap_max)
            s->heap_max = heap;
    }
    return 0;
}

START_TEST(test_each_streams)
{
    query_category *rows = calloc(NSTREAM, sizeof *rows);
    sc_query *q = sc_query_new(db, &query_categories_table);
    stream s = {0};
    int64_t want = 0;
    size_t i;
    int rc;

    for (i = 0; i < NSTREAM; i++)
        rows[i].name = "c";
    ck_assert_int_eq(query_categories_insert_many(db, rows, NSTREAM), SC_OK);
    for (i = 0; i < NSTREAM; i++)
        want += rows[i].id;
    free(rows);
    s.same_row = true;
    s.heap0 = s.heap_max = heap_in_use();
    rc = sc_query_each(q, stream_row, &s);
    ck_assert_msg(rc == SC_OK, "sc_query_each: %d: %s", rc, sc_errmsg(db));
    ck_assert_uint_eq(s.seen, NSTREAM);
    ck_assert_int_eq(s.id_sum, want);
    ck_assert(s.same_row);                       /* one struct, reused */
    ck_assert_uint_eq(sc_arena_used(arena), 0);
    /* not per row, on either database: the whole result would take
     * several megabytes */
    ck_assert_uint_lt(s.heap_max - s.heap0, 1024 * 1024);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * A row function that writes, and fails, while the stream runs.  On
 * PostgreSQL the stream runs in a transaction (the caller's, or its own);
 * on SQLite, outside one, each statement of the row function commits by
 * itself.  See sc_query_each() in schemac.h.
 * ------------------------------------------------------------------- */

typedef struct writer {
    int seen;
    int depth_seen;      /* sc_txn_depth() inside the row function */
    int rc;              /* of the last write */
    bool savepoint;      /* write inside sc_begin() ... */
    bool fail;           /* ... a name that is taken, rolled back */
} writer;

/* Adds a user per row; with fail, the name of the first user again. */
static int write_row(void *ctx, const void *row)
{
    writer *w = ctx;
    char name[32], email[32];
    query_user u = {0};

    (void)row;
    w->depth_seen = sc_txn_depth(db);
    snprintf(name, sizeof name, "writer %d", w->seen);
    snprintf(email, sizeof email, "w%d@example.org", w->seen++);
    u.user_name = w->fail ? users[0].user_name : name;
    u.user_email = email;
    if (w->savepoint)
        ck_assert_int_eq(sc_begin(db), SC_OK);
    w->rc = query_users_insert(db, &u);
    if (w->savepoint && w->rc == SC_OK)
        ck_assert_int_eq(sc_commit(db), SC_OK);
    else if (w->savepoint)
        ck_assert_int_eq(sc_rollback(db), SC_OK);
    return 0;
}

static int64_t count_users(void)
{
    sc_query *q = sc_query_new(db, &query_users_table);
    int64_t n = -1;

    ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
    sc_query_free(q);
    return n;
}

/* Writes from the row function count, and the depth it sees is the
 * caller's, on both databases; so do writes in a savepoint of its own. */
START_TEST(test_each_writes)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    writer w = {0};

    add_talk_data();
    add_things();
    ck_assert_int_eq(sc_query_each(q, write_row, &w), SC_OK);
    ck_assert_int_eq(w.seen, NTHINGS);
    ck_assert_int_eq(w.depth_seen, 0);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(count_users(), 5 + NTHINGS);

    memset(&w, 0, sizeof w);
    w.savepoint = true;
    ck_assert_int_eq(sc_begin(db), SC_OK);
    ck_assert_int_eq(sc_query_each(q, write_row, &w), SC_OK);
    ck_assert_int_eq(w.depth_seen, 1);
    ck_assert_int_eq(sc_txn_depth(db), 1);
    ck_assert_int_eq(sc_rollback(db), SC_OK); /* the stream's writes too */
    ck_assert_int_eq(count_users(), 5 + NTHINGS);
    sc_query_free(q);
}
END_TEST

/* A failing write inside a savepoint of the row function is rolled back
 * to it and the stream goes on, on both databases. */
START_TEST(test_each_error_in_savepoint)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    writer w = {0};

    add_talk_data();
    add_things();
    w.savepoint = w.fail = true;
    ck_assert_int_eq(sc_query_each(q, write_row, &w), SC_OK);
    ck_assert_int_eq(w.seen, NTHINGS);
    ck_assert_int_eq(w.rc, SC_CONSTRAINT);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(count_users(), 5);
    ck_assert_int_eq(sc_begin(db), SC_OK); /* no transaction left over */
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    sc_query_free(q);
}
END_TEST

static bool on_postgresql(void)
{
    return testdb_dialect() == SC_DIALECT_POSTGRESQL;
}

/*
 * A failing write outside a savepoint: SQLite and MariaDB (which undo
 * the one statement) go on.  PostgreSQL has
 * aborted the transaction the stream runs in: each() stops at once with
 * that error instead of going on with a dead transaction, and rolls back
 * the transaction it opened (the rows written before go with it); inside
 * the caller's transaction, that one is left to roll back.
 */
START_TEST(test_each_error_aborts)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    writer w = {0};
    int rc;

    add_talk_data();
    add_things();
    w.fail = true;
    rc = sc_query_each(q, write_row, &w);
    ck_assert_int_eq(w.rc, SC_CONSTRAINT);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    if (!on_postgresql()) {
        ck_assert_int_eq(rc, SC_OK);
        ck_assert_int_eq(w.seen, NTHINGS);
    } else {
        ck_assert_int_eq(rc, SC_CONSTRAINT);
        ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_UNIQUE);
        ck_assert_str_eq(sc_errtable(db), "users");
        ck_assert_str_eq(sc_errcolumn(db), "user_name");
        ck_assert_ptr_nonnull(strstr(sc_errmsg(db),
                                     "each over things stopped: a statement "
                                     "of the row function failed"));
        ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "unique constraint "
                                     "failed on users.user_name"));
        ck_assert_int_eq(w.seen, 1);
    }
    ck_assert_int_eq(count_users(), 5); /* the connection goes on */

    /* inside the caller's transaction */
    memset(&w, 0, sizeof w);
    w.fail = true;
    ck_assert_int_eq(sc_begin(db), SC_OK);
    rc = sc_query_each(q, write_row, &w);
    ck_assert_int_eq(rc, !on_postgresql() ? SC_OK : SC_CONSTRAINT);
    ck_assert_int_eq(w.seen, !on_postgresql() ? NTHINGS : 1);
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(count_users(), 5);
    sc_query_free(q);
}
END_TEST

static int leave_open(void *ctx, const void *row)
{
    (void)row;
    if (++*(int *)ctx == 1)
        ck_assert_int_eq(sc_begin(db), SC_OK);
    return 0;
}

/* A level the row function leaves open: SQLite keeps it for the caller;
 * on PostgreSQL it is a savepoint in the stream's own transaction, which
 * cannot outlive each(), so each() refuses it and rolls everything back. */
START_TEST(test_each_leaves_level_open)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    int seen = 0;

    add_things();
    if (on_sqlite()) {
        ck_assert_int_eq(sc_query_each(q, leave_open, &seen), SC_OK);
        ck_assert_int_eq(sc_txn_depth(db), 1);
        ck_assert_int_eq(sc_rollback(db), SC_OK);
    } else {
        ck_assert_int_eq(sc_query_each(q, leave_open, &seen), SC_MISUSE);
        ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "left 1 transaction "
                                     "level(s) open"));
        ck_assert_int_eq(sc_txn_depth(db), 0);
    }
    ck_assert_int_eq(seen, NTHINGS);
    ck_assert_int_eq(sc_begin(db), SC_OK); /* no transaction left over */
    ck_assert_int_eq(sc_commit(db), SC_OK);
    sc_query_free(q);
}
END_TEST

/* A stream stopped early closes its cursor and ends the transaction it
 * opened; many streams nested in one another each have their own. */
static int nest(void *ctx, const void *row)
{
    sc_query *q = ctx;
    int n = 0, depth = 0;

    (void)row;
    ck_assert_int_eq(sc_query_each(q, count_rows, &n), SC_OK);
    ck_assert_int_eq(n, NTHINGS);
    ck_assert_int_eq(sc_query_each(q, stop_after_three, &depth), SC_OK);
    ck_assert_int_eq(depth, 3);
    return 0;
}

START_TEST(test_each_nested_stops)
{
    sc_query *q = sc_query_new(db, &query_things_table);
    int seen = 0;

    add_things();
    ck_assert_int_eq(sc_query_each(q, nest, q), SC_OK);
    ck_assert_int_eq(sc_query_each(q, stop_after_three, &seen), SC_OK);
    ck_assert_int_eq(seen, 3);
    ck_assert_int_eq(sc_txn_depth(db), 0);
    ck_assert_int_eq(sc_begin(db), SC_OK); /* no transaction left over */
    seen = 0;
    ck_assert_int_eq(sc_query_each(q, stop_after_three, &seen), SC_OK);
    ck_assert_int_eq(sc_query_each(q, nest, q), SC_OK);
    ck_assert_int_eq(sc_commit(db), SC_OK);
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * Joins.
 * ------------------------------------------------------------------- */

START_TEST(test_join_reverse)
{
    const sc_table_desc *pe = &query_program_enrollments_table;
    sc_query *q = sc_query_new(db, &query_users_table), *e;
    query_user_list list;
    void *rows;
    int64_t pid;

    add_talk_data();
    pid = programs[0].program_id;
    e = sc_query_join(q, pe, &pe->fkeys[1], true);
    sc_query_where(e, col(pe, "program_id"), SC_OP_EQ, &pid);
    sc_query_order_by(q, col(&query_users_table, "user_id"), SC_ASC);
    ck_assert_int_eq(sc_query_all(q, arena, &rows, &list.len), SC_OK);
    ck_assert_uint_eq(list.len, 3); /* the talk: users enrolled in 1 */
    list.items = rows;
    ck_assert_str_eq(list.items[0].user_name, "배준현");
    ck_assert_str_eq(list.items[2].user_name, "강대성");
    ck_assert_int_eq(count_of(q), 3);
    if (on_sqlite())
        ck_assert_str_eq(sc_query_sql(q),
                         "SELECT \"users\".\"user_id\", "
                         "\"users\".\"user_name\", \"users\".\"user_email\", "
                         "\"users\".\"karma\" FROM "
                         "\"users\" JOIN \"program_enrollments\" ON "
                         "\"program_enrollments\".\"user_id\" = "
                         "\"users\".\"user_id\" WHERE "
                         "\"program_enrollments\".\"program_id\" = ? ORDER BY "
                         "\"users\".\"user_id\"");
    sc_query_free(q);
}
END_TEST

START_TEST(test_join_forward)
{
    const sc_table_desc *pe = &query_program_enrollments_table;
    sc_query *q = sc_query_new(db, pe), *u, *p;
    query_program_enrollment got;

    add_talk_data();
    u = sc_query_join(q, &query_users_table, &pe->fkeys[1], false);
    where_text(u, "user_name", SC_OP_EQ, "김준기");
    ck_assert_int_eq(sc_query_one(q, arena, &got), SC_OK);
    ck_assert_int_eq(got.program_enrollment_id,
                     enrollments[1].program_enrollment_id);
    /* two joins: and the program is the talk's first */
    p = sc_query_join(q, &query_programs_table, &pe->fkeys[0], false);
    sc_query_where(p, col(&query_programs_table, "program_name"),
                   SC_OP_STARTS_WITH, &(const char *){"SQLAlchemy"});
    ck_assert_int_eq(count_of(q), 1);
    sc_query_order_by(p, col(&query_programs_table, "program_name"), SC_DESC);
    ck_assert_int_eq(sc_query_first(q, arena, &got), SC_OK);
    sc_query_free(q);
}
END_TEST

START_TEST(test_join_self)
{
    const sc_table_desc *t = &query_categories_table;
    static const char *const names[] = {"food", "fruit", "veg", "apple"};
    static const int parents[] = {-1, 0, 0, 1};
    query_category cats[4], got;
    sc_query *q, *other;
    size_t i;

    memset(cats, 0, sizeof cats);
    for (i = 0; i < 4; i++) {
        cats[i].name = names[i];
        cats[i].parent_id = parents[i] >= 0 ? cats[parents[i]].id : 0;
        cats[i].has_parent_id = parents[i] >= 0;
        ck_assert_int_eq(query_categories_insert(db, &cats[i]), SC_OK);
    }
    q = sc_query_new(db, t); /* categories whose parent is food */
    other = sc_query_join(q, t, &t->fkeys[0], false);
    sc_query_where(other, col(t, "name"), SC_OP_EQ, &(const char *){"food"});
    ck_assert_int_eq(count_of(q), 2);
    if (on_sqlite())
        ck_assert_ptr_nonnull(strstr(sc_query_sql(q),
                                     "FROM \"categories\" JOIN \"categories\" "
                                     "AS \"categories_2\" ON "
                                     "\"categories_2\".\"id\" = "
                                     "\"categories\".\"parent_id\" WHERE "
                                     "\"categories_2\".\"name\" = ?"));
    sc_query_free(q);
    q = sc_query_new(db, t); /* the category that has apple as a child */
    other = sc_query_join(q, t, &t->fkeys[0], true);
    sc_query_where(other, col(t, "name"), SC_OP_EQ, &(const char *){"apple"});
    ck_assert_int_eq(sc_query_one(q, arena, &got), SC_OK);
    ck_assert_str_eq(got.name, "fruit");
    sc_query_free(q);
}
END_TEST

typedef struct traced {
    char sql[1024];
    char params[256];
    int n;
} traced;

static void on_trace(void *ctx, const sc_trace_event *ev)
{
    traced *t = ctx;

    snprintf(t->sql, sizeof t->sql, "%s", ev->sql);
    snprintf(t->params, sizeof t->params, "%s", ev->params);
    t->n++;
}

/* ---------------------------------------------------------------------
 * Bulk update and delete.
 * ------------------------------------------------------------------- */

/* How many users have that karma. */
static int64_t with_karma(int64_t karma)
{
    sc_query *q = sc_query_new(db, &query_users_table);
    int64_t n;

    sc_query_where(q, col(&query_users_table, "karma"), SC_OP_EQ, &karma);
    n = count_of(q);
    sc_query_free(q);
    return n;
}

/* Sets karma on the rows of q; returns the rows changed. */
static int64_t set_karma(sc_query *q, const int64_t *karma)
{
    int64_t changed = -1;

    sc_query_set(q, col(&query_users_table, "karma"), karma);
    ck_assert_msg(sc_query_update_all(q, &changed) == SC_OK, "%s",
                  sc_errmsg(db));
    return changed;
}

START_TEST(test_update_all)
{
    sc_query *q = sc_query_new(db, &query_users_table);

    add_talk_data();
    where_text(q, "user_name", SC_OP_LIKE, "%성%");
    ck_assert_int_eq(set_karma(q, &(int64_t){10000}), 2);
    ck_assert_int_eq(with_karma(10000), 2);
    ck_assert_int_eq(set_karma(q, NULL), 2); /* replaces the value */
    ck_assert_int_eq(with_karma(10000), 0);
    ck_assert_str_eq(sc_errmsg(db), "not an error");
    sc_query_free(q);
}
END_TEST

/* The users enrolled in program pid: the talk's join. */
static sc_query *enrolled_in(int64_t pid)
{
    const sc_table_desc *pe = &query_program_enrollments_table;
    sc_query *q = sc_query_new(db, &query_users_table);
    sc_query *e = sc_query_join(q, pe, &pe->fkeys[1], true);

    sc_query_where(e, col(pe, "program_id"), SC_OP_EQ, &pid);
    return q;
}

START_TEST(test_update_join_limit)
{
    sc_query *q;

    add_talk_data();
    q = enrolled_in(programs[0].program_id);
    ck_assert_int_eq(set_karma(q, &(int64_t){7}), 3);
    ck_assert_int_eq(with_karma(7), 3);
    sc_query_order_by(q, col(&query_users_table, "user_id"), SC_DESC);
    sc_query_limit(q, 2);
    ck_assert_int_eq(set_karma(q, &(int64_t){8}), 2);
    ck_assert_int_eq(with_karma(7), 1); /* 배준현 kept 7 */
    ck_assert_int_eq(with_karma(8), 2);
    sc_query_free(q);
}
END_TEST

START_TEST(test_delete_all)
{
    const sc_table_desc *t = &query_users_table;
    const sc_table_desc *pe = &query_program_enrollments_table;
    sc_query *q = sc_query_new(db, pe), *u, *all;
    int64_t changed = -1;

    add_talk_data();
    u = sc_query_join(q, t, &pe->fkeys[1], false);
    where_text(u, "user_name", SC_OP_EQ, "김준기");
    ck_assert_int_eq(sc_query_delete_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_int_eq(sc_query_delete_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 0);
    sc_query_free(q);
    all = sc_query_new(db, pe);
    ck_assert_int_eq(count_of(all), 2);
    q = sc_query_new(db, t); /* cascades to the enrollments */
    where_text(q, "user_name", SC_OP_LIKE, "%준%");
    ck_assert_int_eq(sc_query_delete_all(q, NULL), SC_OK);
    ck_assert_int_eq(count_of(q), 0);
    ck_assert_int_eq(count_of(all), 1);
    sc_query_free(q);
    q = sc_query_new(db, t);
    ck_assert_int_eq(sc_query_delete_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 2);
    sc_query_free(q);
    sc_query_free(all);
}
END_TEST

START_TEST(test_update_constraint)
{
    const sc_table_desc *t = &query_users_table;
    sc_query *q = sc_query_new(db, t);
    int64_t changed = -1;
    const char *long_name = "0123456789012345678901234567890123";

    add_talk_data();
    sc_query_set(q, col(t, "user_email"), &(const char *){"same@pycon.kr"});
    ck_assert_int_eq(sc_query_update_all(q, &changed), SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_UNIQUE);
    ck_assert_str_eq(sc_errtable(db), "users");
    ck_assert_str_eq(sc_errcolumn(db), "user_email");
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "users.user_email"));
    ck_assert_int_eq(changed, 0);
    sc_query_free(q);
    q = sc_query_new(db, t);
    where_text(q, "user_name", SC_OP_EQ, "김준기");
    sc_query_set(q, col(t, "user_name"), &long_name);
    ck_assert_int_eq(sc_query_update_all(q, &changed), SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_CHECK);
    ck_assert_str_eq(sc_errcolumn(db), "user_name");
    sc_query_free(q);
    q = sc_query_new(db, t);
    sc_query_set(q, col(t, "user_name"), NULL);
    ck_assert_int_eq(sc_query_update_all(q, &changed), SC_MISUSE);
    ck_assert_str_eq(sc_errcolumn(db), "user_name");
    sc_query_free(q);
    q = sc_query_new(db, t);
    ck_assert_int_eq(sc_query_update_all(q, &changed), SC_MISUSE);
    sc_query_free(q);
}
END_TEST

START_TEST(test_bulk_sql)
{
    sc_query *q = enrolled_in(1);
    int64_t karma = 1;
    traced tr = {0};

    sc_query_set(q, col(&query_users_table, "karma"), &karma);
    sc_query_limit(q, 5);
    sc_trace(db, on_trace, &tr);
    ck_assert_int_eq(sc_query_update_all(q, NULL), SC_OK);
    ck_assert_str_eq(tr.params, "(1, 1, 5)");
    if (on_sqlite())
        ck_assert_str_eq(tr.sql,
                         "UPDATE \"users\" SET \"karma\" = ? WHERE "
                         "\"user_id\" IN (SELECT \"users\".\"user_id\" FROM "
                         "\"users\" JOIN \"program_enrollments\" ON "
                         "\"program_enrollments\".\"user_id\" = "
                         "\"users\".\"user_id\" WHERE "
                         "\"program_enrollments\".\"program_id\" = ? "
                         "LIMIT ?)");
    sc_trace(db, NULL, NULL);
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * Navigation.
 * ------------------------------------------------------------------- */

START_TEST(test_load_children)
{
    const sc_table_desc *pe = &query_program_enrollments_table;
    query_user parents[10];
    sc_row_list lists[10];
    query_program_enrollment extra = {0};
    const query_program_enrollment *kids;
    static const int pick[10] = {0, 1, 2, 3, 0, 4, 2, 1, 0, 3};
    sc_stats before;
    size_t i;

    add_talk_data();
    extra.program_id = programs[3].program_id; /* 배준현 twice */
    extra.user_id = users[0].user_id;
    ck_assert_int_eq(query_program_enrollments_insert(db, &extra), SC_OK);
    for (i = 0; i < 10; i++)
        parents[i] = users[pick[i]];
    before = stats_now();
    ck_assert_int_eq(sc_load_children(db, arena, &query_users_table, parents,
                                      10, pe, &pe->fkeys[1], lists),
                     SC_OK);
    ck_assert_uint_eq(stats_now().executions, before.executions + 1);
    for (i = 0; i < 10; i++) {
        size_t want = pick[i] == 0 ? 2 : pick[i] <= 2 ? 1 : 0;

        ck_assert_uint_eq(lists[i].n, want);
        kids = lists[i].rows;
        if (want > 0)
            ck_assert_int_eq(kids[0].user_id, users[pick[i]].user_id);
        if (want == 2)
            ck_assert_int_lt(kids[0].program_enrollment_id,
                             kids[1].program_enrollment_id);
        if (want == 0)
            ck_assert_ptr_null(lists[i].rows);
    }
    before = stats_now();
    ck_assert_int_eq(sc_load_children(db, arena, &query_users_table, parents,
                                      9, pe, &pe->fkeys[1], lists),
                     SC_OK); /* 9 parents pad to the statement of 10 */
    ck_assert_uint_eq(stats_now().prepares, before.prepares);
}
END_TEST

START_TEST(test_load_children_composite)
{
    const sc_table_desc *ct = &query_cities_table;
    query_region regions[3] = {{"KR", "SEL", "Seoul"},
                               {"KR", "BUS", "Busan"},
                               {"US", "NYC", "New York"}};
    static const struct {
        const char *name, *country, *code;
    } cities[] = {{"Jongno", "KR", "SEL"}, {"Haeundae", "KR", "BUS"},
                  {"Gangnam", "KR", "SEL"}, {"Nowhere", NULL, NULL},
                  {"Half", "KR", NULL}};
    enum { NPARENTS = 1203 };
    query_region *many = malloc(NPARENTS * sizeof *many);
    sc_row_list *lists = malloc(NPARENTS * sizeof *lists);
    const query_city *kids;
    query_city c;
    query_region parent;
    sc_stats before;
    size_t i;

    for (i = 0; i < 3; i++)
        ck_assert_int_eq(query_regions_insert(db, &regions[i]), SC_OK);
    for (i = 0; i < sizeof cities / sizeof cities[0]; i++) {
        memset(&c, 0, sizeof c);
        c.name = cities[i].name;
        c.country = cities[i].country;
        c.code = cities[i].code;
        ck_assert_int_eq(query_cities_insert(db, &c), SC_OK);
    }
    for (i = 0; i < NPARENTS; i++)
        many[i] = regions[i % 3];
    before = stats_now();
    ck_assert_int_eq(sc_load_children(db, arena, &query_regions_table, many,
                                      NPARENTS, ct, &ct->fkeys[0], lists),
                     SC_OK);
    ck_assert_uint_eq(stats_now().executions, before.executions + 3);
    for (i = 0; i < NPARENTS; i++) {
        kids = lists[i].rows;
        ck_assert_uint_eq(lists[i].n, i % 3 == 0 ? 2 : i % 3 == 1 ? 1 : 0);
        if (i % 3 == 0) {
            ck_assert_str_eq(kids[0].name, "Jongno");
            ck_assert_str_eq(kids[1].name, "Gangnam");
        }
    }
    /* from a child to its parent, through the two columns */
    memset(&c, 0, sizeof c);
    c.country = "KR";
    c.code = "BUS";
    ck_assert_int_eq(sc_load_parent(db, arena, ct, &c, &ct->fkeys[0],
                                    &query_regions_table, &parent),
                     SC_OK);
    ck_assert_str_eq(parent.name, "Busan");
    c.code = NULL;
    ck_assert_int_eq(sc_load_parent(db, arena, ct, &c, &ct->fkeys[0],
                                    &query_regions_table, &parent),
                     SC_NOTFOUND);
    ck_assert_str_eq(sc_errcolumn(db), "code");
    free(many);
    free(lists);
}
END_TEST

START_TEST(test_load_parent)
{
    const sc_table_desc *pe = &query_program_enrollments_table;
    query_user got;
    query_category cat = {0}, parent;

    add_talk_data();
    ck_assert_int_eq(sc_load_parent(db, arena, pe, &enrollments[2],
                                    &pe->fkeys[1], &query_users_table, &got),
                     SC_OK);
    ck_assert_str_eq(got.user_name, "강대성");
    cat.name = "orphan";
    ck_assert_int_eq(query_categories_insert(db, &cat), SC_OK);
    ck_assert_int_eq(sc_load_parent(db, arena, &query_categories_table, &cat,
                                    &query_categories_table.fkeys[0],
                                    &query_categories_table, &parent),
                     SC_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "parent_id is NULL"));
    /* the wrong way round */
    ck_assert_int_eq(sc_load_parent(db, arena, &query_users_table, &got,
                                    &pe->fkeys[1], pe, &enrollments[0]),
                     SC_MISUSE);
}
END_TEST

/* ---------------------------------------------------------------------
 * The statement cache.
 * ------------------------------------------------------------------- */

static void run_in(size_t n)
{
    sc_query *q = sc_query_new(db, &query_users_table);
    int64_t ids[300];
    size_t i;

    for (i = 0; i < n; i++)
        ids[i] = (int64_t)i;
    sc_query_where_in(q, col(&query_users_table, "user_id"), SC_OP_IN, ids,
                      n);
    count_of(q);
    sc_query_free(q);
}

START_TEST(test_cache)
{
    sc_stats a, b;
    size_t i;

    add_talk_data();
    run_in(2);
    a = stats_now();
    run_in(2); /* same shape, a new query object */
    b = stats_now();
    ck_assert_uint_eq(b.prepares, a.prepares);
    ck_assert_uint_eq(b.reuses, a.reuses + 1);
    run_in(3); /* another count of IN values: another text */
    ck_assert_uint_eq(stats_now().prepares, b.prepares + 1);
    for (i = 4; i < 300; i++) /* more texts than the cache keeps */
        run_in(i);
    a = stats_now();
    run_in(299); /* recent: still there */
    ck_assert_uint_eq(stats_now().prepares, a.prepares);
    run_in(2); /* least recently used: evicted, prepared again */
    ck_assert_uint_eq(stats_now().prepares, a.prepares + 1);
}
END_TEST

/* Queries run one after the other that differ in one thing alone, the
 * table, the column or the operator, each get a statement of their own,
 * whichever statement the one before them used.  A key's value counts
 * from the key of the table's first row (base). */
static int64_t apart_things; /* the key of the first thing */
static const struct {
    const sc_table_desc *t;
    const char *column;
    sc_op op;
    const int64_t *base;
    int64_t value;
    int64_t want;
} apart[] = {
    {&query_users_table, "user_id", SC_OP_GE, &users[0].user_id, 1, 4},
    {&query_programs_table, "program_id", SC_OP_GE, &programs[0].program_id,
     1, 5},
    {&query_things_table, "id", SC_OP_GE, &apart_things, 1, 4},
    {&query_things_table, "i64", SC_OP_GE, NULL, 5, 3},
    {&query_things_table, "ni64", SC_OP_GE, NULL, 5, 2},
    {&query_things_table, "ni64", SC_OP_LE, NULL, 1, 2},
    {&query_things_table, "ni64", SC_OP_LT, NULL, 1, 0},
    {&query_users_table, "user_id", SC_OP_LT, &users[0].user_id, 1, 1},
};

#define NAPART (sizeof apart / sizeof apart[0])

static int64_t run_apart(size_t k)
{
    sc_query *q = sc_query_new(db, apart[k].t);
    int64_t v = apart[k].value + (apart[k].base ? *apart[k].base : 0), n;

    sc_query_where(q, col(apart[k].t, apart[k].column), apart[k].op, &v);
    n = count_of(q);
    sc_query_free(q);
    return n;
}

START_TEST(test_cache_apart)
{
    /* i64, ni64 of five things */
    static const int64_t vals[][2] = {{10, 1}, {1, 10}, {10, 10}, {1, 1},
                                      {10, -1}};
    query_thing t;
    sc_stats st;
    size_t i, k;

    add_talk_data();
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        make_thing(1, &t);
        t.i64 = vals[i][0];
        t.ni64 = vals[i][1];
        t.has_ni64 = vals[i][1] >= 0;
        ck_assert_msg(query_things_insert(db, &t) == SC_OK, "%s",
                      sc_errmsg(db));
        if (i == 0)
            apart_things = t.id;
    }
    for (k = 0; k < NAPART; k++) {
        st = stats_now();
        ck_assert_msg(run_apart(k) == apart[k].want, "case %zu", k);
        ck_assert_uint_eq(stats_now().prepares, st.prepares + 1);
    }
    st = stats_now();
    for (i = 0; i < 2 * NAPART; i++) { /* each twice in a row */
        k = i / 2;
        ck_assert_msg(run_apart(k) == apart[k].want, "case %zu again", k);
    }
    for (k = NAPART; k-- > 0;)
        ck_assert_msg(run_apart(k) == apart[k].want, "case %zu back", k);
    ck_assert_uint_eq(stats_now().prepares, st.prepares);
}
END_TEST

/* ---------------------------------------------------------------------
 * Shapes: queries that differ only in what the text shows of their
 * values (an escaping like pattern, the length of an in-list, an array
 * parameter, prefix bounds), in their groups, bounds, order or joins,
 * run interleaved, each found by its shape and never by another's.
 * ------------------------------------------------------------------- */

/* The rows of the shapes' cases: txt, word, i64. */
static const struct {
    const char *txt;
    const char *word;
    int64_t i64;
} shape_rows[] = {
    {"alpha", "w1", 1},     {"Alpha", NULL, 2}, {"a_b", "w2", 3},
    {"axb", "w1", 4},       {"50%_off", NULL, 5}, {"5005_off", "x", 6},
    {"back\\slash", "w5", 7}, {"최영선", "w", 8},
};

#define NSHAPE_ROWS (sizeof shape_rows / sizeof shape_rows[0])
#define NSHAPES 37
#define LONG_IN 1500 /* past the length sent as one array */

static void shape_where(sc_query *q, const char *column, sc_op op,
                        const char *s)
{
    sc_query_where(q, col(&query_things_table, column), op, &s);
}

static void shape_in(sc_query *q, sc_op op, const int64_t *v, size_t n)
{
    sc_query_where_in(q, col(&query_things_table, "i64"), op, v, n);
}

/* Builds shape k on q, a query of things, with values of round; returns
 * the rows it matches, or for an order, the i64 of its first row. */
static int64_t shape_case(sc_query *q, int k, int round)
{
    static int64_t many[LONG_IN];
    const unsigned i64 = col(&query_things_table, "i64");
    const int64_t small[] = {1, 2, 3};
    const sc_table_desc *pe = &query_program_enrollments_table;
    const char *w1 = round % 2 ? "w1" : "w5";
    sc_query *e;
    size_t i;

    for (i = 0; i < LONG_IN; i++) /* 3 and 4 among numbers of no row */
        many[i] = i < 2 ? (int64_t)i + 3 : (int64_t)i + 100 + round;
    switch (k) {
    case 0: shape_where(q, "txt", SC_OP_LIKE, "a%"); return 3;
    case 1: shape_where(q, "txt", SC_OP_LIKE, "a\\_b"); return 1;
    case 2: shape_where(q, "txt", SC_OP_LIKE, "a_b"); return 2;
    case 3: shape_where(q, "txt", SC_OP_LIKE, "back\\\\%"); return 1;
    case 4: shape_where(q, "txt", SC_OP_ILIKE, "AL%"); return 2;
    case 5: shape_where(q, "txt", SC_OP_ILIKE, "50\\%%"); return 1;
    case 6: shape_where(q, "txt", SC_OP_ILIKE, "50%"); return 2;
    case 7: shape_in(q, SC_OP_IN, small, 1); return 1;
    case 8: shape_in(q, SC_OP_IN, small, 2); return 2;
    case 9: shape_in(q, SC_OP_IN, small, 3); return 3;
    case 10: shape_in(q, SC_OP_NOT_IN, small, 2); return 6;
    case 11: shape_in(q, SC_OP_IN, small, 0); return 0;
    case 12: shape_in(q, SC_OP_NOT_IN, small, 0); return 8;
    case 13: shape_in(q, SC_OP_IN, many, LONG_IN); return 2;
    case 14: shape_in(q, SC_OP_IN, many, LONG_IN - 1 - round); return 2;
    case 15: shape_in(q, SC_OP_NOT_IN, many, LONG_IN); return 6;
    case 16: shape_where(q, "word", SC_OP_IS_NULL, NULL); return 2;
    case 17: shape_where(q, "word", SC_OP_IS_NOT_NULL, NULL); return 6;
    case 18: shape_where(q, "word", SC_OP_EQ, w1); return round % 2 ? 2 : 1;
    case 19: shape_where(q, "word", SC_OP_NE, "w1"); return 4;
    case 20: shape_where(q, "word", SC_OP_STARTS_WITH, ""); return 6;
    case 21: shape_where(q, "word", SC_OP_STARTS_WITH, "w"); return 5;
    case 22: shape_where(q, "word", SC_OP_STARTS_WITH, w1);
        return round % 2 ? 2 : 1;
    case 23: /* U+10FFFF: no upper bound */
        shape_where(q, "word", SC_OP_STARTS_WITH, "\xf4\x8f\xbf\xbf");
        return 0;
    case 24: sc_query_limit(q, 3); return 3;
    case 25: sc_query_limit(q, 3); sc_query_offset(q, 6 + round % 2);
        return 2 - round % 2;
    case 26: sc_query_offset(q, 6); return 2;
    case 27: sc_query_limit(q, 100); return 8;
    case 28:
        sc_query_begin_or(q);
        shape_where(q, "word", SC_OP_EQ, "w1");
        shape_where(q, "word", SC_OP_EQ, "w5");
        sc_query_end(q);
        return 3;
    case 29:
        sc_query_begin_and(q);
        shape_where(q, "word", SC_OP_EQ, "w1");
        shape_where(q, "word", SC_OP_EQ, "w5");
        sc_query_end(q);
        return 0;
    case 30:
        sc_query_begin_not(q);
        sc_query_begin_or(q);
        shape_where(q, "word", SC_OP_EQ, "w1");
        shape_where(q, "word", SC_OP_EQ, "w5");
        sc_query_end(q);
        sc_query_end(q);
        return 3;
    case 31:
        sc_query_begin_or(q);
        shape_where(q, "word", SC_OP_EQ, "w1");
        sc_query_end(q);
        shape_where(q, "word", SC_OP_EQ, "w5");
        return 0;
    case 32: sc_query_order_by(q, i64, SC_ASC); return -1;
    case 33: sc_query_order_by(q, i64, SC_DESC); return -8;
    case 34: /* users: 5, of which 3 enrolled */
        return -105;
    case 35:
        e = sc_query_join(q, pe, &pe->fkeys[1], true);
        return e != NULL ? -103 : 0;
    case 36:
        e = sc_query_join(q, pe, &pe->fkeys[1], true);
        sc_query_distinct(q);
        return e != NULL ? -103 : 0;
    }
    ck_abort_msg("no shape %d", k);
    return 0;
}

/* Runs shape k as a count and as an all(), whose traced text must be the
 * one the query writes from scratch. */
static void run_shape(int k, int round)
{
    const sc_table_desc *t = k >= 34 ? &query_users_table
                                     : &query_things_table;
    sc_query *q = sc_query_new(db, t), *r = sc_query_new(db, t);
    int64_t want = shape_case(q, k, round), n = -1;
    query_thing first;
    traced tr = {0};
    void *rows;
    size_t nrows;

    shape_case(r, k, round);
    if (want <= -100) { /* users: want is -100 - the rows */
        want = -100 - want;
    } else if (want < 0) { /* an order: the first row's i64 */
        ck_assert_msg(sc_query_first(q, arena, &first) == SC_OK, "%s",
                      sc_errmsg(db));
        ck_assert_msg(first.i64 == -want, "shape %d, round %d: first is "
                      "%" PRId64, k, round, first.i64);
        want = (int64_t)NSHAPE_ROWS;
    }
    n = count_of(q);
    ck_assert_msg(n == want, "shape %d, round %d: %" PRId64 " rows, not "
                  "%" PRId64, k, round, n, want);
    sc_trace(db, on_trace, &tr);
    ck_assert_msg(sc_query_all(r, arena, &rows, &nrows) == SC_OK, "%s",
                  sc_errmsg(db));
    sc_trace(db, NULL, NULL);
    ck_assert_uint_eq(nrows, (size_t)want);
    ck_assert_int_eq(tr.n, 1);
    ck_assert_str_eq(tr.sql, sc_query_sql(r));
    sc_query_free(q);
    sc_query_free(r);
}

START_TEST(test_shapes)
{
    query_thing t;
    sc_stats before;
    size_t i;
    int k, round;

    add_talk_data();
    for (i = 0; i < NSHAPE_ROWS; i++) {
        make_thing(1, &t);
        t.txt = shape_rows[i].txt;
        t.word = shape_rows[i].word;
        t.i64 = shape_rows[i].i64;
        ck_assert_msg(query_things_insert(db, &t) == SC_OK, "%s",
                      sc_errmsg(db));
    }
    /* each round in another order; 7 and 11 are prime to NSHAPES */
    for (round = 0; round < 4; round++) {
        if (round == 2)
            before = stats_now();
        for (k = 0; k < NSHAPES; k++)
            run_shape((k * (round % 2 ? 7 : 11) + round) % NSHAPES, round);
    }
    /* the last rounds prepared nothing: every shape was found */
    ck_assert_uint_eq(stats_now().prepares, before.prepares);
}
END_TEST

START_TEST(test_trace)
{
    sc_query *q = sc_query_new(db, &query_users_table);
    query_user got;
    traced t = {0};

    add_talk_data();
    sc_trace(db, on_trace, &t);
    where_text(q, "user_name", SC_OP_EQ, "최영선");
    ck_assert_int_eq(sc_query_first(q, arena, &got), SC_OK);
    ck_assert_int_eq(t.n, 1);
    ck_assert_str_eq(t.params, "('최영선', 1)");
    if (on_sqlite())
        ck_assert_str_eq(t.sql, "SELECT \"user_id\", \"user_name\", "
                                "\"user_email\", \"karma\" FROM \"users\" "
                                "WHERE \"user_name\" = ? LIMIT ?");
    sc_query_offset(q, 0);
    ck_assert_int_eq(sc_query_one(q, arena, &got), SC_OK);
    ck_assert_str_eq(t.params, "('최영선', 2, 0)");
    sc_trace(db, NULL, NULL);
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * Misuse.
 * ------------------------------------------------------------------- */

/* A query freed after its connection was closed: the connection's
 * struct waits for it, and the query refuses to run meanwhile. */
START_TEST(test_free_after_close)
{
    const sc_table_desc *t = &query_users_table;
    sc_query *q, *kept, *late;
    int64_t n = -1;

    add_talk_data();
    q = sc_query_new(db, t);
    kept = sc_query_new(db, t);
    ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
    ck_assert_int_eq(sc_query_count(kept, &n), SC_OK);
    sc_query_free(kept); /* its memory kept on the connection */
    late = sc_query_new(db, t); /* built, never run */
    sc_close(db);
    n = -1;
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    ck_assert_int_eq(sc_query_count(late, &n), SC_MISUSE);
    ck_assert_int_eq(n, -1);
    sc_query_free(q);
    sc_query_free(late); /* the last: the connection's struct goes */
    db = NULL;           /* closed: the teardown's sc_close() is a no-op */
}
END_TEST

START_TEST(test_misuse)
{
    const sc_table_desc *t = &query_users_table;
    sc_query *q, *e;
    int64_t n;
    void *rows;
    size_t nrows;
    int bad_mood = 7;

    q = sc_query_new(db, t); /* end without begin */
    sc_query_end(q);
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "without an open group"));
    sc_query_free(q);
    q = sc_query_new(db, t); /* begin without end */
    sc_query_begin_or(q);
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "still open"));
    sc_query_end(q); /* closed now: the query runs */
    ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
    sc_query_free(q);
    q = sc_query_new(db, t); /* wrong column */
    sc_query_where(q, 999, SC_OP_EQ, &n);
    ck_assert_int_eq(sc_query_all(q, arena, &rows, &nrows), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "out of range"));
    sc_query_free(q);
    q = sc_query_new(db, t); /* terminal on a join handle */
    e = sc_query_join(q, &query_program_enrollments_table,
                      &query_program_enrollments_table.fkeys[1], true);
    ck_assert_int_eq(sc_query_count(e, &n), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "root"));
    ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
    sc_query_free(e); /* a no-op: the join handle dies with its root */
    sc_query_where_i64(e, col(&query_program_enrollments_table, "program_id"),
                       SC_OP_EQ, 1);
    ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
    sc_query_free(q);
    q = sc_query_new(db, t); /* a typed call of another C form */
    sc_query_where_i32(q, col(t, "user_id"), SC_OP_EQ, 1);
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "another C type"));
    ck_assert_str_eq(sc_errcolumn(db), "user_id");
    sc_query_free(q);
    q = sc_query_new(db, t); /* the typed calls of the right form */
    sc_query_where_text(q, col(t, "user_name"), SC_OP_NE, "nobody");
    sc_query_where_in_i64(q, col(t, "user_id"), SC_OP_NOT_IN,
                          (const int64_t[]){-1}, 1);
    ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
    sc_query_free(q);
    q = sc_query_new(db, t); /* a join along a foreign key elsewhere */
    ck_assert_ptr_null(sc_query_join(q, &query_programs_table,
                                     &query_program_enrollments_table.fkeys[1],
                                     true));
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    sc_query_free(q);
    q = sc_query_new(db, t); /* like on a number */
    sc_query_where(q, col(t, "karma"), SC_OP_LIKE, &(const char *){"1%"});
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    ck_assert_str_eq(sc_errcolumn(db), "karma");
    sc_query_free(q);
    q = sc_query_new(db, t); /* a NULL text for eq */
    sc_query_where(q, col(t, "user_name"), SC_OP_EQ, &(const char *){NULL});
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    ck_assert_ptr_nonnull(strstr(sc_errmsg(db), "IS_NULL"));
    sc_query_free(q);
    q = sc_query_new(db, &query_programs_table); /* an enum out of range */
    sc_query_where(q, col(&query_programs_table, "level"), SC_OP_EQ,
                   &bad_mood);
    ck_assert_int_eq(sc_query_count(q, &n), SC_RANGE);
    sc_query_free(q);
    q = sc_query_new(NULL, t); /* no connection */
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(sc_query_count(q, &n), SC_MISUSE);
    sc_query_free(q);
    ck_assert_int_eq(sc_query_count(NULL, &n), SC_MISUSE);
    sc_query_free(NULL);
}
END_TEST

/* ---------------------------------------------------------------------
 * The suite.
 * ------------------------------------------------------------------- */

Suite *make_suite(void)
{
    const struct {
        const char *tcase;
        const TTest *test;
        int loops; /* 0: a plain test; n: a loop test over 0..n-1 */
    } tests[] = {
        {"operators", test_compare_ops, (int)NCOMPARED},
        {"operators", test_in_ops, (int)NCOMPARED},
        {"operators", test_null_ops, 0},
        {"operators", test_each_reads_columns, 0},
        {"text", test_like, 0},
        {"text", test_like_escape, 0},
        {"text", test_starts_with, 0},
        {"text", test_starts_with_plan, 0},
        {"text", test_hostile_strings, 0},
        {"shape", test_groups, 0},
        {"shape", test_group_sql, 0},
        {"shape", test_order_several, 0},
        {"shape", test_order_nulls, 0},
        {"shape", test_limit_offset, 0},
        {"shape", test_distinct, 0},
        {"terminals", test_terminals, 0},
        {"terminals", test_each_stops, 0},
        {"terminals", test_each_reentrant, 0},
        {"terminals", test_each_streams, 0},
        {"terminals", test_each_long_nested, 0},
        {"terminals", test_each_in_transaction, 0},
        {"terminals", test_each_writes, 0},
        {"terminals", test_each_error_in_savepoint, 0},
        {"terminals", test_each_error_aborts, 0},
        {"terminals", test_each_nested_stops, 0},
        {"terminals", test_each_leaves_level_open, 0},
        {"joins", test_join_reverse, 0},
        {"joins", test_join_forward, 0},
        {"joins", test_join_self, 0},
        {"bulk", test_update_all, 0},
        {"bulk", test_update_join_limit, 0},
        {"bulk", test_delete_all, 0},
        {"bulk", test_update_constraint, 0},
        {"bulk", test_bulk_sql, 0},
        {"navigation", test_load_children, 0},
        {"navigation", test_load_children_composite, 0},
        {"navigation", test_load_parent, 0},
        {"statements", test_cache, 0},
        {"statements apart", test_cache_apart, 0},
        {"statements", test_trace, 0},
        {"statements", test_shapes, 0},
        {"statements", test_misuse, 0},
        {"statements", test_free_after_close, 0},
    };
    Suite *s = suite_create("query");
    TCase *tc = NULL;
    size_t i;

    for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (i == 0 || strcmp(tests[i].tcase, tests[i - 1].tcase) != 0) {
            tc = tcase_create(tests[i].tcase);
            tcase_add_checked_fixture(tc, setup, teardown);
            tcase_set_timeout(tc, 120); /* 200 000 rows under valgrind */
            suite_add_tcase(s, tc);
        }
        if (tests[i].loops > 0)
            tcase_add_loop_test(tc, tests[i].test, 0, tests[i].loops);
        else
            tcase_add_test(tc, tests[i].test);
    }
    return s;
}
