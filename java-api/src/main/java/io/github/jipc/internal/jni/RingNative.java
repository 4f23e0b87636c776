package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/**
 * Binding of {@code jipc_ring.h}: the message ring's layout, its initialization and process
 * liveness. The ring's hot paths are plain Java on the region's buffer; nothing here runs per message.
 */
@Platform(value = "linux", include = "jipc_ring.h", link = "jipc", library = "jniJipc")
public final class RingNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private RingNative() {}

    @NoException public static native void jipc_ring_layout(int[] out);
    @NoException public static native int jipc_ring_init(@Cast("void*") long mem, @Cast("size_t") long length,
            @Cast("uint32_t") int capacity, @Cast("uint32_t") int maxMessage, int kind);
    @NoException public static native long jipc_ring_process_start(int pid);
    @NoException public static native int jipc_ring_process_alive(int pid, long start);

    @MemberGetter public static native int EBADMSG();
    @MemberGetter public static native int EUSERS();
}
