/* test_text.c — the text rules the importers share: UTF-8 without control characters,
 * trimming, dates, words (engine/text.c, engine/text.h; docs/formats.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "text.h" /* private */

static int check(const char *s, size_t len)
{
	char why[160];

	return yh_text_check(s, len, why, sizeof(why));
}

#define CHECK_STR(s) check((s), sizeof(s) - 1)

/* Well-formed UTF-8 (RFC 3629): one to four bytes, up to U+10FFFF. */
START_TEST(test_check_accepts)
{
	ck_assert_int_eq(CHECK_STR(""), 0);
	ck_assert_int_eq(CHECK_STR("ASCII text, with ~ and space"), 0);
	ck_assert_int_eq(CHECK_STR("\xC2\xA0\xC3\xA9"), 0);              /* U+00A0, é: the first after C1 */
	ck_assert_int_eq(CHECK_STR("杭州市萧山区徐记饭店"), 0);
	ck_assert_int_eq(CHECK_STR("\xE0\xA0\x80"), 0);                  /* U+0800, the first of 3 bytes */
	ck_assert_int_eq(CHECK_STR("\xED\x9F\xBF\xEE\x80\x80"), 0);      /* U+D7FF, U+E000 around surrogates */
	ck_assert_int_eq(CHECK_STR("\xEF\xBF\xBF"), 0);                  /* U+FFFF */
	ck_assert_int_eq(CHECK_STR("\xF0\x90\x80\x80\xF0\x9F\x98\x80"), 0); /* U+10000, U+1F600 */
	ck_assert_int_eq(CHECK_STR("\xF4\x8F\xBF\xBF"), 0);              /* U+10FFFF, the last */
	/* only len bytes are read: a bad byte after them does not count */
	ck_assert_int_eq(check("ok\x01", 2), 0);
}
END_TEST

/* Refused with a negative result (the kind of fault may have its own code) and a reason. */
START_TEST(test_check_refuses)
{
	static const struct {
		const char *s;
		size_t len;
		const char *why;
	} bad[] = {
#define BAD(s, why) { s, sizeof(s) - 1, why }
		BAD("a\tb", "control"), BAD("a\nb", "control"), BAD("a\rb", "control"), BAD("\x01", "control"),
		BAD("\x1F", "control"), BAD("x\x7F", "control"), BAD("a\0b", "control"),
		BAD("\xC2\x80", "control"), BAD("\xC2\x9F", "control"),                 /* C1: U+0080-U+009F */
		BAD("\xC0\x80", "UTF-8"), BAD("\xC1\xBF", "UTF-8"),                     /* overlong 2 bytes */
		BAD("\xE0\x9F\xBF", "UTF-8"), BAD("\xF0\x8F\xBF\xBF", "UTF-8"),         /* overlong 3, 4 */
		BAD("\xED\xA0\x80", "UTF-8"), BAD("\xED\xBF\xBF", "UTF-8"),             /* surrogates */
		BAD("\xF4\x90\x80\x80", "UTF-8"), BAD("\xF5\x80\x80\x80", "UTF-8"),     /* over U+10FFFF */
		BAD("\xFF", "UTF-8"), BAD("\x80", "UTF-8"), BAD("a\xBF", "UTF-8"),      /* no lead byte */
		BAD("\xE4\xB8", "UTF-8"), BAD("\xF0\x9F\x98", "UTF-8"),                 /* cut short */
		BAD("\xE4\x41\x41", "UTF-8"), BAD("\xE4\xB8\xE4\xB8\xAD", "UTF-8"),     /* not continued */
		BAD("\xD6\xD0\xCE\xC4", "UTF-8"),                                       /* GB18030 中文 */
#undef BAD
	};
	char why[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(yh_text_check(bad[i].s, bad[i].len, why, sizeof(why)) < 0, "case %zu accepted", i);
		ck_assert_msg(strstr(why, bad[i].why) != NULL, "case %zu: '%s' lacks '%s'", i, why, bad[i].why);
	}
	/* the reason gives the byte (1-based) */
	ck_assert_int_lt(yh_text_check("abc\x01", 4, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "byte 4") != NULL, "%s", why);
	ck_assert_int_lt(yh_text_check("中\xFF", 4, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "byte 4") != NULL, "%s", why);
}
END_TEST

static const char *trimmed(const char *s)
{
	static char out[64];
	size_t len = strlen(s);

	yh_text_trim(&s, &len);
	ck_assert_uint_lt(len, sizeof(out));
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* ASCII spaces, tabs and U+3000 (ideographic space) go at both ends, nothing else anywhere. */
START_TEST(test_trim)
{
	ck_assert_str_eq(trimmed("  a b \t"), "a b");
	ck_assert_str_eq(trimmed("\xE3\x80\x80 \t徐记饭店\xE3\x80\x80\xE3\x80\x80 "), "徐记饭店");
	ck_assert_str_eq(trimmed("a\xE3\x80\x80" "b"), "a\xE3\x80\x80" "b");
	ck_assert_str_eq(trimmed("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0"); /* U+00A0 is not trimmed */
	ck_assert_str_eq(trimmed("\nx\n"), "\nx\n");
	ck_assert_str_eq(trimmed(" \t\xE3\x80\x80 "), "");
	ck_assert_str_eq(trimmed(""), "");
	ck_assert_str_eq(trimmed("\xE3\x80"), "\xE3\x80");                   /* part of U+3000 */
}
END_TEST

#define DATE(s) yh_text_is_date((s), sizeof(s) - 1)

/* Real calendar dates written YYYY-MM-DD (Gregorian leap years). */
START_TEST(test_dates)
{
	ck_assert(DATE("2026-12-01"));
	ck_assert(DATE("2026-01-31"));
	ck_assert(DATE("2026-04-30"));
	ck_assert(DATE("2024-02-29"));
	ck_assert(DATE("2000-02-29"));                 /* divisible by 400 */
	ck_assert(DATE("9999-12-31"));
	ck_assert(!DATE("2023-02-29"));
	ck_assert(!DATE("2100-02-29"));                /* divisible by 100, not by 400 */
	ck_assert(!DATE("2026-02-30"));
	ck_assert(!DATE("2026-04-31"));
	ck_assert(!DATE("2026-00-10"));
	ck_assert(!DATE("2026-13-01"));
	ck_assert(!DATE("2026-01-00"));
	ck_assert(!DATE("2026-01-32"));
	ck_assert(!DATE("2026-1-01"));
	ck_assert(!DATE("2026/01/01"));
	ck_assert(!DATE("20260101"));
	ck_assert(!DATE("2026-01-01 "));
	ck_assert(!DATE("2026-0a-01"));
	ck_assert(!DATE(""));
	ck_assert(yh_text_is_date("2026-12-01T00", 10)); /* only len bytes count */
}
END_TEST

START_TEST(test_equals)
{
	ck_assert(yh_text_equals("Active", 6, "active"));
	ck_assert(yh_text_equals("ACTIVE", 6, "active"));
	ck_assert(yh_text_equals("active!", 6, "active"));
	ck_assert(!yh_text_equals("active", 6, "activ"));
	ck_assert(!yh_text_equals("activ", 5, "active"));
	ck_assert(!yh_text_equals("act1ve", 6, "active"));
	ck_assert(yh_text_equals("", 0, ""));
	ck_assert(yh_text_equals("在营", 6, "在营"));
}
END_TEST

/* Bidirectional controls and invisible format characters anywhere in text: refused with
 * their own code and a reason naming the character; their neighbours are text. */
START_TEST(test_check_refuses_format_characters)
{
	static const struct {
		const char *s, *name, *kind;
	} bad[] = {
		{ "\xD8\x9C", "U+061C", "bidirectional" },
		{ "\xE2\x80\x8B", "U+200B", "invisible" }, { "\xE2\x80\x8C", "U+200C", "invisible" },
		{ "\xE2\x80\x8D", "U+200D", "invisible" }, { "\xE2\x80\x8E", "U+200E", "bidirectional" },
		{ "\xE2\x80\x8F", "U+200F", "bidirectional" }, { "\xE2\x80\xAA", "U+202A", "bidirectional" },
		{ "\xE2\x80\xAB", "U+202B", "bidirectional" }, { "\xE2\x80\xAC", "U+202C", "bidirectional" },
		{ "\xE2\x80\xAD", "U+202D", "bidirectional" }, { "\xE2\x80\xAE", "U+202E", "bidirectional" },
		{ "\xE2\x81\xA0", "U+2060", "invisible" }, { "\xE2\x81\xA4", "U+2064", "invisible" },
		{ "\xE2\x81\xA6", "U+2066", "bidirectional" }, { "\xE2\x81\xA7", "U+2067", "bidirectional" },
		{ "\xE2\x81\xA8", "U+2068", "bidirectional" }, { "\xE2\x81\xA9", "U+2069", "bidirectional" },
		{ "\xEF\xBB\xBF", "U+FEFF", "invisible" },
	};
	static const char *const good[] = {
		"\xE2\x80\x8A", "\xE2\x80\x90", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\xA5",
		"\xE2\x81\xAA", "\xEF\xBB\xBE", "\xEF\xBC\x88", "\xD8\x9B", "\xD8\x9D",
	};
	char text[64], why[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* inside a name, not only at its start */
		snprintf(text, sizeof(text), "杭州%s饭店", bad[i].s);
		why[0] = '\0';
		ck_assert_msg(yh_text_check(text, strlen(text), why, sizeof(why)) == YH_TEXT_FORMAT,
		              "%s accepted", bad[i].name);
		ck_assert_msg(strstr(why, bad[i].name) && strstr(why, bad[i].kind) && strstr(why, "byte 7"),
		              "%s: '%s'", bad[i].name, why);
		ck_assert_int_eq(yh_text_check(bad[i].s, strlen(bad[i].s), why, sizeof(why)), YH_TEXT_FORMAT);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(yh_text_check(good[i], strlen(good[i]), why, sizeof(why)) == 0,
		              "case %zu refused: %s", i, why);
	/* a control character or bad UTF-8 keeps its own code */
	ck_assert_int_eq(CHECK_STR("\x01\xE2\x80\xAE"), YH_TEXT_CONTROL);
	ck_assert_int_eq(CHECK_STR("\xFF\xE2\x80\xAE"), YH_TEXT_NOT_UTF8);
	ck_assert_int_eq(YH_TEXT_MAX, 4096);
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tu_tcase(s, "text", 0, 0);

	tcase_add_test(tc, test_check_accepts);
	tcase_add_test(tc, test_check_refuses);
	tcase_add_test(tc, test_trim);
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_equals);
	tcase_add_test(tc, test_check_refuses_format_characters);
	return s;
}

TU_MAIN(text_suite)
