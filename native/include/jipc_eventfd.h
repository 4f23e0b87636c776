/*
 * jipc_eventfd.h - event counters (eventfd(2)): a 64-bit counter in the
 * kernel that writes add to and reads take, shareable with other processes
 * by spawn or fd passing.
 *
 * mode JIPC_EVENTFD_NOWAIT: a read uses preadv2(2) with RWF_NOWAIT on the
 * blocking description (-EAGAIN when the counter is 0); a write, which takes
 * no such flag, is made only once the counter's value (read from
 * /proc/self/fdinfo) leaves room for it (-EAGAIN otherwise), registered with
 * the guard in case another writer takes the room first; a read before
 * Linux 5.12 only after poll(2) said it can go through at once.
 * JIPC_EVENTFD_BLOCK waits, woken by the guard (-JIPC_WOKEN).
 */
#ifndef JIPC_EVENTFD_H
#define JIPC_EVENTFD_H

#include "jipc_common.h"
#include "jipc_guard.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JIPC_EVENTFD_NOWAIT 0
#define JIPC_EVENTFD_BLOCK 1
/* The most the counter holds. */
#define JIPC_EVENTFD_MAX 0xfffffffffffffffeULL

/* eventfd(2) with EFD_CLOEXEC, and EFD_SEMAPHORE when semaphore is not 0. */
JIPC_API int jipc_eventfd_create(unsigned int initial, int semaphore);
/* Takes the counter (or 1 of it in semaphore mode) into *value; 0 or -errno. */
JIPC_API int jipc_eventfd_read(int fd, jipc_guard *g, uint64_t *value, int mode);
/* Adds value (at most 0xfffffffffffffffe); -EINVAL for more. */
JIPC_API int jipc_eventfd_write(int fd, jipc_guard *g, uint64_t value, int mode);
/* 1 if fd is an eventfd, 0 if not, -errno on failure. */
JIPC_API int jipc_eventfd_is(int fd);

#ifdef __cplusplus
}
#endif

#endif
