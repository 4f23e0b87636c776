#include "jipc_pipe.h"
#include "jipc_test.h"

#include <pthread.h>
#include <unistd.h>

/* A pipe as a jipc handle holds it: O_NONBLOCK ends, blocking descriptions and a waker. */
struct pipe_handle {
    int nb[2];
    int bl[2];
    jipc_waker *w;
};

static int open_handle(struct pipe_handle *p)
{
    if (jipc_pipe_create(p->nb) < 0)
        return -1;
    p->bl[0] = jipc_reopen_end(p->nb[0], 0);
    p->bl[1] = jipc_reopen_end(p->nb[1], 0);
    p->w = jipc_waker_create();
    return p->bl[0] >= 0 && p->bl[1] >= 0 && p->w != NULL ? 0 : -1;
}

static void close_end(struct pipe_handle *p, int end)
{
    close(p->nb[end]);
    close(p->bl[end]);
}

static void close_handle(struct pipe_handle *p)
{
    close_end(p, 0);
    close_end(p, 1);
    jipc_waker_free(p->w);
}

static void round_trip(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK(fcntl(p.nb[0], F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(p.nb[1], F_GETFL) & O_NONBLOCK);
    CHECK_EQ(5, jipc_pipe_write(p.bl[1], p.w, "hello", 5, 1));
    CHECK_EQ(5, jipc_pipe_available(p.nb[0]));
    char buf[16] = { 0 };
    CHECK_EQ(5, jipc_pipe_read(p.bl[0], p.w, buf, sizeof buf, 1));
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(-EAGAIN, jipc_pipe_read(p.nb[0], NULL, buf, sizeof buf, 0));
    close_end(&p, 1);
    CHECK_EQ(0, jipc_pipe_read(p.nb[0], NULL, buf, sizeof buf, 0));
    CHECK_EQ(0, jipc_pipe_read(p.bl[0], p.w, buf, sizeof buf, 1));
    close(p.nb[0]);
    close(p.bl[0]);
    jipc_waker_free(p.w);
}

static void broken_pipe(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    close_end(&p, 0);
    signal(SIGPIPE, SIG_IGN);
    CHECK_EQ(-EPIPE, jipc_pipe_write(p.bl[1], p.w, "x", 1, 1));
    CHECK_EQ(-EPIPE, jipc_pipe_write(p.nb[1], NULL, "x", 1, 0));
    close_end(&p, 1);
    jipc_waker_free(p.w);
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
    CHECK_EQ(cap, jipc_pipe_write(fds[1], NULL, big, sizeof big, 0));
    CHECK_EQ(-EAGAIN, jipc_pipe_write(fds[1], NULL, big, 1, 0));
    close(fds[0]);
    close(fds[1]);
}

static void scatter_gather(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK_EQ(16, jipc_iovec_size());
    struct iovec out[2] = { { "abc", 3 }, { "defgh", 5 } };
    CHECK_EQ(8, jipc_pipe_writev(p.bl[1], p.w, out, 2, 1));
    char a[2], b[6];
    struct iovec in[2] = { { a, 2 }, { b, 6 } };
    CHECK_EQ(8, jipc_pipe_readv(p.bl[0], p.w, in, 2, 1));
    CHECK(memcmp(a, "ab", 2) == 0 && memcmp(b, "cdefgh", 6) == 0);
    struct iovec none[1] = { { a, 0 } };
    CHECK_EQ(0, jipc_pipe_writev(p.nb[1], NULL, none, 1, 0));
    close_handle(&p);
}

struct writer {
    int fd;
    jipc_waker *w;
    long total;
};

static void *write_all(void *arg)
{
    struct writer *w = arg;
    static char chunk[3 << 20];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)(i * 7);
    w->total = jipc_pipe_write(w->fd, w->w, chunk, sizeof chunk, 1);
    return NULL;
}

static void blocking_write_completes_across_refills(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    struct writer w = { p.bl[1], p.w, 0 };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, write_all, &w) == 0);
    char buf[7919];
    long got = 0, n;
    int intact = 1;
    while (got < (3 << 20) && (n = jipc_pipe_read(p.bl[0], p.w, buf, sizeof buf, 1)) > 0) {
        for (long i = 0; i < n; i++)
            intact &= buf[i] == (char)((got + i) * 7);
        got += n;
    }
    pthread_join(t, NULL);
    CHECK_EQ(3 << 20, w.total);
    CHECK_EQ(3 << 20, got);
    CHECK(intact);
    close_end(&p, 1);
    CHECK_EQ(0, jipc_pipe_read(p.bl[0], p.w, buf, sizeof buf, 1));
    close_end(&p, 0);
    jipc_waker_free(p.w);
}

int main(void)
{
    RUN(round_trip);
    RUN(broken_pipe);
    RUN(capacity);
    RUN(nonblocking_write_stops_when_full);
    RUN(scatter_gather);
    RUN(blocking_write_completes_across_refills);
    TEST_EXIT();
}
