#include "jipc_bench.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <time.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

int jipc_bench_noop(void)
{
    return 0;
}

int jipc_bench_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -errno;
    return 0;
}

int jipc_bench_socketpair(int fds[2])
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return -errno;
    return 0;
}

int jipc_bench_econnreset(void)
{
    return ECONNRESET;
}

int jipc_bench_close(int fd)
{
    return close(fd) == 0 ? 0 : -errno;
}

int jipc_bench_epipe(void)
{
    return EPIPE;
}

long jipc_bench_write(int fd, const void *buf, long len)
{
    ssize_t n = write(fd, buf, (size_t)len);
    return n >= 0 ? (long)n : -errno;
}

long jipc_bench_read(int fd, void *buf, long len)
{
    ssize_t n = read(fd, buf, (size_t)len);
    return n >= 0 ? (long)n : -errno;
}

long jipc_bench_write_read(int wfd, int rfd, void *buf, long len)
{
    long w = jipc_bench_write(wfd, buf, len);
    if (w < 0)
        return w;
    return jipc_bench_read(rfd, buf, len);
}

long jipc_bench_write_poll_read(int wfd, int rfd, void *buf, long len)
{
    long w = jipc_bench_write(wfd, buf, len);
    if (w < 0)
        return w;
    struct pollfd p = { .fd = rfd, .events = POLLIN };
    if (poll(&p, 1, -1) < 0)
        return -errno;
    return jipc_bench_read(rfd, buf, len);
}

long jipc_bench_write_read_loop(int wfd, int rfd, void *buf, long len, long n)
{
    long total = 0;
    for (long i = 0; i < n; i++) {
        long r = jipc_bench_write_read(wfd, rfd, buf, len);
        if (r < 0)
            return r;
        total += r;
    }
    return total;
}

int jipc_bench_pin(int tid, int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(tid, sizeof set, &set) == 0 ? 0 : -errno;
}

int jipc_bench_mq_unnamed(long maxmsg, long msgsize)
{
    static int serial;
    char name[64];
    snprintf(name, sizeof name, "/jipc-xproc-jni-%d-%d", (int)getpid(), __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED));
    struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &a);
    if (q == (mqd_t)-1)
        return -errno;
    if (mq_unlink(name) < 0) {
        int err = errno;
        close(q);
        return -err;
    }
    return q;
}

int jipc_bench_mq_send(int fd, const void *buf, long len)
{
    while (mq_send(fd, buf, (size_t)len, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

long jipc_bench_mq_receive(int fd, void *buf, long len)
{
    ssize_t n;
    while ((n = mq_receive(fd, buf, (size_t)len, NULL)) < 0)
        if (errno != EINTR)
            return -errno;
    return (long)n;
}

long jipc_bench_mq_timedreceive(int fd, void *buf, long len, long timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (timeout_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    ssize_t n;
    while ((n = mq_timedreceive(fd, buf, (size_t)len, NULL, &until)) < 0)
        if (errno != EINTR)
            return -errno;
    return (long)n;
}

int jipc_bench_open(const char *path, int write)
{
    int r;
    do {
        r = open(path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    } while (r < 0 && errno == EINTR);
    return r >= 0 ? r : -errno;
}

int jipc_bench_dup(int fd)
{
    int r = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return r >= 0 ? r : -errno;
}

int jipc_bench_etimedout(void)
{
    return ETIMEDOUT;
}
