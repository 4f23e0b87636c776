package io.github.jipc.bench.xproc;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;

import picocli.CommandLine;

/**
 * The cross-process benchmark's entry point without the jipc command:
 * <pre>
 * java -cp bench/target/benchmarks.jar io.github.jipc.bench.xproc.Main [--quick] [--unpinned] ...
 * </pre>
 * The options are {@link BenchCommand}'s ({@code --help}).
 */
public final class Main {
    private Main() {}

    /** One benchmark run: what was asked, what was measured, the report and where it went. */
    record Outcome(BenchCommand settings, Results results, String markdown, Path report) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    /** Parses args as the command line would, and runs (for tests: progress to the given stream). */
    static Outcome run(PrintStream progress, String... args) throws Exception {
        BenchCommand s = new BenchCommand();
        new CommandLine(s).parseArgs(args);
        s.progress = progress;
        return run(s.validated());
    }

    /** Runs the benchmark; progress lines go to the settings' stream, the report and charts to its --out folder. */
    static Outcome run(BenchCommand s) throws Exception {
        PrintStream progress = s.progress;
        if (!s.unpinned) {
            Harness.pin(s.cpu);
        }
        ZonedDateTime started = ZonedDateTime.now();
        String loadBefore = Report.loadAverage();
        progress.println("jipc bench: " + s.describe());
        Results results;
        try (RunContext context = new RunContext(s)) {
            if (s.sides.contains(Side.C)) {
                context.cProgram();
            }
            results = new Harness(context, progress).run();
        }
        String md = Report.markdown(s, results, started, loadBefore, Report.loadAverage());
        Path out = s.out.toAbsolutePath();
        Files.createDirectories(out);
        Path report = out.resolve("xproc-results.md");
        Files.writeString(report, md);
        Files.writeString(out.resolve("xproc-results.csv"), Report.csv(s, results));
        if (s.charts) {
            Charts.write(s, results, out, s.placement());
        }
        progress.println("jipc bench: report, CSV" + (s.charts ? " and charts" : "") + " in " + out);
        return new Outcome(s, results, md, report);
    }
}
