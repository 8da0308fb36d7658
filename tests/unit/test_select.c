/* test_select.c — commitment, announcement digest, seed, tickets, the per-stratum selection and the transcript text
 * (engine/select.c through engine/draw.h; docs/spec.md §6-§8, §10).  Expected values are
 * recomputed here from the spec (testutil's tu_spec_*) over the files of the /2 vectors. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"
#include "draw.h" /* private: the selector, commitment, seed and tickets */

/* The food vector (fixtures/vectors/food/), format /2: its files, and values recomputed from
 * them here with testutil's tu_spec_* (written from docs/spec.md). */
typedef struct {
	char *ann_text;              /* the canonical announcement (the file without its LF) */
	json_t *ann, *tr, *doc;
	unsigned char secret[32], commitment[32], digest[32], seed[32];
	char value[128];
} vector;

/* A file's text without the one LF that ends it (spec §3). */
static char *vector_text(const char *name)
{
	char path[128], *t;
	size_t n;

	snprintf(path, sizeof(path), "vectors/%s", name);
	t = tu_read(tu_fixture(path), &n);
	ck_assert_msg(n > 1 && t[n - 1] == '\n' && t[n - 2] != '\n', "%s does not end with one LF", name);
	t[n - 1] = '\0';
	return t;
}

static void vector_open(vector *v, const char *name)
{
	char file[64], *t;

	memset(v, 0, sizeof(*v));
	snprintf(file, sizeof(file), "%s/announcement.json", name);
	v->ann_text = vector_text(file);
	v->ann = tu_json(v->ann_text);
	snprintf(file, sizeof(file), "%s/transcript.json", name);
	t = vector_text(file);
	v->tr = tu_json(t);
	free(t);
	snprintf(file, sizeof(file), "%s/draw.json", name);
	t = vector_text(file);
	v->doc = tu_json(t);
	free(t);
	snprintf(file, sizeof(file), "%s/secret.hex", name);
	t = vector_text(file);
	tu_unhex(v->secret, 32, t);
	free(t);
	snprintf(file, sizeof(file), "%s/entropy.txt", name);
	t = vector_text(file);
	snprintf(v->value, sizeof(v->value), "%s", t);
	free(t);
	/* §6, §7 recomputed from the files */
	tu_spec_commitment(v->commitment, v->secret);
	tu_spec_announcement_digest(v->digest, v->ann_text);
	tu_spec_seed(v->seed, v->digest, v->secret, v->value);
}

static void vector_close(vector *v)
{
	free(v->ann_text);
	json_decref(v->ann);
	json_decref(v->tr);
	json_decref(v->doc);
}

/* ---- commitment, announcement digest, seed, tickets ---------------------------------------- */

START_TEST(test_commitment)
{
	unsigned char secret[32], got[32], want[32];
	vector v;
	size_t i, j;

	vector_open(&v, "food");
	yh_commitment(got, v.secret);
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(v.commitment, 32));
	ck_assert_str_eq(tu_jstr(v.ann, "commitment"), tu_hex(v.commitment, 32));
	/* the secret is SHA-256 of the label mkvectors names it by */
	tu_sha256_label(secret, "yaohao test vector food");
	ck_assert_mem_eq(secret, v.secret, 32);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 32; j++)
			secret[j] = (unsigned char)(i == 0 ? 0 : i == 1 ? j : 0xff);
		yh_commitment(got, secret);
		tu_spec_commitment(want, secret);
		ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
	}
	vector_close(&v);
}
END_TEST

/* §6: the announcement digest over the canonical text; the files hold canonical text, and the
 * transcript and the document give the same announcement back (§10). */
START_TEST(test_announcement_digest)
{
	static const char *const cases[] = { "food", "joint", "edge", "repeat", "nocap", "bind" };
	unsigned char got[32], want[32], prev[32] = { 0 };
	size_t c;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		vector v;
		char *canonical;
		json_t *chain;

		vector_open(&v, cases[c]);
		canonical = tu_spec_canonical(v.ann);
		ck_assert_msg(strcmp(canonical, v.ann_text) == 0, "%s: the announcement file is not canonical",
		              cases[c]);
		free(canonical);
		ck_assert_str_eq(tu_jstr(v.ann, "format"), "yaohao-announcement/2");
		yh_digest_announcement(got, v.ann_text);
		ck_assert_str_eq(tu_hex(got, 32), tu_hex(v.digest, 32));
		tu_spec_rebuilt_digest(want, v.tr);
		ck_assert_msg(memcmp(want, v.digest, 32) == 0, "%s: rebuilt from the transcript", cases[c]);
		tu_spec_rebuilt_digest(want, v.doc);
		ck_assert_msg(memcmp(want, v.digest, 32) == 0, "%s: rebuilt from the document", cases[c]);
		/* the vectors are one store's announcements in this order: a chain (§6) */
		chain = json_object_get(v.ann, "chain");
		ck_assert_int_eq(tu_jint(chain, "seq"), (json_int_t)c + 1);
		if (c == 0)
			ck_assert(json_is_null(json_object_get(chain, "prev")));
		else
			ck_assert_str_eq(tu_jstr(chain, "prev"), tu_hex(prev, 32));
		memcpy(prev, v.digest, 32);
		/* one byte of the text changes it */
		v.ann_text[strlen(v.ann_text) / 2] ^= 1;
		yh_digest_announcement(got, v.ann_text);
		ck_assert(memcmp(got, v.digest, 32) != 0);
		vector_close(&v);
	}
}
END_TEST

START_TEST(test_seed)
{
	unsigned char digest[32], secret[32], got[32], want[32];
	char value[1100];
	vector v;
	size_t i, part;

	vector_open(&v, "food");
	yh_seed_derive(got, v.digest, v.secret, v.value);
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(v.seed, 32));
	ck_assert_str_eq(tu_jstr(v.tr, "seed"), tu_hex(v.seed, 32));
	ck_assert_str_eq(tu_jstr(v.tr, "entropy_value"), v.value);
	ck_assert_str_eq(v.value, "public value for food");
	memcpy(digest, v.digest, 32);
	memcpy(secret, v.secret, 32);

	/* each input on its own changes the seed, as the spec's bytes say */
	for (part = 0; part < 3; part++) {
		unsigned char *p = part == 0 ? digest : secret;
		const char *val = part == 2 ? "public value for fooe" : v.value;

		if (part < 2)
			p[31] ^= 1;
		yh_seed_derive(got, digest, secret, val);
		tu_spec_seed(want, digest, secret, val);
		ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
		ck_assert_msg(memcmp(got, v.seed, 32) != 0, "input %zu is not in the seed", part);
		if (part < 2)
			p[31] ^= 1;
	}
	/* values of 1 to 1024 bytes: the u32 length prefix beyond one byte, UTF-8 text */
	for (i = 0; i < 4; i++) {
		static const size_t lens[] = { 1, 255, 256, 1024 };

		memset(value, 'v', lens[i]);
		value[lens[i]] = '\0';
		yh_seed_derive(got, digest, secret, value);
		tu_spec_seed(want, digest, secret, value);
		ck_assert_msg(memcmp(got, want, 32) == 0, "value of %zu bytes", lens[i]);
	}
	yh_seed_derive(got, digest, secret, "drand 第24000000轮: 8a6f…");
	tu_spec_seed(want, digest, secret, "drand 第24000000轮: 8a6f…");
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
	vector_close(&v);
}
END_TEST

/* §8: every ticket of the food vector, and ids of other lengths (the tail crosses block
 * boundaries: 64 + 0..100 bytes). */
START_TEST(test_ticket)
{
	static const char *const ids[] = { "92330109MA53QQ247E", "91330106MA2B3C4D5E", "9133010", "一二三四五六七",
	                                   "12345678901234567890123", "", "x" };
	unsigned char got[32], want[32];
	yh_ticketer tk;
	vector v;
	json_t *e;
	char id[128];
	size_t i, n = 0;

	vector_open(&v, "food");
	yh_ticketer_init(&tk, v.seed);
	json_array_foreach(json_object_get(v.tr, "selected"), i, e) {
		yh_ticket(got, &tk, tu_jstr(e, "id"));
		tu_spec_ticket(want, v.seed, tu_jstr(e, "id"));
		ck_assert_str_eq(tu_hex(want, 32), tu_jstr(e, "ticket"));
		ck_assert_str_eq(tu_hex(got, 32), tu_jstr(e, "ticket"));
		n++;
	}
	json_array_foreach(json_object_get(v.tr, "reserves"), i, e) {
		yh_ticket(got, &tk, tu_jstr(e, "id"));
		tu_spec_ticket(want, v.seed, tu_jstr(e, "id"));
		ck_assert_str_eq(tu_hex(want, 32), tu_jstr(e, "ticket"));
		ck_assert_str_eq(tu_hex(got, 32), tu_jstr(e, "ticket"));
		n++;
	}
	ck_assert_uint_eq(n, 17 + 5);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		yh_ticket(got, &tk, ids[i]);
		tu_spec_ticket(want, v.seed, ids[i]);
		ck_assert_msg(memcmp(got, want, 32) == 0, "ticket of %s", ids[i]);
	}
	for (i = 0; i < 100; i++) {
		memset(id, 'A' + (int)(i % 26), i);
		id[i] = '\0';
		yh_ticket(got, &tk, id);
		tu_spec_ticket(want, v.seed, id);
		TU_REQUIRE(memcmp(got, want, 32) == 0, "ticket of an id of %zu bytes", i);
	}
	/* the seed is in it */
	v.seed[0] ^= 0x80;
	yh_ticketer_init(&tk, v.seed);
	yh_ticket(got, &tk, "92330109MA53QQ247E");
	tu_spec_ticket(want, v.seed, "92330109MA53QQ247E");
	ck_assert_mem_eq(got, want, 32);
	ck_assert_str_ne(tu_hex(got, 32), tu_jstr(json_array_get(json_object_get(v.tr, "selected"), 0), "ticket"));
	vector_close(&v);
}
END_TEST

/* §9: officer tickets per level and pair tickets, against the spec's bytes and the vectors'
 * pair tickets; the level, the officer and the seed each change an officer ticket, and the
 * three ticket kinds never coincide for the same tail. */
START_TEST(test_officer_and_pair_tickets)
{
	static const uint32_t levels[] = { 0, 1, 2, 255, 256, 65536, 0x01000000u, 0xffffffffu };
	static const char *const officers[] = { "33010020210001", "P", "", "检查员一号" };
	unsigned char got[32], want[32], prev[32];
	yh_ticketer tk;
	vector v;
	json_t *e, *m;
	size_t i, j, n = 0;

	vector_open(&v, "food");
	yh_ticketer_init(&tk, v.seed);
	json_array_foreach(json_object_get(v.tr, "selected"), i, e)
		json_array_foreach(json_object_get(e, "team"), j, m) {
			yh_pair_ticket(got, &tk, tu_jstr(e, "id"), tu_jstr(m, "id"));
			tu_spec_pair_ticket(want, v.seed, tu_jstr(e, "id"), tu_jstr(m, "id"));
			ck_assert_str_eq(tu_hex(want, 32), tu_jstr(m, "pair_ticket"));
			ck_assert_str_eq(tu_hex(got, 32), tu_jstr(m, "pair_ticket"));
			n++;
		}
	ck_assert_uint_eq(n, 34);
	for (j = 0; j < sizeof(officers) / sizeof(officers[0]); j++) {
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
			yh_officer_ticket(got, &tk, levels[i], officers[j]);
			tu_spec_officer_ticket(want, v.seed, levels[i], officers[j]);
			ck_assert_msg(memcmp(got, want, 32) == 0, "officer ticket of '%s' at level %u", officers[j],
			              levels[i]);
			ck_assert_msg(i == 0 || memcmp(got, prev, 32) != 0, "level %u is not in the ticket", levels[i]);
			memcpy(prev, got, 32);
		}
		yh_pair_ticket(got, &tk, "92330109MA53QQ247E", officers[j]);
		tu_spec_pair_ticket(want, v.seed, "92330109MA53QQ247E", officers[j]);
		ck_assert_mem_eq(got, want, 32);
	}
	/* the tags keep the kinds apart: the same tail under the three tags */
	yh_ticket(got, &tk, "92330109MA53QQ247E33010020210001");
	yh_pair_ticket(want, &tk, "92330109MA53QQ247E", "33010020210001");
	ck_assert(memcmp(got, want, 32) != 0);
	yh_officer_ticket(got, &tk, 0, "33010020210001");
	yh_ticket(want, &tk, "\0\0\0\0" "33010020210001");   /* NUL ends the id: not the same tail */
	ck_assert(memcmp(got, want, 32) != 0);
	/* the seed is in both */
	yh_officer_ticket(prev, &tk, 3, "P");
	v.seed[5] ^= 1;
	yh_ticketer_init(&tk, v.seed);
	yh_officer_ticket(got, &tk, 3, "P");
	ck_assert(memcmp(got, prev, 32) != 0);
	tu_spec_officer_ticket(want, v.seed, 3, "P");
	ck_assert_mem_eq(got, want, 32);
	vector_close(&v);
}
END_TEST

/* ---- the selector ---------------------------------------------------------------------------- */

/* NENT entities, a fifth in each of the strata "-", "A", "B", "C", "D" (by risk). */
#define NENT 3000
#define NSTRATA 5
#define NPER (NENT / NSTRATA)

static const char risk_of[NSTRATA][2] = { "", "A", "B", "C", "D" };
static const char *const key_of[NSTRATA] = { "-", "A", "B", "C", "D" };

#define TASK "{\"id\":\"T-S\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\"," \
	"\"strata\":{\"by\":[\"risk\"],\"rates\":{\"*\":\"5%\"}},\"team\":{\"size\":2}}"

/* The committed sizes: all of "-" (cutoff null), a few of A with reserves, none of B but two
 * reserves (the cutoff is the lowest ticket), all but one of C with that one as its reserve,
 * a few of D and no reserves (the cutoff is still the next ticket). */
#define STRATA "[{\"key\":\"-\",\"population\":600,\"selected\":600,\"reserves\":0,\"rate\":\"100%\"}," \
	"{\"key\":\"A\",\"population\":600,\"selected\":7,\"reserves\":3,\"rate\":\"1%\"}," \
	"{\"key\":\"B\",\"population\":600,\"selected\":0,\"reserves\":2,\"rate\":\"0\"}," \
	"{\"key\":\"C\",\"population\":600,\"selected\":599,\"reserves\":1,\"rate\":\"\"}," \
	"{\"key\":\"D\",\"population\":600,\"selected\":5,\"reserves\":0,\"rate\":\"1%\"}]"
static const uint64_t want_k[NSTRATA] = { 600, 7, 0, 599, 5 }, want_r[NSTRATA] = { 0, 3, 2, 1, 0 };

typedef struct {
	char id[19], name[24];
	int stratum;
	unsigned char ticket[32];
} gen;

static gen ents[NENT];
static unsigned char the_seed[32];

static void generate(void)
{
	size_t i;

	tu_sha256_label(the_seed, "test_select seed");
	for (i = 0; i < NENT; i++) {
		snprintf(ents[i].id, sizeof(ents[i].id), "9133%014zu", i * 7919 % 100003);
		snprintf(ents[i].name, sizeof(ents[i].name), "企业%zu", i);
		ents[i].stratum = (int)(i % NSTRATA);
		tu_spec_ticket(ents[i].ticket, the_seed, ents[i].id);
	}
}

static int by_ticket(const void *a, const void *b)
{
	const gen *x = *(const gen *const *)a, *y = *(const gen *const *)b;
	int c = memcmp(x->ticket, y->ticket, 32);

	return c ? c : strcmp(x->id, y->id);
}

/* The output of one run: the strata and reserves, and the entries as they were emitted. */
typedef struct {
	json_t *strata, *reserves, *entries;
	char *text;     /* canonical texts of the three, for comparing runs */
} run;

static int collect(void *ctx, const yh_selected *e)
{
	return json_array_append_new(ctx, yh_selected_json(e));
}

/* yh_selector_finish, with the strata and reserves as the transcript writes them (NULL
 * when it fails). */
static int finish(yh_selector *sel, json_t **strata, json_t **reserves, int teams, json_t *entries)
{
	const yh_selection *selection;
	int rc = yh_selector_finish(&selection, sel, teams, collect, entries);

	*strata = rc == YH_OK ? yh_selection_strata_json(selection) : NULL;
	*reserves = rc == YH_OK ? yh_selection_reserves_json(selection) : NULL;
	return rc;
}

static void frozen_open(yh_frozen *f, const char *strata)
{
	json_t *s = tu_json(strata);

	memset(f, 0, sizeof(*f));
	f->task = tu_task(TASK);
	ck_assert_int_eq(yh_frozen_strata_from_json(f, s), YH_OK);
	json_decref(s);
}

static void frozen_close(yh_frozen *f)
{
	yh_task *t = (yh_task *)f->task;

	yh_frozen_clear(f);
	yh_task_free(t);
}

/* Names by id, as the draw asks the store for them: counts what it is asked, checks the ids
 * come in ascending order, and leaves out `missing` when it is set. */
typedef struct {
	size_t asked, calls;
	const char *missing;
} lookup;

static int lookup_names(void *ctx, const char *const *ids, size_t n, yh_name_found_fn found,
                        void *found_ctx)
{
	lookup *l = ctx;
	size_t i, j;
	int rc;

	l->calls++;
	for (i = 0; i < n; i++) {
		TU_REQUIRE(i == 0 || strcmp(ids[i - 1], ids[i]) < 0, "ids out of order: %s, %s", ids[i - 1], ids[i]);
		l->asked++;
		if (l->missing && strcmp(ids[i], l->missing) == 0)
			continue;
		for (j = 0; j < NENT && strcmp(ents[j].id, ids[i]) != 0; j++)
			;
		TU_REQUIRE(j < NENT, "asked for an unknown id %s", ids[i]);
		if ((rc = found(found_ctx, i, ents[j].name)) != 0)
			return rc;
	}
	return 0;
}

/* Feeds the entities in the order of `order` (indexes into ents) with `threads`; with l, the
 * names are looked up after the scan (the rows carry none). */
static int select_rows_with(run *out, const size_t *order, size_t n, int threads, lookup *l)
{
	yh_selector *sel = NULL;
	yh_frozen f;
	tu_buf b = { 0 };
	char *t;
	size_t i;
	int rc;

	frozen_open(&f, STRATA);
	out->entries = json_array();
	ck_assert_int_eq(yh_selector_new(&sel, &f, the_seed, threads, NULL, NULL), YH_OK);
	if (l)
		yh_selector_lookup_names(sel, lookup_names, l);
	for (i = 0; i < n; i++) {
		const gen *g = &ents[order[i]];
		const char *row[YH_E_COLUMNS] = { g->id, l ? "" : g->name, "", "330106", "",
		                                  risk_of[g->stratum], "active", "0" };

		TU_REQUIRE(yh_selector_add(sel, row) == YH_OK, "add %s: %s", g->id, yh_error_message());
	}
	rc = finish(sel, &out->strata, &out->reserves, 0, out->entries);
	yh_selector_free(sel);
	frozen_close(&f);
	if (rc != YH_OK) {
		json_decref(out->strata);
		json_decref(out->reserves);
		json_decref(out->entries);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	{
		json_t *all[3] = { out->strata, out->reserves, out->entries };

		for (i = 0; i < 3; i++) {
			ck_assert_int_eq(yh_jcs_dump(&t, all[i]), YH_OK);
			tu_buf_str(&b, t);
			tu_buf_str(&b, "\n");
			free(t);
		}
	}
	out->text = tu_buf_take(&b);
	return YH_OK;
}

static void select_rows(run *out, const size_t *order, size_t n, int threads)
{
	ck_assert_msg(select_rows_with(out, order, n, threads, NULL) == YH_OK, "%s", yh_error_message());
}

static void run_free(run *r)
{
	json_decref(r->strata);
	json_decref(r->reserves);
	json_decref(r->entries);
	free(r->text);
}

/* The run against docs/spec.md §8, recomputed from the generated entities. */
static void check_run(const run *r)
{
	static gen *group[NSTRATA][NPER], *selected[NENT];
	size_t n[NSTRATA] = { 0 }, nsel = 0, nres = 0, s, i;
	json_t *e;

	for (i = 0; i < NENT; i++)
		group[ents[i].stratum][n[ents[i].stratum]++] = &ents[i];
	ck_assert_uint_eq(json_array_size(r->strata), NSTRATA);
	for (s = 0; s < NSTRATA; s++) {
		json_t *st = json_array_get(r->strata, s);

		ck_assert_uint_eq(n[s], NPER);
		qsort(group[s], n[s], sizeof(gen *), by_ticket);
		ck_assert_str_eq(tu_jstr(st, "key"), key_of[s]);
		ck_assert_int_eq(tu_jint(st, "population"), NPER);
		ck_assert_int_eq(tu_jint(st, "selected"), (json_int_t)want_k[s]);
		ck_assert_int_eq(tu_jint(st, "reserves"), (json_int_t)want_r[s]);
		/* the cutoff: the ticket of the (k+1)-th, or null when all are selected */
		if (want_k[s] == NPER)
			ck_assert_msg(json_is_null(json_object_get(st, "cutoff")), "stratum %s", key_of[s]);
		else
			ck_assert_str_eq(tu_jstr(st, "cutoff"), tu_hex(group[s][want_k[s]]->ticket, 32));
		/* the reserves: the next r in ticket order, numbered from 1 */
		for (i = 0; i < want_r[s]; i++) {
			json_t *rv = json_array_get(r->reserves, nres++);
			const gen *g = group[s][want_k[s] + i];

			ck_assert_ptr_nonnull(rv);
			ck_assert_str_eq(tu_jstr(rv, "stratum"), key_of[s]);
			ck_assert_int_eq(tu_jint(rv, "order"), (json_int_t)(i + 1));
			ck_assert_str_eq(tu_jstr(rv, "id"), g->id);
			ck_assert_str_eq(tu_jstr(rv, "name"), g->name);
			ck_assert_str_eq(tu_jstr(rv, "ticket"), tu_hex(g->ticket, 32));
		}
		for (i = 0; i < want_k[s]; i++)
			selected[nsel++] = group[s][i];
	}
	ck_assert_uint_eq(json_array_size(r->reserves), nres);
	/* the selected of all strata in ticket order, ranked from 1, without teams */
	qsort(selected, nsel, sizeof(gen *), by_ticket);
	ck_assert_uint_eq(json_array_size(r->entries), nsel);
	json_array_foreach(r->entries, i, e) {
		TU_REQUIRE_INT(tu_jint(e, "rank"), i + 1);
		TU_REQUIRE_STR(tu_jstr(e, "id"), selected[i]->id);
		TU_REQUIRE_STR(tu_jstr(e, "name"), selected[i]->name);
		TU_REQUIRE_STR(tu_jstr(e, "stratum"), key_of[selected[i]->stratum]);
		TU_REQUIRE_STR(tu_jstr(e, "ticket"), tu_hex(selected[i]->ticket, 32));
		TU_REQUIRE(json_object_get(e, "team") == NULL, "a team without teams");
	}
}

static size_t *order_of(uint64_t seed)
{
	size_t *o = calloc(NENT, sizeof(size_t)), i;

	ck_assert_ptr_nonnull(o);
	for (i = 0; i < NENT; i++)
		o[i] = i;
	for (i = NENT - 1; seed && i > 0; i--) {
		size_t j = (size_t)(tu_rng(&seed) % (i + 1)), t = o[i];

		o[i] = o[j];
		o[j] = t;
	}
	return o;
}

START_TEST(test_selection_per_spec)
{
	size_t *o = order_of(0);
	run r;

	generate();
	select_rows(&r, o, NENT, 1);
	check_run(&r);
	run_free(&r);
	free(o);
}
END_TEST

/* docs/spec.md §8: the order of the rows does not matter. */
START_TEST(test_selection_row_order)
{
	size_t *o = order_of(0), *shuffled, i;
	run first, r;

	generate();
	select_rows(&first, o, NENT, 1);
	for (i = 0; i < NENT; i++) /* reversed */
		o[i] = NENT - 1 - i;
	select_rows(&r, o, NENT, 1);
	ck_assert_str_eq(r.text, first.text);
	run_free(&r);
	for (i = 1; i <= 3; i++) {
		shuffled = order_of(0x9e3779b97f4a7c15ull * i);
		select_rows(&r, shuffled, NENT, 1);
		ck_assert_msg(strcmp(r.text, first.text) == 0, "shuffle %zu gave another selection", i);
		run_free(&r);
		free(shuffled);
	}
	check_run(&first);
	run_free(&first);
	free(o);
}
END_TEST

/* One thread or two (the rows queued in batches to a worker): the same output. */
START_TEST(test_selection_threads)
{
	size_t *o = order_of(7);
	run one, two;

	generate();
	select_rows(&one, o, NENT, 1);
	select_rows(&two, o, NENT, 2);
	ck_assert_str_eq(two.text, one.text);
	check_run(&two);
	run_free(&one);
	run_free(&two);
	free(o);
}
END_TEST

/* The rows must be the ones committed: a stratum whose count differs, or an entity in a
 * stratum the commitment does not have, is refused. */
/* The names looked up after the scan, in chunks, on one thread or two: the same output as names
 * kept in the heaps, and only the selected entities and the reserves are asked for. */
START_TEST(test_selection_names_by_lookup)
{
	size_t *o = order_of(11), selected = 0, reserves = 0, s;
	lookup l = { 0, 0, NULL };
	run kept, r;
	int threads;

	generate();
	for (s = 0; s < NSTRATA; s++) {
		selected += want_k[s];
		reserves += want_r[s];
	}
	select_rows(&kept, o, NENT, 1);
	for (threads = 1; threads <= 2; threads++) {
		memset(&l, 0, sizeof(l));
		ck_assert_msg(select_rows_with(&r, o, NENT, threads, &l) == YH_OK, "%s", yh_error_message());
		ck_assert_str_eq(r.text, kept.text);
		ck_assert_uint_eq(l.asked, selected + reserves);
		ck_assert_uint_ge(l.calls, 2); /* the reserves, then the selected */
		run_free(&r);
	}
	check_run(&kept);
	/* an id the lookup does not find (the store changed under the draw) is an error */
	for (s = 0; s < 2; s++) { /* of stratum "-", all selected: in the middle of a chunk, the last */
		const char *gone = s ? ents[NENT - NSTRATA].id : ents[0].id;

		l = (lookup){ 0, 0, gone };
		ck_assert_int_eq(select_rows_with(&r, o, NENT, 2, &l), YH_ESTALE);
		ck_assert_msg(strstr(yh_error_message(), gone) != NULL, "%s", yh_error_message());
	}
	run_free(&kept);
	free(o);
}
END_TEST

/* The selected's names looked up ahead on a thread of their own (yh_selector_lookup_ahead), in
 * chunks of 50 so that the 1,211 selected cross 25 chunks and the ring of chunks goes round
 * many times: the same output as names kept in the heaps; the reserves are asked of the lookup,
 * every selected of the lookup ahead, from another thread than the emit's.  An id the lookup
 * ahead does not find, or an emit that fails while the lookup is ahead, ends the emit with that
 * error, the lookup's thread stopped. */
typedef struct {
	lookup l;
	pthread_t emitter;
	int other_thread;            /* every call came from another thread than the emitter */
} ahead_lookup;

static int names_ahead(void *ctx, const char *const *ids, size_t n, yh_name_found_fn found,
                       void *found_ctx)
{
	ahead_lookup *a = ctx;

	if (pthread_equal(pthread_self(), a->emitter))
		a->other_thread = 0;
	return lookup_names(&a->l, ids, n, found, found_ctx);
}

typedef struct {
	json_t *entries;
	size_t fail_at;              /* the entry that fails (1-based), or 0 */
} failing_sink;

static int collect_or_fail(void *ctx, const yh_selected *e)
{
	failing_sink *f = ctx;

	if (f->fail_at && e->rank == f->fail_at)
		return yh_error_set(YH_EIO, "the sink refused entry %llu", (unsigned long long)e->rank);
	return json_array_append_new(f->entries, yh_selected_json(e));
}

/* The selection of all NENT rows (id order), the names looked up ahead: the emit's return code,
 * the entries emitted in *entries. */
static int select_ahead(json_t **entries, lookup *main_l, ahead_lookup *a, size_t fail_at)
{
	yh_selector *sel = NULL;
	const yh_selection *selection;
	failing_sink sink = { json_array(), fail_at };
	yh_frozen f;
	size_t i;
	int rc;

	frozen_open(&f, STRATA);
	ck_assert_int_eq(yh_selector_new(&sel, &f, the_seed, 1, NULL, NULL), YH_OK);
	yh_selector_lookup_names(sel, lookup_names, main_l);
	yh_selector_lookup_ahead(sel, names_ahead, a);
	yh_selector_chunk_rows(sel, 50);
	for (i = 0; i < NENT; i++) {
		const gen *g = &ents[i];
		const char *row[YH_E_COLUMNS] = { g->id, "", "", "330106", "", risk_of[g->stratum], "active", "0" };

		TU_REQUIRE(yh_selector_add(sel, row) == YH_OK, "add %s: %s", g->id, yh_error_message());
	}
	a->emitter = pthread_self();
	a->other_thread = 1;
	ck_assert_int_eq(yh_selector_close(&selection, sel), YH_OK);
	rc = yh_selector_emit(sel, 0, collect_or_fail, &sink);
	yh_selector_free(sel);
	frozen_close(&f);
	*entries = sink.entries;
	return rc;
}

START_TEST(test_selection_names_ahead)
{
	size_t *o = order_of(0), selected = 0, reserves = 0, s;
	lookup main_l = { 0 };
	ahead_lookup a;
	json_t *entries;
	char *got, *want;
	run kept;

	generate();
	memset(&a, 0, sizeof(a));
	for (s = 0; s < NSTRATA; s++) {
		selected += want_k[s];
		reserves += want_r[s];
	}
	select_rows(&kept, o, NENT, 1);
	ck_assert_int_eq(select_ahead(&entries, &main_l, &a, 0), YH_OK);
	ck_assert_int_eq(yh_jcs_dump(&got, entries), YH_OK);
	ck_assert_int_eq(yh_jcs_dump(&want, kept.entries), YH_OK);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(main_l.asked, reserves);
	ck_assert_uint_eq(a.l.asked, selected);
	ck_assert_uint_eq(a.l.calls, (selected + 49) / 50);
	ck_assert_msg(a.other_thread, "the names ahead were looked up on the emitting thread");
	free(got);
	free(want);
	json_decref(entries);
	/* an id the lookup ahead does not find (two of stratum "-", all selected) */
	for (s = 0; s < 2; s++) {
		const char *gone = s ? ents[NENT - NSTRATA].id : ents[0].id;

		memset(&main_l, 0, sizeof(main_l));
		memset(&a, 0, sizeof(a));
		a.l.missing = gone;
		ck_assert_int_eq(select_ahead(&entries, &main_l, &a, 0), YH_ESTALE);
		ck_assert_msg(strstr(yh_error_message(), gone) != NULL, "%s", yh_error_message());
		ck_assert_uint_lt(json_array_size(entries), selected);
		json_decref(entries);
	}
	/* the emit fails in the 7th chunk, while the lookup is ahead: its error, nothing after */
	memset(&main_l, 0, sizeof(main_l));
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(select_ahead(&entries, &main_l, &a, 321), YH_EIO);
	ck_assert_str_eq(yh_error_message(), "the sink refused entry 321");
	ck_assert_uint_eq(json_array_size(entries), 320);
	ck_assert_uint_le(a.l.calls, 7 + 3); /* it stopped: at most three chunks past that one */
	json_decref(entries);
	run_free(&kept);
	free(o);
}
END_TEST

START_TEST(test_selection_refuses_other_population)
{
	static const char *const strata[] = {
		"[{\"key\":\"-\",\"population\":2,\"selected\":1,\"reserves\":0,\"rate\":\"\"},"
		"{\"key\":\"A\",\"population\":2,\"selected\":1,\"reserves\":0,\"rate\":\"\"}]",   /* A has 1 */
		"[{\"key\":\"-\",\"population\":2,\"selected\":1,\"reserves\":0,\"rate\":\"\"},"
		"{\"key\":\"A\",\"population\":0,\"selected\":0,\"reserves\":0,\"rate\":\"\"}]",   /* A has 1 */
	};
	const char *dash1[YH_E_COLUMNS] = { "E1", "n", "", "330106", "", "", "active", "0" };
	const char *dash2[YH_E_COLUMNS] = { "E2", "n", "", "330106", "", "", "active", "0" };
	const char *a1[YH_E_COLUMNS] = { "E3", "n", "", "330106", "", "A", "active", "0" };
	const char *b1[YH_E_COLUMNS] = { "E4", "n", "", "330106", "", "B", "active", "0" };
	yh_selector *sel = NULL;
	json_t *st = NULL, *rv = NULL, *entries = json_array();
	yh_frozen f;
	size_t i;
	int threads;

	generate();
	for (threads = 1; threads <= 2; threads++)
		for (i = 0; i < 2; i++) {
			frozen_open(&f, strata[i]);
			ck_assert_int_eq(yh_selector_new(&sel, &f, the_seed, threads, NULL, NULL), YH_OK);
			ck_assert_int_eq(yh_selector_add(sel, dash1), YH_OK);
			ck_assert_int_eq(yh_selector_add(sel, a1), YH_OK);
			ck_assert_int_eq(yh_selector_add(sel, dash2), YH_OK);
			/* refused (YH_EDATA today; the store changed since the commit, whatever the code) */
			ck_assert_int_lt(finish(sel, &st, &rv, 0, entries), 0);
			ck_assert_msg(strstr(yh_error_message(), "'A'") != NULL, "%s", yh_error_message());
			ck_assert_ptr_null(st);
			ck_assert_ptr_null(rv);
			yh_selector_free(sel);
			frozen_close(&f);
		}
	/* a stratum the commitment does not have */
	frozen_open(&f, strata[0]);
	ck_assert_int_eq(yh_selector_new(&sel, &f, the_seed, 1, NULL, NULL), YH_OK);
	ck_assert_int_lt(yh_selector_add(sel, b1), 0);
	ck_assert_msg(strstr(yh_error_message(), "'E4'") && strstr(yh_error_message(), "'B'"), "%s",
	              yh_error_message());
	yh_selector_free(sel);
	frozen_close(&f);
	/* the matching rows go through */
	frozen_open(&f, "[{\"key\":\"-\",\"population\":2,\"selected\":1,\"reserves\":0,\"rate\":\"\"},"
	            "{\"key\":\"A\",\"population\":1,\"selected\":1,\"reserves\":0,\"rate\":\"\"}]");
	ck_assert_int_eq(yh_selector_new(&sel, &f, the_seed, 1, NULL, NULL), YH_OK);
	ck_assert_int_eq(yh_selector_add(sel, dash1), YH_OK);
	ck_assert_int_eq(yh_selector_add(sel, a1), YH_OK);
	ck_assert_int_eq(yh_selector_add(sel, dash2), YH_OK);
	ck_assert_int_eq(finish(sel, &st, &rv, 0, entries), YH_OK);
	ck_assert_uint_eq(json_array_size(entries), 2);
	yh_selector_free(sel);
	frozen_close(&f);
	json_decref(st);
	json_decref(rv);
	json_decref(entries);
}
END_TEST

/* ---- the transcript text ------------------------------------------------------------------------ */

/* Opaque values for the transcript text (any hex of the right length will do). */
#define EX_SECRET "050f0ad7b4d2c22690ae1e1daa250c48d2781a73b3e597a34492d3094faca28b"
#define EX_COMMITMENT "9e2eb2c6e62c6796c4f2e25f13307ba5986e53327ed6d66d64ea42dbf4affea9"
#define EX_VALUE "public value for food"
#define EX_SEED "6f50ce7117555105c64535b0aa909d848624969e323a6625359d303c87d8047f"

/* The streamed writer's bytes, gathered; fail_after > 0 makes the write that would pass that many
 * bytes fail. */
typedef struct {
	tu_buf out;
	size_t writes, fail_after;
} gathered;

static int gather(void *ctx, const char *bytes, size_t n)
{
	gathered *g = ctx;
	char *t;

	if (g->fail_after && g->out.len + n > g->fail_after)
		return yh_error_set(YH_EIO, "full");
	g->writes++;
	t = malloc(n + 1);
	memcpy(t, bytes, n);
	t[n] = '\0';
	tu_buf_str(&g->out, t); /* the transcript holds no NUL */
	free(t);
	return 0;
}

/* Typed results for the writer: two strata, reserves, and selected entities whose names need
 * every kind of escape, with and without teams. */
typedef struct {
	yh_frozen f;
	yh_stratum strata[2];
	unsigned char cutoffs[2][32];
	int has_cutoff[2];
	yh_reserve reserves[3];
	yh_selection sel;
	char *officer_rows[2][YH_I_COLUMNS];
	yh_officer officers[2];
} typed;

static const char *const awkward[] = {
	"\"selected\":[] 某店", "back\\slash", "n\x01 tab\t nl\n", "\"reserves\":[]", "😀 U+1F600",
	"plain", "", "\xe2\x80\xa8 line separator",
};

static void typed_open(typed *t)
{
	static const char *const o[2][3] = { { "P1", "王\"五", "330100-SCJG" }, { "P2", "\\x", "d\x02" } };
	size_t i, j;

	memset(t, 0, sizeof(*t));
	snprintf(t->strata[0].key, sizeof(t->strata[0].key), "A");
	snprintf(t->strata[1].key, sizeof(t->strata[1].key), "B|\"q\"");
	t->strata[0].population = 9;
	t->strata[0].k = 2;
	t->strata[0].reserves = 2;
	t->strata[1].population = 3;
	t->strata[1].k = 3;
	snprintf(t->strata[0].rate, sizeof(t->strata[0].rate), "10%%");
	t->f.strata = t->strata;
	t->f.nstrata = 2;
	for (i = 0; i < 32; i++)
		t->cutoffs[0][i] = (unsigned char)(i * 7);
	t->has_cutoff[0] = 1;
	for (i = 0; i < 3; i++) {
		t->reserves[i].stratum = &t->strata[i < 2 ? 0 : 1];
		t->reserves[i].order = i + 1;
		t->reserves[i].id = i == 0 ? "R1" : i == 1 ? "R2" : "R3";
		t->reserves[i].name = awkward[i * 3 % 8];
		memset(t->reserves[i].ticket, (int)(0x10 + i), 32);
	}
	t->sel.frozen = &t->f;
	t->sel.cutoffs = (const unsigned char (*)[32])t->cutoffs;
	t->sel.has_cutoff = t->has_cutoff;
	t->sel.reserves = t->reserves;
	t->sel.nreserves = 3;
	for (i = 0; i < 2; i++) {
		for (j = 0; j < YH_I_COLUMNS; j++)
			t->officer_rows[i][j] = "";
		t->officer_rows[i][YH_I_ID] = (char *)o[i][0];
		t->officer_rows[i][YH_I_NAME] = (char *)o[i][1];
		t->officer_rows[i][YH_I_DEPARTMENT] = (char *)o[i][2];
		memcpy(t->officers[i].row, t->officer_rows[i], sizeof(t->officer_rows[i]));
	}
}

/* Entry i of n: names cycle through the awkward ones; every third has no team. */
static void typed_entry(yh_selected *e, const typed *t, size_t i, int teams)
{
	static char ids[16];

	memset(e, 0, sizeof(*e));
	snprintf(ids, sizeof(ids), "E%06zu", i);
	e->rank = i + 1;
	e->id = ids;
	e->name = awkward[i % 8];
	e->stratum = &t->strata[i % 2];
	memset(e->ticket, (int)(i & 0xff), 32);
	e->has_team = teams;
	e->team.n = i % 3 == 2 ? 0 : i % 3 + 1;
	if (e->team.n > 2)
		e->team.n = 2;
	e->team.members[0].officer = &t->officers[i % 2];
	e->team.members[1].officer = &t->officers[(i + 1) % 2];
	memset(e->team.members[0].pair_ticket, 0xa0, 32);
	memset(e->team.members[1].pair_ticket, 0x0b, 32);
}

/* The writer's bytes are those of the whole document serialised at once by yh_jcs_dump
 * (docs/spec.md §10), whatever the names hold and however many entries there are. */
static void check_transcript(size_t n, int teams)
{
	json_t *ann = tu_json("{\"format\":\"yaohao-announcement/2\",\"task_id\":\"T-S\",\"load_cap\":3,"
	                      "\"entities\":{\"count\":3,\"excluded\":[]},\"commitment\":\"" EX_COMMITMENT "\","
	                      "\"zz\":{\"reserves\":[],\"selected\":[]},"
	                      "\"entropy_source\":\"a \\\"selected\\\":[] in text,\\\"reserves\\\":[]\"}");
	json_t *before = json_deep_copy(ann), *whole = json_deep_copy(ann), *entries = json_array();
	unsigned char secret[32], seed[32];
	yh_transcript_writer *w = NULL;
	gathered g = { { 0 }, 0, 0 };
	char *want = NULL;
	yh_selected e;
	typed t;
	size_t i;

	typed_open(&t);
	tu_unhex(secret, 32, EX_SECRET);
	tu_unhex(seed, 32, EX_SEED);
	ck_assert_msg(yh_transcript_begin(&w, ann, secret, EX_VALUE, seed, &t.sel, gather, &g) == YH_OK,
	              "%s", yh_error_message());
	for (i = 0; i < n; i++) {
		typed_entry(&e, &t, i, teams);
		ck_assert_int_eq(yh_transcript_add(w, &e), YH_OK);
		json_array_append_new(entries, yh_selected_json(&e));
	}
	ck_assert_int_eq(yh_transcript_end(w), YH_OK);
	yh_transcript_writer_free(w);
	ck_assert_msg(json_equal(ann, before), "the announcement was changed");

	json_object_set_new(whole, "format", json_string("yaohao-transcript/2"));
	json_object_set_new(whole, "entropy_value", json_string(EX_VALUE));
	json_object_set_new(whole, "secret", json_string(EX_SECRET));
	json_object_set_new(whole, "seed", json_string(EX_SEED));
	json_object_set_new(whole, "strata", yh_selection_strata_json(&t.sel));
	json_object_set_new(whole, "reserves", yh_selection_reserves_json(&t.sel));
	json_object_set_new(whole, "selected", entries);
	ck_assert_int_eq(yh_jcs_dump(&want, whole), YH_OK);
	ck_assert_uint_eq(g.out.len, strlen(want));
	ck_assert_str_eq(g.out.s, want);
	/* written in pieces of at most 64 KiB or so, not once at the end */
	if (g.out.len > (1u << 17))
		ck_assert_uint_gt(g.writes, 2);

	/* a write that fails stops the writer with its code */
	g.fail_after = g.out.len / 2;
	free(g.out.s);
	g.out = (tu_buf){ 0 };
	{
		int rc = yh_transcript_begin(&w, ann, secret, EX_VALUE, seed, &t.sel, gather, &g);

		for (i = 0; rc == YH_OK && i < n; i++) {
			typed_entry(&e, &t, i, teams);
			rc = yh_transcript_add(w, &e);
		}
		if (rc == YH_OK)
			rc = yh_transcript_end(w);
		ck_assert_int_eq(rc, YH_EIO);
		yh_transcript_writer_free(w);
	}
	free(g.out.s);
	free(want);
	json_decref(ann);
	json_decref(before);
	json_decref(whole);
}

START_TEST(test_transcript_text)
{
	check_transcript(0, 1);     /* nothing selected: "selected":[] stays empty */
	check_transcript(8, 1);
	check_transcript(8, 0);     /* a replay without teams writes no "team" */
	check_transcript(3000, 1);  /* past the writer's buffer: many pieces */
}
END_TEST

/* A name that is not UTF-8 is refused, as jansson would refuse it. */
START_TEST(test_transcript_refuses_bad_utf8)
{
	json_t *ann = tu_json("{\"format\":\"yaohao-announcement/2\",\"task_id\":\"T-S\"}");
	unsigned char secret[32] = { 0 }, seed[32] = { 0 };
	yh_transcript_writer *w = NULL;
	gathered g = { { 0 }, 0, 0 };
	yh_selected e;
	typed t;

	typed_open(&t);
	ck_assert_int_eq(yh_transcript_begin(&w, ann, secret, EX_VALUE, seed, &t.sel, gather, &g), YH_OK);
	typed_entry(&e, &t, 0, 1);
	e.name = "bad \xff\xfe";
	ck_assert_int_eq(yh_transcript_add(w, &e), YH_EDATA);
	yh_transcript_writer_free(w);
	free(g.out.s);
	json_decref(ann);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *hash = tu_tcase(s, "hashes", 0, 0);
	TCase *sel = tu_tcase(s, "selection", 0, 120);

	tcase_add_test(hash, test_commitment);
	tcase_add_test(hash, test_announcement_digest);
	tcase_add_test(hash, test_seed);
	tcase_add_test(hash, test_ticket);
	tcase_add_test(hash, test_officer_and_pair_tickets);
	tcase_add_test(sel, test_selection_per_spec);
	tcase_add_test(sel, test_selection_row_order);
	tcase_add_test(sel, test_selection_threads);
	tcase_add_test(sel, test_selection_names_by_lookup);
	tcase_add_test(sel, test_selection_names_ahead);
	tcase_add_test(sel, test_selection_refuses_other_population);
	tcase_add_test(sel, test_transcript_text);
	tcase_add_test(sel, test_transcript_refuses_bad_utf8);
	return s;
}

TU_MAIN(select_suite)
