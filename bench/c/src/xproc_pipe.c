/*
 * Pipes and FIFOs: pipe2(2) + fork(2), or mkfifo(3) + open(2) by path in
 * both processes, then blocking read(2)/write(2), one call per message
 * whenever the kernel moves it whole.
 */
#include "xproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char fifo_to_child[4096];
static char fifo_from_child[4096];

static void remove_fifos(void)
{
    if (fifo_to_child[0] != '\0')
        unlink(fifo_to_child); /* async-signal-safe */
    if (fifo_from_child[0] != '\0')
        unlink(fifo_from_child);
}

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

struct ends {
    int parent_in, parent_out; /* -1 where unused */
    int child_in, child_out;
};

/*
 * Connects parent and child: to_child carries parent -> child, from_child
 * child -> parent. Returns the child's pid in the parent, 0 in the child.
 */
static pid_t start_child(const struct xproc_run *r, int fifo, int to_child, int from_child, struct ends *e)
{
    int down[2] = { -1, -1 }, up[2] = { -1, -1 };
    if (fifo) {
        int n1 = snprintf(fifo_to_child, sizeof fifo_to_child, "%s/c-to-child-%d.fifo", r->dir, (int)getpid());
        int n2 = snprintf(fifo_from_child, sizeof fifo_from_child, "%s/c-from-child-%d.fifo", r->dir, (int)getpid());
        if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof fifo_to_child || (size_t)n2 >= sizeof fifo_from_child)
            xproc_fail_msg("DIR is too long");
        xproc_on_exit(remove_fifos);
        if ((to_child && mkfifo(fifo_to_child, 0600) < 0) || (from_child && mkfifo(fifo_from_child, 0600) < 0))
            xproc_fail("mkfifo");
    } else if ((to_child && pipe2(down, O_CLOEXEC) < 0) || (from_child && pipe2(up, O_CLOEXEC) < 0)) {
        xproc_fail("pipe2");
    }
    /* An experiment's knob, not a default: JIPC_XPROC_PIPE_SIZE=bytes sets each pipe's capacity (F_SETPIPE_SZ). */
    const char *capacity = getenv("JIPC_XPROC_PIPE_SIZE");
    if (capacity != NULL && !fifo) {
        int fds[] = { down[1], up[1] };
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0 && fcntl(fds[i], F_SETPIPE_SZ, atoi(capacity)) < 0)
                xproc_fail("fcntl(F_SETPIPE_SZ)");
    }
    pid_t pid = xproc_fork();
    e->parent_in = e->parent_out = e->child_in = e->child_out = -1;
    if (pid == 0) {
        if (fifo) {
            /* Same order as the parent's opens, so neither waits for the other forever. */
            if (to_child && (e->child_in = open(fifo_to_child, O_RDONLY | O_CLOEXEC)) < 0)
                xproc_fail("open FIFO for reading");
            if (from_child && (e->child_out = open(fifo_from_child, O_WRONLY | O_CLOEXEC)) < 0)
                xproc_fail("open FIFO for writing");
        } else {
            if (to_child) {
                close(down[1]);
                e->child_in = down[0];
            }
            if (from_child) {
                close(up[0]);
                e->child_out = up[1];
            }
        }
        return 0;
    }
    if (fifo) {
        if (to_child && (e->parent_out = open(fifo_to_child, O_WRONLY | O_CLOEXEC)) < 0)
            xproc_fail("open FIFO for writing");
        if (from_child && (e->parent_in = open(fifo_from_child, O_RDONLY | O_CLOEXEC)) < 0)
            xproc_fail("open FIFO for reading");
        remove_fifos(); /* both processes hold their ends: the names are no longer needed */
    } else {
        if (to_child) {
            close(down[0]);
            e->parent_out = down[1];
        }
        if (from_child) {
            close(up[1]);
            e->parent_in = up[0];
        }
    }
    return pid;
}

static int round_trips(const struct xproc_run *r, int fifo)
{
    size_t size = r->size;
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    struct ends e;
    pid_t child = start_child(r, fifo, 1, 1, &e);
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        int n;
        while ((n = read_full(e.child_in, reply, size)) > 0) {
            if (write_full(e.child_out, reply, size) < 0)
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
        if (write_full(e.parent_out, msg, size) < 0)
            xproc_fail("write");
        if (read_full(e.parent_in, reply, size) <= 0)
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
    close(e.parent_out); /* the child reads end of stream and exits */
    close(e.parent_in);
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

static int stream(const struct xproc_run *r, int fifo)
{
    size_t size = r->size;
    unsigned char *buf = xproc_buffer(size);
    struct ends e;
    pid_t child = start_child(r, fifo, 0, 1, &e);
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 0);
        signal(SIGPIPE, SIG_IGN);
        for (uint64_t seq = 0;; seq++) {
            xproc_stamp(buf, size, seq);
            if (write_full(e.child_out, buf, size) < 0) {
                if (errno != EPIPE)
                    xproc_fail("write");
                xproc_meter_report(&m);
                _exit(0); /* the reader has its count and left */
            }
            xproc_meter_tick(&m);
        }
    }
    uint64_t seq = 0;
    read_checked(e.parent_in, buf, size, seq++);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        read_checked(e.parent_in, buf, size, seq++);
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        read_checked(e.parent_in, buf, size, seq++);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    close(e.parent_in); /* the child's next write fails with EPIPE */
    xproc_reap(child);
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}

int xproc_pipe_rtt(const struct xproc_run *r)
{
    return round_trips(r, 0);
}

int xproc_pipe_tput(const struct xproc_run *r)
{
    return stream(r, 0);
}

int xproc_fifo_rtt(const struct xproc_run *r)
{
    return round_trips(r, 1);
}

int xproc_fifo_tput(const struct xproc_run *r)
{
    return stream(r, 1);
}
