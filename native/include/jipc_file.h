/*
 * jipc_file.h - open files of any kind: a file, directory or device opened by
 * path, or a descriptor of a kind jipc has no handle for, received from
 * another process or inherited (a timerfd, a pidfd, a netlink socket...).
 * See open(2), fstat(2), read(2), write(2).
 */
#ifndef JIPC_FILE_H
#define JIPC_FILE_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <fcntl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What jipc_file_stat() reports, from st_mode's file type. */
#define JIPC_FILE_OTHER 0 /* no file type: an anonymous inode (eventfd, timerfd, signalfd, epoll, pidfd...) */
#define JIPC_FILE_REGULAR 1
#define JIPC_FILE_DIRECTORY 2
#define JIPC_FILE_CHARACTER_DEVICE 3
#define JIPC_FILE_BLOCK_DEVICE 4
#define JIPC_FILE_FIFO 5 /* a pipe or FIFO end */
#define JIPC_FILE_SOCKET 6
#define JIPC_FILE_SYMBOLIC_LINK 7 /* an O_PATH | O_NOFOLLOW descriptor of a link */

/* Where jipc_file_stat() and jipc_file_open() put what they report. */
#define JIPC_FILE_STAT_KIND 0
#define JIPC_FILE_STAT_SIZE 1
#define JIPC_FILE_STAT_ACCESS 2
#define JIPC_FILE_STAT_DEVICE 3
#define JIPC_FILE_STAT_LENGTH 4

/* Bits of out[JIPC_FILE_STAT_ACCESS]: what the open file description allows (none for O_PATH). */
#define JIPC_FILE_READABLE 1
#define JIPC_FILE_WRITABLE 2

/*
 * fstat(2) and fcntl(F_GETFL) of fd: out[JIPC_FILE_STAT_KIND] one of
 * JIPC_FILE_*, out[JIPC_FILE_STAT_SIZE] st_size, out[JIPC_FILE_STAT_ACCESS]
 * JIPC_FILE_READABLE | JIPC_FILE_WRITABLE as its access mode allows,
 * out[JIPC_FILE_STAT_DEVICE] st_dev (the file system it lives on). 0, or -errno.
 */
JIPC_API int jipc_file_stat(int fd, long out[JIPC_FILE_STAT_LENGTH]);

/* stat(2)'s st_dev of path, following links: the file system it lives on; or -errno. */
JIPC_API long jipc_file_device(const char *path);

/*
 * open(2) of path with flags (O_CLOEXEC and O_NOCTTY added) and mode (for
 * O_CREAT), that never waits in the open itself: the open is O_NONBLOCK, so
 * that a FIFO (which would wait for its other side) or a device that waits
 * for a carrier opens at once; O_NONBLOCK is then cleared again unless flags
 * asked for it; a regular file under a lease (fcntl(2) F_SETLEASE), which
 * refuses a non-blocking open, is opened again waiting for the lease to break.
 * out is filled as by jipc_file_stat(). The descriptor, or -errno (then
 * nothing stays open).
 */
JIPC_API int jipc_file_open(const char *path, int flags, int mode, long out[JIPC_FILE_STAT_LENGTH]);

/*
 * One read(2) of at most len bytes into buf, at the description's offset,
 * waiting under g (JIPC_GUARD_FD) while fd has nothing to give. A
 * description someone set O_NONBLOCK is waited on in poll(2), so it behaves
 * the same. The count, 0 at end of file, -JIPC_WOKEN if g fired before
 * anything was read, -ETIMEDOUT when a socket's SO_RCVTIMEO ran out, -EINVAL
 * for a negative len, or -errno.
 */
JIPC_API long jipc_file_read(int fd, jipc_guard *g, void *buf, long len);

/*
 * One write(2) of at most len bytes from buf, under g, as jipc_file_read()
 * reads: the count written (a device may take fewer than len), -JIPC_WOKEN,
 * or -errno.
 */
JIPC_API long jipc_file_write(int fd, jipc_guard *g, const void *buf, long len);

#ifdef __cplusplus
}
#endif

#endif
