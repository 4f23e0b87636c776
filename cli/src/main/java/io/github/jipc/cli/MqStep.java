package io.github.jipc.cli;

import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.jipc.MessageQueue;
import io.github.jipc.QueueMessage;

/**
 * POSIX message queues: two unnamed queues (created, unlinked at once), one
 * each way, which the child inherits as descriptors 3 and 4. Messages of
 * several priorities go first, and the child reports the order it received
 * them in; then the echo exchange runs over the queues, one message per chunk.
 */
final class MqStep implements TourStep {
    private static final int CHILD_READ_FD = 3;
    private static final int CHILD_WRITE_FD = 4;
    private static final String[] TEXTS = { "routine", "urgent", "low", "important", "urgent-2", "routine-2" };
    private static final int[] PRIORITIES = { 1, 9, 0, 5, 9, 1 };
    private static final String EXPECTED = "urgent@9 urgent-2@9 important@5 routine@1 routine-2@1 low@0";

    @Override
    public String name() {
        return "mq";
    }

    @Override
    public String title() {
        return "POSIX message queue: mq_open(3) + mq_unlink(3) at once, one each way; the child inherits them;"
                + " mq_send(3)/mq_receive(3) with priorities";
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        int size = messageSize();
        try (MessageQueue toChild = MessageQueue.createUnnamed(maxMessages(), size);
             MessageQueue fromChild = MessageQueue.createUnnamed(maxMessages(), size)) {
            report.line("created", "two unnamed queues of " + toChild.maxMessages() + " messages of " + size
                    + " B, nothing left in the namespace");
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < TEXTS.length; i++) {
                toChild.send(TEXTS[i].getBytes(StandardCharsets.UTF_8), PRIORITIES[i]);
                sent.append(i == 0 ? "" : " ").append(TEXTS[i]).append('@').append(PRIORITIES[i]);
            }
            report.line("sent", sent.toString());
            ChildJvm child = context.startChild(this,
                    List.of(Integer.toString(CHILD_READ_FD), Integer.toString(CHILD_WRITE_FD)),
                    b -> b.inherit(toChild, CHILD_READ_FD).inherit(fromChild, CHILD_WRITE_FD));
            child.closeOnTimeout(toChild, fromChild);
            report.line("child", "pid " + child.pid() + " receives on fd " + CHILD_READ_FD + " and sends back on fd "
                    + CHILD_WRITE_FD);
            String order = new String(fromChild.receive().bytes(), StandardCharsets.UTF_8);
            if (!order.equals(EXPECTED)) {
                throw new IllegalStateException("the child received " + order + ", expected " + EXPECTED);
            }
            report.line("received", order + ": highest priority first, FIFO within one");
            EchoExchange.run(context.settings(), report, QueueChannels.sink(toChild), QueueChannels.source(fromChild));
            report.line("exit", "child " + child.expectSuccess());
        }
    }

    private static int messageSize() {
        return (int) Math.min(8192, limit("msgsize_max", 8192));
    }

    private static long maxMessages() {
        return Math.min(10, limit("msg_max", 10));
    }

    private static long limit(String name, long fallback) {
        try (var in = new java.io.FileInputStream("/proc/sys/fs/mqueue/" + name)) {
            byte[] b = new byte[32];
            int len = 0;
            for (int n; len < b.length && (n = in.read(b, len, b.length - len)) > 0;) {
                len += n;
            }
            return Long.parseLong(new String(b, 0, len, StandardCharsets.US_ASCII).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public int child(List<String> args) throws Exception {
        if (args.size() != 2) {
            throw new IllegalArgumentException("usage: jipc child mq <receive-fd> <send-fd>");
        }
        try (MessageQueue in = MessageQueue.inherited(Integer.parseInt(args.get(0)));
             MessageQueue out = MessageQueue.inherited(Integer.parseInt(args.get(1)))) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < TEXTS.length; i++) {
                QueueMessage m = in.receive();
                got.add(new String(m.bytes(), StandardCharsets.UTF_8) + "@" + m.priority());
            }
            out.send(String.join(" ", got).getBytes(StandardCharsets.UTF_8), 0);
            ReadableByteChannel source = QueueChannels.source(in);
            try (WritableByteChannel sink = QueueChannels.sink(out)) {
                EchoExchange.echo(source, sink);
            }
        }
        return 0;
    }
}
