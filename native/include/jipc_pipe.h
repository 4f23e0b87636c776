/*
 * jipc_pipe.h - unnamed pipes, and the byte-stream I/O shared by every pipe
 * or FIFO end. See pipe(7), pipe(2), read(2), write(2).
 *
 * jipc keeps its own ends in O_NONBLOCK mode and emulates blocking here, with
 * poll(2) on the end and on a wake fd, so that closing a handle can wake a
 * thread blocked on it. A blocking read never returns -EAGAIN; a blocking
 * write returns only once everything was written, the wake fd fired
 * (-JIPC_WOKEN, or the partial count) or an error occurred.
 */
#ifndef JIPC_PIPE_H
#define JIPC_PIPE_H

#include "jipc_common.h"

#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* pipe2(2) with O_CLOEXEC | O_NONBLOCK; fds[0] is the read end. */
JIPC_API int jipc_pipe_create(int fds[2]);

/*
 * Reads at most len bytes. Returns the count, 0 at end of stream (every
 * writer closed), -EAGAIN when non-blocking and nothing is there yet (this
 * includes a FIFO no writer has opened yet), -JIPC_WOKEN when woken.
 */
JIPC_API long jipc_pipe_read(int fd, int wakefd, void *buf, long len, int blocking);
/* Writes len bytes (all of them when blocking); -EPIPE when no reader is left. */
JIPC_API long jipc_pipe_write(int fd, int wakefd, const void *buf, long len, int blocking);
/* readv(2)/writev(2) over cnt iovecs at iov, with the same rules. iov may be modified. */
JIPC_API long jipc_pipe_readv(int fd, int wakefd, struct iovec *iov, int cnt, int blocking);
JIPC_API long jipc_pipe_writev(int fd, int wakefd, struct iovec *iov, int cnt, int blocking);

/* F_GETPIPE_SZ / F_SETPIPE_SZ (the kernel rounds up to a power-of-two pages). */
JIPC_API int jipc_pipe_capacity(int fd);
JIPC_API int jipc_pipe_set_capacity(int fd, int size);
/* FIONREAD: bytes waiting in the pipe. */
JIPC_API int jipc_pipe_available(int fd);

/* sizeof(struct iovec), for callers laying out iovec arrays. */
JIPC_API int jipc_iovec_size(void);

#ifdef __cplusplus
}
#endif

#endif
