package io.github.jipc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jipc.internal.AddressCache;
import io.github.jipc.internal.jni.SockmsgNative;

/**
 * One direction of an {@link IpcSocket}: its lock, and the native memory its
 * calls reuse (a staging buffer for heap buffers, an address, the meta ints of
 * a receive or the descriptors of a send). Sends and receives have one each,
 * so a thread can receive while another sends. Everything is guarded by lock.
 */
final class SocketSide {
    /** Heap buffers of streams go through a direct buffer of this size; messages through one their size. */
    static final int STAGING = 64 * 1024;
    /** Staging buffers past this size are not kept. */
    private static final int KEEP = 1 << 20;
    static final int META_FDS = SockmsgNative.JIPC_META_FDS();
    static final int MAX_FDS = SockmsgNative.JIPC_META_MAX_FDS();

    final ReentrantLock lock = new ReentrantLock();
    final AddressCache addresses = new AddressCache();
    private ByteBuffer staging;
    private long stagingAddress;
    private ByteBuffer address;
    private long addressAddress;
    private IntBuffer meta;
    private ByteBuffer metaBytes;
    private long metaAddress;

    /** The address of element 0 of b if the kernel may use its memory directly, else 0. */
    long direct(ByteBuffer b) {
        return b.isDirect() ? addresses.addressOf(b) : 0;
    }

    /** A direct buffer of at least size bytes, cleared. */
    ByteBuffer staging(int size) {
        if (staging == null || staging.capacity() < size) {
            ByteBuffer b = ByteBuffer.allocateDirect(Math.max(size, STAGING));
            if (b.capacity() > KEEP) {
                return b;
            }
            staging = b;
            stagingAddress = AddressCache.lookup(b);
        }
        return staging.clear();
    }

    /** The address of element 0 of a buffer {@link #staging} returned. */
    long stagingAddress(ByteBuffer b) {
        return b == staging ? stagingAddress : AddressCache.lookup(b);
    }

    ByteBuffer address() {
        if (address == null) {
            address = Sockaddrs.allocate();
            addressAddress = AddressCache.lookup(address);
        }
        return address;
    }

    long addressAddress() {
        address();
        return addressAddress;
    }

    /** The meta ints of a receive, or the descriptors of a send from index 0. */
    IntBuffer meta() {
        if (meta == null) {
            metaBytes = ByteBuffer.allocateDirect((META_FDS + MAX_FDS) * Integer.BYTES).order(ByteOrder.nativeOrder());
            meta = metaBytes.asIntBuffer();
            metaAddress = AddressCache.lookup(metaBytes);
        }
        return meta;
    }

    long metaAddress() {
        meta();
        return metaAddress;
    }
}
