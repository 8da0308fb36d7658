/* clock.c — the time now, honouring $SOURCE_DATE_EPOCH; stamps from it in UTC, dates in China
 * Standard Time (UTC+8: the day a department works in, whatever the machine's zone). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"

#include "civil.h"
#include "clock.h"

int64_t yh_clock_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (*end == '\0' && v >= 0)
			return v;
	}
	return (int64_t)time(NULL);
}

/* Whole days since 1970-01-01 and the seconds into the last one. */
static int64_t day_of(int64_t t, int64_t *second)
{
	int64_t day = t / 86400, s = t % 86400;

	if (s < 0) {
		s += 86400;
		day--;
	}
	if (second)
		*second = s;
	return day;
}

#define CST_OFFSET (8 * 3600)

void yh_clock_today(char out[11])
{
	yh_civil_from_days(out, day_of(yh_clock_now() + CST_OFFSET, NULL));
}

int yh_clock_stamp_date(char out[11], const char *stamp)
{
	char date[11];
	int64_t day;
	unsigned h, m, sec;

	if (!stamp || strlen(stamp) != 20 || stamp[10] != 'T' || stamp[19] != 'Z' ||
	    sscanf(stamp + 11, "%2u:%2u:%2u", &h, &m, &sec) != 3 || h > 23 || m > 59 || sec > 60)
		return -1;
	memcpy(date, stamp, 10);
	date[10] = '\0';
	if (!yh_text_is_date(date, 10))
		return -1;
	day = yh_civil_days(date);
	yh_civil_from_days(out, day_of(day * 86400 + h * 3600 + m * 60 + sec + CST_OFFSET, NULL));
	return 0;
}

void yh_clock_stamp(char out[21])
{
	int64_t s, day = day_of(yh_clock_now(), &s);
	char date[11];
	unsigned char h = (unsigned char)(s / 3600), m = (unsigned char)(s / 60 % 60),
	              sec = (unsigned char)(s % 60);

	yh_civil_from_days(date, day);
	snprintf(out, 21, "%.10sT%02u:%02u:%02uZ", date, (unsigned)h % 24u, (unsigned)m % 60u,
	         (unsigned)sec % 60u);
}
