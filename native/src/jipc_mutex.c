#include "jipc_mutex.h"
#include "jipc_sync_layout.h"

#include <linux/futex.h>
#include <stdalign.h>
#include <time.h>

void jipc_mutex_layout(int out[4])
{
    out[0] = (int)sizeof(pthread_mutex_t);
    out[1] = (int)alignof(pthread_mutex_t);
    out[2] = (int)sizeof(pthread_cond_t);
    out[3] = (int)alignof(pthread_cond_t);
}

int jipc_mutex_init(pthread_mutex_t *m)
{
    if (((uintptr_t)m & (alignof(pthread_mutex_t) - 1)) != 0)
        return -EINVAL;
    return -jipc_layout_mutex_init(m); /* the attributes C peers use too */
}

static void deadline_after(long long ns, struct timespec *out)
{
    clock_gettime(CLOCK_MONOTONIC, out);
    long long sum = out->tv_nsec + ns % 1000000000LL;
    out->tv_sec += (time_t)(ns / 1000000000LL + sum / 1000000000LL);
    out->tv_nsec = (long)(sum % 1000000000LL);
}

static int status(int r)
{
    return r == EOWNERDEAD ? JIPC_MUTEX_OWNER_DIED : -r;
}

/* One slice of a lock wait, until the monotonic time *until. */
static int lock_until(pthread_mutex_t *m, const struct timespec *until)
{
#ifdef JIPC_HAVE_MUTEX_CLOCKLOCK
    return pthread_mutex_clocklock(m, CLOCK_MONOTONIC, until);
#else
    /* pthread_mutex_timedlock takes a realtime deadline: convert what is left. */
    struct timespec now, rt;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (until->tv_sec - now.tv_sec) * 1000000000LL + (until->tv_nsec - now.tv_nsec);
    clock_gettime(CLOCK_REALTIME, &rt);
    long long sum = rt.tv_nsec + (ns > 0 ? ns : 0);
    rt.tv_sec += (time_t)(sum / 1000000000LL);
    rt.tv_nsec = (long)(sum % 1000000000LL);
    return pthread_mutex_timedlock(m, &rt);
#endif
}

int jipc_mutex_lock(jipc_guard *g, pthread_mutex_t *m, long long timeout_ns)
{
    if (timeout_ns == 0) {
        /* Not pthread_mutex_trylock: on a robust mutex made unrecoverable, glibc's
         * trylock returns ENOTRECOVERABLE but leaves the lock word with this
         * thread's id, so every later lock sees it held (EDEADLK here, a wait
         * forever elsewhere). A lock with a deadline already past leaves it as found. */
        static const struct timespec past = { 0, 0 };
        int rc = lock_until(m, &past);
        return rc == ETIMEDOUT ? -EBUSY : status(rc);
    }
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    struct timespec deadline, slice;
    if (timeout_ns > 0)
        deadline_after(timeout_ns, &deadline);
    for (;;) {
        int last = jipc_guard_next_slice(CLOCK_MONOTONIC, timeout_ns > 0 ? &deadline : NULL, &slice);
        int rc = lock_until(m, &slice);
        if (rc != ETIMEDOUT) {
            r = status(rc);
            break;
        }
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (last) {
            r = -ETIMEDOUT;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_mutex_unlock(pthread_mutex_t *m)
{
    return -pthread_mutex_unlock(m);
}

int jipc_mutex_consistent(pthread_mutex_t *m)
{
    return -pthread_mutex_consistent(m);
}

int jipc_mutex_destroy(pthread_mutex_t *m)
{
    /* The C library destroys a robust mutex that is locked (POSIX leaves that undefined), under its owner,
     * whose next unlock, and every later lock, then fail with EINVAL. A locked one has its owner's thread id
     * in its lock word: refused, as POSIX allows. */
    unsigned word = (unsigned)__atomic_load_n(&m->__data.__lock, __ATOMIC_ACQUIRE);
    if ((word & FUTEX_TID_MASK) != 0)
        return -EBUSY;
    return -pthread_mutex_destroy(m);
}

int jipc_cond_init(pthread_cond_t *c)
{
    if (((uintptr_t)c & (alignof(pthread_cond_t) - 1)) != 0)
        return -EINVAL;
    return -jipc_layout_cond_init(c);
}

int jipc_cond_wait(jipc_guard *g, pthread_cond_t *c, pthread_mutex_t *m, long long timeout_ns)
{
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    struct timespec deadline, slice;
    if (timeout_ns >= 0)
        deadline_after(timeout_ns, &deadline);
    int last = jipc_guard_next_slice(CLOCK_MONOTONIC, timeout_ns >= 0 ? &deadline : NULL, &slice);
    /* The condition measures CLOCK_MONOTONIC (jipc_cond_init). A slice that
     * ends returns as a spurious wakeup: waiting again here, with the mutex
     * retaken in between, could miss a signal sent meanwhile. */
    int rc = pthread_cond_timedwait(c, m, &slice);
    if (jipc_guard_closing(g))
        r = -JIPC_WOKEN;
    else if (rc == ETIMEDOUT)
        r = last ? -ETIMEDOUT : 0;
    else
        r = status(rc);
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_cond_signal(pthread_cond_t *c)
{
    return -pthread_cond_signal(c);
}

int jipc_cond_broadcast(pthread_cond_t *c)
{
    return -pthread_cond_broadcast(c);
}

int jipc_cond_destroy(pthread_cond_t *c)
{
    return -pthread_cond_destroy(c);
}
