/*
 * Pipes and FIFOs: pipe2(2) + fork(2), or mkfifo(3) + open(2) by path in
 * both processes, then blocking read(2)/write(2), one call per message
 * whenever the kernel moves it whole (the loops of xproc_driver.c).
 */
#include "xproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char fifo_to_child[4096];
static char fifo_from_child[4096];

static void remove_fifos(void)
{
    if (fifo_to_child[0] != '\0')
        unlink(fifo_to_child); /* async-signal-safe */
    if (fifo_from_child[0] != '\0')
        unlink(fifo_from_child);
}

struct ends {
    int parent_in, parent_out; /* -1 where unused */
    int child_in, child_out;
};

/*
 * Connects parent and child: to_child carries parent -> child, from_child
 * child -> parent. Returns the child's pid in the parent, 0 in the child.
 */
static pid_t start_child(const struct xproc_run *r, int fifo, int to_child, int from_child, struct ends *e)
{
    int down[2] = { -1, -1 }, up[2] = { -1, -1 };
    if (fifo) {
        int n1 = snprintf(fifo_to_child, sizeof fifo_to_child, "%s/c-to-child-%d.fifo", r->dir, (int)getpid());
        int n2 = snprintf(fifo_from_child, sizeof fifo_from_child, "%s/c-from-child-%d.fifo", r->dir, (int)getpid());
        if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof fifo_to_child || (size_t)n2 >= sizeof fifo_from_child)
            xproc_fail_msg("DIR is too long");
        xproc_on_exit(remove_fifos);
        if ((to_child && mkfifo(fifo_to_child, 0600) < 0) || (from_child && mkfifo(fifo_from_child, 0600) < 0))
            xproc_fail("mkfifo");
    } else if ((to_child && pipe2(down, O_CLOEXEC) < 0) || (from_child && pipe2(up, O_CLOEXEC) < 0)) {
        xproc_fail("pipe2");
    }
    /* An experiment's knob, not a default: JIPC_XPROC_PIPE_SIZE=bytes sets each pipe's capacity (F_SETPIPE_SZ). */
    const char *capacity = getenv("JIPC_XPROC_PIPE_SIZE");
    if (capacity != NULL && !fifo) {
        int fds[] = { down[1], up[1] };
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0 && fcntl(fds[i], F_SETPIPE_SZ, atoi(capacity)) < 0)
                xproc_fail("fcntl(F_SETPIPE_SZ)");
    }
    pid_t pid = xproc_fork();
    e->parent_in = e->parent_out = e->child_in = e->child_out = -1;
    if (pid == 0) {
        if (fifo) {
            /* Same order as the parent's opens, so neither waits for the other forever. */
            if (to_child && (e->child_in = open(fifo_to_child, O_RDONLY | O_CLOEXEC)) < 0)
                xproc_fail("open FIFO for reading");
            if (from_child && (e->child_out = open(fifo_from_child, O_WRONLY | O_CLOEXEC)) < 0)
                xproc_fail("open FIFO for writing");
        } else {
            if (to_child) {
                close(down[1]);
                e->child_in = down[0];
            }
            if (from_child) {
                close(up[0]);
                e->child_out = up[1];
            }
        }
        return 0;
    }
    if (fifo) {
        if (to_child && (e->parent_out = open(fifo_to_child, O_WRONLY | O_CLOEXEC)) < 0)
            xproc_fail("open FIFO for writing");
        if (from_child && (e->parent_in = open(fifo_from_child, O_RDONLY | O_CLOEXEC)) < 0)
            xproc_fail("open FIFO for reading");
        remove_fifos(); /* both processes hold their ends: the names are no longer needed */
    } else {
        if (to_child) {
            close(down[0]);
            e->parent_out = down[1];
        }
        if (from_child) {
            close(up[1]);
            e->parent_in = up[0];
        }
    }
    return pid;
}

/* The run's descriptors of this process and whether it is a FIFO run; set by start. */
struct run {
    struct xproc_fds fds;
    int fifo;
};

static pid_t start(const struct xproc_run *r, int rtt, void *ctx)
{
    struct run *run = ctx;
    struct ends e;
    pid_t pid = start_child(r, run->fifo, rtt, 1, &e);
    run->fds = pid == 0 ? (struct xproc_fds){ e.child_in, e.child_out } : (struct xproc_fds){ e.parent_in, e.parent_out };
    return pid;
}

/* Closing the parent's ends: the child reads end of stream, or its next write fails with EPIPE. */
static const struct xproc_ops ops = { start, xproc_fd_send, xproc_fd_recv, xproc_fd_finish, 0, NULL };

int xproc_pipe_rtt(const struct xproc_run *r)
{
    struct run run = { .fifo = 0 };
    return xproc_rtt(r, &ops, &run);
}

int xproc_pipe_tput(const struct xproc_run *r)
{
    struct run run = { .fifo = 0 };
    return xproc_tput(r, &ops, &run);
}

int xproc_fifo_rtt(const struct xproc_run *r)
{
    struct run run = { .fifo = 1 };
    return xproc_rtt(r, &ops, &run);
}

int xproc_fifo_tput(const struct xproc_run *r)
{
    struct run run = { .fifo = 1 };
    return xproc_tput(r, &ops, &run);
}
