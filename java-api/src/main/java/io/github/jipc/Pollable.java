package io.github.jipc;

/**
 * A jipc handle a {@link Poller} can wait on: pipe and FIFO ends, sockets,
 * event counters, POSIX message queues (readable while a message is queued,
 * writable while there is room), and child processes (readable once the
 * child ended).
 * Only jipc's own classes implement it.
 */
public sealed interface Pollable permits PipeEnd, IpcSocket, EventFd, MessageQueue, Subprocess {
}
