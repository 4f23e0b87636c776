#include "jipc_guard.h"
#include "jipc_pipe.h"
#include "jipc_test.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define THREADS 3

static int cycles(void)
{
    /* Thread starts are slow under user-mode emulation. */
    return getenv("JIPC_TEST_EMULATOR") != NULL ? 200 : 1000;
}

struct blocked {
    jipc_guard *g;
    int fd;
    sem_t *sem;
    pthread_mutex_t *mutex;
    long result;
    int stray_signal; /* a nanosleep after leaving was interrupted */
};

/* After leaving, nothing may interrupt this thread's later calls. */
static int sleep_uninterrupted(void)
{
    struct timespec t = { 0, 2000000 };
    return nanosleep(&t, NULL) == 0 ? 0 : errno == EINTR;
}

static void *read_blocked(void *arg)
{
    struct blocked *b = arg;
    char c;
    b->result = jipc_pipe_read(b->fd, b->g, &c, 1, 1);
    b->stray_signal = sleep_uninterrupted();
    return NULL;
}

/* What a semaphore shim does: JIPC_GUARD_SIGNAL, re-checking after EINTR. */
static void *sem_blocked(void *arg)
{
    struct blocked *b = arg;
    jipc_blocker k;
    long r = jipc_guard_enter(b->g, &k);
    if (r == 0) {
        for (;;) {
            if (sem_wait(b->sem) == 0)
                break;
            if (errno != EINTR) {
                r = -errno;
                break;
            }
            if (jipc_guard_closing(b->g)) {
                r = -JIPC_WOKEN;
                break;
            }
        }
        jipc_guard_leave(b->g, &k);
    }
    b->result = r;
    b->stray_signal = sleep_uninterrupted();
    return NULL;
}

/* What a robust-mutex shim does: JIPC_GUARD_SLICES, no signal at all. */
static void *mutex_blocked(void *arg)
{
    struct blocked *b = arg;
    jipc_blocker k;
    long r = jipc_guard_enter(b->g, &k);
    if (r == 0) {
        for (;;) {
            struct timespec until;
            jipc_guard_next_slice(CLOCK_MONOTONIC, NULL, &until);
            int e = pthread_mutex_clocklock(b->mutex, CLOCK_MONOTONIC, &until);
            if (e == 0) {
                pthread_mutex_unlock(b->mutex);
                break;
            }
            if (e != ETIMEDOUT) {
                r = -e;
                break;
            }
            if (jipc_guard_closing(b->g)) {
                r = -JIPC_WOKEN;
                break;
            }
        }
        jipc_guard_leave(b->g, &k);
    }
    b->result = r;
    return NULL;
}

static int join_within(pthread_t t, int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    return pthread_timedjoin_np(t, NULL, &until);
}

/* Starts THREADS threads on fn, wakes the guard after a varying pause (some
 * before the threads entered, most while they block) and checks that every
 * one of them came back woken, with no stray signal afterwards. */
static int race(int strategy, void *(*fn)(void *), int cycle, int fd, sem_t *sem, pthread_mutex_t *m)
{
    jipc_guard *g = jipc_guard_create(strategy);
    if (g == NULL)
        return -1;
    struct blocked b[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        b[i] = (struct blocked){ g, fd, sem, m, 99, 0 };
        pthread_create(&t[i], NULL, fn, &b[i]);
    }
    if (cycle % 4 != 0) {
        struct timespec pause = { 0, (cycle % 7) * 50000L };
        nanosleep(&pause, NULL);
    }
    int woke = jipc_guard_wake(g, strategy == JIPC_GUARD_FD ? fd : -1);
    int bad = woke != 0;
    for (int i = 0; i < THREADS; i++) {
        if (join_within(t[i], 20) != 0) {
            fprintf(stderr, "cycle %d: thread %d still blocked\n", cycle, i);
            abort();
        }
        bad |= b[i].result != -JIPC_WOKEN || b[i].stray_signal;
    }
    bad |= jipc_guard_blocked(g) != 0;
    jipc_guard_free(g);
    return bad;
}

static void fd_strategy_wakes_every_reader(void)
{
    int failures = 0;
    for (int c = 0; c < cycles(); c++) {
        int fds[2];
        CHECK_EQ(0, jipc_pipe_create(fds));
        struct stat after;
        failures += race(JIPC_GUARD_FD, read_blocked, c, fds[0], NULL, NULL);
        /* The number still names an open file, the dead end or (when the close came before any
         * thread registered) the pipe itself: never closed, so never reused, under a call. */
        CHECK_EQ(0, fstat(fds[0], &after));
        CHECK(S_ISFIFO(after.st_mode));
        close(fds[0]);
        close(fds[1]);
    }
    CHECK_EQ(0, failures);
}

static void signal_strategy_wakes_every_waiter(void)
{
    sem_t sem;
    sem_init(&sem, 0, 0);
    int failures = 0;
    for (int c = 0; c < cycles(); c++)
        failures += race(JIPC_GUARD_SIGNAL, sem_blocked, c, -1, &sem, NULL);
    CHECK_EQ(0, failures);
    int value = -1;
    sem_getvalue(&sem, &value);
    CHECK_EQ(0, value);
    sem_destroy(&sem);
}

static void slices_strategy_wakes_every_locker(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&m);
    int failures = 0;
    for (int c = 0; c < cycles(); c++) /* each cycle waits up to one slice */
        failures += race(JIPC_GUARD_SLICES, mutex_blocked, c, -1, NULL, &m);
    CHECK_EQ(0, failures);
    pthread_mutex_unlock(&m);
}

static void a_closing_guard_refuses_new_calls(void)
{
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_SIGNAL);
    CHECK(g != NULL);
    CHECK_EQ(0, jipc_guard_wake(g, -1));
    jipc_blocker b;
    CHECK_EQ(-JIPC_WOKEN, jipc_guard_enter(g, &b));
    CHECK_EQ(0, jipc_guard_blocked(g));
    CHECK(sleep_uninterrupted() == 0);
    jipc_guard_free(g);
}

static void more_threads_than_slots(void)
{
    enum { N = JIPC_GUARD_SLOTS + 5 };
    sem_t sem;
    sem_init(&sem, 0, 0);
    jipc_guard *g = jipc_guard_create(JIPC_GUARD_SIGNAL);
    struct blocked b[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        b[i] = (struct blocked){ g, -1, &sem, NULL, 99, 0 };
        pthread_create(&t[i], NULL, sem_blocked, &b[i]);
    }
    for (int tries = 0; jipc_guard_blocked(g) < N && tries < 2000; tries++)
        usleep(1000);
    CHECK_EQ(N, jipc_guard_blocked(g));
    CHECK_EQ(0, jipc_guard_wake(g, -1));
    for (int i = 0; i < N; i++) {
        CHECK_EQ(0, join_within(t[i], 20));
        CHECK_EQ(-JIPC_WOKEN, b[i].result);
    }
    jipc_guard_free(g);
    sem_destroy(&sem);
}

static void foreign(int sig)
{
    (void)sig;
}

/* The wake signal's handler is checked before every wake: a reset to the
 * default action is undone (it would end the process), another library's
 * handler is left alone and nothing is sent. */
static void handler_is_checked_before_signalling(void)
{
    int sig = jipc_guard_signal();
    CHECK(sig >= SIGRTMIN && sig <= SIGRTMAX);
    CHECK_EQ(sig, jipc_guard_setup(sig));
    CHECK_EQ(-EALREADY, jipc_guard_setup(sig == SIGRTMAX ? sig - 1 : sig + 1));
    CHECK_EQ(-EINVAL, jipc_guard_setup(SIGINT));

    sem_t sem;
    sem_init(&sem, 0, 0);
    signal(sig, SIG_DFL);
    CHECK_EQ(0, race(JIPC_GUARD_SIGNAL, sem_blocked, 1, -1, &sem, NULL));

    jipc_guard *g = jipc_guard_create(JIPC_GUARD_SLICES);
    CHECK_EQ(0, jipc_guard_wake(g, -1)); /* slices send nothing, whatever the handler */
    jipc_guard_free(g);

    int fds[2];
    CHECK_EQ(0, jipc_pipe_create(fds));
    g = jipc_guard_create(JIPC_GUARD_FD);
    struct blocked b = { g, fds[0], NULL, NULL, 99, 0 };
    pthread_t t;
    pthread_create(&t, NULL, read_blocked, &b);
    while (jipc_guard_blocked(g) == 0)
        usleep(1000);
    usleep(10000);
    signal(sig, foreign);
    CHECK_EQ(-JIPC_NO_HANDLER, jipc_guard_wake(g, fds[0]));
    /* Not signalled: the reader still waits on the real pipe. */
    usleep(20000);
    CHECK_EQ(99, b.result);
    close(fds[1]); /* the reader's real pipe now ends: it returns */
    CHECK_EQ(0, join_within(t, 20));
    CHECK(b.result == -JIPC_WOKEN || b.result == 0);
    close(fds[0]);
    jipc_guard_free(g);
    /* Back to the default action: the next wake puts jipc's handler back. */
    signal(sig, SIG_DFL);
    CHECK_EQ(0, race(JIPC_GUARD_SIGNAL, sem_blocked, 2, -1, &sem, NULL));
    sem_destroy(&sem);
}

static void slices_end_at_the_deadline(void)
{
    struct timespec now, deadline, out;
    clock_gettime(CLOCK_MONOTONIC, &now);
    deadline = now;
    deadline.tv_nsec += 1000; /* well within one slice */
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    CHECK_EQ(1, jipc_guard_next_slice(CLOCK_MONOTONIC, &deadline, &out));
    CHECK(out.tv_sec == deadline.tv_sec && out.tv_nsec == deadline.tv_nsec);
    deadline.tv_sec += 60;
    CHECK_EQ(0, jipc_guard_next_slice(CLOCK_MONOTONIC, &deadline, &out));
    long long ahead = (out.tv_sec - now.tv_sec) * 1000000000LL + (out.tv_nsec - now.tv_nsec);
    CHECK(ahead >= JIPC_GUARD_SLICE_NS && ahead < 60 * 1000000000LL);
}

static void default_signal(void)
{
    CHECK_EQ(SIGRTMAX - 3, jipc_guard_setup(0));
}

int main(void)
{
    RUN(default_signal);
    RUN(fd_strategy_wakes_every_reader);
    RUN(signal_strategy_wakes_every_waiter);
    RUN(slices_strategy_wakes_every_locker);
    RUN(a_closing_guard_refuses_new_calls);
    RUN(more_threads_than_slots);
    RUN(slices_end_at_the_deadline);
    RUN(handler_is_checked_before_signalling);
    TEST_EXIT();
}
