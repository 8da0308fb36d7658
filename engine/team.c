/* team.c — pair tickets and the team of each selected entity (docs/spec.md, "teams"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "draw.h"
#include "error.h"

static const char ticket_tag[] = "yaohao:ticket:v1";
static const char pair_tag[] = "yaohao:pair:v1";

void yh_ticket(unsigned char out[32], const unsigned char seed[32], const char *entity_id)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, seed, 32);
	crypto_hash_sha256_update(&st, (const unsigned char *)ticket_tag, sizeof(ticket_tag));
	crypto_hash_sha256_update(&st, (const unsigned char *)entity_id, strlen(entity_id));
	crypto_hash_sha256_final(&st, out);
}

void yh_pair_ticket(unsigned char out[32], const unsigned char seed[32], const char *entity_id,
                    const char *inspector_id)
{
	crypto_hash_sha256_state st;
	const unsigned char nul = 0;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, seed, 32);
	crypto_hash_sha256_update(&st, (const unsigned char *)pair_tag, sizeof(pair_tag));
	crypto_hash_sha256_update(&st, (const unsigned char *)entity_id, strlen(entity_id));
	crypto_hash_sha256_update(&st, &nul, 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)inspector_id, strlen(inspector_id));
	crypto_hash_sha256_final(&st, out);
}

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
} candidate;

/* Least-loaded first keeps the load balanced (and the default cap reachable);
 * among equals the pair ticket decides. */
static int cmp_candidate(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	int c;

	if (x->officer->load != y->officer->load)
		return x->officer->load < y->officer->load ? -1 : 1;
	c = memcmp(x->ticket, y->ticket, 32);
	return c ? c : strcmp(x->officer->row[YH_I_ID], y->officer->row[YH_I_ID]);
}

static int cmp_member(const void *a, const void *b);

/* Filling the free seats: least-loaded first, and among equals officers who
 * hold none of the required specialties, so that specialists stay free for
 * the teams that need them. */
static int cmp_filler(const void *a, const void *b)
{
	const candidate *x = *(const candidate *const *)a, *y = *(const candidate *const *)b;

	if (x->officer->load != y->officer->load)
		return x->officer->load < y->officer->load ? -1 : 1;
	if (x->specialist != y->specialist)
		return x->specialist - y->specialist;
	return cmp_member(x, y);
}

static int cmp_member(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	int c = memcmp(x->ticket, y->ticket, 32);

	return c ? c : strcmp(x->officer->row[YH_I_ID], y->officer->row[YH_I_ID]);
}

int yh_team_assign(json_t *team, yh_frozen *f, const unsigned char seed[32],
                   const char *entity_id, uint64_t rank)
{
	const yh_task *t = f->task;
	candidate *c = calloc(f->nofficers + 1, sizeof(*c)), **fill = calloc(f->nofficers + 1, sizeof(*fill));
	unsigned remaining[64] = { 0 }, any_left = t->team_size;
	size_t n = 0, i, s, members[32], nmembers = 0;
	char *taken = calloc(f->nofficers + 1, 1);
	int rc = YH_OK;

	if (!c || !taken || !fill) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < t->quota_departments.n && i < 64; i++)
		remaining[i] = t->quota_counts[i];
	for (i = 0; i < f->nofficers; i++) {
		yh_officer *o = &f->officers[i];

		if (o->load >= f->load_cap || yh_frozen_recused(f, entity_id, o->row[YH_I_ID]))
			continue;
		yh_pair_ticket(c[n].ticket, seed, entity_id, o->row[YH_I_ID]);
		c[n].officer = o;
		for (s = 0; s < t->specialties.n && !c[n].specialist; s++)
			c[n].specialist = holds(o, t->specialties.v[s]);
		n++;
	}
	qsort(c, n, sizeof(*c), cmp_candidate);
	for (i = 0; i < n; i++)
		fill[i] = &c[i];
	qsort(fill, n, sizeof(*fill), cmp_filler);

#define SEAT_OPEN(o) (t->quota_departments.n ? \
	(quota_index(t, (o)->row[YH_I_DEPARTMENT]) >= 0 && \
	 remaining[quota_index(t, (o)->row[YH_I_DEPARTMENT])] > 0) : any_left > 0)
#define TAKE(idx) do { \
	taken[idx] = 1; members[nmembers++] = (idx); \
	if (t->quota_departments.n) remaining[quota_index(t, c[idx].officer->row[YH_I_DEPARTMENT])]--; \
	else any_left--; } while (0)

	/* 1: each required specialty, in the task's order, by the lowest pair ticket holding it */
	for (s = 0; s < t->specialties.n; s++) {
		for (i = 0; i < nmembers; i++)
			if (holds(c[members[i]].officer, t->specialties.v[s]))
				break;
		if (i < nmembers)
			continue;
		for (i = 0; i < n; i++)
			if (!taken[i] && holds(c[i].officer, t->specialties.v[s]) && SEAT_OPEN(c[i].officer))
				break;
		if (i == n) {
			rc = yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): no eligible "
			                  "officer holding specialty '%s' is left (after recusals, certificate "
			                  "dates, department seats and load cap %llu)", entity_id,
			                  (unsigned long long)rank, t->specialties.v[s],
			                  (unsigned long long)f->load_cap);
			goto done;
		}
		TAKE(i);
	}
	/* 2: the remaining seats, in filling order */
	for (i = 0; i < n && nmembers < t->team_size; i++) {
		size_t idx = (size_t)(fill[i] - c);

		if (!taken[idx] && SEAT_OPEN(c[idx].officer))
			TAKE(idx);
	}
	if (nmembers < t->team_size) {
		if (t->quota_departments.n) {
			for (i = 0; i < t->quota_departments.n && remaining[i] == 0; i++)
				;
			rc = yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): department "
			                  "'%s' has no eligible officer left for its %u seat(s) (after recusals, "
			                  "certificate dates and load cap %llu)", entity_id,
			                  (unsigned long long)rank, t->quota_departments.v[i], t->quota_counts[i],
			                  (unsigned long long)f->load_cap);
		} else {
			rc = yh_error_set(YH_EDATA, "cannot form a team for entity '%s' (rank %llu): only %zu "
			                  "eligible officers are left, the team needs %u (after recusals, "
			                  "certificate dates and load cap %llu)", entity_id,
			                  (unsigned long long)rank, nmembers, t->team_size,
			                  (unsigned long long)f->load_cap);
		}
		goto done;
	}
#undef SEAT_OPEN
#undef TAKE
	/* members in pair-ticket order; the first leads */
	for (i = 0, s = 0; i < n; i++)
		if (taken[i])
			c[s++] = c[i];
	qsort(c, s, sizeof(*c), cmp_member);
	for (i = 0; i < s; i++) {
		char hex[65];
		yh_officer *o = c[i].officer;

		yh_hex(hex, c[i].ticket, 32);
		o->load++;
		if (json_array_append_new(team, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		                          "id", o->row[YH_I_ID], "name", o->row[YH_I_NAME],
		                          "department", o->row[YH_I_DEPARTMENT],
		                          "role", json_array_size(team) == 0 ? "leader" : "member",
		                          "pair_ticket", hex)) < 0) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
	}
done:
	free(c);
	free(fill);
	free(taken);
	return rc;
}
