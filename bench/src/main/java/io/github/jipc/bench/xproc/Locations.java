package io.github.jipc.bench.xproc;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the harness finds what the build made: the C program, the default report path. */
final class Locations {
    /** The system property naming the platform folder CMake built into (JavaCPP's platform name). */
    static final String PLATFORM_PROPERTY = "jipc.bench.platform";

    private Locations() {}

    /**
     * bench/target: the folder holding benchmarks.jar, or the classes folder,
     * that this class was loaded from.
     */
    static Path benchTarget() {
        try {
            Path from = Path.of(Locations.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return from.toAbsolutePath().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target").toAbsolutePath();
        }
    }

    /** The C program CMake built beside the bench's JNI library. */
    static Path cProgram(Path benchTarget) {
        String platform = System.getProperty(PLATFORM_PROPERTY, defaultPlatform());
        return benchTarget.resolve("cmake-" + platform).resolve("jipc_xproc_bench");
    }

    private static String defaultPlatform() {
        String arch = System.getProperty("os.arch");
        return "linux-" + (arch.equals("amd64") ? "x86_64" : arch.equals("aarch64") ? "arm64" : arch);
    }

    /** Fails with a message that says how to build the program when it is missing. */
    static Path requireProgram(Path program) {
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException("the raw C contender " + program + " is missing or not executable;"
                    + " build it with 'mvn -pl bench package' (CMake builds bench/c) or name it with --c-program");
        }
        return program;
    }
}
