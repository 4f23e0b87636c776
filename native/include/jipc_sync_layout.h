/*
 * jipc_sync_layout.h - how a C program places and uses, in shared memory,
 * the synchronization objects a JVM uses through jipc (and the other way
 * round). Header-only: a C program includes it without linking jipc.
 *
 * Offsets, never pointers, cross processes: both sides map the same object
 * (shm_open + mmap, a memfd, a System V segment, a file) and agree on offsets
 * from its start. Each object below must sit at an offset aligned to its C
 * type (the region's start is page-aligned, so an aligned offset gives an
 * aligned address); jipc reads the same sizes and alignments from the C
 * library (PosixSemaphore.size()/alignment(), RobustMutex.size()/alignment(),
 * SharedCondition.size()/alignment()), never from literals.
 *
 *  object                Java                        C type             init here
 *  futex word            Futex.at(region, off)       uint32_t           (any value)
 *  unnamed semaphore     PosixSemaphore.init/at      sem_t              jipc_layout_sem_init
 *  robust mutex          RobustMutex.init/at         pthread_mutex_t    jipc_layout_mutex_init
 *  condition variable    SharedCondition.init/at     pthread_cond_t     jipc_layout_cond_init
 *
 * Exactly one process initializes an object, before any other uses it (the
 * Java side with init(), C with the functions below); the others attach to it
 * (Java: at()). The attributes must be the same on both sides, which is what
 * these functions are for.
 *
 * Futex: wait with syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout,
 * NULL, 0) and wake with FUTEX_WAKE; never FUTEX_PRIVATE_FLAG, which would
 * not reach another process.
 *
 * Robust mutex: a lock may return EOWNERDEAD: the caller owns the mutex,
 * repairs the data, calls pthread_mutex_consistent() and unlocks; unlocking
 * without it makes every later lock fail with ENOTRECOVERABLE (Java:
 * OwnerDiedException, markConsistent(), IpcException ENOTRECOVERABLE).
 *
 * POSIX semaphore: nothing is undone when a holder dies; use a System V set
 * with SEM_UNDO for that. A System V set that jipc creates is initialized
 * before its sem_otime is set: open one with semget(key, 0, 0), then wait
 * until IPC_STAT shows sem_otime != 0 before the first semop.
 */
#ifndef JIPC_SYNC_LAYOUT_H
#define JIPC_SYNC_LAYOUT_H

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdint.h>
#include <time.h>

/* 1 if offset off of a region starting at base suits an object of type T. */
#define JIPC_LAYOUT_ALIGNED(base, off, T) ((((uintptr_t)(base) + (uintptr_t)(off)) % alignof(T)) == 0)

/* sem_init(3) with pshared 1, as PosixSemaphore.init. Returns 0 or errno. */
static inline int jipc_layout_sem_init(sem_t *s, unsigned value)
{
    return sem_init(s, 1, value) == 0 ? 0 : errno;
}

/* A robust, process-shared, error-checking mutex, as RobustMutex.init. Returns 0 or an error number. */
static inline int jipc_layout_mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    int r = pthread_mutexattr_init(&a);
    if (r == 0)
        r = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (r == 0)
        r = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (r == 0)
        r = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    if (r == 0)
        r = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return r;
}

/* A process-shared condition variable on CLOCK_MONOTONIC, as SharedCondition.init. Returns 0 or an error number. */
static inline int jipc_layout_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    int r = pthread_condattr_init(&a);
    if (r == 0)
        r = pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (r == 0)
        r = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (r == 0)
        r = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return r;
}

#endif
