/* civil.c — day numbers back to civil dates (Howard Hinnant's civil_from_days) and weekdays. */
#include <stdio.h>

#include "civil.h"

/* y, m, d of a day number (days since 1970-01-01). */
static void split(int64_t days, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

void yh_civil_from_days(char out[11], int64_t days)
{
	int64_t y, m, d;

	/* 0000-03-01 .. 9999-12-31 */
	if (days < -719468)
		days = -719468;
	if (days > 2932896)
		days = 2932896;
	split(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

int yh_civil_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (4) */
	return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

int yh_civil_year(int64_t days)
{
	int64_t y, m, d;

	split(days, &y, &m, &d);
	return (int)y;
}

int64_t yh_civil_days(const char *d)
{
	/* Howard Hinnant's days_from_civil, integers only */
	int64_t y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	int64_t m = (d[5] - '0') * 10 + (d[6] - '0');
	int64_t day = (d[8] - '0') * 10 + (d[9] - '0');
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
