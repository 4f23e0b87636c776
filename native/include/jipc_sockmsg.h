/*
 * jipc_sockmsg.h - sending and receiving on sockets: bytes of a stream, whole
 * messages of a datagram or seqpacket socket, to and from addresses, with
 * descriptors (SCM_RIGHTS) and credentials (SCM_CREDENTIALS) attached.
 * See sendmsg(2), recvmsg(2), unix(7), cmsg(3).
 *
 * mode JIPC_MSG_NOWAIT adds MSG_DONTWAIT to the one call (-EAGAIN instead of
 * waiting); JIPC_MSG_BLOCK waits, woken by the guard (-JIPC_WOKEN). A
 * timeout set with SO_RCVTIMEO / SO_SNDTIMEO that expires is -ETIMEDOUT.
 * SIGPIPE is never raised (MSG_NOSIGNAL): a peer gone is -EPIPE.
 */
#ifndef JIPC_SOCKMSG_H
#define JIPC_SOCKMSG_H

#include "jipc_common.h"
#include "jipc_guard.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JIPC_MSG_NOWAIT 0
#define JIPC_MSG_BLOCK 1

/* flags of a send */
#define JIPC_MSG_ALL 1         /* blocking: send every byte (stream sockets) */
#define JIPC_MSG_CREDENTIALS 2 /* attach our pid, uid and gid (SCM_CREDENTIALS) */
/* flags of a receive */
#define JIPC_MSG_WHOLE 4   /* a message socket: return the full length of a message (MSG_TRUNC) */
#define JIPC_MSG_CONTROL 8 /* take descriptors and credentials into meta */
#define JIPC_MSG_PEEK 16   /* look at the next message, leaving it queued (MSG_PEEK); never with JIPC_MSG_CONTROL */

/* The int array meta of a receive: */
#define JIPC_META_ADDRLEN 0 /* in: addr's capacity; out: the sender's address size */
#define JIPC_META_NFDS 1    /* in: room for descriptors at JIPC_META_FDS; out: how many arrived */
#define JIPC_META_FLAGS 2   /* out: JIPC_RECV_TRUNC | JIPC_RECV_CTRUNC */
#define JIPC_META_PID 3     /* out: the credentials attached, pid -1 when none */
#define JIPC_META_UID 4
#define JIPC_META_GID 5
#define JIPC_META_FDS 6
#define JIPC_META_MAX_FDS 253 /* SCM_MAX_FD */

/*
 * A receive on a message socket (JIPC_MSG_WHOLE) returns -JIPC_RECV_END at the
 * end (a seqpacket peer that closed, or after shutdown(SHUT_RD)), where the
 * kernel returns 0 as it does for a zero-length message: a 0 while the input
 * is not shut down is a message. (A zero-length message that is the last
 * before the peer's close reads as the end.) Stream sockets return 0 at the
 * end, as read(2) does.
 */
#define JIPC_RECV_END 0x10001

#define JIPC_RECV_TRUNC 1  /* the message was longer than the buffer: the rest is lost */
#define JIPC_RECV_CTRUNC 2 /* descriptors did not fit: those that came were closed */

/*
 * Sends len bytes from buf, to addr when not NULL, with nfds descriptors
 * attached when nfds > 0 (to the first bytes only). Returns the count sent.
 * A blocking JIPC_MSG_ALL send that stops early returns the count it sent
 * if that is above 0, else the cause (-JIPC_WOKEN when the guard fired,
 * -errno otherwise): a short count means "stopped", and the caller sees the
 * guard closing, or calls again and meets the error (EPIPE persists).
 */
JIPC_API long jipc_sockmsg_send(int fd, jipc_guard *g, const void *buf, long len, const void *addr, int addrlen,
                                const int *fds, int nfds, int flags, int mode);
/*
 * Receives into buf. Returns the count received (with JIPC_MSG_WHOLE, the
 * message's full length, which exceeds len when it was cut: JIPC_RECV_TRUNC),
 * 0 at the end of a stream or for an empty message. The sender's address goes
 * to addr when not NULL; meta (NULL when neither addr nor JIPC_MSG_CONTROL)
 * is filled as described above. Received descriptors are close-on-exec
 * (MSG_CMSG_CLOEXEC), and closed here whenever they cannot all be handed back.
 */
JIPC_API long jipc_sockmsg_recv(int fd, jipc_guard *g, void *buf, long len, void *addr, int *meta, int flags, int mode);

/*
 * Walks the control messages of a received message (control, len bytes as
 * recvmsg left them, which this treats as untrusted): the descriptors of
 * every SCM_RIGHTS message go to fds (the first cap of them; the count
 * returned includes any beyond cap, which the caller cannot close: make cap
 * len / sizeof(int) to see them all), credentials of SCM_CREDENTIALS to
 * meta[JIPC_META_PID/UID/GID]. A message whose length runs outside the
 * buffer or is below its header ends the walk. Pure (closes nothing):
 * fuzzed by native/fuzz/fuzz_control.c.
 */
JIPC_API int jipc_sockmsg_parse_control(const void *control, long len, int *meta, int *fds, int cap);

#ifdef __cplusplus
}
#endif

#endif
