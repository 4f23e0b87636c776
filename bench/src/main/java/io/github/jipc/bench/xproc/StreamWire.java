package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Messages through the JDK's streams (the parent's {@link Process} streams,
 * the child's stdin and stdout): write and flush, read whole.
 */
final class StreamWire extends Wire {
    private final OutputStream out;
    private final InputStream in;
    private final byte[] msg;
    private final byte[] reply;

    /** out: null for the receiving end of a stream. */
    StreamWire(OutputStream out, InputStream in, int size) {
        this.out = out;
        this.in = in;
        this.msg = out == null ? null : Messages.array(size);
        this.reply = new byte[size];
    }

    @Override
    void stamp(long seq) {
        Messages.stamp(msg, seq);
    }

    @Override
    void write() throws IOException {
        out.write(msg);
        out.flush();
    }

    @Override
    boolean read() throws IOException {
        return in.readNBytes(reply, 0, reply.length) == reply.length;
    }

    @Override
    void check(long seq) {
        Messages.check(reply, seq);
    }

    /** The child's echo: each size-byte message back, until end of stream. */
    static void echo(InputStream in, OutputStream out, int size) throws IOException {
        byte[] buf = new byte[size];
        for (;;) {
            int n = in.readNBytes(buf, 0, size);
            if (n == 0) {
                return;
            }
            if (n < size) {
                throw new IOException("end of stream inside a message");
            }
            out.write(buf);
            ChildMeter.tick();
        }
    }

    /** The child's stream: numbered messages until the reader leaves (EPIPE). */
    static void send(OutputStream out, int size) throws IOException {
        byte[] msg = Messages.array(size);
        try {
            for (long seq = 0;; seq++) {
                Messages.stamp(msg, seq);
                out.write(msg);
                ChildMeter.tick();
            }
        } catch (IOException e) {
            if (!brokenPipe(e)) {
                throw e;
            }
        }
    }

    /** EPIPE, as the JDK reports it: the reader has its count and left. */
    static boolean brokenPipe(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Broken pipe");
    }
}
