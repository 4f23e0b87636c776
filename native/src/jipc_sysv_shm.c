#include "jipc_sysv_shm.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int jipc_sysv_shm_get(int key, long size, int flags, int mode)
{
    if (size < 0)
        return -EINVAL;
    int id = shmget((key_t)key, (size_t)size, flags | (mode & 0777));
    return id >= 0 ? id : -errno;
}

int jipc_sysv_shm_ftok(const char *path, int proj, int key[1])
{
    if ((proj & 0xff) == 0)
        return -EINVAL;
    key_t k = ftok(path, proj);
    if (k == (key_t)-1)
        return -errno;
    key[0] = (int)k;
    return 0;
}

/* The length of the mapping that starts at p, from /proc/self/maps; 0 if it is not listed there. */
static long listed_length(void *p)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (f == NULL)
        return 0;
    char line[4096];
    unsigned long lo, hi;
    long len = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == (unsigned long)(uintptr_t)p) {
            len = (long)(hi - lo);
            break;
        }
    }
    fclose(f);
    return len;
}

/* The default huge page size in bytes ("Hugepagesize" of /proc/meminfo), 0 if the kernel has none;
 * read once. Two threads reading it at once both store the same value. */
static long default_huge_page(void)
{
    static long cached = -1;
    long v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v >= 0)
        return v;
    v = 0;
    FILE *f = fopen("/proc/meminfo", "re");
    if (f != NULL) {
        char line[256];
        long kib;
        while (fgets(line, sizeof line, f) != NULL) {
            if (sscanf(line, "Hugepagesize: %ld kB", &kib) == 1) {
                v = kib * 1024;
                break;
            }
        }
        fclose(f);
    }
    __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    return v;
}

/* The length shmat mapped at p for a segment of segsz bytes: segsz rounded up to the page, or, for
 * a segment on huge pages (SHM_HUGETLB, which IPC_STAT does not tell), to its huge page, which
 * the mapping then reaches past the rounded length. Unmapping less than the whole of a huge-page
 * mapping fails, so a close would leave it, and its huge pages, attached. Only a mapping that
 * starts on a huge page boundary and whose rounded length ends off one can be such a mapping: the
 * others (nearly all, and all under an emulator, which has no huge pages) are not looked at
 * further, where /proc/self/maps would cost a read of every mapping of the process. */
static long attached_length(void *p, long segsz)
{
    long page = sysconf(_SC_PAGESIZE);
    long len = (segsz + page - 1) / page * page;
    long huge = default_huge_page();
    if (huge <= page || (uintptr_t)p % (uintptr_t)huge != 0 || len % huge == 0)
        return len;
    if (msync((char *)p + len, (size_t)page, MS_ASYNC) < 0)
        return len; /* nothing mapped right after: no mapping reaches past len */
    long listed = listed_length(p);
    return listed > len ? listed : len;
}

int jipc_sysv_shm_attach(int id, int readonly, long out[3])
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -errno;
    void *p = shmat(id, NULL, readonly ? SHM_RDONLY : 0);
    if (p == (void *)-1)
        return -errno;
    out[0] = (long)(intptr_t)p;
    out[1] = (long)ds.shm_segsz;
    out[2] = attached_length(p, (long)ds.shm_segsz);
    return 0;
}

int jipc_sysv_shm_detach(void *addr)
{
    return shmdt(addr) == 0 ? 0 : -errno;
}

int jipc_sysv_shm_stat(int id, long out[JIPC_SHM_STAT_FIELDS])
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -errno;
    out[JIPC_SHM_STAT_SIZE] = (long)ds.shm_segsz;
    out[JIPC_SHM_STAT_NATTCH] = (long)ds.shm_nattch;
    out[JIPC_SHM_STAT_CPID] = (long)ds.shm_cpid;
    out[JIPC_SHM_STAT_LPID] = (long)ds.shm_lpid;
    out[JIPC_SHM_STAT_ATIME] = (long)ds.shm_atime;
    out[JIPC_SHM_STAT_DTIME] = (long)ds.shm_dtime;
    out[JIPC_SHM_STAT_CTIME] = (long)ds.shm_ctime;
    out[JIPC_SHM_STAT_UID] = (long)ds.shm_perm.uid;
    out[JIPC_SHM_STAT_GID] = (long)ds.shm_perm.gid;
    out[JIPC_SHM_STAT_CUID] = (long)ds.shm_perm.cuid;
    out[JIPC_SHM_STAT_CGID] = (long)ds.shm_perm.cgid;
    out[JIPC_SHM_STAT_MODE] = (long)(ds.shm_perm.mode & 0777);
    out[JIPC_SHM_STAT_KEY] = (long)ds.shm_perm.__key;
    out[JIPC_SHM_STAT_REMOVED] = (ds.shm_perm.mode & SHM_DEST) != 0;
    return 0;
}

int jipc_sysv_shm_set(int id, long uid, long gid, int mode)
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -errno;
    if (uid >= 0)
        ds.shm_perm.uid = (uid_t)uid;
    if (gid >= 0)
        ds.shm_perm.gid = (gid_t)gid;
    if (mode >= 0)
        ds.shm_perm.mode = (ds.shm_perm.mode & ~0777u) | ((unsigned)mode & 0777u);
    return shmctl(id, IPC_SET, &ds) == 0 ? 0 : -errno;
}

int jipc_sysv_shm_remove(int id)
{
    return shmctl(id, IPC_RMID, NULL) == 0 ? 0 : -errno;
}
