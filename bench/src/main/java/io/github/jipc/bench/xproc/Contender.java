package io.github.jipc.bench.xproc;

/**
 * One side of the comparison: makes a process pair for a run, measures in the
 * parent (the pinger, or the stream's receiver), and leaves nothing behind.
 * Every wait of a run is bounded by its {@link Watchdog}.
 */
interface Contender {
    /** The name on the command line: c, jipc, jdk. */
    String key();

    /** What it is, for the report's tables. */
    String label(Mechanism mechanism);

    /** False for a mechanism this contender does not run (its cells stay empty). */
    default boolean supports(Mechanism mechanism) {
        return true;
    }

    /** Ping-pong of size-byte messages: the settings' warm-up, then the timed round trips. */
    Latency roundTrips(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception;

    /** A one-way stream of size-byte messages from the child, counted and checked by the parent. */
    Throughput stream(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception;

    static Contender of(String key, Settings settings) {
        return switch (key) {
            case "c" -> new RawC(settings.cProgram());
            case "jipc" -> new JipcContender();
            case "jdk" -> new JdkContender();
            case "jni" -> new JniContender();
            default -> throw new IllegalArgumentException("unknown contender " + key);
        };
    }
}
