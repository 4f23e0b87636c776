/*
 * jipc_ring.h - a ring of variable-length messages in shared memory, single-
 * or multi-producer, single consumer, that a JVM (io.github.jipc.MessageRing,
 * layout in io.github.jipc.RingLayout) and C programs share. Zero-copy: a
 * producer claims room, writes the message in place and commits it; the
 * consumer reads it in place and releases it. Waiting is adaptive: spin for
 * a bounded time, then sleep on a futex word that the other side wakes only
 * when the sleeper said it sleeps, so no system call is made while both sides
 * are awake.
 *
 * Layout (offsets from the ring's start, which must be 128-byte aligned; a
 * mapping's start is page-aligned). Fields written by different sides sit on
 * separate 128-byte lines (two 64-byte lines on x86, one line on some arm64).
 *
 *  off  size  field              written by / ordering
 *    0     4  magic              init, store-release LAST; attach load-acquire
 *    4     4  version            init (before magic)
 *    8     4  kind               init: JIPC_RING_SPSC or JIPC_RING_MPSC
 *   12     4  capacity           init: bytes of the data area, a power of two
 *   16     4  max_message        init: largest payload in bytes
 *   24     8  consumer           compare-and-swap (seq_cst) by the consumer on
 *                                attach/detach: 0 never attached; bit 63 set:
 *                                the consumer left; else (start << 22) | pid,
 *                                start being the process's start time in clock
 *                                ticks (/proc/<pid>/stat field 22) so a reused
 *                                pid is not taken for the consumer. Producers
 *                                read it (acquire) only while the ring is full.
 *  128     8  tail               producers: position after the last claim.
 *                                SPSC: store-release AFTER the record header
 *                                (below); MPSC: compare-and-swap (seq_cst)
 *                                after the producer's intent. Producers read
 *                                it; the consumer reads it (acquire) only
 *                                when the record at its head has no stamp.
 *  256     8  head               consumer: position after the last released
 *                                record, store-release (the consumer's reads
 *                                of the record happen before); producers
 *                                load-acquire it before reusing the space.
 *  384     4  consumer_sleeping  futex word. The consumer stores 1 (seq_cst),
 *                                issues a seq_cst fence, re-checks the head
 *                                record, then FUTEX_WAITs while it is 1. A
 *                                producer, after its commit, issues a seq_cst
 *                                fence and, if the word is not 0, exchanges it
 *                                with 0 and FUTEX_WAKEs (Dekker: one of the
 *                                two sees the other's store).
 *  512     4  producers_waiting  futex word, the same protocol the other way:
 *                                a producer finding the ring full stores 1,
 *                                fences, re-reads head, sleeps; the consumer,
 *                                after storing head, fences and wakes all if
 *                                the word is not 0.
 *  640  2048  producer slots     JIPC_RING_PRODUCER_SLOTS slots of 64 bytes,
 *                                MPSC only, one per producer handle:
 *     +0   8    owner             0 free, else (start << 22) | pid as for the
 *                                consumer; taken by compare-and-swap (free,
 *                                or a dead owner's whose intent is behind
 *                                head), given back (store-release) on detach
 *     +8   8    intent position   (all ones: none; init writes that) the tail value this producer is about to
 *    +16   4    intent length     claim from, and the record length it adds:
 *                                relaxed stores BEFORE the tail compare-and-
 *                                swap (whose release orders them first)
 * 2688        data               capacity bytes of records
 *
 * Positions are byte counts since init (64-bit, never wrap in practice); a
 * record at position p sits at data + (p & (capacity - 1)). Records are
 * 16-byte aligned; each starts with a 16-byte header:
 *
 *    0     8  state   low 32 bits (int32): >= 0 committed payload length;
 *                     -1 - L while claimed for a payload of L bytes;
 *                     JIPC_RING_PADDING: skip to the end of the data area.
 *                     High 32 bits: the pid of the producer that claimed it;
 *                     0 in a claimed record abandoned by its producer, which
 *                     the consumer skips at once.
 *                     Claim: relaxed store before the stamp; commit: store-
 *                     release after the payload; consumer: load-acquire.
 *    8     8  stamp   position + 1 of this record, store-release after the
 *                     claimed state; the consumer load-acquires it and takes
 *                     the record only if it matches its head (zeroed or stale
 *                     memory of an earlier lap never matches).
 *   16        payload, then padding up to the next 16-byte boundary.
 *
 * A record that does not fit before the end of the data area is preceded by
 * a padding record that fills it. A claimed record whose producer process is
 * dead (checked after JIPC_RING_DEAD_CLAIM_NS) is skipped by the consumer.
 *
 * A producer killed mid-claim. SPSC: the single producer writes the record
 * header (state, then stamp) before it moves tail, so a producer killed at
 * any point leaves either nothing (tail unmoved: the next producer claims the
 * same place again) or a stamped claim with its pid, skipped by the rule
 * above; nothing is added to the hot path. MPSC: producers race for tail,
 * so the header can only follow the compare-and-swap; a producer killed
 * between the two would leave a record nobody can size. So each producer
 * first publishes its intent (position, record length) in its slot, then
 * swaps tail. A consumer that finds no stamp at its head while tail is past
 * it for longer than JIPC_RING_DEAD_CLAIM_NS reads the slots whose intent is
 * its head: if any owner lives it waits (a slow claimer, or a loser of the
 * race about to retry); once all are dead it skips the record by the
 * intent's length. Several dead intents of different lengths at one
 * position (two producers killed in the same few instructions, one of which
 * lost the race) are told apart by which length ends on a record boundary
 * (tail, a stamp, or another intent); if that does not settle it, read
 * reports -EBADMSG. Live producers never wait for anyone: lock-free.
 */
#ifndef JIPC_RING_H
#define JIPC_RING_H

#include "jipc_common.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JIPC_RING_MAGIC 0x4A524E47u /* "JRNG" */
#define JIPC_RING_VERSION 2
#define JIPC_RING_SPSC 0
#define JIPC_RING_MPSC 1

#define JIPC_RING_OFF_MAGIC 0
#define JIPC_RING_OFF_VERSION 4
#define JIPC_RING_OFF_KIND 8
#define JIPC_RING_OFF_CAPACITY 12
#define JIPC_RING_OFF_MAX_MESSAGE 16
#define JIPC_RING_OFF_CONSUMER 24
#define JIPC_RING_OFF_TAIL 128
#define JIPC_RING_OFF_HEAD 256
#define JIPC_RING_OFF_CONSUMER_SLEEPING 384
#define JIPC_RING_OFF_PRODUCERS_WAITING 512
#define JIPC_RING_OFF_PRODUCERS 640
#define JIPC_RING_PRODUCER_SLOTS 32
#define JIPC_RING_SLOT_LENGTH 64
#define JIPC_RING_SLOT_OWNER 0
#define JIPC_RING_SLOT_POSITION 8
#define JIPC_RING_SLOT_RECORD 16
#define JIPC_RING_HEADER_LENGTH 2688
#define JIPC_RING_ALIGNMENT 128

#define JIPC_RING_RECORD_HEADER 16
#define JIPC_RING_RECORD_ALIGNMENT 16
#define JIPC_RING_REC_STATE 0
#define JIPC_RING_REC_STAMP 8
#define JIPC_RING_PADDING INT32_MIN
#define JIPC_RING_MIN_CAPACITY 128
#define JIPC_RING_MAX_CAPACITY (1u << 30)
/* The consumer word's value once the consumer left. */
#define JIPC_RING_CONSUMER_LEFT (1ull << 63)
#define JIPC_RING_PID_BITS 22
/* How long a claim stays uncommitted before the consumer asks whether its producer lives. */
#define JIPC_RING_DEAD_CLAIM_NS 10000000LL
/*
 * A spinning wait yields its CPU (sched_yield) every 64 checks once it has
 * spun this long: on a busy machine the other side may be waiting for that
 * very CPU, and a spin that holds it only delays the message it waits for.
 */
#define JIPC_RING_YIELD_AFTER_NS 2000LL
/* Sleeping producers look at the consumer's liveness at least this often. */
#define JIPC_RING_LIVENESS_NS 100000000LL

/* A process's handle on a ring: one per producer or consumer, used by one thread at a time. */
typedef struct jipc_ring {
    uint8_t *base;
    uint8_t *data;
    uint32_t capacity;
    uint32_t max_message;
    int kind;
    uint32_t pid;
    uint64_t head_cache; /* producer: head as last read */
    uint64_t claim;      /* producer: position of the open claim, UINT64_MAX if none */
    uint32_t claim_length;
    uint64_t head;       /* consumer: its head */
    uint64_t reading;    /* consumer: position of the record held, UINT64_MAX if none */
    uint32_t reading_length;
    uint64_t stuck_at;   /* consumer: a claimed or unstamped record at head seen since stuck_since */
    long long stuck_since;
    int slot;            /* MPSC producer: its slot, -1 until the first claim */
    uint32_t polls;      /* consumer: empty reads, to look at tail now and then */
} jipc_ring;

/*
 * The layout as numbers, for bindings that must not copy literals: out[0..25]
 * = magic, version, SPSC, MPSC, header length, alignment, the offsets of
 * magic, version, kind, capacity, max_message, consumer, tail, head,
 * consumer_sleeping, producers_waiting, record header length, record
 * alignment, state and stamp offsets in a record, PADDING, min and max
 * capacity, pid bits, dead-claim and liveness delays in microseconds, then
 * the producer slots' offset, count and length, and the owner, intent
 * position and intent length offsets in a slot.
 */
#define JIPC_RING_LAYOUT_LENGTH 32
JIPC_API void jipc_ring_layout(int32_t out[JIPC_RING_LAYOUT_LENGTH]);

/* The bytes a ring with capacity bytes of data needs. */
JIPC_API size_t jipc_ring_size(uint32_t capacity);
/*
 * Makes a new ring in mem (length bytes, 128-byte aligned): zeroes it and
 * writes the header, magic last. Nobody may use the memory meanwhile.
 * -EINVAL for a capacity that is no power of two in [128, 2^30], a
 * max_message of 0 or above capacity - 16, a bad kind, misaligned or short memory.
 */
JIPC_API int jipc_ring_init(void *mem, size_t length, uint32_t capacity, uint32_t max_message, int kind);
/* Fills r for the ring in mem; -EINVAL for no ring (magic, version, sizes), -ENOSPC if length is short. */
JIPC_API int jipc_ring_attach(jipc_ring *r, void *mem, size_t length);

/*
 * Producer. Claims room for a payload of length bytes: *at points at it.
 * 0, -EAGAIN if the ring is full, -EMSGSIZE above max_message, -EALREADY
 * if this handle has an uncommitted claim, -EBADMSG if the shared tail is not
 * on a record boundary (no ring code wrote it: it is never indexed).
 */
JIPC_API int jipc_ring_claim(jipc_ring *r, uint32_t length, void **at);
/*
 * (claim, continued) In a multi-producer ring the first claim takes a producer
 * slot: -EUSERS when all JIPC_RING_PRODUCER_SLOTS are held by live producers.
 */
/* Gives a multi-producer handle's slot back (no claim may be open); nothing for SPSC. */
JIPC_API void jipc_ring_producer_detach(jipc_ring *r);
/* Publishes the claim and wakes a sleeping consumer. 0, or -EINVAL without a claim. */
JIPC_API int jipc_ring_commit(jipc_ring *r);
/*
 * Claims, waiting while the ring is full: spins spin_ns, then sleeps on
 * producers_waiting (timeout_ns < 0: no limit). 0, -ETIMEDOUT, -EPIPE when
 * the consumer died or left, or claim's errors.
 */
JIPC_API int jipc_ring_claim_wait(jipc_ring *r, uint32_t length, void **at, long long spin_ns, long long timeout_ns);

/*
 * Consumer: takes the ring's consumer role. 0, -EBUSY if a live process has
 * it, -EBADMSG (the role left as it was) if the shared head is not on a
 * record boundary.
 */
JIPC_API int jipc_ring_consumer_attach(jipc_ring *r);
/* Gives the role up: producers waiting on a full ring get -EPIPE. */
JIPC_API void jipc_ring_consumer_detach(jipc_ring *r);
/*
 * The next message: its payload length (*at points at it, valid until
 * release), -EAGAIN if none, -EALREADY if one is held, -EBADMSG if the
 * header is corrupt. Skips padding and the claims of dead producers, looking
 * at tail and the producer slots every 1024th empty read (see above).
 * Reading and releasing are the consumer's: only the handle that holds the
 * role (jipc_ring_consumer_attach) may call them. They do not check it (a
 * check would cost every read a look at the role's word), and a second
 * reader would deliver messages twice and move the shared head back.
 */
JIPC_API int jipc_ring_read(jipc_ring *r, const void **at);
/* Frees the message held and wakes waiting producers. 0, or -EINVAL if none is held. */
JIPC_API int jipc_ring_release(jipc_ring *r);
/* Reads, waiting while the ring is empty: spins spin_ns, then sleeps. -ETIMEDOUT or read's results. */
JIPC_API int jipc_ring_read_wait(jipc_ring *r, const void **at, long long spin_ns, long long timeout_ns);

/* The start time of process pid in clock ticks (/proc/<pid>/stat field 22), or -errno. */
JIPC_API long long jipc_ring_process_start(int32_t pid);
/* 1 if pid runs (not a zombie) and, when start > 0, started at start; 0 otherwise. */
JIPC_API int jipc_ring_process_alive(int32_t pid, long long start);

/* A spin-loop hint to the CPU (pause, yield), or nothing where there is none. */
static inline void jipc_ring_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#else
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

#ifdef __cplusplus
}
#endif

#endif
