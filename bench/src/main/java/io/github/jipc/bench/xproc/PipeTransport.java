package io.github.jipc.bench.xproc;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import io.github.jipc.IpcException;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * An unnamed pipe (pipe(2)) whose far ends the child inherits:
 * <ul>
 * <li>jipc: {@link Pipe}; the child JVM, started with {@link io.github.jipc.Subprocess}, inherits its ends as
 * descriptors 3 and 4;</li>
 * <li>jni, the control: the same, but every read(2)/write(2) one bare JNI call ({@link JniWire});</li>
 * <li>JDK: what a JVM has without jipc, a {@link ProcessBuilder} child talking through its stdin and stdout
 * ({@link Process} streams, a flush per message).</li>
 * </ul>
 */
final class PipeTransport implements Transport {
    private static final int IN_FD = 3;
    private static final int OUT_FD = 4;

    @Override
    public String key() {
        return "pipe";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> "pipe2 + fork, blocking read/write";
            case JNI -> "bare JNI read/write on blocking pipe descriptors in both JVMs, nothing else";
            case JIPC -> "Pipe, the child JVM inherits the ends (Subprocess)";
            case JDK -> "Process stdin/stdout (ProcessBuilder, Redirect.PIPE)";
        };
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        if (side == Side.JDK) {
            ProcessChild child = ProcessChild.start(context, watchdog, true, Peer.args(context, this, side, w));
            OutputStream out = child.process.getOutputStream();
            InputStream in = child.process.getInputStream();
            if (!rtt) {
                out.close();
            }
            return Transport.link(new StreamWire(rtt ? out : null, in, w.size()), child, rtt ? out : in);
        }
        if (side == Side.JNI) {
            return JniWire.open(this, w, context, watchdog, IN_FD, OUT_FD);
        }
        // Down: parent to child (round trips only); up: child to parent.
        Pipe down = null;
        Pipe up = null;
        try {
            down = rtt ? Pipe.open() : null;
            up = Pipe.open();
            Pipe d = down;
            Pipe u = up;
            SpawnedJvm child = SpawnedJvm.start(context, watchdog, b -> {
                if (d != null) {
                    b.inherit(d.source(), IN_FD);
                }
                b.inherit(u.sink(), OUT_FD);
            }, Peer.args(context, this, side, w));
            if (context.settings.pipeCapacity > 0 && side == Side.JIPC) {
                up.source().setCapacity(context.settings.pipeCapacity);
                if (down != null) {
                    down.sink().setCapacity(context.settings.pipeCapacity);
                }
            }
            // The child holds these ends now; ours would keep end of stream from happening.
            up.sink().close();
            watchdog.onExpiry(up);
            if (!rtt) {
                return Transport.link(new ChannelWire(up.source(), w.size()), child, up);
            }
            down.source().close();
            watchdog.onExpiry(down);
            return Transport.link(new ChannelWire(down.sink(), up.source(), w.size()), child, down, up);
        } catch (Exception e) {
            closeAll(e, down, up);
            throw e;
        }
    }

    static void closeAll(Exception failure, AutoCloseable... all) {
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws IOException {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        if (side == Side.JDK) {
            if (rtt) {
                StreamWire.echo(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), w.size());
            } else {
                StreamWire.send(new FileOutputStream(FileDescriptor.out), w.size());
            }
            return;
        }
        if (side == Side.JNI) {
            JniWire.child(rtt ? IN_FD : -1, OUT_FD, w.size());
            return;
        }
        try (PipeSource in = rtt ? PipeSource.inherited(IN_FD) : null; PipeSink out = PipeSink.inherited(OUT_FD)) {
            if (rtt) {
                ChannelWire.echo(in, out, w.size());
            } else {
                ChannelWire.send(out, w.size());
            }
        } catch (IpcException e) {
            if (rtt || !e.errnoName().equals("EPIPE")) {
                throw e;
            }
            // The reader has its count and left.
        }
    }
}
