package io.github.jipc;

/**
 * One operation of a System V {@code semop(2)} call (a {@code struct sembuf}):
 * add a delta to one semaphore of a set (a negative delta waits until the
 * value is large enough), or wait until it is 0. Immutable; build once, use
 * many times. See {@link SystemVSemaphores#op(SemOp...)}.
 */
public final class SemOp {
    final short num;
    final short delta;
    final boolean undo;
    final boolean noWait;

    private SemOp(int num, int delta, boolean undo, boolean noWait) {
        if (num < 0 || num > 0xffff) {
            throw new IllegalArgumentException("a semaphore number is 0 to 65535, got " + num);
        }
        if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            throw new IllegalArgumentException("a delta is " + Short.MIN_VALUE + " to " + Short.MAX_VALUE + ", got " + delta);
        }
        this.num = (short) num;
        this.delta = (short) delta;
        this.undo = undo;
        this.noWait = noWait;
    }

    /**
     * Adds delta to semaphore num: a positive delta releases, a negative one
     * acquires (waiting while the value is below {@code -delta}).
     *
     * @param num   the semaphore's index in the set
     * @param delta what to add, -32768 to 32767, not 0 (use {@link #waitForZero(int)})
     * @return the operation
     * @throws IllegalArgumentException if num or delta is out of range, or delta is 0
     */
    public static SemOp add(int num, int delta) {
        if (delta == 0) {
            throw new IllegalArgumentException("a delta of 0 waits for zero: use SemOp.waitForZero");
        }
        return new SemOp(num, delta, false, false);
    }

    /**
     * Takes one from semaphore num, waiting while it is 0 ({@code add(num, -1)}).
     *
     * @param num the semaphore's index in the set
     * @return the operation
     */
    public static SemOp take(int num) {
        return add(num, -1);
    }

    /**
     * Gives one to semaphore num ({@code add(num, 1)}).
     *
     * @param num the semaphore's index in the set
     * @return the operation
     */
    public static SemOp give(int num) {
        return add(num, 1);
    }

    /**
     * Waits until semaphore num is 0 ({@code sem_op} 0).
     *
     * @param num the semaphore's index in the set
     * @return the operation
     */
    public static SemOp waitForZero(int num) {
        return new SemOp(num, 0, false, false);
    }

    /**
     * The same operation with {@code SEM_UNDO}: the kernel reverts it when
     * this process exits, however it ends (SIGKILL included).
     *
     * @return the operation with SEM_UNDO
     */
    public SemOp undo() {
        return new SemOp(num & 0xffff, delta, true, noWait);
    }

    /**
     * The same operation with {@code IPC_NOWAIT}: the whole call fails at once
     * instead of waiting for this one.
     *
     * @return the operation with IPC_NOWAIT
     */
    public SemOp noWait() {
        return new SemOp(num & 0xffff, delta, undo, true);
    }

    /** {@return the semaphore's index} */
    public int semaphore() {
        return num & 0xffff;
    }

    /** {@return the delta, 0 for a wait for zero} */
    public int delta() {
        return delta;
    }

    /** {@return true with SEM_UNDO} */
    public boolean isUndo() {
        return undo;
    }

    @Override
    public String toString() {
        return (delta == 0 ? "wait for zero on " : (delta > 0 ? "+" : "") + delta + " on ") + "semaphore " + semaphore()
                + (undo ? " (SEM_UNDO)" : "") + (noWait ? " (IPC_NOWAIT)" : "");
    }
}
