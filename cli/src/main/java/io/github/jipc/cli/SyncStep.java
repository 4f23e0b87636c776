package io.github.jipc.cli;

import java.time.Duration;
import java.util.List;

import io.github.jipc.LockHolder;
import io.github.jipc.LockOption;
import io.github.jipc.MemoryFile;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.SharedRegion;

/**
 * Synchronization with one child JVM over a memory file it inherits as
 * descriptor 3. First a record lock changes hands: the parent holds a classic
 * (process-associated, so its holder has a pid) write lock on the whole file, the child asks who holds it, blocks on it, and gets
 * it once the parent releases it. Then a producer–consumer: the parent puts
 * numbered items in a ring of slots in the memory, the child takes them out,
 * two unnamed POSIX semaphores in the same memory counting the empty and the
 * full slots; the child checks that every number arrives once and in order.
 */
final class SyncStep implements TourStep {
    private static final int CHILD_MEMFD = 3;
    private static final int SIZE = 4096;
    /** The layout both sides use: a state word, facts the child reports, two semaphores, the ring. */
    private static final int STATE = 0;
    private static final int HOLDER_PID = 8;
    private static final int GOT_LOCK_NANOS = 16;
    private static final int RECEIVED = 24;
    private static final int SEMAPHORES = 64;
    private static final int RING = 1024;
    private static final int SLOTS = 64;
    private static final int ITEMS = 20_000;
    private static final int PARENT_LOCKED = 1;
    private static final int CHILD_BLOCKING = 4;
    private static final int CHILD_GOT_LOCK = 2;
    private static final int CHILD_DONE = 3;
    /** How long the parent keeps the lock once the child is about to block on it. */
    private static final Duration HOLD = Duration.ofMillis(200);

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public String title() {
        return "synchronization: a fcntl(2) record lock handed over; producer–consumer with sem_init(3) empty/full in shared memory";
    }

    private static long emptyOffset() {
        return align(SEMAPHORES);
    }

    private static long fullOffset() {
        return align(emptyOffset() + PosixSemaphore.size());
    }

    private static long align(long offset) {
        long a = PosixSemaphore.alignment();
        return (offset + a - 1) / a * a;
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        Duration timeout = context.settings().timeout();
        try (MemoryFile memfd = MemoryFile.create("jipc-tour-sync", SIZE);
             SharedRegion r = memfd.map();
             RecordLocks locks = RecordLocks.of(memfd, LockOption.PROCESS_ASSOCIATED);
             PosixSemaphore empty = PosixSemaphore.init(r, emptyOffset(), SLOTS);
             PosixSemaphore full = PosixSemaphore.init(r, fullOffset(), 0)) {
            try {
                // Started before the lock is taken: a classic lock is dropped when the process
                // closes any descriptor of the file, as handing one to a child may.
                ChildJvm child = context.startChild(this, List.of(Integer.toString(CHILD_MEMFD)),
                        b -> b.inherit(memfd, CHILD_MEMFD));
                report.line("child", "pid " + child.pid() + " maps the memfd (fd " + CHILD_MEMFD + ")");
                RecordLock held = locks.lock();
                report.line("lock", "we (pid " + ProcessHandle.current().pid() + ") hold a write lock on the whole file");
                r.putIntRelease(STATE, PARENT_LOCKED);
                await(r, CHILD_BLOCKING, timeout);
                long holder = r.getLongVolatile(HOLDER_PID);
                report.line("holder", "the child asked who holds the lock: pid " + holder
                        + (holder == ProcessHandle.current().pid() ? ", us" : ", not us"));
                if (holder != ProcessHandle.current().pid()) {
                    throw new IllegalStateException("the child saw pid " + holder + " holding the lock");
                }
                Thread.sleep(HOLD.toMillis());
                long released = System.nanoTime();
                held.release();
                await(r, CHILD_GOT_LOCK, timeout);
                long waited = r.getLongVolatile(GOT_LOCK_NANOS) - released;
                report.line("handed", "the child blocked on it and got it " + Math.max(0, waited) / 1_000
                        + " µs after we released it");

                long start = System.nanoTime();
                for (int i = 0; i < ITEMS; i++) {
                    if (!empty.tryAcquire(timeout)) {
                        throw new IllegalStateException("no empty slot within " + timeout.toSeconds() + " s");
                    }
                    r.putLong(RING + (long) (i % SLOTS) * Long.BYTES, i);
                    full.release();
                }
                await(r, CHILD_DONE, timeout);
                long received = r.getLongVolatile(RECEIVED);
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (received != ITEMS) {
                    throw new IllegalStateException("the child received " + received + " of " + ITEMS + " items");
                }
                report.line("items", ITEMS + " numbered items through " + SLOTS + " slots, each once and in order ("
                        + ms + " ms)");
                report.line("exit", "child " + child.expectSuccess());
            } finally {
                empty.destroy();
                full.destroy();
            }
        }
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 1) {
            throw new IllegalArgumentException("usage: jipc child sync <memfd-fd>");
        }
        Duration timeout = Duration.ofSeconds(60);
        try (MemoryFile memfd = MemoryFile.inherited(Integer.parseInt(args.get(0)));
             SharedRegion r = memfd.map();
             RecordLocks locks = RecordLocks.of(memfd);
             PosixSemaphore empty = PosixSemaphore.at(r, emptyOffset());
             PosixSemaphore full = PosixSemaphore.at(r, fullOffset())) {
            await(r, PARENT_LOCKED, timeout);
            LockHolder holder = locks.holder(0, RecordLocks.TO_END, false);
            r.putLongVolatile(HOLDER_PID, holder == null ? 0 : holder.pid());
            r.putIntRelease(STATE, CHILD_BLOCKING);
            try (RecordLock lock = locks.tryLock(0, RecordLocks.TO_END, false, timeout)) {
                if (lock == null) {
                    throw new IllegalStateException("the lock was not released within " + timeout.toSeconds() + " s");
                }
                r.putLongVolatile(GOT_LOCK_NANOS, System.nanoTime());
                r.putIntRelease(STATE, CHILD_GOT_LOCK);
            }
            long received = 0;
            for (int i = 0; i < ITEMS; i++) {
                if (!full.tryAcquire(timeout)) {
                    throw new IllegalStateException("no item within " + timeout.toSeconds() + " s after " + i);
                }
                long item = r.getLong(RING + (long) (i % SLOTS) * Long.BYTES);
                empty.release();
                if (item != i) {
                    throw new IllegalStateException("item " + i + " arrived as " + item);
                }
                received++;
            }
            r.putLongVolatile(RECEIVED, received);
            r.putIntRelease(STATE, CHILD_DONE);
        }
        return 0;
    }

    /** Spins, then sleeps briefly, until the state word says want; fails after timeout. */
    private static void await(SharedRegion r, int want, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int spins = 0; r.getIntAcquire(STATE) != want; spins++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no answer through shared memory within " + timeout.toSeconds() + " s");
            }
            if (spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.sleep(1);
            }
        }
    }
}
