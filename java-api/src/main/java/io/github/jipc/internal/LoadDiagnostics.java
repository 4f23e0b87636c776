package io.github.jipc.internal;

import java.util.List;

/**
 * The message of a failed load of jipc's JNI library: the platform detected,
 * the native libraries present on the class path, every place tried and what
 * to do about it. Pure string building, so that each case can be tested with
 * made-up inputs.
 */
final class LoadDiagnostics {
    /** The platforms jipc ships a classifier jar for. */
    static final List<String> SUPPORTED = List.of("linux-x86_64", "linux-arm64");

    static final String GROUP = "io.github.jipc";
    static final String ARTIFACT = "jipc";
    static final String PLATFORM_ARTIFACT = "jipc-platform";

    /** One place the library was looked for, and what happened there. */
    record Attempt(String place, String outcome) {
        @Override
        public String toString() {
            return place + ": " + outcome;
        }
    }

    /** The JVM's platform: JavaCPP's name for it and the system properties it comes from. */
    record Host(String platform, String osName, String osArch) {
        String describe() {
            return platform + " (os.name=" + osName + ", os.arch=" + osArch + ")";
        }
    }

    private LoadDiagnostics() {}

    /**
     * The message for a library that could not be loaded.
     *
     * @param host           the platform detected
     * @param version        jipc's version, or null when unknown
     * @param present        the platforms whose native library is on the class path
     * @param resourceFound  whether the library of host's platform is on the class path
     * @param attempts       every place tried, in order
     * @param cause          the last error, or null
     */
    static String message(Host host, String version, List<String> present, boolean resourceFound,
            List<Attempt> attempts, Throwable cause) {
        StringBuilder sb = new StringBuilder();
        String v = version == null ? "<jipc's version>" : version;
        if (!host.osName().toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            sb.append("jipc runs on Linux only; this JVM runs on ").append(host.describe()).append('.');
        } else if (!resourceFound && !SUPPORTED.contains(host.platform())) {
            sb.append("jipc has no native library for this platform, ").append(host.describe())
                    .append(": it ships ").append(String.join(" and ", SUPPORTED))
                    .append(" only. On another Linux platform, build jipc from source with a CMake toolchain"
                            + " for it (see docs/platforms.md), or point -Djipc.library at a libjniJipc.so built for it.");
        } else if (!resourceFound) {
            sb.append("jipc's native library for this platform, ").append(host.describe())
                    .append(", is not on the class path. Add the dependency ").append(coordinates(v, host.platform()))
                    .append(" (Maven: <classifier>").append(host.platform()).append("</classifier>), or ")
                    .append(GROUP).append(':').append(PLATFORM_ARTIFACT).append(':').append(v)
                    .append(" (<type>pom</type>) for the libraries of every platform.");
        } else {
            sb.append("jipc's native library for ").append(host.describe())
                    .append(" is on the class path but could not be loaded.");
            hints(sb, attempts);
        }
        sb.append("\nNative libraries of jipc on the class path: ")
                .append(present.isEmpty() ? "none" : String.join(", ", present)).append('.');
        if (!attempts.isEmpty()) {
            sb.append("\nPlaces tried:");
            for (Attempt a : attempts) {
                sb.append("\n  - ").append(a);
            }
        }
        if (cause != null && attempts.stream().noneMatch(a -> a.outcome().contains(String.valueOf(cause.getMessage())))) {
            sb.append("\nCause: ").append(cause);
        }
        return sb.toString();
    }

    /** Maven-style coordinates of the classifier jar for platform. */
    static String coordinates(String version, String platform) {
        return GROUP + ':' + ARTIFACT + ':' + version + ':' + platform;
    }

    /** The warning for a library loaded only after other places failed. */
    static String fallbackWarning(String loadedFrom, List<Attempt> failed) {
        StringBuilder sb = new StringBuilder("jipc loaded its native library from ").append(loadedFrom)
                .append(" after it failed elsewhere:");
        for (Attempt a : failed) {
            sb.append("\n  - ").append(a);
        }
        sb.append("\nSet -Djipc.cachedir to a folder on a mount that allows executables"
                + " to load it from there at once (see docs/platforms.md).");
        return sb.toString();
    }

    private static void hints(StringBuilder sb, List<Attempt> attempts) {
        boolean noexec = false;
        boolean glibc = false;
        for (Attempt a : attempts) {
            String o = a.outcome();
            noexec |= o.contains(Mounts.NOEXEC_NOTE) || o.contains("failed to map segment");
            glibc |= o.contains("GLIBC_");
        }
        if (noexec) {
            sb.append(" A folder it was extracted to does not allow executables (a noexec mount):"
                    + " set -Djipc.cachedir to a folder on a mount that does,"
                    + " or -Djipc.library to a libjniJipc.so installed on one.");
        }
        if (glibc) {
            sb.append(" This system's C library (glibc) is older than the one jipc was built against.");
        }
    }
}
