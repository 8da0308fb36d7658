/* test_jcs.c — canonical JSON, RFC 8785 (JCS), for yaohao's integer-only documents
 * (yaohao/jcs.h, docs/spec.md §3).
 *
 * Every expected string here was written by hand from RFC 8785 and from what Python's
 * json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) writes, never by
 * running yaohao.  Non-ASCII text is spelled as UTF-8 byte escapes, each literal closed after
 * its last \x escape so that a following hex digit cannot extend it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"
#include "yaohao/jcs.h"
#include "textbuf.h"
#include "error.h"

/* UTF-8 spellings of the characters used below. */
#define U_FF61 "\xEF\xBD\xA1"          /* HALFWIDTH IDEOGRAPHIC FULL STOP: 0xFF61 in UTF-16 */
#define U_FF71 "\xEF\xBD\xB1"          /* HALFWIDTH KATAKANA LETTER A */
#define U_1F600 "\xF0\x9F\x98\x80"     /* GRINNING FACE: 0xD83D 0xDE00 in UTF-16 */
#define U_E000 "\xEE\x80\x80"          /* first private-use character */
#define U_10000 "\xF0\x90\x80\x80"     /* first supplementary character: 0xD800 0xDC00 */
#define U_FFFF "\xEF\xBF\xBF"
#define U_0080 "\xC2\x80"
#define U_00E9 "\xC3\xA9"              /* é */
#define U_00F6 "\xC3\xB6"              /* ö */
#define U_20AC "\xE2\x82\xAC"          /* € */
#define U_FB33 "\xEF\xAC\xB3"          /* HEBREW LETTER DALET WITH DAGESH */
#define U_4E2D "\xE4\xB8\xAD"          /* 中 */
#define U_540D "\xE5\x90\x8D"          /* 名 */
#define U_79F0 "\xE7\xA7\xB0"          /* 称 */

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	ck_assert_msg(v != NULL, "test JSON does not parse: %s (%s)", err.text, text);
	return v;
}

/* Canonical text of v (v is released), asserted to succeed. */
static char *jcs(json_t *v)
{
	char *out = (char *)0x1;
	int rc = yh_jcs_dump(&out, v);

	ck_assert_msg(rc == YH_OK, "yh_jcs_dump: %d %s", rc, yh_error_message());
	ck_assert_ptr_nonnull(out);
	json_decref(v);
	return out;
}

static void expect(json_t *v, const char *want)
{
	char *got = jcs(v);

	ck_assert_msg(strcmp(got, want) == 0, "canonical form\n got: %s\nwant: %s", got, want);
	/* canonical text is a fixed point: parsing and serialising it again changes nothing */
	{
		char *again = jcs(parse(got));

		ck_assert_str_eq(again, got);
		free(again);
	}
	free(got);
}

static void expect_text(const char *input, const char *want)
{
	expect(parse(input), want);
}

static void expect_refused(json_t *v)
{
	char *out = (char *)0x1;
	int rc = yh_jcs_dump(&out, v);

	ck_assert_int_eq(rc, YH_EINVAL);
	ck_assert_int_eq(yh_error_code(), YH_EINVAL);
	ck_assert_ptr_null(out);
	json_decref(v);
}

/* ---- member order ---------------------------------------------------------------------- */

/* The growing text the writers share (textbuf.c): appends in order, NUL-terminated across
 * growth; an empty append allocates nothing; once failed (a writer's own code here, as jcs.c
 * sets YH_EINVAL), appends do nothing. */
START_TEST(test_textbuf)
{
	yh_textbuf b = { 0 };
	char big[1000];
	int i;

	yh_textbuf_put(&b, "", 0);
	ck_assert_ptr_null(b.p);
	for (i = 0; i < 100; i++)
		yh_textbuf_puts(&b, "0123456789");
	memset(big, 'x', sizeof(big));
	yh_textbuf_put(&b, big, sizeof(big));
	ck_assert_uint_eq(b.len, 2000);
	ck_assert_uint_eq(strlen(b.p), 2000);
	ck_assert(memcmp(b.p + 990, "0123456789xx", 12) == 0);
	ck_assert_int_eq(b.failed, 0);
	b.failed = YH_EINVAL;
	yh_textbuf_puts(&b, "more");
	ck_assert_uint_eq(b.len, 2000);
	free(b.p);
}
END_TEST

START_TEST(test_utf16_order_differs_from_utf8)
{
	json_t *o = json_object();

	/* In UTF-8 bytes U+FF61 (EF ..) sorts before U+1F600 (F0 ..); in UTF-16 code units the
	 * surrogate pair of U+1F600 (D83D ..) sorts before FF61.  JCS uses UTF-16. */
	ck_assert_int_lt(strcmp(U_FF61, U_1F600), 0);
	json_object_set_new(o, U_FF61, json_integer(2));
	json_object_set_new(o, U_1F600, json_integer(1));
	expect(o, "{\"" U_1F600 "\":1,\"" U_FF61 "\":2}");

	/* the same with the order of insertion reversed */
	o = json_object();
	json_object_set_new(o, U_1F600, json_integer(1));
	json_object_set_new(o, U_FF61, json_integer(2));
	expect(o, "{\"" U_1F600 "\":1,\"" U_FF61 "\":2}");

	/* U+E000 (EE ..) against U+10000 (F0 .. / D800 ..) */
	ck_assert_int_lt(strcmp(U_E000, U_10000), 0);
	o = json_object();
	json_object_set_new(o, U_E000, json_string("e000"));
	json_object_set_new(o, U_10000, json_string("10000"));
	expect(o, "{\"" U_10000 "\":\"10000\",\"" U_E000 "\":\"e000\"}");

	/* U+FFFF, the largest BMP code unit, still sorts after every surrogate */
	o = json_object();
	json_object_set_new(o, U_FFFF, json_true());
	json_object_set_new(o, U_10000, json_false());
	json_object_set_new(o, U_1F600, json_null());
	expect(o, "{\"" U_10000 "\":false,\"" U_1F600 "\":null,\"" U_FFFF "\":true}");
}
END_TEST

START_TEST(test_rfc8785_sorting_example)
{
	/* RFC 8785 §3.2.3: the input and its sorted member order */
	expect_text("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\","
	            "\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\","
	            "\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
	            "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
	            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"" U_0080 "\":\"Control\",\""
	            U_00F6 "\":\"Latin Small Letter O With Diaeresis\",\"" U_20AC "\":\"Euro Sign\",\""
	            U_1F600 "\":\"Emoji: Grinning Face\",\"" U_FB33 "\":\"Hebrew Letter Dalet With Dagesh\"}");
}
END_TEST

START_TEST(test_key_order_mixed)
{
	json_t *o = json_object();

	/* inserted in a scrambled order; prefixes sort first, upper case before lower case */
	json_object_set_new(o, "b", json_integer(5));
	json_object_set_new(o, U_540D U_79F0, json_integer(8));
	json_object_set_new(o, "ab", json_integer(4));
	json_object_set_new(o, U_1F600, json_integer(9));
	json_object_set_new(o, "", json_integer(1));
	json_object_set_new(o, U_FF71, json_integer(11));
	json_object_set_new(o, "a", json_integer(3));
	json_object_set_new(o, U_4E2D, json_integer(7));
	json_object_set_new(o, "A", json_integer(2));
	json_object_set_new(o, U_FF61, json_integer(10));
	json_object_set_new(o, U_00E9, json_integer(6));
	json_object_set_new(o, U_1F600 "a", json_integer(12));
	expect(o, "{\"\":1,\"A\":2,\"a\":3,\"ab\":4,\"b\":5,\"" U_00E9 "\":6,\"" U_4E2D "\":7,\""
	          U_540D U_79F0 "\":8,\"" U_1F600 "\":9,\"" U_1F600 "a\":12,\"" U_FF61 "\":10,\""
	          U_FF71 "\":11}");
}
END_TEST

START_TEST(test_python_equivalence_bmp)
{
	/* For BMP-only names, Python's sort by code point is the UTF-16 order; these are the bytes
	 * json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) writes. */
	expect_text("{\"title\": \"2026年12月食品经营者双随机抽查\", \"id\": \"T-1\", "
	            "\"departments\": [\"330100-SCJG\"], \"名称\": \"杭州 \\\"乐活\\\" 食品\", "
	            "\"中\": {\"z\": [], \"é\": {}, \"a\": [1, -2, {\"y\": null, \"x\": true}]}, "
	            "\"\\t\": false, \" \": \"tab sorts before space\"}",
	            "{\"\\t\":false,\" \":\"tab sorts before space\",\"departments\":[\"330100-SCJG\"],"
	            "\"id\":\"T-1\",\"title\":\"2026年12月食品经营者双随机抽查\","
	            "\"中\":{\"a\":[1,-2,{\"x\":true,\"y\":null}],\"z\":[],\"é\":{}},"
	            "\"名称\":\"杭州 \\\"乐活\\\" 食品\"}");
}
END_TEST

/* ---- strings --------------------------------------------------------------------------- */

START_TEST(test_string_escapes)
{
	char raw[64];
	size_t n = 0;
	unsigned c;

	for (c = 0; c < 0x20; c++)
		raw[n++] = (char)c;
	raw[n++] = '"';
	raw[n++] = '\\';
	raw[n++] = '/';
	raw[n++] = 0x7f;
	memcpy(raw + n, U_00E9 U_4E2D U_1F600, 9);
	n += 9;
	expect(json_stringn(raw, n),
	       "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
	       "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
	       "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\\"\\\\/\x7f" "" U_00E9 U_4E2D U_1F600 "\"");
}
END_TEST

START_TEST(test_string_escapes_in_names)
{
	json_t *o = json_object();

	json_object_set_new(o, "a\nb", json_integer(1));
	json_object_set_new(o, "q\"", json_integer(2));
	json_object_set_new(o, "\\", json_integer(3));
	json_object_set_new(o, "\x1f", json_integer(4));
	/* sorted by the unescaped code units: 0x1F, 'a' (0x61), 'q' (0x71)... and '\\' is 0x5C */
	expect(o, "{\"\\u001f\":4,\"\\\\\":3,\"a\\nb\":1,\"q\\\"\":2}");
}
END_TEST

START_TEST(test_rfc8785_example_without_floats)
{
	/* RFC 8785 §3.2.2 with the "numbers" member replaced by integers (yaohao has no floats) */
	expect_text("{\"numbers\": [333333333, 1000000, 4, -2, 0],"
	            " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
	            " \"literals\": [null, true, false]}",
	            "{\"literals\":[null,true,false],\"numbers\":[333333333,1000000,4,-2,0],"
	            "\"string\":\"" U_20AC "$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	/* and the example exactly as the RFC gives it, floats included, is refused */
	expect_refused(parse("{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
	                     " \"literals\": [null, true, false]}"));
}
END_TEST

/* ---- numbers, literals, structure -------------------------------------------------------- */

START_TEST(test_integers)
{
	json_t *a = json_array();

	json_array_append_new(a, json_integer(0));
	json_array_append_new(a, json_integer(-1));
	json_array_append_new(a, json_integer(1));
	json_array_append_new(a, json_integer(123456789012LL));
	json_array_append_new(a, json_integer(9007199254740992LL));   /*  2^53 */
	json_array_append_new(a, json_integer(-9007199254740992LL));  /* -2^53 */
	json_array_append_new(a, json_integer(9007199254740991LL));
	expect(a, "[0,-1,1,123456789012,9007199254740992,-9007199254740992,9007199254740991]");
	/* "-0" in the input is the integer 0 */
	expect_text("[-0]", "[0]");
}
END_TEST

START_TEST(test_out_of_range_and_reals_refused)
{
	json_t *o;

	expect_refused(json_integer(9007199254740993LL));   /*  2^53 + 1 */
	expect_refused(json_integer(-9007199254740993LL));  /* -2^53 - 1 */
	expect_refused(json_integer(INT64_MAX));
	expect_refused(json_integer(INT64_MIN));
	expect_refused(json_real(1.5));
	expect_refused(json_real(2.0));                      /* a real, even with an integral value */
	expect_refused(json_real(0.0));
	/* anywhere inside a document */
	o = json_object();
	json_object_set_new(o, "a", json_integer(1));
	json_object_set_new(o, "x", json_pack("[i, {s:f}]", 1, "y", 0.5));
	expect_refused(o);
	o = json_object();
	json_object_set_new(o, "big", json_pack("{s:[I]}", "n", (json_int_t)9007199254740993LL));
	expect_refused(o);
	/* the refusal leaves the next call unaffected */
	expect(json_integer(7), "7");
}
END_TEST

START_TEST(test_literals_and_empty_containers)
{
	expect(json_null(), "null");
	expect(json_true(), "true");
	expect(json_false(), "false");
	expect(json_string(""), "\"\"");
	expect(json_object(), "{}");
	expect(json_array(), "[]");
	expect_text("{\"d\": \"\", \"c\": [{}], \"b\": [], \"a\": {}, \"e\": [[], [[]], {\"\": {}}]}",
	            "{\"a\":{},\"b\":[],\"c\":[{}],\"d\":\"\",\"e\":[[],[[]],{\"\":{}}]}");
}
END_TEST

START_TEST(test_nested)
{
	/* members sorted at every level; arrays keep their order; no whitespace anywhere */
	expect_text("{ \"b\" : { \"z\" : 1, \"y\" : [ { \"d\" : 1, \"c\" : 2 }, 3, 1, 2 ] },\n"
	            "  \"a\" : [ [ 3, [ 2, [ 1 ] ] ], { \"k\" : { \"j\" : { \"i\" : \"deep\" } } } ] }",
	            "{\"a\":[[3,[2,[1]]],{\"k\":{\"j\":{\"i\":\"deep\"}}}],"
	            "\"b\":{\"y\":[{\"c\":2,\"d\":1},3,1,2],\"z\":1}}");
}
END_TEST

START_TEST(test_depth)
{
	json_t *v = json_integer(1), *a;
	char want[256];
	int i;

	/* 32 levels are serialised */
	for (i = 0; i < 32; i++) {
		a = json_array();
		json_array_append_new(a, v);
		v = a;
	}
	memset(want, '[', 32);
	want[32] = '1';
	memset(want + 33, ']', 32);
	want[65] = '\0';
	expect(v, want);
	/* a pathological depth is refused rather than recursed into */
	v = json_integer(1);
	for (i = 0; i < 5000; i++) {
		a = json_array();
		json_array_append_new(a, v);
		v = a;
	}
	expect_refused(v);
}
END_TEST

START_TEST(test_big_document_stable)
{
	/* a document with many members: the order is the code-unit order whatever the insertion */
	json_t *o = json_object(), *p = json_object();
	char key[32], *a, *b;
	int i;

	for (i = 0; i < 500; i++) {
		snprintf(key, sizeof(key), "k%03d", (i * 7919) % 500);
		json_object_set_new(o, key, json_integer(i));
	}
	for (i = 499; i >= 0; i--) {
		snprintf(key, sizeof(key), "k%03d", (i * 7919) % 500);
		json_object_set_new(p, key, json_integer(i));
	}
	a = jcs(o);
	b = jcs(p);
	ck_assert_str_eq(a, b);
	ck_assert_msg(strncmp(a, "{\"k000\":0,\"k001\":", 17) == 0, "%.40s", a);
	ck_assert_ptr_nonnull(strstr(a, "\"k498\":"));
	ck_assert_ptr_nonnull(strstr(a, "\"k499\":"));
	ck_assert(strstr(a, "\"k498\":") < strstr(a, "\"k499\":"));
	free(a);
	free(b);
}
END_TEST

static Suite *jcs_suite(void)
{
	Suite *s = suite_create("jcs");
	TCase *tc = tu_tcase(s, "jcs", 0, 0);

	tcase_add_test(tc, test_utf16_order_differs_from_utf8);
	tcase_add_test(tc, test_rfc8785_sorting_example);
	tcase_add_test(tc, test_key_order_mixed);
	tcase_add_test(tc, test_python_equivalence_bmp);
	tcase_add_test(tc, test_string_escapes);
	tcase_add_test(tc, test_textbuf);
	tcase_add_test(tc, test_string_escapes_in_names);
	tcase_add_test(tc, test_rfc8785_example_without_floats);
	tcase_add_test(tc, test_integers);
	tcase_add_test(tc, test_out_of_range_and_reals_refused);
	tcase_add_test(tc, test_literals_and_empty_containers);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_big_document_stable);
	return s;
}

TU_MAIN(jcs_suite)
