/*
 * time.c - the clock and civil dates: sc_now_us(), sc_date_from_ymd()
 * and sc_date_to_ymd().
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
 * Time.
 * ------------------------------------------------------------------- */

int64_t sc_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Days from 1970-01-01 in the proleptic Gregorian calendar.  The year is
 * counted from March, so that the leap day ends it, in 400-year eras of
 * 146097 days; division rounds toward minus infinity for years before 0.
 */
int32_t sc_date_from_ymd(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                    /* [0, 399] */
    int64_t mp = (month + 9) % 12;                  /* March is 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;     /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int32_t)(era * 146097 + doe - 719468);
}

void sc_date_to_ymd(int32_t days, int *year, int *month, int *day)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                 /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    if (year != NULL)
        *year = (int)(yoe + era * 400 + (m <= 2));
    if (month != NULL)
        *month = (int)m;
    if (day != NULL)
        *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}
