/* Private: civil (proleptic Gregorian) dates as day numbers, integers only, no time zone, no
 * locale.  The way from "YYYY-MM-DD" to a day number is yh_days_from_date (task.h). */
#ifndef YH_ENGINE_CIVIL_H
#define YH_ENGINE_CIVIL_H

#include <stdint.h>

/* The date `days` days after 1970-01-01 as "YYYY-MM-DD" (years 0 to 9999; others are clamped
 * to them). */
void yh_civil_from_days(char out[11], int64_t days);

/* The ISO weekday of a day number: 1 Monday … 6 Saturday, 7 Sunday. */
int yh_civil_weekday(int64_t days);

/* The year of a day number. */
int yh_civil_year(int64_t days);

#endif
