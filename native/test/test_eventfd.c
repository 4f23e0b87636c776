#include "jipc_eventfd.h"
#include "jipc_test.h"

#include <pthread.h>
#include <unistd.h>

static void counter_and_semaphore(void)
{
    int fd = jipc_eventfd_create(2, 0);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(1, jipc_eventfd_is(fd));
    CHECK_EQ(0, jipc_eventfd_write(fd, NULL, 3, JIPC_EVENTFD_BLOCK));
    uint64_t v = 0;
    CHECK_EQ(0, jipc_eventfd_read(fd, NULL, &v, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(5, v);
    CHECK_EQ(-EAGAIN, jipc_eventfd_read(fd, NULL, &v, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(0, jipc_eventfd_write(fd, NULL, 0xfffffffffffffffeULL, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(-EAGAIN, jipc_eventfd_write(fd, NULL, 1, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(0, jipc_eventfd_read(fd, NULL, &v, JIPC_EVENTFD_NOWAIT));
    /* Room for 1 but not for the maximum: poll(2) says writable, a write would block. */
    CHECK_EQ(0, jipc_eventfd_write(fd, NULL, 1, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(-EAGAIN, jipc_eventfd_write(fd, NULL, 0xfffffffffffffffeULL, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(0, jipc_eventfd_write(fd, NULL, 0xfffffffffffffffdULL, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(-EAGAIN, jipc_eventfd_write(fd, NULL, 1, JIPC_EVENTFD_NOWAIT));
    CHECK_EQ(-EINVAL, jipc_eventfd_write(fd, NULL, UINT64_MAX, JIPC_EVENTFD_NOWAIT));
    close(fd);
    int s = jipc_eventfd_create(2, 1);
    CHECK_EQ(0, jipc_eventfd_read(s, NULL, &v, JIPC_EVENTFD_BLOCK));
    CHECK_EQ(1, v);
    CHECK_EQ(0, jipc_eventfd_read(s, NULL, &v, JIPC_EVENTFD_BLOCK));
    CHECK_EQ(-EAGAIN, jipc_eventfd_read(s, NULL, &v, JIPC_EVENTFD_NOWAIT));
    close(s);
    int p[2];
    CHECK_EQ(0, pipe(p));
    CHECK_EQ(0, jipc_eventfd_is(p[0]));
    close(p[0]);
    close(p[1]);
}

struct blocked {
    int fd;
    jipc_guard *g;
    int result;
};

static void *read_blocked(void *arg)
{
    struct blocked *b = arg;
    uint64_t v;
    b->result = jipc_eventfd_read(b->fd, b->g, &v, JIPC_EVENTFD_BLOCK);
    return NULL;
}

static void close_wakes_a_read(void)
{
    struct blocked b = { .fd = jipc_eventfd_create(0, 0), .g = jipc_guard_create(JIPC_GUARD_FD), .result = 1 };
    pthread_t t;
    pthread_create(&t, NULL, read_blocked, &b);
    while (jipc_guard_blocked(b.g) == 0)
        usleep(1000);
    usleep(20000);
    CHECK_EQ(0, jipc_guard_wake(b.g, b.fd));
    pthread_join(t, NULL);
    CHECK_EQ(-JIPC_WOKEN, b.result);
    jipc_guard_free(b.g);
    close(b.fd);
}

int main(void)
{
    RUN(counter_and_semaphore);
    RUN(close_wakes_a_read);
    TEST_EXIT();
}
