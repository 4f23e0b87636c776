package io.github.jipc;

import java.nio.file.Path;
import java.util.Optional;

import io.github.jipc.internal.NativeLibrary;

/**
 * Whether jipc's native library is usable on this JVM, where it was loaded
 * from, and why not.
 *
 * <p>The library loads by itself on first use; nothing needs initializing.
 * It comes from the classifier jar of this platform on the class path (e.g.
 * {@code io.github.jipc:jipc:<version>:linux-x86_64}), extracted into the
 * folder named by the system property {@code jipc.cachedir} (default: JavaCPP's
 * cache folder, {@code org.bytedeco.javacpp.cachedir} or {@code ~/.javacpp/cache}).
 * When loading from there fails, for instance on a mount that forbids
 * executables ({@code noexec}), jipc retries from {@code ~/.cache/jipc}, then
 * {@code java.io.tmpdir}, then {@code .jipc} in the working folder, and logs a
 * warning naming the folders. The system property {@code jipc.library} names
 * a library file to load instead, with nothing extracted.
 *
 * <p>Every factory of jipc throws {@link UnsatisfiedLinkError} with the message
 * of {@link #unavailabilityCause()} when it is not usable.
 */
public final class Jipc {
    private Jipc() {}

    /** {@return true when the native library is loaded and its bindings work} */
    public static boolean isAvailable() {
        return NativeLibrary.isAvailable();
    }

    /**
     * Throws when the native library could not be loaded.
     *
     * @throws UnsatisfiedLinkError naming the platform detected, the native
     *         libraries present on the class path, every place tried and the
     *         dependency to add
     */
    public static void ensureAvailable() {
        NativeLibrary.ensureAvailable();
    }

    /**
     * Why the native library is not usable. The error's message names the
     * platform detected, the native libraries present on the class path, every
     * place tried and what to add or set; its cause is the original loading failure.
     *
     * @return an {@link UnsatisfiedLinkError}, or null when the library is usable
     */
    public static Throwable unavailabilityCause() {
        if (NativeLibrary.isAvailable()) {
            return null;
        }
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(NativeLibrary.unavailabilityMessage());
        e.initCause(NativeLibrary.unavailabilityCause());
        return e;
    }

    /**
     * The native library file loaded.
     *
     * @return the file, or empty when none is loaded (or when the JVM found it
     *         by name in {@code java.library.path})
     */
    public static Optional<Path> libraryFile() {
        return Optional.ofNullable(NativeLibrary.libraryFile());
    }

    /** {@return the platform jipc detected, as its native classifiers name it, e.g. {@code linux-x86_64}} */
    public static String platform() {
        return NativeLibrary.platform();
    }
}
