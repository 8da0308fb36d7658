/*
 * draw.h — private: the draw kernel at a glance.  Storage-free: it takes rows
 * and arrays, never a database handle (the store-reading helpers in frozen.h
 * go through the storage layer).
 *
 *   digest.h      every tag and hash of docs/spec.md
 *   frozen.h      the frozen inputs: eligible officers, recusals, exclusions, strata
 *   select.h      tickets, bounded heaps, selection, reserves, cutoffs
 *   team.h        teams by load and pair ticket; the default load cap and pre-check
 *   transcript.h  typed results to the announcement's and transcript's JSON
 */
#ifndef YH_ENGINE_DRAW_H
#define YH_ENGINE_DRAW_H

#include "yaohao/draw.h"
#include "digest.h"
#include "frozen.h"
#include "select.h"
#include "team.h"
#include "transcript.h"
#include "report.h" /* yh_hex */

#endif
