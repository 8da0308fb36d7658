/* error.c — the per-thread last error: code, message, hint and subject. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

#define MESSAGE_MAX 1024

static _Thread_local int last_code;
static _Thread_local yh_hint last_hint;
static _Thread_local char last_message[MESSAGE_MAX];
static _Thread_local char last_subject[256];

/* Formats into local buffers first: an argument may be yh_error_message() or
 * yh_error_subject() itself, and a copy must not write over its own source. */
static int set(int code, yh_hint hint, const char *subject, const char *fmt, va_list ap)
{
	char buf[MESSAGE_MAX], subj[sizeof(last_subject)];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	snprintf(subj, sizeof(subj), "%s", subject ? subject : "");
	memcpy(last_message, buf, sizeof(buf));
	memcpy(last_subject, subj, sizeof(subj));
	last_code = code;
	last_hint = hint;
	return code;
}

int yh_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(code, YH_HINT_NONE, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int yh_error_set_hint(int code, yh_hint hint, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(code, hint, subject, fmt, ap);
	va_end(ap);
	return code;
}

void yh_error_clear(void)
{
	last_code = YH_OK;
	last_hint = YH_HINT_NONE;
	last_message[0] = '\0';
	last_subject[0] = '\0';
}

const char *yh_error_message(void)
{
	return last_message[0] ? last_message : "no error";
}

int yh_error_code(void)
{
	return last_code;
}

yh_hint yh_error_hint(void)
{
	return last_hint;
}

const char *yh_error_subject(void)
{
	return last_subject;
}

const char *yh_hint_name(yh_hint hint)
{
	static const char *const names[YH_HINT_COUNT] = {
		"none", "create_store", "needs_key", "needs_new_key", "needs_commit", "needs_draw",
		"list_tasks", "try_gb18030", "accept_bad_check", "partial_import", "run_audit",
		"raise_load_cap", "give_public_key", "give_entities", "give_inspectors", "give_conflicts",
		"give_earlier", "give_feed", "add_status_word", "import_calendar"
	};

	return (unsigned)hint < YH_HINT_COUNT ? names[hint] : "none";
}

const char *yh_error_name(int code)
{
	switch (code) {
	case YH_OK: return "ok";
	case YH_ENOMEM: return "out of memory";
	case YH_EIO: return "i/o error";
	case YH_EDATA: return "bad input data";
	case YH_ESTORE: return "store error";
	case YH_EEXIST: return "already exists";
	case YH_ENOTFOUND: return "not found";
	case YH_EINVAL: return "invalid argument";
	case YH_ESTALE: return "store changed since the commit";
	default: return "internal error";
	}
}
