/*
 * jipc_pipe.h - unnamed pipes, and the byte-stream I/O shared by every pipe
 * or FIFO end. See pipe(7), pipe(2), read(2), write(2).
 *
 * A handle holds two open file descriptions of its end: one in O_NONBLOCK
 * mode for non-blocking calls, one in blocking mode for blocking calls, which
 * block in the kernel exactly as a C program's would and are interrupted
 * through the handle's waker (jipc_waker.h) when the handle is closed.
 *
 * blocking == 0: fd is the O_NONBLOCK description, w is ignored; a call
 * returns -EAGAIN instead of waiting.
 * blocking != 0: fd is the blocking description and w its waker; a read
 * waits for data, a write returns once everything was written, unless the
 * waker fires (-JIPC_WOKEN, or the count written so far).
 */
#ifndef JIPC_PIPE_H
#define JIPC_PIPE_H

#include "jipc_common.h"
#include "jipc_waker.h"

#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* pipe2(2) with O_CLOEXEC | O_NONBLOCK; fds[0] is the read end. */
JIPC_API int jipc_pipe_create(int fds[2]);

/*
 * Reads at most len bytes. Returns the count, 0 at end of stream (writers
 * came and all of them closed), -EAGAIN when non-blocking and nothing is
 * there yet (this includes a FIFO no writer has opened yet; a blocking read
 * waits for one), -JIPC_WOKEN when woken.
 */
JIPC_API long jipc_pipe_read(int fd, jipc_waker *w, void *buf, long len, int blocking);
/* Writes len bytes (all of them when blocking); -EPIPE when no reader is left. */
JIPC_API long jipc_pipe_write(int fd, jipc_waker *w, const void *buf, long len, int blocking);
/* readv(2)/writev(2) over cnt iovecs at iov, with the same rules. iov may be modified. */
JIPC_API long jipc_pipe_readv(int fd, jipc_waker *w, struct iovec *iov, int cnt, int blocking);
JIPC_API long jipc_pipe_writev(int fd, jipc_waker *w, struct iovec *iov, int cnt, int blocking);

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
