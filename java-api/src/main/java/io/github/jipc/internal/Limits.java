package io.github.jipc.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the kernel limits that error messages name. */
public final class Limits {
    private Limits() {}

    /**
     * The value of a {@code /proc/sys} file, trimmed, or "unknown". Read with a
     * plain read loop: on some kernels {@code Files.readString} of a sysctl
     * file returns only its first byte.
     *
     * @param file e.g. {@code "/proc/sys/fs/pipe-max-size"}
     */
    public static String sysctl(String file) {
        try (InputStream in = new FileInputStream(file)) {
            byte[] buf = new byte[256];
            int len = 0;
            for (int n; len < buf.length && (n = in.read(buf, len, buf.length - len)) > 0;) {
                len += n;
            }
            return new String(buf, 0, len, StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The memory a new shared-memory page could still take, in bytes: {@code MemAvailable}
     * plus {@code SwapFree} from {@code /proc/meminfo}, or -1 when unknown.
     */
    public static long memoryAvailable() {
        long available = -1;
        long swap = 0;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                String[] f = line.split("\\s+");
                if (f[0].equals("MemAvailable:")) {
                    available = Long.parseLong(f[1]) * 1024;
                } else if (f[0].equals("SwapFree:")) {
                    swap = Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return available < 0 ? -1 : available + swap;
    }

    /** The soft limit on open descriptors from {@code /proc/self/limits}, or "unknown". */
    static String openFiles() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return line.substring("Max open files".length()).trim().split("\\s+")[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }
}
