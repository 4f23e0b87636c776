package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Messages through byte channels and direct buffers: jipc's
 * {@link io.github.jipc.PipeSink}/{@link io.github.jipc.PipeSource} and the
 * JDK's {@link java.nio.channels.FileChannel} alike. Blocking ends: one
 * write loop and one read loop per message. The parent's side is the
 * {@link Wire}; {@link #echo} and {@link #send} are the child's.
 */
final class ChannelWire extends Wire {
    private final WritableByteChannel out;
    private final ReadableByteChannel in;
    private final ByteBuffer msg;
    private final ByteBuffer reply;

    /** Ends for round trips: out to the child, in from it. */
    ChannelWire(WritableByteChannel out, ReadableByteChannel in, int size) {
        this.out = out;
        this.in = in;
        this.msg = Messages.direct(size);
        this.reply = Messages.direct(size);
    }

    /** The receiving end of a stream. */
    ChannelWire(ReadableByteChannel in, int size) {
        this.out = null;
        this.in = in;
        this.msg = null;
        this.reply = Messages.direct(size);
    }

    @Override
    void stamp(long seq) {
        Messages.stamp(msg, seq);
        msg.clear();
    }

    @Override
    void write() throws IOException {
        do {
            out.write(msg);
        } while (msg.hasRemaining());
    }

    @Override
    boolean read() throws IOException {
        reply.clear();
        do {
            if (in.read(reply) < 0) {
                return false;
            }
        } while (reply.hasRemaining());
        return true;
    }

    @Override
    void check(long seq) {
        Messages.check(reply, seq);
    }

    /** The child's echo: reads each size-byte message whole and writes it back, until end of stream between messages. */
    static void echo(ReadableByteChannel in, WritableByteChannel out, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        for (;;) {
            buf.clear();
            do {
                if (in.read(buf) < 0) {
                    if (buf.position() == 0) {
                        return;
                    }
                    throw new IOException("end of stream inside a message");
                }
            } while (buf.hasRemaining());
            buf.flip();
            do {
                out.write(buf);
            } while (buf.hasRemaining());
            ChildMeter.tick();
        }
    }

    /**
     * The child's stream: numbered size-byte messages, each written whole, until
     * a write fails; the caller tells the reader leaving (EPIPE) from a failure.
     */
    static void send(WritableByteChannel out, int size) throws IOException {
        ByteBuffer msg = Messages.direct(size);
        for (long seq = 0;; seq++) {
            Messages.stamp(msg, seq);
            msg.clear();
            do {
                out.write(msg);
            } while (msg.hasRemaining());
            ChildMeter.tick();
        }
    }
}
