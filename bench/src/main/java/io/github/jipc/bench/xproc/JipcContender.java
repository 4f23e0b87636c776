package io.github.jipc.bench.xproc;

import io.github.jipc.Fifo;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * jipc between two JVMs: the child ({@link JipcChild}) is started with
 * {@link io.github.jipc.Subprocess} and inherits pipe ends as descriptors 3 and 4, or opens
 * FIFOs by path. Blocking ends, direct buffers, as a jipc user would write it.
 */
final class JipcContender implements Contender {
    private static final int CHILD_IN_FD = 3;
    private static final int CHILD_OUT_FD = 4;

    @Override
    public String key() {
        return "jipc";
    }

    @Override
    public String label(Mechanism mechanism) {
        return mechanism == Mechanism.PIPE ? "jipc Pipe, child JVM inherits the ends" : "jipc Fifo, child JVM opens by path";
    }

    @Override
    public Latency roundTrips(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        if (mechanism == Mechanism.PIPE) {
            try (Pipe down = Pipe.open(); Pipe up = Pipe.open()) {
                try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class,
                        b -> b.inherit(down.source(), CHILD_IN_FD).inherit(up.sink(), CHILD_OUT_FD),
                        "echo", "pipe", String.valueOf(size), String.valueOf(CHILD_IN_FD), String.valueOf(CHILD_OUT_FD))) {
                    // The child holds these ends now; ours would keep end of stream from happening.
                    down.source().close();
                    up.sink().close();
                    watchdog.onExpiry(down);
                    watchdog.onExpiry(up);
                    Latency l = new ChannelWire(down.sink(), up.source(), size).pingPong(s);
                    down.sink().close();
                    child.expectSuccess();
                    return l;
                }
            }
        }
        try (RunFifos fifos = new RunFifos(context)) {
            Fifo toChild = fifos.create("jipc-to-child");
            Fifo fromChild = fifos.create("jipc-from-child");
            try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class, b -> { }, "echo", "fifo", String.valueOf(size),
                    toChild.path().toString(), fromChild.path().toString())) {
                // The child opens its read end first, then waits for our read end to open its write end.
                Latency l;
                try (PipeSink out = toChild.openSink(s.timeout()); PipeSource in = fromChild.openSource()) {
                    watchdog.onExpiry(out);
                    watchdog.onExpiry(in);
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
            try (Pipe pipe = Pipe.open()) {
                try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class, b -> b.inherit(pipe.sink(), CHILD_OUT_FD),
                        "send", "pipe", String.valueOf(size), String.valueOf(CHILD_OUT_FD))) {
                    pipe.sink().close();
                    watchdog.onExpiry(pipe);
                    Throughput t = new ChannelWire(pipe.source(), size).receive(size, s);
                    pipe.source().close(); // the child's next write fails with EPIPE, and it ends
                    child.expectSuccess();
                    return t;
                }
            }
        }
        try (RunFifos fifos = new RunFifos(context)) {
            Fifo fifo = fifos.create("jipc-stream");
            try (SpawnedJvm child = SpawnedJvm.start(context, watchdog, JipcChild.class, b -> { }, "send", "fifo", String.valueOf(size),
                    fifo.path().toString())) {
                Throughput t;
                try (PipeSource in = fifo.openSource()) {
                    watchdog.onExpiry(in);
                    t = new ChannelWire(in, size).receive(size, s);
                } // the child's next write fails with EPIPE, and it ends
                child.expectSuccess();
                return t;
            }
        }
    }
}
