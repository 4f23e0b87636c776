/*
 * Shared memory with a spin flag: a POSIX shared memory object
 * (shm_open(3) + ftruncate(2) + mmap(2) MAP_SHARED) that the forked child
 * shares. The layout (the Java sides use the same, see ShmLayout.java):
 *
 *   0    a: round trips: the request's seq + 1 (STOP ends); streams: head,
 *        messages published by the producer
 *   64   b: round trips: the reply's seq + 1; streams: tail, messages consumed
 *   128  stop: streams: the consumer sets 1 when it has its count
 *   256  data: round trips: request, then reply (each rounded up to 64 B);
 *        streams: SLOTS slots, SLOTS = max(2, 1 MiB / size)
 *
 * Counters are 64-bit, written with release and read with acquire. A waiter
 * spins (a pause instruction per turn) and calls sched_yield(2) every 64
 * turns, so that two processes on one CPU hand it to each other.
 */
#include "xproc.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define OFF_A 0
#define OFF_B 64
#define OFF_STOP 128
#define OFF_DATA 256
#define STREAM_BYTES (1 << 20)
#define STOP UINT64_MAX

static char shm_name[256];

static void remove_shm(void)
{
    if (shm_name[0] != '\0')
        shm_unlink(shm_name);
}

static size_t rounded(size_t size)
{
    return (size + 63) & ~(size_t)63;
}

static size_t slots_for(size_t size)
{
    size_t n = STREAM_BYTES / rounded(size);
    return n < 2 ? 2 : n;
}

/* Maps a fresh object of len bytes; the name is gone again before fork. */
static unsigned char *map_region(size_t len)
{
    snprintf(shm_name, sizeof shm_name, "/jipc-xproc-c-%d", (int)getpid());
    xproc_on_exit(remove_shm);
    int fd = shm_open(shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        xproc_fail("shm_open");
    if (ftruncate(fd, (off_t)len) < 0)
        xproc_fail("ftruncate");
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        xproc_fail("mmap");
    close(fd);
    remove_shm();
    shm_name[0] = '\0';
    return p;
}

static inline uint64_t *word(unsigned char *region, size_t off)
{
    return (uint64_t *)(void *)(region + off);
}

static inline void relax(unsigned *spins)
{
    if ((++*spins & 63) == 0) {
        sched_yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Spins until the word differs from old; returns its value. */
static uint64_t await_change(unsigned char *region, size_t off, uint64_t old)
{
    unsigned spins = 0;
    uint64_t v;
    while ((v = __atomic_load_n(word(region, off), __ATOMIC_ACQUIRE)) == old)
        relax(&spins);
    return v;
}

int xproc_shm_rtt(const struct xproc_run *r)
{
    size_t size = r->size, len = OFF_DATA + 2 * rounded(size);
    unsigned char *region = map_region(len), *req = region + OFF_DATA, *rep = req + rounded(size);
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    pid_t child = xproc_fork();
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        uint64_t seen = 0;
        for (;;) {
            seen = await_change(region, OFF_A, seen);
            if (seen == STOP) {
                xproc_meter_report(&m);
                _exit(0);
            }
            memcpy(reply, req, size); /* take the message, as a reader would */
            memcpy(rep, reply, size);
            __atomic_store_n(word(region, OFF_B), seen, __ATOMIC_RELEASE);
            xproc_meter_tick(&m);
        }
    }
    struct xproc_cost cost;
    int64_t timed_start = xproc_now_ns();
    for (long i = -r->warmup; i < r->count; i++) {
        uint64_t seq = (uint64_t)(i + r->warmup);
        xproc_stamp(msg, size, seq);
        if (i == 0)
            xproc_cost_start(&cost);
        int64_t t0 = xproc_now_ns();
        memcpy(req, msg, size);
        __atomic_store_n(word(region, OFF_A), seq + 1, __ATOMIC_RELEASE);
        await_change(region, OFF_B, seq);
        memcpy(reply, rep, size);
        int64_t t1 = xproc_now_ns();
        xproc_check(reply, size, seq);
        if (i >= 0)
            samples[i] = t1 - t0;
        if (i == 0)
            timed_start = t0;
    }
    int64_t elapsed = xproc_now_ns() - timed_start;
    xproc_cost_stop(&cost);
    __atomic_store_n(word(region, OFF_A), STOP, __ATOMIC_RELEASE);
    xproc_reap(child);
    munmap(region, len);
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

/* The consumer's side of one message: wait for it, copy it out, check it, free its slot. */
static void take(unsigned char *region, size_t size, size_t slots, unsigned char *buf, uint64_t seq)
{
    unsigned spins = 0;
    while (__atomic_load_n(word(region, OFF_A), __ATOMIC_ACQUIRE) <= seq)
        relax(&spins);
    memcpy(buf, region + OFF_DATA + (seq % slots) * rounded(size), size);
    xproc_check(buf, size, seq);
    __atomic_store_n(word(region, OFF_B), seq + 1, __ATOMIC_RELEASE);
}

int xproc_shm_tput(const struct xproc_run *r)
{
    size_t size = r->size, slots = slots_for(size), len = OFF_DATA + slots * rounded(size);
    unsigned char *region = map_region(len);
    unsigned char *buf = xproc_buffer(size);
    pid_t child = xproc_fork();
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 0);
        for (uint64_t seq = 0;; seq++) {
            unsigned spins = 0;
            while (seq - __atomic_load_n(word(region, OFF_B), __ATOMIC_ACQUIRE) >= slots) {
                if (__atomic_load_n(word(region, OFF_STOP), __ATOMIC_ACQUIRE)) {
                    xproc_meter_report(&m);
                    _exit(0); /* the reader has its count and left */
                }
                relax(&spins);
            }
            xproc_stamp(buf, size, seq);
            memcpy(region + OFF_DATA + (seq % slots) * rounded(size), buf, size);
            __atomic_store_n(word(region, OFF_A), seq + 1, __ATOMIC_RELEASE);
            xproc_meter_tick(&m);
        }
    }
    uint64_t seq = 0;
    take(region, size, slots, buf, seq++);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        take(region, size, slots, buf, seq++);
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        take(region, size, slots, buf, seq++);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    __atomic_store_n(word(region, OFF_STOP), 1, __ATOMIC_RELEASE);
    xproc_reap(child);
    munmap(region, len);
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}
