package io.github.jipc;

/**
 * When a blocking-mode call should first try once without waiting: a call
 * that goes through then skips the interrupt hook and the guard, which only
 * a call that waits needs (a pipe end on its own description, see
 * {@link OwnDescription}).
 *
 * <p>A wasted try costs about ten times what a try that went through saves
 * (a system call that moves nothing, and a poll(2) before the wait), so calls try every time only while more than nine tries in ten
 * go through: 92 % to start, 87.5 % to stop, a running average in which each
 * try weighs 1/32. Otherwise calls wait at once, and try again after a
 * number of calls that doubles with each wasted try, up to
 * {@value #MAX_BACKOFF}, and shrinks by a quarter with each try that went
 * through, down to {@value #MIN_BACKOFF}: a caller whose calls wait half the
 * time (a round trip's receive) tries rarely, and one whose calls stopped
 * waiting soon tries more often, and tries every call again once its tries
 * go through.
 *
 * <p>Not thread-safe: a pipe end's lane guards its policy.
 */
final class TryPolicy {
    /**
     * While calls wait at once, at least and at most this many pass between
     * two tries: a try may cost more than a call (a pipe end's description
     * set O_NONBLOCK for it and blocking again after), so tries that go
     * through in bursts must not bring them close together.
     */
    private static final int MIN_BACKOFF = 64;
    private static final int MAX_BACKOFF = 1024;
    /** Shares of tries that went through, in 1/65536: a running average, each try weighing 1/32. */
    private static final int RATE_ONE = 1 << 16;
    private static final int RATE_SHIFT = 5;
    /** Calls try every time from this share of tries that went through (92 %)... */
    private static final int RATE_ENTER = RATE_ONE * 92 / 100;
    /** ...and wait at once again below this one (87.5 %). */
    private static final int RATE_LEAVE = RATE_ONE * 7 / 8;

    /** Whether every call tries first. */
    private boolean trying = true;
    /** While not trying: calls to make waiting at once before the next try. */
    private int waitLeft;
    /** What waitLeft becomes after a try while not trying. */
    private int backoff = MIN_BACKOFF;
    /** The share of recent tries that went through, in 1/{@value #RATE_ONE}. */
    private int hitRate = RATE_ONE;

    /** Whether every call tries first now (rather than now and then). */
    boolean isTrying() {
        return trying;
    }

    /**
     * Whether this call should try first; a call told no counts toward the
     * next try. A call told yes reports the outcome to {@link #tried}.
     */
    boolean shouldTry() {
        if (!trying && waitLeft > 0) {
            waitLeft--;
            return false;
        }
        return true;
    }

    /** Records a try's outcome: waited tells that it found no data or no room, and the call waits now. */
    void tried(boolean waited) {
        hitRate += ((waited ? 0 : RATE_ONE) - hitRate) >> RATE_SHIFT;
        if (trying) {
            if (hitRate < RATE_LEAVE) {
                trying = false;
                backoff = MIN_BACKOFF;
                waitLeft = backoff;
            }
            return;
        }
        if (hitRate >= RATE_ENTER) {
            trying = true;
            return;
        }
        backoff = waited ? Math.min(2 * backoff, MAX_BACKOFF) : Math.max(MIN_BACKOFF, backoff - backoff / 4);
        waitLeft = backoff;
    }
}
