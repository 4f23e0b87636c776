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
        long available = meminfo("MemAvailable");
        long swap = meminfo("SwapFree");
        return available < 0 ? -1 : (available + Math.max(swap, 0)) * 1024;
    }

    /**
     * A field of {@code /proc/meminfo}, e.g. {@code "Hugepagesize"} or {@code "HugePages_Free"}:
     * its number (kB for sizes, a count for page counts), or -1 when absent or unreadable.
     */
    public static long meminfo(String field) {
        String prefix = field + ":";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith(prefix)) {
                    return Long.parseLong(line.substring(prefix.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The soft value of a row of {@code /proc/self/limits}, e.g. {@code "Max open files"},
     * {@code "Max locked memory"} or {@code "Max msgqueue size"}, or "unknown".
     */
    public static String softLimit(String row) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith(row)) {
                    return line.substring(row.length()).trim().split("\\s+")[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    /**
     * The soft limit on open descriptors, or "unknown": from getrlimit(2),
     * since reading /proc/self/limits needs a descriptor, which at the limit
     * there is none left for.
     */
    static String openFiles() {
        long limit = io.github.jipc.internal.jni.CommonNative.jipc_open_file_limit();
        return limit == Long.MAX_VALUE ? "unlimited" : limit >= 0 ? Long.toString(limit) : "unknown";
    }
}
