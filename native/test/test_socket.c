#include "jipc_socket.h"
#include "jipc_sockmsg.h"
#include "jipc_test.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

static socklen_t unix_addr(struct sockaddr_un *a, const char *path, int abstract)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(path);
    memcpy(a->sun_path + (abstract ? 1 : 0), path, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract ? 1 : 0));
}

static void stream_over_a_path(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/jipc-test-sock-%d", (int)getpid());
    struct sockaddr_un a;
    int len = (int)unix_addr(&a, path, 0);
    int l = jipc_socket_open(AF_UNIX, SOCK_STREAM, 0);
    CHECK(l >= 0);
    CHECK(fcntl(l, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(0, jipc_socket_bind(l, &a, len));
    CHECK_EQ(0, jipc_socket_listen(l, 4));
    CHECK_EQ(-EAGAIN, jipc_socket_accept(l, NULL, NULL, NULL, 0));
    CHECK_EQ(-ETIMEDOUT, jipc_socket_accept(l, NULL, NULL, NULL, 20));
    int c = jipc_socket_open(AF_UNIX, SOCK_STREAM, 0);
    CHECK_EQ(0, jipc_socket_connect(c, NULL, &a, len, 1000));
    struct sockaddr_storage peer;
    int plen = sizeof peer;
    int s = jipc_socket_accept(l, NULL, &peer, &plen, -1);
    CHECK(s >= 0);
    CHECK(fcntl(s, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(5, jipc_sockmsg_send(c, NULL, "hello", 5, NULL, 0, NULL, 0, JIPC_MSG_ALL, JIPC_MSG_BLOCK));
    char buf[16];
    CHECK_EQ(5, jipc_sockmsg_recv(s, NULL, buf, sizeof buf, NULL, NULL, 0, JIPC_MSG_BLOCK));
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(-EAGAIN, jipc_sockmsg_recv(s, NULL, buf, sizeof buf, NULL, NULL, 0, JIPC_MSG_NOWAIT));
    CHECK(!(fcntl(s, F_GETFL) & O_NONBLOCK));
    int cred[3];
    CHECK_EQ(0, jipc_socket_peercred(s, cred));
    CHECK_EQ(getpid(), cred[0]);
    CHECK_EQ(getuid(), cred[1]);
    /* No peer, or no Unix socket: an error, never pid 0 and uid -1. */
    int lone = jipc_socket_open(AF_UNIX, SOCK_STREAM, 0);
    CHECK_EQ(-ENOTCONN, jipc_socket_peercred(lone, cred));
    close(lone);
    int tcp = jipc_socket_open(AF_INET, SOCK_STREAM, 0);
    CHECK_EQ(-EOPNOTSUPP, jipc_socket_peercred(tcp, cred));
    close(tcp);
    int info[3];
    CHECK_EQ(0, jipc_socket_info(s, info));
    CHECK_EQ(AF_UNIX, info[0]);
    CHECK_EQ(SOCK_STREAM, info[1]);
    CHECK_EQ(0, jipc_socket_shutdown(c, SHUT_WR));
    CHECK_EQ(0, jipc_sockmsg_recv(s, NULL, buf, sizeof buf, NULL, NULL, 0, JIPC_MSG_BLOCK));
    close(c);
    close(s);
    close(l);
    unlink(path);
}

static void connect_to_nothing_and_timeouts(void)
{
    struct sockaddr_un a;
    int len = (int)unix_addr(&a, "jipc-test-nobody-listens", 1);
    int c = jipc_socket_open(AF_UNIX, SOCK_STREAM, 0);
    CHECK_EQ(-ECONNREFUSED, jipc_socket_connect(c, NULL, &a, len, 100));
    close(c);
    int d = jipc_socket_open(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_EQ(0, jipc_socket_setopt(d, JIPC_SO_RCVTIMEO, 30));
    long t = jipc_socket_getopt(d, JIPC_SO_RCVTIMEO);
    CHECK(t >= 30 && t < 60); /* the kernel rounds to its clock tick */
    char buf[4];
    CHECK_EQ(0, jipc_socket_bind(d, &a, len));
    CHECK_EQ(-ETIMEDOUT, jipc_sockmsg_recv(d, NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
    CHECK_EQ(0, jipc_socket_setopt(d, JIPC_SO_SNDBUF, 65536));
    CHECK(jipc_socket_getopt(d, JIPC_SO_SNDBUF) >= 65536);
    CHECK_EQ(-EINVAL, jipc_socket_setopt(d, 99, 1));
    close(d);
}

static void tcp_loopback(void)
{
    int l = jipc_socket_open(AF_INET, SOCK_STREAM, 0);
    CHECK_EQ(0, jipc_socket_setopt(l, JIPC_SO_REUSEADDR, 1));
    CHECK_EQ(1, jipc_socket_getopt(l, JIPC_SO_REUSEADDR));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK_EQ(0, jipc_socket_bind(l, &a, sizeof a));
    CHECK_EQ(0, jipc_socket_listen(l, 4));
    struct sockaddr_in bound;
    int blen = sizeof bound;
    CHECK_EQ(0, jipc_socket_name(l, 0, &bound, &blen));
    CHECK(bound.sin_port != 0);
    int c = jipc_socket_open(AF_INET, SOCK_STREAM, 0);
    CHECK_EQ(0, jipc_socket_setopt(c, JIPC_TCP_NODELAY, 1));
    CHECK_EQ(1, jipc_socket_getopt(c, JIPC_TCP_NODELAY));
    CHECK_EQ(0, jipc_socket_connect(c, NULL, &bound, blen, 1000));
    int s = jipc_socket_accept(l, NULL, NULL, NULL, 1000);
    CHECK(s >= 0);
    CHECK_EQ(3, jipc_sockmsg_send(s, NULL, "abc", 3, NULL, 0, NULL, 0, JIPC_MSG_ALL, JIPC_MSG_BLOCK));
    char buf[8];
    CHECK_EQ(3, jipc_sockmsg_recv(c, NULL, buf, sizeof buf, NULL, NULL, 0, JIPC_MSG_BLOCK));
    close(s);
    close(c);
    close(l);
}

struct blocked {
    int fd;
    jipc_guard *g;
    long result;
};

static void *accept_blocked(void *arg)
{
    struct blocked *b = arg;
    b->result = jipc_socket_accept(b->fd, b->g, NULL, NULL, -1);
    return NULL;
}

static void *recv_blocked(void *arg)
{
    struct blocked *b = arg;
    char buf[8];
    b->result = jipc_sockmsg_recv(b->fd, b->g, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK);
    return NULL;
}

static void guard_wakes(void *(*fn)(void *), int fd)
{
    struct blocked b = { .fd = fd, .g = jipc_guard_create(JIPC_GUARD_FD), .result = 1 };
    CHECK(b.g != NULL);
    pthread_t t;
    pthread_create(&t, NULL, fn, &b);
    while (jipc_guard_blocked(b.g) == 0)
        usleep(1000);
    usleep(20000);
    CHECK_EQ(0, jipc_guard_wake(b.g, fd));
    pthread_join(t, NULL);
    CHECK_EQ(-JIPC_WOKEN, b.result);
    jipc_guard_free(b.g);
    close(fd);
}

static void close_wakes_accept_and_recv(void)
{
    struct sockaddr_un a;
    int len = (int)unix_addr(&a, "jipc-test-wake", 1);
    int l = jipc_socket_open(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_EQ(0, jipc_socket_bind(l, &a, len));
    CHECK_EQ(0, jipc_socket_listen(l, 1));
    guard_wakes(accept_blocked, l);
    int fds[2];
    CHECK_EQ(0, jipc_socket_pair(SOCK_DGRAM, fds));
    guard_wakes(recv_blocked, fds[0]);
    close(fds[1]);
}

static void layout_matches(void)
{
    int l[JIPC_SA_COUNT];
    jipc_sockaddr_layout(l);
    CHECK_EQ(sizeof(struct sockaddr_un) - offsetof(struct sockaddr_un, sun_path), l[JIPC_SA_UN_PATH_SIZE]);
    CHECK_EQ(sizeof(struct sockaddr_in6), l[JIPC_SA_IN6_SIZE]);
}

static void addresses_are_checked(void)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int at = (int)offsetof(struct sockaddr_un, sun_path);
    CHECK_EQ(0, jipc_sockaddr_check(&un, at));                            /* unnamed */
    memcpy(un.sun_path, "/tmp/x", 7);
    CHECK_EQ(0, jipc_sockaddr_check(&un, at + 7));                        /* path and NUL */
    CHECK_EQ(0, jipc_sockaddr_check(&un, at + 6));                        /* path alone */
    CHECK_EQ(-EINVAL, jipc_sockaddr_check(&un, at + 8));                  /* a NUL inside */
    CHECK_EQ(-EINVAL, jipc_sockaddr_check(&un, (int)sizeof un + 1));
    un.sun_path[0] = '\0';
    CHECK_EQ(0, jipc_sockaddr_check(&un, at + 8));                        /* abstract: any bytes */
    struct sockaddr_in in = { .sin_family = AF_INET };
    CHECK_EQ(0, jipc_sockaddr_check(&in, (int)sizeof in));
    CHECK_EQ(-EINVAL, jipc_sockaddr_check(&in, (int)sizeof in - 1));
    CHECK_EQ(-EINVAL, jipc_sockaddr_check(&in, 1));
    CHECK_EQ(-EINVAL, jipc_sockaddr_check(NULL, 16));
    int fd = jipc_socket_open(AF_UNIX, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    memcpy(un.sun_path, "/tmp/x\0y", 9);
    CHECK_EQ(-EINVAL, jipc_socket_bind(fd, &un, at + 9));
    close(fd);
}

/* A timed or non-blocking accept on a socket that does not listen fails at once, as a blocking one does,
 * rather than polling for data until it times out. */
static void accept_refuses_what_does_not_listen(void)
{
    int sv[2];
    CHECK_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    CHECK_EQ(-EINVAL, jipc_socket_accept(sv[0], NULL, NULL, NULL, 5000));
    CHECK_EQ(-EINVAL, jipc_socket_accept(sv[0], NULL, NULL, NULL, 0));
    CHECK_EQ(-EINVAL, jipc_socket_accept(sv[0], NULL, NULL, NULL, -1));
    close(sv[0]);
    close(sv[1]);
    int d = jipc_socket_open(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(d >= 0);
    CHECK_EQ(-EOPNOTSUPP, jipc_socket_accept(d, NULL, NULL, NULL, 5000));
    close(d);
}

int main(void)
{
    RUN(stream_over_a_path);
    RUN(accept_refuses_what_does_not_listen);
    RUN(connect_to_nothing_and_timeouts);
    RUN(tcp_loopback);
    RUN(close_wakes_accept_and_recv);
    RUN(layout_matches);
    RUN(addresses_are_checked);
    TEST_EXIT();
}
