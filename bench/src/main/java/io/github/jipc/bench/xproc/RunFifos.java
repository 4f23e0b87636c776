package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import io.github.jipc.Fifo;

/** The FIFOs of one run, made in the scratch folder for the owner only, removed when closed (last made first). */
final class RunFifos implements AutoCloseable {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final RunContext context;
    private final Deque<Fifo> made = new ArrayDeque<>();

    RunFifos(RunContext context) {
        this.context = context;
    }

    /** Makes a FIFO at a fresh scratch path named after prefix. */
    Fifo create(String prefix) throws IOException {
        Fifo fifo = Fifo.create(context.newPath(prefix, ".fifo"), OWNER_ONLY);
        made.push(fifo);
        return fifo;
    }

    /** Removes every FIFO made, even when removing one fails. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        while (!made.isEmpty()) {
            try {
                made.pop().removeIfExists();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
