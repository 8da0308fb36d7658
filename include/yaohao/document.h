/*
 * yaohao/document.h — the public draw document: publishing it from the store
 * and verifying it anywhere, with no store (docs/spec.md §13).
 *
 * The document (format "yaohao-draw/1") is the draw's transcript — task,
 * announcement, register digests, strata with cutoffs, entropy source and
 * value, revealed secret, seed, every selected entity with its ticket, rank
 * and team, the reserves — plus the ledger entries it came from, the signer's
 * public key, and an Ed25519 signature over the JCS bytes of the document
 * without its "signature" member.
 */
#ifndef YAOHAO_DOCUMENT_H
#define YAOHAO_DOCUMENT_H

#include <stddef.h>
#include <jansson.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_DOCUMENT_FORMAT "yaohao-draw/2"

/* Builds and signs the document of a drawn task; *out is the document as
 * readable JSON (indented, keys sorted, ending in a newline; free() it).
 * The store must hold its key (yh_store_set_key). */
YH_EXTERN int yh_document_publish(char **out, yh_store *store, const char *task_id) YH_WARN_UNUSED;

#define YH_VERIFY_INPUTS_VERSION 1
#define YH_VERIFY_INPUTS_INIT { .version = YH_VERIFY_INPUTS_VERSION }

typedef struct {
	unsigned int version;     /* YH_VERIFY_INPUTS_VERSION: initialise with YH_VERIFY_INPUTS_INIT */
	const char *entities;     /* canonical register files (yaohao export), or NULL */
	const char *inspectors;
	const char *conflicts;
	const char *public_key;   /* a public key file or hex to pin the signer, or NULL */
	/* The same register files held in memory, for a caller that received them:
	 * used when the path above is NULL (len bytes at data; the data is copied). */
	const char *entities_data, *inspectors_data, *conflicts_data;
	size_t entities_len, inspectors_len, conflicts_len;
	/* The published documents of the earlier draws the announcement names (docs/spec.md §4):
	 * the exclusions and recent pairs are recomputed from them. */
	const char *const *earlier;
	size_t nearlier;
	const char *feed;         /* the department's feed of announcements (§16), or NULL */
} yh_verify_inputs;

/*
 * Verifies a draw document without a store.  *report (a new JSON object,
 * json_decref it) holds "ok" (true only if every check passed), "document"
 * (the path), "checks" — each {"check", "status": "passed" | "failed" |
 * "skipped", "detail"}, and on a check skipped for want of an input, "hint":
 * yh_hint_name() of YH_HINT_GIVE_PUBLIC_KEY, _ENTITIES, _INSPECTORS or
 * _CONFLICTS — and "guarantees", sentences saying what the checks do and do
 * not establish.  A document that is JSON but malformed is a failed check
 * "document" naming the member.  Returns YH_OK when the report was produced
 * (read "ok" for the verdict); YH_EIO / YH_EDATA when the document cannot be
 * read at all.
 */
YH_EXTERN int yh_document_verify(json_t **report, const char *document_path,
                                 const yh_verify_inputs *inputs) YH_WARN_UNUSED;

/* The same for a document held in memory (len bytes at data, at most 1 GiB);
 * the report has no "document" member, messages call it "document". */
YH_EXTERN int yh_document_verify_buffer(json_t **report, const char *data, size_t len,
                                        const yh_verify_inputs *inputs) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
