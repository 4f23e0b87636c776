/*
 * jipc_spawn.h - start a child process that inherits chosen descriptors.
 * See posix_spawn(3), pidfd_open(2), waitid(2), pidfd_send_signal(2).
 *
 * Only the (source, target) pairs in the map reach the child, at the target
 * numbers, with 0-2 where the map leaves them: every other descriptor is
 * closed in the child after the dup2()s, close-on-exec or not. jipc's pipe and FIFO ends are blocking descriptions and are
 * shared with the child as they are; an end whose description was set
 * O_NONBLOCK elsewhere is handed over as a fresh blocking description
 * (reopened through /proc/self/fd), so the child reads as after fork.
 */
#ifndef JIPC_SPAWN_H
#define JIPC_SPAWN_H

#include "jipc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit kinds written to status[0] by jipc_spawn_wait(). */
#define JIPC_CHILD_EXITED 1
#define JIPC_CHILD_KILLED 2
#define JIPC_CHILD_DUMPED 3

/*
 * Starts program (searched in PATH when it has no '/').
 * args: argc NUL-terminated strings one after the other (argv[0] first).
 * env: envc strings "NAME=value" the same way, or envc < 0 to inherit.
 * cwd: the working folder, or NULL to inherit.
 * fd_map: nmap pairs (source fd, target fd), e.g. {fd, 3, out, 1}.
 * out[0] receives the pid, out[1] a pidfd (close-on-exec).
 */
JIPC_API int jipc_spawn(const char *program, const char *args, int argc,
                        const char *env, int envc, const char *cwd,
                        const int *fd_map, int nmap, int out[2]);

/*
 * Waits up to timeout_ms (-1: forever) for the child of pidfd to end, and
 * reaps it. Returns 1 and fills status (kind, exit code or signal), 0 on
 * timeout, -errno on failure.
 */
JIPC_API int jipc_spawn_wait(int pidfd, int timeout_ms, int status[2]);
/*
 * 1 if the child of pidfd has ended and is waiting to be reaped, 0 while it
 * runs, -errno (ECHILD once it was reaped). Reaps nothing (WNOWAIT).
 */
JIPC_API int jipc_spawn_exited(int pidfd);
/* Sends signal sig to the child of pidfd. */
JIPC_API int jipc_spawn_signal(int pidfd, int sig);

#ifdef __cplusplus
}
#endif

#endif
