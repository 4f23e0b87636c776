package io.github.jipc.bench.xproc;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The child side of the JDK contender, started by {@link JdkContender}, with
 * nothing but the JDK:
 * <pre>
 *   echo pipe SIZE                   echo stdin to stdout, SIZE-byte messages, until end of stream
 *   echo fifo SIZE IN_PATH OUT_PATH  the same through FileChannels on two FIFOs
 *   send pipe SIZE                   stream numbered messages to stdout until the reader leaves
 *   send fifo SIZE OUT_PATH          the same into a FIFO
 * </pre>
 */
public final class JdkChild {
    private JdkChild() {}

    public static void main(String[] args) throws IOException {
        String mode = args[0] + " " + args[1];
        int size = Integer.parseInt(args[2]);
        switch (mode) {
            case "echo pipe" -> echo(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), size);
            case "send pipe" -> send(new FileOutputStream(FileDescriptor.out), size);
            case "echo fifo" -> {
                // Same order as the parent's opens: ours to read first, then ours to write.
                try (FileChannel in = FileChannel.open(Path.of(args[3]), StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(Path.of(args[4]), StandardOpenOption.WRITE)) {
                    ChannelWire.echo(in, out, size);
                }
            }
            case "send fifo" -> {
                try (FileChannel out = FileChannel.open(Path.of(args[3]), StandardOpenOption.WRITE)) {
                    ChannelWire.send(out, size);
                } catch (IOException e) {
                    if (!brokenPipe(e)) {
                        throw e;
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static void echo(InputStream in, OutputStream out, int size) throws IOException {
        byte[] buf = new byte[size];
        for (;;) {
            int n = in.readNBytes(buf, 0, size);
            if (n == 0) {
                return;
            }
            if (n < size) {
                throw new IOException("end of stream inside a message");
            }
            out.write(buf);
        }
    }

    private static void send(OutputStream out, int size) throws IOException {
        byte[] msg = Messages.array(size);
        try {
            for (long seq = 0;; seq++) {
                Messages.stamp(msg, seq);
                out.write(msg);
            }
        } catch (IOException e) {
            if (!brokenPipe(e)) {
                throw e;
            }
        }
    }

    /** EPIPE, as the JDK reports it: the reader has its count and left. */
    private static boolean brokenPipe(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Broken pipe");
    }
}
