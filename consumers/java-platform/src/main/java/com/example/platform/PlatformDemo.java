package com.example.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.jipc.Jipc;
import io.github.jipc.Pipe;

/**
 * Checks that the one dependency on jipc-platform brought every platform's
 * native library, then moves bytes through a pipe with the one that fits this
 * JVM. Exits non-zero on any failure.
 */
public final class PlatformDemo {
    private static final List<String> PLATFORMS = List.of("linux-x86_64", "linux-arm64");

    public static void main(String[] args) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String p : PLATFORMS) {
            if (PlatformDemo.class.getClassLoader().getResource("io/github/jipc/internal/jni/" + p + "/libjniJipc.so") == null) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("consumer: jipc-platform did not bring the native libraries of " + missing);
            System.exit(1);
        }
        if (!Jipc.isAvailable()) {
            System.err.println(Jipc.unavailabilityCause().getMessage());
            System.exit(2);
        }
        byte[] message = ("bytes through a pipe on " + Jipc.platform()).getBytes(StandardCharsets.UTF_8);
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(ByteBuffer.wrap(message));
            pipe.sink().close();
            ByteBuffer in = ByteBuffer.allocate(256);
            while (pipe.source().read(in) >= 0) {
                // until end of stream
            }
            String got = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            if (!got.equals(new String(message, StandardCharsets.UTF_8))) {
                System.err.println("consumer: got '" + got + "'");
                System.exit(1);
            }
            System.out.println("consumer (jipc-platform, os.arch " + System.getProperty("os.arch") + "): " + got + ": OK");
        }
    }
}
