package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Where the harness finds what the build made: the C program, the default report folder. */
final class Locations {
    static final String PROGRAM = "jipc_xproc_bench";

    private Locations() {}

    /** bench/target: the folder holding benchmarks.jar (or jipc.jar), or the classes folder this class came from. */
    static Path benchTarget() {
        try {
            Path from = Path.of(Locations.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return from.toAbsolutePath().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target").toAbsolutePath();
        }
    }

    static String platform() {
        String arch = System.getProperty("os.arch");
        return "linux-" + (arch.equals("amd64") ? "x86_64" : arch.equals("aarch64") ? "arm64" : arch);
    }

    /**
     * The C program CMake built beside the classes (bench/target/cmake-PLATFORM),
     * or else the copy the build put into the jar, unpacked into scratch.
     */
    static Path cProgram(Path scratch) throws IOException {
        Path built = benchTarget().resolve("cmake-" + platform()).resolve(PROGRAM);
        if (Files.isExecutable(built)) {
            return built;
        }
        String resource = platform() + "/" + PROGRAM;
        try (InputStream in = Locations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the raw C side is neither at " + built + " nor in the jar (" + resource
                        + "); build it with 'mvn -pl native,java-api,bench package' or name it with --c-program");
            }
            Path out = scratch.resolve(PROGRAM);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            return out;
        }
    }

    /** Fails with a message that says how to build the program when it is missing. */
    static Path requireProgram(Path program) {
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException("the raw C side " + program + " is missing or not executable;"
                    + " build it with 'mvn -pl native,java-api,bench package' (CMake builds bench/c)");
        }
        return program;
    }
}
