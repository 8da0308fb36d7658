/*
 * fuzz.h — helpers shared by the libFuzzer harnesses (tests/fuzz/README.md).
 *
 * Each harness is one fuzz_*.c with LLVMFuzzerTestOneInput(); libFuzzer gives main().
 * A harness that finds the engine breaking a documented promise (not only a
 * sanitizer report) stops with FZ_REQUIRE, which aborts: libFuzzer keeps the
 * input as a crash, like any other.
 */
#ifndef YAOHAO_FUZZ_H
#define YAOHAO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#ifndef YAOHAO_FIXTURES_DIR
#error "YAOHAO_FIXTURES_DIR must be defined by the build"
#endif

/* Aborts with the condition, the engine's last error and the place. */
#define FZ_REQUIRE(cond) \
	do { \
		if (!(cond)) \
			fz_fail(#cond, __FILE__, __LINE__); \
	} while (0)

void fz_fail(const char *what, const char *file, int line) __attribute__((noreturn));

/* This process's own temporary folder (under $TMPDIR, else /tmp), made on first
 * use and removed at exit; `name` joined to it, in a static buffer per slot. */
const char *fz_tmpdir(void);
const char *fz_path(const char *name);

/* Writes data to path (created or truncated) and gives it `mode`, whatever the umask. */
void fz_write(const char *path, const uint8_t *data, size_t size, mode_t mode);

/* A whole file, NUL-terminated (FIXTURES-relative when `rel` is not absolute); aborts on failure. */
char *fz_read(const char *rel, size_t *len);

/* Serialises a report and reads every byte of it (so a dangling string shows). */
void fz_touch_json(const json_t *json);

/* Reads every byte of s[0..len) and s[len] (which must be '\0' when nul is set). */
void fz_touch(const char *s, size_t len, int nul);

#endif
