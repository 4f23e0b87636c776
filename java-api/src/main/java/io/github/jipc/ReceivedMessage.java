package io.github.jipc;

import java.net.SocketAddress;
import java.util.List;

/**
 * What {@link IpcSocket#receiveMessage(java.nio.ByteBuffer)} received besides
 * the bytes: the handles passed along ({@code SCM_RIGHTS}), the sender's
 * credentials ({@code SCM_CREDENTIALS}) and address. The caller owns the
 * handles and closes them.
 */
public final class ReceivedMessage {
    private final int bytes;
    private final List<Inheritable> handles;
    private final Credentials credentials;
    private final SocketAddress sender;

    private ReceivedMessage(int bytes, List<Inheritable> handles, Credentials credentials, SocketAddress sender) {
        this.bytes = bytes;
        this.handles = handles;
        this.credentials = credentials;
        this.sender = sender;
    }

    static ReceivedMessage of(int bytes, List<Inheritable> handles, Credentials credentials, SocketAddress sender) {
        return new ReceivedMessage(bytes, List.copyOf(handles), credentials, sender);
    }

    /** {@return the count of bytes received; -1 at the end of a stream} */
    public int bytes() {
        return bytes;
    }

    /**
     * The handles that came with the message, each as the jipc type of what
     * the sender passed ({@link PipeSource}, {@link PipeSink}, {@link IpcSocket},
     * {@link EventFd}, {@link MemoryFile}, {@link SharedMemory}, {@link MessageQueue}), in the order sent;
     * any other kind (a regular file, a directory, a device, a timerfd, a netlink socket...) as an
     * {@link OpenFile}.
     * A pipe end covers FIFO ends too; a file of {@code /dev/shm} is {@link SharedMemory}, any other
     * file an {@link OpenFile}; a received queue has no {@link MessageQueue#name()},
     * and keeps the access mode it was opened with.
     *
     * @return the handles, empty if none came
     */
    public List<Inheritable> handles() {
        return handles;
    }

    /** {@return the credentials attached, or null (they come when the receiver enabled {@link SocketOptions#PASS_CREDENTIALS})} */
    public Credentials credentials() {
        return credentials;
    }

    /**
     * {@return the sender's address: for a message, its sender ({@link UnixAddress#unnamed()}
     * if it did not bind); for bytes of a stream, the peer's address if the kernel gives one
     * (a bound Unix peer's); null when the kernel gave none, and when nothing was received}
     */
    public SocketAddress sender() {
        return sender;
    }
}
