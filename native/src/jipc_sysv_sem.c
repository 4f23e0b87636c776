#include "jipc_sysv_sem.h"

#include <stdlib.h>
#include <time.h>

/* The caller defines it (semctl(2)). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

#define MAX_SEMS 32000 /* SEMMSL's ceiling: kernel.sem's first field is at most this */
#define MAX_OPS 1000

/*
 * GETALL and SETALL move as many values as the set has now, which is not
 * always n: a set removed by another process frees its id, which a new,
 * larger set may take. So the arrays always hold MAX_SEMS values, and a set
 * whose size is no longer n is reported as removed (EIDRM).
 */
static int size_is(int id, int n)
{
    struct semid_ds ds;
    union semun u = { .buf = &ds };
    if (semctl(id, 0, IPC_STAT, u) < 0)
        return -errno;
    return (int)ds.sem_nsems == n ? 0 : -EIDRM;
}

static int set_all(int id, const int *values, int n)
{
    if (n < 1 || n > MAX_SEMS)
        return -EINVAL;
    int size = size_is(id, n);
    if (size < 0)
        return size;
    unsigned short *a = calloc(MAX_SEMS, sizeof *a);
    if (a == NULL)
        return -ENOMEM;
    for (int i = 0; i < n; i++) {
        if (values[i] < 0 || values[i] > 32767) {
            free(a);
            return -ERANGE;
        }
        a[i] = (unsigned short)values[i];
    }
    union semun u = { .array = a };
    int r = semctl(id, 0, SETALL, u);
    int err = errno;
    free(a);
    return r < 0 ? -err : 0;
}

int jipc_sysv_sem_create(int key, int n, int mode, int exclusive, const int *values, int created[1])
{
    created[0] = 0;
    int id = semget((key_t)key, n, IPC_CREAT | IPC_EXCL | (mode & 0777));
    if (id < 0) {
        int err = errno;
        if (err != EEXIST || exclusive || key == IPC_PRIVATE)
            return -err;
        id = semget((key_t)key, n, 0);
        return id < 0 ? -errno : id;
    }
    int r = set_all(id, values, n);
    if (r == 0) {
        /* No value changes; sem_otime becomes non-zero: the set is ready. */
        struct sembuf mark[2] = { { 0, 1, 0 }, { 0, -1, 0 } };
        if (semop(id, mark, 2) < 0)
            r = -errno;
    }
    if (r < 0) {
        semctl(id, 0, IPC_RMID);
        return r;
    }
    created[0] = 1;
    return id;
}

int jipc_sysv_sem_open(int key)
{
    int id = semget((key_t)key, 0, 0);
    return id < 0 ? -errno : id;
}

int jipc_sysv_sem_await_init(jipc_guard *g, int id, long long timeout_ns)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        struct semid_ds ds;
        union semun u = { .buf = &ds };
        if (semctl(id, 0, IPC_STAT, u) < 0) {
            r = -errno;
            break;
        }
        if (ds.sem_otime != 0) {
            r = 0;
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long spent = (now.tv_sec - t0.tv_sec) * 1000000000LL + (now.tv_nsec - t0.tv_nsec);
        if (spent >= timeout_ns) {
            r = -ETIMEDOUT;
            break;
        }
        struct timespec pause = { 0, 1000000 };
        nanosleep(&pause, NULL);
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_sysv_sem_op(jipc_guard *g, int id, const short *ops, int nops, long long timeout_ns)
{
    if (nops < 1 || nops > MAX_OPS)
        return nops < 1 ? -EINVAL : -E2BIG;
    struct sembuf sb[MAX_OPS];
    for (int i = 0; i < nops; i++) {
        sb[i].sem_num = (unsigned short)ops[3 * i];
        sb[i].sem_op = ops[3 * i + 1];
        sb[i].sem_flg = ops[3 * i + 2];
        /* semtimedop on a zero timeout still sleeps out the timer slack
         * (about 70 us measured here): not waiting at all is IPC_NOWAIT. */
        if (timeout_ns == 0)
            sb[i].sem_flg |= IPC_NOWAIT;
    }
    if (timeout_ns == 0)
        timeout_ns = -1;
    struct timespec deadline, left;
    if (timeout_ns >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        long long ns = deadline.tv_nsec + timeout_ns % 1000000000LL;
        deadline.tv_sec += (time_t)(timeout_ns / 1000000000LL + ns / 1000000000LL);
        deadline.tv_nsec = (long)(ns % 1000000000LL);
    }
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        int rc;
        if (timeout_ns >= 0) {
            /* semtimedop's bound is relative: recomputed from the deadline after EINTR. */
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long long ns = (deadline.tv_sec - now.tv_sec) * 1000000000LL + (deadline.tv_nsec - now.tv_nsec);
            if (ns < 0)
                ns = 0;
            left.tv_sec = (time_t)(ns / 1000000000LL);
            left.tv_nsec = (long)(ns % 1000000000LL);
            rc = semtimedop(id, sb, (size_t)nops, &left);
        } else {
            rc = semop(id, sb, (size_t)nops);
        }
        r = rc < 0 ? -errno : 0;
        if (jipc_guard_closing(g) && r != 0) {
            r = -JIPC_WOKEN;
            break;
        }
        if (r != -EINTR)
            break;
    }
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_sysv_sem_get(int id, int num)
{
    int r = semctl(id, num, GETVAL);
    return r < 0 ? -errno : r;
}

int jipc_sysv_sem_set(int id, int num, int value)
{
    union semun u = { .val = value };
    return semctl(id, num, SETVAL, u) < 0 ? -errno : 0;
}

int jipc_sysv_sem_get_all(int id, int *values, int n)
{
    if (n < 1 || n > MAX_SEMS)
        return -EINVAL;
    int size = size_is(id, n);
    if (size < 0)
        return size;
    unsigned short *a = calloc(MAX_SEMS, sizeof *a);
    if (a == NULL)
        return -ENOMEM;
    union semun u = { .array = a };
    int r = semctl(id, 0, GETALL, u);
    int err = errno;
    for (int i = 0; r >= 0 && i < n; i++)
        values[i] = a[i];
    free(a);
    return r < 0 ? -err : 0;
}

int jipc_sysv_sem_set_all(int id, const int *values, int n)
{
    return set_all(id, values, n);
}

int jipc_sysv_sem_waiters(int id, int num, int out[3])
{
    int cmds[3] = { GETPID, GETNCNT, GETZCNT };
    for (int i = 0; i < 3; i++) {
        int r = semctl(id, num, cmds[i]);
        if (r < 0)
            return -errno;
        out[i] = r;
    }
    return 0;
}

int jipc_sysv_sem_stat(int id, long long out[8])
{
    struct semid_ds ds;
    union semun u = { .buf = &ds };
    if (semctl(id, 0, IPC_STAT, u) < 0)
        return -errno;
    out[0] = (long long)ds.sem_nsems;
    out[1] = ds.sem_perm.mode & 0777;
    out[2] = ds.sem_perm.uid;
    out[3] = ds.sem_perm.gid;
    out[4] = ds.sem_perm.cuid;
    out[5] = ds.sem_perm.cgid;
    out[6] = (long long)ds.sem_otime;
    out[7] = (long long)ds.sem_ctime;
    return 0;
}

int jipc_sysv_sem_chmod(int id, int mode)
{
    struct semid_ds ds;
    union semun u = { .buf = &ds };
    if (semctl(id, 0, IPC_STAT, u) < 0)
        return -errno;
    ds.sem_perm.mode = (unsigned short)((ds.sem_perm.mode & ~0777) | (mode & 0777));
    return semctl(id, 0, IPC_SET, u) < 0 ? -errno : 0;
}

int jipc_sysv_sem_remove(int id)
{
    return semctl(id, 0, IPC_RMID) < 0 ? -errno : 0;
}
