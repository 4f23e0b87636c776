#include "jipc_sem.h"
#include "jipc_test.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char name[64];

static long long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void layout_is_native(void)
{
    int l[5];
    jipc_sem_layout(l);
    CHECK_EQ(sizeof(sem_t), l[0]);
    CHECK(l[1] >= 4 && (l[1] & (l[1] - 1)) == 0);
    CHECK_EQ(SEM_VALUE_MAX, l[3]);
    /* The longest name works, one byte more does not. */
    char longest[NAME_MAX + 2];
    longest[0] = '/';
    memset(longest + 1, 'l', (size_t)l[4]);
    longest[l[4] + 1] = '\0';
    intptr_t s[2];
    CHECK_EQ(0, jipc_sem_open(longest, JIPC_SEM_CREATE | JIPC_SEM_EXCLUSIVE, 0600, 0, s));
    CHECK_EQ(0, jipc_sem_close((sem_t *)s[0]));
    CHECK_EQ(0, jipc_sem_unlink(longest));
    longest[l[4] + 1] = 'l';
    longest[l[4] + 2] = '\0';
    CHECK(jipc_sem_open(longest, JIPC_SEM_CREATE | JIPC_SEM_EXCLUSIVE, 0600, 0, s) < 0);
}

static void named_lifecycle(void)
{
    intptr_t a[2], b[2];
    CHECK_EQ(-ENOENT, jipc_sem_open(name, 0, 0, 0, a));
    mode_t old = umask(077);
    CHECK_EQ(0, jipc_sem_open(name, JIPC_SEM_CREATE | JIPC_SEM_EXCLUSIVE, 0640, 2, a));
    umask(old);
    CHECK_EQ(1, a[1]);
    char path[128];
    snprintf(path, sizeof path, "/dev/shm/sem.%s", name + 1);
    struct stat st;
    CHECK_EQ(0, stat(path, &st));
    CHECK_EQ(0640, st.st_mode & 0777);
    CHECK_EQ(-EEXIST, jipc_sem_open(name, JIPC_SEM_CREATE | JIPC_SEM_EXCLUSIVE, 0600, 0, b));
    CHECK_EQ(0, jipc_sem_open(name, JIPC_SEM_CREATE, 0600, 9, b));
    CHECK_EQ(0, b[1]);
    sem_t *s = (sem_t *)a[0], *t = (sem_t *)b[0];
    CHECK_EQ(2, jipc_sem_value(t));
    CHECK_EQ(0, jipc_sem_wait(NULL, s, 0));
    CHECK_EQ(0, jipc_sem_wait(NULL, t, -1));
    CHECK_EQ(-EAGAIN, jipc_sem_wait(NULL, s, 0));
    CHECK_EQ(0, jipc_sem_post(t));
    CHECK_EQ(1, jipc_sem_value(s));
    CHECK_EQ(0, jipc_sem_close(t));
    CHECK_EQ(0, jipc_sem_close(s));
    CHECK_EQ(0, jipc_sem_unlink(name));
    CHECK_EQ(-ENOENT, jipc_sem_unlink(name));
    CHECK_EQ(-EINVAL, jipc_sem_open("/a/b", JIPC_SEM_CREATE, 0600, 0, a));
}

static void unnamed_between_processes(void)
{
    sem_t *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK_EQ(-EINVAL, jipc_sem_init((sem_t *)((char *)s + 1), 0));
    CHECK_EQ(0, jipc_sem_init(s, 0));
    pid_t child = fork();
    if (child == 0)
        _exit(jipc_sem_wait(NULL, s, 10000000000LL) == 0 ? 0 : 1);
    usleep(20000);
    CHECK_EQ(0, jipc_sem_post(s));
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(0, jipc_sem_value(s));
    CHECK_EQ(0, jipc_sem_destroy(s));
    CHECK_EQ(0, jipc_sem_init(s, SEM_VALUE_MAX));
    CHECK_EQ(-EOVERFLOW, jipc_sem_post(s));
    CHECK_EQ(-EINVAL, jipc_sem_init(s, (unsigned)SEM_VALUE_MAX + 1));
    munmap(s, 4096);
}

static void timeout_is_bounded(void)
{
    sem_t *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK_EQ(0, jipc_sem_init(s, 0));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(-ETIMEDOUT, jipc_sem_wait(NULL, s, 40000000LL));
    long long ms = ms_since(&t0);
    CHECK(ms >= 35 && ms < 1000);
    munmap(s, 4096);
}

struct waiter {
    sem_t *s;
    jipc_guard *g;
    long long timeout;
    int result;
};

static void *wait_sem(void *arg)
{
    struct waiter *w = arg;
    w->result = jipc_sem_wait(w->g, w->s, w->timeout);
    return NULL;
}

static void guard_wakes_a_waiter(void)
{
    sem_t *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK_EQ(0, jipc_sem_init(s, 0));
    for (int i = 0; i < 2; i++) {
        struct waiter w = { s, jipc_guard_create(JIPC_GUARD_SIGNAL), i == 0 ? -1 : 60000000000LL, 1 };
        pthread_t t;
        pthread_create(&t, NULL, wait_sem, &w);
        while (jipc_guard_blocked(w.g) == 0)
            usleep(1000);
        CHECK_EQ(0, jipc_guard_wake(w.g, -1));
        pthread_join(t, NULL);
        CHECK_EQ(-JIPC_WOKEN, w.result);
        CHECK_EQ(0, jipc_sem_value(s));
        jipc_guard_free(w.g);
    }
    munmap(s, 4096);
}

int main(void)
{
    snprintf(name, sizeof name, "/jipc-test-sem-%d", (int)getpid());
    RUN(layout_is_native);
    RUN(named_lifecycle);
    RUN(unnamed_between_processes);
    RUN(timeout_is_bounded);
    RUN(guard_wakes_a_waiter);
    jipc_sem_unlink(name);
    TEST_EXIT();
}
