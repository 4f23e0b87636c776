package io.github.jipc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.github.jipc.Pipe;

/**
 * Opens a jipc pipe and makes n 64-byte writes and reads through it, nothing
 * else: run under a tracer ({@code count-native-calls.sh}) to count the native
 * calls and system calls per operation.
 */
public final class HotPathLoop {
    private HotPathLoop() {}

    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            for (int i = 0; i < n; i++) {
                pipe.sink().write(out.clear());
                if (pipe.source().read(in.clear()) != 64) {
                    throw new IllegalStateException("short read");
                }
            }
        }
    }
}
