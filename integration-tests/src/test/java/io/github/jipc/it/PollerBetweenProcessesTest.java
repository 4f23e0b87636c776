package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Inheritable;
import io.github.jipc.IpcSocket;
import io.github.jipc.Pipe;
import io.github.jipc.PollEvent;
import io.github.jipc.PollKey;
import io.github.jipc.Poller;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.SocketRole;

/** One Poller over 1,000 pipes written by another process and that process's exit. */
class PollerBetweenProcessesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void aThousandPipesAndAChildExitEachSeenOnce() throws Exception {
        int n = 1000;
        List<Pipe> pipes = new ArrayList<>();
        try (Poller poller = Poller.open(); SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET)) {
            for (int i = 0; i < n; i++) {
                Pipe p = Pipe.open();
                pipes.add(p);
                poller.register(p.source(), PollEvent.READ).attach(i);
            }
            Child child = harness.java(SocketRole.class, "write-each", 3, n).inherit(pair.second(), 3).start();
            pair.second().close();
            PollKey exit = poller.register(child.process(), PollEvent.READ);
            for (int from = 0; from < n; from += 200) {
                Inheritable[] batch = new Inheritable[200];
                for (int i = 0; i < 200; i++) {
                    batch[i] = pipes.get(from + i).sink();
                }
                pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), batch);
            }
            for (Pipe p : pipes) {
                p.sink().close(); // the child holds the only write ends now
            }
            BitSet seen = new BitSet(n);
            boolean exited = false;
            ByteBuffer one = ByteBuffer.allocateDirect(2);
            long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
            while ((seen.cardinality() < n || !exited) && System.nanoTime() < deadline) {
                for (PollKey k : poller.poll(Duration.ofSeconds(1))) {
                    if (k == exit) {
                        assertTrue(!exited, "the exit is reported once");
                        exited = true;
                        k.cancel();
                        continue;
                    }
                    int i = (Integer) k.attachment();
                    assertTrue(!seen.get(i), "pipe " + i + " is reported once");
                    seen.set(i);
                    Pipe p = pipes.get(i);
                    assertEquals(1, p.source().read(one.clear()), "one byte from the child");
                    assertEquals((byte) i, one.get(0));
                    k.cancel();
                }
            }
            assertEquals(n, seen.cardinality(), child::report);
            assertTrue(exited, child::report);
            assertEquals(0, child.awaitExit().exitCode(), child::report);
            assertTrue(poller.keys().isEmpty());
        } finally {
            for (Pipe p : pipes) {
                p.close();
            }
        }
    }
}
