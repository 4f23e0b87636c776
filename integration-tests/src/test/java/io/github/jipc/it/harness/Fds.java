package io.github.jipc.it.harness;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The descriptors this JVM has open, from /proc/self/fd, for leak checks.
 *
 * <p>Jar files are left out: class loading opens them on first use and keeps
 * them open for the JVM's lifetime, which is not a leak of the code under test.
 */
public final class Fds {
    private static final String SELF = "/proc/" + ProcessHandle.current().pid() + "/fd";

    private Fds() {}

    /** fd number to what it refers to ("pipe:[123]", "anon_inode:[eventfd]", a path). */
    public static Map<Integer, String> snapshot() throws IOException {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed while listing
                }
                if (!target.equals(SELF) && !target.endsWith(".jar")) {
                    fds.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            }
        }
        return fds;
    }

    /** How many descriptors are open (jar files aside). */
    public static int count() throws IOException {
        return snapshot().size();
    }

    /**
     * Fails unless the open descriptors are as many as in before, naming the
     * ones added. Waits up to a second for descriptors that are on their way to
     * being closed (a child being reaped by another thread).
     */
    public static void assertNoneLeaked(Map<Integer, String> before, String when) throws IOException, InterruptedException {
        // A leak is a descriptor that was not open before; fewer is fine (a reaper may have closed
        // the pidfd of a child that ended meanwhile).
        long deadline = System.nanoTime() + 1_000_000_000L;
        List<String> added = new ArrayList<>();
        Map<Integer, String> now;
        for (;;) {
            now = snapshot();
            added.clear();
            now.forEach((fd, target) -> {
                if (!target.equals(before.get(fd))) {
                    added.add(fd + " -> " + target);
                }
            });
            if (added.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(10);
        }
        if (!added.isEmpty()) {
            fail(when + ": " + before.size() + " descriptors open before, " + now.size() + " after; new or changed: " + added);
        }
    }
}
