package io.github.jipc.bench.xproc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The message layout every contender uses, the C one included: the sequence
 * number in the first 8 bytes and the number inverted in the last 8, native
 * byte order, a fixed pattern between. The receiver checks both ends of every
 * message, so a lost, repeated, torn or reordered message fails the run.
 */
final class Messages {
    /** Room for the number at each end. */
    static final int MIN_SIZE = 16;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Messages() {}

    /** A direct buffer of size bytes holding the pattern (the C peer's too). */
    static ByteBuffer direct(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) (i * 31 + 7));
        }
        return b;
    }

    /** A byte array of size bytes holding the pattern. */
    static byte[] array(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    static void stamp(ByteBuffer msg, long seq) {
        msg.putLong(0, seq);
        msg.putLong(msg.capacity() - Long.BYTES, ~seq);
    }

    static void check(ByteBuffer msg, long seq) {
        long head = msg.getLong(0);
        long tail = msg.getLong(msg.capacity() - Long.BYTES);
        if (head != seq || tail != ~seq) {
            throw mismatch(seq, head, tail);
        }
    }

    static void stamp(byte[] msg, long seq) {
        LONGS.set(msg, 0, seq);
        LONGS.set(msg, msg.length - Long.BYTES, ~seq);
    }

    static void check(byte[] msg, long seq) {
        long head = (long) LONGS.get(msg, 0);
        long tail = (long) LONGS.get(msg, msg.length - Long.BYTES);
        if (head != seq || tail != ~seq) {
            throw mismatch(seq, head, tail);
        }
    }

    private static IllegalStateException mismatch(long seq, long head, long tail) {
        return new IllegalStateException("message " + seq + " arrived as " + head + "/" + ~tail
                + ": lost, repeated, reordered or damaged");
    }
}
