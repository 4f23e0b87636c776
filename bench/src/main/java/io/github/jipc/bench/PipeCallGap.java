package io.github.jipc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import io.github.jipc.IpcSocket;
import io.github.jipc.Pipe;
import io.github.jipc.PipeEnd;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.bench.jni.BenchNative;

/**
 * What jipc adds to a 64 B pipe write + read over the same two system calls
 * made as bare JNI calls, measured in one JVM, the two alternately in chunks
 * of 100,000 pairs: the machine's drift between forks (which on these VMs is
 * larger than the gap) then cancels out of each chunk's difference. Prints the
 * medians of jipc, bare JNI and their per-chunk difference (ns per pair), and
 * the difference's quartiles; and beside them JMH's raw C reference (write(2)
 * + read(2) in one C function, one JNI call per pair) and jipc's difference
 * to it. Usage: {@code PipeCallGap [chunks] [received]}
 * (40): with {@code received}, jipc's two ends are first passed over a Unix
 * socket, as another process would receive them, so that their descriptions
 * are not their own and every call takes the path of a call that may wait
 * (the interrupt hook and the guard) rather than a try.
 */
public final class PipeCallGap {
    private static final int SIZE = 64;
    private static final int PAIRS = 100_000;

    private PipeCallGap() {}

    public static void main(String[] args) throws IOException {
        int chunks = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        boolean received = args.length > 1 && args[1].equals("received");
        try (Pipe own = Pipe.open(); RawPipe raw = new RawPipe(SIZE);
             SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM);
             Ends pipe = received ? new Ends(pass(pair, own.source()), pass(pair, own.sink())) : new Ends(own.source(), own.sink())) {
            ByteBuffer out = ByteBuffer.allocateDirect(SIZE);
            ByteBuffer in = ByteBuffer.allocateDirect(SIZE);
            for (int i = 0; i < 5; i++) {
                jipc(pipe, out, in);
                bare(raw);
                rawC(raw);
            }
            double[] jipc = new double[chunks];
            double[] bare = new double[chunks];
            double[] c1 = new double[chunks];
            double[] gap = new double[chunks];
            double[] gapC = new double[chunks];
            for (int c = 0; c < chunks; c++) {
                long t0 = System.nanoTime();
                jipc(pipe, out, in);
                long t1 = System.nanoTime();
                bare(raw);
                long t2 = System.nanoTime();
                rawC(raw);
                long t3 = System.nanoTime();
                jipc[c] = (t1 - t0) / (double) PAIRS;
                bare[c] = (t2 - t1) / (double) PAIRS;
                c1[c] = (t3 - t2) / (double) PAIRS;
                gap[c] = jipc[c] - bare[c];
                gapC[c] = jipc[c] - c1[c];
            }
            Arrays.sort(jipc);
            Arrays.sort(bare);
            Arrays.sort(c1);
            Arrays.sort(gap);
            Arrays.sort(gapC);
            System.out.printf("jipc %.1f jni %.1f diff %.1f [%.1f..%.1f] | raw C %.1f, jipc - raw C %.1f [%.1f..%.1f]%n",
                    jipc[chunks / 2], bare[chunks / 2], gap[chunks / 2], gap[chunks / 4], gap[3 * chunks / 4],
                    c1[chunks / 2], gapC[chunks / 2], gapC[chunks / 4], gapC[3 * chunks / 4]);
        }
    }

    /** The two ends jipc's side uses; closing closes them (a no-op for the Pipe's own, closed with it). */
    private record Ends(PipeSource source, PipeSink sink) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            source.close();
            sink.close();
        }
    }

    /** end as another process would receive it: over a Unix socket. */
    @SuppressWarnings("unchecked")
    private static <T extends PipeEnd> T pass(SocketPair pair, T end) throws IOException {
        pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), end);
        return (T) pair.second().receiveMessage(ByteBuffer.allocateDirect(8)).handles().get(0);
    }

    private static void jipc(Ends pipe, ByteBuffer out, ByteBuffer in) throws IOException {
        for (int i = 0; i < PAIRS; i++) {
            pipe.sink().write(out.clear());
            if (pipe.source().read(in.clear()) != SIZE) {
                throw new IllegalStateException("short read");
            }
        }
    }

    /** JMH's raw C reference: write(2) + read(2) in one C function, one JNI call per pair. */
    private static void rawC(RawPipe raw) {
        for (int i = 0; i < PAIRS; i++) {
            if (BenchNative.jipc_bench_write_read(raw.writeFd, raw.readFd, raw.address, SIZE) != SIZE) {
                throw new IllegalStateException("short read");
            }
        }
    }

    private static void bare(RawPipe raw) {
        for (int i = 0; i < PAIRS; i++) {
            BenchNative.jipc_bench_write(raw.writeFd, raw.address, SIZE);
            if (BenchNative.jipc_bench_read(raw.readFd, raw.address, SIZE) != SIZE) {
                throw new IllegalStateException("short read");
            }
        }
    }
}
