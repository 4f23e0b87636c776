/*
 * jipc_lock.h - fcntl(2) record locks on byte ranges of a file, of both kinds:
 *
 *  JIPC_LOCK_OFD      open-file-description locks (F_OFD_SETLK, F_OFD_SETLKW,
 *                     F_OFD_GETLK): owned by the open file description, so
 *                     two descriptions of one file in one process conflict,
 *                     and a lock lasts until it is released or the last
 *                     descriptor of its description is closed. F_GETLK
 *                     reports their holder's pid as -1.
 *  JIPC_LOCK_PROCESS  classic process-associated locks (F_SETLK, F_SETLKW,
 *                     F_GETLK): owned by the process. The same process never
 *                     conflicts with itself, and closing ANY descriptor of
 *                     the file in the process releases all of the process's
 *                     locks on that file, whichever descriptor took them.
 *
 * A range is start and len bytes; len 0 runs to the end of the file however
 * far it grows (the whole file when start is 0).
 */
#ifndef JIPC_LOCK_H
#define JIPC_LOCK_H

#include "jipc_common.h"
#include "jipc_guard.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JIPC_LOCK_OFD 0
#define JIPC_LOCK_PROCESS 1

/* What jipc_lock_query() reports in out[0]. */
#define JIPC_LOCK_NONE 0
#define JIPC_LOCK_SHARED 1
#define JIPC_LOCK_EXCLUSIVE 2

/*
 * Takes a shared (exclusive 0, F_RDLCK) or exclusive (F_WRLCK) lock on the
 * range. timeout_ns < 0 waits (F_SETLKW, guard strategy JIPC_GUARD_FD);
 * 0 tries once; > 0 tries until that many nanoseconds passed, in polls at
 * most JIPC_GUARD_SLICE_NS apart (no timer signal). Returns 0 when locked,
 * -EAGAIN when another holder conflicts (at once or until the timeout),
 * -EDEADLK when waiting would deadlock (classic locks), -JIPC_WOKEN, -errno.
 */
JIPC_API int jipc_lock_acquire(int fd, jipc_guard *g, int kind, int exclusive, long long start, long long len,
                               long long timeout_ns);
/* Releases the range (F_UNLCK); releasing what is not locked is no error. */
JIPC_API int jipc_lock_release(int fd, int kind, long long start, long long len);
/*
 * Who would conflict with the lock described (F_GETLK / F_OFD_GETLK):
 * out[0] JIPC_LOCK_NONE / _SHARED / _EXCLUSIVE, out[1] its start, out[2] its
 * length (0: to the end), out[3] its holder's pid (-1 for an OFD lock).
 */
JIPC_API int jipc_lock_query(int fd, int kind, int exclusive, long long start, long long len, long long out[4]);
/*
 * A new open file description of the file fd refers to (through
 * /proc/self/fd), close-on-exec, read-write unless read_only: its OFD locks
 * are its own, not those of fd's description.
 */
JIPC_API int jipc_lock_reopen(int fd, int read_only);

#ifdef __cplusplus
}
#endif

#endif
