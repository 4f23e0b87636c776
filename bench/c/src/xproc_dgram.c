/*
 * Datagram sockets: a Unix datagram pair (socketpair(2) + fork(2)), or two UDP
 * sockets on the loopback, each bound to 127.0.0.1 (port chosen by the kernel)
 * and connected to the other before the fork. One send(2) and one recv(2) per
 * message; a datagram of another size than the run's fails the run (recv with
 * MSG_TRUNC reports the real length).
 *
 * Round trips: the parent sends, the child echoes; an empty datagram ends the
 * child (a datagram socket has no end of stream). Streams: the child sends
 * numbered datagrams until the parent has its count and closes its socket
 * (ECONNREFUSED on the child's next send; EPIPE and ECONNRESET accepted too).
 * A Unix datagram sender blocks while the receiver's queue is full, so nothing
 * is lost; UDP never blocks the sender on the loopback and drops what the
 * receiver's buffer cannot hold: the receiver counts the gaps in the sequence
 * numbers within its window and reports them (lost=), and a datagram that
 * arrives out of order or twice still fails the run. The loops are those of
 * xproc_driver.c.
 */
#include "xproc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { UNIX_DGRAM, UDP };

static int udp_socket(struct sockaddr_in *a)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    socklen_t len = sizeof *a;
    *a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = 0 };
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)a, sizeof *a) < 0 || getsockname(s, (struct sockaddr *)a, &len) < 0)
        xproc_fail("UDP socket on 127.0.0.1");
    return s;
}

/* Connects parent and child; *fd is this process's end. Returns the child's pid in the parent, 0 in the child. */
static pid_t start_child(enum kind k, int *fd)
{
    int sv[2];
    if (k == UNIX_DGRAM) {
        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
            xproc_fail("socketpair");
    } else {
        struct sockaddr_in a0, a1;
        sv[0] = udp_socket(&a0);
        sv[1] = udp_socket(&a1);
        if (connect(sv[0], (struct sockaddr *)&a1, sizeof a1) < 0 || connect(sv[1], (struct sockaddr *)&a0, sizeof a0) < 0)
            xproc_fail("connect the UDP sockets");
    }
    pid_t pid = xproc_fork();
    close(sv[pid == 0 ? 0 : 1]);
    *fd = sv[pid == 0 ? 1 : 0];
    return pid;
}

/* This process's socket, and whether the run is round trips (whose end is an empty datagram). */
struct run {
    int fd;
    int rtt;
    enum kind kind;
};

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    (void)r;
    struct run *run = ctx;
    run->rtt = rtt;
    return start_child(run->kind, &run->fd);
}

/* One datagram: 1; 0 for the empty one that ends a run; another size than size fails the run (MSG_TRUNC). */
static int receive(void *ctx, unsigned char *buf, size_t size)
{
    ssize_t n;
    do
        n = recv(((struct run *)ctx)->fd, buf, size, MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n != 0 && (size_t)n != size)
        xproc_fail_msg("a datagram of another size arrived");
    return n != 0;
}

/* One datagram: 0, or -1 with errno set. */
static int transmit(void *ctx, const unsigned char *buf, size_t n)
{
    ssize_t r;
    do
        r = send(((struct run *)ctx)->fd, buf, n, 0);
    while (r < 0 && errno == EINTR);
    if (r >= 0 && (size_t)r != n)
        xproc_fail_msg("a datagram went short");
    return r < 0 ? -1 : 0;
}

/* Round trips: the empty datagram ends the child. Streams: the child's next send fails (ECONNREFUSED). */
static void finish(void *ctx)
{
    struct run *run = ctx;
    if (run->rtt && transmit(ctx, NULL, 0) < 0)
        xproc_fail("send");
    close(run->fd);
}

static const struct xproc_ops unix_ops = { start, transmit, receive, finish, 0, NULL };
static const struct xproc_ops udp_ops = { start, transmit, receive, finish, 1, NULL };

int xproc_dgram_rtt(const struct xproc_run *r)
{
    struct run run = { .kind = UNIX_DGRAM };
    return xproc_rtt(r, &unix_ops, &run);
}

int xproc_dgram_tput(const struct xproc_run *r)
{
    struct run run = { .kind = UNIX_DGRAM };
    return xproc_tput(r, &unix_ops, &run);
}

int xproc_udp_rtt(const struct xproc_run *r)
{
    struct run run = { .kind = UDP };
    return xproc_rtt(r, &udp_ops, &run);
}

int xproc_udp_tput(const struct xproc_run *r)
{
    struct run run = { .kind = UDP };
    return xproc_tput(r, &udp_ops, &run);
}
