#include "jipc_bench.h"

#include <errno.h>
#include <fcntl.h>
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
