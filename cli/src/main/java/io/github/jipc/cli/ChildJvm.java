package io.github.jipc.cli;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.jipc.ExitStatus;
import io.github.jipc.Subprocess;

/**
 * A child JVM running one tour step's child side, with a watchdog: past the
 * timeout the child is killed and the parent's ends registered with
 * {@link #closeOnTimeout} are closed, so that no step can hang the tour.
 * The child's output goes to a file, shown when the step fails.
 */
final class ChildJvm implements AutoCloseable {
    private static final int OUTPUT_TAIL_LINES = 40;

    private final String role;
    private final Subprocess process;
    private final Path output;
    private final Duration timeout;
    private final ScheduledFuture<?> watchdog;
    private final List<AutoCloseable> ends = new ArrayList<>();
    private volatile boolean timedOut;

    private ChildJvm(String role, Subprocess process, Path output, Duration timeout, ScheduledExecutorService timer) {
        this.role = role;
        this.process = process;
        this.output = output;
        this.timeout = timeout;
        this.watchdog = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static ChildJvm start(String role, List<String> args, Consumer<Subprocess.Builder> handOver, Path workDir,
            Duration timeout, ScheduledExecutorService timer) throws IOException {
        List<String> command = new ArrayList<>(List.of("child", role));
        command.addAll(args);
        Path output = Files.createTempFile(workDir, "child-" + role + "-", ".log");
        Subprocess.Builder builder = Subprocess.java(Main.class.getName(), command.toArray(String[]::new))
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC")
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.appendTo(output.toFile()))
                .redirectError(Redirect.appendTo(output.toFile()));
        handOver.accept(builder);
        return new ChildJvm(role, builder.start(), output, timeout, timer);
    }

    /** A child that is a plain program (a C child of the tour) rather than a JVM, with the same watchdog and output file. */
    static ChildJvm startProgram(String role, Path program, List<String> args, Consumer<Subprocess.Builder> handOver,
            Path workDir, Duration timeout, ScheduledExecutorService timer) throws IOException {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(args);
        Path output = Files.createTempFile(workDir, "child-" + role + "-", ".log");
        Subprocess.Builder builder = Subprocess.builder(command)
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.appendTo(output.toFile()))
                .redirectError(Redirect.appendTo(output.toFile()));
        handOver.accept(builder);
        return new ChildJvm(role, builder.start(), output, timeout, timer);
    }

    long pid() {
        return process.pid();
    }

    /** Closes these parent-side ends if the child is still running at the timeout, waking a blocked call. */
    synchronized void closeOnTimeout(AutoCloseable... parentEnds) {
        ends.addAll(List.of(parentEnds));
    }

    boolean timedOut() {
        return timedOut;
    }

    private synchronized void expire() {
        timedOut = true;
        // Our ends first: a call blocked on one then fails as closed. Killing the
        // child first could let it end with a plain end of stream, as if all went well.
        for (AutoCloseable end : ends) {
            try {
                end.close();
            } catch (Exception e) {
                // Best effort: the step fails on its own call already.
            }
        }
        try {
            process.kill();
        } catch (IOException e) {
            // The child is being closed anyway; its ends are closed on our side already.
        }
    }

    /**
     * Waits for the child to exit and checks it succeeded.
     *
     * @return how it ended, for the report
     * @throws IllegalStateException if it did not exit with code 0 in time
     */
    ExitStatus expectSuccess() throws IOException, InterruptedException {
        Optional<ExitStatus> status = process.waitFor(timeout);
        if (status.isEmpty()) {
            throw new IllegalStateException("child '" + role + "' (pid " + pid() + ") still runs after " + timeout.toSeconds() + " s");
        }
        if (!status.get().isSuccess()) {
            throw new IllegalStateException("child '" + role + "' (pid " + pid() + ") " + status.get());
        }
        return status.get();
    }

    /**
     * Kills the child (SIGKILL) and waits for it to be gone.
     *
     * @return how it ended, for the report
     * @throws IllegalStateException if it ended on its own before, or is not gone in time
     */
    ExitStatus killAndWait() throws IOException, InterruptedException {
        process.kill();
        Optional<ExitStatus> status = process.waitFor(timeout);
        if (status.isEmpty()) {
            throw new IllegalStateException("child '" + role + "' (pid " + pid() + ") still runs after SIGKILL");
        }
        if (!status.get().signaled()) {
            throw new IllegalStateException("child '" + role + "' (pid " + pid() + ") " + status.get()
                    + " before it was killed");
        }
        return status.get();
    }

    /** The last lines the child printed, or "" if it printed nothing. */
    String outputTail() {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(),
                    lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(its output could not be read: " + e + ")";
        }
    }

    String role() {
        return role;
    }

    /** Stops the watchdog, kills the child if it still runs, reaps it. */
    @Override
    public void close() {
        watchdog.cancel(false);
        try {
            process.close();
        } catch (IOException e) {
            throw new IllegalStateException("could not stop child '" + role + "' (pid " + pid() + ")", e);
        }
    }
}
