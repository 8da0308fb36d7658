/* Private: civil (proleptic Gregorian) dates as day numbers, integers only, no time zone, no
 * locale. */
#ifndef YH_ENGINE_CIVIL_H
#define YH_ENGINE_CIVIL_H

#include <stdint.h>

/* The date `days` days after 1970-01-01 as "YYYY-MM-DD" (years 0 to 9999; others are clamped
 * to them). */
void yh_civil_from_days(char out[11], int64_t days);

/* The day number of a valid "YYYY-MM-DD" (days since 1970-01-01; task.h's yh_days_from_date
 * is the same). */
int64_t yh_civil_days(const char *date);

/* The ISO weekday of a day number: 1 Monday … 6 Saturday, 7 Sunday. */
int yh_civil_weekday(int64_t days);

/* The year of a day number. */
int yh_civil_year(int64_t days);

#endif
