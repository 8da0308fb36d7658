/* calendar.c — working days and deadlines on the store's calendar (docs/spec.md §17): the
 * deadline N working days after a date, the working days between two dates, the days' digest. */
#include <stdio.h>
#include <string.h>

#include "yaohao/calendar.h"
#include "calendar.h"
#include "civil.h"
#include "clock.h"
#include "store/store.h"
#include "text.h"
#include "error.h"

enum { DAY_PLAIN = 0, DAY_HOLIDAY, DAY_WORKDAY };

/* One year of the calendar at a time: the kind of each of its days. */
typedef struct {
	yh_store *store;
	int year;                   /* the year in mark[], 0 before the first */
	int64_t first;              /* the day number of its 1 January */
	unsigned rows;
	unsigned char mark[366];    /* DAY_* by day of the year */
} year_days;

static int mark_day(void *ctx, const char *date, const char *kind, const char *note, uint64_t seq)
{
	year_days *y = ctx;
	int64_t i = yh_civil_days(date) - y->first;

	(void)note;
	(void)seq;
	if (i < 0 || i >= 366)
		return yh_error_set(YH_ESTORE, "the calendar holds a day outside its year: '%s'", date);
	y->mark[i] = strcmp(kind, "workday") == 0 ? DAY_WORKDAY : DAY_HOLIDAY;
	y->rows++;
	return 0;
}

static int load_year(year_days *y, int year)
{
	char jan1[11];
	int rc;

	snprintf(jan1, sizeof(jan1), "%04d-01-01", year);
	memset(y->mark, DAY_PLAIN, sizeof(y->mark));
	y->year = 0;
	y->rows = 0;
	y->first = yh_civil_days(jan1);
	if ((rc = yh_calendar_store_foreach(y->store, year, mark_day, y)) < 0)
		return rc;
	if (y->rows == 0) {
		char subject[8];

		snprintf(subject, sizeof(subject), "%d", year);
		return yh_error_set_hint(YH_ENOTFOUND, YH_HINT_IMPORT_CALENDAR, subject,
		                         "no working-day calendar for %d: import one with the State "
		                         "Council's notice on the holidays of %d", year, year);
	}
	y->year = year;
	return YH_OK;
}

/* *working = 1 when day is a working day (§17); loads its year when needed. */
static int is_working(int *working, year_days *y, int64_t day)
{
	int rc, year = yh_civil_year(day), wd;

	if (year != y->year && (rc = load_year(y, year)) < 0)
		return rc;
	switch (y->mark[day - y->first]) {
	case DAY_WORKDAY: *working = 1; break;
	case DAY_HOLIDAY: *working = 0; break;
	default: wd = yh_civil_weekday(day); *working = wd <= 5; break;
	}
	return YH_OK;
}

static int check_date(const char *date, const char *what)
{
	if (!date || !yh_text_is_date(date, strlen(date)))
		return yh_error_set_hint(YH_EINVAL, YH_HINT_NONE, date, "the %s is not a date "
		                         "(YYYY-MM-DD, from 1900): '%s'", what, date ? date : "(none)");
	return YH_OK;
}

int yh_calendar_deadline(char out[11], yh_store *store, const char *date, unsigned working_days)
{
	year_days y = { .store = store };
	int64_t day;
	unsigned counted = 0;
	int rc, working;

	out[0] = '\0';
	if ((rc = check_date(date, "start date")) < 0)
		return rc;
	day = yh_civil_days(date);
	if ((rc = load_year(&y, yh_civil_year(day))) < 0)
		return rc;
	while (counted < working_days) {
		day++;
		if ((rc = is_working(&working, &y, day)) < 0)
			return rc;
		counted += (unsigned)working;
	}
	yh_civil_from_days(out, day);
	return YH_OK;
}

int yh_calendar_working_days_between(int64_t *out, yh_store *store, const char *from,
                                     const char *to)
{
	year_days y = { .store = store };
	int64_t a, b, day, n = 0;
	int rc, working, year;

	*out = 0;
	if ((rc = check_date(from, "first date")) < 0 || (rc = check_date(to, "second date")) < 0)
		return rc;
	a = yh_civil_days(from);
	b = yh_civil_days(to);
	if (a > b) {
		day = a;
		a = b;
		b = day;
	}
	/* every year from the earlier date's to the later's, each once */
	for (year = yh_civil_year(a); year <= yh_civil_year(b); year++)
		if ((rc = load_year(&y, year)) < 0)
			return rc;
	for (day = a + 1; day <= b; day++) {
		if ((rc = is_working(&working, &y, day)) < 0)
			return rc;
		n += working;
	}
	*out = yh_civil_days(from) <= yh_civil_days(to) ? n : -n;
	return YH_OK;
}

int yh_calendar_foreach(yh_store *store, int year, yh_calendar_day_fn fn, void *ctx)
{
	if (year < 0 || year > 9999)
		return yh_error_set(YH_EINVAL, "not a year: %d", year);
	return yh_calendar_store_foreach(store, year, fn, ctx);
}

void yh_calendar_today(char out[11])
{
	yh_clock_today(out);
}

void yh_calendar_digest_init(yh_calendar_digest *d)
{
	crypto_hash_sha256_init(&d->st);
}

void yh_calendar_digest_add(yh_calendar_digest *d, const char *date, const char *kind,
                            const char *note)
{
	crypto_hash_sha256_update(&d->st, (const unsigned char *)date, strlen(date));
	crypto_hash_sha256_update(&d->st, (const unsigned char *)",", 1);
	crypto_hash_sha256_update(&d->st, (const unsigned char *)kind, strlen(kind));
	crypto_hash_sha256_update(&d->st, (const unsigned char *)",", 1);
	crypto_hash_sha256_update(&d->st, (const unsigned char *)note, strlen(note));
	crypto_hash_sha256_update(&d->st, (const unsigned char *)"\n", 1);
}

void yh_calendar_digest_final(yh_calendar_digest *d, unsigned char out[32])
{
	crypto_hash_sha256_final(&d->st, out);
}
