package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_fifo.h}: named pipes. Paths are NUL-terminated UTF-8. */
@Platform(value = "linux", include = "jipc_fifo.h", link = "jipc", library = "jniJipc")
public final class FifoNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private FifoNative() {}

    @NoException public static native int jipc_fifo_create(@Cast("const char*") byte[] path, int mode);
    @NoException public static native int jipc_fifo_check(@Cast("const char*") byte[] path);
    @NoException public static native int jipc_fifo_open(@Cast("const char*") byte[] path, int forWrite);
    @NoException public static native int jipc_fifo_has_writer(int fd);
    @NoException public static native int jipc_fifo_remove(@Cast("const char*") byte[] path);
}
