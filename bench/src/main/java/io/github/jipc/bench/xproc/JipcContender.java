package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

import org.HdrHistogram.Histogram;

import io.github.jipc.Fifo;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * jipc between two JVMs: the child ({@link JipcChild}) is started with
 * {@link io.github.jipc.Subprocess} and inherits pipe ends as descriptors 3 and 4, or opens
 * FIFOs by path. Blocking ends, direct buffers, as a jipc user would write it.
 */
final class JipcContender implements Contender {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int CHILD_IN_FD = 3;
    private static final int CHILD_OUT_FD = 4;

    @Override
    public String key() {
        return "jipc";
    }

    @Override
    public String label(Mechanism mechanism) {
        return mechanism == Mechanism.PIPE ? "jipc Pipe, child JVM inherits the ends" : "jipc Fifo, child JVM opens by path";
    }

    @Override
    public Latency roundTrips(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        if (mechanism == Mechanism.PIPE) {
            try (Pipe down = Pipe.open(); Pipe up = Pipe.open()) {
                try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class,
                        b -> b.inherit(down.source(), CHILD_IN_FD).inherit(up.sink(), CHILD_OUT_FD),
                        "echo", "pipe", String.valueOf(size), String.valueOf(CHILD_IN_FD), String.valueOf(CHILD_OUT_FD))) {
                    // The child holds these ends now; ours would keep end of stream from happening.
                    down.source().close();
                    up.sink().close();
                    watchdog.onExpiry(down);
                    watchdog.onExpiry(up);
                    Latency l = pingPong(down.sink(), up.source(), size, s.warmUp(), s.roundTrips());
                    down.sink().close();
                    child.expectSuccess();
                    return l;
                }
            }
        }
        Fifo toChild = Fifo.create(context.newPath("jipc-to-child", ".fifo"), OWNER_ONLY);
        try {
            Fifo fromChild = Fifo.create(context.newPath("jipc-from-child", ".fifo"), OWNER_ONLY);
            try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class, b -> { }, "echo", "fifo", String.valueOf(size),
                    toChild.path().toString(), fromChild.path().toString())) {
                // The child opens its read end first, then waits for our read end to open its write end.
                Latency l;
                try (PipeSink out = toChild.openSink(s.timeout()); PipeSource in = fromChild.openSource()) {
                    watchdog.onExpiry(out);
                    watchdog.onExpiry(in);
                    l = pingPong(out, in, size, s.warmUp(), s.roundTrips());
                } // closing out: the child reads end of stream and ends
                child.expectSuccess();
                return l;
            } finally {
                fromChild.removeIfExists();
            }
        } finally {
            toChild.removeIfExists();
        }
    }

    @Override
    public Throughput stream(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        if (mechanism == Mechanism.PIPE) {
            try (Pipe pipe = Pipe.open()) {
                try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class, b -> b.inherit(pipe.sink(), CHILD_OUT_FD),
                        "send", "pipe", String.valueOf(size), String.valueOf(CHILD_OUT_FD))) {
                    pipe.sink().close();
                    watchdog.onExpiry(pipe);
                    Throughput t = receive(pipe.source(), size, s.streamWarmUp(), s.streamTime());
                    pipe.source().close(); // the child's next write fails with EPIPE, and it ends
                    child.expectSuccess();
                    return t;
                }
            }
        }
        Fifo fifo = Fifo.create(context.newPath("jipc-stream", ".fifo"), OWNER_ONLY);
        try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class, b -> { }, "send", "fifo", String.valueOf(size),
                fifo.path().toString())) {
            Throughput t;
            try (PipeSource in = fifo.openSource()) {
                watchdog.onExpiry(in);
                t = receive(in, size, s.streamWarmUp(), s.streamTime());
            } // the child's next write fails with EPIPE, and it ends
            child.expectSuccess();
            return t;
        } finally {
            fifo.removeIfExists();
        }
    }

    /** Round trips through jipc ends; the loop the C parent runs, in Java. */
    static Latency pingPong(PipeSink out, PipeSource in, int size, int warmUp, int count) throws IOException {
        ByteBuffer msg = Messages.direct(size);
        ByteBuffer reply = Messages.direct(size);
        Histogram h = Latency.histogram();
        long timedStart = 0;
        for (long i = -warmUp; i < count; i++) {
            long seq = i + warmUp;
            Messages.stamp(msg, seq);
            msg.clear();
            reply.clear();
            long t0 = System.nanoTime();
            do {
                out.write(msg);
            } while (msg.hasRemaining());
            do {
                if (in.read(reply) < 0) {
                    throw new EOFException("the child ended before echoing message " + seq);
                }
            } while (reply.hasRemaining());
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

    /** Reads and checks messages: warmUp long, then counts those that arrive within window. */
    static Throughput receive(PipeSource in, int size, Duration warmUp, Duration window) throws IOException {
        ByteBuffer buf = Messages.direct(size);
        long seq = 0;
        readMessage(in, buf, seq++);
        long first = System.nanoTime();
        while (System.nanoTime() - first < warmUp.toNanos()) {
            readMessage(in, buf, seq++);
        }
        long start = System.nanoTime();
        long now;
        long messages = 0;
        do {
            readMessage(in, buf, seq++);
            messages++;
            now = System.nanoTime();
        } while (now - start < window.toNanos());
        return new Throughput(messages, messages * size, now - start);
    }

    private static void readMessage(PipeSource in, ByteBuffer buf, long seq) throws IOException {
        buf.clear();
        do {
            if (in.read(buf) < 0) {
                throw new EOFException("the stream ended before message " + seq);
            }
        } while (buf.hasRemaining());
        Messages.check(buf, seq);
    }
}
