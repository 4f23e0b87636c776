#include "jipc_file.h"
#include "jipc_io_internal.h"

#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long kind_of(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return JIPC_FILE_REGULAR;
    case S_IFDIR:
        return JIPC_FILE_DIRECTORY;
    case S_IFCHR:
        return JIPC_FILE_CHARACTER_DEVICE;
    case S_IFBLK:
        return JIPC_FILE_BLOCK_DEVICE;
    case S_IFIFO:
        return JIPC_FILE_FIFO;
    case S_IFSOCK:
        return JIPC_FILE_SOCKET;
    case S_IFLNK:
        return JIPC_FILE_SYMBOLIC_LINK;
    default:
        return JIPC_FILE_OTHER;
    }
}

int jipc_file_stat(int fd, long out[JIPC_FILE_STAT_LENGTH])
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -errno;
    int mode = flags & O_ACCMODE;
    out[JIPC_FILE_STAT_KIND] = kind_of(st.st_mode);
    out[JIPC_FILE_STAT_SIZE] = (long)st.st_size;
    out[JIPC_FILE_STAT_ACCESS] = (flags & O_PATH) ? 0
        : (mode != O_WRONLY ? JIPC_FILE_READABLE : 0) | (mode != O_RDONLY ? JIPC_FILE_WRITABLE : 0);
    out[JIPC_FILE_STAT_DEVICE] = (long)st.st_dev;
    return 0;
}

long jipc_file_device(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    return (long)st.st_dev;
}

int jipc_file_open(const char *path, int flags, int mode, long out[JIPC_FILE_STAT_LENGTH])
{
    int fd = jipc_open(path, flags | O_NONBLOCK | O_NOCTTY, mode);
    struct stat st;
    if (fd == -EWOULDBLOCK && !(flags & O_NONBLOCK) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        fd = jipc_open(path, flags | O_NOCTTY, mode); /* a lease: wait for it to break, as a plain open does */
    if (fd < 0)
        return fd;
    int r = jipc_file_stat(fd, out);
    if (r == 0 && !(flags & O_NONBLOCK) && !(flags & O_PATH))
        r = jipc_set_nonblocking(fd, 0);
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}

/*
 * One read or write under g. A count above 0 is always the file's: the dead
 * end the guard puts in place gives nothing (0 to a read, EBADF to a write),
 * so bytes that moved are reported even while the handle closes.
 */
static long transfer(int fd, jipc_guard *g, void *buf, long len, int write_it)
{
    if (len < 0)
        return -EINVAL;
    jipc_blocker b;
    long r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    int again = 0;
    for (;;) {
        ssize_t n = write_it ? write(fd, buf, (size_t)len) : read(fd, buf, (size_t)len);
        int err = n < 0 ? errno : 0;
        if (n > 0) {
            r = n;
            break;
        }
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (n == 0) {
            r = 0;
            break;
        }
        if (err == EAGAIN) {
            if (again++ > 0) {
                /* Ready, says poll, yet no room for it all (an event counter's add of
                 * more than it holds): pause rather than spin. A wake ends the pause. */
                struct timespec pause = { 0, 1000000 };
                nanosleep(&pause, NULL);
            }
            if ((r = jipc_await_shared(fd, write_it ? POLLOUT : POLLIN)) == 0)
                continue;
            break;
        }
        if (err != EINTR) {
            r = -err;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    return r;
}

long jipc_file_read(int fd, jipc_guard *g, void *buf, long len)
{
    return transfer(fd, g, buf, len, 0);
}

long jipc_file_write(int fd, jipc_guard *g, const void *buf, long len)
{
    return transfer(fd, g, (void *)buf, len, 1);
}
