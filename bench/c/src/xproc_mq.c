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
 * "stream" until the child has ended (it may be blocked on a full queue). The
 * loops are those of xproc_driver.c.
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

static int transmit(mqd_t q, const unsigned char *buf, size_t size)
{
    int r;
    do
        r = mq_send(q, (const char *)buf, size, 0);
    while (r < 0 && errno == EINTR);
    return r;
}

/* This process's queues: round trips "down" and "up", streams "stream" and "control". */
struct run {
    mqd_t in, out;     /* (mqd_t)-1 where unused */
    mqd_t q[2];        /* both queues of the run, closed by finish */
    int rtt;
    size_t size;       /* a message's */
    pid_t child;       /* in the parent */
    uint64_t sent;     /* the stream's sender: messages sent */
};

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    struct run *run = ctx;
    run->rtt = rtt;
    run->size = r->size;
    run->q[0] = unnamed(max_messages(), r->size); /* down, or stream */
    run->q[1] = rtt ? unnamed(max_messages(), r->size) : unnamed(1, 8); /* up, or control */
    run->child = xproc_fork();
    if (rtt) {
        run->in = run->q[run->child == 0 ? 0 : 1];
        run->out = run->q[run->child == 0 ? 1 : 0];
    } else {
        run->in = run->child == 0 ? (mqd_t)-1 : run->q[0];
        run->out = run->child == 0 ? run->q[0] : (mqd_t)-1;
    }
    return run->child;
}

/* The stream's sender looks at "control" every STOP_EVERY messages: a message there ends it (EPIPE). */
static int send_msg(void *ctx, const unsigned char *msg, size_t size)
{
    struct run *run = ctx;
    if (!run->rtt && run->sent++ % STOP_EVERY == 0) {
        struct timespec past = { 0, 0 };
        unsigned char stop[8];
        if (mq_timedreceive(run->q[1], (char *)stop, sizeof stop, NULL, &past) >= 0) {
            errno = EPIPE; /* the reader has its count */
            return -1;
        }
    }
    return transmit(run->out, msg, size);
}

/* One message: 1; 0 for the empty one that ends a round-trip child; another size than size fails the run. */
static int recv_msg(void *ctx, unsigned char *buf, size_t size)
{
    ssize_t n = receive(((struct run *)ctx)->in, buf, size);
    if (n < 0)
        return -1;
    if (n != 0 && (size_t)n != size)
        xproc_fail_msg("a message of the wrong size arrived");
    return n != 0;
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

/* Round trips: the empty message ends the child. Streams: a message on "control", then "stream" drained until the child ended. */
static void finish(void *ctx)
{
    struct run *run = ctx;
    unsigned char *buf = xproc_buffer(run->size);
    if (transmit(run->rtt ? run->out : run->q[1], buf, run->rtt ? 0 : 8) < 0)
        xproc_fail("mq_send");
    if (!run->rtt)
        drain_until_ended(run->in, buf, run->size, run->child);
    free(buf);
    mq_close(run->q[0]);
    mq_close(run->q[1]);
}

static const struct xproc_ops ops = { start, send_msg, recv_msg, finish, 0, NULL };

int xproc_mq_rtt(const struct xproc_run *r)
{
    struct run run = { .rtt = 1 };
    return xproc_rtt(r, &ops, &run);
}

int xproc_mq_tput(const struct xproc_run *r)
{
    struct run run = { .rtt = 0 };
    return xproc_tput(r, &ops, &run);
}
