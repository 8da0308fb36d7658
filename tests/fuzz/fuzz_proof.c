/*
 * fuzz_proof.c — the proof verifier.  Built twice:
 *   fuzz_proof           the input is the proof, checked against the food vector's
 *                        published document (fixtures/vectors/food/draw.json);
 *   fuzz_proof_document  (FUZZ_INPUT_IS_DOCUMENT) the input is the document, and the
 *                        proof is a real one of that draw (made by mkseeds).
 *
 * Promises checked: a report comes back exactly when the call returns YH_OK, with
 * "ok" and "checks"; a report that says ok has no failed check; "selected" is a
 * boolean when present.
 */
#include <stdint.h>
#include <string.h>

#include <yaohao/yaohao.h>

#include "fuzz.h"

static char *fixed;
static size_t fixed_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
#ifdef FUZZ_INPUT_IS_DOCUMENT
	fixed = fz_read(YAOHAO_FUZZ_SEEDS_DIR "/proof/selected.json", &fixed_len);
#else
	fixed = fz_read("vectors/food/draw.json", &fixed_len);
#endif
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *report = NULL, *checks, *c, *selected;
	size_t i;
	int rc, failed = 0;

#ifdef FUZZ_INPUT_IS_DOCUMENT
	rc = yh_proof_verify_buffer(&report, fixed, fixed_len, (const char *)data, size, NULL);
#else
	rc = yh_proof_verify_buffer(&report, (const char *)data, size, fixed, fixed_len, NULL);
#endif
	if (rc != YH_OK) {
		FZ_REQUIRE(report == NULL);
		FZ_REQUIRE(rc == YH_EDATA || rc == YH_EIO);
		return 0;
	}
	FZ_REQUIRE(json_is_object(report));
	FZ_REQUIRE(json_is_boolean(json_object_get(report, "ok")));
	checks = json_object_get(report, "checks");
	FZ_REQUIRE(json_is_array(checks));
	json_array_foreach(checks, i, c) {
		const char *status = json_string_value(json_object_get(c, "status"));

		FZ_REQUIRE(status && json_string_value(json_object_get(c, "check")));
		failed += strcmp(status, "failed") == 0;
	}
	FZ_REQUIRE(!json_is_true(json_object_get(report, "ok")) || failed == 0);
	selected = json_object_get(report, "selected");
	FZ_REQUIRE(!selected || json_is_boolean(selected));
	fz_touch_json(report);
	json_decref(report);
	return 0;
}
