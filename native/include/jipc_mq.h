/*
 * jipc_mq.h - POSIX message queues. See mq_overview(7), mq_open(3),
 * mq_send(3), mq_receive(3), mq_getattr(3), mq_notify(3).
 *
 * On Linux a queue descriptor is a file descriptor on the mqueue file system:
 * it is pollable (POLLIN: a message waits; POLLOUT: there is room), it can be
 * handed to a child process, and the guard's JIPC_GUARD_FD strategy wakes a
 * blocked send or receive (jipc_guard.h).
 *
 * Blocking or not is chosen per call, never by changing the open file
 * description's O_NONBLOCK (which every process sharing it would see):
 * timeout_ns < 0 waits for as long as it takes, 0 does not wait (an already
 * expired deadline for mq_timedsend/mq_timedreceive), > 0 waits at most that
 * long (the CLOCK_REALTIME deadline those calls take is computed here, once,
 * so EINTR retries keep it). A description some other process made
 * O_NONBLOCK (mq_setattr) is waited on with poll(2), so it behaves the same.
 *
 * Notification (mq_notify with SIGEV_THREAD) uses the kernel's own transport
 * rather than glibc's helper thread: jipc_mq_notify() registers a netlink
 * socket of its own, and the kernel writes a 32-byte cookie to it when a
 * message arrives in the empty queue (or when the registration is removed).
 * No thread is created and no code runs behind the caller's back; the caller
 * waits on the socket (jipc_mq_notify_wait, or poll).
 */
#ifndef JIPC_MQ_H
#define JIPC_MQ_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <limits.h>
#include <mqueue.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What jipc_mq_open() does when the queue exists or not. */
#define JIPC_MQ_OPEN 0      /* it must exist */
#define JIPC_MQ_CREATE 1    /* create it unless it exists */
#define JIPC_MQ_EXCLUSIVE 2 /* create it; -EEXIST if it exists */

/* Priorities are 0 .. JIPC_MQ_PRIO_MAX - 1. */
#define JIPC_MQ_PRIO_MAX MQ_PRIO_MAX

/* What jipc_mq_notify_wait() reports. */
#define JIPC_MQ_NOTIFY_TIMEOUT 0
#define JIPC_MQ_NOTIFY_ARRIVED 1
#define JIPC_MQ_NOTIFY_REMOVED 2

/*
 * mq_open(3) of name ("/name") with access O_RDONLY, O_WRONLY or O_RDWR,
 * close-on-exec. A queue this call creates gets exactly mode (no umask) and,
 * when maxmsg > 0, the attributes maxmsg and msgsize (else the system's
 * defaults, fs.mqueue.msg_default and msgsize_default). created[0] is 1 when
 * this call created the queue. -EINVAL: a bad name, or maxmsg/msgsize above
 * fs.mqueue.msg_max/msgsize_max; -EMFILE/-ENOSPC/-ENOMEM: the descriptor
 * limit, fs.mqueue.queues_max, RLIMIT_MSGQUEUE.
 */
JIPC_API int jipc_mq_open(const char *name, int how, int access, int mode, long maxmsg, long msgsize, int created[1]);

/* mq_unlink(3). */
JIPC_API int jipc_mq_unlink(const char *name);

/*
 * Sends len bytes at buf with priority prio (see above for timeout_ns).
 * Returns 0, -EAGAIN when the queue is full and timeout_ns is 0,
 * -ETIMEDOUT when the time ran out, -JIPC_WOKEN when the guard fired,
 * -EMSGSIZE when len is above the queue's message size, -EBADF when fd is
 * not open for writing.
 */
JIPC_API int jipc_mq_send(int fd, jipc_guard *g, const void *buf, long len, int prio, long timeout_ns);

/*
 * Receives the oldest message of the highest priority into buf (len bytes,
 * at least the queue's message size, else -EMSGSIZE). Returns, when >= 0,
 * the message's length in bits 0..31 and its priority in bits 32..62:
 * one call, no out-parameter. Statuses as for jipc_mq_send (-EAGAIN: empty).
 */
JIPC_API long jipc_mq_receive(int fd, jipc_guard *g, void *buf, long len, long timeout_ns);

/* mq_getattr(3): out[0] mq_flags, out[1] mq_maxmsg, out[2] mq_msgsize, out[3] mq_curmsgs. */
JIPC_API int jipc_mq_getattr(int fd, long out[4]);

/* mq_setattr(3): sets or clears O_NONBLOCK on the open file description. */
JIPC_API int jipc_mq_setattr(int fd, int nonblocking);

/*
 * Whether fd is a message queue descriptor: its access mode (O_RDONLY,
 * O_WRONLY or O_RDWR) if it is, -EINVAL if it is some other descriptor,
 * -EBADF if it is not open.
 */
JIPC_API int jipc_mq_check(int fd);

/*
 * Registers for notification (mq_notify(3), SIGEV_THREAD through a netlink
 * socket): returns the socket, close-on-exec, that receives a cookie once a
 * message arrives in the empty queue. -EBUSY if some process is registered.
 * The registration is the calling process's; it ends when it fires, when
 * jipc_mq_notify_cancel() is called, or when the process closes fd.
 */
JIPC_API int jipc_mq_notify(int fd);

/* mq_notify(fd, NULL): removes this process's registration, if any. */
JIPC_API int jipc_mq_notify_cancel(int fd);

/*
 * Waits on a socket from jipc_mq_notify() (timeout_ns as above). Returns
 * JIPC_MQ_NOTIFY_ARRIVED, JIPC_MQ_NOTIFY_REMOVED, JIPC_MQ_NOTIFY_TIMEOUT,
 * -JIPC_WOKEN when the guard fired.
 */
JIPC_API int jipc_mq_notify_wait(int sock, jipc_guard *g, long timeout_ns);

#ifdef __cplusplus
}
#endif

#endif
