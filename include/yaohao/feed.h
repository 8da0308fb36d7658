/*
 * yaohao/feed.h — the feed: every announcement a department's store has made,
 * in chain order, signed (docs/spec.md §16).  Each announcement carries the
 * digest of the one before it, so a department cannot hide an announcement
 * (and with it a draw it did not like) from anyone holding the feed.
 */
#ifndef YAOHAO_FEED_H
#define YAOHAO_FEED_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_FEED_FORMAT "yaohao-feed/2"

/* Writes the signed feed of the store (indented JSON, a final LF; free() it).  The store
 * must hold its key (yh_store_set_key). */
YH_EXTERN int yh_feed_publish(char **out, yh_store *store) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
