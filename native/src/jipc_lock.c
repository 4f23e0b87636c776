#include "jipc_lock.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void range(struct flock *fl, short type, long long start, long long len)
{
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t)start;
    fl->l_len = (off_t)len;
    fl->l_pid = 0; /* OFD commands require 0 */
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* One F_SETLK(W): 0, -EAGAIN when held (classic locks may say EACCES), -errno. */
static int set(int fd, int kind, int wait, struct flock *fl)
{
    int cmd = kind == JIPC_LOCK_OFD ? (wait ? F_OFD_SETLKW : F_OFD_SETLK) : (wait ? F_SETLKW : F_SETLK);
    if (fcntl(fd, cmd, fl) == 0)
        return 0;
    int err = errno;
    return err == EACCES && !wait ? -EAGAIN : -err;
}

int jipc_lock_acquire(int fd, jipc_guard *g, int kind, int exclusive, long long start, long long len,
                      long long timeout_ns)
{
    struct flock fl;
    range(&fl, exclusive ? F_WRLCK : F_RDLCK, start, len);
    if (timeout_ns == 0)
        return set(fd, kind, 0, &fl);
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    long long deadline = timeout_ns > 0 ? now_ns() + timeout_ns : 0;
    long long pause = 1000000; /* polls start 1 ms apart and back off to a slice */
    for (;;) {
        r = set(fd, kind, timeout_ns < 0, &fl);
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (r == -EINTR)
            continue;
        if (r != -EAGAIN || timeout_ns < 0)
            break;
        long long left = deadline - now_ns();
        if (left <= 0)
            break;
        long long nap = pause < left ? pause : left;
        struct timespec ts = { (time_t)(nap / 1000000000LL), (long)(nap % 1000000000LL) };
        nanosleep(&ts, NULL); /* the guard's signal cuts it short */
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        pause = pause * 2 > JIPC_GUARD_SLICE_NS ? JIPC_GUARD_SLICE_NS : pause * 2;
    }
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_lock_release(int fd, int kind, long long start, long long len)
{
    struct flock fl;
    range(&fl, F_UNLCK, start, len);
    return set(fd, kind, 0, &fl);
}

int jipc_lock_query(int fd, int kind, int exclusive, long long start, long long len, long long out[4])
{
    struct flock fl;
    range(&fl, exclusive ? F_WRLCK : F_RDLCK, start, len);
    if (fcntl(fd, kind == JIPC_LOCK_OFD ? F_OFD_GETLK : F_GETLK, &fl) < 0)
        return -errno;
    out[0] = fl.l_type == F_UNLCK ? JIPC_LOCK_NONE : fl.l_type == F_RDLCK ? JIPC_LOCK_SHARED : JIPC_LOCK_EXCLUSIVE;
    out[1] = fl.l_start;
    out[2] = fl.l_len;
    out[3] = fl.l_pid;
    return 0;
}

int jipc_lock_reopen(int fd, int read_only)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int r;
    do {
        r = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r;
}
