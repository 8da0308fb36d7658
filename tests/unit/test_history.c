/* test_history.c — register history: full and partial imports, reading a
 * register as of a ledger sequence (yaohao/register.h, yaohao/import.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store/sqlite.h" /* private: the store's sqlite3 handle, to look at every row version */

/* ---- building file versions from the fixtures ---------------------------------------------- */

typedef struct {
	char *lines[512];
	size_t n;
	char *text;
} csv_lines;

/* Splits a CRLF or LF file into physical lines (no quoted line breaks in the fixtures). */
static void split(csv_lines *c, const char *path)
{
	char *p, *save = NULL;

	memset(c, 0, sizeof(*c));
	c->text = tu_read(path, NULL);
	for (p = strtok_r(c->text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(p);

		if (len && p[len - 1] == '\r')
			p[len - 1] = '\0';
		ck_assert_uint_lt(c->n, sizeof(c->lines) / sizeof(c->lines[0]));
		c->lines[c->n++] = p;
	}
}

static void write_lines(const char *path, char *const *lines, size_t n, const char *eol)
{
	FILE *fp = fopen(path, "wb");
	size_t i;

	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < n; i++)
		if (lines[i])
			fprintf(fp, "%s%s", lines[i], eol);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The changes that make v2 of the entity register from entities.csv:
 * line 2 changes its risk C -> D, line 3 is removed, one new entity is added. */
#define CHANGED_ID "921508021393685712"
#define REMOVED_ID "91330109MA1EN2G20E"
#define CHANGED_V1 CHANGED_ID "|临河区徐记杂货店|个体工商户|150802|F52|C|active|0"
#define CHANGED_V2 CHANGED_ID "|临河区徐记杂货店|个体工商户|150802|F52|D|active|0"

static const char *added_id(void)
{
	static char id[19];

	memcpy(id, "91330106MA2H00001", 17);
	id[17] = yh_uscc_check_char(id);
	id[18] = '\0';
	return id;
}

/* Writes tu_dir/entities-v2.csv and returns its path. */
static const char *make_entities_v2(void)
{
	csv_lines c;
	char added[256];
	const char *path = tu_path("entities-v2.csv");

	split(&c, tu_fixture("entities.csv"));
	ck_assert_uint_eq(c.n, 301);
	ck_assert_str_eq(c.lines[1], "921508021393685712,临河区徐记杂货店,个体工商户,150802,F52,C,存续,否");
	ck_assert(strncmp(c.lines[2], REMOVED_ID ",", 19) == 0);
	c.lines[1] = "921508021393685712,临河区徐记杂货店,个体工商户,150802,F52,D,存续,否";
	c.lines[2] = NULL;
	snprintf(added, sizeof(added), "%s,杭州新开张餐饮有限公司,有限责任公司,330106,H62,A,存续,否", added_id());
	c.lines[c.n++] = added;
	write_lines(path, c.lines, c.n, "\r\n");
	free(c.text);
	return path;
}

static void import_v1(yh_store *store)
{
	yh_import_report rep;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	ck_assert_uint_eq(rep.seq, 2);
	ck_assert_uint_eq(rep.added, 300);
}

static void import_v2(yh_store *store, uint64_t want_seq)
{
	yh_import_report rep;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, make_entities_v2(), NULL);
	ck_assert_uint_eq(rep.seq, want_seq);
	ck_assert_uint_eq(rep.rows, 300);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.closed, 1);
	ck_assert_uint_eq(rep.added, 1);
	ck_assert_uint_eq(rep.unchanged, 298);
}

/* ---- tests ----------------------------------------------------------------------------------- */

START_TEST(test_full_import_counts)
{
	yh_store *store = tu_store_new();
	char *text;
	json_t *p;

	import_v1(store);
	import_v2(store, 3);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 1), 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 2), 300);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 3), 300);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 300);
	/* the ledger entry has the counts */
	text = tu_ledger_payload(store, 3, NULL);
	p = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "added")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "changed")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "closed")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "unchanged")), 298);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "rows")), 300);
	ck_assert_str_eq(json_string_value(json_object_get(p, "file")), "entities-v2.csv");
	json_decref(p);
	free(text);
	yh_store_close(store);
}
END_TEST

/* Each version of each row is found as of the right sequence. */
START_TEST(test_rows_as_of)
{
	yh_store *store = tu_store_new();
	char *row;

	import_v1(store);
	import_v2(store, 3);

	row = tu_register_row(store, YH_REGISTER_ENTITIES, 2, CHANGED_ID);
	ck_assert_str_eq(row, CHANGED_V1);
	free(row);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 3, CHANGED_ID);
	ck_assert_str_eq(row, CHANGED_V2);
	free(row);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, CHANGED_ID);
	ck_assert_str_eq(row, CHANGED_V2);
	free(row);

	row = tu_register_row(store, YH_REGISTER_ENTITIES, 2, REMOVED_ID);
	ck_assert_ptr_nonnull(row);
	free(row);
	ck_assert_ptr_null(tu_register_row(store, YH_REGISTER_ENTITIES, 3, REMOVED_ID));
	ck_assert_ptr_null(tu_register_row(store, YH_REGISTER_ENTITIES, 0, REMOVED_ID));

	ck_assert_ptr_null(tu_register_row(store, YH_REGISTER_ENTITIES, 2, added_id()));
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 3, added_id());
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(row, "|杭州新开张餐饮有限公司|"));
	free(row);
	ck_assert_ptr_null(tu_register_row(store, YH_REGISTER_ENTITIES, 1, CHANGED_ID));
	yh_store_close(store);
}
END_TEST

/* As of v1's sequence the register is exactly v1; as of v2's (and now) exactly v2. */
START_TEST(test_dump_as_of)
{
	yh_store *store = tu_store_new(), *only_v2 = NULL;
	char *v1_then, *at2, *at3, *now, *v2_alone;
	yh_import_report rep;

	import_v1(store);
	v1_then = tu_register_dump(store, YH_REGISTER_ENTITIES, 0);
	import_v2(store, 3);
	at2 = tu_register_dump(store, YH_REGISTER_ENTITIES, 2);
	at3 = tu_register_dump(store, YH_REGISTER_ENTITIES, 3);
	now = tu_register_dump(store, YH_REGISTER_ENTITIES, 0);
	ck_assert_str_eq(at2, v1_then);
	ck_assert_str_eq(at3, now);
	ck_assert_str_ne(at2, at3);

	/* a store that only ever saw v2 has the same register */
	ck_assert_int_eq(yh_store_create(&only_v2, tu_path("v2.db"), TU_DEPARTMENT), YH_OK);
	tu_import_ok(&rep, only_v2, YH_REGISTER_ENTITIES, tu_path("entities-v2.csv"), NULL);
	v2_alone = tu_register_dump(only_v2, YH_REGISTER_ENTITIES, 0);
	ck_assert_str_eq(v2_alone, at3);

	/* rows come in key order */
	{
		char *prev = NULL, *line, *save = NULL, *copy = strdup(now);

		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (prev)
				ck_assert_msg(strncmp(prev, line, 18) < 0, "%.18s before %.18s", prev, line);
			prev = line;
		}
		free(copy);
	}
	free(v1_then);
	free(at2);
	free(at3);
	free(now);
	free(v2_alone);
	yh_store_close(only_v2);
	yh_store_close(store);
}
END_TEST

/* Rows are never overwritten: the changed and removed versions are closed, not gone. */
START_TEST(test_versions_kept)
{
	yh_store *store = tu_store_new();

	import_v1(store);
	import_v2(store, 3);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity"), 302);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity WHERE valid_to = 3"), 2);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity WHERE valid_from = 3"), 2);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity WHERE valid_to IS NULL"), 300);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity WHERE id = '" CHANGED_ID "'"), 2);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity WHERE id = '" REMOVED_ID "' "
	                                "AND valid_from = 2 AND valid_to = 3"), 1);
	yh_store_close(store);
}
END_TEST

/* A partial import adds and changes; rows absent from the file stay. */
START_TEST(test_partial_import)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	char csv[1024], *v1_dump, *at2, *row;
	csv_lines c;

	import_v1(store);
	v1_dump = tu_register_dump(store, YH_REGISTER_ENTITIES, 0);
	split(&c, tu_fixture("entities.csv"));
	/* the changed row, the new row, and line 4 as it is */
	snprintf(csv, sizeof(csv), "%s\r\n%s\r\n%s,杭州新开张餐饮有限公司,有限责任公司,330106,H62,A,存续,否\r\n%s\r\n",
	         c.lines[0], "921508021393685712,临河区徐记杂货店,个体工商户,150802,F52,D,存续,否",
	         added_id(), c.lines[3]);
	free(c.text);
	tu_write_str(tu_path("part.csv"), csv);
	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.partial = 1;
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("part.csv"), &opt);
	ck_assert_uint_eq(rep.seq, 3);
	ck_assert_uint_eq(rep.rows, 3);
	ck_assert_uint_eq(rep.added, 1);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.unchanged, 1);
	ck_assert_uint_eq(rep.closed, 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 301);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 2), 300);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, REMOVED_ID);
	ck_assert_ptr_nonnull(row); /* absent from the file, still current */
	free(row);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, CHANGED_ID);
	ck_assert_str_eq(row, CHANGED_V2);
	free(row);
	at2 = tu_register_dump(store, YH_REGISTER_ENTITIES, 2);
	ck_assert_str_eq(at2, v1_dump);

	/* the same file as a full import closes everything else */
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("part.csv"), NULL);
	ck_assert_uint_eq(rep.unchanged, 3);
	ck_assert_uint_eq(rep.closed, 298);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 3);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 3), 301);
	free(v1_dump);
	free(at2);
	yh_store_close(store);
}
END_TEST

/* The same file again: everything unchanged, and the import is still on record. */
START_TEST(test_reimport_identical)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char *before, *after, *p2, *p3;
	json_t *j2, *j3;

	import_v1(store);
	before = tu_register_dump(store, YH_REGISTER_ENTITIES, 0);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	ck_assert_uint_eq(rep.seq, 3);
	ck_assert_uint_eq(rep.unchanged, 300);
	ck_assert_uint_eq(rep.added + rep.changed + rep.closed, 0);
	ck_assert_uint_eq(tu_ledger_head(store), 3);
	after = tu_register_dump(store, YH_REGISTER_ENTITIES, 0);
	ck_assert_str_eq(before, after);
	free(after);
	after = tu_register_dump(store, YH_REGISTER_ENTITIES, 3);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(tu_sql_int(store->db, "SELECT count(*) FROM entity"), 300);
	p2 = tu_ledger_payload(store, 2, NULL);
	p3 = tu_ledger_payload(store, 3, NULL);
	j2 = json_loads(p2, 0, NULL);
	j3 = json_loads(p3, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j2, "sha256")),
	                 json_string_value(json_object_get(j3, "sha256")));
	ck_assert_int_eq(json_integer_value(json_object_get(j3, "unchanged")), 300);
	json_decref(j2);
	json_decref(j3);
	free(p2);
	free(p3);
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

/* A failed import after v2 leaves v1 and v2 as they were; the next good import takes the next sequence. */
START_TEST(test_failed_import_keeps_history)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char *before, *after, *at2, *at3, *again2, *again3, *at4;
	csv_lines c;
	tu_diags ds;

	import_v1(store);
	import_v2(store, 3);
	before = tu_store_fingerprint(store);
	at2 = tu_register_dump(store, YH_REGISTER_ENTITIES, 2);
	at3 = tu_register_dump(store, YH_REGISTER_ENTITIES, 3);

	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("broken/entities-mixed.csv"), NULL, &ds), YH_EDATA);
	/* v1 with one bad row at the very end: 300 good rows written, then rolled back */
	split(&c, tu_fixture("entities.csv"));
	c.lines[c.n++] = "91350211M0000XUF46,厦门某公司,有限责任公司,350211,F52,A,存续,否";
	write_lines(tu_path("late-error.csv"), c.lines, c.n, "\r\n");
	free(c.text);
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("late-error.csv"), NULL,
	                           &ds), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	ck_assert_uint_eq(ds.d[0].line, 302);
	ck_assert_uint_eq(rep.seq, 0);

	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	again2 = tu_register_dump(store, YH_REGISTER_ENTITIES, 2);
	again3 = tu_register_dump(store, YH_REGISTER_ENTITIES, 3);
	ck_assert_str_eq(again2, at2);
	ck_assert_str_eq(again3, at3);
	ck_assert_uint_eq(tu_ledger_head(store), 3);

	/* v1 again: the removed row comes back, the change is undone, the new row closes */
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	ck_assert_uint_eq(rep.seq, 4);
	ck_assert_uint_eq(rep.added, 1);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.closed, 1);
	ck_assert_uint_eq(rep.unchanged, 298);
	at4 = tu_register_dump(store, YH_REGISTER_ENTITIES, 4);
	ck_assert_str_eq(at4, at2);
	free(again3);
	again3 = tu_register_dump(store, YH_REGISTER_ENTITIES, 3);
	ck_assert_str_eq(again3, at3);
	free(before);
	free(after);
	free(at2);
	free(at3);
	free(again2);
	free(again3);
	free(at4);
	yh_store_close(store);
}
END_TEST

/* A full import of a header alone would empty a filled register: refused; partial is a no-op. */
START_TEST(test_empty_full_import_over_filled)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	char *before, *after;
	csv_lines c;
	tu_diags ds;

	import_v1(store);
	split(&c, tu_fixture("entities.csv"));
	write_lines(tu_path("header.csv"), c.lines, 1, "\r\n");
	free(c.text);
	before = tu_store_fingerprint(store);
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("header.csv"), NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	ck_assert_ptr_nonnull(strstr(ds.d[0].message, "no data rows"));
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.partial = 1;
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("header.csv"), &opt);
	ck_assert_uint_eq(rep.rows, 0);
	ck_assert_uint_eq(rep.seq, 3);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 300);
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

/* Conflicts have a composite key (inspector, entity): history works the same. */
START_TEST(test_conflicts_history)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	csv_lines c;
	char added[128], *at2, *at3, *now;
	const char *first_entity, *removed;
	char changed_line[256], removed_key[64];

	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_fixture("conflicts.csv"), NULL);
	ck_assert_uint_eq(rep.added, 15);
	at2 = tu_register_dump(store, YH_REGISTER_CONFLICTS, 0);

	split(&c, tu_fixture("conflicts.csv"));
	ck_assert_uint_eq(c.n, 16);
	ck_assert_str_eq(c.lines[0], "entity_id,inspector_id,reason");
	/* line 2: a new reason; line 3: removed; a new pair for line 2's officer */
	first_entity = c.lines[1];
	ck_assert(strncmp(c.lines[1] + 18, ",33010020200008,", 16) == 0);
	snprintf(changed_line, sizeof(changed_line), "%.18s,33010020200008,当事人申请回避", first_entity);
	removed = c.lines[2];
	snprintf(removed_key, sizeof(removed_key), "%.14s", removed + 19);
	c.lines[1] = changed_line;
	c.lines[2] = NULL;
	snprintf(added, sizeof(added), "%s,33010020200008,近亲属任职", added_id());
	c.lines[c.n++] = added;
	write_lines(tu_path("conflicts-v2.csv"), c.lines, c.n, "\n");

	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("conflicts-v2.csv"), NULL);
	ck_assert_uint_eq(rep.seq, 3);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.closed, 1);
	ck_assert_uint_eq(rep.added, 1);
	ck_assert_uint_eq(rep.unchanged, 13);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_CONFLICTS, 0), 15);

	at3 = tu_register_dump(store, YH_REGISTER_CONFLICTS, 2);
	ck_assert_str_eq(at3, at2);
	free(at3);
	at3 = tu_register_dump(store, YH_REGISTER_CONFLICTS, 3);
	now = tu_register_dump(store, YH_REGISTER_CONFLICTS, 0);
	ck_assert_str_eq(at3, now);
	ck_assert_str_ne(at3, at2);
	{
		char want[256];

		snprintf(want, sizeof(want), "33010020200008|%.18s|当事人申请回避\n", first_entity);
		ck_assert_msg(strstr(now, want) != NULL, "%s", now);
		snprintf(want, sizeof(want), "33010020200008|%s|近亲属任职\n", added_id());
		ck_assert_msg(strstr(now, want) != NULL, "%s", now);
		ck_assert_msg(strstr(at2, want) == NULL, "%s", at2);
		snprintf(want, sizeof(want), "%s|%.18s|", removed_key, removed);
		ck_assert_msg(strstr(at2, want) != NULL, "%s", want);
		ck_assert_msg(strstr(now, want) == NULL, "%s", want);
	}
	free(c.text);
	free(at2);
	free(at3);
	free(now);
	yh_store_close(store);
}
END_TEST

/* Imports of one register do not touch the history of another. */
START_TEST(test_registers_independent)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char *e2, *e3, *e4, *i3, *i4;

	import_v1(store);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	ck_assert_uint_eq(rep.seq, 3);
	import_v2(store, 4);
	e2 = tu_register_dump(store, YH_REGISTER_ENTITIES, 2);
	e3 = tu_register_dump(store, YH_REGISTER_ENTITIES, 3);
	e4 = tu_register_dump(store, YH_REGISTER_ENTITIES, 4);
	i3 = tu_register_dump(store, YH_REGISTER_INSPECTORS, 3);
	i4 = tu_register_dump(store, YH_REGISTER_INSPECTORS, 4);
	ck_assert_str_eq(e2, e3);
	ck_assert_str_ne(e3, e4);
	ck_assert_str_eq(i3, i4);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_INSPECTORS, 2), 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_INSPECTORS, 3), 40);
	/* a full entity import never closes inspectors */
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_INSPECTORS, 0), 40);
	free(e2);
	free(e3);
	free(e4);
	free(i3);
	free(i4);
	yh_store_close(store);
}
END_TEST

/* An officer's status change is a new version; as-of reads give each. */
START_TEST(test_inspector_change)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	csv_lines c;
	char line[256], *row, *old;
	size_t i;

	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	split(&c, tu_fixture("inspectors.csv"));
	/* the officer on line 3, 33010020240001, suspended, goes on leave */
	ck_assert(strstr(c.lines[2], ",33010020240001,") != NULL);
	snprintf(line, sizeof(line), "%s", c.lines[2]);
	for (i = strlen(line); i > 0 && line[i - 1] != ','; i--)
		;
	strcpy(line + i, "休假");
	c.lines[2] = line;
	write_lines(tu_path("inspectors-v2.csv"), c.lines, c.n, "\n");
	free(c.text);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_path("inspectors-v2.csv"), NULL);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.unchanged, 39);
	old = tu_register_row(store, YH_REGISTER_INSPECTORS, 2, "33010020240001");
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 3, "33010020240001");
	ck_assert_ptr_nonnull(old);
	ck_assert_ptr_nonnull(row);
	ck_assert_msg(strstr(row, "|on_leave") != NULL, "%s", row);
	ck_assert_msg(strstr(old, "|suspended") != NULL, "%s", old);
	free(old);
	free(row);
	yh_store_close(store);
}
END_TEST

static int stop_after_two(void *ctx, const char *const *values, size_t n)
{
	int *seen = ctx;

	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(strlen(values[0]), 18);
	return ++*seen == 2 ? 42 : 0;
}

/* The register descriptors and the walk's early stop. */
START_TEST(test_register_api)
{
	static const char *const names[] = { "entities", "inspectors", "conflicts", "items" };
	static const char *const singular[] = { "entity", "inspector", "conflict", "item" };
	static const size_t ncols[] = { 8, 6, 3, 5 };
	static const size_t nkeys[] = { 1, 1, 2, 1 };
	yh_store *store = tu_store_new();
	yh_register_kind k;
	const yh_register_column *cols;
	int i, seen = 0;
	uint64_t n = 99;

	for (i = 0; i < YH_REGISTER_COUNT; i++) {
		ck_assert_str_eq(yh_register_name((yh_register_kind)i), names[i]);
		ck_assert_int_eq(yh_register_lookup(&k, names[i]), YH_OK);
		ck_assert_int_eq(k, i);
		ck_assert_int_eq(yh_register_lookup(&k, singular[i]), YH_OK);
		ck_assert_int_eq(k, i);
		ck_assert_uint_eq(yh_register_columns(&cols, (yh_register_kind)i), ncols[i]);
		ck_assert_uint_eq(yh_register_key_count((yh_register_kind)i), nkeys[i]);
		ck_assert(cols[0].required);
		ck_assert_ptr_nonnull(cols[0].aliases);
		ck_assert_ptr_nonnull(cols[0].rule);
	}
	ck_assert_int_eq(yh_register_lookup(&k, "Entities"), YH_EINVAL);
	ck_assert_int_eq(yh_register_lookup(&k, "tasks"), YH_EINVAL);
	ck_assert_int_eq(yh_register_count(&n, store, YH_REGISTER_COUNT, 0), YH_EINVAL);
	ck_assert_uint_eq(n, 0);
	yh_register_columns(&cols, YH_REGISTER_ENTITIES);
	ck_assert_str_eq(cols[0].name, "id");
	ck_assert_str_eq(cols[0].aliases[0], "统一社会信用代码");
	ck_assert_str_eq(cols[7].name, "abnormal");
	yh_register_columns(&cols, YH_REGISTER_CONFLICTS);
	ck_assert_str_eq(cols[0].name, "inspector_id");
	ck_assert_str_eq(cols[1].name, "entity_id");

	import_v1(store);
	ck_assert_int_eq(yh_register_foreach(store, YH_REGISTER_ENTITIES, 0, stop_after_two, &seen), 42);
	ck_assert_int_eq(seen, 2);
	yh_store_close(store);
}
END_TEST

static Suite *history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tu_tcase(s, "history", TU_TMPDIR, 60);

	tcase_add_test(tc, test_full_import_counts);
	tcase_add_test(tc, test_rows_as_of);
	tcase_add_test(tc, test_dump_as_of);
	tcase_add_test(tc, test_versions_kept);
	tcase_add_test(tc, test_partial_import);
	tcase_add_test(tc, test_reimport_identical);
	tcase_add_test(tc, test_failed_import_keeps_history);
	tcase_add_test(tc, test_empty_full_import_over_filled);
	tcase_add_test(tc, test_conflicts_history);
	tcase_add_test(tc, test_registers_independent);
	tcase_add_test(tc, test_inspector_change);
	tcase_add_test(tc, test_register_api);
	return s;
}

TU_MAIN(history_suite)
