package io.github.jipc;

/**
 * The attributes of a POSIX message queue at one moment, as mq_getattr(3)
 * reports them.
 */
public final class MessageQueueAttributes {
    private final long maxMessages;
    private final long messageSize;
    private final long currentMessages;
    private final boolean nonBlocking;

    MessageQueueAttributes(long maxMessages, long messageSize, long currentMessages, boolean nonBlocking) {
        this.maxMessages = maxMessages;
        this.messageSize = messageSize;
        this.currentMessages = currentMessages;
        this.nonBlocking = nonBlocking;
    }

    /** {@return how many messages the queue holds at most ({@code mq_maxmsg}), fixed at creation} */
    public long maxMessages() {
        return maxMessages;
    }

    /** {@return the largest message in bytes ({@code mq_msgsize}), fixed at creation} */
    public long messageSize() {
        return messageSize;
    }

    /** {@return how many messages were waiting ({@code mq_curmsgs})} */
    public long currentMessages() {
        return currentMessages;
    }

    /**
     * Whether the open file description is {@code O_NONBLOCK} ({@code mq_flags}). jipc never sets
     * it (its handles choose per call); another process sharing the description may have.
     *
     * @return true if the description is non-blocking
     */
    public boolean isDescriptionNonBlocking() {
        return nonBlocking;
    }

    @Override
    public String toString() {
        return "MessageQueueAttributes[maxMessages=" + maxMessages + ", messageSize=" + messageSize
                + ", currentMessages=" + currentMessages + (nonBlocking ? ", O_NONBLOCK" : "") + "]";
    }
}
