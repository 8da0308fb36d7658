/* test_import.c — importing register files (yaohao/import.h): the four
 * importers, encodings, headers, value rules, errors, options, the ledger entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "testutil.h"
#include "row_sort.h"
#include "store/sqlite.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Writes `csv` to tu_dir/name and imports it. */
static int import_text(yh_import_report *rep, yh_store *store, yh_register_kind kind,
                       const char *name, const char *csv, const yh_import_options *opt,
                       tu_diags *ds)
{
	tu_write_str(tu_path(name), csv);
	return tu_import(rep, store, kind, tu_path(name), opt, ds);
}

/* A valid credit code numbered n: 91330106MA + 7 digits + check character. */
static const char *make_uscc(unsigned n)
{
	static char bufs[8][19];
	static unsigned next;
	char *out = bufs[next++ % 8];

	snprintf(out, 19, "91330106MA%07u", n);
	out[17] = yh_uscc_check_char(out);
	out[18] = '\0';
	ck_assert_int_eq(yh_uscc_check(NULL, out, 18), YH_USCC_OK);
	return out;
}

/* The same code with a wrong check character. */
static const char *make_bad_uscc(unsigned n)
{
	static char buf[19];
	const char *good = make_uscc(n);

	memcpy(buf, good, 19);
	buf[17] = good[17] == '0' ? '1' : '0';
	return buf;
}

static json_t *payload_json(yh_store *store, uint64_t seq)
{
	char *kind, *text = tu_ledger_payload(store, seq, &kind);
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	ck_assert_msg(j != NULL, "payload of %llu: %s", (unsigned long long)seq, jerr.text);
	ck_assert_str_eq(kind, "import");
	free(kind);
	free(text);
	return j;
}

static void file_sha256(unsigned char out[32], const char *path)
{
	size_t len;
	char *data = tu_read(path, &len);

	crypto_hash_sha256(out, (const unsigned char *)data, len);
	free(data);
}

static const tu_diag *find_msg(const tu_diags *ds, uint64_t line, const char *column,
                               const char *part)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		const tu_diag *d = &ds->d[i];

		if (d->line == line && (!column || strcmp(d->column, column) == 0) &&
		    strstr(d->message, part))
			return d;
	}
	return NULL;
}

static void dump_diags(const tu_diags *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		fprintf(stderr, "  diag %zu: line %llu column '%s' %s%s\n", i,
		        (unsigned long long)ds->d[i].line, ds->d[i].column,
		        ds->d[i].warning ? "warning: " : "", ds->d[i].message);
}

#define EXPECT_DIAG(ds, line, column, part)                                                   \
	do {                                                                                      \
		if (!find_msg((ds), (line), (column), (part))) {                                      \
			dump_diags(ds);                                                                   \
			ck_abort_msg("no diagnostic on line %d, column %s, with '%s'", (int)(line),       \
			             (column) ? (column) : "(any)", (part));                             \
		}                                                                                     \
	} while (0)

static const char entity_header[] =
	"统一社会信用代码,企业名称,市场主体类型,区划代码,行业代码,风险等级,登记状态,经营异常名录\r\n";

/* ---- the fixtures import cleanly ------------------------------------------------- */

static const struct {
	yh_register_kind kind;
	const char *file;
	const char *name;
	uint64_t rows;
} fixtures[] = {
	{ YH_REGISTER_ENTITIES, "entities.csv", "entities", 300 },
	{ YH_REGISTER_INSPECTORS, "inspectors.csv", "inspectors", 40 },
	{ YH_REGISTER_CONFLICTS, "conflicts.csv", "conflicts", 15 },
	{ YH_REGISTER_ITEMS, "items.csv", "items", 8 },
};

START_TEST(test_fixture_imports_cleanly)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	unsigned char sha[32];
	char hex[65];
	json_t *p;
	int rc;

	rc = tu_import(&rep, store, fixtures[_i].kind, tu_fixture(fixtures[_i].file), NULL, &ds);
	ck_assert_msg(rc == YH_OK, "%s: %d %s", fixtures[_i].file, rc, yh_error_message());
	ck_assert_uint_eq(ds.n, 0);
	ck_assert_uint_eq(rep.rows, fixtures[_i].rows);
	ck_assert_uint_eq(rep.added, fixtures[_i].rows);
	ck_assert_uint_eq(rep.changed + rep.unchanged + rep.closed, 0);
	ck_assert_uint_eq(rep.errors + rep.warnings + rep.bad_check_accepted, 0);
	ck_assert_uint_eq(rep.seq, 2);
	ck_assert_uint_eq(tu_ledger_head(store), 2);
	ck_assert_uint_eq(tu_register_count(store, fixtures[_i].kind, 0), fixtures[_i].rows);
	ck_assert_uint_eq(tu_register_count(store, fixtures[_i].kind, 2), fixtures[_i].rows);
	ck_assert_uint_eq(tu_register_count(store, fixtures[_i].kind, 1), 0);
	/* the report and the ledger carry the SHA-256 of the file's bytes */
	file_sha256(sha, tu_fixture(fixtures[_i].file));
	ck_assert_mem_eq(rep.sha256, sha, 32);
	sodium_bin2hex(hex, sizeof(hex), sha, 32);
	p = payload_json(store, 2);
	ck_assert_str_eq(tu_jstr(p, "sha256"), hex);
	ck_assert_str_eq(tu_jstr(p, "register"), fixtures[_i].name);
	ck_assert_str_eq(tu_jstr(p, "file"), fixtures[_i].file);
	ck_assert_str_eq(tu_jstr(p, "encoding"), "utf-8");
	ck_assert_str_eq(tu_jstr(p, "mode"), "full");
	ck_assert_str_eq(tu_jstr(p, "time"), "2026-01-01T00:00:00Z");
	ck_assert(json_is_false(json_object_get(p, "accept_bad_check")));
	ck_assert_ptr_null(json_object_get(p, "bad_check_accepted"));
	ck_assert_int_eq(tu_jint(p, "rows"), (json_int_t)fixtures[_i].rows);
	ck_assert_int_eq(tu_jint(p, "added"), (json_int_t)fixtures[_i].rows);
	ck_assert_int_eq(tu_jint(p, "changed"), 0);
	ck_assert_int_eq(tu_jint(p, "unchanged"), 0);
	ck_assert_int_eq(tu_jint(p, "closed"), 0);
	json_decref(p);
	/* the other registers are untouched */
	{
		int k;

		for (k = 0; k < YH_REGISTER_COUNT; k++)
			if (k != (int)fixtures[_i].kind)
				ck_assert_uint_eq(tu_register_count(store, (yh_register_kind)k, 0), 0);
	}
	yh_store_close(store);
}
END_TEST

START_TEST(test_all_fixtures_one_store)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	size_t i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		tu_import_ok(&rep, store, fixtures[i].kind, tu_fixture(fixtures[i].file), NULL);
		ck_assert_uint_eq(rep.seq, i + 2);
		ck_assert_uint_eq(rep.added, fixtures[i].rows);
	}
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		ck_assert_uint_eq(tu_register_count(store, fixtures[i].kind, 0), fixtures[i].rows);
	yh_store_close(store);
}
END_TEST

/* Values that come through quoting and encoding in the fixtures (fixtures/README.md). */
START_TEST(test_fixture_values)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char *row;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	/* line 2 as written */
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "921508021393685712");
	ck_assert_str_eq(row, "921508021393685712|临河区徐记杂货店|个体工商户|150802|F52|C|active|0");
	free(row);
	/* the real vectors with a county code that differs from positions 3-8 */
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "91350100M000100Y43");
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(row, "|350102|"));
	free(row);
	tu_import_ok(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), NULL);
	/* the BOM is gone from the first header, and the quoted comma survives */
	row = tu_register_row(store, YH_REGISTER_ITEMS, 0, "SP-02");
	ck_assert_ptr_nonnull(row);
	ck_assert_msg(strstr(row, "》第一百一十条, 《") != NULL, "%s", row);
	ck_assert_ptr_nonnull(strstr(row, "|330100-SCJG|食品"));
	free(row);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "33010020200501");
	ck_assert_ptr_nonnull(row);
	ck_assert_msg(strstr(row, "|杨佳怡|330100-STHJ|") != NULL, "%s", row);
	ck_assert_msg(strstr(row, "产品质量") != NULL, "%s", row);
	free(row);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "33010020200002");
	ck_assert_msg(row && strstr(row, "|钱霞|330100-SCJG|2025-06-30|食品|active"), "%s", row);
	free(row);
	yh_store_close(store);
}
END_TEST

START_TEST(test_conflicts_fixture)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char *dump;

	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_fixture("conflicts.csv"), NULL);
	ck_assert_uint_eq(rep.added, 15);
	dump = tu_register_dump(store, YH_REGISTER_CONFLICTS, 0);
	/* stored as inspector_id|entity_id|reason, whatever the file's column order */
	ck_assert_msg(strstr(dump, "33010020200008|92330109677002104N|") != NULL, "%s", dump);
	/* one entity with two officers: two rows */
	{
		const char *p = dump;
		int n = 0;

		while ((p = strstr(p, "|92330102MA41TARQ59|")) != NULL) {
			n++;
			p++;
		}
		ck_assert_int_eq(n, 2);
	}
	free(dump);
	yh_store_close(store);
}
END_TEST

/* ---- encodings ----------------------------------------------------------------------- */

START_TEST(test_gb18030_same_register)
{
	yh_store *a = tu_store_new(), *b = NULL, *c = NULL;
	yh_import_report ra, rb, rc_;
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	char *da, *db, *dc;
	unsigned char sha[32];
	json_t *p;

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	tu_import_ok(&ra, a, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	ck_assert_int_eq(yh_store_create(&b, tu_path("b.db"), TU_DEPARTMENT), YH_OK);
	opt.encoding = "gb18030";
	tu_import_ok(&rb, b, YH_REGISTER_ENTITIES, tu_fixture("entities-gb18030.csv"), &opt);
	ck_assert_int_eq(yh_store_create(&c, tu_path("c.db"), TU_DEPARTMENT), YH_OK);
	opt.encoding = "gbk";
	tu_import_ok(&rc_, c, YH_REGISTER_ENTITIES, tu_fixture("entities-gb18030.csv"), &opt);
	/* options of another version are refused, not misread */
	{
		yh_import_options old = YH_IMPORT_OPTIONS_INIT;
		yh_import_report rr;

		old.version = 0;
		ck_assert_int_eq(yh_import_file(&rr, c, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), &old),
		                 YH_EINVAL);
		ck_assert_ptr_nonnull(strstr(yh_error_message(), "YH_IMPORT_OPTIONS_INIT"));
	}

	ck_assert_uint_eq(rb.added, 300);
	ck_assert_uint_eq(rc_.added, 300);
	da = tu_register_dump(a, YH_REGISTER_ENTITIES, 0);
	db = tu_register_dump(b, YH_REGISTER_ENTITIES, 0);
	dc = tu_register_dump(c, YH_REGISTER_ENTITIES, 0);
	ck_assert_uint_gt(strlen(da), 300 * 30);
	ck_assert_msg(strcmp(da, db) == 0, "the GB18030 file gives another register");
	ck_assert_str_eq(db, dc);

	/* the hash is of the GB18030 bytes as read */
	file_sha256(sha, tu_fixture("entities-gb18030.csv"));
	ck_assert_mem_eq(rb.sha256, sha, 32);
	ck_assert(memcmp(ra.sha256, rb.sha256, 32) != 0);
	p = payload_json(b, 2);
	ck_assert_str_eq(tu_jstr(p, "encoding"), "gb18030");
	ck_assert_str_eq(tu_jstr(p, "file"), "entities-gb18030.csv");
	json_decref(p);
	p = payload_json(c, 2);
	ck_assert_str_eq(tu_jstr(p, "encoding"), "gbk");
	json_decref(p);

	/* importing the GB18030 file over the UTF-8 one changes nothing */
	opt.encoding = "GB18030";
	tu_import_ok(&rb, a, YH_REGISTER_ENTITIES, tu_fixture("entities-gb18030.csv"), &opt);
	ck_assert_uint_eq(rb.unchanged, 300);
	ck_assert_uint_eq(rb.added + rb.changed + rb.closed, 0);
	free(da);
	free(db);
	free(dc);
	yh_store_close(a);
	yh_store_close(b);
	yh_store_close(c);
}
END_TEST

/* A GB18030 file read as UTF-8 (forced: without an encoding it is detected) fails, and says
 * what to try. */
START_TEST(test_gb18030_read_as_utf8)
{
	yh_store *store = tu_store_new();
	char *before = tu_store_fingerprint(store), *after;
	yh_import_options utf8 = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;

	utf8.encoding = "utf-8";
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("entities-gb18030.csv"), &utf8, &ds), YH_EDATA);
	ck_assert_uint_gt(rep.errors, 0);
	ck_assert_uint_eq(rep.seq, 0);
	ck_assert_uint_gt(ds.n, 0);
	ck_assert_msg(strstr(ds.d[0].message, "in another encoding?") != NULL, "%s", ds.d[0].message);
	ck_assert_int_eq(ds.d[0].hint, YH_HINT_TRY_GB18030);
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

/* Bytes that are not GB18030 in a GB18030 import: a diagnostic on their line, nothing applied. */
START_TEST(test_gb18030_invalid_bytes)
{
	yh_store *store = tu_store_new();
	char *before = tu_store_fingerprint(store), *after, *gb, *data, line[256];
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;
	size_t len, n;

	snprintf(line, sizeof(line), "%s%s,杭州某公司,有限责任公司,330106,F52,A,存续,否\r\n", entity_header,
	         make_uscc(1));
	gb = tu_iconv("GB18030", line, &len);
	data = malloc(len + 128);
	ck_assert_ptr_nonnull(data);
	memcpy(data, gb, len);
	n = len + (size_t)sprintf(data + len, "%s,杭州\xFF\xFF,有限责任公司,330106,F52,A,,\r\n", make_uscc(2));
	tu_write(tu_path("bad-gb.csv"), data, n);
	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.encoding = "gb18030";
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("bad-gb.csv"), &opt, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	ck_assert_uint_eq(rep.seq, 0);
	EXPECT_DIAG(&ds, 3, "企业名称", "not valid in the given encoding");
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(gb);
	free(data);
	yh_store_close(store);
}
END_TEST

/* ---- headers ---------------------------------------------------------------------------- */

/* Other accepted Chinese headers, in another order. */
START_TEST(test_header_aliases_any_order)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char csv[1024], *row;

	snprintf(csv, sizeof(csv),
	         "列入经营异常名录,经营状态,市场主体名称,国民经济行业代码,信用风险分类,企业类型,"
	         "行政区划代码,社会信用代码\n"
	         "是,在营,杭州甲有限公司,F5211,较高风险,有限责任公司,330106,%s\n", make_uscc(7));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "a.csv", csv, NULL, NULL),
	                 YH_OK);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, make_uscc(7));
	ck_assert_ptr_nonnull(row);
	{
		char want[256];

		snprintf(want, sizeof(want), "%s|杭州甲有限公司|有限责任公司|330106|F5211|C|active|1",
		         make_uscc(7));
		ck_assert_str_eq(row, want);
	}
	free(row);
	yh_store_close(store);
}
END_TEST

/* English headers, any case, in any order; absent optional columns take their defaults. */
START_TEST(test_english_headers)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	char csv[1024], want[256], *row;

	snprintf(csv, sizeof(csv), "Name,RISK,ID,Industry\nAlpha Trading,b,%s,G54\n", make_uscc(3));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "e.csv", csv, NULL, NULL),
	                 YH_OK);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, make_uscc(3));
	/* type "", region from the code, status active, abnormal 0 */
	snprintf(want, sizeof(want), "%s|Alpha Trading||330106|G54|B|active|0", make_uscc(3));
	ck_assert_str_eq(row, want);
	free(row);

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_INSPECTORS, "i.csv",
	                             "valid_until,department,name,inspector_id\n"
	                             "2027-01-31,330100-SCJG,Li Si,X-9\n", NULL, NULL), YH_OK);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "X-9");
	ck_assert_str_eq(row, "X-9|Li Si|330100-SCJG|2027-01-31||active");
	free(row);

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ITEMS, "t.csv",
	                             "department,code,name\n330100-SCJG,Z.1,检查\n", NULL, NULL), YH_OK);
	row = tu_register_row(store, YH_REGISTER_ITEMS, 0, "Z.1");
	ck_assert_str_eq(row, "Z.1|检查||330100-SCJG|");
	free(row);

	snprintf(csv, sizeof(csv), "Reason,Entity,Inspector\n亲属,%s,X-9\n", make_uscc(3));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_CONFLICTS, "c.csv", csv, NULL, NULL),
	                 YH_OK);
	row = tu_register_row(store, YH_REGISTER_CONFLICTS, 0, "X-9");
	snprintf(want, sizeof(want), "X-9|%s|亲属", make_uscc(3));
	ck_assert_str_eq(row, want);
	free(row);
	yh_store_close(store);
}
END_TEST

START_TEST(test_unknown_column_is_a_warning)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char csv[512];

	snprintf(csv, sizeof(csv), "统一社会信用代码,备注,企业名称, Extra \n%s,随便,杭州乙公司,x\n",
	         make_uscc(4));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "u.csv", csv, NULL, &ds),
	                 YH_OK);
	ck_assert_uint_eq(rep.errors, 0);
	ck_assert_uint_eq(rep.warnings, 2);
	ck_assert_uint_eq(rep.added, 1);
	ck_assert_uint_eq(ds.n, 2);
	ck_assert_uint_eq(ds.d[0].line, 1);
	ck_assert_int_eq(ds.d[0].warning, 1);
	ck_assert_int_eq(ds.d[0].has_column, 0);
	ck_assert_str_eq(ds.d[0].message, "unknown column '备注' is ignored");
	ck_assert_str_eq(ds.d[1].message, "unknown column 'Extra' is ignored");
	ck_assert_uint_eq(rep.seq, 2);
	yh_store_close(store);
}
END_TEST

START_TEST(test_missing_required_column)
{
	yh_store *store = tu_store_new();
	char *before = tu_store_fingerprint(store), *after;
	yh_import_report rep;
	tu_diags ds;

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_INSPECTORS, "i.csv",
	                             "执法证号,姓名,部门\n1,张三,330100-SCJG\n", NULL, &ds), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	EXPECT_DIAG(&ds, 1, "", "missing required column 'cert_valid_until'");
	ck_assert_ptr_nonnull(strstr(ds.d[0].message, "执法证有效期至"));
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "nothing imported"));

	/* two missing: both named */
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ITEMS, "t.csv",
	                             "事项名称,检查依据\nx,y\n", NULL, &ds), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 2);
	EXPECT_DIAG(&ds, 1, "", "missing required column 'code'");
	EXPECT_DIAG(&ds, 1, "", "missing required column 'department'");

	/* conflicts need both halves of the key */
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_CONFLICTS, "c.csv",
	                             "entity_id,reason\n91350100M000100Y43,x\n", NULL, &ds), YH_EDATA);
	EXPECT_DIAG(&ds, 1, "", "missing required column 'inspector_id'");
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

START_TEST(test_duplicate_header)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "d.csv",
	                             "统一社会信用代码,企业名称,USCC\n91350100M000100Y43,x,91350100M000100Y43\n",
	                             NULL, &ds), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	EXPECT_DIAG(&ds, 1, "", "columns '统一社会信用代码' and 'USCC' both give id");
	ck_assert_uint_eq(tu_ledger_head(store), 1);
	yh_store_close(store);
}
END_TEST

/* A CSV fault in the header row itself. */
START_TEST(test_bad_header_row)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "h.csv",
	                             "统一社会信用代码,企业\"名称\n91350100M000100Y43,x\n", NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	EXPECT_DIAG(&ds, 1, "", "quote inside an unquoted field");
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "h.csv",
	                             "统一社会信用代码,\xFF\xFE\n91350100M000100Y43,x\n", NULL, &ds),
	                 YH_EDATA);
	EXPECT_DIAG(&ds, 1, "", "header field 2: invalid UTF-8");
	ck_assert_uint_eq(tu_ledger_head(store), 1);
	yh_store_close(store);
}
END_TEST

START_TEST(test_empty_and_header_only)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "empty.csv", "", NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	EXPECT_DIAG(&ds, 1, "", "file is empty");
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "blank.csv", "\r\n\n", NULL,
	                             &ds), YH_EDATA);
	ck_assert_uint_eq(tu_ledger_head(store), 1);

	/* a header and no rows is a valid, empty register */
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "h.csv", entity_header, NULL,
	                             &ds), YH_OK);
	ck_assert_uint_eq(rep.rows, 0);
	ck_assert_uint_eq(rep.seq, 2);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 0);
	yh_store_close(store);
}
END_TEST

/* ---- the broken fixtures, driven by tests/data/unit/broken-diagnostics.tsv -------------------- */

typedef struct {
	char fixture[128], reg[32], column[64], part[256];
	unsigned errors;
	uint64_t line;
} expect_row;

static expect_row expects[64];
static size_t nexpects;
static const char *groups[16];
static size_t ngroups;

static void load_expectations(void)
{
	char path[4096], buf[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/unit/broken-diagnostics.tsv", YAOHAO_TEST_DATA_DIR);
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(EXIT_FAILURE);
	}
	while (fgets(buf, sizeof(buf), fp)) {
		char *f[6], *save = NULL, *p;
		size_t i, k = 0;
		expect_row *e;

		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		for (p = strtok_r(buf, "\t", &save); p && k < 6; p = strtok_r(NULL, "\t", &save))
			f[k++] = p;
		if (k != 6 || nexpects == sizeof(expects) / sizeof(expects[0])) {
			fprintf(stderr, "%s: bad line\n", path);
			exit(EXIT_FAILURE);
		}
		e = &expects[nexpects++];
		snprintf(e->fixture, sizeof(e->fixture), "%s", f[0]);
		snprintf(e->reg, sizeof(e->reg), "%s", f[1]);
		e->errors = (unsigned)strtoul(f[2], NULL, 10);
		e->line = strtoull(f[3], NULL, 10);
		snprintf(e->column, sizeof(e->column), "%s", strcmp(f[4], "-") == 0 ? "" : f[4]);
		snprintf(e->part, sizeof(e->part), "%s", f[5]);
		for (i = 0; i < ngroups; i++)
			if (strcmp(groups[i], e->fixture) == 0)
				break;
		if (i == ngroups && ngroups < sizeof(groups) / sizeof(groups[0]))
			groups[ngroups++] = e->fixture;
	}
	fclose(fp);
}

/* Imports one broken fixture into `store` and checks every diagnostic and that nothing changed. */
static void check_broken(yh_store *store, const char *fixture)
{
	char *before = tu_store_fingerprint(store), *after;
	uint64_t head = tu_ledger_head(store);
	yh_register_kind kind;
	yh_import_report rep;
	tu_diags ds;
	unsigned errors = 0;
	size_t i, j;
	int rc;

	for (i = 0; i < nexpects; i++)
		if (strcmp(expects[i].fixture, fixture) == 0)
			break;
	ck_assert_uint_lt(i, nexpects);
	ck_assert_int_eq(yh_register_lookup(&kind, expects[i].reg), YH_OK);
	errors = expects[i].errors;

	rc = tu_import(&rep, store, kind, tu_fixture(fixture), NULL, &ds);
	ck_assert_msg(rc == YH_EDATA, "%s: rc %d (%s)", fixture, rc, yh_error_message());
	ck_assert_int_eq(yh_error_code(), YH_EDATA);
	ck_assert_msg(rep.errors == errors, "%s: %llu errors, want %u", fixture,
	              (unsigned long long)rep.errors, errors);
	ck_assert_uint_eq(rep.seq, 0);
	ck_assert_uint_eq(tu_diag_errors(&ds), errors);
	/* every expected diagnostic is there ... */
	for (i = 0; i < nexpects; i++) {
		if (strcmp(expects[i].fixture, fixture) != 0)
			continue;
		if (!find_msg(&ds, expects[i].line, expects[i].column, expects[i].part)) {
			dump_diags(&ds);
			ck_abort_msg("%s: no diagnostic on line %llu column '%s' with '%s'", fixture,
			             (unsigned long long)expects[i].line, expects[i].column, expects[i].part);
		}
	}
	/* ... and no error diagnostic is unexpected */
	for (j = 0; j < ds.n; j++) {
		int known = 0;

		ck_assert_str_eq(ds.d[j].column[0] || !ds.d[j].has_column ? "ok" : "empty column", "ok");
		for (i = 0; i < nexpects && !known; i++)
			known = strcmp(expects[i].fixture, fixture) == 0 && expects[i].line == ds.d[j].line &&
			        strcmp(expects[i].column, ds.d[j].column) == 0;
		ck_assert_msg(known || ds.d[j].warning, "%s: unexpected diagnostic on line %llu: %s: %s",
		              fixture, (unsigned long long)ds.d[j].line, ds.d[j].column, ds.d[j].message);
	}
	/* nothing from the file is applied */
	ck_assert_uint_eq(tu_ledger_head(store), head);
	after = tu_store_fingerprint(store);
	ck_assert_msg(strcmp(before, after) == 0, "%s changed the store", fixture);
	free(before);
	free(after);
}

START_TEST(test_broken_fixture_empty_store)
{
	yh_store *store = tu_store_new();

	check_broken(store, groups[_i]);
	yh_store_close(store);
}
END_TEST

/* With the registers already filled, an import takes the other path (lookups,
 * the seen-table, closing absent rows): the result must be the same. */
START_TEST(test_broken_fixture_filled_store)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	check_broken(store, groups[_i]);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 300);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_INSPECTORS, 0), 40);
	yh_store_close(store);
}
END_TEST

/* ---- error limits and duplicates ---------------------------------------------------------- */

START_TEST(test_max_errors)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;
	char *csv = malloc(200 * 160);
	size_t len, i;

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.max_errors = 3;
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("broken/entities-mixed.csv"), &opt, &ds), YH_EDATA);
	ck_assert_uint_eq(ds.n, 3);
	ck_assert_uint_eq(rep.errors, 8);
	/* the first three, in file order */
	ck_assert_uint_eq(ds.d[0].line, 3);
	ck_assert_uint_eq(ds.d[2].line, 5);

	opt.max_errors = 0; /* the default, 100 */
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("broken/entities-mixed.csv"), &opt, &ds), YH_EDATA);
	ck_assert_uint_eq(ds.n, 8);

	/* 150 bad rows: 100 reported, 150 counted */
	ck_assert_ptr_nonnull(csv);
	len = (size_t)sprintf(csv, "%s", entity_header);
	for (i = 0; i < 150; i++)
		len += (size_t)sprintf(csv + len, "%s,公司%zu,,,,,存续,否\r\n", make_bad_uscc((unsigned)i), i);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "many.csv", csv, &opt, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(ds.n, 100);
	ck_assert_uint_eq(rep.errors, 150);
	ck_assert_uint_eq(rep.rows, 150);

	/* warnings are counted apart and do not use up the errors */
	opt.max_errors = 2;
	opt.accept_bad_check = 1;
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "many.csv", csv, &opt, &ds),
	                 YH_OK);
	ck_assert_uint_eq(rep.errors, 0);
	ck_assert_uint_eq(rep.warnings, 150);
	ck_assert_uint_eq(rep.bad_check_accepted, 150);
	ck_assert_uint_eq(ds.n, 2);
	free(csv);
	yh_store_close(store);
}
END_TEST

/* A key seen three times: the second and third lines name the first. */
START_TEST(test_duplicates_name_first_line)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;
	char csv[2048], lower[19], msg[128];
	size_t i;

	/* lower case normalises to the same key */
	snprintf(lower, sizeof(lower), "%s", make_uscc(11));
	for (i = 0; lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] + 32);
	snprintf(csv, sizeof(csv), "%s%s,甲\n%s,乙\n%s,丙\n%s,丁\n%s,戊\n", "统一社会信用代码,企业名称\n",
	         make_uscc(11), make_uscc(12), make_uscc(13), make_uscc(11), lower);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "d.csv", csv, NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 2);
	snprintf(msg, sizeof(msg), "duplicate key '%s', first on line 2", make_uscc(11));
	EXPECT_DIAG(&ds, 5, "统一社会信用代码", msg);
	EXPECT_DIAG(&ds, 6, "统一社会信用代码", msg);

	/* the same on the lookup path (the register holds rows already) */
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "d.csv", csv, NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 2);
	EXPECT_DIAG(&ds, 5, "统一社会信用代码", msg);
	EXPECT_DIAG(&ds, 6, "统一社会信用代码", msg);

	/* duplicates past max_errors are still counted */
	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.max_errors = 1;
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "d.csv", csv, &opt, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 2);
	ck_assert_uint_eq(ds.n, 1);
	yh_store_close(store);
}
END_TEST

/* Conflicts are keyed by the pair: one officer with two entities is fine, a pair twice is not. */
START_TEST(test_conflict_duplicate_pair)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char csv[1024], msg[128];

	snprintf(csv, sizeof(csv), "inspector_id,entity_id,reason\nP1,%s,a\nP1,%s,b\nP2,%s,c\nP1,%s,d\n",
	         make_uscc(1), make_uscc(2), make_uscc(1), make_uscc(1));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_CONFLICTS, "c.csv", csv, NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 1);
	snprintf(msg, sizeof(msg), "duplicate pair 'P1/%s', first on line 2", make_uscc(1));
	EXPECT_DIAG(&ds, 5, "inspector_id", msg);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_CONFLICTS, 0), 0);
	yh_store_close(store);
}
END_TEST

/* ---- accept_bad_check, dry_run -------------------------------------------------------------- */

START_TEST(test_accept_bad_check)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;
	json_t *p, *list, *e;
	char *row;

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.accept_bad_check = 1;
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("broken/entities-bad-check.csv"), &opt, &ds), YH_OK);
	ck_assert_uint_eq(rep.rows, 8);
	ck_assert_uint_eq(rep.added, 8);
	ck_assert_uint_eq(rep.errors, 0);
	ck_assert_uint_eq(rep.warnings, 2);
	ck_assert_uint_eq(rep.bad_check_accepted, 2);
	ck_assert_uint_eq(ds.n, 2);
	ck_assert_int_eq(ds.d[0].warning, 1);
	EXPECT_DIAG(&ds, 4, "统一社会信用代码", "'91350211M0000XUF46': check character fails, accepted on record");
	EXPECT_DIAG(&ds, 7, "统一社会信用代码", "'92330182MA6Q605491'");
	/* stored as given */
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "91350211M0000XUF46");
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(row, "|350211|"));
	free(row);
	/* and on record */
	p = payload_json(store, rep.seq);
	ck_assert(json_is_true(json_object_get(p, "accept_bad_check")));
	list = json_object_get(p, "bad_check_accepted");
	ck_assert(json_is_array(list));
	ck_assert_uint_eq(json_array_size(list), 2);
	e = json_array_get(list, 0);
	ck_assert_str_eq(tu_jstr(e, "id"), "91350211M0000XUF46");
	ck_assert_int_eq(tu_jint(e, "line"), 4);
	e = json_array_get(list, 1);
	ck_assert_str_eq(tu_jstr(e, "id"), "92330182MA6Q605491");
	ck_assert_int_eq(tu_jint(e, "line"), 7);
	json_decref(p);
	yh_store_close(store);
}
END_TEST

/* The override covers the check character only, not other faults in the code. */
START_TEST(test_accept_bad_check_is_narrow)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;
	json_t *p;
	char csv[512];

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.accept_bad_check = 1;
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("broken/entities-mixed.csv"), &opt, &ds), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 7);
	ck_assert_uint_eq(rep.warnings, 1);
	EXPECT_DIAG(&ds, 3, "统一社会信用代码", "accepted on record");
	EXPECT_DIAG(&ds, 4, "统一社会信用代码", "has 17 characters");
	EXPECT_DIAG(&ds, 5, "统一社会信用代码", "'O' is not allowed");
	ck_assert_uint_eq(tu_ledger_head(store), 1);

	/* conflicts: the entity's check character may be accepted too */
	snprintf(csv, sizeof(csv), "执法证号,统一社会信用代码,回避原因\nA1,%s,x\n", make_bad_uscc(5));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_CONFLICTS, "c.csv", csv, NULL, &ds),
	                 YH_EDATA);
	EXPECT_DIAG(&ds, 2, "统一社会信用代码", "check character is");
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_CONFLICTS, "c.csv", csv, &opt, &ds),
	                 YH_OK);
	ck_assert_uint_eq(rep.bad_check_accepted, 1);
	p = payload_json(store, rep.seq);
	ck_assert_str_eq(tu_jstr(json_array_get(json_object_get(p, "bad_check_accepted"), 0), "id"),
	                 make_bad_uscc(5));
	json_decref(p);
	yh_store_close(store);
}
END_TEST

START_TEST(test_dry_run)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	char *before, *after, *v2;
	size_t len;

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.dry_run = 1;
	before = tu_store_fingerprint(store);
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), &opt,
	                           NULL), YH_OK);
	ck_assert_uint_eq(rep.rows, 300);
	ck_assert_uint_eq(rep.added, 300);
	ck_assert_uint_eq(rep.seq, 0);
	{
		unsigned char sha[32];

		file_sha256(sha, tu_fixture("entities.csv"));
		ck_assert_mem_eq(rep.sha256, sha, 32);
	}
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 0);
	free(before);
	free(after);

	/* over a filled register: the counts of a change, and still nothing written */
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	v2 = tu_read(tu_fixture("entities.csv"), &len);
	{
		/* drop the last row: one row to close */
		char *end = v2 + len - 2; /* before the final CRLF */

		while (end > v2 && end[-1] != '\n')
			end--;
		tu_write(tu_path("v2.csv"), v2, (size_t)(end - v2));
	}
	before = tu_store_fingerprint(store);
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("v2.csv"), &opt, NULL),
	                 YH_OK);
	ck_assert_uint_eq(rep.rows, 299);
	ck_assert_uint_eq(rep.unchanged, 299);
	ck_assert_uint_eq(rep.closed, 1);
	ck_assert_uint_eq(rep.seq, 0);
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 300);

	/* a dry run of a bad file fails like the real thing */
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES,
	                           tu_fixture("broken/entities-mixed.csv"), &opt, NULL), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 8);
	free(v2);
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

/* ---- normalisation ----------------------------------------------------------------------------- */

/* Spaces and U+3000 trimmed, lower case upper-cased, 登记机关 names give the region from the code. */
START_TEST(test_normalise_entities)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char *row;
	static const char csv[] =
		"企业名称,登记状态,统一社会信用代码,登记机关,风险等级,经营异常名录,行业代码,市场主体类型\r\n"
		"  福州甲公司 ,存续,91350100m000100y43,福州市市场监督管理局,低,是,f52,有限责任公司\r\n"
		"北京乙公司,注销,91110000101623741K,,一般,否,H62,\t股份有限公司\t\r\n"
		"\xE3\x80\x80深圳丙公司\xE3\x80\x80,吊销，未注销,91440300708461136T,440305,高,,C1411,\r\n"
		"深圳丁公司,在业,914403001922038216,深圳市市场监督管理局,,Y,,\r\n";

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "n.csv", csv, NULL, &ds), YH_OK);
	ck_assert_uint_eq(ds.n, 0);
	ck_assert_uint_eq(rep.added, 4);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "91350100M000100Y43");
	ck_assert_ptr_nonnull(row);
	ck_assert_str_eq(row, "91350100M000100Y43|福州甲公司|有限责任公司|350100|F52|A|active|1");
	free(row);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "91110000101623741K");
	ck_assert_str_eq(row, "91110000101623741K|北京乙公司|股份有限公司|110000|H62|B|deregistered|0");
	free(row);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "91440300708461136T");
	ck_assert_str_eq(row, "91440300708461136T|深圳丙公司||440305|C1411|D|revoked|0");
	free(row);
	row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, "914403001922038216");
	ck_assert_str_eq(row, "914403001922038216|深圳丁公司||440300|||active|1");
	free(row);
	/* lower case input is not stored as a second key */
	ck_assert_ptr_null(tu_register_row(store, YH_REGISTER_ENTITIES, 0, "91350100m000100y43"));
	yh_store_close(store);
}
END_TEST

typedef struct {
	const char *column;   /* header */
	const char *input;
	const char *stored;   /* NULL: an error */
} value_case;

static const value_case entity_values[] = {
	{ "登记状态", "存续", "active" }, { "登记状态", "在业", "active" }, { "登记状态", "开业", "active" },
	{ "登记状态", "在营", "active" }, { "登记状态", "正常", "active" }, { "登记状态", "在册", "active" },
	{ "登记状态", "存续（在营、开业、在册）", "active" }, { "登记状态", "ACTIVE", "active" },
	{ "登记状态", "注销", "deregistered" }, { "登记状态", "已注销", "deregistered" },
	{ "登记状态", "吊销", "revoked" }, { "登记状态", "已吊销", "revoked" },
	{ "登记状态", "吊销未注销", "revoked" }, { "登记状态", "吊销，未注销", "revoked" },
	{ "登记状态", "撤销", "cancelled" }, { "登记状态", "已撤销", "cancelled" },
	{ "登记状态", "撤销登记", "cancelled" }, { "登记状态", "迁出", "moved_out" },
	{ "登记状态", "已迁出", "moved_out" }, { "登记状态", "停业", "suspended" },
	{ "登记状态", "歇业", "suspended" }, { "登记状态", "清算", "liquidating" },
	{ "登记状态", "清算中", "liquidating" }, { "登记状态", "liquidating", "liquidating" },
	{ "登记状态", "", NULL }, { "登记状态", "关闭", NULL }, { "登记状态", "存续 中", NULL },
	{ "风险等级", "A", "A" }, { "风险等级", "d", "D" }, { "风险等级", "B类", "B" },
	{ "风险等级", "低", "A" }, { "风险等级", "一般", "B" }, { "风险等级", "较高", "C" },
	{ "风险等级", "高", "D" }, { "风险等级", "低风险", "A" }, { "风险等级", "一般风险", "B" },
	{ "风险等级", "较高风险", "C" }, { "风险等级", "高风险", "D" }, { "风险等级", "", "" },
	{ "风险等级", "E", NULL }, { "风险等级", "中", NULL }, { "风险等级", "AB", NULL },
	{ "经营异常名录", "是", "1" }, { "经营异常名录", "列入", "1" }, { "经营异常名录", "y", "1" },
	{ "经营异常名录", "Yes", "1" }, { "经营异常名录", "TRUE", "1" }, { "经营异常名录", "1", "1" },
	{ "经营异常名录", "否", "0" }, { "经营异常名录", "未列入", "0" }, { "经营异常名录", "n", "0" },
	{ "经营异常名录", "no", "0" }, { "经营异常名录", "false", "0" }, { "经营异常名录", "0", "0" },
	{ "经营异常名录", "", "0" }, { "经营异常名录", "2", NULL }, { "经营异常名录", "不是", NULL },
	{ "行业代码", "F", "F" }, { "行业代码", "F52", "F52" }, { "行业代码", "f521", "F521" },
	{ "行业代码", "F5211", "F5211" }, { "行业代码", "T", "T" }, { "行业代码", "", "" },
	{ "行业代码", "F5", NULL }, { "行业代码", "U52", NULL }, { "行业代码", "F52111", NULL },
	{ "行业代码", "52", NULL }, { "行业代码", "F5A", NULL }, { "行业代码", "零售", NULL },
	{ "区划代码", "330106", "330106" }, { "区划代码", "999999", "999999" },
	{ "区划代码", "", "330106" }, { "区划代码", "33010", NULL }, { "区划代码", "3301060", NULL },
	{ "区划代码", "33010A", NULL }, { "区划代码", "杭州市西湖区", NULL },
	{ "登记机关", "杭州市西湖区市场监督管理局", "330106" }, { "登记机关", "350102", "350102" },
	{ "登记机关", "", "330106" },
	{ "企业名称", "", NULL }, { "企业名称", "a\x7f" "b", NULL }, { "企业名称", "a\xC2\x85" "b", NULL },
	{ "企业名称", "\xC0\xAF", NULL }, { "企业名称", "\xED\xA0\x80", NULL },
	{ "企业名称", "a\xED\xBF\xBF", NULL }, { "企业名称", "ab\xE4\xB8", NULL },
	{ "企业名称", "\xE0\x9F\xBF", NULL }, { "企业名称", "\xF0\x8F\xBF\xBF", NULL },
	{ "企业名称", "\xED\x9F\xBF\xEE\x80\x80", "\xED\x9F\xBF\xEE\x80\x80" },
	{ "企业名称", "\xF4\x90\x80\x80", NULL }, { "企业名称", "\"a\nb\"", NULL },
	{ "企业名称", "\xF0\x9F\x98\x80 ok", "\xF0\x9F\x98\x80 ok" }, { "企业名称", "\"a,\"\"b\"\"\"", "a,\"b\"" },
};

/* The value of `column` in a one-row file: stored as expected, or an error on line 2 in that column. */
START_TEST(test_entity_value_rules)
{
	const value_case *vc = &entity_values[_i];
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char csv[1024], *row;
	static const char *const other[] = { "企业名称", "登记状态", "风险等级", "经营异常名录", "行业代码", "区划代码" };
	static const char *const defaults[] = { "某公司", "存续", "A", "否", "F52", "330106" };
	const char *region_header = strcmp(vc->column, "登记机关") == 0 ? "登记机关" : "区划代码";
	size_t i, n;
	int rc, column_index = 0;

	n = (size_t)snprintf(csv, sizeof(csv), "统一社会信用代码");
	for (i = 0; i < 6; i++)
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, ",%s",
		                      strcmp(other[i], "区划代码") == 0 ? region_header : other[i]);
	n += (size_t)snprintf(csv + n, sizeof(csv) - n, "\n%s", make_uscc(99));
	for (i = 0; i < 6; i++) {
		const char *h = strcmp(other[i], "区划代码") == 0 ? region_header : other[i];

		if (strcmp(h, vc->column) == 0) {
			column_index = (int)i;
			n += (size_t)snprintf(csv + n, sizeof(csv) - n, ",%s", vc->input);
		} else {
			n += (size_t)snprintf(csv + n, sizeof(csv) - n, ",%s", defaults[i]);
		}
	}
	snprintf(csv + n, sizeof(csv) - n, "\n");
	rc = import_text(&rep, store, YH_REGISTER_ENTITIES, "v.csv", csv, NULL, &ds);
	if (!vc->stored) {
		ck_assert_msg(rc == YH_EDATA, "%s '%s' accepted", vc->column, vc->input);
		ck_assert_uint_eq(rep.errors, 1);
		ck_assert_uint_eq(ds.n, 1);
		ck_assert_uint_eq(ds.d[0].line, 2);
		ck_assert_str_eq(ds.d[0].column, vc->column);
		ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 0);
	} else {
		/* the stored column, by its position in storage order */
		static const int storage_of[] = { 1, 6, 5, 7, 4, 3 };
		const char *p;
		int k;

		ck_assert_msg(rc == YH_OK, "%s '%s' refused: %s", vc->column, vc->input,
		              ds.n ? ds.d[0].message : yh_error_message());
		row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, make_uscc(99));
		ck_assert_ptr_nonnull(row);
		for (p = row, k = 0; k < storage_of[column_index]; k++) {
			p = strchr(p, '|');
			ck_assert_ptr_nonnull(p);
			p++;
		}
		ck_assert_msg(strncmp(p, vc->stored, strlen(vc->stored)) == 0 &&
		              (p[strlen(vc->stored)] == '|' || p[strlen(vc->stored)] == '\0'),
		              "%s '%s': row %s", vc->column, vc->input, row);
		free(row);
	}
	yh_store_close(store);
}
END_TEST

/* A credit code whose positions 3-8 are not digits gives no region to take. */
START_TEST(test_region_not_derivable)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char id[19], csv[512];

	memcpy(id, "91ABCDEFMA0000001", 17);
	id[17] = yh_uscc_check_char(id);
	id[18] = '\0';
	ck_assert_int_eq(yh_uscc_check(NULL, id, 18), YH_USCC_OK);
	snprintf(csv, sizeof(csv), "%s%s,某公司,,,,,存续,否\r\n", entity_header, id);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "r.csv", csv, NULL, &ds),
	                 YH_EDATA);
	EXPECT_DIAG(&ds, 2, "区划代码", "carries no region code");
	/* with a region given it is fine */
	snprintf(csv, sizeof(csv), "%s%s,某公司,,330106,,,存续,否\r\n", entity_header, id);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "r.csv", csv, NULL, &ds), YH_OK);
	yh_store_close(store);
}
END_TEST

START_TEST(test_long_text)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char *csv = malloc(16384), *name = malloc(4200);
	size_t n;

	ck_assert_ptr_nonnull(csv);
	ck_assert_ptr_nonnull(name);
	memset(name, 'x', 4096);
	name[4096] = '\0';
	n = (size_t)sprintf(csv, "统一社会信用代码,企业名称\n%s,%s\n", make_uscc(1), name);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "l.csv", csv, NULL, &ds), YH_OK);
	strcpy(name + 4096, "y");
	sprintf(csv, "统一社会信用代码,企业名称\n%s,%s\n", make_uscc(1), name);
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "l.csv", csv, NULL, &ds),
	                 YH_EDATA);
	EXPECT_DIAG(&ds, 2, "企业名称", "is 4097 bytes long, the limit is 4096");
	(void)n;
	free(csv);
	free(name);
	yh_store_close(store);
}
END_TEST

START_TEST(test_normalise_inspectors)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char *row;
	static const char csv[] =
		"执法证号,姓名,部门,专业领域,执法证有效期至,状态\n"
		"A-001,张三,330100-SCJG,食品；广告、食品,2027-12-31,休假\n"
		"b_2.x,李四,330100-STHJ, 环境监测 | 固体废物 ;,2028-02-29,在岗\n"
		"C3,王五,330100-SCJG,,2030-01-01,停职\n"
		"D4,赵六,330100-SCJG,价格;;价格；,2030-01-01,退休\n"
		"E5,钱七,330100-SCJG,药品,2030-01-01,病假\n";

	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_INSPECTORS, "i.csv", csv, NULL, &ds),
	                 YH_OK);
	ck_assert_uint_eq(rep.added, 5);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "A-001");
	ck_assert_str_eq(row, "A-001|张三|330100-SCJG|2027-12-31|广告;食品|on_leave");
	free(row);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "b_2.x");
	ck_assert_str_eq(row, "b_2.x|李四|330100-STHJ|2028-02-29|固体废物;环境监测|active");
	free(row);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "C3");
	ck_assert_str_eq(row, "C3|王五|330100-SCJG|2030-01-01||suspended");
	free(row);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "D4");
	ck_assert_str_eq(row, "D4|赵六|330100-SCJG|2030-01-01|价格|left");
	free(row);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, "E5");
	ck_assert_str_eq(row, "E5|钱七|330100-SCJG|2030-01-01|药品|on_leave");
	free(row);
	yh_store_close(store);
}
END_TEST

static const value_case inspector_values[] = {
	{ "执法证有效期至", "2028-02-29", "2028-02-29" }, { "执法证有效期至", "2000-02-29", "2000-02-29" },
	{ "执法证有效期至", "2027-02-29", NULL }, { "执法证有效期至", "1900-02-29", NULL },
	{ "执法证有效期至", "2026-04-31", NULL }, { "执法证有效期至", "2026-1-01", NULL },
	{ "执法证有效期至", "1899-12-31", NULL }, { "执法证有效期至", "2026-00-10", NULL },
	{ "执法证有效期至", "2026-12-00", NULL }, { "执法证有效期至", "20261231", NULL },
	{ "部门", "330100-SCJG", "330100-SCJG" }, { "部门", "330100-scjg", NULL },
	{ "部门", "-SCJG", NULL }, { "部门", "市场监管局", NULL },
	{ "执法证号", "AZaz09-_.", "AZaz09-_." }, { "执法证号", "A B", NULL }, { "执法证号", "A/B", NULL },
	{ "执法证号", "123456789012345678901234567890123", NULL },
	{ "状态", "在职", "active" }, { "状态", "正常", "active" }, { "状态", "请假", "on_leave" },
	{ "状态", "暂停执法", "suspended" }, { "状态", "离职", "left" }, { "状态", "调离", "left" },
	{ "状态", "", NULL }, { "状态", "出差", NULL },
	{ "专业领域", "、；|;", "" },
};

START_TEST(test_inspector_value_rules)
{
	const value_case *vc = &inspector_values[_i];
	static const char *const headers[] = { "执法证号", "姓名", "部门", "专业领域", "执法证有效期至", "状态" };
	static const char *const defaults[] = { "Z1", "某人", "330100-SCJG", "食品", "2030-01-01", "在岗" };
	static const int storage_of[] = { 0, 1, 2, 4, 3, 5 };
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char csv[1024];
	size_t i, n = 0;
	int col = -1, rc;

	for (i = 0; i < 6; i++)
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%s%s", i ? "," : "", headers[i]);
	n += (size_t)snprintf(csv + n, sizeof(csv) - n, "\n");
	for (i = 0; i < 6; i++) {
		int mine = strcmp(headers[i], vc->column) == 0;

		if (mine)
			col = (int)i;
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%s%s", i ? "," : "",
		                      mine ? vc->input : defaults[i]);
	}
	snprintf(csv + n, sizeof(csv) - n, "\n");
	ck_assert_int_ge(col, 0);
	rc = import_text(&rep, store, YH_REGISTER_INSPECTORS, "v.csv", csv, NULL, &ds);
	if (!vc->stored) {
		ck_assert_msg(rc == YH_EDATA, "%s '%s' accepted", vc->column, vc->input);
		ck_assert_uint_eq(ds.n, 1);
		ck_assert_uint_eq(ds.d[0].line, 2);
		ck_assert_str_eq(ds.d[0].column, vc->column);
	} else {
		char *dump = tu_register_dump(store, YH_REGISTER_INSPECTORS, 0);
		const char *p = dump;
		int k;

		ck_assert_msg(rc == YH_OK, "%s '%s' refused: %s", vc->column, vc->input,
		              ds.n ? ds.d[0].message : yh_error_message());
		for (k = 0; k < storage_of[col]; k++) {
			p = strchr(p, '|');
			ck_assert_ptr_nonnull(p);
			p++;
		}
		ck_assert_msg(strncmp(p, vc->stored, strlen(vc->stored)) == 0 &&
		              strchr("|\n", p[strlen(vc->stored)]) != NULL,
		              "%s '%s': row %s", vc->column, vc->input, dump);
		free(dump);
	}
	yh_store_close(store);
}
END_TEST

/* Rows with too few or too many fields are row errors; the next rows are still checked. */
START_TEST(test_field_count_mismatch)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char csv[1024];

	snprintf(csv, sizeof(csv), "统一社会信用代码,企业名称,风险等级\n%s,a\n%s,b,A,extra\n%s,c,E\n%s,d,A\n",
	         make_uscc(1), make_uscc(2), make_uscc(3), make_uscc(4));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "f.csv", csv, NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 3);
	ck_assert_uint_eq(rep.rows, 4);
	EXPECT_DIAG(&ds, 2, "", "has 2 fields, the header has 3");
	EXPECT_DIAG(&ds, 3, "", "has 4 fields, the header has 3");
	EXPECT_DIAG(&ds, 4, "风险等级", "'E' is not one of");
	yh_store_close(store);
}
END_TEST

/* CSV faults inside an import name the column of the field at fault. */
START_TEST(test_csv_faults_in_import)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_diags ds;
	char csv[1024];

	snprintf(csv, sizeof(csv), "统一社会信用代码,企业名称,风险等级\n%s,a\"b,A\n%s,\"c\"x,A\n%s,ok,A\n"
	         "%s,d,A\rB\n", make_uscc(1), make_uscc(2), make_uscc(3), make_uscc(4));
	ck_assert_int_eq(import_text(&rep, store, YH_REGISTER_ENTITIES, "q.csv", csv, NULL, &ds),
	                 YH_EDATA);
	ck_assert_uint_eq(rep.errors, 3);
	EXPECT_DIAG(&ds, 2, "企业名称", "quote inside an unquoted field");
	EXPECT_DIAG(&ds, 3, "企业名称", "unexpected character after a closing quote");
	EXPECT_DIAG(&ds, 5, "风险等级", "carriage return");
	ck_assert_uint_eq(tu_ledger_head(store), 1);
	yh_store_close(store);
}
END_TEST

/* ---- arguments, callbacks ------------------------------------------------------------------- */

START_TEST(test_bad_arguments)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;

	memset(&rep, 0x5a, sizeof(rep));
	ck_assert_int_eq(yh_import_file(&rep, store, YH_REGISTER_COUNT, tu_fixture("entities.csv"), NULL),
	                 YH_EINVAL);
	ck_assert_uint_eq(rep.rows, 0);
	ck_assert_uint_eq(rep.seq, 0);
	ck_assert_int_eq(yh_import_file(&rep, store, YH_REGISTER_ENTITIES, tu_path("missing.csv"), NULL),
	                 YH_EIO);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "missing.csv"));
	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.encoding = "latin1";
	ck_assert_int_eq(yh_import_file(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"),
	                                &opt), YH_EINVAL);
	ck_assert_uint_eq(tu_ledger_head(store), 1);
	yh_store_close(store);
}
END_TEST

typedef struct {
	unsigned calls;
	uint64_t done, total, rows;
	int monotonic;
} progress_log;

static void on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t rows)
{
	progress_log *p = ctx;

	if (p->calls && (done < p->done || rows < p->rows))
		p->monotonic = 0;
	p->calls++;
	p->done = done;
	p->total = total;
	p->rows = rows;
}

START_TEST(test_progress)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	progress_log log = { 0, 0, 0, 0, 1 };
	size_t len;

	free(tu_read(tu_fixture("entities.csv"), &len));
	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.on_progress = on_progress;
	opt.progress_ctx = &log;
	ck_assert_int_eq(yh_import_file(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"),
	                                &opt), YH_OK);
	ck_assert_uint_ge(log.calls, 1);
	ck_assert_int_eq(log.monotonic, 1);
	ck_assert_uint_eq(log.done, len);
	ck_assert_uint_eq(log.total, len);
	ck_assert_uint_eq(log.rows, 300);
	yh_store_close(store);
}
END_TEST

/* Without options, or without a callback, imports work the same. */
START_TEST(test_null_options_and_callback)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;

	ck_assert_int_eq(yh_import_file(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), NULL),
	                 YH_OK);
	ck_assert_uint_eq(rep.added, 8);
	ck_assert_int_eq(yh_import_file(&rep, store, YH_REGISTER_ENTITIES,
	                                tu_fixture("broken/entities-mixed.csv"), NULL), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 8);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "8 errors in"));
	yh_store_close(store);
}
END_TEST

/* A partial import says so in the ledger. */
START_TEST(test_partial_mode_recorded)
{
	yh_store *store = tu_store_new();
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	json_t *p;

	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.partial = 1;
	tu_import_ok(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), &opt);
	p = payload_json(store, rep.seq);
	ck_assert_str_eq(tu_jstr(p, "mode"), "partial");
	json_decref(p);
	yh_store_close(store);
}
END_TEST

/* Without an encoding, a file that is not UTF-8 but is GB18030 is read as GB18030 with one
 * warning on line 1: the same register as with encoding "gb18030" and as the UTF-8 file; the
 * entry records the encoding read.  A UTF-8 file gets no warning. */
START_TEST(test_gb18030_detected)
{
	yh_store *a = tu_store_new(), *b = NULL;
	yh_import_options gb = YH_IMPORT_OPTIONS_INIT;
	yh_import_report ra, rb;
	tu_diags ds;
	char *da, *db;
	json_t *p;

	ck_assert_int_eq(tu_import(&ra, a, YH_REGISTER_ENTITIES, tu_fixture("entities-gb18030.csv"), NULL,
	                           &ds), YH_OK);
	ck_assert_uint_eq(ra.added, 300);
	ck_assert_uint_eq(ra.warnings, 1);
	ck_assert_uint_eq(ds.n, 1);
	ck_assert_uint_eq(ds.d[0].line, 1);
	ck_assert_int_eq(ds.d[0].warning, 1);
	ck_assert_int_eq(ds.d[0].has_column, 0);
	ck_assert_str_eq(ds.d[0].message, "the file is not UTF-8; read as GB18030");
	p = payload_json(a, ra.seq);
	ck_assert_str_eq(tu_jstr(p, "encoding"), "gb18030");
	json_decref(p);
	ck_assert_int_eq(yh_store_create(&b, tu_path("b.db"), TU_DEPARTMENT), YH_OK);
	gb.encoding = "gb18030";
	tu_import_ok(&rb, b, YH_REGISTER_ENTITIES, tu_fixture("entities-gb18030.csv"), &gb);
	ck_assert_uint_eq(rb.warnings, 0);
	ck_assert_mem_eq(ra.sha256, rb.sha256, 32);
	da = tu_register_dump(a, YH_REGISTER_ENTITIES, 0);
	db = tu_register_dump(b, YH_REGISTER_ENTITIES, 0);
	ck_assert_str_eq(da, db);
	free(db);
	/* the UTF-8 file: the same register, unchanged, and no warning */
	ck_assert_int_eq(tu_import(&rb, a, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL, &ds), YH_OK);
	ck_assert_uint_eq(rb.unchanged, 300);
	ck_assert_uint_eq(ds.n, 0);
	p = payload_json(a, rb.seq);
	ck_assert_str_eq(tu_jstr(p, "encoding"), "utf-8");
	json_decref(p);
	/* duplicates in a detected file are named with their first line (a second read, in GB18030) */
	{
		char *text = tu_read(tu_fixture("entities-gb18030.csv"), NULL), *second = strchr(text, '\n') + 1,
		     *third = strchr(second, '\n') + 1;
		tu_buf buf = { 0 };

		tu_buf_str(&buf, text);
		tu_buf_add(&buf, second, (size_t)(third - second));
		tu_write(tu_path("dup-gb.csv"), buf.s, buf.len);
		ck_assert_int_eq(tu_import(&rb, b, YH_REGISTER_ENTITIES, tu_path("dup-gb.csv"), NULL, &ds), YH_EDATA);
		ck_assert_msg(tu_diag_find(&ds, 302, NULL) && strstr(tu_diag_find(&ds, 302, NULL)->message,
		              "first on line 2"), "%s", ds.n > 1 ? ds.d[1].message : "");
		free(buf.s);
		free(text);
	}
	free(da);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

/* ---- the sort by key: in memory and spilled to a temporary file ----------------------------- */

typedef struct {
	char k1[8], k2[8], v[24];
	size_t l1, l2;
	uint64_t line;
} sort_ref;

static int cmp_sort_ref(const void *a, const void *b)
{
	const sort_ref *x = a, *y = b;
	const char *xv[2] = { x->k1, x->k2 }, *yv[2] = { y->k1, y->k2 };
	size_t xl[2] = { x->l1, x->l2 }, yl[2] = { y->l1, y->l2 };
	int c = yh_row_sort_cmp_key(xv, xl, yv, yl, 2);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Random two-part keys (empty, prefixes of each other, bytes above 0x7f, many equal) come back
 * in key order, equal keys in line order, with every value intact: in memory and through runs
 * of one row, of a few rows and of many. */
START_TEST(test_row_sort_order)
{
	static const size_t budgets[] = { 1, 200, 4000, 0 };
	static const char alphabet[] = "ab\xff";
	enum { N = 3000 };
	sort_ref *ref = malloc(N * sizeof(*ref));
	size_t b, i, c;

	ck_assert_ptr_nonnull(ref);
	for (i = 0; i < N; i++) {
		ref[i].l1 = randombytes_uniform(4);
		ref[i].l2 = randombytes_uniform(3);
		for (c = 0; c < ref[i].l1; c++)
			ref[i].k1[c] = alphabet[randombytes_uniform(3)];
		for (c = 0; c < ref[i].l2; c++)
			ref[i].k2[c] = alphabet[randombytes_uniform(3)];
		snprintf(ref[i].v, sizeof(ref[i].v), "value of %zu", i);
		ref[i].line = 2 + i;
	}
	for (b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
		yh_row_sort *s = NULL;
		yh_sorted_row row;
		sort_ref *sorted = malloc(N * sizeof(*sorted));

		ck_assert_ptr_nonnull(sorted);
		memcpy(sorted, ref, N * sizeof(*sorted));
		qsort(sorted, N, sizeof(*sorted), cmp_sort_ref);
		ck_assert_int_eq(yh_row_sort_new(&s, 3, 2, budgets[b]), YH_OK);
		for (i = 0; i < N; i++) {
			const char *v[3] = { ref[i].k1, ref[i].k2, ref[i].v };
			size_t l[3] = { ref[i].l1, ref[i].l2, strlen(ref[i].v) };

			ck_assert_int_eq(yh_row_sort_add(s, ref[i].line, v, l), YH_OK);
		}
		ck_assert_int_eq(yh_row_sort_finish(s), YH_OK);
		if (budgets[b] == 1)
			ck_assert_uint_eq(yh_row_sort_runs(s), N);
		else if (budgets[b] == 0)
			ck_assert_uint_eq(yh_row_sort_runs(s), 0);
		else
			ck_assert_uint_gt(yh_row_sort_runs(s), 1);
		for (i = 0; i < N; i++) {
			ck_assert_int_eq(yh_row_sort_next(s, &row), 1);
			ck_assert_uint_eq(row.line, sorted[i].line);
			ck_assert_uint_eq(row.lens[0], sorted[i].l1);
			ck_assert_uint_eq(row.lens[1], sorted[i].l2);
			ck_assert_uint_eq(row.lens[2], strlen(sorted[i].v));
			ck_assert(memcmp(row.values[2], sorted[i].v, row.lens[2]) == 0);
		}
		ck_assert_int_eq(yh_row_sort_next(s, &row), 0);
		ck_assert_int_eq(yh_row_sort_next(s, &row), 0);
		yh_row_sort_free(s);
		free(sorted);
	}
	free(ref);
}
END_TEST

/* Every row version of a register, history included, and every import entry's payload. */
static char *store_history(yh_store *store)
{
	static const char *const queries[] = {
		"SELECT * FROM entity ORDER BY id, valid_from",
		"SELECT * FROM conflict ORDER BY inspector_id, entity_id, valid_from",
		"SELECT seq, payload FROM ledger WHERE kind = 'import' ORDER BY seq",
	};
	tu_buf b = { 0 };
	size_t q;

	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		sqlite3_stmt *st = NULL;
		int i;

		ck_assert_int_eq(sqlite3_prepare_v2(store->db, queries[q], -1, &st, NULL), SQLITE_OK);
		tu_buf_fmt(&b, "== %s\n", queries[q]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (i = 0; i < sqlite3_column_count(st); i++) {
				const char *t = (const char *)sqlite3_column_text(st, i);

				tu_buf_str(&b, i ? "|" : "");
				tu_buf_str(&b, t ? t : "NULL");
			}
			tu_buf_str(&b, "\n");
		}
		sqlite3_finalize(st);
	}
	return b.s;
}

/* An entity file of the numbers in [from, to) (unless skipped), names changed where n % change
 * == 0 (change 0: none), rows in a shuffled order, with extra lines appended. */
static void write_entities(const char *name, unsigned from, unsigned to, unsigned skip_from,
                           unsigned skip_to, unsigned change, const char *extra)
{
	tu_buf b = { 0 };
	unsigned n = to - from, i;

	tu_buf_str(&b, entity_header);
	for (i = 0; i < n; i++) {
		unsigned k = from + (i * 37u + 11u) % n; /* 37 is prime to every n used here */

		if (k >= skip_from && k < skip_to)
			continue;
		tu_buf_fmt(&b, "%s,公司%u%s,,,,,存续,否\r\n", make_uscc(k), k,
		           change && k % change == 0 ? "（变更）" : "");
	}
	tu_buf_str(&b, extra ? extra : "");
	tu_write(tu_path(name), b.s, b.len);
	free(b.s);
}

static void diags_text(tu_buf *b, const tu_diags *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		tu_buf_fmt(b, "%llu|%s|%d|%s\n", (unsigned long long)ds->d[i].line, ds->d[i].column,
		           ds->d[i].warning, ds->d[i].message);
}

/* One history of imports: full, full again with rows changed, closed and added, partial, a
 * dry run, conflicts (a key of two columns), and failing files (duplicates, bad rows, max_errors)
 * — everything the store holds and every diagnostic, as text. */
static char *import_story(const char *db)
{
	yh_store *store = NULL;
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_import_report rep;
	tu_diags ds;
	tu_buf b = { 0 };
	char *hist, dup_lines[512];
	size_t before = 0;
	int rc;

	ck_assert_int_eq(yh_store_create(&store, tu_path(db), TU_DEPARTMENT), YH_OK);
	/* full: 200 rows into an empty register */
	write_entities("v1.csv", 0, 200, 0, 0, 0, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("v1.csv"), NULL);
	ck_assert_uint_eq(rep.added, 200);
	/* full: 10..29 gone (closed), 200..249 new, every seventh changed */
	write_entities("v2.csv", 0, 250, 10, 30, 7, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("v2.csv"), NULL);
	ck_assert_uint_eq(rep.closed, 20);
	ck_assert_uint_eq(rep.added, 50);
	ck_assert_uint_eq(rep.changed + rep.unchanged, 180);
	tu_buf_fmt(&b, "v2: %llu %llu %llu %llu\n", (unsigned long long)rep.added,
	           (unsigned long long)rep.changed, (unsigned long long)rep.unchanged,
	           (unsigned long long)rep.closed);
	/* partial: 100..139 with every third changed, 300..309 new; the rest left as they are */
	opt.partial = 1;
	write_entities("v3.csv", 100, 140, 0, 0, 3, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("v3.csv"), &opt);
	write_entities("v3b.csv", 300, 310, 0, 0, 0, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("v3b.csv"), &opt);
	ck_assert_uint_eq(rep.added, 10);
	ck_assert_uint_eq(rep.closed, 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 240);
	/* a dry run of a full import that would close and change rows: counted, not written */
	opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
	opt.dry_run = 1;
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("v1.csv"), &opt, NULL), YH_OK);
	ck_assert_uint_eq(rep.closed, 60);
	tu_buf_fmt(&b, "dry: %llu %llu %llu %llu\n", (unsigned long long)rep.added,
	           (unsigned long long)rep.changed, (unsigned long long)rep.unchanged,
	           (unsigned long long)rep.closed);
	/* conflicts, keyed by a pair: full, then full with one changed and one gone */
	{
		char c[512];
		const char *e1 = make_uscc(1), *e2 = make_uscc(2), *e3 = make_uscc(3);

		snprintf(c, sizeof(c), "inspector_id,entity_id,reason\nP2,%s,a\nP1,%s,b\nP1,%s,c\n"
		         "P10,%s,d\n", e1, e2, e1, e1);
		tu_write_str(tu_path("c1.csv"), c);
		tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("c1.csv"), NULL);
		snprintf(c, sizeof(c), "inspector_id,entity_id,reason\nP1,%s,c\nP10,%s,x\nP2,%s,a\n"
		         "P0,%s,e\n", e1, e1, e1, e3);
		tu_write_str(tu_path("c2.csv"), c);
	}
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("c2.csv"), NULL);
	ck_assert_uint_eq(rep.closed, 1);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.unchanged, 2);
	ck_assert_uint_eq(rep.added, 1);
	/* failing: duplicates (one key three times, two others twice) among bad rows; nothing
	 * written, every problem reported the same way */
	hist = store_history(store);
	snprintf(dup_lines, sizeof(dup_lines), "%s,再一次,,,,,存续,否\r\nBAD,坏,,,,,存续,否\r\n"
	         "%s,重复,,,,,存续,否\r\n%s,又一次,,,,,存续,否\r\n%s,再,,,,,存续,否\r\n", make_uscc(5),
	         make_uscc(240), make_uscc(5), make_uscc(0));
	write_entities("bad.csv", 0, 250, 0, 0, 0, dup_lines);
	for (before = 0; before < 2; before++) {
		opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
		opt.max_errors = before ? 3 : 0;
		memset(&ds, 0, sizeof(ds));
		rc = tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("bad.csv"), &opt, &ds);
		ck_assert_int_eq(rc, YH_EDATA);
		ck_assert_uint_eq(rep.errors, 5);
		tu_buf_fmt(&b, "bad (max %u): %llu errors\n", opt.max_errors, (unsigned long long)rep.errors);
		diags_text(&b, &ds);
	}
	{
		char *again = store_history(store);

		ck_assert_str_eq(hist, again);
		free(again);
	}
	tu_buf_str(&b, hist);
	free(hist);
	yh_store_close(store);
	return b.s;
}

/* The spill path (runs of one row, of a few rows) gives exactly the store, counts and
 * diagnostics of the in-memory path, and leaves nothing in $TMPDIR, after a success or a
 * failure; a temporary folder that cannot be written fails the import, which changes nothing. */
START_TEST(test_spill_same_store)
{
	static const size_t budgets[] = { 0, 1, 600 };
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL, *expect = NULL;
	char *tmp = strdup(tu_path("sort-tmp")); /* tu_path's buffers are reused */
	size_t i;

	ck_assert_int_eq(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		char db[32], *got;
		uint64_t runs = yh_row_sort_runs_total();

		snprintf(db, sizeof(db), "budget-%zu.db", budgets[i]);
		yh_row_sort_set_budget(budgets[i]);
		got = import_story(db);
		yh_row_sort_set_budget(0);
		if (budgets[i]) /* the spill path was taken */
			ck_assert_uint_gt(yh_row_sort_runs_total(), runs + 100);
		else
			ck_assert_uint_eq(yh_row_sort_runs_total(), runs);
		ck_assert_uint_eq(tu_dir_entries(tmp), 0);
		if (!expect) {
			expect = got;
			continue;
		}
		if (strcmp(expect, got) != 0)
			ck_abort_msg("budget %zu differs from the in-memory path:\n--- in memory\n%s\n--- "
			             "spilled\n%s", budgets[i], expect, got);
		free(got);
	}
	{
		/* the temporary folder is gone: a spilling import fails and writes nothing */
		yh_store *store = tu_store_new();
		yh_import_report rep;
		tu_diags ds;
		uint64_t head;

		write_entities("v1.csv", 0, 50, 0, 0, 0, NULL);
		tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("v1.csv"), NULL);
		head = tu_ledger_head(store);
		setenv("TMPDIR", tu_path("no-such-folder"), 1);
		yh_row_sort_set_budget(1);
		write_entities("v2.csv", 0, 80, 0, 0, 2, NULL);
		ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("v2.csv"), NULL, &ds),
		                 YH_EIO);
		ck_assert_ptr_nonnull(strstr(yh_error_message(), "temporary file"));
		yh_row_sort_set_budget(0);
		ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 50);
		ck_assert_uint_eq(tu_ledger_head(store), head);
		ck_assert_uint_eq(rep.seq, 0);
		yh_store_close(store);
	}
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	free(expect);
	free(tmp);
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *fx = tu_tcase(s, "fixtures", TU_TMPDIR, 60);
	TCase *enc = tu_tcase(s, "encodings", TU_TMPDIR, 60);
	TCase *hdr = tu_tcase(s, "headers", TU_TMPDIR, 60);
	TCase *brk = tu_tcase(s, "broken", TU_TMPDIR, 60);
	TCase *opt = tu_tcase(s, "options", TU_TMPDIR, 60);
	TCase *val = tu_tcase(s, "values", TU_TMPDIR, 60);
	TCase *srt = tu_tcase(s, "sort", TU_TMPDIR, 120);

	tcase_add_loop_test(fx, test_fixture_imports_cleanly, 0,
	                    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	tcase_add_test(fx, test_all_fixtures_one_store);
	tcase_add_test(fx, test_fixture_values);
	tcase_add_test(fx, test_conflicts_fixture);

	tcase_add_test(enc, test_gb18030_same_register);
	tcase_add_test(enc, test_gb18030_read_as_utf8);
	tcase_add_test(enc, test_gb18030_invalid_bytes);

	tcase_add_test(hdr, test_header_aliases_any_order);
	tcase_add_test(hdr, test_english_headers);
	tcase_add_test(hdr, test_unknown_column_is_a_warning);
	tcase_add_test(hdr, test_missing_required_column);
	tcase_add_test(hdr, test_duplicate_header);
	tcase_add_test(hdr, test_bad_header_row);
	tcase_add_test(hdr, test_empty_and_header_only);

	tcase_add_loop_test(brk, test_broken_fixture_empty_store, 0, (int)ngroups);
	tcase_add_loop_test(brk, test_broken_fixture_filled_store, 0, (int)ngroups);
	tcase_add_test(brk, test_field_count_mismatch);
	tcase_add_test(brk, test_csv_faults_in_import);

	tcase_add_test(opt, test_max_errors);
	tcase_add_test(opt, test_duplicates_name_first_line);
	tcase_add_test(opt, test_conflict_duplicate_pair);
	tcase_add_test(opt, test_accept_bad_check);
	tcase_add_test(opt, test_accept_bad_check_is_narrow);
	tcase_add_test(opt, test_dry_run);
	tcase_add_test(opt, test_bad_arguments);
	tcase_add_test(opt, test_progress);
	tcase_add_test(opt, test_null_options_and_callback);
	tcase_add_test(opt, test_partial_mode_recorded);

	tcase_add_test(val, test_normalise_entities);
	tcase_add_loop_test(val, test_entity_value_rules, 0,
	                    (int)(sizeof(entity_values) / sizeof(entity_values[0])));
	tcase_add_test(val, test_region_not_derivable);
	tcase_add_test(val, test_long_text);
	tcase_add_test(val, test_normalise_inspectors);
	tcase_add_loop_test(val, test_inspector_value_rules, 0,
	                    (int)(sizeof(inspector_values) / sizeof(inspector_values[0])));
	tcase_add_test(enc, test_gb18030_detected);

	tcase_add_test(srt, test_row_sort_order);
	tcase_add_test(srt, test_spill_same_store);
	return s;
}

int main(void)
{
	load_expectations();
	if (ngroups != 8) {
		fprintf(stderr, "broken-diagnostics.tsv: %zu fixtures, expected 8\n", ngroups);
		return EXIT_FAILURE;
	}
	return tu_run(import_suite());
}
