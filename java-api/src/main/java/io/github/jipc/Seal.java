package io.github.jipc;

import io.github.jipc.internal.jni.ShmNative;

/**
 * A seal on a {@link MemoryFile} (see "File seals" in fcntl(2)): a promise
 * the kernel keeps for every process, so that a receiver can trust memory it
 * was handed. Seals are added, never removed.
 */
public enum Seal {
    /** {@code F_SEAL_SEAL}: no further seals can be added. */
    SEAL,
    /** {@code F_SEAL_SHRINK}: the size can no longer shrink, so no mapping can lose its pages. */
    SHRINK,
    /** {@code F_SEAL_GROW}: the size can no longer grow. */
    GROW,
    /**
     * {@code F_SEAL_WRITE}: the contents can no longer change. Refused (EBUSY)
     * while any process has a read-write shared mapping of it.
     */
    WRITE,
    /**
     * {@code F_SEAL_FUTURE_WRITE}: no new writable mapping or write, while
     * read-write mappings that exist keep writing (Linux 5.1+).
     */
    FUTURE_WRITE;

    int bit() {
        return switch (this) {
            case SEAL -> ShmNative.F_SEAL_SEAL();
            case SHRINK -> ShmNative.F_SEAL_SHRINK();
            case GROW -> ShmNative.F_SEAL_GROW();
            case WRITE -> ShmNative.F_SEAL_WRITE();
            case FUTURE_WRITE -> ShmNative.F_SEAL_FUTURE_WRITE();
        };
    }
}
