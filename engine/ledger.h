/* Private: the message an entry's signature covers (ledger.c). */
#ifndef YH_ENGINE_LEDGER_H
#define YH_ENGINE_LEDGER_H

#include <stddef.h>

#include "yaohao/ledger.h"

/* TAG("yaohao:ledger-signature:v1") || hash. */
void yh_ledger_signed_message(unsigned char out[64], const unsigned char hash[32]);
size_t yh_ledger_signed_message_len(void);

#endif
