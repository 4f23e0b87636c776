/*
 * jipc_bench.h - the raw C side of jipc's in-process benchmarks: the same
 * system calls jipc makes, without jipc, to measure what jipc adds.
 * Same contract as jipc's shims: >= 0 on success or -errno.
 */
#ifndef JIPC_BENCH_H
#define JIPC_BENCH_H

#include <stdint.h>

#define JIPC_BENCH_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* Does nothing: a JNI call to it costs the JNI call alone. */
JIPC_BENCH_API int jipc_bench_noop(void);

/* pipe2(2) with O_CLOEXEC, blocking ends; fds[0] is the read end. */
JIPC_BENCH_API int jipc_bench_pipe(int fds[2]);
JIPC_BENCH_API int jipc_bench_close(int fd);

/* socketpair(2) AF_UNIX SOCK_STREAM with SOCK_CLOEXEC, blocking ends. */
JIPC_BENCH_API int jipc_bench_socketpair(int fds[2]);

/* ECONNRESET: a stream socket's writer may see it instead of EPIPE once the reader left. */
JIPC_BENCH_API int jipc_bench_econnreset(void);

/*
 * A POSIX message queue only this process and its children reach: mq_open(3)
 * of a fresh name (O_CREAT | O_EXCL, close-on-exec, maxmsg messages of
 * msgsize bytes), then mq_unlink(3) at once. Returns the descriptor.
 */
JIPC_BENCH_API int jipc_bench_mq_unnamed(long maxmsg, long msgsize);

/* mq_send(3) of len bytes at priority 0, blocking; 0 or -errno. */
JIPC_BENCH_API int jipc_bench_mq_send(int fd, const void *buf, long len);

/* mq_receive(3) into len bytes, blocking; the message's length or -errno. */
JIPC_BENCH_API long jipc_bench_mq_receive(int fd, void *buf, long len);

/* mq_timedreceive(3) waiting at most timeout_ms (0: only a look); the length or -errno (-ETIMEDOUT). */
JIPC_BENCH_API long jipc_bench_mq_timedreceive(int fd, void *buf, long len, long timeout_ms);

/* open(2) of path, a FIFO, for writing (write != 0) or reading, blocking,
 * close-on-exec: waits for the other side as open(2) does; the fd or -errno. */
JIPC_BENCH_API int jipc_bench_open(const char *path, int write);

/* dup(2) with close-on-exec (F_DUPFD_CLOEXEC). */
JIPC_BENCH_API int jipc_bench_dup(int fd);

/* ETIMEDOUT: a timed receive found nothing. */
JIPC_BENCH_API int jipc_bench_etimedout(void);

/* EPIPE, for callers that must tell "the reader left" from other failures. */
JIPC_BENCH_API int jipc_bench_epipe(void);

/* One write(2) of len bytes at buf, one read(2) of at most len bytes into it. */
JIPC_BENCH_API long jipc_bench_write(int fd, const void *buf, long len);
JIPC_BENCH_API long jipc_bench_read(int fd, void *buf, long len);

/* write(2) len bytes to wfd, then read(2) them back from rfd; returns the count read. */
JIPC_BENCH_API long jipc_bench_write_read(int wfd, int rfd, void *buf, long len);

/*
 * write(2), then poll(2) for POLLIN, then read(2): the system calls jipc
 * makes for a blocking read of a non-blocking end (it waits in poll(2) so
 * that closing the end can wake it); returns the count read.
 */
JIPC_BENCH_API long jipc_bench_write_poll_read(int wfd, int rfd, void *buf, long len);

/* n times jipc_bench_write_read, all in C: the cost with no JNI at all. */
JIPC_BENCH_API long jipc_bench_write_read_loop(int wfd, int rfd, void *buf, long len, long n);

/* sched_setaffinity(2): the thread tid (0: the caller) may run on cpu only. */
JIPC_BENCH_API int jipc_bench_pin(int tid, int cpu);

/* The address of a buffer JavaCPP hands over (identity conversion). */
static inline intptr_t jipc_bench_address_of(void *p) { return (intptr_t)p; }

#ifdef __cplusplus
}
#endif

#endif
