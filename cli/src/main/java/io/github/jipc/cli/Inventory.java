package io.github.jipc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import io.github.jipc.Jipc;
import io.github.jipc.MapOption;
import io.github.jipc.MessageRing;
import io.github.jipc.RingLayout;
import io.github.jipc.RingStatus;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;

/**
 * The named IPC objects of this machine, as the kernel shows them: System V
 * shared memory segments and semaphore sets ({@code /proc/sysvipc}), POSIX
 * shared memory objects and named semaphores ({@code /dev/shm}), POSIX
 * message queues ({@code /dev/mqueue}, when mounted) and Unix socket files
 * ({@code /proc/net/unix}). Pure reading: only recognising a {@link MessageRing}
 * in a POSIX shared memory object uses jipc (a read-only map); without jipc's
 * native library such an object is listed as plain shared memory.
 */
final class Inventory {
    /** One object: its kind, name, size (or count), owner, mode, creator pid (or -1) and whether it still runs. */
    record Entry(String kind, String name, String size, String owner, String mode, long creatorPid, String alive) {}

    private final Path proc;
    private final Path devShm;
    private final Path devMqueue;
    /** Whether the note that rings cannot be recognised was made. */
    private boolean ringsUnknown;

    Inventory(Path proc, Path devShm, Path devMqueue) {
        this.proc = proc;
        this.devShm = devShm;
        this.devMqueue = devMqueue;
    }

    static Inventory ofThisMachine() {
        return new Inventory(Path.of("/proc"), Path.of("/dev/shm"), Path.of("/dev/mqueue"));
    }

    /** Every object, by kind; and notes on what could not be listed. */
    List<Entry> list(List<String> notes) {
        List<Entry> all = new ArrayList<>();
        sysv(all, notes, "sysvipc/shm", "SysV shm", "shmid", "size");
        sysv(all, notes, "sysvipc/sem", "SysV sem", "semid", "nsems");
        sysv(all, notes, "sysvipc/msg", "SysV msg", "msqid", "qnum");
        files(all, notes, devShm, "POSIX shm", false);
        if (mountQueues()) {
            files(all, notes, devMqueue, "POSIX mq", true);
        } else {
            notes.add("POSIX message queues: " + devMqueue + " is not mounted and could not be (as root: mkdir -p "
                    + devMqueue + " && mount -t mqueue none " + devMqueue + ")");
        }
        sockets(all, notes);
        return all;
    }

    /** A /proc/sysvipc table: a header line of column names, then one line per object. */
    private void sysv(List<Entry> all, List<String> notes, String table, String kind, String idColumn, String sizeColumn) {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve(table), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return; // no such facility in this kernel
        } catch (IOException e) {
            notes.add(kind + ": " + e);
            return;
        }
        if (lines.isEmpty()) {
            return;
        }
        List<String> columns = List.of(lines.get(0).trim().split("\\s+"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < columns.size()) {
                continue;
            }
            long key = Long.parseLong(f[columns.indexOf("key")]);
            String name = idColumn.substring(0, idColumn.length() - 2) + " id " + f[columns.indexOf(idColumn)]
                    + (key == 0 ? " (private)" : String.format(" key 0x%08x", key));
            int mode = Integer.parseInt(f[columns.indexOf("perms")], 8);
            long cpid = columns.contains("cpid") ? Long.parseLong(f[columns.indexOf("cpid")]) : -1;
            String size = f[columns.indexOf(sizeColumn)] + (sizeColumn.equals("size") ? " B" : " " + sizeColumn);
            if (columns.contains("nattch")) {
                size += ", " + f[columns.indexOf("nattch")] + " attached";
            }
            all.add(new Entry(kind, name, size, user(Integer.parseInt(f[columns.indexOf("uid")])),
                    ModeText.of(mode), cpid, alive(cpid)));
        }
    }

    /** The files of a mqueue or tmpfs folder: named semaphores are /dev/shm/sem.NAME. */
    private void files(List<Entry> all, List<String> notes, Path dir, String kind, boolean queues) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                PosixFileAttributes a;
                try {
                    a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // removed meanwhile
                }
                String file = p.getFileName().toString();
                boolean semaphore = !queues && file.startsWith("sem.");
                String size = queues ? queueSize(p) : a.size() + " B";
                String ring = queues || semaphore ? null : ring(file, a.size(), notes);
                all.add(new Entry(semaphore ? "POSIX sem" : ring != null ? kind + " ring" : kind,
                        "/" + (semaphore ? file.substring(4) : file), ring != null ? size + ", " + ring : size,
                        a.owner().getName(), PosixFilePermissions.toString(a.permissions()), -1, "n/a"));
            }
        } catch (IOException e) {
            notes.add(kind + ": " + e);
        }
    }

    /**
     * If the POSIX shared memory object holds a {@link MessageRing} at its
     * start (the header MessageRing.status checks: magic number, version,
     * sizes), its kind, capacity and consumer; else null. The object is
     * opened and mapped read-only, so nothing in it changes. (System V
     * segments are not looked into: attaching one changes its attach count
     * and last pid, which jipc ls --stale goes by.)
     */
    private String ring(String file, long size, List<String> notes) {
        if (!Jipc.isAvailable()) {
            if (!ringsUnknown) {
                ringsUnknown = true;
                notes.add("message rings are shown as plain shared memory: jipc's native library is not available ("
                        + Jipc.unavailabilityCause() + ")");
            }
            return null;
        }
        if (size < MessageRing.size(RingLayout.MIN_CAPACITY) || size >= Integer.MAX_VALUE) {
            return null; // too small for a ring, or too large for one region (a ring's data area is at most 1 GiB)
        }
        try (SharedMemory m = SharedMemory.openReadOnly("/" + file); SharedRegion r = m.map(MapOption.READ_ONLY)) {
            return MessageRing.status(r, 0).map(Inventory::describe).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null; // removed meanwhile, or not ours to read: shown as plain shared memory
        }
    }

    /** "SINGLE_PRODUCER ring, capacity 4096 B, consumer pid 42", as jipc ls shows a ring. */
    static String describe(RingStatus s) {
        return s.kind() + " ring, capacity " + s.capacity() + " B, consumer " + switch (s.consumer()) {
            case NONE -> "none yet";
            case ATTACHED -> "pid " + s.consumerPid() + " attached";
            case LEFT -> "none (left)";
            case DEAD -> "none (pid " + s.consumerPid() + " died)";
        };
    }

    /** A queue file reads "QSIZE:129 NOTIFY:0 SIGNO:0 NOTIFY_PID:0": the bytes queued, and who is notified. */
    private static String queueSize(Path p) {
        try {
            String[] f = Files.readString(p, StandardCharsets.US_ASCII).trim().split("\\s+");
            String size = f[0].startsWith("QSIZE:") ? f[0].substring(6) + " B queued" : f[0];
            for (String field : f) {
                if (field.startsWith("NOTIFY_PID:") && !field.equals("NOTIFY_PID:0")) {
                    size += ", notifies pid " + field.substring(11);
                }
            }
            return size;
        } catch (IOException e) {
            return "?";
        }
    }

    /** Unix sockets bound to a name: files, with owner and mode, and abstract names (@...). */
    private void sockets(List<Entry> all, List<String> notes) {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve("net/unix"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            notes.add("Unix sockets: " + e);
            return;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+", 8);
            // Num RefCount Protocol Flags Type St Inode Path: a bound socket and the ones it accepted share the path.
            if (f.length < 8 || !seen.add(f[7])) {
                continue;
            }
            String name = f[7];
            String type = switch (f[4]) {
                case "0001" -> "stream";
                case "0002" -> "datagram";
                case "0005" -> "seqpacket";
                default -> "type " + f[4];
            };
            if (name.startsWith("@")) {
                all.add(new Entry("Unix socket", name, type, "?", "abstract", -1, "n/a"));
                continue;
            }
            try {
                PosixFileAttributes a = Files.readAttributes(Path.of(name), PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                all.add(new Entry("Unix socket", name, type, a.owner().getName(),
                        PosixFilePermissions.toString(a.permissions()), -1, "n/a"));
            } catch (IOException e) {
                all.add(new Entry("Unix socket", name + " (file gone)", type, "?", "?", -1, "n/a"));
            }
        }
    }

    /** Whether the queue folder is the mqueue file system, mounting it first if it is not and this process may. */
    boolean mountQueues() {
        if (mounted(devMqueue)) {
            return true;
        }
        try {
            Files.createDirectories(devMqueue);
            Process mount = new ProcessBuilder("mount", "-t", "mqueue", "none", devMqueue.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!mount.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                mount.destroyForcibly();
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return mounted(devMqueue);
    }

    private boolean mounted(Path dir) {
        try {
            for (String line : Files.readAllLines(proc.resolve("self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(dir.toString()) && f[2].equals("mqueue")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private String alive(long pid) {
        if (pid <= 0) {
            return "n/a";
        }
        return Files.isDirectory(proc.resolve(Long.toString(pid))) ? "yes" : "no";
    }

    /** The user name of uid from /etc/passwd, else the number. */
    private static String user(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return Integer.toString(uid);
    }
}
