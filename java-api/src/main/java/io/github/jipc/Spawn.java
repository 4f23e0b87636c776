package io.github.jipc;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.SpawnNative;

/**
 * One call of jipc_spawn for a {@link Subprocess.Builder}: opens the redirect
 * files and makes the pipes of {@link Stdio#PIPE} streams, holds the handles
 * to inherit open while the child starts, lays out the argument, environment
 * and descriptor tables, and releases it all after: the child's ends of new
 * pipes are closed here, the parent's returned.
 */
final class Spawn {
    /** What started: the child, and the parent's ends of its piped standard streams (null where not piped). */
    record Started(long pid, int pidfd, PipeSink stdin, PipeSource stdout, PipeSource stderr) {}

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path directory;
    private final Stdio[] stdio;
    private final Map<Integer, Inheritable> inherited;
    private final boolean errorToOutput;
    private final List<FdHandle> acquired = new ArrayList<>();
    private final List<Integer> opened = new ArrayList<>();
    /** Pipes made for PIPE streams, by stream number; null where none. */
    private final Pipe[] pipes = new Pipe[3];

    /**
     * @param environment null to inherit this process's
     * @param directory   null to inherit this process's
     * @param stdio       per standard stream where it goes
     * @param inherited   child descriptor number to handle, numbers 3 and up
     * @param errorToOutput standard error goes where standard output goes (stdio[2] ignored)
     */
    Spawn(List<String> command, Map<String, String> environment, Path directory, Stdio[] stdio,
            Map<Integer, Inheritable> inherited, boolean errorToOutput) {
        this.errorToOutput = errorToOutput;
        this.command = command;
        this.environment = environment;
        this.directory = directory;
        this.stdio = stdio;
        this.inherited = inherited;
    }

    /** Starts the child. */
    Started run() throws IOException {
        boolean started = false;
        try {
            int[] map = new int[2 * (inherited.size() + 3)];
            int n = 0;
            int out = -1;
            for (int target = 0; target < 3; target++) {
                int src = target == 2 && errorToOutput ? out : stdioSource(target);
                if (target == 1) {
                    out = src;
                }
                if (src >= 0) {
                    map[2 * n] = src;
                    map[2 * n + 1] = target;
                    n++;
                }
            }
            for (Map.Entry<Integer, Inheritable> e : inherited.entrySet()) {
                map[2 * n] = acquire(e.getValue(), "child fd " + e.getKey());
                map[2 * n + 1] = e.getKey();
                n++;
            }
            byte[] env = null;
            int envc = -1;
            if (environment != null) {
                List<String> pairs = new ArrayList<>();
                environment.forEach((k, v) -> pairs.add(checkName(k) + "=" + Objects.requireNonNull(v, () ->
                        "environment variable " + k + " is null: remove it (environment().remove(name)) to leave it"
                                + " unset, or give it a value")));
                env = CStrings.block("environment", pairs);
                envc = pairs.size();
            }
            String program = command.get(0);
            int[] child = new int[2];
            int r = SpawnNative.jipc_spawn(CStrings.of("program", program), CStrings.block("argument", command),
                    command.size(), env, envc, directory == null ? null : CStrings.of(directory), map, n, child);
            if (r < 0) {
                throw Errors.exception(r, SpawnCall.POSIX_SPAWN, program, spawnHint(r, program));
            }
            started = true;
            return new Started(child[0], child[1], pipes[0] == null ? null : pipes[0].sink(),
                    pipes[1] == null ? null : pipes[1].source(), pipes[2] == null ? null : pipes[2].source());
        } finally {
            acquired.forEach(FdHandle::release);
            opened.forEach(CommonNative::jipc_close);
            for (int i = 0; i < 3; i++) {
                if (pipes[i] != null) {
                    // The child's end always; the parent's too if nothing started.
                    (i == 0 ? pipes[i].source() : pipes[i].sink()).close();
                    if (!started) {
                        pipes[i].close();
                    }
                }
            }
        }
    }

    /** What a failed spawn's errno means here, or null. */
    private String spawnHint(int r, String program) {
        if (r == -Errno.ENOENT) {
            return "no such program" + (program.contains("/") ? "" : " in PATH")
                    + (directory == null ? "" : ", or no folder " + directory);
        }
        if (r == -SpawnNative.ENOTDIR() && directory != null) {
            return "the working folder " + directory + ", or a folder on the way to the program, is no folder";
        }
        if (r == -SpawnNative.ENOEXEC()) {
            return "the kernel cannot run it: a script needs a first line such as #!/bin/sh (ProcessBuilder runs"
                    + " one without it through /bin/sh; here, start /bin/sh with the script as its argument)";
        }
        return null;
    }

    private static String checkName(String name) {
        if (Objects.requireNonNull(name, "an environment variable's name is null").isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("invalid environment variable name: '" + name + "'");
        }
        return name;
    }

    /** The descriptor for standard stream target, or -1 to inherit ours. */
    private int stdioSource(int target) throws IOException {
        Stdio s = stdio[target];
        if (s instanceof Stdio.End e) {
            return acquire(e.end(), "standard stream " + target);
        }
        if (s instanceof Stdio.Piped) {
            pipes[target] = Pipe.open();
            return acquire(target == 0 ? pipes[target].source() : pipes[target].sink(), "standard stream " + target);
        }
        if (!(s instanceof Stdio.ToFile f)) {
            return -1;
        }
        Redirect r = f.redirect();
        int flags = switch (r.type()) {
            case READ -> SpawnNative.O_RDONLY();
            case WRITE -> SpawnNative.O_WRONLY() | SpawnNative.O_CREAT() | SpawnNative.O_TRUNC();
            case APPEND -> SpawnNative.O_WRONLY() | SpawnNative.O_CREAT() | SpawnNative.O_APPEND();
            default -> throw new IllegalArgumentException("unsupported redirect " + r);
        };
        String file = r.file().getPath();
        int fd = CommonNative.jipc_open(CStrings.of("redirect file", file), flags, 0666);
        if (fd < 0) {
            throw Errors.exception(fd, SpawnCall.OPEN_REDIRECT, file);
        }
        opened.add(fd);
        return fd;
    }

    private int acquire(Inheritable end, String what) throws IOException {
        FdHandle h = Handles.of(end);
        if (!h.acquire()) {
            throw new ClosedHandleException("the handle for " + what + " is closed: " + end
                    + "; only open handles can be inherited");
        }
        acquired.add(h);
        int fd = Handles.handOff(end, h);
        if (fd != h.fd()) {
            opened.add(fd);
        }
        return fd;
    }
}
