package io.github.jipc.bench.xproc;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.jipc.ExitStatus;
import io.github.jipc.Subprocess;

/**
 * A child JVM started with jipc's {@link Subprocess}, so that it can inherit
 * pipe ends; its output goes to a log in the scratch folder, shown when it fails.
 */
final class SpawnedJvm implements AutoCloseable {
    private final Subprocess process;
    private final Path log;
    private final Watchdog watchdog;
    private final Duration timeout;

    private SpawnedJvm(Subprocess process, Path log, Watchdog watchdog, Duration timeout) {
        this.process = process;
        this.log = log;
        this.watchdog = watchdog;
        this.timeout = timeout;
    }

    /** Starts mainClass with args; handOver adds the ends to inherit. The watchdog kills it at expiry. */
    static SpawnedJvm start(RunContext context, Watchdog watchdog, Class<?> mainClass,
            Consumer<Subprocess.Builder> handOver, String... args) throws IOException {
        Path log = context.newPath(mainClass.getSimpleName(), ".log");
        Subprocess.Builder b = Subprocess.java(mainClass.getName(), args)
                .jvmOptions(RunContext.CHILD_JVM_OPTIONS.toArray(String[]::new))
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.appendTo(log.toFile()))
                .redirectError(Redirect.appendTo(log.toFile()));
        handOver.accept(b);
        watchdog.onClose(() -> Files.deleteIfExists(log));
        Subprocess process = b.start();
        try {
            watchdog.onExpiry(process::kill);
        } catch (RuntimeException e) {
            process.close(); // expired already: reap what the watchdog killed
            throw e;
        }
        return new SpawnedJvm(process, log, watchdog, context.settings.timeout());
    }

    /** Waits for the child to end by itself, and fails unless it exited with 0. */
    void expectSuccess() throws IOException, InterruptedException {
        Optional<ExitStatus> status = process.waitFor(timeout);
        watchdog.check();
        if (status.isEmpty()) {
            throw new IllegalStateException("child JVM " + process.pid() + " still runs" + RunContext.tail(log));
        }
        if (!status.get().isSuccess()) {
            throw new IllegalStateException("child JVM " + process.pid() + " " + status.get() + RunContext.tail(log));
        }
    }

    /** Kills the child if it still runs, and reaps it. */
    @Override
    public void close() throws IOException {
        process.close();
    }
}
