/*
 * socket_peer - the other side of jipc's sockets, as a plain C program
 * written from the man pages (unix(7), tcp(7), udp(7), cmsg(3)):
 *
 *   stream-echo <path|@name>     connect(), print the listener's SO_PEERCRED,
 *                                echo every byte until end of file
 *   seqpacket-echo <path|@name>  the same over SOCK_SEQPACKET, message by message
 *   dgram-echo <path|@name>      bind(), send each datagram back to its sender
 *                                until one reads "END"
 *   udp-echo                     the same on 127.0.0.1, port printed in READY
 *   tcp-server                   the seed's SERVER: socket, SO_REUSEADDR, bind,
 *                                listen, accept, read until end of file
 *   tcp-client <port> <bytes> <seed>  the seed's CLIENT: connect and write
 *   recv-fd <fd>                 recvmsg() one descriptor (SCM_RIGHTS) on an
 *                                inherited socket: write "written by C" into a
 *                                pipe end, or into a memfd's first bytes
 *   send-fd <fd>                 sendmsg() a pipe read end holding "from C"
 *                                and a memfd holding "memfd from C"
 *   send-files <fd> <file>       sendmsg() file opened read-write (offset 5),
 *                                its folder, a timerfd never armed, a netlink
 *                                socket and a timerfd that expires every 20 ms:
 *                                descriptors of kinds that have no jipc handle
 *                                of their own
 *   recv-file <fd>               recvmsg() one descriptor of a regular file:
 *                                print its size and access mode, then write "+C"
 *                                at the description's offset (its end, if opened to append)
 */
#include "peer_common.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

static const char USAGE[] =
    "  socket_peer stream-echo|seqpacket-echo|dgram-echo <path|@name>\n"
    "  socket_peer udp-echo | tcp-server\n"
    "  socket_peer tcp-client <port> <bytes> <seed>\n"
    "  socket_peer recv-fd|send-fd|recv-file <fd>\n"
    "  socket_peer send-files <fd> <file>\n";

static socklen_t unix_address(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(name);
    if (n >= sizeof a->sun_path) {
        fprintf(stderr, "name too long: %s\n", name);
        exit(PEER_USAGE);
    }
    memcpy(a->sun_path, name, n);
    if (name[0] == '@')
        a->sun_path[0] = '\0'; /* abstract: no NUL at the end */
    else
        n++;
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

static int echo_connected(int type, const char *name)
{
    struct peer_stats st = { 0, 0 };
    struct sockaddr_un a;
    socklen_t len = unix_address(&a, name);
    int fd = socket(AF_UNIX, type, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, len) < 0)
        return peer_error("connect", -errno, &st);
    struct ucred c;
    socklen_t cl = sizeof c;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &cl) < 0)
        return peer_error("getsockopt", -errno, &st);
    peer_say("PEER pid=%d uid=%d gid=%d", (int)c.pid, (int)c.uid, (int)c.gid);
    peer_say("READY pid=%d", (int)getpid());
    static unsigned char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return peer_error("read", -errno, &st);
        if (n == 0)
            break;
        st.bytes += (unsigned long long)n;
        st.crc = peer_crc32(st.crc, buf, (size_t)n);
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                return peer_error("write", -errno, &st);
            off += w > 0 ? w : 0;
        }
    }
    close(fd);
    peer_result(&st);
    return 0;
}

static int echo_datagrams(int fd)
{
    struct peer_stats st = { 0, 0 };
    static unsigned char buf[1 << 16];
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return peer_error("recvfrom", -errno, &st);
        if (n == 3 && memcmp(buf, "END", 3) == 0)
            break;
        st.bytes += (unsigned long long)n;
        st.crc = peer_crc32(st.crc, buf, (size_t)n);
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl) < 0)
            return peer_error("sendto", -errno, &st);
    }
    close(fd);
    peer_result(&st);
    return 0;
}

static int tcp_server(void)
{
    struct peer_stats st = { 0, 0 };
    int opt = 1;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof opt);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (bind(server, (struct sockaddr *)&a, len) < 0 || listen(server, 3) < 0
        || getsockname(server, (struct sockaddr *)&a, &len) < 0)
        return peer_error("bind", -errno, &st);
    peer_say("READY pid=%d port=%d", (int)getpid(), ntohs(a.sin_port));
    int s = accept(server, NULL, NULL);
    if (s < 0)
        return peer_error("accept", -errno, &st);
    int r = peer_drain(s, -1, &st);
    if (r < 0)
        return peer_error("read", r, &st);
    close(s);
    close(server);
    peer_result(&st);
    return 0;
}

static int tcp_client(const struct peer_args *a)
{
    struct peer_stats st = { 0, 0 };
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)peer_number(a->word[1], "port")) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return peer_error("connect", -errno, &st);
    peer_say("READY pid=%d", (int)getpid());
    int r = peer_pour(fd, peer_number(a->word[2], "bytes"), (uint64_t)peer_number(a->word[3], "seed"), &st);
    if (r < 0)
        return peer_error("write", r, &st);
    close(fd);
    peer_result(&st);
    return 0;
}

/* recvmsg() of one byte and one descriptor (SCM_RIGHTS): the descriptor, or -errno. */
static int recv_one_fd(int sock)
{
    char byte;
    struct iovec v = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) < 0)
        return -errno;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (c == NULL || c->cmsg_type != SCM_RIGHTS)
        return -EPROTO;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static int recv_fd(int sock)
{
    struct peer_stats st = { 0, 0 };
    peer_say("READY pid=%d", (int)getpid());
    int fd = recv_one_fd(sock);
    if (fd < 0)
        return peer_error("recvmsg", fd, &st);
    struct stat sb;
    fstat(fd, &sb);
    static const char text[] = "written by C";
    if (S_ISFIFO(sb.st_mode)) {
        if (write(fd, text, sizeof text - 1) < 0)
            return peer_error("write", -errno, &st);
        peer_say("GOT pipe");
    } else {
        char *p = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
            return peer_error("mmap", -errno, &st);
        peer_say("GOT memfd size=%lld first=%s", (long long)sb.st_size, p);
        memcpy(p, text, sizeof text);
        munmap(p, (size_t)sb.st_size);
    }
    close(fd);
    close(sock);
    peer_result(&st);
    return 0;
}

#define MAX_RIGHTS 8

/* sendmsg() of n (at most MAX_RIGHTS) descriptors with the one byte "F". */
static int send_rights(int sock, const int *fds, int n)
{
    if (n > MAX_RIGHTS)
        return -EINVAL;
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX_RIGHTS)];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec v = { .iov_base = "F", .iov_len = 1 };
    struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    return sendmsg(sock, &m, 0) < 0 ? -errno : 0;
}

static int send_fd(int sock)
{
    struct peer_stats st = { 0, 0 };
    int p[2];
    if (pipe(p) < 0 || write(p[1], "from C", 6) != 6)
        return peer_error("pipe", -errno, &st);
    close(p[1]);
    int mem = memfd_create("peer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mem < 0 || ftruncate(mem, 4096) < 0 || pwrite(mem, "memfd from C", 13, 0) != 13)
        return peer_error("memfd_create", -errno, &st);
    int fds[2] = { p[0], mem };
    peer_say("READY pid=%d", (int)getpid());
    int r = send_rights(sock, fds, 2);
    if (r < 0)
        return peer_error("sendmsg", r, &st);
    close(p[0]);
    close(mem);
    close(sock);
    peer_result(&st);
    return 0;
}

static int send_files(int sock, const char *file)
{
    struct peer_stats st = { 0, 0 };
    int f = open(file, O_RDWR | O_CLOEXEC);
    if (f < 0)
        return peer_error("open", -errno, &st);
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", file);
    char *slash = strrchr(folder, '/');
    if (slash == NULL || slash == folder)
        return peer_error("open", -EINVAL, &st);
    *slash = '\0';
    int d = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    int ticks = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    if (d < 0 || t < 0 || ticks < 0)
        return peer_error(d < 0 ? "open" : "timerfd_create", -errno, &st);
    struct itimerspec every = { .it_interval = { .tv_nsec = 20000000 }, .it_value = { .tv_nsec = 20000000 } };
    if (timerfd_settime(ticks, 0, &every, NULL) < 0)
        return peer_error("timerfd_settime", -errno, &st);
    int n = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (n < 0)
        return peer_error("socket", -errno, &st);
    if (lseek(f, 5, SEEK_SET) != 5)
        return peer_error("lseek", -errno, &st);
    int fds[5] = { f, d, t, n, ticks };
    peer_say("READY pid=%d", (int)getpid());
    int r = send_rights(sock, fds, 5);
    if (r < 0)
        return peer_error("sendmsg", r, &st);
    close(f);
    close(d);
    close(t);
    close(n);
    close(ticks);
    close(sock);
    peer_result(&st);
    return 0;
}

static int recv_file(int sock)
{
    struct peer_stats st = { 0, 0 };
    peer_say("READY pid=%d", (int)getpid());
    int fd = recv_one_fd(sock);
    if (fd < 0)
        return peer_error("recvmsg", fd, &st);
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
        return peer_error("fstat", -EINVAL, &st);
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return peer_error("fcntl", -errno, &st);
    int mode = flags & O_ACCMODE;
    peer_say("GOT file size=%lld access=%s append=%d", (long long)sb.st_size,
             mode == O_RDONLY ? "r" : mode == O_WRONLY ? "w" : "rw", (flags & O_APPEND) != 0);
    if (write(fd, "+C", 2) != 2)
        return peer_error("write", -errno, &st);
    close(fd);
    close(sock);
    peer_result(&st);
    return 0;
}

static int bound_dgram(int domain, const char *name)
{
    int fd = socket(domain, SOCK_DGRAM, 0);
    if (domain == AF_UNIX) {
        struct sockaddr_un a;
        socklen_t len = unix_address(&a, name);
        if (bind(fd, (struct sockaddr *)&a, len) < 0)
            return -errno;
        peer_say("READY pid=%d", (int)getpid());
    } else {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof a;
        if (bind(fd, (struct sockaddr *)&a, len) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
            return -errno;
        peer_say("READY pid=%d port=%d", (int)getpid(), ntohs(a.sin_port));
    }
    return fd;
}

int main(int argc, char **argv)
{
    struct peer_args a;
    peer_setup();
    peer_parse(argc, argv, &a, USAGE);
    const char *cmd = a.word[0];
    struct peer_stats none = { 0, 0 };
    if (strcmp(cmd, "stream-echo") == 0 && a.words == 2)
        return echo_connected(SOCK_STREAM, a.word[1]);
    if (strcmp(cmd, "seqpacket-echo") == 0 && a.words == 2)
        return echo_connected(SOCK_SEQPACKET, a.word[1]);
    if ((strcmp(cmd, "dgram-echo") == 0 && a.words == 2) || strcmp(cmd, "udp-echo") == 0) {
        int fd = bound_dgram(cmd[0] == 'd' ? AF_UNIX : AF_INET, a.word[1]);
        return fd < 0 ? peer_error("bind", fd, &none) : echo_datagrams(fd);
    }
    if (strcmp(cmd, "tcp-server") == 0)
        return tcp_server();
    if (strcmp(cmd, "tcp-client") == 0 && a.words == 4)
        return tcp_client(&a);
    if (strcmp(cmd, "recv-fd") == 0 && a.words == 2)
        return recv_fd((int)peer_number(a.word[1], "fd"));
    if (strcmp(cmd, "send-fd") == 0 && a.words == 2)
        return send_fd((int)peer_number(a.word[1], "fd"));
    if (strcmp(cmd, "send-files") == 0 && a.words == 3)
        return send_files((int)peer_number(a.word[1], "fd"), a.word[2]);
    if (strcmp(cmd, "recv-file") == 0 && a.words == 2)
        return recv_file((int)peer_number(a.word[1], "fd"));
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
