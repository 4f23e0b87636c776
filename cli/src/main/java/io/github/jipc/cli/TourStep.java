package io.github.jipc.cli;

import java.util.List;

/**
 * One facility of the tour: a parent side that starts a real child process and
 * exchanges data with it through the facility, and the child side that process
 * runs ({@code jipc child <name> <args>}).
 *
 * <p>A new facility is one new implementation, listed in {@link Tour#STEPS}.
 */
public interface TourStep {
    /** The short name used on the command line and for the child's role, e.g. {@code pipe}. */
    String name();

    /** One line: what is shown and through which calls. */
    String title();

    /**
     * Runs the parent side: starts the child through {@link TourContext#startChild},
     * exchanges data, reports each part in report as it goes, and checks that
     * the child ended well.
     *
     * @throws Exception on any failure, which fails this step
     */
    void run(TourContext context, StepReport report) throws Exception;

    /**
     * Runs the child side with the arguments the parent side passed.
     *
     * @return the process exit code, 0 for success
     * @throws Exception on any failure (the child then exits non-zero)
     */
    int child(List<String> args) throws Exception;
}
