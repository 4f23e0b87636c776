package io.github.jipc.internal;

import static io.github.jipc.internal.LoadDiagnosticsTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.internal.LibraryLoader.Folder;
import io.github.jipc.internal.LoadDiagnostics.Attempt;

/** The order of places and what is noted at each, with a fake JVM: no library is really loaded. */
class LibraryLoaderTest {
    private static final String NAME = "io/github/jipc/internal/jni/linux-x86_64/libjniJipc.so";

    @TempDir
    Path tmp;
    private Path bad;
    private URL jarResource;
    private final FakeBinder binder = new FakeBinder();

    /** Fails for files under the "bad" folder as the JVM does on a noexec mount. */
    private final class FakeBinder implements LibraryLoader.Binder {
        final List<Path> bound = new ArrayList<>();
        boolean byNameWorks;

        @Override
        public String bind(Path file) {
            bound.add(file);
            if (file.startsWith(bad)) {
                throw new UnsatisfiedLinkError(file + ": " + file + ": failed to map segment from shared object");
            }
            return file.toAbsolutePath().toString();
        }

        @Override
        public String bindByName() {
            if (!byNameWorks) {
                throw new UnsatisfiedLinkError("no jniJipc in java.library.path: /usr/lib");
            }
            return "jniJipc";
        }
    }

    @BeforeEach
    void jarWithALibrary() throws IOException {
        bad = Files.createDirectories(tmp.resolve("bad"));
        Path jar = tmp.resolve("jipc-linux-x86_64.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(NAME));
            out.write("not really ELF".getBytes(StandardCharsets.UTF_8));
        }
        jarResource = new URL("jar:" + jar.toUri() + "!/" + NAME);
    }

    private LibraryLoader loader(URL resource, Path explicit, Path... dirs) {
        List<Folder> folders = new ArrayList<>();
        for (Path d : dirs) {
            folders.add(new Folder(folders.isEmpty() ? "jipc.cachedir" : "fallback", d,
                    (url, dir) -> LibraryLoader.extractCopy(url, dir, "libjniJipc.so")));
        }
        return new LibraryLoader(NAME, resource, explicit, folders, List.of(), binder, d -> d.startsWith(bad));
    }

    @Test
    void theExtractionFolderIsUsedWhenLoadingWorksThere() {
        Path good = tmp.resolve("cache");
        LibraryLoader.Result r = loader(jarResource, null, good, tmp.resolve("other")).load();
        assertTrue(r.loaded());
        assertTrue(r.file().startsWith(good), r.file().toString());
        assertNull(r.warning());
        assertEquals(List.of(), r.attempts());
        assertEquals(1, binder.bound.size());
    }

    @Test
    void aNoexecFolderFallsBackToTheNextAndSaysSo() {
        Path good = tmp.resolve("home-cache");
        LibraryLoader.Result r = loader(jarResource, null, bad.resolve("cache"), good).load();
        assertTrue(r.loaded());
        assertTrue(r.file().startsWith(good), r.file().toString());
        assertEquals(1, r.attempts().size());
        Attempt a = r.attempts().get(0);
        assertTrue(a.place().startsWith("jipc.cachedir " + bad), a.toString());
        assertEquals("failed to map segment from shared object (" + Mounts.NOEXEC_NOTE + ")", a.outcome());
        assertContains(r.warning(), "from " + r.file());
        assertContains(r.warning(), a.toString());
    }

    @Test
    void whenEveryFolderFailsEachIsListedOnceAndTheLastErrorIsTheCause() throws IOException {
        Path unwritable = Files.writeString(tmp.resolve("a-file-not-a-folder"), "x");
        LibraryLoader.Result r = loader(jarResource, null, bad.resolve("one"), unwritable, bad.resolve("one"),
                bad.resolve("two")).load();
        assertFalse(r.loaded());
        assertEquals(3, r.attempts().size(), r.attempts().toString());
        assertContains(r.attempts().get(1).outcome(), "cannot extract there");
        assertContains(r.cause().getMessage(), bad.resolve("two").toString());
    }

    @Test
    void aClassPathFileIsLoadedInPlaceAndCopiedOnlyWhenThatFails() throws IOException {
        Path inPlace = Files.createDirectories(tmp.resolve("classes")).resolve("libjniJipc.so");
        Files.writeString(inPlace, "lib");
        LibraryLoader.Result r = loader(inPlace.toUri().toURL(), null, tmp.resolve("cache")).load();
        assertEquals(inPlace, r.file());
        assertNull(r.warning());

        Path onNoexec = Files.createDirectories(bad.resolve("classes")).resolve("libjniJipc.so");
        Files.writeString(onNoexec, "lib");
        r = loader(onNoexec.toUri().toURL(), null, tmp.resolve("cache")).load();
        assertTrue(r.file().startsWith(tmp.resolve("cache")), r.file().toString());
        assertContains(r.attempts().get(0).place(), "class path file " + onNoexec);
        assertContains(r.warning(), Mounts.NOEXEC_NOTE);
    }

    @Test
    void anExplicitFileIsTheOnlyPlaceTried() throws IOException {
        Path lib = Files.writeString(tmp.resolve("libjniJipc.so"), "lib");
        LibraryLoader.Result r = loader(jarResource, lib, tmp.resolve("cache")).load();
        assertEquals(lib, r.file());
        assertEquals(List.of(lib), binder.bound);

        Path badLib = Files.writeString(bad.resolve("libjniJipc.so"), "lib");
        r = loader(jarResource, badLib, tmp.resolve("cache")).load();
        assertFalse(r.loaded());
        assertEquals(1, r.attempts().size());
        assertContains(r.attempts().get(0).place(), "jipc.library " + badLib);
    }

    @Test
    void withoutAResourceJavaLibraryPathIsTheLastResort() {
        LibraryLoader.Result r = loader(null, null, tmp.resolve("cache")).load();
        assertFalse(r.loaded());
        assertEquals("class path resource " + NAME + ": absent", r.attempts().get(0).toString());
        assertContains(r.attempts().get(1).place(), "java.library.path");

        binder.byNameWorks = true;
        r = loader(null, null, tmp.resolve("cache")).load();
        assertTrue(r.loaded());
        assertEquals("java.library.path (jniJipc)", r.loadedFrom());
        assertNull(r.file());
    }

    @Test
    void copiesAreReusedAndKeptApartByContent() throws IOException {
        Path dir = tmp.resolve("cache");
        Path first = LibraryLoader.extractCopy(jarResource, dir, "libjniJipc.so");
        Path again = LibraryLoader.extractCopy(jarResource, dir, "libjniJipc.so");
        assertEquals(first, again);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.getParent())));
        try (var s = Files.list(first.getParent())) {
            assertEquals(1, s.count(), "no temporary file is left behind");
        }
        Path other = Files.writeString(tmp.resolve("other.so"), "another build");
        Path second = LibraryLoader.extractCopy(other.toUri().toURL(), dir, "libjniJipc.so");
        assertNotEquals(first.getParent(), second.getParent());
        assertEquals("another build", Files.readString(second));
    }

    @Test
    void aFolderOthersMayWriteToIsRefused() throws IOException {
        Path dir = tmp.resolve("shared");
        Path first = LibraryLoader.extractCopy(jarResource, dir, "libjniJipc.so");
        Files.setPosixFilePermissions(first.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> LibraryLoader.extractCopy(jarResource, dir, "libjniJipc.so"));
        assertContains(e.getMessage(), "others may write to it");
    }
}
