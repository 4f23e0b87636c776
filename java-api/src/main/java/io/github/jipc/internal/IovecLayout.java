package io.github.jipc.internal;

import java.nio.ByteBuffer;

import io.github.jipc.internal.jni.CommonNative;

/**
 * The layout of C's {@code struct iovec} (readv(2)): size and field offsets
 * read from native code once, never written as literals here.
 */
public final class IovecLayout {
    /** sizeof(struct iovec). */
    public static final int SIZE;
    /** offsetof(struct iovec, iov_base). */
    public static final int BASE;
    /** offsetof(struct iovec, iov_len). */
    public static final int LEN;
    /** sizeof(size_t), the width of iov_len and of a pointer on the platforms jipc supports. */
    public static final int WORD;

    static {
        int[] layout = new int[4];
        CommonNative.jipc_iovec_layout(layout);
        SIZE = layout[0];
        BASE = layout[1];
        LEN = layout[2];
        WORD = layout[3];
    }

    private IovecLayout() {}

    /** Writes entry i of an iovec array in native order. */
    public static void put(ByteBuffer iovecs, int i, long base, long len) {
        int at = i * SIZE;
        if (WORD == Long.BYTES) {
            iovecs.putLong(at + BASE, base).putLong(at + LEN, len);
        } else {
            iovecs.putInt(at + BASE, (int) base).putInt(at + LEN, (int) len);
        }
    }
}
