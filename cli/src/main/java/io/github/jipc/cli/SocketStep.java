package io.github.jipc.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.jipc.Credentials;
import io.github.jipc.EventFd;
import io.github.jipc.Inheritable;
import io.github.jipc.IpcSocket;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.ReceivedMessage;
import io.github.jipc.SocketOptions;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;

/**
 * Unix sockets: a stream socket pair for the echo, and a datagram pair over
 * which the parent hands the child a pipe end and an event counter (SCM_RIGHTS):
 * the child writes into the pipe end and adds to the counter, and answers with
 * a datagram carrying its credentials.
 */
final class SocketStep implements TourStep {
    private static final int CHILD_STREAM_FD = 3;
    private static final int CHILD_DGRAM_FD = 4;
    private static final String GREETING = "written by the child into a pipe end it was handed";
    /** What the child adds to the event counter it was handed. */
    private static final long COUNT = 42;

    @Override
    public String name() {
        return "socket";
    }

    @Override
    public String title() {
        return "Unix sockets: socketpair(2) stream echo, a pipe end passed in a datagram (SCM_RIGHTS),"
                + " an eventfd(2) counter passed with it, peer credentials (SO_PEERCRED, SCM_CREDENTIALS)";
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        try (SocketPair stream = IpcSocket.pair(SocketType.STREAM); SocketPair dgram = IpcSocket.pair(SocketType.DATAGRAM);
             Pipe pipe = Pipe.open(); EventFd counter = EventFd.create(0)) {
            dgram.first().setOption(SocketOptions.PASS_CREDENTIALS, true);
            ChildJvm child = context.startChild(this,
                    List.of(Integer.toString(CHILD_STREAM_FD), Integer.toString(CHILD_DGRAM_FD)),
                    b -> b.inherit(stream.second(), CHILD_STREAM_FD).inherit(dgram.second(), CHILD_DGRAM_FD));
            stream.second().close();
            dgram.second().close();
            child.closeOnTimeout(stream.first(), dgram.first(), pipe.source(), counter);
            Credentials peer = stream.first().peerCredentials();
            report.line("child", "pid " + child.pid() + " holds a stream socket on fd " + CHILD_STREAM_FD
                    + " and a datagram socket on fd " + CHILD_DGRAM_FD + "; SO_PEERCRED names the pair's maker: " + peer);
            dgram.first().send(ByteBuffer.wrap("pipe".getBytes(StandardCharsets.UTF_8)), pipe.sink(), counter);
            pipe.sink().close();
            ByteBuffer got = ByteBuffer.allocate(256);
            while (pipe.source().read(got) >= 0) {
                // until the child closes the end it was handed
            }
            String text = new String(got.array(), 0, got.position(), StandardCharsets.UTF_8);
            if (!text.equals(GREETING)) {
                throw new IllegalStateException("the passed pipe end brought '" + text + "'");
            }
            report.line("fd passing", "a pipe write end went over the datagram socket; the child wrote \"" + text + "\"");
            long counted = counter.take();
            if (counted != COUNT) {
                throw new IllegalStateException("the passed event counter brought " + counted + ", not " + COUNT);
            }
            report.line("eventfd", "an event counter went with it; the child added " + COUNT + ", our read(2) took "
                    + counted + " and reset it to 0");
            ReceivedMessage m = dgram.first().receiveMessage(ByteBuffer.allocate(64));
            if (m.credentials() == null || m.credentials().pid() != child.pid()) {
                throw new IllegalStateException("the child's datagram carried credentials " + m.credentials());
            }
            report.line("datagram", m.bytes() + " bytes, one whole message, with SCM_CREDENTIALS " + m.credentials());
            EchoExchange.run(context.settings(), report, sendingHalf(stream.first()), stream.first());
            report.line("exit", "child " + child.expectSuccess());
        }
    }

    /** The socket as a channel whose close shuts down only its sending half (shutdown(2)), so replies still come. */
    private static WritableByteChannel sendingHalf(IpcSocket s) {
        return new WritableByteChannel() {
            private boolean open = true;

            @Override
            public int write(ByteBuffer src) throws IOException {
                return s.write(src);
            }

            @Override
            public boolean isOpen() {
                return open && s.isOpen();
            }

            @Override
            public void close() throws IOException {
                if (open) {
                    open = false;
                    s.shutdownOutput();
                }
            }
        };
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: jipc child socket <stream-fd> <datagram-fd>");
        }
        try (IpcSocket stream = IpcSocket.inherited(Integer.parseInt(args.get(0)));
             IpcSocket dgram = IpcSocket.inherited(Integer.parseInt(args.get(1)))) {
            ReceivedMessage m = dgram.receiveMessage(ByteBuffer.allocate(16));
            for (Inheritable h : m.handles()) {
                if (h instanceof EventFd counter) {
                    try (counter) {
                        counter.add(COUNT);
                    }
                } else {
                    try (PipeSink sink = (PipeSink) h) {
                        sink.write(ByteBuffer.wrap(GREETING.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            dgram.sendWithCredentials(ByteBuffer.wrap("hello from the child".getBytes(StandardCharsets.UTF_8)));
            EchoExchange.echo(stream, stream);
        }
        return 0;
    }
}
