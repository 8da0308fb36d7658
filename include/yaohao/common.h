/*
 * yaohao/common.h — what every public header needs: the macro that exports a
 * function from the shared library and the one that makes ignoring a result
 * a compiler warning.
 *
 * The library is built with hidden visibility, so a function is part of the
 * ABI only when its declaration carries YH_EXTERN.
 */
#ifndef YAOHAO_COMMON_H
#define YAOHAO_COMMON_H

#if defined(__GNUC__)
#define YH_EXTERN __attribute__((visibility("default")))
#define YH_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define YH_EXTERN
#define YH_WARN_UNUSED
#endif

#endif
