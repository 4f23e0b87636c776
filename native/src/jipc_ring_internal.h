/*
 * jipc_ring_internal.h - what the ring's C files share (not installed, not part
 * of the API): the accessors of the layout documented in jipc_ring.h, the clock
 * and futex calls, and a process's liveness word. Everything here is static
 * inline, so each file keeps these helpers on its own hot path, as the single
 * file did, and libjipc exports no symbol beyond jipc_ring.h.
 *
 * jipc_ring.c: layout, init, attach, process liveness (/proc).
 * jipc_ring_producer.c: claim, commit, claim_wait, producer slots.
 * jipc_ring_consumer.c: the consumer role, read, release, read_wait.
 */
#ifndef JIPC_RING_INTERNAL_H
#define JIPC_RING_INTERNAL_H

#include "jipc_ring.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* No position: no open claim, no record held, nothing stuck, no intent in a slot. */
#define NONE UINT64_MAX

static inline uint32_t *u32(jipc_ring *r, int off) { return (uint32_t *)(r->base + off); }
static inline uint64_t *u64(jipc_ring *r, int off) { return (uint64_t *)(r->base + off); }
static inline uint64_t *state_of(jipc_ring *r, uint64_t pos) { return (uint64_t *)(r->data + (pos & (r->capacity - 1))); }
static inline uint64_t *stamp_of(jipc_ring *r, uint64_t pos) { return state_of(r, pos) + 1; }
static inline uint8_t *slot_of(jipc_ring *r, int i) { return r->base + JIPC_RING_OFF_PRODUCERS + i * JIPC_RING_SLOT_LENGTH; }
static inline uint64_t *slot_owner(jipc_ring *r, int i) { return (uint64_t *)(slot_of(r, i) + JIPC_RING_SLOT_OWNER); }
static inline uint64_t *slot_position(jipc_ring *r, int i) { return (uint64_t *)(slot_of(r, i) + JIPC_RING_SLOT_POSITION); }
static inline uint32_t *slot_record(jipc_ring *r, int i) { return (uint32_t *)(slot_of(r, i) + JIPC_RING_SLOT_RECORD); }
static inline uint32_t record_length(uint32_t payload)
{
    return (JIPC_RING_RECORD_HEADER + payload + JIPC_RING_RECORD_ALIGNMENT - 1) & ~(uint32_t)(JIPC_RING_RECORD_ALIGNMENT - 1);
}
static inline uint64_t pack(uint32_t pid, int32_t length) { return ((uint64_t)pid << 32) | (uint32_t)length; }

static inline long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline int futex_wait(uint32_t *word, uint32_t expected, long long timeout_ns)
{
    struct timespec ts = { (time_t)(timeout_ns / 1000000000LL), (long)(timeout_ns % 1000000000LL) };
    long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout_ns >= 0 ? &ts : NULL, NULL, 0);
    return rc < 0 ? -errno : 0;
}

static inline void futex_wake(uint32_t *word, int n)
{
    syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

/*
 * The owner word of process pid, for the consumer word and the producer slots:
 * (start << JIPC_RING_PID_BITS) | pid; and whether such a word's owner left
 * or died (0, nobody yet, is not gone).
 */
static inline uint64_t consumer_value(uint32_t pid)
{
    long long start = jipc_ring_process_start((int32_t)pid);
    return ((uint64_t)(start > 0 ? start : 0) << JIPC_RING_PID_BITS) | pid;
}

static inline int consumer_gone(uint64_t v)
{
    if (v == 0)
        return 0; /* none yet: one may come */
    if (v & JIPC_RING_CONSUMER_LEFT)
        return 1;
    return !jipc_ring_process_alive((int32_t)(v & ((1u << JIPC_RING_PID_BITS) - 1)),
                                    (long long)(v >> JIPC_RING_PID_BITS));
}

static inline long long remaining(long long deadline)
{
    return deadline < 0 ? -1 : deadline - now_ns();
}

#endif
