package io.github.jipc.cli;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * The exchange every byte-stream facility runs with its child, whose side
 * echoes back everything it reads: timed ping-pong round trips of small
 * messages, then a bulk transfer out and back checked with CRC32C, then end of
 * stream both ways.
 */
final class EchoExchange {
    private static final int CHUNK = 64 * 1024;

    private EchoExchange() {}

    /**
     * The parent side: runs ping-pong and bulk over out (to the child) and in
     * (from it), closes out, and expects the child to close its end too.
     */
    static void run(TourContext.Settings settings, StepReport report, WritableByteChannel out, ReadableByteChannel in)
            throws IOException, InterruptedException {
        long[] rtt = pingPong(out, in, settings.messageSize(), settings.warmUp(), settings.roundTrips());
        report.line("ping-pong", String.format("%d round trips of %d B (after %d to warm up), every echo checked",
                settings.roundTrips(), settings.messageSize(), settings.warmUp()));
        report.line("round trip", RoundTrips.describe(rtt));
        report.line("bulk", bulk(out, in, settings.bulkBytes()));
        out.close();
        ByteBuffer rest = ByteBuffer.allocateDirect(1);
        int n = in.read(rest);
        if (n != -1) {
            throw new IllegalStateException("expected end of stream after closing our end, read " + n + " more byte(s)");
        }
        report.line("end", "we closed our end; the child saw end of stream and closed its own: we read end of stream");
    }

    /** Round-trip times in nanoseconds of count messages of size bytes, each echo compared with what was sent. */
    static long[] pingPong(WritableByteChannel out, ReadableByteChannel in, int size, int warmUp, int count)
            throws IOException {
        ByteBuffer msg = ByteBuffer.allocateDirect(size);
        ByteBuffer reply = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            msg.put(i, (byte) (i * 31 + 7));
        }
        long[] times = new long[count];
        for (int i = -warmUp; i < count; i++) {
            msg.put(0, (byte) i).put(size - 1, (byte) (i >>> 8));
            long start = System.nanoTime();
            writeFully(out, msg.clear());
            readFully(in, reply.clear(), "echo of round trip " + i);
            long end = System.nanoTime();
            if (!msg.clear().equals(reply.flip())) {
                throw new IllegalStateException("echo of round trip " + i + " differs from what was sent");
            }
            if (i >= 0) {
                times[i] = end - start;
            }
        }
        return times;
    }

    /** Sends bytes of pseudo-random data while reading the echo; returns the report line. */
    static String bulk(WritableByteChannel out, ReadableByteChannel in, long bytes)
            throws IOException, InterruptedException {
        ByteBuffer pattern = ByteBuffer.allocateDirect(CHUNK);
        byte[] random = new byte[CHUNK];
        new SplittableRandom(bytes).nextBytes(random);
        pattern.put(random).clear();
        CRC32C sent = new CRC32C();
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                ByteBuffer chunk = pattern.duplicate();
                for (long left = bytes; left > 0; left -= chunk.limit()) {
                    chunk.clear().limit((int) Math.min(CHUNK, left));
                    sent.update(chunk.duplicate());
                    writeFully(out, chunk);
                }
            } catch (Throwable t) {
                writeFailure.set(t);
            }
        }, "jipc-tour-bulk-writer");
        CRC32C received = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long start = System.nanoTime();
        writer.start();
        long got = 0;
        try {
            while (got < bytes) {
                int n = in.read(buf.clear().limit((int) Math.min(CHUNK, bytes - got)));
                if (n < 0) {
                    throw new EOFException("the echo ended after " + got + " of " + bytes + " bytes");
                }
                received.update(buf.flip());
                got += n;
            }
        } finally {
            writer.join();
        }
        long nanos = System.nanoTime() - start;
        if (writeFailure.get() != null) {
            throw new IOException("sending failed", writeFailure.get());
        }
        if (sent.getValue() != received.getValue()) {
            throw new IllegalStateException(String.format("CRC32C mismatch: sent %08x, received %08x",
                    sent.getValue(), received.getValue()));
        }
        return String.format("%s out and back in %.0f ms (%.0f MB/s each way), CRC32C %08x sent = %08x received: match",
                size(bytes), nanos / 1e6, bytes * 1e3 / nanos, sent.getValue(), received.getValue());
    }

    /** The child side: echoes everything from in to out until end of stream; returns the byte count. */
    static long echo(ReadableByteChannel in, WritableByteChannel out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long total = 0;
        while (in.read(buf.clear()) >= 0) {
            total += buf.flip().remaining();
            writeFully(out, buf);
        }
        return total;
    }

    static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    static void readFully(ReadableByteChannel in, ByteBuffer b, String what) throws IOException {
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                throw new EOFException("end of stream before the " + what + " was complete");
            }
        }
    }

    private static String size(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " B";
    }

    /** Summaries of round-trip times. */
    static final class RoundTrips {
        private RoundTrips() {}

        static String describe(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return String.format("p50 %.1f us, p99 %.1f us, max %.1f us",
                    micros(s, 0.50), micros(s, 0.99), s[s.length - 1] / 1e3);
        }

        private static double micros(long[] sorted, double quantile) {
            int i = (int) Math.ceil(quantile * sorted.length) - 1;
            return sorted[Math.max(0, i)] / 1e3;
        }
    }
}
