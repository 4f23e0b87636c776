#include "jipc_pipe.h"
#include "jipc_test.h"

#include <time.h>
#include <unistd.h>

struct call {
    int fd;
    jipc_waker *w;
    long result;
    int write;
};

static void *blocking_call(void *arg)
{
    struct call *c = arg;
    static char buf[1 << 20];
    c->result = c->write ? jipc_pipe_write(c->fd, c->w, buf, sizeof buf, 1)
                         : jipc_pipe_read(c->fd, c->w, buf, 1, 1);
    return NULL;
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    nanosleep(&ts, NULL);
}

/* A blocked read and a blocked write return -JIPC_WOKEN once woken, whether
 * the wake comes before, while or after they enter the kernel. */
static void wake_interrupts_blocked_calls(void)
{
    for (int i = 0; i < 300; i++) {
        int fds[2];
        CHECK(pipe2(fds, O_CLOEXEC) == 0);
        struct call c = { fds[i % 2], jipc_waker_create(), 1, i % 2 };
        CHECK(c.w != NULL);
        pthread_t t;
        CHECK(pthread_create(&t, NULL, blocking_call, &c) == 0);
        sleep_us((i % 3) * 500);
        CHECK_EQ(0, jipc_waker_wake(c.w, c.fd));
        CHECK(pthread_join(t, NULL) == 0);
        if (c.write)
            CHECK(c.result == -JIPC_WOKEN || c.result == 65536);
        else
            CHECK_EQ(-JIPC_WOKEN, c.result);
        jipc_waker_free(c.w);
        close(fds[0]);
        close(fds[1]);
    }
}

static void a_woken_waker_refuses_new_calls(void)
{
    int fds[2];
    CHECK(pipe2(fds, O_CLOEXEC) == 0);
    jipc_waker *w = jipc_waker_create();
    CHECK_EQ(0, jipc_waker_wake(w, fds[0]));
    char c;
    CHECK_EQ(-JIPC_WOKEN, jipc_pipe_read(fds[0], w, &c, 1, 1));
    /* The number now names a dead end: it reads 0 and does not block. */
    CHECK_EQ(0, read(fds[0], &c, 1));
    CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    jipc_waker_free(w);
    close(fds[0]);
    close(fds[1]);
}

static void data_already_read_is_returned(void)
{
    int fds[2];
    CHECK(pipe2(fds, O_CLOEXEC) == 0);
    jipc_waker *w = jipc_waker_create();
    CHECK(write(fds[1], "xyz", 3) == 3);
    char buf[8];
    CHECK_EQ(3, jipc_pipe_read(fds[0], w, buf, sizeof buf, 1));
    CHECK_EQ(3, jipc_pipe_write(fds[1], w, "abc", 3, 1));
    CHECK_EQ(3, jipc_pipe_read(fds[0], w, buf, sizeof buf, 1));
    close(fds[1]);
    CHECK_EQ(0, jipc_pipe_read(fds[0], w, buf, sizeof buf, 1));
    jipc_waker_free(w);
    close(fds[0]);
}

int main(void)
{
    RUN(wake_interrupts_blocked_calls);
    RUN(a_woken_waker_refuses_new_calls);
    RUN(data_already_read_is_returned);
    TEST_EXIT();
}
