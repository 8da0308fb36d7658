/* test_select.c — commitment, seed, tickets, the per-stratum selection and the transcript text
 * (engine/select.c through engine/draw.h; docs/spec.md §6-§8, §10).  Expected values are
 * recomputed here from the spec (testutil's tu_spec_*) or taken from its worked example (§12). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"
#include "draw.h" /* private: the selector, commitment, seed and tickets */

/* docs/spec.md §12, the food vector (checked against Python's hashlib when written down). */
#define EX_TASK_DIGEST "1ca5b1d476b64276c3260683c564c07f81005fbaadcd163d4115e2554ec69f17"
#define EX_ENTITY_ROOT "3fb51b3da428fcdd52ce0adcaa829a66172722367dc7d62b4284b58efbb8fd2d"
#define EX_OFFICER_ROOT "c32993e53e97cb37b17c0b426eabb3c0475886d0fcdf025a3b5d0c70345e77fa"
#define EX_RECUSAL_ROOT "af40f9faf0fe1716ad143cb41eaac690bd26afec71803373a71c5d029af9c72e"
#define EX_SECRET "050f0ad7b4d2c22690ae1e1daa250c48d2781a73b3e597a34492d3094faca28b"
#define EX_COMMITMENT "9e2eb2c6e62c6796c4f2e25f13307ba5986e53327ed6d66d64ea42dbf4affea9"
#define EX_VALUE "public value for food"
#define EX_SEED "6f50ce7117555105c64535b0aa909d848624969e323a6625359d303c87d8047f"
#define EX_RANK1 "92330109MA53QQ247E"
#define EX_RANK1_TICKET "00f7e111bd99c34a4ac04c8e5be2025e790d2d66e8a3ab3e12b2b2483e6d5e06"

/* ---- commitment, seed, tickets ------------------------------------------------------------- */

START_TEST(test_commitment)
{
	unsigned char secret[32], got[32], want[32];
	size_t i, j;

	tu_unhex(secret, 32, EX_SECRET);
	yh_commitment(got, secret);
	ck_assert_str_eq(tu_hex(got, 32), EX_COMMITMENT);
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 32; j++)
			secret[j] = (unsigned char)(i == 0 ? 0 : i == 1 ? j : 0xff);
		yh_commitment(got, secret);
		tu_spec_commitment(want, secret);
		ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
	}
}
END_TEST

START_TEST(test_seed)
{
	unsigned char in[5][32], secret[32], got[32], want[32], first[32];
	char value[1100];
	size_t i, part;

	tu_unhex(in[0], 32, EX_TASK_DIGEST);
	tu_unhex(in[1], 32, EX_ENTITY_ROOT);
	tu_unhex(in[2], 32, EX_OFFICER_ROOT);
	tu_unhex(in[3], 32, EX_RECUSAL_ROOT);
	tu_unhex(secret, 32, EX_SECRET);
	yh_seed_derive(got, in[0], in[1], in[2], in[3], secret, EX_VALUE);
	ck_assert_str_eq(tu_hex(got, 32), EX_SEED);
	memcpy(first, got, 32);

	/* each input on its own changes the seed, as the spec's bytes say */
	for (part = 0; part < 5; part++) {
		unsigned char *p = part < 4 ? in[part] : secret;

		p[31] ^= 1;
		yh_seed_derive(got, in[0], in[1], in[2], in[3], secret, EX_VALUE);
		tu_spec_seed(want, in[0], in[1], in[2], in[3], secret, EX_VALUE);
		ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
		ck_assert_msg(memcmp(got, first, 32) != 0, "input %zu is not in the seed", part);
		p[31] ^= 1;
	}
	/* values of 1 to 1024 bytes: the u32 length prefix beyond one byte, UTF-8 text */
	for (i = 0; i < 4; i++) {
		static const size_t lens[] = { 1, 255, 256, 1024 };

		memset(value, 'v', lens[i]);
		value[lens[i]] = '\0';
		yh_seed_derive(got, in[0], in[1], in[2], in[3], secret, value);
		tu_spec_seed(want, in[0], in[1], in[2], in[3], secret, value);
		ck_assert_msg(memcmp(got, want, 32) == 0, "value of %zu bytes", lens[i]);
	}
	yh_seed_derive(got, in[0], in[1], in[2], in[3], secret, "drand 第24000000轮: 8a6f…");
	tu_spec_seed(want, in[0], in[1], in[2], in[3], secret, "drand 第24000000轮: 8a6f…");
	ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
}
END_TEST

START_TEST(test_ticket)
{
	static const char *const ids[] = { EX_RANK1, "91330106MA2B3C4D5E", "9133010", "一二三四五六七",
	                                   "12345678901234567890123" };
	unsigned char seed[32], got[32], want[32];
	size_t i;

	tu_unhex(seed, 32, EX_SEED);
	yh_ticket(got, seed, EX_RANK1);
	ck_assert_str_eq(tu_hex(got, 32), EX_RANK1_TICKET);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		yh_ticket(got, seed, ids[i]);
		tu_spec_ticket(want, seed, ids[i]);
		ck_assert_msg(memcmp(got, want, 32) == 0, "ticket of %s", ids[i]);
	}
	/* the seed is in it */
	seed[0] ^= 0x80;
	yh_ticket(got, seed, EX_RANK1);
	ck_assert_str_ne(tu_hex(got, 32), EX_RANK1_TICKET);
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

/* Feeds the entities in the order of `order` (indexes into ents) with `threads`. */
static void select_rows(run *out, const size_t *order, size_t n, int threads)
{
	yh_selector *sel = NULL;
	yh_frozen f;
	tu_buf b = { 0 };
	char *t;
	size_t i;

	frozen_open(&f, STRATA);
	out->entries = json_array();
	ck_assert_int_eq(yh_selector_new(&sel, &f, the_seed, threads, NULL, NULL), YH_OK);
	for (i = 0; i < n; i++) {
		const gen *g = &ents[order[i]];
		const char *row[YH_E_COLUMNS] = { g->id, g->name, "", "330106", "", risk_of[g->stratum],
		                                  "active", "0" };

		TU_REQUIRE(yh_selector_add(sel, row) == YH_OK, "add %s: %s", g->id, yh_error_message());
	}
	ck_assert_msg(finish(sel, &out->strata, &out->reserves, 0, out->entries) ==
	              YH_OK, "%s", yh_error_message());
	yh_selector_free(sel);
	frozen_close(&f);
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

/* yh_transcript_text puts the streamed entries where the empty "selected" member is: the same
 * bytes as the whole transcript serialised at once (docs/spec.md §10). */
static void check_transcript(json_t *entries)
{
	json_t *ann = tu_json("{\"format\":\"yaohao-announcement/1\",\"task_id\":\"T-S\",\"load_cap\":3,"
	                      "\"strata\":[{\"key\":\"A\",\"population\":3,\"selected\":2,\"reserves\":1,\"rate\":\"\"}],"
	                      "\"entities\":{\"count\":3,\"excluded\":[]},\"commitment\":\"" EX_COMMITMENT "\","
	                      "\"entropy_source\":\"a \\\"selected\\\":[] in text\"}");
	json_t *before = json_deep_copy(ann), *whole = json_deep_copy(ann);
	json_t *strata = tu_json("[{\"key\":\"A\",\"population\":3,\"selected\":2,\"reserves\":1,\"rate\":\"\","
	                         "\"cutoff\":\"" EX_RANK1_TICKET "\"}]");
	json_t *reserves = tu_json("[{\"stratum\":\"A\",\"order\":1,\"id\":\"E9\",\"name\":\"n\",\"ticket\":\""
	                           EX_RANK1_TICKET "\"}]");
	unsigned char secret[32], seed[32];
	tu_buf sel = { 0 };
	char *out = NULL, *want = NULL, *one, *sel_text;
	json_t *e, *parsed;
	size_t i, len;

	tu_unhex(secret, 32, EX_SECRET);
	tu_unhex(seed, 32, EX_SEED);
	json_array_foreach(entries, i, e) {
		ck_assert_int_eq(yh_jcs_dump(&one, e), YH_OK);
		if (i)
			tu_buf_str(&sel, ",");
		tu_buf_str(&sel, one);
		free(one);
	}
	sel_text = sel.s; /* NULL when there are none, as the draw passes it */
	len = sel.len;
	ck_assert_msg(yh_transcript_text(&out, ann, secret, EX_VALUE, seed, strata, reserves, &sel_text, len) ==
	              YH_OK, "%s", yh_error_message());
	ck_assert_ptr_null(sel_text); /* taken */
	ck_assert_msg(json_equal(ann, before), "the announcement was changed");

	json_object_set_new(whole, "format", json_string("yaohao-transcript/1"));
	json_object_set_new(whole, "entropy_value", json_string(EX_VALUE));
	json_object_set_new(whole, "secret", json_string(EX_SECRET));
	json_object_set_new(whole, "seed", json_string(EX_SEED));
	json_object_set(whole, "strata", strata);
	json_object_set(whole, "reserves", reserves);
	json_object_set(whole, "selected", entries);
	ck_assert_int_eq(yh_jcs_dump(&want, whole), YH_OK);
	ck_assert_str_eq(out, want);
	parsed = tu_json(out);
	ck_assert_msg(json_equal(parsed, whole), "%s", out);
	ck_assert_str_eq(tu_jstr(parsed, "format"), "yaohao-transcript/1");
	json_decref(parsed);
	free(out);
	free(want);
	json_decref(ann);
	json_decref(before);
	json_decref(whole);
	json_decref(strata);
	json_decref(reserves);
}

START_TEST(test_transcript_text)
{
	json_t *entries = tu_json(
		"[{\"rank\":1,\"id\":\"E1\",\"name\":\"\\\"selected\\\":[] 某店\",\"stratum\":\"A\",\"ticket\":\"00\","
		"\"team\":[{\"id\":\"P1\",\"name\":\"\\\\\",\"department\":\"d\",\"role\":\"leader\",\"pair_ticket\":\"01\"}]},"
		"{\"rank\":2,\"id\":\"E2\",\"name\":\"n\\u0001\",\"stratum\":\"A\",\"ticket\":\"02\",\"team\":[]}]");
	json_t *none = json_array();

	check_transcript(entries);
	check_transcript(none); /* nothing selected: "selected":[] stays empty */
	json_decref(entries);
	json_decref(none);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *hash = tu_tcase(s, "hashes", 0, 0);
	TCase *sel = tu_tcase(s, "selection", 0, 120);

	tcase_add_test(hash, test_commitment);
	tcase_add_test(hash, test_seed);
	tcase_add_test(hash, test_ticket);
	tcase_add_test(sel, test_selection_per_spec);
	tcase_add_test(sel, test_selection_row_order);
	tcase_add_test(sel, test_selection_threads);
	tcase_add_test(sel, test_selection_refuses_other_population);
	tcase_add_test(sel, test_transcript_text);
	return s;
}

TU_MAIN(select_suite)
