/*
 * chain.h — private: the chain of a department's announcements read from a feed
 * (docs/spec.md §6, §16): checked once — signature, numbering, links — then asked
 * whether an announcement is the one at its place.
 */
#ifndef YH_ENGINE_CHAIN_H
#define YH_ENGINE_CHAIN_H

#include <stdint.h>
#include <jansson.h>

typedef struct {
	char *department;
	unsigned char public_key[32];
	unsigned char (*digests)[32];   /* digests[i]: announcement chain.seq = i + 1 */
	size_t n;
} yh_chain;

/* Reads and checks a feed; YH_EDATA naming the first fault (the feed is then not usable). */
int yh_chain_read(yh_chain *out, const json_t *feed);

/* 1 if the announcement with this digest is the chain's number seq. */
int yh_chain_has(const yh_chain *c, uint64_t seq, const unsigned char digest[32]);

void yh_chain_clear(yh_chain *c);

#endif
