/*
 * jipc_sysv_sem.h - System V semaphore sets, see semget(2), semop(2), semctl(2).
 *
 * Creation without the create-then-init race: semget(2) makes a set whose
 * values are undefined until someone sets them, and a process that opens it
 * in between would use garbage. The creator here uses IPC_CREAT | IPC_EXCL,
 * sets every value (SETALL), then performs one semop(2) of two operations on
 * semaphore 0 (+1 then -1, atomically: no value changes) whose only effect
 * is to set the set's sem_otime. Openers that did not create it wait until
 * sem_otime is non-zero (jipc_sysv_sem_await_init). A set that some other
 * program created without this step has sem_otime 0 until its first semop.
 *
 * Waits use the guard strategy JIPC_GUARD_SIGNAL; a removed set ends every
 * wait with EIDRM.
 */
#ifndef JIPC_SYSV_SEM_H
#define JIPC_SYSV_SEM_H

#include "jipc_common.h"
#include "jipc_guard.h"

#include <sys/sem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Flags of one operation, as in struct sembuf's sem_flg. */
#define JIPC_SEM_UNDO SEM_UNDO
#define JIPC_SEM_NOWAIT IPC_NOWAIT

/*
 * Creates a set of n semaphores with values (n of them, each 0..SEMVMX) and
 * mode; exclusive fails with -EEXIST if the key has one, else an existing
 * set is opened (created[0] = 0). Returns the id or -errno.
 */
JIPC_API int jipc_sysv_sem_create(int key, int n, int mode, int exclusive, const int *values, int created[1]);
/* semget(key, 0, 0): the id of an existing set, or -errno. */
JIPC_API int jipc_sysv_sem_open(int key);
/* Waits until the set's sem_otime is set, polling; 0, -ETIMEDOUT, -JIPC_WOKEN, -errno (EIDRM, EINVAL). */
JIPC_API int jipc_sysv_sem_await_init(jipc_guard *g, int id, long long timeout_ns);

/*
 * semop(2) of nops operations, ops holding (sem_num, sem_op, sem_flg) triples.
 * timeout_ns < 0 waits as long as it takes, >= 0 uses semtimedop(2) with
 * that bound (0: operations that would wait fail with -EAGAIN). Returns 0,
 * -EAGAIN (IPC_NOWAIT or the timeout: the set is unchanged), -EIDRM,
 * -E2BIG (more than SEMOPM), -EFBIG, -ERANGE (above SEMVMX), -JIPC_WOKEN.
 */
JIPC_API int jipc_sysv_sem_op(jipc_guard *g, int id, const short *ops, int nops, long long timeout_ns);

/* semctl GETVAL / SETVAL / GETALL / SETALL. */
JIPC_API int jipc_sysv_sem_get(int id, int num);
JIPC_API int jipc_sysv_sem_set(int id, int num, int value);
JIPC_API int jipc_sysv_sem_get_all(int id, int *values, int n);
JIPC_API int jipc_sysv_sem_set_all(int id, const int *values, int n);
/* GETPID, GETNCNT, GETZCNT of semaphore num into out[0..2]. */
JIPC_API int jipc_sysv_sem_waiters(int id, int num, int out[3]);
/*
 * IPC_STAT: out[0] nsems, [1] mode (low 9 bits), [2] uid, [3] gid,
 * [4] cuid, [5] cgid, [6] sem_otime, [7] sem_ctime (seconds).
 */
JIPC_API int jipc_sysv_sem_stat(int id, long long out[8]);
/* IPC_SET of the mode's low 9 bits. */
JIPC_API int jipc_sysv_sem_chmod(int id, int mode);
/* IPC_RMID: waiters wake with EIDRM. */
JIPC_API int jipc_sysv_sem_remove(int id);

#ifdef __cplusplus
}
#endif

#endif
