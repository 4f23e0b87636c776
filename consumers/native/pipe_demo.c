/* A C program of a downstream native build: it links libjipc.so from the
 * installed .nar artifacts and moves bytes through a jipc pipe. The calls
 * block, with no guard (nothing closes the pipe under them): the message fits
 * in the pipe, and once the write end is closed a read returns what is left,
 * then end of stream. */
#include <jipc_pipe.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    int fds[2];
    int r = jipc_pipe_create(fds);
    if (r < 0) {
        fprintf(stderr, "jipc_pipe_create: %s\n", jipc_errno_name(-r));
        return 1;
    }
    const char message[] = "bytes through libjipc";
    long n = jipc_pipe_write(fds[1], NULL, message, (long)sizeof message, JIPC_IO_BLOCK);
    if (n != (long)sizeof message) {
        fprintf(stderr, "jipc_pipe_write: %s\n", n < 0 ? jipc_errno_name((int)-n) : "short write");
        return 1;
    }
    jipc_close(fds[1]);
    char buf[64];
    long got = 0;
    while ((n = jipc_pipe_read(fds[0], NULL, buf + got, (long)sizeof buf - got, JIPC_IO_BLOCK)) > 0) {
        got += n;
    }
    jipc_close(fds[0]);
    if (n < 0 || got != (long)sizeof message || memcmp(buf, message, sizeof message) != 0) {
        fprintf(stderr, "pipe_demo: read %ld bytes (%s)\n", got, n < 0 ? jipc_errno_name((int)-n) : "end of stream");
        return 1;
    }
    printf("native consumer: %ld bytes through libjipc: OK\n", got);
    return 0;
}
