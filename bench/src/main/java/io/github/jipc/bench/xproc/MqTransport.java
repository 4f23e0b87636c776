package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.jipc.MessageQueue;

/**
 * POSIX message queues (mq_overview(7)), "unnamed": made and unlinked at
 * once, then handed to the child, so that nothing is left in /dev/mqueue
 * whatever happens. A queue holds min(10, fs.mqueue.msg_max) messages of
 * exactly the run's size; messages are whole, one call per message.
 * <ul>
 * <li>jipc: {@link MessageQueue#createUnnamed}, the child JVM inherits the queues as descriptors 3 and 4
 * ({@link io.github.jipc.Subprocess}); direct buffers, blocking send and receive;</li>
 * <li>jni, the control: the same queues made in C, bare mq_send/mq_receive JNI calls ({@link MqJni});</li>
 * <li>no JDK side: the JDK has no message queues.</li>
 * </ul>
 * Round trips end with an empty message. A stream ends through a second
 * queue, "control", which the sending child looks at every 256 messages
 * without waiting; the parent then drains the stream until the child has
 * ended, as it may be blocked on a full queue. Messages are at most
 * {@code fs.mqueue.msgsize_max} (8 KiB by default): larger sizes asked for
 * are run at that size, the largest message the limits allow.
 */
final class MqTransport implements Transport {
    private static final int IN_FD = 3;
    private static final int OUT_FD = 4;
    static final int STOP_EVERY = 256;
    private static final Duration DRAIN_WAIT = Duration.ofMillis(10);
    private static final Path LIMITS = Path.of("/proc/sys/fs/mqueue");

    @Override
    public String key() {
        return "mq";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> "two queues mq_open + mq_unlink, fork; blocking mq_send/mq_receive";
            case JNI -> "bare JNI mq_send/mq_receive in both JVMs on queues made by mq_open + mq_unlink (MqJni)";
            case JDK -> null;
            case JIPC -> "MessageQueue.createUnnamed, the child JVM inherits the queues (Subprocess)";
        };
    }

    /** fs.mqueue.msgsize_max, or the kernel's default where it cannot be read. */
    static int largestMessage() {
        return (int) Math.min(limit("msgsize_max", 8192), 16 << 20);
    }

    /** How many messages each queue holds: 10 (the kernel's default), fewer if fs.mqueue.msg_max says so. */
    static long maxMessages() {
        return Math.min(10, limit("msg_max", 10));
    }

    /**
     * A sysctl's value, read in one read(2): the kernel answers only a read
     * from offset 0 of these files, and Files.readString, which reads them in
     * more than one piece, gets the first digit alone ("8" for 8192).
     */
    private static long limit(String name, long fallback) {
        try (InputStream in = Files.newInputStream(LIMITS.resolve(name))) {
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return Long.parseLong(new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    /** Sizes above fs.mqueue.msgsize_max become that size; duplicates go. */
    @Override
    public List<Workload> workloads(List<Workload> asked) {
        int largest = largestMessage();
        List<Workload> out = new ArrayList<>();
        for (Workload w : asked) {
            Workload fit = new Workload(w.kind(), Math.min(w.size(), largest));
            if (!out.contains(fit)) {
                out.add(fit);
            }
        }
        return out;
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (side == Side.JNI) {
            return MqJni.open(this, w, context, watchdog);
        }
        if (side != Side.JIPC) {
            throw new IllegalArgumentException("mq has no " + side + " side");
        }
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        MessageQueue data = null;
        MessageQueue other = null;
        try {
            data = MessageQueue.createUnnamed(maxMessages(), w.size());
            other = MessageQueue.createUnnamed(otherDepth(rtt), otherSize(rtt, w.size()));
            watchdog.onExpiry(data);
            watchdog.onExpiry(other);
            ChildJvm child = startChild(this, side, w, context, watchdog, data, other);
            return rtt ? new JipcLink(new MqWire(data, other, w.size()), child, data, other, true)
                    : new JipcLink(new MqWire(null, data, w.size()), child, data, other, false);
        } catch (Exception e) {
            PipeTransport.closeAll(e, data, other);
            throw e;
        }
    }

    /*
     * The queues of a run: round trips, data goes down to the child and other
     * comes back up; streams, data comes up and other is control. data holds
     * maxMessages() messages of the run's size; other, as below.
     */
    static long otherDepth(boolean rtt) {
        return rtt ? maxMessages() : 1;
    }

    static int otherSize(boolean rtt, int size) {
        return rtt ? size : Long.BYTES;
    }

    /** The child JVM, inheriting data and other as its descriptors 3 and 4. */
    static ChildJvm startChild(Transport t, Side side, Workload w, RunContext context, Watchdog watchdog,
            MessageQueue data, MessageQueue other) throws Exception {
        return SpawnedJvm.start(context, watchdog, b -> b.inherit(data, IN_FD).inherit(other, OUT_FD),
                Peer.args(context, t, side, w));
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws IOException {
        if (side == Side.JNI) {
            MqJni.child(IN_FD, OUT_FD, w);
            return;
        }
        try (MessageQueue first = MessageQueue.inherited(IN_FD); MessageQueue second = MessageQueue.inherited(OUT_FD)) {
            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                MqWire.echo(first, second);
            } else {
                MqWire.send(first, second, w.size());
            }
        }
    }

    /**
     * The parent's queues, jipc's or bare ones: finish ends the child (an
     * empty message, or a message on control and a drain of the stream until
     * the child has ended), then closes them and expects the child to exit
     * with 0.
     */
    abstract static class QueueLink implements Link {
        private final Wire wire;
        private final ChildJvm child;
        private final boolean rtt;
        private boolean closed;

        QueueLink(Wire wire, ChildJvm child, boolean rtt) {
            this.wire = wire;
            this.child = child;
            this.rtt = rtt;
        }

        @Override
        public final Wire wire() {
            return wire;
        }

        /** Round trips: the empty message on data that ends the child. */
        abstract void sendEnd() throws IOException;

        /** Streams: the message on control that ends the child. */
        abstract void sendStop() throws IOException;

        /** Streams: one message drained from data within DRAIN_WAIT; false when none came. */
        abstract boolean drainOne() throws IOException;

        abstract void closeQueues();

        @Override
        public final void finish() throws Exception {
            closed = true;
            try {
                if (rtt) {
                    sendEnd();
                } else {
                    sendStop();
                    while (drainOne() || !child.awaitEnd(Duration.ZERO)) {
                        // Drained one, or the child is still on its way out.
                    }
                }
            } finally {
                closeQueues();
            }
            child.expectSuccess();
        }

        @Override
        public final void close() throws IOException {
            try {
                if (!closed) {
                    closed = true;
                    closeQueues();
                }
            } finally {
                child.close();
            }
        }
    }

    /** jipc's queues. */
    private static final class JipcLink extends QueueLink {
        private final MessageQueue data;
        private final MessageQueue other;
        private final ByteBuffer drained;

        JipcLink(MqWire wire, ChildJvm child, MessageQueue data, MessageQueue other, boolean rtt) {
            super(wire, child, rtt);
            this.data = data;
            this.other = other;
            this.drained = rtt ? null : ByteBuffer.allocateDirect(data.messageSize());
        }

        @Override
        void sendEnd() throws IOException {
            if (!data.trySend(ByteBuffer.allocateDirect(0), 0)) {
                throw new IllegalStateException("the child's queue is full after the last echo");
            }
        }

        @Override
        void sendStop() throws IOException {
            if (!other.trySend(ByteBuffer.allocateDirect(Long.BYTES), 0)) {
                throw new IllegalStateException("the control queue is full");
            }
        }

        @Override
        boolean drainOne() throws IOException {
            return data.receive(drained.clear(), DRAIN_WAIT) >= 0;
        }

        @Override
        void closeQueues() {
            PipeTransport.closeAll(new Exception(), data, other);
        }
    }
}
