#include "jipc_fifo.h"

#include <unistd.h>

int jipc_fifo_create(const char *path, int mode)
{
    if (mkfifo(path, (mode_t)mode) < 0)
        return -errno;
    /* mkfifo applies the umask; the caller asked for exactly this mode. */
    if (chmod(path, (mode_t)mode) < 0) {
        int err = errno;
        unlink(path);
        return -err;
    }
    return 0;
}

int jipc_fifo_check(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    return S_ISFIFO(st.st_mode) ? 1 : 0;
}

int jipc_fifo_open(const char *path, int for_write)
{
    int kind = jipc_fifo_check(path);
    if (kind <= 0)
        return kind < 0 ? kind : -EINVAL;
    int flags = (for_write ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC;
    int fd;
    do {
        fd = open(path, flags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    /* Opened O_NONBLOCK so the open never waits; the description is ours
     * alone yet, so it becomes the blocking one every later call shares. */
    int r = jipc_set_nonblocking(fd, 0);
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}

int jipc_fifo_remove(const char *path)
{
    int r = jipc_fifo_check(path);
    if (r < 0)
        return r;
    if (r == 0)
        return -EINVAL;
    return unlink(path) < 0 ? -errno : 0;
}

int jipc_fifo_has_writer(int fd)
{
    int probe[2];
    if (pipe2(probe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -errno;
    /* tee(2) copies without consuming: data (> 0), or an empty FIFO that
     * still has a writer (EAGAIN), versus one without any (0). */
    ssize_t n;
    do {
        n = tee(fd, probe[1], 1, SPLICE_F_NONBLOCK);
    } while (n < 0 && errno == EINTR);
    int err = errno;
    close(probe[0]);
    close(probe[1]);
    if (n > 0 || (n < 0 && err == EAGAIN))
        return 1;
    return n == 0 ? 0 : -err;
}
