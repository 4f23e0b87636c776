/*
 * jipc_pipe.h - unnamed pipes, and the byte-stream I/O shared by every pipe
 * or FIFO end. See pipe(7), pipe(2), read(2), write(2), preadv2(2).
 *
 * A handle holds one descriptor and a guard (jipc_guard.h, strategy
 * JIPC_GUARD_FD). Blocking or not is chosen per call (mode). A description
 * another process may hold (an inherited or received end) is never changed:
 * its flags would change under that process too. One this process alone
 * holds (made by pipe2(2) or opened by path here, never handed over) may be
 * set O_NONBLOCK by its owner, for JIPC_IO_TRY:
 *
 * JIPC_IO_NOWAIT: preadv2/pwritev2 with RWF_NOWAIT on the blocking
 * description; g is ignored; -EAGAIN instead of waiting. Pipes made by
 * pipe2(2) take the flag on Linux 5.x and later; jipc_pipe_nowait() tells.
 * JIPC_IO_NONBLOCK_FD: fd is a second, O_NONBLOCK description of the same
 * pipe, for ends that refuse RWF_NOWAIT (FIFO ends opened by path do).
 * JIPC_IO_TRY: fd is the end's own description, set O_NONBLOCK; one read(2)
 * or write(2), -EAGAIN instead of waiting. The guard is not entered (nothing
 * waits), only looked at when the call moved nothing: a close may have put
 * the dead end in place, and that is -JIPC_WOKEN rather than end of stream.
 * JIPC_IO_WAIT: JIPC_IO_BLOCK, on the own O_NONBLOCK description right
 * after a try found no data or no room: waits in poll(2) first, then reads or
 * writes as JIPC_IO_BLOCK does (a description that says EAGAIN is polled).
 * JIPC_IO_BLOCK: a read waits for data, a write returns once everything was
 * written. A blocking write that stops early returns the count it moved if
 * that is above 0, else the cause: -JIPC_WOKEN when the guard fired, -errno
 * (EPIPE) otherwise. So a short count means "stopped": the caller sees the
 * guard closing, or calls again and gets the error, which persists. A
 * description some other process set O_NONBLOCK is waited on with poll(2),
 * so it behaves the same.
 */
#ifndef JIPC_PIPE_H
#define JIPC_PIPE_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JIPC_IO_NOWAIT 0
#define JIPC_IO_BLOCK 1
#define JIPC_IO_NONBLOCK_FD 2
#define JIPC_IO_TRY 3
#define JIPC_IO_WAIT 4

/* pipe2(2) with O_CLOEXEC; fds[0] is the read end. */
JIPC_API int jipc_pipe_create(int fds[2]);

/*
 * Reads at most len bytes. Returns the count, 0 at end of stream (writers
 * came and all of them closed), -EAGAIN when non-blocking and nothing is
 * there yet (this includes a FIFO no writer has opened yet; a blocking read
 * waits for one), -JIPC_WOKEN when woken.
 */
JIPC_API long jipc_pipe_read(int fd, jipc_guard *g, void *buf, long len, int mode);
/* Writes len bytes (all of them when blocking); -EPIPE when no reader is left. */
JIPC_API long jipc_pipe_write(int fd, jipc_guard *g, const void *buf, long len, int mode);
/* readv(2)/writev(2) over cnt iovecs at iov, with the same rules. iov may be modified. */
JIPC_API long jipc_pipe_readv(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode);
JIPC_API long jipc_pipe_writev(int fd, jipc_guard *g, struct iovec *iov, int cnt, int mode);

/*
 * 1 if the pipe or FIFO of read end fd has had writers and has none left
 * (POLLHUP), 0 if writers may still come. For a FIFO, ask the description
 * opened first: the kernel reports the hang-up only to descriptions opened
 * before the writers came.
 */
JIPC_API int jipc_pipe_hung_up(int fd);

/* F_GETPIPE_SZ / F_SETPIPE_SZ (the kernel rounds up to a power-of-two pages). */
JIPC_API int jipc_pipe_capacity(int fd);
JIPC_API int jipc_pipe_set_capacity(int fd, int size);
/* FIONREAD: bytes waiting in the pipe. */
JIPC_API int jipc_pipe_available(int fd);

/*
 * 1 if preadv2/pwritev2 honour RWF_NOWAIT on fd (a pipe made by pipe2(2), on
 * a kernel that takes the flag for pipes: probed once), 0 if not (FIFO ends
 * opened by path), -errno if fd is bad.
 */
JIPC_API int jipc_pipe_nowait(int fd);

#ifdef __cplusplus
}
#endif

#endif
