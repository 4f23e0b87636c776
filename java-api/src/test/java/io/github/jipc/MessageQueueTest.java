package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.jipc.internal.Limits;
import io.github.jipc.internal.jni.MqNative;

@Timeout(60)
class MessageQueueTest {
    private static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");
    private static int next;
    private final String name = "/" + MqLeaks.PREFIX + next++;

    @AfterEach
    void unlinkIfLeft() throws Exception {
        try {
            MessageQueue.unlink(name);
        } catch (NoSuchFileException e) {
            // the test removed it, as it should
        }
    }

    private static ByteBuffer text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static String text(ByteBuffer b) {
        b.flip();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    @Test
    void createExclusiveSendReceiveUnlink() throws Exception {
        try (MessageQueue q = MessageQueue.createExclusive(name, 5, 128, PosixFilePermissions.fromString("rw-r-----"))) {
            assertEquals(name, q.name());
            assertEquals(128, q.messageSize());
            assertEquals(5, q.maxMessages());
            assertTrue(q.isBlocking());
            if (MqLeaks.mounted()) {
                Path file = MqLeaks.MQUEUE.resolve(name.substring(1));
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "no umask");
            }
            assertTrue(q.send(text("hello"), 7));
            MessageQueueAttributes a = q.attributes();
            assertEquals(1, a.currentMessages());
            assertEquals(5, a.maxMessages());
            assertEquals(128, a.messageSize());
            assertFalse(a.isDescriptionNonBlocking());
            ByteBuffer dst = ByteBuffer.allocateDirect(128);
            assertEquals(-1, q.lastPriority());
            assertEquals(5, q.receive(dst));
            assertEquals(7, q.lastPriority());
            assertEquals("hello", text(dst));
            assertThrows(FileAlreadyExistsException.class, () -> MessageQueue.createExclusive(name, 5, 128, RW_OWNER));
            q.unlink();
            assertThrows(NoSuchFileException.class, q::unlink);
            assertThrows(NoSuchFileException.class, () -> MessageQueue.open(name));
            assertTrue(q.send(text("still"), 0), "the handle still reaches the queue");
            assertEquals("still", new String(q.receive().bytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void createOpensAnExistingQueueWithItsOwnAttributes() throws Exception {
        try (MessageQueue a = MessageQueue.create(name, 3, 64, RW_OWNER);
             MessageQueue b = MessageQueue.create(name.substring(1), 9, 999, RW_OWNER, MessageQueueOption.WRITE_ONLY);
             MessageQueue c = MessageQueue.open(name, MessageQueueOption.READ_ONLY)) {
            assertEquals(name, b.name(), "a name without '/' gets one");
            assertEquals(64, b.messageSize());
            assertEquals(3, c.maxMessages());
            assertTrue(b.send(new byte[] { 1, 2, 3 }, 1));
            QueueMessage m = c.receive();
            assertArrayEquals(new byte[] { 1, 2, 3 }, m.bytes());
            assertEquals(1, m.priority());
            assertThrows(NonWritableChannelException.class, () -> c.send(new byte[1], 0));
            assertThrows(NonReadableChannelException.class, () -> b.tryReceive(ByteBuffer.allocate(64)));
            a.unlink();
        }
        assertThrows(NoSuchFileException.class, () -> MessageQueue.open(name));
        try (MessageQueue d = MessageQueue.create(name, RW_OWNER)) {
            assertTrue(d.messageSize() > 0, "the system's default attributes");
            assertEquals(Long.parseLong(Limits.sysctl("/proc/sys/fs/mqueue/msgsize_default")), d.messageSize());
            d.unlink();
        }
    }

    @Test
    void highestPriorityFirstFifoWithinAPriorityZeroLengthWorks() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(10, 16)) {
            String[] msgs = { "a0", "b5", "c0", "d9", "e5", "" };
            int[] prios = { 0, 5, 0, 9, 5, 5 };
            for (int i = 0; i < msgs.length; i++) {
                assertTrue(q.send(text(msgs[i]), prios[i]));
            }
            String[] order = { "d9", "b5", "e5", "", "a0", "c0" };
            int[] orderPrio = { 9, 5, 5, 5, 0, 0 };
            ByteBuffer dst = ByteBuffer.allocateDirect(16);
            for (int i = 0; i < order.length; i++) {
                assertEquals(order[i].length(), q.receive(dst.clear()));
                assertEquals(orderPrio[i], q.lastPriority());
                assertEquals(order[i], text(dst));
            }
            assertTrue(q.send(new byte[0], MessageQueue.maxPriority()));
            QueueMessage m = q.receive();
            assertEquals(0, m.bytes().length);
            assertEquals(32767, m.priority());
        }
    }

    @Test
    void heapBuffersAtAnyPositionAndPrioritiesPerThread() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(4, 8)) {
            ByteBuffer src = ByteBuffer.allocate(20).position(3);
            src.put(new byte[] { 9, 8, 7 }).flip().position(3);
            assertTrue(q.send(src, 4));
            assertEquals(6, src.position(), "the position moves past what was sent");
            ByteBuffer dst = ByteBuffer.allocate(20).position(5);
            assertEquals(3, q.receive(dst));
            assertEquals(8, dst.position());
            assertEquals(7, dst.get(7));
            assertEquals(4, q.lastPriority());
            Thread other = new Thread(() -> {
                if (q.lastPriority() != -1) {
                    throw new AssertionError("another thread's priority");
                }
            });
            other.start();
            other.join();
            ByteBuffer slice = ByteBuffer.allocate(16).position(8).slice();
            assertTrue(q.send(new byte[] { 1 }, 0));
            assertEquals(1, q.receive(slice));
            assertEquals(1, slice.get(0));
        }
    }

    @Test
    void sizesAndPrioritiesAreChecked() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(2, 100)) {
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> q.receive(ByteBuffer.allocateDirect(99)));
            assertTrue(small.getMessage().contains("99") && small.getMessage().contains("100"), small.getMessage());
            IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> q.send(new byte[101], 0));
            assertTrue(big.getMessage().contains("101") && big.getMessage().contains("100"), big.getMessage());
            assertThrows(IllegalArgumentException.class, () -> q.send(new byte[1], -1));
            assertThrows(IllegalArgumentException.class, () -> q.send(new byte[1], MessageQueue.maxPriority() + 1));
            assertThrows(IllegalArgumentException.class, () -> q.receive(ByteBuffer.allocate(100).asReadOnlyBuffer()));
            assertThrows(NullPointerException.class, () -> q.send((ByteBuffer) null, 0));
            assertThrows(NullPointerException.class, () -> q.receive(ByteBuffer.allocate(100), null));
        }
        assertThrows(IllegalArgumentException.class, () -> MessageQueue.createUnnamed(0, 10));
        assertThrows(IllegalArgumentException.class, () -> MessageQueue.createUnnamed(1, 0));
    }

    @Test
    void nonBlockingFullAndEmptyAreStatuses() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(2, 8)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(8);
            assertEquals(-1, q.tryReceive(dst));
            assertTrue(q.trySend(text("1"), 0));
            assertTrue(q.trySend(text("2"), 0));
            assertFalse(q.trySend(text("3"), 0));
            q.configureBlocking(false);
            assertFalse(q.isBlocking());
            ByteBuffer three = text("3");
            assertFalse(q.send(three, 0));
            assertEquals(0, three.position(), "nothing sent, nothing consumed");
            assertEquals(1, q.receive(dst.clear()));
            assertEquals(1, q.receive(dst.clear()));
            assertEquals(-1, q.receive(dst.clear()));
            assertNull(q.receive());
            assertFalse(q.attributes().isDescriptionNonBlocking(), "only the handle's mode changed");
        }
        try (MessageQueue q = MessageQueue.create(name, 1, 8, RW_OWNER, MessageQueueOption.NON_BLOCKING)) {
            assertFalse(q.isBlocking());
            assertEquals(-1, q.receive(ByteBuffer.allocate(8)));
            q.unlink();
        }
    }

    @Test
    void timeoutsReturnInTime() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(1, 8)) {
            long t0 = System.nanoTime();
            assertEquals(-1, q.receive(ByteBuffer.allocateDirect(8), Duration.ofMillis(150)));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(took >= 140 && took < 5000, "took " + took + " ms");
            assertTrue(q.send(text("x"), 1, Duration.ofMillis(150)));
            t0 = System.nanoTime();
            assertFalse(q.send(text("y"), 1, Duration.ofMillis(150)));
            took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(took >= 140 && took < 5000, "took " + took + " ms");
            assertFalse(q.send(text("y"), 1, Duration.ZERO));
            assertFalse(q.send(text("y"), 1, Duration.ofSeconds(-5)));
            assertEquals(1, q.receive(ByteBuffer.allocateDirect(8), Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    @Test
    void aDescriptionAnotherProcessMadeNonBlockingStillBlocksWithoutATimeout() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(1, 8)) {
            // what a C peer sharing the description does with mq_setattr(3)
            assertEquals(0, MqNative.jipc_mq_setattr(q.handle.fd(), 1));
            assertTrue(q.attributes().isDescriptionNonBlocking());
            CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return q.receive(ByteBuffer.allocateDirect(8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(100);
            assertFalse(received.isDone(), "waits for a message");
            assertTrue(q.send(text("r"), 1));
            assertEquals(1, received.get(10, TimeUnit.SECONDS));
            assertTrue(q.send(text("f"), 1));
            CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    return q.send(text("s"), 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(100);
            assertFalse(sent.isDone(), "waits for room");
            assertEquals(1, q.receive(ByteBuffer.allocateDirect(8)));
            assertTrue(sent.get(10, TimeUnit.SECONDS));
            assertEquals(1, q.receive(ByteBuffer.allocateDirect(8)));
        }
    }

    @Test
    void badNamesAreRefusedClearly() throws Exception {
        for (String bad : new String[] { "", "/", "/a/b", "a/b", "/.", "/..", "/" + "x".repeat(256) }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MessageQueue.create(bad, RW_OWNER), bad);
            assertTrue(e.getMessage().contains("\"/name\""), e.getMessage());
        }
        for (String dots : new String[] { "/.", ".", "/..", ".." }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MessageQueue.open(dots), dots);
            assertTrue(e.getMessage().startsWith("\"" + dots + "\" is not a valid message queue name: \".\" and \"..\""
                    + " name the queue directory and its parent, never a queue"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MessageQueue.unlink(dots), dots);
        }
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> MessageQueue.create("x".repeat(256), RW_OWNER));
        assertTrue(tooLong.getMessage().endsWith("(256 bytes after the '/')"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MessageQueue.open("/a\0b"));
        assertThrows(NullPointerException.class, () -> MessageQueue.open(null));
        assertThrows(IllegalArgumentException.class,
                () -> MessageQueue.open(name, MessageQueueOption.READ_ONLY, MessageQueueOption.WRITE_ONLY));
        assertThrows(NoSuchFileException.class, () -> MessageQueue.unlink(name));
    }

    @Test
    void limitErrorsNameTheLimitItsValueAndHowToRaiseIt() throws Exception {
        long sizeMax = Long.parseLong(Limits.sysctl("/proc/sys/fs/mqueue/msgsize_max"));
        long msgMax = Long.parseLong(Limits.sysctl("/proc/sys/fs/mqueue/msg_max"));
        assumeTrue(sizeMax < 65536 && msgMax < 1000, "the limits are raised here: msgsize_max " + sizeMax);
        IpcException size;
        try {
            MessageQueue.createExclusive(name, 1, 65536, RW_OWNER).close();
            MessageQueue.unlink(name);
            assumeTrue(false, "this process may exceed the limits (CAP_SYS_RESOURCE)");
            return;
        } catch (IpcException e) {
            size = e;
        }
        assertEquals("EINVAL", size.errnoName());
        String m = size.getMessage();
        assertTrue(m.contains("fs.mqueue.msgsize_max") && m.contains("(" + sizeMax + " bytes") && m.contains("65536")
                && m.contains("sysctl -w fs.mqueue.msgsize_max=65536") && m.contains("mq_open(3)"), m);
        IpcException count = assertThrows(IpcException.class, () -> MessageQueue.createUnnamed(msgMax + 1, 16));
        m = count.getMessage();
        assertTrue(m.contains("fs.mqueue.msg_max") && m.contains("(" + msgMax + " messages") && m.contains((msgMax + 1) + " messages"), m);
        assertFalse(m.contains("msgsize_max ("), "only the limit exceeded: " + m);
        // Past the kernel's own bounds no sysctl helps: the message says so rather than suggest one.
        IpcException huge = assertThrows(IpcException.class, () -> MessageQueue.createUnnamed(1, Integer.MAX_VALUE));
        m = huge.getMessage();
        assertTrue(m.contains("HARD_MSGSIZEMAX") && m.contains("no sysctl raises") && !m.contains("sysctl -w"), m);
        IpcException many = assertThrows(IpcException.class, () -> MessageQueue.createUnnamed(1_000_000, 16));
        m = many.getMessage();
        assertTrue(m.contains("HARD_MSGMAX") && !m.contains("sysctl -w"), m);
    }

    @Test
    void closeWakesABlockedReceiveAndABlockedSend() throws Exception {
        for (boolean sending : new boolean[] { false, true }) {
            MessageQueue q = MessageQueue.createUnnamed(1, 8);
            if (sending) {
                q.send(text("full"), 0);
            }
            Throwable[] thrown = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    if (sending) {
                        q.send(text("more"), 0);
                    } else {
                        q.receive(ByteBuffer.allocateDirect(8));
                    }
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            t.start();
            Thread.sleep(100);
            q.close();
            t.join(10_000);
            assertFalse(t.isAlive());
            assertInstanceOf(AsynchronousCloseException.class, thrown[0]);
            q.close(); // idempotent
            assertThrows(ClosedChannelException.class, () -> q.receive(ByteBuffer.allocate(8)));
            assertThrows(ClosedChannelException.class, () -> q.trySend(ByteBuffer.allocate(1), 0));
            assertThrows(ClosedChannelException.class, q::attributes);
            assertThrows(ClosedChannelException.class, q::requestNotification);
            assertThrows(ClosedChannelException.class, () -> q.configureBlocking(true));
        }
    }

    @Test
    void aPendingInterruptClosesTheQueueThoughAMessageWaits() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(4, 8)) {
            q.send(text("one"), 0);
            q.send(text("two"), 0);
            assertEquals(3, q.receive(ByteBuffer.allocateDirect(8)));
            ByteBuffer second = ByteBuffer.allocateDirect(8);
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> q.receive(second));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
            } finally {
                Thread.interrupted();
            }
            assertFalse(q.isOpen());
            assertEquals(0, second.position(), "nothing more was received");
        }
    }

    @Test
    void blockingCallsThatWaitOftenStillDeliverEveryMessageInOrder() throws Exception {
        try (MessageQueue ping = MessageQueue.createUnnamed(1, 8); MessageQueue pong = MessageQueue.createUnnamed(1, 8)) {
            int rounds = 3000;
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(8);
                try {
                    for (int i = 0; i < rounds; i++) {
                        assertEquals(8, ping.receive(b.clear()));
                        pong.send(b.flip(), 0);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            ByteBuffer out = ByteBuffer.allocateDirect(8);
            ByteBuffer in = ByteBuffer.allocateDirect(8);
            for (int i = 0; i < rounds; i++) {
                ping.send(out.clear().putLong(0, i), 0);
                assertEquals(8, pong.receive(in.clear()));
                assertEquals(i, in.getLong(0));
            }
            echo.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void interruptWakesABlockedReceiveAndClosesTheQueue() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(1, 8)) {
            Throwable thrown = Interrupts.during(() -> q.receive(ByteBuffer.allocateDirect(8)), 100).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(q.isOpen());
        }
    }

    @Test
    void concurrentReceiversEachGetDistinctMessages() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(10, 8)) {
            List<Thread> threads = new ArrayList<>();
            AtomicInteger sum = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(8);
                    try {
                        for (int k = 0; k < 250; k++) {
                            b.clear();
                            q.receive(b);
                            sum.addAndGet(b.getInt(0));
                            if (q.lastPriority() != b.getInt(4)) {
                                throw new AssertionError("priority of another message");
                            }
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            ByteBuffer m = ByteBuffer.allocateDirect(8);
            for (int i = 1; i <= 1000; i++) {
                m.clear().putInt(0, i).putInt(4, i % 7);
                q.send(m, i % 7);
            }
            for (Thread t : threads) {
                t.join(20_000);
                assertFalse(t.isAlive());
            }
            assertEquals(1000 * 1001 / 2, sum.get());
        }
    }

    @Test
    void unnamedQueuesLeaveNoName() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(2, 8)) {
            assertNull(q.name());
            assertThrows(IllegalStateException.class, q::unlink);
            assertTrue(q.toString().startsWith("unnamed message queue"), q.toString());
            if (MqLeaks.mounted()) {
                try (var s = Files.list(MqLeaks.MQUEUE)) {
                    assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("jipc-unnamed-")));
                }
            }
        }
    }

    @Test
    void inheritedChecksTheDescriptor() throws Exception {
        try (Pipe pipe = Pipe.open(); MessageQueue q = MessageQueue.createUnnamed(2, 8)) {
            try (UnownedDescriptor end = new UnownedDescriptor(pipe.sink())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> MessageQueue.inherited(end.fd));
                assertTrue(e.getMessage().contains("not a message queue"), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> MessageQueue.inherited(-1));
            IpcException bad = assertThrows(IpcException.class, () -> MessageQueue.inherited(1_000_000));
            assertEquals("EBADF", bad.errnoName());
            assertEquals(q.messageSize(), 8);
        }
    }

    @Test
    void closingARegistrationWakesItsAwaitWithAsynchronousCloseException() throws Exception {
        // close() cancels first, and the kernel's "removed" can reach the waiter before the guard
        try (MessageQueue q = MessageQueue.createUnnamed(1, 8)) {
            for (int i = 0; i < 30; i++) {
                QueueNotification n = q.requestNotification();
                CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new AssertionError("await returned " + n.await(Duration.ofSeconds(30)));
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Thread.sleep(i % 3 == 0 ? 20 : 2);
                n.close();
                Throwable t = waiter.get(10, TimeUnit.SECONDS);
                assertInstanceOf(ClosedChannelException.class, t, "round " + i + ": " + t);
                assertFalse(n.hasFired());
                assertThrows(ClosedChannelException.class, () -> n.await(Duration.ZERO));
            }
        }
    }

    @Test
    void notificationFiresOncePerRegistration() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(4, 8)) {
            try (QueueNotification n = q.requestNotification()) {
                IpcException busy = assertThrows(IpcException.class, q::requestNotification);
                assertEquals("EBUSY", busy.errnoName());
                assertFalse(n.await(Duration.ofMillis(20)));
                q.send(text("a"), 0);
                assertTrue(n.await(Duration.ofSeconds(10)));
                assertTrue(n.hasFired());
                q.send(text("b"), 0);
                assertTrue(n.await(Duration.ZERO), "stays fired");
            }
            q.receive(ByteBuffer.allocate(8));
            q.receive(ByteBuffer.allocate(8));
            // A cancelled registration frees the queue for the next one.
            q.requestNotification().close();
            CountDownLatch fired = new CountDownLatch(2);
            AtomicInteger calls = new AtomicInteger();
            List<QueueNotification> rearmed = new ArrayList<>();
            try (QueueNotification n = q.notifyOnArrival(() -> {
                calls.incrementAndGet();
                fired.countDown();
                try {
                    q.receive(ByteBuffer.allocate(8));
                    synchronized (rearmed) {
                        rearmed.add(q.notifyOnArrival(fired::countDown));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            })) {
                q.send(text("c"), 0);
                assertTrue(waitFor(() -> { synchronized (rearmed) { return !rearmed.isEmpty(); } }));
                q.send(text("d"), 0);
                assertTrue(fired.await(10, TimeUnit.SECONDS));
                assertEquals(1, calls.get(), "one-shot");
                assertTrue(n.hasFired());
            } finally {
                synchronized (rearmed) {
                    rearmed.forEach(QueueNotification::close);
                }
            }
            // A registration closed before it fires runs no callback, and the thread ends.
            AtomicInteger never = new AtomicInteger();
            q.notifyOnArrival(never::incrementAndGet).close();
            assertEquals(0, never.get());
        }
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
