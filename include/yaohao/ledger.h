/*
 * yaohao/ledger.h — reading the append-only, hash-chained ledger.
 *
 * Every state change of a store (creation, each import, later tasks and
 * draws) is one entry: a sequence number, the previous entry's hash, a kind,
 * a canonical JSON payload and the entry's own hash.  Register rows name the
 * sequence of the import that wrote them, so "the register as of sequence S"
 * is well defined.  The entry hash is defined in docs/spec.md §11.  Once the
 * store has a key (yh_store_set_key) every entry carries an Ed25519 signature
 * over its hash; a store that never had one holds unsigned entries.  Entries
 * are written by the engine only; this header reads them.
 */
#ifndef YAOHAO_LEDGER_H
#define YAOHAO_LEDGER_H

#include <stdint.h>

#include "common.h"
#include "key.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_LEDGER_HASH_BYTES 32

typedef struct {
	uint64_t seq;
	const char *kind;        /* "init", "import", ... */
	const char *payload;     /* canonical JSON, UTF-8 */
	const unsigned char *prev_hash;  /* YH_LEDGER_HASH_BYTES */
	const unsigned char *hash;       /* YH_LEDGER_HASH_BYTES */
	const unsigned char *signature;  /* YH_SIGNATURE_BYTES, or NULL if unsigned */
	const char *key_id;              /* the signer's key id, or NULL */
} yh_ledger_entry;

/* The sequence number of the newest entry (0 for none). */
YH_EXTERN int yh_ledger_head(uint64_t *seq, yh_store *store) YH_WARN_UNUSED;

/* Calls fn for each entry with seq >= from, in order; the entry is valid
 * during the call only.  A non-zero return from fn stops the walk and is
 * returned. */
typedef int (*yh_ledger_entry_fn)(void *ctx, const yh_ledger_entry *entry);
YH_EXTERN int yh_ledger_foreach(yh_store *store, uint64_t from, yh_ledger_entry_fn fn,
                                void *ctx) YH_WARN_UNUSED;

/* Recomputes an entry's hash from its fields (docs/spec.md, "ledger"). */
YH_EXTERN void yh_ledger_hash(unsigned char out[YH_LEDGER_HASH_BYTES],
                              const yh_ledger_entry *entry);

/* YH_OK if the entry's signature is valid for public_key, else YH_EDATA. */
YH_EXTERN int yh_ledger_verify_signature(const yh_ledger_entry *entry,
                                         const unsigned char public_key[32]) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
