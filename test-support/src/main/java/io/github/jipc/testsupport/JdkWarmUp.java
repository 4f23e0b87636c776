package io.github.jipc.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Descriptors the JDK opens on first use and keeps for the JVM's lifetime:
 * the pre-close socket of its file and socket channels (Java 25 makes it
 * lazily, on the first close of a channel), /dev/urandom for random UUIDs,
 * and whatever its first file creation and process start leave. Also mounts
 * the mqueue file system at /dev/mqueue when it is not and this process may,
 * so that message queues can be listed (mq_open works without it).
 */
final class JdkWarmUp {
    private JdkWarmUp() {}

    static void run() throws IOException, InterruptedException {
        UUID.randomUUID();
        Path file = Files.createTempFile("jipc-leak-accounting", ".tmp");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1));
        }
        Files.readAllBytes(file);
        Files.delete(file);
        SocketChannel.open().close();
        Process p = new ProcessBuilder("true").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        ProcessHandle.current().children().count();
        mountMqueue();
    }

    private static void mountMqueue() throws IOException, InterruptedException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals("/dev/mqueue") && f[2].equals("mqueue")) {
                return;
            }
        }
        try {
            Files.createDirectories(Path.of("/dev/mqueue"));
            new ProcessBuilder("mount", "-t", "mqueue", "none", "/dev/mqueue").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // not allowed here: queues are then not listed
        }
    }
}
