package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.EventfdNative;
import io.github.jipc.internal.jni.FileNative;
import io.github.jipc.internal.jni.MqNative;
import io.github.jipc.internal.jni.ShmNative;
import io.github.jipc.internal.jni.SockmsgNative;
import io.github.jipc.internal.jni.SocketNative;

/** The sends and receives of {@link IpcSocket}: one native call each, no allocation on the plain paths. */
final class SocketIo {
    private static final int[] NO_FDS = {};
    private static final int BLOCK = SockmsgNative.JIPC_MSG_BLOCK();
    private static final int NOWAIT = SockmsgNative.JIPC_MSG_NOWAIT();
    private static final int ALL = SockmsgNative.JIPC_MSG_ALL();
    private static final int CREDENTIALS = SockmsgNative.JIPC_MSG_CREDENTIALS();
    private static final int WHOLE = SockmsgNative.JIPC_MSG_WHOLE();
    private static final int CONTROL = SockmsgNative.JIPC_MSG_CONTROL();
    private static final int PEEK = SockmsgNative.JIPC_MSG_PEEK();
    private static final int ADDRLEN = SockmsgNative.JIPC_META_ADDRLEN();
    private static final int NFDS = SockmsgNative.JIPC_META_NFDS();
    private static final int FLAGS = SockmsgNative.JIPC_META_FLAGS();
    private static final int PID = SockmsgNative.JIPC_META_PID();
    private static final int UID = SockmsgNative.JIPC_META_UID();
    private static final int GID = SockmsgNative.JIPC_META_GID();
    private static final int TRUNC = SockmsgNative.JIPC_RECV_TRUNC();
    private static final int CTRUNC = SockmsgNative.JIPC_RECV_CTRUNC();
    private static final ReceivedMessage NOTHING = ReceivedMessage.of(0, List.of(), null, null);
    private static final int RECV_END = SockmsgNative.JIPC_RECV_END();
    private static final ReceivedMessage END = ReceivedMessage.of(-1, List.of(), null, null);

    private SocketIo() {}


    /**
     * {@link IpcSocket#write}, {@link IpcSocket#send} and
     * {@link IpcSocket#sendWithCredentials}: a message goes whole, in one
     * call. A blocking stream write sends every byte (a heap buffer through
     * the staging buffer, a part at a time; handles and credentials go with the
     * first bytes), or ends in an exception with src's position past exactly
     * the bytes that went: a close or interrupt meanwhile, or an error (EPIPE)
     * met by the next call after a short count. Only {@link SocketOptions#SEND_TIMEOUT}
     * returns a short count, as send(2) does once some bytes went.
     */
    static int write(IpcSocket s, SocketSide side, ByteBuffer src, Inheritable[] handles, boolean credentials)
            throws IOException {
        Objects.requireNonNull(src, "src");
        if (s.type().messages() || !s.isBlocking()) {
            return send(s, side, src, null, handles, credentials); // one call, under the lock send takes itself
        }
        side.lock.lock(); // the whole write: another thread's bytes must not land between its parts
        try {
            int start = src.position();
            int n = send(s, side, src, null, handles, credentials);
            while (n > 0 && src.hasRemaining()) {
                try {
                    n = send(s, side, src, null, null, false);
                } catch (java.net.SocketTimeoutException e) {
                    break; // the time ran out after some bytes went: their count, as send(2) gives
                } catch (ClosedChannelException e) {
                    if (e.getClass() != ClosedChannelException.class) {
                        throw e;
                    }
                    // closed by another thread between two parts: during this write, as a close under a part is
                    AsynchronousCloseException during = new AsynchronousCloseException();
                    during.initCause(e);
                    throw during;
                }
            }
            return src.position() - start;
        } finally {
            side.lock.unlock();
        }
    }

    static int send(IpcSocket s, SocketSide side, ByteBuffer src, SocketAddress to, Inheritable[] handles,
            boolean credentials) throws IOException {
        Objects.requireNonNull(src, "src");
        int nfds = handles == null ? 0 : handles.length;
        if (nfds > SocketSide.MAX_FDS) {
            throw new IllegalArgumentException("at most " + SocketSide.MAX_FDS + " handles go with one message, got " + nfds);
        }
        if (nfds > 0 && !src.hasRemaining()) {
            throw new IllegalArgumentException("handles go with at least one byte; src is empty");
        }
        if ((nfds > 0 || credentials) && s.domain() != SocketDomain.UNIX) {
            throw new UnsupportedOperationException((nfds > 0 ? "handles" : "credentials") + " pass over Unix-domain"
                    + " sockets only (unix(7)); " + s + " is " + s.domain() + ", whose kernel would drop them unsaid");
        }
        boolean stream = !s.type().messages();
        side.lock.lock();
        FdHandle[] held = new FdHandle[nfds];
        int[] fresh = nfds == 0 ? NO_FDS : new int[nfds];
        java.util.Arrays.fill(fresh, -1);
        try {
            s.ensureOpen();
            int pos = src.position(); // and the limit: read once each (see receive)
            int size = Math.max(0, src.limit() - pos);
            int len = size;
            long base = side.direct(src);
            ByteBuffer data = src;
            long at;
            if (base != 0) {
                at = base + pos;
            } else {
                int n = stream ? Math.min(len, SocketSide.STAGING) : len;
                data = side.staging(n);
                data.put(0, src, src.position(), n);
                len = n;
                at = side.stagingAddress(data);
            }
            long addr = 0;
            int alen = 0;
            if (to != null) {
                SocketCalls.requireNamed(to);
                alen = Sockaddrs.encode(to, s.domain(), side.address());
                addr = side.addressAddress();
            }
            long fds = 0;
            if (nfds > 0) {
                IntBuffer m = side.meta();
                for (int i = 0; i < nfds; i++) {
                    FdHandle h = Handles.of(Objects.requireNonNull(handles[i], "handle " + i));
                    if (!h.acquire()) {
                        throw new ClosedHandleException(i, handles[i]);
                    }
                    held[i] = h;
                    int fd = Handles.handOff(handles[i], h);
                    if (fd != h.fd()) {
                        fresh[i] = fd;
                    }
                    m.put(i, fd);
                }
                fds = side.metaAddress();
            }
            int flags = (stream ? ALL : 0) | (credentials ? CREDENTIALS : 0);
            int sent = 0;
            if (nfds == 0 && !credentials && s.isBlocking() && !Thread.currentThread().isInterrupted()) {
                // With room in the socket's buffer nothing waits: one MSG_DONTWAIT send (the same system call
                // as a blocking one) without the interrupt hook and the guard. The blocking call below only
                // for what did not fit; a pending interrupt takes it at once, and its begin() closes as documented.
                long n = tryToSend(s, data, at, len, addr, alen, flags);
                if (n == len || (n >= 0 && !stream)) {
                    src.position(src.position() + (int) n);
                    return (int) n;
                }
                if (n > 0) {
                    sent = (int) n;
                    src.position(src.position() + sent);
                } else if (n != -Errno.EAGAIN) {
                    throw SocketCalls.failure(s, n, SocketCall.SEND, to, size);
                }
            }
            boolean block = s.enter(s.isBlocking());
            long n = 0;
            int want = len - sent;
            try {
                n = SockmsgNative.jipc_sockmsg_send(s.handle.fd(), s.handle.guard(), at + sent, want, addr, alen,
                        fds, nfds, flags, block ? BLOCK : NOWAIT);
            } finally {
                Reference.reachabilityFence(data);
                if (n > 0) {
                    src.position(src.position() + (int) n); // before any exception: the bytes went
                }
                // A blocking send that stopped short was ended by a close (or an interrupt) under it, or by an
                // error its caller meets on the next call.
                s.exit(block, n == -Errno.WOKEN || (block && n >= 0 && n < want && s.handle.isClosed()));
            }
            if (n >= 0) {
                return sent + (int) n;
            }
            if (n == -Errno.EAGAIN || sent > 0) {
                return sent; // what was sent stays reported; an error shows on the next call
            }
            throw SocketCalls.failure(s, n, SocketCall.SEND, to, size);
        } finally {
            for (int fd : fresh) {
                if (fd >= 0) {
                    CommonNative.jipc_close(fd);
                }
            }
            for (FdHandle h : held) {
                if (h != null) {
                    h.release();
                }
            }
            side.lock.unlock();
        }
    }

    /** One send that does not wait (MSG_DONTWAIT), outside the interrupt hook and the guard: the shim's result. */
    private static long tryToSend(IpcSocket s, ByteBuffer data, long at, int len, long addr, int alen, int flags)
            throws ClosedChannelException {
        if (!s.handle.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            return SockmsgNative.jipc_sockmsg_send(s.handle.fd(), s.handle.guard(), at, len, addr, alen, 0, 0, flags,
                    NOWAIT);
        } finally {
            Reference.reachabilityFence(data);
            s.handle.release();
        }
    }

    /**
     * {@link IpcSocket#nextMessageSize()}: a receive of no bytes that leaves
     * the message queued (MSG_PEEK) and returns its full length (MSG_TRUNC);
     * it waits in blocking mode, as a receive does.
     */
    static OptionalInt nextMessageSize(IpcSocket s, SocketSide side) throws IOException {
        if (!s.type().messages()) {
            throw new UnsupportedOperationException("a " + s.type() + " socket carries a byte stream, not messages:"
                    + " there is no next message to size; read what is there");
        }
        side.lock.lock();
        try {
            s.ensureOpen();
            boolean block = s.enter(s.isBlocking());
            long n = 0;
            try {
                n = SockmsgNative.jipc_sockmsg_recv(s.handle.fd(), s.handle.guard(), 0, 0, 0, 0, WHOLE | PEEK,
                        block ? BLOCK : NOWAIT);
            } finally {
                s.exit(block, n == -Errno.WOKEN);
            }
            if (n == -Errno.EAGAIN || n == -RECV_END) {
                return OptionalInt.empty();
            }
            if (n < 0) {
                throw SocketCalls.failure(s, n, SocketCall.RECEIVE, null, 0);
            }
            return OptionalInt.of((int) n);
        } finally {
            side.lock.unlock();
        }
    }

    /**
     * One receive. from: whether the sender's address is wanted (null: a plain
     * read). room: 0 for no control data, else 1 + the most descriptors taken.
     */
    static ReceivedMessage receive(IpcSocket s, SocketSide side, ByteBuffer dst, Boolean from, int room)
            throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        boolean messages = s.type().messages();
        side.lock.lock();
        try {
            s.ensureOpen();
            // Position and limit read once: another thread moving them meanwhile (a misuse) must not
            // make the kernel write past the buffer.
            int pos = dst.position();
            int len = Math.max(0, dst.limit() - pos);
            if (len == 0 && !messages && room == 0) {
                return NOTHING;
            }
            long base = side.direct(dst);
            ByteBuffer target = dst;
            long at;
            if (base != 0) {
                at = base + pos;
            } else {
                len = messages ? len : Math.min(len, SocketSide.STAGING);
                target = side.staging(len);
                at = side.stagingAddress(target);
            }
            boolean wantMeta = from != null || room > 0;
            long meta = 0;
            long addr = 0;
            IntBuffer m = null;
            if (wantMeta) {
                m = side.meta();
                m.put(ADDRLEN, Sockaddrs.STORAGE_SIZE);
                m.put(NFDS, Math.max(0, room - 1));
                meta = side.metaAddress();
                addr = side.addressAddress();
            }
            int flags = (messages ? WHOLE : 0) | (room > 0 ? CONTROL : 0);
            boolean block = s.enter(s.isBlocking());
            long n = 0;
            try {
                n = SockmsgNative.jipc_sockmsg_recv(s.handle.fd(), s.handle.guard(), at, len, addr, meta, flags,
                        block ? BLOCK : NOWAIT);
            } finally {
                Reference.reachabilityFence(target);
                s.exit(block, n == -Errno.WOKEN);
            }
            if (n == -Errno.EAGAIN) {
                return NOTHING;
            }
            // a message socket's end; a stream's end is a 0 of recvmsg(2), as read(2) has it
            boolean end = n == -RECV_END || n == 0 && s.type() == SocketType.STREAM;
            if (n == -RECV_END) {
                n = 0;
            }
            if (n < 0) {
                throw SocketCalls.failure(s, n, SocketCall.RECEIVE, null, 0);
            }
            if (messages && n > len) {
                closeAll(room > 0 ? adoptAll(s, m) : List.of());
                throw Errors.exception(-SocketCall.EMSGSIZE, SocketCall.RECEIVE, s.description(),
                        "a message of " + n + " bytes did not fit in the " + len + " bytes left in the buffer: it was cut"
                                + " (MSG_TRUNC) and the rest is lost; receive into a buffer as large as the largest message,"
                                + " or size it by nextMessageSize() first");
            }
            // The bytes go into dst before anything below can throw: they are received, and stay so.
            if (target != dst && n > 0) {
                dst.put(target.limit((int) n));
            } else if (n > 0) {
                dst.position(pos + (int) n);
            }
            List<Inheritable> handles = room > 0 ? adoptAll(s, m) : List.of();
            if (m != null && (m.get(FLAGS) & CTRUNC) != 0) {
                closeAll(handles);
                throw Errors.exception(-SocketCall.EMSGSIZE, SocketCall.RECEIVE, s.description(),
                        "more descriptors came than the " + (room - 1) + " there was room for (MSG_CTRUNC); every one"
                                + " that arrived was closed; the " + n + " bytes that came with them are in the buffer,"
                                + " its position moved past them; receive with room for more handles");
            }
            if (!wantMeta) {
                return n == 0 ? (end ? END : NOTHING) : ReceivedMessage.of((int) n, List.of(), null, null);
            }
            Credentials c = m.get(PID) < 0 ? null : Credentials.of(m.get(PID), m.get(UID), m.get(GID));
            SocketAddress sender = Sockaddrs.decode(side.address(), m.get(ADDRLEN));
            if (sender == null && from != null && s.domain() == SocketDomain.UNIX && s.type() == SocketType.DATAGRAM) {
                sender = UnixAddress.unnamed();
            }
            return ReceivedMessage.of(end && handles.isEmpty() ? -1 : (int) n, handles, c, sender);
        } finally {
            side.lock.unlock();
        }
    }

    private static List<Inheritable> adoptAll(IpcSocket s, IntBuffer m) throws IOException {
        int count = m.get(NFDS);
        List<Inheritable> out = new ArrayList<>(count);
        IOException failure = null;
        for (int i = 0; i < count; i++) {
            int fd = m.get(SocketSide.META_FDS + i);
            try {
                out.add(adopt(fd));
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        if (failure != null) {
            closeAll(out);
            throw failure;
        }
        return out;
    }

    private static void closeAll(List<Inheritable> handles) {
        for (Inheritable h : handles) {
            Handles.close(h);
        }
    }

    /**
     * Whether a file of a tmpfs lives in /dev/shm, where shm_open(3) makes
     * POSIX shared memory objects: the file system the descriptor is on is
     * /dev/shm's, whatever its path reads (a sender in another mount
     * namespace sees other paths). Any other tmpfs file is a file like another.
     */
    private static boolean inDevShm(int fd) {
        long[] st = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        if (DevShm.DEVICE < 0 || FileNative.jipc_file_stat(fd, st) < 0) {
            return true; // no /dev/shm to compare with: taken as POSIX shared memory, as the sender most likely meant
        }
        return st[FileNative.JIPC_FILE_STAT_DEVICE()] == DevShm.DEVICE;
    }

    /** The file system of /dev/shm, looked up once; negative if there is none. */
    private static final class DevShm {
        static final long DEVICE = FileNative.jipc_file_device(CStrings.of(Path.of("/dev/shm")));
    }

    /** A received descriptor as the jipc handle of its kind, or as an {@link OpenFile} if no other has its kind. */
    static Inheritable adopt(int fd) throws IOException {
        int kind = CommonNative.jipc_fd_kind(fd);
        if (kind == CommonNative.JIPC_FD_PIPE_READ()) {
            return new PipeSource(fd, "received pipe read end", true, false);
        }
        if (kind == CommonNative.JIPC_FD_PIPE_WRITE()) {
            return new PipeSink(fd, "received pipe write end", true, false);
        }
        int[] info = new int[3];
        if (SocketNative.jipc_socket_info(fd, info) == 0) {
            SocketDomain d = SocketDomain.of(info[0]);
            SocketType t = SocketType.of(info[1]);
            if (d != null && t != null) {
                return IpcSocket.adopt(fd, d, t, "received socket");
            }
            return OpenFile.adopt(fd); // a family or type jipc does not speak (netlink, packet, vsock...)
        } else if (EventfdNative.jipc_eventfd_is(fd) == 1) {
            return EventFd.adopt(fd, "received event counter (fd " + fd + ")");
        } else if (ShmNative.jipc_shm_seals(fd) >= 0) {
            if (MemoryFd.memoryFileKind(fd) == MemoryFd.MEMORY_FILE) {
                return MemoryFile.adopt(fd, "received memory file (fd " + fd + ")");
            }
            return inDevShm(fd) ? SharedMemory.adopt(fd) : OpenFile.adopt(fd); // no /proc: as POSIX shared memory
        }
        int access = MqNative.jipc_mq_check(fd);
        if (access >= 0) {
            return MessageQueue.adopt(fd, access);
        }
        return OpenFile.adopt(fd); // a file, directory, device or kernel object of a kind without a handle of its own
    }
}
