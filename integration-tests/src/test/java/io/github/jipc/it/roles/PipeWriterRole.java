package io.github.jipc.it.roles;

import io.github.jipc.PipeSink;

/**
 * Writes {@code <bytes>} of the stream of {@code <seed>} (forever when -1) into
 * the pipe end inherited as descriptor {@code <fd>}, closes it and prints
 * RESULT. With {@code --hold} it keeps the end open after writing, printing
 * HOLDING, until its standard input reaches end of file.
 *
 * <p>Usage: {@code PipeWriterRole <fd> <bytes|-1> <seed> [--hold]}
 */
public final class PipeWriterRole {
    private PipeWriterRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            PipeSink sink = PipeSink.inherited(Role.intArg(a, 0, "fd"));
            long bytes = Role.longArg(a, 1, "bytes");
            Transfer sent = Transfer.seeded(Role.longArg(a, 2, "seed"));
            Role.ready();
            sent.pour(sink, bytes);
            if (Role.flag(a, "hold")) {
                Role.say("HOLDING " + sent);
                Role.awaitStdinEof();
            }
            sink.close();
            Role.result(sent);
        });
    }
}
