/*
 * yaohao/yaohao.h — the umbrella header of libyaohao, the engine of the
 * yaohao draw tool for 双随机、一公开 supervision.
 *
 * Modules, one header each:
 *   version.h   the version of the headers and of the library
 *   error.h     result codes, hints and the per-thread error message
 *   uscc.h      统一社会信用代码 validation (GB 32100)
 *   csv.h       streaming RFC 4180 reader with GB18030 support
 *   store.h     the store: create, open, migrate, adopt the signing key
 *   ledger.h    reading the append-only, hash-chained, signed ledger
 *   register.h  the registers, their history and canonical export
 *   import.h    importing register files, all or nothing
 *   status_map.h local status words, recorded in the ledger
 *   stats.h     register statistics
 *   rate.h      exact sampling rates and rounding
 *   merkle.h    RFC 6962 Merkle roots and audit paths
 *   task.h      inspection tasks: parse, record, list
 *   draw.h      commit and draw
 *   jcs.h       canonical JSON (RFC 8785)
 *   key.h       the department's Ed25519 key
 *   document.h  the signed public draw document: publish and verify
 *   proof.h     one entity's proof about a draw
 *   audit.h     replaying the whole ledger
 *   calendar.h  the working-day calendar and deadlines
 * docs/internals.md maps them to the engine's files.
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
#include "shared.h"
#include "status_map.h"
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
#include "feed.h"
#include "results.h"
#include "dashboard.h"
#include "calendar.h"
#include "page.h"

#endif
