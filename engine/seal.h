/*
 * seal.h — private: the commit secret at rest (docs/spec.md §11).  Between the commit and the
 * draw the store holds the secret only sealed: crypto_secretbox (XSalsa20-Poly1305) under a
 * subkey of the department's signing key, with a random nonce kept beside the box.  A copy of
 * the store without the key reveals nothing of the secret.
 */
#ifndef YH_ENGINE_SEAL_H
#define YH_ENGINE_SEAL_H

#include <stddef.h>

#include "yaohao/key.h"
#include "yaohao/store.h"

/* The sealed form: nonce (24 bytes) ‖ secretbox of the 32-byte secret (16 + 32 bytes). */
#define YH_SEALED_SECRET_BYTES 72

/* The key that seals the store's commit secrets: its signing key.  YH_ESTORE with
 * YH_HINT_NEEDS_KEY when the store was not given its key, YH_HINT_NEEDS_NEW_KEY when it has none;
 * `doing` says what needs it ("committing", "drawing"). */
int yh_seal_key(const yh_key **key, const yh_store *store, const char *doing);

/* Seals the 32-byte secret with a fresh random nonce. */
int yh_seal_secret(unsigned char sealed[YH_SEALED_SECRET_BYTES], const unsigned char secret[32],
                   const yh_key *key);

/* Opens a sealed secret into secret (wiped on failure); YH_ESTORE naming the task when the box
 * does not open with this key (damaged, or sealed with another key). */
int yh_unseal_secret(unsigned char secret[32], const unsigned char sealed[YH_SEALED_SECRET_BYTES],
                     const yh_key *key, const char *task_id);

#endif
