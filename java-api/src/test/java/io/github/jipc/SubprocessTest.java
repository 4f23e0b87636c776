package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaks.class)
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
            assertThrows(IllegalArgumentException.class, () -> b.redirectOutput(Redirect.PIPE));
            assertThrows(IllegalArgumentException.class, () -> b.redirectInput(Redirect.DISCARD));
            assertThrows(IllegalStateException.class, () -> b.jvmOptions("-Xmx1g"));
            assertThrows(IllegalArgumentException.class, () -> Subprocess.builder(java.util.List.of()));
            assertThrows(NullPointerException.class, () -> Subprocess.builder("true", (String) null));
            assertThrows(IllegalArgumentException.class, () -> Subprocess.builder("tr\0ue").start());
            b.environment().put("BAD=NAME", "x");
            assertThrows(IllegalArgumentException.class, b::start);
        }
    }
}
