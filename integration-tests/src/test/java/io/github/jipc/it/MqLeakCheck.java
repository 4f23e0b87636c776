package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves message queues behind: a queue of its prefix (or
 * an unnamed queue's temporary name) in /dev/mqueue, which is mounted for the
 * check (mount -t mqueue none /dev/mqueue) when it is not and this process
 * may; whatever it finds is removed. Without the mount, the check is skipped
 * with the reason printed.
 */
final class MqLeakCheck implements BeforeAllCallback, AfterEachCallback {
    /** The prefix of every queue name these tests use. */
    static final String PREFIX = "jipc-it-mq-" + ProcessHandle.current().pid() + "-";
    private static final Path MQUEUE = Path.of("/dev/mqueue");
    private static int next;

    /** A fresh queue name of this run, "/prefix-label-n". */
    static synchronized String name(String label) {
        return "/" + PREFIX + label + "-" + next++;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!mounted()) {
            System.err.println(context.getDisplayName() + ": /dev/mqueue is not mounted and cannot be: no queue leak check");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!mounted()) {
            return;
        }
        List<String> left = new ArrayList<>();
        try (Stream<Path> q = Files.list(MQUEUE)) {
            for (Path p : (Iterable<Path>) q::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(PREFIX) || n.startsWith("jipc-unnamed-")) {
                    left.add(n);
                    Files.deleteIfExists(p);
                }
            }
        }
        if (!left.isEmpty()) {
            fail(context.getDisplayName() + " left message queues behind: " + left);
        }
    }

    static synchronized boolean mounted() {
        if (isMounted()) {
            return true;
        }
        try {
            Files.createDirectories(MQUEUE);
            new ProcessBuilder("mount", "-t", "mqueue", "none", MQUEUE.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return isMounted();
    }

    private static boolean isMounted() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(MQUEUE.toString()) && f[2].equals("mqueue")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // nothing to read: not mounted
        }
        return false;
    }
}
