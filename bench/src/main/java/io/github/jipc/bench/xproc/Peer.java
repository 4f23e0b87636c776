package io.github.jipc.bench.xproc;

import java.util.Arrays;
import java.util.List;

/**
 * The child JVM of every Java run:
 * {@code Peer MECHANISM SIDE rtt|tput SIZE [ARGS...]} calls the transport's
 * {@link Transport#child} with the rest.
 */
public final class Peer {
    private Peer() {}

    public static void main(String[] args) throws Exception {
        Transport t = Transport.of(args[0]);
        Side side = Side.of(args[1]);
        Workload.Kind kind = args[2].equals("rtt") ? Workload.Kind.ROUND_TRIP : Workload.Kind.STREAM;
        Workload w = new Workload(kind, Integer.parseInt(args[3]));
        t.child(side, w, List.copyOf(Arrays.asList(args).subList(4, args.length)));
    }

    /** The arguments of Peer for this run, then the transport's own. */
    static String[] args(Transport t, Side side, Workload w, String... rest) {
        String[] a = new String[4 + rest.length];
        a[0] = t.key();
        a[1] = side.key();
        a[2] = w.kind() == Workload.Kind.ROUND_TRIP ? "rtt" : "tput";
        a[3] = String.valueOf(w.size());
        System.arraycopy(rest, 0, a, 4, rest.length);
        return a;
    }
}
