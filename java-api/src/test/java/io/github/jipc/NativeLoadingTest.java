package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading as an application meets it: child JVMs with the jars a user would
 * have (the classes jar, a classifier jar or not), a noexec extraction folder.
 * The jars are made here from the build's classes, as the jar plugin makes them.
 */
@Timeout(300)
class NativeLoadingTest {
    private static final String JNI = "io/github/jipc/internal/jni/";
    private static final String PLATFORM = Jipc.platform();
    private static final String OTHER = PLATFORM.equals("linux-arm64") ? "linux-x86_64" : "linux-arm64";

    @TempDir
    Path tmp;
    private Path classesJar;
    private Path platformJar;
    private Path mounted;

    /** The output of a child JVM. */
    private record Run(int exit, String out, String err) {
        boolean available() {
            return out.contains("available=true");
        }

        String file() {
            return out.lines().filter(l -> l.startsWith("file=")).findFirst().orElse("file=?").substring(5);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeEach
    void jars() throws IOException, URISyntaxException {
        Path classes = location(Jipc.class);
        classesJar = jar("jipc.jar", classes, p -> !p.startsWith(JNI) || p.indexOf('/', JNI.length()) < 0
                || !p.substring(JNI.length(), p.indexOf('/', JNI.length())).contains("-"));
        platformJar = jar("jipc-" + PLATFORM + ".jar", classes, p -> p.startsWith(JNI + PLATFORM + "/"));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run(List.of("umount", mounted.toString()));
        }
    }

    @Test
    void withoutTheClassifierJarTheMessageNamesThePlatformAndTheDependency() throws Exception {
        Run r = probe(List.of(), classesJar);
        assertFalse(r.available(), r.toString());
        assertContains(r, "jipc's native library for this platform, " + PLATFORM + " (os.name=Linux");
        assertContains(r, ":" + PLATFORM + " (Maven: <classifier>" + PLATFORM + "</classifier>)");
        assertContains(r, "io.github.jipc:jipc-platform:");
        assertContains(r, "Native libraries of jipc on the class path: none.");
        assertContains(r, "class path resource " + JNI + PLATFORM + "/libjniJipc.so: absent");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "shm", "memfd", "locks" })
    void everyFirstUseWithoutTheClassifierJarSaysWhatToAdd(String entry) throws Exception {
        Run r = probe(List.of("-Djipc.probe.first=" + entry), classesJar);
        String first = r.out().lines().filter(l -> l.startsWith("first=")).findFirst().orElse("");
        String again = r.out().lines().filter(l -> l.startsWith("again=")).findFirst().orElse("");
        assertTrue(first.startsWith("first=java.lang.UnsatisfiedLinkError: jipc's native library"), r.toString());
        assertTrue(first.contains("Add the dependency io.github.jipc:jipc:"), r.toString());
        assertTrue(again.contains("Add the dependency io.github.jipc:jipc:"), "a second use says it too: " + r);
    }

    @Test
    void anotherPlatformsClassifierJarIsNamedAsPresent() throws Exception {
        Path other = standIn("jipc-" + OTHER + ".jar", JNI + OTHER + "/libjniJipc.so");
        Run r = probe(List.of(), classesJar, other);
        assertFalse(r.available(), r.toString());
        assertContains(r, "Native libraries of jipc on the class path: " + OTHER + ".");
        assertContains(r, "Add the dependency io.github.jipc:jipc:");
    }

    @Test
    void anUnsupportedPlatformIsNamedWithWhatJipcShips() throws Exception {
        Run r = probe(List.of("-Dorg.bytedeco.javacpp.platform=linux-riscv64"), classesJar, platformJar);
        assertFalse(r.available(), r.toString());
        assertContains(r, "no native library for this platform, linux-riscv64");
        assertContains(r, "ships linux-x86_64 and linux-arm64 only");
        assertContains(r, "Native libraries of jipc on the class path: " + PLATFORM + ".");
    }

    @Test
    void theClassifierJarLoadsFromTheExtractionFolderGiven() throws Exception {
        Path cache = tmp.resolve("cache");
        Run r = probe(List.of("-Djipc.cachedir=" + cache), classesJar, platformJar);
        assertTrue(r.available(), r.toString());
        assertTrue(Path.of(r.file()).startsWith(cache), r.toString());
        assertFalse(r.err().contains("WARNING"), r.toString());
    }

    @Test
    void anotherBuildsLibraryOfTheSameSizeInJavaCppsCacheIsNeverTaken() throws Exception {
        Run first = probe(List.of(), classesJar, platformJar);
        assertTrue(first.available(), first.toString());
        Path cached = Path.of(first.file());
        assertTrue(cached.startsWith(tmp.resolve("javacpp")), first.toString());
        // What an older build of the same size and jar timestamp leaves there (reproducible jars share one).
        java.nio.file.attribute.FileTime stamp = Files.getLastModifiedTime(cached);
        byte[] other = new byte[(int) Files.size(cached)];
        Files.write(cached, other);
        Files.setLastModifiedTime(cached, stamp);
        Run again = probe(List.of(), classesJar, platformJar);
        assertTrue(again.available(), again.toString());
        assertEquals(cached.toString(), again.file(), again.toString());
        assertFalse(again.err().contains("WARNING"), again.toString());
    }

    @Test
    void aBindingClassInitializedFirstNeverLoadsJavaCppsOwnStaleCopy() throws Exception {
        // What an older build of the same size leaves where JavaCPP extracts the library itself
        // (its cache folder, the jar's name, the entry's path), with the jar entry's timestamp:
        // JavaCPP takes such a file as current. It is all zeros here, so loading it would fail.
        String entry = JNI + PLATFORM + "/libjniJipc.so";
        Path stale = tmp.resolve("javacpp").resolve(platformJar.getFileName().toString()).resolve(entry);
        Files.createDirectories(stale.getParent());
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(platformJar.toFile())) {
            JarEntry e = jar.getJarEntry(entry);
            Files.write(stale, new byte[(int) e.getSize()]);
            Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(e.getTime()));
        }
        Run r = probe(List.of("-Djipc.probe.bindingFirst=true"), classesJar, platformJar);
        assertTrue(r.available(), r.toString());
        String pageSize = r.out().lines().filter(l -> l.startsWith("pageSize=")).findFirst().orElse("pageSize=0");
        assertTrue(Long.parseLong(pageSize.substring(9)) >= 4096, r.toString()); // the binding's call worked
        List<String> mapped = r.out().lines().filter(l -> l.startsWith("mapped=")).toList();
        assertEquals(List.of("mapped=" + r.file()), mapped, r.toString());
    }

    @Test
    void aLibraryFileGivenIsLoadedWithNothingExtracted() throws Exception {
        Path lib = Files.copy(location(Jipc.class).resolve(JNI + PLATFORM + "/libjniJipc.so"), tmp.resolve("libjniJipc.so"));
        Run r = probe(List.of("-Djipc.library=" + lib), classesJar);
        assertTrue(r.available(), r.toString());
        assertEquals(lib.toString(), r.file());
    }

    @Test
    void aNoexecExtractionFolderFallsBackToTheHomeCacheAndSaysSo() throws Exception {
        Path noexec = mountNoexec();
        Path home = tmp.resolve("home");
        Run r = probe(List.of("-Djipc.cachedir=" + noexec.resolve("cache")), classesJar, platformJar);
        assertTrue(r.available(), r.toString());
        assertTrue(Path.of(r.file()).startsWith(home.resolve(".cache/jipc")), r.toString());
        assertTrue(r.err().contains("after it failed elsewhere") && r.err().contains("its mount is noexec")
                && r.err().contains(noexec.resolve("cache").toString()), r.toString());
    }

    @Test
    void whenEveryFolderIsNoexecTheMessageListsEachOne() throws Exception {
        Path noexec = mountNoexec();
        Run r = probeIn(noexec, List.of("-Djipc.cachedir=" + noexec.resolve("cache"), "-Duser.home=" + noexec.resolve("home"),
                "-Djava.io.tmpdir=" + noexec.resolve("tmp")), classesJar, platformJar);
        assertFalse(r.available(), r.toString());
        assertContains(r, "could not be loaded");
        assertContains(r, "a noexec mount");
        for (String place : List.of("jipc.cachedir " + noexec.resolve("cache"), "fallback " + noexec.resolve("home"),
                "fallback " + noexec.resolve("tmp"), "fallback " + noexec.resolve(".jipc"))) {
            assertContains(r, "  - " + place);
        }
    }

    private Path mountNoexec() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("noexec"));
        Run m = run(List.of("mount", "-t", "tmpfs", "-o", "noexec,size=64m", "jipc-noexec-test", dir.toString()));
        Assumptions.assumeTrue(m.exit() == 0, () -> "cannot mount a noexec tmpfs here (needs root and CAP_SYS_ADMIN): " + m);
        mounted = dir;
        // Under user-mode emulation (qemu-user) the emulator maps guest code itself: noexec does not stop it.
        Path lib = Files.copy(location(Jipc.class).resolve(JNI + PLATFORM + "/libjniJipc.so"), dir.resolve("libjniJipc.so"));
        Run direct = probe(List.of("-Djipc.library=" + lib), classesJar);
        Assumptions.assumeFalse(direct.available(),
                "a library on a noexec mount loads in this JVM (user-mode emulation?): noexec cannot be tested here");
        Files.delete(lib);
        return dir;
    }

    private Run probe(List<String> options, Path... classPath) throws Exception {
        return probeIn(tmp, options, classPath);
    }

    /** Runs LoadProbe in a child JVM with the given class path, home and JavaCPP cache inside tmp. */
    private Run probeIn(Path workDir, List<String> options, Path... classPath) throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(location(LoadProbe.class).toString());
        cp.add(location(Loader.class).toString());
        for (Path p : classPath) {
            cp.add(p.toString());
        }
        List<String> cmd = new ArrayList<>();
        String launcher = System.getProperty(Subprocess.JAVA_LAUNCHER_PROPERTY, "");
        cmd.add(launcher.isEmpty() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : launcher);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Duser.home=" + tmp.resolve("home"));
        cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + tmp.resolve("javacpp"));
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(String.join(":", cp));
        cmd.add(LoadProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().remove("XDG_CACHE_HOME");
        return run(pb);
    }

    private Run run(List<String> cmd) throws Exception {
        return run(new ProcessBuilder(cmd));
    }

    private Run run(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + pb.command() + "\n" + Files.readString(out) + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private interface EntryFilter {
        boolean accept(String path);
    }

    /** A jar of the files under dir whose relative path filter accepts. */
    private Path jar(String name, Path dir, EntryFilter filter) throws IOException {
        Path jar = tmp.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String entry = dir.relativize(f).toString();
                if (filter.accept(entry)) {
                    out.putNextEntry(new JarEntry(entry));
                    out.write(Files.readAllBytes(f));
                }
            }
        }
        return jar;
    }

    /** A jar holding only entry, a stand-in for a library of another platform. */
    private Path standIn(String name, String entry) throws IOException {
        Path jar = tmp.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write("a stand-in".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void assertContains(Run r, String part) {
        assertTrue(r.out().contains(part), () -> "expected <" + part + "> in the child's output:\n" + r);
    }
}
