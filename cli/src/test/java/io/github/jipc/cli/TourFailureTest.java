package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.jipc.Pipe;

/** A failing step is reported with its cause and its child's output, and never hangs the tour. */
class TourFailureTest {
    private static final TourContext.Settings QUICK = new TourContext.Settings(64, 0, 10, 1024 * 1024, Duration.ofSeconds(2));

    /** Starts the pipe child with wrong arguments: it exits non-zero and says why. */
    private static final class BadChildStep implements TourStep {
        @Override
        public String name() {
            return "pipe";
        }

        @Override
        public String title() {
            return "a child that fails";
        }

        @Override
        public void run(TourContext context, StepReport report) throws Exception {
            context.startChild(this, List.of("only-one-argument"), b -> { }).expectSuccess();
        }

        @Override
        public int child(List<String> args) {
            throw new UnsupportedOperationException();
        }
    }

    /** Hands the pipe child its ends but never writes: both sides wait until the watchdog steps in. */
    private static final class SilentStep implements TourStep {
        @Override
        public String name() {
            return "pipe";
        }

        @Override
        public String title() {
            return "a child that waits forever";
        }

        @Override
        public void run(TourContext context, StepReport report) throws Exception {
            try (Pipe toChild = Pipe.open(); Pipe fromChild = Pipe.open()) {
                ChildJvm child = context.startChild(this, List.of("3", "4"),
                        b -> b.inherit(toChild.source(), 3).inherit(fromChild.sink(), 4));
                fromChild.sink().close();
                child.closeOnTimeout(fromChild.source());
                fromChild.source().read(ByteBuffer.allocateDirect(1));
            }
        }

        @Override
        public int child(List<String> args) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    @Timeout(60)
    void failuresAreReportedAndTheTourGoesOn() throws Exception {
        StringWriter text = new StringWriter();
        int ok = Tour.run(List.of(new BadChildStep(), new SilentStep(), new PipeStep()), QUICK, new PrintWriter(text, true));
        String out = text.toString();
        assertEquals(1, ok, out);
        assertTrue(out.contains("FAILED: java.lang.IllegalStateException: child 'pipe'"), out);
        assertTrue(out.contains("exited with code 1"), out);
        assertTrue(out.contains("usage: jipc child pipe <read-fd> <write-fd>"), out);
        assertTrue(out.contains("FAILED: java.nio.channels.AsynchronousCloseException"), out);
        assertTrue(out.contains("was killed after 2 s"), out);
        assertTrue(out.contains("1 of 3 facilities OK"), out);
    }
}
