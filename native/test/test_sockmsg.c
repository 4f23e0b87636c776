#include "jipc_sockmsg.h"
#include "jipc_socket.h"
#include "jipc_test.h"

#include <dirent.h>
#include <unistd.h>

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static void messages_are_whole_and_truncation_is_reported(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_socket_pair(SOCK_SEQPACKET, fds));
    CHECK_EQ(10, jipc_sockmsg_send(fds[0], NULL, "0123456789", 10, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
    CHECK_EQ(2, jipc_sockmsg_send(fds[0], NULL, "ab", 2, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
    char buf[4];
    int meta[JIPC_META_FDS] = { 0 };
    CHECK_EQ(10, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, meta, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
    CHECK_EQ(JIPC_RECV_TRUNC, meta[JIPC_META_FLAGS]);
    CHECK_EQ(2, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, meta, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
    CHECK_EQ(0, meta[JIPC_META_FLAGS]);
    close(fds[0]);
    close(fds[1]);
}

/* JIPC_MSG_PEEK: a message's full length, the message left queued; never with descriptors taken. */
static void a_peek_sizes_the_next_message_and_leaves_it(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_socket_pair(SOCK_DGRAM, fds));
    CHECK_EQ(10, jipc_sockmsg_send(fds[0], NULL, "0123456789", 10, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
    CHECK_EQ(10, jipc_sockmsg_recv(fds[1], NULL, NULL, 0, NULL, NULL, JIPC_MSG_WHOLE | JIPC_MSG_PEEK, JIPC_MSG_NOWAIT));
    CHECK_EQ(10, jipc_sockmsg_recv(fds[1], NULL, NULL, 0, NULL, NULL, JIPC_MSG_WHOLE | JIPC_MSG_PEEK, JIPC_MSG_BLOCK));
    int meta[JIPC_META_FDS + 1] = { 0 };
    meta[JIPC_META_NFDS] = 1;
    CHECK_EQ(-EINVAL, jipc_sockmsg_recv(fds[1], NULL, NULL, 0, NULL, meta,
                                        JIPC_MSG_WHOLE | JIPC_MSG_PEEK | JIPC_MSG_CONTROL, JIPC_MSG_NOWAIT));
    char buf[10];
    CHECK_EQ(10, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_NOWAIT));
    CHECK(memcmp(buf, "0123456789", 10) == 0);
    CHECK_EQ(-EAGAIN, jipc_sockmsg_recv(fds[1], NULL, NULL, 0, NULL, NULL, JIPC_MSG_WHOLE | JIPC_MSG_PEEK, JIPC_MSG_NOWAIT));
    close(fds[0]);
    close(fds[1]);
}

/* A zero-length message is 0, the end is -JIPC_RECV_END (the kernel says 0 for both). */
static void empty_messages_are_not_the_end(void)
{
    int types[2] = { SOCK_SEQPACKET, SOCK_DGRAM };
    for (int t = 0; t < 2; t++) {
        int fds[2];
        CHECK_EQ(0, jipc_socket_pair(types[t], fds));
        char buf[4];
        CHECK_EQ(0, jipc_sockmsg_send(fds[0], NULL, "", 0, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
        CHECK_EQ(0, jipc_sockmsg_send(fds[0], NULL, "", 0, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
        CHECK_EQ(1, jipc_sockmsg_send(fds[0], NULL, "x", 1, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
        CHECK_EQ(0, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
        CHECK_EQ(0, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_NOWAIT));
        CHECK_EQ(1, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
        CHECK_EQ(-EAGAIN, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_NOWAIT));
        /* with the sender's address asked for, as receiveFrom does */
        struct sockaddr_storage from;
        int meta[JIPC_META_FDS] = { 0 };
        meta[JIPC_META_ADDRLEN] = sizeof from;
        CHECK_EQ(0, jipc_sockmsg_send(fds[0], NULL, "", 0, NULL, 0, NULL, 0, 0, JIPC_MSG_BLOCK));
        CHECK_EQ(0, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, &from, meta, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
        if (types[t] == SOCK_SEQPACKET) {
            /* the peer's close: the end, every time */
            close(fds[0]);
            CHECK_EQ(-JIPC_RECV_END, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
            CHECK_EQ(-JIPC_RECV_END, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_NOWAIT));
            meta[JIPC_META_ADDRLEN] = sizeof from;
            CHECK_EQ(-JIPC_RECV_END, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, &from, meta, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
        } else {
            /* a datagram socket ends where this side shut its input */
            CHECK_EQ(0, shutdown(fds[1], SHUT_RD));
            CHECK_EQ(-JIPC_RECV_END, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, NULL, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
            close(fds[0]);
        }
        close(fds[1]);
    }
}

static void descriptors_and_credentials_pass(void)
{
    int fds[2], p[2];
    CHECK_EQ(0, jipc_socket_pair(SOCK_DGRAM, fds));
    CHECK_EQ(0, jipc_socket_setopt(fds[1], JIPC_SO_PASSCRED, 1));
    CHECK_EQ(0, pipe2(p, O_CLOEXEC));
    CHECK_EQ(1, jipc_sockmsg_send(fds[0], NULL, "x", 1, NULL, 0, p, 2, JIPC_MSG_CREDENTIALS, JIPC_MSG_BLOCK));
    char buf[4];
    int meta[JIPC_META_FDS + 4] = { [JIPC_META_NFDS] = 4 };
    CHECK_EQ(1, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, meta, JIPC_MSG_WHOLE | JIPC_MSG_CONTROL,
                                  JIPC_MSG_BLOCK));
    CHECK_EQ(2, meta[JIPC_META_NFDS]);
    CHECK_EQ(getpid(), meta[JIPC_META_PID]);
    CHECK_EQ(getuid(), meta[JIPC_META_UID]);
    int r = meta[JIPC_META_FDS], w = meta[JIPC_META_FDS + 1];
    CHECK(fcntl(r, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(1, write(w, "y", 1));
    CHECK_EQ(1, read(p[0], buf, 1));
    close(r);
    close(w);
    close(p[0]);
    close(p[1]);
    close(fds[0]);
    close(fds[1]);
}

static void descriptors_that_do_not_fit_are_closed(void)
{
    int fds[2], p[2];
    CHECK_EQ(0, jipc_socket_pair(SOCK_STREAM, fds));
    CHECK_EQ(0, pipe2(p, O_CLOEXEC));
    int before = open_fds();
    int many[8] = { p[0], p[1], p[0], p[1], p[0], p[1], p[0], p[1] };
    CHECK_EQ(1, jipc_sockmsg_send(fds[0], NULL, "x", 1, NULL, 0, many, 8, 0, JIPC_MSG_BLOCK));
    char buf[4];
    int meta[JIPC_META_FDS + 1] = { [JIPC_META_NFDS] = 1 };
    CHECK_EQ(1, jipc_sockmsg_recv(fds[1], NULL, buf, sizeof buf, NULL, meta, JIPC_MSG_CONTROL, JIPC_MSG_BLOCK));
    CHECK_EQ(0, meta[JIPC_META_NFDS]);
    CHECK_EQ(JIPC_RECV_CTRUNC, meta[JIPC_META_FLAGS]);
    CHECK_EQ(before, open_fds());
    close(p[0]);
    close(p[1]);
    close(fds[0]);
    close(fds[1]);
}

static void datagrams_carry_their_sender(void)
{
    int a = jipc_socket_open(AF_INET, SOCK_DGRAM, 0), b = jipc_socket_open(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK_EQ(0, jipc_socket_bind(a, &any, sizeof any));
    CHECK_EQ(0, jipc_socket_bind(b, &any, sizeof any));
    struct sockaddr_in to, from;
    int tlen = sizeof to;
    CHECK_EQ(0, jipc_socket_name(b, 0, &to, &tlen));
    CHECK_EQ(4, jipc_sockmsg_send(a, NULL, "ping", 4, &to, tlen, NULL, 0, 0, JIPC_MSG_NOWAIT));
    char buf[8];
    int meta[JIPC_META_FDS] = { [JIPC_META_ADDRLEN] = sizeof from };
    CHECK_EQ(4, jipc_sockmsg_recv(b, NULL, buf, sizeof buf, &from, meta, JIPC_MSG_WHOLE, JIPC_MSG_BLOCK));
    CHECK_EQ(sizeof from, meta[JIPC_META_ADDRLEN]);
    struct sockaddr_in self;
    int slen = sizeof self;
    CHECK_EQ(0, jipc_socket_name(a, 0, &self, &slen));
    CHECK_EQ(self.sin_port, from.sin_port);
    close(a);
    close(b);
}

static void a_gone_peer_is_epipe_not_sigpipe(void)
{
    int fds[2];
    CHECK_EQ(0, jipc_socket_pair(SOCK_STREAM, fds));
    close(fds[1]);
    CHECK_EQ(-EPIPE, jipc_sockmsg_send(fds[0], NULL, "x", 1, NULL, 0, NULL, 0, JIPC_MSG_ALL, JIPC_MSG_BLOCK));
    close(fds[0]);
}

/* Control messages built by hand, as a hostile or broken buffer could be. */
static void control_messages_are_parsed_within_bounds(void)
{
    union {
        unsigned char bytes[CMSG_SPACE(3 * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } c;
    memset(&c, 0, sizeof c);
    struct cmsghdr *h = (struct cmsghdr *)c.bytes;
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(3 * sizeof(int));
    int three[3] = { 7, 8, 9 };
    memcpy(CMSG_DATA(h), three, sizeof three);
    struct cmsghdr *k = (struct cmsghdr *)(c.bytes + CMSG_SPACE(3 * sizeof(int)));
    k->cmsg_level = SOL_SOCKET;
    k->cmsg_type = SCM_CREDENTIALS;
    k->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred u = { 42, 1000, 100 };
    memcpy(CMSG_DATA(k), &u, sizeof u);
    int meta[JIPC_META_FDS] = { 0 };
    int fds[8] = { 0 };
    CHECK_EQ(3, jipc_sockmsg_parse_control(c.bytes, (long)sizeof c.bytes, meta, fds, 8));
    CHECK_EQ(9, fds[2]);
    CHECK_EQ(42, meta[JIPC_META_PID]);
    CHECK_EQ(1000, meta[JIPC_META_UID]);
    CHECK_EQ(100, meta[JIPC_META_GID]);
    /* Beyond cap: counted, not stored. */
    CHECK_EQ(3, jipc_sockmsg_parse_control(c.bytes, (long)sizeof c.bytes, meta, fds, 1));
    /* A length past the buffer ends the walk before it. */
    h->cmsg_len = sizeof c.bytes + 1;
    CHECK_EQ(0, jipc_sockmsg_parse_control(c.bytes, (long)sizeof c.bytes, meta, fds, 8));
    /* A length below the header's: nothing taken. */
    h->cmsg_len = 1;
    CHECK_EQ(0, jipc_sockmsg_parse_control(c.bytes, (long)sizeof c.bytes, meta, fds, 8));
    /* Credentials cut short are ignored. */
    h->cmsg_len = CMSG_LEN(0);
    k->cmsg_len = CMSG_LEN(sizeof(struct ucred) - 1);
    meta[JIPC_META_PID] = -1;
    CHECK_EQ(0, jipc_sockmsg_parse_control(c.bytes, (long)sizeof c.bytes, meta, fds, 8));
    CHECK_EQ(-1, meta[JIPC_META_PID]);
    CHECK_EQ(0, jipc_sockmsg_parse_control(c.bytes, 3, meta, fds, 8));
}

int main(void)
{
    RUN(messages_are_whole_and_truncation_is_reported);
    RUN(a_peek_sizes_the_next_message_and_leaves_it);
    RUN(empty_messages_are_not_the_end);
    RUN(descriptors_and_credentials_pass);
    RUN(descriptors_that_do_not_fit_are_closed);
    RUN(datagrams_carry_their_sender);
    RUN(a_gone_peer_is_epipe_not_sigpipe);
    RUN(control_messages_are_parsed_within_bounds);
    TEST_EXIT();
}
