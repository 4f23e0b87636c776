package io.github.jipc;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.Set;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.Limits;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.ShmNative;

/** The descriptor of a POSIX shared memory object or memory file, and what both do with it. */
final class MemoryFd {
    static final Set<MapOption> MAP_OPTIONS =
            EnumSet.of(MapOption.READ_ONLY, MapOption.PRIVATE, MapOption.POPULATE, MapOption.LOCK);

    final FdHandle handle;
    final String description;

    MemoryFd(Object owner, int fd, String description) {
        this.handle = FdHandle.adopt(owner, fd);
        this.description = description;
    }

    /** What {@link #memoryFileKind} says. */
    static final int NOT_MEMORY_FILE = 0;
    static final int MEMORY_FILE = 1;
    static final int UNKNOWN = -1;

    /**
     * Whether fd is a memory file, made by memfd_create(2): one that
     * fcntl(2) asks for seals (every tmpfs file does) and that
     * {@code /proc/self/fd} names {@code /memfd:label}; {@link #UNKNOWN}
     * when it takes seals and /proc cannot tell.
     */
    static int memoryFileKind(int fd) {
        if (ShmNative.jipc_shm_seals(fd) < 0) {
            return NOT_MEMORY_FILE;
        }
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString()
                    .startsWith("/memfd:") ? MEMORY_FILE : NOT_MEMORY_FILE;
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** Checks an inherited descriptor: open, and a memory file (memfd) or a shared memory object; sets it close-on-exec. */
    static int checkInherited(int fd, boolean memfd) throws IOException {
        NativeLibrary.ensureAvailable();
        FdHandle.requireInheritable(fd);
        String what = "inherited fd " + fd;
        long size = ShmNative.jipc_shm_size(fd);
        if (size < 0) {
            throw Errors.exception(size, ShmCall.FSTAT, what, "the parent did not hand this descriptor over");
        }
        int kind = memoryFileKind(fd); // UNKNOWN (no /proc) is taken as whichever was asked for
        if (memfd && kind == NOT_MEMORY_FILE) {
            throw new IllegalArgumentException(what + " is not a memory file (memfd_create(2)); a shared memory"
                    + " object from shm_open(3) is taken by SharedMemory.inherited");
        }
        if (!memfd && (ShmNative.jipc_shm_is_regular(fd) != 1 || kind == MEMORY_FILE)) {
            throw new IllegalArgumentException(what + " is not a shared memory object (a regular file such as"
                    + " /dev/shm/name, from shm_open(3))" + (kind == MEMORY_FILE
                            ? ": it is a memory file, taken by MemoryFile.inherited" : ""));
        }
        int r = CommonNative.jipc_set_cloexec(fd, 1);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SET_CLOEXEC, what);
        }
        return fd;
    }

    long size() throws IOException {
        return call(Op.SIZE, 0);
    }

    void grow(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        // The memory lives in RAM (and swap): reserving more than is left would not fail but make
        // the kernel's OOM killer end a process, maybe another one. Refused here instead.
        long more = size - size();
        long available = Limits.memoryAvailable();
        if (more > 0 && available >= 0 && more > available) {
            throw Errors.exception(-Errno.ENOMEM, ShmCall.FALLOCATE, description,
                    more + " more bytes exceed the memory left (MemAvailable + SwapFree: " + available
                            + " bytes); shared memory lives in RAM and swap, and jipc refuses rather than let the"
                            + " kernel's OOM killer end a process");
        }
        call(Op.RESERVE, size);
    }

    /** Reserves size bytes of huge pages (the file is on hugetlbfs). */
    void growHuge(long size) throws IOException {
        call(Op.RESERVE_HUGE, size);
    }

    SharedRegion map(long offset, long length, MapOption... options) throws IOException {
        Set<MapOption> opts = MapOptions.of(options, MAP_OPTIONS, description);
        long size = size();
        if (offset < 0 || length < 1 || offset > size - length) {
            // Touching a page past the end would raise SIGBUS: refused here.
            throw new IllegalArgumentException("[" + offset + ", " + offset + " + " + length + ") is not within the "
                    + size + " bytes of " + description + (size > 0 ? "" : ": it is empty; grow it first (grow(size))"));
        }
        return MapOptions.map(handle, offset, length, opts, false, cannotShrink(), description);
    }

    /** Whether no process can shrink the object any more: a memfd sealed F_SEAL_SHRINK (a seal stays). */
    private boolean cannotShrink() {
        if (!handle.acquire()) {
            return false;
        }
        try {
            int seals = ShmNative.jipc_shm_seals(handle.fd()); // -EINVAL for a POSIX shared memory object
            return seals > 0 && (seals & Seal.SHRINK.bit()) != 0;
        } finally {
            handle.release();
        }
    }

    enum Op { SIZE, RESERVE, RESERVE_HUGE, ADD_SEALS, SEALS }

    /** A short call on the descriptor: its result, or the exception. */
    long call(Op op, long arg) throws IOException {
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        long r;
        try {
            int fd = handle.fd();
            r = switch (op) {
                case SIZE -> ShmNative.jipc_shm_size(fd);
                case RESERVE, RESERVE_HUGE -> ShmNative.jipc_shm_reserve(fd, arg);
                case ADD_SEALS -> ShmNative.jipc_shm_add_seals(fd, (int) arg);
                case SEALS -> ShmNative.jipc_shm_seals(fd);
            };
        } finally {
            handle.release();
        }
        if (r < 0) {
            ShmCall call = switch (op) {
                case SIZE -> ShmCall.FSTAT;
                case RESERVE -> ShmCall.FALLOCATE;
                case RESERVE_HUGE -> ShmCall.FALLOCATE_HUGE_PAGES;
                case ADD_SEALS -> ShmCall.ADD_SEALS;
                case SEALS -> ShmCall.GET_SEALS;
            };
            throw Errors.exception(r, call, description, arg);
        }
        return r;
    }

    @Override
    public String toString() {
        return description;
    }
}
