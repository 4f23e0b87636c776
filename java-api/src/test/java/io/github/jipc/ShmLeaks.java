package io.github.jipc;

/**
 * Names of the shared memory tests: every POSIX object name and memory file
 * label starts with {@link #PREFIX}, every System V semaphore key comes from
 * {@link #semKey}, so that what a run leaves is recognizably its own. The
 * leak check itself is jipc-test-support's LeakAccounting, run after every
 * test class.
 */
final class ShmLeaks {
    /** The prefix of every POSIX object name and memory file label the unit tests use. */
    static final String PREFIX = "jipc-unit-" + ProcessHandle.current().pid() + "-";

    private ShmLeaks() {}

    private static final int SEM_KEY_BASE = 0x4a750000 | (int) (ProcessHandle.current().pid() << 4 & 0xfff0);
    private static int nextSemKey;

    /** A System V semaphore key of this test run (16 of them, reused). */
    static synchronized SysVKey semKey() {
        return SysVKey.of(SEM_KEY_BASE | (nextSemKey++ & 0xf));
    }
}
