#include "jipc_mq.h"
#include "jipc_pipe.h"
#include "jipc_test.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static char name[64];

static long sysctl_value(const char *file)
{
    FILE *f = fopen(file, "r");
    long v = -1;
    if (f != NULL) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static void create_open_unlink(void)
{
    snprintf(name, sizeof name, "/jipc-test-mq-%d", (int)getpid());
    mode_t old = umask(077);
    int created;
    int q = jipc_mq_open(name, JIPC_MQ_EXCLUSIVE, O_RDWR, 0640, 5, 128, &created);
    umask(old);
    CHECK(q >= 0);
    CHECK_EQ(1, created);
    CHECK(fcntl(q, F_GETFD) & FD_CLOEXEC);
    struct stat st;
    CHECK_EQ(0, fstat(q, &st));
    CHECK_EQ(0640, st.st_mode & 0777); /* exactly, no umask */
    long a[4];
    CHECK_EQ(0, jipc_mq_getattr(q, a));
    CHECK_EQ(0, a[0]);
    CHECK_EQ(5, a[1]);
    CHECK_EQ(128, a[2]);
    CHECK_EQ(0, a[3]);
    CHECK_EQ(O_RDWR, jipc_mq_check(q));
    CHECK_EQ(-EEXIST, jipc_mq_open(name, JIPC_MQ_EXCLUSIVE, O_RDWR, 0600, 5, 128, &created));
    int again = jipc_mq_open(name, JIPC_MQ_CREATE, O_WRONLY, 0600, 9, 99, &created);
    CHECK(again >= 0);
    CHECK_EQ(0, created);
    CHECK_EQ(0, jipc_mq_getattr(again, a));
    CHECK_EQ(128, a[2]); /* an existing queue keeps its attributes */
    CHECK_EQ(O_WRONLY, jipc_mq_check(again));
    int ro = jipc_mq_open(name, JIPC_MQ_OPEN, O_RDONLY, 0, 0, 0, &created);
    CHECK(ro >= 0);
    CHECK_EQ(-EBADF, jipc_mq_send(ro, NULL, "x", 1, 0, 0));
    char buf[128];
    CHECK_EQ(-EBADF, jipc_mq_receive(again, NULL, buf, sizeof buf, 0));
    CHECK_EQ(0, jipc_mq_unlink(name));
    CHECK_EQ(-ENOENT, jipc_mq_unlink(name));
    CHECK_EQ(-ENOENT, jipc_mq_open(name, JIPC_MQ_OPEN, O_RDWR, 0, 0, 0, &created));
    /* The unlinked queue still works through its descriptors. */
    CHECK_EQ(0, jipc_mq_send(again, NULL, "hi", 2, 1, 0));
    CHECK_EQ(2 | (1L << 32), jipc_mq_receive(ro, NULL, buf, sizeof buf, 0));
    close(q);
    close(again);
    close(ro);
    CHECK_EQ(-EBADF, jipc_mq_check(ro));
    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    CHECK_EQ(-EINVAL, jipc_mq_check(fds[0]));
    close(fds[0]);
    close(fds[1]);
}

static void bad_names_and_limits(void)
{
    int created;
    CHECK_EQ(-EINVAL, jipc_mq_open("noslash", JIPC_MQ_CREATE, O_RDWR, 0600, 0, 0, &created));
    /* The kernel says EACCES for a second '/'; the name check refuses it first. */
    CHECK_EQ(-EINVAL, jipc_mq_open("/a/b", JIPC_MQ_CREATE, O_RDWR, 0600, 0, 0, &created));
    long msgsize_max = sysctl_value("/proc/sys/fs/mqueue/msgsize_max");
    long msg_max = sysctl_value("/proc/sys/fs/mqueue/msg_max");
    snprintf(name, sizeof name, "/jipc-test-mq-limit-%d", (int)getpid());
    if (msgsize_max > 0 && msgsize_max < 16 * 1024 * 1024)
        CHECK_EQ(-EINVAL, jipc_mq_open(name, JIPC_MQ_CREATE, O_RDWR, 0600, 1, msgsize_max + 1, &created));
    if (msg_max > 0 && msg_max < 65536)
        CHECK_EQ(-EINVAL, jipc_mq_open(name, JIPC_MQ_CREATE, O_RDWR, 0600, msg_max + 1, 16, &created));
    CHECK_EQ(-ENOENT, jipc_mq_unlink(name));
}

/* Creates an unnamed queue: created, then unlinked at once. */
static int unnamed(long maxmsg, long msgsize)
{
    snprintf(name, sizeof name, "/jipc-test-mq-%d", (int)getpid());
    int created;
    int q = jipc_mq_open(name, JIPC_MQ_EXCLUSIVE, O_RDWR, 0600, maxmsg, msgsize, &created);
    if (q >= 0)
        jipc_mq_unlink(name);
    return q;
}

static void priorities_and_fifo(void)
{
    int q = unnamed(10, 16);
    CHECK(q >= 0);
    const char *msgs[] = { "a0", "b5", "c0", "d9", "e5", "" };
    int prios[] = { 0, 5, 0, 9, 5, 5 };
    for (int i = 0; i < 6; i++)
        CHECK_EQ(0, jipc_mq_send(q, NULL, msgs[i], (long)strlen(msgs[i]), prios[i], -1));
    long a[4];
    CHECK_EQ(0, jipc_mq_getattr(q, a));
    CHECK_EQ(6, a[3]);
    const char *order[] = { "d9", "b5", "e5", "", "a0", "c0" };
    int order_prio[] = { 9, 5, 5, 5, 0, 0 };
    for (int i = 0; i < 6; i++) {
        char buf[16];
        long r = jipc_mq_receive(q, NULL, buf, sizeof buf, -1);
        CHECK(r >= 0);
        CHECK_EQ((long)strlen(order[i]), r & 0xffffffffL);
        CHECK_EQ(order_prio[i], r >> 32);
        CHECK(memcmp(buf, order[i], strlen(order[i])) == 0);
    }
    char small[8];
    CHECK_EQ(-EMSGSIZE, jipc_mq_receive(q, NULL, small, sizeof small, 0));
    char big[17] = { 0 };
    CHECK_EQ(-EMSGSIZE, jipc_mq_send(q, NULL, big, sizeof big, 0, 0));
    CHECK_EQ(-EINVAL, jipc_mq_send(q, NULL, big, 1, JIPC_MQ_PRIO_MAX, 0));
    close(q);
}

static void nonblocking_and_timeouts(void)
{
    int q = unnamed(2, 8);
    CHECK(q >= 0);
    char buf[8];
    CHECK_EQ(-EAGAIN, jipc_mq_receive(q, NULL, buf, sizeof buf, 0));
    CHECK_EQ(0, jipc_mq_send(q, NULL, "1", 1, 0, 0));
    CHECK_EQ(0, jipc_mq_send(q, NULL, "2", 1, 0, 0));
    CHECK_EQ(-EAGAIN, jipc_mq_send(q, NULL, "3", 1, 0, 0));
    long t0 = now_ms();
    CHECK_EQ(-ETIMEDOUT, jipc_mq_send(q, NULL, "3", 1, 0, 100 * 1000000L));
    long took = now_ms() - t0;
    CHECK(took >= 90 && took < 2000);
    CHECK_EQ(1, jipc_mq_receive(q, NULL, buf, sizeof buf, 100 * 1000000L));
    CHECK_EQ(1, jipc_mq_receive(q, NULL, buf, sizeof buf, 0));
    /* A description some other process made O_NONBLOCK still waits. */
    CHECK_EQ(0, jipc_mq_setattr(q, 1));
    long a[4];
    CHECK_EQ(0, jipc_mq_getattr(q, a));
    CHECK(a[0] & O_NONBLOCK);
    t0 = now_ms();
    CHECK_EQ(-ETIMEDOUT, jipc_mq_receive(q, NULL, buf, sizeof buf, 100 * 1000000L));
    took = now_ms() - t0;
    CHECK(took >= 90 && took < 2000);
    CHECK_EQ(-EAGAIN, jipc_mq_receive(q, NULL, buf, sizeof buf, 0));
    CHECK_EQ(0, jipc_mq_setattr(q, 0));
    close(q);
}

struct blocked {
    int fd;
    jipc_guard *g;
    long result;
};

static void *receive_forever(void *arg)
{
    struct blocked *b = arg;
    char buf[8];
    b->result = jipc_mq_receive(b->fd, b->g, buf, sizeof buf, -1);
    return NULL;
}

static void *send_forever(void *arg)
{
    struct blocked *b = arg;
    b->result = jipc_mq_send(b->fd, b->g, "x", 1, 0, -1);
    return NULL;
}

static void wait_blocked(jipc_guard *g)
{
    for (int i = 0; i < 500 && jipc_guard_blocked(g) == 0; i++)
        usleep(1000);
    usleep(20000); /* into the system call */
}

static void guard_wakes_blocked_calls(void)
{
    for (int sending = 0; sending < 2; sending++) {
        int q = unnamed(1, 8);
        CHECK(q >= 0);
        if (sending)
            CHECK_EQ(0, jipc_mq_send(q, NULL, "f", 1, 0, 0));
        struct blocked b = { .fd = q, .g = jipc_guard_create(JIPC_GUARD_FD), .result = 1 };
        CHECK(b.g != NULL);
        pthread_t t;
        CHECK_EQ(0, pthread_create(&t, NULL, sending ? send_forever : receive_forever, &b));
        wait_blocked(b.g);
        CHECK_EQ(1, b.result);
        CHECK_EQ(0, jipc_guard_wake(b.g, q));
        CHECK_EQ(0, pthread_join(t, NULL));
        CHECK_EQ(-JIPC_WOKEN, b.result);
        CHECK_EQ(-JIPC_WOKEN, jipc_mq_receive(q, b.g, (char[8]){ 0 }, 8, -1));
        close(q);
        jipc_guard_free(b.g);
    }
}

/*
 * A description some other process made O_NONBLOCK: a call without a
 * deadline still waits (in poll(2)), gets what comes, and the guard wakes it.
 */
static void forever_on_a_nonblocking_description(void)
{
    for (int sending = 0; sending < 2; sending++) {
        int q = unnamed(1, 8);
        CHECK(q >= 0);
        if (sending)
            CHECK_EQ(0, jipc_mq_send(q, NULL, "f", 1, 0, 0));
        CHECK_EQ(0, jipc_mq_setattr(q, 1));
        struct blocked b = { .fd = q, .g = jipc_guard_create(JIPC_GUARD_FD), .result = 7 };
        CHECK(b.g != NULL);
        pthread_t t;
        CHECK_EQ(0, pthread_create(&t, NULL, sending ? send_forever : receive_forever, &b));
        wait_blocked(b.g);
        CHECK_EQ(7, b.result);
        char buf[8];
        if (sending)
            CHECK_EQ(1, jipc_mq_receive(q, NULL, buf, sizeof buf, 0));
        else
            CHECK_EQ(0, jipc_mq_send(q, NULL, "r", 1, 0, 0));
        CHECK_EQ(0, pthread_join(t, NULL));
        CHECK_EQ(sending ? 0 : 1, b.result);
        /* Full (or empty) again: the guard wakes one waiting there. */
        b.result = 7;
        CHECK_EQ(0, pthread_create(&t, NULL, sending ? send_forever : receive_forever, &b));
        wait_blocked(b.g);
        CHECK_EQ(7, b.result);
        CHECK_EQ(0, jipc_guard_wake(b.g, q));
        CHECK_EQ(0, pthread_join(t, NULL));
        CHECK_EQ(-JIPC_WOKEN, b.result);
        close(q);
        jipc_guard_free(b.g);
    }
}

static void notification(void)
{
    if (getenv("JIPC_TEST_EMULATOR") != NULL) {
        /* qemu-user cannot open the netlink socket the kernel notifies through. */
        printf("     skipped under user-mode emulation: no netlink notification socket\n");
        return;
    }
    int q = unnamed(4, 8);
    CHECK(q >= 0);
    int sock = jipc_mq_notify(q);
    CHECK(sock >= 0);
    CHECK(fcntl(sock, F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(-EBUSY, jipc_mq_notify(q));
    CHECK_EQ(JIPC_MQ_NOTIFY_TIMEOUT, jipc_mq_notify_wait(sock, NULL, 0));
    CHECK_EQ(JIPC_MQ_NOTIFY_TIMEOUT, jipc_mq_notify_wait(sock, NULL, 20 * 1000000L));
    CHECK_EQ(0, jipc_mq_send(q, NULL, "n", 1, 3, 0));
    CHECK_EQ(JIPC_MQ_NOTIFY_ARRIVED, jipc_mq_notify_wait(sock, NULL, 1000 * 1000000L));
    /* One-shot: a second message sends nothing. */
    CHECK_EQ(0, jipc_mq_send(q, NULL, "m", 1, 3, 0));
    CHECK_EQ(JIPC_MQ_NOTIFY_TIMEOUT, jipc_mq_notify_wait(sock, NULL, 20 * 1000000L));
    close(sock);
    /* Re-armed, then cancelled: the socket hears that it was removed. */
    sock = jipc_mq_notify(q);
    CHECK(sock >= 0);
    CHECK_EQ(0, jipc_mq_notify_cancel(q));
    CHECK_EQ(JIPC_MQ_NOTIFY_REMOVED, jipc_mq_notify_wait(sock, NULL, 1000 * 1000000L));
    close(sock);
    /* A guard wakes a waiter. */
    sock = jipc_mq_notify(q);
    CHECK(sock >= 0);
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_FD);
    CHECK_EQ(0, jipc_guard_wake(g, sock));
    CHECK_EQ(-JIPC_WOKEN, jipc_mq_notify_wait(sock, g, -1));
    jipc_guard_free(g);
    close(sock);
    close(q);
}

int main(void)
{
    RUN(create_open_unlink);
    RUN(bad_names_and_limits);
    RUN(priorities_and_fifo);
    RUN(nonblocking_and_timeouts);
    RUN(guard_wakes_blocked_calls);
    RUN(forever_on_a_nonblocking_description);
    RUN(notification);
    TEST_EXIT();
}
