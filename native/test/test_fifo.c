#include "jipc_fifo.h"
#include "jipc_pipe.h"
#include "jipc_test.h"

#include <pthread.h>
#include <unistd.h>

static char path[64];

static void create_check_remove(void)
{
    mode_t old = umask(077);
    CHECK_EQ(0, jipc_fifo_create(path, 0660));
    umask(old);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_EQ(0660, st.st_mode & 0777);
    CHECK_EQ(1, jipc_fifo_check(path));
    CHECK_EQ(-EEXIST, jipc_fifo_create(path, 0600));
    CHECK_EQ(0, jipc_fifo_remove(path));
    CHECK_EQ(-ENOENT, jipc_fifo_check(path));
    CHECK_EQ(-ENOENT, jipc_fifo_remove(path));
}

static void refuses_other_files(void)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(0, jipc_fifo_check(path));
    CHECK_EQ(-EEXIST, jipc_fifo_create(path, 0600));
    CHECK_EQ(-EINVAL, jipc_fifo_open(path, 0));
    CHECK_EQ(-EINVAL, jipc_fifo_remove(path));
    unlink(path);
}

static void write_end_needs_a_reader(void)
{
    CHECK_EQ(0, jipc_fifo_create(path, 0600));
    CHECK_EQ(-ENXIO, jipc_fifo_open(path, 1));
    int blocking = jipc_fifo_open(path, 0);
    CHECK(blocking >= 0);
    CHECK(!(fcntl(blocking, F_GETFL) & O_NONBLOCK));
    /* FIFO ends refuse RWF_NOWAIT: non-blocking calls take an O_NONBLOCK twin. */
    CHECK_EQ(0, jipc_pipe_nowait(blocking));
    int r = jipc_reopen_end(blocking, 1);
    CHECK(r >= 0);
    char c;
    /* No writer yet: nothing to read, not end of stream. */
    CHECK_EQ(-EAGAIN, jipc_pipe_read(r, NULL, &c, 1, JIPC_IO_NONBLOCK_FD));
    int w = jipc_fifo_open(path, 1);
    CHECK(w >= 0);
    int wn = jipc_reopen_end(w, 1);
    CHECK(wn >= 0);
    CHECK_EQ(3, jipc_pipe_write(wn, NULL, "abc", 3, JIPC_IO_NONBLOCK_FD));
    close(wn);
    close(w);
    char buf[8];
    CHECK_EQ(3, jipc_pipe_read(r, NULL, buf, sizeof buf, JIPC_IO_NONBLOCK_FD));
    /* The writer came and went: now it is end of stream. */
    CHECK_EQ(0, jipc_pipe_read(r, NULL, buf, sizeof buf, JIPC_IO_NONBLOCK_FD));
    close(r);
    close(blocking);
    CHECK_EQ(0, jipc_fifo_remove(path));
}

struct first_read {
    int fd;
    jipc_guard *g;
    long result;
    char byte;
};

static void *read_one(void *arg)
{
    struct first_read *f = arg;
    f->result = jipc_pipe_read(f->fd, f->g, &f->byte, 1, 1);
    return NULL;
}

/* A blocking read on a FIFO no writer has opened yet waits for one, as a
 * blocking open(2) of the read end would, instead of reporting end of stream. */
static void blocking_read_waits_for_the_first_writer(void)
{
    CHECK_EQ(0, jipc_fifo_create(path, 0600));
    struct first_read f = { jipc_fifo_open(path, 0), jipc_guard_create(JIPC_GUARD_FD), 99, 0 };
    CHECK(f.fd >= 0);
    CHECK(!(fcntl(f.fd, F_GETFL) & O_NONBLOCK));
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_one, &f) == 0);
    usleep(30000);
    CHECK_EQ(99, f.result);
    int w = jipc_fifo_open(path, 1);
    CHECK(w >= 0);
    CHECK_EQ(1, jipc_pipe_write(w, NULL, "!", 1, JIPC_IO_BLOCK));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(1, f.result);
    CHECK_EQ('!', f.byte);
    close(w);
    CHECK_EQ(0, jipc_pipe_read(f.fd, f.g, &f.byte, 1, 1));
    close(f.fd);
    jipc_guard_free(f.g);
    CHECK_EQ(0, jipc_fifo_remove(path));
}

static void a_read_waiting_for_a_writer_is_woken(void)
{
    CHECK_EQ(0, jipc_fifo_create(path, 0600));
    struct first_read f = { jipc_fifo_open(path, 0), jipc_guard_create(JIPC_GUARD_FD), 99, 0 };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_one, &f) == 0);
    usleep(30000);
    CHECK_EQ(0, jipc_guard_wake(f.g, f.fd));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(-JIPC_WOKEN, f.result);
    close(f.fd);
    jipc_guard_free(f.g);
    CHECK_EQ(0, jipc_fifo_remove(path));
}

static void *wait_one(void *arg)
{
    struct first_read *f = arg;
    f->result = jipc_pipe_read(f->fd, f->g, &f->byte, 1, JIPC_IO_WAIT);
    return NULL;
}

/* An own FIFO read end set O_NONBLOCK: a try before any writer says EAGAIN (not
 * end of stream); the wait after it lasts until a writer writes; once every
 * writer left and the data is drained, a try says end of stream (0). */
static void tries_and_waits_on_a_fifo(void)
{
    CHECK_EQ(0, jipc_fifo_create(path, 0600));
    struct first_read f = { jipc_fifo_open(path, 0), jipc_guard_create(JIPC_GUARD_FD), 99, 0 };
    CHECK(f.fd >= 0);
    CHECK_EQ(0, jipc_set_nonblocking(f.fd, 1));
    CHECK_EQ(-EAGAIN, jipc_pipe_read(f.fd, f.g, &f.byte, 1, JIPC_IO_TRY));
    pthread_t t;
    CHECK(pthread_create(&t, NULL, wait_one, &f) == 0);
    usleep(30000);
    CHECK_EQ(99, f.result);
    int w = jipc_fifo_open(path, 1);
    CHECK(w >= 0);
    /* A writer came, no data yet: still EAGAIN, and the waiter still waits. */
    char probe;
    CHECK_EQ(-EAGAIN, jipc_pipe_read(f.fd, f.g, &probe, 1, JIPC_IO_TRY));
    usleep(10000);
    CHECK_EQ(99, f.result);
    CHECK_EQ(1, jipc_pipe_write(w, NULL, "?", 1, JIPC_IO_BLOCK));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_EQ(1, f.result);
    CHECK_EQ('?', f.byte);
    CHECK_EQ(1, jipc_pipe_write(w, NULL, "!", 1, JIPC_IO_BLOCK));
    close(w);
    CHECK_EQ(1, jipc_pipe_read(f.fd, f.g, &f.byte, 1, JIPC_IO_TRY));
    CHECK_EQ('!', f.byte);
    CHECK_EQ(0, jipc_pipe_read(f.fd, f.g, &f.byte, 1, JIPC_IO_TRY));
    close(f.fd);
    jipc_guard_free(f.g);
    CHECK_EQ(0, jipc_fifo_remove(path));
}

/* has_writer tells "no writer yet" from "a writer, no data" and "data", consuming nothing. */
static void has_writer_probes_without_consuming(void)
{
    CHECK_EQ(0, jipc_fifo_create(path, 0600));
    int r = jipc_fifo_open(path, 0);
    CHECK(r >= 0);
    CHECK_EQ(0, jipc_fifo_has_writer(r));
    int w = jipc_fifo_open(path, 1);
    CHECK(w >= 0);
    CHECK_EQ(1, jipc_fifo_has_writer(r));
    CHECK_EQ(2, jipc_pipe_write(w, NULL, "hi", 2, JIPC_IO_BLOCK));
    close(w);
    /* The writer left, its data did not. */
    CHECK_EQ(1, jipc_fifo_has_writer(r));
    char buf[4];
    CHECK_EQ(2, jipc_pipe_read(r, NULL, buf, sizeof buf, JIPC_IO_BLOCK));
    CHECK_EQ(0, jipc_fifo_has_writer(r));
    CHECK_EQ(-EBADF, jipc_fifo_has_writer(-1));
    close(r);
    unlink(path);
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/jipc-test-fifo-%d", (int)getpid());
    RUN(create_check_remove);
    RUN(refuses_other_files);
    RUN(write_end_needs_a_reader);
    RUN(blocking_read_waits_for_the_first_writer);
    RUN(a_read_waiting_for_a_writer_is_woken);
    RUN(has_writer_probes_without_consuming);
    RUN(tries_and_waits_on_a_fifo);
    unlink(path);
    TEST_EXIT();
}
