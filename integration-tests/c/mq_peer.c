/*
 * mq_peer - the other side of jipc's POSIX message queues, as a plain C
 * program using the calls directly (it does not link jipc):
 *
 *   As in the classic example:
 *     SENDER:   mq_open(NAME, O_CREAT | O_WRONLY, 0644, NULL);
 *               mq_send(MESSAGE, strlen + 1, 0); mq_close; mq_unlink
 *     RECEIVER: mq_open(NAME, O_RDONLY); mq_receive(buffer, size, &prio); mq_close
 *   Batches with mixed priorities, and streams of numbered, checksummed
 *   messages, on a queue by name or on an inherited descriptor ("fd:3").
 *
 * Stream messages: u32 sequence number, u32 payload length, u32 CRC-32 of
 * the payload, then the payload: length = seq % (msgsize - 11), byte i =
 * (seq * 31 + i) & 0xff. Lines: READY, MSG ..., RESULT ..., ERROR <call> <ERRNO>.
 */
#include "peer_common.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "  mq_peer sender <name> <text>           the classic SENDER (creates, sends, closes, unlinks)\n"
    "  mq_peer receiver <name>                the classic RECEIVER: prints prio and text\n"
    "  mq_peer batch <queue> <p1,p2,...>      sends \"m<i>\" with priority p<i>\n"
    "  mq_peer drain <queue> <n>              receives n messages, one MSG line each\n"
    "  mq_peer stream-send <queue> <count>    numbered, checksummed messages\n"
    "  mq_peer stream-recv <queue> <count>    checks them: RESULT count=<n> bad=<k>\n"
    "  <queue> is /name or fd:<n> (an inherited descriptor)\n";

static struct peer_stats none;

static int fail(const char *call)
{
    return peer_error(call, -errno, &none);
}

static mqd_t open_queue(const char *q, int flags)
{
    if (strncmp(q, "fd:", 3) == 0)
        return (mqd_t)peer_number(q + 3, "fd");
    return mq_open(q, flags);
}

static long message_size(mqd_t q)
{
    struct mq_attr a;
    return mq_getattr(q, &a) < 0 ? -1 : a.mq_msgsize;
}

static int sender(const char *name, const char *text)
{
    mqd_t mq = mq_open(name, O_CREAT | O_WRONLY, 0644, NULL);
    if (mq == (mqd_t)-1)
        return fail("mq_open");
    if (mq_send(mq, text, strlen(text) + 1, 0) < 0)
        return fail("mq_send");
    mq_close(mq);
    if (mq_unlink(name) < 0)
        return fail("mq_unlink");
    peer_say("RESULT sent=%zu", strlen(text) + 1);
    return 0;
}

static int receiver(const char *name)
{
    mqd_t mq = mq_open(name, O_RDONLY);
    if (mq == (mqd_t)-1)
        return fail("mq_open");
    long size = message_size(mq);
    char *buffer = malloc((size_t)size + 1);
    unsigned int priority;
    ssize_t bytes_read = mq_receive(mq, buffer, (size_t)size, &priority);
    if (bytes_read < 0)
        return fail("mq_receive");
    buffer[bytes_read] = 0;
    mq_close(mq);
    peer_say("RESULT bytes=%zd prio=%u text=%s", bytes_read, priority, buffer);
    free(buffer);
    return 0;
}

static int batch(const char *queue, char *prios)
{
    mqd_t mq = open_queue(queue, O_WRONLY);
    if (mq == (mqd_t)-1)
        return fail("mq_open");
    int i = 0;
    for (char *p = strtok(prios, ","); p != NULL; p = strtok(NULL, ","), i++) {
        char text[32];
        int n = snprintf(text, sizeof text, "m%d", i);
        if (mq_send(mq, text, (size_t)n, (unsigned)peer_number(p, "priority")) < 0)
            return fail("mq_send");
    }
    peer_say("RESULT sent=%d", i);
    return 0;
}

static int drain(const char *queue, long long n)
{
    mqd_t mq = open_queue(queue, O_RDONLY);
    if (mq == (mqd_t)-1)
        return fail("mq_open");
    long size = message_size(mq);
    char *buf = malloc((size_t)size + 1);
    peer_say("READY msgsize=%ld", size);
    for (long long i = 0; i < n; i++) {
        unsigned prio;
        ssize_t r = mq_receive(mq, buf, (size_t)size, &prio);
        if (r < 0)
            return fail("mq_receive");
        buf[r] = 0;
        peer_say("MSG prio=%u text=%s", prio, buf);
    }
    free(buf);
    peer_say("RESULT received=%lld", n);
    return 0;
}

static size_t stream_message(unsigned char *m, uint32_t seq, long size)
{
    uint32_t len = seq % (uint32_t)(size - 11);
    unsigned char *payload = m + 12;
    for (uint32_t i = 0; i < len; i++)
        payload[i] = (unsigned char)((seq * 31 + i) & 0xff);
    uint32_t crc = peer_crc32(0, payload, len);
    memcpy(m, &seq, 4);
    memcpy(m + 4, &len, 4);
    memcpy(m + 8, &crc, 4);
    return 12 + len;
}

static int stream(const char *queue, long long count, int sending)
{
    mqd_t mq = open_queue(queue, sending ? O_WRONLY : O_RDONLY);
    if (mq == (mqd_t)-1)
        return fail("mq_open");
    long size = message_size(mq);
    if (size < 12)
        return peer_error("mq_getattr", -EINVAL, &none);
    unsigned char *m = malloc((size_t)size);
    unsigned char *want = malloc((size_t)size);
    peer_say("READY msgsize=%ld", size);
    long long bad = 0;
    for (long long i = 0; i < count; i++) {
        if (sending) {
            size_t n = stream_message(m, (uint32_t)i, size);
            if (mq_send(mq, (const char *)m, n, 0) < 0)
                return fail("mq_send");
            continue;
        }
        unsigned prio;
        ssize_t r = mq_receive(mq, (char *)m, (size_t)size, &prio);
        if (r < 0)
            return fail("mq_receive");
        size_t n = stream_message(want, (uint32_t)i, size);
        if ((size_t)r != n || memcmp(m, want, n) != 0)
            bad++;
    }
    free(m);
    free(want);
    peer_say("RESULT count=%lld bad=%lld", count, bad);
    return 0;
}

int main(int argc, char **argv)
{
    peer_setup();
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "sender") == 0 && argc == 4)
        return sender(argv[2], argv[3]);
    if (strcmp(cmd, "receiver") == 0 && argc == 3)
        return receiver(argv[2]);
    if (strcmp(cmd, "batch") == 0 && argc == 4)
        return batch(argv[2], argv[3]);
    if (strcmp(cmd, "drain") == 0 && argc == 4)
        return drain(argv[2], peer_number(argv[3], "count"));
    if (strcmp(cmd, "stream-send") == 0 && argc == 4)
        return stream(argv[2], peer_number(argv[3], "count"), 1);
    if (strcmp(cmd, "stream-recv") == 0 && argc == 4)
        return stream(argv[2], peer_number(argv[3], "count"), 0);
    fprintf(stderr, "usage:\n%s", USAGE);
    return PEER_USAGE;
}
