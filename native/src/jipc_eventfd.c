#include "jipc_eventfd.h"
#include "jipc_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int jipc_eventfd_create(unsigned int initial, int semaphore)
{
    int fd = eventfd(initial, EFD_CLOEXEC | (semaphore ? EFD_SEMAPHORE : 0));
    return fd >= 0 ? fd : -errno;
}

/* The counter's value, from the "eventfd-count:" line of /proc/self/fdinfo/<fd>. */
static int count_of(int fd, uint64_t *count)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -errno;
    ssize_t n;
    do
        n = read(in, text, sizeof text - 1);
    while (n < 0 && errno == EINTR);
    int err = errno;
    close(in);
    if (n < 0)
        return -err;
    text[n] = '\0';
    const char *at = strstr(text, "eventfd-count:");
    if (at == NULL)
        return -EINVAL;
    *count = strtoull(at + strlen("eventfd-count:"), NULL, 16);
    return 0;
}

/*
 * A write that does not wait: poll(2) says only that the counter has room
 * for 1, and a write of more than the room blocks, so the room is read
 * first. A writer of another description racing into the room between the
 * check and the write can still make it wait; it waits registered with the
 * guard, so a close ends it.
 */
static int write_nowait(int fd, jipc_guard *g, uint64_t *value)
{
    uint64_t count = 0;
    int r = count_of(fd, &count);
    if (r < 0)
        return r;
    if (*value > JIPC_EVENTFD_MAX - count)
        return -EAGAIN;
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int ready;
    do
        ready = poll(&p, 1, 0);
    while (ready < 0 && errno == EINTR);
    if (ready <= 0)
        return ready == 0 ? -EAGAIN : -errno;
    jipc_blocker b;
    r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        ssize_t n = write(fd, value, sizeof *value);
        int err = n < 0 ? errno : 0;
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (n >= 0 || err != EINTR) {
            r = n == (ssize_t)sizeof *value ? 0 : n >= 0 ? -EIO : -err;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    return r;
}

/* Runs one read or write, blocking or not; *value in or out. */
static int transfer(int fd, jipc_guard *g, uint64_t *value, int write_it, int mode)
{
    struct iovec v = { .iov_base = value, .iov_len = sizeof *value };
    if (mode == JIPC_EVENTFD_NOWAIT && write_it)
        return write_nowait(fd, g, value);
    if (mode == JIPC_EVENTFD_NOWAIT) {
        for (;;) {
            ssize_t n = write_it ? -1 : preadv2(fd, &v, 1, -1, RWF_NOWAIT);
            if (write_it || (n < 0 && (errno == EOPNOTSUPP || errno == EINVAL))) {
                /* Writes take no RWF_NOWAIT, nor reads before Linux 5.12 or under qemu-user. */
                struct pollfd p = { .fd = fd, .events = write_it ? POLLOUT : POLLIN };
                int ready = poll(&p, 1, 0);
                if (ready == 0)
                    return -EAGAIN;
                n = ready < 0 ? -1 : write_it ? write(fd, value, sizeof *value) : read(fd, value, sizeof *value);
            }
            if (n >= 0)
                return 0;
            if (errno != EINTR)
                return -errno;
        }
    }
    /* A count that moved is reported even while the handle closes: a read took it from the counter. */
    long n = write_it ? jipc_file_write(fd, g, value, sizeof *value) : jipc_file_read(fd, g, value, sizeof *value);
    return n == (long)sizeof *value ? 0 : n >= 0 ? -EIO : (int)n;
}

int jipc_eventfd_read(int fd, jipc_guard *g, uint64_t *value, int mode)
{
    return transfer(fd, g, value, 0, mode);
}

int jipc_eventfd_write(int fd, jipc_guard *g, uint64_t value, int mode)
{
    if (value == UINT64_MAX)
        return -EINVAL;
    return transfer(fd, g, &value, 1, mode);
}

int jipc_eventfd_is(int fd)
{
    char path[64], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0)
        return errno == ENOENT ? -EBADF : -errno;
    target[n] = '\0';
    return strcmp(target, "anon_inode:[eventfd]") == 0;
}
