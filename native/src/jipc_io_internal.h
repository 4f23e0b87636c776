/*
 * jipc_io_internal.h - what the blocking reads and writes of pipes, event
 * counters, open files and socket messages share (not installed, not part
 * of the API).
 */
#ifndef JIPC_IO_INTERNAL_H
#define JIPC_IO_INTERNAL_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

/*
 * After EAGAIN from a blocking call's read or write. On a description that
 * is not O_NONBLOCK it is a socket's timeout (SO_RCVTIMEO, SO_SNDTIMEO)
 * running out: -ETIMEDOUT. Otherwise another process set the shared
 * description O_NONBLOCK: waits in poll(2) until fd reports events, or a
 * signal (a guard's wake) interrupts it, then 0: try the call again, after
 * checking the guard. Or -errno.
 */
static inline int jipc_await_shared(int fd, short events)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && !(fl & O_NONBLOCK))
        return -ETIMEDOUT;
    struct pollfd p = { .fd = fd, .events = events };
    return poll(&p, 1, -1) >= 0 || errno == EINTR ? 0 : -errno;
}

#endif
