package io.github.jipc.internal;

import java.nio.ByteBuffer;

import io.github.jipc.internal.jni.CommonNative;

/**
 * Remembers the native address of the last direct buffer seen, so a channel
 * that is handed the same buffer again and again pays no lookup: hot reads
 * and writes make exactly one JNI call and allocate nothing.
 *
 * <p>The entry keeps that buffer reachable, and so its memory valid, for as
 * long as it stays the last one.
 */
public final class AddressCache {
    private static final class Entry {
        final ByteBuffer buffer;
        final long address;

        Entry(ByteBuffer buffer, long address) {
            this.buffer = buffer;
            this.address = address;
        }
    }

    private volatile Entry last;

    /** The address of element 0 of direct buffer b. */
    public long addressOf(ByteBuffer b) {
        Entry e = last;
        if (e != null && e.buffer == b) {
            return e.address;
        }
        long address = lookup(b);
        last = new Entry(b, address);
        return address;
    }

    /** The address of element 0 of direct buffer b, without caching. */
    public static long lookup(ByteBuffer b) {
        // JavaCPP hands the shim the address of the buffer's position.
        return CommonNative.jipc_address_of(b) - b.position();
    }
}
