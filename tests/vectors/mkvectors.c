/*
 * mkvectors — produces the draw test vectors under fixtures/vectors/ from the
 * fixtures, through the public API with pinned secrets:
 *
 *   mkvectors FIXTURES_DIR OUT_DIR
 *
 * For each case (food, joint, edge, repeat, nocap, bind, in this order, in one store) it
 * reads FIXTURES_DIR/vectors/CASE/task.json and writes into OUT_DIR/CASE/:
 * secret.hex, entropy.txt, the canonical registers as of the freeze
 * (entities.csv, inspectors.csv, conflicts.csv), announcement.json,
 * transcript.json and draw.json (the published document, signed with a test
 * key derived from a fixed seed; its public key is OUT_DIR/test-key.pub), and after the last
 * case OUT_DIR/feed.json, the store's feed of announcements.  The test suite runs it and compares with the committed
 * files; regenerate them with `build/tests/mkvectors fixtures fixtures/vectors`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <yaohao/yaohao.h>

/* yh_draw_run's result, where a test does not look at it */
static yh_draw_result tu_draw_result;

static const char *const cases[] = { "food", "joint", "edge", "repeat", "nocap", "bind" };

static int fail(const char *what)
{
	fprintf(stderr, "mkvectors: %s: %s\n", what, yh_error_message());
	return 1;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fputs(text, fp) < 0 || fputc('\n', fp) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "mkvectors: cannot write '%s'\n", path);
		return 1;
	}
	return 0;
}

static int write_raw(const char *dir, const char *name, const char *text)
{
	char path[8192];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "mkvectors: cannot write '%s'\n", path);
		return 1;
	}
	return 0;
}

static int export(const char *dir, const char *name, yh_store *s, yh_register_kind k, uint64_t seq)
{
	char path[4096];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(fp = fopen(path, "wb")))
		return 1;
	rc = yh_register_export(fp, s, k, seq);
	return (fclose(fp) != 0 || rc < 0) ? fail(path) : 0;
}

int main(int argc, char **argv)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	char db[4000], path[4096], dir[4096], secret_hex[65], entropy[64], label[64];
	unsigned char secret[YH_SECRET_BYTES];
	yh_store *store = NULL;
	yh_key *key = NULL;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: mkvectors FIXTURES_DIR OUT_DIR\n");
		return 2;
	}
	setenv("SOURCE_DATE_EPOCH", "1796083200", 1); /* 2026-12-01T00:00:00Z, for the ledger only */
	mkdir(argv[2], 0755);
	snprintf(db, sizeof(db), "%s/vectors-%d.db", argv[2], (int)getpid());
	unlink(db);
	if (yh_store_create(&store, db, "330100-SCJG") < 0)
		return fail("create");
	/* Ed25519 signatures are deterministic: a fixed key gives fixed documents */
	crypto_hash_sha256(secret, (const unsigned char *)"yaohao test vector key", 22);
	if (yh_key_from_seed(&key, secret) < 0 || yh_store_set_key(store, key) < 0)
		return fail("key");
	{
		unsigned char pk[32];
		char text[100];

		yh_key_public(pk, key);
		sodium_bin2hex(secret_hex, sizeof(secret_hex), pk, sizeof(pk));
		snprintf(text, sizeof(text), "yaohao-public-key-v1\n%s", secret_hex);
		if (write_text(argv[2], "test-key.pub", text))
			return 1;
	}
	for (i = 0; i < 4; i++) {
		yh_import_report rep;

		snprintf(path, sizeof(path), "%s/%s", argv[1], regs[i].file);
		if (yh_import_file(&rep, store, regs[i].kind, path, NULL) < 0)
			return fail(path);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
		yh_task *task = NULL;
		char *ann = NULL, *tr = NULL, *doc = NULL;
		uint64_t seq, freeze;

		snprintf(dir, sizeof(dir), "%s/%s", argv[2], cases[i]);
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return fail(dir);
		snprintf(path, sizeof(path), "%s/vectors/%s/task.json", argv[1], cases[i]);
		if (yh_task_load_file(&task, path) < 0 || yh_task_add(&seq, store, task) < 0)
			return fail(path);
		freeze = seq;
		snprintf(label, sizeof(label), "yaohao test vector %s", cases[i]);
		crypto_hash_sha256(secret, (const unsigned char *)label, strlen(label));
		sodium_bin2hex(secret_hex, sizeof(secret_hex), secret, sizeof(secret));
		snprintf(entropy, sizeof(entropy), "public value for %s", cases[i]);
		opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
		opt.entropy_source = "test vector: a fixed public value";
		opt.secret = secret;
		if (yh_draw_commit(&ann, &seq, store, yh_task_id(task), &opt) < 0)
			return fail("commit");
		if (yh_draw_run(&tr, &tu_draw_result, store, yh_task_id(task), entropy, NULL) < 0)
			return fail("draw");
		if (yh_document_publish(&doc, store, yh_task_id(task)) < 0)
			return fail("publish");
		if (write_text(dir, "secret.hex", secret_hex) || write_text(dir, "entropy.txt", entropy) ||
		    write_text(dir, "announcement.json", ann) || write_text(dir, "transcript.json", tr) ||
		    write_raw(dir, "draw.json", doc) ||
		    export(dir, "entities.csv", store, YH_REGISTER_ENTITIES, freeze) ||
		    export(dir, "inspectors.csv", store, YH_REGISTER_INSPECTORS, freeze) ||
		    export(dir, "conflicts.csv", store, YH_REGISTER_CONFLICTS, freeze))
			return 1;
		free(ann);
		free(tr);
		free(doc);
		yh_task_free(task);
	}
	{
		char *feed = NULL;

		if (yh_feed_publish(&feed, store) < 0)
			return fail("feed");
		if (write_raw(argv[2], "feed.json", feed))
			return 1;
		free(feed);
	}
	yh_store_close(store);
	yh_key_free(key);
	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	return 0;
}
