/*
 * yaohao/uscc.h — the 统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).
 *
 * 18 characters from the alphabet 0123456789ABCDEFGHJKLMNPQRTUWXY (31 symbols,
 * value = position in the alphabet).  The 18th is a check character:
 * weights w_i = 3^(i-1) mod 31 for i = 1..17, check = 31 - (sum mod 31),
 * where 31 is written as '0'.  Positions 3-8 carry the region code of the
 * registering authority; retired region codes are legitimate, so they are
 * not checked against any list.
 */
#ifndef YAOHAO_USCC_H
#define YAOHAO_USCC_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_USCC_LEN 18

typedef enum {
	YH_USCC_OK = 0,
	YH_USCC_BAD_LENGTH,   /* not 18 characters */
	YH_USCC_BAD_CHAR,     /* a character outside the alphabet (position set) */
	YH_USCC_BAD_CHECK     /* well formed, but the check character is wrong */
} yh_uscc_status;

typedef struct {
	yh_uscc_status status;
	size_t position;      /* 1-based position of the bad character, for BAD_CHAR */
	char found;           /* the check character found, for BAD_CHECK */
	char expected;        /* the check character the first 17 imply, for BAD_CHECK */
} yh_uscc_result;

/*
 * Checks `len` bytes at `id` (upper case only; callers normalise case first).
 * Returns the status, also stored in *res when res is not NULL.
 */
YH_EXTERN yh_uscc_status yh_uscc_check(yh_uscc_result *res, const char *id, size_t len);

/* The check character implied by the first 17 characters, or 0 when one of
 * them is outside the alphabet. */
YH_EXTERN char yh_uscc_check_char(const char *first17);

/* Writes a one-line explanation of a failed result ("check character is 'X',
 * expected 'Y'") into buf. */
YH_EXTERN void yh_uscc_explain(char *buf, size_t size, const yh_uscc_result *res);

#ifdef __cplusplus
}
#endif
#endif
