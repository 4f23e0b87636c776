package io.github.jipc.it.roles;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.jipc.EventFd;
import io.github.jipc.Futex;
import io.github.jipc.IpcSocket;
import io.github.jipc.MessageQueue;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SystemVSharedMemory;

/**
 * A peer that the crash-survival tests kill (SIGKILL) in the middle of an
 * operation: it prints {@code READY} and then blocks, or keeps writing.
 *
 * <pre>
 * CrashRole mq-send &lt;name&gt; &lt;n&gt;        send n messages "m&lt;i&gt;", READY, then block sending one more (full queue)
 * CrashRole shm-write &lt;name&gt;           map, write "written", READY, then increment a counter at 64 for ever
 * CrashRole sysv-write &lt;id&gt;            the same through an attached System V segment
 * CrashRole socket-read &lt;fd&gt;           READY, then block reading the inherited socket
 * CrashRole futex-wait &lt;name&gt;          map, READY, then wait on the futex word at 0 (while it is 0)
 * CrashRole eventfd-take &lt;fd&gt;          READY, then block taking the inherited counter
 * </pre>
 */
public final class CrashRole {
    private CrashRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            switch (a[0]) {
                case "mq-send" -> {
                    MessageQueue q = MessageQueue.open(a[1]);
                    int n = Role.intArg(a, 2, "n");
                    for (int i = 0; i < n; i++) {
                        q.send(("m" + i).getBytes(StandardCharsets.UTF_8), i);
                    }
                    Role.ready();
                    q.send("blocked".getBytes(StandardCharsets.UTF_8), 0);
                }
                case "shm-write" -> write(SharedMemory.open(a[1]).map());
                case "sysv-write" -> write(SystemVSharedMemory.ofId(Role.intArg(a, 1, "id")).attach());
                case "socket-read" -> {
                    IpcSocket s = IpcSocket.inherited(Role.intArg(a, 1, "fd"));
                    Role.ready();
                    s.read(ByteBuffer.allocateDirect(16));
                }
                case "futex-wait" -> {
                    SharedRegion r = SharedMemory.open(a[1]).map();
                    Futex f = Futex.at(r, 0);
                    Role.ready();
                    f.await(0);
                }
                case "eventfd-take" -> {
                    EventFd e = EventFd.inherited(Role.intArg(a, 1, "fd"));
                    Role.ready();
                    e.take();
                }
                default -> throw new IllegalArgumentException("unknown verb " + a[0]);
            }
            Role.say("ERROR the blocking call returned");
            System.exit(3);
        });
    }

    private static void write(SharedRegion r) {
        byte[] text = "written".getBytes(StandardCharsets.UTF_8);
        r.put(0, text, 0, text.length);
        Role.ready();
        for (;;) {
            r.getAndAddLong(64, 1);
        }
    }
}
