/* Private: the working-day calendar's digest of days (what a "calendar" entry records and the
 * audit recomputes) and the audit's check of the calendar entries against the stored days. */
#ifndef YH_ENGINE_CALENDAR_H
#define YH_ENGINE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sodium.h>

#include "yaohao/calendar.h"

/* The days' digest of a year (docs/spec.md §17): SHA-256 over "date,kind,note\n" for each of
 * its days in date order.  Notes hold no control character (the text rule), so the lines are
 * unambiguous. */
typedef struct {
	crypto_hash_sha256_state st;
} yh_calendar_digest;

void yh_calendar_digest_init(yh_calendar_digest *d);
void yh_calendar_digest_add(yh_calendar_digest *d, const char *date, const char *kind,
                            const char *note);
void yh_calendar_digest_final(yh_calendar_digest *d, unsigned char out[32]);

/*
 * The audit's view (calendar_check.c): each "calendar" entry given in ledger order, then the
 * stored days checked against them.  A year belongs to the last entry that covers it; each
 * stored day must be in a year that belongs to the entry it names, the days of each year must
 * give the digest that entry recorded for the year, and an entry whose years all still belong
 * to it must hold its count of days.
 */
typedef struct yh_calendar_check yh_calendar_check;

int yh_calendar_check_new(yh_calendar_check **out);
void yh_calendar_check_free(yh_calendar_check *c);

/* One "calendar" entry: 0, or YH_EDATA with the reason in why (a malformed payload);
 * YH_ENOMEM. */
int yh_calendar_check_entry(yh_calendar_check *c, uint64_t seq, json_t *payload, char *why,
                            size_t whysize);

/* After the walk: 0 when the stored days are the entries'; YH_EDATA with *seq the entry the
 * fault is about and the reason in why; another negative code on a store failure. */
int yh_calendar_check_store(yh_calendar_check *c, yh_store *store, uint64_t *seq, char *why,
                            size_t whysize);

/* The "calendar" entries given so far, and the years they cover now. */
uint64_t yh_calendar_check_entries(const yh_calendar_check *c);
unsigned yh_calendar_check_years(const yh_calendar_check *c);

#endif
