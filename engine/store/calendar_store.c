/* store/calendar_store.c — the working-day calendar: the special days (holidays, 调休 working
 * days) of each loaded year, each tagged with the "calendar" entry that wrote it. */
#include <stdio.h>

#include "sqlite.h"
#include "store.h"
#include "error.h"

/* The rows of one year (year > 0) or of every year (0): a range on the primary key. */
static void bind_year(yh_stmt *st, int year)
{
	char from[16] = "0", to[16] = ":"; /* every date: ':' sorts after the digits */

	if (year > 0) {
		snprintf(from, sizeof(from), "%04d-", year);
		snprintf(to, sizeof(to), "%04d-", year + 1);
	}
	yh_db_bind_text_copy(st, 1, from, -1);
	yh_db_bind_text_copy(st, 2, to, -1);
}

int yh_calendar_store_clear_year(uint64_t *removed, yh_store *store, int year)
{
	yh_stmt *st = NULL;
	int rc;

	*removed = 0;
	if ((rc = yh_store_prepare(store, &st, "DELETE FROM calendar_day WHERE date >= ?1 AND date < ?2",
	                           "cannot replace the calendar")) < 0)
		return rc;
	bind_year(st, year);
	if ((rc = yh_store_step_done(store, st, NULL, "cannot replace the calendar")) == YH_OK)
		*removed = (uint64_t)yh_db_changes(store);
	yh_db_finalize(st);
	return rc;
}

int yh_calendar_store_put(yh_store *store, const char *date, const char *kind, const char *note,
                          uint64_t seq)
{
	yh_stmt *st = NULL;
	int rc;

	if ((rc = yh_store_prepare(store, &st, "INSERT INTO calendar_day (date, kind, note, seq) "
	                           "VALUES (?1, ?2, ?3, ?4)", "cannot record the calendar")) < 0)
		return rc;
	yh_db_bind_text(st, 1, date, -1);
	yh_db_bind_text(st, 2, kind, -1);
	yh_db_bind_text(st, 3, note, -1);
	yh_db_bind_int64(st, 4, (int64_t)seq);
	rc = yh_store_step_done(store, st, NULL, "cannot record the calendar");
	yh_db_finalize(st);
	return rc;
}

int yh_calendar_store_foreach(yh_store *store, int year, yh_calendar_row_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	int rc, step;

	if ((rc = yh_store_prepare(store, &st, "SELECT date, kind, note, seq FROM calendar_day "
	                           "WHERE date >= ?1 AND date < ?2 ORDER BY date",
	                           "cannot read the calendar")) < 0)
		return rc;
	bind_year(st, year);
	while ((step = yh_db_step(st)) == YH_DB_ROW)
		if ((rc = fn(ctx, yh_store_text(st, 0), yh_store_text(st, 1), yh_store_text(st, 2),
		             (uint64_t)yh_db_int64(st, 3))) != 0)
			break;
	if (rc == YH_OK && step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the calendar");
	yh_db_finalize(st);
	return rc;
}
