/* team.c — the team of each selected entity (docs/spec.md §9): candidates by load and officer
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

/*
 * Officers waiting for a seat, in candidate order (docs/spec.md §9): one min-heap per load
 * level and group, by (officer ticket of that level, id).  A group is a department with
 * seats (or all officers when the task names none) and whether the officer is a specialist.
 * An officer is in the heap of its current load; taking it out and putting it one level up
 * costs one ticket and O(log n), so a team costs O(size · log officers), whatever the size
 * of the register.
 */
typedef struct {
	uint32_t *v;
	size_t n, cap;
} heap;

typedef struct {
	unsigned char ticket[32];    /* officer_ticket(load, id) */
	int group;                   /* -1: can never take a seat (a department without seats) */
	int specialist;
	char blocked;                /* recused for, or already in, the team being formed */
} waiting;

struct yh_teamer {
	yh_frozen *f;
	const yh_ticketer *tk;
	waiting *w;                  /* parallel to f->officers */
	size_t ngroups;              /* departments with seats (1 when none), times 2 */
	heap *levels;                /* levels[L * ngroups + g] */
	uint64_t nlevels, low;       /* levels allocated; the lowest that may hold someone */
	uint32_t *stash;             /* popped while looking, put back after */
	size_t nstash, capstash;
	uint32_t *recused;           /* blocked for the entity at hand, to unblock after */
	size_t nrecused, caprecused;
};

static int before(const yh_teamer *t, uint32_t a, uint32_t b)
{
	int c = memcmp(t->w[a].ticket, t->w[b].ticket, 32);

	return c ? c < 0 : strcmp(t->f->officers[a].row[YH_I_ID], t->f->officers[b].row[YH_I_ID]) < 0;
}

static int heap_push(yh_teamer *t, heap *h, uint32_t x)
{
	size_t i;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		uint32_t *p = realloc(h->v, cap * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		h->v = p;
		h->cap = cap;
	}
	for (i = h->n++; i > 0 && before(t, x, h->v[(i - 1) / 2]); i = (i - 1) / 2)
		h->v[i] = h->v[(i - 1) / 2];
	h->v[i] = x;
	return YH_OK;
}

static uint32_t heap_pop(yh_teamer *t, heap *h)
{
	uint32_t top = h->v[0], last = h->v[--h->n];
	size_t i = 0, c;

	for (; (c = 2 * i + 1) < h->n; i = c) {
		if (c + 1 < h->n && before(t, h->v[c + 1], h->v[c]))
			c++;
		if (!before(t, h->v[c], last))
			break;
		h->v[i] = h->v[c];
	}
	if (h->n) {
		h->v[i] = last;
	} else {
		/* loads only rise: a level left empty is rarely filled again, and at 100M entities
		 * 90 levels of every group's officers would otherwise stay allocated */
		free(h->v);
		h->v = NULL;
		h->cap = 0;
	}
	return top;
}

static heap *level_heap(yh_teamer *t, uint64_t level, int group)
{
	return &t->levels[level * t->ngroups + (size_t)group];
}

/* Puts an officer in the heap of its current load, with that level's ticket. */
static int enqueue(yh_teamer *t, uint32_t x)
{
	const yh_officer *o = &t->f->officers[x];

	if (t->w[x].group < 0 || o->load >= t->f->load_cap || o->unavailable)
		return YH_OK;
	if (o->load >= t->nlevels) {
		uint64_t n = o->load + 8;
		heap *p = realloc(t->levels, n * t->ngroups * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		memset(p + t->nlevels * t->ngroups, 0, (n - t->nlevels) * t->ngroups * sizeof(*p));
		t->levels = p;
		t->nlevels = n;
	}
	yh_officer_ticket(t->w[x].ticket, t->tk, (uint32_t)o->load, o->row[YH_I_ID]);
	return heap_push(t, level_heap(t, o->load, t->w[x].group), x);
}

int yh_teamer_new(yh_teamer **out, yh_frozen *f, const yh_ticketer *tk)
{
	const yh_task *task = f->task;
	yh_teamer *t = calloc(1, sizeof(*t));
	size_t i, s;
	int rc = YH_OK;

	*out = NULL;
	if (!t || !(t->w = calloc(f->nofficers + 1, sizeof(*t->w)))) {
		free(t);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	t->f = f;
	t->tk = tk;
	t->ngroups = 2 * (task->quota_departments.n ? task->quota_departments.n : 1);
	for (i = 0; i < f->nofficers && rc == YH_OK; i++) {
		yh_officer *o = &f->officers[i];
		int q = task->quota_departments.n ? quota_index(task, o->row[YH_I_DEPARTMENT]) : 0;

		for (s = 0; s < task->specialties.n && !t->w[i].specialist; s++)
			t->w[i].specialist = holds(o, task->specialties.v[s]);
		t->w[i].group = q < 0 ? -1 : 2 * q + t->w[i].specialist;
		rc = enqueue(t, (uint32_t)i);
	}
	if (rc < 0) {
		yh_teamer_free(t);
		return rc;
	}
	*out = t;
	return YH_OK;
}

void yh_teamer_free(yh_teamer *t)
{
	uint64_t i;

	if (!t)
		return;
	for (i = 0; i < t->nlevels * t->ngroups; i++)
		free(t->levels[i].v);
	free(t->levels);
	free(t->w);
	free(t->stash);
	free(t->recused);
	free(t);
}

/* One team being formed. */
typedef struct {
	yh_teamer *t;
	const yh_task *task;
	const char *entity_id;
	uint64_t rank;
	uint32_t members[YH_TEAM_MAX];
	size_t nmembers;
	unsigned remaining[64];      /* seats left per department with seats */
	unsigned any_left;           /* seats left when the task gives no department seats */
} forming;

static int seats_open(const forming *fm, int group)
{
	return fm->task->quota_departments.n ? fm->remaining[group / 2] > 0 : fm->any_left > 0;
}

static void take(forming *fm, uint32_t x)
{
	fm->t->w[x].blocked = 1;
	fm->members[fm->nmembers++] = x;
	if (fm->task->quota_departments.n)
		fm->remaining[fm->t->w[x].group / 2]--;
	else
		fm->any_left--;
}

static int append(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		uint32_t *p = realloc(*v, c * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return YH_OK;
}

static int stash(yh_teamer *t, uint32_t x)
{
	return append(&t->stash, &t->nstash, &t->capstash, x);
}

static int unstash(yh_teamer *t, heap *h)
{
	int rc = YH_OK;

	while (t->nstash && rc == YH_OK)
		rc = heap_push(t, h, t->stash[--t->nstash]);
	return rc;
}

/* Pops the first officer of h, in candidate order, that is not blocked and holds `specialty`
 * (any, when NULL); the others popped on the way go back.  *found is -1 when there is none. */
static int pop_first(int64_t *found, yh_teamer *t, heap *h, const char *specialty)
{
	int rc;

	*found = -1;
	while (h->n) {
		uint32_t x = heap_pop(t, h);

		if (!t->w[x].blocked && (!specialty || holds(&t->f->officers[x], specialty))) {
			*found = x;
			break;
		}
		if ((rc = stash(t, x)) < 0)
			return rc;
	}
	return unstash(t, h);
}

/* Blocks the officers recused for this entity (conflicts and recent pairs). */
static int block_recused(forming *fm)
{
	const yh_frozen *f = fm->t->f;
	size_t lo = 0, hi = f->nrecusals;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(f->recusals[mid].entity_id, fm->entity_id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < f->nrecusals && strcmp(f->recusals[lo].entity_id, fm->entity_id) == 0; lo++) {
		const yh_officer *o = yh_frozen_officer(f, f->recusals[lo].inspector_id);
		uint32_t x;

		int rc;

		if (!o || fm->t->w[x = (uint32_t)(o - f->officers)].blocked)
			continue;
		if ((rc = append(&fm->t->recused, &fm->t->nrecused, &fm->t->caprecused, x)) < 0)
			return rc;
		fm->t->w[x].blocked = 1;
	}
	return YH_OK;
}

/* Step 3 of §9: each required specialty, in the task's order, by the first holder in
 * candidate order (load, officer ticket, id) who can take a seat. */
static int take_specialists(forming *fm)
{
	yh_teamer *t = fm->t;
	const yh_task *task = fm->task;
	size_t s, i;
	int rc;

	for (s = 0; s < task->specialties.n; s++) {
		const char *spec = task->specialties.v[s];
		int64_t best = -1;
		uint64_t level;

		for (i = 0; i < fm->nmembers && !holds(&t->f->officers[fm->members[i]], spec); i++)
			;
		if (i < fm->nmembers)
			continue;
		for (level = t->low; level < t->nlevels && best < 0; level++) {
			int g, best_g = -1;

			for (g = 1; g < (int)t->ngroups; g += 2) {
				int64_t x;

				if (!seats_open(fm, g))
					continue;
				if ((rc = pop_first(&x, t, level_heap(t, level, g), spec)) < 0)
					return rc;
				if (x < 0)
					continue;
				if (best < 0 || before(t, (uint32_t)x, (uint32_t)best)) {
					if (best >= 0 && (rc = heap_push(t, level_heap(t, level, best_g),
					                                 (uint32_t)best)) < 0)
						return rc;
					best = x;
					best_g = g;
				} else if ((rc = heap_push(t, level_heap(t, level, g), (uint32_t)x)) < 0) {
					return rc;
				}
			}
		}
		if (best < 0)
			return yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): no "
			                    "eligible officer holding specialty '%s' is left (after recusals, "
			                    "certificate dates, department seats and load cap %llu)",
			                    fm->entity_id, (unsigned long long)fm->rank, spec,
			                    (unsigned long long)t->f->load_cap);
		take(fm, (uint32_t)best);
	}
	return YH_OK;
}

/* Step 4 of §9: the open seats in filling order (load, non-specialists first, officer
 * ticket, id).  Seats belong to departments, so each department's group fills alone. */
static int fill_seats(forming *fm)
{
	yh_teamer *t = fm->t;
	uint64_t level;
	int rc;

	for (level = t->low; level < t->nlevels && fm->nmembers < fm->task->team_size; level++) {
		int specialist, g;

		for (specialist = 0; specialist < 2; specialist++)
			for (g = specialist; g < (int)t->ngroups; g += 2)
				while (seats_open(fm, g) && fm->nmembers < fm->task->team_size) {
					int64_t x;

					if ((rc = pop_first(&x, t, level_heap(t, level, g), NULL)) < 0)
						return rc;
					if (x < 0)
						break;
					take(fm, (uint32_t)x);
				}
	}
	return YH_OK;
}

/* Names the rule that left seats empty. */
static int too_few(const forming *fm)
{
	const yh_task *task = fm->task;
	size_t i;

	if (task->quota_departments.n) {
		for (i = 0; i < task->quota_departments.n && fm->remaining[i] == 0; i++)
			;
		return yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): department "
		                    "'%s' has no eligible officer left for its %u seat(s) (after recusals, "
		                    "certificate dates and load cap %llu)", fm->entity_id,
		                    (unsigned long long)fm->rank, task->quota_departments.v[i],
		                    task->quota_counts[i], (unsigned long long)fm->t->f->load_cap);
	}
	return yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): only %zu "
	                    "eligible officers are left, the team needs %u (after recusals, "
	                    "certificate dates and load cap %llu)", fm->entity_id,
	                    (unsigned long long)fm->rank, fm->nmembers, task->team_size,
	                    (unsigned long long)fm->t->f->load_cap);
}

/* Step 5's order: members by pair ticket (ties by id), the first leads. */
static void order_members(yh_team *team, forming *fm)
{
	yh_teamer *t = fm->t;
	size_t i, j;

	team->n = fm->nmembers;
	for (i = 0; i < fm->nmembers; i++) {
		yh_member m;

		m.officer = &t->f->officers[fm->members[i]];
		yh_pair_ticket(m.pair_ticket, t->tk, fm->entity_id, m.officer->row[YH_I_ID]);
		for (j = i; j > 0; j--) {  /* insertion: a team is small */
			int c = memcmp(team->members[j - 1].pair_ticket, m.pair_ticket, 32);

			if (c < 0 || (c == 0 && strcmp(team->members[j - 1].officer->row[YH_I_ID],
			                               m.officer->row[YH_I_ID]) < 0))
				break;
			team->members[j] = team->members[j - 1];
		}
		team->members[j] = m;
	}
}

/* Step 5: the team in order; each member goes one level up. */
static int seat_members(yh_team *team, forming *fm)
{
	yh_teamer *t = fm->t;
	size_t i;
	int rc = YH_OK;

	order_members(team, fm);
	for (i = 0; i < fm->nmembers && rc == YH_OK; i++) {
		t->f->officers[fm->members[i]].load++;
		t->w[fm->members[i]].blocked = 0;
		rc = enqueue(t, fm->members[i]);
	}
	return rc;
}

/* Puts back the members of a team that could not be formed. */
static void give_back(forming *fm)
{
	size_t i;

	for (i = 0; i < fm->nmembers; i++) {
		uint32_t x = fm->members[i];

		fm->t->w[x].blocked = 0;
		heap_push(fm->t, level_heap(fm->t, fm->t->f->officers[x].load, fm->t->w[x].group), x);
	}
}

static void skip_empty_levels(yh_teamer *t)
{
	while (t->low < t->nlevels) {  /* levels only empty from below */
		int g, empty = 1;

		for (g = 0; g < (int)t->ngroups && empty; g++)
			empty = level_heap(t, t->low, g)->n == 0;
		if (!empty)
			break;
		t->low++;
	}
}

static void unblock_recused(yh_teamer *t)
{
	size_t i;

	for (i = 0; i < t->nrecused; i++)
		t->w[t->recused[i]].blocked = 0;
	t->nrecused = 0;
}

int yh_team_assign(yh_team *team, yh_teamer *t, const char *entity_id, uint64_t rank)
{
	forming fm;
	size_t i;
	int rc;

	memset(&fm, 0, sizeof(fm));
	fm.t = t;
	fm.task = t->f->task;
	fm.entity_id = entity_id;
	fm.rank = rank;
	fm.any_left = fm.task->team_size;
	team->n = 0;
	for (i = 0; i < fm.task->quota_departments.n && i < 64; i++)
		fm.remaining[i] = fm.task->quota_counts[i];
	skip_empty_levels(t);
	if ((rc = block_recused(&fm)) == YH_OK && (rc = take_specialists(&fm)) == YH_OK &&
	    (rc = fill_seats(&fm)) == YH_OK && fm.nmembers < fm.task->team_size)
		rc = too_few(&fm);
	unblock_recused(t);
	if (rc < 0) {
		give_back(&fm);
		return rc;
	}
	return seat_members(team, &fm);
}

static int block(yh_teamer *t, const yh_officer *o)
{
	uint32_t x = (uint32_t)(o - t->f->officers);

	if (t->w[x].blocked)
		return YH_OK;
	t->w[x].blocked = 1;
	return append(&t->recused, &t->nrecused, &t->caprecused, x);
}

int yh_team_replace(yh_team *team, const yh_officer **replacement, yh_teamer *t,
                    const char *entity_id, const yh_officer *const *keep, size_t nkeep,
                    const yh_officer *leaving, const yh_officer *const *barred, size_t nbarred)
{
	forming fm;
	size_t i;
	int q, rc = YH_OK;

	memset(&fm, 0, sizeof(fm));
	fm.t = t;
	fm.task = t->f->task;
	fm.entity_id = entity_id;
	*replacement = NULL;
	team->n = 0;
	if (nkeep + 1 > YH_TEAM_MAX)
		return yh_error_set(YH_EDATA, "entity '%s': a team of %zu members", entity_id, nkeep + 1);
	/* only the leaving member's seat is open */
	if (fm.task->quota_departments.n) {
		if ((q = quota_index(fm.task, leaving->row[YH_I_DEPARTMENT])) < 0 || q >= 64)
			return yh_error_set(YH_EDATA, "officer '%s' of department '%s' holds no seat on the "
			                    "team of entity '%s'", leaving->row[YH_I_ID],
			                    leaving->row[YH_I_DEPARTMENT], entity_id);
		fm.remaining[q] = 1;
	} else {
		fm.any_left = 1;
	}
	skip_empty_levels(t);
	for (i = 0; i < nkeep && rc == YH_OK; i++) {
		fm.members[fm.nmembers++] = (uint32_t)(keep[i] - t->f->officers);
		rc = block(t, keep[i]);
	}
	for (i = 0; i < nbarred && rc == YH_OK; i++)
		rc = block(t, barred[i]);
	if (rc == YH_OK && (rc = block(t, leaving)) == YH_OK && (rc = block_recused(&fm)) == YH_OK &&
	    (rc = take_specialists(&fm)) == YH_OK && (rc = fill_seats(&fm)) == YH_OK &&
	    fm.nmembers < nkeep + 1)
		rc = yh_error_set(YH_EDATA, "no officer can replace '%s' on the team of entity '%s': "
		                  "none is left who can take the seat (after recusals, earlier "
		                  "reassignments, certificate dates and load cap %llu)",
		                  leaving->row[YH_I_ID], entity_id, (unsigned long long)t->f->load_cap);
	unblock_recused(t);
	if (rc < 0) {
		for (i = nkeep; i < fm.nmembers; i++) {
			uint32_t x = fm.members[i];

			t->w[x].blocked = 0;
			heap_push(t, level_heap(t, t->f->officers[x].load, t->w[x].group), x);
		}
		return rc;
	}
	*replacement = &t->f->officers[fm.members[nkeep]];
	t->w[fm.members[nkeep]].blocked = 0;
	order_members(team, &fm);
	return YH_OK;
}
