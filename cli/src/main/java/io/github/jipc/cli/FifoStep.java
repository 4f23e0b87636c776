package io.github.jipc.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.github.jipc.Fifo;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * FIFOs: two named pipes, one each way, which the child opens by path, as an
 * unrelated process would; removed at the end.
 */
final class FifoStep implements TourStep {
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public String title() {
        return "FIFO: mkfifo(3), one each way, opened by path in the child (open(2)), removed (unlink(2))";
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        Path dir = context.workDir();
        Fifo toChild = Fifo.create(dir.resolve("to-child.fifo"), MODE);
        try {
            Fifo fromChild = Fifo.create(dir.resolve("from-child.fifo"), MODE);
            try {
                report.line("created", toChild.path() + " and " + fromChild.path().getFileName() + ", mode "
                        + PosixFilePermissions.toString(MODE));
                exchange(context, report, toChild, fromChild);
            } finally {
                fromChild.removeIfExists();
            }
        } finally {
            toChild.removeIfExists();
        }
        if (Fifo.exists(toChild.path()) || Fifo.exists(dir.resolve("from-child.fifo"))) {
            throw new IllegalStateException("a FIFO is still there after removing it");
        }
        report.line("removed", "both FIFOs are gone from " + dir);
    }

    private void exchange(TourContext context, StepReport report, Fifo toChild, Fifo fromChild) throws Exception {
        ChildJvm child = context.startChild(this,
                List.of(toChild.path().toString(), fromChild.path().toString()), b -> { });
        Duration timeout = context.settings().timeout();
        // Opening a write end waits for a reader: the child opens ours first, then waits for us on its own.
        try (PipeSink out = toChild.openSink(timeout); PipeSource in = fromChild.openSource()) {
            child.closeOnTimeout(out, in);
            report.line("child", "pid " + child.pid() + " opened both FIFOs by path");
            EchoExchange.run(context.settings(), report, out, in);
        }
        report.line("exit", "child " + child.expectSuccess());
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: jipc child fifo <path-to-read> <path-to-write>");
        }
        try (PipeSource in = Fifo.of(Path.of(args.get(0))).openSource();
             PipeSink out = Fifo.of(Path.of(args.get(1))).openSink(Duration.ofMinutes(1))) {
            EchoExchange.echo(in, out);
        }
        return 0;
    }
}
