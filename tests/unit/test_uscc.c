/* test_uscc.c — GB 32100-2015 credit code validation (yaohao/uscc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* An independent reference: weights computed as 3^(i-1) mod 31, not read
 * from a table, so that a wrong weight in the engine shows up. */
static int ref_sum(const char *s)
{
	int sum = 0, w = 1, i;

	for (i = 0; i < 17; i++) {
		const char *p = strchr(alphabet, s[i]);

		ck_assert_msg(p && s[i], "reference: bad character in %.18s", s);
		sum += (int)(p - alphabet) * w;
		w = (w * 3) % 31;
	}
	return sum % 31;
}

static char ref_check(const char *s)
{
	int c = 31 - ref_sum(s);

	return alphabet[c == 31 ? 0 : c];
}

static const char *const valid_vectors[] = {
	"91350100M000100Y43", "91110000101623741K", "91440300708461136T", "914403001922038216",
};

START_TEST(test_valid_vectors)
{
	const char *id = valid_vectors[_i];
	yh_uscc_result res;

	memset(&res, 0x55, sizeof(res));
	ck_assert_int_eq(yh_uscc_check(&res, id, strlen(id)), YH_USCC_OK);
	ck_assert_int_eq(res.status, YH_USCC_OK);
	ck_assert_int_eq(yh_uscc_check(NULL, id, strlen(id)), YH_USCC_OK);
	ck_assert_int_eq(yh_uscc_check_char(id), id[17]);
	ck_assert_int_eq(ref_check(id), id[17]);
}
END_TEST

START_TEST(test_published_failing_vector)
{
	yh_uscc_result res;
	char buf[256];

	ck_assert_int_eq(yh_uscc_check(&res, "91350211M0000XUF46", 18), YH_USCC_BAD_CHECK);
	ck_assert_int_eq(res.status, YH_USCC_BAD_CHECK);
	ck_assert_int_eq(res.found, '6');
	ck_assert_int_eq(res.expected, 'R');
	ck_assert_int_eq(res.expected, ref_check("91350211M0000XUF46"));
	ck_assert_int_eq(yh_uscc_check_char("91350211M0000XUF4"), 'R');
	yh_uscc_explain(buf, sizeof(buf), &res);
	ck_assert_ptr_nonnull(strstr(buf, "check character is '6', expected 'R'"));
	/* the corrected code passes */
	ck_assert_int_eq(yh_uscc_check(&res, "91350211M0000XUF4R", 18), YH_USCC_OK);
}
END_TEST

/* Check character '0': the sum is 0 mod 31, so 31 - 0 = 31 is written '0'. */
START_TEST(test_check_char_zero)
{
	char *line = tu_file_line(tu_fixture("entities.csv"), 66);
	yh_uscc_result res;

	ck_assert_ptr_nonnull(line);
	ck_assert_msg(strncmp(line, "913301104642419020,", 19) == 0, "fixture line 66: %s", line);
	ck_assert_int_eq(ref_sum(line), 0);
	ck_assert_int_eq(yh_uscc_check_char(line), '0');
	ck_assert_int_eq(yh_uscc_check(&res, line, 18), YH_USCC_OK);
	/* any other final character fails, expecting '0' */
	line[17] = 'Y';
	ck_assert_int_eq(yh_uscc_check(&res, line, 18), YH_USCC_BAD_CHECK);
	ck_assert_int_eq(res.expected, '0');
	ck_assert_int_eq(res.found, 'Y');
	free(line);
}
END_TEST

/* Check character 'Y': the sum is 1 mod 31, 31 - 1 = 30, the last symbol. */
START_TEST(test_check_char_y)
{
	char *line = tu_file_line(tu_fixture("entities.csv"), 70);
	yh_uscc_result res;

	ck_assert_ptr_nonnull(line);
	ck_assert_msg(strncmp(line, "92330106MA75DJPKXY,", 19) == 0, "fixture line 70: %s", line);
	ck_assert_int_eq(ref_sum(line), 1);
	ck_assert_int_eq(yh_uscc_check_char(line), 'Y');
	ck_assert_int_eq(yh_uscc_check(&res, line, 18), YH_USCC_OK);
	line[17] = '0';
	ck_assert_int_eq(yh_uscc_check(&res, line, 18), YH_USCC_BAD_CHECK);
	ck_assert_int_eq(res.expected, 'Y');
	ck_assert_int_eq(res.found, '0');
	free(line);
}
END_TEST

/* Every credit code of the fixture register is valid and agrees with the reference. */
START_TEST(test_fixture_register_all_valid)
{
	size_t len;
	char *all = tu_read(tu_fixture("entities.csv"), &len), *p, *save = NULL;
	int n = 0, zeros = 0, ys = 0;

	p = strtok_r(all, "\n", &save); /* header */
	while ((p = strtok_r(NULL, "\n", &save)) != NULL) {
		yh_uscc_result res;

		ck_assert_msg(yh_uscc_check(&res, p, 18) == YH_USCC_OK, "line %d: %.18s: status %d",
		              n + 2, p, res.status);
		ck_assert_int_eq(ref_check(p), p[17]);
		zeros += p[17] == '0';
		ys += p[17] == 'Y';
		n++;
	}
	ck_assert_int_eq(n, 300);
	/* fixtures/README.md: 7 codes end in '0' and 9 in 'Y' */
	ck_assert_int_eq(zeros, 7);
	ck_assert_int_eq(ys, 9);
	free(all);
}
END_TEST

/* Any single wrong character among the first 17 is caught (31 is prime and
 * no weight is 0 mod 31), and so is any wrong check character. */
START_TEST(test_single_substitutions_detected)
{
	const char *id = valid_vectors[_i];
	char buf[19];
	size_t pos, k;

	for (pos = 0; pos < 18; pos++) {
		for (k = 0; k < 31; k++) {
			yh_uscc_result res;

			if (alphabet[k] == id[pos])
				continue;
			memcpy(buf, id, 19);
			buf[pos] = alphabet[k];
			ck_assert_msg(yh_uscc_check(&res, buf, 18) == YH_USCC_BAD_CHECK,
			              "%s not caught", buf);
			ck_assert_int_eq(res.found, buf[17]);
			ck_assert_int_eq(res.expected, ref_check(buf));
			if (pos == 17)
				ck_assert_int_eq(res.expected, id[17]);
		}
	}
}
END_TEST

/* Swapping two different adjacent characters among the first 17 changes the
 * sum by 2 * w_i * (a - b), never 0 mod 31. */
START_TEST(test_adjacent_transpositions_detected)
{
	const char *id = valid_vectors[_i];
	char buf[19];
	size_t pos;

	for (pos = 0; pos + 1 < 17; pos++) {
		if (id[pos] == id[pos + 1])
			continue;
		memcpy(buf, id, 19);
		buf[pos] = id[pos + 1];
		buf[pos + 1] = id[pos];
		ck_assert_msg(yh_uscc_check(NULL, buf, 18) == YH_USCC_BAD_CHECK, "%s not caught", buf);
	}
}
END_TEST

START_TEST(test_bad_length)
{
	static const char *const ids[] = {
		"91350100M000100Y4", "91350100M000100Y43X", "9", "91350100M000100Y43913501",
	};
	yh_uscc_result res;
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		size_t len = strlen(ids[i]);

		ck_assert_int_eq(yh_uscc_check(&res, ids[i], len), YH_USCC_BAD_LENGTH);
		ck_assert_int_eq(res.status, YH_USCC_BAD_LENGTH);
		ck_assert_uint_eq(res.position, len);
		yh_uscc_explain(buf, sizeof(buf), &res);
		ck_assert_msg(strstr(buf, "characters, a credit code has 18") != NULL, "%s", buf);
	}
	yh_uscc_explain(buf, sizeof(buf), &(yh_uscc_result){ YH_USCC_BAD_LENGTH, 17, 0, 0 });
	ck_assert_str_eq(buf, "has 17 characters, a credit code has 18");
}
END_TEST

START_TEST(test_empty)
{
	yh_uscc_result res;

	ck_assert_int_eq(yh_uscc_check(&res, "", 0), YH_USCC_BAD_LENGTH);
	ck_assert_uint_eq(res.position, 0);
	/* the length decides, even when the pointer is at a longer string */
	ck_assert_int_eq(yh_uscc_check(&res, "91350100M000100Y43", 0), YH_USCC_BAD_LENGTH);
}
END_TEST

/* The forbidden letters I, O, S, V, Z, at several positions, are reported with their position. */
START_TEST(test_forbidden_letters)
{
	static const char letters[] = "IOSVZ";
	static const size_t positions[] = { 1, 2, 9, 17, 18 };
	yh_uscc_result res;
	char buf[19], msg[256];
	size_t l, p;

	for (l = 0; l < 5; l++) {
		for (p = 0; p < sizeof(positions) / sizeof(positions[0]); p++) {
			memcpy(buf, "91350100M000100Y43", 19);
			buf[positions[p] - 1] = letters[l];
			ck_assert_int_eq(yh_uscc_check(&res, buf, 18), YH_USCC_BAD_CHAR);
			ck_assert_uint_eq(res.position, positions[p]);
			ck_assert_int_eq(res.found, letters[l]);
			yh_uscc_explain(msg, sizeof(msg), &res);
			{
				char want[32];

				snprintf(want, sizeof(want), "character %zu '%c'", positions[p], letters[l]);
				ck_assert_msg(strstr(msg, want) != NULL, "'%s' lacks '%s'", msg, want);
			}
			ck_assert_ptr_nonnull(strstr(msg, "I, O, S, V, Z"));
		}
	}
	/* the first bad character is the one reported */
	ck_assert_int_eq(yh_uscc_check(&res, "91350100MOOO100Y43", 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 10);
}
END_TEST

/* Lower case is not accepted here: callers normalise case first. */
START_TEST(test_lowercase)
{
	yh_uscc_result res;

	ck_assert_int_eq(yh_uscc_check(&res, "91350100m000100Y43", 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 9);
	ck_assert_int_eq(res.found, 'm');
	ck_assert_int_eq(yh_uscc_check(&res, "91110000101623741k", 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 18);
	ck_assert_int_eq(yh_uscc_check_char("91350100m000100Y4"), 0);
}
END_TEST

/* A NUL byte inside the 18 is a bad character, not the end of the string. */
START_TEST(test_embedded_nul)
{
	char buf[19];
	yh_uscc_result res;
	char msg[256];

	memcpy(buf, "91350100M000100Y43", 19);
	buf[4] = '\0';
	ck_assert_int_eq(yh_uscc_check(&res, buf, 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 5);
	yh_uscc_explain(msg, sizeof(msg), &res);
	ck_assert_msg(strstr(msg, "character 5 (byte 0x00)") != NULL, "%s", msg);
	ck_assert_int_eq(yh_uscc_check_char(buf), 0);

	memcpy(buf, "91350100M000100Y43", 19);
	buf[17] = '\0';
	ck_assert_int_eq(yh_uscc_check(&res, buf, 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 18);
}
END_TEST

/* Bytes outside ASCII (a full-width digit, a stray high byte) are bad characters. */
START_TEST(test_non_ascii)
{
	yh_uscc_result res;
	char buf[19], msg[256];

	memcpy(buf, "91350100M000100Y43", 19);
	buf[0] = (char)0xEF;
	ck_assert_int_eq(yh_uscc_check(&res, buf, 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 1);
	yh_uscc_explain(msg, sizeof(msg), &res);
	ck_assert_msg(strstr(msg, "character 1 (byte 0xef)") != NULL, "%s", msg);
	/* "９" (U+FF19) in place of the leading 9: 20 bytes, so a length error */
	ck_assert_int_eq(yh_uscc_check(&res, "\xEF\xBC\x99" "1350100M000100Y43", 20),
	                 YH_USCC_BAD_LENGTH);
	/* a space and punctuation */
	ck_assert_int_eq(yh_uscc_check(&res, "91350100 000100Y43", 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 9);
	ck_assert_int_eq(yh_uscc_check(&res, "91350100-000100Y43", 18), YH_USCC_BAD_CHAR);
	ck_assert_uint_eq(res.position, 9);
}
END_TEST

START_TEST(test_check_char)
{
	/* first 17 of each vector */
	ck_assert_int_eq(yh_uscc_check_char("91350100M000100Y4"), '3');
	ck_assert_int_eq(yh_uscc_check_char("91110000101623741"), 'K');
	ck_assert_int_eq(yh_uscc_check_char("91440300708461136"), 'T');
	ck_assert_int_eq(yh_uscc_check_char("91440300192203821"), '6');
	/* all zeros: sum 0, check '0'; the 18th character is not read */
	ck_assert_int_eq(yh_uscc_check_char("00000000000000000"), '0');
	ck_assert_int_eq(yh_uscc_check_char("00000000000000000ZZZ"), '0');
	/* "1" then zeros: sum 1, check 30 -> 'Y' */
	ck_assert_int_eq(yh_uscc_check_char("10000000000000000"), 'Y');
	/* 'Y' (30) at position 17 with weight 28: 840 mod 31 = 3, check 28 -> 'W' */
	ck_assert_int_eq(yh_uscc_check_char("0000000000000000Y"), 'W');
	ck_assert_int_eq(ref_check("0000000000000000Y"), 'W');
	/* characters outside the alphabet give 0 */
	ck_assert_int_eq(yh_uscc_check_char("9135010OM000100Y4"), 0);
	ck_assert_int_eq(yh_uscc_check_char("91350100M000100YI"), 0);
}
END_TEST

START_TEST(test_explain)
{
	yh_uscc_result res;
	char buf[256], small[12];

	yh_uscc_check(&res, "91350100M000100Y43", 18);
	yh_uscc_explain(buf, sizeof(buf), &res);
	ck_assert_str_eq(buf, "valid");

	yh_uscc_check(&res, "91350100M000100Y44", 18);
	yh_uscc_explain(buf, sizeof(buf), &res);
	ck_assert_msg(strncmp(buf, "check character is '4', expected '3'", 36) == 0, "%s", buf);

	yh_uscc_check(&res, "91350100M0001O0Y43", 18);
	yh_uscc_explain(buf, sizeof(buf), &res);
	ck_assert_msg(strncmp(buf, "character 14 'O' is not allowed in a credit code", 48) == 0,
	              "%s", buf);

	/* a small buffer is filled and terminated, never overrun */
	memset(small, 'x', sizeof(small));
	yh_uscc_explain(small, sizeof(small), &res);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(strncmp(small, "character 1", 11) == 0);
}
END_TEST

static Suite *uscc_suite(void)
{
	Suite *s = suite_create("uscc");
	TCase *tc = tu_tcase(s, "core", 0, 0);
	TCase *fx = tu_tcase(s, "fixtures", 0, 0);
	size_t nvec = sizeof(valid_vectors) / sizeof(valid_vectors[0]);

	tcase_add_loop_test(tc, test_valid_vectors, 0, (int)nvec);
	tcase_add_test(tc, test_published_failing_vector);
	tcase_add_loop_test(tc, test_single_substitutions_detected, 0, (int)nvec);
	tcase_add_loop_test(tc, test_adjacent_transpositions_detected, 0, (int)nvec);
	tcase_add_test(tc, test_bad_length);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_forbidden_letters);
	tcase_add_test(tc, test_lowercase);
	tcase_add_test(tc, test_embedded_nul);
	tcase_add_test(tc, test_non_ascii);
	tcase_add_test(tc, test_check_char);
	tcase_add_test(tc, test_explain);

	tcase_add_test(fx, test_check_char_zero);
	tcase_add_test(fx, test_check_char_y);
	tcase_add_test(fx, test_fixture_register_all_valid);
	return s;
}

TU_MAIN(uscc_suite)
