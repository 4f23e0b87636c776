package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_pipe.h}: unnamed pipes and the byte-stream I/O of pipe and FIFO ends. */
@Platform(value = "linux", include = "jipc_pipe.h", link = "jipc", library = "jniJipc")
public final class PipeNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private PipeNative() {}

    @NoException public static native int jipc_pipe_create(int[] fds);
    @NoException public static native long jipc_pipe_read(int fd, @Cast("jipc_guard*") long guard, @Cast("void*") long buf, long len, int mode);
    @NoException public static native long jipc_pipe_write(int fd, @Cast("jipc_guard*") long guard, @Cast("const void*") long buf, long len, int mode);
    @NoException public static native long jipc_pipe_readv(int fd, @Cast("jipc_guard*") long guard, @Cast("struct iovec*") long iov, int cnt, int mode);
    @NoException public static native long jipc_pipe_writev(int fd, @Cast("jipc_guard*") long guard, @Cast("struct iovec*") long iov, int cnt, int mode);
    @NoException public static native int jipc_pipe_capacity(int fd);
    @NoException public static native int jipc_pipe_set_capacity(int fd, int size);
    @NoException public static native int jipc_pipe_available(int fd);
    @NoException public static native int jipc_pipe_nowait(int fd);
    @NoException public static native int jipc_pipe_hung_up(int fd);

    @MemberGetter public static native int JIPC_IO_NOWAIT();
    @MemberGetter public static native int JIPC_IO_BLOCK();
    @MemberGetter public static native int JIPC_IO_NONBLOCK_FD();
    @MemberGetter public static native int JIPC_IO_TRY();
    @MemberGetter public static native int JIPC_IO_WAIT();
}
