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
 * turns, so that two processes on one CPU hand it to each other. The loops
 * are those of xproc_driver.c.
 */
#include "xproc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define STOP UINT64_MAX

static char shm_name[256];

static void remove_shm(void)
{
    if (shm_name[0] != '\0')
        shm_unlink(shm_name);
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

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    struct xproc_region *run = ctx;
    xproc_region_size(run, r->size, rtt);
    run->region = map_region(run->len);
    pid_t pid = xproc_fork();
    run->child = pid == 0;
    return pid;
}

/* Round trips: the parent's request, or the child's reply. */
static int rtt_send(void *ctx, const unsigned char *msg, size_t size)
{
    struct xproc_region *run = ctx;
    memcpy(xproc_slot(run, run->child), msg, size);
    if (run->child) {
        __atomic_store_n(word(run->region, XPROC_OFF_B), run->n, __ATOMIC_RELEASE);
    } else {
        run->n++;
        __atomic_store_n(word(run->region, XPROC_OFF_A), run->n, __ATOMIC_RELEASE);
    }
    return 0;
}

/* Round trips: the child's next request (0 at STOP; copied out, as a reader would take it), or the parent's reply. */
static int rtt_recv(void *ctx, unsigned char *buf, size_t size)
{
    struct xproc_region *run = ctx;
    if (run->child) {
        run->n = await_change(run->region, XPROC_OFF_A, run->n);
        if (run->n == STOP)
            return 0;
    } else {
        await_change(run->region, XPROC_OFF_B, run->n - 1);
    }
    memcpy(buf, xproc_slot(run, !run->child), size);
    return 1;
}

/* Streams, the producer: waits for a free slot (EPIPE once the consumer has its count), fills it, publishes it. */
static int put(void *ctx, const unsigned char *msg, size_t size)
{
    struct xproc_region *run = ctx;
    unsigned spins = 0;
    while (run->n - __atomic_load_n(word(run->region, XPROC_OFF_B), __ATOMIC_ACQUIRE) >= run->slots) {
        if (__atomic_load_n(word(run->region, XPROC_OFF_STOP), __ATOMIC_ACQUIRE)) {
            errno = EPIPE; /* the reader has its count and left */
            return -1;
        }
        relax(&spins);
    }
    memcpy(xproc_slot(run, run->n), msg, size);
    run->n++;
    __atomic_store_n(word(run->region, XPROC_OFF_A), run->n, __ATOMIC_RELEASE);
    return 0;
}

/* Streams, the consumer: waits for the next message and copies it out; release frees its slot once checked. */
static int take(void *ctx, unsigned char *buf, size_t size)
{
    struct xproc_region *run = ctx;
    unsigned spins = 0;
    while (__atomic_load_n(word(run->region, XPROC_OFF_A), __ATOMIC_ACQUIRE) <= run->n)
        relax(&spins);
    memcpy(buf, xproc_slot(run, run->n), size);
    return 1;
}

static void release(void *ctx)
{
    struct xproc_region *run = ctx;
    run->n++;
    __atomic_store_n(word(run->region, XPROC_OFF_B), run->n, __ATOMIC_RELEASE);
}

/* Round trips: STOP ends the child. Streams: the stop word; the producer sees it while it waits for a slot. */
static void finish(void *ctx)
{
    struct xproc_region *run = ctx;
    if (run->rtt)
        __atomic_store_n(word(run->region, XPROC_OFF_A), STOP, __ATOMIC_RELEASE);
    else
        __atomic_store_n(word(run->region, XPROC_OFF_STOP), 1, __ATOMIC_RELEASE);
    munmap(run->region, run->len);
}

static const struct xproc_ops rtt_ops = { start, rtt_send, rtt_recv, finish, 0, NULL };
static const struct xproc_ops tput_ops = { start, put, take, finish, 0, release };

int xproc_shm_rtt(const struct xproc_run *r)
{
    struct xproc_region run = { .region = NULL };
    return xproc_rtt(r, &rtt_ops, &run);
}

int xproc_shm_tput(const struct xproc_run *r)
{
    struct xproc_region run = { .region = NULL };
    return xproc_tput(r, &tput_ops, &run);
}
