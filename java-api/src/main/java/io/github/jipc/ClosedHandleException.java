package io.github.jipc;

import java.nio.channels.ClosedChannelException;

/**
 * A {@link ClosedChannelException} that says which handle was closed: one
 * given to be passed to another process (the socket that was to carry it
 * may well be open, which the message tells apart from the socket's own),
 * or one whose own method was called.
 */
public final class ClosedHandleException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    private final String message;

    ClosedHandleException(int index, Object handle) {
        this("handle " + index + " to pass (" + handle + ") is closed: only open handles can be passed");
    }

    ClosedHandleException(String message) {
        this.message = message;
    }

    /** Which handle was closed, and what that means for the call. */
    @Override
    public String getMessage() {
        return message;
    }
}
