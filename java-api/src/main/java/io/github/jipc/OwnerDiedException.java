package io.github.jipc;

import java.io.IOException;

/**
 * Thrown by a lock of a {@link RobustMutex} (or a wait of a
 * {@link SharedCondition}) that <b>acquired the mutex</b> after its previous
 * owner died holding it ({@code EOWNERDEAD}, see pthread_mutexattr_setrobust(3)).
 * The data the mutex protects may be half-updated. The thread that caught
 * this owns the mutex: it repairs the data, then calls
 * {@link RobustMutex#markConsistent()} and unlocks. If it unlocks without
 * marking it consistent, the mutex becomes unrecoverable: every later lock,
 * in every process, fails with {@code ENOTRECOVERABLE}.
 */
public final class OwnerDiedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient RobustMutex mutex;

    OwnerDiedException(RobustMutex mutex) {
        super(mutex + ": the previous owner died holding it (EOWNERDEAD); this thread owns it now: repair the data,"
                + " call markConsistent(), then unlock; see pthread_mutexattr_setrobust(3)");
        this.mutex = mutex;
    }

    /** {@return the mutex, now held by the thread that caught this} */
    public RobustMutex mutex() {
        return mutex;
    }
}
