package io.github.jipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The huge pages of this machine, from {@code /proc/meminfo}. */
final class HugePages {
    private HugePages() {}

    /** The default huge page size in bytes, 0 if none. */
    static long size() {
        long kib = meminfo("Hugepagesize:");
        return kib > 0 ? kib * 1024 : 0;
    }

    /** How many huge pages are free now, or -1 when unknown. */
    static long free() {
        return meminfo("HugePages_Free:");
    }

    private static long meminfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return field.startsWith("Hugepagesize") ? 0 : -1;
    }
}
