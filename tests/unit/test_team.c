/* test_team.c — the load cap, the commit pre-check and the team of each selected entity
 * (engine/team.c through engine/draw.h; docs/spec.md §5, §9).  Expected teams are worked out
 * here from the spec's rules, with officer and pair tickets recomputed by tu_spec_officer_ticket
 * and tu_spec_pair_ticket; a naive implementation of §9 written here (ref_team: every candidate's
 * officer ticket hashed anew for every entity) is the reference the teamer is compared with. */
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

/* The teamer of the frozen inputs at hand (made at the first team, after the load cap is set)
 * and the tickets it draws from `seed`. */
static yh_ticketer tickets;
static yh_teamer *teamer;

static yh_teamer *teamer_of(yh_frozen *f)
{
	if (!teamer) {
		yh_ticketer_init(&tickets, seed);
		ck_assert_msg(yh_teamer_new(&teamer, f, &tickets) == YH_OK, "%s", yh_error_message());
		ck_assert_ptr_nonnull(teamer);
	}
	return teamer;
}

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

	yh_teamer_free(teamer);
	teamer = NULL;
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

	TU_REQUIRE(yh_team_assign(&typed, teamer_of(f), entity, rank) == YH_OK, "entity %s: %s", entity,
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
	ck_assert_int_eq(yh_team_assign(&team, teamer_of(f), entity, rank), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), a) && strstr(yh_error_message(), b),
	              "'%s' lacks '%s' or '%s'", yh_error_message(), a, b);
	ck_assert_uint_eq(team.n, 0);
	for (i = 0; i < f->nofficers; i++)
		ck_assert_uint_eq(f->officers[i].load, before[i]);
}

/* ---- tickets --------------------------------------------------------------------------------- */

/* The teamer's tickets are the spec's: pair tickets of entities and officers of any length, and
 * officer tickets per level (docs/spec.md §9). */
START_TEST(test_tickets)
{
	static const char *const entities[] = { "92330109MA53QQ247E", "E1", "某店" };
	static const char *const officers[] = { "33010020210001", "P", "33010020210002", "" };
	unsigned char got[32], want[32];
	yh_ticketer tk;
	size_t i, j;
	uint32_t level;

	tu_sha256_label(seed, "test_team seed");
	yh_ticketer_init(&tk, seed);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 4; j++) {
			yh_pair_ticket(got, &tk, entities[i], officers[j]);
			tu_spec_pair_ticket(want, seed, entities[i], officers[j]);
			ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
		}
	for (j = 0; j < 4; j++)
		for (level = 0; level < 40; level += 3) {
			yh_officer_ticket(got, &tk, level, officers[j]);
			tu_spec_officer_ticket(want, seed, level, officers[j]);
			ck_assert_str_eq(tu_hex(got, 32), tu_hex(want, 32));
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
	unsigned char t[32];
} ranked;

static int by_ticket(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	int c = memcmp(x->t, y->t, 32);

	return c ? c : strcmp(x->id, y->id);
}

/* The officers of `o` ranked by pair ticket for an entity. */
static void rank_by_pair_ticket(ranked *out, const officer *o, size_t n, const char *entity)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].id = o[i].id;
		tu_spec_pair_ticket(out[i].t, seed, entity, o[i].id);
	}
	qsort(out, n, sizeof(*out), by_ticket);
}

/* The officers of `o` ranked by their officer ticket at a level. */
static void rank_by_officer_ticket(ranked *out, const officer *o, size_t n, uint32_t level)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].id = o[i].id;
		tu_spec_officer_ticket(out[i].t, seed, level, o[i].id);
	}
	qsort(out, n, sizeof(*out), by_ticket);
}

/* All loads 0, no seats or specialties: the team is the officers with the lowest officer tickets
 * at level 0 — the same officers whatever the entity — in pair-ticket order for that entity. */
START_TEST(test_fresh_team_lowest_officer_tickets)
{
	ranked r[NSEVEN], pr[NSEVEN];
	json_t *team;
	yh_frozen f;
	size_t i, j, e, differs = 0;

	for (e = 0; e < 5; e++) {
		char entity[16];
		const char *want[3];

		snprintf(entity, sizeof(entity), "E%zu", e);
		frozen_open(&f, TEAM("{\"size\":3}"), seven, NSEVEN, NULL, 0, 1);
		rank_by_officer_ticket(r, seven, NSEVEN, 0);
		rank_by_pair_ticket(pr, seven, NSEVEN, entity);
		/* the three lowest officer tickets, in pair-ticket order */
		for (i = 0, j = 0; i < NSEVEN; i++)
			if (!strcmp(pr[i].id, r[0].id) || !strcmp(pr[i].id, r[1].id) || !strcmp(pr[i].id, r[2].id))
				want[j++] = pr[i].id;
		ck_assert_uint_eq(j, 3);
		team = assign_ok(&f, entity, 1);
		ck_assert_uint_eq(json_array_size(team), 3);
		for (i = 0; i < 3; i++) {
			json_t *m = json_array_get(team, i);
			const officer *o = find(seven, NSEVEN, want[i]);

			ck_assert_str_eq(tu_jstr(m, "id"), want[i]);
			ck_assert_str_eq(tu_jstr(m, "name"), o->id); /* frozen_open names them by id */
			ck_assert_str_eq(tu_jstr(m, "department"), o->department);
		}
		/* not the lowest pair tickets (the /1 rule) for some entity */
		for (i = 0; i < 3; i++)
			differs += strcmp(pr[i].id, r[0].id) && strcmp(pr[i].id, r[1].id) && strcmp(pr[i].id, r[2].id);
		/* only the members are charged */
		for (i = 0; i < NSEVEN; i++)
			ck_assert_uint_eq(load_of(&f, r[i].id), i < 3);
		json_decref(team);
		frozen_close(&f);
	}
	ck_assert_uint_gt(differs, 0);
}
END_TEST

/* Within a load level the order is officer_ticket(level, id): six officers in teams of two take
 * the level-0 order two by two, then the level-1 order, then the level-2 order — a fresh
 * permutation at every level (docs/spec.md §9). */
START_TEST(test_officer_ticket_order_per_level)
{
	ranked r[3][6];
	yh_frozen f;
	size_t level, k, i, moved = 0;

	tu_sha256_label(seed, "test_team seed");
	for (level = 0; level < 3; level++)
		rank_by_officer_ticket(r[level], seven, 6, (uint32_t)level);
	/* the orders differ from level to level (else this test could not tell the levels apart) */
	for (level = 1; level < 3; level++)
		for (i = 0; i < 6; i++)
			moved += strcmp(r[level][i].id, r[level - 1][i].id) != 0;
	ck_assert_uint_gt(moved, 4);
	frozen_open(&f, TEAM("{\"size\":2}"), seven, 6, NULL, 0, 100);
	for (level = 0; level < 3; level++)
		for (k = 0; k < 3; k++) {
			char entity[16];
			json_t *team;
			const char *a, *b;

			snprintf(entity, sizeof(entity), "E%zu", 3 * level + k);
			team = assign_ok(&f, entity, 3 * level + k + 1);
			ck_assert_uint_eq(json_array_size(team), 2);
			a = tu_jstr(json_array_get(team, 0), "id");
			b = tu_jstr(json_array_get(team, 1), "id");
			ck_assert_msg((!strcmp(a, r[level][2 * k].id) && !strcmp(b, r[level][2 * k + 1].id)) ||
			              (!strcmp(b, r[level][2 * k].id) && !strcmp(a, r[level][2 * k + 1].id)),
			              "level %zu team %zu: %s + %s, expected %s + %s", level, k, a, b, r[level][2 * k].id,
			              r[level][2 * k + 1].id);
			json_decref(team);
		}
	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(load_of(&f, seven[i].id), 3);
	frozen_close(&f);
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
 * candidate order (officer ticket at level 0), the other seat goes to the first officer holding
 * none of the task's specialties (药品 is not one of them), even past another specialist with a
 * lower officer ticket.  The officer tickets do not depend on the entity, so the cases come from
 * 40 seeds. */
START_TEST(test_specialist_then_non_specialists)
{
	static const officer o[] = { { "S1", SCJG, "食品" }, { "S2", SCJG, "检验;食品" }, { "T1", SCJG, "药品" },
	                             { "N1", SCJG, "" }, { "N2", STHJ, "" } };
	enum { N = sizeof(o) / sizeof(o[0]) };
	ranked r[N];
	char label[32];
	yh_frozen f;
	size_t k, i, passed_over = 0;

	for (k = 0; k < 40; k++) {
		const char *spec = NULL, *filler = NULL;
		json_t *team;
		int over = 0;

		snprintf(label, sizeof(label), "test_team seed %zu", k);
		frozen_open(&f, TEAM("{\"size\":2,\"specialties\":[\"食品\"]}"), o, N, NULL, 0, 1);
		tu_sha256_label(seed, label);   /* after frozen_open, which sets the default seed */
		rank_by_officer_ticket(r, o, N, 0);
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
		team = assign_ok(&f, "E1", 1);
		ck_assert_uint_eq(json_array_size(team), 2);
		ck_assert_msg((!strcmp(tu_jstr(json_array_get(team, 0), "id"), spec) &&
		               !strcmp(tu_jstr(json_array_get(team, 1), "id"), filler)) ||
		              (!strcmp(tu_jstr(json_array_get(team, 0), "id"), filler) &&
		               !strcmp(tu_jstr(json_array_get(team, 1), "id"), spec)),
		              "seed %zu: team %s + %s, expected %s + %s", k, tu_jstr(json_array_get(team, 0), "id"),
		              tu_jstr(json_array_get(team, 1), "id"), spec, filler);
		json_decref(team);
		frozen_close(&f);
	}
	ck_assert_uint_ge(passed_over, 3); /* the cases that tell the rule from plain ticket order */
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

/* ---- a naive reference: docs/spec.md §9 written out again -------------------------------------- */

/* The rules of a task's team member, as the reference takes them (not from the task parser). */
typedef struct {
	unsigned size;
	size_t nquota;
	const char *quota_dep[4];
	unsigned quota_seats[4];
	size_t nspec;
	const char *spec[4];
	uint64_t cap;
} team_rules;

/* One officer row as the reference sees it; eligible rows only take part. */
typedef struct {
	const char *id, *department, *specialties, *status;
	uint64_t load;
} ref_officer;

typedef struct {
	const team_rules *r;
	ref_officer *o;
	size_t n;
	const pair *rec;
	size_t nrec;
} ref_state;

/* Mutations: the reference with one rule of §9 changed, to show that a test's data exercises
 * that rule (the true reference and the mutated one must part somewhere). */
enum {
	M_NONE = 0,
	M_NO_LOAD = 1,             /* candidate and filling order without the load */
	M_LEVEL0 = 2,              /* officer_ticket(0, o) at every level */
	M_SPECIALISTS_MIXED = 4,   /* filling order without non-specialists first */
	M_NO_SPECIALTY_STEP = 8,   /* no step 3 */
	M_NO_RECUSALS = 16,
	M_NO_CAP = 32,
	M_LEADER_BY_OFFICER = 64,  /* team order by officer ticket, not pair ticket */
	M_NO_SEATS = 128,          /* department seats ignored */
};

static int ref_holds(const char *specialties, const char *s)
{
	const char *p = specialties;
	size_t n = strlen(s);

	while ((p = strstr(p, s)) != NULL) {
		if ((p == specialties || p[-1] == ';') && (p[n] == '\0' || p[n] == ';'))
			return 1;
		p += n;
	}
	return 0;
}

typedef struct {
	ref_officer *o;
	unsigned char ticket[32], pt[32];
	uint64_t load;
	int specialist, member, quota;   /* quota: index of its department's seats, -1 none */
} ref_cand;

static int cmp_mutation;

static int cmp_candidate(const void *a, const void *b)   /* load, officer ticket, id */
{
	const ref_cand *x = *(ref_cand *const *)a, *y = *(ref_cand *const *)b;
	int c;

	if (!(cmp_mutation & M_NO_LOAD) && x->load != y->load)
		return x->load < y->load ? -1 : 1;
	c = memcmp(x->ticket, y->ticket, 32);
	return c ? c : strcmp(x->o->id, y->o->id);
}

static int cmp_filling(const void *a, const void *b)     /* load, non-specialists, ticket, id */
{
	const ref_cand *x = *(ref_cand *const *)a, *y = *(ref_cand *const *)b;
	int c;

	if (!(cmp_mutation & M_NO_LOAD) && x->load != y->load)
		return x->load < y->load ? -1 : 1;
	if (!(cmp_mutation & M_SPECIALISTS_MIXED) && x->specialist != y->specialist)
		return x->specialist - y->specialist;
	c = memcmp(x->ticket, y->ticket, 32);
	return c ? c : strcmp(x->o->id, y->o->id);
}

static int cmp_team_order(const void *a, const void *b)  /* pair ticket, id */
{
	const ref_cand *x = *(ref_cand *const *)a, *y = *(ref_cand *const *)b;
	int c = cmp_mutation & M_LEADER_BY_OFFICER ? memcmp(x->ticket, y->ticket, 32) : memcmp(x->pt, y->pt, 32);

	return c ? c : strcmp(x->o->id, y->o->id);
}

/* An eligible officer of the task's departments (the reference's own reading of §4: all the
 * officers of these tests have valid certificates). */
static int ref_eligible(const ref_officer *o)
{
	return strcmp(o->status, "active") == 0;
}

/* Can the candidate take a seat: its department's seats, or any of team.size. */
static int seat_open(const ref_state *st, const ref_cand *c, const unsigned *left, unsigned any_left, int mutation)
{
	if (st->r->nquota && !(mutation & M_NO_SEATS))
		return c->quota >= 0 && left[c->quota] > 0;
	return any_left > 0;
}

static void take_seat(const ref_state *st, ref_cand *c, unsigned *left, unsigned *any_left, int mutation)
{
	c->member = 1;
	if (st->r->nquota && !(mutation & M_NO_SEATS))
		left[c->quota]--;
	else
		(*any_left)--;
}

/*
 * docs/spec.md §9 for entity e, the naive way: every candidate's officer ticket hashed anew.
 * On success the member ids in team order go to team[] and each member's load goes up; the
 * count is returned.  0 when the team cannot be formed (nothing is charged).
 */
static size_t ref_team(const char **team, ref_state *st, const char *e, int mutation)
{
	const team_rules *r = st->r;
	ref_cand *c = calloc(st->n + 1, sizeof(*c)), **order = calloc(st->n + 1, sizeof(*order));
	ref_cand *members[YH_TEAM_MAX];
	unsigned left[4] = { 0 }, any_left = r->size;
	size_t n = 0, i, j, s, nm = 0;

	ck_assert(c && order);
	for (i = 0; i < r->nquota; i++)
		left[i] = r->quota_seats[i];
	/* 1. candidates */
	for (i = 0; i < st->n; i++) {
		ref_officer *o = &st->o[i];
		int recused = 0;

		if (!ref_eligible(o) || (!(mutation & M_NO_CAP) && o->load >= r->cap))
			continue;
		for (j = 0; j < st->nrec && !(mutation & M_NO_RECUSALS); j++)
			recused |= !strcmp(st->rec[j].entity, e) && !strcmp(st->rec[j].officer, o->id);
		if (recused)
			continue;
		c[n].o = o;
		c[n].load = o->load;
		tu_spec_officer_ticket(c[n].ticket, seed, mutation & M_LEVEL0 ? 0 : (uint32_t)o->load, o->id);
		tu_spec_pair_ticket(c[n].pt, seed, e, o->id);
		for (s = 0; s < r->nspec; s++)
			c[n].specialist |= ref_holds(o->specialties, r->spec[s]);
		c[n].quota = -1;
		for (s = 0; s < r->nquota; s++)
			if (strcmp(o->department, r->quota_dep[s]) == 0)
				c[n].quota = (int)s;
		order[n] = &c[n];
		n++;
	}
	cmp_mutation = mutation;
	/* 3. each specialty, in the task's order, by the first holder in candidate order */
	if (n)
		qsort(order, n, sizeof(*order), cmp_candidate);
	for (s = 0; s < r->nspec && !(mutation & M_NO_SPECIALTY_STEP); s++) {
		for (i = 0; i < nm && !ref_holds(members[i]->o->specialties, r->spec[s]); i++)
			;
		if (i < nm)
			continue;
		for (i = 0; i < n; i++)
			if (!order[i]->member && ref_holds(order[i]->o->specialties, r->spec[s]) &&
			    seat_open(st, order[i], left, any_left, mutation))
				break;
		if (i == n) {
			nm = 0;
			goto done;
		}
		take_seat(st, order[i], left, &any_left, mutation);
		members[nm++] = order[i];
	}
	/* 4. the open seats in filling order */
	if (n)
		qsort(order, n, sizeof(*order), cmp_filling);
	for (i = 0; i < n && nm < r->size; i++)
		if (!order[i]->member && seat_open(st, order[i], left, any_left, mutation)) {
			take_seat(st, order[i], left, &any_left, mutation);
			members[nm++] = order[i];
		}
	if (nm < r->size) {
		nm = 0;
		goto done;
	}
	/* 5. by pair ticket, the first leads; each member's load goes up */
	qsort(members, nm, sizeof(*members), cmp_team_order);
	for (i = 0; i < nm; i++) {
		team[i] = members[i]->o->id;
		members[i]->o->load++;
	}
done:
	free(c);
	free(order);
	return nm;
}

/* The task JSON of the rules (static buffer). */
static const char *rules_task(const team_rules *r, const char *const *departments, size_t ndep)
{
	static char json[2048];
	size_t i, len;

	len = (size_t)snprintf(json, sizeof(json), "{\"id\":\"T-R\",\"title\":\"t\",\"departments\":[");
	for (i = 0; i < ndep; i++)
		len += (size_t)snprintf(json + len, sizeof(json) - len, "%s\"%s\"", i ? "," : "", departments[i]);
	len += (size_t)snprintf(json + len, sizeof(json) - len, "],\"draw_date\":\"2026-12-01\","
	                        "\"strata\":{\"rates\":{\"*\":\"5%%\"}},\"team\":{\"size\":%u,\"per_department\":{",
	                        r->size);
	for (i = 0; i < r->nquota; i++)
		len += (size_t)snprintf(json + len, sizeof(json) - len, "%s\"%s\":%u", i ? "," : "", r->quota_dep[i],
		                        r->quota_seats[i]);
	len += (size_t)snprintf(json + len, sizeof(json) - len, "},\"specialties\":[");
	for (i = 0; i < r->nspec; i++)
		len += (size_t)snprintf(json + len, sizeof(json) - len, "%s\"%s\"", i ? "," : "", r->spec[i]);
	snprintf(json + len, sizeof(json) - len, "]}}");
	return json;
}

/* The engine's frozen inputs for the same officer rows (every row offered, the eligible ones
 * kept) and recusals. */
static void frozen_rows(yh_frozen *f, const char *task_json, const ref_officer *o, size_t n, const pair *rec,
                        size_t nrec, uint64_t cap)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->task = tu_task(task_json);
	for (i = 0; i < n; i++) {
		const char *row[YH_I_COLUMNS] = { o[i].id, o[i].id, o[i].department, "2030-01-01", o[i].specialties,
		                                  o[i].status };

		ck_assert_int_eq(yh_frozen_add_officer(f, row), YH_OK);
	}
	ck_assert_int_eq(yh_frozen_finish_officers(f), YH_OK);
	for (i = 0; i < nrec; i++)
		ck_assert_int_eq(yh_frozen_add_recusal(f, rec[i].entity, rec[i].officer, i % 3 ? "亲属" : "recent:T-0"),
		                 YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(f), YH_OK);
	f->load_cap = cap;
}

/* Runs the reference (with a mutation) over the entities from fresh loads; the teams, one line
 * per entity ("E01: A,B" or "E01: -" when it cannot be formed), malloc'd. */
static char *ref_run(const team_rules *r, const ref_officer *o, size_t n, const pair *rec, size_t nrec,
                     const char *const *entities, size_t nent, int mutation)
{
	ref_officer *copy = calloc(n + 1, sizeof(*copy));
	ref_state st = { r, copy, n, rec, nrec };
	tu_buf b = { 0 };
	size_t e, i;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, o, n * sizeof(*o));
	for (i = 0; i < n; i++)
		copy[i].load = 0;
	for (e = 0; e < nent; e++) {
		const char *team[YH_TEAM_MAX];
		size_t nm = ref_team(team, &st, entities[e], mutation);

		tu_buf_fmt(&b, "%s:", entities[e]);
		for (i = 0; i < nm; i++)
			tu_buf_fmt(&b, "%s%s", i ? "," : " ", team[i]);
		tu_buf_str(&b, nm ? "\n" : " -\n");
	}
	free(copy);
	return tu_buf_take(&b);
}

/* The engine's teams in the same form; the loads are checked against the reference after every
 * entity, failed ones included (a failed team charges nobody). */
static char *engine_run(const team_rules *r, const ref_officer *o, size_t n, const pair *rec, size_t nrec,
                        const char *const *entities, size_t nent, const char *task_json)
{
	ref_officer *copy = calloc(n + 1, sizeof(*copy));
	ref_state st = { r, copy, n, rec, nrec };
	tu_buf b = { 0 };
	yh_frozen f;
	size_t e, i, k;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, o, n * sizeof(*o));
	for (i = 0; i < n; i++)
		copy[i].load = 0;
	frozen_rows(&f, task_json, o, n, rec, nrec, r->cap);
	for (e = 0; e < nent; e++) {
		const char *want[YH_TEAM_MAX];
		size_t nm = ref_team(want, &st, entities[e], M_NONE);
		yh_team team;
		int rc;

		team.n = 0;
		rc = yh_team_assign(&team, teamer_of(&f), entities[e], e + 1);
		TU_REQUIRE(rc == YH_OK || rc == YH_EDATA, "%s: %d %s", entities[e], rc, yh_error_message());
		TU_REQUIRE((rc == YH_OK) == (nm > 0), "%s: the engine %s, the reference %s", entities[e],
		           rc == YH_OK ? "forms a team" : yh_error_message(), nm ? "forms one" : "cannot");
		tu_buf_fmt(&b, "%s:", entities[e]);
		for (i = 0; rc == YH_OK && i < team.n; i++) {
			unsigned char pt[32];

			tu_buf_fmt(&b, "%s%s", i ? "," : " ", team.members[i].officer->row[YH_I_ID]);
			tu_spec_pair_ticket(pt, seed, entities[e], team.members[i].officer->row[YH_I_ID]);
			TU_REQUIRE(memcmp(pt, team.members[i].pair_ticket, 32) == 0, "%s: a pair ticket", entities[e]);
		}
		tu_buf_str(&b, rc == YH_OK ? "\n" : " -\n");
		for (i = 0; i < f.nofficers; i++) {
			for (k = 0; k < n && strcmp(copy[k].id, f.officers[i].row[YH_I_ID]) != 0; k++)
				;
			TU_REQUIRE(k < n, "officer %s", f.officers[i].row[YH_I_ID]);
			TU_REQUIRE(f.officers[i].load == copy[k].load, "%s: officer %s has load %llu, the reference %llu",
			           entities[e], copy[k].id, (unsigned long long)f.officers[i].load,
			           (unsigned long long)copy[k].load);
		}
	}
	frozen_close(&f);
	free(copy);
	return tu_buf_take(&b);
}

/* The first line where two runs differ (static buffer), or NULL. */
static const char *first_difference(const char *a, const char *b)
{
	static char out[512];
	size_t line = 1;

	for (; *a && *a == *b; a++, b++)
		line += *a == '\n';
	if (!*a && !*b)
		return NULL;
	while (line > 1 && a[-1] != '\n') {
		a--;
		b--;
	}
	snprintf(out, sizeof(out), "line %zu: '%.*s' vs '%.*s'", line, (int)strcspn(a, "\n"), a,
	         (int)strcspn(b, "\n"), b);
	return out;
}

/*
 * A small register over many entities, against the reference: recusals (conflicts and recent
 * pairs), department seats (two departments with seats, one with none, whose officers never
 * serve), two required specialties, specialists held back for the teams that need them, a load
 * cap that binds, the leader by pair ticket, and officers that are not eligible.  Each rule of §9
 * matters here: with any one of them changed the reference gives other teams.
 */
START_TEST(test_teams_per_spec)
{
	static const ref_officer o[] = {
		{ "A01", SCJG, "食品", "active", 0 }, { "A02", SCJG, "食品;药品", "active", 0 },
		{ "A03", SCJG, "", "active", 0 }, { "A04", SCJG, "药品", "active", 0 },
		{ "A05", SCJG, "", "active", 0 }, { "A06", SCJG, "检验", "active", 0 },
		{ "A07", SCJG, "", "on_leave", 0 }, { "A08", SCJG, "食品", "active", 0 },
		{ "B01", STHJ, "", "active", 0 }, { "B02", STHJ, "药品", "active", 0 },
		{ "B03", STHJ, "", "active", 0 }, { "B04", STHJ, "食品", "suspended", 0 },
		{ "C01", "330100-GAJ", "食品;药品", "active", 0 }, { "C02", "330100-GAJ", "", "active", 0 },
	};
	static const char *const departments[] = { SCJG, STHJ, "330100-GAJ" };
	enum { N = sizeof(o) / sizeof(o[0]), K = 60 };
	static const struct { int mutation; const char *what; } mutations[] = {
		{ M_NO_LOAD, "least loaded first" }, { M_LEVEL0, "a fresh officer ticket at every level" },
		{ M_SPECIALISTS_MIXED, "non-specialists fill first" }, { M_NO_SPECIALTY_STEP, "specialties first" },
		{ M_NO_RECUSALS, "recusals" }, { M_NO_CAP, "the load cap" }, { M_LEADER_BY_OFFICER, "the leader by pair ticket" },
		{ M_NO_SEATS, "department seats" },
	};
	team_rules r = { 3, 2, { SCJG, STHJ }, { 2, 1 }, 2, { "食品", "药品" }, 21 };
	static char names[K][8];
	const char *entities[K];
	pair rec[2 * K];
	size_t nrec = 0, e, m, failed = 0;
	char *want, *got, *p;

	tu_sha256_label(seed, "test_team per spec");
	for (e = 0; e < K; e++) {
		snprintf(names[e], sizeof(names[e]), "E%02zu", e);
		entities[e] = names[e];
		/* two recusals for most entities, among the active officers of the seated departments */
		if (e % 4 != 0) {
			static const char *const pool[] = { "A01", "A02", "A03", "A04", "A05", "A06", "A08", "B01", "B02", "B03" };

			rec[nrec].entity = names[e];
			rec[nrec++].officer = pool[(e * 7) % 10];
			rec[nrec].entity = names[e];
			rec[nrec++].officer = pool[(e * 3 + 1) % 10];
		}
	}
	want = ref_run(&r, o, N, rec, nrec, entities, K, M_NONE);
	got = engine_run(&r, o, N, rec, nrec, entities, K, rules_task(&r, departments, 3));
	ck_assert_msg(first_difference(got, want) == NULL, "the engine and §9 differ at %s", first_difference(got, want));
	for (p = want; (p = strstr(p, " -\n")) != NULL; p++)
		failed++;
	/* the cap binds (some teams cannot be formed at the end), but most are */
	ck_assert_uint_gt(failed, 0);
	ck_assert_uint_lt(failed, K / 3);
	ck_assert_ptr_null(strstr(want, "A07"));   /* on leave */
	ck_assert_ptr_null(strstr(want, "B04"));   /* suspended */
	ck_assert_ptr_null(strstr(want, "C0"));    /* a department without seats */
	for (m = 0; m < sizeof(mutations) / sizeof(mutations[0]); m++) {
		char *other = ref_run(&r, o, N, rec, nrec, entities, K, mutations[m].mutation);

		ck_assert_msg(strcmp(other, want) != 0, "the data does not exercise the rule: %s", mutations[m].what);
		free(other);
	}
	free(want);
	free(got);
}
END_TEST

/* A few hundred random small cases (a fixed seed): the teamer gives the teams of the naive
 * reference, team by team, with the same loads after every entity, failures included. */
START_TEST(test_teamer_matches_naive_reference)
{
	static const char *const departments[] = { SCJG, STHJ, "330100-GAJ" };
	static const char *const specs[] = { "S1", "S2", "S3" };
	static const char *const statuses[] = { "active", "active", "active", "active", "active", "on_leave", "left" };
	static char ids[12][8], spec_text[12][16], names[30][8];
	uint64_t rng = 0x7ea3c0de2026ull;
	size_t cases, formed = 0, failures = 0, teams = 0;

	for (cases = 0; cases < 300; cases++) {
		ref_officer o[12];
		pair rec[120];
		const char *entities[30];
		team_rules r;
		size_t n = 4 + (size_t)(tu_rng(&rng) % 9), nent = 1 + (size_t)(tu_rng(&rng) % 30), nrec = 0, i, e;
		char *want, *got, label[32];

		memset(&r, 0, sizeof(r));
		snprintf(label, sizeof(label), "case %zu", cases);
		tu_sha256_label(seed, label);
		for (i = 0; i < n; i++) {
			size_t len = 0, s;

			snprintf(ids[i], sizeof(ids[i]), "P%02zu", (size_t)(tu_rng(&rng) % 100));
			for (e = 0; e < i; e++)
				if (strcmp(ids[e], ids[i]) == 0)
					snprintf(ids[i], sizeof(ids[i]), "Q%02u", (unsigned)i);   /* ids are unique */
			spec_text[i][0] = '\0';
			for (s = 0; s < 3; s++)     /* each specialty held by about two in five, sorted */
				if (tu_rng(&rng) % 5 < 2)
					len += (size_t)snprintf(spec_text[i] + len, sizeof(spec_text[i]) - len, "%s%s",
					                        len ? ";" : "", specs[s]);
			o[i].id = ids[i];
			o[i].department = departments[tu_rng(&rng) % 3];
			o[i].specialties = spec_text[i];
			o[i].status = statuses[tu_rng(&rng) % 7];
			o[i].load = 0;
		}
		if (tu_rng(&rng) % 2) {
			/* seats in one or two departments */
			r.nquota = 1 + (size_t)(tu_rng(&rng) % 2);
			for (i = 0; i < r.nquota; i++) {
				r.quota_dep[i] = departments[i];
				r.quota_seats[i] = 1 + (unsigned)(tu_rng(&rng) % 2);
				r.size += r.quota_seats[i];
			}
			if (r.size < 2) {
				r.quota_seats[0]++;
				r.size++;
			}
		} else {
			r.size = 2 + (unsigned)(tu_rng(&rng) % 3);
		}
		r.nspec = (size_t)(tu_rng(&rng) % 3);
		for (i = 0; i < r.nspec; i++)
			r.spec[i] = specs[(cases + i) % 3];
		/* a cap around what the counts need, or none to speak of */
		{
			size_t active = 0;

			for (i = 0; i < n; i++)
				active += strcmp(o[i].status, "active") == 0;
			r.cap = tu_rng(&rng) % 4 == 0 ? 1000 : (nent * r.size + active) / (active + 1) + tu_rng(&rng) % 3;
		}
		for (e = 0; e < nent; e++) {
			snprintf(names[e], sizeof(names[e]), "E%02zu", e);
			entities[e] = names[e];
			for (i = 0; i < n; i++)
				if (tu_rng(&rng) % 6 == 0 && nrec < 120) {
					rec[nrec].entity = names[e];
					rec[nrec++].officer = ids[i];
				}
		}
		want = ref_run(&r, o, n, rec, nrec, entities, nent, M_NONE);
		got = engine_run(&r, o, n, rec, nrec, entities, nent, rules_task(&r, departments, 3));
		TU_REQUIRE(first_difference(got, want) == NULL, "case %zu (%s): the engine and the reference differ at %s",
		           cases, rules_task(&r, departments, 3), first_difference(got, want));
		for (e = 0; e < nent; e++)
			teams++;
		{
			const char *p = want;

			while ((p = strstr(p, " -\n")) != NULL) {
				failures++;
				p++;
			}
		}
		formed += nent;
		free(want);
		free(got);
	}
	/* both outcomes are common enough to mean something */
	formed -= failures;
	ck_assert_msg(formed > teams / 3 && failures > teams / 20, "%zu teams: %zu formed, %zu failed", teams, formed,
	              failures);
}
END_TEST

static Suite *team_suite(void)
{
	Suite *s = suite_create("team");
	TCase *rules = tu_tcase(s, "rules", 0, 0);
	TCase *teams = tu_tcase(s, "teams", 0, 60);

	tcase_add_test(rules, test_tickets);
	tcase_add_test(rules, test_default_cap);
	tcase_add_test(rules, test_precheck);
	tcase_add_test(teams, test_fresh_team_lowest_officer_tickets);
	tcase_add_test(teams, test_officer_ticket_order_per_level);
	tcase_add_test(teams, test_least_loaded_first);
	tcase_add_test(teams, test_specialist_then_non_specialists);
	tcase_add_test(teams, test_rules_hold_over_many_entities);
	tcase_add_test(teams, test_infeasible_named);
	tcase_add_test(teams, test_teams_per_spec);
	tcase_add_test(teams, test_teamer_matches_naive_reference);
	return s;
}

TU_MAIN(team_suite)
