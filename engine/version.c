/* version.c — the library's own version, compiled in, so that a program can
 * tell which build it runs with. */
#include "yaohao/version.h"

const char *yh_version(void)
{
	return YH_VERSION;
}
