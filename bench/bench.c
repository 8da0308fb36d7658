/*
 * bench.c — yaohao-bench: the reference loops the benchmark compares yaohao with,
 * and a process timer.  Not installed.
 *
 *   yaohao-bench measure OUT -- CMD [ARGS...]   run CMD; write "seconds peak_rss_kb" to OUT
 *   yaohao-bench bare-insert CSV DB            the import limit: read the same CSV with the same
 *                                              reader, insert the raw fields with one prepared
 *                                              statement into a table of the register's shape
 *                                              (same keys and index), one transaction
 *   yaohao-bench limit DB SEQ                  the draw limit: scan the ids of the entity register
 *                                              as of SEQ and hash each once (SHA-256 as a ticket)
 *   yaohao-bench random DB SEQ TRANSCRIPT      the naive peer: per stratum of the transcript,
 *                                              SELECT ... ORDER BY random() LIMIT k (not verifiable)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <yaohao/yaohao.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int measure(int argc, char **argv)
{
	struct rusage ru;
	double t0 = now(), t;
	int status;
	pid_t pid;
	FILE *fp;

	if (argc < 5 || strcmp(argv[3], "--") != 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		execvp(argv[4], argv + 4);
		perror(argv[4]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	t = now() - t0;
	if (!(fp = fopen(argv[2], "w")))
		return 1;
	fprintf(fp, "%.3f %ld\n", t, ru.ru_maxrss);
	fclose(fp);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int bare_insert(const char *csv_path, const char *db_path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	yh_csv *csv = NULL;
	int r, i;

	if (yh_csv_open(&csv, csv_path, NULL) < 0 || sqlite3_open(db_path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	             "PRAGMA cache_size = -262144;"
	             "CREATE TABLE entity (id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, "
	             "region TEXT NOT NULL, industry TEXT NOT NULL, risk TEXT NOT NULL, status TEXT NOT NULL, "
	             "abnormal TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER, "
	             "PRIMARY KEY (id, valid_from)) WITHOUT ROWID;"
	             "CREATE UNIQUE INDEX entity_current ON entity (id) WHERE valid_to IS NULL;"
	             "BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO entity VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, NULL)",
	                       -1, &st, NULL) != SQLITE_OK)
		return 1;
	if (yh_csv_next(csv) < 0) /* the header */
		return 1;
	while ((r = yh_csv_next(csv)) > 0) {
		for (i = 0; i < 8; i++) {
			size_t len;
			const char *f = yh_csv_field(csv, (size_t)i, &len);

			sqlite3_bind_text(st, i + 1, f ? f : "", f ? (int)len : 0, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			return 1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	r = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	yh_csv_free(csv);
	return r == SQLITE_OK ? 0 : 1;
}

static int limit(const char *db_path, long long seq)
{
	unsigned char seed[32] = { 1 }, tag[32] = "yaohao:ticket:v2", t[32], acc = 0;
	crypto_hash_sha256_state st0, st;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long rows = 0;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id FROM entity WHERE valid_from <= ?1 AND "
	                       "(valid_to IS NULL OR valid_to > ?1)", -1, &q, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_int64(q, 1, seq);
	crypto_hash_sha256_init(&st0);
	crypto_hash_sha256_update(&st0, seed, 32);
	crypto_hash_sha256_update(&st0, tag, sizeof(tag)); /* PAD32: the first block is hashed once */
	while (sqlite3_step(q) == SQLITE_ROW) {
		st = st0;
		crypto_hash_sha256_update(&st, sqlite3_column_text(q, 0), (unsigned long long)sqlite3_column_bytes(q, 0));
		crypto_hash_sha256_final(&st, t);
		acc ^= t[0];
		rows++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	fprintf(stderr, "limit: %lld ids hashed (%02x)\n", rows, acc);
	return 0;
}

static int random_peer(const char *db_path, long long seq, const char *transcript)
{
	json_t *tr = json_load_file(transcript, 0, NULL), *s;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long got = 0;
	size_t i;

	if (!tr || sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id FROM entity WHERE valid_from <= ?1 AND (valid_to IS NULL "
	                       "OR valid_to > ?1) AND status = 'active' AND risk = ?2 "
	                       "ORDER BY random() LIMIT ?3", -1, &q, NULL) != SQLITE_OK)
		return 1;
	json_array_foreach(json_object_get(tr, "strata"), i, s) {
		const char *key = json_string_value(json_object_get(s, "key"));

		sqlite3_bind_int64(q, 1, seq);
		sqlite3_bind_text(q, 2, strcmp(key, "-") == 0 ? "" : key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 3, json_integer_value(json_object_get(s, "selected")));
		while (sqlite3_step(q) == SQLITE_ROW)
			got++;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	json_decref(tr);
	fprintf(stderr, "random: %lld ids picked\n", got);
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc >= 2 && strcmp(argv[1], "measure") == 0)
		return measure(argc, argv);
	if (argc == 4 && strcmp(argv[1], "bare-insert") == 0)
		return bare_insert(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "limit") == 0)
		return limit(argv[2], atoll(argv[3]));
	if (argc == 5 && strcmp(argv[1], "random") == 0)
		return random_peer(argv[2], atoll(argv[3]), argv[4]);
	fprintf(stderr, "usage: see the comment at the top of bench/bench.c\n");
	return 2;
}
