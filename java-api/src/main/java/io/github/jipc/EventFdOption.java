package io.github.jipc;

/** Options of {@link EventFd#create(int, EventFdOption...)}. */
public enum EventFdOption {
    /** {@code EFD_SEMAPHORE}: each take returns 1 and takes 1 from the counter. */
    SEMAPHORE,
    /** Start in non-blocking mode (chosen per call; the description stays blocking). */
    NON_BLOCKING
}
