package io.github.jipc.internal;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

import io.github.jipc.internal.jni.CommonNative;

/**
 * Remembers the native addresses of the last few direct buffers seen, so a
 * channel handed the same buffers again and again pays no lookup: hot reads
 * and writes, gathering ones included, make exactly one JNI call and
 * allocate nothing.
 *
 * <p>Entries hold their buffers weakly: the cache never keeps a buffer, and
 * so its memory, alive. A caller keeps the buffer reachable across the native
 * call that uses the address ({@link java.lang.ref.Reference#reachabilityFence}).
 * Not thread-safe: each channel keeps one, used under its lock.
 */
public final class AddressCache {
    private static final int ENTRIES = 8;

    /** A buffer, held weakly, and the address of its element 0. */
    private static final class Entry extends WeakReference<ByteBuffer> {
        final long address;

        Entry(ByteBuffer buffer, long address) {
            super(buffer);
            this.address = address;
        }
    }

    private final Entry[] entries = new Entry[ENTRIES];
    private int next;

    /**
     * The address of element 0 of direct buffer b, or 0 when its memory
     * belongs to an arena that can be closed (Java 22+): the caller then
     * copies through memory of its own (see ArenaBuffers).
     */
    public long addressOf(ByteBuffer b) {
        for (Entry e : entries) {
            if (e != null && e.get() == b) {
                return e.address;
            }
        }
        long address = ArenaBuffers.closeable(b) ? 0 : lookup(b);
        entries[next] = new Entry(b, address);
        next = (next + 1) % ENTRIES;
        return address;
    }

    /** The address of element 0 of direct buffer b, without caching. */
    public static long lookup(ByteBuffer b) {
        // JavaCPP hands the shim the address of the buffer's position.
        return CommonNative.jipc_address_of(b) - b.position();
    }
}
