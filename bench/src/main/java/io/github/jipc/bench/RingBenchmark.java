package io.github.jipc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.github.jipc.MemoryFile;
import io.github.jipc.MessageRing;
import io.github.jipc.RingConsumer;
import io.github.jipc.RingKind;
import io.github.jipc.RingProducer;
import io.github.jipc.SharedRegion;

/**
 * The message ring's hot path in one thread: claim, write a message in place,
 * commit, then read it in place and release it (and the copying forms), in a
 * single- and a multi-producer ring. No other process waits, so no futex call
 * is ever made: what is left is the ring's own work. Run with {@code -prof gc}
 * to see the bytes allocated per operation (0).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class RingBenchmark {
    @Param("64")
    int size;

    @Param({ "SINGLE_PRODUCER", "MULTI_PRODUCER" })
    RingKind kind;

    MemoryFile memory;
    SharedRegion region;
    RingProducer producer;
    RingConsumer consumer;
    ByteBuffer out;
    ByteBuffer in;
    ByteBuffer copy;
    ByteBuffer received;
    long seq;

    @Setup(Level.Trial)
    public void open() throws IOException {
        memory = MemoryFile.create("jipc-ring-bench", MessageRing.size(1 << 16) + 4096);
        region = memory.map();
        MessageRing ring = MessageRing.create(region, 0, kind, 1 << 16, 1024);
        producer = ring.producer();
        consumer = ring.consumer();
        out = producer.buffer();
        in = consumer.buffer();
        copy = ByteBuffer.allocateDirect(size);
        received = ByteBuffer.allocateDirect(size);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        producer.close();
        consumer.close();
        region.close();
        memory.close();
    }

    /** Zero-copy: claim, two longs in place, commit; read, two longs in place, release. */
    @Benchmark
    public long claimCommitReadRelease() throws IOException {
        long s = seq++;
        int at = producer.claim(size);
        out.putLong(at, s).putLong(at + size - Long.BYTES, ~s);
        producer.commit();
        int got = consumer.poll();
        long v = in.getLong(got) ^ in.getLong(got + consumer.length() - Long.BYTES);
        consumer.release();
        return v;
    }

    /** Copying: offer a direct buffer, receive into another. */
    @Benchmark
    public int offerReceive() throws IOException {
        producer.offer(copy.clear());
        return consumer.tryReceive(received.clear());
    }
}
