/*
 * jipc_mutex.h - robust process-shared mutexes and process-shared condition
 * variables placed in shared memory, see pthread_mutexattr_setrobust(3),
 * pthread_mutexattr_setpshared(3), pthread_cond_init(3).
 *
 * A mutex is PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_ROBUST and
 * PTHREAD_MUTEX_ERRORCHECK: an owner that dies holding it (SIGKILL
 * included) does not leave it locked for ever: the next locker gets it with
 * EOWNERDEAD (returned here as JIPC_MUTEX_OWNER_DIED, a success), repairs
 * what the mutex protects and calls jipc_mutex_consistent() before
 * unlocking. Unlocked without that, the mutex becomes unusable for good:
 * every later lock fails with ENOTRECOVERABLE. Unlock by a thread that is not
 * the owner fails with EPERM; relocking by the owner with EDEADLK.
 *
 * A condition variable is PTHREAD_PROCESS_SHARED and measures timeouts on
 * CLOCK_MONOTONIC.
 *
 * No signal interrupts these waits: they use the guard strategy
 * JIPC_GUARD_SLICES, waiting in slices of at most JIPC_GUARD_SLICE_NS.
 */
#ifndef JIPC_MUTEX_H
#define JIPC_MUTEX_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A successful lock whose previous owner died holding the mutex. */
#define JIPC_MUTEX_OWNER_DIED 1

/* out[0] sizeof(pthread_mutex_t), out[1] its alignment, out[2] sizeof(pthread_cond_t), out[3] its alignment. */
JIPC_API void jipc_mutex_layout(int out[4]);

/* Initializes a robust, process-shared, error-checking mutex at m. */
JIPC_API int jipc_mutex_init(pthread_mutex_t *m);
/*
 * Locks m: timeout_ns < 0 waits as long as it takes, 0 tries
 * (pthread_mutex_trylock), > 0 waits at most that long. Returns 0,
 * JIPC_MUTEX_OWNER_DIED, -EBUSY (try), -ETIMEDOUT, -EDEADLK (already the
 * owner), -ENOTRECOVERABLE, -JIPC_WOKEN.
 */
JIPC_API int jipc_mutex_lock(jipc_guard *g, pthread_mutex_t *m, long long timeout_ns);
/* pthread_mutex_unlock(3): -EPERM when the caller is not the owner. */
JIPC_API int jipc_mutex_unlock(pthread_mutex_t *m);
/* pthread_mutex_consistent(3): -EINVAL unless locked after JIPC_MUTEX_OWNER_DIED. */
JIPC_API int jipc_mutex_consistent(pthread_mutex_t *m);
/* pthread_mutex_destroy(3); -EBUSY, destroying nothing, while a thread (of any process) holds it. */
JIPC_API int jipc_mutex_destroy(pthread_mutex_t *m);

/* Initializes a process-shared condition variable on CLOCK_MONOTONIC at c. */
JIPC_API int jipc_cond_init(pthread_cond_t *c);
/*
 * Waits on c, m locked by the caller (released while waiting, locked again
 * on return, whatever the result). timeout_ns < 0: until signalled. Returns
 * 0 (signalled, or spuriously: at the latest after JIPC_GUARD_SLICE_NS, so
 * callers re-check their predicate and deadline), JIPC_MUTEX_OWNER_DIED (relocking found the
 * owner dead), -ETIMEDOUT, -EPERM (m not held), -JIPC_WOKEN.
 */
JIPC_API int jipc_cond_wait(jipc_guard *g, pthread_cond_t *c, pthread_mutex_t *m, long long timeout_ns);
JIPC_API int jipc_cond_signal(pthread_cond_t *c);
JIPC_API int jipc_cond_broadcast(pthread_cond_t *c);
JIPC_API int jipc_cond_destroy(pthread_cond_t *c);

#ifdef __cplusplus
}
#endif

#endif
