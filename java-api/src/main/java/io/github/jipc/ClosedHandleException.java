package io.github.jipc;

import java.nio.channels.ClosedChannelException;

/**
 * A handle given to be passed to another process was closed: the socket
 * that was to carry it may well be open, which the message tells apart
 * from the socket's own {@link ClosedChannelException}.
 */
final class ClosedHandleException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    private final String message;

    ClosedHandleException(int index, Object handle) {
        this.message = "handle " + index + " to pass (" + handle + ") is closed: only open handles can be passed";
    }

    @Override
    public String getMessage() {
        return message;
    }
}
