/*
 * jipc_mq_bench - the raw C contender of the message queue benchmark
 * (io.github.jipc.bench.xproc.MqBench). It runs both processes itself, as a
 * C programmer would: two queues created and unlinked at once (mq_open +
 * mq_unlink), fork(2), blocking mq_send(3)/mq_receive(3), one call per message.
 *
 *   jipc_mq_bench rtt  SIZE WARMUP COUNT SAMPLES
 *   jipc_mq_bench tput SIZE WARMUP_MS MEASURE_MS
 *
 * rtt: the parent sends SIZE-byte messages and the child echoes each one;
 * WARMUP round trips, then COUNT timed ones, whose times in nanoseconds go to
 * the file SAMPLES as native-endian int64. Prints one line:
 *   rtt mechanism=mq size=64 count=100000 elapsed_ns=1700000000
 * tput: the child streams SIZE-byte messages; the parent receives for
 * WARMUP_MS, then counts whole messages for MEASURE_MS, then tells the child
 * to stop (a message on the other queue, which the child looks at every 256
 * messages without waiting) and drains until it ended. Prints one line:
 *   tput mechanism=mq size=8192 messages=40000 bytes=327680000 elapsed_ns=1000000000
 *
 * Messages carry their sequence number in the first 8 bytes and the number
 * inverted in the last 8; the receiver checks both. Exit status 0 on
 * success, 1 with a message on stderr otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HARD_LIMIT_S 600
#define STOP_EVERY 256

static int is_parent = 1;

static void fail(const char *what)
{
    fprintf(stderr, "jipc_mq_bench (%s): %s: %s\n", is_parent ? "parent" : "child", what, strerror(errno));
    if (is_parent)
        exit(1);
    _exit(1);
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void stamp(unsigned char *msg, size_t size, uint64_t seq)
{
    uint64_t inv = ~seq;
    memcpy(msg, &seq, 8);
    memcpy(msg + size - 8, &inv, 8);
}

static void check(const unsigned char *msg, ssize_t got, size_t size, uint64_t seq)
{
    uint64_t head, tail;
    memcpy(&head, msg, 8);
    memcpy(&tail, msg + size - 8, 8);
    if (got != (ssize_t)size || head != seq || tail != ~seq) {
        errno = EPROTO;
        fail("a message was lost, repeated, reordered or damaged");
    }
}

/* A queue only this process and its children reach: created, then unlinked at once. */
static mqd_t unnamed(long maxmsg, long msgsize)
{
    char name[64];
    snprintf(name, sizeof name, "/jipc-mq-bench-%d-%ld", (int)getpid(), (long)now_ns());
    struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    if (q == (mqd_t)-1)
        fail("mq_open");
    mq_unlink(name);
    return q;
}

static long max_messages(void)
{
    FILE *f = fopen("/proc/sys/fs/mqueue/msg_max", "r");
    long v = 10;
    if (f != NULL) {
        if (fscanf(f, "%ld", &v) != 1)
            v = 10;
        fclose(f);
    }
    return v < 10 ? v : 10;
}

static pid_t start_child(void)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        is_parent = 0;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
    }
    return pid;
}

static void reap(pid_t child)
{
    int status;
    if (waitpid(child, &status, 0) < 0)
        fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = ECHILD;
        fail("the child failed");
    }
}

static int rtt(size_t size, long warmup, long count, const char *samples)
{
    mqd_t down = unnamed(max_messages(), (long)size);
    mqd_t up = unnamed(max_messages(), (long)size);
    unsigned char *msg = malloc(size);
    unsigned char *reply = malloc(size);
    for (size_t i = 0; i < size; i++)
        msg[i] = (unsigned char)(i * 31 + 7);
    pid_t child = start_child();
    if (child == 0) {
        for (long i = 0; i < warmup + count; i++) {
            ssize_t n = mq_receive(down, (char *)reply, size, NULL);
            if (n < 0)
                fail("mq_receive");
            if (mq_send(up, (const char *)reply, (size_t)n, 0) < 0)
                fail("mq_send");
        }
        _exit(0);
    }
    int64_t *times = malloc((size_t)count * sizeof *times);
    int64_t start = 0;
    for (long i = -warmup; i < count; i++) {
        uint64_t seq = (uint64_t)(i + warmup);
        stamp(msg, size, seq);
        int64_t t0 = now_ns();
        if (mq_send(down, (const char *)msg, size, 0) < 0)
            fail("mq_send");
        ssize_t n = mq_receive(up, (char *)reply, size, NULL);
        int64_t t1 = now_ns();
        if (n < 0)
            fail("mq_receive");
        check(reply, n, size, seq);
        if (i >= 0) {
            times[i] = t1 - t0;
            if (i == 0)
                start = t0;
        }
    }
    int64_t elapsed = now_ns() - start;
    reap(child);
    FILE *f = fopen(samples, "wb");
    if (f == NULL || fwrite(times, sizeof *times, (size_t)count, f) != (size_t)count || fclose(f) != 0)
        fail(samples);
    printf("rtt mechanism=mq size=%zu count=%ld elapsed_ns=%lld\n", size, count, (long long)elapsed);
    return 0;
}

static int tput(size_t size, long warmup_ms, long measure_ms)
{
    mqd_t stream = unnamed(max_messages(), (long)size);
    mqd_t control = unnamed(1, 8);
    unsigned char *msg = malloc(size);
    for (size_t i = 0; i < size; i++)
        msg[i] = (unsigned char)(i * 31 + 7);
    pid_t child = start_child();
    if (child == 0) {
        struct timespec past = { 0, 0 };
        char stop[8];
        for (uint64_t seq = 0;; seq++) {
            if (seq % STOP_EVERY == 0 && mq_timedreceive(control, stop, sizeof stop, NULL, &past) >= 0)
                _exit(0);
            stamp(msg, size, seq);
            if (mq_send(stream, (const char *)msg, size, 0) < 0)
                fail("mq_send");
        }
    }
    uint64_t seq = 0;
    int64_t first = now_ns();
    while (now_ns() - first < warmup_ms * 1000000) {
        ssize_t n = mq_receive(stream, (char *)msg, size, NULL);
        if (n < 0)
            fail("mq_receive");
        check(msg, n, size, seq++);
    }
    int64_t start = now_ns(), now;
    long messages = 0;
    do {
        ssize_t n = mq_receive(stream, (char *)msg, size, NULL);
        if (n < 0)
            fail("mq_receive");
        check(msg, n, size, seq++);
        messages++;
        now = now_ns();
    } while (now - start < measure_ms * 1000000);
    if (mq_send(control, "stop", 4, 0) < 0)
        fail("mq_send");
    /* Drain until the child saw the stop: it may be blocked on a full queue. */
    for (;;) {
        struct timespec soon;
        clock_gettime(CLOCK_REALTIME, &soon);
        soon.tv_nsec += 10000000;
        if (soon.tv_nsec >= 1000000000) {
            soon.tv_sec++;
            soon.tv_nsec -= 1000000000;
        }
        ssize_t n = mq_timedreceive(stream, (char *)msg, size, NULL, &soon);
        if (n < 0 && errno != ETIMEDOUT && errno != EINTR)
            fail("mq_timedreceive");
        int status;
        if (n < 0 && waitpid(child, &status, WNOHANG) == child) {
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                errno = ECHILD;
                fail("the child failed");
            }
            break;
        }
    }
    printf("tput mechanism=mq size=%zu messages=%ld bytes=%lld elapsed_ns=%lld\n", size, messages,
           (long long)messages * (long long)size, (long long)(now - start));
    return 0;
}

int main(int argc, char **argv)
{
    alarm(HARD_LIMIT_S);
    if (argc == 6 && strcmp(argv[1], "rtt") == 0)
        return rtt((size_t)atol(argv[2]), atol(argv[3]), atol(argv[4]), argv[5]);
    if (argc == 5 && strcmp(argv[1], "tput") == 0)
        return tput((size_t)atol(argv[2]), atol(argv[3]), atol(argv[4]));
    fprintf(stderr, "usage: jipc_mq_bench rtt SIZE WARMUP COUNT SAMPLES | tput SIZE WARMUP_MS MEASURE_MS\n");
    return 2;
}
