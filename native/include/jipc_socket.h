/*
 * jipc_socket.h - sockets of every domain jipc offers (AF_UNIX, AF_INET,
 * AF_INET6; stream, datagram, seqpacket, raw): creation, names, connection
 * set-up, options and peer credentials. Message I/O is in jipc_sockmsg.h.
 * See socket(7), unix(7), ip(7), ipv6(7), tcp(7), udp(7).
 *
 * A socket handle holds one blocking open file description and a guard
 * (jipc_guard.h, strategy JIPC_GUARD_FD). Blocking or not is chosen per call
 * (MSG_DONTWAIT, a poll(2) before accept), never by O_NONBLOCK on the
 * description, which a process holding the same socket would see. After the
 * guard fired the descriptor names a dead pipe end, so calls fail with
 * ENOTSOCK or similar: every shim checks jipc_guard_closing() after each
 * system call and then returns -JIPC_WOKEN whatever the errno.
 *
 * Addresses cross as struct sockaddr bytes; jipc_sockaddr_layout() tells the
 * caller where each field is.
 */
#ifndef JIPC_SOCKET_H
#define JIPC_SOCKET_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Options of jipc_socket_setopt/getopt: jipc's own numbers, mapped here to level and name. */
#define JIPC_SO_RCVBUF 0
#define JIPC_SO_SNDBUF 1
#define JIPC_SO_REUSEADDR 2
#define JIPC_SO_REUSEPORT 3
#define JIPC_SO_KEEPALIVE 4
#define JIPC_SO_BROADCAST 5
#define JIPC_SO_PASSCRED 6
#define JIPC_TCP_NODELAY 7
/* Timeouts in milliseconds; 0 waits forever. */
#define JIPC_SO_RCVTIMEO 8
#define JIPC_SO_SNDTIMEO 9
#define JIPC_SO_ERROR 10
#define JIPC_SO_COUNT 11

/* Indices of jipc_sockaddr_layout()'s output. */
#define JIPC_SA_STORAGE_SIZE 0
#define JIPC_SA_FAMILY 1
#define JIPC_SA_FAMILY_SIZE 2
#define JIPC_SA_UN_PATH 3
#define JIPC_SA_UN_PATH_SIZE 4
#define JIPC_SA_IN_PORT 5
#define JIPC_SA_IN_ADDR 6
#define JIPC_SA_IN_SIZE 7
#define JIPC_SA_IN6_PORT 8
#define JIPC_SA_IN6_FLOWINFO 9
#define JIPC_SA_IN6_ADDR 10
#define JIPC_SA_IN6_SCOPE 11
#define JIPC_SA_IN6_SIZE 12
#define JIPC_SA_COUNT 13

/* socket(2) with SOCK_CLOEXEC: the descriptor, blocking. */
JIPC_API int jipc_socket_open(int domain, int type, int protocol);
/* socketpair(2) of AF_UNIX sockets of type, both close-on-exec. */
JIPC_API int jipc_socket_pair(int type, int fds[2]);
/*
 * Checks len bytes of a socket address before bind or connect: a known
 * family at its exact size (AF_INET, AF_INET6), or AF_UNIX of at most
 * sizeof(struct sockaddr_un) bytes whose path, unless abstract (first byte
 * NUL), holds no NUL but an optional last one. 0 when valid, else -EINVAL.
 * Pure: fuzzed by native/fuzz/fuzz_names.c.
 */
JIPC_API int jipc_sockaddr_check(const void *addr, int len);
/* bind(2) of an address jipc_sockaddr_check accepts. */
JIPC_API int jipc_socket_bind(int fd, const void *addr, int len);
JIPC_API int jipc_socket_listen(int fd, int backlog);
/*
 * accept4(2) with SOCK_CLOEXEC: the new descriptor. timeout_ms -1 waits as
 * long as it takes, 0 returns -EAGAIN at once when nobody is waiting, more
 * waits that long then returns -ETIMEDOUT. The waiting connection's address
 * goes to addr (*len bytes at most; *len becomes its size), unless addr is NULL.
 * A receive timeout (SO_RCVTIMEO) that expires is -ETIMEDOUT too.
 */
JIPC_API int jipc_socket_accept(int fd, jipc_guard *g, void *addr, int *len, int timeout_ms);
/*
 * connect(2), waiting at most timeout_ms (-1: as long as the kernel does).
 * -ETIMEDOUT when the time is up (a TCP socket is then unusable), -JIPC_WOKEN
 * when the guard fired.
 */
JIPC_API int jipc_socket_connect(int fd, jipc_guard *g, const void *addr, int len, int timeout_ms);
/* shutdown(2); how is SHUT_RD, SHUT_WR or SHUT_RDWR. */
JIPC_API int jipc_socket_shutdown(int fd, int how);
/* getsockname(2) (peer 0) or getpeername(2) (peer 1) into addr; *len in: capacity, out: size. */
JIPC_API int jipc_socket_name(int fd, int peer, void *addr, int *len);
/* Sets or reads an option JIPC_SO_*; booleans are 0 or 1, timeouts milliseconds. */
JIPC_API int jipc_socket_setopt(int fd, int opt, long value);
JIPC_API long jipc_socket_getopt(int fd, int opt);
/*
 * SO_PEERCRED: out[0] pid, out[1] uid, out[2] gid of the peer as it connected
 * (a listening socket: its own). -EOPNOTSUPP for a socket not of AF_UNIX,
 * -ENOTCONN for one without a peer (where the kernel reports pid 0).
 */
JIPC_API int jipc_socket_peercred(int fd, int out[3]);
/* SO_DOMAIN, SO_TYPE, SO_PROTOCOL into out[0..2]; -ENOTSOCK for no socket. */
JIPC_API int jipc_socket_info(int fd, int out[3]);
/* Sizes and offsets of the sockaddr structures, indexed by JIPC_SA_*. */
JIPC_API void jipc_sockaddr_layout(int out[JIPC_SA_COUNT]);

#ifdef __cplusplus
}
#endif

#endif
