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
 * Fails a test class that leaves message queues behind: a queue descriptor of
 * the tests' prefix still open, or (where /dev/mqueue is mounted, which
 * {@link #mounted()} tries to arrange) a queue of that prefix still named.
 */
final class MqLeaks implements AfterAllCallback {
    /** The prefix of every queue name the unit tests use. */
    static final String PREFIX = "jipc-unit-mq-" + ProcessHandle.current().pid() + "-";
    static final Path MQUEUE = Path.of("/dev/mqueue");

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> left = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // closes deferred to a leaving thread may lag a little
            left = leftovers();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        fail(context.getDisplayName() + " left message queues behind:\n" + String.join("\n", left));
    }

    static List<String> leftovers() throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("/" + PREFIX) || target.startsWith("/jipc-unnamed-" + ProcessHandle.current().pid())) {
                        left.add("open: " + fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        if (mounted()) {
            try (Stream<Path> q = Files.list(MQUEUE)) {
                q.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                        || p.getFileName().toString().startsWith("jipc-unnamed-"))
                        .forEach(p -> left.add("queue: " + p));
            }
        }
        return left;
    }

    /**
     * Whether the mqueue file system is mounted at /dev/mqueue; mounts it
     * (mount -t mqueue none /dev/mqueue) when it is not and this process may.
     */
    static synchronized boolean mounted() {
        if (isMounted()) {
            return true;
        }
        try {
            Files.createDirectories(MQUEUE);
            Process p = new ProcessBuilder("mount", "-t", "mqueue", "none", MQUEUE.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
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
            // no mounts to read: not mounted
        }
        return false;
    }
}
