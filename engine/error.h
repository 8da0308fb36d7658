/* Private: setting the per-thread error (see include/yaohao/error.h). */
#ifndef YH_ENGINE_ERROR_H
#define YH_ENGINE_ERROR_H

#include "yaohao/error.h"

#if defined(__GNUC__)
#define YH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define YH_PRINTF(a, b)
#endif

/* Records code and message for this thread and returns code, so that
 * callers can write `return yh_error_set(YH_EIO, "...", ...)`. */
int yh_error_set(int code, const char *fmt, ...) YH_PRINTF(2, 3);

/* The same, with a hint for the caller and the subject the message is about
 * (copied; may be NULL). */
int yh_error_set_hint(int code, yh_hint hint, const char *subject, const char *fmt, ...)
	YH_PRINTF(4, 5);

/* Clears the error state (used before an operation that reports softly). */
void yh_error_clear(void);

#endif
