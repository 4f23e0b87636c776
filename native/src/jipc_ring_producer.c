/* The ring's producer side: claim, commit and the waiting claim (jipc_ring.h). */
#include "jipc_ring_internal.h"

#include <sched.h>

/*
 * Test hook: compiled only into test programs (-DJIPC_RING_TEST_HOOKS, never
 * into libjipc), called between a multi-producer claim's compare-and-swap of
 * tail and its header stores, so a test can kill the producer exactly there.
 */
#ifdef JIPC_RING_TEST_HOOKS
void (*jipc_ring_test_after_cas)(void);
#define AFTER_CAS() do { if (jipc_ring_test_after_cas != NULL) jipc_ring_test_after_cas(); } while (0)
#else
#define AFTER_CAS() ((void)0)
#endif

/* A free slot, or a dead owner's whose intent the consumer has passed. */
static int take_slot(jipc_ring *r)
{
    uint64_t mine = consumer_value(r->pid);
    for (int i = 0; i < JIPC_RING_PRODUCER_SLOTS; i++) {
        uint64_t v = __atomic_load_n(slot_owner(r, i), __ATOMIC_ACQUIRE);
        if (v != 0) {
            uint64_t head = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
            if (!consumer_gone(v) || (int64_t)(__atomic_load_n(slot_position(r, i), __ATOMIC_ACQUIRE) - head) >= 0)
                continue;
        }
        if (__atomic_compare_exchange_n(slot_owner(r, i), &v, mine, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
            __atomic_store_n(slot_position(r, i), NONE, __ATOMIC_RELAXED);
            r->slot = i;
            return 0;
        }
    }
    return -EUSERS;
}

void jipc_ring_producer_detach(jipc_ring *r)
{
    if (r->slot < 0)
        return;
    __atomic_store_n(slot_owner(r, r->slot), 0, __ATOMIC_RELEASE);
    r->slot = -1;
}

/* Wakes the consumer if it sleeps (one futex(2) call, only then): after a record it can read, or padding it skips. */
static void wake_consumer(jipc_ring *r)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32_t *sleeping = u32(r, JIPC_RING_OFF_CONSUMER_SLEEPING);
    if (__atomic_load_n(sleeping, __ATOMIC_RELAXED) != 0 && __atomic_exchange_n(sleeping, 0, __ATOMIC_SEQ_CST) != 0)
        futex_wake(sleeping, 1);
}

int jipc_ring_claim(jipc_ring *r, uint32_t length, void **at)
{
    if (r->claim != NONE)
        return -EALREADY;
    if (length > r->max_message)
        return -EMSGSIZE;
    uint32_t rec = record_length(length);
    uint64_t *tail = u64(r, JIPC_RING_OFF_TAIL);
    if (r->kind == JIPC_RING_MPSC && r->slot < 0) {
        int rc = take_slot(r);
        if (rc < 0)
            return rc;
    }
    for (;;) {
        uint64_t t = __atomic_load_n(tail, __ATOMIC_RELAXED);
        if (t % JIPC_RING_RECORD_ALIGNMENT != 0)
            return -EBADMSG; /* written by no ring code: a record header there would pass the data's end */
        uint32_t to_end = r->capacity - (uint32_t)(t & (r->capacity - 1));
        uint32_t need = rec > to_end ? to_end : rec; /* padding first when the record does not fit */
        if ((int64_t)(t + need - r->head_cache) > (int64_t)r->capacity) {
            r->head_cache = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
            if ((int64_t)(t + need - r->head_cache) > (int64_t)r->capacity)
                return -EAGAIN;
        }
        int32_t claimed = need == rec ? -1 - (int32_t)length : JIPC_RING_PADDING;
        if (r->kind == JIPC_RING_MPSC) {
            /* The intent first: a consumer can size the record if we die right after the swap. */
            __atomic_store_n(slot_record(r, r->slot), need, __ATOMIC_RELAXED);
            __atomic_store_n(slot_position(r, r->slot), t, __ATOMIC_RELAXED);
            if (!__atomic_compare_exchange_n(tail, &t, t + need, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
                continue;
            AFTER_CAS();
            __atomic_store_n(state_of(r, t), pack(r->pid, claimed), __ATOMIC_RELAXED);
            __atomic_store_n(stamp_of(r, t), t + 1, __ATOMIC_RELEASE);
        } else {
            /* The header before tail: dying anywhere leaves nothing, or a stamped claim. */
            __atomic_store_n(state_of(r, t), pack(r->pid, claimed), __ATOMIC_RELAXED);
            __atomic_store_n(stamp_of(r, t), t + 1, __ATOMIC_RELEASE);
            __atomic_store_n(tail, t + need, __ATOMIC_RELEASE);
        }
        if (need != rec) {
            /* Padding is ready for the consumer at once, and only its skipping frees the room this claim
             * waits for: a sleeping consumer is woken for it, as a commit would, or both sides would wait. */
            wake_consumer(r);
            continue;
        }
        r->claim = t;
        r->claim_length = length;
        *at = (uint8_t *)state_of(r, t) + JIPC_RING_RECORD_HEADER;
        return 0;
    }
}

int jipc_ring_commit(jipc_ring *r)
{
    if (r->claim == NONE)
        return -EINVAL;
    __atomic_store_n(state_of(r, r->claim), pack(r->pid, (int32_t)r->claim_length), __ATOMIC_RELEASE);
    r->claim = NONE;
    wake_consumer(r);
    return 0;
}

int jipc_ring_claim_wait(jipc_ring *r, uint32_t length, void **at, long long spin_ns, long long timeout_ns)
{
    long long start = now_ns();
    long long deadline = timeout_ns < 0 ? -1 : start + timeout_ns;
    uint32_t *waiting = u32(r, JIPC_RING_OFF_PRODUCERS_WAITING);
    long long next_look = start + JIPC_RING_LIVENESS_NS;
    for (unsigned i = 0;; i++) {
        int rc = jipc_ring_claim(r, length, at);
        if (rc != -EAGAIN)
            return rc;
        if ((i & 63) == 0) {
            long long now = now_ns();
            if (deadline >= 0 && now >= deadline)
                return -ETIMEDOUT;
            if (now - start >= spin_ns)
                break;
            if (now >= next_look) { /* a long spin still notices a dead consumer */
                if (consumer_gone(__atomic_load_n(u64(r, JIPC_RING_OFF_CONSUMER), __ATOMIC_ACQUIRE)))
                    return -EPIPE;
                next_look = now + JIPC_RING_LIVENESS_NS;
            }
            /* The other side may be waiting for this CPU: let it run. */
            if (now - start >= JIPC_RING_YIELD_AFTER_NS)
                sched_yield();
        }
        jipc_ring_pause();
    }
    for (;;) {
        if (consumer_gone(__atomic_load_n(u64(r, JIPC_RING_OFF_CONSUMER), __ATOMIC_ACQUIRE)))
            return -EPIPE;
        __atomic_store_n(waiting, 1, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        int rc = jipc_ring_claim(r, length, at);
        if (rc != -EAGAIN)
            return rc;
        long long left = remaining(deadline);
        if (deadline >= 0 && left <= 0)
            return -ETIMEDOUT;
        long long slice = left < 0 || left > JIPC_RING_LIVENESS_NS ? JIPC_RING_LIVENESS_NS : left;
        rc = futex_wait(waiting, 1, slice);
        if (rc < 0 && rc != -EAGAIN && rc != -EINTR && rc != -ETIMEDOUT)
            return rc;
    }
}
