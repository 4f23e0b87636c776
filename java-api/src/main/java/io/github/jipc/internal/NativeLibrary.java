package io.github.jipc.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.bytedeco.javacpp.Loader;

import io.github.jipc.internal.LibraryLoader.Folder;
import io.github.jipc.internal.LoadDiagnostics.Attempt;
import io.github.jipc.internal.LoadDiagnostics.Host;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.EventfdNative;
import io.github.jipc.internal.jni.FifoNative;
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
 * <p>The library is loaded (see {@link LibraryLoader}) before any binding
 * class is initialized: a binding class whose initializer failed can never be
 * used again, so every fallback has to be tried first. The binding classes
 * then find it loaded already.
 *
 * <p>System properties: {@value #LIBRARY_PROPERTY} (a libjniJipc.so to load,
 * nothing is extracted), {@value #CACHEDIR_PROPERTY} (the folder to extract
 * into; default JavaCPP's, {@code org.bytedeco.javacpp.cachedir} or
 * ~/.javacpp/cache), {@value WakeSignal#PROPERTY} (the real-time signal that
 * wakes blocked calls on close, default SIGRTMAX-3). docs/platforms.md describes them.
 */
public final class NativeLibrary {
    /** The JavaCPP library name shared by every binding class. */
    static final String LIBRARY = "jniJipc";
    static final String LIBRARY_PROPERTY = "jipc.library";
    static final String CACHEDIR_PROPERTY = "jipc.cachedir";
    private static final String JAVACPP_CACHEDIR = "org.bytedeco.javacpp.cachedir";
    private static final String FILE = System.mapLibraryName(LIBRARY);
    private static final List<Class<?>> BINDINGS =
            List.of(CommonNative.class, GuardNative.class, PipeNative.class, FifoNative.class, SpawnNative.class,
                    SysvShmNative.class, ShmNative.class, MmapNative.class, MqNative.class, SocketNative.class,
                    SockmsgNative.class, EventfdNative.class, PollNative.class, LockNative.class, FutexNative.class,
                    SemNative.class, SysvSemNative.class, MutexNative.class, RingNative.class);

    private static final State STATE = load();

    private NativeLibrary() {}

    /** The outcome of loading: file or loadedFrom when loaded, message and cause when not. */
    private record State(String loadedFrom, Path file, String message, Throwable cause) {}

    private static State load() {
        Host host = new Host(platform(), System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
        Resources resources = new Resources(classLoader());
        String resourceName = resourceName(host.platform());
        URL resource = resources.find(resourceName);
        String explicit = System.getProperty(LIBRARY_PROPERTY, "");
        List<Attempt> notes = new ArrayList<>();
        LibraryLoader.Result r = new LibraryLoader(resourceName, resource,
                explicit.isEmpty() ? null : Path.of(explicit).toAbsolutePath(), folders(notes), notes,
                new JavaCppBinder(), Mounts::isNoexec).load();
        if (r.loaded()) {
            try {
                keepJavaCppCacheUsable(r.file());
                for (Class<?> c : BINDINGS) {
                    Loader.load(c);
                }
                String signal = WakeSignal.setUp();
                if (signal != null) {
                    List<Attempt> attempts = new ArrayList<>(r.attempts());
                    attempts.add(new Attempt(r.loadedFrom(), "loaded, but " + signal));
                    return failed(host, resources, resource != null, attempts, new IllegalStateException(signal));
                }
                if (r.warning() != null) {
                    System.getLogger("io.github.jipc").log(Level.WARNING, r.warning());
                }
                return new State(r.loadedFrom(), r.file(), null, null);
            } catch (Throwable t) {
                List<Attempt> attempts = new ArrayList<>(r.attempts());
                attempts.add(new Attempt(r.loadedFrom(), "loaded, but its bindings failed: " + t));
                return failed(host, resources, resource != null, attempts, t);
            }
        }
        return failed(host, resources, resource != null, r.attempts(), r.cause());
    }

    private static State failed(Host host, Resources resources, boolean resourceFound, List<Attempt> attempts,
            Throwable cause) {
        List<String> present = new ArrayList<>();
        for (String p : LoadDiagnostics.SUPPORTED) {
            if (resources.find(resourceName(p)) != null) {
                present.add(p);
            }
        }
        if (!LoadDiagnostics.SUPPORTED.contains(host.platform()) && resourceFound) {
            present.add(host.platform());
        }
        String message = LoadDiagnostics.message(host, version(resources.cl), present, resourceFound, attempts, cause);
        return new State(null, null, message, cause);
    }

    /**
     * Finds the native libraries of jipc's classifier jars: through the class
     * loader (the class path, and the modules of the module graph), else in
     * the jars of the module path that are not in the module graph. A
     * classifier jar has no package for anyone to require, so on the module
     * path its automatic module is left out of the graph unless added
     * ({@code --add-modules}), and its class loader cannot see it.
     */
    private static final class Resources {
        final ClassLoader cl;
        private List<ModuleReference> outsideTheGraph;

        Resources(ClassLoader cl) {
            this.cl = cl;
        }

        URL find(String name) {
            URL url = cl.getResource(name);
            if (url != null) {
                return url;
            }
            for (ModuleReference m : outsideTheGraph()) {
                try (ModuleReader reader = m.open()) {
                    Optional<URI> uri = reader.find(name);
                    if (uri.isPresent()) {
                        return uri.get().toURL();
                    }
                } catch (IOException | RuntimeException e) {
                    // an unreadable jar holds nothing for us
                }
            }
            return null;
        }

        private List<ModuleReference> outsideTheGraph() {
            if (outsideTheGraph == null) {
                outsideTheGraph = new ArrayList<>();
                String modulePath = System.getProperty("jdk.module.path", "");
                List<Path> entries = new ArrayList<>();
                for (String e : modulePath.split(File.pathSeparator)) {
                    if (!e.isEmpty()) {
                        entries.add(Path.of(e));
                    }
                }
                try {
                    for (ModuleReference m : ModuleFinder.of(entries.toArray(Path[]::new)).findAll()) {
                        if (ModuleLayer.boot().findModule(m.descriptor().name()).isEmpty()) {
                            outsideTheGraph.add(m);
                        }
                    }
                } catch (RuntimeException e) {
                    // FindException: a module path the JVM itself would refuse to resolve in full
                }
            }
            return outsideTheGraph;
        }
    }

    /** The extraction folder (jipc's or JavaCPP's), then the fallbacks, in that order. */
    private static List<Folder> folders(List<Attempt> notes) {
        List<Folder> folders = new ArrayList<>();
        LibraryLoader.Extractor copy = (url, dir) -> LibraryLoader.extractCopy(url, dir, FILE);
        String own = System.getProperty(CACHEDIR_PROPERTY, "");
        if (!own.isEmpty()) {
            folders.add(new Folder(CACHEDIR_PROPERTY, Path.of(own).toAbsolutePath(), copy));
        } else {
            try {
                Path cache = Loader.getCacheDir().toPath();
                // Not Loader.cacheResource: it takes a cached file of the same size and jar timestamp as
                // current, and reproducible jars give every build one timestamp, so an older build's
                // library of the same size would load. The copy is named by the hash of its bytes.
                folders.add(new Folder("JavaCPP's cache folder", cache, copy));
            } catch (IOException e) {
                notes.add(new Attempt("JavaCPP's cache folder (" + JAVACPP_CACHEDIR + ", ~/.javacpp/cache, java.io.tmpdir)",
                        "none usable: " + e));
            }
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path home = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        folders.add(new Folder("fallback", home.resolve("jipc"), copy));
        folders.add(new Folder("fallback", Path.of(System.getProperty("java.io.tmpdir"),
                "jipc-" + System.getProperty("user.name", "user")), copy));
        folders.add(new Folder("fallback", Path.of(System.getProperty("user.dir"), ".jipc"), copy));
        return folders;
    }

    /**
     * JavaCPP links each loaded library into its cache folder when a binding
     * class loads; with no usable cache folder at all that would fail, so it
     * is pointed at the folder the library was loaded from.
     */
    private static void keepJavaCppCacheUsable(Path file) {
        if (file == null || System.getProperty(JAVACPP_CACHEDIR) != null) {
            return;
        }
        try {
            Loader.getCacheDir();
        } catch (IOException e) {
            System.setProperty(JAVACPP_CACHEDIR, file.getParent().toString());
        }
    }

    /**
     * Loads through JavaCPP's Loader, so that the binding classes find the
     * library loaded; JNI_OnLoad looks classes up through the loader of the
     * class given (not initialized by this).
     */
    private static final class JavaCppBinder implements LibraryLoader.Binder {
        @Override
        public String bind(Path file) {
            try {
                return check(Loader.loadLibrary(CommonNative.class, new URL[] { file.toUri().toURL() }, LIBRARY));
            } catch (MalformedURLException e) {
                throw (UnsatisfiedLinkError) new UnsatisfiedLinkError(e.toString()).initCause(e);
            } catch (UnsatisfiedLinkError e) {
                // JavaCPP tries System.loadLibrary after a failed file: the file's error is the cause.
                throw e.getCause() instanceof UnsatisfiedLinkError u ? u : e;
            }
        }

        @Override
        public String bindByName() {
            return check(Loader.loadLibrary(CommonNative.class, new URL[0], LIBRARY));
        }

        private static String check(String loaded) {
            if (loaded == null) {
                throw new UnsatisfiedLinkError("JavaCPP does not load libraries here (org.bytedeco.javacpp.loadLibraries=false)");
            }
            return loaded;
        }
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

    public static void ensureAvailable() {
        if (STATE.message() != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(STATE.message());
            e.initCause(STATE.cause());
            throw e;
        }
    }

    /** The JavaCPP platform of this JVM, e.g. {@code linux-x86_64}. */
    public static String platform() {
        return Loader.getPlatform();
    }

    /** The class path name of platform's library. */
    static String resourceName(String platform) {
        return "io/github/jipc/internal/jni/" + platform + "/" + FILE;
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = NativeLibrary.class.getClassLoader();
        return cl != null ? cl : ClassLoader.getSystemClassLoader();
    }

    /** jipc's version from the Maven metadata in its jars, or null (running from a build folder). */
    private static String version(ClassLoader cl) {
        try (InputStream in = cl.getResourceAsStream("META-INF/maven/io.github.jipc/jipc/pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }
}
