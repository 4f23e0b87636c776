package io.github.jipc;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.Timeouts;
import io.github.jipc.internal.jni.SpawnNative;

/**
 * A child process started with posix_spawn(3), which, unlike
 * {@link ProcessBuilder}, can inherit jipc handles at descriptor numbers of
 * the parent's choice, and which offers what {@link Process} users expect:
 *
 * <pre>{@code
 * try (Subprocess child = Subprocess.builder("uname", "-a").redirectOutput(Redirect.PIPE).start()) {
 *     String out = new String(child.stdoutStream().readAllBytes(), StandardCharsets.UTF_8);
 *     ExitStatus status = child.waitFor();
 * }
 * }</pre>
 *
 * <p>Handing a pipe end to a child JVM, which finds it again with
 * {@link PipeSink#inherited(int)}:
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open();
 *      Subprocess child = Subprocess.java("com.example.Worker", "3")
 *              .inherit(pipe.sink(), 3)   // closed in this process once the child started
 *              .start()) {
 *     ... read pipe.source() until -1 ...
 *     ExitStatus status = child.waitFor(Duration.ofSeconds(30)).orElseThrow();
 * }
 * }</pre>
 *
 * <p>Nothing else of the parent's descriptors reaches the child, not even one
 * opened without close-on-exec by other code of this process. The child is
 * tracked through a pidfd (pidfd_open(2)), so signals never reach a process
 * that merely reused its pid.
 *
 * <p><b>Reaping.</b> From the moment it starts, each child has a small daemon
 * thread of jipc waiting for it (waitid(2) on its pidfd, which concerns that
 * child only): a child is reaped as soon as it exits, whether this object is
 * closed, waited on, or dropped, so no zombie stays behind, and children that
 * jipc did not start are never taken. {@link #onExit()} completes then.
 * {@link #close()} kills a child that still runs and waits a bounded time
 * ({@value #CLOSE_TIMEOUT_SECONDS} s) for its end.
 */
public final class Subprocess implements AutoCloseable, Pollable {
    /** The system property naming the program that starts child JVMs (see {@link #java}). */
    public static final String JAVA_LAUNCHER_PROPERTY = "jipc.subprocess.java";
    /** The longest {@link #close()} waits for a killed child to end, in seconds. */
    public static final int CLOSE_TIMEOUT_SECONDS = 10;

    private final Reaper reaper;
    private final List<String> command;
    private final ProcessHandle handle;
    private final PipeSink stdin;
    private final PipeSource stdout;
    private final PipeSource stderr;
    private final AtomicBoolean closed = new AtomicBoolean();

    Subprocess(Spawn.Started started, List<String> command) {
        // Taken before the reaper starts: until it reaps, the pid cannot stand for another process.
        this.handle = ProcessHandle.of(started.pid()).orElse(null);
        this.reaper = Reaper.start(started.pid(), started.pidfd());
        this.command = command;
        this.stdin = started.stdin();
        this.stdout = started.stdout();
        this.stderr = started.stderr();
    }

    /** The pidfd, for a {@link Poller} to wait on; the reaper owns it and closes it once the child is reaped. */
    FdHandle pidfd() {
        return reaper.pidfd;
    }

    /**
     * A builder for program with args. A program without '/' is searched for
     * in this process's PATH (posix_spawnp(3)).
     *
     * @param program the program to run, also the child's {@code argv[0]}
     * @param args    its arguments
     * @return a builder; nothing starts before {@link Builder#start()}
     * @throws NullPointerException if program or an argument is null
     */
    public static Builder builder(String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Objects.requireNonNull(program, "program"));
        for (int i = 0; i < args.length; i++) {
            command.add(Objects.requireNonNull(args[i], "args[" + i + "]"));
        }
        return new Builder(command, null);
    }

    /**
     * A builder for command (program first), like {@link ProcessBuilder#ProcessBuilder(List)}.
     *
     * @param command the program and its arguments; copied
     * @return a builder; nothing starts before {@link Builder#start()}
     * @throws IllegalArgumentException if command is empty
     * @throws NullPointerException if an element is null
     */
    public static Builder builder(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> copy = new ArrayList<>(command);
        for (int i = 0; i < copy.size(); i++) {
            Objects.requireNonNull(copy.get(i), "command element " + i);
        }
        return new Builder(copy, null);
    }

    /**
     * A builder for a child JVM running mainClass with args: this JVM's
     * {@code java} binary and class path, plus {@code --enable-native-access=ALL-UNNAMED}
     * so that jipc loads in it without warnings.
     *
     * <p>The system property {@value #JAVA_LAUNCHER_PROPERTY}, when set, names the
     * program started instead of {@code java.home/bin/java}: a wrapper script that,
     * for example, runs another architecture's JVM under an emulator. It is
     * passed on to the child JVM, so that its own children start the same way.
     *
     * @param mainClass the binary name of the class whose {@code main} the child runs
     * @param args      the arguments to {@code main}
     * @return a builder; nothing starts before {@link Builder#start()}
     * @throws NullPointerException if mainClass or an argument is null
     */
    public static Builder java(String mainClass, String... args) {
        Objects.requireNonNull(mainClass, "mainClass");
        List<String> tail = new ArrayList<>();
        tail.add(mainClass);
        for (int i = 0; i < args.length; i++) {
            tail.add(Objects.requireNonNull(args[i], "args[" + i + "]"));
        }
        return new Builder(tail, new ArrayList<>());
    }

    /** {@return the child's process id} */
    public long pid() {
        return reaper.pid;
    }

    /**
     * {@return the command the child was started with, program first; for a
     * child JVM, with the {@code java} launcher and its options} The list is unmodifiable.
     */
    public List<String> command() {
        return command;
    }

    /**
     * The child as a {@link ProcessHandle}, e.g. to list its own children or
     * read its {@link ProcessHandle#info()}. The handle was taken when the
     * child started, so it never stands for a later process with the same pid.
     *
     * @return the handle
     * @throws UnsupportedOperationException if the JDK could not see the child at start
     *         (it had ended and been reaped before the handle was taken)
     */
    public ProcessHandle toHandle() {
        if (handle == null) {
            throw new UnsupportedOperationException("child " + pid() + " ended before its ProcessHandle was taken");
        }
        return handle;
    }

    /**
     * The write end of the pipe to the child's standard input, when it was
     * redirected with {@link Redirect#PIPE}. It belongs to this Subprocess:
     * {@link #close()} closes it. Close it earlier to give the child end of stream.
     *
     * @return the write end
     * @throws IllegalStateException if standard input was not redirected to {@link Redirect#PIPE}
     */
    public PipeSink stdin() {
        return piped(stdin, "input", "redirectInput");
    }

    /**
     * The read end of the pipe from the child's standard output, when it was
     * redirected with {@link Redirect#PIPE} (with {@link Builder#redirectErrorStream(boolean)},
     * standard error arrives here too). It belongs to this Subprocess: {@link #close()} closes it.
     *
     * @return the read end; -1 once the child (and every process it handed its end to) closed it
     * @throws IllegalStateException if standard output was not redirected to {@link Redirect#PIPE}
     */
    public PipeSource stdout() {
        return piped(stdout, "output", "redirectOutput");
    }

    /**
     * The read end of the pipe from the child's standard error, when it was
     * redirected with {@link Redirect#PIPE}. It belongs to this Subprocess:
     * {@link #close()} closes it.
     *
     * @return the read end
     * @throws IllegalStateException if standard error was not redirected to {@link Redirect#PIPE}
     *         (also when {@link Builder#redirectErrorStream(boolean)} sent it to standard output)
     */
    public PipeSource stderr() {
        return piped(stderr, "error", "redirectError");
    }

    /**
     * {@link #stdin()} as an {@link OutputStream} ({@link Channels#newOutputStream}):
     * closing the stream closes the end.
     *
     * @return a stream writing to the child's standard input
     * @throws IllegalStateException if standard input was not redirected to {@link Redirect#PIPE}
     */
    public OutputStream stdinStream() {
        return Channels.newOutputStream(stdin());
    }

    /**
     * {@link #stdout()} as an {@link InputStream} ({@link Channels#newInputStream}):
     * {@code readAllBytes()} reads until the child closes its standard output.
     *
     * @return a stream reading the child's standard output
     * @throws IllegalStateException if standard output was not redirected to {@link Redirect#PIPE}
     */
    public InputStream stdoutStream() {
        return Channels.newInputStream(stdout());
    }

    /**
     * {@link #stderr()} as an {@link InputStream}.
     *
     * @return a stream reading the child's standard error
     * @throws IllegalStateException if standard error was not redirected to {@link Redirect#PIPE}
     */
    public InputStream stderrStream() {
        return Channels.newInputStream(stderr());
    }

    private static <T extends PipeEnd> T piped(T end, String stream, String method) {
        if (end == null) {
            throw new IllegalStateException("standard " + stream + " was not redirected to Redirect.PIPE (see Builder."
                    + method + ")");
        }
        return end;
    }

    /**
     * Whether the child still runs: a child that ended counts as ended even
     * if jipc's reaper has not reaped it yet. Never blocks long.
     *
     * @return false once the child has ended, true while it runs
     * @throws IOException if waitid(2) fails
     */
    public boolean isAlive() throws IOException {
        return exitStatus().isEmpty();
    }

    /**
     * The exit status if the child has ended. Never blocks long.
     *
     * @return the exit status, or empty while the child runs
     * @throws IOException if waitid(2) fails
     */
    public Optional<ExitStatus> exitStatus() throws IOException {
        if (!reaper.exit.isDone() && !reaper.ended()) {
            return Optional.empty();
        }
        try {
            // Ended: the reaper has the status at once, or within a moment.
            return Optional.of(await(TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while child " + pid() + " was being reaped");
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits for the child to end. jipc reaps it (waitid(2) on its pidfd) the
     * moment it ends; this wait is woken then, without polling.
     *
     * @return its exit status
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IOException          if waitid(2) failed
     */
    public ExitStatus waitFor() throws InterruptedException, IOException {
        try {
            return await(Long.MAX_VALUE);
        } catch (TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Waits up to timeout for the child to end.
     *
     * @param timeout the longest to wait; {@link Duration#ZERO} does not wait; a huge one
     *                (e.g. {@code ChronoUnit.FOREVER.getDuration()}) waits without limit
     * @return its exit status, or empty if it still runs after timeout
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IOException          if waitid(2) failed
     * @throws NullPointerException if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException, IOException {
        long nanos = Timeouts.toNanos(timeout, "timeout of Subprocess.waitFor (waiting for child " + pid() + ")");
        try {
            return Optional.of(await(nanos));
        } catch (TimeoutException e) {
            // It may have ended at the deadline, before the reaper took its status: ask the kernel.
            return exitStatus();
        }
    }

    /** The status within nanos (Long.MAX_VALUE: without limit). */
    private ExitStatus await(long nanos) throws InterruptedException, IOException, TimeoutException {
        try {
            return nanos == Long.MAX_VALUE ? reaper.exit.get() : reaper.exit.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("waiting for child " + pid() + " failed", cause);
        }
    }

    /**
     * A future completed with the exit status once the child ended and was
     * reaped, like {@link Process#onExit()}. Each call returns a new future;
     * completing or cancelling it affects no other. Dependent actions without
     * {@code Async} may run on jipc's reaper thread: keep them short.
     * If waitid(2) fails, the future completes exceptionally with the {@link IpcException}.
     *
     * @return the future exit status
     */
    public CompletableFuture<ExitStatus> onExit() {
        return reaper.exit.copy();
    }

    /**
     * Asks the child to end: SIGTERM through its pidfd (pidfd_send_signal(2)).
     * Does nothing if it already ended and was reaped.
     *
     * @throws IOException if pidfd_send_signal(2) fails
     */
    public void terminate() throws IOException {
        signal(SpawnNative.SIGTERM());
    }

    /**
     * Kills the child: SIGKILL through its pidfd (pidfd_send_signal(2)).
     * Does nothing if it already ended and was reaped.
     *
     * @throws IOException if pidfd_send_signal(2) fails
     */
    public void kill() throws IOException {
        signal(SpawnNative.SIGKILL());
    }

    private void signal(int sig) throws IOException {
        int r = reaper.signal(sig);
        if (r < 0) {
            throw Errors.exception(r, SpawnCall.PIDFD_SEND_SIGNAL, "child " + pid(), "sending " + Errno.signalName(sig));
        }
    }

    /**
     * Closes this Subprocess: kills the child if it still runs (SIGKILL), waits
     * at most {@value #CLOSE_TIMEOUT_SECONDS} seconds for it to end, and closes
     * the ends of its {@link Redirect#PIPE} streams. Idempotent. The child is
     * reaped whenever it ends, also after a close that stopped waiting.
     *
     * @throws InterruptedIOException if the thread was interrupted while waiting (its
     *         interrupt flag is set again; the ends are closed all the same)
     * @throws IOException if the child could not be killed, or had not ended within
     *         {@value #CLOSE_TIMEOUT_SECONDS} seconds of SIGKILL (a process in an
     *         uninterruptible sleep, e.g. on a hung file system)
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!reaper.exit.isDone()) {
                kill();
                try {
                    await(TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while closing child " + pid()
                            + " (killed; it is reaped when it ends)");
                } catch (TimeoutException e) {
                    throw new IOException("child " + pid() + " did not end within " + CLOSE_TIMEOUT_SECONDS
                            + " s of SIGKILL (uninterruptible sleep?); it is reaped when it ends");
                } catch (IOException e) {
                    // The wait failed; closing goes on regardless.
                }
            }
        } finally {
            closeEnds();
        }
    }

    private void closeEnds() throws IOException {
        IOException failure = null;
        for (PipeEnd end : new PipeEnd[] { stdin, stdout, stderr }) {
            if (end != null) {
                try {
                    end.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        CompletableFuture<ExitStatus> exit = reaper.exit;
        String state = !exit.isDone() ? "running" : exit.isCompletedExceptionally() ? "wait failed" : exit.join().toString();
        return "Subprocess[pid " + pid() + ", " + state + "]";
    }

    /**
     * What to start and what the child inherits: see {@link SubprocessBuilder},
     * which holds every method. The name {@code Subprocess.Builder} is what
     * callers write; {@link Subprocess#builder} and {@link Subprocess#java} make one.
     */
    public static final class Builder extends SubprocessBuilder {
        private Builder(List<String> command, List<String> jvmOptions) {
            super(command, jvmOptions);
        }
    }
}
