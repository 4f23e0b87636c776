/*
 * shm_peer - the other side of jipc's shared memory, as a plain C program
 * using the calls directly (it does not link jipc):
 *
 *   System V, as in the classic example:
 *     CONTROLLING PROCESS: shmget(KEY, SIZE, IPC_CREAT | 0666); shmat; write;
 *                          (the other process reads); shmdt; shmctl(IPC_RMID)
 *     OTHER PROCESS:       shmget(KEY, 0, 0); shmat(SHM_RDONLY); read; shmdt
 *   POSIX: shm_open + mmap(MAP_SHARED), by name or on an inherited descriptor
 *   (a memfd or shm object the parent handed over).
 *   File maps, as in the classic example made whole (the file is sized first):
 *     WRITE PROCESS: open(O_CREAT | O_RDWR, 0660); ftruncate; mmap; fill with '*'
 *     READ PROCESS:  open(O_RDWR); mmap; read
 *   Atomics: add 1 to a 64-bit counter n times with __atomic_fetch_add.
 *
 * Text is read up to the first NUL. Lines: READY, RESULT ..., ERROR <call> <ERRNO>.
 */
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "  shm_peer sysv-control <key> <size> <text>  create, write, READY, gate, detach, remove\n"
    "  shm_peer sysv-read <key>                   open, attach read-only, print the text\n"
    "  shm_peer posix-read <name> | posix-write <name> <text>\n"
    "  shm_peer fd-read <fd> | fd-write <fd> <text>\n"
    "  shm_peer file-write <path> <size> | file-read <path> <offset> <length>\n"
    "  shm_peer add <fd> <offset> <count>         __atomic_fetch_add 1, count times\n";

static struct peer_stats none;

static int fail(const char *call)
{
    return peer_error(call, -errno, &none);
}

static void say_text(const char *p, size_t max)
{
    size_t n = strnlen(p, max);
    peer_say("RESULT text=%.*s", (int)n, p);
}

static int sysv_control(key_t key, size_t size, const char *text)
{
    int id = shmget(key, size, IPC_CREAT | 0666);
    if (id < 0)
        return fail("shmget");
    char *p = shmat(id, NULL, 0);
    if (p == (void *)-1)
        return fail("shmat");
    memcpy(p, text, strlen(text) + 1);
    peer_say("READY id=%d addr=%p", id, (void *)p);
    peer_wait_stdin_eof();
    if (shmdt(p) < 0)
        return fail("shmdt");
    if (shmctl(id, IPC_RMID, NULL) < 0)
        return fail("shmctl");
    peer_say("RESULT removed id=%d", id);
    return 0;
}

static int sysv_read(key_t key)
{
    int id = shmget(key, 0, 0);
    if (id < 0)
        return fail("shmget");
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return fail("shmctl");
    const char *p = shmat(id, NULL, SHM_RDONLY);
    if (p == (void *)-1)
        return fail("shmat");
    say_text(p, ds.shm_segsz);
    return shmdt(p) < 0 ? fail("shmdt") : 0;
}

/* Maps all of fd shared (read-only when ro); *size receives its size. */
static char *map_fd(int fd, int ro, size_t *size)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return NULL;
    *size = (size_t)st.st_size;
    char *p = mmap(NULL, *size, ro ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

static int fd_read(int fd)
{
    size_t size;
    char *p = map_fd(fd, 1, &size);
    if (p == NULL)
        return fail("mmap");
    int seals = fcntl(fd, F_GET_SEALS);
    peer_say("SEALS %d", seals);
    say_text(p, size);
    return munmap(p, size) < 0 ? fail("munmap") : 0;
}

static int fd_write(int fd, const char *text)
{
    size_t size;
    char *p = map_fd(fd, 0, &size);
    if (p == NULL)
        return fail("mmap");
    size_t n = strlen(text) + 1;
    memcpy(p, text, n < size ? n : size);
    peer_say("RESULT wrote=%zu", n);
    return munmap(p, size) < 0 ? fail("munmap") : 0;
}

static int posix(const char *name, const char *text)
{
    int fd = shm_open(name, text ? O_RDWR : O_RDONLY, 0);
    if (fd < 0)
        return fail("shm_open");
    int rc = text ? fd_write(fd, text) : fd_read(fd);
    close(fd);
    return rc;
}

static int file_write(const char *path, size_t size)
{
    int fd = open(path, O_CREAT | O_RDWR, S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP);
    if (fd < 0)
        return fail("open");
    if (ftruncate(fd, (off_t)size) < 0)
        return fail("ftruncate");
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return fail("mmap");
    for (size_t i = 0; i < size; i++)
        p[i] = '*';
    if (munmap(p, size) < 0)
        return fail("munmap");
    close(fd);
    peer_say("RESULT wrote=%zu", size);
    return 0;
}

static int file_read(const char *path, long long offset, size_t length)
{
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return fail("open");
    long page = sysconf(_SC_PAGESIZE);
    long long base = offset / page * page;
    size_t len = (size_t)(offset - base) + length;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
    if (p == MAP_FAILED)
        return fail("mmap");
    const unsigned char *w = p + (offset - base);
    size_t stars = 0;
    while (stars < length && w[stars] == '*')
        stars++;
    peer_say("RESULT bytes=%zu crc32=%08x stars=%zu", length, peer_crc32(0, w, length), stars);
    munmap(p, len);
    close(fd);
    return 0;
}

static int add(int fd, long long offset, long long count)
{
    size_t size;
    char *p = map_fd(fd, 0, &size);
    if (p == NULL)
        return fail("mmap");
    if (offset < 0 || offset % 8 != 0 || (size_t)offset + 8 > size) {
        fprintf(stderr, "offset %lld is not an aligned counter within %zu bytes\n", offset, size);
        return PEER_USAGE;
    }
    long long *counter = (long long *)(p + offset);
    peer_say("READY pid=%d", (int)getpid());
    peer_wait_stdin_eof();
    for (long long i = 0; i < count; i++)
        __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
    peer_say("RESULT added=%lld", count);
    return munmap(p, size) < 0 ? fail("munmap") : 0;
}

int main(int argc, char **argv)
{
    peer_setup();
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "sysv-control") == 0 && argc == 5)
        return sysv_control((key_t)peer_number(argv[2], "key"), (size_t)peer_number(argv[3], "size"), argv[4]);
    if (strcmp(cmd, "sysv-read") == 0 && argc == 3)
        return sysv_read((key_t)peer_number(argv[2], "key"));
    if (strcmp(cmd, "posix-read") == 0 && argc == 3)
        return posix(argv[2], NULL);
    if (strcmp(cmd, "posix-write") == 0 && argc == 4)
        return posix(argv[2], argv[3]);
    if (strcmp(cmd, "fd-read") == 0 && argc == 3)
        return fd_read((int)peer_number(argv[2], "fd"));
    if (strcmp(cmd, "fd-write") == 0 && argc == 4)
        return fd_write((int)peer_number(argv[2], "fd"), argv[3]);
    if (strcmp(cmd, "file-write") == 0 && argc == 4)
        return file_write(argv[2], (size_t)peer_number(argv[3], "size"));
    if (strcmp(cmd, "file-read") == 0 && argc == 5)
        return file_read(argv[2], peer_number(argv[3], "offset"), (size_t)peer_number(argv[4], "length"));
    if (strcmp(cmd, "add") == 0 && argc == 5)
        return add((int)peer_number(argv[2], "fd"), peer_number(argv[3], "offset"), peer_number(argv[4], "count"));
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
