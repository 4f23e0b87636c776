package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the jipc command in this JVM; the tour's children are real child JVMs. */
class TourCommandTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run jipc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JipcCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(120)
    void tourShowsEveryFacilityWorkingWithAChildProcess() {
        Run r = jipc("tour", "--round-trips", "500", "--warm-up", "100", "--bulk-mib", "2", "--timeout", "60");
        assertEquals(0, r.exitCode(), () -> "tour failed:\n" + r.out() + r.err());
        for (TourStep step : Tour.STEPS) {
            assertTrue(r.out().contains("[" + step.name() + "] "), () -> step.name() + " missing:\n" + r.out());
        }
        assertEquals(Tour.STEPS.size(), count(r.out(), "  OK in "), r.out());
        // Byte streams move a bulk transfer; shared memory counts atomic adds instead,
        // and synchronization hands a lock over and counts items through semaphores.
        long streams = Tour.STEPS.stream()
                .filter(s -> !(s instanceof SharedMemoryStep) && !(s instanceof SyncStep) && !(s instanceof CrashStep)
                        && !(s instanceof RingStep))
                .count();
        assertEquals(streams, count(r.out(), "2 MiB out and back"), r.out());
        assertEquals(streams, count(r.out(), ": match"), r.out());
        assertEquals(3, count(r.out(), "both added 100000 at once: counter 200000"), r.out());
        assertTrue(r.out().contains("1 attachment(s) left, ours"), r.out());
        assertTrue(r.out().contains("pid " + ProcessHandle.current().pid() + ", us"), r.out());
        assertTrue(r.out().contains("the child blocked on it and got it "), r.out());
        assertTrue(r.out().contains("20000 numbered items through 64 slots, each once and in order"), r.out());
        assertTrue(r.out().contains("out-of-order=0"), r.out());
        assertTrue(r.out().contains("asleep on the ring's futex word"), r.out());
        assertTrue(r.out().contains("the child added 42, our read(2) took 42"), r.out());
        // The crash step's child is killed on purpose; every other child ends well.
        assertTrue(r.out().contains("killed      child killed by SIGKILL"), r.out());
        assertTrue(r.out().contains("semaphore 0 is 1 again"), r.out());
        assertTrue(r.out().contains("OwnerDiedException (EOWNERDEAD); we repaired"), r.out());
        assertTrue(r.out().contains("the mutex locks and unlocks as before"), r.out());
        assertEquals(Tour.STEPS.size() - 1, count(r.out(), "child exited with code 0"), r.out());
        assertTrue(r.out().contains("removed     both FIFOs are gone"), r.out());
        assertTrue(r.out().contains(Tour.STEPS.size() + " of " + Tour.STEPS.size() + " facilities OK"), r.out());
    }

    @Test
    @Timeout(60)
    void tourOfOneFacility() {
        Run r = jipc("tour", "pipe", "--round-trips", "50", "--warm-up", "0", "--bulk-mib", "1");
        assertEquals(0, r.exitCode(), () -> r.out() + r.err());
        assertTrue(r.out().contains("[pipe] "), r.out());
        assertTrue(!r.out().contains("[fifo] "), r.out());
        assertTrue(r.out().contains("1 of 1 facilities OK"), r.out());
    }

    @Test
    void unknownFacilityIsAUsageError() {
        Run r = jipc("tour", "carrier-pigeon");
        assertEquals(2, r.exitCode());
        String known = String.join(", ", Tour.Names.list());
        assertTrue(r.err().contains("Unknown facility 'carrier-pigeon'; known: " + known), r.err());
    }

    @Test
    void childWithBadArgumentsFails() {
        Run r = jipc("child", "pipe", "3");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("usage: jipc child pipe <read-fd> <write-fd>"), r.err());
    }

    @Test
    void versionNamesTheBuildAndTheNativeLibrary() {
        Run r = jipc("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("jipc " + JipcCommand.version()), r.out());
        assertTrue(!JipcCommand.version().contains("${"), "version not filled in by the build");
        assertTrue(r.out().contains(": loaded"), r.out());
    }

    @Test
    void helpListsTheTourButNotTheChildRole() {
        Run r = jipc("help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("tour"), r.out());
        assertTrue(!r.out().contains("  child"), r.out());
        Run tourHelp = jipc("help", "tour");
        assertTrue(tourHelp.out().contains("--round-trips"), tourHelp.out());
        assertTrue(tourHelp.out().contains("pipe, fifo"), tourHelp.out());
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = jipc();
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing command"), r.err());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
