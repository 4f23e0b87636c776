package io.github.jipc;

/**
 * Two connected, unnamed Unix sockets ({@link IpcSocket#pair(SocketType)},
 * socketpair(2)): one end typically stays, the other goes to a child process.
 * Closing the pair closes both ends; each end can also be closed alone.
 */
public final class SocketPair implements AutoCloseable {
    private final IpcSocket first;
    private final IpcSocket second;

    private SocketPair(IpcSocket first, IpcSocket second) {
        this.first = first;
        this.second = second;
    }

    static SocketPair of(IpcSocket first, IpcSocket second) {
        return new SocketPair(first, second);
    }

    /** {@return one end} */
    public IpcSocket first() {
        return first;
    }

    /** {@return the other end} */
    public IpcSocket second() {
        return second;
    }

    /** Closes both ends; idempotent. */
    @Override
    public void close() {
        try {
            first.close();
        } catch (java.io.IOException e) {
            // closing a socket reports nothing
        }
        try {
            second.close();
        } catch (java.io.IOException e) {
            // closing a socket reports nothing
        }
    }
}
