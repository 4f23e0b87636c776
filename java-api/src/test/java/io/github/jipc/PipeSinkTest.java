package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PipeSinkTest {

    private static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >> 8));
        }
        return b;
    }

    private static long crc(byte[] b, int len) {
        CRC32 c = new CRC32();
        c.update(b, 0, len);
        return c.getValue();
    }

    /** Reads everything until end of stream on another thread. */
    private static CompletableFuture<byte[]> drain(PipeSource source, int expected) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer in = ByteBuffer.allocate(expected + 1);
                while (source.read(in) >= 0) {
                    if (!in.hasRemaining()) {
                        break;
                    }
                }
                return java.util.Arrays.copyOf(in.array(), in.position());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aPendingInterruptClosesTheEndThoughThePipeHasRoom() throws Exception {
        // A write the pipe has room for cannot block, yet a pending interrupt closes the end, as documented.
        for (boolean direct : new boolean[] { false, true }) {
            try (Pipe pipe = Pipe.open()) {
                ByteBuffer one = direct ? ByteBuffer.allocateDirect(1) : ByteBuffer.allocate(1);
                Thread.currentThread().interrupt();
                try {
                    assertThrows(java.nio.channels.ClosedByInterruptException.class, () -> pipe.sink().write(one));
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
                } finally {
                    Thread.interrupted();
                }
                assertFalse(pipe.sink().isOpen());
                assertEquals(1, one.remaining(), "nothing was written");
                assertEquals(-1, pipe.source().read(ByteBuffer.allocate(1)), "the only writer is closed");
            }
        }
    }

    @Test
    void aWriteLargerThanTheRoomLeftWaitsForTheRest() throws Exception {
        // Two pages fit at once, the rest waits until the reader makes room: one call writes it all.
        try (Pipe pipe = Pipe.open()) {
            int capacity = pipe.sink().capacity();
            byte[] data = pattern(capacity + 4096 + 5);
            assertEquals(capacity - 8192, pipe.sink().write(ByteBuffer.wrap(data, 0, capacity - 8192)));
            CompletableFuture<byte[]> got = drain(pipe.source(), data.length);
            ByteBuffer rest = ByteBuffer.wrap(data, capacity - 8192, data.length - (capacity - 8192));
            assertEquals(data.length - (capacity - 8192), pipe.sink().write(rest));
            pipe.sink().close();
            byte[] all = got.get(30, TimeUnit.SECONDS);
            assertEquals(crc(data, data.length), crc(all, all.length));
            assertEquals(data.length, all.length);
        }
    }

    @Test
    void blockingWriteWritesEverythingFromHeapAndDirectBuffers() throws Exception {
        int size = 3 * 1024 * 1024 + 17; // many times the pipe's capacity and the scratch buffer
        byte[] data = pattern(size);
        for (boolean direct : new boolean[] { false, true }) {
            try (Pipe pipe = Pipe.open()) {
                CompletableFuture<byte[]> got = drain(pipe.source(), size);
                ByteBuffer out = direct ? ByteBuffer.allocateDirect(size).put(data).flip() : ByteBuffer.wrap(data);
                assertEquals(size, pipe.sink().write(out));
                assertFalse(out.hasRemaining());
                pipe.sink().close();
                byte[] received = got.get(30, TimeUnit.SECONDS);
                assertEquals(size, received.length);
                assertEquals(crc(data, size), crc(received, received.length));
            }
        }
    }

    @Test
    void nonBlockingWriteStopsWhenThePipeIsFull() throws Exception {
        try (Pipe pipe = Pipe.open(PipeOption.NON_BLOCKING)) {
            int capacity = pipe.sink().capacity();
            ByteBuffer big = ByteBuffer.allocateDirect(capacity * 2);
            assertEquals(capacity, pipe.sink().write(big));
            assertEquals(capacity, big.position());
            assertEquals(0, pipe.sink().write(big), "full: nothing written");
            assertEquals(0, pipe.sink().write(ByteBuffer.allocate(10)), "heap buffers too");
            assertEquals(capacity, pipe.source().available());
        }
    }

    @Test
    void gatheringWriteSendsBuffersInOrder() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer a = ByteBuffer.allocateDirect(3).put(new byte[] { 1, 2, 3 }).flip();
            ByteBuffer b = ByteBuffer.allocateDirect(2).put(new byte[] { 4, 5 }).flip();
            assertEquals(5, pipe.sink().write(new ByteBuffer[] { a, ByteBuffer.allocateDirect(0), b }));
            assertFalse(a.hasRemaining() || b.hasRemaining());
            ByteBuffer heap = ByteBuffer.wrap(new byte[] { 6 });
            assertEquals(2, pipe.sink().write(new ByteBuffer[] { ByteBuffer.wrap(new byte[] { 9, 6 }), heap }, 0, 1));
            ByteBuffer in = ByteBuffer.allocate(16);
            assertEquals(7, pipe.source().read(in));
            assertEquals(5, in.get(4));
            assertEquals(6, in.get(6));
        }
    }

    @Test
    void writingWithNoReaderLeftIsABrokenPipeNotACrash() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.source().close();
            IpcException e = assertThrows(IpcException.class, () -> pipe.sink().write(ByteBuffer.allocate(1)));
            assertEquals("EPIPE", e.errnoName());
            assertEquals("write", e.call());
            assertTrue(e.getMessage().contains("no process has the read end open"), e.getMessage());
            assertTrue(pipe.sink().isOpen(), "the end stays usable to close");
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedWrite() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().configureBlocking(false);
            pipe.sink().write(ByteBuffer.allocateDirect(pipe.sink().capacity()));
            pipe.sink().configureBlocking(true);
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipe.sink().write(ByteBuffer.allocateDirect(100));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(50);
            assertFalse(writer.isDone(), "blocked while the pipe is full");
            pipe.sink().close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getCause() instanceof AsynchronousCloseException, "got " + e.getCause());
        }
    }

    @Test
    void capacityCanBeReadAndChanged() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertTrue(pipe.source().capacity() >= 4096);
            assertEquals(256 * 1024, pipe.sink().setCapacity(200 * 1024), "rounded up to a power of two pages");
            assertEquals(256 * 1024, pipe.source().capacity(), "one pipe, one capacity");
            assertThrows(IllegalArgumentException.class, () -> pipe.sink().setCapacity(0));
        }
    }

    @Test
    void shrinkingBelowTheDataHeldIsRefusedWithAHint() throws Exception {
        try (Pipe pipe = Pipe.open(PipeOption.NON_BLOCKING)) {
            pipe.sink().write(ByteBuffer.allocateDirect(pipe.sink().capacity()));
            IpcException e = assertThrows(IpcException.class, () -> pipe.sink().setCapacity(4096));
            assertEquals("EBUSY", e.errnoName());
            assertTrue(e.getMessage().contains("drain it first"), e.getMessage());
        }
    }

    @Test
    void misuseIsRejectedClearly() throws Exception {
        Pipe pipe = Pipe.open();
        assertThrows(NullPointerException.class, () -> pipe.sink().write((ByteBuffer) null));
        assertThrows(IndexOutOfBoundsException.class, () -> pipe.sink().write(new ByteBuffer[2], 1, 2));
        pipe.close();
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> pipe.sink().capacity());
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> pipe.sink().configureBlocking(false));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> pipe.source().available());
    }

    @Test
    void aCapacityAboveTheLimitNamesTheLimitsRealValue() throws Exception {
        String max;
        try (java.io.InputStream in = new java.io.FileInputStream("/proc/sys/fs/pipe-max-size")) {
            max = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        try (Pipe pipe = Pipe.open()) {
            int above = (int) Math.min(Integer.MAX_VALUE / 2, Long.parseLong(max) * 2);
            java.nio.file.AccessDeniedException denied = null;
            try {
                pipe.sink().setCapacity(above);
            } catch (java.nio.file.AccessDeniedException e) {
                denied = e;
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(denied != null,
                    "this process may raise a pipe past pipe-max-size (CAP_SYS_RESOURCE)");
            assertTrue(denied.getMessage().contains("/proc/sys/fs/pipe-max-size (" + max + ")"), denied.getMessage());
        }
    }
}
