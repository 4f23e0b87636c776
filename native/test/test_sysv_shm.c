#include "jipc_mmap.h"
#include "jipc_sysv_shm.h"
#include "jipc_test.h"

#include <unistd.h>

/* A key unlikely to be in use: derived from the pid, never IPC_PRIVATE. */
static int test_key(int n)
{
    return 0x4a000000 | ((int)getpid() << 4 & 0xfffff0) | n;
}

static void create_exclusive_open_remove(void)
{
    int key = test_key(1);
    int id = jipc_sysv_shm_get(key, 10000, IPC_CREAT | IPC_EXCL, 0640);
    CHECK(id >= 0);
    CHECK_EQ(-EEXIST, jipc_sysv_shm_get(key, 10000, IPC_CREAT | IPC_EXCL, 0640));
    CHECK_EQ(id, jipc_sysv_shm_get(key, 10000, IPC_CREAT, 0600));
    CHECK_EQ(id, jipc_sysv_shm_get(key, 0, 0, 0));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_get(key, 20000, 0, 0)); /* larger than the segment */
    long st[JIPC_SHM_STAT_FIELDS];
    CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(10000, st[JIPC_SHM_STAT_SIZE]);
    CHECK_EQ(0, st[JIPC_SHM_STAT_NATTCH]);
    CHECK_EQ(getpid(), st[JIPC_SHM_STAT_CPID]);
    CHECK_EQ(0640, st[JIPC_SHM_STAT_MODE]);
    CHECK_EQ(key, st[JIPC_SHM_STAT_KEY]);
    CHECK_EQ(geteuid(), st[JIPC_SHM_STAT_UID]);
    CHECK_EQ(getegid(), st[JIPC_SHM_STAT_CGID]);
    CHECK_EQ(0, st[JIPC_SHM_STAT_REMOVED]);
    CHECK_EQ(0, jipc_sysv_shm_remove(id));
    CHECK_EQ(-ENOENT, jipc_sysv_shm_get(key, 0, 0, 0));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_remove(id));
}

static void bad_arguments(void)
{
    CHECK_EQ(-EINVAL, jipc_sysv_shm_get(IPC_PRIVATE, -1, IPC_CREAT, 0600));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_get(IPC_PRIVATE, 0, IPC_CREAT, 0600)); /* below SHMMIN */
    CHECK_EQ(-ENOENT, jipc_sysv_shm_get(test_key(2), 4096, 0, 0));
    long st[JIPC_SHM_STAT_FIELDS];
    CHECK_EQ(-EINVAL, jipc_sysv_shm_stat(-1, st));
    long out[3];
    CHECK_EQ(-EINVAL, jipc_sysv_shm_attach(-1, 0, out));
}

static void ftok_keys(void)
{
    int k1, k2, k3;
    CHECK_EQ(0, jipc_sysv_shm_ftok("/", 'a', &k1));
    CHECK_EQ(0, jipc_sysv_shm_ftok("/", 'a', &k2));
    CHECK_EQ(0, jipc_sysv_shm_ftok("/", 'b', &k3));
    CHECK_EQ(k1, k2);
    CHECK(k1 != k3);
    CHECK_EQ(-ENOENT, jipc_sysv_shm_ftok("/no/such/file", 'a', &k1));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_ftok("/", 0x100, &k1));
}

static void attach_write_read_and_status(void)
{
    int id = jipc_sysv_shm_get(IPC_PRIVATE, 5000, IPC_CREAT, 0600);
    CHECK(id >= 0);
    long rw[3], ro[3];
    CHECK_EQ(0, jipc_sysv_shm_attach(id, 0, rw));
    CHECK_EQ(5000, rw[1]);
    CHECK_EQ(2 * jipc_page_size(), rw[2]);
    CHECK_EQ(0, jipc_sysv_shm_attach(id, 1, ro));
    CHECK(rw[0] != ro[0]); /* one segment, two addresses */
    strcpy((char *)(intptr_t)rw[0], "hello segment");
    CHECK(strcmp((char *)(intptr_t)ro[0], "hello segment") == 0);
    long st[JIPC_SHM_STAT_FIELDS];
    CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(2, st[JIPC_SHM_STAT_NATTCH]);
    CHECK_EQ(getpid(), st[JIPC_SHM_STAT_LPID]);
    CHECK(st[JIPC_SHM_STAT_ATIME] > 0);
    /* Removed while attached: it stays usable until the last detach. */
    CHECK_EQ(0, jipc_sysv_shm_remove(id));
    CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(1, st[JIPC_SHM_STAT_REMOVED]);
    CHECK(strcmp((char *)(intptr_t)ro[0], "hello segment") == 0);
    CHECK_EQ(0, jipc_sysv_shm_detach((void *)(intptr_t)ro[0]));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_detach((void *)(intptr_t)ro[0]));
    CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(1, st[JIPC_SHM_STAT_NATTCH]);
    CHECK(st[JIPC_SHM_STAT_DTIME] > 0);
    CHECK_EQ(0, jipc_sysv_shm_detach((void *)(intptr_t)rw[0]));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_stat(id, st));
}

static void safe_unmap_detaches(void)
{
    int id = jipc_sysv_shm_get(IPC_PRIVATE, 4096, IPC_CREAT, 0600);
    CHECK(id >= 0);
    long a[3];
    CHECK_EQ(0, jipc_sysv_shm_attach(id, 0, a));
    char *p = (char *)(intptr_t)a[0];
    p[0] = 'x';
    CHECK_EQ(0, jipc_unmap_safe(p, a[2]));
    long st[JIPC_SHM_STAT_FIELDS];
    CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(0, st[JIPC_SHM_STAT_NATTCH]);
    CHECK_EQ(0, p[0]); /* the placeholder: zeros, writable, private */
    p[0] = 'y';
    CHECK_EQ(-EINVAL, jipc_sysv_shm_detach(p));
    CHECK_EQ(0, jipc_munmap(p, a[2]));
    CHECK_EQ(0, jipc_sysv_shm_remove(id));
}

static void set_mode_and_owner(void)
{
    int id = jipc_sysv_shm_get(IPC_PRIVATE, 4096, IPC_CREAT, 0600);
    CHECK(id >= 0);
    CHECK_EQ(0, jipc_sysv_shm_set(id, -1, -1, 0644));
    long st[JIPC_SHM_STAT_FIELDS];
    CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
    CHECK_EQ(0644, st[JIPC_SHM_STAT_MODE]);
    CHECK_EQ(geteuid(), st[JIPC_SHM_STAT_UID]);
    if (geteuid() == 0) {
        CHECK_EQ(0, jipc_sysv_shm_set(id, 65534, 65534, -1));
        CHECK_EQ(0, jipc_sysv_shm_stat(id, st));
        CHECK_EQ(65534, st[JIPC_SHM_STAT_UID]);
        CHECK_EQ(65534, st[JIPC_SHM_STAT_GID]);
        CHECK_EQ(0644, st[JIPC_SHM_STAT_MODE]);
        CHECK_EQ(0, st[JIPC_SHM_STAT_CUID]);
    }
    CHECK_EQ(0, jipc_sysv_shm_remove(id));
    CHECK_EQ(-EINVAL, jipc_sysv_shm_set(id, -1, -1, 0600));
}

int main(void)
{
    RUN(create_exclusive_open_remove);
    RUN(bad_arguments);
    RUN(ftok_keys);
    RUN(attach_write_read_and_status);
    RUN(safe_unmap_detaches);
    RUN(set_mode_and_owner);
    TEST_EXIT();
}
