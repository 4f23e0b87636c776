package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.github.jipc.Fifo;
import io.github.jipc.IpcException;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * The child side of the jipc contender, started by {@link JipcContender}:
 * <pre>
 *   echo pipe SIZE IN_FD OUT_FD     echo each SIZE-byte message until end of stream
 *   echo fifo SIZE IN_PATH OUT_PATH
 *   send pipe SIZE OUT_FD           stream numbered messages until the reader leaves (EPIPE)
 *   send fifo SIZE OUT_PATH
 * </pre>
 */
public final class JipcChild {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);

    private JipcChild() {}

    public static void main(String[] args) throws IOException {
        String role = args[0];
        boolean pipe = args[1].equals("pipe");
        int size = Integer.parseInt(args[2]);
        if (role.equals("echo")) {
            try (PipeSource in = pipe ? PipeSource.inherited(Integer.parseInt(args[3])) : Fifo.of(Path.of(args[3])).openSource();
                 PipeSink out = pipe ? PipeSink.inherited(Integer.parseInt(args[4])) : Fifo.of(Path.of(args[4])).openSink(OPEN_TIMEOUT)) {
                ChannelWire.echo(in, out, size);
            }
        } else if (role.equals("send")) {
            try (PipeSink out = pipe ? PipeSink.inherited(Integer.parseInt(args[3])) : Fifo.of(Path.of(args[3])).openSink(OPEN_TIMEOUT)) {
                ChannelWire.send(out, size);
            } catch (IpcException e) {
                if (!e.errnoName().equals("EPIPE")) {
                    throw e;
                }
                // The reader has its count and left.
            }
        } else {
            throw new IllegalArgumentException("unknown role " + role);
        }
    }
}
