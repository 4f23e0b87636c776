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
        if (handle instanceof IpcSocket socket) {
            return socket.handle;
        }
        if (handle instanceof EventFd counter) {
            return counter.handle;
        }
        if (handle instanceof OpenFile file) {
            return file.handle;
        }
        throw new AssertionError("unknown Inheritable " + handle.getClass());
    }

    /**
     * The descriptor to give another process for handle, whose {@link #of}
     * the caller holds acquired. A result other than that handle's fd is a
     * fresh descriptor (see {@link OwnDescription#handOff()}), the caller's to close
     * once it was handed over.
     */
    static int handOff(Inheritable handle, FdHandle acquired) throws java.io.IOException {
        return handle instanceof PipeEnd end ? end.ownDescription.handOff() : acquired.fd();
    }

    /** The descriptor a {@link Poller} waits on for each kind of {@link Pollable}. */
    static FdHandle polled(Pollable handle) {
        if (handle instanceof Inheritable i) {
            return of(i);
        }
        if (handle instanceof Subprocess child) {
            return child.pidfd();
        }
        throw new AssertionError("unknown Pollable " + handle.getClass());
    }

    /**
     * Why an inherited fd is refused: what it is, and the likely cause (a
     * parent that handed nothing down at that number, which the JVM or a
     * library of this process then opened for itself).
     */
    static String notHandedDown(int fd, String expected) {
        return "inherited fd " + fd + " is not " + expected + ": it is " + OpenFile.target(fd) + "; if the parent"
                + " handed nothing down at that number (its descriptor was close-on-exec, or placed elsewhere), this"
                + " process opened the number for itself";
    }

    /** Closes any handle, ignoring what a close reports. */
    static void close(Inheritable handle) {
        try {
            ((AutoCloseable) handle).close();
        } catch (Exception e) {
            // a close of a handle jipc made reports nothing worth stopping for
        }
    }
}
