package io.github.jipc.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves anything behind. Registered for every test
 * class by JUnit's extension autodetection (this jar's
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}, with
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in the test
 * module's {@code junit-platform.properties}): no test class names it.
 *
 * <p>Before a class's tests it takes a snapshot, after them another, and fails
 * naming each object the second has and the first had not:
 * <ul>
 * <li>descriptors in {@code /proc/self/fd} (by number and target);</li>
 * <li>mappings in {@code /proc/self/maps} of System V segments, {@code /dev/shm}
 * objects, memfds and files in the temp folder;</li>
 * <li>System V segments, semaphore sets and message queues of this user
 * ({@code /proc/sysvipc});</li>
 * <li>{@code /dev/shm} entries (POSIX shared memory, named semaphores) and
 * {@code /dev/mqueue} entries (where mqueue is mounted);</li>
 * <li>Unix socket files under the temp folder;</li>
 * <li>child processes of this JVM.</li>
 * </ul>
 *
 * <p>What is not counted, and why (each rule is narrow on purpose):
 * <ul>
 * <li>what the JVM opens once and keeps: before the first snapshot of a JVM,
 * every {@link WarmUp} registered through {@link ServiceLoader} runs once
 * (the native library, jipc's dead pipe end, the JDK's descriptors made on
 * first use such as Java 25's pre-close socket), and so does a JDK warm-up
 * here; jar files opened by class loading are never counted;</li>
 * <li>objects of other programs of the same user on a shared machine: a
 * System V segment whose creator is a live process outside this JVM's tree;
 * names that carry another live JVM's test-run marker
 * ({@code jipc-...-<pid>-}); socket files outside the {@code junit*} and
 * {@code jipc-*} folders of the temp folder, or bound by another process's
 * live socket; and System V semaphore sets and message queues (the kernel
 * records no creator for them) while another process of this user outside
 * this JVM's tree has jipc's JNI library loaded: those are printed on
 * standard error instead. A CI run has no such neighbour, so there every
 * object counts.</li>
 * </ul>
 * <p>After every test, too, it fails the test that left behind what only
 * this JVM's run can have made, whatever the other tests of the class do:
 * mappings of System V segments, and of {@code /dev/shm} objects and memfds
 * whose names carry this JVM's run mark; {@code /dev/shm} and
 * {@code /dev/mqueue} entries that carry it; System V objects of this JVM's
 * keys, of any user ({@link RunMarks}). Those named objects are removed once
 * named (nothing unmarked ever is), so that a failed run leaves nothing.
 *
 * <p>Where {@code /dev/mqueue} is not mounted it is mounted before the
 * first snapshot if this process may (as root); otherwise the queue checks
 * are skipped, which is said once on standard error.
 *
 * <p>Closes that another thread finishes a little later (a reaper, a thread
 * leaving a blocked call) are waited for, up to 2 s. Leaked child processes
 * are killed once named, so that they do not outlive the run.
 */
public final class LeakAccounting implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakAccounting.class);
    private static final long SETTLE_NANOS = 2_000_000_000L;
    private static boolean warm;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        warmUpOnce();
        context.getStore(NS).put("before", Snapshot.take());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Snapshot before = context.getStore(NS).get("before", Snapshot.class);
        if (before == null) {
            return;
        }
        long deadline = System.nanoTime() + SETTLE_NANOS;
        List<String> left;
        for (;;) {
            left = Snapshot.take().minus(before);
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(20);
        }
        List<String> unattributed = new java.util.ArrayList<>();
        if (left.stream().anyMatch(Snapshot::creatorUnknown)) {
            List<String> others = Snapshot.otherJipcProcesses();
            if (!others.isEmpty()) {
                left.stream().filter(Snapshot::creatorUnknown).forEach(unattributed::add);
                left.removeAll(unattributed);
                System.err.println(context.getDisplayName() + ": new System V objects whose creator the kernel does not"
                        + " record, not counted because other processes of this user use jipc meanwhile ("
                        + String.join(", ", others) + "):\n  " + String.join("\n  ", unattributed));
            }
            if (left.isEmpty()) {
                return;
            }
        }
        ProcessHandle.current().children().filter(c -> !before.objects.getOrDefault("child process", java.util.Map.of())
                .containsKey(Long.toString(c.pid()))).forEach(ProcessHandle::destroyForcibly);
        fail(context.getDisplayName() + " left " + left.size() + " thing(s) behind:\n  " + String.join("\n  ", left));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        context.getStore(NS).put("marked", Snapshot.takeMarked());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Snapshot before = context.getStore(NS).get("marked", Snapshot.class);
        if (before == null) {
            return;
        }
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (;;) {
            Snapshot after = Snapshot.takeMarked();
            List<String> left = after.minus(before);
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                List<String> kept = after.removeMarked(before);
                fail(context.getRequiredTestClass().getSimpleName() + " " + context.getDisplayName() + " left "
                        + left.size() + " thing(s) of this run behind (the named ones are removed now):\n  "
                        + String.join("\n  ", left) + (kept.isEmpty() ? "" : "\nnot removed:\n  " + String.join("\n  ", kept)));
            }
            Thread.sleep(20);
        }
    }

    /**
     * The descriptors open now, as "fd N -> target" lines, with the same rules as
     * the class check: for tests that compare before and after a few calls.
     */
    public static Set<String> openDescriptors() throws IOException {
        return Snapshot.descriptorsOnly();
    }

    private static synchronized void warmUpOnce() throws Exception {
        if (warm) {
            return;
        }
        warm = true;
        if (!Snapshot.mountMqueue()) {
            System.err.println("LeakAccounting: /dev/mqueue is not mounted and cannot be: POSIX message queues left"
                    + " behind are not seen");
        }
        JdkWarmUp.run();
        for (WarmUp w : ServiceLoader.load(WarmUp.class)) {
            w.warmUp();
        }
    }
}
