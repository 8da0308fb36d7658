/* test_rate.c — exact sampling rates and the rounding of counts (yaohao/rate.h, docs/spec.md §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"

/* 128-bit arithmetic for an independent reference of round(n * num / den). */
__extension__ typedef unsigned __int128 u128;

static uint64_t ref_apply(uint64_t num, uint64_t den, uint64_t n, yh_rounding rounding)
{
	u128 prod = (u128)n * num, q = prod / den, r = prod % den;

	switch (rounding) {
	case YH_ROUND_FLOOR:
		return (uint64_t)q;
	case YH_ROUND_HALF_UP:
		return (uint64_t)(q + (2 * r >= den ? 1 : 0));
	default:
		return (uint64_t)(q + (r ? 1 : 0));
	}
}

static yh_rate parse_ok(const char *text)
{
	yh_rate r = { 0, 0 };
	int rc = yh_rate_parse(&r, text);

	ck_assert_msg(rc == YH_OK, "yh_rate_parse(\"%s\"): %d %s", text, rc, yh_error_message());
	ck_assert_msg(r.den > 0, "\"%s\": den is 0", text);
	return r;
}

/* The parse fails with YH_EDATA and the message holds `want`. */
static void parse_bad(const char *text, const char *want)
{
	yh_rate r = { 7, 9 };
	int rc = yh_rate_parse(&r, text);

	ck_assert_msg(rc == YH_EDATA, "yh_rate_parse(\"%s\") gave %d, expected YH_EDATA", text ? text : "(null)", rc);
	ck_assert_int_eq(yh_error_code(), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), want) != NULL, "\"%s\": message '%s' lacks '%s'",
	              text ? text : "(null)", yh_error_message(), want);
}

static uint64_t apply(const char *rate, uint64_t n, yh_rounding rounding)
{
	return yh_rate_apply(parse_ok(rate), n, rounding);
}

START_TEST(test_parse_valid)
{
	static const struct { const char *text; uint64_t num, den; } cases[] = {
		{ "5%", 5, 100 },
		{ "12.5%", 125, 1000 },
		{ "0.05", 5, 100 },
		{ "1", 1, 1 },
		{ "100%", 100, 100 },
		{ "0", 0, 1 },
		{ "0%", 0, 100 },
		{ "1.0", 10, 10 },
		{ "0.5", 5, 10 },
		{ "007%", 7, 100 },
		{ "0.12345678", 12345678, 100000000 },      /* 8 decimals: den 10^8 */
		{ "1.00000000", 100000000, 100000000 },
		{ "0.000001%", 1, 100000000 },              /* 6 decimals and % : den 10^8 */
		{ "99.999999%", 99999999, 100000000 },
		{ "100.000000%", 100000000, 100000000 },
		{ "0.00000001", 1, 100000000 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_rate r = parse_ok(cases[i].text);

		ck_assert_msg(r.num == cases[i].num && r.den == cases[i].den, "\"%s\" = %llu/%llu, expected %llu/%llu",
		              cases[i].text, (unsigned long long)r.num, (unsigned long long)r.den,
		              (unsigned long long)cases[i].num, (unsigned long long)cases[i].den);
	}
}
END_TEST

START_TEST(test_parse_errors)
{
	parse_bad("", "is empty");
	parse_bad(NULL, "is empty");
	parse_bad("abc", "\"abc\" is not a rate");
	parse_bad("5 %", "\"5 %\" is not a rate");
	parse_bad(" 5%", "is not a rate");
	parse_bad("5% ", "is not a rate");
	parse_bad("5%%", "is not a rate");
	parse_bad("%", "is not a rate");
	parse_bad("-1%", "\"-1%\" is not a rate");
	parse_bad("+5%", "is not a rate");
	parse_bad(".5", "\".5\" is not a rate");
	parse_bad("5.", "\"5.\" is not a rate");
	parse_bad(".", "is not a rate");
	parse_bad("5.%", "is not a rate");
	parse_bad("1e-2", "is not a rate");
	parse_bad("0x1", "is not a rate");
	parse_bad("5,5%", "is not a rate");
	parse_bad("\xef\xbc\x95%", "is not a rate");         /* a full-width digit five */
	parse_bad("101%", "\"101%\" is over 100%");
	parse_bad("100.000001%", "is over 100%");
	parse_bad("1.5", "\"1.5\" is over 100%");
	parse_bad("1.00000001", "is over 100%");
	parse_bad("2", "is over 100%");
	/* huge integer parts are refused without overflowing */
	parse_bad("100000000000000000000000000000000000000%", "is over 100%");
	parse_bad("18446744073709551617", "is over 100%");
	/* too many decimals: den would pass 10^8 */
	parse_bad("0.123456789", "too many decimal places");
	parse_bad("0.0000001%", "too many decimal places");
	parse_bad("0.000000000000000000000000000001", "too many decimal places");
}
END_TEST

START_TEST(test_apply_zero_population)
{
	static const char *const rates[] = { "0", "0%", "5%", "12.5%", "0.000001%", "100%", "1" };
	size_t i;
	int r;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		for (r = YH_ROUND_CEIL; r <= YH_ROUND_HALF_UP; r++)
			ck_assert_msg(apply(rates[i], 0, (yh_rounding)r) == 0, "n=0, rate %s, %s: not 0", rates[i],
			              yh_rounding_name((yh_rounding)r));
}
END_TEST

START_TEST(test_apply_one_tiny_rates)
{
	/* any rate above 0 draws one of one under ceil, none under floor */
	ck_assert_uint_eq(apply("0.000001%", 1, YH_ROUND_CEIL), 1);
	ck_assert_uint_eq(apply("0.000001%", 1, YH_ROUND_FLOOR), 0);
	ck_assert_uint_eq(apply("0.000001%", 1, YH_ROUND_HALF_UP), 0);
	ck_assert_uint_eq(apply("0.00000001", 1, YH_ROUND_CEIL), 1);
	ck_assert_uint_eq(apply("0%", 1, YH_ROUND_CEIL), 0);
	ck_assert_uint_eq(apply("0", 1, YH_ROUND_CEIL), 0);
	/* exactly one half of one */
	ck_assert_uint_eq(apply("50%", 1, YH_ROUND_CEIL), 1);
	ck_assert_uint_eq(apply("50%", 1, YH_ROUND_FLOOR), 0);
	ck_assert_uint_eq(apply("50%", 1, YH_ROUND_HALF_UP), 1);
	ck_assert_uint_eq(apply("49.999999%", 1, YH_ROUND_HALF_UP), 0);
	ck_assert_uint_eq(apply("0.5", 1, YH_ROUND_HALF_UP), 1);
	ck_assert_uint_eq(apply("100%", 1, YH_ROUND_FLOOR), 1);
}
END_TEST

START_TEST(test_apply_exact_multiples)
{
	int r;

	for (r = YH_ROUND_CEIL; r <= YH_ROUND_HALF_UP; r++) {
		yh_rounding rd = (yh_rounding)r;

		ck_assert_uint_eq(apply("5%", 200, rd), 10);
		ck_assert_uint_eq(apply("0.05", 200, rd), 10);
		ck_assert_uint_eq(apply("12.5%", 8, rd), 1);
		ck_assert_uint_eq(apply("12.5%", 80, rd), 10);
		ck_assert_uint_eq(apply("20%", 5, rd), 1);
		ck_assert_uint_eq(apply("1", 7, rd), 7);
		ck_assert_uint_eq(apply("100%", 7, rd), 7);
		ck_assert_uint_eq(apply("100%", 123456789, rd), 123456789);
		ck_assert_uint_eq(apply("0%", 123456789, rd), 0);
	}
}
END_TEST

START_TEST(test_apply_halves)
{
	/* 2.5 */
	ck_assert_uint_eq(apply("50%", 5, YH_ROUND_CEIL), 3);
	ck_assert_uint_eq(apply("50%", 5, YH_ROUND_FLOOR), 2);
	ck_assert_uint_eq(apply("50%", 5, YH_ROUND_HALF_UP), 3);
	ck_assert_uint_eq(apply("12.5%", 20, YH_ROUND_HALF_UP), 3);
	/* 2.375 and 2.75 */
	ck_assert_uint_eq(apply("12.5%", 19, YH_ROUND_CEIL), 3);
	ck_assert_uint_eq(apply("12.5%", 19, YH_ROUND_FLOOR), 2);
	ck_assert_uint_eq(apply("12.5%", 19, YH_ROUND_HALF_UP), 2);
	ck_assert_uint_eq(apply("12.5%", 22, YH_ROUND_HALF_UP), 3);
	ck_assert_uint_eq(apply("12.5%", 22, YH_ROUND_FLOOR), 2);
	/* 3.3 and 0.8 (the worked example of docs/spec.md §12) */
	ck_assert_uint_eq(apply("5%", 66, YH_ROUND_CEIL), 4);
	ck_assert_uint_eq(apply("5%", 66, YH_ROUND_HALF_UP), 3);
	ck_assert_uint_eq(apply("20%", 4, YH_ROUND_CEIL), 1);
	ck_assert_uint_eq(apply("20%", 4, YH_ROUND_HALF_UP), 1);
	ck_assert_uint_eq(apply("20%", 4, YH_ROUND_FLOOR), 0);
	/* 0.4999999 vs 0.5 */
	ck_assert_uint_eq(apply("0.49999999", 1, YH_ROUND_HALF_UP), 0);
	ck_assert_uint_eq(apply("0.50000000", 1, YH_ROUND_HALF_UP), 1);
	ck_assert_uint_eq(apply("0.00000005", 10, YH_ROUND_HALF_UP), 0);   /* 5e-7 */
	ck_assert_uint_eq(apply("0.00000005", 10000000, YH_ROUND_HALF_UP), 1); /* 0.5 */
}
END_TEST

START_TEST(test_apply_large_population)
{
	static const char *const rates[] = {
		"100%", "1", "1.00000000", "99.999999%", "0.99999999", "0.33333333", "12.5%", "5%",
		"0.00000001", "0.000001%", "50%", "0.5", "66.666667%", "0%"
	};
	const uint64_t max = YH_RATE_MAX_POPULATION;
	const uint64_t ns[] = { max, max - 1, max - 3, max / 2 + 1, max / 3, 99999999999ull, 12345678901ull };
	size_t i, j;
	int r;

	ck_assert_uint_eq(max, 100000000000ull);
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		yh_rate rate = parse_ok(rates[i]);

		for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++)
			for (r = YH_ROUND_CEIL; r <= YH_ROUND_HALF_UP; r++) {
				uint64_t got = yh_rate_apply(rate, ns[j], (yh_rounding)r),
				         want = ref_apply(rate.num, rate.den, ns[j], (yh_rounding)r);

				ck_assert_msg(got == want, "n=%llu rate %s %s: got %llu, expected %llu",
				              (unsigned long long)ns[j], rates[i], yh_rounding_name((yh_rounding)r),
				              (unsigned long long)got, (unsigned long long)want);
				ck_assert_msg(got <= ns[j], "more than n");
			}
	}
	ck_assert_uint_eq(apply("100%", max, YH_ROUND_FLOOR), max);
	ck_assert_uint_eq(apply("1.00000000", max, YH_ROUND_CEIL), max);
	ck_assert_uint_eq(apply("99.999999%", max, YH_ROUND_FLOOR), 99999999000ull);
	ck_assert_uint_eq(apply("0.00000001", max, YH_ROUND_FLOOR), 1000);
	ck_assert_uint_eq(apply("0.33333333", max - 1, YH_ROUND_CEIL), 33333333000ull);
	ck_assert_uint_eq(apply("0.33333333", max - 1, YH_ROUND_FLOOR), 33333332999ull);
	ck_assert_uint_eq(apply("0.33333333", max - 1, YH_ROUND_HALF_UP), 33333333000ull);
}
END_TEST

START_TEST(test_apply_sweep)
{
	/* every n up to 1000 against the 128-bit reference */
	static const char *const rates[] = { "5%", "12.5%", "33.333333%", "0.07", "66.6%", "99.9%", "1%" };
	size_t i;
	uint64_t n;
	int r;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		yh_rate rate = parse_ok(rates[i]);

		for (n = 0; n <= 1000; n++)
			for (r = YH_ROUND_CEIL; r <= YH_ROUND_HALF_UP; r++)
				ck_assert_msg(yh_rate_apply(rate, n, (yh_rounding)r) ==
				              ref_apply(rate.num, rate.den, n, (yh_rounding)r),
				              "n=%llu rate %s %s", (unsigned long long)n, rates[i],
				              yh_rounding_name((yh_rounding)r));
	}
}
END_TEST

START_TEST(test_rounding_names)
{
	yh_rounding r = YH_ROUND_FLOOR;

	ck_assert_int_eq(yh_rounding_parse(&r, "ceil"), YH_OK);
	ck_assert_int_eq(r, YH_ROUND_CEIL);
	ck_assert_int_eq(yh_rounding_parse(&r, "floor"), YH_OK);
	ck_assert_int_eq(r, YH_ROUND_FLOOR);
	ck_assert_int_eq(yh_rounding_parse(&r, "half_up"), YH_OK);
	ck_assert_int_eq(r, YH_ROUND_HALF_UP);
	ck_assert_str_eq(yh_rounding_name(YH_ROUND_CEIL), "ceil");
	ck_assert_str_eq(yh_rounding_name(YH_ROUND_FLOOR), "floor");
	ck_assert_str_eq(yh_rounding_name(YH_ROUND_HALF_UP), "half_up");
	ck_assert_int_eq(yh_rounding_parse(&r, "Ceil"), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "\"Ceil\" is not a rounding rule"));
	ck_assert_int_eq(yh_rounding_parse(&r, "half-up"), YH_EDATA);
	ck_assert_int_eq(yh_rounding_parse(&r, "round"), YH_EDATA);
	ck_assert_int_eq(yh_rounding_parse(&r, ""), YH_EDATA);
	ck_assert_int_eq(r, YH_ROUND_HALF_UP); /* untouched by the failures */
}
END_TEST

static Suite *rate_suite(void)
{
	Suite *s = suite_create("rate");
	TCase *tc = tu_tcase(s, "rate", 0, 60);

	tcase_add_test(tc, test_parse_valid);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_apply_zero_population);
	tcase_add_test(tc, test_apply_one_tiny_rates);
	tcase_add_test(tc, test_apply_exact_multiples);
	tcase_add_test(tc, test_apply_halves);
	tcase_add_test(tc, test_apply_large_population);
	tcase_add_test(tc, test_apply_sweep);
	tcase_add_test(tc, test_rounding_names);
	return s;
}

TU_MAIN(rate_suite)
