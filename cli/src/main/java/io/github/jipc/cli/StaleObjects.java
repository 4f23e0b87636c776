package io.github.jipc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.jipc.MessageQueue;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.SharedMemory;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.SystemVSharedMemory;

/**
 * Which IPC objects no live process uses any more, and their removal. The
 * rules, one per kind (the README's "Stale objects" states them too):
 *
 * <ul>
 * <li>System V segment: nothing attached ({@code nattch} 0), its creator
 *     ({@code shm_cpid}) and last attacher or detacher ({@code shm_lpid}) dead;
 * <li>System V semaphore set: the last process to operate on each semaphore
 *     ({@code sempid}) dead or none, no process waiting, unchanged for the minimum age;
 * <li>POSIX shared memory object, named semaphore, message queue: no process
 *     has it open ({@code /proc/PID/fd}) or mapped ({@code /proc/PID/maps}),
 *     unchanged for the minimum age (a creator between its create and its
 *     map is not mistaken for dead).
 * </ul>
 *
 * Every object is named by a reference that {@code jipc rm} takes:
 * {@code sysv-shm:ID}, {@code sysv-sem:ID}, {@code shm:/NAME},
 * {@code sem:/NAME}, {@code mq:/NAME}.
 */
final class StaleObjects {
    /** One object: the reference rm takes, its kind, and who uses it (empty: stale), or why it counts as in use. */
    record Verdict(String ref, String kind, String detail, List<String> inUseBy) {
        boolean stale() {
            return inUseBy.isEmpty();
        }
    }

    private final Path proc;
    private final Path devShm;
    private final Path devMqueue;
    private final Duration minAge;
    private final ProcessUsers users;
    private final boolean queues;

    StaleObjects(Path proc, Path devShm, Path devMqueue, Duration minAge) throws IOException {
        this.proc = proc;
        this.devShm = devShm;
        this.devMqueue = devMqueue;
        this.minAge = minAge;
        this.users = ProcessUsers.scan(proc);
        this.queues = new Inventory(proc, devShm, devMqueue).mountQueues();
    }

    static StaleObjects ofThisMachine(Duration minAge) throws IOException {
        return new StaleObjects(Path.of("/proc"), Path.of("/dev/shm"), Path.of("/dev/mqueue"), minAge);
    }

    /** Notes on what makes the verdicts unsure. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (!users.unreadable().isEmpty()) {
            long[] uidAndCaps = ProcessUsers.effectiveUidAndCapabilities(proc);
            notes.add(unreadableNote(users.unreadable(), users::describe, uidAndCaps[0], uidAndCaps[1]));
        }
        if (!queues) {
            notes.add("POSIX message queues: " + devMqueue + " is not mounted and could not be");
        }
        return notes;
    }

    /** CAP_SYS_PTRACE, capability(7) number 19. */
    private static final int CAP_SYS_PTRACE = 19;

    /**
     * The note on processes whose /proc folders could not be read. Not root
     * (or not known to be): running as root is the way to see more. As root,
     * that advice would be false: the note names each process and the error,
     * and says what the kernel's ptrace access check (proc(5), ptrace(2)
     * "Ptrace access mode checking") wants, CAP_SYS_PTRACE, which a container
     * may drop.
     *
     * @param unreadable   pid → why its folder could not be read
     * @param describe     "pid 1 (init)" for a pid
     * @param euid         this process's effective uid, -1 if unknown
     * @param capabilities its effective capability set (CapEff), -1 if unknown
     */
    static String unreadableNote(Map<Long, String> unreadable, Function<Long, String> describe, long euid,
            long capabilities) {
        if (euid != 0) {
            return "process(es) whose descriptors and mappings this user may not read, so their use is not seen: "
                    + unreadable.keySet().stream().map(describe).toList() + " (run as root to see more)";
        }
        String ptrace = capabilities == -1 ? ""
                : (capabilities & (1L << CAP_SYS_PTRACE)) == 0 ? "; this process lacks CAP_SYS_PTRACE (CapEff "
                        + Long.toHexString(capabilities) + "), which reading another user's or a non-dumpable process's"
                        + " /proc/PID/fd and maps needs: containers often drop it"
                        : "; this process has CAP_SYS_PTRACE, so the refusal likely comes from a security module"
                                + " (Yama, AppArmor, SELinux) or a process outside this user namespace";
        StringBuilder b = new StringBuilder("process(es) whose descriptors and mappings could not be read, even as root,"
                + " so their use is not seen: ");
        String sep = "";
        for (Map.Entry<Long, String> e : unreadable.entrySet()) {
            b.append(sep).append(describe.apply(e.getKey())).append(": ").append(e.getValue());
            sep = "; ";
        }
        return b.append(ptrace).toString();
    }

    /** A verdict on every object of the kinds above. */
    List<Verdict> all() throws IOException {
        List<Verdict> all = new ArrayList<>();
        for (String[] f : table("sysvipc/shm")) {
            all.add(segment(Long.parseLong(f[1])));
        }
        for (String[] f : table("sysvipc/sem")) {
            all.add(semaphores(Integer.parseInt(f[1])));
        }
        for (Path dir : queues ? List.of(devShm, devMqueue) : List.of(devShm)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    String file = p.getFileName().toString();
                    String ref = dir.equals(devMqueue) ? "mq:/" + file : file.startsWith("sem.") ? "sem:/" + file.substring(4)
                            : "shm:/" + file;
                    try {
                        all.add(verdict(ref));
                    } catch (NoSuchFileException e) {
                        // removed meanwhile
                    }
                }
            }
        }
        return all;
    }

    /** The verdict on one object, by its reference. */
    Verdict verdict(String ref) throws IOException {
        int colon = ref.indexOf(':');
        String kind = colon < 0 ? "" : ref.substring(0, colon);
        String name = ref.substring(colon + 1);
        return switch (kind) {
            case "sysv-shm" -> segment(Long.parseLong(name));
            case "sysv-sem" -> semaphores(Integer.parseInt(name));
            case "shm" -> file(ref, "POSIX shm", devShm.resolve(bare(name)));
            case "sem" -> file(ref, "POSIX sem", devShm.resolve("sem." + bare(name)));
            case "mq" -> {
                if (!queues) {
                    throw new IOException(devMqueue + " is not mounted: queues cannot be checked");
                }
                yield file(ref, "POSIX mq", devMqueue.resolve(bare(name)));
            }
            default -> throw new IllegalArgumentException("'" + ref + "' is no object reference: sysv-shm:ID, sysv-sem:ID, "
                    + "shm:/NAME, sem:/NAME or mq:/NAME, as jipc ls --stale prints them");
        };
    }

    private static String bare(String name) {
        String n = name.startsWith("/") ? name.substring(1) : name;
        if (n.isEmpty() || n.contains("/") || n.equals(".") || n.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is no POSIX object name");
        }
        return n;
    }

    private List<String[]> table(String name) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve(name), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return rows;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            rows.add(line.trim().split("\\s+"));
        }
        return rows;
    }

    private String[] row(String table, long id) throws IOException {
        for (String[] f : table(table)) {
            if (Long.parseLong(f[1]) == id) {
                return f;
            }
        }
        throw new NoSuchFileException(table + " has no id " + id);
    }

    private Verdict segment(long id) throws IOException {
        // key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime ...
        String[] f = row("sysvipc/shm", id);
        long cpid = Long.parseLong(f[4]);
        long lpid = Long.parseLong(f[5]);
        long nattch = Long.parseLong(f[6]);
        List<String> in = new ArrayList<>();
        for (long pid : users.usersOfSegment(id)) {
            in.add("attached by " + users.describe(pid));
        }
        if (nattch > 0 && in.isEmpty()) {
            in.add(nattch + " attachment(s)");
        }
        if (users.alive(cpid)) {
            in.add("its creator " + users.describe(cpid) + " runs");
        }
        if (lpid != cpid && users.alive(lpid)) {
            in.add("its last attacher " + users.describe(lpid) + " runs");
        }
        return new Verdict("sysv-shm:" + id, "SysV shm", f[3] + " B, creator pid " + cpid + ", last pid " + lpid, in);
    }

    private Verdict semaphores(int id) throws IOException {
        // key semid perms nsems uid gid cuid cgid otime ctime
        String[] f = row("sysvipc/sem", id);
        List<String> in = new ArrayList<>();
        Instant changed = Instant.ofEpochSecond(Math.max(Long.parseLong(f[8]), Long.parseLong(f[9])));
        try (SystemVSemaphores set = SystemVSemaphores.ofId(id)) {
            for (int i = 0; i < set.count(); i++) {
                long pid = set.lastPid(i);
                if (users.alive(pid)) {
                    in.add("semaphore " + i + " last used by " + users.describe(pid));
                }
                if (set.waitingToTake(i) + set.waitingForZero(i) > 0) {
                    in.add("processes wait on semaphore " + i);
                }
            }
        }
        young(changed, in);
        return new Verdict("sysv-sem:" + id, "SysV sem", f[3] + " semaphore(s)", in);
    }

    private Verdict file(String ref, String kind, Path file) throws IOException {
        List<String> in = new ArrayList<>();
        for (long pid : users.usersOf(file)) {
            in.add("open or mapped by " + users.describe(pid));
        }
        FileTime m = Files.getLastModifiedTime(file);
        FileTime c = (FileTime) Files.getAttribute(file, "unix:ctime");
        young(m.compareTo(c) > 0 ? m.toInstant() : c.toInstant(), in);
        return new Verdict(ref, kind, Files.size(file) + " B", in);
    }

    private void young(Instant changed, List<String> in) {
        Duration age = Duration.between(changed, Instant.now());
        if (age.compareTo(minAge) < 0) {
            in.add("changed " + age.toSeconds() + " s ago, under the minimum age of " + minAge.toSeconds() + " s");
        }
    }

    /** Removes the object of a stale verdict (IPC_RMID or unlink). */
    static void remove(Verdict v) throws IOException {
        String name = v.ref().substring(v.ref().indexOf(':') + 1);
        switch (v.ref().substring(0, v.ref().indexOf(':'))) {
            case "sysv-shm" -> SystemVSharedMemory.ofId(Integer.parseInt(name)).remove();
            case "sysv-sem" -> {
                try (SystemVSemaphores set = SystemVSemaphores.ofId(Integer.parseInt(name))) {
                    set.remove();
                }
            }
            case "shm" -> SharedMemory.unlink(name);
            case "sem" -> PosixSemaphore.unlink(name);
            case "mq" -> MessageQueue.unlink(name);
            default -> throw new IllegalArgumentException(v.ref());
        }
    }
}
