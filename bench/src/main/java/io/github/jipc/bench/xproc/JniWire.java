package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.bench.jni.BenchNative;

/**
 * The control: a JVM on each side, as for jipc, but every read(2) and
 * write(2) is one bare JNI call into the bench's own C library, on blocking
 * descriptors, with nothing around it: no lock, no handle, no guard, no
 * interruptible-channel bookkeeping. jipc / this is what jipc's own Java and
 * C layers cost; this / raw C is what running both sides in JVMs costs,
 * whatever library they use. The parent makes the pipes with pipe2(2) (or
 * one Unix stream pair with socketpair(2), {@link #openSocketPair}); the
 * child's ends are handed over through jipc's {@link io.github.jipc.Subprocess}.
 * For FIFOs both JVMs open the paths with bare open(2) ({@link #openFifos}).
 */
final class JniWire extends Wire {
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

    /** The parent's side of a pipe run: pipes, the child (fds inFd and outFd), the link that closes the fds. */
    static Transport.Link open(Transport t, Workload w, RunContext context, Watchdog watchdog, int inFd, int outFd)
            throws Exception {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        int[] down = rtt ? pipe() : new int[] {-1, -1};
        int[] up = pipe();
        PipeSource childIn = null;
        PipeSink childOut = null;
        SpawnedJvm child;
        try {
            // jipc owns the child's ends from here, and closes them once the child has them.
            childIn = rtt ? PipeSource.inherited(down[0]) : null;
            down[0] = -1;
            childOut = PipeSink.inherited(up[1]);
            up[1] = -1;
            PipeSource handIn = childIn;
            PipeSink handOut = childOut;
            child = SpawnedJvm.start(context, watchdog, b -> {
                if (handIn != null) {
                    b.inherit(handIn, inFd);
                }
                b.inherit(handOut, outFd);
            }, Peer.args(context, t, Side.JNI, w));
        } catch (Exception e) {
            closeIfOpen(down[0], down[1], up[0], up[1]);
            throw e;
        } finally {
            PipeTransport.closeAll(new IOException(), childIn, childOut);
        }
        int parentOut = down[1];
        int parentIn = up[0];
        // Killing the child ends our read with end of stream: it holds the only write end of up.
        return Transport.link(new JniWire(parentOut, parentIn, w.size()), child, () -> closeIfOpen(parentOut),
                () -> closeIfOpen(parentIn));
    }

    /**
     * The parent's side of a Unix stream run: one socketpair(2), whose second
     * end the child inherits as fd (it echoes or sends on it), the link that
     * closes the first.
     */
    static Transport.Link openSocketPair(Transport t, Workload w, RunContext context, Watchdog watchdog, int fd)
            throws Exception {
        int[] sv = new int[2];
        int r = BenchNative.jipc_bench_socketpair(sv);
        if (r < 0) {
            throw new IOException("socketpair failed: errno " + -r);
        }
        SpawnedJvm child;
        io.github.jipc.IpcSocket theirs = null;
        try {
            // jipc owns the child's end from here, and closes it once the child has it.
            theirs = io.github.jipc.IpcSocket.inherited(sv[1]);
            sv[1] = -1;
            io.github.jipc.IpcSocket hand = theirs;
            child = SpawnedJvm.start(context, watchdog, b -> b.inherit(hand, fd), Peer.args(context, t, Side.JNI, w));
        } catch (Exception e) {
            closeIfOpen(sv[0], sv[1]);
            throw e;
        } finally {
            PipeTransport.closeAll(new IOException(), theirs);
        }
        int mine = sv[0];
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        return Transport.link(new JniWire(rtt ? mine : -1, mine, w.size()), child, () -> closeIfOpen(mine));
    }

    /**
     * The parent's side of a FIFO run whose child is started: opens toChild
     * (round trips; null for a stream) for writing and fromChild for reading
     * with bare open(2), in the child's order, and the link that closes them
     * and the rest.
     */
    static Transport.Link openFifos(Workload w, ChildJvm child, Path toChild, Path fromChild, AutoCloseable rest)
            throws IOException {
        int out = toChild == null ? -1 : openFifo(toChild, true);
        int in;
        try {
            in = openFifo(fromChild, false);
        } catch (IOException e) {
            closeIfOpen(out);
            throw e;
        }
        return Transport.link(new JniWire(out, in, w.size()), child, () -> closeIfOpen(out), () -> closeIfOpen(in), rest);
    }

    /** open(2) of a FIFO, blocking until the other side opens it too. */
    static int openFifo(Path fifo, boolean write) throws IOException {
        byte[] path = (fifo.toString() + '\0').getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int fd = BenchNative.jipc_bench_open(path, write ? 1 : 0);
        if (fd < 0) {
            throw new IOException("open " + fifo + " failed: errno " + -fd);
        }
        return fd;
    }

    /** The child: echo (inFd >= 0) or send, on the descriptors it inherited. */
    static void child(int inFd, int outFd, int size) throws IOException {
        ByteBuffer buf = Messages.direct(size);
        long address = BenchNative.jipc_bench_address_of(buf);
        if (inFd >= 0) {
            while (readFully(inFd, address, size)) {
                writeFully(outFd, address, size);
                ChildMeter.tick();
            }
            return;
        }
        int epipe = BenchNative.jipc_bench_epipe();
        int econnreset = BenchNative.jipc_bench_econnreset();
        for (long seq = 0;; seq++) {
            Messages.stamp(buf, seq);
            long done = 0;
            while (done < size) {
                long n = BenchNative.jipc_bench_write(outFd, address + done, size - done);
                if (n == -epipe || n == -econnreset) {
                    return; // the reader has its count and left
                }
                if (n < 0) {
                    throw new IOException("write failed: errno " + -n);
                }
                done += n;
            }
            ChildMeter.tick();
        }
    }

    private static void closeIfOpen(int... fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                BenchNative.jipc_bench_close(fd);
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
