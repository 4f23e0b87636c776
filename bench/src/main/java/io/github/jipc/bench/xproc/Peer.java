package io.github.jipc.bench.xproc;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVM of every Java run:
 * {@code Peer MECHANISM SIDE rtt|tput SIZE WARMUP REPORT [ARGS...]} calls the
 * transport's {@link Transport#child} with the rest, then writes its own
 * costs ({@link ChildMeter}) into the file REPORT. WARMUP: round trips, or
 * milliseconds of a stream, before the timed part.
 */
public final class Peer {
    private Peer() {}

    public static void main(String[] args) throws Exception {
        Transport t = Transport.of(args[0]);
        Side side = Side.of(args[1]);
        Workload.Kind kind = args[2].equals("rtt") ? Workload.Kind.ROUND_TRIP : Workload.Kind.STREAM;
        Workload w = new Workload(kind, Integer.parseInt(args[3]));
        ChildMeter.configure(w, Long.parseLong(args[4]));
        t.child(side, w, List.copyOf(Arrays.asList(args).subList(FIXED, args.length)));
        ChildMeter.report(Path.of(args[5]));
    }

    private static final int FIXED = 6;

    /** The arguments of Peer for this run (its report file from the context), then the transport's own. */
    static String[] args(RunContext context, Transport t, Side side, Workload w, String... rest) {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        String[] a = new String[FIXED + rest.length];
        a[0] = t.key();
        a[1] = side.key();
        a[2] = rtt ? "rtt" : "tput";
        a[3] = String.valueOf(w.size());
        a[4] = String.valueOf(rtt ? context.settings.warmUp : context.settings.streamWarmUpMs);
        a[5] = context.childReport().toString();
        System.arraycopy(rest, 0, a, FIXED, rest.length);
        return a;
    }
}
