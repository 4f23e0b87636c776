/*
 * pipe_peer - one side of an unnamed pipe whose end it inherited from its
 * parent as a descriptor number, as in the classic pipe() + fork() example:
 *
 *   READ SIDE:  read(fd, buffer, size) until end of file; close(fd);
 *   WRITE SIDE: write(fd, buffer, size) until all is written; close(fd);
 */
#include "peer_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "  pipe_peer read <fd> [--limit=N] [--gate]\n"
    "  pipe_peer write <fd> <bytes|-1> <seed> [--gate | --hold]\n";

static int read_side(int fd, const struct peer_args *a, struct peer_stats *st)
{
    int r = peer_drain(fd, a->limit, st);
    if (r < 0)
        return peer_error("read", r, st);
    return 0;
}

static int write_side(int fd, const struct peer_args *a, struct peer_stats *st)
{
    if (a->words != 4) {
        fprintf(stderr, "usage:\n%s", USAGE);
        return PEER_USAGE;
    }
    long long total = peer_number(a->word[2], "bytes");
    long long seed = peer_number(a->word[3], "seed");
    int r = peer_pour(fd, total, (uint64_t)seed, st);
    if (r < 0)
        return peer_error("write", r, st);
    if (a->hold) {
        peer_say("HOLDING bytes=%llu", st->bytes);
        peer_wait_stdin_eof();
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct peer_args a;
    peer_setup();
    peer_parse(argc, argv, &a, USAGE);
    int writer = strcmp(a.word[0], "write") == 0;
    if ((!writer && strcmp(a.word[0], "read") != 0) || a.words < 2) {
        fprintf(stderr, "usage:\n%s", USAGE);
        return PEER_USAGE;
    }
    int fd = (int)peer_number(a.word[1], "fd");
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISFIFO(sb.st_mode)) {
        fprintf(stderr, "fd %d is not a pipe end the parent handed over\n", fd);
        return PEER_USAGE;
    }
    peer_say("READY pid=%d", (int)getpid());
    if (a.gate)
        peer_wait_stdin_eof();

    struct peer_stats st = { 0, 0 };
    int rc = writer ? write_side(fd, &a, &st) : read_side(fd, &a, &st);
    if (rc != 0)
        return rc;
    if (close(fd) < 0)
        return peer_error("close", -errno, &st);
    peer_result(&st);
    return 0;
}
