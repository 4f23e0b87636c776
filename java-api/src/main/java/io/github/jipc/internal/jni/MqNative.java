package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_mq.h}: POSIX message queues. Names are NUL-terminated UTF-8. */
@Platform(value = "linux", include = "jipc_mq.h", link = "jipc", library = "jniJipc")
public final class MqNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private MqNative() {}

    @NoException public static native int jipc_mq_open(@Cast("const char*") byte[] name, int how, int access, int mode,
            long maxmsg, long msgsize, int[] created);
    @NoException public static native int jipc_mq_unlink(@Cast("const char*") byte[] name);
    @NoException public static native int jipc_mq_send(int fd, @Cast("jipc_guard*") long guard, @Cast("const void*") long buf,
            long len, int prio, long timeoutNs);
    @NoException public static native int jipc_mq_send(int fd, @Cast("jipc_guard*") long guard, @Cast("const void*") byte[] buf,
            long len, int prio, long timeoutNs);
    @NoException public static native long jipc_mq_receive(int fd, @Cast("jipc_guard*") long guard, @Cast("void*") long buf,
            long len, long timeoutNs);
    @NoException public static native long jipc_mq_receive(int fd, @Cast("jipc_guard*") long guard, @Cast("void*") byte[] buf,
            long len, long timeoutNs);
    @NoException public static native int jipc_mq_getattr(int fd, @Cast("long*") long[] out);
    @NoException public static native int jipc_mq_setattr(int fd, int nonblocking);
    @NoException public static native int jipc_mq_check(int fd);
    @NoException public static native int jipc_mq_notify(int fd);
    @NoException public static native int jipc_mq_notify_cancel(int fd);
    @NoException public static native int jipc_mq_notify_wait(int sock, @Cast("jipc_guard*") long guard, long timeoutNs);

    @MemberGetter public static native int JIPC_MQ_OPEN();
    @MemberGetter public static native int JIPC_MQ_CREATE();
    @MemberGetter public static native int JIPC_MQ_EXCLUSIVE();
    @MemberGetter public static native int JIPC_MQ_PRIO_MAX();
    @MemberGetter public static native int JIPC_MQ_NOTIFY_TIMEOUT();
    @MemberGetter public static native int JIPC_MQ_NOTIFY_ARRIVED();
    @MemberGetter public static native int JIPC_MQ_NOTIFY_REMOVED();
    @MemberGetter public static native int NAME_MAX();

    @MemberGetter public static native int O_RDONLY();
    @MemberGetter public static native int O_WRONLY();
    @MemberGetter public static native int O_RDWR();
    @MemberGetter public static native int O_NONBLOCK();

    @MemberGetter public static native int ETIMEDOUT();
    @MemberGetter public static native int EMSGSIZE();
    @MemberGetter public static native int ENOSPC();
    @MemberGetter public static native int EBADF();
    @MemberGetter public static native int ENAMETOOLONG();
}
