/* csv_private.h — private: what the engine's own readers may ask of the CSV reader beyond the
 * public API (include/yaohao/csv.h). */
#ifndef YH_ENGINE_CSV_PRIVATE_H
#define YH_ENGINE_CSV_PRIVATE_H

#include "yaohao/csv.h"

/* The file's SHA-256 is not needed (yh_csv_sha256 then fails): reading skips hashing every raw
 * byte, a whole pass of SHA-256 over a register file that a verifier reads only for its rows.
 * Call before the first yh_csv_next. */
void yh_csv_no_digest(yh_csv *c);

#endif
