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

#include "common.h"

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
	YH_EINVAL = -8,    /* the caller passed a bad argument or option */
	YH_ESTALE = -9     /* the store's registers no longer give what was committed */
};

/*
 * What the caller could do about the last failure, for a front end to put in
 * its own words (a command line names a flag, a web service a form field).
 * The engine's messages never name a front end's commands or options.
 */
typedef enum {
	YH_HINT_NONE = 0,
	YH_HINT_CREATE_STORE,      /* there is no store: create one, or name another */
	YH_HINT_NEEDS_KEY,         /* the store signs its ledger: give its secret key */
	YH_HINT_NEEDS_NEW_KEY,     /* the store has no signing key yet: make one */
	YH_HINT_NEEDS_COMMIT,      /* the task must be committed first */
	YH_HINT_NEEDS_DRAW,        /* the task must be drawn first */
	YH_HINT_LIST_TASKS,        /* no such task: list the tasks */
	YH_HINT_TRY_GB18030,       /* the file is not UTF-8: it may be GB18030 */
	YH_HINT_ACCEPT_BAD_CHECK,  /* a credit code's check character fails: accept on record */
	YH_HINT_PARTIAL_IMPORT,    /* a full import would empty the register */
	YH_HINT_RUN_AUDIT,         /* the store disagrees with the draw: audit it */
	YH_HINT_RAISE_LOAD_CAP,    /* the team rules need a higher load cap (task.team.load_cap) */
	YH_HINT_GIVE_PUBLIC_KEY,   /* a check was skipped: no public key to pin the signer */
	YH_HINT_GIVE_ENTITIES,     /* a check was skipped: no entity register file */
	YH_HINT_GIVE_INSPECTORS,   /* a check was skipped: no officer register file */
	YH_HINT_GIVE_CONFLICTS,    /* a check was skipped: no conflicts file */
	YH_HINT_GIVE_EARLIER,      /* a check was skipped: the earlier draws' documents were not given */
	YH_HINT_GIVE_FEED,         /* a check was skipped: no feed of announcements */
	YH_HINT_ADD_STATUS_WORD,   /* a status word is unknown: map it in the store's status map */
	YH_HINT_IMPORT_CALENDAR,   /* a year has no working-day calendar: import the year's arrangement */
	YH_HINT_COUNT
} yh_hint;

/* The message of the last failure on this thread; never NULL. */
YH_EXTERN const char *yh_error_message(void);

/* The code of the last failure on this thread, YH_OK if none. */
YH_EXTERN int yh_error_code(void);

/* The hint of the last failure on this thread, YH_HINT_NONE if it has none. */
YH_EXTERN yh_hint yh_error_hint(void);

/* The subject of the last failure (the task id, file or entity it is about),
 * when the engine named one; "" otherwise.  Never NULL. */
YH_EXTERN const char *yh_error_subject(void);

/* A stable lower-case name for a hint ("needs_commit"), for machine output. */
YH_EXTERN const char *yh_hint_name(yh_hint hint);

/* A short name for a code, e.g. "bad input data". */
YH_EXTERN const char *yh_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
