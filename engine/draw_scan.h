/*
 * draw_scan.h — private: the draw's scan of the entities on both cores (draw_scan.c).
 */
#ifndef YH_ENGINE_DRAW_SCAN_H
#define YH_ENGINE_DRAW_SCAN_H

#include "yaohao/store.h"
#include "frozen.h"
#include "select.h"

/*
 * Feeds every eligible entity of f as of its freeze to one of two selectors: `up` takes them
 * read upward from the first id on `store`, `down` those read downward from the last on
 * `second` (the same store opened again), until the two meet.  Both selectors look names up
 * and hash on their own thread (threads = 1); the caller then absorbs down into up.
 */
int yh_draw_scan_both(yh_store *store, yh_store *second, const yh_frozen *f, yh_selector *up,
                      yh_selector *down);

#endif
