/* test_merkle.c — register digests as RFC 6962 Merkle roots (yaohao/merkle.h, docs/spec.md §2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <sodium.h>

#include "testutil.h"
#include "keyed_root.h"
#include "row_hasher.h"
#include "merkle_private.h"

typedef struct {
	const unsigned char *data;
	size_t len;
} leaf;

/* An independent, recursive MTH() exactly as RFC 6962 §2.1 defines it. */
static void ref_mth(unsigned char out[32], const leaf *d, size_t n)
{
	crypto_hash_sha256_state st;
	unsigned char l[32], r[32], b;
	size_t k;

	if (n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	crypto_hash_sha256_init(&st);
	if (n == 1) {
		b = 0x00;
		crypto_hash_sha256_update(&st, &b, 1);
		crypto_hash_sha256_update(&st, d[0].data, d[0].len);
		crypto_hash_sha256_final(&st, out);
		return;
	}
	for (k = 1; k * 2 < n; k *= 2)
		;
	ref_mth(l, d, k);
	ref_mth(r, d + k, n - k);
	b = 0x01;
	crypto_hash_sha256_update(&st, &b, 1);
	crypto_hash_sha256_update(&st, l, 32);
	crypto_hash_sha256_update(&st, r, 32);
	crypto_hash_sha256_final(&st, out);
}

/* Leaves of varied lengths (0..40 bytes), deterministic. */
static unsigned char leafbuf[2048][41];
static leaf leaves[2048];

static void make_leaves(void)
{
	size_t i, j;

	for (i = 0; i < 2048; i++) {
		leaves[i].len = (i * 7) % 41;
		for (j = 0; j < leaves[i].len; j++)
			leafbuf[i][j] = (unsigned char)(i * 31 + j * 17 + 3);
		leaves[i].data = leafbuf[i];
	}
}

static yh_merkle *merkle_new(void)
{
	yh_merkle *m = NULL;

	ck_assert_int_eq(yh_merkle_new(&m), YH_OK);
	ck_assert_ptr_nonnull(m);
	return m;
}

static void root_of(unsigned char out[32], size_t n)
{
	yh_merkle *m = merkle_new();
	size_t i;

	for (i = 0; i < n; i++)
		yh_merkle_add(m, leaves[i].data, leaves[i].len);
	ck_assert_uint_eq(yh_merkle_count(m), n);
	yh_merkle_root(out, m);
	yh_merkle_free(m);
}

START_TEST(test_empty)
{
	unsigned char got[32];

	root_of(got, 0);
	/* SHA-256 of nothing */
	ck_assert_str_eq(tu_hex(got, 32), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	yh_merkle_free(NULL);
}
END_TEST

START_TEST(test_small_counts)
{
	static const size_t counts[] = { 0, 1, 2, 3, 5, 7, 8 };
	unsigned char got[32], want[32];
	size_t i;

	make_leaves();
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		root_of(got, counts[i]);
		ref_mth(want, leaves, counts[i]);
		ck_assert_msg(memcmp(got, want, 32) == 0, "%zu leaves: root %s, expected %s", counts[i],
		              tu_hex(got, 32), tu_hex(want, 32));
	}
}
END_TEST

START_TEST(test_one_leaf_and_two)
{
	/* written out by hand: leaf = H(0x00 || d), node = H(0x01 || l || r) */
	unsigned char got[32], l0[32], l1[32], want[32], buf[65];
	yh_merkle *m = merkle_new();

	buf[0] = 0x00;
	memcpy(buf + 1, "abc", 3);
	crypto_hash_sha256(l0, buf, 4);
	yh_merkle_add(m, "abc", 3);
	yh_merkle_root(got, m);
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(l0, 32));
	buf[0] = 0x00;
	crypto_hash_sha256(l1, buf, 1); /* the empty leaf */
	yh_merkle_add(m, "", 0);
	buf[0] = 0x01;
	memcpy(buf + 1, l0, 32);
	memcpy(buf + 33, l1, 32);
	crypto_hash_sha256(want, buf, 65);
	yh_merkle_root(got, m);
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
	yh_merkle_free(m);
}
END_TEST

START_TEST(test_ct_vectors)
{
	/* The Certificate Transparency reference vectors (leaves "", 00, 10, 2021, 3031, 40..43,
	 * 50..57, 60..6f), as in the RFC 6962 reference implementations. */
	static const char *const roots[] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	unsigned char data[8][16], got[32];
	size_t lens[8] = { 0, 1, 1, 2, 2, 4, 8, 16 }, i, j;
	yh_merkle *m = merkle_new();

	data[1][0] = 0x00;
	data[2][0] = 0x10;
	for (i = 3; i < 8; i++)
		for (j = 0; j < lens[i]; j++)
			data[i][j] = (unsigned char)(((i - 1) << 4) + j);
	for (i = 0; i < 8; i++) {
		yh_merkle_add(m, data[i], lens[i]);
		yh_merkle_root(got, m);
		ck_assert_msg(strcmp(tu_hex(got, 32), roots[i]) == 0, "%zu leaves: %s, expected %s", i + 1,
		              tu_hex(got, 32), roots[i]);
	}
	yh_merkle_free(m);
}
END_TEST

START_TEST(test_incremental)
{
	/* adding more leaves after taking a root: every prefix's root stays right */
	unsigned char got[32], again[32], want[32];
	yh_merkle *m = merkle_new();
	size_t n;

	make_leaves();
	yh_merkle_root(got, m);
	ref_mth(want, leaves, 0);
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
	for (n = 1; n <= 300; n++) {
		yh_merkle_add(m, leaves[n - 1].data, leaves[n - 1].len);
		yh_merkle_root(got, m);
		yh_merkle_root(again, m);
		ref_mth(want, leaves, n);
		ck_assert_msg(memcmp(got, want, 32) == 0, "after %zu adds: %s, expected %s", n, tu_hex(got, 32),
		              tu_hex(want, 32));
		ck_assert_msg(memcmp(got, again, 32) == 0, "taking the root changed the tree at %zu", n);
		ck_assert_uint_eq(yh_merkle_count(m), n);
	}
	yh_merkle_free(m);
}
END_TEST

START_TEST(test_powers_of_two_edges)
{
	static const size_t counts[] = { 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024,
	                                 1025, 2047, 2048 };
	unsigned char got[32], want[32];
	size_t i;

	make_leaves();
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		root_of(got, counts[i]);
		ref_mth(want, leaves, counts[i]);
		ck_assert_msg(memcmp(got, want, 32) == 0, "%zu leaves", counts[i]);
	}
}
END_TEST

START_TEST(test_order_matters)
{
	unsigned char a[32], b[32];
	yh_merkle *m = merkle_new();

	yh_merkle_add(m, "x", 1);
	yh_merkle_add(m, "y", 1);
	yh_merkle_root(a, m);
	yh_merkle_free(m);
	m = merkle_new();
	yh_merkle_add(m, "y", 1);
	yh_merkle_add(m, "x", 1);
	yh_merkle_root(b, m);
	yh_merkle_free(m);
	ck_assert_msg(memcmp(a, b, 32) != 0, "the root must depend on the order of leaves");
}
END_TEST

START_TEST(test_row_encoding)
{
	/* u32 big-endian length, then the bytes, for each field */
	static const unsigned char want[] = {
		0, 0, 0, 2, 'a', 'b',
		0, 0, 0, 0,
		0, 0, 0, 3, 0xe4, 0xb8, 0xad, /* 中 */
		0, 0, 0, 1, ','
	};
	const char *fields[] = { "ab", "", "\xe4\xb8\xad", "," };
	unsigned char buf[64];
	size_t n;

	memset(buf, 0xaa, sizeof(buf));
	n = yh_merkle_encode_row(buf, sizeof(buf), fields, 4);
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_msg(memcmp(buf, want, sizeof(want)) == 0, "encoding: %s", tu_hex(buf, n));
	/* exactly enough room, and one byte too little */
	ck_assert_uint_eq(yh_merkle_encode_row(buf, sizeof(want), fields, 4), sizeof(want));
	ck_assert_uint_eq(yh_merkle_encode_row(buf, sizeof(want) - 1, fields, 4), 0);
	ck_assert_uint_eq(yh_merkle_encode_row(buf, 3, fields, 1), 0);
	/* a long field: 300 bytes, length 00 00 01 2c */
	{
		char longf[301];
		const char *one[] = { longf };
		unsigned char big[400];

		memset(longf, 'z', 300);
		longf[300] = '\0';
		ck_assert_uint_eq(yh_merkle_encode_row(big, sizeof(big), one, 1), 304);
		ck_assert_str_eq(tu_hex(big, 4), "0000012c");
		ck_assert_int_eq(big[4], 'z');
		ck_assert_int_eq(big[303], 'z');
	}
}
END_TEST

START_TEST(test_add_row)
{
	/* add_row = add of the canonical encoding; an entity row of docs/spec.md §1 */
	const char *row[] = { "92330109MA53QQ247E", "萧山区徐记饭店", "个体工商户", "330109", "H62", "A",
	                      "active", "0" };
	const char *other[] = { "a", "b" };
	unsigned char enc[512], a[32], b[32], leafh[32], pre[513];
	yh_merkle *m1 = merkle_new(), *m2 = merkle_new();
	size_t n = yh_merkle_encode_row(enc, sizeof(enc), row, 8), i, want_len = 0;

	for (i = 0; i < 8; i++)
		want_len += 4 + strlen(row[i]);
	ck_assert_uint_eq(n, want_len);
	ck_assert_int_eq(yh_merkle_add_row(m1, row, 8), YH_OK);
	yh_merkle_add(m2, enc, n);
	yh_merkle_root(a, m1);
	yh_merkle_root(b, m2);
	ck_assert_str_eq(tu_hex(a, 32), tu_hex(b, 32));
	pre[0] = 0x00;
	memcpy(pre + 1, enc, n);
	crypto_hash_sha256(leafh, pre, n + 1);
	ck_assert_str_eq(tu_hex(a, 32), tu_hex(leafh, 32));
	/* rows of different sizes keep agreeing (the row buffer grows) */
	for (i = 0; i < 50; i++) {
		ck_assert_int_eq(yh_merkle_add_row(m1, i % 2 ? row : other, i % 2 ? 8 : 2), YH_OK);
		n = yh_merkle_encode_row(enc, sizeof(enc), i % 2 ? row : other, i % 2 ? 8 : 2);
		yh_merkle_add(m2, enc, n);
	}
	yh_merkle_root(a, m1);
	yh_merkle_root(b, m2);
	ck_assert_str_eq(tu_hex(a, 32), tu_hex(b, 32));
	ck_assert_uint_eq(yh_merkle_count(m1), 51);
	yh_merkle_free(m1);
	yh_merkle_free(m2);
}
END_TEST

START_TEST(test_field_boundaries)
{
	/* ("ab","c") and ("a","bc") have the same bytes but different rows */
	const char *x[] = { "ab", "c" }, *y[] = { "a", "bc" };
	unsigned char a[32], b[32];
	yh_merkle *m1 = merkle_new(), *m2 = merkle_new();

	ck_assert_int_eq(yh_merkle_add_row(m1, x, 2), YH_OK);
	ck_assert_int_eq(yh_merkle_add_row(m2, y, 2), YH_OK);
	yh_merkle_root(a, m1);
	yh_merkle_root(b, m2);
	ck_assert_msg(memcmp(a, b, 32) != 0, "field boundaries must count");
	yh_merkle_free(m1);
	yh_merkle_free(m2);
}
END_TEST

/* ---- roots of keyed rows in any order (keyed_root.c) ---------------------------------- */

/* MTH over leaf hashes given directly, recursively as §2 defines it (independent of merkle.c). */
static void ref_mth_hashes(unsigned char out[32], const unsigned char (*h)[32], size_t n)
{
	crypto_hash_sha256_state st;
	unsigned char l[32], r[32], b = 0x01;
	size_t k;

	if (n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, h[0], 32);
		return;
	}
	for (k = 1; k * 2 < n; k *= 2)
		;
	ref_mth_hashes(l, h, k);
	ref_mth_hashes(r, h + k, n - k);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &b, 1);
	crypto_hash_sha256_update(&st, l, 32);
	crypto_hash_sha256_update(&st, r, 32);
	crypto_hash_sha256_final(&st, out);
}

/* n keys in ascending order ("k0000000", ...) and a distinct leaf hash for each. */
typedef struct {
	char (*key)[YH_KEY_MAX];
	unsigned char (*leaf)[32];
	size_t n;
} keyed;

static void keyed_make(keyed *kd, size_t n)
{
	size_t i;

	kd->key = calloc(n + 1, sizeof(*kd->key));
	kd->leaf = calloc(n + 1, sizeof(*kd->leaf));
	ck_assert(kd->key && kd->leaf);
	kd->n = n;
	for (i = 0; i < n; i++) {
		unsigned char v[8];
		size_t j;

		snprintf(kd->key[i], YH_KEY_MAX, "k%07zu", i);
		for (j = 0; j < 8; j++)
			v[j] = (unsigned char)(i >> (8 * j));
		crypto_hash_sha256(kd->leaf[i], v, sizeof(v));
	}
}

static void keyed_free(keyed *kd)
{
	free(kd->key);
	free(kd->leaf);
}

/* The keyed root of kd's pairs fed in the order `order` (NULL: as they are). */
static uint64_t keyed_root_of(unsigned char out[32], char dup[YH_KEY_MAX], const keyed *kd,
                              const size_t *order, yh_keyed_mode mode)
{
	yh_keyed_root *k = NULL;
	uint64_t count = 0, runs;
	size_t i;

	ck_assert_int_eq(yh_keyed_root_new(&k, mode), YH_OK);
	for (i = 0; i < kd->n; i++) {
		size_t j = order ? order[i] : i;
		int rc = yh_keyed_root_add(k, kd->key[j], kd->leaf[j]);

		TU_REQUIRE(rc == YH_OK, "add %zu: %d %s", i, rc, yh_error_message());
	}
	ck_assert_int_eq(yh_keyed_root_finish(k, out, &count, dup), YH_OK);
	ck_assert_uint_eq(count, kd->n);
	runs = yh_keyed_root_runs(k);
	yh_keyed_root_free(k);
	return runs;
}

static size_t *shuffled_order(size_t n, uint64_t seed)
{
	size_t *o = malloc((n + 1) * sizeof(*o)), i;
	uint64_t x = seed;

	ck_assert_ptr_nonnull(o);
	for (i = 0; i < n; i++)
		o[i] = i;
	for (i = n; i > 1; i--) {
		size_t j = (size_t)(tu_rng(&x) % i), t = o[i - 1];

		o[i - 1] = o[j];
		o[j] = t;
	}
	return o;
}

START_TEST(test_keyed_stream_is_the_batch_root)
{
	/* every n from 0 to 300 (each unbalanced right edge), and a few large ones */
	static const size_t large[] = { 1023, 1024, 1025, 4095, 4097, 65537, 100003 };
	unsigned char got[32], want[32], batch[32];
	char dup[YH_KEY_MAX];
	keyed kd;
	size_t n, i;

	for (n = 0; n <= 300 + sizeof(large) / sizeof(large[0]); n++) {
		size_t count = n <= 300 ? n : large[n - 301];
		yh_merkle *m = merkle_new();

		keyed_make(&kd, count);
		ck_assert_uint_eq(keyed_root_of(got, dup, &kd, NULL, YH_KEYED_STREAM), 0);
		ck_assert_str_eq(dup, "");
		ref_mth_hashes(want, (const unsigned char (*)[32])kd.leaf, count);
		for (i = 0; i < count; i++)
			yh_merkle_add_hash(m, kd.leaf[i]);
		yh_merkle_root(batch, m);
		yh_merkle_free(m);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "%zu leaves: %s, expected %s", count, tu_hex(got, 32),
		           tu_hex(want, 32));
		TU_REQUIRE(memcmp(batch, want, 32) == 0, "%zu leaves: batch root differs", count);
		keyed_free(&kd);
	}
}
END_TEST

START_TEST(test_keyed_any_order_is_the_sorted_root)
{
	static const size_t counts[] = { 0, 1, 2, 3, 7, 8, 9, 100, 255, 256, 257, 300, 5000, 70001 };
	unsigned char got[32], want[32];
	char dup[YH_KEY_MAX];
	size_t c, old;

	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		size_t n = counts[c], *o = shuffled_order(n, 0x5eed + n), *rev = malloc((n + 1) * sizeof(*rev));
		size_t i;
		keyed kd;

		ck_assert_ptr_nonnull(rev);
		for (i = 0; i < n; i++)
			rev[i] = n - 1 - i;
		keyed_make(&kd, n);
		ref_mth_hashes(want, (const unsigned char (*)[32])kd.leaf, n);
		/* in memory */
		ck_assert_uint_eq(keyed_root_of(got, dup, &kd, o, YH_KEYED_SORT), 0);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "%zu shuffled, in memory", n);
		ck_assert_uint_eq(keyed_root_of(got, dup, &kd, NULL, YH_KEYED_SORT), 0);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "%zu sorted, sorting mode", n);
		/* spilled: a budget of three records makes many runs (a record of key "k0000000" and
		 * its leaf takes 76 bytes in the sort: row_sort.h) */
		old = yh_keyed_root_set_budget(3 * 76);
		ck_assert_uint_eq(keyed_root_of(got, dup, &kd, o, YH_KEYED_SORT) > 0, n > 3);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "%zu shuffled, spilled", n);
		keyed_root_of(got, dup, &kd, rev, YH_KEYED_SORT);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "%zu reversed, spilled", n);
		ck_assert_str_eq(dup, "");
		yh_keyed_root_set_budget(1000 * 56);
		keyed_root_of(got, dup, &kd, o, YH_KEYED_SORT);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "%zu shuffled, budget of 1000", n);
		yh_keyed_root_set_budget(old);
		keyed_free(&kd);
		free(o);
		free(rev);
	}
}
END_TEST

START_TEST(test_keyed_stream_refuses_disorder)
{
	yh_keyed_root *k = NULL;
	unsigned char lh[32] = { 1 }, root[32];
	char dup[YH_KEY_MAX];
	uint64_t count;

	ck_assert_int_eq(yh_keyed_root_new(&k, YH_KEYED_STREAM), YH_OK);
	ck_assert_int_eq(yh_keyed_root_add(k, "b", lh), YH_OK);
	ck_assert_int_eq(yh_keyed_root_add(k, "c", lh), YH_OK);
	ck_assert_int_eq(yh_keyed_root_add(k, "a", lh), YH_KEYED_DISORDER);
	ck_assert_int_eq(yh_keyed_root_add(k, "c", lh), YH_OK); /* equal is in order: a duplicate */
	ck_assert_int_eq(yh_keyed_root_add(k, "0123456789012345678901234", lh), YH_EINVAL);
	ck_assert_int_eq(yh_keyed_root_finish(k, root, &count, dup), YH_OK);
	ck_assert_uint_eq(count, 3);
	ck_assert_str_eq(dup, "c");
	yh_keyed_root_free(k);
	yh_keyed_root_free(NULL);
}
END_TEST

START_TEST(test_keyed_duplicates)
{
	/* the smallest key given twice is named, in memory and across spilled runs */
	static const char *const keys[] = { "m", "z", "q", "b", "z", "a", "q", "c", "d", "e" };
	unsigned char lh[32] = { 7 }, root[32];
	char dup[YH_KEY_MAX];
	uint64_t count;
	size_t budget, i, old = yh_keyed_root_set_budget(0);

	for (budget = 0; budget <= 4 * 56; budget += 2 * 56) {
		yh_keyed_root *k = NULL;

		yh_keyed_root_set_budget(budget);
		ck_assert_int_eq(yh_keyed_root_new(&k, YH_KEYED_SORT), YH_OK);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			ck_assert_int_eq(yh_keyed_root_add(k, keys[i], lh), YH_OK);
		ck_assert_int_eq(yh_keyed_root_finish(k, root, &count, dup), YH_OK);
		ck_assert_uint_eq(count, 10);
		ck_assert_msg(strcmp(dup, "q") == 0, "budget %zu: '%s'", budget, dup);
		ck_assert_uint_eq(yh_keyed_root_runs(k) > 0, budget > 0);
		yh_keyed_root_free(k);
	}
	yh_keyed_root_set_budget(old);
}
END_TEST

START_TEST(test_keyed_temporary_file_removed)
{
	/* the runs go to $TMPDIR, and nothing is left there: not while sorting, not after, not
	 * when it fails */
	char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	const char *dir = tu_path("tmp");
	unsigned char root[32], lh[32] = { 3 };
	char dup[YH_KEY_MAX], key[YH_KEY_MAX];
	yh_keyed_root *k = NULL;
	uint64_t count;
	size_t i, old = yh_keyed_root_set_budget(4 * 70); /* four records of a two-byte key */

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(setenv("TMPDIR", dir, 1), 0);
	ck_assert_int_eq(yh_keyed_root_new(&k, YH_KEYED_SORT), YH_OK);
	for (i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "%02zu", (i * 7) % 50);
		ck_assert_int_eq(yh_keyed_root_add(k, key, lh), YH_OK);
	}
	ck_assert_uint_gt(yh_keyed_root_runs(k), 1);
	ck_assert_uint_eq(tu_dir_entries(dir), 0);
	ck_assert_int_eq(yh_keyed_root_finish(k, root, &count, dup), YH_OK);
	ck_assert_uint_eq(count, 50);
	yh_keyed_root_free(k);
	ck_assert_uint_eq(tu_dir_entries(dir), 0);
	/* a folder that cannot take the file: the spill fails, saying where */
	ck_assert_int_eq(setenv("TMPDIR", tu_path("missing"), 1), 0);
	ck_assert_int_eq(yh_keyed_root_new(&k, YH_KEYED_SORT), YH_OK);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(yh_keyed_root_add(k, "x", lh), YH_OK);
	ck_assert_int_eq(yh_keyed_root_add(k, "y", lh), YH_EIO);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "missing"));
	yh_keyed_root_free(k);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	yh_keyed_root_set_budget(old);
}
END_TEST

START_TEST(test_row_hasher_one_or_two_threads)
{
	/* rows hashed on a worker give the root of the leaves hashed in place, for any count
	 * around the batch sizes; a key out of order while streaming and a failing spill come back
	 * to the reader */
	static const size_t counts[] = { 0, 1, 2, 2047, 2048, 2049, 9000 };
	unsigned char got[32], want[32], row[64];
	char dup[YH_KEY_MAX], key[YH_KEY_MAX];
	size_t c, i;
	int threads;

	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		for (threads = 1; threads <= 2; threads++) {
			yh_keyed_root *k = NULL, *direct = NULL;
			yh_row_hasher *h = NULL;
			uint64_t n1, n2;

			ck_assert_int_eq(yh_keyed_root_new(&k, YH_KEYED_STREAM), YH_OK);
			ck_assert_int_eq(yh_keyed_root_new(&direct, YH_KEYED_STREAM), YH_OK);
			ck_assert_int_eq(yh_row_hasher_new(&h, k, threads), YH_OK);
			for (i = 0; i < counts[c]; i++) {
				size_t len = 1 + i % 60;

				snprintf(key, sizeof(key), "r%08zu", i);
				memset(row, (int)(i * 13), len);
				TU_REQUIRE(yh_row_hasher_add(h, key, row, len) == YH_OK, "row %zu", i);
				yh_merkle_leaf_hash(want, row, len);
				TU_REQUIRE(yh_keyed_root_add(direct, key, want) == YH_OK, "row %zu", i);
			}
			ck_assert_int_eq(yh_row_hasher_finish(h), YH_OK);
			ck_assert_int_eq(yh_keyed_root_finish(k, got, &n1, dup), YH_OK);
			ck_assert_int_eq(yh_keyed_root_finish(direct, want, &n2, dup), YH_OK);
			ck_assert_uint_eq(n1, counts[c]);
			ck_assert_uint_eq(n2, counts[c]);
			ck_assert_msg(memcmp(got, want, 32) == 0, "%zu rows, %d threads", counts[c], threads);
			yh_row_hasher_free(h);
			yh_keyed_root_free(k);
			yh_keyed_root_free(direct);
		}
	}
	for (threads = 1; threads <= 2; threads++) {
		yh_keyed_root *k = NULL;
		yh_row_hasher *h = NULL;
		int rc = YH_OK;

		ck_assert_int_eq(yh_keyed_root_new(&k, YH_KEYED_STREAM), YH_OK);
		ck_assert_int_eq(yh_row_hasher_new(&h, k, threads), YH_OK);
		for (i = 0; i < 20000 && rc == YH_OK; i++) {
			snprintf(key, sizeof(key), "r%08zu", i == 5000 ? (size_t)1 : i);
			rc = yh_row_hasher_add(h, key, row, 8);
		}
		if (rc == YH_OK)
			rc = yh_row_hasher_finish(h);
		ck_assert_int_eq(rc, YH_KEYED_DISORDER);
		yh_row_hasher_free(h); /* freeing before finish (after a failure) joins the worker */
		yh_keyed_root_free(k);
	}
}
END_TEST

/* Random fields: up to 10 of 0 to 300 bytes of 1..255 (no NUL), now and then one far longer
 * than a batch of the hasher (a row it must grow a batch for). */
static size_t random_fields(char **f, size_t *lens, size_t i)
{
	size_t n = 1 + randombytes_uniform(10), j, k;

	for (j = 0; j < n; j++) {
		lens[j] = i % 997 == 5 && j == 0 ? 700000 : randombytes_uniform(301);
		f[j] = malloc(lens[j] + 1);
		TU_REQUIRE(f[j] != NULL, "out of memory");
		randombytes_buf(f[j], lens[j]);
		for (k = 0; k < lens[j]; k++)
			if (f[j][k] == 0)
				f[j][k] = 'x';
		f[j][lens[j]] = '\0';
	}
	return n;
}

START_TEST(test_encode_fields_and_add_fields)
{
	/* fields with their lengths encode as yh_merkle_encode_row measures them, and a row added
	 * as its fields (encoded straight into the hasher's batch) gives the root of the same row
	 * added encoded, with one thread or two, across batch boundaries and oversized rows */
	static unsigned char a[800000], b[800000];
	unsigned char got[32], want[32];
	char dup[YH_KEY_MAX], key[YH_KEY_MAX];
	int threads;

	for (threads = 1; threads <= 2; threads++) {
		yh_keyed_root *k1 = NULL, *k2 = NULL;
		yh_row_hasher *h1 = NULL, *h2 = NULL;
		uint64_t n1, n2;
		size_t i, j;

		ck_assert_int_eq(yh_keyed_root_new(&k1, YH_KEYED_STREAM), YH_OK);
		ck_assert_int_eq(yh_keyed_root_new(&k2, YH_KEYED_STREAM), YH_OK);
		ck_assert_int_eq(yh_row_hasher_new(&h1, k1, threads), YH_OK);
		ck_assert_int_eq(yh_row_hasher_new(&h2, k2, threads), YH_OK);
		for (i = 0; i < 5000; i++) {
			char *f[10];
			size_t lens[10], n = random_fields(f, lens, i), len1, len2;
			int klen = snprintf(key, sizeof(key), "r%08zu", i);

			len1 = yh_merkle_encode_fields(a, (const char *const *)f, lens, n);
			len2 = yh_merkle_encode_row(b, sizeof(b), (const char *const *)f, n);
			TU_REQUIRE(len1 == len2 && len1 == yh_merkle_encoded_len(lens, n) &&
			           memcmp(a, b, len1) == 0, "row %zu: %zu and %zu bytes", i, len1, len2);
			TU_REQUIRE(yh_row_hasher_add_fields(h1, key, (size_t)klen, (const char *const *)f, lens,
			                                    n) == YH_OK, "row %zu", i);
			TU_REQUIRE(yh_row_hasher_add(h2, key, b, len2) == YH_OK, "row %zu", i);
			for (j = 0; j < n; j++)
				free(f[j]);
		}
		ck_assert_int_eq(yh_row_hasher_finish(h1), YH_OK);
		ck_assert_int_eq(yh_row_hasher_finish(h2), YH_OK);
		ck_assert_int_eq(yh_keyed_root_finish(k1, got, &n1, dup), YH_OK);
		ck_assert_int_eq(yh_keyed_root_finish(k2, want, &n2, dup), YH_OK);
		ck_assert_uint_eq(n1, 5000);
		ck_assert_uint_eq(n2, 5000);
		ck_assert_msg(memcmp(got, want, 32) == 0, "%d threads", threads);
		yh_row_hasher_free(h1);
		yh_row_hasher_free(h2);
		yh_keyed_root_free(k1);
		yh_keyed_root_free(k2);
	}
}
END_TEST

static Suite *merkle_suite(void)
{
	Suite *s = suite_create("merkle");
	TCase *tc = tu_tcase(s, "merkle", 0, 60);

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_small_counts);
	tcase_add_test(tc, test_one_leaf_and_two);
	tcase_add_test(tc, test_ct_vectors);
	tcase_add_test(tc, test_incremental);
	tcase_add_test(tc, test_powers_of_two_edges);
	tcase_add_test(tc, test_order_matters);
	tcase_add_test(tc, test_row_encoding);
	tcase_add_test(tc, test_add_row);
	tcase_add_test(tc, test_field_boundaries);
	tcase_add_test(tc, test_keyed_stream_is_the_batch_root);
	tcase_add_test(tc, test_keyed_any_order_is_the_sorted_root);
	tcase_add_test(tc, test_keyed_stream_refuses_disorder);
	tcase_add_test(tc, test_keyed_duplicates);
	tcase_add_test(tc, test_row_hasher_one_or_two_threads);
	tcase_add_test(tc, test_encode_fields_and_add_fields);
	tc = tu_tcase(s, "keyed_files", TU_TMPDIR, 60);
	tcase_add_test(tc, test_keyed_temporary_file_removed);
	return s;
}

TU_MAIN(merkle_suite)
