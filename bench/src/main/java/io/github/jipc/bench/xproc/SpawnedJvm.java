package io.github.jipc.bench.xproc;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
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
final class SpawnedJvm extends ChildJvm {
    private final Subprocess process;
    private Optional<ExitStatus> status = Optional.empty();

    private SpawnedJvm(Subprocess process, Path log, Watchdog watchdog, Duration timeout) {
        super("child JVM", log, watchdog, timeout);
        this.process = process;
    }

    /** Starts {@link Peer} with args; handOver adds the ends to inherit. The watchdog kills it at expiry. */
    static SpawnedJvm start(RunContext context, Watchdog watchdog,
            Consumer<Subprocess.Builder> handOver, String... args) throws IOException {
        Path log = newLog(context, watchdog, "peer");
        Subprocess.Builder b = Subprocess.java(Peer.class.getName(), args)
                .jvmOptions(RunContext.CHILD_JVM_OPTIONS.toArray(String[]::new))
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.appendTo(log.toFile()))
                .redirectError(Redirect.appendTo(log.toFile()));
        handOver.accept(b);
        SpawnedJvm child = new SpawnedJvm(Harness.startChild(context.settings, b::start), log, watchdog,
                context.settings.timeout());
        child.onExpiry(child.process::kill);
        return child;
    }

    @Override
    long pid() {
        return process.pid();
    }

    @Override
    boolean awaitEnd(Duration timeout) throws IOException, InterruptedException {
        status = process.waitFor(timeout);
        return status.isPresent();
    }

    @Override
    String failure() {
        return status.get().isSuccess() ? null : status.get().toString();
    }

    @Override
    public void close() throws IOException {
        process.close();
    }
}
