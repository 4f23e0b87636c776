/*
 * xproc.h - what every mechanism of jipc_xproc_bench shares: the run's
 * settings, checked messages, timing, failing with a message, reaping the
 * child, and the per-thread costs (CPU time, context switches) each result
 * line reports. A mechanism is one xproc_<name>.c with a round-trip and a
 * stream function, listed in the table in jipc_xproc_bench.c.
 */
#ifndef XPROC_H
#define XPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct xproc_run {
    const char *mechanism;
    size_t size;
    long warmup, count;        /* round trips */
    const char *samples;       /* round-trip times in ns, native int64, written here */
    long warmup_ms, measure_ms; /* streams */
    const char *dir;           /* scratch folder for named objects */
};

/* The receiving or pinging thread's costs over the timed part. */
struct xproc_cost {
    int64_t cpu_ns;
    long vcsw, ivcsw;
};

void xproc_fail(const char *what);     /* with strerror(errno); removes named objects; exits 1 */
void xproc_fail_msg(const char *what); /* without errno */
/* Called on every way out of the parent (also from SIGALRM: async-signal-safe only). */
void xproc_on_exit(void (*cleanup)(void));
int64_t xproc_now_ns(void);
void xproc_cost_start(struct xproc_cost *c);
void xproc_cost_stop(struct xproc_cost *c);
void xproc_stamp(unsigned char *msg, size_t size, uint64_t seq);
void xproc_check(const unsigned char *msg, size_t size, uint64_t seq);
unsigned char *xproc_buffer(size_t size); /* malloc'ed, holding the pattern */
/* fork(2): the child (0 returned) dies with the parent and is marked as child. */
pid_t xproc_fork(void);
void xproc_reap(pid_t child); /* fails unless the child exited with 0 */
/* Prints the result lines (and writes the samples) the harness reads. */
void xproc_report_rtt(const struct xproc_run *r, const int64_t *samples, int64_t elapsed, const struct xproc_cost *c);
void xproc_report_tput(const struct xproc_run *r, long messages, int64_t elapsed, const struct xproc_cost *c);

/* Each mechanism: both processes, one run; 0 on success (failures exit). */
int xproc_pipe_rtt(const struct xproc_run *r);
int xproc_pipe_tput(const struct xproc_run *r);
int xproc_fifo_rtt(const struct xproc_run *r);
int xproc_fifo_tput(const struct xproc_run *r);
int xproc_shm_rtt(const struct xproc_run *r);
int xproc_shm_tput(const struct xproc_run *r);
int xproc_mq_rtt(const struct xproc_run *r);
int xproc_mq_tput(const struct xproc_run *r);

#endif
