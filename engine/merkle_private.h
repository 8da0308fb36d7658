/* merkle_private.h — private: the row encoding (docs/spec.md §2) for readers that know their
 * fields' lengths already (the CSV reader does: yh_csv_field), so nothing is measured twice. */
#ifndef YH_ENGINE_MERKLE_PRIVATE_H
#define YH_ENGINE_MERKLE_PRIVATE_H

#include <stddef.h>

/* The encoded length of n fields of these lengths: 4 bytes of length before each. */
size_t yh_merkle_encoded_len(const size_t *lens, size_t n);

/* Encodes n fields of lens[i] bytes each into buf, which has room for yh_merkle_encoded_len
 * bytes (each length below 2^32); returns that length.  The same bytes as
 * yh_merkle_encode_row when lens[i] == strlen(fields[i]). */
size_t yh_merkle_encode_fields(unsigned char *buf, const char *const *fields, const size_t *lens,
                               size_t n);

#endif
