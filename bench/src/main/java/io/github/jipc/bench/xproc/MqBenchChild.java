package io.github.jipc.bench.xproc;

import java.io.IOException;

import io.github.jipc.MessageQueue;

/**
 * The child side of the jipc contender of {@link MqBench}, started with the
 * queues inherited:
 * <pre>
 *   echo IN_FD OUT_FD              echo each message until an empty one
 *   send OUT_FD CONTROL_FD SIZE    stream numbered messages until told to stop
 * </pre>
 */
public final class MqBenchChild {
    private MqBenchChild() {}

    public static void main(String[] args) throws IOException {
        try (MessageQueue a = MessageQueue.inherited(Integer.parseInt(args[1]));
             MessageQueue b = MessageQueue.inherited(Integer.parseInt(args[2]))) {
            if (args[0].equals("echo")) {
                MqWire.echo(a, b);
            } else if (args[0].equals("send")) {
                MqWire.send(a, b, Integer.parseInt(args[3]));
            } else {
                throw new IllegalArgumentException("unknown role " + args[0]);
            }
        }
    }
}
