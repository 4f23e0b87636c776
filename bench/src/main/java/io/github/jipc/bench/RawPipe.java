package io.github.jipc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.bench.jni.BenchNative;

/** A blocking pipe made and used by the raw C side, with a direct buffer whose address is known. */
final class RawPipe implements AutoCloseable {
    final int readFd;
    final int writeFd;
    final ByteBuffer buffer;
    final long address;

    RawPipe(int size) throws IOException {
        int[] fds = new int[2];
        int r = BenchNative.jipc_bench_pipe(fds);
        if (r < 0) {
            throw new IOException("pipe2 failed: errno " + -r);
        }
        readFd = fds[0];
        writeFd = fds[1];
        buffer = ByteBuffer.allocateDirect(size);
        address = BenchNative.jipc_bench_address_of(buffer.clear());
    }

    @Override
    public void close() {
        BenchNative.jipc_bench_close(readFd);
        BenchNative.jipc_bench_close(writeFd);
    }
}
