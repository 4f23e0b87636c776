#include "jipc_mmap.h"
#include "jipc_test.h"

#include <limits.h>
#include <unistd.h>

static char path[64];

static int temp_file(void)
{
    snprintf(path, sizeof path, "/tmp/jipc-test-mmap-%d", (int)getpid());
    return jipc_open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static void window_at_any_offset(void)
{
    int fd = temp_file();
    CHECK(fd >= 0);
    long page = jipc_page_size();
    CHECK(page >= 4096 && (page & (page - 1)) == 0);
    CHECK_EQ(0, ftruncate(fd, 3 * page));
    long m[3];
    CHECK_EQ(0, jipc_mmap(fd, page + 10, 100, JIPC_MAP_SHARED, JIPC_MAP_POPULATE, m));
    CHECK_EQ(0, m[0] % page);
    CHECK_EQ(10, m[1]);
    CHECK_EQ(110, m[2]);
    memcpy((char *)(intptr_t)m[0] + m[1], "window", 6);
    CHECK_EQ(0, jipc_msync((void *)(intptr_t)m[0], m[2], 1));
    CHECK_EQ(0, jipc_msync((void *)(intptr_t)m[0], m[2], 0));
    char buf[6];
    CHECK_EQ(6, pread(fd, buf, 6, page + 10));
    CHECK(memcmp(buf, "window", 6) == 0);
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    close(fd);
    unlink(path);
}

static void beyond_four_gib(void)
{
    int fd = temp_file();
    CHECK(fd >= 0);
    long long big = 5LL << 30;
    long m[3];
    long off = (long)(big - 4096 * 3 + 7);
    /* Reserving a window deep inside extends the file, sparse before the window. */
    CHECK_EQ(0, jipc_file_reserve(fd, off, 8000));
    struct stat st;
    CHECK_EQ(0, fstat(fd, &st));
    CHECK_EQ(off + 8000, st.st_size);
    CHECK(st.st_blocks * 512 < (1 << 20));
    CHECK_EQ(0, ftruncate(fd, big));
    CHECK_EQ(0, jipc_mmap(fd, off, 8000, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(7, m[1]);
    memcpy((char *)(intptr_t)m[0] + m[1], "deep", 4);
    CHECK_EQ(0, jipc_unmap_safe((void *)(intptr_t)m[0], m[2]));
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    char buf[4];
    CHECK_EQ(4, pread(fd, buf, 4, off));
    CHECK(memcmp(buf, "deep", 4) == 0);
    close(fd);
    unlink(path);
}

static void private_is_copy_on_write(void)
{
    int fd = temp_file();
    CHECK(fd >= 0);
    CHECK_EQ(5, write(fd, "plain", 5));
    long m[3];
    CHECK_EQ(0, jipc_mmap(fd, 0, 5, JIPC_MAP_PRIVATE, 0, m));
    memcpy((char *)(intptr_t)m[0], "XXXXX", 5);
    char buf[5];
    CHECK_EQ(5, pread(fd, buf, 5, 0));
    CHECK(memcmp(buf, "plain", 5) == 0);
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    close(fd);
    unlink(path);
}

static void safe_unmap_keeps_the_file(void)
{
    int fd = temp_file();
    CHECK(fd >= 0);
    CHECK_EQ(0, ftruncate(fd, 4096));
    long m[3];
    CHECK_EQ(0, jipc_mmap(fd, 0, 4096, JIPC_MAP_SHARED, JIPC_MAP_LOCK, m));
    char *p = (char *)(intptr_t)m[0];
    memcpy(p, "kept", 4);
    CHECK_EQ(0, jipc_unmap_safe(p, m[2]));
    CHECK_EQ(0, p[0]);
    memcpy(p, "lost", 4); /* a stale write: private memory, not the file */
    char buf[4];
    CHECK_EQ(4, pread(fd, buf, 4, 0));
    CHECK(memcmp(buf, "kept", 4) == 0);
    CHECK_EQ(0, jipc_munmap(p, m[2]));
    close(fd);
    unlink(path);
}

static void errors(void)
{
    int fd = temp_file();
    CHECK(fd >= 0);
    long m[3];
    CHECK_EQ(-EINVAL, jipc_mmap(fd, 0, 0, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(-EINVAL, jipc_mmap(fd, -1, 10, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(-EINVAL, jipc_mmap(fd, 0, 10, 7, 0, m));
    CHECK_EQ(-EBADF, jipc_mmap(-1, 0, 10, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(-EINVAL, jipc_file_reserve(fd, -1, 10));
    CHECK_EQ(-EBADF, jipc_file_reserve(-1, 0, 10));
    close(fd);
    int ro = jipc_open(path, O_RDONLY, 0);
    CHECK_EQ(-EACCES, jipc_mmap(ro, 0, 10, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(0, jipc_mmap(ro, 0, 10, JIPC_MAP_PRIVATE, 0, m)); /* copy-on-write needs no write access */
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    close(ro);
    unlink(path);
    CHECK_EQ(-EINVAL, jipc_msync((void *)1, 10, 1));
    CHECK_EQ(-EINVAL, jipc_munmap((void *)1, 10));
    CHECK_EQ(-EINVAL, jipc_unmap_safe((void *)1, 10));
}

static void spans_are_checked(void)
{
    long span[2];
    CHECK_EQ(0, jipc_map_span(4097, 10, 4096, span));
    CHECK_EQ(1, span[0]);
    CHECK_EQ(11, span[1]);
    CHECK_EQ(-EINVAL, jipc_map_span(-1, 10, 4096, span));
    CHECK_EQ(-EINVAL, jipc_map_span(0, 0, 4096, span));
    CHECK_EQ(-EINVAL, jipc_map_span(0, 1, 4095, span));
    CHECK_EQ(-EINVAL, jipc_map_span(0, 1, 0, span));
    CHECK_EQ(-EOVERFLOW, jipc_map_span(4095, LONG_MAX, 4096, span));
    CHECK_EQ(0, jipc_map_span(4096, LONG_MAX, 4096, span));
}

int main(void)
{
    RUN(window_at_any_offset);
    RUN(beyond_four_gib);
    RUN(private_is_copy_on_write);
    RUN(safe_unmap_keeps_the_file);
    RUN(errors);
    RUN(spans_are_checked);
    TEST_EXIT();
}
