#include "jipc_common.h"
#include "jipc_test.h"

#include <pthread.h>
#include <unistd.h>

static void errno_names(void)
{
    CHECK(strcmp(jipc_errno_name(EAGAIN), "EAGAIN") == 0);
    CHECK(strcmp(jipc_errno_name(EPIPE), "EPIPE") == 0);
    CHECK(jipc_errno_name(99999) == NULL);
    CHECK(strlen(jipc_errno_description(ENOENT)) > 0);
    CHECK(strlen(jipc_errno_description(99999)) > 0);
    CHECK(strcmp(jipc_signal_name(SIGKILL), "KILL") == 0);
    CHECK(jipc_signal_name(12345) == NULL);
}

static void close_reports_bad_fd(void)
{
    CHECK_EQ(-EBADF, jipc_close(-1));
}

static void flags_toggle(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_EQ(0, jipc_set_nonblocking(fds[0], 1));
    CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    CHECK_EQ(0, jipc_set_nonblocking(fds[0], 0));
    CHECK(!(fcntl(fds[0], F_GETFL) & O_NONBLOCK));
    CHECK_EQ(0, jipc_set_cloexec(fds[1], 1));
    CHECK(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(JIPC_FD_PIPE_READ, jipc_fd_kind(fds[0]));
    CHECK_EQ(JIPC_FD_PIPE_WRITE, jipc_fd_kind(fds[1]));
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ(-EBADF, jipc_fd_kind(fds[0]));
    int dn = jipc_open("/dev/null", O_RDONLY, 0);
    CHECK(dn >= 0);
    CHECK(fcntl(dn, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(JIPC_FD_OTHER, jipc_fd_kind(dn));
    close(dn);
    CHECK_EQ(-ENOENT, jipc_open("/nonexistent/jipc", O_RDONLY, 0));
}

static void wait_times_out(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_EQ(0, jipc_wait(fds[0], POLLIN, -1, 10));
    CHECK(write(fds[1], "x", 1) == 1);
    CHECK_EQ(1, jipc_wait(fds[0], POLLIN, -1, 10));
    close(fds[0]);
    close(fds[1]);
}

struct waiter {
    int fd, wake, result;
};

static void *wait_forever(void *arg)
{
    struct waiter *w = arg;
    w->result = jipc_wait(w->fd, POLLIN, w->wake, -1);
    return NULL;
}

static void wake_ends_a_wait(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    struct waiter w = { fds[0], jipc_wake_create(), 99 };
    CHECK(w.wake >= 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, wait_forever, &w) == 0);
    usleep(20000);
    CHECK_EQ(0, jipc_wake(w.wake));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(-JIPC_WOKEN, w.result);
    /* Still woken for a later waiter: the wake fd is never drained. */
    CHECK_EQ(-JIPC_WOKEN, jipc_wait(fds[0], POLLIN, w.wake, -1));
    close(w.wake);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    RUN(errno_names);
    RUN(close_reports_bad_fd);
    RUN(flags_toggle);
    RUN(wait_times_out);
    RUN(wake_ends_a_wait);
    TEST_EXIT();
}
