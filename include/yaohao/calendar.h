/*
 * yaohao/calendar.h — the working-day calendar and the deadlines counted on it.
 *
 * Working days are not weekdays: the State Council's yearly notice on holidays
 * (国务院办公厅关于 YYYY 年部分节假日安排的通知) makes some weekdays holidays and
 * some weekends working days (调休).  The store keeps those special days per
 * year, imported from a CSV file (docs/formats.md, "The calendar file"); each
 * import is one signed "calendar" ledger entry and replaces the days of the
 * years it covers.  A day is a working day when it is listed as a working day,
 * else when it is not listed as a holiday and is a Monday to Friday.
 *
 * A period of N working days after a date is counted from the next day
 * (民法典 art. 201): the date itself is never counted.  A count that passes
 * through a year without a calendar is refused (YH_ENOTFOUND), never guessed
 * from the weekdays.  docs/spec.md §17 is the rule.
 *
 * Dates are "YYYY-MM-DD" in the civil (Gregorian) calendar; no time zone and no
 * locale take part.
 */
#ifndef YAOHAO_CALENDAR_H
#define YAOHAO_CALENDAR_H

#include <stdint.h>

#include "common.h"
#include "import.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most years one calendar file may cover. */
#define YH_CALENDAR_MAX_YEARS 64

typedef struct {
	uint64_t seq;                 /* the "calendar" ledger entry; 0 if nothing was written */
	uint64_t rows;                /* data rows read */
	uint64_t holidays, workdays;  /* the days imported, by kind */
	uint64_t replaced;            /* days of the covered years the import removed */
	unsigned nyears;              /* the years the file covers, ascending */
	int years[YH_CALENDAR_MAX_YEARS];
	uint64_t errors, warnings;    /* all found, including those past max_errors */
	unsigned char sha256[32];     /* of the file's bytes */
} yh_calendar_report;

/*
 * Imports a calendar file: a header (date, kind, note — or 日期, 类型, 说明, in any order),
 * then one special day per line.  All or nothing: every bad line is passed to
 * options->on_diagnostic (file, line, column, reason) and nothing is applied.  The years
 * covered are the years of the file's dates; the days the store holds for those years are
 * replaced by the file's, the other years stay.  Of options, version, encoding, dry_run,
 * max_errors and on_diagnostic are read (NULL: the defaults); partial and accept_bad_check
 * have no meaning here and are refused (YH_EINVAL).  YH_EDATA when the file has errors,
 * YH_EIO when it cannot be read, YH_ESTORE on a store failure.  The report is filled in
 * every case.
 */
YH_EXTERN int yh_calendar_import(yh_calendar_report *report, yh_store *store, const char *path,
                                 const yh_import_options *options) YH_WARN_UNUSED;

/* fn(ctx, date, kind, note, seq) for each special day of `year` (0: of every year), in date
 * order; kind is "holiday" or "workday", seq the "calendar" entry that imported it.  A
 * non-zero return from fn stops the walk and is returned. */
typedef int (*yh_calendar_day_fn)(void *ctx, const char *date, const char *kind,
                                  const char *note, uint64_t seq);
YH_EXTERN int yh_calendar_foreach(yh_store *store, int year, yh_calendar_day_fn fn,
                                  void *ctx) YH_WARN_UNUSED;

/*
 * The `working_days`-th working day after `date`, the date itself not counted, into out
 * ("YYYY-MM-DD"); with 0, the date itself.  Every year from the date's to the deadline's must
 * have a calendar: YH_ENOTFOUND naming the first that has none (hint
 * YH_HINT_IMPORT_CALENDAR).  YH_EINVAL for a date that is not a real YYYY-MM-DD date.
 */
YH_EXTERN int yh_calendar_deadline(char out[11], yh_store *store, const char *date,
                                   unsigned working_days) YH_WARN_UNUSED;

/*
 * The working days from `from` to `to`: when to is after from, the working days d with
 * from < d <= to (so that the days from a date to its deadline of N working days are N);
 * when to is before from, minus the working days d with to < d <= from (a deadline passed:
 * how many working days ago); 0 when they are the same day.  Every year from the earlier
 * date's to the later's must have a calendar (YH_ENOTFOUND as above).
 */
YH_EXTERN int yh_calendar_working_days_between(int64_t *out, yh_store *store, const char *from,
                                               const char *to) YH_WARN_UNUSED;

/* Today's date in China Standard Time (UTC+8), "YYYY-MM-DD": the system clock, or
 * $SOURCE_DATE_EPOCH when it is set (seconds since 1970-01-01T00:00:00Z), the clock every
 * command reads. */
YH_EXTERN void yh_calendar_today(char out[11]);

#ifdef __cplusplus
}
#endif
#endif
