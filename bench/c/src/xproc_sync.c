/*
 * Shared memory signalled by the kernel instead of a spin flag: the same
 * copies as xproc_shm.c, but a waiter sleeps until the other side signals.
 * Three mechanisms, one layout (the Java side, SignalledShmTransport.java,
 * uses the same):
 *
 *   0    a: sem: a sem_t (round trips: request posted; streams: full slots)
 *           futex: a 32-bit word (round trips: the request's seq + 1, STOP
 *           ends; streams: head, messages published)
 *   64   b: sem: a sem_t (round trips: reply posted; streams: empty slots)
 *           futex: a 32-bit word (round trips: the reply's seq + 1; streams:
 *           tail, messages consumed)
 *   128  stop: 32-bit, streams and sem round trips: 1 ends the child
 *   256  data: as in xproc_shm.c (request then reply; or SLOTS slots)
 *
 * sem: sem_init(3) with pshared 1 in a MAP_SHARED anonymous mapping that the
 * forked child shares, sem_wait(3)/sem_post(3). futex: syscall(SYS_futex)
 * FUTEX_WAIT while the word holds what was seen, FUTEX_WAKE after every store
 * (shared futexes, as jipc's Futex). sysvsem: the sem counts as semaphores 0
 * (a) and 1 (b) of a System V set, semget(IPC_PRIVATE, 2) before the fork,
 * semop(2) -1/+1, IPC_RMID once the child is reaped (and by a third process
 * when the parent is killed first); the words at 0 and 64 unused. eventfd:
 * the same counts as two eventfd(2) counters in semaphore mode, made before
 * the fork (read(2) takes 1, write(2) of 1 gives), the words unused. mutex:
 * the same counts as two counters under a robust process-shared mutex, each
 * with a condition variable (xproc_mutex.c, which gives their layout). No
 * spinning before a wait on either side.
 */
#include "xproc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define OFF_A 0
#define OFF_B 64
#define OFF_STOP 128
#define OFF_DATA 256
#define STREAM_BYTES (1 << 20)
#define STOP UINT32_MAX

static size_t rounded(size_t size)
{
    return (size + 63) & ~(size_t)63;
}

static size_t slots_for(size_t size)
{
    size_t n = STREAM_BYTES / rounded(size);
    return n < 2 ? 2 : n;
}

static unsigned char *map_region(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        xproc_fail("mmap");
    return p;
}

static inline uint32_t *word(unsigned char *region, size_t off)
{
    return (uint32_t *)(void *)(region + off);
}

/* The sysvsem run's set, made before the fork so that the child has it too; -1 for sem_t. */
static int semid = -1;
/* The eventfd run's counters a and b (semaphore mode), made before the fork; -1 otherwise. */
static int efd[2] = { -1, -1 };
/* The mutex run's region (its mutex, counts and conditions); NULL otherwise. */
static unsigned char *mtx;
static int mutex_run;
/* A process that removes the set when this one ends, even killed: it waits for EOF on the pipe. */
static pid_t cleaner = -1;
static int cleaner_pipe = -1;

/* Semaphore a or b: a sem_t in the region, or its number in the System V set. */
struct sig {
    sem_t *posix;
    unsigned short num;
};

static inline struct sig sem(unsigned char *region, size_t off)
{
    return (struct sig){ (sem_t *)(void *)(region + off), off == OFF_A ? 0 : 1 };
}

static void sysv_op(struct sig s, short delta)
{
    struct sembuf op = { s.num, delta, 0 };
    while (semop(semid, &op, 1) < 0)
        if (errno != EINTR)
            xproc_fail("semop");
}

static inline uint32_t load(unsigned char *region, size_t off)
{
    return __atomic_load_n(word(region, off), __ATOMIC_ACQUIRE);
}

static void take(struct sig s)
{
    uint64_t one;
    if (mtx != NULL) {
        xproc_mutex_take(mtx, s.num);
    } else if (efd[0] >= 0) {
        while (read(efd[s.num], &one, sizeof one) < 0)
            if (errno != EINTR)
                xproc_fail("read(eventfd)");
    } else if (semid >= 0)
        sysv_op(s, -1);
    else
        while (sem_wait(s.posix) < 0)
            if (errno != EINTR)
                xproc_fail("sem_wait");
}

static void give(struct sig s)
{
    uint64_t one = 1;
    if (mtx != NULL) {
        xproc_mutex_give(mtx, s.num);
    } else if (efd[0] >= 0) {
        while (write(efd[s.num], &one, sizeof one) < 0)
            if (errno != EINTR)
                xproc_fail("write(eventfd)");
    } else if (semid >= 0)
        sysv_op(s, 1);
    else if (sem_post(s.posix) < 0)
        xproc_fail("sem_post");
}

/* A set of two, a and b at 0, b then given its initial count. */
static void sysv_make(unsigned b)
{
    semid = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    if (semid < 0)
        xproc_fail("semget");
    union semun { /* semctl(2): the caller defines it */
        int val;
        struct semid_ds *buf;
        unsigned short *array;
    } arg = { .val = (int)b };
    if (semctl(semid, 1, SETVAL, arg) < 0) /* a fresh set's values are 0 */
        xproc_fail("semctl SETVAL");
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        xproc_fail("pipe2");
    cleaner = fork();
    if (cleaner < 0)
        xproc_fail("fork");
    if (cleaner == 0) {
        char c;
        close(p[1]);
        while (read(p[0], &c, 1) < 0 && errno == EINTR)
            continue;
        semctl(semid, 0, IPC_RMID); /* EINVAL when the parent removed it already */
        _exit(0);
    }
    close(p[0]);
    cleaner_pipe = p[1];
}

static void sysv_remove(void)
{
    if (semctl(semid, 0, IPC_RMID) < 0)
        xproc_fail("semctl IPC_RMID");
    semid = -1;
    close(cleaner_pipe);
    while (waitpid(cleaner, NULL, 0) < 0 && errno == EINTR)
        continue;
}

/* Waits while the word holds old (shared futex); returns its new value. */
static uint32_t futex_await(unsigned char *region, size_t off, uint32_t old)
{
    uint32_t v;
    while ((v = load(region, off)) == old)
        if (syscall(SYS_futex, word(region, off), FUTEX_WAIT, old, NULL, NULL, 0) < 0
                && errno != EAGAIN && errno != EINTR)
            xproc_fail("futex wait");
    return v;
}

static void futex_store(unsigned char *region, size_t off, uint32_t v)
{
    __atomic_store_n(word(region, off), v, __ATOMIC_RELEASE);
    if (syscall(SYS_futex, word(region, off), FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
        xproc_fail("futex wake");
}

static int rtt(const struct xproc_run *r, int futex)
{
    size_t size = r->size, len = OFF_DATA + 2 * rounded(size);
    unsigned char *region = map_region(len), *req = region + OFF_DATA, *rep = req + rounded(size);
    int64_t *samples = calloc((size_t)r->count, sizeof *samples);
    unsigned char *msg = xproc_buffer(size), *reply = xproc_buffer(size);
    if (samples == NULL)
        xproc_fail("calloc");
    if (mutex_run) {
        xproc_mutex_make(region, 0);
        mtx = region;
    } else if (!futex && semid < 0 && efd[0] < 0
            && (sem_init(sem(region, OFF_A).posix, 1, 0) < 0 || sem_init(sem(region, OFF_B).posix, 1, 0) < 0))
        xproc_fail("sem_init");
    pid_t child = xproc_fork();
    if (child == 0) {
        struct xproc_meter m;
        xproc_meter_start(&m, r, 1);
        uint32_t seen = 0;
        for (;;) {
            if (futex) {
                seen = futex_await(region, OFF_A, seen);
                if (seen == STOP)
                    break;
            } else {
                take(sem(region, OFF_A));
                if (load(region, OFF_STOP))
                    break;
            }
            memcpy(reply, req, size); /* take the message, as a reader would */
            memcpy(rep, reply, size);
            if (futex)
                futex_store(region, OFF_B, seen);
            else
                give(sem(region, OFF_B));
            xproc_meter_tick(&m);
        }
        xproc_meter_report(&m);
        _exit(0);
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
        if (futex) {
            futex_store(region, OFF_A, (uint32_t)(seq + 1));
            futex_await(region, OFF_B, (uint32_t)seq);
        } else {
            give(sem(region, OFF_A));
            take(sem(region, OFF_B));
        }
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
    if (futex) {
        futex_store(region, OFF_A, STOP);
    } else {
        __atomic_store_n(word(region, OFF_STOP), 1, __ATOMIC_RELEASE);
        give(sem(region, OFF_A));
    }
    xproc_reap(child);
    munmap(region, len);
    mtx = NULL;
    xproc_report_rtt(r, samples, elapsed, &cost);
    free(samples);
    free(msg);
    free(reply);
    return 0;
}

/* The consumer's side of one message: wait for it, copy it out, check it, free its slot. */
static void consume(unsigned char *region, size_t size, size_t slots, unsigned char *buf, uint64_t seq, int futex)
{
    if (futex)
        while ((uint32_t)(load(region, OFF_A) - (uint32_t)seq) == 0)
            futex_await(region, OFF_A, (uint32_t)seq);
    else
        take(sem(region, OFF_A));
    memcpy(buf, region + OFF_DATA + (seq % slots) * rounded(size), size);
    xproc_check(buf, size, seq);
    if (futex)
        futex_store(region, OFF_B, (uint32_t)(seq + 1));
    else
        give(sem(region, OFF_B));
}

static void produce(unsigned char *region, size_t size, size_t slots, const struct xproc_run *r, int futex)
{
    struct xproc_meter m;
    unsigned char *buf = xproc_buffer(size);
    xproc_meter_start(&m, r, 0);
    for (uint64_t seq = 0;; seq++) {
        if (futex) {
            uint32_t tail;
            while ((uint32_t)seq - (tail = load(region, OFF_B)) >= slots && !load(region, OFF_STOP))
                futex_await(region, OFF_B, tail);
        } else {
            take(sem(region, OFF_B));
        }
        if (load(region, OFF_STOP))
            break; /* the reader has its count and left */
        xproc_stamp(buf, size, seq);
        memcpy(region + OFF_DATA + (seq % slots) * rounded(size), buf, size);
        if (futex)
            futex_store(region, OFF_A, (uint32_t)(seq + 1));
        else
            give(sem(region, OFF_A));
        xproc_meter_tick(&m);
    }
    xproc_meter_report(&m);
    _exit(0);
}

static int tput(const struct xproc_run *r, int futex)
{
    size_t size = r->size, slots = slots_for(size), len = OFF_DATA + slots * rounded(size);
    unsigned char *region = map_region(len);
    unsigned char *buf = xproc_buffer(size);
    if (mutex_run) {
        xproc_mutex_make(region, (unsigned)slots);
        mtx = region;
    } else if (!futex && semid < 0 && efd[0] < 0
            && (sem_init(sem(region, OFF_A).posix, 1, 0) < 0
                || sem_init(sem(region, OFF_B).posix, 1, (unsigned)slots) < 0))
        xproc_fail("sem_init");
    pid_t child = xproc_fork();
    if (child == 0)
        produce(region, size, slots, r, futex);
    uint64_t seq = 0;
    consume(region, size, slots, buf, seq++, futex);
    int64_t first = xproc_now_ns();
    while (xproc_now_ns() - first < r->warmup_ms * 1000000)
        consume(region, size, slots, buf, seq++, futex);
    struct xproc_cost cost;
    xproc_cost_start(&cost);
    int64_t start = xproc_now_ns(), now;
    long messages = 0;
    do {
        consume(region, size, slots, buf, seq++, futex);
        messages++;
        now = xproc_now_ns();
    } while (now - start < r->measure_ms * 1000000);
    xproc_cost_stop(&cost);
    /* Stop, then move the tail (unused from now on) so that a producer about to wait sees a change. */
    __atomic_store_n(word(region, OFF_STOP), 1, __ATOMIC_RELEASE);
    if (futex)
        futex_store(region, OFF_B, (uint32_t)(seq + 1));
    else
        give(sem(region, OFF_B));
    xproc_reap(child);
    munmap(region, len);
    mtx = NULL;
    xproc_report_tput(r, messages, now - start, &cost);
    free(buf);
    return 0;
}

int xproc_sem_rtt(const struct xproc_run *r)
{
    return rtt(r, 0);
}

int xproc_sem_tput(const struct xproc_run *r)
{
    return tput(r, 0);
}

int xproc_futex_rtt(const struct xproc_run *r)
{
    return rtt(r, 1);
}

int xproc_futex_tput(const struct xproc_run *r)
{
    return tput(r, 1);
}

int xproc_sysvsem_rtt(const struct xproc_run *r)
{
    sysv_make(0);
    rtt(r, 0);
    sysv_remove();
    return 0;
}

int xproc_sysvsem_tput(const struct xproc_run *r)
{
    sysv_make((unsigned)slots_for(r->size));
    tput(r, 0);
    sysv_remove();
    return 0;
}

/* Counters a (0) and b (b given), semaphore mode. */
static void eventfd_make(unsigned b)
{
    efd[0] = eventfd(0, EFD_SEMAPHORE | EFD_CLOEXEC);
    efd[1] = eventfd(b, EFD_SEMAPHORE | EFD_CLOEXEC);
    if (efd[0] < 0 || efd[1] < 0)
        xproc_fail("eventfd");
}

int xproc_eventfd_rtt(const struct xproc_run *r)
{
    eventfd_make(0);
    return rtt(r, 0);
}

int xproc_eventfd_tput(const struct xproc_run *r)
{
    eventfd_make((unsigned)slots_for(r->size));
    return tput(r, 0);
}

int xproc_mutex_rtt(const struct xproc_run *r)
{
    mutex_run = 1;
    return rtt(r, 0);
}

int xproc_mutex_tput(const struct xproc_run *r)
{
    mutex_run = 1;
    return tput(r, 0);
}
