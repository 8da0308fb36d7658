/* test_error.c — the per-thread last error: code, message, hint and subject (engine/error.c,
 * yaohao/error.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "error.h" /* private: yh_error_set, yh_error_set_hint, yh_error_clear */

START_TEST(test_set_code_and_message)
{
	yh_error_clear();
	ck_assert_int_eq(yh_error_code(), YH_OK);
	ck_assert_str_eq(yh_error_message(), "no error");
	ck_assert_int_eq(yh_error_set(YH_EDATA, "row %d: '%s' is %s", 7, "X", "bad"), YH_EDATA);
	ck_assert_int_eq(yh_error_code(), YH_EDATA);
	ck_assert_str_eq(yh_error_message(), "row 7: 'X' is bad");
	/* the next failure replaces it */
	ck_assert_int_eq(yh_error_set(YH_EIO, "cannot read"), YH_EIO);
	ck_assert_int_eq(yh_error_code(), YH_EIO);
	ck_assert_str_eq(yh_error_message(), "cannot read");
	yh_error_clear();
	ck_assert_int_eq(yh_error_code(), YH_OK);
	ck_assert_str_eq(yh_error_message(), "no error");
}
END_TEST

START_TEST(test_hint_and_subject)
{
	ck_assert_int_eq(yh_error_set_hint(YH_ENOTFOUND, YH_HINT_LIST_TASKS, "T-1", "no task %s", "T-1"),
	                 YH_ENOTFOUND);
	ck_assert_int_eq(yh_error_code(), YH_ENOTFOUND);
	ck_assert_int_eq(yh_error_hint(), YH_HINT_LIST_TASKS);
	ck_assert_str_eq(yh_error_subject(), "T-1");
	ck_assert_str_eq(yh_error_message(), "no task T-1");
	/* a plain failure after it has neither */
	yh_error_set(YH_EDATA, "other");
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NONE);
	ck_assert_str_eq(yh_error_subject(), "");
	/* a NULL subject is "" */
	yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, NULL, "x");
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NEEDS_KEY);
	ck_assert_str_eq(yh_error_subject(), "");
	yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, "s", "x");
	yh_error_clear();
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NONE);
	ck_assert_str_eq(yh_error_subject(), "");
}
END_TEST

/* The message may be an argument of the next one: "<new context>: <old message>". */
START_TEST(test_message_as_argument)
{
	char big[1500];

	yh_error_set(YH_EDATA, "stratum 'A' has 3 entities");
	yh_error_set(YH_ESTORE, "%s: the store changed since the commit of task '%s'", yh_error_message(), "T");
	ck_assert_str_eq(yh_error_message(), "stratum 'A' has 3 entities: the store changed since the commit of task 'T'");
	ck_assert_int_eq(yh_error_code(), YH_ESTORE);
	/* after its own text, twice */
	yh_error_set(YH_EDATA, "abc");
	yh_error_set(YH_EDATA, "[%s|%s]", yh_error_message(), yh_error_message());
	ck_assert_str_eq(yh_error_message(), "[abc|abc]");
	/* with a hint, too */
	yh_error_set_hint(YH_EDATA, YH_HINT_RUN_AUDIT, "T", "x %s", yh_error_message());
	ck_assert_str_eq(yh_error_message(), "x [abc|abc]");
	/* a long message is cut at 1023 bytes, its beginning intact, also when it quotes itself */
	memset(big, 'm', sizeof(big) - 1);
	big[0] = '<';
	big[sizeof(big) - 1] = '\0';
	yh_error_set(YH_EDATA, "%s", big);
	ck_assert_uint_eq(strlen(yh_error_message()), 1023);
	ck_assert(strncmp(yh_error_message(), big, 1023) == 0);
	yh_error_set(YH_EDATA, "ctx: %s", yh_error_message());
	ck_assert_uint_eq(strlen(yh_error_message()), 1023);
	ck_assert(strncmp(yh_error_message(), "ctx: <mmm", 9) == 0);
}
END_TEST

/* The error is per thread: another thread neither sees nor disturbs this one's. */
static void *other_thread(void *arg)
{
	char *seen = arg;

	snprintf(seen, 256, "%d %s", yh_error_code(), yh_error_message());
	yh_error_set_hint(YH_EIO, YH_HINT_TRY_GB18030, "f.csv", "the other thread's error");
	return NULL;
}

START_TEST(test_per_thread)
{
	pthread_t t;
	char seen[256];

	yh_error_set_hint(YH_EDATA, YH_HINT_NEEDS_COMMIT, "T-1", "this thread's error");
	ck_assert_int_eq(pthread_create(&t, NULL, other_thread, seen), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_str_eq(seen, "0 no error");
	ck_assert_int_eq(yh_error_code(), YH_EDATA);
	ck_assert_str_eq(yh_error_message(), "this thread's error");
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NEEDS_COMMIT);
	ck_assert_str_eq(yh_error_subject(), "T-1");
}
END_TEST

/* Hint names are the enum's names, lower case, without YH_HINT_ (they are machine output). */
START_TEST(test_hint_names)
{
#define HINT(x) { YH_HINT_##x, #x }
	static const struct {
		yh_hint hint;
		const char *name;
	} hints[] = {
		HINT(ADD_STATUS_WORD), HINT(IMPORT_CALENDAR),
		HINT(NONE), HINT(CREATE_STORE), HINT(NEEDS_KEY), HINT(NEEDS_NEW_KEY), HINT(NEEDS_COMMIT),
		HINT(NEEDS_DRAW), HINT(LIST_TASKS), HINT(TRY_GB18030), HINT(ACCEPT_BAD_CHECK),
		HINT(PARTIAL_IMPORT), HINT(RUN_AUDIT), HINT(RAISE_LOAD_CAP), HINT(GIVE_PUBLIC_KEY),
		HINT(GIVE_ENTITIES), HINT(GIVE_INSPECTORS), HINT(GIVE_CONFLICTS), HINT(GIVE_EARLIER),
		HINT(GIVE_FEED),
	};
#undef HINT
	size_t i, j;

	ck_assert_uint_eq(sizeof(hints) / sizeof(hints[0]), YH_HINT_COUNT);
	for (i = 0; i < YH_HINT_COUNT; i++) {
		char want[64];

		for (j = 0; hints[i].name[j]; j++)
			want[j] = (char)(hints[i].name[j] + ('A' <= hints[i].name[j] && hints[i].name[j] <= 'Z' ? 32 : 0));
		want[j] = '\0';
		ck_assert_str_eq(yh_hint_name(hints[i].hint), want);
	}
	ck_assert_str_eq(yh_hint_name(YH_HINT_COUNT), "none");
	ck_assert_str_eq(yh_hint_name((yh_hint)-1), "none");
}
END_TEST

/* Every code has its own name; anything else is an internal error. */
START_TEST(test_error_names)
{
	static const int codes[] = { YH_OK, YH_ENOMEM, YH_EIO, YH_EDATA, YH_ESTORE, YH_EEXIST, YH_ENOTFOUND,
	                             YH_EINVAL, YH_ESTALE };
	size_t i, j, n = sizeof(codes) / sizeof(codes[0]);

	for (i = 0; i < n; i++) {
		ck_assert_str_ne(yh_error_name(codes[i]), "internal error");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(yh_error_name(codes[i]), yh_error_name(codes[j]));
	}
	ck_assert_str_eq(yh_error_name(YH_OK), "ok");
	ck_assert_str_eq(yh_error_name(YH_ERROR), "internal error");
	ck_assert_str_eq(yh_error_name(-100), "internal error");
	ck_assert_str_eq(yh_error_name(1), "internal error");
}
END_TEST

static Suite *error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tu_tcase(s, "error", 0, 0);

	tcase_add_test(tc, test_set_code_and_message);
	tcase_add_test(tc, test_hint_and_subject);
	tcase_add_test(tc, test_message_as_argument);
	tcase_add_test(tc, test_per_thread);
	tcase_add_test(tc, test_hint_names);
	tcase_add_test(tc, test_error_names);
	return s;
}

TU_MAIN(error_suite)
