/*
 * yaohao/error.h — result codes and the per-thread error message.
 *
 * Every engine function that can fail returns an int: YH_OK (0) on success,
 * a negative YH_E* code on failure.  The message describing the last failure
 * on the calling thread ("what went wrong: 'subject'") is kept until the next
 * failure and read with yh_error_message().
 */
#ifndef YAOHAO_ERROR_H
#define YAOHAO_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
	YH_OK = 0,
	YH_ERROR = -1,     /* internal error, a bug */
	YH_ENOMEM = -2,    /* out of memory */
	YH_EIO = -3,       /* a file could not be read or written */
	YH_EDATA = -4,     /* input data is malformed or breaks a rule */
	YH_ESTORE = -5,    /* the store is missing, locked, corrupt or too new */
	YH_EEXIST = -6,    /* the thing to create exists already */
	YH_ENOTFOUND = -7, /* the thing asked for does not exist */
	YH_EINVAL = -8     /* the caller passed a bad argument or option */
};

/* The message of the last failure on this thread; never NULL. */
const char *yh_error_message(void);

/* The code of the last failure on this thread, YH_OK if none. */
int yh_error_code(void);

/* A short name for a code, e.g. "bad input data". */
const char *yh_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
