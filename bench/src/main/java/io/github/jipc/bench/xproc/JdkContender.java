package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
                Latency l = new StreamWire(out, in, size).pingPong(s);
                out.close(); // the child reads end of stream and ends
                child.expectSuccess();
                return l;
            }
        }
        try (RunFifos fifos = new RunFifos(context)) {
            Fifo toChild = fifos.create("jdk-to-child");
            Fifo fromChild = fifos.create("jdk-from-child");
            try (Child child = Child.start(context, watchdog, false, "echo", "fifo", String.valueOf(size),
                    toChild.path().toString(), fromChild.path().toString())) {
                watchdog.satisfyFifoOpensOnExpiry(toChild.path(), fromChild.path());
                // open(2) of a FIFO waits for the other side; both processes open in the same order.
                Latency l;
                try (FileChannel out = guarded(watchdog, FileChannel.open(toChild.path(), StandardOpenOption.WRITE));
                     FileChannel in = guarded(watchdog, FileChannel.open(fromChild.path(), StandardOpenOption.READ))) {
                    l = new ChannelWire(out, in, size).pingPong(s);
                } // closing out: the child reads end of stream and ends
                child.expectSuccess();
                return l;
            }
        }
    }

    @Override
    public Throughput stream(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        if (mechanism == Mechanism.PIPE) {
            try (Child child = Child.start(context, watchdog, true, "send", "pipe", String.valueOf(size))) {
                child.process.getOutputStream().close();
                InputStream in = child.process.getInputStream();
                Throughput t = new StreamWire(null, in, size).receive(size, s);
                in.close(); // the child's next write fails with EPIPE, and it ends
                child.expectSuccess();
                return t;
            }
        }
        try (RunFifos fifos = new RunFifos(context)) {
            Fifo fifo = fifos.create("jdk-stream");
            try (Child child = Child.start(context, watchdog, false, "send", "fifo", String.valueOf(size),
                    fifo.path().toString())) {
                watchdog.satisfyFifoOpensOnExpiry(fifo.path());
                Throughput t;
                try (FileChannel in = guarded(watchdog, FileChannel.open(fifo.path(), StandardOpenOption.READ))) {
                    t = new ChannelWire(in, size).receive(size, s);
                } // the child's next write fails with EPIPE, and it ends
                child.expectSuccess();
                return t;
            }
        }
    }

    private static FileChannel guarded(Watchdog watchdog, FileChannel channel) {
        watchdog.onExpiry(channel);
        return channel;
    }

    /** Messages through Process streams: write and flush, read whole. */
    private static final class StreamWire extends Wire {
        private final OutputStream out;
        private final InputStream in;
        private final byte[] msg;
        private final byte[] reply;

        StreamWire(OutputStream out, InputStream in, int size) {
            this.out = out;
            this.in = in;
            this.msg = out == null ? null : Messages.array(size);
            this.reply = new byte[size];
        }

        @Override
        void stamp(long seq) {
            Messages.stamp(msg, seq);
        }

        @Override
        void write() throws IOException {
            out.write(msg);
            out.flush();
        }

        @Override
        boolean read() throws IOException {
            return in.readNBytes(reply, 0, reply.length) == reply.length;
        }

        @Override
        void check(long seq) {
            Messages.check(reply, seq);
        }
    }

    /** A ProcessBuilder child JVM running JdkChild; stderr (and stdout unless piped) to a log. */
    static final class Child extends ChildJvm {
        final Process process;

        private Child(Process process, Path log, Watchdog watchdog, Duration timeout) {
            super("the JDK child", log, watchdog, timeout);
            this.process = process;
        }

        static Child start(RunContext context, Watchdog watchdog, boolean pipes, String... args) throws IOException {
            Path log = newLog(context, watchdog, "jdk-child");
            List<String> cmd = new ArrayList<>(RunContext.javaCommand(JdkChild.class.getName()));
            cmd.addAll(List.of(args));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectError(Redirect.appendTo(log.toFile()));
            if (!pipes) {
                b.redirectInput(Redirect.from(new java.io.File("/dev/null"))).redirectOutput(Redirect.appendTo(log.toFile()));
            }
            Child child = new Child(b.start(), log, watchdog, context.settings.timeout());
            child.onExpiry(child.process::destroyForcibly, () -> {
                child.process.getOutputStream().close();
                child.process.getInputStream().close();
            });
            return child;
        }

        @Override
        long pid() {
            return process.pid();
        }

        @Override
        boolean awaitEnd(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        String failure() {
            return process.exitValue() == 0 ? null : "exited with " + process.exitValue();
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
