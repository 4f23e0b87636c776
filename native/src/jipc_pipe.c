#include "jipc_pipe.h"
#include "jipc_io_internal.h"

#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <unistd.h>

int jipc_pipe_create(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -errno;
    return 0;
}

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int pipes_take_nowait;

/* Whether pipes made by pipe2(2) honour RWF_NOWAIT: on a fresh pipe, an empty
 * read must say EAGAIN and a write must go through. */
static void probe(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return;
    char c = 0;
    struct iovec v = { .iov_base = &c, .iov_len = 1 };
    ssize_t empty = preadv2(fds[0], &v, 1, -1, RWF_NOWAIT);
    int empty_err = errno;
    ssize_t wrote = pwritev2(fds[1], &v, 1, -1, RWF_NOWAIT);
    pipes_take_nowait = empty < 0 && empty_err == EAGAIN && wrote == 1;
    close(fds[0]);
    close(fds[1]);
}

int jipc_pipe_nowait(int fd)
{
    struct statfs fs;
    if (fstatfs(fd, &fs) < 0)
        return -errno;
    /* FIFOs opened by path live on their file system and refuse the flag. */
    if (fs.f_type != PIPEFS_MAGIC)
        return 0;
    pthread_once(&probe_once, probe);
    return pipes_take_nowait;
}

/*
 * 1 if fd's pipe has no writer left (POLLHUP), 0 if writers may still come,
 * -errno on failure. A FIFO that no writer has opened yet reads 0 like one
 * whose writers are gone, but only the latter reports POLLHUP.
 */
static int hung_up(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, timeout_ms);
    if (r < 0)
        return -errno;
    return (p.revents & POLLHUP) && !(p.revents & POLLIN) ? 1 : 0;
}

/* 1 when fd reports events within timeout_ms (-1: forever), 0 if not, -errno on failure. */
static int ready(int fd, short events, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = events };
    int r = poll(&p, 1, timeout_ms);
    if (r < 0)
        return -errno;
    return r > 0;
}

static ssize_t read_iov(int fd, struct iovec *iov, int cnt)
{
    return cnt == 1 ? read(fd, iov[0].iov_base, iov[0].iov_len) : readv(fd, iov, cnt);
}

static long nonblocking_read(int fd, struct iovec *iov, int cnt, int mode)
{
    for (;;) {
        ssize_t n = mode == JIPC_IO_NOWAIT ? preadv2(fd, iov, cnt, -1, RWF_NOWAIT) : read_iov(fd, iov, cnt);
        if (n > 0)
            return n;
        if (n == 0) {
            int h = hung_up(fd, 0);
            return h < 0 ? h : h ? 0 : -EAGAIN;
        }
        int err = errno;
        if (err != EINTR)
            return -err;
    }
}

/*
 * For JIPC_IO_WAIT: waits in poll(2) for events before the first attempt.
 * 0 to go on, or the call's result: -JIPC_WOKEN when the guard fired
 * meanwhile (the dead end reports POLLHUP at once), -errno on failure.
 */
static long wait_first(int fd, jipc_guard *g, short events)
{
    int w = ready(fd, events, -1);
    if (jipc_guard_closing(g))
        return -JIPC_WOKEN;
    return w >= 0 || w == -EINTR ? 0 : w;
}

static long blocking_read(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode)
{
    jipc_blocker b;
    long r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    if (mode == JIPC_IO_WAIT && (r = wait_first(fd, g, POLLIN)) < 0) {
        jipc_guard_leave(g, &b);
        return r;
    }
    for (;;) {
        ssize_t n = read_iov(fd, iov, cnt);
        if (n > 0) {
            r = n; /* only the real pipe has data: the dead end has none */
            break;
        }
        int err = errno;
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (n == 0) {
            /* End of stream, or a FIFO waiting for its first writer: then
             * poll until one writes or comes and goes, and read again. */
            int h = hung_up(fd, 0);
            if (h == 0) {
                h = hung_up(fd, -1);
                if (h >= 0 || h == -EINTR)
                    continue;
            }
            r = h > 0 ? 0 : h;
            break;
        }
        if (err == EAGAIN) {
            if ((r = jipc_await_shared(fd, POLLIN)) == 0)
                continue;
            break;
        }
        if (err != EINTR) {
            r = -err;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    return r;
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

/* Not inlined: GCC would otherwise check the writev branch against a
 * one-element array it knows takes the write branch. */
__attribute__((noinline)) static ssize_t write_iov(int fd, struct iovec *iov, int cnt)
{
    return cnt == 1 ? write(fd, iov[0].iov_base, iov[0].iov_len) : writev(fd, iov, cnt);
}

static long nonblocking_write(int fd, struct iovec *iov, int cnt, int mode)
{
    int first = advance_iov(iov, cnt, 0, 0);
    if (first == cnt)
        return 0;
    for (;;) {
        ssize_t n = mode == JIPC_IO_NOWAIT ? pwritev2(fd, iov + first, cnt - first, -1, RWF_NOWAIT)
                                           : write_iov(fd, iov + first, cnt - first);
        if (n >= 0)
            return n;
        int err = errno;
        if (err != EINTR)
            return -err;
    }
}

static long blocking_write(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode)
{
    int first = advance_iov(iov, cnt, 0, 0);
    if (first == cnt)
        return 0;
    jipc_blocker b;
    long r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    if (mode == JIPC_IO_WAIT && (r = wait_first(fd, g, POLLOUT)) < 0) {
        jipc_guard_leave(g, &b);
        return r;
    }
    long done = 0;
    while (first < cnt) {
        ssize_t n = write_iov(fd, iov + first, cnt - first);
        if (n > 0) {
            done += n;
            first = advance_iov(iov, cnt, first, (size_t)n);
            continue;
        }
        int err = errno;
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (n < 0 && err == EAGAIN) {
            if ((r = jipc_await_shared(fd, POLLOUT)) == 0)
                continue;
            break;
        }
        if (n < 0 && err != EINTR) {
            r = -err;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    /* What was written stays reported; the caller learns why it stopped from
     * the guard (closing) or from its next call (EPIPE persists). */
    return done > 0 ? done : r;
}

/* JIPC_IO_TRY: nothing waits, so nothing registers; a call that moved
 * nothing on a closing handle may have met the dead end (0, EBADF). */
static long try_read(int fd, jipc_guard *g, struct iovec *iov, int cnt)
{
    long r = nonblocking_read(fd, iov, cnt, JIPC_IO_NONBLOCK_FD);
    return r <= 0 && jipc_guard_closing(g) ? -JIPC_WOKEN : r;
}

static long try_write(int fd, jipc_guard *g, struct iovec *iov, int cnt)
{
    long r = nonblocking_write(fd, iov, cnt, JIPC_IO_NONBLOCK_FD);
    return r < 0 && jipc_guard_closing(g) ? -JIPC_WOKEN : r;
}

static long read_in(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode)
{
    switch (mode) {
    case JIPC_IO_BLOCK:
    case JIPC_IO_WAIT:
        return blocking_read(fd, g, iov, cnt, mode);
    case JIPC_IO_TRY:
        return try_read(fd, g, iov, cnt);
    default:
        return nonblocking_read(fd, iov, cnt, mode);
    }
}

static long write_in(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode)
{
    switch (mode) {
    case JIPC_IO_BLOCK:
    case JIPC_IO_WAIT:
        return blocking_write(fd, g, iov, cnt, mode);
    case JIPC_IO_TRY:
        return try_write(fd, g, iov, cnt);
    default:
        return nonblocking_write(fd, iov, cnt, mode);
    }
}

long jipc_pipe_read(int fd, jipc_guard *g, void *buf, long len, int mode)
{
    if (len == 0)
        return 0;
    if (mode == JIPC_IO_TRY) {
        /* The hot path of a stream: one read(2), nothing else, when it finds
         * data or nothing; the rest (end of stream, the dead end, EINTR) as below. */
        ssize_t n = read(fd, buf, (size_t)len);
        if (n > 0)
            return n;
        if (n < 0 && errno == EAGAIN)
            return jipc_guard_closing(g) ? -JIPC_WOKEN : -EAGAIN;
    }
    struct iovec one = { .iov_base = buf, .iov_len = (size_t)len };
    return read_in(fd, g, &one, 1, mode);
}

long jipc_pipe_readv(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode)
{
    return read_in(fd, g, iov, cnt, mode);
}

long jipc_pipe_write(int fd, jipc_guard *g, const void *buf, long len, int mode)
{
    if (mode == JIPC_IO_TRY && len > 0) {
        /* As jipc_pipe_read: one write(2) when it moves bytes or finds no room. */
        ssize_t n = write(fd, buf, (size_t)len);
        if (n >= 0)
            return n;
        if (errno == EAGAIN)
            return jipc_guard_closing(g) ? -JIPC_WOKEN : -EAGAIN;
    }
    struct iovec one = { .iov_base = (void *)buf, .iov_len = (size_t)len };
    return write_in(fd, g, &one, 1, mode);
}

long jipc_pipe_writev(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode)
{
    return write_in(fd, g, iov, cnt, mode);
}

int jipc_pipe_hung_up(int fd)
{
    return hung_up(fd, 0);
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
