#include "jipc_futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int jipc_futex_wait(jipc_guard *g, uint32_t *word, int32_t expected, long long timeout_ns)
{
    if (((uintptr_t)word & 3) != 0)
        return -EINVAL;
    if (timeout_ns == 0) {
        /* A futex wait on a deadline already past still sleeps out the timer
         * slack (about 70 us measured here): compare instead. */
        return __atomic_load_n(word, __ATOMIC_SEQ_CST) == (uint32_t)expected ? -ETIMEDOUT : -EAGAIN;
    }
    struct timespec deadline;
    if (timeout_ns >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        long long ns = deadline.tv_nsec + timeout_ns % 1000000000LL;
        deadline.tv_sec += (time_t)(timeout_ns / 1000000000LL + ns / 1000000000LL);
        deadline.tv_nsec = (long)(ns % 1000000000LL);
    }
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline: a
         * retry after EINTR waits no longer than the first call would have. */
        long rc = syscall(SYS_futex, word, FUTEX_WAIT_BITSET, (uint32_t)expected,
                          timeout_ns >= 0 ? &deadline : NULL, NULL, FUTEX_BITSET_MATCH_ANY);
        r = rc < 0 ? -errno : 0;
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (r != -EINTR)
            break;
    }
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_futex_wake(uint32_t *word, int32_t n)
{
    if (((uintptr_t)word & 3) != 0)
        return -EINVAL;
    if (n < 1)
        return -EINVAL;
    long rc = syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
    return rc < 0 ? -errno : (int)rc;
}
