package io.github.jipc;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves descriptors open: compares /proc/self/fd
 * before and after all its tests (descriptors closed by Cleaners included,
 * as the class must close what it opens).
 */
final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // jipc keeps one descriptor for the process's lifetime (the dead pipe end
        // closing handles point their descriptors at); let it exist before counting.
        Pipe.open().close();
        context.getStore(NS).put("fds", openFds());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        Set<String> before = (Set<String>) context.getStore(NS).get("fds");
        Set<String> after = Set.of();
        for (int i = 0; i < 50; i++) { // closes deferred to a leaving thread may lag a little
            after = openFds();
            after.removeAll(before);
            if (after.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        fail(context.getDisplayName() + " left descriptors open: " + after);
    }

    /**
     * Open descriptors of the kinds jipc creates (pipes, FIFOs and files in the
     * temp folder, eventfds, pidfds), with what they point to. The JVM's own
     * (jars, sockets, /dev/urandom) are left out.
     */
    static Set<String> openFds() throws IOException {
        String tmp = System.getProperty("java.io.tmpdir");
        Set<String> fds = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("pipe:") || target.startsWith("anon_inode:") || target.startsWith(tmp)) {
                        fds.add(p.getFileName() + "->" + target);
                    }
                } catch (IOException e) {
                    // the directory stream's own descriptor, gone by now
                }
            });
        }
        return fds;
    }
}
