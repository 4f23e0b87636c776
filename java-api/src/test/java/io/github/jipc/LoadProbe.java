package io.github.jipc;

/**
 * Runs in a child JVM of {@link NativeLoadingTest}: prints whether jipc's
 * library loaded, from which file, every libjniJipc.so mapped, and else the
 * message of the failure. With {@code -Djipc.probe.bindingFirst=true} it
 * calls a binding class before anything else.
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) throws Exception {
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
}
