/*
 * yaohao/rate.h — exact sampling rates and the rounding of counts.
 *
 * A rate is written as a decimal, optionally with a percent sign: "5%",
 * "12.5%", "0.05", "1", "100%".  It is held as an exact fraction num/den
 * (den a power of ten, at most 10^8) and never as a float, so that
 * k = round(n * rate) is the same integer everywhere.
 */
#ifndef YAOHAO_RATE_H
#define YAOHAO_RATE_H

#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	uint64_t num;
	uint64_t den;
} yh_rate;

typedef enum {
	YH_ROUND_CEIL = 0,   /* the default: any rate above 0 draws at least one of a non-empty stratum */
	YH_ROUND_FLOOR,
	YH_ROUND_HALF_UP
} yh_rounding;

/* Populations above this are refused, keeping n * num inside 64 bits. */
#define YH_RATE_MAX_POPULATION 100000000000ull

/* Parses text; YH_EDATA with a reason ("is over 100%") in the error message. */
YH_EXTERN int yh_rate_parse(yh_rate *out, const char *text) YH_WARN_UNUSED;

/* round(n * rate) under the rule; n must not exceed YH_RATE_MAX_POPULATION. */
YH_EXTERN uint64_t yh_rate_apply(yh_rate rate, uint64_t n, yh_rounding rounding);

/* "ceil", "floor", "half_up"; YH_EDATA otherwise. */
YH_EXTERN int yh_rounding_parse(yh_rounding *out, const char *text) YH_WARN_UNUSED;
YH_EXTERN const char *yh_rounding_name(yh_rounding rounding);

#ifdef __cplusplus
}
#endif
#endif
