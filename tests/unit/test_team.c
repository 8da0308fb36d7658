/* test_team.c — pair tickets, the load cap, the commit pre-check and the team of each selected
 * entity (engine/team.c through engine/draw.h; docs/spec.md §5, §9).  Expected teams are worked
 * out here from the spec's rules and pair tickets recomputed with tu_spec_pair_ticket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"
#include "draw.h" /* private: yh_frozen, the team functions */

#define SCJG "330100-SCJG"
#define STHJ "330100-STHJ"

#define HEAD "{\"id\":\"T-M\",\"title\":\"t\",\"departments\":[\"" SCJG "\",\"" STHJ "\"]," \
	"\"draw_date\":\"2026-12-01\",\"strata\":{\"rates\":{\"*\":\"5%\"}},"

/* The task with this "team" member (static buffer). */
static const char *TEAM(const char *team)
{
	static char json[1024];

	snprintf(json, sizeof(json), "%s\"team\":%s}", HEAD, team);
	return json;
}

typedef struct {
	const char *id, *department, *specialties;
} officer;

/* Seven officers: five in SCJG, two in STHJ; 食品 held by two, 药品 by two. */
static const officer seven[] = {
	{ "A1", SCJG, "食品" }, { "A2", SCJG, "药品;食品" }, { "A3", SCJG, "" }, { "A4", SCJG, "" },
	{ "A5", SCJG, "" }, { "B1", STHJ, "药品" }, { "B2", STHJ, "" },
};
#define NSEVEN (sizeof(seven) / sizeof(seven[0]))

/* Recusal pairs (entity, officer) for frozen_open; reasons alternate between kinds. */
typedef struct {
	const char *entity, *officer;
} pair;

static unsigned char seed[32];

/* The frozen inputs of a task with these officers (all eligible) and recusals. */
static void frozen_open(yh_frozen *f, const char *task_json, const officer *o, size_t n, const pair *r,
                        size_t nr, uint64_t load_cap)
{
	size_t i;

	tu_sha256_label(seed, "test_team seed");
	memset(f, 0, sizeof(*f));
	f->task = tu_task(task_json);
	for (i = 0; i < n; i++) {
		const char *row[YH_I_COLUMNS] = { o[i].id, o[i].id, o[i].department, "2030-01-01",
		                                  o[i].specialties, "active" };

		ck_assert_int_eq(yh_frozen_add_officer(f, row), YH_OK);
	}
	ck_assert_int_eq(yh_frozen_finish_officers(f), YH_OK);
	ck_assert_uint_eq(f->nofficers, n);
	for (i = 0; i < nr; i++)
		ck_assert_int_eq(yh_frozen_add_recusal(f, r[i].entity, r[i].officer, i % 2 ? "亲属" : "recent:T-0"),
		                 YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(f), YH_OK);
	f->load_cap = load_cap;
}

static void frozen_close(yh_frozen *f)
{
	yh_task *t = (yh_task *)f->task;

	yh_frozen_clear(f);
	yh_task_free(t);
}

static const officer *find(const officer *o, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(o[i].id, id) == 0)
			return &o[i];
	ck_abort_msg("no officer %s", id);
	return NULL;
}

static int holds(const officer *o, const char *specialty)
{
	const char *p = strstr(o->specialties, specialty);
	size_t n = strlen(specialty);

	return p && (p == o->specialties || p[-1] == ';') && (p[n] == '\0' || p[n] == ';');
}

static uint64_t load_of(const yh_frozen *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nofficers; i++)
		if (strcmp(f->officers[i].row[YH_I_ID], id) == 0)
			return f->officers[i].load;
	ck_abort_msg("no officer %s", id);
	return 0;
}

/* The team of an entity, which must be formed; checks the members' pair tickets (docs/spec.md §9)
 * and that they are in pair-ticket order, the first the leader. */
/* A team as the transcript lists it: [{id, name, department, role, pair_ticket}]. */
static json_t *team_json(const yh_team *t)
{
	yh_stratum st = { "all", 0, 0, 0, "" };
	yh_selected e = { 1, "E", "", &st, { 0 }, 1, *t };
	json_t *entry = yh_selected_json(&e), *team = json_incref(json_object_get(entry, "team"));

	json_decref(entry);
	return team;
}

static json_t *assign_ok(yh_frozen *f, const char *entity, uint64_t rank)
{
	json_t *team, *m;
	yh_team typed;
	unsigned char pt[32];
	const char *prev = NULL;
	size_t i;

	TU_REQUIRE(yh_team_assign(&typed, f, seed, entity, rank) == YH_OK, "entity %s: %s", entity,
	           yh_error_message());
	team = team_json(&typed);
	json_array_foreach(team, i, m) {
		tu_spec_pair_ticket(pt, seed, entity, tu_jstr(m, "id"));
		TU_REQUIRE_STR(tu_jstr(m, "pair_ticket"), tu_hex(pt, 32));
		TU_REQUIRE_STR(tu_jstr(m, "role"), i == 0 ? "leader" : "member");
		TU_REQUIRE(!prev || strcmp(prev, tu_jstr(m, "pair_ticket")) < 0, "%s: members out of order", entity);
		prev = tu_jstr(m, "pair_ticket");
	}
	return team;
}

/* The assignment fails for a reason whose message holds `a` and `b`; nothing is charged. */
static void assign_fails(yh_frozen *f, const char *entity, uint64_t rank, const char *a, const char *b)
{
	yh_team team;
	uint64_t before[64];
	size_t i;

	ck_assert_uint_le(f->nofficers, 64);
	for (i = 0; i < f->nofficers; i++)
		before[i] = f->officers[i].load;
	team.n = 0;
	ck_assert_int_eq(yh_team_assign(&team, f, seed, entity, rank), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), a) && strstr(yh_error_message(), b),
	              "'%s' lacks '%s' or '%s'", yh_error_message(), a, b);
	ck_assert_uint_eq(team.n, 0);
	for (i = 0; i < f->nofficers; i++)
		ck_assert_uint_eq(f->officers[i].load, before[i]);
}

/* ---- pair tickets ------------------------------------------------------------------------------ */

START_TEST(test_pair_tickets)
{
	static const char *const entities[] = { "92330109MA53QQ247E", "E1", "某店" };
	static const char *const officers[] = { "33010020210001", "P", "33010020210002" };
	unsigned char s[32], got[32], want[32];
	size_t i, j;

	/* docs/spec.md §12 */
	tu_unhex(s, 32, "6f50ce7117555105c64535b0aa909d848624969e323a6625359d303c87d8047f");
	yh_pair_key(got, s, "92330109MA53QQ247E");
	ck_assert_str_eq(tu_hex(got, 32), "3629dc276a3cc4c5755125a42f8a8d21c0433e9b0b8e7e8c07d928aa842cb2f0");
	yh_pair_ticket(got, s, "92330109MA53QQ247E", "33010020210001");
	ck_assert_str_eq(tu_hex(got, 32), "0d11430d3834050039a5aeb653ecfd5c9b82ec4c7293af31851809998fdbdee6");
	for (i = 0; i < 3; i++) {
		yh_pair_key(got, s, entities[i]);
		tu_spec_pair_key(want, s, entities[i]);
		ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
		for (j = 0; j < 3; j++) {
			yh_pair_ticket(got, s, entities[i], officers[j]);
			tu_spec_pair_ticket(want, s, entities[i], officers[j]);
			ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
		}
	}
}
END_TEST

/* ---- the load cap and the pre-check (docs/spec.md §5) ------------------------------------------- */

static uint64_t default_cap(const char *team, uint64_t k)
{
	yh_frozen f;
	uint64_t cap;

	frozen_open(&f, TEAM(team), seven, NSEVEN, NULL, 0, 0);
	cap = yh_team_default_cap(&f, k);
	frozen_close(&f);
	return cap;
}

START_TEST(test_default_cap)
{
	/* ceil(K × size / N), N = 7 */
	ck_assert_uint_eq(default_cap("{\"size\":2}", 7), 2);
	ck_assert_uint_eq(default_cap("{\"size\":2}", 8), 3);
	ck_assert_uint_eq(default_cap("{\"size\":2}", 1), 1);
	ck_assert_uint_eq(default_cap("{\"size\":2}", 0), 0);
	/* a department's term: STHJ has 2 officers for 2 seats of 5 teams, ceil(10 / 2) = 5 over
	 * ceil(15 / 7) = 3 and SCJG's ceil(5 / 5) = 1 */
	ck_assert_uint_eq(default_cap("{\"size\":3,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":2}}", 5), 5);
	/* the largest term: overall ceil(21 / 7) = 3, SCJG ceil(14 / 5) = 3, STHJ ceil(7 / 2) = 4 */
	ck_assert_uint_eq(default_cap("{\"size\":3,\"per_department\":{\"" SCJG "\":2,\"" STHJ "\":1}}", 7), 4);
	/* seats in one department: ceil(21 / 5) = 5 over the overall 3 */
	ck_assert_uint_eq(default_cap("{\"size\":3,\"per_department\":{\"" SCJG "\":3}}", 7), 5);
	/* a specialty's term: 食品 held by 2, ceil(7 / 2) = 4 */
	ck_assert_uint_eq(default_cap("{\"size\":2,\"specialties\":[\"食品\"]}", 7), 4);
	ck_assert_uint_eq(default_cap("{\"size\":2,\"specialties\":[\"药品\",\"食品\"]}", 9), 5);
	/* a specialty nobody holds: its term is left out (divisor 0) */
	ck_assert_uint_eq(default_cap("{\"size\":2,\"specialties\":[\"特种设备\"]}", 7), 2);
	{
		/* no officers: 0 */
		yh_frozen f;

		frozen_open(&f, TEAM("{\"size\":2}"), NULL, 0, NULL, 0, 0);
		ck_assert_uint_eq(yh_team_default_cap(&f, 7), 0);
		frozen_close(&f);
	}
}
END_TEST

static int precheck(const char *team, const officer *o, size_t n, uint64_t k, uint64_t cap)
{
	yh_frozen f;
	int rc;

	frozen_open(&f, TEAM(team), o, n, NULL, 0, cap);
	rc = yh_team_precheck(&f, k);
	frozen_close(&f);
	return rc;
}

#define REFUSED(call, part) do { \
	ck_assert_int_eq((call), YH_EDATA); \
	ck_assert_msg(strstr(yh_error_message(), (part)) != NULL, "'%s' lacks '%s'", yh_error_message(), (part)); \
} while (0)

START_TEST(test_precheck)
{
	/* too few officers: N < size */
	REFUSED(precheck("{\"size\":3}", seven + 5, 2, 1, 100), "only 2");
	ck_assert_int_eq(precheck("{\"size\":2}", seven + 5, 2, 1, 100), YH_OK);
	/* the load cap: N × cap < K × size (7 × 2 = 14 seats) */
	REFUSED(precheck("{\"size\":2}", seven, NSEVEN, 8, 2), "load cap 2");
	ck_assert_int_eq(precheck("{\"size\":2}", seven, NSEVEN, 7, 2), YH_OK);
	/* department seats: N_d < seats(d) whatever the cap ... */
	REFUSED(precheck("{\"size\":4,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":3}}", seven, NSEVEN, 1, 100),
	        STHJ);
	/* ... or N_d × cap < K × seats(d): STHJ's 2 officers under cap 3 fill 6 of 7 seats */
	REFUSED(precheck("{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":1}}", seven, NSEVEN, 7, 3),
	        STHJ);
	ck_assert_int_eq(precheck("{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":1}}", seven, NSEVEN,
	                          7, 4), YH_OK);
	/* a specialty: H_s × cap < K (食品: 2 holders under cap 3 join 6 of 7 teams) */
	REFUSED(precheck("{\"size\":2,\"specialties\":[\"食品\"]}", seven, NSEVEN, 7, 3), "食品");
	ck_assert_int_eq(precheck("{\"size\":2,\"specialties\":[\"食品\"]}", seven, NSEVEN, 7, 4), YH_OK);
	REFUSED(precheck("{\"size\":2,\"specialties\":[\"食品\",\"特种设备\"]}", seven, NSEVEN, 1, 100), "特种设备");
}
END_TEST

/* ---- teams (docs/spec.md §9) ----------------------------------------------------------------------- */

typedef struct {
	const char *id;
	unsigned char pt[32];
} ranked;

static int by_pair_ticket(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	int c = memcmp(x->pt, y->pt, 32);

	return c ? c : strcmp(x->id, y->id);
}

/* The officers of `o` ranked by pair ticket for an entity. */
static void rank_officers(ranked *out, const officer *o, size_t n, const char *entity)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].id = o[i].id;
		tu_spec_pair_ticket(out[i].pt, seed, entity, o[i].id);
	}
	qsort(out, n, sizeof(*out), by_pair_ticket);
}

/* All loads 0, no seats or specialties: the team is the officers with the lowest pair tickets. */
START_TEST(test_fresh_team_lowest_pair_tickets)
{
	ranked r[NSEVEN];
	json_t *team;
	yh_frozen f;
	size_t i, e;

	for (e = 0; e < 5; e++) {
		char entity[16];

		snprintf(entity, sizeof(entity), "E%zu", e);
		frozen_open(&f, TEAM("{\"size\":3}"), seven, NSEVEN, NULL, 0, 1);
		rank_officers(r, seven, NSEVEN, entity);
		team = assign_ok(&f, entity, 1);
		ck_assert_uint_eq(json_array_size(team), 3);
		for (i = 0; i < 3; i++) {
			json_t *m = json_array_get(team, i);
			const officer *o = find(seven, NSEVEN, r[i].id);

			ck_assert_str_eq(tu_jstr(m, "id"), r[i].id);
			ck_assert_str_eq(tu_jstr(m, "name"), o->id); /* frozen_open names them by id */
			ck_assert_str_eq(tu_jstr(m, "department"), o->department);
		}
		/* only the members are charged */
		for (i = 0; i < NSEVEN; i++)
			ck_assert_uint_eq(load_of(&f, r[i].id), i < 3);
		json_decref(team);
		frozen_close(&f);
	}
}
END_TEST

/* Loads first: a member never has more teams before this one than a candidate left out. */
START_TEST(test_least_loaded_first)
{
	static const pair rec[] = { { "E3", "A1" }, { "E3", "A2" }, { "E8", "B2" }, { "E9", "A3" },
	                            { "E9", "A4" }, { "E9", "A5" }, { "E12", "A1" } };
	uint64_t before[NSEVEN];
	yh_frozen f;
	size_t e, i, j;

	frozen_open(&f, TEAM("{\"size\":2}"), seven, NSEVEN, rec, sizeof(rec) / sizeof(rec[0]), 100);
	for (e = 0; e < 40; e++) {
		char entity[16];
		json_t *team, *m;
		uint64_t max_in = 0, min_out = UINT64_MAX;

		snprintf(entity, sizeof(entity), "E%zu", e);
		for (i = 0; i < NSEVEN; i++)
			before[i] = load_of(&f, seven[i].id);
		team = assign_ok(&f, entity, e + 1);
		ck_assert_uint_eq(json_array_size(team), 2);
		for (i = 0; i < NSEVEN; i++) {
			int member = 0, recused = 0;

			json_array_foreach(team, j, m)
				member |= strcmp(tu_jstr(m, "id"), seven[i].id) == 0;
			for (j = 0; j < sizeof(rec) / sizeof(rec[0]); j++)
				recused |= !strcmp(rec[j].entity, entity) && !strcmp(rec[j].officer, seven[i].id);
			ck_assert_msg(!(member && recused), "%s teamed with %s", seven[i].id, entity);
			ck_assert_uint_eq(load_of(&f, seven[i].id), before[i] + member);
			if (member && before[i] > max_in)
				max_in = before[i];
			if (!member && !recused && before[i] < min_out)
				min_out = before[i];
		}
		ck_assert_msg(max_in <= min_out, "%s: a member with %llu teams over a candidate with %llu", entity,
		              (unsigned long long)max_in, (unsigned long long)min_out);
		json_decref(team);
	}
	frozen_close(&f);
}
END_TEST

/* Specialists are kept for the teams that need them: the specialty takes its first holder in
 * candidate order, the other seat goes to the first officer holding none of the task's
 * specialties (药品 is not one of them), even past another specialist with a lower pair ticket. */
START_TEST(test_specialist_then_non_specialists)
{
	static const officer o[] = { { "S1", SCJG, "食品" }, { "S2", SCJG, "检验;食品" }, { "T1", SCJG, "药品" },
	                             { "N1", SCJG, "" }, { "N2", STHJ, "" } };
	enum { N = sizeof(o) / sizeof(o[0]) };
	ranked r[N];
	char entity[16];
	yh_frozen f;
	size_t e, i, passed_over = 0;

	tu_sha256_label(seed, "test_team seed");
	for (e = 0; e < 40; e++) {
		const char *spec = NULL, *filler = NULL;
		json_t *team;
		int over = 0;

		snprintf(entity, sizeof(entity), "E%zu", e);
		rank_officers(r, o, N, entity);
		for (i = 0; i < N; i++) {
			int specialist = holds(find(o, N, r[i].id), "食品");

			if (specialist && !spec)
				spec = r[i].id;
			else if (specialist && !filler)
				over = 1;     /* the other specialist ranks above the filler */
			else if (!specialist && !filler)
				filler = r[i].id;
		}
		passed_over += over;
		frozen_open(&f, TEAM("{\"size\":2,\"specialties\":[\"食品\"]}"), o, N, NULL, 0, 1);
		team = assign_ok(&f, entity, 1);
		ck_assert_uint_eq(json_array_size(team), 2);
		ck_assert_msg((!strcmp(tu_jstr(json_array_get(team, 0), "id"), spec) &&
		               !strcmp(tu_jstr(json_array_get(team, 1), "id"), filler)) ||
		              (!strcmp(tu_jstr(json_array_get(team, 0), "id"), filler) &&
		               !strcmp(tu_jstr(json_array_get(team, 1), "id"), spec)),
		              "%s: team %s + %s, expected %s + %s", entity, tu_jstr(json_array_get(team, 0), "id"),
		              tu_jstr(json_array_get(team, 1), "id"), spec, filler);
		json_decref(team);
		frozen_close(&f);
	}
	ck_assert_uint_ge(passed_over, 3); /* the cases that tell the rule from plain pair-ticket order */
}
END_TEST

/* Many entities under seats, specialties, recusals and the default cap: every rule holds for
 * every team, and no officer goes over the cap. */
START_TEST(test_rules_hold_over_many_entities)
{
	static const officer o[] = {
		{ "A01", SCJG, "食品" }, { "A02", SCJG, "食品;药品" }, { "A03", SCJG, "食品" }, { "A04", SCJG, "药品" },
		{ "A05", SCJG, "" }, { "A06", SCJG, "检验" }, { "A07", SCJG, "" }, { "A08", SCJG, "" },
		{ "B01", STHJ, "药品" }, { "B02", STHJ, "食品" }, { "B03", STHJ, "" }, { "B04", STHJ, "" },
	};
	enum { N = sizeof(o) / sizeof(o[0]), K = 40 };
	pair rec[3 * K];
	static char names[3 * K][16];
	uint64_t cap, tally[N] = { 0 };
	size_t nrec = 0, e, i, j;
	yh_frozen f;

	/* three recusals for most entities, conflicts and recent pairs: officers 7e, 7e + 4 and
	 * 7e + 8 (mod 12), one residue class mod 4, which never holds every holder of a specialty */
	for (e = 0; e < K; e++)
		for (i = 0; i < 3 && e % 5 != 0; i++) {
			snprintf(names[nrec], sizeof(names[nrec]), "E%02zu", e);
			rec[nrec].entity = names[nrec];
			rec[nrec].officer = o[(e * 7 + i * 4) % N].id;
			nrec++;
		}
	frozen_open(&f, TEAM("{\"size\":3,\"per_department\":{\"" SCJG "\":2,\"" STHJ "\":1},"
	                     "\"specialties\":[\"食品\",\"药品\"]}"), o, N, rec, nrec, 0);
	cap = yh_team_default_cap(&f, K);
	/* overall ceil(120 / 12) = 10, SCJG ceil(80 / 8) = 10, STHJ ceil(40 / 4) = 10,
	 * 食品 ceil(40 / 4) = 10, 药品 ceil(40 / 3) = 14 */
	ck_assert_uint_eq(cap, 14);
	f.load_cap = cap;
	ck_assert_int_eq(yh_team_precheck(&f, K), YH_OK);
	for (e = 0; e < K; e++) {
		char entity[16];
		json_t *team, *m;
		unsigned scjg = 0, sthj = 0, food = 0, drug = 0;

		snprintf(entity, sizeof(entity), "E%02zu", e);
		team = assign_ok(&f, entity, e + 1);
		ck_assert_uint_eq(json_array_size(team), 3);
		json_array_foreach(team, i, m) {
			const officer *x = find(o, N, tu_jstr(m, "id"));

			scjg += !strcmp(x->department, SCJG);
			sthj += !strcmp(x->department, STHJ);
			food += holds(x, "食品");
			drug += holds(x, "药品");
			tally[x - o]++;
			for (j = 0; j < nrec; j++)
				ck_assert_msg(strcmp(rec[j].entity, entity) || strcmp(rec[j].officer, x->id),
				              "%s is recused from %s", x->id, entity);
		}
		ck_assert_msg(scjg == 2 && sthj == 1, "%s: %u + %u seats", entity, scjg, sthj);
		ck_assert_msg(food > 0 && drug > 0, "%s: 食品 %u, 药品 %u", entity, food, drug);
		json_decref(team);
	}
	for (i = 0; i < N; i++) {
		ck_assert_uint_le(tally[i], cap);
		ck_assert_uint_eq(load_of(&f, o[i].id), tally[i]);
	}
	frozen_close(&f);
}
END_TEST

START_TEST(test_infeasible_named)
{
	static const pair rec[] = { { "E-X", "A1" }, { "E-X", "A2" }, { "E-X", "A3" }, { "E-X", "A4" },
	                            { "E-X", "A5" }, { "E-X", "B1" }, { "E-F", "A1" }, { "E-F", "A2" },
	                            { "E-D", "B1" }, { "E-D", "B2" } };
	yh_frozen f;
	json_t *t;

	/* recusals leave one officer for a team of two */
	frozen_open(&f, TEAM("{\"size\":2}"), seven, NSEVEN, rec, 10, 10);
	assign_fails(&f, "E-X", 7, "'E-X'", "rank 7");
	json_decref(assign_ok(&f, "E-Y", 8)); /* the next entity is not blocked */
	frozen_close(&f);

	/* no holder of the specialty left */
	frozen_open(&f, TEAM("{\"size\":2,\"specialties\":[\"食品\"]}"), seven, NSEVEN, rec, 10, 10);
	assign_fails(&f, "E-F", 3, "rank 3", "食品");
	frozen_close(&f);

	/* no officer of a department with seats */
	frozen_open(&f, TEAM("{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":1}}"), seven, NSEVEN,
	            rec, 10, 10);
	assign_fails(&f, "E-D", 12, "rank 12", STHJ);
	frozen_close(&f);

	/* the load cap: 4 officers, cap 1, two teams of two and no third */
	frozen_open(&f, TEAM("{\"size\":2}"), seven + 3, 4, NULL, 0, 1);
	t = assign_ok(&f, "E1", 1);
	json_decref(t);
	t = assign_ok(&f, "E2", 2);
	json_decref(t);
	assign_fails(&f, "E3", 3, "'E3'", "rank 3");
	frozen_close(&f);
}
END_TEST

static Suite *team_suite(void)
{
	Suite *s = suite_create("team");
	TCase *rules = tu_tcase(s, "rules", 0, 0);
	TCase *teams = tu_tcase(s, "teams", 0, 60);

	tcase_add_test(rules, test_pair_tickets);
	tcase_add_test(rules, test_default_cap);
	tcase_add_test(rules, test_precheck);
	tcase_add_test(teams, test_fresh_team_lowest_pair_tickets);
	tcase_add_test(teams, test_least_loaded_first);
	tcase_add_test(teams, test_specialist_then_non_specialists);
	tcase_add_test(teams, test_rules_hold_over_many_entities);
	tcase_add_test(teams, test_infeasible_named);
	return s;
}

TU_MAIN(team_suite)
