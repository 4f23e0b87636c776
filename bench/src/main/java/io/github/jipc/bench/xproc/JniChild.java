package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.bench.jni.BenchNative;

/**
 * The child side of the control ({@link JniContender}): bare JNI read(2) and
 * write(2) calls on the descriptors it inherited.
 * <pre>
 *   echo SIZE IN_FD OUT_FD   echo each SIZE-byte message until end of stream
 *   send SIZE OUT_FD         stream numbered messages until the reader leaves (EPIPE)
 * </pre>
 */
public final class JniChild {
    private JniChild() {}

    public static void main(String[] args) throws IOException {
        int size = Integer.parseInt(args[1]);
        ByteBuffer buf = Messages.direct(size);
        long address = BenchNative.jipc_bench_address_of(buf);
        if (args[0].equals("echo")) {
            int in = Integer.parseInt(args[2]);
            int out = Integer.parseInt(args[3]);
            while (JniContender.readFully(in, address, size)) {
                JniContender.writeFully(out, address, size);
            }
        } else if (args[0].equals("send")) {
            int out = Integer.parseInt(args[2]);
            int epipe = BenchNative.jipc_bench_epipe();
            for (long seq = 0;; seq++) {
                Messages.stamp(buf, seq);
                long done = 0;
                while (done < size) {
                    long n = BenchNative.jipc_bench_write(out, address + done, size - done);
                    if (n == -epipe) {
                        return; // the reader has its count and left
                    }
                    if (n < 0) {
                        throw new IOException("write failed: errno " + -n);
                    }
                    done += n;
                }
            }
        } else {
            throw new IllegalArgumentException("unknown role " + args[0]);
        }
    }
}
