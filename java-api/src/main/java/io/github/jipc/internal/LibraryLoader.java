package io.github.jipc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.github.jipc.internal.LoadDiagnostics.Attempt;

/**
 * Finds jipc's JNI library and loads it, trying one place after the other
 * and noting what happened at each:
 * <ol>
 * <li>the file named by {@code jipc.library}, when set (and nothing else);
 * <li>the class path resource of this platform, in place when it is a plain file;
 * <li>that resource extracted into each folder in turn: the extraction folder
 *     first, then fallbacks, for when loading from a folder fails (a noexec mount);
 * <li>without a resource for this platform, java.library.path.
 * </ol>
 * The file system and the JVM are reached only through {@link Binder} and
 * {@link Extractor}, so that tests can fake both.
 */
final class LibraryLoader {
    /** Loads a library into the JVM (through JavaCPP, which keeps its own books). */
    interface Binder {
        /**
         * Loads file.
         *
         * @return the path loaded, or another name when the JVM found the library elsewhere
         * @throws UnsatisfiedLinkError when it cannot be loaded
         */
        String bind(Path file);

        /** Loads the library by name from java.library.path. */
        String bindByName();
    }

    /** Copies the resource into a folder. */
    interface Extractor {
        Path extract(URL resource, Path dir) throws IOException;
    }

    /** A folder to extract into, named for messages. */
    record Folder(String description, Path dir, Extractor extractor) {}

    /** What the search came to: loadedFrom is null when nothing could be loaded. */
    record Result(String loadedFrom, Path file, List<Attempt> attempts, Throwable cause, String warning) {
        boolean loaded() {
            return loadedFrom != null;
        }
    }

    private final String resourceName;
    private final URL resource;
    private final Path explicitFile;
    private final List<Folder> folders;
    private final List<Attempt> attempts;
    private final Binder binder;
    private final Predicate<Path> noexec;

    /**
     * @param resourceName the class path name of this platform's library
     * @param resource     where it is on the class path, or null
     * @param explicitFile the file to load instead (jipc.library), or null
     * @param folders      the folders to extract into, in order
     * @param notes        places already ruled out (an unusable extraction folder)
     */
    LibraryLoader(String resourceName, URL resource, Path explicitFile, List<Folder> folders, List<Attempt> notes,
            Binder binder, Predicate<Path> noexec) {
        this.resourceName = resourceName;
        this.resource = resource;
        this.explicitFile = explicitFile;
        this.folders = folders;
        this.attempts = new ArrayList<>(notes);
        this.binder = binder;
        this.noexec = noexec;
    }

    Result load() {
        if (explicitFile != null) {
            try {
                return loaded(binder.bind(explicitFile), explicitFile);
            } catch (UnsatisfiedLinkError e) {
                attempts.add(new Attempt("jipc.library " + explicitFile, outcome(e, explicitFile)));
                return failed(e);
            }
        }
        if (resource == null) {
            attempts.add(new Attempt("class path resource " + resourceName, "absent"));
            try {
                return loaded(binder.bindByName(), null);
            } catch (UnsatisfiedLinkError e) {
                attempts.add(new Attempt("java.library.path (" + System.getProperty("java.library.path", "") + ")",
                        "not there either"));
                return failed(e);
            }
        }
        Throwable last = null;
        int before = attempts.size();
        if ("file".equals(resource.getProtocol())) {
            Path file = null;
            try {
                file = Path.of(resource.toURI());
                return loaded(binder.bind(file), file);
            } catch (URISyntaxException | RuntimeException e) {
                attempts.add(new Attempt("class path file " + resource, "not a file: " + e));
                last = e;
            } catch (UnsatisfiedLinkError e) {
                attempts.add(new Attempt("class path file " + file, outcome(e, file)));
                last = e;
            }
        }
        Set<Path> seen = new HashSet<>();
        for (Folder f : folders) {
            if (!seen.add(f.dir().toAbsolutePath().normalize())) {
                continue;
            }
            Path file;
            try {
                file = f.extractor().extract(resource, f.dir());
            } catch (IOException | RuntimeException e) {
                attempts.add(new Attempt(f.description() + " " + f.dir(), "cannot extract there: " + e));
                last = e;
                continue;
            }
            try {
                Result r = loaded(binder.bind(file), file);
                if (attempts.size() > before) {
                    String warning = LoadDiagnostics.fallbackWarning(file.toString(),
                            attempts.subList(before, attempts.size()));
                    return new Result(r.loadedFrom(), r.file(), r.attempts(), null, warning);
                }
                return r;
            } catch (UnsatisfiedLinkError e) {
                attempts.add(new Attempt(f.description() + " " + file, outcome(e, file)));
                last = e;
            }
        }
        return failed(last);
    }

    private Result loaded(String what, Path file) {
        if (file != null && what != null && Path.of(what).equals(file.toAbsolutePath())) {
            return new Result(file.toString(), file, List.copyOf(attempts), null, null);
        }
        return new Result("java.library.path (" + what + ")", null, List.copyOf(attempts), null, null);
    }

    private Result failed(Throwable cause) {
        return new Result(null, null, List.copyOf(attempts), cause, null);
    }

    /** The error of loading file, without the file name the JVM repeats in front of it. */
    private String outcome(UnsatisfiedLinkError e, Path file) {
        String m = String.valueOf(e.getMessage());
        String prefix = file + ": ";
        while (m.startsWith(prefix)) {
            m = m.substring(prefix.length());
        }
        Path dir = file.getParent();
        return dir != null && noexec.test(dir) ? m + " (" + Mounts.NOEXEC_NOTE + ")" : m;
    }

    /**
     * Copies resource into {@code dir/jipc-<hash of its bytes>/fileName}, or
     * reuses the copy there: the hash keeps libraries of different jipc builds
     * apart. The sub-folder is made private to this user, and a folder another
     * user could write to is refused: the library is code this JVM will run.
     */
    static Path extractCopy(URL resource, Path dir, String fileName) throws IOException {
        byte[] bytes;
        // Not resource.openStream(): a jar: URL's connection caches its JarFile, open for the JVM's lifetime.
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        try (InputStream in = connection.getInputStream()) {
            bytes = in.readAllBytes();
        }
        Path sub = dir.resolve("jipc-" + sha256(bytes).substring(0, 16));
        Files.createDirectories(sub, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = sub.resolve(fileName);
        Path tmp = Files.createTempFile(sub, fileName, ".part");
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sub);
            if (!Files.getOwner(sub).equals(Files.getOwner(tmp)) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(sub + " belongs to another user or others may write to it");
            }
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
                return file;
            }
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
