/* key.c — Ed25519 keys: generation, 0600 files, signing, verification. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "yaohao/key.h"
#include "digest.h"
#include "key.h"
#include "error.h"

#define SECRET_HEADER "yaohao-secret-key-v1"
#define PUBLIC_HEADER "yaohao-public-key-v1"

struct yh_key {
	unsigned char seed[32];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char id[YH_KEY_ID_CHARS + 1];
};

void yh_key_id_of(char out[YH_KEY_ID_CHARS + 1], const unsigned char pk[YH_PUBLIC_KEY_BYTES])
{
	yh_digest_key_id(out, pk);
}

int yh_key_from_seed(yh_key **out, const unsigned char seed[32])
{
	yh_key *k;

	*out = NULL;
	if (sodium_init() < 0)
		return yh_error_set(YH_ERROR, "libsodium failed to initialise");
	if (!(k = calloc(1, sizeof(*k))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	memcpy(k->seed, seed, 32);
	crypto_sign_seed_keypair(k->pk, k->sk, k->seed);
	yh_key_id_of(k->id, k->pk);
	*out = k;
	return YH_OK;
}

int yh_key_generate(yh_key **out)
{
	unsigned char seed[32];
	int rc;

	if (sodium_init() < 0)
		return yh_error_set(YH_ERROR, "libsodium failed to initialise");
	randombytes_buf(seed, sizeof(seed));
	rc = yh_key_from_seed(out, seed);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

int yh_key_copy(yh_key **out, const yh_key *key)
{
	return yh_key_from_seed(out, key->seed);
}

void yh_key_free(yh_key *k)
{
	if (!k)
		return;
	sodium_memzero(k, sizeof(*k));
	free(k);
}

int yh_key_save(const yh_key *k, const char *path)
{
	char hex[65], text[128];
	int fd, rc = YH_OK;
	size_t n;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return yh_error_set(errno == EEXIST ? YH_EEXIST : YH_ESTORE,
		                    "cannot create the key file: %s: '%s'", strerror(errno), path);
	sodium_bin2hex(hex, sizeof(hex), k->seed, 32);
	n = (size_t)snprintf(text, sizeof(text), SECRET_HEADER "\n%s\n", hex);
	if (fchmod(fd, 0600) != 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0)
		rc = yh_error_set(YH_ESTORE, "cannot write the key file: %s: '%s'", strerror(errno), path);
	if (close(fd) != 0 && rc == YH_OK)
		rc = yh_error_set(YH_ESTORE, "cannot write the key file: %s: '%s'", strerror(errno), path);
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	if (rc < 0)
		unlink(path);
	return rc;
}

int yh_key_load(yh_key **out, const char *path)
{
	unsigned char seed[32];
	char text[256];
	struct stat st;
	size_t len = 0, bin = 0;
	ssize_t n;
	int fd, rc = YH_OK;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return yh_error_set(errno == ENOENT ? YH_ENOTFOUND : YH_ESTORE,
		                    "cannot open the secret key file: %s: '%s'", strerror(errno), path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = yh_error_set(YH_ESTORE, "the secret key is not a regular file: '%s'", path);
		goto done;
	}
	if (st.st_mode & 077) {
		rc = yh_error_set(YH_ESTORE, "secret key file is readable by others (mode %04o): '%s' "
		                  "(fix it with: chmod 600 '%s')", (unsigned)(st.st_mode & 07777), path, path);
		goto done;
	}
	while (len < sizeof(text) - 1 && (n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += (size_t)n;
	text[len] = '\0';
	if (strncmp(text, SECRET_HEADER "\n", sizeof(SECRET_HEADER)) != 0 || len < sizeof(SECRET_HEADER) + 64 ||
	    sodium_hex2bin(seed, 32, text + sizeof(SECRET_HEADER), 64, NULL, &bin, NULL) != 0 || bin != 32) {
		rc = yh_error_set(YH_ESTORE, "not a yaohao secret key file: '%s'", path);
		goto done;
	}
	rc = yh_key_from_seed(out, seed);
done:
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	close(fd);
	return rc;
}

void yh_key_public(unsigned char out[YH_PUBLIC_KEY_BYTES], const yh_key *k)
{
	memcpy(out, k->pk, YH_PUBLIC_KEY_BYTES);
}

const char *yh_key_id(const yh_key *k)
{
	return k->id;
}

void yh_key_sign(unsigned char sig[YH_SIGNATURE_BYTES], const yh_key *k, const void *msg, size_t len)
{
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
}

int yh_key_verify(const unsigned char sig[YH_SIGNATURE_BYTES],
                  const unsigned char pk[YH_PUBLIC_KEY_BYTES], const void *msg, size_t len)
{
	if (sodium_init() < 0)
		return yh_error_set(YH_ERROR, "libsodium failed to initialise");
	if (crypto_sign_verify_detached(sig, msg, len, pk) != 0)
		return yh_error_set(YH_EDATA, "the signature does not verify");
	return YH_OK;
}

int yh_key_read_public(unsigned char out[YH_PUBLIC_KEY_BYTES], const char *path)
{
	char text[256], *p = text;
	size_t len = 0, bin = 0;
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		/* not a file: maybe the key itself, in hex */
		if (strlen(path) == 64 && sodium_hex2bin(out, 32, path, 64, NULL, &bin, NULL) == 0 && bin == 32)
			return YH_OK;
		return yh_error_set(YH_EIO, "cannot open the public key file: %s: '%s'", strerror(errno), path);
	}
	len = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[len] = '\0';
	if (strncmp(p, PUBLIC_HEADER "\n", sizeof(PUBLIC_HEADER)) == 0)
		p += sizeof(PUBLIC_HEADER);
	if (strlen(p) < 64 || sodium_hex2bin(out, 32, p, 64, NULL, &bin, NULL) != 0 || bin != 32)
		return yh_error_set(YH_EDATA, "not a public key file: '%s'", path);
	return YH_OK;
}

int yh_key_write_public(const unsigned char public_key[YH_PUBLIC_KEY_BYTES], const char *path)
{
	char hex[65];
	FILE *fp = fopen(path, "w");
	int bad;

	if (!fp)
		return yh_error_set(YH_EIO, "cannot write the file: %s: '%s'", strerror(errno), path);
	sodium_bin2hex(hex, sizeof(hex), public_key, YH_PUBLIC_KEY_BYTES);
	bad = fprintf(fp, PUBLIC_HEADER "\n%s\n", hex) < 0;
	if (fclose(fp) != 0 || bad)
		return yh_error_set(YH_EIO, "cannot write the file: '%s'", path);
	return YH_OK;
}

int yh_key_derive(unsigned char *out, size_t len, uint64_t subkey_id,
                  const char context[crypto_kdf_CONTEXTBYTES], const yh_key *k)
{
	if (len < crypto_kdf_BYTES_MIN || len > crypto_kdf_BYTES_MAX ||
	    crypto_kdf_derive_from_key(out, len, subkey_id, context, k->seed) != 0)
		return yh_error_set(YH_ERROR, "cannot derive a subkey of %zu bytes", len);
	return YH_OK;
}
