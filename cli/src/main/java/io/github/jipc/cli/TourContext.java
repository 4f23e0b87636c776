package io.github.jipc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import io.github.jipc.Subprocess;

/**
 * What a tour step works with: the exchange settings, a private folder, and
 * the children it started (stopped and reaped after the step, whatever happened).
 */
final class TourContext implements AutoCloseable {
    private final Settings settings;
    private final Path workDir;
    private final ScheduledExecutorService watchdogs;
    private final List<ChildJvm> children = new ArrayList<>();

    /** How much each step exchanges, and how long anything may take. */
    record Settings(int messageSize, int warmUp, int roundTrips, long bulkBytes, Duration timeout) {}

    TourContext(Settings settings) throws IOException {
        this.settings = settings;
        this.workDir = Files.createTempDirectory("jipc-tour-");
        this.watchdogs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jipc-tour-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    Settings settings() {
        return settings;
    }

    /** A folder of this tour's own, removed at its end. */
    Path workDir() {
        return workDir;
    }

    /**
     * Starts the child side of step in a child JVM running {@code jipc child <name> <args>}
     * on this JVM's class path.
     *
     * @param handOver adds what the child inherits, e.g. {@code b -> b.inherit(end, 3)}
     */
    ChildJvm startChild(TourStep step, List<String> args, Consumer<Subprocess.Builder> handOver) throws IOException {
        ChildJvm child = ChildJvm.start(step.name(), args, handOver, workDir, settings.timeout(), watchdogs);
        children.add(child);
        return child;
    }

    /**
     * Starts a plain program (a C child) for step, with the same watchdog as a child JVM.
     *
     * @param handOver adds what the child inherits, e.g. {@code b -> b.inherit(memory, 3)}
     */
    ChildJvm startProgram(TourStep step, Path program, List<String> args, Consumer<Subprocess.Builder> handOver)
            throws IOException {
        ChildJvm child = ChildJvm.startProgram(step.name(), program, args, handOver, workDir, settings.timeout(), watchdogs);
        children.add(child);
        return child;
    }

    /** The children started since the last {@link #endStep()}. */
    List<ChildJvm> children() {
        return List.copyOf(children);
    }

    /** Stops and reaps every child of the step that ended. */
    void endStep() {
        for (ChildJvm c : children) {
            c.close();
        }
        children.clear();
    }

    @Override
    public void close() throws IOException {
        endStep();
        watchdogs.shutdownNow();
        try (var paths = Files.walk(workDir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
