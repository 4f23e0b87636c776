package io.github.jipc;

/**
 * A jipc handle a {@link Poller} can wait on: pipe and FIFO ends, sockets,
 * event counters, and child processes (readable once the child ended).
 * Only jipc's own classes implement it.
 */
public sealed interface Pollable permits PipeEnd, IpcSocket, EventFd, Subprocess {
}
