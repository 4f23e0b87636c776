#include "jipc_sockmsg.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union control {
    char bytes[CMSG_SPACE(sizeof(int) * JIPC_META_MAX_FDS) + CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
};

static int is_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && (fl & O_NONBLOCK);
}

/* Waits for events after EAGAIN in blocking mode: 1 to retry, or -errno (-ETIMEDOUT: SO_*TIMEO expired). */
static int after_eagain(int fd, short events)
{
    if (!is_nonblocking(fd))
        return -ETIMEDOUT;
    /* Someone else set the shared description O_NONBLOCK. */
    struct pollfd p = { .fd = fd, .events = events };
    int r = poll(&p, 1, -1);
    return r >= 0 || errno == EINTR ? 1 : -errno;
}

static size_t fill_control(union control *c, const int *fds, int nfds, int creds)
{
    memset(c, 0, sizeof *c);
    size_t len = 0;
    struct cmsghdr *h = (struct cmsghdr *)c->bytes;
    if (nfds > 0) {
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(h), fds, sizeof(int) * (size_t)nfds);
        len += CMSG_SPACE(sizeof(int) * (size_t)nfds);
        h = (struct cmsghdr *)(c->bytes + len);
    }
    if (creds) {
        struct ucred u = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_CREDENTIALS;
        h->cmsg_len = CMSG_LEN(sizeof u);
        memcpy(CMSG_DATA(h), &u, sizeof u);
        len += CMSG_SPACE(sizeof u);
    }
    return len;
}

long jipc_sockmsg_send(int fd, jipc_guard *g, const void *buf, long len, const void *addr, int addrlen,
                       const int *fds, int nfds, int flags, int mode)
{
    if (nfds < 0 || nfds > JIPC_META_MAX_FDS || len < 0)
        return -EINVAL;
    union control c;
    struct iovec v = { .iov_base = (void *)buf, .iov_len = (size_t)len };
    struct msghdr m = { .msg_name = (void *)addr, .msg_namelen = addr != NULL ? (socklen_t)addrlen : 0,
                        .msg_iov = &v, .msg_iovlen = 1 };
    if (nfds > 0 || (flags & JIPC_MSG_CREDENTIALS)) {
        m.msg_control = c.bytes;
        m.msg_controllen = fill_control(&c, fds, nfds, flags & JIPC_MSG_CREDENTIALS);
    }
    int kflags = MSG_NOSIGNAL | (mode == JIPC_MSG_NOWAIT ? MSG_DONTWAIT : 0);
    if (mode == JIPC_MSG_NOWAIT) {
        for (;;) {
            ssize_t n = sendmsg(fd, &m, kflags);
            if (n >= 0)
                return n;
            if (errno != EINTR)
                return -errno;
        }
    }
    jipc_blocker b;
    long r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    long done = 0;
    for (;;) {
        ssize_t n = sendmsg(fd, &m, kflags);
        int err = errno;
        if (n >= 0 && !jipc_guard_closing(g)) {
            done += n;
            if (!(flags & JIPC_MSG_ALL) || done == len) {
                r = done;
                break;
            }
            v.iov_base = (char *)v.iov_base + n;
            v.iov_len -= (size_t)n;
            m.msg_control = NULL; /* descriptors go with the first bytes only */
            m.msg_controllen = 0;
            continue;
        }
        if (jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (err == EAGAIN) {
            int w = after_eagain(fd, POLLOUT);
            if (w > 0)
                continue;
            r = w;
            break;
        }
        if (err != EINTR) {
            r = -err;
            break;
        }
    }
    jipc_guard_leave(g, &b);
    /* What was sent stays reported; an error shows on the next call. */
    return done > 0 ? done : r;
}

/* Takes descriptors and credentials out of m into meta; closes every descriptor if they do not all fit. */
static void take_control(struct msghdr *m, int *meta, int room)
{
    int n = 0;
    int truncated = (m->msg_flags & MSG_CTRUNC) != 0;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(m); h != NULL; h = CMSG_NXTHDR(m, h)) {
        if (h->cmsg_level != SOL_SOCKET)
            continue;
        if (h->cmsg_type == SCM_RIGHTS) {
            int count = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < count; i++) {
                int f;
                memcpy(&f, CMSG_DATA(h) + i * sizeof(int), sizeof f);
                if (n < room)
                    meta[JIPC_META_FDS + n++] = f;
                else {
                    close(f);
                    truncated = 1;
                }
            }
        } else if (h->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(h), sizeof u);
            meta[JIPC_META_PID] = (int)u.pid;
            meta[JIPC_META_UID] = (int)u.uid;
            meta[JIPC_META_GID] = (int)u.gid;
        }
    }
    if (truncated) {
        for (int i = 0; i < n; i++)
            close(meta[JIPC_META_FDS + i]);
        n = 0;
        meta[JIPC_META_FLAGS] |= JIPC_RECV_CTRUNC;
    }
    meta[JIPC_META_NFDS] = n;
}

long jipc_sockmsg_recv(int fd, jipc_guard *g, void *buf, long len, void *addr, int *meta, int flags, int mode)
{
    if (len < 0)
        return -EINVAL;
    union control c;
    struct iovec v = { .iov_base = buf, .iov_len = (size_t)len };
    struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
    int room = 0;
    if (addr != NULL) {
        m.msg_name = addr;
        m.msg_namelen = (socklen_t)meta[JIPC_META_ADDRLEN];
    }
    if (flags & JIPC_MSG_CONTROL) {
        room = meta[JIPC_META_NFDS];
        if (room < 0 || room > JIPC_META_MAX_FDS)
            return -EINVAL;
        m.msg_control = c.bytes;
        m.msg_controllen = (room > 0 ? CMSG_SPACE(sizeof(int) * (size_t)room) : 0) + CMSG_SPACE(sizeof(struct ucred));
    }
    if (meta != NULL) {
        meta[JIPC_META_NFDS] = 0;
        meta[JIPC_META_FLAGS] = 0;
        meta[JIPC_META_PID] = -1;
    }
    int kflags = MSG_CMSG_CLOEXEC | (flags & JIPC_MSG_WHOLE ? MSG_TRUNC : 0)
               | (mode == JIPC_MSG_NOWAIT ? MSG_DONTWAIT : 0);
    jipc_blocker b;
    long r = mode == JIPC_MSG_BLOCK ? jipc_guard_enter(g, &b) : 0;
    if (r < 0)
        return r;
    for (;;) {
        ssize_t n = recvmsg(fd, &m, kflags);
        int err = errno;
        if (n > 0 || (n == 0 && !jipc_guard_closing(g))) {
            r = n;
            break;
        }
        if (mode == JIPC_MSG_BLOCK && jipc_guard_closing(g)) {
            r = -JIPC_WOKEN;
            break;
        }
        if (err == EAGAIN && mode == JIPC_MSG_BLOCK) {
            int w = after_eagain(fd, POLLIN);
            if (w > 0)
                continue;
            r = w;
            break;
        }
        if (err != EINTR) {
            r = -err;
            break;
        }
    }
    if (mode == JIPC_MSG_BLOCK)
        jipc_guard_leave(g, &b);
    if (r < 0)
        return r;
    /*
     * recvmsg(2) on a message socket returns 0 both for a zero-length message
     * and at the end, which comes only once the input is shut down (the peer
     * closed, or shutdown(2)): without that, the 0 was a message.
     */
    if (r == 0 && (flags & JIPC_MSG_WHOLE)) {
        struct pollfd p = { .fd = fd, .events = POLLRDHUP };
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP)))
            return -JIPC_RECV_END;
    }
    if (meta != NULL) {
        if (addr != NULL)
            meta[JIPC_META_ADDRLEN] = (int)m.msg_namelen;
        if ((flags & JIPC_MSG_WHOLE) && (m.msg_flags & MSG_TRUNC))
            meta[JIPC_META_FLAGS] |= JIPC_RECV_TRUNC;
        if (flags & JIPC_MSG_CONTROL)
            take_control(&m, meta, room);
    }
    return r;
}
