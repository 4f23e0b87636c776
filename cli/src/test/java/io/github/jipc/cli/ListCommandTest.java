package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.jipc.MessageRing;
import io.github.jipc.RingConsumer;
import io.github.jipc.RingKind;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;

/** {@code jipc ls} lists objects this test makes, with owner and mode, and forgets them once removed. */
class ListCommandTest {

    private static String ls(String... args) {
        StringWriter out = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "ls";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = JipcCommand.commandLine().setOut(new PrintWriter(out, true)).execute(all);
        assertEquals(0, code, out::toString);
        return out.toString();
    }

    @Test
    @Timeout(30)
    void listsSystemVSegmentsAndPosixObjectsWithTheirCreator() throws Exception {
        String name = "/jipc-ls-test-" + ProcessHandle.current().pid();
        SystemVSharedMemory segment = SystemVSharedMemory.createExclusive(SysVKey.PRIVATE, 8192,
                PosixFilePermissions.fromString("rw-r-----"));
        try (SharedMemory posix = SharedMemory.createExclusive(name, 4096, PosixFilePermissions.fromString("rw-------"))) {
            String out = ls();
            String row = out.lines().filter(l -> l.contains("shm id " + segment.id() + " (private)")).findFirst()
                    .orElseThrow(() -> new AssertionError("segment " + segment.id() + " missing:\n" + out));
            assertTrue(row.contains("8192 B, 0 attached"), row);
            assertTrue(row.contains("rw-r-----"), row);
            assertTrue(row.contains(" " + ProcessHandle.current().pid() + " ") && row.endsWith("yes"), row);
            String posixRow = out.lines().filter(l -> l.contains(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " missing:\n" + out));
            assertTrue(posixRow.startsWith("POSIX shm") && posixRow.contains("4096 B") && posixRow.contains("rw-------"),
                    posixRow);
            assertTrue(ls("--kind", "sysv shm").lines().noneMatch(l -> l.contains(name)), "--kind filters");
            posix.unlink();
        } finally {
            segment.remove();
        }
        String after = ls();
        assertTrue(!after.contains(name) && !after.contains("shm id " + segment.id() + " "), after);
    }

    @Test
    @Timeout(30)
    void listsAMessageRingAsARingWithItsConsumer() throws Exception {
        String name = "/jipc-ls-ring-" + ProcessHandle.current().pid();
        try (SharedMemory memory = SharedMemory.createExclusive(name, MessageRing.size(4096),
                PosixFilePermissions.fromString("rw-------")); SharedRegion region = memory.map()) {
            MessageRing ring = MessageRing.create(region, 0, RingKind.MULTI_PRODUCER, 4096, 512);
            try (RingConsumer consumer = ring.consumer()) {
                String row = row(ls("--kind", "ring"), name);
                assertTrue(row.startsWith("POSIX shm ring ") && row.contains(MessageRing.size(4096) + " B, MULTI_PRODUCER ring,"
                        + " capacity 4096 B, consumer pid " + ProcessHandle.current().pid() + " attached")
                        && row.contains("rw-------"), row);
                assertTrue(consumer.isOpen());
            }
            assertTrue(row(ls("--kind", "shm"), name).contains("capacity 4096 B, consumer none (left)"), "--kind shm lists it");
            memory.unlink();
        } finally {
            try {
                SharedMemory.unlink(name);
            } catch (java.nio.file.NoSuchFileException e) {
                // unlinked above
            }
        }
        assertTrue(ls().lines().noneMatch(l -> l.contains(name)));
    }

    @Test
    @Timeout(30)
    void plainSharedMemoryIsNoRing() throws Exception {
        String name = "/jipc-ls-plain-" + ProcessHandle.current().pid();
        try (SharedMemory memory = SharedMemory.createExclusive(name, MessageRing.size(4096),
                PosixFilePermissions.fromString("rw-------"))) {
            String row = row(ls(), name);
            assertTrue(row.startsWith("POSIX shm ") && !row.contains("ring"), row);
            memory.unlink();
        }
    }

    private static String row(String out, String name) {
        return out.lines().filter(l -> l.contains(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing:\n" + out));
    }

    @Test
    @Timeout(30)
    void listsMessageQueuesWithTheBytesQueued() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Inventory.ofThisMachine().mountQueues(),
                "/dev/mqueue is not mounted and cannot be mounted here");
        String name = "/jipc-ls-queue-" + ProcessHandle.current().pid();
        try (io.github.jipc.MessageQueue q = io.github.jipc.MessageQueue.createExclusive(name, 3, 100,
                PosixFilePermissions.fromString("rw-r-----"))) {
            q.send(new byte[42], 1);
            String row = ls("--kind", "mq").lines().filter(l -> l.contains(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " missing"));
            assertTrue(row.startsWith("POSIX mq") && row.contains("42 B queued") && row.contains("rw-r-----"), row);
        } finally {
            io.github.jipc.MessageQueue.unlink(name);
        }
        assertTrue(ls().lines().noneMatch(l -> l.contains(name)));
    }

    @Test
    @Timeout(30)
    void listsSemaphoresAndUnixSockets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String name = "/jipc-ls-sem-" + ProcessHandle.current().pid();
        java.nio.file.Path socketFile = dir.resolve("ls.sock");
        io.github.jipc.SystemVSemaphores set = io.github.jipc.SystemVSemaphores.createExclusive(SysVKey.PRIVATE,
                PosixFilePermissions.fromString("rw-------"), 0, 1, 2);
        try (set;
             io.github.jipc.PosixSemaphore sem = io.github.jipc.PosixSemaphore.createExclusive(name, 1,
                     PosixFilePermissions.fromString("rw-r-----"));
             io.github.jipc.IpcSocket socket = io.github.jipc.IpcSocket.bound(io.github.jipc.UnixAddress.of(socketFile),
                     io.github.jipc.SocketType.SEQPACKET)) {
            assertEquals(1, sem.value());
            assertEquals(io.github.jipc.UnixAddress.of(socketFile), socket.localAddress());
            String out = ls();
            String setRow = out.lines().filter(l -> l.contains("sem id " + set.id() + " (private)")).findFirst()
                    .orElseThrow(() -> new AssertionError("set " + set.id() + " missing:\n" + out));
            assertTrue(setRow.startsWith("SysV sem") && setRow.contains("3 nsems") && setRow.contains("rw-------"), setRow);
            String semRow = out.lines().filter(l -> l.contains(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " missing:\n" + out));
            assertTrue(semRow.startsWith("POSIX sem") && semRow.contains("rw-r-----"), semRow);
            String socketRow = out.lines().filter(l -> l.contains(socketFile.toString())).findFirst()
                    .orElseThrow(() -> new AssertionError(socketFile + " missing:\n" + out));
            assertTrue(socketRow.startsWith("Unix socket") && socketRow.contains("seqpacket"), socketRow);
            io.github.jipc.PosixSemaphore.unlink(name);
            set.remove();
        }
        String after = ls();
        assertTrue(!after.contains(name) && !after.contains("sem id " + set.id() + " "), after);
    }
}
