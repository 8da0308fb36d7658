/*
 * fuzz_key.c — key files over arbitrary bytes: the input as a public key file
 * (yh_key_read_public), as a secret key file of mode 0600 (yh_key_load), and as
 * a secret key file of mode 0644, which must be refused whatever it holds.
 * An input of 64 characters without '/' or NUL is also given as the key itself
 * in hex (the path that is not a file).
 *
 * Promises checked: a key that loads signs, and its signature verifies with its
 * public key; a public key file that reads gives 32 bytes and nothing else.
 */
#include <stdint.h>
#include <string.h>

#include <yaohao/yaohao.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pub = fz_path("key.pub"), *sec = fz_path("key.secret"), *open_sec = fz_path("open.secret");
	unsigned char pk[YH_PUBLIC_KEY_BYTES], sig[YH_SIGNATURE_BYTES];
	yh_key *key = NULL;
	int rc;

	fz_write(pub, data, size, 0644);
	rc = yh_key_read_public(pk, pub);
	FZ_REQUIRE(rc == YH_OK || rc == YH_EDATA || rc == YH_EIO);

	if (size == 2 * YH_PUBLIC_KEY_BYTES && !memchr(data, '/', size) && !memchr(data, '\0', size)) {
		char hex[2 * YH_PUBLIC_KEY_BYTES + 1];

		memcpy(hex, data, size);
		hex[size] = '\0';
		rc = yh_key_read_public(pk, hex);
		FZ_REQUIRE(rc == YH_OK || rc == YH_EDATA || rc == YH_EIO);
	}

	fz_write(sec, data, size, 0600);
	rc = yh_key_load(&key, sec);
	if (rc == YH_OK) {
		FZ_REQUIRE(key != NULL);
		FZ_REQUIRE(strlen(yh_key_id(key)) == YH_KEY_ID_CHARS);
		yh_key_public(pk, key);
		yh_key_sign(sig, key, data, size);
		FZ_REQUIRE(yh_key_verify(sig, pk, data, size) == YH_OK);
		yh_key_free(key);
	} else {
		FZ_REQUIRE(key == NULL);
	}

	fz_write(open_sec, data, size, 0644);
	FZ_REQUIRE(yh_key_load(&key, open_sec) != YH_OK && key == NULL);
	return 0;
}
