#include "jipc_ring.h"

#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NONE UINT64_MAX

static uint32_t *u32(jipc_ring *r, int off) { return (uint32_t *)(r->base + off); }
static uint64_t *u64(jipc_ring *r, int off) { return (uint64_t *)(r->base + off); }
static uint64_t *state_of(jipc_ring *r, uint64_t pos) { return (uint64_t *)(r->data + (pos & (r->capacity - 1))); }
static uint64_t *stamp_of(jipc_ring *r, uint64_t pos) { return state_of(r, pos) + 1; }
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
    r->head_cache = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
    r->head = r->head_cache;
    return 0;
}

int jipc_ring_claim(jipc_ring *r, uint32_t length, void **at)
{
    if (r->claim != NONE)
        return -EALREADY;
    if (length > r->max_message)
        return -EMSGSIZE;
    uint32_t rec = record_length(length);
    uint64_t *tail = u64(r, JIPC_RING_OFF_TAIL);
    for (;;) {
        uint64_t t = __atomic_load_n(tail, __ATOMIC_RELAXED);
        uint32_t to_end = r->capacity - (uint32_t)(t & (r->capacity - 1));
        uint32_t need = rec > to_end ? to_end : rec; /* padding first when the record does not fit */
        if ((int64_t)(t + need - r->head_cache) > (int64_t)r->capacity) {
            r->head_cache = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
            if ((int64_t)(t + need - r->head_cache) > (int64_t)r->capacity)
                return -EAGAIN;
        }
        if (r->kind == JIPC_RING_MPSC) {
            if (!__atomic_compare_exchange_n(tail, &t, t + need, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
                continue;
        } else {
            __atomic_store_n(tail, t + need, __ATOMIC_RELAXED);
        }
        int32_t claimed = need == rec ? -1 - (int32_t)length : JIPC_RING_PADDING;
        __atomic_store_n(state_of(r, t), pack(r->pid, claimed), __ATOMIC_RELAXED);
        __atomic_store_n(stamp_of(r, t), t + 1, __ATOMIC_RELEASE);
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
    r->head = __atomic_load_n(u64(r, JIPC_RING_OFF_HEAD), __ATOMIC_ACQUIRE);
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

int jipc_ring_read(jipc_ring *r, const void **at)
{
    if (r->reading != NONE)
        return -EALREADY;
    for (;;) {
        uint64_t h = r->head;
        if (__atomic_load_n(stamp_of(r, h), __ATOMIC_ACQUIRE) != h + 1)
            return -EAGAIN;
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
        int n = jipc_ring_read(r, at);
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
