/*
 * jipc_common.h - shared conventions of every jipc shim.
 *
 * The boundary contract: every function returns >= 0 on success or -errno on
 * failure; errno is saved right after the failing call; EINTR is retried here,
 * never around close(2); every descriptor is created close-on-exec.
 */
#ifndef JIPC_COMMON_H
#define JIPC_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define JIPC_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds reported by jipc_fd_kind(). */
#define JIPC_FD_OTHER 0
#define JIPC_FD_PIPE_READ 1
#define JIPC_FD_PIPE_WRITE 2

/* The errno symbol ("EAGAIN"), or NULL when unknown. */
JIPC_API const char *jipc_errno_name(int err);
/* The errno description ("Resource temporarily unavailable"), never NULL. */
JIPC_API const char *jipc_errno_description(int err);

/* The signal abbreviation ("KILL"), or NULL when unknown. */
JIPC_API const char *jipc_signal_name(int sig);

/* close(2) without EINTR retry: on Linux the fd is released even then. */
JIPC_API int jipc_close(int fd);
/* Sets or clears O_NONBLOCK on the open file description. */
JIPC_API int jipc_set_nonblocking(int fd, int on);
/* Sets or clears FD_CLOEXEC on the descriptor. */
JIPC_API int jipc_set_cloexec(int fd, int on);
/* The soft limit on open descriptors (getrlimit(2) RLIMIT_NOFILE), which
 * needs no descriptor of its own; LONG_MAX for no limit, or -errno. */
JIPC_API long jipc_open_file_limit(void);
/* JIPC_FD_PIPE_READ / _WRITE for a pipe or FIFO end, JIPC_FD_OTHER else (an O_PATH descriptor of one too). */
JIPC_API int jipc_fd_kind(int fd);
/*
 * A new open file description of the pipe or FIFO that fd is an end of, same
 * direction, close-on-exec, blocking unless nonblocking: its mode is
 * independent of fd's. -EINVAL if fd is no pipe or FIFO end.
 */
JIPC_API int jipc_reopen_end(int fd, int nonblocking);
/* open(2) with O_CLOEXEC added. */
JIPC_API int jipc_open(const char *path, int flags, int mode);

/*
 * Waits until fd reports one of events or timeout_ms (-1: forever) passed.
 * Returns 1 when fd is ready, 0 on timeout, -errno on failure.
 */
JIPC_API int jipc_wait(int fd, int events, int timeout_ms);

/* The layout of struct iovec: out[0] its size, out[1] the offset of iov_base,
 * out[2] of iov_len, out[3] sizeof(size_t). */
JIPC_API void jipc_iovec_layout(int out[4]);

/*
 * Checks a POSIX IPC name (shm_open, mq_open, sem_open) before any system
 * call: "/" then 1 to max bytes with no '/', and not "." or "..". Reads at
 * most max + 2 bytes of name. 0 when valid, -ENAMETOOLONG when too long,
 * -EINVAL otherwise. Pure: fuzzed by native/fuzz/fuzz_names.c.
 */
JIPC_API int jipc_ipc_name_check(const char *name, int max);

/* The base address of a buffer JavaCPP hands over (identity conversion). */
static inline intptr_t jipc_address_of(void *p) { return (intptr_t)p; }

#ifdef __cplusplus
}
#endif

#endif
