#include "jipc_pipe.h"
#include "jipc_test.h"

#include <pthread.h>
#include <unistd.h>

static void round_trip(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
    CHECK_EQ(5, jipc_pipe_write(fds[1], -1, "hello", 5, 1));
    CHECK_EQ(5, jipc_pipe_available(fds[0]));
    char buf[16] = { 0 };
    CHECK_EQ(5, jipc_pipe_read(fds[0], -1, buf, sizeof buf, 1));
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(-EAGAIN, jipc_pipe_read(fds[0], -1, buf, sizeof buf, 0));
    close(fds[1]);
    CHECK_EQ(0, jipc_pipe_read(fds[0], -1, buf, sizeof buf, 0));
    CHECK_EQ(0, jipc_pipe_read(fds[0], -1, buf, sizeof buf, 1));
    close(fds[0]);
}

static void broken_pipe(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    CHECK_EQ(-EPIPE, jipc_pipe_write(fds[1], -1, "x", 1, 1));
    close(fds[1]);
}

static void capacity(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    CHECK(jipc_pipe_capacity(fds[0]) >= 4096);
    CHECK_EQ(1 << 20, jipc_pipe_set_capacity(fds[1], 1 << 20));
    CHECK_EQ(1 << 20, jipc_pipe_capacity(fds[0]));
    int dn = jipc_open("/dev/null", O_RDONLY, 0);
    CHECK_EQ(-EBADF, jipc_pipe_capacity(dn));
    close(dn);
    close(fds[0]);
    close(fds[1]);
}

static void nonblocking_write_stops_when_full(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    int cap = jipc_pipe_capacity(fds[1]);
    static char big[1 << 20];
    long n = jipc_pipe_write(fds[1], -1, big, sizeof big, 0);
    CHECK_EQ(cap, n);
    CHECK_EQ(-EAGAIN, jipc_pipe_write(fds[1], -1, big, 1, 0));
    close(fds[0]);
    close(fds[1]);
}

static void scatter_gather(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    CHECK_EQ(16, jipc_iovec_size());
    struct iovec out[2] = { { "abc", 3 }, { "defgh", 5 } };
    CHECK_EQ(8, jipc_pipe_writev(fds[1], -1, out, 2, 1));
    char a[2], b[6];
    struct iovec in[2] = { { a, 2 }, { b, 6 } };
    CHECK_EQ(8, jipc_pipe_readv(fds[0], -1, in, 2, 1));
    CHECK(memcmp(a, "ab", 2) == 0 && memcmp(b, "cdefgh", 6) == 0);
    close(fds[0]);
    close(fds[1]);
}

struct reader {
    int fd, wake;
    long result;
};

static void *read_blocking(void *arg)
{
    struct reader *r = arg;
    char c;
    r->result = jipc_pipe_read(r->fd, r->wake, &c, 1, 1);
    return NULL;
}

static void wake_interrupts_blocked_read(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    struct reader r = { fds[0], jipc_wake_create(), 0 };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_blocking, &r) == 0);
    usleep(20000);
    jipc_wake(r.wake);
    pthread_join(t, NULL);
    CHECK_EQ(-JIPC_WOKEN, r.result);
    close(r.wake);
    close(fds[0]);
    close(fds[1]);
}

struct writer {
    int fd;
    long total;
};

static void *write_all(void *arg)
{
    struct writer *w = arg;
    static char chunk[3 << 20];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)(i * 7);
    w->total = jipc_pipe_write(w->fd, -1, chunk, sizeof chunk, 1);
    close(w->fd);
    return NULL;
}

static void blocking_write_completes_across_refills(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    struct writer w = { fds[1], 0 };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, write_all, &w) == 0);
    char buf[7919];
    long got = 0, n;
    int intact = 1;
    while ((n = jipc_pipe_read(fds[0], -1, buf, sizeof buf, 1)) > 0) {
        for (long i = 0; i < n; i++)
            intact &= buf[i] == (char)((got + i) * 7);
        got += n;
    }
    pthread_join(t, NULL);
    CHECK_EQ(0, n);
    CHECK_EQ(3 << 20, w.total);
    CHECK_EQ(3 << 20, got);
    CHECK(intact);
    close(fds[0]);
}

int main(void)
{
    RUN(round_trip);
    RUN(broken_pipe);
    RUN(capacity);
    RUN(nonblocking_write_stops_when_full);
    RUN(scatter_gather);
    RUN(wake_interrupts_blocked_read);
    RUN(blocking_write_completes_across_refills);
    TEST_EXIT();
}
