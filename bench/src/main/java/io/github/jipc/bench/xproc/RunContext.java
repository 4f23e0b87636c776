package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every run shares: the settings, a scratch folder (FIFOs, child logs,
 * sample files) that {@link #close()} removes, and the watchdogs' timer.
 */
final class RunContext implements AutoCloseable {
    /** JVM options of every child JVM, jipc's and the JDK's alike. */
    static final List<String> CHILD_JVM_OPTIONS = childJvmOptions();
    /** How long a child that was killed, or is ending on its own, may take to be reaped. */
    static final long REAP_SECONDS = 10;
    private static final int LOG_TAIL_LINES = 30;

    final BenchCommand settings;
    final Path scratch;
    private final ScheduledExecutorService timer;
    private int serial;
    private Path cProgram;
    private Path childReport;

    RunContext(BenchCommand settings) throws IOException {
        this.settings = settings;
        Files.createDirectories(settings.tmpDir);
        this.scratch = Files.createTempDirectory(settings.tmpDir, "jipc-xproc-");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jipc-xproc-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** The raw C program: named, built beside the jar, or unpacked from the jar into the scratch folder. */
    synchronized Path cProgram() throws IOException {
        if (cProgram == null) {
            cProgram = settings.cProgram() != null ? Locations.requireProgram(settings.cProgram())
                    : Locations.cProgram(scratch);
        }
        return cProgram;
    }

    Watchdog watchdog(String what) {
        return new Watchdog(timer, settings.timeout(), what);
    }

    /** Where the current run's child JVM reports its own costs ({@link #beginRun}). */
    synchronized Path childReport() {
        if (childReport == null) {
            throw new IllegalStateException("no run has begun");
        }
        return childReport;
    }

    /**
     * The children's JVM options: Agrona (the ring comparison) reaches jdk.internal.misc; a JavaCPP cache
     * folder given to this JVM is the children's too, so that they load the same native library.
     */
    private static List<String> childJvmOptions() {
        List<String> options = new java.util.ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx256m",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null && !cache.isEmpty()) {
            options.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        return List.copyOf(options);
    }

    /** A fresh report file for the run that starts now; the caller reads and removes it. */
    synchronized Path beginRun() {
        childReport = newPath("child-cost", ".txt");
        return childReport;
    }

    /** A path in the scratch folder not used before in this run, e.g. for a FIFO or a log. */
    synchronized Path newPath(String prefix, String suffix) {
        return scratch.resolve(prefix + "-" + (++serial) + suffix);
    }

    /** The java binary and class path child JVMs run with (the JDK contender's; jipc's Subprocess does the same). */
    static List<String> javaCommand(String mainClass) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(CHILD_JVM_OPTIONS);
        cmd.add(mainClass);
        return cmd;
    }

    /** The last lines of a child's log, for a failure message. */
    static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return last.isEmpty() ? "" : System.lineSeparator() + "  | " + String.join(System.lineSeparator() + "  | ", last);
        } catch (IOException e) {
            return " (its log could not be read: " + e + ")";
        }
    }

    /** Removes the scratch folder and everything in it; stops the timer. */
    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        try (var files = Files.walk(scratch)) {
            List<Path> all = files.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
