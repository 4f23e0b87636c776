#include "jipc_common.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *jipc_errno_name(int err)
{
    return strerrorname_np(err);
}

const char *jipc_errno_description(int err)
{
    const char *d = strerrordesc_np(err);
    return d != NULL ? d : "Unknown error";
}

const char *jipc_signal_name(int sig)
{
    return sigabbrev_np(sig);
}

int jipc_close(int fd)
{
    /* Never retried: Linux releases the descriptor even when close() reports
     * EINTR, so a retry could close a descriptor another thread just got. */
    if (close(fd) == 0)
        return 0;
    int err = errno;
    return err == EINTR ? 0 : -err;
}

int jipc_set_nonblocking(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -errno;
    int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0)
        return -errno;
    return 0;
}

int jipc_set_cloexec(int fd, int on)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0)
        return -errno;
    int wanted = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    if (wanted != flags && fcntl(fd, F_SETFD, wanted) < 0)
        return -errno;
    return 0;
}

int jipc_fd_kind(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -errno;
    if (!S_ISFIFO(st.st_mode) || (flags & O_PATH))
        return JIPC_FD_OTHER; /* an O_PATH descriptor's access mode reads as O_RDONLY, but it reads nothing */
    switch (flags & O_ACCMODE) {
    case O_RDONLY:
        return JIPC_FD_PIPE_READ;
    case O_WRONLY:
        return JIPC_FD_PIPE_WRITE;
    default:
        return JIPC_FD_OTHER;
    }
}

int jipc_ipc_name_check(const char *name, int max)
{
    if (name == NULL || max < 1 || name[0] != '/')
        return -EINVAL;
    size_t n = strnlen(name + 1, (size_t)max + 1);
    if (n == 0 || memchr(name + 1, '/', n) != NULL || strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0)
        return -EINVAL;
    return n > (size_t)max ? -ENAMETOOLONG : 0;
}

int jipc_reopen_end(int fd, int nonblocking)
{
    int kind = jipc_fd_kind(fd);
    if (kind < 0)
        return kind;
    if (kind == JIPC_FD_OTHER)
        return -EINVAL;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int flags = (kind == JIPC_FD_PIPE_READ ? O_RDONLY : O_WRONLY) | O_NONBLOCK | O_CLOEXEC;
    int fresh = open(path, flags);
    if (fresh < 0 && errno == ENXIO) {
        /* A write end cannot be opened while the pipe has no reader: hold a
         * reader of our own open for that instant. */
        int reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (reader >= 0) {
            fresh = open(path, flags);
            int err = errno;
            close(reader);
            errno = err;
        }
    }
    if (fresh < 0)
        return -errno;
    if (!nonblocking) {
        int r = jipc_set_nonblocking(fresh, 0);
        if (r < 0) {
            close(fresh);
            return r;
        }
    }
    return fresh;
}

int jipc_open(const char *path, int flags, int mode)
{
    for (;;) {
        int fd = open(path, flags | O_CLOEXEC, (mode_t)mode);
        if (fd >= 0)
            return fd;
        int err = errno;
        if (err != EINTR)
            return -err;
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int jipc_wait(int fd, int events, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = (short)events };
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    int left = timeout_ms;
    for (;;) {
        int r = poll(&p, 1, left);
        if (r < 0) {
            int err = errno;
            if (err != EINTR)
                return -err;
            if (timeout_ms > 0) {
                int64_t remaining = deadline - now_ms();
                left = remaining > 0 ? (int)remaining : 0;
            }
            continue;
        }
        if (r == 0)
            return 0;
        if (p.revents & POLLNVAL)
            return -EBADF;
        return 1;
    }
}

void jipc_iovec_layout(int out[4])
{
    out[0] = (int)sizeof(struct iovec);
    out[1] = (int)offsetof(struct iovec, iov_base);
    out[2] = (int)offsetof(struct iovec, iov_len);
    out[3] = (int)sizeof(size_t);
}

long jipc_open_file_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0)
        return -errno;
    return r.rlim_cur == RLIM_INFINITY || r.rlim_cur > LONG_MAX ? LONG_MAX : (long)r.rlim_cur;
}
