package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Runs the packaged {@code jipc.jar} as a user would: {@code java -jar jipc.jar ...}. */
class JarTourIT {
    private static final Path JAR = Path.of(System.getProperty("jipc.jar", "target/jipc.jar"));

    private record Run(int exitCode, String output) {}

    private static Run javaJar(String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), "no " + JAR + ": run 'mvn package' first");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("jipc-jar-", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("java -jar jipc.jar timed out:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void tourFromTheJar() throws Exception {
        Run r = javaJar("tour", "--round-trips", "1000", "--warm-up", "200", "--bulk-mib", "4");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(Tour.STEPS.size() + " of " + Tour.STEPS.size() + " facilities OK"), r.output());
        assertTrue(!r.output().contains("WARNING"), r.output());
    }

    @Test
    void quickBenchFromTheJar() throws Exception {
        Path out = Files.createTempDirectory("jipc-bench-");
        try {
            Run r = javaJar("bench", "--quick", "--warmup", "500", "--round-trips", "2000", "--stream-ms", "100",
                    "--out", out.toString());
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("| shm | RTT p50 µs, 64 B |"), r.output());
            for (String file : List.of("xproc-results.md", "xproc-results.csv", "rtt.png", "stream.png", "cpu.png")) {
                assertTrue(Files.size(out.resolve(file)) > 0, file);
            }
        } finally {
            try (var files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(out);
        }
    }

    @Test
    void versionFromTheJar() throws Exception {
        Run r = javaJar("--version");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("jipc " + JipcCommand.version()), r.output());
    }
}
