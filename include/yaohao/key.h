/*
 * yaohao/key.h — the department's Ed25519 signing key (libsodium).
 *
 * The secret key file holds the 32-byte Ed25519 seed in hex under a header
 * line ("yaohao-secret-key-v1").  It is created with mode 0600, written whole
 * under a temporary name in the same folder, synced and renamed (it never
 * exists half-written), and never overwritten.  A key file is read only when
 * it is a regular file (opened without blocking and without following a
 * symbolic link: a FIFO is refused, not waited on) that belongs to the user
 * running yaohao and that group and others cannot read, as ssh does.  Secret
 * bytes are wiped (sodium_memzero) when the key is freed.  The key id is the
 * first 8 bytes of SHA-256(public key), in hex.
 */
#ifndef YAOHAO_KEY_H
#define YAOHAO_KEY_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_PUBLIC_KEY_BYTES 32
#define YH_SIGNATURE_BYTES 64
#define YH_KEY_ID_CHARS 16

typedef struct yh_key yh_key;

YH_EXTERN int yh_key_generate(yh_key **out) YH_WARN_UNUSED;

/* Derives the key from a 32-byte seed (tests and vectors only). */
YH_EXTERN int yh_key_from_seed(yh_key **out, const unsigned char seed[32]) YH_WARN_UNUSED;

/* Writes the secret key to a new file, mode 0600 (PATH.tmp-XXXXXX, synced, then renamed
 * to PATH unless PATH exists); YH_EEXIST if it exists. */
YH_EXTERN int yh_key_save(const yh_key *key, const char *path) YH_WARN_UNUSED;

/* Reads a secret key file; YH_ESTORE (with how to fix it) when its mode lets
 * group or others read it, when another user owns it, when it is not a regular
 * file or is a symbolic link; YH_ENOTFOUND when it is missing. */
YH_EXTERN int yh_key_load(yh_key **out, const char *path) YH_WARN_UNUSED;

struct yh_store;

typedef enum {
	YH_KEY_CREATED = 0,  /* a new key: its file written, the store took it */
	YH_KEY_ADOPTED,      /* the key a stopped run left in PATH.pending: the store took it now */
	YH_KEY_FINISHED      /* the store had taken the key in PATH.pending: the file is renamed now */
} yh_key_outcome;

/*
 * Gives a store that has no signing key one, kept in the secret key file `path`, so that a
 * crash at any point leaves a state the next call finishes: the new key is saved as
 * PATH.pending (yh_key_save), the store takes it (yh_store_set_key: the "key" ledger
 * entry), then PATH.pending is renamed to PATH.  A PATH.pending left over is adopted when
 * the store has no key (YH_KEY_ADOPTED) and renamed when the store has taken it
 * (YH_KEY_FINISHED).  key_id is the key's id.  YH_ESTORE when the store has a key already
 * (and no pending file of it); YH_EEXIST when PATH exists and the store has no key (the
 * message says what to do).
 */
YH_EXTERN int yh_key_create_for_store(yh_key_outcome *outcome, char key_id[YH_KEY_ID_CHARS + 1],
                                      struct yh_store *store, const char *path) YH_WARN_UNUSED;

/* A copy of a key (for an owner that outlives the original). */
YH_EXTERN int yh_key_copy(yh_key **out, const yh_key *key) YH_WARN_UNUSED;

/* NULL-safe; wipes the secret. */
YH_EXTERN void yh_key_free(yh_key *key);

YH_EXTERN void yh_key_public(unsigned char out[YH_PUBLIC_KEY_BYTES], const yh_key *key);
YH_EXTERN const char *yh_key_id(const yh_key *key);
YH_EXTERN void yh_key_id_of(char out[YH_KEY_ID_CHARS + 1],
                            const unsigned char public_key[YH_PUBLIC_KEY_BYTES]);

YH_EXTERN void yh_key_sign(unsigned char sig[YH_SIGNATURE_BYTES], const yh_key *key,
                           const void *msg, size_t len);

/* YH_OK if sig is a valid signature of msg by public_key, else YH_EDATA. */
YH_EXTERN int yh_key_verify(const unsigned char sig[YH_SIGNATURE_BYTES],
                            const unsigned char public_key[YH_PUBLIC_KEY_BYTES], const void *msg,
                            size_t len) YH_WARN_UNUSED;

/* Writes a public key file: "yaohao-public-key-v1", a line break, 64 hex digits and
 * a line break (what yh_key_read_public reads).  An existing file is replaced whole
 * (a temporary file renamed over it; a FIFO, device or symbolic link is written through). */
YH_EXTERN int yh_key_write_public(const unsigned char public_key[YH_PUBLIC_KEY_BYTES],
                                  const char *path) YH_WARN_UNUSED;

/* Reads a public key file (64 hex characters, optionally after a
 * "yaohao-public-key-v1" line; a regular file, not waited on if it is a FIFO)
 * or a hex string. */
YH_EXTERN int yh_key_read_public(unsigned char out[YH_PUBLIC_KEY_BYTES],
                                 const char *path) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
