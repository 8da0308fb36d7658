/* rate.c — exact decimal rates and integer rounding. */
#include <string.h>

#include "yaohao/rate.h"
#include "error.h"

#define MAX_DEN 100000000ull

int yh_rate_parse(yh_rate *out, const char *text)
{
	const char *p = text;
	uint64_t num = 0, den = 1;
	int digits = 0, fraction = 0;

	if (!text || !*text)
		return yh_error_set(YH_EDATA, "is empty, a rate such as \"5%%\" or \"0.05\" is needed");
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (num > 1000)
			return yh_error_set(YH_EDATA, "\"%s\" is over 100%%", text);
		num = num * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fraction++) {
			if (den >= MAX_DEN)
				return yh_error_set(YH_EDATA, "\"%s\" has too many decimal places", text);
			num = num * 10 + (uint64_t)(*p - '0');
			den *= 10;
		}
		if (fraction == 0)
			digits = 0;
	}
	if (*p == '%') {
		if (den * 100 > MAX_DEN)
			return yh_error_set(YH_EDATA, "\"%s\" has too many decimal places", text);
		den *= 100;
		p++;
	}
	if (digits == 0 || *p != '\0')
		return yh_error_set(YH_EDATA, "\"%s\" is not a rate (write \"5%%\", \"12.5%%\" or \"0.05\")",
		                    text);
	if (num > den)
		return yh_error_set(YH_EDATA, "\"%s\" is over 100%%", text);
	out->num = num;
	out->den = den;
	return YH_OK;
}

uint64_t yh_rate_apply(yh_rate rate, uint64_t n, yh_rounding rounding)
{
	uint64_t prod = n * rate.num, q = prod / rate.den, r = prod % rate.den;

	switch (rounding) {
	case YH_ROUND_FLOOR:
		return q;
	case YH_ROUND_HALF_UP:
		return q + (2 * r >= rate.den ? 1 : 0);
	case YH_ROUND_CEIL:
	default:
		return q + (r ? 1 : 0);
	}
}

int yh_rounding_parse(yh_rounding *out, const char *text)
{
	if (strcmp(text, "ceil") == 0)
		*out = YH_ROUND_CEIL;
	else if (strcmp(text, "floor") == 0)
		*out = YH_ROUND_FLOOR;
	else if (strcmp(text, "half_up") == 0)
		*out = YH_ROUND_HALF_UP;
	else
		return yh_error_set(YH_EDATA, "\"%s\" is not a rounding rule (ceil, floor or half_up)", text);
	return YH_OK;
}

const char *yh_rounding_name(yh_rounding rounding)
{
	switch (rounding) {
	case YH_ROUND_FLOOR: return "floor";
	case YH_ROUND_HALF_UP: return "half_up";
	default: return "ceil";
	}
}
