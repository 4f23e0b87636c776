package io.github.jipc.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import io.github.jipc.MessageQueue;

/**
 * A message queue as a byte stream, so the tour's echo exchange runs over it
 * as over a pipe: writes go out as messages of at most the queue's message
 * size, reads hand out received messages piece by piece, and a zero-length
 * message marks the end of the stream (sent by closing the writing side).
 */
final class QueueChannels {
    private QueueChannels() {}

    static WritableByteChannel sink(MessageQueue q) {
        return new WritableByteChannel() {
            private boolean open = true;

            @Override
            public int write(ByteBuffer src) throws IOException {
                if (!open) {
                    throw new ClosedChannelException();
                }
                int n = Math.min(src.remaining(), q.messageSize());
                if (n == 0) {
                    return 0;
                }
                ByteBuffer part = src.slice().limit(n);
                q.send(part, 0);
                src.position(src.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() throws IOException {
                if (open) {
                    open = false;
                    try {
                        q.send(ByteBuffer.allocate(0), 0); // end of stream
                    } finally {
                        q.close();
                    }
                }
            }
        };
    }

    static ReadableByteChannel source(MessageQueue q) {
        ByteBuffer pending = ByteBuffer.allocateDirect(q.messageSize()).flip();
        return new ReadableByteChannel() {
            private boolean ended;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!pending.hasRemaining()) {
                    if (ended || q.receive(pending.clear()) == 0) {
                        ended = true;
                        pending.limit(0);
                        return -1;
                    }
                    pending.flip();
                }
                int n = Math.min(dst.remaining(), pending.remaining());
                dst.put(pending.slice().limit(n));
                pending.position(pending.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return q.isOpen();
            }

            @Override
            public void close() throws IOException {
                q.close();
            }
        };
    }
}
