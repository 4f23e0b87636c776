package io.github.jipc.it.roles;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.github.jipc.Fifo;
import io.github.jipc.IpcSocket;
import io.github.jipc.MappedFile;
import io.github.jipc.MessageQueue;
import io.github.jipc.PipeOption;
import io.github.jipc.PipeSource;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SocketType;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.UnixAddress;

/**
 * Opens, as whichever user it runs as, each named object of one kind and uses
 * it once, then closes it. Args: kind (fifo, posix-shm, sysv-shm, mq,
 * posix-sem, sysv-sem, socket, lock-file, mapped-file), then names (paths,
 * POSIX names, System V keys). Prints {@code ALLOWED <name>} or
 * {@code DENIED <name> <exception class>: <message>} for each.
 */
public final class AccessRole {
    private AccessRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 2) {
                throw new IllegalArgumentException("AccessRole <kind> <name>...");
            }
            for (int i = 1; i < a.length; i++) {
                try {
                    use(a[0], a[i]);
                    Role.say("ALLOWED " + a[i]);
                } catch (IOException e) {
                    Role.say("DENIED " + a[i] + " " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        });
    }

    private static void use(String kind, String name) throws IOException {
        switch (kind) {
        case "fifo":
            try (PipeSource s = Fifo.of(Path.of(name)).openSource(PipeOption.NON_BLOCKING)) {
                s.read(java.nio.ByteBuffer.allocate(1));
                return;
            }
        case "posix-shm":
            try (SharedMemory m = SharedMemory.open(name); SharedRegion r = m.map()) {
                r.getInt(0);
                return;
            }
        case "sysv-shm":
            try (SharedRegion r = SystemVSharedMemory.open(SysVKey.of(Integer.decode(name))).attach()) {
                r.getInt(0);
                return;
            }
        case "mq":
            try (MessageQueue q = MessageQueue.open(name)) {
                q.trySend(java.nio.ByteBuffer.allocateDirect(1), 0);
                return;
            }
        case "posix-sem":
            try (PosixSemaphore s = PosixSemaphore.open(name)) {
                s.release();
                return;
            }
        case "sysv-sem":
            try (SystemVSemaphores s = SystemVSemaphores.open(SysVKey.of(Integer.decode(name)))) {
                s.get(0);
                return;
            }
        case "socket":
            try (IpcSocket s = IpcSocket.connected(UnixAddress.of(Path.of(name)), SocketType.STREAM, Duration.ofSeconds(10))) {
                s.shutdownOutput();
                return;
            }
        case "lock-file":
            try (RecordLocks locks = RecordLocks.open(Path.of(name)); RecordLock l = locks.tryLock(0, 1, false)) {
                if (l == null) {
                    throw new IOException("the lock of " + name + " is taken");
                }
                return;
            }
        case "mapped-file":
            try (SharedRegion r = MappedFile.map(Path.of(name), 0, 4096)) {
                r.putInt(0, 1);
                return;
            }
        default:
            throw new IllegalArgumentException("unknown kind " + kind);
        }
    }
}
