package io.github.jipc;

import java.io.IOException;

/**
 * Thrown by a {@link RingProducer} that would wait for room in a full
 * {@link MessageRing} whose consumer is gone: its process died (it no longer
 * runs, or its pid now belongs to a process started later) or it closed its
 * {@link RingConsumer}. Nothing would ever free room, so the producer is told
 * instead of waiting. Messages already in the ring stay there for a consumer
 * that attaches later. A ring that never had a consumer is not "gone": a
 * producer waits for the first one.
 */
public final class NoConsumerException extends IOException {
    private static final long serialVersionUID = 1L;

    NoConsumerException(String message) {
        super(message);
    }
}
