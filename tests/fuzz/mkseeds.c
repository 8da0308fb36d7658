/*
 * mkseeds — seeds that the fixtures do not hold as files, made at build time:
 *
 *   mkseeds FIXTURES_DIR OUT_DIR
 *
 * OUT_DIR/proof/  proofs of the food vector's draw (fixtures/vectors/food/draw.json):
 *                 a selected entity (selected.json, also the fixed proof of
 *                 fuzz_proof_document), a reserve, entities of the register that were
 *                 not selected, and an id that is not in it.  The draw is made again the
 *                 way tests/vectors/mkvectors.c makes it (the food case comes first, from
 *                 a new store, with the same pinned key, secret and value); if the
 *                 document differs from the committed one, mkseeds says so (the proofs
 *                 are still seeds, but no longer proofs of that document).
 * OUT_DIR/key/    the test vector key as a secret key file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <yaohao/yaohao.h>

static int fail(const char *what)
{
	fprintf(stderr, "mkseeds: %s: %s\n", what, yh_error_message());
	return 1;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "mkseeds: cannot write '%s': %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *text = NULL;
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    !(text = calloc(1, (size_t)n + 1)) || fread(text, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "mkseeds: cannot read '%s'\n", path);
		exit(1);
	}
	fclose(fp);
	return text;
}

static int prove(yh_store *store, const char *task_id, const char *id, const char *dir,
                 const char *name)
{
	char *proof = NULL;

	if (yh_proof_make(&proof, store, task_id, id) < 0)
		return fail(id);
	if (write_file(dir, name, proof))
		return 1;
	free(proof);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	unsigned char seed[32], secret[YH_SECRET_BYTES];
	char db[4096], path[4096], proofs[4096], keys[4096], line[4096];
	char *ann = NULL, *doc = NULL, *golden;
	yh_store *store = NULL;
	yh_key *key = NULL;
	yh_task *task = NULL;
	json_t *json;
	FILE *fp;
	uint64_t seq;
	size_t i;
	int others = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds FIXTURES_DIR OUT_DIR\n");
		return 2;
	}
	setenv("SOURCE_DATE_EPOCH", "1796083200", 1); /* as mkvectors: 2026-12-01T00:00:00Z */
	snprintf(proofs, sizeof(proofs), "%s/proof", argv[2]);
	snprintf(keys, sizeof(keys), "%s/key", argv[2]);
	mkdir(argv[2], 0755);
	mkdir(proofs, 0755);
	mkdir(keys, 0755);

	crypto_hash_sha256(seed, (const unsigned char *)"yaohao test vector key", 22);
	if (yh_key_from_seed(&key, seed) < 0)
		return fail("key");
	snprintf(path, sizeof(path), "%s/test-key.secret", keys);
	unlink(path);
	if (yh_key_save(key, path) < 0)
		return fail(path);

	snprintf(db, sizeof(db), "%s/seeds-%d.db", argv[2], (int)getpid());
	unlink(db);
	if (yh_store_create(&store, db, "330100-SCJG") < 0 || yh_store_set_key(store, key) < 0)
		return fail("store");
	for (i = 0; i < 4; i++) {
		yh_import_report rep;

		snprintf(path, sizeof(path), "%s/%s", argv[1], regs[i].file);
		if (yh_import_file(&rep, store, regs[i].kind, path, NULL) < 0)
			return fail(path);
	}
	snprintf(path, sizeof(path), "%s/vectors/food/task.json", argv[1]);
	if (yh_task_load_file(&task, path) < 0 || yh_task_add(&seq, store, task) < 0)
		return fail(path);
	crypto_hash_sha256(secret, (const unsigned char *)"yaohao test vector food", 23);
	opt.entropy_source = "test vector: a fixed public value";
	opt.secret = secret;
	if (yh_draw_commit(&ann, &seq, store, yh_task_id(task), &opt) < 0)
		return fail("commit");
	if (yh_draw_run(NULL, NULL, store, yh_task_id(task), "public value for food", NULL) < 0)
		return fail("draw");
	if (yh_document_publish(&doc, store, yh_task_id(task)) < 0)
		return fail("publish");
	snprintf(path, sizeof(path), "%s/vectors/food/draw.json", argv[1]);
	golden = slurp(path);
	if (strcmp(golden, doc) != 0) {
		fprintf(stderr, "mkseeds: warning: the food draw made again differs from '%s': "
		        "tests/fuzz/mkseeds.c no longer makes it the way mkvectors does, so the proof "
		        "seeds do not belong to it\n", path);
	}

	if (!(json = json_loads(doc, 0, NULL)))
		return fail("the document");
	if (prove(store, yh_task_id(task),
	          json_string_value(json_object_get(json_array_get(json_object_get(json, "selected"), 0), "id")),
	          proofs, "selected.json"))
		return 1;
	if (json_array_size(json_object_get(json, "reserves")) &&
	    prove(store, yh_task_id(task),
	          json_string_value(json_object_get(json_array_get(json_object_get(json, "reserves"), 0), "id")),
	          proofs, "reserve.json"))
		return 1;
	/* the first rows of the register: mostly neither selected nor in the population */
	snprintf(path, sizeof(path), "%s/vectors/food/entities.csv", argv[1]);
	if (!(fp = fopen(path, "r")))
		return fail(path);
	while (others < 4 && fgets(line, sizeof(line), fp)) {
		char name[64], *comma = strchr(line, ',');

		if (!comma || strncmp(line, "id,", 3) == 0)
			continue;
		*comma = '\0';
		snprintf(name, sizeof(name), "entity-%d.json", others++);
		if (prove(store, yh_task_id(task), line, proofs, name))
			return 1;
	}
	fclose(fp);
	if (prove(store, yh_task_id(task), "91330100MA2H000000", proofs, "absent.json"))
		return 1;

	json_decref(json);
	free(golden);
	free(doc);
	free(ann);
	yh_task_free(task);
	yh_store_close(store);
	yh_key_free(key);
	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	return 0;
}
