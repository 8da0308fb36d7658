/* uscc.c — GB 32100-2015 credit code validation. */
#include <stdio.h>
#include <string.h>

#include "yaohao/uscc.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^(i-1) mod 31, i = 1..17 */
static const int weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

static int value_of(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

char yh_uscc_check_char(const char *first17)
{
	int sum = 0, i, v, check;

	for (i = 0; i < 17; i++) {
		v = value_of(first17[i]);
		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	check = 31 - sum % 31;
	return alphabet[check == 31 ? 0 : check];
}

yh_uscc_status yh_uscc_check(yh_uscc_result *res, const char *id, size_t len)
{
	yh_uscc_result r = { YH_USCC_OK, 0, 0, 0 };
	size_t i;

	if (len != YH_USCC_LEN) {
		r.status = YH_USCC_BAD_LENGTH;
		r.position = len;
		goto done;
	}
	for (i = 0; i < len; i++) {
		if (value_of(id[i]) < 0) {
			r.status = YH_USCC_BAD_CHAR;
			r.position = i + 1;
			r.found = id[i];
			goto done;
		}
	}
	r.expected = yh_uscc_check_char(id);
	r.found = id[17];
	if (r.expected != r.found)
		r.status = YH_USCC_BAD_CHECK;
done:
	if (res)
		*res = r;
	return r.status;
}

void yh_uscc_explain(char *buf, size_t size, const yh_uscc_result *res)
{
	unsigned char c = (unsigned char)res->found;

	switch (res->status) {
	case YH_USCC_OK:
		snprintf(buf, size, "valid");
		break;
	case YH_USCC_BAD_LENGTH:
		snprintf(buf, size, "has %zu characters, a credit code has 18", res->position);
		break;
	case YH_USCC_BAD_CHAR:
		if (c >= 0x21 && c < 0x7f)
			snprintf(buf, size, "character %zu '%c' is not allowed in a credit code "
			         "(allowed: 0-9 and A-Y without I, O, S, V, Z)", res->position, c);
		else
			snprintf(buf, size, "character %zu (byte 0x%02x) is not allowed in a credit code",
			         res->position, c);
		break;
	case YH_USCC_BAD_CHECK:
		snprintf(buf, size, "check character is '%c', expected '%c'", res->found, res->expected);
		break;
	}
}
