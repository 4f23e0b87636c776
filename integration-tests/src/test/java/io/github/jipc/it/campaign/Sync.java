package io.github.jipc.it.campaign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.jipc.Futex;
import io.github.jipc.IpcException;
import io.github.jipc.LockOption;
import io.github.jipc.MemoryFile;
import io.github.jipc.OwnerDiedException;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.RobustMutex;
import io.github.jipc.SemOp;
import io.github.jipc.SharedCondition;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;

/**
 * Record locks, futexes, POSIX semaphores (named and in a region), System V
 * semaphore sets, robust mutexes and conditions: bad offsets and values, use
 * after close, and every kind of wait ended by a close of the handle, of its
 * region, by a removal or by an interrupt.
 */
final class Sync implements Facility {
    private static final Calls.Allowed LOCKING = Calls.OS_OR_CLOSED_REGION
            .and(Calls.Allowed.of(IllegalMonitorStateException.class));

    private final Slots<SharedRegion> regions = new Slots<>("sync region", 3);
    private final Slots<Futex> futexes = new Slots<>("Futex", 3);
    private final Slots<PosixSemaphore> sems = new Slots<>("PosixSemaphore", 4);
    private final Slots<SystemVSemaphores> sysv = new Slots<>("SystemVSemaphores", 3);
    private final Slots<RobustMutex> mutexes = new Slots<>("RobustMutex", 3);
    private final Slots<SharedCondition> conditions = new Slots<>("SharedCondition", 2);
    private final Slots<RecordLocks> locks = new Slots<>("RecordLocks", 3);
    private final Set<Integer> sysvIds = ConcurrentHashMap.newKeySet();
    private final Names names;
    private final Path lockFile;

    Sync(Names names, Path folder) {
        this.names = names;
        this.lockFile = folder.resolve("locks");
    }

    @Override
    public String name() {
        return "record locks, futex, POSIX and System V semaphores, robust mutex and condition";
    }

    private static SharedRegion region() throws Exception {
        try (MemoryFile m = MemoryFile.create("campaign-sync", 4096)) {
            return m.map();
        }
    }

    private static long offset(Random r, int alignment) {
        return switch (r.nextInt(6)) {
            case 0 -> -r.nextInt(64) - 1;
            case 1 -> 4096 - r.nextInt(64);
            case 2 -> r.nextInt(4096);
            default -> (long) r.nextInt(4096 / 128) * 128 / alignment * alignment;
        };
    }

    @Override
    public void step(Random r, Calls c) {
        switch (r.nextInt(16)) {
            case 0 -> c.call("sync region", Calls.OS, () -> regions.put(r, region(), c));
            case 1 -> {
                SharedRegion g = regions.pick(r);
                if (g != null) {
                    if (r.nextInt(4) == 0) {
                        c.call("sync region close", Calls.CLOSE, g::close);
                    } else {
                        inRegion(r, c, g);
                    }
                }
            }
            case 2 -> futexCalls(r, c);
            case 3 -> semCalls(r, c);
            case 4 -> named(r, c);
            case 5 -> sysvCalls(r, c);
            case 6 -> mutexCalls(r, c);
            case 7 -> lockCalls(r, c);
            case 8 -> raceFutex(r, c);
            case 9 -> raceSem(r, c);
            case 10 -> raceSysv(r, c);
            case 11 -> raceMutex(r, c);
            case 12 -> raceCondition(r, c);
            case 13 -> raceLock(r, c);
            case 14 -> c.call("SystemVSemaphores.create", Calls.OS.and(Calls.NULL), () -> {
                int n = r.nextInt(4) == 0 ? r.nextInt(3) - 1 : 1 + r.nextInt(4);
                int[] values = new int[Math.max(0, n)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.nextInt(8) == 0 ? (r.nextBoolean() ? -1 : 40000) : r.nextInt(3);
                }
                SystemVSemaphores s = SystemVSemaphores.create(SysVKey.PRIVATE, Regions.OWNER_RW, values);
                sysvIds.add(s.id());
                sysv.put(r, s, c);
            });
            default -> c.call("PosixSemaphore.create (bad name/value)", Calls.OS, () -> {
                PosixSemaphore.create(Names.bad(r), r.nextInt(3) - 1, Regions.OWNER_RW).close();
            });
        }
    }

    private void inRegion(Random r, Calls c, SharedRegion g) {
        switch (r.nextInt(4)) {
            case 0 -> c.call("Futex.at", Calls.REGION.and(Calls.OS), () -> futexes.put(r, Futex.at(g, offset(r, 4)), c));
            case 1 -> c.call("PosixSemaphore.init", Calls.REGION.and(Calls.OS), () -> sems.put(r,
                    PosixSemaphore.init(g, offset(r, PosixSemaphore.alignment()), r.nextInt(3) - (r.nextInt(8) == 0 ? 2 : 0)), c));
            case 2 -> c.call("RobustMutex.init", Calls.REGION.and(Calls.OS),
                    () -> mutexes.put(r, RobustMutex.init(g, offset(r, RobustMutex.alignment())), c));
            default -> c.call("SharedCondition.init", Calls.REGION.and(Calls.OS),
                    () -> conditions.put(r, SharedCondition.init(g, offset(r, SharedCondition.alignment())), c));
        }
    }

    private void futexCalls(Random r, Calls c) {
        Futex f = futexes.pick(r);
        if (f == null) {
            return;
        }
        switch (r.nextInt(5)) {
            case 0 -> c.call("Futex.wake", Calls.OS, () -> f.wake(r.nextInt(4) - 1));
            case 1 -> c.call("Futex.wakeAll", Calls.OS, f::wakeAll);
            case 2 -> c.call("Futex.await (other value)", Calls.OS, () -> f.await(r.nextInt() | 1 << 30));
            case 3 -> c.call("Futex.await (timeout)", Calls.OS.and(Calls.NULL), () -> f.await(0,
                    r.nextInt(6) == 0 ? Duration.ofMillis(-1) : Duration.ofNanos(r.nextInt(200_000))));
            default -> c.call("Futex.close", Calls.CLOSE, f::close);
        }
    }

    private void semCalls(Random r, Calls c) {
        PosixSemaphore s = sems.pick(r);
        if (s == null) {
            return;
        }
        switch (r.nextInt(7)) {
            case 0 -> c.call("PosixSemaphore.tryAcquire", Calls.OS, s::tryAcquire);
            case 1 -> c.call("PosixSemaphore.release", Calls.OS, s::release);
            case 2 -> c.call("PosixSemaphore.value", Calls.OS, s::value);
            case 3 -> c.call("PosixSemaphore.tryAcquire(timeout)", Calls.OS,
                    () -> s.tryAcquire(Duration.ofNanos(r.nextInt(100_000) - 1000)));
            case 4 -> c.call("PosixSemaphore.release (past the maximum)", Calls.OS, () -> {
                for (int i = 0; i < 64; i++) {
                    s.release();
                }
            });
            case 5 -> c.call("PosixSemaphore.destroy", Calls.OS.and(Calls.Allowed.of(IllegalStateException.class)), s::destroy);
            default -> c.call("PosixSemaphore.close", Calls.CLOSE, s::close);
        }
    }

    private void named(Random r, Calls c) {
        String name = names.good(r);
        c.call("PosixSemaphore named", Calls.OS, () -> {
            switch (r.nextInt(4)) {
                case 0 -> sems.put(r, PosixSemaphore.create(name, r.nextInt(3), Regions.OWNER_RW), c);
                case 1 -> sems.put(r, PosixSemaphore.open(name), c);
                case 2 -> PosixSemaphore.unlink(name);
                default -> PosixSemaphore.createExclusive(name, 0, Regions.OWNER_RW).close();
            }
        });
    }

    private void sysvCalls(Random r, Calls c) {
        SystemVSemaphores s = sysv.pick(r);
        if (s == null) {
            return;
        }
        int n = r.nextInt(6) - 1;
        switch (r.nextInt(8)) {
            case 0 -> c.call("SystemVSemaphores.tryOp", Calls.OS.and(Calls.NULL), () -> s.tryOp(SemOp.take(n)));
            case 1 -> c.call("SystemVSemaphores.op give", Calls.OS, () -> s.op(SemOp.give(n).undo()));
            case 2 -> c.call("SystemVSemaphores.get/set", Calls.OS, () -> s.set(n, s.get(n) + r.nextInt(40000)));
            case 3 -> c.call("SystemVSemaphores.setAll", Calls.OS, () -> s.setAll(new int[r.nextInt(6)]));
            case 4 -> c.call("SystemVSemaphores.tryOp(timeout)", Calls.OS,
                    () -> s.tryOp(Duration.ofNanos(r.nextInt(100_000)), SemOp.take(0), SemOp.add(n, r.nextInt(5) - 2)));
            case 5 -> c.call("SystemVSemaphores.remove", Calls.OS, s::remove);
            case 6 -> c.call("SystemVSemaphores.status", Calls.OS, () -> {
                s.getAll();
                s.waitingToTake(n);
                s.lastPid(0);
                s.permissions();
            });
            default -> c.call("SystemVSemaphores.close", Calls.CLOSE, s::close);
        }
    }

    private void mutexCalls(Random r, Calls c) {
        RobustMutex m = mutexes.pick(r);
        SharedCondition cond = conditions.pick(r);
        switch (r.nextInt(6)) {
            case 0 -> c.call("RobustMutex.tryLock/unlock", LOCKING, () -> {
                if (m != null && lockRecovering(m)) {
                    if (cond != null && r.nextBoolean()) {
                        cond.await(m, Duration.ofNanos(r.nextInt(100_000)));
                    }
                    m.unlock();
                }
            });
            case 1 -> c.call("RobustMutex.unlock (not held)", LOCKING, () -> {
                if (m != null) {
                    m.unlock();
                }
            });
            case 2 -> c.call("SharedCondition.signal", Calls.OS, () -> {
                if (cond != null) {
                    cond.signal();
                    cond.signalAll();
                }
            });
            case 3 -> c.call("SharedCondition.await (mutex not held)", LOCKING, () -> {
                if (cond != null && m != null) {
                    cond.await(m, Duration.ofMillis(1));
                }
            });
            case 4 -> c.call("RobustMutex/SharedCondition.destroy", LOCKING, () -> {
                if (m != null && r.nextBoolean()) {
                    m.destroy();
                } else if (cond != null) {
                    cond.destroy();
                }
            });
            default -> c.call("RobustMutex.close", Calls.CLOSE, () -> {
                if (m != null) {
                    m.close();
                }
            });
        }
    }

    /** tryLock; an owner that died (cannot happen in one process, but is documented) is repaired. */
    private static boolean lockRecovering(RobustMutex m) throws Exception {
        try {
            return m.tryLock();
        } catch (OwnerDiedException e) {
            m.markConsistent();
            return true;
        }
    }

    private void lockCalls(Random r, Calls c) {
        switch (r.nextInt(5)) {
            case 0 -> c.call("RecordLocks.open", Calls.OS, () -> {
                LockOption[] o = r.nextInt(3) == 0 ? new LockOption[] { LockOption.PROCESS_ASSOCIATED } : new LockOption[0];
                locks.put(r, RecordLocks.open(lockFile, o), c);
            });
            case 1 -> c.call("RecordLocks.open (no such file)", Calls.OS, () -> RecordLocks.open(lockFile.resolveSibling("none/x")));
            default -> {
                RecordLocks l = locks.pick(r);
                if (l == null) {
                    return;
                }
                long pos = r.nextInt(8) == 0 ? -r.nextInt(10) - 1 : r.nextInt(100);
                long len = r.nextInt(8) == 0 ? -r.nextInt(10) - 1 : r.nextInt(8) == 0 ? Long.MAX_VALUE : r.nextInt(50);
                c.call("RecordLocks.tryLock/release", Calls.OS, () -> {
                    RecordLock k = r.nextInt(10) == 0 ? l.tryLock(pos, len, r.nextBoolean(), Duration.ofMillis(1))
                            : l.tryLock(pos, len, r.nextBoolean());
                    if (k != null) {
                        if (r.nextInt(4) == 0) {
                            l.close();
                        }
                        k.release();
                        k.release();
                    }
                });
                c.call("RecordLocks.holder", Calls.OS, () -> l.holder(pos, len, false));
            }
        }
    }

    private static void raceFutex(Random r, Calls c) {
        c.call("Futex race setup", Calls.OS, () -> {
            SharedRegion g = region();
            Futex f = Futex.at(g, 0);
            c.race(r, "Futex.await (blocked)", Calls.BLOCKED, () -> f.await(0), r.nextBoolean() ? f::close : g::close);
            f.close();
            g.close();
        });
    }

    private void raceSem(Random r, Calls c) {
        c.call("PosixSemaphore race setup", Calls.OS, () -> {
            if (r.nextBoolean()) {
                SharedRegion g = region();
                PosixSemaphore s = PosixSemaphore.init(g, 0, 0);
                c.race(r, "PosixSemaphore.acquire (blocked, unnamed)", Calls.BLOCKED, s::acquire,
                        r.nextBoolean() ? s::close : g::close);
                s.close();
                g.close();
            } else {
                String name = names.good(r);
                PosixSemaphore s = PosixSemaphore.createExclusive(name, 0, Regions.OWNER_RW);
                PosixSemaphore.unlink(name);
                c.race(r, "PosixSemaphore.acquire (blocked, named)", Calls.BLOCKED, s::acquire, s::close);
            }
        });
    }

    private void raceSysv(Random r, Calls c) {
        c.call("SystemVSemaphores race setup", Calls.OS, () -> {
            SystemVSemaphores s = SystemVSemaphores.create(SysVKey.PRIVATE, Regions.OWNER_RW, 0);
            sysvIds.add(s.id());
            boolean remove = r.nextBoolean();
            c.race(r, "SystemVSemaphores.op (blocked)", Calls.BLOCKED.and(Calls.Allowed.of(IpcException.class)),
                    () -> s.op(SemOp.take(0)), remove ? s::remove : s::close);
            s.close();
            if (!remove) {
                s.remove();
            }
        });
    }

    private static void raceMutex(Random r, Calls c) {
        c.call("RobustMutex race setup", Calls.OS, () -> {
            SharedRegion g = region();
            RobustMutex m = RobustMutex.init(g, 0);
            m.lock();
            c.race(r, "RobustMutex.lock (blocked)", Calls.BLOCKED, m::lock, r.nextBoolean() ? m::close : g::close);
            if (m.isOpen()) {
                m.unlock();
            }
            m.close();
            g.close();
        });
    }

    private static void raceCondition(Random r, Calls c) {
        c.call("SharedCondition race setup", Calls.OS, () -> {
            SharedRegion g = region();
            RobustMutex m = RobustMutex.init(g, 0);
            SharedCondition cond = SharedCondition.init(g, 128);
            c.race(r, "SharedCondition.await (blocked)", Calls.BLOCKED.and(Calls.Allowed.of(IllegalMonitorStateException.class)), () -> {
                m.lock();
                try {
                    cond.await(m);
                } finally {
                    if (m.isOpen()) {
                        m.unlock();
                    }
                }
            }, r.nextBoolean() ? cond::close : g::close);
            cond.close();
            m.close();
            g.close();
        });
    }

    private void raceLock(Random r, Calls c) {
        c.call("RecordLocks race setup", Calls.OS, () -> {
            try (RecordLocks holder = RecordLocks.open(lockFile)) {
                RecordLocks waiter = RecordLocks.open(lockFile);
                holder.lock(0, 10, false);
                c.race(r, "RecordLocks.lock (blocked)", Calls.BLOCKED, () -> waiter.lock(5, 10, false), waiter::close);
                waiter.close();
            }
        });
    }

    @Override
    public void cleanup(Calls c) {
        futexes.closeAll(c);
        sems.closeAll(c);
        sysv.closeAll(c);
        conditions.closeAll(c);
        mutexes.closeAll(c);
        locks.closeAll(c);
        regions.closeAll(c);
        for (int id : sysvIds) {
            // A handle is closed by now, and none can be made from an id: ipcrm(1), which fails
            // quietly for a set removed during the run.
            c.call("ipcrm -s (cleanup)", Calls.OS, () -> new ProcessBuilder("ipcrm", "-s", Integer.toString(id))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor());
        }
        for (String n : names.used()) {
            c.call("PosixSemaphore.unlink (cleanup)", Calls.OS, () -> {
                try {
                    PosixSemaphore.unlink(n);
                } catch (java.nio.file.NoSuchFileException e) {
                    // not a semaphore's name, or unlinked already
                }
            });
        }
        c.call("remove lock file", Calls.OS, () -> Files.deleteIfExists(lockFile));
    }
}
