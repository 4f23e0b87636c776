package io.github.jipc.bench.xproc;

import java.util.Locale;

/** Who makes the calls on both sides of a run. */
public enum Side {
    /** Raw C: jipc_xproc_bench runs both processes (bench/c). */
    C,
    /** The control: a JVM on each side making bare JNI calls into the bench's own C library, nothing around them. */
    JNI,
    /** jipc between two JVMs. */
    JIPC,
    /** What a JVM user has without jipc, where the JDK has the mechanism. */
    JDK;

    static Side of(String key) {
        for (Side s : values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown side '" + key + "' (c, jni, jipc, jdk)");
    }

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** As the tables name it: C, jni, jipc, JDK. */
    String label() {
        return this == C || this == JDK ? name() : key();
    }
}
