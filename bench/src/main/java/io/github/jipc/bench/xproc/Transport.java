package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.util.List;

/**
 * One mechanism of the benchmark, for every Java side that has it. The raw C
 * side is the C program's mode of the same {@link #key()}
 * ({@code bench/c/src/xproc_<key>.c}), run by {@link CProgram}; a transport
 * says only how a JVM connects to a child JVM and what the child does.
 * Adding a mechanism: one class here, one C file there, one line in
 * {@link #ALL} and in the C program's table (see bench/README.md).
 */
interface Transport {
    /** Every mechanism, in the order a round runs them. */
    List<Transport> ALL = List.of(new PipeTransport(), new FifoTransport(), new ShmTransport(),
            new MqTransport(), SignalledShmTransport.semaphores(), SignalledShmTransport.futex(),
            SignalledShmTransport.systemV(), SignalledShmTransport.mutex(), new LockTransport(),
            new SocketTransport(SocketTransport.Kind.UNIX), new SocketTransport(SocketTransport.Kind.SEQPACKET),
            new SocketTransport(SocketTransport.Kind.TCP),
            DatagramTransport.unix(), DatagramTransport.udp(), SignalledShmTransport.eventfd(), new PollTransport(),
            RingTransport.adaptive(), RingTransport.spinning(), RingTransport.sleeping());

    /** The name on the command line and the C program's mode: pipe, fifo, shm, mq, sem, futex, sysvsem, mutex, lock, unix, seqpacket, tcp, dgram, udp, eventfd, poll, ring, ring-spin, ring-sleep. */
    String key();

    /**
     * The workloads this mechanism runs of those asked, in the same order: all
     * of them, unless the mechanism limits message sizes (a message queue
     * carries messages up to fs.mqueue.msgsize_max).
     */
    default List<Workload> workloads(List<Workload> asked) {
        return asked;
    }

    /** What the side does for this mechanism, for the report; null if the side does not run it. */
    String label(Side side);

    /** Why a side does not run this mechanism, for the report (e.g. the JDK lacks it); null to say nothing. */
    default String missing(Side side) {
        return null;
    }

    /**
     * The parent's half of a Java run: makes the mechanism, starts the child
     * JVM (main class {@link Peer}, which calls {@link #child}), and returns
     * the parent's ends. Every wait is bounded by the watchdog.
     */
    Link open(Side side, Workload workload, RunContext context, Watchdog watchdog) throws Exception;

    /**
     * The child's half, in the child JVM: for round trips, echo every message
     * until the parent ends the run; for streams, send numbered messages until
     * the parent has its count.
     */
    void child(Side side, Workload workload, List<String> args) throws Exception;

    static Transport of(String key) {
        return ALL.stream().filter(t -> t.key().equals(key)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown mechanism '" + key + "' (" + String.join(", ", ALL.stream().map(Transport::key).toList()) + ")"));
    }

    /**
     * The parent's side of a run: what it measures through, and how it ends
     * the run (closing its ends or raising a stop flag, then expecting the
     * child to exit with 0).
     */
    interface Link extends AutoCloseable {
        Wire wire();

        /** Ends the run and checks that the child ended well. */
        void finish() throws Exception;

        /** Ends the run if finish did not, quietly, and reaps the child. */
        @Override
        void close() throws IOException;
    }

    /**
     * A link whose finish closes the ends in order (which tells the child to
     * end), then expects the child to exit with 0; close does the same on
     * failure, quietly, and reaps the child in any case.
     */
    static Link link(Wire wire, ChildJvm child, AutoCloseable... ends) {
        return new Link() {
            private boolean closed;

            @Override
            public Wire wire() {
                return wire;
            }

            @Override
            public void finish() throws Exception {
                closed = true;
                for (AutoCloseable e : ends) {
                    e.close();
                }
                child.expectSuccess();
            }

            @Override
            public void close() throws IOException {
                try {
                    if (!closed) {
                        closed = true;
                        PipeTransport.closeAll(new Exception(), ends);
                    }
                } finally {
                    child.close();
                }
            }
        };
    }
}
