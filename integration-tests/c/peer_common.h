/*
 * peer_common.h - what the C peers of the integration tests share.
 *
 * The peers talk to the test through standard output, one line per event:
 *   READY ...                      set up, about to block (open, gate, read)
 *   RESULT bytes=<n> crc32=<hex>   the transfer is complete
 *   ERROR <call> <ERRNO> bytes=<n> a call failed after n bytes
 * The checksum is the CRC-32 of java.util.zip.CRC32, so both sides compare.
 */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes: 0 done, 2 bad usage, 3 a call failed (printed as ERROR). */
#define PEER_USAGE 2
#define PEER_FAILED 3

/* A peer never outlives a broken test by more than this. */
#define PEER_WATCHDOG_SECONDS 120

struct peer_stats {
    unsigned long long bytes;
    uint32_t crc;
};

/* SIGPIPE ignored (a dead reader shows as EPIPE) and the watchdog armed. */
void peer_setup(void);

/* Continues a CRC-32 (start with 0) over n bytes. */
uint32_t peer_crc32(uint32_t crc, const unsigned char *p, size_t n);

/* Fills buf with the next n bytes of the pseudo-random stream of *state. */
void peer_fill(uint64_t *state, unsigned char *buf, size_t n);

/*
 * Reads fd until end of file, or until limit bytes when limit >= 0.
 * Returns 0, or -errno of the failed read.
 */
int peer_drain(int fd, long long limit, struct peer_stats *st);

/*
 * Writes total bytes of the stream of seed to fd (forever when total < 0).
 * Returns 0, or -errno of the failed write.
 */
int peer_pour(int fd, long long total, uint64_t seed, struct peer_stats *st);

/* Blocks until standard input reaches end of file: the test's gate. */
void peer_wait_stdin_eof(void);

/* Prints one protocol line and flushes it. */
void peer_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints RESULT for st. */
void peer_result(const struct peer_stats *st);

/* Prints ERROR for call and -err, and returns PEER_FAILED. */
int peer_error(const char *call, int err, const struct peer_stats *st);

/* Parses a decimal number or exits with PEER_USAGE naming what. */
long long peer_number(const char *text, const char *what);

/* The command line: up to four positional words, then options. */
struct peer_args {
    const char *word[4];
    int words;
    int gate;         /* --gate: wait for end of file on stdin before the transfer */
    int hold;         /* --hold: keep the end open after it until end of file on stdin */
    int create;       /* --create: mkfifo the path first */
    int unlink_after; /* --unlink: remove the path at the end */
    long long limit;  /* --limit=N: read at most N bytes (-1: to end of file) */
};

/* Parses argv[1..] or exits with PEER_USAGE, printing usage. */
void peer_parse(int argc, char **argv, struct peer_args *a, const char *usage);

#endif
