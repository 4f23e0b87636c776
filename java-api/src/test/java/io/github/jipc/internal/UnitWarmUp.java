package io.github.jipc.internal;

import io.github.jipc.Jipc;
import io.github.jipc.Pipe;
import io.github.jipc.testsupport.WarmUp;

/**
 * What jipc keeps for the process's lifetime once used, opened before the
 * first leak snapshot of the unit tests: the native library and the dead pipe
 * end that closing handles point their descriptors at. (In a package the
 * module does not export, as a service of a class-path interface.)
 */
public final class UnitWarmUp implements WarmUp {
    /** Made by ServiceLoader. */
    public UnitWarmUp() {}

    @Override
    public void warmUp() throws Exception {
        Jipc.ensureAvailable();
        Pipe.open().close();
    }
}
