/* test_key.c — the department's Ed25519 key: files, ids, signatures (yaohao/key.h, docs/spec.md §15). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "testutil.h"

#define SECRET_HEADER "yaohao-secret-key-v1"
#define PUBLIC_HEADER "yaohao-public-key-v1"

/* RFC 8032 §7.1, TEST 1 */
#define RFC_SEED "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define RFC_PK "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC_SIG "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

static yh_key *rfc_key(void)
{
	unsigned char seed[32];
	yh_key *k = (yh_key *)0x1;

	tu_unhex(seed, 32, RFC_SEED);
	ck_assert_int_eq(yh_key_from_seed(&k, seed), YH_OK);
	ck_assert_ptr_nonnull(k);
	return k;
}

static yh_key *new_key(void)
{
	yh_key *k = NULL;

	ck_assert_msg(yh_key_generate(&k) == YH_OK, "%s", yh_error_message());
	ck_assert_ptr_nonnull(k);
	return k;
}

static const char *pk_hex(const yh_key *k)
{
	unsigned char pk[YH_PUBLIC_KEY_BYTES];

	yh_key_public(pk, k);
	return tu_hex(pk, sizeof(pk));
}

static unsigned file_mode(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (unsigned)(st.st_mode & 07777);
}

/* ---- files ----------------------------------------------------------------------------- */

START_TEST(test_save_load_round_trip)
{
	yh_key *k = new_key(), *l = NULL;
	unsigned char pk[32], sig[64];
	const char *path = tu_path("dept.key");
	char *text, want_pk[65];

	ck_assert_int_eq(yh_key_save(k, path), YH_OK);
	ck_assert_int_eq(yh_key_load(&l, path), YH_OK);
	ck_assert_ptr_nonnull(l);
	snprintf(want_pk, sizeof(want_pk), "%s", pk_hex(k));
	ck_assert_str_eq(pk_hex(l), want_pk);
	ck_assert_str_eq(yh_key_id(l), yh_key_id(k));
	/* the loaded key signs as the original: Ed25519 is deterministic */
	{
		unsigned char s2[64];

		yh_key_sign(sig, k, "message", 7);
		yh_key_sign(s2, l, "message", 7);
		ck_assert_mem_eq(sig, s2, 64);
		yh_key_public(pk, k);
		ck_assert_int_eq(yh_key_verify(s2, pk, "message", 7), YH_OK);
	}
	/* the file: the header, 64 hex digits of the seed, LF; the public key is not in it */
	text = tu_read(path, NULL);
	ck_assert_uint_eq(strlen(text), strlen(SECRET_HEADER) + 1 + 64 + 1);
	ck_assert_msg(strncmp(text, SECRET_HEADER "\n", strlen(SECRET_HEADER) + 1) == 0, "%s", text);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	ck_assert_ptr_null(strstr(text, want_pk));
	/* and the seed in it gives the same key */
	{
		unsigned char seed[32];
		yh_key *m = NULL;
		char hex[65];

		memcpy(hex, text + strlen(SECRET_HEADER) + 1, 64);
		hex[64] = '\0';
		tu_unhex(seed, 32, hex);
		ck_assert_int_eq(yh_key_from_seed(&m, seed), YH_OK);
		ck_assert_str_eq(pk_hex(m), want_pk);
		yh_key_free(m);
	}
	free(text);
	yh_key_free(k);
	yh_key_free(l);
}
END_TEST

START_TEST(test_saved_mode_0600)
{
	static const mode_t masks[] = { 0, 022, 077 };
	yh_key *k = new_key();
	size_t i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		char name[32];
		mode_t old = umask(masks[i]);
		int rc;

		snprintf(name, sizeof(name), "k%zu.key", i);
		rc = yh_key_save(k, tu_path(name));
		umask(old);
		ck_assert_int_eq(rc, YH_OK);
		ck_assert_msg(file_mode(tu_path(name)) == 0600, "umask %03o: mode %04o", (unsigned)masks[i],
		              file_mode(tu_path(name)));
	}
	yh_key_free(k);
}
END_TEST

START_TEST(test_load_refuses_readable_by_others)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0606, 0666 };
	yh_key *k = new_key(), *l;
	const char *path = tu_path("dept.key");
	size_t i;

	ck_assert_int_eq(yh_key_save(k, path), YH_OK);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char *before = tu_read(path, NULL), *after;

		ck_assert_int_eq(chmod(path, modes[i]), 0);
		l = (yh_key *)0x1;
		ck_assert_int_eq(yh_key_load(&l, path), YH_ESTORE);
		ck_assert_ptr_null(l);
		ck_assert_msg(strstr(yh_error_message(), "chmod 600") != NULL, "mode %04o: %s",
		              (unsigned)modes[i], yh_error_message());
		ck_assert_msg(strstr(yh_error_message(), path) != NULL, "%s", yh_error_message());
		/* refusing does not repair or change the file */
		ck_assert_uint_eq(file_mode(path), modes[i]);
		after = tu_read(path, NULL);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
	}
	/* as the message says: after chmod 600 it loads; owner-only read-only is fine too */
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(yh_key_load(&l, path), YH_OK);
	ck_assert_str_eq(yh_key_id(l), yh_key_id(k));
	yh_key_free(l);
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(yh_key_load(&l, path), YH_OK);
	ck_assert_str_eq(yh_key_id(l), yh_key_id(k));
	yh_key_free(l);
	yh_key_free(k);
}
END_TEST

START_TEST(test_save_refuses_existing)
{
	yh_key *k = new_key(), *other = new_key(), *l = NULL;
	const char *path = tu_path("dept.key"), *plain = tu_path("notes.txt");
	char *before, *after;

	/* an unrelated file */
	tu_write_str(plain, "keep me\n");
	ck_assert_int_eq(chmod(plain, 0644), 0);
	ck_assert_int_eq(yh_key_save(k, plain), YH_EEXIST);
	after = tu_read(plain, NULL);
	ck_assert_str_eq(after, "keep me\n");
	ck_assert_uint_eq(file_mode(plain), 0644);
	free(after);

	/* an existing key is not replaced by another */
	ck_assert_int_eq(yh_key_save(k, path), YH_OK);
	before = tu_read(path, NULL);
	ck_assert_int_eq(yh_key_save(other, path), YH_EEXIST);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), path));
	after = tu_read(path, NULL);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(yh_key_load(&l, path), YH_OK);
	ck_assert_str_eq(yh_key_id(l), yh_key_id(k));
	/* nor by itself */
	ck_assert_int_eq(yh_key_save(k, path), YH_EEXIST);
	free(after);
	after = tu_read(path, NULL);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* a missing directory is an error, not a crash */
	ck_assert_int_lt(yh_key_save(k, tu_path("no/such/dir.key")), 0);
	yh_key_free(k);
	yh_key_free(other);
	yh_key_free(l);
}
END_TEST

/* A killed write leaves KEY.tmp-XXXXXX holding a seed: the next write of that key removes it,
 * unless a write under way holds it locked; other names are left alone. */
START_TEST(test_save_drops_stale_temporary)
{
	yh_key *k = new_key();
	const char *path = tu_path("stale.key"), *stale = tu_path("stale.key.tmp-AbC123"),
	           *busy = tu_path("stale.key.tmp-Busy00"), *other = tu_path("stale.key.tmp-toolong7");
	int fd;

	tu_write_str(stale, "a leftover seed\n");
	tu_write_str(other, "not ours\n");
	tu_write_str(busy, "being written\n");
	fd = open(busy, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(yh_key_save(k, path), YH_OK);
	ck_assert_int_ne(access(stale, F_OK), 0);
	ck_assert_int_eq(access(busy, F_OK), 0);
	ck_assert_int_eq(access(other, F_OK), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	close(fd);
	yh_key_free(k);
}
END_TEST

/* Writes `text` as a 0600 key file and tries to load it. */
static int load_text(const char *text)
{
	const char *path = tu_path("bad.key");
	yh_key *l = (yh_key *)0x1;
	int rc;

	unlink(path);
	tu_write_str(path, text);
	ck_assert_int_eq(chmod(path, 0600), 0);
	rc = yh_key_load(&l, path);
	if (rc == YH_OK)
		yh_key_free(l);
	else
		ck_assert_ptr_null(l);
	return rc;
}

START_TEST(test_load_refuses_malformed)
{
	static const char hex64[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char text[256];
	yh_key *l = NULL;

	/* the well-formed file, with and without its final LF */
	snprintf(text, sizeof(text), SECRET_HEADER "\n%s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_OK);
	snprintf(text, sizeof(text), SECRET_HEADER "\n%s", hex64);
	ck_assert_int_eq(load_text(text), YH_OK);

	/* wrong or missing header */
	snprintf(text, sizeof(text), "yaohao-secret-key-v2\n%s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "not a yaohao secret key file"));
	snprintf(text, sizeof(text), PUBLIC_HEADER "\n%s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	snprintf(text, sizeof(text), "%s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	snprintf(text, sizeof(text), SECRET_HEADER " %s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	/* short hex, with or without a line end, and bad digits */
	snprintf(text, sizeof(text), SECRET_HEADER "\n%.63s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	snprintf(text, sizeof(text), SECRET_HEADER "\n%.62s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	snprintf(text, sizeof(text), SECRET_HEADER "\n%.63s", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	snprintf(text, sizeof(text), SECRET_HEADER "\n%.63sg\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	snprintf(text, sizeof(text), SECRET_HEADER "\n \n%s\n", hex64);
	ck_assert_int_eq(load_text(text), YH_ESTORE);
	ck_assert_int_eq(load_text(SECRET_HEADER "\n"), YH_ESTORE);
	ck_assert_int_eq(load_text(""), YH_ESTORE);

	/* missing file; a directory */
	ck_assert_int_eq(yh_key_load(&l, tu_path("missing.key")), YH_ENOTFOUND);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(mkdir(tu_path("dir.key"), 0700), 0);
	ck_assert_int_lt(yh_key_load(&l, tu_path("dir.key")), 0);
	ck_assert_ptr_null(l);
}
END_TEST

/* ---- ids and signatures ---------------------------------------------------------------- */

START_TEST(test_key_id)
{
	yh_key *k = new_key();
	unsigned char pk[32], h[32];
	char id[YH_KEY_ID_CHARS + 1];

	yh_key_public(pk, k);
	crypto_hash_sha256(h, pk, 32);
	ck_assert_uint_eq(strlen(yh_key_id(k)), 16);
	ck_assert_str_eq(yh_key_id(k), tu_hex(h, 8));
	yh_key_id_of(id, pk);
	ck_assert_str_eq(id, tu_hex(h, 8));
	yh_key_free(k);

	/* the RFC 8032 key: SHA-256(d75a98..511a) starts with these 16 hex digits */
	k = rfc_key();
	tu_unhex(pk, 32, RFC_PK);
	crypto_hash_sha256(h, pk, 32);
	ck_assert_str_eq(yh_key_id(k), tu_hex(h, 8));
	yh_key_free(k);
}
END_TEST

START_TEST(test_sign_verify)
{
	yh_key *k = new_key(), *other = new_key();
	unsigned char pk[32], opk[32], sig[64], bad[64];
	const char msg[] = "yaohao:ledger-signature:v1 test message";
	char changed[sizeof(msg)];
	size_t i;

	yh_key_public(pk, k);
	yh_key_public(opk, other);
	ck_assert_msg(memcmp(pk, opk, 32) != 0, "two generated keys are equal");
	ck_assert_str_ne(yh_key_id(k), yh_key_id(other));
	yh_key_sign(sig, k, msg, sizeof(msg) - 1);
	ck_assert_int_eq(yh_key_verify(sig, pk, msg, sizeof(msg) - 1), YH_OK);
	/* libsodium agrees */
	ck_assert_int_eq(crypto_sign_verify_detached(sig, (const unsigned char *)msg, sizeof(msg) - 1, pk), 0);
	/* another key */
	ck_assert_int_eq(yh_key_verify(sig, opk, msg, sizeof(msg) - 1), YH_EDATA);
	/* a changed message: every byte, and a shorter or longer one */
	for (i = 0; i < sizeof(msg) - 1; i++) {
		memcpy(changed, msg, sizeof(msg));
		changed[i] ^= 0x01;
		if (yh_key_verify(sig, pk, changed, sizeof(msg) - 1) != YH_EDATA)
			ck_abort_msg("a signature verifies with byte %zu of the message changed", i);
	}
	ck_assert_int_eq(yh_key_verify(sig, pk, msg, sizeof(msg) - 2), YH_EDATA);
	ck_assert_int_eq(yh_key_verify(sig, pk, msg, sizeof(msg)), YH_EDATA);
	/* a changed signature: every byte */
	for (i = 0; i < 64; i++) {
		memcpy(bad, sig, 64);
		bad[i] ^= 0x40;
		if (yh_key_verify(bad, pk, msg, sizeof(msg) - 1) != YH_EDATA)
			ck_abort_msg("a signature verifies with its byte %zu changed", i);
	}
	/* the empty message */
	yh_key_sign(sig, k, "", 0);
	ck_assert_int_eq(yh_key_verify(sig, pk, "", 0), YH_OK);
	ck_assert_int_eq(yh_key_verify(sig, pk, "x", 1), YH_EDATA);
	yh_key_free(k);
	yh_key_free(other);
}
END_TEST

START_TEST(test_rfc8032_vector)
{
	yh_key *k = rfc_key(), *again = rfc_key(), *copy = NULL;
	unsigned char pk[32], sig[64], want_sig[64];

	ck_assert_str_eq(pk_hex(k), RFC_PK);
	yh_key_sign(sig, k, "", 0);
	ck_assert_str_eq(tu_hex(sig, 64), RFC_SIG);
	tu_unhex(want_sig, 64, RFC_SIG);
	tu_unhex(pk, 32, RFC_PK);
	ck_assert_int_eq(yh_key_verify(want_sig, pk, "", 0), YH_OK);
	/* deterministic: the same seed gives the same key and the same signatures */
	ck_assert_str_eq(pk_hex(again), RFC_PK);
	ck_assert_str_eq(yh_key_id(again), yh_key_id(k));
	yh_key_sign(sig, again, "", 0);
	ck_assert_str_eq(tu_hex(sig, 64), RFC_SIG);
	/* a copy is the same key */
	ck_assert_int_eq(yh_key_copy(&copy, k), YH_OK);
	ck_assert_str_eq(pk_hex(copy), RFC_PK);
	yh_key_sign(sig, copy, "", 0);
	ck_assert_str_eq(tu_hex(sig, 64), RFC_SIG);
	/* and the copy outlives the original */
	yh_key_free(k);
	yh_key_sign(sig, copy, "", 0);
	ck_assert_str_eq(tu_hex(sig, 64), RFC_SIG);
	/* saved and loaded, it is still the RFC key */
	ck_assert_int_eq(yh_key_save(copy, tu_path("rfc.key")), YH_OK);
	{
		char *text = tu_read(tu_path("rfc.key"), NULL);

		ck_assert_str_eq(text, SECRET_HEADER "\n" RFC_SEED "\n");
		free(text);
	}
	yh_key_free(copy);
	ck_assert_int_eq(yh_key_load(&copy, tu_path("rfc.key")), YH_OK);
	ck_assert_str_eq(pk_hex(copy), RFC_PK);
	yh_key_free(copy);
	yh_key_free(again);
	yh_key_free(NULL); /* NULL-safe */
}
END_TEST

/* ---- public key files ------------------------------------------------------------------ */

static int read_public_text(unsigned char out[32], const char *text)
{
	const char *path = tu_path("key.pub");

	unlink(path);
	tu_write_str(path, text);
	return yh_key_read_public(out, path);
}

/* yh_key_write_public writes what yh_key_read_public reads, and says why it cannot. */
START_TEST(test_write_public)
{
	unsigned char pk[YH_PUBLIC_KEY_BYTES], back[YH_PUBLIC_KEY_BYTES];
	yh_key *k = NULL;
	char *text;
	size_t len;

	ck_assert_int_eq(yh_key_generate(&k), YH_OK);
	yh_key_public(pk, k);
	ck_assert_int_eq(yh_key_write_public(pk, tu_path("pub.txt")), YH_OK);
	text = tu_read(tu_path("pub.txt"), &len);
	ck_assert_uint_eq(len, strlen("yaohao-public-key-v1\n") + 64 + 1);
	ck_assert_int_eq(strncmp(text, "yaohao-public-key-v1\n", 21), 0);
	ck_assert_int_eq(text[len - 1], '\n');
	free(text);
	ck_assert_int_eq(yh_key_read_public(back, tu_path("pub.txt")), YH_OK);
	ck_assert_mem_eq(back, pk, sizeof(pk));
	ck_assert_int_eq(yh_key_write_public(pk, tu_path("no-such-dir/pub.txt")), YH_EIO);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "no-such-dir/pub.txt"));
	yh_key_free(k);
}
END_TEST

START_TEST(test_read_public)
{
	unsigned char pk[32], want[32];

	tu_unhex(want, 32, RFC_PK);
	/* the public key file format of spec §15, with and without its final LF */
	memset(pk, 0, 32);
	ck_assert_int_eq(read_public_text(pk, PUBLIC_HEADER "\n" RFC_PK "\n"), YH_OK);
	ck_assert_mem_eq(pk, want, 32);
	memset(pk, 0, 32);
	ck_assert_int_eq(read_public_text(pk, PUBLIC_HEADER "\n" RFC_PK), YH_OK);
	ck_assert_mem_eq(pk, want, 32);
	/* bare hex in a file */
	memset(pk, 0, 32);
	ck_assert_int_eq(read_public_text(pk, RFC_PK "\n"), YH_OK);
	ck_assert_mem_eq(pk, want, 32);
	/* bare hex given instead of a path */
	memset(pk, 0, 32);
	ck_assert_int_eq(yh_key_read_public(pk, RFC_PK), YH_OK);
	ck_assert_mem_eq(pk, want, 32);
	/* the committed test vector key file */
	{
		unsigned char seed[32];
		yh_key *k = NULL;

		crypto_hash_sha256(seed, (const unsigned char *)"yaohao test vector key", 22);
		ck_assert_int_eq(yh_key_from_seed(&k, seed), YH_OK);
		ck_assert_int_eq(yh_key_read_public(pk, tu_fixture("vectors/test-key.pub")), YH_OK);
		ck_assert_str_eq(tu_hex(pk, 32), pk_hex(k));
		yh_key_free(k);
	}

	/* junk */
	ck_assert_int_eq(read_public_text(pk, "junk\n"), YH_EDATA);
	ck_assert_int_eq(read_public_text(pk, ""), YH_EDATA);
	ck_assert_int_eq(read_public_text(pk, PUBLIC_HEADER "\n"), YH_EDATA);
	ck_assert_int_eq(read_public_text(pk, PUBLIC_HEADER "\n" "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511\n"),
	                 YH_EDATA); /* 63 digits */
	ck_assert_int_eq(read_public_text(pk, PUBLIC_HEADER "\n" "x75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\n"),
	                 YH_EDATA);
	ck_assert_int_eq(read_public_text(pk, SECRET_HEADER "\n" RFC_PK "\n"), YH_EDATA);
	ck_assert_int_eq(read_public_text(pk, "yaohao-public-key-v2\n" RFC_PK "\n"), YH_EDATA);
	/* neither a file nor 64 hex digits */
	ck_assert_int_eq(yh_key_read_public(pk, tu_path("missing.pub")), YH_EIO);
	ck_assert_int_eq(yh_key_read_public(pk, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511"), YH_EIO);
	ck_assert_int_eq(yh_key_read_public(pk, "z75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), YH_EIO);
	ck_assert_int_eq(yh_key_read_public(pk, RFC_PK "00"), YH_EIO);
	ck_assert_int_eq(yh_key_read_public(pk, ""), YH_EIO);
}
END_TEST

/* ---- key files that are not what they seem ---------------------------------------------- */

/* Loads path, expecting `code` and a message holding `want`; never waits (Check's timeout
 * would fail a FIFO that blocked in open()). */
static void load_refused(const char *path, int code, const char *want)
{
	yh_key *l = (yh_key *)0x1;

	ck_assert_int_eq(yh_key_load(&l, path), code);
	ck_assert_ptr_null(l);
	ck_assert_msg(strstr(yh_error_message(), want) && strstr(yh_error_message(), path),
	              "'%s' lacks '%s'", yh_error_message(), want);
}

/* A FIFO (which would block open() until a writer came), a folder, a device, a symbolic
 * link: refused before a byte is read. */
START_TEST(test_load_refuses_non_regular)
{
	yh_key *k = new_key();
	unsigned char pk[YH_PUBLIC_KEY_BYTES];
	const char *fifo = tu_path("fifo.key"), *dir = tu_path("dir.key"), *link = tu_path("link.key");

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	load_refused(fifo, YH_ESTORE, "not a regular file (a FIFO)");
	ck_assert_int_eq(yh_key_read_public(pk, fifo), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "a FIFO"));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	load_refused(dir, YH_ESTORE, "not a regular file (a folder)");
	load_refused("/dev/null", YH_ESTORE, "not a regular file (a device)");
	ck_assert_int_eq(yh_key_save(k, tu_path("real.key")), YH_OK);
	ck_assert_int_eq(symlink(tu_path("real.key"), link), 0);
	load_refused(link, YH_ESTORE, "is a symbolic link");
	yh_key_free(k);
}
END_TEST

/* A 0600 key file that another user owns is refused (as root: chowned to nobody). */
START_TEST(test_load_refuses_other_owner)
{
	yh_key *k = new_key(), *l = NULL;
	const char *path = tu_path("dept.key");

	ck_assert_int_eq(yh_key_save(k, path), YH_OK);
	if (geteuid() != 0) {
		fprintf(stderr, "note: not root, cannot give a file to another user: owner check skipped\n");
		yh_key_free(k);
		return;
	}
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	load_refused(path, YH_ESTORE, "belongs to another user (uid 65534; yaohao runs as uid 0)");
	ck_assert_int_eq(chown(path, 0, 0), 0);
	ck_assert_int_eq(yh_key_load(&l, path), YH_OK);
	ck_assert_str_eq(yh_key_id(l), yh_key_id(k));
	yh_key_free(k);
	yh_key_free(l);
}
END_TEST

/* The names in tu_dir, sorted, joined by ' '. */
static char *dir_names(void)
{
	char cmd[4200];
	FILE *p;
	tu_buf b = { 0 };
	char line[512];

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | sort", tu_dir);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		tu_buf_fmt(&b, "%s%s", b.len ? " " : "", line);
	}
	pclose(p);
	return tu_buf_take(&b);
}

/* A key file is written under a temporary name and renamed: nothing else is left, not after
 * a refusal either; a dangling symbolic link counts as an existing file. */
START_TEST(test_save_leaves_nothing_else)
{
	yh_key *k = new_key();
	char *names;

	ck_assert_int_eq(yh_key_save(k, tu_path("a.key")), YH_OK);
	ck_assert_int_eq(yh_key_save(k, tu_path("a.key")), YH_EEXIST);
	ck_assert_int_eq(symlink(tu_path("nowhere"), tu_path("b.key")), 0);
	ck_assert_int_eq(yh_key_save(k, tu_path("b.key")), YH_EEXIST);
	ck_assert_int_lt(yh_key_save(k, tu_path("no/such/dir.key")), 0);
	names = dir_names();
	ck_assert_str_eq(names, "a.key b.key");
	free(names);
	/* a public key file replaces the old one whole; through a symbolic link it writes the
	 * file linked to */
	{
		unsigned char pk[YH_PUBLIC_KEY_BYTES], got[YH_PUBLIC_KEY_BYTES];
		struct stat st;

		yh_key_public(pk, k);
		tu_write_str(tu_path("pub.txt"), "an older, longer file that is replaced whole\n");
		ck_assert_int_eq(yh_key_write_public(pk, tu_path("pub.txt")), YH_OK);
		ck_assert_int_eq(yh_key_read_public(got, tu_path("pub.txt")), YH_OK);
		ck_assert_mem_eq(got, pk, sizeof(pk));
		ck_assert_int_eq(symlink(tu_path("target.txt"), tu_path("link.txt")), 0);
		ck_assert_int_eq(yh_key_write_public(pk, tu_path("link.txt")), YH_OK);
		ck_assert_int_eq(lstat(tu_path("link.txt"), &st), 0);
		ck_assert(S_ISLNK(st.st_mode));
		ck_assert_int_eq(yh_key_read_public(got, tu_path("target.txt")), YH_OK);
		names = dir_names();
		ck_assert_str_eq(names, "a.key b.key link.txt pub.txt target.txt");
		free(names);
	}
	yh_key_free(k);
}
END_TEST

/* A store's key file made crash-safely: every state a crash can leave is finished by the
 * next call, and the states it cannot tell apart are refused with what to do. */
START_TEST(test_create_for_store)
{
	yh_store *store = tu_store_new(), *other = NULL;
	yh_key *k = new_key(), *l = NULL;
	const char *path = tu_path("yaohao.db.key"), *pending = tu_path("yaohao.db.key.pending");
	unsigned char pk[YH_PUBLIC_KEY_BYTES];
	char id[YH_KEY_ID_CHARS + 1];
	yh_key_outcome how = YH_KEY_FINISHED;
	char *names;

	/* a run stopped after writing PATH.pending: the next one adopts that key */
	ck_assert_int_eq(yh_key_save(k, pending), YH_OK);
	ck_assert_msg(yh_key_create_for_store(&how, id, store, path) == YH_OK, "%s", yh_error_message());
	ck_assert_int_eq(how, YH_KEY_ADOPTED);
	ck_assert_str_eq(id, yh_key_id(k));
	ck_assert_int_eq(yh_store_public_key(pk, store), YH_OK);
	ck_assert_str_eq(tu_hex(pk, 32), pk_hex(k));
	ck_assert_int_eq(yh_key_load(&l, path), YH_OK);
	ck_assert_str_eq(yh_key_id(l), yh_key_id(k));
	yh_key_free(l);
	ck_assert(!tu_file_exists(pending));
	/* the store has its key and its file: another is refused */
	ck_assert_int_eq(yh_key_create_for_store(&how, id, store, path), YH_ESTORE);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "has a signing key already"));
	ck_assert_ptr_nonnull(strstr(yh_error_message(), yh_key_id(k)));
	ck_assert_int_eq(yh_key_create_for_store(&how, id, store, tu_path("other.key")), YH_ESTORE);
	ck_assert(!tu_file_exists(tu_path("other.key")));
	/* a run stopped after the store took the key, before the rename: the next one renames */
	ck_assert_int_eq(rename(path, pending), 0);
	ck_assert_int_eq(yh_key_create_for_store(&how, id, store, path), YH_OK);
	ck_assert_int_eq(how, YH_KEY_FINISHED);
	ck_assert_str_eq(id, yh_key_id(k));
	ck_assert(tu_file_exists(path) && !tu_file_exists(pending));
	ck_assert_uint_eq(file_mode(path), 0600);
	/* ... but not a pending key that is not the store's */
	yh_key_free(k);
	k = new_key();
	ck_assert_int_eq(rename(path, tu_path("kept.key")), 0);
	ck_assert_int_eq(yh_key_save(k, pending), YH_OK);
	ck_assert_int_eq(yh_key_create_for_store(&how, id, store, path), YH_ESTORE);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "holds another one"));
	ck_assert(!tu_file_exists(path) && tu_file_exists(pending));
	ck_assert_int_eq(unlink(pending), 0);
	ck_assert_int_eq(rename(tu_path("kept.key"), path), 0);
	yh_store_close(store);

	/* a new store: the key is created, the file in place, nothing else left */
	ck_assert_int_eq(yh_store_create(&other, tu_path("b.db"), TU_DEPARTMENT), YH_OK);
	ck_assert_int_eq(yh_key_create_for_store(&how, id, other, tu_path("b.db.key")), YH_OK);
	ck_assert_int_eq(how, YH_KEY_CREATED);
	ck_assert_int_eq(yh_key_load(&l, tu_path("b.db.key")), YH_OK);
	ck_assert_str_eq(yh_key_id(l), id);
	yh_key_free(l);
	ck_assert_uint_eq(file_mode(tu_path("b.db.key")), 0600);
	yh_store_close(other);
	/* a store without a key but a key file at PATH (left by an older yaohao): refused,
	 * saying how to adopt it */
	ck_assert_int_eq(yh_store_create(&other, tu_path("c.db"), TU_DEPARTMENT), YH_OK);
	ck_assert_int_eq(yh_key_save(k, tu_path("c.db.key")), YH_OK);
	ck_assert_int_eq(yh_key_create_for_store(&how, id, other, tu_path("c.db.key")), YH_EEXIST);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "rename it to"));
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "c.db.key.pending"));
	ck_assert_int_eq(yh_store_public_key(pk, other), YH_ENOTFOUND);
	/* which then works */
	ck_assert_int_eq(rename(tu_path("c.db.key"), tu_path("c.db.key.pending")), 0);
	ck_assert_int_eq(yh_key_create_for_store(&how, id, other, tu_path("c.db.key")), YH_OK);
	ck_assert_int_eq(how, YH_KEY_ADOPTED);
	ck_assert_str_eq(id, yh_key_id(k));
	yh_store_close(other);
	/* a pending key others can read is refused, not adopted */
	ck_assert_int_eq(yh_store_create(&other, tu_path("d.db"), TU_DEPARTMENT), YH_OK);
	ck_assert_int_eq(yh_key_save(k, tu_path("d.db.key.pending")), YH_OK);
	ck_assert_int_eq(chmod(tu_path("d.db.key.pending"), 0644), 0);
	ck_assert_int_eq(yh_key_create_for_store(&how, id, other, tu_path("d.db.key")), YH_ESTORE);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "readable by others"));
	ck_assert_int_eq(yh_store_public_key(pk, other), YH_ENOTFOUND);
	yh_store_close(other);
	/* no temporary file is left, and only d.db's refused key is pending */
	names = dir_names();
	ck_assert_msg(!strstr(names, ".tmp-"), "%s", names);
	ck_assert_msg(strstr(names, "d.db.key.pending") && strstr(names, "yaohao.db.key"), "%s", names);
	ck_assert_msg(!strstr(strstr(names, ".pending") + 1, ".pending"), "%s", names);
	free(names);
	yh_key_free(k);
}
END_TEST

static Suite *key_suite(void)
{
	Suite *s = suite_create("key");
	TCase *tc = tu_tcase(s, "key", TU_TMPDIR, 0);

	tcase_add_test(tc, test_save_load_round_trip);
	tcase_add_test(tc, test_saved_mode_0600);
	tcase_add_test(tc, test_save_drops_stale_temporary);
	tcase_add_test(tc, test_load_refuses_readable_by_others);
	tcase_add_test(tc, test_save_refuses_existing);
	tcase_add_test(tc, test_load_refuses_malformed);
	tcase_add_test(tc, test_key_id);
	tcase_add_test(tc, test_sign_verify);
	tcase_add_test(tc, test_rfc8032_vector);
	tcase_add_test(tc, test_read_public);
	tcase_add_test(tc, test_write_public);
	tcase_add_test(tc, test_load_refuses_non_regular);
	tcase_add_test(tc, test_load_refuses_other_owner);
	tcase_add_test(tc, test_save_leaves_nothing_else);
	tcase_add_test(tc, test_create_for_store);
	return s;
}

TU_MAIN(key_suite)
