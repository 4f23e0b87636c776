package io.github.jipc.cli;

import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.github.jipc.MessageQueue;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.SemOp;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.SystemVSharedMemory;

/**
 * A child for {@code StaleObjectsTest}: makes one object of each kind and
 * keeps using it (mapped, attached, open, last to operate) until killed:
 * {@code StaleObjectMaker <prefix>} prints {@code READY shm=<id> sem=<id>}.
 */
public final class StaleObjectMaker {
    private StaleObjectMaker() {}

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        var rw = PosixFilePermissions.fromString("rw-------");
        SharedMemory shm = SharedMemory.createExclusive(prefix + "-shm", 4096, rw);
        SharedRegion mapped = shm.map();
        shm.close();
        PosixSemaphore sem = PosixSemaphore.createExclusive(prefix + "-sem", 1, rw);
        MessageQueue queue = MessageQueue.createExclusive(prefix + "-mq", 2, 16, rw);
        SystemVSharedMemory segment = SystemVSharedMemory.createExclusive(SysVKey.PRIVATE, 4096, rw);
        SharedRegion attached = segment.attach();
        SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, rw, 1);
        set.op(SemOp.take(0), SemOp.give(0));
        System.out.println("READY shm=" + segment.id() + " sem=" + set.id());
        System.out.flush();
        Thread.sleep(120_000); // the test kills it long before
        System.out.println("STILL USING " + Set.of(mapped, attached, sem, queue, set).size());
        System.exit(1);
    }
}
