/*
 * signed.h — private: a published JSON document signed by the department's key
 * (docs/spec.md §13): the "signer" member, the Ed25519 signature over the JCS
 * text without "signature", and the readable file text.  Shared by the draw
 * document and the feed.
 */
#ifndef YH_ENGINE_SIGNED_H
#define YH_ENGINE_SIGNED_H

#include <jansson.h>

#include "yaohao/key.h"

/* Adds signer and signature to doc and writes it as indented JSON with sorted keys and a
 * final LF into *out (free() it). */
int yh_signed_write(char **out, json_t *doc, const yh_key *key);

/* Checks doc's signature by its signer (and, when pin is not NULL, that the signer is pin):
 * YH_OK, or YH_EDATA with the reason. */
int yh_signed_check(const json_t *doc, const unsigned char *pin);

#endif
