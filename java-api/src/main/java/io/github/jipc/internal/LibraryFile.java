package io.github.jipc.internal;

import java.io.File;
import java.io.IOException;
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

import org.bytedeco.javacpp.Loader;

import io.github.jipc.internal.LibraryLoader.Folder;
import io.github.jipc.internal.LoadDiagnostics.Attempt;
import io.github.jipc.internal.LoadDiagnostics.Host;
import io.github.jipc.internal.jni.CommonNative;

/**
 * Loads the file libjniJipc.so once, the first time a binding class or
 * {@link NativeLibrary} needs it, and remembers the outcome. Every binding
 * class calls {@link #load()} in its initializer before JavaCPP's
 * {@code Loader.load()}, which then finds the library loaded under its name
 * and loads no copy of its own: JavaCPP's copy in its cache folder is taken
 * when its size and jar timestamp match, and reproducible jars give every
 * build one timestamp, so another build's library of the same size would load
 * (its missing functions failing only when called).
 *
 * <p>This class initializes no binding class, so any thread may initialize a
 * binding class while another initializes {@link NativeLibrary}, which loads
 * every binding class, without a deadlock.
 */
public final class LibraryFile {
    /** The JavaCPP library name shared by every binding class. */
    static final String LIBRARY = "jniJipc";
    static final String LIBRARY_PROPERTY = "jipc.library";
    static final String CACHEDIR_PROPERTY = "jipc.cachedir";
    private static final String JAVACPP_CACHEDIR = "org.bytedeco.javacpp.cachedir";
    private static final String FILE = System.mapLibraryName(LIBRARY);

    static final Host HOST = new Host(platform(), System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
    static final Resources RESOURCES = new Resources(classLoader());
    static final URL RESOURCE = RESOURCES.find(resourceName(HOST.platform()));
    static final LibraryLoader.Result RESULT = loadFile();

    private LibraryFile() {}

    /**
     * Loads the library file, if not done yet (the class's initialization
     * does it). A binding class's initializer calls it first, so that the
     * first use of jipc without its native library fails with the same
     * message as {@link NativeLibrary#ensureAvailable()}, whichever class
     * comes first.
     *
     * @throws UnsatisfiedLinkError if the file could not be loaded: naming the platform, the
     *         classifiers present, every place tried and the dependency to add
     */
    public static void load() {
        if (!RESULT.loaded()) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(Failure.MESSAGE);
            e.initCause(RESULT.cause());
            throw e;
        }
    }

    /** Why the file did not load, said once. */
    private static final class Failure {
        static final String MESSAGE = failureMessage(HOST, RESULT.attempts(), RESULT.cause());
    }

    /** What failed loading, where it was tried, and what to add: the message of every such error. */
    static String failureMessage(Host host, List<Attempt> attempts, Throwable cause) {
        boolean resourceFound = RESOURCE != null;
        List<String> present = new ArrayList<>();
        for (String p : LoadDiagnostics.SUPPORTED) {
            if (RESOURCES.find(resourceName(p)) != null) {
                present.add(p);
            }
        }
        if (!LoadDiagnostics.SUPPORTED.contains(host.platform()) && resourceFound) {
            present.add(host.platform());
        }
        return LoadDiagnostics.message(host, version(RESOURCES.cl), present, resourceFound, attempts, cause);
    }

    /** jipc's version from the Maven metadata in its jars, or null (running from a build folder). */
    private static String version(ClassLoader cl) {
        try (java.io.InputStream in = cl.getResourceAsStream("META-INF/maven/io.github.jipc/jipc/pom.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    private static LibraryLoader.Result loadFile() {
        String explicit = System.getProperty(LIBRARY_PROPERTY, "");
        List<Attempt> notes = new ArrayList<>();
        LibraryLoader.Result r = new LibraryLoader(resourceName(HOST.platform()), RESOURCE,
                explicit.isEmpty() ? null : Path.of(explicit).toAbsolutePath(), folders(notes), notes,
                new JavaCppBinder(), Mounts::isNoexec).load();
        if (r.loaded()) {
            keepJavaCppCacheUsable(r.file());
        }
        return r;
    }

    /**
     * Finds the native libraries of jipc's classifier jars: through the class
     * loader (the class path, and the modules of the module graph), else in
     * the jars of the module path that are not in the module graph. A
     * classifier jar has no package for anyone to require, so on the module
     * path its automatic module is left out of the graph unless added
     * ({@code --add-modules}), and its class loader cannot see it.
     */
    static final class Resources {
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

    /** The JavaCPP platform of this JVM, e.g. {@code linux-x86_64}. */
    public static String platform() {
        return Loader.getPlatform();
    }

    /** The class path name of platform's library. */
    static String resourceName(String platform) {
        return "io/github/jipc/internal/jni/" + platform + "/" + FILE;
    }

    static ClassLoader classLoader() {
        ClassLoader cl = LibraryFile.class.getClassLoader();
        return cl != null ? cl : ClassLoader.getSystemClassLoader();
    }

}
