/* ledger.c — the ledger's entry hash and signed message (docs/spec.md, "ledger"); the
 * entries themselves are kept by the storage layer (store/ledger_store.c). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "ledger.h"
#include "error.h"

static const char ledger_tag[] = "yaohao:ledger-entry:v1";
static const char signature_tag[] = "yaohao:ledger-signature:v1";

size_t yh_ledger_signed_message_len(void)
{
	return sizeof(signature_tag) + 32;
}

void yh_ledger_signed_message(unsigned char out[64], const unsigned char hash[32])
{
	memcpy(out, signature_tag, sizeof(signature_tag));
	memcpy(out + sizeof(signature_tag), hash, 32);
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
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

int yh_ledger_verify_signature(const yh_ledger_entry *e, const unsigned char public_key[32])
{
	unsigned char msg[64];

	if (!e->signature)
		return yh_error_set(YH_EDATA, "entry %llu is not signed", (unsigned long long)e->seq);
	yh_ledger_signed_message(msg, e->hash);
	if (yh_key_verify(e->signature, public_key, msg, yh_ledger_signed_message_len()) != YH_OK)
		return yh_error_set(YH_EDATA, "entry %llu: the signature does not verify with the store's "
		                    "key", (unsigned long long)e->seq);
	return YH_OK;
}
