/* key.c — Ed25519 keys: generation, 0600 files (written whole under a temporary name, read
 * only when a regular file of the user's own), signing, verification. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "yaohao/key.h"
#include "digest.h"
#include "key.h"
#include "key_file.h"
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

/* Moves `from` to `to` unless `to` exists (then YH_EEXIST, and `from` stays): atomically
 * where the file system can (renameat2 RENAME_NOREPLACE), else by a hard link. */
static int install(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return YH_OK;
	if ((errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) && link(from, to) == 0) {
		unlink(from);
		return YH_OK;
	}
	return yh_error_set(errno == EEXIST ? YH_EEXIST : YH_ESTORE, "cannot create the key file: %s: '%s'",
	                    strerror(errno), to);
}

/* Makes a rename or a new file in path's folder durable. */
static int sync_folder(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

/*
 * Removes PATH.tmp-XXXXXX files that a killed write of path left behind: a secret key's
 * leftover holds a seed.  A write holds an exclusive flock on its temporary file until the file
 * is renamed, so a leftover is one whose lock can be taken; only regular files of our own user
 * are touched, and nothing here can fail the write that follows.
 */
static void drop_stale_temps(const char *path)
{
	char dir[4096], name[4096];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	struct dirent *e;
	DIR *d;

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		struct stat st;
		int fd;

		if (strncmp(e->d_name, base, blen) != 0 || strncmp(e->d_name + blen, ".tmp-", 5) != 0 ||
		    strlen(e->d_name + blen + 5) != 6)
			continue;
		if ((size_t)snprintf(name, sizeof(name), "%s/%s", dir, e->d_name) >= sizeof(name))
			continue;
		if ((fd = open(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(name);
		close(fd);
	}
	closedir(d);
}

/* Writes text to a new file PATH.tmp-XXXXXX in path's folder (its name into tmp) with `mode`,
 * synced: the temporary file that is then renamed to path.  Returns the file still open and
 * locked (see drop_stale_temps), for the caller to close once it is renamed; on failure
 * nothing is left. */
static int write_temp(int *fd_out, char *tmp, size_t tmpsize, const char *path, const char *text,
                      size_t n, mode_t mode, int code, const char *what)
{
	int fd, rc = YH_OK;

	drop_stale_temps(path);
	if ((size_t)snprintf(tmp, tmpsize, "%s.tmp-XXXXXX", path) >= tmpsize)
		return yh_error_set(code, "the %s's path is too long: '%s'", what, path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return yh_error_set(code, "cannot create the %s: %s: '%s'", what, strerror(errno), path);
	if (flock(fd, LOCK_EX) != 0 || fchmod(fd, mode) != 0 || write(fd, text, n) != (ssize_t)n ||
	    fsync(fd) != 0)
		rc = yh_error_set(code, "cannot write the %s: %s: '%s'", what, strerror(errno), path);
	if (rc < 0) {
		unlink(tmp);
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return YH_OK;
}

int yh_key_save(const yh_key *k, const char *path)
{
	char hex[65], text[128], tmp[4096];
	struct stat st;
	size_t n;
	int fd, rc;

	if (lstat(path, &st) == 0)
		return yh_error_set(YH_EEXIST, "cannot create the key file: %s: '%s'", strerror(EEXIST), path);
	/* a temporary name in the same folder, written in full and synced, then renamed: the
	 * key file never exists half-written, and an existing file is never replaced */
	sodium_bin2hex(hex, sizeof(hex), k->seed, 32);
	n = (size_t)snprintf(text, sizeof(text), SECRET_HEADER "\n%s\n", hex);
	rc = write_temp(&fd, tmp, sizeof(tmp), path, text, n, 0600, YH_ESTORE, "key file");
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	if (rc < 0)
		return rc;
	if ((rc = install(tmp, path)) < 0)
		unlink(tmp);
	if (close(fd) != 0 && rc == YH_OK)
		rc = yh_error_set(YH_ESTORE, "cannot write the key file: %s: '%s'", strerror(errno), path);
	if (rc < 0)
		return rc;
	if (sync_folder(path) != 0)
		return yh_error_set(YH_ESTORE, "cannot sync the key file's folder: %s: '%s'", strerror(errno),
		                    path);
	return YH_OK;
}

int yh_key_file_move(const char *from, const char *to)
{
	int rc;

	if ((rc = install(from, to)) < 0)
		return rc;
	if (sync_folder(to) != 0)
		return yh_error_set(YH_ESTORE, "cannot sync the key file's folder: %s: '%s'", strerror(errno), to);
	return YH_OK;
}

/*
 * Opens a key file for reading without following a symbolic link and without blocking (a
 * FIFO would block in open() until a writer came), and checks that it is a regular file
 * (and, for a secret key, that it belongs to the user running yaohao and that group and
 * others cannot read it) before a byte is read.
 */
static int open_key_file(int *out, const char *path, int secret)
{
	const char *what = secret ? "secret key file" : "public key file";
	struct stat st;
	int fd;

	*out = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			return yh_error_set(YH_ESTORE, "the %s is a symbolic link: '%s' (give the file itself)",
			                    what, path);
		return yh_error_set(errno == ENOENT ? YH_ENOTFOUND : secret ? YH_ESTORE : YH_EIO,
		                    "cannot open the %s: %s: '%s'", what, strerror(errno), path);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return yh_error_set(secret ? YH_ESTORE : YH_EDATA, "the %s is not a regular file (%s): '%s'",
		                    what, S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a folder" :
		                    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" :
		                    S_ISSOCK(st.st_mode) ? "a socket" : "not a plain file", path);
	}
	if (secret && st.st_uid != geteuid()) {
		close(fd);
		return yh_error_set(YH_ESTORE, "secret key file belongs to another user (uid %u; yaohao "
		                    "runs as uid %u): '%s'", (unsigned)st.st_uid, (unsigned)geteuid(), path);
	}
	if (secret && (st.st_mode & 077)) {
		close(fd);
		return yh_error_set(YH_ESTORE, "secret key file is readable by others (mode %04o): '%s' "
		                    "(fix it with: chmod 600 '%s')", (unsigned)(st.st_mode & 07777), path, path);
	}
	*out = fd;
	return YH_OK;
}

/* Reads up to size - 1 bytes of a file opened by open_key_file, NUL-terminated. */
static size_t read_some(int fd, char *text, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, text + len, size - 1 - len)) > 0)
		len += (size_t)n;
	text[len] = '\0';
	return len;
}

int yh_key_load(yh_key **out, const char *path)
{
	unsigned char seed[32];
	char text[256];
	size_t len, bin = 0;
	int fd, rc;

	*out = NULL;
	if ((rc = open_key_file(&fd, path, 1)) == YH_ENOTFOUND) {
		char pending[4096];
		struct stat st;

		/* store_key.c's pending file: the store may hold this key already */
		if ((size_t)snprintf(pending, sizeof(pending), "%s.pending", path) < sizeof(pending) &&
		    lstat(pending, &st) == 0)
			return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_NEW_KEY, path,
			                         "the secret key file is not at '%s', but '%s' is: creating "
			                         "the key was interrupted; create it again to finish", path,
			                         pending);
	}
	if (rc < 0)
		return rc;
	len = read_some(fd, text, sizeof(text));
	if (strncmp(text, SECRET_HEADER "\n", sizeof(SECRET_HEADER)) != 0 || len < sizeof(SECRET_HEADER) + 64 ||
	    sodium_hex2bin(seed, 32, text + sizeof(SECRET_HEADER), 64, NULL, &bin, NULL) != 0 || bin != 32)
		rc = yh_error_set(YH_ESTORE, "not a yaohao secret key file: '%s'", path);
	else
		rc = yh_key_from_seed(out, seed);
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
	size_t bin = 0;
	int fd, rc;

	if (access(path, F_OK) != 0) {
		/* not a file: maybe the key itself, in hex */
		if (strlen(path) == 64 && sodium_hex2bin(out, 32, path, 64, NULL, &bin, NULL) == 0 && bin == 32)
			return YH_OK;
		return yh_error_set(YH_EIO, "cannot open the public key file: %s: '%s'", strerror(errno), path);
	}
	if ((rc = open_key_file(&fd, path, 0)) < 0)
		return rc == YH_ENOTFOUND ? YH_EIO : rc;
	read_some(fd, text, sizeof(text));
	close(fd);
	if (strncmp(p, PUBLIC_HEADER "\n", sizeof(PUBLIC_HEADER)) == 0)
		p += sizeof(PUBLIC_HEADER);
	if (strlen(p) < 64 || sodium_hex2bin(out, 32, p, 64, NULL, &bin, NULL) != 0 || bin != 32)
		return yh_error_set(YH_EDATA, "not a public key file: '%s'", path);
	return YH_OK;
}

static int write_in_place(const unsigned char public_key[YH_PUBLIC_KEY_BYTES], const char *path)
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

int yh_key_write_public(const unsigned char public_key[YH_PUBLIC_KEY_BYTES], const char *path)
{
	char hex[65], text[128], tmp[4096];
	struct stat st;
	size_t n;
	int fd, rc;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_in_place(public_key, path); /* /dev/stdout, a FIFO, a symbolic link */
	/* written whole under a temporary name, then renamed over any old file */
	sodium_bin2hex(hex, sizeof(hex), public_key, YH_PUBLIC_KEY_BYTES);
	n = (size_t)snprintf(text, sizeof(text), PUBLIC_HEADER "\n%s\n", hex);
	if ((rc = write_temp(&fd, tmp, sizeof(tmp), path, text, n, 0644, YH_EIO, "file")) < 0)
		return rc;
	if (rename(tmp, path) != 0) {
		rc = yh_error_set(YH_EIO, "cannot write the file: %s: '%s'", strerror(errno), path);
		unlink(tmp);
	}
	if (close(fd) != 0 && rc == YH_OK)
		rc = yh_error_set(YH_EIO, "cannot write the file: %s: '%s'", strerror(errno), path);
	if (rc < 0)
		return rc;
	if (sync_folder(path) != 0)
		return yh_error_set(YH_EIO, "cannot sync the file's folder: %s: '%s'", strerror(errno), path);
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
