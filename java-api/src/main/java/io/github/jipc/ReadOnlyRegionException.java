package io.github.jipc;

import java.nio.ReadOnlyBufferException;

/**
 * A write, or an object that must write (a mutex, a semaphore, a ring), was
 * refused because the {@link SharedRegion} is read-only. It is a
 * {@link ReadOnlyBufferException}, as a read-only buffer's put throws, with a
 * message that names the region and what to do.
 */
public final class ReadOnlyRegionException extends ReadOnlyBufferException {
    private static final long serialVersionUID = 1L;

    private final String message;

    /**
     * @param message what was refused, where, and what to do
     */
    ReadOnlyRegionException(String message) {
        this.message = message;
    }

    /** What was refused, in which region, and what to do instead. */
    @Override
    public String getMessage() {
        return message;
    }

    /** The refusal of what (a write, a robust mutex) in region, saying to map or attach it read-write. */
    static ReadOnlyRegionException refused(SharedRegion region, String what) {
        return new ReadOnlyRegionException(what + " needs a writable region, and " + region.description()
                + " is read-only: map or attach it read-write");
    }
}
