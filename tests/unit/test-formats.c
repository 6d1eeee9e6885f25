/*
 * test-formats.c - databases that schemac did not make: values kept in
 * the forms other tools choose (sc_column_desc.format), tables without
 * STRICT whose columns hold any storage class (SC_TABLE_LOOSE), columns
 * of types the runtime reads through a cast (sc_column_desc.pg_type),
 * timestamps without a time zone, and tables without a primary key
 * (SC_TABLE_NOPK).
 *
 * The tables are made by hand SQL in the shapes other tools write (a
 * Django-like SQLite table: a "created" datetime holding text, a "price"
 * decimal holding REAL and INTEGER values, a "uid" char(32) holding hex),
 * and described by hand-written descriptors, as generated code would
 * describe them.  Every row read through the runtime is compared with
 * the database's own text of it (sc_query_sql_each()), every row written
 * is read back as text in the owner's form, and every value that is not
 * in its column's form fails the call, naming table, column and key.
 *
 * Runs on SQLite, on PostgreSQL through with-pg.sh and on MariaDB
 * through with-mariadb.sh; the tests of storage classes run on SQLite
 * only, those of PostgreSQL's types (a domain, text[], tsvector, inet,
 * interval, char(n), timestamp without time zone, a descriptor of the
 * wrong type) on PostgreSQL only, and those of MariaDB's (unsigned
 * integers, TINYINT(1), DATETIME, a wide DECIMAL, YEAR, SET, BIT, text
 * in another collation; a BIGINT UNSIGNED above INT64_MAX and a zero
 * date refused) on MariaDB only.  The formats' own tests run on all
 * three: the MariaDB tables hold them in LONGTEXT, DOUBLE and BIGINT.
 */
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schemac.h"
#include "testdb.h"

static sc_db *db;
static sc_arena *arena;

static bool on_sqlite(void)
{
    return testdb_dialect() == SC_DIALECT_SQLITE;
}

static bool on_postgresql(void)
{
    return testdb_dialect() == SC_DIALECT_POSTGRESQL;
}

static bool on_mariadb(void)
{
    return testdb_dialect() == SC_DIALECT_MARIADB;
}

static void exec_ok(const char *sql)
{
    ck_assert_msg(sc_exec(db, sql) == SC_OK, "%s: %s", sql, sc_errmsg(db));
}

/* The rows of a query as the database prints them: "a|b|NULL;" each. */
typedef struct seen {
    char text[4096];
    int rows;
} seen;

static int collect(void *ctx, int ncols, const char *const *texts)
{
    seen *s = ctx;
    size_t len = strlen(s->text);
    int i;

    for (i = 0; i < ncols; i++)
        len += (size_t)snprintf(s->text + len, sizeof s->text - len, "%s%s",
                                i ? "|" : "", texts[i] ? texts[i] : "NULL");
    snprintf(s->text + len, sizeof s->text - len, ";");
    s->rows++;
    return 0;
}

/* The database's text of sql's rows. */
static const char *db_text(const char *sql)
{
    static seen s;

    memset(&s, 0, sizeof s);
    ck_assert_msg(sc_query_sql_each(db, sql, collect, &s) == SC_OK, "%s: %s",
                  sql, sc_errmsg(db));
    return s.text;
}

/* Asserts a refused read: SC_RANGE naming table and column, a message
 * starting with start and holding part (when not NULL). */
static void assert_refused(int rc, const char *table, const char *column,
                           const char *start, const char *part)
{
    ck_assert_msg(rc == SC_RANGE, "rc %d: %s", rc, sc_errmsg(db));
    ck_assert_str_eq(sc_errtable(db), table);
    ck_assert_str_eq(sc_errcolumn(db), column);
    ck_assert_msg(strncmp(sc_errmsg(db), start, strlen(start)) == 0,
                  "message \"%s\" does not start with \"%s\"", sc_errmsg(db),
                  start);
    if (part != NULL)
        ck_assert_msg(strstr(sc_errmsg(db), part) != NULL,
                      "message \"%s\" lacks \"%s\"", sc_errmsg(db), part);
}

static int64_t utc_us(int y, int mo, int d, int h, int mi, int s, int us)
{
    return (int64_t)sc_date_from_ymd(y, mo, d) * INT64_C(86400000000) +
           ((int64_t)h * 3600 + mi * 60 + s) * INT64_C(1000000) + us;
}

static sc_uuid uuid_of(const char *hex)
{
    sc_uuid u;
    unsigned x;
    int i;

    for (i = 0; i < 16; i++) {
        sscanf(hex + 2 * i, "%2x", &x);
        u.b[i] = (uint8_t)x;
    }
    return u;
}

/* ---------------------------------------------------------------------
 * The Django-like table: every format on both databases.
 * ------------------------------------------------------------------- */

typedef struct item {
    int64_t id;
    int64_t created;  /* timestamp as text */
    int64_t price;    /* numeric(10,2) as a float */
    sc_uuid uid;      /* uuid as 32 hex digits */
    int32_t day;      /* date as text */
    bool has_day;
    int64_t seen;     /* timestamp as Unix seconds */
    bool has_seen;
    sc_uuid ref;      /* uuid as 36 characters */
    bool has_ref;
    int64_t amount;   /* numeric(12,3) as decimal text */
    bool has_amount;
} item;

enum { ITEM_ID, ITEM_CREATED, ITEM_PRICE, ITEM_UID, ITEM_DAY, ITEM_SEEN,
       ITEM_REF, ITEM_AMOUNT };

static const sc_column_desc item_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_AUTOINC | SC_COL_NOTNULL,
     .offset = offsetof(item, id)},
    {.name = "created", .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_NOTNULL,
     .offset = offsetof(item, created), .format = SC_FMT_TEXT},
    {.name = "price", .type = SC_TYPE_NUMERIC, .flags = SC_COL_NOTNULL,
     .length = 10, .scale = 2, .offset = offsetof(item, price),
     .format = SC_FMT_REAL},
    {.name = "uid", .type = SC_TYPE_UUID, .flags = SC_COL_NOTNULL,
     .offset = offsetof(item, uid), .format = SC_FMT_HEX,
     .pg_type = "char(32)"},
    {.name = "day", .type = SC_TYPE_DATE, .flags = SC_COL_HASFLAG,
     .offset = offsetof(item, day), .has_offset = offsetof(item, has_day),
     .format = SC_FMT_TEXT},
    {.name = "seen", .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_HASFLAG,
     .offset = offsetof(item, seen), .has_offset = offsetof(item, has_seen),
     .format = SC_FMT_INTEGER},
    {.name = "ref", .type = SC_TYPE_UUID, .flags = SC_COL_HASFLAG,
     .offset = offsetof(item, ref), .has_offset = offsetof(item, has_ref),
     .format = SC_FMT_TEXT},
    {.name = "amount", .type = SC_TYPE_NUMERIC, .flags = SC_COL_HASFLAG,
     .length = 12, .scale = 3, .offset = offsetof(item, amount),
     .has_offset = offsetof(item, has_amount), .format = SC_FMT_TEXT},
};

static const unsigned item_pk[] = {ITEM_ID};

static const sc_table_desc item_table = {
    .name = "item",
    .row_size = sizeof(item),
    .cols = item_cols,
    .ncols = sizeof item_cols / sizeof item_cols[0],
    .pk = item_pk,
    .npk = 1,
    .autoinc = ITEM_ID,
    .flags = SC_TABLE_LOOSE,
};

/* As Django makes it on SQLite (not STRICT, declared types that give
 * NUMERIC affinity), and as another tool would on PostgreSQL. */
static const char item_sqlite[] =
    "CREATE TABLE \"item\" (\"id\" integer NOT NULL PRIMARY KEY "
    "AUTOINCREMENT, \"created\" datetime NOT NULL, \"price\" decimal NOT "
    "NULL, \"uid\" char(32) NOT NULL, \"day\" date NULL, \"seen\" integer "
    "NULL, \"ref\" char(36) NULL, \"amount\" varchar(20) NULL)";
static const char item_postgresql[] =
    "CREATE TABLE item (id bigserial PRIMARY KEY, created text NOT NULL, "
    "price double precision NOT NULL, uid char(32) NOT NULL, day text, "
    "seen bigint, ref varchar(36), amount text)";
static const char item_mariadb[] =
    "CREATE TABLE item (id bigint AUTO_INCREMENT PRIMARY KEY, created text "
    "NOT NULL, price double NOT NULL, uid char(32) NOT NULL, day text, "
    "seen bigint, ref varchar(36), amount text)";

static void setup(void)
{
    db = testdb_open();
    arena = sc_arena_new();
    ck_assert_ptr_nonnull(arena);
    exec_ok(testdb_pick3(item_sqlite, item_postgresql, item_mariadb));
}

static void teardown(void)
{
    sc_close(db);
    db = NULL;
    sc_arena_free(arena);
    arena = NULL;
}

/* Rows as the owner's application wrote them, each form a reader must
 * take, and what they mean. */
static const struct {
    const char *created;
    int64_t created_us;
    const char *price; /* SQL literal */
    int64_t cents;
    const char *uid;
} owner_rows[] = {
    {"2021-01-01 00:00:00", 0, "1.98", 198,
     "00112233445566778899aabbccddeeff"},
    {"2021-01-31T13:45:00.5", 1, "2.0", 200,
     "00112233445566778899AABBCCDDEEFF"},
    {"2021-01-31 13:45", 2, "0.25", 25, "ffffffffffffffffffffffffffffffff"},
    {"2021-01-31 13:45:00.123456Z", 3, "-3.5", -350,
     "0123456789abcdef0123456789ABCDEF"},
    {"2021-01-31 15:45:00+02:00", 4, "12345678.99", 1234567899,
     "00000000000000000000000000000000"},
    {"1969-12-31 23:59:59.999999", 5, "0", 0,
     "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"},
};

static int64_t owner_created(int k)
{
    switch (k) {
    case 0:
        return utc_us(2021, 1, 1, 0, 0, 0, 0);
    case 1:
        return utc_us(2021, 1, 31, 13, 45, 0, 500000);
    case 2:
    case 4:
        return utc_us(2021, 1, 31, 13, 45, 0, 0);
    case 3:
        return utc_us(2021, 1, 31, 13, 45, 0, 123456);
    default:
        return -1;
    }
}

static void insert_owner_rows(void)
{
    char sql[512];
    size_t i;

    for (i = 0; i < sizeof owner_rows / sizeof owner_rows[0]; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO item (created, price, uid, day, seen, ref, "
                 "amount) VALUES ('%s', %s, '%s', %s, %s, %s, %s)",
                 owner_rows[i].created, owner_rows[i].price, owner_rows[i].uid,
                 i == 0 ? "'2021-01-31'" : i == 1 ? "'1969-12-31'" : "NULL",
                 i == 0 ? "1612101600" : i == 1 ? "-1" : "NULL",
                 i == 0 ? "'6BA7B810-9DAD-11D1-80B4-00C04FD430C8'" : "NULL",
                 i == 0 ? "'12.5'" : i == 1 ? "'-0.001'" : i == 2 ? "'7'"
                                                                   : "NULL");
        exec_ok(sql);
    }
}

START_TEST(test_read_owner_rows)
{
    sc_query *q = sc_query_new(db, &item_table);
    item *rows = NULL;
    size_t n = 0, i;
    char want[1024];

    insert_owner_rows();
    /* the database keeps the values verbatim; SQLite's NUMERIC affinity
     * turned 2.0 into the integer 2 */
    if (on_sqlite())
        ck_assert_str_eq(db_text("SELECT typeof(price) FROM item WHERE id "
                                 "IN (1, 2) ORDER BY id"),
                         "real;integer;");
    sc_query_order_by(q, ITEM_ID, SC_ASC);
    ck_assert_msg(sc_query_all(q, arena, (void **)&rows, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_uint_eq(n, sizeof owner_rows / sizeof owner_rows[0]);
    for (i = 0; i < n; i++) {
        sc_uuid u = uuid_of(owner_rows[i].uid);

        ck_assert_int_eq(rows[i].created, owner_created((int)i));
        ck_assert_int_eq(rows[i].price, owner_rows[i].cents);
        ck_assert_mem_eq(rows[i].uid.b, u.b, 16);
        snprintf(want, sizeof want, "SELECT created, uid FROM item WHERE "
                 "id = %zu", i + 1);
        snprintf(want + 512, 512, "%s|%s;", owner_rows[i].created,
                 owner_rows[i].uid);
        ck_assert_str_eq(db_text(want), want + 512);
    }
    ck_assert(rows[0].has_day && rows[0].day == sc_date_from_ymd(2021, 1,
                                                                 31));
    ck_assert(rows[1].has_day && rows[1].day == -1);
    ck_assert(!rows[2].has_day);
    ck_assert(rows[0].has_seen &&
              rows[0].seen == INT64_C(1612101600) * 1000000);
    ck_assert(rows[1].has_seen && rows[1].seen == -1000000);
    ck_assert(rows[0].has_ref);
    ck_assert_mem_eq(rows[0].ref.b,
                     uuid_of("6ba7b8109dad11d180b400c04fd430c8").b, 16);
    ck_assert(rows[0].has_amount && rows[0].amount == 12500);
    ck_assert(rows[1].has_amount && rows[1].amount == -1);
    ck_assert(rows[2].has_amount && rows[2].amount == 7000);
    ck_assert(!rows[3].has_amount);
    ck_assert_str_eq(db_text("SELECT price FROM item ORDER BY id"),
                     "1.98;2;0.25;-3.5;12345678.99;0;");
    sc_query_free(q);
}
END_TEST

START_TEST(test_write_owner_format)
{
    item it = {0}, got;
    const char *text;

    it.created = utc_us(2021, 1, 31, 13, 45, 0, 250000);
    it.price = 198;
    it.uid = uuid_of("00112233445566778899AABBCCDDEEFF");
    it.day = sc_date_from_ymd(2021, 1, 31);
    it.has_day = true;
    it.seen = INT64_C(1612101600) * 1000000;
    it.has_seen = true;
    it.ref = uuid_of("6ba7b8109dad11d180b400c04fd430c8");
    it.has_ref = true;
    it.amount = 12500;
    it.has_amount = true;
    ck_assert_msg(sc_row_insert(db, &item_table, &it) == SC_OK, "%s",
                  sc_errmsg(db));
    it.created = utc_us(1999, 12, 31, 23, 59, 59, 0);
    it.price = 200;
    it.has_day = it.has_seen = it.has_ref = false;
    it.amount = -1;
    ck_assert_msg(sc_row_insert(db, &item_table, &it) == SC_OK, "%s",
                  sc_errmsg(db));
    text = db_text("SELECT id, created, price, uid, day, seen, ref, amount "
                   "FROM item ORDER BY id");
    ck_assert_str_eq(text,
                     "1|2021-01-31 13:45:00.250000|1.98|"
                     "00112233445566778899aabbccddeeff|2021-01-31|1612101600|"
                     "6ba7b810-9dad-11d1-80b4-00c04fd430c8|12.500;"
                     "2|1999-12-31 23:59:59|2|"
                     "00112233445566778899aabbccddeeff|NULL|NULL|NULL|-0.001;");
    if (on_sqlite())
        ck_assert_str_eq(db_text("SELECT typeof(created), typeof(price), "
                                 "typeof(uid), typeof(seen) FROM item "
                                 "WHERE id = 1"),
                         "text|real|text|integer;");

    /* and reads back as written */
    memset(&got, 0, sizeof got);
    got.id = 1;
    ck_assert_msg(sc_row_get(db, &item_table, arena, &got, &got) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(got.created, utc_us(2021, 1, 31, 13, 45, 0, 250000));
    ck_assert_int_eq(got.price, 198);
    ck_assert_int_eq(got.amount, 12500);

    /* filters compare in the stored form */
    {
        sc_query *q = sc_query_new(db, &item_table);
        int64_t when = utc_us(1999, 12, 31, 23, 59, 59, 0), count = 0;
        sc_uuid u = uuid_of("00112233445566778899aabbccddeeff");

        sc_query_where(q, ITEM_CREATED, SC_OP_EQ, &when);
        sc_query_where(q, ITEM_UID, SC_OP_EQ, &u);
        ck_assert_int_eq(sc_query_count(q, &count), SC_OK);
        ck_assert_int_eq(count, 1);
        sc_query_free(q);
    }

    /* whole seconds cannot hold a fraction */
    it.seen = INT64_C(1612101600) * 1000000 + 1;
    it.has_seen = true;
    ck_assert_int_eq(sc_row_insert(db, &item_table, &it), SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "seen");
    ck_assert_msg(strstr(sc_errmsg(db), "fraction of a second") != NULL,
                  "%s", sc_errmsg(db));
    ck_assert_str_eq(db_text("SELECT count(*) FROM item"), "2;");

    /* nor a value the form cannot hold, or that would not read back */
    it.has_seen = false;
    it.created = utc_us(10000, 1, 1, 0, 0, 0, 0);
    ck_assert_int_eq(sc_row_insert(db, &item_table, &it), SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "created");
    it.created = 0;
    it.price = INT64_C(10000000000); /* 100000000.00: 11 digits */
    ck_assert_int_eq(sc_row_insert(db, &item_table, &it), SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "price");
    ck_assert_msg(strstr(sc_errmsg(db), "more digits") != NULL, "%s",
                  sc_errmsg(db));
    it.price = 1;
    it.amount = INT64_C(1000000000000); /* 12 digits before the point */
    ck_assert_int_eq(sc_row_insert(db, &item_table, &it), SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "amount");
    ck_assert_str_eq(db_text("SELECT count(*) FROM item"), "2;");
}
END_TEST

/* A table whose text timestamp takes "default now". */
typedef struct stamp {
    int64_t id;
    int64_t at;
    bool has_at;
} stamp;

static const sc_column_desc stamp_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(stamp, id)},
    {.name = "at", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_HASFLAG, .offset = offsetof(stamp, at),
     .has_offset = offsetof(stamp, has_at), .format = SC_FMT_TEXT,
     .dflt = {.kind = SC_DEFAULT_NOW}},
};
static const unsigned stamp_pk[] = {0};
static const sc_table_desc stamps_table = {
    .name = "stamps", .row_size = sizeof(stamp), .cols = stamp_cols,
    .ncols = 2, .pk = stamp_pk, .npk = 1, .autoinc = -1,
    .flags = SC_TABLE_LOOSE};

static void keep_params(void *ctx, const sc_trace_event *ev)
{
    snprintf(ctx, 256, "%s", ev->params);
}

/* Writes the text a timestamp is kept as, with the fraction. */
static void stamp_text(int64_t us, char *out, size_t size)
{
    int64_t day = INT64_C(86400000000), in_day = us % day;
    int y, mo, d;

    sc_date_to_ymd((int32_t)(us / day), &y, &mo, &d);
    snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d.%06d", y, mo, d,
             (int)(in_day / 3600000000), (int)(in_day / 60000000 % 60),
             (int)(in_day / 1000000 % 60), (int)(in_day % 1000000));
}

START_TEST(test_default_now_as_text)
{
    stamp st = {1, 0, false};
    char params[256] = "", want[64], trace_want[128];
    int64_t before = sc_now_us();

    exec_ok(on_sqlite() ? "CREATE TABLE stamps (id integer PRIMARY KEY, at "
                          "datetime NOT NULL)"
                        : "CREATE TABLE stamps (id bigint PRIMARY KEY, at "
                          "text NOT NULL)");
    sc_trace(db, keep_params, params);
    ck_assert_msg(sc_row_insert(db, &stamps_table, &st) == SC_OK, "%s",
                  sc_errmsg(db));
    sc_trace(db, NULL, NULL);
    ck_assert(st.has_at);
    ck_assert(st.at >= before && st.at <= sc_now_us());
    if (st.at % 1000000 == 0) /* a whole second is written without one */
        return;
    stamp_text(st.at, want, sizeof want);
    snprintf(trace_want, sizeof trace_want, "(1, '%s')", want);
    /* the trace shows the value as it is sent, in the stored form */
    ck_assert_str_eq(params, trace_want);
    strcat(want, ";");
    ck_assert_str_eq(db_text("SELECT at FROM stamps"), want);
}
END_TEST

/* Timestamps as text with a fixed count of fraction digits, as
 * SQLAlchemy writes them on SQLite (always six) and as a text(3) or a
 * text(0) column of another tool keeps them. */
typedef struct fixed {
    int64_t id;
    int64_t six;
    int64_t three;
    int64_t whole; /* default now */
    bool has_whole;
} fixed;

static const sc_column_desc fixed_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(fixed, id)},
    {.name = "six", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_FIXEDFRAC, .scale = 6,
     .offset = offsetof(fixed, six), .format = SC_FMT_TEXT},
    {.name = "three", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_FIXEDFRAC, .scale = 3,
     .offset = offsetof(fixed, three), .format = SC_FMT_TEXT},
    {.name = "whole", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_HASFLAG | SC_COL_FIXEDFRAC,
     .offset = offsetof(fixed, whole), .has_offset = offsetof(fixed, has_whole),
     .format = SC_FMT_TEXT, .dflt = {.kind = SC_DEFAULT_NOW}},
};
static const unsigned fixed_pk[] = {0};
static const sc_table_desc fixed_table = {
    .name = "fixed", .row_size = sizeof(fixed), .cols = fixed_cols,
    .ncols = 4, .pk = fixed_pk, .npk = 1, .autoinc = -1,
    .flags = SC_TABLE_LOOSE};

START_TEST(test_write_fixed_fraction)
{
    fixed f = {1, 0, 0, 0, false}, got;
    int64_t t0 = utc_us(2021, 1, 31, 13, 45, 0, 0), count = 0;
    sc_query *q;
    char want[128];

    exec_ok(on_sqlite() ? "CREATE TABLE fixed (id integer PRIMARY KEY, six "
                          "datetime NOT NULL, three datetime NOT NULL, whole "
                          "datetime NOT NULL)"
                        : "CREATE TABLE fixed (id bigint PRIMARY KEY, six "
                          "text NOT NULL, three text NOT NULL, whole text "
                          "NOT NULL)");
    f.six = t0;
    f.three = t0 + 250000;
    ck_assert_msg(sc_row_insert(db, &fixed_table, &f) == SC_OK, "%s",
                  sc_errmsg(db));
    /* now is cut to whole seconds, in the struct as in the database */
    ck_assert(f.has_whole && f.whole % 1000000 == 0);
    stamp_text(f.whole, want, sizeof want);
    want[19] = '\0';
    ck_assert_str_eq(db_text("SELECT whole FROM fixed"), strcat(want, ";"));
    ck_assert_str_eq(db_text("SELECT six, three FROM fixed"),
                     "2021-01-31 13:45:00.000000|2021-01-31 13:45:00.250;");

    /* an equality filter matches the owner's spelling */
    q = sc_query_new(db, &fixed_table);
    sc_query_where(q, 1, SC_OP_EQ, &t0);
    ck_assert_int_eq(sc_query_count(q, &count), SC_OK);
    ck_assert_int_eq(count, 1);
    sc_query_free(q);

    /* read back as written */
    memset(&got, 0, sizeof got);
    got.id = 1;
    ck_assert_msg(sc_row_get(db, &fixed_table, arena, &got, &got) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(got.six, t0);
    ck_assert_int_eq(got.three, t0 + 250000);

    /* a finer fraction than the column keeps is refused, not rounded */
    f.id = 2;
    f.three = t0 + 250100;
    ck_assert_int_eq(sc_row_insert(db, &fixed_table, &f), SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "three");
    ck_assert_msg(strstr(sc_errmsg(db), "finer fraction") != NULL, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(db_text("SELECT count(*) FROM fixed"), "1;");
}
END_TEST

/* Values the owner's column does not hold in its form: one per case. */
static const struct {
    const char *column;
    const char *literal;
} bad_values[] = {
    {"created", "'2021-13-01 00:00:00'"},
    {"created", "'2021-01-01 00:00:00.1234567'"},
    {"created", "'2021-01-01'"},
    {"created", "'2021-02-29 00:00:00'"},
    {"created", "'2021-01-01 00:00:00+0200'"},
    {"created", "'2021-01-01 24:00:00'"},
    {"price", "1.985"},
    {"price", "0.001"},
    {"uid", "'not-a-uuid'"},
    {"uid", "'g0112233445566778899aabbccddeeff'"},
    {"day", "'2021-1-31'"},
    {"ref", "'6ba7b8109dad11d180b400c04fd430c8'"},
    {"amount", "'1.2345'"},
    {"amount", "'1e3'"},
    {"amount", "'12345678901.5'"},
};

static int count_rows(void *ctx, const void *row)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

START_TEST(test_refuse_bad_forms)
{
    const char *column = bad_values[_i].column;
    char sql[512], start[64];
    item key = {0}, out;
    sc_query *q;
    void *rows;
    size_t n;
    int calls = 0;

    snprintf(sql, sizeof sql,
             "INSERT INTO item (id, created, price, uid, day, ref, amount) "
             "VALUES (7, %s, %s, %s, %s, %s, %s)",
             strcmp(column, "created") == 0 ? bad_values[_i].literal
                                            : "'2021-01-01 00:00:00'",
             strcmp(column, "price") == 0 ? bad_values[_i].literal : "1.5",
             strcmp(column, "uid") == 0 ? bad_values[_i].literal
                                        : "'00112233445566778899aabbccddeeff'",
             strcmp(column, "day") == 0 ? bad_values[_i].literal : "NULL",
             strcmp(column, "ref") == 0 ? bad_values[_i].literal : "NULL",
             strcmp(column, "amount") == 0 ? bad_values[_i].literal : "NULL");
    exec_ok(sql);
    snprintf(start, sizeof start, "item.%s: stored value ", column);

    key.id = 7;
    assert_refused(sc_row_get(db, &item_table, arena, &key, &out), "item",
                   column, start, "(id = 7)");
    q = sc_query_new(db, &item_table);
    assert_refused(sc_query_all(q, arena, &rows, &n), "item", column, start,
                   "(id = 7)");
    assert_refused(sc_query_first(q, arena, &out), "item", column, start,
                   NULL);
    assert_refused(sc_query_each(q, count_rows, &calls), "item", column,
                   start, NULL);
    ck_assert_int_eq(calls, 0);
    sc_query_free(q);
}
END_TEST

/* Rows from to to of item, price the SQL of every row's price; 500 a
 * statement, within MariaDB's 1000 steps of a recursive query. */
static void add_items(int from, int to, const char *price)
{
    char sql[512];
    int last;

    for (; from <= to; from = last + 1) {
        last = to - from >= 500 ? from + 499 : to;
        snprintf(sql, sizeof sql,
                 "INSERT INTO item (id, created, price, uid) "
                 "WITH RECURSIVE g(i) AS (SELECT %d UNION ALL SELECT i + 1 "
                 "FROM g WHERE i < %d) SELECT i, '2021-01-01 00:00:00', %s, "
                 "'00112233445566778899aabbccddeeff' FROM g",
                 from, last, price);
        exec_ok(sql);
    }
}

/* A value refused in the middle of a long stream (on PostgreSQL, with
 * rows of it still on their way): each stops there, its error naming
 * the table, the column and the row's key, and the connection serves
 * the next statements at once; inside the caller's transaction too,
 * which goes on, since the refusal is the client's, not the server's. */
#define NMID 3000

START_TEST(test_refuse_mid_stream)
{
    sc_query *q = sc_query_new(db, &item_table);
    int64_t n = 0;
    int calls, tx;

    add_items(1, 1499, "1.5");
    add_items(1500, 1500, "1.985");
    add_items(1501, NMID, "1.5");
    sc_query_order_by(q, ITEM_ID, SC_ASC);
    for (tx = 0; tx < 2; tx++) {
        if (tx)
            ck_assert_int_eq(sc_begin(db), SC_OK);
        calls = 0;
        assert_refused(sc_query_each(q, count_rows, &calls), "item",
                       "price", "item.price: stored value ", "(id = 1500)");
        ck_assert_int_eq(calls, 1499);
        ck_assert_int_eq(sc_txn_depth(db), tx);
        ck_assert_int_eq(sc_query_count(q, &n), SC_OK);
        ck_assert_int_eq(n, NMID);
        exec_ok("UPDATE item SET seen = 1 WHERE id = 1");
        if (tx)
            ck_assert_msg(sc_commit(db) == SC_OK, "%s", sc_errmsg(db));
    }
    sc_query_free(q);
}
END_TEST

/* ---------------------------------------------------------------------
 * SQLite: a loose table holding storage classes its columns should not.
 * ------------------------------------------------------------------- */

typedef struct user {
    int64_t user_id;
    int64_t karma;
    bool has_karma;
    const char *name;
    double score;
    bool has_score;
    bool active;
    bool has_active;
} user;

enum { USER_ID, USER_KARMA, USER_NAME, USER_SCORE, USER_ACTIVE };

static const sc_column_desc user_cols[] = {
    {.name = "user_id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(user, user_id)},
    {.name = "karma", .type = SC_TYPE_INT64, .flags = SC_COL_HASFLAG,
     .offset = offsetof(user, karma), .has_offset = offsetof(user, has_karma)},
    {.name = "name", .type = SC_TYPE_TEXT, .offset = offsetof(user, name)},
    {.name = "score", .type = SC_TYPE_FLOAT64, .flags = SC_COL_HASFLAG,
     .offset = offsetof(user, score), .has_offset = offsetof(user, has_score)},
    {.name = "active", .type = SC_TYPE_BOOL, .flags = SC_COL_HASFLAG,
     .offset = offsetof(user, active),
     .has_offset = offsetof(user, has_active)},
};

static const unsigned user_pk[] = {USER_ID};

static const sc_table_desc users_table = {
    .name = "users",
    .row_size = sizeof(user),
    .cols = user_cols,
    .ncols = sizeof user_cols / sizeof user_cols[0],
    .pk = user_pk,
    .npk = 1,
    .autoinc = -1,
    .flags = SC_TABLE_LOOSE,
};

/* A post of a user, to load as children. */
typedef struct post {
    int64_t post_id;
    int64_t user_id;
    int64_t likes;
} post;

static const sc_column_desc post_cols[] = {
    {.name = "post_id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(post, post_id)},
    {.name = "user_id", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(post, user_id)},
    {.name = "likes", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(post, likes)},
};

static const unsigned post_pk[] = {0};
static const unsigned post_fk_cols[] = {1};
static const char *const post_fk_target[] = {"user_id"};
static const sc_fkey_desc post_fks[] = {
    {"fk_posts_user_id", post_fk_cols, 1, "users", post_fk_target}};

static const sc_table_desc posts_table = {
    .name = "posts",
    .row_size = sizeof(post),
    .cols = post_cols,
    .ncols = 3,
    .pk = post_pk,
    .npk = 1,
    .autoinc = -1,
    .fkeys = post_fks,
    .nfkeys = 1,
    .flags = SC_TABLE_LOOSE,
};

static const struct {
    const char *values; /* karma, name, score, active */
    const char *column;
    const char *message;
} bad_classes[] = {
    {"'abc', 'x', 1.5, 1", "karma",
     "users.karma: stored value is text, not integer (user_id = 3)"},
    {"2.5, 'x', 1.5, 1", "karma",
     "users.karma: stored value is real, not integer (user_id = 3)"},
    {"1, 42, 1.5, 1", "name",
     "users.name: stored value is integer, not text (user_id = 3)"},
    {"1, x'00ff', 1.5, 1", "name",
     "users.name: stored value is blob, not text (user_id = 3)"},
    {"1, 'x', 'high', 1", "score",
     "users.score: stored value is text, not real (user_id = 3)"},
    {"1, 'x', 1.5, 'yes'", "active",
     "users.active: stored value is text, not integer (user_id = 3)"},
    {"1, 'x', 1.5, 2", "active",
     "users.active: stored value 2 is not a bool (0 or 1) (user_id = 3)"},
};

static void make_users(void)
{
    /* declared types as another tool might write them: "name" has none,
     * so it keeps integers and blobs as they are */
    exec_ok("CREATE TABLE users (user_id integer PRIMARY KEY, karma integer, "
            "name, score real, active boolean)");
    exec_ok("CREATE TABLE posts (post_id integer PRIMARY KEY, user_id "
            "integer NOT NULL REFERENCES users(user_id), likes integer NOT "
            "NULL)");
    exec_ok("INSERT INTO users VALUES (1, 10, 'ann', 2, 1), "
            "(2, NULL, NULL, NULL, NULL)");
}

START_TEST(test_loose_good_rows)
{
    user u = {0};

    if (!on_sqlite())
        return;
    make_users();
    u.user_id = 1;
    ck_assert_msg(sc_row_get(db, &users_table, arena, &u, &u) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert(u.has_karma && u.karma == 10);
    ck_assert_str_eq(u.name, "ann");
    /* REAL affinity keeps 2 as a real; an integer would read too */
    ck_assert(u.has_score && u.score == 2.0);
    ck_assert(u.has_active && u.active);
    u.user_id = 2;
    ck_assert_int_eq(sc_row_get(db, &users_table, arena, &u, &u), SC_OK);
    ck_assert(!u.has_karma && u.name == NULL && !u.has_score);
    u.user_id = 4;
    u.karma = 7;
    u.has_karma = true;
    u.name = "bo";
    u.score = 0.5;
    u.has_score = true;
    ck_assert_int_eq(sc_row_insert(db, &users_table, &u), SC_OK);
    ck_assert_str_eq(db_text("SELECT typeof(karma), typeof(name), "
                             "typeof(score) FROM users WHERE user_id = 4"),
                     "integer|text|real;");
}
END_TEST

START_TEST(test_loose_wrong_class)
{
    char sql[256];
    user u = {0};
    sc_query *q;
    void *rows;
    size_t n;
    int calls = 0;
    sc_row_list lists[1];
    post p = {10, 3, 1}, got;

    if (!on_sqlite())
        return;
    make_users();
    snprintf(sql, sizeof sql, "INSERT INTO users VALUES (3, %s)",
             bad_classes[_i].values);
    exec_ok(sql);
    u.user_id = 3;
    assert_refused(sc_row_get(db, &users_table, arena, &u, &u), "users",
                   bad_classes[_i].column, bad_classes[_i].message, NULL);
    q = sc_query_new(db, &users_table);
    assert_refused(sc_query_all(q, arena, &rows, &n), "users",
                   bad_classes[_i].column, bad_classes[_i].message, NULL);
    assert_refused(sc_query_each(q, count_rows, &calls), "users",
                   bad_classes[_i].column, bad_classes[_i].message, NULL);
    ck_assert_int_eq(calls, 2); /* the good rows before it */
    sc_query_where(q, USER_ID, SC_OP_EQ, &(int64_t){3});
    assert_refused(sc_query_one(q, arena, &u), "users",
                   bad_classes[_i].column, bad_classes[_i].message, NULL);
    sc_query_free(q);
    ck_assert_int_eq(sc_row_insert(db, &posts_table, &p), SC_OK);
    assert_refused(sc_load_parent(db, arena, &posts_table, &p, &post_fks[0],
                                  &users_table, &u),
                   "users", bad_classes[_i].column, bad_classes[_i].message,
                   NULL);

    /* the child side: a text where likes are counted */
    exec_ok("INSERT INTO posts VALUES (11, 1, 'many')");
    u.user_id = 1;
    assert_refused(sc_load_children(db, arena, &users_table, &u, 1,
                                    &posts_table, &post_fks[0], lists),
                   "posts", "likes",
                   "posts.likes: stored value is text, not integer "
                   "(post_id = 11)",
                   NULL);
    ck_assert_ptr_null(lists[0].rows);
    (void)got;
}
END_TEST

/* ---------------------------------------------------------------------
 * PostgreSQL: types the runtime reads through a cast, timestamps without
 * a zone, and descriptors of the wrong type.
 * ------------------------------------------------------------------- */

typedef struct event {
    int64_t id;
    int64_t ts;         /* timestamp without time zone */
    int32_t n;          /* a domain over integer */
    bool has_n;
    const char *tags;   /* text[] */
    const char *doc;    /* tsvector */
    const char *addr;   /* inet */
    const char *span;   /* interval */
    const char *code;   /* char(5) */
    int64_t made;       /* timestamp without time zone default now */
    bool has_made;
} event;

enum { EV_ID, EV_TS, EV_N, EV_TAGS, EV_DOC, EV_ADDR, EV_SPAN, EV_CODE,
       EV_MADE };

static const sc_column_desc event_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(event, id)},
    {.name = "ts", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_NOZONE, .offset = offsetof(event, ts)},
    {.name = "n", .type = SC_TYPE_INT32, .flags = SC_COL_HASFLAG,
     .offset = offsetof(event, n), .has_offset = offsetof(event, has_n),
     .pg_type = "posint"},
    {.name = "tags", .type = SC_TYPE_TEXT, .offset = offsetof(event, tags),
     .pg_type = "text[]"},
    {.name = "doc", .type = SC_TYPE_TEXT, .offset = offsetof(event, doc),
     .pg_type = "tsvector"},
    {.name = "addr", .type = SC_TYPE_TEXT, .offset = offsetof(event, addr),
     .pg_type = "inet"},
    {.name = "span", .type = SC_TYPE_TEXT, .offset = offsetof(event, span),
     .pg_type = "interval"},
    {.name = "code", .type = SC_TYPE_TEXT, .offset = offsetof(event, code),
     .pg_type = "char(5)"},
    {.name = "made", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_NOZONE | SC_COL_HASFLAG,
     .offset = offsetof(event, made), .has_offset = offsetof(event, has_made),
     .dflt = {.kind = SC_DEFAULT_NOW}},
};

static const unsigned event_pk[] = {EV_ID};

static const sc_table_desc events_table = {
    .name = "events",
    .row_size = sizeof(event),
    .cols = event_cols,
    .ncols = sizeof event_cols / sizeof event_cols[0],
    .pk = event_pk,
    .npk = 1,
    .autoinc = -1,
};

static void make_events(void)
{
    exec_ok("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
    exec_ok("CREATE TABLE events (id bigint PRIMARY KEY, ts timestamp NOT "
            "NULL, n posint, tags text[], doc tsvector, addr inet, span "
            "interval, code char(5), made timestamp NOT NULL DEFAULT "
            "(now() AT TIME ZONE 'UTC'))");
    /* a zone far from UTC: timestamps without one must not move */
    exec_ok("SET TIME ZONE 'Asia/Tokyo'");
}

/* The runtime's text of event e, as "ts|n|tags|doc|addr|span|code;". */
static void event_text(const event *e, char *out, size_t size)
{
    int y, mo, d;
    int64_t us = e->ts % INT64_C(86400000000);

    sc_date_to_ymd((int32_t)(e->ts / INT64_C(86400000000)), &y, &mo, &d);
    snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d|%d|%s|%s|%s|%s|%s;",
             y, mo, d, (int)(us / 3600000000), (int)(us / 60000000 % 60),
             (int)(us / 1000000 % 60), e->n, e->tags, e->doc, e->addr,
             e->span, e->code);
}

static const char events_as_text[] =
    "SELECT ts::text, n, tags::text, doc::text, format('%s', addr), "
    "span::text, code FROM events ORDER BY id";

START_TEST(test_pg_read_types)
{
    sc_query *q;
    event *rows = NULL;
    size_t n = 0, i;
    char mine[2048] = "";

    if (!on_postgresql())
        return;
    make_events();
    exec_ok("INSERT INTO events VALUES (1, '2021-01-01 12:00:00', 5, "
            "'{a,\"b c\"}', 'cat:1 dog:2', '10.1.0.0/16', '1 day 02:00:00', "
            "'ab', '2020-06-01 00:00:00'), (2, '1999-12-31 23:59:59', NULL, "
            "'{}', '', '192.168.1.5', '-00:00:01', 'abcde', "
            "'2020-06-01 00:00:00')");
    q = sc_query_new(db, &events_table);
    sc_query_order_by(q, EV_ID, SC_ASC);
    ck_assert_msg(sc_query_all(q, arena, (void **)&rows, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(rows[0].ts, utc_us(2021, 1, 1, 12, 0, 0, 0));
    ck_assert_int_eq(rows[1].ts, utc_us(1999, 12, 31, 23, 59, 59, 0));
    ck_assert(rows[0].has_n && !rows[1].has_n);
    ck_assert_str_eq(rows[0].tags, "{a,\"b c\"}");
    ck_assert_str_eq(rows[0].doc, "'cat':1 'dog':2");
    ck_assert_str_eq(rows[0].addr, "10.1.0.0/16");
    ck_assert_str_eq(rows[0].span, "1 day 02:00:00");
    ck_assert_str_eq(rows[0].code, "ab   ");
    ck_assert_str_eq(rows[1].doc, "");
    ck_assert_str_eq(rows[1].addr, "192.168.1.5"); /* as the database prints it */
    ck_assert_str_eq(rows[1].code, "abcde");
    for (i = 0; i < n; i++)
        event_text(&rows[i], mine + strlen(mine), sizeof mine - strlen(mine));
    /* the NULL domain value prints as 0 in mine */
    ck_assert_str_eq(db_text("SELECT ts::text, coalesce(n, 0), tags::text, "
                             "doc::text, format('%s', addr), span::text, code "
                             "FROM events ORDER BY id"),
                     mine);
    ck_assert_int_eq(rows[0].made, utc_us(2020, 6, 1, 0, 0, 0, 0));
    sc_query_free(q);
}
END_TEST

START_TEST(test_pg_write_types)
{
    event e = {0}, got;
    sc_query *q;
    int64_t count = 0;
    const char *tags = "{x,\"y z\"}";

    if (!on_postgresql())
        return;
    make_events();
    e.id = 2;
    e.ts = utc_us(2022, 2, 2, 3, 4, 5, 0);
    e.n = 7;
    e.has_n = true;
    e.tags = tags;
    e.doc = "'a' 'b'";
    e.addr = "10.0.0.0/8";
    e.span = "01:30:00";
    e.code = "xyz";
    ck_assert_msg(sc_row_insert(db, &events_table, &e) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert(e.has_made); /* the default now, the UTC reading */
    ck_assert_str_eq(db_text("SELECT ts::text, n, tags::text, doc::text, "
                             "format('%s', addr), span::text, code FROM events"),
                     "2022-02-02 03:04:05|7|{x,\"y z\"}|'a' 'b'|10.0.0.0/8|"
                     "01:30:00|xyz  ;");
    ck_assert_str_eq(db_text("SELECT abs(extract(epoch FROM made - (now() AT "
                             "TIME ZONE 'UTC'))) < 60 FROM events"),
                     "1;");
    memset(&got, 0, sizeof got);
    got.id = 2;
    ck_assert_msg(sc_row_get(db, &events_table, arena, &got, &got) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(got.ts, e.ts);
    ck_assert_int_eq(got.made, e.made);
    ck_assert_str_eq(got.code, "xyz  ");

    /* values in filters and updates are parsed as the column's type */
    q = sc_query_new(db, &events_table);
    sc_query_where(q, EV_TAGS, SC_OP_EQ, &tags);
    sc_query_where(q, EV_TS, SC_OP_EQ, &e.ts);
    ck_assert_int_eq(sc_query_count(q, &count), SC_OK);
    ck_assert_int_eq(count, 1);
    sc_query_free(q);
    /* text operators match the text the column reads as */
    q = sc_query_new(db, &events_table);
    sc_query_where(q, EV_ADDR, SC_OP_LIKE, &(const char *){"10.%/8"});
    sc_query_where(q, EV_TAGS, SC_OP_STARTS_WITH, &(const char *){"{x,"});
    sc_query_where(q, EV_DOC, SC_OP_ILIKE, &(const char *){"%'A'%"});
    ck_assert_msg(sc_query_count(q, &count) == SC_OK, "%s", sc_errmsg(db));
    ck_assert_int_eq(count, 1);
    sc_query_free(q);
    got.addr = "::1";
    got.span = "3 days";
    ck_assert_msg(sc_row_update(db, &events_table, &got) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(db_text("SELECT format('%s', addr), span::text "
                             "FROM events"),
                     "::1|3 days;");
    /* the domain's check still holds */
    got.n = -1;
    ck_assert_int_eq(sc_row_update(db, &events_table, &got), SC_CONSTRAINT);
    ck_assert_str_eq(db_text(events_as_text),
                     "2022-02-02 03:04:05|7|{x,\"y z\"}|'a' 'b'|::1|"
                     "3 days|xyz  ;");
}
END_TEST

/* The same accounts table read through descriptors that are wrong. */
typedef struct acct {
    int64_t id;
    const char *karma; /* wrong: an integer column */
    int64_t name;      /* wrong: a text column */
    const char *n;     /* wrong: a domain over integer */
    int64_t at;        /* wrong: a timestamptz read without a zone */
    int64_t wall;      /* wrong: a timestamp read as an instant */
    const char *tags;  /* wrong: text[] read as text without a cast */
} acct;

static const sc_column_desc acct_text_karma[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct, id)},
    {.name = "karma", .type = SC_TYPE_TEXT, .offset = offsetof(acct, karma)},
};
static const sc_column_desc acct_int_name[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct, id)},
    {.name = "name", .type = SC_TYPE_INT64, .offset = offsetof(acct, name)},
};
static const sc_column_desc acct_text_domain[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct, id)},
    {.name = "n", .type = SC_TYPE_TEXT, .offset = offsetof(acct, n)},
};
static const sc_column_desc acct_nozone_at[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct, id)},
    {.name = "at", .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_NOZONE,
     .offset = offsetof(acct, at)},
};
static const sc_column_desc acct_zone_wall[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct, id)},
    {.name = "wall", .type = SC_TYPE_TIMESTAMP,
     .offset = offsetof(acct, wall)},
};
static const sc_column_desc acct_uncast_tags[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct, id)},
    {.name = "tags", .type = SC_TYPE_TEXT, .offset = offsetof(acct, tags)},
};
static const unsigned acct_pk[] = {0};

static const sc_table_desc acct_tables[] = {
    {.name = "acct", .row_size = sizeof(acct), .cols = acct_text_karma,
     .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1},
    {.name = "acct", .row_size = sizeof(acct), .cols = acct_int_name,
     .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1},
    {.name = "acct", .row_size = sizeof(acct), .cols = acct_text_domain,
     .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1},
    {.name = "acct", .row_size = sizeof(acct), .cols = acct_nozone_at,
     .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1},
    {.name = "acct", .row_size = sizeof(acct), .cols = acct_zone_wall,
     .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1},
    {.name = "acct", .row_size = sizeof(acct), .cols = acct_uncast_tags,
     .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1},
};

static const char *const acct_messages[] = {
    "acct.karma: stored values are integer, which the descriptor does not "
    "read as text",
    "acct.name: stored values are text, which the descriptor does not read "
    "as int64",
    "acct.n: stored values are integer, which the descriptor does not read "
    "as text",
    "acct.at: stored values are timestamp with time zone, which the "
    "descriptor does not read as timestamp without time zone",
    "acct.wall: stored values are timestamp without time zone, which the "
    "descriptor does not read as timestamp",
    "acct.tags: stored values are of type OID 1009, which the descriptor "
    "does not read as text",
};

START_TEST(test_pg_wrong_type)
{
    const sc_table_desc *t = &acct_tables[_i];
    const char *column = t->cols[1].name;
    acct a = {0};
    sc_query *q;
    void *rows;
    size_t n;
    int calls = 0;
    sc_stats before, after;

    if (!on_postgresql())
        return;
    exec_ok("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
    exec_ok("CREATE TABLE acct (id bigint PRIMARY KEY, karma integer, name "
            "text, n posint, at timestamptz, wall timestamp, tags text[])");
    exec_ok("INSERT INTO acct VALUES (3, 42, 'ann', 5, now(), now(), "
            "'{a}')");
    a.id = 3;
    assert_refused(sc_row_get(db, t, arena, &a, &a), "acct", column,
                   acct_messages[_i], NULL);
    q = sc_query_new(db, t);
    assert_refused(sc_query_all(q, arena, &rows, &n), "acct", column,
                   acct_messages[_i], NULL);
    assert_refused(sc_query_each(q, count_rows, &calls), "acct", column,
                   acct_messages[_i], NULL);
    ck_assert_int_eq(calls, 0);
    /* the check is made when a statement is prepared, not per row */
    sc_db_stats(db, &before);
    assert_refused(sc_query_first(q, arena, &a), "acct", column,
                   acct_messages[_i], NULL);
    sc_db_stats(db, &after);
    ck_assert_uint_eq(after.executions, before.executions);
    sc_query_free(q);
    /* statements that read no row of it still run */
    ck_assert_int_eq(sc_row_delete(db, t, &a), SC_OK);
}
END_TEST

/* The right reading of acct's karma, whose query text is the same as
 * that of acct_text_karma. */
typedef struct acct_ok {
    int64_t id;
    int32_t karma;
    bool has_karma;
} acct_ok;

static const sc_column_desc acct_int_karma[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK,
     .offset = offsetof(acct_ok, id)},
    {.name = "karma", .type = SC_TYPE_INT32, .flags = SC_COL_HASFLAG,
     .offset = offsetof(acct_ok, karma),
     .has_offset = offsetof(acct_ok, has_karma)},
};
static const sc_table_desc acct_right = {
    .name = "acct", .row_size = sizeof(acct_ok), .cols = acct_int_karma,
    .ncols = 2, .pk = acct_pk, .npk = 1, .autoinc = -1};

/* One statement text, cached once, read by two descriptors: each is
 * checked before its first read. */
START_TEST(test_pg_shared_text)
{
    const sc_table_desc *order[] = {&acct_right, &acct_tables[0],
                                    &acct_right, &acct_tables[0]};
    sc_stats before, after;
    void *rows;
    size_t n, i;

    if (!on_postgresql())
        return;
    exec_ok("CREATE TABLE acct (id bigint PRIMARY KEY, karma integer)");
    exec_ok("INSERT INTO acct VALUES (3, 42)");
    for (i = 0; i < 4; i++) {
        sc_query *q = sc_query_new(db, order[i]);

        sc_db_stats(db, &before);
        if (i % 2 == 0) {
            ck_assert_msg(sc_query_all(q, arena, &rows, &n) == SC_OK, "%s",
                          sc_errmsg(db));
            ck_assert_uint_eq(n, 1);
            ck_assert_int_eq(((acct_ok *)rows)->karma, 42);
        } else {
            assert_refused(sc_query_all(q, arena, &rows, &n), "acct",
                           "karma", acct_messages[0], NULL);
        }
        sc_db_stats(db, &after);
        /* the text is prepared once */
        ck_assert_uint_eq(after.prepares - before.prepares, i == 0);
        sc_query_free(q);
    }
}
END_TEST

/* A key the database fills that is not what the descriptor says: the
 * insert's read-back of it fails before any row is written. */
typedef struct token {
    int64_t id;
    int64_t v;
} token;

static const sc_column_desc token_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_AUTOINC | SC_COL_NOTNULL,
     .offset = offsetof(token, id)},
    {.name = "v", .type = SC_TYPE_INT64, .offset = offsetof(token, v)},
};
static const unsigned token_pk[] = {0};
static const sc_table_desc tokens_table = {
    .name = "tokens", .row_size = sizeof(token), .cols = token_cols,
    .ncols = 2, .pk = token_pk, .npk = 1, .autoinc = 0};

/* Children read through casts: a pet's tags are text[]. */
typedef struct pet {
    int64_t id;
    int64_t owner_id;
    const char *tags;
} pet;

static const sc_column_desc pet_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(pet, id)},
    {.name = "owner_id", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(pet, owner_id)},
    {.name = "tags", .type = SC_TYPE_TEXT, .offset = offsetof(pet, tags),
     .pg_type = "text[]"},
};
static const unsigned pet_pk[] = {0};
static const unsigned pet_fk_cols[] = {1};
static const char *const pet_fk_target[] = {"id"};
static const sc_fkey_desc pet_fks[] = {
    {"pets_owner_id_fkey", pet_fk_cols, 1, "owners", pet_fk_target}};
static const sc_table_desc pets_table = {
    .name = "pets", .row_size = sizeof(pet), .cols = pet_cols, .ncols = 3,
    .pk = pet_pk, .npk = 1, .autoinc = -1, .fkeys = pet_fks, .nfkeys = 1};

typedef struct owner {
    int64_t id;
} owner;

static const sc_column_desc owner_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(owner, id)},
};
static const unsigned owner_pk[] = {0};
static const sc_table_desc owners_table = {
    .name = "owners", .row_size = sizeof(owner), .cols = owner_cols,
    .ncols = 1, .pk = owner_pk, .npk = 1, .autoinc = -1};

START_TEST(test_pg_read_back_and_children)
{
    token t = {0, 5};
    owner o[2] = {{1}, {2}};
    sc_row_list lists[2];
    const pet *p;

    if (!on_postgresql())
        return;
    exec_ok("CREATE TABLE tokens (id text PRIMARY KEY DEFAULT 'tok', v "
            "bigint)");
    assert_refused(sc_row_insert(db, &tokens_table, &t), "tokens", "id",
                   "tokens.id: stored values are text, which the descriptor "
                   "does not read as int64",
                   NULL);
    ck_assert_str_eq(db_text("SELECT count(*) FROM tokens"), "0;");

    exec_ok("CREATE TABLE owners (id bigint PRIMARY KEY)");
    exec_ok("CREATE TABLE pets (id bigint PRIMARY KEY, owner_id bigint NOT "
            "NULL REFERENCES owners(id), tags text[])");
    exec_ok("INSERT INTO owners VALUES (1), (2)");
    exec_ok("INSERT INTO pets VALUES (3, 2, '{old,\"grey cat\"}'), "
            "(1, 2, NULL), (2, 1, '{}')");
    ck_assert_msg(sc_load_children(db, arena, &owners_table, o, 2,
                                   &pets_table, &pet_fks[0], lists) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_uint_eq(lists[0].n, 1);
    ck_assert_uint_eq(lists[1].n, 2);
    p = lists[0].rows;
    ck_assert_str_eq(p[0].tags, "{}");
    p = lists[1].rows;
    ck_assert_ptr_null(p[0].tags);
    ck_assert_str_eq(p[1].tags, "{old,\"grey cat\"}");
}
END_TEST

/* ---------------------------------------------------------------------
 * Tables without a primary key.
 * ------------------------------------------------------------------- */

typedef struct entry {
    int64_t box_id;
    const char *kind;
    int64_t at;
    const char *note;
} entry;

static const sc_column_desc entry_cols[] = {
    {.name = "box_id", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(entry, box_id)},
    {.name = "kind", .type = SC_TYPE_TEXT, .flags = SC_COL_NOTNULL,
     .offset = offsetof(entry, kind)},
    {.name = "at", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(entry, at)},
    {.name = "note", .type = SC_TYPE_TEXT, .offset = offsetof(entry, note)},
};

static const unsigned entry_fk_cols[] = {0};
static const char *const entry_fk_target[] = {"id"};
static const sc_fkey_desc entry_fks[] = {
    {"fk_entries_box_id", entry_fk_cols, 1, "boxes", entry_fk_target}};

static const sc_table_desc entries_table = {
    .name = "entries",
    .row_size = sizeof(entry),
    .cols = entry_cols,
    .ncols = 4,
    .npk = 0,
    .autoinc = -1,
    .fkeys = entry_fks,
    .nfkeys = 1,
    .flags = SC_TABLE_NOPK | SC_TABLE_LOOSE,
};

typedef struct box {
    int64_t id;
} box;

static const sc_column_desc box_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_NOTNULL, .offset = offsetof(box, id)},
};
static const unsigned box_pk[] = {0};
static const sc_table_desc boxes_table = {
    .name = "boxes", .row_size = sizeof(box), .cols = box_cols, .ncols = 1,
    .pk = box_pk, .npk = 1, .autoinc = -1};

/* A table whose rows are addressed by a unique key, not a primary one. */
typedef struct tag {
    const char *name;
    int64_t uses;
    int64_t rank;
} tag;

static const sc_column_desc tag_cols[] = {
    {.name = "name", .type = SC_TYPE_TEXT,
     .flags = SC_COL_NOTNULL | SC_COL_UNIQUE, .offset = offsetof(tag, name)},
    {.name = "uses", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(tag, uses)},
    {.name = "rank", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(tag, rank)},
};
static const unsigned tag_key[] = {0};
static const sc_table_desc tags_table = {
    .name = "tags", .row_size = sizeof(tag), .cols = tag_cols, .ncols = 3,
    .pk = tag_key, .npk = 1, .autoinc = -1, .flags = SC_TABLE_NOPK};

static void make_nopk(void)
{
    exec_ok("CREATE TABLE boxes (id bigint PRIMARY KEY)");
    exec_ok("CREATE TABLE entries (box_id bigint NOT NULL REFERENCES "
            "boxes(id), kind text NOT NULL, at bigint NOT NULL, note text)");
    exec_ok("CREATE TABLE tags (name text NOT NULL UNIQUE, uses bigint NOT "
            "NULL, rank bigint NOT NULL)");
    exec_ok("INSERT INTO boxes VALUES (1), (2), (3)");
}

START_TEST(test_nopk_no_key)
{
    entry e = {1, "b", 2, NULL}, rows[2] = {{1, "x", 1, NULL},
                                             {2, "x", 1, NULL}};
    sc_query *q;
    int64_t changed = 0, count = 0, at = 2;
    int calls = 0;

    make_nopk();
    ck_assert_msg(sc_row_insert(db, &entries_table, &e) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_int_eq(sc_row_insert_many(db, &entries_table, rows, 2), SC_OK);
    ck_assert_int_eq(sc_row_get(db, &entries_table, arena, &e, &e),
                     SC_MISUSE);
    ck_assert_int_eq(sc_row_update(db, &entries_table, &e), SC_MISUSE);
    ck_assert_int_eq(sc_row_update_cols(db, &entries_table, &e, 4),
                     SC_MISUSE);
    ck_assert_int_eq(sc_row_delete(db, &entries_table, &e), SC_MISUSE);
    ck_assert_int_eq(sc_row_update_many(db, &entries_table, rows, 2, 0),
                     SC_MISUSE);
    ck_assert_int_eq(sc_row_delete_many(db, &entries_table, rows, 2),
                     SC_MISUSE);
    ck_assert_str_eq(sc_errtable(db), "entries");
    q = sc_query_new(db, &entries_table);
    ck_assert_int_eq(sc_query_each(q, count_rows, &calls), SC_OK);
    ck_assert_int_eq(calls, 3);
    sc_query_set(q, 3, &(const char *){"seen"});
    sc_query_where(q, 1, SC_OP_EQ, &(const char *){"x"});
    ck_assert_int_eq(sc_query_update_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 2);
    sc_query_free(q);
    q = sc_query_new(db, &entries_table);
    sc_query_where(q, 2, SC_OP_EQ, &at);
    ck_assert_int_eq(sc_query_delete_all(q, &changed), SC_OK);
    ck_assert_int_eq(changed, 1);
    sc_query_free(q);
    q = sc_query_new(db, &entries_table);
    ck_assert_int_eq(sc_query_count(q, &count), SC_OK);
    ck_assert_int_eq(count, 2);
    sc_query_free(q);
    ck_assert_str_eq(db_text("SELECT box_id, kind, at, note FROM entries "
                             "ORDER BY box_id"),
                     "1|x|1|seen;2|x|1|seen;");
}
END_TEST

START_TEST(test_nopk_children_in_order)
{
    box parents[3] = {{2}, {1}, {3}};
    sc_row_list lists[3];
    const entry *c;

    make_nopk();
    exec_ok("INSERT INTO entries VALUES (1, 'b', 2, NULL), (2, 'a', 1, 'z'),"
            " (1, 'a', 5, 'n'), (1, 'a', 3, NULL), (1, 'a', 3, 'm')");
    ck_assert_msg(sc_load_children(db, arena, &boxes_table, parents, 3,
                                   &entries_table, &entry_fks[0], lists) ==
                      SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_uint_eq(lists[0].n, 1);
    ck_assert_uint_eq(lists[1].n, 4);
    ck_assert_uint_eq(lists[2].n, 0);
    c = lists[1].rows;
    /* by every column, NULLs first: a 3 NULL, a 3 m, a 5 n, b 2 NULL */
    ck_assert(strcmp(c[0].kind, "a") == 0 && c[0].at == 3 &&
              c[0].note == NULL);
    ck_assert(strcmp(c[1].kind, "a") == 0 && c[1].at == 3 &&
              strcmp(c[1].note, "m") == 0);
    ck_assert(strcmp(c[2].kind, "a") == 0 && c[2].at == 5);
    ck_assert(strcmp(c[3].kind, "b") == 0 && c[3].at == 2);
}
END_TEST

/* A unique index over an expression names no column in its error
 * ("Key (lower(e))=(a)"): the error still comes back, naming the table. */
START_TEST(test_unique_expression_error)
{
    /* MariaDB has no index over an expression: its nearest form is a
     * unique key over a virtual column */
    if (on_mariadb()) {
        exec_ok("CREATE TABLE uexpr (e text, le varchar(64) AS (lower(e)) "
                "VIRTUAL, UNIQUE KEY uexpr_lower (le))");
    } else {
        exec_ok("CREATE TABLE uexpr (e text)");
        exec_ok("CREATE UNIQUE INDEX uexpr_lower ON uexpr (lower(e))");
    }
    exec_ok("INSERT INTO uexpr (e) VALUES ('A')");
    ck_assert_int_eq(sc_exec(db, "INSERT INTO uexpr (e) VALUES ('a')"),
                     SC_CONSTRAINT);
    ck_assert_int_eq(sc_extended_errcode(db), SC_CONSTRAINT_UNIQUE);
    /* PostgreSQL names the table, MariaDB the key's table and its
     * virtual column (from the statement); SQLite only the index */
    if (on_postgresql() || on_mariadb())
        ck_assert_msg(sc_errtable(db) != NULL &&
                          strcmp(sc_errtable(db), "uexpr") == 0,
                      "%s", sc_errmsg(db));
    if (on_mariadb())
        ck_assert_msg(sc_errcolumn(db) != NULL &&
                          strcmp(sc_errcolumn(db), "le") == 0,
                      "%s", sc_errmsg(db));
    else if (!on_postgresql())
        ck_assert_msg(strstr(sc_errmsg(db), "uexpr_lower") != NULL, "%s",
                      sc_errmsg(db));
}
END_TEST

START_TEST(test_nopk_unique_key)
{
    tag t = {"red", 1, 9}, many[2] = {{"red", 5, 1}, {"blue", 6, 2}};
    tag got = {"red", 0, 0};

    make_nopk();
    ck_assert_int_eq(sc_row_insert(db, &tags_table, &t), SC_OK);
    t.name = "blue";
    ck_assert_int_eq(sc_row_insert(db, &tags_table, &t), SC_OK);
    ck_assert_msg(sc_row_get(db, &tags_table, arena, &got, &got) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_int_eq(got.rank, 9);
    got.uses = 2;
    got.rank = 8;
    ck_assert_int_eq(sc_row_update(db, &tags_table, &got), SC_OK);
    got.uses = 3;
    got.rank = 0;
    /* the key's bit is ignored, as a primary key's is */
    ck_assert_int_eq(sc_row_update_cols(db, &tags_table, &got, 1u | 2u),
                     SC_OK);
    ck_assert_str_eq(db_text("SELECT name, uses, rank FROM tags ORDER BY "
                             "name"),
                     "blue|1|9;red|3|8;");
    ck_assert_int_eq(sc_row_update_many(db, &tags_table, many, 2, 0), SC_OK);
    ck_assert_str_eq(db_text("SELECT name, uses, rank FROM tags ORDER BY "
                             "name"),
                     "blue|6|2;red|5|1;");
    ck_assert_int_eq(sc_row_delete(db, &tags_table, &got), SC_OK);
    ck_assert_int_eq(sc_row_delete(db, &tags_table, &got), SC_NOTFOUND);
    ck_assert_int_eq(sc_row_delete_many(db, &tags_table, &many[1], 1),
                     SC_OK);
    ck_assert_str_eq(db_text("SELECT count(*) FROM tags"), "0;");
}
END_TEST

/* ---------------------------------------------------------------------
 * MariaDB: the columns of a table made by hand, described as schemac
 * pull and generate describe them (docs/SPEC.md, "pull and check on
 * MariaDB"): integers unsigned read into the next wider C type, a
 * TINYINT(1) bool, a DATETIME without fraction, a DECIMAL of more than
 * 18 digits, YEAR, SET, BIT and text in a collation not schemac's.
 * ------------------------------------------------------------------- */

typedef struct mdtype {
    int64_t id;         /* int unsigned */
    int16_t ti;         /* tinyint */
    bool has_ti;
    int16_t tu;         /* tinyint unsigned */
    bool has_tu;
    int32_t su;         /* smallint unsigned */
    bool has_su;
    int32_t mu;         /* mediumint unsigned */
    bool has_mu;
    int64_t bu;         /* bigint unsigned */
    bool has_bu;
    bool flag;          /* tinyint(1) */
    bool has_flag;
    int64_t dt;         /* datetime, whole seconds */
    bool has_dt;
    const char *big;    /* decimal(30,10) */
    int16_t yr;         /* year */
    bool has_yr;
    const char *tags;   /* set('red','green','blue') */
    sc_bytes bits;      /* bit(12) */
    const char *ci;     /* text in utf8mb4_unicode_ci */
    int32_t d;          /* date */
    bool has_d;
} mdtype;

#define MD_OPT(field, ty)                                                \
    {.name = #field, .type = ty, .flags = SC_COL_HASFLAG,                \
     .offset = offsetof(mdtype, field),                                  \
     .has_offset = offsetof(mdtype, has_##field)}

enum { MD_ID, MD_TI, MD_TU, MD_SU, MD_MU, MD_BU, MD_FLAG, MD_DT, MD_BIG,
       MD_YR, MD_TAGS, MD_BITS, MD_CI, MD_D, MD_NCOLS };

static const sc_column_desc md_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL | SC_COL_PK,
     .offset = offsetof(mdtype, id)},
    MD_OPT(ti, SC_TYPE_INT16),
    MD_OPT(tu, SC_TYPE_INT16),
    MD_OPT(su, SC_TYPE_INT32),
    MD_OPT(mu, SC_TYPE_INT32),
    MD_OPT(bu, SC_TYPE_INT64),
    MD_OPT(flag, SC_TYPE_BOOL),
    MD_OPT(dt, SC_TYPE_TIMESTAMP),
    {.name = "big", .type = SC_TYPE_DECIMAL, .offset = offsetof(mdtype, big),
     .length = 30, .scale = 10},
    MD_OPT(yr, SC_TYPE_INT16),
    {.name = "tags", .type = SC_TYPE_TEXT, .offset = offsetof(mdtype, tags)},
    {.name = "bits", .type = SC_TYPE_BYTES, .offset = offsetof(mdtype, bits)},
    {.name = "ci", .type = SC_TYPE_TEXT, .offset = offsetof(mdtype, ci)},
    MD_OPT(d, SC_TYPE_DATE),
};

static const unsigned md_pk[] = {MD_ID};

static const sc_table_desc md_table = {
    .name = "mdtypes", .row_size = sizeof(mdtype), .cols = md_cols,
    .ncols = MD_NCOLS, .pk = md_pk, .npk = 1, .autoinc = -1};

/* Every value of mdtypes in its stored form, as the server prints it:
 * SET and the text by the HEX() of their bytes, BIT by the HEX() of its
 * number, the others as text. */
static const char md_raw[] =
    "SELECT id, ti, tu, su, mu, bu, flag, CAST(dt AS CHAR), "
    "CAST(big AS CHAR), yr, HEX(tags), HEX(bits), HEX(ci), "
    "CAST(d AS CHAR) FROM mdtypes ORDER BY id";

static void make_mdtypes(void)
{
    exec_ok("CREATE TABLE mdtypes (id int unsigned NOT NULL PRIMARY KEY, "
            "ti tinyint, tu tinyint unsigned, su smallint unsigned, "
            "mu mediumint unsigned, bu bigint unsigned, flag tinyint(1), "
            "dt datetime, big decimal(30,10), yr year, "
            "tags set('red','green','blue'), bits bit(12), "
            "ci text COLLATE utf8mb4_unicode_ci, d date) "
            "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
    exec_ok("INSERT INTO mdtypes VALUES "
            "(1, -128, 255, 65535, 16777215, 9223372036854775807, 1, "
            "'9999-12-31 23:59:59', '12345678901234567890.0123456789', "
            "2155, 'red,blue', b'101010101010', 'Ärger ', '2021-01-31'), "
            "(2, 127, 0, 0, 0, 0, 0, '1000-01-01 00:00:00', "
            "'-0.0000000001', 1901, '', b'0', 'a', '1000-01-01'), "
            "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
            "NULL, NULL, NULL, NULL)");
}

START_TEST(test_mariadb_types_round_trip)
{
    sc_query *q;
    mdtype *rows = NULL;
    size_t n = 0;
    char before[4096];

    if (!on_mariadb())
        return;
    make_mdtypes();
    snprintf(before, sizeof before, "%s", db_text(md_raw));
    ck_assert_str_eq(before,
                     "1|-128|255|65535|16777215|9223372036854775807|1|"
                     "9999-12-31 23:59:59|12345678901234567890.0123456789|"
                     "2155|7265642C626C7565|AAA|C3847267657220|"
                     "2021-01-31;"
                     "2|127|0|0|0|0|0|1000-01-01 00:00:00|-0.0000000001|"
                     "1901||0|61|1000-01-01;"
                     "3|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|"
                     "NULL|NULL|NULL;");
    q = sc_query_new(db, &md_table);
    sc_query_order_by(q, MD_ID, SC_ASC);
    ck_assert_msg(sc_query_all(q, arena, (void **)&rows, &n) == SC_OK, "%s",
                  sc_errmsg(db));
    sc_query_free(q);
    ck_assert_uint_eq(n, 3);
    ck_assert(rows[0].has_ti && rows[0].ti == -128);
    ck_assert(rows[0].has_tu && rows[0].tu == 255);
    ck_assert(rows[0].has_su && rows[0].su == 65535);
    ck_assert(rows[0].has_mu && rows[0].mu == 16777215);
    ck_assert(rows[0].has_bu && rows[0].bu == INT64_MAX);
    ck_assert(rows[0].has_flag && rows[0].flag);
    ck_assert(rows[1].has_flag && !rows[1].flag);
    ck_assert(rows[0].has_dt &&
              rows[0].dt == utc_us(9999, 12, 31, 23, 59, 59, 0));
    ck_assert(rows[1].has_dt && rows[1].dt == utc_us(1000, 1, 1, 0, 0, 0, 0));
    ck_assert_str_eq(rows[0].big, "12345678901234567890.0123456789");
    ck_assert_str_eq(rows[1].big, "-0.0000000001");
    ck_assert(rows[0].has_yr && rows[0].yr == 2155);
    ck_assert(rows[1].has_yr && rows[1].yr == 1901);
    ck_assert_str_eq(rows[0].tags, "red,blue");
    ck_assert_str_eq(rows[1].tags, "");
    ck_assert_uint_eq(rows[0].bits.len, 2);
    ck_assert_mem_eq(rows[0].bits.data, "\x0a\xaa", 2);
    ck_assert_uint_eq(rows[1].bits.len, 2);
    ck_assert_mem_eq(rows[1].bits.data, "\0\0", 2);
    ck_assert_str_eq(rows[0].ci, "\xc3\x84rger ");
    ck_assert(rows[0].has_d && rows[0].d == sc_date_from_ymd(2021, 1, 31));
    ck_assert(!rows[2].has_ti && !rows[2].has_bu && !rows[2].has_flag &&
              !rows[2].has_dt && rows[2].big == NULL && !rows[2].has_yr &&
              rows[2].tags == NULL && rows[2].bits.data == NULL &&
              rows[2].ci == NULL && !rows[2].has_d);

    /* written back, every value is the same in its stored form */
    exec_ok("DELETE FROM mdtypes");
    ck_assert_msg(sc_row_insert_many(db, &md_table, rows, n) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(db_text(md_raw), before);
    ck_assert_msg(sc_row_update(db, &md_table, &rows[0]) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(db_text(md_raw), before);

    /* a value the column cannot hold fails, nothing written */
    rows[1].tu = 256;
    ck_assert_int_ne(sc_row_update(db, &md_table, &rows[1]), SC_OK);
    rows[1].tu = 0;
    rows[1].tags = "red,black";
    ck_assert_int_ne(sc_row_update(db, &md_table, &rows[1]), SC_OK);
    rows[1].tags = "";
    rows[1].yr = 1900;
    ck_assert_int_ne(sc_row_update(db, &md_table, &rows[1]), SC_OK);
    rows[1].yr = 1901;
    rows[1].big = "1.00000000001"; /* which the server would round */
    ck_assert_int_eq(sc_row_update(db, &md_table, &rows[1]), SC_CONSTRAINT);
    ck_assert_str_eq(sc_errcolumn(db), "big");
    ck_assert_str_eq(db_text(md_raw), before);
}
END_TEST

/* Timestamps in columns of fewer fraction digits than schemac's six, a
 * pulled schema's "stored as mariadb 'DATETIME'": a finer fraction is
 * refused at the call, naming table and column, never cut or
 * rounded by the server; a fraction the column keeps goes through. */
typedef struct mdfrac {
    int64_t id;
    int64_t d0; /* datetime */
    int64_t d3; /* datetime(3) */
    int64_t s2; /* timestamp(2) */
    int64_t d6; /* schemac's own datetime(6) */
} mdfrac;

#define MF_COL(field, ty)                                                \
    {.name = #field, .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_NOTNULL,  \
     .offset = offsetof(mdfrac, field), .my_type = ty}

static const sc_column_desc mf_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL | SC_COL_PK,
     .offset = offsetof(mdfrac, id)},
    MF_COL(d0, "DATETIME"), MF_COL(d3, "datetime(3)"),
    MF_COL(s2, "TIMESTAMP(2)"), MF_COL(d6, NULL),
};

static const unsigned mf_pk[] = {0};

static const sc_table_desc mf_table = {
    .name = "mdfrac", .row_size = sizeof(mdfrac), .cols = mf_cols,
    .ncols = 5, .pk = mf_pk, .npk = 1, .autoinc = -1};

START_TEST(test_mariadb_fewer_fraction_digits)
{
    const int64_t t = utc_us(2021, 1, 31, 13, 45, 7, 0);
    mdfrac rows[3] = {
        {1, t, t + 123000, t + 120000, t + 123456},
        {2, t, t + 1000, t + 990000, t + 1},
        {3, t, t, t, t},
    };
    static const char raw[] =
        "SELECT id, CAST(d0 AS CHAR), CAST(d3 AS CHAR), CAST(s2 AS CHAR), "
        "CAST(d6 AS CHAR) FROM mdfrac ORDER BY id";
    const char *before;

    if (!on_mariadb())
        return;
    exec_ok("CREATE TABLE mdfrac (id bigint NOT NULL PRIMARY KEY, "
            "d0 datetime NOT NULL, d3 datetime(3) NOT NULL, "
            "s2 timestamp(2) NOT NULL DEFAULT '2000-01-01', "
            "d6 datetime(6) NOT NULL)");
    ck_assert_msg(sc_row_insert(db, &mf_table, &rows[0]) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_msg(sc_row_insert_many(db, &mf_table, &rows[1], 2) == SC_OK,
                  "%s", sc_errmsg(db));
    before = "1|2021-01-31 13:45:07|2021-01-31 13:45:07.123|"
             "2021-01-31 13:45:07.12|2021-01-31 13:45:07.123456;"
             "2|2021-01-31 13:45:07|2021-01-31 13:45:07.001|"
             "2021-01-31 13:45:07.99|2021-01-31 13:45:07.000001;"
             "3|2021-01-31 13:45:07|2021-01-31 13:45:07.000|"
             "2021-01-31 13:45:07.00|2021-01-31 13:45:07.000000;";
    ck_assert_str_eq(db_text(raw), before);

    /* by one row: insert and update */
    rows[0].id = 4;
    rows[0].d0 = t + 500000;
    assert_refused(sc_row_insert(db, &mf_table, &rows[0]), "mdfrac", "d0",
                   "cannot store mdfrac.d0: ", "finer fraction");
    rows[0].id = 1;
    assert_refused(sc_row_update(db, &mf_table, &rows[0]), "mdfrac", "d0",
                   "cannot store mdfrac.d0: ", "finer fraction");
    rows[0].d0 = t;
    rows[0].d3 = t + 123400; /* which DATETIME(3) would round to .123 */
    assert_refused(sc_row_update(db, &mf_table, &rows[0]), "mdfrac", "d3",
                   "cannot store mdfrac.d3: ", "finer fraction");
    rows[0].d3 = t + 123000;
    rows[0].s2 = t - 5000; /* before the second: .995 would round up */
    assert_refused(sc_row_update(db, &mf_table, &rows[0]), "mdfrac", "s2",
                   "cannot store mdfrac.s2: ", "finer fraction");
    rows[0].s2 = t + 120000;

    /* in a batch: the call fails naming its row, nothing written */
    rows[2].d3 = t + 999999;
    ck_assert_int_eq(sc_row_update_many(db, &mf_table, rows, 3, 0),
                     SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "d3");
    ck_assert_msg(strstr(sc_errmsg(db), "finer fraction") != NULL, "%s",
                  sc_errmsg(db));
    rows[2].d3 = t;
    rows[1].id = 5;
    rows[1].s2 = t + 1;
    ck_assert_int_eq(sc_row_insert_many(db, &mf_table, &rows[1], 1),
                     SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "s2");
    ck_assert_msg(strstr(sc_errmsg(db), "finer fraction") != NULL, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(db_text(raw), before);

    /* a fraction the columns keep, and a zero one, still go through */
    rows[1].id = 2;
    rows[1].s2 = t + 10000;
    rows[1].d3 = t + 10000;
    ck_assert_msg(sc_row_update_many(db, &mf_table, rows, 3, 0) == SC_OK,
                  "%s", sc_errmsg(db));
    ck_assert_str_eq(db_text("SELECT CAST(d3 AS CHAR), CAST(s2 AS CHAR) "
                             "FROM mdfrac WHERE id = 2"),
                     "2021-01-31 13:45:07.010|2021-01-31 13:45:07.01;");
}
END_TEST

/* PostgreSQL's timestamptz(n) rounds a finer fraction as MariaDB does:
 * refused alike, by the column's pg_type. */
typedef struct pgfrac {
    int64_t id;
    int64_t t0; /* timestamptz(0) */
    int64_t t3; /* timestamp(3) with time zone */
} pgfrac;

static const sc_column_desc pf_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_NOTNULL | SC_COL_PK,
     .offset = offsetof(pgfrac, id)},
    {.name = "t0", .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_NOTNULL,
     .offset = offsetof(pgfrac, t0), .pg_type = "timestamptz(0)"},
    {.name = "t3", .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_NOTNULL,
     .offset = offsetof(pgfrac, t3), .pg_type = "timestamp(3) with time zone"},
};

static const sc_table_desc pf_table = {
    .name = "pgfrac", .row_size = sizeof(pgfrac), .cols = pf_cols,
    .ncols = 3, .pk = mf_pk, .npk = 1, .autoinc = -1};

START_TEST(test_pg_fewer_fraction_digits)
{
    const int64_t t = utc_us(2021, 1, 31, 13, 45, 7, 0);
    pgfrac rows[2] = {{1, t, t + 123000}, {2, t, t}};
    static const char raw[] =
        "SELECT id, t0::text, t3::text FROM pgfrac ORDER BY id";
    const char *before = "1|2021-01-31 13:45:07+00|2021-01-31 13:45:07.123+00;"
                         "2|2021-01-31 13:45:07+00|2021-01-31 13:45:07+00;";

    if (!on_postgresql())
        return;
    exec_ok("SET TIME ZONE 'UTC'");
    exec_ok("CREATE TABLE pgfrac (id bigint PRIMARY KEY, "
            "t0 timestamptz(0) NOT NULL, t3 timestamptz(3) NOT NULL)");
    ck_assert_msg(sc_row_insert_many(db, &pf_table, rows, 2) == SC_OK, "%s",
                  sc_errmsg(db));
    ck_assert_str_eq(db_text(raw), before);
    rows[0].t0 = t + 600000; /* which would round up to the next second */
    assert_refused(sc_row_update(db, &pf_table, &rows[0]), "pgfrac", "t0",
                   "cannot store pgfrac.t0: ", "finer fraction");
    rows[0].t0 = t;
    rows[1].t3 = t + 1500;
    ck_assert_int_eq(sc_row_update_many(db, &pf_table, rows, 2, 0), SC_RANGE);
    ck_assert_str_eq(sc_errcolumn(db), "t3");
    ck_assert_str_eq(db_text(raw), before);
}
END_TEST

/* Stored values no C value of the column's type is: each read fails
 * naming table, column and row; the raw text shows the value itself. */
START_TEST(test_mariadb_values_beyond_c)
{
    mdtype key = {0}, out;
    sc_query *q;
    void *rows;
    size_t n;

    if (!on_mariadb())
        return;
    make_mdtypes();
    exec_ok("UPDATE mdtypes SET bu = 18446744073709551615 WHERE id = 2");
    ck_assert_str_eq(db_text("SELECT bu FROM mdtypes WHERE id = 2"),
                     "18446744073709551615;");
    key.id = 2;
    assert_refused(sc_row_get(db, &md_table, arena, &key, &out), "mdtypes",
                   "bu", "mdtypes.bu: stored value '18446744073709551615' ",
                   "(id = 2)");
    q = sc_query_new(db, &md_table);
    assert_refused(sc_query_all(q, arena, &rows, &n), "mdtypes", "bu",
                   "mdtypes.bu: ", "(id = 2)");
    sc_query_free(q);
    exec_ok("UPDATE mdtypes SET bu = 0 WHERE id = 2");

    /* a zero date, where another program's sql_mode let one in */
    exec_ok("SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT'");
    exec_ok("UPDATE mdtypes SET d = '0000-00-00' WHERE id = 2");
    exec_ok("UPDATE mdtypes SET dt = '2021-00-00 10:00:00' WHERE id = 3");
    ck_assert_str_eq(db_text("SELECT CAST(d AS CHAR), CAST(dt AS CHAR) "
                             "FROM mdtypes WHERE id > 1 ORDER BY id"),
                     "0000-00-00|1000-01-01 00:00:00;"
                     "NULL|2021-00-00 10:00:00;");
    assert_refused(sc_row_get(db, &md_table, arena, &key, &out), "mdtypes",
                   "d", "mdtypes.d: stored value '0000-00-00' ", "(id = 2)");
    key.id = 3;
    assert_refused(sc_row_get(db, &md_table, arena, &key, &out), "mdtypes",
                   "dt", "mdtypes.dt: stored value '2021-00-00 10:00:00' ",
                   "(id = 3)");
    key.id = 1;
    ck_assert_int_eq(sc_row_get(db, &md_table, arena, &key, &out), SC_OK);

    /* a TINYINT(1) holding neither 0 nor 1 is no bool */
    exec_ok("UPDATE mdtypes SET flag = 2 WHERE id = 1");
    assert_refused(sc_row_get(db, &md_table, arena, &key, &out), "mdtypes",
                   "flag", "value 2 of mdtypes.flag does not fit its type",
                   "(id = 1)");
}
END_TEST

/* ---------------------------------------------------------------------
 * A write the runtime refuses names the row, as a refused read does: the
 * key of the row the caller gave; for an insert whose key the database
 * gives, the row's unique columns, else "a new row"; for a row of a
 * batch, "row I of N: " first (I its index in the array); for a bulk
 * update, every row it matches.
 * ------------------------------------------------------------------- */

typedef struct ledger {
    int64_t id;
    const char *name; /* varchar(8) */
    int64_t at;       /* timestamp as text of whole seconds */
    bool has_at;
    int32_t day;      /* date as text */
    bool has_day;
    double f;
    int64_t ts;       /* a native timestamp */
    bool has_ts;
} ledger;

enum { LEDGER_ID, LEDGER_NAME, LEDGER_AT, LEDGER_DAY, LEDGER_F, LEDGER_TS };

static const sc_column_desc ledger_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64, .flags = SC_COL_PK | SC_COL_NOTNULL,
     .offset = offsetof(ledger, id)},
    {.name = "name", .type = SC_TYPE_TEXT, .length = 8,
     .offset = offsetof(ledger, name)},
    {.name = "at", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_HASFLAG | SC_COL_FIXEDFRAC, .scale = 0,
     .offset = offsetof(ledger, at), .has_offset = offsetof(ledger, has_at),
     .format = SC_FMT_TEXT},
    {.name = "day", .type = SC_TYPE_DATE, .flags = SC_COL_HASFLAG,
     .offset = offsetof(ledger, day), .has_offset = offsetof(ledger, has_day),
     .format = SC_FMT_TEXT},
    {.name = "f", .type = SC_TYPE_FLOAT64, .flags = SC_COL_NOTNULL,
     .offset = offsetof(ledger, f)},
    {.name = "ts", .type = SC_TYPE_TIMESTAMP, .flags = SC_COL_HASFLAG,
     .offset = offsetof(ledger, ts), .has_offset = offsetof(ledger, has_ts)},
};
static const unsigned ledger_pk[] = {LEDGER_ID};
static const sc_constraint_desc ledger_checks[] = {
    {"ck_ledger_name", "name", "at most 8 characters"},
};
static const sc_table_desc ledger_table = {
    .name = "ledger", .row_size = sizeof(ledger), .cols = ledger_cols,
    .ncols = sizeof ledger_cols / sizeof ledger_cols[0], .pk = ledger_pk,
    .npk = 1, .autoinc = -1, .constraints = ledger_checks,
    .nconstraints = 1, .flags = SC_TABLE_LOOSE};

/* An autoincrement key and a unique code. */
typedef struct ent {
    int64_t id;
    const char *code;
    int64_t at; /* timestamp as text of whole seconds */
} ent;

static const sc_column_desc ent_cols[] = {
    {.name = "id", .type = SC_TYPE_INT64,
     .flags = SC_COL_PK | SC_COL_AUTOINC | SC_COL_NOTNULL,
     .offset = offsetof(ent, id)},
    {.name = "code", .type = SC_TYPE_TEXT,
     .flags = SC_COL_NOTNULL | SC_COL_UNIQUE, .offset = offsetof(ent, code)},
    {.name = "at", .type = SC_TYPE_TIMESTAMP,
     .flags = SC_COL_NOTNULL | SC_COL_FIXEDFRAC, .scale = 0,
     .offset = offsetof(ent, at), .format = SC_FMT_TEXT},
};
static const unsigned ent_pk[] = {0};
static const sc_table_desc ent_table = {
    .name = "entry", .row_size = sizeof(ent), .cols = ent_cols,
    .ncols = 3, .pk = ent_pk, .npk = 1, .autoinc = 0,
    .flags = SC_TABLE_LOOSE};

static void make_ledger(void)
{
    exec_ok(testdb_pick3(
        "CREATE TABLE ledger (id integer PRIMARY KEY, name varchar(8) "
        "CONSTRAINT ck_ledger_name CHECK (length(name) <= 8), at datetime, "
        "day date, f real NOT NULL, ts integer)",
        "CREATE TABLE ledger (id bigint PRIMARY KEY, name varchar(8), at "
        "text, day text, f double precision NOT NULL, ts timestamptz)",
        "CREATE TABLE ledger (id bigint PRIMARY KEY, name varchar(8), at "
        "text, day text, f double NOT NULL, ts datetime(6))"));
    exec_ok(testdb_pick3(
        "CREATE TABLE ledger_ref (id integer PRIMARY KEY, ledger_id integer "
        "REFERENCES ledger (id))",
        "CREATE TABLE ledger_ref (id bigint PRIMARY KEY, ledger_id bigint "
        "REFERENCES ledger (id))",
        "CREATE TABLE ledger_ref (id bigint PRIMARY KEY, ledger_id bigint, "
        "FOREIGN KEY (ledger_id) REFERENCES ledger (id))"));
    exec_ok(testdb_pick3(
        "CREATE TABLE entry (id integer PRIMARY KEY AUTOINCREMENT, code text "
        "NOT NULL UNIQUE, at datetime NOT NULL)",
        "CREATE TABLE entry (id bigserial PRIMARY KEY, code text NOT NULL "
        "UNIQUE, at text NOT NULL)",
        "CREATE TABLE entry (id bigint AUTO_INCREMENT PRIMARY KEY, code "
        "varchar(16) NOT NULL UNIQUE, at text NOT NULL)"));
}

/* Asserts a refused write: rc, the table and column named, the whole
 * message. */
static void assert_write_refused(int rc, int want, const char *table,
                                 const char *column, const char *msg)
{
    ck_assert_msg(rc == want, "rc %d, want %d: %s", rc, want, sc_errmsg(db));
    ck_assert_pstr_eq(sc_errtable(db), table);
    ck_assert_pstr_eq(sc_errcolumn(db), column);
    ck_assert_str_eq(sc_errmsg(db), msg);
}

#define FINER "a finer fraction of a second than the column keeps"
#define TOO_LONG "check constraint failed on ledger.name: at most 8 characters"
#define PAST_9999                                                           \
    "a date or timestamp kept as text must fall in the years 0000 to 9999"

static ledger ledger_row(int64_t id)
{
    ledger l = {0};

    l.id = id;
    l.name = "ok";
    l.at = utc_us(2021, 1, 31, 13, 45, 0, 0);
    l.has_at = true;
    l.f = 1.5;
    return l;
}

/* The refusals of one row written through each single-row call. */
START_TEST(test_write_names_row)
{
    ledger l = ledger_row(7), ok = ledger_row(8);
    ent en = {0, "e-1", 0};
    item it = {0};
    char msg[256];

    make_ledger();
    ck_assert_msg(sc_row_insert(db, &ledger_table, &ok) == SC_OK, "%s",
                  sc_errmsg(db));

    /* a fraction the column cannot keep: insert, update, update_cols */
    l.at += 250000;
    assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_RANGE,
                         "ledger", "at",
                         "cannot store ledger.at: " FINER " (id = 7)");
    ok.at += 1;
    assert_write_refused(sc_row_update(db, &ledger_table, &ok), SC_RANGE,
                         "ledger", "at",
                         "cannot store ledger.at: " FINER " (id = 8)");
    assert_write_refused(
        sc_row_update_cols(db, &ledger_table, &ok, UINT64_C(1) << LEDGER_AT),
        SC_RANGE, "ledger", "at", "cannot store ledger.at: " FINER " (id = 8)");
    ok.at -= 1;

    /* a year past 9999 in a date kept as text */
    l = ledger_row(7);
    l.day = sc_date_from_ymd(10000, 1, 1);
    l.has_day = true;
    assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_RANGE,
                         "ledger", "day",
                         "cannot store ledger.day: " PAST_9999 " (id = 7)");

    /* NaN where the database keeps none (SQLite stores NULL for it) */
    l = ledger_row(7);
    l.f = NAN;
    if (!on_postgresql()) {
        snprintf(msg, sizeof msg, "cannot store ledger.f: %s (id = 7)",
                 on_sqlite() ? "NaN cannot be stored in an SQLite REAL column"
                             : "MariaDB stores no NaN or infinity");
        assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_RANGE,
                             "ledger", "f", msg);
    }

    /* a native timestamp past MariaDB's years */
    l = ledger_row(7);
    l.ts = utc_us(10000, 1, 1, 0, 0, 0, 0);
    l.has_ts = true;
    if (on_mariadb())
        assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_RANGE,
                             "ledger", "ts",
                             "cannot store ledger.ts: the timestamp is "
                             "outside MariaDB's range (years 0 to 9999) "
                             "(id = 7)");

    /* text too long for varchar(8): the database's refusal (SQLite's
     * check, PostgreSQL's and MariaDB's type), worded as a check */
    l = ledger_row(7);
    l.name = "nine char";
    assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_CONSTRAINT,
                         "ledger", "name", TOO_LONG " (id = 7)");
    ok.name = "nine char";
    assert_write_refused(sc_row_update(db, &ledger_table, &ok),
                         SC_CONSTRAINT, "ledger", "name",
                         TOO_LONG " (id = 8)");
    ok.name = "ok";

    /* a delete the database refuses: the row is still referenced */
    exec_ok("INSERT INTO ledger_ref (id, ledger_id) VALUES (1, 8)");
    assert_write_refused(sc_row_delete(db, &ledger_table, &ok),
                         SC_CONSTRAINT, "ledger", NULL,
                         "foreign key constraint failed: the row of ledger "
                         "is still referenced (id = 8)");

    /* an insert whose key the database gives: its unique columns, else
     * a new row */
    en.at = utc_us(2021, 1, 31, 13, 45, 0, 1);
    assert_write_refused(sc_row_insert(db, &ent_table, &en), SC_RANGE,
                         "entry", "at",
                         "cannot store entry.at: " FINER " (code = 'e-1')");
    ck_assert_int_eq(en.id, 0);
    it.created = utc_us(10000, 1, 1, 0, 0, 0, 0);
    it.uid = uuid_of("00112233445566778899aabbccddeeff");
    assert_write_refused(sc_row_insert(db, &item_table, &it), SC_RANGE,
                         "item", "created",
                         "cannot store item.created: " PAST_9999
                         " (a new row)");

    /* queued (PostgreSQL, in a transaction) or not, the same words; a
     * text too long refused before it is queued */
    ck_assert_int_eq(sc_begin(db), SC_OK);
    l = ledger_row(9);
    l.at += 1;
    assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_RANGE,
                         "ledger", "at",
                         "cannot store ledger.at: " FINER " (id = 9)");
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_int_eq(sc_begin(db), SC_OK);
    l = ledger_row(9);
    l.name = "nine char";
    assert_write_refused(sc_row_insert(db, &ledger_table, &l), SC_CONSTRAINT,
                         "ledger", "name", TOO_LONG " (id = 9)");
    ck_assert_int_eq(sc_rollback(db), SC_OK);
    ck_assert_str_eq(db_text("SELECT id, name FROM ledger ORDER BY id"),
                     "8|ok;");
}
END_TEST

/* The same refusals in the batches and the bulk update. */
START_TEST(test_write_names_batch_row)
{
    ledger ls[3] = {ledger_row(1), ledger_row(2), ledger_row(3)};
    ent *es = calloc(100, sizeof *es);
    char codes[100][8];
    sc_query *q;
    int64_t frac = utc_us(2021, 1, 31, 13, 45, 0, 500);
    size_t i;

    make_ledger();
    ck_assert_ptr_nonnull(es);
    for (i = 0; i < 100; i++) {
        snprintf(codes[i], sizeof codes[i], "c%zu", i);
        es[i].code = codes[i];
        es[i].at = utc_us(2021, 1, 31, 13, 45, 0, 0);
    }
    es[17].at = frac;
    assert_write_refused(sc_row_insert_many(db, &ent_table, es, 100),
                         SC_RANGE, "entry", "at",
                         "row 17 of 100: cannot store entry.at: " FINER);
    ck_assert_str_eq(db_text("SELECT count(*) FROM entry"), "0;");
    free(es);

    ls[1].at = frac;
    assert_write_refused(sc_row_insert_many(db, &ledger_table, ls, 3),
                         SC_RANGE, "ledger", "at",
                         "row 1 of 3: cannot store ledger.at: " FINER
                         " (id = 2)");
    ls[1].at = ls[0].at;
    ck_assert_msg(sc_row_insert_many(db, &ledger_table, ls, 3) == SC_OK,
                  "%s", sc_errmsg(db));
    ls[2].day = sc_date_from_ymd(10000, 1, 1);
    ls[2].has_day = true;
    assert_write_refused(sc_row_update_many(db, &ledger_table, ls, 3, 0),
                         SC_RANGE, "ledger", "day",
                         "row 2 of 3: cannot store ledger.day: " PAST_9999
                         " (id = 3)");
    exec_ok("INSERT INTO ledger_ref (id, ledger_id) VALUES (1, 2)");
    assert_write_refused(sc_row_delete_many(db, &ledger_table, ls, 3),
                         SC_CONSTRAINT, "ledger", NULL,
                         "row 1 of 3: foreign key constraint failed: the "
                         "row of ledger is still referenced (id = 2)");

    /* a bulk update sets one value in every row it matches */
    q = sc_query_new(db, &ledger_table);
    sc_query_set(q, LEDGER_AT, &frac);
    assert_write_refused(sc_query_update_all(q, NULL), SC_RANGE, "ledger",
                         "at",
                         "cannot store ledger.at: " FINER
                         " (every row the update matches)");
    sc_query_free(q);
    ck_assert_str_eq(db_text("SELECT id, at FROM ledger ORDER BY id"),
                     "1|2021-01-31 13:45:00;2|2021-01-31 13:45:00;"
                     "3|2021-01-31 13:45:00;");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("formats");
    TCase *tc = tcase_create("formats");
    int nbad = (int)(sizeof bad_values / sizeof bad_values[0]);
    int nclass = (int)(sizeof bad_classes / sizeof bad_classes[0]);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_read_owner_rows);
    tcase_add_test(tc, test_write_owner_format);
    tcase_add_test(tc, test_default_now_as_text);
    tcase_add_test(tc, test_write_fixed_fraction);
    tcase_add_loop_test(tc, test_refuse_bad_forms, 0, nbad);
    tcase_add_test(tc, test_refuse_mid_stream);
    tcase_add_test(tc, test_loose_good_rows);
    tcase_add_loop_test(tc, test_loose_wrong_class, 0, nclass);
    tcase_add_test(tc, test_pg_read_types);
    tcase_add_test(tc, test_pg_write_types);
    tcase_add_loop_test(tc, test_pg_wrong_type, 0,
                        (int)(sizeof acct_tables / sizeof acct_tables[0]));
    tcase_add_test(tc, test_pg_shared_text);
    tcase_add_test(tc, test_pg_read_back_and_children);
    tcase_add_test(tc, test_nopk_no_key);
    tcase_add_test(tc, test_nopk_children_in_order);
    tcase_add_test(tc, test_nopk_unique_key);
    tcase_add_test(tc, test_unique_expression_error);
    tcase_add_test(tc, test_mariadb_types_round_trip);
    tcase_add_test(tc, test_mariadb_values_beyond_c);
    tcase_add_test(tc, test_mariadb_fewer_fraction_digits);
    tcase_add_test(tc, test_pg_fewer_fraction_digits);
    tcase_add_test(tc, test_write_names_row);
    tcase_add_test(tc, test_write_names_batch_row);
    suite_add_tcase(s, tc);
    return s;
}
