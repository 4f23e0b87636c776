package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.ExitStatus;
import io.github.jipc.it.campaign.Campaign;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;

/**
 * The misuse campaign ({@link Campaign}) in a child JVM of its own, so that
 * a JVM crash is a failure of this test, reported with the seed and the
 * crash's hs_err file, instead of the end of the test run. The default run is
 * short and of a fixed seed; the {@code campaign} profile runs a million
 * calls. System properties: {@code jipc.campaign.seed}, {@code jipc.campaign.calls},
 * {@code jipc.campaign.threads}.
 */
@Timeout(3600)
class MisuseCampaignTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final long SEED = Long.getLong("jipc.campaign.seed", 20261201L);
    private static final long CALLS = Long.getLong("jipc.campaign.calls", 40_000);
    private static final int THREADS = Integer.getInteger("jipc.campaign.threads", 4);

    @Test
    void noSequenceOfCallsCrashesTheJvmAndEveryFailureIsDocumented() throws Exception {
        Path folder = harness.scratchFile("campaign");
        Path output = Path.of(System.getProperty("jipc.it.output", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(output);
        Path errorFiles = output.resolve("hs_err_campaign_%p.log");
        Child child = harness.java(Campaign.class, SEED, CALLS, THREADS, folder)
                // C2 too: a stale view's bulk copy, CRC-32 and mismatch run as compiled code.
                .jvmOptions("-XX:TieredStopAtLevel=4", "-Xmx256m", "-XX:ErrorFile=" + errorFiles).start();
        // About 5,000 calls a second on 2 cores, races included; a generous bound.
        Duration bound = Duration.ofSeconds(120 + CALLS / 1000);
        Optional<ExitStatus> status = child.process().waitFor(bound);
        if (status.isEmpty()) {
            child.kill();
            fail("campaign seed=" + SEED + " still ran after " + bound.toSeconds() + " s (a hang?)\n" + child.report());
        }
        Path crash = output.resolve("hs_err_campaign_" + child.pid() + ".log");
        if (Files.exists(crash)) {
            String text = new String(Files.readAllBytes(crash), StandardCharsets.UTF_8);
            fail("campaign seed=" + SEED + " CRASHED the JVM (" + status.get() + "); hs_err file " + crash + ":\n"
                    + text.substring(0, Math.min(text.length(), 6000)) + "\n" + child.report());
        }
        if (!status.get().exited() || status.get().exitCode() != 0) {
            fail("campaign seed=" + SEED + " ended " + status.get() + " (UNEXPECTED lines name the calls; rerun with "
                    + "-Djipc.campaign.seed=" + SEED + ")\n" + child.report());
        }
        System.out.println("campaign " + child.stdout().lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse(""));
        assertEquals(List.of(), leftBehind(child.pid()), "objects the campaign left behind");
    }

    /** /dev/shm entries named by the campaign's pid, and System V segments it created that still exist. */
    private static List<String> leftBehind(long pid) throws Exception {
        List<String> left = new ArrayList<>();
        try (DirectoryStream<Path> shm = Files.newDirectoryStream(Path.of("/dev/shm"))) {
            for (Path p : shm) {
                if (p.getFileName().toString().contains("jipc-campaign-" + pid + "-")) {
                    left.add(p.toString());
                }
            }
        }
        List<String> segments = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
        for (String line : segments.subList(1, segments.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[4].equals(Long.toString(pid))) { // cpid
                left.add("System V segment " + f[1]);
            }
        }
        return left;
    }
}
