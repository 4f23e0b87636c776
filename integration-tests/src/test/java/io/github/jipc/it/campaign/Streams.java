package io.github.jipc.it.campaign;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.Fifo;
import io.github.jipc.Pipe;
import io.github.jipc.PipeEnd;
import io.github.jipc.PipeOption;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.Subprocess;

/** Pipes, FIFOs and subprocess handles. */
final class Streams implements Facility {
    private final Slots<Pipe> pipes = new Slots<>("Pipe", 4);
    private final Slots<PipeEnd> fifoEnds = new Slots<>("FIFO end", 4);
    private final Slots<Subprocess> children = new Slots<>("Subprocess", 2);
    private final Path folder;
    private final AtomicInteger fifoNames = new AtomicInteger();

    Streams(Path folder) {
        this.folder = folder;
    }

    @Override
    public String name() {
        return "pipes, FIFOs, subprocesses";
    }

    static ByteBuffer buffer(Random r, int max) {
        int n = r.nextInt(max + 1);
        ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        if (n > 0 && r.nextInt(4) == 0) {
            b.position(r.nextInt(n + 1));
        }
        return r.nextInt(10) == 0 ? b.asReadOnlyBuffer() : b;
    }

    @Override
    public void step(Random r, Calls c) {
        switch (r.nextInt(12)) {
            case 0 -> c.call("Pipe.open", Calls.OS, () -> {
                Pipe p = Pipe.open(PipeOption.NON_BLOCKING);
                pipes.put(r, p, c);
            });
            case 1, 2 -> {
                Pipe p = pipes.pick(r);
                if (p != null) {
                    endCalls(r, c, r.nextBoolean() ? p.source() : p.sink());
                }
            }
            case 3 -> {
                Pipe p = pipes.pick(r);
                if (p != null) {
                    c.call("Pipe.close", Calls.CLOSE, p::close);
                }
            }
            case 4 -> fifo(r, c);
            case 5 -> {
                PipeEnd e = fifoEnds.pick(r);
                if (e != null) {
                    endCalls(r, c, e);
                }
            }
            case 6 -> c.call("Fifo.create (bad path)", Calls.OS.and(Calls.NULL), () -> {
                Path p = r.nextBoolean() ? folder.resolve("missing/x") : r.nextBoolean() ? folder : null;
                Fifo.create(p, PosixFilePermissions.fromString("rw-------"));
            });
            case 7 -> raceRead(r, c);
            case 8 -> raceWrite(r, c);
            case 9 -> {
                if (r.nextInt(20) == 0) {
                    child(r, c);
                }
            }
            case 10 -> {
                Subprocess s = children.pick(r);
                if (s != null) {
                    childCalls(r, c, s);
                }
            }
            default -> c.call("PipeSource.read (bad array range)", Calls.ARGUMENT.and(Calls.OS), () -> {
                Pipe p = pipes.pick(r);
                if (p != null) {
                    ByteBuffer[] dsts = { ByteBuffer.allocate(4), ByteBuffer.allocateDirect(4) };
                    p.source().read(dsts, r.nextInt(5) - 2, r.nextInt(5) - 2);
                }
            });
        }
    }

    private static void endCalls(Random r, Calls c, PipeEnd end) {
        switch (r.nextInt(7)) {
            case 0 -> c.call("PipeEnd.close", Calls.CLOSE, end::close);
            case 1 -> c.call("PipeEnd.capacity", Calls.OS, end::capacity);
            case 2 -> c.call("PipeEnd.setCapacity", Calls.OS, () -> end.setCapacity(r.nextInt(3) == 0 ? -r.nextInt(100)
                    : r.nextInt(3) == 0 ? Integer.MAX_VALUE : 4096 << r.nextInt(6)));
            case 3 -> c.call("PipeEnd.configureBlocking(false)", Calls.OS, () -> end.configureBlocking(false));
            default -> {
                if (end instanceof PipeSource s) {
                    if (s.isBlocking()) {
                        return; // a blocking read would wait for ever: the races do those
                    }
                    c.call("PipeSource.read", Calls.OS.and(Calls.Allowed.of(java.nio.ReadOnlyBufferException.class)),
                            () -> s.read(buffer(r, 70_000)));
                    c.call("PipeSource.available", Calls.OS, s::available);
                } else if (end instanceof PipeSink s) {
                    if (s.isBlocking()) {
                        return;
                    }
                    c.call("PipeSink.write", Calls.OS, () -> s.write(buffer(r, 70_000)));
                }
            }
        }
    }

    private void fifo(Random r, Calls c) {
        Path path = folder.resolve("fifo-" + fifoNames.getAndIncrement() % 8);
        c.call("Fifo.createIfAbsent/open", Calls.OS, () -> {
            Fifo f = Fifo.createIfAbsent(path, PosixFilePermissions.fromString("rw-------"));
            switch (r.nextInt(4)) {
                case 0 -> fifoEnds.put(r, f.openSource(PipeOption.NON_BLOCKING), c);
                case 1 -> {
                    PipeSink s = f.tryOpenSink();
                    if (s != null) {
                        s.configureBlocking(false);
                        fifoEnds.put(r, s, c);
                    }
                }
                case 2 -> f.openSource(Duration.ofMillis(r.nextInt(3))).close();
                default -> f.removeIfExists();
            }
        });
    }

    /** A blocking read of an empty pipe (or FIFO waiting for a writer), ended by a close or an interrupt. */
    private void raceRead(Random r, Calls c) {
        if (r.nextBoolean()) {
            c.call("Pipe.open (race)", Calls.OS, () -> {
                Pipe p = Pipe.open();
                PipeSource s = p.source();
                c.race(r, "PipeSource.read (blocked)", Calls.BLOCKED, () -> s.read(ByteBuffer.allocateDirect(1 + r.nextInt(100))),
                        r.nextBoolean() ? s::close : p::close);
                p.close();
            });
        } else {
            Path path = folder.resolve("race-fifo-" + fifoNames.getAndIncrement());
            c.call("Fifo.create (race)", Calls.OS, () -> {
                Fifo f = Fifo.create(path, PosixFilePermissions.fromString("rw-------"));
                try {
                    PipeSource s = f.openSource();
                    c.race(r, "FIFO PipeSource.read (blocked, no writer yet)", Calls.BLOCKED,
                            () -> s.read(ByteBuffer.allocateDirect(8)), s::close);
                } finally {
                    f.remove();
                }
            });
        }
    }

    /** A blocking write into a full pipe, ended by a close of its end. */
    private void raceWrite(Random r, Calls c) {
        c.call("Pipe.open (race)", Calls.OS, () -> {
            try (Pipe p = Pipe.open()) {
                PipeSink s = p.sink();
                ByteBuffer big = ByteBuffer.allocateDirect(s.capacity() + 1 + r.nextInt(4096));
                c.race(r, "PipeSink.write (blocked, full)", Calls.BLOCKED, () -> s.write(big), s::close);
            }
        });
    }

    private void child(Random r, Calls c) {
        c.call("Subprocess.start", Calls.OS, () -> {
            Subprocess.Builder b = r.nextBoolean() ? Subprocess.builder("/bin/sleep", "30")
                    : Subprocess.builder("/bin/true");
            b.redirectInput(Redirect.PIPE).redirectOutput(Redirect.PIPE).redirectError(Redirect.DISCARD);
            children.put(r, b.start(), c);
        });
        c.call("Subprocess.start (no such program)", Calls.OS, () -> {
            Subprocess.builder(folder.resolve("no-such-program").toString()).start().close();
        });
    }

    private static void childCalls(Random r, Calls c, Subprocess s) {
        switch (r.nextInt(7)) {
            case 0 -> c.call("Subprocess.kill", Calls.OS, s::kill);
            case 1 -> c.call("Subprocess.waitFor(timeout)", Calls.OS.and(Calls.NULL),
                    () -> s.waitFor(r.nextBoolean() ? Duration.ofMillis(r.nextInt(3)) : Duration.ofMillis(-5)));
            case 2 -> c.call("Subprocess.exitStatus", Calls.OS, s::exitStatus);
            case 3 -> c.call("Subprocess.stdin().write", Calls.OS, () -> {
                s.stdin().configureBlocking(false);
                s.stdin().write(ByteBuffer.wrap(new byte[r.nextInt(100)]));
            });
            case 4 -> c.call("Subprocess.stdout().read", Calls.OS, () -> {
                s.stdout().configureBlocking(false);
                s.stdout().read(ByteBuffer.allocate(16));
            });
            case 5 -> c.call("Subprocess.terminate", Calls.OS, s::terminate);
            default -> c.call("Subprocess.close", Calls.CLOSE, s::close);
        }
    }

    @Override
    public void cleanup(Calls c) {
        pipes.closeAll(c);
        fifoEnds.closeAll(c);
        children.closeAll(c);
        c.call("remove FIFOs", Calls.OS, () -> {
            try (var files = Files.list(folder)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        });
    }

    static void ignore(IOException e) {
        // closing after a failure
    }
}
