package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.jipc.EventFd;
import io.github.jipc.Futex;
import io.github.jipc.IpcException;
import io.github.jipc.IpcSocket;
import io.github.jipc.MessageQueue;
import io.github.jipc.PollEvent;
import io.github.jipc.PollKey;
import io.github.jipc.Poller;
import io.github.jipc.QueueMessage;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.CrashRole;

/**
 * A peer killed with SIGKILL in the middle of an operation leaves this side
 * working and the object in its documented state (the README's crash
 * survival table): the facilities not covered by their own between-process
 * tests (pipes, FIFOs, record locks, semaphores and robust mutexes are).
 */
class CrashSurvivalTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    /** Waits for READY, lets the child get into its blocking call or loop, then kills it. */
    private static void killMidOperation(Child child) throws Exception {
        child.awaitLine("READY");
        Thread.sleep(200);
        child.kill();
        child.assertKilled();
    }

    @Test
    void aQueueKeepsTheMessagesOfASenderKilledWhileBlockedSending() throws Exception {
        String name = "/" + Names.PREFIX + "crash-mq";
        try (MessageQueue q = MessageQueue.createExclusive(name, 2, 16, Harness.OWNER_RW)) {
            try {
                killMidOperation(harness.java(CrashRole.class, "mq-send", name, 2).start());
                assertEquals(2, q.attributes().currentMessages());
                QueueMessage first = q.receive();
                QueueMessage second = q.receive();
                assertEquals(List.of("m1", "m0"), List.of(text(first.bytes()), text(second.bytes())), "by priority");
                assertTrue(q.send("after".getBytes(StandardCharsets.UTF_8), 0), "the queue still works");
                assertEquals("after", text(q.receive().bytes()));
            } finally {
                q.unlink();
            }
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void posixSharedMemoryStaysWithItsDataWhenAWriterIsKilled() throws Exception {
        String name = "/" + Names.PREFIX + "crash-shm";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map()) {
            try {
                killMidOperation(harness.java(CrashRole.class, "shm-write", name).start());
                assertSurvived(r);
                try (SharedMemory again = SharedMemory.open(name); SharedRegion r2 = again.map()) {
                    assertEquals(r.getLong(64), r2.getLong(64), "the object stays, with its data");
                }
            } finally {
                shm.unlink();
            }
        }
    }

    @Test
    void aSystemVSegmentStaysAndIsDetachedFromAKilledWriter() throws Exception {
        SystemVSharedMemory segment = SystemVSharedMemory.createExclusive(SysVKey.PRIVATE, 4096, Harness.OWNER_RW);
        try (SharedRegion r = segment.attach()) {
            killMidOperation(harness.java(CrashRole.class, "sysv-write", segment.id()).start());
            assertSurvived(r);
            assertEquals(1, segment.status().attachCount(), "the kernel detached the killed process; ours stays");
        } finally {
            segment.remove();
        }
    }

    /** The writer's text is there, its counter moved and stopped, and this side still writes. */
    private static void assertSurvived(SharedRegion r) throws Exception {
        byte[] text = new byte[7];
        r.get(0, text, 0, 7);
        assertEquals("written", new String(text, StandardCharsets.UTF_8));
        long count = r.getLongVolatile(64);
        assertTrue(count > 0, "the killed writer had been counting");
        Thread.sleep(50);
        assertEquals(count, r.getLongVolatile(64), "nothing writes any more");
        r.getAndAddLong(64, 1);
        assertEquals(count + 1, r.getLongVolatile(64));
    }

    @ParameterizedTest
    @EnumSource(value = SocketType.class, names = { "STREAM", "SEQPACKET" })
    void aKilledSocketPeerIsEndOfStreamThenEpipeAndThePollerSaysSo(SocketType type) throws Exception {
        try (SocketPair pair = IpcSocket.pair(type); Poller poller = Poller.open()) {
            IpcSocket ours = pair.first();
            Child peer = harness.java(CrashRole.class, "socket-read", 3).inherit(pair.second(), 3).start();
            pair.second().close();
            poller.register(ours, PollEvent.READ);
            killMidOperation(peer);
            List<PollKey> ready = poller.poll(Duration.ofSeconds(5));
            assertEquals(1, ready.size());
            assertTrue(ready.get(0).isReadable() || ready.get(0).isHangup(), ready.get(0).toString());
            assertEquals(-1, ours.read(ByteBuffer.allocateDirect(8)), "end of stream");
            IpcException e = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class,
                    () -> ours.write(ByteBuffer.wrap(new byte[] { 1 })));
            assertTrue(List.of("EPIPE", "ECONNRESET").contains(e.errnoName()), e.errnoName());
        }
    }

    @Test
    void aFutexWaiterKilledWhileWaitingLeavesTheWordAndNoWaiter() throws Exception {
        String name = "/" + Names.PREFIX + "crash-futex";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map();
                Futex f = Futex.at(r, 0)) {
            try {
                killMidOperation(harness.java(CrashRole.class, "futex-wait", name).start());
                assertEquals(0, f.wake(1), "the kernel dropped the dead waiter");
                assertEquals(0, r.getIntVolatile(0));
                assertTrue(!f.await(0, Duration.ofMillis(10)) && f.await(1, Duration.ZERO), "waits still work");
            } finally {
                shm.unlink();
            }
        }
    }

    @Test
    void anEventCounterKeepsCountingAfterATakerIsKilled() throws Exception {
        try (EventFd e = EventFd.create(0)) {
            killMidOperation(harness.java(CrashRole.class, "eventfd-take", 3).inherit(e, 3).start());
            assertTrue(e.add(3));
            assertEquals(3, e.take(), "nothing was taken by the killed process");
        }
    }
}
