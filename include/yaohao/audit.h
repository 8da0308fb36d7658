/*
 * yaohao/audit.h — replaying the whole ledger of a store.
 *
 * The audit first checks the store's integrity and foreign keys (SQLite's checks; amcheck, when
 * the database has it, and a query per key on PostgreSQL), then walks
 * the ledger from entry 1: the sequence has no gap, each entry's prev_hash is
 * the previous entry's hash, each hash matches the entry's content, each
 * payload is canonical JSON, each entry is signed by the store's key; the init
 * entry's department is the store's; imports match the register rows that
 * carry their sequence and the register as of each gives its recorded root;
 * each stored task is the one its entry recorded; commits match the stored
 * announcements and commit to their task; and every draw is replayed from the
 * registers as of its freeze and must give the recorded transcript, byte for
 * byte, and the drawn rows it recorded.  Every stored task, commitment and
 * transcript must belong to the entry that wrote it.  It stops at the first
 * entry that fails and names it (docs/spec.md §11).
 */
#ifndef YAOHAO_AUDIT_H
#define YAOHAO_AUDIT_H

#include <jansson.h>

#include "common.h"
#include "draw.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * *report (json_decref it): "ok", "entries" (how many were checked),
 * "draws_replayed", "checks" (as yh_document_verify's; a check may carry a
 * "hint", the yh_hint_name() of what the user could do), "first_failure"
 * ({"seq", "kind", "reason"[, "hint"]} or null) and "guarantees".  `public_key` (a file
 * or hex, may be NULL) pins the key the ledger must be signed with.
 */
YH_EXTERN int yh_audit_run(json_t **report, yh_store *store, const char *public_key,
                           yh_scan_progress_fn on_draw, void *progress_ctx) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
