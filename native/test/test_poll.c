#include "jipc_poll.h"
#include "jipc_test.h"

#include <pthread.h>
#include <unistd.h>

static void events_carry_their_ids(void)
{
    int ep = jipc_poll_create();
    CHECK(ep >= 0);
    CHECK(fcntl(ep, F_GETFD) & FD_CLOEXEC);
    int p[2];
    CHECK_EQ(0, pipe2(p, O_CLOEXEC));
    CHECK_EQ(0, jipc_poll_ctl(ep, JIPC_POLL_ADD, p[0], JIPC_POLL_IN, 42));
    CHECK_EQ(0, jipc_poll_ctl(ep, JIPC_POLL_ADD, p[1], JIPC_POLL_OUT, 7));
    long out[8];
    CHECK_EQ(1, jipc_poll_wait(ep, NULL, out, 4, 0));
    CHECK_EQ(7, out[0]);
    CHECK_EQ(JIPC_POLL_OUT, out[1]);
    CHECK_EQ(0, jipc_poll_ctl(ep, JIPC_POLL_REMOVE, p[1], 0, 0));
    CHECK_EQ(0, jipc_poll_wait(ep, NULL, out, 4, 10));
    CHECK_EQ(1, write(p[1], "x", 1));
    CHECK_EQ(1, jipc_poll_wait(ep, NULL, out, 4, -1));
    CHECK_EQ(42, out[0]);
    CHECK_EQ(JIPC_POLL_IN, out[1]);
    close(p[1]);
    CHECK_EQ(1, jipc_poll_wait(ep, NULL, out, 4, -1));
    CHECK(out[1] & JIPC_POLL_HUP);
    CHECK_EQ(-EEXIST, jipc_poll_ctl(ep, JIPC_POLL_ADD, p[0], JIPC_POLL_IN, 1));
    CHECK_EQ(-EINVAL, jipc_poll_wait(ep, NULL, out, 0, 0));
    close(p[0]);
    close(ep);
}

struct blocked {
    int fd;
    jipc_guard *g;
    int result;
};

static void *wait_blocked(void *arg)
{
    struct blocked *b = arg;
    long out[2];
    b->result = jipc_poll_wait(b->fd, b->g, out, 1, -1);
    return NULL;
}

static void close_wakes_a_wait(void)
{
    struct blocked b = { .fd = jipc_poll_create(), .g = jipc_guard_create(JIPC_GUARD_FD), .result = 1 };
    pthread_t t;
    pthread_create(&t, NULL, wait_blocked, &b);
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
    RUN(events_carry_their_ids);
    RUN(close_wakes_a_wait);
    TEST_EXIT();
}
