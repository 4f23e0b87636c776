#include "jipc_mmap.h"
#include "jipc_shm.h"
#include "jipc_test.h"

#include <sys/mount.h>
#include <unistd.h>

static char name[64];

static void posix_create_open_unlink(void)
{
    snprintf(name, sizeof name, "/jipc-test-shm-%d", (int)getpid());
    mode_t old = umask(077);
    int created;
    int fd = jipc_shm_open(name, JIPC_SHM_EXCLUSIVE, 0, 0664, &created);
    umask(old);
    CHECK(fd >= 0);
    CHECK_EQ(1, created);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    long st[4];
    CHECK_EQ(0, jipc_shm_stat(fd, st));
    CHECK_EQ(0, st[0]);
    CHECK_EQ(0664, st[1]); /* exactly, no umask */
    CHECK_EQ(0, jipc_shm_reserve(fd, 10000));
    CHECK_EQ(10000, jipc_shm_size(fd));
    CHECK_EQ(0, jipc_shm_reserve(fd, 100)); /* never shrinks */
    CHECK_EQ(10000, jipc_shm_size(fd));
    CHECK_EQ(-EEXIST, jipc_shm_open(name, JIPC_SHM_EXCLUSIVE, 0, 0600, &created));
    int again = jipc_shm_open(name, JIPC_SHM_CREATE, 0, 0600, &created);
    CHECK(again >= 0);
    CHECK_EQ(0, created);
    CHECK_EQ(0, jipc_shm_stat(again, st));
    CHECK_EQ(0664, st[1]); /* an existing object keeps its mode */
    int ro = jipc_shm_open(name, JIPC_SHM_OPEN, 1, 0, &created);
    CHECK(ro >= 0);
    long m[3];
    CHECK_EQ(-EACCES, jipc_mmap(ro, 0, 100, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(0, jipc_mmap(ro, 0, 100, JIPC_MAP_SHARED, JIPC_MAP_READ_ONLY, m));
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    CHECK_EQ(0, jipc_shm_unlink(name));
    CHECK_EQ(-ENOENT, jipc_shm_unlink(name));
    CHECK_EQ(-ENOENT, jipc_shm_open(name, JIPC_SHM_OPEN, 0, 0, &created));
    CHECK_EQ(-EINVAL, jipc_shm_reserve(fd, -1));
    close(fd);
    close(again);
    close(ro);
    CHECK_EQ(-EBADF, jipc_shm_size(ro));
}

static void posix_bad_names(void)
{
    int created;
    CHECK_EQ(-EINVAL, jipc_shm_open("/a/b", JIPC_SHM_CREATE, 0, 0600, &created));
    CHECK_EQ(-ENOENT, jipc_shm_unlink("/jipc-test-never-created"));
}

static void memfd_seals(void)
{
    int fd = jipc_memfd_create("jipc-test", 0);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(0, jipc_shm_seals(fd));
    CHECK_EQ(0, jipc_shm_reserve(fd, 8192));
    long m[3];
    CHECK_EQ(0, jipc_mmap(fd, 0, 8192, JIPC_MAP_SHARED, 0, m));
    strcpy((char *)(intptr_t)m[0], "sealed");
    /* A writable shared mapping exists: the write seal is refused. */
    CHECK_EQ(-EBUSY, jipc_shm_add_seals(fd, F_SEAL_WRITE));
    CHECK_EQ(0, jipc_unmap_safe((void *)(intptr_t)m[0], m[2]));
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    CHECK_EQ(0, jipc_shm_add_seals(fd, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK));
    CHECK_EQ(F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK, jipc_shm_seals(fd));
    CHECK_EQ(-EPERM, jipc_mmap(fd, 0, 8192, JIPC_MAP_SHARED, 0, m));
    CHECK_EQ(-EPERM, jipc_shm_reserve(fd, 16384));
    CHECK_EQ(-EPERM, (int)write(fd, "x", 1) < 0 ? -errno : 0);
    CHECK_EQ(0, jipc_mmap(fd, 0, 8192, JIPC_MAP_SHARED, JIPC_MAP_READ_ONLY, m));
    CHECK(strcmp((char *)(intptr_t)m[0], "sealed") == 0);
    CHECK_EQ(0, jipc_munmap((void *)(intptr_t)m[0], m[2]));
    CHECK_EQ(0, jipc_shm_add_seals(fd, F_SEAL_SEAL));
    CHECK_EQ(-EPERM, jipc_shm_add_seals(fd, F_SEAL_FUTURE_WRITE));
    close(fd);
    int plain = jipc_open("/dev/null", O_RDONLY, 0);
    CHECK_EQ(-EINVAL, jipc_shm_seals(plain));
    close(plain);
}

/* A tmpfs of 1 MiB: reserving more fails at once with ENOSPC, not SIGBUS later. */
static void full_file_system(void)
{
    char dir[] = "/tmp/jipc-test-tmpfs-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    if (mount("none", dir, "tmpfs", 0, "size=1m") < 0) {
        printf("skip full_file_system: cannot mount a tmpfs (%s)\n", strerror(errno));
        rmdir(dir);
        return;
    }
    char file[64];
    snprintf(file, sizeof file, "%s/obj", dir);
    int fd = jipc_open(file, O_RDWR | O_CREAT, 0600);
    int r = fd >= 0 ? jipc_shm_reserve(fd, 4 << 20) : fd;
    long size = fd >= 0 ? jipc_shm_size(fd) : -1;
    int ok = fd >= 0 ? jipc_shm_reserve(fd, 512 << 10) : fd;
    if (fd >= 0)
        close(fd);
    umount(dir);
    rmdir(dir);
    CHECK_EQ(-ENOSPC, r);
    CHECK_EQ(0, size);
    CHECK_EQ(0, ok);
}

int main(void)
{
    RUN(posix_create_open_unlink);
    RUN(posix_bad_names);
    RUN(memfd_seals);
    RUN(full_file_system);
    TEST_EXIT();
}
