package io.github.jipc.cli;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.github.jipc.ExitStatus;
import io.github.jipc.Futex;
import io.github.jipc.MemoryFile;
import io.github.jipc.OwnerDiedException;
import io.github.jipc.RobustMutex;
import io.github.jipc.SemOp;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;

/**
 * What a killed child leaves behind, with one child JVM over a memory file it
 * inherits as descriptor 3. The two sides first meet through a futex word: the
 * child stores 1 and wakes us, then sleeps in futex(2) until we store 2 and
 * wake it. Then the child takes a System V semaphore with SEM_UNDO and locks a
 * robust mutex in the memory, half-writes the data the mutex guards, and
 * reports; we kill it with SIGKILL. The kernel gives the semaphore back; the
 * next locker of the mutex (we) gets it with an {@link OwnerDiedException},
 * repairs the data, marks it consistent, and it works as before.
 */
final class CrashStep implements TourStep {
    private static final int CHILD_MEMFD = 3;
    private static final int SIZE = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** The layout: a futex state word, the data the mutex guards (two longs that must be equal), the mutex. */
    private static final int STATE = 0;
    private static final int DATA_A = 8;
    private static final int DATA_B = 16;
    /** How many waiters the child's wake woke (we, if we slept already). */
    private static final int CHILD_WOKE = 24;
    private static final int MUTEX = 64;
    private static final int CHILD_UP = 1;
    private static final int WOKEN = 2;
    private static final int CHILD_HOLDS = 3;
    private static final long HALF_WRITTEN = 42;
    /** How long we let the child fall asleep on the word before waking it. */
    private static final Duration SETTLE = Duration.ofMillis(100);

    @Override
    public String name() {
        return "crash";
    }

    @Override
    public String title() {
        return "a child killed while holding: futex(2) wait/wake first, then a System V semaphore taken with SEM_UNDO"
                + " (semop(2)) and a robust mutex (pthread_mutexattr_setrobust(3)) in shared memory";
    }

    private static long mutexOffset() {
        long a = RobustMutex.alignment();
        return (MUTEX + a - 1) / a * a;
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        Duration timeout = context.settings().timeout();
        try (MemoryFile memfd = MemoryFile.create("jipc-tour-crash", SIZE);
             SharedRegion r = memfd.map();
             Futex state = Futex.at(r, STATE);
             RobustMutex mutex = RobustMutex.init(r, mutexOffset());
             SystemVSemaphores set = SystemVSemaphores.create(SysVKey.PRIVATE, OWNER_ONLY, 1)) {
            try {
                ChildJvm child = context.startChild(this,
                        List.of(Integer.toString(CHILD_MEMFD), Integer.toString(set.id())),
                        b -> b.inherit(memfd, CHILD_MEMFD));
                child.closeOnTimeout(state);
                report.line("child", "pid " + child.pid() + " maps the memfd (fd " + CHILD_MEMFD + ") and opens semid "
                        + set.id());
                awaitState(r, state, CHILD_UP, timeout);
                // The child goes to sleep on the word right after waking us; give it the time to get there.
                Thread.sleep(SETTLE.toMillis());
                r.putIntRelease(STATE, WOKEN);
                int woken = state.wake(1);
                awaitState(r, state, CHILD_HOLDS, timeout);
                report.line("futex", "we slept in FUTEX_WAIT until the child stored 1 (its FUTEX_WAKE woke "
                        + r.getIntAcquire(CHILD_WOKE) + "); it slept while the word was 1, we stored 2 and woke " + woken);
                if (set.get(0) != 0 || set.lastPid(0) != child.pid()) {
                    throw new IllegalStateException("semaphore 0 is " + set.get(0) + ", last changed by pid "
                            + set.lastPid(0));
                }
                report.line("holding", "the child took semaphore 0 (value 1 → 0, SEM_UNDO), locked the mutex and"
                        + " half-wrote the data it guards (" + r.getLong(DATA_A) + " ≠ " + r.getLong(DATA_B) + ")");
                ExitStatus status = child.killAndWait();
                report.line("killed", "child " + status);
                int value = set.get(0);
                if (value != 1) {
                    throw new IllegalStateException("semaphore 0 is " + value + " after its holder died, not 1");
                }
                report.line("SEM_UNDO", "the kernel undid the dead child's take: semaphore 0 is 1 again");
                try {
                    if (!mutex.tryLock(timeout)) {
                        throw new IllegalStateException("the dead child's mutex was not handed on within "
                                + timeout.toSeconds() + " s");
                    }
                    throw new IllegalStateException("the mutex was locked without a word of its dead owner");
                } catch (OwnerDiedException e) {
                    r.putLong(DATA_B, r.getLong(DATA_A));
                    mutex.markConsistent();
                    mutex.unlock();
                    report.line("robust", "our lock got the mutex with OwnerDiedException (EOWNERDEAD); we repaired"
                            + " the data (" + r.getLong(DATA_A) + " = " + r.getLong(DATA_B) + "), markConsistent(), unlock");
                }
                if (!mutex.tryLock(timeout)) {
                    throw new IllegalStateException("the repaired mutex could not be locked again");
                }
                mutex.unlock();
                if (!set.tryOp(timeout, SemOp.take(0).undo())) {
                    throw new IllegalStateException("the semaphore given back could not be taken");
                }
                set.op(SemOp.give(0).undo());
                report.line("again", "the mutex locks and unlocks as before, the semaphore is taken and given");
            } finally {
                set.remove();
                mutex.destroy();
            }
        }
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: jipc child crash <memfd-fd> <semid>");
        }
        Duration timeout = Duration.ofSeconds(60);
        try (MemoryFile memfd = MemoryFile.inherited(Integer.parseInt(args.get(0)));
             SharedRegion r = memfd.map();
             Futex state = Futex.at(r, STATE);
             RobustMutex mutex = RobustMutex.at(r, mutexOffset());
             SystemVSemaphores set = SystemVSemaphores.ofId(Integer.parseInt(args.get(1)))) {
            r.putIntRelease(STATE, CHILD_UP);
            r.putIntRelease(CHILD_WOKE, state.wake(1));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (r.getIntAcquire(STATE) == CHILD_UP) {
                if (System.nanoTime() > deadline || !state.await(CHILD_UP, timeout)) {
                    throw new IllegalStateException("not woken within " + timeout.toSeconds() + " s");
                }
            }
            if (!set.tryOp(timeout, SemOp.take(0).undo())) {
                throw new IllegalStateException("semaphore 0 not taken within " + timeout.toSeconds() + " s");
            }
            mutex.lock();
            r.putLong(DATA_A, HALF_WRITTEN); // and DATA_B never follows: we are killed first
            r.putIntRelease(STATE, CHILD_HOLDS);
            state.wake(1);
            Thread.sleep(timeout.toMillis());
        }
        return 1; // the parent kills us before
    }

    /** Waits on the futex word until it holds want; fails after timeout. */
    private static void awaitState(SharedRegion r, Futex state, int want, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int v;
        while ((v = r.getIntAcquire(STATE)) != want) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("no answer through shared memory within " + timeout.toSeconds() + " s");
            }
            state.await(v, Duration.ofNanos(left));
        }
    }
}
