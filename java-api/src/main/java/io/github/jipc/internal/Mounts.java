package io.github.jipc.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a folder sits on a mount that forbids executables ({@code noexec}),
 * from /proc/self/mountinfo (proc(5)). A shared library there cannot be
 * mapped executable, so loading it fails.
 */
final class Mounts {
    /** The note appended to a failed place whose mount is noexec. */
    static final String NOEXEC_NOTE = "its mount is noexec";

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Mounts() {}

    /** True when dir's mount is known to be noexec; false when it is not or cannot be told. */
    static boolean isNoexec(Path dir) {
        try {
            return isNoexec(Files.readString(MOUNTINFO, StandardCharsets.UTF_8), dir.toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * True when the mount that holds path (absolute, symbolic links resolved)
     * is noexec in mountinfo: the entry with the longest mount point above
     * path, the last one listed when several share it (it is on top).
     */
    static boolean isNoexec(String mountinfo, Path path) {
        Path best = null;
        boolean noexec = false;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 6) {
                continue;
            }
            Path mountPoint = Path.of(unescape(f[4]));
            if (path.startsWith(mountPoint)
                    && (best == null || mountPoint.getNameCount() >= best.getNameCount())) {
                best = mountPoint;
                noexec = (',' + f[5] + ',').contains(",noexec,");
            }
        }
        return noexec;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes (\040). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
