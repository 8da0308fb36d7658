/* test_proof.c — one entity's inclusion or absence proof about a draw, checked against the draw
 * document alone (yaohao/proof.h, docs/spec.md §14), and the RFC 6962 audit paths under it
 * (yaohao/merkle.h, spec §2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "testutil.h"

/* yh_draw_run's result, where a test does not look at it */
static yh_draw_result tu_draw_result;

#define FOOD "T-2026-12-FOOD"
#define FREEZE 7

/* ---- an independent RFC 6962 implementation ---------------------------------------------- */

static void ref_leaf(unsigned char out[32], const unsigned char *data, size_t len)
{
	crypto_hash_sha256_state st;
	unsigned char zero = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &zero, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

static void ref_node(unsigned char out[32], const unsigned char l[32], const unsigned char r[32])
{
	crypto_hash_sha256_state st;
	unsigned char one = 0x01;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &one, 1);
	crypto_hash_sha256_update(&st, l, 32);
	crypto_hash_sha256_update(&st, r, 32);
	crypto_hash_sha256_final(&st, out);
}

static size_t split_point(size_t n) /* the largest power of two smaller than n */
{
	size_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[lo:hi]) over leaf hashes (RFC 6962 §2.1). */
static void ref_mth(unsigned char out[32], const unsigned char (*leaf)[32], size_t n)
{
	unsigned char l[32], r[32];
	size_t k;

	if (n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaf[0], 32);
		return;
	}
	k = split_point(n);
	ref_mth(l, leaf, k);
	ref_mth(r, leaf + k, n - k);
	ref_node(out, l, r);
}

/* PATH(m, D[n]) of RFC 6962 §2.1.1, appended to out (bottom-up); returns the count. */
static size_t ref_path(unsigned char (*out)[32], size_t m, const unsigned char (*leaf)[32], size_t n)
{
	size_t k, c;

	if (n <= 1)
		return 0;
	k = split_point(n);
	if (m < k) {
		c = ref_path(out, m, leaf, k);
		ref_mth(out[c], leaf + k, n - k);
	} else {
		c = ref_path(out, m - k, leaf + k, n - k);
		ref_mth(out[c], leaf, k);
	}
	return c + 1;
}

/* ---- Merkle audit paths ------------------------------------------------------------------ */

START_TEST(test_paths_small_trees)
{
	unsigned char leaves[65][32], root[32], want[64][32], data[8], bad[32];
	size_t n, m, j, i;

	for (i = 0; i < 65; i++) { /* distinct leaves of 2 to 8 bytes */
		memset(data, (int)(i * 7), sizeof(data));
		data[0] = 'L';
		data[1] = (unsigned char)i;
		ref_leaf(leaves[i], data, 2 + i % 7);
	}
	for (n = 1; n <= 65; n++) {
		if (n > 17 && n != 31 && n != 32 && n != 33 && n != 64 && n != 65)
			continue;
		ref_mth(root, (const unsigned char (*)[32])leaves, n);
		/* the root the streaming builder gives is the reference MTH */
		{
			yh_merkle *mk = NULL;
			unsigned char r2[32];

			ck_assert_int_eq(yh_merkle_new(&mk), YH_OK);
			for (i = 0; i < n; i++)
				yh_merkle_add_hash(mk, leaves[i]);
			yh_merkle_root(r2, mk);
			ck_assert_mem_eq(r2, root, 32);
			yh_merkle_free(mk);
		}
		for (m = 0; m < n; m++) {
			unsigned char *path = NULL;
			size_t np = 99, wn = ref_path(want, m, (const unsigned char (*)[32])leaves, n);

			ck_assert_int_eq(yh_merkle_path(&path, &np, &leaves[0][0], n, m), YH_OK);
			if (np != wn || (np && memcmp(path, want, np * 32) != 0))
				ck_abort_msg("n=%zu m=%zu: the path differs from RFC 6962 PATH (%zu vs %zu hashes)",
				             n, m, np, wn);
			if (yh_merkle_verify_path(root, leaves[m], m, n, path, np) != YH_OK)
				ck_abort_msg("n=%zu m=%zu: the path does not verify: %s", n, m, yh_error_message());
			/* the same path does not prove the leaf at any other index, nor another leaf */
			for (j = 0; j < n + 2; j++)
				if (j != m && yh_merkle_verify_path(root, leaves[m], j, n, path, np) != YH_EDATA)
					ck_abort_msg("n=%zu: the path of %zu also proves index %zu", n, m, j);
			for (j = 0; j < n; j++)
				if (j != m && yh_merkle_verify_path(root, leaves[j], m, n, path, np) != YH_EDATA)
					ck_abort_msg("n=%zu: the path of %zu also proves leaf %zu", n, m, j);
			/* a changed hash anywhere, a shorter or a longer path, another root */
			for (i = 0; i < np; i++) {
				path[i * 32 + (i % 32)] ^= 0x80;
				if (yh_merkle_verify_path(root, leaves[m], m, n, path, np) != YH_EDATA)
					ck_abort_msg("n=%zu m=%zu: hash %zu of the path changed and it verifies", n, m, i);
				path[i * 32 + (i % 32)] ^= 0x80;
			}
			if (np > 0 && yh_merkle_verify_path(root, leaves[m], m, n, path, np - 1) != YH_EDATA)
				ck_abort_msg("n=%zu m=%zu: a truncated path verifies", n, m);
			{
				unsigned char *longer = malloc((np + 1) * 32);

				ck_assert_ptr_nonnull(longer);
				if (np)
					memcpy(longer, path, np * 32);
				memcpy(longer + np * 32, leaves[0], 32);
				if (yh_merkle_verify_path(root, leaves[m], m, n, longer, np + 1) != YH_EDATA)
					ck_abort_msg("n=%zu m=%zu: a path with an extra hash verifies", n, m);
				free(longer);
			}
			memcpy(bad, root, 32);
			bad[31] ^= 1;
			if (yh_merkle_verify_path(bad, leaves[m], m, n, path, np) != YH_EDATA)
				ck_abort_msg("n=%zu m=%zu: verifies against another root", n, m);
			free(path);
		}
		/* an index outside the tree */
		{
			unsigned char *path = (unsigned char *)0x1;
			size_t np = 99;

			ck_assert_int_eq(yh_merkle_path(&path, &np, &leaves[0][0], n, n), YH_EINVAL);
			ck_assert_ptr_null(path);
			ck_assert_uint_eq(np, 0);
		}
	}
}
END_TEST

START_TEST(test_paths_known_shape)
{
	/* 7 leaves: 4 + (2 + 1).  The path of leaf 6 is [MTH(4..6), MTH(0..4)]; of leaf 4 it is
	 * [leaf 5, leaf 6, MTH(0..4)] (RFC 6962 §2.1.3's example tree). */
	unsigned char leaves[7][32], n01[32], n23[32], n03[32], n45[32], *path = NULL;
	size_t np = 0, i;

	for (i = 0; i < 7; i++)
		ref_leaf(leaves[i], (const unsigned char *)&"abcdefg"[i], 1);
	ref_node(n01, leaves[0], leaves[1]);
	ref_node(n23, leaves[2], leaves[3]);
	ref_node(n03, n01, n23);
	ref_node(n45, leaves[4], leaves[5]);
	ck_assert_int_eq(yh_merkle_path(&path, &np, &leaves[0][0], 7, 6), YH_OK);
	ck_assert_uint_eq(np, 2);
	ck_assert_mem_eq(path, n45, 32);
	ck_assert_mem_eq(path + 32, n03, 32);
	free(path);
	ck_assert_int_eq(yh_merkle_path(&path, &np, &leaves[0][0], 7, 4), YH_OK);
	ck_assert_uint_eq(np, 3);
	ck_assert_mem_eq(path, leaves[5], 32);
	ck_assert_mem_eq(path + 32, leaves[6], 32);
	ck_assert_mem_eq(path + 64, n03, 32);
	free(path);
	ck_assert_int_eq(yh_merkle_path(&path, &np, &leaves[0][0], 7, 0), YH_OK);
	ck_assert_uint_eq(np, 3);
	ck_assert_mem_eq(path, leaves[1], 32);
	ck_assert_mem_eq(path + 32, n23, 32);
	free(path);
	/* one leaf: an empty path, the leaf is the root */
	ck_assert_int_eq(yh_merkle_path(&path, &np, &leaves[0][0], 1, 0), YH_OK);
	ck_assert_uint_eq(np, 0);
	ck_assert_int_eq(yh_merkle_verify_path(leaves[0], leaves[0], 0, 1, path, 0), YH_OK);
	ck_assert_int_eq(yh_merkle_verify_path(leaves[1], leaves[0], 0, 1, path, 0), YH_EDATA);
	free(path);
	/* an empty tree proves nothing */
	ck_assert_int_eq(yh_merkle_verify_path(leaves[0], leaves[0], 0, 0, NULL, 0), YH_EDATA);
}
END_TEST

/* ---- a drawn store ----------------------------------------------------------------------- */

typedef struct {
	char *f[8];
	unsigned char leaf[32];
} erow;

typedef struct {
	yh_key *key;
	yh_store *store;
	json_t *doc;
	erow *all;          /* the whole entity register as of the freeze, by id: the committed tree */
	size_t nall;
	erow **tree;        /* every row, by id: leaf i is tree[i] */
	erow **elig;        /* the eligible ones, by id */
	size_t nelig;
	size_t n;           /* the tree's size: nall */
	unsigned char (*leaves)[32];
} fixture;

static size_t encode_row(unsigned char *buf, size_t size, char *const *f, size_t n)
{
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		size_t len = strlen(f[i]);

		ck_assert_uint_le(off + 4 + len, size);
		buf[off++] = (unsigned char)(len >> 24);
		buf[off++] = (unsigned char)(len >> 16);
		buf[off++] = (unsigned char)(len >> 8);
		buf[off++] = (unsigned char)len;
		memcpy(buf + off, f[i], len);
		off += len;
	}
	return off;
}

static int collect_row(void *ctx, const char *const *v, size_t n)
{
	fixture *fx = ctx;
	erow *r;
	unsigned char buf[4096];
	size_t i;

	ck_assert_uint_eq(n, 8);
	fx->all = realloc(fx->all, (fx->nall + 1) * sizeof(*fx->all));
	ck_assert_ptr_nonnull(fx->all);
	r = &fx->all[fx->nall++];
	for (i = 0; i < 8; i++)
		r->f[i] = strdup(v[i]);
	ref_leaf(r->leaf, buf, encode_row(buf, sizeof(buf), r->f, 8));
	return 0;
}

static int cmp_erow(const void *a, const void *b)
{
	return strcmp(((const erow *)a)->f[0], ((const erow *)b)->f[0]);
}

/* The food task's population (fixtures/task-food.json), written out independently. */
static int eligible(const erow *r)
{
	return strcmp(r->f[6], "active") == 0 && strncmp(r->f[3], "3301", 4) == 0 &&
	       (strncmp(r->f[4], "F52", 3) == 0 || strncmp(r->f[4], "H62", 3) == 0 ||
	        strncmp(r->f[4], "C14", 3) == 0);
}

static void fixture_open(fixture *fx)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	unsigned char seed[32];
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	yh_import_report rep;
	yh_task *task = NULL;
	json_error_t err;
	char *text = NULL;
	uint64_t seq;
	size_t i;
	int rc;

	memset(fx, 0, sizeof(*fx));
	crypto_hash_sha256(seed, (const unsigned char *)"yaohao test vector key", 22);
	ck_assert_int_eq(yh_key_from_seed(&fx->key, seed), YH_OK);
	ck_assert_int_eq(yh_store_create(&fx->store, tu_path("yaohao.db"), TU_DEPARTMENT), YH_OK);
	ck_assert_int_eq(yh_store_set_key(fx->store, fx->key), YH_OK);
	for (i = 0; i < 4; i++)
		tu_import_ok(&rep, fx->store, regs[i].kind, tu_fixture(regs[i].file), NULL);
	ck_assert_int_eq(yh_task_load_file(&task, tu_fixture("task-food.json")), YH_OK);
	ck_assert_int_eq(yh_task_add(&seq, fx->store, task), YH_OK);
	yh_task_free(task);
	ck_assert_uint_eq(seq, FREEZE);
	crypto_hash_sha256(seed, (const unsigned char *)"proof test secret", 17);
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = "drand quicknet round 24000000";
	opt.secret = seed;
	rc = yh_draw_commit(NULL, &seq, fx->store, FOOD, &opt);
	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	rc = yh_draw_run(NULL, &tu_draw_result, fx->store, FOOD, "the value of round 24000000", NULL);
	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	rc = yh_document_publish(&text, fx->store, FOOD);
	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	tu_write_str(tu_path("doc.json"), text);
	fx->doc = json_loads(text, 0, &err);
	ck_assert_ptr_nonnull(fx->doc);
	free(text);

	/* the register as of the freeze, every row of it the tree (spec §2), and the eligible part of
	 * it, computed here */
	ck_assert_int_eq(yh_register_foreach(fx->store, YH_REGISTER_ENTITIES, FREEZE, collect_row, fx), YH_OK);
	qsort(fx->all, fx->nall, sizeof(*fx->all), cmp_erow);
	fx->elig = calloc(fx->nall, sizeof(*fx->elig));
	fx->tree = calloc(fx->nall, sizeof(*fx->tree));
	fx->leaves = calloc(fx->nall, 32);
	for (i = 0; i < fx->nall; i++) {
		fx->tree[i] = &fx->all[i];
		memcpy(fx->leaves[fx->n++], fx->all[i].leaf, 32);
		if (eligible(&fx->all[i]))
			fx->elig[fx->nelig++] = &fx->all[i];
	}
	/* the committed tree is this one */
	ck_assert_int_gt(fx->nelig, 20);
	ck_assert_int_lt(fx->nelig, fx->n);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(fx->doc, "entities"), "count")),
	                 (json_int_t)fx->n);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(fx->doc, "entities"), "eligible")),
	                 (json_int_t)fx->nelig);
	{
		unsigned char root[32];

		ref_mth(root, (const unsigned char (*)[32])fx->leaves, fx->n);
		ck_assert_str_eq(json_string_value(json_object_get(json_object_get(fx->doc, "entities"), "root")),
		                 tu_hex(root, 32));
	}
}

static void fixture_close(fixture *fx)
{
	size_t i, j;

	for (i = 0; i < fx->nall; i++)
		for (j = 0; j < 8; j++)
			free(fx->all[i].f[j]);
	free(fx->all);
	free(fx->elig);
	free(fx->tree);
	free(fx->leaves);
	json_decref(fx->doc);
	yh_store_close(fx->store);
	yh_key_free(fx->key);
}

static json_t *make_proof(fixture *fx, const char *id)
{
	char *text = NULL;
	json_t *p;
	int rc = yh_proof_make(&text, fx->store, FOOD, id);

	ck_assert_msg(rc == YH_OK, "prove %s: %d %s", id, rc, yh_error_message());
	ck_assert_ptr_nonnull(text);
	p = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(p);
	free(text);
	ck_assert_str_eq(json_string_value(json_object_get(p, "format")), "yaohao-proof/2");
	ck_assert_str_eq(json_string_value(json_object_get(p, "entity_id")), id);
	ck_assert_str_eq(json_string_value(json_object_get(p, "task_id")), FOOD);
	ck_assert(json_equal(json_object_get(p, "seed"), json_object_get(fx->doc, "seed")));
	ck_assert(json_equal(json_object_get(p, "entities_root"), json_object_get(json_object_get(fx->doc, "entities"), "root")));
	ck_assert(json_equal(json_object_get(p, "tree_size"), json_object_get(json_object_get(fx->doc, "entities"), "count")));
	return p;
}

static json_t *check_proof(json_t *proof)
{
	json_t *rep = NULL;
	char *text = json_dumps(proof, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc;

	ck_assert_ptr_nonnull(text);
	tu_write_str(tu_path("proof.json"), text);
	free(text);
	rc = yh_proof_verify(&rep, tu_path("proof.json"), tu_path("doc.json"), NULL);
	ck_assert_msg(rc == YH_OK, "verify-proof: %d %s", rc, yh_error_message());
	ck_assert_ptr_nonnull(rep);
	return rep;
}

/* The proof, changed by `edit`, must fail with check `name` failed. */
static void expect_fails(json_t *proof, const char *name, const char *why)
{
	json_t *rep = check_proof(proof);

	if (json_is_true(json_object_get(rep, "ok")) || strcmp(tu_check_status(rep, name), "failed") != 0)
		ck_abort_msg("%s: check '%s' is %s: %s", why, name, tu_check_status(rep, name), json_dumps(rep, 0));
	json_decref(rep);
}

/* A copy of proof with `member` set to value (taken over; NULL: the member removed) must fail
 * check `name`. */
static void expect_member_fails(const json_t *proof, const char *member, json_t *value,
                                const char *name, const char *why)
{
	json_t *p = json_deep_copy(proof);

	if (value)
		json_object_set_new(p, member, value);
	else
		json_object_del(p, member);
	expect_fails(p, name, why);
	json_decref(p);
}

static json_t *doc_entry(json_t *list, const char *id)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
			return e;
	return NULL;
}

static void check_path(fixture *fx, json_t *path, size_t index, const char *what)
{
	unsigned char want[64][32];
	size_t n = ref_path(want, index, (const unsigned char (*)[32])fx->leaves, fx->n), i;

	ck_assert_msg(json_array_size(path) == n, "%s: %zu path hashes, RFC 6962 gives %zu", what,
	              json_array_size(path), n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(json_string_value(json_array_get(path, i)), tu_hex(want[i], 32));
}

static void check_row(erow *r, json_t *row)
{
	static const char *const cols[8] = { "id", "name", "type", "region", "industry", "risk", "status",
	                                     "abnormal" };
	size_t i;

	ck_assert_uint_eq(json_object_size(row), 8);
	for (i = 0; i < 8; i++)
		ck_assert_str_eq(json_string_value(json_object_get(row, cols[i])), r->f[i]);
}

/* ---- inclusion ----------------------------------------------------------------------------- */

/* The index of an entity in the whole register (the tree), or (size_t)-1. */
static size_t find_all(const fixture *fx, const char *id)
{
	size_t i;

	for (i = 0; i < fx->nall; i++)
		if (strcmp(fx->all[i].f[0], id) == 0)
			return i;
	return (size_t)-1;
}

/* The reason a row is not eligible for the food task, written out here (spec §4). */
static const char *why_not(const erow *r)
{
	if (strcmp(r->f[6], "active") != 0)
		return "status";
	return eligible(r) ? NULL : "filter";
}

/* Every row of the register is included: the eligible ones with their ticket and what the draw
 * did, the others with eligible false and the reason (spec §14). */
START_TEST(test_every_included_entity)
{
	fixture fx;
	unsigned char seed[32], t[32], msg[32 + 32 + 18];
	size_t i, nsel = 0, nnot = 0, nres = 0, nout = 0, nstatus = 0;

	fixture_open(&fx);
	ck_assert_int_eq(sodium_hex2bin(seed, 32, json_string_value(json_object_get(fx.doc, "seed")), 64,
	                                NULL, NULL, NULL), 0);
	for (i = 0; i < fx.n; i++) {
		const char *id = fx.all[i].f[0], *why = why_not(&fx.all[i]);
		json_t *p = make_proof(&fx, id), *rep, *s = doc_entry(json_object_get(fx.doc, "selected"), id),
		       *r = doc_entry(json_object_get(fx.doc, "reserves"), id);
		int selected = s != NULL;

		ck_assert(json_is_true(json_object_get(p, "included")));
		ck_assert_int_eq(json_integer_value(json_object_get(p, "leaf_index")), (json_int_t)i);
		check_row(&fx.all[i], json_object_get(p, "row"));
		check_path(&fx, json_object_get(p, "path"), i, id);
		ck_assert_ptr_null(json_object_get(p, "note"));
		if (why) {
			/* not eligible: the reason, nothing about the draw */
			ck_assert(json_is_false(json_object_get(p, "eligible")));
			ck_assert_str_eq(json_string_value(json_object_get(p, "reason")), why);
			ck_assert_ptr_null(json_object_get(p, "ticket"));
			ck_assert_ptr_null(json_object_get(p, "stratum"));
			ck_assert_ptr_null(json_object_get(p, "selected"));
			ck_assert(!selected && !r);
			nout++;
			nstatus += strcmp(why, "status") == 0;
			rep = check_proof(p);
			if (!json_is_true(json_object_get(rep, "ok")))
				ck_abort_msg("proof of ineligible %s does not verify: %s", id, json_dumps(rep, 0));
			ck_assert_str_eq(tu_check_status(rep, "inclusion"), "passed");
			ck_assert_str_eq(tu_check_status(rep, "eligibility"), "passed");
			ck_assert_str_eq(tu_check_status(rep, "ticket"), "absent");
			ck_assert(json_is_false(json_object_get(rep, "selected")));
			json_decref(rep);
			json_decref(p);
			continue;
		}
		ck_assert(json_is_true(json_object_get(p, "eligible")));
		ck_assert_ptr_null(json_object_get(p, "reason"));
		/* the ticket of spec §8 — seed ‖ PAD32("yaohao:ticket:v2") ‖ id — computed here */
		memset(msg, 0, sizeof(msg));
		memcpy(msg, seed, 32);
		memcpy(msg + 32, "yaohao:ticket:v2", 16);
		memcpy(msg + 64, id, 18);
		ck_assert_uint_eq(strlen(id), 18);
		crypto_hash_sha256(t, msg, sizeof(msg));
		ck_assert_str_eq(json_string_value(json_object_get(p, "ticket")), tu_hex(t, 32));
		ck_assert_str_eq(json_string_value(json_object_get(p, "stratum")), *fx.all[i].f[5] ? fx.all[i].f[5] : "-");
		ck_assert_int_eq(json_is_true(json_object_get(p, "selected")), selected);
		if (selected) {
			nsel++;
			ck_assert(json_equal(json_object_get(p, "rank"), json_object_get(s, "rank")));
			ck_assert(json_equal(json_object_get(p, "team"), json_object_get(s, "team")));
			ck_assert(json_is_null(json_object_get(p, "reserve_order")));
		} else {
			nnot++;
			ck_assert(json_is_null(json_object_get(p, "rank")));
			ck_assert_ptr_null(json_object_get(p, "team"));
			if (r) {
				nres++;
				ck_assert(json_equal(json_object_get(p, "reserve_order"), json_object_get(r, "order")));
			} else {
				ck_assert(json_is_null(json_object_get(p, "reserve_order")));
			}
		}
		rep = check_proof(p);
		if (!json_is_true(json_object_get(rep, "ok")))
			ck_abort_msg("proof of %s does not verify: %s", id, json_dumps(rep, 0));
		ck_assert_str_eq(tu_check_status(rep, "inclusion"), "passed");
		ck_assert_str_eq(tu_check_status(rep, "eligibility"), "passed");
		ck_assert_str_eq(tu_check_status(rep, "ticket"), "passed");
		ck_assert_str_eq(tu_check_status(rep, "selection"), "passed");
		ck_assert_int_eq(json_is_true(json_object_get(rep, "selected")), selected);
		json_decref(rep);
		json_decref(p);
	}
	ck_assert_uint_eq(nsel, json_array_size(json_object_get(fx.doc, "selected")));
	ck_assert_uint_eq(nres, json_array_size(json_object_get(fx.doc, "reserves")));
	ck_assert_uint_gt(nnot, 0);
	ck_assert_uint_eq(nout, fx.n - fx.nelig);
	ck_assert_uint_gt(nstatus, 0);
	ck_assert_uint_gt(nout - nstatus, 0);
	fixture_close(&fx);
}
END_TEST

/* ---- absence ------------------------------------------------------------------------------ */

/* An absence proof of id: checked against the register computed here; returns the proof. */
static json_t *absent_ok(fixture *fx, const char *id, const char *note_has)
{
	json_t *p = make_proof(fx, id), *before, *after, *rep;
	size_t lo = 0, i;

	ck_assert(json_is_false(json_object_get(p, "included")));
	ck_assert_ptr_null(json_object_get(p, "leaf_index"));
	ck_assert_ptr_null(json_object_get(p, "ticket"));
	/* where id would go in the committed tree */
	while (lo < fx->n && strcmp(fx->tree[lo]->f[0], id) < 0)
		lo++;
	ck_assert_msg(lo == fx->n || strcmp(fx->tree[lo]->f[0], id) != 0, "%s is in the tree", id);
	before = json_object_get(p, "before");
	after = json_object_get(p, "after");
	ck_assert_ptr_nonnull(before);
	ck_assert_ptr_nonnull(after);
	if (lo == 0) {
		ck_assert(json_is_null(before));
	} else {
		i = lo - 1;
		ck_assert_int_eq(json_integer_value(json_object_get(before, "leaf_index")), (json_int_t)i);
		check_row(fx->tree[i], json_object_get(before, "row"));
		check_path(fx, json_object_get(before, "path"), i, "before");
		ck_assert_int_lt(strcmp(fx->tree[i]->f[0], id), 0);
	}
	if (lo == fx->n) {
		ck_assert(json_is_null(after));
	} else {
		ck_assert_int_eq(json_integer_value(json_object_get(after, "leaf_index")), (json_int_t)lo);
		check_row(fx->tree[lo], json_object_get(after, "row"));
		check_path(fx, json_object_get(after, "path"), lo, "after");
		ck_assert_int_gt(strcmp(fx->tree[lo]->f[0], id), 0);
	}
	/* the neighbours are adjacent */
	if (!json_is_null(before) && !json_is_null(after))
		ck_assert_int_eq(json_integer_value(json_object_get(after, "leaf_index")),
		                 json_integer_value(json_object_get(before, "leaf_index")) + 1);
	ck_assert_msg(strstr(json_string_value(json_object_get(p, "note")), note_has) != NULL, "%s: note '%s'",
	              id, json_string_value(json_object_get(p, "note")));
	rep = check_proof(p);
	if (!json_is_true(json_object_get(rep, "ok")))
		ck_abort_msg("absence proof of %s does not verify: %s", id, json_dumps(rep, 0));
	ck_assert_str_eq(tu_check_status(rep, "absence"), "passed");
	ck_assert_ptr_null(json_object_get(rep, "selected"));
	json_decref(rep);
	return p;
}

/* An 18-character id strictly between two adjacent leaves that is not in the register at all. */
static void id_between(const fixture *fx, char out[19], size_t *at)
{
	size_t i;

	for (i = 0; i + 1 < fx->n; i++) {
		snprintf(out, 19, "%s", fx->tree[i]->f[0]);
		out[17] = out[17] == '9' ? 'A' : (char)(out[17] + 1);
		if (strcmp(out, fx->tree[i + 1]->f[0]) < 0 && find_all(fx, out) == (size_t)-1 && i > 3) {
			*at = i;
			return;
		}
	}
	ck_abort_msg("no gap between two leaves");
}

START_TEST(test_absent_entities)
{
	fixture fx;
	json_t *p;
	char between[19];
	size_t at = 0;

	fixture_open(&fx);
	/* below the first id, above the last */
	ck_assert_int_lt(strcmp("000000000000000000", fx.tree[0]->f[0]), 0);
	p = absent_ok(&fx, "000000000000000000", "not in the entity register");
	ck_assert(json_is_null(json_object_get(p, "before")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p, "after"), "leaf_index")), 0);
	json_decref(p);
	p = absent_ok(&fx, "ZZZZZZZZZZZZZZZZZZ", "not in the entity register");
	ck_assert(json_is_null(json_object_get(p, "after")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p, "before"), "leaf_index")),
	                 (json_int_t)fx.n - 1);
	json_decref(p);
	/* between two leaves */
	id_between(&fx, between, &at);
	p = absent_ok(&fx, between, "not in the entity register");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p, "before"), "leaf_index")),
	                 (json_int_t)at);
	json_decref(p);
	fixture_close(&fx);
}
END_TEST

/* ---- tampered proofs -------------------------------------------------------------------- */

static json_t *selected_proof(fixture *fx, int selected, size_t *index)
{
	size_t i;

	for (i = 5; i < fx->n; i++) {
		int is = doc_entry(json_object_get(fx->doc, "selected"), fx->tree[i]->f[0]) != NULL;

		if (!eligible(fx->tree[i]) || (i + 1 < fx->n && !eligible(fx->tree[i + 1])))
			continue;   /* an eligible entity, and one after it (the tests take its leaf too) */

		if (is == selected) {
			*index = i;
			return make_proof(fx, fx->tree[i]->f[0]);
		}
	}
	ck_abort_msg("no such entity");
	return NULL;
}

START_TEST(test_tampered_inclusion)
{
	fixture fx;
	json_t *good, *p, *path;
	size_t at, i;
	char hex[65];

	fixture_open(&fx);
	good = selected_proof(&fx, 1, &at);

	/* the row: each column changed */
	{
		static const char *const cols[8] = { "id", "name", "type", "region", "industry", "risk",
		                                     "status", "abnormal" };

		for (i = 0; i < 8; i++) {
			char v[256];

			p = json_deep_copy(good);
			snprintf(v, sizeof(v), "%sX", json_string_value(json_object_get(json_object_get(p, "row"), cols[i])));
			json_object_set_new(json_object_get(p, "row"), cols[i], json_string(v));
			expect_fails(p, "inclusion", cols[i]);
			json_decref(p);
		}
		p = json_deep_copy(good);
		json_object_del(json_object_get(p, "row"), "abnormal");
		expect_fails(p, "inclusion", "a column missing");
		json_decref(p);
		p = json_deep_copy(good);
		json_object_set_new(json_object_get(p, "row"), "extra", json_string(""));
		expect_fails(p, "inclusion", "an extra column");
		json_decref(p);
	}
	/* the row of the neighbouring leaf, with its own valid path, for this id */
	{
		json_t *other = make_proof(&fx, fx.tree[at + 1]->f[0]);

		p = json_deep_copy(good);
		json_object_set(p, "row", json_object_get(other, "row"));
		json_object_set(p, "path", json_object_get(other, "path"));
		json_object_set(p, "leaf_index", json_object_get(other, "leaf_index"));
		expect_fails(p, "inclusion", "another entity's leaf");
		json_decref(p);
		json_decref(other);
	}
	/* the path: a digit of each hash, a hash left out, one added, two swapped, none */
	path = json_object_get(good, "path");
	ck_assert_uint_ge(json_array_size(path), 3);
	for (i = 0; i < json_array_size(path); i++) {
		p = json_deep_copy(good);
		snprintf(hex, sizeof(hex), "%s", json_string_value(json_array_get(path, i)));
		hex[i % 64] = hex[i % 64] == '0' ? '1' : '0';
		json_array_set_new(json_object_get(p, "path"), i, json_string(hex));
		expect_fails(p, "inclusion", "a path hash changed");
		json_decref(p);
	}
	p = json_deep_copy(good);
	json_array_remove(json_object_get(p, "path"), json_array_size(path) - 1);
	expect_fails(p, "inclusion", "path shortened");
	json_decref(p);
	p = json_deep_copy(good);
	json_array_append(json_object_get(p, "path"), json_array_get(path, 0));
	expect_fails(p, "inclusion", "path lengthened");
	json_decref(p);
	p = json_deep_copy(good);
	json_array_set(json_object_get(p, "path"), 0, json_array_get(path, 1));
	json_array_set(json_object_get(p, "path"), 1, json_array_get(path, 0));
	expect_fails(p, "inclusion", "path hashes swapped");
	json_decref(p);
	p = json_deep_copy(good);
	json_array_clear(json_object_get(p, "path"));
	expect_fails(p, "inclusion", "path empty");
	json_decref(p);
	p = json_deep_copy(good);
	json_array_set_new(json_object_get(p, "path"), 0, json_string("zz"));
	expect_fails(p, "inclusion", "path hash not hex");
	json_decref(p);
	/* the index: every other index, a negative one, one past the end, not a number */
	for (i = 0; i <= fx.n; i++) {
		if (i == at)
			continue;
		expect_member_fails(good, "leaf_index", json_integer((json_int_t)i),
		                    "inclusion", "leaf_index changed");
	}
	expect_member_fails(good, "leaf_index", json_integer(-1), "inclusion", "negative index");
	expect_member_fails(good, "leaf_index", json_string("5"), "inclusion", "index a string");
	/* the proof names another entity than its row */
	expect_member_fails(good, "entity_id", json_string(fx.tree[at + 1]->f[0]),
	                    "inclusion", "entity_id of another entity");
	/* the ticket */
	snprintf(hex, sizeof(hex), "%s", json_string_value(json_object_get(good, "ticket")));
	for (i = 0; i < 64; i += 9) {
		char bad[65];

		memcpy(bad, hex, sizeof(bad));
		bad[i] = bad[i] == 'f' ? '0' : (bad[i] == '9' ? 'a' : (char)(bad[i] + 1));
		expect_member_fails(good, "ticket", json_string(bad), "ticket", "ticket changed");
	}
	/* the selected flag */
	expect_member_fails(good, "selected", json_false(), "selection", "selected flipped");
	expect_member_fails(good, "selected", NULL, "selection", "selected missing");
	/* claimed absent */
	expect_member_fails(good, "included", json_false(), "absence", "included flipped");
	/* for another draw: size, root, seed, task */
	{
		static const char *const members[] = { "tree_size", "entities_root", "seed", "task_id" };

		for (i = 0; i < 4; i++) {
			p = json_deep_copy(good);
			if (i == 0)
				json_object_set_new(p, members[i], json_integer((json_int_t)fx.n + 1));
			else
				json_object_set_new(p, members[i], json_string(i == 3 ? "T-OTHER" :
				                    "0000000000000000000000000000000000000000000000000000000000000000"));
			expect_fails(p, "proof", members[i]);
			json_decref(p);
		}
	}
	json_decref(good);

	/* a not-selected entity claimed selected */
	good = selected_proof(&fx, 0, &at);
	{
		json_t *rep = check_proof(good);

		ck_assert(json_is_true(json_object_get(rep, "ok")));
		ck_assert(json_is_false(json_object_get(rep, "selected")));
		json_decref(rep);
	}
	expect_member_fails(good, "selected", json_true(), "selection", "selected flipped to true");
	/* the document's list, as §14 says it agrees: booleans, nulls present, no team */
	expect_member_fails(good, "selected", json_integer(0),
	                    "selection", "selected 0, not false");
	expect_member_fails(good, "selected", json_null(), "selection", "selected null");
	expect_member_fails(good, "rank", NULL, "selection", "rank missing, not null");
	expect_member_fails(good, "reserve_order", NULL,
	                    "selection", "reserve_order missing, not null");
	expect_member_fails(good, "team", json_array(),
	                    "selection", "a team for an entity not selected");
	expect_member_fails(good, "reserve_order", json_integer(1),
	                    "selection", "a reserve order for an entity not a reserve");
	json_decref(good);
	fixture_close(&fx);
}
END_TEST

/* An id absent from the register that the document lists as a stratum's reserve (re-signed, its
 * ticket recomputed and made the stratum's cutoff, above every selected ticket: the document
 * alone verifies): its absence proof fails, as one for an ineligible entity the document draws
 * does (§14). */
START_TEST(test_absent_listed_as_reserve)
{
	fixture fx;
	json_t *doc, *res, *st = NULL, *p, *rep;
	unsigned char seed[32], t[32];
	const char *key, *top = "";
	char id[19] = "", *text;
	size_t i, j;

	fixture_open(&fx);
	doc = json_deep_copy(fx.doc);
	res = json_array_get(json_object_get(doc, "reserves"), 0);
	ck_assert_ptr_nonnull(res);
	key = json_string_value(json_object_get(res, "stratum"));
	for (i = 0; i < json_array_size(json_object_get(doc, "strata")); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(json_object_get(doc, "strata"), i), "key")), key) == 0)
			st = json_array_get(json_object_get(doc, "strata"), i);
	ck_assert_ptr_nonnull(st);
	for (i = 0; i < json_array_size(json_object_get(doc, "selected")); i++) {
		json_t *e = json_array_get(json_object_get(doc, "selected"), i);

		if (strcmp(json_string_value(json_object_get(e, "stratum")), key) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "ticket")), top) > 0)
			top = json_string_value(json_object_get(e, "ticket"));
	}
	tu_unhex(seed, 32, json_string_value(json_object_get(doc, "seed")));
	/* an id not in the register whose ticket is above every selected one of the stratum */
	for (j = 0; j + 1 < fx.n && !id[0]; j++) {
		snprintf(id, sizeof(id), "%s", fx.tree[j]->f[0]);
		id[17] = id[17] == '9' ? 'A' : (char)(id[17] + 1);
		tu_spec_ticket(t, seed, id);
		if (find_all(&fx, id) != (size_t)-1 || strcmp(tu_hex(t, 32), top) <= 0)
			id[0] = '\0';
	}
	ck_assert_msg(id[0], "no absent id with a ticket above the stratum's selected ones");
	json_object_set_new(res, "id", json_string(id));
	json_object_set_new(res, "ticket", json_string(tu_hex(t, 32)));
	json_object_set_new(st, "cutoff", json_string(tu_hex(t, 32)));
	tu_resign(doc, fx.key);
	p = make_proof(&fx, id);
	ck_assert(json_is_false(json_object_get(p, "included")));
	rep = check_proof(p);   /* against fx.doc: it holds */
	ck_assert(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	tu_write_str(tu_path("doc.json"), text);
	free(text);
	rep = check_proof(p);
	ck_assert_msg(strcmp(tu_check_status(rep, "signature"), "passed") == 0 &&
	              strcmp(tu_check_status(rep, "selection rules"), "passed") == 0 &&
	              strcmp(tu_check_status(rep, "tickets"), "passed") == 0,
	              "the changed document itself must verify: %s", json_dumps(rep, 0));
	ck_assert(json_is_false(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "absence"), "failed");
	ck_assert_ptr_nonnull(strstr(tu_check_detail(rep, "absence"), "as a reserve"));
	json_decref(rep);
	json_decref(p);
	json_decref(doc);
	fixture_close(&fx);
}
END_TEST

START_TEST(test_tampered_absence)
{
	fixture fx;
	json_t *good, *p, *next, *prev;
	char between[19];
	size_t at = 0;

	fixture_open(&fx);
	id_between(&fx, between, &at);
	good = make_proof(&fx, between);
	{
		json_t *rep = check_proof(good);

		ck_assert(json_is_true(json_object_get(rep, "ok")));
		json_decref(rep);
	}
	/* leaves at - 1 and at + 2, with valid paths, as the neighbours */
	next = make_proof(&fx, fx.tree[at + 2]->f[0]);
	prev = make_proof(&fx, fx.tree[at - 1]->f[0]);
#define LEAF(proof) json_pack("{s:O, s:O, s:O}", "leaf_index", json_object_get(proof, "leaf_index"), \
                             "row", json_object_get(proof, "row"), "path", json_object_get(proof, "path"))

	/* a gap between the neighbours: the leaf after the real one, or before the real one */
	expect_member_fails(good, "after", LEAF(next), "absence", "after is not adjacent");
	expect_member_fails(good, "before", LEAF(prev), "absence", "before is not adjacent");
	/* one of them left out */
	expect_member_fails(good, "before", json_null(), "absence", "before null in the middle");
	expect_member_fails(good, "after", json_null(), "absence", "after null in the middle");
	expect_member_fails(good, "after", NULL, "absence", "after missing");
	p = json_deep_copy(good);
	json_object_set_new(p, "before", json_null());
	json_object_set_new(p, "after", json_null());
	expect_fails(p, "absence", "no neighbours");
	json_decref(p);
	/* swapped */
	p = json_deep_copy(good);
	json_object_set(p, "before", json_object_get(good, "after"));
	json_object_set(p, "after", json_object_get(good, "before"));
	expect_fails(p, "absence", "neighbours swapped");
	json_decref(p);
	/* a neighbour's row, index or path changed */
	p = json_deep_copy(good);
	json_object_set_new(json_object_get(json_object_get(p, "before"), "row"), "name", json_string("别人"));
	expect_fails(p, "absence", "before's row changed");
	json_decref(p);
	p = json_deep_copy(good);
	json_object_set_new(json_object_get(p, "after"), "leaf_index", json_integer((json_int_t)at + 2));
	expect_fails(p, "absence", "after's index changed");
	json_decref(p);
	p = json_deep_copy(good);
	json_array_set_new(json_object_get(json_object_get(p, "before"), "path"), 0,
	                   json_string("0000000000000000000000000000000000000000000000000000000000000000"));
	expect_fails(p, "absence", "before's path changed");
	json_decref(p);
	/* the proof made for another id between other leaves */
	expect_member_fails(good, "entity_id", json_string("000000000000000000"),
	                    "absence", "another id");
	json_decref(good);

	/* an included entity cannot be proven absent: its neighbours are not adjacent, or one of
	 * them is the entity itself */
	good = make_proof(&fx, fx.tree[at]->f[0]);
	p = json_deep_copy(good);
	json_object_set_new(p, "included", json_false());
	json_object_set_new(p, "before", LEAF(prev));
	{
		json_t *succ = make_proof(&fx, fx.tree[at + 1]->f[0]);

		json_object_set_new(p, "after", LEAF(succ));
		json_decref(succ);
	}
	expect_fails(p, "absence", "an included entity between its neighbours");
	json_decref(p);
	p = json_deep_copy(good);
	json_object_set_new(p, "included", json_false());
	json_object_set_new(p, "before", LEAF(prev));
	json_object_set_new(p, "after", LEAF(good));
	expect_fails(p, "absence", "an included entity as its own neighbour");
	json_decref(p);
	json_decref(good);

	/* at the ends */
	good = make_proof(&fx, "000000000000000000");
	p = json_deep_copy(good);
	{
		json_t *one = make_proof(&fx, fx.tree[1]->f[0]);

		json_object_set_new(p, "after", LEAF(one));
		json_decref(one);
	}
	expect_fails(p, "absence", "after is leaf 1 at the start");
	json_decref(p);
	json_decref(good);
	good = make_proof(&fx, "ZZZZZZZZZZZZZZZZZZ");
	p = json_deep_copy(good);
	{
		json_t *penultimate = make_proof(&fx, fx.tree[fx.n - 2]->f[0]);

		json_object_set_new(p, "before", LEAF(penultimate));
		json_decref(penultimate);
	}
	expect_fails(p, "absence", "before is not the last leaf at the end");
	json_decref(p);
	json_decref(good);
#undef LEAF
	json_decref(next);
	json_decref(prev);
	fixture_close(&fx);
}
END_TEST

/* ---- entities in the register that were not eligible (spec §14, /2) ---------------------------- */

/* The first row of the register (in id order) that `pick` takes. */
static const erow *row_where(const fixture *fx, int (*pick)(const erow *))
{
	size_t i;

	for (i = 0; i < fx->nall; i++)
		if (pick(&fx->all[i]))
			return &fx->all[i];
	ck_abort_msg("no such row");
	return NULL;
}

static int revoked(const erow *r)
{
	return strcmp(r->f[6], "revoked") == 0;
}

static int active_elsewhere(const erow *r)
{
	return strcmp(r->f[6], "active") == 0 && strncmp(r->f[3], "3301", 4) != 0;
}

/* The report says nothing it did not check: no detail or guarantee holds `text`. */
static void never_shown(json_t *rep, const char *text)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(rep, "checks"), i, c)
		ck_assert_msg(!strstr(json_string_value(json_object_get(c, "detail")), text), "check '%s' shows '%s'",
		              json_string_value(json_object_get(c, "check")), text);
	json_array_foreach(json_object_get(rep, "guarantees"), i, c)
		ck_assert_msg(!strstr(json_string_value(c), text), "a guarantee shows '%s': %s", text,
		              json_string_value(c));
}

/* A revoked entity is in the tree: included, not eligible by reason "status", and its proof
 * verifies; an active one outside the population: reason "filter".  Its eligibility or reason
 * changed, the proof fails. */
START_TEST(test_ineligible_entities)
{
	fixture fx;
	json_t *good, *p, *rep, *g;
	const erow *r;
	size_t i, idx;
	int said = 0;

	fixture_open(&fx);
	r = row_where(&fx, revoked);
	idx = find_all(&fx, r->f[0]);
	good = make_proof(&fx, r->f[0]);
	ck_assert(json_is_true(json_object_get(good, "included")));
	ck_assert(json_is_false(json_object_get(good, "eligible")));
	ck_assert_str_eq(json_string_value(json_object_get(good, "reason")), "status");
	ck_assert_int_eq(json_integer_value(json_object_get(good, "leaf_index")), (json_int_t)idx);
	check_row(fx.tree[idx], json_object_get(good, "row"));
	check_path(&fx, json_object_get(good, "path"), idx, r->f[0]);
	rep = check_proof(good);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	ck_assert_str_eq(tu_check_status(rep, "inclusion"), "passed");
	ck_assert_str_eq(tu_check_status(rep, "eligibility"), "passed");
	ck_assert_msg(strstr(tu_check_detail(rep, "eligibility"), "not eligible: status"), "%s",
	              tu_check_detail(rep, "eligibility"));
	ck_assert(json_is_false(json_object_get(rep, "selected")));
	json_array_foreach(json_object_get(rep, "guarantees"), i, g)
		said |= strstr(json_string_value(g), "not eligible (status)") != NULL;
	ck_assert(said);
	json_decref(rep);

	/* its eligibility or reason changed */
	expect_member_fails(good, "reason", json_string("filter"),
	                    "eligibility", "reason filter for a revoked entity");
	expect_member_fails(good, "reason", json_string("exclusion window"),
	                    "eligibility", "reason exclusion window for a revoked entity");
	expect_member_fails(good, "reason", NULL, "eligibility", "no reason");
	expect_member_fails(good, "eligible", json_true(), "eligibility", "eligible true");
	p = json_deep_copy(good);
	json_object_set_new(p, "eligible", json_true());
	json_object_del(p, "reason");
	expect_fails(p, "eligibility", "eligible true, no reason");
	json_decref(p);
	expect_member_fails(good, "eligible", NULL, "eligibility", "eligible missing");
	expect_member_fails(good, "eligible", json_string("false"),
	                    "eligibility", "eligible not a boolean");
	/* the row's status changed to active to make it eligible: no longer the committed leaf */
	p = json_deep_copy(good);
	json_object_set_new(json_object_get(p, "row"), "status", json_string("active"));
	expect_fails(p, "inclusion", "the row made active");
	json_decref(p);
	json_decref(good);

	/* active, outside the task's regions: reason "filter" */
	r = row_where(&fx, active_elsewhere);
	good = make_proof(&fx, r->f[0]);
	ck_assert(json_is_false(json_object_get(good, "eligible")));
	ck_assert_str_eq(json_string_value(json_object_get(good, "reason")), "filter");
	rep = check_proof(good);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	json_decref(rep);
	expect_member_fails(good, "reason", json_string("status"),
	                    "eligibility", "reason status for an active entity");
	json_decref(good);

	/* an eligible entity said not to be */
	{
		size_t at;

		good = selected_proof(&fx, 0, &at);
		p = json_deep_copy(good);
		json_object_set_new(p, "eligible", json_false());
		json_object_set_new(p, "reason", json_string("status"));
		expect_fails(p, "eligibility", "an eligible entity said not eligible");
		json_decref(p);
		json_decref(good);
	}
	fixture_close(&fx);
}
END_TEST

/* An eligible entity's proof names its stratum and that stratum's cutoff (spec §14): either
 * changed, the proof fails. */
START_TEST(test_eligible_stratum_and_cutoff)
{
	fixture fx;
	json_t *good, *p;
	size_t at, k;
	char hex[65];

	fixture_open(&fx);
	for (k = 0; k < 2; k++) {
		const char *key, *other;

		good = selected_proof(&fx, (int)k, &at);
		key = json_string_value(json_object_get(good, "stratum"));
		other = strcmp(key, "A") == 0 ? "B" : "A";
		/* another stratum of the document */
		expect_member_fails(good, "stratum", json_string(other),
		                    "ticket", "another stratum");
		/* another stratum, with that stratum's cutoff */
		{
			json_t *st;
			size_t i;

			p = json_deep_copy(good);
			json_object_set_new(p, "stratum", json_string(other));
			json_array_foreach(json_object_get(fx.doc, "strata"), i, st)
				if (strcmp(json_string_value(json_object_get(st, "key")), other) == 0)
					json_object_set(p, "cutoff", json_object_get(st, "cutoff"));
			expect_fails(p, "ticket", "another stratum and its cutoff");
			json_decref(p);
		}
		expect_member_fails(good, "stratum", json_string("Z"),
		                    "ticket", "a stratum the document does not have");
		/* the cutoff: a digit, null, another stratum's */
		ck_assert(json_is_string(json_object_get(good, "cutoff")));
		snprintf(hex, sizeof(hex), "%s", json_string_value(json_object_get(good, "cutoff")));
		hex[3] = hex[3] == '0' ? '1' : '0';
		expect_member_fails(good, "cutoff", json_string(hex),
		                    "ticket", "a digit of the cutoff");
		expect_member_fails(good, "cutoff", json_null(), "ticket", "the cutoff null");
		expect_member_fails(good, "cutoff", json_string("ff"),
		                    "ticket", "the cutoff not 64 hex digits");
		json_decref(good);
	}
	fixture_close(&fx);
}
END_TEST

/* The note of an absent entity's proof is not signed: it is never shown as verified, in any check
 * or guarantee, whatever it says — nor a note added to an included entity's proof. */
START_TEST(test_note_never_shown)
{
	static const char note[] = "已核验：该企业已被抽中 (verified: this entity was selected)";
	fixture fx;
	json_t *p, *rep;
	size_t at;

	fixture_open(&fx);
	/* the note as made */
	p = make_proof(&fx, "000000000000000000");
	rep = check_proof(p);
	ck_assert(json_is_true(json_object_get(rep, "ok")));
	never_shown(rep, json_string_value(json_object_get(p, "note")));
	json_decref(rep);
	/* a note that says anything */
	json_object_set_new(p, "note", json_string(note));
	rep = check_proof(p);
	ck_assert(json_is_true(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "absence"), "passed");
	never_shown(rep, note);
	never_shown(rep, "已核验");
	json_decref(rep);
	json_decref(p);
	/* on an included entity's proof, eligible or not */
	p = selected_proof(&fx, 0, &at);
	json_object_set_new(p, "note", json_string(note));
	rep = check_proof(p);
	never_shown(rep, note);
	json_decref(rep);
	json_decref(p);
	p = make_proof(&fx, row_where(&fx, revoked)->f[0]);
	json_object_set_new(p, "note", json_string(note));
	rep = check_proof(p);
	never_shown(rep, note);
	json_decref(rep);
	json_decref(p);
	fixture_close(&fx);
}
END_TEST

/* An entity the food draw selected, in a later draw that excludes it: included, not eligible by
 * reason "exclusion window" (spec §4), and its proof against the later document verifies; the
 * reason changed, it fails. */
START_TEST(test_exclusion_window_reason)
{
	static const char later[] =
		"{\"id\": \"T-LATER\", \"title\": \"排除近期已抽\", \"departments\": [\"330100-SCJG\"],"
		" \"draw_date\": \"2027-01-15\", \"population\": {\"regions\": [\"3301\"],"
		" \"industries\": [\"F52\", \"H62\", \"C14\"]}, \"strata\": {\"rates\": {\"*\": \"10%\"}},"
		" \"exclude_drawn_within_days\": 365, \"team\": {\"size\": 2}}";
	fixture fx;
	yh_task *task = NULL;
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	unsigned char secret[32];
	uint64_t seq;
	char *text = NULL;
	const char *id;
	json_t *p, *rep, *doc;

	fixture_open(&fx);
	id = json_string_value(json_object_get(json_array_get(json_object_get(fx.doc, "selected"), 0), "id"));
	ck_assert_int_eq(yh_task_parse(&task, later, strlen(later), "later"), YH_OK);
	ck_assert_int_eq(yh_task_add(&seq, fx.store, task), YH_OK);
	yh_task_free(task);
	tu_sha256_label(secret, "later secret");
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = "drand quicknet round 25000000";
	opt.secret = secret;
	ck_assert_msg(yh_draw_commit(NULL, &seq, fx.store, "T-LATER", &opt) == YH_OK, "%s", yh_error_message());
	ck_assert_msg(yh_draw_run(NULL, &tu_draw_result, fx.store, "T-LATER", "later value", NULL) == YH_OK, "%s",
	              yh_error_message());
	ck_assert_int_eq(yh_document_publish(&text, fx.store, "T-LATER"), YH_OK);
	tu_write_str(tu_path("doc.json"), text);
	doc = tu_json(text);
	free(text);
	ck_assert_uint_gt(json_array_size(json_object_get(json_object_get(doc, "entities"), "excluded")), 0);
	ck_assert_int_eq(yh_proof_make(&text, fx.store, "T-LATER", id), YH_OK);
	p = tu_json(text);
	free(text);
	ck_assert(json_is_true(json_object_get(p, "included")));
	ck_assert(json_is_false(json_object_get(p, "eligible")));
	ck_assert_str_eq(json_string_value(json_object_get(p, "reason")), "exclusion window");
	rep = check_proof(p);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	ck_assert_str_eq(tu_check_status(rep, "eligibility"), "passed");
	json_decref(rep);
	json_object_set_new(p, "reason", json_string("filter"));
	expect_fails(p, "eligibility", "reason filter for an excluded entity");
	json_object_set_new(p, "reason", json_string("exclusion window"));
	json_object_set_new(p, "eligible", json_true());
	expect_fails(p, "eligibility", "an excluded entity said eligible");
	json_decref(p);
	json_decref(doc);
	fixture_close(&fx);
}
END_TEST

START_TEST(test_against_bad_documents)
{
	fixture fx;
	json_t *proof, *rep = NULL, *doc;
	char *text;

	fixture_open(&fx);
	proof = make_proof(&fx, fx.tree[3]->f[0]);
	rep = check_proof(proof);
	ck_assert(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
	/* a changed document: the proof is not checked */
	doc = json_deep_copy(fx.doc);
	json_object_set_new(doc, "entropy_value", json_string("another value"));
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	tu_write_str(tu_path("doc.json"), text);
	free(text);
	json_decref(doc);
	rep = check_proof(proof);
	ck_assert(json_is_false(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "signature"), "failed");
	ck_assert_str_eq(tu_check_status(rep, "proof"), "skipped");
	json_decref(rep);
	/* files that cannot be read */
	rep = (json_t *)0x1;
	ck_assert_int_eq(yh_proof_verify(&rep, tu_path("proof.json"), tu_path("missing.json"), NULL), YH_EIO);
	ck_assert_ptr_null(rep);
	text = json_dumps(fx.doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	tu_write_str(tu_path("doc.json"), text);
	free(text);
	ck_assert_int_eq(yh_proof_verify(&rep, tu_path("missing.json"), tu_path("doc.json"), NULL), YH_EIO);
	tu_write_str(tu_path("proof.json"), "not json");
	ck_assert_int_eq(yh_proof_verify(&rep, tu_path("proof.json"), tu_path("doc.json"), NULL), YH_EDATA);
	/* JSON but not a proof */
	tu_write_str(tu_path("proof.json"), "{\"format\": \"yaohao-draw/2\"}");
	ck_assert_int_eq(yh_proof_verify(&rep, tu_path("proof.json"), tu_path("doc.json"), NULL), YH_OK);
	ck_assert(json_is_false(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "proof"), "failed");
	json_decref(rep);
	json_decref(proof);

	/* proving for a task that is not drawn, or unknown */
	{
		char *out = (char *)0x1;

		ck_assert_int_lt(yh_proof_make(&out, fx.store, "NO-SUCH-TASK", fx.tree[0]->f[0]), 0);
		ck_assert_ptr_null(out);
	}
	fixture_close(&fx);
}
END_TEST

/* ---- proofs and documents held in memory ------------------------------------------------- */

/* A proof and its document as bytes: the same report as from the files, less the proof's name;
 * one byte of the proof changed fails; bytes that are not JSON are an error, not a report. */
START_TEST(test_buffers)
{
	fixture fx;
	json_t *proof, *rep = NULL, *from_files;
	char *text, *doc;
	size_t len, doc_len, at;

	fixture_open(&fx);
	proof = selected_proof(&fx, 1, &at);
	text = json_dumps(proof, JSON_INDENT(2) | JSON_SORT_KEYS);
	ck_assert_ptr_nonnull(text);
	len = strlen(text);
	doc = tu_read(tu_path("doc.json"), &doc_len);
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, doc, doc_len, NULL), YH_OK);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	ck_assert(json_is_true(json_object_get(rep, "selected")));
	ck_assert_ptr_null(json_object_get(rep, "proof"));
	from_files = check_proof(proof);
	ck_assert_str_eq(json_string_value(json_object_get(from_files, "proof")), tu_path("proof.json"));
	json_object_del(from_files, "proof");
	ck_assert(json_equal(rep, from_files));
	json_decref(from_files);
	ck_assert_str_eq(tu_check_status(rep, "signer key"), "skipped");
	json_decref(rep);

	/* the signer pinned: the document's own key passes, any other key fails the proof */
	{
		char pk[65], other[65];

		snprintf(pk, sizeof pk, "%s", json_string_value(json_object_get(json_object_get(fx.doc, "signer"),
		                                                                 "public_key")));
		ck_assert_uint_eq(strlen(pk), 64);
		memcpy(other, pk, sizeof other);
		other[0] = other[0] == '0' ? '1' : '0';
		ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, doc, doc_len, pk), YH_OK);
		ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
		ck_assert_str_eq(tu_check_status(rep, "signer key"), "passed");
		json_decref(rep);
		ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, doc, doc_len, other), YH_OK);
		ck_assert(json_is_false(json_object_get(rep, "ok")));
		ck_assert_str_eq(tu_check_status(rep, "signer key"), "failed");
		ck_assert_str_eq(tu_check_status(rep, "proof"), "skipped");
		json_decref(rep);
	}

	/* a digit of the ticket */
	{
		char *t = strstr(text, json_string_value(json_object_get(proof, "ticket")));

		ck_assert_ptr_nonnull(t);
		t[5] = t[5] == '0' ? '1' : '0';
		ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, doc, doc_len, NULL), YH_OK);
		ck_assert(json_is_false(json_object_get(rep, "ok")));
		ck_assert_str_eq(tu_check_status(rep, "ticket"), "failed");
		json_decref(rep);
	}
	/* not JSON: the proof, the document */
	rep = (json_t *)0x1;
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, "{\"format\":", 11, doc, doc_len, NULL), YH_EDATA);
	ck_assert_ptr_null(rep);
	ck_assert_msg(strncmp(yh_error_message(), "proof:", 6) == 0, "%s", yh_error_message());
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, "\xff\x00", 2, doc, doc_len, NULL), YH_EDATA);
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, doc, doc_len / 2, NULL), YH_EDATA);
	ck_assert_ptr_null(rep);
	ck_assert_msg(strncmp(yh_error_message(), "document:", 9) == 0, "%s", yh_error_message());
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, "", 0, NULL), YH_EDATA);
	/* JSON that is no proof, and a proof against JSON that is no document */
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, "[]", 2, doc, doc_len, NULL), YH_OK);
	ck_assert_str_eq(tu_check_status(rep, "proof"), "failed");
	json_decref(rep);
	{
		static const char no_entity[] = "{\"format\": \"yaohao-proof/2\"}";

		ck_assert_int_eq(yh_proof_verify_buffer(&rep, no_entity, strlen(no_entity), doc, doc_len, NULL), YH_OK);
	}
	ck_assert_str_eq(tu_check_status(rep, "proof"), "failed");
	json_decref(rep);
	ck_assert_int_eq(yh_proof_verify_buffer(&rep, text, len, "{}", 2, NULL), YH_OK);
	ck_assert(json_is_false(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "document"), "failed");
	ck_assert_str_eq(tu_check_status(rep, "proof"), "skipped");
	json_decref(rep);
	free(doc);
	free(text);
	json_decref(proof);
	fixture_close(&fx);
}
END_TEST

/* A malformed part of a proof fails its own check, which names the member. */
START_TEST(test_malformed_parts)
{
	fixture fx;
	json_t *good, *p, *rep;
	size_t at;

	fixture_open(&fx);
	good = selected_proof(&fx, 1, &at);
	p = json_deep_copy(good);
	json_array_set_new(json_object_get(p, "path"), 2, json_string("ZZ"));
	rep = check_proof(p);
	ck_assert_str_eq(tu_check_status(rep, "inclusion"), "failed");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(rep, "checks"),
	                 json_array_size(json_object_get(rep, "checks")) - 1), "detail")),
	                 "the proof is malformed: path[2]: not 64 hex digits");
	json_decref(rep);
	json_decref(p);
	p = json_deep_copy(good);
	json_object_set_new(p, "zz", json_true());
	rep = check_proof(p);
	ck_assert_str_eq(tu_check_status(rep, "proof"), "failed");
	json_decref(rep);
	json_decref(p);
	json_decref(good);
	fixture_close(&fx);
}
END_TEST

static Suite *proof_suite(void)
{
	Suite *s = suite_create("proof");
	TCase *merkle = tu_tcase(s, "merkle", 0, 0), *tc = tu_tcase(s, "proof", TU_TMPDIR, 60);

	tcase_add_test(merkle, test_paths_small_trees);
	tcase_add_test(merkle, test_paths_known_shape);
	tcase_add_test(tc, test_every_included_entity);
	tcase_add_test(tc, test_absent_entities);
	tcase_add_test(tc, test_tampered_inclusion);
	tcase_add_test(tc, test_tampered_absence);
	tcase_add_test(tc, test_absent_listed_as_reserve);
	tcase_add_test(tc, test_ineligible_entities);
	tcase_add_test(tc, test_eligible_stratum_and_cutoff);
	tcase_add_test(tc, test_note_never_shown);
	tcase_add_test(tc, test_exclusion_window_reason);
	tcase_add_test(tc, test_against_bad_documents);
	tcase_add_test(tc, test_buffers);
	tcase_add_test(tc, test_malformed_parts);
	return s;
}

TU_MAIN(proof_suite)
