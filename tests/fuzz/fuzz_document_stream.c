/*
 * fuzz_document_stream.c — differential: the streaming reader of a draw document
 * (yh_draw_doc_load, draw_doc_stream.c) against jansson's parse of the whole text
 * (yh_verify_load_json + yh_draw_doc_parse), on the same bytes.
 *
 * Each input is read whole, streamed from memory (as a document and as a transcript),
 * and streamed from a file through a small window (1 to 64 bytes, from the input's
 * length) so that every value sits across a window's edge somewhere.
 *
 * Promise checked: every reading gives the same answer — the same code and message,
 * or documents alike in every value the parser gives (elements, teams, strata,
 * signed text, digests).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draw_doc.h"
#include "report.h"
#include "error.h"
#include "fuzz.h"

typedef struct {
	int rc;
	char *message;
	yh_draw_doc *doc;
} reading;

static char *dup_message(void)
{
	char *m = strdup(yh_error_message());

	FZ_REQUIRE(m);
	return m;
}

static reading read_whole(const uint8_t *data, size_t size, yh_draw_doc_kind kind)
{
	reading r = { 0, NULL, NULL };
	json_t *json = NULL;

	if ((r.rc = yh_verify_load_json(&json, (const char *)data, size, "doc", "a JSON document")) == YH_OK &&
	    (r.rc = yh_draw_doc_parse(&r.doc, json, kind)) < 0)
		r.message = dup_message();
	else if (r.rc < 0)
		r.message = dup_message();
	if (r.rc == YH_EDATA && json)
		r.rc = YH_OK; /* malformed: an answer, as yh_draw_doc_load gives it */
	json_decref(json);
	return r;
}

static reading read_stream(const uint8_t *data, size_t size, const char *path, yh_draw_doc_kind kind)
{
	reading r = { 0, NULL, NULL };

	r.rc = yh_draw_doc_load(&r.doc, &r.message, path, path ? NULL : (const char *)data, size, "doc", kind);
	if (r.rc < 0)
		r.message = dup_message();
	return r;
}

static int same_text(const char *a, const char *b)
{
	return !a == !b && (!a || strcmp(a, b) == 0);
}

static void same(const reading *a, const reading *b)
{
	const yh_draw_doc *x = a->doc, *y = b->doc;
	size_t i;

	FZ_REQUIRE(a->rc == b->rc);
	FZ_REQUIRE(same_text(a->message, b->message));
	FZ_REQUIRE(!x == !y);
	if (!x)
		return;
	FZ_REQUIRE(same_text(x->signed_text, y->signed_text));
	FZ_REQUIRE(same_text(x->signed_error, y->signed_error));
	FZ_REQUIRE(same_text(x->task_text, y->task_text));
	FZ_REQUIRE(same_text(x->task_error, y->task_error));
	FZ_REQUIRE(memcmp(x->transcript_sha256, y->transcript_sha256, 32) == 0);
	FZ_REQUIRE(memcmp(x->announcement_digest, y->announcement_digest, 32) == 0);
	FZ_REQUIRE(same_text(x->department, y->department) && same_text(x->task_id, y->task_id));
	FZ_REQUIRE(same_text(x->entropy_source, y->entropy_source));
	FZ_REQUIRE(same_text(x->entropy_value, y->entropy_value));
	FZ_REQUIRE(x->nselected == y->nselected && x->nreserves == y->nreserves && x->nstrata == y->nstrata);
	for (i = 0; i < x->nselected; i++) {
		FZ_REQUIRE(yh_doc_selected_equal(&x->selected[i], &y->selected[i], 1));
		fz_touch(x->selected[i].name, strlen(x->selected[i].name), 1);
	}
	for (i = 0; i < x->nreserves; i++) {
		FZ_REQUIRE(yh_doc_reserve_equal(&x->reserves[i], &y->reserves[i]));
		fz_touch(x->reserves[i].name, strlen(x->reserves[i].name), 1);
	}
	for (i = 0; i < x->nstrata; i++)
		FZ_REQUIRE(yh_doc_stratum_equal(&x->strata[i], &y->strata[i]));
}

static void clear(reading *r)
{
	free(r->message);
	yh_draw_doc_free(r->doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const yh_draw_doc_kind kinds[] = { YH_DRAW_DOCUMENT, YH_DRAW_TRANSCRIPT };
	const char *path = fz_path("doc.json");
	size_t k;

	for (k = 0; k < 2; k++) {
		reading whole = read_whole(data, size, kinds[k]), mem = read_stream(data, size, NULL, kinds[k]);

		same(&whole, &mem);
		if (k == 0) {
			reading file;

			fz_write(path, data, size, 0600);
			yh_draw_doc_set_window(1 + size % 64);
			file = read_stream(data, size, path, kinds[k]);
			yh_draw_doc_set_window(0);
			same(&whole, &file);
			clear(&file);
		}
		clear(&whole);
		clear(&mem);
	}
	return 0;
}
