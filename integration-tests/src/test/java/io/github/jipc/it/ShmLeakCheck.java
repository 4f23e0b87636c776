package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves shared memory behind: a System V segment of the
 * test's keys (or a semaphore set of them), a /dev/shm object of its prefix
 * (or a named semaphore), or a mapping of either (or of
 * a memory file) in this JVM's /proc/self/maps. Whatever it finds is removed.
 */
final class ShmLeakCheck implements AfterEachCallback {
    /** The prefix of every POSIX name and memory file label these tests use. */
    static final String PREFIX = "jipc-it-" + ProcessHandle.current().pid() + "-";
    private static final int KEY_BASE = 0x4a700000 | (int) (ProcessHandle.current().pid() << 4 & 0xffff0);
    private static int next;

    /** A System V key of this run: from the pid, so concurrent runs differ. */
    static synchronized int key() {
        return KEY_BASE | (next++ & 0xf);
    }

    private static boolean ours(int key) {
        return (key & ~0xf) == KEY_BASE;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<String> left = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("/SYSV") || line.contains("/dev/shm/" + PREFIX) || line.contains("/dev/shm/sem." + PREFIX)
                    || line.contains("/memfd:" + PREFIX)) {
                left.add("mapped: " + line);
            }
        }
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            for (Path p : (Iterable<Path>) shm::iterator) {
                if (p.getFileName().toString().startsWith(PREFIX) || p.getFileName().toString().startsWith("sem." + PREFIX)) {
                    left.add("object: " + p);
                    Files.delete(p);
                }
            }
        }
        List<String> segments = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
        for (String line : segments.subList(1, segments.size())) {
            String[] f = line.trim().split("\\s+");
            if (ours(Integer.parseInt(f[0]))) {
                left.add("segment: " + line.trim());
                remove(f[1]);
            }
        }
        List<String> sets = Files.readAllLines(Path.of("/proc/sysvipc/sem"));
        for (String line : sets.subList(1, sets.size())) {
            String[] f = line.trim().split("\\s+");
            if (ours(Integer.parseInt(f[0]))) {
                left.add("semaphore set: " + line.trim());
                new ProcessBuilder("ipcrm", "-s", f[1]).inheritIO().start().waitFor();
            }
        }
        if (!left.isEmpty() && context.getExecutionException().isEmpty()) {
            fail("the test left shared memory behind:\n" + String.join("\n", left));
        }
    }

    private static void remove(String shmid) throws IOException, InterruptedException {
        new ProcessBuilder("ipcrm", "-m", shmid).inheritIO().start().waitFor();
    }
}
