#include "jipc_waker.h"

#include <stdlib.h>
#include <unistd.h>

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static int setup_error;
/* The read end of a pipe without writer: reads return 0, poll reports
 * POLLHUP, writes fail with EBADF (and raise no SIGPIPE). */
static int dead_fd = -1;
static __thread int signal_unblocked;

static void on_wake_signal(int sig)
{
    (void)sig; /* its only purpose is to make a blocked call return EINTR */
}

static void setup(void)
{
    struct sigaction sa;
    sa.sa_handler = on_wake_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: interrupted calls must return */
    if (sigaction(JIPC_WAKE_SIGNAL, &sa, NULL) < 0) {
        setup_error = errno;
        return;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        setup_error = errno;
        return;
    }
    close(fds[1]);
    dead_fd = fds[0];
}

jipc_waker *jipc_waker_create(void)
{
    pthread_once(&setup_once, setup);
    if (setup_error != 0) {
        errno = setup_error;
        return NULL;
    }
    jipc_waker *w = calloc(1, sizeof *w);
    if (w != NULL)
        pthread_mutex_init(&w->lock, NULL);
    return w;
}

void jipc_waker_free(jipc_waker *w)
{
    if (w == NULL)
        return;
    pthread_mutex_destroy(&w->lock);
    free(w);
}

int jipc_waker_enter(jipc_waker *w, jipc_blocker *b)
{
    if (!signal_unblocked) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, JIPC_WAKE_SIGNAL);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        signal_unblocked = 1;
    }
    b->thread = pthread_self();
    pthread_mutex_lock(&w->lock);
    int closing = w->closing;
    if (!closing) {
        b->next = w->blocked;
        w->blocked = b;
    }
    pthread_mutex_unlock(&w->lock);
    return closing ? -JIPC_WOKEN : 0;
}

void jipc_waker_leave(jipc_waker *w, jipc_blocker *b)
{
    pthread_mutex_lock(&w->lock);
    for (jipc_blocker **p = &w->blocked; *p != NULL; p = &(*p)->next) {
        if (*p == b) {
            *p = b->next;
            break;
        }
    }
    pthread_mutex_unlock(&w->lock);
}

int jipc_waker_closing(jipc_waker *w)
{
    return __atomic_load_n(&w->closing, __ATOMIC_ACQUIRE);
}

int jipc_waker_wake(jipc_waker *w, int fd)
{
    int r = 0;
    pthread_mutex_lock(&w->lock);
    __atomic_store_n(&w->closing, 1, __ATOMIC_RELEASE);
    /* First the descriptor, then the signals: a thread between its check and
     * its system call then finds the dead socket instead of blocking. */
    if (fd >= 0 && dup3(dead_fd, fd, O_CLOEXEC) < 0)
        r = -errno;
    /* The threads cannot leave (and end) while the lock is held. */
    for (jipc_blocker *b = w->blocked; b != NULL; b = b->next)
        pthread_kill(b->thread, JIPC_WAKE_SIGNAL);
    pthread_mutex_unlock(&w->lock);
    return r;
}
