#include "jipc_spawn.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Splits count consecutive NUL-terminated strings into a NULL-ended vector. */
static char **split_strings(const char *block, int count)
{
    char **v = calloc((size_t)count + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (int i = 0; i < count; i++) {
        v[i] = (char *)block;
        block += strlen(block) + 1;
    }
    return v;
}

/*
 * A descriptor to hand over, above every target number so no dup2() in the
 * child overwrites a source still to be copied. jipc's own pipe and FIFO ends
 * are blocking descriptions and are duplicated, like anything else; an end
 * whose description another process set O_NONBLOCK becomes a new blocking
 * description of the same pipe, so the child reads as it would after fork.
 */
static int handover_fd(int src, int floor)
{
    int kind = jipc_fd_kind(src);
    if (kind < 0)
        return kind;
    int fd = src;
    if (kind != JIPC_FD_OTHER) {
        int flags = fcntl(src, F_GETFL);
        if (flags < 0)
            return -errno;
        if (flags & O_NONBLOCK) {
            fd = jipc_reopen_end(src, 0);
            if (fd < 0)
                return fd;
        }
    }
    int high = fcntl(fd, F_DUPFD_CLOEXEC, floor);
    int err = errno;
    if (fd != src)
        close(fd);
    return high >= 0 ? high : -err;
}

static int is_target(const int *fd_map, int nmap, int fd)
{
    for (int i = 0; i < nmap; i++)
        if (fd_map[2 * i + 1] == fd)
            return 1;
    return 0;
}

static int add_actions(posix_spawn_file_actions_t *fa, const int *fd_map, int nmap,
                       int *handed, const char *cwd)
{
    int floor = 3;
    for (int i = 0; i < nmap; i++)
        if (fd_map[2 * i + 1] >= floor)
            floor = fd_map[2 * i + 1] + 1;
    for (int i = 0; i < nmap; i++) {
        handed[i] = handover_fd(fd_map[2 * i], floor);
        if (handed[i] < 0)
            return handed[i];
        int r = posix_spawn_file_actions_adddup2(fa, handed[i], fd_map[2 * i + 1]);
        if (r != 0)
            return -r;
    }
    /* A descriptor opened without O_CLOEXEC elsewhere in the process (by the
     * JVM or a library) must not leak into the child: every number from 3 up
     * that is not a target is closed after the dup2()s, below the highest
     * target one by one (glibc ignores EBADF there), above it in one go. */
    for (int fd = 3; fd < floor; fd++) {
        if (is_target(fd_map, nmap, fd))
            continue;
        int c = posix_spawn_file_actions_addclose(fa, fd);
        if (c != 0)
            return -c;
    }
    int r = posix_spawn_file_actions_addclosefrom_np(fa, floor);
    if (r == 0 && cwd != NULL)
        r = posix_spawn_file_actions_addchdir_np(fa, cwd);
    return -r;
}

static int spawn_attrs(posix_spawnattr_t *attr)
{
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int r = posix_spawnattr_setsigmask(attr, &none);
    if (r == 0)
        r = posix_spawnattr_setsigdefault(attr, &all);
    if (r == 0)
        r = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    return -r;
}

int jipc_spawn(const char *program, const char *args, int argc,
               const char *env, int envc, const char *cwd,
               const int *fd_map, int nmap, int out[2])
{
    if (argc < 1 || nmap < 0)
        return -EINVAL;
    char **argv = split_strings(args, argc);
    char **envp = envc >= 0 ? split_strings(env, envc) : environ;
    int *handed = malloc(sizeof(int) * (size_t)(nmap > 0 ? nmap : 1));
    if (argv == NULL || envp == NULL || handed == NULL) {
        free(argv);
        if (envc >= 0)
            free(envp);
        free(handed);
        return -ENOMEM;
    }
    for (int i = 0; i < nmap; i++)
        handed[i] = -1;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    int r = add_actions(&fa, fd_map, nmap, handed, cwd);
    if (r == 0)
        r = spawn_attrs(&attr);
    pid_t pid = -1;
    if (r == 0) {
        r = strchr(program, '/') != NULL
                ? posix_spawn(&pid, program, &fa, &attr, argv, envp)
                : posix_spawnp(&pid, program, &fa, &attr, argv, envp);
        r = -r;
    }
    if (r == 0) {
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
            /* Unreachable on Linux >= 5.3; never leave an unwaitable child. */
            r = -errno;
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        } else {
            out[0] = (int)pid;
            out[1] = pidfd;
        }
    }
    for (int i = 0; i < nmap; i++)
        if (handed[i] >= 0)
            close(handed[i]);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    free(handed);
    free(argv);
    if (envc >= 0)
        free(envp);
    return r;
}

int jipc_spawn_wait(int pidfd, int timeout_ms, int status[2])
{
    int ready = jipc_wait(pidfd, POLLIN, timeout_ms);
    if (ready <= 0)
        return ready;
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int r;
    do {
        r = waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    switch (info.si_code) {
    case CLD_EXITED:
        status[0] = JIPC_CHILD_EXITED;
        break;
    case CLD_DUMPED:
        status[0] = JIPC_CHILD_DUMPED;
        break;
    default:
        status[0] = JIPC_CHILD_KILLED;
        break;
    }
    status[1] = info.si_status;
    return 1;
}

int jipc_spawn_exited(int pidfd)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int r;
    do {
        r = waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG | WNOWAIT);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    return info.si_pid != 0;
}

int jipc_spawn_signal(int pidfd, int sig)
{
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
        return -errno;
    return 0;
}
