package io.github.jipc;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The child of {@link SharedMemoryTest}'s interpreted-atomics test, run with
 * {@code -Xint}: makes the POSIX object args[0], shrinks it under a region to
 * one page, tries each atomic past the new end, and prints how many of them
 * threw {@link InternalError}. A crash instead is the test's failure.
 */
public final class TruncatedAtomics {
    private TruncatedAtomics() {}

    public static void main(String[] args) throws Exception {
        String name = args[0];
        try (SharedMemory shm = SharedMemory.create(name, 64 * 1024, PosixFilePermissions.fromString("rw-------"));
             SharedRegion r = shm.map()) {
            try (FileChannel other = FileChannel.open(Path.of("/dev/shm" + name), StandardOpenOption.WRITE)) {
                other.truncate(4096);
            }
            List<Runnable> atomics = List.of(() -> r.compareAndSetInt(8192, 0, 1), () -> r.getAndAddInt(8192, 1),
                    () -> r.compareAndSetLong(8192, 0, 1), () -> r.getAndAddLong(8192, 1));
            int faults = 0;
            for (Runnable a : atomics) {
                try {
                    a.run();
                } catch (InternalError e) {
                    faults++;
                }
            }
            System.out.println("faults " + faults + " of " + atomics.size());
        } finally {
            SharedMemory.unlink(name);
        }
    }
}
