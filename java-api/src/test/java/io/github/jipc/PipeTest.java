package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.jipc.testsupport.LeakAccounting;

@Timeout(30)
class PipeTest {

    @Test
    void bytesWrittenToTheSinkAreReadFromTheSource() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            byte[] msg = "through the pipe".getBytes(StandardCharsets.UTF_8);
            assertEquals(msg.length, pipe.sink().write(ByteBuffer.wrap(msg)));
            ByteBuffer in = ByteBuffer.allocate(64);
            assertEquals(msg.length, pipe.source().read(in));
            assertArrayEquals(msg, java.util.Arrays.copyOf(in.array(), in.position()));
        }
    }

    @Test
    void bothEndsStartBlockingUnlessAskedOtherwise() throws Exception {
        try (Pipe blocking = Pipe.open(); Pipe nonBlocking = Pipe.open(PipeOption.NON_BLOCKING)) {
            assertTrue(blocking.source().isBlocking());
            assertTrue(blocking.sink().isBlocking());
            assertFalse(nonBlocking.source().isBlocking());
            assertFalse(nonBlocking.sink().isBlocking());
            assertEquals(0, nonBlocking.source().read(ByteBuffer.allocate(8)), "no data yet");
        }
    }

    @Test
    void closeClosesBothEndsAndIsIdempotent() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.close();
        pipe.close();
        assertFalse(pipe.source().isOpen());
        assertFalse(pipe.sink().isOpen());
        assertThrows(ClosedChannelException.class, () -> pipe.source().read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> pipe.sink().write(ByteBuffer.allocate(1)));
    }

    @Test
    void endsCanBeClosedSeparately() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
            pipe.sink().close();
            assertTrue(pipe.source().isOpen());
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(3, pipe.source().read(in));
            assertEquals(-1, pipe.source().read(in));
        }
    }

    @Test
    void thousandsOfPipesOpenAndCloseWithoutLeaking() throws Exception {
        int before = LeakAccounting.openDescriptors().size();
        for (int i = 0; i < 2000; i++) {
            Pipe.open().close();
        }
        assertEquals(before, LeakAccounting.openDescriptors().size());
    }

    @Test
    void aPipeCostsTwoDescriptors() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            String inode = java.nio.file.Files.readSymbolicLink(
                    java.nio.file.Path.of("/proc/self/fd/" + Handles.of(pipe.source()).fd())).toString();
            assertEquals(2, descriptorsNaming(inode));
            // Non-blocking calls use the ends' own descriptions, which only this process holds: no twin is opened.
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
            assertEquals(0, pipe.source().read(java.nio.ByteBuffer.allocateDirect(8)));
            assertEquals(3, pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] { 1, 2, 3 })));
            assertEquals(2, descriptorsNaming(inode));
            pipe.close();
            assertEquals(0, descriptorsNaming(inode));
        } finally {
            pipe.close();
        }
    }

    /** How many of this process's descriptors name target (such as "pipe:[4711]"). */
    private static long descriptorsNaming(String target) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().equals(target);
                } catch (java.io.IOException e) {
                    return false; // closed meanwhile, or the listing's own descriptor
                }
            }).count();
        }
    }

    @Test
    void describesItself() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertTrue(pipe.toString().contains("pipe read end"), pipe.toString());
            assertTrue(pipe.sink().toString().startsWith("PipeSink[pipe write end (fd "), pipe.sink().toString());
        }
    }
}
