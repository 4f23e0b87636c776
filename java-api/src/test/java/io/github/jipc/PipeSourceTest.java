package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PipeSourceTest {

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Test
    void readFillsFromThePositionAndAdvancesIt() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            for (ByteBuffer in : new ByteBuffer[] { ByteBuffer.allocateDirect(10), ByteBuffer.allocate(10) }) {
                pipe.sink().write(bytes(7, 8, 9));
                in.position(4).limit(6);
                assertEquals(2, pipe.source().read(in), "a read takes at most remaining()");
                assertEquals(6, in.position());
                assertEquals(7, in.get(4));
                assertEquals(8, in.get(5));
                in.clear();
                assertEquals(0, in.get(6), "nothing beyond the limit");
                assertEquals(1, pipe.source().read(in));
                assertEquals(9, in.get(0));
                assertEquals(1, in.position());
            }
            assertEquals(0, pipe.source().available());
            pipe.sink().write(bytes(1, 2, 3));
            assertEquals(3, pipe.source().available());
        }
    }

    @Test
    void aFullBufferReadsNothingEvenInBlockingMode() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertEquals(0, pipe.source().read(ByteBuffer.allocate(0)));
        }
    }

    @Test
    void endOfStreamOnceEveryWriterClosed() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(bytes(1));
            pipe.sink().close();
            ByteBuffer in = ByteBuffer.allocate(4);
            assertEquals(1, pipe.source().read(in));
            assertEquals(-1, pipe.source().read(in));
            pipe.source().configureBlocking(false);
            assertEquals(-1, pipe.source().read(in));
        }
    }

    @Test
    void nonBlockingReadReturnsZeroWhenEmpty() throws Exception {
        try (Pipe pipe = Pipe.open(PipeOption.NON_BLOCKING)) {
            assertEquals(0, pipe.source().read(ByteBuffer.allocateDirect(16)));
            assertEquals(0, pipe.source().read(ByteBuffer.allocate(16)));
            assertEquals(0, pipe.source().available());
        }
    }

    @Test
    void scatteringReadFillsBuffersInOrder() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(bytes(1, 2, 3, 4, 5));
            ByteBuffer a = ByteBuffer.allocateDirect(2);
            ByteBuffer b = ByteBuffer.allocateDirect(10);
            assertEquals(5, pipe.source().read(new ByteBuffer[] { a, b }));
            assertEquals(2, a.position());
            assertEquals(3, b.position());
            assertEquals(2, a.get(1));
            assertEquals(5, b.get(2));

            pipe.sink().write(bytes(6, 7));
            ByteBuffer heap = ByteBuffer.allocate(4);
            assertEquals(2, pipe.source().read(new ByteBuffer[] { ByteBuffer.allocate(0), heap }, 0, 2));
            assertEquals(7, heap.get(1));
            pipe.sink().close();
            assertEquals(-1, pipe.source().read(new ByteBuffer[] { ByteBuffer.allocateDirect(1) }));
        }
    }

    @Test
    void misuseIsRejectedClearly() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertThrows(NullPointerException.class, () -> pipe.source().read((ByteBuffer) null));
            assertThrows(IllegalArgumentException.class, () -> pipe.source().read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IndexOutOfBoundsException.class, () -> pipe.source().read(new ByteBuffer[1], 0, 2));
            assertThrows(NullPointerException.class, () -> pipe.source().read(new ByteBuffer[1]));
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedRead() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (Pipe pipe = Pipe.open()) {
                CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return pipe.source().read(ByteBuffer.allocateDirect(8));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                if (i % 2 == 0) {
                    Thread.sleep(5); // sometimes inside the read, sometimes before it
                }
                pipe.source().close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
                Throwable cause = e.getCause().getCause();
                assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                        "got " + cause);
            }
        }
    }

    @Test
    void interruptWakesABlockedReadAndClosesTheEnd() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Throwable thrown = Interrupts.during(() -> pipe.source().read(ByteBuffer.allocateDirect(8)), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(pipe.source().isOpen());
        }
    }

    @Test
    void inheritedChecksWhatTheDescriptorIs() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            try (UnownedDescriptor writeEnd = new UnownedDescriptor(pipe.sink())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> PipeSource.inherited(writeEnd.fd));
                assertTrue(e.getMessage().contains("not the read end"), e.getMessage());
                assertTrue(e.getMessage().contains("it is pipe:[") && e.getMessage().contains("handed nothing down"),
                        "what the number is, and the likely cause: " + e.getMessage());
            }
            int owned = Handles.of(pipe.source()).fd();
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> PipeSource.inherited(owned), "a number a handle owns is not taken over again");
            assertTrue(twice.getMessage().contains("belongs to an open jipc handle"), twice.getMessage());
            assertTrue(pipe.source().isOpen(), "a refused descriptor is not taken over");
            assertThrows(IllegalArgumentException.class, () -> PipeSource.inherited(-1));
            IpcException bad = assertThrows(IpcException.class, () -> PipeSource.inherited(1_000_000));
            assertEquals("EBADF", bad.errnoName());
        }
    }

    /** Java 22+: a shared arena's buffer, through reflection so that this compiles for Java 17. */
    private static Object sharedArena() throws ReflectiveOperationException {
        return Class.forName("java.lang.foreign.Arena").getMethod("ofShared").invoke(null);
    }

    private static ByteBuffer allocate(Object arena, long size) throws ReflectiveOperationException {
        Object segment = Class.forName("java.lang.foreign.Arena").getMethod("allocate", long.class).invoke(arena, size);
        return (ByteBuffer) Class.forName("java.lang.foreign.MemorySegment").getMethod("asByteBuffer").invoke(segment);
    }

    private static void close(Object arena) throws ReflectiveOperationException {
        Class.forName("java.lang.foreign.Arena").getMethod("close").invoke(arena);
    }

    @Test
    void aBlockedReadNeverWritesIntoTheMemoryOfAClosedArena() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22, "arenas come with Java 22");
        Object arena = sharedArena();
        ByteBuffer buf = allocate(arena, 64);
        try (Pipe pipe = Pipe.open()) {
            Throwable[] thrown = new Throwable[1];
            int[] got = { -2 };
            Thread reader = new Thread(() -> {
                try {
                    got[0] = pipe.source().read(buf);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            reader.start();
            Thread.sleep(100);
            close(arena); // jipc holds nothing of the arena: closing it succeeds while the read blocks
            pipe.sink().write(ByteBuffer.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            reader.join(10_000);
            assertFalse(reader.isAlive());
            assertInstanceOf(IllegalStateException.class, thrown[0],
                    "the bytes went to jipc's own buffer, and the copy into the closed arena failed; read returned " + got[0]);
        }
    }

    @Test
    void buffersOfAnOpenArenaWorkAsAnyOther() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22, "arenas come with Java 22");
        Object arena = sharedArena();
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer out = allocate(arena, 5).put("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).flip();
            assertEquals(5, pipe.sink().write(out));
            ByteBuffer in = allocate(arena, 16);
            assertEquals(5, pipe.source().read(in));
            assertEquals('h', in.get(0));
            assertEquals('o', in.get(4));
            close(arena);
            ByteBuffer stale = out.clear();
            assertThrows(IllegalStateException.class, () -> pipe.sink().write(stale));
            assertEquals(0, pipe.source().available(), "nothing was written from the closed arena");
        }
    }
}
