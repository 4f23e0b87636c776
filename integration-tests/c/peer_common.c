#include "peer_common.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static uint32_t crc_table[256];

void peer_setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    alarm(PEER_WATCHDOG_SECONDS);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t peer_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* xorshift64*: cheap, and never the same byte pattern twice in a row. */
static uint64_t next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void peer_fill(uint64_t *state, unsigned char *buf, size_t n)
{
    while (n >= 8) {
        uint64_t v = next(state);
        memcpy(buf, &v, 8);
        buf += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t v = next(state);
        memcpy(buf, &v, n);
    }
}

int peer_drain(int fd, long long limit, struct peer_stats *st)
{
    static unsigned char buf[CHUNK];
    for (;;) {
        size_t want = sizeof buf;
        if (limit >= 0) {
            unsigned long long left = (unsigned long long)limit - st->bytes;
            if (left == 0)
                return 0;
            if (left < want)
                want = (size_t)left;
        }
        ssize_t n = read(fd, buf, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return 0;
        st->crc = peer_crc32(st->crc, buf, (size_t)n);
        st->bytes += (unsigned long long)n;
    }
}

int peer_pour(int fd, long long total, uint64_t seed, struct peer_stats *st)
{
    static unsigned char buf[CHUNK];
    uint64_t state = seed != 0 ? seed : 1;
    for (;;) {
        size_t len = sizeof buf;
        if (total >= 0) {
            unsigned long long left = (unsigned long long)total - st->bytes;
            if (left == 0)
                return 0;
            if (left < len)
                len = (size_t)left;
        }
        peer_fill(&state, buf, len);
        size_t done = 0;
        while (done < len) {
            ssize_t n = write(fd, buf + done, len - done);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return -errno;
            }
            st->crc = peer_crc32(st->crc, buf + done, (size_t)n);
            st->bytes += (unsigned long long)n;
            done += (size_t)n;
        }
    }
}

void peer_wait_stdin_eof(void)
{
    char buf[256];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR))
            return;
    }
}

void peer_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

void peer_result(const struct peer_stats *st)
{
    peer_say("RESULT bytes=%llu crc32=%08x", st->bytes, (unsigned)st->crc);
}

int peer_error(const char *call, int err, const struct peer_stats *st)
{
    const char *name = strerrorname_np(-err);
    peer_say("ERROR %s %s bytes=%llu", call, name != NULL ? name : "?", st->bytes);
    fprintf(stderr, "%s: %s\n", call, strerror(-err));
    return PEER_FAILED;
}

long long peer_number(const char *text, const char *what)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        fprintf(stderr, "not a number for %s: '%s'\n", what, text);
        exit(PEER_USAGE);
    }
    return v;
}

void peer_parse(int argc, char **argv, struct peer_args *a, const char *usage)
{
    memset(a, 0, sizeof *a);
    a->limit = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--gate") == 0)
            a->gate = 1;
        else if (strcmp(s, "--hold") == 0)
            a->hold = 1;
        else if (strcmp(s, "--create") == 0)
            a->create = 1;
        else if (strcmp(s, "--unlink") == 0)
            a->unlink_after = 1;
        else if (strncmp(s, "--limit=", 8) == 0)
            a->limit = peer_number(s + 8, "--limit");
        else if (strncmp(s, "--", 2) != 0 && a->words < 4)
            a->word[a->words++] = s;
        else
            goto bad;
    }
    if (a->words > 0 && !(a->gate && a->hold))
        return;
bad:
    fprintf(stderr, "usage:\n%s", usage);
    exit(PEER_USAGE);
}
