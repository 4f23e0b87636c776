#include "jipc_sysv_sem.h"
#include "jipc_test.h"

#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int key;

static void create_open_remove(void)
{
    int values[3] = { 1, 0, 5 }, created;
    int id = jipc_sysv_sem_create(key, 3, 0640, 1, values, &created);
    CHECK(id >= 0);
    CHECK_EQ(1, created);
    CHECK_EQ(-EEXIST, jipc_sysv_sem_create(key, 3, 0640, 1, values, &created));
    CHECK_EQ(id, jipc_sysv_sem_create(key, 3, 0640, 0, values, &created));
    CHECK_EQ(0, created);
    CHECK_EQ(id, jipc_sysv_sem_open(key));
    CHECK_EQ(0, jipc_sysv_sem_await_init(NULL, id, 0));
    long long st[8];
    CHECK_EQ(0, jipc_sysv_sem_stat(id, st));
    CHECK_EQ(3, st[0]);
    CHECK_EQ(0640, st[1]);
    CHECK(st[6] != 0); /* sem_otime: the creator's marking semop */
    int got[3];
    CHECK_EQ(0, jipc_sysv_sem_get_all(id, got, 3));
    CHECK(got[0] == 1 && got[1] == 0 && got[2] == 5);
    CHECK_EQ(0, jipc_sysv_sem_set(id, 1, 7));
    CHECK_EQ(7, jipc_sysv_sem_get(id, 1));
    CHECK_EQ(0, jipc_sysv_sem_chmod(id, 0600));
    CHECK_EQ(0, jipc_sysv_sem_stat(id, st));
    CHECK_EQ(0600, st[1]);
    CHECK_EQ(0, jipc_sysv_sem_remove(id));
    CHECK_EQ(-ENOENT, jipc_sysv_sem_open(key));
}

static void atomic_multi_op(void)
{
    int values[2] = { 1, 0 }, created;
    int id = jipc_sysv_sem_create(IPC_PRIVATE, 2, 0600, 1, values, &created);
    CHECK(id >= 0);
    /* Take 0 and give 1 in one step. */
    short ops[6] = { 0, -1, 0, 1, 1, 0 };
    CHECK_EQ(0, jipc_sysv_sem_op(NULL, id, ops, 2, -1));
    CHECK_EQ(0, jipc_sysv_sem_get(id, 0));
    CHECK_EQ(1, jipc_sysv_sem_get(id, 1));
    /* All or nothing: 0 cannot be taken, so 1 is not given either. */
    CHECK_EQ(-EAGAIN, jipc_sysv_sem_op(NULL, id, ops, 2, 0));
    CHECK_EQ(1, jipc_sysv_sem_get(id, 1));
    short nowait[3] = { 0, -1, IPC_NOWAIT };
    CHECK_EQ(-EAGAIN, jipc_sysv_sem_op(NULL, id, nowait, 1, -1));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(-EAGAIN, jipc_sysv_sem_op(NULL, id, ops, 1, 40000000LL));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 35 && ms < 1000);
    short big[3] = { 0, 32767, 0 };
    CHECK_EQ(0, jipc_sysv_sem_op(NULL, id, big, 1, -1));
    CHECK_EQ(-ERANGE, jipc_sysv_sem_op(NULL, id, big, 1, -1));
    short bad[3] = { 5, 1, 0 };
    CHECK_EQ(-EFBIG, jipc_sysv_sem_op(NULL, id, bad, 1, -1));
    CHECK_EQ(0, jipc_sysv_sem_remove(id));
}

static void undo_after_death(void)
{
    int values[1] = { 1 }, created;
    int id = jipc_sysv_sem_create(IPC_PRIVATE, 1, 0600, 1, values, &created);
    pid_t child = fork();
    if (child == 0) {
        short take[3] = { 0, -1, SEM_UNDO };
        jipc_sysv_sem_op(NULL, id, take, 1, -1);
        pause();
        _exit(0);
    }
    while (jipc_sysv_sem_get(id, 0) != 0)
        usleep(1000);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_EQ(1, jipc_sysv_sem_get(id, 0));
    CHECK_EQ(0, jipc_sysv_sem_remove(id));
}

struct waiter {
    int id;
    jipc_guard *g;
    int result;
};

static void *wait_op(void *arg)
{
    struct waiter *w = arg;
    short take[3] = { 0, -1, 0 };
    w->result = jipc_sysv_sem_op(w->g, w->id, take, 1, -1);
    return NULL;
}

static void woken_by_guard_and_by_removal(void)
{
    int values[1] = { 0 }, created;
    for (int i = 0; i < 2; i++) {
        int id = jipc_sysv_sem_create(IPC_PRIVATE, 1, 0600, 1, values, &created);
        struct waiter w = { id, jipc_guard_create(JIPC_GUARD_SIGNAL), 1 };
        pthread_t t;
        pthread_create(&t, NULL, wait_op, &w);
        while (jipc_guard_blocked(w.g) == 0)
            usleep(1000);
        usleep(10000);
        int waiters[3];
        CHECK_EQ(0, jipc_sysv_sem_waiters(id, 0, waiters));
        CHECK_EQ(1, waiters[1]);
        if (i == 0) {
            CHECK_EQ(0, jipc_guard_wake(w.g, -1));
            pthread_join(t, NULL);
            CHECK_EQ(-JIPC_WOKEN, w.result);
            jipc_sysv_sem_remove(id);
        } else {
            jipc_sysv_sem_remove(id);
            pthread_join(t, NULL);
            CHECK_EQ(-EIDRM, w.result);
        }
        jipc_guard_free(w.g);
    }
}

int main(void)
{
    key = 0x4a7e0000 | (getpid() & 0xffff);
    RUN(create_open_remove);
    RUN(atomic_multi_op);
    RUN(undo_after_death);
    RUN(woken_by_guard_and_by_removal);
    int id = jipc_sysv_sem_open(key);
    if (id >= 0)
        jipc_sysv_sem_remove(id);
    TEST_EXIT();
}
