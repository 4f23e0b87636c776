/*
 * jipc_poll.h - readiness of many descriptors at once (epoll(7)): an epoll
 * instance, descriptors added with an id of the caller's choosing, and a wait
 * that reports (id, events) pairs. The wait is woken by the guard of the
 * epoll descriptor (-JIPC_WOKEN).
 */
#ifndef JIPC_POLL_H
#define JIPC_POLL_H

#include "jipc_common.h"
#include "jipc_guard.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Events: jipc's own bits, mapped to EPOLL* here. */
#define JIPC_POLL_IN 1
#define JIPC_POLL_OUT 2
#define JIPC_POLL_HUP 4
#define JIPC_POLL_ERR 8

#define JIPC_POLL_ADD 0
#define JIPC_POLL_MODIFY 1
#define JIPC_POLL_REMOVE 2

/* Most events one wait reports. */
#define JIPC_POLL_MAX_EVENTS 1024

/* epoll_create1(2) with EPOLL_CLOEXEC. */
JIPC_API int jipc_poll_create(void);
/* epoll_ctl(2): op JIPC_POLL_*, events JIPC_POLL_IN | JIPC_POLL_OUT, id reported with fd's events. */
JIPC_API int jipc_poll_ctl(int epfd, int op, int fd, int events, long id);
/*
 * epoll_wait(2) for at most max events (1..JIPC_POLL_MAX_EVENTS), timeout_ms
 * -1 for ever, 0 to look only. out[2i] is the id and out[2i + 1] the
 * JIPC_POLL_* events of each; returns how many (0 on timeout).
 */
JIPC_API int jipc_poll_wait(int epfd, jipc_guard *g, long *out, int max, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
