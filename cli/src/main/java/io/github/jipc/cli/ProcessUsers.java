package io.github.jipc.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which processes use which IPC objects, from one scan of {@code /proc}: the
 * descriptors of every process ({@code /proc/PID/fd}, by device and inode of
 * what they refer to) and its mappings ({@code /proc/PID/maps}, files by
 * device and inode, System V segments by id). Processes whose folders this
 * one may not read are listed apart: their use is not seen.
 */
final class ProcessUsers {
    private final Path proc;
    private final Map<String, TreeSet<Long>> byFile = new HashMap<>();
    private final Map<Long, TreeSet<Long>> bySegment = new HashMap<>();
    /** pid → why its folder could not be read. */
    private final Map<Long, String> unreadable = new TreeMap<>();

    private ProcessUsers(Path proc) {
        this.proc = proc;
    }

    static ProcessUsers scan(Path proc) throws IOException {
        ProcessUsers u = new ProcessUsers(proc);
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : pids) {
                u.scanProcess(Long.parseLong(p.getFileName().toString()), p);
            }
        }
        return u;
    }

    private void scanProcess(long pid, Path dir) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    Map<String, Object> a = Files.readAttributes(fd, "unix:dev,ino");
                    byFile.computeIfAbsent(key((Long) a.get("dev"), (Long) a.get("ino")), k -> new TreeSet<>()).add(pid);
                } catch (IOException e) {
                    // closed meanwhile, or a descriptor stat cannot follow
                }
            }
            for (String line : Files.readAllLines(dir.resolve("maps"))) {
                String[] f = line.trim().split("\\s+", 6);
                if (f.length < 6) {
                    continue;
                }
                long inode = Long.parseLong(f[4]);
                if (f[5].startsWith("/SYSV")) {
                    bySegment.computeIfAbsent(inode, k -> new TreeSet<>()).add(pid);
                } else if (inode != 0) {
                    byFile.computeIfAbsent(f[3] + ":" + inode, k -> new TreeSet<>()).add(pid);
                }
            }
        } catch (NoSuchFileException e) {
            // the process ended meanwhile
        } catch (IOException e) {
            if (!zombieOrGone(dir)) { // a zombie holds nothing, and its fd folder is refused
                unreadable.put(pid, why(e));
            }
        }
    }

    /** "/proc/1/fd: permission denied (EACCES)": the file and the reason, as the exception gives them. */
    static String why(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": " + (a.getReason() != null ? a.getReason() : "permission denied (EACCES)");
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.toString();
    }

    private static boolean zombieOrGone(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Device and inode as /proc/PID/maps writes them: "major:minor:inode", in hex for the device. */
    static String key(long dev, long ino) {
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return String.format("%02x:%02x:%d", major, minor, ino);
    }

    /** The processes that have the file open or mapped. */
    List<Long> usersOf(Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino");
        return List.copyOf(byFile.getOrDefault(key((Long) a.get("dev"), (Long) a.get("ino")), new TreeSet<>()));
    }

    /** The processes that have the System V segment attached. */
    List<Long> usersOfSegment(long shmid) {
        return List.copyOf(bySegment.getOrDefault(shmid, new TreeSet<>()));
    }

    /** Processes whose descriptors and mappings this one could not read, with why: their use is not seen. */
    Map<Long, String> unreadable() {
        return unreadable;
    }

    /**
     * This process's effective uid and effective capabilities, from the
     * "Uid:" and "CapEff:" lines of proc/self/status (proc(5)); -1 for what
     * cannot be read.
     */
    static long[] effectiveUidAndCapabilities(Path proc) {
        long[] out = { -1, -1 };
        try {
            for (String line : Files.readAllLines(proc.resolve("self/status"))) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("Uid:") && f.length > 2) {
                    out[0] = Long.parseLong(f[2]);
                } else if (f[0].equals("CapEff:") && f.length > 1) {
                    out[1] = Long.parseUnsignedLong(f[1], 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: -1
        }
        return out;
    }

    boolean alive(long pid) {
        return pid > 0 && Files.isDirectory(proc.resolve(Long.toString(pid)));
    }

    /** "pid 123 (java)", for messages. */
    String describe(long pid) {
        try {
            return "pid " + pid + " (" + Files.readString(proc.resolve(pid + "/comm")).trim() + ")";
        } catch (IOException e) {
            return "pid " + pid;
        }
    }
}
