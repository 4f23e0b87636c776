package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.MessageQueue;
import io.github.jipc.bench.jni.BenchNative;

/**
 * The bare-JNI control for message queues ({@code mq --sides jni}): a JVM on
 * each side, as for jipc, but every mq_send(3) and mq_receive(3) one bare JNI
 * call into the bench's own C library, with nothing around it. The parent
 * makes the queues there (mq_open + mq_unlink, as the C side does) and hands
 * duplicates to the child through jipc's {@link io.github.jipc.Subprocess},
 * which inherits them as descriptors 3 and 4. The protocol is
 * {@link MqTransport}'s: an empty message ends a round-trip child; a message
 * on the control queue, looked at every 256 sends without waiting, ends a
 * streaming one, and the parent drains the stream until the child has ended.
 */
final class MqJni {
    private static final long DRAIN_WAIT_MS = 10;

    private MqJni() {}

    /** The parent's side of a run, on queues made as MqTransport makes them. */
    static Transport.Link open(Transport t, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        int data = -1;
        int other = -1;
        MessageQueue handData = null;
        MessageQueue handOther = null;
        try {
            // The queues of MqTransport's protocol (data and other, see MqTransport.otherDepth).
            data = ok(BenchNative.jipc_bench_mq_unnamed(MqTransport.maxMessages(), w.size()), "mq_open");
            other = ok(BenchNative.jipc_bench_mq_unnamed(MqTransport.otherDepth(rtt), MqTransport.otherSize(rtt, w.size())),
                    "mq_open");
            handData = MessageQueue.inherited(ok(BenchNative.jipc_bench_dup(data), "dup"));
            handOther = MessageQueue.inherited(ok(BenchNative.jipc_bench_dup(other), "dup"));
            ChildJvm child = MqTransport.startChild(t, Side.JNI, w, context, watchdog, handData, handOther);
            int incoming = rtt ? other : data;
            // Nothing wakes a bare mq_receive but a message: at expiry one of the wrong number ends the parent's wait.
            watchdog.onExpiry(() -> {
                ByteBuffer poison = Messages.direct(w.size());
                Messages.stamp(poison, -1);
                BenchNative.jipc_bench_mq_send(incoming, BenchNative.jipc_bench_address_of(poison), w.size());
            });
            return new QueueLink(child, data, other, rtt, w.size());
        } catch (Exception e) {
            close(data, other);
            throw e;
        } finally {
            PipeTransport.closeAll(new IOException(), handData, handOther);
        }
    }

    /** The child: echo on its inherited queues, or stream. */
    static void child(int inFd, int outFd, Workload w) throws IOException {
        int size = w.size();
        ByteBuffer buf = Messages.direct(size);
        long address = BenchNative.jipc_bench_address_of(buf);
        if (w.kind() == Workload.Kind.ROUND_TRIP) {
            long n;
            while ((n = ok(BenchNative.jipc_bench_mq_receive(inFd, address, size), "mq_receive")) > 0) {
                ok(BenchNative.jipc_bench_mq_send(outFd, address, n), "mq_send");
                ChildMeter.tick();
            }
            return;
        }
        ByteBuffer stop = ByteBuffer.allocateDirect(Long.BYTES);
        long stopAddress = BenchNative.jipc_bench_address_of(stop);
        int etimedout = BenchNative.jipc_bench_etimedout();
        for (long seq = 0;; seq++) {
            if (seq % MqTransport.STOP_EVERY == 0) {
                long r = BenchNative.jipc_bench_mq_timedreceive(outFd, stopAddress, Long.BYTES, 0);
                if (r >= 0) {
                    return; // the reader has its count
                }
                if (r != -etimedout) {
                    throw new IOException("mq_timedreceive failed: errno " + -r);
                }
            }
            Messages.stamp(buf, seq);
            ok(BenchNative.jipc_bench_mq_send(inFd, address, size), "mq_send");
            ChildMeter.tick();
        }
    }

    private static int ok(int r, String call) throws IOException {
        if (r < 0) {
            throw new IOException(call + " failed: errno " + -r);
        }
        return r;
    }

    private static long ok(long r, String call) throws IOException {
        if (r < 0) {
            throw new IOException(call + " failed: errno " + -r);
        }
        return r;
    }

    private static void close(int... fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                BenchNative.jipc_bench_close(fd);
            }
        }
    }

    /** One bare mq_send and one bare mq_receive per message. */
    private static final class MqJniWire extends MessageWire {
        private final int out;
        private final int in;
        private final int size;
        private final long msgAddress;
        private final long replyAddress;

        MqJniWire(int out, int in, int size) {
            super(Messages.direct(size), Messages.direct(size));
            this.out = out;
            this.in = in;
            this.size = size;
            this.msgAddress = BenchNative.jipc_bench_address_of(msg);
            this.replyAddress = BenchNative.jipc_bench_address_of(reply);
        }

        @Override
        void write() throws IOException {
            ok(BenchNative.jipc_bench_mq_send(out, msgAddress, size), "mq_send");
        }

        @Override
        boolean read() throws IOException {
            expectSize(ok(BenchNative.jipc_bench_mq_receive(in, replyAddress, size), "mq_receive"), size);
            return true;
        }
    }

    /** Ends the child as MqTransport's link does, with bare calls, then closes the queues. */
    private static final class QueueLink extends MqTransport.QueueLink {
        private final int data;
        private final int other;
        private final int size;
        private final ByteBuffer buf;
        private final long address;

        QueueLink(ChildJvm child, int data, int other, boolean rtt, int size) {
            super(rtt ? new MqJniWire(data, other, size) : new MqJniWire(-1, data, size), child, rtt);
            this.data = data;
            this.other = other;
            this.size = size;
            this.buf = ByteBuffer.allocateDirect(size);
            this.address = BenchNative.jipc_bench_address_of(buf);
        }

        @Override
        void sendEnd() throws IOException {
            ok(BenchNative.jipc_bench_mq_send(data, address, 0), "mq_send");
        }

        @Override
        void sendStop() throws IOException {
            ok(BenchNative.jipc_bench_mq_send(other, address, Long.BYTES), "mq_send");
        }

        @Override
        boolean drainOne() {
            return BenchNative.jipc_bench_mq_timedreceive(data, address, size, DRAIN_WAIT_MS) >= 0;
        }

        @Override
        void closeQueues() {
            MqJni.close(data, other);
        }
    }
}
