package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.github.jipc.Fifo;

/**
 * What a JVM user would pick without jipc. For a pipe between two JVMs the
 * JDK has only {@link Process}'s standard streams: a {@link ProcessBuilder}
 * child with {@link Redirect#PIPE}, which talks through its stdin and stdout
 * ({@link JdkChild}). A FIFO the JDK cannot make, but it can open one by path:
 * {@link FileChannel#open} with direct buffers on both sides (the FIFOs
 * themselves are made as mkfifo(1) would, here with jipc).
 */
final class JdkContender implements Contender {

    @Override
    public String key() {
        return "jdk";
    }

    @Override
    public String label(Mechanism mechanism) {
        return mechanism == Mechanism.PIPE ? "JDK: Process stdin/stdout (ProcessBuilder Redirect.PIPE)"
                : "JDK: FileChannel.open on the FIFO path";
    }

    @Override
    public Latency roundTrips(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        if (mechanism == Mechanism.PIPE) {
            try (Child child = Child.start(context, watchdog, true, "echo", "pipe", String.valueOf(size))) {
                OutputStream out = child.process.getOutputStream();
                InputStream in = child.process.getInputStream();
                Latency l = pingPong(out, in, size, s.warmUp(), s.roundTrips());
                out.close(); // the child reads end of stream and ends
                child.expectSuccess();
                return l;
            }
        }
        Fifo toChild = Fifo.create(context.newPath("jdk-to-child", ".fifo"), JipcContender.OWNER_ONLY);
        try {
            Fifo fromChild = Fifo.create(context.newPath("jdk-from-child", ".fifo"), JipcContender.OWNER_ONLY);
            try (Child child = Child.start(context, watchdog, false, "echo", "fifo", String.valueOf(size),
                    toChild.path().toString(), fromChild.path().toString())) {
                watchdog.satisfyFifoOpensOnExpiry(toChild.path(), fromChild.path());
                // open(2) of a FIFO waits for the other side; both processes open in the same order.
                Latency l;
                try (FileChannel out = guarded(watchdog, FileChannel.open(toChild.path(), StandardOpenOption.WRITE));
                     FileChannel in = guarded(watchdog, FileChannel.open(fromChild.path(), StandardOpenOption.READ))) {
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
            try (Child child = Child.start(context, watchdog, true, "send", "pipe", String.valueOf(size))) {
                child.process.getOutputStream().close();
                InputStream in = child.process.getInputStream();
                Throughput t = receive(in, size, s.streamWarmUp(), s.streamTime());
                in.close(); // the child's next write fails with EPIPE, and it ends
                child.expectSuccess();
                return t;
            }
        }
        Fifo fifo = Fifo.create(context.newPath("jdk-stream", ".fifo"), JipcContender.OWNER_ONLY);
        try (Child child = Child.start(context, watchdog, false, "send", "fifo", String.valueOf(size),
                fifo.path().toString())) {
            watchdog.satisfyFifoOpensOnExpiry(fifo.path());
            Throughput t;
            try (FileChannel in = guarded(watchdog, FileChannel.open(fifo.path(), StandardOpenOption.READ))) {
                t = receive(in, size, s.streamWarmUp(), s.streamTime());
            } // the child's next write fails with EPIPE, and it ends
            child.expectSuccess();
            return t;
        } finally {
            fifo.removeIfExists();
        }
    }

    private static FileChannel guarded(Watchdog watchdog, FileChannel channel) {
        watchdog.onExpiry(channel);
        return channel;
    }

    /** Round trips through Process streams: write and flush, then read the echo whole. */
    static Latency pingPong(OutputStream out, InputStream in, int size, int warmUp, int count) throws IOException {
        byte[] msg = Messages.array(size);
        byte[] reply = new byte[size];
        Histogram h = Latency.histogram();
        long timedStart = 0;
        for (long i = -warmUp; i < count; i++) {
            long seq = i + warmUp;
            Messages.stamp(msg, seq);
            long t0 = System.nanoTime();
            out.write(msg);
            out.flush();
            if (in.readNBytes(reply, 0, size) < size) {
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

    /** Round trips through FileChannels on FIFOs, direct buffers. */
    static Latency pingPong(FileChannel out, FileChannel in, int size, int warmUp, int count) throws IOException {
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

    static Throughput receive(InputStream in, int size, Duration warmUp, Duration window) throws IOException {
        byte[] buf = new byte[size];
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

    private static void readMessage(InputStream in, byte[] buf, long seq) throws IOException {
        if (in.readNBytes(buf, 0, buf.length) < buf.length) {
            throw new EOFException("the stream ended before message " + seq);
        }
        Messages.check(buf, seq);
    }

    static Throughput receive(FileChannel in, int size, Duration warmUp, Duration window) throws IOException {
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

    private static void readMessage(FileChannel in, ByteBuffer buf, long seq) throws IOException {
        buf.clear();
        do {
            if (in.read(buf) < 0) {
                throw new EOFException("the stream ended before message " + seq);
            }
        } while (buf.hasRemaining());
        Messages.check(buf, seq);
    }

    /** A ProcessBuilder child JVM running JdkChild; stderr (and stdout unless piped) to a log. */
    static final class Child implements AutoCloseable {
        final Process process;
        private final Path log;
        private final Watchdog watchdog;
        private final Duration timeout;

        private Child(Process process, Path log, Watchdog watchdog, Duration timeout) {
            this.process = process;
            this.log = log;
            this.watchdog = watchdog;
            this.timeout = timeout;
        }

        static Child start(RunContext context, Watchdog watchdog, boolean pipes, String... args) throws IOException {
            Path log = context.newPath("jdk-child", ".log");
            List<String> cmd = new ArrayList<>(RunContext.javaCommand(JdkChild.class.getName()));
            cmd.addAll(List.of(args));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectError(Redirect.appendTo(log.toFile()));
            if (!pipes) {
                b.redirectInput(Redirect.from(new java.io.File("/dev/null"))).redirectOutput(Redirect.appendTo(log.toFile()));
            }
            watchdog.onClose(() -> java.nio.file.Files.deleteIfExists(log));
            Child child = new Child(b.start(), log, watchdog, context.settings.timeout());
            try {
                watchdog.onExpiry(child.process::destroyForcibly);
                watchdog.onExpiry(() -> {
                    child.process.getOutputStream().close();
                    child.process.getInputStream().close();
                });
            } catch (RuntimeException e) {
                child.close(); // expired already: reap what the watchdog killed
                throw e;
            }
            return child;
        }

        void expectSuccess() throws InterruptedException {
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            watchdog.check();
            if (!ended) {
                throw new IllegalStateException("the JDK child " + process.pid() + " still runs" + RunContext.tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the JDK child " + process.pid() + " exited with " + process.exitValue()
                        + RunContext.tail(log));
            }
        }

        /** Closes the pipes to the child, kills it if it still runs, and reaps it. */
        @Override
        public void close() throws IOException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // A pipe to a dead child may fail to flush; the child is gone either way.
            }
            process.getInputStream().close();
            process.destroyForcibly();
            try {
                if (!process.waitFor(RunContext.REAP_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the JDK child " + process.pid() + " could not be reaped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reaping the JDK child " + process.pid());
            }
        }
    }
}
