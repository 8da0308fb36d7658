/* seal.c — the commit secret sealed at rest under a subkey of the department's key
 * (docs/spec.md §11): crypto_kdf subkey 1 of context "yhcommit", crypto_secretbox. */
#include <string.h>

#include <sodium.h>

#include "key.h"
#include "seal.h"
#include "store/store.h"
#include "error.h"

#define SEAL_CONTEXT "yhcommit"
#define SEAL_SUBKEY_ID 1

_Static_assert(YH_SEALED_SECRET_BYTES == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 32,
               "the sealed secret is nonce, tag and secret");
_Static_assert(sizeof(SEAL_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES, "a kdf context is 8 characters");

int yh_seal_key(const yh_key **key, const yh_store *store, const char *doing)
{
	const char *path = yh_store_path(store);

	if ((*key = yh_store_signing_key(store)))
		return YH_OK;
	if (yh_store_signs(store))
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, path, "%s seals the commit secret "
		                         "with the store's key: the store's secret key is needed: '%s'",
		                         doing, path);
	return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_NEW_KEY, path, "%s seals the commit secret "
	                         "with the store's key, and the store has no signing key yet: '%s'",
	                         doing, path);
}

static int subkey(unsigned char out[crypto_secretbox_KEYBYTES], const yh_key *key)
{
	return yh_key_derive(out, crypto_secretbox_KEYBYTES, SEAL_SUBKEY_ID, SEAL_CONTEXT, key);
}

int yh_seal_secret(unsigned char sealed[YH_SEALED_SECRET_BYTES], const unsigned char secret[32],
                   const yh_key *key)
{
	unsigned char k[crypto_secretbox_KEYBYTES];
	int rc;

	if ((rc = subkey(k, key)) == YH_OK) {
		randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, secret, 32, sealed, k);
	}
	sodium_memzero(k, sizeof(k));
	return rc;
}

int yh_unseal_secret(unsigned char secret[32], const unsigned char sealed[YH_SEALED_SECRET_BYTES],
                     const yh_key *key, const char *task_id)
{
	unsigned char k[crypto_secretbox_KEYBYTES];
	int rc;

	if ((rc = subkey(k, key)) == YH_OK &&
	    crypto_secretbox_open_easy(secret, sealed + crypto_secretbox_NONCEBYTES,
	                               YH_SEALED_SECRET_BYTES - crypto_secretbox_NONCEBYTES, sealed, k) != 0) {
		sodium_memzero(secret, 32);
		rc = yh_error_set(YH_ESTORE, "the sealed commit secret does not open with the store's key "
		                  "(damaged, or sealed with another key): task '%s'", task_id);
	}
	sodium_memzero(k, sizeof(k));
	return rc;
}
