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

/** Fails a test class that leaves sockets (or any descriptor NoLeaks watches) open. */
final class SocketLeaks implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SocketLeaks.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Pipe.open().close();
        // The first file creation of a surefire JVM leaves a connected Unix socket of the
        // JDK's or the C library's open for good: let it exist before counting.
        Files.delete(Files.createTempFile("jipc-socket-leaks", ".tmp"));
        context.getStore(NS).put("fds", openFds());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        Set<String> before = (Set<String>) context.getStore(NS).get("fds");
        Set<String> after = Set.of();
        for (int i = 0; i < 50; i++) {
            after = openFds();
            after.removeAll(before);
            if (after.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        fail(context.getDisplayName() + " left descriptors open: " + after);
    }

    static Set<String> openFds() throws IOException {
        Set<String> fds = new TreeSet<>(NoLeaks.openFds());
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:") || target.startsWith("/memfd:") || target.startsWith("/dev/shm")) {
                        fds.add(p.getFileName() + "->" + target);
                    }
                } catch (IOException e) {
                    // the directory stream's own descriptor
                }
            });
        }
        return fds;
    }
}
