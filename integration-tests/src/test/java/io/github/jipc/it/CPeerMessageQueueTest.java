package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.MessageQueue;
import io.github.jipc.MessageQueueOption;
import io.github.jipc.QueueMessage;
import io.github.jipc.QueueNotification;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.MqRole;

/** POSIX message queues between this JVM and a plain C program ({@code mq_peer}) using the same calls. */
class CPeerMessageQueueTest {
    @RegisterExtension
    static final Harness harness = new Harness();
    static final String MESSAGE = "Hello, POSIX Message Queue!";

    @Test
    void senderInCReceiverInTheJvm() throws Exception {
        String name = Names.queue("c-sender");
        // The receiver holds the queue open: the classic sender unlinks it right after sending.
        try (MessageQueue q = MessageQueue.create(name, PosixFilePermissions.fromString("rw-r--r--"), MessageQueueOption.READ_ONLY)) {
            Child sender = harness.peer("mq_peer", "sender", name, MESSAGE).start();
            assertEquals("sent=" + (MESSAGE.length() + 1), sender.awaitLine("RESULT"));
            sender.assertExit(0);
            QueueMessage m = q.receive();
            assertEquals(MESSAGE + "\0", new String(m.bytes(), StandardCharsets.UTF_8));
            assertEquals(0, m.priority());
            assertThrows(NoSuchFileException.class, () -> MessageQueue.open(name), "the C sender unlinked it");
        }
    }

    @Test
    void senderInTheJvmReceiverInC() throws Exception {
        String name = Names.queue("c-receiver");
        try (MessageQueue q = MessageQueue.create(name, PosixFilePermissions.fromString("rw-r--r--"), MessageQueueOption.WRITE_ONLY)) {
            q.send((MESSAGE + "\0").getBytes(StandardCharsets.UTF_8), 0);
            Child receiver = harness.peer("mq_peer", "receiver", name).start();
            assertEquals("bytes=" + (MESSAGE.length() + 1) + " prio=0 text=" + MESSAGE, receiver.awaitLine("RESULT"));
            receiver.assertExit(0);
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void theClassicPairBothInJavaAgainstEachOtherInC() throws Exception {
        String name = Names.queue("roles");
        try (MessageQueue keep = MessageQueue.create(name, PosixFilePermissions.fromString("rw-r--r--"))) {
            Child sender = harness.java(MqRole.class, "sender", name, MESSAGE).start();
            sender.awaitLine("RESULT");
            sender.assertExit(0);
            QueueMessage m = keep.receive();
            assertEquals(MESSAGE + "\0", new String(m.bytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void priorityOrderFromCToTheJvm() throws Exception {
        String name = Names.queue("c-prio");
        try (MessageQueue q = MessageQueue.createExclusive(name, 10, 64, Harness.OWNER_RW, MessageQueueOption.READ_ONLY)) {
            Child batch = harness.peer("mq_peer", "batch", name, "1,5,1,9,5,0,9,1").start();
            assertEquals("sent=8", batch.awaitLine("RESULT"));
            batch.assertExit(0);
            List<String> got = new ArrayList<>();
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            while (q.receive(b.clear(), Duration.ZERO) >= 0) {
                got.add(StandardCharsets.UTF_8.decode(b.flip()) + "@" + q.lastPriority());
            }
            assertEquals(List.of("m3@9", "m6@9", "m1@5", "m4@5", "m0@1", "m2@1", "m7@1", "m5@0"), got);
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void priorityOrderFromTheJvmToC() throws Exception {
        String name = Names.queue("jvm-prio");
        try (MessageQueue q = MessageQueue.createExclusive(name, 10, 64, Harness.OWNER_RW, MessageQueueOption.WRITE_ONLY)) {
            int[] prios = { 2, 0, 7, 2, 7, 3 };
            for (int i = 0; i < prios.length; i++) {
                q.send(("m" + i).getBytes(StandardCharsets.UTF_8), prios[i]);
            }
            Child drain = harness.peer("mq_peer", "drain", name, prios.length).start();
            drain.awaitLine("RESULT");
            drain.assertExit(0);
            assertEquals(List.of("prio=7 text=m2", "prio=7 text=m4", "prio=3 text=m5", "prio=2 text=m0",
                    "prio=2 text=m3", "prio=0 text=m1"), lines(drain, "MSG"));
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void unnamedQueueToACChild100kMessagesWithChecksums() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(10, 256)) {
            Child recv = harness.peer("mq_peer", "stream-recv", "fd:3", 100_000).inherit(q, 3).start();
            recv.awaitLine("READY");
            assertEquals(0, MqRole.stream(q, 100_000, true));
            assertEquals(Map.of("count", "100000", "bad", "0"), recv.awaitResult());
            recv.assertExit(0);
        }
    }

    @Test
    void unnamedQueueFromACChild100kMessagesWithChecksums() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(10, 200)) {
            Child send = harness.peer("mq_peer", "stream-send", "fd:3", 100_000).inherit(q, 3).start();
            assertEquals(0, MqRole.stream(q, 100_000, false));
            assertEquals(Map.of("count", "100000", "bad", "0"), send.awaitResult());
            send.assertExit(0);
            assertEquals(0, q.attributes().currentMessages(), "none duplicated");
        }
    }

    @Test
    void notificationFiresWhenTheSenderIsAC() throws Exception {
        String name = Names.queue("c-notify");
        try (MessageQueue q = MessageQueue.createExclusive(name, 10, 64, Harness.OWNER_RW);
             QueueNotification n = q.requestNotification()) {
            assertTrue(!n.await(Duration.ofMillis(20)));
            Child batch = harness.peer("mq_peer", "batch", name, "4,4").start();
            batch.awaitLine("RESULT");
            batch.assertExit(0);
            assertTrue(n.await(Duration.ofSeconds(10)));
            assertEquals(2, q.attributes().currentMessages());
            // Re-armed on the non-empty queue: only an arrival in the empty queue notifies.
            q.receive();
            q.receive();
            try (QueueNotification again = q.requestNotification()) {
                Child one = harness.peer("mq_peer", "batch", name, "1").start();
                one.awaitLine("RESULT");
                one.assertExit(0);
                assertTrue(again.await(Duration.ofSeconds(10)));
            }
        } finally {
            MessageQueue.unlink(name);
        }
    }

    static List<String> lines(Child child, String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : child.stdout().split("\n")) {
            if (line.startsWith(prefix + " ")) {
                out.add(line.substring(prefix.length() + 1));
            }
        }
        return out;
    }
}
