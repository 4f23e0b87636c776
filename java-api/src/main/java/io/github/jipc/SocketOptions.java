package io.github.jipc;

import java.net.SocketOption;
import java.time.Duration;

/**
 * Socket options of {@link IpcSocket} beyond {@link java.net.StandardSocketOptions}
 * (which it supports: {@code SO_RCVBUF}, {@code SO_SNDBUF}, {@code SO_REUSEADDR},
 * {@code SO_REUSEPORT}, {@code SO_KEEPALIVE}, {@code SO_BROADCAST}, {@code TCP_NODELAY}).
 */
public final class SocketOptions {
    private SocketOptions() {}

    /**
     * {@code SO_RCVTIMEO} (socket(7)): a blocking receive or accept that waits
     * longer throws {@link java.net.SocketTimeoutException}. {@link Duration#ZERO}
     * waits for ever, and so does any timeout of 2<sup>31</sup> - 1 ms (about
     * 24.8 days) or more, {@code ChronoUnit.FOREVER.getDuration()} among them;
     * the kernel rounds to its clock tick. A negative one is refused.
     */
    public static final SocketOption<Duration> RECEIVE_TIMEOUT = new Option<>("SO_RCVTIMEO", Duration.class);
    /** {@code SO_SNDTIMEO} (socket(7)): the same for blocking sends. */
    public static final SocketOption<Duration> SEND_TIMEOUT = new Option<>("SO_SNDTIMEO", Duration.class);
    /**
     * {@code SO_PASSCRED} (unix(7)): every message received carries the sender's
     * credentials, see {@link ReceivedMessage#credentials()}. Unix sockets only.
     */
    public static final SocketOption<Boolean> PASS_CREDENTIALS = new Option<>("SO_PASSCRED", Boolean.class);

    private static final class Option<T> implements SocketOption<T> {
        private final String name;
        private final Class<T> type;

        Option(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
