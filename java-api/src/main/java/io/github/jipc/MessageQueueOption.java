package io.github.jipc;

/** How {@link MessageQueue} opens a queue; the default is read-write and blocking. */
public enum MessageQueueOption {
    /** Open for receiving only ({@code O_RDONLY}); sending throws {@link java.nio.channels.NonWritableChannelException}. */
    READ_ONLY,
    /** Open for sending only ({@code O_WRONLY}); receiving throws {@link java.nio.channels.NonReadableChannelException}. */
    WRITE_ONLY,
    /**
     * Start in non-blocking mode, see {@link MessageQueue#configureBlocking(boolean)}. Only this
     * handle's mode: the open file description stays blocking.
     */
    NON_BLOCKING
}
