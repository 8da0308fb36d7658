/* test_page.c — the public page (page.c, yh_page_html): what it embeds and where, and what it
 * refuses.  The page's checks themselves run in a browser (tests/web/run.sh). */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"

static const char draw[] = "{\"format\": \"yaohao-draw/2\", \"task_id\": \"T-1\"}";

/* The page of in, which must be made. */
static char *page_of(const yh_page_inputs *in)
{
	char *page = NULL;
	int rc = yh_page_html(&page, in);

	ck_assert_msg(rc == YH_OK, "yh_page_html: %d %s", rc, yh_error_message());
	ck_assert_ptr_nonnull(page);
	return page;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	const char *s;

	for (s = text; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

#define PROOF_EL "\n<script type=\"application/json\" data-proof>\n"

START_TEST(test_proofs_embedded)
{
	static const char p1[] = "{\"entity_id\": \"A1\", \"row\": {\"name\": \"</script><b>\"}}";
	static const char p2[] = "{\"entity_id\": \"B2\"}";
	const char *proofs[] = { p1, p2 };
	yh_page_inputs in = YH_PAGE_INPUTS_INIT;
	char *page, *a, *b, *scripts;

	in.draw = draw;
	page = page_of(&in);
	ck_assert_uint_eq(count(page, PROOF_EL), 0);
	free(page);

	in.proofs = proofs;
	in.nproofs = 2;
	page = page_of(&in);
	ck_assert_uint_eq(count(page, PROOF_EL), 2);
	/* in the order given, after the draw document, before the page's scripts */
	a = strstr(page, PROOF_EL "{\"entity_id\": \"A1\"");
	b = strstr(page, PROOF_EL "{\"entity_id\": \"B2\"}\n</script>\n");
	scripts = strstr(page, "<!-- The checks:");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(scripts);
	ck_assert(strstr(page, "id=\"draw-document\"") < a && a < b && b < scripts);
	/* a '<' in a proof cannot end its element */
	ck_assert_ptr_nonnull(strstr(a, "\"name\": \"\\u003c/script>\\u003cb>\"}}\n</script>"));
	ck_assert_uint_eq(count(page, "</script><b>"), 0);
	free(page);
}
END_TEST

START_TEST(test_version_1)
{
	/* a caller built against version 1 has no proofs in its struct: they are not read */
	const char *proofs[] = { "{\"entity_id\": \"A1\"}" };
	yh_page_inputs in = YH_PAGE_INPUTS_INIT;
	char *page;

	ck_assert_uint_eq(in.version, 2);
	in.version = 1;
	in.draw = draw;
	in.proofs = proofs;
	in.nproofs = 1;
	page = page_of(&in);
	ck_assert_uint_eq(count(page, PROOF_EL), 0);
	free(page);
}
END_TEST

START_TEST(test_refused)
{
	const char *bad[] = { "[1, 2]", "not json", NULL };
	const char *good[] = { "{}" };
	yh_page_inputs in = YH_PAGE_INPUTS_INIT;
	char *page = (char *)0x1;
	size_t i;

	in.draw = draw;
	for (i = 0; i < 2; i++) {
		in.proofs = bad + i;
		in.nproofs = 1;
		ck_assert_int_eq(yh_page_html(&page, &in), YH_EDATA);
		ck_assert_ptr_null(page);
		ck_assert_ptr_nonnull(strstr(yh_error_message(), "the entity proof is not a JSON object"));
	}
	in.proofs = bad + 2;
	ck_assert_int_eq(yh_page_html(&page, &in), YH_EINVAL);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "proof 1 is NULL"));
	in.proofs = NULL;
	ck_assert_int_eq(yh_page_html(&page, &in), YH_EINVAL);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "1 proofs, but no array"));
	in.proofs = good;
	in.draw = "[]";
	ck_assert_int_eq(yh_page_html(&page, &in), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "draw document"));
	in.draw = NULL;
	ck_assert_int_eq(yh_page_html(&page, &in), YH_EINVAL);
	in.draw = draw;
	in.version = 0;
	ck_assert_int_eq(yh_page_html(&page, &in), YH_EINVAL);
	in.version = YH_PAGE_INPUTS_VERSION + 1;
	ck_assert_int_eq(yh_page_html(&page, &in), YH_EINVAL);
	ck_assert_ptr_null(page);
	in.version = YH_PAGE_INPUTS_VERSION;
	page = page_of(&in);
	free(page);
}
END_TEST

static Suite *page_suite(void)
{
	Suite *s = suite_create("page");
	TCase *tc = tu_tcase(s, "page", 0, 0);

	tcase_add_test(tc, test_proofs_embedded);
	tcase_add_test(tc, test_version_1);
	tcase_add_test(tc, test_refused);
	return s;
}

TU_MAIN(page_suite)
