#include "jipc_pipe.h"
#include "jipc_test.h"

#include <pthread.h>
#include <stddef.h>
#include <unistd.h>

/* A pipe as a jipc handle holds it: one blocking description per end and a guard. */
struct pipe_handle {
    int fd[2];
    jipc_guard *g;
    /* What non-blocking calls use, as the Java side chooses: the same
     * description with RWF_NOWAIT, or an O_NONBLOCK twin where the kernel (or
     * an emulator) refuses the flag. */
    int nb[2];
    int mode;
};

static int open_handle(struct pipe_handle *p)
{
    if (jipc_pipe_create(p->fd) < 0)
        return -1;
    p->g = jipc_guard_create(JIPC_GUARD_FD);
    if (jipc_pipe_nowait(p->fd[0]) == 1) {
        p->nb[0] = p->fd[0];
        p->nb[1] = p->fd[1];
        p->mode = JIPC_IO_NOWAIT;
    } else {
        p->nb[0] = jipc_reopen_end(p->fd[0], 1);
        p->nb[1] = jipc_reopen_end(p->fd[1], 1);
        p->mode = JIPC_IO_NONBLOCK_FD;
    }
    return p->g != NULL && p->nb[0] >= 0 && p->nb[1] >= 0 ? 0 : -1;
}

static void close_end(struct pipe_handle *p, int end)
{
    if (p->nb[end] != p->fd[end])
        close(p->nb[end]);
    close(p->fd[end]);
}

static void close_handle(struct pipe_handle *p)
{
    close_end(p, 0);
    close_end(p, 1);
    jipc_guard_free(p->g);
}

static void round_trip(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK(fcntl(p.fd[0], F_GETFD) & FD_CLOEXEC);
    CHECK(!(fcntl(p.fd[1], F_GETFL) & O_NONBLOCK));
    CHECK_EQ(5, jipc_pipe_write(p.fd[1], p.g, "hello", 5, 1));
    CHECK_EQ(5, jipc_pipe_available(p.fd[0]));
    char buf[16] = { 0 };
    CHECK_EQ(5, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, 1));
    CHECK(memcmp(buf, "hello", 5) == 0);
    /* Non-blocking per call, on the same blocking description. */
    CHECK_EQ(-EAGAIN, jipc_pipe_read(p.nb[0], NULL, buf, sizeof buf, p.mode));
    CHECK(!(fcntl(p.fd[0], F_GETFL) & O_NONBLOCK));
    CHECK_EQ(2, jipc_pipe_write(p.nb[1], NULL, "hi", 2, p.mode));
    CHECK_EQ(2, jipc_pipe_read(p.nb[0], NULL, buf, sizeof buf, p.mode));
    close_end(&p, 1);
    CHECK_EQ(0, jipc_pipe_read(p.nb[0], NULL, buf, sizeof buf, p.mode));
    CHECK_EQ(0, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, 1));
    close_end(&p, 0);
    jipc_guard_free(p.g);
}

static void nowait_is_probed(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    int r = jipc_pipe_nowait(fds[0]);
    CHECK(r == 0 || r == 1);
    CHECK_EQ(r, jipc_pipe_nowait(fds[1]));
    printf("     RWF_NOWAIT on pipes: %s\n", r ? "yes" : "no (an O_NONBLOCK twin)");
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ(-EBADF, jipc_pipe_nowait(fds[0]));
}

/* A description another process set O_NONBLOCK still blocks jipc's blocking calls. */
static void blocking_calls_on_a_nonblocking_description(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK_EQ(0, jipc_set_nonblocking(p.fd[0], 1));
    CHECK_EQ(0, jipc_set_nonblocking(p.fd[1], 1));
    int cap = jipc_pipe_capacity(p.fd[1]);
    static char big[1 << 20];
    CHECK_EQ(cap, jipc_pipe_write(p.nb[1], NULL, big, sizeof big, p.mode));
    char buf[4096];
    long got = 0, n;
    while (got < cap && (n = jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, 1)) > 0)
        got += n;
    CHECK_EQ(cap, got);
    close_handle(&p);
}

/* JIPC_IO_TRY: one call on the end's own O_NONBLOCK description; a close's dead end is the close, not end of stream. */
static void tries_on_the_own_description(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK_EQ(0, jipc_set_nonblocking(p.fd[0], 1));
    CHECK_EQ(0, jipc_set_nonblocking(p.fd[1], 1));
    char buf[16] = { 0 };
    CHECK_EQ(-EAGAIN, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, JIPC_IO_TRY));
    CHECK_EQ(3, jipc_pipe_write(p.fd[1], p.g, "abc", 3, JIPC_IO_TRY));
    CHECK_EQ(3, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, JIPC_IO_TRY));
    CHECK(memcmp(buf, "abc", 3) == 0);
    /* A full pipe: a partial count or EAGAIN, never a wait. */
    int cap = jipc_pipe_capacity(p.fd[1]);
    static char big[1 << 20];
    CHECK_EQ(cap, jipc_pipe_write(p.fd[1], p.g, big, sizeof big, JIPC_IO_TRY));
    CHECK_EQ(-EAGAIN, jipc_pipe_write(p.fd[1], p.g, "x", 1, JIPC_IO_TRY));
    /* The guard fires with no thread waiting: the numbers still name the pipe (a try still moves
     * what is there; the handle refuses calls that start later), and a call that would wait
     * leaves at once. */
    CHECK(jipc_guard_wake(p.g, p.fd[0]) >= 0);
    CHECK_EQ(16, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, JIPC_IO_TRY));
    CHECK_EQ(-JIPC_WOKEN, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, JIPC_IO_BLOCK));
    CHECK_EQ(-JIPC_WOKEN, jipc_pipe_write(p.fd[1], p.g, "x", 1, JIPC_IO_BLOCK));
    /* Put in place by a wake that found a thread waiting, the dead end reads 0 and refuses writes:
     * a try that meets it says so. */
    jipc_guard *g2 = jipc_guard_create(JIPC_GUARD_FD);
    int dead[2];
    CHECK_EQ(0, jipc_pipe_create(dead));
    close(dead[1]);
    CHECK(dup2(dead[0], p.fd[0]) == p.fd[0]);
    close(dead[0]);
    CHECK(jipc_guard_wake(g2, -1) >= 0);
    CHECK_EQ(-JIPC_WOKEN, jipc_pipe_read(p.fd[0], g2, buf, sizeof buf, JIPC_IO_TRY));
    jipc_guard_free(g2);
    close_handle(&p);
}

struct waiter {
    struct pipe_handle *p;
    long result;
};

static void *wait_for_data(void *arg)
{
    struct waiter *w = arg;
    char buf[8];
    w->result = jipc_pipe_read(w->p->fd[0], w->p->g, buf, sizeof buf, JIPC_IO_WAIT);
    return NULL;
}

/* JIPC_IO_WAIT: after a try found nothing, the wait starts in poll(2); data ends it, and so does a close. */
static void waits_after_a_try(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK_EQ(0, jipc_set_nonblocking(p.fd[0], 1));
    struct waiter w = { &p, 0 };
    pthread_t t;
    CHECK_EQ(0, pthread_create(&t, NULL, wait_for_data, &w));
    usleep(20000);
    CHECK_EQ(2, jipc_pipe_write(p.fd[1], p.g, "ok", 2, JIPC_IO_BLOCK));
    CHECK_EQ(0, pthread_join(t, NULL));
    CHECK_EQ(2, w.result);
    for (int i = 0; i < 200; i++) {
        CHECK_EQ(0, pthread_create(&t, NULL, wait_for_data, &w));
        if (i % 2)
            usleep(100);
        CHECK(jipc_guard_wake(p.g, p.fd[0]) >= 0);
        CHECK_EQ(0, pthread_join(t, NULL));
        CHECK_EQ(-JIPC_WOKEN, w.result);
        /* A fresh guard and read end for the next round, as a new handle would have. */
        jipc_guard_free(p.g);
        close(p.fd[0]);
        if (p.nb[0] != p.fd[0])
            close(p.nb[0]);
        int fds[2];
        CHECK_EQ(0, jipc_pipe_create(fds));
        close(p.fd[1]);
        if (p.nb[1] != p.fd[1])
            close(p.nb[1]);
        p.fd[0] = p.nb[0] = fds[0];
        p.fd[1] = p.nb[1] = fds[1];
        p.g = jipc_guard_create(JIPC_GUARD_FD);
        CHECK(p.g != NULL);
        CHECK_EQ(0, jipc_set_nonblocking(p.fd[0], 1));
    }
    close_handle(&p);
}

static void *wait_for_room(void *arg)
{
    struct waiter *w = arg;
    w->result = jipc_pipe_write(w->p->fd[1], w->p->g, "room", 4, JIPC_IO_WAIT);
    return NULL;
}

/* JIPC_IO_WAIT for writes: a full pipe's writer waits in poll(2); a reader's room ends it, and so does a close. */
static void write_waits_after_a_try(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    CHECK_EQ(0, jipc_set_nonblocking(p.fd[1], 1));
    int cap = jipc_pipe_capacity(p.fd[1]);
    static char big[1 << 20];
    CHECK_EQ(cap, jipc_pipe_write(p.fd[1], p.g, big, sizeof big, JIPC_IO_TRY));
    struct waiter w = { &p, 0 };
    pthread_t t;
    CHECK_EQ(0, pthread_create(&t, NULL, wait_for_room, &w));
    usleep(20000);
    long got = 0, n;
    while (got < cap && (n = jipc_pipe_read(p.fd[0], p.g, big, sizeof big, JIPC_IO_BLOCK)) > 0)
        got += n;
    CHECK_EQ(0, pthread_join(t, NULL));
    CHECK_EQ(4, w.result);
    /* Full again, then closed under the waiting writer. */
    CHECK(jipc_pipe_write(p.fd[1], p.g, big, sizeof big, JIPC_IO_TRY) > 0);
    CHECK_EQ(0, pthread_create(&t, NULL, wait_for_room, &w));
    usleep(20000);
    CHECK(jipc_guard_wake(p.g, p.fd[1]) >= 0);
    CHECK_EQ(0, pthread_join(t, NULL));
    CHECK_EQ(-JIPC_WOKEN, w.result);
    close_handle(&p);
}

static void broken_pipe(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    close_end(&p, 0);
    signal(SIGPIPE, SIG_IGN);
    CHECK_EQ(-EPIPE, jipc_pipe_write(p.fd[1], p.g, "x", 1, 1));
    CHECK_EQ(-EPIPE, jipc_pipe_write(p.nb[1], NULL, "x", 1, p.mode));
    close_end(&p, 1);
    jipc_guard_free(p.g);
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
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    int cap = jipc_pipe_capacity(p.fd[1]);
    static char big[1 << 20];
    CHECK_EQ(cap, jipc_pipe_write(p.nb[1], NULL, big, sizeof big, p.mode));
    CHECK_EQ(-EAGAIN, jipc_pipe_write(p.nb[1], NULL, big, 1, p.mode));
    close_handle(&p);
}

static void scatter_gather(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    int layout[4];
    jipc_iovec_layout(layout);
    CHECK_EQ(sizeof(struct iovec), layout[0]);
    CHECK_EQ(offsetof(struct iovec, iov_len), layout[2]);
    struct iovec out[2] = { { "abc", 3 }, { "defgh", 5 } };
    CHECK_EQ(8, jipc_pipe_writev(p.fd[1], p.g, out, 2, 1));
    char a[2], b[6];
    struct iovec in[2] = { { a, 2 }, { b, 6 } };
    CHECK_EQ(8, jipc_pipe_readv(p.fd[0], p.g, in, 2, 1));
    CHECK(memcmp(a, "ab", 2) == 0 && memcmp(b, "cdefgh", 6) == 0);
    struct iovec out2[2] = { { "xy", 2 }, { "z", 1 } };
    CHECK_EQ(3, jipc_pipe_writev(p.nb[1], NULL, out2, 2, p.mode));
    struct iovec in2[2] = { { a, 2 }, { b, 6 } };
    CHECK_EQ(3, jipc_pipe_readv(p.nb[0], NULL, in2, 2, p.mode));
    CHECK(memcmp(a, "xy", 2) == 0 && b[0] == 'z');
    struct iovec none[1] = { { a, 0 } };
    CHECK_EQ(0, jipc_pipe_writev(p.nb[1], NULL, none, 1, p.mode));
    close_handle(&p);
}

struct writer {
    int fd;
    jipc_guard *g;
    long total;
};

static void *write_all(void *arg)
{
    struct writer *w = arg;
    static char chunk[3 << 20];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)(i * 7);
    w->total = jipc_pipe_write(w->fd, w->g, chunk, sizeof chunk, 1);
    return NULL;
}

static void blocking_write_completes_across_refills(void)
{
    struct pipe_handle p;
    CHECK_EQ(0, open_handle(&p));
    struct writer w = { p.fd[1], p.g, 0 };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, write_all, &w) == 0);
    char buf[7919];
    long got = 0, n;
    int intact = 1;
    while (got < (3 << 20) && (n = jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, 1)) > 0) {
        for (long i = 0; i < n; i++)
            intact &= buf[i] == (char)((got + i) * 7);
        got += n;
    }
    pthread_join(t, NULL);
    CHECK_EQ(3 << 20, w.total);
    CHECK_EQ(3 << 20, got);
    CHECK(intact);
    close_end(&p, 1);
    CHECK_EQ(0, jipc_pipe_read(p.fd[0], p.g, buf, sizeof buf, 1));
    close_end(&p, 0);
    jipc_guard_free(p.g);
}

int main(void)
{
    RUN(round_trip);
    RUN(nowait_is_probed);
    RUN(blocking_calls_on_a_nonblocking_description);
    RUN(tries_on_the_own_description);
    RUN(waits_after_a_try);
    RUN(write_waits_after_a_try);
    RUN(broken_pipe);
    RUN(capacity);
    RUN(nonblocking_write_stops_when_full);
    RUN(scatter_gather);
    RUN(blocking_write_completes_across_refills);
    TEST_EXIT();
}
