/*
 * Sockets: a Unix stream or seqpacket pair (socketpair(2) + fork(2)), or a TCP
 * connection over the loopback (listen on 127.0.0.1, port chosen by the
 * kernel; the forked child connects, TCP_NODELAY on both ends), then blocking
 * read(2)/write(2), one call per message whenever the kernel moves it whole
 * (a seqpacket message always moves whole).
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

/* Reads exactly n bytes: 1 when done, 0 at end of stream before the first byte, -1 otherwise. */
static int read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r > 0) {
            got += (size_t)r;
        } else if (r == 0) {
            errno = EPIPE;
            return got == 0 ? 0 : -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return 1;
}

/* Writes all n bytes: 0 when done, -1 with errno set otherwise. */
static int write_full(int fd, const unsigned char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, buf + done, n - done);
        if (r >= 0)
            done += (size_t)r;
        else if (errno != EINTR)
            return -1;
    }
    return 0;
}

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
        int n;
        while ((n = read_full(fd, reply, size)) > 0) {
            if (write_full(fd, reply, size) < 0)
                xproc_fail("write");
            xproc_meter_tick(&m);
        }
        if (n < 0)
            xproc_fail("read");
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
        if (write_full(fd, msg, size) < 0)
            xproc_fail("write");
        if (read_full(fd, reply, size) <= 0)
            xproc_fail("read");
        int64_t t1 = xproc_now_ns();
        xproc_check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    close(fd); /* the child reads end of stream and exits */
    xproc_reap(child);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

static void read_checked(int fd, unsigned char *buf, size_t size, uint64_t seq)
{
    if (read_full(fd, buf, size) <= 0)
        xproc_fail("read");
    xproc_check(buf, size, seq);
}

static int stream(const struct xproc_run *r, enum kind k)
{
    size_t size = r->size;
    unsigned char *buf = xproc_buffer(size);
    int fd;
    pid_t child = start_child(k, &fd);
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 0);
        signal(SIGPIPE, SIG_IGN);
        for (uint64_t seq = 0;; seq++) {
            xproc_stamp(buf, size, seq);
            if (write_full(fd, buf, size) < 0) {
                if (errno != EPIPE && errno != ECONNRESET)
                    xproc_fail("write");
                xproc_meter_report(&m);
                _exit(0); /* the reader has its count and left */
            }
            xproc_meter_tick(&m);
        }
    }
    uint64_t seq = 0;
    read_checked(fd, buf, size, seq++);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        read_checked(fd, buf, size, seq++);
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        read_checked(fd, buf, size, seq++);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    close(fd); /* the child's next write fails with EPIPE or ECONNRESET */
    xproc_reap(child);
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}

int xproc_unix_rtt(const struct xproc_run *r)
{
    return round_trips(r, UNIX_STREAM);
}

int xproc_unix_tput(const struct xproc_run *r)
{
    return stream(r, UNIX_STREAM);
}

int xproc_seqpacket_rtt(const struct xproc_run *r)
{
    return round_trips(r, UNIX_SEQPACKET);
}

int xproc_seqpacket_tput(const struct xproc_run *r)
{
    return stream(r, UNIX_SEQPACKET);
}

int xproc_tcp_rtt(const struct xproc_run *r)
{
    return round_trips(r, TCP);
}

int xproc_tcp_tput(const struct xproc_run *r)
{
    return stream(r, TCP);
}
