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

    private final WeakReference<?>[] buffers = new WeakReference<?>[ENTRIES];
    private final long[] addresses = new long[ENTRIES];
    private int next;

    /** The address of element 0 of direct buffer b. */
    public long addressOf(ByteBuffer b) {
        for (int i = 0; i < ENTRIES; i++) {
            WeakReference<?> r = buffers[i];
            if (r != null && r.get() == b) {
                return addresses[i];
            }
        }
        long address = lookup(b);
        buffers[next] = new WeakReference<>(b);
        addresses[next] = address;
        next = (next + 1) % ENTRIES;
        return address;
    }

    /** The address of element 0 of direct buffer b, without caching. */
    public static long lookup(ByteBuffer b) {
        // JavaCPP hands the shim the address of the buffer's position.
        return CommonNative.jipc_address_of(b) - b.position();
    }
}
