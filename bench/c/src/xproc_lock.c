/*
 * Record locks: shared memory signalled by blocking fcntl(2) F_OFD_SETLKW on
 * three one-byte ranges (0, 1, 2) of the memory's file, handed back and forth.
 * Round trips only. A memfd is made and mapped (MAP_SHARED) before the fork;
 * each process then locks through its own open file description
 * (open("/proc/self/fd/N"): OFD locks are per description, and the inherited
 * descriptor would share the parent's). The layout (the Java side,
 * LockTransport.java, uses the same): a 32-bit stop word at 0, the request
 * from 64, the reply after it (rounded up to 64 bytes).
 *
 * Round r: the parent writes the request, unlocks range r%3 and locks range
 * (r+2)%3, which the child holds; the child, blocked on r%3, gets it, copies
 * the request into the reply, unlocks (r+2)%3 (the parent gets it and reads
 * the reply) and blocks on (r+1)%3, which the parent holds. Three ranges,
 * not two: a side never relocks the range it just released before the other
 * side has it (a released lock goes to whoever asks first, not to the waiter).
 * At the start the parent holds 0 and 1 (taken before the fork), the child 2. The parent ends a run
 * with the stop word and one more unlock.
 */
#include "xproc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define OFF_STOP 0
#define OFF_DATA 64

struct run {
    unsigned char *region;
    size_t len, size;
    int fd;
    long round;
    pid_t pid;
};

/* F_OFD_SETLKW (or F_OFD_GETLK) on one byte at range; the lock's type after a GETLK. */
static short ofd(int fd, int cmd, short type, off_t range)
{
    struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = range, .l_len = 1, .l_pid = 0 };
    while (fcntl(fd, cmd, &l) < 0)
        if (errno != EINTR)
            xproc_fail(cmd == F_OFD_GETLK ? "fcntl(F_OFD_GETLK)" : "fcntl(F_OFD_SETLKW)");
    return l.l_type;
}

static void lock_range(struct run *run, long n)
{
    ofd(run->fd, F_OFD_SETLKW, F_WRLCK, (off_t)(n % 3));
}

static void unlock_range(struct run *run, long n)
{
    ofd(run->fd, F_OFD_SETLKW, F_UNLCK, (off_t)(n % 3));
}

/* This process's own open file description of the memfd. */
static int reopen(int memfd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        xproc_fail("open /proc/self/fd");
    return fd;
}

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    if (!rtt)
        xproc_fail_msg("lock measures round trips only");
    struct run *run = ctx;
    run->size = r->size;
    run->len = OFF_DATA + 2 * ((r->size + 63) & ~(size_t)63);
    int memfd = memfd_create("jipc-xproc-lock", MFD_CLOEXEC);
    if (memfd < 0)
        xproc_fail("memfd_create");
    if (ftruncate(memfd, (off_t)run->len) < 0)
        xproc_fail("ftruncate");
    run->region = mmap(NULL, run->len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (run->region == MAP_FAILED)
        xproc_fail("mmap");
    run->fd = reopen(memfd);
    /* The parent's ranges are taken before the fork: a child that runs ahead of
     * its parent must find them held, or it takes range 0 and echoes a request
     * the parent never wrote. */
    lock_range(run, 0);
    lock_range(run, 1);
    if ((run->pid = xproc_fork()) == 0) {
        close(run->fd); /* the parent's description (its locks stay with it): ours must be our own */
        run->fd = reopen(memfd);
        lock_range(run, 2);
    } else {
        /* Round 0 needs the child holding 2: until then, its lock would be the parent's for the asking. */
        while (ofd(run->fd, F_OFD_GETLK, F_WRLCK, 2) == F_UNLCK)
            usleep(100);
    }
    close(memfd);
    return run->pid;
}

static unsigned char *request(struct run *run)
{
    return run->region + OFF_DATA;
}

static unsigned char *reply(struct run *run)
{
    return run->region + OFF_DATA + ((run->size + 63) & ~(size_t)63);
}

/* The parent: the request, then hand range r over and wait for (r+2). The child: the reply, then hand (r+2) over. */
static int send_msg(void *ctx, const unsigned char *msg, size_t size)
{
    struct run *run = ctx;
    if (run->pid != 0) {
        memcpy(request(run), msg, size);
        unlock_range(run, run->round);
        lock_range(run, run->round + 2);
    } else {
        memcpy(reply(run), msg, size);
        unlock_range(run, run->round + 2);
        run->round++;
    }
    return 0;
}

/* The parent: the reply (its range is held already). The child: wait for range r, then the request or the stop. */
static int recv_msg(void *ctx, unsigned char *buf, size_t size)
{
    struct run *run = ctx;
    if (run->pid != 0) {
        memcpy(buf, reply(run), size);
        run->round++;
        return 1;
    }
    lock_range(run, run->round);
    if (__atomic_load_n((uint32_t *)(void *)(run->region + OFF_STOP), __ATOMIC_ACQUIRE))
        return 0;
    memcpy(buf, request(run), size);
    return 1;
}

/* The stop word, then range r handed over: the child wakes to it and ends. */
static void finish(void *ctx)
{
    struct run *run = ctx;
    __atomic_store_n((uint32_t *)(void *)(run->region + OFF_STOP), 1, __ATOMIC_RELEASE);
    unlock_range(run, run->round);
}

static const struct xproc_ops ops = { start, send_msg, recv_msg, finish, 0, NULL };

int xproc_lock_rtt(const struct xproc_run *r)
{
    struct run run = { .round = 0 };
    return xproc_rtt(r, &ops, &run);
}

int xproc_lock_tput(const struct xproc_run *r)
{
    (void)r;
    xproc_fail_msg("lock measures round trips only");
    return 1;
}
