package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.ExitStatus;
import io.github.jipc.it.campaign.Soak;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;

/**
 * The soak ({@link Soak}): open/use/close cycles of every facility for
 * {@code jipc.soak.seconds} (600 in the {@code campaign} profile; skipped
 * without it) in a child JVM of fixed, pre-touched heap. The rule, for the
 * descriptor count and for RSS: the largest sample of the last sixth of the
 * run is at most the largest of the first sixth plus a slack (no descriptor;
 * 8 MiB of RSS, about 2 % of that JVM's).
 */
@Timeout(7200)
class SoakTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final long FD_SLACK = 0;
    private static final long RSS_SLACK_KIB = 8 * 1024;

    record Sample(long second, long rounds, long fds, long rssKiB) {
        static Sample parse(String line) {
            long[] v = new long[4];
            String[] words = line.split(" ");
            for (int i = 1; i < words.length && i <= 4; i++) {
                v[i - 1] = Long.parseLong(words[i].substring(words[i].indexOf('=') + 1));
            }
            return new Sample(v[0], v[1], v[2], v[3]);
        }
    }

    @Test
    void descriptorsAndResidentMemoryStayFlat() throws Exception {
        long seconds = Long.getLong("jipc.soak.seconds", 0);
        Assumptions.assumeTrue(seconds > 0, "the soak runs in the campaign profile (mvn -Pcampaign, or -Djipc.soak.seconds=N)");
        Path folder = harness.scratchFile("soak");
        Child child = harness.java(Soak.class, seconds, folder)
                .jvmOptions("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:TieredStopAtLevel=4").start();
        Optional<ExitStatus> status = child.process().waitFor(Duration.ofSeconds(seconds + 120));
        if (status.isEmpty() || !status.get().exited() || status.get().exitCode() != 0) {
            child.kill();
            fail("the soak ended " + status.map(ExitStatus::toString).orElse("not in time") + "\n" + child.report());
        }
        List<Sample> samples = new ArrayList<>();
        child.stdout().lines().filter(l -> l.startsWith("SAMPLE ")).forEach(l -> samples.add(Sample.parse(l)));
        assertTrue(samples.size() >= 6, "too few samples\n" + child.report());
        int window = Math.max(1, samples.size() / 6);
        List<Sample> first = samples.subList(0, window);
        List<Sample> last = samples.subList(samples.size() - window, samples.size());
        long firstFds = first.stream().mapToLong(Sample::fds).max().orElseThrow();
        long lastFds = last.stream().mapToLong(Sample::fds).max().orElseThrow();
        long firstRss = first.stream().mapToLong(Sample::rssKiB).max().orElseThrow();
        long lastRss = last.stream().mapToLong(Sample::rssKiB).max().orElseThrow();
        Sample end = samples.get(samples.size() - 1);
        String figures = "soak " + seconds + " s, " + end.rounds() + " rounds of " + "every facility; fds max first/last "
                + window + " s: " + firstFds + " / " + lastFds + "; RSS max first/last: " + firstRss + " / " + lastRss
                + " KiB; RSS min/max overall: " + samples.stream().mapToLong(Sample::rssKiB).min().orElseThrow() + " / "
                + samples.stream().mapToLong(Sample::rssKiB).max().orElseThrow() + " KiB";
        System.out.println(figures);
        assertTrue(lastFds <= firstFds + FD_SLACK, "descriptors grew: " + figures);
        assertTrue(lastRss <= firstRss + RSS_SLACK_KIB, "resident memory grew: " + figures);
    }
}
