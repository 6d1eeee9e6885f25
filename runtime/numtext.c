/*
 * numtext.c - floating-point numbers as text, the same in every locale.
 * A program may call setlocale(LC_ALL, "de_DE.UTF-8"), after which the
 * C library writes 1.5 as "1,5" and reads "1.5" as 1; neither databases
 * nor traces take that form.  Every float the runtime writes or reads as
 * text goes through these two functions, which switch the calling thread
 * to the "C" locale for the one call (uselocale() is per thread) and back.
 * Decimal text a server sends is read into a scaled integer here too.
 */
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static locale_t c_locale = (locale_t)0;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Switches this thread to the "C" locale; returns the one to restore, or
 * (locale_t)0 when the switch failed (the text is then the process's). */
static locale_t enter_c(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
}

static void leave_c(locale_t old)
{
    if (old != (locale_t)0)
        uselocale(old);
}

size_t sc__float_text(double f, int prec, char *buf, size_t size)
{
    locale_t old = enter_c();
    int n = snprintf(buf, size, "%.*g", prec, f);

    leave_c(old);
    return n < 0 ? 0 : (size_t)n;
}

double sc__float_parse(const char *s, char **end)
{
    locale_t old = enter_c();
    double f = strtod(s, end);

    leave_c(old);
    return f;
}

/* Decimal text to an integer scaled by 10^scale: "-12.5" at scale 2 is
 * -1250.  Digits beyond the scale are dropped; a value too large for
 * int64 saturates (numeric(p,s) with p <= 18 always fits). */
int64_t sc__parse_scaled(const char *t, unsigned scale)
{
    bool neg = *t == '-';
    uint64_t u = 0, lim = (uint64_t)INT64_MAX + (neg ? 1 : 0);
    unsigned frac = 0, digit;
    bool after = false;

    for (t += neg || *t == '+'; *t != '\0'; t++) {
        if (*t == '.') {
            after = true;
            continue;
        }
        if (*t < '0' || *t > '9' || (after && frac == scale))
            break;
        frac += after;
        digit = (unsigned)(*t - '0');
        u = u > (lim - digit) / 10 ? lim : u * 10 + digit;
    }
    for (; frac < scale; frac++)
        u = u > lim / 10 ? lim : u * 10;
    return neg ? (int64_t)(0 - u) : (int64_t)u;
}
