/*
 * jipc_fifo.h - named pipes. See fifo(7), mkfifo(3), open(2).
 *
 * Ends are opened O_NONBLOCK | O_CLOEXEC and read or written with the
 * jipc_pipe_* calls. Opening never blocks: a read end is usable at once (its
 * first blocking read waits for a writer's data), and a write end without a
 * reader fails with -ENXIO, which callers may retry until a reader appears.
 */
#ifndef JIPC_FIFO_H
#define JIPC_FIFO_H

#include "jipc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mkfifo(3) with exactly mode (the umask is not applied). -EEXIST if path exists. */
JIPC_API int jipc_fifo_create(const char *path, int mode);
/* 1 if path names a FIFO, 0 if it exists but is something else, -ENOENT if absent. */
JIPC_API int jipc_fifo_check(const char *path);
/* Opens the read end (for_write == 0) or write end; refuses anything but a FIFO (-EINVAL). */
JIPC_API int jipc_fifo_open(const char *path, int for_write);
/*
 * 1 if the FIFO read end fd has a writer connected or data waiting, 0 if
 * neither (a read would see end of stream), -errno on failure. Consumes
 * nothing: tee(2) into a scratch pipe.
 */
JIPC_API int jipc_fifo_has_writer(int fd);
/* unlink(2), only if path is a FIFO (-EINVAL otherwise). */
JIPC_API int jipc_fifo_remove(const char *path);

#ifdef __cplusplus
}
#endif

#endif
