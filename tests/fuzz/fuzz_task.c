/*
 * fuzz_task.c — the task parser over arbitrary bytes.
 *
 * A task that parses has an id, a title, a draw date and a canonical form; the
 * canonical form is itself a task whose canonical form and digest are the same
 * (the normal form states every rule, so reading it back changes nothing).
 */
#include <stdint.h>
#include <string.h>

#include <yaohao/yaohao.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yh_task *task = NULL, *again = NULL;
	unsigned char d1[32], d2[32];
	const char *canon;
	int rc;

	rc = yh_task_parse(&task, (const char *)data, size, "fuzz.json");
	if (rc != YH_OK) {
		FZ_REQUIRE(task == NULL);
		FZ_REQUIRE(rc == YH_EDATA);
		fz_touch(yh_error_message(), strlen(yh_error_message()), 1);
		return 0;
	}
	FZ_REQUIRE(yh_task_id(task) && yh_task_title(task) && yh_task_draw_date(task));
	fz_touch(yh_task_id(task), strlen(yh_task_id(task)), 1);
	fz_touch(yh_task_title(task), strlen(yh_task_title(task)), 1);
	fz_touch(yh_task_draw_date(task), strlen(yh_task_draw_date(task)), 1);
	canon = yh_task_canonical(task);
	FZ_REQUIRE(canon != NULL);
	rc = yh_task_parse(&again, canon, strlen(canon), "canonical");
	FZ_REQUIRE(rc == YH_OK);
	FZ_REQUIRE(strcmp(yh_task_canonical(again), canon) == 0);
	yh_task_digest(d1, task);
	yh_task_digest(d2, again);
	FZ_REQUIRE(memcmp(d1, d2, 32) == 0);
	FZ_REQUIRE(strcmp(yh_task_id(again), yh_task_id(task)) == 0);
	yh_task_free(again);
	yh_task_free(task);
	return 0;
}
