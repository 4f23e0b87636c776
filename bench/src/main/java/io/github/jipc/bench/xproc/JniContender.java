package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.HdrHistogram.Histogram;

import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.bench.jni.BenchNative;

/**
 * The control (pipes only): a JVM on each side, as for jipc, but every
 * read(2) and write(2) is one bare JNI call into the bench's own C library,
 * on blocking descriptors, with nothing around it: no lock, no handle, no
 * waker, no interruptible-channel bookkeeping. jipc / this is what jipc's own
 * Java and C layers cost; this / raw C is what running both sides in JVMs
 * costs, whatever library they use.
 *
 * <p>The parent makes the pipes with pipe2(2) and keeps its ends as plain
 * descriptors; the child's ends are handed over through jipc's
 * {@link io.github.jipc.Subprocess} (the child gets them as blocking descriptors 3 and 4).
 */
final class JniContender implements Contender {
    private static final int CHILD_IN_FD = 3;
    private static final int CHILD_OUT_FD = 4;

    @Override
    public String key() {
        return "jni";
    }

    @Override
    public String label(Mechanism mechanism) {
        return "control: bare JNI read/write on blocking pipe descriptors in both JVMs, nothing else";
    }

    @Override
    public boolean supports(Mechanism mechanism) {
        return mechanism == Mechanism.PIPE;
    }

    @Override
    public Latency roundTrips(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        int[] down = pipe();
        int[] up;
        try {
            up = pipe();
        } catch (IOException e) {
            BenchNative.jipc_bench_close(down[0]);
            BenchNative.jipc_bench_close(down[1]);
            throw e;
        }
        int parentOut = down[1];
        int parentIn = up[0];
        try (SpawnedJvm child = start(context, watchdog, down[0], up[1], "echo", String.valueOf(size),
                String.valueOf(CHILD_IN_FD), String.valueOf(CHILD_OUT_FD))) {
            // The child holds the only write end of up: killing it ends our read with end of stream.
            Latency l = pingPong(parentOut, parentIn, size, s.warmUp(), s.roundTrips());
            BenchNative.jipc_bench_close(parentOut);
            parentOut = -1;
            child.expectSuccess();
            return l;
        } finally {
            if (parentOut >= 0) {
                BenchNative.jipc_bench_close(parentOut);
            }
            BenchNative.jipc_bench_close(parentIn);
        }
    }

    @Override
    public Throughput stream(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        int[] p = pipe();
        int parentIn = p[0];
        try (SpawnedJvm child = start(context, watchdog, -1, p[1], "send", String.valueOf(size),
                String.valueOf(CHILD_OUT_FD))) {
            Throughput t = receive(parentIn, size, s.streamWarmUp().toNanos(), s.streamTime().toNanos());
            BenchNative.jipc_bench_close(parentIn); // the child's next write fails with EPIPE, and it ends
            parentIn = -1;
            child.expectSuccess();
            return t;
        } finally {
            if (parentIn >= 0) {
                BenchNative.jipc_bench_close(parentIn);
            }
        }
    }

    private static int[] pipe() throws IOException {
        int[] fds = new int[2];
        int r = BenchNative.jipc_bench_pipe(fds);
        if (r < 0) {
            throw new IOException("pipe2 failed: errno " + -r);
        }
        return fds;
    }

    /**
     * Starts JniChild with childIn (unless -1) as its fd 3 and childOut as its
     * fd 4. Both are closed in this process once the child has them, or on failure.
     */
    private static SpawnedJvm start(RunContext context, Watchdog watchdog, int childIn, int childOut, String... args)
            throws IOException {
        PipeSource in = null;
        PipeSink out = null;
        try {
            // From here jipc owns each descriptor (and closes it if adopting it fails past its checks).
            int fd = childIn;
            childIn = -1;
            in = fd < 0 ? null : PipeSource.inherited(fd);
            fd = childOut;
            childOut = -1;
            out = PipeSink.inherited(fd);
            PipeSource handIn = in;
            PipeSink handOut = out;
            return SpawnedJvm.start(context, watchdog, JniChild.class, b -> {
                if (handIn != null) {
                    b.inherit(handIn, CHILD_IN_FD);
                }
                b.inherit(handOut, CHILD_OUT_FD);
            }, args);
        } finally {
            if (childIn >= 0) {
                BenchNative.jipc_bench_close(childIn);
            }
            if (childOut >= 0) {
                BenchNative.jipc_bench_close(childOut);
            }
            if (in != null) {
                in.close();
            }
            if (out != null) {
                out.close();
            }
        }
    }

    static void writeFully(int fd, long address, int len) throws IOException {
        long done = 0;
        while (done < len) {
            long n = BenchNative.jipc_bench_write(fd, address + done, len - done);
            if (n < 0) {
                throw new IOException("write failed: errno " + -n);
            }
            done += n;
        }
    }

    /** Reads len bytes; false at end of stream before the first byte. */
    static boolean readFully(int fd, long address, int len) throws IOException {
        long got = 0;
        while (got < len) {
            long n = BenchNative.jipc_bench_read(fd, address + got, len - got);
            if (n < 0) {
                throw new IOException("read failed: errno " + -n);
            }
            if (n == 0) {
                if (got == 0) {
                    return false;
                }
                throw new EOFException("end of stream inside a message");
            }
            got += n;
        }
        return true;
    }

    /** Round trips with one JNI call per system call; the loop the C parent runs, in Java. */
    static Latency pingPong(int out, int in, int size, int warmUp, int count) throws IOException {
        ByteBuffer msg = Messages.direct(size);
        ByteBuffer reply = Messages.direct(size);
        long msgAddress = BenchNative.jipc_bench_address_of(msg);
        long replyAddress = BenchNative.jipc_bench_address_of(reply);
        Histogram h = Latency.histogram();
        long timedStart = 0;
        for (long i = -warmUp; i < count; i++) {
            long seq = i + warmUp;
            Messages.stamp(msg, seq);
            long t0 = System.nanoTime();
            writeFully(out, msgAddress, size);
            if (!readFully(in, replyAddress, size)) {
                throw new EOFException("the child ended before echoing message " + seq);
            }
            long t1 = System.nanoTime();
            Messages.check(reply, seq);
            if (i >= 0) {
                Latency.record(h, t1 - t0);
                if (i == 0) {
                    timedStart = t0;
                }
            }
        }
        return Latency.of(h, System.nanoTime() - timedStart);
    }

    static Throughput receive(int in, int size, long warmUpNanos, long windowNanos) throws IOException {
        ByteBuffer buf = Messages.direct(size);
        long address = BenchNative.jipc_bench_address_of(buf);
        long seq = 0;
        readMessage(in, buf, address, seq++);
        long first = System.nanoTime();
        while (System.nanoTime() - first < warmUpNanos) {
            readMessage(in, buf, address, seq++);
        }
        long start = System.nanoTime();
        long now;
        long messages = 0;
        do {
            readMessage(in, buf, address, seq++);
            messages++;
            now = System.nanoTime();
        } while (now - start < windowNanos);
        return new Throughput(messages, messages * size, now - start);
    }

    private static void readMessage(int in, ByteBuffer buf, long address, long seq) throws IOException {
        if (!readFully(in, address, buf.capacity())) {
            throw new EOFException("the stream ended before message " + seq);
        }
        Messages.check(buf, seq);
    }
}
