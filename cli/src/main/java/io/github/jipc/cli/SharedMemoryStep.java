package io.github.jipc.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import io.github.jipc.MemoryFile;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;

/**
 * Shared memory of three kinds with one child JVM: a memory file it inherits
 * as descriptor 3, a POSIX shared memory object it opens by name, and a
 * System V segment it attaches by id. Through each, the parent leaves a
 * message, both processes add to one counter at once with atomic adds, and
 * the child answers; each process maps the memory at its own address.
 */
final class SharedMemoryStep implements TourStep {
    private static final int CHILD_MEMFD = 3;
    private static final int SIZE = 4096;
    /** The layout both sides use: a turn word, an atomic counter, a message length and the message. */
    private static final int TURN = 0;
    private static final int COUNTER = 8;
    private static final int LENGTH = 16;
    private static final int TEXT = 64;
    private static final int PARENT_SPOKE = 1;
    private static final int CHILD_ANSWERED = 2;
    private static final int ADDS = 100_000;

    @Override
    public String name() {
        return "shm";
    }

    @Override
    public String title() {
        return "shared memory: memfd_create(2) inherited, shm_open(3) by name, shmget(2) by id; mmap(2), atomic adds";
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        String posixName = "/jipc-tour-" + ProcessHandle.current().pid();
        SystemVSharedMemory sysv = SystemVSharedMemory.createExclusive(SysVKey.PRIVATE, SIZE,
                PosixFilePermissions.fromString("rw-------"));
        try (MemoryFile memfd = MemoryFile.create("jipc-tour", SIZE);
             SharedMemory posix = SharedMemory.createExclusive(posixName, SIZE,
                     PosixFilePermissions.fromString("rw-------"))) {
            try (SharedRegion m = memfd.map(); SharedRegion p = posix.map(); SharedRegion s = sysv.attach()) {
                ChildJvm child = context.startChild(this,
                        List.of(Integer.toString(CHILD_MEMFD), posixName, Integer.toString(sysv.id())),
                        b -> b.inherit(memfd, CHILD_MEMFD));
                report.line("child", "pid " + child.pid() + " maps the memfd (fd " + CHILD_MEMFD + "), "
                        + posixName + " and segment " + sysv.id());
                Duration timeout = context.settings().timeout();
                exchange(report, "memfd", m, timeout);
                exchange(report, "POSIX", p, timeout);
                exchange(report, "System V", s, timeout);
                report.line("exit", "child " + child.expectSuccess());
                // Counted once the child has ended: until then its detach may still be under way.
                report.line("segment", sysv.status().attachCount() + " attachment(s) left, ours");
            } finally {
                posix.unlink();
            }
        } finally {
            sysv.remove();
        }
    }

    private static void exchange(StepReport report, String kind, SharedRegion r, Duration timeout) throws Exception {
        byte[] text = ("hello from pid " + ProcessHandle.current().pid() + " through " + kind).getBytes(StandardCharsets.UTF_8);
        r.put(TEXT, text, 0, text.length);
        r.putInt(LENGTH, text.length);
        r.putIntRelease(TURN, PARENT_SPOKE);
        long start = System.nanoTime();
        for (int i = 0; i < ADDS; i++) {
            r.getAndAddLong(COUNTER, 1);
        }
        await(r, CHILD_ANSWERED, timeout);
        long counter = r.getLongVolatile(COUNTER);
        if (counter != 2L * ADDS) {
            throw new IllegalStateException(kind + ": the counter is " + counter + ", not " + 2 * ADDS);
        }
        report.line(kind, "child answered '" + message(r) + "'; both added " + ADDS + " at once: counter "
                + counter + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 3) {
            throw new IllegalArgumentException("usage: jipc child shm <memfd-fd> <posix-name> <sysv-id>");
        }
        Duration timeout = Duration.ofSeconds(60);
        try (MemoryFile memfd = MemoryFile.inherited(Integer.parseInt(args.get(0)));
             SharedRegion m = memfd.map()) {
            answer(m, timeout);
        }
        try (SharedMemory posix = SharedMemory.open(args.get(1)); SharedRegion p = posix.map()) {
            answer(p, timeout);
        }
        try (SharedRegion s = SystemVSharedMemory.ofId(Integer.parseInt(args.get(2))).attach()) {
            answer(s, timeout);
        }
        return 0;
    }

    private static void answer(SharedRegion r, Duration timeout) throws Exception {
        await(r, PARENT_SPOKE, timeout);
        byte[] reply = ("echo: " + message(r)).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < ADDS; i++) {
            r.getAndAddLong(COUNTER, 1);
        }
        r.put(TEXT, reply, 0, reply.length);
        r.putInt(LENGTH, reply.length);
        r.putIntRelease(TURN, CHILD_ANSWERED);
    }

    private static String message(SharedRegion r) {
        byte[] text = new byte[r.getInt(LENGTH)];
        r.get(TEXT, text, 0, text.length);
        return new String(text, StandardCharsets.UTF_8);
    }

    /** Spins, then sleeps briefly, until the turn word says want; fails after timeout. */
    private static void await(SharedRegion r, int want, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int spins = 0; r.getIntAcquire(TURN) != want; spins++) {
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
