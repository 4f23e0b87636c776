/*
 * jipc_guard.h - waking threads blocked in a native call on a handle that is
 * being closed. One guard per handle; one guard type for every family, with a
 * wake strategy chosen by the kind of wait:
 *
 *  JIPC_GUARD_FD       calls blocked on a descriptor (read, write, recvmsg,
 *                      accept, mq_timedreceive, F_OFD_SETLKW). If a thread
 *                      is registered, the closer points the descriptor
 *                      number at a dead pipe end (dup3), so a call about to
 *                      start returns at once,
 *                      then sends each blocked thread the wake signal once,
 *                      so a call already blocked returns EINTR. Whatever the
 *                      dead target answers (0, EBADF, ENOTSOCK, even a
 *                      success), the shim checks jipc_guard_closing() after
 *                      every system call and reports -JIPC_WOKEN.
 *  JIPC_GUARD_SIGNAL   waits without a descriptor that a signal interrupts
 *                      (sem_wait, semop, futex). A signal landing between the
 *                      shim's check and its system call would be lost, so the
 *                      closer re-sends it until every registered thread left.
 *  JIPC_GUARD_SLICES   waits no signal interrupts (pthread_mutex_clocklock).
 *                      The shim waits in slices of at most JIPC_GUARD_SLICE_NS
 *                      and checks jipc_guard_closing() between them; the
 *                      closer only marks the guard.
 *
 * Registration is lock-free on the uncontended path: a thread claims one of
 * JIPC_GUARD_SLOTS slots with a compare-and-swap and frees it the same way;
 * only a guard with more blocked threads than slots takes a mutex. A thread
 * that leaves a closing guard consumes any wake signal still pending for it,
 * so no stray signal interrupts an unrelated call later. The closer checks
 * that jipc's handler is still installed before it signals.
 */
#ifndef JIPC_GUARD_H
#define JIPC_GUARD_H

#include "jipc_common.h"

#include <pthread.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JIPC_GUARD_FD 0
#define JIPC_GUARD_SIGNAL 1
#define JIPC_GUARD_SLICES 2

#define JIPC_GUARD_SLOTS 8
/* The longest slice of a JIPC_GUARD_SLICES wait: the latest a close is seen. */
#define JIPC_GUARD_SLICE_NS 10000000L

/*
 * Private statuses, never errno values (errno values stay below 4096).
 * -JIPC_WOKEN: the call returned because its guard fired (handle closing).
 * -JIPC_NO_HANDLER: another handler took over the wake signal; nothing was sent.
 */
#define JIPC_WOKEN 0x10000
#define JIPC_NO_HANDLER 0x10001

typedef struct jipc_blocker {
    int slot; /* index in the guard's slots, or -1 when on the overflow list */
    pthread_t thread;
    struct jipc_blocker *next;
} jipc_blocker;

typedef struct jipc_guard {
    int strategy;
    int closing;
    /* 0, or the pthread_t of a registered thread; bit 0 set while signalled */
    uintptr_t slot[JIPC_GUARD_SLOTS];
    pthread_mutex_t lock; /* guards overflow */
    jipc_blocker *overflow;
} jipc_guard;

/*
 * Installs the handler of the wake signal sig, a real-time signal (0 picks
 * SIGRTMAX - 3). Returns the signal, -EINVAL if sig is no real-time signal,
 * -EBUSY if another handler is installed for it, -EALREADY if a different
 * signal was set up before. Idempotent for the same signal; a guard created
 * before any setup sets up the default.
 */
JIPC_API int jipc_guard_setup(int sig);
/* The wake signal in use, 0 before setup. */
JIPC_API int jipc_guard_signal(void);
/* The descriptor of the dead pipe end every JIPC_GUARD_FD guard points at, or -1 before setup: jipc's own. */
JIPC_API int jipc_guard_dead_fd(void);

/* A new guard (NULL and errno when out of memory or setup failed). */
JIPC_API jipc_guard *jipc_guard_create(int strategy);
JIPC_API void jipc_guard_free(jipc_guard *g);
/*
 * Marks g closing and wakes its blocked threads as its strategy says; fd is
 * the descriptor to invalidate (JIPC_GUARD_FD, -1 for none), which is left
 * alone when no thread is registered: one that registers later sees the
 * guard closing in jipc_guard_enter(). Returns 0,
 * -errno if dup3 failed, -JIPC_NO_HANDLER, or -ETIMEDOUT if threads of a
 * JIPC_GUARD_SIGNAL guard did not leave within 10 s.
 */
JIPC_API int jipc_guard_wake(jipc_guard *g, int fd);
/* How many threads are registered (tests and diagnostics). */
JIPC_API int jipc_guard_blocked(jipc_guard *g);

/* Registers the calling thread (b lives on its stack); -JIPC_WOKEN if closing.
 * A NULL guard (a C caller with nothing to close) registers nothing. */
JIPC_API int jipc_guard_enter(jipc_guard *g, jipc_blocker *b);
JIPC_API void jipc_guard_leave(jipc_guard *g, jipc_blocker *b);

static inline int jipc_guard_closing(const jipc_guard *g)
{
    return g != NULL && __atomic_load_n(&g->closing, __ATOMIC_SEQ_CST);
}

/*
 * The end of the next slice of a JIPC_GUARD_SLICES wait on clock:
 * min(deadline, now + JIPC_GUARD_SLICE_NS); deadline NULL waits forever.
 * Returns 1 if the slice ends at the deadline.
 */
JIPC_API int jipc_guard_next_slice(clockid_t clock, const struct timespec *deadline, struct timespec *out);

#ifdef __cplusplus
}
#endif

#endif
