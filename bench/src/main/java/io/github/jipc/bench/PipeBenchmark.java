package io.github.jipc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.github.jipc.Pipe;
import io.github.jipc.bench.jni.BenchNative;

/**
 * One write of a small message into a pipe and one read of it back, in one
 * thread of one process: jipc against the same system calls made from C, and
 * against the JDK's own {@link java.nio.channels.Pipe}. Each operation moves
 * {@code size} bytes in and out; run with {@code -prof gc} to see the bytes
 * allocated per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class PipeBenchmark {
    /** Operations of the all-C loop per benchmark invocation. */
    static final int C_LOOP = 1000;

    @Param("64")
    int size;

    Pipe jipc;
    ByteBuffer jipcOut;
    ByteBuffer jipcIn;

    RawPipe raw;

    java.nio.channels.Pipe jdk;
    ByteBuffer jdkOut;
    ByteBuffer jdkIn;

    @Setup(Level.Trial)
    public void open() throws IOException {
        jipc = Pipe.open();
        jipcOut = ByteBuffer.allocateDirect(size);
        jipcIn = ByteBuffer.allocateDirect(size);
        raw = new RawPipe(size);
        jdk = java.nio.channels.Pipe.open();
        jdkOut = ByteBuffer.allocateDirect(size);
        jdkIn = ByteBuffer.allocateDirect(size);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        jipc.close();
        raw.close();
        jdk.sink().close();
        jdk.source().close();
    }

    /** jipc: PipeSink.write then PipeSource.read, direct buffers, blocking ends (two JNI calls). */
    @Benchmark
    public int jipcWriteRead() throws IOException {
        jipc.sink().write(jipcOut.clear());
        return jipc.source().read(jipcIn.clear());
    }

    /** Raw C: write(2) then read(2) in one C function, one JNI call per operation. */
    @Benchmark
    public long rawCWriteRead() {
        return BenchNative.jipc_bench_write_read(raw.writeFd, raw.readFd, raw.address, size);
    }

    /** Raw C, called as jipc calls it: one JNI call for write(2), one for read(2). */
    @Benchmark
    public long rawCWriteThenRead() {
        BenchNative.jipc_bench_write(raw.writeFd, raw.address, size);
        return BenchNative.jipc_bench_read(raw.readFd, raw.address, size);
    }

    /** Raw C making jipc's system calls: write(2), poll(2), read(2) in one C function, one JNI call. */
    @Benchmark
    public long rawCWritePollRead() {
        return BenchNative.jipc_bench_write_poll_read(raw.writeFd, raw.readFd, raw.address, size);
    }

    /** Raw C with no JNI in the loop: C_LOOP write(2)+read(2) pairs per call. */
    @Benchmark
    @OperationsPerInvocation(C_LOOP)
    public long rawCLoop() {
        return BenchNative.jipc_bench_write_read_loop(raw.writeFd, raw.readFd, raw.address, size, C_LOOP);
    }

    /** The JDK's java.nio.channels.Pipe, direct buffers: what a JVM user has without jipc. */
    @Benchmark
    public int jdkPipeWriteRead() throws IOException {
        jdk.sink().write(jdkOut.clear());
        return jdk.source().read(jdkIn.clear());
    }
}
