/*
 * Readiness: XPROC_POLL_CHANNELS Unix stream socket pairs (socketpair(2) +
 * fork(2)), every end registered for reading in an epoll(7) set on its side.
 * Round trips only: the parent writes message seq on channel seq % N, then
 * waits in epoll_wait(2) and reads the answer from the channel it reports;
 * the child waits in epoll_wait(2), reads the message from the ready channel
 * and answers through the same one. An answer on any other channel fails the
 * run. The parent's close of every channel ends the child (end of stream).
 * The cost over xproc_sock.c's unix mode is one epoll_wait per message and
 * side: what a server waiting on many peers pays.
 */
#include "xproc.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The channels of a run; the Java sides (PollTransport.CHANNELS) use as many. */
#define XPROC_POLL_CHANNELS 32

/* Reads exactly n bytes: 1 when done, 0 at end of stream before the first byte. */
static int read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r > 0)
            got += (size_t)r;
        else if (r == 0 && got == 0)
            return 0;
        else if (r == 0)
            xproc_fail_msg("end of stream inside a message");
        else if (errno != EINTR)
            xproc_fail("read");
    }
    return 1;
}

static void write_full(int fd, const unsigned char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, buf + done, n - done);
        if (r >= 0)
            done += (size_t)r;
        else if (errno != EINTR)
            xproc_fail("write");
    }
}

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

static void echo(const int *fds, const struct xproc_run *r)
{
    unsigned char *buf = xproc_buffer(r->size);
    int ep = epoll_of(fds, XPROC_POLL_CHANNELS);
    struct xproc_meter m;
    xproc_meter_start(&m, r, 1);
    for (;;) {
        int i = wait_one(ep);
        if (read_full(fds[i], buf, r->size) == 0)
            break;
        write_full(fds[i], buf, r->size);
        xproc_meter_tick(&m);
    }
    xproc_meter_report(&m);
    _exit(0);
}

int xproc_poll_rtt(const struct xproc_run *r)
{
    size_t size = r->size;
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    int mine[XPROC_POLL_CHANNELS], theirs[XPROC_POLL_CHANNELS];
    if (samples == NULL)
        xproc_fail("calloc");
    for (int i = 0; i < XPROC_POLL_CHANNELS; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
            xproc_fail("socketpair");
        mine[i] = sv[0];
        theirs[i] = sv[1];
    }
    pid_t child = xproc_fork();
    for (int i = 0; i < XPROC_POLL_CHANNELS; i++)
        close(child == 0 ? mine[i] : theirs[i]);
    if (child == 0)
        echo(theirs, r);
    int ep = epoll_of(mine, XPROC_POLL_CHANNELS);
    struct xproc_cost cost;
    int64_t timed_start = xproc_now_ns();
    for (long i = -r->warmup; i < r->count; i++) {
        uint64_t seq = (uint64_t)(i + r->warmup);
        int channel = (int)(seq % XPROC_POLL_CHANNELS);
        xproc_stamp(msg, size, seq);
        if (i == 0)
            xproc_cost_start(&cost);
        int64_t t0 = xproc_now_ns();
        write_full(mine[channel], msg, size);
        if (wait_one(ep) != channel)
            xproc_fail_msg("the answer came on another channel");
        if (read_full(mine[channel], reply, size) == 0)
            xproc_fail_msg("the child ended");
        int64_t t1 = xproc_now_ns();
        xproc_check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    close(ep);
    for (int i = 0; i < XPROC_POLL_CHANNELS; i++)
        close(mine[i]); /* the child reads end of stream and exits */
    xproc_reap(child);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

int xproc_poll_tput(const struct xproc_run *r)
{
    (void)r;
    xproc_fail_msg("poll measures round trips only");
    return 1;
}
