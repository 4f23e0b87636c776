package io.github.jipc;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.SpawnNative;

/**
 * A child process started with posix_spawn(3), which, unlike
 * {@link ProcessBuilder}, can inherit jipc handles at descriptor numbers of
 * the parent's choice:
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open();
 *      Subprocess child = Subprocess.java("com.example.Worker", "3")
 *              .inherit(pipe.sink(), 3)
 *              .start()) {
 *     pipe.sink().close();
 *     ... read pipe.source() ...
 *     ExitStatus status = child.waitFor(Duration.ofSeconds(30)).orElseThrow();
 * }
 * }</pre>
 *
 * <p>In the child, {@link PipeSource#inherited(int)} and
 * {@link PipeSink#inherited(int)} turn the descriptor number back into a
 * channel. Nothing else of the parent's descriptors reaches the child.
 * The child is tracked through a pidfd (pidfd_open(2)), so signals never
 * reach a process that merely reused its pid. {@link #close()} kills a child
 * that is still running and reaps it.
 */
public final class Subprocess implements AutoCloseable, Pollable {
    /** The system property naming the program that starts child JVMs (see {@link #java}). */
    public static final String JAVA_LAUNCHER_PROPERTY = "jipc.subprocess.java";

    private static final long WAIT_SLICE_MS = 100;

    private final long pid;
    private final List<String> command;
    private final FdHandle pidfd;
    private final ReentrantLock waitLock = new ReentrantLock();
    private volatile ExitStatus status;

    FdHandle pidfd() {
        return pidfd;
    }

    private Subprocess(long pid, int pidfd, List<String> command) {
        this.pid = pid;
        this.command = command;
        this.pidfd = FdHandle.adopt(this, pidfd);
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
        for (String a : args) {
            command.add(Objects.requireNonNull(a, "argument"));
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
        copy.forEach(a -> Objects.requireNonNull(a, "command element"));
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
        for (String a : args) {
            tail.add(Objects.requireNonNull(a, "argument"));
        }
        return new Builder(tail, new ArrayList<>());
    }

    /** {@return the child's process id} */
    public long pid() {
        return pid;
    }

    /**
     * {@return the command the child was started with, program first; for a
     * child JVM, with the {@code java} launcher and its options} The list is unmodifiable.
     */
    public List<String> command() {
        return command;
    }

    /**
     * Whether the child still runs: a child that ended but was not waited for
     * yet counts as ended, and is reaped. Never blocks long; see {@link #exitStatus()}.
     *
     * @return false once the child has ended, true while it runs
     * @throws IOException if waitid(2) fails
     */
    public boolean isAlive() throws IOException {
        return exitStatus().isEmpty();
    }

    /**
     * The exit status if the child has ended, reaping it (waitid(2)). Never
     * blocks long: while another thread waits in {@link #waitFor()}, it
     * returns the status only once that thread has it.
     *
     * @return the exit status, or empty while the child runs
     * @throws IOException if waitid(2) fails
     */
    public Optional<ExitStatus> exitStatus() throws IOException {
        ExitStatus s = status;
        if (s != null) {
            return Optional.of(s);
        }
        if (!waitLock.tryLock()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(waitSlice(0));
        } finally {
            waitLock.unlock();
        }
    }

    /**
     * Waits for the child to end and reaps it (waitid(2) on its pidfd).
     *
     * @return its exit status
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IOException          if waitid(2) fails
     */
    public ExitStatus waitFor() throws InterruptedException, IOException {
        return waitUntil(Long.MAX_VALUE).orElseThrow();
    }

    /**
     * Waits up to timeout for the child to end, and reaps it if it did.
     *
     * @param timeout the longest to wait
     * @return its exit status, or empty if it still runs after timeout
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IOException          if waitid(2) fails
     * @throws IllegalArgumentException if timeout is negative
     */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException, IOException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        long nanos = timeout.toNanos();
        return waitUntil(nanos >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : System.nanoTime() + nanos);
    }

    private Optional<ExitStatus> waitUntil(long deadline) throws InterruptedException, IOException {
        waitLock.lockInterruptibly();
        try {
            for (;;) {
                if (status != null) {
                    return Optional.of(status);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for child " + pid);
                }
                long left = deadline == Long.MAX_VALUE ? WAIT_SLICE_MS
                        : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
                if (left <= 0) {
                    return Optional.empty();
                }
                ExitStatus s = waitSlice((int) Math.min(left, WAIT_SLICE_MS));
                if (s != null) {
                    return Optional.of(s);
                }
            }
        } finally {
            waitLock.unlock();
        }
    }

    /** One bounded wait; the caller holds waitLock. */
    private ExitStatus waitSlice(int timeoutMs) throws IOException {
        if (status != null) {
            return status;
        }
        if (!pidfd.acquire()) {
            throw new IllegalStateException("the Subprocess of pid " + pid + " is closed");
        }
        int[] st = new int[2];
        int r;
        try {
            r = SpawnNative.jipc_spawn_wait(pidfd.fd(), timeoutMs, st);
        } finally {
            pidfd.release();
        }
        if (r < 0) {
            throw Errors.exception(r, SpawnCall.WAITID, "child " + pid);
        }
        if (r == 0) {
            return null;
        }
        boolean exited = st[0] == SpawnNative.JIPC_CHILD_EXITED();
        status = new ExitStatus(exited, st[1], st[0] == SpawnNative.JIPC_CHILD_DUMPED());
        return status;
    }

    /**
     * Asks the child to end: SIGTERM through its pidfd (pidfd_send_signal(2)).
     * Does nothing if it already ended or this object is closed.
     *
     * @throws IOException if pidfd_send_signal(2) fails
     */
    public void terminate() throws IOException {
        signal(SpawnNative.SIGTERM());
    }

    /**
     * Kills the child: SIGKILL through its pidfd (pidfd_send_signal(2)).
     * Does nothing if it already ended or this object is closed.
     *
     * @throws IOException if pidfd_send_signal(2) fails
     */
    public void kill() throws IOException {
        signal(SpawnNative.SIGKILL());
    }

    private void signal(int sig) throws IOException {
        if (status != null || !pidfd.acquire()) {
            return;
        }
        int r;
        try {
            r = SpawnNative.jipc_spawn_signal(pidfd.fd(), sig);
        } finally {
            pidfd.release();
        }
        if (r < 0 && r != -Errno.ESRCH) {
            throw Errors.exception(r, SpawnCall.PIDFD_SEND_SIGNAL, "child " + pid, "sending " + Errno.signalName(sig));
        }
    }

    /**
     * Kills the child if it still runs, reaps it and releases its pidfd. Idempotent.
     *
     * @throws IOException if the child could not be killed or reaped
     */
    @Override
    public void close() throws IOException {
        if (pidfd.isClosed()) {
            return;
        }
        try {
            if (status == null) {
                kill();
                waitLock.lock();
                try {
                    while (status == null && !pidfd.isClosed()) {
                        waitSlice((int) WAIT_SLICE_MS);
                    }
                } finally {
                    waitLock.unlock();
                }
            }
        } finally {
            pidfd.close();
        }
    }

    @Override
    public String toString() {
        ExitStatus s = status;
        return "Subprocess[pid " + pid + ", " + (s == null ? "running or not waited for" : s) + "]";
    }

    /**
     * What to start and what the child inherits. Standard streams are inherited
     * unless redirected; the environment is this process's unless changed.
     */
    public static final class Builder {
        private final List<String> command;
        private final List<String> jvmOptions;
        private Map<String, String> environment;
        private Path directory;
        private final Object[] stdio = { Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT };
        private final Map<Integer, Inheritable> inherited = new TreeMap<>();

        private Builder(List<String> command, List<String> jvmOptions) {
            this.command = command;
            this.jvmOptions = jvmOptions;
        }

        /**
         * {@return the child's environment, a mutable copy of this process's}
         * Changes apply to the child only. Names must not be empty or contain '='.
         */
        public Map<String, String> environment() {
            if (environment == null) {
                environment = new HashMap<>(System.getenv());
            }
            return environment;
        }

        /**
         * Sets the child's working folder (this process's by default).
         *
         * @param directory the folder; {@link #start()} fails if it does not exist
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Adds options for the child JVM (before the main class).
         *
         * @param options JVM options, e.g. {@code -Xmx64m}
         * @return this builder
         * @throws IllegalStateException if this builder is not for a child JVM
         */
        public Builder jvmOptions(String... options) {
            if (jvmOptions == null) {
                throw new IllegalStateException("JVM options apply only to Subprocess.java(...) builders");
            }
            for (String o : options) {
                jvmOptions.add(Objects.requireNonNull(o, "option"));
            }
            return this;
        }

        /**
         * Standard input from a file, /dev/null ({@link Redirect#DISCARD} is not for input) or inherited.
         *
         * @param redirect {@link Redirect#from}, or {@link Redirect#INHERIT} (the default)
         * @return this builder
         * @throws IllegalArgumentException for {@link Redirect#PIPE} or a redirect to a file
         */
        public Builder redirectInput(Redirect redirect) {
            return redirect(0, redirect);
        }

        /**
         * Standard output to a file ({@link Redirect#to}, {@link Redirect#appendTo}), discarded or inherited.
         * A file is opened by {@link #start()}, created if absent with mode 0666 less the umask.
         *
         * @param redirect {@link Redirect#to}, {@link Redirect#appendTo}, {@link Redirect#DISCARD},
         *                 or {@link Redirect#INHERIT} (the default)
         * @return this builder
         * @throws IllegalArgumentException for {@link Redirect#PIPE} or a redirect from a file
         */
        public Builder redirectOutput(Redirect redirect) {
            return redirect(1, redirect);
        }

        /**
         * Standard error to a file, discarded or inherited, as {@link #redirectOutput(Redirect)}.
         *
         * @param redirect {@link Redirect#to}, {@link Redirect#appendTo}, {@link Redirect#DISCARD},
         *                 or {@link Redirect#INHERIT} (the default)
         * @return this builder
         * @throws IllegalArgumentException for {@link Redirect#PIPE} or a redirect from a file
         */
        public Builder redirectError(Redirect redirect) {
            return redirect(2, redirect);
        }

        /**
         * Standard input from the read end of a jipc pipe or FIFO.
         *
         * @param source the read end; it stays open in this process
         * @return this builder
         */
        public Builder redirectInput(PipeSource source) {
            stdio[0] = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Standard output into the write end of a jipc pipe or FIFO.
         *
         * @param sink the write end; it stays open in this process
         * @return this builder
         */
        public Builder redirectOutput(PipeSink sink) {
            stdio[1] = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Standard error into the write end of a jipc pipe or FIFO.
         *
         * @param sink the write end; it stays open in this process
         * @return this builder
         */
        public Builder redirectError(PipeSink sink) {
            stdio[2] = Objects.requireNonNull(sink, "sink");
            return this;
        }

        private Builder redirect(int fd, Redirect redirect) {
            Objects.requireNonNull(redirect, "redirect");
            if (redirect.type() == Redirect.Type.PIPE) {
                throw new IllegalArgumentException("Redirect.PIPE is not supported: hand the child a jipc Pipe end instead");
            }
            if (fd == 0 && (redirect.type() == Redirect.Type.WRITE || redirect.type() == Redirect.Type.APPEND)) {
                throw new IllegalArgumentException("standard input cannot be redirected to a file for writing: " + redirect);
            }
            if (fd > 0 && redirect.type() == Redirect.Type.READ) {
                throw new IllegalArgumentException("standard output and error cannot read from a file: " + redirect);
            }
            stdio[fd] = redirect;
            return this;
        }

        /**
         * Hands handle to the child as descriptor childFd. The handle stays open
         * in this process; close it after {@link #start()} if only the child should hold it.
         * A pipe or FIFO end reaches the child as a new open file description of
         * the same pipe, in blocking mode, so the child's mode and this
         * process's stay independent. A later call for the same childFd replaces this one.
         *
         * @param handle  a jipc pipe or FIFO end, shared memory object or memory file
         * @param childFd 3 or more (0-2 are set with the redirect methods)
         * @return this builder
         * @throws IllegalArgumentException if childFd is below 3
         */
        public Builder inherit(Inheritable handle, int childFd) {
            Objects.requireNonNull(handle, "handle");
            if (childFd < 3) {
                throw new IllegalArgumentException("child fd must be >= 3 (use the redirect methods for 0-2), got " + childFd);
            }
            inherited.put(childFd, handle);
            return this;
        }

        /**
         * Starts the child (posix_spawn(3)) and opens a pidfd for it (pidfd_open(2)).
         * The child gets the handles given to {@link #inherit}, the redirected
         * standard streams and otherwise this process's.
         *
         * @return the running child
         * @throws java.nio.file.NoSuchFileException if the program, the working folder or a
         *         redirect file (or its folder) does not exist (ENOENT)
         * @throws java.nio.file.AccessDeniedException if the program is not executable or a
         *         redirect file cannot be opened (EACCES, EPERM)
         * @throws ClosedChannelException if a handle to inherit or redirect to is closed
         * @throws IpcException if posix_spawn(3), pidfd_open(2) or open(2) of a redirect
         *         file fails otherwise, e.g. EMFILE, ENOMEM, ENOEXEC
         * @throws IllegalArgumentException if an environment variable name is empty or
         *         contains '=', or a string contains a NUL character
         */
        public Subprocess start() throws IOException {
            NativeLibrary.ensureAvailable();
            List<String> cmd = fullCommand();
            int[] child = new Spawn(cmd, environment, directory, stdio, inherited).run();
            return new Subprocess(child[0], child[1], List.copyOf(cmd));
        }

        private List<String> fullCommand() {
            if (jvmOptions == null) {
                return command;
            }
            List<String> cmd = new ArrayList<>();
            String launcher = System.getProperty(JAVA_LAUNCHER_PROPERTY, "");
            if (launcher.isEmpty()) {
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else {
                cmd.add(launcher);
                cmd.add("-D" + JAVA_LAUNCHER_PROPERTY + "=" + launcher);
            }
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.addAll(jvmOptions);
            cmd.addAll(command);
            return cmd;
        }
    }
}
