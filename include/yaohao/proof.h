/*
 * yaohao/proof.h — one entity's proof about a draw (docs/spec.md §14).
 *
 * For an entity in the frozen eligible register: its row, the RFC 6962
 * inclusion path from its leaf to the committed entity root, its ticket, its
 * stratum's cutoff and whether it was selected.  For an id that was not in
 * it: the inclusion paths of its neighbours in id order, which are adjacent
 * leaves, so nothing lies between them.  yh_proof_verify checks a proof
 * against a draw document alone: no register, no store.
 */
#ifndef YAOHAO_PROOF_H
#define YAOHAO_PROOF_H

#include <stddef.h>
#include <jansson.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_PROOF_FORMAT "yaohao-proof/2"

/* Makes the proof for entity_id in drawn task task_id; *out is readable JSON (free() it). */
YH_EXTERN int yh_proof_make(char **out, yh_store *store, const char *task_id,
                            const char *entity_id) YH_WARN_UNUSED;

/* Checks a proof file against a draw document (whose own signature, commitment,
 * seed and tickets are checked too).  public_key (a public key file or its hex,
 * or NULL) pins the signer as yh_verify_inputs.public_key does; without it the
 * "signer" check is skipped with a hint.  *report has the shape of
 * yh_document_verify's report ("proof": the proof's path in place of
 * "document"), plus "selected" (true/false) when it holds. */
YH_EXTERN int yh_proof_verify(json_t **report, const char *proof_path, const char *document_path,
                              const char *public_key) YH_WARN_UNUSED;

/* The same for a proof and a document held in memory (the proof at most 16 MiB,
 * the document 1 GiB); the report has no "proof" member. */
YH_EXTERN int yh_proof_verify_buffer(json_t **report, const char *proof, size_t proof_len,
                                     const char *document, size_t document_len,
                                     const char *public_key) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
