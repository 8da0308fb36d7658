/* digest.c — the spec's hashes and their tags (docs/spec.md; see digest.h).
 * SHA-256 is OpenSSL's (hardware where the CPU has it); libsodium only writes hex. */
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

/* SHA256() itself fetches the algorithm on every call (OpenSSL 3): 6x slower for short input */
static void sha256(unsigned char out[32], const void *data, size_t len)
{
	SHA256_CTX st;

	SHA256_Init(&st);
	SHA256_Update(&st, data, len);
	SHA256_Final(out, &st);
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

void yh_digest_leaf(unsigned char out[32], const void *row, size_t len)
{
	SHA256_CTX st;
	const unsigned char zero = 0x00;

	SHA256_Init(&st);
	SHA256_Update(&st, &zero, 1);
	SHA256_Update(&st, row, len);
	SHA256_Final(out, &st);
}

void yh_digest_node(unsigned char out[32], const unsigned char left[32], const unsigned char right[32])
{
	unsigned char b[65];

	/* one update: each SHA256_Update call has a fixed cost worth avoiding here */
	b[0] = 0x01;
	memcpy(b + 1, left, 32);
	memcpy(b + 33, right, 32);
	sha256(out, b, sizeof(b));
}

void yh_digest_empty(unsigned char out[32])
{
	sha256(out, "", 0);
}

void yh_digest_task(unsigned char out[32], const char *canonical)
{
	SHA256_CTX st;

	SHA256_Init(&st);
	SHA256_Update(&st, (const unsigned char *)task_tag, sizeof(task_tag));
	SHA256_Update(&st, (const unsigned char *)canonical, strlen(canonical));
	SHA256_Final(out, &st);
}

void yh_commitment(unsigned char out[32], const unsigned char secret[32])
{
	SHA256_CTX st;

	SHA256_Init(&st);
	SHA256_Update(&st, (const unsigned char *)commit_tag, sizeof(commit_tag));
	SHA256_Update(&st, secret, 32);
	SHA256_Final(out, &st);
}

void yh_digest_announcement(unsigned char out[32], const char *canonical)
{
	SHA256_CTX st;

	SHA256_Init(&st);
	SHA256_Update(&st, (const unsigned char *)announcement_tag, sizeof(announcement_tag));
	SHA256_Update(&st, (const unsigned char *)canonical, strlen(canonical));
	SHA256_Final(out, &st);
}

void yh_seed_derive(unsigned char seed[32], const unsigned char announcement_digest[32],
                    const unsigned char secret[32], const char *value)
{
	SHA256_CTX st;
	unsigned char len[4];
	size_t n = strlen(value);

	put_be(len, n, 4);
	SHA256_Init(&st);
	SHA256_Update(&st, (const unsigned char *)seed_tag, sizeof(seed_tag));
	SHA256_Update(&st, announcement_digest, 32);
	SHA256_Update(&st, secret, 32);
	SHA256_Update(&st, len, 4);
	SHA256_Update(&st, (const unsigned char *)value, n);
	SHA256_Final(seed, &st);
}

/* The state after the first block: seed || the tag padded with zero bytes to 32. */
static void first_block(SHA256_CTX *st, const unsigned char seed[32], const char *tag)
{
	unsigned char pad[32] = { 0 };

	memcpy(pad, tag, strlen(tag));
	SHA256_Init(st);
	SHA256_Update(st, seed, 32);
	SHA256_Update(st, pad, 32);
}

void yh_ticketer_init(yh_ticketer *t, const unsigned char seed[32])
{
	first_block(&t->ticket, seed, ticket_tag);
	first_block(&t->officer, seed, officer_tag);
	first_block(&t->pair, seed, pair_tag);
}

void yh_ticket(unsigned char out[32], const yh_ticketer *t, const char *entity_id)
{
	SHA256_CTX st = t->ticket;

	SHA256_Update(&st, (const unsigned char *)entity_id, strlen(entity_id));
	SHA256_Final(out, &st);
}

void yh_officer_ticket(unsigned char out[32], const yh_ticketer *t, uint32_t level,
                       const char *officer_id)
{
	SHA256_CTX st = t->officer;
	unsigned char l[4];

	put_be(l, level, 4);
	SHA256_Update(&st, l, 4);
	SHA256_Update(&st, (const unsigned char *)officer_id, strlen(officer_id));
	SHA256_Final(out, &st);
}

void yh_pair_ticket(unsigned char out[32], const yh_ticketer *t, const char *entity_id,
                    const char *officer_id)
{
	SHA256_CTX st = t->pair;

	SHA256_Update(&st, (const unsigned char *)entity_id, strlen(entity_id));
	SHA256_Update(&st, (const unsigned char *)officer_id, strlen(officer_id));
	SHA256_Final(out, &st);
}

void yh_ledger_hash(unsigned char out[YH_LEDGER_HASH_BYTES], const yh_ledger_entry *e)
{
	SHA256_CTX st;
	unsigned char num[8];
	size_t klen = strlen(e->kind), plen = strlen(e->payload);

	SHA256_Init(&st);
	SHA256_Update(&st, (const unsigned char *)ledger_tag, sizeof(ledger_tag));
	put_be(num, e->seq, 8);
	SHA256_Update(&st, num, 8);
	SHA256_Update(&st, e->prev_hash, YH_LEDGER_HASH_BYTES);
	put_be(num, klen, 4);
	SHA256_Update(&st, num, 4);
	SHA256_Update(&st, (const unsigned char *)e->kind, klen);
	put_be(num, plen, 4);
	SHA256_Update(&st, num, 4);
	SHA256_Update(&st, (const unsigned char *)e->payload, plen);
	SHA256_Final(out, &st);
}

void yh_digest_transcript(unsigned char out[32], const char *transcript, size_t len)
{
	sha256(out, transcript, len);
}

void yh_digest_file_init(yh_digest_file *f)
{
	SHA256_Init(&f->c);
}

void yh_digest_file_update(yh_digest_file *f, const void *data, size_t len)
{
	SHA256_Update(&f->c, data, len);
}

void yh_digest_file_final(yh_digest_file *f, unsigned char out[32])
{
	SHA256_Final(out, &f->c);
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

	sha256(h, public_key, 32);
	sodium_bin2hex(out, 17, h, 8);
}
