/* The ring's consumer side: the role, read, release and the waiting read (jipc_ring.h). */
#include "jipc_ring_internal.h"

#include <sched.h>

int jipc_ring_consumer_attach(jipc_ring *r)
{
    uint64_t *w = u64(r, JIPC_RING_OFF_CONSUMER);
    uint64_t mine = consumer_value(r->pid);
    uint64_t v = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    for (;;) {
        if (v != 0 && !consumer_gone(v))
            return -EBUSY;
        if (__atomic_compare_exchange_n(w, &v, mine, 0, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
            break;
    }
    uint64_t head = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
    if (head % JIPC_RING_RECORD_ALIGNMENT != 0) {
        /* Not a head this code wrote (a record header there would pass the data's end): the role goes back. */
        __atomic_compare_exchange_n(w, &mine, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
        return -EBADMSG;
    }
    r->head = head;
    r->reading = NONE;
    return 0;
}

void jipc_ring_consumer_detach(jipc_ring *r)
{
    uint64_t *w = u64(r, JIPC_RING_OFF_CONSUMER);
    uint64_t mine = consumer_value(r->pid);
    __atomic_compare_exchange_n(w, &mine, JIPC_RING_CONSUMER_LEFT, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    uint32_t *waiting = u32(r, JIPC_RING_OFF_PRODUCERS_WAITING);
    __atomic_store_n(waiting, 0, __ATOMIC_SEQ_CST);
    futex_wake(waiting, INT32_MAX);
}

static void advance(jipc_ring *r, uint32_t by)
{
    r->head += by;
    __atomic_store_n(u64(r, JIPC_RING_OFF_HEAD), r->head, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32_t *waiting = u32(r, JIPC_RING_OFF_PRODUCERS_WAITING);
    if (__atomic_load_n(waiting, __ATOMIC_RELAXED) != 0 && __atomic_exchange_n(waiting, 0, __ATOMIC_SEQ_CST) != 0)
        futex_wake(waiting, INT32_MAX);
}

/* Whether a record boundary is at pos: tail, a stamp, or another producer's intent. */
static int boundary(jipc_ring *r, uint64_t pos, uint64_t tail)
{
    if (pos == tail || __atomic_load_n(stamp_of(r, pos), __ATOMIC_ACQUIRE) == pos + 1)
        return 1;
    for (int i = 0; i < JIPC_RING_PRODUCER_SLOTS; i++)
        if (__atomic_load_n(slot_owner(r, i), __ATOMIC_ACQUIRE) != 0
            && __atomic_load_n(slot_position(r, i), __ATOMIC_ACQUIRE) == pos)
            return 1;
    return 0;
}

/*
 * No stamp at head h of a multi-producer ring: the record length to skip if
 * tail is past h and every producer whose intent is h has been dead for the
 * dead-claim delay, 0 to keep waiting, -EBADMSG if dead intents disagree.
 */
static long long unstamped(jipc_ring *r, uint64_t h)
{
    uint64_t tail = __atomic_load_n(u64(r, JIPC_RING_OFF_TAIL), __ATOMIC_ACQUIRE);
    if (tail == h) {
        r->stuck_at = NONE; /* nothing claimed: nothing to wait for */
        return 0;
    }
    long long now = now_ns();
    if (r->stuck_at != h) {
        r->stuck_at = h;
        r->stuck_since = now;
        return 0;
    }
    if (now - r->stuck_since < JIPC_RING_DEAD_CLAIM_NS)
        return 0;
    r->stuck_since = now;
    uint32_t found[JIPC_RING_PRODUCER_SLOTS];
    int n = 0;
    for (int i = 0; i < JIPC_RING_PRODUCER_SLOTS; i++) {
        uint64_t owner = __atomic_load_n(slot_owner(r, i), __ATOMIC_ACQUIRE);
        if (owner == 0 || __atomic_load_n(slot_position(r, i), __ATOMIC_ACQUIRE) != h)
            continue;
        if (!consumer_gone(owner))
            return 0; /* a live claimer: slow, or about to retry */
        uint32_t rec = __atomic_load_n(slot_record(r, i), __ATOMIC_RELAXED);
        if (rec == 0 || rec % JIPC_RING_RECORD_ALIGNMENT != 0 || (h & (r->capacity - 1)) + rec > r->capacity
            || (int64_t)(tail - h - rec) < 0)
            continue; /* not a claim that can have won */
        int k = 0;
        while (k < n && found[k] != rec)
            k++;
        if (k == n)
            found[n++] = rec;
    }
    if (n == 1)
        return found[0];
    int ok = -1;
    for (int k = 0; k < n; k++)
        if (boundary(r, h + found[k], tail))
            ok = ok == -1 ? k : -2;
    if (n == 0)
        return 0;
    return ok >= 0 ? (long long)found[ok] : -EBADMSG;
}

static int read_next(jipc_ring *r, const void **at, int look);

int jipc_ring_read(jipc_ring *r, const void **at)
{
    return read_next(r, at, r->kind == JIPC_RING_MPSC && (++r->polls & 1023) == 0);
}

static int read_next(jipc_ring *r, const void **at, int look)
{
    if (r->reading != NONE)
        return -EALREADY;
    for (;;) {
        uint64_t h = r->head;
        if (__atomic_load_n(stamp_of(r, h), __ATOMIC_ACQUIRE) != h + 1) {
            long long skip = look && r->kind == JIPC_RING_MPSC ? unstamped(r, h) : 0;
            if (skip < 0)
                return (int)skip;
            if (skip == 0)
                return -EAGAIN;
            r->stuck_at = NONE;
            advance(r, (uint32_t)skip);
            continue;
        }
        uint64_t st = __atomic_load_n(state_of(r, h), __ATOMIC_ACQUIRE);
        int32_t len = (int32_t)(uint32_t)st;
        uint32_t idx = (uint32_t)(h & (r->capacity - 1));
        if (len == JIPC_RING_PADDING) {
            advance(r, r->capacity - idx);
            continue;
        }
        uint32_t payload = len < 0 ? (uint32_t)(-1 - len) : (uint32_t)len;
        if (payload > r->max_message || idx + record_length(payload) > r->capacity)
            return -EBADMSG;
        if (len < 0) {
            /* Claimed: being written, or its producer died (pid 0: abandoned by a closed handle). */
            if ((st >> 32) == 0) {
                advance(r, record_length(payload));
                continue;
            }
            long long now = now_ns();
            if (r->stuck_at != h) {
                r->stuck_at = h;
                r->stuck_since = now;
                return -EAGAIN;
            }
            if (now - r->stuck_since < JIPC_RING_DEAD_CLAIM_NS)
                return -EAGAIN;
            if (jipc_ring_process_alive((int32_t)(st >> 32), 0)) {
                r->stuck_since = now;
                return -EAGAIN;
            }
            r->stuck_at = NONE;
            advance(r, record_length(payload));
            continue;
        }
        r->reading = h;
        r->reading_length = record_length(payload);
        *at = (const uint8_t *)state_of(r, h) + JIPC_RING_RECORD_HEADER;
        return len;
    }
}

int jipc_ring_release(jipc_ring *r)
{
    if (r->reading == NONE)
        return -EINVAL;
    r->reading = NONE;
    advance(r, r->reading_length);
    return 0;
}

int jipc_ring_read_wait(jipc_ring *r, const void **at, long long spin_ns, long long timeout_ns)
{
    long long start = now_ns();
    long long deadline = timeout_ns < 0 ? -1 : start + timeout_ns;
    uint32_t *sleeping = u32(r, JIPC_RING_OFF_CONSUMER_SLEEPING);
    for (unsigned i = 0;; i++) {
        int n = jipc_ring_read(r, at);
        if (n != -EAGAIN)
            return n;
        if ((i & 63) == 0) {
            long long now = now_ns();
            if (deadline >= 0 && now >= deadline)
                return -ETIMEDOUT;
            if (now - start >= spin_ns)
                break;
            /* The other side may be waiting for this CPU: let it run. */
            if (now - start >= JIPC_RING_YIELD_AFTER_NS)
                sched_yield();
        }
        jipc_ring_pause();
    }
    for (;;) {
        __atomic_store_n(sleeping, 1, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        int n = read_next(r, at, 1);
        if (n != -EAGAIN) {
            __atomic_store_n(sleeping, 0, __ATOMIC_RELAXED);
            return n;
        }
        long long left = remaining(deadline);
        if (deadline >= 0 && left <= 0) {
            __atomic_store_n(sleeping, 0, __ATOMIC_RELAXED);
            return -ETIMEDOUT;
        }
        /* A claim at the head is re-examined after the dead-claim delay. */
        long long slice = r->stuck_at == r->head ? JIPC_RING_DEAD_CLAIM_NS : -1;
        if (slice < 0 || (left >= 0 && left < slice))
            slice = left;
        int rc = futex_wait(sleeping, 1, slice);
        if (rc < 0 && rc != -EAGAIN && rc != -EINTR && rc != -ETIMEDOUT)
            return rc;
    }
}
