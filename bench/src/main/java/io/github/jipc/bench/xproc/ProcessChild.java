package io.github.jipc.bench.xproc;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started the JDK's way ({@link ProcessBuilder}), running
 * {@link Peer}: the JDK side has nothing else. With pipes its stdin and
 * stdout are the mechanism; otherwise they are /dev/null and its log.
 */
final class ProcessChild extends ChildJvm {
    final Process process;

    private ProcessChild(Process process, Path log, Watchdog watchdog, Duration timeout) {
        super("the JDK child", log, watchdog, timeout);
        this.process = process;
    }

    static ProcessChild start(RunContext context, Watchdog watchdog, boolean pipes, String... args) throws IOException {
        Path log = newLog(context, watchdog, "jdk-child");
        List<String> cmd = new ArrayList<>(RunContext.javaCommand(Peer.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectError(Redirect.appendTo(log.toFile()));
        if (!pipes) {
            b.redirectInput(Redirect.from(new File("/dev/null"))).redirectOutput(Redirect.appendTo(log.toFile()));
        }
        ProcessChild child = new ProcessChild(Harness.startChild(context.settings, b::start), log, watchdog,
                context.settings.timeout());
        child.onExpiry(child.process::destroyForcibly, () -> {
            child.process.getOutputStream().close();
            child.process.getInputStream().close();
        });
        return child;
    }

    @Override
    long pid() {
        return process.pid();
    }

    @Override
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    String failure() {
        return process.exitValue() == 0 ? null : "exited with " + process.exitValue();
    }

    /** Closes the pipes to the child, kills it if it still runs, and reaps it. */
    @Override
    public void close() throws IOException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // A pipe to a dead child may fail to flush; the child is gone either way.
        }
        process.getInputStream().close();
        process.destroyForcibly();
        try {
            if (!process.waitFor(RunContext.REAP_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the JDK child " + process.pid() + " could not be reaped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reaping the JDK child " + process.pid());
        }
    }
}
