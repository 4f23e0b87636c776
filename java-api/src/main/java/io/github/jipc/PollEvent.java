package io.github.jipc;

/** What a {@link Poller} waits for on a handle. */
public enum PollEvent {
    /** Readable: data to read, a connection to accept, a counter not 0, a child ended (EPOLLIN). */
    READ,
    /** Writable: room to write (EPOLLOUT). */
    WRITE
}
