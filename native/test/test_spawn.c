#include "jipc_pipe.h"
#include "jipc_spawn.h"
#include "jipc_test.h"

#include <unistd.h>

/* Everything a pipe end delivers until end of stream (at most size - 1 bytes). */
static long read_all(int fd, char *buf, long size)
{
    long got = 0, r;
    while (got < size - 1 && (r = read(fd, buf + got, (size_t)(size - 1 - got))) > 0)
        got += r;
    buf[got] = 0;
    return got;
}

static void exit_code_and_signal(void)
{
    int out[2];
    const char args[] = "sh\0-c\0exit 7";
    CHECK_EQ(0, jipc_spawn("sh", args, 3, NULL, -1, NULL, NULL, 0, out));
    CHECK(out[0] > 0 && out[1] >= 0);
    CHECK(fcntl(out[1], F_GETFD) & FD_CLOEXEC);
    int st[2];
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(JIPC_CHILD_EXITED, st[0]);
    CHECK_EQ(7, st[1]);
    close(out[1]);

    const char sleeper[] = "sleep\0" "30";
    CHECK_EQ(0, jipc_spawn("sleep", sleeper, 2, NULL, -1, NULL, NULL, 0, out));
    CHECK_EQ(0, jipc_spawn_wait(out[1], 50, st));
    CHECK_EQ(0, jipc_spawn_signal(out[1], SIGKILL));
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(JIPC_CHILD_KILLED, st[0]);
    CHECK_EQ(SIGKILL, st[1]);
    close(out[1]);
}

static void missing_program(void)
{
    int out[2];
    const char args[] = "/nonexistent/jipc";
    int r = jipc_spawn("/nonexistent/jipc", args, 1, NULL, -1, NULL, NULL, 0, out);
    if (r == 0 && getenv("JIPC_TEST_EMULATOR") != NULL) {
        /* qemu-user runs posix_spawn's CLONE_VFORK child as a plain fork, so the
         * child's exec error never reaches the parent: the child exits 127. */
        int st[2];
        CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
        CHECK_EQ(JIPC_CHILD_EXITED, st[0]);
        CHECK_EQ(127, st[1]);
        close(out[1]);
        return;
    }
    CHECK_EQ(-ENOENT, r);
}

/* The child writes its environment value and folder into the pipe it finds on
 * fd 5; a descriptor of ours that it was not given is closed in it. */
static void fd_env_and_cwd_reach_the_child(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    int stray = fcntl(fds[1], F_DUPFD, 40); /* not close-on-exec: must not reach the child */
    CHECK(stray >= 0);
    int map[] = { fds[1], 5 };
    char script[192];
    snprintf(script, sizeof script,
             "printf '%%s|%%s|' \"$JIPC_X\" \"$(pwd)\" >&5; "
             "[ -e /proc/$$/fd/%d ] && printf leak >&5; exit 0", stray);
    char argblock[512];
    size_t n = 0;
    memcpy(argblock + n, "sh", 3), n += 3;
    memcpy(argblock + n, "-c", 3), n += 3;
    memcpy(argblock + n, script, strlen(script) + 1);
    const char env[] = "JIPC_X=42\0PATH=/usr/bin:/bin";
    int out[2];
    CHECK_EQ(0, jipc_spawn("/bin/sh", argblock, 3, env, 2, "/tmp", map, 1, out));
    close(fds[1]);
    close(stray);
    int st[2];
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(0, st[1]);
    char buf[64] = { 0 };
    read_all(fds[0], buf, sizeof buf);
    CHECK(strcmp(buf, "42|/tmp|") == 0);
    /* The child's end was blocking, like ours. */
    CHECK(!(fcntl(fds[0], F_GETFL) & O_NONBLOCK));
    close(fds[0]);
    close(out[1]);
}

/* A write end whose description was set O_NONBLOCK elsewhere (and whose pipe
 * has no reader yet) still reaches the child as a blocking description of its
 * own; the child reports the flags it sees on fd 4. */
static void write_end_without_reader_is_handed_over_blocking(void)
{
    int data[2], report[2];
    CHECK_EQ(0, jipc_pipe_create(data));
    CHECK_EQ(0, jipc_pipe_create(report));
    CHECK_EQ(0, jipc_set_nonblocking(data[1], 1));
    close(data[0]);
    int map[] = { data[1], 4, report[1], 1 };
    const char args[] = "sh\0-c\0grep '^flags' /proc/self/fdinfo/4";
    int out[2];
    CHECK_EQ(0, jipc_spawn("sh", args, 3, NULL, -1, NULL, map, 2, out));
    close(report[1]);
    int st[2];
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(0, st[1]);
    char buf[64] = { 0 };
    read_all(report[0], buf, sizeof buf);
    CHECK(strncmp(buf, "flags:", 6) == 0);
    long flags = strtol(buf + 6, NULL, 8);
    CHECK_EQ(O_WRONLY, flags & O_ACCMODE);
    CHECK(!(flags & O_NONBLOCK));
    CHECK(fcntl(data[1], F_GETFL) & O_NONBLOCK);
    close(data[1]);
    close(report[0]);
    close(out[1]);
}

/* Descriptors without close-on-exec at numbers below the highest target (3
 * to 9 here, under a target of 10) do not reach the child: the child lists
 * its descriptors and finds 0-2, 10 and the one ls reads the folder with. */
static void strays_below_the_highest_target_are_closed(void)
{
    int fds[2], report[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    CHECK_EQ(0, jipc_pipe_create(report));
    int strays[8], nstray = 0;
    for (int i = 0; i < 8; i++) {
        int s = fcntl(fds[1], F_DUPFD, 3); /* lowest free number, not close-on-exec */
        CHECK(s >= 0);
        if (s >= 10) {
            close(s);
            break;
        }
        strays[nstray++] = s;
    }
    CHECK(nstray > 0);
    int map[] = { fds[1], 10, report[1], 1 };
    const char args[] = "sh\0-c\0exec ls /proc/self/fd";
    int out[2];
    CHECK_EQ(0, jipc_spawn("sh", args, 3, NULL, -1, NULL, map, 2, out));
    for (int i = 0; i < nstray; i++)
        close(strays[i]);
    close(report[1]);
    close(fds[1]);
    int st[2];
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(0, st[1]);
    char buf[256];
    read_all(report[0], buf, sizeof buf);
    int count = 0, ten = 0;
    for (char *tok = strtok(buf, "\n"); tok != NULL; tok = strtok(NULL, "\n")) {
        int fd = atoi(tok);
        count++;
        ten |= fd == 10;
        /* ls's own folder descriptor is the lowest free number: 3. */
        CHECK(fd <= 3 || fd == 10);
    }
    CHECK(ten);
    CHECK_EQ(5, count);
    close(fds[0]);
    close(report[0]);
    close(out[1]);
}

/* jipc_spawn_exited tells an ended child apart without reaping it. */
static void exited_does_not_reap(void)
{
    int out[2];
    const char args[] = "sh\0-c\0exit 4";
    const char sleeper[] = "sleep\0" "30";
    int st[2];
    CHECK_EQ(0, jipc_spawn("sleep", sleeper, 2, NULL, -1, NULL, NULL, 0, out));
    CHECK_EQ(0, jipc_spawn_exited(out[1]));
    CHECK_EQ(0, jipc_spawn_signal(out[1], SIGKILL));
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(-ECHILD, jipc_spawn_exited(out[1]));
    close(out[1]);
    CHECK_EQ(0, jipc_spawn("sh", args, 3, NULL, -1, NULL, NULL, 0, out));
    for (int i = 0; i < 500 && jipc_spawn_exited(out[1]) == 0; i++)
        usleep(10000);
    CHECK_EQ(1, jipc_spawn_exited(out[1]));
    CHECK_EQ(1, jipc_spawn_exited(out[1]));
    CHECK_EQ(1, jipc_spawn_wait(out[1], 5000, st));
    CHECK_EQ(4, st[1]);
    close(out[1]);
}

int main(void)
{
    RUN(exit_code_and_signal);
    RUN(missing_program);
    RUN(fd_env_and_cwd_reach_the_child);
    RUN(write_end_without_reader_is_handed_over_blocking);
    RUN(strays_below_the_highest_target_are_closed);
    RUN(exited_does_not_reap);
    TEST_EXIT();
}
