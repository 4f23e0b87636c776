/*
 * The measuring loops every message-passing mechanism shares (see struct
 * xproc_ops in xproc.h): round trips timed by the parent and echoed by the
 * child, streams sent by the child and counted by the parent, and the whole-
 * message read and write of a descriptor most mechanisms use. A mechanism says
 * only how the two processes connect, send, receive and end a run.
 */
#include "xproc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int xproc_read_full(int fd, unsigned char *buf, size_t n)
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

int xproc_write_full(int fd, const unsigned char *buf, size_t n)
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

int xproc_fd_send(void *ends, const unsigned char *msg, size_t size)
{
    return xproc_write_full(((struct xproc_fds *)ends)->out, msg, size);
}

int xproc_fd_recv(void *ends, unsigned char *buf, size_t size)
{
    return xproc_read_full(((struct xproc_fds *)ends)->in, buf, size);
}

void xproc_fd_finish(void *ends)
{
    struct xproc_fds *e = ends;
    if (e->out >= 0)
        close(e->out);
    if (e->in >= 0 && e->in != e->out)
        close(e->in);
}

int xproc_rtt(const struct xproc_run *r, const struct xproc_ops *ops, void *ctx)
{
    size_t size = r->size;
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    pid_t child = ops->start(r, 1, ctx);
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        int n;
        while ((n = ops->recv(ctx, reply, size)) > 0) {
            if (ops->send(ctx, reply, size) < 0)
                xproc_fail("send");
            xproc_meter_tick(&m);
        }
        if (n < 0)
            xproc_fail("receive");
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
        if (ops->send(ctx, msg, size) < 0)
            xproc_fail("send");
        if (ops->recv(ctx, reply, size) <= 0)
            xproc_fail("receive");
        int64_t t1 = xproc_now_ns();
        xproc_check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    ops->finish(ctx); /* the child's next receive ends it */
    xproc_reap(child);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

/* The child's stream: numbered messages until a send fails because the reader left. */
static void send_stream(const struct xproc_run *r, const struct xproc_ops *ops, void *ctx, unsigned char *buf)
{
    size_t size = r->size;
    struct xproc_meter m;
    xproc_meter_start(&m, r, 0);
    signal(SIGPIPE, SIG_IGN);
    for (uint64_t seq = 0;;) {
        xproc_stamp(buf, size, seq);
        if (ops->send(ctx, buf, size) < 0) {
            if (ops->lossy && errno == ENOBUFS)
                continue; /* not sent: the same message again */
            if (errno != EPIPE && errno != ECONNRESET && errno != ECONNREFUSED)
                xproc_fail("send");
            xproc_meter_report(&m);
            _exit(0); /* the reader has its count and left */
        }
        seq++;
        xproc_meter_tick(&m);
    }
}

/* Receives the next message and checks it; a lossy mechanism counts what it skipped into *lost. */
static void receive_checked(const struct xproc_ops *ops, void *ctx, unsigned char *buf, size_t size, uint64_t *next,
                            long *lost)
{
    if (ops->recv(ctx, buf, size) <= 0)
        xproc_fail("receive");
    if (ops->lossy) {
        uint64_t seq;
        memcpy(&seq, buf, sizeof seq);
        if (seq > *next) {
            *lost += (long)(seq - *next);
            *next = seq;
        }
    }
    xproc_check(buf, size, (*next)++);
    if (ops->release != NULL)
        ops->release(ctx);
}

int xproc_tput(const struct xproc_run *r, const struct xproc_ops *ops, void *ctx)
{
    size_t size = r->size;
    unsigned char *buf = xproc_buffer(size);
    pid_t child = ops->start(r, 0, ctx);
    if (child == 0)
        send_stream(r, ops, ctx, buf);
    uint64_t next = 0;
    long lost = 0;
    receive_checked(ops, ctx, buf, size, &next, &lost);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        receive_checked(ops, ctx, buf, size, &next, &lost);
    lost = 0;
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        receive_checked(ops, ctx, buf, size, &next, &lost);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    ops->finish(ctx); /* the child's next send fails */
    xproc_reap(child);
    xproc_lost = lost;
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}
