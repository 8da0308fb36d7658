/* calendar_check.c — the audit of the working-day calendar: each "calendar" entry's payload,
 * then the stored days against the entries that wrote them (docs/spec.md §11, §17). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "report.h"
#include "store/store.h"
#include "error.h"

typedef struct {
	uint64_t seq;
	int *years;
	char (*sha)[65];              /* the days' digest of each year, as recorded */
	unsigned nyears, owned;       /* years covered; of them, those no later entry covers */
	uint64_t days, rows;          /* recorded; stored with its seq */
} cal_entry;

typedef struct {
	int year;
	size_t entry;                 /* the last entry covering it */
	unsigned pos;                 /* the year's place in that entry's years */
	uint64_t rows;                /* stored days of the year */
	yh_calendar_digest digest;    /* over them */
} year_owner;

struct yh_calendar_check {
	cal_entry *v;
	size_t n, cap;
	year_owner *years;
	size_t nyears, capyears;
	/* the store walk */
	uint64_t fault_seq;
	char *why;
	size_t whysize;
};

int yh_calendar_check_new(yh_calendar_check **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

void yh_calendar_check_free(yh_calendar_check *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].years);
		free(c->v[i].sha);
	}
	free(c->v);
	free(c->years);
	free(c);
}

uint64_t yh_calendar_check_entries(const yh_calendar_check *c)
{
	return c->n;
}

unsigned yh_calendar_check_years(const yh_calendar_check *c)
{
	return (unsigned)c->nyears;
}

static int is_hex64(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static year_owner *find_year(yh_calendar_check *c, int year)
{
	size_t i;

	for (i = 0; i < c->nyears; i++)
		if (c->years[i].year == year)
			return &c->years[i];
	return NULL;
}

/* The entry's members, exactly: 0, or the reason in why. */
static int check_payload(json_t *payload, char *why, size_t whysize)
{
	static const char *const members[] = { "file", "sha256", "years", "days", "days_sha256",
	                                       "time", NULL };
	json_t *years = json_object_get(payload, "years"),
	       *shas = json_object_get(payload, "days_sha256"), *v;
	json_int_t days = json_integer_value(json_object_get(payload, "days")), last = 0;
	const char *name;
	size_t i;

	if (!json_is_object(payload)) {
		snprintf(why, whysize, "the payload is not a JSON object");
		return YH_EDATA;
	}
	json_object_foreach(payload, name, v) {
		const char *const *m;

		for (m = members; *m && strcmp(*m, name) != 0; m++)
			;
		if (!*m) {
			snprintf(why, whysize, "unknown member '%s'", name);
			return YH_EDATA;
		}
	}
	if (!json_is_string(json_object_get(payload, "file"))) {
		snprintf(why, whysize, "the file is not named");
		return YH_EDATA;
	}
	if (!is_hex64(json_string_value(json_object_get(payload, "sha256")))) {
		snprintf(why, whysize, "the sha256 is not 64 lower-case hex digits");
		return YH_EDATA;
	}
	if (!json_is_array(years) || json_array_size(years) == 0 ||
	    json_array_size(years) > YH_CALENDAR_MAX_YEARS) {
		snprintf(why, whysize, "the years are not a list of 1 to %d years", YH_CALENDAR_MAX_YEARS);
		return YH_EDATA;
	}
	json_array_foreach(years, i, v) {
		json_int_t y = json_integer_value(v);

		if (!json_is_integer(v) || y < 1900 || y > 9999 || y <= last) {
			snprintf(why, whysize, "the years must be ascending years from 1900 to 9999");
			return YH_EDATA;
		}
		last = y;
	}
	if (!json_is_array(shas) || json_array_size(shas) != json_array_size(years)) {
		snprintf(why, whysize, "days_sha256 does not give one digest per year");
		return YH_EDATA;
	}
	json_array_foreach(shas, i, v)
		if (!is_hex64(json_string_value(v))) {
			snprintf(why, whysize, "days_sha256 %zu is not 64 lower-case hex digits", i + 1);
			return YH_EDATA;
		}
	if (!json_is_integer(json_object_get(payload, "days")) ||
	    days < (json_int_t)json_array_size(years) || days > 366 * YH_CALENDAR_MAX_YEARS) {
		snprintf(why, whysize, "the count of days is missing or cannot be the days of its years");
		return YH_EDATA;
	}
	return YH_OK;
}

int yh_calendar_check_entry(yh_calendar_check *c, uint64_t seq, json_t *payload, char *why,
                            size_t whysize)
{
	json_t *years = json_object_get(payload, "years"), *shas = json_object_get(payload, "days_sha256");
	cal_entry *e;
	size_t i;
	int rc;

	if ((rc = check_payload(payload, why, whysize)) < 0)
		return rc;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		cal_entry *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return yh_error_set(YH_ENOMEM, "out of memory");
		c->v = v;
		c->cap = cap;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->nyears = (unsigned)json_array_size(years);
	e->days = (uint64_t)json_integer_value(json_object_get(payload, "days"));
	e->years = malloc(e->nyears * sizeof(int));
	e->sha = malloc(e->nyears * sizeof(*e->sha));
	c->n++;
	if (!e->years || !e->sha)
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < e->nyears; i++) {
		int year = (int)json_integer_value(json_array_get(years, i));
		year_owner *o = find_year(c, year);

		e->years[i] = year;
		snprintf(e->sha[i], sizeof(e->sha[i]), "%s", json_string_value(json_array_get(shas, i)));
		if (o) {
			c->v[o->entry].owned--;
		} else {
			if (c->nyears == c->capyears) {
				size_t cap = c->capyears ? c->capyears * 2 : 16;
				year_owner *v = realloc(c->years, cap * sizeof(*v));

				if (!v)
					return yh_error_set(YH_ENOMEM, "out of memory");
				c->years = v;
				c->capyears = cap;
			}
			o = &c->years[c->nyears++];
			o->year = year;
		}
		o->entry = c->n - 1;
		o->pos = (unsigned)i;
		e->owned++;
	}
	return YH_OK;
}

static int fault(yh_calendar_check *c, uint64_t seq, const char *fmt, ...) YH_PRINTF(3, 4);

static int fault(yh_calendar_check *c, uint64_t seq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->whysize, fmt, ap);
	va_end(ap);
	c->fault_seq = seq;
	return YH_EDATA;
}

static int check_day(void *ctx, const char *date, const char *kind, const char *note, uint64_t seq)
{
	yh_calendar_check *c = ctx;
	year_owner *o = find_year(c, atoi(date));
	cal_entry *e;

	if (!o)
		return fault(c, seq, "the stored calendar day %s is in a year no calendar entry covers: it "
		             "was written around the ledger", date);
	e = &c->v[o->entry];
	if (seq != e->seq)
		return fault(c, e->seq, "the stored calendar day %s names entry %llu, but the last "
		             "calendar entry covering %d is this one: it was written around the ledger",
		             date, (unsigned long long)seq, o->year);
	o->rows++;
	e->rows++;
	yh_calendar_digest_add(&o->digest, date, kind, note);
	return 0;
}

int yh_calendar_check_store(yh_calendar_check *c, yh_store *store, uint64_t *seq, char *why,
                            size_t whysize)
{
	unsigned char digest[32];
	char hex[65];
	size_t i;
	int rc;

	*seq = 0;
	c->why = why;
	c->whysize = whysize;
	c->fault_seq = 0;
	for (i = 0; i < c->nyears; i++) {
		c->years[i].rows = 0;
		yh_calendar_digest_init(&c->years[i].digest);
	}
	for (i = 0; i < c->n; i++)
		c->v[i].rows = 0;
	rc = yh_calendar_store_foreach(store, 0, check_day, c);
	if (rc == YH_EDATA && c->fault_seq) {
		*seq = c->fault_seq;
		return rc;
	}
	if (rc < 0)
		return rc;
	for (i = 0; i < c->nyears; i++) {
		year_owner *o = &c->years[i];
		cal_entry *e = &c->v[o->entry];

		yh_calendar_digest_final(&o->digest, digest);
		yh_hex(hex, digest, 32);
		*seq = e->seq;
		if (o->rows == 0) {
			snprintf(why, whysize, "the store holds no calendar day of %d, which this entry "
			         "covers: its days were removed around the ledger", o->year);
			return YH_EDATA;
		}
		if (strcmp(hex, e->sha[o->pos]) != 0) {
			snprintf(why, whysize, "the %llu calendar day(s) the store holds for %d are not the "
			         "ones this entry recorded (another days_sha256): they were changed around "
			         "the ledger", (unsigned long long)o->rows, o->year);
			return YH_EDATA;
		}
	}
	for (i = 0; i < c->n; i++) {
		cal_entry *e = &c->v[i];

		*seq = e->seq;
		if (e->owned == e->nyears && e->rows != e->days) {
			snprintf(why, whysize, "the store holds %llu calendar day(s) of this entry, it "
			         "records %llu: the days were changed around the ledger",
			         (unsigned long long)e->rows, (unsigned long long)e->days);
			return YH_EDATA;
		}
	}
	*seq = 0;
	return YH_OK;
}
