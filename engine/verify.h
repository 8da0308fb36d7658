/* Private: the parts of the store-free verifier shared by document_verify.c, document_replay.c
 * and proof_verify.c.  They read a parsed draw (draw_doc.h) and write a report (report.h). */
#ifndef YH_ENGINE_VERIFY_H
#define YH_ENGINE_VERIFY_H

#include <jansson.h>

#include "yaohao/document.h"
#include "yaohao/register.h"
#include "draw_doc.h"
#include "report.h"

#define YH_DOCUMENT_MAX (1u << 30)     /* bytes of a draw document */
#define YH_PROOF_MAX (1u << 24)        /* bytes of a proof */

/* The report of a parsed document, or of one that does not parse (doc NULL, `malformed` the
 * parser's message): *out as yh_document_verify's, with "document": name when name is not
 * NULL. */
int yh_document_report(json_t **out, const yh_draw_doc *doc, const char *malformed,
                       const yh_verify_inputs *in, const char *name);

/* The name a register input is reported by (its path, or the register's name for data held
 * in memory), or NULL when it was not given. */
const char *yh_verify_input_name(const yh_verify_inputs *in, yh_register_kind kind);

/* The checks against the register files given in `in`: officer register, recusals, entity
 * register, and the replay of the selection (and of the teams when the officer files match).
 * f holds the document's frozen state (yh_draw_doc_frozen); the registers read are added. */
void yh_document_replay(yh_report *r, const yh_draw_doc *doc, yh_frozen *f,
                        const unsigned char seed[32], const yh_verify_inputs *in);

/* "signer key": the document's signer against the public key given in `in` (skipped, with the
 * hint, when none is). */
void yh_document_check_signer(yh_report *r, const yh_draw_doc *doc, const yh_verify_inputs *in);

/* The officer register and the conflicts given in `in`, checked against the document's roots
 * and added to f (with the document's recent pairs); 1 when both are given and match, so
 * that teams can be replayed. */
int yh_document_replay_officers(yh_report *r, const yh_draw_doc *doc, yh_frozen *f,
                                const yh_verify_inputs *in);

/* The document among its department's other draws: the earlier draws' documents and the feed
 * in `in` (docs/spec.md §4, §6, §16). */
void yh_document_history(yh_report *r, const yh_draw_doc *doc, const yh_verify_inputs *in);

#endif
