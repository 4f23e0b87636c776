package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The partial-write rule of {@link PipeSink}, path by cause: a blocking write
 * of 1 MiB into a 64 KiB pipe that nobody reads fills the pipe and blocks;
 * then something ends it. Whatever ends it, the write throws, and the
 * positions of the buffers show exactly the bytes that reached the pipe.
 */
@Timeout(120)
class PartialWriteTest {
    private static final int TOTAL = 1 << 20;
    private static final int PART = 64 * 1024;

    @TempDir
    Path dir;

    /** How the bytes are handed to the sink. */
    enum WritePath {
        DIRECT, HEAP, GATHER_DIRECT, GATHER_MIXED
    }

    /** What ends the blocked write. */
    enum Cause {
        /** The only read end is closed in this process: EPIPE. */
        READER_CLOSES,
        /** A child holds the only read end and is killed: EPIPE. */
        READER_EXITS,
        /** Another thread closes the sink: AsynchronousCloseException. */
        THIS_END_CLOSED,
        /** The writing thread is interrupted: ClosedByInterruptException. */
        INTERRUPT
    }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        for (WritePath path : WritePath.values()) {
            for (boolean fifo : new boolean[] { false, true }) {
                for (Cause cause : Cause.values()) {
                    rows.add(Arguments.of(path, fifo, cause));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @MethodSource("table")
    void anExceptionEndingAPartialWriteLeavesThePositionPastTheBytesMoved(WritePath path, boolean fifo, Cause cause)
            throws Exception {
        byte[] data = new byte[TOTAL];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + i / 251);
        }
        ByteBuffer[] bufs = buffers(path, data);
        PipeSource source;
        PipeSink sink;
        Fifo f = null;
        if (fifo) {
            f = Fifo.create(dir.resolve("fifo"), PosixFilePermissions.fromString("rw-------"));
            source = f.openSource();
            sink = f.openSink(Duration.ofSeconds(5));
        } else {
            Pipe p = Pipe.open();
            source = p.source();
            sink = p.sink();
        }
        Subprocess holder = null;
        try {
            int capacity = sink.capacity();
            if (cause == Cause.READER_EXITS) {
                holder = Subprocess.builder("sleep", "60").inherit(source, 3).start();
                assertFalse(source.isOpen(), "the parent's copy is closed once the child holds it");
            }
            Thread[] writer = new Thread[1];
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            writer[0] = new Thread(() -> {
                try {
                    long n = bufs.length == 1 ? sink.write(bufs[0]) : sink.write(bufs);
                    outcome.complete(new AssertionError("the write returned " + n + " instead of throwing"));
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            writer[0].start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (PipeEnd.available(sink) < capacity) {
                assertTrue(System.nanoTime() < deadline, "the pipe never filled");
                Thread.sleep(5);
            }
            Thread.sleep(50); // the writer is blocked in the kernel now
            switch (cause) {
                case READER_CLOSES -> source.close();
                case READER_EXITS -> {
                    holder.kill();
                    holder.waitFor(Duration.ofSeconds(10)).orElseThrow();
                }
                case THIS_END_CLOSED -> sink.close();
                case INTERRUPT -> writer[0].interrupt();
            }
            Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
            writer[0].join(10_000);
            long moved = 0;
            for (ByteBuffer b : bufs) {
                moved += b.position();
            }
            switch (cause) {
                case READER_CLOSES, READER_EXITS -> {
                    IpcException e = assertInstanceOf(IpcException.class, thrown);
                    assertTrue(e.getMessage().contains("EPIPE"), e.getMessage());
                    assertEquals(capacity, moved, "the bytes that filled the pipe before the reader went");
                }
                case THIS_END_CLOSED -> {
                    assertInstanceOf(AsynchronousCloseException.class, thrown);
                    assertEquals(capacity, moved);
                    assertArrayEquals(slice(data, 0, capacity), drain(source, capacity), "the pipe holds what the positions say");
                }
                case INTERRUPT -> {
                    assertInstanceOf(ClosedByInterruptException.class, thrown);
                    assertFalse(sink.isOpen(), "an interrupt closes the end, as in java.nio");
                    assertEquals(capacity, moved);
                    assertArrayEquals(slice(data, 0, capacity), drain(source, capacity));
                }
            }
            assertBuffersConsistent(bufs, moved);
        } finally {
            if (holder != null) {
                holder.close();
            }
            sink.close();
            source.close();
            if (f != null) {
                f.remove();
            }
        }
    }

    /** In a gathering write, the buffers before the one where the pipe's content stops are all written, the rest untouched. */
    private static void assertBuffersConsistent(ByteBuffer[] bufs, long moved) {
        long left = moved;
        for (ByteBuffer b : bufs) {
            int expect = (int) Math.min(left, b.limit());
            assertEquals(expect, b.position());
            left -= expect;
        }
    }

    private static ByteBuffer[] buffers(WritePath path, byte[] data) {
        switch (path) {
            case DIRECT:
                return new ByteBuffer[] { ByteBuffer.allocateDirect(TOTAL).put(data).flip() };
            case HEAP:
                return new ByteBuffer[] { ByteBuffer.wrap(data.clone()) };
            default:
                ByteBuffer[] bufs = new ByteBuffer[TOTAL / PART];
                for (int i = 0; i < bufs.length; i++) {
                    boolean direct = path == WritePath.GATHER_DIRECT || i % 2 == 0;
                    ByteBuffer b = direct ? ByteBuffer.allocateDirect(PART) : ByteBuffer.allocate(PART);
                    bufs[i] = b.put(data, i * PART, PART).flip();
                }
                return bufs;
        }
    }

    private static byte[] slice(byte[] data, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(data, from, out, 0, len);
        return out;
    }

    /** Exactly len bytes from source, and a check that nothing more is in the pipe. */
    private static byte[] drain(PipeSource source, int len) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(len);
        while (in.hasRemaining()) {
            if (source.read(in) < 0) {
                fail("end of stream after " + in.position() + " bytes");
            }
        }
        assertEquals(0, source.available(), "no byte beyond what the positions say");
        assertNotNull(in);
        return in.array();
    }
}
