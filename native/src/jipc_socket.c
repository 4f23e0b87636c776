#include "jipc_socket.h"

#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int jipc_socket_open(int domain, int type, int protocol)
{
    int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
    return fd >= 0 ? fd : -errno;
}

int jipc_socket_pair(int type, int fds[2])
{
    return socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) == 0 ? 0 : -errno;
}

int jipc_sockaddr_check(const void *addr, int len)
{
    if (addr == NULL || len < (int)sizeof(sa_family_t))
        return -EINVAL;
    sa_family_t family;
    memcpy(&family, addr, sizeof family);
    switch (family) {
    case AF_INET:
        return len == (int)sizeof(struct sockaddr_in) ? 0 : -EINVAL;
    case AF_INET6:
        return len == (int)sizeof(struct sockaddr_in6) ? 0 : -EINVAL;
    case AF_UNIX: {
        int at = (int)offsetof(struct sockaddr_un, sun_path);
        if (len > (int)sizeof(struct sockaddr_un))
            return -EINVAL;
        const char *path = (const char *)addr + at;
        size_t n = (size_t)(len - at);
        if (n == 0 || path[0] == '\0')
            return 0; /* unnamed (autobind) or abstract: any bytes */
        size_t used = strnlen(path, n);
        return used == n || used == n - 1 ? 0 : -EINVAL;
    }
    default:
        return len <= (int)sizeof(struct sockaddr_storage) ? 0 : -EINVAL;
    }
}

int jipc_socket_bind(int fd, const void *addr, int len)
{
    int bad = jipc_sockaddr_check(addr, len);
    if (bad < 0)
        return bad;
    return bind(fd, (const struct sockaddr *)addr, (socklen_t)len) == 0 ? 0 : -errno;
}

int jipc_socket_listen(int fd, int backlog)
{
    return listen(fd, backlog) == 0 ? 0 : -errno;
}

int jipc_socket_shutdown(int fd, int how)
{
    return shutdown(fd, how) == 0 ? 0 : -errno;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline (never negative); -1 for no deadline. */
static int left_ms(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t left = deadline - now_ms();
    return left > 0 ? (int)left : 0;
}

static int is_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && (fl & O_NONBLOCK);
}

static int is_listening(int fd)
{
    int on = 0;
    socklen_t len = sizeof on;
    return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) < 0 || on;
}

int jipc_socket_accept(int fd, jipc_guard *g, void *addr, int *len, int timeout_ms)
{
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
    for (;;) {
        /* On a socket that does not listen, poll(2) would wait for data rather than a connection, and
         * time out: accept4 says at once what is wrong (EINVAL, EOPNOTSUPP). */
        if ((timeout_ms >= 0 || is_nonblocking(fd)) && is_listening(fd)) {
            /* No per-call flag exists for accept: wait for a connection first. */
            struct pollfd p = { .fd = fd, .events = POLLIN };
            int n = poll(&p, 1, left_ms(deadline));
            int err = errno;
            if (jipc_guard_closing(g)) {
                r = -JIPC_WOKEN;
                break;
            }
            if (n < 0 && err != EINTR) {
                r = -err;
                break;
            }
            if (n == 0) {
                r = timeout_ms == 0 ? -EAGAIN : -ETIMEDOUT;
                break;
            }
            if (n < 0)
                continue;
        }
        socklen_t sl = addr != NULL ? (socklen_t)*len : 0;
        int c = accept4(fd, (struct sockaddr *)addr, addr != NULL ? &sl : NULL, SOCK_CLOEXEC);
        int err = errno;
        if (jipc_guard_closing(g)) {
            if (c >= 0)
                close(c);
            r = -JIPC_WOKEN;
            break;
        }
        if (c >= 0) {
            if (addr != NULL)
                *len = (int)sl;
            r = c;
            break;
        }
        if (err == EAGAIN && !is_nonblocking(fd)) {
            r = -ETIMEDOUT; /* SO_RCVTIMEO expired */
            break;
        }
        if (err != EINTR && err != EAGAIN && err != ECONNABORTED) {
            r = -err;
            break;
        }
        if (err == EAGAIN && timeout_ms == 0) {
            r = -EAGAIN; /* another acceptor took it */
            break;
        }
    }
    jipc_guard_leave(g, &b);
    return r;
}

static int set_timeval(int fd, int name, const struct timeval *tv)
{
    return setsockopt(fd, SOL_SOCKET, name, tv, sizeof *tv) == 0 ? 0 : -errno;
}

/* Waits for an asynchronous connect to finish: 0, -errno, -ETIMEDOUT or -JIPC_WOKEN. */
static int finish_connect(int fd, jipc_guard *g, const void *addr, int len, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int n = poll(&p, 1, left_ms(deadline));
        int err = errno;
        if (jipc_guard_closing(g))
            return -JIPC_WOKEN;
        if (n < 0 && err != EINTR)
            return -err;
        if (n == 0)
            return -ETIMEDOUT;
        if (n < 0)
            continue;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            return -errno;
        if (soerr != 0)
            return -soerr;
        int c = connect(fd, (const struct sockaddr *)addr, (socklen_t)len);
        err = errno;
        if (jipc_guard_closing(g))
            return -JIPC_WOKEN;
        if (c == 0 || err == EISCONN)
            return 0;
        if (err != EALREADY && err != EINPROGRESS && err != EINTR)
            return -err;
    }
}

int jipc_socket_connect(int fd, jipc_guard *g, const void *addr, int len, int timeout_ms)
{
    int bad = jipc_sockaddr_check(addr, len);
    if (bad < 0)
        return bad;
    struct timeval old = { 0, 0 };
    socklen_t ol = sizeof old;
    if (timeout_ms >= 0) {
        /* connect(2) waits at most SO_SNDTIMEO, then continues in the background. */
        if (getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &old, &ol) < 0)
            return -errno;
        struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
        if (timeout_ms == 0)
            tv.tv_usec = 1;
        int s = set_timeval(fd, SO_SNDTIMEO, &tv);
        if (s < 0)
            return s;
    }
    int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r == 0) {
        int c = connect(fd, (const struct sockaddr *)addr, (socklen_t)len);
        int err = errno;
        if (jipc_guard_closing(g))
            r = -JIPC_WOKEN;
        else if (c == 0)
            r = 0;
        else if (err == EINTR || err == EINPROGRESS || err == EALREADY)
            r = is_nonblocking(fd) || err != EINPROGRESS || timeout_ms < 0
                    ? finish_connect(fd, g, addr, len, deadline) : -ETIMEDOUT;
        else if (err == EAGAIN && timeout_ms >= 0 && !is_nonblocking(fd))
            r = -ETIMEDOUT; /* a Unix listener's backlog stayed full */
        else
            r = -err;
        jipc_guard_leave(g, &b);
    }
    if (timeout_ms >= 0 && r != -JIPC_WOKEN)
        set_timeval(fd, SO_SNDTIMEO, &old);
    return r;
}

int jipc_socket_name(int fd, int peer, void *addr, int *len)
{
    socklen_t sl = (socklen_t)*len;
    int r = peer ? getpeername(fd, (struct sockaddr *)addr, &sl) : getsockname(fd, (struct sockaddr *)addr, &sl);
    if (r < 0)
        return -errno;
    *len = (int)sl;
    return 0;
}

static const int opt_level[JIPC_SO_COUNT] = {
    SOL_SOCKET, SOL_SOCKET, SOL_SOCKET, SOL_SOCKET, SOL_SOCKET, SOL_SOCKET,
    SOL_SOCKET, IPPROTO_TCP, SOL_SOCKET, SOL_SOCKET, SOL_SOCKET,
};
static const int opt_name[JIPC_SO_COUNT] = {
    SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST,
    SO_PASSCRED, TCP_NODELAY, SO_RCVTIMEO, SO_SNDTIMEO, SO_ERROR,
};

int jipc_socket_setopt(int fd, int opt, long value)
{
    if (opt < 0 || opt >= JIPC_SO_COUNT || opt == JIPC_SO_ERROR || value < 0)
        return -EINVAL;
    if (opt == JIPC_SO_RCVTIMEO || opt == JIPC_SO_SNDTIMEO) {
        struct timeval tv = { value / 1000, (value % 1000) * 1000 };
        return set_timeval(fd, opt_name[opt], &tv);
    }
    if (value > 0x7fffffffL)
        return -EINVAL;
    int v = (int)value;
    return setsockopt(fd, opt_level[opt], opt_name[opt], &v, sizeof v) == 0 ? 0 : -errno;
}

long jipc_socket_getopt(int fd, int opt)
{
    if (opt < 0 || opt >= JIPC_SO_COUNT)
        return -EINVAL;
    if (opt == JIPC_SO_RCVTIMEO || opt == JIPC_SO_SNDTIMEO) {
        struct timeval tv;
        socklen_t sl = sizeof tv;
        if (getsockopt(fd, SOL_SOCKET, opt_name[opt], &tv, &sl) < 0)
            return -errno;
        return (long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
    }
    int v = 0;
    socklen_t sl = sizeof v;
    if (getsockopt(fd, opt_level[opt], opt_name[opt], &v, &sl) < 0)
        return -errno;
    return opt == JIPC_SO_RCVBUF || opt == JIPC_SO_SNDBUF || opt == JIPC_SO_ERROR ? v : v != 0;
}

int jipc_socket_peercred(int fd, int out[3])
{
    /* SO_PEERCRED never fails for want of a peer: any socket without one
     * (not Unix, not connected) reports pid 0 and uid/gid -1. */
    int domain;
    socklen_t dl = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) < 0)
        return -errno;
    if (domain != AF_UNIX)
        return -EOPNOTSUPP;
    struct ucred c;
    socklen_t sl = sizeof c;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &sl) < 0)
        return -errno;
    if (c.pid == 0)
        return -ENOTCONN;
    out[0] = (int)c.pid;
    out[1] = (int)c.uid;
    out[2] = (int)c.gid;
    return 0;
}

int jipc_socket_info(int fd, int out[3])
{
    static const int names[3] = { SO_DOMAIN, SO_TYPE, SO_PROTOCOL };
    for (int i = 0; i < 3; i++) {
        socklen_t sl = sizeof out[i];
        if (getsockopt(fd, SOL_SOCKET, names[i], &out[i], &sl) < 0)
            return -errno;
    }
    return 0;
}

void jipc_sockaddr_layout(int out[JIPC_SA_COUNT])
{
    out[JIPC_SA_STORAGE_SIZE] = (int)sizeof(struct sockaddr_storage);
    out[JIPC_SA_FAMILY] = (int)offsetof(struct sockaddr, sa_family);
    out[JIPC_SA_FAMILY_SIZE] = (int)sizeof(sa_family_t);
    out[JIPC_SA_UN_PATH] = (int)offsetof(struct sockaddr_un, sun_path);
    out[JIPC_SA_UN_PATH_SIZE] = (int)sizeof(((struct sockaddr_un *)0)->sun_path);
    out[JIPC_SA_IN_PORT] = (int)offsetof(struct sockaddr_in, sin_port);
    out[JIPC_SA_IN_ADDR] = (int)offsetof(struct sockaddr_in, sin_addr);
    out[JIPC_SA_IN_SIZE] = (int)sizeof(struct sockaddr_in);
    out[JIPC_SA_IN6_PORT] = (int)offsetof(struct sockaddr_in6, sin6_port);
    out[JIPC_SA_IN6_FLOWINFO] = (int)offsetof(struct sockaddr_in6, sin6_flowinfo);
    out[JIPC_SA_IN6_ADDR] = (int)offsetof(struct sockaddr_in6, sin6_addr);
    out[JIPC_SA_IN6_SCOPE] = (int)offsetof(struct sockaddr_in6, sin6_scope_id);
    out[JIPC_SA_IN6_SIZE] = (int)sizeof(struct sockaddr_in6);
}
