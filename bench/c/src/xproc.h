/*
 * xproc.h - what every mechanism of jipc_xproc_bench shares: the run's
 * settings, checked messages, timing, failing with a message, reaping the
 * child, and the per-thread costs (CPU time, context switches) each result
 * line reports. A mechanism is one xproc_<name>.c with a round-trip and a
 * stream function, listed in the table in jipc_xproc_bench.c; one that passes
 * messages fills a struct xproc_ops and runs the shared loops of
 * xproc_driver.c (xproc_rtt, xproc_tput).
 */
#ifndef XPROC_H
#define XPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct xproc_run {
    const char *mechanism;
    size_t size;
    long warmup, count;        /* round trips */
    const char *samples;       /* round-trip times in ns, native int64, written here */
    long warmup_ms, measure_ms; /* streams */
    const char *dir;           /* scratch folder for named objects */
};

/* The receiving or pinging thread's costs over the timed part. */
struct xproc_cost {
    int64_t cpu_ns;
    long vcsw, ivcsw;
};

/*
 * The child's own costs, measured over its part of the timed window: for
 * round trips from its warmup-th echo on, for streams from warmup_ms after its
 * first message on (the clock read every 64 messages). tick after every
 * message; report (in the child, before it exits) puts the figures where the
 * parent's result line finds them (a shared page made by xproc_fork).
 */
struct xproc_meter {
    long messages, start_at, base;
    int64_t start_ns; /* streams: when to start; 0 before the first message */
    int rtt, started;
    long warmup_ms;
    struct xproc_cost cost;
};

void xproc_meter_start(struct xproc_meter *m, const struct xproc_run *r, int rtt);
void xproc_meter_begin(struct xproc_meter *m);
void xproc_meter_report(struct xproc_meter *m);
int64_t xproc_now_ns(void);

static inline void xproc_meter_tick(struct xproc_meter *m)
{
    long n = ++m->messages;
    if (m->started)
        return;
    if (m->rtt) {
        if (n == m->start_at)
            xproc_meter_begin(m);
    } else if (n == 1) {
        m->start_ns = xproc_now_ns() + m->warmup_ms * 1000000;
    } else if ((n & 63) == 0 && xproc_now_ns() >= m->start_ns) {
        xproc_meter_begin(m);
    }
}

void xproc_fail(const char *what);     /* with strerror(errno); removes named objects; exits 1 */
void xproc_fail_msg(const char *what); /* without errno */
/* Called on every way out of the parent (also from SIGALRM: async-signal-safe only). */
void xproc_on_exit(void (*cleanup)(void));
void xproc_cost_start(struct xproc_cost *c);
void xproc_cost_stop(struct xproc_cost *c);
void xproc_stamp(unsigned char *msg, size_t size, uint64_t seq);
void xproc_check(const unsigned char *msg, size_t size, uint64_t seq);
unsigned char *xproc_buffer(size_t size); /* malloc'ed, holding the pattern */
/* fork(2): the child (0 returned) dies with the parent and is marked as child; its meter's page is shared. */
pid_t xproc_fork(void);
void xproc_reap(pid_t child); /* fails unless the child exited with 0 */
/* Prints the result lines (and writes the samples) the harness reads. */
void xproc_report_rtt(const struct xproc_run *r, const int64_t *samples, int64_t elapsed, const struct xproc_cost *c);
void xproc_report_tput(const struct xproc_run *r, long messages, int64_t elapsed, const struct xproc_cost *c);
/* Messages a lossy stream (UDP) lost in its timed window: set before xproc_report_tput, printed as lost=. */
extern long xproc_lost;

/*
 * A message-passing mechanism for the shared loops (xproc_driver.c): how the
 * processes connect, send and receive one whole message, and how the parent
 * ends a run. ctx is the mechanism's own state, one per process after the fork.
 */
struct xproc_ops {
    /* Connects parent and child for a round-trip (rtt 1) or stream run: the child's pid in the parent, 0 in the child. */
    pid_t (*start)(const struct xproc_run *r, int rtt, void *ctx);
    /* Sends one whole message: 0, or -1 with errno set (a stream's sender ends at EPIPE, ECONNRESET, ECONNREFUSED: the
     * reader left, or a mechanism's own sign that it has its count). */
    int (*send)(void *ctx, const unsigned char *msg, size_t size);
    /* Receives one whole message: 1; 0 when the parent ended the run (the child's cue); -1 with errno set. */
    int (*recv)(void *ctx, unsigned char *buf, size_t size);
    /* The parent ends the run: the child's next receive returns 0, or its next send fails. */
    void (*finish)(void *ctx);
    /* 1 if a stream may drop messages (UDP): gaps are counted as lost (lost=) instead of failing the run. */
    int lossy;
    /* Optional (NULL: nothing): a stream's receiver has checked the message it received last; frees its slot (shared memory). */
    void (*release)(void *ctx);
};

/* One run of a mechanism through the shared loops; 0 on success (failures exit). */
int xproc_rtt(const struct xproc_run *r, const struct xproc_ops *ops, void *ctx);
int xproc_tput(const struct xproc_run *r, const struct xproc_ops *ops, void *ctx);

/*
 * The region of the shared-memory mechanisms (xproc_shm.c, xproc_sync.c; the
 * Java sides use the same): words a, b and stop (each on its own 64 bytes),
 * then the data: a round trip's request and reply, or a stream's slots
 * (max(2, 1 MiB / size)), each rounded up to 64 bytes.
 */
enum { XPROC_OFF_A = 0, XPROC_OFF_B = 64, XPROC_OFF_STOP = 128, XPROC_OFF_DATA = 256 };

static inline size_t xproc_rounded(size_t size)
{
    return (size + 63) & ~(size_t)63;
}

static inline size_t xproc_slots(size_t size, int rtt)
{
    size_t n = rtt ? 2 : ((size_t)1 << 20) / xproc_rounded(size);
    return n < 2 ? 2 : n;
}

/*
 * A shared-memory run in one process: its region (mapped by the mechanism) and
 * where it is; n: round trips, the last seq + 1 sent (parent) or seen (child);
 * streams, the next seq to send or receive.
 */
struct xproc_region {
    unsigned char *region;
    size_t len, size, slots;
    int rtt, child;
    uint64_t n;
};

/* Sizes the region for round trips (rtt 1) or a stream of size-byte messages. */
static inline void xproc_region_size(struct xproc_region *g, size_t size, int rtt)
{
    g->size = size;
    g->rtt = rtt;
    g->slots = xproc_slots(size, rtt);
    g->len = XPROC_OFF_DATA + g->slots * xproc_rounded(size);
}

/* Slot seq % slots; round trips: the request in slot 0, the reply in slot 1. */
static inline unsigned char *xproc_slot(const struct xproc_region *g, uint64_t seq)
{
    return g->region + XPROC_OFF_DATA + (seq % g->slots) * xproc_rounded(g->size);
}

/* Exactly n bytes: 1 when done, 0 at end of stream before the first byte, -1 with errno set otherwise. */
int xproc_read_full(int fd, unsigned char *buf, size_t n);
/* All n bytes: 0 when done, -1 with errno set otherwise. */
int xproc_write_full(int fd, const unsigned char *buf, size_t n);

/* A process's descriptors for mechanisms that read and write them whole (-1 where unused; in == out for a socket). */
struct xproc_fds {
    int in, out;
};
int xproc_fd_send(void *fds, const unsigned char *msg, size_t size);
int xproc_fd_recv(void *fds, unsigned char *buf, size_t size);
void xproc_fd_finish(void *fds); /* closes both */

/* Each mechanism: both processes, one run; 0 on success (failures exit). */
int xproc_pipe_rtt(const struct xproc_run *r);
int xproc_pipe_tput(const struct xproc_run *r);
int xproc_fifo_rtt(const struct xproc_run *r);
int xproc_fifo_tput(const struct xproc_run *r);
int xproc_shm_rtt(const struct xproc_run *r);
int xproc_shm_tput(const struct xproc_run *r);
int xproc_mq_rtt(const struct xproc_run *r);
int xproc_mq_tput(const struct xproc_run *r);
int xproc_sem_rtt(const struct xproc_run *r);
int xproc_sem_tput(const struct xproc_run *r);
int xproc_futex_rtt(const struct xproc_run *r);
int xproc_futex_tput(const struct xproc_run *r);
int xproc_sysvsem_rtt(const struct xproc_run *r);
int xproc_sysvsem_tput(const struct xproc_run *r);
int xproc_mutex_rtt(const struct xproc_run *r);
int xproc_lock_rtt(const struct xproc_run *r);
int xproc_lock_tput(const struct xproc_run *r);
int xproc_mutex_tput(const struct xproc_run *r);
/* xproc_mutex.c: the mutex mechanism's two counts, for xproc_sync.c. */
void xproc_mutex_make(unsigned char *region, unsigned b);
void xproc_mutex_take(unsigned char *region, int num);
void xproc_mutex_give(unsigned char *region, int num);
int xproc_unix_rtt(const struct xproc_run *r);
int xproc_unix_tput(const struct xproc_run *r);
int xproc_seqpacket_rtt(const struct xproc_run *r);
int xproc_seqpacket_tput(const struct xproc_run *r);
int xproc_tcp_rtt(const struct xproc_run *r);
int xproc_tcp_tput(const struct xproc_run *r);
int xproc_dgram_rtt(const struct xproc_run *r);
int xproc_dgram_tput(const struct xproc_run *r);
int xproc_udp_rtt(const struct xproc_run *r);
int xproc_udp_tput(const struct xproc_run *r);
int xproc_eventfd_rtt(const struct xproc_run *r);
int xproc_eventfd_tput(const struct xproc_run *r);
int xproc_poll_rtt(const struct xproc_run *r);
int xproc_poll_tput(const struct xproc_run *r);
int xproc_ring_rtt(const struct xproc_run *r);
int xproc_ring_tput(const struct xproc_run *r);
int xproc_ringspin_rtt(const struct xproc_run *r);
int xproc_ringspin_tput(const struct xproc_run *r);
int xproc_ringsleep_rtt(const struct xproc_run *r);
int xproc_ringsleep_tput(const struct xproc_run *r);

#endif
