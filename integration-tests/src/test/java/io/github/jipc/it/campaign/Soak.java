package io.github.jipc.it.campaign;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.jipc.EventFd;
import io.github.jipc.Fifo;
import io.github.jipc.Futex;
import io.github.jipc.IpcSocket;
import io.github.jipc.MapOption;
import io.github.jipc.MappedFile;
import io.github.jipc.MemoryFile;
import io.github.jipc.MessageQueue;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.PollEvent;
import io.github.jipc.Poller;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.ReceivedMessage;
import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.RobustMutex;
import io.github.jipc.SemOp;
import io.github.jipc.SharedCondition;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.Subprocess;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.UnixAddress;

/**
 * The soak's {@code main}: for the given seconds, rounds of one
 * open/use/close cycle of every facility, and once a second a sample of this
 * JVM's descriptors ({@code /proc/self/fd}) and resident memory
 * ({@code VmRSS} of {@code /proc/self/status}):
 *
 * <pre>
 * Soak &lt;seconds&gt; &lt;scratch folder&gt;
 * SAMPLE s=&lt;second&gt; rounds=&lt;n&gt; fds=&lt;n&gt; rssKiB=&lt;n&gt;    once a second
 * RESULT rounds=&lt;n&gt;                                 at the end
 * </pre>
 *
 * Run in a JVM with a fixed heap, touched up front, so RSS measures what is
 * outside the Java heap: native memory, mappings, thread stacks.
 */
public final class Soak {
    private static final String NAME = "/jipc-soak-" + ProcessHandle.current().pid();

    private Soak() {}

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        Path folder = Files.createDirectories(Path.of(args[1]));
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long nextSample = start;
        long rounds = 0;
        List<Cycle> cycles = cycles(folder);
        while (System.nanoTime() < end) {
            for (Cycle c : cycles) {
                c.run();
            }
            rounds++;
            if (System.nanoTime() >= nextSample) {
                System.out.println("SAMPLE s=" + (System.nanoTime() - start) / 1_000_000_000L + " rounds=" + rounds
                        + " fds=" + fds() + " rssKiB=" + rssKiB());
                System.out.flush();
                nextSample += 1_000_000_000L;
            }
        }
        Files.deleteIfExists(folder.resolve("file"));
        Files.deleteIfExists(folder.resolve("fifo"));
        Files.deleteIfExists(folder);
        System.out.println("RESULT rounds=" + rounds);
        System.out.flush();
        System.exit(0);
    }

    interface Cycle {
        void run() throws Exception;
    }

    static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void transfer(PipeSink sink, PipeSource source) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        sink.write(b);
        b.clear();
        source.read(b);
    }

    private static List<Cycle> cycles(Path folder) {
        List<Cycle> c = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocateDirect(256);
        c.add(() -> {
            try (Pipe p = Pipe.open()) {
                transfer(p.sink(), p.source());
            }
        });
        c.add(() -> {
            Fifo f = Fifo.create(folder.resolve("fifo"), Regions.OWNER_RW);
            try (PipeSource in = f.openSource(); PipeSink out = f.openSink()) {
                transfer(out, in);
            } finally {
                f.remove();
            }
        });
        c.add(() -> {
            try (Subprocess s = Subprocess.builder("/bin/true").redirectOutput(Redirect.PIPE).start()) {
                s.waitFor(Duration.ofSeconds(10));
            }
        });
        c.add(() -> {
            try (SharedMemory m = SharedMemory.create(NAME, 8192, Regions.OWNER_RW); SharedRegion r = m.map()) {
                r.getAndAddLong(0, 1);
                r.asByteBuffer().putInt(8, 1);
            } finally {
                SharedMemory.unlink(NAME);
            }
        });
        c.add(() -> {
            try (MemoryFile m = MemoryFile.create("soak", 8192); SharedRegion r = m.map()) {
                r.putLong(0, r.getLong(8));
            }
        });
        c.add(() -> {
            SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, 8192, Regions.OWNER_RW);
            try (SharedRegion r = s.attach()) {
                r.putInt(0, 1);
            } finally {
                s.remove();
            }
        });
        c.add(() -> {
            try (SharedRegion r = MappedFile.map(folder.resolve("file"), 0, 8192, MapOption.CREATE)) {
                r.putByte(4096, (byte) 1);
            }
        });
        c.add(() -> {
            try (RecordLocks l = RecordLocks.open(folder.resolve("file"))) {
                RecordLock k = l.lock(0, 10, false);
                l.holder(0, 10, false);
                k.release();
            }
        });
        c.add(() -> {
            try (MemoryFile m = MemoryFile.create("soak-sync", 4096); SharedRegion r = m.map();
                    Futex f = Futex.at(r, 0); PosixSemaphore s = PosixSemaphore.init(r, 64, 1);
                    RobustMutex mu = RobustMutex.init(r, 128); SharedCondition cv = SharedCondition.init(r, 256)) {
                f.wake(1);
                f.await(1, Duration.ZERO);
                s.acquire();
                s.release();
                mu.lock();
                cv.signal();
                cv.await(mu, Duration.ofNanos(1000));
                mu.unlock();
            }
        });
        c.add(() -> {
            try (PosixSemaphore s = PosixSemaphore.create(NAME, 0, Regions.OWNER_RW)) {
                s.release();
                s.tryAcquire();
            } finally {
                PosixSemaphore.unlink(NAME);
            }
        });
        c.add(() -> {
            try (SystemVSemaphores s = SystemVSemaphores.create(SysVKey.PRIVATE, Regions.OWNER_RW, 1)) {
                s.op(SemOp.take(0).undo());
                s.op(SemOp.give(0).undo());
                s.remove();
            }
        });
        c.add(() -> {
            try (MessageQueue q = MessageQueue.create(NAME, 4, 64, Regions.OWNER_RW)) {
                q.send(new byte[16], 1);
                buf.clear();
                q.receive(buf);
            } finally {
                MessageQueue.unlink(NAME);
            }
        });
        c.add(() -> {
            for (SocketType t : new SocketType[] { SocketType.STREAM, SocketType.DATAGRAM, SocketType.SEQPACKET }) {
                try (SocketPair p = IpcSocket.pair(t); Pipe passed = Pipe.open()) {
                    buf.clear().limit(8);
                    p.first().send(buf, passed.source());
                    buf.clear();
                    ReceivedMessage m = p.second().receiveMessage(buf, 1);
                    for (var h : m.handles()) {
                        ((AutoCloseable) h).close();
                    }
                }
            }
        });
        c.add(() -> {
            for (var a : new java.net.SocketAddress[] { new InetSocketAddress("127.0.0.1", 0),
                    UnixAddress.abstractName(NAME.substring(1)) }) {
                try (IpcSocket l = IpcSocket.listening(a, SocketType.STREAM, 1);
                        IpcSocket client = IpcSocket.connected(l.localAddress(), SocketType.STREAM, Duration.ofSeconds(5));
                        IpcSocket server = l.accept()) {
                    buf.clear().limit(32);
                    client.write(buf);
                    buf.clear();
                    server.read(buf);
                }
            }
        });
        c.add(() -> {
            try (EventFd e = EventFd.create(0); Poller p = Poller.open()) {
                p.register(e, PollEvent.READ);
                e.add(1);
                p.poll(Duration.ofSeconds(1));
                e.take();
            }
        });
        return c;
    }
}
