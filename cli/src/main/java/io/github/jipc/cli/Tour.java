package io.github.jipc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The facilities the tour shows, in order, and the loop that runs them. */
final class Tour {
    /** Every facility jipc has; a new one adds its step here. */
    static final List<TourStep> STEPS = List.of(new PipeStep(), new FifoStep(), new SharedMemoryStep(), new MqStep(),
            new SocketStep(), new SyncStep(), new CrashStep(), new RingStep());

    private Tour() {}

    static Optional<TourStep> step(String name) {
        return STEPS.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Runs steps one after the other, each to its end whatever the others did,
     * printing each step's report, and on failure the cause and its child's output.
     *
     * @return how many steps succeeded
     */
    static int run(List<TourStep> steps, TourContext.Settings settings, PrintWriter out) throws IOException {
        int ok = 0;
        try (TourContext context = new TourContext(settings)) {
            for (TourStep step : steps) {
                out.printf("%n[%s] %s%n", step.name(), step.title());
                out.flush();
                if (runStep(step, context, out)) {
                    ok++;
                }
            }
        }
        out.printf("%n%d of %d facilities OK%n", ok, steps.size());
        out.flush();
        return ok;
    }

    private static boolean runStep(TourStep step, TourContext context, PrintWriter out) {
        long start = System.nanoTime();
        try {
            step.run(context, new StepReport(out));
            if (context.children().stream().anyMatch(ChildJvm::timedOut)) {
                throw new IllegalStateException("the step outlived its timeout");
            }
            out.printf("  OK in %.1f s%n", (System.nanoTime() - start) / 1e9);
            return true;
        } catch (Exception e) {
            out.printf("  FAILED: %s%n", e);
            for (ChildJvm child : context.children()) {
                if (child.timedOut()) {
                    out.printf("  the child '%s' (pid %d) was killed after %d s%n", child.role(), child.pid(),
                            context.settings().timeout().toSeconds());
                }
                String tail = child.outputTail();
                if (!tail.isEmpty()) {
                    out.printf("  output of the child '%s' (pid %d):%n%s%n", child.role(), child.pid(), tail);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        } finally {
            context.endStep();
            out.flush();
        }
    }

    /** The step names, for picocli's help and completion. */
    static final class Names implements Iterable<String> {
        static List<String> list() {
            List<String> names = new ArrayList<>();
            STEPS.forEach(s -> names.add(s.name()));
            return names;
        }

        @Override
        public Iterator<String> iterator() {
            return list().iterator();
        }
    }
}
