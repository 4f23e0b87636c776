package io.github.jipc;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.MmapNative;

/** Mapping a descriptor into a {@link SharedRegion}, for every kind of shared memory with a descriptor. */
final class MapOptions {
    private MapOptions() {}

    /** The options as a set, each checked against those allowed. */
    static Set<MapOption> of(MapOption[] options, Set<MapOption> allowed, String what) {
        Set<MapOption> set = EnumSet.noneOf(MapOption.class);
        for (MapOption o : Objects.requireNonNull(options, "options")) {
            if (!allowed.contains(Objects.requireNonNull(o, "option"))) {
                throw new IllegalArgumentException(o + " does not apply to " + what + "; allowed: " + allowed);
            }
            set.add(o);
        }
        return set;
    }

    /**
     * mlock(2)s [start, start + length) for {@link MapOption#LOCK}: a whole
     * mapping, or the pages of a window of one (a System V attach). On failure
     * the mapping [base, base + mapLength) is undone ({@link #unmap}) and the
     * error thrown, naming length.
     */
    static void lock(Set<MapOption> opts, long start, long length, long base, long mapLength, String description)
            throws IOException {
        if (!opts.contains(MapOption.LOCK)) {
            return;
        }
        int r = MmapNative.jipc_mlock(start, length);
        if (r < 0) {
            unmap(base, mapLength);
            throw Errors.exception(r, ShmCall.MLOCK, description, length);
        }
    }

    /**
     * Undoes a mapping no region has taken over: replaced by the placeholder
     * (which also ends a System V attach), then the placeholder unmapped.
     */
    static void unmap(long base, long mapLength) {
        MmapNative.jipc_unmap_safe(base, mapLength);
        MmapNative.jipc_munmap(base, mapLength);
    }

    /**
     * Maps [offset, offset + length) of the handle's descriptor.
     *
     * @param file true for a file (msync applies to a shared mapping of it)
     * @param fixedSize true when no process can shrink the object any more (a memfd sealed F_SEAL_SHRINK)
     */
    static SharedRegion map(FdHandle handle, long offset, long length, Set<MapOption> opts, boolean file,
            boolean fixedSize, String description) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        if (length < 1 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a region holds 1 to " + Integer.MAX_VALUE + " bytes, got " + length
                    + " (map several windows for more)");
        }
        boolean readOnly = opts.contains(MapOption.READ_ONLY);
        boolean shared = !opts.contains(MapOption.PRIVATE);
        int options = (readOnly ? MmapNative.JIPC_MAP_READ_ONLY() : 0)
                | (opts.contains(MapOption.POPULATE) ? MmapNative.JIPC_MAP_POPULATE() : 0);
        long[] out = new long[3];
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        int r;
        try {
            r = MmapNative.jipc_mmap(handle.fd(), offset, length,
                    shared ? MmapNative.JIPC_MAP_SHARED() : MmapNative.JIPC_MAP_PRIVATE(), options, out);
        } finally {
            handle.release();
        }
        if (r < 0) {
            throw Errors.exception(r, ShmCall.MMAP, description, length);
        }
        lock(opts, out[0], out[2], out[0], out[2], description);
        String what = description + (offset == 0 ? "" : " from offset " + offset) + (shared ? "" : " (private copy)");
        return new SharedRegion(out[0], out[2], out[1], (int) length, readOnly, file && shared, fixedSize, what);
    }
}
