package io.github.jipc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.github.jipc.MemoryFile;
import io.github.jipc.MessageRing;
import io.github.jipc.RingConsumer;
import io.github.jipc.RingKind;
import io.github.jipc.RingLayout;
import io.github.jipc.RingProducer;
import io.github.jipc.SharedRegion;

/**
 * A message ring between this JVM and a plain C child: two rings (requests
 * and replies) in a memory file the child inherits as descriptor 3 and
 * attaches with {@code jipc_ring.h}. A greeting, ping-pong round trips, a
 * stream of numbered messages of random sizes written in place and checked by
 * the child, and the child idle: asleep on the ring's futex word, using no CPU.
 */
final class RingStep implements TourStep {
    static final String PROGRAM = "jipc_ring_child";
    private static final int CHILD_FD = 3;
    private static final int CAPACITY = 1 << 16;
    private static final int MAX = 4096;
    private static final int STREAM_MAX = 200;

    @Override
    public String name() {
        return "ring";
    }

    @Override
    public String title() {
        return "a message ring with a C child: claim, write in place, commit; spin, then sleep on a futex(2) word";
    }

    @Override
    public void run(TourContext context, StepReport report) throws Exception {
        Path program = program(context.workDir());
        TourContext.Settings settings = context.settings();
        Duration timeout = settings.timeout();
        long ringSize = MessageRing.size(CAPACITY);
        long size = (2 * ringSize + SharedRegion.pageSize() - 1) & -SharedRegion.pageSize();
        try (MemoryFile memory = MemoryFile.create("jipc-tour-ring", size); SharedRegion region = memory.map()) {
            MessageRing requests = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, CAPACITY, MAX);
            MessageRing replies = MessageRing.create(region, ringSize, RingKind.SINGLE_PRODUCER, CAPACITY, MAX);
            try (RingProducer out = requests.producer(); RingConsumer in = replies.consumer()) {
                ChildJvm child = context.startProgram(this, program,
                        List.of(Integer.toString(CHILD_FD), Long.toString(size), "0", Long.toString(ringSize)),
                        b -> b.inherit(memory, CHILD_FD));
                child.closeOnTimeout(out, in);
                report.line("child", "C pid " + child.pid() + " maps the memfd (fd " + CHILD_FD + "): requests at offset 0,"
                        + " replies at offset " + ringSize + ", " + CAPACITY / 1024 + " KiB each (jipc_ring.h)");

                String hello = "hello from JVM pid " + ProcessHandle.current().pid();
                send(out, 'H', hello.getBytes(StandardCharsets.UTF_8));
                report.line("hello", "sent '" + hello + "'; reply: " + text(in, timeout));

                roundTrips(report, out, in, Math.min(Math.max(settings.messageSize(), 1), MAX), settings, timeout);
                stream(report, out, in, settings, timeout);

                long ticks = cpuTicks(child.pid());
                Thread.sleep(500);
                long spent = cpuTicks(child.pid()) - ticks;
                int asleep = region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING);
                report.line("idle", "the child waits for the next request " + (asleep == 1 ? "asleep on the ring's futex word"
                        : "awake") + " and used " + spent * 1000 / Math.max(1, clockTicks()) + " ms of CPU in 500 ms");

                out.offer(ByteBuffer.allocate(0));
                report.line("exit", "an empty message ends it; child " + child.expectSuccess());
            }
        }
    }

    private static void send(RingProducer out, char kind, byte[] body) throws IOException {
        int at = out.claim(1 + body.length);
        out.buffer().put(at, (byte) kind).put(at + 1, body);
        out.commit();
    }

    private static String text(RingConsumer in, Duration timeout) throws IOException {
        int at = in.read(timeout);
        if (at < 0) {
            throw new IllegalStateException("no reply from the C child within " + timeout.toSeconds() + " s");
        }
        byte[] b = new byte[in.length()];
        in.buffer().get(at, b);
        in.release();
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void roundTrips(StepReport report, RingProducer out, RingConsumer in, int size,
            TourContext.Settings settings, Duration timeout) throws IOException {
        int n = settings.roundTrips();
        long[] nanos = new long[n];
        ByteBuffer o = out.buffer();
        for (int i = -settings.warmUp(); i < n; i++) {
            long t0 = System.nanoTime();
            int at = out.claim(size);
            o.put(at, (byte) 'P');
            if (size >= 5) {
                o.putInt(at + 1, i);
            }
            out.commit();
            int back = in.read(timeout);
            if (back < 0 || in.length() != size || (size >= 5 && in.buffer().getInt(back + 1) != i)) {
                throw new IllegalStateException("round trip " + i + ": " + (back < 0 ? "no answer" : "a wrong answer"));
            }
            in.release();
            if (i >= 0) {
                nanos[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        report.line("round trips", String.format("%,d of %d B, each side spinning %d µs before it sleeps: p50 %.2f µs,"
                + " p99 %.2f µs", n, size, MessageRing.DEFAULT_SPIN.toNanos() / 1000, nanos[n / 2] / 1e3,
                nanos[(int) (n * 0.99)] / 1e3));
    }

    private static void stream(StepReport report, RingProducer out, RingConsumer in, TourContext.Settings settings,
            Duration timeout) throws IOException {
        long n = Math.max(1000, Math.min(1_000_000, settings.bulkBytes() / 16));
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer o = out.buffer();
        long sum = 0;
        long t0 = System.nanoTime();
        for (long s = 0; s < n; s++) {
            int len = random.nextInt(STREAM_MAX + 1);
            int at = out.claim(9 + len);
            o.put(at, (byte) 'S').putLong(at + 1, s);
            for (int i = 0; i < len; i++) {
                byte b = (byte) (s + i);
                o.put(at + 9 + i, b);
                sum += b & 0xFF;
            }
            out.commit();
        }
        send(out, 'E', new byte[0]);
        String answer = text(in, timeout);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String expected = "count=" + n + " sum=" + sum + " out-of-order=0";
        if (!answer.equals(expected)) {
            throw new IllegalStateException("the child counted '" + answer + "', expected '" + expected + "'");
        }
        report.line("stream", String.format("%,d numbered messages of 9 to %d B written in place in %,d ms (%.1f million"
                + " a second); the child read each in place: %s", n, 9 + STREAM_MAX, ms, n / 1e3 / Math.max(1, ms), answer));
    }

    /** User + system CPU of pid in clock ticks (proc(5), /proc/pid/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTicks() {
        return 100; // USER_HZ, fixed at 100 on Linux for /proc
    }

    /** The C child CMake built beside the classes, or the copy in the jar, unpacked into scratch. */
    static Path program(Path scratch) throws IOException {
        String arch = System.getProperty("os.arch");
        String platform = "linux-" + (arch.equals("amd64") ? "x86_64" : arch.equals("aarch64") ? "arm64" : arch);
        try {
            Path from = Path.of(RingStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path built = from.toAbsolutePath().getParent().resolve("cmake-" + platform).resolve(PROGRAM);
            if (Files.isExecutable(built)) {
                return built;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // look in the jar
        }
        String resource = platform + "/" + PROGRAM;
        try (InputStream in = RingStep.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the ring step's C child is not in the jar (" + resource
                        + "); build it with 'mvn -pl native,java-api,bench,cli package' (CMake builds cli/c)");
            }
            Path out = scratch.resolve(PROGRAM);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            return out;
        }
    }

    @Override
    public int child(List<String> args) {
        System.err.println("the ring step's child is the C program " + PROGRAM + ", not a JVM");
        return 2;
    }
}
