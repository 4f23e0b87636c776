package io.github.jipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.AddressCache;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.MqNative;

/**
 * A POSIX message queue (see mq_overview(7)): whole messages with priorities,
 * named {@code /name} (visible as {@code /dev/mqueue/name} where that file
 * system is mounted), or unnamed for related processes.
 *
 * <p>One receive is one whole message: the oldest of the highest priority
 * waiting. Receive buffers must have room for the queue's {@link #messageSize()}
 * (else {@link IllegalArgumentException} naming both sizes, never a
 * truncation); zero-length messages work. Send and receive block by default
 * (or, after {@link #configureBlocking configureBlocking(false)}, return at
 * once); {@link #trySend} and {@link #tryReceive} never block, and the
 * {@link Duration} forms wait at most that long. A full or empty queue is a
 * status ({@code false}, {@code -1}, {@code null}), never an exception.
 * Blocking or not is chosen per call (an already expired deadline of
 * mq_timedsend(3)/mq_timedreceive(3)), never by changing the open file
 * description, which a child may share.
 *
 * <p>A thread blocked in a send or receive is woken by {@link #close()} from
 * another thread ({@link AsynchronousCloseException}) and by
 * {@link Thread#interrupt()} ({@link java.nio.channels.ClosedByInterruptException},
 * the handle is closed), as in {@code java.nio}. Any number of threads may
 * send and receive at once; {@link #lastPriority()} is per thread.
 *
 * <p>Readiness and notification: the descriptor is pollable (readable when a
 * message waits, writable when there is room), so a queue can be registered
 * with a {@link Poller} beside pipes, sockets and children; and {@link #requestNotification()}
 * / {@link #notifyOnArrival(Runnable)} give mq_notify(3)'s one-shot "a message
 * arrived in the empty queue" without any signal or native thread (the
 * kernel writes to a socket jipc waits on, see {@link QueueNotification}).
 *
 * <p>Errors of creation name the kernel limit hit: {@code fs.mqueue.msg_max},
 * {@code fs.mqueue.msgsize_max}, {@code fs.mqueue.queues_max} and
 * {@code RLIMIT_MSGQUEUE}, with their values and how to raise them.
 */
public final class MessageQueue extends GuardedChannel implements Inheritable, Pollable {
    private static final long FOREVER = -1;

    final FdHandle handle;
    private final String name;
    private final String description;
    private final boolean readable;
    private final boolean writable;
    private final int messageSize;
    private final long maxMessages;
    private volatile boolean blocking;
    /** Per thread: the last priority received, and the addresses of its buffers (hot path without allocation). */
    private final ThreadLocal<PerThread> perThread = ThreadLocal.withInitial(PerThread::new);

    static final class PerThread {
        final AddressCache addresses = new AddressCache();
        int priority = -1;
    }

    MessageQueue(int fd, String name, String description, int access, boolean blocking) throws IOException {
        this.handle = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
        this.name = name;
        this.description = description;
        this.readable = access != MqNative.O_WRONLY();
        this.writable = access != MqNative.O_RDONLY();
        this.blocking = blocking;
        long[] a = new long[4];
        int r = MqNative.jipc_mq_getattr(fd, a);
        if (r < 0) {
            handle.close();
            throw Errors.exception(r, MqCall.MQ_GETATTR, description);
        }
        this.maxMessages = a[1];
        this.messageSize = (int) a[2];
    }

    /** A queue descriptor received from another process (fd passing), its access mode as sent. */
    static MessageQueue adopt(int fd, int access) throws IOException {
        return new MessageQueue(fd, null, "received message queue (fd " + fd + ")", access, true);
    }

    /**
     * Opens the queue of this name, creating it if it does not exist with the
     * system's default attributes ({@code fs.mqueue.msg_default},
     * {@code msgsize_default}) and exactly these permissions (no umask).
     *
     * @param name        "/name" or "name": one component, at most 255 bytes, not "." or ".."
     * @param permissions the mode of a queue created
     * @param options     {@link MessageQueueOption}s; read-write and blocking by default
     * @return the queue
     * @throws java.nio.file.AccessDeniedException if its mode denies this process (EACCES)
     * @throws IpcException EMFILE past the open file limit or RLIMIT_MSGQUEUE, ENOSPC past
     *         {@code fs.mqueue.queues_max}, ENOMEM: the message names the limit, its value and how to raise it
     * @throws IllegalArgumentException for a bad name, or both READ_ONLY and WRITE_ONLY
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_open.3.html">mq_open(3)</a>
     */
    public static MessageQueue create(String name, Set<PosixFilePermission> permissions, MessageQueueOption... options)
            throws IOException {
        return MqSetup.open(name, MqNative.JIPC_MQ_CREATE(), permissions, 0, 0, options);
    }

    /**
     * Opens the queue of this name, creating it if it does not exist with these
     * attributes and exactly these permissions. An existing queue keeps its own
     * attributes (see {@link #messageSize()}).
     *
     * @param name        "/name" or "name"
     * @param maxMessages how many messages it holds at most, at least 1, at most
     *                    {@code fs.mqueue.msg_max} (10 on many systems) without CAP_SYS_RESOURCE
     * @param messageSize the largest message in bytes, at least 1, at most {@code fs.mqueue.msgsize_max}
     * @param permissions the mode of a queue created
     * @param options     {@link MessageQueueOption}s
     * @return the queue
     * @throws IpcException EINVAL when maxMessages or messageSize exceed {@code fs.mqueue.msg_max} or
     *         {@code msgsize_max} (the message says which, its value and how to raise it); EMFILE, ENOSPC,
     *         ENOMEM as for {@link #create(String, Set, MessageQueueOption...)}
     * @throws java.nio.file.AccessDeniedException if an existing queue's mode denies this process (EACCES)
     * @throws IllegalArgumentException for a bad name, or attributes below 1
     */
    public static MessageQueue create(String name, long maxMessages, int messageSize, Set<PosixFilePermission> permissions,
            MessageQueueOption... options) throws IOException {
        MqSetup.checkAttributes(maxMessages, messageSize);
        return MqSetup.open(name, MqNative.JIPC_MQ_CREATE(), permissions, maxMessages, messageSize, options);
    }

    /**
     * Creates a new queue of this name with these attributes and permissions.
     *
     * @param name        "/name" or "name"
     * @param maxMessages how many messages it holds at most, 1 to {@code fs.mqueue.msg_max}
     * @param messageSize the largest message in bytes, 1 to {@code fs.mqueue.msgsize_max}
     * @param permissions its mode (no umask applies)
     * @param options     {@link MessageQueueOption}s
     * @return the queue
     * @throws FileAlreadyExistsException if a queue of this name exists (EEXIST)
     * @throws IpcException EINVAL, EMFILE, ENOSPC, ENOMEM naming the limit, as for
     *         {@link #create(String, long, int, Set, MessageQueueOption...)}
     * @throws IllegalArgumentException for a bad name, or attributes below 1
     */
    public static MessageQueue createExclusive(String name, long maxMessages, int messageSize,
            Set<PosixFilePermission> permissions, MessageQueueOption... options) throws IOException {
        MqSetup.checkAttributes(maxMessages, messageSize);
        return MqSetup.open(name, MqNative.JIPC_MQ_EXCLUSIVE(), permissions, maxMessages, messageSize, options);
    }

    /**
     * Opens the existing queue of this name.
     *
     * @param name    "/name" or "name"
     * @param options {@link MessageQueueOption}s
     * @return the queue
     * @throws java.nio.file.NoSuchFileException if no queue has this name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its mode denies the access asked (EACCES)
     * @throws IpcException EMFILE, ENFILE
     * @throws IllegalArgumentException for a bad name
     */
    public static MessageQueue open(String name, MessageQueueOption... options) throws IOException {
        return MqSetup.open(name, MqNative.JIPC_MQ_OPEN(), Set.of(), 0, 0, options);
    }

    /**
     * Creates a queue no other process can open by name, for this process and
     * the children it hands it to ({@link Subprocess.Builder#inherit}): it is
     * created under a random name and unlinked at once, so nothing is left in
     * the namespace even if every process crashes. Read-write, mode 0600.
     *
     * @param maxMessages how many messages it holds at most, 1 to {@code fs.mqueue.msg_max}
     * @param messageSize the largest message in bytes, 1 to {@code fs.mqueue.msgsize_max}
     * @return the queue; {@link #name()} is null
     * @throws IpcException EINVAL, EMFILE, ENOSPC, ENOMEM naming the limit, as for
     *         {@link #create(String, long, int, Set, MessageQueueOption...)}
     * @throws IllegalArgumentException if an attribute is below 1
     */
    public static MessageQueue createUnnamed(long maxMessages, int messageSize) throws IOException {
        return MqSetup.createUnnamed(maxMessages, messageSize);
    }

    /**
     * Adopts a queue this process inherited as descriptor fd (see
     * {@link Subprocess.Builder#inherit}). The descriptor is set close-on-exec;
     * closing the handle closes it; its access mode is the parent's.
     *
     * @param fd the inherited descriptor number
     * @return the queue, blocking; {@link #name()} is null
     * @throws IpcException EBADF if fd is not open
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not a
     *         message queue descriptor
     */
    public static MessageQueue inherited(int fd) throws IOException {
        return MqSetup.inherited(fd);
    }

    /**
     * Removes the name (mq_unlink(3)): no process can open it any more; the
     * queue goes once the last descriptor is closed.
     *
     * @param name "/name" or "name"
     * @throws java.nio.file.NoSuchFileException if no queue has this name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not remove it (EACCES)
     * @throws IllegalArgumentException for a bad name
     */
    public static void unlink(String name) throws IOException {
        MqSetup.unlink(name);
    }

    /**
     * Removes this queue's name, see {@link #unlink(String)}; works after {@link #close()} too.
     *
     * @throws java.nio.file.NoSuchFileException if the name was removed already (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not remove it (EACCES)
     * @throws IllegalStateException if the queue has no name (unnamed or inherited)
     */
    public void unlink() throws IOException {
        if (name == null) {
            throw new IllegalStateException(description + " has no name");
        }
        unlink(name);
    }

    /** {@return the highest priority a message can have, {@code MQ_PRIO_MAX - 1} (32767 on Linux)} */
    public static int maxPriority() {
        NativeLibrary.ensureAvailable();
        return MqNative.JIPC_MQ_PRIO_MAX() - 1;
    }

    /** {@return the name, "/name", or null for an unnamed or inherited queue} */
    public String name() {
        return name;
    }

    /** {@return the largest message in bytes ({@code mq_msgsize}); a receive buffer needs this much room} */
    public int messageSize() {
        return messageSize;
    }

    /** {@return how many messages the queue holds at most ({@code mq_maxmsg})} */
    public long maxMessages() {
        return maxMessages;
    }

    /**
     * The queue's attributes now (mq_getattr(3)), the number of waiting messages included.
     *
     * @return the attributes
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if mq_getattr(3) fails
     */
    public MessageQueueAttributes attributes() throws IOException {
        return MqSetup.attributes(this);
    }

    /**
     * Switches this handle between blocking and non-blocking mode for
     * {@link #send(ByteBuffer, int)} and {@link #receive(ByteBuffer)}. Only this
     * handle changes: the open file description (mq_setattr(3)'s
     * {@code O_NONBLOCK}), which a child may share, stays as it is.
     *
     * @param block true for blocking mode
     * @return this queue
     * @throws ClosedChannelException if this handle is closed
     */
    public MessageQueue configureBlocking(boolean block) throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        this.blocking = block;
        return this;
    }

    /** {@return true in blocking mode (the default unless opened {@link MessageQueueOption#NON_BLOCKING})} */
    public boolean isBlocking() {
        return blocking;
    }

    /**
     * Sends src's remaining bytes as one message (mq_send(3)), advancing its
     * position; in blocking mode waits for room.
     *
     * @param src      the message, 0 to {@link #messageSize()} bytes
     * @param priority 0 to {@link #maxPriority()}; higher is received first
     * @return true when sent; false in non-blocking mode if the queue is full (EAGAIN)
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws NonWritableChannelException if opened {@link MessageQueueOption#READ_ONLY}
     * @throws IllegalArgumentException if src has more than {@link #messageSize()} bytes, or the priority is out of range
     * @throws IOException if mq_send(3) fails otherwise
     */
    public boolean send(ByteBuffer src, int priority) throws IOException {
        return MqIo.send(this, src, priority, blocking ? FOREVER : 0) == 0;
    }

    /**
     * Sends a byte array as one message, as {@link #send(ByteBuffer, int)}.
     *
     * @param message  the message, 0 to {@link #messageSize()} bytes
     * @param priority 0 to {@link #maxPriority()}
     * @return true when sent; false in non-blocking mode if the queue is full
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closes it meanwhile
     * @throws NonWritableChannelException if opened read-only
     * @throws IllegalArgumentException if the message is too large or the priority out of range
     * @throws IOException if mq_send(3) fails otherwise
     */
    public boolean send(byte[] message, int priority) throws IOException {
        return send(ByteBuffer.wrap(message), priority);
    }

    /**
     * Sends, waiting at most timeout for room (mq_timedsend(3); the
     * {@code CLOCK_REALTIME} deadline is computed once).
     *
     * @param src      the message
     * @param priority 0 to {@link #maxPriority()}
     * @param timeout  how long to wait at most; zero or negative: not at all
     * @return true when sent; false when the queue stayed full (ETIMEDOUT)
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws NonWritableChannelException if opened read-only
     * @throws IllegalArgumentException if src is too large or the priority out of range
     * @throws IOException if mq_timedsend(3) fails otherwise
     */
    public boolean send(ByteBuffer src, int priority, Duration timeout) throws IOException {
        return MqIo.send(this, src, priority, MqIo.nanos(timeout)) == 0;
    }

    /**
     * Sends without waiting: an already expired deadline of mq_timedsend(3),
     * whatever the mode.
     *
     * @param src      the message
     * @param priority 0 to {@link #maxPriority()}
     * @return true when sent; false if the queue is full
     * @throws ClosedChannelException if this handle is closed
     * @throws NonWritableChannelException if opened read-only
     * @throws IllegalArgumentException if src is too large or the priority out of range
     * @throws IOException if mq_timedsend(3) fails otherwise
     */
    public boolean trySend(ByteBuffer src, int priority) throws IOException {
        return MqIo.send(this, src, priority, 0) == 0;
    }

    /**
     * Receives the oldest message of the highest priority into dst
     * (mq_receive(3)), advancing its position; its priority is then
     * {@link #lastPriority()}. In blocking mode waits for a message. With a
     * direct buffer this allocates nothing and makes one native call.
     *
     * @param dst where the message goes; needs {@link #messageSize()} bytes remaining
     * @return the message's size in bytes (0 for an empty message); -1 in non-blocking mode if the queue is empty
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws NonReadableChannelException if opened {@link MessageQueueOption#WRITE_ONLY}
     * @throws IllegalArgumentException if dst has less room than {@link #messageSize()} (both sizes are named),
     *         or is read-only
     * @throws IOException if mq_receive(3) fails otherwise
     */
    public int receive(ByteBuffer dst) throws IOException {
        return MqIo.receive(this, dst, blocking ? FOREVER : 0);
    }

    /**
     * Receives, waiting at most timeout for a message (mq_timedreceive(3)).
     *
     * @param dst     where the message goes; needs {@link #messageSize()} bytes remaining
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return the message's size; -1 when none came in time (ETIMEDOUT)
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws NonReadableChannelException if opened write-only
     * @throws IllegalArgumentException if dst has less room than {@link #messageSize()}
     * @throws IOException if mq_timedreceive(3) fails otherwise
     */
    public int receive(ByteBuffer dst, Duration timeout) throws IOException {
        return MqIo.receive(this, dst, MqIo.nanos(timeout));
    }

    /**
     * Receives one message as a new byte array, blocking in blocking mode.
     *
     * @return the message and its priority; null in non-blocking mode if the queue is empty
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws NonReadableChannelException if opened write-only
     * @throws IOException if mq_receive(3) fails
     */
    public QueueMessage receive() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(messageSize);
        int n = receive(b);
        return n < 0 ? null : new QueueMessage(java.util.Arrays.copyOf(b.array(), n), lastPriority());
    }

    /**
     * Receives without waiting: an already expired deadline of mq_timedreceive(3), whatever the mode.
     *
     * @param dst where the message goes; needs {@link #messageSize()} bytes remaining
     * @return the message's size; -1 if the queue is empty
     * @throws ClosedChannelException if this handle is closed
     * @throws NonReadableChannelException if opened write-only
     * @throws IllegalArgumentException if dst has less room than {@link #messageSize()}
     * @throws IOException if mq_timedreceive(3) fails otherwise
     */
    public int tryReceive(ByteBuffer dst) throws IOException {
        return MqIo.receive(this, dst, 0);
    }

    /**
     * The priority of the message the calling thread last received from this
     * queue ({@code msg_prio} of mq_receive(3)); read it right after a receive
     * into a buffer. Per thread, so concurrent receivers do not mix them up.
     *
     * @return the priority, or -1 if this thread received nothing from this queue yet
     */
    public int lastPriority() {
        return perThread.get().priority;
    }

    /**
     * Registers for one notification (mq_notify(3)): when a message arrives
     * in the queue while it is empty and no process is blocked receiving.
     * One registration per queue, system-wide; one-shot: request again to
     * re-arm. See {@link QueueNotification} for how it is delivered.
     *
     * @return the registration, to wait on and close
     * @throws IpcException EBUSY if a process is registered already
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if mq_notify(3) fails otherwise
     */
    public QueueNotification requestNotification() throws IOException {
        return QueueNotification.register(this, null);
    }

    /**
     * Registers for one notification, as {@link #requestNotification()}, and
     * runs callback once on a daemon thread of its own when it fires (not if
     * the registration is closed first). The callback may re-arm with another
     * call. C code never calls into the JVM: that thread waits on the
     * kernel's notification socket.
     *
     * @param callback what to run on arrival
     * @return the registration; close it to cancel
     * @throws IpcException EBUSY if a process is registered already
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if mq_notify(3) fails otherwise
     */
    public QueueNotification notifyOnArrival(Runnable callback) throws IOException {
        return QueueNotification.register(this, Objects.requireNonNull(callback, "callback"));
    }

    String description() {
        return description;
    }

    boolean isReadable() {
        return readable;
    }

    boolean isWritable() {
        return writable;
    }

    /** This thread's state for this queue: its buffers' addresses, the last priority it received. */
    PerThread perThread() {
        return perThread.get();
    }

    /** Enters a call: the handle acquired, and for blocking calls the interrupt hook installed. */
    void enter(boolean block) throws ClosedChannelException {
        enter(handle, block);
    }

    /** Leaves a call; woken tells that the guard fired. */
    void exit(boolean block, boolean woken) throws AsynchronousCloseException {
        exit(handle, block, woken);
    }

    /** Closes the descriptor, waking blocked calls; the queue and its name stay. Idempotent. */
    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return description + (isOpen() ? "" : " (closed)");
    }
}
