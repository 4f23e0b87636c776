#include "jipc_file.h"
#include "jipc_test.h"

#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

static char dir[] = "/tmp/jipc-test-file-XXXXXX";

static void kinds_from_fstat(void)
{
    long out[JIPC_FILE_STAT_LENGTH];
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_EQ(0, jipc_file_stat(fds[0], out));
    CHECK_EQ(JIPC_FILE_FIFO, out[JIPC_FILE_STAT_KIND]);
    close(fds[0]);
    close(fds[1]);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    CHECK_EQ(0, jipc_file_stat(fds[0], out));
    CHECK_EQ(JIPC_FILE_SOCKET, out[JIPC_FILE_STAT_KIND]);
    close(fds[0]);
    close(fds[1]);
    int e = eventfd(0, EFD_CLOEXEC);
    CHECK(e >= 0);
    CHECK_EQ(0, jipc_file_stat(e, out));
    CHECK_EQ(JIPC_FILE_OTHER, out[JIPC_FILE_STAT_KIND]);
    close(e);
    int d = open("/", O_RDONLY | O_CLOEXEC);
    CHECK(d >= 0);
    CHECK_EQ(0, jipc_file_stat(d, out));
    CHECK_EQ(JIPC_FILE_DIRECTORY, out[JIPC_FILE_STAT_KIND]);
    close(d);
    CHECK_EQ(-EBADF, jipc_file_stat(-1, out));
}

static void open_reports_kind_and_size(void)
{
    char path[64];
    snprintf(path, sizeof path, "%s/data", dir);
    long out[JIPC_FILE_STAT_LENGTH];
    int fd = jipc_file_open(path, O_RDWR | O_CREAT | O_EXCL, 0600, out);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK)); /* the open's own O_NONBLOCK is gone */
    CHECK_EQ(JIPC_FILE_REGULAR, out[JIPC_FILE_STAT_KIND]);
    CHECK_EQ(0, out[JIPC_FILE_STAT_SIZE]);
    CHECK_EQ(JIPC_FILE_READABLE | JIPC_FILE_WRITABLE, out[JIPC_FILE_STAT_ACCESS]);
    CHECK_EQ(5, write(fd, "hello", 5));
    close(fd);
    fd = jipc_file_open(path, O_RDONLY, 0, out);
    CHECK(fd >= 0);
    CHECK_EQ(5, out[JIPC_FILE_STAT_SIZE]);
    CHECK_EQ(JIPC_FILE_READABLE, out[JIPC_FILE_STAT_ACCESS]);
    close(fd);
    fd = jipc_file_open(path, O_WRONLY | O_APPEND, 0, out);
    CHECK(fd >= 0);
    CHECK_EQ(JIPC_FILE_WRITABLE, out[JIPC_FILE_STAT_ACCESS]);
    close(fd);
    fd = jipc_file_open(path, O_PATH, 0, out);
    CHECK(fd >= 0);
    CHECK_EQ(0, out[JIPC_FILE_STAT_ACCESS]);
    close(fd);
    CHECK_EQ(-EEXIST, jipc_file_open(path, O_RDWR | O_CREAT | O_EXCL, 0600, out));
    unlink(path);
    CHECK_EQ(-ENOENT, jipc_file_open(path, O_RDONLY, 0, out));
}

/* A FIFO without its other side: the open does not wait, and reports the kind so the caller can refuse it. */
static void fifo_open_does_not_wait(void)
{
    char path[64];
    snprintf(path, sizeof path, "%s/fifo", dir);
    CHECK(mkfifo(path, 0600) == 0);
    long out[JIPC_FILE_STAT_LENGTH];
    int fd = jipc_file_open(path, O_RDONLY, 0, out);
    CHECK(fd >= 0);
    CHECK_EQ(JIPC_FILE_FIFO, out[JIPC_FILE_STAT_KIND]);
    close(fd);
    CHECK_EQ(-ENXIO, jipc_file_open(path, O_WRONLY, 0, out)); /* no reader: the write open refuses at once */
    unlink(path);
}

/* An O_PATH descriptor of a FIFO reads nothing: it is no pipe end, whatever its access mode says. */
static void path_descriptors_are_no_pipe_ends(void)
{
    char path[64];
    snprintf(path, sizeof path, "%s/fifo-path", dir);
    CHECK(mkfifo(path, 0600) == 0);
    int fd = open(path, O_PATH | O_CLOEXEC);
    unlink(path);
    CHECK(fd >= 0);
    CHECK_EQ(JIPC_FD_OTHER, jipc_fd_kind(fd));
    long out[JIPC_FILE_STAT_LENGTH];
    CHECK_EQ(0, jipc_file_stat(fd, out));
    CHECK_EQ(JIPC_FILE_FIFO, out[JIPC_FILE_STAT_KIND]);
    CHECK_EQ(0, out[JIPC_FILE_STAT_ACCESS]);
    close(fd);
}

static void devices_tell_file_systems_apart(void)
{
    long out[JIPC_FILE_STAT_LENGTH];
    int fd = open("/", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(0, jipc_file_stat(fd, out));
    close(fd);
    CHECK_EQ(out[JIPC_FILE_STAT_DEVICE], jipc_file_device("/"));
    CHECK(jipc_file_device("/proc/self") != out[JIPC_FILE_STAT_DEVICE]);
    CHECK_EQ(-ENOENT, jipc_file_device("/no/such/path"));
}

/* Reads and writes at the description's offset, one system call each; 0 at end of file; EBADF for the wrong access. */
static void read_and_write_move_the_offset(void)
{
    char path[64];
    snprintf(path, sizeof path, "%s/rw", dir);
    long out[JIPC_FILE_STAT_LENGTH];
    int fd = jipc_file_open(path, O_RDWR | O_CREAT | O_EXCL, 0600, out);
    CHECK(fd >= 0);
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_FD);
    CHECK(g != NULL);
    CHECK_EQ(5, jipc_file_write(fd, g, "hello", 5));
    CHECK_EQ(5, lseek(fd, 0, SEEK_CUR));
    CHECK_EQ(1, lseek(fd, 1, SEEK_SET));
    char buf[16] = { 0 };
    CHECK_EQ(4, jipc_file_read(fd, g, buf, sizeof buf));
    CHECK(memcmp(buf, "ello", 4) == 0);
    CHECK_EQ(0, jipc_file_read(fd, g, buf, sizeof buf));
    CHECK_EQ(0, jipc_guard_blocked(g)); /* every call left the guard */
    close(fd);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(-EBADF, jipc_file_write(fd, g, "x", 1));
    close(fd);
    fd = open(dir, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(-EISDIR, jipc_file_read(fd, g, buf, sizeof buf));
    close(fd);
    jipc_guard_free(g);
    unlink(path);
}

/* A timerfd's read waits for an expiry, also when someone set its description O_NONBLOCK. */
static void a_read_waits_for_data(void)
{
    for (int nonblocking = 0; nonblocking <= 1; nonblocking++) {
        int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | (nonblocking ? TFD_NONBLOCK : 0));
        CHECK(t >= 0);
        struct itimerspec in = { .it_value = { .tv_nsec = 20000000 } };
        CHECK_EQ(0, timerfd_settime(t, 0, &in, NULL));
        jipc_guard *g = jipc_guard_create(JIPC_GUARD_FD);
        uint64_t expiries = 0;
        CHECK_EQ((long)sizeof expiries, jipc_file_read(t, g, &expiries, sizeof expiries));
        CHECK_EQ(1, (long)expiries);
        jipc_guard_free(g);
        close(t);
    }
}

/* On a blocking socket EAGAIN is its receive timeout running out, not a reason to wait on. */
static void a_socket_timeout_ends_the_read(void)
{
    int sv[2];
    CHECK_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    struct timeval tv = { .tv_usec = 100000 };
    CHECK_EQ(0, setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_FD);
    char buf[8];
    CHECK_EQ(-ETIMEDOUT, jipc_file_read(sv[0], g, buf, sizeof buf));
    CHECK_EQ(-EINVAL, jipc_file_read(sv[0], g, buf, -1));
    jipc_guard_free(g);
    close(sv[0]);
    close(sv[1]);
}

struct blocked {
    int fd;
    jipc_guard *g;
    long result;
};

static void *read_blocked(void *arg)
{
    struct blocked *b = arg;
    uint64_t v;
    b->result = jipc_file_read(b->fd, b->g, &v, sizeof v);
    return NULL;
}

/* A close wakes a read blocked on a timer far away, many times over; the descriptor is the dead end after. */
static void close_wakes_a_blocked_read(void)
{
    for (int i = 0; i < 200; i++) {
        int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        CHECK(t >= 0);
        struct itimerspec in = { .it_value = { .tv_sec = 3600 } };
        CHECK_EQ(0, timerfd_settime(t, 0, &in, NULL));
        struct blocked b = { .fd = t, .g = jipc_guard_create(JIPC_GUARD_FD), .result = 1 };
        pthread_t th;
        CHECK_EQ(0, pthread_create(&th, NULL, read_blocked, &b));
        if (i % 2 == 0) {
            while (jipc_guard_blocked(b.g) == 0)
                usleep(100);
        }
        CHECK_EQ(0, jipc_guard_wake(b.g, t));
        pthread_join(th, NULL);
        CHECK_EQ(-JIPC_WOKEN, b.result);
        jipc_guard_free(b.g);
        close(t);
    }
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN(kinds_from_fstat);
    RUN(open_reports_kind_and_size);
    RUN(fifo_open_does_not_wait);
    RUN(path_descriptors_are_no_pipe_ends);
    RUN(devices_tell_file_systems_apart);
    RUN(read_and_write_move_the_offset);
    RUN(a_read_waits_for_data);
    RUN(a_socket_timeout_ends_the_read);
    RUN(close_wakes_a_blocked_read);
    char path[64];
    snprintf(path, sizeof path, "%s/data", dir);
    unlink(path); /* left by a check that failed early */
    snprintf(path, sizeof path, "%s/fifo", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/rw", dir);
    unlink(path);
    rmdir(dir);
    TEST_EXIT();
}
