package io.github.jipc.bench.xproc;

import java.nio.ByteBuffer;

/**
 * A {@link Wire} whose messages are whole buffers of the run's size: the
 * outgoing one stamped and readied to be written whole, the incoming one
 * checked at both ends ({@link Messages}). The datagram and message-queue
 * wires say only how a message is written and read.
 */
abstract class MessageWire extends Wire {
    /** The outgoing message; null for the receiving end of a stream. */
    final ByteBuffer msg;
    /** The incoming message, exactly a message long. */
    final ByteBuffer reply;

    MessageWire(ByteBuffer msg, ByteBuffer reply) {
        this.msg = msg;
        this.reply = reply;
    }

    @Override
    final void stamp(long seq) {
        Messages.stamp(msg, seq);
        msg.clear();
    }

    @Override
    final void check(long seq) {
        Messages.check(reply, seq);
    }

    /** Fails unless a received message was n bytes, the run's size. */
    static void expectSize(long n, int size) {
        if (n != size) {
            throw new IllegalStateException("a message of " + n + " bytes arrived, expected " + size);
        }
    }
}
