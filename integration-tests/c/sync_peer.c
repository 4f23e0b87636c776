/*
 * sync_peer - the other side of jipc's synchronization in shared memory, as a
 * plain C program using the calls directly (it does not link jipc; the
 * layouts come from jipc_sync_layout.h). The memory is a POSIX shared memory
 * object the test created; every verb maps it whole.
 *
 * Lines: READY, RESULT ..., ERROR <call> <ERRNO>.
 */
#include "jipc_sync_layout.h"
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char USAGE[] =
    "  sync_peer futex-pong <shm> <offset> <rounds>   wait for 2i+1, store 2i+2 and wake, rounds times\n"
    "  sync_peer sem-produce <shm> <count>            the ring's producer, unnamed semaphores in the region\n"
    "  sync_peer sem-consume <shm> <count>            its consumer: RESULT items=<n> out-of-order=<n>\n"
    "  sync_peer named-produce <shm> <empty> <full> <count> | named-consume ...   the same, named semaphores\n"
    "  sync_peer sem-take <name>                      sem_wait on a named semaphore, READY, wait for end of stdin\n"
    "  sync_peer sysv-take <key> <undo>               semop -1 on semaphore 0 (SEM_UNDO if undo is 1), READY, wait\n"
    "  sync_peer count <lock> <shm> <offset> <n>      after the gate, n times: lock, counter + 1 (plain), unlock;\n"
    "                                                 lock is posix:<sem offset>, sysv:<key> or mutex:<offset>\n"
    "  sync_peer mutex-hold <shm> <offset>            lock the robust mutex, READY, wait for end of stdin\n"
    "  sync_peer mutex-init <shm> <offset>            initialize a robust mutex there (jipc_sync_layout.h)\n"
    "  sync_peer cond-wait <shm> <mutex> <cond> <flag>   lock, READY, wait on cond until the 64-bit flag is set\n"
    "  sync_peer cond-set <shm> <mutex> <cond> <flag> <v>  lock, set the flag to v, broadcast, unlock\n";

/*
 * The ring of the producer-consumer verbs, as the test lays it out:
 *   0    sem_t empty (free slots, RING_SLOTS at first), unless named
 *   64   sem_t full (filled slots, 0 at first), unless named
 *   128  RING_SLOTS slots of one 64-bit sequence number each
 */
#define RING_EMPTY 0
#define RING_FULL 64
#define RING_SLOTS_AT 128
#define RING_SLOTS 64

static struct peer_stats none;

static int fail(const char *call)
{
    return peer_error(call, -errno, &none);
}

static int fail_err(const char *call, int err)
{
    return peer_error(call, -err, &none);
}

static char *map_shm(const char *name, size_t *size)
{
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return NULL;
    *size = (size_t)st.st_size;
    void *p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

static int futex_pong(const char *name, long long offset, long long rounds)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    uint32_t *word = (uint32_t *)(p + offset);
    peer_say("READY pid=%d", (int)getpid());
    for (long long i = 0; i < rounds; i++) {
        uint32_t want = (uint32_t)(2 * i + 1);
        uint32_t v;
        while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != want) {
            if (syscall(SYS_futex, word, FUTEX_WAIT, v, NULL, NULL, 0) < 0 && errno != EAGAIN && errno != EINTR)
                return fail("futex(FUTEX_WAIT)");
        }
        __atomic_store_n(word, want + 1, __ATOMIC_RELEASE);
        if (syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) < 0)
            return fail("futex(FUTEX_WAKE)");
    }
    peer_say("RESULT rounds=%lld", rounds);
    return 0;
}

static int sem_wait_retry(sem_t *s)
{
    int r;
    do {
        r = sem_wait(s);
    } while (r < 0 && errno == EINTR);
    return r;
}

static int ring(char *p, sem_t *empty, sem_t *full, int produce, long long count)
{
    _Static_assert(sizeof(sem_t) <= RING_FULL - RING_EMPTY, "a sem_t fits its place in the ring");
    volatile long long *slot = (volatile long long *)(p + RING_SLOTS_AT);
    peer_say("READY pid=%d", (int)getpid());
    long long wrong = 0;
    for (long long i = 0; i < count; i++) {
        if (sem_wait_retry(produce ? empty : full) < 0)
            return fail("sem_wait");
        if (produce) {
            slot[i % RING_SLOTS] = i;
        } else if (slot[i % RING_SLOTS] != i) {
            wrong++;
        }
        if (sem_post(produce ? full : empty) < 0)
            return fail("sem_post");
    }
    if (produce)
        peer_say("RESULT items=%lld", count);
    else
        peer_say("RESULT items=%lld out-of-order=%lld", count, wrong);
    return 0;
}

static int unnamed_ring(const char *name, int produce, long long count)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    return ring(p, (sem_t *)(p + RING_EMPTY), (sem_t *)(p + RING_FULL), produce, count);
}

static int named_ring(const char *name, const char *empty, const char *full, int produce, long long count)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    sem_t *e = sem_open(empty, 0);
    sem_t *f = sem_open(full, 0);
    if (e == SEM_FAILED || f == SEM_FAILED)
        return fail("sem_open");
    int rc = ring(p, e, f, produce, count);
    sem_close(e);
    sem_close(f);
    return rc;
}

static int sem_take(const char *name)
{
    sem_t *s = sem_open(name, 0);
    if (s == SEM_FAILED)
        return fail("sem_open");
    if (sem_wait_retry(s) < 0)
        return fail("sem_wait");
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    peer_say("RESULT taken");
    return 0;
}

/* Waits until the set's creator initialized it (its sem_otime is set): the race-free open. */
static int sysv_open(key_t key)
{
    int id = semget(key, 0, 0);
    if (id < 0)
        return -1;
    for (int i = 0; i < 10000; i++) {
        struct semid_ds ds;
        if (semctl(id, 0, IPC_STAT, &ds) < 0)
            return -1;
        if (ds.sem_otime != 0)
            return id;
        usleep(1000);
    }
    errno = ETIMEDOUT;
    return -1;
}

static int sysv_take(key_t key, int undo)
{
    int id = sysv_open(key);
    if (id < 0)
        return fail("semget");
    struct sembuf op = { 0, -1, (short)(undo ? SEM_UNDO : 0) };
    if (semop(id, &op, 1) < 0)
        return fail("semop");
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    peer_say("RESULT taken");
    return 0;
}

static int count(const char *lock, const char *name, long long offset, long long n)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    sem_t *sem = NULL;
    pthread_mutex_t *mutex = NULL;
    int id = -1;
    if (strncmp(lock, "mutex:", 6) == 0) {
        long long at = peer_number(lock + 6, "mutex offset");
        if (!JIPC_LAYOUT_ALIGNED(p, at, pthread_mutex_t))
            return fail_err("layout", EINVAL);
        mutex = (pthread_mutex_t *)(p + at);
    } else if (strncmp(lock, "posix:", 6) == 0) {
        sem = (sem_t *)(p + peer_number(lock + 6, "semaphore offset"));
    } else if (strncmp(lock, "sysv:", 5) == 0) {
        id = sysv_open((key_t)peer_number(lock + 5, "key"));
        if (id < 0)
            return fail("semget");
    } else {
        fprintf(stderr, "unknown lock %s\n", lock);
        return PEER_USAGE;
    }
    volatile long long *counter = (volatile long long *)(p + offset);
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    struct sembuf down = { 0, -1, SEM_UNDO }, up = { 0, 1, SEM_UNDO };
    for (long long i = 0; i < n; i++) {
        if (mutex != NULL) {
            int r = pthread_mutex_lock(mutex);
            if (r == EOWNERDEAD) {
                peer_say("OWNERDEAD");
                pthread_mutex_consistent(mutex);
            } else if (r != 0) {
                return fail_err("pthread_mutex_lock", r);
            }
        } else if (sem != NULL ? sem_wait_retry(sem) < 0 : semop(id, &down, 1) < 0) {
            return fail("lock");
        }
        *counter = *counter + 1;
        if (mutex != NULL) {
            int r = pthread_mutex_unlock(mutex);
            if (r != 0)
                return fail_err("pthread_mutex_unlock", r);
        } else if (sem != NULL ? sem_post(sem) < 0 : semop(id, &up, 1) < 0) {
            return fail("unlock");
        }
    }
    peer_say("RESULT added=%lld", n);
    return 0;
}

static int mutex_hold(const char *name, long long at)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    int r = pthread_mutex_lock((pthread_mutex_t *)(p + at));
    if (r != 0 && r != EOWNERDEAD)
        return fail_err("pthread_mutex_lock", r);
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    pthread_mutex_unlock((pthread_mutex_t *)(p + at));
    peer_say("RESULT released");
    return 0;
}

static int mutex_init(const char *name, long long at)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    if (!JIPC_LAYOUT_ALIGNED(p, at, pthread_mutex_t))
        return fail_err("layout", EINVAL);
    int r = jipc_layout_mutex_init((pthread_mutex_t *)(p + at));
    if (r != 0)
        return fail_err("pthread_mutex_init", r);
    peer_say("RESULT initialized");
    return 0;
}

static int cond(const char *name, long long mo, long long co, long long fo, long long value, int wait)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    pthread_mutex_t *m = (pthread_mutex_t *)(p + mo);
    pthread_cond_t *c = (pthread_cond_t *)(p + co);
    volatile long long *flag = (volatile long long *)(p + fo);
    int r = pthread_mutex_lock(m);
    if (r != 0)
        return fail_err("pthread_mutex_lock", r);
    if (wait) {
        peer_say("READY pid=%d", (int)getpid());
        while (*flag == 0) {
            r = pthread_cond_wait(c, m);
            if (r != 0)
                return fail_err("pthread_cond_wait", r);
        }
        peer_say("RESULT flag=%lld", *flag);
    } else {
        *flag = value;
        r = pthread_cond_broadcast(c);
        if (r != 0)
            return fail_err("pthread_cond_broadcast", r);
        peer_say("RESULT set=%lld", value);
    }
    r = pthread_mutex_unlock(m);
    return r != 0 ? fail_err("pthread_mutex_unlock", r) : 0;
}

int main(int argc, char **argv)
{
    peer_setup();
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "futex-pong") == 0 && argc == 5)
        return futex_pong(argv[2], peer_number(argv[3], "offset"), peer_number(argv[4], "rounds"));
    if (strcmp(cmd, "sem-produce") == 0 && argc == 4)
        return unnamed_ring(argv[2], 1, peer_number(argv[3], "count"));
    if (strcmp(cmd, "sem-consume") == 0 && argc == 4)
        return unnamed_ring(argv[2], 0, peer_number(argv[3], "count"));
    if (strcmp(cmd, "named-produce") == 0 && argc == 6)
        return named_ring(argv[2], argv[3], argv[4], 1, peer_number(argv[5], "count"));
    if (strcmp(cmd, "named-consume") == 0 && argc == 6)
        return named_ring(argv[2], argv[3], argv[4], 0, peer_number(argv[5], "count"));
    if (strcmp(cmd, "sem-take") == 0 && argc == 3)
        return sem_take(argv[2]);
    if (strcmp(cmd, "sysv-take") == 0 && argc == 4)
        return sysv_take((key_t)peer_number(argv[2], "key"), (int)peer_number(argv[3], "undo"));
    if (strcmp(cmd, "count") == 0 && argc == 6)
        return count(argv[2], argv[3], peer_number(argv[4], "offset"), peer_number(argv[5], "n"));
    if (strcmp(cmd, "mutex-hold") == 0 && argc == 4)
        return mutex_hold(argv[2], peer_number(argv[3], "offset"));
    if (strcmp(cmd, "cond-wait") == 0 && argc == 6)
        return cond(argv[2], peer_number(argv[3], "mutex"), peer_number(argv[4], "cond"), peer_number(argv[5], "flag"), 0, 1);
    if (strcmp(cmd, "cond-set") == 0 && argc == 7)
        return cond(argv[2], peer_number(argv[3], "mutex"), peer_number(argv[4], "cond"), peer_number(argv[5], "flag"),
                    peer_number(argv[6], "value"), 0);
    if (strcmp(cmd, "mutex-init") == 0 && argc == 4)
        return mutex_init(argv[2], peer_number(argv[3], "offset"));
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
