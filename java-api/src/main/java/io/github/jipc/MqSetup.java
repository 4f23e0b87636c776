package io.github.jipc;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.Modes;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.MqNative;

/**
 * How a {@link MessageQueue} comes to be and goes: opened or created by name,
 * created unnamed, inherited; its name checked and unlinked; its attributes read.
 */
final class MqSetup {
    private MqSetup() {}

    /** Opens or creates a named queue; how is JIPC_MQ_OPEN, _CREATE or _EXCLUSIVE, attributes 0 for the defaults (checked by the caller). */
    static MessageQueue open(String name, int how, Set<PosixFilePermission> permissions, long maxMessages,
            int messageSize, MessageQueueOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        String n = checkName(name);
        int mode = Modes.toMode(permissions);
        Set<MessageQueueOption> opts = EnumSet.noneOf(MessageQueueOption.class);
        for (MessageQueueOption o : options) {
            opts.add(Objects.requireNonNull(o, "option"));
        }
        if (opts.contains(MessageQueueOption.READ_ONLY) && opts.contains(MessageQueueOption.WRITE_ONLY)) {
            throw new IllegalArgumentException("READ_ONLY and WRITE_ONLY exclude each other; the default is read-write");
        }
        int access = opts.contains(MessageQueueOption.READ_ONLY) ? MqNative.O_RDONLY()
                : opts.contains(MessageQueueOption.WRITE_ONLY) ? MqNative.O_WRONLY() : MqNative.O_RDWR();
        int fd = openFd(n, n, how, mode, access, maxMessages, messageSize);
        return new MessageQueue(fd, n, "message queue " + n, access, !opts.contains(MessageQueueOption.NON_BLOCKING));
    }

    static MessageQueue createUnnamed(long maxMessages, int messageSize) throws IOException {
        checkAttributes(maxMessages, messageSize);
        NativeLibrary.ensureAvailable();
        Set<PosixFilePermission> owner = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (int attempt = 0;; attempt++) {
            String n = "/jipc-unnamed-" + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong());
            int fd;
            try {
                fd = openFd(n, "unnamed message queue (made as " + n + ")", MqNative.JIPC_MQ_EXCLUSIVE(),
                        Modes.toMode(owner), MqNative.O_RDWR(), maxMessages, messageSize);
            } catch (FileAlreadyExistsException e) {
                if (attempt < 10) {
                    continue;
                }
                throw e;
            }
            int r = MqNative.jipc_mq_unlink(CStrings.of("name", n));
            if (r < 0) {
                CommonNative.jipc_close(fd);
                throw Errors.exception(r, MqCall.MQ_UNLINK, n, 0L, Access.queue(n));
            }
            return new MessageQueue(fd, null, "unnamed message queue (fd " + fd + ")", MqNative.O_RDWR(), true);
        }
    }

    static MessageQueue inherited(int fd) throws IOException {
        NativeLibrary.ensureAvailable();
        FdHandle.requireInheritable(fd);
        int access = MqNative.jipc_mq_check(fd);
        if (access == -Errno.EINVAL) {
            throw new IllegalArgumentException("inherited fd " + fd + " is not a message queue descriptor");
        }
        if (access < 0) {
            throw Errors.exception(access, MqCall.FCNTL, "inherited fd " + fd, "the parent did not hand this descriptor over");
        }
        int r = CommonNative.jipc_set_cloexec(fd, 1);
        if (r < 0) {
            throw Errors.exception(r, MqCall.FCNTL, "inherited fd " + fd);
        }
        return new MessageQueue(fd, null, "inherited message queue (fd " + fd + ")", access, true);
    }

    static int openFd(String n, String object, int how, int mode, int access, long maxMessages,
            int messageSize) throws IOException {
        int fd = MqNative.jipc_mq_open(CStrings.of("name", n), how, access, mode, maxMessages, messageSize, new int[1]);
        if (fd < 0) {
            boolean creating = how != MqNative.JIPC_MQ_OPEN();
            if (fd == -Errno.EACCES) {
                throw Errors.exception(fd, MqCall.MQ_OPEN, object, 0L, Access.queue(n));
            }
            throw Errors.exception(fd, MqCall.MQ_OPEN, object, MqCall.openHint(-fd, creating, maxMessages, messageSize));
        }
        return fd;
    }

    static void checkAttributes(long maxMessages, int messageSize) {
        if (maxMessages < 1 || messageSize < 1) {
            throw new IllegalArgumentException("a queue holds at least 1 message of at least 1 byte, got maxMessages "
                    + maxMessages + ", messageSize " + messageSize);
        }
    }

    /**
     * "/name" for "name" or "/name"; one component of 1 to NAME_MAX bytes, not "." or ".." (the kernel
     * refuses those with EACCES: they name the queue directory and its parent).
     */
    static String checkName(String name) {
        return PosixNames.check(name, "message queue", MqNative.NAME_MAX(),
                "name the queue directory and its parent, never a queue", "");
    }

    static void unlink(String name) throws IOException {
        NativeLibrary.ensureAvailable();
        String n = checkName(name);
        int r = MqNative.jipc_mq_unlink(CStrings.of("name", n));
        if (r < 0) {
            throw Errors.exception(r, MqCall.MQ_UNLINK, n, 0L, Access.queue(n));
        }
    }

    static MessageQueueAttributes attributes(MessageQueue q) throws IOException {
        if (!q.handle.acquire()) {
            throw new ClosedChannelException();
        }
        long[] a = new long[4];
        int r;
        try {
            r = MqNative.jipc_mq_getattr(q.handle.fd(), a);
        } finally {
            q.handle.release();
        }
        if (r < 0) {
            throw Errors.exception(r, MqCall.MQ_GETATTR, q.description());
        }
        return new MessageQueueAttributes(a[1], a[2], a[3], (a[0] & MqNative.O_NONBLOCK()) != 0);
    }
}
