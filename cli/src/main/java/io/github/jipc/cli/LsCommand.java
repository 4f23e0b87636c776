package io.github.jipc.cli;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.github.jipc.MessageQueue;
import io.github.jipc.MessageQueueAttributes;
import io.github.jipc.MessageQueueOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jipc ls}: the named IPC objects that exist on this machine. */
@Command(name = "ls",
        mixinStandardHelpOptions = true,
        versionProvider = JipcCommand.Version.class,
        description = {
            "Lists the named IPC objects that exist: POSIX message queues (/dev/mqueue, mounted if it is not",
            "and this process may), with owner, mode and attributes."
        })
final class LsCommand implements Callable<Integer> {
    static final Path MQUEUE = Path.of("/dev/mqueue");

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        listQueues(out);
        out.flush();
        return 0;
    }

    private static void listQueues(PrintWriter out) throws IOException {
        if (!mounted()) {
            out.println("message queues: /dev/mqueue is not mounted and could not be"
                    + " (as root: mkdir -p /dev/mqueue && mount -t mqueue none /dev/mqueue)");
            return;
        }
        List<Path> queues;
        try (Stream<Path> s = Files.list(MQUEUE)) {
            queues = s.sorted().toList();
        }
        out.printf("message queues (%s): %d%n", MQUEUE, queues.size());
        if (queues.isEmpty()) {
            return;
        }
        out.printf("  %-32s %-10s %-9s %8s %8s %8s %10s %s%n", "NAME", "OWNER", "MODE", "MESSAGES", "MAX", "MSGSIZE",
                "BYTES", "NOTIFY");
        for (Path q : queues) {
            String name = "/" + q.getFileName();
            try {
                PosixFileAttributes a = Files.readAttributes(q, PosixFileAttributes.class);
                String status = read(q); // QSIZE:<bytes> NOTIFY:<n> SIGNO:<n> NOTIFY_PID:<pid>
                String max = "?";
                String size = "?";
                String count = "?";
                try (MessageQueue mq = MessageQueue.open(name, MessageQueueOption.READ_ONLY)) {
                    MessageQueueAttributes attrs = mq.attributes();
                    max = Long.toString(attrs.maxMessages());
                    size = Long.toString(attrs.messageSize());
                    count = Long.toString(attrs.currentMessages());
                } catch (IOException e) {
                    // not readable for us: the file system's figures only
                }
                String pid = field(status, "NOTIFY_PID");
                out.printf("  %-32s %-10s %-9s %8s %8s %8s %10s %s%n", name, a.owner().getName(),
                        PosixFilePermissions.toString(a.permissions()), count, max, size, field(status, "QSIZE"),
                        "0".equals(pid) ? "-" : "pid " + pid + (ProcessHandle.of(Long.parseLong(pid)).isPresent()
                                ? "" : " (gone)"));
            } catch (IOException | RuntimeException e) {
                out.printf("  %-32s (vanished or unreadable: %s)%n", name, e.getMessage());
            }
        }
    }

    private static String field(String status, String key) {
        for (String part : status.trim().split("\\s+")) {
            if (part.startsWith(key + ":")) {
                return part.substring(key.length() + 1);
            }
        }
        return "?";
    }

    /** The file with a plain read loop (pseudo files may report no size). */
    private static String read(Path p) throws IOException {
        try (InputStream in = new FileInputStream(p.toFile())) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Whether /dev/mqueue is the mqueue file system, mounting it first if it is not and this process may. */
    static boolean mounted() {
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
