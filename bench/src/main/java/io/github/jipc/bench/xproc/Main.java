package io.github.jipc.bench.xproc;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The cross-process benchmark of pipes and FIFOs: round-trip latency and
 * one-way throughput between two real processes, for raw C, jipc and the
 * JDK's alternative, interleaved in rounds. Prints a Markdown report and
 * writes it to a file; {@code --help} lists the options.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.github.jipc.bench.xproc.Main
 * </pre>
 */
public final class Main {
    private Main() {}

    /** One benchmark run: what was asked, what was measured, the report. */
    record Outcome(Settings settings, Results results, String markdown) {}

    public static void main(String[] args) {
        if (Settings.wantsHelp(args)) {
            System.out.println(Settings.USAGE);
            return;
        }
        try {
            Outcome o = run(System.err, args);
            System.out.print(o.markdown());
        } catch (IllegalArgumentException e) {
            System.err.println("jipc xproc: " + e.getMessage());
            System.err.println(Settings.USAGE);
            System.exit(2);
        } catch (Exception e) {
            System.err.println("jipc xproc: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the benchmark; progress lines go to progress, the report to the --out file and the result. */
    static Outcome run(PrintStream progress, String... args) throws Exception {
        Settings s = Settings.parse(args);
        List<Contender> contenders = s.contenders().stream().map(k -> Contender.of(k, s)).toList();
        if (s.contenders().contains("c")) {
            Locations.requireProgram(s.cProgram());
        }
        ZonedDateTime started = ZonedDateTime.now();
        String loadBefore = Report.loadAverage();
        progress.println("jipc xproc: " + s.describe());
        Results results;
        try (RunContext context = new RunContext(s)) {
            results = new Harness(context, contenders, progress).run();
        }
        String md = Report.markdown(s, results, contenders, started, loadBefore, Report.loadAverage());
        Path out = s.out().toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        progress.println("jipc xproc: report written to " + out);
        return new Outcome(s, results, md);
    }
}
