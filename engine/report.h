/* Private: verification reports (a list of checks and guarantees) and the small
 * readers the verifiers share. */
#ifndef YH_ENGINE_REPORT_H
#define YH_ENGINE_REPORT_H

#include <stddef.h>
#include <jansson.h>

#include "error.h"

typedef struct {
	json_t *checks, *guarantees;
	int failed;
} yh_report;

/* Appends {"check": name, "status": status, "detail": ...}; "failed" counts. */
void yh_report_check(yh_report *r, const char *name, const char *status, const char *fmt, ...)
	YH_PRINTF(4, 5);
/* Appends a skipped check with "hint": yh_hint_name(hint) when hint is not YH_HINT_NONE: what
 * the reader could give to have the check run, for the front end to name in its own words. */
void yh_report_skip(yh_report *r, const char *name, yh_hint hint, const char *fmt, ...)
	YH_PRINTF(4, 5);
void yh_report_guarantee(yh_report *r, const char *fmt, ...) YH_PRINTF(2, 3);

/* Reads JSON text (len bytes, no duplicate members); `name` is the file in the message
 * ("name:line:column: not <what>: ..."), YH_EDATA when it is not JSON. */
int yh_verify_load_json(json_t **out, const char *data, size_t len, const char *name,
                        const char *what);

/* Reads a whole file (at most max bytes), NUL-terminated. */
int yh_read_file(char **out, size_t *len, const char *path, size_t max);

/* Lower-case hex of exactly n bytes into out; 0 or -1 (also for s NULL, or v not a string). */
int yh_unhex(unsigned char *out, size_t n, const char *s);
int yh_get_hex(unsigned char *out, size_t n, json_t *v);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void yh_hex(char *out, const unsigned char *in, size_t n);

/* The same as a JSON string (n at most 64), or NULL when out of memory. */
json_t *yh_hex_json(const unsigned char *in, size_t n);

/* v[a] or v[a][b]. */
json_t *yh_json_path(json_t *v, const char *a, const char *b);

#endif
