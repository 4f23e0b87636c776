package io.github.jipc.it.roles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32;

import io.github.jipc.MessageQueue;
import io.github.jipc.MessageQueueOption;
import io.github.jipc.QueueMessage;

/**
 * The JVM side of POSIX message queues between processes, one verb per run:
 * the same steps as the C peer {@code mq_peer}, through jipc.
 *
 * <p>Usage ({@code <queue>} is {@code /name} or {@code fd:<n>}, an inherited descriptor):
 * <pre>
 * MqRole sender &lt;name&gt; &lt;text&gt;         create (0644), send text + NUL at priority 0, close, unlink
 * MqRole receiver &lt;name&gt;              open read-only, receive one: RESULT bytes= prio= text=
 * MqRole batch &lt;queue&gt; &lt;p1,p2,...&gt;    send "m&lt;i&gt;" with priority p&lt;i&gt;
 * MqRole drain &lt;queue&gt; &lt;n&gt;           receive n, one MSG line each
 * MqRole stream-send &lt;queue&gt; &lt;count&gt; | stream-recv &lt;queue&gt; &lt;count&gt;   as mq_peer's streams
 * MqRole open &lt;name&gt;                  open read-write (a permission check)
 * MqRole over-rlimit &lt;bytes&gt;          lower RLIMIT_MSGQUEUE to bytes (prlimit), then create 10 x 4 KiB
 * </pre>
 */
public final class MqRole {
    private MqRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 2) {
                throw new IllegalArgumentException("missing verb or its argument");
            }
            switch (a[0]) {
                case "sender" -> {
                    try (MessageQueue q = MessageQueue.create(a[1], PosixFilePermissions.fromString("rw-r--r--"),
                            MessageQueueOption.WRITE_ONLY)) {
                        byte[] text = (a[2] + "\0").getBytes(StandardCharsets.UTF_8);
                        q.send(text, 0);
                        q.unlink();
                        Role.say("RESULT sent=" + text.length);
                    }
                }
                case "receiver" -> {
                    try (MessageQueue q = MessageQueue.open(a[1], MessageQueueOption.READ_ONLY)) {
                        QueueMessage m = q.receive();
                        Role.say("RESULT bytes=" + m.bytes().length + " prio=" + m.priority() + " text=" + cString(m.bytes()));
                    }
                }
                case "batch" -> {
                    try (MessageQueue q = queue(a[1], MessageQueueOption.WRITE_ONLY)) {
                        String[] prios = a[2].split(",");
                        for (int i = 0; i < prios.length; i++) {
                            q.send(("m" + i).getBytes(StandardCharsets.UTF_8), Integer.parseInt(prios[i]));
                        }
                        Role.say("RESULT sent=" + prios.length);
                    }
                }
                case "drain" -> {
                    try (MessageQueue q = queue(a[1], MessageQueueOption.READ_ONLY)) {
                        Role.ready();
                        long n = Role.longArg(a, 2, "count");
                        ByteBuffer b = ByteBuffer.allocateDirect(q.messageSize());
                        for (long i = 0; i < n; i++) {
                            int size = q.receive(b.clear());
                            byte[] t = new byte[size];
                            b.flip().get(t);
                            Role.say("MSG prio=" + q.lastPriority() + " text=" + cString(t));
                        }
                        Role.say("RESULT received=" + n);
                    }
                }
                case "stream-send", "stream-recv" -> {
                    boolean sending = a[0].equals("stream-send");
                    try (MessageQueue q = queue(a[1], sending ? MessageQueueOption.WRITE_ONLY : MessageQueueOption.READ_ONLY)) {
                        Role.ready();
                        long bad = stream(q, Role.longArg(a, 2, "count"), sending);
                        Role.say("RESULT count=" + Role.longArg(a, 2, "count") + " bad=" + bad);
                    }
                }
                case "open" -> {
                    try (MessageQueue q = MessageQueue.open(a[1])) {
                        Role.say("RESULT opened msgsize=" + q.messageSize());
                    }
                }
                case "over-rlimit" -> {
                    // Lowers this process's own RLIMIT_MSGQUEUE, then asks for more than it allows.
                    Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                            "--msgqueue=" + a[1]).inheritIO().start();
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("prlimit failed");
                    }
                    try (MessageQueue q = MessageQueue.createUnnamed(10, 4096)) {
                        Role.say("RESULT created " + q);
                    } catch (io.github.jipc.IpcException e) {
                        Role.say("REFUSED " + e.errnoName() + " " + e.getMessage());
                    }
                }
                default -> throw new IllegalArgumentException("unknown verb " + a[0]);
            }
        });
    }

    private static MessageQueue queue(String q, MessageQueueOption access) throws java.io.IOException {
        return q.startsWith("fd:") ? MessageQueue.inherited(Integer.parseInt(q.substring(3))) : MessageQueue.open(q, access);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Sends or checks count stream messages (mq_peer's format, native byte
     * order): u32 seq, u32 length, u32 CRC-32 of the payload, the payload.
     *
     * @return how many received messages differed from what was expected
     */
    public static long stream(MessageQueue q, long count, boolean sending) throws java.io.IOException {
        ByteBuffer m = ByteBuffer.allocateDirect(q.messageSize()).order(ByteOrder.nativeOrder());
        ByteBuffer want = ByteBuffer.allocate(q.messageSize()).order(ByteOrder.nativeOrder());
        long bad = 0;
        for (long i = 0; i < count; i++) {
            if (sending) {
                message(m.clear(), (int) i, q.messageSize());
                q.send(m.flip(), 0);
                continue;
            }
            q.receive(m.clear());
            message(want.clear(), (int) i, q.messageSize());
            if (!m.flip().equals(want.flip())) {
                bad++;
            }
        }
        return bad;
    }

    /** Fills b with stream message seq (b's position at its end). */
    public static void message(ByteBuffer b, int seq, int messageSize) {
        int len = Integer.remainderUnsigned(seq, messageSize - 11);
        byte[] payload = new byte[len];
        for (int i = 0; i < len; i++) {
            payload[i] = (byte) (seq * 31 + i);
        }
        CRC32 crc = new CRC32();
        crc.update(payload);
        b.putInt(seq).putInt(len).putInt((int) crc.getValue()).put(payload);
    }
}
