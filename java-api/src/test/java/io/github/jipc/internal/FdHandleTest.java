package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.PipeNative;

class FdHandleTest {
    /** The handles' owner, reachable for the whole test: a collected owner's cleaner would free a guard in use. */
    private final Object owner = new Object();

    private static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    /** What fd names ("pipe:[4711]"), or "" when it is closed. */
    private static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A fresh pipe read end (its write end is closed at once). */
    private static int pipeReadEnd() {
        int[] fds = new int[2];
        assertTrue(PipeNative.jipc_pipe_create(fds) == 0);
        CommonNative.jipc_close(fds[1]);
        return fds[0];
    }

    @Test
    void theDescriptorOutlivesCloseUntilTheLastCallLeaves() throws Exception {
        int fd = pipeReadEnd();
        FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
        assertTrue(h.guard() != 0);
        assertTrue(h.acquire());
        String pipe = target(fd);
        h.close();
        assertTrue(h.isClosed());
        assertFalse(h.acquire(), "no new call on a closed handle");
        assertTrue(isOpen(fd), "a call is still inside: the number must not be reused yet");
        assertEquals(pipe, target(fd), "no call was blocked in the guard: the number still names the file, for the"
                + " call that holds it");
        h.release();
        assertFalse(isOpen(fd));
        h.close(); // idempotent
    }

    @Test
    void theGuardsDeadEndIsNoDescriptorToInherit() throws Exception {
        FdHandle h = FdHandle.adoptGuarded(owner, pipeReadEnd(), FdHandle.Wake.FD, "test fd"); // sets the guard up
        int dead = io.github.jipc.internal.jni.GuardNative.jipc_guard_dead_fd();
        assertTrue(dead >= 0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FdHandle.requireInheritable(dead));
        assertTrue(e.getMessage().contains("jipc's own"), e.getMessage());
        h.close();
    }

    @Test
    void closeWithoutCallsReleasesAtOnce() throws Exception {
        int fd = pipeReadEnd();
        FdHandle h = FdHandle.adopt(owner, fd);
        assertTrue(h.guard() == 0);
        h.close();
        assertFalse(isOpen(fd));
    }

    @Test
    void theNonBlockingTwinIsOpenedOnceAndClosedWithTheHandle() throws Exception {
        int fd = pipeReadEnd();
        FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
        assertTrue(h.acquire());
        int twin = h.nonblockingTwin();
        assertTrue(twin >= 0 && twin != fd);
        assertTrue(twin == h.nonblockingTwin());
        String twinTarget = target(twin);
        h.release();
        h.close();
        assertFalse(isOpen(fd));
        assertFalse(twinTarget.equals(target(twin)), "the twin is closed with the handle");
    }

    @Test
    void closeRacingCallsNeverLeaksNorFreesEarly() throws Exception {
        for (int i = 0; i < 2000; i++) {
            int fd = pipeReadEnd();
            FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
            String pipe = target(fd);
            Thread caller = new Thread(() -> {
                while (h.acquire()) {
                    h.release();
                }
            });
            caller.start();
            h.close();
            caller.join(10_000);
            assertFalse(caller.isAlive());
            // The JVM may reuse a released number at once: compare what the number names.
            assertFalse(pipe.equals(target(fd)), "released once every call left");
        }
    }

    @Test
    void theLaneIsOneCallAndOneHolder() throws Exception {
        int fd = pipeReadEnd();
        FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
        assertTrue(h.enterLane());
        assertTrue(h.laneTaken());
        assertFalse(h.tryEnterLane(), "the lane has one holder");
        assertTrue(h.acquire(), "other calls enter beside the lane");
        h.release();
        h.close();
        assertTrue(isOpen(fd), "the lane's holder is a call in flight");
        assertFalse(h.tryEnterLane());
        h.leaveLane();
        assertFalse(h.laneTaken());
        assertFalse(isOpen(fd), "released when the holder left");
        assertFalse(h.enterLane(), "no lane on a closed handle");
    }

    @Test
    void threadsWaitTheirTurnForTheLane() throws Exception {
        int fd = pipeReadEnd();
        FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
        int threads = 4;
        int rounds = 20_000;
        int[] inside = new int[1];
        long[] total = new long[1];
        java.util.concurrent.atomic.AtomicBoolean overlap = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.List<Thread> all = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    if (!h.enterLane()) {
                        overlap.set(true); // nothing closes the handle here
                        return;
                    }
                    if (++inside[0] != 1) {
                        overlap.set(true);
                    }
                    total[0]++;
                    inside[0]--;
                    h.leaveLane();
                }
            });
            all.add(th);
            th.start();
        }
        for (Thread th : all) {
            th.join(60_000);
            assertFalse(th.isAlive(), "a thread still waits for the lane");
        }
        assertFalse(overlap.get(), "two holders at once, or a lane refused on an open handle");
        assertTrue(total[0] == (long) threads * rounds, "every turn counted once: " + total[0]);
        assertTrue(h.tryEnterLane(), "the lane is free again");
        h.leaveLane();
        h.close();
        assertFalse(isOpen(fd));
    }

    @Test
    void aThreadWaitingForTheLaneOfAClosedHandleGivesUp() throws Exception {
        for (int i = 0; i < 200; i++) {
            int fd = pipeReadEnd();
            FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
            assertTrue(h.enterLane());
            boolean[] got = {true};
            boolean[] keptInterrupt = {false};
            Thread th = new Thread(() -> {
                Thread.currentThread().interrupt(); // the wait ignores it, and keeps it
                got[0] = h.enterLane();
                if (got[0]) {
                    h.leaveLane();
                }
                keptInterrupt[0] = Thread.currentThread().isInterrupted();
            });
            th.start();
            if (i % 2 == 0) { // half the time the close finds it parked, else anywhere on its way
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (th.getState() != Thread.State.WAITING && th.isAlive() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            h.close();
            h.leaveLane();
            th.join(30_000);
            assertFalse(th.isAlive(), "the waiter was not woken");
            assertFalse(got[0], "a closed handle's lane was entered");
            assertTrue(keptInterrupt[0], "the interrupt was lost");
            // Another thread of the suite's JVM may have been given the number since: only a pipe there is ours.
            assertFalse(isOpen(fd) && target(fd).startsWith("pipe:"), "released after the holder left");
        }
    }

    @Test
    void theAddressOfADirectBufferIgnoresItsPosition() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(16);
        long base = AddressCache.lookup(b);
        b.position(5);
        assertTrue(base != 0);
        assertTrue(AddressCache.lookup(b) == base);
        AddressCache cache = new AddressCache();
        assertTrue(cache.addressOf(b) == base);
        assertTrue(cache.addressOf(b) == base);
    }

    @Test
    void closeHooksRunOnceBeforeTheDescriptorGoes() throws Exception {
        int fd = pipeReadEnd();
        FdHandle h = FdHandle.adoptGuarded(owner, fd, FdHandle.Wake.FD, "test fd");
        int[] runs = new int[2];
        boolean[] openDuringHook = new boolean[1];
        Runnable kept = () -> {
            runs[0]++;
            openDuringHook[0] = isOpen(fd);
        };
        Runnable removed = () -> runs[1]++;
        assertTrue(h.acquire()); // a holder, as a readiness set is
        assertTrue(h.onClose(kept));
        assertTrue(h.onClose(removed));
        h.removeOnClose(removed);
        h.close();
        h.close();
        assertTrue(runs[0] == 1 && runs[1] == 0, "kept ran once, removed never");
        assertTrue(openDuringHook[0], "the number is still ours while the hook runs");
        assertFalse(h.onClose(() -> runs[1]++), "a closed handle takes no hook");
        h.release();
        assertFalse(isOpen(fd) && target(fd).startsWith("pipe:"), "released after the holder left");
    }
}
