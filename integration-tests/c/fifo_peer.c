/*
 * fifo_peer - one side of a named pipe, as in the classic FIFO example:
 *
 *   mkfifo(path, 0600);                      (with --create)
 *   READ SIDE:  fd = open(path, O_RDONLY); read(fd, buffer, size) until end of file;
 *   WRITE SIDE: fd = open(path, O_WRONLY); write(fd, buffer, size);
 *   close(fd); unlink(path);                 (with --unlink)
 *
 * The opens block until the other side opens too, as open(2) on a FIFO does.
 */
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "  fifo_peer read <path> [--create] [--unlink] [--limit=N]\n"
    "  fifo_peer write <path> <bytes|-1> <seed> [--create] [--unlink]\n";

/* mkfifo, accepting a FIFO that is already there. */
static int create(const char *path)
{
    if (mkfifo(path, 0600) == 0)
        return 0;
    int err = errno;
    struct stat sb;
    if (err == EEXIST && stat(path, &sb) == 0 && S_ISFIFO(sb.st_mode))
        return 0;
    return -err;
}

static int open_fifo(const char *path, int flags)
{
    int fd;
    do {
        fd = open(path, flags);
    } while (fd < 0 && errno == EINTR);
    return fd >= 0 ? fd : -errno;
}

int main(int argc, char **argv)
{
    struct peer_args a;
    peer_setup();
    peer_parse(argc, argv, &a, USAGE);
    int writer = strcmp(a.word[0], "write") == 0;
    if ((!writer && (strcmp(a.word[0], "read") != 0 || a.words != 2)) || (writer && a.words != 4)) {
        fprintf(stderr, "usage:\n%s", USAGE);
        return PEER_USAGE;
    }
    const char *path = a.word[1];
    struct peer_stats st = { 0, 0 };
    if (a.create) {
        int r = create(path);
        if (r < 0)
            return peer_error("mkfifo", r, &st);
    }
    peer_say("READY pid=%d", (int)getpid());

    int fd = open_fifo(path, writer ? O_WRONLY : O_RDONLY);
    if (fd < 0)
        return peer_error("open", fd, &st);
    peer_say("OPENED");
    int r;
    if (writer) {
        r = peer_pour(fd, peer_number(a.word[2], "bytes"), (uint64_t)peer_number(a.word[3], "seed"), &st);
        if (r < 0)
            return peer_error("write", r, &st);
    } else {
        r = peer_drain(fd, a.limit, &st);
        if (r < 0)
            return peer_error("read", r, &st);
    }
    if (close(fd) < 0)
        return peer_error("close", -errno, &st);
    if (a.unlink_after && unlink(path) < 0)
        return peer_error("unlink", -errno, &st);
    peer_result(&st);
    return 0;
}
