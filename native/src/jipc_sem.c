#include "jipc_sem.h"

#include <limits.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* glibc keeps a named semaphore as /dev/shm/sem.<name>: the prefix takes room of NAME_MAX. */
#define SEM_FILE_PREFIX "sem."

void jipc_sem_layout(int out[5])
{
    out[0] = (int)sizeof(sem_t);
    out[1] = (int)alignof(sem_t);
#ifdef JIPC_HAVE_SEM_CLOCKWAIT
    out[2] = 1;
#else
    out[2] = 0;
#endif
    out[3] = SEM_VALUE_MAX;
    out[4] = NAME_MAX - (int)strlen(SEM_FILE_PREFIX);
}

int jipc_sem_open(const char *name, int flags, int mode, unsigned value, intptr_t out[2])
{
    sem_t *s = SEM_FAILED;
    int created = 0;
    int err = jipc_ipc_name_check(name, NAME_MAX - 4); /* glibc's file is /dev/shm/sem.<name> */
    if (err < 0)
        return err;
    if (flags & JIPC_SEM_CREATE) {
        s = sem_open(name, O_CREAT | O_EXCL, (mode_t)mode, value);
        err = errno;
        created = s != SEM_FAILED;
        if (s == SEM_FAILED && (err != EEXIST || (flags & JIPC_SEM_EXCLUSIVE)))
            return -err;
    }
    if (s == SEM_FAILED) {
        s = sem_open(name, 0);
        if (s == SEM_FAILED)
            return -errno;
    }
    if (created) {
        /* glibc keeps a named semaphore as /dev/shm/sem.<name>; set the mode the umask took away. */
        char path[NAME_MAX + 16];
        snprintf(path, sizeof path, "/dev/shm/" SEM_FILE_PREFIX "%s", name[0] == '/' ? name + 1 : name);
        chmod(path, (mode_t)(mode & 0777));
    }
    out[0] = (intptr_t)s;
    out[1] = created;
    return 0;
}

int jipc_sem_close(sem_t *s)
{
    return sem_close(s) < 0 ? -errno : 0;
}

int jipc_sem_unlink(const char *name)
{
    int bad = jipc_ipc_name_check(name, NAME_MAX - 4);
    if (bad < 0)
        return bad;
    return sem_unlink(name) < 0 ? -errno : 0;
}

int jipc_sem_init(sem_t *s, unsigned value)
{
    if (((uintptr_t)s & (alignof(sem_t) - 1)) != 0)
        return -EINVAL;
    return sem_init(s, 1, value) < 0 ? -errno : 0;
}

int jipc_sem_destroy(sem_t *s)
{
    return sem_destroy(s) < 0 ? -errno : 0;
}

static void deadline_after(clockid_t clock, long long ns, struct timespec *out)
{
    clock_gettime(clock, out);
    long long sum = out->tv_nsec + ns % 1000000000LL;
    out->tv_sec += (time_t)(ns / 1000000000LL + sum / 1000000000LL);
    out->tv_nsec = (long)(sum % 1000000000LL);
}

static int timed(sem_t *s, const struct timespec *mono_deadline)
{
#ifdef JIPC_HAVE_SEM_CLOCKWAIT
    return sem_clockwait(s, CLOCK_MONOTONIC, mono_deadline);
#else
    /* Convert what is left to a realtime deadline on each call. */
    struct timespec now, rt;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (mono_deadline->tv_sec - now.tv_sec) * 1000000000LL + (mono_deadline->tv_nsec - now.tv_nsec);
    if (ns < 0)
        ns = 0;
    deadline_after(CLOCK_REALTIME, ns, &rt);
    return sem_timedwait(s, &rt);
#endif
}

int jipc_sem_wait(jipc_guard *g, sem_t *s, long long timeout_ns)
{
    if (timeout_ns == 0) {
        int r;
        do {
            r = sem_trywait(s);
        } while (r < 0 && errno == EINTR);
        return r < 0 ? -errno : 0;
    }
    struct timespec deadline;
    if (timeout_ns > 0)
        deadline_after(CLOCK_MONOTONIC, timeout_ns, &deadline);
    jipc_blocker b;
    int r = jipc_guard_enter(g, &b);
    if (r < 0)
        return r;
    for (;;) {
        int rc = timeout_ns > 0 ? timed(s, &deadline) : sem_wait(s);
        r = rc < 0 ? -errno : 0;
        if (jipc_guard_closing(g)) {
            if (r == 0)
                sem_post(s); /* taken as the handle closed: give it back, the caller is told it was woken */
            r = -JIPC_WOKEN;
            break;
        }
        if (r != -EINTR)
            break;
    }
    jipc_guard_leave(g, &b);
    return r;
}

int jipc_sem_post(sem_t *s)
{
    return sem_post(s) < 0 ? -errno : 0;
}

int jipc_sem_value(sem_t *s)
{
    int v;
    if (sem_getvalue(s, &v) < 0)
        return -errno;
    return v < 0 ? -EINVAL : v; /* no valid semaphore holds a negative value: these bytes are no semaphore */
}
