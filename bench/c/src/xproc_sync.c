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
 * spinning before a wait on either side. The loops are those of
 * xproc_driver.c.
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

#define STOP UINT32_MAX

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
    return (struct sig){ (sem_t *)(void *)(region + off), off == XPROC_OFF_A ? 0 : 1 };
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

/* This process's part of the run, and whether it waits on futexes (else counts). */
struct run {
    struct xproc_region m;
    int futex;
};

/* The region, its counts (a: 0; b: 0 for round trips, the free slots for streams), then the fork. */
static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    struct run *run = ctx;
    xproc_region_size(&run->m, r->size, rtt);
    run->m.region = map_region(run->m.len);
    unsigned b = rtt ? 0 : (unsigned)run->m.slots;
    if (mutex_run) {
        xproc_mutex_make(run->m.region, b);
        mtx = run->m.region;
    } else if (!run->futex && semid < 0 && efd[0] < 0
               && (sem_init(sem(run->m.region, XPROC_OFF_A).posix, 1, 0) < 0
                   || sem_init(sem(run->m.region, XPROC_OFF_B).posix, 1, b) < 0)) {
        xproc_fail("sem_init");
    }
    pid_t pid = xproc_fork();
    run->m.child = pid == 0;
    return pid;
}

/* Round trips: the parent's request (a), or the child's reply (b). */
static int rtt_send(void *ctx, const unsigned char *msg, size_t size)
{
    struct run *run = ctx;
    memcpy(xproc_slot(&run->m, (uint64_t)run->m.child), msg, size);
    if (!run->futex)
        give(sem(run->m.region, run->m.child ? XPROC_OFF_B : XPROC_OFF_A));
    else if (run->m.child)
        futex_store(run->m.region, XPROC_OFF_B, (uint32_t)run->m.n);
    else
        futex_store(run->m.region, XPROC_OFF_A, (uint32_t)++run->m.n);
    return 0;
}

/* Round trips: the child's next request (0 when told to stop; copied out, as a reader would take it), or the reply. */
static int rtt_recv(void *ctx, unsigned char *buf, size_t size)
{
    struct run *run = ctx;
    if (run->m.child && run->futex) {
        run->m.n = futex_await(run->m.region, XPROC_OFF_A, (uint32_t)run->m.n);
        if (run->m.n == STOP)
            return 0;
    } else if (run->m.child) {
        take(sem(run->m.region, XPROC_OFF_A));
        if (load(run->m.region, XPROC_OFF_STOP))
            return 0;
    } else if (run->futex) {
        futex_await(run->m.region, XPROC_OFF_B, (uint32_t)(run->m.n - 1));
    } else {
        take(sem(run->m.region, XPROC_OFF_B));
    }
    memcpy(buf, xproc_slot(&run->m, (uint64_t)!run->m.child), size);
    return 1;
}

/* Streams, the producer: waits for a free slot (EPIPE once the consumer has its count), fills it, publishes it. */
static int stream_put(void *ctx, const unsigned char *msg, size_t size)
{
    struct run *run = ctx;
    if (run->futex) {
        uint32_t tail;
        while ((uint32_t)run->m.n - (tail = load(run->m.region, XPROC_OFF_B)) >= run->m.slots
               && !load(run->m.region, XPROC_OFF_STOP))
            futex_await(run->m.region, XPROC_OFF_B, tail);
    } else {
        take(sem(run->m.region, XPROC_OFF_B));
    }
    if (load(run->m.region, XPROC_OFF_STOP)) {
        errno = EPIPE; /* the reader has its count and left */
        return -1;
    }
    memcpy(xproc_slot(&run->m, run->m.n), msg, size);
    run->m.n++;
    if (run->futex)
        futex_store(run->m.region, XPROC_OFF_A, (uint32_t)run->m.n);
    else
        give(sem(run->m.region, XPROC_OFF_A));
    return 0;
}

/* Streams, the consumer: waits for the next message and copies it out; stream_release frees its slot once checked. */
static int stream_take(void *ctx, unsigned char *buf, size_t size)
{
    struct run *run = ctx;
    if (run->futex)
        while ((uint32_t)(load(run->m.region, XPROC_OFF_A) - (uint32_t)run->m.n) == 0)
            futex_await(run->m.region, XPROC_OFF_A, (uint32_t)run->m.n);
    else
        take(sem(run->m.region, XPROC_OFF_A));
    memcpy(buf, xproc_slot(&run->m, run->m.n), size);
    return 1;
}

static void stream_release(void *ctx)
{
    struct run *run = ctx;
    run->m.n++;
    if (run->futex)
        futex_store(run->m.region, XPROC_OFF_B, (uint32_t)run->m.n);
    else
        give(sem(run->m.region, XPROC_OFF_B));
}

/*
 * Round trips: STOP (futex), or the stop word and a (counts), end the child. Streams: the stop word, then the tail
 * moved (unused from now on) so that a producer about to wait sees a change.
 */
static void finish(void *ctx)
{
    struct run *run = ctx;
    if (run->m.rtt && run->futex) {
        futex_store(run->m.region, XPROC_OFF_A, STOP);
    } else {
        __atomic_store_n(word(run->m.region, XPROC_OFF_STOP), 1, __ATOMIC_RELEASE);
        if (run->futex)
            futex_store(run->m.region, XPROC_OFF_B, (uint32_t)(run->m.n + 1));
        else
            give(sem(run->m.region, run->m.rtt ? XPROC_OFF_A : XPROC_OFF_B));
    }
    munmap(run->m.region, run->m.len);
    mtx = NULL;
}

static const struct xproc_ops rtt_ops = { start, rtt_send, rtt_recv, finish, 0, NULL };
static const struct xproc_ops tput_ops = { start, stream_put, stream_take, finish, 0, stream_release };

static int rtt(const struct xproc_run *r, int futex)
{
    struct run run = { .futex = futex };
    return xproc_rtt(r, &rtt_ops, &run);
}

static int tput(const struct xproc_run *r, int futex)
{
    struct run run = { .futex = futex };
    return xproc_tput(r, &tput_ops, &run);
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
    sysv_make((unsigned)xproc_slots(r->size, 0));
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
    eventfd_make((unsigned)xproc_slots(r->size, 0));
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
