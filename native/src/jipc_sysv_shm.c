#include "jipc_sysv_shm.h"

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

int jipc_sysv_shm_attach(int id, int readonly, long out[3])
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -errno;
    void *p = shmat(id, NULL, readonly ? SHM_RDONLY : 0);
    if (p == (void *)-1)
        return -errno;
    out[0] = (long)(intptr_t)p;
    long page = sysconf(_SC_PAGESIZE);
    out[1] = (long)ds.shm_segsz;
    out[2] = ((long)ds.shm_segsz + page - 1) / page * page;
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
