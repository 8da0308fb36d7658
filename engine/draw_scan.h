/*
 * draw_scan.h — private: the draw's scan of the entities on both cores (draw_scan.c).
 */
#ifndef YH_ENGINE_DRAW_SCAN_H
#define YH_ENGINE_DRAW_SCAN_H

#include "yaohao/store.h"
#include "frozen.h"
#include "select.h"

/*
 * Feeds every eligible entity of f as of its freeze, once, to sel (a fresh selector of one
 * thread that looks names up; shared here, yh_selector_share): this thread reads upward from
 * the first id on `store`, another downward from the last on `second` (the same store opened
 * again), until the two meet.
 */
int yh_draw_scan_both(yh_store *store, yh_store *second, const yh_frozen *f, yh_selector *sel);

#endif
