package io.github.jipc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jipc rm}: removes IPC objects no live process uses; refuses the others, naming who uses them. */
@Command(name = "rm",
        mixinStandardHelpOptions = true,
        versionProvider = JipcCommand.Version.class,
        description = {
            "Removes IPC objects that no live process uses.",
            "%nIt removes them with IPC_RMID, shm_unlink, sem_unlink or mq_unlink; an object in use is refused,"
                    + " and the message names the process that uses it.",
            "%nAn object counts as stale when:",
            "  sysv-shm:ID   nothing is attached, and its creator and last attacher are dead;",
            "  sysv-sem:ID   the last process to operate on each semaphore is dead, none waits,",
            "                and it has not changed for the minimum age;",
            "  shm:/NAME, sem:/NAME, mq:/NAME   no process has it open or mapped (/proc/PID/fd,",
            "                /proc/PID/maps), and it has not changed for the minimum age.",
            "%nThe references are the ones jipc ls --stale prints. Exit code 1 if any was refused."
        })
final class RmCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "OBJECT", arity = "0..*",
            description = "sysv-shm:ID, sysv-sem:ID, shm:/NAME, sem:/NAME or mq:/NAME.")
    private List<String> refs = new ArrayList<>();

    @Option(names = "--stale", description = "Every stale object (with --match, those whose reference contains TEXT).")
    private boolean stale;

    @Option(names = "--match", paramLabel = "TEXT", description = "With --stale: only references containing TEXT.")
    private String match;

    @Option(names = "--min-age", paramLabel = "SECONDS", defaultValue = "60",
            description = "A POSIX object or semaphore set changed more recently counts as in use (default: ${DEFAULT-VALUE}).")
    private long minAgeSeconds;

    @Option(names = "--dry-run", description = "Say what would be removed, remove nothing.")
    private boolean dryRun;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (refs.isEmpty() && !stale) {
            err.println("name objects to remove, or --stale (see jipc ls --stale)");
            return 2;
        }
        StaleObjects objects = StaleObjects.ofThisMachine(Duration.ofSeconds(minAgeSeconds));
        List<StaleObjects.Verdict> verdicts = new ArrayList<>();
        int refused = 0;
        for (String ref : refs) {
            try {
                verdicts.add(objects.verdict(ref));
            } catch (IllegalArgumentException | IOException e) {
                err.println("refused " + ref + ": " + e.getMessage());
                refused++;
            }
        }
        if (stale) {
            for (StaleObjects.Verdict v : objects.all()) {
                if (v.stale() && (match == null || v.ref().contains(match))) {
                    verdicts.add(v);
                }
            }
        }
        for (StaleObjects.Verdict v : verdicts) {
            if (!v.stale()) {
                err.println("refused " + v.ref() + ": in use: " + String.join("; ", v.inUseBy()));
                refused++;
                continue;
            }
            if (dryRun) {
                out.println("would remove " + v.ref());
                continue;
            }
            try {
                StaleObjects.remove(v);
                out.println("removed " + v.ref());
            } catch (IOException e) {
                err.println("failed " + v.ref() + ": " + e.getMessage());
                refused++;
            }
        }
        objects.notes().forEach(note -> err.println("note: " + note));
        out.flush();
        err.flush();
        return refused == 0 ? 0 : 1;
    }
}
