package io.github.jipc.internal;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.Loader;

import io.github.jipc.internal.LoadDiagnostics.Attempt;
import io.github.jipc.internal.LoadDiagnostics.Host;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.EventfdNative;
import io.github.jipc.internal.jni.FifoNative;
import io.github.jipc.internal.jni.FileNative;
import io.github.jipc.internal.jni.FutexNative;
import io.github.jipc.internal.jni.GuardNative;
import io.github.jipc.internal.jni.LockNative;
import io.github.jipc.internal.jni.MmapNative;
import io.github.jipc.internal.jni.MqNative;
import io.github.jipc.internal.jni.MutexNative;
import io.github.jipc.internal.jni.PipeNative;
import io.github.jipc.internal.jni.PollNative;
import io.github.jipc.internal.jni.RingNative;
import io.github.jipc.internal.jni.SemNative;
import io.github.jipc.internal.jni.ShmNative;
import io.github.jipc.internal.jni.SockmsgNative;
import io.github.jipc.internal.jni.SocketNative;
import io.github.jipc.internal.jni.SpawnNative;
import io.github.jipc.internal.jni.SysvSemNative;
import io.github.jipc.internal.jni.SysvShmNative;

/**
 * Loads jipc's JNI library once, on first use, and remembers where from, or
 * why it could not. Every public entry point calls {@link #ensureAvailable()} first.
 *
 * <p>The library file is loaded ({@link LibraryFile}, {@link LibraryLoader})
 * before any binding class is initialized, whichever comes first: a binding
 * class whose initializer failed can never be used again, so every fallback
 * has to be tried first. The binding classes then find it loaded already.
 *
 * <p>System properties: {@value LibraryFile#LIBRARY_PROPERTY} (a libjniJipc.so to load,
 * nothing is extracted), {@value LibraryFile#CACHEDIR_PROPERTY} (the folder to extract
 * into; default JavaCPP's, {@code org.bytedeco.javacpp.cachedir} or
 * ~/.javacpp/cache), {@value WakeSignal#PROPERTY} (the real-time signal that
 * wakes blocked calls on close, default SIGRTMAX-3). docs/platforms.md describes them.
 */
public final class NativeLibrary {
    private static final List<Class<?>> BINDINGS =
            List.of(CommonNative.class, GuardNative.class, PipeNative.class, FifoNative.class, SpawnNative.class,
                    SysvShmNative.class, ShmNative.class, MmapNative.class, MqNative.class, SocketNative.class,
                    SockmsgNative.class, EventfdNative.class, PollNative.class, LockNative.class, FutexNative.class,
                    SemNative.class, SysvSemNative.class, MutexNative.class, RingNative.class, FileNative.class);

    private static final State STATE = load();

    private NativeLibrary() {}

    /** The outcome of loading: file or loadedFrom when loaded, message and cause when not. */
    private record State(String loadedFrom, Path file, String message, Throwable cause) {}

    private static State load() {
        Host host = LibraryFile.HOST;
        LibraryLoader.Result r = LibraryFile.RESULT;
        if (r.loaded()) {
            try {
                for (Class<?> c : BINDINGS) {
                    Loader.load(c);
                }
                String signal = WakeSignal.setUp();
                if (signal != null) {
                    List<Attempt> attempts = new ArrayList<>(r.attempts());
                    attempts.add(new Attempt(r.loadedFrom(), "loaded, but " + signal));
                    return failed(host, attempts, new IllegalStateException(signal));
                }
                if (r.warning() != null) {
                    System.getLogger("io.github.jipc").log(Level.WARNING, r.warning());
                }
                return new State(r.loadedFrom(), r.file(), null, null);
            } catch (Throwable t) {
                List<Attempt> attempts = new ArrayList<>(r.attempts());
                attempts.add(new Attempt(r.loadedFrom(), "loaded, but its bindings failed: " + t));
                return failed(host, attempts, t);
            }
        }
        return failed(host, r.attempts(), r.cause());
    }

    private static State failed(Host host, List<Attempt> attempts, Throwable cause) {
        return new State(null, null, LibraryFile.failureMessage(host, attempts, cause), cause);
    }

    public static boolean isAvailable() {
        return STATE.message() == null;
    }

    /** Why the library is unavailable (the platform, every place tried, what to add), or null when it is loaded. */
    public static String unavailabilityMessage() {
        return STATE.message();
    }

    /** The error behind {@link #unavailabilityMessage()}, or null. */
    public static Throwable unavailabilityCause() {
        return STATE.cause();
    }

    /** The library file loaded, or null when none was (or the JVM found it by name in java.library.path). */
    public static Path libraryFile() {
        return STATE.file();
    }

    /** Where the library was loaded from (a file, or java.library.path), or null when it was not. */
    public static String loadedFrom() {
        return STATE.loadedFrom();
    }

    /** The JavaCPP platform of this JVM, e.g. {@code linux-x86_64}. */
    public static String platform() {
        return LibraryFile.platform();
    }

    public static void ensureAvailable() {
        if (STATE.message() != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(STATE.message());
            e.initCause(STATE.cause());
            throw e;
        }
    }

}
