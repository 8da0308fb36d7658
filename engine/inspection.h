/*
 * inspection.h — private: the inspections a draw ordered, as they stand after it
 * (docs/spec.md §18).  A yh_inspections starts from the draw (its transcript or public
 * document: every selected entity with its team) and takes the task's events in ledger
 * order — results and their corrections, reassignments of an officer, substitutions of an
 * entity — each checked against the rules before it is applied.  The same code checks an
 * event before the store records it, replays the ledger for the audit and the dashboard,
 * and replays a published results document for a verifier.
 *
 * The two rules that pick someone (the replacement officer of a reassignment, the team of a
 * substitute) are recomputed when the officer register frozen by the draw is at hand
 * (yh_insp_rules.frozen); without it an event is checked for its structure only and
 * yh_inspections.recomputed stays 0.
 */
#ifndef YH_ENGINE_INSPECTION_H
#define YH_ENGINE_INSPECTION_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "digest.h"
#include "draw_doc.h"
#include "frozen.h"
#include "team.h"

typedef struct {
	const char *id, *name, *department;
	unsigned char pair_ticket[32];
} yh_insp_member;

typedef struct {
	const char *id, *name, *stratum;
	uint64_t rank;                   /* in the draw; 0 for a reserve substituted in */
	uint64_t reserve_order;          /* a substitute's place among its stratum's reserves */
	const char *substitutes_for;     /* a substitute: the entity it replaces */
	const char *substituted_by;      /* set once this entity is substituted out */
	yh_insp_member team[YH_TEAM_MAX];  /* as it stands, in pair-ticket order: the first leads */
	size_t nteam;
	const char **removed;            /* officers reassigned away from this entity */
	size_t nremoved;
	json_t *result;                  /* the payload of the result in force, or NULL */
	uint64_t result_seq;
	size_t nresults;                 /* results recorded, corrections included */
	int disclosed;                   /* the result in force was in a disclosure */
} yh_insp_entity;

typedef struct {
	yh_draw_doc *doc;                /* the draw; owned */
	yh_ticketer tk;
	yh_insp_entity *v;               /* rank order, then substitutes in the order they came */
	size_t n, cap;
	const char **unavailable;        /* officers reassigned away with cause "unavailable" */
	size_t nunavailable;
	json_t *payloads;                /* every applied payload (what the strings point into) */
	unsigned char last_hash[32];     /* the last event's entry hash, or the draw entry's */
	uint64_t last_seq;
	uint64_t results, corrections, reassignments, substitutions, disclosures;
	int recomputed;                  /* every picking rule so far was recomputed */
	const char *field;               /* the payload member the last refusal concerns */
} yh_inspections;

/* What the picking rules need: the frozen officers and recusals of the draw (NULL: structure
 * only).  The loads in frozen are overwritten. */
typedef struct {
	yh_frozen *frozen;
} yh_insp_rules;

/* Starts from a parsed draw (taken over, also on failure), whose draw entry hash is
 * draw_hash (the document's, or the store's for a transcript). */
int yh_insp_new(yh_inspections **out, yh_draw_doc *doc, const unsigned char draw_hash[32]);
void yh_insp_free(yh_inspections *s);

/* The entity in force (selected and not substituted out, or substituted in), or NULL;
 * yh_insp_find finds any entity that had a team. */
yh_insp_entity *yh_insp_active(yh_inspections *s, const char *id);
yh_insp_entity *yh_insp_find(yh_inspections *s, const char *id);

/* Checks the event (seq, kind, payload: a ledger entry's) against the rules and applies it;
 * YH_EDATA naming the rule when it breaks one (nothing applied).  Takes a reference to
 * payload.  hash is the entry's. */
int yh_insp_apply(yh_inspections *s, uint64_t seq, const char *kind, json_t *payload,
                  const unsigned char hash[32], const yh_insp_rules *rules);

/* The replacement of officer_id on entity_id's team by the rule of §18 (rules required):
 * *out points into the frozen register; team is the new team in order. */
int yh_insp_pick_officer(const yh_officer **out, yh_team *team, yh_inspections *s,
                         const yh_insp_rules *rules, const char *entity_id, const char *officer_id);

/* YH_EDATA saying why the entity takes no event (`what`): substituted out, a reserve, or
 * not selected. */
int yh_insp_not_in_force(yh_inspections *s, const char *id, const char *what);

/* The substitute of entity_id: its stratum's next unused reserve (NULL when none is left). */
const yh_doc_reserve *yh_insp_next_reserve(yh_inspections *s, const char *entity_id);

/* The team the substitute gets by §9 with the loads as they stand (rules required). */
int yh_insp_pick_team(yh_team *team, yh_inspections *s, const yh_insp_rules *rules,
                      const char *entity_id, const char *substitute_id);

/* The result codes, methods and follow-ups of docs/spec.md §18: the code of a code or name,
 * or NULL when unknown; and the name of a code. */
const char *yh_insp_result_code(const char *text);
const char *yh_insp_result_name(const char *code);
const char *yh_insp_method(const char *text);
const char *yh_insp_follow_up(const char *text);

#endif
