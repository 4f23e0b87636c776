#include "jipc_common.h"
#include "jipc_test.h"

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
    CHECK_EQ(0, jipc_wait(fds[0], POLLIN, 10));
    CHECK(write(fds[1], "x", 1) == 1);
    CHECK_EQ(1, jipc_wait(fds[0], POLLIN, 10));
    close(fds[0]);
    close(fds[1]);
}

static void reopened_ends_have_their_own_mode(void)
{
    int fds[2];
    CHECK(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    int r = jipc_reopen_end(fds[0], 0);
    CHECK(r >= 0);
    CHECK(!(fcntl(r, F_GETFL) & O_NONBLOCK));
    CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(r, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(JIPC_FD_PIPE_READ, jipc_fd_kind(r));
    int w = jipc_reopen_end(fds[1], 1);
    CHECK(w >= 0);
    CHECK(fcntl(w, F_GETFL) & O_NONBLOCK);
    CHECK(write(w, "ab", 2) == 2);
    char buf[2];
    CHECK(read(r, buf, 2) == 2);
    close(r);
    close(fds[0]);
    /* No reader left: the write end is still reopened, through a reader held for an instant. */
    int again = jipc_reopen_end(fds[1], 0);
    CHECK(again >= 0);
    CHECK_EQ(JIPC_FD_PIPE_WRITE, jipc_fd_kind(again));
    close(again);
    close(w);
    close(fds[1]);
    int dn = jipc_open("/dev/null", O_RDONLY, 0);
    CHECK_EQ(-EINVAL, jipc_reopen_end(dn, 0));
    close(dn);
}

static void ipc_names_are_checked(void)
{
    char name[300];
    CHECK_EQ(0, jipc_ipc_name_check("/a", 255));
    CHECK_EQ(-EINVAL, jipc_ipc_name_check("a", 255));
    CHECK_EQ(-EINVAL, jipc_ipc_name_check("/", 255));
    CHECK_EQ(-EINVAL, jipc_ipc_name_check("/a/b", 255));
    CHECK_EQ(-EINVAL, jipc_ipc_name_check("/.", 255));
    CHECK_EQ(-EINVAL, jipc_ipc_name_check("/..", 255));
    CHECK_EQ(0, jipc_ipc_name_check("/...", 255));
    CHECK_EQ(-EINVAL, jipc_ipc_name_check(NULL, 255));
    name[0] = '/';
    memset(name + 1, 'x', 255);
    name[256] = '\0';
    CHECK_EQ(0, jipc_ipc_name_check(name, 255));
    CHECK_EQ(-ENAMETOOLONG, jipc_ipc_name_check(name, 251));
    memset(name + 1, 'x', 260);
    name[261] = '\0';
    CHECK_EQ(-ENAMETOOLONG, jipc_ipc_name_check(name, 255));
}

int main(void)
{
    RUN(errno_names);
    RUN(close_reports_bad_fd);
    RUN(flags_toggle);
    RUN(wait_times_out);
    RUN(reopened_ends_have_their_own_mode);
    RUN(ipc_names_are_checked);
    TEST_EXIT();
}
