/*
 * jipc's message ring in C (native/src/jipc_ring*.c compiled in): two rings
 * in MAP_SHARED anonymous memory that the forked child shares, requests at
 * 0 and replies at jipc_ring_size(capacity), then a 64-bit stop word. The
 * Java sides (RingTransport.java) lay out the same rings in a POSIX shared
 * memory object.
 *
 * Zero-copy: a producer claims room, writes the message in place (the
 * pattern and the stamps) and commits; a reader checks the message in place
 * and releases it; the echo copies the request from one ring straight into
 * its claim in the other. An empty request ends an echo; the stop word ends
 * a stream's producer. Two modes: "ring" spins 100 us, then sleeps on the
 * ring's futex word (jipc's default); "ring-spin" never sleeps (the spin
 * yields the CPU every 64 turns after 2 us, as every jipc ring wait does);
 * "ring-sleep" never spins, so every message is a futex sleep and a wake by
 * the commit (the wake cost, beside "futex").
 */
#include "xproc.h"

#include "jipc_ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RTT_CAPACITY (1u << 16)
#define STREAM_CAPACITY (1u << 21)
#define ADAPTIVE_SPIN_NS 100000LL
#define FOREVER_NS (1LL << 62)
#define SLICE_NS 10000000LL

struct rings {
    unsigned char *region;
    size_t len;
    uint32_t capacity;
    uint64_t *stop;
};

static void make(struct rings *g, uint32_t capacity, size_t size)
{
    size_t one = jipc_ring_size(capacity);
    g->len = 2 * one + 128;
    g->capacity = capacity;
    g->region = mmap(NULL, g->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g->region == MAP_FAILED)
        xproc_fail("mmap");
    uint32_t max = size > capacity / 2 ? capacity / 2 : (uint32_t)size;
    if (jipc_ring_init(g->region, one, capacity, max, JIPC_RING_SPSC) < 0
        || jipc_ring_init(g->region + one, one, capacity, max, JIPC_RING_SPSC) < 0)
        xproc_fail_msg("jipc_ring_init");
    g->stop = (uint64_t *)(void *)(g->region + 2 * one);
}

static void attach(struct rings *g, int which, jipc_ring *r)
{
    size_t one = jipc_ring_size(g->capacity);
    if (jipc_ring_attach(r, g->region + which * one, one) < 0)
        xproc_fail_msg("jipc_ring_attach");
}

static void fail_rc(const char *what, int rc)
{
    errno = -rc;
    xproc_fail(what);
}

static int rtt(const struct xproc_run *r, long long spin)
{
    size_t size = r->size;
    struct rings g;
    make(&g, RTT_CAPACITY, size);
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    pid_t child = xproc_fork();
    if (child == 0) {
        jipc_ring req, rep;
        attach(&g, 0, &req);
        attach(&g, 1, &rep);
        if (jipc_ring_consumer_attach(&req) < 0)
            xproc_fail_msg("jipc_ring_consumer_attach");
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        for (;;) {
            const void *in;
            int n = jipc_ring_read_wait(&req, &in, spin, -1);
            if (n < 0)
                fail_rc("jipc_ring_read_wait", n);
            if (n == 0) {
                xproc_meter_report(&m);
                _exit(0);
            }
            void *out;
            int rc = jipc_ring_claim_wait(&rep, (uint32_t)n, &out, spin, -1);
            if (rc < 0)
                fail_rc("jipc_ring_claim_wait", rc);
            memcpy(out, in, (size_t)n);
            jipc_ring_commit(&rep);
            jipc_ring_release(&req);
            xproc_meter_tick(&m);
        }
    }
    jipc_ring req, rep;
    attach(&g, 0, &req);
    attach(&g, 1, &rep);
    if (jipc_ring_consumer_attach(&rep) < 0)
        xproc_fail_msg("jipc_ring_consumer_attach");
    struct xproc_cost cost;
    int64_t timed_start = xproc_now_ns();
    for (long i = -r->warmup; i < r->count; i++) {
        uint64_t seq = (uint64_t)(i + r->warmup);
        if (i == 0)
            xproc_cost_start(&cost);
        int64_t t0 = xproc_now_ns();
        void *out;
        int rc = jipc_ring_claim_wait(&req, (uint32_t)size, &out, spin, -1);
        if (rc < 0)
            fail_rc("jipc_ring_claim_wait", rc);
        memcpy(out, msg, size);
        xproc_stamp(out, size, seq);
        jipc_ring_commit(&req);
        const void *in;
        int n = jipc_ring_read_wait(&rep, &in, spin, -1);
        if (n != (int)size)
            fail_rc("jipc_ring_read_wait", n < 0 ? n : -EBADMSG);
        xproc_check(in, size, seq);
        jipc_ring_release(&rep);
        int64_t t1 = xproc_now_ns();
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    void *out;
    if (jipc_ring_claim_wait(&req, 0, &out, spin, -1) == 0)
        jipc_ring_commit(&req);
    xproc_reap(child);
    munmap(g.region, g.len);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    return 0;
}

/* The consumer's side of one message: wait for it, check it in place, release it. */
static void take(jipc_ring *in, size_t size, uint64_t seq, long long spin)
{
    const void *at;
    int n = jipc_ring_read_wait(in, &at, spin, -1);
    if (n != (int)size)
        fail_rc("jipc_ring_read_wait", n < 0 ? n : -EBADMSG);
    xproc_check(at, size, seq);
    jipc_ring_release(in);
}

static int tput(const struct xproc_run *r, long long spin)
{
    size_t size = r->size;
    struct rings g;
    make(&g, STREAM_CAPACITY, size);
    unsigned char *buf = xproc_buffer(size);
    pid_t child = xproc_fork();
    if (child == 0) {
        jipc_ring out;
        attach(&g, 0, &out);
        struct xproc_meter m;
        xproc_meter_start(&m, r, 0);
        for (uint64_t seq = 0;; seq++) {
            void *at;
            int rc;
            while ((rc = jipc_ring_claim_wait(&out, (uint32_t)size, &at, spin, SLICE_NS)) == -ETIMEDOUT
                   && !__atomic_load_n(g.stop, __ATOMIC_ACQUIRE)) {
            }
            if (rc == -ETIMEDOUT || rc == -EPIPE) {
                xproc_meter_report(&m);
                _exit(0); /* the reader has its count and left */
            }
            if (rc < 0)
                fail_rc("jipc_ring_claim_wait", rc);
            memcpy(at, buf, size);
            xproc_stamp(at, size, seq);
            jipc_ring_commit(&out);
            xproc_meter_tick(&m);
        }
    }
    jipc_ring in;
    attach(&g, 0, &in);
    if (jipc_ring_consumer_attach(&in) < 0)
        xproc_fail_msg("jipc_ring_consumer_attach");
    uint64_t seq = 0;
    take(&in, size, seq++, spin);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        take(&in, size, seq++, spin);
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        take(&in, size, seq++, spin);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    __atomic_store_n(g.stop, 1, __ATOMIC_RELEASE);
    jipc_ring_consumer_detach(&in);
    xproc_reap(child);
    munmap(g.region, g.len);
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}

int xproc_ring_rtt(const struct xproc_run *r)
{
    return rtt(r, ADAPTIVE_SPIN_NS);
}

int xproc_ring_tput(const struct xproc_run *r)
{
    return tput(r, ADAPTIVE_SPIN_NS);
}

int xproc_ringspin_rtt(const struct xproc_run *r)
{
    return rtt(r, FOREVER_NS);
}

int xproc_ringspin_tput(const struct xproc_run *r)
{
    return tput(r, FOREVER_NS);
}

int xproc_ringsleep_rtt(const struct xproc_run *r)
{
    return rtt(r, 0);
}

int xproc_ringsleep_tput(const struct xproc_run *r)
{
    return tput(r, 0);
}
