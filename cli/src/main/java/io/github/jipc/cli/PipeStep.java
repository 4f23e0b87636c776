package io.github.jipc.cli;

import java.util.List;

import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;

/**
 * Unnamed pipes: two pipes, one each way, whose far ends a child JVM inherits
 * as descriptors 3 and 4, as a forked C child would.
 */
final class PipeStep implements TourStep {
    private static final int CHILD_READ_FD = 3;
    private static final int CHILD_WRITE_FD = 4;

    @Override
    public String name() {
        return "pipe";
    }

    @Override
    public String title() {
        return "unnamed pipe: pipe2(2), one each way; the child inherits its ends (posix_spawn(3))";
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        try (Pipe toChild = Pipe.open(); Pipe fromChild = Pipe.open()) {
            ChildJvm child = context.startChild(this,
                    List.of(Integer.toString(CHILD_READ_FD), Integer.toString(CHILD_WRITE_FD)),
                    b -> b.inherit(toChild.source(), CHILD_READ_FD).inherit(fromChild.sink(), CHILD_WRITE_FD));
            // The child holds these ends now: start() closed ours, so end of stream and EPIPE work.
            child.closeOnTimeout(toChild.sink(), fromChild.source());
            report.line("child", "pid " + child.pid() + " reads the pipe to it on fd " + CHILD_READ_FD
                    + " and writes the pipe back on fd " + CHILD_WRITE_FD);
            EchoExchange.run(context.settings(), report, toChild.sink(), fromChild.source());
            report.line("exit", "child " + child.expectSuccess());
        }
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: jipc child pipe <read-fd> <write-fd>");
        }
        try (PipeSource in = PipeSource.inherited(Integer.parseInt(args.get(0)));
             PipeSink out = PipeSink.inherited(Integer.parseInt(args.get(1)))) {
            EchoExchange.echo(in, out);
        }
        return 0;
    }
}
