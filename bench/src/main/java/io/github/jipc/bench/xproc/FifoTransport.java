package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jipc.Fifo;
import io.github.jipc.IpcException;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * Named pipes (mkfifo(3)) that both processes open by path, in the same
 * order (the child's read end first), so that neither open waits forever:
 * <ul>
 * <li>jipc: {@link Fifo#create}, {@link Fifo#openSink}/{@link Fifo#openSource} in both JVMs;</li>
 * <li>jni, the control: the same FIFOs opened by bare open(2) in both JVMs, every read(2)/write(2) one bare JNI
 * call ({@link JniWire});</li>
 * <li>JDK: {@link FileChannel#open} on the path in both JVMs, direct buffers (the JDK cannot make a FIFO; it is
 * made as mkfifo(1) would).</li>
 * </ul>
 * The FIFOs live in the run's scratch folder and are removed when the run ends.
 */
final class FifoTransport implements Transport {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public String key() {
        return "fifo";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> "mkfifo + open in both processes, blocking read/write";
            case JNI -> "bare JNI open/read/write on the FIFO path in both JVMs, blocking descriptors, nothing else";
            case JIPC -> "Fifo.create, both JVMs open by path";
            case JDK -> "FileChannel.open on the FIFO path in both JVMs";
        };
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        RunFifos fifos = new RunFifos(context);
        try {
            Fifo toChild = rtt ? fifos.create(side.key() + "-to-child") : null;
            Fifo fromChild = fifos.create(side.key() + "-from-child");
            String[] paths = rtt ? new String[] {toChild.path().toString(), fromChild.path().toString()}
                    : new String[] {fromChild.path().toString()};
            String[] args = Peer.args(context, this, side, w, paths);
            ChildJvm child = side == Side.JDK ? ProcessChild.start(context, watchdog, false, args)
                    : SpawnedJvm.start(context, watchdog, b -> { }, args);
            try {
                if (side == Side.JDK) {
                    watchdog.satisfyFifoOpensOnExpiry(rtt ? new Path[] {toChild.path(), fromChild.path()}
                            : new Path[] {fromChild.path()});
                    FileChannel out = rtt ? guarded(watchdog, FileChannel.open(toChild.path(), StandardOpenOption.WRITE)) : null;
                    FileChannel in = guarded(watchdog, FileChannel.open(fromChild.path(), StandardOpenOption.READ));
                    return rtt ? Transport.link(new ChannelWire(out, in, w.size()), child, out, in, fifos)
                            : Transport.link(new ChannelWire(in, w.size()), child, in, fifos);
                }
                if (side == Side.JNI) {
                    // An open the child never matches is satisfied as for the JDK; once both are open, killing
                    // the child ends a blocked read or write here.
                    AtomicBoolean opening = new AtomicBoolean(true);
                    watchdog.satisfyFifoOpensOnExpiry(opening::get, rtt ? new Path[] {toChild.path(), fromChild.path()}
                            : new Path[] {fromChild.path()});
                    Link link = JniWire.openFifos(w, child, rtt ? toChild.path() : null, fromChild.path(), fifos);
                    opening.set(false);
                    try {
                        // Expired while opening: the opens were satisfied here and the child is gone, so a bare
                        // read would wait for ever on the watchdog's own writer.
                        watchdog.check();
                    } catch (IllegalStateException e) {
                        PipeTransport.closeAll(e, link::close);
                        throw e;
                    }
                    return link;
                }
                PipeSink out = rtt ? guarded(watchdog, toChild.openSink(context.settings.timeout())) : null;
                PipeSource in = guarded(watchdog, fromChild.openSource());
                return rtt ? Transport.link(new ChannelWire(out, in, w.size()), child, out, in, fifos)
                        : Transport.link(new ChannelWire(in, w.size()), child, in, fifos);
            } catch (Exception e) {
                PipeTransport.closeAll(e, child);
                throw e;
            }
        } catch (Exception e) {
            PipeTransport.closeAll(e, fifos);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T guarded(Watchdog watchdog, T end) {
        watchdog.onExpiry(end);
        return end;
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws IOException {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        Path first = Path.of(args.get(0));
        if (side == Side.JDK) {
            if (rtt) {
                try (FileChannel in = FileChannel.open(first, StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(Path.of(args.get(1)), StandardOpenOption.WRITE)) {
                    ChannelWire.echo(in, out, w.size());
                }
                return;
            }
            try (FileChannel out = FileChannel.open(first, StandardOpenOption.WRITE)) {
                ChannelWire.send(out, w.size());
            } catch (IOException e) {
                if (!StreamWire.brokenPipe(e)) {
                    throw e;
                }
            }
            return;
        }
        if (side == Side.JNI) {
            int in = rtt ? JniWire.openFifo(first, false) : -1;
            int out = JniWire.openFifo(Path.of(args.get(rtt ? 1 : 0)), true);
            JniWire.child(in, out, w.size()); // the descriptors close as the child exits
            return;
        }
        if (rtt) {
            try (PipeSource in = Fifo.of(first).openSource(); PipeSink out = Fifo.of(Path.of(args.get(1))).openSink(OPEN_TIMEOUT)) {
                ChannelWire.echo(in, out, w.size());
            }
            return;
        }
        try (PipeSink out = Fifo.of(first).openSink(OPEN_TIMEOUT)) {
            ChannelWire.send(out, w.size());
        } catch (IpcException e) {
            if (!e.errnoName().equals("EPIPE")) {
                throw e;
            }
            // The reader has its count and left.
        }
    }
}
