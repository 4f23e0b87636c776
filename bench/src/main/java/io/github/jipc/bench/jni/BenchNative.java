package io.github.jipc.bench.jni;

import java.nio.ByteBuffer;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Binding of {@code jipc_bench.h}: the raw C side of the benchmarks, bound
 * exactly as jipc binds its own shims (static natives, {@code @NoException},
 * addresses as {@code long}).
 */
@Platform(value = "linux", include = "jipc_bench.h", link = "jipc_bench", library = "jniJipcBench")
public final class BenchNative {
    static {
        BenchLibrary.load();
        Loader.load();
    }

    private BenchNative() {}

    @NoException public static native int jipc_bench_noop();
    @NoException public static native int jipc_bench_pipe(int[] fds);
    @NoException public static native int jipc_bench_socketpair(int[] fds);
    @NoException public static native int jipc_bench_econnreset();
    @NoException public static native int jipc_bench_close(int fd);
    @NoException public static native int jipc_bench_mq_unnamed(long maxmsg, long msgsize);
    @NoException public static native int jipc_bench_mq_send(int fd, @Cast("const void*") long buf, long len);
    @NoException public static native long jipc_bench_mq_receive(int fd, @Cast("void*") long buf, long len);
    @NoException public static native long jipc_bench_mq_timedreceive(int fd, @Cast("void*") long buf, long len, long timeoutMs);
    /** path: NUL-terminated UTF-8. */
    @NoException public static native int jipc_bench_open(@Cast("const char*") byte[] path, int write);
    @NoException public static native int jipc_bench_dup(int fd);
    @NoException public static native int jipc_bench_etimedout();
    @NoException public static native int jipc_bench_epipe();
    @NoException public static native long jipc_bench_write(int fd, @Cast("const void*") long buf, long len);
    @NoException public static native long jipc_bench_read(int fd, @Cast("void*") long buf, long len);
    @NoException public static native long jipc_bench_write_read(int wfd, int rfd, @Cast("void*") long buf, long len);
    @NoException public static native long jipc_bench_write_poll_read(int wfd, int rfd, @Cast("void*") long buf, long len);
    @NoException public static native long jipc_bench_write_read_loop(int wfd, int rfd, @Cast("void*") long buf,
            long len, long n);
    @NoException public static native int jipc_bench_pin(int tid, int cpu);
    @NoException public static native @Cast("intptr_t") long jipc_bench_address_of(@Cast("void*") ByteBuffer buffer);
}
