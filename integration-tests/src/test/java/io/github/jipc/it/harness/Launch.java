package io.github.jipc.it.harness;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;

import io.github.jipc.Inheritable;
import io.github.jipc.PipeSource;
import io.github.jipc.Subprocess;

/**
 * A child to start: a role's {@code main} in a fresh JVM, or a C peer.
 * Obtained from {@link Harness#java} or {@link Harness#peer}; the child's
 * standard input is /dev/null unless {@link #stdin} says otherwise, and its
 * standard output and error go to files that failure messages show.
 */
public final class Launch {
    private final Harness harness;
    private final String label;
    private final Subprocess.Builder builder;
    private boolean pipedStdio;

    Launch(Harness harness, String label, Subprocess.Builder builder) {
        this.harness = harness;
        this.label = label;
        this.builder = builder.redirectInput(Redirect.from(Path.of("/dev/null").toFile()));
    }

    /** More options for a child JVM, after the harness's own (a later one wins). */
    public Launch jvmOptions(String... options) {
        builder.jvmOptions(options);
        return this;
    }

    /** Hands end to the child as descriptor childFd. */
    public Launch inherit(Inheritable end, int childFd) {
        builder.inherit(end, childFd);
        return this;
    }

    /** The child's standard input: a gate the test opens by closing the write end. */
    public Launch stdin(PipeSource source) {
        // Kept open here: tests hand one gate to several children and close it themselves.
        builder.redirectInput(source).keepOpen(source);
        return this;
    }

    /**
     * The child's standard input and output are new pipes, reached through
     * {@link Child#process()}'s {@code stdin()} and {@code stdout()}; standard
     * error still goes to a file.
     */
    public Launch pipedStdio() {
        pipedStdio = true;
        builder.redirectInput(Redirect.PIPE);
        return this;
    }

    /** Starts the child; the harness kills and reaps it after the test if the test did not. */
    public Child start() throws IOException {
        Path out = harness.outputFile(label, "out");
        Path err = harness.outputFile(label, "err");
        builder.redirectOutput(pipedStdio ? Redirect.PIPE : Redirect.to(out.toFile())).redirectError(Redirect.to(err.toFile()));
        return harness.track(new Child(label, builder.start(), out, err));
    }
}
