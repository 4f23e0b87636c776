package io.github.jipc.internal;

import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Duration parameters as nanoseconds, without overflow: any non-negative
 * {@link Duration} is accepted, and one too long to count in nanoseconds from
 * now (about 73 years and more, {@code ChronoUnit.FOREVER} included) means
 * "no limit".
 */
public final class Timeouts {
    /** A deadline that never comes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Waits at least this long count as no limit: far beyond any process's life, and clear of overflow. */
    private static final long NO_LIMIT_NANOS = Long.MAX_VALUE / 4;

    private Timeouts() {}

    /**
     * Checks timeout and returns it in nanoseconds, {@link Long#MAX_VALUE} for "no limit".
     *
     * @param what names the parameter and the wait in messages, e.g. {@code "timeout of Subprocess.waitFor"}
     * @throws NullPointerException     if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     */
    public static long toNanos(Duration timeout, String what) {
        Objects.requireNonNull(timeout, () -> what + " must not be null (Duration.ZERO does not wait, "
                + "ChronoUnit.FOREVER.getDuration() waits without limit)");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + timeout);
        }
        if (timeout.getSeconds() >= NO_LIMIT_NANOS / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        long nanos = timeout.toNanos();
        return nanos >= NO_LIMIT_NANOS ? Long.MAX_VALUE : nanos;
    }

    /** The System.nanoTime() deadline for a checked timeout, {@link #NO_DEADLINE} for "no limit". */
    public static long deadline(Duration timeout, String what) {
        long nanos = toNanos(timeout, what);
        return nanos == Long.MAX_VALUE ? NO_DEADLINE : System.nanoTime() + nanos;
    }

    /** Nanoseconds left until deadline (never negative), {@link Long#MAX_VALUE} for {@link #NO_DEADLINE}. */
    public static long left(long deadline) {
        return deadline == NO_DEADLINE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
    }

    /** An {@link InterruptedByTimeoutException} (which has no message of its own) with a message. */
    public static InterruptedByTimeoutException timedOut(String message) {
        return new TimedOut(message);
    }

    private static final class TimedOut extends InterruptedByTimeoutException {
        private static final long serialVersionUID = 1L;
        private final String message;

        TimedOut(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
