package io.github.jipc;

import io.github.jipc.internal.NativeLibrary;

/**
 * Whether jipc's native library is usable on this JVM, and why not.
 *
 * <p>The library loads by itself on first use; nothing needs initializing.
 * Every factory of jipc throws {@link UnsatisfiedLinkError} with the message
 * of {@link #unavailabilityCause()} when it is not usable.
 */
public final class Jipc {
    private Jipc() {}

    /** True when the native library is loaded. */
    public static boolean isAvailable() {
        return NativeLibrary.isAvailable();
    }

    /**
     * Throws when the native library could not be loaded.
     *
     * @throws UnsatisfiedLinkError naming the platform detected, every place
     *         tried and the dependency to add
     */
    public static void ensureAvailable() {
        NativeLibrary.ensureAvailable();
    }

    /**
     * Why the native library is not usable, or null when it is. The error's
     * message names the platform, every place tried and what to add; its cause
     * is the original loading failure.
     */
    public static Throwable unavailabilityCause() {
        if (NativeLibrary.isAvailable()) {
            return null;
        }
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(NativeLibrary.unavailabilityMessage());
        e.initCause(NativeLibrary.unavailabilityCause());
        return e;
    }

    /** The platform jipc detected, as its native classifiers name it (e.g. {@code linux-x86_64}). */
    public static String platform() {
        return NativeLibrary.platform();
    }
}
