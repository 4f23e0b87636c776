/*
 * jipc_io_internal.h - what the blocking reads and writes of pipes, event
 * counters and open files share (not installed, not part of the API).
 */
#ifndef JIPC_IO_INTERNAL_H
#define JIPC_IO_INTERNAL_H

#include <errno.h>
#include <poll.h>

/*
 * After EAGAIN from a blocking call's read or write: another process set the
 * shared description O_NONBLOCK. Waits in poll(2) until fd reports events,
 * or a signal (a guard's wake) interrupts it. 0: try the call again, after
 * checking the guard; or -errno.
 */
static inline int jipc_await_shared(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    return poll(&p, 1, -1) >= 0 || errno == EINTR ? 0 : -errno;
}

#endif
