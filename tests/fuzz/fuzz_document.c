/*
 * fuzz_document.c — the draw document verifier over an arbitrary document,
 * once with no other input and once with the food vector's published registers
 * (given in memory), the test key and the department's feed, so that a document
 * that gets far enough is replayed from the registers.
 *
 * Promises checked: a report comes back exactly when the call returns YH_OK, and
 * it has "ok" (a boolean) and "checks"; bytes that are not a JSON document are
 * YH_EDATA; a report that says ok has no failed check.
 */
#include <stdint.h>
#include <string.h>

#include <yaohao/yaohao.h>

#include "fuzz.h"

static yh_verify_inputs with = YH_VERIFY_INPUTS_INIT;
static char key_path[4096], feed_path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	with.entities_data = fz_read("vectors/food/entities.csv", &with.entities_len);
	with.inspectors_data = fz_read("vectors/food/inspectors.csv", &with.inspectors_len);
	with.conflicts_data = fz_read("vectors/food/conflicts.csv", &with.conflicts_len);
	snprintf(key_path, sizeof(key_path), "%s/vectors/test-key.pub", YAOHAO_FIXTURES_DIR);
	snprintf(feed_path, sizeof(feed_path), "%s/vectors/feed.json", YAOHAO_FIXTURES_DIR);
	with.public_key = key_path;
	with.feed = feed_path;
	return 0;
}

static void check(const json_t *report)
{
	const json_t *checks = json_object_get(report, "checks"), *c;
	size_t i;
	int ok, failed = 0;

	FZ_REQUIRE(json_is_object(report));
	FZ_REQUIRE(json_is_boolean(json_object_get(report, "ok")));
	FZ_REQUIRE(json_is_array(checks));
	ok = json_is_true(json_object_get(report, "ok"));
	json_array_foreach(checks, i, c) {
		const char *status = json_string_value(json_object_get(c, "status"));

		FZ_REQUIRE(status && json_string_value(json_object_get(c, "check")));
		failed += strcmp(status, "failed") == 0;
	}
	FZ_REQUIRE(!ok || failed == 0);
	fz_touch_json(report);
}

static void verify(const uint8_t *data, size_t size, const yh_verify_inputs *in)
{
	json_t *report = NULL;
	int rc = yh_document_verify_buffer(&report, (const char *)data, size, in);

	if (rc == YH_OK) {
		check(report);
	} else {
		FZ_REQUIRE(report == NULL);
		FZ_REQUIRE(rc == YH_EDATA || rc == YH_EIO);
	}
	json_decref(report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verify(data, size, NULL);
	verify(data, size, &with);
	return 0;
}
