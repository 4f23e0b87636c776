package io.github.jipc.it.roles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32;

/**
 * One side's account of a byte transfer: how many bytes went through and
 * their CRC-32. The writing side sends a pseudo-random stream (xorshift64*,
 * the same stream as the C peers' for the same seed), so a reader can also
 * check what it got against {@link #expected(long, long)}.
 */
public final class Transfer {
    /** Bytes per read or write call. */
    public static final int CHUNK = 64 * 1024;

    private final CRC32 crc = new CRC32();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private long state;
    private long bytes;

    private Transfer(long seed) {
        this.state = seed == 0 ? 1 : seed;
    }

    /** The sending side of the stream of seed. */
    public static Transfer seeded(long seed) {
        return new Transfer(seed);
    }

    /** A receiving side. */
    public static Transfer received() {
        return new Transfer(1);
    }

    /** The account of the first n bytes of the stream of seed, computed locally. */
    public static Transfer expected(long n, long seed) {
        Transfer t = new Transfer(seed);
        while (t.bytes < n) {
            ByteBuffer b = t.next((int) Math.min(CHUNK, n - t.bytes));
            t.count(b);
        }
        return t;
    }

    /**
     * Writes the next total bytes of the stream (forever when total is negative)
     * in blocking mode.
     */
    public Transfer pour(WritableByteChannel ch, long total) throws IOException {
        long end = total < 0 ? Long.MAX_VALUE : bytes + total;
        while (bytes < end) {
            ByteBuffer b = next((int) Math.min(CHUNK, end - bytes));
            while (b.hasRemaining()) {
                int from = b.position();
                int n = ch.write(b);
                crc.update(b.duplicate().position(from).limit(from + n));
                bytes += n;
            }
        }
        return this;
    }

    /** Reads until end of stream. */
    public Transfer drain(ReadableByteChannel ch) throws IOException {
        return drain(ch, Long.MAX_VALUE);
    }

    /** Reads until end of stream or until limit more bytes were read, in blocking mode. */
    public Transfer drain(ReadableByteChannel ch, long limit) throws IOException {
        long end = bytes + limit < 0 ? Long.MAX_VALUE : bytes + limit;
        while (bytes < end) {
            buf.clear().limit((int) Math.min(CHUNK, end - bytes));
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            if (n == 0) {
                throw new IllegalStateException("read returned 0 on a blocking channel: " + ch);
            }
            count(buf.flip());
        }
        return this;
    }

    /** Accounts for the bytes of b (from its position to its limit) as received. */
    public Transfer count(ByteBuffer b) {
        bytes += b.remaining();
        crc.update(b);
        return this;
    }

    /** Fills buf with the next len bytes of the stream. */
    private ByteBuffer next(int len) {
        buf.clear();
        while (buf.position() + 8 <= len) {
            buf.putLong(random());
        }
        if (buf.position() < len) {
            long v = random();
            while (buf.position() < len) {
                buf.put((byte) v);
                v >>>= 8;
            }
        }
        return buf.flip();
    }

    private long random() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    /** Bytes that went through so far. */
    public long bytes() {
        return bytes;
    }

    /** Their CRC-32, as 8 lower-case hex digits (the protocol's form). */
    public String crc32() {
        return String.format("%08x", crc.getValue());
    }

    /** The protocol's form: {@code bytes=<n> crc32=<hex>}. */
    @Override
    public String toString() {
        return "bytes=" + bytes + " crc32=" + crc32();
    }
}
