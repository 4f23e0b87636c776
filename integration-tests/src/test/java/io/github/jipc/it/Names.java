package io.github.jipc.it;

import io.github.jipc.testsupport.RunMarks;

/**
 * Names and keys of the integration tests, marked as this JVM's run
 * ({@link RunMarks}): jipc-test-support's LeakAccounting checks after every
 * test that nothing so marked is left (and removes it), and after every class
 * that nothing at all is.
 */
final class Names {
    /** The prefix of every POSIX shared memory and semaphore name and memory file label these tests use. */
    static final String PREFIX = RunMarks.prefix("it");
    /** The prefix of every queue name these tests use. */
    private static final String QUEUE_PREFIX = RunMarks.prefix("it-mq");
    private static int next;

    private Names() {}

    /** A System V key of this run. */
    static int key() {
        return RunMarks.sysvKey();
    }

    /** A fresh queue name of this run, "/prefix-label-n". */
    static synchronized String queue(String label) {
        return "/" + QUEUE_PREFIX + label + "-" + next++;
    }
}
