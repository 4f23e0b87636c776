/*
 * The mutex mechanism's signals, for xproc_sync.c: the two counts a and b
 * that the sem mechanism keeps in sem_t, kept instead as two 32-bit counters
 * guarded by one robust process-shared mutex, each with a process-shared
 * condition variable that a taker waits on while its count is 0. The layout
 * in the region (the Java side, SignalledShmTransport.java, uses the same):
 *
 *   0    the mutex: pthread_mutex_t, PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_ROBUST,
 *        PTHREAD_MUTEX_ERRORCHECK (as jipc's RobustMutex)
 *   48   count a, 52 count b: uint32_t, read and written under the mutex
 *   64   condition a, 192 condition b: pthread_cond_t, PTHREAD_PROCESS_SHARED,
 *        CLOCK_MONOTONIC (as jipc's SharedCondition)
 *   128  the stop word of xproc_sync.c, between the two
 */
#include "xproc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#define OFF_MUTEX 0
#define OFF_COUNT_A 48
#define OFF_COUNT_B 52
#define OFF_COND_A 64
#define OFF_COND_B 192

static void check(int r, const char *what)
{
    if (r != 0) {
        errno = r;
        xproc_fail(what);
    }
}

static pthread_mutex_t *mutex(unsigned char *region)
{
    return (pthread_mutex_t *)(void *)(region + OFF_MUTEX);
}

static pthread_cond_t *cond(unsigned char *region, int num)
{
    return (pthread_cond_t *)(void *)(region + (num == 0 ? OFF_COND_A : OFF_COND_B));
}

static uint32_t *count(unsigned char *region, int num)
{
    return (uint32_t *)(void *)(region + (num == 0 ? OFF_COUNT_A : OFF_COUNT_B));
}

void xproc_mutex_make(unsigned char *region, unsigned b)
{
    _Static_assert(sizeof(pthread_mutex_t) <= OFF_COUNT_A && sizeof(pthread_cond_t) <= 64,
            "the layout holds a mutex and two conditions");
    pthread_mutexattr_t ma;
    check(pthread_mutexattr_init(&ma), "pthread_mutexattr_init");
    check(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), "pthread_mutexattr_setpshared");
    check(pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST), "pthread_mutexattr_setrobust");
    check(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK), "pthread_mutexattr_settype");
    check(pthread_mutex_init(mutex(region), &ma), "pthread_mutex_init");
    pthread_mutexattr_destroy(&ma);
    pthread_condattr_t ca;
    check(pthread_condattr_init(&ca), "pthread_condattr_init");
    check(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), "pthread_condattr_setpshared");
    check(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), "pthread_condattr_setclock");
    check(pthread_cond_init(cond(region, 0), &ca), "pthread_cond_init");
    check(pthread_cond_init(cond(region, 1), &ca), "pthread_cond_init");
    pthread_condattr_destroy(&ca);
    *count(region, 0) = 0;
    *count(region, 1) = b;
}

/* Takes one from count num, waiting on its condition while it is 0. */
void xproc_mutex_take(unsigned char *region, int num)
{
    check(pthread_mutex_lock(mutex(region)), "pthread_mutex_lock"); /* EOWNERDEAD: the other side died: fail */
    while (*count(region, num) == 0)
        check(pthread_cond_wait(cond(region, num), mutex(region)), "pthread_cond_wait");
    (*count(region, num))--;
    check(pthread_mutex_unlock(mutex(region)), "pthread_mutex_unlock");
}

/* Gives one to count num and signals one waiter of its condition. */
void xproc_mutex_give(unsigned char *region, int num)
{
    check(pthread_mutex_lock(mutex(region)), "pthread_mutex_lock");
    (*count(region, num))++;
    check(pthread_cond_signal(cond(region, num)), "pthread_cond_signal");
    check(pthread_mutex_unlock(mutex(region)), "pthread_mutex_unlock");
}
