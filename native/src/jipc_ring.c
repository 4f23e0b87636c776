/* The ring's layout, init, attach and process liveness; producer and consumer sides in their own files. */
#include "jipc_ring_internal.h"

#include <stdio.h>
#include <string.h>

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
