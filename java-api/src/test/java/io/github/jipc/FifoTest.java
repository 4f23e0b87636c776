package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.testsupport.LeakAccounting;

@Timeout(60)
class FifoTest {
    private static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");

    @TempDir
    Path dir;

    @Test
    void symbolicLinksAreNeitherCreatedThroughNorRemoved() throws Exception {
        Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> Fifo.createIfAbsent(dangling, rw));
        assertTrue(e.getMessage().contains("symbolic link to nothing"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("nowhere")), "nothing was made through the link");
        Fifo real = Fifo.create(dir.resolve("real"), rw);
        Path link = Files.createSymbolicLink(dir.resolve("link"), real.path());
        Fifo viaLink = Fifo.createIfAbsent(link, rw); // a link to a FIFO is taken, as a path that leads to one
        FileSystemException r = assertThrows(FileSystemException.class, viaLink::remove);
        assertTrue(r.getMessage().contains("is a symbolic link"), r.getMessage());
        assertTrue(Files.isSymbolicLink(link) && Fifo.exists(real.path()), "both left alone");
        real.remove();
    }

    @Test
    void createMakesAFifoWithExactlyTheGivenPermissions() throws Exception {
        Path p = dir.resolve("a");
        Fifo fifo = Fifo.create(p, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals(p, fifo.path());
        assertTrue(Fifo.exists(p));
        assertTrue(Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "a FIFO");
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), "umask not applied");
        assertEquals(fifo, Fifo.of(p));
        fifo.remove();
        assertFalse(Fifo.exists(p));
        assertFalse(Files.exists(p));
    }

    @Test
    void createRefusesToClobberAnything() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "precious");
        assertThrows(FileAlreadyExistsException.class, () -> Fifo.create(file, RW_OWNER));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> Fifo.createIfAbsent(file, RW_OWNER));
        assertTrue(e.getMessage().contains("not a FIFO"), e.getMessage());
        assertEquals("precious", Files.readString(file), "no data lost");
        assertThrows(FileSystemException.class, () -> Fifo.of(file));
        assertFalse(Fifo.exists(file));

        Path p = dir.resolve("f");
        Fifo.create(p, RW_OWNER);
        assertThrows(FileAlreadyExistsException.class, () -> Fifo.create(p, RW_OWNER));
        assertEquals(p, Fifo.createIfAbsent(p, RW_OWNER).path(), "an existing FIFO is fine");
        Fifo.of(p).remove();
    }

    @Test
    void missingThingsAreNoSuchFile() throws Exception {
        Path p = dir.resolve("none");
        assertThrows(NoSuchFileException.class, () -> Fifo.of(p));
        assertThrows(NoSuchFileException.class, () -> Fifo.create(dir.resolve("no/such/folder"), RW_OWNER));
        Fifo f = Fifo.create(p, RW_OWNER);
        f.remove();
        assertThrows(NoSuchFileException.class, f::remove);
        assertFalse(f.removeIfExists());
        assertThrows(NoSuchFileException.class, f::openSource);
    }

    @Test
    void removeLeavesOtherFilesAlone() throws Exception {
        Path p = dir.resolve("f");
        Fifo f = Fifo.create(p, RW_OWNER);
        f.remove();
        Files.writeString(p, "not a fifo");
        assertThrows(FileSystemException.class, f::remove);
        assertTrue(Files.exists(p));
    }

    @Test
    void aReaderAndAWriterExchangeBytes() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("x"), RW_OWNER);
        try (PipeSource source = fifo.openSource()) {
            PipeSink sink = fifo.openSink();
            sink.write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
            sink.close();
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(3, source.read(in));
            assertEquals(-1, source.read(in));
        } finally {
            fifo.remove();
        }
    }

    @Test
    void aNonBlockingReaderWithoutWriterSeesNoDataRatherThanEndOfStream() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("y"), RW_OWNER);
        try (PipeSource source = fifo.openSource(PipeOption.NON_BLOCKING)) {
            assertEquals(0, source.read(ByteBuffer.allocate(4)), "no writer yet");
            try (PipeSink sink = fifo.openSink(PipeOption.NON_BLOCKING)) {
                assertTrue(sink.isOpen());
                assertEquals(0, source.read(ByteBuffer.allocate(4)), "writer, no data");
            }
            assertEquals(-1, source.read(ByteBuffer.allocate(4)), "the writer came and went");
        } finally {
            fifo.remove();
        }
    }

    @Test
    void aBlockingReadWaitsForAWriterThatComesLater() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("z"), RW_OWNER);
        try (PipeSource source = fifo.openSource()) {
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.read(ByteBuffer.allocate(4));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(50);
            assertFalse(read.isDone(), "waits rather than reporting end of stream");
            try (PipeSink sink = fifo.openSink(Duration.ofSeconds(5))) {
                sink.write(ByteBuffer.wrap(new byte[] { 42 }));
                assertEquals(1, read.get(10, TimeUnit.SECONDS));
            }
        } finally {
            fifo.remove();
        }
    }

    @Test
    void openingTheWriteEndWithoutReaderFailsFastOrTimesOut() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("w"), RW_OWNER);
        try {
            IpcException e = assertThrows(IpcException.class, () -> fifo.openSink(PipeOption.NON_BLOCKING));
            assertEquals("ENXIO", e.errnoName());
            assertTrue(e.getMessage().contains("no process has the FIFO open for reading"), e.getMessage());
            assertNull(fifo.tryOpenSink());
            long t0 = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> fifo.openSink(Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - t0 >= 90_000_000L);
            assertThrows(IllegalArgumentException.class, () -> fifo.openSink(Duration.ofMillis(-1)));
        } finally {
            fifo.remove();
        }
    }

    @Test
    void waitingForAReaderIsInterruptible() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("v"), RW_OWNER);
        try {
            Interrupts.Outcome outcome = Interrupts.during(() -> fifo.openSink(), 50);
            Throwable thrown = outcome.thrown();
            assertTrue(thrown instanceof InterruptedIOException, "got " + thrown);
            assertTrue(outcome.stillInterrupted(), "the interrupt flag is kept");
        } finally {
            fifo.remove();
        }
    }

    @Test
    void badPathsAreCallerErrors() {
        assertThrows(NullPointerException.class, () -> Fifo.create(null, RW_OWNER));
        assertThrows(NullPointerException.class, () -> Fifo.create(dir.resolve("n"), null));
        assertThrows(IllegalArgumentException.class, () -> Fifo.create(Path.of(dir + "/bad\0name"), RW_OWNER));
    }

    @Test
    void hugeTimeoutsMeanNoLimitAndMessagesNameTheWait() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("forever"), RW_OWNER);
        try (PipeSource source = fifo.openSource();
                PipeSink sink = fifo.openSink(java.time.temporal.ChronoUnit.FOREVER.getDuration());
                PipeSource again = fifo.openSource(Duration.ofDays(146000))) {
            assertTrue(sink.isOpen() && again.isOpen() && source.isOpen());
        } finally {
            fifo.remove();
        }
        Fifo lonely = Fifo.create(dir.resolve("lonely"), RW_OWNER);
        try {
            InterruptedByTimeoutException e = assertThrows(InterruptedByTimeoutException.class,
                    () -> lonely.openSink(Duration.ofMillis(20)));
            assertTrue(e.getMessage().contains("no reader opened FIFO " + lonely.path()) && e.getMessage().contains("PT0.02S"),
                    e.getMessage());
            e = assertThrows(InterruptedByTimeoutException.class, () -> lonely.openSource(Duration.ofMillis(20)));
            assertTrue(e.getMessage().contains("no writer opened FIFO " + lonely.path()), e.getMessage());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> lonely.openSink((Duration) null));
            assertTrue(npe.getMessage().contains("timeout of Fifo.openSink"), npe.getMessage());
            npe = assertThrows(NullPointerException.class, () -> lonely.openSource((Duration) null));
            assertTrue(npe.getMessage().contains("timeout of Fifo.openSource"), npe.getMessage());
            IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                    () -> lonely.openSource(Duration.ofSeconds(-1)));
            assertTrue(iae.getMessage().contains("negative"), iae.getMessage());
        } finally {
            lonely.remove();
        }
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsOpened() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("opts"), RW_OWNER);
        try {
            Set<String> before = LeakAccounting.openDescriptors();
            NullPointerException e = assertThrows(NullPointerException.class,
                    () -> fifo.openSource(PipeOption.NON_BLOCKING, null));
            assertTrue(e.getMessage().contains("options[1] of Fifo.openSource"), e.getMessage());
            assertThrows(NullPointerException.class, () -> fifo.openSource((PipeOption[]) null));
            try (PipeSource twice = fifo.openSource(PipeOption.NON_BLOCKING, PipeOption.NON_BLOCKING)) {
                assertFalse(twice.isBlocking(), "a repeated option is no error");
            }
            e = assertThrows(NullPointerException.class, () -> fifo.openSink((PipeOption) null));
            assertTrue(e.getMessage().contains("options[0] of Fifo.openSink"), e.getMessage());
            e = assertThrows(NullPointerException.class, () -> Pipe.open((PipeOption) null));
            assertTrue(e.getMessage().contains("options[0] of Pipe.open"), e.getMessage());
            assertEquals(before, LeakAccounting.openDescriptors(), "no descriptor left open by a refused call");
        } finally {
            fifo.remove();
        }
    }

    @Test
    void openSourceWithATimeoutReturnsOnceAWriterIsThere() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("wait-writer"), RW_OWNER);
        try {
            CompletableFuture<PipeSource> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return fifo.openSource(Duration.ofSeconds(30));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(100);
            assertFalse(waiting.isDone(), "no writer yet");
            PipeSink sink = fifo.openSink(Duration.ofSeconds(10));
            try (PipeSource source = waiting.get(10, TimeUnit.SECONDS)) {
                sink.close();
                assertEquals(-1, source.read(ByteBuffer.allocate(1)), "the writer came and went");
            }
        } finally {
            fifo.remove();
        }
    }

    /**
     * The kernel's rule, documented on openSource(): a child's plain read(2) of
     * a FIFO read end handed over before any writer came is end of stream at
     * once; an end from openSource(Duration) has its writer, so the child waits for data.
     */
    @Test
    void aReadEndHandedToAChildBeforeAnyWriterIsEndOfStreamThere() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("to-child"), RW_OWNER);
        try {
            try (Subprocess child = Subprocess.builder("cat").redirectInput(fifo.openSource())
                    .redirectOutput(java.lang.ProcessBuilder.Redirect.PIPE).start()) {
                assertEquals(0, child.waitFor(Duration.ofSeconds(30)).orElseThrow().exitCode(), "cat saw end of stream at once");
                assertEquals(-1, child.stdout().read(ByteBuffer.allocate(1)));
            }
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (PipeSink sink = fifo.openSink(Duration.ofSeconds(30))) {
                    Thread.sleep(200); // the child reads before the data comes
                    sink.write(ByteBuffer.wrap("late data".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            PipeSource withWriter = null;
            try {
                // Open our read end first so the writer's open succeeds, then wait for it.
                withWriter = fifo.openSource(Duration.ofSeconds(30));
            } finally {
                if (withWriter == null) {
                    writer.cancel(true);
                }
            }
            try (Subprocess child = Subprocess.builder("cat").redirectInput(withWriter)
                    .redirectOutput(java.lang.ProcessBuilder.Redirect.PIPE).start()) {
                assertEquals("late data", new String(child.stdoutStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(0, child.waitFor(Duration.ofSeconds(30)).orElseThrow().exitCode());
            }
            writer.get(30, TimeUnit.SECONDS);
        } finally {
            fifo.remove();
        }
    }

    /** A non-blocking read reports end of stream once the writer came and went (a new user saw 0 for ever). */
    @Test
    void aNonBlockingReadSeesTheEndOfStreamOfAWriterThatLeft() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("nb-eof"), RW_OWNER);
        try (PipeSource source = fifo.openSource()) {
            try (PipeSink sink = fifo.openSink(java.time.Duration.ofSeconds(5))) {
                source.configureBlocking(false);
                sink.write(java.nio.ByteBuffer.wrap(new byte[] { 'a', 'b', 'c' }));
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
            assertEquals(3, source.read(b));
            assertEquals(-1, source.read(b), "the writer left: end of stream, not 'nothing yet'");
            assertEquals(-1, source.read(new java.nio.ByteBuffer[] { java.nio.ByteBuffer.allocateDirect(4) }, 0, 1));
        } finally {
            fifo.remove();
        }
    }
}
