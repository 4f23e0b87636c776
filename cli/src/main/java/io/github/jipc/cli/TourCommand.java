package io.github.jipc.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.jipc.Jipc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jipc tour}: every facility at work between this process and a real child process. */
@Command(name = "tour",
        mixinStandardHelpOptions = true,
        versionProvider = JipcCommand.Version.class,
        description = {
            "Shows every facility of jipc at work with a real child process.",
            "%nThe child is a JVM running 'jipc child <facility>', which echoes back all it receives.",
            "Per facility it prints what was exchanged, whether it arrived intact, and round-trip times.",
            "Exits with 0 if every facility worked, 1 otherwise."
        })
final class TourCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FACILITY", arity = "0..*", completionCandidates = Tour.Names.class,
            description = "Facilities to show (default: all): ${COMPLETION-CANDIDATES}.")
    private List<String> facilities = new ArrayList<>();

    @Option(names = "--round-trips", paramLabel = "N", defaultValue = "10000",
            description = "Timed ping-pong round trips per facility (default: ${DEFAULT-VALUE}).")
    private int roundTrips;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "2000",
            description = "Untimed round trips first, for the JIT (default: ${DEFAULT-VALUE}).")
    private int warmUp;

    @Option(names = "--message-size", paramLabel = "BYTES", defaultValue = "64",
            description = "Size of a ping-pong message (default: ${DEFAULT-VALUE}).")
    private int messageSize;

    @Option(names = "--bulk-mib", paramLabel = "MiB", defaultValue = "16",
            description = "MiB sent out and back in the bulk transfer (default: ${DEFAULT-VALUE}).")
    private int bulkMiB;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest a facility may take before its child is killed (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        List<TourStep> steps = selectedSteps();
        PrintWriter out = spec.commandLine().getOut();
        if (!Jipc.isAvailable()) {
            spec.commandLine().getErr().println(Jipc.unavailabilityCause().getMessage());
            return 1;
        }
        out.printf("jipc %s tour: Java %s on %s, pid %d%n", JipcCommand.version(), Runtime.version(),
                Jipc.platform(), ProcessHandle.current().pid());
        out.println("Each facility talks to a child JVM that echoes back what it receives.");
        TourContext.Settings settings = new TourContext.Settings(messageSize, warmUp, roundTrips,
                (long) bulkMiB * 1024 * 1024, Duration.ofSeconds(timeoutSeconds));
        int ok = Tour.run(steps, settings, out);
        return ok == steps.size() ? 0 : 1;
    }

    private void atLeast(String option, long value, long least) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + least + ", got " + value);
        }
    }

    private List<TourStep> selectedSteps() {
        atLeast("--round-trips", roundTrips, 1);
        atLeast("--message-size", messageSize, 1);
        atLeast("--bulk-mib", bulkMiB, 1);
        atLeast("--timeout", timeoutSeconds, 1);
        atLeast("--warm-up", warmUp, 0);
        if (facilities.isEmpty()) {
            return Tour.STEPS;
        }
        List<TourStep> steps = new ArrayList<>();
        for (String name : facilities) {
            steps.add(Tour.step(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "Unknown facility '" + name + "'; known: " + String.join(", ", new Tour.Names()))));
        }
        return steps;
    }
}
