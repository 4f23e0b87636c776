package io.github.jipc.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.jipc.ExitStatus;
import io.github.jipc.Subprocess;
import io.github.jipc.it.roles.Transfer;

/**
 * A started child and what it printed. Every wait is bounded by
 * {@link Harness#TIMEOUT}; every failure message carries the child's output.
 */
public final class Child implements AutoCloseable {
    private static final int SHOWN_CHARS = 4000;

    private final String label;
    private final Subprocess process;
    private final Path out;
    private final Path err;

    Child(String label, Subprocess process, Path out, Path err) {
        this.label = label;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The child process itself: its standard-stream pipes, onExit(), or its exit in a {@link io.github.jipc.Poller}. */
    public Subprocess process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String label() {
        return label;
    }

    /**
     * Waits for a line "prefix ..." on the child's standard output.
     *
     * @return the rest of the line after the prefix, trimmed
     */
    public String awaitLine(String prefix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
        for (;;) {
            boolean ended = process.exitStatus().isPresent();
            String found = findLine(prefix);
            if (found != null) {
                return found;
            }
            if (ended) {
                fail(label + " ended without printing a " + prefix + " line\n" + report());
            }
            if (System.nanoTime() > deadline) {
                fail(label + " printed no " + prefix + " line within " + Harness.TIMEOUT.toSeconds() + " s\n" + report());
            }
            Thread.sleep(5);
        }
    }

    private String findLine(String prefix) throws IOException {
        String text = read(out);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
            if (line.equals(prefix) || line.startsWith(prefix + " ")) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /** Waits for the RESULT line and returns its key=value pairs. */
    public Map<String, String> awaitResult() throws IOException, InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : awaitLine("RESULT").split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    /** Asserts that the child's RESULT (bytes and CRC-32) matches this side's account. */
    public void assertResult(Transfer ours) throws IOException, InterruptedException {
        Map<String, String> theirs = awaitResult();
        assertEquals(ours.toString(), "bytes=" + theirs.get("bytes") + " crc32=" + theirs.get("crc32"),
                () -> "what " + label + " reports differs from this side's account\n" + report());
    }

    /** Waits for the child to end; if it does not in time, kills it and fails. */
    public ExitStatus awaitExit() throws IOException, InterruptedException {
        Optional<ExitStatus> status = process.waitFor(Harness.TIMEOUT);
        if (status.isEmpty()) {
            process.kill();
            process.waitFor(Duration.ofSeconds(10));
            fail(label + " still ran after " + Harness.TIMEOUT.toSeconds() + " s; killed it\n" + report());
        }
        return status.get();
    }

    /** Waits for the child to end and asserts it exited with code. */
    public void assertExit(int code) throws IOException, InterruptedException {
        ExitStatus status = awaitExit();
        if (!status.exited() || status.exitCode() != code) {
            fail(label + " was expected to exit with code " + code + " but " + status + "\n" + report());
        }
    }

    /** Waits for the child to end and asserts SIGKILL ended it. */
    public void assertKilled() throws IOException, InterruptedException {
        ExitStatus status = awaitExit();
        assertEquals("killed by SIGKILL", status.toString(), () -> label + " ended otherwise\n" + report());
    }

    /** Sends SIGKILL. */
    public void kill() throws IOException {
        process.kill();
    }

    boolean isRunning() throws IOException {
        return process.isAlive();
    }

    /** The child's standard output so far. */
    public String stdout() throws IOException {
        return read(out);
    }

    /** The command, the status and the tail of both output streams. */
    public String report() {
        String status;
        try {
            status = process.exitStatus().map(ExitStatus::toString).orElse("still running");
        } catch (IOException | RuntimeException e) {
            status = "status unknown (" + e + ")";
        }
        return "---- " + label + " (pid " + pid() + ", " + status + "): " + String.join(" ", process.command())
                + "\n---- stdout (" + out + "):\n" + tail(out)
                + "\n---- stderr (" + err + "):\n" + tail(err) + "\n----";
    }

    private static String tail(Path file) {
        try {
            String s = read(file);
            return s.length() <= SHOWN_CHARS ? s : "[...]" + s.substring(s.length() - SHOWN_CHARS);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /** Kills the child if it still runs and reaps it. */
    @Override
    public void close() throws IOException {
        process.close();
    }

    @Override
    public String toString() {
        return label + " (pid " + pid() + ")";
    }
}
