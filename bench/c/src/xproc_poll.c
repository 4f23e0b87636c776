/*
 * Readiness: XPROC_POLL_CHANNELS Unix stream socket pairs (socketpair(2) +
 * fork(2)), every end registered for reading in an epoll(7) set on its side.
 * Round trips only: the parent writes message seq on channel seq % N, then
 * waits in epoll_wait(2) and reads the answer from the channel it reports;
 * the child waits in epoll_wait(2), reads the message from the ready channel
 * and answers through the same one. An answer on any other channel fails the
 * run. The parent's close of every channel ends the child (end of stream).
 * The cost over xproc_sock.c's unix mode is one epoll_wait per message and
 * side: what a server waiting on many peers pays. The loops are those of
 * xproc_driver.c.
 */
#include "xproc.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The channels of a run; the Java sides (PollTransport.CHANNELS) use as many. */
#define XPROC_POLL_CHANNELS 32

/* One ready channel's index (its event's data), waiting as long as it takes. */
static int wait_one(int ep)
{
    struct epoll_event e;
    int n;
    do
        n = epoll_wait(ep, &e, 1, -1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        xproc_fail("epoll_wait");
    return (int)e.data.u32;
}

/* An epoll set holding fds[0..n), each with its index. */
static int epoll_of(const int *fds, int n)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        xproc_fail("epoll_create1");
    for (int i = 0; i < n; i++) {
        struct epoll_event e = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e) < 0)
            xproc_fail("epoll_ctl");
    }
    return ep;
}

/* This process's ends and epoll set; the channel of the message in flight (the parent's next, the child's last). */
struct run {
    int fds[XPROC_POLL_CHANNELS];
    int ep;
    int channel;
    long sent;
    pid_t pid;
};

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    (void)r;
    if (!rtt)
        xproc_fail_msg("poll measures round trips only");
    struct run *run = ctx;
    int mine[XPROC_POLL_CHANNELS], theirs[XPROC_POLL_CHANNELS];
    for (int i = 0; i < XPROC_POLL_CHANNELS; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
            xproc_fail("socketpair");
        mine[i] = sv[0];
        theirs[i] = sv[1];
    }
    pid_t pid = xproc_fork();
    for (int i = 0; i < XPROC_POLL_CHANNELS; i++) {
        close(pid == 0 ? mine[i] : theirs[i]);
        run->fds[i] = pid == 0 ? theirs[i] : mine[i];
    }
    run->ep = epoll_of(run->fds, XPROC_POLL_CHANNELS);
    run->pid = pid;
    return pid;
}

/* The parent: on the next channel in turn. The child: back through the channel the message came on. */
static int send_msg(void *ctx, const unsigned char *msg, size_t size)
{
    struct run *run = ctx;
    if (run->pid != 0)
        run->channel = (int)(run->sent++ % XPROC_POLL_CHANNELS);
    return xproc_write_full(run->fds[run->channel], msg, size);
}

/* Waits for a ready channel and reads its message; the parent's must be the channel it sent on. */
static int recv_msg(void *ctx, unsigned char *buf, size_t size)
{
    struct run *run = ctx;
    int ready = wait_one(run->ep);
    if (run->pid != 0 && ready != run->channel)
        xproc_fail_msg("the answer came on another channel");
    run->channel = ready;
    return xproc_read_full(run->fds[ready], buf, size);
}

/* Closing every channel: the child reads end of stream and exits. */
static void finish(void *ctx)
{
    struct run *run = ctx;
    close(run->ep);
    for (int i = 0; i < XPROC_POLL_CHANNELS; i++)
        close(run->fds[i]);
}

static const struct xproc_ops ops = { start, send_msg, recv_msg, finish, 0, NULL };

int xproc_poll_rtt(const struct xproc_run *r)
{
    struct run run = { .sent = 0 };
    return xproc_rtt(r, &ops, &run);
}

int xproc_poll_tput(const struct xproc_run *r)
{
    (void)r;
    xproc_fail_msg("poll measures round trips only");
    return 1;
}
