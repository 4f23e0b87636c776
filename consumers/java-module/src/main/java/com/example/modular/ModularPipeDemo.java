package com.example.modular;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.jipc.Jipc;
import io.github.jipc.Pipe;

/**
 * Moves bytes through a jipc pipe from a named module; exits non-zero unless
 * jipc is the module io.github.jipc, exports only its public package, and the
 * bytes arrive intact.
 */
public final class ModularPipeDemo {
    public static void main(String[] args) throws Exception {
        Module jipc = Jipc.class.getModule();
        if (!"io.github.jipc".equals(jipc.getName())) {
            fail(3, "jipc is not the module io.github.jipc but " + jipc);
        }
        for (String internal : new String[] { "io.github.jipc.internal", "io.github.jipc.internal.jni" }) {
            if (jipc.isExported(internal)) {
                fail(3, "io.github.jipc exports " + internal);
            }
        }
        if (!Jipc.isAvailable()) {
            fail(2, Jipc.unavailabilityCause().getMessage());
        }
        byte[] message = "bytes through a jipc pipe, module to module".getBytes(StandardCharsets.UTF_8);
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(ByteBuffer.wrap(message));
            pipe.sink().close();
            ByteBuffer in = ByteBuffer.allocate(256);
            while (pipe.source().read(in) >= 0) {
                // read until end of stream
            }
            String got = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            if (!got.equals(new String(message, StandardCharsets.UTF_8))) {
                fail(1, "got '" + got + "'");
            }
            // Nothing requires the classifier jar's automatic module: it is on the
            // module path but not in the module graph, and jipc finds its library anyway.
            boolean inGraph = ModuleLayer.boot().findModule("io.github.jipc." + Jipc.platform().replace('-', '.')).isPresent();
            System.out.println("modular consumer: " + in.position() + " bytes through a pipe on " + Jipc.platform()
                    + " (classifier module in the module graph: " + inGraph + "), library "
                    + Jipc.libraryFile().orElseThrow() + ": OK");
        }
    }

    private static void fail(int status, String message) {
        System.err.println("modular consumer: " + message);
        System.exit(status);
    }
}
