package io.github.jipc.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jipc child <facility> <args>}: the child side of a tour step, started by {@code jipc tour}. */
@Command(name = "child", hidden = true,
        description = "The child side of a tour step; 'jipc tour' starts it.")
final class ChildCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FACILITY")
    private String facility;

    @Parameters(index = "1..*", paramLabel = "ARG")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        TourStep step = Tour.step(facility).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "Unknown facility '" + facility + "'"));
        return step.child(args);
    }
}
