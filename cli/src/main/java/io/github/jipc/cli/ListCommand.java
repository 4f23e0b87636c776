package io.github.jipc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jipc ls}: the named IPC objects of this machine, with owner, mode and whether their creator runs. */
@Command(name = "ls",
        mixinStandardHelpOptions = true,
        versionProvider = JipcCommand.Version.class,
        description = {
            "Lists the named IPC objects of this machine: System V shared memory segments, semaphore",
            "sets and message queues, POSIX shared memory objects, named semaphores and message queues,",
            "and Unix socket files and abstract names; with size, owner, mode, and for System V",
            "segments the creator's pid and whether that process still runs.",
            "%nLeft-over objects of crashed programs show as 'creator alive: no'; remove them with",
            "ipcrm(1), rm(1) on /dev/shm or /dev/mqueue, or the owning program."
        })
final class ListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--kind", paramLabel = "TEXT",
            description = "Only objects whose kind contains TEXT, e.g. 'shm', 'sem', 'POSIX', 'socket'.")
    private String kind;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> notes = new ArrayList<>();
        List<Inventory.Entry> entries = new ArrayList<>();
        for (Inventory.Entry e : Inventory.ofThisMachine().list(notes)) {
            if (kind == null || e.kind().toLowerCase(java.util.Locale.ROOT).contains(kind.toLowerCase(java.util.Locale.ROOT))) {
                entries.add(e);
            }
        }
        String format = "%-12s %-36s %-22s %-10s %-10s %-8s %s%n";
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
