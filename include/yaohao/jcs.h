/*
 * yaohao/jcs.h — canonical JSON (RFC 8785, JCS) for the documents yaohao
 * hashes and signs.
 *
 * Object members are sorted by their names as UTF-16 code units, there is
 * no whitespace, strings are escaped as JCS says (\" \\ \b \f \n \r \t,
 * other characters below U+0020 as \u00xx, everything else as UTF-8), and
 * numbers are integers in plain decimal.  yaohao never writes floats, so a
 * real number is refused (YH_EINVAL), as is an integer beyond ±2^53, where
 * JCS's IEEE-754 number form and plain decimal would part.
 */
#ifndef YAOHAO_JCS_H
#define YAOHAO_JCS_H

#include <jansson.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *out is a NUL-terminated string to free(). */
YH_EXTERN int yh_jcs_dump(char **out, const json_t *value) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
