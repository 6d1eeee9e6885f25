/*
 * value.c - values between struct fields, defaults and the backend, and
 * the checks a value passes before it is sent (UTF-8, decimal digits,
 * ranges), so that every database refuses the same ones.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "internal.h"
#include "schemac.h"
#include "utf8.h"

/* Whether the magnitude of scaled integer i has more than p digits. */
bool sc__too_many_digits(int64_t i, unsigned p)
{
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    uint64_t limit = 1;
    unsigned k;

    if (p >= 20) /* 10^20 is beyond any int64 */
        return false;
    for (k = 0; k < p; k++)
        limit *= 10;
    return u >= limit;
}

/* Whether v does not fit its column's declared size: a varchar(n) value
 * of more than n characters, a numeric(p,s) of more than p digits.  (A
 * decimal that does not fit never gets this far: see check_decimal().) */
bool sc__value_unfit(const sc_value *v)
{
    const sc_column_desc *c = v->col;

    if (c == NULL || c->length == 0)
        return false;
    switch (c->type) {
    case SC_TYPE_TEXT:
        return v->kind == SC_VAL_TEXT && sc__utf8_chars(v->p, v->len) > c->length;
    case SC_TYPE_NUMERIC:
        return v->kind == SC_VAL_INT && sc__too_many_digits(v->i, c->length);
    default:
        return false;
    }
}

/* ---------------------------------------------------------------------
 * Values checked before they are sent, so that both databases refuse the
 * same ones: SQLite would store text that is not UTF-8 and decimal text
 * of any form, where PostgreSQL refuses the one and rounds the other.
 * These run for every text value bound: one pass, no allocation.
 * ------------------------------------------------------------------- */

/* The digits of decimal text: before the point without leading zeros,
 * after it without trailing zeros. */
typedef struct decimal_shape {
    size_t whole;
    size_t frac;
} decimal_shape;

/* Whether s[0..n) is an optional sign, digits, and optionally a point
 * and digits; *d receives its significant digits. */
static bool decimal_form(const char *s, size_t n, decimal_shape *d)
{
    size_t i = n > 0 && (s[0] == '-' || s[0] == '+'), first, start;

    for (first = i; i < n && s[i] == '0'; i++)
        ;
    for (start = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    d->whole = i - start;
    d->frac = 0;
    if (i == first) /* no digit before the point */
        return false;
    if (i == n)
        return true;
    if (s[i] != '.' || ++i == n)
        return false;
    for (start = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (s[i] != '0')
            d->frac = i - start + 1;
    }
    return i == n;
}

/* A decimal for numeric(p,s) column c: its form, at most p - s digits
 * before the point, and nothing but zeros past s digits after it, where
 * PostgreSQL would round.  Too many digits is SC_CONSTRAINT_CHECK, the
 * code of a numeric too large (see sc__report_unfit()). */
static int check_decimal(sc_db *db, const sc_table_desc *t,
                         const sc_column_desc *c, const sc_value *v)
{
    decimal_shape d;

    if (!decimal_form(v->p, v->len, &d))
        return sc__set_error(db, SC_RANGE, t->name, c->name,
                             "cannot store %s.%s: not a decimal number "
                             "(digits with an optional sign and point)",
                             t->name, c->name);
    if (c->length == 0 || c->length < c->scale)
        return SC_OK; /* no declared size to hold it to */
    if (d.whole > c->length - c->scale)
        return sc__set_error(db, SC_CONSTRAINT_CHECK, t->name, c->name,
                             "check constraint failed on %s.%s: at most %u "
                             "digits before the point", t->name, c->name,
                             c->length - c->scale);
    if (d.frac > c->scale)
        return sc__set_error(db, SC_CONSTRAINT_CHECK, t->name, c->name,
                             "check constraint failed on %s.%s: at most %u "
                             "digits after the point", t->name, c->name,
                             c->scale);
    return SC_OK;
}

int sc__check_value(sc_db *db, const sc_table_desc *t, const sc_value *v)
{
    const sc_column_desc *c = v->col;

    if (v->kind != SC_VAL_TEXT || c == NULL)
        return SC_OK;
    switch (c->type) {
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        if (sc__utf8_valid(v->p, v->len))
            return SC_OK;
        return sc__set_error(db, SC_RANGE, t->name, c->name,
                             "invalid UTF-8 in %s.%s", t->name, c->name);
    case SC_TYPE_DECIMAL: /* its form admits ASCII only */
        return check_decimal(db, t, c, v);
    default:
        return SC_OK;
    }
}
/* ---------------------------------------------------------------------
 * Values: between struct fields, defaults and backend values.
 * ------------------------------------------------------------------- */

static const char *field(const sc_column_desc *c, const void *row)
{
    return (const char *)row + c->offset;
}

char *sc__field_w(const sc_column_desc *c, void *row)
{
    return (char *)row + c->offset;
}

void sc__set_has(const sc_column_desc *c, void *row, bool has)
{
    if (c->flags & SC_COL_HASFLAG)
        memcpy((char *)row + c->has_offset, &has, sizeof has);
}

/* Whether the column holds a value in row (see sc_row_insert()). */
bool sc__holds_value(const sc_column_desc *c, const void *row)
{
    const void *p;
    sc_bytes bytes;
    bool has;

    if (c->flags & SC_COL_HASFLAG) {
        memcpy(&has, (const char *)row + c->has_offset, sizeof has);
        return has;
    }
    switch (c->type) {
    case SC_TYPE_DECIMAL:
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        memcpy(&p, field(c, row), sizeof p);
        return p != NULL;
    case SC_TYPE_BYTES:
        memcpy(&bytes, field(c, row), sizeof bytes);
        return bytes.data != NULL;
    default:
        return true;
    }
}

/* The label of enum value e of column c, or NULL with SC_RANGE set. */
static const char *enum_label(sc_db *db, const sc_table_desc *t,
                              const sc_column_desc *c, int64_t e)
{
    if (c->enm != NULL && e >= 0 && e < (int64_t)c->enm->nlabels)
        return c->enm->labels[e];
    sc__set_error(db, SC_RANGE, t->name, c->name,
                  "value %" PRId64 " of %s.%s is not a value of enum %s", e,
                  t->name, c->name, c->enm ? c->enm->name : "(none)");
    return NULL;
}

/* Text from a struct field, a default or a label: a C string. */
static void text_value(sc_value *v, const char *s)
{
    v->kind = s != NULL ? SC_VAL_TEXT : SC_VAL_NULL;
    v->p = s;
    v->len = s != NULL ? strlen(s) : 0;
    v->cstr = s != NULL;
}

/* Reads an integer field of the column's width. */
static int64_t int_field(const sc_column_desc *c, const void *row)
{
    int16_t i16;
    int32_t i32;
    int64_t i64;
    bool b;

    switch (c->type) {
    case SC_TYPE_BOOL:
        memcpy(&b, field(c, row), sizeof b);
        return b ? 1 : 0;
    case SC_TYPE_INT16:
        memcpy(&i16, field(c, row), sizeof i16);
        return i16;
    case SC_TYPE_INT32:
    case SC_TYPE_DATE:
        memcpy(&i32, field(c, row), sizeof i32);
        return i32;
    default:
        memcpy(&i64, field(c, row), sizeof i64);
        return i64;
    }
}

/* The value of column c in row, as bound to a statement. */
int sc__field_value(sc_db *db, const sc_table_desc *t,
                    const sc_column_desc *c, const void *row,
                    sc_value *v)
{
    const char *s;
    sc_bytes bytes;
    float f32;
    int e;

    if (c->type == SC_TYPE_INT64 && !(c->flags & SC_COL_HASFLAG)) {
        /* keys, the most bound of all: no flag, no switch */
        *v = (sc_value){.kind = SC_VAL_INT, .type = c->type, .col = c};
        memcpy(&v->i, field(c, row), sizeof v->i);
        return SC_OK;
    }
    memset(v, 0, sizeof *v);
    v->type = c->type;
    v->col = c;
    if ((c->flags & SC_COL_HASFLAG) && !sc__holds_value(c, row))
        return SC_OK;
    v->kind = sc__kind_of(c->type);
    switch (c->type) {
    case SC_TYPE_FLOAT32:
        memcpy(&f32, field(c, row), sizeof f32);
        v->f = f32;
        break;
    case SC_TYPE_FLOAT64:
        memcpy(&v->f, field(c, row), sizeof v->f);
        break;
    case SC_TYPE_DECIMAL:
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        memcpy(&s, field(c, row), sizeof s);
        text_value(v, s);
        break;
    case SC_TYPE_BYTES:
        memcpy(&bytes, field(c, row), sizeof bytes);
        v->kind = bytes.data != NULL ? SC_VAL_BLOB : SC_VAL_NULL;
        v->p = bytes.data;
        v->len = bytes.data != NULL ? bytes.len : 0;
        break;
    case SC_TYPE_UUID:
        v->p = field(c, row);
        v->len = sizeof(sc_uuid);
        break;
    case SC_TYPE_ENUM:
        memcpy(&e, field(c, row), sizeof e);
        text_value(v, enum_label(db, t, c, e));
        return v->p != NULL ? SC_OK : SC_RANGE;
    default:
        v->i = int_field(c, row);
        break;
    }
    return SC_OK;
}

/* Days since 1970 of the instant us, rounded down. */
int64_t sc__days_of_us(int64_t us)
{
    const int64_t day = INT64_C(86400000000);

    return us >= 0 ? us / day : -((-(us + 1)) / day) - 1;
}

/* The default of column c as bound to a statement; *now is the instant
 * the row was inserted, read from the clock by the first column that
 * defaults to now (NOW_UNREAD until then), so that a row without one
 * costs no clock read and every column of a row has the same instant. */
int sc__default_value(sc_db *db, const sc_table_desc *t,
                      const sc_column_desc *c, int64_t *now, sc_value *v)
{
    const sc_default *d = &c->dflt;
    int64_t unit = 1;
    unsigned k;

    memset(v, 0, sizeof *v);
    v->type = c->type;
    v->col = c;
    if (d->kind == SC_DEFAULT_NOW) {
        if (c->type != SC_TYPE_TIMESTAMP && c->type != SC_TYPE_DATE)
            return sc__set_error(db, SC_MISUSE, t->name, c->name,
                                 "default now on %s.%s, which is not a date "
                                 "or timestamp", t->name, c->name);
        if (*now == NOW_UNREAD)
            *now = sc_now_us();
        v->kind = SC_VAL_INT;
        v->i = c->type == SC_TYPE_DATE ? sc__days_of_us(*now) : *now;
        /* a form with fewer fraction digits keeps now cut to them */
        for (k = (c->flags & SC_COL_FIXEDFRAC) ? c->scale : 6; k < 6; k++)
            unit *= 10;
        if (c->type == SC_TYPE_TIMESTAMP && sc__format(c) == SC_FMT_INTEGER)
            unit = 1000000;
        if (c->type == SC_TYPE_TIMESTAMP)
            v->i -= (v->i % unit + unit) % unit;
        return SC_OK;
    }
    if (d->kind != SC_DEFAULT_VALUE)
        return SC_OK;
    v->kind = sc__kind_of(c->type);
    switch (v->kind) {
    case SC_VAL_FLOAT:
        v->f = d->f;
        break;
    case SC_VAL_TEXT:
        if (c->type != SC_TYPE_ENUM) {
            text_value(v, d->s);
            break;
        }
        text_value(v, enum_label(db, t, c, d->i));
        return v->p != NULL ? SC_OK : SC_RANGE;
    case SC_VAL_BLOB:
        if (c->type == SC_TYPE_UUID && d->s == NULL) {
            v->kind = SC_VAL_NULL;
            break;
        }
        v->p = d->s != NULL ? d->s : "";
        v->len = c->type == SC_TYPE_UUID ? sizeof(sc_uuid) : d->len;
        break;
    default:
        v->i = c->type == SC_TYPE_BOOL ? d->i != 0 : d->i;
        break;
    }
    return SC_OK;
}

/* The instant a batch of inserts into t shares: the clock's when a column
 * of t defaults to now, else NOW_UNREAD, which no column reads then. */
int64_t sc__batch_now(const sc_table_desc *t)
{
    unsigned i;

    for (i = 0; i < t->ncols; i++) {
        if (t->cols[i].dflt.kind == SC_DEFAULT_NOW)
            return sc_now_us();
    }
    return NOW_UNREAD;
}

/* Stores integer i in the field of column c at its width. */
void sc__set_int_field(const sc_column_desc *c, void *row, int64_t i)
{
    int16_t i16 = (int16_t)i;
    int32_t i32 = (int32_t)i;
    bool b = i != 0;

    switch (c->type) {
    case SC_TYPE_BOOL:
        memcpy(sc__field_w(c, row), &b, sizeof b);
        break;
    case SC_TYPE_INT16:
        memcpy(sc__field_w(c, row), &i16, sizeof i16);
        break;
    case SC_TYPE_INT32:
    case SC_TYPE_DATE:
        memcpy(sc__field_w(c, row), &i32, sizeof i32);
        break;
    default:
        memcpy(sc__field_w(c, row), &i, sizeof i);
        break;
    }
}

/* Writes the default v, just inserted, back into the struct. */
void sc__write_default(const sc_column_desc *c, void *row,
                       const sc_value *v)
{
    sc_bytes bytes;
    float f32;
    int e;

    if (v->kind == SC_VAL_NULL)
        return;
    switch (c->type) {
    case SC_TYPE_FLOAT32:
        f32 = (float)v->f;
        memcpy(sc__field_w(c, row), &f32, sizeof f32);
        break;
    case SC_TYPE_FLOAT64:
        memcpy(sc__field_w(c, row), &v->f, sizeof v->f);
        break;
    case SC_TYPE_DECIMAL:
    case SC_TYPE_TEXT:
    case SC_TYPE_JSON:
        memcpy(sc__field_w(c, row), &v->p, sizeof v->p);
        break;
    case SC_TYPE_BYTES:
        bytes.data = v->p;
        bytes.len = v->len;
        memcpy(sc__field_w(c, row), &bytes, sizeof bytes);
        break;
    case SC_TYPE_UUID:
        memcpy(sc__field_w(c, row), v->p, sizeof(sc_uuid));
        break;
    case SC_TYPE_ENUM:
        e = (int)c->dflt.i;
        memcpy(sc__field_w(c, row), &e, sizeof e);
        break;
    default:
        sc__set_int_field(c, row, v->i);
        break;
    }
    sc__set_has(c, row, true);
}

static int read_int(sc_db *db, const sc_table_desc *t,
                    const sc_column_desc *c, int64_t i, void *row)
{
    int64_t lo = INT64_MIN, hi = INT64_MAX;

    if (c->type == SC_TYPE_INT16) {
        lo = INT16_MIN;
        hi = INT16_MAX;
    } else if (c->type == SC_TYPE_INT32 || c->type == SC_TYPE_DATE) {
        lo = INT32_MIN;
        hi = INT32_MAX;
    }
    if (c->type == SC_TYPE_BOOL) { /* a loose table may hold any */
        lo = 0;
        hi = 1;
    }
    if (i < lo || i > hi)
        return sc__set_error(db, SC_RANGE, t->name, c->name,
                             "value %" PRId64 " of %s.%s does not fit its type",
                             i, t->name, c->name);
    sc__set_int_field(c, row, i);
    return SC_OK;
}

static int read_enum(sc_db *db, const sc_table_desc *t,
                     const sc_column_desc *c, const sc_value *v, void *row)
{
    unsigned i;
    int e;

    for (i = 0; c->enm != NULL && i < c->enm->nlabels; i++) {
        if (strlen(c->enm->labels[i]) == v->len &&
            memcmp(c->enm->labels[i], v->p, v->len) == 0) {
            e = (int)i;
            memcpy(sc__field_w(c, row), &e, sizeof e);
            return SC_OK;
        }
    }
    return sc__set_error(db, SC_ERROR, t->name, c->name,
                         "unknown label '%.*s' in %s.%s",
                         (int)(v->len > 64 ? 64 : v->len), (const char *)v->p,
                         t->name, c->name);
}

/* Stores text or bytes value v, copied into a, or pointing into the
 * backend's memory when a is NULL (streaming: see sc__read_row()). */
static int read_bytes(sc_db *db, const sc_table_desc *t,
                      const sc_column_desc *c, const sc_value *v,
                      sc_arena *a, void *row)
{
    const void *p;
    sc_bytes bytes;

    if (c->type == SC_TYPE_UUID) {
        if (v->len != sizeof(sc_uuid))
            return sc__set_error(db, SC_ERROR, t->name, c->name,
                                 "%s.%s holds %zu bytes, not a 16-byte uuid",
                                 t->name, c->name, v->len);
        memcpy(sc__field_w(c, row), v->p, sizeof(sc_uuid));
        return SC_OK;
    }
    p = a != NULL ? sc__arena_copy(a, v->p, v->len) : v->p;
    if (p == NULL)
        return sc__nomem(db);
    if (c->type == SC_TYPE_BYTES) {
        bytes.data = p;
        bytes.len = v->len;
        memcpy(sc__field_w(c, row), &bytes, sizeof bytes);
    } else {
        memcpy(sc__field_w(c, row), &p, sizeof p);
    }
    return SC_OK;
}

/* Stores the value v, not NULL, of column c that sc__store_plain() left:
 * converts floats, checks ranges and labels, copies text and bytes. */
int sc__store_value(sc_db *db, const sc_table_desc *t,
                    const sc_column_desc *c, const sc_value *v,
                    sc_arena *a, void *row)
{
    float f32;

    switch (c->type) {
    case SC_TYPE_FLOAT32:
        f32 = (float)v->f;
        memcpy(sc__field_w(c, row), &f32, sizeof f32);
        return SC_OK;
    case SC_TYPE_FLOAT64:
        memcpy(sc__field_w(c, row), &v->f, sizeof v->f);
        return SC_OK;
    case SC_TYPE_ENUM:
        return read_enum(db, t, c, v, row);
    default:
        break;
    }
    if (v->kind == SC_VAL_INT)
        return read_int(db, t, c, v->i, row);
    return read_bytes(db, t, c, v, a, row);
}
