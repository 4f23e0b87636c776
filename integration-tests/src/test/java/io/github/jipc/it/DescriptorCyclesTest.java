package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Fifo;
import io.github.jipc.Pipe;
import io.github.jipc.PipeOption;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Fds;
import io.github.jipc.it.harness.Harness;

/** Many open/close cycles leave exactly the descriptors that were open before. */
class DescriptorCyclesTest {
    private static final int CYCLES = 10_000;
    private static final int SPAWNS = 100;

    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void tenThousandPipesOpenedUsedAndClosed() throws Exception {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        Map<Integer, String> before = Fds.snapshot();
        for (int i = 0; i < CYCLES; i++) {
            try (Pipe pipe = Pipe.open()) {
                assertEquals(1, pipe.sink().write(one.clear().put(0, (byte) i)));
                assertEquals(1, pipe.source().read(one.clear()));
                assertEquals((byte) i, one.get(0));
            }
        }
        Fds.assertNoneLeaked(before, CYCLES + " pipes");
    }

    @Test
    void tenThousandFifoEndPairsOpenedUsedAndClosed() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("cycles"), Harness.OWNER_RW);
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        Map<Integer, String> before = Fds.snapshot();
        for (int i = 0; i < CYCLES; i++) {
            try (PipeSource source = fifo.openSource(PipeOption.NON_BLOCKING);
                 PipeSink sink = fifo.openSink(PipeOption.NON_BLOCKING)) {
                assertEquals(1, sink.write(one.clear().put(0, (byte) i)));
                assertEquals(1, source.read(one.clear()));
                assertEquals((byte) i, one.get(0));
            }
        }
        Fds.assertNoneLeaked(before, CYCLES + " FIFO read and write ends");
        fifo.remove();
    }

    @Test
    void hundredChildrenInheritingAPipeEnd() throws Exception {
        Map<Integer, String> before = Fds.snapshot();
        for (int i = 0; i < SPAWNS; i++) {
            try (Pipe pipe = Pipe.open()) {
                Child peer = harness.peer("pipe_peer", "write", 3, 10, i).inherit(pipe.sink(), 3).start();
                pipe.sink().close();
                ByteBuffer buf = ByteBuffer.allocateDirect(64);
                while (pipe.source().read(buf) >= 0) {
                    // until the end of stream
                }
                assertEquals(10, buf.position());
                peer.assertExit(0);
                peer.close();
            }
        }
        Fds.assertNoneLeaked(before, SPAWNS + " children");
    }
}
