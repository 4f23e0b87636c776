/*
 * jipc_ring_child - the C side of `jipc tour ring`: maps the memory file it
 * inherited as a descriptor, attaches the two message rings the JVM made in
 * it (jipc_ring.h), and serves the JVM's messages until an empty one:
 *
 *   'H' text      answers "C pid <pid> read '<text>' in place"
 *   'P' bytes     answers the same bytes (a ping-pong round trip)
 *   'S' seq bytes counts a stream: 8-byte sequence numbers in order, the bytes summed
 *   'E'           answers "count=<n> sum=<s> out-of-order=<n>" for the stream so far
 *   (empty)       ends
 *
 * Usage: jipc_ring_child <fd> <size> <requests offset> <replies offset>
 */
#include "jipc_ring.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SPIN_NS 100000LL
#define TIMEOUT_NS 60000000000LL

static int reply(jipc_ring *out, const void *bytes, uint32_t n)
{
    void *at;
    int rc = jipc_ring_claim_wait(out, n, &at, SPIN_NS, TIMEOUT_NS);
    if (rc < 0)
        return rc;
    memcpy(at, bytes, n);
    return jipc_ring_commit(out);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: jipc_ring_child <fd> <size> <requests offset> <replies offset>\n");
        return 2;
    }
    int fd = atoi(argv[1]);
    size_t size = (size_t)atoll(argv[2]);
    size_t req = (size_t)atoll(argv[3]), rep = (size_t)atoll(argv[4]);
    char *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mem == MAP_FAILED || req >= size || rep >= size) {
        perror("mmap");
        return 3;
    }
    jipc_ring in, out;
    int rc = jipc_ring_attach(&in, mem + req, size - req);
    if (rc == 0)
        rc = jipc_ring_attach(&out, mem + rep, size - rep);
    if (rc == 0)
        rc = jipc_ring_consumer_attach(&in);
    if (rc < 0) {
        fprintf(stderr, "attach: %s\n", strerror(-rc));
        return 3;
    }
    unsigned long long count = 0, sum = 0, disorder = 0, next = 0;
    for (;;) {
        const uint8_t *m;
        int n = jipc_ring_read_wait(&in, (const void **)&m, SPIN_NS, TIMEOUT_NS);
        if (n < 0) {
            fprintf(stderr, "read: %s\n", strerror(-n));
            return 3;
        }
        if (n == 0)
            break;
        char text[512];
        int len;
        switch (m[0]) {
        case 'H':
            len = snprintf(text, sizeof text, "C pid %d read '%.*s' in place", (int)getpid(),
                           n - 1 > 400 ? 400 : n - 1, (const char *)m + 1);
            rc = reply(&out, text, (uint32_t)len);
            break;
        case 'P':
            rc = reply(&out, m, (uint32_t)n);
            break;
        case 'S':
            if (n >= 9) {
                uint64_t seq;
                memcpy(&seq, m + 1, 8);
                disorder += seq != next;
                next = seq + 1;
            }
            for (int i = 9; i < n; i++)
                sum += m[i];
            count++;
            rc = 0;
            break;
        case 'E':
            len = snprintf(text, sizeof text, "count=%llu sum=%llu out-of-order=%llu", count, sum, disorder);
            rc = reply(&out, text, (uint32_t)len);
            break;
        default:
            rc = -EBADMSG;
        }
        jipc_ring_release(&in);
        if (rc < 0) {
            fprintf(stderr, "reply: %s\n", strerror(-rc));
            return 3;
        }
    }
    jipc_ring_consumer_detach(&in);
    return 0;
}
