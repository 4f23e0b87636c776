package io.github.jipc.it.roles;

import io.github.jipc.PipeSource;

/**
 * Reads the pipe end inherited as descriptor {@code <fd>} until end of stream
 * (or {@code --limit=N} bytes), closes it and prints RESULT.
 *
 * <p>Usage: {@code PipeReaderRole <fd> [--limit=N]}
 */
public final class PipeReaderRole {
    private PipeReaderRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            PipeSource source = PipeSource.inherited(Role.intArg(a, 0, "fd"));
            Role.ready();
            Transfer got = Transfer.received().drain(source, Role.option(a, "limit", Long.MAX_VALUE));
            source.close();
            Role.result(got);
        });
    }
}
