package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.Subprocess;

/**
 * {@code jipc ls --stale} and {@code jipc rm} with a real creator: while it
 * runs, its objects are not stale and rm refuses them naming it; once it is
 * killed (SIGKILL), they are listed stale and rm removes them.
 */
class StaleObjectsTest {
    private record Run(int code, String out, String err) {}

    private static Run jipc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JipcCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(120)
    void aKilledCreatorsObjectsAreListedStaleAndRemovedAndALiveOnesAreRefused() throws Exception {
        Assumptions.assumeTrue(new Inventory(Path.of("/proc"), Path.of("/dev/shm"), Path.of("/dev/mqueue")).mountQueues(),
                "/dev/mqueue is not mounted and cannot be mounted here");
        String prefix = "/jipc-stale-test-" + ProcessHandle.current().pid();
        List<String> posix = List.of("shm:" + prefix + "-shm", "sem:" + prefix + "-sem", "mq:" + prefix + "-mq");
        List<String> all = new java.util.ArrayList<>(posix);
        try (Subprocess child = Subprocess.java(StaleObjectMaker.class.getName(), prefix)
                .jvmOptions("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1")
                .redirectOutput(Redirect.PIPE).redirectError(Redirect.INHERIT).start()) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.stdoutStream(), StandardCharsets.UTF_8));
            String ready = lines.readLine();
            assertTrue(ready != null && ready.startsWith("READY "), "child said " + ready);
            String shmId = ready.replaceAll(".*shm=([0-9]+).*", "$1");
            String semId = ready.replaceAll(".*sem=([0-9]+).*", "$1");
            all.add("sysv-shm:" + shmId);
            all.add("sysv-sem:" + semId);
            String[] rmArgs = new String[all.size() + 3];
            rmArgs[0] = "rm";
            rmArgs[1] = "--min-age";
            rmArgs[2] = "0";
            for (int i = 0; i < all.size(); i++) {
                rmArgs[i + 3] = all.get(i);
            }

            Run live = jipc(rmArgs);
            assertEquals(1, live.code(), live.err());
            for (String ref : all) {
                assertTrue(live.err().contains("refused " + ref + ": in use: "), ref + " not refused:\n" + live.err());
            }
            assertTrue(live.err().contains("pid " + child.pid()), "the message names the user:\n" + live.err());
            assertTrue(Files.exists(Path.of("/dev/shm", prefix.substring(1) + "-shm")));
            Run listedLive = jipc("ls", "--stale", "--min-age", "0", "--match", prefix);
            assertFalse(listedLive.out().contains(prefix), listedLive.out());

            child.kill();
            child.waitFor(Duration.ofSeconds(30));

            Run listed = jipc("ls", "--stale", "--min-age", "0");
            for (String ref : all) {
                assertTrue(listed.out().contains(ref), ref + " not listed stale (" + listed.code() + "):\n" + listed.out() + listed.err());
            }
            Run young = jipc("ls", "--stale", "--match", prefix);
            assertFalse(young.out().contains(prefix + "-shm"), "younger than the default minimum age:\n" + young.out());

            Run removed = jipc(rmArgs);
            assertEquals(0, removed.code(), removed.out() + removed.err());
            for (String ref : all) {
                assertTrue(removed.out().contains("removed " + ref), removed.out());
            }
            assertFalse(Files.exists(Path.of("/dev/shm", prefix.substring(1) + "-shm")));
            assertFalse(Files.exists(Path.of("/dev/shm", "sem." + prefix.substring(1) + "-sem")));
            assertFalse(Files.exists(Path.of("/dev/mqueue", prefix.substring(1) + "-mq")));
            String ipcs = Files.readString(Path.of("/proc/sysvipc/shm")) + Files.readString(Path.of("/proc/sysvipc/sem"));
            assertFalse(ipcs.lines().anyMatch(l -> l.trim().split("\\s+")[1].equals(shmId)), "segment " + shmId);
        } finally {
            // After a failure, what is left: the child is killed by now (closed above), so all is stale.
            for (String ref : all) {
                jipc("rm", "--min-age", "0", ref);
            }
        }
    }

    @Test
    void aReferenceThatIsNoObjectIsRefused() {
        Run r = jipc("rm", "nonsense", "shm:/a/b");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("refused nonsense: 'nonsense' is no object reference"), r.err());
        assertTrue(r.err().contains("refused shm:/a/b"), r.err());
        assertEquals(2, jipc("rm").code());
    }

    @Test
    void theNoteOnUnreadableProcessesSuggestsRootOnlyToOthers() {
        Map<Long, String> unreadable = new TreeMap<>(Map.of(1L, "/proc/1/fd: permission denied (EACCES)"));
        java.util.function.Function<Long, String> describe = pid -> "pid " + pid + " (init)";
        long all = 0x1ff_ffff_ffffL;

        String user = StaleObjects.unreadableNote(unreadable, describe, 1000, 0);
        assertTrue(user.contains("[pid 1 (init)]") && user.endsWith("(run as root to see more)"), user);
        String unknown = StaleObjects.unreadableNote(unreadable, describe, -1, -1);
        assertTrue(unknown.contains("run as root"), unknown);

        String root = StaleObjects.unreadableNote(unreadable, describe, 0, all & ~(1L << 19));
        assertFalse(root.contains("run as root"), root);
        assertTrue(root.contains("even as root") && root.contains("pid 1 (init): /proc/1/fd: permission denied (EACCES)")
                && root.contains("lacks CAP_SYS_PTRACE"), root);
        String rootWithPtrace = StaleObjects.unreadableNote(unreadable, describe, 0, all);
        assertFalse(rootWithPtrace.contains("run as root") || rootWithPtrace.contains("lacks"), rootWithPtrace);
        assertTrue(rootWithPtrace.contains("has CAP_SYS_PTRACE"), rootWithPtrace);
    }

    /** A /proc of two processes: one whose fd "folder" cannot be listed, one that ended; and this one's status. */
    @Test
    void aScanNamesTheProcessItCouldNotReadAndWhy(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("42"));
        Files.writeString(proc.resolve("42/stat"), "42 (daemon) S 1 42 42 0 -1");
        Files.writeString(proc.resolve("42/fd"), "not a folder");
        Files.createDirectories(proc.resolve("43"));
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/status"), "Name:\tjava\nUid:\t1000\t0\t0\t0\nCapEff:\t000001fffef7ffff\n");

        ProcessUsers users = ProcessUsers.scan(proc);
        assertEquals(List.of(42L), List.copyOf(users.unreadable().keySet()), "43 ended: no fd folder, no stat");
        assertTrue(users.unreadable().get(42L).contains(proc.resolve("42/fd").toString()), users.unreadable().toString());
        long[] uidAndCaps = ProcessUsers.effectiveUidAndCapabilities(proc);
        assertEquals(0, uidAndCaps[0], "the effective uid, the second of the Uid line");
        assertEquals(0x1fffef7ffffL, uidAndCaps[1]);
        assertEquals(-1, ProcessUsers.effectiveUidAndCapabilities(proc.resolve("43"))[0]);
    }
}
