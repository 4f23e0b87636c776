package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.MessageQueue;

/**
 * A pair of jipc message queues as the measuring loops see them: one
 * {@code send} and one {@code receive} per message, direct buffers, nothing
 * allocated per message. An empty message ends the exchange.
 */
final class MqWire extends Wire {
    private final MessageQueue out;
    private final MessageQueue in;
    private final ByteBuffer msg;
    private final ByteBuffer reply;
    private final int size;

    MqWire(MessageQueue out, MessageQueue in, int size) {
        this.out = out;
        this.in = in;
        this.size = size;
        this.msg = Messages.direct(size);
        this.reply = Messages.direct(in.messageSize());
    }

    @Override
    void stamp(long seq) {
        Messages.stamp(msg, seq);
    }

    @Override
    void write() throws IOException {
        out.send(msg.clear(), 0);
    }

    @Override
    boolean read() throws IOException {
        int n = in.receive(reply.clear());
        if (n != size && n != 0) {
            throw new IllegalStateException("a message of " + n + " bytes, expected " + size);
        }
        return n == size;
    }

    @Override
    void check(long seq) {
        Messages.check(reply.limit(size), seq);
    }

    /** The child's echo: every message back as it came, until an empty one. */
    static void echo(MessageQueue in, MessageQueue out) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(in.messageSize());
        while (in.receive(b.clear()) > 0) {
            out.send(b.flip(), 0);
        }
    }

    /** The child's stream: numbered messages until a message arrives on control (looked at every 256 sends). */
    static void send(MessageQueue out, MessageQueue control, int size) throws IOException {
        ByteBuffer msg = Messages.direct(size);
        ByteBuffer stop = ByteBuffer.allocateDirect(control.messageSize());
        for (long seq = 0;; seq++) {
            if (seq % 256 == 0 && control.tryReceive(stop.clear()) >= 0) {
                return;
            }
            Messages.stamp(msg, seq);
            out.send(msg.clear(), 0);
        }
    }
}
