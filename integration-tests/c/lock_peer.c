/*
 * lock_peer - the other side of jipc's record locks, as a plain C program
 * using classic fcntl(2) locks as the classic example does (it does not link
 * jipc). The file is mapped shared; every access to the map is under a lock:
 *
 *   WRITE PROCESS: F_SETLKW(F_WRLCK, whole file); fill the map; F_UNLCK
 *   READ PROCESS:  F_SETLKW(F_RDLCK, whole file); read the map; F_UNLCK
 *
 * Lines: READY, RESULT ..., ERROR <call> <ERRNO>.
 */
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "  lock_peer write <path> <rounds>       fill the map with one letter per round, under F_WRLCK\n"
    "  lock_peer read <path> <rounds>        read the map under F_RDLCK, count torn reads\n"
    "  lock_peer hold <path>                 F_WRLCK on the whole file, READY, wait for end of stdin\n"
    "  lock_peer count <path> <offset> <n>   n times: lock, counter = counter + 1 (not atomic), unlock\n"
    "  lock_peer ofd-probe <path>            try an OFD write lock on the whole file: RESULT free=0|1\n";

static struct peer_stats none;

static int fail(const char *call)
{
    return peer_error(call, -errno, &none);
}

static int lock(int fd, short type, int cmd)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;
    int r;
    do {
        r = fcntl(fd, cmd, &fl);
    } while (r < 0 && errno == EINTR);
    return r;
}

static unsigned char *map(const char *path, int *fd, size_t *size)
{
    *fd = open(path, O_RDWR);
    if (*fd < 0)
        return NULL;
    struct stat st;
    if (fstat(*fd, &st) < 0)
        return NULL;
    *size = (size_t)st.st_size;
    void *p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

static int writer(const char *path, long long rounds)
{
    int fd;
    size_t size;
    unsigned char *p = map(path, &fd, &size);
    if (p == NULL)
        return fail("open/mmap");
    peer_say("READY size=%zu", size);
    for (long long r = 0; r < rounds; r++) {
        if (lock(fd, F_WRLCK, F_SETLKW) < 0)
            return fail("fcntl(F_SETLKW)");
        unsigned char c = (unsigned char)('a' + r % 26);
        for (size_t i = 0; i < size; i++)
            ((volatile unsigned char *)p)[i] = c;
        if (lock(fd, F_UNLCK, F_SETLKW) < 0)
            return fail("fcntl(F_UNLCK)");
    }
    peer_say("RESULT rounds=%lld", rounds);
    return 0;
}

static int reader(const char *path, long long rounds)
{
    int fd;
    size_t size;
    unsigned char *p = map(path, &fd, &size);
    if (p == NULL)
        return fail("open/mmap");
    peer_say("READY size=%zu", size);
    long long torn = 0;
    for (long long r = 0; r < rounds; r++) {
        if (lock(fd, F_RDLCK, F_SETLKW) < 0)
            return fail("fcntl(F_SETLKW)");
        unsigned char first = ((volatile unsigned char *)p)[0];
        for (size_t i = 1; i < size; i++) {
            if (((volatile unsigned char *)p)[i] != first) {
                torn++;
                break;
            }
        }
        if (lock(fd, F_UNLCK, F_SETLKW) < 0)
            return fail("fcntl(F_UNLCK)");
    }
    peer_say("RESULT reads=%lld torn=%lld", rounds, torn);
    return 0;
}

static int hold(const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return fail("open");
    if (lock(fd, F_WRLCK, F_SETLKW) < 0)
        return fail("fcntl(F_SETLKW)");
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    peer_say("RESULT released");
    return 0;
}

static int count(const char *path, long long offset, long long n)
{
    int fd;
    size_t size;
    unsigned char *p = map(path, &fd, &size);
    if (p == NULL)
        return fail("open/mmap");
    if (offset < 0 || offset % 8 != 0 || (size_t)offset + 8 > size) {
        fprintf(stderr, "offset %lld is not an aligned counter within %zu bytes\n", offset, size);
        return PEER_USAGE;
    }
    volatile long long *counter = (volatile long long *)(p + offset);
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    for (long long i = 0; i < n; i++) {
        if (lock(fd, F_WRLCK, F_SETLKW) < 0)
            return fail("fcntl(F_SETLKW)");
        long long v = *counter;
        *counter = v + 1;
        if (lock(fd, F_UNLCK, F_SETLKW) < 0)
            return fail("fcntl(F_UNLCK)");
    }
    peer_say("RESULT added=%lld", n);
    return 0;
}

static int ofd_probe(const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return fail("open");
    int r = lock(fd, F_WRLCK, F_OFD_SETLK);
    if (r < 0 && errno != EAGAIN && errno != EACCES)
        return fail("fcntl(F_OFD_SETLK)");
    peer_say("RESULT free=%d", r == 0);
    return 0;
}

int main(int argc, char **argv)
{
    peer_setup();
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "write") == 0 && argc == 4)
        return writer(argv[2], peer_number(argv[3], "rounds"));
    if (strcmp(cmd, "read") == 0 && argc == 4)
        return reader(argv[2], peer_number(argv[3], "rounds"));
    if (strcmp(cmd, "hold") == 0 && argc == 3)
        return hold(argv[2]);
    if (strcmp(cmd, "count") == 0 && argc == 5)
        return count(argv[2], peer_number(argv[3], "offset"), peer_number(argv[4], "n"));
    if (strcmp(cmd, "ofd-probe") == 0 && argc == 3)
        return ofd_probe(argv[2]);
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
