/*
 * fuzz_csv.c — the CSV reader over arbitrary bytes, read as UTF-8 and as GB18030.
 *
 * Every record and field is read back (NUL-terminated at its length); every
 * failure names a line and a reason; and when the whole file read without a
 * fault, yh_csv_sha256() is the SHA-256 of exactly the bytes given (the import
 * records it as the file's hash).
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>
#include <yaohao/yaohao.h>

#include "fuzz.h"

static void read_all(const uint8_t *data, size_t size, const char *encoding)
{
	yh_csv *csv = NULL;
	uint64_t records = 0;
	int r, faults = 0;

	if (yh_csv_open_buffer(&csv, data, size, "fuzz.csv", encoding) < 0) {
		FZ_REQUIRE(csv == NULL);
		return;
	}
	FZ_REQUIRE(strcmp(yh_csv_name(csv), "fuzz.csv") == 0);
	while ((r = yh_csv_next(csv)) != 0) {
		size_t i, n;

		if (r < 0) {
			const char *why = yh_csv_error_reason(csv);

			FZ_REQUIRE(r == YH_EDATA);
			FZ_REQUIRE(why != NULL && yh_csv_error_line(csv) >= 1);
			fz_touch(why, strlen(why), 1);
			faults++;
			continue;
		}
		records++;
		FZ_REQUIRE(yh_csv_line(csv) >= records);
		n = yh_csv_nfields(csv);
		FZ_REQUIRE(n >= 1 && n <= YH_CSV_MAX_FIELDS);
		for (i = 0; i < n; i++) {
			size_t len = (size_t)-1;
			const char *f = yh_csv_field(csv, i, &len);

			FZ_REQUIRE(f != NULL && len <= YH_CSV_MAX_RECORD);
			fz_touch(f, len, 1);
		}
		FZ_REQUIRE(yh_csv_bytes_read(csv) <= size);
	}
	if (!faults) {
		unsigned char got[32], want[32];

		FZ_REQUIRE(yh_csv_sha256(got, csv) == YH_OK);
		crypto_hash_sha256(want, data, size);
		FZ_REQUIRE(memcmp(got, want, 32) == 0);
	}
	yh_csv_free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, NULL);
	read_all(data, size, "gb18030");
	return 0;
}
