/* team.c — the team of each selected entity (docs/spec.md §9): candidates by load and pair
 * ticket, seats, specialties, the load cap; the commit-time pre-check and default cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "digest.h"
#include "report.h"
#include "team.h"
#include "error.h"

static int holds(const yh_officer *o, const char *specialty)
{
	size_t i;

	for (i = 0; i < o->nspecs; i++)
		if (strcmp(o->specs[i], specialty) == 0)
			return 1;
	return 0;
}

/* Index of the department in the task's quota list, or -1. */
static int quota_index(const yh_task *t, const char *department)
{
	size_t i;

	for (i = 0; i < t->quota_departments.n; i++)
		if (strcmp(t->quota_departments.v[i], department) == 0)
			return (int)i;
	return -1;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return b ? (a + b - 1) / b : 0;
}

uint64_t yh_team_default_cap(const yh_frozen *f, uint64_t selected)
{
	const yh_task *t = f->task;
	uint64_t cap, have, need;
	size_t i, j;

	if (f->nofficers == 0)
		return 0;
	cap = ceil_div(selected * t->team_size, f->nofficers);
	for (i = 0; i < t->quota_departments.n; i++) {
		for (have = 0, j = 0; j < f->nofficers; j++)
			have += strcmp(f->officers[j].row[YH_I_DEPARTMENT], t->quota_departments.v[i]) == 0;
		need = ceil_div(selected * t->quota_counts[i], have);
		cap = need > cap ? need : cap;
	}
	for (i = 0; i < t->specialties.n; i++) {
		for (have = 0, j = 0; j < f->nofficers; j++)
			have += holds(&f->officers[j], t->specialties.v[i]);
		need = ceil_div(selected, have);
		cap = need > cap ? need : cap;
	}
	return cap;
}

int yh_team_precheck(const yh_frozen *f, uint64_t selected)
{
	const yh_task *t = f->task;
	uint64_t seats = selected * t->team_size, cap = f->load_cap;
	size_t i, j;

	if (selected == 0)
		return YH_OK;
	if (f->nofficers < t->team_size)
		return yh_error_set(YH_EDATA, "task '%s': team size %u needs %u officers, only %zu are "
		                    "eligible (active, certificate valid on %s, in the task's departments)",
		                    t->id, t->team_size, t->team_size, f->nofficers, t->draw_date);
	if (f->nofficers * cap < seats)
		return yh_error_set(YH_EDATA, "task '%s': load cap %llu: %zu officers can fill %llu seats, "
		                    "%llu are needed (raise team.load_cap)", t->id, (unsigned long long)cap,
		                    f->nofficers, (unsigned long long)(f->nofficers * cap),
		                    (unsigned long long)seats);
	for (i = 0; i < t->quota_departments.n; i++) {
		uint64_t have = 0;

		for (j = 0; j < f->nofficers; j++)
			have += strcmp(f->officers[j].row[YH_I_DEPARTMENT], t->quota_departments.v[i]) == 0;
		if (have < t->quota_counts[i] || have * cap < selected * t->quota_counts[i])
			return yh_error_set(YH_EDATA, "task '%s': department '%s' has %llu eligible officers; "
			                    "%u per team for %llu entities under load cap %llu cannot be met",
			                    t->id, t->quota_departments.v[i], (unsigned long long)have,
			                    t->quota_counts[i], (unsigned long long)selected,
			                    (unsigned long long)cap);
	}
	for (i = 0; i < t->specialties.n; i++) {
		uint64_t have = 0;

		for (j = 0; j < f->nofficers; j++)
			have += holds(&f->officers[j], t->specialties.v[i]);
		if (have * cap < selected)
			return yh_error_set(YH_EDATA, "task '%s': specialty '%s' is held by %llu eligible "
			                    "officers; under load cap %llu they can join %llu teams, %llu are "
			                    "needed (raise team.load_cap or add officers)", t->id,
			                    t->specialties.v[i], (unsigned long long)have, (unsigned long long)cap,
			                    (unsigned long long)(have * cap), (unsigned long long)selected);
	}
	return YH_OK;
}

typedef struct {
	unsigned char ticket[32];
	yh_officer *officer;
	int specialist;       /* holds one of the task's required specialties */
	int quota;            /* index of its department's seats, or -1 */
} candidate;

static int cmp_load(const void *a, const void *b)
{
	const candidate *x = a, *y = b;

	return (x->officer->load > y->officer->load) - (x->officer->load < y->officer->load);
}

static int cmp_ticket(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	int c = memcmp(x->ticket, y->ticket, 32);

	return c ? c : strcmp(x->officer->row[YH_I_ID], y->officer->row[YH_I_ID]);
}

/* Within one load level, filling order puts non-specialists first. */
static int cmp_filler(const void *a, const void *b)
{
	const candidate *x = *(const candidate *const *)a, *y = *(const candidate *const *)b;

	return x->specialist != y->specialist ? x->specialist - y->specialist : cmp_ticket(x, y);
}

static int cmp_member_ptr(const void *a, const void *b)
{
	return cmp_ticket(*(const candidate *const *)a, *(const candidate *const *)b);
}

/* Orders candidates by load.  Balanced loads span a few values, so a pass per value
 * beats a sort of every officer for every entity; a wide span falls back to qsort. */
static void group_by_load(candidate *c, size_t n)
{
	uint64_t lo = UINT64_MAX, hi = 0, l;
	candidate *tmp;
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		lo = c[i].officer->load < lo ? c[i].officer->load : lo;
		hi = c[i].officer->load > hi ? c[i].officer->load : hi;
	}
	if (n < 2 || lo == hi)
		return;
	if (hi - lo > 8 || !(tmp = malloc(n * sizeof(*tmp)))) {
		qsort(c, n, sizeof(*c), cmp_load);
		return;
	}
	for (l = lo; l <= hi; l++)
		for (i = 0; i < n; i++)
			if (c[i].officer->load == l)
				tmp[m++] = c[i];
	memcpy(c, tmp, n * sizeof(*c));
	free(tmp);
}

/*
 * Candidate order is (load, pair ticket, id) and filling order (load,
 * specialist, pair ticket, id): both are load first, so the pair tickets of a
 * load level are computed only when the walk reaches it.  The result is the
 * one a full sort would give (docs/spec.md §9), with far fewer hashes, since
 * balanced loads keep the lowest level small.
 */
typedef struct {
	candidate *c;              /* sorted by load; levels [0, ready) are sorted by ticket */
	size_t n, ready;
	unsigned char key[32];     /* the entity's pair key */
} levels;

/* Materialises the next load level; 0 when there is none. */
static int next_level(levels *lv)
{
	size_t end = lv->ready, i;

	if (lv->ready == lv->n)
		return 0;
	while (end < lv->n && lv->c[end].officer->load == lv->c[lv->ready].officer->load)
		end++;
	for (i = lv->ready; i < end; i++)
		yh_pair_ticket_from_key(lv->c[i].ticket, lv->key, lv->c[i].officer->row[YH_I_ID]);
	qsort(lv->c + lv->ready, end - lv->ready, sizeof(candidate), cmp_ticket);
	lv->ready = end;
	return 1;
}

/* One team being formed: the candidates of one entity and the seats still open. */
typedef struct {
	const yh_task *t;
	yh_frozen *f;
	const char *entity_id;
	uint64_t rank;
	candidate *c;              /* the candidates, grouped by load */
	size_t n;
	candidate **fill;          /* scratch: one load level in filling order */
	char *taken;               /* per candidate */
	candidate *members[YH_TEAM_MAX];
	size_t nmembers;
	unsigned remaining[64];    /* seats left per department with seats */
	unsigned any_left;         /* seats left when the task gives no department seats */
	levels lv;
} forming;

/* The officers below the load cap with no recusal for this entity. */
static void gather(forming *fm)
{
	const yh_task *t = fm->t;
	yh_frozen *f = fm->f;
	size_t lo, hi, i, s;

	/* the recusals of this entity, found once */
	for (lo = 0, hi = f->nrecusals; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(f->recusals[mid].entity_id, fm->entity_id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < f->nrecusals && strcmp(f->recusals[hi].entity_id, fm->entity_id) == 0; hi++)
		;
	for (i = 0; i < f->nofficers; i++) {
		yh_officer *o = &f->officers[i];
		candidate *c = &fm->c[fm->n];

		if (o->load >= f->load_cap || (hi > lo && yh_frozen_recused(f, fm->entity_id, o->row[YH_I_ID])))
			continue;
		c->officer = o;
		c->specialist = 0;
		for (s = 0; s < t->specialties.n && !c->specialist; s++)
			c->specialist = holds(o, t->specialties.v[s]);
		c->quota = quota_index(t, o->row[YH_I_DEPARTMENT]);
		fm->n++;
	}
}

static int seat_open(const forming *fm, const candidate *x)
{
	if (fm->t->quota_departments.n)
		return x->quota >= 0 && fm->remaining[x->quota] > 0;
	return fm->any_left > 0;
}

static void take(forming *fm, size_t idx)
{
	fm->taken[idx] = 1;
	fm->members[fm->nmembers++] = &fm->c[idx];
	if (fm->t->quota_departments.n)
		fm->remaining[fm->c[idx].quota]--;
	else
		fm->any_left--;
}

/* Step 1: each required specialty, in the task's order, by the first holder in candidate order. */
static int take_specialists(forming *fm)
{
	const yh_task *t = fm->t;
	size_t s, i;

	for (s = 0; s < t->specialties.n; s++) {
		for (i = 0; i < fm->nmembers; i++)
			if (holds(fm->members[i]->officer, t->specialties.v[s]))
				break;
		if (i < fm->nmembers)
			continue;
		for (i = 0;; i++) {
			if (i == fm->lv.ready && !next_level(&fm->lv))
				break;
			if (!fm->taken[i] && holds(fm->c[i].officer, t->specialties.v[s]) && seat_open(fm, &fm->c[i]))
				break;
		}
		if (i == fm->n)
			return yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): no "
			                    "eligible officer holding specialty '%s' is left (after recusals, "
			                    "certificate dates, department seats and load cap %llu)",
			                    fm->entity_id, (unsigned long long)fm->rank, t->specialties.v[s],
			                    (unsigned long long)fm->f->load_cap);
		take(fm, i);
	}
	return YH_OK;
}

/* Step 2: the remaining seats, level by level in filling order. */
static void fill_seats(forming *fm)
{
	size_t lo, hi, i;

	for (lo = 0; fm->nmembers < fm->t->team_size && lo < fm->n; lo = hi) {
		size_t m = 0;

		while (fm->lv.ready <= lo)
			next_level(&fm->lv);
		for (hi = lo; hi < fm->n && fm->c[hi].officer->load == fm->c[lo].officer->load; hi++)
			fm->fill[m++] = &fm->c[hi];
		qsort(fm->fill, m, sizeof(*fm->fill), cmp_filler);
		for (i = 0; i < m && fm->nmembers < fm->t->team_size; i++) {
			size_t idx = (size_t)(fm->fill[i] - fm->c);

			if (!fm->taken[idx] && seat_open(fm, &fm->c[idx]))
				take(fm, idx);
		}
	}
}

/* Names the rule that left seats empty. */
static int too_few(const forming *fm)
{
	const yh_task *t = fm->t;
	size_t i;

	if (t->quota_departments.n) {
		for (i = 0; i < t->quota_departments.n && fm->remaining[i] == 0; i++)
			;
		return yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): department "
		                    "'%s' has no eligible officer left for its %u seat(s) (after recusals, "
		                    "certificate dates and load cap %llu)", fm->entity_id,
		                    (unsigned long long)fm->rank, t->quota_departments.v[i], t->quota_counts[i],
		                    (unsigned long long)fm->f->load_cap);
	}
	return yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): only %zu "
	                    "eligible officers are left, the team needs %u (after recusals, "
	                    "certificate dates and load cap %llu)", fm->entity_id,
	                    (unsigned long long)fm->rank, fm->nmembers, t->team_size,
	                    (unsigned long long)fm->f->load_cap);
}

int yh_team_assign(yh_team *team, yh_frozen *f, const unsigned char seed[32],
                   const char *entity_id, uint64_t rank)
{
	forming fm;
	size_t i;
	int rc = YH_OK;

	memset(&fm, 0, sizeof(fm));
	fm.t = f->task;
	fm.f = f;
	fm.entity_id = entity_id;
	fm.rank = rank;
	fm.any_left = fm.t->team_size;
	fm.c = malloc((f->nofficers + 1) * sizeof(*fm.c));
	fm.fill = malloc((f->nofficers + 1) * sizeof(*fm.fill));
	fm.taken = calloc(f->nofficers + 1, 1);
	if (!fm.c || !fm.taken || !fm.fill) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < fm.t->quota_departments.n && i < 64; i++)
		fm.remaining[i] = fm.t->quota_counts[i];
	gather(&fm);
	group_by_load(fm.c, fm.n);
	fm.lv.c = fm.c;
	fm.lv.n = fm.n;
	yh_pair_key(fm.lv.key, seed, entity_id);
	if ((rc = take_specialists(&fm)) < 0)
		goto done;
	fill_seats(&fm);
	if (fm.nmembers < fm.t->team_size) {
		rc = too_few(&fm);
		goto done;
	}
	/* members in pair-ticket order; the first leads */
	qsort(fm.members, fm.nmembers, sizeof(*fm.members), cmp_member_ptr);
	team->n = fm.nmembers;
	for (i = 0; i < fm.nmembers; i++) {
		fm.members[i]->officer->load++;
		team->members[i].officer = fm.members[i]->officer;
		memcpy(team->members[i].pair_ticket, fm.members[i]->ticket, 32);
	}
done:
	free(fm.c);
	free(fm.fill);
	free(fm.taken);
	return rc;
}
