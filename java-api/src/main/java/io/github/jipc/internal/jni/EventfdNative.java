package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_eventfd.h}: event counters. */
@Platform(value = "linux", include = "jipc_eventfd.h", link = "jipc", library = "jniJipc")
public final class EventfdNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private EventfdNative() {}

    @NoException public static native int jipc_eventfd_create(@Cast("unsigned int") int initial, int semaphore);
    @NoException public static native int jipc_eventfd_read(int fd, @Cast("jipc_guard*") long guard, @Cast("uint64_t*") long value, int mode);
    @NoException public static native int jipc_eventfd_write(int fd, @Cast("jipc_guard*") long guard, @Cast("uint64_t") long value, int mode);
    @NoException public static native int jipc_eventfd_is(int fd);

    @MemberGetter public static native int JIPC_EVENTFD_NOWAIT();
    @MemberGetter public static native int JIPC_EVENTFD_BLOCK();
}
