package io.github.jipc.internal;

import java.nio.ByteBuffer;

import org.bytedeco.javacpp.BytePointer;

/**
 * Direct byte buffers over native memory that jipc owns elsewhere (a
 * mapping). The JavaCPP pointer used to make one owns nothing: it has no
 * deallocator and is dropped at once.
 */
public final class DirectBuffers {
    private DirectBuffers() {}

    /** A direct buffer of capacity bytes at address; the memory must stay valid while the buffer is reachable. */
    public static ByteBuffer over(long address, int capacity) {
        return new Window(address).capacity(capacity).asByteBuffer();
    }

    private static final class Window extends BytePointer {
        Window(long at) {
            this.address = at;
        }
    }
}
