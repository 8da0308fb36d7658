/*
 * key.h — private: what the engine derives from the department's signing key (key.c; the
 * public side is include/yaohao/key.h).  The key's seed never leaves key.c.
 */
#ifndef YH_ENGINE_KEY_H
#define YH_ENGINE_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "yaohao/key.h"

/* A subkey of len bytes (16 to 64): crypto_kdf_derive_from_key with the key's 32-byte seed as
 * the master key, subkey_id and the 8-character context (docs/spec.md §11, the commit secret). */
int yh_key_derive(unsigned char *out, size_t len, uint64_t subkey_id,
                  const char context[crypto_kdf_CONTEXTBYTES], const yh_key *key);

#endif
