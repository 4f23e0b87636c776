package io.github.jipc.bench.xproc;

/** The kernel facility a run goes through. */
enum Mechanism {
    /** An unnamed pipe (pipe(2)) whose far ends the child inherits. */
    PIPE("pipe"),
    /** A named pipe (mkfifo(3)) that the child opens by path. */
    FIFO("fifo");

    final String key;

    Mechanism(String key) {
        this.key = key;
    }

    static Mechanism of(String key) {
        for (Mechanism m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mechanism '" + key + "' (pipe, fifo)");
    }
}
