/*
 * jipc_waker.h - waking threads blocked in a system call on a handle that is
 * being closed.
 *
 * A blocking call registers its thread with the handle's waker for as long as
 * it is inside the kernel. jipc_waker_wake() marks the waker closing, makes
 * the descriptor number point at a dead pipe end (dup3, so a call that is about
 * to start returns at once) and sends each registered thread the no-op signal
 * JIPC_WAKE_SIGNAL, installed without SA_RESTART (so a call already blocked
 * returns EINTR). The descriptor number itself stays allocated until the
 * caller closes it after the last call left: it is never reused under a call.
 */
#ifndef JIPC_WAKER_H
#define JIPC_WAKER_H

#include "jipc_common.h"

#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The signal jipc uses to interrupt blocked calls (SIGRTMAX - 3). */
#define JIPC_WAKE_SIGNAL (SIGRTMAX - 3)

typedef struct jipc_blocker {
    pthread_t thread;
    struct jipc_blocker *next;
} jipc_blocker;

typedef struct jipc_waker {
    pthread_mutex_t lock;
    int closing;
    jipc_blocker *blocked;
} jipc_waker;

/* A new waker (NULL when out of memory); installs the signal handler once. */
JIPC_API jipc_waker *jipc_waker_create(void);
JIPC_API void jipc_waker_free(jipc_waker *w);
/*
 * Marks w closing, points fd (if >= 0) at a dead pipe end and interrupts every
 * thread registered. Returns 0 or -errno.
 */
JIPC_API int jipc_waker_wake(jipc_waker *w, int fd);

/* Registers the calling thread (b lives on its stack); -JIPC_WOKEN if closing. */
int jipc_waker_enter(jipc_waker *w, jipc_blocker *b);
void jipc_waker_leave(jipc_waker *w, jipc_blocker *b);
int jipc_waker_closing(jipc_waker *w);

#ifdef __cplusplus
}
#endif

#endif
