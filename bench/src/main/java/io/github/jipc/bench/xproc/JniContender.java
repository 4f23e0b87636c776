package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.bench.jni.BenchNative;

/**
 * The control (pipes only): a JVM on each side, as for jipc, but every
 * read(2) and write(2) is one bare JNI call into the bench's own C library,
 * on blocking descriptors, with nothing around it: no lock, no handle, no
 * guard, no interruptible-channel bookkeeping. jipc / this is what jipc's own
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
            closeIfOpen(down[0]);
            closeIfOpen(down[1]);
            throw e;
        }
        int parentOut = down[1];
        int parentIn = up[0];
        try (SpawnedJvm child = start(context, watchdog, down[0], up[1], "echo", String.valueOf(size),
                String.valueOf(CHILD_IN_FD), String.valueOf(CHILD_OUT_FD))) {
            // The child holds the only write end of up: killing it ends our read with end of stream.
            Latency l = new JniWire(parentOut, parentIn, size).pingPong(s);
            BenchNative.jipc_bench_close(parentOut);
            parentOut = -1;
            child.expectSuccess();
            return l;
        } finally {
            closeIfOpen(parentOut);
            closeIfOpen(parentIn);
        }
    }

    @Override
    public Throughput stream(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        int[] p = pipe();
        int parentIn = p[0];
        try (SpawnedJvm child = start(context, watchdog, -1, p[1], "send", String.valueOf(size),
                String.valueOf(CHILD_OUT_FD))) {
            Throughput t = new JniWire(-1, parentIn, size).receive(size, s);
            BenchNative.jipc_bench_close(parentIn); // the child's next write fails with EPIPE, and it ends
            parentIn = -1;
            child.expectSuccess();
            return t;
        } finally {
            closeIfOpen(parentIn);
        }
    }

    private static void closeIfOpen(int fd) {
        if (fd >= 0) {
            BenchNative.jipc_bench_close(fd);
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
            closeIfOpen(childIn);
            closeIfOpen(childOut);
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

    /** Messages with one JNI call per system call, on plain descriptors and direct buffers. */
    private static final class JniWire extends Wire {
        private final int out;
        private final int in;
        private final int size;
        private final ByteBuffer msg;
        private final ByteBuffer reply;
        private final long msgAddress;
        private final long replyAddress;

        /** out: -1 for the receiving end of a stream. */
        JniWire(int out, int in, int size) {
            this.out = out;
            this.in = in;
            this.size = size;
            this.msg = out < 0 ? null : Messages.direct(size);
            this.reply = Messages.direct(size);
            this.msgAddress = out < 0 ? 0 : BenchNative.jipc_bench_address_of(msg);
            this.replyAddress = BenchNative.jipc_bench_address_of(reply);
        }

        @Override
        void stamp(long seq) {
            Messages.stamp(msg, seq);
        }

        @Override
        void write() throws IOException {
            writeFully(out, msgAddress, size);
        }

        @Override
        boolean read() throws IOException {
            return readFully(in, replyAddress, size);
        }

        @Override
        void check(long seq) {
            Messages.check(reply, seq);
        }
    }
}
