/*
 * ring_peer - the C side of jipc's message ring: a plain C program that maps
 * the POSIX shared memory object the test made and produces into, or
 * consumes from, the ring in it with jipc's ring code (native/src/jipc_ring*.c,
 * compiled in; the layout is jipc_ring.h). Messages are those of the Java
 * role: a 64-bit tag (producer id << 40 | sequence), then bytes derived from it.
 *
 * Lines: READY, RESULT ..., ERROR <call> <ERRNO>.
 */
#include "jipc_ring.h"
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "  ring_peer produce <shm> <offset> <count> <max> <id>   count messages of 8..max bytes, waiting for room\n"
    "  ring_peer consume <shm> <offset> <count> <producers> <max>   take the consumer role, READY, check count messages:\n"
    "                                                  RESULT received=<n> bad=<n>\n"
    "  ring_peer claim-hang <shm> <offset> <length>      claim, READY, sleep until killed\n"
    "  ring_peer swap-hang <shm> <offset> <length>       claim, stopping right after the compare-and-swap of tail\n"
    "                                                  (before the record header): READY, sleep until killed\n"
    "  ring_peer consumer-hold <shm> <offset>            take the consumer role, READY, sleep until killed\n";

#define SPIN_NS 100000LL
#define TIMEOUT_NS 30000000000LL

static struct peer_stats none;

static uint32_t length_of(uint64_t tag, uint32_t max)
{
    uint64_t x = tag * 0x9E3779B97F4A7C15ull;
    uint32_t n = (uint32_t)((x >> 33) % (max + 1));
    return n < 8 ? 8 : n;
}

static int attach(jipc_ring *r, const char *name, long long offset)
{
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int err = errno;
    close(fd);
    if (p == MAP_FAILED)
        return -err;
    if (offset < 0 || offset >= st.st_size)
        return -EINVAL;
    return jipc_ring_attach(r, (char *)p + offset, (size_t)(st.st_size - offset));
}

static int produce(const char *name, long long offset, long long count, uint32_t max, uint64_t id)
{
    jipc_ring r;
    int rc = attach(&r, name, offset);
    if (rc < 0)
        return peer_error("jipc_ring_attach", rc, &none);
    for (long long s = 0; s < count; s++) {
        uint64_t tag = id << 40 | (uint64_t)s;
        uint32_t n = length_of(tag, max);
        void *at;
        rc = jipc_ring_claim_wait(&r, n, &at, SPIN_NS, TIMEOUT_NS);
        if (rc < 0)
            return peer_error("jipc_ring_claim_wait", rc, &none);
        uint8_t *b = at;
        memcpy(b, &tag, 8);
        for (uint32_t i = 8; i < n; i++)
            b[i] = (uint8_t)(tag + i);
        jipc_ring_commit(&r);
    }
    jipc_ring_producer_detach(&r);
    peer_say("RESULT sent=%lld", count);
    return 0;
}

static int consume(const char *name, long long offset, long long count, uint32_t producers, uint32_t max)
{
    jipc_ring r;
    int rc = attach(&r, name, offset);
    if (rc < 0)
        return peer_error("jipc_ring_attach", rc, &none);
    rc = jipc_ring_consumer_attach(&r);
    if (rc < 0)
        return peer_error("jipc_ring_consumer_attach", rc, &none);
    uint64_t next[64] = { 0 };
    long long bad = 0;
    peer_say("READY pid=%d", (int)getpid());
    for (long long got = 0; got < count; got++) {
        const void *at;
        int n = jipc_ring_read_wait(&r, &at, SPIN_NS, TIMEOUT_NS);
        if (n < 0)
            return peer_error("jipc_ring_read_wait", n, &none);
        const uint8_t *b = at;
        uint64_t tag;
        memcpy(&tag, b, 8);
        uint64_t id = tag >> 40, seq = tag & ((1ull << 40) - 1);
        int ok = n >= 8 && id < producers && id < 64 && seq == next[id] && (uint32_t)n == length_of(tag, max);
        for (int i = 8; ok && i < n; i++)
            ok = b[i] == (uint8_t)(tag + (uint64_t)i);
        if (!ok) {
            if (bad++ < 5)
                fprintf(stderr, "message %lld: tag %llx length %d is wrong\n", got, (unsigned long long)tag, n);
        } else {
            next[id]++;
        }
        jipc_ring_release(&r);
    }
    peer_say("RESULT received=%lld bad=%lld", count, bad);
    return bad == 0 ? 0 : PEER_FAILED;
}

static int claim_hang(const char *name, long long offset, uint32_t length)
{
    jipc_ring r;
    int rc = attach(&r, name, offset);
    if (rc < 0)
        return peer_error("jipc_ring_attach", rc, &none);
    void *at;
    rc = jipc_ring_claim(&r, length, &at);
    if (rc < 0)
        return peer_error("jipc_ring_claim", rc, &none);
    memset(at, 0xEE, length);
    peer_say("READY pid=%d claimed=%u", (int)getpid(), length);
    for (;;)
        pause();
}

/* Compiled in with JIPC_RING_TEST_HOOKS: called between a claim's swap of tail and its header stores. */
extern void (*jipc_ring_test_after_cas)(void);

static void stop_here(void)
{
    peer_say("READY pid=%d swapped", (int)getpid());
    for (;;)
        pause();
}

static int swap_hang(const char *name, long long offset, uint32_t length)
{
    jipc_ring r;
    int rc = attach(&r, name, offset);
    if (rc < 0)
        return peer_error("jipc_ring_attach", rc, &none);
    if (r.kind != JIPC_RING_MPSC)
        return peer_error("swap-hang needs a multi-producer ring", -EINVAL, &none);
    jipc_ring_test_after_cas = stop_here;
    void *at;
    rc = jipc_ring_claim(&r, length, &at);
    return peer_error("jipc_ring_claim", rc < 0 ? rc : -EPROTO, &none); /* not reached */
}

static int consumer_hold(const char *name, long long offset)
{
    jipc_ring r;
    int rc = attach(&r, name, offset);
    if (rc < 0)
        return peer_error("jipc_ring_attach", rc, &none);
    rc = jipc_ring_consumer_attach(&r);
    if (rc < 0)
        return peer_error("jipc_ring_consumer_attach", rc, &none);
    peer_say("READY pid=%d", (int)getpid());
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    peer_setup();
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "produce") == 0 && argc == 7)
        return produce(argv[2], peer_number(argv[3], "offset"), peer_number(argv[4], "count"),
                       (uint32_t)peer_number(argv[5], "max"), (uint64_t)peer_number(argv[6], "id"));
    if (strcmp(cmd, "consume") == 0 && argc == 7)
        return consume(argv[2], peer_number(argv[3], "offset"), peer_number(argv[4], "count"),
                       (uint32_t)peer_number(argv[5], "producers"), (uint32_t)peer_number(argv[6], "max"));
    if (strcmp(cmd, "claim-hang") == 0 && argc == 5)
        return claim_hang(argv[2], peer_number(argv[3], "offset"), (uint32_t)peer_number(argv[4], "length"));
    if (strcmp(cmd, "swap-hang") == 0 && argc == 5)
        return swap_hang(argv[2], peer_number(argv[3], "offset"), (uint32_t)peer_number(argv[4], "length"));
    if (strcmp(cmd, "consumer-hold") == 0 && argc == 4)
        return consumer_hold(argv[2], peer_number(argv[3], "offset"));
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
