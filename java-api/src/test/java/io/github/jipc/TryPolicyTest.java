package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TryPolicyTest {
    /** How many calls in a row are told to wait at once. */
    private static int callsWithoutTry(TryPolicy p) {
        int n = 0;
        while (!p.shouldTry()) {
            n++;
            if (n > 100_000) {
                throw new AssertionError("never tries again");
            }
        }
        return n;
    }

    @Test
    void triesEveryCallWhileTriesGoThrough() {
        TryPolicy p = new TryPolicy();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(p.shouldTry());
            p.tried(i % 20 == 0); // 95 % go through
        }
        assertTrue(p.isTrying());
    }

    @Test
    void stopsTryingEveryCallWhenHalfTheTriesWait() {
        TryPolicy p = new TryPolicy();
        int i = 0;
        while (p.isTrying()) {
            assertTrue(p.shouldTry());
            p.tried(i++ % 2 == 0);
            assertTrue(i < 100, "still trying after " + i + " tries, half of them wasted");
        }
        assertTrue(i >= 4, "a few wasted tries do not stop it: " + i);
        assertEquals(64, callsWithoutTry(p), "the first interval");
    }

    @Test
    void theIntervalDoublesWithWastedTriesUpToItsCeiling() {
        TryPolicy p = stopped();
        int[] seen = new int[6];
        for (int k = 0; k < seen.length; k++) {
            seen[k] = callsWithoutTry(p);
            p.tried(true);
        }
        assertEquals(64, seen[0]);
        assertEquals(128, seen[1]);
        assertEquals(256, seen[2]);
        assertEquals(1024, seen[4]);
        assertEquals(1024, seen[5], "no further than 1024 calls");
    }

    @Test
    void triesThatGoThroughShortenTheIntervalThenResumeEveryCall() {
        TryPolicy p = stopped();
        for (int k = 0; k < 5; k++) {
            callsWithoutTry(p);
            p.tried(true);
        }
        int longest = callsWithoutTry(p);
        p.tried(false);
        int next = callsWithoutTry(p);
        assertTrue(next < longest && next >= 64, longest + " then " + next);
        int tries = 0;
        while (!p.isTrying()) {
            callsWithoutTry(p);
            p.tried(false);
            assertTrue(++tries < 200, "never goes back to trying every call");
        }
        assertTrue(p.shouldTry());
    }

    /** A policy that stopped trying every call (all its tries wasted). */
    private static TryPolicy stopped() {
        TryPolicy p = new TryPolicy();
        while (p.isTrying()) {
            p.shouldTry();
            p.tried(true);
        }
        return p;
    }
}
