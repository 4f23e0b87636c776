#include "jipc_file.h"
#include "jipc_test.h"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
    char path[64];
    snprintf(path, sizeof path, "%s/data", dir);
    unlink(path); /* left by a check that failed early */
    snprintf(path, sizeof path, "%s/fifo", dir);
    unlink(path);
    rmdir(dir);
    TEST_EXIT();
}
