package io.github.jipc.testsupport;

/**
 * The marks that make a named IPC object recognisably this test JVM's: a name
 * prefix that carries the pid ({@code jipc-LABEL-PID-}) and System V keys
 * derived from it. {@link LeakAccounting} tells other runs' objects apart by
 * them, checks after every test that nothing so marked is left, and removes
 * what it finds so marked (never anything else).
 */
public final class RunMarks {
    private static final long PID = ProcessHandle.current().pid();
    /** 0x4a70_0000 plus the pid's low 16 bits in bits 4..19; the low 4 bits number the keys. */
    private static final int KEY_BASE = 0x4a700000 | (int) (PID << 4 & 0xffff0);
    private static int next;

    private RunMarks() {}

    /**
     * A prefix for the POSIX names (shared memory, semaphores, queues) and
     * memory file labels of a test module: {@code "jipc-" + label + "-" + pid + "-"}.
     *
     * @param label lower-case letters and dashes, e.g. "it" or "it-mq"
     * @return the prefix, e.g. "jipc-it-4242-"
     */
    public static String prefix(String label) {
        if (!label.matches("[a-z]+(-[a-z]+)*")) {
            throw new IllegalArgumentException("a run mark's label is lower-case words joined by dashes, got " + label);
        }
        return "jipc-" + label + "-" + PID + "-";
    }

    /**
     * A System V key of this JVM: 16 of them, reused in turn (a test removes
     * what it makes, so a key is free again by its next turn).
     *
     * @return the key
     */
    public static synchronized int sysvKey() {
        return KEY_BASE | (next++ & 0xf);
    }

    /** Whether a System V key is one of {@link #sysvKey()}'s. */
    static boolean ownKey(int key) {
        return (key & ~0xf) == KEY_BASE;
    }
}
