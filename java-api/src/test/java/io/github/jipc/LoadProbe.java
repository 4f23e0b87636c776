package io.github.jipc;

/**
 * Runs in a child JVM of {@link NativeLoadingTest}: prints whether jipc's
 * library loaded, from which file, every libjniJipc.so mapped, and else the
 * message of the failure. With {@code -Djipc.probe.bindingFirst=true} it
 * calls a binding class before anything else; with {@code -Djipc.probe.first=}
 * {@code shm}, {@code memfd} or {@code locks} a public entry point, twice,
 * printing each error with its causes ({@code first=}, {@code again=}).
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) throws Exception {
        String first = System.getProperty("jipc.probe.first", "");
        if (!first.isEmpty()) {
            System.out.println("first=" + failure(first));
            System.out.println("again=" + failure(first));
        }
        if (Boolean.getBoolean("jipc.probe.bindingFirst")) {
            // A binding class initialized before any public entry point (a constant read early, say).
            System.out.println("pageSize=" + io.github.jipc.internal.jni.MmapNative.jipc_page_size());
        }
        System.out.println("available=" + Jipc.isAvailable());
        System.out.println("file=" + Jipc.libraryFile().map(Object::toString).orElse("-"));
        try (java.util.stream.Stream<String> maps = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            maps.filter(l -> l.endsWith("/libjniJipc.so")).map(l -> "mapped=" + l.substring(l.indexOf('/')))
                    .distinct().forEach(System.out::println);
        }
        Throwable cause = Jipc.unavailabilityCause();
        if (cause != null) {
            System.out.println(cause.getMessage());
        }
    }

    /** The error a first use of an entry point gives, with its causes, on one line; "none" if it worked. */
    private static String failure(String entry) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("jipc-probe", ".lock");
            try {
                switch (entry) {
                    case "shm" -> SharedMemory.create("/jipc-probe-" + ProcessHandle.current().pid(), 4096,
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")).close();
                    case "memfd" -> MemoryFile.create("jipc-probe", 4096).close();
                    case "locks" -> RecordLocks.open(file).close();
                    default -> throw new IllegalArgumentException(entry);
                }
            } finally {
                java.nio.file.Files.delete(file);
            }
            return "none";
        } catch (Throwable t) {
            StringBuilder b = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) {
                b.append(c.getClass().getName()).append(": ").append(String.valueOf(c.getMessage()).replace('\n', ' '))
                        .append(" | ");
            }
            return b.toString();
        }
    }
}
