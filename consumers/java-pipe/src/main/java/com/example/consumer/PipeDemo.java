package com.example.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.jipc.Jipc;
import io.github.jipc.Pipe;

/** Moves bytes through a jipc pipe; exits non-zero unless they arrive intact. */
public final class PipeDemo {
    public static void main(String[] args) throws Exception {
        if (!Jipc.isAvailable()) {
            System.err.println(Jipc.unavailabilityCause().getMessage());
            System.exit(2);
        }
        byte[] message = "bytes through a jipc pipe".getBytes(StandardCharsets.UTF_8);
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(ByteBuffer.wrap(message));
            pipe.sink().close();
            ByteBuffer in = ByteBuffer.allocate(256);
            while (pipe.source().read(in) >= 0) {
                // read until end of stream
            }
            String got = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            if (!got.equals(new String(message, StandardCharsets.UTF_8))) {
                System.err.println("consumer: got '" + got + "'");
                System.exit(1);
            }
            System.out.println("consumer: " + in.position() + " bytes through a pipe on " + Jipc.platform() + ": OK");
        }
    }
}
