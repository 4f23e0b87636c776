/*
 * jipc_sem.h - POSIX semaphores, see sem_overview(7): named ones (sem_open,
 * sem_close, sem_unlink) and unnamed process-shared ones placed in shared
 * memory (sem_init with pshared 1, sem_destroy). Waits use the guard strategy
 * JIPC_GUARD_SIGNAL.
 *
 * A semaphore's count is not given back when a process dies after
 * sem_wait: a killed holder leaves it taken (System V semaphores with
 * SEM_UNDO are the kind the kernel undoes).
 */
#ifndef JIPC_SEM_H
#define JIPC_SEM_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <semaphore.h>

#ifdef __cplusplus
extern "C" {
#endif

/* jipc_sem_open() flags: open an existing one unless CREATE; EXCLUSIVE fails if it exists. */
#define JIPC_SEM_CREATE 1
#define JIPC_SEM_EXCLUSIVE 2

/*
 * out[0] sizeof(sem_t), out[1] its alignment, out[2] 1 if sem_clockwait is
 * used for timeouts, out[3] SEM_VALUE_MAX, out[4] the longest name in bytes
 * after its '/' (NAME_MAX less the "sem." of the file the C library makes;
 * longer names fail with ENAMETOOLONG or EINVAL, whichever glibc picks).
 */
JIPC_API void jipc_sem_layout(int out[5]);

/*
 * sem_open(3). A semaphore this call creates gets exactly mode (the umask
 * is undone with chmod on its file in /dev/shm). out[0] receives the sem_t
 * address, out[1] 1 if this call created it. Returns 0 or -errno.
 */
JIPC_API int jipc_sem_open(const char *name, int flags, int mode, unsigned value, intptr_t out[2]);
JIPC_API int jipc_sem_close(sem_t *s);
JIPC_API int jipc_sem_unlink(const char *name);

/* sem_init(3) with pshared 1 at s (aligned, in shared memory), and sem_destroy(3). */
JIPC_API int jipc_sem_init(sem_t *s, unsigned value);
JIPC_API int jipc_sem_destroy(sem_t *s);

/*
 * Decrements s, waiting while it is 0: timeout_ns < 0 waits forever, 0 tries
 * (sem_trywait), > 0 waits at most that long on CLOCK_MONOTONIC
 * (sem_clockwait; sem_timedwait on a realtime deadline where the C library
 * lacks it). Returns 0, -EAGAIN (try: it was 0), -ETIMEDOUT, -JIPC_WOKEN.
 */
JIPC_API int jipc_sem_wait(jipc_guard *g, sem_t *s, long long timeout_ns);
/* sem_post(3): -EOVERFLOW at SEM_VALUE_MAX. */
JIPC_API int jipc_sem_post(sem_t *s);
/* sem_getvalue(3): the value (never negative on Linux). */
JIPC_API int jipc_sem_value(sem_t *s);

#ifdef __cplusplus
}
#endif

#endif
