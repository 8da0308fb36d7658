/*
 * yaohao/yaohao.h — the umbrella header of libyaohao, the engine of the
 * yaohao draw tool for 双随机、一公开 supervision.
 *
 * Modules, one header each:
 *   version.h   the version of the headers and of the library
 *   error.h     result codes and the per-thread error message
 *   uscc.h      统一社会信用代码 validation (GB 32100)
 *   csv.h       streaming RFC 4180 reader with GB18030 support
 *   store.h     the SQLite store: create, open, migrate
 *   ledger.h    the append-only, hash-chained ledger
 *   register.h  the registers and their history
 *   import.h    importing register files, all or nothing
 *   stats.h     register statistics
 */
#ifndef YAOHAO_YAOHAO_H
#define YAOHAO_YAOHAO_H

#include <yaohao/version.h> /* generated: YH_VERSION, yh_version() */

#include "error.h"
#include "uscc.h"
#include "csv.h"
#include "store.h"
#include "ledger.h"
#include "register.h"
#include "import.h"
#include "stats.h"
#include "rate.h"
#include "merkle.h"
#include "task.h"
#include "draw.h"
#include "jcs.h"
#include "key.h"
#include "document.h"
#include "proof.h"
#include "audit.h"

#endif
