/* digest.c — the spec's hashes and their tags (docs/spec.md; see digest.h). */
#include <string.h>

#include <sodium.h>

#include "digest.h"

/* A TAG() is hashed with its terminating NUL: the 0x00 after the tag in the spec. */
static const char task_tag[] = "yaohao:task:v1";
static const char commit_tag[] = "yaohao:commit:v1";
static const char announcement_tag[] = "yaohao:announcement:v2";
static const char seed_tag[] = "yaohao:seed:v2";
/* ticket tags are padded to 32 bytes (§8), not terminated */
static const char ticket_tag[] = "yaohao:ticket:v2";
static const char officer_tag[] = "yaohao:officer:v2";
static const char pair_tag[] = "yaohao:pair:v2";
static const char ledger_tag[] = "yaohao:ledger-entry:v1";
static const char signature_tag[] = "yaohao:ledger-signature:v1";

static void put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

void yh_digest_leaf(unsigned char out[32], const void *row, size_t len)
{
	crypto_hash_sha256_state st;
	const unsigned char zero = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &zero, 1);
	crypto_hash_sha256_update(&st, row, len);
	crypto_hash_sha256_final(&st, out);
}

void yh_digest_node(unsigned char out[32], const unsigned char left[32], const unsigned char right[32])
{
	crypto_hash_sha256_state st;
	const unsigned char one = 0x01;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &one, 1);
	crypto_hash_sha256_update(&st, left, 32);
	crypto_hash_sha256_update(&st, right, 32);
	crypto_hash_sha256_final(&st, out);
}

void yh_digest_empty(unsigned char out[32])
{
	crypto_hash_sha256(out, NULL, 0);
}

void yh_digest_task(unsigned char out[32], const char *canonical)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)task_tag, sizeof(task_tag));
	crypto_hash_sha256_update(&st, (const unsigned char *)canonical, strlen(canonical));
	crypto_hash_sha256_final(&st, out);
}

void yh_commitment(unsigned char out[32], const unsigned char secret[32])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)commit_tag, sizeof(commit_tag));
	crypto_hash_sha256_update(&st, secret, 32);
	crypto_hash_sha256_final(&st, out);
}

void yh_digest_announcement(unsigned char out[32], const char *canonical)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)announcement_tag, sizeof(announcement_tag));
	crypto_hash_sha256_update(&st, (const unsigned char *)canonical, strlen(canonical));
	crypto_hash_sha256_final(&st, out);
}

void yh_seed_derive(unsigned char seed[32], const unsigned char announcement_digest[32],
                    const unsigned char secret[32], const char *value)
{
	crypto_hash_sha256_state st;
	unsigned char len[4];
	size_t n = strlen(value);

	put_be(len, n, 4);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)seed_tag, sizeof(seed_tag));
	crypto_hash_sha256_update(&st, announcement_digest, 32);
	crypto_hash_sha256_update(&st, secret, 32);
	crypto_hash_sha256_update(&st, len, 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)value, n);
	crypto_hash_sha256_final(&st, seed);
}

/* The state after the first block: seed || the tag padded with zero bytes to 32. */
static void first_block(crypto_hash_sha256_state *st, const unsigned char seed[32], const char *tag)
{
	unsigned char pad[32] = { 0 };

	memcpy(pad, tag, strlen(tag));
	crypto_hash_sha256_init(st);
	crypto_hash_sha256_update(st, seed, 32);
	crypto_hash_sha256_update(st, pad, 32);
}

void yh_ticketer_init(yh_ticketer *t, const unsigned char seed[32])
{
	first_block(&t->ticket, seed, ticket_tag);
	first_block(&t->officer, seed, officer_tag);
	first_block(&t->pair, seed, pair_tag);
}

void yh_ticket(unsigned char out[32], const yh_ticketer *t, const char *entity_id)
{
	crypto_hash_sha256_state st = t->ticket;

	crypto_hash_sha256_update(&st, (const unsigned char *)entity_id, strlen(entity_id));
	crypto_hash_sha256_final(&st, out);
}

void yh_officer_ticket(unsigned char out[32], const yh_ticketer *t, uint32_t level,
                       const char *officer_id)
{
	crypto_hash_sha256_state st = t->officer;
	unsigned char l[4];

	put_be(l, level, 4);
	crypto_hash_sha256_update(&st, l, 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)officer_id, strlen(officer_id));
	crypto_hash_sha256_final(&st, out);
}

void yh_pair_ticket(unsigned char out[32], const yh_ticketer *t, const char *entity_id,
                    const char *officer_id)
{
	crypto_hash_sha256_state st = t->pair;

	crypto_hash_sha256_update(&st, (const unsigned char *)entity_id, strlen(entity_id));
	crypto_hash_sha256_update(&st, (const unsigned char *)officer_id, strlen(officer_id));
	crypto_hash_sha256_final(&st, out);
}

void yh_ledger_hash(unsigned char out[YH_LEDGER_HASH_BYTES], const yh_ledger_entry *e)
{
	crypto_hash_sha256_state st;
	unsigned char num[8];
	size_t klen = strlen(e->kind), plen = strlen(e->payload);

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)ledger_tag, sizeof(ledger_tag));
	put_be(num, e->seq, 8);
	crypto_hash_sha256_update(&st, num, 8);
	crypto_hash_sha256_update(&st, e->prev_hash, YH_LEDGER_HASH_BYTES);
	put_be(num, klen, 4);
	crypto_hash_sha256_update(&st, num, 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)e->kind, klen);
	put_be(num, plen, 4);
	crypto_hash_sha256_update(&st, num, 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)e->payload, plen);
	crypto_hash_sha256_final(&st, out);
}

void yh_digest_transcript(unsigned char out[32], const char *transcript, size_t len)
{
	crypto_hash_sha256(out, (const unsigned char *)transcript, len);
}

size_t yh_ledger_signed_message_len(void)
{
	return sizeof(signature_tag) + 32;
}

void yh_ledger_signed_message(unsigned char out[64], const unsigned char hash[32])
{
	memcpy(out, signature_tag, sizeof(signature_tag));
	memcpy(out + sizeof(signature_tag), hash, 32);
}

void yh_digest_key_id(char out[17], const unsigned char public_key[32])
{
	unsigned char h[32];

	crypto_hash_sha256(h, public_key, 32);
	sodium_bin2hex(out, 17, h, 8);
}
