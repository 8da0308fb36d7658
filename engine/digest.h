/*
 * digest.h — private: every domain-separation tag and every hash that
 * docs/spec.md defines, one function per hash, named by its section.
 * Nothing else in the engine calls SHA-256: a change to any tag or layout
 * happens here and nowhere else, and so does the choice of SHA-256 backend —
 * OpenSSL's libcrypto, which uses the CPU's SHA instructions (libsodium's is
 * portable C; docs/benchmarks.md has the measurements).
 */
#ifndef YH_ENGINE_DIGEST_H
#define YH_ENGINE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* The low-level SHA256_* calls, deprecated by OpenSSL 3 in favour of EVP, on purpose: a
 * SHA256_CTX is a plain struct, so a ticket starts from its first block's midstate by copying
 * it (no allocation, no provider dispatch): about 1.7x the tickets per second of
 * EVP_MD_CTX_copy_ex (bench: yaohao-bench hash). */
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#include "yaohao/ledger.h"

/* §2 Register digests: RFC 6962 leaf SHA-256(0x00 || row) and node SHA-256(0x01 || l || r);
 * the root of no leaves is SHA-256 of nothing. */
void yh_digest_leaf(unsigned char out[32], const void *row, size_t len);
void yh_digest_node(unsigned char out[32], const unsigned char left[32], const unsigned char right[32]);
void yh_digest_empty(unsigned char out[32]);

/* §3 The task digest: SHA-256("yaohao:task:v1" 0x00 || canonical form). */
void yh_digest_task(unsigned char out[32], const char *canonical);

/* §6 The commitment: SHA-256("yaohao:commit:v1" 0x00 || secret). */
void yh_commitment(unsigned char out[32], const unsigned char secret[32]);

/* §6 The announcement's digest, which the seed and the next announcement's chain link
 * bind: SHA-256(TAG("yaohao:announcement:v2") || canonical announcement). */
void yh_digest_announcement(unsigned char out[32], const char *canonical);

/* §7 The seed: SHA-256(TAG("yaohao:seed:v2") || announcement digest || secret ||
 * u32(len value) || value). */
void yh_seed_derive(unsigned char seed[32], const unsigned char announcement_digest[32],
                    const unsigned char secret[32], const char *value);

/*
 * §8, §9 Tickets.  Each is SHA-256 of a 64-byte first block, seed || PAD32(tag) (the tag's
 * ASCII bytes then zero bytes up to 32), and a short tail; the first blocks are hashed once
 * per seed, so that each ticket costs one SHA-256 compression (a copy of the midstate, then
 * the tail; a ticketer is read-only once made, so threads may share it):
 *   ticket(e)             tag "yaohao:ticket:v2",  tail e
 *   officer_ticket(L, o)  tag "yaohao:officer:v2", tail u32(L) || o
 *   pair_ticket(e, o)     tag "yaohao:pair:v2",    tail e || o   (e is 18 bytes)
 */
typedef struct {
	SHA256_CTX ticket, officer, pair;
} yh_ticketer;

void yh_ticketer_init(yh_ticketer *t, const unsigned char seed[32]);
void yh_ticket(unsigned char out[32], const yh_ticketer *t, const char *entity_id);
void yh_officer_ticket(unsigned char out[32], const yh_ticketer *t, uint32_t level,
                       const char *officer_id);
void yh_pair_ticket(unsigned char out[32], const yh_ticketer *t, const char *entity_id,
                    const char *officer_id);

/* §11 A draw entry's transcript_sha256: plain SHA-256 of the transcript's bytes. */
void yh_digest_transcript(unsigned char out[32], const char *transcript, size_t len);

/* §11 An import's sha256: plain SHA-256 of the file's raw bytes, fed as they are read. */
typedef struct {
	SHA256_CTX c;
} yh_digest_file;
void yh_digest_file_init(yh_digest_file *f);
void yh_digest_file_update(yh_digest_file *f, const void *data, size_t len);
void yh_digest_file_final(yh_digest_file *f, unsigned char out[32]);

/* §11 The message an entry's signature covers: "yaohao:ledger-signature:v1" 0x00 || hash.
 * (The entry hash itself is public: yh_ledger_hash.) */
void yh_ledger_signed_message(unsigned char out[64], const unsigned char hash[32]);
size_t yh_ledger_signed_message_len(void);

/* §15 A key id: the first 8 bytes of SHA-256(public key), as 16 hex digits. */
void yh_digest_key_id(char out[17], const unsigned char public_key[32]);

#endif
