package io.github.jipc;

import io.github.jipc.internal.FdHandle;

/** The descriptor behind each kind of {@link Inheritable}: one place, no casts elsewhere. */
final class Handles {
    private Handles() {}

    static FdHandle of(Inheritable handle) {
        if (handle instanceof PipeEnd end) {
            return end.handle;
        }
        if (handle instanceof SharedMemory shm) {
            return shm.handle();
        }
        if (handle instanceof MemoryFile memfd) {
            return memfd.handle();
        }
        if (handle instanceof MessageQueue queue) {
            return queue.handle;
        }
        throw new AssertionError("unknown Inheritable " + handle.getClass());
    }
}
