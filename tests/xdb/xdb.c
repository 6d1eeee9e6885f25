/*
 * xdb.c - one program of the cross-database suite: it runs the same calls
 * over tests/xdb/xdb.schema on whatever database URL it is given and
 * prints what it observes, one "case: ..." line at a time (orders, counts,
 * values, result codes).  run.sh runs it on SQLite, PostgreSQL and
 * MariaDB databases of other collations, time zones and locales, and
 * compares every line with tests/xdb/expected.txt, which holds the one
 * answer every database must give.
 *
 *     xdb URL [CASE]
 *
 * The locale of LC_ALL (or LANG) is taken with setlocale(), as a program
 * under a German or Turkish locale would.  With XDB_SQL=FILE set, the SQL
 * text of the starts_with query is written to FILE, for run.sh to ask
 * PostgreSQL's or MariaDB's planner about it.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xdb_db.h"

static sc_db *db;
static sc_arena *arena;

/* Stops the program when a call that must work fails: a failure here is
 * a broken set-up, not an observation. */
static void must(int rc, const char *what)
{
    if (rc == SC_OK)
        return;
    fprintf(stderr, "xdb: %s: %s (%s)\n", what, sc_errstr(rc), sc_errmsg(db));
    exit(1);
}

/* The code of a call that may fail, by name, and for a failure the
 * table and column the error names: the same on both databases. */
static void print_rc(const char *label, int rc)
{
    const char *table = sc_errtable(db), *column = sc_errcolumn(db);

    if (rc == SC_OK) {
        printf("%s: ok\n", label);
        return;
    }
    printf("%s: %s %s.%s\n", label, sc_errstr(rc), table ? table : "-",
           column ? column : "-");
}

static void print_names(const char *label, const xdb_item_list *l)
{
    size_t i;

    printf("%s:", label);
    for (i = 0; i < l->len; i++)
        printf(" %s", l->items[i].name);
    printf("\n");
}

static void add_item(const char *name, xdb_mood mood, const char *big)
{
    xdb_item it = XDB_ITEM_INIT;

    it.name = name;
    it.mood = mood;
    it.big = big;
    must(xdb_items_insert(db, &it), "insert item");
}

/* Runs q (freed here) and prints the names of its rows, or its code. */
static void show(const char *label, xdb_items_query *q)
{
    xdb_item_list l;
    int rc = xdb_items_all(q, arena, &l);

    if (rc == SC_OK)
        print_names(label, &l);
    else
        print_rc(label, rc);
    xdb_items_query_free(q);
}

static void show_count(const char *label, xdb_items_query *q)
{
    int64_t n = -1;
    int rc = xdb_items_count(q, &n);

    if (rc == SC_OK)
        printf("%s: %lld\n", label, (long long)n);
    else
        print_rc(label, rc);
    xdb_items_query_free(q);
}

static void fill_items(void)
{
    add_item("apple", XDB_MOOD_MANGO, "10");
    add_item("Banana", XDB_MOOD_ZEBRA, "-2.5");
    add_item("cherry", XDB_MOOD_APPLE, "9.99");
    add_item("\xc3\x89" "clair", XDB_MOOD_ZEBRA, "123456789012345678901234.5");
    add_item("date", XDB_MOOD_APPLE, "-100");
    add_item("_under", XDB_MOOD_MANGO, NULL);
    add_item("a\\b%c", XDB_MOOD_APPLE, "0.0001");
    add_item("Zed", XDB_MOOD_MANGO, "-0.5");
}

/* order_by an enum: declaration order (zebra, apple, mango), not by
 * label; ties broken by name. */
static void case_enum_order(void)
{
    xdb_items_query *q = xdb_items_select(db);

    xdb_items_order_by(q, MOOD, SC_ASC);
    xdb_items_order_by(q, NAME, SC_ASC);
    show("enum order asc", q);
    q = xdb_items_select(db);
    xdb_items_order_by(q, MOOD, SC_DESC);
    xdb_items_order_by(q, NAME, SC_ASC);
    show("enum order desc", q);
    q = xdb_items_select(db);
    xdb_items_distinct(q);
    xdb_items_order_by(q, MOOD, SC_ASC);
    xdb_items_order_by(q, NAME, SC_DESC);
    show("enum order distinct", q);
}

/* order_by a wide numeric: as numbers (SQLite keeps it as text). */
static void case_decimal_order(void)
{
    xdb_items_query *q = xdb_items_select(db);
    xdb_item_list l;
    size_t i;

    xdb_items_where_not_null(q, BIG);
    xdb_items_order_by(q, BIG, SC_ASC);
    must(xdb_items_all(q, arena, &l), "decimal order");
    printf("decimal order asc:");
    for (i = 0; i < l.len; i++)
        printf(" %s", l.items[i].big);
    printf("\n");
    xdb_items_query_free(q);
    q = xdb_items_select(db);
    xdb_items_order_by(q, BIG, SC_DESC);
    show("decimal order desc", q);
}

/* A numeric stored as text orders as a number on both databases. */
static void case_decimal_text_order(void)
{
    static const int64_t amounts[] = {1000, -250, 99, 10000, -5, 0};
    xdb_price p = XDB_PRICE_INIT;
    xdb_prices_query *q;
    xdb_price_list l;
    size_t i;

    for (i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
        p.amount = amounts[i];
        must(xdb_prices_insert(db, &p), "insert price");
    }
    q = xdb_prices_select(db);
    xdb_prices_order_by(q, AMOUNT, SC_DESC);
    must(xdb_prices_all(q, arena, &l), "prices");
    printf("decimal text order desc:");
    for (i = 0; i < l.len; i++)
        printf(" %lld", (long long)l.items[i].amount);
    printf("\n");
    xdb_prices_query_free(q);
}

/* Text compares and orders in byte order: "B" < "Z" < "_" < "a" < "É". */
static void case_text_order(void)
{
    xdb_items_query *q = xdb_items_select(db);

    xdb_items_order_by(q, NAME, SC_ASC);
    show("text order asc", q);
    q = xdb_items_select(db);
    xdb_items_order_by(q, NAME, SC_DESC);
    show("text order desc", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LT, "a");
    xdb_items_order_by(q, ID, SC_ASC);
    show("text lt a", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, GE, "b");
    xdb_items_order_by(q, ID, SC_ASC);
    show("text ge b", q);
    q = xdb_items_select(db);
    xdb_items_distinct(q);
    xdb_items_order_by(q, NAME, SC_ASC);
    show("text order distinct", q);
}

/* like and ilike: an escaped backslash and percent, a pattern ending in
 * the escape (refused before it is sent), ilike folding ASCII only. */
static void case_like(void)
{
    xdb_items_query *q = xdb_items_select(db);
    char *pat;

    xdb_items_where(q, NAME, LIKE, "a\\\\b\\%c");
    show("like escaped", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, "a\\\\b\\");
    show("like ending in escape", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, "\\");
    show_count("like only escape", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, "_%");
    show_count("like any", q);
    q = xdb_items_select(db);
    pat = sc_like_escape(arena, "_u");
    xdb_items_where(q, NAME, LIKE, pat);
    show_count("like escaped underscore", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, "\\_%");
    show("like escaped underscore prefix", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, "\\a%");
    xdb_items_order_by(q, NAME, SC_ASC);
    show("like escaping a letter", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, ILIKE, "BAN%");
    show("ilike ascii", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, ILIKE, "\xc3\xa9%");
    show("ilike non-ascii", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, "%e%");
    xdb_items_order_by(q, NAME, SC_ASC);
    show("like contains", q);
}

/* starts_with: a byte range, on every prefix. */
static void case_starts_with(void)
{
    xdb_items_query *q = xdb_items_select(db);
    const char *out = getenv("XDB_SQL");
    const char *sql;
    FILE *f;

    xdb_items_where(q, NAME, STARTS_WITH, "a");
    xdb_items_order_by(q, NAME, SC_ASC);
    sql = sc_query_sql((sc_query *)q);
    if (out != NULL && sql != NULL && (f = fopen(out, "w")) != NULL) {
        fprintf(f, "%s\n", sql);
        fclose(f);
    }
    show("starts_with a", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, STARTS_WITH, "\xc3");
    show("starts_with a byte", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, STARTS_WITH, "Z");
    show("starts_with Z", q);
}

/* distinct, ordered by a column of a joined table: refused alike. */
static void case_distinct_join(void)
{
    xdb_items_query *q = xdb_items_select(db);
    xdb_tags_join *t;
    xdb_tag tag = XDB_TAG_INIT;

    tag.item_id = 1;
    tag.label = "red";
    must(xdb_tags_insert(db, &tag), "insert tag");
    tag.label = "blue";
    must(xdb_tags_insert(db, &tag), "insert tag");
    tag.item_id = 3;
    tag.label = "green";
    must(xdb_tags_insert(db, &tag), "insert tag");
    xdb_items_distinct(q);
    t = xdb_items_join_tags(q);
    xdb_tags_order_by(t, LABEL, SC_ASC);
    show("distinct order by joined", q);
    q = xdb_items_select(db);
    xdb_items_distinct(q);
    t = xdb_items_join_tags(q);
    xdb_tags_where(t, LABEL, NE, "none");
    xdb_items_order_by(q, NAME, SC_DESC);
    show("distinct joined order by own", q);
}

/* Shapes around order: NULLs first ascending and last descending,
 * distinct with limit, offset, first and one, count over distinct. */
static void case_shapes(void)
{
    xdb_items_query *q = xdb_items_select(db);
    xdb_tags_join *t;
    xdb_item got;
    int rc;

    xdb_items_order_by(q, BIG, SC_ASC);
    xdb_items_limit(q, 3);
    show("nulls first", q);
    q = xdb_items_select(db);
    xdb_items_order_by(q, BIG, SC_DESC);
    xdb_items_offset(q, 6);
    show("nulls last", q);
    q = xdb_items_select(db);
    xdb_items_distinct(q);
    t = xdb_items_join_tags(q);
    xdb_tags_where(t, LABEL, NE, "none");
    show_count("count distinct joined", q);
    q = xdb_items_select(db);
    xdb_items_distinct(q);
    xdb_items_order_by(q, NAME, SC_DESC);
    xdb_items_limit(q, 2);
    xdb_items_offset(q, 1);
    show("distinct limit offset", q);
    q = xdb_items_select(db);
    xdb_items_distinct(q);
    xdb_items_order_by(q, MOOD, SC_DESC);
    xdb_items_order_by(q, NAME, SC_ASC);
    rc = xdb_items_first(q, arena, &got);
    if (rc == SC_OK)
        printf("distinct first: %s\n", got.name);
    else
        print_rc("distinct first", rc);
    rc = xdb_items_one(q, arena, &got);
    print_rc("distinct one", rc);
    xdb_items_query_free(q);
}

/* Children in key order, text keys and values alike. */
static void case_children(void)
{
    xdb_items_query *q = xdb_items_select(db);
    xdb_item_list l;
    xdb_tag_list *lists;
    size_t i, j;

    xdb_items_order_by(q, ID, SC_ASC);
    must(xdb_items_all(q, arena, &l), "items");
    lists = sc_arena_alloc(arena, l.len * sizeof *lists);
    if (lists == NULL)
        must(SC_NOMEM, "children");
    must(xdb_items_load_tags(db, arena, l.items, l.len, lists), "children");
    printf("children:");
    for (i = 0; i < l.len; i++) {
        for (j = 0; j < lists[i].len; j++)
            printf(" %s/%s", l.items[i].name, lists[i].items[j].label);
    }
    printf("\n");
    xdb_items_query_free(q);
}

/* Values each database would take or refuse in its own way, refused
 * alike: a pattern too long, text that is not UTF-8, an enum value out
 * of range. */
static void case_refusals(void)
{
    char *long_pattern = calloc(50002, 1);
    xdb_items_query *q;
    xdb_mood bad = (xdb_mood)7;

    if (long_pattern == NULL)
        must(SC_NOMEM, "refusals");
    memset(long_pattern, 'a', 50001);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, long_pattern);
    show_count("like of 50001 bytes", q);
    long_pattern[50000] = '\0';
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, LIKE, long_pattern);
    show_count("like of 50000 bytes", q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, EQ, "\xff\xfe");
    show_count("text not UTF-8", q);
    q = xdb_items_select(db);
    xdb_items_where(q, MOOD, EQ, bad);
    show_count("enum out of range", q);
    free(long_pattern);
}

/* A set of composite keys as an or of 1200 and-groups; an in-list of
 * 300000 values (more than SQLite takes parameters) and a not-in of as
 * many. */
static void case_large(void)
{
    enum { PAIRS = 1200, IDS = 300000 };
    xdb_pair *rows = calloc(PAIRS, sizeof *rows);
    int64_t *ids = calloc(IDS, sizeof *ids), n = -1;
    xdb_pairs_query *q;
    xdb_items_query *iq;
    int i, rc;

    if (rows == NULL || ids == NULL)
        must(SC_NOMEM, "large");
    for (i = 0; i < PAIRS; i++) {
        rows[i].a = i / 10;
        rows[i].b = i % 10;
    }
    must(xdb_pairs_insert_many(db, rows, PAIRS), "insert pairs");
    q = xdb_pairs_select(db);
    xdb_pairs_or(q);
    for (i = 0; i < PAIRS; i++) {
        xdb_pairs_and(q);
        xdb_pairs_where(q, A, EQ, i % 2 == 0 ? i / 10 : -1);
        xdb_pairs_where(q, B, EQ, i % 10);
        xdb_pairs_end(q);
    }
    xdb_pairs_end(q);
    rc = xdb_pairs_count(q, &n);
    if (rc == SC_OK)
        printf("or of %d groups: %lld\n", PAIRS, (long long)n);
    else
        print_rc("or of groups", rc);
    xdb_pairs_query_free(q);
    for (i = 0; i < IDS; i++)
        ids[i] = i % 2 == 0 ? i / 2 : -i;
    iq = xdb_items_select(db);
    xdb_items_where_in(iq, ID, ids, IDS);
    show_count("in of 300000", iq);
    iq = xdb_items_select(db);
    xdb_items_where_not_in(iq, ID, ids, IDS);
    show_count("not in of 300000", iq);
    iq = xdb_items_select(db);
    xdb_items_where_in(iq, ID, ids, 2000);
    xdb_items_order_by(iq, ID, SC_DESC);
    show("in of 2000", iq);
    free(rows);
    free(ids);
}

/* A long in-list of text, with quotes and backslashes in its values. */
static void case_large_text(void)
{
    enum { N = 1500 };
    const char **names = calloc(N, sizeof *names);
    xdb_items_query *q;
    int i;

    if (names == NULL)
        must(SC_NOMEM, "large text");
    for (i = 0; i < N; i++)
        names[i] = i == 7 ? "a\\b%c" : i == 8 ? "\"q\"" : "Zed";
    names[0] = "\xc3\x89" "clair";
    q = xdb_items_select(db);
    xdb_items_where_in(q, NAME, names, N);
    xdb_items_order_by(q, NAME, SC_ASC);
    show("text in of 1500", q);
    q = xdb_items_select(db);
    xdb_items_where_not_in(q, NAME, names, N);
    xdb_items_order_by(q, NAME, SC_ASC);
    show("text not in of 1500", q);
    free((void *)names);
}

/* Prints whether the day of item name is the UTC day (of now, or of
 * before, when the day has just turned). */
static void print_day(const char *label, const char *name, long before)
{
    xdb_items_query *q = xdb_items_select(db);
    long after;
    xdb_item got;

    xdb_items_where(q, NAME, EQ, name);
    must(xdb_items_first(q, arena, &got), "date default");
    after = (long)(time(NULL) / 86400);
    printf("%s: %s\n", label, got.day == before || got.day == after
                                  ? "the UTC day"
                                  : "another day");
    xdb_items_query_free(q);
}

/* Sets row r of three to values of its own in every column. */
static void kind_row(xdb_kind *k, int r)
{
    static const char *const texts[] = {"x\"y", "a\\b", "plain"};
    static const uint8_t blob[] = {0, 1, 2};

    memset(k, 0, sizeof *k);
    k->d = r == 0 ? -1000 : 19000 + r;
    k->ts = r == 0 ? INT64_C(-86400000001) : INT64_C(1700000000123456) + r;
    memset(&k->u, 0x11 * (r + 1), sizeof k->u);
    k->by.data = blob;
    k->by.len = sizeof blob;
    k->m = (xdb_mood)r;
    k->n = r == 0 ? -1250 : 99999 + r;
    k->f = r;
    k->t = texts[r];
    k->tt = INT64_C(1600000000500000) + r;
    k->tl = INT64_C(1600000000000000) - r;
    k->ti = INT64_C(1500000000000000) + r * INT64_C(1000000);
    memset(&k->uh, 0xa0 + r, sizeof k->uh);
}

/* An in-list of N values of one column of kinds: rows 0 and 1's values,
 * then values no row holds (row 2's is left out). */
#define KIND_IN(label, col, COL, type, other)                              \
    do {                                                                   \
        type *vals = calloc(N, sizeof *vals);                              \
        xdb_kinds_query *q;                                                \
        int64_t n_in = -1, n_out = -1;                                     \
        int i, rc;                                                         \
                                                                           \
        if (vals == NULL)                                                  \
            must(SC_NOMEM, label);                                         \
        for (i = 0; i < N; i++)                                            \
            vals[i] = i < 2 ? rows[i].col : (other);                       \
        q = xdb_kinds_select(db);                                          \
        xdb_kinds_where_in(q, COL, vals, N);                               \
        rc = xdb_kinds_count(q, &n_in);                                    \
        xdb_kinds_query_free(q);                                           \
        q = xdb_kinds_select(db);                                          \
        xdb_kinds_where_not_in(q, COL, vals, N);                           \
        if (rc == SC_OK)                                                   \
            rc = xdb_kinds_count(q, &n_out);                               \
        xdb_kinds_query_free(q);                                           \
        if (rc == SC_OK)                                                   \
            printf("%s in: %lld, not in: %lld\n", label,                   \
                   (long long)n_in, (long long)n_out);                     \
        else                                                               \
            print_rc(label, rc);                                           \
        free(vals);                                                        \
    } while (0)

/* In-lists of 1500 values of every type that takes one. */
static void case_large_kinds(void)
{
    enum { N = 1500 };
    xdb_kind rows[3];
    sc_uuid other_u;
    int r;

    memset(&other_u, 0xee, sizeof other_u);
    for (r = 0; r < 3; r++) {
        kind_row(&rows[r], r);
        must(xdb_kinds_insert(db, &rows[r]), "insert kind");
    }
    KIND_IN("date", d, D, int32_t, 30000 + i);
    KIND_IN("timestamp", ts, TS, int64_t, INT64_C(1800000000000000) + i);
    KIND_IN("uuid", u, U, sc_uuid, other_u);
    KIND_IN("enum", m, M, xdb_mood, XDB_MOOD_ZEBRA);
    KIND_IN("numeric", n, N, int64_t, 500 + i);
    KIND_IN("varchar", t, T, const char *, "none");
    KIND_IN("timestamp as text", tt, TT, int64_t, i);
    KIND_IN("timestamp without time zone", tl, TL, int64_t, i);
    KIND_IN("timestamp as integer", ti, TI, int64_t, i * INT64_C(1000000));
    KIND_IN("uuid as hex", uh, UH, sc_uuid, other_u);
    /* a value refused in a long list as in a short one */
    KIND_IN("timestamp as integer, a fraction", ti, TI, int64_t, 1);
}

/* An in-list of N values of one column of exact: row 0's value, then
 * values no row holds but which a rounding or a padding collation would
 * take for row 0's or row 1's. */
#define EXACT_IN(label, col, COL, type, other)                             \
    do {                                                                   \
        type *vals = calloc(N, sizeof *vals);                              \
        xdb_exact_query *q;                                                \
        int64_t n_in = -1, n_out = -1;                                     \
        int i, rc;                                                         \
                                                                           \
        if (vals == NULL)                                                  \
            must(SC_NOMEM, label);                                         \
        for (i = 0; i < N; i++)                                            \
            vals[i] = i == 0 ? rows[0].col : (other);                      \
        q = xdb_exact_select(db);                                          \
        xdb_exact_where_in(q, COL, vals, N);                               \
        rc = xdb_exact_count(q, &n_in);                                    \
        xdb_exact_query_free(q);                                           \
        q = xdb_exact_select(db);                                          \
        xdb_exact_where_not_in(q, COL, vals, N);                           \
        if (rc == SC_OK)                                                   \
            rc = xdb_exact_count(q, &n_out);                               \
        xdb_exact_query_free(q);                                           \
        if (rc == SC_OK)                                                   \
            printf("%s in: %lld, not in: %lld\n", label,                   \
                   (long long)n_in, (long long)n_out);                     \
        else                                                               \
            print_rc(label, rc);                                           \
        free(vals);                                                        \
    } while (0)

/* Long in-lists (1500 values) of values that only an exact comparison
 * tells apart, and one with a NULL among them. */
static void case_large_exact(void)
{
    enum { N = 1500 };
    static const char *const texts[] = {"a", "a ", "A"};
    xdb_exact rows[3];
    sc_uuid other_u;
    const char **names;
    xdb_exact_query *q;
    int r, i;

    memset(&other_u, 0x11, sizeof other_u);
    other_u.b[15] = 0x12;
    for (r = 0; r < 3; r++) {
        memset(&rows[r], 0, sizeof rows[r]);
        rows[r].big = INT64_MAX - r;
        rows[r].dec = INT64_C(999999999999999999) - r;
        rows[r].t = texts[r];
        rows[r].ts = INT64_C(1700000000000001) + r;
        memset(&rows[r].u, 0x11, sizeof rows[r].u);
        rows[r].u.b[15] = (uint8_t)(0x20 + r);
        must(xdb_exact_insert(db, &rows[r]), "insert exact");
    }
    EXACT_IN("int64 near 2^63", big, BIG, int64_t, INT64_MAX - 3 - i);
    EXACT_IN("int64 beside -2^63", big, BIG, int64_t, INT64_MIN + i);
    EXACT_IN("18-digit decimal", dec, DEC, int64_t,
             INT64_C(999999999999999999) - 3 - i);
    EXACT_IN("text by trailing space and case", t, T, const char *,
             i % 3 == 0 ? "a  " : i % 3 == 1 ? "a\t" : "B");
    EXACT_IN("timestamp at microseconds", ts, TS, int64_t,
             INT64_C(1700000000000004) + i);
    EXACT_IN("uuid", u, U, sc_uuid, other_u);
    names = calloc(N, sizeof *names);
    if (names == NULL)
        must(SC_NOMEM, "large exact");
    for (i = 0; i < N; i++)
        names[i] = i == 1200 ? NULL : "a";
    q = xdb_exact_select(db);
    xdb_exact_where_not_in(q, T, names, N);
    {
        int64_t n = -1;
        int rc = xdb_exact_count(q, &n);

        if (rc == SC_OK)
            printf("not in with a NULL: %lld\n", (long long)n);
        else
            print_rc("not in with a NULL", rc);
    }
    xdb_exact_query_free(q);
    free((void *)names);
}

/* An insert by SQL in a PostgreSQL session of the process's zone (TZ),
 * or a MariaDB session of the server's zone, as another client of the
 * database makes one (the runtime's own sessions are in UTC); SQLite
 * has no session zone. */
static void local_session_insert(void)
{
    const char *tz = getenv("TZ");
    sc_dialect d = sc_db_dialect(db);
    char set[128];

    if (d == SC_DIALECT_POSTGRESQL && tz != NULL &&
        strchr(tz, '\'') == NULL) {
        snprintf(set, sizeof set, "SET TimeZone = '%s'", tz);
        must(sc_exec(db, set), "set the session's zone");
    }
    if (d == SC_DIALECT_MARIADB)
        must(sc_exec(db, "SET time_zone = @@global.time_zone"),
             "set the session's zone");
    must(sc_exec(db, "INSERT INTO items (name, mood) VALUES ('local', "
                     "'apple')"),
         "insert by SQL in the local zone");
    if (d == SC_DIALECT_POSTGRESQL)
        must(sc_exec(db, "SET TimeZone = 'UTC'"), "set the zone back");
    if (d == SC_DIALECT_MARIADB)
        must(sc_exec(db, "SET time_zone = '+00:00'"), "set the zone back");
}

/* default now on a date: the UTC day, whatever the time zone, from an
 * insert of the runtime and from the database's own DEFAULT (as a
 * migration adding the column fills the rows there). */
static void case_date_default(void)
{
    long before = (long)(time(NULL) / 86400);

    print_day("date default", "apple", before);
    must(sc_exec(db, "INSERT INTO items (name, mood) VALUES ('raw', "
                     "'apple')"),
         "insert by SQL");
    print_day("date default of the database", "raw", before);
    local_session_insert();
    print_day("date default in a session of the local zone", "local",
              before);
}

/* What the trace shows of a statement: the last one's values. */
static char traced[512];

static void keep_trace(void *ctx, const sc_trace_event *ev)
{
    (void)ctx;
    snprintf(traced, sizeof traced, "%s", ev->params);
}

static int print_texts(void *ctx, int ncols, const char *const *texts)
{
    int i;

    (void)ctx;
    printf("floats as text:");
    for (i = 0; i < ncols; i++)
        printf(" %s", texts[i] ? texts[i] : "NULL");
    printf("\n");
    return 0;
}

/* Floats with a decimal point under any locale: in the trace, sent and
 * read as text (a numeric column on PostgreSQL), printed as text. */
static void case_floats(void)
{
    xdb_reading r = XDB_READING_INIT;
    xdb_reading_list l;
    xdb_readings_query *q;

    r.value = 2.5;
    r.ratio = -0.125f;
    r.exact = 1234.75;
    sc_trace(db, keep_trace, NULL);
    must(xdb_readings_insert(db, &r), "insert reading");
    sc_trace(db, NULL, NULL);
    printf("float trace: %s\n", traced);
    q = xdb_readings_select(db);
    xdb_readings_where(q, EXACT, GT, 1234.5);
    xdb_readings_where(q, VALUE, LT, 2.75);
    must(xdb_readings_all(q, arena, &l), "readings");
    printf("floats read: %zu", l.len);
    if (l.len == 1)
        printf(" %.3f %.3f %.3f", l.items[0].value, (double)l.items[0].ratio,
               l.items[0].exact);
    printf(" (%.1f in this locale)\n", 0.5);
    xdb_readings_query_free(q);
    must(sc_query_sql_each(db, "SELECT value, ratio FROM readings",
                           print_texts, NULL),
         "floats as text");
}

/* Prints text with its bytes outside printable ASCII as \xNN, between
 * brackets, so that a trailing space or tab shows. */
static void put_text(const char *s)
{
    const unsigned char *p;

    putchar('[');
    for (p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7e)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    }
    putchar(']');
}

static void put_hex(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        printf("%02x", p[i]);
}

/* Runs q (freed here) and prints the ids of its rows, or its code. */
static void show_notes(const char *label, xdb_notes_query *q)
{
    xdb_note_list l;
    int rc = xdb_notes_all(q, arena, &l);
    size_t i;

    if (rc == SC_OK) {
        printf("%s:", label);
        for (i = 0; i < l.len; i++)
            printf(" %lld", (long long)l.items[i].id);
        printf("\n");
    } else {
        print_rc(label, rc);
    }
    xdb_notes_query_free(q);
}

/* A query of notes ordered by id, for a filter to be added to. */
static xdb_notes_query *notes(void)
{
    xdb_notes_query *q = xdb_notes_select(db);

    xdb_notes_order_by(q, ID, SC_ASC);
    return q;
}

static void fill_notes(void)
{
    static const struct {
        const char *t, *o;
        int64_t big, at;
        int32_t day;
        double f;
        int64_t amt;
        uint8_t raw[4];
        size_t nraw;
        const char *doc;
    } rows[] = {
        /* 2023-11-14 22:13:20.123456 UTC; 2022-01-08 */
        {"a", "", INT64_MAX, INT64_C(1700000000123456), 19000, 0.1, -1,
         {0}, 1, "{\"a\": [1, \"x\"], \"b\": null}"},
        /* a microsecond before 1970 */
        {"a ", NULL, INT64_MIN, -1, -1, -1.5e-7, 0, {0xff}, 1, NULL},
        /* the last microsecond before Los Angeles's clocks went forward
         * (2024-03-10 10:00 UTC); 9999-12-31 */
        {"a\t", "a ", 0, INT64_C(1710064799999999), 2932896, 1e300,
         INT64_C(123456789012), {0, 0xff, 0}, 3, "[]"},
        /* the moment they did; 0001-01-01 */
        {"A", "a", -1, INT64_C(1710064800000000), -719162, 1.0 / 3,
         -99950, {0}, 0, "\"\xc3\xa9\""},
        /* the first of the hour Los Angeles lived twice (2024-11-03) */
        {"\xc3\xa1", " ", 1, INT64_C(1730624400000000), 0,
         123456789.125, 5, {'a', 0}, 2, "1.5"},
        {"e\xcc\x81", "b", 2, INT64_C(1730628000000001), 1, -0.5, 99,
         {0xff, 0xff}, 2, "true"},
        {"\xc3\xa9", "B", -2, 0, 11016, 2.2250738585072014e-308, -5,
         {0xfe}, 1, "null"},
        {"", "", 3, INT64_C(-62135596800000000), -3, 4.5, 100, {1}, 1,
         "{}"},
        {"b", "\xc3\xa9", -3, INT64_C(253402300799999999), 60, 0.25, 1,
         {0, 0}, 2, "\"a\\\\b\""},
    };
    xdb_note n;
    size_t i;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(&n, 0, sizeof n);
        n.t = rows[i].t;
        n.o = rows[i].o;
        n.flag = i % 3 == 0;
        n.big = rows[i].big;
        n.at = rows[i].at;
        n.day = rows[i].day;
        n.f = rows[i].f;
        n.amt = rows[i].amt;
        n.raw.data = rows[i].raw;
        n.raw.len = rows[i].nraw;
        memset(&n.uid, (int)(0xff - i * 0x1f), sizeof n.uid);
        n.uid.b[15] = (uint8_t)i;
        n.doc = rows[i].doc;
        must(xdb_notes_insert(db, &n), "insert note");
    }
}

/* Every value as it reads back, row by row. */
static void case_round_trip(void)
{
    xdb_notes_query *q = notes();
    xdb_note_list l;
    size_t i;

    fill_notes();
    must(xdb_notes_all(q, arena, &l), "notes");
    for (i = 0; i < l.len; i++) {
        const xdb_note *n = &l.items[i];

        printf("row %lld: ", (long long)n->id);
        put_text(n->t);
        printf(" o=");
        if (n->o != NULL)
            put_text(n->o);
        else
            printf("NULL");
        printf(" %s %lld %lld %ld %.17g %lld ", n->flag ? "true" : "false",
               (long long)n->big, (long long)n->at, (long)n->day, n->f,
               (long long)n->amt);
        put_hex(n->raw.data, n->raw.len);
        printf("/%zu ", n->raw.len);
        put_hex(n->uid.b, sizeof n->uid.b);
        printf(" %s\n", n->doc != NULL ? n->doc : "NULL");
    }
    xdb_notes_query_free(q);
}

/* Text: trailing spaces count (no PAD SPACE), case and accents are
 * bytes, the empty string is not NULL. */
static void case_text_values(void)
{
    static const char *const in_a[] = {"a", "\xc3\xa9"};
    xdb_notes_query *q;

    q = notes();
    xdb_notes_where(q, T, EQ, "a");
    show_notes("text eq a", q);
    q = notes();
    xdb_notes_where(q, T, EQ, "a ");
    show_notes("text eq a space", q);
    q = notes();
    xdb_notes_where(q, T, NE, "a");
    show_notes("text ne a", q);
    q = notes();
    xdb_notes_where(q, T, LT, "a");
    show_notes("text lt a", q);
    q = notes();
    xdb_notes_where(q, T, LE, "a ");
    show_notes("text le a space", q);
    q = notes();
    xdb_notes_where_in(q, T, in_a, 2);
    show_notes("text in", q);
    q = xdb_notes_select(db);
    xdb_notes_order_by(q, T, SC_ASC);
    show_notes("text order", q);
    q = xdb_notes_select(db);
    xdb_notes_order_by(q, T, SC_DESC);
    xdb_notes_limit(q, 4);
    show_notes("text order desc", q);
    q = notes();
    xdb_notes_where(q, T, LIKE, "a");
    show_notes("like a", q);
    q = notes();
    xdb_notes_where(q, T, LIKE, "a_");
    show_notes("like a_", q);
    q = notes();
    xdb_notes_where(q, T, LIKE, "_");
    show_notes("like one character", q);
    q = notes();
    xdb_notes_where(q, T, ILIKE, "A%");
    show_notes("ilike A%", q);
    q = notes();
    xdb_notes_where(q, T, EQ, "A");
    show_notes("text eq A", q);
    q = notes();
    xdb_notes_where(q, T, EQ, "\xc3\xa9");
    show_notes("text eq e acute", q);
    q = notes();
    xdb_notes_where(q, T, EQ, "");
    show_notes("text eq empty", q);
    q = notes();
    xdb_notes_where(q, T, STARTS_WITH, "a");
    show_notes("starts_with a", q);
    q = notes();
    xdb_notes_where(q, O, EQ, "");
    show_notes("varchar eq empty", q);
    q = notes();
    xdb_notes_where_null(q, O);
    show_notes("varchar is null", q);
    q = notes();
    xdb_notes_where(q, O, EQ, "a");
    show_notes("varchar eq a", q);
    q = notes();
    xdb_notes_where(q, O, EQ, "b");
    show_notes("varchar eq b", q);
    q = xdb_notes_select(db);
    xdb_notes_order_by(q, O, SC_ASC);
    xdb_notes_order_by(q, ID, SC_ASC);
    show_notes("varchar order", q);
}

/* Numbers, moments, days, bytes and uuids: compared and ordered as
 * values. */
static void case_value_order(void)
{
    static const uint8_t zero[] = {0};
    sc_bytes b = {zero, 1};
    sc_uuid u;
    xdb_notes_query *q;

#define NOTES_ORDER(label, COL)                                             \
    do {                                                                    \
        q = xdb_notes_select(db);                                           \
        xdb_notes_order_by(q, COL, SC_ASC);                                 \
        xdb_notes_order_by(q, ID, SC_ASC);                                  \
        show_notes(label, q);                                               \
    } while (0)
    NOTES_ORDER("bool order", FLAG);
    NOTES_ORDER("int64 order", BIG);
    NOTES_ORDER("timestamp order", AT);
    NOTES_ORDER("date order", DAY);
    NOTES_ORDER("float order", F);
    NOTES_ORDER("numeric order", AMT);
    NOTES_ORDER("bytes order", RAW);
    NOTES_ORDER("uuid order", UID);
#undef NOTES_ORDER
    q = notes();
    xdb_notes_where(q, FLAG, EQ, true);
    show_notes("bool eq true", q);
    q = notes();
    xdb_notes_where(q, BIG, GT, INT64_MAX - 1);
    show_notes("int64 gt max-1", q);
    q = notes();
    xdb_notes_where(q, BIG, LE, INT64_MIN);
    show_notes("int64 le min", q);
    q = notes();
    xdb_notes_where(q, AT, GE, INT64_C(1710064800000000));
    xdb_notes_where(q, AT, LT, INT64_C(1730628000000001));
    show_notes("timestamp from the DST change", q);
    q = notes();
    xdb_notes_where(q, AT, EQ, -1);
    show_notes("timestamp eq -1us", q);
    q = notes();
    xdb_notes_where(q, DAY, LT, 0);
    show_notes("date before 1970", q);
    q = notes();
    xdb_notes_where(q, F, GT, 0.1);
    show_notes("float gt 0.1", q);
    q = notes();
    xdb_notes_where(q, F, EQ, 1.0 / 3);
    show_notes("float eq 1/3", q);
    q = notes();
    xdb_notes_where(q, AMT, LT, 0);
    show_notes("numeric lt 0", q);
    q = notes();
    xdb_notes_where(q, AMT, EQ, 5);
    show_notes("numeric eq 0.05", q);
    q = notes();
    xdb_notes_where(q, RAW, EQ, b);
    show_notes("bytes eq 00", q);
    b.len = 0;
    q = notes();
    xdb_notes_where(q, RAW, EQ, b);
    show_notes("bytes eq empty", q);
    memset(&u, 0xff, sizeof u);
    u.b[15] = 0;
    q = notes();
    xdb_notes_where(q, UID, EQ, u);
    show_notes("uuid eq", q);
    q = notes();
    xdb_notes_where(q, UID, GT, u);
    show_notes("uuid gt", q);
}

/* limit and offset at and past their ends. */
static void case_limits(void)
{
    xdb_notes_query *q;
    int64_t n = -1;
    int rc;

    q = notes();
    xdb_notes_limit(q, 0);
    show_notes("limit 0", q);
    q = notes();
    xdb_notes_offset(q, 100);
    show_notes("offset past the end", q);
    q = notes();
    xdb_notes_limit(q, 2);
    xdb_notes_offset(q, 7);
    show_notes("limit 2 offset 7", q);
    q = notes();
    xdb_notes_limit(q, 5);
    xdb_notes_offset(q, 8);
    show_notes("limit 5 offset 8", q);
    q = xdb_notes_select(db);
    xdb_notes_distinct(q);
    xdb_notes_order_by(q, FLAG, SC_DESC);
    xdb_notes_order_by(q, ID, SC_DESC);
    xdb_notes_limit(q, 3);
    xdb_notes_offset(q, 1);
    show_notes("distinct order limit offset", q);
    q = xdb_notes_select(db);
    xdb_notes_limit(q, 2);
    rc = xdb_notes_count(q, &n);
    if (rc == SC_OK)
        printf("count with limit 2: %lld\n", (long long)n);
    else
        print_rc("count with limit 2", rc);
    xdb_notes_query_free(q);
}

/* Text keys that differ by a trailing space or tab, or by case, are
 * other keys: inserted, found and ordered as such. */
static void case_text_keys(void)
{
    static const char *const keys[] = {"a", "a ", "a\t", "A", "a  "};
    xdb_word w = XDB_WORD_INIT;
    xdb_words_query *q;
    xdb_word_list l;
    size_t i;
    int rc;

    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        w.w = keys[i];
        w.n = (int32_t)i;
        rc = xdb_words_insert(db, &w);
        printf("insert ");
        put_text(keys[i]);
        print_rc("", rc);
    }
    w.w = "a ";
    w.n = 9;
    print_rc("insert [a ] again", xdb_words_insert(db, &w));
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        rc = xdb_words_get(db, arena, keys[i], &w);
        printf("get ");
        put_text(keys[i]);
        if (rc == SC_OK)
            printf(": %ld\n", (long)w.n);
        else
            print_rc("", rc);
    }
    q = xdb_words_select(db);
    xdb_words_order_by(q, W, SC_ASC);
    must(xdb_words_all(q, arena, &l), "words");
    printf("key order:");
    for (i = 0; i < l.len; i++) {
        putchar(' ');
        put_text(l.items[i].w);
    }
    printf("\n");
    xdb_words_query_free(q);
}

/* Bulk changes through a join, with order and limit. */
static void case_bulk(void)
{
    xdb_items_query *q = xdb_items_select(db);
    xdb_tags_join *t;
    xdb_tags_query *tq;
    int64_t changed = -1;
    int rc;

    t = xdb_items_join_tags(q);
    xdb_tags_where(t, LABEL, NE, "blue");
    xdb_items_order_by(q, ID, SC_DESC);
    xdb_items_limit(q, 1);
    xdb_items_set(q, NAME, "bulk");
    rc = xdb_items_update_all(q, &changed);
    if (rc == SC_OK)
        printf("update join limit: %lld\n", (long long)changed);
    else
        print_rc("update join limit", rc);
    xdb_items_query_free(q);
    q = xdb_items_select(db);
    xdb_items_where(q, NAME, EQ, "bulk");
    show_count("renamed", q);
    q = xdb_items_select(db);
    xdb_items_where(q, ID, EQ, 3);
    show("item 3", q);
    tq = xdb_tags_select(db);
    xdb_tags_order_by(tq, LABEL, SC_ASC);
    xdb_tags_limit(tq, 2);
    changed = -1;
    rc = xdb_tags_delete_all(tq, &changed);
    if (rc == SC_OK)
        printf("delete order limit: %lld\n", (long long)changed);
    else
        print_rc("delete order limit", rc);
    xdb_tags_query_free(tq);
    q = xdb_items_select(db);
    t = xdb_items_join_tags(q);
    xdb_tags_where(t, LABEL, EQ, "red");
    changed = -1;
    rc = xdb_items_delete_all(q, &changed);
    xdb_items_query_free(q);
    print_rc("delete joined with a child", rc);
    q = xdb_items_select(db);
    show_count("items left", q);
}

/*
 * One run of single-row writes in a transaction, every call checked and
 * the commit made only when all of them succeeded (else a rollback).
 * PostgreSQL queues the writes and reports a failure at the flush, the
 * commit here, which then rolls back; SQLite and MariaDB report it at the
 * call.  The failure and the rows stored in the end are the same.  fail
 * is "unique" (an insert of a key inserted before), "missing" (an update
 * of a key that is not there) or "" (none).
 */
static void unit_of_work(const char *label, const char *fail)
{
    static const char *const keys[] = {"uow0", "uow1", "uow2", "uow3",
                                       "uow4", "uow5"};
    xdb_word w = XDB_WORD_INIT;
    char what[64];
    int i, rc = SC_OK, stored = 0;

    must(sc_begin(db), "begin");
    for (i = 0; i < 6 && rc == SC_OK; i++) {
        w.w = keys[i];
        w.n = i;
        if (i == 3 && strcmp(fail, "missing") == 0) {
            w.w = "uow-none";
            rc = xdb_words_update(db, &w);
        } else {
            if (i == 4 && strcmp(fail, "unique") == 0)
                w.w = keys[1];
            rc = xdb_words_insert(db, &w);
        }
    }
    if (rc == SC_OK)
        rc = sc_commit(db);
    snprintf(what, sizeof what, "%s: first failure", label);
    if (rc == SC_OK)
        printf("%s: none\n", what);
    else
        print_rc(what, rc);
    if (sc_txn_depth(db) > 0)
        must(sc_rollback(db), "rollback");
    for (i = 0; i < 6; i++)
        stored += xdb_words_get(db, arena, keys[i], &w) == SC_OK;
    printf("%s: stored %d\n", label, stored);
}

static void case_unit_of_work(void)
{
    static const char *const keys[] = {"uow0", "uow1", "uow2", "uow3",
                                       "uow4", "uow5"};
    xdb_word w = XDB_WORD_INIT;
    int i, rc = SC_OK;

    unit_of_work("unique in a run of inserts", "unique");
    unit_of_work("update of a missing row", "missing");
    unit_of_work("every write fine", "");
    must(sc_begin(db), "begin");
    for (i = 0; i < 6 && rc == SC_OK; i++)
        rc = xdb_words_delete(db, keys[i]);
    if (rc == SC_OK)
        rc = xdb_words_delete(db, keys[0]); /* deleted just before */
    if (rc == SC_OK)
        rc = sc_commit(db);
    print_rc("deletes, the last of a deleted row", rc);
    if (sc_txn_depth(db) > 0)
        must(sc_rollback(db), "rollback");
    printf("still stored: %d\n",
           xdb_words_get(db, arena, keys[5], &w) == SC_OK);
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"enum_order", case_enum_order},
    {"decimal_order", case_decimal_order},
    {"decimal_text_order", case_decimal_text_order},
    {"text_order", case_text_order},
    {"like", case_like},
    {"starts_with", case_starts_with},
    {"distinct_join", case_distinct_join},
    {"shapes", case_shapes},
    {"children", case_children},
    {"refusals", case_refusals},
    {"large", case_large},
    {"large_text", case_large_text},
    {"large_kinds", case_large_kinds},
    {"large_exact", case_large_exact},
    {"date_default", case_date_default},
    {"floats", case_floats},
    {"round_trip", case_round_trip},
    {"text_values", case_text_values},
    {"value_order", case_value_order},
    {"limits", case_limits},
    {"text_keys", case_text_keys},
    {"bulk", case_bulk},
    {"unit_of_work", case_unit_of_work},
};

/* Leaves a PostgreSQL database as createdb made it, and a MariaDB one
 * without the schema's tables. */
static void empty_database(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return;
    if (sc_db_dialect(db) == SC_DIALECT_MARIADB) {
        must(sc_exec(db, "DROP TABLE IF EXISTS tags, items, pairs, "
                         "readings, kinds, prices, notes, words, "
                         "exact"),
             "drop");
        return;
    }
    must(sc_exec(db, "SET client_min_messages TO warning"), "quiet");
    must(sc_exec(db, "DROP SCHEMA IF EXISTS public CASCADE"), "drop");
    must(sc_exec(db, "CREATE SCHEMA public"), "create schema");
}

int main(int argc, char **argv)
{
    const char *only = argc > 2 ? argv[2] : NULL;
    size_t i;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: xdb URL [CASE]\n");
        return 2;
    }
    if (setlocale(LC_ALL, "") == NULL) {
        fprintf(stderr, "xdb: the locale of the environment is missing\n");
        return 1;
    }
    arena = sc_arena_new();
    must(sc_open(argv[1], &db), "open");
    empty_database(argv[1]);
    must(xdb_create_all(db), "create_all");
    fill_items();
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (only == NULL || strcmp(only, cases[i].name) == 0) {
            printf("== %s\n", cases[i].name);
            cases[i].run();
        }
    }
    sc_close(db);
    sc_arena_free(arena);
    return 0;
}
