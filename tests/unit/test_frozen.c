/* test_frozen.c — the frozen inputs of a draw, through the store-free functions of
 * engine/frozen.c: eligible officers and the officer root over every inspector row, recusals
 * and the conflict root over every conflict row, eligibility and the reason a row is left
 * out, the strata of an announcement (engine/draw.h, docs/spec.md §2, §4, §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"
#include "draw.h" /* private: yh_frozen and its functions */

#define SCJG "330100-SCJG"
#define STHJ "330100-STHJ"

/* Officers are drawn from SCJG and STHJ; the draw date is 2026-12-01. */
#define HEAD "{\"id\":\"T-F\",\"title\":\"t\",\"departments\":[\"" SCJG "\",\"" STHJ "\"]," \
	"\"draw_date\":\"2026-12-01\",\"strata\":{\"rates\":{\"*\":\"5%\"}},\"team\":{\"size\":2}"
#define TASK HEAD "}"

static void frozen_open(yh_frozen *f, const char *task_json)
{
	memset(f, 0, sizeof(*f));
	f->task = tu_task(task_json);
}

static void frozen_close(yh_frozen *f)
{
	yh_task *t = (yh_task *)f->task;

	yh_frozen_clear(f);
	yh_task_free(t);
}

/* Offers an inspector row (register column order) and returns the engine's result. */
static int offer(yh_frozen *f, const char *id, const char *department, const char *cert,
                 const char *specialties, const char *status)
{
	const char *row[YH_I_COLUMNS] = { id, "某人", department, cert, specialties, status };

	return yh_frozen_add_officer(f, row);
}

/* ---- eligible officers -------------------------------------------------------------------- */

/* docs/spec.md §4: status active, certificate valid on the draw date, a department of the task. */
START_TEST(test_officer_status)
{
	static const char *const refused[] = { "on_leave", "suspended", "left", "Active", "" };
	yh_frozen f;
	size_t i;

	frozen_open(&f, TASK);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *row[YH_I_COLUMNS] = { "P1", "某人", SCJG, "2030-01-01", "", refused[i] };

		ck_assert_int_eq(offer(&f, "P1", SCJG, "2030-01-01", "", refused[i]), 0);
		ck_assert_msg(f.nofficers == 0, "status '%s' was taken", refused[i]);
		ck_assert_int_eq(yh_frozen_officer_reason(&f, row), YH_OUT_STATUS);
		/* every row offered is kept for the root (§2), the eligible ones for the draw */
		ck_assert_uint_eq(f.nofficer_rows, i + 1);
		ck_assert_uint_eq(f.officers_out[YH_OUT_STATUS], i + 1);
	}
	ck_assert_int_eq(offer(&f, "P1", SCJG, "2030-01-01", "", "active"), YH_OK);
	ck_assert_uint_eq(f.nofficers, 1);
	ck_assert_uint_eq(f.officers_out[YH_ELIGIBLE], 1);
	frozen_close(&f);
}
END_TEST

START_TEST(test_officer_certificate_edge)
{
	yh_frozen f;

	frozen_open(&f, TASK);
	/* expired the day before the draw, and long before */
	ck_assert_int_eq(offer(&f, "P0", SCJG, "2026-11-30", "", "active"), 0);
	ck_assert_int_eq(offer(&f, "P0", SCJG, "2025-12-31", "", "active"), 0);
	ck_assert_uint_eq(f.nofficers, 0);
	ck_assert_uint_eq(f.officers_out[YH_OUT_CERTIFICATE], 2);
	/* valid until exactly the draw date: still valid on it */
	ck_assert_int_eq(offer(&f, "P1", SCJG, "2026-12-01", "", "active"), YH_OK);
	ck_assert_uint_eq(f.nofficers, 1);
	/* the day after, and a later year with an earlier month */
	ck_assert_int_eq(offer(&f, "P2", SCJG, "2026-12-02", "", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P3", SCJG, "2027-01-01", "", "active"), YH_OK);
	ck_assert_uint_eq(f.nofficers, 3);
	frozen_close(&f);
}
END_TEST

START_TEST(test_officer_department)
{
	yh_frozen f;

	frozen_open(&f, TASK);
	ck_assert_int_eq(offer(&f, "P1", "330100-GAJ", "2030-01-01", "", "active"), 0);
	ck_assert_int_eq(offer(&f, "P1", "330100-SCJ", "2030-01-01", "", "active"), 0);   /* a prefix */
	ck_assert_int_eq(offer(&f, "P1", "330100-SCJGX", "2030-01-01", "", "active"), 0); /* longer */
	ck_assert_int_eq(offer(&f, "P1", "", "2030-01-01", "", "active"), 0);
	ck_assert_uint_eq(f.nofficers, 0);
	ck_assert_uint_eq(f.officers_out[YH_OUT_DEPARTMENT], 4);
	ck_assert_int_eq(offer(&f, "P1", SCJG, "2030-01-01", "", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P2", STHJ, "2030-01-01", "", "active"), YH_OK); /* either department */
	ck_assert_uint_eq(f.nofficers, 2);
	frozen_close(&f);
}
END_TEST

/* The row is copied (the caller's buffers may change) and its specialties are split at ';'. */
START_TEST(test_officer_row_copied)
{
	char id[8] = "P1", specs[32] = "检验;特种设备;食品";
	const char *row[YH_I_COLUMNS] = { id, "张三", SCJG, "2030-01-01", specs, "active" };
	yh_frozen f;
	size_t i;

	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_add_officer(&f, row), YH_OK);
	strcpy(id, "XX");
	strcpy(specs, "changed");
	ck_assert_uint_eq(f.nofficers, 1);
	ck_assert_str_eq(f.officers[0].row[YH_I_ID], "P1");
	ck_assert_str_eq(f.officers[0].row[YH_I_NAME], "张三");
	ck_assert_str_eq(f.officers[0].row[YH_I_SPECIALTIES], "检验;特种设备;食品");
	ck_assert_uint_eq(f.officers[0].nspecs, 3);
	ck_assert_str_eq(f.officers[0].specs[0], "检验");
	ck_assert_str_eq(f.officers[0].specs[1], "特种设备");
	ck_assert_str_eq(f.officers[0].specs[2], "食品");
	ck_assert_uint_eq(f.officers[0].load, 0);
	ck_assert_int_eq(offer(&f, "P2", SCJG, "2030-01-01", "", "active"), YH_OK);
	ck_assert_uint_eq(f.officers[1].nspecs, 0);
	for (i = 0; i < YH_I_COLUMNS; i++)
		ck_assert_ptr_ne(f.officers[0].row[i], row[i]);
	frozen_close(&f);
}
END_TEST

/* Finishing sorts the officers by id and roots them: the Merkle root over every inspector row
 * offered, eligible or not (all six fields, by id), recomputed here from docs/spec.md §2. */
START_TEST(test_finish_officers_sorted_and_rooted)
{
	/* every row, in id order, as the root takes them; P-0 (certificate expired) and P-D (left)
	 * are not eligible */
	const char *rows[][YH_I_COLUMNS] = {
		{ "P-0", "某人", SCJG, "2026-11-30", "", "active" },
		{ "P-A", "某人", SCJG, "2026-12-01", "食品", "active" },
		{ "P-B", "某人", STHJ, "2027-06-30", "", "active" },
		{ "P-C", "某人", SCJG, "2030-01-01", "检验;食品", "active" },
		{ "P-D", "某人", SCJG, "2030-01-01", "", "left" },
	};
	static const size_t order[] = { 3, 0, 1, 4, 2 };   /* offered out of order */
	unsigned char want[32], empty[32];
	yh_frozen f, g;
	size_t i;

	frozen_open(&f, TASK);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(yh_frozen_add_officer(&f, rows[order[i]]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_officers(&f), YH_OK);
	ck_assert_uint_eq(f.nofficers, 3);
	ck_assert_uint_eq(f.nofficer_rows, 5);
	for (i = 0; i < 3; i++)
		ck_assert_str_eq(f.officers[i].row[YH_I_ID], rows[i + 1][YH_I_ID]);
	ck_assert_uint_eq(f.officers_out[YH_ELIGIBLE], 3);
	ck_assert_uint_eq(f.officers_out[YH_OUT_STATUS], 1);
	ck_assert_uint_eq(f.officers_out[YH_OUT_CERTIFICATE], 1);
	ck_assert_uint_eq(f.officers_out[YH_OUT_DEPARTMENT], 0);
	tu_spec_root(want, &rows[0][0], YH_I_COLUMNS, 5);
	ck_assert_str_eq(tu_hex(f.officer_root, 32), tu_hex(want, 32));
	/* ... which is not the root over the eligible rows alone */
	tu_spec_root(want, &rows[1][0], YH_I_COLUMNS, 3);
	ck_assert(memcmp(f.officer_root, want, 32) != 0);

	/* a field of one row changed: another root */
	frozen_open(&g, TASK);
	rows[2][YH_I_NAME] = "另一人";
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(yh_frozen_add_officer(&g, rows[i]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_officers(&g), YH_OK);
	tu_spec_root(want, &rows[0][0], YH_I_COLUMNS, 5);
	ck_assert_str_eq(tu_hex(g.officer_root, 32), tu_hex(want, 32));
	ck_assert(memcmp(f.officer_root, g.officer_root, 32) != 0);
	frozen_close(&g);

	/* no row at all: the root of no leaves, SHA-256 of nothing; one ineligible row: its leaf */
	frozen_open(&g, TASK);
	ck_assert_int_eq(yh_frozen_finish_officers(&g), YH_OK);
	tu_spec_root(empty, NULL, YH_I_COLUMNS, 0);
	ck_assert_str_eq(tu_hex(g.officer_root, 32), tu_hex(empty, 32));
	ck_assert_str_eq(tu_hex(empty, 32), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	frozen_close(&g);
	frozen_open(&g, TASK);
	ck_assert_int_eq(yh_frozen_add_officer(&g, rows[0]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_officers(&g), YH_OK);
	ck_assert_uint_eq(g.nofficers, 0);
	tu_spec_root(want, &rows[0][0], YH_I_COLUMNS, 1);
	ck_assert_str_eq(tu_hex(g.officer_root, 32), tu_hex(want, 32));
	ck_assert(memcmp(g.officer_root, empty, 32) != 0);
	frozen_close(&g);
	frozen_close(&f);
}
END_TEST

/* docs/spec.md §2: the roots cover every row, so that a row marked 休假 (on leave) before the
 * commit is still covered.  An officer row that is not eligible changes the officer root when it
 * is added, when its status changes (on_leave to suspended), and when it is left out; the set
 * of eligible officers stays the same throughout. */
START_TEST(test_ineligible_officer_row_in_root)
{
	const char *base[][YH_I_COLUMNS] = {
		{ "P-1", "甲", SCJG, "2030-01-01", "食品", "active" },
		{ "P-2", "乙", STHJ, "2030-01-01", "", "active" },
	};
	const char *leave[YH_I_COLUMNS] = { "P-3", "丙", SCJG, "2030-01-01", "", "on_leave" };
	const char *suspended[YH_I_COLUMNS] = { "P-3", "丙", SCJG, "2030-01-01", "", "suspended" };
	const char *other_dep[YH_I_COLUMNS] = { "P-3", "丙", "330100-GAJ", "2030-01-01", "", "active" };
	const char *const *extra[] = { NULL, leave, suspended, other_dep };
	unsigned char roots[4][32];
	size_t i, j, k;

	for (i = 0; i < 4; i++) {
		const char *all[3][YH_I_COLUMNS];
		unsigned char want[32];
		yh_frozen f;
		size_t n = 2;

		frozen_open(&f, TASK);
		for (j = 0; j < 2; j++) {
			ck_assert_int_eq(yh_frozen_add_officer(&f, base[j]), YH_OK);
			for (k = 0; k < YH_I_COLUMNS; k++)
				all[j][k] = base[j][k];
		}
		if (extra[i]) {
			ck_assert_int_eq(yh_frozen_add_officer(&f, extra[i]), YH_OK);
			for (k = 0; k < YH_I_COLUMNS; k++)
				all[2][k] = extra[i][k];
			n = 3;
		}
		ck_assert_int_eq(yh_frozen_finish_officers(&f), YH_OK);
		ck_assert_uint_eq(f.nofficers, 2);          /* P-3 is never eligible */
		ck_assert_uint_eq(f.nofficer_rows, n);
		ck_assert_str_eq(f.officers[0].row[YH_I_ID], "P-1");
		ck_assert_str_eq(f.officers[1].row[YH_I_ID], "P-2");
		tu_spec_root(want, &all[0][0], YH_I_COLUMNS, n);
		ck_assert_str_eq(tu_hex(f.officer_root, 32), tu_hex(want, 32));
		memcpy(roots[i], f.officer_root, 32);
		frozen_close(&f);
	}
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			ck_assert_msg(memcmp(roots[i], roots[j], 32) != 0, "cases %zu and %zu give one root", i, j);
}
END_TEST

/* yh_frozen_officer_reason: the first rule of §4 a row fails, in the spec's order (status,
 * certificate, department). */
START_TEST(test_officer_reasons)
{
	static const struct {
		const char *department, *cert, *status;
		yh_out_reason why;
	} cases[] = {
		{ SCJG, "2030-01-01", "active", YH_ELIGIBLE },
		{ STHJ, "2026-12-01", "active", YH_ELIGIBLE },
		{ SCJG, "2030-01-01", "on_leave", YH_OUT_STATUS },
		{ SCJG, "2030-01-01", "left", YH_OUT_STATUS },
		{ SCJG, "2020-01-01", "suspended", YH_OUT_STATUS },             /* status before certificate */
		{ "330100-GAJ", "2020-01-01", "on_leave", YH_OUT_STATUS },      /* status before department */
		{ SCJG, "2026-11-30", "active", YH_OUT_CERTIFICATE },
		{ "330100-GAJ", "2026-11-30", "active", YH_OUT_CERTIFICATE },   /* certificate before department */
		{ "330100-GAJ", "2030-01-01", "active", YH_OUT_DEPARTMENT },
		{ "", "2030-01-01", "active", YH_OUT_DEPARTMENT },
	};
	uint64_t counts[YH_OUT_COUNT] = { 0 };
	yh_frozen f;
	size_t i, k;

	frozen_open(&f, TASK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char id[8];
		const char *row[YH_I_COLUMNS] = { id, "某人", cases[i].department, cases[i].cert, "", cases[i].status };

		snprintf(id, sizeof(id), "P%02zu", i);
		ck_assert_msg(yh_frozen_officer_reason(&f, row) == cases[i].why, "case %zu: reason %d, expected %d",
		              i, (int)yh_frozen_officer_reason(&f, row), (int)cases[i].why);
		ck_assert_int_eq(yh_frozen_add_officer(&f, row), YH_OK);
		counts[cases[i].why]++;
	}
	ck_assert_int_eq(yh_frozen_finish_officers(&f), YH_OK);
	for (k = 0; k < YH_OUT_COUNT; k++)
		ck_assert_uint_eq(f.officers_out[k], counts[k]);
	ck_assert_uint_eq(f.nofficers, counts[YH_ELIGIBLE]);
	ck_assert_uint_eq(f.nofficer_rows, sizeof(cases) / sizeof(cases[0]));
	frozen_close(&f);
}
END_TEST

START_TEST(test_finish_officers_duplicate_id)
{
	yh_frozen f;

	frozen_open(&f, TASK);
	ck_assert_int_eq(offer(&f, "P-2", SCJG, "2030-01-01", "", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P-1", SCJG, "2030-01-01", "", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P-2", STHJ, "2031-01-01", "食品", "active"), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_officers(&f), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), "'P-2'") != NULL, "%s", yh_error_message());
	frozen_close(&f);

	/* an id twice among rows that are not eligible: every row is in the root, so it counts */
	frozen_open(&f, TASK);
	ck_assert_int_eq(offer(&f, "P-1", SCJG, "2030-01-01", "", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P-9", SCJG, "2030-01-01", "", "left"), YH_OK);
	ck_assert_int_eq(offer(&f, "P-9", "330100-GAJ", "2030-01-01", "", "active"), YH_OK);
	ck_assert_uint_eq(f.nofficers, 1);
	ck_assert_int_eq(yh_frozen_finish_officers(&f), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), "'P-9'") != NULL, "%s", yh_error_message());
	frozen_close(&f);
}
END_TEST

/* ---- recusals ------------------------------------------------------------------------------ */

/* Conflict rows and the announcement's recent pairs become recusals, sorted by (entity,
 * inspector, reason) (docs/spec.md §4); the conflict root is over the conflict rows alone, their
 * three fields in column order (inspector_id, entity_id, reason), sorted by inspector_id then
 * entity_id (§2). */
START_TEST(test_recusals_sorted_and_rooted)
{
	const char *want_rows[][3] = {
		{ "E1", "P1", "recent:T-OLD" },
		{ "E1", "P2", "recent:T-OLD" },    /* 'r' (0x72) sorts before 亲 (0xE4 ...) */
		{ "E1", "P2", "亲属" },
		{ "E2", "P1", "recent:T-OLD" },
		{ "E2", "P1", "recent:T-OLDER" },
		{ "E2", "P1", "曾任职" },
		{ "E3", "P0", "同学" },
	};
	/* the conflict rows in register column order and key order (inspector, entity) */
	const char *conflicts[][3] = {
		{ "P0", "E3", "同学" },
		{ "P1", "E2", "曾任职" },
		{ "P2", "E1", "亲属" },
	};
	json_t *recent = tu_json("[{\"entity_id\":\"E2\",\"inspector_id\":\"P1\",\"task_id\":\"T-OLDER\"},"
	                         "{\"entity_id\":\"E1\",\"inspector_id\":\"P2\",\"task_id\":\"T-OLD\"},"
	                         "{\"entity_id\":\"E2\",\"inspector_id\":\"P1\",\"task_id\":\"T-OLD\"},"
	                         "{\"entity_id\":\"E1\",\"inspector_id\":\"P1\",\"task_id\":\"T-OLD\"}]");
	unsigned char want[32], recusal_root[32];
	yh_frozen f;
	size_t i;

	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_add_conflict(&f, conflicts[1]), YH_OK);
	ck_assert_int_eq(yh_frozen_add_recent(&f, recent), YH_OK);
	ck_assert_int_eq(yh_frozen_add_conflict(&f, conflicts[2]), YH_OK);
	ck_assert_int_eq(yh_frozen_add_conflict(&f, conflicts[0]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	ck_assert_uint_eq(f.nrecusals, 7);
	ck_assert_uint_eq(f.nrecent, 4);
	ck_assert_uint_eq(f.nconflict_rows, 3);
	for (i = 0; i < 7; i++) {
		ck_assert_str_eq(f.recusals[i].entity_id, want_rows[i][0]);
		ck_assert_str_eq(f.recusals[i].inspector_id, want_rows[i][1]);
		ck_assert_str_eq(f.recusals[i].reason, want_rows[i][2]);
		ck_assert_int_eq(f.recusals[i].recent, strncmp(want_rows[i][2], "recent:", 7) == 0);
	}
	tu_spec_root(want, &conflicts[0][0], 3, 3);
	ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(want, 32));
	/* not the /1 recusal root over every recusal (entity, inspector, reason) */
	tu_spec_root(recusal_root, &want_rows[0][0], 3, 7);
	ck_assert(memcmp(f.conflict_root, recusal_root, 32) != 0);
	json_decref(recent);
	frozen_close(&f);
}
END_TEST

/* What enters the conflict root: every conflict row (a row added, a reason changed: another
 * root); not the recent pairs, nor a recusal added with yh_frozen_add_recusal. */
START_TEST(test_conflict_root_rows)
{
	const char *rows[][3] = {
		{ "P1", "E1", "亲属" },
		{ "P1", "E2", "曾任职" },
		{ "P2", "E1", "同学" },
	};
	json_t *recent = tu_json("[{\"entity_id\":\"E9\",\"inspector_id\":\"P9\",\"task_id\":\"T-OLD\"}]");
	unsigned char base[32], want[32];
	yh_frozen f;
	size_t i;

	/* two rows */
	frozen_open(&f, TASK);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(yh_frozen_add_conflict(&f, rows[i]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	tu_spec_root(base, &rows[0][0], 3, 2);
	ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(base, 32));
	frozen_close(&f);
	/* the same with recent pairs and another recusal: the same root, more recusals */
	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_add_recent(&f, recent), YH_OK);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(yh_frozen_add_conflict(&f, rows[1 - i]), YH_OK);
	ck_assert_int_eq(yh_frozen_add_recusal(&f, "E8", "P8", "other"), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(base, 32));
	ck_assert_uint_eq(f.nrecusals, 4);
	ck_assert_uint_eq(f.nconflict_rows, 2);
	ck_assert(yh_frozen_recused(&f, "E9", "P9"));
	ck_assert(yh_frozen_recused(&f, "E8", "P8"));
	frozen_close(&f);
	/* a third conflict row: another root */
	frozen_open(&f, TASK);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(yh_frozen_add_conflict(&f, rows[i]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	tu_spec_root(want, &rows[0][0], 3, 3);
	ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(want, 32));
	ck_assert(memcmp(f.conflict_root, base, 32) != 0);
	frozen_close(&f);
	/* a reason changed: another root, the same recusal pairs */
	frozen_open(&f, TASK);
	rows[1][2] = "曾任职（已离职）";
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(yh_frozen_add_conflict(&f, rows[i]), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	tu_spec_root(want, &rows[0][0], 3, 2);
	ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(want, 32));
	ck_assert(memcmp(f.conflict_root, base, 32) != 0);
	ck_assert(yh_frozen_recused(&f, "E2", "P1"));
	frozen_close(&f);
	/* the key (inspector, entity) twice: refused, whatever the reasons */
	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_add_conflict(&f, rows[0]), YH_OK);
	{
		const char *again[3] = { "P1", "E1", "另一个理由" };

		ck_assert_int_eq(yh_frozen_add_conflict(&f, again), YH_OK);
	}
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), "P1") && strstr(yh_error_message(), "E1"), "%s",
	              yh_error_message());
	frozen_close(&f);
	/* a conflict whose reason starts with "recent:" is a conflict like any other (spec §4): in the
	 * root, not a recent pair */
	frozen_open(&f, TASK);
	{
		const char *row[3] = { "P5", "E5", "recent:T-OLD" };
		const char *both[2][3] = { { "P1", "E1", "亲属" }, { "P5", "E5", "recent:T-OLD" } };

		ck_assert_int_eq(yh_frozen_add_conflict(&f, rows[0]), YH_OK);
		ck_assert_int_eq(yh_frozen_add_conflict(&f, row), YH_OK);
		ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
		ck_assert_uint_eq(f.nrecent, 0);
		ck_assert_uint_eq(f.nconflict_rows, 2);
		for (i = 0; i < f.nrecusals; i++)
			ck_assert_int_eq(f.recusals[i].recent, 0);
		tu_spec_root(want, &both[0][0], 3, 2);
		ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(want, 32));
		ck_assert(yh_frozen_recused(&f, "E5", "P5"));
	}
	frozen_close(&f);
	/* no conflict row: the root of no leaves */
	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_add_recent(&f, recent), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	tu_spec_root(want, NULL, 3, 0);
	ck_assert_str_eq(tu_hex(f.conflict_root, 32), tu_hex(want, 32));
	frozen_close(&f);
	json_decref(recent);
}
END_TEST

START_TEST(test_recent_pairs_refused)
{
	static const char *const bad[] = {
		"{}",                                                            /* not a list */
		"[{\"entity_id\":\"E1\",\"inspector_id\":\"P1\"}]",              /* no task id */
		"[{\"entity_id\":\"E1\",\"inspector_id\":\"P1\",\"task_id\":7}]",
		"[{\"inspector_id\":\"P1\",\"task_id\":\"T\"}]",                 /* no entity */
		"[{\"entity_id\":\"E1\",\"task_id\":\"T\"}]",                    /* no officer */
		"[{\"entity_id\":\"E1\",\"inspector_id\":1,\"task_id\":\"T\"}]",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *list = tu_json(bad[i]);
		yh_frozen f;

		frozen_open(&f, TASK);
		ck_assert_msg(yh_frozen_add_recent(&f, list) == YH_EDATA, "accepted %s", bad[i]);
		json_decref(list);
		frozen_close(&f);
	}
	{
		yh_frozen f;

		frozen_open(&f, TASK);
		ck_assert_int_eq(yh_frozen_add_recent(&f, NULL), YH_EDATA);
		ck_assert_int_eq(yh_frozen_add_recusal(&f, "E1", NULL, "x"), YH_EDATA);
		ck_assert_int_eq(yh_frozen_add_recusal(&f, NULL, "P1", "x"), YH_EDATA);
		ck_assert_int_eq(yh_frozen_add_recusal(&f, "E1", "P1", NULL), YH_EDATA);
		frozen_close(&f);
	}
}
END_TEST

/* yh_frozen_recused answers for the pair, whatever the reason, in a long list. */
START_TEST(test_recused_lookup)
{
	char e[16], p[16];
	yh_frozen f;
	unsigned i, j;

	frozen_open(&f, TASK);
	/* pairs (Ei, Pj) with (i * j) % 7 == 3, added in a scrambled order, some twice */
	for (i = 0; i < 40; i++)
		for (j = 0; j < 30; j++) {
			unsigned ii = (i * 17) % 40, jj = (j * 11) % 30;

			if ((ii * jj) % 7 != 3)
				continue;
			snprintf(e, sizeof(e), "E%02u", ii);
			snprintf(p, sizeof(p), "P%02u", jj);
			ck_assert_int_eq(yh_frozen_add_recusal(&f, e, p, jj % 2 ? "亲属" : "recent:T-X"), YH_OK);
			if (jj % 5 == 0)
				ck_assert_int_eq(yh_frozen_add_recusal(&f, e, p, "曾任职"), YH_OK);
		}
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	for (i = 0; i < 41; i++)
		for (j = 0; j < 31; j++) {
			snprintf(e, sizeof(e), "E%02u", i);
			snprintf(p, sizeof(p), "P%02u", j);
			TU_REQUIRE(yh_frozen_recused(&f, e, p) == (i < 40 && j < 30 && (i * j) % 7 == 3),
			           "recused(%s, %s)", e, p);
			/* the pair is ordered: the officer's id as the entity's is another pair */
			TU_REQUIRE(!yh_frozen_recused(&f, p, e), "recused(%s, %s)", p, e);
		}
	ck_assert(!yh_frozen_recused(&f, "E0", "P03"));  /* a prefix of an entity id */
	ck_assert(!yh_frozen_recused(&f, "E01", "P0"));  /* a prefix of an officer id */
	frozen_close(&f);

	/* none at all */
	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	ck_assert(!yh_frozen_recused(&f, "E01", "P03"));
	frozen_close(&f);
}
END_TEST

/* ---- entities -------------------------------------------------------------------------------- */

/* Entity rows in register column order: id, name, type, region, industry, risk, status, abnormal. */
#define ENTITY(id, type, region, industry, risk, status, abnormal) \
	{ id, "某店", type, region, industry, risk, status, abnormal }

/* docs/spec.md §4: each population filter, in and out. */
START_TEST(test_entity_population_filters)
{
	static const char *const in[YH_E_COLUMNS] = ENTITY("E1", "个体工商户", "330106", "F5211", "A", "active", "0");
	static const struct {
		const char *row[YH_E_COLUMNS];
		const char *why;
	} out[] = {
		{ ENTITY("E1", "个体工商户", "330106", "F5211", "A", "revoked", "0"), "status" },
		{ ENTITY("E1", "个体工商户", "330206", "F5211", "A", "active", "0"), "region" },
		{ ENTITY("E1", "个体工商户", "3", "F5211", "A", "active", "0"), "region shorter than the prefix" },
		{ ENTITY("E1", "个体工商户", "330106", "F5311", "A", "active", "0"), "industry" },
		{ ENTITY("E1", "个体工商户", "330106", "", "A", "active", "0"), "empty industry" },
		{ ENTITY("E1", "个体工商", "330106", "F5211", "A", "active", "0"), "type (a prefix)" },
		{ ENTITY("E1", "个体工商户", "330106", "F5211", "C", "active", "0"), "risk" },
		{ ENTITY("E1", "个体工商户", "330106", "F5211", "", "active", "0"), "empty risk" },
		{ ENTITY("E1", "个体工商户", "330106", "F5211", "A", "active", "1"), "abnormal" },
	};
	yh_frozen f;
	size_t i;

	frozen_open(&f, HEAD ",\"population\":{\"status\":[\"active\",\"suspended\"],\"regions\":[\"3301\",\"44\"],"
	            "\"industries\":[\"F52\",\"H\"],\"types\":[\"个体工商户\",\"有限责任公司\"],"
	            "\"risk\":[\"A\",\"B\"],\"abnormal\":false}}");
	ck_assert(yh_frozen_entity_eligible(&f, in));
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		ck_assert_msg(!yh_frozen_entity_eligible(&f, out[i].row), "eligible despite its %s", out[i].why);
	{
		/* the other member of each list */
		const char *other[YH_E_COLUMNS] = ENTITY("E1", "有限责任公司", "440305", "H6210", "B", "suspended", "0");

		ck_assert(yh_frozen_entity_eligible(&f, other));
	}
	frozen_close(&f);

	/* the defaults: active entities, any other value */
	frozen_open(&f, TASK);
	{
		const char *any[YH_E_COLUMNS] = ENTITY("E1", "", "110101", "", "", "active", "1");
		const char *moved[YH_E_COLUMNS] = ENTITY("E1", "", "110101", "", "", "moved_out", "0");

		ck_assert(yh_frozen_entity_eligible(&f, any));
		ck_assert(!yh_frozen_entity_eligible(&f, moved));
	}
	frozen_close(&f);

	/* abnormal: true keeps only the listed */
	frozen_open(&f, HEAD ",\"population\":{\"abnormal\":true}}");
	{
		const char *listed[YH_E_COLUMNS] = ENTITY("E1", "", "110101", "", "", "active", "1");
		const char *unlisted[YH_E_COLUMNS] = ENTITY("E1", "", "110101", "", "", "active", "0");

		ck_assert(yh_frozen_entity_eligible(&f, listed));
		ck_assert(!yh_frozen_entity_eligible(&f, unlisted));
	}
	frozen_close(&f);
}
END_TEST

/* The announcement's entities.excluded list (sorted, no repeats) takes its members out. */
START_TEST(test_entity_exclusion_list)
{
	json_t *list = tu_json("[\"E02\",\"E05\",\"E07\",\"E11\"]");
	yh_frozen f;
	char id[8];
	unsigned i;

	frozen_open(&f, TASK);
	ck_assert_int_eq(yh_frozen_load_excluded(&f, NULL, list), YH_OK);
	for (i = 0; i < 14; i++) {
		const char *row[YH_E_COLUMNS] = ENTITY(id, "", "330106", "", "", "active", "0");
		int listed = i == 2 || i == 5 || i == 7 || i == 11;

		snprintf(id, sizeof(id), "E%02u", i);
		ck_assert_msg(yh_frozen_entity_eligible(&f, row) == !listed, "%s", id);
	}
	{
		const char *row[YH_E_COLUMNS] = ENTITY("E0", "", "330106", "", "", "active", "0");

		ck_assert(yh_frozen_entity_eligible(&f, row)); /* a prefix of a listed id */
	}
	json_decref(list);
	frozen_close(&f);

	/* lists the lookup could not trust are refused */
	{
		static const char *const bad[] = { "[\"E05\",\"E02\"]", "[\"E02\",\"E02\"]", "[\"E02\",3]" };

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			list = tu_json(bad[i]);
			frozen_open(&f, TASK);
			ck_assert_msg(yh_frozen_load_excluded(&f, NULL, list) == YH_EDATA, "accepted %s", bad[i]);
			json_decref(list);
			frozen_close(&f);
		}
	}
}
END_TEST

/* yh_frozen_entity_reason: the first rule of §4 an entity row fails — status, then the other
 * population filters, then the exclusion window — and yh_frozen_entity_eligible agrees. */
START_TEST(test_entity_reasons)
{
	json_t *list = tu_json("[\"E-EXCL\",\"E-EXCL2\"]");
	static const struct {
		const char *row[YH_E_COLUMNS];
		yh_out_reason why;
	} cases[] = {
		{ ENTITY("E-OK", "个体工商户", "330106", "F5211", "A", "active", "0"), YH_ELIGIBLE },
		{ ENTITY("E-OK2", "有限责任公司", "330106", "H6210", "B", "suspended", "0"), YH_ELIGIBLE },
		{ ENTITY("E-ST", "个体工商户", "330106", "F5211", "A", "revoked", "0"), YH_OUT_STATUS },
		{ ENTITY("E-ST2", "个体工商户", "440305", "C1411", "D", "deregistered", "1"), YH_OUT_STATUS },
		{ ENTITY("E-EXCL2", "个体工商户", "330106", "F5211", "A", "cancelled", "0"), YH_OUT_STATUS },
		{ ENTITY("E-RG", "个体工商户", "440305", "F5211", "A", "active", "0"), YH_OUT_FILTER },
		{ ENTITY("E-IN", "个体工商户", "330106", "C1411", "A", "active", "0"), YH_OUT_FILTER },
		{ ENTITY("E-TY", "股份有限公司", "330106", "F5211", "A", "active", "0"), YH_OUT_FILTER },
		{ ENTITY("E-RK", "个体工商户", "330106", "F5211", "C", "active", "0"), YH_OUT_FILTER },
		{ ENTITY("E-AB", "个体工商户", "330106", "F5211", "A", "active", "1"), YH_OUT_FILTER },
		{ ENTITY("E-EXCL", "个体工商户", "440305", "F5211", "A", "active", "0"), YH_OUT_FILTER },
		{ ENTITY("E-EXCL", "个体工商户", "330106", "F5211", "A", "active", "0"), YH_OUT_EXCLUDED },
	};
	yh_frozen f;
	size_t i;

	frozen_open(&f, HEAD ",\"population\":{\"status\":[\"active\",\"suspended\"],\"regions\":[\"3301\"],"
	            "\"industries\":[\"F52\",\"H\"],\"types\":[\"个体工商户\",\"有限责任公司\"],"
	            "\"risk\":[\"A\",\"B\"],\"abnormal\":false}}");
	ck_assert_int_eq(yh_frozen_load_excluded(&f, NULL, list), YH_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_out_reason why = yh_frozen_entity_reason(&f, cases[i].row);

		ck_assert_msg(why == cases[i].why, "%s (case %zu): reason %d, expected %d", cases[i].row[0], i,
		              (int)why, (int)cases[i].why);
		ck_assert_msg(yh_frozen_entity_eligible(&f, cases[i].row) == (cases[i].why == YH_ELIGIBLE),
		              "%s (case %zu): eligible disagrees with the reason", cases[i].row[0], i);
	}
	json_decref(list);
	frozen_close(&f);
}
END_TEST

/* ---- strata ------------------------------------------------------------------------------------ */

static int strata_rc(yh_frozen *f, const char *json)
{
	json_t *s = tu_json(json);
	int rc;

	frozen_open(f, TASK);
	rc = yh_frozen_strata_from_json(f, s);
	json_decref(s);
	return rc;
}

#define STRATUM(key, n, k, r) "{\"key\":\"" key "\",\"population\":" #n ",\"selected\":" #k \
	",\"reserves\":" #r ",\"rate\":\"10%\"}"

START_TEST(test_strata_from_json)
{
	yh_frozen f;

	ck_assert_int_eq(strata_rc(&f, "[" STRATUM("-", 4, 1, 1) "," STRATUM("A", 10, 2, 8) ","
	                               STRATUM("B", 3, 3, 0) "," STRATUM("B/33", 0, 0, 0) "]"), YH_OK);
	ck_assert_uint_eq(f.nstrata, 4);
	ck_assert_str_eq(f.strata[1].key, "A");
	ck_assert_uint_eq(f.strata[1].population, 10);
	ck_assert_uint_eq(f.strata[1].k, 2);
	ck_assert_uint_eq(f.strata[1].reserves, 8);
	ck_assert_str_eq(f.strata[1].rate, "10%");
	ck_assert_ptr_eq(yh_frozen_stratum(&f, "-"), &f.strata[0]);
	ck_assert_ptr_eq(yh_frozen_stratum(&f, "A"), &f.strata[1]);
	ck_assert_ptr_eq(yh_frozen_stratum(&f, "B"), &f.strata[2]);
	ck_assert_ptr_eq(yh_frozen_stratum(&f, "B/33"), &f.strata[3]);
	ck_assert_ptr_null(yh_frozen_stratum(&f, "C"));
	ck_assert_ptr_null(yh_frozen_stratum(&f, "B/3"));
	ck_assert_ptr_null(yh_frozen_stratum(&f, ""));
	frozen_close(&f);

	ck_assert_int_eq(strata_rc(&f, "[]"), YH_OK);
	ck_assert_uint_eq(f.nstrata, 0);
	ck_assert_ptr_null(yh_frozen_stratum(&f, "all"));
	frozen_close(&f);
}
END_TEST

START_TEST(test_strata_refused)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "{}", "missing" },
		{ "[" STRATUM("B", 4, 1, 0) "," STRATUM("A", 4, 1, 0) "]", "not sorted" },
		{ "[" STRATUM("A", 4, 1, 0) "," STRATUM("A", 4, 1, 0) "]", "not sorted" },
		{ "[{\"population\":4,\"selected\":1,\"reserves\":0,\"rate\":\"\"}]", "malformed" },
		{ "[{\"key\":\"A\",\"population\":\"4\",\"selected\":1,\"reserves\":0,\"rate\":\"\"}]", "malformed" },
		{ "[{\"key\":\"A\",\"population\":4,\"reserves\":0,\"rate\":\"\"}]", "malformed" },
		{ "[{\"key\":\"A\",\"population\":4,\"selected\":1,\"rate\":\"\"}]", "malformed" },
		{ "[{\"key\":\"A\",\"population\":4,\"selected\":1,\"reserves\":0}]", "malformed" },
		{ "[" STRATUM("A", -4, 1, 0) "]", "negative" },
		{ "[" STRATUM("A", 4, -1, 0) "]", "negative" },
		{ "[" STRATUM("A", 4, 1, -1) "]", "negative" },
		{ "[" STRATUM("A", 4, 5, 0) "]", "more than its population" },
		{ "[" STRATUM("A", 4, 2, 3) "]", "more than its population" },
		{ "[" STRATUM("A", 4, 0, 5) "]", "more than its population" },
	};
	yh_frozen f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(strata_rc(&f, bad[i].json) == YH_EDATA, "accepted %s", bad[i].json);
		ck_assert_msg(strstr(yh_error_message(), bad[i].why) != NULL, "%s: '%s' lacks '%s'", bad[i].json,
		              yh_error_message(), bad[i].why);
		frozen_close(&f);
	}
	/* the boundary: k + r = n is allowed */
	ck_assert_int_eq(strata_rc(&f, "[" STRATUM("A", 4, 2, 2) "]"), YH_OK);
	frozen_close(&f);
	/* a key that could not be a stratum key (511 bytes at most) */
	{
		char json[1200], key[600];

		memset(key, 'k', 512);
		key[512] = '\0';
		snprintf(json, sizeof(json), "[{\"key\":\"%s\",\"population\":1,\"selected\":1,\"reserves\":0,"
		         "\"rate\":\"\"}]", key);
		ck_assert_int_eq(strata_rc(&f, json), YH_EDATA);
		frozen_close(&f);
		key[511] = '\0';
		snprintf(json, sizeof(json), "[{\"key\":\"%s\",\"population\":1,\"selected\":1,\"reserves\":0,"
		         "\"rate\":\"\"}]", key);
		ck_assert_int_eq(strata_rc(&f, json), YH_OK);
		ck_assert_str_eq(f.strata[0].key, key);
		frozen_close(&f);
	}
}
END_TEST

/* ---- clearing ---------------------------------------------------------------------------------- */

/* Everything the frozen inputs hold is released (the sanitizer build checks for leaks) and the
 * struct is left empty, ready for another use; clearing an empty one is harmless. */
START_TEST(test_clear)
{
	json_t *recent = tu_json("[{\"entity_id\":\"E1\",\"inspector_id\":\"P1\",\"task_id\":\"T\"}]");
	json_t *excluded = tu_json("[\"E1\",\"E2\"]"), *strata = tu_json("[" STRATUM("all", 3, 1, 1) "]");
	yh_frozen f, zero;
	const yh_task *t;

	frozen_open(&f, TASK);
	t = f.task;
	ck_assert_int_eq(offer(&f, "P2", SCJG, "2030-01-01", "食品;检验", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P1", STHJ, "2030-01-01", "", "active"), YH_OK);
	ck_assert_int_eq(offer(&f, "P3", STHJ, "2030-01-01", "", "on_leave"), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_officers(&f), YH_OK);
	ck_assert_int_eq(yh_frozen_add_recusal(&f, "E1", "P2", "亲属"), YH_OK);
	{
		const char *row[3] = { "P1", "E2", "曾任职" };

		ck_assert_int_eq(yh_frozen_add_conflict(&f, row), YH_OK);
	}
	ck_assert_int_eq(yh_frozen_add_recent(&f, recent), YH_OK);
	ck_assert_int_eq(yh_frozen_finish_recusals(&f), YH_OK);
	ck_assert_int_eq(yh_frozen_load_excluded(&f, NULL, excluded), YH_OK);
	ck_assert_int_eq(yh_frozen_strata_from_json(&f, strata), YH_OK);
	yh_frozen_clear(&f);
	memset(&zero, 0, sizeof(zero));
	ck_assert_mem_eq(&f, &zero, sizeof(f));
	yh_frozen_clear(&f);
	ck_assert_mem_eq(&f, &zero, sizeof(f));
	yh_task_free((yh_task *)t);
	json_decref(recent);
	json_decref(excluded);
	json_decref(strata);
}
END_TEST

static Suite *frozen_suite(void)
{
	Suite *s = suite_create("frozen");
	TCase *off = tu_tcase(s, "officers", 0, 0);
	TCase *rec = tu_tcase(s, "recusals", 0, 0);
	TCase *ent = tu_tcase(s, "entities", 0, 0);
	TCase *str = tu_tcase(s, "strata", 0, 0);

	tcase_add_test(off, test_officer_status);
	tcase_add_test(off, test_officer_certificate_edge);
	tcase_add_test(off, test_officer_department);
	tcase_add_test(off, test_officer_row_copied);
	tcase_add_test(off, test_finish_officers_sorted_and_rooted);
	tcase_add_test(off, test_ineligible_officer_row_in_root);
	tcase_add_test(off, test_officer_reasons);
	tcase_add_test(off, test_finish_officers_duplicate_id);
	tcase_add_test(rec, test_recusals_sorted_and_rooted);
	tcase_add_test(rec, test_conflict_root_rows);
	tcase_add_test(rec, test_recent_pairs_refused);
	tcase_add_test(rec, test_recused_lookup);
	tcase_add_test(ent, test_entity_population_filters);
	tcase_add_test(ent, test_entity_exclusion_list);
	tcase_add_test(ent, test_entity_reasons);
	tcase_add_test(str, test_strata_from_json);
	tcase_add_test(str, test_strata_refused);
	tcase_add_test(str, test_clear);
	return s;
}

TU_MAIN(frozen_suite)
