/*
 * team.h — private: the team of each selected entity (docs/spec.md §9), the
 * load cap the counts allow, and the commit-time check that the rules can be
 * met at all.
 */
#ifndef YH_ENGINE_TEAM_H
#define YH_ENGINE_TEAM_H

#include <stdint.h>

#include "digest.h"
#include "frozen.h"

/* A team never has more members than this (the task parser's limit). */
#define YH_TEAM_MAX 32

typedef struct {
	const yh_officer *officer;
	unsigned char pair_ticket[32];
} yh_member;

/* Members in pair-ticket order; the first leads. */
typedef struct {
	yh_member members[YH_TEAM_MAX];
	size_t n;
} yh_team;

/* The smallest load cap the counts allow: the largest of ceil(seats / officers),
 * for each department with seats ceil(k * seats / its officers), and for each
 * required specialty ceil(k / its holders); 0 when there are no officers. */
uint64_t yh_team_default_cap(const yh_frozen *f, uint64_t selected);

/* Checks the team rules can be met at all (commit-time pre-check). */
int yh_team_precheck(const yh_frozen *f, uint64_t selected);

/* The officers of a draw waiting for seats, by load level (docs/spec.md §9): made once per
 * draw, after the frozen officers and recusals and before the first team. */
typedef struct yh_teamer yh_teamer;
int yh_teamer_new(yh_teamer **out, yh_frozen *f, const yh_ticketer *tickets);
void yh_teamer_free(yh_teamer *t);

/* Forms the team of the next selected entity (rank names it in a failure) and charges
 * the members' load. */
int yh_team_assign(yh_team *team, yh_teamer *t, const char *entity_id, uint64_t rank);

/* Replaces `leaving` on an entity's team (docs/spec.md §17): the members in keep stay, only
 * leaving's seat is open, and the officers in barred (earlier reassigned away from the
 * entity) and leaving cannot take it; steps 3 and 4 of §9 pick the officer (*replacement), and
 * team is the new team in step 5's order.  Loads are not charged: the teamer serves one pick. */
int yh_team_replace(yh_team *team, const yh_officer **replacement, yh_teamer *t,
                    const char *entity_id, const yh_officer *const *keep, size_t nkeep,
                    const yh_officer *leaving, const yh_officer *const *barred, size_t nbarred);

#endif
