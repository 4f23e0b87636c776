#include "jipc_lock.h"
#include "jipc_test.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static char path[] = "/tmp/jipc-test-lock-XXXXXX";

static int open_file(void)
{
    return jipc_open(path, O_RDWR, 0);
}

static long long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void ofd_locks_conflict_between_descriptions(void)
{
    int a = open_file(), b = open_file();
    CHECK(a >= 0 && b >= 0);
    CHECK_EQ(0, jipc_lock_acquire(a, NULL, JIPC_LOCK_OFD, 1, 0, 100, 0));
    CHECK_EQ(-EAGAIN, jipc_lock_acquire(b, NULL, JIPC_LOCK_OFD, 0, 50, 10, 0));
    CHECK_EQ(0, jipc_lock_acquire(b, NULL, JIPC_LOCK_OFD, 1, 100, 0, 0)); /* 100.. to the end */
    long long out[4];
    CHECK_EQ(0, jipc_lock_query(b, JIPC_LOCK_OFD, 0, 10, 1, out));
    CHECK_EQ(JIPC_LOCK_EXCLUSIVE, out[0]);
    CHECK_EQ(0, out[1]);
    CHECK_EQ(100, out[2]);
    CHECK_EQ(-1, out[3]);
    CHECK_EQ(0, jipc_lock_query(a, JIPC_LOCK_OFD, 0, 10, 1, out)); /* its own lock is no conflict */
    CHECK_EQ(JIPC_LOCK_NONE, out[0]);
    CHECK_EQ(0, jipc_lock_release(a, JIPC_LOCK_OFD, 0, 100));
    CHECK_EQ(0, jipc_lock_acquire(b, NULL, JIPC_LOCK_OFD, 0, 0, 100, 0));
    /* Shared locks share. */
    CHECK_EQ(0, jipc_lock_acquire(a, NULL, JIPC_LOCK_OFD, 0, 0, 100, 0));
    close(a);
    close(b);
}

static void timed_lock_gives_up_in_time(void)
{
    int a = open_file(), b = open_file();
    CHECK_EQ(0, jipc_lock_acquire(a, NULL, JIPC_LOCK_OFD, 1, 0, 0, 0));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(-EAGAIN, jipc_lock_acquire(b, NULL, JIPC_LOCK_OFD, 1, 0, 0, 50000000LL));
    long long ms = ms_since(&t0);
    CHECK(ms >= 45 && ms < 1000);
    close(a);
    CHECK_EQ(0, jipc_lock_acquire(b, NULL, JIPC_LOCK_OFD, 1, 0, 0, 50000000LL));
    close(b);
}

static void classic_locks_die_with_any_descriptor(void)
{
    int a = open_file(), other = open_file(), probe = open_file();
    CHECK_EQ(0, jipc_lock_acquire(a, NULL, JIPC_LOCK_PROCESS, 1, 0, 10, 0));
    /* The same process never conflicts with its classic locks, an OFD lock does. */
    CHECK_EQ(0, jipc_lock_acquire(other, NULL, JIPC_LOCK_PROCESS, 1, 0, 10, 0));
    CHECK_EQ(-EAGAIN, jipc_lock_acquire(probe, NULL, JIPC_LOCK_OFD, 1, 0, 10, 0));
    long long out[4];
    CHECK_EQ(0, jipc_lock_query(probe, JIPC_LOCK_OFD, 1, 0, 10, out));
    CHECK_EQ(JIPC_LOCK_EXCLUSIVE, out[0]);
    CHECK_EQ(getpid(), out[3]);
    close(other); /* drops the lock taken through a as well */
    CHECK_EQ(0, jipc_lock_acquire(probe, NULL, JIPC_LOCK_OFD, 1, 0, 10, 0));
    close(a);
    close(probe);
}

struct waiter {
    int fd;
    jipc_guard *g;
    int result;
};

static void *wait_lock(void *arg)
{
    struct waiter *w = arg;
    w->result = jipc_lock_acquire(w->fd, w->g, JIPC_LOCK_OFD, 1, 0, 0, -1);
    return NULL;
}

static void *wait_lock_timed(void *arg)
{
    struct waiter *w = arg;
    w->result = jipc_lock_acquire(w->fd, w->g, JIPC_LOCK_OFD, 1, 0, 0, 60000000000LL);
    return NULL;
}

static void blocked_lock(void *(*fn)(void *), int wake)
{
    int a = open_file();
    struct waiter w = { open_file(), jipc_guard_create(JIPC_GUARD_FD), 1 };
    CHECK(w.g != NULL);
    CHECK_EQ(0, jipc_lock_acquire(a, NULL, JIPC_LOCK_OFD, 1, 0, 0, 0));
    pthread_t t;
    pthread_create(&t, NULL, fn, &w);
    while (jipc_guard_blocked(w.g) == 0)
        usleep(1000);
    usleep(20000);
    CHECK_EQ(1, w.result);
    if (wake) {
        CHECK_EQ(0, jipc_guard_wake(w.g, w.fd));
        pthread_join(t, NULL);
        CHECK_EQ(-JIPC_WOKEN, w.result);
    } else {
        CHECK_EQ(0, jipc_lock_release(a, JIPC_LOCK_OFD, 0, 0));
        pthread_join(t, NULL);
        CHECK_EQ(0, w.result);
    }
    close(w.fd);
    close(a);
    jipc_guard_free(w.g);
}

static void blocked_lock_is_granted(void) { blocked_lock(wait_lock, 0); }
static void blocked_lock_is_woken(void) { blocked_lock(wait_lock, 1); }
static void polled_lock_is_granted(void) { blocked_lock(wait_lock_timed, 0); }
static void polled_lock_is_woken(void) { blocked_lock(wait_lock_timed, 1); }

static void reopen_is_a_new_description(void)
{
    int a = open_file();
    int b = jipc_lock_reopen(a, 0);
    CHECK(b >= 0);
    CHECK(fcntl(b, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(0, jipc_lock_acquire(a, NULL, JIPC_LOCK_OFD, 1, 0, 0, 0));
    CHECK_EQ(-EAGAIN, jipc_lock_acquire(b, NULL, JIPC_LOCK_OFD, 1, 0, 0, 0));
    int ro = jipc_lock_reopen(a, 1);
    CHECK(ro >= 0);
    CHECK_EQ(-EBADF, jipc_lock_acquire(ro, NULL, JIPC_LOCK_OFD, 1, 5, 1, 0)); /* exclusive needs write access */
    CHECK_EQ(-ENOENT, jipc_lock_reopen(-1, 0));
    close(ro);
    close(b);
    close(a);
}

static void bad_ranges_are_einval(void)
{
    int a = open_file();
    CHECK_EQ(-EINVAL, jipc_lock_acquire(a, NULL, JIPC_LOCK_OFD, 1, -5, 1, 0));
    long long out[4];
    CHECK_EQ(-EINVAL, jipc_lock_query(a, JIPC_LOCK_OFD, 1, -5, 1, out));
    close(a);
}

int main(void)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return 2;
    close(fd);
    RUN(ofd_locks_conflict_between_descriptions);
    RUN(timed_lock_gives_up_in_time);
    RUN(classic_locks_die_with_any_descriptor);
    RUN(blocked_lock_is_granted);
    RUN(blocked_lock_is_woken);
    RUN(polled_lock_is_granted);
    RUN(polled_lock_is_woken);
    RUN(reopen_is_a_new_description);
    RUN(bad_ranges_are_einval);
    unlink(path);
    TEST_EXIT();
}
