package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class SubprocessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Everything the source delivers until end of stream, as UTF-8. */
    static String readAll(PipeSource source) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        while (source.read(in) >= 0 && in.hasRemaining()) {
            // until end of stream
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
    }

    @Test
    void exitCodeIsReported() throws Exception {
        try (Subprocess child = Subprocess.builder("sh", "-c", "exit 3").start()) {
            ExitStatus status = child.waitFor(WAIT).orElseThrow();
            assertTrue(status.exited());
            assertEquals(3, status.exitCode());
            assertFalse(status.isSuccess());
            assertEquals("exited with code 3", status.toString());
            assertFalse(child.isAlive());
            assertEquals(Optional.of(status), child.exitStatus(), "stays known after reaping");
            assertTrue(child.pid() > 0);
        }
    }

    @Test
    void killAndTerminateEndTheChildWithASignal() throws Exception {
        try (Subprocess child = Subprocess.builder("sleep", "60").start()) {
            assertEquals(Optional.empty(), child.waitFor(Duration.ofMillis(50)));
            assertTrue(child.isAlive());
            child.kill();
            ExitStatus status = child.waitFor(WAIT).orElseThrow();
            assertTrue(status.signaled());
            assertEquals("killed by SIGKILL", status.toString());
            assertThrows(IllegalStateException.class, status::exitCode);
            child.kill(); // already ended: nothing happens
        }
        try (Subprocess child = Subprocess.builder("sleep", "60").start()) {
            child.terminate();
            assertEquals("killed by SIGTERM", child.waitFor().toString());
        }
    }

    @Test
    void closeKillsAndReapsARunningChild() throws Exception {
        Subprocess child = Subprocess.builder("sleep", "60").start();
        long pid = child.pid();
        child.close();
        child.close();
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "reaped, not left as a zombie");
    }

    @Test
    void aPipeEndIsInheritedAtTheChosenNumber() throws Exception {
        try (Pipe pipe = Pipe.open();
                Subprocess child = Subprocess.builder("sh", "-c", "echo hello from fd 5 >&5").inherit(pipe.sink(), 5).start()) {
            pipe.sink().close();
            assertEquals("hello from fd 5\n", readAll(pipe.source()));
            assertTrue(child.waitFor(WAIT).orElseThrow().isSuccess());
        }
    }

    @Test
    void onlyHandedDescriptorsReachTheChild() throws Exception {
        try (Pipe kept = Pipe.open(); Pipe out = Pipe.open();
                Subprocess child = Subprocess.builder("sh", "-c", "ls /proc/self/fd").redirectOutput(out.sink()).start()) {
            out.sink().close();
            String fds = readAll(out.source());
            assertEquals("0\n1\n2\n3\n", fds, "stdin, stdout, stderr, and ls's own directory");
            assertTrue(child.waitFor(WAIT).orElseThrow().isSuccess());
            assertTrue(kept.source().isOpen());
        }
    }

    @Test
    void environmentFolderAndStandardStreamsCanBeSet() throws Exception {
        Path input = Files.writeString(dir.resolve("in.txt"), "from a file\n");
        Path output = dir.resolve("out.txt");
        Subprocess.Builder b = Subprocess.builder("sh", "-c", "read line; echo \"$line|$JIPC_TEST|$(pwd)\"; echo oops >&2")
                .directory(dir)
                .redirectInput(Redirect.from(input.toFile()))
                .redirectOutput(Redirect.to(output.toFile()))
                .redirectError(Redirect.DISCARD);
        b.environment().put("JIPC_TEST", "value");
        try (Subprocess child = b.start()) {
            assertTrue(child.waitFor(WAIT).orElseThrow().isSuccess());
        }
        assertEquals("from a file|value|" + dir.toRealPath() + "\n", Files.readString(output));
        try (Subprocess child = Subprocess.builder("sh", "-c", "echo more").redirectOutput(Redirect.appendTo(output.toFile())).start()) {
            assertTrue(child.waitFor(WAIT).orElseThrow().isSuccess());
        }
        assertTrue(Files.readString(output).endsWith("more\n"));
    }

    @Test
    void aChildJvmFindsItsPipeAgain() throws Exception {
        try (Pipe pipe = Pipe.open();
                Subprocess child = Subprocess.java(ChildWriter.class.getName(), "3").inherit(pipe.sink(), 3)
                        .redirectError(Redirect.INHERIT).start()) {
            pipe.sink().close();
            assertEquals("child jvm wrote this", readAll(pipe.source()));
            assertEquals(0, child.waitFor(WAIT).orElseThrow().exitCode());
        }
    }

    /** Runs in the child JVM: writes a line to the pipe end inherited at the fd given. */
    public static final class ChildWriter {
        public static void main(String[] args) throws Exception {
            try (PipeSink sink = PipeSink.inherited(Integer.parseInt(args[0]))) {
                sink.write(ByteBuffer.wrap("child jvm wrote this".getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void failuresToStartAreClear() throws Exception {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Subprocess.builder("/no/such/program").start());
        assertTrue(e.getMessage().contains("posix_spawn: ENOENT"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Subprocess.builder("no-such-program-jipc").start());
        Pipe pipe = Pipe.open();
        pipe.close();
        assertThrows(ClosedChannelException.class, () -> Subprocess.builder("true").inherit(pipe.sink(), 3).start());
        assertThrows(NoSuchFileException.class,
                () -> Subprocess.builder("true").redirectInput(Redirect.from(new File(dir + "/missing"))).start());
    }

    @Test
    void misuseIsRejectedBeforeStarting() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Subprocess.Builder b = Subprocess.builder("true");
            assertThrows(IllegalArgumentException.class, () -> b.inherit(pipe.sink(), 2));
            IllegalArgumentException limit = assertThrows(IllegalArgumentException.class,
                    () -> b.inherit(pipe.sink(), Integer.MAX_VALUE));
            assertTrue(limit.getMessage().contains("open file limit"), limit.getMessage());
            long max = io.github.jipc.internal.jni.CommonNative.jipc_open_file_limit();
            if (max < Integer.MAX_VALUE) { // the hand-over copies need numbers above the highest child fd too
                Subprocess.Builder nearLimit = Subprocess.builder("true").inherit(pipe.sink(), (int) max - 1);
                IllegalArgumentException room = assertThrows(IllegalArgumentException.class, nearLimit::start);
                assertTrue(room.getMessage().contains("leaves too few descriptor numbers"), room.getMessage());
                assertTrue(pipe.sink().isOpen(), "a refused start closes nothing");
            }
            assertThrows(IllegalArgumentException.class, () -> b.redirectInput(Redirect.DISCARD));
            assertThrows(IllegalStateException.class, () -> b.jvmOptions("-Xmx1g"));
            assertThrows(IllegalArgumentException.class, () -> Subprocess.builder(java.util.List.of()));
            assertThrows(NullPointerException.class, () -> Subprocess.builder("true", (String) null));
            assertThrows(IllegalArgumentException.class, () -> Subprocess.builder("tr\0ue").start());
            b.environment().put("BAD=NAME", "x");
            assertThrows(IllegalArgumentException.class, b::start);
            Subprocess.Builder nullValue = Subprocess.builder("true");
            nullValue.environment().put("JIPC_TEST_NULL", null);
            NullPointerException npe = assertThrows(NullPointerException.class, nullValue::start);
            assertTrue(npe.getMessage().contains("JIPC_TEST_NULL is null"), npe.getMessage());
        }
    }

    @Test
    void aScriptWithoutAFirstLineSaysWhatToDo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path script = java.nio.file.Files.writeString(dir.resolve("no-shebang.sh"), "echo hi\n");
        java.nio.file.Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        IpcException e = assertThrows(IpcException.class, () -> Subprocess.builder(script.toString()).start());
        assertTrue(e.getMessage().contains("#!/bin/sh"), e.getMessage());
    }

    @Test
    void anEndThatStartClosedSaysSo() throws Exception {
        try (Pipe pipe = Pipe.open();
             Subprocess child = Subprocess.builder("true").redirectInput(pipe.source()).start()) {
            child.waitFor(java.time.Duration.ofSeconds(10)).orElseThrow();
            ClosedHandleException closed = assertThrows(ClosedHandleException.class,
                    () -> pipe.source().read(java.nio.ByteBuffer.allocate(1)));
            assertTrue(closed.getMessage().contains("start() closed it here after handing it to child " + child.pid()),
                    closed.getMessage());
        }
    }

    @Test
    void outputIsCapturedInThreeLines() throws Exception {
        try (Subprocess child = Subprocess.builder("sh", "-c", "echo captured; echo apart >&2")
                .redirectOutput(Redirect.PIPE).redirectError(Redirect.PIPE).start()) {
            assertEquals("captured\n", new String(child.stdoutStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("apart\n", new String(child.stderrStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(child.waitFor().isSuccess());
        }
    }

    @Test
    void standardInputThroughAPipeWithStreamsAndChannels() throws Exception {
        try (Subprocess child = Subprocess.builder("tr", "a-z", "A-Z")
                .redirectInput(Redirect.PIPE).redirectOutput(Redirect.PIPE).start()) {
            try (var in = child.stdinStream()) {
                in.write("shout\n".getBytes(StandardCharsets.UTF_8));
            }
            assertFalse(child.stdin().isOpen(), "closing the stream closes the end: the child sees end of stream");
            assertEquals("SHOUT\n", readAll(child.stdout()));
            assertEquals(0, child.waitFor(WAIT).orElseThrow().exitCode());
        }
    }

    @Test
    void redirectErrorStreamMergesIntoTheOutputPipe() throws Exception {
        try (Subprocess child = Subprocess.builder("sh", "-c", "echo one; echo two >&2; echo three")
                .redirectOutput(Redirect.PIPE).redirectError(Redirect.PIPE).redirectErrorStream(true).start()) {
            assertEquals("one\ntwo\nthree\n", readAll(child.stdout()));
            IllegalStateException e = assertThrows(IllegalStateException.class, child::stderr);
            assertTrue(e.getMessage().contains("redirectError"), e.getMessage());
            assertTrue(child.waitFor().isSuccess());
        }
    }

    @Test
    void inheritIOResetsEveryStream() throws Exception {
        try (Subprocess child = Subprocess.builder("true").redirectOutput(Redirect.PIPE).inheritIO().start()) {
            assertThrows(IllegalStateException.class, child::stdout);
            assertThrows(IllegalStateException.class, child::stdin);
            assertTrue(child.waitFor().isSuccess());
        }
    }

    @Test
    void pipedStreamsWithAChildJvm() throws Exception {
        try (Subprocess child = Subprocess.java(Echo.class.getName()).redirectInput(Redirect.PIPE)
                .redirectOutput(Redirect.PIPE).start()) {
            try (var in = child.stdinStream()) {
                in.write("through a child JVM".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("through a child JVM", new String(child.stdoutStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, child.waitFor(WAIT).orElseThrow().exitCode());
        }
    }

    /** Runs in the child JVM: copies standard input to standard output. */
    public static final class Echo {
        public static void main(String[] args) throws Exception {
            System.in.transferTo(System.out);
            System.out.flush();
        }
    }

    @Test
    void handedEndsAreClosedInTheParentUnlessKept() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe other = Pipe.open()) {
            try (Subprocess child = Subprocess.builder("true").inherit(pipe.sink(), 3).redirectInput(other.source())
                    .start()) {
                assertFalse(pipe.sink().isOpen());
                assertFalse(other.source().isOpen());
                assertTrue(child.waitFor().isSuccess());
            }
            try (Subprocess child = Subprocess.builder("true").inherit(pipe.source(), 3).keepOpen(pipe.source()).start()) {
                assertTrue(pipe.source().isOpen());
                assertTrue(child.waitFor().isSuccess());
            }
        }
        try (MemoryFile m = MemoryFile.create("kept", 4096);
                Subprocess child = Subprocess.builder("true").inherit(m, 3).start()) {
            assertTrue(m.isOpen(), "shared memory stays open");
            assertTrue(child.waitFor().isSuccess());
        }
    }

    @Test
    void onExitAndToHandle() throws Exception {
        try (Pipe gate = Pipe.open();
                Subprocess child = Subprocess.builder("sh", "-c", "read x; exit 5").redirectInput(gate.source()).start()) {
            var exit = child.onExit();
            ProcessHandle handle = child.toHandle();
            assertEquals(child.pid(), handle.pid());
            assertTrue(handle.isAlive());
            assertFalse(exit.isDone());
            exit.cancel(false);
            var again = child.onExit();
            assertFalse(again.isDone(), "cancelling one future leaves the others alone");
            gate.sink().close();
            assertEquals(5, again.get(30, java.util.concurrent.TimeUnit.SECONDS).exitCode());
            assertEquals(5, child.waitFor().exitCode());
            assertFalse(handle.isAlive());
        }
    }

    @Test
    void zeroWaitSeesAChildThatEndedBeforeItWasReaped() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Subprocess child = Subprocess.builder("sleep", "60").start()) {
                child.kill();
                java.nio.file.Path stat = java.nio.file.Path.of("/proc/" + child.pid() + "/stat");
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                // Until the kernel shows it ended (a zombie with no thread left, or reaped and gone), it may still run.
                while (java.nio.file.Files.exists(stat) && !ended(stat)) {
                    assertTrue(System.nanoTime() < deadline, "child " + child.pid() + " still runs 30 s after SIGKILL");
                    Thread.onSpinWait();
                }
                assertTrue(child.waitFor(Duration.ZERO).isPresent(), "a child that ended has an exit status at once");
            }
        }
    }

    /**
     * Whether /proc/<pid>/stat shows a child that ended: its state is that of
     * the leader thread only, which is a zombie as soon as it exits even while
     * other threads of the process still run (num_threads, field 20, counts
     * them); until the last one is gone the process has not ended, and
     * waitid(2) rightly reports nothing. A child killed before its exec can be
     * such a process: under qemu-user, the forked emulator with its own
     * helper thread.
     */
    private static boolean ended(java.nio.file.Path stat) {
        try {
            String s = java.nio.file.Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return f[0].equals("Z") && Integer.parseInt(f[17]) == 1;
        } catch (java.io.IOException gone) {
            return true;
        }
    }

    @Test
    void anyNonNegativeDurationIsAccepted() throws Exception {
        try (Subprocess child = Subprocess.builder("true").start()) {
            assertTrue(child.waitFor(java.time.temporal.ChronoUnit.FOREVER.getDuration()).orElseThrow().isSuccess());
            assertTrue(child.waitFor(Duration.ofDays(146000)).orElseThrow().isSuccess());
            assertTrue(child.waitFor(Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L)).isPresent());
            assertTrue(child.waitFor(Duration.ZERO).isPresent());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> child.waitFor(null));
            assertTrue(npe.getMessage().contains("timeout of Subprocess.waitFor"), npe.getMessage());
            IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                    () -> child.waitFor(Duration.ofMillis(-1)));
            assertTrue(iae.getMessage().contains("timeout of Subprocess.waitFor") && iae.getMessage().contains("negative"),
                    iae.getMessage());
        }
        try (Subprocess child = Subprocess.builder("sleep", "60").start()) {
            assertEquals(Optional.empty(), child.waitFor(Duration.ofMillis(20)));
        }
    }

    @Test
    void droppedSubprocessesLeaveNoZombies() throws Exception {
        for (int i = 0; i < 200; i++) {
            Subprocess.builder("true").start(); // dropped: neither closed nor waited for
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> zombies;
        do {
            System.gc();
            Thread.sleep(50);
            zombies = zombieChildren();
        } while (!zombies.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), zombies, "children of this JVM left as zombies");
    }

    /** The pids of this process's children that are zombies (state Z in /proc/<pid>/stat). */
    static List<String> zombieChildren() throws IOException {
        long self = ProcessHandle.current().pid();
        List<String> zombies = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == self) {
                        zombies.add(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return zombies;
    }

    @Test
    void closeCanBeInterruptedAndTheChildIsStillReaped() throws Exception {
        Subprocess child = Subprocess.builder("sleep", "60").start();
        var exit = child.onExit();
        Thread.currentThread().interrupt();
        try {
            try {
                child.close();
            } catch (java.io.InterruptedIOException e) {
                // the wait was cut short; if SIGKILL won the race, close returned normally
                assertTrue(e.getMessage().contains("reaped when it ends"), e.getMessage());
            }
            assertTrue(Thread.interrupted(), "the interrupt flag stays set");
        } finally {
            Thread.interrupted();
        }
        assertTrue(exit.get(30, java.util.concurrent.TimeUnit.SECONDS).signaled(), "killed and reaped in the background");
        child.close(); // idempotent
    }

    @Test
    void noUnhandedDescriptorReachesTheChildEvenWithoutCloseOnExec() throws Exception {
        try (Pipe stray = Pipe.open(); Pipe pipe = Pipe.open()) {
            int strayFd = stray.source().handle.fd();
            assertEquals(0, io.github.jipc.internal.jni.CommonNative.jipc_set_cloexec(strayFd, 0));
            int target = 200;
            assertTrue(strayFd < target);
            try (Subprocess child = Subprocess.builder("sleep", "60").inherit(pipe.sink(), target).start()) {
                // Until sleep runs with its descriptors settled: before the exec the spawn's own work,
                // and right after it the dynamic loader (opening libraries), hold descriptors of their own
                // for a moment. A leaked descriptor stays, and fails the check after the deadline.
                Set<String> expected = new TreeSet<>(Set.of("0", "1", "2", "200"));
                Set<String> fds = new TreeSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                do {
                    Thread.sleep(10);
                    fds.clear();
                    try (Stream<Path> s = Files.list(Path.of("/proc/" + child.pid() + "/fd"))) {
                        s.forEach(p -> fds.add(p.getFileName().toString()));
                    }
                } while (!(fds.equals(expected) && Files.readString(Path.of("/proc/" + child.pid() + "/comm")).startsWith("sleep"))
                        && System.nanoTime() < deadline);
                assertEquals(expected, fds, "fd " + strayFd + " has no close-on-exec");
            }
        }
    }

    @Test
    void aChildJvmThroughAWrapperAndWithItsOwnClassPath() throws Exception {
        try (Subprocess child = Subprocess.java(Echo.class.getName()).launchThrough("env", "JIPC_WRAPPED=1")
                .redirectInput(Redirect.PIPE).redirectOutput(Redirect.PIPE).start()) {
            assertEquals(List.of("env", "JIPC_WRAPPED=1"), child.command().subList(0, 2));
            assertTrue(child.command().contains(Echo.class.getName()));
            child.stdin().close();
            assertEquals(0, child.waitFor(WAIT).orElseThrow().exitCode());
        }
        try (Subprocess child = Subprocess.java(Echo.class.getName()).classPath(dir.toString())
                .redirectError(Redirect.DISCARD).start()) {
            assertEquals(1, child.waitFor(WAIT).orElseThrow().exitCode(), "the main class is not on that class path");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Subprocess.builder("true").launchThrough("env"));
        assertTrue(e.getMessage().contains("Subprocess.java"), e.getMessage());
    }
}
