/*
 * digest.h — private: every domain-separation tag and every hash that
 * docs/spec.md defines, one function per hash, named by its section.
 * Nothing else in the engine calls SHA-256 on spec-defined bytes: a change to
 * any tag or layout happens here and nowhere else, and a second SHA-256
 * backend (hardware) is swapped in here.
 */
#ifndef YH_ENGINE_DIGEST_H
#define YH_ENGINE_DIGEST_H

#include <stddef.h>

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

/* §7 The seed: SHA-256("yaohao:seed:v1" 0x00 || task digest || entity root || officer root ||
 * recusal root || secret || len32(value) || value). */
void yh_seed_derive(unsigned char seed[32], const unsigned char task_digest[32],
                    const unsigned char entity_root[32], const unsigned char officer_root[32],
                    const unsigned char recusal_root[32], const unsigned char secret[32],
                    const char *value);

/* §8 An entity's ticket: SHA-256(seed || "yaohao:ticket:v1" 0x00 || id). */
void yh_ticket(unsigned char out[32], const unsigned char seed[32], const char *entity_id);

/* §9 Pair tickets in two steps, so that each officer costs one SHA-256 block:
 * key = SHA-256(seed || "yaohao:pair:v1" 0x00 || entity id), then
 * ticket = SHA-256(key || officer id). */
void yh_pair_key(unsigned char out[32], const unsigned char seed[32], const char *entity_id);
void yh_pair_ticket_from_key(unsigned char out[32], const unsigned char key[32],
                             const char *inspector_id);
void yh_pair_ticket(unsigned char out[32], const unsigned char seed[32], const char *entity_id,
                    const char *inspector_id);

/* §11 A draw entry's transcript_sha256: plain SHA-256 of the transcript's bytes. */
void yh_digest_transcript(unsigned char out[32], const char *transcript, size_t len);

/* §11 The message an entry's signature covers: "yaohao:ledger-signature:v1" 0x00 || hash.
 * (The entry hash itself is public: yh_ledger_hash.) */
void yh_ledger_signed_message(unsigned char out[64], const unsigned char hash[32]);
size_t yh_ledger_signed_message_len(void);

/* §15 A key id: the first 8 bytes of SHA-256(public key), as 16 hex digits. */
void yh_digest_key_id(char out[17], const unsigned char public_key[32]);

#endif
