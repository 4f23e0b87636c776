/*
 * POSIX message queues: two queues made with mq_open(3) and unlinked at once
 * (mq_unlink(3)), so that only this process and its forked child reach them
 * and nothing is left in /dev/mqueue whatever happens; then blocking
 * mq_send(3)/mq_receive(3), one call per message. A queue holds
 * min(10, fs.mqueue.msg_max) messages of exactly the run's size.
 *
 * Round trips: the parent sends on "down", the child echoes on "up"; an empty
 * message ends the child. Streams: the child sends numbered messages on
 * "stream" and looks at a second queue, "control", every 256 messages without
 * waiting; once the parent has its count it sends a message there and drains
 * "stream" until the child has ended (it may be blocked on a full queue).
 */
#include "xproc.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STOP_EVERY 256
#define DRAIN_WAIT_NS 10000000

static char mq_name[64];

static void remove_queue(void)
{
    if (mq_name[0] != '\0')
        mq_unlink(mq_name); /* a system call: async-signal-safe */
}

static long max_messages(void)
{
    long v = 10;
    FILE *f = fopen("/proc/sys/fs/mqueue/msg_max", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &v) != 1)
            v = 10;
        fclose(f);
    }
    return v < 10 ? v : 10;
}

/* A queue only this process and its children reach: made, then unlinked at once. */
static mqd_t unnamed(long maxmsg, size_t msgsize)
{
    static int serial;
    snprintf(mq_name, sizeof mq_name, "/jipc-xproc-c-%d-%d", (int)getpid(), ++serial);
    xproc_on_exit(remove_queue);
    struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = (long)msgsize };
    mqd_t q = mq_open(mq_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &a);
    if (q == (mqd_t)-1)
        xproc_fail("mq_open (see fs.mqueue.msg_max, msgsize_max, queues_max and RLIMIT_MSGQUEUE)");
    if (mq_unlink(mq_name) < 0)
        xproc_fail("mq_unlink");
    mq_name[0] = '\0';
    return q;
}

/* Receives one message; its size, or -1 with errno set. EINTR is retried. */
static ssize_t receive(mqd_t q, unsigned char *buf, size_t size)
{
    ssize_t n;
    do
        n = mq_receive(q, (char *)buf, size, NULL);
    while (n < 0 && errno == EINTR);
    return n;
}

static int send(mqd_t q, const unsigned char *buf, size_t size)
{
    int r;
    do
        r = mq_send(q, (const char *)buf, size, 0);
    while (r < 0 && errno == EINTR);
    return r;
}

static void receive_checked(mqd_t q, unsigned char *buf, size_t size, uint64_t seq)
{
    ssize_t n = receive(q, buf, size);
    if (n < 0)
        xproc_fail("mq_receive");
    if ((size_t)n != size)
        xproc_fail_msg("a message of the wrong size arrived");
    xproc_check(buf, size, seq);
}

int xproc_mq_rtt(const struct xproc_run *r)
{
    size_t size = r->size;
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    mqd_t down = unnamed(max_messages(), size);
    mqd_t up = unnamed(max_messages(), size);
    pid_t child = xproc_fork();
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        ssize_t n;
        while ((n = receive(down, reply, size)) > 0) {
            if (send(up, reply, (size_t)n) < 0)
                xproc_fail("mq_send");
            xproc_meter_tick(&m);
        }
        if (n < 0)
            xproc_fail("mq_receive");
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
        if (send(down, msg, size) < 0)
            xproc_fail("mq_send");
        ssize_t n = receive(up, reply, size);
        int64_t t1 = xproc_now_ns();
        if (n < 0)
            xproc_fail("mq_receive");
        if ((size_t)n != size)
            xproc_fail_msg("a message of the wrong size arrived");
        xproc_check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    if (send(down, msg, 0) < 0) /* the empty message: the child ends */
        xproc_fail("mq_send");
    xproc_reap(child);
    mq_close(down);
    mq_close(up);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

/* Drains stream until the child has ended (without reaping it: xproc_reap does). */
static void drain_until_ended(mqd_t stream, unsigned char *buf, size_t size, pid_t child)
{
    for (;;) {
        struct timespec soon;
        clock_gettime(CLOCK_REALTIME, &soon);
        soon.tv_nsec += DRAIN_WAIT_NS;
        if (soon.tv_nsec >= 1000000000) {
            soon.tv_sec++;
            soon.tv_nsec -= 1000000000;
        }
        ssize_t n = mq_timedreceive(stream, (char *)buf, size, NULL, &soon);
        if (n >= 0 || errno == EINTR)
            continue;
        if (errno != ETIMEDOUT)
            xproc_fail("mq_timedreceive");
        siginfo_t info = { 0 };
        if (waitid(P_PID, (id_t)child, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
            xproc_fail("waitid");
        if (info.si_pid == child)
            return;
    }
}

int xproc_mq_tput(const struct xproc_run *r)
{
    size_t size = r->size;
    unsigned char *buf = xproc_buffer(size);
    mqd_t stream = unnamed(max_messages(), size);
    mqd_t control = unnamed(1, 8);
    pid_t child = xproc_fork();
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 0);
        struct timespec past = { 0, 0 };
        unsigned char stop[8];
        for (uint64_t seq = 0;; seq++) {
            if (seq % STOP_EVERY == 0 && mq_timedreceive(control, (char *)stop, sizeof stop, NULL, &past) >= 0)
                break; /* the reader has its count */
            xproc_stamp(buf, size, seq);
            if (send(stream, buf, size) < 0)
                xproc_fail("mq_send");
            xproc_meter_tick(&m);
        }
        xproc_meter_report(&m);
        _exit(0);
    }
    uint64_t seq = 0;
    receive_checked(stream, buf, size, seq++);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        receive_checked(stream, buf, size, seq++);
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        receive_checked(stream, buf, size, seq++);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    if (send(control, buf, 8) < 0)
        xproc_fail("mq_send");
    drain_until_ended(stream, buf, size, child);
    xproc_reap(child);
    mq_close(stream);
    mq_close(control);
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}
