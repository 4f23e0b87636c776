#include "jipc_ring.h"

#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NONE UINT64_MAX

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

static uint32_t *u32(jipc_ring *r, int off) { return (uint32_t *)(r->base + off); }
static uint64_t *u64(jipc_ring *r, int off) { return (uint64_t *)(r->base + off); }
static uint64_t *state_of(jipc_ring *r, uint64_t pos) { return (uint64_t *)(r->data + (pos & (r->capacity - 1))); }
static uint64_t *stamp_of(jipc_ring *r, uint64_t pos) { return state_of(r, pos) + 1; }
static uint8_t *slot_of(jipc_ring *r, int i) { return r->base + JIPC_RING_OFF_PRODUCERS + i * JIPC_RING_SLOT_LENGTH; }
static uint64_t *slot_owner(jipc_ring *r, int i) { return (uint64_t *)(slot_of(r, i) + JIPC_RING_SLOT_OWNER); }
static uint64_t *slot_position(jipc_ring *r, int i) { return (uint64_t *)(slot_of(r, i) + JIPC_RING_SLOT_POSITION); }
static uint32_t *slot_record(jipc_ring *r, int i) { return (uint32_t *)(slot_of(r, i) + JIPC_RING_SLOT_RECORD); }
static uint32_t record_length(uint32_t payload)
{
    return (JIPC_RING_RECORD_HEADER + payload + JIPC_RING_RECORD_ALIGNMENT - 1) & ~(uint32_t)(JIPC_RING_RECORD_ALIGNMENT - 1);
}
static uint64_t pack(uint32_t pid, int32_t length) { return ((uint64_t)pid << 32) | (uint32_t)length; }

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int futex_wait(uint32_t *word, uint32_t expected, long long timeout_ns)
{
    struct timespec ts = { (time_t)(timeout_ns / 1000000000LL), (long)(timeout_ns % 1000000000LL) };
    long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout_ns >= 0 ? &ts : NULL, NULL, 0);
    return rc < 0 ? -errno : 0;
}

static void futex_wake(uint32_t *word, int n)
{
    syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

void jipc_ring_layout(int32_t out[JIPC_RING_LAYOUT_LENGTH])
{
    const int32_t v[JIPC_RING_LAYOUT_LENGTH] = {
        (int32_t)JIPC_RING_MAGIC, JIPC_RING_VERSION, JIPC_RING_SPSC, JIPC_RING_MPSC,
        JIPC_RING_HEADER_LENGTH, JIPC_RING_ALIGNMENT, JIPC_RING_OFF_MAGIC, JIPC_RING_OFF_VERSION,
        JIPC_RING_OFF_KIND, JIPC_RING_OFF_CAPACITY, JIPC_RING_OFF_MAX_MESSAGE, JIPC_RING_OFF_CONSUMER,
        JIPC_RING_OFF_TAIL, JIPC_RING_OFF_HEAD, JIPC_RING_OFF_CONSUMER_SLEEPING, JIPC_RING_OFF_PRODUCERS_WAITING,
        JIPC_RING_RECORD_HEADER, JIPC_RING_RECORD_ALIGNMENT, JIPC_RING_REC_STATE, JIPC_RING_REC_STAMP,
        JIPC_RING_PADDING, JIPC_RING_MIN_CAPACITY, (int32_t)JIPC_RING_MAX_CAPACITY, JIPC_RING_PID_BITS,
        (int32_t)(JIPC_RING_DEAD_CLAIM_NS / 1000), (int32_t)(JIPC_RING_LIVENESS_NS / 1000),
        JIPC_RING_OFF_PRODUCERS, JIPC_RING_PRODUCER_SLOTS, JIPC_RING_SLOT_LENGTH, JIPC_RING_SLOT_OWNER,
        JIPC_RING_SLOT_POSITION, JIPC_RING_SLOT_RECORD,
    };
    memcpy(out, v, sizeof v);
}

size_t jipc_ring_size(uint32_t capacity)
{
    return (size_t)JIPC_RING_HEADER_LENGTH + capacity;
}

static int valid(uint32_t capacity, uint32_t max_message, int kind)
{
    return capacity >= JIPC_RING_MIN_CAPACITY && capacity <= JIPC_RING_MAX_CAPACITY
           && (capacity & (capacity - 1)) == 0 && max_message > 0
           && max_message <= capacity - JIPC_RING_RECORD_HEADER
           && (kind == JIPC_RING_SPSC || kind == JIPC_RING_MPSC);
}

int jipc_ring_init(void *mem, size_t length, uint32_t capacity, uint32_t max_message, int kind)
{
    if (mem == NULL || ((uintptr_t)mem & (JIPC_RING_ALIGNMENT - 1)) != 0 || !valid(capacity, max_message, kind))
        return -EINVAL;
    if (length < jipc_ring_size(capacity))
        return -EINVAL;
    uint8_t *b = mem;
    __atomic_store_n((uint32_t *)(b + JIPC_RING_OFF_MAGIC), 0, __ATOMIC_RELAXED);
    memset(b + 4, 0, jipc_ring_size(capacity) - 4);
    *(uint32_t *)(b + JIPC_RING_OFF_VERSION) = JIPC_RING_VERSION;
    *(uint32_t *)(b + JIPC_RING_OFF_KIND) = (uint32_t)kind;
    *(uint32_t *)(b + JIPC_RING_OFF_CAPACITY) = capacity;
    *(uint32_t *)(b + JIPC_RING_OFF_MAX_MESSAGE) = max_message;
    for (int i = 0; i < JIPC_RING_PRODUCER_SLOTS; i++) /* no intent: never a position */
        *(uint64_t *)(b + JIPC_RING_OFF_PRODUCERS + i * JIPC_RING_SLOT_LENGTH + JIPC_RING_SLOT_POSITION) = NONE;
    __atomic_store_n((uint32_t *)(b + JIPC_RING_OFF_MAGIC), JIPC_RING_MAGIC, __ATOMIC_RELEASE);
    return 0;
}

int jipc_ring_attach(jipc_ring *r, void *mem, size_t length)
{
    uint8_t *b = mem;
    if (mem == NULL || ((uintptr_t)mem & (JIPC_RING_ALIGNMENT - 1)) != 0 || length < JIPC_RING_HEADER_LENGTH)
        return -EINVAL;
    if (__atomic_load_n((uint32_t *)(b + JIPC_RING_OFF_MAGIC), __ATOMIC_ACQUIRE) != JIPC_RING_MAGIC
        || *(uint32_t *)(b + JIPC_RING_OFF_VERSION) != JIPC_RING_VERSION)
        return -EINVAL;
    uint32_t capacity = *(uint32_t *)(b + JIPC_RING_OFF_CAPACITY);
    uint32_t max = *(uint32_t *)(b + JIPC_RING_OFF_MAX_MESSAGE);
    int kind = (int)*(uint32_t *)(b + JIPC_RING_OFF_KIND);
    if (!valid(capacity, max, kind))
        return -EINVAL;
    if (length < jipc_ring_size(capacity))
        return -ENOSPC;
    memset(r, 0, sizeof *r);
    r->base = b;
    r->data = b + JIPC_RING_HEADER_LENGTH;
    r->capacity = capacity;
    r->max_message = max;
    r->kind = kind;
    r->pid = (uint32_t)getpid();
    r->claim = NONE;
    r->reading = NONE;
    r->stuck_at = NONE;
    r->slot = -1;
    r->head_cache = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
    r->head = r->head_cache;
    return 0;
}

static uint64_t consumer_value(uint32_t pid);
static int consumer_gone(uint64_t v);

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
        if (need != rec)
            continue;
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
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32_t *sleeping = u32(r, JIPC_RING_OFF_CONSUMER_SLEEPING);
    if (__atomic_load_n(sleeping, __ATOMIC_RELAXED) != 0 && __atomic_exchange_n(sleeping, 0, __ATOMIC_SEQ_CST) != 0)
        futex_wake(sleeping, 1);
    return 0;
}

long long jipc_ring_process_start(int32_t pid)
{
    char path[32], buf[1024];
    snprintf(path, sizeof path, "%d/stat", (int)pid);
    /*
     * Relative to a /proc descriptor, for this process too: an emulator
     * (qemu-user) answers an absolute /proc/<own pid>/stat itself, with each
     * thread's own start time, which would differ from what other processes
     * and threads read for the same process.
     */
    int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -errno;
    int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
    int open_err = errno;
    close(dir);
    if (fd < 0)
        return -open_err;
    ssize_t n;
    do {
        n = read(fd, buf, sizeof buf - 1);
    } while (n < 0 && errno == EINTR);
    int err = errno;
    close(fd);
    if (n <= 0)
        return n < 0 ? -err : -ENOENT;
    buf[n] = 0;
    /* After the command's closing parenthesis: field 3 (state) ... field 22 (starttime). */
    char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return -EINVAL;
    char state = p[2];
    if (state == 'Z' || state == 'X' || state == 'x')
        return -ESRCH;
    unsigned long long start = 0;
    int field = 3;
    for (p += 2; *p && field < 22; p++)
        if (*p == ' ')
            field++;
    if (field != 22 || sscanf(p, "%llu", &start) != 1)
        return -EINVAL;
    return (long long)start;
}

int jipc_ring_process_alive(int32_t pid, long long start)
{
    if (pid <= 0)
        return 0;
    long long s = jipc_ring_process_start(pid);
    if (s == -EACCES || s == -EPERM)
        return 1;
    return s >= 0 && (start <= 0 || s == start);
}

static uint64_t consumer_value(uint32_t pid)
{
    long long start = jipc_ring_process_start((int32_t)pid);
    return ((uint64_t)(start > 0 ? start : 0) << JIPC_RING_PID_BITS) | pid;
}

static int consumer_gone(uint64_t v)
{
    if (v == 0)
        return 0; /* none yet: one may come */
    if (v & JIPC_RING_CONSUMER_LEFT)
        return 1;
    return !jipc_ring_process_alive((int32_t)(v & ((1u << JIPC_RING_PID_BITS) - 1)),
                                    (long long)(v >> JIPC_RING_PID_BITS));
}

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

static long long remaining(long long deadline)
{
    return deadline < 0 ? -1 : deadline - now_ns();
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
