package io.github.jipc;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.github.jipc.internal.NativeLibrary;

/**
 * What to start and what the child inherits. Standard streams are inherited
 * unless redirected; the environment is this process's unless changed.
 *
 * <p><b>Ends handed over are closed here.</b> A pipe or FIFO end given to
 * {@link #inherit} or to a redirect method is closed in this process once
 * the child started (the classic {@code fork}/{@code close} pattern, so that
 * end of stream and EPIPE work), unless passed to {@link #keepOpen}. Shared
 * memory objects and memory files stay open. If {@link #start()} fails,
 * nothing is closed.
 *
 * <p>Callers hold it as {@link Subprocess.Builder}, its only kind; this class
 * carries its methods.
 */
public abstract sealed class SubprocessBuilder permits Subprocess.Builder {
    private final List<String> command;
    private final List<String> jvmOptions;
    private final List<String> wrapper = new ArrayList<>();
    private String classPath;
    private Map<String, String> environment;
    private Path directory;
    private final Stdio[] stdio = { Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT };
    private boolean errorToOutput;
    private final Map<Integer, Inheritable> inherited = new TreeMap<>();
    private final Set<Inheritable> kept = Collections.newSetFromMap(new IdentityHashMap<>());

    SubprocessBuilder(List<String> command, List<String> jvmOptions) {
        this.command = command;
        this.jvmOptions = jvmOptions;
    }

    /**
     * {@return the child's environment, a mutable copy of this process's}
     * Changes apply to the child only. Names must not be empty or contain
     * '='; neither names nor values may be null ({@link #start()} throws
     * {@link NullPointerException}, as {@link ProcessBuilder#start()} does).
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
    public Subprocess.Builder directory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return self();
    }

    /**
     * Adds options for the child JVM (before the main class).
     *
     * @param options JVM options, e.g. {@code -Xmx64m}
     * @return this builder
     * @throws IllegalStateException if this builder is not for a child JVM
     */
    public Subprocess.Builder jvmOptions(String... options) {
        requireJava("JVM options");
        for (int i = 0; i < options.length; i++) {
            jvmOptions.add(Objects.requireNonNull(options[i], "options[" + i + "]"));
        }
        return self();
    }

    /**
     * Starts the child JVM through a wrapper program: its words come before
     * the {@code java} launcher, which the wrapper is expected to run with the
     * remaining arguments, e.g. {@code setpriv --reuid=65534 --regid=65534 --clear-groups}
     * to run it as another user, or {@code unshare --mount sh -c '... && exec "$0" "$@"'}.
     *
     * @param words the wrapper program and its arguments
     * @return this builder
     * @throws IllegalStateException if this builder is not for a child JVM
     */
    public Subprocess.Builder launchThrough(String... words) {
        requireJava("a launch wrapper");
        for (int i = 0; i < words.length; i++) {
            wrapper.add(Objects.requireNonNull(words[i], "words[" + i + "]"));
        }
        return self();
    }

    /**
     * Sets the child JVM's class path (this JVM's by default).
     *
     * @param path the class path, entries separated by {@link java.io.File#pathSeparator}
     * @return this builder
     * @throws IllegalStateException if this builder is not for a child JVM
     */
    public Subprocess.Builder classPath(String path) {
        requireJava("a class path");
        this.classPath = Objects.requireNonNull(path, "path");
        return self();
    }

    private void requireJava(String what) {
        if (jvmOptions == null) {
            throw new IllegalStateException("only Subprocess.java(...) builders take " + what);
        }
    }

    /**
     * Standard input from a file, from a new pipe, or inherited.
     *
     * @param redirect {@link Redirect#from}; {@link Redirect#PIPE}: a new pipe whose write
     *                 end is {@link Subprocess#stdin()}; or {@link Redirect#INHERIT} (the default)
     * @return this builder
     * @throws IllegalArgumentException for {@link Redirect#DISCARD} or a redirect to a file
     */
    public Subprocess.Builder redirectInput(Redirect redirect) {
        return redirect(0, redirect);
    }

    /**
     * Standard output to a file ({@link Redirect#to}, {@link Redirect#appendTo}), discarded,
     * to a new pipe, or inherited. A file is opened by {@link #start()}, created if absent
     * with mode 0666 less the umask.
     *
     * @param redirect {@link Redirect#to}, {@link Redirect#appendTo}, {@link Redirect#DISCARD},
     *                 {@link Redirect#PIPE} (a new pipe whose read end is {@link Subprocess#stdout()}),
     *                 or {@link Redirect#INHERIT} (the default)
     * @return this builder
     * @throws IllegalArgumentException for a redirect from a file
     */
    public Subprocess.Builder redirectOutput(Redirect redirect) {
        return redirect(1, redirect);
    }

    /**
     * Standard error to a file, discarded, to a new pipe ({@link Subprocess#stderr()})
     * or inherited, as {@link #redirectOutput(Redirect)}.
     *
     * @param redirect {@link Redirect#to}, {@link Redirect#appendTo}, {@link Redirect#DISCARD},
     *                 {@link Redirect#PIPE}, or {@link Redirect#INHERIT} (the default)
     * @return this builder
     * @throws IllegalArgumentException for a redirect from a file
     */
    public Subprocess.Builder redirectError(Redirect redirect) {
        return redirect(2, redirect);
    }

    /**
     * Standard input from the read end of a jipc pipe or FIFO, which is
     * closed in this process once the child started (unless {@link #keepOpen kept}).
     * A FIFO read end should have a writer already: see {@link Fifo#openSource(Duration)}.
     *
     * @param source the read end
     * @return this builder
     */
    public Subprocess.Builder redirectInput(PipeSource source) {
        stdio[0] = new Stdio.End(Objects.requireNonNull(source, "source"));
        return self();
    }

    /**
     * Standard output into the write end of a jipc pipe or FIFO, which is
     * closed in this process once the child started (unless {@link #keepOpen kept}).
     *
     * @param sink the write end
     * @return this builder
     */
    public Subprocess.Builder redirectOutput(PipeSink sink) {
        stdio[1] = new Stdio.End(Objects.requireNonNull(sink, "sink"));
        return self();
    }

    /**
     * Standard error into the write end of a jipc pipe or FIFO, which is
     * closed in this process once the child started (unless {@link #keepOpen kept}).
     *
     * @param sink the write end
     * @return this builder
     */
    public Subprocess.Builder redirectError(PipeSink sink) {
        stdio[2] = new Stdio.End(Objects.requireNonNull(sink, "sink"));
        return self();
    }

    /**
     * Sends standard error where standard output goes (also into the same
     * {@link Redirect#PIPE}), like {@link ProcessBuilder#redirectErrorStream(boolean)};
     * any standard error redirect is then ignored.
     *
     * @param merge true to merge, false (the default) to keep them apart
     * @return this builder
     */
    public Subprocess.Builder redirectErrorStream(boolean merge) {
        this.errorToOutput = merge;
        return self();
    }

    /**
     * The child inherits this process's standard input, output and error,
     * like {@link ProcessBuilder#inheritIO()} (and the default).
     *
     * @return this builder
     */
    public Subprocess.Builder inheritIO() {
        Arrays.fill(stdio, Stdio.INHERIT);
        return self();
    }

    private Subprocess.Builder redirect(int fd, Redirect redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (fd == 0 && (redirect.type() == Redirect.Type.WRITE || redirect.type() == Redirect.Type.APPEND)) {
            throw new IllegalArgumentException("standard input cannot be redirected to a file for writing: " + redirect
                    + (redirect.equals(Redirect.DISCARD) ? " (use Redirect.from(new File(\"/dev/null\")))" : ""));
        }
        if (fd > 0 && redirect.type() == Redirect.Type.READ) {
            throw new IllegalArgumentException("standard output and error cannot read from a file: " + redirect);
        }
        stdio[fd] = Stdio.of(redirect);
        return self();
    }

    /**
     * Hands handle to the child as descriptor childFd. A pipe or FIFO end
     * is closed in this process once the child started (unless
     * {@link #keepOpen kept}); every other handle (shared memory, memory
     * files, sockets, event counters, queues, {@link OpenFile}s) stays open
     * here too: close a socket's copy here once the child started if this
     * process should see the end of stream when the child closes its own.
     * A pipe or FIFO end reaches the child as a blocking open file
     * description: the end's own, which this process then never sets
     * {@code O_NONBLOCK} again; or, while a call of the end runs, or if
     * another process set it {@code O_NONBLOCK}, a new blocking description
     * of the same pipe. A later call for the same
     * childFd replaces this one.
     *
     * @param handle  any jipc handle that can be inherited: a pipe or FIFO end, shared memory object,
     *                memory file, socket, event counter, message queue or open file
     * @param childFd 3 or more (0-2 are set with the redirect methods), below this process's open
     *                file limit ({@code ulimit -n}), which the child starts with; {@link #start()}
     *                needs a few numbers more above the highest one
     * @return this builder
     * @throws IllegalArgumentException if childFd is below 3, or not below the open file limit
     */
    public Subprocess.Builder inherit(Inheritable handle, int childFd) {
        Objects.requireNonNull(handle, "handle");
        if (childFd < 3) {
            throw new IllegalArgumentException("child fd must be >= 3 (use the redirect methods for 0-2), got " + childFd);
        }
        long limit = io.github.jipc.internal.jni.CommonNative.jipc_open_file_limit();
        if (limit > 0 && childFd >= limit) {
            throw new IllegalArgumentException("child fd " + childFd + " is not below the open file limit (ulimit -n, "
                    + limit + "), which the child starts with: it could not have that descriptor (posix_spawn would"
                    + " fail with EINVAL); choose a lower number");
        }
        inherited.put(childFd, handle);
        return self();
    }

    /**
     * Keeps these pipe or FIFO ends open in this process after {@link #start()},
     * e.g. to hand the same end to several children.
     *
     * @param handles ends given to {@link #inherit} or a redirect method
     * @return this builder
     */
    public Subprocess.Builder keepOpen(Inheritable... handles) {
        for (int i = 0; i < handles.length; i++) {
            kept.add(Objects.requireNonNull(handles[i], "handles[" + i + "]"));
        }
        return self();
    }

    /**
     * Starts the child (posix_spawn(3)) and opens a pidfd for it (pidfd_open(2)).
     * The child gets the handles given to {@link #inherit}, the redirected
     * standard streams and otherwise this process's; no other descriptor.
     * Then the pipe and FIFO ends handed over are closed here, unless kept.
     *
     * @return the running child
     * @throws java.nio.file.NoSuchFileException if the program, the working folder or a
     *         redirect file (or its folder) does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the program is not executable or a
     *         redirect file cannot be opened (EACCES, EPERM)
     * @throws ClosedChannelException if a handle to inherit or redirect to is closed
     * @throws IpcException if posix_spawn(3), pidfd_open(2), pipe2(2) or open(2) of a redirect
     *         file fails otherwise, e.g. EMFILE, ENOMEM, ENOEXEC
     * @throws IllegalArgumentException if an environment variable name is empty or
     *         contains '=', or a string contains a NUL character; or if the highest child fd
     *         leaves too few numbers below the open file limit for the hand-over, which places a
     *         copy of each handed descriptor above it first
     * @throws NullPointerException if an environment variable's name or value is null
     */
    public Subprocess start() throws IOException {
        NativeLibrary.ensureAvailable();
        checkHandOverRoom();
        List<String> cmd = jvmOptions == null ? command : JavaCommand.of(wrapper, classPath, jvmOptions, command);
        Spawn.Started started = new Spawn(cmd, environment, directory, stdio.clone(), inherited, errorToOutput).run();
        Subprocess child = new Subprocess(started, List.copyOf(cmd));
        closeHandedEnds(child.pid());
        return child;
    }

    /**
     * The spawn first moves every handed descriptor above the highest child
     * fd, so that placing one never overwrites another: those copies need
     * numbers below the open file limit too.
     */
    private void checkHandOverRoom() {
        if (inherited.isEmpty()) {
            return;
        }
        long limit = io.github.jipc.internal.jni.CommonNative.jipc_open_file_limit();
        int highest = java.util.Collections.max(inherited.keySet());
        int copies = inherited.size() + 3; // the handed handles, and up to three standard streams
        if (limit > 0 && (long) highest + 1 + copies > limit) {
            throw new IllegalArgumentException("child fd " + highest + " leaves too few descriptor numbers below the"
                    + " open file limit (ulimit -n, " + limit + "): handing over takes " + copies + " numbers above"
                    + " the highest child fd; choose child fds below " + (limit - copies - 1));
        }
    }

    private void closeHandedEnds(long pid) throws IOException {
        List<PipeEnd> ends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (stdio[i] instanceof Stdio.End e && !(i == 2 && errorToOutput)) {
                ends.add(e.end());
            }
        }
        for (Inheritable h : inherited.values()) {
            if (h instanceof PipeEnd end) {
                ends.add(end);
            }
        }
        for (PipeEnd end : ends) {
            if (!kept.contains(end)) {
                end.closeReason = "start() closed it here after handing it to child " + pid + " (keepOpen(...) keeps"
                        + " an end open)";
                end.close();
            }
        }
    }

    private Subprocess.Builder self() {
        return (Subprocess.Builder) this;
    }
}
