package io.github.jipc.it.roles;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.jipc.Credentials;
import io.github.jipc.Inheritable;
import io.github.jipc.IpcSocket;
import io.github.jipc.MemoryFile;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.ReceivedMessage;
import io.github.jipc.SharedRegion;
import io.github.jipc.SocketType;
import io.github.jipc.UnixAddress;

/**
 * The other side of jipc's sockets in a child JVM, the JVM twin of socket_peer:
 *
 * <ul>
 * <li>{@code echo <STREAM|SEQPACKET> <path|@name>}: connects, prints the listener's
 *     credentials as {@code PEER pid= uid= gid=}, echoes until the end, prints RESULT;
 * <li>{@code dgram-echo <path|@name>}: binds, sends each datagram back until "END";
 * <li>{@code recv-fd <fd>}: receives handles on the inherited socket: writes
 *     "written by JVM" into a pipe end, or into a memory file's first bytes;
 * <li>{@code recv-many <fd> <n>}: receives n pipe ends one by one and closes each,
 *     then prints {@code FDS before= after=};
 * <li>{@code write-each <fd> <n>}: receives n pipe write ends, writes one byte into
 *     each, last first, closes them and ends;
 * <li>{@code raw}: opens a raw ICMP socket (needs CAP_NET_RAW) and closes it.
 * </ul>
 */
public final class SocketRole {
    private SocketRole() {}

    static UnixAddress address(String s) {
        return s.startsWith("@") ? UnixAddress.abstractName(s.substring(1)) : UnixAddress.of(Path.of(s));
    }

    public static void main(String[] args) {
        Role.run(args, a -> {
            switch (a[0]) {
                case "echo" -> echo(SocketType.valueOf(a[1]), address(a[2]));
                case "dgram-echo" -> dgramEcho(address(a[1]));
                case "recv-fd" -> receiveFd(IpcSocket.inherited(Role.intArg(a, 1, "fd")));
                case "raw" -> {
                    IpcSocket.open(io.github.jipc.SocketDomain.INET, SocketType.RAW, IpcSocket.PROTOCOL_ICMP).close();
                    Role.say("RESULT bytes=0 crc32=0");
                }
                case "write-each" -> writeEach(IpcSocket.inherited(Role.intArg(a, 1, "fd")), Role.intArg(a, 2, "n"));
                case "recv-many" -> receiveMany(IpcSocket.inherited(Role.intArg(a, 1, "fd")), Role.intArg(a, 2, "n"));
                default -> throw new IllegalArgumentException("unknown command " + a[0]);
            }
        });
    }

    private static void echo(SocketType type, UnixAddress at) throws Exception {
        try (IpcSocket s = IpcSocket.connected(at, type, java.time.Duration.ofSeconds(10))) {
            Credentials c = s.peerCredentials();
            Role.say("PEER pid=" + c.pid() + " uid=" + c.uid() + " gid=" + c.gid());
            Role.ready();
            Transfer got = Transfer.received();
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            for (int n; (n = s.read(buf.clear())) >= 0;) {
                if (n == 0 && type == SocketType.STREAM) {
                    continue;
                }
                buf.flip();
                got.count(buf.duplicate());
                while (buf.hasRemaining()) {
                    s.write(buf);
                }
            }
            Role.result(got);
        }
    }

    private static void dgramEcho(UnixAddress at) throws Exception {
        try (IpcSocket s = IpcSocket.bound(at, SocketType.DATAGRAM)) {
            Role.ready();
            Transfer got = Transfer.received();
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            for (;;) {
                java.net.SocketAddress from = s.receiveFrom(buf.clear());
                buf.flip();
                if (StandardCharsets.UTF_8.decode(buf.duplicate()).toString().equals("END")) {
                    break;
                }
                got.count(buf.duplicate());
                s.sendTo(buf, from);
            }
            Role.result(got);
        }
    }

    private static void receiveFd(IpcSocket s) throws Exception {
        Role.ready();
        ReceivedMessage m = s.receiveMessage(ByteBuffer.allocate(16));
        byte[] text = "written by JVM".getBytes(StandardCharsets.UTF_8);
        for (Inheritable h : m.handles()) {
            if (h instanceof PipeSink sink) {
                sink.write(ByteBuffer.wrap(text));
                sink.close();
                Role.say("GOT pipe");
            } else if (h instanceof MemoryFile mem) {
                try (SharedRegion r = mem.map()) {
                    byte[] first = new byte[13];
                    r.get(0, first, 0, first.length);
                    Role.say("GOT memfd size=" + mem.size() + " first=" + new String(first, StandardCharsets.UTF_8).trim());
                    r.put(0, text, 0, text.length);
                }
                mem.close();
            } else if (h instanceof IpcSocket connection) {
                Role.say("GOT socket " + connection.domain() + " " + connection.type() + " from " + connection.remoteAddress());
                connection.write(ByteBuffer.wrap(text));
                connection.close();
            } else {
                Role.say("GOT unexpected " + h);
            }
        }
        s.close();
        Role.say("RESULT bytes=0 crc32=0");
    }

    private static void writeEach(IpcSocket s, int n) throws Exception {
        Role.ready();
        java.util.List<PipeSink> sinks = new java.util.ArrayList<>();
        while (sinks.size() < n) {
            for (Inheritable h : s.receiveMessage(ByteBuffer.allocate(4)).handles()) {
                sinks.add((PipeSink) h);
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            sinks.get(i).write(ByteBuffer.wrap(new byte[] { (byte) i }));
            sinks.get(i).close();
        }
        s.close();
        Role.say("RESULT bytes=" + n + " crc32=0");
    }

    /** Open pipe descriptors: what the received handles are. */
    private static long fds() throws Exception {
        try (Stream<Path> l = Files.list(Path.of("/proc/self/fd"))) {
            return l.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("pipe:");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
    }

    private static void receiveMany(IpcSocket s, int n) throws Exception {
        long before = fds();
        Role.ready();
        ByteBuffer buf = ByteBuffer.allocateDirect(16);
        for (int i = 0; i < n; i++) {
            ReceivedMessage m = s.receiveMessage(buf.clear());
            if (m.handles().size() != 1 || !(m.handles().get(0) instanceof PipeSource src)) {
                throw new IllegalStateException("message " + i + " brought " + m.handles());
            }
            src.close();
        }
        long after = fds();
        s.close();
        Role.say("FDS before=" + before + " after=" + after);
        Role.say("RESULT bytes=0 crc32=0");
    }
}
