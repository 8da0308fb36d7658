/*
 * fuzz_import.c — one importer (FUZZ_REGISTER: YH_REGISTER_ENTITIES, _INSPECTORS,
 * _CONFLICTS or _ITEMS) over an arbitrary file; built once per register.
 *
 * One process keeps two stores: one holding the fixture registers (so every row is
 * compared with a current one) and one empty (the fast path of a first import).
 * Each input is imported twice, as dry runs — the import runs to its end inside its
 * transaction and rolls back, so the stores never change and every input meets the
 * same state: into the full store as UTF-8 (a full import), into the empty one as
 * GB18030 (partial, accepting bad check characters).
 *
 * Promises checked: YH_OK exactly when no error was reported, YH_EDATA exactly when
 * one was (never a store or internal failure over bad data); counts add up; every
 * diagnostic names the file and a line and has a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaohao/yaohao.h>

#include "fuzz.h"

#ifndef FUZZ_REGISTER
#error "FUZZ_REGISTER must be defined by the build"
#endif

static yh_store *full, *empty;
static const char *input;

static void on_diagnostic(void *ctx, const yh_diagnostic *d)
{
	unsigned *n = ctx;

	FZ_REQUIRE(d->file && strcmp(d->file, input) == 0);
	FZ_REQUIRE(d->message && d->message[0]);
	FZ_REQUIRE(d->line >= 1);
	fz_touch(d->message, strlen(d->message), 1);
	if (d->column)
		fz_touch(d->column, strlen(d->column), 1);
	(*n)++;
}

static void load(yh_store *store, yh_register_kind kind, const char *file)
{
	char path[4096];
	yh_import_report rep;

	snprintf(path, sizeof(path), "%s/%s", YAOHAO_FIXTURES_DIR, file);
	if (yh_import_file(&rep, store, kind, path, NULL) != YH_OK) {
		fprintf(stderr, "fuzz: cannot import '%s': %s\n", path, yh_error_message());
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	input = fz_path("input.csv");
	if (yh_store_create(&full, fz_path("full.db"), "330100-SCJG") != YH_OK ||
	    yh_store_create(&empty, fz_path("empty.db"), "330100-SCJG") != YH_OK) {
		fprintf(stderr, "fuzz: cannot create a store: %s\n", yh_error_message());
		abort();
	}
	load(full, YH_REGISTER_ENTITIES, "entities.csv");
	load(full, YH_REGISTER_INSPECTORS, "inspectors.csv");
	load(full, YH_REGISTER_CONFLICTS, "conflicts.csv");
	load(full, YH_REGISTER_ITEMS, "items.csv");
	return 0;
}

static void import(yh_store *store, const char *encoding, int partial)
{
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	unsigned reported = 0;
	int rc;

	opt.encoding = encoding;
	opt.partial = partial;
	opt.accept_bad_check = partial;
	opt.dry_run = 1;
	opt.max_errors = 20;
	opt.on_diagnostic = on_diagnostic;
	opt.diagnostic_ctx = &reported;
	rc = yh_import_file(&rep, store, FUZZ_REGISTER, input, &opt);
	if (rc != YH_OK && rc != YH_EDATA)
		fprintf(stderr, "fuzz: import returned %d: %s\n", rc, yh_error_message());
	FZ_REQUIRE(rc == YH_OK || rc == YH_EDATA);
	FZ_REQUIRE((rc == YH_OK) == (rep.errors == 0));
	FZ_REQUIRE(reported <= opt.max_errors && reported <= rep.errors + rep.warnings);
	FZ_REQUIRE(rep.seq == 0); /* a dry run writes nothing */
	if (rc == YH_OK)
		FZ_REQUIRE(rep.added + rep.changed + rep.unchanged == rep.rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_write(input, data, size, 0600);
	import(full, NULL, 0);
	import(empty, "gb18030", 1);
	return 0;
}
