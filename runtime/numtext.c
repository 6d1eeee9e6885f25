/*
 * numtext.c - floating-point numbers as text, the same in every locale.
 * A program may call setlocale(LC_ALL, "de_DE.UTF-8"), after which the
 * C library writes 1.5 as "1,5" and reads "1.5" as 1; neither databases
 * nor traces take that form.  Every float the runtime writes or reads as
 * text goes through these two functions, which switch the calling thread
 * to the "C" locale for the one call (uselocale() is per thread) and back.
 */
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
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
