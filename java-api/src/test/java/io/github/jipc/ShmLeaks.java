package io.github.jipc;

import io.github.jipc.testsupport.RunMarks;

/**
 * Names of the shared memory tests: every POSIX object name and memory file
 * label starts with {@link #PREFIX}, every System V semaphore key comes from
 * {@link #semKey}, so that what a run leaves is recognizably its own. The
 * leak check itself is jipc-test-support's LeakAccounting, run after every
 * test (for what carries these marks, {@link RunMarks}) and every test class.
 */
final class ShmLeaks {
    /** The prefix of every POSIX object name and memory file label the unit tests use. */
    static final String PREFIX = RunMarks.prefix("unit");

    private ShmLeaks() {}

    /** A System V semaphore key of this test run (16 of them, reused). */
    static SysVKey semKey() {
        return SysVKey.of(RunMarks.sysvKey());
    }
}
