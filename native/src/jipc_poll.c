#include "jipc_poll.h"

#include <sys/epoll.h>
#include <time.h>

int jipc_poll_create(void)
{
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int jipc_poll_ctl(int epfd, int op, int fd, int events, long id)
{
    static const int ops[3] = { EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL };
    if (op < 0 || op > 2)
        return -EINVAL;
    struct epoll_event e = { .events = (events & JIPC_POLL_IN ? EPOLLIN : 0) | (events & JIPC_POLL_OUT ? EPOLLOUT : 0) };
    e.data.u64 = (uint64_t)id;
    return epoll_ctl(epfd, ops[op], fd, &e) == 0 ? 0 : -errno;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int jipc_poll_wait(int epfd, jipc_guard *g, long *out, int max, int timeout_ms)
{
    if (max < 1 || max > JIPC_POLL_MAX_EVENTS)
        return -EINVAL;
    struct epoll_event ev[JIPC_POLL_MAX_EVENTS];
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    jipc_blocker b;
    int r = timeout_ms != 0 ? jipc_guard_enter(g, &b) : 0;
    if (r < 0)
        return r;
    int left = timeout_ms;
    for (;;) {
        int n = epoll_wait(epfd, ev, max, left);
        int err = errno;
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (n >= 0) {
            for (int i = 0; i < n; i++) {
                uint32_t e = ev[i].events;
                out[2 * i] = (long)ev[i].data.u64;
                out[2 * i + 1] = (e & EPOLLIN ? JIPC_POLL_IN : 0) | (e & EPOLLOUT ? JIPC_POLL_OUT : 0)
                               | (e & (EPOLLHUP | EPOLLRDHUP) ? JIPC_POLL_HUP : 0) | (e & EPOLLERR ? JIPC_POLL_ERR : 0);
            }
            r = n;
            break;
        }
        if (err != EINTR) {
            r = -err;
            break;
        }
        if (timeout_ms > 0) {
            int64_t remaining = deadline - now_ms();
            left = remaining > 0 ? (int)remaining : 0;
        }
    }
    if (timeout_ms != 0)
        jipc_guard_leave(g, &b);
    return r;
}
