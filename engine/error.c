/* error.c — the per-thread last error (code and message). */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static _Thread_local int last_code;
static _Thread_local char last_message[1024];

int yh_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

void yh_error_clear(void)
{
	last_code = YH_OK;
	last_message[0] = '\0';
}

const char *yh_error_message(void)
{
	return last_message[0] ? last_message : "no error";
}

int yh_error_code(void)
{
	return last_code;
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
	default: return "internal error";
	}
}
