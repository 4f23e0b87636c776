package io.github.jipc;

/**
 * A message received from a {@link MessageQueue} as a byte array, with its
 * priority. The allocation-free way is {@link MessageQueue#receive(java.nio.ByteBuffer)}
 * with {@link MessageQueue#lastPriority()}.
 */
public final class QueueMessage {
    private final byte[] bytes;
    private final int priority;

    QueueMessage(byte[] bytes, int priority) {
        this.bytes = bytes;
        this.priority = priority;
    }

    /** {@return the message's bytes (this object's own array, not a copy), possibly empty} */
    public byte[] bytes() {
        return bytes;
    }

    /** {@return the priority it was sent with, 0 to {@link MessageQueue#maxPriority()}} */
    public int priority() {
        return priority;
    }

    @Override
    public String toString() {
        return "QueueMessage[" + bytes.length + " bytes, priority " + priority + "]";
    }
}
