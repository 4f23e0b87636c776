package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_poll.h}: readiness of many descriptors (epoll). */
@Platform(value = "linux", include = "jipc_poll.h", link = "jipc", library = "jniJipc")
public final class PollNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private PollNative() {}

    @NoException public static native int jipc_poll_create();
    @NoException public static native int jipc_poll_ctl(int epfd, int op, int fd, int events, long id);
    @NoException public static native int jipc_poll_wait(int epfd, @Cast("jipc_guard*") long guard, @Cast("long*") long out, int max, int timeoutMs);

    @MemberGetter public static native int JIPC_POLL_IN();
    @MemberGetter public static native int JIPC_POLL_OUT();
    @MemberGetter public static native int JIPC_POLL_HUP();
    @MemberGetter public static native int JIPC_POLL_ERR();
    @MemberGetter public static native int JIPC_POLL_ADD();
    @MemberGetter public static native int JIPC_POLL_MODIFY();
    @MemberGetter public static native int JIPC_POLL_REMOVE();
    @MemberGetter public static native int JIPC_POLL_MAX_EVENTS();
}
