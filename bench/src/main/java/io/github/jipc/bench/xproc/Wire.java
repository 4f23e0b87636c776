package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;

import org.HdrHistogram.Histogram;

/**
 * A parent's ends as the measuring loops see them: an outgoing message and an
 * incoming one, each of the run's size. A contender says only how its ends
 * write and read a whole message ({@link ChannelWire} for byte channels, its
 * own for Process streams, bare JNI calls and shared memory); {@link #pingPong} and
 * {@link #receive} time and check every contender the same way. Nothing here
 * allocates per message.
 */
abstract class Wire {

    /** Stamps seq into the outgoing message and readies it to be written whole. */
    abstract void stamp(long seq);

    /** Writes the outgoing message whole. */
    abstract void write() throws IOException;

    /** Reads one whole incoming message; false at end of stream. */
    abstract boolean read() throws IOException;

    /** Checks that the incoming message carries seq at both ends. */
    abstract void check(long seq);

    /**
     * For a stream that may drop messages (UDP): the sequence number the
     * incoming message carries in its first 8 bytes, so that the receiver
     * counts the gap before it as lost; -1 (the default) for a mechanism that
     * never loses, where a gap fails the run.
     */
    long arrived() {
        return -1;
    }

    /**
     * Round trips: stamp, then write the message and read its echo whole
     * (timed), then check it; the settings' warm-up, then their timed round
     * trips. The loop the C parent runs, in Java.
     */
    final Latency pingPong(BenchCommand settings) throws IOException {
        int warmUp = settings.warmUp;
        int count = settings.roundTrips;
        Histogram h = Latency.histogram();
        long timedStart = 0;
        Cost cost = null;
        for (long i = -warmUp; i < count; i++) {
            long seq = i + warmUp;
            stamp(seq);
            if (i == 0) {
                cost = Cost.now();
            }
            long t0 = System.nanoTime();
            write();
            if (!read()) {
                throw new EOFException("the child ended before echoing message " + seq);
            }
            long t1 = System.nanoTime();
            check(seq);
            if (i >= 0) {
                Latency.record(h, t1 - t0);
                if (i == 0) {
                    timedStart = t0;
                }
            }
        }
        long elapsed = System.nanoTime() - timedStart;
        return Latency.of(h, elapsed, cost.since());
    }

    /**
     * Reads and checks size-byte messages: the settings' stream warm-up long,
     * then counts those that arrive within their window (and, for a lossy
     * wire, those lost in it).
     */
    final Throughput receive(int size, BenchCommand settings) throws IOException {
        long warmUpNanos = settings.streamWarmUp().toNanos();
        long windowNanos = settings.streamTime().toNanos();
        next = 0;
        readMessage();
        long first = System.nanoTime();
        while (System.nanoTime() - first < warmUpNanos) {
            readMessage();
        }
        lost = 0;
        Cost cost = Cost.now();
        long start = System.nanoTime();
        long now;
        long messages = 0;
        do {
            readMessage();
            messages++;
            now = System.nanoTime();
        } while (now - start < windowNanos);
        return new Throughput(messages, messages * size, now - start, cost.since(), null, lost);
    }

    private long next;
    private long lost;

    private void readMessage() throws IOException {
        if (!read()) {
            throw new EOFException("the stream ended before message " + next);
        }
        long seq = arrived();
        if (seq > next) {
            lost += seq - next;
            next = seq;
        }
        check(next++);
    }
}
