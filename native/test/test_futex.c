#include "jipc_futex.h"
#include "jipc_test.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void value_mismatch_and_timeout(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *w = 7;
    CHECK_EQ(-EAGAIN, jipc_futex_wait(NULL, w, 8, -1));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(-ETIMEDOUT, jipc_futex_wait(NULL, w, 7, 30000000LL));
    long long ms = ms_since(&t0);
    CHECK(ms >= 25 && ms < 1000);
    CHECK_EQ(-ETIMEDOUT, jipc_futex_wait(NULL, w, 7, 0));
    CHECK_EQ(0, jipc_futex_wake(w, 1));
    CHECK_EQ(-EINVAL, jipc_futex_wait(NULL, (uint32_t *)((char *)w + 1), 0, 0));
    CHECK_EQ(-EINVAL, jipc_futex_wake((uint32_t *)((char *)w + 2), 1));
    CHECK_EQ(-EINVAL, jipc_futex_wake(w, 0));
    munmap(w, 4096);
}

static void wakes_another_process(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t child = fork();
    if (child == 0) {
        int r = 0;
        while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 0 && r >= -EAGAIN)
            r = jipc_futex_wait(NULL, w, 0, 10000000000LL);
        _exit(__atomic_load_n(w, __ATOMIC_ACQUIRE) == 1 ? 0 : 1);
    }
    usleep(20000);
    __atomic_store_n(w, 1, __ATOMIC_RELEASE);
    jipc_futex_wake(w, INT32_MAX);
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    munmap(w, 4096);
}

struct waiter {
    uint32_t *w;
    jipc_guard *g;
    int result;
};

static void *wait_forever(void *arg)
{
    struct waiter *x = arg;
    x->result = jipc_futex_wait(x->g, x->w, 0, -1);
    return NULL;
}

static void guard_wakes_waiters(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_SIGNAL);
    struct waiter x[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        x[i] = (struct waiter){ w, g, 1 };
        pthread_create(&t[i], NULL, wait_forever, &x[i]);
    }
    while (jipc_guard_blocked(g) < 3)
        usleep(1000);
    CHECK_EQ(0, jipc_guard_wake(g, -1));
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(-JIPC_WOKEN, x[i].result);
    }
    jipc_guard_free(g);
    munmap(w, 4096);
}

static void wake_counts(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_SIGNAL);
    struct waiter x[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        x[i] = (struct waiter){ w, g, 1 };
        pthread_create(&t[i], NULL, wait_forever, &x[i]);
    }
    while (jipc_guard_blocked(g) < 3)
        usleep(1000);
    usleep(20000); /* registered, and by now inside the futex call */
    int woken = jipc_futex_wake(w, 1);
    CHECK_EQ(1, woken);
    int rest = 0;
    for (int i = 0; i < 100 && rest < 2; i++) {
        rest += jipc_futex_wake(w, INT32_MAX);
        usleep(1000);
    }
    CHECK_EQ(2, rest);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(0, x[i].result);
    }
    jipc_guard_free(g);
    munmap(w, 4096);
}

int main(void)
{
    RUN(value_mismatch_and_timeout);
    RUN(wakes_another_process);
    RUN(guard_wakes_waiters);
    RUN(wake_counts);
    TEST_EXIT();
}
