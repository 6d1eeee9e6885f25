/*
 * format.c - storage formats (sc_column_desc.format): a value is
 * written and read in the form its column keeps it in (a date as text,
 * a timestamp as Unix seconds, a numeric as scaled integer, a uuid as
 * text or bytes), and a stored value not in that form is refused.
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

/* ---------------------------------------------------------------------
 * Storage formats (sc_column_desc.format).  A database another tool made
 * may keep a date as text, a timestamp as Unix seconds, a numeric as a
 * binary float, a uuid as hex.  These functions are the one place that
 * writes and reads those forms: exactly, refusing anything else rather
 * than guessing, so that the owner's application reads what we write.
 * ------------------------------------------------------------------- */


static const int64_t tens[] = {
    INT64_C(1), INT64_C(10), INT64_C(100), INT64_C(1000), INT64_C(10000),
    INT64_C(100000), INT64_C(1000000), INT64_C(10000000),
    INT64_C(100000000), INT64_C(1000000000), INT64_C(10000000000),
    INT64_C(100000000000), INT64_C(1000000000000),
    INT64_C(10000000000000), INT64_C(100000000000000),
    INT64_C(1000000000000000), INT64_C(10000000000000000),
    INT64_C(100000000000000000), INT64_C(1000000000000000000)};

#define TENS_MAX 18u

unsigned sc__format(const sc_column_desc *c)
{
    switch (c->format) {
    case SC_FMT_TEXT:
        return c->type == SC_TYPE_DATE || c->type == SC_TYPE_TIMESTAMP ||
                       c->type == SC_TYPE_NUMERIC ||
                       c->type == SC_TYPE_DECIMAL || c->type == SC_TYPE_UUID
                   ? SC_FMT_TEXT
                   : SC_FMT_NATIVE;
    case SC_FMT_REAL:
        return c->type == SC_TYPE_NUMERIC && c->scale <= TENS_MAX
                   ? SC_FMT_REAL
                   : SC_FMT_NATIVE;
    case SC_FMT_INTEGER:
        return c->type == SC_TYPE_TIMESTAMP ? SC_FMT_INTEGER : SC_FMT_NATIVE;
    case SC_FMT_HEX:
        return c->type == SC_TYPE_UUID ? SC_FMT_HEX : SC_FMT_NATIVE;
    default:
        return SC_FMT_NATIVE;
    }
}

sc_value_kind sc__stored_kind(const sc_column_desc *c)
{
    switch (sc__format(c)) {
    case SC_FMT_TEXT:
    case SC_FMT_HEX:
        return SC_VAL_TEXT;
    case SC_FMT_REAL:
        return SC_VAL_FLOAT;
    case SC_FMT_INTEGER:
        return SC_VAL_INT;
    default:
        return sc__kind_of(c->type);
    }
}

/* Writes days as YYYY-MM-DD (11 bytes with the NUL); 0 outside the years
 * 0000 to 9999, which text of this form cannot hold in order. */
static size_t date_text(int64_t days, char *buf)
{
    int y, m, d;

    if (days < INT32_MIN || days > INT32_MAX)
        return 0;
    sc_date_to_ymd((int32_t)days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return 0;
    return (size_t)snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

/* 'YYYY-MM-DD HH:MM:SS', and '.ffffff' when the fraction is not zero;
 * with digits 0 to 6 (text(N)), always that many fraction digits. */
static size_t timestamp_text(int64_t us, int digits, char *buf)
{
    int64_t days = sc__days_of_us(us), rem = us - days * US_PER_DAY;
    int64_t secs = rem / US_PER_SEC, frac = rem % US_PER_SEC;
    size_t n = date_text(days, buf);

    if (n == 0)
        return 0;
    n += (size_t)snprintf(buf + n, SC__FORM_MAX - n, " %02d:%02d:%02d",
                          (int)(secs / 3600), (int)(secs / 60 % 60),
                          (int)(secs % 60));
    if (digits > 0)
        n += (size_t)snprintf(buf + n, SC__FORM_MAX - n, ".%0*d", digits,
                              (int)(frac / tens[6 - digits]));
    else if (frac != 0 && digits < 0)
        n += (size_t)snprintf(buf + n, SC__FORM_MAX - n, ".%06d",
                              (int)frac);
    return n;
}

/* Written digit by digit: this runs for every numeric bound or
 * formatted, and snprintf() costs several times more. */
size_t sc__scaled_text(int64_t i, unsigned scale, char *buf)
{
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    char digits[24]; /* the last first */
    size_t n = 0, k = 0, d;

    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n < (size_t)scale + 1 && n < 20)
        digits[n++] = '0'; /* at least one digit before the point */
    if (i < 0)
        buf[k++] = '-';
    for (d = n; d > 0; d--) {
        if (d == scale)
            buf[k++] = '.';
        buf[k++] = digits[d - 1];
    }
    buf[k] = '\0';
    return k;
}

/* The double nearest to i / 10^scale.  Below 2^53 both operands are
 * exact and IEEE division rounds correctly; past it, strtod() does. */
static double scaled_double(int64_t i, unsigned scale)
{
    const int64_t exact = INT64_C(1) << 53;
    char text[SC__FORM_MAX];

    if (i > -exact && i < exact)
        return (double)i / (double)tens[scale];
    sc__scaled_text(i, scale, text);
    return sc__float_parse(text, NULL);
}

/* The scaled integer whose nearest double at scale is d, if d is one:
 * 1.98 at scale 2 is 198, while 1.985 (stored as 1.98499999...) is
 * none, and is refused rather than rounded. */
static bool double_scaled(double d, unsigned scale, int64_t *out)
{
    double x;
    int64_t i;

    if (!isfinite(d))
        return false;
    x = d * (double)tens[scale];
    if (!(x > -9.2e18 && x < 9.2e18))
        return false;
    i = (int64_t)(x < 0 ? x - 0.5 : x + 0.5); /* a candidate, checked */
    if (scaled_double(i, scale) != d)
        return false;
    *out = i;
    return true;
}

/* An integer stored where a numeric(p,s) is kept as a float (SQLite's
 * NUMERIC affinity stores 2.0 as 2), scaled. */
static bool int_scaled(int64_t k, unsigned scale, int64_t *out)
{
    if (k > INT64_MAX / tens[scale] || k < INT64_MIN / tens[scale])
        return false;
    *out = k * tens[scale];
    return true;
}

static const char hex_digits[] = "0123456789abcdef";

/* A uuid as 32 lowercase hex digits, with dashes after the 4th, 6th, 8th
 * and 10th byte when dashes. */
static size_t uuid_text(const uint8_t *b, bool dashes, char *buf)
{
    size_t n = 0;
    int i;

    for (i = 0; i < 16; i++) {
        if (dashes && (i == 4 || i == 6 || i == 8 || i == 10))
            buf[n++] = '-';
        buf[n++] = hex_digits[b[i] >> 4];
        buf[n++] = hex_digits[b[i] & 15];
    }
    buf[n] = '\0';
    return n;
}

int sc__hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* The inverse of uuid_text(), either case. */
static bool parse_uuid(const char *s, size_t len, bool dashes, uint8_t *b)
{
    size_t i = 0;
    int k, hi, lo;

    if (len != (dashes ? 36u : 32u))
        return false;
    for (k = 0; k < 16; k++) {
        if (dashes && (k == 4 || k == 6 || k == 8 || k == 10) &&
            s[i++] != '-')
            return false;
        hi = sc__hex_value(s[i]);
        lo = sc__hex_value(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        b[k] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return true;
}

/* Reads n digits at s[*i], moving *i past them. */
static bool get_digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int k, x = 0;

    if (len < *i + (size_t)n)
        return false;
    for (k = 0; k < n; k++) {
        if (s[*i + (size_t)k] < '0' || s[*i + (size_t)k] > '9')
            return false;
        x = x * 10 + (s[*i + (size_t)k] - '0');
    }
    *i += (size_t)n;
    *out = x;
    return true;
}

/* Whether s[*i] is ch, moving *i past it. */
static bool get_char(const char *s, size_t len, size_t *i, char ch)
{
    if (*i >= len || s[*i] != ch)
        return false;
    (*i)++;
    return true;
}

static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* YYYY-MM-DD at s[*i], a day that exists. */
static bool parse_date(const char *s, size_t len, size_t *i, int64_t *days)
{
    int y, m, d;

    if (!get_digits(s, len, i, 4, &y) || !get_char(s, len, i, '-') ||
        !get_digits(s, len, i, 2, &m) || !get_char(s, len, i, '-') ||
        !get_digits(s, len, i, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return false;
    *days = sc_date_from_ymd(y, m, d);
    return true;
}

/* The seconds and fraction after HH:MM, when there are: ':SS' and
 * optionally '.' with 1 to 6 digits. */
static bool parse_seconds(const char *s, size_t len, size_t *i, int *secs,
                          int *us)
{
    int k;

    *secs = *us = 0;
    if (!get_char(s, len, i, ':'))
        return true;
    if (!get_digits(s, len, i, 2, secs))
        return false;
    if (!get_char(s, len, i, '.'))
        return true;
    for (k = 0; *i < len && s[*i] >= '0' && s[*i] <= '9'; k++, (*i)++) {
        if (k == 6)
            return false; /* finer than a microsecond: not ours to cut */
        *us = *us * 10 + (s[*i] - '0');
    }
    for (; k > 0 && k < 6; k++)
        *us *= 10;
    return *i > 0 && s[*i - 1] != '.';
}

/* A zone suffix: 'Z', '+HH:MM' or '-HH:MM', as seconds east of UTC. */
static bool parse_zone(const char *s, size_t len, size_t *i, int *east)
{
    int sign, h, m;

    *east = 0;
    if (*i == len || get_char(s, len, i, 'Z'))
        return true;
    if (s[*i] != '+' && s[*i] != '-')
        return false;
    sign = s[(*i)++] == '-' ? -1 : 1;
    if (!get_digits(s, len, i, 2, &h) || !get_char(s, len, i, ':') ||
        !get_digits(s, len, i, 2, &m) || h > 23 || m > 59)
        return false;
    *east = sign * (h * 3600 + m * 60);
    return true;
}

/* 'YYYY-MM-DD HH:MM[:SS[.f...]]' with ' ' or 'T' between, and an optional
 * zone, which is applied. */
static bool parse_timestamp(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int64_t days;
    int h, m, secs, us, east;

    if (!parse_date(s, len, &i, &days) ||
        (!get_char(s, len, &i, ' ') && !get_char(s, len, &i, 'T')) ||
        !get_digits(s, len, &i, 2, &h) || !get_char(s, len, &i, ':') ||
        !get_digits(s, len, &i, 2, &m) ||
        !parse_seconds(s, len, &i, &secs, &us) ||
        !parse_zone(s, len, &i, &east) || i != len)
        return false;
    if (h > 23 || m > 59 || secs > 59)
        return false;
    *out = days * US_PER_DAY +
           ((int64_t)h * 3600 + m * 60 + secs - east) * US_PER_SEC + us;
    return true;
}

/* Decimal text at scale: a sign, digits, and optionally a point and
 * digits, none but zeros past scale; fits an int64 once scaled. */
static bool parse_scaled(const char *s, size_t len, unsigned scale,
                         int64_t *out)
{
    uint64_t u = 0, lim;
    size_t i = len > 0 && (s[0] == '-' || s[0] == '+');
    bool neg = len > 0 && s[0] == '-', point = false;
    unsigned frac = 0, digits = 0;

    lim = (uint64_t)INT64_MAX + neg;
    for (; i < len; i++) {
        if (s[i] == '.' && !point && digits > 0 && i + 1 < len) {
            point = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return false;
        digits++;
        if (point && frac == scale) {
            if (s[i] != '0')
                return false;
            continue;
        }
        frac += point;
        if (u > (lim - (uint64_t)(s[i] - '0')) / 10)
            return false;
        u = u * 10 + (uint64_t)(s[i] - '0');
    }
    for (; digits > 0 && frac < scale; frac++) {
        if (u > lim / 10)
            return false;
        u *= 10;
    }
    if (digits == 0)
        return false;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return true;
}

int sc__stored_form(const sc_value *v, sc_value *out, char *buf,
                    const char **why)
{
    const sc_column_desc *c = v->col;
    unsigned fmt = c != NULL ? sc__format(c) : SC_FMT_NATIVE;
    size_t n;

    *out = *v;
    *why = NULL;
    if (fmt == SC_FMT_NATIVE || v->kind == SC_VAL_NULL ||
        c->type == SC_TYPE_DECIMAL)
        return SC_OK;
    switch (c->type) {
    case SC_TYPE_DATE:
        n = date_text(v->i, buf);
        break;
    case SC_TYPE_TIMESTAMP:
        if (fmt == SC_FMT_TEXT && (c->flags & SC_COL_FIXEDFRAC) &&
            (c->scale > 6 || v->i % tens[6 - c->scale] != 0)) {
            *why = "a finer fraction of a second than the column keeps";
            return SC_RANGE;
        }
        if (fmt == SC_FMT_TEXT) {
            n = timestamp_text(v->i, (c->flags & SC_COL_FIXEDFRAC)
                                         ? (int)c->scale : -1, buf);
            break;
        }
        if (v->i % US_PER_SEC != 0) {
            *why = "a timestamp kept as whole seconds cannot hold a "
                   "fraction of a second";
            return SC_RANGE;
        }
        out->i = v->i / US_PER_SEC;
        return SC_OK;
    case SC_TYPE_NUMERIC:
        /* the owner's column may have no check of its own: a value that
         * would not read back is not written */
        if (c->length > 0 && sc__too_many_digits(v->i, c->length)) {
            *why = "more digits than the column's numeric(p,s) holds";
            return SC_RANGE;
        }
        if (fmt == SC_FMT_REAL) {
            out->kind = SC_VAL_FLOAT;
            out->f = scaled_double(v->i, c->scale);
            return SC_OK;
        }
        n = sc__scaled_text(v->i, c->scale, buf);
        break;
    default: /* uuid */
        if (v->kind != SC_VAL_BLOB || v->len != sizeof(sc_uuid)) {
            *why = "a uuid is 16 bytes";
            return SC_RANGE;
        }
        n = uuid_text(v->p, fmt == SC_FMT_TEXT, buf);
        break;
    }
    if (n == 0) {
        *why = "a date or timestamp kept as text must fall in the years "
               "0000 to 9999";
        return SC_RANGE;
    }
    out->kind = SC_VAL_TEXT;
    out->p = buf;
    out->len = n;
    return SC_OK;
}

/* Stores v, the value of formatted column c as the database holds it,
 * in the field of c's C type; false when v is not in c's format. */
bool sc__decode_stored(const sc_column_desc *c, const sc_value *v,
                       void *row)
{
    unsigned fmt = sc__format(c);
    bool text = v->kind == SC_VAL_TEXT, ok = false;
    size_t at = 0;
    int64_t i = 0;
    sc_uuid u;

    switch (c->type) {
    case SC_TYPE_DATE:
        ok = text && parse_date(v->p, v->len, &at, &i) && at == v->len &&
             i >= INT32_MIN && i <= INT32_MAX;
        break;
    case SC_TYPE_TIMESTAMP:
        if (fmt == SC_FMT_TEXT)
            ok = text && parse_timestamp(v->p, v->len, &i);
        else
            ok = v->kind == SC_VAL_INT && int_scaled(v->i, 6, &i);
        break;
    case SC_TYPE_NUMERIC:
        if (fmt == SC_FMT_REAL && v->kind == SC_VAL_FLOAT)
            ok = double_scaled(v->f, c->scale, &i);
        else if (fmt == SC_FMT_REAL && v->kind == SC_VAL_INT)
            ok = int_scaled(v->i, c->scale, &i);
        else if (fmt == SC_FMT_TEXT && text)
            ok = parse_scaled(v->p, v->len, c->scale, &i);
        ok = ok && !(c->length > 0 && sc__too_many_digits(i, c->length));
        break;
    case SC_TYPE_UUID:
        ok = text && parse_uuid(v->p, v->len, fmt == SC_FMT_TEXT, u.b);
        if (ok)
            memcpy(sc__field_w(c, row), &u, sizeof u);
        return ok;
    default:
        return false;
    }
    if (ok)
        sc__set_int_field(c, row, i);
    return ok;
}

/* What a value of c's format looks like, for messages. */
void sc__put_format_name(sc__buf *b, const sc_column_desc *c)
{
    unsigned fmt = sc__format(c);

    switch (c->type) {
    case SC_TYPE_DATE:
        sc__buf_puts(b, "a date as YYYY-MM-DD");
        break;
    case SC_TYPE_TIMESTAMP:
        sc__buf_puts(b, fmt == SC_FMT_TEXT
                            ? "a timestamp as YYYY-MM-DD HH:MM:SS.ffffff"
                            : "a timestamp in whole seconds since 1970");
        break;
    case SC_TYPE_NUMERIC:
        sc__buf_printf(b, "%s numeric(%u,%u)%s",
                       fmt == SC_FMT_REAL ? "exactly a" : "a", c->length,
                       c->scale, fmt == SC_FMT_REAL ? "" : " as decimal text");
        break;
    default:
        sc__buf_puts(b, fmt == SC_FMT_TEXT
                            ? "a uuid as 36 characters with dashes"
                            : "a uuid as 32 hex digits");
        break;
    }
}

/* Checks db->vals[k] and binds it to parameter k + 1 of stmt. */
int sc__bind_value(sc_db *db, const sc_table_desc *t,
                   const sc_column_desc *c, void *stmt, size_t k)
{
    const char *why = NULL;
    int rc = SC_OK;

    /* only text has anything to check (sc__check_value()) */
    if (db->vals[k].kind == SC_VAL_TEXT &&
        (rc = sc__check_value(db, t, &db->vals[k])) != SC_OK)
        return rc;
    rc = db->be->bind(stmt, (int)k + 1, &db->vals[k], &why);
    if (rc == SC_OK)
        return SC_OK;
    if (rc == SC_NOMEM)
        return sc__nomem(db);
    return sc__set_error(db, rc, t->name, c->name, "cannot store %s.%s: %s",
                         t->name, c->name, why ? why : sc_errstr(rc));
}

/* Binds the primary key of key from parameter *k + 1 on. */
/* The value of key column c of t in row, which NULL cannot be: no key
 * matches it, and a NULL text pointer is a mistake, not a key. */
int sc__key_value(sc_db *db, const sc_table_desc *t,
                  const sc_column_desc *c, const void *row, sc_value *v)
{
    int rc = sc__field_value(db, t, c, row, v);

    if (rc == SC_OK && v->kind == SC_VAL_NULL)
        return sc__set_error(db, SC_MISUSE, t->name, c->name,
                             "the key %s.%s is NULL", t->name, c->name);
    return rc;
}

int sc__bind_pk(sc_db *db, const sc_table_desc *t, const void *key,
                void *stmt, size_t *k)
{
    const sc_column_desc *c;
    unsigned i;
    int rc;

    for (i = 0; i < t->npk; i++, (*k)++) {
        c = &t->cols[t->pk[i]];
        rc = sc__key_value(db, t, c, key, &db->vals[*k]);
        if (rc == SC_OK)
            rc = sc__bind_value(db, t, c, stmt, *k);
        if (rc != SC_OK)
            return rc;
    }
    return SC_OK;
}
