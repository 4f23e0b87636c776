#include "jipc_pipe.h"

#include <sys/ioctl.h>
#include <unistd.h>

int jipc_pipe_create(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

/*
 * read(2) returned 0 on a non-blocking end. That is end of stream only when a
 * writer has come and gone (POLLHUP); a FIFO that no writer has opened yet
 * reads 0 as well, yet has simply nothing to offer so far.
 */
static long zero_read_status(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r;
    do {
        r = poll(&p, 1, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    return (p.revents & POLLHUP) ? 0 : -EAGAIN;
}

/* One attempt of a read-like call: the count, 0 at EOF, or -errno. */
static long finish_read(int fd, long n, int blocking)
{
    if (n > 0)
        return n;
    if (n == 0)
        return blocking ? 0 : zero_read_status(fd);
    return -errno;
}

long jipc_pipe_read(int fd, int wakefd, void *buf, long len, int blocking)
{
    if (len == 0)
        return 0;
    for (;;) {
        if (blocking) {
            int w = jipc_wait(fd, POLLIN, wakefd, -1);
            if (w < 0)
                return w;
        }
        long r = finish_read(fd, (long)read(fd, buf, (size_t)len), blocking);
        if (r == -EINTR || (r == -EAGAIN && blocking))
            continue;
        return r;
    }
}

long jipc_pipe_readv(int fd, int wakefd, struct iovec *iov, int cnt, int blocking)
{
    for (;;) {
        if (blocking) {
            int w = jipc_wait(fd, POLLIN, wakefd, -1);
            if (w < 0)
                return w;
        }
        long r = finish_read(fd, (long)readv(fd, iov, cnt), blocking);
        if (r == -EINTR || (r == -EAGAIN && blocking))
            continue;
        return r;
    }
}

/* Skips n written bytes in an iovec array; returns the first unfinished index. */
static int advance_iov(struct iovec *iov, int cnt, int first, size_t n)
{
    while (first < cnt && n >= iov[first].iov_len) {
        n -= iov[first].iov_len;
        first++;
    }
    if (first < cnt) {
        iov[first].iov_base = (char *)iov[first].iov_base + n;
        iov[first].iov_len -= n;
    }
    return first;
}

long jipc_pipe_writev(int fd, int wakefd, struct iovec *iov, int cnt, int blocking)
{
    long done = 0;
    int first = advance_iov(iov, cnt, 0, 0);
    while (first < cnt) {
        ssize_t n = writev(fd, iov + first, cnt - first);
        if (n >= 0) {
            done += n;
            first = advance_iov(iov, cnt, first, (size_t)n);
            if (!blocking)
                break;
            continue;
        }
        int err = errno;
        if (err == EINTR)
            continue;
        if (err == EAGAIN && blocking) {
            int w = jipc_wait(fd, POLLOUT, wakefd, -1);
            if (w < 0)
                return done > 0 ? done : w;
            continue;
        }
        /* What was written stays reported; the error shows on the next call. */
        return done > 0 ? done : -err;
    }
    return done;
}

long jipc_pipe_write(int fd, int wakefd, const void *buf, long len, int blocking)
{
    struct iovec one = { .iov_base = (void *)buf, .iov_len = (size_t)len };
    return jipc_pipe_writev(fd, wakefd, &one, 1, blocking);
}

int jipc_pipe_capacity(int fd)
{
    int r = fcntl(fd, F_GETPIPE_SZ);
    return r >= 0 ? r : -errno;
}

int jipc_pipe_set_capacity(int fd, int size)
{
    int r = fcntl(fd, F_SETPIPE_SZ, size);
    return r >= 0 ? r : -errno;
}

int jipc_pipe_available(int fd)
{
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) < 0)
        return -errno;
    return n;
}

int jipc_iovec_size(void)
{
    return (int)sizeof(struct iovec);
}
