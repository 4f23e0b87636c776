package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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

/** POSIX message queues between two JVMs, by name and as an unnamed queue handed to a child. */
class MessageQueueBetweenJvmsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void priorityOrderAcrossJvms() throws Exception {
        String name = Names.queue("jvm-prio");
        try (MessageQueue q = MessageQueue.createExclusive(name, 10, 64, Harness.OWNER_RW, MessageQueueOption.READ_ONLY)) {
            Child batch = harness.java(MqRole.class, "batch", name, "0,3,3,1,0,3").start();
            assertEquals("sent=6", batch.awaitLine("RESULT"));
            batch.assertExit(0);
            List<String> got = new ArrayList<>();
            q.configureBlocking(false);
            for (QueueMessage m; (m = q.receive()) != null;) {
                got.add(new String(m.bytes(), StandardCharsets.UTF_8) + "@" + m.priority());
            }
            assertEquals(List.of("m1@3", "m2@3", "m5@3", "m3@1", "m0@0", "m4@0"), got);
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void aChildJvmReceivesWhatThisOneSends() throws Exception {
        String name = Names.queue("jvm-drain");
        try (MessageQueue q = MessageQueue.createExclusive(name, 10, 64, PosixFilePermissions.fromString("rw-------"))) {
            q.send("x".getBytes(StandardCharsets.UTF_8), 1);
            q.send(new byte[0], 2);
            q.send("z".getBytes(StandardCharsets.UTF_8), 1);
            Child drain = harness.java(MqRole.class, "drain", name, 4).start();
            drain.awaitLine("READY");
            Thread.sleep(100); // the child is blocked in receive now, most likely: it waits for the last one
            q.send("w".getBytes(StandardCharsets.UTF_8), 0);
            drain.awaitLine("RESULT");
            drain.assertExit(0);
            assertEquals(List.of("prio=2 text=", "prio=1 text=x", "prio=1 text=z", "prio=0 text=w"),
                    CPeerMessageQueueTest.lines(drain, "MSG"));
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void unnamedQueueToAChildJvm100kMessagesWithChecksums() throws Exception {
        try (MessageQueue q = MessageQueue.createUnnamed(10, 128)) {
            Child recv = harness.java(MqRole.class, "stream-recv", "fd:3", 100_000).inherit(q, 3).start();
            recv.awaitLine("READY");
            assertEquals(0, MqRole.stream(q, 100_000, true));
            assertEquals(Map.of("count", "100000", "bad", "0"), recv.awaitResult());
            recv.assertExit(0);
        }
    }

    @Test
    void notificationFiresWhenAnotherJvmSends() throws Exception {
        String name = Names.queue("jvm-notify");
        try (MessageQueue q = MessageQueue.createExclusive(name, 10, 64, Harness.OWNER_RW);
             QueueNotification n = q.requestNotification()) {
            Child batch = harness.java(MqRole.class, "batch", name, "6").start();
            batch.awaitLine("RESULT");
            batch.assertExit(0);
            assertTrue(n.await(Duration.ofSeconds(10)));
            assertEquals(6, q.receive().priority());
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void handingTheQueueToAChildEndsThisProcesssRegistration() throws Exception {
        // The kernel ends a registration when its process closes any descriptor of the queue,
        // and spawning closes the copy it made to hand over.
        try (MessageQueue q = MessageQueue.createUnnamed(10, 64); QueueNotification n = q.requestNotification()) {
            Child batch = harness.java(MqRole.class, "batch", "fd:3", "6").inherit(q, 3).start();
            batch.awaitLine("RESULT");
            batch.assertExit(0);
            assertFalse(n.await(Duration.ofSeconds(1)), "removed, not fired");
            assertFalse(n.hasFired());
            try (QueueNotification again = q.requestNotification()) {
                assertFalse(again.await(Duration.ZERO), "the queue is free for a new registration");
            }
        }
    }
}
