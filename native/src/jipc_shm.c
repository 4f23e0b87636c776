#include "jipc_shm.h"

#include <limits.h>
#include <unistd.h>

int jipc_shm_open(const char *name, int how, int readonly, int mode, int created[1])
{
    int access = readonly ? O_RDONLY : O_RDWR;
    created[0] = 0;
    int bad = jipc_ipc_name_check(name, NAME_MAX);
    if (bad < 0)
        return bad;
    for (;;) {
        if (how != JIPC_SHM_OPEN) {
            /* Create exclusively first, so that only an object made here gets mode. */
            int fd = shm_open(name, access | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)(mode & 0777));
            int err = errno;
            if (fd >= 0) {
                created[0] = 1;
                if (fchmod(fd, (mode_t)(mode & 0777)) < 0) {
                    err = errno;
                    shm_unlink(name);
                    close(fd);
                    return -err;
                }
                return fd;
            }
            if (err != EEXIST || how == JIPC_SHM_EXCLUSIVE)
                return -err;
        }
        int fd = shm_open(name, access | O_CLOEXEC, 0);
        int err = errno;
        if (fd >= 0)
            return fd;
        /* Unlinked between the two opens: create it after all. */
        if (err != ENOENT || how == JIPC_SHM_OPEN)
            return -err;
    }
}

int jipc_shm_unlink(const char *name)
{
    int bad = jipc_ipc_name_check(name, NAME_MAX);
    if (bad < 0)
        return bad;
    return shm_unlink(name) == 0 ? 0 : -errno;
}

int jipc_memfd_create(const char *name, int flags)
{
    int fd = memfd_create(name, (unsigned)flags | MFD_CLOEXEC | MFD_ALLOW_SEALING);
    return fd >= 0 ? fd : -errno;
}

int jipc_shm_reserve(int fd, long size)
{
    if (size < 0)
        return -EINVAL;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (size <= st.st_size)
        return 0;
    int r;
    do
        r = posix_fallocate(fd, 0, (off_t)size); /* returns the error number */
    while (r == EINTR);
    /* No truncate back on failure: another process may have grown it meanwhile. */
    return -r;
}

long jipc_shm_size(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    return (long)st.st_size;
}

int jipc_shm_is_regular(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    return S_ISREG(st.st_mode) ? 1 : 0;
}

int jipc_shm_stat(int fd, long out[4])
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    out[0] = (long)st.st_size;
    out[1] = (long)(st.st_mode & 0777);
    out[2] = (long)st.st_uid;
    out[3] = (long)st.st_gid;
    return 0;
}

int jipc_shm_add_seals(int fd, int seals)
{
    return fcntl(fd, F_ADD_SEALS, seals) == 0 ? 0 : -errno;
}

int jipc_shm_seals(int fd)
{
    int r = fcntl(fd, F_GET_SEALS);
    return r >= 0 ? r : -errno;
}
