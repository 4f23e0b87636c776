/*
 * jipc_sysv_shm.h - System V shared memory segments. See shmget(2), shmat(2),
 * shmctl(2), ftok(3), sysvipc(7).
 *
 * A segment has no descriptor: it is named by its id, which any process may
 * use. Attaching returns the address the kernel chose; detaching is done by
 * the safe unmap of jipc_mmap.h (a segment attached by jipc must never be
 * shmdt'ed after that) or by jipc_sysv_shm_detach for C callers.
 */
#ifndef JIPC_SYSV_SHM_H
#define JIPC_SYSV_SHM_H

#include "jipc_common.h"

#include <sys/ipc.h>
#include <sys/shm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Indices of the fields jipc_sysv_shm_stat() writes, and their count. */
#define JIPC_SHM_STAT_SIZE 0    /* shm_segsz, bytes */
#define JIPC_SHM_STAT_NATTCH 1  /* current attaches */
#define JIPC_SHM_STAT_CPID 2    /* creator pid */
#define JIPC_SHM_STAT_LPID 3    /* pid of the last shmat/shmdt */
#define JIPC_SHM_STAT_ATIME 4   /* seconds since the epoch, 0 if never */
#define JIPC_SHM_STAT_DTIME 5
#define JIPC_SHM_STAT_CTIME 6
#define JIPC_SHM_STAT_UID 7     /* owner */
#define JIPC_SHM_STAT_GID 8
#define JIPC_SHM_STAT_CUID 9    /* creator */
#define JIPC_SHM_STAT_CGID 10
#define JIPC_SHM_STAT_MODE 11   /* permission bits (low 9) */
#define JIPC_SHM_STAT_KEY 12
#define JIPC_SHM_STAT_REMOVED 13 /* 1 once IPC_RMID was done (SHM_DEST) */
#define JIPC_SHM_STAT_FIELDS 14

/*
 * shmget(2): the id of the segment of key (IPC_PRIVATE for a new private
 * one). flags: 0 to open an existing segment, IPC_CREAT to create it if
 * absent, IPC_CREAT | IPC_EXCL to create it or fail with -EEXIST; SHM_HUGETLB
 * may be added. mode: permission bits of a segment created (no umask applies).
 */
JIPC_API int jipc_sysv_shm_get(int key, long size, int flags, int mode);

/* ftok(3): writes the key of (path, proj) to key[0]. proj: its low 8 bits, not 0. */
JIPC_API int jipc_sysv_shm_ftok(const char *path, int proj, int key[1]);

/*
 * shmat(2) at an address the kernel chooses, SHM_RDONLY when readonly.
 * out[0] receives the address, out[1] the segment's size in bytes, out[2]
 * the length of the mapping (the size rounded up to whole pages; for a
 * segment on huge pages, to its huge page, read from /proc/self/maps).
 */
JIPC_API int jipc_sysv_shm_attach(int id, int readonly, long out[3]);

/* shmdt(2), for C callers (jipc replaces the attach instead: jipc_mmap.h). */
JIPC_API int jipc_sysv_shm_detach(void *addr);

/* shmctl(IPC_STAT): writes JIPC_SHM_STAT_FIELDS values to out. */
JIPC_API int jipc_sysv_shm_stat(int id, long out[JIPC_SHM_STAT_FIELDS]);

/*
 * shmctl(IPC_SET): sets the owner (uid, gid; -1 keeps one) and, when mode >= 0,
 * the permission bits.
 */
JIPC_API int jipc_sysv_shm_set(int id, long uid, long gid, int mode);

/* shmctl(IPC_RMID): the segment goes once the last process detached. */
JIPC_API int jipc_sysv_shm_remove(int id);

#ifdef __cplusplus
}
#endif

#endif
