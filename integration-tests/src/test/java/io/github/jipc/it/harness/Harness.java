package io.github.jipc.it.harness;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.github.jipc.Fifo;
import io.github.jipc.Jipc;
import io.github.jipc.Pipe;
import io.github.jipc.PipeOption;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.Subprocess;

/**
 * The integration tests' harness, registered as a static extension:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Harness harness = new Harness();
 * ...
 * Child reader = harness.java(PipeReaderRole.class, 3).inherit(pipe.source(), 3).start();
 * }</pre>
 *
 * <p>It launches children ({@link #java} for a role's {@code main} in a child
 * JVM, {@link #peer} for a C peer), hands out unique FIFO paths, and after each
 * test kills and reaps every child still running, removes what the test left
 * in its scratch folder, and prints the children's output if the test failed;
 * a test that passed but left a child running or a file behind fails. After
 * the class it checks that no scratch folder is left; descriptors, child
 * processes and IPC objects are checked for every test class by
 * {@code io.github.jipc.testsupport.LeakAccounting}, after {@link ItWarmUp}.
 */
public final class Harness implements AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /**
     * The bound of every wait on a child: 30 s, or the system property
     * {@code jipc.it.timeout} in seconds (for slow machines and emulators;
     * raise {@code junit.jupiter.execution.timeout.default} with it).
     */
    public static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("jipc.it.timeout", 30));
    /** Read and write for the owner only. */
    public static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private static final String PREFIX = "jipc-it-";
    private static final long PID = ProcessHandle.current().pid();
    /** Small, quick child JVMs: the machine has few cores and the roles little to do. */
    private static final String[] CHILD_JVM_OPTIONS = { "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1" };
    /** Children extract the native library where this JVM did (the build's own folder under Maven). */
    private static final String[] CHILD_JVM_OPTIONS_OUR_CACHE = { "-XX:+UseSerialGC", "-Xmx128m",
            "-XX:TieredStopAtLevel=1", "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty(
                    "org.bytedeco.javacpp.cachedir", System.getProperty("user.home") + "/.javacpp/cache") };

    private final List<Child> children = new ArrayList<>();
    private String testName = "setup";
    private Path scratch;
    /** Class path copies and native library cache of unprivileged children, or null. */
    private Path shared;
    private int launched;

    /** A launch of role's {@code main} with args in a child JVM of this JVM's class path. */
    public Launch java(Class<?> role, Object... args) {
        Subprocess.Builder b = Subprocess.java(role.getName(), strings(args)).jvmOptions(CHILD_JVM_OPTIONS_OUR_CACHE);
        return new Launch(this, role.getSimpleName(), b);
    }

    /**
     * A launch of role's {@code main} in a child JVM running as user and group
     * 65534 (nobody), through setpriv(1). The class path's jars are copied to
     * a world-readable folder and the native library is extracted to a
     * world-writable one, both removed after the test. Skips the test unless
     * this JVM runs as root and setpriv exists.
     */
    public Launch unprivilegedJava(Class<?> role, Object... args) throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "dropping privileges to another user needs root");
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        if (shared == null) {
            shared = uniqueFolder(testName + "-unprivileged");
        }
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jars = Files.createDirectories(shared.resolve("jars"));
        Path cache = Files.createDirectories(shared.resolve("javacpp-cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path e = Path.of(entry);
            if (Files.isRegularFile(e)) {
                Path copy = jars.resolve(classPath.size() + "-" + e.getFileName());
                Files.copy(e, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                classPath.add(copy.toString());
            } else {
                classPath.add(entry);
            }
        }
        Subprocess.Builder b = Subprocess.java(role.getName(), strings(args))
                .launchThrough(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups")
                .classPath(String.join(java.io.File.pathSeparator, classPath))
                .jvmOptions("-Dorg.bytedeco.javacpp.cachedir=" + cache).jvmOptions(CHILD_JVM_OPTIONS);
        return new Launch(this, role.getSimpleName() + "-as-nobody", b);
    }

    /**
     * A launch of role's {@code main} in a child JVM that sees its own
     * {@code /dev/shm}: a tmpfs of {@code size} (e.g. "1m") mounted in a new mount
     * namespace (unshare(1)), gone when the child ends. Skips the test where
     * that is not allowed (it needs root or CAP_SYS_ADMIN).
     */
    public Launch javaWithSmallDevShm(String size, Class<?> role, Object... args) throws IOException, InterruptedException {
        Path unshare = Path.of("/usr/bin/unshare");
        Assumptions.assumeTrue(Files.isExecutable(unshare), "unshare (util-linux) is not installed");
        String mount = "mount -t tmpfs -o size=" + size + " jipc-it /dev/shm";
        Process probe = new ProcessBuilder(unshare.toString(), "--mount", "sh", "-c", mount)
                .redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
        boolean ended = probe.waitFor(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        Assumptions.assumeTrue(ended && probe.exitValue() == 0,
                "mounting a tmpfs over /dev/shm in a new mount namespace is not allowed here");
        Subprocess.Builder b = Subprocess.java(role.getName(), strings(args))
                .launchThrough(unshare.toString(), "--mount", "sh", "-c", mount + " && exec \"$0\" \"$@\"")
                .jvmOptions(CHILD_JVM_OPTIONS_OUR_CACHE);
        return new Launch(this, role.getSimpleName() + "-small-dev-shm", b);
    }

    /**
     * A launch of the C peer program (built by CMake into the folder the
     * {@code jipc.it.peers} property names). Skips the test when it was not built.
     */
    public Launch peer(String program, Object... args) {
        String dir = System.getProperty("jipc.it.peers", "");
        Assumptions.assumeFalse(dir.isBlank(), "the C peers' folder is unknown: run through Maven, which builds them "
                + "and sets the system property jipc.it.peers");
        Path exe = Path.of(dir, program);
        Assumptions.assumeTrue(Files.isExecutable(exe), "C peer " + exe + " was not built");
        return new Launch(this, program, Subprocess.builder(exe.toString(), strings(args)));
    }

    /**
     * A path for a FIFO that does not exist yet, unique to this test and run:
     * {@code <tmp>/jipc-it-<test>-<pid>-<nanoTime>/<label>.fifo}.
     */
    public Path fifoPath(String label) throws IOException {
        if (scratch == null) {
            scratch = uniqueFolder(testName);
        }
        return scratch.resolve(label + ".fifo");
    }

    /**
     * A path for a file that does not exist yet, in the same folder as
     * {@link #fifoPath}: the test removes it, or the harness reports it left behind.
     */
    public Path scratchFile(String fileName) throws IOException {
        if (scratch == null) {
            scratch = uniqueFolder(testName);
        }
        return scratch.resolve(fileName);
    }

    /** The running test, as {@code Class.method}. */
    public String testName() {
        return testName;
    }

    private static String[] strings(Object[] args) {
        return Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    }

    Path outputFile(String label, String kind) throws IOException {
        String dir = System.getProperty("jipc.it.output", "");
        Path base = dir.isBlank() ? Path.of("target", "it-output") : Path.of(dir);
        Files.createDirectories(base);
        return base.resolve(testName + "-" + launched + "-" + label + "." + kind);
    }

    Child track(Child child) {
        launched++;
        children.add(child);
        return child;
    }

    private static void deleteTree(Path root) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    private static Path uniqueFolder(String name) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), PREFIX + name + "-" + PID + "-" + System.nanoTime());
        return Files.createDirectory(dir);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        testName = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        scratch = null;
        launched = 0;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        boolean failed = context.getExecutionException().isPresent();
        List<String> problems = new ArrayList<>();
        for (Child c : children) {
            if (c.isRunning()) {
                problems.add("the test ended with " + c + " still running; killed it");
            }
            c.close();
            if (failed) {
                System.err.println(testName + " failed; output of its children:\n" + c.report());
            }
        }
        children.clear();
        if (shared != null) {
            deleteTree(shared);
            shared = null;
        }
        if (scratch != null) {
            try (DirectoryStream<Path> left = Files.newDirectoryStream(scratch)) {
                for (Path p : left) {
                    problems.add("the test left " + p + " behind; removed it");
                    Files.delete(p);
                }
            }
            Files.delete(scratch);
            scratch = null;
        }
        if (!failed && !problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        String cls = context.getRequiredTestClass().getSimpleName();
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().contains("-" + PID + "-"))) {
            tmp.forEach(leftovers::add);
        }
        if (!leftovers.isEmpty()) {
            fail(cls + " left scratch folders: " + leftovers);
        }
    }

    /**
     * Uses every kind of descriptor the tests will use once, so that what the
     * JVM opens lazily for good is open before the descriptors are counted:
     * classes, the native library, and the socket the JDK's file channels keep
     * for closing descriptors asynchronously (created on first file read).
     */
    static void warmUp() throws Exception {
        Jipc.ensureAvailable();
        Files.readAllBytes(Path.of("/proc/self/stat"));
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(one);
            pipe.source().read(one.clear());
        }
        Path dir = uniqueFolder("warm-up");
        Fifo fifo = Fifo.create(dir.resolve("warm-up.fifo"), OWNER_RW);
        PipeSource source = fifo.openSource(PipeOption.NON_BLOCKING);
        PipeSink sink = fifo.openSink(PipeOption.NON_BLOCKING);
        sink.close();
        source.close();
        fifo.remove();
        Files.delete(dir);
        Subprocess child = Subprocess.builder("true").redirectOutput(Redirect.DISCARD).start();
        child.waitFor(TIMEOUT);
        child.close();
        ProcessHandle.current().children().count();
    }
}
