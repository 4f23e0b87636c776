/*
 * jipc_futex.h - futex(2) wait and wake on an aligned 32-bit word of shared
 * memory: shared futexes (no FUTEX_PRIVATE_FLAG), so waiters and wakers may
 * be in different processes that map the same memory at any address.
 *
 * A wait is keyed by the memory behind the word, not its address: the word
 * must stay mapped while a thread waits on it (the Java region holds off
 * its unmap until every wait left). Waits use the guard strategy
 * JIPC_GUARD_SIGNAL.
 */
#ifndef JIPC_FUTEX_H
#define JIPC_FUTEX_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Waits while *word == expected, until a wake, timeout_ns (< 0: forever;
 * measured on CLOCK_MONOTONIC) or the guard. Returns 0 when woken (wakes
 * may be spurious: re-check the word), -EAGAIN if the word did not hold
 * expected, -ETIMEDOUT, -JIPC_WOKEN, -EINVAL for a misaligned word,
 * -EFAULT for an unmapped one. timeout_ns 0 only compares the word, without
 * a system call (a futex wait on a past deadline still sleeps out the timer
 * slack), so the word must be mapped.
 */
JIPC_API int jipc_futex_wait(jipc_guard *g, uint32_t *word, int32_t expected, long long timeout_ns);
/* Wakes at most n (>= 1; INT32_MAX: all) waiters of word; returns how many it woke. */
JIPC_API int jipc_futex_wake(uint32_t *word, int32_t n);

#ifdef __cplusplus
}
#endif

#endif
