/*
 * sync_peer - the other side of jipc's synchronization in shared memory, as a
 * plain C program using the calls directly (it does not link jipc; the
 * layouts come from jipc_sync_layout.h). The memory is a POSIX shared memory
 * object the test created; every verb maps it whole.
 *
 * Lines: READY, RESULT ..., ERROR <call> <ERRNO>.
 */
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char USAGE[] =
    "  sync_peer futex-pong <shm> <offset> <rounds>   wait for 2i+1, store 2i+2 and wake, rounds times\n";

static struct peer_stats none;

static int fail(const char *call)
{
    return peer_error(call, -errno, &none);
}

static int fail_err(const char *call, int err)
{
    return peer_error(call, -err, &none);
}

static char *map_shm(const char *name, size_t *size)
{
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return NULL;
    *size = (size_t)st.st_size;
    void *p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

static int futex_pong(const char *name, long long offset, long long rounds)
{
    size_t size;
    char *p = map_shm(name, &size);
    if (p == NULL)
        return fail("shm_open/mmap");
    uint32_t *word = (uint32_t *)(p + offset);
    peer_say("READY pid=%d", (int)getpid());
    for (long long i = 0; i < rounds; i++) {
        uint32_t want = (uint32_t)(2 * i + 1);
        uint32_t v;
        while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != want) {
            if (syscall(SYS_futex, word, FUTEX_WAIT, v, NULL, NULL, 0) < 0 && errno != EAGAIN && errno != EINTR)
                return fail("futex(FUTEX_WAIT)");
        }
        __atomic_store_n(word, want + 1, __ATOMIC_RELEASE);
        if (syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) < 0)
            return fail("futex(FUTEX_WAKE)");
    }
    peer_say("RESULT rounds=%lld", rounds);
    return 0;
}

int main(int argc, char **argv)
{
    peer_setup();
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "futex-pong") == 0 && argc == 5)
        return futex_pong(argv[2], peer_number(argv[3], "offset"), peer_number(argv[4], "rounds"));
    (void)fail_err;
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
