/*
 * jipc_xproc_bench - the raw C side of the cross-process benchmark. It runs
 * both processes itself (fork(2)), making the system calls a C programmer
 * would for the mechanism named:
 *
 *   jipc_xproc_bench rtt  MECHANISM SIZE WARMUP COUNT SAMPLES [DIR]
 *   jipc_xproc_bench tput MECHANISM SIZE WARMUP_MS MEASURE_MS [DIR]
 *
 * MECHANISM is one of the table below (pipe, fifo, shm, mq, sem, futex,
 * sysvsem, mutex, lock, unix, seqpacket, tcp, dgram, udp, eventfd, poll, ring, ring-spin, ring-sleep). rtt: WARMUP round trips of SIZE-byte messages, then COUNT timed ones, whose times in ns go to
 * the file SAMPLES as native int64. tput: the child streams SIZE-byte
 * messages; the parent reads for WARMUP_MS, then counts whole messages for
 * MEASURE_MS. Each prints one result line of key=value pairs, e.g.
 *   rtt mechanism=pipe size=64 count=100000 elapsed_ns=... cpu_ns=... vcsw=... ivcsw=...
 *   tput mechanism=pipe size=65536 messages=40000 bytes=... elapsed_ns=... cpu_ns=... vcsw=... ivcsw=...
 * (cpu_ns and the context switches: the parent's measuring thread over the
 * timed part), then the child's own figures, child_cpu_ns= child_vcsw=
 * child_messages= (its thread over its part of the window, see xproc_meter).
 * Every message carries its sequence number in its first 8 bytes and the
 * number inverted in its last 8; the receiver checks both.
 * Named objects live in DIR (default /tmp), /dev/shm or /dev/mqueue and are
 * removed on every way out. Exit status 0 on success, 1 with a message otherwise.
 */
#include "xproc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* No run is meant to last this long: past it both processes end themselves. */
#define HARD_LIMIT_S 600
#define REAP_LIMIT_MS 10000

static const struct {
    const char *name;
    int (*rtt)(const struct xproc_run *);
    int (*tput)(const struct xproc_run *);
} mechanisms[] = {
    { "pipe", xproc_pipe_rtt, xproc_pipe_tput },
    { "fifo", xproc_fifo_rtt, xproc_fifo_tput },
    { "shm", xproc_shm_rtt, xproc_shm_tput },
    { "mq", xproc_mq_rtt, xproc_mq_tput },
    { "sem", xproc_sem_rtt, xproc_sem_tput },
    { "futex", xproc_futex_rtt, xproc_futex_tput },
    { "sysvsem", xproc_sysvsem_rtt, xproc_sysvsem_tput },
    { "mutex", xproc_mutex_rtt, xproc_mutex_tput },
    { "lock", xproc_lock_rtt, xproc_lock_tput },
    { "unix", xproc_unix_rtt, xproc_unix_tput },
    { "seqpacket", xproc_seqpacket_rtt, xproc_seqpacket_tput },
    { "tcp", xproc_tcp_rtt, xproc_tcp_tput },
    { "dgram", xproc_dgram_rtt, xproc_dgram_tput },
    { "udp", xproc_udp_rtt, xproc_udp_tput },
    { "eventfd", xproc_eventfd_rtt, xproc_eventfd_tput },
    { "poll", xproc_poll_rtt, xproc_poll_tput },
    { "ring", xproc_ring_rtt, xproc_ring_tput },
    { "ring-spin", xproc_ringspin_rtt, xproc_ringspin_tput },
    { "ring-sleep", xproc_ringsleep_rtt, xproc_ringsleep_tput },
};

/* What the child reports of itself, in a page both processes share. */
struct child_report {
    int valid;
    long messages;
    struct xproc_cost cost;
};

long xproc_lost;
static int is_parent = 1;
static struct child_report *child_report;
static void (*cleanup_fn)(void);

void xproc_on_exit(void (*cleanup)(void))
{
    cleanup_fn = cleanup;
}

static void cleanup(void)
{
    if (is_parent && cleanup_fn != NULL)
        cleanup_fn();
}

static void on_alarm(int sig)
{
    (void)sig;
    cleanup();
    static const char msg[] = "jipc_xproc_bench: hard time limit reached\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

static void leave(void)
{
    if (is_parent) {
        cleanup();
        exit(1);
    }
    _exit(1);
}

void xproc_fail(const char *what)
{
    fprintf(stderr, "jipc_xproc_bench (%s): %s: %s\n", is_parent ? "parent" : "child", what, strerror(errno));
    leave();
}

void xproc_fail_msg(const char *what)
{
    fprintf(stderr, "jipc_xproc_bench (%s): %s\n", is_parent ? "parent" : "child", what);
    leave();
}

int64_t xproc_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void thread_cost(struct xproc_cost *c)
{
    struct rusage u;
    getrusage(RUSAGE_THREAD, &u);
    c->cpu_ns = ((int64_t)u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000000
                + ((int64_t)u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000;
    c->vcsw = u.ru_nvcsw;
    c->ivcsw = u.ru_nivcsw;
}

void xproc_cost_start(struct xproc_cost *c)
{
    thread_cost(c);
}

void xproc_cost_stop(struct xproc_cost *c)
{
    struct xproc_cost end;
    thread_cost(&end);
    c->cpu_ns = end.cpu_ns - c->cpu_ns;
    c->vcsw = end.vcsw - c->vcsw;
    c->ivcsw = end.ivcsw - c->ivcsw;
}

void xproc_stamp(unsigned char *msg, size_t size, uint64_t seq)
{
    uint64_t inverted = ~seq;
    memcpy(msg, &seq, sizeof seq);
    memcpy(msg + size - sizeof inverted, &inverted, sizeof inverted);
}

void xproc_check(const unsigned char *msg, size_t size, uint64_t seq)
{
    uint64_t head, tail;
    memcpy(&head, msg, sizeof head);
    memcpy(&tail, msg + size - sizeof tail, sizeof tail);
    if (head != seq || tail != ~seq) {
        fprintf(stderr, "jipc_xproc_bench: message %llu arrived as %llu/%llu\n", (unsigned long long)seq,
                (unsigned long long)head, (unsigned long long)~tail);
        xproc_fail_msg("a message arrived out of sequence or damaged");
    }
}

unsigned char *xproc_buffer(size_t size)
{
    unsigned char *b = malloc(size);
    if (b == NULL)
        xproc_fail("malloc");
    for (size_t i = 0; i < size; i++)
        b[i] = (unsigned char)(i * 31 + 7);
    return b;
}

void xproc_meter_start(struct xproc_meter *m, const struct xproc_run *r, int rtt)
{
    *m = (struct xproc_meter){ .rtt = rtt, .start_at = r->warmup, .warmup_ms = r->warmup_ms };
    if (rtt && r->warmup == 0)
        xproc_meter_begin(m);
}

void xproc_meter_begin(struct xproc_meter *m)
{
    m->started = 1;
    m->base = m->messages;
    xproc_cost_start(&m->cost);
}

void xproc_meter_report(struct xproc_meter *m)
{
    if (!m->started || child_report == NULL)
        return;
    xproc_cost_stop(&m->cost);
    child_report->cost = m->cost;
    child_report->messages = m->messages - m->base;
    __atomic_store_n(&child_report->valid, 1, __ATOMIC_RELEASE);
}

pid_t xproc_fork(void)
{
    if (child_report == NULL) {
        void *page = mmap(NULL, sizeof *child_report, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED)
            xproc_fail("mmap");
        child_report = page;
    }
    memset(child_report, 0, sizeof *child_report);
    fflush(stdout);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        xproc_fail("fork");
    if (pid == 0) {
        is_parent = 0;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1); /* the parent is gone already */
        /* An experiment's knob, not a default: JIPC_XPROC_CHILD_CPU=n puts the child on CPU n. */
        const char *cpu = getenv("JIPC_XPROC_CHILD_CPU");
        if (cpu != NULL) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(atoi(cpu), &set);
            if (sched_setaffinity(0, sizeof set, &set) < 0)
                xproc_fail("sched_setaffinity");
        }
    }
    return pid;
}

/* Waits up to REAP_LIMIT_MS for the child, then kills it; fails unless it exited with 0. */
void xproc_reap(pid_t child)
{
    int status = 0;
    for (int waited = 0;; waited++) {
        pid_t r = waitpid(child, &status, waited < REAP_LIMIT_MS ? WNOHANG : 0);
        if (r == child)
            break;
        if (r < 0 && errno != EINTR)
            xproc_fail("waitpid");
        if (waited == REAP_LIMIT_MS)
            kill(child, SIGKILL);
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        xproc_fail_msg("the child process failed");
}

/* The child's own figures, once it has ended: the rest of the result line. */
static void print_child(void)
{
    if (child_report != NULL && __atomic_load_n(&child_report->valid, __ATOMIC_ACQUIRE))
        printf(" child_cpu_ns=%lld child_vcsw=%ld child_messages=%ld", (long long)child_report->cost.cpu_ns,
               child_report->cost.vcsw, child_report->messages);
    printf("\n");
}

void xproc_report_rtt(const struct xproc_run *r, const int64_t *samples, int64_t elapsed, const struct xproc_cost *c)
{
    FILE *f = fopen(r->samples, "wb");
    if (f == NULL || fwrite(samples, sizeof *samples, (size_t)r->count, f) != (size_t)r->count || fclose(f) != 0)
        xproc_fail("writing the samples file");
    printf("rtt mechanism=%s size=%zu count=%ld elapsed_ns=%lld cpu_ns=%lld vcsw=%ld ivcsw=%ld", r->mechanism,
           r->size, r->count, (long long)elapsed, (long long)c->cpu_ns, c->vcsw, c->ivcsw);
    print_child();
}

void xproc_report_tput(const struct xproc_run *r, long messages, int64_t elapsed, const struct xproc_cost *c)
{
    printf("tput mechanism=%s size=%zu messages=%ld bytes=%lld elapsed_ns=%lld cpu_ns=%lld vcsw=%ld ivcsw=%ld lost=%ld",
           r->mechanism, r->size, messages, (long long)messages * (long long)r->size, (long long)elapsed,
           (long long)c->cpu_ns, c->vcsw, c->ivcsw, xproc_lost);
    print_child();
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
    fprintf(stderr, "usage: jipc_xproc_bench rtt  MECHANISM SIZE WARMUP COUNT SAMPLES [DIR]\n"
                    "       jipc_xproc_bench tput MECHANISM SIZE WARMUP_MS MEASURE_MS [DIR]\n"
                    "MECHANISM: pipe, fifo, shm, mq, sem, futex, sysvsem, mutex, lock, unix, seqpacket, tcp, dgram, udp, eventfd, poll, ring, ring-spin, ring-sleep\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 6)
        usage();
    int rtt = strcmp(argv[1], "rtt") == 0;
    if (!rtt && strcmp(argv[1], "tput") != 0)
        usage();
    int fixed = rtt ? 7 : 6;
    if (argc != fixed && argc != fixed + 1)
        usage();
    struct xproc_run r = { .mechanism = argv[2], .size = (size_t)number(argv[3], 16),
                           .dir = argc == fixed + 1 ? argv[fixed] : "/tmp" };
    if (rtt) {
        r.warmup = number(argv[4], 0);
        r.count = number(argv[5], 1);
        r.samples = argv[6];
    } else {
        r.warmup_ms = number(argv[4], 0);
        r.measure_ms = number(argv[5], 1);
    }
    signal(SIGALRM, on_alarm);
    alarm(HARD_LIMIT_S);
    for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++) {
        if (strcmp(mechanisms[i].name, r.mechanism) == 0)
            return rtt ? mechanisms[i].rtt(&r) : mechanisms[i].tput(&r);
    }
    usage();
}
