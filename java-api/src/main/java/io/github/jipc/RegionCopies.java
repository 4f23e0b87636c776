package io.github.jipc;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

import io.github.jipc.internal.jni.MmapNative;

/**
 * The array copies of a {@link SharedRegion}: the JVM's copy through the
 * region's buffer, or for large blocks where that is safe the C library's
 * memcpy. The region checks the bounds, read-only and closed first; this
 * class only moves the bytes.
 */
final class RegionCopies {
    /**
     * From this many bytes on, array copies are the C library's memcpy (one
     * JNI call, the array pinned) rather than the JVM's copy loop, which moves
     * large blocks more slowly (measured: 64 KiB in 0.8 µs against 0.6 µs);
     * only in memory that cannot shrink under the mapping (see {@link #nativeCopies}).
     */
    static final int NATIVE_COPY_MIN = 16 * 1024;

    /** The region's buffer over the window, in native order; its cleaner unmaps. */
    private final ByteBuffer buffer;
    private final long address;
    /**
     * Whether large copies may use memcpy: only when no process can shrink the
     * memory under the mapping (a System V segment, a memfd sealed
     * {@code F_SEAL_SHRINK}). A file, POSIX shared memory object or unsealed
     * memfd that another process truncates makes the pages past its new end
     * raise SIGBUS, which the JVM's own copy turns into an {@link InternalError}
     * and a memcpy in native code would turn into the end of the JVM.
     */
    private final boolean nativeCopies;

    /** Copies for the window at address that buffer covers; nativeCopies as for {@link #nativeCopies}. */
    RegionCopies(ByteBuffer buffer, long address, boolean nativeCopies) {
        this.buffer = buffer;
        this.address = address;
        this.nativeCopies = nativeCopies;
    }

    /** Copies length bytes from index i of the window to dst[at...]; both ranges checked by the caller. */
    void get(int i, byte[] dst, int at, int length) {
        if (length >= NATIVE_COPY_MIN && nativeCopies) {
            MmapNative.jipc_copy_out(address + i, dst, at, length);
            Reference.reachabilityFence(buffer); // its cleaner unmaps
        } else {
            buffer.get(i, dst, at, length);
        }
    }

    /** Copies length bytes from src[at...] to index i of the window; both ranges and writability checked by the caller. */
    void put(int i, byte[] src, int at, int length) {
        if (length >= NATIVE_COPY_MIN && nativeCopies) {
            MmapNative.jipc_copy_in(address + i, src, at, length);
            Reference.reachabilityFence(buffer);
        } else {
            buffer.put(i, src, at, length);
        }
    }
}
