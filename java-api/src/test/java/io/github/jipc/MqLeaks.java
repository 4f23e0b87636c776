package io.github.jipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.jipc.testsupport.RunMarks;

/**
 * Names of the message queue tests (every one starts with {@link #PREFIX}) and
 * the /dev/mqueue mount that lets tests and jipc-test-support's
 * LeakAccounting list queues.
 */
final class MqLeaks {
    /** The prefix of every queue name the unit tests use. */
    static final String PREFIX = RunMarks.prefix("unit-mq");
    static final Path MQUEUE = Path.of("/dev/mqueue");

    private MqLeaks() {}

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
