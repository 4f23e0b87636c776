package io.github.jipc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this JVM holds and what this user has named, at one instant, as
 * "kind: description" lines; {@link #minus} gives what is new.
 */
final class Snapshot {
    static final long PID = ProcessHandle.current().pid();
    private static final String TMP = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().toString();
    private static final String SELF_FD = "/proc/" + PID + "/fd";
    /** A name made by a jipc test run carries that JVM's pid: "jipc-unit-1234-", "jipc-it-mq-1234-". */
    private static final Pattern RUN = Pattern.compile("jipc-[a-z-]*?(\\d+)-");
    private static final Path MQUEUE = Path.of("/dev/mqueue");

    /** kind → (identity → description). The identity decides what is new; the description names it. */
    final Map<String, Map<String, String>> objects = new TreeMap<>();

    static Snapshot take() throws IOException {
        Snapshot s = new Snapshot();
        s.descriptors();
        s.mappings();
        s.sysv("shm", "segment");
        s.sysv("sem", "semaphore set");
        s.sysv("msg", "message queue (System V)");
        s.names(Path.of("/dev/shm"), "/dev/shm entry");
        if (Files.isDirectory(MQUEUE) && mqueueMounted()) {
            s.names(MQUEUE, "/dev/mqueue entry");
        }
        s.socketFiles();
        s.children();
        return s;
    }

    /**
     * The objects only this JVM's run can have made, for the check after each
     * test: mappings of System V segments and of /dev/shm objects and memfds
     * whose names carry this JVM's run mark; /dev/shm and /dev/mqueue entries
     * carrying it; System V objects of this JVM's keys ({@link RunMarks}), of
     * any user.
     */
    static Snapshot takeMarked() throws IOException {
        Snapshot s = new Snapshot();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length == 6 && (f[5].startsWith("/SYSV")
                    || ((f[5].startsWith("/dev/shm/") || f[5].startsWith("/memfd:")) && ownRun(f[5])))) {
                s.put("mapping", f[0] + " " + f[5], f[0] + " " + f[1] + " " + f[5]);
            }
        }
        s.markedSysv("shm", "segment");
        s.markedSysv("sem", "semaphore set");
        s.markedSysv("msg", "message queue (System V)");
        s.markedNames(Path.of("/dev/shm"), "/dev/shm entry");
        if (Files.isDirectory(MQUEUE) && mqueueMounted()) {
            s.markedNames(MQUEUE, "/dev/mqueue entry");
        }
        return s;
    }

    private void markedSysv(String file, String kind) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/sysvipc", file));
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            int key = Integer.parseInt(f[0]);
            if (RunMarks.ownKey(key)) {
                String k = String.format("0x%08x", key);
                put(kind, f[1] + " " + k, "id " + f[1] + ", key " + k);
            }
        }
    }

    private void markedNames(Path dir, String kind) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (ownRun(p.getFileName().toString())) {
                    put(kind, p.toString(), p.toString());
                }
            }
        } catch (NoSuchFileException e) {
            // no such folder here
        }
    }

    /**
     * Removes the named objects this snapshot has and before had not that
     * carry this JVM's run mark or keys: /dev/shm and /dev/mqueue entries,
     * System V objects (ipcrm). Anything else is left alone: it may be
     * another program's.
     *
     * @return what could not be removed, one line each
     */
    List<String> removeMarked(Snapshot before) {
        List<String> failed = new ArrayList<>();
        objects.forEach((kind, now) -> now.keySet().forEach(id -> {
            if (before.objects.getOrDefault(kind, Map.of()).containsKey(id)) {
                return;
            }
            try {
                switch (kind) {
                    case "/dev/shm entry", "/dev/mqueue entry" -> {
                        if (ownRun(Path.of(id).getFileName().toString())) {
                            Files.deleteIfExists(Path.of(id));
                        }
                    }
                    case "segment", "semaphore set", "message queue (System V)" -> {
                        String[] f = id.split(" ");
                        if (RunMarks.ownKey(Integer.parseUnsignedInt(f[1].substring(2), 16))) {
                            String option = kind.equals("segment") ? "-m" : kind.equals("semaphore set") ? "-s" : "-q";
                            Process p = new ProcessBuilder("ipcrm", option, f[0]).redirectErrorStream(true).start();
                            String out = new String(p.getInputStream().readAllBytes()).trim();
                            if (p.waitFor() != 0) {
                                failed.add(kind + " " + id + ": ipcrm: " + out);
                            }
                        }
                    }
                    default -> {
                        // mappings and the rest: nothing to remove by name
                    }
                }
            } catch (IOException e) {
                failed.add(kind + " " + id + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.add(kind + " " + id + ": interrupted");
            }
        }));
        return failed;
    }

    /** What this snapshot has and before had not, one line each. */
    List<String> minus(Snapshot before) {
        List<String> added = new ArrayList<>();
        objects.forEach((kind, now) -> {
            Map<String, String> then = before.objects.getOrDefault(kind, Map.of());
            now.forEach((id, what) -> {
                if (!then.containsKey(id)) {
                    added.add(kind + ": " + what);
                }
            });
        });
        return added;
    }

    private void put(String kind, String id, String what) {
        objects.computeIfAbsent(kind, k -> new TreeMap<>()).put(id, what);
    }

    /** The jar files of the class path and the JDK, which class loading opens on first use and keeps open. */
    private static final Set<String> CLASS_PATH_JARS = classPathJars();

    private static Set<String> classPathJars() {
        Set<String> jars = new TreeSet<>();
        for (String property : new String[] { "java.class.path", "jdk.module.path" }) {
            for (String e : System.getProperty(property, "").split(java.io.File.pathSeparator)) {
                if (e.endsWith(".jar")) {
                    jars.add(Path.of(e).toAbsolutePath().normalize().toString());
                }
            }
        }
        return jars;
    }

    /**
     * Every descriptor but two kinds: the jar files of the class path and the
     * JDK (class loading opens them on first use and keeps them open for the
     * JVM's lifetime) and the listing's own directory descriptor. A descriptor
     * is identified by number and target, so a number reused for something
     * else counts as new.
     */
    private void descriptors() throws IOException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed while listing
                }
                if (target.equals(SELF_FD) || CLASS_PATH_JARS.contains(target)
                        || (target.endsWith(".jar") && target.startsWith(System.getProperty("java.home")))) {
                    continue;
                }
                String fd = p.getFileName().toString();
                put("descriptor", fd + " " + target, "fd " + fd + " -> " + target);
            }
        }
    }

    /** Mappings of the kinds jipc makes: System V segments, /dev/shm objects, memfds, files in the temp folder. */
    private void mappings() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6) {
                continue;
            }
            String path = f[5];
            if (path.startsWith("/SYSV") || path.startsWith("/dev/shm/") || path.startsWith("/memfd:")
                    || path.startsWith(TMP + "/")) {
                put("mapping", f[0] + " " + path, f[0] + " " + f[1] + " " + path);
            }
        }
    }

    /**
     * System V objects of this user (ipcs), by id and key. A segment whose
     * creator is a live process outside this JVM's tree is another program's.
     * Objects of this JVM's keys ({@link RunMarks#sysvKey}) count whoever owns
     * or made them (a child running as another user, say).
     */
    private void sysv(String file, String kind) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/sysvipc", file));
        if (lines.isEmpty()) {
            return;
        }
        List<String> header = List.of(lines.get(0).trim().split("\\s+"));
        int uid = header.indexOf("uid");
        int cpid = header.indexOf("cpid");
        String me = Integer.toString(uid());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            boolean marked = RunMarks.ownKey(Integer.parseInt(f[0]));
            if (!marked && (!f[uid].equals(me) || (cpid >= 0 && foreignProcess(Long.parseLong(f[cpid]))))) {
                continue;
            }
            String key = String.format("0x%08x", Integer.parseInt(f[0]));
            put(kind, f[1] + " " + key, "id " + f[1] + ", key " + key + (cpid >= 0 ? ", creator pid " + f[cpid] : ""));
        }
    }

    /** Entries of a folder of named objects (/dev/shm, /dev/mqueue), other test runs' names aside. */
    private void names(Path dir, String kind) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!otherRun(p.getFileName().toString())) {
                    put(kind, p.toString(), p.toString());
                }
            }
        } catch (NoSuchFileException e) {
            // no such folder here
        }
    }

    /**
     * Socket files in the test folders of the temp folder: JUnit's temporary
     * folders ({@code junit*}) and jipc's scratch folders ({@code jipc-*}), two
     * levels down. Other programs' folders are not looked into, and a file
     * that another process's live socket is bound to (/proc/net/unix) is not
     * this JVM's.
     */
    private void socketFiles() throws IOException {
        Set<String> foreignBound = null;
        try (DirectoryStream<Path> top = Files.newDirectoryStream(Path.of(TMP),
                p -> p.getFileName().toString().startsWith("junit") || p.getFileName().toString().startsWith("jipc-"))) {
            for (Path dir : top) {
                try (Stream<Path> s = Files.walk(dir, 2)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        int mode;
                        try {
                            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                        } catch (IOException e) {
                            continue; // gone while walking
                        }
                        if ((mode & 0170000) != 0140000 || otherRun(p.toString())) {
                            continue;
                        }
                        if (foreignBound == null) {
                            foreignBound = boundByOthers();
                        }
                        if (!foreignBound.contains(p.toString())) {
                            put("socket file", p.toString(), p.toString());
                        }
                    }
                } catch (IOException | UncheckedIOException e) {
                    // a folder gone or unreadable while walking: the rest was seen
                }
            }
        }
    }

    /** Paths of Unix sockets bound by a socket this JVM holds no descriptor of. */
    private static Set<String> boundByOthers() throws IOException {
        Set<String> ours = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    String t = Files.readSymbolicLink(p).toString();
                    if (t.startsWith("socket:[")) {
                        ours.add(t.substring(8, t.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        Set<String> others = new TreeSet<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/net/unix"));
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+", 8);
            if (f.length == 8 && !ours.contains(f[6])) {
                others.add(f[7]);
            }
        }
        return others;
    }

    /** Child processes of this JVM (any thread's), with their command lines. */
    private void children() {
        ProcessHandle.current().children().forEach(c -> put("child process", Long.toString(c.pid()),
                c.pid() + " " + c.info().commandLine().orElse("?")));
    }

    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** A line of {@link #minus} whose object has no creator recorded by the kernel. */
    static boolean creatorUnknown(String line) {
        return line.startsWith("semaphore set: ") || line.startsWith("message queue (System V): ");
    }

    /** Live processes outside this JVM's tree with jipc's JNI library mapped, as "pid command". */
    static List<String> otherJipcProcesses() {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(p -> foreignProcess(p.pid())).forEach(p -> {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "maps"))) {
                    if (line.contains("libjniJipc")) {
                        found.add(p.pid() + " " + p.info().command().orElse("?"));
                        return;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // gone, or not ours to read
            }
        });
        return found;
    }

    /** A live process that is neither this JVM nor one of its descendants. */
    private static boolean foreignProcess(long pid) {
        if (pid == PID) {
            return false;
        }
        return ProcessHandle.of(pid).map(p -> {
            for (ProcessHandle q = p; ; ) {
                java.util.Optional<ProcessHandle> parent = q.parent();
                if (parent.isEmpty()) {
                    return true;
                }
                if (parent.get().pid() == PID) {
                    return false;
                }
                q = parent.get();
            }
        }).orElse(false);
    }

    /** A name that carries this JVM's test-run marker (jipc-...-<pid>-). */
    static boolean ownRun(String name) {
        Matcher m = RUN.matcher(name);
        while (m.find()) {
            if (m.group(1).equals(Long.toString(PID))) {
                return true;
            }
        }
        return false;
    }

    /** A name that carries another live JVM's test-run marker (jipc-...-<pid>-). */
    static boolean otherRun(String name) {
        Matcher m = RUN.matcher(name);
        while (m.find()) {
            long pid;
            try {
                pid = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid != PID && ProcessHandle.of(pid).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mounts the mqueue file system on /dev/mqueue (mount -t mqueue none
     * /dev/mqueue) when it is not there and this process may, so that queues
     * left behind are seen; false, with the check of queues skipped, if not.
     */
    static boolean mountMqueue() {
        try {
            if (mqueueMounted()) {
                return true;
            }
            Files.createDirectories(MQUEUE);
            Process p = new ProcessBuilder("mount", "-t", "mqueue", "none", MQUEUE.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return mqueueMounted();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean mqueueMounted() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals(MQUEUE.toString()) && f[2].equals("mqueue")) {
                return true;
            }
        }
        return false;
    }

    static Set<String> descriptorsOnly() throws IOException {
        Snapshot s = new Snapshot();
        s.descriptors();
        return new TreeSet<>(s.objects.getOrDefault("descriptor", Map.of()).values());
    }
}
