/* test_calendar.c — the working-day calendar and the deadlines counted on it
 * (yaohao/calendar.h, engine/calendar*.c, engine/clock.c, engine/civil.c; docs/spec.md §17,
 * docs/formats.md "The calendar file").  Expected deadlines were counted by hand on the State
 * Council's notices (fixtures/README.md); each case says how. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "testutil.h"
#include "civil.h" /* private: day numbers back to dates, weekdays */
#include "calendar.h" /* private: the audit's check of calendar entries */
#include "clock.h" /* private: the engine's clock */
#include "task.h"  /* private: yh_days_from_date */

/* A store with fixtures/calendar.csv (2024, 2025, 2026) imported as entry 2 (1 is init). */
static yh_store *store_with_fixture(yh_calendar_report *rep)
{
	yh_calendar_report r;
	yh_store *store = tu_store_new();
	int rc = yh_calendar_import(rep ? rep : &r, store, tu_fixture("calendar.csv"), NULL);

	ck_assert_msg(rc == YH_OK, "import: %d %s", rc, yh_error_message());
	return store;
}

static const char *deadline(yh_store *store, const char *date, unsigned n)
{
	static char out[11];
	int rc = yh_calendar_deadline(out, store, date, n);

	ck_assert_msg(rc == YH_OK, "deadline %s + %u: %d %s", date, n, rc, yh_error_message());
	return out;
}

static int64_t between(yh_store *store, const char *from, const char *to)
{
	int64_t n = 99999;
	int rc = yh_calendar_working_days_between(&n, store, from, to);

	ck_assert_msg(rc == YH_OK, "between %s %s: %d %s", from, to, rc, yh_error_message());
	return n;
}

/* ---- dates and the clock ------------------------------------------------------------- */

START_TEST(test_civil_dates)
{
	char out[11];
	int64_t d;

	/* every day of 1900-01-01 .. 2100-12-31 goes to its date and back */
	for (d = yh_days_from_date("1900-01-01"); d <= yh_days_from_date("2100-12-31"); d++) {
		yh_civil_from_days(out, d);
		TU_REQUIRE(yh_days_from_date(out) == d, "day %lld gave %s", (long long)d, out);
	}
	yh_civil_from_days(out, 0);
	ck_assert_str_eq(out, "1970-01-01");
	yh_civil_from_days(out, yh_days_from_date("2024-02-29"));
	ck_assert_str_eq(out, "2024-02-29");
	ck_assert_int_eq(yh_civil_weekday(0), 4);                                /* a Thursday */
	ck_assert_int_eq(yh_civil_weekday(yh_days_from_date("2025-01-24")), 5); /* Friday */
	ck_assert_int_eq(yh_civil_weekday(yh_days_from_date("2025-02-08")), 6); /* Saturday */
	ck_assert_int_eq(yh_civil_weekday(yh_days_from_date("2026-01-04")), 7); /* Sunday */
	ck_assert_int_eq(yh_civil_weekday(yh_days_from_date("1969-12-29")), 1); /* Monday, before 1970 */
	ck_assert_int_eq(yh_civil_year(yh_days_from_date("2025-12-31")), 2025);
	ck_assert_int_eq(yh_civil_year(yh_days_from_date("2026-01-01")), 2026);
}
END_TEST

/* $SOURCE_DATE_EPOCH pins today and the ledger's time; without it, the system clock. */
START_TEST(test_clock)
{
	char today[11], stamp[21];

	/* tu_setup pins 1767225600 = 2026-01-01T00:00:00Z */
	yh_calendar_today(today);
	ck_assert_str_eq(today, "2026-01-01");
	/* today is China Standard Time's date (UTC+8); the ledger's stamp stays UTC */
	setenv("SOURCE_DATE_EPOCH", "1767196799", 1); /* 2025-12-31T15:59:59Z */
	yh_clock_today(today);
	ck_assert_str_eq(today, "2025-12-31");
	yh_clock_stamp(stamp);
	ck_assert_str_eq(stamp, "2025-12-31T15:59:59Z");
	setenv("SOURCE_DATE_EPOCH", "1767196800", 1); /* 2025-12-31T16:00:00Z = 2026-01-01 00:00 CST */
	yh_clock_today(today);
	ck_assert_str_eq(today, "2026-01-01");
	ck_assert_int_eq(yh_clock_stamp_date(today, "2025-12-31T15:59:59Z"), 0);
	ck_assert_str_eq(today, "2025-12-31");
	ck_assert_int_eq(yh_clock_stamp_date(today, "2025-12-31T16:00:00Z"), 0);
	ck_assert_str_eq(today, "2026-01-01");
	ck_assert_int_eq(yh_clock_stamp_date(today, "2025-12-31 16:00:00"), -1);
	setenv("SOURCE_DATE_EPOCH", "1767225599", 1);
	ck_assert_int_eq(yh_clock_now(), 1767225599);
	setenv("SOURCE_DATE_EPOCH", "1740787200", 1); /* 2025-03-01T00:00:00Z */
	yh_clock_today(today);
	ck_assert_str_eq(today, "2025-03-01");
	/* not a number: the system clock (some day after this was written) */
	setenv("SOURCE_DATE_EPOCH", "2025-01-01", 1);
	yh_clock_today(today);
	ck_assert_msg(strcmp(today, "2025-06-01") > 0 && today[4] == '-', "%s", today);
	unsetenv("SOURCE_DATE_EPOCH");
	ck_assert(yh_clock_now() > 1740787200);
}
END_TEST

/* ---- the import ----------------------------------------------------------------------- */

START_TEST(test_import_fixture)
{
	yh_calendar_report rep;
	yh_store *store = store_with_fixture(&rep);
	unsigned char sha[32];
	char *kind = NULL, *payload, *file, *years;
	size_t len;
	json_t *p;

	ck_assert_uint_eq(rep.seq, 2);
	ck_assert_uint_eq(rep.rows, 108);
	ck_assert_uint_eq(rep.holidays, 89);
	ck_assert_uint_eq(rep.workdays, 19);
	ck_assert_uint_eq(rep.replaced, 0);
	ck_assert_uint_eq(rep.nyears, 3);
	ck_assert_int_eq(rep.years[0], 2024);
	ck_assert_int_eq(rep.years[2], 2026);
	ck_assert_uint_eq(rep.errors, 0);
	payload = tu_ledger_payload(store, 2, &kind);
	ck_assert_str_eq(kind, "calendar");
	p = tu_json(payload);
	ck_assert_str_eq(tu_jstr(p, "file"), "calendar.csv");
	ck_assert_int_eq(tu_jint(p, "days"), 108);
	years = json_dumps(json_object_get(p, "years"), JSON_COMPACT);
	ck_assert_str_eq(years, "[2024,2025,2026]");
	free(years);
	/* the file's bytes */
	file = tu_read(tu_fixture("calendar.csv"), &len);
	crypto_hash_sha256(sha, (const unsigned char *)file, len);
	ck_assert_str_eq(tu_jstr(p, "sha256"), tu_hex(sha, 32));
	/* the days' digest of each year (§17): "date,kind,note\n" per day in date order — which
	 * the fixture's lines of that year are, byte for byte */
	{
		const char *at = strchr(file, '\n') + 1, *year_end;
		size_t i;

		for (i = 0; i < 3; i++) {
			char next[8];

			snprintf(next, sizeof(next), "\n%d-", 2025 + (int)i);
			year_end = i < 2 ? strstr(at, next) + 1 : file + len;
			crypto_hash_sha256(sha, (const unsigned char *)at, (size_t)(year_end - at));
			ck_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "days_sha256"), i)),
			                 tu_hex(sha, 32));
			at = year_end;
		}
	}
	json_decref(p);
	free(file);
	free(payload);
	free(kind);
	yh_store_close(store);
}
END_TEST

typedef struct {
	tu_buf text;
	unsigned n;
} day_list;

static int list_day(void *ctx, const char *date, const char *kind, const char *note, uint64_t seq)
{
	day_list *l = ctx;

	tu_buf_fmt(&l->text, "%s %s %s %llu\n", date, kind, note, (unsigned long long)seq);
	l->n++;
	return 0;
}

static char *days_of(yh_store *store, int year)
{
	day_list l = { { 0 }, 0 };

	ck_assert_int_eq(yh_calendar_foreach(store, year, list_day, &l), YH_OK);
	return tu_buf_take(&l.text);
}

/* Chinese headers in any order, the kind words and date forms departments write, no note. */
START_TEST(test_import_forms)
{
	yh_store *store = tu_store_new();
	yh_calendar_report rep;
	tu_diags ds = { 0 };
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	char *text;

	opt.on_diagnostic = tu_collect;
	opt.diagnostic_ctx = &ds;
	tu_write_str(tu_path("cal.csv"),
	             "\xEF\xBB\xBF类型,日期,备用\r\n"
	             "假日,2027/1/1,x\r\n"
	             " 休 ,2027年2月6日,x\r\n"
	             "班,20270207,x\r\n"
	             "上班,2027.2.20,x\r\n"
	             "Holiday,2027-2-8,x\r\n"
	             "WORKDAY,2027-02-21,x\r\n");
	ck_assert_msg(yh_calendar_import(&rep, store, tu_path("cal.csv"), &opt) == YH_OK, "%s %s; %s",
	              yh_error_message(), ds.n > 1 ? ds.d[1].message : "", ds.n > 2 ? ds.d[2].message : "");
	ck_assert_uint_eq(rep.warnings, 1); /* the unknown column 备用 */
	ck_assert_str_eq(ds.d[0].message, "unknown column '备用' is ignored");
	text = days_of(store, 2027);
	ck_assert_str_eq(text, "2027-01-01 holiday  2\n2027-02-06 holiday  2\n2027-02-07 workday  2\n"
	                 "2027-02-08 holiday  2\n2027-02-20 workday  2\n2027-02-21 workday  2\n");
	free(text);
	/* 2027-02-07 is a Sunday made a working day: counted; 2027-02-06 (Saturday) not */
	ck_assert_str_eq(deadline(store, "2027-02-05", 1), "2027-02-07");
	yh_store_close(store);
}
END_TEST

/* Every bad line named with its column, all of them, and nothing changes. */
START_TEST(test_import_errors)
{
	yh_store *store = store_with_fixture(NULL);
	yh_calendar_report rep;
	tu_diags ds = { 0 };
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	char *before = tu_store_fingerprint(store), *days = days_of(store, 0), *after, *days_after;
	const tu_diag *d;

	opt.on_diagnostic = tu_collect;
	opt.diagnostic_ctx = &ds;
	tu_write_str(tu_path("bad.csv"),
	             "date,kind,note\n"
	             "2025-01-01,holiday,元旦\n"      /* 2: good */
	             "2025-02-30,holiday,x\n"         /* 3: no such date */
	             "2025-10-01,vacation,x\n"        /* 4: unknown kind */
	             "2025-01-27,workday,x\n"         /* 5: a Monday made a working day */
	             "2025-01-01,holiday,again\n"     /* 6: duplicate of line 2 */
	             "2025-05-01,holiday\n"           /* 7: two fields */
	             "2025-05-02,holiday,a\x01z\n"    /* 8: a control character */
	             "2025-05-03,,x\n"                /* 9: empty kind */
	             "1899-12-31,holiday,x\n");       /* 10: before 1900 */
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("bad.csv"), &opt), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), "8 errors in '") != NULL, "%s", yh_error_message());
	ck_assert_uint_eq(rep.errors, 8);
	ck_assert_uint_eq(rep.seq, 0);
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 3, "date"));
	ck_assert_str_eq(d->message, "'2025-02-30' is not a date (YYYY-MM-DD, from 1900)");
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 4, "kind"));
	ck_assert_msg(strstr(d->message, "'vacation' is not a kind of day") != NULL, "%s", d->message);
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 5, "kind"));
	ck_assert_str_eq(d->message, "2025-01-27 is a Monday: only a Saturday or Sunday can be made a "
	                 "working day");
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 6, "date"));
	ck_assert_str_eq(d->message, "duplicate date 2025-01-01, first on line 2");
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 7, NULL));
	ck_assert_str_eq(d->message, "has 2 fields, the header has 3");
	ck_assert_ptr_nonnull(tu_diag_find(&ds, 8, "note"));
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 9, "kind"));
	ck_assert_str_eq(d->message, "is empty");
	ck_assert_ptr_nonnull(tu_diag_find(&ds, 10, "date"));
	after = tu_store_fingerprint(store);
	days_after = days_of(store, 0);
	ck_assert_str_eq(after, before);
	ck_assert_str_eq(days_after, days);
	free(before);
	free(after);
	free(days);
	free(days_after);

	/* a header without a kind; an empty file; a file of only a header */
	ds.n = 0;
	tu_write_str(tu_path("h.csv"), "日期,说明\n2025-01-01,x\n");
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("h.csv"), &opt), YH_EDATA);
	ck_assert_ptr_nonnull(d = tu_diag_find(&ds, 1, NULL));
	ck_assert_str_eq(d->message, "missing required column 'kind' (headers accepted: kind, type, 类型)");
	tu_write_str(tu_path("e.csv"), "");
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("e.csv"), &opt), YH_EDATA);
	tu_write_str(tu_path("o.csv"), "date,kind,note\n");
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("o.csv"), &opt), YH_EDATA);
	/* options that have no meaning here */
	opt.partial = 1;
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("o.csv"), &opt), YH_EINVAL);
	ck_assert_uint_eq(tu_ledger_head(store), 2);
	yh_store_close(store);
}
END_TEST

/* A year covered again is replaced whole; the other years stay; a dry run changes nothing. */
START_TEST(test_import_replaces_years)
{
	yh_store *store = store_with_fixture(NULL);
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_calendar_report rep;
	char *y2024 = days_of(store, 2024), *y2026 = days_of(store, 2026), *text;

	tu_write_str(tu_path("2025.csv"), "date,kind,note\n2025-01-01,holiday,元旦\n"
	             "2025-02-08,workday,春节调休上班\n");
	opt.dry_run = 1;
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("2025.csv"), &opt), YH_OK);
	ck_assert_uint_eq(rep.seq, 0);
	ck_assert_uint_eq(rep.replaced, 33);
	ck_assert_uint_eq(tu_ledger_head(store), 2);
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("2025.csv"), NULL), YH_OK);
	ck_assert_uint_eq(rep.seq, 3);
	ck_assert_uint_eq(rep.replaced, 33); /* 2025: 28 holidays, 5 working days */
	text = days_of(store, 2025);
	ck_assert_str_eq(text, "2025-01-01 holiday 元旦 3\n2025-02-08 workday 春节调休上班 3\n");
	free(text);
	text = days_of(store, 2024);
	ck_assert_str_eq(text, y2024);
	free(text);
	text = days_of(store, 2026);
	ck_assert_str_eq(text, y2026);
	free(text);
	/* the Spring Festival of 2025 is gone: 2025-01-28 is a plain Tuesday now */
	ck_assert_str_eq(deadline(store, "2025-01-27", 1), "2025-01-28");
	free(y2024);
	free(y2026);
	yh_store_close(store);
}
END_TEST

/* ---- deadlines ------------------------------------------------------------------------ */

/* 20 working days across the Spring Festival and National Day arrangements of 2025 and 2026.
 * W = a working day counted, n = its number. */
START_TEST(test_deadlines_holidays)
{
	static const struct {
		const char *date;
		unsigned n;
		const char *want;
	} cases[] = {
		/* 2025 Spring Festival (国办发明电〔2024〕12号): holidays 1-28 .. 2-4, 调休 Sun 1-26 and
		 * Sat 2-8.  From Fri 2025-01-24: Sun 1-26 W1, Mon 1-27 W2, (1-28 .. 2-4 off), 2-5 W3,
		 * 2-6 W4, 2-7 W5, Sat 2-8 W6, 2-10..14 W7-11, 2-17..21 W12-16, 2-24..27 W17-20. */
		{ "2025-01-24", 20, "2025-02-27" },
		/* from Mon 1-27: 2-5..7 W1-3, Sat 2-8 W4, 2-10..14 W5-9, 2-17..21 W10-14, 2-24..28
		 * W15-19, Mon 3-3 W20 */
		{ "2025-01-27", 20, "2025-03-03" },
		/* 2025 National Day and Mid-Autumn: 10-1 .. 10-8 off, 调休 Sun 9-28 and Sat 10-11.
		 * From Fri 9-26: Sun 9-28 W1, 9-29 W2, 9-30 W3, 10-9 W4, 10-10 W5, Sat 10-11 W6,
		 * 10-13..17 W7-11, 10-20..24 W12-16, 10-27..30 W17-20. */
		{ "2025-09-26", 20, "2025-10-30" },
		/* 2026 Spring Festival: 2-15 .. 2-23 off, 调休 Sat 2-14 and Sat 2-28.  From Fri 2-13:
		 * Sat 2-14 W1, 2-24..27 W2-5, Sat 2-28 W6, 3-2..6 W7-11, 3-9..13 W12-16, 3-16..19 W17-20 */
		{ "2026-02-13", 20, "2026-03-19" },
		/* 2026 National Day: 10-1 .. 10-7 off, 调休 Sun 9-20 and Sat 10-10.  From Wed 9-30:
		 * 10-8 W1, 10-9 W2, Sat 10-10 W3, 10-12..16 W4-8, 10-19..23 W9-13, 10-26..30 W14-18,
		 * 11-2 W19, 11-3 W20 */
		{ "2026-09-30", 20, "2026-11-03" },
		/* From Fri 2026-09-18: Sun 9-20 W1, 9-21..24 W2-5, Fri 9-25 Mid-Autumn off, 9-28..30 W6-8,
		 * 10-8 W9, 10-9 W10, Sat 10-10 W11, 10-12..16 W12-16, 10-19..22 W17-20 */
		{ "2026-09-18", 20, "2026-10-22" },
		/* across the year: from Fri 2024-12-20, 12-23..27 W1-5, 12-30 W6, 12-31 W7, 1-1 off,
		 * 1-2 W8, 1-3 W9, Mon 2025-01-06 W10 */
		{ "2024-12-20", 10, "2025-01-06" },
		/* 2026 New Year: 1-1 .. 1-3 off, 调休 Sun 1-4: from Wed 2025-12-31 the first working day
		 * is Sunday 2026-01-04 */
		{ "2025-12-31", 1, "2026-01-04" },
	};
	yh_store *store = store_with_fixture(NULL);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = deadline(store, cases[i].date, cases[i].n);

		ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s + %u: %s, expected %s", cases[i].date,
		              cases[i].n, got, cases[i].want);
		ck_assert_int_eq(between(store, cases[i].date, cases[i].want), (int64_t)cases[i].n);
		ck_assert_int_eq(between(store, cases[i].want, cases[i].date), -(int64_t)cases[i].n);
	}
	yh_store_close(store);
}
END_TEST

/* A 调休 Saturday is a working day; the date itself is never counted. */
START_TEST(test_saturday_and_first_day)
{
	yh_store *store = store_with_fixture(NULL);

	/* Fri 2025-02-07: the next working day is Saturday 2025-02-08 (春节调休上班) */
	ck_assert_str_eq(deadline(store, "2025-02-07", 1), "2025-02-08");
	/* Sat 2025-02-08 itself is not counted: from it, Monday 2-10 */
	ck_assert_str_eq(deadline(store, "2025-02-08", 1), "2025-02-10");
	/* a plain Saturday is not a working day: Fri 2025-03-07 + 1 = Mon 3-10 */
	ck_assert_str_eq(deadline(store, "2025-03-07", 1), "2025-03-10");
	/* Mon 2025-03-03 + 1 = Tue 3-04; + 0 = the date itself */
	ck_assert_str_eq(deadline(store, "2025-03-03", 1), "2025-03-04");
	ck_assert_str_eq(deadline(store, "2025-03-03", 0), "2025-03-03");
	/* from a holiday: the count starts the next day all the same (1-28 .. 2-4 off) */
	ck_assert_str_eq(deadline(store, "2025-01-28", 1), "2025-02-05");
	/* 2025-05-01 .. 05 off, 调休 Sun 4-27: from Fri 4-25, Sun 4-27 W1, 4-28 W2, 4-29 W3, 4-30 W4,
	 * 5-6 W5 */
	ck_assert_str_eq(deadline(store, "2025-04-25", 5), "2025-05-06");
	ck_assert_int_eq(between(store, "2025-03-03", "2025-03-03"), 0);
	ck_assert_int_eq(between(store, "2025-02-07", "2025-02-09"), 1);
	/* the deadline 2025-02-27 seen from 2025-03-03: 2-28 and 3-3 have passed */
	ck_assert_int_eq(between(store, "2025-03-03", "2025-02-27"), -2);
	yh_store_close(store);
}
END_TEST

/* between(d, deadline(d, 20)) = 20 for every start date of 2024 .. Nov 2026. */
START_TEST(test_deadline_between_agree)
{
	yh_store *store = store_with_fixture(NULL);
	int64_t d;
	char date[11], out[11];

	for (d = yh_days_from_date("2024-01-01"); d <= yh_days_from_date("2026-11-30"); d++) {
		int64_t n = 0;

		yh_civil_from_days(date, d);
		TU_REQUIRE(yh_calendar_deadline(out, store, date, 20) == YH_OK, "%s: %s", date,
		           yh_error_message());
		TU_REQUIRE(yh_calendar_working_days_between(&n, store, date, out) == YH_OK, "%s", date);
		TU_REQUIRE(n == 20, "%s -> %s: %lld", date, out, (long long)n);
		/* 20 working days take 25 days (from Sun 2024-01-14: Sun 2-4 is a working day) to 36
		 * (from Tue 2024-12-31 … and from the eves of the Spring Festival and National Day) */
		TU_REQUIRE(yh_days_from_date(out) - d >= 25 && yh_days_from_date(out) - d <= 36,
		           "%s -> %s", date, out);
	}
	yh_store_close(store);
}
END_TEST

/* A count through a year without a calendar is refused, naming the year; never guessed. */
START_TEST(test_missing_year)
{
	yh_store *store = store_with_fixture(NULL);
	char out[11] = "x";
	int64_t n = 7;

	/* from Tue 2026-12-15, 20 working days reach into 2027 */
	ck_assert_int_eq(yh_calendar_deadline(out, store, "2026-12-15", 20), YH_ENOTFOUND);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(yh_error_message(), "no working-day calendar for 2027: import one with the "
	                 "State Council's notice on the holidays of 2027");
	ck_assert_int_eq(yh_error_hint(), YH_HINT_IMPORT_CALENDAR);
	ck_assert_str_eq(yh_error_subject(), "2027");
	/* Wed 2026-12-02 + 20 = Wed 12-30: within 2026, fine */
	ck_assert_str_eq(deadline(store, "2026-12-02", 20), "2026-12-30");
	/* the start date's year must be loaded too */
	ck_assert_int_eq(yh_calendar_deadline(out, store, "2023-12-29", 1), YH_ENOTFOUND);
	ck_assert_str_eq(yh_error_subject(), "2023");
	ck_assert_int_eq(yh_calendar_working_days_between(&n, store, "2026-12-30", "2027-01-04"),
	                 YH_ENOTFOUND);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(yh_calendar_working_days_between(&n, store, "2027-01-04", "2026-12-30"),
	                 YH_ENOTFOUND);
	/* dates that are not dates */
	ck_assert_int_eq(yh_calendar_deadline(out, store, "2025-02-29", 1), YH_EINVAL);
	ck_assert_str_eq(yh_error_message(), "the start date is not a date (YYYY-MM-DD, from 1900): "
	                 "'2025-02-29'");
	ck_assert_int_eq(yh_calendar_deadline(out, store, "2025/03/01", 1), YH_EINVAL);
	ck_assert_int_eq(yh_calendar_deadline(out, store, NULL, 1), YH_EINVAL);
	ck_assert_int_eq(yh_calendar_working_days_between(&n, store, "2025-03-01", "tomorrow"), YH_EINVAL);
	yh_store_close(store);
}
END_TEST

START_TEST(test_empty_store)
{
	yh_store *store = tu_store_new();
	char out[11];

	ck_assert_int_eq(yh_calendar_deadline(out, store, "2026-01-05", 20), YH_ENOTFOUND);
	ck_assert_str_eq(yh_error_subject(), "2026");
	yh_store_close(store);
}
END_TEST

/* ---- the audit ------------------------------------------------------------------------ */

static json_t *audit_store(void)
{
	yh_store *store = NULL;
	json_t *rep = NULL;

	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	ck_assert_msg(yh_audit_run(&rep, store, NULL, NULL, NULL) == YH_OK, "%s", yh_error_message());
	yh_store_close(store);
	return rep;
}

static void expect_audit_failure(uint64_t seq, const char *why)
{
	json_t *rep = audit_store(), *ff = json_object_get(rep, "first_failure");

	ck_assert_msg(json_is_false(json_object_get(rep, "ok")), "the audit passed");
	ck_assert_int_eq(tu_jint(ff, "seq"), (json_int_t)seq);
	ck_assert_str_eq(tu_jstr(ff, "kind"), "calendar");
	ck_assert_msg(strstr(tu_jstr(ff, "reason"), why) != NULL, "%s", tu_jstr(ff, "reason"));
	json_decref(rep);
}

/* The audit accepts calendar entries and finds days changed around the ledger. */
START_TEST(test_audit)
{
	yh_store *store = tu_store_new();
	yh_key *key = tu_key_from_label("calendar key");
	yh_calendar_report rep;
	json_t *report;
	sqlite3 *db;

	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_fixture("calendar.csv"), NULL), YH_OK);
	ck_assert_uint_eq(rep.seq, 3); /* 1 init, 2 key */
	tu_write_str(tu_path("2026.csv"), "date,kind,note\n2026-01-01,holiday,元旦\n");
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_path("2026.csv"), NULL), YH_OK);
	yh_store_close(store);
	yh_key_free(key);
	report = audit_store();
	ck_assert_msg(json_is_true(json_object_get(report, "ok")), "%s", json_dumps(report, 0));
	ck_assert_str_eq(tu_check_status(report, "calendar"), "passed");
	ck_assert_str_eq(tu_check_detail(report, "calendar"), "2 calendar import(s): the stored "
	                 "working-day calendar of each of the 3 year(s) they cover is the one the last "
	                 "import covering the year recorded");
	json_decref(report);

	db = tu_sql_open(tu_path("yaohao.db"));
	/* a note changed */
	tu_sql_exec(db, "UPDATE calendar_day SET note = '春节 ' WHERE date = '2025-01-28'");
	tu_sql_close(db);
	expect_audit_failure(3, "the 33 calendar day(s) the store holds for 2025 are not the ones this "
	                     "entry recorded (another days_sha256)");
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "UPDATE calendar_day SET note = '春节' WHERE date = '2025-01-28'");
	/* a holiday removed */
	tu_sql_exec(db, "DELETE FROM calendar_day WHERE date = '2025-10-08'");
	tu_sql_close(db);
	expect_audit_failure(3, "the 32 calendar day(s) the store holds for 2025 are not the ones");
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "INSERT INTO calendar_day VALUES ('2025-10-08', 'holiday', '国庆节、中秋节', 3)");
	/* a day of 2026 that the second import replaced, put back under the first */
	tu_sql_exec(db, "INSERT INTO calendar_day VALUES ('2026-10-08', 'holiday', '国庆节', 3)");
	tu_sql_close(db);
	expect_audit_failure(4, "names entry 3, but the last calendar entry covering 2026 is this one");
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DELETE FROM calendar_day WHERE date = '2026-10-08'");
	/* a year nobody imported */
	tu_sql_exec(db, "INSERT INTO calendar_day VALUES ('2027-01-01', 'holiday', '元旦', 4)");
	tu_sql_close(db);
	expect_audit_failure(4, "the stored calendar day 2027-01-01 is in a year no calendar entry covers");
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DELETE FROM calendar_day WHERE date = '2027-01-01'");
	/* the second import's only day removed: its year is empty */
	tu_sql_exec(db, "DELETE FROM calendar_day WHERE date = '2026-01-01'");
	tu_sql_close(db);
	expect_audit_failure(4, "the store holds no calendar day of 2026, which this entry covers");
}
END_TEST

/* The entry's payload is checked member by member (what a forged entry would get wrong). */
START_TEST(test_audit_payload)
{
	static const char *const bad[] = {
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[2025],\"days\":1,\"days_sha256\":[\"%s\"],\"x\":1}",
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[],\"days\":1,\"days_sha256\":[\"%s\"]}",
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[2026,2025],\"days\":2,\"days_sha256\":[\"%s\"]}",
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[2025,2026],\"days\":9,\"days_sha256\":[\"%s\"]}",
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[2025],\"days\":0,\"days_sha256\":[\"%s\"]}",
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[2025],\"days\":1,\"days_sha256\":\"%s\"}",
		"{\"sha256\":\"%s\",\"years\":[2025],\"days\":1,\"days_sha256\":[\"%s\"]}",
		"{\"file\":\"c.csv\",\"sha256\":\"%sA\",\"years\":[2025],\"days\":1,\"days_sha256\":[\"%s\"]}",
	};
	static const char good[] =
		"{\"file\":\"c.csv\",\"sha256\":\"%s\",\"years\":[2025],\"days\":1,\"days_sha256\":[\"%s\"]}";
	char hex[65], text[512];
	yh_calendar_check *c;
	char why[256];
	size_t i;

	memset(hex, 'a', 64);
	hex[64] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *p;

		snprintf(text, sizeof(text), bad[i], hex, hex);
		p = tu_json(text);
		ck_assert_int_eq(yh_calendar_check_new(&c), YH_OK);
		ck_assert_msg(yh_calendar_check_entry(c, 5, p, why, sizeof(why)) == YH_EDATA, "%s", text);
		yh_calendar_check_free(c);
		json_decref(p);
	}
	{
		json_t *p;

		snprintf(text, sizeof(text), good, hex, hex);
		p = tu_json(text);
		ck_assert_int_eq(yh_calendar_check_new(&c), YH_OK);
		ck_assert_int_eq(yh_calendar_check_entry(c, 5, p, why, sizeof(why)), YH_OK);
		ck_assert_uint_eq(yh_calendar_check_years(c), 1);
		yh_calendar_check_free(c);
		json_decref(p);
	}
}
END_TEST

/* A store of schema 2 gets the calendar table (and the later tables) when opened. */
START_TEST(test_migration)
{
	yh_store *store = tu_store_new();
	yh_calendar_report rep;
	sqlite3 *db;
	char *kind = NULL, *payload;

	yh_store_close(store);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TABLE task_event; DROP TABLE calendar_day; PRAGMA user_version = 2");
	tu_sql_close(db);
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	payload = tu_ledger_payload(store, tu_ledger_head(store), &kind);
	ck_assert_str_eq(kind, "migrate");
	ck_assert_msg(strstr(payload, "\"from\":2") && strstr(payload, "\"to\":4"), "%s", payload);
	free(kind);
	free(payload);
	ck_assert_int_eq(yh_calendar_import(&rep, store, tu_fixture("calendar.csv"), NULL), YH_OK);
	ck_assert_str_eq(deadline(store, "2025-01-24", 20), "2025-02-27");
	yh_store_close(store);
}
END_TEST

static Suite *calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tu_tcase(s, "calendar", TU_TMPDIR, 60);

	tcase_add_test(tc, test_civil_dates);
	tcase_add_test(tc, test_clock);
	tcase_add_test(tc, test_import_fixture);
	tcase_add_test(tc, test_import_forms);
	tcase_add_test(tc, test_import_errors);
	tcase_add_test(tc, test_import_replaces_years);
	tcase_add_test(tc, test_deadlines_holidays);
	tcase_add_test(tc, test_saturday_and_first_day);
	tcase_add_test(tc, test_deadline_between_agree);
	tcase_add_test(tc, test_missing_year);
	tcase_add_test(tc, test_empty_store);
	tcase_add_test(tc, test_audit);
	tcase_add_test(tc, test_audit_payload);
	tcase_add_test(tc, test_migration);
	return s;
}

TU_MAIN(calendar_suite)
