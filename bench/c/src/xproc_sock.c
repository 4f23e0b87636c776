/*
 * Sockets: a Unix stream or seqpacket pair (socketpair(2) + fork(2)), or a TCP
 * connection over the loopback (listen on 127.0.0.1, port chosen by the
 * kernel; the forked child connects, TCP_NODELAY on both ends), then blocking
 * read(2)/write(2), one call per message whenever the kernel moves it whole
 * (a seqpacket message always moves whole), in the loops of xproc_driver.c.
 *
 * Round trips: the parent writes, the child echoes; the parent's close ends
 * the child (end of stream). Streams: the child writes numbered messages until
 * the parent has its count and closes its end (EPIPE or ECONNRESET).
 */
#include "xproc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { UNIX_STREAM, UNIX_SEQPACKET, TCP };

static void no_delay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        xproc_fail("setsockopt(TCP_NODELAY)");
}

/* Connects parent and child; *fd is this process's end. Returns the child's pid in the parent, 0 in the child. */
static pid_t start_child(enum kind k, int *fd)
{
    if (k != TCP) {
        int sv[2];
        if (socketpair(AF_UNIX, (k == UNIX_STREAM ? SOCK_STREAM : SOCK_SEQPACKET) | SOCK_CLOEXEC, 0, sv) < 0)
            xproc_fail("socketpair");
        pid_t pid = xproc_fork();
        close(sv[pid == 0 ? 0 : 1]);
        *fd = sv[pid == 0 ? 1 : 0];
        return pid;
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
        xproc_fail("socket");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(listener, 1) < 0
        || getsockname(listener, (struct sockaddr *)&a, &len) < 0)
        xproc_fail("bind/listen on 127.0.0.1");
    pid_t pid = xproc_fork();
    if (pid == 0) {
        close(listener);
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0)
            xproc_fail("connect to 127.0.0.1");
        no_delay(s);
        *fd = s;
        return 0;
    }
    int s;
    do
        s = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    while (s < 0 && errno == EINTR);
    if (s < 0)
        xproc_fail("accept4");
    close(listener);
    no_delay(s);
    *fd = s;
    return pid;
}

struct run {
    struct xproc_fds fds;
    enum kind kind;
};

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    (void)r;
    (void)rtt;
    struct run *run = ctx;
    int fd;
    pid_t pid = start_child(run->kind, &fd);
    run->fds = (struct xproc_fds){ fd, fd };
    return pid;
}

/* Closing the parent's end: the child reads end of stream, or its next write fails (EPIPE or ECONNRESET). */
static const struct xproc_ops ops = { start, xproc_fd_send, xproc_fd_recv, xproc_fd_finish, 0, NULL };

static int run_rtt(const struct xproc_run *r, enum kind k)
{
    struct run run = { .kind = k };
    return xproc_rtt(r, &ops, &run);
}

static int run_tput(const struct xproc_run *r, enum kind k)
{
    struct run run = { .kind = k };
    return xproc_tput(r, &ops, &run);
}

int xproc_unix_rtt(const struct xproc_run *r)
{
    return run_rtt(r, UNIX_STREAM);
}

int xproc_unix_tput(const struct xproc_run *r)
{
    return run_tput(r, UNIX_STREAM);
}

int xproc_seqpacket_rtt(const struct xproc_run *r)
{
    return run_rtt(r, UNIX_SEQPACKET);
}

int xproc_seqpacket_tput(const struct xproc_run *r)
{
    return run_tput(r, UNIX_SEQPACKET);
}

int xproc_tcp_rtt(const struct xproc_run *r)
{
    return run_rtt(r, TCP);
}

int xproc_tcp_tput(const struct xproc_run *r)
{
    return run_tput(r, TCP);
}
