package io.github.jipc;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves shared memory behind: a mapping of a System V
 * segment, POSIX object, memory file or test file in /proc/self/maps, a
 * descriptor of a memory file or POSIX object of the tests, a
 * /dev/shm object of the tests' prefix, or a System V segment this process created.
 */
final class ShmLeaks implements AfterAllCallback {
    /** The prefix of every POSIX object name and memory file label the unit tests use. */
    static final String PREFIX = "jipc-unit-" + ProcessHandle.current().pid() + "-";

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> left = leftovers();
        if (!left.isEmpty()) {
            fail(context.getDisplayName() + " left shared memory behind:\n" + String.join("\n", left));
        }
    }

    static List<String> leftovers() throws IOException {
        List<String> left = new ArrayList<>();
        String tmp = System.getProperty("java.io.tmpdir");
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("/SYSV") || line.contains("/dev/shm/") || line.contains("/memfd:" + PREFIX)
                    || line.contains(tmp + "/junit")) {
                left.add("mapped: " + line);
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("/memfd:" + PREFIX) || target.startsWith("/dev/shm/" + PREFIX)) {
                        left.add("open: " + fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            shm.filter(p -> p.getFileName().toString().startsWith(PREFIX) || p.getFileName().toString().startsWith("sem." + PREFIX))
                    .forEach(p -> left.add("object: " + p));
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        List<String> segments = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
        for (String line : segments.subList(1, segments.size())) {
            String[] f = line.trim().split("\\s+");
            if (f[4].equals(pid)) { // cpid
                left.add("segment: " + line.trim());
            }
        }
        List<String> sets = Files.readAllLines(Path.of("/proc/sysvipc/sem"));
        for (String line : sets.subList(1, sets.size())) {
            String[] f = line.trim().split("\\s+");
            if ((Integer.parseInt(f[0]) & ~0xf) == SEM_KEY_BASE) {
                left.add("semaphore set: " + line.trim());
            }
        }
        return left;
    }

    private static final int SEM_KEY_BASE = 0x4a750000 | (int) (ProcessHandle.current().pid() << 4 & 0xfff0);
    private static int nextSemKey;

    /** A System V semaphore key of this test run (16 of them, reused). */
    static synchronized SysVKey semKey() {
        return SysVKey.of(SEM_KEY_BASE | (nextSemKey++ & 0xf));
    }
}
