package io.github.jipc.it.roles;

import java.nio.file.Path;
import java.time.Duration;

import io.github.jipc.Fifo;
import io.github.jipc.PipeSink;

/**
 * Opens the existing FIFO at {@code <path>} for writing (waiting up to a
 * minute for a reader), writes {@code <bytes>} of the stream of
 * {@code <seed>} (forever when -1), closes it and prints RESULT.
 *
 * <p>Usage: {@code FifoWriterRole <path> <bytes|-1> <seed>}
 */
public final class FifoWriterRole {
    private FifoWriterRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 1) {
                throw new IllegalArgumentException("missing path");
            }
            Fifo fifo = Fifo.of(Path.of(a[0]));
            long bytes = Role.longArg(a, 1, "bytes");
            Transfer sent = Transfer.seeded(Role.longArg(a, 2, "seed"));
            Role.ready();
            PipeSink sink = fifo.openSink(Duration.ofMinutes(1));
            Role.say("OPENED");
            sent.pour(sink, bytes);
            sink.close();
            Role.result(sent);
        });
    }
}
