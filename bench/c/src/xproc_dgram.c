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
 * arrives out of order or twice still fails the run.
 */
#include "xproc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

/* Receives one datagram: its length (0 for the empty one that ends a run); fails on any other size than size. */
static size_t receive(int fd, unsigned char *buf, size_t size)
{
    ssize_t n;
    do
        n = recv(fd, buf, size, MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        xproc_fail("recv");
    if (n != 0 && (size_t)n != size)
        xproc_fail_msg("a datagram of another size arrived");
    return (size_t)n;
}

/* Sends one datagram: 0, or -1 with errno set. */
static int transmit(int fd, const unsigned char *buf, size_t n)
{
    ssize_t r;
    do
        r = send(fd, buf, n, 0);
    while (r < 0 && errno == EINTR);
    if (r >= 0 && (size_t)r != n)
        xproc_fail_msg("a datagram went short");
    return r < 0 ? -1 : 0;
}

static int round_trips(const struct xproc_run *r, enum kind k)
{
    size_t size = r->size;
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    int fd;
    pid_t child = start_child(k, &fd);
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        while (receive(fd, reply, size) > 0) {
            if (transmit(fd, reply, size) < 0)
                xproc_fail("send");
            xproc_meter_tick(&m);
        }
        xproc_meter_report(&m);
        _exit(0);
    }
    struct xproc_cost cost;
    int64_t timed_start = xproc_now_ns();
    for (long i = -r->warmup; i < r->count; i++) {
        uint64_t seq = (uint64_t)(i + r->warmup);
        xproc_stamp(msg, size, seq);
        if (i == 0)
            xproc_cost_start(&cost);
        int64_t t0 = xproc_now_ns();
        if (transmit(fd, msg, size) < 0)
            xproc_fail("send");
        if (receive(fd, reply, size) == 0)
            xproc_fail_msg("an empty datagram instead of the echo");
        int64_t t1 = xproc_now_ns();
        xproc_check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    if (transmit(fd, msg, 0) < 0) /* the empty datagram: the child ends */
        xproc_fail("send");
    xproc_reap(child);
    close(fd);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

/* Receives the next datagram and checks it; a lossy stream counts what it skipped into *lost. */
static void receive_checked(int fd, unsigned char *buf, size_t size, uint64_t *next, int lossy, long *lost)
{
    if (receive(fd, buf, size) == 0)
        xproc_fail_msg("an empty datagram in a stream");
    uint64_t seq;
    memcpy(&seq, buf, sizeof seq);
    if (lossy && seq > *next) {
        *lost += (long)(seq - *next);
        *next = seq;
    }
    xproc_check(buf, size, (*next)++);
}

static void send_stream(int fd, const struct xproc_run *r)
{
    size_t size = r->size;
    unsigned char *buf = xproc_buffer(size);
    struct xproc_meter m;
    xproc_meter_start(&m, r, 0);
    signal(SIGPIPE, SIG_IGN);
    for (uint64_t seq = 0;;) {
        xproc_stamp(buf, size, seq);
        if (transmit(fd, buf, size) < 0) {
            if (errno == ENOBUFS)
                continue; /* not sent: the same datagram again */
            if (errno != ECONNREFUSED && errno != EPIPE && errno != ECONNRESET)
                xproc_fail("send");
            xproc_meter_report(&m);
            _exit(0); /* the reader has its count and left */
        }
        seq++;
        xproc_meter_tick(&m);
    }
}

static int stream(const struct xproc_run *r, enum kind k)
{
    size_t size = r->size;
    unsigned char *buf = xproc_buffer(size);
    int fd, lossy = k == UDP;
    pid_t child = start_child(k, &fd);
    if (child == 0)
        send_stream(fd, r);
    uint64_t next = 0;
    long lost = 0;
    receive_checked(fd, buf, size, &next, lossy, &lost);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        receive_checked(fd, buf, size, &next, lossy, &lost);
    lost = 0;
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        receive_checked(fd, buf, size, &next, lossy, &lost);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    close(fd); /* the child's next send fails */
    xproc_reap(child);
    xproc_lost = lost;
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}

int xproc_dgram_rtt(const struct xproc_run *r)
{
    return round_trips(r, UNIX_DGRAM);
}

int xproc_dgram_tput(const struct xproc_run *r)
{
    return stream(r, UNIX_DGRAM);
}

int xproc_udp_rtt(const struct xproc_run *r)
{
    return round_trips(r, UDP);
}

int xproc_udp_tput(const struct xproc_run *r)
{
    return stream(r, UDP);
}
