package io.github.jipc.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

import io.github.jipc.bench.jni.BenchNative;
import io.github.jipc.internal.jni.GuardNative;

/** What crossing into C costs: an empty JNI call, and one of jipc's trivial shims. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class JniCallBenchmark {

    /** A JavaCPP-bound static native calling an empty C function (the bench's own library). */
    @Benchmark
    public int emptyJniCall() {
        return BenchNative.jipc_bench_noop();
    }

    /** A trivial shim of jipc's own library (an atomic load: the wake signal in use). */
    @Benchmark
    public int jipcTrivialShim() {
        return GuardNative.jipc_guard_signal();
    }
}
