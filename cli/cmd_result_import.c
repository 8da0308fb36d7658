/* cmd_result_import.c — yaohao result import: a file of results, all or nothing. */
#include <stdio.h>

#include "cli.h"

int cli_result_import(yh_store *store, const char *task_id, const char *path, int json)
{
	(void)store; (void)task_id; (void)json;
	return cli_error(CLI_INTERNAL, "result import is not built yet: '%s'", path);
}
