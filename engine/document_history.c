/* document_history.c — a draw document among its department's other draws (docs/spec.md §4,
 * §6, §16): the exclusions and recent pairs recomputed from the earlier draws' documents, and
 * the announcement's place in the chain, against the feed or the other documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/key.h"
#include "chain.h"
#include "draw_doc.h"
#include "verify.h"
#include "windows.h"
#include "error.h"

/* The earlier documents, parsed and checked to be signed by the document's signer. */
typedef struct {
	yh_draw_doc **docs;
	json_t **json;
	size_t n;
} earlier_docs;

static void earlier_free(earlier_docs *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		yh_draw_doc_free(e->docs[i]);
		json_decref(e->json[i]);
	}
	free(e->docs);
	free(e->json);
	memset(e, 0, sizeof(*e));
}

static int load_earlier(earlier_docs *e, const yh_draw_doc *doc, const yh_verify_inputs *in)
{
	size_t i;
	int rc;

	if (!(e->docs = calloc(in->nearlier + 1, sizeof(*e->docs))) ||
	    !(e->json = calloc(in->nearlier + 1, sizeof(*e->json))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < in->nearlier; i++, e->n++) {
		const char *path = in->earlier[i];
		yh_draw_doc *d = NULL;
		char *text = NULL;
		size_t len;

		if ((rc = yh_read_file(&text, &len, path, YH_DOCUMENT_MAX)) == YH_OK)
			rc = yh_verify_load_json(&e->json[i], text, len, path, "a JSON document");
		free(text);
		if (rc < 0)
			return rc;
		if ((rc = yh_draw_doc_parse(&d, e->json[i], YH_DRAW_DOCUMENT)) < 0)
			return yh_error_set(rc, "%s: %s", path, yh_error_message());
		e->docs[i] = d;
		if (!d->task || !d->signed_text || !doc->public_key.ok ||
		    memcmp(d->public_key.bytes, doc->public_key.bytes, 32) != 0 ||
		    yh_key_verify(d->signature, d->public_key.bytes, d->signed_text, strlen(d->signed_text)) != YH_OK)
			return yh_error_set(YH_EDATA, "%s: not a valid draw document signed by the same key", path);
	}
	return YH_OK;
}

/* A document given as an earlier draw that is another draw of a task the list names (its
 * transcript differs from the one named), or NULL. */
static const yh_draw_doc *other_draw(const yh_draw_doc *doc, const earlier_docs *e)
{
	size_t i, j;

	for (i = 0; i < doc->nearlier; i++)
		for (j = 0; j < e->n; j++)
			if (strcmp(e->docs[j]->task_id, doc->earlier[i].task_id) == 0 &&
			    memcmp(e->docs[j]->transcript_sha256, doc->earlier[i].transcript_sha256, 32) != 0)
				return e->docs[j];
	return NULL;
}

/* The earlier draws named but not given, as "T (transcript 1a2b…), …"; 0 when all were. */
static size_t missing(char *buf, size_t size, const yh_draw_doc *doc, const earlier_docs *e)
{
	size_t i, j, n = 0, len = 0;
	char hex[65];

	*buf = '\0';
	for (i = 0; i < doc->nearlier; i++) {
		for (j = 0; j < e->n; j++)
			if (memcmp(e->docs[j]->transcript_sha256, doc->earlier[i].transcript_sha256, 32) == 0)
				break;
		if (j < e->n)
			continue;
		yh_hex(hex, doc->earlier[i].transcript_sha256, 32);
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s'%s' (transcript %.16s…)", n ? ", " : "",
			                        doc->earlier[i].task_id, hex);
		n++;
	}
	return n;
}

/* The three lists recomputed from the earlier documents and compared with the document's. */
static void recompute(yh_report *r, const yh_draw_doc *doc, const earlier_docs *e)
{
	yh_past_draw *past = calloc(e->n + 1, sizeof(*past));
	json_t *earlier = NULL, *excluded = NULL, *recent = NULL;
	const yh_task *t = doc->task;
	size_t i, n = 0;

	/* only the draws recorded before this task was committed count (§4): the ledger places them */
	for (i = 0; past && i < e->n; i++) {
		if (e->docs[i]->draw_seq >= doc->commit_seq)
			continue;
		past[n].task_id = e->docs[i]->task_id;
		past[n].draw_date = yh_task_draw_date(e->docs[i]->task);
		yh_hex(past[n].transcript_sha256, e->docs[i]->transcript_sha256, 32);
		past[n++].selected = json_object_get(e->json[i], "selected");
	}
	if (!past || yh_windows_compute(&earlier, &excluded, &recent, yh_task_draw_date(t),
	                                t->exclude_days, t->pair_days, past, n) < 0)
		yh_report_check(r, "earlier draws", "failed", "%s", yh_error_message());
	else if (!json_equal(earlier, json_object_get(doc->json, "earlier")))
		yh_report_check(r, "earlier draws", "failed", "the documents given hold %zu draw(s) within the "
		                "windows, the announcement names %zu: a draw was left out of the list",
		                json_array_size(earlier), doc->nearlier);
	else if (!json_equal(excluded, yh_json_path(doc->json, "entities", "excluded")))
		yh_report_check(r, "earlier draws", "failed", "entities.excluded lists %zu id(s); the earlier "
		                "draws selected %zu within %lld days", doc->nexcluded, json_array_size(excluded),
		                (long long)t->exclude_days);
	else if (!json_equal(recent, json_object_get(doc->json, "recent_pairs")))
		yh_report_check(r, "earlier draws", "failed", "recent_pairs lists %zu pair(s); the earlier "
		                "draws' teams within %lld days give %zu", doc->nrecent_pairs,
		                (long long)t->pair_days, json_array_size(recent));
	else
		yh_report_check(r, "earlier draws", "passed", "%zu earlier draw(s) named and given: the %zu "
		                "excluded entities and %zu recent pairs are exactly what they give",
		                doc->nearlier, doc->nexcluded, doc->nrecent_pairs);
	free(past);
	json_decref(earlier);
	json_decref(excluded);
	json_decref(recent);
}

static void check_earlier(yh_report *r, const yh_draw_doc *doc, const earlier_docs *e)
{
	const yh_draw_doc *other = other_draw(doc, e);
	char list[512];
	size_t n = missing(list, sizeof(list), doc, e);

	if (other)
		yh_report_check(r, "earlier draws", "failed", "a document of task '%s' was given that is not the "
		                "draw the announcement names (its transcript differs): the task was drawn twice",
		                other->task_id);
	else if (n)
		yh_report_skip(r, "earlier draws", YH_HINT_GIVE_EARLIER, "%zu earlier draw(s) named but not "
		               "given: %s: the exclusions and recent pairs were not recomputed", n, list);
	else
		recompute(r, doc, e);
}

/* The document's and the earlier documents' announcements in the feed's chain. */
static void check_feed(yh_report *r, const yh_draw_doc *doc, const earlier_docs *e, const char *path)
{
	yh_chain c;
	json_t *json = NULL;
	char *text = NULL;
	size_t len, i;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = yh_read_file(&text, &len, path, YH_DOCUMENT_MAX)) == YH_OK &&
	    (rc = yh_verify_load_json(&json, text, len, path, "a JSON feed")) == YH_OK)
		rc = yh_chain_read(&c, json);
	if (rc < 0)
		yh_report_check(r, "chain", "failed", "%s: %s", path, yh_error_message());
	else if (!doc->public_key.ok || memcmp(c.public_key, doc->public_key.bytes, 32) != 0)
		yh_report_check(r, "chain", "failed", "'%s' is signed by another key than the document", path);
	else if (doc->chain_seq > c.n)
		yh_report_check(r, "chain", "failed", "the feed ends at announcement %zu, before this one "
		                "(number %llu): it is older than the document; get the department's current feed",
		                c.n, (unsigned long long)doc->chain_seq);
	else if (!yh_chain_has(&c, doc->chain_seq, doc->announcement_digest))
		yh_report_check(r, "chain", "failed", "the document's announcement is not number %llu of the "
		                "feed's chain (%zu announcements): the chain forked", (unsigned long long)doc->chain_seq,
		                c.n);
	else {
		for (i = 0; i < e->n && yh_chain_has(&c, e->docs[i]->chain_seq, e->docs[i]->announcement_digest); i++)
			;
		if (i < e->n)
			yh_report_check(r, "chain", "failed", "the announcement of earlier draw '%s' is not in the "
			                "feed's chain: the chain forked", e->docs[i]->task_id);
		else
			yh_report_check(r, "chain", "passed", "announcement %llu of an unbroken chain of %zu signed "
			                "by the same key%s", (unsigned long long)doc->chain_seq, c.n,
			                e->n ? ", the earlier draws' too" : "");
	}
	yh_chain_clear(&c);
	json_decref(json);
	free(text);
}

/* The fault between two documents of one department, or NULL: announcements at the same place
 * that differ, consecutive ones that do not link, or one announcement drawn twice. */
static const char *pair_fault(const yh_draw_doc *a, const yh_draw_doc *b)
{
	if (a->chain_seq == b->chain_seq) {
		if (memcmp(a->announcement_digest, b->announcement_digest, 32) != 0)
			return "come from a forked chain of announcements (two announcements at one place)";
		if (memcmp(a->transcript_sha256, b->transcript_sha256, 32) != 0)
			return "are two draws of one announcement: the draw was retried";
		return NULL;
	}
	if (a->chain_seq > b->chain_seq) {
		const yh_draw_doc *t = a;

		a = b;
		b = t;
	}
	if (a->chain_seq + 1 == b->chain_seq && memcmp(b->chain_prev, a->announcement_digest, 32) != 0)
		return "come from a forked chain of announcements (the later does not link to the earlier)";
	return NULL;
}

/* The documents at hand, every pair of them, must not fork nor repeat a draw; 1 when a pair
 * failed (reported). */
static int check_documents_chain(yh_report *r, const yh_draw_doc *doc, const earlier_docs *e)
{
	const char *fault = NULL;
	size_t i, j;

	for (i = 0; i <= e->n && !fault; i++) {
		const yh_draw_doc *a = i < e->n ? e->docs[i] : doc;

		for (j = i + 1; j <= e->n && !fault; j++) {
			const yh_draw_doc *b = j < e->n ? e->docs[j] : doc;

			if ((fault = pair_fault(a, b)))
				yh_report_check(r, "chain", "failed", "the documents of '%s' and '%s' %s", a->task_id,
				                b->task_id, fault);
		}
	}
	return fault != NULL;
}

void yh_document_history(yh_report *r, const yh_draw_doc *doc, const yh_verify_inputs *in)
{
	earlier_docs e;

	memset(&e, 0, sizeof(e));
	if (in->nearlier && load_earlier(&e, doc, in) < 0) {
		yh_report_check(r, "earlier draws", "failed", "%s", yh_error_message());
		earlier_free(&e);
		return;
	}
	if (doc->nearlier || in->nearlier)
		check_earlier(r, doc, &e);
	if (check_documents_chain(r, doc, &e))
		;
	else if (in->feed)
		check_feed(r, doc, &e, in->feed);
	else
		yh_report_skip(r, "chain", YH_HINT_GIVE_FEED, "no feed given: that no announcement was kept "
		               "hidden is not checked");
	earlier_free(&e);
}
