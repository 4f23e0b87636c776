package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.MessageQueue;

/**
 * Messages through jipc's {@link MessageQueue}s: one send and one receive per
 * message, direct buffers of exactly the queue's message size, nothing
 * allocated per message. The parent's side is the {@link Wire}; {@link #echo}
 * and {@link #send} are the child's.
 */
final class MqWire extends MessageWire {
    private final MessageQueue out;
    private final MessageQueue in;
    private final int size;

    /** out: null for the receiving end of a stream. */
    MqWire(MessageQueue out, MessageQueue in, int size) {
        super(out == null ? null : Messages.direct(size), Messages.direct(size));
        this.out = out;
        this.in = in;
        this.size = size;
    }

    @Override
    void write() throws IOException {
        out.send(msg, 0);
    }

    @Override
    boolean read() throws IOException {
        reply.clear();
        expectSize(in.receive(reply), size);
        return true;
    }

    /** The child's echo: every message back as it came, until an empty one. */
    static void echo(MessageQueue in, MessageQueue out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(in.messageSize());
        while (in.receive(buf.clear()) > 0) {
            out.send(buf.flip(), 0);
            ChildMeter.tick();
        }
    }

    /** The child's stream: numbered messages until one arrives on control (looked at every 256 sends, without waiting). */
    static void send(MessageQueue out, MessageQueue control, int size) throws IOException {
        ByteBuffer msg = Messages.direct(size);
        ByteBuffer stop = ByteBuffer.allocateDirect(control.messageSize());
        for (long seq = 0;; seq++) {
            if (seq % MqTransport.STOP_EVERY == 0 && control.tryReceive(stop.clear()) >= 0) {
                return; // the reader has its count
            }
            Messages.stamp(msg, seq);
            out.send(msg.clear(), 0);
            ChildMeter.tick();
        }
    }
}
