/*
 * dump.c - reads an adopted database through the descriptors schemac
 * generated for it, and nothing else: the program knows no table, it
 * walks the schema descriptor named by ADOPT_SCHEMA (compile with
 * -DADOPT_SCHEMA=chinook_schema and the generated chinook_db.c).
 *
 *     dump --describe        one line per column of every table:
 *                            TABLE COLUMN TYPE SCALE FORMAT FLAGS PGTYPE FK
 *     dump URL               every row of every table, one line each:
 *                            TABLE then each value in canonical text
 *     dump --copy URL        for each table with an autoincrement key
 *                            (or a key of one integer column), inserts
 *                            a copy of its first row, under the next
 *                            key, and prints TABLE KEY-COLUMN FIRST-KEY
 *                            NEW-KEY CHANGED-COLUMNS; "TABLE skip WHY"
 *                            or "TABLE error MESSAGE" instead when the
 *                            copy was not made
 *
 * Fields are separated by tabs.  The canonical text of a value, which
 * tests/adopt/dbtext.py gives the database's own output too:
 *   NULL                \N
 *   bool                t or f
 *   integers            decimal
 *   float32, float64    %.9g, %.17g
 *   numeric(p,s)        the number with exactly s digits after the point
 *   text, json, enum    the text (the label), with backslash, tab, line
 *                       feed and carriage return escaped as PostgreSQL's
 *                       COPY writes them: \\ \t \n \r
 *   bytes               x and lowercase hex digits
 *   date                YYYY-MM-DD
 *   timestamp           YYYY-MM-DD HH:MM:SS, and .ffffff when the
 *                       fraction is not zero (UTC, or the wall clock of
 *                       a timestamp without time zone)
 *   uuid                8-4-4-4-12 lowercase hex digits
 *
 * A table whose read fails prints the rows read before the failure and
 * "dump: TABLE: MESSAGE" on standard error; the exit status is then 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <schemac.h>

#ifndef ADOPT_SCHEMA
#error "compile with -DADOPT_SCHEMA=NAME_schema"
#endif

extern const sc_schema_desc ADOPT_SCHEMA;

static const char *const type_names[] = {
    "?",    "bool",    "int16",   "int32",     "int64", "float32",
    "float64", "numeric", "decimal", "text",   "bytes", "date",
    "timestamp", "uuid", "json",   "enum",
};

static const char *const format_names[] = {"native", "text", "real",
                                           "integer", "hex"};

/* The row being printed and where to print it. */
typedef struct dumper {
    const sc_table_desc *t;
    FILE *out;
} dumper;

static const void *field(const void *row, size_t offset)
{
    return (const char *)row + offset;
}

static int64_t read_int(const sc_column_desc *c, const void *row)
{
    const void *p = field(row, c->offset);
    int16_t i16;
    int32_t i32;
    int64_t i64;

    switch (c->type) {
    case SC_TYPE_INT16:
        memcpy(&i16, p, sizeof i16);
        return i16;
    case SC_TYPE_INT32:
    case SC_TYPE_DATE:
        memcpy(&i32, p, sizeof i32);
        return i32;
    default:
        memcpy(&i64, p, sizeof i64);
        return i64;
    }
}

static void put_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '\\':
            fputs("\\\\", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* A scaled integer as a decimal with scale digits after the point. */
static void put_scaled(FILE *out, int64_t v, unsigned scale)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t div = 1;
    unsigned i;

    for (i = 0; i < scale; i++)
        div *= 10;
    if (v < 0)
        fputc('-', out);
    fprintf(out, "%" PRIu64, mag / div);
    if (scale > 0)
        fprintf(out, ".%0*" PRIu64, (int)scale, mag % div);
}

static void put_timestamp(FILE *out, int64_t us)
{
    const int64_t per_day = INT64_C(86400000000);
    int64_t days = us / per_day, rest = us % per_day;
    int y, m, d;

    if (rest < 0) {
        rest += per_day;
        days--;
    }
    sc_date_to_ymd((int32_t)days, &y, &m, &d);
    fprintf(out, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d,
            (int)(rest / INT64_C(3600000000)),
            (int)(rest / 60000000 % 60), (int)(rest / 1000000 % 60));
    if (rest % 1000000 != 0)
        fprintf(out, ".%06d", (int)(rest % 1000000));
}

static void put_uuid(FILE *out, const sc_uuid *u)
{
    int i;

    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            fputc('-', out);
        fprintf(out, "%02x", u->b[i]);
    }
}

/* True when the column of row holds NULL. */
static bool is_null(const sc_column_desc *c, const void *row)
{
    const char *s;
    sc_bytes b;
    bool has;

    if (c->flags & SC_COL_HASFLAG) {
        memcpy(&has, field(row, c->has_offset), sizeof has);
        return !has;
    }
    switch (c->type) {
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
    case SC_TYPE_DECIMAL:
        memcpy(&s, field(row, c->offset), sizeof s);
        return s == NULL;
    case SC_TYPE_BYTES:
        memcpy(&b, field(row, c->offset), sizeof b);
        return b.data == NULL;
    default:
        return false;
    }
}

static void put_value(FILE *out, const sc_column_desc *c, const void *row)
{
    const void *p = field(row, c->offset);
    const char *s;
    sc_bytes b;
    size_t i;
    float f;
    double d;
    bool yes;
    int e, y, m, day;

    if (is_null(c, row)) {
        fputs("\\N", out);
        return;
    }
    switch (c->type) {
    case SC_TYPE_BOOL:
        memcpy(&yes, p, sizeof yes);
        fputs(yes ? "t" : "f", out);
        break;
    case SC_TYPE_INT16:
    case SC_TYPE_INT32:
    case SC_TYPE_INT64:
        fprintf(out, "%" PRId64, read_int(c, row));
        break;
    case SC_TYPE_FLOAT32:
        memcpy(&f, p, sizeof f);
        fprintf(out, "%.9g", (double)f);
        break;
    case SC_TYPE_FLOAT64:
        memcpy(&d, p, sizeof d);
        fprintf(out, "%.17g", d);
        break;
    case SC_TYPE_NUMERIC:
        put_scaled(out, read_int(c, row), c->scale);
        break;
    case SC_TYPE_DECIMAL:
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        memcpy(&s, p, sizeof s);
        put_text(out, s);
        break;
    case SC_TYPE_BYTES:
        memcpy(&b, p, sizeof b);
        fputc('x', out);
        for (i = 0; i < b.len; i++)
            fprintf(out, "%02x", b.data[i]);
        break;
    case SC_TYPE_DATE:
        sc_date_to_ymd((int32_t)read_int(c, row), &y, &m, &day);
        fprintf(out, "%04d-%02d-%02d", y, m, day);
        break;
    case SC_TYPE_TIMESTAMP:
        put_timestamp(out, read_int(c, row));
        break;
    case SC_TYPE_UUID:
        put_uuid(out, p);
        break;
    case SC_TYPE_ENUM:
        memcpy(&e, p, sizeof e);
        if (c->enm != NULL && e >= 0 && (unsigned)e < c->enm->nlabels)
            put_text(out, c->enm->labels[e]);
        else
            fprintf(out, "?%d", e);
        break;
    }
}

static int print_row(void *ctx, const void *row)
{
    const dumper *d = ctx;
    unsigned i;

    put_text(d->out, d->t->name);
    for (i = 0; i < d->t->ncols; i++) {
        fputc('\t', d->out);
        put_value(d->out, &d->t->cols[i], row);
    }
    fputc('\n', d->out);
    return 0;
}

/* True when column i of t belongs to one of its foreign keys. */
static bool in_fkey(const sc_table_desc *t, unsigned i)
{
    unsigned k, j;

    for (k = 0; k < t->nfkeys; k++)
        for (j = 0; j < t->fkeys[k].ncols; j++)
            if (t->fkeys[k].cols[j] == i)
                return true;
    return false;
}

/* The flags of column c of t as a list, "-" when none. */
static const char *flag_list(const sc_table_desc *t, const sc_column_desc *c,
                             char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s",
             c->flags & SC_COL_NOTNULL ? ",notnull" : "",
             c->flags & SC_COL_PK ? ",pk" : "",
             c->flags & SC_COL_AUTOINC ? ",autoinc" : "",
             c->flags & SC_COL_NOZONE ? ",nozone" : "",
             t->flags & SC_TABLE_LOOSE ? ",loose" : "");
    return buf[0] != '\0' ? buf + 1 : "-";
}

static int describe(void)
{
    char flags[64];
    unsigned i, j;

    for (i = 0; i < ADOPT_SCHEMA.ntables; i++) {
        const sc_table_desc *t = ADOPT_SCHEMA.tables[i];

        for (j = 0; j < t->ncols; j++) {
            const sc_column_desc *c = &t->cols[j];
            unsigned ty = (unsigned)c->type;
            unsigned fmt = c->format;

            printf("%s\t%s\t%s\t%u\t%s\t%s\t%s\t%s\n", t->name, c->name,
                   ty < sizeof type_names / sizeof *type_names
                       ? type_names[ty] : "?",
                   c->scale,
                   fmt < sizeof format_names / sizeof *format_names
                       ? format_names[fmt] : "?",
                   flag_list(t, c, flags, sizeof flags),
                   c->pg_type != NULL ? c->pg_type : "-",
                   in_fkey(t, j) ? "fk" : "-");
        }
    }
    return 0;
}

static int dump_rows(sc_db *db)
{
    int status = 0;
    unsigned i, k;

    for (i = 0; i < ADOPT_SCHEMA.ntables; i++) {
        const sc_table_desc *t = ADOPT_SCHEMA.tables[i];
        dumper d = {t, stdout};
        sc_query *q = sc_query_new(db, t);
        int rc;

        if (q == NULL) {
            fprintf(stderr, "dump: out of memory\n");
            return 1;
        }
        for (k = 0; k < t->npk; k++)
            sc_query_order_by(q, t->pk[k], SC_ASC);
        rc = sc_query_each(q, print_row, &d);
        if (rc != SC_OK) {
            fprintf(stderr, "dump: %s: %s\n", t->name, sc_errmsg(db));
            status = 1;
        }
        sc_query_free(q);
    }
    fflush(stdout);
    return status;
}

/* Makes text column c of row differ from every stored value that is a
 * copy of it: a '~' appended, or in place of the last character when
 * the column is full.  The new string lives in a. */
static void vary_text(sc_arena *a, const sc_column_desc *c, void *row)
{
    char *p = (char *)row + c->offset;
    const char *s;
    size_t len, chars = 0, i, cut;
    char *v;

    memcpy(&s, p, sizeof s);
    if (s == NULL)
        return;
    len = strlen(s);
    for (i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    cut = len;
    if (c->length > 0 && chars >= c->length && len > 0) {
        cut = len - 1;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    v = sc_arena_alloc(a, cut + 2);
    if (v == NULL)
        return;
    memcpy(v, s, cut);
    v[cut] = '~';
    v[cut + 1] = '\0';
    memcpy(p, &v, sizeof v);
}

/* The columns a copy may change so that uniques do not refuse it: plain
 * text and uuids that are neither key nor foreign key. */
static bool may_vary(const sc_table_desc *t, unsigned i)
{
    const sc_column_desc *c = &t->cols[i];

    if (c->flags & SC_COL_PK || in_fkey(t, i))
        return false;
    return (c->type == SC_TYPE_TEXT && c->pg_type == NULL) ||
           c->type == SC_TYPE_UUID;
}

/* The index of the column of t named name, or -1. */
static int column_index(const sc_table_desc *t, const char *name)
{
    unsigned i;

    for (i = 0; name != NULL && i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Changes the column for the copy: text as vary_text() does, a uuid in
 * its last byte. */
static void vary(sc_arena *a, const sc_column_desc *c, void *row)
{
    sc_uuid *u;

    if (c->type != SC_TYPE_UUID) {
        vary_text(a, c, row);
        return;
    }
    u = (sc_uuid *)((char *)row + c->offset);
    u->b[15] ^= 0x5a;
}

/* The column a copy gets a new value of: the autoincrement key, else a
 * primary key of one integer column (a SQLite rowid alias, which the
 * owner's application fills with the next number); -1 for neither. */
static int copy_key(const sc_table_desc *t)
{
    sc_type ty;

    if (t->autoinc >= 0)
        return t->autoinc;
    if (t->npk != 1 || (t->flags & SC_TABLE_NOPK))
        return -1;
    ty = t->cols[t->pk[0]].type;
    if (ty != SC_TYPE_INT16 && ty != SC_TYPE_INT32 && ty != SC_TYPE_INT64)
        return -1;
    return (int)t->pk[0];
}

static void write_int(const sc_column_desc *c, void *row, int64_t v)
{
    char *p = (char *)row + c->offset;
    int16_t i16 = (int16_t)v;
    int32_t i32 = (int32_t)v;

    if (c->type == SC_TYPE_INT16)
        memcpy(p, &i16, sizeof i16);
    else if (c->type == SC_TYPE_INT32)
        memcpy(p, &i32, sizeof i32);
    else
        memcpy(p, &v, sizeof v);
}

/* Reads the row of t with the lowest (desc false) or highest key into
 * row: SC_OK, SC_NOTFOUND or an error. */
static int end_row(sc_db *db, sc_arena *a, const sc_table_desc *t,
                   unsigned key, bool desc, void *row)
{
    sc_query *q = sc_query_new(db, t);
    int rc;

    if (q == NULL)
        return SC_NOMEM;
    sc_query_order_by(q, key, desc ? SC_DESC : SC_ASC);
    rc = sc_query_first(q, a, row);
    sc_query_free(q);
    return rc;
}

/* Tries column i of row: varied, then inserted.  Keeps the change when
 * the insert succeeds or only a unique still refuses it; otherwise (a
 * check refuses the varied value) puts the value back. */
static int try_varied(sc_db *db, sc_arena *a, const sc_table_desc *t,
                      void *row, unsigned i, bool *changed)
{
    const sc_column_desc *c = &t->cols[i];
    char *p = (char *)row + c->offset;
    unsigned char saved[sizeof(sc_uuid) + sizeof(char *)];
    size_t size = c->type == SC_TYPE_UUID ? sizeof(sc_uuid) : sizeof(char *);
    int rc;

    memcpy(saved, p, size);
    vary(a, c, row);
    rc = sc_row_insert(db, t, row);
    if (rc == SC_OK || sc_extended_errcode(db) == SC_CONSTRAINT_UNIQUE)
        changed[i] = true;
    else
        memcpy(p, saved, size);
    return rc;
}

/*
 * Inserts the copy in row.  When a unique refuses it, the columns that
 * may vary are varied one by one, the one the error names first, until
 * the insert succeeds.  Returns the insert's code, or -1 when no change
 * got past the unique (its message is then in why).
 */
static int insert_copy(sc_db *db, sc_arena *a, const sc_table_desc *t,
                       void *row, bool *changed, char *why, size_t size)
{
    int rc = sc_row_insert(db, t, row);
    int named;
    unsigned i;

    if (rc == SC_OK || sc_extended_errcode(db) != SC_CONSTRAINT_UNIQUE)
        return rc;
    snprintf(why, size, "%s", sc_errmsg(db));
    named = column_index(t, sc_errcolumn(db));
    if (named >= 0 && may_vary(t, (unsigned)named)) {
        rc = try_varied(db, a, t, row, (unsigned)named, changed);
        if (rc == SC_OK)
            return rc;
    }
    for (i = 0; i < t->ncols; i++) {
        if (!may_vary(t, i) || changed[i])
            continue;
        rc = try_varied(db, a, t, row, i, changed);
        if (rc == SC_OK)
            return rc;
    }
    return -1;
}

static int copy_first(sc_db *db, sc_arena *a, const sc_table_desc *t,
                      unsigned k)
{
    const sc_column_desc *key = &t->cols[k];
    void *row = sc_arena_alloc(a, t->row_size);
    void *last = sc_arena_alloc(a, t->row_size);
    bool *changed = sc_arena_alloc(a, t->ncols * sizeof *changed + 1);
    char why[256];
    int64_t first;
    unsigned i;
    int rc;

    if (row == NULL || last == NULL || changed == NULL) {
        printf("%s\terror\tout of memory\n", t->name);
        return 1;
    }
    rc = end_row(db, a, t, k, false, row);
    if (rc == SC_NOTFOUND) {
        printf("%s\tskip\tno rows\n", t->name);
        return 0;
    }
    if (rc == SC_OK && t->autoinc < 0)
        rc = end_row(db, a, t, k, true, last);
    if (rc != SC_OK)
        goto failed;
    memset(changed, 0, t->ncols * sizeof *changed);
    first = read_int(key, row);
    if (t->autoinc < 0)
        write_int(key, row, read_int(key, last) + 1);
    rc = insert_copy(db, a, t, row, changed, why, sizeof why);
    if (rc == -1) {
        printf("%s\tskip\tunique: %s\n", t->name, why);
        return 0;
    }
    if (rc != SC_OK)
        goto failed;
    printf("%s\t%s\t%" PRId64 "\t%" PRId64 "\t", t->name, key->name, first,
           read_int(key, row));
    for (i = 0; i < t->ncols; i++)
        if (changed[i])
            printf("%s,", t->cols[i].name);
    printf("-\n");
    return 0;

failed:
    printf("%s\terror\t", t->name);
    put_text(stdout, sc_errmsg(db));
    putchar('\n');
    return 1;
}

static int copy_rows(sc_db *db)
{
    sc_arena *a = sc_arena_new();
    int status = 0, k;
    unsigned i;

    if (a == NULL) {
        fprintf(stderr, "dump: out of memory\n");
        return 1;
    }
    for (i = 0; i < ADOPT_SCHEMA.ntables; i++) {
        k = copy_key(ADOPT_SCHEMA.tables[i]);
        if (k >= 0)
            status |= copy_first(db, a, ADOPT_SCHEMA.tables[i], (unsigned)k);
    }
    sc_arena_free(a);
    fflush(stdout);
    return status;
}

int main(int argc, char **argv)
{
    const char *url;
    bool copy = false;
    sc_db *db = NULL;
    int status;

    if (argc == 2 && strcmp(argv[1], "--describe") == 0)
        return describe();
    if (argc == 3 && strcmp(argv[1], "--copy") == 0) {
        copy = true;
        url = argv[2];
    } else if (argc == 2 && argv[1][0] != '-') {
        url = argv[1];
    } else {
        fprintf(stderr, "usage: dump --describe | [--copy] URL\n");
        return 2;
    }
    if (ADOPT_SCHEMA.abi_version != SC_ABI_VERSION) {
        fprintf(stderr, "dump: the schema is of ABI %d, not %d\n",
                ADOPT_SCHEMA.abi_version, SC_ABI_VERSION);
        return 1;
    }
    if (sc_open(url, &db) != SC_OK) {
        fprintf(stderr, "dump: %s\n",
                db != NULL ? sc_errmsg(db) : "out of memory");
        sc_close(db);
        return 1;
    }
    status = copy ? copy_rows(db) : dump_rows(db);
    sc_close(db);
    return status;
}
