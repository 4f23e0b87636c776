/*
 * jipc_shm.h - POSIX shared memory objects and memfds: descriptors of memory
 * that can be mapped (jipc_mmap.h). See shm_overview(7), shm_open(3),
 * memfd_create(2), posix_fallocate(3), and "File seals" in fcntl(2).
 *
 * Space is reserved with posix_fallocate, never just ftruncate'd: a full
 * /dev/shm then fails here with -ENOSPC instead of killing a process with
 * SIGBUS when it first touches a page.
 */
#ifndef JIPC_SHM_H
#define JIPC_SHM_H

#include "jipc_common.h"

#include <sys/mman.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What jipc_shm_open() does when the object exists or not. */
#define JIPC_SHM_OPEN 0      /* it must exist */
#define JIPC_SHM_CREATE 1    /* create it unless it exists */
#define JIPC_SHM_EXCLUSIVE 2 /* create it; -EEXIST if it exists */

/*
 * shm_open(3) of name ("/name"), read-only when readonly, close-on-exec.
 * An object this call creates gets exactly mode (no umask). created[0] is set
 * to 1 when this call created the object, else 0.
 */
JIPC_API int jipc_shm_open(const char *name, int how, int readonly, int mode, int created[1]);

/* shm_unlink(3). */
JIPC_API int jipc_shm_unlink(const char *name);

/*
 * memfd_create(2) with MFD_CLOEXEC | MFD_ALLOW_SEALING and flags
 * (MFD_HUGETLB). name is only a label shown in /proc/<pid>/fd.
 */
JIPC_API int jipc_memfd_create(const char *name, int flags);

/*
 * Makes the object at least size bytes, the space reserved
 * (posix_fallocate(3)); never shrinks it. -ENOSPC when the file system
 * (/dev/shm) is full; -EPERM when a seal forbids growing.
 */
JIPC_API int jipc_shm_reserve(int fd, long size);

/* fstat(2): the size in bytes. */
JIPC_API long jipc_shm_size(int fd);

/* 1 if fd is a regular file (a POSIX shared memory object, a memfd, a file), 0 if not, -errno. */
JIPC_API int jipc_shm_is_regular(int fd);

/* fstat(2): out[0] = size, out[1] = permission bits, out[2] = uid, out[3] = gid. */
JIPC_API int jipc_shm_stat(int fd, long out[4]);

/* fcntl(F_ADD_SEALS) of seals (F_SEAL_*). */
JIPC_API int jipc_shm_add_seals(int fd, int seals);
/* fcntl(F_GET_SEALS): the seals in force. */
JIPC_API int jipc_shm_seals(int fd);

#ifdef __cplusplus
}
#endif

#endif
