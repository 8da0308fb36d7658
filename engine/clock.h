/* Private: the one clock of the engine.  Every date or time a command takes from the clock
 * comes from here, so that $SOURCE_DATE_EPOCH pins all of them (tests, reproducible runs). */
#ifndef YH_ENGINE_CLOCK_H
#define YH_ENGINE_CLOCK_H

#include <stdint.h>

/* Seconds since 1970-01-01T00:00:00Z: $SOURCE_DATE_EPOCH when it is set to a decimal number
 * (0 or more, nothing else in it), else the system clock. */
int64_t yh_clock_now(void);

/* Today's date in China Standard Time (UTC+8, no daylight saving), "YYYY-MM-DD", from
 * yh_clock_now(): the day a department's results, deadlines and disclosures are dated in. */
void yh_clock_today(char out[11]);

/* The China Standard Time date of a ledger stamp "YYYY-MM-DDTHH:MM:SSZ"; -1 when it is not one. */
int yh_clock_stamp_date(char out[11], const char *stamp);

/* The time now in UTC, "YYYY-MM-DDTHH:MM:SSZ" (what a ledger entry records). */
void yh_clock_stamp(char out[21]);

#endif
