#include "jipc_mq.h"

#include <limits.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The size of the cookie the kernel sends on notification; its last byte says why. */
#define COOKIE_LEN 32
#define NS_PER_S 1000000000L

int jipc_mq_open(const char *name, int how, int access, int mode, long maxmsg, long msgsize, int created[1])
{
    struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    struct mq_attr *a = maxmsg > 0 ? &attr : NULL;
    int flags = (access & O_ACCMODE) | O_CLOEXEC;
    created[0] = 0;
    int bad = jipc_ipc_name_check(name, NAME_MAX);
    if (bad < 0)
        return bad;
    for (;;) {
        if (how != JIPC_MQ_OPEN) {
            /* Create exclusively first, so that only a queue made here gets mode. */
            mqd_t q = mq_open(name, flags | O_CREAT | O_EXCL, (mode_t)(mode & 0777), a);
            int err = errno;
            if (q >= 0) {
                created[0] = 1;
                if (fchmod(q, (mode_t)(mode & 0777)) < 0) {
                    err = errno;
                    mq_unlink(name);
                    mq_close(q);
                    return -err;
                }
                return q;
            }
            if (err != EEXIST || how == JIPC_MQ_EXCLUSIVE)
                return -err;
        }
        mqd_t q = mq_open(name, flags);
        int err = errno;
        if (q >= 0)
            return q;
        /* Unlinked between the two opens: create it after all. */
        if (err != ENOENT || how == JIPC_MQ_OPEN)
            return -err;
    }
}

int jipc_mq_unlink(const char *name)
{
    int bad = jipc_ipc_name_check(name, NAME_MAX);
    if (bad < 0)
        return bad;
    return mq_unlink(name) == 0 ? 0 : -errno;
}

/* The CLOCK_REALTIME deadline timeout_ns from now; {0, 0} (long past) for 0. */
static void deadline(long timeout_ns, struct timespec *at)
{
    at->tv_sec = 0;
    at->tv_nsec = 0;
    if (timeout_ns <= 0)
        return;
    clock_gettime(CLOCK_REALTIME, at);
    at->tv_sec += timeout_ns / NS_PER_S;
    at->tv_nsec += timeout_ns % NS_PER_S;
    if (at->tv_nsec >= NS_PER_S) {
        at->tv_sec++;
        at->tv_nsec -= NS_PER_S;
    }
}

/* Milliseconds left until a CLOCK_REALTIME deadline (rounded up), -1 for none. */
static int ms_left(const struct timespec *at)
{
    if (at == NULL)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long ns = (long long)(at->tv_sec - now.tv_sec) * NS_PER_S + (at->tv_nsec - now.tv_nsec);
    if (ns <= 0)
        return 0;
    long long ms = (ns + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * No deadline means mq_send(3)/mq_receive(3), never mq_timed*(…, NULL):
 * glibc declares their deadline __nonnull, and a NULL passed there would let
 * the compiler delete the NULL checks of it below (and dereference it).
 *
 * After a failed call: whether to try again, else the result. EINTR (a
 * signal, or the guard's) is tried again unless the guard fired; EAGAIN on a
 * description someone else made O_NONBLOCK waits with poll(2) first.
 */
static int retry(int fd, jipc_guard *g, int err, short events, const struct timespec *at, long *result)
{
    if (jipc_guard_closing(g)) {
        *result = -JIPC_WOKEN;
        return 0;
    }
    if (err == EINTR)
        return 1;
    if (err == EAGAIN && at != NULL && at->tv_sec == 0 && at->tv_nsec == 0) {
        *result = -EAGAIN;
        return 0;
    }
    if (err == EAGAIN) {
        int left = ms_left(at);
        if (left == 0) {
            *result = -ETIMEDOUT;
            return 0;
        }
        struct pollfd p = { .fd = fd, .events = events };
        if (poll(&p, 1, left) < 0 && errno != EINTR) {
            *result = -errno;
            return 0;
        }
        return 1;
    }
    if (err == ETIMEDOUT && at != NULL && at->tv_sec == 0 && at->tv_nsec == 0)
        err = EAGAIN;
    *result = -err;
    return 0;
}

int jipc_mq_send(int fd, jipc_guard *g, const void *buf, long len, int prio, long timeout_ns)
{
    struct timespec at;
    deadline(timeout_ns, &at);
    const struct timespec *t = timeout_ns < 0 ? NULL : &at;
    jipc_blocker b;
    long r = timeout_ns == 0 ? 0 : jipc_guard_enter(g, &b);
    if (r < 0)
        return (int)r;
    for (;;) {
        /* glibc declares mq_timedsend's deadline non-null: no deadline is mq_send. */
        int n = t != NULL ? mq_timedsend(fd, buf, (size_t)len, (unsigned)prio, t)
                          : mq_send(fd, buf, (size_t)len, (unsigned)prio);
        int err = n < 0 ? errno : 0;
        if (n == 0) {
            /* Only a real queue takes a message: mq_timedsend fails on the dead pipe end. */
            r = 0;
            break;
        }
        if (!retry(fd, g, err, POLLOUT, t, &r))
            break;
    }
    if (timeout_ns != 0)
        jipc_guard_leave(g, &b);
    return (int)r;
}

long jipc_mq_receive(int fd, jipc_guard *g, void *buf, long len, long timeout_ns)
{
    struct timespec at;
    deadline(timeout_ns, &at);
    const struct timespec *t = timeout_ns < 0 ? NULL : &at;
    jipc_blocker b;
    long r = timeout_ns == 0 ? 0 : jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        unsigned prio = 0;
        ssize_t n = t != NULL ? mq_timedreceive(fd, buf, (size_t)len, &prio, t)
                              : mq_receive(fd, buf, (size_t)len, &prio);
        int err = n < 0 ? errno : 0;
        if (n >= 0) {
            /* Only a real queue delivers a message: the dead pipe end has none. */
            r = (long)n | ((long)prio << 32);
            break;
        }
        if (!retry(fd, g, err, POLLIN, t, &r))
            break;
    }
    if (timeout_ns != 0)
        jipc_guard_leave(g, &b);
    return r;
}

int jipc_mq_getattr(int fd, long out[4])
{
    struct mq_attr a;
    if (mq_getattr(fd, &a) < 0)
        return -errno;
    out[0] = a.mq_flags;
    out[1] = a.mq_maxmsg;
    out[2] = a.mq_msgsize;
    out[3] = a.mq_curmsgs;
    return 0;
}

int jipc_mq_setattr(int fd, int nonblocking)
{
    struct mq_attr a = { .mq_flags = nonblocking ? O_NONBLOCK : 0 };
    return mq_setattr(fd, &a, NULL) == 0 ? 0 : -errno;
}

int jipc_mq_check(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -errno;
    /* The kernel answers mq_getattr only for its own queue descriptors. */
    struct mq_attr a;
    if (mq_getattr(fd, &a) < 0)
        return errno == EBADF ? -EINVAL : -errno;
    return flags & O_ACCMODE;
}

int jipc_mq_notify(int fd)
{
    int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (sock < 0)
        return -errno;
    unsigned char cookie[COOKIE_LEN] = { 0 };
    struct sigevent ev = { 0 };
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_signo = sock;
    ev.sigev_value.sival_ptr = cookie;
    /* The system call itself: glibc's mq_notify would start a helper thread. */
    if (syscall(SYS_mq_notify, fd, &ev) < 0) {
        int err = errno;
        close(sock);
        return -err;
    }
    return sock;
}

int jipc_mq_notify_cancel(int fd)
{
    return syscall(SYS_mq_notify, fd, NULL) == 0 ? 0 : -errno;
}

int jipc_mq_notify_wait(int sock, jipc_guard *g, long timeout_ns)
{
    struct timespec end;
    if (timeout_ns > 0) {
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_sec += timeout_ns / NS_PER_S + (end.tv_nsec + timeout_ns % NS_PER_S) / NS_PER_S;
        end.tv_nsec = (end.tv_nsec + timeout_ns % NS_PER_S) % NS_PER_S;
    }
    jipc_blocker b;
    int r = timeout_ns == 0 ? 0 : jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        unsigned char cookie[COOKIE_LEN];
        ssize_t n = recv(sock, cookie, sizeof cookie, MSG_DONTWAIT);
        int err = errno;
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (n == COOKIE_LEN) {
            r = cookie[COOKIE_LEN - 1] == 1 ? JIPC_MQ_NOTIFY_ARRIVED : JIPC_MQ_NOTIFY_REMOVED;
            break;
        }
        if (n >= 0 || (err != EAGAIN && err != EINTR)) {
            r = n >= 0 ? -EPROTO : -err;
            break;
        }
        int wait_ms = -1;
        if (timeout_ns == 0) {
            r = JIPC_MQ_NOTIFY_TIMEOUT;
            break;
        }
        if (timeout_ns > 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long long ns = (long long)(end.tv_sec - now.tv_sec) * NS_PER_S + (end.tv_nsec - now.tv_nsec);
            if (ns <= 0) {
                r = JIPC_MQ_NOTIFY_TIMEOUT;
                break;
            }
            wait_ms = ns / 1000000 + 1 > INT_MAX ? INT_MAX : (int)(ns / 1000000 + 1);
        }
        struct pollfd p = { .fd = sock, .events = POLLIN };
        if (poll(&p, 1, wait_ms) < 0 && errno != EINTR) {
            r = -errno;
            break;
        }
    }
    if (timeout_ns != 0)
        jipc_guard_leave(g, &b);
    return r;
}
