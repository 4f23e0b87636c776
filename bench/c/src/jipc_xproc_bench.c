/*
 * jipc_xproc_bench - the raw C contender of the cross-process benchmark.
 * It runs both processes itself, making the system calls a C programmer
 * would: pipe2(2) + fork(2), or mkfifo(3) + open(2) by path, then blocking
 * read(2)/write(2), one call per message whenever the kernel moves it whole.
 *
 *   jipc_xproc_bench rtt  pipe|fifo SIZE WARMUP COUNT SAMPLES [FIFO_DIR]
 *   jipc_xproc_bench tput pipe|fifo SIZE WARMUP_MS MEASURE_MS [FIFO_DIR]
 *
 * rtt: the parent sends SIZE-byte messages and the child echoes each one;
 * WARMUP round trips, then COUNT timed ones, whose times in nanoseconds are
 * written to the file SAMPLES as native-endian int64. Prints one line:
 *   rtt mechanism=pipe size=64 count=100000 elapsed_ns=1700000000
 * tput: the child streams SIZE-byte messages until the parent stops reading;
 * the parent reads for WARMUP_MS, then counts whole messages for MEASURE_MS
 * and closes its end (the child stops at EPIPE). Prints one line:
 *   tput mechanism=pipe size=65536 messages=40000 bytes=2621440000 elapsed_ns=1000000000
 *
 * Every message carries its sequence number in its first 8 bytes and the
 * number inverted in its last 8; the receiver checks both. FIFOs are made in
 * FIFO_DIR (default /tmp) and removed on every way out. Exit status 0 on
 * success, 1 with a message on stderr otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* No run is meant to last this long: past it both processes end themselves. */
#define HARD_LIMIT_S 600
#define REAP_LIMIT_MS 10000

static char fifo_to_child[4096];
static char fifo_from_child[4096];
static int is_parent = 1;

static void remove_fifos(void)
{
    if (fifo_to_child[0] != '\0')
        unlink(fifo_to_child);
    if (fifo_from_child[0] != '\0')
        unlink(fifo_from_child);
}

static void on_alarm(int sig)
{
    (void)sig;
    if (is_parent)
        remove_fifos(); /* unlink(2) is async-signal-safe */
    static const char msg[] = "jipc_xproc_bench: hard time limit reached\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

static void fail(const char *what)
{
    fprintf(stderr, "jipc_xproc_bench (%s): %s: %s\n", is_parent ? "parent" : "child", what, strerror(errno));
    if (is_parent) {
        remove_fifos();
        exit(1);
    }
    _exit(1);
}

static void fail_msg(const char *what)
{
    errno = 0;
    fprintf(stderr, "jipc_xproc_bench (%s): %s\n", is_parent ? "parent" : "child", what);
    if (is_parent) {
        remove_fifos();
        exit(1);
    }
    _exit(1);
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
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

static void stamp(unsigned char *msg, size_t size, uint64_t seq)
{
    uint64_t inverted = ~seq;
    memcpy(msg, &seq, sizeof seq);
    memcpy(msg + size - sizeof inverted, &inverted, sizeof inverted);
}

static void check(const unsigned char *msg, size_t size, uint64_t seq)
{
    uint64_t head, tail;
    memcpy(&head, msg, sizeof head);
    memcpy(&tail, msg + size - sizeof tail, sizeof tail);
    if (head != seq || tail != ~seq) {
        fprintf(stderr, "jipc_xproc_bench: message %llu arrived as %llu/%llu\n", (unsigned long long)seq,
                (unsigned long long)head, (unsigned long long)~tail);
        fail_msg("a message arrived out of sequence or damaged");
    }
}

/* Waits up to REAP_LIMIT_MS for the child, then kills it; fails unless it exited with 0. */
static void reap(pid_t child)
{
    int status = 0;
    for (int waited = 0;; waited++) {
        pid_t r = waitpid(child, &status, waited < REAP_LIMIT_MS ? WNOHANG : 0);
        if (r == child)
            break;
        if (r < 0 && errno != EINTR)
            fail("waitpid");
        if (waited == REAP_LIMIT_MS)
            kill(child, SIGKILL);
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the child process failed");
}

struct ends {
    int parent_in, parent_out; /* -1 where unused */
    int child_in, child_out;
};

/*
 * Connects parent and child: to_child carries parent -> child, from_child
 * child -> parent. Returns the child's pid in the parent, 0 in the child.
 */
static pid_t start_child(int fifo, int to_child, int from_child, struct ends *e)
{
    int down[2] = { -1, -1 }, up[2] = { -1, -1 };
    if (!fifo && ((to_child && pipe2(down, O_CLOEXEC) < 0) || (from_child && pipe2(up, O_CLOEXEC) < 0)))
        fail("pipe2");
    if (fifo && ((to_child && mkfifo(fifo_to_child, 0600) < 0) || (from_child && mkfifo(fifo_from_child, 0600) < 0)))
        fail("mkfifo");
    fflush(stdout);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    e->parent_in = e->parent_out = e->child_in = e->child_out = -1;
    if (pid == 0) {
        is_parent = 0;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1); /* the parent is gone already */
        if (fifo) {
            /* Same order as the parent's opens, so neither waits for the other forever. */
            if (to_child && (e->child_in = open(fifo_to_child, O_RDONLY | O_CLOEXEC)) < 0)
                fail("open FIFO for reading");
            if (from_child && (e->child_out = open(fifo_from_child, O_WRONLY | O_CLOEXEC)) < 0)
                fail("open FIFO for writing");
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
            fail("open FIFO for writing");
        if (from_child && (e->parent_in = open(fifo_from_child, O_RDONLY | O_CLOEXEC)) < 0)
            fail("open FIFO for reading");
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

static void *buffer(size_t size)
{
    unsigned char *b = malloc(size);
    if (b == NULL)
        fail("malloc");
    for (size_t i = 0; i < size; i++)
        b[i] = (unsigned char)(i * 31 + 7);
    return b;
}

static int round_trips(int fifo, const char *mechanism, size_t size, long warmup, long count, const char *samples_path)
{
    int64_t *samples = calloc((size_t)count, sizeof *samples);
    unsigned char *msg = buffer(size), *reply = buffer(size);
    if (samples == NULL)
        fail("calloc");
    struct ends e;
    pid_t child = start_child(fifo, 1, 1, &e);
    if (child == 0) {
        int r;
        while ((r = read_full(e.child_in, reply, size)) > 0) {
            if (write_full(e.child_out, reply, size) < 0)
                fail("write");
        }
        if (r < 0)
            fail("read");
        _exit(0);
    }
    int64_t timed_start = now_ns();
    for (long i = -warmup; i < count; i++) {
        uint64_t seq = (uint64_t)(i + warmup);
        stamp(msg, size, seq);
        int64_t t0 = now_ns();
        if (write_full(e.parent_out, msg, size) < 0)
            fail("write");
        if (read_full(e.parent_in, reply, size) <= 0)
            fail("read");
        int64_t t1 = now_ns();
        check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = now_ns() - timed_start;
    close(e.parent_out); /* the child reads end of stream and exits */
    close(e.parent_in);
    reap(child);
    FILE *f = fopen(samples_path, "wb");
    if (f == NULL || fwrite(samples, sizeof *samples, (size_t)count, f) != (size_t)count || fclose(f) != 0)
        fail("writing the samples file");
    printf("rtt mechanism=%s size=%zu count=%ld elapsed_ns=%lld\n", mechanism, size, count, (long long)elapsed);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

static int stream(int fifo, const char *mechanism, size_t size, long warmup_ms, long measure_ms)
{
    unsigned char *buf = buffer(size);
    struct ends e;
    pid_t child = start_child(fifo, 0, 1, &e);
    if (child == 0) {
        signal(SIGPIPE, SIG_IGN);
        for (uint64_t seq = 0;; seq++) {
            stamp(buf, size, seq);
            if (write_full(e.child_out, buf, size) < 0) {
                if (errno == EPIPE)
                    _exit(0); /* the reader has its count and left */
                fail("write");
            }
        }
    }
    uint64_t seq = 0;
    if (read_full(e.parent_in, buf, size) <= 0)
        fail("read");
    check(buf, size, seq++);
    int64_t first = now_ns();
    while (now_ns() - first < warmup_ms * 1000000) {
        if (read_full(e.parent_in, buf, size) <= 0)
            fail("read");
        check(buf, size, seq++);
    }
    int64_t start = now_ns(), now;
    long messages = 0;
    do {
        if (read_full(e.parent_in, buf, size) <= 0)
            fail("read");
        check(buf, size, seq++);
        messages++;
        now = now_ns();
    } while (now - start < measure_ms * 1000000);
    close(e.parent_in); /* the child's next write fails with EPIPE */
    reap(child);
    printf("tput mechanism=%s size=%zu messages=%ld bytes=%lld elapsed_ns=%lld\n", mechanism, size, messages,
           (long long)messages * (long long)size, (long long)(now - start));
    free(buf);
    return 0;
}

static long number(const char *s, long min)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < min) {
        fprintf(stderr, "jipc_xproc_bench: not a number >= %ld: '%s'\n", min, s);
        exit(2);
    }
    return v;
}

static void usage(void)
{
    fprintf(stderr, "usage: jipc_xproc_bench rtt  pipe|fifo SIZE WARMUP COUNT SAMPLES [FIFO_DIR]\n"
                    "       jipc_xproc_bench tput pipe|fifo SIZE WARMUP_MS MEASURE_MS [FIFO_DIR]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 6)
        usage();
    int rtt = strcmp(argv[1], "rtt") == 0;
    if (!rtt && strcmp(argv[1], "tput") != 0)
        usage();
    int fifo = strcmp(argv[2], "fifo") == 0;
    if (!fifo && strcmp(argv[2], "pipe") != 0)
        usage();
    int fixed = rtt ? 7 : 6;
    if (argc != fixed && argc != fixed + 1)
        usage();
    size_t size = (size_t)number(argv[3], 16);
    if (fifo) {
        const char *dir = argc == fixed + 1 ? argv[fixed] : "/tmp";
        int n1 = snprintf(fifo_to_child, sizeof fifo_to_child, "%s/c-to-child-%d.fifo", dir, (int)getpid());
        int n2 = snprintf(fifo_from_child, sizeof fifo_from_child, "%s/c-from-child-%d.fifo", dir, (int)getpid());
        if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof fifo_to_child || (size_t)n2 >= sizeof fifo_from_child)
            fail_msg("FIFO_DIR is too long");
    }
    signal(SIGALRM, on_alarm);
    alarm(HARD_LIMIT_S);
    if (rtt)
        return round_trips(fifo, argv[2], size, number(argv[4], 0), number(argv[5], 1), argv[6]);
    return stream(fifo, argv[2], size, number(argv[4], 0), number(argv[5], 1));
}
