#include "jipc_fifo.h"
#include "jipc_pipe.h"
#include "jipc_test.h"

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
    int r = jipc_fifo_open(path, 0);
    CHECK(r >= 0);
    char c;
    /* No writer yet: nothing to read, not end of stream. */
    CHECK_EQ(-EAGAIN, jipc_pipe_read(r, -1, &c, 1, 0));
    int w = jipc_fifo_open(path, 1);
    CHECK(w >= 0);
    CHECK_EQ(3, jipc_pipe_write(w, -1, "abc", 3, 1));
    close(w);
    char buf[8];
    CHECK_EQ(3, jipc_pipe_read(r, -1, buf, sizeof buf, 1));
    /* The writer came and went: now it is end of stream. */
    CHECK_EQ(0, jipc_pipe_read(r, -1, buf, sizeof buf, 0));
    close(r);
    CHECK_EQ(0, jipc_fifo_remove(path));
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/jipc-test-fifo-%d", (int)getpid());
    RUN(create_check_remove);
    RUN(refuses_other_files);
    RUN(write_end_needs_a_reader);
    unlink(path);
    TEST_EXIT();
}
