package io.github.jipc.cli;

import java.io.PrintWriter;

/** Prints what one tour step did, one labelled line per part, as it happens. */
final class StepReport {
    private final PrintWriter out;

    StepReport(PrintWriter out) {
        this.out = out;
    }

    /** Prints {@code label  text}, indented under the step's title. */
    void line(String label, String text) {
        out.printf("  %-11s %s%n", label, text);
        out.flush();
    }
}
