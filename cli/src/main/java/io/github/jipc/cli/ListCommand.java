package io.github.jipc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jipc ls}: the named IPC objects of this machine, with owner, mode and whether their creator runs; message rings as rings. */
@Command(name = "ls",
        mixinStandardHelpOptions = true,
        versionProvider = JipcCommand.Version.class,
        description = {
            "Lists the named IPC objects of this machine.",
            "%nSystem V shared memory segments, semaphore sets and message queues, POSIX shared memory objects,"
                    + " named semaphores and message queues, and Unix socket files and abstract names; with size,"
                    + " owner, mode, and for System V segments the creator's pid and whether that process still runs."
                    + " A POSIX shared memory object that holds a jipc message ring at its start is listed as a ring,"
                    + " with its kind, capacity and consumer.",
            "%nWith --stale, only the objects no live process uses (see jipc rm --help for the rules),",
            "each with the reference jipc rm takes."
        })
final class ListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--kind", paramLabel = "TEXT",
            description = "Only objects whose kind contains TEXT, e.g. 'shm', 'sem', 'POSIX', 'socket'.")
    private String kind;

    @Option(names = "--stale", description = "Only objects whose users are dead: creator, attachers, openers, mappers.")
    private boolean stale;

    @Option(names = "--min-age", paramLabel = "SECONDS", defaultValue = "60",
            description = "With --stale: a POSIX object or semaphore set changed more recently counts as in use (default: ${DEFAULT-VALUE}).")
    private long minAgeSeconds;

    @Option(names = "--match", paramLabel = "TEXT", description = "With --stale: only objects whose reference contains TEXT.")
    private String match;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (stale) {
            StaleObjects objects = StaleObjects.ofThisMachine(java.time.Duration.ofSeconds(minAgeSeconds));
            int n = 0;
            String format = "%-44s %-10s %s%n";
            out.printf(format, "REFERENCE (for jipc rm)", "KIND", "DETAIL");
            for (StaleObjects.Verdict v : objects.all()) {
                if (v.stale() && (match == null || v.ref().contains(match))
                        && (kind == null || v.kind().toLowerCase(java.util.Locale.ROOT).contains(kind.toLowerCase(java.util.Locale.ROOT)))) {
                    out.printf(format, v.ref(), v.kind(), v.detail());
                    n++;
                }
            }
            out.printf("%d stale object(s)%n", n);
            objects.notes().forEach(note -> out.println("note: " + note));
            out.flush();
            return 0;
        }
        List<String> notes = new ArrayList<>();
        List<Inventory.Entry> entries = new ArrayList<>();
        for (Inventory.Entry e : Inventory.ofThisMachine().list(notes)) {
            if (kind == null || e.kind().toLowerCase(java.util.Locale.ROOT).contains(kind.toLowerCase(java.util.Locale.ROOT))) {
                entries.add(e);
            }
        }
        String format = "%-14s %-36s %-22s %-10s %-10s %-8s %s%n";
        out.printf(format, "KIND", "NAME", "SIZE", "OWNER", "MODE", "CREATOR", "CREATOR ALIVE");
        for (Inventory.Entry e : entries) {
            out.printf(format, e.kind(), e.name(), e.size(), e.owner(), e.mode(),
                    e.creatorPid() > 0 ? Long.toString(e.creatorPid()) : "-", e.alive());
        }
        out.printf("%d object(s)%n", entries.size());
        notes.forEach(n -> out.println("note: " + n));
        out.flush();
        return 0;
    }
}
