package io.github.jipc.it.harness;

import io.github.jipc.testsupport.WarmUp;

/** The harness's warm-up ({@link Harness}), run once before the first leak snapshot of the JVM. */
public final class ItWarmUp implements WarmUp {
    /** Made by ServiceLoader. */
    public ItWarmUp() {}

    @Override
    public void warmUp() throws Exception {
        Harness.warmUp();
    }
}
