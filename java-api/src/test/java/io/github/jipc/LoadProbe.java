package io.github.jipc;

/**
 * Runs in a child JVM of {@link NativeLoadingTest}: prints whether jipc's
 * library loaded, from which file, and else the message of the failure.
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) {
        System.out.println("available=" + Jipc.isAvailable());
        System.out.println("file=" + Jipc.libraryFile().map(Object::toString).orElse("-"));
        Throwable cause = Jipc.unavailabilityCause();
        if (cause != null) {
            System.out.println(cause.getMessage());
        }
    }
}
