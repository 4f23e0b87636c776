package io.github.jipc.it.roles;

import java.nio.file.Path;

import io.github.jipc.Fifo;
import io.github.jipc.PipeSource;

/**
 * Opens the existing FIFO at {@code <path>} for reading, reads it until end of
 * stream, closes it and prints RESULT.
 *
 * <p>Usage: {@code FifoReaderRole <path>}
 */
public final class FifoReaderRole {
    private FifoReaderRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 1) {
                throw new IllegalArgumentException("missing path");
            }
            PipeSource source = Fifo.of(Path.of(a[0])).openSource();
            Role.ready();
            Transfer got = Transfer.received().drain(source);
            source.close();
            Role.result(got);
        });
    }
}
