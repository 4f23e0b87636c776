package io.github.jipc.testsupport;

/**
 * Opens what a test module keeps open for the whole JVM once used, before
 * {@link LeakAccounting} takes its first snapshot: the native library, jipc's
 * process-wide dead pipe end, the JDK's lazily made descriptors. Each test
 * module registers its implementation in
 * {@code META-INF/services/io.github.jipc.testsupport.WarmUp}; it runs once per JVM.
 */
public interface WarmUp {
    /** Uses, once, everything the module's tests open for the JVM's lifetime. */
    void warmUp() throws Exception;
}
