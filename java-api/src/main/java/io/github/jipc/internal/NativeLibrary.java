package io.github.jipc.internal;

import java.io.File;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.Loader;

import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.FifoNative;
import io.github.jipc.internal.jni.PipeNative;
import io.github.jipc.internal.jni.SpawnNative;

/**
 * Loads jipc's JNI library once, on first use, and remembers why it could not
 * be loaded. Every public entry point calls {@link #ensureAvailable()} first.
 */
public final class NativeLibrary {
    /** The JavaCPP library name shared by every binding class. */
    static final String LIBRARY = "jniJipc";
    private static final String GROUP = "io.github.jipc";
    private static final String ARTIFACT = "jipc";

    private static final Throwable CAUSE = load();
    private static final String MESSAGE = CAUSE == null ? null : describe(CAUSE);

    private NativeLibrary() {}

    private static Throwable load() {
        try {
            for (Class<?> c : List.of(CommonNative.class, PipeNative.class, FifoNative.class, SpawnNative.class)) {
                Loader.load(c);
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** Why the library is unavailable (with every place tried), or null when it is loaded. */
    public static String unavailabilityMessage() {
        return MESSAGE;
    }

    public static Throwable unavailabilityCause() {
        return CAUSE;
    }

    public static void ensureAvailable() {
        if (CAUSE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(MESSAGE);
            e.initCause(CAUSE);
            throw e;
        }
    }

    /** The JavaCPP platform of this JVM, e.g. {@code linux-x86_64}. */
    public static String platform() {
        return Loader.getPlatform();
    }

    private static String describe(Throwable cause) {
        String platform = platform();
        String resource = "io/github/jipc/internal/jni/" + platform + "/" + System.mapLibraryName(LIBRARY);
        URL url = NativeLibrary.class.getClassLoader() == null ? null
                : NativeLibrary.class.getClassLoader().getResource(resource);
        List<String> tried = new ArrayList<>();
        tried.add("class path resource " + resource + (url == null ? " (absent)" : " (found at " + url + ")"));
        tried.add("extraction folder " + cacheDir());
        for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                tried.add("java.library.path entry " + dir);
            }
        }
        StringBuilder sb = new StringBuilder("jipc's native library could not be loaded on platform ")
                .append(platform).append(" (os.name=").append(System.getProperty("os.name"))
                .append(", os.arch=").append(System.getProperty("os.arch")).append(").");
        if (url == null) {
            sb.append(" Add the dependency ").append(GROUP).append(':').append(ARTIFACT)
                    .append(" with classifier ").append(platform).append('.');
        }
        sb.append(" Places tried:");
        for (String t : tried) {
            sb.append("\n  - ").append(t);
        }
        sb.append("\nCause: ").append(cause);
        return sb.toString();
    }

    private static String cacheDir() {
        String dir = System.getProperty("org.bytedeco.javacpp.cachedir");
        return dir != null ? dir + " (org.bytedeco.javacpp.cachedir)"
                : System.getProperty("user.home") + "/.javacpp/cache (default; set org.bytedeco.javacpp.cachedir to change)";
    }
}
