package io.github.jipc;

/**
 * A jipc handle a {@link Poller} can wait on: pipe and FIFO ends, sockets,
 * event counters, POSIX message queues (readable while a message is queued,
 * writable while there is room), child processes (readable once the
 * child ended), and open files of other kinds ({@link OpenFile}: a timerfd, a
 * device, a netlink socket; not regular files or directories, which epoll
 * refuses as always ready).
 * Only jipc's own classes implement it.
 */
public sealed interface Pollable permits PipeEnd, IpcSocket, EventFd, MessageQueue, Subprocess, OpenFile {
}
